#!/usr/bin/env bash
# End to end: s3:// against the SigV4 stub (tests/support/s3stub.py) where things are not
# plain: objects stored gzip-compressed under names without .gz (found by their magic bytes:
# the same report as the uncompressed folder's), a server that stops sending mid-body (a
# timeout, then a retry that gets it; or, when it never recovers, one line naming the object,
# the others read, exit 3, no hang), and the dashboard's header naming the s3:// source and
# the time of its last listing, which moves on with each listing (in tmux); --cache-prune deletes
# the cached objects counted and not to be listed again, and nothing is fetched twice after.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}" "${S3TOP_SOURCE_DIR:?}"
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
command -v tmux >/dev/null || { echo "skipped: no tmux"; exit 77; }
stub=$S3TOP_SOURCE_DIR/tests/support/s3stub.py
work=$(mktemp -d)
sock="s3top-e2e-s3-$$"
pids=()
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_DEFAULT_REGION AWS_SESSION_TOKEN \
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI http_proxy https_proxy HTTP_PROXY \
  HTTPS_PROXY ALL_PROXY all_proxy S3TOP_S3_READ_TIMEOUT
secret='edge-SECRET/key'
export HOME=$work/home AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=AKIDEDGE \
  AWS_SECRET_ACCESS_KEY=$secret AWS_CONFIG_FILE=$work/none AWS_SHARED_CREDENTIALS_FILE=$work/none
mkdir -p "$HOME"

"$S3GEN" --out "$work/plain" --files 30 --lines 1500 --seed 21 >/dev/null 2>&1
# The bucket: every other object gzip-compressed, its name unchanged (no .gz).
mkdir -p "$work/bucket/logs"
i=0
for f in "$work"/plain/*; do
  if ((i++ % 2 == 0)); then gzip -n -c "$f" >"$work/bucket/logs/$(basename "$f")"; else cp "$f" "$work/bucket/logs/"; fi
done
gz=$(for f in "$work"/bucket/logs/*; do head -c2 "$f" | od -An -tx1 | tr -d ' \n'; echo; done | grep -c '^1f8b' || true)
[ "$gz" = 15 ] || { echo "want 15 gzip objects in the bucket, have $gz"; exit 1; }
want=$("$S3TOP" report --format csv --exact --no-state "$work/plain")
stalled=logs/$(ls "$work/plain" | sed -n 4p)  # a gzip one (the 4th is plain: 0-based 3 is odd)

serve() {  # name extra-args...: a stub on a port of its own; sets $ep
  local name=$1
  shift
  python3 "$stub" serve --dir "$work/bucket" --bucket edges --key AKIDEDGE --secret "$secret" --page 7 \
    --log "$work/$name.log" "$@" >"$work/$name.port" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 1 200); do [ -s "$work/$name.port" ] && break; sleep 0.05; done
  [ -s "$work/$name.port" ] || { cat "$work/$name.err"; echo "the stub did not start"; exit 1; }
  ep=http://127.0.0.1:$(head -1 "$work/$name.port")
  touch "$work/$name.log"
}
report() {  # cache args...: exit status in $rc, stdout in $work/out, stderr in $work/err
  local cache=$1
  shift
  set +e
  timeout 120 "$S3TOP" report --format csv --exact --no-state --cache "$work/$cache" "$@" s3://edges/logs/ \
    >"$work/out" 2>"$work/err"
  rc=$?
  set -e
  ((rc != 124)) || { echo "s3top hung (killed after 120 s): $*"; exit 1; }
}

# 1. gzip objects found by their magic bytes: the same report as the uncompressed folder.
serve plain
ep_plain=$ep
report gz --endpoint-url "$ep"
[ "$rc" = 0 ] || { cat "$work/err"; echo "gzip objects: exit $rc"; exit 1; }
[ "$(cat "$work/out")" = "$want" ] || { diff <(echo "$want") "$work/out" | head; echo "gzip objects: report differs"; exit 1; }
cmp "$work/gz/$(basename "$stalled")" "$work/bucket/$stalled" || { echo "the cache does not hold the object as stored"; exit 1; }

# 1b. --cache-prune: once counted in the state folder, the objects a re-run will not list again
# (older than the newest less 6 hours) are deleted from the cache; a re-run gives the same
# report and fetches none of them again; a new object is the only GET of the next run.
keep=$(python3 - "$work/bucket/logs" <<'PY'
import datetime, os, sys
names = sorted(os.listdir(sys.argv[1]))
t = lambda n: datetime.datetime.strptime(n[:19], "%Y-%m-%d-%H-%M-%S")
cutoff = (max(t(n) for n in names) - datetime.timedelta(hours=6)).strftime("%Y-%m-%d-%H-%M-%S")
print(sum(1 for n in names if n > cutoff))
PY
)
((keep > 0 && keep < 30)) || { echo "the generated objects do not span more than 6 hours ($keep)"; exit 1; }
prune() { "$S3TOP" report --format csv --exact --state "$work/st-prune" --cache "$work/pruned" --cache-prune \
  --endpoint-url "$ep" s3://edges/logs/ >"$work/out" 2>"$work/err"; }
object_gets() { grep -c '^GET /edges/logs/.* 200$' "$work/plain.log" || true; }
before=$(object_gets)
prune
[ "$(cat "$work/out")" = "$want" ] || { cat "$work/err"; echo "--cache-prune: report differs"; exit 1; }
grep -q "^s3top: --cache-prune: s3://edges/logs/: $((30 - keep)) counted objects (.* MB) deleted from $work/pruned$" \
  "$work/err" || { cat "$work/err"; echo "--cache-prune did not say what it deleted"; exit 1; }
left=$(find "$work/pruned" -type f ! -name .s3top-objects | wc -l)
[ "$left" = "$keep" ] || { echo "--cache-prune left $left objects, want $keep"; exit 1; }
prune
[ "$(cat "$work/out")" = "$want" ] || { cat "$work/err"; echo "--cache-prune re-run: report differs"; exit 1; }
[ "$(object_gets)" = $((before + 30)) ] || { echo "a re-run after --cache-prune fetched again"; exit 1; }
"$S3GEN" --out "$work/late" --files 1 --lines 20 --seed 4 --start 2024-03-04T00:00:00 --hours 1 >/dev/null 2>&1
cp "$work"/late/* "$work/bucket/logs/"
prune
[ "$(object_gets)" = $((before + 31)) ] || { echo "a new object after --cache-prune: $(($(object_gets) - before)) GETs"; exit 1; }
cp "$work"/late/* "$work/plain/"
want_late=$("$S3TOP" report --format csv --exact --no-state "$work/plain")
[ "$(cat "$work/out")" = "$want_late" ] || { echo "--cache-prune with a new object: report differs"; exit 1; }
rm "$work/bucket/logs/$(ls "$work/late")" "$work/plain/$(ls "$work/late")"
set +e
"$S3TOP" report --no-state --cache-prune --endpoint-url "$ep" s3://edges/logs/ >/dev/null 2>"$work/err"
rc=$?
set -e
[ "$rc" = 2 ] && grep -q 'not with --no-state' "$work/err" || { cat "$work/err"; echo "--cache-prune --no-state: exit $rc"; exit 1; }

# 2. A server that stalls mid-body on one object's first GET: given up after
# S3TOP_S3_READ_TIMEOUT seconds of nothing, tried again, and the report is exact.
serve stall-once --stall "$stalled" --stall-times 1
S3TOP_S3_READ_TIMEOUT=1 report stall1 --endpoint-url "$ep"
[ "$rc" = 0 ] || { cat "$work/err"; echo "a stall then a retry: exit $rc"; exit 1; }
[ "$(cat "$work/out")" = "$want" ] || { echo "a stall then a retry: report differs"; exit 1; }
grep -q "^GET /edges/$stalled stalled" "$work/stall-once.log" || { echo "the stub did not stall"; exit 1; }
grep -q "^GET /edges/$stalled 200" "$work/stall-once.log" || { echo "the stalled object was not tried again"; exit 1; }

# 3. It never recovers: one line naming that object, the others read, exit 3 (part unread).
serve stall-always --stall "$stalled"
S3TOP_S3_READ_TIMEOUT=1 report stall2 --endpoint-url "$ep"
[ "$rc" = 3 ] || { cat "$work/err"; echo "a stalled object: exit $rc, want 3"; exit 1; }
[ "$(grep -c "s3://edges/$stalled" "$work/err")" = 1 ] || { cat "$work/err"; echo "the stalled object is not said in one line"; exit 1; }
grep -q "s3://edges/$stalled: no answer from .* after 6 tries" "$work/err" ||
  { cat "$work/err"; echo "the stalled object's line does not say what happened"; exit 1; }
stalls=$(grep -c "^GET /edges/$stalled stalled" "$work/stall-always.log" || true)
[ "$stalls" = 6 ] || { echo "the stalled object was tried $stalls times, want 6"; exit 1; }
mkdir -p "$work/partial" && cp "$work"/plain/* "$work/partial/" && rm "$work/partial/$(basename "$stalled")"
diff <(sed $'/^\r\{0,1\}$/,$d' "$work/out") <("$S3TOP" report --format csv --exact --no-state "$work/partial") ||
  { echo "the objects read give another report"; exit 1; }
S3TOP_S3_READ_TIMEOUT=soon report stall3 --endpoint-url "$ep"
[ "$rc" = 1 ] && grep -q "S3TOP_S3_READ_TIMEOUT='soon' is not a number of seconds" "$work/err" ||
  { cat "$work/err"; echo "a bad S3TOP_S3_READ_TIMEOUT: exit $rc"; exit 1; }

# 4. The dashboard's header: the s3:// source and the time of its last listing, later with
# each listing (--every 1s).
listed_before=$(grep -c '^GET /edges/ 200' "$work/plain.log" || true)
. "$S3TOP_SOURCE_DIR/tests/support/e2e_tmux.sh"
tmux -L "$sock" new -d -s t -x 140 -y 40 \
  "LANG=C.UTF-8 $S3TOP --no-state --every 1s --cache $work/dash --endpoint-url $ep_plain s3://edges/logs/; echo EXITED-\$?; sleep 30"
wait_for "s3://edges/logs/ listed "
first=$(screen | grep -o 's3://edges/logs/ listed [0-9][0-9]:[0-9][0-9]:[0-9][0-9]' | head -1)
[ -n "$first" ] || { screen; echo "no listing time in the header"; exit 1; }
later=""
for _ in $(seq 1 $((${S3TOP_E2E_WAIT:-20} * 5))); do
  now=$(screen | grep -o 's3://edges/logs/ listed [0-9][0-9]:[0-9][0-9]:[0-9][0-9]' | head -1)
  [ -n "$now" ] && [ "$now" != "$first" ] && { later=$now; break; }
  sleep 0.2
done
[ -n "$later" ] || { screen; echo "the header's listing time stayed at '$first'"; exit 1; }
listings=$(($(grep -c '^GET /edges/ 200' "$work/plain.log" || true) - listed_before))
((listings >= 2)) || { echo "the dashboard listed $listings times"; exit 1; }
tmux -L "$sock" send-keys -t t q
wait_for "EXITED-"
echo "s3:// edges: 15 gzip objects read as the plain folder, a stall retried, --cache-prune kept $keep of 30, a stall for good one line (exit 3), header '$first' then '$later'"
