// Follow mode for both commands: after the first load, a Follower thread ingests what is new;
// `report --follow` prints a report per interval, the dashboard is woken through a self-pipe.
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <charconv>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "app/follow.hpp"
#include "app/output.hpp"
#include "core/report/terminal_text.hpp"
#include "core/report/report_writer.hpp"
#include "core/util/thread_name.hpp"

namespace s3top::app {

FollowOptions follow_options(const Options& opt) {
    FollowOptions f;
    f.roots = opt.paths;
    std::erase(f.roots, std::string("-"));
    return f;
}

bool write_interval_report(const Engine& engine, const ReportSpec& spec, const Options& opt, const RequestIdSet* dedupe,
                           const std::vector<UnreadInput>& unread) {
    ReportResult result = engine.report(spec);
    if (dedupe) result.no_request_id = dedupe->no_id();
    result.unread = unread;
    // One report of many: each JSON line says when it was made.
    result.generated_at =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::string text;
    switch (opt.format) {
        case OutputFormat::Json: text = report_json(result); break;
        case OutputFormat::Csv: text = report_csv(result); break;
        case OutputFormat::Table: text = report_table(result, table_options(opt)) + "\n"; break;
        case OutputFormat::Html: break;  // refused by resolve_options()
    }
    return write_output(opt, text, "report");
}

UnreadList::UnreadList(const std::vector<UnreadInput>& first) { set(first); }

void UnreadList::set(const std::vector<UnreadInput>& inputs) {
    std::lock_guard l(mutex_);
    by_path_.clear();
    for (const auto& u : inputs) by_path_[u.path] = u;
}

void UnreadList::update(const IngestResult& r) {
    std::lock_guard l(mutex_);
    for (const auto& f : r.load.files) {
        if (!f.failed && !f.untouched) by_path_.erase(f.path);  // read to its end
    }
    for (auto& u : unread_inputs({}, r.load)) by_path_[u.path] = std::move(u);
}

std::vector<UnreadInput> UnreadList::list() const {
    std::lock_guard l(mutex_);
    std::vector<UnreadInput> out;
    for (const auto& [path, u] : by_path_) out.push_back(u);
    return out;
}

std::size_t UnreadList::size() const {
    std::lock_guard l(mutex_);
    return by_path_.size();
}

int report_follow(Session& s, const Options& opt, const ReportSpec& spec) {
    const auto every = opt.every;
    // SIGINT/SIGTERM end the loop: blocked in every thread, taken with sigtimedwait here.
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
    if (!load_all(s, opt)) fmt::print(stderr, "s3top: nothing could be read yet; following\n");
    if (!s.follower) s.follower = std::make_unique<Follower>(*s.ingestor, follow_options(opt));
    Follower& follower = *s.follower;
    UnreadList unread(s.unread);
    std::jthread watcher([&] {
        name_this_thread("s3top-follow");
        follower.run([&](const IngestResult& r) {
            unread.update(r);
            for (const auto& f : r.load.files) {
                if (!f.error.empty())
                    fmt::print(stderr, "{}\n", terminal_safe(fmt::format("s3top: {}: {}", f.path, f.error)));
            }
            for (const auto& n : r.notes) fmt::print(stderr, "{}\n", terminal_safe("s3top: state: " + n));
        });
    });
    // s3:// PATHs are listed again every --every; what is fetched is renamed into the
    // folders the follower watches.
    std::jthread s3_poller;
    if (s.s3) {
        s3_poller = std::jthread([&] {
            name_this_thread("s3top-s3-poll");
            s.s3->run([](const std::string& line) { fmt::print(stderr, "{}\n", terminal_safe(line)); });
        });
    }
    // Stopped before the watcher is joined however this function is left.
    const OnExit stop_watching{[&] {
        follower.stop();
        if (s.s3) s.s3->stop();
    }};
    auto print = [&] {
        return write_interval_report(*s.engine, spec, opt, s.loader_options.dedupe.get(), unread.list());
    };
    int rc = 0;
    auto next = std::chrono::steady_clock::now() + every;
    while (true) {
        // Always looks for a signal, with a zero wait when a report is due: a report that takes
        // longer than --every (a big engine, a loaded machine) must not keep SIGINT waiting.
        const auto left =
            std::max(std::chrono::nanoseconds(0),
                     std::chrono::duration_cast<std::chrono::nanoseconds>(next - std::chrono::steady_clock::now()));
        timespec ts{static_cast<time_t>(left.count() / 1000000000), static_cast<long>(left.count() % 1000000000)};
        const int sig = sigtimedwait(&sigs, nullptr, &ts);
        if (sig == SIGINT || sig == SIGTERM) break;
        if (sig >= 0 || errno == EINTR) continue;
        if (!print()) {
            rc = 1;  // the reader went away
            break;
        }
        // Behind by a whole interval (the report was slow): skip the missed ones.
        next = std::max(next + every, std::chrono::steady_clock::now());
    }
    if (rc != 0) return rc;
    s.unread = unread.list();
    return exit_status_after_output(s, true, "report");
}

}  // namespace s3top::app
