#include "app/session.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "core/agg/compiled_filter.hpp"

namespace s3top::app {

Session make_session(const Options& opt, const DimMask& needed, std::optional<ReportSpec> stream) {
    Session s;
    EngineConfig cfg;
    std::string err;
    auto org = parse_org_source(opt.org_from, err);
    if (!org) throw UsageError{"--org-from: " + err};
    cfg.org = *org;
    auto filter = parse_filter(opt.filter);
    if (!filter) throw UsageError{"--filter: " + filter.error()};
    cfg.keep = needed | CompiledFilter(*filter).needed();
    cfg.stream = std::move(stream);
    s.engine = std::make_unique<Engine>(cfg);
    if (opt.paths.empty()) throw UsageError{"no input: name log files or folders, or - for standard input"};
    s.inputs = collect_inputs(opt.paths, s.problems);
    if (!opt.rejects.empty()) {
        s.rejects.reset(std::fopen(opt.rejects.c_str(), "wb"));
        if (!s.rejects) throw UsageError{fmt::format("--rejects {}: {}", opt.rejects, std::strerror(errno))};
    }
    return s;
}

bool load_all(Session& s, const Options& opt, std::vector<std::string>* messages, const std::atomic<bool>* cancel) {
    auto say = [&](std::string line) {
        if (messages) {
            messages->push_back(std::move(line));
        } else {
            fmt::print(stderr, "{}\n", line);
        }
    };
    for (const auto& p : s.problems) say(fmt::format("s3top: {}: {}", p.path, p.message));
    LoaderOptions lo;
    lo.format = opt.log_format;
    lo.format_options = FormatOptions{opt.log_format, opt.date_format, opt.time_format};
    lo.workers = opt.workers;
    Loader loader(*s.engine, lo);
    if (s.rejects) {
        std::FILE* f = s.rejects.get();
        loader.set_reject_sink([f](const RejectedLine& r, const std::string& path) {
            // path, line, reason, column, then the raw line as it was (a file, not a terminal).
            fmt::print(f, "{}\t{}\t{}\t{}\t", path, r.line_no, reject_reason_name(r.error.reason), r.error.column);
            std::fwrite(r.text.data(), 1, r.text.size(), f);
            std::fputc('\n', f);
        });
    }
    const LoadResult res = loader.load(s.inputs, cancel);
    for (const auto& f : res.files) {
        if (!f.error.empty()) say(fmt::format("s3top: {}: {}", f.path, f.error));
    }
    if (s.rejects && std::fflush(s.rejects.get()) != 0)
        say(fmt::format("s3top: --rejects {}: {}", opt.rejects, std::strerror(errno)));
    return res.any_read();
}

}  // namespace s3top::app
