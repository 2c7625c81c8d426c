#!/usr/bin/env bash
# Ingest into a local two-shard ClickHouse cluster against a report over the same logs.
#   bench/clickhouse.sh [LINES=2000000] [FILES=1200] [BUILD=build/release]
# Starts the cluster of the tests (tests/support/clickhouse_cluster.sh: Debian's
# clickhouse-server, two processes on 127.0.0.1), applies `s3top schema clickhouse` on both,
# generates LINES S3 log lines in FILES files under $S3TOP_BENCH_DIR (default /tmp/s3top-ch),
# warms the page cache, then prints wall time, CPU and peak RSS of s3top for: the report
# (--no-state --by org --format json), the ingest (fresh state, empty tables; the CPU the two
# servers spent on it beside, their merges until 2 s after it included), the same again into
# emptied tables (the servers past their first inserts, as a long-running server is), a re-run
# of the ingest (nothing new), the ingest again with gzip-compressed inserts (compress=gzip, the default for
# hosts not on this machine) into emptied tables, and the per-org query over the Distributed
# table (ClickHouse's own time). After each ingest into empty tables, where the servers' CPU
# went (system.query_log and part_log, kept for the bench only: CH_SYSTEM_LOGS): per table its
# inserts' user and system time and page faults, and the merges that ran meanwhile. The servers
# run with the cluster script's MALLOC_CONF (CH_MALLOC_CONF; empty: jemalloc's defaults).
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${1:-2000000}
FILES=${2:-1200}
BUILD=${3:-build/release}
S3TOP=$BUILD/app/s3top
S3GEN=$BUILD/tools/s3gen
[ -x "$S3TOP" ] && [ -x "$S3GEN" ] || { echo "build $BUILD first (./dev.sh build)" >&2; exit 2; }
source tests/support/clickhouse_cluster.sh
ch_require
DATA=${S3TOP_BENCH_DIR:-/tmp/s3top-ch}/$LINES-$FILES
if [ ! -f "$DATA/.complete" ]; then
  rm -rf "$DATA"
  "$S3GEN" --out "$DATA/logs" --lines "$LINES" --files "$FILES" --seed 11 >&2
  touch "$DATA/.complete"
fi
find "$DATA/logs" -type f -print0 | xargs -0 cat >/dev/null  # page cache
WORK=$(mktemp -d /tmp/s3top-ch-bench.XXXXXX)
trap 'ch_stop; rm -rf "$WORK"' EXIT
CH_SYSTEM_LOGS=1 ch_start "$WORK/ch"
ch_schema logs
URL="clickhouse://127.0.0.1:${CH_HTTP[0]},127.0.0.1:${CH_HTTP[1]}/logs?table=s3top_records"

# The CPU time (1/100 s) both servers have used so far.
servers_cpu() { local t=0 p; for p in "${CH_PIDS[@]}"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo $t; }
measure() {  # name command...
  local name=$1 before
  shift
  before=$(servers_cpu)
  /usr/bin/time -o "$WORK/time" -f '%e %U %S %M' "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }
  sleep 2
  read -r secs user sys kb <"$WORK/time"
  awk -v n="$name" -v s="$secs" -v u="$user" -v y="$sys" -v kb="$kb" -v c="$(($(servers_cpu) - before))" 'BEGIN {
    printf "%-46s %7.2f s wall %7.2f s cpu %7.0f MB peak RSS %7.2f s servers cpu\n", n, s, u + y, kb / 1024, c / 100 }'
}
# The servers' time now (seconds since 1970), to tell the queries and parts of what follows.
server_now() { ch_query 1 "SELECT toUnixTimestamp(now())"; }
# Where both servers' CPU went since server_now's T: the inserts s3top sent (query ids
# s3top-ID, -lines, -storage), by table, and the merges; "n/a" where a server cannot say
# (query_log's ProfileEvents are arrays on 18.16, a map on current releases).
insert_split() {
  local t=$1 n sql out
  sql="SELECT multiIf(query_id LIKE '%-storage', 'storage', query_id LIKE '%-lines', 'lines', 'records') AS tab,
    count(), sum(written_rows),
    sum(ProfileEvents.Values[indexOf(ProfileEvents.Names, 'UserTimeMicroseconds')]),
    sum(ProfileEvents.Values[indexOf(ProfileEvents.Names, 'SystemTimeMicroseconds')]),
    sum(ProfileEvents.Values[indexOf(ProfileEvents.Names, 'SoftPageFaults')])
    FROM system.query_log WHERE type = 2 AND query_id LIKE 's3top-%' AND event_time >= toDateTime($t)
    GROUP BY tab ORDER BY tab FORMAT TabSeparated"
  out=$(for n in 1 2; do ch_query "$n" "SYSTEM FLUSH LOGS" && ch_query "$n" "$sql"; done 2>/dev/null) || { echo "  inserts: n/a"; return 0; }
  awk -F'\t' '{ n[$1] += $2; r[$1] += $3; u[$1] += $4; s[$1] += $5; f[$1] += $6 }
    END { for (t in n) printf "  %-8s %3d inserts %9d rows %6.2f s user %6.2f s system %8d page faults%s\n",
      t, n[t], r[t], u[t] / 1e6, s[t] / 1e6, f[t], (r[t] >= 1000 ? sprintf(" (%.2f us a row)", (u[t] + s[t]) / r[t]) : "") }' <<<"$out" | sort
  sql="SELECT count(), sum(rows), sum(duration_ms) FROM system.part_log WHERE event_type = 2 AND database = 'logs'
    AND event_time >= toDateTime($t) FORMAT TabSeparated"
  out=$(for n in 1 2; do ch_query "$n" "$sql"; done 2>/dev/null) || { echo "  merges: n/a"; return 0; }
  awk -F'\t' '{ m += $1; r += $2; ms += $3 } END { printf "  merges   %3d of %d rows, %.2f s\n", m, r, ms / 1000 }' <<<"$out"
}
# Empties the tables, then lets the deleted parts' inodes age: ext4 without a journal (this
# machine's) skips inodes freed in the last seconds (300 s while their block is dirty) one by
# one when it creates files, so the parts of an ingest right after a TRUNCATE cost the servers
# about a sixth more CPU (ext4_create in one perf run), which is no cost of the ingest.
truncate_all() {
  local n t
  for n in 1 2; do for t in s3top_records s3top_records_lines s3top_records_storage; do ch_query "$n" "TRUNCATE TABLE logs.$t"; done; done
  sync
  sleep 7
}

echo "data: $LINES lines, $(du -sm "$DATA/logs" | cut -f1) MB, $FILES files; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); servers MALLOC_CONF=${CH_MALLOC_CONF-dirty_decay_ms:-1}"
measure "report --no-state --by org --format json" "$S3TOP" report --no-state --by org --format json "$DATA/logs"
t0=$(server_now)
measure "ingest into 2 shards (fresh state)" "$S3TOP" ingest --quiet --state "$WORK/state" --to "$URL" "$DATA/logs"
insert_split "$t0"
# The same into emptied tables with a fresh state, the servers now past their first inserts:
# what a long-running server spends (the first takes the servers' memory in for the first time).
truncate_all
t0=$(server_now)
measure "ingest again, emptied tables (fresh state)" "$S3TOP" ingest --quiet --state "$WORK/state-2" --to "$URL" "$DATA/logs"
insert_split "$t0"
measure "ingest again (nothing new)" "$S3TOP" ingest --quiet --state "$WORK/state" --to "$URL" "$DATA/logs"
echo "rows: shard 1 $(ch_query 1 'SELECT count() FROM logs.s3top_records'), shard 2 $(ch_query 2 'SELECT count() FROM logs.s3top_records'); state: $(du -sk "$WORK/state" | cut -f1) KB"
truncate_all
t0=$(server_now)
measure "ingest, compress=gzip (fresh state)" "$S3TOP" ingest --quiet --state "$WORK/state-gz" --to "$URL&compress=gzip" "$DATA/logs"
insert_split "$t0"
start=$(date +%s.%N)
ch_query 1 "SELECT org, count(), sum(bytes_sent), uniqExact(remote_ip), quantile(0.95)(total_time_ms)
  FROM logs.s3top_records_all GROUP BY org ORDER BY sum(bytes_sent) DESC FORMAT Null"
awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%-46s %7.2f s wall\n", "per-org query over s3top_records_all", e - s }'
# s3top's own reports over the cluster (SQL pushed down, the same JSON as the local report above).
measure "report clickhouse:// --by org --format json" "$S3TOP" report --by org --format json "$URL"
measure "report clickhouse:// --by key --top 20" "$S3TOP" report --by key --top 20 --format json "$URL"
measure "bill --no-storage clickhouse://" "$S3TOP" bill --no-storage --month 2024-03 --format json "$URL"
"$S3TOP" report --no-state --by org --format json "$DATA/logs" >"$WORK/local.json" 2>/dev/null || true
"$S3TOP" report --by org --format json "$URL" >"$WORK/ch.json"
cmp -s "$WORK/local.json" "$WORK/ch.json" && echo "report over ClickHouse: the same JSON as the local report" ||
  echo "report over ClickHouse: NOT the same JSON as the local report"
