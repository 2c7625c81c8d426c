// `s3top ingest --to clickhouse://...`: the same inputs, ledger and state file as a report, the
// records sent to ClickHouse instead of folded (core/clickhouse/ingest_sink.hpp).
#include <fmt/format.h>
#include <signal.h>

#include <cerrno>
#include <csignal>
#include <ctime>
#include <thread>

#include "app/commands.hpp"
#include "app/follow.hpp"
#include "app/session.hpp"
#include "core/clickhouse/client.hpp"
#include "core/clickhouse/ingest_sink.hpp"
#include "core/report/terminal_text.hpp"
#include "core/util/thread_name.hpp"

namespace s3top::app {
namespace {

void say(const std::string& line) { fmt::print(stderr, "{}\n", terminal_safe(line)); }

/// What a run sent, on stderr: lines read, rows sent, lines rejected.
void say_summary(const Engine& engine, const clickhouse::SinkCounts& c, const Options& opt) {
    const LineCounters lines = engine.lines();
    say(
        fmt::format("s3top: ingest: {} lines read in all ({} records, {} rejected); this run sent {} rows in {} "
                    "batches ({} bytes{}) to {}",
                    lines.read, lines.parsed, lines.rejected_total(), c.rows, c.batches, c.bytes_sent,
                    opt.to->gzip ? " gzip-compressed" : "", opt.to->describe()));
    if (c.times_clamped > 0)
        say(
            fmt::format("s3top: ingest: {} records had times outside 1970-2106 (ClickHouse's DateTime): sent as its "
                        "nearest end",
                        c.times_clamped));
}

/// --follow: ingests what is new until SIGINT or SIGTERM, or until an insert fails.
void follow_until_stopped(Session& s, const Options& opt, clickhouse::IngestSink& sink) {
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    if (!s.follower) s.follower = std::make_unique<Follower>(*s.ingestor, follow_options(opt));
    Follower& follower = *s.follower;
    std::jthread watcher([&] {
        name_this_thread("s3top-follow");
        follower.run([&](const IngestResult& r) {
            for (const auto& f : r.load.files) {
                if (!f.error.empty()) say(fmt::format("s3top: {}: {}", f.path, f.error));
            }
            if (r.commit_error) follower.stop();
        });
    });
    std::jthread s3_poller;
    if (s.s3) {
        s3_poller = std::jthread([&] {
            name_this_thread("s3top-s3-poll");
            s.s3->run([](const std::string& line) { say(line); });
        });
    }
    const OnExit stop_watching{[&] {
        follower.stop();
        if (s.s3) s.s3->stop();
    }};
    while (!sink.stop_flag()->load()) {
        timespec ts{0, 200'000'000};
        const int sig = sigtimedwait(&sigs, nullptr, &ts);
        if (sig == SIGINT || sig == SIGTERM) break;
    }
}

}  // namespace

int run_ingest(const Options& opt) {
    clickhouse::Client client(*opt.to);
    // Every host has the table with every column before anything is read or sent.
    for (std::size_t h = 0; h < opt.to->hosts.size(); ++h) {
        if (auto ok = client.check_table(h); !ok) {
            say("s3top: ingest: " + ok.error());
            return 1;
        }
    }
    if (opt.follow) {
        sigset_t sigs;
        sigemptyset(&sigs);
        sigaddset(&sigs, SIGINT);
        sigaddset(&sigs, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &sigs, nullptr);  // taken with sigtimedwait by this thread
    }
    std::unique_ptr<clickhouse::IngestSink> sink;
    Session s = make_session(
        opt, DimMask{}.set(), std::nullopt,
        opt.follow ? std::optional<FollowOptions>(follow_options(opt)) : std::nullopt, nullptr,
        [&](Engine& engine, Ingestor& ingestor) {
            sink = std::make_unique<clickhouse::IngestSink>(client, ingestor.state(), engine, org_source_spec(opt.org));
            ingestor.set_commit_hook(
                [&sink](Batch&& b, std::vector<Span>&& spans, const std::vector<PlannedJob>& jobs) {
                    return sink->commit(std::move(b), std::move(spans), jobs);
                });
            ingestor.set_commit_drain([&sink] { return sink->drain(); });
            ingestor.set_record_encoder([&sink] { return sink->make_encoder(); });
            ingestor.state().set_pending_resolver([&sink](const PendingBatch& p) { return sink->resolve(p); });
            // A state it cannot use is refused, never emptied: reading the logs again would send
            // every line again.
            ingestor.state().allow_rebuild(false);
            ingestor.set_input_screen(
                [&sink](std::vector<InputFile>& files, const Ledger& ledger) { return sink->screen(files, ledger); });
        });
    if (!s.ingestor->has_state()) {
        // Without its state file an ingest cannot know what was sent: nothing is sent.
        for (const auto& n : s.state_notes) say("s3top: ingest: state: " + n);
        say("s3top: ingest: no usable state file (--state DIR): nothing sent");
        return 1;
    }
    const bool any = load_all(s, opt, nullptr, sink->stop_flag());
    if (const std::string e = sink->first_error(); !e.empty()) {
        say("s3top: ingest: " + e + " (nothing after it was counted; run again to send the rest)");
        return 1;
    }
    if (opt.follow) {
        follow_until_stopped(s, opt, *sink);
        if (const std::string e = sink->first_error(); !e.empty()) {
            say("s3top: ingest: " + e + " (nothing after it was counted; run again to send the rest)");
            return 1;
        }
    }
    say_summary(*s.engine, sink->counts(), opt);
    if (!any && !s.inputs.empty()) return 1;
    return exit_status_after_output(s, true, "ingest");
}

}  // namespace s3top::app
