#include "tui/terminal.hpp"
// Project headers first: term.h defines macros named like ordinary words (lines, columns).
#include "tui/dashboard.hpp"

#include <curses.h>
#include <fcntl.h>
#include <pthread.h>
#include <langinfo.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <clocale>
#include <cstdlib>
#include <cstring>
#include <string>

namespace s3top::tui {
namespace {

// Signal handlers and crash paths cannot be handed an object, so the few facts they need live
// here: the signal pipe's write end, and what restore_terminal() must undo. Written only by
// the UI thread while it sets up or tears down a Terminal.
std::atomic<int> g_signal_pipe{-1};

struct CrashRestore {
    std::atomic<bool> active{false};
    int fd = -1;  // the terminal
    termios saved{};
    char seq[256] = {};  // leaves mouse mode, alternate screen, shows the cursor
    std::size_t seq_len = 0;
};
CrashRestore g_restore;

constexpr int kDashboardSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};

sigset_t dashboard_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (const int sig : kDashboardSignals) sigaddset(&set, sig);
    return set;
}

extern "C" void on_signal(int sig) {
    const int saved_errno = errno;
    const int fd = g_signal_pipe.load(std::memory_order_relaxed);
    if (fd >= 0) {
        const auto b = static_cast<unsigned char>(sig);
        [[maybe_unused]] const auto n = ::write(fd, &b, 1);  // full pipe: a byte is already waiting
    }
    errno = saved_errno;
}

void append_seq(std::string_view s) {
    const std::size_t room = sizeof g_restore.seq - g_restore.seq_len;
    const std::size_t n = std::min(room, s.size());
    std::memcpy(g_restore.seq + g_restore.seq_len, s.data(), n);
    g_restore.seq_len += n;
}

/// The capability string when the terminal has it (tigetstr returns -1 / 0 otherwise).
std::string_view capability(const char* name) {
    char* s = tigetstr(const_cast<char*>(name));
    if (s == nullptr || s == reinterpret_cast<char*>(-1)) return {};
    return s;
}

attr_t attrs_for(const Style& s, bool colors) {
    attr_t a = A_NORMAL;
    if (s.bold) a |= A_BOLD;
    if (s.reverse) a |= A_REVERSE;
    if (s.underline) a |= A_UNDERLINE;
    if (s.role == Role::Dim) a |= A_DIM;
    if (s.role == Role::Selected) a |= A_REVERSE;
    if (!colors) {
        // Without colors, only attributes tell roles apart.
        if (s.role == Role::Title || s.role == Role::Hotkey || s.role == Role::Bad || s.role == Role::Warn) a |= A_BOLD;
        if (s.role == Role::Focus) a |= A_REVERSE | A_BOLD;
        return a;
    }
    return a | static_cast<attr_t>(COLOR_PAIR(color_pair_of(s.role)));
}

Key translate_key(int rc, wint_t ch) {
    if (rc == KEY_CODE_YES) {
        switch (ch) {
            case KEY_UP: return keys::Up;
            case KEY_DOWN: return keys::Down;
            case KEY_LEFT: return keys::Left;
            case KEY_RIGHT: return keys::Right;
            case KEY_PPAGE: return keys::PageUp;
            case KEY_NPAGE: return keys::PageDown;
            case KEY_HOME: return keys::Home;
            case KEY_END: return keys::End;
            case KEY_BTAB: return keys::BackTab;
            case KEY_DC: return keys::Delete;
            case KEY_BACKSPACE: return keys::Backspace;
            case KEY_ENTER: return keys::Enter;
            default:
                for (int n = 1; n <= 12; ++n) {
                    if (ch == static_cast<wint_t>(KEY_F(n))) return keys::function(n);
                }
                return 0;
        }
    }
    if (ch == 0x08 || ch == 0x7F) return keys::Backspace;
    if (ch == 0x0A || ch == 0x0D) return keys::Enter;
    return static_cast<Key>(ch);
}

}  // namespace

void restore_terminal() noexcept {
    if (!g_restore.active.exchange(false)) return;
    // Only async-signal-safe calls: this may run in a fatal signal handler.
    if (g_restore.seq_len) [[maybe_unused]]
        const auto n = ::write(g_restore.fd, g_restore.seq, g_restore.seq_len);
    ::tcsetattr(g_restore.fd, TCSANOW, &g_restore.saved);
}

DashboardSignalBlock::DashboardSignalBlock() {
    const sigset_t ours = dashboard_signals();
    pthread_sigmask(SIG_BLOCK, &ours, &old_);
}

std::optional<std::string> terminal_problem() {
    const char* term = std::getenv("TERM");
    if (!term || !*term) return "TERM is not set, so the terminal's kind is unknown";
    int status = 0;
    // Looks the terminal up in terminfo without touching the screen.
    if (setupterm(term, STDOUT_FILENO, &status) != OK) {
        return status == 0 ? "TERM=" + std::string(term) + " is not a terminal type terminfo knows"
                           : "no terminfo database to look TERM=" + std::string(term) + " up in";
    }
    const char* cup = tigetstr(const_cast<char*>("cup"));
    const bool addressable = cup != nullptr && cup != reinterpret_cast<char*>(-1);
    del_curterm(cur_term);
    if (!addressable) return "TERM=" + std::string(term) + " cannot move the cursor";
    return std::nullopt;
}

DashboardSignalBlock::~DashboardSignalBlock() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

Terminal::Terminal(const TerminalOptions& options) {
    std::setlocale(LC_ALL, "");
    in_fd_ = STDIN_FILENO;
    out_fd_ = STDOUT_FILENO;
    in_file_ = stdin;
    out_file_ = stdout;
    if (!::isatty(in_fd_) || !::isatty(out_fd_)) {
        // Logs piped in or output redirected: talk to the controlling terminal directly.
        tty_fd_ = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
        if (tty_fd_ < 0) return;
        const int in_dup = ::dup(tty_fd_), out_dup = ::dup(tty_fd_);
        in_file_ = in_dup >= 0 ? ::fdopen(in_dup, "r") : nullptr;
        out_file_ = out_dup >= 0 ? ::fdopen(out_dup, "w") : nullptr;
        own_files_ = true;
        if (!in_file_ || !out_file_) return;
        in_fd_ = ::fileno(in_file_);
        out_fd_ = ::fileno(out_file_);
    }

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
    sig_read_fd_ = fds[0];
    sig_write_fd_ = fds[1];
    g_signal_pipe.store(sig_write_fd_);
    // Blocked on this thread except while the loop waits in ppoll() with wait_mask(): a signal
    // is then taken at one place, inside the wait. (ThreadSanitizer's runtime in GCC 12 lost a
    // signal that came while it set up its per-thread signal state on the loop's first poll();
    // blocked, none can come then.)
    const sigset_t ours = dashboard_signals();
    pthread_sigmask(SIG_BLOCK, &ours, &old_mask_);
    wait_mask_ = old_mask_;
    for (const int sig : kDashboardSignals) sigdelset(&wait_mask_, sig);
    // Installed before newterm(): curses then leaves these signals to us (it only catches
    // signals still at their default).
    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;  // ingest threads' reads are not interrupted
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
    sigaction(SIGHUP, &sa, &old_hup_);  // the terminal closed: restore what is left, exit
    sigaction(SIGWINCH, &sa, &old_winch_);

    ::tcgetattr(in_fd_, &g_restore.saved);
    screen_ = newterm(nullptr, out_file_, in_file_);
    if (!screen_) return;
    set_term(screen_);
    ok_ = true;

    g_restore.fd = out_fd_;
    g_restore.seq_len = 0;
    append_seq("\x1b[?1006l\x1b[?1002l\x1b[?1000l\x1b[0m");
    append_seq(capability("cnorm"));
    append_seq(capability("rmcup"));
    g_restore.active.store(true);

    const char* codeset = nl_langinfo(CODESET);
    unicode_ = !options.ascii && codeset && std::strcmp(codeset, "UTF-8") == 0;

    raw();  // Ctrl-C and Ctrl-Z arrive as keys: no signal handler runs curses code
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    if (colors_wanted(options.no_color, std::getenv("NO_COLOR")) && has_colors()) {
        start_color();
        const bool default_colors = use_default_colors() == OK;
        for (const ColorPair& p : color_pairs(options.theme, COLORS, default_colors)) init_pair(p.pair, p.fg, p.bg);
        colors_ = true;
    }
    if (options.mouse) {
        // Releases too: a press and a release over the chart pick a time range.
        mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON4_PRESSED | BUTTON5_PRESSED, nullptr);
        mouseinterval(0);  // no click detection delay: a press is a click
    }
}

Terminal::~Terminal() {
    if (ok_) {
        g_restore.active.store(false);
        mousemask(0, nullptr);
        endwin();
        delscreen(screen_);
    }
    g_signal_pipe.store(-1);
    if (sig_write_fd_ >= 0) {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
        sigaction(SIGHUP, &old_hup_, nullptr);
        sigaction(SIGWINCH, &old_winch_, nullptr);
        // After the old handlers: a signal that came since the last wait now gets the action
        // it would have had without the dashboard.
        pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
        ::close(sig_write_fd_);
        ::close(sig_read_fd_);
    }
    if (own_files_) {
        if (in_file_) std::fclose(in_file_);
        if (out_file_) std::fclose(out_file_);
    }
    if (tty_fd_ >= 0) ::close(tty_fd_);
}

int Terminal::width() const { return COLS; }
int Terminal::height() const { return LINES; }

std::optional<int> Terminal::take_signals(bool& resized) {
    std::optional<int> stop;
    unsigned char buf[64];
    ssize_t n;
    while ((n = ::read(sig_read_fd_, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; ++i) {
            if (buf[i] == SIGWINCH) {
                resized = true;
            } else {
                stop = buf[i];
            }
        }
    }
    if (resized) {
        winsize ws{};
        if (::ioctl(out_fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) resize_term(ws.ws_row, ws.ws_col);
    }
    return stop;
}

std::optional<InputEvent> Terminal::read_event() {
    wint_t ch = 0;
    const int rc = wget_wch(stdscr, &ch);
    if (rc == ERR) return std::nullopt;
    if (rc == KEY_CODE_YES && ch == KEY_RESIZE) return Resize{COLS, LINES};
    if (rc == KEY_CODE_YES && ch == KEY_MOUSE) {
        MEVENT me{};
        if (getmouse(&me) != OK) return Key{0};
        MouseEvent ev;
        ev.x = me.x;
        ev.y = me.y;
        if (me.bstate & BUTTON4_PRESSED) {
            ev.kind = MouseEvent::Kind::WheelUp;
        } else if (me.bstate & BUTTON5_PRESSED) {
            ev.kind = MouseEvent::Kind::WheelDown;
        } else if (me.bstate & BUTTON1_PRESSED) {
            ev.kind = MouseEvent::Kind::Press;
        } else if (me.bstate & BUTTON1_RELEASED) {
            ev.kind = MouseEvent::Kind::Release;
        } else {
            return Key{0};
        }
        return ev;
    }
    return translate_key(rc, ch);
}

void Terminal::draw(const Canvas& canvas) {
    std::string run;
    for (int y = 0; y < canvas.height() && y < LINES; ++y) {
        wmove(stdscr, y, 0);
        Style style = canvas.at(0, y).style;
        run.clear();
        auto flush = [&] {
            if (run.empty()) return;
            wattrset(stdscr, static_cast<int>(attrs_for(style, colors_)));
            waddnstr(stdscr, run.data(), static_cast<int>(run.size()));  // ERR at the last cell is expected
            run.clear();
        };
        for (int x = 0; x < canvas.width() && x < COLS; ++x) {
            const Cell& cell = canvas.at(x, y);
            if (cell.width == 0) continue;
            if (!(cell.style == style)) {
                flush();
                style = cell.style;
            }
            run += cell.text;
        }
        flush();
    }
    wnoutrefresh(stdscr);
    doupdate();
}

void Terminal::invalidate() { clearok(curscr, TRUE); }

void Terminal::suspend() {
    def_prog_mode();
    endwin();
    g_restore.active.store(false);
    ::kill(::getpid(), SIGTSTP);  // stops here until SIGCONT
    g_restore.active.store(true);
    reset_prog_mode();
    invalidate();
}

}  // namespace s3top::tui
