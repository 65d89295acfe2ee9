#!/usr/bin/env bash
# The command line against a server prints what it prints on a local ledger: one story, run once
# with --as on a local ledger and once through `beaver serve` with each user's token; the two
# transcripts (stdout, stderr and exit code of every command) must be identical. The story
# includes a small Java service packaged, submitted with --package (uploaded to the server in
# remote mode), approved, deployed to local: hosts, rolled back and inspected with status, and the
# report in every format; that part is skipped when no JDK is installed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
# The local ledger's web address, as the policy says it; through the server, the server's own
# address is printed instead, which normalise() reads as this one.
export BEAVER_POLICY=$WORK/server_policy.yaml
cp "$(dirname "$0")/server_policy.yaml" "$BEAVER_POLICY"
echo 'notify_base_url: "http://beaver.test"' >>"$BEAVER_POLICY"
export BEAVER_NOW=2026-06-01T10:00:00Z
HAVE_JDK=yes
for tool in java javac jar; do command -v "$tool" >/dev/null || HAVE_JDK=""; done

declare -A TOKEN
MODE=local

# as USER ARGS...: runs beaver as USER in the current mode, appending to the transcript.
as() {
  local user=$1
  shift
  {
    echo "\$ beaver $*"
    set +e
    if [ "$MODE" = local ]; then
      "$BEAVER_BIN" --as "$user" "$@" 2>&1
    else
      BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[$user]} "$BEAVER_BIN" "$@" 2>&1
    fi
    echo "exit $?"
    set -e
  } >>"$WORK/transcript.$MODE"
}

# Tokens are made in both modes, so the two audit logs hold the same entries.
make_tokens() {
  for u in lee kim dev oli; do
    TOKEN[$u]=$("$BEAVER_BIN" token create "$u" --as root 2>/dev/null)
  done
}

story() {
  as root user add lee --team pay --role leader
  as root user add kim --team pay --role leader
  as root user add dev --team pay --role developer
  as root user add oli --team ops --role ops
  make_tokens
  as root service add pay-api --team pay
  as dev release submit pay-api --env prod --version 1.0.0 --commit abc1234
  as dev release submit pay-api --env prod --version 1.0.1 --emergency --category hotfix \
    --reason "card declines"
  as lee release inbox
  as lee release inbox -o json
  as lee release approve 1 --comment "looks right"
  as kim release approve 1
  as kim release approve 2 --comment go
  as lee release review 2 --notes "root cause: an expired certificate"
  as dev release submit pay-api --env test --version 1.0.2
  as dev release cancel 3 --comment "wrong build"
  as dev release show 1
  as dev release show 2 -o json
  as dev release list
  as dev release list -o csv --since 2026-05-01 --env prod
  as dev release list --type emergency -o json
  as dev user list
  as dev service list -o json
  as dev audit log
  as dev audit log -o json
  as dev audit verify
  # Refusals exit and say the same.
  as dev release approve 1
  as lee release approve 2
  as dev release show 999
  as dev release list --since 2026-13-01
  as dev release reject 1 --comment " "
  as dev user add eve --team pay --role admin
  as dev service add pay-api --team pay
  as dev policy check
  as dev policy show
  [ -z "$HAVE_JDK" ] || deploy_story
}

# greet: a plain-JDK service answering GET /health on SERVER_PORT, with a prod host (approvals
# needed) and a test host (none), each on its own free port below the range of outgoing ports.
SVC=$WORK/greet
HOSTS=$WORK/hosts
make_service() {
  local ports=() p=$((20000 + RANDOM % 12000))
  while [ "${#ports[@]}" -lt 2 ]; do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || ports+=("$p")
    p=$((p + 1))
  done
  mkdir -p "$SVC/src/demo" "$SVC/src/META-INF"
  cat >"$SVC/src/demo/Main.java" <<'JAVA'
package demo;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;

public class Main {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getenv().getOrDefault("SERVER_PORT", "8080"));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/health", x -> {
      byte[] body = "ok".getBytes();
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    server.start();
  }
}
JAVA
  printf 'Manifest-Version: 1.0\nMain-Class: demo.Main\n' >"$SVC/src/META-INF/MANIFEST.MF"
  printf 'build/\ndist/\n' >"$SVC/.gitignore"
  cat >"$SVC/beaver.yaml" <<YAML
service: greet
team: pay
pipeline: java-jdk
version: 1.0.0
jvm_options: [-Xms16m, -Xmx64m]
health: {port: ${ports[0]}, path: /health, timeout: 30s}
environments:
  prod:
    hosts: ["local:$HOSTS/p1"]
  test:
    hosts: [{url: "local:$HOSTS/t1", port: ${ports[1]}}]
YAML
  (cd "$SVC" && git init -q && git add -A && commit_all "greet 1.0.0" && git tag v1 &&
    sed -i 's/^version: 1.0.0/version: 1.1.0/' beaver.yaml && commit_all "greet 1.1.0" &&
    git tag v2)
}
# Committed the day before the story, so lead times read as they would.
commit_all() {
  GIT_AUTHOR_DATE=2026-05-31T10:00:00Z GIT_COMMITTER_DATE=2026-05-31T10:00:00Z \
    git -c user.email=ci@example.com -c user.name=ci commit -qam "$1"
}

# Stops what a run left on the hosts, so each mode starts from empty hosts.
clear_hosts() {
  local d
  for d in "$HOSTS"/*/greet; do
    [ -x "$d/current/bin/greet" ] && "$d/current/bin/greet" stop >/dev/null 2>&1
  done
  rm -rf "$HOSTS"
  mkdir -p "$HOSTS"
}

deploy_story() {
  clear_hosts
  cd "$SVC"
  git checkout -q v1
  as dev package
  as dev release submit greet --env prod --package dist/greet-1.0.0.tar.gz
  as lee release approve 4
  as kim release approve 4
  as dev deploy 4
  as oli deploy 4 --dry-run
  as oli deploy 4
  as oli status greet --env prod
  git checkout -q v2
  as dev package -o json
  as dev release submit greet --env prod --package dist/greet-1.1.0.tar.gz -o json
  as lee release approve 5
  as kim release approve 5
  as oli deploy 5 -o json
  # In prod a rollback waits for a leader; in test it needs nobody and is deployed at once.
  as oli rollback greet --env prod
  as lee release approve 6
  as oli deploy 6
  as oli status greet --env prod -o json
  as dev release submit greet --env test --package dist/greet-1.0.0.tar.gz
  as oli deploy 7
  as dev release submit greet --env test --package dist/greet-1.1.0.tar.gz
  as oli deploy 8
  as dev rollback greet --env test
  as oli rollback greet --env test
  as oli status greet --env test
  as oli deploy 6
  printf 'not a package\n' >dist/junk.tar.gz
  as dev release submit greet --env test --package dist/junk.tar.gz
  rm dist/junk.tar.gz
  as dev report --since 2026-05-01 --until 2026-06-30
  as dev report --since 2026-05-01 --until 2026-06-30 --by service -o csv
  as dev report --since 2026-05-01 --until 2026-06-30 -o html
  as dev report --since 2026-05-01 --until 2026-06-30 --by env -o json
  cd - >/dev/null
}

# What differs between two runs of the same story and is not the command line's doing: the wall
# clock and the durations of a deploy's steps (printed as they end), and of the build's steps;
# the address of the web pages (the policy's locally, the server's remotely).
normalise() {
  sed -E -e 's|http://127\.0\.0\.1:[0-9]+/releases/|http://beaver.test/releases/|g' \
    -e 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z (local:)/TIME \1/' \
    -e '/local:/s/[0-9]+\.[0-9]{2}s/N.NNs/g' \
    -e 's/(==> [a-z]+ done in )[0-9.]+s/\1N.Ns/' \
    -e 's/^(  [a-z]+ +)[0-9.]+s(  exit)/\1N.Ns\2/' "$1"
}

trap 'clear_hosts; cleanup_work' EXIT
[ -z "$HAVE_JDK" ] && echo "no JDK: the story runs without its package, deploy and rollback part"
[ -z "$HAVE_JDK" ] || make_service

# Local: the first user and their token, then the story.
"$BEAVER_BIN" user add root --team ops --role admin --as root >/dev/null
"$BEAVER_BIN" token create root --as root >/dev/null 2>&1
story

# Remote: a fresh ledger with the same first user, served.
export BEAVER_HOME="$WORK/served"
fresh_ledger served
"$BEAVER_BIN" user add root --team ops --role admin --as root >/dev/null
TOKEN[root]=$("$BEAVER_BIN" token create root --as root 2>/dev/null)
start_server
trap 'stop_server; clear_hosts; cleanup_work' EXIT
MODE=remote
story

normalise "$WORK/transcript.local" >"$WORK/local"
normalise "$WORK/transcript.remote" >"$WORK/remote"
if ! diff -u "$WORK/local" "$WORK/remote" >"$WORK/diff"; then
  RC=0 OUT=$(head -80 "$WORK/diff") ERR=""
  fail "the remote CLI printed something else than the local one"
fi
transcript=$(cat "$WORK/transcript.remote")
expect_match "$transcript" "release 1: pay-api 1.0.0 to prod, normal, approved" "the story ran"
expect_match "$transcript" "server_policy.yaml: valid; 2 environments \(prod, test\)" \
  "policy check reads the server's policy"
if [ -n "$HAVE_JDK" ]; then
  expect_eq "$(grep -c "^exit 0$" <<<"$transcript")" 53 "commands that succeed"
  expect_match "$transcript" "deploy 1 of release 4: deployed" "the first deploy"
  expect_match "$transcript" "release 6 submitted: a rollback of greet on prod to 1.0.0" \
    "a rollback waiting for its approval"
  expect_match "$transcript" "deploy 3 of release 6: deployed" "the approved rollback deployed"
  expect_match "$transcript" "release 9 approved: a rollback of greet on test to 1.0.0" \
    "a rollback approved on submit"
  expect_match "$transcript" "deploy 6 of release 9: deployed" "and deployed at once"
  expect_match "$transcript" "only ops or an admin deploys; dev is developer; a rollback on test" \
    "a developer's rollback that would deploy at once is refused"
  expect_match "$transcript" "<!DOCTYPE html>" "the HTML report"
  expect_match "$transcript" "$(printf '^\\(total\\),8,')" "the CSV report counts the releases"
  [ -s "$WORK/served/packages/$(sha256sum "$SVC/dist/greet-1.0.0.tar.gz" | cut -d' ' -f1).tar.gz" ] ||
    fail "the server keeps the uploaded package"
  [ -z "$(ls -A "$WORK/served/packages" | grep -v '\.tar\.gz$')" ] || fail "no upload left behind"
else
  expect_eq "$(grep -c "^exit 0$" <<<"$transcript")" 27 "commands that succeed"
fi

# Remote-only errors: one line, a clear exit.
BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[dev]} run release list --as dev
expect_eq "$RC" 2 "--as with a server"
BEAVER_SERVER=$URL BEAVER_TOKEN=bvr_1_nope run release list
expect_eq "$RC" 1 "a malformed token"
expect_match "$ERR" 'unknown or revoked token|not a beaver token' "says the token is wrong"
BEAVER_SERVER=$URL run release list
expect_match "$ERR" 'BEAVER_TOKEN is not set' "no token"
# What only the ledger's machine can do is refused in one line, and touches no local ledger.
for cmd in "dev seed --releases 5" "notify list" "notify send"; do
  # shellcheck disable=SC2086
  BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[root]} refused 2 \
    "'${cmd% --*}' works on the ledger of this machine only, not through a server" $cmd
done
BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[dev]} ok audit head
expect_eq "$OUT" "$("$BEAVER_BIN" audit head)" "audit head through the server"
stop_server
BEAVER_SERVER=$URL BEAVER_TOKEN=${TOKEN[dev]} run release list
expect_eq "$RC" 1 "a server that is down"
expect_match "$ERR" 'cannot reach the beaver server' "says the server cannot be reached"
finish
