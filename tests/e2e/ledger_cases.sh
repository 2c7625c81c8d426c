#!/usr/bin/env bash
# End to end (#4): the ways a file comes back never inflate a total. A file re-synced longer
# (new inode), a .gz with a gzip member appended, two copies given together, a copy of a file
# that goes on growing, logrotate by rename, short partial copies found after the whole file;
# in separate runs with a state folder and while
# following. Every total must equal a --no-state report over the distinct content.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
work=$(mktemp -d)
pid=""
# A background job forked for `&` is this shell until it execs: a signal sent at once (the tests
# below do) can end it there, and it would run this trap and delete the work folder under the
# test. Only the script's own shell cleans up.
cleanup() {
  [[ $BASHPID -eq $$ ]] || return 0
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
totals() { python3 -c 'import json,sys; t=json.loads(sys.stdin.readline())["totals"]; print(t["requests"], t["bytes_sent"])'; }

"$S3GEN" --out "$work/src" --lines 8000 --files 4 --seed 31 --truth "$work/truth.json" >/dev/null
src=($(ls "$work/src"))
f() { echo "$work/src/${src[$1]}"; }
# first/rest LINES of a file
head_of() { head -n "$2" "$1"; }
rest_of() { tail -n +"$(($2 + 1))" "$1"; }
want=$("$S3TOP" report --no-state --format json "$work/src" | totals)

run_steps() {  # $1: logs folder; $2: a command run after each step (a report, or a wait)
  local logs=$1 after=$2
  mkdir -p "$logs"
  head_of "$(f 0)" 600 > "$logs/a.log"                 # a: half of f0 for now
  head_of "$(f 1)" 800 | gzip -c > "$logs/b.log.gz"    # b: a .gz that will get a member appended
  cp "$(f 2)" "$logs/c.log"                              # c: rotated by rename later
  $after
  # (a) re-synced longer: a new inode with the whole file
  cp "$(f 0)" "$logs/.a.log.sync" && mv "$logs/.a.log.sync" "$logs/a.log"
  # (b) a gzip member appended
  rest_of "$(f 1)" 800 | gzip -c >> "$logs/b.log.gz"
  # (e) two copies of one file at once
  cp "$(f 2)" "$logs/c-copy1.log"; cp "$(f 2)" "$logs/c-copy2.log"
  $after
  # (d) logrotate by rename: c.log -> c.log.1, a new c.log that grows
  mv "$logs/c.log" "$logs/c.log.1"
  head_of "$(f 3)" 300 > "$logs/c.log"
  $after
  # (c) a copy of the growing file, then it grows past the copy
  cp "$logs/c.log" "$logs/d-copy.log"
  head_of "$(f 3)" 500 | tail -n +301 >> "$logs/c.log"
  $after
  rest_of "$(f 3)" 500 >> "$logs/c.log"
  cat "$logs/c.log" > "$logs/.d.tmp" && mv "$logs/.d.tmp" "$logs/d-copy.log"  # the copy catches up
  $after
  # (f) short partial copies (under 1 KiB) of a file counted before them
  head_of "$(f 0)" 1 > "$logs/e-part.log"
  head_of "$(f 1)" 2 | gzip -c > "$logs/e-part.log.gz"
  $after
}

# 1. separate runs with a state folder: never above the truth, exact at the end and after
report() {
  local got
  got=$("$S3TOP" report --state "$work/state" --format json "$work/logs" | totals)
  python3 -c 'import sys; g=list(map(int,sys.argv[1].split())); w=list(map(int,sys.argv[2].split())); sys.exit(0 if g[0]<=w[0] and g[1]<=w[1] else 1)' "$got" "$want" \
    || { echo "runs: $got above the truth $want"; exit 1; }
  echo "$got" > "$work/last"
}
run_steps "$work/logs" report
[ "$(cat "$work/last")" = "$want" ] || { echo "runs: ended at $(cat "$work/last"), want $want"; exit 1; }
got=$("$S3TOP" report --state "$work/state" --format json "$work/logs" | totals)
[ "$got" = "$want" ] || { echo "restart: $got, want $want"; exit 1; }
got=$("$S3TOP" report --no-state --format json "$work/logs" | totals)
[ "$got" = "$want" ] || { echo "one run without state over the end result: $got, want $want"; exit 1; }
echo "runs with state: exact ($want)"

# 2. the same while following: every report line at or under the truth, the last one exact
mkdir -p "$work/flogs"
"$S3TOP" report --follow --every 100ms --format json --state "$work/fstate" "$work/flogs" > "$work/out.jsonl" 2> "$work/follow.err" &
pid=$!
settle() { sleep 0.4; }
run_steps "$work/flogs" settle
# Bounded by time, not by rounds of this loop (a loaded machine makes each one slow); either
# way out comes what went wrong, not a ctest timeout.
seen=""
deadline=$((SECONDS + 120))
while [ $SECONDS -lt $deadline ]; do
  got=$(tail -1 "$work/out.jsonl" | totals)
  [ "$got" = "$want" ] && { seen=1; break; }
  sleep 0.2
done
kill -INT "$pid"
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
  echo "follow: s3top still running 30 s after SIGINT"; kill -9 "$pid"; cat "$work/follow.err"; exit 1
fi
wait "$pid" || true; pid=""
[ -n "$seen" ] || { echo "follow: ended at $got, want $want (after $((SECONDS - deadline + 120)) s)"; cat "$work/follow.err"; ls -la "$work/flogs"; exit 1; }
python3 - "$work/out.jsonl" "$want" <<'PY'
import json, sys
w = list(map(int, sys.argv[2].split()))
for l in open(sys.argv[1]):
    t = json.loads(l)["totals"]
    assert t["requests"] <= w[0] and t["bytes_sent"] <= w[1], (t, w)
PY
got=$("$S3TOP" report --state "$work/fstate" --format json "$work/flogs" | totals)
[ "$got" = "$want" ] || { echo "restart after follow: $got, want $want"; exit 1; }
echo "follow: exact ($want), never above"
echo "1 passed, 0 failed"
