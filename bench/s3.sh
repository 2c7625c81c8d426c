#!/usr/bin/env bash
# s3:// against `aws s3 sync`: listing and reading OBJECTS log objects (~60 MB for 10,000)
# from the local S3 emulator (s3rver, installed by ./dev.sh test under build/tools).
#   bench/s3.sh [OBJECTS=10000] [LINES=100000]
# Opt-in, never part of the tests. Generates and uploads once under $S3TOP_BENCH_DIR (default
# /tmp/s3top-s3bench), then times, each from an empty folder:
#   s3top report s3://...      list + fetch (16 in flight) + parse + report, --no-state
#   aws s3 sync s3://... DIR   list + copy only (the step s3top replaces)
#   s3top report DIR           reading the synced folder, for reference
# and a second s3top run with nothing new (list only).
set -euo pipefail
cd "$(dirname "$0")/.."
OBJECTS=${1:-10000}
LINES=${2:-100000}
BUILD=build/release
[ -x $BUILD/app/s3top ] || ./dev.sh build >/dev/null
S3RVER=build/tools/node_modules/.bin/s3rver
[ -x "$S3RVER" ] || { echo "bench/s3.sh: no $S3RVER (run ./dev.sh test once)" >&2; exit 1; }
DATA=${S3TOP_BENCH_DIR:-/tmp/s3top-s3bench}/$OBJECTS-$LINES
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ep=http://127.0.0.1:$port
mkdir -p "$DATA"
NODE_OPTIONS=--openssl-legacy-provider "$S3RVER" -d "$DATA/s3data" -a 127.0.0.1 -p "$port" --configure-bucket logs \
  --silent >"$DATA/s3rver.log" 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$DATA/run"' EXIT
for _ in $(seq 1 200); do curl -s -o /dev/null "$ep/" && break; sleep 0.05; done
if [ ! -f "$DATA/.uploaded" ]; then
  rm -rf "$DATA/logs"
  $BUILD/tools/s3gen --out "$DATA/logs" --files "$OBJECTS" --lines "$LINES" --seed 11 >&2
  aws --endpoint-url "$ep" s3 cp --recursive --quiet "$DATA/logs" s3://logs/access/
  touch "$DATA/.uploaded"
fi
BYTES=$(du -sb "$DATA/logs" | cut -f1)
echo "$OBJECTS objects, $((BYTES / 1000000)) MB, emulator on 127.0.0.1, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
timed() {  # label command...: wall seconds and peak RSS
  local label=$1 t0 t1 rss
  shift
  t0=$(date +%s.%N)
  /usr/bin/time -f %M -o "$DATA/rss" "$@" >/dev/null 2>"$DATA/err" || { cat "$DATA/err" >&2; return 1; }
  t1=$(date +%s.%N)
  rss=$(cat "$DATA/rss")
  printf '%-44s %6.2f s  %5d MB peak RSS\n' "$label" "$(echo "$t1 - $t0" | bc)" $((rss / 1024))
}
rm -rf "$DATA/run" && mkdir -p "$DATA/run"
timed "s3top report s3://logs/access/ (all new)" $BUILD/app/s3top report --no-state --endpoint-url "$ep" \
  --cache "$DATA/run/cache" s3://logs/access/
timed "s3top report s3://logs/access/ (nothing new)" $BUILD/app/s3top report --no-state --endpoint-url "$ep" \
  --cache "$DATA/run/cache" s3://logs/access/
timed "aws s3 sync s3://logs/access/ DIR" aws --endpoint-url "$ep" s3 sync --quiet s3://logs/access/ "$DATA/run/synced"
timed "s3top report DIR (the synced folder)" $BUILD/app/s3top report --no-state "$DATA/run/synced"
