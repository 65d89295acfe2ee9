#!/usr/bin/env bash
# Shell completion as the shells ask for it. bash: the script `beaver completion bash` prints is
# sourced in a real bash and its function called as bash calls it at a Tab (COMP_WORDS split at
# spaces, "=" and ":", COMP_CWORD, COMP_LINE, COMP_POINT, the word after the last break as $2),
# and COMPREPLY read back. fish: `complete -C` with the fish script sourced. zsh, which completes
# only in its line editor: the script parses and defines its function. The values come from the
# policy and a seeded ledger, then from a `beaver serve` of the same ledger.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
export BEAVER_POLICY=$here/policy.yaml
export BEAVER_NOW=2026-11-24T10:30:00+08:00
# The shells find beaver as a person's shell does, on the PATH.
mkdir -p "$WORK/bin" "$WORK/files"
ln -s "$BEAVER_BIN" "$WORK/bin/beaver"
export PATH=$WORK/bin:$PATH

ok user add ann --team platform --role admin --as ann
# Two weeks of history up to now: deployed releases, and some still submitted or approved.
ok dev seed --releases 300 --teams 2 --since 2026-11-10 --as ann
export BEAVER_USER=ann
open_ids=$(ledger_sql "SELECT id FROM releases WHERE status IN ('submitted', 'approved')" |
  LC_ALL=C sort)
deployed=$(ledger_sql "SELECT id FROM releases WHERE status = 'deployed' ORDER BY id DESC LIMIT 1")
services=$(ledger_sql "SELECT name FROM services" | LC_ALL=C sort)
users=$(ledger_sql "SELECT name FROM users" | LC_ALL=C sort)
[ -n "$open_ids" ] && [ -n "$deployed" ] ||
  { echo "the seeded ledger has no open or no deployed release" >&2; exit 1; }

# bash_complete LINE: what bash offers at the end of `beaver LINE`, sorted, a line each.
bash_complete() {
  bash --norc --noprofile -c '
    source <(beaver completion bash) || exit 1
    line="beaver $1"
    # As bash splits the line: at spaces, and "=" and ":" words of their own.
    read -ra COMP_WORDS <<<"$(sed -E "s/([=:])/ \1 /g" <<<"$line")"
    [[ $line == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
    # Right after a break, the word bash completes is empty, not the "=" or ":".
    cur=${COMP_WORDS[COMP_CWORD]}
    [[ $cur == [=:] ]] && cur=""
    _beaver beaver "$cur" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"
  ' bash "$1" | LC_ALL=C sort | sed '/^$/d'
}

# A command, a subcommand, a flag.
expect_eq "$(bash_complete "rel")" "release" "bash: beaver rel<Tab>"
expect_eq "$(bash_complete "release ap")" "approve" "bash: beaver release ap<Tab>"
expect_eq "$(bash_complete "release submit --pa")" "--package" "bash: --pa<Tab>"
expect_eq "$(bash_complete "release submit team-01-svc-1 --em")" "--emergency" "bash: --em<Tab>"
# A flag given once is not offered again; one it excludes neither.
expect_eq "$(bash_complete "release submit s --env prod --en")" "" "bash: --env given, --en<Tab>"
expect_eq "$(bash_complete "release submit s --commit abc1234 --pac")" "" \
  "bash: --commit given, --pac<Tab>"
# The values of a flag and of a positional: from the policy...
expect_eq "$(bash_complete "release submit team-01-svc-1 --env ")" $'prod\ntest' \
  "bash: --env <Tab> (the policy's environments)"
expect_eq "$(bash_complete "release submit team-01-svc-1 --env=")" $'prod\ntest' \
  "bash: --env=<Tab>"
expect_eq "$(bash_complete "release submit team-01-svc-1 --env=p")" "prod" "bash: --env=p<Tab>"
expect_eq "$(bash_complete "release submit s --emergency --category ")" \
  "$(printf '%s\n' data-fix hotfix regulatory security)" "bash: --category <Tab>"
# ... and from the ledger.
expect_eq "$(bash_complete "status ")" "$services" "bash: beaver status <Tab> (the services)"
expect_eq "$(bash_complete "status team-02")" "$(grep '^team-02' <<<"$services")" \
  "bash: beaver status team-02<Tab>"
expect_eq "$(bash_complete "token create ")" "$users" "bash: beaver token create <Tab> (the users)"
expect_eq "$(bash_complete "deploy ")" "$open_ids" \
  "bash: beaver deploy <Tab> (the open releases, none deployed)"
grep -qx "$deployed" <<<"$(bash_complete "release approve ")" &&
  fail "bash offers release $deployed, which is deployed, to approve"
prefix=$(tail -n 1 <<<"$open_ids" | cut -c1-2)
expect_eq "$(bash_complete "release show $prefix")" "$(grep "^$prefix" <<<"$open_ids")" \
  "bash: beaver release show $prefix<Tab>"
# Fixed choices, and file names where a flag takes a file.
expect_eq "$(bash_complete "release list -o ")" $'csv\njson\ntable' "bash: -o <Tab>"
expect_eq "$(bash_complete "completion ")" $'bash\nfish\nzsh' "bash: beaver completion <Tab>"
touch "$WORK/files/pay-api-1.4.2.tar.gz"
expect_eq "$(cd "$WORK/files" && bash_complete "release submit pay-api --env prod --package pay")" \
  "pay-api-1.4.2.tar.gz" "bash: --package pay<Tab> (file names)"
# Global options typed on the line count: another policy, with other environments.
sed 's/^  test:/  staging:/' "$BEAVER_POLICY" >"$WORK/other-policy.yaml"
expect_eq "$(bash_complete "--policy $WORK/other-policy.yaml release submit s --env ")" \
  $'prod\nstaging' "bash: --policy FILE ... --env <Tab>"

# __complete itself: a candidate a line, then its description after a tab.
run __complete release submit s --env ""
expect_eq "$RC|$OUT|$ERR" $'0|prod\ntest|' "__complete release submit s --env ''"
run __complete rel
expect_eq "$OUT" $'release\tsubmit, approve and follow releases' "__complete rel"

# A lookup that fails completes nothing, says nothing and exits 0: no ledger, no policy, an
# unknown user, a server that refuses connections or never answers.
BEAVER_ENV="BEAVER_HOME=$WORK/nowhere" run __complete deploy ""
expect_eq "$RC|$OUT|$ERR" "0||" "__complete deploy '' without a ledger"
BEAVER_ENV="BEAVER_POLICY=$WORK/nowhere.yaml" run __complete release submit s --env ""
expect_eq "$RC|$OUT|$ERR" "0||" "__complete --env '' without a policy"
BEAVER_ENV="BEAVER_USER=nobody" run __complete status ""
expect_eq "$RC|$OUT|$ERR" "0||" "__complete status '' as an unknown user"
BEAVER_ENV="BEAVER_SERVER=http://127.0.0.1:1 BEAVER_TOKEN=x" run __complete deploy ""
expect_eq "$RC|$OUT|$ERR" "0||" "__complete deploy '' with the server refusing connections"
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(60)' >"$WORK/silent.port" &
silent=$!
until [ -s "$WORK/silent.port" ]; do sleep 0.02; done
started=$(date +%s%N)
BEAVER_ENV="BEAVER_SERVER=http://127.0.0.1:$(cat "$WORK/silent.port") BEAVER_TOKEN=x" \
  run __complete deploy ""
took=$((($(date +%s%N) - started) / 1000000))
kill "$silent"
expect_eq "$RC|$OUT|$ERR" "0||" "__complete deploy '' with a server that never answers"
[ "$took" -lt 3000 ] || fail "__complete waited $took ms for a server that never answers"
# Words it cannot place complete nothing either.
run __complete frobnicate ""
expect_eq "$RC|$OUT|$ERR" "0||" "__complete frobnicate ''"
run __complete release show $'\n' ""
expect_eq "$RC|$ERR" "0|" "__complete with a newline for a word"

# Bad input: a shell beaver has no script for.
refused 2 "^beaver: no completion script for 'tcsh': the shells are bash, zsh, fish$" completion tcsh
refused 2 "^beaver: SHELL is required \\(see 'beaver completion --help'\\)$" completion

# The scripts parse and run in their own shells (tools/install-deps installs zsh and fish).
for shell in zsh fish; do
  command -v "$shell" >/dev/null || { fail "$shell is not installed (make deps installs it)"; finish; }
done
run completion bash
bash -n <<<"$OUT" || fail "the bash script does not parse"
grep -q '^complete -F _beaver beaver$' <<<"$OUT" || fail "the bash script registers no _beaver"
run completion zsh
zsh_script=$OUT
zsh -n <<<"$zsh_script" || fail "the zsh script does not parse"
defined=$(zsh -fc 'compdef() { print -r -- "compdef $*"; }; source /dev/stdin; whence -w _beaver' \
  <<<"$zsh_script")
expect_eq "$defined" $'compdef _beaver beaver\n_beaver: function' \
  "the zsh script defines _beaver and registers it"
run completion fish
fish_script=$OUT
fish -n <<<"$fish_script" || fail "the fish script does not parse"
printf '%s\n' "$fish_script" >"$WORK/beaver.fish"
# fish_complete LINE: what fish offers at the end of `beaver LINE`, without descriptions.
fish_complete() {
  fish --no-config -c "source $WORK/beaver.fish; complete -C 'beaver $1'" | cut -f1 |
    LC_ALL=C sort
}
expect_eq "$(fish_complete "rel")" "release" "fish: beaver rel<Tab>"
expect_eq "$(fish_complete "release submit --pa")" "--package" "fish: --pa<Tab>"
expect_eq "$(fish_complete "release submit s --env ")" $'prod\ntest' "fish: --env <Tab>"
expect_eq "$(fish_complete "deploy ")" "$open_ids" "fish: beaver deploy <Tab>"
fish --no-config -c "source $WORK/beaver.fish; complete -C 'beaver rel'" |
  grep -qx $'release\tsubmit, approve and follow releases' ||
  fail "fish shows no description beside release"

# Remote mode: the same candidates from a server of the same ledger (its policy, its services, its
# open releases), with BEAVER_SERVER or with --server typed on the line.
start_server
token=$("$BEAVER_BIN" token create ann --as ann 2>/dev/null)
remote_complete() {
  BEAVER_SERVER=$URL BEAVER_TOKEN=$token BEAVER_POLICY=$WORK/nowhere.yaml bash_complete "$1"
}
expect_eq "$(remote_complete "deploy ")" "$open_ids" "remote: beaver deploy <Tab>"
expect_eq "$(remote_complete "status ")" "$services" "remote: beaver status <Tab>"
expect_eq "$(remote_complete "release submit s --env ")" $'prod\ntest' \
  "remote: --env <Tab> (the server's policy)"
expect_eq "$(remote_complete "release submit s --emergency --category ")" \
  "$(printf '%s\n' data-fix hotfix regulatory security)" "remote: --category <Tab>"
expect_eq "$(BEAVER_TOKEN=$token bash_complete "--server $URL release approve ")" "$open_ids" \
  "remote: --server URL release approve <Tab>"
expect_eq "$(BEAVER_SERVER=$URL BEAVER_TOKEN=wrong bash_complete "deploy ")" "" \
  "remote with a wrong token"
# The API route behind it.
http GET /api/v1/releases/open "$token"
expect_status 200 "GET /api/v1/releases/open"
expect_eq "$(jq -r '.[].id' <<<"$BODY" | LC_ALL=C sort)" "$open_ids" "the open releases' ids"
http GET "/api/v1/releases/open?limit=2" "$token"
expect_eq "$(jq -r '[.[].id] | length' <<<"$BODY")" 2 "GET /api/v1/releases/open?limit=2"
http GET "/api/v1/releases/open?limit=0" "$token"
expect_status 400 "GET /api/v1/releases/open?limit=0"
http GET "/api/v1/releases/open?status=deployed" "$token"
expect_status 400 "GET /api/v1/releases/open?status=deployed"
stop_server
finish
