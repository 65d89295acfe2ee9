#!/usr/bin/env bash
# A developer's day on the command line and the API: the same version submitted twice is refused
# and then replaced, typos answered with the names the ledger knows (never an offer to create
# the typo), the release's web address printed where beaver knows it, and what runs now told
# apart from what ran once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
trap 'stop_server; cleanup_work' EXIT
export BEAVER_POLICY=$WORK/policy.yaml
cp "$(dirname "$0")/policy.yaml" "$BEAVER_POLICY"
echo 'notify_base_url: "https://beaver.example.com/"' >>"$BEAVER_POLICY"
# Tuesday 2026-11-24, 10:30 in Shanghai: inside the prod window.
export BEAVER_NOW=2026-11-24T10:30:00+08:00

ok user add ann --team platform --role admin --as ann
ok user add bob --team payments --role developer --as ann
ok user add dan --team payments --role developer --as ann
ok service add hello-service --team payments --as ann

# The first submit prints the release's page.
ok release submit hello-service --env prod --version 1.4.2 --as bob
expect_match "$OUT" "page        https://beaver.example.com/releases/1" "submit prints the page"
ok release show 1 --as bob
expect_match "$OUT" "page        https://beaver.example.com/releases/1" "show prints the page"

# The same version again, by anyone, is refused naming the open one; nothing is recorded.
before=$(audit_count)
refused 1 "release 1 already puts hello-service 1.4.2 on prod \(submitted by bob\): follow it with 'beaver release show 1', or submit with --replace" \
  release submit hello-service --env prod --version 1.4.2 --as dan
expect_eq "$(audit_count)" "$before" "a duplicate records nothing"
# Another environment, or another version, is no duplicate.
ok release submit hello-service --env test --version 1.4.2 --as bob -o json
expect_eq "$(jq -r .id <<<"$OUT")" "2" "the same version on test"
# --replace cancels only one's own open release (an admin's too)...
refused 1 "only its submitter \(bob\) or an admin may replace it" \
  release submit hello-service --env prod --version 1.4.2 --replace --as dan
expect_eq "$(audit_count)" "$((before + 1))" "a refused replace records nothing"
# ...in the same transaction as the new one, saying which replaced it.
ok release submit hello-service --env prod --version 1.4.2 --replace --as bob -o json
expect_eq "$(jq -r '[.id, .status] | join(" ")' <<<"$OUT")" "3 submitted" "the replacement"
ok release show 1 -o json --as bob
expect_eq "$(jq -r '[.status, .closed_by, .close_comment] | join("|")' <<<"$OUT")" \
  "cancelled|bob|replaced by release 3" "the open one is cancelled, naming its replacement"
ok audit log --as ann -o json
expect_eq "$(jq -r '[.[] | select(.subject == "release/1") | .action] | join(",")' <<<"$OUT")" \
  "release.submit,release.cancel" "the replaced release's audit trail"

# Typos: the nearest names, and no offer to register what was mistyped.
refused 1 "unknown service 'hello-servce' \(did you mean 'hello-service'\?\)" \
  release submit hello-servce --env prod --version 1.4.3 --as bob
[[ "$ERR" != *"service add"* ]] || fail "a typo is not offered for registration"
refused 1 "unknown service 'billing': register it with 'beaver service add billing --team TEAM'" \
  release submit billing --env prod --version 1.0 --as bob
refused 2 "environment 'prdo' is not in policy .* \(did you mean 'prod'\? it has: prod, test\)" \
  release submit hello-service --env prdo --version 1.4.3 --as bob
refused 2 "unknown emergency category 'hotfx' \(did you mean 'hotfix'\? the policy has: hotfix, security, data-fix, regulatory\)" \
  release submit hello-service --env prod --version 1.4.3 --emergency --category hotfx \
  --reason "callbacks fail" --as bob
refused 1 "unknown user 'bbo' \(did you mean 'bob'\?\)" release list --as bbo
refused 1 "unknown user 'dna' \(did you mean 'dan'\?\)" user update dna --team core --role developer --as ann
refused 1 "no release 31 \(the newest is 3; did you mean '3' or '1'\?\)" release show 31 --as bob
refused 1 "no release 9000 \(the newest is 3\)" release show 9000 --as bob

# The same through a server: the duplicate is a 409, the page is the server's own.
start_server
token=$("$BEAVER_BIN" token create bob --as ann 2>/dev/null)
http POST /api/v1/releases "$token" '{"service":"hello-service","env":"prod","version":"1.4.2"}'
expect_status 409 "a duplicate through the API"
expect_match "$BODY" "release 3 already puts hello-service 1.4.2 on prod" "the 409 names the open one"
http POST /api/v1/releases "$token" '{"env":"prod","version":"1.4.4"}'
expect_status 400 "a version without a service"
http POST /api/v1/releases "$token" '{"service":"hello-service","env":"prod","version":"1.4.2","replace":"yes"}'
expect_status 400 "replace is a boolean"
BEAVER_ENV="BEAVER_SERVER=$URL BEAVER_TOKEN=$token" ok release submit hello-service --env prod \
  --version 1.4.2 --replace
expect_match "$OUT" "page        ${URL%/}/releases/4" "remote submit prints the server's page"
http GET "/api/v1/releases?live=maybe" "$token"
expect_status 400 "live is a boolean"
http GET "/api/v1/releases?live=true&status=submitted" "$token"
expect_status 400 "live releases are deployed ones"
http GET "/api/v1/releases?live=true" "$token"
expect_status 200 "the live releases"
expect_eq "$(jq length <<<"$BODY")" "0" "nothing deployed yet"
stop_server

finish
