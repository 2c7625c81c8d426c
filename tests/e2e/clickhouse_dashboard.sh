#!/usr/bin/env bash
# End to end (#18, the dashboard over ClickHouse): `s3top clickhouse://...` in tmux, over a real
# two-shard cluster (tests/support/clickhouse_cluster.sh), shows the same line counts, totals,
# chart and panels as the local dashboard over the logs that were ingested, with exact numbers,
# unfiltered and under a filter typed at the prompt; a filter term ClickHouse cannot be sent is
# refused in the header naming the term; a stopped shard is one line in the header, the last
# numbers stay and the dashboard goes on; the header says where the records are and when they
# were polled.
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
"$S3GEN" --out "$work/logs" --lines 20000 --files 8 --garbage-permille 5 --seed 33 >/dev/null
"$S3TOP" ingest --quiet --state "$work/state" --to "$url" "$work/logs" >/dev/null 2>"$work/err" ||
  fail "ingest: $(cat "$work/err")"

# What both screens must show alike: the header's line counts, the totals (without the local
# running cost: bill's storage is not made from ClickHouse), and everything from the chart
# down, the org panel's rows by their org, requests and bytes (its cost columns are local only).
same_part() {
  sed -n '1p' | grep -oE 'lines [0-9,]+ +parsed [0-9,]+ +rejected [0-9,]+( +ignored [0-9,]+)?'
}
totals() { grep -E '^ +Requests ' | sed -E 's/ +Cost .*//'; }
below() {
  python3 -c '
import re, sys
lines = sys.stdin.read().rstrip("\n").split("\n")[:-1]  # not the hint line: messages come and go
start = next((i for i, l in enumerate(lines) if " per " in l), len(lines))
out, org = [], None
for l in lines[start:]:
    if re.match(r" Org  \(", l):
        titles = list(re.finditer(r"(?:^ |  )((?:\S+ )*\S+  \([0-9,]+\))", l))
        org = titles[1].start(1) if len(titles) > 1 else len(l)
    elif org is not None and (not l.strip() or re.match(r"^ \S.*  \([0-9,]+\)", l)):
        org = None
    out.append(" ".join(l[:org].split()[:4]) + " | " + l[org:] if org is not None else l)
print("\n".join(out))'
}
start() {  # socket command...
  local s=$1
  shift
  tmux -L "$s" new -d -s t -x 160 -y 50 "LANG=C.UTF-8 $*; echo EXITED-\$?; sleep 60"
}

start "$local_sock" "$S3TOP" --no-follow --no-state "$work/logs"
start "$ch_sock" "$S3TOP" --every 1s "'$url'"
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
compare() {  # what: both screens show the same numbers
  local l c i
  for ((i = 0; i < ${S3TOP_E2E_WAIT:-20} * 5; i++)); do
    sock=$local_sock; l=$(screen)
    sock=$ch_sock; c=$(screen)
    [[ $(same_part <<<"$l") == "$(same_part <<<"$c")" && $(totals <<<"$l") == "$(totals <<<"$c")" ]] &&
      [[ $(below <<<"$l") == "$(below <<<"$c")" ]] && return 0
    sleep 0.2
  done
  diff <(below <<<"$l") <(below <<<"$c") >&2 || true
  fail "$1: the dashboard over ClickHouse differs from the local one"
}
compare "unfiltered"
[[ -n $(totals <<<"$(screen)") ]] || fail "no totals line"

# A filter typed at the prompt: the same translation as report's.
for s in "$local_sock" "$ch_sock"; do
  tmux -L "$s" send-keys -t t / 'status!=200 key~mp4' Enter
done
sock=$ch_sock
wait_for "Filter status!=200 key~mp4"
compare "status!=200 key~mp4"

# A term ClickHouse cannot be sent: the header says which; the numbers shown stay.
tmux -L "$ch_sock" send-keys -t t / 'hour=3' Enter
sock=$ch_sock
wait_for "the filter term on hour cannot be sent to ClickHouse"
tmux -L "$ch_sock" send-keys -t t u
sleep 1
compare "the filter undone"

# A stopped shard: one line in the header, the dashboard goes on and quits with 0.
ch_stop_one 2
wait_for "ClickHouse at 127.0.0.1:${CH_HTTP[0]} "
screen | grep -qE '^ +Requests ' || fail "the numbers went with the shard"
tmux -L "$ch_sock" send-keys -t t q
wait_for "EXITED-0"
echo "ok: the dashboard over ClickHouse shows what the local one shows"
