#!/usr/bin/env bash
# End to end, hostile inputs and faults against the real binary (the in-process half is
# tests/core/hostile_input_test.cpp):
#   - the table report on stdout never carries a raw ESC or other control byte from the logs;
#   - a 100 MiB line without a newline, a .gz bomb: bounded memory (peak RSS), a clear message;
#   - 100,000 empty files (S3TOP_MANY_FILES; 20,000 unless set, the CI budget): bounded time;
#   - unreadable files and folders (as root: run s3top as nobody via setpriv), symlink loops;
#   - SIGTERM / SIGINT / SIGHUP at any moment of `report -o FILE`: FILE is the old one or the
#     complete new one, never partial, and no temp file is left;
#   - SIGTERM / SIGINT / SIGHUP mid-ingest with a state file, six times in a row: the restart
#     gives the generator's exact totals, and a second one too;
#   - a full disk (a small tmpfs, as root) and /dev/full on stdout: exit 1, a clear message, no
#     half-written file in place of the old one; the state folder on a full disk: the report
#     stays exact, and the runs after it too;
#   - the dashboard restores the terminal on SIGTERM / SIGINT / SIGHUP (tmux).
# Every step runs under `timeout`: a hang fails the test instead of stalling CI.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}"
declare -i skipped=0  # parts that could not run here (see the end)
work=$(mktemp -d)
sock="s3top-hostile-$$"
mnt=""
# A background job forked for `&` is this shell until it execs: a signal sent at once (the tests
# below do) can end it there, and it would run this trap and delete the work folder under the
# test. Only the script's own shell cleans up.
cleanup() {
  [[ $BASHPID -eq $$ ]] || return 0
  for sig in TERM INT HUP; do tmux -L "$sock-$sig" kill-server 2>/dev/null || true; done
  [[ -n $mnt ]] && umount "$mnt" 2>/dev/null || true
  chmod -R u+rwx "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== $*"; }
T=120  # seconds any one run may take

line() {  # key org ua bytes -> one S3 line on stdout
  printf 'owner bkt [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - REQ REST.GET.OBJECT %s "GET /bkt/%s?org=%s HTTP/1.1" 200 - %s 100 5 1 "-" "%s" - hid SigV4 C AuthHeader h TLSv1.2 - -\n' \
    "$1" "$1" "$2" "$4" "$3"
}
# peak RSS in MiB of a command (GNU time, or python's rusage when time is missing)
peak_mib() {  # out-file cmd...
  local out=$1; shift
  python3 - "$out" "$@" <<'PY'
import resource, subprocess, sys
out = sys.argv[1]
with open(out, "wb") as f:
    rc = subprocess.run(sys.argv[2:], stdout=f, stderr=open(out + ".err", "wb"), timeout=300).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, rc)
PY
}
json_get() {  # file python-expression-on-r
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# ---------------------------------------------------------------------------------------------
step "terminal escapes, markup and formulas in every field: the table on stdout is clean"
mkdir -p "$work/hostile"
python3 - "$work/hostile/h.log" <<'PY'
import sys
vals = [b"nul\x00byte", b"bad\xff\xfe\xc0\x80utf8", b"\x1b[2J\x1b[H\x1b[31mred", b"\x1b]52;c;aGVsbG8=\x07",
        b"\x1b]0;title\x1b\\", b"\x1bP+q544e\x1b\\", b"\xc2\x9b31m\xc2\x9d0;t\xc2\x9c", b"\x9b2J",
        b"<script>alert(1)</script>", b"=HYPERLINK(\"http://x\",\"y\")", b"+cmd|'/c_calc'!A0", b"-2+3", b"@SUM(A1)",
        b"cr\rbs\x08del\x7f"]
with open(sys.argv[1], "wb") as f:
    for i, v in enumerate(vals):
        bare = v.replace(b'"', b"'")  # S3 never writes a quote in a bare token: that is a bad_field
        f.write(b'owner bkt [06/Feb/2019:00:00:38 +0000] 192.0.2.3 ' + bare + b' REQ REST.GET.OBJECT ' + bare +
                b' "GET /bkt/' + v + b'?org=' + v + b' HTTP/1.1" 200 - ' + str(1000 + i).encode() +
                b' 100 5 1 "' + v + b'" "' + v + b'" - hid SigV4 C AuthHeader h TLSv1.2 - -\n')
PY
for by in org key ua referrer requester "org,ua"; do
  for exact in "" --exact; do
    timeout $T "$S3TOP" report --by "$by" $exact "$work/hostile" >"$work/table.out"
    python3 - "$work/table.out" "$by" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
for i, c in enumerate(b):
    if (c < 0x20 and c != 0x0A) or c == 0x7F:
        sys.exit(f"--by {sys.argv[2]}: control byte {c:#x} at {i}: {b[max(0,i-20):i+20]!r}")
t = b.decode("utf-8")  # raises on invalid UTF-8
for i, ch in enumerate(t):
    if 0x80 <= ord(ch) <= 0x9F:
        sys.exit(f"--by {sys.argv[2]}: C1 control U+{ord(ch):04X}")
PY
  done
  timeout $T "$S3TOP" report --by "$by" --format json "$work/hostile" >"$work/h.json"
  python3 - "$work/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
L = r["lines"]
assert L["read"] == L["parsed"] + L["rejected"] + L["ignored"] == 14, L
assert r["totals"]["bytes_sent"] == sum(1000 + i for i in range(14)), r["totals"]
PY
  timeout $T "$S3TOP" report --by "$by" --format csv "$work/hostile" >"$work/h.csv"
  python3 - "$work/h.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
for row in rows[1:]:
    for cell in row:
        if cell and cell != "-" and cell[0] in "=+-@\t\r" and not cell.lstrip("-").isdigit():
            sys.exit(f"CSV cell starts a formula: {cell!r}")
PY
done
# The rejects file keeps lines raw (it is a file, not a terminal); the dashboard's own tests
# cover what reaches the screen.

# ---------------------------------------------------------------------------------------------
step "a 100 MiB line without a newline: one line_too_long, bounded memory"
mkdir -p "$work/long"
{ line k a curl 100; line k a curl 100; } >"$work/long/l.log"
head -c $((100 << 20)) /dev/zero | tr '\0' 'x' >>"$work/long/l.log"
read -r rss rc < <(peak_mib "$work/long.json" timeout $T "$S3TOP" report --format json "$work/long")
echo "   peak RSS ${rss} MiB (exit $rc)"
[[ $rc -eq 0 ]] || fail "exit $rc: $(cat "$work/long.json.err")"
[[ $rss -lt 150 ]] || fail "peak RSS ${rss} MiB reading a 100 MiB line"
[[ $(json_get "$work/long.json" 'r["lines"]["rejected_by_reason"]["line_too_long"]') == 1 ]] || fail "not one line_too_long"
[[ $(json_get "$work/long.json" 'r["lines"]["parsed"]') == 2 ]] || fail "good lines lost"
[[ $(json_get "$work/long.json" 'r["lines"]["bytes"]') == $(stat -c %s "$work/long/l.log") ]] || fail "bytes not all counted"

# ---------------------------------------------------------------------------------------------
step "a .gz bomb (1 GiB of zeros): stopped with a message, bounded memory"
mkdir -p "$work/bomb"
head -c $((1 << 30)) /dev/zero | gzip -9 >"$work/bomb/b.log.gz"
line k a curl 7 >"$work/bomb/good.log"
start=$(date +%s.%N)
read -r rss rc < <(peak_mib "$work/bomb.json" timeout $T "$S3TOP" report --format json "$work/bomb")
secs=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
echo "   $(stat -c %s "$work/bomb/b.log.gz") bytes of gzip: peak RSS ${rss} MiB, ${secs} s (exit $rc)"
grep -q "decompression bomb" "$work/bomb.json.err" || fail "no bomb message: $(cat "$work/bomb.json.err")"
[[ $rss -lt 150 ]] || fail "peak RSS ${rss} MiB on a gzip bomb"
[[ $(json_get "$work/bomb.json" 'r["totals"]["bytes_sent"]') == 7 ]] || fail "good file lost"

# ---------------------------------------------------------------------------------------------
nfiles=${S3TOP_MANY_FILES:-20000}
step "$nfiles empty files: bounded time"
mkdir -p "$work/many"
python3 -c '
import os, sys
d = sys.argv[1]
for i in range(int(sys.argv[2])): open(os.path.join(d, f"p{i:06d}.log"), "w").close()' "$work/many" "$nfiles"
line k a curl 5 >"$work/many/zz.log"
start=$(date +%s.%N)
timeout $T "$S3TOP" report --format json "$work/many" >"$work/many.json" || fail "exit $? on $nfiles empty files"
secs=$(python3 -c "import time; print(f'{time.time() - $start:.2f}')")
echo "   $nfiles empty files + 1: ${secs} s"
[[ $(json_get "$work/many.json" 'r["totals"]["bytes_sent"]') == 5 ]] || fail "the one real file lost"
rm -rf "$work/many"

# ---------------------------------------------------------------------------------------------
step "symlink loops and dangling links: named, no hang"
mkdir -p "$work/links"
line k a curl 3 >"$work/links/good.log"
ln -s "$work/links/b" "$work/links/a"
ln -s "$work/links/a" "$work/links/b"
ln -s "$work/links" "$work/links/self"
ln -s "$work/links/nowhere" "$work/links/dangling.log"
# Links in a folder that lead nowhere hold no log (exit 0); the loop named on the command line
# is an input that could not be read (exit 3, and named in the output).
timeout $T "$S3TOP" report --format json "$work/links" >"$work/links.json" 2>"$work/links.err" ||
  fail "exit $?: $(cat "$work/links.err")"
[[ $(json_get "$work/links.json" 'r["totals"]["bytes_sent"]') == 3 ]] || fail "good file not read exactly once"
grep -q "dangling.log" "$work/links.err" || fail "the dangling link is not named"
set +e
timeout $T "$S3TOP" report --format json "$work/links" "$work/links/a" >"$work/links.json" 2>"$work/links.err"
rc=$?
set -e
[[ $rc -eq 3 ]] || fail "exit $rc with a loop named: $(cat "$work/links.err")"
[[ $(json_get "$work/links.json" 'r["totals"]["bytes_sent"]') == 3 ]] || fail "good file not read exactly once"
grep -q "links/a" "$work/links.err" || fail "the loop named on the command line is not reported"
[[ $(json_get "$work/links.json" 'r["unread_inputs"][0]["path"]') == "$work/links/a" ]] ||
  fail "the loop named on the command line is not in the output"

# ---------------------------------------------------------------------------------------------
step "unreadable files and folders: named, the rest read"
mkdir -p "$work/perm/closed"
chmod 755 "$work" "$work/perm"
line k a curl 11 >"$work/perm/good.log"
line k a curl 13 >"$work/perm/secret.log"
line k a curl 17 >"$work/perm/closed/inner.log"
chmod 644 "$work/perm/good.log"
chmod 000 "$work/perm/secret.log" "$work/perm/closed"
as_user=()
if [[ $(id -u) -eq 0 ]]; then
  # root reads anything: drop to nobody to see what a user sees.
  if command -v setpriv >/dev/null; then
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  else
    echo "   root without setpriv: skipped"; skipped+=1
  fi
fi
if [[ $(id -u) -ne 0 || ${#as_user[@]} -gt 0 ]]; then
  set +e
  timeout $T "${as_user[@]}" "$S3TOP" report --format json "$work/perm" >"$work/perm.json" 2>"$work/perm.err"
  rc=$?
  set -e
  [[ $rc -eq 3 ]] || fail "exit $rc (want 3: some input could not be read): $(cat "$work/perm.err")"
  [[ $(json_get "$work/perm.json" 'r["totals"]["bytes_sent"]') == 11 ]] || fail "readable file lost"
  [[ $(json_get "$work/perm.json" 'len(r["unread_inputs"])') == 2 ]] || fail "unreadable file and folder not listed"
  grep -q "secret.log" "$work/perm.err" || fail "unreadable file not named: $(cat "$work/perm.err")"
  grep -q "closed" "$work/perm.err" || fail "unreadable folder not named: $(cat "$work/perm.err")"
  # nothing readable at all: exit 1
  set +e
  timeout $T "${as_user[@]}" "$S3TOP" report "$work/perm/secret.log" >/dev/null 2>&1
  rc=$?
  set -e
  [[ $rc -eq 1 ]] || fail "an unreadable only input should exit 1, not $rc"
fi
chmod -R u+rwx "$work/perm"

# ---------------------------------------------------------------------------------------------
step "signals during report -o: the old file or the whole new one, never partial"
"$S3GEN" --out "$work/big" --lines 150000 --files 20 --seed 3 >/dev/null
timeout $T "$S3TOP" report --by key --format json -o "$work/want.json" "$work/big"
want_read=$(json_get "$work/want.json" 'r["lines"]["read"]')
check_out() {  # file  -> "old", "new" or fails
  if [[ ! -e $1 ]]; then echo none; return; fi
  if [[ $(cat "$1") == OLD ]]; then echo old; return; fi
  # (fail would only end this $(...) subshell: say what differs, and the caller fails)
  if ! cmp -s "$1" "$work/want.json"; then
    echo "neither the old report nor the whole new one: $(stat -c %s "$1") bytes, want $(stat -c %s "$work/want.json"); $(cmp "$1" "$work/want.json" 2>&1 | head -c 300)"
    return
  fi
  echo new
}
declare -A seen=()
for sig in TERM INT HUP; do
  for delay in 0 0.03 0.1 0.2 0.4 0.7 1.1 1.6; do
    echo OLD >"$work/out.json"
    "$S3TOP" report --by key --format json -o "$work/out.json" "$work/big" 2>/dev/null &
    pid=$!
    sleep "$delay"
    kill -s "$sig" "$pid" 2>/dev/null || true
    set +e
    timeout $T tail --pid="$pid" -f /dev/null
    { wait "$pid"; } 2>/dev/null
    set -e
    r=$(check_out "$work/out.json")
    [[ $r == none || $r == old || $r == new ]] || fail "SIG$sig after ${delay}s: $r"
    seen[$r]=1
    leftovers=$(find "$work" -maxdepth 1 -name '.out.json.tmp-*' | wc -l)
    [[ $leftovers -eq 0 ]] || fail "SIG$sig after ${delay}s left a temp file"
  done
done
echo "   outcomes seen: ${!seen[*]}"

# ---------------------------------------------------------------------------------------------
step "SIGTERM / SIGINT / SIGHUP mid-ingest with a state file, again and again: the restart is exact"
"$S3GEN" --out "$work/sig" --lines 200000 --files 40 --seed 5 --truth "$work/sig-truth.json" >/dev/null
truth_req=$(json_get "$work/sig-truth.json" 'r["totals"]["requests"]')
requests_of() { json_get "$1" 'r["totals"]["requests"]'; }
for sig in TERM INT HUP; do
  rm -rf "$work/sigstate"
  killed=0
  # Each run resumes from what the one before stored, and is killed in its turn.
  for delay in 0.05 0.15 0.3 0.2 0.45 0.1; do
    "$S3TOP" report --state "$work/sigstate" --workers 1 --format json "$work/sig" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -s "$sig" "$pid" 2>/dev/null && killed=$((killed + 1)) || true
    set +e
    timeout $T tail --pid="$pid" -f /dev/null
    wait "$pid" 2>/dev/null
    rc=$?
    set -e
    [[ $rc -eq 0 || $rc -ge 128 ]] || fail "SIG$sig after ${delay}s: exit $rc"
    [[ $rc -ne 134 && $rc -ne 139 ]] || fail "SIG$sig after ${delay}s: crashed (exit $rc)"
  done
  timeout $T "$S3TOP" report --state "$work/sigstate" --format json "$work/sig" >"$work/sig1.json" 2>"$work/sig1.err" ||
    fail "restart after SIG$sig: exit $?: $(cat "$work/sig1.err")"
  [[ $(requests_of "$work/sig1.json") == "$truth_req" ]] ||
    fail "after SIG$sig x$killed: $(requests_of "$work/sig1.json") requests, want $truth_req"
  timeout $T "$S3TOP" report --state "$work/sigstate" --format json "$work/sig" >"$work/sig2.json"
  [[ $(requests_of "$work/sig2.json") == "$truth_req" ]] || fail "second restart after SIG$sig: counted twice"
  echo "   SIG$sig: killed $killed runs, restart exact ($truth_req requests)"
done

# ---------------------------------------------------------------------------------------------
step "a full disk: exit 1, a clear message, the old file intact"
set +e
timeout $T "$S3TOP" report --by key "$work/big" >/dev/full 2>"$work/full.err"
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "stdout on /dev/full: exit $rc"
grep -qi "cannot write" "$work/full.err" || fail "stdout on /dev/full: no message: $(cat "$work/full.err")"
mnt=$work/small
mkdir -p "$mnt"
if [[ $(id -u) -eq 0 ]] && mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null; then
  echo OLD >"$mnt/usage.json"
  set +e
  timeout $T "$S3TOP" report --by key --format json -o "$mnt/usage.json" "$work/big" 2>"$work/tmpfs.err"
  rc=$?
  set -e
  [[ $rc -eq 1 ]] || fail "full tmpfs: exit $rc"
  grep -q "No space left" "$work/tmpfs.err" || fail "full tmpfs: message: $(cat "$work/tmpfs.err")"
  [[ $(cat "$mnt/usage.json") == OLD ]] || fail "full tmpfs: the old file was replaced"
  [[ $(ls -A "$mnt" | wc -l) -eq 1 ]] || fail "full tmpfs: left $(ls -A "$mnt")"
  umount "$mnt"
  # The state folder on a full disk: the report is still exact and says the state file could
  # not be written; with room again, the next runs are exact and never count twice.
  mount -t tmpfs -o size=1m tmpfs "$mnt"
  set +e
  timeout $T "$S3TOP" report --state "$mnt/st" --format json "$work/sig" >"$work/fullst.json" 2>"$work/fullst.err"
  rc=$?
  set -e
  [[ $rc -eq 0 ]] || fail "state on a full disk: exit $rc: $(cat "$work/fullst.err")"
  grep -q "No space left" "$work/fullst.err" || fail "state on a full disk: no message: $(cat "$work/fullst.err")"
  [[ $(requests_of "$work/fullst.json") == "$truth_req" ]] || fail "state on a full disk: report not exact"
  mount -o remount,size=256m "$mnt"
  for run in 1 2; do
    timeout $T "$S3TOP" report --state "$mnt/st" --format json "$work/sig" >"$work/fullst.json" 2>"$work/fullst.err"
    [[ $(requests_of "$work/fullst.json") == "$truth_req" ]] ||
      fail "state after a full disk, run $run: $(requests_of "$work/fullst.json") requests, want $truth_req"
  done
  echo "   state on a 1 MiB tmpfs: exact, then exact after room was made"
  umount "$mnt"
else
  echo "   cannot mount a tmpfs (not root): full-disk file and state cases skipped"; skipped+=1
fi
mnt=""

# ---------------------------------------------------------------------------------------------
step "the dashboard restores the terminal on SIGTERM, SIGINT and SIGHUP"
if command -v tmux >/dev/null; then
  "$S3GEN" --out "$work/dash" --lines 3000 --files 3 --seed 9 >/dev/null
  for sig in TERM INT HUP; do
    rm -f "$work/pid" "$work/stty.before" "$work/stty.after"
    # A server per signal: a new one on a socket whose server is still exiting can fail.
    tm=(tmux -L "$sock-$sig")
    "${tm[@]}" new -d -s t -x 100 -y 30 "bash --norc --noprofile"
    "${tm[@]}" send-keys -t t "stty -a > $work/stty.before; sh -c 'echo \$\$ > $work/pid; exec env LANG=C.UTF-8 $S3TOP $work/dash'; echo EXITED-\$?" Enter
    for _ in $(seq 1 100); do
      [[ -s $work/pid ]] && "${tm[@]}" capture-pane -t t -p | grep -qE " (loaded|following)  lines" && break
      sleep 0.1
    done
    [[ $("${tm[@]}" display -p -t t '#{alternate_on}') == 1 ]] || fail "SIG$sig: dashboard not on the alternate screen"
    kill -s "$sig" "$(cat "$work/pid")"
    for _ in $(seq 1 50); do "${tm[@]}" capture-pane -t t -p | grep -q "EXITED-" && break; sleep 0.1; done
    "${tm[@]}" capture-pane -t t -p | grep -q "EXITED-" || fail "SIG$sig: the dashboard did not exit"
    [[ $("${tm[@]}" display -p -t t '#{alternate_on}') == 0 ]] || fail "SIG$sig: alternate screen not left"
    [[ $("${tm[@]}" display -p -t t '#{cursor_flag}') == 1 ]] || fail "SIG$sig: cursor still hidden"
    "${tm[@]}" send-keys -t t "stty -a > $work/stty.after" Enter
    for _ in $(seq 1 50); do [[ -s $work/stty.after ]] && break; sleep 0.1; done
    diff "$work/stty.before" "$work/stty.after" >/dev/null || fail "SIG$sig: tty modes not restored: $(diff "$work/stty.before" "$work/stty.after")"
    "${tm[@]}" kill-server 2>/dev/null || true
  done
else
  echo "   tmux not installed: skipped"; skipped+=1
fi

# A part that could not run makes the whole test skipped (77), never a pass.
((skipped == 0)) || { echo "$skipped part(s) skipped"; exit 77; }
echo "1 passed, 0 failed"
