#!/usr/bin/env bash
# libcurl is loaded only when an s3:// or clickhouse:// source needs it: a report or the
# dashboard over local files never maps it (nor the ~30 libraries it pulls in: ~4 MB resident),
# nor libcrypto (SigV4's SHA-256 and HMAC are s3top's own: 1.4 MB more).
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
work=$(mktemp -d)
sock="s3top-e2e-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$S3GEN" --out "$work/logs" --lines 2000 --files 3 --seed 11 >/dev/null
# The dynamic loader names every library it loads, at start or by dlopen (LD_DEBUG=libs).
LD_DEBUG=libs "$S3TOP" report --no-state --by org "$work/logs" >"$work/report" 2>"$work/loaded"
grep -q 'TOTAL' "$work/report" || { echo "no report"; cat "$work/report"; exit 1; }
grep -q 'libfmt' "$work/loaded" || { echo "LD_DEBUG said nothing: cannot check"; exit 77; }
for lib in libcurl libcrypto libssl; do
  if grep -q "$lib" "$work/loaded"; then echo "report over local files loaded $lib"; grep "$lib" "$work/loaded" | head -3; exit 1; fi
done
# The dashboard: its memory, once it shows the whole folder.
. "$(dirname "$0")/../support/e2e_tmux.sh"
tmux -L "$sock" new -d -s t -x 120 -y 40 "exec $S3TOP --no-state $work/logs"
wait_for " following  lines"
pid=$(tmux -L "$sock" list-panes -t t -F '#{pane_pid}')
grep -q 's3top' "/proc/$pid/maps" || { echo "no dashboard process $pid"; exit 1; }
for lib in libcurl libcrypto libssl; do
  if grep -q "$lib" "/proc/$pid/maps"; then echo "the dashboard over local files mapped $lib"; exit 1; fi
done
echo "1 passed, 0 failed"
