#!/usr/bin/env bash
# End to end in tmux: the dashboard's header shows the same totals as the headless report;
# the org picker filters every number to that org; a resize reflows; q restores the terminal.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
work=$(mktemp -d)
sock="s3top-e2e-$$"
# A background job forked for `&` is this shell until it execs: a signal sent at once (the tests
# below do) can end it there, and it would run this trap and delete the work folder under the
# test. Only the script's own shell cleans up.
cleanup() {
  [[ $BASHPID -eq $$ ]] || return 0
  tmux -L "$sock" kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"$S3GEN" --out "$work/logs" --lines 5000 --files 6 --seed 5 >/dev/null
. "$(dirname "$0")/../support/e2e_tmux.sh"
tmux -L "$sock" new -d -s t -x 120 -y 40 "LANG=C.UTF-8 $S3TOP $work/logs; echo EXITED-\$?; sleep 30"
wait_for " following  lines"
json=$("$S3TOP" report --format json "$work/logs")
req=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["totals"]["requests"])' "$json")
top=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["groups"][0]["key"])' "$json")
human() { python3 -c '
import sys; n=int(sys.argv[1])
for u in ["", "k", "M", "G"]:
    if n < 1000 or u == "G": break
    n /= 1000
print(f"{n}" if u == "" else (f"{n:.0f}{u}" if n >= 99.95 else f"{n:.1f}{u}" if n >= 9.995 else f"{n:.2f}{u}"))' "$1"; }
wait_for "Requests $(human "$req")"
screen | grep -F -- " $top " >/dev/null || { echo "top org $top not shown"; screen; exit 1; }
# pick the second-biggest org by typing its name in the picker
org=$(python3 -c 'import json,sys; g=json.loads(sys.argv[1])["groups"]; print([x["key"] for x in g if x["key"]!="-"][1])' "$json")
tmux -L "$sock" send-keys -t t o
sleep 0.3
tmux -L "$sock" send-keys -t t -l "$org"
sleep 0.3
tmux -L "$sock" send-keys -t t Enter
wait_for "org=$org"
fj=$("$S3TOP" report --format json --filter "org=$org" "$work/logs")
freq=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["totals"]["requests"])' "$fj")
wait_for "Requests $(human "$freq")"
# resize: the layout reflows to 80 columns without garbage
tmux -L "$sock" resize-window -t t -x 80 -y 24
sleep 0.5
wait_for "org=$org"
screen | python3 -c 'import sys; w=max(len(l.rstrip("\n")) for l in sys.stdin); sys.exit(0 if w <= 80 else 1)' \
  || { echo "lines wider than 80 after resize"; screen; exit 1; }
tmux -L "$sock" send-keys -t t q
wait_for "EXITED-0"
# SIGTERM from outside (a supervisor stopping it): the terminal is restored and the exit status
# says a signal ended it (128 + 15).
tmux -L "$sock" kill-session -t t
tmux -L "$sock" new -d -s t -x 120 -y 40 "LANG=C.UTF-8 $S3TOP --no-follow $work/logs; echo EXITED-\$?; sleep 30"
wait_for " loaded  lines"
pkill -TERM -x -f "$S3TOP --no-follow $work/logs"
wait_for "EXITED-143"
echo "1 passed, 0 failed"
