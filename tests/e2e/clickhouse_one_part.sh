#!/usr/bin/env bash
# End to end: each insert of an ingest is one part on its shard, whatever the server's profile
# says of min_insert_block_size_rows and _bytes (ClickHouse writes a part each time the rows
# it has gathered pass them: 256 MiB by default, which one host's share of a batch of long
# lines can pass). A part written while the rest of the insert was still coming would stay
# after a crash, and the next run would find the batch "not one insert".
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}" "${S3TOP_SOURCE_DIR:?}"
source "$S3TOP_SOURCE_DIR/tests/support/clickhouse_cluster.sh"
ch_require
fail() { echo "FAIL: $*" >&2; exit 1; }

ch_work
ch_start "$work/ch"
ch_schema logs
# Shard 1's default profile: a part every 1,000 rows or 1 MB (each Native block of an insert, 16,384 rows).
sed -i 's#<max_threads>2</max_threads>#&<min_insert_block_size_rows>1000</min_insert_block_size_rows><min_insert_block_size_bytes>1000000</min_insert_block_size_bytes>#' \
  "$work/ch/shard1/users.xml"
ch_stop_one 1
ch_start_one 1
ch_wait 1
[[ $(ch_query 1 "SELECT value FROM system.settings WHERE name = 'min_insert_block_size_rows'") == 1000 ]] ||
  fail "shard 1's profile was not taken"

"$S3GEN" --out "$work/logs" --lines 100000 --files 8 --seed 31 >/dev/null
url="clickhouse://127.0.0.1:${CH_HTTP[0]}/logs?table=s3top_records"
"$S3TOP" ingest --quiet --state "$work/state" --to "$url" "$work/logs" 2>"$work/err" || { cat "$work/err" >&2; fail "the ingest failed"; }
rows=$(ch_query 1 "SELECT count() FROM logs.s3top_records")
(( rows > 90000 )) || fail "only $rows rows landed"
# One part per batch and month, counted as written (merges may have joined them since).
batches=$(ch_query 1 "SELECT uniqExact((batch_id, toYYYYMM(time))) FROM logs.s3top_records")
written=$(ch_query 1 "SELECT value FROM system.events WHERE event = 'MergeTreeDataWriterBlocks'")
lines=$(ch_query 1 "SELECT count() FROM logs.s3top_records_lines")
storage=$(ch_query 1 "SELECT count() > 0 FROM logs.s3top_records_storage")
# The lines and storage tables take one part per batch each (small inserts).
want=$((batches + lines + (storage == 1 ? lines : 0)))
(( written == want )) || fail "the ingest wrote $written parts for $batches record inserts, $lines lines rows and their storage events (want $want)"
echo "ok: $rows rows in $batches record inserts, each one part ($written parts written in all)"
