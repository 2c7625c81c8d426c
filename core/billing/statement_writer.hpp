#pragma once
// A billing statement as a terminal table, CSV (one file, a period column) and JSON. Money is
// written as exact decimals; every log-derived string is escaped for its output.
#include <string>

#include "core/billing/statement.hpp"

namespace s3top {

/// Aligned text: one line per period and group, the excluded usage, the reconciliation, the
/// rounding rule and any late-records note. Keys made terminal-safe.
std::string statement_table(const Statement& s, std::int64_t late_grace_seconds);
/// RFC 4180 CSV, one row per period and group (period column first), then the excluded usage
/// as rows whose `status` column says why; amounts in currency units with 6 decimals.
std::string statement_csv(const Statement& s);
/// One JSON object; amounts as integer micro-units and as decimal strings.
std::string statement_json(const Statement& s, std::int64_t late_grace_seconds);

}  // namespace s3top

namespace s3top {
/// The statement as one self-contained HTML page (see core/report/html.hpp).
std::string statement_html(const Statement& s, std::int64_t late_grace_seconds);
}  // namespace s3top
