#include "core/agg/snapshot.hpp"

#include <fmt/format.h>

#include "core/util/civil_time.hpp"

namespace s3top {

std::int64_t bucket_start(Dim resolution, std::int64_t t) {
    switch (resolution) {
        case Dim::Minute: return floor_div(t, 60) * 60;
        case Dim::Hour: return floor_div(t, 3600) * 3600;
        case Dim::Day: return floor_div(t, 86400) * 86400;
        case Dim::Month: {
            const CivilDate d = civil_from_days(floor_div(t, 86400));
            return days_from_civil(d.year, d.month, 1) * 86400;
        }
        default: return t;
    }
}

std::int64_t next_bucket(Dim resolution, std::int64_t start) {
    switch (resolution) {
        case Dim::Minute: return start + 60;
        case Dim::Hour: return start + 3600;
        case Dim::Day: return start + 86400;
        case Dim::Month: {
            const CivilDate d = civil_from_days(floor_div(start, 86400));
            const int y = d.month == 12 ? d.year + 1 : d.year;
            const unsigned m = d.month == 12 ? 1 : d.month + 1;
            return days_from_civil(y, m, 1) * 86400;
        }
        default: return start + 1;
    }
}

std::string bucket_label(Dim resolution, std::int64_t start) {
    const std::int64_t days = floor_div(start, 86400);
    const std::int64_t secs = start - days * 86400;
    const CivilDate d = civil_from_days(days);
    switch (resolution) {
        case Dim::Minute:
            return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}", d.year, d.month, d.day, secs / 3600, secs / 60 % 60);
        case Dim::Hour: return fmt::format("{:04}-{:02}-{:02}T{:02}", d.year, d.month, d.day, secs / 3600);
        case Dim::Day: return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
        case Dim::Month: return fmt::format("{:04}-{:02}", d.year, d.month);
        default: return format_iso8601(start);
    }
}

}  // namespace s3top
