// libFuzzer target: every escaping function that carries log content (written by strangers)
// into an output (core/report/escape.hpp). Properties, on arbitrary bytes:
//   - json: the escaped body, quoted, is one valid JSON string (simdjson parses it) whose value
//     is to_valid_utf8(input): nothing lost but invalid bytes, nothing injected;
//   - to_valid_utf8 / html / csv / terminal outputs are valid UTF-8;
//   - csv_cell: never begins with = + - @ TAB CR (a formula) unless it is the absent value "-"
//     or the cell is neutralised with a leading apostrophe (inside the quotes when quoted);
//     a quoted cell has its quotes doubled; an unquoted one holds no , " CR LF;
//   - html_escape: no < > " ' and no & except in the five entities; no control characters;
//   - terminal_safe: no C0/C1 control, no DEL, no ESC: nothing that can move the cursor or
//     change terminal state.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/report/escape.hpp"

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_escape: property violated: %s\n", what);
    std::abort();
}

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = s3top::utf8_sequence_length(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

void check_json(std::string_view in) {
    const std::string quoted = s3top::json_quote(in);
    if (!valid_utf8(quoted)) fail("json output is not valid UTF-8");
    for (const char c : quoted) {
        if (static_cast<unsigned char>(c) < 0x20) fail("json output holds a raw control character");
    }
    static simdjson::dom::parser parser;
    simdjson::padded_string doc(quoted);
    std::string_view value;
    if (parser.parse(doc).get(value) != simdjson::SUCCESS) fail("json output is not one JSON string");
    if (value != s3top::to_valid_utf8(in)) fail("json string does not decode to the valid-UTF-8 input");
}

void check_csv(std::string_view in) {
    const std::string cell = s3top::csv_cell(in);
    if (!valid_utf8(cell)) fail("csv output is not valid UTF-8");
    std::string_view body = cell;
    if (!cell.empty() && cell.front() == '"') {
        if (cell.size() < 2 || cell.back() != '"') fail("csv quoted cell not closed");
        body = std::string_view(cell).substr(1, cell.size() - 2);
        for (std::size_t i = 0; i < body.size(); ++i) {
            if (body[i] != '"') continue;
            if (i + 1 >= body.size() || body[i + 1] != '"') fail("csv quote inside a cell not doubled");
            ++i;
        }
    } else if (cell.find_first_of(",\"\r\n") != std::string::npos) {
        fail("csv cell with , \" CR or LF not quoted");
    }
    if (!body.empty() && body != "-") {
        const char c = body.front();
        if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') fail("csv cell starts a formula");
    }
}

void check_html(std::string_view in) {
    const std::string h = s3top::html_escape(in);
    if (!valid_utf8(h)) fail("html output is not valid UTF-8");
    for (std::size_t i = 0; i < h.size(); ++i) {
        const auto c = static_cast<unsigned char>(h[i]);
        if (c == '<' || c == '>' || c == '"' || c == '\'') fail("html output holds a raw < > \" or '");
        if ((c < 0x20 && c != '\t') || c == 0x7F) fail("html output holds a control character");
        if (c == '&') {
            const std::string_view rest = std::string_view(h).substr(i);
            if (!rest.starts_with("&amp;") && !rest.starts_with("&lt;") && !rest.starts_with("&gt;") &&
                !rest.starts_with("&quot;") && !rest.starts_with("&#39;"))
                fail("html output holds a bare &");
        }
    }
}

void check_terminal(std::string_view in) {
    const std::string t = s3top::terminal_safe(in);
    if (!valid_utf8(t)) fail("terminal_safe output is not valid UTF-8");
    for (std::size_t i = 0; i < t.size(); ++i) {
        const auto c = static_cast<unsigned char>(t[i]);
        if (c < 0x20 || c == 0x7F) fail("terminal_safe output holds a C0 control, ESC or DEL");
        if (c == 0xC2 && i + 1 < t.size() && static_cast<unsigned char>(t[i + 1]) < 0xA0)
            fail("terminal_safe output holds a C1 control");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    if (!valid_utf8(s3top::to_valid_utf8(in))) fail("to_valid_utf8 output is not valid UTF-8");
    check_json(in);
    check_csv(in);
    check_html(in);
    check_terminal(in);
    return 0;
}
