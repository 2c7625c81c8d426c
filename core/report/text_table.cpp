#include "core/report/text_table.hpp"

#include <algorithm>

#include "core/report/terminal_text.hpp"

namespace s3top {
namespace {

std::size_t cells(const std::string& s) { return static_cast<std::size_t>(safe_text_width(s)); }

}  // namespace

std::string text_table(const std::vector<std::vector<std::string>>& rows, std::size_t nleft, bool rule_after_header,
                       bool rule_before_last) {
    std::vector<std::size_t> w;
    for (const auto& r : rows) {
        if (w.size() < r.size()) w.resize(r.size(), 0);
        for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], cells(r[i]));
    }
    std::size_t total = 0;
    for (auto x : w) total += x + 2;
    const std::string rule = std::string(total >= 2 ? total - 2 : 0, '-') + "\n";
    std::string out;
    for (std::size_t ri = 0; ri < rows.size(); ++ri) {
        if (rule_before_last && ri + 1 == rows.size()) out += rule;
        std::string line;
        for (std::size_t i = 0; i < rows[ri].size(); ++i) {
            if (i) line += "  ";
            const std::string& c = rows[ri][i];
            const std::string pad(w[i] - cells(c), ' ');
            line += i < nleft ? c + pad : pad + c;
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
        if (rule_after_header && ri == 0) out += rule;
    }
    return out;
}

}  // namespace s3top
