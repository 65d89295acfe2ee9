#!/usr/bin/env bash
# Every command's help, as a user walks it from `beaver --help`: each subcommand's line fits an
# 80-column terminal; every command that runs something ends its help with one or two examples of
# itself, using only flags it takes; a group given no command lists its commands; and a usage
# error points at the help of the command it is about.
source "$(dirname "$0")/lib.sh"

# flags_in: the long flags the Options section of a help text (stdin) lists.
flags_in() {
  awk '/^Options:$/ {on = 1; next} on && /^$/ {on = 0} on' |
    sed -nE 's/^  (-[a-zA-Z],)?(--[a-z][a-z0-9-]*).*/\2/p' | sort -u
}

# examples_of: the examples of a help text (stdin), a line each, continued lines joined.
examples_of() {
  awk '/^Examples?:$/ {on = 1; next}
       on && /^    / {sub(/^ +/, ""); example = example " " $0; next}
       on && /^  [^ ]/ {if (example != "") print example; example = substr($0, 3); next}
       on {on = 0}
       END {if (example != "") print example}' | sed 's/ \\ / /g'
}

run --help
global_flags=$(flags_in <<<"$OUT")

# check_examples WORDS...: `beaver WORDS --help` ($help) shows one or two examples, each a
# `beaver WORDS` command line whose flags are the command's own or the global ones.
check_examples() {
  local examples example flag flags
  mapfile -t examples < <(examples_of <<<"$help")
  [ "${#examples[@]}" -ge 1 ] && [ "${#examples[@]}" -le 2 ] ||
    fail "beaver $* --help shows ${#examples[@]} examples, not one or two"
  flags=$(flags_in <<<"$help")$'\n'$global_flags
  for example in "${examples[@]}"; do
    case "$example " in
      "beaver $* "*) ;;
      *) fail "an example in beaver $* --help is not of beaver $*: $example" ;;
    esac
    # Up to a redirection or a pipe: the words after it are another program's.
    for flag in $(grep -oE -- '(^| )--[a-z][a-z0-9-]*' <<<"${example%%[>|]*}"); do
      grep -qxF -- "$flag" <<<"$flags" ||
        fail "an example in beaver $* --help uses $flag, which beaver $* does not take: $example"
    done
  done
}

# check_group_listing WORDS... NAMES: `beaver WORDS` alone exits 2 and lists on stderr the
# commands its --help lists (NAMES, a line each), each with its description, within 80 columns.
check_group_listing() {
  local names=${*: -1} words=("${@:1:$#-1}")
  run "${words[@]}"
  [ "$RC" -eq 2 ] || fail "beaver ${words[*]} (no command) exits $RC, not 2"
  expect_eq "$(head -n 1 <<<"$ERR")" \
    "beaver: 'beaver${words[*]:+ ${words[*]}}' needs a command, one of:" \
    "the first line of beaver ${words[*]} without a command"
  expect_eq "$(tail -n +2 <<<"$ERR" | awk '{print $1}')" "$names" \
    "the commands beaver ${words[*]} lists without a command"
  tail -n +2 <<<"$ERR" | grep -qvE '^  [a-z-]+ +[^ ].*' &&
    fail "beaver ${words[*]} lists a command without its description"
  [ "$(awk 'length > 80' <<<"$ERR")" = "" ] ||
    fail "beaver ${words[*]} lists its commands on lines wider than 80 columns"
}

walked=0
# walk WORDS...: checks `beaver WORDS --help`, then each subcommand it lists.
walk() {
  run "$@" --help
  [ "$RC" -eq 0 ] || { fail "beaver $* --help exits $RC"; return; }
  walked=$((walked + 1))
  local help=$OUT
  # A flag no command takes is a usage error that names this command's help.
  refused 2 "\\(see 'beaver ${*:+$* }--help'\\)$" "$@" --no-such-flag
  local listing
  listing=$(awk '/^Subcommands:$/ {on = 1; next} on && /^$/ {on = 0} on' <<<"$help")
  if [ -z "$listing" ]; then
    check_examples "$@"
    return
  fi
  check_group_listing "$@" "$(awk '{print $1}' <<<"$listing")"
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

# The usage errors a user meets most, each pointing at the help of the command it is about.
refused 2 "^beaver: The following argument was not expected: --bogus \\(see 'beaver release submit --help'\\)$" \
  release submit --bogus
refused 2 "^beaver: --env is required \\(see 'beaver release submit --help'\\)$" \
  release submit hello-service --version 1.0.0
refused 2 "^beaver: unknown command 'release sbumit' \\(did you mean 'release submit'\\?\\) \\(see 'beaver release --help'\\)$" \
  release sbumit 42
refused 2 "^beaver: unknown command 'frobnicate' .* \\(see 'beaver --help'\\)$" frobnicate
# Words given in order are named in order.
refused 2 "not expected: one two \\(see 'beaver user list --help'\\)$" user list one two
# The groups a user meets first, named here so that the walk's finding them is not all.
run release
expect_match "$ERR" "^  submit +submit a version of a service to an environment$" \
  "beaver release lists submit with its description"
run token
expect_match "$ERR" "^  revoke +revoke a token" "beaver token lists revoke with its description"

# The completion scripts' helper is hidden from the listing people read.
run --help
grep -q '__complete' <<<"$OUT" && fail "beaver --help shows the hidden __complete"
grep -qE '^  completion ' <<<"$OUT" || fail "beaver --help does not list completion"
finish
