#!/usr/bin/env bash
# Ingest into a local two-shard ClickHouse cluster against a report over the same logs.
#   bench/clickhouse.sh [LINES=2000000] [FILES=1200] [BUILD=build/release]
# Starts the cluster of the tests (tests/support/clickhouse_cluster.sh: Debian's
# clickhouse-server, two processes on 127.0.0.1), applies `s3top schema clickhouse` on both,
# generates LINES S3 log lines in FILES files under $S3TOP_BENCH_DIR (default /tmp/s3top-ch),
# warms the page cache, then prints wall time, CPU and peak RSS of s3top for: the report
# (--no-state --by org --format json), the ingest (fresh state, empty tables; the CPU the two
# servers spent on it beside, their merges until 2 s after it included), a re-run of the ingest
# (nothing new), the ingest again with gzip-compressed inserts (compress=gzip, the default for
# hosts not on this machine) into emptied tables, and the per-org query over the Distributed
# table (ClickHouse's own time).
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
ch_start "$WORK/ch"
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

echo "data: $LINES lines, $(du -sm "$DATA/logs" | cut -f1) MB, $FILES files; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
measure "report --no-state --by org --format json" "$S3TOP" report --no-state --by org --format json "$DATA/logs"
measure "ingest into 2 shards (fresh state)" "$S3TOP" ingest --quiet --state "$WORK/state" --to "$URL" "$DATA/logs"
measure "ingest again (nothing new)" "$S3TOP" ingest --quiet --state "$WORK/state" --to "$URL" "$DATA/logs"
echo "rows: shard 1 $(ch_query 1 'SELECT count() FROM logs.s3top_records'), shard 2 $(ch_query 2 'SELECT count() FROM logs.s3top_records'); state: $(du -sk "$WORK/state" | cut -f1) KB"
truncate_all
measure "ingest, compress=gzip (fresh state)" "$S3TOP" ingest --quiet --state "$WORK/state-gz" --to "$URL&compress=gzip" "$DATA/logs"
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
