#!/bin/sh
# Creates the s3top demo data set with an already-built s3gen (builds nothing):
# 30 log objects, 20,000 lines over 2 days from 2024-03-01T00:00:00Z, seed 42.
#
#   tools/make-demo.sh OUTDIR                 # s3gen from $S3GEN, else build*/tools/s3gen
#   tools/make-demo.sh /path/to/s3gen OUTDIR
#
# The ground truth is written next to the directory, as OUTDIR.truth.json, so
# OUTDIR itself holds only log objects.  Output is byte-identical on every run.
set -eu

usage() {
  echo "usage: $0 [S3GEN] OUTDIR   (or set S3GEN=/path/to/s3gen)" >&2
  exit 2
}

case $# in
  1) out=$1 ;;
  2) S3GEN=$1; out=$2 ;;
  *) usage ;;
esac

if [ -z "${S3GEN:-}" ]; then
  root=$(cd "$(dirname "$0")/.." && pwd)
  for cand in "$root"/build*/tools/s3gen; do
    if [ -x "$cand" ]; then S3GEN=$cand; break; fi
  done
fi
if [ -z "${S3GEN:-}" ] || [ ! -x "$S3GEN" ]; then
  echo "$0: no s3gen binary; pass it as the first argument or set S3GEN" >&2
  exit 2
fi

out=${out%/}
exec "$S3GEN" --out "$out" --lines 20000 --files 30 --hours 48 \
  --start 2024-03-01T00:00:00 --seed 42 --orgs 40 --garbage-permille 5 \
  --truth "$out.truth.json"
