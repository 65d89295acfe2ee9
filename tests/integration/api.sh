#!/usr/bin/env bash
# The REST API against a real `beaver serve` on a free loopback port: the release story over
# HTTP, every error class with nothing changed, many clients approving and submitting at once,
# package uploads and what they refuse, deploys, rollbacks, status and the policy, the metrics,
# and a graceful stop on SIGTERM.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
export BEAVER_POLICY="$(dirname "$0")/server_policy.yaml"

ok user add root --team ops --role admin --as root
for u in lee kim nia; do ok user add "$u" --team pay --role leader --as root; done
ok user add dev --team pay --role developer --as root
ok service add pay-api --team pay --as root
declare -A TOKEN
for u in root lee kim nia dev; do
  ok token create "$u" --label test --as root
  TOKEN[$u]=$OUT
done
expect_match "${TOKEN[dev]}" '^bvr_[0-9]+_[0-9a-f]{64}$' "a token's text"
expect_eq "$(ledger_sql "SELECT count(*) FROM tokens WHERE secret_hash LIKE '%${TOKEN[dev]##*_}%'")" 0 \
  "the secret itself is not stored"

# Uploads a server left when it died mid-way: the old one is removed at the start, one still
# being written (by another server on this home) is not.
mkdir -p "$BEAVER_HOME/packages"
echo partial >"$BEAVER_HOME/packages/.upload-dead01"
touch -d '2 hours ago' "$BEAVER_HOME/packages/.upload-dead01"
echo partial >"$BEAVER_HOME/packages/.upload-live01"
start_server --max-body-kib 4 --threads 8 --max-package-mib 1
[ -e "$BEAVER_HOME/packages/.upload-dead01" ] && fail "an upload left two hours ago is still there"
[ -e "$BEAVER_HOME/packages/.upload-live01" ] || fail "an upload still being written was removed"
expect_match "$(cat "$WORK/serve.err")" "removed .*/\.upload-dead01, an upload left by a server" \
  "the server says what it removed"
rm "$BEAVER_HOME/packages/.upload-live01"

# --- health and sign-in
http GET /healthz
expect_status 200 "/healthz needs no token"
# A kept-alive connection is closed after 100 answers (--keep-alive-requests): one client asking
# 250 times in a row connects three times, and every answer is a 200.
urls=()
for _ in $(seq 250); do urls+=(-o /dev/null "$URL/healthz"); done
curl -s -w '%{http_code} %{num_connects}\n' "${urls[@]}" >"$WORK/keepalive.txt"
expect_eq "$(grep -c '^200 ' "$WORK/keepalive.txt")" 250 "every answer on kept-alive connections"
expect_eq "$(awk '{n += $2} END {print n}' "$WORK/keepalive.txt")" 3 \
  "a connection serves 100 answers, then closes"
http GET /api/v1/whoami
expect_status 401 "no token"
expect_match "$BODY" '"kind":"unauthenticated"' "a JSON error"
http GET /api/v1/whoami "bvr_1_nonsense"
expect_status 401 "a malformed token"
# The last hex digit changed (to 1 when it was 0: one token in 16 ends in 0).
last=${TOKEN[dev]: -1}
http GET /api/v1/whoami "${TOKEN[dev]%?}$([ "$last" = 0 ] && echo 1 || echo 0)"
expect_status 401 "a token with a wrong secret"
http GET /api/v1/whoami "${TOKEN[dev]}"
expect_status 200 "whoami"
expect_eq "$(jq -r .name <<<"$BODY")" dev "the token's user"
http GET /metrics
expect_status 401 "/metrics needs a token"

# A token revoked through the API signs nobody in.
http POST /api/v1/tokens "${TOKEN[dev]}" '{"user":"dev","label":"spare"}'
expect_status 201 "a user makes their own token"
spare=$(jq -r .text <<<"$BODY")
spare_id=$(jq -r .token.id <<<"$BODY")
http POST /api/v1/tokens "${TOKEN[dev]}" '{"user":"lee"}'
expect_status 403 "a developer makes no token for someone else"
http GET /api/v1/whoami "$spare"
expect_status 200 "a new token signs in (and the server remembers it for a moment)"
http DELETE "/api/v1/tokens/$spare_id" "${TOKEN[dev]}"
expect_status 200 "revoking one's token"
http GET /api/v1/whoami "$spare"
expect_status 401 "a revoked token, at once, though the server had just seen it"
http DELETE "/api/v1/tokens/$spare_id" "${TOKEN[dev]}"
expect_status 409 "revoking twice"

# --- a user's e-mail address, over HTTP and through the CLI in remote mode
http POST /api/v1/users "${TOKEN[root]}" '{"name":"ops1","team":"ops","roles":["ops"],"email":"ops1@example.com"}'
expect_status 201 "a user with an address"
expect_eq "$(jq -r .email <<<"$BODY")" "ops1@example.com" "the address in the user's JSON"
http PUT /api/v1/users/ops1 "${TOKEN[root]}" '{"team":"ops","roles":["ops"]}'
expect_status 200 "an update without an address"
expect_eq "$(jq -r .email <<<"$BODY")" "ops1@example.com" "an update without one keeps it"
http PUT /api/v1/users/ops1 "${TOKEN[root]}" '{"team":"ops","roles":["ops"],"email":"ops 1@example.com"}'
expect_status 400 "an address with a space"
http PUT /api/v1/users/ops1 "${TOKEN[root]}" '{"team":"ops","roles":["ops"],"mail":"o@example.com"}'
expect_status 400 "an unknown field"
BEAVER_ENV="BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[root]}" \
  ok user update ops1 --team ops --role ops --email o.ps@example.com -o json
expect_eq "$(jq -r .email <<<"$OUT")" "o.ps@example.com" "the remote CLI sends the address"
# Chat ids: an update with only them keeps the rest; a bad one is a 400 naming the field.
http PUT /api/v1/users/ops1 "${TOKEN[root]}" '{"im":["wecom:ops.one","feishu:ou_1"]}'
expect_status 200 "an update of chat ids alone"
expect_eq "$(jq -r '[.team, (.roles | join("+")), .email, (.im | join(" "))] | join("|")' <<<"$BODY")" \
  "ops|ops|o.ps@example.com|feishu:ou_1 wecom:ops.one" "chat ids set, the rest kept"
http PUT /api/v1/users/ops1 "${TOKEN[root]}" '{"im":["wecom:a b"]}'
expect_status 400 "a chat id with a space"
expect_eq "$(jq -r .error.field <<<"$BODY")" "im" "the error names the field"
http PUT /api/v1/users/ops1 "${TOKEN[root]}" '{"im":"wecom:x"}'
expect_status 400 "chat ids not as an array"
BEAVER_ENV="BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[root]}" \
  ok user update ops1 --im feishu: --im dingtalk:13800138000 -o json
expect_eq "$(jq -r '.im | join(" ")' <<<"$OUT")" "dingtalk:13800138000 wecom:ops.one" \
  "the remote CLI sends chat ids, and KIND: removes one"
BEAVER_ENV="BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[root]}" ok user list
expect_match "$OUT" "ops1 +ops +ops +o\.ps@example\.com" "user list shows it"

# --- the release story
http POST /api/v1/releases "${TOKEN[dev]}" '{"service":"pay-api","env":"prod","version":"1.0.0","commit":"abc1234"}'
expect_status 201 "submit"
id=$(jq -r .id <<<"$BODY")
expect_eq "$(jq -r .status <<<"$BODY")" submitted "a new release waits"
expect_match "$(jq -r .waiting_for <<<"$BODY")" "2 approvals by distinct leaders" "what it waits for"
http GET /api/v1/inbox "${TOKEN[lee]}"
expect_eq "$(jq -r '.[0].id' <<<"$BODY")" "$id" "the leader's inbox holds it"
http POST "/api/v1/releases/$id/approve" "${TOKEN[dev]}" '{}'
expect_status 403 "a developer does not approve"
http POST "/api/v1/releases/$id/approve" "${TOKEN[lee]}" '{"comment":"looks right"}'
expect_status 200 "the first approval"
expect_eq "$(jq -r .status <<<"$BODY")" submitted "one approval of two"
http POST "/api/v1/releases/$id/approve" "${TOKEN[lee]}" '{}'
expect_status 403 "the same leader twice"
http POST "/api/v1/releases/$id/approve" "${TOKEN[kim]}"
expect_status 200 "the second approval"
expect_eq "$(jq -r .status <<<"$BODY")" approved "two approvals of two"
http POST "/api/v1/releases/$id/reject" "${TOKEN[nia]}" '{"comment":"late"}'
expect_status 409 "rejecting an approved release"
http GET "/api/v1/releases/$id" "${TOKEN[dev]}"
expect_eq "$(jq '.approvals | length' <<<"$BODY")" 2 "the approvals recorded"
expect_eq "$(jq -r '.approvals[0].comment' <<<"$BODY")" "looks right" "the approval's comment"

# A leader's own emergency: someone else must approve it.
http POST /api/v1/releases "${TOKEN[lee]}" \
  '{"service":"pay-api","env":"prod","version":"1.0.1","emergency":true,"category":"hotfix","reason":"card declines"}'
expect_status 201 "an emergency"
eid=$(jq -r .id <<<"$BODY")
http POST "/api/v1/releases/$eid/approve" "${TOKEN[lee]}"
expect_status 403 "self-approval"
expect_match "$BODY" "someone else must approve" "self-approval says why"
http POST "/api/v1/releases/$eid/approve" "${TOKEN[kim]}" '{"comment":"go"}'
expect_status 200 "another leader approves the emergency"
http POST "/api/v1/releases/$eid/review" "${TOKEN[lee]}" '{"notes":"root cause: expired cert"}'
expect_status 200 "the emergency's review"

http GET "/api/v1/releases?env=prod&status=approved" "${TOKEN[dev]}"
expect_status 200 "a filtered list"
expect_eq "$(jq length <<<"$BODY")" 2 "approved releases on prod"
http GET "/api/v1/releases?type=emergency" "${TOKEN[dev]}"
expect_eq "$(jq -r '.[0].id' <<<"$BODY")" "$eid" "emergencies only"

# --- errors: each a JSON error with a message, and nothing changed
before=$(audit_count)
http POST /api/v1/releases "${TOKEN[dev]}" '{"service":"pay-api",'
expect_status 400 "malformed JSON"
expect_match "$BODY" '"kind":"bad_input","message":"the body is not JSON' "says what is wrong"
http POST /api/v1/releases "${TOKEN[dev]}" '[1,2]'
expect_status 400 "a body that is not an object"
http POST /api/v1/releases "${TOKEN[dev]}" '{"service":"pay-api","env":"prod","version":"2.0.0","emergency":"yes"}'
expect_status 400 "a wrong type"
expect_match "$BODY" "'emergency' must be true or false" "names the field"
http POST /api/v1/releases "${TOKEN[dev]}" '{"service":"pay-api","env":"prod","version":"2.0.0","colour":"red"}'
expect_status 400 "an unknown field"
expect_match "$BODY" "unknown field 'colour'" "names the unknown field"
http POST /api/v1/releases "${TOKEN[dev]}" '{"service":"pay-api","env":"prod"}'
expect_status 400 "no version"
# A rule's error names the request's field, in the API's words, never a command line flag.
http POST /api/v1/releases "${TOKEN[dev]}" '{"service":"pay-api","env":"prod","version":"2.0.0","emergency":true,"category":"hotfix"}'
expect_status 400 "an emergency without a reason"
expect_eq "$(jq -r .error.field <<<"$BODY")" reason "the field at fault"
expect_eq "$(jq -r .error.message <<<"$BODY")" "an emergency release needs a reason saying why" \
  "the problem in its own words"
http POST /api/v1/releases/1/deploy "${TOKEN[dev]}" '{"parallel":0}'
expect_status 400 "a deploy of no host at a time"
expect_eq "$(jq -r .error.field <<<"$BODY")" parallel "the field at fault"
http POST /api/v1/releases "${TOKEN[dev]}" '{"service":"../etc","env":"prod","version":"1"}'
expect_status 400 "a bad service name"
http POST /api/v1/releases "${TOKEN[dev]}" "{\"service\":\"pay-api\",\"env\":\"prod\",\"version\":\"2.0.0\",\"reason\":\"$(head -c 5000 /dev/zero | tr '\0' x)\"}"
expect_status 413 "a body over the limit"
http GET /api/v1/releases/999999 "${TOKEN[dev]}"
expect_status 404 "an unknown release"
http GET /api/v1/releases/abc "${TOKEN[dev]}"
expect_status 404 "a release id that is not a number"
http POST /api/v1/releases/999999/approve "${TOKEN[lee]}"
expect_status 404 "approving an unknown release"
http POST "/api/v1/releases/$id/explode" "${TOKEN[lee]}"
expect_status 404 "an unknown action"
http GET /api/v1/nothing "${TOKEN[dev]}"
expect_status 404 "an unknown route"
http DELETE /api/v1/releases "${TOKEN[dev]}"
expect_status 405 "a method the route does not take"
# The paths without the version are not served under another name: a JSON 404 pointing at /api/v1.
submit='{"service":"pay-api","env":"prod","version":"2.0.0"}'
for old in "GET /api/releases/$id" "POST /api/releases" "GET /api/whoami" "GET /api"; do
  http ${old% *} "${old#* }" "${TOKEN[dev]}" "$([ "${old% *}" = POST ] && echo "$submit")"
  expect_status 404 "$old, without the version"
  expect_eq "$(jq -r .error.kind <<<"$BODY")" not_found "$old: a JSON error"
  expect_match "$(jq -r .error.message <<<"$BODY")" "under /api/v1" "$old: says where the API is"
done
head=$(curl -sI -H "Authorization: Bearer ${TOKEN[dev]}" "$URL/api/v1/releases/$id")
expect_match "$head" "^HTTP/1.1 200 OK" "HEAD of a GET route, with its reason phrase"
expect_match "$head" "Content-Length: [1-9]" "HEAD says how long the answer is"
http GET "/api/v1/releases?colour=red" "${TOKEN[dev]}"
expect_status 400 "an unknown parameter"
http GET "/api/v1/releases?since=yesterday" "${TOKEN[dev]}"
expect_status 400 "a bad date"
http POST /api/v1/users "${TOKEN[dev]}" '{"name":"eve","team":"pay","roles":["admin"]}'
expect_status 403 "a developer adds no user"
http POST /api/v1/users "${TOKEN[root]}" '{"name":"eve","team":"pay","roles":["wizard"]}'
expect_status 400 "an unknown role"
expect_eq "$(audit_count)" "$before" "no refused request changed the ledger"

# --- many clients at once
# Three leaders approve each of ten two-approval releases at the same moment: each ends with
# exactly two approvals, and exactly one of the three is told it came too late.
ids=()
for i in $(seq 10); do
  http POST /api/v1/releases "${TOKEN[dev]}" "{\"service\":\"pay-api\",\"env\":\"prod\",\"version\":\"3.0.$i\"}"
  ids+=("$(jq -r .id <<<"$BODY")")
done
for rid in "${ids[@]}"; do
  for u in lee kim nia; do
    curl -s -o /dev/null -w "$rid %{http_code}\n" -X POST -H "Authorization: Bearer ${TOKEN[$u]}" \
      "$URL/api/v1/releases/$rid/approve" >>"$WORK/race" &
  done
done
wait $(jobs -p | grep -v "^$SERVER_PID$") 2>/dev/null || true
for rid in "${ids[@]}"; do
  expect_eq "$(grep -c "^$rid 200$" "$WORK/race")" 2 "release $rid: two approvals accepted"
  expect_eq "$(grep -c "^$rid 409$" "$WORK/race")" 1 "release $rid: the third refused"
  expect_eq "$(ledger_sql "SELECT count(*) FROM approvals WHERE release_id = $rid")" 2 \
    "release $rid: two approvals stored"
  expect_eq "$(ledger_sql "SELECT status FROM releases WHERE id = $rid")" approved \
    "release $rid: approved"
done

# Eight clients submit 25 releases each at once: all 200 land, none lost or doubled.
releases_before=$(ledger_sql 'SELECT count(*) FROM releases')
seq 200 | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST \
  -H "Authorization: Bearer ${TOKEN[dev]}" -H 'Content-Type: application/json' \
  --data-binary '{"service":"pay-api","env":"test","version":"4.0.{}"}' "$URL/api/v1/releases" >"$WORK/submits"
expect_eq "$(grep -c '^201$' "$WORK/submits")" 200 "every concurrent submission answered 201"
expect_eq "$(ledger_sql 'SELECT count(*) FROM releases')" $((releases_before + 200)) \
  "every concurrent submission stored once"

http GET /api/v1/audit/verify "${TOKEN[dev]}"
expect_status 200 "audit verify"
expect_eq "$(jq -r .whole <<<"$BODY")" true "the audit chain is whole after the load"

# --- metrics
http GET /metrics "${TOKEN[dev]}"
expect_status 200 "metrics"
expect_match "$BODY" 'beaver_releases\{type="normal",status="approved"\} 211' "releases by type and status"
expect_match "$BODY" 'beaver_approvals_pending 0' "approvals pending"
expect_match "$BODY" 'beaver_http_requests_total\{route="POST /api/v1/releases",status="201"\} 2[0-9][0-9]' \
  "requests by route and status"
expect_match "$BODY" 'beaver_http_request_seconds_count\{route="POST /api/v1/releases/\{id\}/\{action\}"\}' \
  "latency by route pattern"

# --- the report: what `beaver report -o json` prints, here and through a server, and its charts
span="since=2000-01-01&until=2100-01-01"
http GET "/api/v1/report?$span&by=env" "${TOKEN[dev]}"
expect_status 200 "the report"
expect_eq "$(jq -r .by <<<"$BODY")" env "the report grouped as asked"
expect_eq "$(jq -r .totals.emergency <<<"$BODY")" 1 "the report counts the emergency"
ok report --since 2000-01-01 --until 2100-01-01 --by env -o json --as dev
here=$OUT
BEAVER_ENV="BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[dev]}" \
  ok report --since 2000-01-01 --until 2100-01-01 --by env -o json
expect_eq "$OUT" "$here" "beaver report -o json through the server prints what it prints here"
for format in table csv html; do
  ok report --since 2000-01-01 --until 2100-01-01 --by env -o "$format" --as dev
  here=$OUT
  BEAVER_ENV="BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[dev]}" \
    ok report --since 2000-01-01 --until 2100-01-01 --by env -o "$format"
  expect_eq "$OUT" "$here" "beaver report -o $format through the server prints what it prints here"
done
curl -s -D "$WORK/headers" -o "$WORK/report.csv" -H "Authorization: Bearer ${TOKEN[dev]}" \
  "$URL/api/v1/report?$span&by=env&format=csv"
expect_match "$(cat "$WORK/headers")" "Content-Type: text/csv" "the CSV report's content type"
expect_match "$(head -1 "$WORK/report.csv")" "^env,releases," "the CSV report's header"
http GET "/api/v1/report?$span&format=xml" "${TOKEN[dev]}"
expect_status 400 "a report in a format nobody draws"
expect_match "$BODY" "format 'xml' is not json, table, csv or html" "names the formats"
http GET "/api/v1/report?since=yesterday" "${TOKEN[dev]}"
expect_status 400 "a report with a bad day"
expect_match "$BODY" "since: 'yesterday'" "names the bad parameter"
http GET "/api/v1/report?colour=red" "${TOKEN[dev]}"
expect_status 400 "a report with an unknown parameter"
http GET "/api/v1/report" 
expect_status 401 "the report needs a token"
http GET "/api/v1/report/charts?$span" "${TOKEN[dev]}"
expect_status 200 "the report's charts"
for chart in weeks ratio reasons approvers heat; do
  expect_match "$(jq -r ".$chart" <<<"$BODY")" '^<svg class="chart"' "the $chart chart is SVG"
done
expect_match "$(jq -r .reasons <<<"$BODY")" 'hotfix' "the reasons chart names the emergency's category"
http GET "/api/v1/report/charts?by=env" "${TOKEN[dev]}"
expect_status 400 "the charts take no grouping"

# A manager's questions: by month, the period before, a team, what people wrote, CSV for Excel.
http GET "/api/v1/report?$span&by=month&team=pay" "${TOKEN[dev]}"
expect_status 200 "the report by month for a team"
expect_eq "$(jq -c '[.by, .scope.team, (.groups | length > 0), (.groups[0].key | test("^[0-9]{4}-[0-9]{2}$"))]' <<<"$BODY")" \
  '["month","pay",true,true]' "months named YYYY-MM, the team in scope"
http GET "/api/v1/report?$span&team=pay" "${TOKEN[dev]}"
expect_eq "$(jq -c '[.previous_period.until, .previous.releases, .totals.emergency]' <<<"$BODY")" \
  '["1999-12-31T16:00:00Z",0,1]' "the period before ends where this one starts, and is empty"
expect_eq "$(jq -c '.emergency_reasons' <<<"$BODY")" '{"hotfix":[{"reason":"card declines","count":1}]}' \
  "the reason written, under its category"
expect_match "$(jq -r '.dora.bands.deployment_frequency' <<<"$BODY")" '^(elite|high|medium|low)$' "a DORA band"
http GET "/api/v1/report?$span&team=ops" "${TOKEN[dev]}"
expect_status 400 "a team without a service"
http GET "/api/v1/report?$span&team=paj" "${TOKEN[dev]}"
expect_status 400 "a mistyped team"
expect_eq "$(jq -r '[.error.field, .error.message] | join("|")' <<<"$BODY")" \
  "team|no team with a service named 'paj' (did you mean 'pay'?)" "the nearest team is suggested"
http GET "/api/v1/report/charts?$span&env=prd" "${TOKEN[dev]}"
expect_status 400 "the charts for a mistyped environment"
expect_match "$BODY" "did you mean 'prod'" "the nearest environment is suggested"
curl -s -o "$WORK/bom.csv" -H "Authorization: Bearer ${TOKEN[dev]}" \
  "$URL/api/v1/report?$span&by=env&format=csv&bom=true"
expect_eq "$(head -c 3 "$WORK/bom.csv" | od -An -tx1 | tr -d ' ')" "efbbbf" "the CSV starts with the byte-order mark"
cmp -s <(tail -c +4 "$WORK/bom.csv") "$WORK/report.csv" || fail "the CSV with a BOM is the CSV after it"
http GET "/api/v1/report?$span&format=csv&bom=yes" "${TOKEN[dev]}"
expect_status 400 "bom is true or false"
http GET "/api/v1/report?$span&why_emergencies=true" "${TOKEN[dev]}"
expect_status 200 "why emergencies"
expect_eq "$(jq -c '[.teams[] | [.team, .emergencies, .from_median]]' <<<"$BODY")" '[["pay",1,0]]' \
  "why emergencies over the one team"
http GET "/api/v1/report?$span&why_emergencies=true&team=pay" "${TOKEN[dev]}"
expect_status 400 "why emergencies covers every team"

# --- the audit entries of one release
http GET "/api/v1/audit?subject=release/$eid" "${TOKEN[dev]}"
expect_status 200 "the audit entries of one release"
expect_eq "$(jq -r '[.[].action] | join(" ")' <<<"$BODY")" \
  "release.submit release.approve release.review" "the emergency's entries, oldest first"
expect_eq "$(jq -r '[.[].subject] | unique | join(" ")' <<<"$BODY")" "release/$eid" "only its entries"
http GET "/api/v1/audit?colour=red" "${TOKEN[dev]}"
expect_status 400 "the audit log with an unknown parameter"

# --- packages: uploaded by the command line in remote mode, checked before anything is kept
# A .tar.gz with a MANIFEST.json and a beaver.yaml, as the server reads them (and a member
# escaping its folder when asked); python's tarfile writes "../x" as it is, where tar would not.
fake_package() {
  python3 - "$@" <<'PY'
import hashlib, io, json, sys, tarfile
out, version, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
spec = b"service: pay-api\nteam: pay\npipeline: java-maven\n"
manifest = {"format": 1, "service": "pay-api", "version": version, "team": "pay",
            "git": {"commit": "abc1234", "branch": "main", "tag": None,
                    "commit_time": "2026-05-01T00:00:00Z", "dirty": False},
            "build": {"allow_dirty": False},
            "files": [{"path": "beaver.yaml", "sha256": hashlib.sha256(spec).hexdigest(),
                       "size": len(spec)}]}
with tarfile.open(out, "w:gz") as t:
    for name, data in [("MANIFEST.json", json.dumps(manifest).encode()),
                       ("beaver.yaml", spec)] + [(e, b"escape\n") for e in extra]:
        info = tarfile.TarInfo(name)
        info.size, info.mode = len(data), 0o644
        t.addfile(info, io.BytesIO(data))
PY
}
# upload FILE NAME TOKEN: PUT the file as package NAME; sets STATUS and BODY.
upload() {
  STATUS=$(curl -s --path-as-is -o "$WORK/http.body" -w '%{http_code}' -X PUT \
    -H "Authorization: Bearer $3" \
    -H 'Content-Type: application/gzip' --data-binary "@$1" "$URL/api/v1/packages/$2")
  BODY=$(cat "$WORK/http.body")
}
kept() { find "$BEAVER_HOME/packages" -type f 2>/dev/null | wc -l; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

before=$(audit_count)
fake_package "$WORK/good.tar.gz" 5.0.0
good=$(sha "$WORK/good.tar.gz")
upload "$WORK/good.tar.gz" "$(sha /dev/null)" "${TOKEN[dev]}"
expect_status 400 "a package sent under another SHA-256"
expect_match "$BODY" "the package's SHA-256 is $good, not the" "says which checksum it has"
head -c $((2 * 1024 * 1024)) /dev/urandom >"$WORK/big.tar.gz"
upload "$WORK/big.tar.gz" "$(sha "$WORK/big.tar.gz")" "${TOKEN[dev]}"
expect_status 413 "a package over --max-package-mib"
fake_package "$WORK/escape.tar.gz" 5.0.1 ../x
upload "$WORK/escape.tar.gz" "$(sha "$WORK/escape.tar.gz")" "${TOKEN[dev]}"
expect_status 400 "a package with a member escaping its folder"
expect_match "$BODY" '\.\./x' "names the member"
printf 'not a package' >"$WORK/junk.tar.gz"
upload "$WORK/junk.tar.gz" "$(sha "$WORK/junk.tar.gz")" "${TOKEN[dev]}"
expect_status 400 "bytes that are no .tar.gz"
upload "$WORK/good.tar.gz" "$good" "${TOKEN[root]}"
expect_status 403 "an admin who is no developer registers no package"
upload "$WORK/good.tar.gz" "$good" ""
expect_status 401 "an upload without a token"
upload "$WORK/good.tar.gz" "../../etc/passwd" "${TOKEN[dev]}"
expect_status 404 "an upload to a name that is no package name"
upload "$WORK/good.tar.gz" "XYZ" "${TOKEN[dev]}"
expect_status 400 "an upload to a malformed package name"
expect_eq "$(kept)" 0 "no refused upload left a file"
expect_eq "$(audit_count)" "$before" "no refused upload changed the ledger"
http GET "/api/v1/packages/$good" "${TOKEN[dev]}"
expect_status 404 "an unknown package"
http GET "/api/v1/packages/nonsense" "${TOKEN[dev]}"
expect_status 404 "a package name that is no SHA-256"
upload "$WORK/good.tar.gz" "$good" "${TOKEN[dev]}"
expect_status 201 "a package registered and kept"
expect_eq "$(jq -r '[.service, .version, .registered, .stored] | join(" ")' <<<"$BODY")" \
  "pay-api 5.0.0 true true" "the package's record"
expect_eq "$(sha "$BEAVER_HOME/packages/$good.tar.gz")" "$good" "kept under its checksum"
after_upload=$(audit_count)
upload "$WORK/good.tar.gz" "$good" "${TOKEN[dev]}"
expect_status 200 "the same package again"
expect_eq "$(jq -r .registered <<<"$BODY")" false "registered once"
expect_eq "$(audit_count)" "$after_upload" "the same package again changes nothing"
http GET "/api/v1/packages?service=pay-api" "${TOKEN[dev]}"
expect_eq "$(jq -r '[.[].sha256] | join(" ")' <<<"$BODY")" "$good" "the package listing"
http GET "/api/v1/packages?colour=red" "${TOKEN[dev]}"
expect_status 400 "a package listing with an unknown parameter"

# --- deploys and rollbacks: the refusals (the deploys themselves run in remote_cli.sh)
before=$(audit_count)
http GET /api/v1/deploys/999 "${TOKEN[dev]}"
expect_status 404 "an unknown deploy"
http GET /api/v1/deploys/abc "${TOKEN[dev]}"
expect_status 404 "a deploy id that is not a number"
http GET "/api/v1/deploys?service=pay-api&env=prod" "${TOKEN[dev]}"
expect_status 200 "the deploys of a service"
expect_eq "$(jq length <<<"$BODY")" 0 "none yet"
http POST /api/v1/deploys/999/stop "${TOKEN[root]}"
expect_status 404 "stopping an unknown deploy"
http POST /api/v1/deploys/999/stop "${TOKEN[dev]}"
expect_status 403 "a developer stops no deploy"
http POST /api/v1/deploys/999/stop "${TOKEN[root]}" '{"now":true}'
expect_status 400 "a stop with an unknown field"
http POST /api/v1/rollbacks "${TOKEN[dev]}" '{"service":"pay-api","env":"test"}'
expect_status 403 "a developer starting a rollback deployed at once"
expect_match "$BODY" "only ops or an admin deploys" "says who deploys"
http POST /api/v1/rollbacks "${TOKEN[root]}" '{"service":"pay-api","env":"test","colour":"red"}'
expect_status 400 "a rollback with an unknown field"
http POST /api/v1/rollbacks "${TOKEN[lee]}" '{"service":"pay-api","env":"prod"}'
expect_status 404 "a rollback with no deploy to go back from"
http POST "/api/v1/releases/$id/deploy" "${TOKEN[root]}" '{"dry_run":true}'
expect_status 403 "a dry run of a release without a package"
expect_match "$BODY" "names no package" "says why"
http POST "/api/v1/releases/$id/deploy" "${TOKEN[dev]}" '{"dry_run":"yes"}'
expect_status 400 "a dry run flag that is no boolean"
http GET "/api/v1/status?service=pay-api" "${TOKEN[dev]}"
expect_status 400 "status without an environment"
http GET "/api/v1/status?service=pay-api&env=prod" "${TOKEN[dev]}"
expect_status 404 "status of an environment nothing was deployed to"
expect_eq "$(audit_count)" "$before" "no refused deploy or rollback changed the ledger"

# --- the policy in force, and a policy checked against the server's users
http GET /api/v1/policy "${TOKEN[dev]}"
expect_status 200 "the policy"
expect_eq "$(jq -r .sha256 <<<"$BODY")" "$(sha "$BEAVER_POLICY")" "the policy's checksum"
expect_eq "$(jq -r .content <<<"$BODY")" "$(cat "$BEAVER_POLICY")" "the policy's text"
http POST /api/v1/policy/check "${TOKEN[dev]}" '{"name":"new.yaml","content":"timezone: Mars/Base\n"}'
expect_status 400 "a policy that does not validate"
expect_match "$BODY" "new.yaml" "the error names the file"
BEAVER_ENV="BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[dev]}" ok policy check
expect_match "$OUT" "server_policy.yaml: valid; " "policy check through the server"
BEAVER_ENV="BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[dev]}" ok policy show
expect_eq "$(tail -n +2 <<<"$OUT")" "$(cat "$BEAVER_POLICY")" "policy show prints the server's policy"

# --- web pages
http GET /
expect_status 200 "the web page"
http GET /web/../../etc/passwd
expect_status 404 "no file outside the pages"

# --- graceful stop
stop_server
expect_eq "$STOP_RC" 0 "beaver serve exits 0 on SIGTERM"
expect_match "$(cat "$WORK/serve.err")" 'stopped' "says it stopped"
[ ! -e "$BEAVER_HOME/beaver.db-wal" ] || fail "the database was not closed cleanly (its WAL is left)"
[ -z "${BEAVER_DATABASE:-}" ] || [ ! -e "$BEAVER_HOME/beaver.db" ] ||
  fail "a SQLite ledger was made beside the PostgreSQL one"

# --- the smallest server the options allow: one worker (Poco's pool once asserted on it)
start_server --threads 1
http GET /healthz
expect_status 200 "/healthz from a server of one worker"
stop_server
expect_eq "$STOP_RC" 0 "a server of one worker stops cleanly"
finish
