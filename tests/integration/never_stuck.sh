#!/usr/bin/env bash
# Never stuck: a policy whose chains someone's own release could not get through is reported by
# `policy check`; a change of roles that would strand such a release is refused and changes
# nothing; a release that nobody can approve says so, and what would unblock it, in `release
# show`, the API's release JSON and the release's page data.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
export BEAVER_NOW=2026-11-24T10:30:00+08:00
export BEAVER_POLICY=$WORK/policy.yaml
cat >"$BEAVER_POLICY" <<'YAML'
timezone: Asia/Shanghai
emergency_categories: [hotfix]
environments:
  prod:
    normal:
      approvals: [{role: developer, count: 1}]
    emergency:
      approvals: [{role: leader, count: 1, same_team: true}]
    rollback:
      approvals: [{role: ops, count: 1}]
  stage:
    normal:
      approvals: [{role: leader, count: 1, same_team: true}]
    emergency: {approvals: []}
YAML

# people "NAME TEAM ROLE"...: a ledger with ann, its admin, these users and hello-service.
people() {
  local u
  ok user add ann --team platform --role admin --as ann
  for u in "$@"; do
    set -- $u
    ok user add "$1" --team "$2" --role "$3" --as ann
  done
  ok service add hello-service --team payments --as ann
}
people "bob payments developer" "dan payments developer" "lea payments leader" \
  "leo payments leader" "olga platform ops" "oleg platform ops"

# Two ops: everyone's rollback can be approved by someone else; nothing to report.
ok policy check
expect_eq "$ERR" "" "policy check with two ops and two leaders warns of nothing"

# Taking the second ops user's role away would leave olga's own rollbacks with nobody to approve
# them: refused, with the reason, and nothing changes.
before=$(audit_count)
refused 1 "oleg as developer of team platform would leave a release nobody can approve \(prod rollback: a release submitted by olga cannot be approved: step 1 needs 1 ops, and nobody else qualifies\)" \
  user update oleg --team platform --role developer --as ann
expect_eq "$(audit_count)" "$before" "a refused update records nothing"
ok user list -o json --as ann
expect_eq "$(jq -r '.[] | select(.name == "oleg") | .roles | join(",")' <<<"$OUT")" "ops" \
  "oleg keeps the ops role"
# The same through a leader moving team: lea leaving payments strands leo's emergencies.
refused 1 "prod emergency for team payments: a release submitted by leo cannot be approved: step 1 needs 1 leader of team payments, and nobody else qualifies" \
  user update lea --team core --role leader --as ann
# A change that strands nobody goes through.
ok user update bob --team payments --role developer --role leader --as ann

# A ledger whose only ops user is olga (as when beaver was first set up): policy check names her
# rollback, and the stage chain a lone leader's release cannot pass.
fresh_ledger stuck
if [ -z "${BEAVER_DATABASE:-}" ]; then rm -f "$BEAVER_HOME/beaver.db"*; fi
people "bob payments developer" "lea payments leader" "olga platform ops"
ok policy check
expect_match "$OUT" "valid; 2 environments \(prod, stage\)" "policy check still says the file is valid"
expect_match "$ERR" "warning: prod rollback: a release submitted by olga cannot be approved: step 1 needs 1 ops, and nobody else qualifies" \
  "policy check names the only ops user's own rollback"
expect_match "$ERR" "warning: stage normal for team payments: a release submitted by lea cannot be approved" \
  "policy check names the lone leader's release on stage"
ok policy check -o json
expect_eq "$(jq -r '[.warnings[] | select(test("rollback"))] | length' <<<"$OUT")" "1" \
  "the rollback finding is in the JSON"

# lea's release on stage waits for a leader of payments, and she is the only one.
ok release submit hello-service --env stage --version 1.0.0 -o json --as lea
id=$(jq -r .id <<<"$OUT")
ok release show "$id" --as lea
expect_match "$OUT" "may approve nobody" "release show says nobody may approve"
expect_match "$OUT" "stuck       nobody can approve step 1: it needs 1 approval by a leader of team payments, and lea submitted the release. To unblock it, an admin gives the leader role to another user of team payments" \
  "release show says nobody can approve, and what would unblock it"
ok release show "$id" -o json --as lea
expect_match "$(jq -r .nobody_can_approve <<<"$OUT")" "^nobody can approve step 1: .*stage normal chain asks for less$" \
  "the release JSON carries it"

# Through the server: the API's release JSON, as the web page reads it.
ok token create lea --as ann -o json
token=$(jq -r .text <<<"$OUT")
start_server
http GET "/api/v1/releases/$id" "$token"
expect_status 200 "the release through the API"
expect_match "$(jq -r .nobody_can_approve <<<"$BODY")" "^nobody can approve step 1: " \
  "the API's release JSON says nobody can approve"
# A second leader unblocks it: the view no longer says so.
ok user add lia --team payments --role leader --as ann
http GET "/api/v1/releases/$id" "$token"
expect_eq "$(jq -r '.nobody_can_approve, (.may_approve | join(","))' <<<"$BODY" | paste -sd' ')" \
  "null lia" "with a second leader, she may approve and nothing is stuck"
stop_server

finish
