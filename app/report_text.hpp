#pragma once
// A report over a session, as `s3top report` writes it: the one place its text is made, for
// report itself and for the dashboard's export of its view (so the two cannot differ).
#include <expected>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "app/session.hpp"
#include "core/clickhouse/remote_report.hpp"
#include "core/report/report_writer.hpp"

namespace s3top::app {

/// The report `spec` asks of the session's engine, with what the session knows beside it: the
/// inputs left out, and under --dedupe request-id the records that had no request id.
ReportResult session_report(const Session& s, const ReportSpec& spec);

/// `result` in `format`. HTML adds the time chart, a panel of each of `panels` (their top 50 in
/// `spec`'s order) and the org picker's views, from the session's engine; the table is laid out
/// by `table`.
std::string report_text(const Session& s, const ReportResult& result, const ReportSpec& spec, OutputFormat format,
                        const std::vector<DimSpec>& panels, const TableOptions& table);

/// The same over ClickHouse: `spec`'s report and, for HTML, its snapshots asked there (the
/// statements every part asks alike are asked once, through `answers`); or a one-line error.
std::expected<std::string, std::string> clickhouse_report_text(
    clickhouse::Client& client, clickhouse::AnswerCache& answers, const ReportSpec& spec, const Options& opt,
    OutputFormat format, const std::vector<DimSpec>& panels, const TableOptions& table, ReportResult* result = nullptr);

}  // namespace s3top::app
