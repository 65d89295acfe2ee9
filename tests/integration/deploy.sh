#!/usr/bin/env bash
# beaver deploy, rollback and status with the real packaged hello-service on three local: hosts
# and two ssh:// hosts served by a real sshd on 127.0.0.1: a deploy in batches, a version whose
# health check fails switched back everywhere, the refusals (unapproved, changed package, lease
# held, older release, a package escaping its folder), a deploy killed with SIGKILL whose lease is
# recovered, a rollback, and status catching a file edited on a host.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hosts_lib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
export BEAVER_POLICY="$(cd "$(dirname "$0")" && pwd)/policy.yaml" BEAVER_NOW=2026-11-24T10:30:00+08:00
for tool in java mvn curl /usr/sbin/sshd ssh ssh-keygen; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
db() { sqlite3 "$BEAVER_HOME/beaver.db" "$1"; }

# Six free ports: the five hosts' services and sshd; and a real sshd on loopback.
free_ports 6
H=$WORK/hosts
mkdir -p "$H"
S=$WORK/sshd
start_sshd "$S" "${ports[5]}"

cleanup() {
  [ -n "${KEEP_WORK:-}" ] || stop_services "$H"
  stop_sshd "$S"
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

deploy_people

# hello-service with five hosts for the test environment: three local, two over ssh.
hs=$WORK/hello-service
hello_repo "$SOURCE_DIR" "$hs"
cat >>"$hs/beaver.yaml" <<YAML
environments:
  test:
    keep: 2
    hosts:
      - {url: "local:$H/l1", port: ${ports[0]}}
      - {url: "local:$H/l2", port: ${ports[1]}}
      - {url: "local:$H/l3", port: ${ports[2]}}
      - {url: "ssh://$me@127.0.0.1:${ports[5]}$H/s1", port: ${ports[3]}}
      - {url: "ssh://$me@127.0.0.1:${ports[5]}$H/s2", port: ${ports[4]}}
  prod:
    hosts:
      - {url: "local:$H/p1", port: ${ports[0]}}
YAML
cd "$hs" && commit_all "1.4.2"
ok package --as bob -o json
sha1=$(printf '%s' "$OUT" | jq -r .sha256)
ok release submit hello-service --env test --package dist/hello-service-1.4.2.tar.gz --as bob -o json
r1=$(printf '%s' "$OUT" | jq -r .id)
expect_eq "$(printf '%s' "$OUT" | jq -r .status)" "approved" "test needs no approval"

# Only ops (or an admin) deploys.
refused 1 "only ops or an admin deploys" deploy "$r1" --as bob

# The dry run shows the plan and changes nothing.
before=$(audit_count)
ok deploy "$r1" --dry-run --batches 1,50%,100% --as olga
expect_match "$OUT" "batch 1:" "dry run lists batches"
expect_match "$OUT" "batch 3:" "dry run: 1, then half of five (3), then the rest"
expect_eq "$(audit_count)" "$before" "a dry run records nothing"
[ ! -e "$H/l1/hello-service/current" ] || fail "a dry run touched a host"

# The first deploy, canary first: every host runs 1.4.2 and answers.
ok deploy "$r1" --batches 1,50%,100% --as olga -o json
expect_eq "$(printf '%s' "$OUT" | jq -r .status)" "deployed" "first deploy"
expect_eq "$(printf '%s' "$OUT" | jq -r '[.hosts[].outcome] | unique | join(",")')" "deployed" \
  "every host deployed"
expect_eq "$(printf '%s' "$OUT" | jq -r '[.hosts[].batch] | join(",")')" "1,2,2,3,3" "batches"
for i in 0 1 2 3 4; do
  expect_eq "$(curl -s "http://127.0.0.1:${ports[$i]}/version" | jq -r .version)" "1.4.2" \
    "host $((i + 1)) answers 1.4.2"
done
expect_eq "$(readlink "$H/s1/hello-service/current")" "releases/1.4.2-$r1" "ssh host's current"
expect_eq "$(db "SELECT status FROM releases WHERE id = $r1")" "deployed" "release deployed"
ok release show "$r1" -o json --as olga
expect_eq "$(printf '%s' "$OUT" | jq -r '.deploy[0].steps | map(select(.step == "health" and .status == "ok")) | length')" \
  "5" "five health checks recorded"
ok status hello-service --env test -o json --as olga
expect_eq "$(printf '%s' "$OUT" | jq -r '[.hosts[] | .running and .healthy and (.drift | length == 0)] | all')" \
  "true" "status: all running, healthy, no drift"

# status notices a file edited on a host, and exits 1.
conf=$H/l2/hello-service/current/conf/application.properties
cp "$conf" "$WORK/conf.orig"
echo "greeting=edited by hand" >>"$conf"
run status hello-service --env test --as olga
[ "$RC" -eq 1 ] || fail "status exits 1 on drift"
expect_match "$OUT" "conf/application.properties was changed" "status names the edited file"
cp "$WORK/conf.orig" "$conf"

# 1.4.3 takes itself out of service and moves its health check to /ready, which it does not
# serve: its canary fails health, and is switched back, then checked where 1.4.2 answers.
sed -i 's|<version>1.4.2</version>|<version>1.4.3</version>|' pom.xml
sed -i 's|^maintenance=false|maintenance=true|' src/main/conf/application.properties
sed -i 's|path: /health,|path: /ready,|' beaver.yaml
commit_all "1.4.3"
ok package --as bob -o json
ok release submit hello-service --env test --package dist/hello-service-1.4.3.tar.gz --as bob -o json
r2=$(printf '%s' "$OUT" | jq -r .id)
# What an approver reads: what runs there now, the commits and the files that change.
ok release show "$r2" -o json --as olga
expect_eq "$(jq -r '"\(.live.release) \(.live.version) \(.live.deployed_by)"' <<<"$OUT")" \
  "$r1 1.4.2 olga" "the release names what runs on test now"
expect_eq "$(jq -r '.changes | "\(.direction) \(.complete) \([.commits[].subject] | join(","))"' \
  <<<"$OUT")" "forward true 1.4.3" "and the one commit it brings"
expect_eq "$(jq -r '[.changes.files[] | select(.change == "changed") | .path] |
  map(select(. == "beaver.yaml" or . == "conf/application.properties")) | join(" ")' <<<"$OUT")" \
  "beaver.yaml conf/application.properties" "and the files that differ"
expect_eq "$(jq -r '.changes.files[] | select(.path == "conf/application.properties") | .diff' \
  <<<"$OUT" | grep '^[-+]')" "-maintenance=false
+maintenance=true" "with the text diff of a configuration file"
expect_match "$(jq -r '.changes.files[] | select(.path == "beaver.yaml") | .diff' <<<"$OUT")" \
  "^@@ -[0-9]+,[0-9]+ \+[0-9]+,[0-9]+ @@" "the diff is in unified hunks"
expect_eq "$(jq -r '[.changes.files[] | select(.path | startswith("lib/")) | .diff] | unique | join(",")' \
  <<<"$OUT")" "" "a jar has no text diff"
ok release show "$r2" --as olga
expect_match "$OUT" "^  diff        conf/application.properties$" "release show prints the configuration's diff"
expect_match "$OUT" "^                -maintenance=false$" "with the line taken out"
expect_match "$OUT" "^                \+maintenance=true$" "and the line put in"
expect_match "$OUT" "  live        1\.4\.2 \(release $r1\), deployed .* by olga" "release show: live"
expect_match "$OUT" "  changes     1 commit since 1\.4\.2" "release show: changes"
BEAVER_ENV="" run deploy "$r2" --batches 1,100% --as olga
[ "$RC" -eq 1 ] || fail "a failed health check fails the deploy"
expect_match "$ERR" "ended rolled_back" "the release is rolled back"
expect_eq "$(db "SELECT status FROM releases WHERE id = $r2")" "rolled_back" "release 2 rolled_back"
expect_eq "$(readlink "$H/l1/hello-service/current")" "releases/1.4.2-$r1" "the canary is back"
expect_eq "$(curl -s "http://127.0.0.1:${ports[0]}/version" | jq -r .version)" "1.4.2" \
  "the canary answers 1.4.2 again"
expect_eq "$(readlink "$H/s2/hello-service/current")" "releases/1.4.2-$r1" \
  "later batches never started"
ok release show "$r2" -o json --as olga
health_steps=$(printf '%s' "$OUT" | jq -r '.deploy[0].steps[] | select(.step == "health") |
  "\(.status) \(.output)"')
expect_match "$(head -n 1 <<<"$health_steps")" "^failed GET http://[^ ]*:${ports[0]}/ready: " \
  "1.4.3 checked on its own path"
expect_match "$(tail -n 1 <<<"$health_steps")" "^ok GET http://[^ ]*:${ports[0]}/health: " \
  "the canary, switched back, checked on 1.4.2's path"

# Refusals: nothing changes.
ok release submit hello-service --env prod --package dist/hello-service-1.4.3.tar.gz --as bob -o json
r3=$(printf '%s' "$OUT" | jq -r .id)
before=$(audit_count)
refused 1 "release $r3 is not approved yet" deploy "$r3" --as olga
ok release submit hello-service --env test --package "$(ls "$BEAVER_HOME"/packages/$sha1.tar.gz)" --as bob -o json
r4=$(printf '%s' "$OUT" | jq -r .id)
cp "$BEAVER_HOME/packages/$sha1.tar.gz" "$WORK/kept"
printf 'x' >>"$BEAVER_HOME/packages/$sha1.tar.gz"
before=$(audit_count)
refused 1 "changed after packaging" deploy "$r4" --as olga
expect_eq "$(audit_count)" "$before" "a refused deploy records nothing"
cp "$WORK/kept" "$BEAVER_HOME/packages/$sha1.tar.gz"

# A deploy killed with SIGKILL mid-way: the lease it held names it to a second deploy, then is
# recovered once its process is gone; every host stays on a complete release.
ok release submit hello-service --env test --package dist/hello-service-1.4.3.tar.gz --as bob -o json
r5=$(printf '%s' "$OUT" | jq -r .id)
"$BEAVER_BIN" deploy "$r5" --as olga >"$WORK/killed.out" 2>&1 &
killed=$!
for _ in $(seq 300); do
  [ "$(db "SELECT count(*) FROM deploy_steps st JOIN deploys d ON d.id = st.deploy_id WHERE d.release_id = $r5 AND st.step = 'start'")" -ge 1 ] && break
  sleep 0.1
done
refused 1 "is being deployed by olga: deploy [0-9]+ \(pid $killed" deploy "$r4" --as olga
running=$(db "SELECT id FROM deploys WHERE release_id = $r5")
kill -KILL "$killed"
wait "$killed" 2>/dev/null || true
before=$(audit_count)
refused 1 "deploy $running no longer runs: its process $killed on .* is gone" deploy-stop \
  "$running" --as olga
expect_eq "$(audit_count)" "$before" "a stop refused records nothing"
for d in "$H"/l1 "$H"/l2 "$H"/l3 "$H"/s1 "$H"/s2; do
  target=$(readlink "$d/hello-service/current")
  [ -f "$d/hello-service/$target/MANIFEST.json" ] || fail "$d: current is not a complete release"
done
ok deploy "$r4" --as olga
expect_match "$ERR" "was interrupted .*its lease is taken over" "the dead deploy's lease is recovered"
expect_eq "$(db "SELECT status FROM releases WHERE id = $r5")" "interrupted" "the killed deploy's release"
# What ran before is replaced, its deploys kept; what runs now is the one live release.
ok release show "$r1" -o json --as olga
expect_eq "$(printf '%s' "$OUT" | jq -r '[.status, (.deploy | length)] | join(" ")')" "replaced 1" \
  "the release deployed over is replaced, its deploy kept"
ok release list --live --env test -o json --as olga
expect_eq "$(printf '%s' "$OUT" | jq -r '[.[].id] | join(",")')" "$r4" "the live release of test"
ok status hello-service --env test --as olga
expect_match "$OUT" "the ledger's live release is $r4 \(1.4.2\)" "status names the live release"
for i in 0 1 2 3 4; do
  expect_eq "$(curl -s "http://127.0.0.1:${ports[$i]}/health" | jq -r .status)" "UP" \
    "host $((i + 1)) healthy after recovery"
done

# An older release cannot overwrite a newer one, except as a rollback.
ok release submit hello-service --env test --package "$WORK/kept" --as bob -o json
r6=$(printf '%s' "$OUT" | jq -r .id)
refused 1 "release $r1 is replaced; only an approved release is deployed" deploy "$r1" --as olga

# A third version, then a rollback to the one before it.
sed -i 's|<version>1.4.3</version>|<version>1.4.4</version>|' pom.xml
sed -i 's|^maintenance=true|maintenance=false|' src/main/conf/application.properties
sed -i 's|path: /ready,|path: /health,|' beaver.yaml
commit_all "1.4.4"
ok package --as bob -o json
# The package says which service it is; a SERVICE given must be that one.
refused 1 "dist/hello-service-1.4.4.tar.gz is a package of hello-service, not of billing" \
  release submit billing --env test --package dist/hello-service-1.4.4.tar.gz --as bob
ok release submit --env test --package dist/hello-service-1.4.4.tar.gz --as bob -o json
r7=$(printf '%s' "$OUT" | jq -r .id)
expect_eq "$(printf '%s' "$OUT" | jq -r '[.service, .version] | join(" ")')" \
  "hello-service 1.4.4" "a package alone names its service and version"
# This one goes through the server: 202 once the deploy holds its lease, the deploy on the
# server's own executor, its steps on the release's page as they happen.
source "$SOURCE_DIR/tests/integration/server_lib.sh"
start_server
trap 'stop_server; cleanup' EXIT
olga_token=$("$BEAVER_BIN" token create olga --as ann 2>/dev/null)
bob_token=$("$BEAVER_BIN" token create bob --as ann 2>/dev/null)
http POST "/api/v1/releases/$r7/deploy" "$bob_token" '{}'
expect_status 403 "a developer deploys nothing through the API"
http POST "/api/v1/releases/$r7/deploy" "$olga_token" '{"parallel":"ten"}'
expect_status 400 "a wrong type"
# wait_deployed: until release $r7 is no longer deploying; its page in BODY.
wait_deployed() {
  for _ in $(seq 600); do
    http GET "/api/v1/releases/$r7" "$olga_token"
    [ "$(jq -r .status <<<"$BODY")" = deploying ] || break
    sleep 0.1
  done
}
# Stopped through the API as soon as it started: the canary batch ends (seen through, or never
# switched), the next batch never starts, and the release is interrupted.
http POST "/api/v1/releases/$r7/deploy" "$olga_token" '{"batches":"1,100%","parallel":2}'
expect_status 202 "a deploy through the API"
stopped_id=$(jq -r .deploy_id <<<"$BODY")
http POST "/api/v1/deploys/$stopped_id/stop" "$bob_token"
expect_status 403 "a developer stops no deploy"
http POST "/api/v1/deploys/$stopped_id/stop" "$olga_token"
expect_status 202 "a deploy stopped through the API"
expect_eq "$(jq -r .id <<<"$BODY")" "$stopped_id" "the answer is the deploy"
wait_deployed
expect_eq "$(jq -r .status <<<"$BODY")" interrupted "the stopped deploy's release is interrupted"
expect_eq "$(db "SELECT message FROM deploys WHERE id = $stopped_id")" \
  "stopped by olga between steps" "the deploy says who stopped it through the API"
expect_eq "$(readlink "$H/s2/hello-service/current")" "releases/1.4.2-$r4" \
  "the stopped deploy's last batch never started"
expect_eq "$(db "SELECT actor || ' ' || subject FROM audit WHERE action = 'release.deploy_stop'")" \
  "olga release/$r7" "the stop is in the audit log"
http POST "/api/v1/deploys/$stopped_id/stop" "$olga_token"
expect_status 409 "a deploy that ended is not stopped again"
BEAVER_SERVER=$URL BEAVER_TOKEN=$olga_token refused 1 \
  "deploy $stopped_id has ended \(interrupted\): nothing to stop" deploy-stop "$stopped_id"
# Deployed again, whole.
http POST "/api/v1/releases/$r7/deploy" "$olga_token" '{"batches":"1,100%","parallel":2}'
expect_status 202 "a deploy through the API"
expect_eq "$(jq -r .release_id <<<"$BODY")" "$r7" "the answer names the release"
deploy_id=$(jq -r .deploy_id <<<"$BODY")
wait_deployed
expect_eq "$(jq -r .status <<<"$BODY")" deployed "the API's deploy ended deployed"
expect_eq "$(jq -r ".deploy[-1].id" <<<"$BODY")" "$deploy_id" "the deploy the API started"
expect_eq "$(jq "[.deploy[-1].steps[] | select(.step == \"health\" and .status == \"ok\")] | length" <<<"$BODY")" 5 \
  "every host's health step recorded"
stop_server
trap cleanup EXIT
expect_eq "$(curl -s "http://127.0.0.1:${ports[3]}/version" | jq -r .version)" "1.4.4" "1.4.4 live"
refused 1 "older than release $r7 \(1.4.4\), live on test; an older version goes back only as a rollback" \
  deploy "$r6" --as olga
# A rollback whose deploy cannot start is recorded all the same, and the command says which
# release it recorded and how to deploy it once the cause is gone.
mv "$BEAVER_HOME/packages" "$WORK/packages.aside"
refused 1 "release [0-9]+ is not deployed: the package of release [0-9]+ .* is not in .*; deploy it with 'beaver deploy [0-9]+'" \
  rollback hello-service --env test --as olga
expect_match "$OUT" "release [0-9]+ approved: a rollback of hello-service on test to 1.4.2" \
  "the rollback release is told"
rb=$(db "SELECT max(id) FROM releases")  # the rollback release
mv "$WORK/packages.aside" "$BEAVER_HOME/packages"
# Asked again, it is the same rollback: the open one is named, not a second one made.
refused 1 "release $rb already puts hello-service 1.4.2 on test \(approved by olga\)" \
  rollback hello-service --env test --as olga
ok deploy "$rb" --as olga
expect_eq "$(curl -s "http://127.0.0.1:${ports[4]}/version" | jq -r .version)" "1.4.2" "1.4.2 back"
expect_eq "$(db "SELECT status FROM releases WHERE id = $r7")" "rolled_back" "1.4.4 is rolled back"
expect_eq "$(db "SELECT type || ' ' || status FROM releases ORDER BY id DESC LIMIT 1")" \
  "rollback deployed" "the rollback release"
refused 1 "never deployed on test" rollback hello-service --env test --to 9.9.9 --as olga
# Ctrl-C stops between steps: the canary batch finishes, the next never starts, and the release is
# interrupted with every host on a complete release.
ok release submit hello-service --env test --package dist/hello-service-1.4.4.tar.gz --as bob -o json
r8=$(printf '%s' "$OUT" | jq -r .id)
"$BEAVER_BIN" deploy "$r8" --batches 1,100% --as olga >"$WORK/int.out" 2>"$WORK/int.err" &
int=$!
# The progress line of the canary's start, printed as it ends; its health check (a JVM booting)
# leaves time for the signal to land before the next batch.
for _ in $(seq 600); do
  grep -q "hosts/l1 start ok" "$WORK/int.err" && break
  sleep 0.02
done
kill -INT "$int"
set +e; wait "$int"; rc=$?; set -e
expect_eq "$rc" "1" "an interrupted deploy exits 1"
expect_eq "$(db "SELECT status FROM releases WHERE id = $r8")" "interrupted" "the release is interrupted"
expect_eq "$(readlink "$H/l1/hello-service/current")" "releases/1.4.4-$r8" "the canary finished"
expect_eq "$(readlink "$H/s2/hello-service/current")" "releases/1.4.2-$rb" \
  "the last batch never started"
run status hello-service --env test --as olga
expect_eq "$RC" "1" "status: the canary differs from the live release"
expect_match "$OUT" "runs release $r8 \(1.4.4\), but the ledger's live release is" "status says which"
# Stopped from another process: the request waits on the deploy's lease, which the deploying
# process reads every second and before each batch. Asked while the deploy is frozen (SIGSTOP, as
# soon as it says it started, at a moment it holds no write lock) in its first batches (the
# canary, then l2, l3 and s1 one at a time, a second or more), the deploy sees the hosts it
# switched through and starts no other: it ends interrupted, the last batch never started.
"$BEAVER_BIN" deploy "$r8" --batches 1,4,100% --parallel 1 --as olga >"$WORK/asked.out" \
  2>"$WORK/asked.err" &
asked=$!
for _ in $(seq 600); do
  grep -q "^deploy [0-9]*: release $r8 " "$WORK/asked.err" && break
  sleep 0.01
done
for _ in $(seq 100); do
  kill -STOP "$asked"
  sqlite3 -cmd ".timeout 0" "$BEAVER_HOME/beaver.db" "BEGIN IMMEDIATE; ROLLBACK" 2>/dev/null && break
  kill -CONT "$asked"
  sleep 0.01
done
running=$(db "SELECT id FROM deploys WHERE release_id = $r8 AND status = 'running'")
refused 1 "only ops or an admin" deploy-stop "$running" --as bob
ok deploy-stop "$running" --as olga
expect_match "$OUT" "deploy $running of release $r8 \(hello-service 1.4.4 on test\) asked to stop" \
  "deploy-stop says what it asked"
expect_eq "$(db "SELECT actor FROM audit WHERE action = 'release.deploy_stop' ORDER BY seq DESC LIMIT 1")" \
  olga "the stop from another process is in the audit log"
kill -CONT "$asked"
set +e; wait "$asked"; rc=$?; set -e
expect_eq "$rc" "1" "a deploy stopped from another process exits 1"
expect_match "$(cat "$WORK/asked.err")" "stopped by olga between steps" "the deploy says who stopped it"
expect_eq "$(db "SELECT status || ': ' || message FROM deploys WHERE id = $running")" \
  "interrupted: stopped by olga between steps" "the deploy record says who stopped it"
expect_eq "$(readlink "$H/s2/hello-service/current")" "releases/1.4.2-$rb" \
  "the batch after the stop never started"
for d in "$H"/l1 "$H"/l2 "$H"/l3 "$H"/s1 "$H"/s2; do
  target=$(readlink "$d/hello-service/current")
  [ -f "$d/hello-service/$target/MANIFEST.json" ] || fail "$d: current is not a complete release"
done
refused 1 "deploy $running has ended \(interrupted\): nothing to stop" deploy-stop "$running" \
  --as olga
ok deploy "$r8" --as olga
expect_eq "$(curl -s "http://127.0.0.1:${ports[4]}/version" | jq -r .version)" "1.4.4" \
  "an interrupted release is deployed again"

ls "$H/l1/hello-service/releases" >"$WORK/kept-releases"
expect_eq "$(wc -l <"$WORK/kept-releases")" "2" "keep: 2 releases kept on a host"

# A package with a member escaping its folder is refused whole, and nothing is written.
mkdir -p "$WORK/evil/pkg" && echo pwned >"$WORK/evil/pkg/x"
for member in "../escaped" "/tmp/beaver-escaped-$$"; do
  tar -czf "$WORK/evil.tar.gz" -P -C "$WORK/evil/pkg" --transform "s|^x\$|$member|" x
  esha=$(sha256sum "$WORK/evil.tar.gz" | cut -d' ' -f1)
  mkdir -p "$BEAVER_HOME/packages" && cp "$WORK/evil.tar.gz" "$BEAVER_HOME/packages/$esha.tar.gz"
  db "INSERT INTO packages (sha256, service, version, file_name, size, git_commit, commit_time,
        allow_dirty, builder, registered_at, manifest_json)
      VALUES ('$esha', 'hello-service', '9.0.0', 'evil.tar.gz', 1, 'abcdef1', '2026-11-24T00:00:00Z',
        0, 'bob', '2026-11-24T00:00:00Z', '{}');
      INSERT INTO releases (service, env, version, package_sha256, type, status, submitter,
        submitted_at, approved_at) VALUES ('hello-service', 'test', '9.0.0', '$esha', 'normal',
        'approved', 'bob', '2026-11-24T02:30:00Z', '2026-11-24T02:30:00Z');"
  evil=$(db "SELECT max(id) FROM releases")
  refused 1 "would escape its folder|absolute" deploy "$evil" --as olga
done
[ ! -e "$H/l1/hello-service/escaped" ] && [ ! -e "$H/l1/escaped" ] && [ ! -e "/tmp/beaver-escaped-$$" ] ||
  fail "an escaping member was written"

# Names with shell metacharacters never reach a host.
sed -i "s|local:$H/l1|local:$H/l1;touch\${IFS}$WORK/pwned|" beaver.yaml
# The error points at the ';' itself: line 14, after '      - {url: "local:' and the path.
refused 2 "beaver.yaml:14:$((16 + 9 + ${#H})): '.*': ';' is not allowed in the deploy root" validate
[ ! -e "$WORK/pwned" ] || fail "a host name ran a command"
git checkout -q beaver.yaml

ok audit verify
finish
