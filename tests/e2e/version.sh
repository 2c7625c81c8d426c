#!/usr/bin/env bash
# End to end: `s3top --version` names the version, the commit it was built from ("unknown"
# outside git) and every library built in with its version; the hidden `--list` the shell
# completions call prints the program's own words (the dimensions --help names).
set -euo pipefail
: "${S3TOP:?}" "${S3TOP_SOURCE_DIR:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$("$S3TOP" --version)
[[ $(wc -l <<<"$out") == 3 ]] || fail "--version: want 3 lines, got: $out"
want_version=$(sed -n 's/^project(s3top VERSION \([0-9.]*\).*/\1/p' "$S3TOP_SOURCE_DIR/CMakeLists.txt")
[[ $(sed -n 1p <<<"$out") == "s3top $want_version" ]] || fail "--version line 1: $(sed -n 1p <<<"$out"), want s3top $want_version"

commit=$(sed -n 's/^commit //p' <<<"$out")
[[ -n $commit ]] || fail "--version: no commit line: $out"
if command -v git >/dev/null && git -C "$S3TOP_SOURCE_DIR" rev-parse --git-dir >/dev/null 2>&1; then
  hash=${commit%-dirty}
  [[ $hash == *-g* ]] && hash=${hash##*-g}  # tag-N-gHASH
  git -C "$S3TOP_SOURCE_DIR" rev-parse --verify -q "$hash^{commit}" >/dev/null ||
    fail "--version: commit '$commit' is not a commit of $S3TOP_SOURCE_DIR"
else
  [[ $commit == unknown ]] || fail "--version: outside git the commit is 'unknown', not '$commit'"
fi

libs=$(sed -n 's/^built with //p' <<<"$out")
for lib in fmt simdjson zlib ncurses CLI11 'toml++'; do
  grep -qE "(^|, )$(sed 's/[+]/\\+/g' <<<"$lib") [0-9]+\.[0-9]+" <<<"$libs" || fail "--version: no version of $lib in: $libs"
done

# --list dims: exactly the dimensions `report --help` lists after --by (prefix:N as prefix,
# "ip (client)" as ip).
help_dims=$("$S3TOP" report --help | tr -s ' \n' ' ' | sed -n 's/.*Group by dimension(s), comma separated: //; s/ --top .*//p' |
  sed 's/ ([^)]*)//g; s/:N//g; s/, /\n/g')
[[ -n $help_dims ]] || fail "could not read the dimensions from report --help"
diff <(sort <<<"$help_dims") <(sort < <("$S3TOP" --list dims)) || fail "--list dims differs from report --help"
"$S3TOP" --list log-formats | grep -qx s3 || fail "--list log-formats has no s3"
"$S3TOP" --list formats | grep -qx csv || fail "--list formats has no csv"
rc=0; "$S3TOP" --list nosuch >/dev/null 2>&1 || rc=$?
[[ $rc == 2 ]] || fail "--list nosuch: exit $rc, want 2"
echo "ok: $(sed -n 1,2p <<<"$out" | tr '\n' ' ')"
