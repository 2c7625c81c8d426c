#!/usr/bin/env bash
# s3top developer entry point. The README's two commands:
#   ./dev.sh demo   install what is missing, build (Release), run s3top on the demo logs
#   ./dev.sh test   install what is missing, build, run every test (also under ASan+UBSan,
#                   and the threaded ones under TSan)
#   ./dev.sh package  the Debian package build/package/deb/s3top_*.deb, checked by lintian
# Both are idempotent and quick on a second run.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
JOBS=${JOBS:-2}

PACKAGES=(build-essential cmake ninja-build pkg-config libfmt-dev libcli11-dev libsimdjson-dev zlib1g-dev
          libncurses-dev libgtest-dev libgmock-dev libbenchmark-dev libtomlplusplus-dev tmux python3
          libcurl4-openssl-dev libssl-dev libexpat1-dev)
# libcurl, libssl (the tests check the SigV4 signer's SHA-256/HMAC against it), expat (the listing XML): s3:// sources
TEST_PACKAGES=(clang-19 libclang-rt-19-dev chromium goaccess  # clang 14 cannot use libstdc++ 12's std::expected;
               man-db groff-base bash-completion zsh fish clang-format-19 awscli curl
               clickhouse-server clickhouse-client)
# chromium: the HTML report test in a real browser (tests/e2e/html_report.sh, ~15 s); man-db,
# groff-base: the man page test (man --warnings); bash-completion, zsh, fish: the completions test;
# clang-format-19: the layout check; awscli, curl: uploads to the S3 emulator, its readiness (tests/e2e/s3_*.sh);
# clickhouse-server, clickhouse-client (Debian's 18.16): the two-shard cluster of tests/e2e/clickhouse_*.sh

# The S3 emulator of the s3:// tests, from npm, pinned, under build/tools (never global). The
# machine's npm when there is one; Debian's only when none is.
S3RVER_VERSION=3.7.1
install_s3rver() {
  local prefix=$ROOT/build/tools
  [ -x "$prefix/node_modules/.bin/s3rver" ] && grep -q "\"version\": \"$S3RVER_VERSION\"" \
    "$prefix/node_modules/s3rver/package.json" 2>/dev/null && return 0
  command -v npm >/dev/null || install_missing npm
  mkdir -p "$prefix"
  echo "dev.sh: installing s3rver@$S3RVER_VERSION under $prefix" >&2
  npm install --silent --no-audit --no-fund --prefix "$prefix" "s3rver@$S3RVER_VERSION" >/dev/null
}

install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "dev.sh: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

configure() {  # dir build-type extra-args...
  # Configured again whenever the settings differ from the ones the folder was last
  # configured with (an older folder gets new options), otherwise left alone (quick).
  local dir=$1 type=$2; shift 2
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  local args=(-S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${launcher[@]}" "$@")
  local stamp="$dir/.dev-sh-configure"
  if [ ! -f "$dir/build.ninja" ] || [ "$(cat "$stamp" 2>/dev/null)" != "${args[*]}" ]; then
    cmake "${args[@]}" >/dev/null
    printf '%s' "${args[*]}" >"$stamp"
  fi
}

# ctest, with its summary kept: under CI (CI=true) a test that was skipped (a tool missing,
# exit 77, or a GTEST_SKIP) fails the run, since CI installs everything a test needs.
run_ctest() {  # build-dir ctest-args...
  local dir=$1; shift
  local log rc=0
  log=$(mktemp)
  (cd "$dir" && ctest --output-on-failure -j"$JOBS" --timeout 600 "$@") 2>&1 | tee "$log" || rc=$?
  local skipped
  skipped=$(grep -c '(Skipped)$' "$log" || true)
  rm -f "$log"
  ((rc == 0)) || return "$rc"
  if [ "${CI:-}" = true ] && ((skipped > 0)); then
    echo "dev.sh: $skipped test(s) skipped under CI (listed above): CI installs everything, nothing may skip" >&2
    if [ -z "${S3TOP_CORPUS:-}" ] && [ ! -d "$(dirname "$ROOT")/shared/corpus" ]; then
      echo "dev.sh: the shared log corpus is missing: the corpus tests read ../shared/corpus beside this" \
        "checkout ($(dirname "$ROOT")/shared/corpus) or \$S3TOP_CORPUS; run without CI=true to let them skip" >&2
    fi
    return 1
  fi
}

build_release() {
  configure build/release Release
  cmake --build build/release -j"$JOBS"
}

demo() {
  install_missing "${PACKAGES[@]}"
  build_release
  local demo=build/demo
  if [ ! -f "$demo/.complete" ]; then
    rm -rf "$demo"
    S3GEN=build/release/tools/s3gen bash tools/make-demo.sh "$demo" >/dev/null
    touch "$demo/.complete"
  fi
  if [ -t 1 ] && [ -t 0 ]; then
    exec build/release/app/s3top "$demo"
  else
    exec build/release/app/s3top report "$demo"
  fi
}

# The threaded code (parse workers, ingestor + state file, follower, engine views beside
# appends, the dashboard loop and its ingest thread) under ThreadSanitizer: one small test
# executable (tests/CMakeLists.txt, tests named tsan.*), and two tmux scripts that drive the
# TSan-built s3top (the app's dashboard ingest thread, replay). A report anywhere, also in a
# forked child or the binary, lands in build/tsan/reports and fails the stage.
run_tsan() {
  echo "== threaded tests under ThreadSanitizer"
  # -O1: TSan's advice, and a quicker compile than -O2. s3gen (test input only) is the
  # Release build's, not compiled again under TSan. Configured every time (a second run is
  # quick), so an older build/tsan gets these settings too.
  [ -x build/release/tools/s3gen ] || build_release
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$ROOT" -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" -DS3TOP_TSAN=ON \
    -DS3TOP_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DS3TOP_TSAN_S3GEN="$ROOT/build/release/tools/s3gen" >/dev/null
  cmake --build build/tsan -j"$JOBS" --target s3top_tsan_tests s3top
  local reports=$ROOT/build/tsan/reports rc=0
  rm -rf "$reports" && mkdir -p "$reports"
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$reports/tsan" run_ctest build/tsan -R '^tsan\.' || rc=$?
  if compgen -G "$reports/tsan*" >/dev/null; then
    cat "$reports"/tsan* >&2
    echo "dev.sh: ThreadSanitizer reported a data race (above)" >&2
    return 1
  fi
  return "$rc"
}

run_tests() {
  install_missing "${PACKAGES[@]}" "${TEST_PACKAGES[@]}"
  install_s3rver
  echo "== layout (.clang-format)"
  run_format check
  build_release
  echo "== tests (Release)"
  run_ctest build/release
  echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  configure build/asan Debug -DS3TOP_SANITIZE=ON -DS3TOP_BUILD_BENCH=OFF
  cmake --build build/asan -j"$JOBS" --target s3top_core_tests s3top_app_tests $(grep -q s3top_tui_tests build/asan/build.ninja && echo s3top_tui_tests)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_ctest build/asan -E '^e2e\.'
  run_tsan
  if [ -x fuzz/run.sh ] || [ -f fuzz/run.sh ]; then
    echo "== fuzzing (short bounded run)"
    # FUZZ_SECONDS: each target that long; otherwise FUZZ_TOTAL_SECONDS shared by all of them.
    if [ -n "${FUZZ_SECONDS:-}" ]; then
      bash fuzz/run.sh "$FUZZ_SECONDS"
    else
      bash fuzz/run.sh --total "${FUZZ_TOTAL_SECONDS:-90}"  # ~7 s per target, one per core at a time
    fi
  fi
}

# The Debian package: a Release build in build/package with Debian's hardening flags
# (dpkg-buildflags), `cpack -G DEB` (Depends computed by dpkg-shlibdeps), then lintian on the
# .deb. Warnings lintian may print on purpose are listed in the README ("Installing").
PACKAGE_PACKAGES=(dpkg-dev lintian file)
run_package() {
  install_missing "${PACKAGES[@]}" "${PACKAGE_PACKAGES[@]}"
  local flags cxxflags cppflags ldflags
  flags() { DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get "$1"; }
  cxxflags=$(flags CXXFLAGS) cppflags=$(flags CPPFLAGS) ldflags=$(flags LDFLAGS)
  configure build/package Release -DS3TOP_BUILD_TESTS=OFF -DS3TOP_BUILD_BENCH=OFF \
    -DCMAKE_CXX_FLAGS="$cppflags $cxxflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags"
  cmake --build build/package -j"$JOBS"
  rm -rf build/package/deb
  (cd build/package && cpack -G DEB >/dev/null)
  local deb
  deb=$(ls build/package/deb/s3top_*.deb)
  echo "== $deb ($(du -k "$deb" | cut -f1) KiB)"
  dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
  echo "== lintian"
  lintian --info --display-level '>=pedantic' "$deb" || true
  # Errors fail the command; warnings are reported (the README lists the ones kept on purpose).
  lintian --fail-on error "$deb"
}

# clang-tidy over core, tui and app (.clang-tidy: functions over 120 lines, bug-prone checks).
# Prints its findings; not part of `test`.
run_tidy() {
  install_missing "${PACKAGES[@]}" clang-tidy-19
  configure build/tidy Debug -DS3TOP_CLANG_TIDY=ON -DS3TOP_BUILD_TESTS=OFF -DS3TOP_BUILD_BENCH=OFF -DS3TOP_WERROR=OFF
  cmake --build build/tidy -j"$JOBS" --target s3top 2>&1 | grep -E 'warning:|error:' | sort -u || true
}

# Lays out every C++ file as .clang-format says; `check` only reports files that differ.
run_format() {
  install_missing clang-format-19
  local files
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
  if [[ "${1:-}" == check ]]; then
    local bad
    bad=$(clang-format-19 --dry-run --Werror "${files[@]}" 2>&1 | grep -E '^[^ ].*: (error|warning):' | cut -d: -f1 | sort -u || true)
    [[ -z "$bad" ]] && return 0
    sed 's/^/not formatted (run .\/dev.sh format): /' <<<"$bad" >&2
    return 1
  fi
  clang-format-19 -i "${files[@]}"
}

case "${1:-}" in
  demo) demo ;;
  test) run_tests ;;
  build) install_missing "${PACKAGES[@]}"; build_release ;;
  tsan) install_missing "${PACKAGES[@]}"; run_tsan ;;
  tidy) run_tidy ;;
  package) run_package ;;
  format) run_format "${2:-}" ;;
  *) echo "usage: ./dev.sh demo | test | build | tsan | tidy | package | format [check]" >&2; exit 2 ;;
esac
