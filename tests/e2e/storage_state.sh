#!/usr/bin/env bash
# End to end: `storage` and `bill` with a state file. A second run reads nothing new and prints
# byte for byte what a run without a state prints; kill -9 in the middle of a run, then a
# re-run, is exact against s3gen's truth, and so is every run after it (the batches kept as
# written: a bulk load's are not compacted);
# `bill --state` has its storage line and equals `bill --no-state`.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# 40,000 lifecycles: 160,000 lines, a state of over 16 MiB in batches of a bulk load (over
# 1 MiB each: kept as written, not compacted).
"$S3GEN" --out "$work/logs" --storage-objects 40000 --files 24 --seed 11 --orgs 12 \
  --start 2024-02-01T00:00:00 --truth "$work/truth.json" 2>/dev/null
storage() { "$S3TOP" storage --month 2024-02 --by org,class --versioned st-versioned --format json "$@" "$work/logs"; }
storage --no-state >"$work/fresh.json"
python3 - "$work/truth.json" "$work/fresh.json" <<'PY' || fail "without a state"
import json, sys
truth = json.load(open(sys.argv[1])); out = json.load(open(sys.argv[2]))
got = {"|".join(g["key"]): (g["byte_seconds"], g["objects_end"], g["bytes_end"]) for g in out["groups"]}
want = {k: (v["byte_seconds"], v["objects_end"], v["bytes_end"]) for k, v in truth["groups"].items()}
assert got == want, sorted(set(got.items()) ^ set(want.items()))[:10]
print(f"ok: {len(want)} org/class groups match s3gen's truth")
PY

# 1. A first run with a state, then a second: the same bytes, and the second appends nothing
# (a line read would append a batch record).
storage --state "$work/st" >"$work/first.json"
cmp -s "$work/fresh.json" "$work/first.json" || fail "storage --state differs from --no-state"
before=$(stat -c %s "$work"/st/*.state)
storage --state "$work/st" >"$work/second.json"
cmp -s "$work/fresh.json" "$work/second.json" || fail "a second storage --state run differs from --no-state"
after=$(stat -c %s "$work"/st/*.state)
[ "$before" = "$after" ] || fail "the second run read something: the state grew from $before to $after bytes"
# Another month and grouping from the same state: the state keeps every request, not a result.
"$S3TOP" storage --month 2024-02 --by bucket --format json --no-state "$work/logs" >"$work/bucket_fresh.json"
"$S3TOP" storage --month 2024-02 --by bucket --format json --state "$work/st" "$work/logs" >"$work/bucket_state.json"
cmp -s "$work/bucket_fresh.json" "$work/bucket_state.json" || fail "--by bucket from the state differs"
echo "ok: a second run reads nothing and prints what --no-state prints ($after bytes of state)"

# 2. kill -9 once the state holds some batches (one worker: the file being read is cut at a
# line; two: blocks of a file commit out of order), then re-runs: exact each time. The re-run
# leaves over 16 MiB of bulk batches after the killed run's, which the third run loads as they
# are.
for kill_at in "1 2000000" "2 6000000"; do
  set -- $kill_at
  rm -rf "$work/st2"
  # Not through the function: $! must be s3top itself.
  "$S3TOP" storage --month 2024-02 --by org,class --versioned st-versioned --format json --state "$work/st2" \
    --workers "$1" "$work/logs" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 3000); do
    size=$(stat -c %s "$work"/st2/*.state 2>/dev/null || echo 0)
    [ "$size" -ge "$2" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
  killed=$(stat -c %s "$work"/st2/*.state)
  storage --state "$work/st2" >"$work/after_kill.json" 2>"$work/err"
  ! grep -q "without a state" "$work/err" || fail "the re-run had no state: $(cat "$work/err")"
  cmp -s "$work/fresh.json" "$work/after_kill.json" ||
    fail "after kill -9 ($1 workers, $killed bytes of state) the re-run differs from --no-state"
  rerun=$(stat -c %s "$work"/st2/*.state)
  storage --state "$work/st2" >"$work/third.json" 2>"$work/err"
  ! grep -q "without a state" "$work/err" || fail "the third run had no state: $(cat "$work/err")"
  cmp -s "$work/fresh.json" "$work/third.json" || fail "after kill -9 ($1 workers), the third run differs"
  third=$(stat -c %s "$work"/st2/*.state)
  [ "$rerun" = "$third" ] || fail "the third run read or rewrote something ($rerun -> $third bytes)"
  echo "ok: killed ($1 workers) at $killed bytes of state; re-run exact; its $rerun bytes loaded exact"
done
# The batches stay as written: Storage records each before its Batch, no Snapshot.
python3 - "$work/st2" <<'PY' || fail "the state after the re-run"
import glob, struct, sys
data = open(glob.glob(sys.argv[1] + "/*.state")[0], "rb").read()
pos, kinds = 24, []
while pos + 24 <= len(data):
    magic, kind, length = struct.unpack_from("<IIQ", data, pos)
    kinds.append(kind)
    pos += 24 + length
assert 8 not in kinds, f"a bulk load's batches were compacted: {kinds[:20]}"
batches = [i for i, k in enumerate(kinds) if k == 1]
assert len(batches) >= 2 and all(kinds[i - 1] == 7 for i in batches), f"a batch without its storage record: {kinds[:20]}"
print(f"ok: {len(batches)} batches, each with its Storage record ({len(kinds)} records)")
PY

# 3. bill with a state: the storage line is there, and the statement equals --no-state's.
"$S3TOP" bill --month 2024-02 --versioned st-versioned --format json --no-state "$work/logs" \
  >"$work/bill_fresh.json" 2>/dev/null
"$S3TOP" bill --month 2024-02 --versioned st-versioned --format json --state "$work/bst" "$work/logs" \
  >"$work/bill_first.json" 2>"$work/bill.err"
"$S3TOP" bill --month 2024-02 --versioned st-versioned --format json --state "$work/bst" "$work/logs" \
  >"$work/bill_second.json" 2>>"$work/bill.err"
! grep -q "storage" "$work/bill.err" || fail "bill --state says something about storage: $(cat "$work/bill.err")"
cmp -s "$work/bill_fresh.json" "$work/bill_first.json" || fail "bill --state differs from --no-state"
cmp -s "$work/bill_fresh.json" "$work/bill_second.json" || fail "a second bill --state differs from --no-state"
python3 - "$work/bill_second.json" "$work/truth.json" <<'PY' || fail "bill --state's storage line"
import json, sys
bill = json.load(open(sys.argv[1])); truth = json.load(open(sys.argv[2]))
st = bill["periods"][0]["storage"]
got = {f'{l["key"]}|{l["class"]}': int(l["byte_seconds"]) for l in st["lines"] if int(l["byte_seconds"])}
want = {k: v["byte_seconds"] for k, v in truth["groups"].items() if v["byte_seconds"]}
assert got == want, sorted(set(got.items()) ^ set(want.items()))[:10]
assert bill["periods"][0]["totals"]["charges_micros"]["storage"] > 0
print(f"ok: bill --state bills storage: {len(st['lines'])} org/class lines, as --no-state")
PY
