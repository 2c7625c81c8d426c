#pragma once
// Plain-text tables for reports and statements, aligned in terminal cells.
#include <cstddef>
#include <string>
#include <vector>

namespace s3top {

/// Renders `rows` (already terminal_safe() text; rows may have fewer cells) as columns two
/// spaces apart, sized in terminal cells: the first `nleft` columns left-aligned, the rest
/// right-aligned, trailing spaces cut. A rule of dashes follows the first row when
/// `rule_after_header` and precedes the last when `rule_before_last`.
std::string text_table(const std::vector<std::vector<std::string>>& rows, std::size_t nleft, bool rule_after_header,
                       bool rule_before_last);

}  // namespace s3top
