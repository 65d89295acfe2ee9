#!/usr/bin/env bash
# Alerts linked to the release that caused them, with a real Prometheus Alertmanager on loopback
# posting to a real `beaver serve` through its webhook receiver (a bearer token of a user holding
# the alerts role), after a real deploy of the packaged hello-service to a local host: an alert on
# that host links at host level, one on another host at service level, one naming only the
# environment at environment level, one of a service never deployed to nothing; its resolved
# event closes the same record; a group sent again is not counted twice. Then, posted by hand:
# events out of order, bad and hostile bodies (each a 400 naming the field, nothing stored), a
# token of another role, and what the alerts role may not do.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
source "$(dirname "$0")/hosts_lib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
AM=/usr/bin/prometheus-alertmanager
for tool in java mvn curl node "$AM"; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
free_ports 3
H=$WORK/hosts
AM_PID=""
cleanup() {
  [ -n "$AM_PID" ] && kill "$AM_PID" 2>/dev/null && wait "$AM_PID" 2>/dev/null
  stop_server
  stop_services "$H"
  cleanup_work
}
trap cleanup EXIT

export BEAVER_POLICY=$WORK/policy.yaml
cat >"$BEAVER_POLICY" <<YAML
timezone: Asia/Shanghai
environments:
  prod:
    normal: {approvals: []}
    emergency: {approvals: []}
alerts:
  window: 2h
  labels: {service: service, env: env, host: instance, severity: severity}
  grades: {critical: [critical, page, high, disaster], warning: [warning, average], info: [info]}
  channels: {warning: [oncall]}
# Messages are queued here, not sent (notify.sh sends every format to real receivers).
notify:
  - {channel: webhook, name: oncall, url: "http://127.0.0.1:9/hook", events: [alert]}
notify_base_url: https://beaver.example.com
YAML

deploy_people
ok user add mon --team platform --role alerts --as ann
refused 2 "the alerts role is held alone" user add mon2 --team platform --role alerts --role ops --as ann
ok token create mon --label alertmanager --as ann
mon_token=$OUT
ok token create bob --label api --as ann
bob_token=$OUT

hs=$WORK/hello-service
hello_repo "$SOURCE_DIR" "$hs"
cat >>"$hs/beaver.yaml" <<YAML
environments:
  prod:
    hosts:
      - {url: "local:$H/p1", port: ${ports[0]}}
YAML
cd "$hs" && commit_all "1.4.2"
ok package --as bob -o json
ok release submit hello-service --env prod --package dist/hello-service-1.4.2.tar.gz --as bob -o json
r1=$(jq -r .id <<<"$OUT")
ok deploy "$r1" --as olga
deployed_at=$(ledger_sql "SELECT finished_at FROM deploys WHERE release_id = $r1")

start_server
# A real Alertmanager, clustering off, sending each group at once and again a second after it
# changes, resolved alerts too, with the alerts role's token.
cat >"$WORK/alertmanager.yml" <<YAML
route:
  receiver: beaver
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: beaver
    webhook_configs:
      - url: $URL/api/v1/alerts/alertmanager
        send_resolved: true
        http_config:
          authorization: {type: Bearer, credentials: "$mon_token"}
YAML
"$AM" --config.file="$WORK/alertmanager.yml" --storage.path="$WORK/am-data" \
  --web.listen-address="127.0.0.1:${ports[1]}" --cluster.listen-address= \
  >"$WORK/am.log" 2>&1 &
AM_PID=$!
AMURL=http://127.0.0.1:${ports[1]}
for _ in $(seq 100); do curl -sf "$AMURL/-/ready" >/dev/null && break; sleep 0.1; done
curl -sf "$AMURL/-/ready" >/dev/null || { cat "$WORK/am.log" >&2; fail "alertmanager did not start"; }

# push JSON: alerts into Alertmanager, as Prometheus would.
push() { curl -sf -X POST -H 'Content-Type: application/json' "$AMURL/api/v2/alerts" -d "$1" >/dev/null; }
# wait_for SQL VALUE: until the ledger answers VALUE to SQL (at most 20 s).
wait_for() {
  local got=""
  for _ in $(seq 200); do
    got=$(ledger_sql "$1")
    [ "$got" = "$2" ] && return 0
    sleep 0.1
  done
  fail "waited for '$2' from $1, got '$got'"
}
fired=$(date -u +%FT%TZ)
push "[{\"labels\": {\"alertname\": \"HighLatency\", \"service\": \"hello-service\", \"env\": \"prod\",
  \"instance\": \"localhost:${ports[0]}\", \"severity\": \"critical\"},
  \"annotations\": {\"summary\": \"p99 above 2s\"}, \"startsAt\": \"$fired\"}]"
wait_for "SELECT count(*) FROM alerts" 1
expect_eq "$(ledger_sql "SELECT name, grade, status, host, release_id, confidence, summary FROM alerts")" \
  "HighLatency|critical|firing|localhost:${ports[0]}|$r1|host|p99 above 2s" \
  "an alert on the deployed host links to the release at host level"

# More of the same group: Alertmanager sends the whole group again, the first alert with it.
push "[{\"labels\": {\"alertname\": \"HighLatency\", \"service\": \"hello-service\", \"env\": \"prod\",
  \"instance\": \"10.9.9.9:9100\", \"severity\": \"warning\"}, \"startsAt\": \"$fired\"},
  {\"labels\": {\"alertname\": \"HighLatency\", \"env\": \"prod\", \"instance\": \"lb-1:9100\",
  \"severity\": \"page\"}, \"startsAt\": \"$fired\"},
  {\"labels\": {\"alertname\": \"HighLatency\", \"service\": \"billing\", \"env\": \"prod\",
  \"severity\": \"info\"}, \"startsAt\": \"$fired\"}]"
wait_for "SELECT count(*) FROM alerts" 4
expect_eq "$(ledger_sql "SELECT coalesce(service, '-'), grade, coalesce(release_id, 0), coalesce(confidence, '-')
  FROM alerts ORDER BY id")" "hello-service|critical|$r1|host
hello-service|warning|$r1|service
-|critical|$r1|environment
billing|info|0|-" "service, environment and no match"
sent=$(curl -s "$AMURL/metrics" | sed -n 's/^alertmanager_notifications_total{integration="webhook"} //p')
[ "${sent%%.*}" -ge 2 ] || fail "alertmanager sent the group $sent times, not twice"
expect_eq "$(ledger_sql "SELECT count(*) FROM alerts WHERE name = 'HighLatency' AND host = 'localhost:${ports[0]}'")" 1 \
  "the group sent again counts its first alert once"

# The first alert resolves: its record closes.
resolved=$(date -u +%FT%TZ)
push "[{\"labels\": {\"alertname\": \"HighLatency\", \"service\": \"hello-service\", \"env\": \"prod\",
  \"instance\": \"localhost:${ports[0]}\", \"severity\": \"critical\"},
  \"startsAt\": \"$fired\", \"endsAt\": \"$resolved\"}]"
wait_for "SELECT status FROM alerts WHERE host = 'localhost:${ports[0]}'" resolved
expect_eq "$(ledger_sql "SELECT count(*) FROM alerts")" 4 "the resolved event is the same record"

# Announced by grade: critical on every channel taking alerts, warning on those the policy names
# for it (oncall), info nowhere; an alert linked to no release, or by its environment alone
# (maybe another service's), is not announced.
expect_eq "$(ledger_sql "SELECT count(*) FROM notifications WHERE event = 'alert'")" 2 \
  "the critical alert on the host and the warning are announced"
body=$(ledger_sql "SELECT body FROM notifications WHERE event = 'alert' ORDER BY id LIMIT 1")
expect_eq "$(jq -r .title <<<"$body")" \
  "[critical] Alert HighLatency after hello-service 1.4.2 on prod (release $r1)" "the message's title"
expect_match "$(jq -r .text <<<"$body")" \
  "^Roll back: https://beaver\.example\.com/rollback\?service=hello-service&env=prod$" \
  "a critical alert links to the rollback page"
expect_match "$(jq -r .text <<<"$body")" "^Fired: $fired on localhost:${ports[0]} \(critical, severity critical\), matched by host$" \
  "and says what fired where"

# What people read.
ok release show "$r1" -o json --as dan
expect_eq "$(jq -r '[.alerts[] | "\(.name) \(.grade) \(.status) \(.confidence)"] | join(",")' <<<"$OUT")" \
  "HighLatency critical resolved host,HighLatency warning firing service,HighLatency critical firing environment" \
  "release show lists the linked alerts"
ok release show "$r1" --as dan
expect_match "$OUT" "^  alert [0-9]+ +critical HighLatency at $fired on localhost:${ports[0]}, resolved $resolved \(matched by host\)$" \
  "and says when each fired and was resolved"
ok alerts list --unattributed -o json --as dan
expect_eq "$(jq -r '[.[] | .service] | join(",")' <<<"$OUT")" billing "the unattributed alert is listed"
ok alerts list --service hello-service --env prod --as dan
expect_match "$OUT" "HighLatency +hello-service +prod +10\.9\.9\.9:9100 +$r1 +service" "alerts list"
http GET "/api/v1/alerts?unattributed=maybe" "$bob_token"
expect_status 400 "unattributed is true or false"
http GET "/api/v1/alerts?service=hello-service" "$bob_token"
expect_eq "$(jq 'length' <<<"$BODY")" 2 "the API lists a service's alerts"

# --- Zabbix: the shipped media type's own script, run as Zabbix runs it, posts a problem and
# its recovery; the macros not expanded for a problem stay as Zabbix leaves them.
zabbix() {  # zabbix VALUE RECOVERY_TIMESTAMP: the media type's script with these parameters
  node "$(dirname "$0")/zabbix_media.mjs" "$SOURCE_DIR/templates/zabbix/beaver_media_type.yaml" \
    "$(jq -nc --arg url "$URL" --arg token "$mon_token" --arg value "$1" --arg t "$(date -u -d "$fired" +%s)" \
      --arg rt "$2" '{beaver_url: $url, beaver_token: $token, event_id: "31337", event_value: $value,
      event_nseverity: "4", event_name: "High CPU on {HOST.NAME}", host_name: "app-9",
      host_ip: "127.0.0.1", event_tags: "service:hello-service, env:prod, team:payments",
      event_timestamp: $t, event_recovery_timestamp: $rt}')"
}
expect_eq "$(zabbix 1 '{EVENT.RECOVERY.TIMESTAMP}')" OK "the media type posts a problem"
expect_eq "$(ledger_sql "SELECT source, alert_key, severity, grade, status, host, release_id, confidence
  FROM alerts WHERE source = 'zabbix'")" "zabbix|31337|high|critical|firing|app-9|$r1|host" \
  "a Zabbix problem on the deployed host's address links at host level"
expect_eq "$(zabbix 0 "$(date -u -d "$resolved" +%s)")" OK "and its recovery"
expect_eq "$(ledger_sql "SELECT status, resolved_at FROM alerts WHERE source = 'zabbix'")" \
  "resolved|$resolved" "the recovery closes the same record"
bad_zabbix=$(node "$(dirname "$0")/zabbix_media.mjs" "$SOURCE_DIR/templates/zabbix/beaver_media_type.yaml" \
  "$(jq -nc --arg url "$URL" --arg token "$mon_token" '{beaver_url: $url, beaver_token: $token,
  event_id: "{EVENT.ID}", event_value: "1", event_nseverity: "4", event_name: "x", host_name: "h",
  host_ip: "", event_tags: "", event_timestamp: "1", event_recovery_timestamp: ""}')" || true)
expect_match "$bad_zabbix" "^threw: beaver answered 400: .*event_id" \
  "a payload beaver refuses makes the script throw, so Zabbix marks the alert failed"

# --- posted by hand: out of order, bad, hostile, and by the wrong user
hook() { http POST /api/v1/alerts/alertmanager "${2-$mon_token}" "$1"; }
alert() {  # alert STATUS FINGERPRINT [ENDS]: a webhook body with one alert
  printf '{"version": "4", "status": "%s", "alerts": [{"status": "%s", "labels": {"alertname": "DiskFull",
    "service": "hello-service", "env": "prod", "severity": "warning"}, "annotations": {},
    "startsAt": "%s", "endsAt": "%s", "fingerprint": "%s"}]}' "$1" "$1" "$fired" "${3:-0001-01-01T00:00:00Z}" "$2"
}
hook "$(alert resolved 00aa11bb22cc33dd "$resolved")"
expect_status 200 "a resolved event first"
hook "$(alert firing 00aa11bb22cc33dd)"
expect_status 200 "then its firing event"
expect_eq "$(ledger_sql "SELECT status, resolved_at FROM alerts WHERE name = 'DiskFull'")" \
  "resolved|$resolved" "out of order, the alert stays resolved: one record"
# Outside the window after the deploy, and before any deploy: linked to nothing.
at() { date -u -d "$deployed_at $1" +%FT%TZ; }
for when in "+3 hours" "-1 hour"; do
  hook "{\"version\": \"4\", \"alerts\": [{\"status\": \"firing\", \"labels\": {\"alertname\": \"Late\",
    \"service\": \"hello-service\", \"env\": \"prod\"}, \"startsAt\": \"$(at "$when")\", \"fingerprint\": \"ff\"}]}"
  expect_status 200 "an alert $when from the deploy"
done
expect_eq "$(ledger_sql "SELECT count(*) FROM alerts WHERE name = 'Late' AND release_id IS NULL")" 2 \
  "an alert 3 hours after the deploy, or before it, is linked to no release"
# A service with no environment runs in several: which release is not known.
hook '{"version": "4", "alerts": [{"status": "firing", "labels": {"alertname": "NoEnv",
  "service": "hello-service"}, "startsAt": "'"$fired"'", "fingerprint": "ee"}]}'
expect_eq "$(ledger_sql "SELECT coalesce(release_id, 0) FROM alerts WHERE name = 'NoEnv'")" 0 \
  "an alert naming a service but no environment is linked to nothing"
# What monitoring relays is kept, but nothing in it steers a terminal or reorders text.
hook '{"version": "4", "alerts": [{"status": "firing", "labels": {"alertname": "Log\u001b[31m\u202eerror",
  "env": "prod"}, "annotations": {"summary": "'"$(printf 's%.0s' $(seq 3000))"'"},
  "startsAt": "'"$fired"'", "fingerprint": "dd"}]}'
expect_status 200 "an alert with control characters in its name and a long summary is kept"
expect_eq "$(ledger_sql "SELECT name, length(summary) FROM alerts WHERE alert_key LIKE 'dd@%'")" \
  "Log�[31m�error|1024" "with each such character replaced, and its summary shortened"
before=$(ledger_sql "SELECT count(*) FROM alerts")
while IFS='|' read -r field body; do
  hook "$body"
  expect_status 400 "a body with a bad $field"
  expect_eq "$(jq -r .error.field <<<"$BODY")" "$field" "the error names $field"
done <<EOF
version|{"version": "3", "alerts": []}
alerts|{"version": "4", "alerts": {}}
alerts[0].status|{"version": "4", "alerts": [{"status": "burning"}]}
alerts[0].labels|{"version": "4", "alerts": [{"status": "firing", "labels": []}]}
alerts[0].labels.alertname|{"version": "4", "alerts": [{"status": "firing", "labels": {"service": "x"}}]}
alerts[0].startsAt|{"version": "4", "alerts": [{"status": "firing", "labels": {"alertname": "A"}, "startsAt": "yesterday"}]}
alerts[0].fingerprint|{"version": "4", "alerts": [{"status": "firing", "labels": {"alertname": "A"}, "startsAt": "$fired", "fingerprint": "../../etc"}]}
alerts[0].endsAt|{"version": "4", "alerts": [{"status": "resolved", "labels": {"alertname": "A"}, "startsAt": "$fired", "endsAt": "2000-01-01T00:00:00Z", "fingerprint": "ab"}]}
alerts[0].labels.service|{"version": "4", "alerts": [{"status": "firing", "labels": {"alertname": "A", "service": "$(head -c 2000 /dev/zero | tr '\0' x)"}, "startsAt": "$fired", "fingerprint": "ab"}]}
EOF
# The second alert is bad: the first is not kept either.
hook "{\"version\": \"4\", \"alerts\": [$(alert firing 0123456789abcdef | jq -c '.alerts[0]'), {\"status\": \"firing\"}]}"
expect_status 400 "a batch with one bad alert"
hook '{"version": "4", "version": "4", "alerts": []}'
expect_status 400 "a key named twice"
hook "not json"
expect_status 400 "a body that is not JSON"
expect_eq "$(ledger_sql "SELECT count(*) FROM alerts")" "$before" "no bad body stored anything"
hook "$(alert firing 0123456789abcdef)" "$bob_token"
expect_status 403 "a developer's token posts no alerts"
http POST /api/v1/alerts/zabbix-like "$mon_token" '{}'
expect_status 404 "an unknown source"
hook "$(alert firing 0123456789abcdef)" ""
expect_status 401 "no token"
http GET /api/v1/releases "$mon_token"
expect_status 403 "the alerts role reads no releases"
http GET /metrics "$mon_token"
expect_status 403 "nor the server's metrics"
http POST /api/v1/releases "$mon_token" '{"service": "hello-service", "env": "prod", "version": "9"}'
expect_status 403 "and submits none"
expect_eq "$(ledger_sql "SELECT count(*) FROM alerts")" "$before" "refused posts stored nothing"
stop_server
finish
