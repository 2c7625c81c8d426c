#pragma once
// The version of the parsing rules: what a line becomes (a record and its fields, or a
// rejection and its reason). The state file keeps parsed records, so it records this version,
// and a state written under other rules is rebuilt from the logs (with a one-line note):
// after an upgrade that fixes a parser, nobody keeps the old numbers.
#include <cstdint>

namespace s3top {

/// Raise with every change that can change a record or a rejection of some line (any parser,
/// detection, a field's meaning). tests/core/parsing_rules_test.cpp fails when core/parse
/// changes without a new entry in its history, and says what to do.
inline constexpr std::uint32_t kParsingRulesVersion = 4;

}  // namespace s3top
