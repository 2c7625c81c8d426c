#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/fuzz_*.cpp) with clang into build-fuzz/ and runs each one
# for SECONDS. A target with its own seed folder (fuzz/seeds/<target>/: filter expressions,
# times, URIs ...) starts from that; the log parsers start from the files in fuzz/seeds/ plus
# the shared S3 corpus (../shared/corpus/s3 or $S3TOP_CORPUS/s3, one line per file).
#
#   fuzz/run.sh SECONDS            each target for SECONDS, e.g. fuzz/run.sh 120
#   fuzz/run.sh --total SECONDS    SECONDS shared by all targets (at least 5 s each): what CI
#                                  runs, so adding a target does not lengthen CI
# Targets run one per core at a time (FUZZ_JOBS to choose), so the wall time is about
# SECONDS / cores.
#
# Environment: CXX (a clang++ that can use std::expected; otherwise the newest clang++-NN found
# that can; as root with none found, Debian's clang-19 is installed unless S3TOP_FUZZ_NO_INSTALL
# is set), S3TOP_FUZZ_BUILD (build folder, default build-fuzz), FUZZ_ARGS (more libFuzzer flags).
# The working corpus (build-fuzz/corpus/<target>) is kept between runs. Crashing inputs are
# written to build-fuzz/artifacts/; the script then exits 1 and lists them.
set -euo pipefail

total=""
if [[ ${1:-} == --total ]]; then
    total=${2:-}
    secs=$total
else
    secs=${1:-}
fi
if ! [[ $secs =~ ^[0-9]+$ ]] || [[ $secs -eq 0 ]]; then
    echo "usage: $0 SECONDS | --total SECONDS" >&2
    exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${S3TOP_FUZZ_BUILD:-$root/build-fuzz}

# A clang++ whose C++23 mode can use libstdc++'s std::expected (Debian 12's clang 14 cannot).
can_build() {
    local cxx=$1 tmp
    command -v "$cxx" >/dev/null 2>&1 || return 1
    tmp=$(mktemp -d)
    printf '%s\n' '#include <cstddef>' '#include <cstdint>' '#include <expected>' \
        'extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t n) {' \
        '    std::expected<int, int> e{static_cast<int>(n)}; return *e * 0; }' >"$tmp/t.cpp"
    if "$cxx" -std=c++2b -fsanitize=fuzzer,address,undefined "$tmp/t.cpp" -o "$tmp/t" >/dev/null 2>&1; then
        rm -rf "$tmp"
        return 0
    fi
    rm -rf "$tmp"
    return 1
}
find_cxx() {
    local c
    for c in clang++-22 clang++-21 clang++-20 clang++-19 clang++-18 clang++-17 clang++-16 clang++; do
        if can_build "$c"; then echo "$c"; return; fi
    done
}
cxx=""
if [[ -n ${CXX:-} ]]; then
    if can_build "$CXX"; then
        cxx=$CXX
    else
        echo "fuzz/run.sh: CXX=$CXX cannot build the fuzz targets (needs clang with std::expected); looking further" >&2
    fi
fi
[[ -n $cxx ]] || cxx=$(find_cxx)
# None here (a new Debian 12 machine has only clang 14): install Debian's clang 19, as root,
# unless told not to.
if [[ -z $cxx && -z ${S3TOP_FUZZ_NO_INSTALL:-} && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "fuzz/run.sh: installing clang-19 libclang-rt-19-dev" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang-19 libclang-rt-19-dev >/dev/null
    cxx=$(find_cxx)
fi
if [[ -z $cxx ]]; then
    echo "fuzz/run.sh: no clang++ that can build this project with libFuzzer." >&2
    echo "  Debian 12: apt-get install clang-19 libclang-rt-19-dev   (then CXX=clang++-19, or let the script find it)" >&2
    exit 2
fi
cc=${cxx/clang++/clang}
echo "== compiler: $cxx ($("$cxx" --version | head -n1))"

mkdir -p "$build"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
# -O1 -g without NDEBUG: fast enough to fuzz, asserts stay on. Warnings are not errors here:
# the gcc builds police them, and a clang-only warning elsewhere must not stop the fuzzing.
cmake -S "$root" -B "$build" "${generator[@]}" \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DS3TOP_FUZZ=ON -DS3TOP_BUILD_TESTS=OFF -DS3TOP_BUILD_BENCH=OFF -DS3TOP_WERROR=OFF >"$build/configure.log" 2>&1 || {
    cat "$build/configure.log" >&2
    exit 1
}

targets=()
for src in "$here"/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"
if [[ -n $total ]]; then
    secs=$((total / ${#targets[@]}))
    ((secs >= 5)) || secs=5
    echo "== ${#targets[@]} targets, ${secs}s each (--total $total)"
fi

corpus_src=""
if [[ -n ${S3TOP_CORPUS:-} && -d ${S3TOP_CORPUS}/s3 ]]; then
    corpus_src=$S3TOP_CORPUS/s3
elif [[ -d $root/../shared/corpus/s3 ]]; then
    corpus_src=$(cd "$root/../shared/corpus/s3" && pwd)
fi

mkdir -p "$build/artifacts"
marker=$build/artifacts/.run-start
touch "$marker"

# One target: seed its corpus, fuzz it for $secs, minimise the corpus. Output to stdout;
# returns libFuzzer's exit status.
fuzz_one() {
    local t=$1 dir=$build/corpus/$1 f
    mkdir -p "$dir"
    if [[ -d $here/seeds/$t ]]; then
        cp "$here/seeds/$t"/* "$dir"/
    else
        find "$here/seeds" -maxdepth 1 -type f -exec cp {} "$dir"/ \;
    fi
    if [[ -d $here/seeds/$t ]]; then
        :  # its own seeds only: log lines are not filter expressions
    elif [[ -n $corpus_src ]]; then
        # One line per file, byte-exact (a CRLF line keeps its CR).
        for f in "$corpus_src"/*.log; do
            awk -v out="$dir/shared-$(basename "$f" .log)" \
                '{ name = sprintf("%s-%04d", out, NR); printf "%s\n", $0 > name; close(name) }' "$f"
        done
    else
        echo "== $t: shared corpus not found; seeding from fuzz/seeds only"
    fi
    local dict=()
    if [[ -f $here/$t.dict ]]; then
        dict=(-dict="$here/$t.dict")
    elif [[ ! -d $here/seeds/$t && -f $here/s3.dict ]]; then
        dict=(-dict="$here/s3.dict")
    fi
    echo "== $t: $(find "$dir" -type f | wc -l) corpus files, ${secs}s"
    local log=$build/$t.log rc runs speed
    set +e
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
    "$build/fuzz/$t" "$dir" "${dict[@]}" -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="$build/artifacts/$t-" -print_final_stats=1 ${FUZZ_ARGS:-} 2>&1 | tee "$log" |
        grep -E '^#[0-9]+[[:space:]]+(INITED|DONE|pulse)|^(==|stat::)|ERROR|SUMMARY|artifact|Test unit written'
    rc=${PIPESTATUS[0]}
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
    echo "== $t: exit $rc, ${runs:-?} runs, ${speed:-?} exec/s (log: $log)"
    if [[ $rc -eq 0 ]]; then
        # Keep the working corpus minimal (same coverage, fewer files) for the next run.
        rm -rf "$dir.min" && mkdir -p "$dir.min"
        if "$build/fuzz/$t" -merge=1 "$dir.min" "$dir" >"$build/$t.merge.log" 2>&1; then
            rm -rf "$dir" && mv "$dir.min" "$dir"
        fi
    fi
    return "$rc"
}

# Each libFuzzer process uses one core: run as many targets at a time as there are cores
# (FUZZ_JOBS to choose). Each target still gets its $secs; outputs are printed in order.
jobs_max=${FUZZ_JOBS:-$(nproc)}
status=0
running=0
for t in "${targets[@]}"; do
    if ((running >= jobs_max)); then
        wait -n || true
        running=$((running - 1))
    fi
    (rc=0; fuzz_one "$t" >"$build/$t.out" 2>&1 || rc=$?; echo "$rc" >"$build/$t.rc") &
    running=$((running + 1))
done
wait
for t in "${targets[@]}"; do
    cat "$build/$t.out"
    [[ $(cat "$build/$t.rc" 2>/dev/null) == 0 ]] || status=1
done

crashes=$(find "$build/artifacts" -type f -newer "$marker" \( -name '*crash-*' -o -name '*leak-*' -o -name '*timeout-*' \
    -o -name '*oom-*' \) 2>/dev/null || true)
if [[ -n $crashes ]]; then
    echo "== artifacts (reproduce: build-fuzz/fuzz/<target> FILE):"
    echo "$crashes"
    status=1
fi
exit $status
