#include "core/ingest/progress.hpp"

#include <cmath>

#include "core/report/units.hpp"

namespace s3top {
namespace {

/// "7s", "2m05s", "1h02m", "over 99h" (rounded up: never "0s" while something is left).
std::string short_duration(double seconds) {
    if (!(seconds < 100.0 * 3600)) return "over 99h";
    const auto s = static_cast<std::uint64_t>(std::ceil(std::max(seconds, 0.0)));
    if (s < 60) return std::to_string(s) + "s";
    if (s < 3600) return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
    const std::uint64_t m = s / 60 % 60;
    return std::to_string(s / 3600) + "h" + (m < 10 ? "0" : "") + std::to_string(m) + "m";
}

}  // namespace

std::string progress_text(const LoadProgress::Counts& c, double seconds) {
    std::string text =
        grouped(c.files_read) + "/" + grouped(c.files_planned) + (c.files_planned == 1 ? " file" : " files");
    text += "  " + human_bytes(c.bytes_read + c.bytes_unplanned);
    const bool total = c.bytes_planned > 0;
    if (total) {  // the share and time left are of the planned bytes only
        const std::uint64_t read = std::min(c.bytes_read, c.bytes_planned);
        text += " of " + human_bytes(c.bytes_planned) + " (" +
                std::to_string(
                    static_cast<unsigned>(100.0 * static_cast<double>(read) / static_cast<double>(c.bytes_planned))) +
                "%)";
    }
    if (seconds < 0.5) return text;
    if (c.lines > 0)
        text += "  " + human_count(static_cast<std::uint64_t>(static_cast<double>(c.lines) / seconds)) + " lines/s";
    if (total && c.bytes_read > 0 && c.bytes_read < c.bytes_planned) {
        const double rate = static_cast<double>(c.bytes_read) / seconds;
        text += "  " + short_duration(static_cast<double>(c.bytes_planned - c.bytes_read) / rate) + " left";
    }
    return text;
}

}  // namespace s3top
