#!/usr/bin/env bash
# The read floor (#21): s3top side by side with cat and GoAccess on the same S3 logs.
#   bench/floor.sh [LINES=2000000] [FILES=1200] [BUILD=build/release] [STEPS=report,state,dashboard,goaccess,filter]
# Generates the data under $S3TOP_BENCH_DIR (default /tmp/s3top-bench, never the repo), warms the
# page cache, then prints for each step wall time, CPU (user+sys) and peak RSS, and each ratio
# the issue sets a target for:
#   report     cat of the files, then `report --no-state --by org` RUNS times (default 3),
#              alternating with cat: s3top's wall against cat's (target 1.0x, CPU at most 1.0 s);
#   state      a first run writing a fresh state (target: at most 1.3x --no-state), a restart;
#   dashboard  the dashboard in tmux: time from start to the first frame whose header says the
#              load is done (all lines in the totals), and the RSS then (targets 1.5 s, 150 MB);
#              then the time and RSS when its Cost is the whole load's (not marked "updating");
#   goaccess   GoAccess 1.7 --log-format=AWSS3 over the same files (target: s3top 60x faster);
#   filter     BM_FilterChange10M: a filter change over 10 M records (target under 250 ms);
#   files      bench/sources.sh's two --no-state reports: 10 M lines in 100,000 files against
#              the same lines in one file (target: at most 1.5x); 12 GB of data, opt-in.
#   stages     the read floor stage by stage (bench/s3top_stages; opt-in): both cores only
#              reading the files, then also indexing each line, parsing it, finding its org,
#              each alternated with cat and the report: what is left for counting.
# Run it on an idle machine: it prints the load, and figures taken under load say little.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${1:-2000000}
FILES=${2:-1200}
BUILD=${3:-build/release}
STEPS=${4:-report,state,dashboard,goaccess,filter}
RUNS=${RUNS:-3}
S3TOP=$BUILD/app/s3top
S3GEN=$BUILD/tools/s3gen
[ -x "$S3TOP" ] && [ -x "$S3GEN" ] || { echo "build $BUILD first (./dev.sh build)" >&2; exit 2; }
DATA=${S3TOP_BENCH_DIR:-/tmp/s3top-bench}/$LINES-$FILES
if [ ! -f "$DATA/.complete" ]; then
  rm -rf "$DATA"; mkdir -p "$DATA"
  "$S3GEN" --out "$DATA/logs" --lines "$LINES" --files "$FILES" --seed 7 --truth "$DATA/truth.json" >&2
  touch "$DATA/.complete"
fi
LOGS=$DATA/logs
BYTES=$(du -sb "$LOGS" | cut -f1)
WORK=$(mktemp -d /tmp/s3top-floor.XXXXXX)
# The dashboard runs on a tmux server of its own (-L), never the user's or another script's.
TMUX_SOCKET=s3top-floor-$$
trap 'tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null || true; rm -rf "$WORK"' EXIT
cat "$LOGS"/* > /dev/null  # the page cache, for every tool alike

has() { [[ ",$STEPS," == *",$1,"* ]]; }
# run NAME command...: one timed run; sets SECS, CPU, MB and prints a line.
run() {
  local name=$1; shift
  /usr/bin/time -o "$WORK/time" -f '%e %U %S %M' "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }
  read -r SECS user sys kb < "$WORK/time"
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  MB=$((kb / 1024))
  printf '%-46s %6.2f s wall %6.2f s cpu %6d MB peak RSS\n' "$name" "$SECS" "$CPU" "$MB"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "data: $LINES S3 lines, $(awk -v b="$BYTES" 'BEGIN { printf "%.2f GB", b / 1e9 }'), $FILES files;" \
     "$(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $("$S3TOP" --version 2>/dev/null | head -1)"

CAT_BEST=
REPORT_BEST=
if has report || has state || has goaccess; then
  for _ in $(seq "$RUNS"); do
    run "cat (the files to /dev/null)" cat "$LOGS"/*
    [ -z "$CAT_BEST" ] || awk -v a="$SECS" -v b="$CAT_BEST" 'BEGIN { exit !(a < b) }' && CAT_BEST=$SECS
    run "s3top report --no-state --by org" "$S3TOP" report --no-state --by org "$LOGS"
    [ -z "$REPORT_BEST" ] || awk -v a="$SECS" -v b="$REPORT_BEST" 'BEGIN { exit !(a < b) }' && REPORT_BEST=$SECS
  done
  echo "=> report / cat (best of $RUNS each): $(ratio "$REPORT_BEST" "$CAT_BEST")x (target 1.0x)"
fi

if has state; then
  run "s3top report --state (first run, writes it)" "$S3TOP" report --state "$WORK/state" --by org "$LOGS"
  echo "=> first run with state / --no-state: $(ratio "$SECS" "$REPORT_BEST")x (target 1.3x)"
  run "s3top report --state (restart, nothing new)" "$S3TOP" report --state "$WORK/state" --by org "$LOGS"
  rm -rf "$WORK/state"
fi

if has dashboard; then
  if command -v tmux >/dev/null; then
    # The header's first word after the name is the load's state: "loading" until every line
    # is in the totals, then "following" (the default follows the folder).
    t0=$(date +%s%N)
    tmux -L "$TMUX_SOCKET" new-session -d -s s3top-floor -x 160 -y 45 "$S3TOP --no-state $LOGS"
    pid=
    # The poll is one tmux call every 20 ms (its first line only, matched in bash, the pause a
    # builtin): it shares the 2 cores with s3top, and a pipe to head and grep plus an external
    # sleep each time took ~23% of a core, this ~18%.
    while true; do
      [ -z "$pid" ] && pid=$(tmux -L "$TMUX_SOCKET" list-panes -t s3top-floor -F '#{pane_pid}' 2>/dev/null || true)
      first=$(tmux -L "$TMUX_SOCKET" capture-pane -p -t s3top-floor -S 0 -E 0 2>/dev/null || true)
      [[ "$first" == *" following "* ]] && break
      [ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 120000 ] && { echo "dashboard: no full frame after 120 s"; break; }
      read -r -t 0.02 <> <(:) || true
    done
    t1=$(date +%s%N)
    rss=$(( $(ps -o rss= -p "$pid" 2>/dev/null || echo 0) / 1024 ))
    hwm=$(( $(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0) / 1024 ))
    printf '%-46s %6.2f s wall %13s %6d MB RSS (peak %d MB)\n' "dashboard: first full frame" \
      "$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.2f", d / 1e9 }')" "" "$rss" "$hwm"
    # The header's Cost is the whole load's once it no longer says "updating" (its answer comes
    # from a thread of its own, after that frame).
    while true; do
      line=$(tmux -L "$TMUX_SOCKET" capture-pane -p -t s3top-floor -S 2 -E 2 2>/dev/null || true)
      [[ "$line" == *"Cost "* && "$line" != *updating* ]] && break
      [ $(( ($(date +%s%N) - t1) / 1000000 )) -gt 30000 ] && { line=; break; }
      read -r -t 0.02 <> <(:) || true
    done
    if [ -n "$line" ]; then
      t2=$(date +%s%N)
      printf '%-46s %6.2f s wall %13s %6d MB RSS  (%s)\n' "dashboard: the whole load's cost shown" \
        "$(awk -v d=$((t2 - t0)) 'BEGIN { printf "%.2f", d / 1e9 }')" "" \
        $(( $(ps -o rss= -p "$pid" 2>/dev/null || echo 0) / 1024 )) "$(grep -o 'Cost [^ ]* [A-Z]*' <<< "$line")"
    else
      echo "dashboard: no settled Cost in the header after 30 s"
    fi
    echo "=> targets: 1.5 s, 150 MB"
    tmux -L "$TMUX_SOCKET" kill-server
  else
    echo "dashboard: tmux not installed - skipped"
  fi
fi

if has goaccess; then
  if command -v goaccess >/dev/null; then
    run "goaccess --log-format=AWSS3 (json)" bash -c "cat '$LOGS'/* | goaccess - --log-format=AWSS3 -o '$WORK/goaccess.json' --no-progress"
    echo "=> s3top is $(ratio "$SECS" "$REPORT_BEST")x faster than GoAccess by wall time (target 60x)"
  else
    echo "goaccess: not installed (apt-get install goaccess) - skipped"
  fi
fi

if has filter; then
  if [ ! -x "$BUILD/bench/s3top_bench" ]; then  # the benchmarks are opt-in
    cmake -S . -B "$BUILD" -DS3TOP_BUILD_BENCH=ON >/dev/null && cmake --build "$BUILD" --target s3top_bench -j2 >/dev/null
  fi
  "$BUILD/bench/s3top_bench" --benchmark_filter='BM_FilterChange10M' 2>/dev/null | grep -E '^BM_' || true
  echo "=> target: a filter change over 10 M records under 250 ms"
fi

if has stages; then
  [ -x "$BUILD/bench/s3top_stages" ] || cmake --build "$BUILD" --target s3top_stages -j2 >/dev/null
  for _ in $(seq "$RUNS"); do
    run "cat (the files to /dev/null)" cat "$LOGS"/*
    cat_secs=$SECS
    for stage in read index parse org; do
      run "stages: $stage" "$BUILD/bench/s3top_stages" "$LOGS" "$stage"
      echo "   => $(ratio "$SECS" "$cat_secs")x cat"
    done
    run "s3top report --no-state --by org" "$S3TOP" report --no-state --by org "$LOGS"
    echo "   => $(ratio "$SECS" "$cat_secs")x cat"
  done
fi

if has files; then
  bench/sources.sh 10000000 100000 "$BUILD" reports
  echo "=> target: the folder in at most 1.5x the one file's time"
fi
