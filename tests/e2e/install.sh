#!/usr/bin/env bash
# End to end: `cmake --install` of this build into a temp folder (DESTDIR, prefix /usr) lays out
# what the Debian package ships, exactly: the binary, s3top(1) gzipped without a time stamp,
# the bash/zsh/fish completions where each shell looks, the annotated default config and price
# tables in /usr/share/s3top, README with the docs it links to, a machine-readable copyright and
# the changelog in /usr/share/doc/s3top. The installed pieces work: the binary runs, man renders the page, the
# installed bash completion completes. (lintian runs on the real .deb in ./dev.sh package.)
set -euo pipefail
: "${S3TOP_BUILD_DIR:?}" "${S3TOP_SOURCE_DIR:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v man >/dev/null || { echo "SKIP: man not installed (man-db)"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
root=$work/root
DESTDIR=$root cmake --install "$S3TOP_BUILD_DIR" --prefix /usr >"$work/log" 2>&1 || fail "cmake --install: $(cat "$work/log")"

want=(
  usr/bin/s3top
  usr/share/bash-completion/completions/s3top
  usr/share/doc/s3top/ARCHITECTURE.md
  usr/share/doc/s3top/README.md
  usr/share/doc/s3top/changelog.gz
  usr/share/doc/s3top/copyright
  usr/share/doc/s3top/docs/dedupe.md
  usr/share/doc/s3top/docs/ingest.md
  usr/share/doc/s3top/docs/performance.md
  usr/share/doc/s3top/docs/replay.md
  usr/share/fish/vendor_completions.d/s3top.fish
  usr/share/man/man1/s3top.1.gz
  usr/share/s3top/prices/s3-standard-us-east-1.toml
  usr/share/s3top/s3top.conf
  usr/share/zsh/vendor-completions/_s3top
)
got=$(cd "$root" && find . -type f -o -type l | sed 's|^\./||' | sort)
diff <(printf '%s\n' "${want[@]}") <(echo "$got") || fail "installed files differ from the list above (< want, > got)"
for f in "${want[@]}"; do
  mode=$(stat -c %a "$root/$f")
  if [[ $f == usr/bin/* ]]; then [[ $mode == 755 ]]; else [[ $mode == 644 ]]; fi || fail "$f has mode $mode"
done

# The binary runs from where it was installed.
"$root/usr/bin/s3top" --version | grep -q '^s3top ' || fail "installed s3top --version"

# Gzipped as Debian wants (gzip -9n: no file name, no time stamp) and equal to the sources.
for gz in usr/share/man/man1/s3top.1.gz usr/share/doc/s3top/changelog.gz; do
  flags_mtime=$(od -An -tu1 -j3 -N5 "$root/$gz" | tr -s ' ')
  [[ $flags_mtime == " 0 0 0 0 0" ]] || fail "$gz: gzip header has a name or time stamp ($flags_mtime)"
done
cmp <(zcat "$root/usr/share/man/man1/s3top.1.gz") "$S3TOP_SOURCE_DIR/docs/s3top.1" || fail "installed man page is not docs/s3top.1"
man_out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$root/usr/share/man/man1/s3top.1.gz" 2>&1)
grep -q '^EXIT STATUS' <<<"$man_out" || fail "man -l on the installed page: $(head -5 <<<"$man_out")"

# The changelog's version is the project's.
version=$(sed -n 's/^project(s3top VERSION \([0-9.]*\).*/\1/p' "$S3TOP_SOURCE_DIR/CMakeLists.txt")
[[ $(zcat "$root/usr/share/doc/s3top/changelog.gz" | head -1) == "s3top ($version) "* ]] ||
  fail "changelog.gz does not start with s3top ($version): $(zcat "$root/usr/share/doc/s3top/changelog.gz" | head -1)"
# Machine-readable copyright (DEP-5): the format line, a Files: * paragraph with a license.
copyright=$root/usr/share/doc/s3top/copyright
head -1 "$copyright" | grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
  fail "copyright: first line is not the DEP-5 Format line"
grep -A3 -x 'Files: \*' "$copyright" | grep -q '^License: ' || fail "copyright: no Files: * paragraph with a License"

cmp "$root/usr/share/s3top/s3top.conf" "$S3TOP_SOURCE_DIR/config/s3top.conf" || fail "installed config differs"
# Every relative link of the installed README, ARCHITECTURE.md and docs/ finds its file there.
doc=$root/usr/share/doc/s3top
links=0
for md in "$doc/README.md" "$doc/ARCHITECTURE.md" "$doc"/docs/*.md; do
  while read -r target; do
    target=${target%%#*}
    [[ -z $target || $target == *://* || $target == mailto:* ]] && continue
    [[ -e $(dirname "$md")/$target ]] || fail "${md#"$root"/}: its link to $target finds no installed file"
    links=$((links + 1))
  done < <(grep -o '](\([^)]*\))' "$md" | sed 's/^](//; s/)$//')
done
(( links > 0 )) || fail "no relative link checked in the installed README"

# The installed bash completion completes with the installed binary.
if [[ -f /usr/share/bash-completion/bash_completion ]]; then
  got=$(PATH="$root/usr/bin:$PATH" bash -c '
    source /usr/share/bash-completion/bash_completion; source "$1"
    COMP_WORDS=(s3top report --by or); COMP_CWORD=3; COMP_LINE="s3top report --by or"; COMP_POINT=${#COMP_LINE}
    _s3top s3top or --by; echo "${COMPREPLY[*]}"' _ "$root/usr/share/bash-completion/completions/s3top")
  [[ $got == org ]] || fail "installed bash completion: 's3top report --by or' gives '$got'"
fi
echo "ok: ${#want[@]} files installed, as Debian lays them out"
