#!/usr/bin/env bash
# The progress line of a long load: on stderr when it is a terminal (here a pty from script(1)),
# with files, bytes of the total, lines per second; erased at the end so the report stands
# alone. Nothing when stderr is a file, with --quiet, or on TERM=dumb. The dashboard's header
# shows the same while it loads (tmux).
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
command -v script >/dev/null || { echo "script (bsdutils) not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$S3GEN" --out "$work/logs" --lines 3000 --files 3 --seed 3 >/dev/null
"$S3GEN" --out "$work/in" --lines 2000 --files 2 --seed 4 >/dev/null
ins=("$work"/in/*)
total=$(cat "$work"/logs/* | wc -c)

# Standard input (read first) that pauses 1.5 s keeps the load going: the line shows while it
# waits, the folder's files the planned total.
# run NAME ENV... -- ARGS: the pty's bytes in $work/NAME.tty, stdout in NAME.out, stderr (when
# sent to a file) in NAME.err.
run() {
  local name=$1; shift
  local env=() ; while [ "$1" != -- ]; do env+=("$1"); shift; done; shift
  local cmd
  cmd="(cat '${ins[0]}'; sleep 1.5; cat '${ins[1]}') | env ${env[*]} S3TOP_PROGRESS_DELAY=0.2 '$S3TOP' report --no-state $* '$work/logs' - > '$work/$name.out'"
  TERM=xterm script -qfec "$cmd" "$work/$name.tty" >/dev/null
}

run tty TERM=xterm --
tty=$(tr '\r' '\n' <"$work/tty.tty")
grep -q 's3top: reading 0/4 files ' <<<"$tty" || { cat -v "$work/tty.tty"; fail "no progress line on a terminal"; }
# The folder's three files are the planned total while standard input is read.
want=$(python3 -c "
n=$total
for u in ['B','KiB','MiB','GiB']:
    if n < 1024 or u == 'GiB': break
    n /= 1024
print(f'{n:.0f} B' if u=='B' else f'{n:.3g} {u}' if n >= 100 else f'{n:.2f} {u}' if n < 10 else f'{n:.1f} {u}')")
grep -q " of $want (0%)" <<<"$tty" || { cat -v "$work/tty.tty"; fail "total '$want' not in the progress line"; }
# Erased at the end: the last bytes on the terminal are "erase line", nothing after it.
python3 - "$work/tty.tty" <<'PY' || fail "the progress line was not erased at the end"
import sys
b = open(sys.argv[1], 'rb').read()
i = b.rfind(b's3top: reading')
j = b.rfind(b'\r\x1b[K')
rest = b[j + 4:] if j > i >= 0 else b'x'
sys.exit(0 if rest.strip() == b'' or rest.startswith(b'\nScript done') else 1)
PY
grep -q 'reading' "$work/tty.out" && fail "progress went to stdout"
head -1 "$work/tty.out" | grep -q '^Org ' || fail "the report is missing"

run quiet TERM=xterm -- --quiet
grep -q 'reading' "$work/quiet.tty" && fail "--quiet still showed progress"
cmp -s "$work/tty.out" "$work/quiet.out" || fail "--quiet changed the report"

run dumb TERM=dumb --
grep -q 'reading' "$work/dumb.tty" && fail "TERM=dumb showed a line it cannot erase"

# stderr to a file: no progress in it.
TERM=xterm script -qfec "(cat '${ins[0]}'; sleep 1.5) | S3TOP_PROGRESS_DELAY=0 '$S3TOP' report --no-state '$work/logs' - >'$work/f.out' 2>'$work/f.err'" /dev/null >/dev/null
grep -q 'reading' "$work/f.err" && fail "progress written to a file"

# The dashboard shows the same progress in its header while it loads.
if command -v tmux >/dev/null; then
  sock="s3top-e2e-progress-$$"
  trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
  . "$(dirname "$0")/../support/e2e_tmux.sh"
  tmux -L "$sock" new -d -s t -x 160 -y 30 \
    "(cat '${ins[0]}'; sleep 4; cat '${ins[1]}') | LANG=C.UTF-8 '$S3TOP' --no-state --no-follow - '$work/logs'; sleep 30"
  wait_for "reading 0/4 files"
  screen | grep -F "loading" | grep -qF " of $want (0%)" || { screen; fail "no load progress in the dashboard header"; }
  wait_for " loaded  lines"
  screen | grep -qF "reading " && { screen; fail "progress still shown once loaded"; }
else
  echo "tmux not installed: skipped"; exit 77
fi
echo "2 passed, 0 failed"
