#!/usr/bin/env bash
# The main job end to end on the embedded database, narrated: a team's users and service, a
# normal release approved by a peer inside the window, an emergency at night approved by the
# team's leader (after the wrong people are refused), its review owed then written, the
# notifications the team and its leader received, and the audit chain verified, then broken by an
# edit behind beaver's back. Everything it starts (two notification receivers, the service) runs
# on free loopback ports of its own and is stopped at the end.
set -euo pipefail
BEAVER=${1:-build/beaver}
BEAVER=$(cd "$(dirname "$BEAVER")" && pwd)/$(basename "$BEAVER")
here=$(cd "$(dirname "$0")" && pwd)
receivers=$(dirname "$here")/tools/notify_receivers.py
if ! command -v python3 >/dev/null; then
  echo "demo.sh: python3 runs the demo's notification receivers; tools/install-deps installs it" >&2
  exit 1
fi
export BEAVER_HOME=$(mktemp -d "${TMPDIR:-/tmp}/beaver-demo-XXXXXX")
export BEAVER_DATA_DIR=${BEAVER_DATA_DIR:-$(dirname "$here")}
apps=$BEAVER_HOME/apps
receiver_pids=()
cleanup() {
  if [ -x "$apps/hello-service/current/bin/hello-service" ]; then
    "$apps/hello-service/current/bin/hello-service" stop >/dev/null || true
  fi
  for pid in "${receiver_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${receiver_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$BEAVER_HOME"
}
trap cleanup EXIT

# A free loopback port not taken by an earlier call.
taken=" "
free_port() {
  local p
  while p=$(python3 "$receivers" free-port) && [[ $taken == *" $p "* ]]; do :; done
  taken+="$p "
  echo "$p"
}
# start_receiver KIND PORT LOG: starts it and waits until it listens.
start_receiver() {
  python3 "$receivers" "$@" &
  receiver_pids+=($!)
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "demo.sh: the $1 receiver did not start on port $2" >&2
  exit 1
}

# The example policy's channels point at 127.0.0.1:9000 and :2525; the demo's copy points at its
# own receivers instead, so nothing reaches whatever listens there on this machine.
hook_port=$(free_port) smtp_port=$(free_port)
start_receiver http "$hook_port" "$BEAVER_HOME/webhook.jsonl"
start_receiver smtp "$smtp_port" "$BEAVER_HOME/mail.jsonl"
sed -e "s|127.0.0.1:9000|127.0.0.1:$hook_port|" -e "s|127.0.0.1:2525|127.0.0.1:$smtp_port|" \
  "$here/policy.yaml" >"$BEAVER_HOME/policy.yaml"
if grep -Eq '127\.0\.0\.1:(9000|2525)' "$BEAVER_HOME/policy.yaml"; then
  echo "demo.sh: the policy copy still points at 127.0.0.1:9000 or :2525" >&2
  exit 1
fi

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
say() { printf '\n%s# %s%s\n' "$bold" "$*" "$plain"; }
# Shows a command as a user would type it, then runs it; a refusal is part of the story.
beaver() {
  printf '$ %sbeaver' "${BEAVER_NOW:+BEAVER_NOW=$BEAVER_NOW }"
  printf ' %q' "$@"
  printf '\n'
  "$BEAVER" "$@" || printf '  (exit %s)\n' "$?"
}

say "The ledger lives in $BEAVER_HOME/beaver.db; the policy is examples/policy.yaml, its"
printf '# notifications going to receivers started for the demo: a webhook on port %s, mail on %s\n' \
  "$hook_port" "$smtp_port"
beaver policy check
export BEAVER_NOW=2026-11-24T10:30:00+08:00
say "An admin sets up the team (the first user of a ledger must be an admin)"
beaver user add ann --team platform --role admin --as ann
beaver user add bob --team payments --role developer --as ann
beaver user add dan --team payments --role developer --as ann
beaver user add lea --team payments --role leader --email lea@example.com --as ann
beaver user add leo --team core --role leader --as ann
beaver user add olga --team platform --role ops --as ann
beaver user list --as ann

say "bob packages hello-service (examples/hello-service, a real Maven project) from a clean commit"
service=$BEAVER_HOME/src/hello-service
mkdir -p "$(dirname "$service")" && cp -r "$here/hello-service" "$service" && rm -rf "$service/target" "$service/dist"
# Its test environment is one folder on this machine, on a free port.
port=$((20000 + RANDOM % 12000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
sed -i "s|local:/tmp/beaver-apps\", port: 18080|local:$apps\", port: $port|" "$service/beaver.yaml"
git -C "$service" init -q && git -C "$service" add -A
git -C "$service" -c user.email=bob@example.com -c user.name=bob commit -qm "hello-service 1.4.2"
(cd "$service" && beaver validate && beaver package --as bob 2>"$BEAVER_HOME/build.out")
tail -n 3 "$service/dist/build.log"
tar -tzvf "$service/dist/hello-service-1.4.2.tar.gz"

say "olga (ops) deploys it to the test environment: a folder on this machine, health-checked"
beaver release submit hello-service --env test --package "$service/dist/hello-service-1.4.2.tar.gz" --as bob
beaver deploy 1 --dry-run --as olga
beaver deploy 1 --as olga
printf '$ curl http://127.0.0.1:%s/version\n' "$port"
curl -s "http://127.0.0.1:$port/version"
echo
beaver status hello-service --env test --as olga
say "Someone edits a file on the host: status shows the drift"
echo "greeting=changed by hand" >>"$apps/hello-service/current/conf/application.properties"
beaver status hello-service --env test --as olga

say "Tuesday 10:30 in Shanghai, inside the prod window: bob submits the package, dan approves"
beaver release submit hello-service --env prod --package "$service/dist/hello-service-1.4.2.tar.gz" --as bob
beaver release approve 2 --as bob
beaver release approve 2 --comment "diff reviewed" --as dan

export BEAVER_NOW=2026-11-24T23:30:00+08:00
say "23:30 the same night: a normal release is refused, the emergency path is taken"
beaver release submit hello-service --env prod --version 1.4.3 --as bob
beaver release submit hello-service --env prod --version 1.4.3 --emergency --category hotfix \
  --reason "payment callbacks fail since 22:10" --as bob
say "Only a leader of the payments team may approve it"
beaver release approve 3 --as bob
beaver release approve 3 --as leo
beaver release approve 3 --comment "go" --as lea

export BEAVER_NOW=2026-11-27T23:31:00+08:00
say "Three days later the emergency owes its post-release review"
beaver release list --owing-review --as ann
beaver release review 3 --notes "callback timeout raised; alert added" --as lea
beaver release list --as ann

say "What the team's chat channel (the webhook) and the leaders (mail) received"
python3 "$receivers" show "$BEAVER_HOME/webhook.jsonl" "$BEAVER_HOME/mail.jsonl"

say "Every change is in the audit log, and its chain verifies"
beaver audit log --as ann
beaver audit verify
say "Someone edits an approval with sqlite3: verification names the entry"
seq=$(sqlite3 "$BEAVER_HOME/beaver.db" "SELECT seq FROM audit WHERE action = 'release.approve' ORDER BY seq DESC LIMIT 1")
printf '$ sqlite3 beaver.db "UPDATE audit SET actor = '"'leo'"' WHERE seq = %s"\n' "$seq"
sqlite3 "$BEAVER_HOME/beaver.db" "DROP TRIGGER audit_is_append_only_update;
  UPDATE audit SET actor = 'leo' WHERE seq = $seq;"
beaver audit verify
