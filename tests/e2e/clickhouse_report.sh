#!/usr/bin/env bash
# End to end (#18, the query side): `s3top report clickhouse://...` over a real two-shard
# ClickHouse cluster on 127.0.0.1 (tests/support/clickhouse_cluster.sh) prints the same CSV,
# JSON and table, byte for byte, as a local report over the logs that were ingested: grouped by every kind of
# dimension (stored, number, key prefix, time), with filters of every operator (the values
# decided by the local filter code), keys logged percent-encoded and hostile, distinct clients
# and p50/p95; and `s3top bill --no-storage clickhouse://...` prints the same statement as over
# the logs, in every format; and the HTML page, byte for byte. A time-dimension filter term, a second PATH and a stopped shard: one line, and
# the password is never printed.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}" "${S3TOP_SOURCE_DIR:?}"
source "$S3TOP_SOURCE_DIR/tests/support/clickhouse_cluster.sh"
ch_require
fail() { echo "FAIL: $*" >&2; exit 1; }

ch_work
export CH_INGEST_PASSWORD="pw-$RANDOM-Xr7"
ch_start "$work/ch"
ch_schema logs
url="clickhouse://ingest:$CH_INGEST_PASSWORD@127.0.0.1:${CH_HTTP[0]},127.0.0.1:${CH_HTTP[1]}/logs?table=s3top_records"

"$S3GEN" --out "$work/logs" --lines 40000 --files 12 --garbage-permille 5 --seed 21 >/dev/null
# Keys a stranger wrote: percent-encoded (shown decoded, matched either way), a quote, a
# backslash, a control byte, bytes that are not UTF-8, and slashes to cut prefixes at.
python3 - "$work/logs" <<'PY'
import os, sys
d = sys.argv[1]
src = open(os.path.join(d, sorted(os.listdir(d))[0]), "rb").read().split(b"\n")[0]
f = src.split(b" ")
keys = [b"my%20file.pdf", b"my+file.pdf", b"q'uote/x.mp4", b"back\\slash/a/b", b"ctl%1B%5B31m/x", b"\xff\xfe/bin",
        b"/lead/slash/c.mp4", b"a//b/c", b"data/2024/03/x.mp4"]
lines = []
for i, k in enumerate(keys * 3):
    g = list(f)
    g[8] = k  # the key field
    g[2] = b"[01/Mar/2024:0%d:1%d:00" % (i % 10, i % 6)
    lines.append(b" ".join(g))
open(os.path.join(d, "2024-03-01-09-59-59-HOSTILE0000000"), "wb").write(b"\n".join(lines) + b"\n")
PY
"$S3TOP" ingest --quiet --state "$work/state" --to "$url" "$work/logs" >/dev/null 2>"$work/err" ||
  fail "ingest: $(cat "$work/err")"

same() {  # same OPTIONS...: the CSV, JSON and table over ClickHouse equal the local ones
  local rc=0 fmt
  for fmt in csv json table; do
    [[ $fmt == csv || -z ${CSV_ONLY:-} ]] || continue
    rc=0
    "$S3TOP" report --no-state --quiet --format $fmt "$@" "$work/logs" >"$work/local.$fmt" 2>/dev/null || rc=$?
    [[ $rc == 0 ]] || fail "local report $*: exit $rc"
    "$S3TOP" report --format $fmt "$@" "$url" >"$work/ch.$fmt" 2>"$work/ch.err" ||
      fail "report --format $fmt $* over ClickHouse: $(cat "$work/ch.err")"
    ! grep -qF "$CH_INGEST_PASSWORD" "$work/ch.$fmt" "$work/ch.err" || fail "the password was printed"
    cmp -s "$work/local.$fmt" "$work/ch.$fmt" ||
      fail "report --format $fmt $* over ClickHouse differs from the local one: $(diff "$work/local.$fmt" "$work/ch.$fmt" | head -6)"
  done
  [[ $(wc -l <"$work/ch.csv") -gt 1 || -n ${EMPTY:-} ]] || fail "report $*: no group"
}
same --by org
export CSV_ONLY=1
same --by org,status_class --sort requests
same --by status
same --by tier,operation
same --by prefix:1 --sort key
same --by prefix:2,key
same --by key --filter 'key~/\.mp4$/'
same --by key --filter 'key="my file.pdf"'
same --by key --filter 'key=my%20file.pdf'
same --by key --filter 'key!~mp4 prefix:1!=data'
same --by hour
same --by day,org --top 7
unset CSV_ONLY
same --by month
export CSV_ONLY=1
same --by ip --top 25
same --by requester,ua --filter 'status=503,404 class!=2xx org!=-'
same --by org --filter 'tier=put from=2024-03-01T12:00 to=2024-03-02'
same --by org --filter 'ua~CURL'
same --by bucket --filter 'org=-'
unset CSV_ONLY
EMPTY=1 same --by org --filter "org=\"it's\\\\none\""
echo "the same reports over ClickHouse as over the logs: 19 reports"

# HTML: the chart, the panels and the org picker's 25 views are snapshots made there, as the
# dashboard's are; the page is the local one byte for byte.
html_same() {  # html_same OPTIONS...
  "$S3TOP" report --no-state --quiet --format html "$@" "$work/logs" >"$work/local.html" 2>/dev/null ||
    fail "local report --format html $*: exit $?"
  "$S3TOP" report --format html "$@" "$url" >"$work/ch.html" 2>"$work/ch.err" ||
    fail "report --format html $* over ClickHouse: $(cat "$work/ch.err")"
  cmp -s "$work/local.html" "$work/ch.html" ||
    fail "report --format html $* over ClickHouse differs: $(diff "$work/local.html" "$work/ch.html" | head -6)"
  grep -q '<option value="24">' "$work/ch.html" || fail "report --format html $*: no 25 org views"
}
html_same --by org
html_same --by key --top 30 --sort requests --filter 'status!=200' --panels key,prefix:1,ip,status,ua
echo "the same HTML pages over ClickHouse as over the logs: 2 pages"

# bill: the same statement in every format (its storage line: e2e.clickhouse_storage).
bill_same() {  # bill_same OPTIONS...
  local fmt
  for fmt in table csv json html; do
    "$S3TOP" bill --no-state --quiet --no-storage --format $fmt "$@" "$work/logs" >"$work/bill-local.$fmt" 2>/dev/null ||
      fail "local bill $*: exit $?"
    "$S3TOP" bill --no-storage --format $fmt "$@" "$url" >"$work/bill-ch.$fmt" 2>"$work/ch.err" ||
      fail "bill --format $fmt $* over ClickHouse: $(cat "$work/ch.err")"
    ! grep -qF "$CH_INGEST_PASSWORD" "$work/bill-ch.$fmt" "$work/ch.err" || fail "the password was printed"
    cmp -s "$work/bill-local.$fmt" "$work/bill-ch.$fmt" ||
      fail "bill --format $fmt $* over ClickHouse differs: $(diff "$work/bill-local.$fmt" "$work/bill-ch.$fmt" | head -6)"
  done
  grep -q '"amount"' "$work/bill-ch.json" || fail "bill $*: no amount in the statement"
}
bill_same --month 2024-03
bill_same --from 2024-03-01T06:00 --to 2024-03-02 --by org,bucket --exclude-errors --filter 'org!=-'
echo "the same statements over ClickHouse as over the logs: 2 periods, 4 formats"

refused() {  # refused WANT-RC TEXT [bill] OPTIONS...: one line on stderr holding TEXT
  local want=$1 text=$2 rc=0 cmd=report
  shift 2
  [[ $1 == bill ]] && { cmd=bill; shift; }
  "$S3TOP" $cmd "$@" >"$work/out" 2>"$work/err" || rc=$?
  [[ $rc == "$want" ]] || fail "report $*: exit $rc, want $want: $(cat "$work/err")"
  [[ $(wc -l <"$work/err") == 1 ]] && grep -qF -- "$text" "$work/err" || fail "report $* said: $(cat "$work/err")"
  ! grep -qF "$CH_INGEST_PASSWORD" "$work/out" "$work/err" || fail "the password was printed"
}
refused 1 "cannot be sent to ClickHouse" --format csv --filter 'hour=2024-03-01T10' "$url"
refused 2 "give it alone" --format csv "$url" "$work/logs"
refused 2 "not with --no-storage" bill --no-storage --inventory "$work/logs" --month 2024-03 "$work/logs"
refused 2 "not for a clickhouse:// PATH" --format csv --follow "$url"
ch_stop_one 2
refused 1 "ClickHouse at 127.0.0.1:${CH_HTTP[0]}" --format csv "$url"
echo "ok: refusals in one line; a stopped shard is an error, not a short report"
