// --replay: the inputs are read whole, then played into the engine in timestamp order at
// --speed (core/ingest/replay.hpp). The dashboard wires its controls in report_command.cpp;
// `report --replay` plays here, printing a report per --every interval when asked.
#include <fmt/format.h>

#include <thread>

#include "app/follow.hpp"
#include "app/replay.hpp"
#include "core/util/thread_name.hpp"

namespace s3top::app {

ReplayOptions replay_options(const Options& opt) {
    ReplayOptions r;
    r.speed = opt.speed;
    return r;
}

bool replay_for_report(Session& s, const Options& opt, const ReportSpec& spec) {
    const auto every = opt.every;
    Replay replay(*s.engine, replay_options(opt));
    if (!load_replay(s, replay, opt)) return false;
    if (!opt.every_given) {
        replay.run();
        return true;
    }
    std::jthread feeder([&] {
        name_this_thread("s3top-replay");
        replay.run();
    });
    auto next = std::chrono::steady_clock::now() + every;
    while (!replay.wait_done(next)) {
        if (!write_interval_report(*s.engine, spec, opt, s.loader_options.dedupe.get(), s.unread)) {
            replay.stop();  // the reader went away; the final write says so
            break;
        }
        next += every;
    }
    feeder.join();
    return true;
}

}  // namespace s3top::app
