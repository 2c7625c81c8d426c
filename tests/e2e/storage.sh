#!/usr/bin/env bash
# End to end: `s3top storage` over a hand-written month of object-changing requests, checked
# against byte-seconds computed by hand; failed writes change nothing; the caveat about objects
# stored before the logs is always said; usage errors are one line and exit 2.
set -euo pipefail
: "${S3TOP:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

line() {  # time operation key status size org [query]
  local q="org=$6${7:+&$7}"
  echo "o b [$1 +0000] 10.0.0.1 arn:u R$RANDOM $2 $3 \"PUT /b/$3?$q HTTP/1.1\" $4 - - $5 5 4 \"-\" \"ua\" -"
}
{
  line "01/Mar/2024:00:00:00" REST.PUT.OBJECT a/one 200 1000 acme
  line "01/Mar/2024:00:00:10" REST.PUT.OBJECT a/two 403 5000 evil             # failed: nothing
  line "02/Mar/2024:00:00:00" REST.PUT.PART big 200 300 beta "partNumber=1&uploadId=U"
  line "02/Mar/2024:06:00:00" REST.POST.UPLOAD big 200 300 beta "uploadId=U"  # parts 6 h, then the object
  echo 'o b [11/Mar/2024:00:00:00 +0000] - AmazonS3 R9 S3.TRANSITION_SIA.OBJECT a/one "-" - - - 1000 - - "-" "-" -'
  line "21/Mar/2024:00:00:00" REST.DELETE.OBJECT a/one 204 - other            # takes acme's bytes
  line "03/Apr/2024:00:00:00" REST.PUT.OBJECT late 200 9999 acme              # after the period
} >"$work/access.log"

json=$("$S3TOP" storage --month 2024-03 --by org,class --format json "$work/access.log")
day=86400
python3 - "$json" "$day" <<'PY' || fail "storage JSON differs from the hand-computed figures: $json"
import json, sys
r = json.loads(sys.argv[1]); day = int(sys.argv[2])
g = {tuple(x["key"]): x for x in r["groups"]}
want = {
    ("acme", "STANDARD"): 1000 * 10 * day,
    ("acme", "STANDARD_IA"): 1000 * 10 * day,
    ("beta", "STANDARD"): 300 * 6 * 3600 + 300 * (30 * day - 6 * 3600),
}
assert {k: v["byte_seconds"] for k, v in g.items()} == want, g
assert g[("beta", "STANDARD")]["objects_end"] == 1 and g[("beta", "STANDARD")]["bytes_end"] == 300
assert g[("acme", "STANDARD_IA")]["objects_end"] == 0
assert r["requests"] == {"applied": 5, "failed": 1, "after_period": 1}, r["requests"]
lines = r["lines"]
assert lines["read"] == 7 and lines["read"] == lines["parsed"] + lines["rejected"] + lines["ignored"], lines
assert r["totals"]["byte_seconds"] == sum(want.values())
assert any("--inventory" in c for c in r["caveats"]), r["caveats"]
# GB-months: byte-hours / (2^30 x 744 hours), 9 decimals
bs = want[("acme", "STANDARD")]
assert g[("acme", "STANDARD")]["gb_months"] == "%.9f" % (bs / 3600 / 2**30 / 744), g
PY

table=$("$S3TOP" storage --month 2024-03 "$work/access.log")
grep -q "^caveat: objects stored before" <<<"$table" || fail "table without the caveat: $table"
csv=$("$S3TOP" storage --from 2024-03-01 --to 2024-03-02 --format csv "$work/access.log")
grep -q "^acme,$((1000 * day))," <<<"$csv" || fail "csv for one day: $csv"
# --filter on org, bucket, key or prefix:N: only what passes, the rest said in a caveat.
json=$("$S3TOP" storage --month 2024-03 --by org,class --filter 'org=acme prefix:1=a' --format json "$work/access.log")
python3 - "$json" "$day" <<'PY' || fail "storage --filter: $json"
import json, sys
r = json.loads(sys.argv[1]); day = int(sys.argv[2])
assert {tuple(x["key"]): x["byte_seconds"] for x in r["groups"]} == {
    ("acme", "STANDARD"): 1000 * 10 * day, ("acme", "STANDARD_IA"): 1000 * 10 * day}, r["groups"]
left = [c for c in r["caveats"] if "pass the filter" in c]
assert len(left) == 1 and "left out %.3f byte-hours" % (300 * 30 * day / 3600) in left[0], r["caveats"]
PY
# --format html: one page with every group and the caveat.
"$S3TOP" storage --month 2024-03 --by org,class --format html -o "$work/storage.html" "$work/access.log"
for want in "<h1>s3top storage</h1>" ">acme<" ">STANDARD_IA<" ">beta<" "caveat: objects stored before"; do
  grep -qF "$want" "$work/storage.html" || fail "storage html without $want"
done

for args in "--by key --month 2024-03" "--follow --month 2024-03" "" \
  "--filter status=200 --month 2024-03" "--filter from=2024-03-02 --month 2024-03"; do
  set +e
  # shellcheck disable=SC2086
  err=$("$S3TOP" storage $args "$work/access.log" 2>&1 >/dev/null)
  rc=$?
  set -e
  [[ $rc == 2 && $(wc -l <<<"$err") == 1 ]] || fail "storage $args: exit $rc, said: $err"
done
# --inventory: refused in one line, exit 1, before any log is read, naming what is wrong.
inv=$work/inv/src/cfg
mkdir -p "$inv/2024-02-29T00-00Z" "$inv/data"
manifest() {  # format data-key
  printf '{"sourceBucket":"b","creationTimestamp":"1709164800000","fileFormat":"%s","fileSchema":"Bucket, Key, Size, StorageClass","files":[{"key":"%s"}]}' "$1" "$2" >"$inv/2024-02-29T00-00Z/manifest.json"
}
refused() {  # what the one line must say
  set +e
  err=$("$S3TOP" storage --month 2024-03 --inventory "$work/inv" "$work/access.log" 2>&1 >/dev/null)
  rc=$?
  set -e
  [[ $rc == 1 && $(wc -l <<<"$err") == 1 && $err == *"$1"* ]] || fail "--inventory: exit $rc, said: $err (want: $1)"
}
manifest ORC src/cfg/data/x.orc
refused "configure the inventory's output format as CSV"
manifest CSV src/cfg/data/missing.csv.gz
refused "missing.csv.gz: not found"
printf 'not gzip at all, cut' | gzip | head -c 20 >"$inv/data/cut.csv.gz"
manifest CSV src/cfg/data/cut.csv.gz
refused "cut.csv.gz: corrupt gzip"
# A good one: an object stored before the logs, billed to '-' for the whole month.
printf '"b","old/x","1000","STANDARD_IA"\n"b","short"\n' | gzip >"$inv/data/ok.csv.gz"
manifest CSV src/cfg/data/ok.csv.gz
json=$("$S3TOP" storage --month 2024-03 --by org,class --inventory "$work/inv" --format json "$work/access.log" 2>"$work/err")
grep -q "ok.csv.gz row 2: 2 fields, the schema has 4" "$work/err" || fail "short row not named: $(cat "$work/err")"
python3 - "$json" "$day" <<'PY' || fail "with an inventory: $json"
import json, sys
r = json.loads(sys.argv[1]); day = int(sys.argv[2])
g = {tuple(x["key"]): x for x in r["groups"]}
assert g[("-", "STANDARD_IA")]["byte_seconds"] == 1000 * 31 * day, g
assert any("known from the inventory of b" in c for c in r["caveats"]), r["caveats"]
assert any("1 inventory row could not be read" in c for c in r["caveats"]), r["caveats"]
PY
echo "ok: storage matches the hand-computed byte-seconds"
