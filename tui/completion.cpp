#include "tui/completion.hpp"

#include <algorithm>

#include "core/agg/filter.hpp"

namespace s3top::tui {
namespace {

constexpr std::size_t kMaxCandidates = 200;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool starts_with_nocase(std::string_view s, std::string_view start) {
    return s.size() >= start.size() &&
           std::equal(start.begin(), start.end(), s.begin(), [](char a, char b) { return lower(a) == lower(b); });
}

/// Where the word before `cursor` starts: after the last space outside double quotes.
std::size_t word_start(std::string_view text, std::size_t cursor) {
    std::size_t start = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < cursor && i < text.size(); ++i) {
        if (quoted && text[i] == '\\') {
            ++i;
        } else if (text[i] == '"') {
            quoted = !quoted;
        } else if (!quoted && (text[i] == ' ' || text[i] == '\t')) {
            start = i + 1;
        }
    }
    return start;
}

/// "name=" for every dimension a filter takes, "prefix:1=".."prefix:3=", "from=", "to=".
std::vector<std::string> term_starts() {
    std::vector<std::string> out;
    for (const DimInfo& d : kDims) {
        if (d.kind == DimKind::Time) continue;
        if (d.kind == DimKind::KeyPrefix) {
            for (int depth = 1; depth <= 3; ++depth)
                out.push_back(std::string(d.name) + ":" + std::to_string(depth) + "=");
        } else {
            out.push_back(std::string(d.name) + "=");
        }
    }
    out.emplace_back("from=");
    out.emplace_back("to=");
    return out;
}

/// A value as typed so far: its quotes and escapes taken off.
std::string unquote(std::string_view v) {
    if (v.empty() || v.front() != '"') return std::string(v);
    std::string out;
    for (std::size_t i = 1; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) {
            out.push_back(v[++i]);
        } else if (v[i] != '"') {
            out.push_back(v[i]);
        }
    }
    return out;
}

void add(Completion& c, const std::string& text, std::size_t start, std::size_t cursor, std::string shown,
         const std::string& replacement) {
    std::string rest = text.substr(cursor);
    std::string r = replacement;
    if (r.ends_with(' ') && rest.starts_with(' ')) r.pop_back();
    c.texts.push_back(text.substr(0, start) + r + rest);
    c.cursors.push_back(start + r.size());
    c.shown.push_back(std::move(shown));
}

}  // namespace

std::string common_start(const std::vector<std::string>& texts) {
    if (texts.empty()) return {};
    std::size_t n = texts.front().size();
    for (const std::string& t : texts) {
        std::size_t i = 0;
        while (i < n && i < t.size() && t[i] == texts.front()[i]) ++i;
        n = i;
    }
    // Back to a character boundary.
    while (n > 0 && n < texts.front().size() && (static_cast<unsigned char>(texts.front()[n]) & 0xC0) == 0x80) --n;
    return texts.front().substr(0, n);
}

Completion complete_filter(const std::string& text, std::size_t cursor, const ValuesByUse& values) {
    Completion c;
    cursor = std::min(cursor, text.size());
    const std::size_t start = word_start(text, cursor);
    const std::string_view word = std::string_view(text).substr(start, cursor - start);
    const std::size_t op = word.find_first_of("=~");
    if (op == std::string_view::npos) {
        for (const std::string& s : term_starts()) {
            if (starts_with_nocase(s, word)) add(c, text, start, cursor, s, s);
        }
        return c;
    }
    const std::size_t name_end = op > 0 && word[op - 1] == '!' ? op - 1 : op;
    const std::string_view name = word.substr(0, name_end), oper = word.substr(name_end, op + 1 - name_end);
    const std::string_view typed = word.substr(op + 1);
    const auto dim = parse_dim(name);
    if (!dim || !values || typed.starts_with('/') || typed.starts_with("\"/")) return c;
    // "org=acme,glo": the values before the last comma (outside quotes) stay as typed.
    const std::size_t last = last_value_start(typed);
    const std::string_view head = typed.substr(0, last);
    const std::string part = unquote(typed.substr(last));
    for (const std::string& v : values(*dim)) {
        const std::string shown = v.empty() ? std::string("-") : v;  // absent is written "-"
        if (!starts_with_nocase(shown, part)) continue;
        add(c, text, start, cursor, shown,
            std::string(name) + std::string(oper) + std::string(head) + quote_filter_value(shown) + " ");
        if (c.texts.size() >= kMaxCandidates) break;
    }
    return c;
}

}  // namespace s3top::tui
