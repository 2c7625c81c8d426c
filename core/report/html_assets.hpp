#pragma once
// The HTML report's fixed style sheet and sorting script, and their SHA-256 hashes for the
// page's Content-Security-Policy (only these two may run or apply; nothing from the data can).
// After editing either text, update its hash: the e2e test html_report.sh checks them (and
// Chromium would refuse a mismatched script). Recompute with
//   python3 -c 'import hashlib,base64,sys;
//   print(base64.b64encode(hashlib.sha256(sys.stdin.buffer.read()).digest()).decode())'
// over the exact text between the delimiters.
#include <string_view>

namespace s3top::html {

inline constexpr std::string_view kStyle =
    R"s3top_html(body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
h1{font-size:1.4em;margin:0 0 .3em}h2{font-size:1.1em;margin:1.6em 0 .4em}
.meta,.note{color:#555;font-size:.9em}.note{border-left:3px solid #c90;padding-left:.6em}
.bad{color:#b00;font-weight:bold}
dl.totals{display:grid;grid-template-columns:repeat(auto-fill,minmax(11em,1fr));gap:.4em 1em;margin:0}
dl.totals div{background:#f4f6f8;padding:.4em .6em;border-radius:4px;min-width:0}dl.totals dt{color:#555;font-size:.85em}
dl.totals dd{margin:0;font-weight:bold;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
small{display:block;color:#666;font-size:.8em;font-weight:normal}
div.wide{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.3em 0 1em;font-variant-numeric:tabular-nums;font-size:.93em}
th,td{padding:.2em .45em;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;white-space:nowrap}th{cursor:pointer;background:#f4f6f8;user-select:none}
th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
td.k{white-space:nowrap}td.long{white-space:normal;overflow-wrap:anywhere;min-width:18em;max-width:40em}
tfoot td{font-weight:bold;border-top:2px solid #999}
svg.chart{width:100%;max-width:960px;height:auto;background:#fafbfc;border:1px solid #e3e3e3}
svg text{fill:#555}
div.pbody{display:flex;flex-wrap:wrap;gap:0 2em;align-items:flex-start}
svg.bars{flex:0 1 480px;min-width:0;height:auto;margin:.3em 0 .6em}div.pbody div.wide{flex:0 1 auto}
.pick{margin:.8em 0}.pick select{font:inherit;padding:.1em .3em}
@media (prefers-color-scheme:dark){body{color:#ddd;background:#16181c}.meta,.note,dl.totals dt,small{color:#aaa}
dl.totals div,th{background:#23272e}th,td{border-color:#333a44}.bad{color:#ff6b6b}
svg.chart{background:#1d2127;border-color:#333a44}svg text{fill:#aaa}a{color:#8ab4f8}}
)s3top_html";
inline constexpr std::string_view kStyleHash = "sha256-t5Y7B17RMYLzU2rQcPhGRUJ2zS6BVuhrEunk5EtnxHA=";

inline constexpr std::string_view kScript = R"s3top_html((function () {
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (t) {
    t.setAttribute('data-sortable', 'ready');
    var heads = t.querySelectorAll('thead th');
    Array.prototype.forEach.call(heads, function (th, i) {
      th.addEventListener('click', function () {
        var body = t.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        rows.sort(function (x, y) {
          var a = x.cells[i], b = y.cells[i], r;
          var va = a.getAttribute('data-v'), vb = b.getAttribute('data-v');
          if (va !== null && vb !== null) {
            var ba = BigInt(va), bb = BigInt(vb);
            r = ba < bb ? -1 : ba > bb ? 1 : 0;
          } else {
            r = a.textContent < b.textContent ? -1 : a.textContent > b.textContent ? 1 : 0;
          }
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  // The org picker: shows one org's totals, chart and panels (every view is in the page).
  var pick = document.getElementById('view');
  if (pick) {
    var show = function () {
      Array.prototype.forEach.call(document.querySelectorAll('[data-view]'), function (e) {
        e.hidden = e.getAttribute('data-view') !== pick.value;
      });
    };
    pick.addEventListener('change', show);
    pick.disabled = false;
    show();
  }
})();
)s3top_html";
inline constexpr std::string_view kScriptHash = "sha256-tL6qXtFmhNtIpBgmoGfS7T/N2Ai9tvqrHvqGRmP0tOE=";

}  // namespace s3top::html
