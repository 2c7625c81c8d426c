# Sourced by zsh_capture.zsh in the zsh under test: compinit with the completions folder first in
# fpath, TAB completes, and compadd prints what it is given.
PROMPT=
fpath=($1 $fpath)
autoload -U compinit
compinit -u -d ${S3TOP_ZCOMPDUMP:-${TMPDIR:-/tmp}/.zcompdump-s3top-test.$$}  # one dump per test run: quicker
bindkey '^M' undefined
bindkey '^J' undefined
bindkey '^I' complete-word
null-line() { echo -E - $'\0' }
compprefuncs=(null-line)
comppostfuncs=(null-line exit)
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
zstyle ':completion:*' list-separator ''
zmodload zsh/zutil
compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return $?
  fi
  typeset -a __hits
  builtin compadd -A __hits "$@"
  setopt localoptions norcexpandparam extendedglob
  typeset -A apre hpre hsuf asuf
  zparseopts -E P:=apre p:=hpre S:=asuf s:=hsuf
  [[ -n $__hits ]] || return
  local i
  for i in {1..$#__hits}; do echo -E - $IPREFIX$apre$hpre$__hits[$i]$hsuf$asuf; done
}
echo ok
