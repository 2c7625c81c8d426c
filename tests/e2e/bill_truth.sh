#!/usr/bin/env bash
# End to end: `s3top bill` over generated logs. Billable + excluded = all (and all = the
# generator's truth), the amounts equal an independent exact recomputation (Python Fraction)
# from the CSV's usage columns, CSV/JSON agree, config and command-line precedence, bad usage.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$S3GEN" --out "$work/logs" --lines 20000 --files 12 --seed 5 --truth "$work/truth.json" --start 2024-03-30T00:00:00 --hours 72 >/dev/null
touch -d 2024-04-05T00:00:00Z "$work"/logs/*   # S3 delivered everything by then
"$S3TOP" bill --month 2024-03 --format json -o "$work/march.json" "$work/logs"
"$S3TOP" bill --month 2024-03 --format csv -o "$work/march.csv" "$work/logs"
"$S3TOP" bill --from 2024-03-01 --to 2024-05-01 --format json --exclude-errors "$work/logs" > "$work/both.json"
"$S3TOP" bill --month 2024-03 "$work/logs" > "$work/march.txt"
grep -q '^Rounding: ' "$work/march.txt"
grep -q 'Reconciled: .*: yes' "$work/march.txt"
python3 - "$work" <<'PY'
import csv, json, sys
from fractions import Fraction as F
w = sys.argv[1]
t = json.load(open(f"{w}/truth.json"))
m = json.load(open(f"{w}/march.json"))
both = json.load(open(f"{w}/both.json"))
keys = ("requests", "get_class", "put_class", "bytes_sent", "bytes_uploaded", "errors_4xx", "errors_5xx")
def add(a, b): return {k: a[k] + b[k] for k in keys}
# billable + excluded = all, in every period, with and without --exclude-errors
for doc in (m, both):
    for p in doc["periods"]:
        assert p["reconciled"], p["period"]
        assert add(p["billable"], p["excluded"]) == {k: p["all"][k] for k in keys}, p["period"]
        g = {k: 0 for k in keys}
        for x in p["groups"]: g = add(g, x)
        assert g == {k: p["billable"][k] for k in keys}, "groups sum to billable"
        e = {k: 0 for k in keys}
        for x in p["excluded_groups"]: e = add(e, x)
        assert e == {k: p["excluded"][k] for k in keys}, "excluded groups sum to excluded"
# the two months together are everything the generator wrote
assert [p["period"] for p in both["periods"]] == ["2024-03", "2024-04"]
assert sum(p["all"]["requests"] for p in both["periods"]) == t["totals"]["requests"]
assert sum(p["all"]["bytes_sent"] for p in both["periods"]) == t["totals"]["bytes_sent"]
assert all(p["billable"]["errors_4xx"] == 0 and p["billable"]["errors_5xx"] == 0 for p in both["periods"])
assert not m["periods"][0]["provisional"]
assert both["periods"][1]["provisional"]  # April ended after the newest file
# Independent recomputation of every amount from usage and the built-in prices.
GB = 2**30
tiers = [(10240, F("0.09")), (51200, F("0.085")), (153600, F("0.07")), (None, F("0.05"))]
def tiered(b):
    cost, below = F(0), 0
    for cap, price in tiers:
        top = b if cap is None else min(b, cap * GB)
        if top > below: cost += F(top - below, GB) * price; below = top
    return cost
def micro(x):  # half up to the micro-unit
    return int((x * 10**6 + F(1, 2)) // 1)
p = m["periods"][0]
rows = [r for r in csv.DictReader(open(f"{w}/march.csv", newline="")) if r["status"] == "billable"]
assert len(rows) == len(p["groups"]) > 5
total_egress = micro(tiered(p["billable"]["bytes_sent"]))
assert p["totals"]["charges_micros"]["egress"] == total_egress
shares = sum(F(r["egress"]) for r in rows)
assert shares * 10**6 == total_egress, "egress shares add up to the tiered total exactly"
amount = 0
for r, g in zip(rows, p["groups"]):
    get_c = micro(F(int(r["get_class"]) * 4, 10**4 * 1000))
    put_c = micro(F(int(r["put_class"]) * 5, 10**3 * 1000))
    exact_share = F(total_egress * int(r["bytes_sent"]), p["billable"]["bytes_sent"])
    assert abs(F(r["egress"]) * 10**6 - exact_share) < 1, r
    assert F(r["get_requests"]) * 10**6 == get_c and F(r["put_requests"]) * 10**6 == put_c, r
    tot = F(r["egress"]) + F(r["get_requests"]) + F(r["put_requests"]) + F(r["storage"])
    assert F(r["total"]) == tot, r
    cents = int((tot * 100 + F(1, 2)) // 1)
    assert F(r["amount"]) == F(cents, 100), r
    assert g["amount"] == r["amount"]
    amount += cents
assert F(p["totals"]["amount"]) == F(amount, 100)
print("bill reconciles and matches exact recomputation:", len(rows), "orgs, amount", p["totals"]["amount"])
PY
# config file: price table and org source from the file; the command line wins
mkdir -p "$work/xdg/s3top"
cat > "$work/xdg/s3top/s3top.conf" <<'CONF'
[org]
source = "requester"
[billing.prices]
name = "flat"
egress = [{ price_per_gb = "1" }]
[billing.prices.requests]
get_per_1000 = "0"
put_per_1000 = "0"
CONF
XDG_CONFIG_HOME="$work/xdg" "$S3TOP" bill --month 2024-03 --format json "$work/logs" > "$work/xdg.json"
XDG_CONFIG_HOME="$work/xdg" "$S3TOP" bill --month 2024-03 --org-from org --format json "$work/logs" > "$work/xdg_cli.json"
"$S3TOP" bill --month 2024-03 --config "$work/xdg/s3top/s3top.conf" --prices "$S3TOP_SOURCE_DIR/config/prices/s3-standard-us-east-1.toml" --format json "$work/logs" > "$work/cfg_cli.json"
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
x = json.load(open(f"{w}/xdg.json")); c = json.load(open(f"{w}/xdg_cli.json")); p = json.load(open(f"{w}/cfg_cli.json"))
assert x["price_table"]["name"] == "flat" and c["price_table"]["name"] == "flat"
assert p["price_table"]["name"].startswith("S3 Standard"), "--prices wins over the config file"
assert any(g["key"].startswith("arn:") for g in x["periods"][0]["groups"]), "org from requester (config)"
assert not any(g["key"].startswith("arn:") for g in c["periods"][0]["groups"]), "--org-from wins"
print("config precedence ok")
PY
# a changed [request_tiers] is applied even over a state file from an earlier run
printf '[request_tiers]\noperations = [{ pattern = "*", tier = "free" }]\nmethods = []\nfallback = "free"\n' > "$work/free.conf"
"$S3TOP" bill --month 2024-03 --format json --config "$work/free.conf" "$work/logs" > "$work/free.json"
python3 - "$work" <<'PY'
import json, sys
p = json.load(open(f"{sys.argv[1]}/free.json"))["periods"][0]["billable"]
assert p["requests"] > 0 and p["get_class"] == 0 and p["put_class"] == 0, p
print("configured request tiers applied")
PY
# errors: bad config names file, line and key; bad usage exits 2
printf '[billing]\nexclude_errors = 3\n' > "$work/bad.conf"
set +e
msg=$("$S3TOP" bill --month 2024-03 --config "$work/bad.conf" "$work/logs" 2>&1); rc=$?
[ $rc -eq 2 ] && [[ "$msg" == *"bad.conf:2: billing.exclude_errors: expected true or false"* ]] || { echo "bad config: rc=$rc $msg"; exit 1; }
"$S3TOP" bill "$work/logs" 2>/dev/null; [ $? -eq 2 ] || { echo "bill without a period should exit 2"; exit 1; }
"$S3TOP" bill --month 2024-13 "$work/logs" 2>/dev/null; [ $? -eq 2 ] || { echo "bad month should exit 2"; exit 1; }
"$S3TOP" bill --month 2024-03 --config "$work/missing.conf" "$work/logs" 2>/dev/null; [ $? -eq 2 ] || { echo "missing --config should exit 2"; exit 1; }
# options a statement cannot honour are refused by name, never ignored
for opt in --replay --follow "--speed 60" ; do
  msg=$("$S3TOP" bill --month 2024-03 $opt "$work/logs" 2>&1); rc=$?
  [ $rc -eq 2 ] && [[ "$msg" == *"${opt%% *}: a billing statement prices the whole period"* ]] || { echo "bill $opt: rc=$rc $msg"; exit 1; }
  msg=$("$S3TOP" report --billing --month 2024-03 $opt "$work/logs" 2>&1); rc=$?
  [ $rc -eq 2 ] || { echo "report --billing $opt: rc=$rc $msg"; exit 1; }
done
echo "1 passed, 0 failed"
