#compdef beaver
# zsh completion for beaver. Load it with: source <(beaver completion zsh)
# (after compinit), or save it as _beaver in a folder of $fpath.
#
# The words typed so far go to `beaver __complete`, which walks beaver's own command table and
# answers a candidate a line ("VALUE<TAB>DESCRIPTION"; ":file" for file names), so this script
# knows nothing of beaver's commands and never goes out of date.

_beaver() {
  local -a lines candidates
  local line files=0
  lines=("${(@f)$("${words[1]}" __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
  for line in "${lines[@]}"; do
    [[ -n $line ]] || continue
    if [[ $line == ":file" ]]; then
      files=1
    elif [[ $line == *$'\t'* ]]; then
      candidates+=("${${line%%$'\t'*}//:/\\:}:${line#*$'\t'}")
    else
      candidates+=("${line//:/\\:}")
    fi
  done
  local ret=1
  ((${#candidates[@]})) && _describe -t values beaver candidates && ret=0
  ((files)) && _files && ret=0
  return ret
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _beaver "$@"
else
  compdef _beaver beaver
fi
