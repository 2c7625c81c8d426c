#include "core/report/escape.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace s3top {

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    const Decoded d = decode_utf8(s.substr(i));
    return d.valid ? static_cast<std::size_t>(d.len) : 0;
}

std::string to_valid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for_each_code_point(
        s, [&](std::string_view bytes, char32_t, bool valid) { out += valid ? bytes : kReplacementCharacter; });
    return out;
}

void append_json_escaped(std::string& out, std::string_view s) {
    for_each_code_point(s, [&](std::string_view bytes, char32_t cp, bool valid) {
        switch (cp) {
            case '"': out += "\\\""; return;
            case '\\': out += "\\\\"; return;
            case '\n': out += "\\n"; return;
            case '\r': out += "\\r"; return;
            case '\t': out += "\\t"; return;
            case 0x2028: out += "\\u2028"; return;  // valid JSON, but not in JavaScript strings
            case 0x2029: out += "\\u2029"; return;
            default: break;
        }
        if (!valid) {
            out += "\\ufffd";
        } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {  // C0, DEL and C1 (U+009B is CSI on some terminals)
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
        } else {
            out += bytes;
        }
    });
}

std::string json_quote(std::string_view s) {
    std::string out = "\"";
    append_json_escaped(out, s);
    out.push_back('"');
    return out;
}

std::string csv_line_counters(std::uint64_t duplicate_records, std::uint64_t no_request_id) {
    return "\r\nline_counter,count\r\nduplicate_records," + std::to_string(duplicate_records) + "\r\nno_request_id," +
           std::to_string(no_request_id) + "\r\n";
}
std::string csv_cell(std::string_view raw) {
    std::string s = to_valid_utf8(raw);
    if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') &&
        s != "-") {
        s.insert(s.begin(), '\'');
    }
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

namespace {

/// The length of the character at s[i] when a terminal shows it as itself (printable ASCII, or
/// valid UTF-8 terminal_safe() leaves alone), else 0.
std::size_t printable_at(std::string_view s, std::size_t i) {
    const auto byte = static_cast<unsigned char>(s[i]);
    if (byte < 0x80) return byte >= 0x20 && byte < 0x7F ? 1 : 0;
    const std::size_t len = utf8_sequence_length(s, i);
    return len > 0 && terminal_safe(s.substr(i, len)) == s.substr(i, len) ? len : 0;
}

}  // namespace

std::string shell_quote(std::string_view s) {
    const auto plain = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("-_./:,=+@%").find(c) != std::string_view::npos;
    };
    if (!s.empty() && std::all_of(s.begin(), s.end(), plain)) return std::string(s);
    bool printable = true;
    for (std::size_t i = 0, n = 0; i < s.size() && printable; i += n) printable = (n = printable_at(s, i)) > 0;
    std::string out;
    if (printable) {
        out = "'";
        for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return out + "'";
    }
    // A control byte or invalid UTF-8 as \xHH; the printable characters as they are.
    out = "$'";
    for (std::size_t i = 0; i < s.size();) {
        if (const std::size_t n = printable_at(s, i)) {
            if (s[i] == '\'' || s[i] == '\\') out += '\\';
            out.append(s.substr(i, n));
            i += n;
            continue;
        }
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i]));
        ++i;
    }
    return out + "'";
}

std::string html_escape(std::string_view raw) {
    const std::string s = to_valid_utf8(raw);
    std::string out;
    out.reserve(s.size() + 16);
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default:
                if ((c < 0x20 && c != '\t') || c == 0x7F) {
                    out += "\xEF\xBF\xBD";
                } else {
                    out.push_back(ch);
                }
        }
    }
    return out;
}

}  // namespace s3top
