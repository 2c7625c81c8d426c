# A two-shard ClickHouse cluster on 127.0.0.1 for the e2e tests, sourced (not run):
#
#   source "$S3TOP_SOURCE_DIR/tests/support/clickhouse_cluster.sh"
#   ch_require                 # exit 77 (skipped) when clickhouse-server or python3 is missing
#   ch_start "$work/ch"        # two servers, each with its own config, data folder and ports
#   ch_query 1 'SELECT 1'      # SQL to shard 1 (or 2) over HTTP; fails on an error
#   ch_schema DB               # s3top's tables (s3top schema clickhouse --cluster) on both shards
#   ch_kill_while_sending PID STATE_DIR BEFORE DELAY_MS   # kill -9 an ingest once it sends
#   ch_file_lines N DB [WHERE]  # "path<TAB>line" of each record on shard N (or both: N=all)
#   ch_stop                    # kill both (call it from the test's EXIT trap)
#
# After ch_start: CH_HTTP=(port1 port2), CH_TCP=(...), CH_CLUSTER=s3top_test (a remote_servers
# entry naming both shards, in both configs). Only long-stable settings and SQL are used, so
# the same scripts drive Debian's 18.16 and current releases. CH_SYSTEM_LOGS=1 before ch_start
# (bench/clickhouse.sh) also keeps system.query_log (every query, with its CPU and page faults)
# and system.part_log (each part written or merged), which the tests do not need.
# The servers run with MALLOC_CONF=$CH_MALLOC_CONF, by default dirty_decay_ms:-1: jemalloc (which
# Debian's clickhouse-server links) then keeps the pages a part's columns freed for the next
# insert instead of handing them back, so an insert does not fault its memory in fresh (figures:
# docs/performance.md, "ClickHouse", session 22). A deployment setting, never needed for
# correctness: CH_MALLOC_CONF= (empty) runs the servers with jemalloc's defaults.
CH_CLUSTER=s3top_test
CH_HTTP=()
CH_TCP=()
CH_INTERSERVER=()
CH_PIDS=()
CH_DIR=""

ch_require() {
  command -v clickhouse-server >/dev/null || { echo "skipped: no clickhouse-server (./dev.sh test installs it)"; exit 77; }
  command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
  command -v curl >/dev/null || { echo "skipped: no curl"; exit 77; }
}

ch_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ch_write_config DIR N: DIR/config.xml and DIR/users.xml of shard N (1-based).
ch_write_config() {
  local dir=$1 n=$2 i shards="" logs="" log_queries=""
  if [ -n "${CH_SYSTEM_LOGS:-}" ]; then
    for i in query_log part_log; do
      logs+="<$i><database>system</database><table>$i</table><flush_interval_milliseconds>1000</flush_interval_milliseconds></$i>"
    done
    log_queries="<log_queries>1</log_queries>"
  fi
  for i in 0 1; do
    shards+="<shard><replica><host>127.0.0.1</host><port>${CH_TCP[$i]}</port></replica></shard>"
  done
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/log"
  cat >"$dir/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${CH_HTTP[$((n - 1))]}</http_port>
  <tcp_port>${CH_TCP[$((n - 1))]}</tcp_port>
  <interserver_http_port>${CH_INTERSERVER[$((n - 1))]}</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <remote_servers><$CH_CLUSTER>$shards</$CH_CLUSTER></remote_servers>
  $logs
</yandex>
EOF
  cat >"$dir/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage><max_threads>2</max_threads>$log_queries</default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <ingest><password>${CH_INGEST_PASSWORD:-s3cr3t-pw}</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></ingest>
  </users>
  <quotas><default></default></quotas>
</yandex>
EOF
}

# ch_start_one N: starts shard N (its config written by ch_start) in the background.
ch_start_one() {
  local n=$1 dir=$CH_DIR/shard$1
  MALLOC_CONF=${CH_MALLOC_CONF-dirty_decay_ms:-1} clickhouse-server --config-file="$dir/config.xml" >"$dir/log/stdout" 2>&1 &
  CH_PIDS[$((n - 1))]=$!
}

# ch_wait N: until shard N answers /ping (at most S3TOP_CH_WAIT seconds, default 60).
ch_wait() {
  local n=$1 port=${CH_HTTP[$(($1 - 1))]} i
  for ((i = 0; i < ${S3TOP_CH_WAIT:-60} * 10; i++)); do
    [ "$(curl -s "http://127.0.0.1:$port/ping" 2>/dev/null)" = "Ok." ] && return 0
    sleep 0.1
  done
  echo "clickhouse shard $n did not answer on port $port:" >&2
  tail -20 "$CH_DIR/shard$n/log/error.log" "$CH_DIR/shard$n/log/stdout" >&2 2>/dev/null || true
  return 1
}

ch_start() {
  CH_DIR=$1
  mkdir -p "$CH_DIR"
  local i
  for i in 0 1; do
    CH_HTTP[$i]=$(ch_free_port)
    CH_TCP[$i]=$(ch_free_port)
    CH_INTERSERVER[$i]=$(ch_free_port)
  done
  for i in 1 2; do ch_write_config "$CH_DIR/shard$i" "$i"; done
  for i in 1 2; do ch_start_one "$i"; done
  for i in 1 2; do ch_wait "$i" || return 1; done
}

# ch_stop_one N: stops shard N and waits for it (the data folder stays).
ch_stop_one() {
  local pid=${CH_PIDS[$(($1 - 1))]:-}
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  CH_PIDS[$(($1 - 1))]=""
}

ch_stop() {
  ch_stop_one 1
  ch_stop_one 2
}

# ch_work: an e2e script's folder, $work, removed at exit with the cluster stopped (kept, and
# said, when S3TOP_KEEP_WORK is set).
ch_work() {
  work=$(mktemp -d)
  trap 'ch_stop; [ -n "${S3TOP_KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
}

# ch_query N SQL [curl options...]: SQL to shard N over HTTP; prints the answer; fails (with
# the server's message on stderr) on an error.
ch_query() {
  local port=${CH_HTTP[$(($1 - 1))]} sql=$2 out code
  shift 2
  out=$(curl -sS -w '\n%{http_code}' "http://127.0.0.1:$port/" --data-binary "$sql" "$@") || return 1
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  out=${out%$'\n'}  # the answer's own last newline (printf adds one back)
  if [ "$code" != 200 ]; then
    echo "clickhouse shard error ($code): $out" >&2
    return 1
  fi
  [ -z "$out" ] || printf '%s\n' "$out"
}

# ch_schema DB: the DDL `s3top schema clickhouse --cluster $CH_CLUSTER --database DB` prints,
# statement by statement, on both shards (Distributed DDL would need ZooKeeper). Needs $S3TOP.
ch_schema() {
  local ddl stmt n
  ddl=$("$S3TOP" schema clickhouse --cluster "$CH_CLUSTER" --database "$1")
  for n in 1 2; do
    while IFS= read -r -d ';' stmt; do [[ -n ${stmt//[$'\n ']/} ]] && ch_query "$n" "$stmt"; done <<<"$ddl"
  done
}

# ch_file_lines N DB [WHERE]: the path and line of each record of DB.s3top_records on shard N
# (1, 2, or all), one "path<TAB>line" a row, WHERE (of the records) applied. A record names its
# file by number in its batch, the path is in the batch's lines row (on either shard): so each
# shard's records are joined with the lines of both.
ch_file_lines() {
  local n shards=$1
  [ "$shards" = all ] && shards="1 2"
  for n in $shards; do
    ch_query "$n" "SELECT files[file_number], source_line FROM $2.s3top_records
      ANY INNER JOIN (SELECT batch_id, files FROM $2.s3top_records_lines_all) USING batch_id
      WHERE ${3:-1} FORMAT TabSeparated"
  done
}

# ch_state_size DIR: the bytes of the state file in DIR (0 before there is one).
ch_state_size() { stat -c %s "$1"/*.state 2>/dev/null | head -1 || echo 0; }

# ch_kill_while_sending PID STATE_DIR BEFORE DELAY_MS: once the ingest PID's state file has
# grown past BEFORE bytes by a Pending record (a batch is about to be sent: 1-4 KB, where the
# header and a Resolved record are tens of bytes), waits a random part of DELAY_MS, then kill -9
# PID and reaps it. By progress, not by the clock: a Release build is ten times quicker.
# Returns 1 when PID had ended before the kill.
ch_kill_while_sending() {
  local pid=$1 dir=$2 before=$3 delay_ms=$4 i ms
  for ((i = 0; i < 6000; i++)); do
    (($(ch_state_size "$dir") > before + 500)) && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  ms=$((RANDOM % delay_ms))
  sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || true
    return 0
  fi
  wait "$pid" 2>/dev/null || true
  return 1
}
