#!/usr/bin/env bash
# End to end: every thread of a running s3top has a name (top -H, ps -L, perf and gdb tell them
# apart). The dashboard following a folder, read from /proc/PID/task/*/comm: the main thread
# alone is "s3top" (the program's name), the ingest thread is s3top-ingest, the running-cost
# worker s3top-cost, and any other thread's name starts with "s3top-"; `report --follow`'s
# watcher is s3top-follow. ARCHITECTURE.md's "Threads" lists the names. Not for a TSan build: its
# runtime's own thread carries the program's name too.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
[[ -d /proc/self/task ]] || { echo "no /proc/PID/task here: skipped"; exit 77; }
work=$(mktemp -d)
sock="s3top-e2e-thr-$$"
cleanup() {
  [[ $BASHPID -eq $$ ]] || return 0
  [[ -n ${follow_pid:-} ]] && kill "$follow_pid" 2>/dev/null
  tmux -L "$sock" kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"$S3GEN" --out "$work/logs" --lines 3000 --files 3 --seed 9 >/dev/null
. "$(dirname "$0")/../support/e2e_tmux.sh"

names() { cat /proc/"$1"/task/*/comm 2>/dev/null | sort; }  # a thread that ends meanwhile: no line
# The names of process $1 once they are as `check` ($2) wants: a thread that has just started
# has its starter's name until its first line names it, so a few reads are allowed.
settled() {
  local i
  for ((i = 0; i < ${S3TOP_E2E_WAIT:-20} * 5; i++)); do
    "$2" "$(names "$1")" && return 0
    sleep 0.2
  done
  echo "threads of $1 never as expected:"; names "$1"; exit 1
}
only_main_unnamed() {  # names: one "s3top", every other "s3top-..."
  [[ $(grep -cx 's3top' <<<"$1") -eq 1 ]] && ! grep -vxE 's3top|s3top-.+' <<<"$1" >/dev/null
}
dashboard_names() { only_main_unnamed "$1" && grep -qx 's3top-ingest' <<<"$1" && grep -qx 's3top-cost' <<<"$1"; }
follow_names() { only_main_unnamed "$1" && grep -qx 's3top-follow' <<<"$1"; }

tmux -L "$sock" new -d -s t -x 140 -y 40 \
  "env LANG=C.UTF-8 TERM=xterm-256color $S3TOP --no-state $work/logs; echo EXITED-\$?; sleep 30"
wait_for " following  lines"
pid=$(pgrep -P "$(tmux -L "$sock" display -p -t t '#{pane_pid}')" -x s3top)
settled "$pid" dashboard_names
tmux -L "$sock" send-keys -t t q
wait_for "EXITED-0"

# report --follow: the first report printed, its watcher follows on a thread of its own.
"$S3TOP" report --no-state --follow --every 1s "$work/logs" >"$work/out" 2>"$work/err" &
follow_pid=$!
for ((i = 0; i < ${S3TOP_E2E_WAIT:-20} * 5; i++)); do [[ -s $work/out ]] && break; sleep 0.2; done
settled "$follow_pid" follow_names
kill -INT "$follow_pid"
wait "$follow_pid" || true
follow_pid=
echo "1 passed, 0 failed"
