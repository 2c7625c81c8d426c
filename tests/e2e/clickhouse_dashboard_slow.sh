#!/usr/bin/env bash
# End to end (#18): the dashboard over ClickHouse never waits for the server on its UI thread.
# Its first host is a TCP proxy that holds every request while a file exists (a slow server):
# the org picker and Tab completion open at once saying they ask ClickHouse, Esc closes them
# before the answer comes (which is then dropped), and the answer fills them once the proxy lets
# it through; Tab past the first 1,000 values lists what the local dashboard lists; with the
# connections refused, the picker says why in one line; q quits at once while requests are held.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}" "${S3TOP_SOURCE_DIR:?}"
source "$S3TOP_SOURCE_DIR/tests/support/clickhouse_cluster.sh"
ch_require
command -v tmux >/dev/null || { echo "skipped: no tmux"; exit 77; }

work=$(mktemp -d)
sock="s3top-e2e-chs-$$"
ch_sock=$sock
proxy_pid=""
trap 'tmux -L "$ch_sock" kill-server 2>/dev/null || true; tmux -L "$ch_sock-local" kill-server 2>/dev/null || true; [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
      ch_stop; [ -n "${S3TOP_KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
. "$S3TOP_SOURCE_DIR/tests/support/e2e_tmux.sh"
fail() { echo "FAIL: $*" >&2; screen >&2; exit 1; }

ch_start "$work/ch"
ch_schema logs
"$S3GEN" --out "$work/logs" --lines 3000 --files 3 --seed 41 >/dev/null
# Keys for Tab past the first 1,000 values: 1,000 keys asked three times each, then keys asked
# once whose order as logged is not their order as shown (zq%7A is zqz; zq%2Bb and zq+b are
# both zq+b).
python3 - "$work/logs" <<'PY'
import os, sys
d = sys.argv[1]
f = open(os.path.join(d, sorted(os.listdir(d))[0]), "rb").read().split(b"\n")[0].split(b" ")
keys = [b"hot/%04d" % i for i in range(1000)] * 3 + [b"zq%7A", b"zqb", b"zq%2Bb", b"zq+b"]
lines = []
for k in keys:
    f[8] = k
    lines.append(b" ".join(f))
open(os.path.join(d, "2024-03-01-09-59-59-KEYS000000000"), "wb").write(b"\n".join(lines) + b"\n")
PY
"$S3TOP" ingest --quiet --state "$work/state" \
  --to "clickhouse://127.0.0.1:${CH_HTTP[0]},127.0.0.1:${CH_HTTP[1]}/logs?table=s3top_records" "$work/logs" \
  >/dev/null 2>"$work/err" || fail "ingest: $(cat "$work/err")"
orgs=$(ch_query 1 "SELECT count(DISTINCT org) FROM logs.s3top_records_all")

# The proxy: what the client sends waits while $work/hold exists; answers pass as they come;
# while $work/refuse exists, it closes each connection instead.
cat >"$work/proxy.py" <<'EOF'
import os, socket, sys, threading, time
hold, refuse, upstream, port_file = sys.argv[1], sys.argv[1] + ".refuse", int(sys.argv[2]), sys.argv[3]
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(64)
with open(port_file + ".tmp", "w") as f:
    f.write(str(ls.getsockname()[1]))
os.rename(port_file + ".tmp", port_file)
def pump(src, dst, held):
    try:
        while True:
            data = src.recv(65536)
            if not data or os.path.exists(refuse):
                break
            while held and os.path.exists(hold):
                time.sleep(0.05)
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
def serve(c):
    u = socket.create_connection(("127.0.0.1", upstream))
    threading.Thread(target=pump, args=(c, u, True), daemon=True).start()
    pump(u, c, False)
while True:
    c, _ = ls.accept()
    if os.path.exists(refuse):
        c.close()
        continue
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
python3 "$work/proxy.py" "$work/hold" "${CH_HTTP[0]}" "$work/port" &
proxy_pid=$!
for ((i = 0; i < 100; i++)); do [ -s "$work/port" ] && break; sleep 0.1; done
proxy=$(cat "$work/port")
url="clickhouse://127.0.0.1:$proxy,127.0.0.1:${CH_HTTP[1]}/logs?table=s3top_records"

tmux -L "$sock" new -d -s t -x 160 -y 50 "LANG=C.UTF-8 $S3TOP --every 1s '$url'; echo EXITED-\$?; sleep 60"
wait_for ", polled "
held() { touch "$work/hold"; }
let_go() { rm -f "$work/hold"; }
gone() {  # text: waits until the screen no longer shows it
  for ((i = 0; i < ${S3TOP_E2E_WAIT:-20} * 5; i++)); do screen | grep -qF -- "$1" || return 0; sleep 0.2; done
  fail "still on screen: $1"
}

# The org picker, the server held: open at once, asking; Esc closes it before any answer.
held
tmux -L "$sock" send-keys -t t o
wait_for "Pick an org"
wait_for "asking ClickHouse"
tmux -L "$sock" send-keys -t t Escape
gone "Pick an org"
[ -e "$work/hold" ] || fail "the proxy let go early"
# Opened again, still held: asking, and what is typed meanwhile is kept; then the answer fills it.
tmux -L "$sock" send-keys -t t o
wait_for "asking ClickHouse"
let_go
wait_for_re "Search: .* $orgs of $orgs"
gone "asking ClickHouse"
tmux -L "$sock" send-keys -t t Escape
gone "Pick an org"

# Tab in the filter prompt, held: it says it asks and the prompt takes keys; the answer
# completes it when the prompt still holds what it held.
held
tmux -L "$sock" send-keys -t t / 'status=' Tab
wait_for "asking ClickHouse for the status values"
tmux -L "$sock" send-keys -t t Escape
gone "asking ClickHouse for the status values"
[ -e "$work/hold" ] || fail "the proxy let go early"
tmux -L "$sock" send-keys -t t / 'status=' Tab
wait_for "asking ClickHouse for the status values"
let_go
wait_for_re '^[0-9]+\+?:  \[?200'
screen | grep -qF "Filter: status=" || screen | grep -qF "status=2" || fail "the prompt lost its text"
tmux -L "$sock" send-keys -t t Escape

# Past the first 1,000 values, the others by the value shown, each once: as the local dashboard
# lists them.
tmux -L "$sock" send-keys -t t / C-u 'key=zq' Tab
wait_for_re '^3:  zq\+b  zqb  zqz *$'
tmux -L "$sock" send-keys -t t Escape
sock="$ch_sock-local"
tmux -L "$sock" new -d -s t -x 160 -y 50 "LANG=C.UTF-8 $S3TOP --no-state --no-follow '$work/logs'; sleep 60"
wait_for " loaded  lines"
tmux -L "$sock" send-keys -t t / C-u 'key=zq' Tab
wait_for_re '^3:  zq\+b  zqb  zqz *$'
tmux -L "$sock" kill-server
sock=$ch_sock

# The server not answering: the picker says why in one line, Esc closes it.
touch "$work/hold.refuse"
tmux -L "$sock" send-keys -t t o
wait_for "ClickHouse at 127.0.0.1:$proxy cannot be reached"
tmux -L "$sock" send-keys -t t Escape
gone "Pick an org"
rm "$work/hold.refuse"

# Quitting while ClickHouse holds the questions (the picker's still, the polls): not waited for
# (curl would wait 120 s for a stalled answer); the dashboard quits with 0.
held
tmux -L "$sock" send-keys -t t o
wait_for "asking ClickHouse"
tmux -L "$sock" send-keys -t t Escape q
wait_for "EXITED-0"
let_go
echo "ok: the org picker and Tab completion never wait for ClickHouse, nor does quitting"
