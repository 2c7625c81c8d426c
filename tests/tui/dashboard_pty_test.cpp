// run_dashboard() on a real pseudo-terminal: the curses layer, the event loop, signals and the
// wake pipe, checked from the bytes the terminal receives. (The app's end-to-end tests drive
// the binary through tmux; these need no binary.)
#include <cstdio>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <thread>

#include "tests/tui/tui_fixture.hpp"
#include "tui/costs.hpp"
#include "tui/dashboard.hpp"

namespace s3top::tui {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kBilledLateBytes = 3ULL << 40;  ///< the late org's bytes with billing: $ hundreds

/// A child process running the dashboard on a pty of 100x30.
class PtyDashboard {
public:
    /// `late_org`: when not empty, the child appends one request of that org after 300 ms and
    /// writes to the wake pipe, as ingest threads do.
    /// `env`: extra "NAME=value" settings for the child (after TERM=xterm-256color,
    /// LC_ALL=C.UTF-8).
    /// `block_signals`: the child holds a DashboardSignalBlock while it starts its ingest thread
    /// and runs the dashboard, as the app does. It then exits 91 when the dashboard did not
    /// give back the mask it found, 92 when the ingest thread did not have SIGTERM blocked.
    /// `load_ends_late`: the input says "loading" until the late org is appended, then
    /// "loaded", and the dashboard refreshes at most every 60 s on its own.
    /// `billed`: the header shows the running cost; its first answer (made before the late org
    /// is appended, which then waits for it) takes 1.5 s to come, and the late org sent
    /// kBilledLateBytes.
    /// `rounds` (with `billed` and `load_ends_late`): the first answer is not slowed; the child
    /// appends a request of first-org `rounds` times 100 ms apart before the late org, refreshes
    /// every 50 ms, asks the running cost again at most every 60 s while loading, and prints how
    /// many cost questions were asked while it loaded ("asked while loading N").
    explicit PtyDashboard(std::string late_org = {}, std::vector<std::string> env = {}, bool block_signals = false,
                          bool load_ends_late = false, bool billed = false, int rounds = 0) {
        winsize ws{};
        ws.ws_row = 30;
        ws.ws_col = 100;
        pid_ = ::forkpty(&master_, nullptr, nullptr, &ws);
        if (pid_ == 0) child(late_org, env, block_signals, load_ends_late, billed, rounds);  // never returns
        ::fcntl(master_, F_SETFL, O_NONBLOCK);
    }
    ~PtyDashboard() {
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (master_ >= 0) ::close(master_);
    }
    PtyDashboard(const PtyDashboard&) = delete;
    PtyDashboard& operator=(const PtyDashboard&) = delete;

    bool started() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }

    /// Reads terminal output until `needle` shows up in what came since the last wait_for (or
    /// the timeout passes). Returns whether it did.
    /// The timeouts only bound a failure: under ThreadSanitizer on a loaded machine a child
    /// takes seconds to draw or to exit (5 s was once too short for an exit under TSan).
    bool wait_for(std::string_view needle, std::chrono::milliseconds timeout = 30000ms) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            if (const auto at = output_.find(needle, consumed_); at != std::string::npos) {
                consumed_ = at + needle.size();
                return true;
            }
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd p{master_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char buf[4096];
            const ssize_t n = ::read(master_, buf, sizeof buf);
            if (n <= 0) return false;  // the child closed the terminal
            output_.append(buf, static_cast<std::size_t>(n));
        }
    }
    void send(std::string_view keys) {
        ASSERT_EQ(::write(master_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size()));
    }
    void resize(int cols, int rows) {
        winsize ws{};
        ws.ws_row = static_cast<unsigned short>(rows);
        ws.ws_col = static_cast<unsigned short>(cols);
        ::ioctl(master_, TIOCSWINSZ, &ws);  // the kernel sends SIGWINCH to the child
    }
    /// Waits for the child to exit; returns its exit status (-1 on timeout or a signal death).
    int exit_code(std::chrono::milliseconds timeout = 30000ms) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            drain();
            int status = 0;
            const pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_) {
                reaped_ = true;
                drain();
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            std::this_thread::sleep_for(10ms);
        }
        return -1;
    }
    const std::string& output() const { return output_; }

private:
    void drain() {
        char buf[4096];
        ssize_t n;
        while ((n = ::read(master_, buf, sizeof buf)) > 0) output_.append(buf, static_cast<std::size_t>(n));
    }

    static bool sigterm_blocked() {
        sigset_t now;
        pthread_sigmask(SIG_BLOCK, nullptr, &now);
        return sigismember(&now, SIGTERM) == 1;
    }

    [[noreturn]] static void child(const std::string& late_org, const std::vector<std::string>& env, bool block_signals,
                                   bool load_ends_late, bool billed, int rounds) {
        ::setenv("TERM", "xterm-256color", 1);
        ::setenv("LANG", "C.UTF-8", 1);
        ::setenv("LC_ALL", "C.UTF-8", 1);
        ::unsetenv("NO_COLOR");
        for (const auto& kv : env) {
            const auto eq = kv.find('=');
            ::setenv(kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str(), 1);
        }
        auto engine = test::make_engine({test::Req{.org = "first-org", .sent = 1000}});
        int wake[2];
        if (::pipe(wake) != 0) ::_exit(90);  // blocking, as an app might make it
        std::optional<DashboardSignalBlock> block;
        if (block_signals) block.emplace();
        std::atomic<bool> ingest_blocked{true};
        std::atomic<bool> loaded{false};
        std::atomic<bool> first_costed{!billed};
        std::atomic<int> asked_loading{0};  // the cost's passes by org begun while loading
        std::thread ingest;
        if (!late_org.empty()) {
            ingest = std::thread([&] {
                ingest_blocked = sigterm_blocked();
                std::this_thread::sleep_for(300ms);
                for (int i = 0; i < 3000 && !first_costed; ++i) std::this_thread::sleep_for(10ms);
                BatchBuilder bb(engine->config().org, engine->config().keep);
                for (int i = 0; i < rounds; ++i) {  // new records while loading, each told
                    Record more;
                    const std::string first = "org=first-org";
                    more.time = test::kT0;
                    more.query = first;
                    more.bytes_sent = 1000;
                    more.status = 200;
                    more.operation = "REST.GET.OBJECT";
                    bb.add(more);
                    engine->append(bb.take());
                    const char b = 1;
                    [[maybe_unused]] const auto n = ::write(wake[1], &b, 1);
                    std::this_thread::sleep_for(100ms);
                }
                const std::string query = "org=" + late_org;
                Record r;
                r.time = test::kT0;
                r.query = query;
                r.bytes_sent = billed ? kBilledLateBytes : 5000;
                r.status = 200;
                r.operation = "REST.GET.OBJECT";
                bb.add(r);
                engine->append(bb.take());
                loaded = true;
                const char b = 1;
                [[maybe_unused]] const auto n = ::write(wake[1], &b, 1);
            });
        }
        DashboardOptions opts;
        opts.wake_fd = wake[0];
        opts.status = [] { return SourceStatus{SourceStatus::Mode::Follow, 1, false, 1.0, 0, {}}; };
        if (load_ends_late) {
            opts.min_refresh = std::chrono::milliseconds(60'000);
            opts.status = [&loaded] {
                SourceStatus st;
                st.mode = loaded ? SourceStatus::Mode::Loaded : SourceStatus::Mode::Loading;
                return st;
            };
        }
        if (billed) {
            opts.billing = test::shipped_billing();
            // The cost's pass by org (its last) over the records before the late org, then a
            // slow answer: the next cost would be asked 15 s later.
            opts.reports =
                FallibleReportSource{[&](const ReportSpec& spec) -> std::expected<ReportResult, std::string> {
                                         ReportResult r = engine->report(spec);
                                         if (spec.by.front().dim == Dim::Org && !loaded) ++asked_loading;
                                         if (!first_costed && spec.by.front().dim == Dim::Org) {
                                             first_costed = true;
                                             if (rounds == 0) std::this_thread::sleep_for(1500ms);
                                         }
                                         return r;
                                     },
                                     engine->config().tiers};
        }
        if (rounds > 0) {
            opts.min_refresh = 50ms;  // each round's records shown, as a load's are
            opts.loading_costs_every = 60'000ms;
        }
        int told_loaded = 0;  // once the load is over (from the start, or late): told once
        opts.loaded = [&told_loaded] { ++told_loaded; };
        int told_costed = 0;  // with billing, after each answer from the whole load's on
        opts.costed = [&] { told_costed += told_loaded; };
        const int rc = run_dashboard(*engine, opts);
        if (told_loaded != 1) ::_exit(93);
        if (billed ? told_costed < 1 : told_costed != 0) ::_exit(94);
        std::printf("costed %d\n", told_costed);  // the terminal is restored: said on it
        if (rounds > 0) std::printf("asked while loading %d\n", asked_loading.load());
        std::fflush(stdout);
        if (ingest.joinable()) ingest.join();
        if (sigterm_blocked() != block_signals) ::_exit(91);
        if (block_signals && !ingest_blocked) ::_exit(92);
        ::_exit(rc);
    }

    int master_ = -1;
    pid_t pid_ = -1;
    bool reaped_ = false;
    std::string output_;
    std::size_t consumed_ = 0;
};

TEST(DashboardPty, DrawsAndQuitsOnQRestoringTheTerminal) {
    PtyDashboard d;
    if (!d.started()) GTEST_SKIP() << "no pseudo-terminal available";
    ASSERT_TRUE(d.wait_for("following")) << d.output();  // the header, then the panels
    ASSERT_TRUE(d.wait_for("first-org")) << d.output();
    d.send("q");
    EXPECT_EQ(d.exit_code(), 0);
    // xterm's rmcup (leave the alternate screen) came after the last frame.
    const auto last_smcup = d.output().rfind("\x1b[?1049h");
    const auto last_rmcup = d.output().rfind("\x1b[?1049l");
    ASSERT_NE(last_rmcup, std::string::npos);
    EXPECT_TRUE(last_smcup == std::string::npos || last_smcup < last_rmcup);
}

TEST(DashboardPty, SigtermEndsTheLoopCleanly) {
    PtyDashboard d;
    if (!d.started()) GTEST_SKIP() << "no pseudo-terminal available";
    ASSERT_TRUE(d.wait_for("first-org")) << d.output();
    ::kill(d.pid(), SIGTERM);
    EXPECT_EQ(d.exit_code(), 128 + SIGTERM);
    EXPECT_NE(d.output().rfind("\x1b[?1049l"), std::string::npos);
}

// As in the app: every other thread blocks the dashboard's signals, the loop's thread has them
// blocked too except while it waits (ppoll). A SIGTERM stays pending until that wait and ends
// it; plain poll() with the signals blocked would never take it. The mask the dashboard found
// is given back on return (exit 91 otherwise).
TEST(DashboardPty, SigtermReachesTheLoopWhenEveryThreadBlocksIt) {
    PtyDashboard d("late-org", {}, true);
    if (!d.started()) GTEST_SKIP() << "no pseudo-terminal available";
    ASSERT_TRUE(d.wait_for("first-org")) << d.output();
    ::kill(d.pid(), SIGTERM);
    EXPECT_EQ(d.exit_code(), 128 + SIGTERM);
    EXPECT_NE(d.output().rfind("\x1b[?1049l"), std::string::npos);
}

TEST(DashboardPty, WakePipeRedrawsWithNewRecords) {
    PtyDashboard d("late-org");
    if (!d.started()) GTEST_SKIP() << "no pseudo-terminal available";
    ASSERT_TRUE(d.wait_for("first-org")) << d.output();
    EXPECT_TRUE(d.wait_for("late-org")) << d.output();
    d.send("q");
    EXPECT_EQ(d.exit_code(), 0);
}

// The header says "loaded" only over the load's last records: the frame that first says it
// shows them (here within seconds, where the refresh pace alone would wait a minute).
TEST(DashboardPty, TheFrameThatSaysLoadedShowsTheLoadsLastRecords) {
    PtyDashboard d("late-org", {}, false, true);
    if (!d.started()) GTEST_SKIP() << "no pseudo-terminal available";
    ASSERT_TRUE(d.wait_for("loading")) << d.output();
    ASSERT_TRUE(d.wait_for("first-org")) << d.output();
    ASSERT_TRUE(d.wait_for("loaded")) << d.output();
    EXPECT_TRUE(d.wait_for("late-org", 5000ms)) << d.output();
    d.send("q");
    EXPECT_EQ(d.exit_code(), 0);
}

// The running cost beside the figures of a load just ended is the whole load's: asked again
// when the load ends, not after the pause ten times the last answer's time (here 15 s; over
// 2 M lines the cost of a quarter of them stayed seconds beside "following").
TEST(DashboardPty, TheCostOnceLoadedIsTheWholeLoads) {
    const auto both = test::make_engine(
        {test::Req{.org = "first-org", .sent = 1000}, test::Req{.org = "late-org", .sent = kBilledLateBytes}});
    const OrgCosts want =
        compute_org_costs(engine_reports(*both), test::shipped_billing(), Filter{}, test::kT0, test::kT0, nullptr);
    ASSERT_GT(want.total, 100'000'000);  // more than $100: not the first org's cost
    PtyDashboard d("late-org", {}, false, true, true);
    if (!d.started()) GTEST_SKIP() << "no pseudo-terminal available";
    ASSERT_TRUE(d.wait_for("loaded")) << d.output();
    EXPECT_TRUE(d.wait_for(format_money(want.total) + " USD", 8000ms)) << d.output();
    d.send("q");
    EXPECT_EQ(d.exit_code(), 0);
}

// #21: while the input loads, new records do not ask the running cost again at once (its
// questions took CPU from the load on two cores; the shown cost stays marked "updating"): the
// first question only, then the whole load's when it ends. Records came 15 times over 1.5 s,
// with answers at once (before: a question every 250 ms).
TEST(DashboardPty, NewRecordsWhileLoadingWaitForTheLoadingCostPause) {
    std::vector<test::Req> all(16, test::Req{.org = "first-org", .sent = 1000});
    all.push_back(test::Req{.org = "late-org", .sent = kBilledLateBytes});
    const OrgCosts whole = compute_org_costs(engine_reports(*test::make_engine(all)), test::shipped_billing(), Filter{},
                                             test::kT0, test::kT0, nullptr);
    PtyDashboard d("late-org", {}, false, true, true, 15);
    if (!d.started()) GTEST_SKIP() << "no pseudo-terminal available";
    ASSERT_TRUE(d.wait_for("loaded")) << d.output();
    ASSERT_TRUE(d.wait_for(format_money(whole.total) + " USD", 8000ms)) << d.output();  // asked at the load's end
    d.send("q");
    EXPECT_EQ(d.exit_code(), 0);
    const std::string& out = d.output();
    const auto at = out.find("asked while loading ");
    ASSERT_NE(at, std::string::npos) << out;
    EXPECT_EQ(std::atoi(out.c_str() + at + 20), 1) << out;
}

// #21: what each cost answer freed is handed back, not only the whole load's: the app's
// hook is called after the answer for a new filter too (kept, four follow rounds' answers held
// 40 MB more over 2 M lines).
TEST(DashboardPty, EachCostAnswerOnceLoadedIsToldToTheApp) {
    const auto both = test::make_engine(
        {test::Req{.org = "first-org", .sent = 1000}, test::Req{.org = "late-org", .sent = kBilledLateBytes}});
    const OrgCosts whole =
        compute_org_costs(engine_reports(*both), test::shipped_billing(), Filter{}, test::kT0, test::kT0, nullptr);
    PtyDashboard d("late-org", {}, false, true, true);
    if (!d.started()) GTEST_SKIP() << "no pseudo-terminal available";
    ASSERT_TRUE(d.wait_for("loaded")) << d.output();
    ASSERT_TRUE(d.wait_for(format_money(whole.total) + " USD", 8000ms)) << d.output();
    d.send("/org=first-org\r");
    ASSERT_TRUE(d.wait_for("org=first-org")) << d.output();
    ASSERT_TRUE(d.wait_for("0.00 USD", 8000ms)) << d.output();
    d.send("q");
    EXPECT_EQ(d.exit_code(), 0);
    EXPECT_NE(d.output().find("costed 2"), std::string::npos) << d.output();
}

TEST(DashboardPty, KeysOpenOverlaysAndResizeReflows) {
    PtyDashboard d;
    if (!d.started()) GTEST_SKIP() << "no pseudo-terminal available";
    ASSERT_TRUE(d.wait_for("first-org")) << d.output();
    d.send("?");
    EXPECT_TRUE(d.wait_for("s3top help")) << d.output();
    d.send("x");  // closes help
    d.send("o");
    EXPECT_TRUE(d.wait_for("Pick an org")) << d.output();
    d.send("\x1b");
    d.resize(40, 10);
    EXPECT_TRUE(d.wait_for("Terminal too small")) << d.output();
    d.resize(100, 30);
    EXPECT_TRUE(d.wait_for("first-org")) << d.output();
    d.send("\x03");  // Ctrl-C arrives as a key in raw mode: quit
    EXPECT_EQ(d.exit_code(), 0);
}

TEST(DashboardPty, NoColorEnvironmentMeansNoColors) {
    PtyDashboard d({}, {"NO_COLOR=1"});
    if (!d.started()) GTEST_SKIP() << "no pseudo-terminal available";
    ASSERT_TRUE(d.wait_for("first-org")) << d.output();
    d.send("q");
    EXPECT_EQ(d.exit_code(), 0);
    for (const char* fg : {"\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[34m", "\x1b[36m"})
        EXPECT_EQ(d.output().find(fg), std::string::npos) << "color " << fg + 1;
    const bool reverse = d.output().find(";7m") != std::string::npos || d.output().find("\x1b[7m") != std::string::npos;
    EXPECT_TRUE(reverse) << "attributes still mark the focus";
}

TEST(DashboardPty, NonUtf8LocaleGetsAsciiOnly) {
    PtyDashboard d({}, {"LC_ALL=C", "LANG=C"});
    if (!d.started()) GTEST_SKIP() << "no pseudo-terminal available";
    ASSERT_TRUE(d.wait_for("first-org")) << d.output();
    d.send("q");
    EXPECT_EQ(d.exit_code(), 0);
    for (const char ch : d.output()) ASSERT_LT(static_cast<unsigned char>(ch), 0x80) << d.output();
    EXPECT_NE(d.output().find("######"), std::string::npos);  // share bars in ASCII
}

}  // namespace
}  // namespace s3top::tui
