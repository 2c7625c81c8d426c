#!/usr/bin/env bash
# End to end in tmux: a config file's [dashboard] section reaches the dashboard. Its keys are
# remapped (the hint bar and help show them, the old quit key no longer quits), a panel it
# leaves out is not shown, its colors are drawn (and NO_COLOR wins), --panels overrides it, and
# a bad entry is refused naming file, line and key.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
work=$(mktemp -d)
# One tmux server per dashboard run: a new server on a socket still shutting down can fail.
runs=0
sock="s3top-e2e-cfg-$$-0"
cleanup() { for i in $(seq 0 "$runs"); do tmux -L "s3top-e2e-cfg-$$-$i" kill-server 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
"$S3GEN" --out "$work/logs" --lines 2000 --files 2 --seed 9 >/dev/null
cat >"$work/s3top.conf" <<'CONF'
[dashboard]
panels = ["org", "status", "operation"]
[dashboard.keys]
quit = "Q"
help = "h"
[dashboard.colors]
title = "magenta"
CONF
. "$(dirname "$0")/../support/e2e_tmux.sh"
fail() { echo "$1"; screen; exit 1; }
start() {  # environment and arguments
  tmux -L "$sock" kill-server 2>/dev/null || true
  runs=$((runs + 1))
  sock="s3top-e2e-cfg-$$-$runs"
  tmux -L "$sock" new -d -s t -x 120 -y 40 "env LANG=C.UTF-8 TERM=xterm-256color $* $work/logs --no-state; echo EXITED-\$?; sleep 30"
  wait_for " following  lines"
}

start "$S3TOP" --config "$work/s3top.conf"
wait_for "Q quit"
screen | grep -qF "h help" || fail "hint bar does not show the help key h"
screen | grep -qF "q quit" && fail "hint bar still shows q"
screen | grep -qF " Status" || fail "Status panel not shown"
screen | grep -qF " Operation" || fail "Operation panel not shown"
screen | grep -qF "Client IP" && fail "the Client IP panel, left out of the config, is shown"
screen | grep -qF "User agent" && fail "the User agent panel, left out of the config, is shown"
# The title color: magenta is SGR 35.
tmux -L "$sock" capture-pane -t t -p -e | grep -qF $'\e[35m' || fail "no magenta (title color) on screen"
# q is no longer quit; h opens the help naming Q.
tmux -L "$sock" send-keys -t t q
sleep 0.5
screen | grep -qF "EXITED" && fail "q quit although quit is Q"
tmux -L "$sock" send-keys -t t h
wait_for "s3top help"
screen | grep -qF "Q  Ctrl-C" || fail "help does not name Q for quit"
screen | grep -qF "h  F1" || fail "help does not name h"
tmux -L "$sock" send-keys -t t Escape
sleep 0.3
tmux -L "$sock" send-keys -t t Q
wait_for "EXITED-0"

# NO_COLOR wins over the config's colors; --panels over its panels.
start NO_COLOR=1 "$S3TOP" --config "$work/s3top.conf" --panels org,ip
wait_for "Client IP"
screen | grep -qF " Status" && fail "--panels org,ip still shows Status"
tmux -L "$sock" capture-pane -t t -p -e | grep -qF $'\e[35m' && fail "magenta drawn with NO_COLOR set"
tmux -L "$sock" send-keys -t t Q
wait_for "EXITED-0"

# A bad entry names file, line and key (exit 2, before any terminal is touched).
printf '[dashboard.keys]\nhelp = "ctrl-c"\n' >"$work/bad.conf"
set +e
err=$("$S3TOP" --config "$work/bad.conf" "$work/logs" 2>&1 >/dev/null)
rc=$?
set -e
[ "$rc" = 2 ] || { echo "bad config: exit $rc, want 2"; exit 1; }
echo "$err" | grep -qF "$work/bad.conf:2: dashboard.keys.help: 'ctrl-c' cannot be bound" || { echo "bad config message: $err"; exit 1; }
echo "1 passed, 0 failed"
