#!/usr/bin/env zsh
# zsh_capture.zsh FPATH_DIR "words typed": the completions zsh offers there, one per line. Runs an
# interactive zsh in a pty (zpty), types the words and TAB, and prints every match compadd gets
# (zsh_capture_init.zsh wraps compadd). After github.com/Valodim/zsh-capture-completion.
zmodload zsh/zpty || exit 77
fdir=$1; shift
zpty z zsh -f -i
local line
zpty -w z "source ${(q)0:h}/zsh_capture_init.zsh ${(q)fdir}"
repeat 8; do
  zpty -r z line
  [[ $line == ok* ]] && break
done
[[ $line == ok* ]] || { echo 'zsh harness: could not initialize' >&2; exit 2; }
zpty -w z "$*"$'\t'
integer tog=0
while zpty -r z; do :; done | while IFS= read -r line; do
  if [[ $line == *$'\0\r' ]]; then
    (( tog++ )) && exit 0 || continue
  fi
  (( tog )) && print -r -- ${line%$'\r'}
done
