#!/usr/bin/env bash
# End to end: the man page (docs/s3top.1) names every option that `s3top --help`,
# `s3top report --help` and `s3top bill --help` print, every subcommand and every dimension
# (`s3top --list dims`), and man renders it without a warning. An option added to the program
# without a word in the page fails here.
set -euo pipefail
: "${S3TOP:?}" "${S3TOP_SOURCE_DIR:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
page=${S3TOP_MAN_PAGE:-$S3TOP_SOURCE_DIR/docs/s3top.1}
command -v man >/dev/null && command -v groff >/dev/null || { echo "SKIP: man/groff not installed (man-db, groff-base)"; exit 77; }

# The page's words with roff's escapes for minus and fonts taken out.
text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\&//g' "$page")
has() { grep -qE -- "(^|[^A-Za-z0-9-])$1([^A-Za-z0-9-]|$)" <<<"$text"; }

missing=()
for cmd in "" report bill storage; do
  # shellcheck disable=SC2086
  help=$("$S3TOP" $cmd --help)
  # The option column: "  -f,--follow", "  --org-from,--org-param TEXT=org", "  --by TEXT=org".
  opts=$(sed -nE 's/^  (-[-A-Za-z0-9,]+).*/\1/p' <<<"$help" | tr ',' '\n')
  [[ $(wc -l <<<"$opts") -ge 10 ]] || fail "read only $(wc -l <<<"$opts") options from '$cmd --help'"
  for opt in $opts; do has "$opt" || missing+=("${cmd:-s3top} $opt"); done
  if [[ -z $cmd ]]; then
    for sub in $(sed -n '/^Subcommands:/,$ s/^  \([a-z]\+\) .*/\1/p' <<<"$help"); do
      grep -qE "^\.B s3top $sub( |$)" <<<"$text" || missing+=("subcommand $sub")
    done
  fi
done
# Each dimension as a term of the DIMENSIONS section (".B org", ".BI prefix: N", ".BR minute ", " hour ...").
dims_section=$(sed -n '/^\.SH DIMENSIONS/,/^\.SH /p' <<<"$text" | grep '^\.B')
for dim in $("$S3TOP" --list dims); do
  grep -qE "^\.B[IR]? (.*[\" ])?$dim(:| |\"|$)" <<<"$dims_section" || missing+=("dimension $dim")
done
((${#missing[@]} == 0)) || fail "not in $page: ${missing[*]}"

warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null || true)
[[ -z $warnings ]] || fail "man --warnings on $page: $warnings"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS "FILTER EXPRESSIONS" DIMENSIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
  grep -qE "^\.SH \"?$section\"?$" "$page" || fail "no $section section"
done
echo "ok: every option, subcommand and dimension is in $page"
