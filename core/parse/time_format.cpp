#include "core/parse/time_format.hpp"

#include <fmt/format.h>

#include "core/util/civil_time.hpp"

namespace s3top {
namespace {

bool lower_eq(std::string_view s, std::size_t pos, std::string_view word) {
    if (pos + word.size() > s.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (static_cast<char>(s[pos + i] | 0x20) != word[i]) return false;
    }
    return true;
}

// Up to `max` digits (at least 1); false when none.
bool number(std::string_view s, std::size_t& pos, std::size_t max, std::int64_t& out) {
    std::size_t i = 0;
    std::int64_t v = 0;
    while (i < max && pos + i < s.size() && s[pos + i] >= '0' && s[pos + i] <= '9') {
        v = v * 10 + (s[pos + i] - '0');
        ++i;
    }
    if (i == 0) return false;
    pos += i;
    out = v;
    return true;
}

constexpr std::string_view kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                                        "july",    "august",   "september", "october", "november", "december"};

}  // namespace

std::expected<TimeFormat, std::string> TimeFormat::compile(std::string_view fmt) {
    TimeFormat f;
    auto add = [&](Kind k, char c = 0) { f.steps_.push_back(Step{k, c}); };
    for (std::size_t i = 0; i < fmt.size(); ++i) {
        const char c = fmt[i];
        if (c == ' ') {
            if (f.steps_.empty() || f.steps_.back().kind != Kind::Spaces) add(Kind::Spaces);
            continue;
        }
        if (c != '%') {
            add(Kind::Literal, c);
            continue;
        }
        if (++i == fmt.size()) return std::unexpected(std::string("date/time format ends with '%'"));
        switch (fmt[i]) {
            case 'd':
            case 'e': add(Kind::Day); break;
            case 'm': add(Kind::Month); break;
            case 'b':
            case 'h':
            case 'B': add(Kind::MonthName); break;
            case 'y': add(Kind::Year2); break;
            case 'Y': add(Kind::Year4); break;
            case 'H':
            case 'k': add(Kind::Hour); break;
            case 'I':
            case 'l': add(Kind::Hour12); break;
            case 'p': add(Kind::AmPm); break;
            case 'M': add(Kind::Minute); break;
            case 'S': add(Kind::Second); break;
            case 'T':
                add(Kind::Hour);
                add(Kind::Literal, ':');
                add(Kind::Minute);
                add(Kind::Literal, ':');
                add(Kind::Second);
                break;
            case 'R':
                add(Kind::Hour);
                add(Kind::Literal, ':');
                add(Kind::Minute);
                break;
            case 'F':
                add(Kind::Year4);
                add(Kind::Literal, '-');
                add(Kind::Month);
                add(Kind::Literal, '-');
                add(Kind::Day);
                break;
            case 'D':
                add(Kind::Month);
                add(Kind::Literal, '/');
                add(Kind::Day);
                add(Kind::Literal, '/');
                add(Kind::Year2);
                break;
            case 'z': add(Kind::Offset); break;
            case 'Z':
            case 'a':
            case 'A': add(Kind::Letters); break;
            case 'j': add(Kind::Digits); break;
            case 's': add(Kind::EpochS); break;
            case 'f': add(Kind::EpochUs); break;
            case '*': add(Kind::EpochMs); break;
            case '%': add(Kind::Literal, '%'); break;
            default: return std::unexpected(fmt::format("unsupported date/time specifier %{}", fmt[i]));
        }
    }
    return f;
}

bool TimeFormat::parse(std::string_view s, TimeParts& p) const {
    std::size_t pos = 0;
    std::int64_t v = 0;
    for (const Step& st : steps_) {
        switch (st.kind) {
            case Kind::Literal:
                if (pos >= s.size() || s[pos] != st.c) return false;
                ++pos;
                break;
            case Kind::Spaces:
                while (pos < s.size() && s[pos] == ' ') ++pos;
                break;
            case Kind::Day:
                if (pos < s.size() && s[pos] == ' ') ++pos;  // %e pads with a space
                if (!number(s, pos, 2, v) || v < 1 || v > 31) return false;
                p.day = static_cast<int>(v);
                break;
            case Kind::Month:
                if (!number(s, pos, 2, v) || v < 1 || v > 12) return false;
                p.month = static_cast<int>(v);
                break;
            case Kind::MonthName: {
                int found = 0;
                for (int m = 0; m < 12 && !found; ++m) {
                    const std::string_view full = kMonths[m];
                    if (lower_eq(s, pos, full)) {
                        pos += full.size();
                        found = m + 1;
                    } else if (lower_eq(s, pos, full.substr(0, 3))) {
                        pos += 3;
                        found = m + 1;
                    }
                }
                if (!found) return false;
                p.month = found;
                break;
            }
            case Kind::Year2:
                if (!number(s, pos, 2, v)) return false;
                p.year = static_cast<int>(v < 69 ? 2000 + v : 1900 + v);
                break;
            case Kind::Year4:
                if (!number(s, pos, 4, v)) return false;
                p.year = static_cast<int>(v);
                break;
            case Kind::Hour:
                if (pos < s.size() && s[pos] == ' ') ++pos;
                if (!number(s, pos, 2, v) || v > 23) return false;
                p.hour = static_cast<int>(v);
                break;
            case Kind::Hour12:
                if (pos < s.size() && s[pos] == ' ') ++pos;
                if (!number(s, pos, 2, v) || v < 1 || v > 12) return false;
                p.hour = static_cast<int>(v % 12);
                break;
            case Kind::AmPm:
                if (lower_eq(s, pos, "am")) {
                    p.pm = 0;
                } else if (lower_eq(s, pos, "pm")) {
                    p.pm = 1;
                } else {
                    return false;
                }
                pos += 2;
                break;
            case Kind::Minute:
                if (!number(s, pos, 2, v) || v > 59) return false;
                p.minute = static_cast<int>(v);
                break;
            case Kind::Second:
                if (!number(s, pos, 2, v) || v > 60) return false;
                p.second = static_cast<int>(v);
                break;
            case Kind::Offset: {
                if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
                    ++pos;
                    p.has_offset = true;
                    p.offset_s = 0;
                    break;
                }
                if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return false;
                const bool neg = s[pos++] == '-';
                std::size_t q = pos;
                std::int64_t hh = 0, mm = 0;
                if (!number(s, q, 2, hh) || q != pos + 2) return false;
                if (q < s.size() && s[q] == ':') ++q;
                const std::size_t before = q;
                if (!number(s, q, 2, mm) || q != before + 2) return false;
                if (hh > 14 || mm > 59) return false;
                pos = q;
                p.has_offset = true;
                p.offset_s = static_cast<int>((hh * 3600 + mm * 60) * (neg ? -1 : 1));
                break;
            }
            case Kind::Letters:
                while (pos < s.size() && ((s[pos] | 0x20) >= 'a' && (s[pos] | 0x20) <= 'z')) ++pos;
                break;
            case Kind::Digits:
                if (!number(s, pos, 3, v)) return false;
                break;
            case Kind::EpochS:
            case Kind::EpochUs:
            case Kind::EpochMs:
                if (!number(s, pos, 18, v)) return false;
                p.has_epoch = true;
                p.epoch = st.kind == Kind::EpochS ? v : st.kind == Kind::EpochMs ? v / 1000 : v / 1'000'000;
                break;
        }
    }
    return pos == s.size();
}

std::optional<std::int64_t> time_parts_to_epoch(const TimeParts& p) {
    if (p.has_epoch) return p.epoch;  // an epoch is UTC already
    if (p.year < 1970 || p.year > 9999 || p.month < 1 || p.day < 1) return std::nullopt;
    if (static_cast<unsigned>(p.day) > days_in_month(p.year, static_cast<unsigned>(p.month))) return std::nullopt;
    const int hour = p.pm == 1 ? p.hour + 12 : p.hour;
    const std::int64_t local =
        days_from_civil(p.year, static_cast<unsigned>(p.month), static_cast<unsigned>(p.day)) * 86400 + hour * 3600 +
        p.minute * 60 + p.second;
    return local - (p.has_offset ? p.offset_s : 0);
}

}  // namespace s3top
