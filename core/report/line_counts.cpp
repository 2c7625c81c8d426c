#include "core/report/line_counts.hpp"

#include <fmt/format.h>

#include "core/report/units.hpp"

namespace s3top {
namespace {

/// The non-zero reasons of one kind (ignored or rejected), as "name N, name N".
template <class Each>
void each_reason(const LineCounters& lines, bool ignored, Each&& each) {
    for (std::size_t i = 0; i < kRejectReasonCount; ++i) {
        const auto reason = static_cast<RejectReason>(i);
        if (lines.unparsed[i] && is_ignored(reason) == ignored) each(reason, lines.unparsed[i]);
    }
}

std::string reasons_text(const LineCounters& lines, bool ignored) {
    std::string out;
    each_reason(lines, ignored, [&](RejectReason r, std::uint64_t n) {
        if (r == RejectReason::DuplicateRequestId) return;
        out += fmt::format("{}{} {}", out.empty() ? "" : ", ", reject_reason_name(r), grouped(n));
    });
    return out.empty() ? out : " (" + out + ")";
}

std::string reasons_json(const LineCounters& lines, bool ignored) {
    std::string out;
    each_reason(lines, ignored, [&](RejectReason r, std::uint64_t n) {
        out += fmt::format("{}\"{}\":{}", out.empty() ? "" : ",", reject_reason_name(r), n);
    });
    return "{" + out + "}";
}

}  // namespace

std::string lines_text(const LineCounters& lines, std::string_view about_rejected) {
    std::string out = fmt::format("lines read {}, parsed {}, rejected {}", grouped(lines.read), grouped(lines.parsed),
                                  grouped(lines.rejected_total()));
    out += reasons_text(lines, false);
    out += about_rejected;
    if (const auto ignored = lines.ignored_total())
        out += fmt::format(", ignored {}{}", grouped(ignored), reasons_text(lines, true));
    return out;
}

std::string lines_json(const LineCounters& lines) {
    return fmt::format(R"("read":{},"parsed":{},"rejected":{},"ignored":{},"bytes":{},"rejected_by_reason":{},)"
                       R"("ignored_by_reason":{})",
                       lines.read, lines.parsed, lines.rejected_total(), lines.ignored_total(), lines.bytes,
                       reasons_json(lines, false), reasons_json(lines, true));
}

}  // namespace s3top
