#!/usr/bin/env bash
# Every command's help, as a user walks it from `beaver --help`: each subcommand's line fits an
# 80-column terminal, and every command that runs something shows an example in its own --help.
source "$(dirname "$0")/lib.sh"

walked=0
# walk WORDS...: checks `beaver WORDS --help`, then each subcommand it lists.
walk() {
  run "$@" --help
  [ "$RC" -eq 0 ] || { fail "beaver $* --help exits $RC"; return; }
  walked=$((walked + 1))
  local help=$OUT
  local listing
  listing=$(awk '/^Subcommands:$/ {on = 1; next} on && /^$/ {on = 0} on' <<<"$help")
  if [ -z "$listing" ]; then
    grep -q '^Examples\?:$' <<<"$help" || fail "beaver $* --help shows no Example section"
    return
  fi
  local lines line
  mapfile -t lines <<<"$listing"
  for line in "${lines[@]}"; do
    [ "${#line}" -le 80 ] ||
      fail "beaver ${*:+$* }--help: a line of ${#line} columns: $line"
    walk "$@" "$(awk '{print $1}' <<<"$line")"
  done
}

walk
# The walk reached the commands: the groups and those under them, not only the top.
[ "$walked" -ge 40 ] || fail "only $walked commands' help was read"
finish
