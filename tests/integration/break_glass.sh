#!/usr/bin/env bash
# Break glass, with the real packaged hello-service on a local host: payments is down at 02:10,
# its only leader asleep; olga (ops) deploys the submitted emergency before its approval, with
# her reason. The approval stays owed: reminders are queued for then, for half the time and for
# the deadline; `release list --owing-signature` and lea's inbox show it; past the deadline the
# team breaks no glass again, and the report counts it as never signed; lea then signs it late,
# which cancels what was still pending. Through the API a second glass is broken and signed in
# time. Every wrong use is refused and changes nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
source "$(dirname "$0")/hosts_lib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
for tool in java mvn curl; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
free_ports 2
H=$WORK/hosts
cleanup() {
  stop_server
  stop_services "$H"
  cleanup_work
}
trap cleanup EXIT

# prod lets ops break glass, with 2 hours to sign; test lets nobody. Reminders go to a webhook
# nobody listens on: they are only queued here (notify.sh sends such messages for real).
export BEAVER_POLICY=$WORK/policy.yaml
cat >"$BEAVER_POLICY" <<YAML
timezone: Asia/Shanghai
environments:
  prod:
    normal: {approvals: [{role: leader, count: 1, same_team: true}]}
    emergency:
      approvals: [{role: leader, count: 1, same_team: true}]
      break_glass: {roles: [ops], sign_within: 2h}
  test:
    normal: {approvals: []}
    emergency: {approvals: [{role: leader, count: 1}]}
notify:
  - {channel: webhook, url: "http://127.0.0.1:9/hook"}
notify_base_url: https://beaver.example.com
YAML
# Wednesday 2026-11-25, 02:10 in Shanghai.
export BEAVER_NOW=2026-11-25T02:10:00+08:00

deploy_people
ok user add lea --team payments --role leader --as ann
ok user add mia --team platform --role manager --as ann

hs=$WORK/hello-service
hello_repo "$SOURCE_DIR" "$hs"
cat >>"$hs/beaver.yaml" <<YAML
environments:
  prod:
    hosts:
      - {url: "local:$H/p1", port: ${ports[0]}}
  test:
    hosts:
      - {url: "local:$H/t1", port: ${ports[1]}}
YAML
cd "$hs" && commit_all "1.4.2"
ok package --as bob -o json
pkg=dist/hello-service-1.4.2.tar.gz
ok release submit hello-service --env prod --package "$pkg" --emergency --category hotfix \
  --reason "payments down since 02:10" --as bob -o json
r1=$(jq -r .id <<<"$OUT")

# --- what is refused, and changes nothing
before=$(audit_count)
refused 1 "release $r1 is not approved yet; it cannot be deployed \(an emergency here may break glass, by ops: beaver deploy $r1 --break-glass --reason TEXT\)" \
  deploy "$r1" --as olga
refused 2 "--break-glass needs --reason TEXT" deploy "$r1" --break-glass --as olga
refused 2 "--reason goes with --break-glass" deploy "$r1" --reason "why" --as olga
refused 2 "reason" deploy "$r1" --break-glass --reason $'down\x1b[31m' --as olga
refused 1 "only ops or an admin deploys" deploy "$r1" --break-glass --reason "down" --as bob
refused 1 "ann may not break glass on prod: only ops may, and ann is admin" \
  deploy "$r1" --break-glass --reason "down" --as ann
refused 2 "a repair puts the live release back" deploy "$r1" --break-glass --reason "down" \
  --repair --as olga
ok release submit hello-service --env test --package "$pkg" --as bob -o json
normal=$(jq -r .id <<<"$OUT")
refused 1 "release $normal is a normal release; only an emergency is deployed by break glass" \
  deploy "$normal" --break-glass --reason "down" --as olga
ok release cancel "$normal" --as bob
ok release submit hello-service --env test --package "$pkg" --emergency --category hotfix \
  --reason "test down" --as bob -o json
on_test=$(jq -r .id <<<"$OUT")
refused 1 "the policy lets nobody break glass on test: its emergency chain has no break_glass" \
  deploy "$on_test" --break-glass --reason "down" --as olga
ok release cancel "$on_test" --as bob
expect_eq "$(audit_count_of release.break_glass)" 0 "no glass was broken"
expect_eq "$(ledger_sql 'SELECT count(*) FROM deploys')" 0 "nothing was deployed"
ok release show "$r1" -o json --as ann
expect_eq "$(jq -r .status <<<"$OUT")" submitted "the emergency still waits"

# --- olga breaks the glass
ok deploy "$r1" --dry-run --break-glass --reason "payments down since 02:10" --as olga
expect_match "$OUT" "^dry run: break glass: release $r1 " "the dry run says the glass would break"
expect_eq "$(ledger_sql 'SELECT count(*) FROM break_glass')" 0 "a dry run breaks nothing"
ok deploy "$r1" --break-glass --reason "payments down since 02:10; lea unreachable" --as olga
expect_eq "$(readlink "$H/p1/hello-service/current")" "releases/1.4.2-$r1" "the emergency runs on prod"
ok release show "$r1" -o json --as ann
expect_eq "$(jq -r '[.status, .break_glass.by, .break_glass.reason, .break_glass.at,
  .break_glass.sign_by, .owes_signature, .waiting_for, (.may_approve | join(","))] | join("|")' <<<"$OUT")" \
  "deployed|olga|payments down since 02:10; lea unreachable|2026-11-24T18:10:00Z|2026-11-24T20:10:00Z|true|step 1 of 1: 1 approval by a leader of team payments|lea" \
  "deployed, its approval owed by lea within 2 hours"
ok release show "$r1" --as ann
expect_match "$OUT" "break glass by olga at 2026-11-24T18:10:00Z: payments down since 02:10; lea unreachable" \
  "release show says who broke the glass and why"
expect_match "$OUT" "^  owed by     2026-11-24T20:10:00Z$" "and by when the approval is owed"
expect_eq "$(ledger_sql "SELECT actor FROM audit WHERE action = 'release.break_glass'") $(ledger_sql \
  "SELECT payload FROM audit WHERE action = 'release.break_glass'" | jq -r .sign_by)" \
  "olga 2026-11-24T20:10:00Z" "the broken glass is audited with its deadline"
# The first was sent at once (to a webhook that is down: it is tried again later).
expect_eq "$(ledger_sql "SELECT event || ' ' || created_at || ' ' || attempts FROM notifications WHERE event LIKE 'signature%' AND attempts > 0")" \
  "signature_owed 2026-11-24T18:10:00Z 1" "a reminder at once"
expect_eq "$(ledger_sql "SELECT event || ' ' || next_attempt_at || ' ' || status FROM notifications WHERE event LIKE 'signature%' AND attempts = 0 ORDER BY id")" \
  "signature_owed 2026-11-24T19:10:00Z pending
signature_overdue 2026-11-24T20:10:00Z pending" "and reminders at half the time and at the deadline"
body=$(ledger_sql "SELECT body FROM notifications WHERE event = 'signature_owed' ORDER BY id LIMIT 1")
expect_eq "$(jq -r .title <<<"$body")" \
  "[EMERGENCY] Approvals owed: hello-service 1.4.2 to prod (release $r1)" "the reminder's title"
expect_match "$(jq -r .text <<<"$body")" "Deployed by break glass: olga at 2026-11-24T18:10:00Z: payments down since 02:10; lea unreachable" \
  "the reminder says who broke the glass"
expect_eq "$(jq -r '.may_approve | join(",")' <<<"$body")" lea "the reminder names who may sign"

ok release list --owing-signature -o json --as mia
expect_eq "$(jq -r '[.[].id] | join(",")' <<<"$OUT")" "$r1" "the release owing its signature is listed"
refused 1 "release $r1 was deployed by break glass, before its approvals: they are given, not refused; to undo it, roll it back" \
  release reject "$r1" --comment "should have waited" --as lea
ok release inbox -o json --as lea
expect_eq "$(jq -r '[.[].id] | join(",")' <<<"$OUT")" "$r1" "and is in lea's inbox"

# --- past the deadline: the team breaks no glass again, and the report counts it
cd "$hs" && sed -i 's|<version>1.4.2</version>|<version>1.4.3</version>|' pom.xml && commit_all 1.4.3
ok package --as bob -o json
export BEAVER_NOW=2026-11-25T05:00:00+08:00
ok release submit hello-service --env prod --package dist/hello-service-1.4.3.tar.gz --emergency \
  --category hotfix --reason "payments down again" --as bob -o json
r2=$(jq -r .id <<<"$OUT")
before=$(audit_count)
refused 1 "team payments owes the approvals of release $r1, deployed by break glass by olga on 2026-11-24T18:10:00Z and due by 2026-11-24T20:10:00Z; the team breaks no glass again until they are given" \
  deploy "$r2" --break-glass --reason "down again" --as olga
expect_eq "$(audit_count)" "$before" "the refusal changes nothing"
ok release show "$r1" -o json --as ann
expect_eq "$(jq -r .break_glass.overdue <<<"$OUT")" true "the signature is overdue"
ok report --since 2026-11-25 --until 2026-11-25 -o json --as mia
expect_eq "$(jq -c .break_glass <<<"$OUT")" \
  '{"deploys":1,"signed_in_time":0,"signed_late":0,"owing":0,"never_signed":1}' \
  "the report counts a break glass never signed by its deadline"
ok report --since 2026-11-25 --until 2026-11-25 --as mia
expect_match "$OUT" "deployed by break glass: 1 \(approvals given in time 0, late 0, still owed 0, never given by their deadline 1\)" \
  "the report's text says so"

# --- lea signs, late
ok release approve "$r1" --comment "checked the fix" --as lea
ok release show "$r1" -o json --as ann
expect_eq "$(jq -r '[.status, .owes_signature, .break_glass.signed_at, .break_glass.signed_late,
  .approvals[0].approver] | join("|")' <<<"$OUT")" \
  "deployed|false|2026-11-24T21:00:00Z|true|lea" "signed late; the release stays deployed"
expect_eq "$(ledger_sql "SELECT status FROM notifications WHERE event LIKE 'signature%' ORDER BY next_attempt_at")" \
  "cancelled
cancelled
cancelled" "once signed, no reminder is sent, even one already due"
refused 1 "release $r1 is deployed; only a submitted release is approved \(its break glass approvals are all given\)" \
  release approve "$r1" --as lea
ok release list --owing-signature -o json --as mia
expect_eq "$(jq 'length' <<<"$OUT")" 0 "nothing owes a signature now"
ok report --since 2026-11-25 --until 2026-11-25 -o json --as mia
expect_eq "$(jq -c .break_glass <<<"$OUT")" \
  '{"deploys":1,"signed_in_time":0,"signed_late":1,"owing":0,"never_signed":0}' "signed late"

# --- through the API: the second glass, signed in time, which cancels its reminders
ok token create olga --label api --as ann
olga_token=$OUT
ok token create lea --label api --as ann
lea_token=$OUT
start_server
http POST "/api/v1/releases/$r2/deploy" "$olga_token" '{"break_glass": 5}'
expect_status 400 "a reason that is not text"
expect_eq "$(jq -r .error.field <<<"$BODY")" break_glass "the error names the field"
http POST "/api/v1/releases/$r2/deploy" "$olga_token" '{"break_glass": ""}'
expect_status 400 "an empty reason"
http GET "/api/v1/releases?owing_signature=maybe" "$olga_token"
expect_status 400 "owing_signature is true or false"
http POST "/api/v1/releases/$r2/deploy" "$olga_token" '{"break_glass": "payments down again"}'
expect_status 202 "olga breaks the glass through the API"
deploy_id=$(jq -r .deploy_id <<<"$BODY")
for _ in $(seq 600); do
  http GET "/api/v1/deploys/$deploy_id" "$olga_token"
  [ "$(jq -r .status <<<"$BODY")" = running ] || break
  sleep 0.1
done
expect_eq "$(jq -r .status <<<"$BODY")" deployed "the second emergency is deployed"
http GET "/api/v1/releases?owing_signature=true" "$lea_token"
expect_eq "$(jq -r '[.[].id] | join(",")' <<<"$BODY")" "$r2" "the API lists what owes a signature"
http POST "/api/v1/releases/$r2/approve" "$lea_token" '{"comment": "fine"}'
expect_status 200 "lea signs within the time"
expect_eq "$(jq -r '[.owes_signature, .break_glass.signed_late] | join(" ")' <<<"$BODY")" \
  "false false" "signed in time"
stop_server
expect_eq "$(ledger_sql "SELECT event || ' ' || status FROM notifications WHERE release_id = $r2 AND event LIKE 'signature%' ORDER BY next_attempt_at")" \
  "signature_owed cancelled
signature_owed cancelled
signature_overdue cancelled" "a signature in time cancels the reminders still ahead"
expect_eq "$(ledger_sql "SELECT count(*) FROM notifications WHERE release_id = $r2 AND event = 'approved'")" 1 \
  "the signature is announced"
ok report --since 2026-11-25 --until 2026-11-25 -o json --as mia
expect_eq "$(jq -c .break_glass <<<"$OUT")" \
  '{"deploys":2,"signed_in_time":1,"signed_late":1,"owing":0,"never_signed":0}' "both counted"
finish
