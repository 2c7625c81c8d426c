#!/usr/bin/env bash
# End to end: the shell completions (completions/). Bash's is run as bash runs it (the
# bash-completion library sourced, COMP_WORDS/COMP_CWORD set, _s3top called, COMPREPLY read)
# for subcommands, options, dimensions after --by/--panels and in --filter, formats after
# --log-format/--format, months after --month and file names; fish's through `complete -C`.
# zsh's through a pty (tests/support/zsh_capture.zsh). Every option the three --help print is
# in each of the three scripts. Dimensions come from `s3top --list dims`, so a dimension that
# disappears from the program or from the completion fails here.
set -euo pipefail
: "${S3TOP:?}" "${S3TOP_SOURCE_DIR:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
dir=$S3TOP_SOURCE_DIR/completions
bash_completion=/usr/share/bash-completion/bash_completion
[[ -f $bash_completion ]] || { echo "SKIP: bash-completion not installed"; exit 77; }
command -v fish >/dev/null || { echo "SKIP: fish not installed"; exit 77; }
command -v zsh >/dev/null || { echo "SKIP: zsh not installed"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# Every option of the three --help in every script (matched in bash, no process per option).
bash_text=$(<"$dir/s3top.bash") zsh_text=$(<"$dir/_s3top") fish_text=$(<"$dir/s3top.fish")
for cmd in "" report bill storage; do
  # shellcheck disable=SC2086
  for opt in $("$S3TOP" $cmd --help | sed -nE 's/^  (-[-A-Za-z0-9,]+).*/\1/p' | tr ',' '\n'); do
    before="(^|[[:space:]\"'{(,)])" after="([][[:space:]\"'},|)]|$)"
    [[ $bash_text =~ $before$opt$after ]] || fail "s3top.bash lacks ${cmd:-s3top} $opt"
    [[ $zsh_text =~ $before$opt$after ]] || fail "_s3top (zsh) lacks ${cmd:-s3top} $opt"
    if [[ $opt == --* ]]; then pat="-l ${opt#--}([[:space:]]|$)"; else pat="-s ${opt#-}([[:space:]]|$)"; fi
    [[ $fish_text =~ $pat ]] || fail "s3top.fish lacks ${cmd:-s3top} $opt"
  done
done
zsh -n "$dir/_s3top" || fail "_s3top: zsh syntax"
fish -n "$dir/s3top.fish" || fail "s3top.fish: fish syntax"

# The programs' words: the completions ask the binary being completed.
dims=$("$S3TOP" --list dims | sed 's/^prefix$/prefix:/')
panels=$("$S3TOP" --list panels | sed 's/^prefix$/prefix:/')  # the dashboard's: the dimensions and stored
grep -qx stored <<<"$panels" || fail "--list panels lacks the Stored panel"
mkdir -p "$work/bin" "$work/files/logs" "$work/empty"
cd "$work/empty"  # file names offered beside subcommands come from here: none
ln -s "$S3TOP" "$work/bin/s3top"
touch "$work/files/access-2024.log" "$work/files/access-2025.log.gz"

# bash: ask WORD... (the last one being completed); prints COMPREPLY, one per line.
bash_complete() {
  PATH="$work/bin:$PATH" bash -c '
    source "$1"; source "$2"; shift 2
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _s3top s3top "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$bash_completion" "$dir/s3top.bash" "$@" | sort
}
# want: the words (sorted, one per line) for WORDS...
want() {
  local expected=$1; shift
  local got; got=$(bash_complete "$@")
  [[ $got == "$(sort <<<"$expected")" ]] || fail "bash: '$*' completes to [$(tr '\n' ' ' <<<"$got")], want [$(tr '\n' ' ' <<<"$expected")]"
}
want "report" s3top re
want "$(printf -- '--by\n--billing')" s3top report --b
want "$dims" s3top report --by ""
want "$(grep '^o' <<<"$dims")" s3top report --by o
want "org,status" s3top report --by org,st
want "prefix:" s3top report --by pre
want "$(grep '^s' <<<"$panels")" s3top --panels s
want "$(grep '^s' <<<"$dims")" s3top report --panels s  # an HTML page has no Stored panel
want "$(grep '^s' <<<"$dims" | sed 's/$/=/')" s3top report --filter s
want "org=a status=" s3top report --filter "org=a st"
want "$(printf 'cloudfront\ncloudtrail\ncombined\ncommon')" s3top report --log-format c
want "$(printf 'AWSALB\nAWSELB\nAWSS3')" s3top report --log-format AWS  # GoAccess's preset names
want "json" s3top bill --format j
want "$(date -u +%Y-%m)" s3top bill --month "$(date -u +%Y-%m)"
[[ $(bash_complete s3top bill --month 2 | wc -l) == 12 ]] || fail "bash: --month does not offer 12 months"
want "--panels" s3top --pa
want "--exclude-errors" s3top bill --ex
want "" s3top --ex
want "$(printf '%s\n' "$work/files/access-2024.log" "$work/files/access-2025.log.gz")" s3top report "$work/files/acc"
want "$work/files/logs" s3top report --state "$work/files/l"

# fish: the same questions through `complete -C`.
fish_complete() {
  PATH="$work/bin:$PATH" fish -c 'source $argv[1]; complete -C $argv[2]' "$dir/s3top.fish" "$1" | cut -f1 | sort
}
fwant() {
  local got; got=$(fish_complete "$2")
  [[ $got == "$(sort <<<"$1")" ]] || fail "fish: '$2' completes to [$(tr '\n' ' ' <<<"$got")], want [$(tr '\n' ' ' <<<"$1")]"
}
fwant "$(grep '^o' <<<"$dims")" "s3top report --by o"
fwant "org,status" "s3top report --by org,st"
fwant "org,stored" "s3top --panels org,sto"
fwant "report" "s3top re"
fwant "status=" "s3top --filter st"
fwant "json" "s3top bill --format j"
fwant "--exclude-errors" "s3top bill --exc"
# zsh: some of the same questions, typed into an interactive zsh in a pty (~3 s each).
zwant() {
  local got
  got=$(S3TOP_ZCOMPDUMP=$work/zcompdump PATH="$work/bin:$PATH" timeout 20 zsh -f "$S3TOP_SOURCE_DIR/tests/support/zsh_capture.zsh" "$dir" "$2" | sort -u)
  [[ $got == "$(sort <<<"$1")" ]] || fail "zsh: '$2' completes to [$(tr '\n' ' ' <<<"$got")], want [$(tr '\n' ' ' <<<"$1")]"
}
zwant "$(grep '^o' <<<"$dims")" "s3top report --by o"
zwant "org,status" "s3top report --by org,st"
zwant "stored" "s3top --panels sto"
zwant "status=" "s3top --filter st"
zwant "$(date -u +%Y-%m)" "s3top bill --month $(date -u +%Y-%m)"
echo "ok: bash, fish and zsh completions; every option in each"
