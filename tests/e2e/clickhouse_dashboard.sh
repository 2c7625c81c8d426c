#!/usr/bin/env bash
# End to end (#18, the dashboard over ClickHouse): `s3top clickhouse://...` in tmux, over a real
# two-shard cluster (tests/support/clickhouse_cluster.sh), shows the same line counts, totals
# with the running cost (storage included), chart and panels (the org panel's cost and stored
# bytes, the Stored panel) as the local dashboard over the logs that were ingested, with exact
# numbers, unfiltered and under a filter typed at the prompt; the org picker lists the same
# orgs with the same numbers; the problems view the same counts by reason, and says that the
# rejected lines' text is not in ClickHouse; `w` writes the same JSON file; the key panel's
# cut at its 500th row, groups tied there and keys shown alike once decoded, has the same rows. A filter term
# ClickHouse cannot be sent is refused in the header naming the term; a stopped shard is one
# line in the header, the last numbers stay and the dashboard goes on; the header says where
# the records are and when they were polled.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}" "${S3TOP_SOURCE_DIR:?}"
source "$S3TOP_SOURCE_DIR/tests/support/clickhouse_cluster.sh"
ch_require
command -v tmux >/dev/null || { echo "skipped: no tmux"; exit 77; }

work=$(mktemp -d)
local_sock="s3top-e2e-chl-$$"
ch_sock="s3top-e2e-chc-$$"
trap 'tmux -L "$local_sock" kill-server 2>/dev/null || true; tmux -L "$ch_sock" kill-server 2>/dev/null || true
      ch_stop; [ -n "${S3TOP_KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
sock=$local_sock
. "$S3TOP_SOURCE_DIR/tests/support/e2e_tmux.sh"
fail() { echo "FAIL: $*" >&2; screen >&2; exit 1; }

ch_start "$work/ch"
ch_schema logs
url="clickhouse://127.0.0.1:${CH_HTTP[0]},127.0.0.1:${CH_HTTP[1]}/logs?table=s3top_records"
"$S3GEN" --out "$work/logs/traffic" --lines 20000 --files 8 --garbage-permille 5 --seed 33 >/dev/null
# Objects put, copied, deleted and moved over March: what the cost's storage and the Stored
# panel are made of.
"$S3GEN" --out "$work/logs/storage" --storage-objects 400 --files 4 --seed 34 >/dev/null
# Keys for the key panel's cut at its 500th row (under prefix:1=hot,cut): 480 keys asked ten
# times each, then 23 asked nine times, the 500th among them, some shown alike once decoded
# (%41 and A; a%2Bb, a%2bb and a+b; %7A and z): by requests the 500th row is the second a+b
# (a%2bb: tied groups go by the value shown, then as logged), fewest first it is a hot/ key.
python3 - "$work/logs/traffic" <<'PY'
import os, sys
d = sys.argv[1]
f = open(os.path.join(d, sorted(os.listdir(d))[0]), "rb").read().split(b"\n")[0].split(b" ")
cut = [b"cut/%02d" % i for i in range(16)] + [b"cut/%41", b"cut/A", b"cut/a%2Bb", b"cut/a%2bb", b"cut/a+b", b"cut/%7A", b"cut/z"]
lines = []
for k, n in [(b"hot/%03d" % i, 10) for i in range(480)] + [(k, 9) for k in cut]:
    for _ in range(n):
        f[8], f[14] = k, b"1000"
        lines.append(b" ".join(f))
open(os.path.join(d, "2024-03-01-09-59-59-CUT0000000000"), "wb").write(b"\n".join(lines) + b"\n")
PY
"$S3TOP" ingest --quiet --state "$work/state" --to "$url" "$work/logs" >/dev/null 2>"$work/err" ||
  fail "ingest: $(cat "$work/err")"

# What both screens must show alike: the header's line counts, the totals with the running
# cost, and everything from the chart down (the org panel with its cost and stored bytes, the
# Stored panel).
same_part() {
  sed -n '1p' | grep -oE 'lines [0-9,]+ +parsed [0-9,]+ +rejected [0-9,]+( +ignored [0-9,]+)?'
}
totals() { grep -E '^ +Requests '; }
below() {  # not the hint line: messages come and go
  python3 -c '
import sys
lines = sys.stdin.read().rstrip("\n").split("\n")[:-1]
start = next((i for i, l in enumerate(lines) if " per " in l), len(lines))
print("\n".join(lines[start:]))'
}
start() {  # socket folder command...: run in its own folder (where `w` writes)
  local s=$1 dir=$2
  shift 2
  mkdir -p "$dir"
  tmux -L "$s" new -d -s t -x 160 -y 50 -c "$dir" "LANG=C.UTF-8 $*; echo EXITED-\$?; sleep 60"
}

panels="org,stored,operation,status,key"
start "$local_sock" "$work/at-local" "$S3TOP" --no-follow --no-state --panels "$panels" "$work/logs"
start "$ch_sock" "$work/at-ch" "$S3TOP" --every 1s --panels "$panels" "'$url'"
sock=$local_sock
wait_for " loaded  lines"
tmux -L "$sock" send-keys -t t x
wait_for "Requests "
sleep 0.5
sock=$ch_sock
wait_for " polling "
wait_for ", polled "
screen | grep -qF "clickhouse://127.0.0.1:${CH_HTTP[0]},127.0.0.1:${CH_HTTP[1]}/logs?table=s3top_records" ||
  fail "the header does not say where the records are"
tmux -L "$sock" send-keys -t t x
compare() {  # what [ERE]: both screens show the same numbers (once both match ERE)
  local l c i ready=${2:-.}
  for ((i = 0; i < ${S3TOP_E2E_WAIT:-20} * 5; i++)); do
    sock=$local_sock; l=$(screen)
    sock=$ch_sock; c=$(screen)
    # The running cost and the Stored panel come from a thread of their own: equal once both
    # have them.
    [[ $(totals <<<"$l") == *" Cost "* && $(totals <<<"$c") == *" Cost "* ]] &&
      grep -qE -- "$ready" <<<"$l" && grep -qE -- "$ready" <<<"$c" &&
      [[ $(same_part <<<"$l") == "$(same_part <<<"$c")" && $(totals <<<"$l") == "$(totals <<<"$c")" ]] &&
      [[ $(below <<<"$l") == "$(below <<<"$c")" ]] && return 0
    sleep 0.2
  done
  diff <(below <<<"$l") <(below <<<"$c") >&2 || true
  fail "$1: the dashboard over ClickHouse differs from the local one"
}
# compare() waits for the running cost on both screens; a later read could catch a poll's
# recompute (no cost shown meanwhile), so what else is checked is waited for too.
compare "unfiltered" ' Stored: org  \([1-9]'
wait_for_re '^ Org .* Stored '
wait_for_re ' Stored: org  \([1-9]'

# The org picker: the same orgs with the same numbers.
picker() { screen | sed -n '2,$p' | sed '$d'; }
for s in "$local_sock" "$ch_sock"; do tmux -L "$s" send-keys -t t o; done
sock=$ch_sock
wait_for "Pick an org"
for ((i = 0; i < 50; i++)); do
  sock=$local_sock; l=$(picker)
  sock=$ch_sock; c=$(picker)
  [[ $l == "$c" ]] && break
  sleep 0.2
done
[[ $l == "$c" ]] || { diff <(echo "$l") <(echo "$c") >&2; fail "the org pickers differ"; }
for s in "$local_sock" "$ch_sock"; do tmux -L "$s" send-keys -t t Escape; done

# The problems view: the same counts by reason; over ClickHouse, why the lines' text is not shown.
for s in "$local_sock" "$ch_sock"; do tmux -L "$s" send-keys -t t p; done
sock=$ch_sock
wait_for "the rejected lines' text is not sent to ClickHouse"
counts() { screen | grep -E '^ *│? *(Rejected|Ignored) ' | head -2; }
c=$(counts)
sock=$local_sock
wait_for "Rejected lines, newest first"
[[ $(counts) == "$c" && -n $c ]] || fail "the problems' counts differ: [$(counts)] locally, [$c] over ClickHouse"
for s in "$local_sock" "$ch_sock"; do tmux -L "$s" send-keys -t t Escape; done

# `w` then `j`: the org panel's view as JSON, the same bytes as the local dashboard's file.
for s in "$local_sock" "$ch_sock"; do tmux -L "$s" send-keys -t t w j; done
sock=$ch_sock
wait_for "wrote s3top-view-"
sock=$local_sock
wait_for "wrote s3top-view-"
lf=$(ls "$work"/at-local/s3top-view-*.json) cf=$(ls "$work"/at-ch/s3top-view-*.json)
cmp "$lf" "$cf" || fail "the exported views differ: $(diff "$lf" "$cf" | head -5)"

# A filter typed at the prompt: the same translation as report's.
for s in "$local_sock" "$ch_sock"; do
  tmux -L "$s" send-keys -t t / 'status!=200 key~mp4' Enter
done
sock=$ch_sock
wait_for "Filter status!=200 key~mp4"
compare "status!=200 key~mp4"  # the running cost on both screens under the filter included

# A term ClickHouse cannot be sent: the header says which; the numbers shown stay.
tmux -L "$ch_sock" send-keys -t t / 'hour=3' Enter
sock=$ch_sock
wait_for "the filter term on hour cannot be sent to ClickHouse"
tmux -L "$ch_sock" send-keys -t t u
sleep 1
compare "the filter undone"

# The key panel's cut at its 500th row, by requests (ties at the cut, keys shown alike once
# decoded) and smallest first: expanded and scrolled to its end, the same rows on both screens.
whole() { screen | sed -n '2,$p' | sed '$d'; }
compare_whole() {  # what
  local l c i
  for ((i = 0; i < ${S3TOP_E2E_WAIT:-20} * 5; i++)); do
    sock=$local_sock; l=$(whole)
    sock=$ch_sock; c=$(whole)
    [[ $l == "$c" && $l == *"$2"* ]] && return 0
    sleep 0.2
  done
  diff <(echo "$l") <(echo "$c") >&2 || true
  fail "$1: the key panel over ClickHouse differs from the local one"
}
for s in "$local_sock" "$ch_sock"; do
  tmux -L "$s" send-keys -t t / C-u 'prefix:1=hot,cut' Enter
  tmux -L "$s" send-keys -t t Tab Tab Tab Tab s e
done
compare_whole "the key panel by requests" "by requests"
for s in "$local_sock" "$ch_sock"; do tmux -L "$s" send-keys -t t End; done
compare_whole "the key panel's last rows by requests" "cut/a+b"
sock=$ch_sock
[[ $(screen | grep -cE '^ cut/a\+b +9 ') == 2 && $(screen | grep -c 'cut/z') == 0 ]] ||
  fail "by requests, the first 500 rows end with two of the three cut/a+b groups"
for s in "$local_sock" "$ch_sock"; do tmux -L "$s" send-keys -t t Home r; done
compare_whole "the key panel, fewest requests first" "Requests▲"
for s in "$local_sock" "$ch_sock"; do tmux -L "$s" send-keys -t t End; done
compare_whole "the key panel's last rows, fewest requests first" "hot/476"
screen | grep -q 'hot/477' && fail "fewest first, the first 500 rows end at hot/476"
for s in "$local_sock" "$ch_sock"; do tmux -L "$s" send-keys -t t r s s e u; done

# A stopped shard: one line in the header, the dashboard goes on and quits with 0.
ch_stop_one 2
wait_for "ClickHouse at 127.0.0.1:${CH_HTTP[0]} "
screen | grep -qE '^ +Requests ' || fail "the numbers went with the shard"
tmux -L "$ch_sock" send-keys -t t q
wait_for "EXITED-0"
echo "ok: the dashboard over ClickHouse shows what the local one shows"
