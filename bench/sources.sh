#!/usr/bin/env bash
# Startup, restart and follow figures over a folder of many small S3 log files.
#   bench/sources.sh [LINES=10000000] [FILES=100000] [BUILD=build-rel] [STEPS=all|follow|reports]
# Generates LINES lines in FILES files under $S3TOP_BENCH_DIR (default /tmp/s3top-sources) and
# the same lines as one big file, warms the page cache, then prints wall time, CPU and peak RSS
# of: report over the big file, report over the folder (no state), a first run writing the
# state, a restart with nothing new, and the follow latency (a file renamed into the folder ->
# its lines in the JSON totals). Delete the data folder when done (~0.6 GB per million lines,
# twice).
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${1:-10000000}
FILES=${2:-100000}
BUILD=${3:-build-rel}
STEPS=${4:-all}
S3TOP=$BUILD/app/s3top
S3GEN=$BUILD/tools/s3gen
[ -x "$S3TOP" ] && [ -x "$S3GEN" ] || { echo "build $BUILD first (cmake -DCMAKE_BUILD_TYPE=Release)" >&2; exit 2; }
DATA=${S3TOP_BENCH_DIR:-/tmp/s3top-sources}/$LINES-$FILES
if [ ! -f "$DATA/.complete" ]; then
  rm -rf "$DATA"; mkdir -p "$DATA/one"
  "$S3GEN" --out "$DATA/logs" --lines "$LINES" --files "$FILES" --seed 11 --truth "$DATA/truth.json" >&2
  # The same lines in the order s3top reads the folder (sorted paths); no glob (argument list).
  (cd "$DATA/logs" && find . -type f -print0 | sort -z | xargs -0 cat) > "$DATA/one/all.log"
  touch "$DATA/.complete"
fi
BYTES=$(du -sb "$DATA/one" | cut -f1)
find "$DATA/logs" -type f -print0 | xargs -0 cat > /dev/null  # page cache
cat "$DATA/one/all.log" > /dev/null
# The state folder: fresh, or (STEPS=follow) $S3TOP_BENCH_STATE, one a first run already wrote.
if [ -n "${S3TOP_BENCH_STATE:-}" ]; then
  STATE=$S3TOP_BENCH_STATE
  trap 'rm -rf "$STATE".*' EXIT
else
  STATE=$(mktemp -d /tmp/s3top-sources-state.XXXXXX)
  trap 'rm -rf "$STATE" "$STATE".*' EXIT
fi

measure() {  # name command...
  local name=$1; shift
  /usr/bin/time -o "$STATE.time" -f '%e %U %S %M' "$@" >/dev/null 2>"$STATE.stderr" || { cat "$STATE.stderr" >&2; exit 1; }
  read -r secs user sys kb < "$STATE.time"
  awk -v n="$name" -v s="$secs" -v u="$user" -v y="$sys" -v kb="$kb" 'BEGIN {
    printf "%-44s %7.2f s wall %7.2f s cpu %7.0f MB peak RSS\n", n, s, u + y, kb / 1024 }'
}

if [ "$STEPS" = all ] || [ "$STEPS" = reports ]; then
echo "data: $LINES lines, $(awk -v b="$BYTES" 'BEGIN{printf "%.2f GB", b/1e9}'), $FILES files; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
measure "report --no-state: one big file" "$S3TOP" report --no-state --by org --format json "$DATA/one"
measure "report --no-state: $FILES files" "$S3TOP" report --no-state --by org --format json "$DATA/logs"
[ "$STEPS" = reports ] && exit 0
measure "report --state: first run (writes state)" "$S3TOP" report --state "$STATE" --by org --format json "$DATA/logs"
echo "state file: $(du -sm "$STATE" | cut -f1) MB"
measure "report --state: restart, nothing new" "$S3TOP" report --state "$STATE" --by org --format json "$DATA/logs"
measure "report --state: restart, nothing new (2)" "$S3TOP" report --state "$STATE" --by org --format json "$DATA/logs"
fi

# Follow latency: a new file written under a temp name, renamed into the folder; the time until
# a JSON report (printed every 50 ms) counts its lines. Five files, one at a time.
OUT=$(mktemp /tmp/s3top-sources-follow.XXXXXX)
"$S3TOP" report --follow --every 50ms --state "$STATE" --by org --format json "$DATA/logs" > "$OUT" 2>/dev/null &
PID=$!
read_count() { tail -1 "$OUT" 2>/dev/null | jq -r '.lines.read // empty' 2>/dev/null || true; }
for _ in $(seq 1 600); do [ -n "$(read_count)" ] && break; sleep 0.1; done
# The follower watches from before the listing, so a file renamed in right after the load is
# read by an event round at once (no full round first). S3TOP_BENCH_SETTLE waits before the
# first file (default 0: right after the first report).
sleep "${S3TOP_BENCH_SETTLE:-0}"
before=$(read_count)
for i in 1 2 3 4 5; do
  # New content (a copy of a file already read would rightly count nothing).
  rm -rf "$STATE.new"; "$S3GEN" --out "$STATE.new" --lines 200 --files 1 --seed $((1000 + i)) >/dev/null 2>&1
  find "$STATE.new" -type f -exec cat {} + > "$DATA/logs/.incoming.$i"
  t0=$(date +%s%N)
  mv "$DATA/logs/.incoming.$i" "$DATA/logs/zz-follow-$i.log"
  while true; do
    now=$(read_count)
    [ -n "$now" ] && [ "$now" -ge $((before + 200)) ] && break
    [ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 10000 ] && { echo "follow: no count after 10 s"; break; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  echo "follow: rename -> in totals: $(( (t1 - t0) / 1000000 )) ms (reports every 50 ms)"
  before=$((before + 200))
done
kill -TERM $PID; wait $PID || true
rm -f "$OUT" "$DATA"/logs/zz-follow-*.log
