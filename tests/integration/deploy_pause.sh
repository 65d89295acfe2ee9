#!/usr/bin/env bash
# Batches with a pause, and a production deploy confirmed on a terminal, with the real packaged
# hello-service on local hosts: a version whose beaver.yaml pauses between batches is stopped by
# hand on its canary during the pause, so the deploy rolls every moved host back and the next
# batch never starts; a deploy to prod started on a terminal (a real pty) asks, and "n" changes
# nothing while "y" deploys; a script's deploy is not asked; a bad pause is refused with where it
# is.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hosts_lib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
export BEAVER_POLICY="$(cd "$(dirname "$0")" && pwd)/policy.yaml" BEAVER_NOW=2026-11-24T10:30:00+08:00
for tool in java mvn curl script; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
free_ports 4
H=$WORK/hosts
cleanup() {
  stop_services "$H"
  cleanup_work
}
trap cleanup EXIT

deploy_people

hs=$WORK/hello-service
hello_repo "$SOURCE_DIR" "$hs"
cat >>"$hs/beaver.yaml" <<YAML
environments:
  test:
    batches: [1, 100%]
    hosts:
      - {url: "local:$H/t1", port: ${ports[0]}}
      - {url: "local:$H/t2", port: ${ports[1]}}
      - {url: "local:$H/t3", port: ${ports[2]}}
  prod:
    hosts:
      - {url: "local:$H/p1", port: ${ports[3]}}
YAML
cd "$hs" && commit_all "1.4.2"
# version V: the repository at version V (pom.xml's, from $current), committed, packaged and
# submitted to test; the release's id in $id.
current=1.4.2
version() {
  sed -i "s|<version>$current</version>|<version>$1</version>|" pom.xml
  current=$1
  commit_all "$1"
  ok package --as bob -o json
  ok release submit hello-service --env test --package "dist/hello-service-$1.tar.gz" --as bob -o json
  id=$(jq -r .id <<<"$OUT")
}


# A pause that is not a duration, or longer than an hour, is refused where it is.
cp beaver.yaml "$WORK/beaver.yaml.good"
sed -i 's|    batches: \[1, 100%\]|    batches: [1, 100%]\n    pause: 2h|' beaver.yaml
refused 2 "beaver.yaml:13:12: pause 2h is longer than 1h" validate
sed -i 's|    pause: 2h|    pause: soon|' beaver.yaml
refused 2 "beaver.yaml:13:12: " validate
cp "$WORK/beaver.yaml.good" beaver.yaml

version 1.4.2
r1=$id
ok deploy "$r1" --as olga

# 1.4.3 pauses 30s between its batches; its canary is stopped by hand during the pause.
sed -i 's|    batches: \[1, 100%\]|    batches: [1, 100%]\n    pause: 30s|' beaver.yaml
version 1.4.3
r2=$id
ok deploy "$r2" --dry-run --as olga
expect_match "$OUT" "batches 1,100%, a pause of 30s between them" "the dry run names the pause"
"$BEAVER_BIN" deploy "$r2" --as olga -o json >"$WORK/paused.out" 2>"$WORK/paused.err" &
deploying=$!
for _ in $(seq 600); do
  [ "$(ledger_sql "SELECT count(*) FROM deploy_events WHERE note LIKE 'pausing 30s before batch 2%'")" = 1 ] && break
  sleep 0.1
done
expect_eq "$(readlink "$H/t1/hello-service/current")" "releases/1.4.3-$r2" "the canary moved before the pause"
"$H/t1/hello-service/current/bin/hello-service" stop >/dev/null
set +e
wait "$deploying"
RC=$?
set -e
expect_eq "$RC" "1" "a deploy whose canary failed during the pause exits 1"
OUT=$(cat "$WORK/paused.out")
expect_eq "$(jq -r .status <<<"$OUT")" "rolled_back" "the deploy is rolled back"
expect_eq "$(jq -r '[.hosts[] | "\(.batch):\(.outcome)"] | join(",")' <<<"$OUT")" \
  "1:failed,2:not_started,2:not_started" "the canary failed, the next batch never started"
expect_match "$(jq -r '.hosts[0].note' <<<"$OUT")" "^unhealthy during the pause: .*; switched back$" \
  "the canary's note says why"
for h in t1 t2 t3; do
  expect_eq "$(readlink "$H/$h/hello-service/current")" "releases/1.4.2-$r1" "$h runs 1.4.2"
done
expect_eq "$(curl -s "http://127.0.0.1:${ports[0]}/version" | jq -r .version)" "1.4.2" \
  "the canary answers 1.4.2 again"
expect_eq "$(ledger_sql "SELECT status FROM releases WHERE id = $r2")" "rolled_back" "release 2 rolled back"
ok release show "$r2" -o json --as olga
expect_match "$(jq -r '.deploy[0].steps[] | select(.step == "pause") | "\(.status) \(.output)"' <<<"$OUT")" \
  "^failed GET http://[^ ]+:${ports[0]}/health: .* during the pause before batch 2$" \
  "the failed pause check is recorded"

# A pause the hosts get through: every moved host records it, and the deploy goes on.
sed -i 's|    pause: 30s|    pause: 1s|' beaver.yaml
version 1.4.4
r3=$id
ok deploy "$r3" --as olga
ok release show "$r3" -o json --as olga
expect_match "$(jq -r '.deploy[0].steps[] | select(.step == "pause") | "\(.host) \(.status) \(.output)"' <<<"$OUT")" \
  "^local:$H/t1 ok healthy through the pause before batch 2 \([0-9]+ checks?\)$" \
  "the canary got through the pause"

# --- a production deploy on a terminal asks first
# on_terminal ANSWER ARGS...: beaver ARGS on a real pty, ANSWER typed; its output in $TTY, its
# exit code in $RC.
on_terminal() {
  local answer=$1
  shift
  set +e
  printf '%s\n' "$answer" | script -qec "$BEAVER_BIN $*" /dev/null >"$WORK/tty.out" 2>&1
  RC=$?
  set -e
  TTY=$(cat "$WORK/tty.out")
}
prod_release() {
  ok release submit hello-service --env prod --package dist/hello-service-1.4.4.tar.gz --as bob -o json
  id=$(jq -r .id <<<"$OUT")
  ok release approve "$id" --as dan
}
prod_release
before=$(audit_count)
on_terminal n deploy "$id" --as olga
expect_eq "$RC" "1" "answering n refuses the deploy"
expect_match "$TTY" "deploy release $id \(hello-service 1.4.4\) on prod\? \[y/N\]" \
  "the question names the release and the environment"
expect_match "$TTY" "not confirmed; nothing changed" "the refusal says so"
expect_eq "$(audit_count)" "$before" "a deploy not confirmed records nothing"
[ ! -e "$H/p1/hello-service/current" ] || fail "a deploy not confirmed touched the host"
on_terminal "" deploy "$id" --yes --as olga
expect_eq "$RC" "0" "--yes deploys on a terminal"
grep -q "\[y/N\]" <<<"$TTY" && fail "--yes asked all the same"
expect_eq "$(ledger_sql "SELECT status FROM releases WHERE id = $id")" "deployed" "deployed with --yes"
prod_release
on_terminal y deploy "$id" --as olga
expect_eq "$RC" "0" "answering y deploys"
expect_eq "$(ledger_sql "SELECT status FROM releases WHERE id = $id")" "deployed" "deployed once confirmed"
# A script (stdin no terminal) is not asked.
prod_release
ok deploy "$id" --as olga </dev/null
grep -q "\[y/N\]" <<<"$ERR" && fail "a deploy off a terminal asked"
expect_eq "$(ledger_sql "SELECT status FROM releases WHERE id = $id")" "deployed" "deployed off a terminal"

finish
