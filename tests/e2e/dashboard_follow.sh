#!/usr/bin/env bash
# End to end in tmux: following an empty folder says "waiting for logs in DIR"; once a log
# lands, what is watched and when lines last came; a copy of a counted log is counted as
# skipped in the header.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
work=$(mktemp -d)
sock="s3top-e2e-fol-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$S3GEN" --out "$work/gen" --lines 300 --files 1 --seed 8 >/dev/null
mkdir "$work/in"
. "$(dirname "$0")/../support/e2e_tmux.sh"
tmux -L "$sock" new -d -s t -x 140 -y 30 \
  "env LANG=C.UTF-8 TERM=xterm-256color $S3TOP --no-state $work/in; echo EXITED-\$?; sleep 30"
wait_for "0 files  waiting for logs in $work/in"
cp "$work"/gen/* "$work/in/.a.tmp" && mv "$work/in/.a.tmp" "$work/in/a.log"
wait_for "1 file  watching $work/in, updated "
cp "$work/in/a.log" "$work/in/.b.tmp" && mv "$work/in/.b.tmp" "$work/in/copy-of-a.log"
wait_for "1 file  copies skipped 1  watching $work/in"
tmux -L "$sock" send-keys -t t q
wait_for "EXITED-0"
echo "1 passed, 0 failed"
