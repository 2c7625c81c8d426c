#include "app/crash.hpp"

#include <csignal>
#include <cstdlib>
#include <exception>

#include "tui/dashboard.hpp"

namespace s3top::app {
namespace {

extern "C" void on_fatal_signal(int sig) {
    tui::restore_terminal();  // async-signal-safe
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

}  // namespace

void install_crash_handlers() {
    for (const int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
        struct sigaction sa{};
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        sigaction(sig, &sa, nullptr);
    }
    std::set_terminate([] {
        tui::restore_terminal();
        std::abort();
    });
}

}  // namespace s3top::app
