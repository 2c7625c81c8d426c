# Sourced by the e2e scripts that drive the dashboard in tmux (the session is "t" on the
# server named by $sock). wait_for only bounds a failure: S3TOP_E2E_WAIT seconds (default 20;
# the TSan stage, whose binary runs 5-15x slower, sets more).
# tmux's server now and then exits as it starts on a loaded machine ("server exited
# unexpectedly" from `new`: twice in one full run under load, two scripts at the same
# second): a session that did not start is started again, up to three times. Other tmux
# commands pass through as they are.
tmux() {
  local tries=0 rc
  while true; do
    command tmux "$@" && return 0
    rc=$?
    [[ " $* " == *" new "* || " $* " == *" new-session "* ]] || return "$rc"
    ((++tries < 3)) || return "$rc"
    echo "tmux did not start the session (exit $rc): again" >&2
    [[ $1 == -L ]] && { command tmux -L "$2" kill-server 2>/dev/null || true; }
    sleep 0.5
  done
}
screen() { tmux -L "$sock" capture-pane -t t -p; }
wait_for() {  # text
  local i
  for ((i = 0; i < ${S3TOP_E2E_WAIT:-20} * 5; i++)); do screen | grep -qF -- "$1" && return 0; sleep 0.2; done
  echo "timed out waiting for: $1"; screen; exit 1
}
wait_for_re() {  # extended regular expression, matched against each line of the screen
  local i
  for ((i = 0; i < ${S3TOP_E2E_WAIT:-20} * 5; i++)); do screen | grep -qE -- "$1" && return 0; sleep 0.2; done
  echo "timed out waiting for: $1"; screen; exit 1
}
