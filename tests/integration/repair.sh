#!/usr/bin/env bash
# A repair and the host's own facts, with the real packaged hello-service on three hosts (two
# local:, one ssh:// served by a real sshd on 127.0.0.1): a file edited by hand on one host is
# found by status, which suggests the repair; `deploy --repair` puts the package back there only,
# recorded as a repair run of the live release (CLI and API); the deploy writes conf/env and a
# filled systemd unit, so a restart by hand comes up on the host's port and the unit passes
# systemd-analyze verify; every wrong use of --repair is refused and changes nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
source "$(dirname "$0")/hosts_lib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
export BEAVER_POLICY="$(cd "$(dirname "$0")" && pwd)/policy.yaml" BEAVER_NOW=2026-11-24T10:30:00+08:00
for tool in java mvn curl /usr/sbin/sshd ssh ssh-keygen systemd-analyze; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

# Four free ports: the three hosts' services and sshd; and a real sshd on loopback.
free_ports 4
H=$WORK/hosts
mkdir -p "$H"
S=$WORK/sshd
start_sshd "$S" "${ports[3]}"

cleanup() {
  stop_server
  stop_services "$H"
  stop_sshd "$S"
  cleanup_work
}
trap cleanup EXIT

deploy_people

hs=$WORK/hello-service
hello_repo "$SOURCE_DIR" "$hs"
cat >>"$hs/beaver.yaml" <<YAML
environments:
  test:
    hosts:
      - {url: "local:$H/l1", port: ${ports[0]}}
      - {url: "local:$H/l2", port: ${ports[1]}}
      - {url: "ssh://$me@127.0.0.1:${ports[3]}$H/s1", port: ${ports[2]}}
YAML
cd "$hs" && commit_all "1.4.2"
ok package --as bob -o json
ok release submit hello-service --env test --package dist/hello-service-1.4.2.tar.gz --as bob -o json
r1=$(jq -r .id <<<"$OUT")
ok deploy "$r1" --as olga

# --- the host knows its facts
svc=$H/l2/hello-service
expect_eq "$(cat "$svc/current/conf/env")" "# How beaver's deploy started this release here; the launcher and the systemd unit read it.
SERVER_PORT=${ports[1]}
BEAVER_SERVICE=hello-service
BEAVER_RELEASE=$r1
BEAVER_ENV=test" "the deploy wrote conf/env"
expect_match "$(cat "$svc/hello-service.service")" "^ExecStart=$svc/current/bin/hello-service run$" \
  "the unit beside current runs current's launcher"
run_unit=$(cd "$svc" && systemd-analyze verify ./hello-service.service 2>&1) ||
  fail "systemd-analyze verify refuses the deployed unit: $run_unit"
# A restart by hand, with nothing in the environment saying where: it comes up on the host's port.
env -u SERVER_PORT "$svc/current/bin/hello-service" stop >/dev/null
env -u SERVER_PORT "$svc/current/bin/hello-service" start >/dev/null ||
  fail "a start by hand failed"
for _ in $(seq 200); do curl -sf "http://127.0.0.1:${ports[1]}/health" >/dev/null && break; sleep 0.1; done
expect_eq "$(curl -s "http://127.0.0.1:${ports[1]}/health" | jq -r .status)" "UP" \
  "a start by hand answers on the host's port"
ok status hello-service --env test -o json --as olga
expect_eq "$(jq -r '[.ok, .repair] | join(" ")' <<<"$OUT")" "true " \
  "conf/env is no drift, and nothing suggests a repair"

# --- a repair of one drifted host out of three
conf=$svc/current/conf/application.properties
echo "greeting=edited by hand" >>"$conf"
run status hello-service --env test --as olga
expect_eq "$RC" "1" "status exits 1 on drift"
expect_match "$ERR" "1 of 3 hosts drift or are down; to put the live release back where it drifts: beaver deploy $r1 --repair" \
  "status suggests the repair"

# Wrong uses change nothing.
before=$(audit_count)
refused 2 "a repair puts every drifted host back in one batch" deploy "$r1" --repair --batches 1 --as olga
refused 1 "only ops or an admin deploys" deploy "$r1" --repair --as bob
refused 1 "no release 999" deploy 999 --repair --as olga
expect_eq "$(audit_count)" "$before" "refused repairs record nothing"
grep -q "edited by hand" "$conf" || fail "a refused repair touched the host"

ok deploy "$r1" --repair --dry-run --as olga -o json
expect_eq "$(jq -r '[.repair, ([.hosts[].host] | join(","))] | join(" ")' <<<"$OUT")" \
  "true local:$H/l2" "the dry run plans the drifted host alone"

ok deploy "$r1" --repair --as olga -o json
expect_eq "$(jq -r '.status, ([.hosts[] | "\(.host) \(.outcome)"] | join(","))' <<<"$OUT" | paste -sd' ')" \
  "deployed local:$H/l2 deployed" "the repair touched the drifted host only"
grep -q "edited by hand" "$conf" && fail "the edited file is still there"
ok status hello-service --env test -o json --as olga
expect_eq "$(jq -r .ok <<<"$OUT")" "true" "no drift after the repair"
expect_eq "$(curl -s "http://127.0.0.1:${ports[1]}/health" | jq -r .status)" "UP" \
  "the repaired host answers"
ok release show "$r1" -o json --as olga
expect_eq "$(jq -r '[.status, (.deploy | length), .deploy[1].repair, .deploy[1].batches, ([.deploy[1].steps[].host] | unique | join(","))] | join(" ")' <<<"$OUT")" \
  "deployed 2 true repair local:$H/l2" "recorded as a repair run of the live release"
ok release show "$r1" --as olga
expect_match "$OUT" "  repair [0-9]+ +by olga .*batches repair: deployed" "release show names the repair"
expect_eq "$(ledger_sql "SELECT action FROM audit ORDER BY seq DESC LIMIT 1")" "release.repaired" \
  "the repair is in the audit log"
refused 1 "no host of hello-service on test drifts from release $r1: nothing to repair" \
  deploy "$r1" --repair --as olga

# --- through the API: a file of the ssh host edited by hand
echo "greeting=edited over ssh" >>"$H/s1/hello-service/current/conf/application.properties"
ok token create olga --as ann -o json
token=$(jq -r .text <<<"$OUT")
start_server
before=$(audit_count)
http POST "/api/v1/releases/$r1/deploy" "$token" '{"repair": "yes"}'
expect_status 400 "a repair flag that is not a boolean"
http POST "/api/v1/releases/$r1/deploy" "$token" '{"repair": true, "batches": "1"}'
expect_status 400 "a repair with batches"
expect_eq "$(audit_count)" "$before" "bad requests record nothing"
http POST "/api/v1/releases/$r1/deploy" "$token" '{"repair": true}'
expect_status 202 "a repair through the API starts"
deploy_id=$(jq -r .deploy_id <<<"$BODY")
for _ in $(seq 600); do
  http GET "/api/v1/deploys/$deploy_id" "$token"
  [ "$(jq -r .status <<<"$BODY")" != running ] && break
  sleep 0.1
done
expect_eq "$(jq -r .status <<<"$BODY")" "deployed" "the API's repair ended deployed"
grep -q "edited over ssh" "$H/s1/hello-service/current/conf/application.properties" &&
  fail "the ssh host's edited file is still there"
stop_server
ok status hello-service --env test -o json --as olga
expect_eq "$(jq -r .ok <<<"$OUT")" "true" "no drift after the API's repair"

finish
