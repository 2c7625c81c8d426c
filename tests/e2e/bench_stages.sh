#!/usr/bin/env bash
# End to end: bench/s3top_stages (bench/floor.sh's `stages` step) reads every byte of a folder
# in each stage and hands each stage every line once: lines cut by its 128 KiB reads, a line
# longer than a read, a last line with no newline, an empty file. Its figures are only worth
# reading if it does the work of every line.
set -euo pipefail
: "${S3TOP_BUILD_DIR:?}" "${S3GEN:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
stages=$S3TOP_BUILD_DIR/bench/s3top_stages
[[ -x $stages ]] || fail "no $stages"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$S3GEN" --out "$work/logs" --lines 3000 --files 3 --seed 11 >/dev/null
head -c 300000 /dev/zero | tr '\0' x >"$work/logs/zz-long"  # one 300 KB line, no newline
printf '\n' >>"$work/logs/zz-long"
printf 'a\nb' >"$work/logs/zz-last"                           # a last line with no newline
: >"$work/logs/zz-empty"
lines=$(( $(cat "$work"/logs/* | wc -l) + 1 ))  # wc counts newlines: zz-last's "b" is one more
bytes=$(cat "$work"/logs/* | wc -c)
files=$(ls "$work/logs" | wc -l)

for threads in 1 2; do
  for stage in read index parse org; do
    out=$("$stages" "$work/logs" "$stage" "$threads")
    [[ $out == "$stage: $files files, "* ]] || fail "$stage: $out"
    [[ $out == *", $bytes bytes, "* ]] || fail "$stage ($threads threads): want $bytes bytes: $out"
    if [[ $stage != read ]]; then
      [[ $out == *", $lines lines, "* ]] || fail "$stage ($threads threads): want $lines lines: $out"
    fi
  done
done
rc=0; "$stages" "$work/logs" nosuch >/dev/null 2>&1 || rc=$?
[[ $rc == 2 ]] || fail "an unknown stage: exit $rc, want 2"
echo "ok: $files files, $lines lines, $bytes bytes in every stage"
