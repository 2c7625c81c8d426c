#!/usr/bin/env bash
# End to end (#23): files changed under s3top while it runs and while it follows. Each case
# compares the result with state (or following) to a fresh --no-state report over the files
# as they end up (plus, where a file was rewritten, its old content, which was counted then):
#   gz     a .gz copied in while it is still being written (one-shot runs, and following)
#   perm   a file that cannot be read for a while (a user without permission; root ignores
#          mode 000, so as root the runs are made as nobody with setpriv)
#   rotate rotation by rename and by copytruncate every 0.5 s while following
#   touch  a file rewritten in place with the same size and mtime (touch -r)
#   links  symlinked sub-folders (followed, a loop named once)
# Each thing the follower says is said once. Needs python3 (77: skipped without it).
# CHAOS_CASES="gz rotate" runs only those cases.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
command -v python3 >/dev/null || { echo "chaos: python3 not found; skipped"; exit 77; }
work=$(mktemp -d)
chmod 755 "$work"
pids=()
# A background job forked for `&` is this shell until it execs: a signal sent at once (the tests
# below do) can end it there, and it would run this trap and delete the work folder under the
# test. Only the script's own shell cleans up.
cleanup() {
  [[ $BASHPID -eq $$ ]] || return 0
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  chmod -R u+rwX "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "chaos: $*"; exit 1; }
totals() { python3 -c 'import json,sys; t=json.loads(sys.stdin.readline())["totals"]; print(t["requests"], t["bytes_sent"])'; }
fresh() { "$S3TOP" report --no-state --format json "$@" | totals; }
last_follow() { tail -1 "$1" 2>/dev/null | totals 2>/dev/null || echo "none"; }

"$S3GEN" --out "$work/src" --lines 30000 --files 3 --seed 23 >/dev/null
src=($(ls "$work/src"))
all="$work/all.log"
cat "$work/src"/* > "$all"

# Starts `report --follow` over $1 with state $2, output to $3 (stderr to $3.err).
follow_start() {
  "$S3TOP" report --follow --every 100ms --format json --state "$2" "$1" > "$3" 2> "$3.err" &
  pids+=($!)
  follow_pid=$!
}
# Waits (bounded) until the last follow report equals $2, then stops it; says what went wrong.
follow_until() {
  local out=$1 want=$2 name=$3 deadline=$((SECONDS + 30)) got=""
  while [ $SECONDS -lt $deadline ]; do
    got=$(last_follow "$out")
    [ "$got" = "$want" ] && break
    sleep 0.2
  done
  kill -INT "$follow_pid"
  wait "$follow_pid" || true
  [ "$got" = "$want" ] || { cat "$out.err"; fail "$name: following ended at $got, want $want"; }
  # Never above the truth on the way.
  python3 - "$out" "$want" "$name" <<'PY'
import json, sys
w = list(map(int, sys.argv[2].split()))
for l in open(sys.argv[1]):
    t = json.loads(l)["totals"]
    assert t["requests"] <= w[0] and t["bytes_sent"] <= w[1], (sys.argv[3], "above the truth", t, w)
PY
}

# --- gz: a .gz still being written ---------------------------------------------------------
case_gz() {
mkdir -p "$work/gz" "$work/gzf"
gzip -c "$all" > "$work/whole.gz"
size=$(stat -c %s "$work/whole.gz")
want=$(fresh "$work/whole.gz")
# A part of a .gz: its whole lines count, and the exit status says the report covers only them.
head -c $((size / 3)) "$work/whole.gz" > "$work/gz/a.log.gz"
rc=0; "$S3TOP" report --state "$work/gz-state" --format json "$work/gz" > /dev/null 2>&1 || rc=$?
[ "$rc" -eq 3 ] || fail "gz: a run over a .gz still being written exits $rc, want 3"
head -c $((2 * size / 3)) "$work/whole.gz" > "$work/gz/a.log.gz"
rc=0; "$S3TOP" report --state "$work/gz-state" --format json "$work/gz" > /dev/null 2>&1 || rc=$?
[ "$rc" -eq 3 ] || fail "gz: a run over a .gz still being written exits $rc, want 3"
cp "$work/whole.gz" "$work/gz/a.log.gz"
got=$("$S3TOP" report --state "$work/gz-state" --format json "$work/gz" 2>/dev/null | totals)
[ "$got" = "$want" ] || fail "gz: one-shot runs with state end at $got, want $want"
follow_start "$work/gzf" "$work/gzf-state" "$work/gzf.jsonl"
sleep 0.3
python3 - "$work/whole.gz" "$work/gzf/a.log.gz" <<'PY'
import sys, time
data = open(sys.argv[1], "rb").read()
step = max(1, len(data) // 12)
with open(sys.argv[2], "wb") as out:
    for i in range(0, len(data), step):
        out.write(data[i:i + step]); out.flush(); time.sleep(0.12)
PY
follow_until "$work/gzf.jsonl" "$want" gz
n=$(grep -c "unexpected end of file" "$work/gzf.jsonl.err" || true)
[ "$n" -le 1 ] || { cat "$work/gzf.jsonl.err"; fail "gz: 'unexpected end of file' said $n times while following"; }
echo "gz: exact ($want), one-shot and following; said $n time(s)"
}

# --- perm: a file that cannot be read for a while ------------------------------------------
case_perm() {
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null &&
     setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$S3TOP"; then
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  fi
fi
if [ "$(id -u)" -ne 0 ] || [ ${#as_user[@]} -gt 0 ]; then
  mkdir -p "$work/perm" "$work/permf" "$work/perm-state" "$work/permf-state"
  [ ${#as_user[@]} -gt 0 ] && chown 65534:65534 "$work/perm" "$work/permf" "$work/perm-state" "$work/permf-state"
  run_as() { "${as_user[@]}" "$@"; }
  head -n 1000 "$all" > "$work/perm/a.log"
  [ ${#as_user[@]} -gt 0 ] && chown 65534:65534 "$work/perm/a.log"
  run_as "$S3TOP" report --state "$work/perm-state" --format json "$work/perm" > /dev/null 2>&1 || true
  chmod 000 "$work/perm/a.log"
  sed -n '1001,2000p' "$all" >> "$work/perm/a.log"
  run_as "$S3TOP" report --state "$work/perm-state" --format json "$work/perm" > /dev/null 2> "$work/perm.err" || true
  grep -q "Permission denied" "$work/perm.err" || fail "perm: an unreadable file was not named"
  chmod 644 "$work/perm/a.log"
  got=$(run_as "$S3TOP" report --state "$work/perm-state" --format json "$work/perm" 2>/dev/null | totals)
  want=$(fresh "$work/perm")
  [ "$got" = "$want" ] || fail "perm: after the file became readable $got, want $want"
  # Following: a file that arrives unreadable and becomes readable (only its ctime changes).
  "${as_user[@]}" "$S3TOP" report --follow --every 100ms --format json --state "$work/permf-state" "$work/permf" \
    > "$work/permf.jsonl" 2> "$work/permf.jsonl.err" &
  pids+=($!); follow_pid=$!
  sleep 0.5
  head -n 700 "$all" > "$work/permf/.b.tmp"
  chmod 000 "$work/permf/.b.tmp"
  [ ${#as_user[@]} -gt 0 ] && chown 65534:65534 "$work/permf/.b.tmp"
  mv "$work/permf/.b.tmp" "$work/permf/b.log"
  sleep 1.5
  chmod 644 "$work/permf/b.log"
  follow_until "$work/permf.jsonl" "$(fresh "$work/permf")" perm
  echo "perm: exact after an unreadable spell, one-shot and following"
else
  echo "perm: skipped (root without setpriv, or nobody cannot run $S3TOP)"
fi
}

# --- rotate: by rename and by copytruncate every 0.5 s while following ---------------------
case_rotate() {
for how in rename copytruncate; do
  logs="$work/rot-$how"
  mkdir -p "$logs"
  follow_start "$logs" "$work/rot-$how-state" "$work/rot-$how.jsonl"
  sleep 0.3
  python3 - "$all" "$logs" "$how" <<'PY'
import os, shutil, sys, time
lines = open(sys.argv[1], "rb").read().splitlines(keepends=True)[:6000]
logs, how = sys.argv[2], sys.argv[3]
app = os.path.join(logs, "app.log")
rotated = 0
start = time.monotonic()
# ~ 0.05 s per write of 50 lines; a rotation every 10 writes (0.5 s): the writer waits while
# it rotates, so no line is written between the copy and the truncation.
for n, i in enumerate(range(0, len(lines), 50)):
    with open(app, "ab") as f:
        f.writelines(lines[i:i + 50])
    time.sleep(0.05)
    if n % 10 == 9:
        rotated += 1
        if how == "rename":
            for k in range(rotated - 1, 0, -1):
                os.rename(f"{app}.{k}", f"{app}.{k + 1}")
            os.rename(app, f"{app}.1")
        else:
            shutil.copyfile(app, f"{app}.{rotated}")
            os.truncate(app, 0)
PY
  want=$(fresh "$logs")
  follow_until "$work/rot-$how.jsonl" "$want" "rotate by $how"
  got=$("$S3TOP" report --state "$work/rot-$how-state" --format json "$logs" 2>/dev/null | totals)
  [ "$got" = "$want" ] || fail "rotate by $how: restart after following $got, want $want"
  echo "rotate by $how: exact ($want)"
done
}

# --- touch: rewritten in place, same size and mtime ---------------------------------------
case_touch() {
mkdir -p "$work/touch" "$work/touch-old"
head -n 500 "$all" > "$work/touch/a.log"
cp "$work/touch/a.log" "$work/touch-old/a.log"
"$S3TOP" report --state "$work/touch-state" --format json "$work/touch" > /dev/null 2>&1
# The same lines in reverse order: the same size, other bytes (and other first and last KiB).
tac "$work/touch/a.log" > "$work/touch.new"
touch -r "$work/touch/a.log" "$work/touch.ref"
cat "$work/touch.new" > "$work/touch/a.log"    # same inode, same size
touch -r "$work/touch.ref" "$work/touch/a.log"  # same mtime
got=$("$S3TOP" report --state "$work/touch-state" --format json "$work/touch" 2>/dev/null | totals)
want=$(fresh "$work/touch" "$work/touch-old")
[ "$got" = "$want" ] || fail "touch: a rewrite with the same size and mtime: $got, want $want (old + new content)"
echo "touch: the rewritten content counted ($want)"
}

# --- links: symlinked sub-folders followed, a loop named -----------------------------------
case_links() {
mkdir -p "$work/links/own" "$work/elsewhere/deep"
head -n 300 "$all" > "$work/links/own/a.log"
sed -n '301,700p' "$all" > "$work/elsewhere/deep/b.log"
ln -s "$work/elsewhere" "$work/links/linked"
ln -s .. "$work/links/own/loop"
got=$("$S3TOP" report --state "$work/links-state" --format json "$work/links" 2> "$work/links.err" | totals)
want=$(fresh "$work/links/own/a.log" "$work/elsewhere")
[ "$got" = "$want" ] || { cat "$work/links.err"; fail "links: $got, want $want"; }
grep -q "loop" "$work/links.err" || { cat "$work/links.err"; fail "links: the loop was not named"; }
ln -s "$work/links" "$work/links-root"
got=$("$S3TOP" report --no-state --format json "$work/links-root" 2>/dev/null | totals)
[ "$got" = "$want" ] || fail "links: a symlinked folder named on the command line: $got, want $want"
echo "links: followed ($want), the loop named"
}

for c in ${CHAOS_CASES:-gz perm rotate touch links}; do "case_$c"; done
echo "chaos: all cases exact"
