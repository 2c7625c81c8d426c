#!/usr/bin/env bash
# `s3top storage` against `s3top report` over the same lines: EVENTS object-changing requests
# (PUTs, overwrites by another org, deletes, transitions, multipart parts and completions) over
# KEYS keys in one month, every line a successful object-changing request.
#   bench/storage.sh [EVENTS=10000000] [KEYS=1000000]
# S3TOP_BENCH_KEYS=scattered visits the keys of each round in a scattered order (key k*611953
# mod KEYS), so that consecutive events touch keys far apart in the tables. S3TOP_BENCH_GEN_ONLY=1
# writes the data and stops.
# Opt-in, never part of the tests. Generates once under $S3TOP_BENCH_DIR (default
# /tmp/s3top-storagebench; about 290 bytes a line), then times, with --no-state:
#   s3top report --by org        the reference (parse, intern, fold)
#   s3top storage --by org,class the same lines applied to the object table
# and prints each one's wall time and peak RSS, their ratio, and the object table's bytes per
# stored object (the peak RSS over report's, divided by the objects stored at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-10000000}
KEYS=${2:-1000000}
BUILD=build/release
[ -x $BUILD/app/s3top ] || ./dev.sh build >/dev/null
ORDER=${S3TOP_BENCH_KEYS:-ordered}
DATA=${S3TOP_BENCH_DIR:-/tmp/s3top-storagebench}/$EVENTS-$KEYS
[ "$ORDER" = ordered ] || DATA=$DATA-$ORDER
mkdir -p "$DATA"
if [ ! -f "$DATA/.generated" ]; then
  rm -rf "$DATA/logs" && mkdir -p "$DATA/logs"
  # Key k's events come in turn (event i is key i mod KEYS), a second apart over March 2024,
  # in 8 files of consecutive lines: per key put, overwrite, parts + complete, transition,
  # delete, then again.
  awk -v n="$EVENTS" -v keys="$KEYS" -v dir="$DATA/logs" -v scattered=$([ "$ORDER" = scattered ] && echo 1 || echo 0) 'BEGIN {
    split("REST.PUT.OBJECT REST.PUT.OBJECT REST.PUT.PART REST.POST.UPLOAD S3.TRANSITION_SIA.OBJECT REST.DELETE.OBJECT", ops, " ")
    split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", mon, " ")
    start = 1709251200  # 2024-03-01T00:00:00Z
    step = int(31 * 86400 / n); if (step < 1) step = 1
    per_file = int((n + 7) / 8)
    for (i = 0; i < n; i++) {
      k = i % keys; round = int(i / keys); op = ops[round % 6 + 1]
      if (scattered) k = (k * 611953) % keys
      t = start + int(i * (31 * 86400 - 1) / n)
      d = int((t - start) / 86400) + 1; s = (t - start) % 86400
      ts = sprintf("%02d/Mar/2024:%02d:%02d:%02d +0000", d, int(s / 3600), int(s % 3600 / 60), s % 60)
      org = "org-" (k + round) % 50
      size = 1000 + (k * 7919 + round * 104729) % 5000000
      q = "org=" org
      if (op == "REST.PUT.PART") q = q "&partNumber=1&uploadId=U" k
      if (op == "REST.POST.UPLOAD") q = q "&uploadId=U" k
      f = sprintf("%s/access-%d.log", dir, int(i / per_file))
      if (op ~ /^S3\./)
        printf "owner data [%s] - AmazonS3 R%d %s data/k%07d \"-\" - - - %d - - \"-\" \"-\" -\n", ts, i, op, k, size > f
      else
        printf "owner data [%s] 10.0.0.1 arn:aws:iam::1:user/u R%d %s data/k%07d \"PUT /data/data/k%07d?%s HTTP/1.1\" 200 - - %d 5 4 \"-\" \"ua\" -\n", ts, i, op, k, k, q, size > f
    }
  }'
  touch "$DATA/.generated"
fi
BYTES=$(du -sb "$DATA/logs" | cut -f1)
echo "$EVENTS object-changing lines over $KEYS keys ($ORDER), $((BYTES / 1000000)) MB, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
timed() {  # label command...: wall seconds and peak RSS (KiB) into $secs and $rss
  local label=$1 t0 t1
  shift
  t0=$(date +%s.%N)
  /usr/bin/time -f %M -o "$DATA/rss" "$@" >"$DATA/out" 2>"$DATA/err" || { cat "$DATA/err" >&2; return 1; }
  t1=$(date +%s.%N)
  secs=$(echo "$t1 - $t0" | bc)
  rss=$(cat "$DATA/rss")
  printf '%-36s %7.2f s  %6d MB peak RSS\n' "$label" "$secs" $((rss / 1024))
}
[ -n "${S3TOP_BENCH_GEN_ONLY:-}" ] && exit 0
timed "s3top report --by org" $BUILD/app/s3top report --no-state --by org "$DATA/logs"
report_s=$secs report_rss=$rss
timed "s3top storage --by org,class" $BUILD/app/s3top storage --no-state --month 2024-03 --by org,class \
  --format json "$DATA/logs"
objects=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["objects_end"])' "$DATA/out")
echo "storage / report: $(echo "scale=2; $secs / $report_s" | bc)x (aim: at most 2x)"
echo "objects stored at the end: $objects; storage's peak RSS over report's per object:" \
  "$(( (rss - report_rss) * 1024 / (objects > 0 ? objects : 1) )) bytes (keys, events and table together)"
