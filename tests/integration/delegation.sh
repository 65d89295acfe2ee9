#!/usr/bin/env bash
# Stand-ins for approvers: lea, on leave, lets leo approve for her. Through the CLI: leo sees her
# releases in his inbox, approves as "leo for lea", and the approval counts as hers; never for
# his own release; a revoked or ended delegation lets him approve nothing. Through the API:
# create, list and revoke, with bad bodies refused. Every refusal changes nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
export BEAVER_POLICY="$(dirname "$0")/server_policy.yaml"
# Tuesday 2026-11-24, 10:30 in Shanghai.
export BEAVER_NOW=2026-11-24T10:30:00+08:00

ok user add root --team ops --role admin --as root
ok user add lea --team pay --role leader --as root
ok user add leo --team core --role leader --as root
ok user add dev --team pay --role developer --as root
ok user add dan --team pay --role developer --as root
ok service add pay-api --team pay --as root

# --- delegating, and what is refused
ok user delegate lea --to leo --until 2026-12-24 --reason "on leave" --as lea
expect_eq "$OUT" "delegation 1: leo approves for lea until 2026-12-24T16:00:00Z" \
  "the delegation ends at the end of its day in the policy's zone"
expect_eq "$(audit_count_of user.delegate)" 1 "a delegation is audited"
before=$(audit_count)
refused 2 "lea cannot stand in for themselves" user delegate lea --to lea --until 2026-12-01 --as lea
refused 1 "unknown user 'lee'" user delegate lea --to lee --until 2026-12-01 --as lea
refused 2 "is not in the future" user delegate lea --to dan --until 2026-11-01 --as lea
refused 2 "more than 90 days ahead" user delegate lea --to dan --until 2027-06-01 --as lea
refused 2 "until" user delegate lea --to dan --until "next week" --as lea
refused 1 "dev may not delegate lea's approvals" user delegate lea --to dev --until 2026-12-01 --as dev
refused 1 "leo already stands in for lea" user delegate lea --to leo --until 2026-12-01 --as lea
refused 2 "reason" user delegate lea --to dan --until 2026-12-01 --reason $'away\x1b[31m' --as lea
expect_eq "$(audit_count)" "$before" "refusals change nothing"
expect_eq "$(ledger_sql 'SELECT count(*) FROM delegations')" 1 "one delegation"
ok user delegations -o json --as dan
expect_eq "$(jq -r '.[] | [.id, .user, .delegate, .reason, .created_by] | join(" ")' <<<"$OUT")" \
  "1 lea leo on leave lea" "anyone lists the delegations that hold"

# --- leo approves lea's team's emergency for her
ok release submit pay-api --env prod --version 1.0.1 --emergency --category hotfix \
  --reason "payments down" --as dev
ok release show 1 --as root
expect_match "$OUT" "may approve lea, leo \(stand-ins: leo for lea\)" "the stand-in may approve"
ok release inbox -o json --as leo
expect_eq "$(jq -r '[.[].id] | join(",")' <<<"$OUT")" "1" "the release is in the stand-in's inbox"
ok release approve 1 --comment "checked with lea's notes" --as leo
ok release show 1 -o json --as root
expect_eq "$(jq -r '[.status, .approvals[0].approver, .approvals[0].for, .chain[0].approvers[0]]
  | join(" ")' <<<"$OUT")" "approved leo lea lea" "approved by leo for lea, counted as lea's"
ok release show 1 --as root
expect_match "$OUT" "approval    step 1: leo for lea as leader" "release show says leo for lea"
expect_eq "$(ledger_sql "SELECT payload FROM audit WHERE action = 'release.approve'" | jq -r .for)" \
  lea "the approval's audit entry names whom it was for"

# --- never for one's own release; one person counts once
ok user delegate lea --to dev --until 2026-11-30 --as root
expect_eq "$(ledger_sql "SELECT created_by FROM delegations WHERE id = 2")" root \
  "an admin delegates for a user"
ok release submit pay-api --env prod --version 1.0.2 --emergency --category hotfix \
  --reason "again" --as dev
ok release show 2 -o json --as root
expect_eq "$(jq -r '.may_approve | join(",")' <<<"$OUT")" "lea,leo" "dev may not approve his own"
refused 1 "dev submitted release 2" release approve 2 --as dev
# prod's normal chain wants two leaders: lea and leo for lea are one of them.
ok release submit pay-api --env prod --version 1.0.3 --as dan
ok release approve 3 --as lea
refused 1 "already approved" release approve 3 --as dev
expect_eq "$(ledger_sql 'SELECT count(*) FROM approvals WHERE release_id = 3')" 1 \
  "a stand-in adds no second approval for the same person"

# --- revoked, then ended
refused 1 "no delegation 1 of yours" user undelegate 1 --as dan
ok user undelegate 1 --as lea
expect_eq "$OUT" "delegation 1 revoked: leo no longer approves for lea" "undelegate says what it did"
refused 1 "already revoked by lea" user undelegate 1 --as root
refused 1 "leo cannot approve release 2" release approve 2 --as leo
ok user delegations -o json --as dan
expect_eq "$(jq -r '[.[].id] | join(",")' <<<"$OUT")" "2" "a revoked delegation is no longer listed"
ok user delegations lea --all -o json --as dan
expect_eq "$(jq -r '[.[] | "\(.id):\(.revoked_by)"] | join(",")' <<<"$OUT")" "2:null,1:lea" \
  "--all lists it, revoked by lea"
expect_eq "$(audit_count_of user.delegation_revoke)" 1 "a revocation is audited"
BEAVER_NOW=2026-12-01T10:30:00+08:00 ok user delegations -o json --as dan
expect_eq "$(jq 'length' <<<"$OUT")" 0 "a delegation past its end no longer holds"
BEAVER_NOW=2026-12-01T10:30:00+08:00 refused 1 "already ended" user undelegate 2 --as lea

# --- the API
ok token create root --label api --as root
root_token=$OUT
ok token create lea --label api --as root
lea_token=$OUT
start_server
http POST /api/v1/delegations "$lea_token" '{"user":"lea","to":"leo","until":"2026-12-10T00:00:00Z","reason":"travel"}'
expect_status 201 "lea delegates through the API"
id=$(jq -r .id <<<"$BODY")
expect_eq "$(jq -r '[.user, .delegate, .until, .reason] | join(" ")' <<<"$BODY")" \
  "lea leo 2026-12-10T00:00:00Z travel" "the delegation's JSON"
http POST /api/v1/delegations "$lea_token" '{"user":"lea","to":"leo"}'
expect_status 400 "a delegation without its end"
expect_eq "$(jq -r .error.field <<<"$BODY")" "until" "the error names the field"
http POST /api/v1/delegations "$lea_token" '{"user":"lea","to":"dan","until":"2026-12-10","by":"x"}'
expect_status 400 "an unknown field"
http GET "/api/v1/delegations?user=lea" "$root_token"
expect_status 200 "the list"
expect_eq "$(jq -r '[.[].id] | join(",")' <<<"$BODY")" "$id,2" "lea's delegations that hold"
http GET "/api/v1/delegations?all=maybe" "$root_token"
expect_status 400 "all must be true or false"
http DELETE "/api/v1/delegations/$id" "$lea_token"
expect_status 200 "lea revokes it"
expect_eq "$(jq -r .revoked_by <<<"$BODY")" lea "revoked by lea"
http DELETE "/api/v1/delegations/$id" "$lea_token"
expect_status 409 "revoked twice"
BEAVER_ENV="BEAVER_SERVER=$URL BEAVER_TOKEN=$lea_token" \
  ok user delegate lea --to leo --until 2026-12-05 -o json
expect_eq "$(jq -r .delegate <<<"$OUT")" leo "the remote CLI delegates"
stop_server
finish
