# bash completion for beaver. Load it with: source <(beaver completion bash)
#
# The words typed so far go to `beaver __complete`, which walks beaver's own command table and
# answers a candidate a line ("VALUE<TAB>DESCRIPTION"; ":file" for file names), so this script
# knows nothing of beaver's commands and never goes out of date.

_beaver() {
  # bash splits words at "=" and ":" too (COMP_WORDBREAKS): "--env=prod" and a server's URL are
  # one word each again for beaver, which reads the command line as the shell passes it.
  local line=${COMP_LINE:0:COMP_POINT} words=() i word space
  for ((i = 0; i <= COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    space=${line%%[![:space:]]*}
    line=${line#"$space"}
    line=${line#"$word"}
    if ((i > 1)) && [[ -z $space ]]; then
      words[-1]+=$word
    elif ((i > 0)); then
      words+=("$word")
    fi
  done
  ((${#words[@]} > 0)) || words=("")
  # bash replaces only what follows the last word break ($2): the candidates lose what precedes it.
  local cur=$2
  local lead=${words[-1]%"$cur"} candidate files=0
  COMPREPLY=()
  while IFS= read -r candidate; do
    if [[ $candidate == ":file" ]]; then
      files=1
    else
      candidate=${candidate%%$'\t'*}
      [[ $candidate == "$lead"* ]] && COMPREPLY+=("${candidate#"$lead"}")
    fi
  done < <("${COMP_WORDS[0]}" __complete "${words[@]}" 2>/dev/null)
  if ((files)); then
    compopt -o filenames 2>/dev/null
    while IFS= read -r candidate; do COMPREPLY+=("$candidate"); done < <(compgen -f -- "$cur")
  fi
}

complete -F _beaver beaver
