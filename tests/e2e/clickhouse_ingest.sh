#!/usr/bin/env bash
# End to end: `s3top ingest --to clickhouse://` into a real two-shard ClickHouse cluster on
# 127.0.0.1 (tests/support/clickhouse_cluster.sh; Debian's clickhouse-server 18.16).
# Checks: the rows spread over both shards, each file on one; per org the rows, bytes and
# status classes equal a local report of the same logs (garbage rejected alike); a re-run sends
# nothing; a grown file and a new one send exactly what is new; kill -9 at random points, then
# a re-run: every line exactly once; --shard 1/2 + 2/2 from two state folders send each file
# once (each record's path from its batch's lines row); a stopped shard, a missing column, a
# table of the shape before file numbers (with what to run), a wrong password: one line, exit
# 1, nothing counted, and the next run is exact; a state file of another version is refused,
# not rebuilt (which would send everything again); a second folder named sends only its files,
# other settings are refused; a fresh state folder sends no S3 log object the tables hold;
# the password is never printed.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}" "${S3TOP_SOURCE_DIR:?}"
source "$S3TOP_SOURCE_DIR/tests/support/clickhouse_cluster.sh"
ch_require
fail() { echo "FAIL: $*" >&2; exit 1; }

ch_work
export CH_INGEST_PASSWORD="pw-$RANDOM-Zq9"
ch_start "$work/ch"

ch_schema logs
# gzip-compressed inserts (the default for hosts not on this machine); the other tests send them as they are.
url="clickhouse://ingest:$CH_INGEST_PASSWORD@127.0.0.1:${CH_HTTP[0]},127.0.0.1:${CH_HTTP[1]}/logs?table=s3top_records&compress=gzip"
all=logs.s3top_records_all

ingest() {  # state-dir [options...] : runs an ingest of $work/logs, output in $work/out, $work/err
  local state=$1
  shift
  set +e
  "$S3TOP" ingest --quiet --state "$state" --to "$url" "$@" "$work/logs" >"$work/out" 2>"$work/err"
  rc=$?
  set -e
  ! grep -qF "$CH_INGEST_PASSWORD" "$work/out" "$work/err" || fail "the password was printed: $(cat "$work/err")"
}
rows() { ch_query 1 "SELECT count() FROM $all"; }
# The line counters the batches sent (the lines table): every line read once, as the state says.
lines_read() { ch_query 1 "SELECT sum(lines_read) FROM logs.s3top_records_lines_all"; }
truncate_all() { for n in 1 2; do for t in s3top_records s3top_records_lines s3top_records_storage; do ch_query "$n" "TRUNCATE TABLE logs.$t"; done; done; }
dupes() { ch_file_lines all logs | sort | uniq -d | wc -l; }
# Per org: requests, bytes sent, bytes uploaded, 4xx, 5xx, as the local report's CSV prints them.
by_org_ch() {
  ch_query 1 "SELECT if(org = '', '-', org), count(), sum(bytes_sent), sum(bytes_in), countIf(intDiv(status, 100) = 4),
    countIf(intDiv(status, 100) = 5) FROM $all GROUP BY org ORDER BY 1 FORMAT CSV" | tr -d '"'
}
by_org_local() {
  "$S3TOP" report --no-state --quiet --format csv --exact --sort key "$work/logs" | tail -n +2 | cut -d, -f1-6 | sort
}

"$S3GEN" --out "$work/logs" --lines 60000 --files 24 --garbage-permille 8 --seed 7 >/dev/null
ingest "$work/state"
[[ $rc == 0 ]] || fail "ingest: exit $rc: $(cat "$work/err")"
grep -q "rejected" "$work/err" || fail "no summary: $(cat "$work/err")"
valid=$("$S3TOP" report --no-state --quiet --format csv --exact --by status "$work/logs" | awk -F, 'NR > 1 { n += $2 } END { print n }')
[[ $(rows) == "$valid" ]] || fail "ClickHouse holds $(rows) rows, the logs $valid valid lines"
for n in 1 2; do
  [[ $(ch_query "$n" "SELECT count() FROM logs.s3top_records") -gt 0 ]] || fail "shard $n got no rows"
done
files() { ch_file_lines "$1" logs | cut -f1 | sort -u >"$work/files$1"; }
files 1
files 2
[[ -z $(comm -12 "$work/files1" "$work/files2") ]] || fail "files on both shards: $(comm -12 "$work/files1" "$work/files2" | head -3)"
[[ $(cat "$work/files1" "$work/files2" | wc -l) == 24 ]] || fail "not every file has rows"
diff <(by_org_local) <(by_org_ch | sort) >"$work/diff" || fail "per org, ClickHouse and the local report differ: $(head -5 "$work/diff")"
[[ $(dupes) == 0 ]] || fail "lines inserted twice"

# Again: nothing new, nothing sent.
ingest "$work/state"
[[ $rc == 0 && $(rows) == "$valid" ]] || fail "a re-run changed the rows to $(rows) (exit $rc)"
grep -q "sent 0 rows" "$work/err" || fail "a re-run said: $(cat "$work/err")"

# A state file of another s3top version (its format number after the 8-byte magic) is refused
# and left as it is: rebuilt, as a report rebuilds one, it would send every line again.
state_file=$(ls "$work/state"/*.state)
cp "$state_file" "$work/state.kept"
printf '\x06\x00\x00\x00' | dd of="$state_file" bs=1 seek=8 conv=notrunc status=none
ingest "$work/state"
[[ $rc == 1 && $(rows) == "$valid" ]] || fail "a state of another version: exit $rc, $(rows) rows: $(cat "$work/err")"
grep -q "of another s3top version.*not rebuilt" "$work/err" || fail "a state of another version said: $(cat "$work/err")"
cmp -s <(tail -c +13 "$state_file") <(tail -c +13 "$work/state.kept") || fail "the refused state file was changed"
cp "$work/state.kept" "$state_file"

# A grown file and a new one: exactly the new lines.
first=$(ls "$work/logs" | head -1)
tail -n 50 "$work/logs/$first" | sed 's/REST.GET.OBJECT/REST.HEAD.OBJECT/' >>"$work/logs/$first"
head -n 70 "$work/logs/$first" >"$work/logs/zz-new.log"
ingest "$work/state"
[[ $rc == 0 ]] || fail "ingest of new lines: exit $rc: $(cat "$work/err")"
valid=$("$S3TOP" report --no-state --quiet --format csv --exact --by status "$work/logs" | awk -F, 'NR > 1 { n += $2 } END { print n }')
[[ $(rows) == "$valid" ]] || fail "after new lines ClickHouse holds $(rows) rows, the logs $valid"

# A stopped shard: one line, exit 1; nothing of it counted; the next run sends it.
ch_stop_one 2
"$S3GEN" --out "$work/more" --lines 4000 --files 8 --seed 8 >/dev/null
for f in "$work/more"/*; do mv "$f" "$work/logs/more-$(basename "$f")"; done
ingest "$work/state"
[[ $rc == 1 ]] || fail "a stopped shard: exit $rc"
[[ $(wc -l <"$work/err") == 1 ]] || fail "a stopped shard said more than one line: $(cat "$work/err")"
grep -q "cannot be reached" "$work/err" || fail "a stopped shard said: $(cat "$work/err")"
ch_start_one 2
ch_wait 2
ingest "$work/state"
[[ $rc == 0 ]] || fail "after the shard came back: exit $rc: $(cat "$work/err")"
valid=$("$S3TOP" report --no-state --quiet --format csv --exact --by status "$work/logs" | awk -F, 'NR > 1 { n += $2 } END { print n }')
[[ $(rows) == "$valid" && $(dupes) == 0 ]] || fail "after a stopped shard: $(rows) rows, the logs $valid"

# Another folder named beside the one ingested: only its files are sent. An ingest's state is
# the target's, not one per set of folders named (it was: the new state sent every file again).
"$S3GEN" --out "$work/logs2" --lines 3000 --files 3 --seed 11 >/dev/null
before=$(rows)
extra=$("$S3TOP" report --no-state --quiet --format csv --exact --by status "$work/logs2" | awk -F, 'NR > 1 { n += $2 } END { print n }')
ingest "$work/state" "$work/logs2"
[[ $rc == 0 ]] || fail "ingest of a second folder: exit $rc: $(cat "$work/err")"
[[ $(rows) == $((before + extra)) && $(dupes) == 0 ]] ||
  fail "a second folder named beside the first: $(rows) rows, not $before + $extra"
[[ $(ls "$work/state"/*.state | wc -l) == 1 ]] || fail "a second state file: $(ls "$work/state")"
# Other settings (here the format named rather than detected) into the same target: refused,
# not a fresh state beside the first that would send every file again.
ingest "$work/state" --log-format s3
[[ $rc == 1 && $(rows) == $((before + extra)) ]] || fail "other settings: exit $rc, $(rows) rows: $(cat "$work/err")"
grep -q "written for other settings; not rebuilt" "$work/err" || fail "other settings said: $(cat "$work/err")"
[[ $(ls "$work/state"/*.state | wc -l) == 1 ]] || fail "other settings made a second state file: $(ls "$work/state")"

# kill -9 at random points of a bigger ingest into a fresh table, then a last run: exact.
truncate_all
rm -rf "$work/logs" "$work/state"
"$S3GEN" --out "$work/logs" --lines 300000 --files 40 --garbage-permille 5 --seed 9 >/dev/null
valid=$("$S3TOP" report --no-state --quiet --format csv --exact --by status "$work/logs" | awk -F, 'NR > 1 { n += $2 } END { print n }')
# Each run goes on where the last was killed, killed once it sends (ch_kill_while_sending),
# after a random delay, so some land between "pending" and "acknowledged". The delay adapts to
# the machine: a run killed before it sent anything doubles it, and an ingest that ran to its
# end before any kill came midway halves it and starts again from an empty table.
# CH_KILL_DELAY_MS sets the first delay (to try the adaptation: 20000 runs to the end first).
midway=0 kills=0 runs=0 delay_ms=${CH_KILL_DELAY_MS:-400}
for ((attempt = 0; attempt < 24 && kills < 8; attempt++)); do
  before=$(ch_state_size "$work/state") rows_before=$(rows)
  "$S3TOP" ingest --quiet --workers 2 --state "$work/state" --to "$url" "$work/logs" >/dev/null 2>"$work/err" &
  ch_kill_while_sending $! "$work/state" "$before" "$delay_ms" || true
  kills=$((kills + 1)) runs=$((runs + 1))
  now=$(rows)
  ((now > 0 && now < valid)) && midway=$((midway + 1))
  if ((now == valid)); then
    ((midway > 0)) && break
    truncate_all
    rm -rf "$work/state"
    kills=0 delay_ms=$((delay_ms > 40 ? delay_ms / 2 : 20))
  elif ((now == rows_before && delay_ms < 8000)); then
    delay_ms=$((delay_ms * 2))
  fi
done
echo "kill -9: $runs runs, $midway of them while rows were being sent, delays up to $delay_ms ms"
((midway > 0)) || fail "no kill -9 came while rows were being sent ($runs runs)"
ingest "$work/state"
[[ $rc == 0 ]] || fail "after kill -9: exit $rc: $(cat "$work/err")"
[[ $(rows) == "$valid" ]] || fail "after kill -9 at random points ClickHouse holds $(rows) rows, the logs $valid"
# Per org, as a local report: a batch sent twice (and another lost) could not keep every sum.
diff <(by_org_local) <(by_org_ch | sort) >"$work/diff" || fail "after kill -9, per org: $(head -5 "$work/diff")"
# By source line too: a range a crash left unread is numbered from the lines before it, so no
# (file, line) is there twice, none is 0 and none is past its file's last line.
[[ $(dupes) == 0 ]] || fail "after kill -9, $(dupes) (file, line) pairs are there twice"
# Every record's file is named by its batch's lines row: none without one, none without a path.
[[ $(ch_file_lines all logs "files[file_number] != ''" | wc -l) == "$valid" ]] ||
  fail "after kill -9, $(ch_file_lines all logs "files[file_number] != ''" | wc -l) of $valid rows have their file's path"
[[ $(ch_query 1 "SELECT count() FROM $all WHERE source_line = 0") == 0 ]] || fail "after kill -9, rows of line 0"
for f in "$work"/logs/*; do
  n=$(wc -l <"$f")
  over=$(ch_file_lines all logs "source_line > $n" | awk -F'\t' -v f="$f" '$1 == f' | wc -l)
  [[ $over == 0 ]] || fail "after kill -9, $over rows of $f are numbered past its $n lines"
done
grep -q "300000 lines read in all" "$work/err" || fail "after kill -9 the line count is off: $(cat "$work/err")"
[[ $(lines_read) == 300000 ]] || fail "after kill -9 the lines table counts $(lines_read) lines read, not 300000"

# Two machines, --shard 1/2 and 2/2, each with its own state: every file once.
truncate_all
ingest "$work/state-a" --shard 1/2
[[ $rc == 0 ]] || fail "--shard 1/2: exit $rc: $(cat "$work/err")"
part=$(rows)
[[ $part -gt 0 && $part -lt $valid ]] || fail "--shard 1/2 sent $part of $valid rows"
ingest "$work/state-b" --shard 2/2
[[ $(rows) == "$valid" && $(dupes) == 0 ]] || fail "--shard 1/2 + 2/2 sent $(rows) of $valid rows"

# A table without a column: named, exit 1, nothing sent.
ch_query 1 "CREATE TABLE logs.narrow (time DateTime('UTC'), org String) ENGINE = MergeTree() ORDER BY time"
narrow="clickhouse://ingest:$CH_INGEST_PASSWORD@127.0.0.1:${CH_HTTP[0]}/logs?table=narrow"
# An ingest that is to be refused: its exit status in $rc, what it said in $work/err.
ingest_refused() {  # STATE URL
  set +e
  "$S3TOP" ingest --quiet --state "$1" --to "$2" "$work/logs" >"$work/out" 2>"$work/err"
  rc=$?
  set -e
}
ingest_refused "$work/state-n" "$narrow"
[[ $rc == 1 ]] || fail "a table without columns: exit $rc"
grep -q "has no column requester, remote_ip" "$work/err" || fail "a table without columns said: $(cat "$work/err")"
! grep -qF "$CH_INGEST_PASSWORD" "$work/err" || fail "the password was printed"

# A table an s3top before file numbers made (source_file, a path on every row): refused in one
# line that says what to run; after that, the ingest goes into it.
while IFS= read -r -d ';' stmt; do
  [[ -n ${stmt//[$'\n ']/} ]] && ch_query 1 "$stmt"
done <<<"$("$S3TOP" schema clickhouse --database old)"
ch_query 1 "ALTER TABLE old.s3top_records DROP COLUMN file_number, ADD COLUMN source_file String AFTER total_time_ms"
ch_query 1 "ALTER TABLE old.s3top_records_lines DROP COLUMN files"
oldurl="clickhouse://ingest:$CH_INGEST_PASSWORD@127.0.0.1:${CH_HTTP[0]}/old?table=s3top_records"
ingest_refused "$work/state-old" "$oldurl"
[[ $rc == 1 && $(wc -l <"$work/err") == 1 ]] || fail "a table of the old shape: exit $rc: $(cat "$work/err")"
grep -qF "table old.s3top_records is an older s3top's (a path on every row, no file_number): on each shard run ALTER TABLE old.s3top_records ADD COLUMN file_number UInt32 and ALTER TABLE old.s3top_records_lines ADD COLUMN files Array(String)" "$work/err" ||
  fail "a table of the old shape said: $(cat "$work/err")"
[[ $(ch_query 1 "SELECT count() FROM old.s3top_records") == 0 ]] || fail "rows went into a table of the old shape"
ch_query 1 "ALTER TABLE old.s3top_records ADD COLUMN file_number UInt32"
ch_query 1 "ALTER TABLE old.s3top_records_lines ADD COLUMN files Array(String)"
"$S3TOP" ingest --quiet --state "$work/state-old" --to "$oldurl" "$work/logs" >"$work/out" 2>"$work/err" ||
  fail "into the old table with the columns added: $(cat "$work/err")"
[[ $(ch_query 1 "SELECT count() FROM old.s3top_records") == "$valid" ]] || fail "the old table with the columns added holds $(ch_query 1 "SELECT count() FROM old.s3top_records") rows"

# A wrong password: the server's refusal, not the password.
ingest_refused "$work/state-w" "clickhouse://ingest:Wr0ng-$CH_INGEST_PASSWORD@127.0.0.1:${CH_HTTP[0]}/logs"
[[ $rc == 1 && $(wc -l <"$work/err") == 1 ]] || fail "a wrong password: exit $rc: $(cat "$work/err")"
grep -q "Wrong password" "$work/err" || fail "a wrong password said: $(cat "$work/err")"
! grep -qF "$CH_INGEST_PASSWORD" "$work/err" || fail "the password was printed"
# From the environment, the same.
S3TOP_CLICKHOUSE_USER=ingest S3TOP_CLICKHOUSE_PASSWORD=$CH_INGEST_PASSWORD "$S3TOP" ingest --quiet --state "$work/state-b" \
  --shard 2/2 --to "clickhouse://127.0.0.1:${CH_HTTP[0]},127.0.0.1:${CH_HTTP[1]}/logs" "$work/logs" >"$work/out" 2>"$work/err" ||
  fail "user and password from the environment: $(cat "$work/err")"
! grep -qF "$CH_INGEST_PASSWORD" "$work/err" || fail "the password was printed"
[[ $(rows) == "$valid" ]] || fail "a re-run with the environment's password changed the rows"
# From the config file's [clickhouse] section: the same, and never printed, not by the summary
# (which names the URL), a report over ClickHouse, or the refusal of a wrong one.
printf '[clickhouse]\nuser = "ingest"\npassword = "%s"\n' "$CH_INGEST_PASSWORD" >"$work/ch.conf"
plain="clickhouse://127.0.0.1:${CH_HTTP[0]},127.0.0.1:${CH_HTTP[1]}/logs?table=s3top_records"
"$S3TOP" ingest --config "$work/ch.conf" --state "$work/state-b" --shard 2/2 --to "$plain" "$work/logs" \
  >"$work/out" 2>"$work/err" || fail "user and password from the config: $(cat "$work/err")"
grep -qF "to $plain" "$work/err" || fail "the summary did not name the URL: $(cat "$work/err")"
"$S3TOP" report --config "$work/ch.conf" --by org --format json "$plain" >>"$work/out" 2>>"$work/err" ||
  fail "a report with the config's password: $(cat "$work/err")"
! grep -qF "$CH_INGEST_PASSWORD" "$work/out" "$work/err" || fail "the config's password was printed"
[[ $(rows) == "$valid" ]] || fail "a re-run with the config's password changed the rows"
printf '[clickhouse]\nuser = "ingest"\npassword = "Wr0ng-%s"\n' "$CH_INGEST_PASSWORD" >"$work/bad.conf"
set +e
"$S3TOP" ingest --config "$work/bad.conf" --state "$work/state-c" --to "$plain" "$work/logs" >"$work/out" 2>"$work/err"
rc=$?
set -e
[[ $rc == 1 && $(wc -l <"$work/err") == 1 ]] || fail "a wrong password in the config: exit $rc: $(cat "$work/err")"
grep -q "Wrong password" "$work/err" || fail "a wrong password in the config said: $(cat "$work/err")"
! grep -qF "$CH_INGEST_PASSWORD" "$work/err" || fail "the config's wrong password was printed"
# A third state folder over the same files (a lost or moved one, or --shard changed): each S3
# log object the tables hold already is named and not sent again; a file of another name is.
"$S3GEN" --out "$work/extra" --lines 30 --files 1 --seed 12 >/dev/null
mv "$work"/extra/* "$work/logs/not-an-s3-log-name.log"
ingest "$work/state-lost"
[[ $rc == 3 && $(rows) == $((valid + 30)) ]] ||
  fail "a fresh state over sent objects (exit 3: inputs left out): exit $rc, $(rows) rows, not $valid + 30: $(head -3 "$work/err")"
n=$(grep -c "holds a log object of this name already, sent by another state file" "$work/err" || true)
[[ $n == 40 ]] || fail "a fresh state named $n of the 40 objects sent already: $(head -3 "$work/err")"
rm "$work/logs/not-an-s3-log-name.log"
echo "ok: rows over both shards, equal to the local report, exactly once through re-runs, kill -9, a stopped shard and --shard"
