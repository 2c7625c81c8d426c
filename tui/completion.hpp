#pragma once
// Tab completion in the `/` prompt: the word at the cursor is a dimension's name (completed to
// "name=") or a value after "name=", "name!=", "name~" (completed from that dimension's values,
// most requests first). Plain functions of the text, for the controller and its tests.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/agg/dimension.hpp"
#include "tui/ui_state.hpp"

namespace s3top::tui {

/// A dimension's values, most used first (DataSources::values_by_use).
using ValuesByUse = std::function<std::vector<std::string>(DimSpec)>;

/// The completions of the word before `cursor` in `text`: each candidate as listed, the whole
/// text with it in place, and the cursor after it. A dimension name completes to "name=", a
/// value to the term with the value quoted as the filter language needs, then a space. Names
/// and values match the word's start case-insensitively. Empty when nothing completes it.
Completion complete_filter(const std::string& text, std::size_t cursor, const ValuesByUse& values);

/// The longest start every candidate text shares (byte-wise, cut back to a whole UTF-8
/// character).
std::string common_start(const std::vector<std::string>& texts);

}  // namespace s3top::tui
