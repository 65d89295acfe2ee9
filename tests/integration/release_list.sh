#!/usr/bin/env bash
# The release list as people page through it: a team's, a submitter's, a text found in the
# reason, version or submitter, a page at a time with the total, through the command line here
# and through a real `beaver serve`; and each wrong argument refused with nothing changed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
export BEAVER_POLICY="$(dirname "$0")/server_policy.yaml"  # test: no approvals, no windows

at() { BEAVER_ENV="BEAVER_NOW=$1"; }
ok user add ann --team ops --role admin --as ann
ok user add bob --team payments --role developer --as ann
ok user add carl --team core --role developer --as ann
ok user add lea --team payments --role leader --as ann
ok service add hello --team payments --as ann
ok service add core-api --team core --as ann

# Seven releases to test, newest last (ids 1 to 7):
#  1 hello    1.0.0     bob
#  2 hello    1.0.1     bob   emergency hotfix  "Login TIMEOUT on checkout"
#  3 core-api 2.0.0     carl
#  4 core-api 2.0.1     carl  emergency hotfix  "修复支付超时"
#  5 hello    1.0.2     bob
#  6 hello    1.1.0-rc  lea
#  7 core-api 2.1.0     carl  emergency security "50% of logins fail_fast"
submit() {  # day service version submitter [emergency category reason]
  at "2026-11-$1T10:00:00+08:00"
  if [ $# -gt 4 ]; then
    ok release submit "$2" --env test --version "$3" --emergency --category "$6" --reason "$7" --as "$4"
  else
    ok release submit "$2" --env test --version "$3" --as "$4"
  fi
}
submit 10 hello 1.0.0 bob
submit 11 hello 1.0.1 bob emergency hotfix "Login TIMEOUT on checkout"
submit 12 core-api 2.0.0 carl
submit 13 core-api 2.0.1 carl emergency hotfix "修复支付超时"
submit 14 hello 1.0.2 bob
submit 15 hello 1.1.0-rc lea
submit 16 core-api 2.1.0 carl emergency security "50% of logins fail_fast"
at 2026-11-20T10:00:00+08:00

ids() { jq -c '[.[].id]' <<<"$OUT"; }
ok release list --team payments -o json --as ann
expect_eq "$(ids)" "[6,5,2,1]" "a team's releases, newest first"
ok release list --submitter carl -o json --as ann
expect_eq "$(ids)" "[7,4,3]" "a submitter's"
ok release list --search timeout -o json --as ann
expect_eq "$(ids)" "[2]" "text in a reason, in any case"
ok release list --search 1.1.0 -o json --as ann
expect_eq "$(ids)" "[6]" "text in a version"
ok release list --search 支付 -o json --as ann
expect_eq "$(ids)" "[4]" "Chinese text in a reason"
ok release list --search _ -o json --as ann
expect_eq "$(ids)" "[7]" "an underscore is an underscore, not any character"
ok release list --search CAR -o json --as ann
expect_eq "$(ids)" "[7,4,3]" "text in the submitter"
ok release list --team payments --type emergency -o json --as ann
expect_eq "$(ids)" "[2]" "filters add up"

# A page at a time: the table says where the page is in the whole.
ok release list --limit 2 --offset 2 -o json --as ann
expect_eq "$(ids)" "[5,4]" "the third and fourth newest"
ok release list --limit 2 --offset 2 --as ann
expect_match "$OUT" "^3-4 of 7$" "the table says which of how many"
ok release list --team core --as ann
! grep -q " of " <<<"$OUT" || fail "a list shown whole says nothing of pages"
ok release list --offset 7 --as ann
expect_match "$OUT" "^none of 7 \(--offset 7\)$" "past the end"

# Bad input: one line, exit 2, nothing changed.
before=$(audit_count)
refused 2 "--offset: offset -1 is negative" release list --offset=-1 --as ann
refused 2 "--limit: limit 0 is not between 1 and 100000" release list --limit 0 --as ann
refused 2 "--limit: limit 100001 is not between 1 and 100000" release list --limit 100001 --as ann
refused 2 "--team: no team with a service named 'paymnets' \(did you mean 'payments'\?\)" \
  release list --team paymnets --as ann
refused 2 "--submitter: no user 'bbo' \(did you mean 'bob'\?\)" release list --submitter bbo --as ann
refused 2 "the search text is blank" release list --search "   " --as ann
refused 2 "the search text is 201 bytes long; at most 200" release list --search "$(printf 'x%.0s' $(seq 201))" --as ann
expect_eq "$(audit_count)" "$before" "refused listings change nothing"

# The same through the API: /api/v1/releases/page answers the page and the total.
ok token create ann --label test --as ann
token=$OUT
start_server
http GET "/api/v1/releases/page?limit=2&offset=2" "$token"
expect_status 200 "a page"
expect_eq "$(jq -c '[[.releases[].id], .total, .offset, .limit]' <<<"$BODY")" "[[5,4],7,2,2]" "the page and the total"
http GET "/api/v1/releases/page?team=core&limit=2" "$token"
expect_eq "$(jq -c '[[.releases[].id], .total]' <<<"$BODY")" "[[7,4],3]" "a team's first page, of three"
http GET "/api/v1/releases/page?team=payments&q=LOGIN" "$token"
expect_eq "$(jq -c '[[.releases[].id], .total]' <<<"$BODY")" "[[2],1]" "a team's releases holding a text"
http GET "/api/v1/releases/page?submitter=lea&offset=5" "$token"
expect_eq "$(jq -c '[[.releases[].id], .total]' <<<"$BODY")" "[[],1]" "a page past the end still has the total"
http GET "/api/v1/releases?submitter=carl&limit=1&offset=1" "$token"
expect_eq "$(jq -c '[.[].id]' <<<"$BODY")" "[4]" "the plain list pages too"
before=$(audit_count)
for bad in "offset=-5" "offset=abc" "limit=0" "limit=100001" "team=nope" "submitter=nobody" \
  "q=$(printf 'y%.0s' $(seq 201))" "page=2"; do
  http GET "/api/v1/releases/page?$bad" "$token"
  expect_status 400 "a page asked with $bad"
  expect_match "$(jq -r .error.message <<<"$BODY")" "." "says why: $bad"
done
http GET "/api/v1/releases/page?team=cor" "$token"
expect_eq "$(jq -r '[.error.field, .error.message] | join("|")' <<<"$BODY")" \
  "team|no team with a service named 'cor' (did you mean 'core'?)" "the nearest team"
http GET "/api/v1/releases/page?offset=-5" "$token"
expect_eq "$(jq -r .error.field <<<"$BODY")" offset "the field at fault"
expect_eq "$(audit_count)" "$before" "refused requests change nothing"

# The command line through the server prints what it prints here.
ok release list --team core --limit 1 --as ann
here=$OUT
BEAVER_ENV="BEAVER_SERVER=$URL BEAVER_TOKEN=$token" ok release list --team core --limit 1
expect_eq "$OUT" "$here" "release list through the server"
expect_match "$OUT" "^1-1 of 3$" "its page line"
stop_server
finish
