#!/usr/bin/env bash
# Side-by-side throughput of s3top and GoAccess on the same generated S3 logs.
#   bench/compare.sh [LINES=2000000] [FILES=1200]
# Generates data under /tmp (never in the repo), builds Release if needed, runs each tool
# once warm (data in page cache), prints lines/s, MB/s and peak RSS for both.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${1:-2000000}
FILES=${2:-1200}
DATA=${S3TOP_BENCH_DIR:-/tmp/s3top-bench}/$LINES-$FILES
BUILD=build/release
[ -x $BUILD/app/s3top ] || ./dev.sh build >/dev/null
if [ ! -f "$DATA/.complete" ]; then
  rm -rf "$DATA"; mkdir -p "$DATA"
  $BUILD/tools/s3gen --out "$DATA/logs" --lines "$LINES" --files "$FILES" --seed 7 --truth "$DATA/truth.json" >&2
  touch "$DATA/.complete"
fi
BYTES=$(du -sb "$DATA/logs" | cut -f1)
cat "$DATA"/logs/* > /dev/null  # warm the page cache for both tools

measure() {  # name command...
  local name=$1; shift
  local out; out=$( { /usr/bin/time -f '%e %M' "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1 )
  local secs=${out% *} kb=${out#* }
  awk -v n="$name" -v s="$secs" -v kb="$kb" -v lines="$LINES" -v bytes="$BYTES" 'BEGIN {
    printf "%-34s %8.2f s %12.0f lines/s %8.1f MB/s %8.0f MB peak RSS\n", n, s, lines / s, bytes / s / 1e6, kb / 1024 }'
}

echo "data: $LINES lines, $(awk -v b="$BYTES" 'BEGIN{printf "%.2f GB", b/1e9}'), $FILES files; $(nproc) cores"
measure "s3top report --by org" $BUILD/app/s3top report --by org --format json -o /tmp/s3top-bench-out.json "$DATA/logs"
measure "s3top report --by org,status,hour" $BUILD/app/s3top report --by org,status,hour --format json -o /tmp/s3top-bench-out2.json "$DATA/logs"
if command -v goaccess >/dev/null; then
  measure "goaccess --log-format=AWSS3 (json)" bash -c "cat '$DATA'/logs/* | goaccess - --log-format=AWSS3 -o /tmp/goaccess-bench.json --no-progress"
else
  echo "goaccess not installed (apt-get install goaccess) - skipped"
fi
if [ ! -x $BUILD/bench/s3top_bench ]; then  # the benchmarks are opt-in
  cmake -S . -B $BUILD -DS3TOP_BUILD_BENCH=ON >/dev/null && cmake --build $BUILD --target s3top_bench -j2 >/dev/null
fi
$BUILD/bench/s3top_bench --benchmark_filter='BM_Parse|BM_FilterChange' 2>/dev/null | grep -E '^BM_' || true
