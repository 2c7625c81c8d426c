#pragma once
#include "app/cli.hpp"
#include "core/clickhouse/schema.hpp"

namespace s3top::app {
/// `s3top report`: one pass, one report. Exit status as run().
int run_report(const Options& opt);
/// `s3top bill` (and `report --billing`): a billing statement. Exit status as run().
int run_bill(const Options& opt);
/// `s3top storage`: byte-seconds and GB-months stored per org for a period.
int run_storage(const Options& opt);
/// `s3top PATH...`: the dashboard on a terminal.
int run_dashboard_command(const Options& opt);
/// `s3top ingest --to clickhouse://...`: every line sent exactly once (or rejected). 0 when all
/// was sent, 1 when ClickHouse could not take it (one line says why), 3 when inputs were left out.
int run_ingest(const Options& opt);
/// `s3top schema clickhouse`: prints the DDL of the records table; 2 for a name it refuses.
int run_schema(const clickhouse::SchemaOptions& o);
}  // namespace s3top::app
