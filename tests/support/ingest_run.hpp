#pragma once
// One run of the program as the tests see it: an engine, an ingestor with an optional state
// file, the inputs listed and ingested, then a report. Shared by the ledger, state and dedupe
// suites so that each states only what it varies.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/agg/engine.hpp"
#include "core/ingest/ingestor.hpp"
#include "core/ingest/loader.hpp"

namespace s3top::test {

struct IngestRun {
    std::filesystem::path state;  ///< the state file; empty: none (--no-state)
    std::uint64_t fingerprint = 42;
    bool follow = false;  ///< one round as follow mode reads (a partial last line waits)
    /// Ingestor::set_one_shot, as report, bill and storage run (it only counts without a
    /// state file and not following).
    bool one_shot = true;
    EngineConfig engine;
    LoaderOptions loader = two_workers();
    RejectSink rejects;  ///< optional
    /// Called with the opened state before ingest and after it (e.g. to compact, or crash).
    std::function<void(StateStore&)> before, after;

    static LoaderOptions two_workers() {
        LoaderOptions o;
        o.workers = 2;
        return o;
    }
};

struct IngestOutcome {
    ReportResult report;
    LineCounters lines;  ///< the engine's line counters after the run
    IngestResult result;
    /// The state's notes, "PATH: error" for each input that failed, then the ingest's notes.
    std::vector<std::string> notes;
};

/// Ingests `paths` (files or folders) as `run` says and reports `spec`. A state file that does
/// not open is a test failure (EXPECT), and the run goes on without it.
IngestOutcome ingest_and_report(const std::vector<std::string>& paths, const IngestRun& run,
                                const ReportSpec& spec = ReportSpec{});

}  // namespace s3top::test
