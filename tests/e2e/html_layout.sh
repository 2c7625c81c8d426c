#!/usr/bin/env bash
# End to end (#20): the HTML statement and report as a user sees them, laid out by headless
# Chromium at 1,280, 1,400 (the statement) and 1,920 px, light and dark. Over the demo logs plus an org named by
# a requester ARN (a long one):
#   - no horizontal scrollbar, on the page or on any table: the Amount column is in view;
#   - no key under 33 characters wraps (org names were broken one letter a line), and no
#     totals card overflows its box;
#   - every statement row adds up: Requests = GET-class + PUT-class + Free;
#   - money to the cent, the exact micro-amount in the cell's title; bytes in GB with the exact
#     count under it; "Largest amount" names the org with the largest amount, never "-";
#   - the report's org picker shows the org's own totals, chart and panels (each with a bar
#     chart), and only those; back to all orgs;
#   - the screenshots are PNGs of the asked width, light or dark as the system asks.
# The page's own CSP stays as it is in the files users get; for measuring, a copy without it
# gets a probe script that writes what it finds into the DOM (--dump-dom reads it back).
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}" "${S3TOP_SOURCE_DIR:?}"
if ! command -v chromium >/dev/null; then
  echo "SKIPPED: chromium is not installed (apt-get install chromium)"
  exit 77
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
S3GEN=$S3GEN sh "$S3TOP_SOURCE_DIR/tools/make-demo.sh" "$work/logs" >/dev/null
arn="arn:aws:iam::123456789012:role/partner-integration-uploader-eu-west-1"
printf 'owner bkt [01/Mar/2024:10:00:00 +0000] 10.0.0.9 - REQL1 REST.GET.OBJECT k "GET /bkt/k?org=%s HTTP/1.1" 200 - 5000000000 5000000000 1 1 "-" "x" -\n' \
  "$arn" > "$work/logs/long-org.log"
"$S3TOP" bill --month 2024-03 --by org --format html -o "$work/bill.html" "$work/logs" 2>/dev/null
"$S3TOP" bill --month 2024-03 --by org --format json -o "$work/bill.json" "$work/logs" 2>/dev/null
"$S3TOP" report --by org --format html -o "$work/report.html" "$work/logs" 2>/dev/null
"$S3TOP" report --by org --format json -o "$work/report.json" "$work/logs" 2>/dev/null
grep -q "partner-integration" "$work/bill.html" || { echo "FAIL: the long org is not in the statement"; exit 1; }

cat > "$work/probe.js" <<'JS'
window.addEventListener('load', function () {
  var d = document.documentElement, out = {sw: d.scrollWidth, iw: window.innerWidth, wrapped: [], cards: [],
    wide: [], rows: [], heads: [], amount_right: 0, bg: getComputedStyle(document.body).backgroundColor};
  document.querySelectorAll('td.k').forEach(function (c) {
    var r = document.createRange(); r.selectNodeContents(c); var ys = {};
    Array.prototype.forEach.call(r.getClientRects(), function (q) { ys[Math.round(q.top)] = 1; });
    if (Object.keys(ys).length > 1 && c.textContent.length < 33) out.wrapped.push(c.textContent);
  });
  document.querySelectorAll('dl.totals dd').forEach(function (e) {
    if (e.scrollWidth > e.clientWidth + 1) out.cards.push(e.textContent);
  });
  document.querySelectorAll('div.wide').forEach(function (e) {
    if (e.scrollWidth > e.clientWidth + 1) out.wide.push(e.firstElementChild.id);
  });
  var t = document.getElementById('bill-0');
  if (t) {
    t.querySelectorAll('thead th').forEach(function (h) { out.heads.push(h.textContent); });
    var last = t.querySelector('thead th:last-child').getBoundingClientRect();
    out.amount_right = last.right;
    Array.prototype.forEach.call(t.querySelectorAll('tbody tr, tfoot tr'), function (tr) {
      out.rows.push(Array.prototype.map.call(tr.cells, function (c) {
        return {text: c.firstChild ? c.firstChild.textContent : '', v: c.getAttribute('data-v'),
                title: c.getAttribute('title'), detail: c.querySelector('small') ? c.querySelector('small').textContent : null};
      }));
    });
  }
  var cards = {};
  document.querySelectorAll('dl.totals div').forEach(function (e) {
    cards[e.querySelector('dt').textContent] = e.querySelector('dd').firstChild.textContent;
  });
  out.card_values = cards;
  // The report's org picker, as a user would use it: pick the first org, look, go back.
  var pick = document.getElementById('view');
  if (pick) {
    out.pick = {enabled: !pick.disabled, options: Array.prototype.map.call(pick.options, function (o) { return o.textContent; })};
    var visible = function () {
      var v = {};
      document.querySelectorAll('[data-view]').forEach(function (e) {
        if (!e.hidden && e.getClientRects().length) v[e.getAttribute('data-view')] = (v[e.getAttribute('data-view')] || 0) + 1;
      });
      return v;
    };
    out.pick.before = visible();
    pick.value = '0'; pick.dispatchEvent(new Event('change'));
    out.pick.after = visible();
    var c = {};
    document.querySelectorAll('[data-view="0"] dl.totals div').forEach(function (e) {
      c[e.querySelector('dt').textContent] = e.querySelector('dd').textContent;
    });
    out.pick.cards = c;
    out.pick.panels = Array.prototype.map.call(document.querySelectorAll('[data-view="0"] section.panel h2'), function (h) { return h.textContent; });
    out.pick.bars = document.querySelectorAll('[data-view="0"] svg.bars').length;
    pick.value = 'all'; pick.dispatchEvent(new Event('change'));
    out.pick.back = visible();
  }
  var p = document.createElement('pre'); p.id = 's3top-probe'; p.textContent = JSON.stringify(out);
  document.body.appendChild(p);
});
JS
python3 - "$work" <<'PY'
import re, sys
w = sys.argv[1]
probe = open(f"{w}/probe.js").read()
for name in ("bill", "report"):
    h = open(f"{w}/{name}.html", encoding="utf-8").read()
    h = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", h, count=1)
    h = h.replace("</body>", "<script>" + probe + "</script></body>", 1)
    open(f"{w}/{name}.probe.html", "w", encoding="utf-8").write(h)
PY
chrome() {  # width, scheme (light|dark), then chromium's own arguments
  local width=$1 scheme=$2; shift 2
  local profile; profile=$(mktemp -d -p "$work")
  local dark=1; [[ $scheme == dark ]] && dark=0
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
    --disable-extensions --hide-scrollbars --user-data-dir="$profile" --window-size="$width,1000" \
    --blink-settings=preferredColorScheme=$dark "$@" 2>/dev/null
}
for page in bill-1280 bill-1400 bill-1920 report-1280 report-1920; do
  chrome "${page#*-}" light --dump-dom "file://$work/${page%-*}.probe.html" > "$work/$page.dom"
done
chrome 1280 light --screenshot="$work/bill-1280.png" "file://$work/bill.html" >/dev/null
chrome 1280 dark --screenshot="$work/bill-dark.png" "file://$work/bill.html" >/dev/null
python3 - "$work" "$arn" <<'PY'
import html, json, re, struct, sys, zlib
w, arn = sys.argv[1], sys.argv[2]
def probe(f):
    m = re.search(r'<pre id="s3top-probe">(.*?)</pre>', open(f, encoding="utf-8").read(), re.S)
    assert m, f"{f}: the probe did not run"
    return json.loads(html.unescape(m.group(1)))
bill = json.load(open(f"{w}/bill.json"))
period = bill["periods"][0]
fails = []
for width in (1280, 1400, 1920):
    for name in ("bill", "report"):
        if name == "report" and width == 1400: continue  # the statement is the wide one
        p = probe(f"{w}/{name}-{width}.dom")
        where = f"{name} at {width} px"
        if p["sw"] > p["iw"]: fails.append(f"{where}: the page scrolls sideways ({p['sw']} > {p['iw']} px)")
        if p["wide"]: fails.append(f"{where}: tables with a scrollbar: {p['wide']}")
        if p["wrapped"]: fails.append(f"{where}: keys wrapped: {p['wrapped'][:5]}")
        if p["cards"]: fails.append(f"{where}: cards overflow: {p['cards']}")
        if name != "bill": continue
        if p["amount_right"] > p["iw"]: fails.append(f"{where}: the Amount column ends at {p['amount_right']} px")
        heads = p["heads"]
        if not heads[-1].startswith("Amount"): fails.append(f"{where}: the last column is {heads[-1]!r}")
        col = {h: i for i, h in enumerate(heads)}
        missing = [h for h in ("Requests", "GET-class", "PUT-class", "Free", "Bytes sent", "Uploaded") if h not in col]
        if missing:
            fails.append(f"{where}: no column {missing}")
            continue
        for row in p["rows"]:
            n = lambda h: int(row[col[h]]["v"])
            if n("Requests") != n("GET-class") + n("PUT-class") + n("Free"):
                fails.append(f"{where}: {row[0]['text']}: requests do not add up")
            for h in ("Bytes sent", "Uploaded"):
                c = row[col[h]]
                assert re.fullmatch(r"[\d,]+\.\d\d GB", c["text"]), c
                assert c["detail"].replace(",", "") == c["v"], c
            amount = row[-1]
            assert re.fullmatch(r"-?[\d]+\.\d\d", amount["text"]), amount
            assert re.fullmatch(r"exact -?\d+\.\d{6}", amount["title"]), amount
        if width == 1280:
            orgs = [r for r in p["rows"][:-1] if r[0]["text"] != "-"]
            top = max(orgs, key=lambda r: int(r[-1]["v"]))[0]["text"]
            card = p["card_values"]["Largest amount"]
            if card != top: fails.append(f"{where}: Largest amount card says {card!r}, the table {top!r}")
            total = p["rows"][-1]
            if total[-1]["text"] != period["totals"]["amount"] or total[-1]["title"] != "exact " + period["totals"]["total"]:
                fails.append(f"footer amount {total[-1]} differs from the JSON's {period['totals']}")
            names = [r[0]["text"] for r in p["rows"]]
            if arn not in names: fails.append(f"{where}: the long ARN is cut or missing")
# The report's org picker: on load everyone's view; an org picked shows its own totals and
# panels (with bar charts), every other view hidden; back to all orgs.
rep = json.load(open(f"{w}/report.json"))
pick = probe(f"{w}/report-1280.dom").get("pick")
if not pick:
    fails.append("report: no org picker")
else:
    first = rep["groups"][0]
    if not pick["enabled"]: fails.append("report: the picker is disabled (its script did not run)")
    if pick["options"][:2] != ["All orgs", "- (no org)" if first["key"] == "-" else first["key"]]:
        fails.append(f"report: picker lists {pick['options'][:3]}, want All orgs then {first['key']!r}")
    if pick["before"] != {"all": 2} or pick["back"] != {"all": 2}: fails.append(f"report: views shown {pick['before']} / {pick['back']}")
    if pick["after"] != {"0": 2}: fails.append(f"report: after picking an org, views shown {pick['after']}")
    if pick["cards"].get("Requests") != f"{first['requests']:,}":
        fails.append(f"report: {first['key']}'s Requests card {pick['cards'].get('Requests')}, want {first['requests']:,}")
    if "Org" in pick["panels"] or len(pick["panels"]) < 3 or pick["bars"] != len(pick["panels"]):
        fails.append(f"report: one org's panels {pick['panels']} with {pick['bars']} charts")

def png(path):  # width, height and the first pixel row of an 8-bit RGB(A) PNG
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR": hdr = struct.unpack(">IIBBBBB", body)
        if kind == b"IDAT": idat += body
        pos += 12 + n
    width, height, depth, ctype = hdr[:4]
    assert depth == 8 and ctype in (2, 6), hdr
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    # The first row's filter: above it is a row of zeros, so Up is None and Paeth is Sub.
    kind, row = raw[0], bytearray(raw[1:1 + width * bpp])
    for i in range(bpp, len(row)):
        left = row[i - bpp]
        row[i] = (row[i] + (left if kind in (1, 4) else left // 2 if kind == 3 else 0)) & 255
    return width, height, row[:3]
for f, want_dark in (("bill-1280.png", False), ("bill-dark.png", True)):
    width, height, px = png(f"{w}/{f}")
    if width != 1280: fails.append(f"{f}: {width} px wide")
    if (sum(px) < 200) != want_dark: fails.append(f"{f}: top-left pixel {tuple(px)}")
if fails:
    print("FAIL:\n  " + "\n  ".join(fails)); sys.exit(1)
print("statement and report hold at 1,280, 1,400 and 1,920 px, light and dark; rows add up; largest amount named;"
      " the org picker shows one org's totals and panels")
PY
