#!/usr/bin/env bash
# End to end in tmux: the / prompt completes a dimension's name and its values with Tab, Esc
# clears the filter and u brings it back, and a filter entered is offered by Up in the next
# session (kept in the state folder).
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
work=$(mktemp -d)
sock="s3top-e2e-flt-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$S3GEN" --out "$work/logs" --lines 1000 --files 2 --seed 6 >/dev/null
. "$(dirname "$0")/../support/e2e_tmux.sh"
fail() { echo "$1"; screen; exit 1; }
keys() { tmux -L "$sock" send-keys -t t "$@"; }
start() {
  tmux -L "$sock" kill-session -t t 2>/dev/null || true
  tmux -L "$sock" new -d -s t -x 120 -y 36 \
    "env LANG=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$work/state $S3TOP --no-follow $work/logs; echo EXITED-\$?; sleep 30"
  wait_for " loaded  lines"
}
# The most requested status, which Tab must offer first.
top=$("$S3TOP" report --no-state --by status --sort requests --format json "$work/logs" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["groups"][0]["key"])')
start
keys /
wait_for "Filter:"
keys -l "stat"
keys Tab
wait_for "Filter: status="
keys Tab
# The list comes after the line (already "status=" since the first Tab): wait for it, with
# the most requested first (a wrong order times out naming what it waited for).
wait_for_re "^[0-9]+:  $top "
keys Tab
wait_for "Filter: status=$top"
keys Enter
wait_for " Filter status=$top"
keys Escape
wait_for "filter cleared: u brings it back"
wait_for " Filter none"
keys u
wait_for " Filter status=$top"
keys q
wait_for "EXITED-0"
# A new session offers the filter entered in the last one.
start
keys / C-u Up
wait_for "Filter: status=$top"
keys Escape q
wait_for "EXITED-0"
echo "1 passed, 0 failed"
