#pragma once
// The curses side of the dashboard, kept apart from the event loop: opening and restoring the
// terminal, signals, copying a Canvas to the screen, reading keys. Only terminal.cpp includes
// curses.
#include <csignal>
#include <cstdio>
#include <optional>
#include <variant>

#include "tui/canvas.hpp"
#include "tui/controller.hpp"
#include "tui/theme.hpp"

struct screen;  // curses' SCREEN

namespace s3top::tui {

struct TerminalOptions {
    bool no_color = false;
    bool ascii = false;
    bool mouse = true;
    Theme theme = Theme::defaults();  ///< used unless colors are off (no_color, NO_COLOR, no color terminal)
};

/// An input event: a key, a mouse event, or a resize to (width, height).
struct Resize {
    int width = 0, height = 0;
};
using InputEvent = std::variant<Key, MouseEvent, Resize>;

/// One curses session on the controlling terminal. Construction sets up signals and curses;
/// destruction (on every path, including unwinding) restores both.
class Terminal {
public:
    explicit Terminal(const TerminalOptions& options);
    ~Terminal();
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;

    /// False when no terminal could be opened; nothing else may be called then.
    bool ok() const { return ok_; }
    bool unicode() const { return unicode_; }
    int width() const;
    int height() const;

    /// fd to poll for key input.
    int input_fd() const { return in_fd_; }
    /// fd to poll for signals (SIGINT/SIGTERM/SIGHUP/SIGWINCH); drain it with take_signals().
    int signal_fd() const { return sig_read_fd_; }
    /// The signal mask to wait with (ppoll): the caller's, with SIGINT/SIGTERM/SIGHUP/SIGWINCH
    /// unblocked. Outside that wait the Terminal keeps them blocked on its thread.
    const sigset_t& wait_mask() const { return wait_mask_; }
    /// Reads the signal pipe. Returns the terminating signal if one arrived; sets `resized`
    /// when SIGWINCH did (and resizes curses to the new size).
    std::optional<int> take_signals(bool& resized);

    /// Next pending input event without blocking; nullopt when none is buffered.
    std::optional<InputEvent> read_event();

    /// Copies the canvas to the screen in one update (wnoutrefresh + doupdate).
    void draw(const Canvas& canvas);
    /// Repaints every cell on the next draw (Ctrl-L, after a suspend).
    void invalidate();
    /// Ctrl-Z: gives the terminal back, stops the process, resumes.
    void suspend();

private:
    bool ok_ = false;
    bool unicode_ = true;
    bool colors_ = false;
    int in_fd_ = -1, out_fd_ = -1;
    int tty_fd_ = -1;  ///< opened /dev/tty when stdin or stdout is not a terminal
    int sig_read_fd_ = -1, sig_write_fd_ = -1;
    ::screen* screen_ = nullptr;
    std::FILE* in_file_ = nullptr;  ///< given to newterm
    std::FILE* out_file_ = nullptr;
    bool own_files_ = false;
    struct sigaction old_int_{}, old_term_{}, old_hup_{}, old_winch_{};
    sigset_t old_mask_{}, wait_mask_{};
};

}  // namespace s3top::tui
