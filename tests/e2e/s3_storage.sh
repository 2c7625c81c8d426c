#!/usr/bin/env bash
# End to end: `s3top storage s3://...` and `--inventory s3://bucket/prefix/` against the S3
# emulator s3rver (as e2e.s3_source), both through the same listing, fetch and cache as every
# s3:// PATH: the same storage report as from the synced folders, the inventory's objects
# laid out in its own cache as aws s3 sync lays them out, a re-run fetches nothing, and an
# inventory prefix that cannot be read stops the run in one line before any log is read.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}" "${S3TOP_SOURCE_DIR:?}"
source "$S3TOP_SOURCE_DIR/tests/support/s3rver.sh"
s3rver_require
stub=$S3TOP_SOURCE_DIR/tests/support/s3stub.py
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
s3rver_env "$work"
s3rver_start "$work" logs inv
# Every request through the counting proxy.
python3 "$stub" proxy --upstream "http://127.0.0.1:$port" --log "$work/proxy.log" >"$work/proxy.port" 2>"$work/proxy.err" &
pids+=($!)
for _ in $(seq 1 200); do [ -s "$work/proxy.port" ] && break; sleep 0.05; done
ep=http://127.0.0.1:$(head -1 "$work/proxy.port")
touch "$work/proxy.log"
gets() { grep -c "^GET /$1.* 200$" "$work/proxy.log" || true; }

"$S3GEN" --out "$work/logs" --storage-objects 1500 --files 12 --seed 8 --orgs 6 --start 2024-02-01T00:00:00 \
  --inventory-out "$work/inventory" >/dev/null 2>&1
s3 cp --recursive --quiet "$work/logs" s3://logs/st/
s3 cp --recursive --quiet "$work/inventory" s3://inv/reports/
# The caveat naming the manifest names it where it was read (a folder, or its s3:// key): INV/.
storage() {
  "$S3TOP" storage --month 2024-02 --by org,class --versioned st-versioned --no-state "$@" |
    sed -e "s|$work/inventory/|INV/|g" -e 's|s3://inv/reports/|INV/|g'
}
want=$(storage --format csv --inventory "$work/inventory" "$work/logs")

# 1. storage s3://... with --inventory s3://...: the same report as from the folders.
got=$(storage --format csv --endpoint-url "$ep" --cache "$work/c1" --inventory s3://inv/reports/ s3://logs/st/)
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") | head; echo "storage from s3:// differs"; exit 1; }
[ "$(gets logs/st/)" = 12 ] || { echo "$(gets logs/st/) log GETs, want 12"; exit 1; }
inv_files=$(find "$work/inventory" -type f | wc -l)
[ "$(gets inv/reports/)" = "$inv_files" ] || { echo "$(gets inv/reports/) inventory GETs, want $inv_files"; exit 1; }
# The inventory is cached as aws s3 sync lays it out, under the XDG cache.
diff -r --exclude=.s3top-objects "$work/inventory" "$XDG_CACHE_HOME/s3top/s3/inv/reports" >/dev/null ||
  { echo "the inventory's cache differs from the synced folder"; exit 1; }
"$S3TOP" storage --month 2024-02 --no-state --format json --endpoint-url "$ep" --cache "$work/c1" \
  --inventory s3://inv/reports/ s3://logs/st/ | grep -q 'known from the inventory of st-data made at .* (s3://inv/reports/st-data/' ||
  { echo "the inventory was not used, or not named by its s3:// key"; exit 1; }

# 2. A re-run fetches nothing new, logs or inventory.
got=$(storage --format csv --endpoint-url "$ep" --cache "$work/c1" --inventory s3://inv/reports/ s3://logs/st/)
[ "$got" = "$want" ] || { echo "storage re-run differs"; exit 1; }
[ "$(gets logs/st/)" = 12 ] && [ "$(gets inv/reports/)" = "$inv_files" ] || { echo "a re-run fetched again"; exit 1; }

# 3. The inventory's bucket does not exist: one line, exit 1, no log fetched.
set +e
storage --format csv --endpoint-url "$ep" --cache "$work/c2" --inventory s3://nosuchinv/reports/ s3://logs/st/ \
  >"$work/out" 2>"$work/err"
rc=$?
set -e
[ "$rc" = 1 ] || { cat "$work/err"; echo "a missing inventory bucket: exit $rc, want 1"; exit 1; }
grep -q '^s3top: --inventory: s3://nosuchinv/reports/: no such bucket (NoSuchBucket)$' "$work/err" ||
  { cat "$work/err"; echo "the missing inventory bucket is not one line"; exit 1; }
[ ! -d "$work/c2" ] || [ -z "$(ls -A "$work/c2")" ] || { echo "logs were fetched before the inventory failed"; exit 1; }
# --endpoint-url for an s3:// inventory alone (local logs) is taken, not refused.
got=$(storage --format csv --endpoint-url "$ep" --inventory s3://inv/reports/ "$work/logs")
[ "$got" = "$want" ] || { echo "local logs with an s3:// inventory differ"; exit 1; }
echo "storage s3:// and --inventory s3://: the same report as from the folders, cached as aws s3 sync, re-run fetched nothing"
