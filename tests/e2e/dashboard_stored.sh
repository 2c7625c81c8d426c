#!/usr/bin/env bash
# End to end in tmux (#16): the Stored panel (--panels stored,...) shows, per org, the bytes and
# objects `s3top storage` says are stored at the end of the range; Enter on the top org shows
# its buckets, each as storage says; `m` twice charts bytes stored, each column what was stored
# at its end: its peak is at least what is stored at the end and at most storage's peak_bytes.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
work=$(mktemp -d)
sock="s3top-e2e-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$S3GEN" --out "$work/logs" --storage-objects 2000 --seed 11 >/dev/null
# What `storage` says is stored once every event is applied (the dashboard's range ends after
# its last record): the top org's bytes and objects, its buckets', and all bytes, grouped as
# the dashboard writes them in exact mode.
read -r top top_bytes top_objects buckets total peak < <("$S3TOP" storage --no-state --from 2024-01-01 --to 2025-01-01 \
  --by org,bucket --format json "$work/logs" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
orgs, buckets = {}, {}
for g in d["groups"]:
    org, bucket = g["key"]
    b, o = int(g["bytes_end"]), int(g["objects_end"])
    orgs[org] = (orgs.get(org, (0, 0))[0] + b, orgs.get(org, (0, 0))[1] + o)
    buckets.setdefault(org, {})[bucket] = b
top = sorted(orgs, key=lambda k: (-orgs[k][0], k))[0]
fmt = lambda n: f"{n:,}"
bs = ";".join(f"{k}={fmt(v)}" for k, v in sorted(buckets[top].items()) if v)
print(top, fmt(orgs[top][0]), fmt(orgs[top][1]), bs, fmt(sum(v[0] for v in orgs.values())), int(d["totals"]["peak_bytes"]))')
[[ -n $top && -n $total ]] || { echo "FAIL: no storage figures"; exit 1; }
. "$(dirname "$0")/../support/e2e_tmux.sh"
tmux -L "$sock" new -d -s t -x 160 -y 45 "LANG=C.UTF-8 $S3TOP --no-follow --no-state --panels stored,org $work/logs; echo EXITED-\$?; sleep 30"
fail() { echo "FAIL: $*"; screen; exit 1; }
wait_for " loaded  lines"
wait_for "Stored: org"
tmux -L "$sock" send-keys -t t x
# The Stored panel fills once the costs thread has answered ("Stored: org (0)" until then).
wait_for_re "^ $top +[0-9,]+ B "
row=$(screen | grep -m1 -E "^ $top +[0-9,]+ B " || true)
[[ -n $row ]] || fail "the Stored panel's top row is not $top"
[[ $row == *" $top_bytes B "* ]] || fail "$top: the panel says [$row], storage says $top_bytes B"
[[ $row == *" $top_objects "* ]] || fail "$top: the panel says [$row], storage says $top_objects objects"
# Enter on the top org: its buckets, each what storage says.
tmux -L "$sock" send-keys -t t Enter
wait_for "Filter org=$top"
wait_for "Stored: bu"
IFS=';' read -ra want <<<"$buckets"
for b in "${want[@]}"; do
  name=${b%%=*} bytes=${b#*=}
  wait_for_re "^ $name +$bytes B "  # bucket $name of $top, as storage says (once answered)
done
# The chart of bytes stored: its title says what a column is; at the end, everything stored.
tmux -L "$sock" send-keys -t t Escape
wait_for "Filter none"
tmux -L "$sock" send-keys -t t m
tmux -L "$sock" send-keys -t t m
wait_for "Bytes stored at the end of each"
wait_for "m chart:stored"
wait_for_re "Bytes stored at the end of each .*peak [0-9,]+ B"
chart_peak=$(screen | grep -m1 -oE "peak [0-9,]+ B" | tr -dc '0-9')
[[ -n $chart_peak ]] || fail "no peak in the chart's title"
total_n=$(tr -dc '0-9' <<<"$total")
(( chart_peak >= total_n && chart_peak <= peak )) || fail "chart peak $chart_peak outside [$total_n, $peak]"
tmux -L "$sock" send-keys -t t q
wait_for "EXITED-0"
echo "ok: Stored panel $top $top_bytes B ($top_objects objects), its buckets, chart peak $chart_peak B"
