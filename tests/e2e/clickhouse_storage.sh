#!/usr/bin/env bash
# End to end (#18, storage): `s3top storage` and `s3top bill` (its storage line included) over
# a clickhouse:// PATH print the same JSON and CSV, byte for byte, as a local run over the logs
# that were ingested into a real two-shard cluster (tests/support/clickhouse_cluster.sh): s3gen's
# object lifecycles mixed with its request mix and garbage, ingested through kill -9 at random
# points and a last run. Also: no storage event twice in the storage table; a table of an older
# schema (no storage table, no storage_failed column) and batches sent without their events are
# one line, exit 1, naming what is missing; ingest into such a table is refused the same way.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}" "${S3TOP_SOURCE_DIR:?}"
source "$S3TOP_SOURCE_DIR/tests/support/clickhouse_cluster.sh"
ch_require
fail() { echo "FAIL: $*" >&2; exit 1; }

work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; ch_stop; [ -n "${S3TOP_KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
export CH_INGEST_PASSWORD="pw-$RANDOM-Sx4"
ch_start "$work/ch"
ch_schema logs
url="clickhouse://ingest:$CH_INGEST_PASSWORD@127.0.0.1:${CH_HTTP[0]},127.0.0.1:${CH_HTTP[1]}/logs?table=s3top_records"
events=logs.s3top_records_storage_all

# Lifecycles (puts, overwrites, multipart uploads, deletes, transitions, versioned buckets) over
# February, and the request mix with garbage in the same folder.
"$S3GEN" --out "$work/logs" --storage-objects 25000 --files 16 --seed 5 --orgs 9 --start 2024-02-01T00:00:00 \
  --inventory-out "$work/inventory" 2>/dev/null >/dev/null
"$S3GEN" --out "$work/mix" --lines 20000 --files 6 --garbage-permille 6 --seed 3 --start 2024-02-10T00:00:00 \
  >/dev/null
for f in "$work/mix"/*; do mv "$f" "$work/logs/mix-$(basename "$f")"; done

# kill -9 at random points once batches are being sent (ch_kill_while_sending), eight times,
# then a last run to the end. A batch's storage events are sent before its lines row: a kill
# between the two leaves events that the next run takes out again (the storage table shrinks)
# before it sends them anew.
rows() { ch_query 1 "SELECT count() FROM $events"; }
killed=0 taken_out=0
for delay_ms in 50 300 900 150 600 1200 100 450; do
  before=$(ch_state_size "$work/state") rows_before=$(rows)
  "$S3TOP" ingest --quiet --workers 2 --state "$work/state" --to "$url" "$work/logs" >/dev/null 2>"$work/err" &
  pid=$!
  ch_kill_while_sending "$pid" "$work/state" "$before" "$delay_ms" && killed=$((killed + 1))
  pid=""
  (($(rows) < rows_before)) && taken_out=$((taken_out + 1))
done
"$S3TOP" ingest --quiet --state "$work/state" --to "$url" "$work/logs" >/dev/null 2>"$work/err" ||
  fail "ingest after kill -9: $(cat "$work/err")"
echo "kill -9: 8 runs, $killed killed before their end, $taken_out times a run took out events sent without their lines row; $(rows) events"
((killed > 0)) || fail "every ingest ran to its end before its kill -9"
[[ $(ch_query 1 "SELECT count() - uniqExact(source_file, source_offset) FROM $events") == 0 ]] ||
  fail "a storage event is in the storage table twice"
[[ $(ch_query 1 "SELECT count() FROM logs.s3top_records_lines_all WHERE isNull(storage_failed)") == 0 ]] ||
  fail "a batch was sent without its storage_failed count"

same() {  # same CMD FORMAT OPTIONS...: CMD over ClickHouse prints what it prints over the logs
  local cmd=$1 fmt=$2 rc=0
  shift 2
  "$S3TOP" "$cmd" --no-state --quiet --format "$fmt" "$@" "$work/logs" >"$work/local.$fmt" 2>/dev/null || rc=$?
  [[ $rc == 0 ]] || fail "local $cmd $*: exit $rc"
  "$S3TOP" "$cmd" --format "$fmt" "$@" "$url" >"$work/ch.$fmt" 2>"$work/ch.err" ||
    fail "$cmd --format $fmt $* over ClickHouse: $(cat "$work/ch.err")"
  ! grep -qF "$CH_INGEST_PASSWORD" "$work/ch.$fmt" "$work/ch.err" || fail "the password was printed"
  cmp -s "$work/local.$fmt" "$work/ch.$fmt" ||
    fail "$cmd --format $fmt $* over ClickHouse differs from the local run: $(diff "$work/local.$fmt" "$work/ch.$fmt" | head -6)"
}
same storage json --month 2024-02 --by org,class --versioned st-versioned
grep -q '"bytes_end":[1-9]' "$work/ch.json" || fail "storage over ClickHouse stored nothing: $(head -c 300 "$work/ch.json")"
grep -q '"failed":[1-9]' "$work/ch.json" || fail "no failed object-changing request counted: $(head -c 600 "$work/ch.json")"
same storage csv --month 2024-02 --by bucket
same storage csv --from 2024-02-10T06:00 --to 2024-02-20 --by prefix:1 --filter 'org!=-'
same storage json --month 2024-03 --by org
same storage table --month 2024-02 --by org
same bill json --month 2024-02 --versioned st-versioned
grep -q '"storage"' "$work/ch.json" || fail "bill over ClickHouse has no storage line"
same bill csv --month 2024-02 --by org,bucket
# --inventory: the objects stored before the logs too, their owners by the org rule the ingest
# recorded with its batches (here the default, org=: the inventory's rows have none).
same storage json --month 2024-02 --by org,class --versioned st-versioned --inventory "$work/inventory"
grep -q "known from the inventory of st-data" "$work/ch.json" || fail "no inventory in: $(head -c 600 "$work/ch.json")"
same bill json --month 2024-02 --versioned st-versioned --inventory "$work/inventory"
echo "the same storage reports and statements over ClickHouse as over the logs: 6 reports, 3 statements"

# Ingested with --org-from prefix:1 into another database: the inventory's objects are owned by
# their key's first segment there too, as a local run with that --org-from says.
ch_schema bykey
bykey="clickhouse://127.0.0.1:${CH_HTTP[0]},127.0.0.1:${CH_HTTP[1]}/bykey?table=s3top_records"
"$S3TOP" ingest --quiet --org-from prefix:1 --state "$work/state-bykey" --to "$bykey" "$work/logs" 2>"$work/err" ||
  fail "ingest --org-from prefix:1: $(cat "$work/err")"
"$S3TOP" storage --no-state --quiet --org-from prefix:1 --month 2024-02 --by org,class --inventory "$work/inventory" \
  --format json "$work/logs" >"$work/local.json" 2>/dev/null
"$S3TOP" storage --month 2024-02 --by org,class --inventory "$work/inventory" --format json "$bykey" >"$work/ch.json" \
  2>"$work/ch.err" || fail "storage --inventory over the prefix:1 table: $(cat "$work/ch.err")"
cmp -s "$work/local.json" "$work/ch.json" ||
  fail "storage --inventory over the prefix:1 table differs: $(diff "$work/local.json" "$work/ch.json" | head -6)"
cmp -s "$work/local.json" <("$S3TOP" storage --no-state --quiet --month 2024-02 --by org,class \
  --inventory "$work/inventory" --format json "$work/logs" 2>/dev/null) &&
  fail "the org rule changes nothing here: the test cannot tell it was used"
# Batches of two org rules in one table: an inventory's owners cannot be told, in one line.
"$S3GEN" --out "$work/more" --lines 300 --files 1 --seed 9 --start 2024-02-12T00:00:00 >/dev/null
"$S3TOP" ingest --quiet --org-from requester --state "$work/state-req" --to "$bykey" "$work/more" 2>"$work/err" ||
  fail "ingest --org-from requester: $(cat "$work/err")"
rc=0
"$S3TOP" storage --month 2024-02 --inventory "$work/inventory" "$bykey" >/dev/null 2>"$work/err" || rc=$?
[[ $rc == 1 && $(wc -l <"$work/err") == 1 ]] &&
  grep -qF "ingested with different --org-from ('prefix:1', 'requester')" "$work/err" ||
  fail "two org rules: exit $rc, said: $(cat "$work/err")"
echo "ok: storage and bill --inventory over ClickHouse, owners by the org rule the ingest recorded"

# An older schema: the records and lines tables without the storage table and its column.
ch_query 1 "CREATE TABLE logs.old AS logs.s3top_records"
ch_query 1 "CREATE TABLE logs.old_lines AS logs.s3top_records_lines"
ch_query 1 "ALTER TABLE logs.old_lines DROP COLUMN storage_failed"
old="clickhouse://ingest:$CH_INGEST_PASSWORD@127.0.0.1:${CH_HTTP[0]}/logs?table=old"
refused() {  # refused TEXT CMD ARGS...: one line on stderr holding TEXT, exit 1
  local text=$1 rc=0
  shift
  "$S3TOP" "$@" >"$work/out" 2>"$work/err" || rc=$?
  [[ $rc == 1 ]] || fail "$*: exit $rc, want 1: $(cat "$work/err")"
  [[ $(wc -l <"$work/err") == 1 ]] && grep -qF -- "$text" "$work/err" || fail "$* said: $(cat "$work/err")"
  ! grep -qF "$CH_INGEST_PASSWORD" "$work/out" "$work/err" || fail "the password was printed"
}
refused "has no table logs.old_storage" storage --month 2024-02 "$old"
refused "has no table logs.old_storage" bill --month 2024-02 "$old"
refused "table logs.old_lines has no column storage_failed" ingest --quiet --state "$work/state-old" --to "$old" "$work/logs"
ch_query 1 "CREATE TABLE logs.old_storage AS logs.s3top_records_storage"
refused "table logs.old_lines has no column storage_failed" storage --month 2024-02 "$old"
# A batch an older s3top sent: its lines row says nothing of storage (NULL).
ch_query 1 "ALTER TABLE logs.old_lines ADD COLUMN storage_failed Nullable(UInt64)"
ch_query 1 "INSERT INTO logs.old_lines (batch_id, lines_read, lines_parsed, bytes_read, newest_source_mtime, reasons,
  reason_lines) VALUES (1, 10, 10, 1000, 0, [], [])"
refused "1 batches in logs.old_lines were sent without their object-changing requests" storage --month 2024-02 "$old"
# ... and without its --org-from (''): --inventory cannot give owners; nor without the column.
refused "logs.old_lines were sent without their --org-from" storage --month 2024-02 --inventory "$work/inventory" "$old"
ch_query 1 "ALTER TABLE logs.old_lines DROP COLUMN org_from"
refused "table logs.old_lines has no column org_from" bill --month 2024-02 --inventory "$work/inventory" "$old"
"$S3TOP" bill --no-storage --month 2024-02 --format json "$old" >/dev/null 2>"$work/err" ||
  fail "bill --no-storage over the older table: $(cat "$work/err")"
echo "ok: an older schema and batches without storage events are one line naming what is missing"
