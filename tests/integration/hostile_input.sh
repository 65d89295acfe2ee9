#!/usr/bin/env bash
# What an attacker sends, against a real `beaver serve` and the command line: crafted package
# archives (built here), bodies sent to strangers, duplicate JSON keys, text that reads otherwise
# than it is stored, releases of another team's service, and reports over absurd periods. Each is
# refused with a message naming what is wrong (never a path of the server's), and nothing
# changes on disk or in the ledger.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
export BEAVER_POLICY="$(dirname "$0")/server_policy.yaml"
CRAFT=$(dirname "$0")/craft_package.py

ok user add root --team ops --role admin --as root
ok user add lee --team pay --role leader --as root
ok user add dev --team pay --role developer --as root
ok user add web --team web --role developer --as root
ok user add opsy --team ops --role ops --as root
ok service add pay-api --team pay --as root
declare -A TOKEN
for u in root lee dev web opsy; do
  ok token create "$u" --label test --as root
  TOKEN[$u]=$OUT
done

start_server --max-unpacked-mib 2
peak_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status"; }
kept() { find "$BEAVER_HOME/packages" -type f 2>/dev/null | wc -l; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
upload() {
  STATUS=$(curl -s -o "$WORK/http.body" -w '%{http_code}' -X PUT \
    -H "Authorization: Bearer $2" -H 'Content-Type: application/gzip' \
    --data-binary "@$1" "$URL/api/v1/packages/$(sha "$1")")
  BODY=$(cat "$WORK/http.body")
}

# --- package intake: each crafted archive, its refusal, and nothing kept
before=$(audit_count)
peak_before=$(peak_kib)
while IFS='|' read -r kind pattern; do
  python3 "$CRAFT" "$kind" "$WORK/$kind.tar.gz"
  upload "$WORK/$kind.tar.gz" "${TOKEN[dev]}"
  expect_status 400 "an upload with $kind"
  expect_match "$BODY" "$pattern" "the refusal of $kind says what is wrong"
  case "$BODY" in
    *"$BEAVER_HOME"* | *.upload-* | *"$WORK"*) fail "the refusal of $kind names a server path: $BODY" ;;
  esac
done <<'EOF'
pax-bomb|a pax header of 1073741824 bytes \(at most 64 KiB are read\)
pax-global|a pax global header, which tar would apply to every member after it
false-checksum|member 'lib/app.jar' has SHA-256 [0-9a-f]{64}, MANIFEST.json says
false-size|member 'lib/app.jar' is 21 bytes, MANIFEST.json says 22
unlisted|member 'lib/extra.jar' is not listed in MANIFEST.json
missing|MANIFEST.json lists 'lib/gone.jar', which the package does not hold
duplicate|member 'MANIFEST.json' appears twice
duplicate-key|MANIFEST.json names 'version' twice
setuid|member 'bin/app' has mode 4755 \(setuid\)
zip-bomb|unpacks to more than 2 MiB \(member 'lib/zeros.bin' is 3145728 bytes\)
bad-host|the package: beaver.yaml:7:24: 'ssh://deploy@h1;reboot/srv/app': ';' is not allowed: the host must be
other-service|beaver.yaml names service billing of team pay, MANIFEST.json service pay-api
false-config|MANIFEST.json: config\[0\] is not the text of 'beaver.yaml'
EOF
peak_after=$(peak_kib)
[ "$peak_after" -lt $((peak_before + 128 * 1024)) ] ||
  fail "a declared 1 GiB pax header raised the server's peak memory from $peak_before to $peak_after KiB"
expect_eq "$(kept)" 0 "no refused upload left a file"
expect_eq "$(audit_count)" "$before" "no refused upload changed the ledger"

# Four bombs at once cost no more than one.
bombs=()
for _ in 1 2 3 4; do
  upload "$WORK/pax-bomb.tar.gz" "${TOKEN[dev]}" &
  bombs+=($!)
done
wait "${bombs[@]}"
[ "$(peak_kib)" -lt $((peak_before + 128 * 1024)) ] || fail "four pax bombs at once raised the peak memory"

# The role comes before the archive: an ops user's upload is refused before its body is read,
# and the server keeps no byte of it.
python3 "$CRAFT" good "$WORK/good.tar.gz"
upload "$WORK/good.tar.gz" "${TOKEN[opsy]}"
expect_status 403 "an ops user registers no package"
expect_eq "$(find "$BEAVER_HOME/packages" -name '.upload-*' 2>/dev/null | wc -l)" 0 "no upload file"
upload "$WORK/good.tar.gz" "${TOKEN[dev]}"
expect_status 201 "the well-made package is taken in"

# The command line submits only packages the ledger registered ('beaver package' takes its own
# through the same intake): a crafted file is no release.
BEAVER_ENV="BEAVER_USER=dev" refused 1 "is not a package beaver built" \
  release submit pay-api --env test --package "$WORK/setuid.tar.gz"
expect_eq "$(ledger_sql 'SELECT count(*) FROM releases')" 0 "no release from a crafted package"

# --- a body is read only from a caller who may send it: answers come before the body does
# ask METHOD PATH TOKEN: sends headers declaring a 500 KB body and no body; the status line.
ask() {
  python3 - "$URL" "$1" "$2" "$3" <<'PY'
import socket, sys, urllib.parse
url, method, path, token = sys.argv[1:]
u = urllib.parse.urlsplit(url)
s = socket.create_connection((u.hostname, u.port), timeout=5)
auth = f"Authorization: Bearer {token}\r\n" if token else ""
s.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\n"
          f"Content-Length: 500000\r\n\r\n".encode())
try:
    print(s.recv(4096).split(b"\r\n")[0].decode())
except socket.timeout:
    print("no answer before the body")
PY
}
expect_match "$(ask POST /api/v1/releases '')" "^HTTP/1.1 401" "a stranger's JSON body is not read"
expect_match "$(ask PUT "/api/v1/packages/$(sha "$WORK/good.tar.gz")" "${TOKEN[opsy]}")" \
  "^HTTP/1.1 403" "an upload by a user who registers no package is not read"
expect_match "$(ask POST /nowhere '')" "^HTTP/1.1 (404|405)" "a body sent where none is taken"

# --- JSON: a key named twice is refused, whichever would win
before=$(audit_count)
http POST /api/v1/releases "${TOKEN[dev]}" \
  '{"service":"pay-api","env":"test","version":"1.0.0","env":"prod"}'
expect_status 400 "a body naming env twice"
expect_match "$BODY" "the body names 'env' twice" "names the key"
http POST /api/v1/releases "${TOKEN[dev]}" '{"service":"pay-api","env":"test","version":"1.0.0","x":{"a":1,"a":2}}'
expect_status 400 "a nested object naming a key twice"

# --- free text that reads otherwise than it is stored
rlo=$(printf '\xe2\x80\xae')
nel=$(printf '\xc2\x85')
http POST /api/v1/releases "${TOKEN[dev]}" \
  "{\"service\":\"pay-api\",\"env\":\"prod\",\"version\":\"1.0.0\",\"emergency\":true,\"category\":\"hotfix\",\"reason\":\"fix ${rlo}gnp.exe\"}"
expect_status 400 "a reason with a right-to-left override"
expect_match "$BODY" "U\+202E RIGHT-TO-LEFT OVERRIDE" "names the character"
http POST /api/v1/releases "${TOKEN[dev]}" \
  "{\"service\":\"pay-api\",\"env\":\"prod\",\"version\":\"1.0.0\",\"emergency\":true,\"category\":\"hotfix\",\"reason\":\"a${nel}b\"}"
expect_status 400 "a reason with a C1 control"
expect_match "$BODY" "the control character U\+0085" "names the C1 character"
BEAVER_ENV="BEAVER_USER=dev" refused 2 "reason holds U\+2067 RIGHT-TO-LEFT ISOLATE" \
  release submit pay-api --env prod --version 1.0.0 --emergency --category hotfix \
  --reason "$(printf 'x\xe2\x81\xa7y')"
expect_eq "$(audit_count)" "$before" "no refused body or text changed the ledger"

# --- who submits: the service's own team and admins, unless the environment says more
http POST /api/v1/releases "${TOKEN[web]}" '{"service":"pay-api","env":"test","version":"1.0.0"}'
expect_status 403 "a developer of another team"
expect_match "$BODY" "web is of team web; releases of pay-api to test are submitted by team pay and admins" \
  "says who submits"
BEAVER_ENV="BEAVER_USER=web" refused 1 "web is of team web" release submit pay-api --env test --version 1.0.0
expect_eq "$(audit_count)" "$before" "the other team's attempts changed nothing"
http POST /api/v1/releases "${TOKEN[dev]}" '{"service":"pay-api","env":"test","version":"1.0.1"}'
expect_status 201 "a developer of the service's team"
ok user update root --team ops --role admin --role developer --as root
BEAVER_ENV="BEAVER_USER=root" ok release submit pay-api --env test --version 1.0.2
sed 's/^  test:$/  test:\n    submit: {teams: [web]}/' "$BEAVER_POLICY" >"$WORK/open.yaml"
BEAVER_ENV="BEAVER_USER=web BEAVER_POLICY=$WORK/open.yaml" ok release submit pay-api --env test --version 1.0.3
BEAVER_ENV="BEAVER_USER=web BEAVER_POLICY=$WORK/open.yaml" refused 1 "submitted by team pay and admins" \
  release submit pay-api --env prod --version 1.0.3
sed 's/^  prod:$/  prod:\n    submit: {any_team: true}/' "$BEAVER_POLICY" >"$WORK/any.yaml"
BEAVER_ENV="BEAVER_USER=web BEAVER_POLICY=$WORK/any.yaml" ok release submit pay-api --env prod --version 1.0.4
sed 's/^  prod:$/  prod:\n    submit: {teams: [web], any_team: true}/' "$BEAVER_POLICY" >"$WORK/both.yaml"
BEAVER_ENV="BEAVER_POLICY=$WORK/both.yaml" refused 2 "both.yaml:[0-9]+:[0-9]+: " policy check

# --- reports over absurd periods: read only where the ledger has releases, in bounded memory
peak_before=$(peak_kib)
start=$(date +%s%N)
http GET "/api/v1/report?since=0001-01-01&until=9999-12-31&by=hour" "${TOKEN[dev]}"
expect_status 200 "a report from year 1 to 9999 by hour"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
expect_eq "$(jq -r '.totals.releases' <<<"$BODY")" 4 "it counts the ledger's releases"
expect_match "$(jq -r '.since' <<<"$BODY")" "^20[0-9]{2}-" "its period starts at the ledger's first day"
[ "$(peak_kib)" -lt $((peak_before + 50 * 1024)) ] ||
  fail "the report's peak memory grew from $peak_before to $(peak_kib) KiB"
[ "$elapsed_ms" -lt 10000 ] || fail "a clamped report took $elapsed_ms ms"
BEAVER_ENV="BEAVER_USER=dev" ok report --since 0001-01-01 --until 9999-12-31 --by week -o json
expect_eq "$(jq -r '.totals.releases' <<<"$OUT")" 4 "the command line's report over the same period"

# A ledger whose releases span more than ten years is refused by week, with the limit said.
BEAVER_ENV="BEAVER_USER=dev BEAVER_NOW=2012-03-01T10:00:00+08:00" ok release submit pay-api --env test --version 0.0.1
BEAVER_ENV="BEAVER_USER=dev" refused 2 "a report by week covers at most 10 years" \
  report --since 0001-01-01 --until 9999-12-31 --by week
http GET "/api/v1/report?since=0001-01-01&until=9999-12-31&by=week" "${TOKEN[dev]}"
expect_status 400 "a report by week over a ledger of 14 years"
BEAVER_ENV="BEAVER_USER=dev" ok report --since 0001-01-01 --until 9999-12-31 -o json
expect_eq "$(jq -r '.totals.releases' <<<"$OUT")" 5 "the same period as totals: a century is allowed"

stop_server
finish
