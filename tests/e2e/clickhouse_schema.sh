#!/usr/bin/env bash
# End to end: `s3top schema clickhouse` against a real two-shard ClickHouse cluster on
# 127.0.0.1 (tests/support/clickhouse_cluster.sh; Debian's clickhouse-server). The DDL applies
# on both shards, through the HTTP interface one statement at a time and through
# clickhouse-client --multiquery as the README shows; applied again it changes nothing; every
# column is there with its type; the Distributed table reads both shards; names that would need
# quoting are refused.
set -euo pipefail
: "${S3TOP:?}" "${S3TOP_SOURCE_DIR:?}"
source "$S3TOP_SOURCE_DIR/tests/support/clickhouse_cluster.sh"
ch_require
fail() { echo "FAIL: $*" >&2; exit 1; }

ch_work
ch_start "$work/ch"

ddl=$("$S3TOP" schema clickhouse --cluster "$CH_CLUSTER" --database logs)
# Shard 1 over HTTP, a statement per request; shard 2 with clickhouse-client when it runs here.
apply_http() {  # shard
  local stmt
  while IFS= read -r -d ';' stmt; do
    [[ -n ${stmt//[$'\n ']/} ]] && ch_query "$1" "$stmt"
  done <<<"$ddl"
}
apply_http 1
if command -v clickhouse-client >/dev/null && clickhouse-client --port "${CH_TCP[1]}" --query 'SELECT 1' >/dev/null 2>&1; then
  clickhouse-client --port "${CH_TCP[1]}" --multiquery <<<"$ddl" || fail "clickhouse-client --multiquery refused the DDL"
else
  apply_http 2
fi
apply_http 1  # IF NOT EXISTS: a second run is harmless

expect_cols=$(printf '%s\n' time org requester remote_ip bucket operation error_code key user_agent referrer host_header \
  auth_type tls_version method status tier bytes_sent bytes_in total_time_ms file_number source_line batch_id)
for n in 1 2; do
  for t in s3top_records s3top_records_all; do
    got=$(ch_query "$n" "SELECT name FROM system.columns WHERE database = 'logs' AND table = '$t' FORMAT TabSeparated")
    [[ $got == "$expect_cols" ]] || fail "shard $n: logs.$t has columns: $(tr '\n' ' ' <<<"$got")"
  done
  [[ $(ch_query "$n" "SELECT type = 'DateTime(\\'UTC\\')' FROM system.columns WHERE database = 'logs' AND table = 's3top_records' AND name = 'time'") == 1 ]] ||
    fail "shard $n: time is not DateTime('UTC')"
  [[ $(ch_query "$n" "SELECT engine FROM system.tables WHERE database = 'logs' AND name = 's3top_records'") == MergeTree ]] ||
    fail "shard $n: s3top_records is not a MergeTree"
done

# A row on each shard: the Distributed table sees both, grouped by month as the partitions are.
ch_query 1 "INSERT INTO logs.s3top_records (time, org, status, bytes_sent) VALUES (1709251200, 'acme', 200, 10)"
ch_query 2 "INSERT INTO logs.s3top_records (time, org, status, bytes_sent) VALUES (1711929600, 'acme', 404, 5)"
got=$(ch_query 1 "SELECT org, sum(bytes_sent), count() FROM logs.s3top_records_all GROUP BY org FORMAT TabSeparated")
[[ $got == $'acme\t15\t2' ]] || fail "the Distributed table read: $got"
got=$(ch_query 2 "SELECT count() FROM system.parts WHERE database = 'logs' AND table = 's3top_records' AND active")
[[ $got == 1 ]] || fail "shard 2 has $got parts"

# Names are written into SQL unquoted: anything else is refused, exit 2, nothing printed.
for bad in "--table=x;DROP" "--database=a b" "--cluster=1x" "--table=a-b"; do
  set +e
  out=$("$S3TOP" schema clickhouse "$bad" 2>"$work/err")
  rc=$?
  set -e
  [[ $rc == 2 && -z $out ]] || fail "schema clickhouse $bad: exit $rc, printed '$out'"
  grep -q "not a name ClickHouse takes unquoted" "$work/err" || fail "schema clickhouse $bad said: $(cat "$work/err")"
done
echo "ok: the DDL applies on both shards, again harmlessly, with every column; the Distributed table reads both"
