#!/usr/bin/env bash
# End to end (#18): `s3top ingest --follow` into a real two-shard ClickHouse cluster
# (tests/support/clickhouse_cluster.sh): lines appended to a log while it runs, and a file
# renamed into the folder, arrive exactly once (the rows are the valid lines a local report
# counts over the same logs, no (file, line) twice, the lines table counts every line once);
# SIGINT ends it with exit status 0 and its summary; a restart sends nothing. --dedupe
# request-id is refused in one line saying why it could not be exact.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}" "${S3TOP_SOURCE_DIR:?}"
source "$S3TOP_SOURCE_DIR/tests/support/clickhouse_cluster.sh"
ch_require
fail() { echo "FAIL: $*" >&2; [ -f "$work/err" ] && cat "$work/err" >&2; exit 1; }

work=$(mktemp -d)
pid=""
trap '[[ $BASHPID -eq $$ ]] || exit; [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; ch_stop; [ -n "${S3TOP_KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
ch_start "$work/ch"
ch_schema logs
url="clickhouse://127.0.0.1:${CH_HTTP[0]},127.0.0.1:${CH_HTTP[1]}/logs?table=s3top_records"
all=logs.s3top_records_all
rows() { ch_query 1 "SELECT count() FROM $all"; }
dupes() { ch_file_lines all logs | sort | uniq -d | wc -l; }
lines_read() { ch_query 1 "SELECT sum(lines_read) FROM logs.s3top_records_lines_all"; }
valid() { "$S3TOP" report --no-state --quiet --format csv --exact --by status "$work/logs" | awk -F, 'NR > 1 { n += $2 } END { print n + 0 }'; }
wait_rows() {  # what: until ClickHouse holds the valid lines of $work/logs
  local want i
  want=$(valid)
  for ((i = 0; i < ${S3TOP_E2E_WAIT:-20} * 5; i++)); do
    [[ $(rows) == "$want" ]] && return 0
    kill -0 "$pid" 2>/dev/null || fail "$1: ingest --follow ended"
    sleep 0.2
  done
  fail "$1: ClickHouse holds $(rows) rows, the logs $want valid lines"
}

"$S3GEN" --out "$work/gen" --lines 9000 --files 3 --garbage-permille 5 --seed 21 >/dev/null
"$S3GEN" --out "$work/later" --lines 2000 --files 1 --garbage-permille 5 --seed 22 --start 2024-03-03T00:00:00 >/dev/null
mkdir -p "$work/logs"
mapfile -t gen < <(ls "$work/gen")
cp "$work/gen/${gen[0]}" "$work/gen/${gen[1]}" "$work/logs/"
growing="$work/logs/${gen[2]}"
total=$(wc -l <"$work/gen/${gen[2]}")
head -n $((total / 3)) "$work/gen/${gen[2]}" >"$growing"

"$S3TOP" ingest --quiet --follow --state "$work/state" --to "$url" "$work/logs" >"$work/out" 2>"$work/err" &
pid=$!
wait_rows "the first files"
# Appended while it runs, in two pieces of whole lines; then a file renamed in, as sync tools do.
sed -n "$((total / 3 + 1)),$((2 * total / 3))p" "$work/gen/${gen[2]}" >>"$growing"
wait_rows "the first lines appended"
sed -n "$((2 * total / 3 + 1)),\$p" "$work/gen/${gen[2]}" >>"$growing"
cp "$work/later/"* "$work/logs/.incoming.tmp"
mv "$work/logs/.incoming.tmp" "$work/logs/later.log"
wait_rows "the rest appended and a new file"
cmp -s "$growing" "$work/gen/${gen[2]}" || fail "the test's own append went wrong"
[[ $(dupes) == 0 ]] || fail "$(dupes) (file, line) pairs were sent twice"
all_lines=$(cat "$work/logs"/* | wc -l)
[[ $(lines_read) == "$all_lines" ]] || fail "the lines table counts $(lines_read) lines read, the logs hold $all_lines"

kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
pid=""
[[ $rc == 0 ]] || fail "SIGINT: exit $rc, want 0"
grep -q "$all_lines lines read in all" "$work/err" || fail "no summary after SIGINT"

# A restart sends nothing: every line is in the state as sent.
before=$(rows)
"$S3TOP" ingest --state "$work/state" --to "$url" "$work/logs" >/dev/null 2>"$work/err" || fail "the restart failed"
grep -q "this run sent 0 rows" "$work/err" || fail "the restart sent something: $(cat "$work/err")"
[[ $(rows) == "$before" && $(lines_read) == "$all_lines" ]] || fail "the restart changed the tables: $(rows) rows"
rc=0
"$S3TOP" ingest --dedupe request-id --state "$work/state" --to "$url" "$work/logs" >/dev/null 2>"$work/err" || rc=$?
[[ $rc == 2 && $(wc -l <"$work/err") == 1 ]] && grep -qF "a record S3 delivered twice can be in files --shard gives" \
  "$work/err" || fail "--dedupe with ingest: exit $rc"
echo "ok: ingest --follow sent $before rows of $all_lines lines exactly once, appended and new; SIGINT exit 0; a restart sent nothing"
