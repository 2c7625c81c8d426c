#pragma once
namespace s3top::app {
/// On a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) or std::terminate, puts the
/// terminal back (tui::restore_terminal) before the process dies the default way.
void install_crash_handlers();
}  // namespace s3top::app
