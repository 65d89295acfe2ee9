#!/usr/bin/env bash
# People signing in on the web pages against a real `beaver serve`: passwords set with
# `beaver user passwd` (kept as argon2id), a session cookie with its CSRF token, sign-out that
# ends the session for good, idle and absolute lifetimes, failed sign-ins audited and slowed, and
# tokens still working for scripts. Every refusal changes nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
export BEAVER_POLICY="$(dirname "$0")/server_policy.yaml"

ok user add root --team ops --role admin --as root
ok user add lea --team pay --role leader --as root
ok user add dev --team pay --role developer --as root
ok service add pay-api --team pay --as root

# --- setting a password
good='correct horse battery'
run user passwd lea --password-stdin --as lea <<<"$good"
[ "$RC" -eq 0 ] || fail "lea sets her own password"
expect_match "$OUT" 'password of lea set' "passwd says what it did"
hash=$(ledger_sql "SELECT hash FROM passwords WHERE \"user\" = 'lea'")
expect_match "$hash" '^\$argon2id\$v=19\$m=65536,t=3,p=1\$' "the password is kept as an argon2id hash"
[[ "$hash" == *"$good"* ]] && fail "the password itself is stored"
expect_eq "$(audit_count_of user.password)" 1 "setting a password is audited"

before=$(audit_count)
run user passwd lea --password-stdin --as dev <<<"another password"
[ "$RC" -eq 1 ] || fail "a developer may not set lea's password"
expect_match "$ERR" "only an admin sets others' passwords" "says who may"
run user passwd lea --password-stdin --as lea <<<"short"
[ "$RC" -eq 2 ] || fail "a short password is bad input"
expect_match "$ERR" 'at least 10 characters' "says how long a password must be"
run user passwd lea --password-stdin --as lea <<<$'tab\there and more'
[ "$RC" -eq 2 ] || fail "a password with a control character is bad input"
run user passwd lea --password-stdin --as lea </dev/null
[ "$RC" -eq 2 ] || fail "no password on stdin is bad input"
expect_match "$ERR" 'no password on standard input' "says the password is missing"
run user passwd lea --as lea </dev/null
[ "$RC" -eq 2 ] || fail "without a terminal, passwd needs --password-stdin"
expect_match "$ERR" 'give it on standard input with --password-stdin' "says how to give it"
run user passwd lee --password-stdin --as root <<<"$good"
[ "$RC" -eq 1 ] || fail "an unknown user has no password to set"
expect_match "$ERR" "did you mean 'lea'" "suggests the nearest name"
expect_eq "$(audit_count)" "$before" "refused passwords change nothing"
expect_eq "$(ledger_sql "SELECT hash FROM passwords WHERE \"user\" = 'lea'")" "$hash" \
  "lea's password is unchanged"
ok user passwd dev --password-stdin --as root <<<"developer password"

start_server --session-idle 6 --session-lifetime 30
jar=$WORK/cookies

# session METHOD [BODY] [CSRF]: /api/v1/session with the cookie jar; sets STATUS, BODY, HEADERS.
session() {
  local args=(-s -o "$WORK/http.body" -D "$WORK/http.headers" -w '%{http_code}' -X "$1"
              -b "$jar" -c "$jar")
  [ -n "${2:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$2")
  [ -n "${3:-}" ] && args+=(-H "X-CSRF-Token: $3")
  STATUS=$(curl "${args[@]}" "$URL/api/v1/session")
  BODY=$(cat "$WORK/http.body")
  HEADERS=$(cat "$WORK/http.headers")
}
# with_cookie METHOD PATH [BODY] [CSRF]: an API call signed in by the cookie jar alone.
with_cookie() {
  local args=(-s -o "$WORK/http.body" -w '%{http_code}' -X "$1" -b "$jar")
  [ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  [ -n "${4:-}" ] && args+=(-H "X-CSRF-Token: $4")
  STATUS=$(curl "${args[@]}" "$URL$2")
  BODY=$(cat "$WORK/http.body")
}

# --- signing in
session GET
expect_status 401 "no session before signing in"
before=$(audit_count)
session POST '{"user":"lea","password":"wrong password"}'
expect_status 401 "a wrong password"
expect_match "$BODY" 'unknown user or wrong password' "one message for a wrong password"
session POST '{"user":"nobody","password":"wrong password"}'
expect_status 401 "an unknown user"
expect_match "$BODY" 'unknown user or wrong password' "the same message for an unknown user"
expect_eq "$(audit_count_of session.refused)" 2 "each failed sign-in is audited"
session POST '{"user":"lea"}'
expect_status 400 "a sign-in without a password"
session POST '{"user":"lea","password":"x","remember":true}'
expect_status 400 "a field nobody asked for"
expect_match "$BODY" 'remember' "names the unknown field"
expect_eq "$(ledger_sql 'SELECT count(*) FROM sessions')" 0 "no session was made"

session POST "{\"user\":\"lea\",\"password\":\"$good\"}"
expect_status 200 "lea signs in"
expect_eq "$(jq -r .user.name <<<"$BODY")" lea "the answer names the user"
csrf=$(jq -r .csrf <<<"$BODY")
expect_match "$csrf" '^[0-9a-f]{64}$' "the answer holds the CSRF token"
cookie_line=$(grep -i '^set-cookie:' <<<"$HEADERS" | tr -d '\r')
expect_match "$cookie_line" 'beaver_session=bvs_[0-9]+_[0-9a-f]{64}; Path=/; Max-Age=30; HttpOnly; SameSite=Lax' \
  "the cookie is HttpOnly and SameSite=Lax, and lasts the session's lifetime"
[[ "$cookie_line" == *Secure* ]] && fail "no Secure cookie on a plain-http server"
secret=$(sed -E 's/.*beaver_session=bvs_[0-9]+_([0-9a-f]+).*/\1/' <<<"$cookie_line")
expect_eq "$(ledger_sql "SELECT count(*) FROM sessions WHERE secret_hash LIKE '%$secret%'")" 0 \
  "the session's secret itself is not stored"
expect_eq "$(audit_count_of session.start)" 1 "signing in is audited"

# --- the cookie signs in reads, and changes only with the CSRF token
session GET
expect_status 200 "GET /api/v1/session with the cookie"
expect_eq "$(jq -r .csrf <<<"$BODY")" "$csrf" "a new tab gets the same CSRF token"
with_cookie GET /api/v1/whoami
expect_status 200 "the cookie signs in a read"
expect_eq "$(jq -r .name <<<"$BODY")" lea "as lea"
ok release submit pay-api --env prod --version 1.0.0 --emergency --category hotfix \
  --reason "card payments fail" --as dev -o json
id=$(jq -r .id <<<"$OUT")
before=$(audit_count)
with_cookie POST "/api/v1/releases/$id/approve" '{}'
expect_status 403 "a change with the cookie and no CSRF token"
expect_match "$BODY" 'X-CSRF-Token' "says which header is missing"
# Its first character changed: never the token itself, whatever characters it holds.
wrong_csrf="$([ "${csrf:0:1}" = a ] && echo b || echo a)${csrf:1}"
with_cookie POST "/api/v1/releases/$id/approve" '{}' "$wrong_csrf"
expect_status 403 "a change with the cookie and a wrong CSRF token"
expect_eq "$(audit_count)" "$before" "refused changes change nothing"
expect_eq "$(ledger_sql "SELECT status FROM releases WHERE id = $id")" submitted "still submitted"
with_cookie POST "/api/v1/releases/$id/approve" '{"comment":"checked the fix"}' "$csrf"
expect_status 200 "a change with the cookie and its CSRF token"
expect_eq "$(ledger_sql "SELECT approver FROM approvals WHERE release_id = $id")" lea \
  "the approval is lea's"

# --- tokens still work for scripts, and a token beats a cookie
ok token create dev --label script --as root
dev_token=$OUT
STATUS=$(curl -s -o "$WORK/http.body" -w '%{http_code}' -b "$jar" \
  -H "Authorization: Bearer $dev_token" "$URL/api/v1/whoami")
expect_eq "$STATUS" 200 "a token with a cookie"
expect_eq "$(jq -r .name "$WORK/http.body")" dev "the token decides who signs in"

# --- sign-out ends the session for good
old_jar=$WORK/cookies.old
cp "$jar" "$old_jar"
session DELETE "" ""
expect_status 403 "signing out without the CSRF token"
session DELETE "" "$csrf"
expect_status 200 "lea signs out"
expect_match "$(grep -i '^set-cookie:' <<<"$HEADERS")" 'beaver_session=; Path=/; Max-Age=0' \
  "signing out clears the cookie"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -b "$old_jar" "$URL/api/v1/whoami")
expect_eq "$STATUS" 401 "the old cookie no longer signs in"
expect_eq "$(audit_count_of session.end)" 1 "signing out is audited"

# --- the idle lifetime (6 s here; the absolute one is in the unit tests)
session POST "{\"user\":\"lea\",\"password\":\"$good\"}"
expect_status 200 "lea signs in again"
for _ in 1 2 3; do
  sleep 2
  with_cookie GET /api/v1/whoami
  expect_status 200 "a session in use outlives its idle time"
done
sleep 7
with_cookie GET /api/v1/whoami
expect_status 401 "a session unused for longer than its idle time has ended"
expect_match "$BODY" 'sign in again' "says to sign in again"

# --- a new password ends the sessions
session POST "{\"user\":\"lea\",\"password\":\"$good\"}"
expect_status 200 "lea signs in once more"
ok user passwd lea --password-stdin --as root <<<"a brand new password"
with_cookie GET /api/v1/whoami
expect_status 401 "a new password ends the old sessions"

# --- failed sign-ins are slowed: five are free, then each waits longer
for i in 1 2 3 4 5; do
  session POST '{"user":"dev","password":"not the password"}'
  expect_status 401 "wrong password $i"
done
before=$(audit_count)
session POST '{"user":"dev","password":"developer password"}'
expect_status 429 "the right password right after five wrong ones waits"
expect_match "$HEADERS" 'Retry-After: [0-9]+' "the answer says how long to wait"
expect_match "$BODY" 'too many failed sign-ins' "and why"
expect_eq "$(audit_count)" "$before" "a throttled sign-in is not even tried"
wait_s=$(sed -nE 's/^Retry-After: ([0-9]+).*/\1/ip' <<<"$HEADERS")
sleep "$wait_s"
session POST '{"user":"dev","password":"developer password"}'
expect_status 200 "the right password later still works"

stop_server
finish
