#!/usr/bin/env bash
# The package launcher (templates/launcher.sh) on a real JVM: hello-service built offline with
# Maven, a package folder assembled by hand as `beaver package` lays it out, reached through a
# `current` symlink as a deploy does. start, health and version over HTTP, status, a refused
# second start, a graceful stop, SIGKILL after STOP_TIMEOUT, and stale PID files (a dead pid, and
# a live pid that is not the service and must not be signalled).
# Exits 77 (skipped) when mvn or java is missing. The beaver binary ($1) is not used.

for tool in mvn java; do
  if ! command -v "$tool" >/dev/null; then
    echo "skipped: '$tool' is not installed (the launcher test builds hello-service with Maven)"
    exit 77
  fi
done
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
unset SERVER_PORT SERVER_ADDRESS STOP_TIMEOUT

# The JVMs this test started and its own child standing in for a stranger: the EXIT trap kills
# those still alive, by pid. A JVM only while its command line still names this test's package
# (a pid freed earlier may be someone else's now); the child cannot be reused before it is reaped.
started_pids=()
STRANGER=
MARKER=-Dbeaver.root=unset-yet
cleanup() {
  local pid
  for pid in "${started_pids[@]}"; do
    if tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | grep -qx -- "$MARKER"; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  if [ -n "$STRANGER" ]; then
    kill "$STRANGER" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Build in a copy: the source tree never gets a target/ folder.
cp -r "$SOURCE_DIR/examples/hello-service" "$WORK/src"
rm -rf "$WORK/src/target"
if ! (cd "$WORK/src" &&
      mvn -B -o -s settings-offline.xml -Dstyle.color=never clean package >"$WORK/mvn.log" 2>&1); then
  tail -n 40 "$WORK/mvn.log" >&2
  echo "FAIL: the offline Maven build of hello-service" >&2
  exit 1
fi

# The package as `beaver package` lays it out, in a release folder behind a `current` symlink.
APPS=$WORK/apps/hello-service
PKG=$APPS/releases/1.4.2-1
mkdir -p "$PKG/bin" "$PKG/lib" "$PKG/conf" "$PKG/logs"
sed -e 's|@SERVICE@|hello-service|g' -e 's|@MAIN_JAR@|lib/hello-service.jar|g' \
    -e 's|@MAIN_CLASS@|com.example.hello.Main|g' \
    "$SOURCE_DIR/templates/launcher.sh" >"$PKG/bin/hello-service"
chmod 755 "$PKG/bin/hello-service"
cp "$WORK/src/target/hello-service.jar" "$PKG/lib/"
cp "$WORK/src/src/main/conf/application.properties" "$PKG/conf/"
# One option per line, taken literally: the one with a space must reach the JVM as one argument.
printf '%s\n' '# from beaver.yaml' -Xms32m -Xmx128m '' '-Dhello.note=two words' \
  >"$PKG/conf/jvm.options"
cat >"$PKG/MANIFEST.json" <<'EOF'
{"service": "hello-service", "version": "1.4.2",
 "git": {"commit": "abc1234", "branch": "main"},
 "files": {"lib/hello-service.jar": "not checked here"}}
EOF
ln -s releases/1.4.2-1 "$APPS/current"
LAUNCHER=$APPS/current/bin/hello-service
PID_FILE=$PKG/run/hello-service.pid  # the physical root: proves the symlink was resolved
# The launcher marks its JVM with the physical package root.
MARKER=-Dbeaver.root=$(cd -P "$PKG" && pwd)

# Runs the launcher like lib.sh's run runs beaver: $OUT, $ERR, $RC.
launch() {
  set +e
  "$LAUNCHER" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
  # Only a successful start or run makes a pid ours to kill at exit; a pid planted in the pid
  # file by a check below may belong to anyone by then.
  if [[ $1 == start || $1 == run ]] && [ "$RC" -eq 0 ] && [ -f "$PID_FILE" ]; then
    started_pids+=("$(cat "$PID_FILE")")
  fi
}

# A port nothing on 127.0.0.1 listens on: bash's /dev/tcp connects when something does.
free_port() {
  local port
  for ((port = 20000 + RANDOM % 12000; port < 65000; port++)); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free port found" >&2
  exit 1
}

# wait_for_health: polls GET /health until it answers or 30 s have passed.
wait_for_health() {
  local deadline=$((SECONDS + 30))
  until curl -fsS --max-time 2 "http://127.0.0.1:$PORT/health" >"$WORK/health" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      RC=0 OUT=$(tail -n 20 "$PKG/logs/hello-service.out" 2>/dev/null) ERR=""
      fail "no answer on /health within 30 s (log tail in stdout)"
      return 1
    fi
    sleep 0.1
  done
}

# gone PID: the process has exited (a zombie counts as exited).
gone() {
  ! kill -0 "$1" 2>/dev/null || grep -q '^[^)]*) Z' "/proc/$1/stat" 2>/dev/null
}

PORT=$(free_port)
export SERVER_PORT=$PORT

# A first start through the symlink.
launch start
expect_eq "$RC" 0 "exit code of start"
expect_match "$OUT" "^hello-service started \(pid [0-9]+\)" "start's message"
[ -f "$PID_FILE" ] || fail "no pid file at $PID_FILE"
PID=$(cat "$PID_FILE")
expect_eq "$(tr '\0' '\n' <"/proc/$PID/cmdline" | grep -cx -- '-Dhello.note=two words')" 1 \
  "the jvm.options line with a space reaches the JVM as one argument"
expect_eq "$(tr '\0' '\n' <"/proc/$PID/cmdline" | grep -x -- '-Dbeaver.root=.*')" "$MARKER" \
  "the package root the launcher found"

wait_for_health
expect_eq "$(cat "$WORK/health")" '{"status":"UP"}' "GET /health"
VERSION=$(curl -fsS --max-time 5 "http://127.0.0.1:$PORT/version")
expect_eq "$(jq -r .version <<<"$VERSION")" 1.4.2 "version from MANIFEST.json"
expect_eq "$(jq -r .commit <<<"$VERSION")" abc1234 "commit from MANIFEST.json"
expect_eq "$(curl -fsS --max-time 5 "http://127.0.0.1:$PORT/" | jq -r .message)" \
  "Hello from hello-service" "greeting from conf/application.properties"

launch status
expect_eq "$RC" 0 "status exit code while running"
expect_eq "$OUT" "hello-service is running (pid $PID)" "status while running"

launch start
expect_eq "$RC" 1 "exit code of a second start"
expect_eq "$ERR" "hello-service: already running (pid $PID)" "second start refused"
expect_eq "$(cat "$PID_FILE")" "$PID" "the pid file after a refused start"

# A graceful stop: SIGTERM runs the service's shutdown hook.
launch stop
expect_eq "$RC" 0 "exit code of stop"
expect_eq "$OUT" "hello-service stopped (pid $PID)" "stop's message"
gone "$PID" || fail "pid $PID still alive after stop"
[ ! -e "$PID_FILE" ] || fail "pid file left after stop"
grep -q '^hello-service: stopped$' "$PKG/logs/hello-service.out" ||
  fail "the shutdown hook did not run on SIGTERM"

launch status
expect_eq "$RC" 3 "status exit code when stopped"
expect_eq "$OUT" "hello-service is not running" "status when stopped"
launch stop
expect_eq "$RC" 0 "stop when already stopped"

# A stale pid file holding a dead pid: start removes it and starts.
bash -c 'exit 0' &
DEAD=$!
wait "$DEAD"
mkdir -p "$PKG/run"
echo "$DEAD" >"$PID_FILE"
launch status
expect_eq "$RC" 3 "status with a stale pid file"
launch start
expect_eq "$RC" 0 "start over a stale pid file"
expect_match "$OUT" "removing stale pid file .*\($DEAD\)" "stale pid file reported"
PID=$(cat "$PID_FILE")
[ "$PID" != "$DEAD" ] || fail "the stale pid is still in the pid file"
wait_for_health

# A JVM that does not answer SIGTERM (stopped with SIGSTOP) is killed after STOP_TIMEOUT.
kill -STOP "$PID"
STOP_TIMEOUT=1 launch stop
expect_eq "$RC" 0 "exit code of a stop that needs SIGKILL"
expect_match "$ERR" "still running 1s after SIGTERM; sending SIGKILL \(pid $PID\)" \
  "SIGKILL announced"
gone "$PID" || fail "pid $PID alive after SIGKILL"

# A pid file naming a live process that is not this service (a reused pid): never signalled.
sleep 60 &
STRANGER=$!
echo "$STRANGER" >"$PID_FILE"
launch status
expect_eq "$RC" 3 "status when the pid file names another process"
launch stop
expect_eq "$RC" 0 "stop when the pid file names another process"
kill -0 "$STRANGER" 2>/dev/null || fail "stop signalled a process that is not the service"

finish
