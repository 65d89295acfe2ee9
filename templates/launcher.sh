#!/bin/sh
# bin/@SERVICE@ — starts, stops and reports on @SERVICE@ from the package this script sits in.
#
#   bin/@SERVICE@ start|stop|restart|status|run
#
# Template: `beaver package` copies this file to bin/<service> (mode 0755), replacing
#   @SERVICE@     the service name                           hello-service
#   @MAIN_JAR@    the main jar, relative to the package root lib/hello-service.jar
#   @MAIN_CLASS@  the Main-Class of that jar's manifest      com.example.hello.Main
# The main class is needed because the JVM runs with a classpath (main jar + lib/*.jar), and
# `java -jar` would ignore any classpath. A Spring Boot jar works too: its Main-Class is its
# JarLauncher.
#
# JVM options come from conf/jvm.options, one option per line, taken literally: no quoting or
# escaping, so an option may contain spaces or quotes. Blank lines and lines starting with '#'
# are skipped; leading and trailing blanks are trimmed. `beaver package` writes the file from
# beaver.yaml's jvm_options; it may be absent.
#
# conf/env, written by beaver's deploy on each host, holds how it started this release there
# (SERVER_PORT, BEAVER_SERVICE, BEAVER_RELEASE, BEAVER_ENV), one VAR=value per line as systemd's
# EnvironmentFile reads it. `start` and `run` export what it says over the environment, so a start
# by hand, or by systemd, comes up as the deploy started it. Blank lines and '#' lines are skipped.
#
# Environment:
#   SERVER_PORT   passed through to the service (conf/env sets it to the host's port)
#   JAVA_HOME     the JDK or JRE to use; else `java` on PATH
#   STOP_TIMEOUT  seconds `stop` waits after SIGTERM before SIGKILL (default 30)
#   START_CHECK   seconds `start` watches the JVM for an early exit (default 1; 0 when the caller
#                 checks health itself, as beaver's deploy does)
# The service gets BEAVER_MANIFEST=<root>/MANIFEST.json and runs with the package root as its
# working folder, so relative paths such as conf/application.properties work.
#
# The package root is the physical folder this script's bin/ is in, symlinks resolved: a deploy
# reaches it through <deploy_root>/<service>/current -> releases/<x>. The PID file
# (run/@SERVICE@.pid) and the log (logs/@SERVICE@.out) therefore belong to one release: stop the
# running release before `current` is switched to another, as beaver's deploy does.
#
# Exit codes: 0 done (stop of a stopped service included; status: running); 1 failed or refused
# (already running, no java, did not stop); 2 bad usage; 3 status: not running (LSB).
#
# POSIX sh only (checked with dash and `sh -n`): no bash on minimal hosts is required.

set -u

SERVICE='@SERVICE@'
MAIN_JAR='@MAIN_JAR@'
MAIN_CLASS='@MAIN_CLASS@'

die() {
  printf '%s: %s\n' "$SERVICE" "$*" >&2
  exit 1
}

# A launcher whose placeholders were never filled would start nothing sensible.
case "$SERVICE$MAIN_JAR$MAIN_CLASS" in
  *@*) die "this launcher is an unfilled template (placeholders still in it)" ;;
esac

# The physical package root. readlink without -f is the portable part (GNU, BusyBox, BSD); cd -P
# and pwd -P are POSIX and resolve any symlinked folder on the way.
self=$0
while [ -h "$self" ]; do
  link=$(readlink "$self") || die "cannot resolve the symlink $self"
  case "$link" in
    /*) self=$link ;;
    *) self=$(dirname -- "$self")/$link ;;
  esac
done
ROOT=$(cd -P -- "$(dirname -- "$self")/.." && pwd -P) || die "cannot find the package root"

PID_FILE=$ROOT/run/$SERVICE.pid
LOG_FILE=$ROOT/logs/$SERVICE.out
# Marks the JVM as this package's: a PID file whose pid now belongs to another process (pids are
# reused) must never lead to signalling that process.
MARKER=-Dbeaver.root=$ROOT

# Sleeping in fiftieths of a second where sleep allows it (GNU, BusyBox), so a stop is seen
# soon after the JVM exits; whole seconds otherwise. `sleep 0.0` tells which without waiting.
if sleep 0.0 2>/dev/null; then
  TICK=0.02 TICKS_PER_SECOND=50
else
  TICK=1 TICKS_PER_SECOND=1
fi

# alive PID: the process exists and is not a zombie (a zombie still answers kill -0, and the JVM
# is this script's own child until `start` returns).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  if [ -r "/proc/$1/stat" ]; then
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }  # the command name in parentheses may hold spaces
    [ "${stat%% *}" != Z ]
  elif command -v ps >/dev/null 2>&1; then
    case $(ps -o stat= -p "$1" 2>/dev/null) in
      Z*|'') return 1 ;;
    esac
  fi
}

# ours PID: alive and started by this package's launcher (its command line holds MARKER).
ours() {
  alive "$1" || return 1
  if [ -r "/proc/$1/cmdline" ]; then
    tr '\000' '\n' 2>/dev/null <"/proc/$1/cmdline" | grep -Fxq -e "$MARKER"
  elif command -v ps >/dev/null 2>&1; then
    ps -o args= -p "$1" 2>/dev/null | grep -Fq -e " $MARKER "
  fi
}

# Prints the pid of the running service and succeeds, or fails when it is not running.
running_pid() {
  [ -f "$PID_FILE" ] || return 1
  pid=$(cat "$PID_FILE" 2>/dev/null) || return 1
  case "$pid" in
    ''|*[!0-9]*) return 1 ;;
  esac
  ours "$pid" || return 1
  printf '%s\n' "$pid"
}

find_java() {
  if [ -n "${JAVA_HOME:-}" ]; then
    JAVA=$JAVA_HOME/bin/java
    [ -x "$JAVA" ] || die "JAVA_HOME is $JAVA_HOME but $JAVA is not an executable"
  else
    JAVA=$(command -v java) || die "java not found: install a JDK (17 or later) or set JAVA_HOME"
  fi
}

# launch exec|background: runs the JVM with this package's options, from the package root.
# The argument list is built in "$@", the only array POSIX sh has, so options keep their spaces.
launch() {
  mode=$1
  set -- "$MARKER" "-Dbeaver.service=$SERVICE"
  if [ -f "$ROOT/conf/jvm.options" ]; then
    while IFS=' 	' read -r option || [ -n "$option" ]; do
      case "$option" in
        ''|'#'*) ;;
        *) set -- "$@" "$option" ;;
      esac
    done <"$ROOT/conf/jvm.options"
  fi
  set -- "$@" -cp "$ROOT/$MAIN_JAR:$ROOT/lib/*" "$MAIN_CLASS"  # lib/* is the JVM's wildcard

  BEAVER_MANIFEST=$ROOT/MANIFEST.json
  export BEAVER_MANIFEST
  cd "$ROOT" || die "cannot enter $ROOT"
  if [ "$mode" = exec ]; then
    exec "$JAVA" "$@"
  fi
  # Detached from this shell's session where setsid exists, so the service outlives the ssh
  # session or process group that started it; nohup covers SIGHUP otherwise. stdin from
  # /dev/null and every output to the log, else `ssh host bin/x start` would hang on open pipes.
  if command -v setsid >/dev/null 2>&1; then
    setsid "$JAVA" "$@" </dev/null >>"$LOG_FILE" 2>&1 &
  else
    nohup "$JAVA" "$@" </dev/null >>"$LOG_FILE" 2>&1 &
  fi
  STARTED_PID=$!
}

# Exports conf/env's settings; a line that is not VAR=value is named and skipped.
load_facts() {
  [ -f "$ROOT/conf/env" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      '' | '#'*) continue ;;
    esac
    key=${line%%=*}
    case "$key" in
      "$line" | '' | [0-9]* | *[!A-Za-z0-9_]*)
        echo "$SERVICE: conf/env: skipping '$line' (not VAR=value)" >&2
        continue
        ;;
    esac
    export "$line"
  done <"$ROOT/conf/env"
}

write_pid_file() {
  mkdir -p "$ROOT/run" || die "cannot create $ROOT/run"
  # Written whole and renamed, so a reader never sees half a pid.
  { printf '%s\n' "$1" >"$PID_FILE.tmp" && mv -f "$PID_FILE.tmp" "$PID_FILE"; } ||
    die "cannot write $PID_FILE"
}

do_start() {
  check=${START_CHECK:-1}
  case "$check" in
    ''|*[!0-9]*) echo "$SERVICE: START_CHECK must be whole seconds, got '$check'" >&2; exit 2 ;;
  esac
  if pid=$(running_pid); then
    die "already running (pid $pid)"
  fi
  if [ -f "$PID_FILE" ]; then
    echo "$SERVICE: removing stale pid file $PID_FILE ($(cat "$PID_FILE" 2>/dev/null))"
    rm -f "$PID_FILE"
  fi
  find_java
  load_facts
  mkdir -p "$ROOT/logs" || die "cannot create $ROOT/logs"
  launch background
  write_pid_file "$STARTED_PID"
  # Returns only once the JVM runs in its own session: whoever ran this script (beaver, an ssh
  # session) may stop this script's process group as soon as it exits, and the background job
  # is in that group until setsid has run and exec'd java.
  ticks=$((5 * TICKS_PER_SECOND))
  while alive "$STARTED_PID" && ! ours "$STARTED_PID" && [ "$ticks" -gt 0 ]; do
    sleep "$TICK"
    ticks=$((ticks - 1))
  done
  # A JVM that cannot start (bad option, port taken, missing class) usually exits within a
  # second; saying so here beats a "started" followed by a failed health check.
  ticks=$((check * TICKS_PER_SECOND))
  while [ "$ticks" -gt 0 ]; do
    if ! alive "$STARTED_PID"; then
      rm -f "$PID_FILE"
      echo "$SERVICE: exited while starting; the end of $LOG_FILE:" >&2
      tail -n 20 "$LOG_FILE" >&2
      exit 1
    fi
    sleep "$TICK"
    ticks=$((ticks - 1))
  done
  echo "$SERVICE started (pid $STARTED_PID), log in $LOG_FILE"
}

do_stop() {
  timeout=${STOP_TIMEOUT:-30}
  case "$timeout" in
    ''|*[!0-9]*) echo "$SERVICE: STOP_TIMEOUT must be whole seconds, got '$timeout'" >&2; exit 2 ;;
  esac
  if ! pid=$(running_pid); then
    rm -f "$PID_FILE"
    echo "$SERVICE is not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null
  ticks=$((timeout * TICKS_PER_SECOND))
  while ours "$pid" && [ "$ticks" -gt 0 ]; do
    sleep "$TICK"
    ticks=$((ticks - 1))
  done
  if ours "$pid"; then
    echo "$SERVICE: still running ${timeout}s after SIGTERM; sending SIGKILL (pid $pid)" >&2
    kill -KILL "$pid" 2>/dev/null
    ticks=$((5 * TICKS_PER_SECOND))
    while ours "$pid" && [ "$ticks" -gt 0 ]; do
      sleep "$TICK"
      ticks=$((ticks - 1))
    done
    ours "$pid" && die "pid $pid survived SIGKILL"
  fi
  rm -f "$PID_FILE"
  echo "$SERVICE stopped (pid $pid)"
}

do_status() {
  if pid=$(running_pid); then
    echo "$SERVICE is running (pid $pid)"
    exit 0
  fi
  if [ -f "$PID_FILE" ]; then
    echo "$SERVICE is not running (stale pid file $PID_FILE)"
  else
    echo "$SERVICE is not running"
  fi
  exit 3
}

# Foreground for systemd (Type=simple): the shell becomes the JVM, so signals reach it directly.
# The PID file is written first (exec keeps the pid), so status and stop work here too.
do_run() {
  if pid=$(running_pid); then
    die "already running (pid $pid)"
  fi
  find_java
  load_facts
  mkdir -p "$ROOT/logs" || die "cannot create $ROOT/logs"
  write_pid_file "$$"
  launch exec
}

usage() {
  echo "usage: $0 start|stop|restart|status|run" >&2
  exit 2
}

[ $# -eq 1 ] || usage
case "$1" in
  start) do_start ;;
  stop) do_stop ;;
  restart) do_stop && do_start ;;
  status) do_status ;;
  run) do_run ;;
  *) usage ;;
esac
