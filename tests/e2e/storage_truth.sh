#!/usr/bin/env bash
# End to end: `s3top storage` against s3gen's own truth on a generated month of object
# lifecycles (puts, overwrites by other orgs, copies, multipart uploads with parts spread over
# hours and a part uploaded twice, completed, aborted or left open, deletes, batch deletes,
# expiries, transitions through every class, a versioned bucket, failed writes, deletes of
# objects written before the logs, lines out of order across files): byte-seconds, objects
# and bytes at the end per org and class, exactly.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

"$S3GEN" --out "$work/logs" --storage-objects 3000 --files 24 --seed 7 --orgs 12 \
  --start 2024-02-01T00:00:00 --truth "$work/truth.json" --inventory-out "$work/inventory" 2>/dev/null
"$S3TOP" storage --month 2024-02 --by org,class --versioned st-versioned --format json "$work/logs" >"$work/out.json"
# With the inventory made the day before the month: the objects stored before the logs too.
"$S3TOP" storage --month 2024-02 --by org,class --versioned st-versioned --inventory "$work/inventory" \
  --format json "$work/logs" >"$work/inv.json"
python3 - "$work/truth.json" "$work/inv.json" groups_with_inventory <<'PY' || fail "with --inventory"
import json, sys
truth = json.load(open(sys.argv[1])); out = json.load(open(sys.argv[2]))
got = {"|".join(g["key"]): (g["byte_seconds"], g["objects_end"], g["bytes_end"]) for g in out["groups"]}
want = {k: (v["byte_seconds"], v["objects_end"], v["bytes_end"]) for k, v in truth[sys.argv[3]].items()}
if got != want:
    diff = sorted(set(got.items()) ^ set(want.items()))
    sys.exit(f"FAIL: storage with the inventory differs from s3gen's truth: {diff[:10]}")
assert any(k.startswith("-|") for k in want), "no object stored before the logs in the truth"
caveats = " ".join(out["caveats"])
assert "known from the inventory of st-data" in caveats and "0 the logs had were not in it" in caveats, out["caveats"]
print(f"ok with --inventory: {len(want)} groups")
PY
python3 - "$work/truth.json" "$work/out.json" <<'PY'
import json, sys
truth = json.load(open(sys.argv[1])); out = json.load(open(sys.argv[2]))
got = {"|".join(g["key"]): g for g in out["groups"]}
want = truth["groups"]
bad = []
for k in sorted(set(got) | set(want)):
    g, w = got.get(k), want.get(k)
    if g is None or w is None:
        bad.append(f"{k}: s3top {g and g['byte_seconds']}, truth {w}")
        continue
    for f in ("byte_seconds", "objects_end", "bytes_end"):
        if g[f] != w[f]:
            bad.append(f"{k}: {f} s3top {g[f]} truth {w[f]}")
if bad:
    sys.exit("FAIL: storage differs from s3gen's truth:\n  " + "\n  ".join(bad[:20]))
assert out["requests"]["failed"] == truth["failed"], (out["requests"], truth["failed"])
classes = {k.split("|")[1] for k in want}
assert len(classes) >= 6, classes  # every class the lifecycles move through is there
caveats = " ".join(out["caveats"])
assert "--inventory" in caveats and "never wrote" in caveats, out["caveats"]
print(f"ok: {len(want)} org/class groups, {truth['lines']} lines: byte-seconds match s3gen's truth exactly")
PY

# The statement's storage line: the same byte-seconds per org and class as the truth, each
# class's charge recomputed from the built-in prices, and billable + excluded = all.
"$S3TOP" bill --month 2024-02 --versioned st-versioned --inventory "$work/inventory" --format json "$work/logs" \
  >"$work/bill.json" 2>/dev/null
python3 - "$work/truth.json" "$work/bill.json" <<'PY' || fail "bill's storage line"
import json, sys
from fractions import Fraction as F
truth = json.load(open(sys.argv[1])); bill = json.load(open(sys.argv[2]))
p = bill["periods"][0]
assert p["reconciled"], "bill not reconciled"
st = p["storage"]
for f in ("byte_seconds", "billed_byte_seconds"):
    assert int(st["billable"][f]) + int(st["excluded"][f]) == int(st["all"][f]), f
got = {f'{l["key"]}|{l["class"]}': int(l["byte_seconds"]) for l in st["lines"] if int(l["byte_seconds"])}
want = {k: v["byte_seconds"] for k, v in truth["groups_with_inventory"].items() if v["byte_seconds"]}
assert got == want, sorted(set(got.items()) ^ set(want.items()))[:10]
price = {"STANDARD": "0.023", "INTELLIGENT_TIERING": "0.023", "STANDARD_IA": "0.0125", "ONEZONE_IA": "0.01",
         "GLACIER_IR": "0.004", "GLACIER": "0.0036", "DEEP_ARCHIVE": "0.00099"}
month = 29 * 86400  # February 2024
total = 0
for l in st["lines"]:
    assert int(l["billed_byte_seconds"]) >= int(l["byte_seconds"]), l
    exact = F(int(l["billed_byte_seconds"]), 2**30 * month) * F(price[l["class"]]) * 10**6
    assert l["charge_micros"] == int((exact + F(1, 2)) // 1), l
    total += l["charge_micros"]
assert p["totals"]["charges_micros"]["storage"] == total
assert any(int(l["billed_byte_seconds"]) > int(l["byte_seconds"]) for l in st["lines"]), "no minimum applied"
print(f"ok: bill's storage line, {len(st['lines'])} org/class lines, {total} micro-USD")
PY

# A later inventory is checked against what the logs left stored at its time: the baseline's
# list made again on Feb 15 differs (the logs wrote and deleted objects of st-data meanwhile),
# said per org in JSON and in a caveat; it changes nothing counted. (One that agrees:
# StorageCheck.AnInventoryThatMatchesSaysSo.)
day=$(ls "$work/inventory/st-data/daily" | grep -v data)
mkdir -p "$work/inventory/st-data/daily/2024-02-15T00-00Z"
sed 's/"creationTimestamp":"[0-9]*"/"creationTimestamp":"1707955200000"/' \
  "$work/inventory/st-data/daily/$day/manifest.json" >"$work/inventory/st-data/daily/2024-02-15T00-00Z/manifest.json"
"$S3TOP" storage --month 2024-02 --by org,class --versioned st-versioned --inventory "$work/inventory" \
  --format json "$work/logs" >"$work/checks.json"
python3 - "$work/checks.json" "$work/inv.json" <<'PY' || fail "later inventories"
import json, sys
out = json.load(open(sys.argv[1])); before = json.load(open(sys.argv[2]))
assert out["groups"] == before["groups"], "a check changed what is counted"
c = out["checks"]
assert [x["time"] for x in c] == ["2024-02-15T00:00:00Z"], c
assert not c[0]["agrees"] and c[0]["orgs"] and c[0]["versions"] > 300, c[0]
assert sum(o["only_logs"] for o in c[0]["orgs"]) > 0 and sum(o["only_inventory"] for o in c[0]["orgs"]) > 0
caveats = " ".join(out["caveats"])
assert "differs from what the logs left stored then" in caveats, out["caveats"]
assert "made at 2024-01-31T01:00:00Z" in caveats, "the baseline is still the newest before the month"
print(f"ok: a later inventory checked: {len(c[0]['orgs'])} orgs differ on Feb 15")
PY
