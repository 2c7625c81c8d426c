#include "core/agg/filter.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <regex>

#include "core/util/civil_time.hpp"

namespace s3top {
namespace {

/// What std::regex must not be given, found before it is: libstdc++ reads a back-reference
/// number or a {m,n} count into a signed long without an overflow check (undefined behaviour,
/// found by fuzz_filter: key~/\4444444444444444444/), and it expands a count into that many
/// copies of the repeated part (x{100000000} would take all memory). Counts over 1000 (RE2's
/// limit too) and back-references over 99 are refused; everything else is left to std::regex,
/// which throws regex_error for what it cannot parse. Nested counts still multiply: the
/// pattern is the user's own, not log content.
std::optional<std::string> regex_problem(std::string_view p) {
    constexpr std::uint64_t kMaxCount = 1000;
    const auto digits_at = [&](std::size_t i) {
        std::size_t n = 0;
        while (i + n < p.size() && p[i + n] >= '0' && p[i + n] <= '9') ++n;
        return n;
    };
    bool in_class = false;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\') {
            const std::size_t n = digits_at(i + 1);
            if (n > 2) return "back-reference \\" + std::string(p.substr(i + 1, n)) + " (at most \\99)";
            i += n > 0 ? n : 1;  // an escaped character is literal: skip it
            continue;
        }
        if (in_class) {
            in_class = c != ']';
            continue;
        }
        if (c == '[') {
            in_class = true;
            if (i + 1 < p.size() && p[i + 1] == ']') ++i;  // "[]...]": a leading ] is literal
            continue;
        }
        if (c != '{') continue;
        // {m}, {m,} or {m,n}: each count at most kMaxCount.
        for (std::size_t j = i + 1;;) {
            const std::size_t n = digits_at(j);
            if (n == 0) break;
            std::uint64_t v = 0;
            for (std::size_t k = j; k < j + n && v <= kMaxCount; ++k)
                v = v * 10 + static_cast<std::uint64_t>(p[k] - '0');
            if (v > kMaxCount) return "repeat count " + std::string(p.substr(j, n)) + " (at most 1000)";
            j += n;
            if (j >= p.size() || p[j] != ',') break;
            ++j;
        }
    }
    return std::nullopt;
}

// One term as typed, unquoted and unescaped, and where its commas outside quotes are: only
// those separate values ("a,b" in quotes is one value).
struct Token {
    std::string text;
    std::vector<std::size_t> commas;  ///< offsets in text, ascending
};

// Splits on spaces outside double quotes; unquotes and unescapes.
std::expected<std::vector<Token>, std::string> tokenize(std::string_view text) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
        if (i >= text.size()) break;
        Token tok;
        bool in_quotes = false;
        for (; i < text.size(); ++i) {
            const char c = text[i];
            if (in_quotes) {
                if (c == '\\' && i + 1 < text.size()) {
                    tok.text.push_back(text[++i]);
                } else if (c == '"') {
                    in_quotes = false;
                } else {
                    tok.text.push_back(c);
                }
            } else if (c == '"') {
                in_quotes = true;
            } else if (c == ' ' || c == '\t') {
                break;
            } else {
                if (c == ',') tok.commas.push_back(tok.text.size());
                tok.text.push_back(c);
            }
        }
        if (in_quotes) return std::unexpected("unterminated quote in filter");
        out.push_back(std::move(tok));
    }
    return out;
}

// The values of `tok` from offset `from` on, split at its unquoted commas.
std::vector<std::string> split_values(const Token& tok, std::size_t from) {
    std::vector<std::string> out;
    std::size_t pos = from;
    for (const std::size_t comma : tok.commas) {
        if (comma < from) continue;
        out.push_back(tok.text.substr(pos, comma - pos));
        pos = comma + 1;
    }
    out.push_back(tok.text.substr(pos));
    return out;
}

std::string quote_if_needed(std::string_view v) {
    if (!v.empty() && v.find_first_of(" \t\"\\,") == std::string_view::npos) return std::string(v);
    std::string q = "\"";
    for (const char c : v) {
        if (c == '"' || c == '\\') q.push_back('\\');
        q.push_back(c);
    }
    q.push_back('"');
    return q;
}

bool icontains(std::string_view hay, std::string_view needle) {
    if (needle.empty()) return true;
    const auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
        const auto la = (a >= 'A' && a <= 'Z') ? static_cast<char>(a + 32) : a;
        const auto lb = (b >= 'A' && b <= 'Z') ? static_cast<char>(b + 32) : b;
        return la == lb;
    });
    return it != hay.end();
}

/// A value `=`/`!=` on a number dimension can never match: not one of its labels (status 404,
/// class 4xx, tier put) nor "-" (absent). Statuses are HTTP's, 100 to 599, and CloudFront's 000. Such a filter is a
/// typo (status=9xx, tier=bogus) that would print an empty report as if nothing had happened.
std::optional<std::string> impossible_value(const FilterTerm& t, const std::string& token) {
    const DimInfo& info = dim_info(t.dim.dim);
    if (info.kind != DimKind::Number || (t.op != FilterTerm::Op::Eq && t.op != FilterTerm::Op::NotEq))
        return std::nullopt;
    const bool http = info.number == NumberColumn::Status;
    const auto possible = [&](std::int64_t k) {
        return !http || (k * info.divisor >= 100 && k * info.divisor < 600) ||
               (info.divisor == 1 && k == kStatusNoResponse);
    };
    for (const std::string& v : t.values) {
        if (v == "-") continue;
        bool ok = false;
        std::string known;
        for (std::int64_t k = 0; k < static_cast<std::int64_t>(info.dense_size) && !ok; ++k) {
            const std::string label = info.label(k);
            if (label.empty() || !possible(k)) continue;
            ok = label == v;
            if (info.dense_size <= 16) known += (known.empty() ? "" : ", ") + label;
        }
        if (!ok) {
            if (known.empty()) known = http ? "100 to 599" : "see --help";
            return "'" + token + "': '" + v + "' is never a " + std::string(info.name) + " (" + known + ", or -)";
        }
    }
    return std::nullopt;
}

}  // namespace

std::string quote_filter_value(std::string_view value) { return quote_if_needed(value); }

std::size_t last_value_start(std::string_view typed) {
    std::size_t start = 0;
    bool in_quotes = false;
    for (std::size_t i = 0; i < typed.size(); ++i) {
        const char c = typed[i];
        if (in_quotes && c == '\\') {
            ++i;
        } else if (c == '"') {
            in_quotes = !in_quotes;
        } else if (c == ',' && !in_quotes) {
            start = i + 1;
        }
    }
    return start;
}

std::expected<Filter, std::string> parse_filter(std::string_view text) {
    auto tokens = tokenize(text);
    if (!tokens) return std::unexpected(tokens.error());
    Filter f;
    for (const Token& token : *tokens) {
        const std::string& tok = token.text;
        // Find the operator: the first of "!=", "!~", "=", "~".
        const auto op_pos = tok.find_first_of("=~!");
        if (op_pos == std::string::npos || op_pos == 0)
            return std::unexpected("filter term '" + tok + "' is not dimension=value (e.g. org=acme-17)");
        FilterTerm term;
        std::string_view name = std::string_view(tok).substr(0, op_pos);
        std::string_view rest = std::string_view(tok).substr(op_pos);
        if (rest.starts_with("!=")) {
            term.op = FilterTerm::Op::NotEq;
            rest.remove_prefix(2);
        } else if (rest.starts_with("!~")) {
            term.op = FilterTerm::Op::NotContains;
            rest.remove_prefix(2);
        } else if (rest.starts_with("=")) {
            term.op = FilterTerm::Op::Eq;
            rest.remove_prefix(1);
        } else if (rest.starts_with("~")) {
            term.op = FilterTerm::Op::Contains;
            rest.remove_prefix(1);
        } else {
            return std::unexpected("filter term '" + tok + "' has no = or ~");
        }
        if (name == "from" || name == "to") {
            if (term.op != FilterTerm::Op::Eq) return std::unexpected("'" + tok + "': use from=DATE / to=DATE");
            const auto t = parse_iso8601(rest);
            if (!t) return std::unexpected("'" + tok + "': not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS])");
            (name == "from" ? f.from : f.to) = *t;
            continue;
        }
        auto dim = parse_dim(name);
        if (!dim) {
            return std::unexpected("unknown dimension '" + std::string(name) +
                                   "' in filter (known: " + std::string(dim_names_help()) + ", from, to)");
        }
        term.dim = *dim;
        if (term.op == FilterTerm::Op::Contains || term.op == FilterTerm::Op::NotContains) {
            if (rest.size() >= 2 && rest.front() == '/' && rest.back() == '/') {
                term.op = term.op == FilterTerm::Op::Contains ? FilterTerm::Op::Regex : FilterTerm::Op::NotRegex;
                term.values.emplace_back(rest.substr(1, rest.size() - 2));
                if (const auto problem = regex_problem(term.values.back())) {
                    return std::unexpected("regular expression in '" + tok + "' too large: " + *problem);
                }
                try {
                    std::regex check(term.values.back(), std::regex::ECMAScript);
                } catch (const std::regex_error& e) {
                    return std::unexpected("bad regular expression in '" + tok + "': " + e.what());
                }
            } else {
                term.values.emplace_back(rest);
            }
        } else {
            term.values = split_values(token, tok.size() - rest.size());
        }
        // status=5xx means the class.
        if (term.dim.dim == Dim::Status && !term.values.empty() &&
            std::all_of(term.values.begin(), term.values.end(),
                        [](const std::string& v) { return v.size() == 3 && v[1] == 'x' && v[2] == 'x'; })) {
            term.dim.dim = Dim::StatusClass;
        }
        if (auto problem = impossible_value(term, tok)) return std::unexpected(*std::move(problem));
        f.terms.push_back(std::move(term));
    }
    if (f.from && f.to && *f.from >= *f.to)
        return std::unexpected("from= must be before to= (to is exclusive): the range holds no time at all");
    return f;
}

std::string Filter::to_string() const {
    std::string out;
    auto sep = [&] {
        if (!out.empty()) out.push_back(' ');
    };
    for (const auto& t : terms) {
        sep();
        out += dim_name(t.dim);
        switch (t.op) {
            case FilterTerm::Op::Eq: out += "="; break;
            case FilterTerm::Op::NotEq: out += "!="; break;
            case FilterTerm::Op::Contains:
            case FilterTerm::Op::Regex: out += "~"; break;
            case FilterTerm::Op::NotContains:
            case FilterTerm::Op::NotRegex: out += "!~"; break;
        }
        if (t.op == FilterTerm::Op::Regex || t.op == FilterTerm::Op::NotRegex) {
            out += quote_if_needed("/" + t.values.front() + "/");
            continue;
        }
        for (std::size_t i = 0; i < t.values.size(); ++i) {
            if (i) out.push_back(',');
            out += quote_if_needed(t.values[i]);  // each on its own: a comma in quotes is the value's
        }
    }
    if (from) {
        sep();
        out += "from=" + format_iso8601(*from);
    }
    if (to) {
        sep();
        out += "to=" + format_iso8601(*to);
    }
    return out;
}

void Filter::add_eq(DimSpec dim, std::string value) {
    terms.push_back(FilterTerm{dim, FilterTerm::Op::Eq, {value.empty() ? std::string("-") : std::move(value)}});
}

void Filter::pop() {
    if (!terms.empty()) {
        terms.pop_back();
    } else if (to) {
        to.reset();
    } else {
        from.reset();
    }
}

namespace {

/// Levenshtein distance of two strings, ASCII case folded, giving up past `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
    const auto fold = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0], best = i;
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1)});
            diag = up;
            best = std::min(best, row[j]);
        }
        if (best > limit) return limit + 1;
    }
    return row[b.size()];
}

}  // namespace

std::vector<std::string> closest_values(std::string_view want, const std::vector<std::string>& values, std::size_t n) {
    const std::size_t limit = std::max<std::size_t>(2, want.size() / 3);
    std::vector<std::pair<std::size_t, std::string_view>> near;
    for (const std::string& v : values) {
        const std::size_t d = edit_distance(want, v, limit);
        if (d <= limit) near.emplace_back(d, v);
    }
    std::sort(near.begin(), near.end());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < near.size() && i < n; ++i) out.emplace_back(near[i].second);
    return out;
}

Filter combine(const Filter& a, const Filter& b) {
    Filter f = a;
    f.terms.insert(f.terms.end(), b.terms.begin(), b.terms.end());
    if (b.from) f.from = f.from ? std::max(*f.from, *b.from) : *b.from;
    if (b.to) f.to = f.to ? std::min(*f.to, *b.to) : *b.to;
    return f;
}

bool term_matches_value(const FilterTerm& term, std::string_view value, const std::regex& re) {
    // Absent values are written "-" by users and stored empty.
    const std::string_view shown = value.empty() ? std::string_view("-") : value;
    switch (term.op) {
        case FilterTerm::Op::Eq:
        case FilterTerm::Op::NotEq: {
            const bool any =
                std::any_of(term.values.begin(), term.values.end(), [&](const std::string& v) { return v == shown; });
            return term.op == FilterTerm::Op::Eq ? any : !any;
        }
        case FilterTerm::Op::Contains: return icontains(value, term.values.front());
        case FilterTerm::Op::NotContains: return !icontains(value, term.values.front());
        case FilterTerm::Op::Regex:
        case FilterTerm::Op::NotRegex: {
            // Evaluated once per distinct value by the engine; the length cap keeps libstdc++'s
            // recursive matcher away from deep recursion on hostile strings.
            const std::string_view capped = value.substr(0, 2048);
            const bool m = std::regex_search(capped.begin(), capped.end(), re);
            return term.op == FilterTerm::Op::Regex ? m : !m;
        }
    }
    return false;
}

}  // namespace s3top
