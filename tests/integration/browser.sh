#!/usr/bin/env bash
# The web pages in a real browser (Debian's chromium, driven by playwright-core): a leader signs
# in at phone size, approves a pending emergency with a click, and the ledger holds the approval.
# A wrong token shows an error on the sign-in page. The screenshots land in
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
cp "$browser_src/approve_emergency.mjs" "$modules/"
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
ok service add pay-api --team pay --as admin
reason="card payments declined since 09:40"
ok release submit pay-api --env prod --version 2.4.1 --commit 9f8e7d6 --emergency --category hotfix \
  --reason "$reason" --as dev -o json
id=$(jq -r .id <<<"$OUT")
ok release submit pay-api --env prod --version 2.5.0 --as dev
ok token create lee --label browser --as admin
lee_token=$OUT

start_server
set +e
BEAVER_URL=$URL BEAVER_TOKEN=$lee_token RELEASE_ID=$id RELEASE_REASON=$reason \
  RELEASE_SUBMITTER=dev BEAVER_SCREENSHOT_DIR=$BEAVER_SCREENSHOT_DIR CHROMIUM=$CHROMIUM \
  node "$modules/approve_emergency.mjs" >"$WORK/node.out" 2>&1
node_rc=$?
set -e
cat "$WORK/node.out"
[ "$node_rc" -eq 0 ] || { RC=$node_rc OUT="" ERR=""; fail "the browser scenario"; }

expect_eq "$(ledger_sql "SELECT approver FROM approvals WHERE release_id = $id")" lee \
  "the ledger holds lee's approval"
expect_eq "$(ledger_sql "SELECT status FROM releases WHERE id = $id")" approved \
  "the emergency is approved"
[ -s "$BEAVER_SCREENSHOT_DIR/inbox.png" ] || fail "no inbox screenshot in $BEAVER_SCREENSHOT_DIR"
stop_server
finish
