#!/usr/bin/env bash
# End to end: --dedupe request-id. s3gen delivers 5% of its records a second time in objects of
# their own; with dedupe the report equals the truth (each record once), duplicates are
# rejections (duplicate_request_id) in the JSON, the table, the CSV, the billing statement
# (bill, report --billing: table, CSV, JSON) and --rejects; it is the same with 1
# or 2 workers and with --replay; a state folder keeps the request ids across runs, a
# compaction and a torn state file; bad values exit 2.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$S3GEN" --out "$work/logs" --lines 20000 --files 12 --seed 23 --duplicate-permille 50 \
  --truth "$work/truth.json" >/dev/null
ls "$work/logs" | grep -q -- '-redelivered$' || { echo "s3gen wrote no redelivered objects"; exit 1; }
R() { "$S3TOP" report --by org --format json "$@"; }
R --no-state --dedupe request-id --workers 2 --rejects "$work/rejects.tsv" "$work/logs" > "$work/d2.json"
R --no-state --dedupe request-id --workers 1 "$work/logs" > "$work/d1.json"
cmp "$work/d1.json" "$work/d2.json"  # the same report whatever the thread timing
R --no-state --dedupe request-id --replay "$work/logs" > "$work/replay.json"
cmp "$work/d2.json" "$work/replay.json"
R --no-state "$work/logs" > "$work/plain.json"
"$S3TOP" report --no-state --dedupe request-id "$work/logs" > "$work/table.txt"
grep -q "duplicate records" "$work/table.txt" || { echo "the table does not show the duplicates"; exit 1; }
# The CSV report and the billing statement (bill and report --billing) carry the figures too.
"$S3TOP" report --no-state --dedupe request-id --by org --format csv "$work/logs" > "$work/report.csv"
"$S3TOP" report --no-state --by org --format csv "$work/logs" > "$work/plain.csv"
B() { "$S3TOP" bill --no-state --month 2024-03 "$@"; }
B --dedupe request-id --format csv "$work/logs" > "$work/bill.csv"
"$S3TOP" report --billing --no-state --month 2024-03 --dedupe request-id --format csv "$work/logs" > "$work/billing.csv"
cmp "$work/bill.csv" "$work/billing.csv"
B --dedupe request-id --format json "$work/logs" > "$work/bill.json"
B --dedupe request-id "$work/logs" > "$work/bill.txt"
B --format csv "$work/logs" > "$work/bill-plain.csv"
B "$work/logs" > "$work/bill-plain.txt"

# Restarts: the originals first, the second deliveries in later runs (a state folder).
mkdir -p "$work/live"
for f in "$work"/logs/*; do case "$f" in *-redelivered) ;; *) cp "$f" "$work/live/" ;; esac; done
R --state "$work/state" --dedupe request-id "$work/live" > /dev/null
n=0
for f in "$work"/logs/*-redelivered; do
  cp "$f" "$work/live/"
  n=$((n + 1))
  if [ "$n" -eq 2 ]; then  # a torn state file: cut inside its last record
    st=$(ls "$work"/state/*.state)
    truncate -s -100 "$st"
  fi
  R --state "$work/state" --dedupe request-id "$work/live" > "$work/state.json" 2> "$work/state.err"
done
grep -q "discarded" "$work/state.err" || true  # (the cut may fall in the last run's records)

# Dedupe on over a state built without it: a state of its own, with a note.
R --state "$work/state2" "$work/logs" > /dev/null
R --state "$work/state2" --dedupe request-id "$work/logs" > "$work/over.json" 2> "$work/over.err"
grep -q "built without --dedupe request-id" "$work/over.err" || { cat "$work/over.err"; echo "no note"; exit 1; }

python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
t = json.load(open(f"{w}/truth.json"))
dups = t["duplicates"]
assert dups > 0
def load(name):
    r = json.load(open(f"{w}/{name}.json"))
    return r, {g["key"]: (g["requests"], g["bytes_sent"]) for g in r["groups"]}
want = {k: (v["requests"], v["bytes_sent"]) for k, v in t["by_org"].items()}
for name in ("d2", "state", "over"):
    r, org = load(name)
    assert org == want, f"{name}: per-org totals differ from the truth"
    for k in ("requests", "bytes_sent", "bytes_uploaded", "errors_4xx", "errors_5xx"):
        assert r["totals"][k] == t["totals"][k], (name, k)
    L = r["lines"]
    assert L["read"] == t["lines"] + dups, (name, L)
    assert L["parsed"] == t["valid"], (name, L)
    assert L["duplicate_records"] == dups and L["rejected_by_reason"]["duplicate_request_id"] == dups, (name, L)
    assert L["no_request_id"] == 0, (name, L)
    assert L["parsed"] + L["rejected"] + L["ignored"] == L["read"]
plain, _ = load("plain")
assert plain["totals"]["requests"] == t["totals"]["requests"] + dups, "without dedupe copies count twice"
assert "duplicate_records" not in plain["lines"]
listed = sum(1 for l in open(f"{w}/rejects.tsv", encoding="utf-8", errors="replace")
             if l.split("\t")[2] == "duplicate_request_id")
assert listed == dups, (listed, dups)
import csv, re
def csv_parts(name):
    """The lines, and the line_counter table when there is one (tables after the lines are
    separated by a blank row; a statement may also have a period,warning table)."""
    rows = list(csv.reader(open(f"{w}/{name}.csv", newline="", encoding="utf-8")))
    sections, cur = [], []
    for r in rows:
        if r == []:
            sections.append(cur)
            cur = []
        else:
            cur.append(r)
    sections.append(cur)
    counters = [dict(t) for t in sections[1:] if t and t[0] == ["line_counter", "count"]]
    return sections[0], counters[0] if counters else None
rows, counters = csv_parts("report")
assert counters == {"line_counter": "count", "duplicate_records": str(dups), "no_request_id": "0"}, counters
assert {r[0]: (int(r[1]), int(r[2])) for r in rows[1:]} == want, "CSV per-org totals differ from the truth"
assert csv_parts("plain")[1] is None and csv_parts("bill-plain")[1] is None, "no dedupe figures without dedupe"
rows, counters = csv_parts("bill")
assert counters == {"line_counter": "count", "duplicate_records": str(dups), "no_request_id": "0"}, counters
head = rows[0]
billed = sum(int(r[head.index("requests")]) for r in rows[1:])
assert billed == t["totals"]["requests"], (billed, t["totals"]["requests"])
b = json.load(open(f"{w}/bill.json"))
assert b["lines"]["duplicate_records"] == dups and b["lines"]["no_request_id"] == 0, b["lines"]
assert b["periods"][0]["all"]["requests"] == t["totals"]["requests"]
text = open(f"{w}/bill.txt", encoding="utf-8").read()
m = re.search(r"Dedupe by request id, of all ([\d,]+) lines read: ([\d,]+) duplicate records dropped \(not billed\); "
              r"([\d,]+) records had no request id", text)
assert m, text[:600]
assert [int(x.replace(",", "")) for x in m.groups()] == [t["lines"] + dups, dups, 0], m.groups()
assert "duplicate" not in open(f"{w}/bill-plain.txt", encoding="utf-8").read()
print("dedupe equals the truth:", t["valid"], "records,", dups, "second deliveries rejected (JSON, CSV, bill)")
PY

# Formats without a request id are named, not passed over in silence.
printf '10.0.0.1 - - [01/Mar/2024:00:00:01 +0000] "GET /k?org=a HTTP/1.1" 200 10 "-" "curl"\n' > "$work/access.log"
"$S3TOP" report --no-state --dedupe request-id "$work/access.log" > /dev/null 2> "$work/clf.err"
grep -q "of format combined not deduped" "$work/clf.err" || { cat "$work/clf.err"; echo "no format note"; exit 1; }

# Bad values exit 2 with a reason; the config's [log] dedupe works like the option.
set +e
"$S3TOP" report --no-state --dedupe request_id "$work/logs" > /dev/null 2> "$work/bad.err"; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "dedupe" "$work/bad.err" || { echo "bad --dedupe: rc $rc"; exit 1; }
printf '[log]\ndedupe = "sometimes"\n' > "$work/bad.conf"
set +e
"$S3TOP" report --no-state --config "$work/bad.conf" "$work/logs" > /dev/null 2> "$work/badconf.err"; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "log.dedupe" "$work/badconf.err" || { echo "bad [log] dedupe: rc $rc"; exit 1; }
printf '[log]\ndedupe = "request-id"\n' > "$work/on.conf"
R --no-state --config "$work/on.conf" "$work/logs" > "$work/conf.json"
cmp "$work/conf.json" "$work/d2.json"
echo "1 passed, 0 failed"
