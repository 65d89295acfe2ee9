#!/usr/bin/env bash
# The command line against a server prints what it prints on a local ledger: one story, run once
# with --as on a local ledger and once through `beaver serve` with each user's token; the two
# transcripts (stdout, stderr and exit code of every command) must be identical.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
export BEAVER_POLICY="$(dirname "$0")/server_policy.yaml"
export BEAVER_NOW=2026-06-01T10:00:00Z

declare -A TOKEN
MODE=local

# as USER ARGS...: runs beaver as USER in the current mode, appending to the transcript.
as() {
  local user=$1
  shift
  {
    echo "\$ beaver $*"
    set +e
    if [ "$MODE" = local ]; then
      "$BEAVER_BIN" --as "$user" "$@" 2>&1
    else
      BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[$user]} "$BEAVER_BIN" "$@" 2>&1
    fi
    echo "exit $?"
    set -e
  } >>"$WORK/transcript.$MODE"
}

# Tokens are made in both modes, so the two audit logs hold the same entries.
make_tokens() {
  for u in lee kim dev; do
    TOKEN[$u]=$("$BEAVER_BIN" token create "$u" --as root 2>/dev/null)
  done
}

story() {
  as root user add lee --team pay --role leader
  as root user add kim --team pay --role leader
  as root user add dev --team pay --role developer
  make_tokens
  as root service add pay-api --team pay
  as dev release submit pay-api --env prod --version 1.0.0 --commit abc1234
  as dev release submit pay-api --env prod --version 1.0.1 --emergency --category hotfix \
    --reason "card declines"
  as lee release inbox
  as lee release inbox -o json
  as lee release approve 1 --comment "looks right"
  as kim release approve 1
  as kim release approve 2 --comment go
  as lee release review 2 --notes "root cause: an expired certificate"
  as dev release submit pay-api --env test --version 1.0.2
  as dev release cancel 3 --comment "wrong build"
  as dev release show 1
  as dev release show 2 -o json
  as dev release list
  as dev release list -o csv --since 2026-05-01 --env prod
  as dev release list --type emergency -o json
  as dev user list
  as dev service list -o json
  as dev audit log
  as dev audit log -o json
  as dev audit verify
  # Refusals exit and say the same.
  as dev release approve 1
  as lee release approve 2
  as dev release show 999
  as dev release list --since 2026-13-01
  as dev release reject 1 --comment " "
  as dev user add eve --team pay --role admin
  as dev service add pay-api --team pay
}

# Local: the first user and their token, then the story.
"$BEAVER_BIN" user add root --team ops --role admin --as root >/dev/null
"$BEAVER_BIN" token create root --as root >/dev/null 2>&1
story

# Remote: a fresh ledger with the same first user, served.
export BEAVER_HOME="$WORK/served"
"$BEAVER_BIN" user add root --team ops --role admin --as root >/dev/null
TOKEN[root]=$("$BEAVER_BIN" token create root --as root 2>/dev/null)
start_server
MODE=remote
story

if ! diff -u "$WORK/transcript.local" "$WORK/transcript.remote" >"$WORK/diff"; then
  RC=0 OUT=$(head -60 "$WORK/diff") ERR=""
  fail "the remote CLI printed something else than the local one"
fi
expect_match "$(cat "$WORK/transcript.remote")" "release 1: pay-api 1.0.0 to prod, normal, approved" "the story ran"
expect_eq "$(grep -c "^exit 0$" "$WORK/transcript.remote")" 24 "commands that succeed"

# Remote-only errors: one line, a clear exit.
BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[dev]} run release list --as dev
expect_eq "$RC" 2 "--as with a server"
BEAVER_SERVER=$URL BEAVER_TOKEN=bvr_1_nope run release list
expect_eq "$RC" 1 "a malformed token"
expect_match "$ERR" 'unknown or revoked token|not a beaver token' "says the token is wrong"
BEAVER_SERVER=$URL run release list
expect_match "$ERR" 'BEAVER_TOKEN is not set' "no token"
stop_server
BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[dev]} run release list
expect_eq "$RC" 1 "a server that is down"
expect_match "$ERR" 'cannot reach the beaver server' "says the server cannot be reached"
finish
