#!/usr/bin/env bash
# The web pages in a real browser (Debian's chromium, driven by playwright-core): a leader opens a
# release's link while signed out, signs in with a password at phone size and lands on it,
# approves the pending emergency with a click, and the ledger holds the approval; a wrong password
# shows an error on the sign-in page, a second tab is signed in too, and signing out ends the
# session. Then someone in ops stops that release's
# deploy, run from another machine, with a click on its page, which follows the deploy to its
# end. A manager narrows the dashboard to a team on a phone and a desktop. The screenshots land in
# $BEAVER_SCREENSHOT_DIR. Skipped (77) when chromium, node or npm is missing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
export BEAVER_POLICY="$(dirname "$0")/server_policy.yaml"
browser_src=$(realpath "$(dirname "$0")/../browser")

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
for tool in node npm "$CHROMIUM"; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed (make deps installs it)"; exit 77; }
done
: "${BEAVER_BUILD_DIR:?the build folder (set by ctest)}"
: "${BEAVER_SCREENSHOT_DIR:=$BEAVER_BUILD_DIR/screenshots}"

# playwright-core goes into the build folder, not the source tree; npm ci only when the lock changed.
modules="$BEAVER_BUILD_DIR/browser"
mkdir -p "$modules"
cp "$browser_src/approve_emergency.mjs" "$browser_src/stop_deploy.mjs" \
  "$browser_src/dashboard_filter.mjs" "$browser_src/stand_in.mjs" "$browser_src/break_glass.mjs" \
  "$browser_src/alert_timeline.mjs" "$browser_src/harness.mjs" \
  "$modules/"
if ! cmp -s "$browser_src/package-lock.json" "$modules/package-lock.json" ||
  [ ! -f "$modules/node_modules/playwright-core/package.json" ]; then
  cp "$browser_src/package.json" "$browser_src/package-lock.json" "$modules/"
  if ! npm ci --prefix "$modules" --no-audit --no-fund >"$WORK/npm.out" 2>&1; then
    cat "$WORK/npm.out" >&2
    rm -f "$modules/package-lock.json"
    echo "skipped: npm ci could not install playwright-core (is the npm registry reachable?)"
    exit 77
  fi
fi

ok user add admin --team ops --role admin --as admin
ok user add lee --team pay --role leader --as admin
ok user add dev --team pay --role developer --as admin
ok user add olga --team ops --role ops --as admin
ok service add pay-api --team pay --as admin
reason="card payments declined since 09:40"
ok release submit pay-api --env prod --version 2.4.1 --commit 9f8e7d6 --emergency --category hotfix \
  --reason "$reason" --as dev -o json
id=$(jq -r .id <<<"$OUT")
ok release submit pay-api --env prod --version 2.5.0 --as dev
ok user passwd lee --password-stdin --as admin <<<"lee's long password"

start_server
set +e
BEAVER_URL=$URL BEAVER_USER=lee BEAVER_PASSWORD="lee's long password" RELEASE_ID=$id RELEASE_REASON=$reason \
  RELEASE_SUBMITTER=dev BEAVER_SCREENSHOT_DIR=$BEAVER_SCREENSHOT_DIR CHROMIUM=$CHROMIUM \
  node "$modules/approve_emergency.mjs" >"$WORK/node.out" 2>&1
node_rc=$?
set -e
cat "$WORK/node.out"
[ "$node_rc" -eq 0 ] || { RC=$node_rc OUT="" ERR=""; fail "the browser scenario"; }

expect_eq "$(ledger_sql "SELECT approver, comment FROM approvals WHERE release_id = $id")" \
  "lee|checked the fix with the payments team" "the ledger holds lee's approval and comment"
expect_eq "$(ledger_sql "SELECT status FROM releases WHERE id = $id")" approved \
  "the emergency is approved"
[ -s "$BEAVER_SCREENSHOT_DIR/inbox.png" ] || fail "no inbox screenshot in $BEAVER_SCREENSHOT_DIR"

# The approved emergency deploying from another machine, as that machine's beaver records it: the
# release deploying, its deploy running with a first step, the lease held by that process.
ledger_sql "UPDATE releases SET status = 'deploying' WHERE id = $id;
  INSERT INTO deploys (release_id, actor, status, batches, started_at)
    VALUES ($id, 'olga', 'running', '1,100%', '2026-11-24T02:40:00Z');" >/dev/null
deploy=$(ledger_sql "SELECT max(id) FROM deploys")
ledger_sql "INSERT INTO deploy_leases (service, env, deploy_id, actor, machine, pid, pid_start,
    acquired_at, expires_at)
    VALUES ('pay-api', 'prod', $deploy, 'olga', 'build-7', 4242, '1', '2026-11-24T02:40:00Z',
    '2099-01-01T00:00:00Z');
  INSERT INTO deploy_steps (deploy_id, host, batch, step, status, started_at, elapsed_ms, output)
    VALUES ($deploy, 'ssh://app-1.internal', 0, 'upload', 'ok', '2026-11-24T02:40:01Z', 812, '');" \
  >/dev/null
# What that process records once it read the stop on its lease: a last step, then its end; each a
# script the browser scenario runs in turn (the first notes what the lease says to the process).
ledger_script() {  # ledger_script FILE SQL...: a script running each SQL on this scenario's ledger
  local file=$1
  shift
  {
    echo "BEAVER_DATABASE='${BEAVER_DATABASE:-}' BEAVER_HOME='$BEAVER_HOME' PG_BIN='${PG_BIN:-}'"
    declare -f ledger_sql
    for sql in "$@"; do printf 'ledger_sql %q\n' "$sql"; done
  } >"$file"
}
ledger_script "$WORK/step.sh" \
  "SELECT coalesce(stop_requested_by, 'nobody') FROM deploy_leases WHERE deploy_id = $deploy" \
  "INSERT INTO deploy_steps (deploy_id, host, batch, step, status, started_at, elapsed_ms, output)
    VALUES ($deploy, 'ssh://app-1.internal', 0, 'switch', 'ok', '2026-11-24T02:40:03Z', 15, '')"
ledger_script "$WORK/end.sh" "UPDATE deploys SET status = 'interrupted',
    finished_at = '2026-11-24T02:40:09Z', message = 'stopped by olga between steps'
    WHERE id = $deploy" \
  "UPDATE releases SET status = 'interrupted' WHERE id = $id" \
  "DELETE FROM deploy_leases WHERE deploy_id = $deploy"
ok user passwd olga --password-stdin --as admin <<<"olga's long password"
node_rc=0
BEAVER_URL=$URL BEAVER_USER=olga BEAVER_PASSWORD="olga's long password" RELEASE_ID=$id DEPLOY_ID=$deploy \
  STEP_SCRIPT=$WORK/step.sh END_SCRIPT=$WORK/end.sh ASKED_BY_FILE=$WORK/asked-by \
  BEAVER_SCREENSHOT_DIR=$BEAVER_SCREENSHOT_DIR CHROMIUM=$CHROMIUM \
  node "$modules/stop_deploy.mjs" >"$WORK/node.out" 2>&1 || node_rc=$?
cat "$WORK/node.out"
[ "$node_rc" -eq 0 ] || { RC=$node_rc OUT="" ERR=""; fail "the browser scenario of a stopped deploy"; }
expect_eq "$(head -n 1 "$WORK/asked-by" 2>/dev/null || true)" olga \
  "the lease tells the deploying process who asked"
expect_eq "$(ledger_sql "SELECT actor FROM audit WHERE action = 'release.deploy_stop'")" olga \
  "the stop clicked is in the audit log"
expect_eq "$(ledger_sql "SELECT status FROM releases WHERE id = $id")" interrupted \
  "the release ended interrupted"

# The dashboard narrowed to a team, at phone and desktop size: another team's release first, so
# that the filter has something to leave out. pay: the emergency and 2.5.0; ops: 1.0.0.
ok user add oda --team ops --role developer --as admin
ok service add ops-tool --team ops --as admin
ok release submit ops-tool --env test --version 1.0.0 --as oda
node_rc=0
BEAVER_URL=$URL BEAVER_USER=lee BEAVER_PASSWORD="lee's long password" TEAM=pay ALL_RELEASES=3 TEAM_RELEASES=2 TEAM_EMERGENCIES=1 \
  BEAVER_SCREENSHOT_DIR=$BEAVER_SCREENSHOT_DIR CHROMIUM=$CHROMIUM \
  node "$modules/dashboard_filter.mjs" >"$WORK/node.out" 2>&1 || node_rc=$?
cat "$WORK/node.out"
[ "$node_rc" -eq 0 ] || { RC=$node_rc OUT="" ERR=""; fail "the dashboard in a browser"; }
[ -s "$BEAVER_SCREENSHOT_DIR/dashboard-phone.png" ] || fail "no dashboard screenshot"

# A stand-in: lee is away and lets leo, a leader of another team, approve for him.
ok user add leo --team core --role leader --as admin
ok user passwd leo --password-stdin --as admin <<<"leo's long password"
ok user delegate lee --to leo --until "$(date -u -d '+30 days' +%F)" --reason "on leave" --as lee
ok release submit pay-api --env prod --version 2.5.1 --emergency --category hotfix \
  --reason "refunds stuck" --as dev -o json
stand_in_id=$(jq -r .id <<<"$OUT")
node_rc=0
BEAVER_URL=$URL BEAVER_USER=leo BEAVER_PASSWORD="leo's long password" ABSENT=lee \
  RELEASE_ID=$stand_in_id BEAVER_SCREENSHOT_DIR=$BEAVER_SCREENSHOT_DIR CHROMIUM=$CHROMIUM \
  node "$modules/stand_in.mjs" >"$WORK/node.out" 2>&1 || node_rc=$?
cat "$WORK/node.out"
[ "$node_rc" -eq 0 ] || { RC=$node_rc OUT="" ERR=""; fail "the stand-in in a browser"; }
expect_eq "$(ledger_sql "SELECT approver, for_user FROM approvals WHERE release_id = $stand_in_id")" \
  "leo|lee" "the ledger holds leo's approval for lee"

# A broken glass: an emergency olga deployed three hours ago before lee approved it, as her
# beaver recorded it (break_glass.sh deploys one for real); its approval was owed an hour ago.
ok release submit pay-api --env prod --version 2.5.2 --emergency --category hotfix \
  --reason "card payments fail" --as dev -o json
glass_id=$(jq -r .id <<<"$OUT")
at=$(date -u -d '-3 hours' +%FT%TZ)
ledger_sql "UPDATE releases SET status = 'deployed', deployed_at = '$at' WHERE id = $glass_id;
  INSERT INTO break_glass (release_id, team, actor, reason, at, sign_by)
    VALUES ($glass_id, 'pay', 'olga', 'card payments fail; lee unreachable', '$at',
    '$(date -u -d '-1 hour' +%FT%TZ)');" >/dev/null
node_rc=0
BEAVER_URL=$URL BEAVER_USER=lee BEAVER_PASSWORD="lee's long password" BROKEN_BY=olga \
  RELEASE_ID=$glass_id BEAVER_SCREENSHOT_DIR=$BEAVER_SCREENSHOT_DIR CHROMIUM=$CHROMIUM \
  node "$modules/break_glass.mjs" >"$WORK/node.out" 2>&1 || node_rc=$?
cat "$WORK/node.out"
[ "$node_rc" -eq 0 ] || { RC=$node_rc OUT="" ERR=""; fail "a broken glass signed in a browser"; }
expect_eq "$(ledger_sql "SELECT approver, comment FROM approvals WHERE release_id = $glass_id")" \
  "lee|signed after the incident call" "the ledger holds lee's approval"
expect_eq "$(ledger_sql "SELECT status FROM releases WHERE id = $glass_id") $(ledger_sql \
  "SELECT count(*) FROM break_glass WHERE release_id = $glass_id AND signed_at > sign_by")" \
  "deployed 1" "signed late, the release still deployed"

# What fired after that deploy, as its run and monitoring's alerts are recorded (alerts.sh posts
# alerts through a real Alertmanager): the run ended, then an alert on its host, then resolved.
done_at=$(date -u -d '-170 minutes' +%FT%TZ)
ledger_sql "INSERT INTO deploys (release_id, actor, status, batches, started_at, finished_at)
    VALUES ($glass_id, 'olga', 'deployed', '100%', '$at', '$done_at');" >/dev/null
glass_deploy=$(ledger_sql "SELECT max(id) FROM deploys")
ledger_sql "INSERT INTO deploy_steps (deploy_id, host, batch, step, status, started_at, elapsed_ms, output)
    VALUES ($glass_deploy, 'ssh://deploy@app-1.internal/srv', 0, 'switch', 'ok', '$at', 12, '');
  INSERT INTO alerts (source, alert_key, name, severity, grade, status, service, env, host, summary,
    labels, fired_at, resolved_at, received_at, release_id, confidence)
    VALUES ('alertmanager', 'ab12@$done_at', 'HighLatency', 'critical', 'critical', 'resolved',
    'pay-api', 'prod', 'app-1.internal:9100', 'p99 above 2s', '{}',
    '$(date -u -d '-160 minutes' +%FT%TZ)', '$(date -u -d '-150 minutes' +%FT%TZ)',
    '$(date -u -d '-160 minutes' +%FT%TZ)', $glass_id, 'host');" >/dev/null
node_rc=0
BEAVER_URL=$URL BEAVER_USER=olga BEAVER_PASSWORD="olga's long password" RELEASE_ID=$glass_id \
  SERVICE=pay-api ENV=prod BEAVER_SCREENSHOT_DIR=$BEAVER_SCREENSHOT_DIR CHROMIUM=$CHROMIUM \
  node "$modules/alert_timeline.mjs" >"$WORK/node.out" 2>&1 || node_rc=$?
cat "$WORK/node.out"
[ "$node_rc" -eq 0 ] || { RC=$node_rc OUT="" ERR=""; fail "the alerts on a release's page"; }
stop_server
finish
