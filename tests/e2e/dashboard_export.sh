#!/usr/bin/env bash
# End to end in tmux: w writes the view (a drill-down into a key holding a quote, $, a backtick,
# a backslash and a newline) as CSV, JSON and HTML through report's writers, the status line and stderr
# give the `s3top report` command, and that command, run by bash, writes the same bytes. A folder
# that cannot be written to is one status line, and the dashboard goes on. A time range picked
# on the chart (keys, then a mouse drag) filters, and the export carries it.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
work=$(mktemp -d)
sock="s3top-e2e-exp-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$S3GEN" --out "$work/logs" --lines 600 --files 1 --seed 6 >/dev/null
# Three GETs of a key that decodes to  evil'q$x`id`<newline>nl\.bin , the most bytes sent by far.
line=$(grep -h -m1 'REST.GET.OBJECT' "$work"/logs/*)
key=$(awk '{print $9}' <<<"$line")
for i in 1 2 3; do
  sed -e "s|$key|evil%27q%24x%60id%60%0Anl%5C.bin|g" -e "s| 200 - [0-9]* [0-9]* | 200 - 99184428045 99184428045 |" \
    -e "s| [0-9A-F]\{16\} REST| 5C20BC0BD049E4F$i REST|" <<<"$line"
done >"$work/logs/evil.log"
. "$(dirname "$0")/../support/e2e_tmux.sh"
fail() { echo "$1"; screen; exit 1; }
keys() { tmux -L "$sock" send-keys -t t "$@"; }
start() {  # folder to run in [stderr file]
  tmux -L "$sock" kill-session -t t 2>/dev/null || true
  tmux -L "$sock" new -d -s t -x 250 -y 40 -c "$1" \
    "env LANG=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$work/state $S3TOP --no-follow $work/logs 2>${2:-$work/err}; echo EXITED-\$?; sleep 30"
  wait_for " loaded  lines"
}
mkdir -p "$work/out" "$work/gone" "$work/range"
start "$work/out"
keys Tab Tab Tab Tab Enter  # the key panel, its top row: the hostile key
wait_for " Filter key="
keys w
wait_for "Write the Key panel as  c CSV  j JSON  h HTML  Esc cancel"
keys c
wait_for "wrote s3top-view-"
shown=$(screen | grep -o "the same: s3top report .*" | sed 's/ *$//')
keys w j
wait_for ".json (1 row); the same"
keys w h
wait_for ".html (1 row); the same"
keys q
wait_for "EXITED-0"
[[ $(ls "$work/out" | wc -l) == 3 ]] || { ls -l "$work/out"; fail "not three files written"; }
grep -c "^s3top: wrote s3top-view-.*; the same: s3top report " "$work/err" | grep -qx 3 || { cat "$work/err"; fail "stderr does not give the three commands"; }
grep -q -- "--format html --panels org,ip,status,operation,key,error,ua,bucket -o " "$work/err" || fail "the HTML's command has not the panels shown"
# What the status line shows is the command itself (its backslashes single), as far as it fits.
first=$(grep -m1 "the same: " "$work/err" | sed 's/^.*the same: /the same: /')
[[ -n $shown && $first == "$shown"* ]] || fail "the status line is not the command: '$shown' vs '$first'"
grep -qF -- "--filter \$'key=\"evil\\'q\$x\`id\`\\x0anl\\\\\\\\.bin\"'" "$work/err" || { cat "$work/err"; fail "the filter is not quoted as expected"; }
# A time range picked on the chart with the keys is the filter's from= to=, and the export
# carries it; u undoes it; a press on the chart released further right picks one too.
start "$work/range" "$work/err.range"
keys ']' Home Enter Right Right Enter
wait_for " Filter from=2024-"
wait_for "u undoes it"
keys w c
wait_for "wrote s3top-view-"
keys u
wait_for " Filter none"
tmux -L "$sock" send-keys -t t -l $'\e[<0;14;7M'
tmux -L "$sock" send-keys -t t -l $'\e[<0;60;7m'
wait_for " Filter from=2024-"
keys q
wait_for "EXITED-0"
grep -q -- "--filter 'from=2024-[0-9T:-]*Z to=2024-[0-9T:-]*Z' --by org " "$work/err.range" || { cat "$work/err.range"; fail "the export has not the time range"; }
# Each command, run by bash from a folder of its own, writes the same bytes.
same_as_commands() {  # stderr file, folder of the files written
  local re
  re=$(mktemp -d -p "$work")
  while IFS= read -r cmd; do
    (cd "$re" && S3TOP="$S3TOP" XDG_STATE_HOME="$work/state" bash -c 's3top() { "$S3TOP" "$@"; }; '"$cmd" 2>"$work/re.err") ||
      fail "the command failed: $cmd"
    # The filter's values are in the logs (a key as shown, decoded, as well as logged).
    ! grep -q -- "--filter: no " "$work/re.err" || fail "the command says its filter matches nothing: $(cat "$work/re.err")"
  done < <(sed -n 's/^s3top: wrote .*; the same: //p' "$1")
  for f in "$2"/*; do
    cmp "$f" "$re/$(basename "$f")" || fail "$(basename "$f") differs from what its command writes"
  done
}
same_as_commands "$work/err" "$work/out"
same_as_commands "$work/err.range" "$work/range"
grep -q '"key":"evil'"'"'q\$x`id`\\nnl\\\\.bin"' "$work"/out/*.json || { cat "$work"/out/*.json; fail "the JSON is not the hostile key's"; }
# A folder that cannot be written to (gone, even for root): one status line, and it goes on.
start "$work/gone"
rmdir "$work/gone"
keys w c
wait_for "could not write the view: "
keys m
wait_for "Requests per"
keys q
wait_for "EXITED-0"
echo "1 passed, 0 failed"
