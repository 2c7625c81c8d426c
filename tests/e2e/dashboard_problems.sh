#!/usr/bin/env bash
# End to end in tmux: the problems view (p) lists rejected lines with hostile bytes escaped
# (ESC sequences, BEL, invalid UTF-8: the terminal's title and screen stay the dashboard's) and
# the inputs not read (a damaged .gz, a file in no known format), with counts per reason; quit
# with inputs left out the dashboard exits 3 and names them, following one read since exits 0.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
work=$(mktemp -d)
sock="s3top-e2e-prob-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$S3GEN" --out "$work/logs" --lines 600 --files 2 --seed 4 --garbage-permille 0 >/dev/null
good=$(head -n 2 "$(ls -d "$work"/logs/* | head -n 1)")
# A line that would recolour the screen, ring, set the window title and carry invalid UTF-8.
{ printf 'evil \033[31mRED\033[0m\a \377\376 \033]2;PWNED\a end\n'; printf '%s\n' "$good"; } >"$work/logs/hostile.log"
printf 'not a log\njust words\n' >"$work/logs/README.txt"
printf '\037\213\010\000garbage' >"$work/logs/broken.gz"
. "$(dirname "$0")/../support/e2e_tmux.sh"
fail() { echo "$1"; screen; exit 1; }
tmux -L "$sock" new -d -s t -x 120 -y 36 \
  "env LANG=C.UTF-8 TERM=xterm-256color $S3TOP --no-follow --no-state $work/logs; echo EXITED-\$?; sleep 30"
tmux -L "$sock" set -g set-titles on
wait_for " loaded  lines"
wait_for "rejected 1  unread 1 (p)"
tmux -L "$sock" send-keys -t t p
wait_for "Problems: rejected lines and inputs"
wait_for "Rejected 1 line: bad_timestamp 1"
wait_for 'evil \x1b[31mRED\x1b[0m\x07 �� \x1b]2;PWNED\x07 end'
screen | grep -qF "bad_timestamp  $work/logs/hostile.log:1" || fail "reason and file:line not shown"
screen | grep -qF "$work/logs/broken.gz: gzip:" || fail "the damaged .gz is not listed"
screen | grep -qF "$work/logs/README.txt: no known log format" || fail "the file in no known format is not listed"
screen | grep -qF "1 input not read, or only in part" || fail "the unread count is not said"
title=$(tmux -L "$sock" display -p -t t '#{pane_title}')
[[ $title != *PWNED* ]] || fail "the rejected line set the terminal's title: $title"
tmux -L "$sock" send-keys -t t Escape
sleep 0.3
screen | grep -qF "Problems:" && fail "Esc did not close the view"
tmux -L "$sock" send-keys -t t q
# As report: exit 3 with inputs left out, and which.
wait_for "EXITED-3"
screen | grep -qF "s3top: 1 input could not be read, or only in part, so the dashboard showed the rest: $work/logs/broken.gz" ||
  fail "the exit does not name the input left out"
# Following: the .gz replaced by a whole one is read, leaves the list, and the exit is 0.
tmux -L "$sock" kill-session -t t
tmux -L "$sock" new -d -s t -x 120 -y 36 \
  "env LANG=C.UTF-8 TERM=xterm-256color $S3TOP --no-state $work/logs; echo EXITED-\$?; sleep 30"
wait_for "unread 1 (p)"
"$S3GEN" --out "$work/more" --lines 20 --files 1 --seed 9 --garbage-permille 0 >/dev/null
cat "$work"/more/* | gzip >"$work/whole.gz"
mv "$work/whole.gz" "$work/logs/broken.gz"
for ((i = 0; i < ${S3TOP_E2E_WAIT:-20} * 5; i++)); do screen | grep -qF "unread 1" || break; sleep 0.2; done
screen | grep -qF "unread 1" && fail "the whole .gz did not leave the unread count"
tmux -L "$sock" send-keys -t t q
wait_for "EXITED-0"
