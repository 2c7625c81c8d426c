#!/usr/bin/env bash
# Replay end to end. Headless: `report --replay` gives exactly `report`'s output, and with
# --every its interval reports grow to it. In tmux: the dashboard's header says replay and the
# speed; space pauses (numbers stop), . steps (numbers move, still paused), + reaches max,
# space resumes, and when it is done the header's totals equal the report's.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
work=$(mktemp -d)
sock="s3top-e2e-replay-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# 8 objects over 6 hours whose time windows overlap, with garbage lines (rejects).
"$S3GEN" --out "$work/logs" --lines 20000 --files 8 --hours 6 --seed 11 --garbage-permille 10 >/dev/null
fail() { echo "FAIL: $*"; exit 1; }

# --- headless -----------------------------------------------------------------------------
want=$("$S3TOP" report --no-state --by org,status --format json "$work/logs")
got=$("$S3TOP" report --replay --by org,status --format json "$work/logs")
[ "$got" = "$want" ] || fail "report --replay differs from report"
"$S3TOP" report --replay --speed 7200 --every 250ms --format json "$work/logs" > "$work/every.jsonl"
want=$("$S3TOP" report --no-state --format json "$work/logs")
python3 - "$work/every.jsonl" "$want" <<'EOF' || fail "report --replay --every"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = json.loads(sys.argv[2])
assert len(lines) >= 3, f"only {len(lines)} reports"
reqs = [l["totals"]["requests"] for l in lines]
assert reqs == sorted(reqs), reqs            # played forward only
assert len(set(reqs)) >= 3, reqs             # it animated
assert lines[-1] == want, "last report differs from report"
for l in lines:                               # every line is counted or rejected, at every point
    assert l["lines"]["read"] == l["lines"]["parsed"] + l["lines"]["rejected"] + l["lines"]["ignored"], l["lines"]
EOF
if "$S3TOP" report --replay --follow "$work/logs" 2>"$work/err"; then fail "--replay --follow accepted"; fi
grep -q "cannot be combined" "$work/err" || fail "no reason for --replay --follow: $(cat "$work/err")"
# --speed or --every alone would do nothing: refused with the missing option named
if "$S3TOP" report --speed 60 "$work/logs" >/dev/null 2>"$work/err"; then fail "--speed without --replay accepted"; fi
grep -q "add --replay" "$work/err" || fail "no reason for --speed alone: $(cat "$work/err")"
if "$S3TOP" report --every 1s "$work/logs" >/dev/null 2>"$work/err"; then fail "--every alone accepted"; fi
grep -q "add --follow or --replay" "$work/err" || fail "no reason for --every alone: $(cat "$work/err")"

# --- dashboard in tmux --------------------------------------------------------------------
command -v tmux >/dev/null || { echo "tmux not installed: dashboard part skipped"; exit 77; }
. "$(dirname "$0")/../support/e2e_tmux.sh"
tmux -L "$sock" new -d -s t -x 160 -y 40 "LANG=C.UTF-8 $S3TOP --replay --speed 300 $work/logs; echo EXITED-\$?; sleep 30"
header() { screen | head -1; }
lines_shown() { header | sed -n 's/.*lines \([0-9,]*\).*/\1/p'; }
wait_for "replay ▶ 300x"
tmux -L "$sock" send-keys -t t x   # exact numbers
wait_for "Requests "
tmux -L "$sock" send-keys -t t ' '
wait_for "300x paused"
sleep 0.5
a=$(lines_shown)
sleep 1.5
b=$(lines_shown)
[ -n "$a" ] && [ "$a" = "$b" ] || fail "lines moved while paused: $a -> $b"
tmux -L "$sock" send-keys -t t .
for _ in $(seq 1 50); do [ "$(lines_shown)" != "$a" ] && break; sleep 0.2; done
c=$(lines_shown)
[ "$c" != "$a" ] || fail "a step played nothing"
header | grep -qF "paused" || fail "not paused after a step: $(header)"
for _ in 1 2 3 4 5 6 7 8 9 10; do tmux -L "$sock" send-keys -t t +; done
wait_for "max paused"
tmux -L "$sock" send-keys -t t ' '
wait_for "replay done"
json=$("$S3TOP" report --no-state --format json "$work/logs")
read -r req read_ rej < <(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print("{:,} {:,} {:,}".format(j["totals"]["requests"], j["lines"]["read"], j["lines"]["rejected"]))' "$json")
wait_for "Requests $req "
header | grep -qF "lines $read_ " || fail "header lines != $read_: $(header)"
header | grep -qF "rejected $rej" || fail "header rejected != $rej: $(header)"
tmux -L "$sock" send-keys -t t q
wait_for "EXITED-0"
echo "1 passed, 0 failed"
