#!/usr/bin/env bash
# People signing in against a company's LDAP directory: a real slapd (Debian's), started here on
# a free loopback port with a directory of its own in the scenario's folder, and `beaver serve
# --ldap-url`. The right password binds, a wrong one does not, a person of the directory unknown
# to the ledger is refused, a password set in the ledger wins over the directory, and a directory
# that is down makes a 503, never a sign-in. Skipped (77) without slapd.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
export BEAVER_POLICY="$(dirname "$0")/server_policy.yaml"

slapd=/usr/sbin/slapd slapadd=/usr/sbin/slapadd  # sbin: not on every user's PATH
if [ ! -x "$slapd" ] || [ ! -x "$slapadd" ]; then
  echo "skipped: slapd is not installed"
  exit 77
fi
ldap_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ldap=$WORK/ldap
mkdir -p "$ldap/data"
cat >"$ldap/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $ldap/slapd.pid
database mdb
maxsize 16777216
suffix "dc=example,dc=org"
rootdn "cn=admin,dc=example,dc=org"
rootpw admin-secret
directory $ldap/data
CONF
person() {  # person UID PASSWORD
  printf 'dn: uid=%s,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\nuserPassword: %s\n\n' \
    "$1" "$1" "$1" "$1" "$2"
}
{
  printf 'dn: dc=example,dc=org\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n'
  printf 'dn: ou=people,dc=example,dc=org\nobjectClass: organizationalUnit\nou: people\n\n'
  person lea 'lea directory password'
  person eve 'eve directory password'
  person root 'root directory password'
} >"$ldap/people.ldif"
"$slapadd" -f "$ldap/slapd.conf" -l "$ldap/people.ldif" 2>"$ldap/slapadd.err" ||
  { cat "$ldap/slapadd.err" >&2; exit 1; }
# -d 0: in the foreground, so its PID is the one started here.
"$slapd" -f "$ldap/slapd.conf" -h "ldap://127.0.0.1:$ldap_port/" -d 0 2>"$ldap/slapd.err" &
SLAPD_PID=$!
stop_slapd() {
  [ -n "${SLAPD_PID:-}" ] || return 0
  kill -TERM "$SLAPD_PID" 2>/dev/null || true
  wait "$SLAPD_PID" 2>/dev/null || true
  SLAPD_PID=""
}
trap 'stop_slapd; cleanup_work' EXIT
for _ in $(seq 400); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $ldap_port), 0.2)" 2>/dev/null && break
  kill -0 "$SLAPD_PID" 2>/dev/null || { cat "$ldap/slapd.err" >&2; exit 1; }
  sleep 0.025
done

ok user add root --team ops --role admin --as root
ok user add lea --team pay --role leader --as root
ok user add kim --team pay --role developer --as root
ok user passwd root --password-stdin --as root <<<"root ledger password"

# Bad directory settings stop the server at its start.
run serve --listen 127.0.0.1:0 --ldap-url "http://127.0.0.1:$ldap_port" --ldap-user-dn 'uid={user},dc=x'
[ "$RC" -eq 2 ] || fail "an LDAP URL that is not ldap:// is bad input"
expect_match "$ERR" "is not ldap:// or ldaps://" "says what a directory's URL is"
run serve --listen 127.0.0.1:0 --ldap-url "ldap://127.0.0.1:$ldap_port" --ldap-user-dn 'ou=people'
[ "$RC" -eq 2 ] || fail "a user DN without {user} is bad input"
expect_match "$ERR" "has no \{user\}" "says what the DN needs"

start_server --ldap-url "ldap://127.0.0.1:$ldap_port" \
  --ldap-user-dn 'uid={user},ou=people,dc=example,dc=org'
trap 'stop_server; stop_slapd; cleanup_work' EXIT
sign_in() {  # sign_in USER PASSWORD: sets STATUS and BODY
  STATUS=$(curl -s -o "$WORK/http.body" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "$(jq -nc --arg u "$1" --arg p "$2" '{user: $u, password: $p}')" \
    "$URL/api/v1/session")
  BODY=$(cat "$WORK/http.body")
}

sign_in lea 'lea directory password'
expect_status 200 "lea signs in with her directory password"
expect_eq "$(jq -r '.user.roles[0]' <<<"$BODY")" leader "her roles are the ledger's"
expect_eq "$(ledger_sql "SELECT payload FROM audit WHERE action = 'session.start'" | jq -r .by)" \
  directory "the audit log says the directory signed her in"
sign_in lea 'not her password'
expect_status 401 "a wrong directory password"
sign_in eve 'eve directory password'
expect_status 401 "a person of the directory unknown to the ledger"
expect_match "$BODY" 'unknown user or wrong password' "gets the same refusal"
sign_in kim 'anything at all'
expect_status 401 "a ledger user the directory does not know"
sign_in lea ''
expect_status 401 "an empty password never binds (LDAP would take it as anonymous)"
sign_in root 'root directory password'
expect_status 401 "a password set in the ledger wins over the directory"
sign_in root 'root ledger password'
expect_status 200 "root signs in with the ledger's password"
expect_eq "$(ledger_sql "SELECT count(*) FROM sessions")" 2 "two sessions, of lea and root"

stop_slapd
before=$(ledger_sql "SELECT count(*) FROM sessions")
sign_in lea 'lea directory password'
expect_status 503 "a directory that is down"
expect_match "$BODY" "the directory ldap://127.0.0.1:$ldap_port" "says which directory"
expect_eq "$(ledger_sql "SELECT count(*) FROM sessions")" "$before" "and signs nobody in"

stop_server
finish
