#!/usr/bin/env bash
# End to end: s3://bucket/prefix as a PATH, against the S3 emulator s3rver (npm, installed by
# dev.sh under build/tools) on 127.0.0.1, the objects uploaded with the AWS CLI, every request
# through a small proxy (tests/support/s3stub.py) that counts the GETs and injects 5xx.
# Checks: the same report as from the same objects in a folder, over 2 listing pages (1,100
# objects), the cache laid out as aws s3 sync lays it out, objects outside the prefix never
# fetched, a re-run fetches only the new object, injected 503/500s are retried with exact
# totals, objects are parsed while later ones are fetched, kill -9 during the fetch then a
# re-run is exact, --follow sees a new object.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}" "${S3TOP_SOURCE_DIR:?}"
source "$S3TOP_SOURCE_DIR/tests/support/s3rver.sh"
s3rver_require
stub=$S3TOP_SOURCE_DIR/tests/support/s3stub.py

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${S3TOP_KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
s3rver_env "$work"

s3rver_start "$work" logs

proxy_port=""
start_proxy() {  # name fail-every delay: a proxy in front of s3rver, logging to $work/NAME.log
  local out=$work/$1.port
  python3 "$stub" proxy --upstream "http://127.0.0.1:$port" --fail-every "$2" --delay "$3" --log "$work/$1.log" \
    >"$out" 2>"$work/$1.err" &
  pids+=($!)
  for _ in $(seq 1 200); do [ -s "$out" ] && break; sleep 0.05; done
  proxy_port=$(head -1 "$out")
  [ -n "$proxy_port" ] || { cat "$work/$1.err"; echo "the proxy did not start"; exit 1; }
  touch "$work/$1.log"
}
gets() { grep -c "^GET /logs/$2.* 200$" "$work/$1.log" || true; }
report_s3() {  # proxy-port cache state [options...]
  local p=$1 cache=$2 state=$3
  shift 3
  "$S3TOP" report --format csv --exact --endpoint-url "http://127.0.0.1:$p" --cache "$cache" --state "$state" "$@" \
    s3://logs/access/
}
report_dir() { "$S3TOP" report --format csv --exact --no-state "$@"; }

# 1,100 objects (two listing pages), and one object outside the prefix.
"$S3GEN" --out "$work/src" --files 1100 --lines 4400 --seed 5 >/dev/null
s3 cp --recursive --quiet "$work/src" s3://logs/access/
cp "$(ls -d "$work"/src/* | head -1)" "$work/outside.log"
s3 cp --quiet "$work/outside.log" s3://logs/other/outside.log
s3 cp --quiet "$work/outside.log" s3://logs/accessory.log  # shares "access" but not "access/"
want=$(report_dir "$work/src")

# 1. The same report as from the folder; every object fetched once, none outside the prefix.
start_proxy plain 0 0
plain=$proxy_port
got=$(report_s3 "$plain" "$work/c1" "$work/st1")
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") | head; echo "s3:// report differs from the folder's"; exit 1; }
[ "$(gets plain access/)" = 1100 ] || { echo "first run: $(gets plain access/) GETs, want 1100"; exit 1; }
[ "$(grep -c 'list-type=2' "$work/plain.log")" = 2 ] || { echo "1,100 objects: want 2 listing pages"; exit 1; }
if grep -q -e '^GET /logs/other/' -e '^GET /logs/accessory' "$work/plain.log"; then
  echo "an object outside the prefix was fetched"; exit 1
fi
# Laid out as aws s3 sync lays it out: the same files, the same bytes.
aws --endpoint-url "http://127.0.0.1:$port" s3 sync --quiet s3://logs/access/ "$work/synced"
diff -r --exclude=.s3top-objects "$work/synced" "$work/c1" >/dev/null || { echo "cache layout differs from aws s3 sync"; exit 1; }
[ "$(report_dir "$work/synced")" = "$want" ] || { echo "the synced folder's report differs"; exit 1; }

# 2. A re-run fetches nothing; a new object is the only GET of the next one.
got=$(report_s3 "$plain" "$work/c1" "$work/st1")
[ "$got" = "$want" ] || { echo "re-run report differs"; exit 1; }
[ "$(gets plain access/)" = 1100 ] || { echo "re-run fetched again: $(gets plain access/) GETs"; exit 1; }
"$S3GEN" --out "$work/new" --files 1 --lines 40 --seed 77 --start 2024-03-04T00:00:00 --hours 1 >/dev/null
s3 cp --recursive --quiet "$work/new" s3://logs/access/
cp "$work"/new/* "$work/src/"
want=$(report_dir "$work/src")
got=$(report_s3 "$plain" "$work/c1" "$work/st1")
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") | head; echo "report after a new object differs"; exit 1; }
[ "$(gets plain access/)" = 1101 ] || { echo "a new object: $(gets plain access/) GETs in all, want 1101"; exit 1; }
# The re-run listed from the state's newest object less the margin, not from the start.
# (s3gen's objects span 2024-03-01..03; the margin is 6 hours.)
grep -q 'start-after=access%2F2024-03-02-' "$work/plain.log" || { echo "a re-run listed from the start"; exit 1; }

# 3. Every 4th GET answered 503 SlowDown or 500 InternalError: retried, totals exact.
start_proxy faulty 4 0
got=$(report_s3 "$proxy_port" "$work/c2" "$work/st2")
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") | head; echo "report with injected 5xx differs"; exit 1; }
injected=$(grep -c 'injected$' "$work/faulty.log" || true)
((injected > 100)) || { echo "only $injected 5xx injected"; exit 1; }

# 4. Objects are parsed as they land, while later ones are still being fetched: the state file
# holds batches (an empty one is 24 bytes) before the last GET. kill -9 then, and a re-run is
# exact.
start_proxy slow 0 0.05
"$S3TOP" report --format csv --exact --endpoint-url "http://127.0.0.1:$proxy_port" --cache "$work/c3" \
  --state "$work/st3" s3://logs/access/ >/dev/null 2>&1 &
victim=$!
state_size() { stat -c %s "$work"/st3/*.state 2>/dev/null || echo 0; }
parsed_at=""
for _ in $(seq 1 800); do
  if (($(state_size) > 24)); then parsed_at=$(gets slow access/); ((parsed_at >= 100)) && break; fi
  (($(gets slow access/) >= 1101)) && break
  sleep 0.05
done
kill -9 "$victim" 2>/dev/null || true
wait "$victim" 2>/dev/null || true
[ -n "$parsed_at" ] || { echo "nothing was parsed before the last of 1,101 objects was fetched"; exit 1; }
((parsed_at < 1101)) || { echo "parsing began only after every object was fetched"; exit 1; }
fetched=$(gets slow access/)
((fetched < 1101)) || { echo "kill -9 came after the last GET ($fetched)"; exit 1; }
got=$(report_s3 "$plain" "$work/c3" "$work/st3")
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") | head; echo "report after kill -9 differs"; exit 1; }

# 5. --follow lists again every --every and counts a new object.
total() { python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["totals"]["requests"])'; }
# The last whole line's totals (a line being written is not read half).
last_total() {
  python3 -c 'import json,sys; w=open(sys.argv[1]).read().split("\n")[:-1]; print(json.loads(w[-1])["totals"]["requests"] if w else "")' "$1"
}
"$S3TOP" report --follow --every 300ms --format json --endpoint-url "http://127.0.0.1:$plain" --cache "$work/c1" \
  --state "$work/st1" s3://logs/access/ >"$work/follow.jsonl" 2>"$work/follow.err" &
follower=$!
pids+=("$follower")
for _ in $(seq 1 400); do [ -s "$work/follow.jsonl" ] && break; sleep 0.05; done
"$S3GEN" --out "$work/new2" --files 1 --lines 30 --seed 78 --start 2024-03-05T00:00:00 --hours 1 >/dev/null
s3 cp --recursive --quiet "$work/new2" s3://logs/access/
cp "$work"/new2/* "$work/src/"
want_total=$("$S3TOP" report --format json --no-state "$work/src" | total)
seen=""
for _ in $(seq 1 600); do
  [ "$(last_total "$work/follow.jsonl")" = "$want_total" ] && { seen=1; break; }
  sleep 0.05
done
kill "$follower" 2>/dev/null || true
[ -n "$seen" ] || { cat "$work/follow.err"; echo "follow: totals $(last_total "$work/follow.jsonl"), want $want_total"; exit 1; }
echo "s3:// source: same report as the folder, 1,100 objects over 2 pages, re-run fetched 1, $injected 5xx retried, parsing began at GET $parsed_at of 1,101, kill -9 exact, follow saw the new object"
