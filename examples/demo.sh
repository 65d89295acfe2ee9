#!/usr/bin/env bash
# The main job end to end on the embedded database, narrated: a team's users and service, a
# normal release approved by a peer inside the window, an emergency at night approved by the
# team's leader (after the wrong people are refused), its review owed then written, and the
# audit chain verified, then broken by an edit behind beaver's back.
set -euo pipefail
BEAVER=${1:-build/beaver}
BEAVER=$(cd "$(dirname "$BEAVER")" && pwd)/$(basename "$BEAVER")
here=$(cd "$(dirname "$0")" && pwd)
export BEAVER_HOME=$(mktemp -d "${TMPDIR:-/tmp}/beaver-demo-XXXXXX")
export BEAVER_DATA_DIR=${BEAVER_DATA_DIR:-$(dirname "$here")}
trap 'rm -rf "$BEAVER_HOME"' EXIT
cp "$here/policy.yaml" "$BEAVER_HOME/policy.yaml"

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
say() { printf '\n%s# %s%s\n' "$bold" "$*" "$plain"; }
# Shows a command as a user would type it, then runs it; a refusal is part of the story.
beaver() {
  printf '$ %sbeaver' "${BEAVER_NOW:+BEAVER_NOW=$BEAVER_NOW }"
  printf ' %q' "$@"
  printf '\n'
  "$BEAVER" "$@" || printf '  (exit %s)\n' "$?"
}

say "The ledger lives in $BEAVER_HOME/beaver.db; the policy is examples/policy.yaml"
beaver policy check
export BEAVER_NOW=2026-11-24T10:30:00+08:00
say "An admin sets up the team (the first user of a ledger must be an admin)"
beaver user add ann --team platform --role admin --as ann
beaver user add bob --team payments --role developer --as ann
beaver user add dan --team payments --role developer --as ann
beaver user add lea --team payments --role leader --as ann
beaver user add leo --team core --role leader --as ann
beaver user add olga --team platform --role ops --as ann
beaver user list --as ann

say "bob packages hello-service (examples/hello-service, a real Maven project) from a clean commit"
service=$BEAVER_HOME/src/hello-service
mkdir -p "$(dirname "$service")" && cp -r "$here/hello-service" "$service" && rm -rf "$service/target" "$service/dist"
# Its test environment is one folder on this machine, on a free port.
port=$((20000 + RANDOM % 12000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
apps=$BEAVER_HOME/apps
trap '[ -x "$apps/hello-service/current/bin/hello-service" ] && "$apps/hello-service/current/bin/hello-service" stop >/dev/null; rm -rf "$BEAVER_HOME"' EXIT
sed -i "s|local:/tmp/beaver-apps\", port: 18080|local:$apps\", port: $port|" "$service/beaver.yaml"
git -C "$service" init -q && git -C "$service" add -A
git -C "$service" -c user.email=bob@example.com -c user.name=bob commit -qm "hello-service 1.4.2"
(cd "$service" && beaver validate && beaver package --as bob 2>"$BEAVER_HOME/build.out")
tail -n 3 "$BEAVER_HOME/build.out"
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

say "Every change is in the audit log, and its chain verifies"
beaver audit log --as ann
beaver audit verify
say "Someone edits an approval with sqlite3: verification names the entry"
seq=$(sqlite3 "$BEAVER_HOME/beaver.db" "SELECT seq FROM audit WHERE action = 'release.approve' ORDER BY seq DESC LIMIT 1")
printf '$ sqlite3 beaver.db "UPDATE audit SET actor = '"'leo'"' WHERE seq = %s"\n' "$seq"
sqlite3 "$BEAVER_HOME/beaver.db" "DROP TRIGGER audit_is_append_only_update;
  UPDATE audit SET actor = 'leo' WHERE seq = $seq;"
beaver audit verify
