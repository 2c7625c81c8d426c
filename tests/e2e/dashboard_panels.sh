#!/usr/bin/env bash
# End to end in tmux (#20 items 1, 2, 5, 7): every panel heads its columns; the org panel's
# cost of the top org is what `s3top bill` charges it for requests and transfer; r and s order
# the focused panel only; d on a panel with no other dimension says so; exact numbers cut no
# client IP and keep the share.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
work=$(mktemp -d)
sock="s3top-e2e-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$S3GEN" --out "$work/logs" --lines 3000 --files 4 --seed 5 >/dev/null
. "$(dirname "$0")/../support/e2e_tmux.sh"
tmux -L "$sock" new -d -s t -x 132 -y 43 "LANG=C.UTF-8 $S3TOP --no-follow --no-state $work/logs; echo EXITED-\$?; sleep 30"
fail() { echo "FAIL: $*"; screen; exit 1; }
wait_for " loaded  lines"
# Item 1: each panel's title line heads its columns.
wait_for "Org  ("
[[ $(screen | grep -c "Reqs    Sent▼ %sent\|Reqs   Sent▼ %sent\|Reqs  Sent▼ %sent") -ge 3 ]] || fail "panels without headings"
# Item 2 (and #16): the top org's cost is bill's amount over the range the dashboard shows, from
# its first record to just after its last: requests, transfer and storage so far.
range=$("$S3TOP" report --no-state --format json "$work/logs" 2>/dev/null | python3 -c '
import json, sys
from datetime import datetime, timedelta
t = json.load(sys.stdin)["time"]
last = datetime.strptime(t["last"], "%Y-%m-%dT%H:%M:%SZ") + timedelta(seconds=1)
print(t["first"].rstrip("Z"), last.strftime("%Y-%m-%dT%H:%M:%S"))')
read -r first after <<<"$range"
top=$("$S3TOP" bill --no-state --from "$first" --to "$after" --format json "$work/logs" 2>/dev/null | python3 -c '
import json, sys
periods = json.load(sys.stdin)["periods"]
sent, total = {}, {}
for p in periods:
    for g in p["groups"]:
        if g["key"] == "-":
            continue
        sent[g["key"]] = sent.get(g["key"], (0, 0))
        sent[g["key"]] = (sent[g["key"]][0] + g["bytes_sent"], sent[g["key"]][1] + g["requests"])
        total[g["key"]] = total.get(g["key"], 0) + g["charges_micros"]["total"]
org = max(sent, key=lambda k: sent[k])
assert any(p["storage"]["lines"] for p in periods if p.get("storage")), "no storage in the statement"
cents = (total[org] + 5000) // 10000
print(org, f"{cents // 100:,}.{cents % 100:02d}")')
read -r org cost <<<"$top"
wait_for "USD"
for ((i = 0; i < ${S3TOP_E2E_WAIT:-20} * 5; i++)); do
  screen | grep -E "^ $org +[0-9.k]+ +[0-9.]+ [KMGT]?i?B +$cost " >/dev/null && break
  sleep 0.2
done
screen | grep -E "^ $org +[0-9.k]+ +[0-9.]+ [KMGT]?i?B +$cost " >/dev/null || fail "$org does not cost $cost"
screen | grep -F "Cost " | grep -F "2024-03-01..2024-03-02" >/dev/null || fail "no period in the header"
# Item 7: r turns the focused (org) panel round; the others keep their order.
tmux -L "$sock" send-keys -t t r
wait_for "Sent▲"
[[ $(screen | grep -c "Sent▼") -ge 3 ]] || fail "r changed other panels"
tmux -L "$sock" send-keys -t t s
wait_for "Reqs▼"
tmux -L "$sock" send-keys -t t d
wait_for "Org has no other dimension to switch to"
# Item 5: exact numbers keep every client IP whole and the share.
tmux -L "$sock" send-keys -t t x
wait_for " B  "
screen | python3 -c '
import sys
lines = sys.stdin.read().split("\n")
at = next(i for i, l in enumerate(lines) if "Client IP" in l)
col = lines[at].index("Client IP")
rows = [l[col:].split() for l in lines[at + 1 : at + 6] if len(l) > col]
ips = [r[0] for r in rows if r]
assert ips and all("." in ip or ":" in ip for ip in ips), ips
assert not any("…" in ip for ip in ips), ips
' || fail "client IPs cut in exact mode"
[[ $(screen | grep -c "%sent") -ge 2 ]] || fail "the share dropped in exact mode"
tmux -L "$sock" send-keys -t t q
wait_for "EXITED-0"
echo "1 passed, 0 failed"
