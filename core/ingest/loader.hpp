#pragma once
// Reads log files into an Engine: one reader thread cuts files into blocks of whole lines,
// parse workers turn blocks into Batches, and each worker merges its batch into the engine.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/agg/engine.hpp"
#include "core/ingest/inputs.hpp"
#include "core/parse/log_format.hpp"

namespace s3top {

struct LoaderOptions {
    std::string format = "auto";  ///< a format name, or "auto" to detect per file
    FormatOptions format_options;
    unsigned workers = 0;  ///< parse threads; 0 = one per core
    std::size_t block_bytes = 4 << 20;
    std::size_t max_line_bytes = 1 << 20;  ///< longer lines are rejected (line_too_long)
};

/// What happened to one input file.
struct FileResult {
    std::string path;
    std::string format;  ///< the format used ("" when none)
    std::uint64_t bytes = 0;
    std::uint64_t lines = 0;
    std::string error;  ///< empty when read completely
};

struct LoadResult {
    std::vector<FileResult> files;
    std::vector<InputProblem> problems;  ///< paths that could not be listed or opened
    bool any_read() const;
};

/// Called for each rejected line with the path of its file, from worker threads (serialised
/// by the loader).
using RejectSink = std::function<void(const RejectedLine&, const std::string& path)>;

/// Picks the parser for a file from its first lines; the default knows the S3 format only
/// and the format registry replaces it.
using ParserFactory =
    std::function<std::unique_ptr<LineParser>(std::string_view format, const std::vector<std::string_view>& first_lines,
                                              const FormatOptions& options, std::string& chosen, std::string& error)>;

/// The factory used unless another is set: every format the core knows, with detection.
ParserFactory default_parser_factory();

class Loader {
public:
    Loader(Engine& engine, LoaderOptions options);
    void set_reject_sink(RejectSink sink) { reject_sink_ = std::move(sink); }
    void set_parser_factory(ParserFactory f) { factory_ = std::move(f); }
    /// Reads every file to its end. Blocking; safe to call from a background thread while
    /// others query the engine. `cancel` (optional) stops it early.
    LoadResult load(const std::vector<InputFile>& files, const std::atomic<bool>* cancel = nullptr);

private:
    Engine& engine_;
    LoaderOptions options_;
    RejectSink reject_sink_;
    ParserFactory factory_;
};

}  // namespace s3top
