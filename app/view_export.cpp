#include "app/view_export.hpp"

#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <string_view>

#include "app/report_text.hpp"
#include "core/report/escape.hpp"
#include "core/util/atomic_file.hpp"
#include "core/util/civil_time.hpp"

namespace s3top::app {
namespace {

constexpr std::array<std::string_view, 3> kFormatNames = {"csv", "json", "html"};

std::string_view format_name(tui::ExportFormat f) { return kFormatNames[static_cast<std::size_t>(f)]; }

OutputFormat output_format(tui::ExportFormat f) {
    switch (f) {
        case tui::ExportFormat::Csv: return OutputFormat::Csv;
        case tui::ExportFormat::Json: return OutputFormat::Json;
        case tui::ExportFormat::Html: break;
    }
    return OutputFormat::Html;
}

std::string_view sort_name(SortBy s) {
    switch (s) {
        case SortBy::Bytes: return "bytes";
        case SortBy::Requests: return "requests";
        case SortBy::Key: break;
    }
    return "key";
}

/// s3top-view-20261205-091500.csv, or -2, -3 ... after it when that is taken.
std::string free_file_name(std::int64_t now, tui::ExportFormat f) {
    const CivilDate d = civil_from_days(floor_div(now, 86400));
    const std::int64_t sec = now - floor_div(now, 86400) * 86400;
    const std::string stem = fmt::format("s3top-view-{:04}{:02}{:02}-{:02}{:02}{:02}", d.year, d.month, d.day,
                                         sec / 3600, sec / 60 % 60, sec % 60);
    for (int n = 1;; ++n) {
        std::string name =
            n == 1 ? fmt::format("{}.{}", stem, format_name(f)) : fmt::format("{}-{}.{}", stem, n, format_name(f));
        std::error_code ec;
        if (!std::filesystem::exists(name, ec) || n >= 1000) return name;
    }
}

}  // namespace

std::string export_command(const Options& opt, const tui::ExportRequest& r, const std::string& file) {
    std::string out = "s3top report";
    auto word = [&](std::string_view w) {
        out += ' ';
        out += shell_quote(w);
    };
    if (const std::string f = r.filter.to_string(); !f.empty()) {
        word("--filter");
        word(f);
    }
    word("--by");
    word(dim_name(r.by));
    word("--sort");
    word(sort_name(r.sort));
    word("--format");
    word(format_name(r.format));
    if (r.format == tui::ExportFormat::Html) {
        std::string panels;
        for (const DimSpec& d : r.panels) panels += (panels.empty() ? "" : ",") + dim_name(d);
        word("--panels");
        word(panels);
    }
    word("-o");
    word(file);
    for (const std::string& w : opt.source_words) word(w);
    return out;
}

namespace {

/// The report's text, or why it could not be made, and its number of groups.
struct ViewText {
    std::expected<std::string, std::string> text;
    std::size_t groups = 0;
};

/// Writes what `make` makes of the request's spec to a free file name; the status line.
ViewExport write_view(const Options& opt, const tui::ExportRequest& r, std::int64_t now,
                      const std::function<ViewText(const ReportSpec&)>& make) {
    ViewExport out;
    out.file = free_file_name(now, r.format);
    // The filter as the command's --filter reads it, so the file is the command's to the byte.
    const auto filter = parse_filter(r.filter.to_string());
    if (!filter) {
        out.line = "cannot write this filter as a command: " + filter.error();
        return out;
    }
    ReportSpec spec;
    spec.by = {r.by};
    spec.filter = *filter;
    spec.sort = r.sort;
    const ViewText made = make(spec);
    if (!made.text) {
        out.line = "could not write the view: " + made.text.error();
        return out;
    }
    std::string err;
    if (!write_file_atomic(out.file, *made.text, err)) {
        out.line = "could not write the view: " + err;
        return out;
    }
    out.ok = true;
    out.command = export_command(opt, r, out.file);
    out.line = fmt::format("wrote {} ({} row{}); the same: {}", out.file, made.groups, made.groups == 1 ? "" : "s",
                           out.command);
    return out;
}

}  // namespace

ViewExport export_view(const Session& s, const Options& opt, const tui::ExportRequest& r, std::int64_t now) {
    return write_view(opt, r, now, [&](const ReportSpec& spec) {
        const ReportResult result = session_report(s, spec);
        return ViewText{report_text(s, result, spec, output_format(r.format), r.panels, TableOptions{false, SIZE_MAX}),
                        result.groups.size()};
    });
}

ViewExport export_view(clickhouse::Client& client, const Options& opt, const tui::ExportRequest& r, std::int64_t now) {
    return write_view(opt, r, now, [&](const ReportSpec& spec) {
        clickhouse::AnswerCache answers;
        ReportResult result;
        auto text = clickhouse_report_text(client, answers, spec, opt, output_format(r.format), r.panels,
                                           TableOptions{false, SIZE_MAX}, &result);
        return ViewText{std::move(text), result.groups.size()};
    });
}

}  // namespace s3top::app
