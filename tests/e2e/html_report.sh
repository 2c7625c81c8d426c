#!/usr/bin/env bash
# End to end: `report --format html` and `bill --format html` over logs with hostile user
# agents, keys and orgs. The page is self-contained (no external references), its CSP allows
# only s3top's own style and script (hashes checked), every log string is escaped, and in
# headless Chromium the page renders, the sorting script runs, the top org is in the first
# row, and no script from the data runs (each payload would set document.title).
# Chromium absent: the static checks run, then the test exits 77 (skipped) with a message.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$S3GEN" --out "$work/logs" --lines 3000 --files 3 --seed 9 >/dev/null
cat > "$work/logs/hostile.log" <<'LOG'
owner bkt [01/Mar/2024:10:00:00 +0000] 10.0.0.9 arn:aws:iam::1:user/u REQ1 REST.GET.OBJECT <img/src=x/onerror=document.title='PWNED1'> "GET /bkt/x?org=%3Cscript%3Edocument.title%3D%27PWNED2%27%3C%2Fscript%3E HTTP/1.1" 200 - 999999999999 5 1 1 "-" "\"><img src=x onerror=document.title='PWNED3'></script><script>document.title='PWNED4'</script>" -
owner bkt [01/Mar/2024:10:00:01 +0000] 10.0.0.9 arn:aws:iam::1:user/u REQ2 REST.GET.OBJECT k "GET /bkt/k?org=%22%3E%3Cimg%20src%3Dx%20onerror%3Ddocument.title%3D%27PWNED5%27%3E HTTP/1.1" 200 - 100 5 1 1 "-" "=cmd|' /C calc'!A0" -
owner bkt [01/Mar/2024:10:00:02 +0000] 10.0.0.9 arn:aws:iam::1:user/u REQ3 REST.GET.OBJECT k "GET /bkt/k?org=%3C%2Fscript%3E%3Cscript%3Edocument.title%3D%27PWNED6%27%3C%2Fscript%3E HTTP/1.1" 200 - 100 5 1 1 "-" "x" -
LOG
"$S3TOP" report --by org --format html -o "$work/report.html" "$work/logs"
"$S3TOP" report --by org --format json -o "$work/report.json" "$work/logs"
"$S3TOP" bill --month 2024-03 --format html -o "$work/bill.html" "$work/logs"
"$S3TOP" bill --month 2024-03 --format json -o "$work/bill.json" "$work/logs"
python3 - "$work" <<'PY'
import base64, hashlib, json, re, sys
w = sys.argv[1]
for name in ("report", "bill"):
    h = open(f"{w}/{name}.html", encoding="utf-8").read()
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', h).group(1)
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp, csp
    scripts = re.findall(r"<script>(.*?)</script>", h, re.S)
    styles = re.findall(r"<style>(.*?)</style>", h, re.S)
    assert len(scripts) == 1 and len(styles) == 1, (name, len(scripts), len(styles))
    assert h.lower().count("<script") == 1, "no script element from the data"
    sha = lambda s: "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
    assert f"script-src {sha(scripts[0])}" in csp, "script hash in CSP (update core/report/html_assets.hpp)"
    assert f"style-src {sha(styles[0])}" in csp, "style hash in CSP (update core/report/html_assets.hpp)"
    assert not re.search(r"<img|<[a-z][^>]*\son\w+\s*=", h, re.I), "no element or handler from the data"
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", h, re.I), "no external assets"
    assert "&lt;script&gt;document.title=&#39;PWNED2&#39;&lt;/script&gt;" in h, "hostile org shown escaped"
    h.encode("utf-8")
print("static HTML checks passed")
PY
if ! command -v chromium >/dev/null; then
  echo "SKIPPED browser checks: chromium is not installed (apt-get install chromium)"
  exit 77
fi
for name in report bill; do
  profile=$(mktemp -d -p "$work")
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
    --disable-extensions --user-data-dir="$profile" --dump-dom "file://$work/$name.html" > "$work/$name.dom" 2>/dev/null
done
python3 - "$work" <<'PY'
import json, sys
from html.parser import HTMLParser
w = sys.argv[1]
class Dom(HTMLParser):
    def __init__(self):
        super().__init__(); self.title = ""; self.in_title = False; self.tables = {}; self.cur = None
        self.cell = None; self.row = None; self.section = None; self.attrs = []; self.tags = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs); self.tags.append(tag); self.attrs.append(a)
        if tag == "title" and not self.title: self.in_title = True
        if tag == "table": self.cur = a.get("id"); self.tables[self.cur] = {"attrs": a, "rows": []}
        if tag in ("thead", "tbody", "tfoot"): self.section = tag
        if tag == "tr" and self.cur: self.row = []
        if tag in ("td", "th") and self.row is not None: self.cell = ""
    def handle_endtag(self, tag):
        if tag == "title": self.in_title = False
        if tag in ("td", "th") and self.cell is not None: self.row.append(self.cell); self.cell = None
        if tag == "tr" and self.row is not None:
            if self.section == "tbody": self.tables[self.cur]["rows"].append(self.row)
            self.row = None
    def handle_data(self, d):
        if self.in_title: self.title += d
        if self.cell is not None: self.cell += d
def load(name):
    d = Dom(); d.feed(open(f"{w}/{name}.dom", encoding="utf-8").read()); return d
r, b = load("report"), load("bill")
assert r.title == "s3top usage report", r.title      # no payload changed the title
assert b.title == "s3top billing statement", b.title
for d in (r, b):
    assert "img" not in d.tags and d.tags.count("script") == 1, "no element from the data"
    assert all(not k.startswith("on") for a in d.attrs for k in a), "no event handler from the data"
    assert all(t["attrs"].get("data-sortable") == "ready" for t in d.tables.values()), "the sorting script ran"
top = json.load(open(f"{w}/report.json"))["groups"][0]["key"]
assert r.tables["groups"]["rows"][0][0] == top, (r.tables["groups"]["rows"][0][0], top)
bill_top = json.load(open(f"{w}/bill.json"))["periods"][0]["groups"][0]["key"]
assert b.tables["bill-0"]["rows"][0][0] == bill_top, (b.tables["bill-0"]["rows"][0][0], bill_top)
assert "svg" in r.tags and "rect" in r.tags, "the chart rendered"
print("chromium: rendered, top org", repr(top), "first, sorting script ran, no script from the data ran")
PY
echo "1 passed, 0 failed"
