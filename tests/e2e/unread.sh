#!/usr/bin/env bash
# End to end (#22.8): an input that could not be read, or only in part, is never silent. A .gz
# cut short counts its whole lines before the cut and is named with the offset (no zlib
# "<fd:N>"); a file without read permission (as nobody when run as root) is named; every output
# of report and bill (table, CSV, JSON, HTML) lists them; the exit status is 3 ("the output
# covers the rest"), and 1 when nothing at all could be read.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
work=$(mktemp -d); trap '[[ $BASHPID -eq $$ ]] && rm -rf "$work"' EXIT  # only this shell, not a job before its exec
chmod 755 "$work"
fail() { echo "FAIL: $*"; exit 1; }
"$S3GEN" --out "$work/logs" --lines 3000 --files 3 --seed 5 --garbage-permille 0 >/dev/null
"$S3GEN" --out "$work/other" --lines 2000 --files 1 --seed 9 --garbage-permille 0 >/dev/null
gzip -c "$work"/other/* > "$work/whole.gz"
size=$(stat -c %s "$work/whole.gz")
head -c $((size / 2)) "$work/whole.gz" > "$work/logs/cut.gz"
# The whole lines in the cut file's data, as zlib gives them (the truth for "counted up to").
whole=$(python3 - "$work/logs/cut.gz" <<'PY'
import sys, zlib
data = zlib.decompressobj(31).decompress(open(sys.argv[1], "rb").read())
print(data.count(b"\n"))
PY
)
[ "$whole" -gt 0 ] || fail "the cut .gz has no whole line"
want=$((3000 + whole))

expect() {  # expect RC NAME CMD...: runs CMD, stdout to $work/NAME, stderr to $work/NAME.err
  local rc=0 want_rc=$1 name=$2; shift 2
  "$@" > "$work/$name" 2> "$work/$name.err" || rc=$?
  [ "$rc" -eq "$want_rc" ] || { cat "$work/$name.err"; fail "$name: exit $rc, want $want_rc"; }
  ! grep -q "<fd:" "$work/$name" "$work/$name.err" || fail "$name: zlib's stream name in a message"
}
expect 3 report.json "$S3TOP" report --no-state --format json "$work/logs"
python3 - "$work/report.json" "$want" "$whole" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
want, whole = int(sys.argv[2]), int(sys.argv[3])
assert r["totals"]["requests"] == want, (r["totals"]["requests"], want)
[u] = r["unread_inputs"]
assert u["path"].endswith("/cut.gz") and u["read"] == "part", u
assert "at compressed byte" in u["reason"] and f"counted up to line {whole} " in u["reason"], u
PY
grep -q "cut.gz: gzip: unexpected end of file at compressed byte" "$work/report.json.err" ||
  fail "stderr does not name the cut .gz and its offset"
grep -q "1 input could not be read, or only in part: the report covers the rest" "$work/report.json.err" ||
  fail "stderr does not say the report covers the rest"
expect 3 report.txt "$S3TOP" report --no-state "$work/logs"
grep -q "read in part  .*/cut.gz: gzip" "$work/report.txt" || fail "the table does not name the cut .gz"
expect 3 report.csv "$S3TOP" report --no-state --format csv "$work/logs"
grep -q "^input,read,reason" "$work/report.csv" && grep -q "/cut.gz,in part," "$work/report.csv" ||
  fail "the CSV does not name the cut .gz"
expect 3 report.html "$S3TOP" report --no-state --format html "$work/logs"
grep -q "read in part: <code>.*/cut.gz</code>" "$work/report.html" || fail "the HTML does not name the cut .gz"
for fmt in table csv json html; do
  expect 3 "bill.$fmt" "$S3TOP" bill --no-state --month 2024-03 --format "$fmt" "$work/logs"
  grep -q "cut.gz" "$work/bill.$fmt" || fail "bill --format $fmt does not name the cut .gz"
done
# With a state folder, the next run (nothing new read) still names it.
expect 3 state1.json "$S3TOP" report --state "$work/state" --format json "$work/logs"
expect 3 state2.json "$S3TOP" report --state "$work/state" --format json "$work/logs"
grep -q '"read":"part"' "$work/state2.json" || fail "a run with state forgot the cut .gz"
# A .gz cut before its first line end, alone: nothing could be read.
mkdir "$work/only"
head -c 40 "$work/whole.gz" > "$work/only/tiny.gz"
expect 1 only.json "$S3TOP" report --no-state --format json "$work/only"
# Every input read: exit 0 and an empty list.
rm "$work/logs/cut.gz"
expect 0 whole.json "$S3TOP" report --no-state --format json "$work/logs"
grep -q '"unread_inputs":\[\]' "$work/whole.json" || fail "no empty unread_inputs when all was read"
echo "cut .gz: $whole whole lines counted, named in every output, exit 3"

# A file that cannot be opened (root reads anything: the run is made as nobody).
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$S3TOP"; then
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  else
    echo "SKIPPED perm and follow: root without setpriv, or nobody cannot run $S3TOP"
    exit 77
  fi
fi
chmod -R a+rX "$work/logs"
cp "$work"/other/* "$work/logs/locked.log"
chmod 000 "$work/logs/locked.log"
expect 3 perm.json "${as_user[@]}" "$S3TOP" report --no-state --format json "$work/logs"
python3 - "$work/perm.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["totals"]["requests"] == 3000, r["totals"]
[u] = r["unread_inputs"]
assert u["path"].endswith("/locked.log") and u["read"] == "none" and u["reason"] == "Permission denied", u
PY
expect 3 perm.txt "${as_user[@]}" "$S3TOP" bill --no-state --month 2024-03 "$work/logs"
grep -q "not read      .*/locked.log: Permission denied" "$work/perm.txt" || fail "bill does not name the locked file"
mkdir "$work/locked"; cp "$work/logs/locked.log" "$work/locked/"
expect 1 perm1.json "${as_user[@]}" "$S3TOP" report --no-state --format json "$work/locked"
echo "perm: named in the output, exit 3; nothing readable: exit 1"

# report --follow: every report names the locked file while it cannot be read; SIGINT then
# exits 3. Made readable while followed, it is read, leaves the list, and the run exits 0.
follow_until() {  # follow_until PYTHON-CONDITION-ON-r: waits for a JSON line where it holds
  for _ in $(seq 1 300); do
    if [ -s "$work/f.jsonl" ] && tail -n 1 "$work/f.jsonl" | python3 -c "import json,sys; r=json.loads(sys.stdin.readline()); sys.exit(0 if ($1) else 1)" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  kill "$pid" 2>/dev/null; fail "follow: no report where $1: $(tail -c 600 "$work/f.jsonl"; cat "$work/f.err")"
}
stop_follow() {  # stop_follow WANT-RC
  local rc=0
  kill -INT "$pid"; wait "$pid" || rc=$?
  [ "$rc" -eq "$1" ] || fail "follow: exit $rc after SIGINT, want $1: $(cat "$work/f.err")"
}
rm -rf "$work/locked"
"${as_user[@]}" "$S3TOP" report --follow --no-state --every 100ms --format json "$work/logs" >"$work/f.jsonl" 2>"$work/f.err" &
pid=$!
follow_until 'r["totals"]["requests"] == 3000 and [u["path"].endswith("/locked.log") for u in r["unread_inputs"]] == [True]'
stop_follow 3
grep -q "1 input could not be read, or only in part: the report covers the rest" "$work/f.err" ||
  fail "follow: stderr does not say the report covers the rest: $(cat "$work/f.err")"
"${as_user[@]}" "$S3TOP" report --follow --no-state --every 100ms --format json "$work/logs" >"$work/f.jsonl" 2>"$work/f.err" &
pid=$!
follow_until '[u["path"].endswith("/locked.log") for u in r["unread_inputs"]] == [True]'
chmod 644 "$work/logs/locked.log"
follow_until 'r["totals"]["requests"] == 5000 and r["unread_inputs"] == []'
stop_follow 0
echo "follow: the locked file named in every report until it was read; exit 3, then 0"
