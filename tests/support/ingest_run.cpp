#include "support/ingest_run.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include "core/ingest/inputs.hpp"

namespace s3top::test {

IngestOutcome ingest_and_report(const std::vector<std::string>& paths, const IngestRun& run, const ReportSpec& spec) {
    Engine engine(run.engine);
    Ingestor ing(engine, run.loader);
    if (run.rejects) ing.set_reject_sink(run.rejects);
    ing.set_one_shot(run.one_shot);
    IngestOutcome out;
    if (!run.state.empty()) {
        EXPECT_TRUE(test::ok(ing.open_state(run.state, run.fingerprint, out.notes)));
    }
    if (run.before) run.before(ing.state());
    std::vector<InputProblem> problems;
    out.result = ing.ingest(collect_inputs(paths, problems), run.follow);
    if (run.after) run.after(ing.state());
    for (const auto& f : out.result.load.files) {
        if (!f.error.empty()) out.notes.push_back(f.path + ": " + f.error);
    }
    for (const auto& n : out.result.notes) out.notes.push_back(n);
    out.report = engine.report(spec);
    out.lines = engine.lines();
    return out;
}

}  // namespace s3top::test
