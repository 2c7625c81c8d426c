#!/usr/bin/env bash
# A GoAccess format string and GoAccess itself agree on the same clean file: hits and bytes per
# status code, and total bandwidth. (On real S3 logs GoAccess drops the quirky lines that
# s3top counts; that difference is the point of s3top and is not tested here.)
set -euo pipefail
: "${S3TOP:?}"
command -v goaccess >/dev/null || { echo "goaccess not installed (apt-get install goaccess): skipped"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 - "$work/access.log" <<'PY'
import random, sys
random.seed(7)
statuses = [200] * 20 + [206, 301, 304, 400, 403, 404, 404, 500, 503]
agents = ["Mozilla/5.0 (X11; Linux x86_64)", "curl/8.4.0", "aws-cli/2.15.0 Python/3.11"]
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        ip = f"198.51.{random.randrange(0, 4)}.{random.randrange(1, 255)}"
        day = 1 + i * 10 // 3000
        hh, mm, ss = random.randrange(24), random.randrange(60), random.randrange(60)
        st = random.choice(statuses)
        size = 0 if st in (301, 304) else random.randrange(1, 5_000_000)
        path = f"/bucket/data/file-{random.randrange(500)}.bin?org=org-{random.randrange(9)}"
        f.write(f'{ip} - - [{day:02d}/Mar/2024:{hh:02d}:{mm:02d}:{ss:02d} +0000] "GET {path} HTTP/1.1" {st} {size} '
                f'"-" "{random.choice(agents)}"\n')
PY
goaccess "$work/access.log" --log-format=COMBINED -o "$work/ga.json" --no-progress >/dev/null 2>&1
"$S3TOP" report --log-format COMBINED --by status --format json "$work/access.log" > "$work/s3top.json"
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
ga = json.load(open(f"{w}/ga.json"))
s3 = json.load(open(f"{w}/s3top.json"))
g = {}
for cls in ga["status_codes"]["data"]:
    for item in cls.get("items", []):
        g[item["data"][:3]] = (item["hits"]["count"], item["bytes"]["count"])
s = {grp["key"]: (grp["requests"], grp["bytes_sent"]) for grp in s3["groups"]}
assert ga["general"]["failed_requests"] == 0 and s3["lines"]["rejected"] == 0, "clean file: nothing rejected"
assert g == s, f"per-status hits/bytes differ:\ngoaccess {sorted(g.items())}\ns3top    {sorted(s.items())}"
assert ga["general"]["bandwidth"] == s3["totals"]["bytes_sent"]
print("goaccess and s3top agree on", len(g), "status codes,", s3["totals"]["requests"], "hits")
PY
echo "1 passed, 0 failed"
