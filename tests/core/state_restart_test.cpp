// A restart folds the state file's rows straight into a streaming report (report mode) instead
// of copying them into an engine first: for any report — grouping, filter, time range, top —
// it must print the same bytes as an engine that keeps the records, and as a run without state.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/agg/filter.hpp"
#include "core/ingest/ingestor.hpp"
#include "core/ingest/inputs.hpp"
#include "core/report/report_writer.hpp"
#include "support/ingest_run.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

namespace fs = std::filesystem;

std::string line(int org, int i) {
    return "b19c5acf04bde8335e181211ba6f7ff3 bucket [0" + std::to_string(1 + i % 3) +
           "/Mar/2024:" + std::to_string(10 + i % 12) + ":00:" + std::to_string(10 + i % 50) + " +0000] 10.0." +
           std::to_string(i % 7) + "." + std::to_string(i % 250) + " - 235C7E3C30A0693F REST.GET.OBJECT dir" +
           std::to_string(i % 4) + "/k" + std::to_string(i % 13) + " \"GET /bucket/k?org=org" + std::to_string(org) +
           " HTTP/1.1\" " + (i % 11 == 0 ? "404" : "200") + " - " + std::to_string(100 + i * 7 % 900) + " 1000 " +
           std::to_string(i % 300) + " 20 \"-\" \"curl\" -\n";
}

class StateRestartTest : public ::testing::Test {
protected:
    test::TempDir tmp;
    fs::path logs() const { return tmp.path() / "logs"; }
    fs::path state() const { return tmp.path() / "state" / "x.state"; }

    void write_logs(int from, int files) {
        for (int f = from; f < from + files; ++f) {
            std::string s;
            for (int i = 0; i < 60; ++i) s += line(f % 6, f * 60 + i);
            tmp.write("logs/f" + std::to_string(100 + f), s);
        }
    }
    /// Ingests the folder with the state file (or without: `state` false), then reports `spec`
    /// from an engine that streams it (report mode) or keeps the records (dashboard, html).
    std::string report(const ReportSpec& spec, bool stream, bool with_state = true, bool clean = true) {
        test::IngestRun how;
        if (stream) how.engine.stream = spec;
        how.loader = LoaderOptions{};
        if (with_state) how.state = state();
        how.fingerprint = 7;
        const auto run = test::ingest_and_report({logs().string()}, how, spec);
        if (with_state && clean) {
            EXPECT_TRUE(run.notes.empty()) << run.notes.front();
        }
        return report_json(run.report);
    }
};

ReportSpec spec_of(std::vector<Dim> by, const std::string& filter, std::size_t top = 0) {
    ReportSpec s;
    s.by.clear();
    for (auto d : by) s.by.push_back(DimSpec{d, d == Dim::KeyPrefix ? std::uint8_t{1} : std::uint8_t{0}});
    s.filter = *parse_filter(filter);
    s.top = top;
    return s;
}

TEST_F(StateRestartTest, StreamedRestartPrintsWhatAFullLoadPrints) {
    // A snapshot (compacted) followed by batch and entry records: both kinds are decoded.
    write_logs(0, 8);
    report(ReportSpec{}, true);
    {
        EngineConfig cfg;
        Engine engine(cfg);
        Ingestor ing(engine, LoaderOptions{});
        std::vector<std::string> notes;
        ASSERT_TRUE(test::ok(ing.open_state(state(), 7, notes)));
        ASSERT_TRUE(test::ok(ing.state().compact()));
    }
    write_logs(8, 5);
    report(ReportSpec{}, true);
    const std::vector<ReportSpec> specs = {
        spec_of({Dim::Org}, ""),
        spec_of({Dim::Org, Dim::Status}, ""),
        spec_of({Dim::RemoteIp}, "org=org2", 5),
        spec_of({Dim::KeyPrefix}, "status=404"),
        spec_of({Dim::Day, Dim::Org}, "from=2024-03-02 to=2024-03-03"),
        spec_of({Dim::Hour}, "org!=org1 from=2024-03-01T12:00"),
        spec_of({Dim::Key}, "key~k1"),
    };
    for (const auto& spec : specs) {
        const std::string fresh = report(spec, true, false);
        ASSERT_NE(fresh.find("\"requests\""), std::string::npos);
        EXPECT_EQ(report(spec, true), fresh) << spec.filter.to_string();
        EXPECT_EQ(report(spec, false), fresh) << spec.filter.to_string();
    }
}

TEST_F(StateRestartTest, CorruptRecordAfterGoodOnesCountsTheSameStreamedOrNot) {
    write_logs(0, 3);
    report(ReportSpec{}, true);
    write_logs(3, 2);
    report(ReportSpec{}, true);
    const std::string fresh = report(ReportSpec{}, true, false);
    // Flip a byte inside the last record's payload: its checksum fails, so it and what follows
    // are cut off and those files are read again; the totals stay exact either way.
    const auto size = fs::file_size(state());
    {
        std::fstream f(state(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(static_cast<std::streamoff>(size - 10));
        char c = 0;
        f.read(&c, 1);
        c = static_cast<char>(c ^ 0x5a);
        f.seekp(static_cast<std::streamoff>(size - 10));
        f.write(&c, 1);
    }
    const auto copy = tmp.path() / "copy.state";
    fs::copy_file(state(), copy);
    EngineConfig cfg;
    cfg.stream = ReportSpec{};
    Engine engine(cfg);
    Ingestor ing(engine, LoaderOptions{});
    std::vector<std::string> notes;
    ASSERT_TRUE(test::ok(ing.open_state(state(), 7, notes)));
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("discarded"), std::string::npos) << notes[0];
    std::vector<InputProblem> problems;
    ing.ingest(collect_inputs({logs().string()}, problems), false);
    EXPECT_EQ(report_json(engine.report(ReportSpec{})), fresh);
    fs::rename(copy, state());
    EXPECT_EQ(report(ReportSpec{}, false, true, false), fresh);
}

}  // namespace
}  // namespace s3top
