#pragma once
// strftime-style date/time formats ("%d/%b/%Y", "%H:%M:%S", "%Y-%m-%dT%T%z", "%s", "%f"),
// compiled once and matched without strptime or the C locale (English month names only).
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace s3top {

/// What a date and a time column said, merged before conversion.
struct TimeParts {
    int year = -1;
    int month = -1;  ///< 1..12
    int day = -1;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int pm = -1;  ///< -1 unknown, 0 AM, 1 PM (with %I)
    bool has_epoch = false;
    std::int64_t epoch = 0;  ///< seconds, from %s / %f (microseconds) / %* (milliseconds)
    bool has_offset = false;
    int offset_s = 0;  ///< east of UTC
};

/// A compiled date or time format. Supported: %d %e %m %b %h %B %y %Y %H %k %I %l %p %M %S
/// %T (%H:%M:%S) %F (%Y-%m-%d) %D (%m/%d/%y) %R (%H:%M) %z (+hhmm, +hh:mm, Z) %Z (zone letters,
/// skipped) %a %A (day names, skipped) %j (skipped digits) %s (epoch seconds) %f (epoch
/// microseconds, as GoAccess) %* (epoch milliseconds) %% and literal characters; a space
/// matches any run of spaces.
class TimeFormat {
public:
    /// Compiles `fmt`; the error names the unsupported specifier.
    static std::expected<TimeFormat, std::string> compile(std::string_view fmt);
    /// Matches the whole of `s`, filling `parts`. False when `s` does not match.
    bool parse(std::string_view s, TimeParts& parts) const;
    bool empty() const { return steps_.empty(); }

private:
    enum class Kind : std::uint8_t {
        Literal,
        Spaces,
        Day,
        Month,
        MonthName,
        Year2,
        Year4,
        Hour,
        Hour12,
        Minute,
        Second,
        AmPm,
        Offset,
        Letters,
        Digits,
        EpochS,
        EpochUs,
        EpochMs
    };
    struct Step {
        Kind kind;
        char c = 0;
    };
    std::vector<Step> steps_;
};

/// UTC epoch seconds of merged parts; nullopt without a date (or epoch) or out of range.
std::optional<std::int64_t> time_parts_to_epoch(const TimeParts& p);

}  // namespace s3top
