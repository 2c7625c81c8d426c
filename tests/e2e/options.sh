#!/usr/bin/env bash
# End to end: options are checked before anything is read or any thread starts. A value out of
# bounds or a combination that cannot work exits 2 with one line naming the option (never an
# abort, a hang or a busy loop). What a report prints on a terminal is terminal-safe; to a
# file or a pipe its bytes are exact. report --follow -o FILE keeps FILE whole and current.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
work=$(mktemp -d); trap '[[ $BASHPID -eq $$ ]] && rm -rf "$work"' EXIT  # only this shell, not a job before its exec
fail() { echo "FAIL: $*" >&2; exit 1; }
"$S3GEN" --out "$work/logs" --lines 2000 --files 2 --seed 5 >/dev/null

# usage ARGS... : exit 2 within 10 s, exactly one line on stderr, naming what was wrong.
usage() {
  local want=$1; shift
  local rc=0
  timeout 10 "$S3TOP" "$@" >"$work/out" 2>"$work/err" </dev/null || rc=$?
  [[ $rc == 2 ]] || fail "$*: exit $rc, want 2 ($(head -c 300 "$work/err"))"
  [[ $(wc -l <"$work/err") == 1 ]] || fail "$*: want one line on stderr, got: $(cat "$work/err")"
  grep -q -- "$want" "$work/err" || fail "$*: message does not name $want: $(cat "$work/err")"
  [[ ! -s $work/out ]] || fail "$*: printed a report"
}
L=$work/logs
usage --workers report --no-state --workers 100000 "$L"
usage --workers report --no-state --workers 0 "$L"
usage --every report --no-state --follow --every 99999999999999999h "$L"
usage --every report --no-state --follow --every 1e400s "$L"
usage --every report --no-state --follow --every 1ms "$L"
usage --top report --no-state --top -1 "$L"
usage --top report --no-state --top 99999999999999999999999 "$L"
usage --top report --no-state --top 0 "$L"
usage --speed report --no-state --replay --speed nan "$L"
usage --speed report --no-state --replay --speed inf "$L"
usage --speed report --no-state --replay --speed -1 "$L"
usage "--format html" report --no-state --follow --format html "$L"
usage "--format html" report --no-state --replay --every 1s --format html "$L"
usage --no-follow report --no-state --follow --no-follow "$L"
usage --panels report --no-state --panels org,ip --format csv "$L"
usage --panels report --no-state --panels nosuch --format html "$L"
usage --by report --no-state --by nosuch "$L"
usage --filter report --no-state --filter 'org~/(/' "$L"
usage "no input" report --no-state
usage --month bill --no-state --month 2024-13x "$L"
usage 9xx report --no-state --filter status=9xx "$L"
usage bogus report --no-state --filter tier=bogus "$L"
usage before report --no-state --filter "from=2024-03-02 to=2024-03-01" "$L"
echo "   out-of-bounds values and impossible combinations: exit 2, one line"

# A misspelled option: the closest one of that command; the help to see is that command's.
usage "did you mean --format?" report --no-state --fromat csv "$L"
grep -q "see s3top report --help" "$work/err" || fail "not pointed at report --help: $(cat "$work/err")"
usage "did you mean --exclude-errors?" bill --no-state --month 2024-03 --exclude-error "$L"
usage "not expected" report --no-state --zzzzzzzz "$L"
grep -q "did you mean" "$work/err" && fail "a suggestion for an option nothing is near: $(cat "$work/err")"
# Usage lines say s3top, not the path it was started by; report's help names html; bill's
# help does not offer the options a statement always refuses (refused with a reason still).
"$S3TOP" report --help >"$work/help" 2>&1
grep -q "^Usage: s3top report" "$work/help" || fail "usage line: $(grep -i usage "$work/help")"
grep -q "HTML" "$work/help" || fail "report --help does not name HTML"
"$S3TOP" bill --help >"$work/help" 2>&1
grep -qE -- "--follow|--replay|--speed" "$work/help" && fail "bill --help offers options it refuses: $(grep -E -- '--follow|--replay|--speed' "$work/help")"
usage "prices the whole period" bill --no-state --month 2024-03 --follow "$L"
# The dashboard without a screen to draw on: one line, and nothing drawn (TERM=dumb cannot
# move the cursor; a pipe is no terminal).
rc=0; "$S3TOP" --no-state "$L" >"$work/out" 2>"$work/err" </dev/null || rc=$?
[[ $rc == 2 && $(wc -l <"$work/err") == 1 && ! -s $work/out ]] || fail "dashboard on a pipe: exit $rc, $(cat "$work/err")"
script -qec "TERM=dumb $S3TOP --no-state $L; echo EXIT=\$?" /dev/null >"$work/dumb" </dev/null
grep -q "EXIT=2" "$work/dumb" || fail "TERM=dumb: $(cat -v "$work/dumb")"
grep -q "TERM=dumb cannot move the cursor" "$work/dumb" || fail "TERM=dumb: $(cat -v "$work/dumb")"
[[ $(grep -c . "$work/dumb") == 2 ]] || fail "TERM=dumb left more than its line: $(cat -v "$work/dumb")"
LC_ALL=C grep -q $'\e' "$work/dumb" && fail "TERM=dumb: escape sequences written: $(cat -v "$work/dumb")"
echo "   did you mean, usage lines, the help of report and bill, a dashboard with no screen"

# -o FILE: the format from its extension unless --format says; a table in a file is exact.
"$S3TOP" report --no-state -o "$work/ext.json" "$L"
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$work/ext.json" || fail "-o x.json is not JSON"
"$S3TOP" report --no-state -o "$work/ext.CSV" "$L"
head -1 "$work/ext.CSV" | grep -q "," || fail "-o x.CSV is not CSV: $(head -2 "$work/ext.CSV")"
"$S3TOP" report --no-state -o "$work/ext.htm" "$L"
grep -q "<html" "$work/ext.htm" || fail "-o x.htm is not HTML"
"$S3TOP" report --no-state --format table -o "$work/forced.json" "$L"
head -1 "$work/forced.json" | grep -q "^Org " || fail "--format table -o x.json: not a table"
"$S3TOP" report --no-state -o "$work/t.txt" "$L"
"$S3TOP" report --no-state --exact "$L" >"$work/t.exact"
cmp -s "$work/t.txt" "$work/t.exact" || fail "a table in a file is not the exact table: $(head -3 "$work/t.txt")"
echo "   -o FILE: format from the extension; a table in a file has exact numbers"

# A long key: whole in a pipe or a file, cut in the middle on a terminal.
long="reports/2024/$(printf 'q%.0s' $(seq 1 60))/final-summary.pdf"
printf 'owner bkt [01/Mar/2024:10:00:00 +0000] 10.0.0.9 - REQ1 REST.GET.OBJECT %s "GET /bkt/%s?org=a HTTP/1.1" 200 - 100 100 1 1 "-" "ua" -\n' "$long" "$long" >"$work/long.log"
"$S3TOP" report --no-state --by key "$work/long.log" | grep -qF "$long" || fail "a long key was cut in a pipe"
"$S3TOP" report --no-state --by key -o "$work/long.txt" "$work/long.log"
grep -qF "$long" "$work/long.txt" || fail "a long key was cut in a file"
script -qec "$S3TOP report --no-state --by key $work/long.log" /dev/null >"$work/long.tty" </dev/null
grep -qF "$long" "$work/long.tty" && fail "a long key was not cut on a terminal"
grep -q "reports/2024/qqq.*….*final-summary.pdf" "$work/long.tty" || fail "not cut in the middle: $(cat "$work/long.tty")"
echo "   long keys: whole in a pipe or file, cut in the middle on a terminal"

# --by hour (day, month) lists the hours in time order unless --sort says otherwise.
"$S3TOP" report --no-state --by hour --format json "$L" >"$work/hours.json"
python3 -c "
import json, sys
keys = [g['key'] for g in json.load(open(sys.argv[1]))['groups']]
assert len(keys) > 3 and keys == sorted(keys), keys" "$work/hours.json" || fail "--by hour is not in time order"
"$S3TOP" report --no-state --by hour --sort bytes --format json "$L" >"$work/hours.json"
python3 -c "
import json, sys
b = [g['bytes_sent'] for g in json.load(open(sys.argv[1]))['groups']]
assert b == sorted(b, reverse=True), b" "$work/hours.json" || fail "--by hour --sort bytes is not by bytes"
echo "   --by hour in time order by default"

# A value no record has is said with the closest ones the logs have (the report still prints).
org=$("$S3TOP" report --no-state --format json "$L" | python3 -c "import json,sys; print(next(g['key'] for g in json.load(sys.stdin)['groups'] if g['key'] != '-'))")
"$S3TOP" report --no-state --filter "org=${org}x" --format json "$L" >"$work/none.json" 2>"$work/none.err"
grep -q "no org is '${org}x' in these logs (closest: ${org}" "$work/none.err" || fail "no suggestion: $(cat "$work/none.err")"
"$S3TOP" report --no-state --filter "org=$org" --format json "$L" >/dev/null 2>"$work/some.err"
[[ ! -s $work/some.err ]] || fail "a value that exists was called missing: $(cat "$work/some.err")"

# In bounds, the same options work.
"$S3TOP" report --no-state --workers 3 --top 2 --format json "$L" >"$work/top.json"
python3 -c "import json,sys; assert len(json.load(open(sys.argv[1]))['groups']) == 2" "$work/top.json"

# A hostile org on a terminal: CSV and HTML made terminal-safe; to a file, exact.
printf 'owner bkt [01/Mar/2024:10:00:00 +0000] 10.0.0.9 - REQ1 REST.GET.OBJECT k "GET /bkt/k?org=%%1B%%5D0%%3BPWNED%%07%%1B%%5B2J%%C2%%9B HTTP/1.1" 200 - 100 100 1 1 "-" "ua" -\n' >"$work/evil.log"
"$S3TOP" report --no-state --format csv -o "$work/evil.csv" "$work/evil.log"
grep -q $'\e]0;PWNED\a\e\[2J' "$work/evil.csv" || fail "CSV written to a file is not exact"
for fmt in csv html json; do
  script -qec "$S3TOP report --no-state --format $fmt $work/evil.log" /dev/null >"$work/tty.$fmt" </dev/null
  grep -q PWNED "$work/tty.$fmt" || fail "$fmt on a terminal: the org is missing"
  if LC_ALL=C grep -q $'\e\|\a\|\xc2\x9b' "$work/tty.$fmt"; then
    fail "$fmt on a terminal passes escape sequences: $(od -c "$work/tty.$fmt" | head -5)"
  fi
done
echo "   CSV/HTML/JSON on a terminal: no escape reaches it; CSV to a file: exact bytes"

# File names reach stderr terminal-safe: a name with ESC and BEL, in no known format, unreadable
# as gzip, and as the -o target of a failed write.
mkdir -p "$work/names"
evil=$'\e]0;PWNED\a\e[2J'
printf 'not a log line\n' >"$work/names/$evil.log"
printf 'x' >"$work/names/$evil.gz"
"$S3TOP" report --no-state --format json "$work/names" >/dev/null 2>"$work/names.err" || true
"$S3TOP" report --no-state -o "$work/nosuchdir/$evil.csv" "$L" 2>>"$work/names.err" && fail "-o into a missing folder succeeded"
grep -q PWNED "$work/names.err" || fail "the file names are not on stderr: $(cat "$work/names.err")"
if LC_ALL=C grep -q $'\e\|\a' "$work/names.err"; then fail "a file name reached stderr raw: $(od -c "$work/names.err" | head)"; fi
echo "   file names on stderr: terminal-safe"

# report --follow -o FILE: the file is replaced whole at each interval.
"$S3TOP" report --no-state --follow --every 200ms --format json -o "$work/live.json" "$L" 2>"$work/follow.err" &
pid=$!
for _ in $(seq 1 100); do [[ -s $work/live.json ]] && break; sleep 0.1; done
kill -INT $pid; wait $pid || fail "report --follow ended $? on SIGINT"
python3 -c "
import json, sys, datetime
r = json.load(open(sys.argv[1]))
assert r['totals']['requests'] == r['lines']['parsed'] == 1990
made = datetime.datetime.strptime(r['generated_at'], '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc)
assert abs((datetime.datetime.now(datetime.timezone.utc) - made).total_seconds()) < 120, r['generated_at']
" "$work/live.json" ||
  fail "report --follow -o: $(head -c 300 "$work/live.json") $(cat "$work/follow.err")"
echo "   report --follow -o FILE writes the file whole, saying when each report was made"
echo "1 passed, 0 failed"
