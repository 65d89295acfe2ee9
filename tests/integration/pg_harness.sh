#!/usr/bin/env bash
# The PostgreSQL harness (tests/pg/pg_harness.sh) on a real server: it starts in the test's folder
# on a loopback port with fsync on, lets the beaver role in with its password only, comes back on
# the same port with its committed data after a crash (SIGKILL of every process) and after an
# immediate shutdown, and stops leaving no process, listener, socket or shared memory behind.
# Skipped (77) when PostgreSQL is not installed. The beaver binary ($1) is not used.
source "$(dirname "$0")/../pg/pg_harness.sh"
if ! reason=$(pg_available); then
  echo "skipped: $reason"
  exit 77
fi
source "$(dirname "$0")/lib.sh"

# sql URL QUERY: psql without prompting, quiet, unaligned; stdout in $OUT, stderr in $ERR, exit in $RC.
sql() {
  set +e
  "$PG_BIN/psql" -X -q -w -At -v ON_ERROR_STOP=1 "$1" -c "$2" </dev/null >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
}

# answers URL QUERY EXPECTED WHAT: the query succeeds and prints EXPECTED.
answers() {
  sql "$1" "$2"
  if [ "$RC" -ne 0 ] || [ "$OUT" != "$3" ]; then fail "$4: expected '$3'"; fi
}

# denied URL PATTERN WHAT: psql cannot connect to URL, saying so on stderr.
denied() {
  sql "$1" 'select 1'
  [ "$RC" -ne 0 ] || fail "$3: connected"
  grep -Eq -- "$2" <<<"$ERR" || fail "$3: stderr does not match /$2/"
}

# listening PORT: something accepts TCP connections on 127.0.0.1:PORT.
listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# gone PID...: none of the processes is still running (a zombie counts as gone).
gone() {
  local pid
  for pid in "$@"; do
    ! _pg_alive "$pid" || return 1
  done
}

# The server's shared memory: its SysV segment id and its /dev/shm segments.
shared_memory() {
  local pid
  sed -n 7p "$PG_DATA/postmaster.pid" | awk '{print "sysv " $2}'
  for pid in $(pg_pids); do
    grep -o '/dev/shm/PostgreSQL\.[0-9]*' "/proc/$pid/maps" || true
  done | sort -u
}
# shared_memory_gone LIST: none of the segments in LIST (from shared_memory) exists any more.
shared_memory_gone() {
  local kind id
  while read -r kind id; do
    case $kind in
      sysv) ipcs -m | awk -v id="$id" '$2 == id { found = 1 } END { exit found }' || return 1 ;;
      *) [ ! -e "$kind" ] || return 1 ;;
    esac
  done <<<"$1"
}

seconds_since() {
  printf '%.2f' "$(bc <<<"$EPOCHREALTIME - $1")"
}

RC=0 OUT="" ERR=""
t=$EPOCHREALTIME
pg_start "$WORK"
echo "pg_start: $(seconds_since "$t") s (initdb, start, role and database)"
port=$PG_PORT
expect_match "$PG_PORT" '^[0-9]+$' "PG_PORT"
[ "$PG_PORT" != 5432 ] || fail "the server took the system cluster's port 5432"
expect_eq "$PG_URL" "postgresql://beaver:beaver-test@127.0.0.1:$PG_PORT/beaver" "PG_URL"
expect_eq "$PG_DATA" "$(realpath "$WORK")/pg/data" "PG_DATA is under the test's folder"
_pg_alive "$PG_PID" || fail "PG_PID $PG_PID is not running"
expect_eq "$(sed -n 1p "$PG_DATA/postmaster.pid")" "$PG_PID" "PG_PID is the postmaster"
if [ "$(id -u)" -eq 0 ]; then
  expect_eq "$(stat -c %U "/proc/$PG_PID")" postgres "as root, the server runs as"
fi
[ -S "$PG_SOCKET_DIR/.s.PGSQL.$PG_PORT" ] || fail "no socket in $PG_SOCKET_DIR"
[[ $(trap -p EXIT) == *pg_stop*cleanup_work* ]] || fail "the EXIT trap does not stop the server first"

answers "$PG_URL" 'select 1' 1 "select 1 as beaver"
answers "$PG_URL" 'select current_user || current_database()' beaverbeaver "role and database"
answers "$PG_ADMIN_URL" 'show data_directory' "$PG_DATA" "our own data folder, not the system's"
answers "$PG_URL" 'show listen_addresses' 127.0.0.1 "listen_addresses"
answers "$PG_URL" 'show fsync' on "fsync"
answers "$PG_URL" 'show max_connections' 100 "max_connections"
answers "$PG_ADMIN_URL" "select rolpassword like 'SCRAM-SHA-256\$%' from pg_authid where rolname = 'beaver'" \
  t "the beaver role's password is kept as SCRAM"
denied "postgresql://beaver:wrong@127.0.0.1:$PG_PORT/beaver" \
  'password authentication failed for user "beaver"' "a wrong password"
denied "postgresql://beaver@127.0.0.1:$PG_PORT/beaver" 'no password supplied' "no password"
denied "postgresql://beaver@/beaver?host=$PG_SOCKET_DIR&port=$PG_PORT" 'no password supplied' \
  "no password, on the socket"

# A committed row survives a crash; the server comes back on the same port.
answers "$PG_URL" "create table t (v text); insert into t values ('before the crash') returning v" \
  'before the crash' "a committed row"
old_pids=$(pg_pids)
old_memory=$(shared_memory)
lines=$(wc -l <"$PG_LOG")
t=$EPOCHREALTIME
pg_kill
echo "pg_kill: $(seconds_since "$t") s"
expect_eq "${PG_PID:-}" "" "PG_PID while the server is down"
# shellcheck disable=SC2086
gone $old_pids || fail "a process of the killed server is still running: $old_pids"
! listening "$port" || fail "something still listens on $port after pg_kill"
shared_memory_gone "$old_memory" || fail "the killed server's shared memory is left: $old_memory"
denied "$PG_URL" 'Connection refused' "the server is down"
t=$EPOCHREALTIME
pg_resume
echo "pg_resume after SIGKILL: $(seconds_since "$t") s (crash recovery)"
expect_eq "$PG_PORT" "$port" "the port after pg_resume"
answers "$PG_URL" 'select v from t' 'before the crash' "the committed row after the crash"
expect_match "$(tail -n +$((lines + 1)) "$PG_LOG")" 'not properly shut down; automatic recovery' \
  "crash recovery"

old_pid=$PG_PID
t=$EPOCHREALTIME
pg_restart QUIT
echo "pg_restart QUIT: $(seconds_since "$t") s"
expect_eq "$PG_PORT" "$port" "the port after pg_restart QUIT"
[ "$PG_PID" != "$old_pid" ] || fail "pg_restart kept pid $old_pid"
gone "$old_pid" || fail "the postmaster before pg_restart ($old_pid) is still running"
answers "$PG_URL" "insert into t values ('after'); select count(*) from t" 2 \
  "writes after pg_restart"

old_pids=$(pg_pids)
old_memory=$(shared_memory)
t=$EPOCHREALTIME
pg_stop
echo "pg_stop: $(seconds_since "$t") s"
expect_eq "${PG_PID:-}" "" "PG_PID after pg_stop"
# shellcheck disable=SC2086
gone $old_pids || fail "a process of the stopped server is still running: $old_pids"
! listening "$port" || fail "something still listens on $port after pg_stop"
[ ! -e "$PG_SOCKET_DIR/.s.PGSQL.$port" ] || fail "the socket is left after pg_stop"
shared_memory_gone "$old_memory" || fail "the stopped server's shared memory is left: $old_memory"
pg_stop || fail "pg_stop a second time"
finish
