#!/usr/bin/env bash
# End to end: the report of generated logs equals the generator's own truth (per org, per
# status, per hour, totals), parsed + rejected = read, and a re-run gives identical output.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$S3GEN" --out "$work/logs" --lines 30000 --files 25 --seed 11 --truth "$work/truth.json" >/dev/null
for by in org status hour; do
  "$S3TOP" report --by "$by" --format json -o "$work/$by.json" "$work/logs"
done
"$S3TOP" report --by org --format json "$work/logs" > "$work/org2.json"
cmp "$work/org.json" "$work/org2.json"
# gzip and stdin give the same numbers
gzip -c "$work"/logs/* > "$work/all.gz"
"$S3TOP" report --by org --format json "$work/all.gz" > "$work/gz.json"
cat "$work"/logs/* | "$S3TOP" report --by org --format json - > "$work/stdin.json"
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
t = json.load(open(f"{w}/truth.json"))
def groups(name):
    r = json.load(open(f"{w}/{name}.json"))
    return r, {g["key"]: (g["requests"], g["bytes_sent"]) for g in r["groups"]}
def want(section):
    return {k: (v["requests"], v["bytes_sent"]) for k, v in t[section].items()}
r, org = groups("org")
assert org == want("by_org"), "per-org totals differ from the generator's truth"
_, status = groups("status")
assert status == want("by_status"), "per-status totals differ"
_, hour = groups("hour")
assert hour == want("by_hour"), "per-hour totals differ"
for k in ("requests", "bytes_sent", "bytes_uploaded", "errors_4xx", "errors_5xx"):
    assert r["totals"][k] == t["totals"][k], k
L = r["lines"]
# Garbage lines of blanks only are no records: ignored (empty_line), the rest rejected.
assert L["read"] == t["lines"] and L["parsed"] == t["valid"], L
assert L["rejected"] == t["garbage"] - t["blank"] and L["ignored"] == t["blank"] > 0, (L, t["blank"])
assert L["parsed"] + L["rejected"] + L["ignored"] == L["read"]
for other in ("gz", "stdin"):
    o, og = groups(other)
    assert og == org and o["lines"]["read"] == L["read"], other
print("report equals generator truth:", len(org), "orgs,", L["read"], "lines")
PY
# bad usage exits 2, unreadable input exits 1
set +e
"$S3TOP" report --by bogus "$work/logs" 2>/dev/null; [ $? -eq 2 ] || { echo "bad --by should exit 2"; exit 1; }
"$S3TOP" report "$work/nope" 2>/dev/null; [ $? -eq 1 ] || { echo "missing input should exit 1"; exit 1; }
echo "1 passed, 0 failed"
