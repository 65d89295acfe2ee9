# A real PostgreSQL server for the tests of the PostgreSQL store: a throwaway cluster of its own in
# a folder the test owns, listening on 127.0.0.1 only, never the cluster the Debian package may
# run (main, port 5432). Source it, then:
#
#   pg_available || exit 77     # says why when PostgreSQL is not installed
#   pg_start "$WORK"            # initdb in $WORK/pg, start, wait until it accepts connections
#   pg_kill [KILL|QUIT]         # down abruptly: a crash (default) or an immediate shutdown
#   pg_resume                   # up again: same data folder, same port, after crash recovery
#   pg_restart [KILL|QUIT]      # pg_kill, then pg_resume
#   pg_stop                     # fast shutdown; idempotent; pg_start puts it in the EXIT trap
#   pg_pids                     # the server's processes: the postmaster first, then its children
#
# pg_start exports PG_URL (role beaver, password beaver-test, database beaver owned by it; the
# password is required over TCP and on the socket), PG_ADMIN_URL (superuser postgres, trusted on
# 127.0.0.1), PG_PORT, PG_PID (the postmaster; empty while the server is down), PG_DATA, PG_LOG
# (the server's log, kept across restarts), PG_SOCKET_DIR and PG_BIN (initdb, psql, pg_isready).
# PG_BIN may be set beforehand to use another installation.
#
# As root the server runs as the postgres system user (PostgreSQL refuses to run as root), which
# then needs to reach DIR: pg_start opens DIR to others for search (o+x) when it is closed, as
# mktemp -d leaves it. The server is started with a parent-death signal (SIGQUIT: immediate
# shutdown), so it does not outlive the shell that started it even if that shell is killed or an
# EXIT trap set later drops pg_stop. fsync stays on: the store's tests measure durable writes.
set -euo pipefail

# libpq reads these: they would change what the harness and the tests connect to, and how.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGPASSFILE PGSERVICE PGSERVICEFILE \
  PGOPTIONS PGSSLMODE PGREQUIRESSL PGCONNECT_TIMEOUT PGTARGETSESSIONATTRS PGDATA
PG_PID=""

# pg_available: PostgreSQL 15's server binaries, else the newest installed; sets PG_BIN. When there
# are none, prints one line saying so and fails.
pg_available() {
  local bin=${PG_BIN:-}
  if [ -z "$bin" ]; then
    if [ -x /usr/lib/postgresql/15/bin/postgres ]; then
      bin=/usr/lib/postgresql/15/bin
    else
      bin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
  fi
  if [ ! -x "$bin/postgres" ] || [ ! -x "$bin/initdb" ]; then
    echo "PostgreSQL is not installed: no $bin/postgres (make deps installs it)"
    return 1
  fi
  if [ "$(id -u)" -eq 0 ] && ! id -u postgres >/dev/null 2>&1; then
    echo "PostgreSQL is installed but there is no postgres user to run it as (it refuses root)"
    return 1
  fi
  PG_BIN=$bin
  export PG_BIN
}

# setpriv's options that make a command run as the server's owner: the postgres user when we are
# root, else ourselves. setpriv execs (runuser forks), so $! of a background start is the server.
if [ "$(id -u)" -eq 0 ]; then
  _PG_AS_OWNER=(--reuid=postgres --regid=postgres --init-groups)
else
  _PG_AS_OWNER=()
fi
_pg_as_owner() {
  setpriv "${_PG_AS_OWNER[@]}" -- "$@"
}

# _pg_alive PID: the process exists and has not exited (an unreaped child stays a zombie).
_pg_alive() {
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  case ${stat%% *} in Z | X) return 1 ;; esac
}

# _pg_wait_gone PID TRIES: polls every 50 ms, at most TRIES times, until PID has exited.
_pg_wait_gone() {
  local tries=0
  while _pg_alive "$1"; do
    tries=$((tries + 1))
    [ "$tries" -le "$2" ] || return 1
    sleep 0.05
  done
}

# pg_pids: the running server's processes, the postmaster first. Its children are found by their
# parent pid (each makes itself a session leader, so a process group would miss them).
pg_pids() {
  [ -n "${PG_PID:-}" ] || return 0
  echo "$PG_PID"
  local f stat
  for f in /proc/[0-9]*/stat; do
    read -r stat 2>/dev/null <"$f" || continue
    # shellcheck disable=SC2086 # after the command's name: state, parent pid, ...
    set -- ${stat##*) }
    if [ "$2" = "$PG_PID" ]; then
      f=${f#/proc/}
      echo "${f%/stat}"
    fi
  done
}

# _pg_free_port: a port free on 127.0.0.1 (a bind succeeds), below the kernel's range for outgoing
# connections, so no client's connection takes it while the server is down between pg_kill and
# pg_resume; the kernel's own choice (port 0) when that range leaves nothing below it.
_pg_free_port() {
  python3 - <<'EOF'
import random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
ports = random.sample(range(10000, low), min(200, max(low - 10000, 0))) + [0]
for port in ports:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(s.getsockname()[1])
        break
EOF
}

# _pg_owned FILE: writes stdin to FILE and gives it to the server's owner.
_pg_owned() {
  cat >"$1"
  [ "${#_PG_AS_OWNER[@]}" -eq 0 ] || chown postgres:postgres "$1"
}

# _pg_configure: the harness's settings, included last from postgresql.conf.
_pg_configure() {
  _pg_owned "$PG_DATA/harness.conf" <<EOF
# Written by tests/pg/pg_harness.sh.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
max_connections = 100
fsync = on
synchronous_commit = on
full_page_writes = on
# Before crash recovery, one syncfs() of the file system instead of an fsync() of every file in
# the cluster: 0.05 s against 4.5 s for an empty cluster on a busy 2-core machine.
recovery_init_sync_method = syncfs
timezone = 'UTC'
log_timezone = 'UTC'
EOF
}

# _pg_ready: the server says it is ready in postmaster.pid (its pid on line 1, "ready" on line 8,
# as pg_ctl -w reads it), and pg_isready confirms it accepts connections on 127.0.0.1:$PG_PORT.
# Asking postmaster.pid first keeps the server's log free of a "the database system is starting
# up" line per poll.
_pg_ready() {
  local lines=()
  mapfile -t lines 2>/dev/null <"$PG_DATA/postmaster.pid" || return 1
  [ "${#lines[@]}" -ge 8 ] && [ "${lines[0]}" = "$PG_PID" ] && [ "${lines[7]// /}" = ready ] &&
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 2
}

# _pg_launch: starts the server in the background and waits, polling _pg_ready every 50 ms (at
# most ~60 s, enough for crash recovery after a load), until it accepts connections. Fails with 1
# if it exits meanwhile, 2 if it never gets ready (it is then stopped). Disowned, so that bash
# reaps it by itself and does not report a SIGKILL from pg_kill as "Killed".
_pg_launch() {
  (cd "$_PG_DIR" &&
    exec setpriv "${_PG_AS_OWNER[@]}" --pdeathsig QUIT -- "$PG_BIN/postgres" -D "$PG_DATA") \
    </dev/null >>"$PG_LOG" 2>&1 &
  PG_PID=$!
  disown "$PG_PID"
  local tries=0
  until _pg_ready; do
    if ! _pg_alive "$PG_PID"; then
      PG_PID=""
      return 1
    fi
    tries=$((tries + 1))
    if [ "$tries" -gt 1200 ]; then
      pg_kill QUIT
      return 2
    fi
    sleep 0.05
  done
}

# _pg_failed WHAT: says WHAT failed, with the end of the server's log.
_pg_failed() {
  echo "$1; the end of $PG_LOG:" >&2
  sed 's/^/  /' <(tail -n 20 "$PG_LOG") >&2
}

# _pg_trap_stop: puts pg_stop before whatever the EXIT trap does already (lib.sh removes $WORK
# there, which must come after the server is down), once.
_pg_trap_stop() {
  local current words
  current=$(trap -p EXIT)
  case $current in *pg_stop*) return 0 ;; esac
  if [ -n "$current" ]; then
    eval "words=($current)" # trap -- 'COMMANDS' EXIT
    # shellcheck disable=SC2064 # the commands are meant to be expanded now
    trap "pg_stop || true; ${words[2]}" EXIT
  else
    trap 'pg_stop || true' EXIT
  fi
}

# pg_start DIR: a fresh cluster in DIR/pg (data, socket, server.log), started and ready, with the
# role and database beaver. Exports the PG_* variables above.
pg_start() {
  local dir=${1:?usage: pg_start DIR}
  if [ -n "${PG_PID:-}" ]; then
    echo "pg_start: a server is running already (pid $PG_PID)" >&2
    return 1
  fi
  [ -n "${PG_BIN:-}" ] || pg_available >&2 || return 1
  _PG_DIR=$(realpath "$dir")/pg
  PG_DATA=$_PG_DIR/data
  PG_SOCKET_DIR=$_PG_DIR/socket
  PG_LOG=$_PG_DIR/server.log
  export PG_DATA PG_SOCKET_DIR PG_LOG PG_PID
  mkdir -m 700 "$_PG_DIR"
  : >"$PG_LOG"
  if [ "${#_PG_AS_OWNER[@]}" -gt 0 ]; then
    chown postgres:postgres "$_PG_DIR"
    _pg_as_owner test -w "$_PG_DIR" || chmod o+x "${_PG_DIR%/pg}"
    if ! _pg_as_owner test -w "$_PG_DIR"; then
      echo "pg_start: the postgres user cannot reach $_PG_DIR (a folder above it is closed)" >&2
      return 1
    fi
  fi
  _pg_as_owner mkdir -m 700 "$PG_SOCKET_DIR"
  # --no-sync: a crash of the machine loses the folder anyway; the server itself runs with fsync.
  if ! (cd "$_PG_DIR" && _pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --no-locale \
    -E UTF8 --auth=trust --no-sync --no-instructions) >>"$PG_LOG" 2>&1; then
    _pg_failed "pg_start: initdb failed"
    return 1
  fi
  # First match wins: the beaver role always needs its password; the rest is trusted on loopback.
  _pg_owned "$PG_DATA/pg_hba.conf" <<'EOF'
# TYPE  DATABASE  USER    ADDRESS       METHOD
local   all       beaver                scram-sha-256
host    all       beaver  127.0.0.1/32  scram-sha-256
local   all       all                   trust
host    all       all     127.0.0.1/32  trust
EOF
  echo "include = 'harness.conf'" >>"$PG_DATA/postgresql.conf"
  _pg_trap_stop
  # Another process may take the port between its probe and the server's bind: then another port.
  local attempt lines status
  for attempt in 1 2 3; do
    PG_PORT=$(_pg_free_port)
    export PG_PORT
    _pg_configure
    lines=$(wc -l <"$PG_LOG")
    status=0
    _pg_launch || status=$?
    [ "$status" -eq 1 ] && [ "$attempt" -lt 3 ] &&
      grep -q 'could not bind' < <(tail -n +$((lines + 1)) "$PG_LOG") && continue
    break
  done
  [ "$status" -eq 0 ] || { _pg_failed "pg_start: PostgreSQL did not start"; return 1; }
  if ! "$PG_BIN/psql" -X -q -w -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres \
    -d postgres -c "CREATE ROLE beaver LOGIN PASSWORD 'beaver-test'" \
    -c "CREATE DATABASE beaver OWNER beaver" </dev/null >>"$PG_LOG" 2>&1; then
    _pg_failed "pg_start: could not create the role and database beaver"
    return 1
  fi
  PG_URL="postgresql://beaver:beaver-test@127.0.0.1:$PG_PORT/beaver"
  PG_ADMIN_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
  export PG_URL PG_ADMIN_URL
}

# pg_stop: fast shutdown (SIGINT: sessions are ended, a checkpoint written), waiting for the
# postmaster to exit (at most ~60 s, then pg_kill). Does nothing when no server is running.
pg_stop() {
  local pid=${PG_PID:-}
  [ -n "$pid" ] || return 0
  kill -INT "$pid" 2>/dev/null || true
  if ! _pg_wait_gone "$pid" 1200; then
    echo "pg_stop: PostgreSQL (pid $pid) did not stop in 60 s; killing it" >&2
    pg_kill KILL
    return 1
  fi
  PG_PID=""
}

# pg_kill [KILL|QUIT]: takes the server down abruptly, waiting until all its processes are gone.
# KILL (default): SIGKILL to the postmaster and every child at once, as when the machine or the
# container dies; committed data must survive. Its shared memory, which only the next start
# would clean, is removed here. QUIT: an immediate shutdown, sessions cut without a checkpoint.
# Either way the next start runs crash recovery.
pg_kill() {
  local signal=${1:-KILL} pid=${PG_PID:-}
  [ -n "$pid" ] || return 0
  case $signal in
    QUIT)
      kill -QUIT "$pid" 2>/dev/null || true
      if ! _pg_wait_gone "$pid" 1200; then
        echo "pg_kill: PostgreSQL (pid $pid) ignored SIGQUIT for 60 s; killing it" >&2
        pg_kill KILL
        return 1
      fi
      ;;
    KILL)
      # Stopped, the postmaster cannot fork a child we would not see.
      kill -STOP "$pid" 2>/dev/null || true
      local pids p segments=()
      pids=$(pg_pids)
      for p in $pids; do
        # shellcheck disable=SC2207 # the names have no spaces
        segments+=($(grep -o '/dev/shm/PostgreSQL\.[0-9]*' "/proc/$p/maps" 2>/dev/null || true))
      done
      # shellcheck disable=SC2086
      kill -KILL $pids 2>/dev/null || true
      for p in $pids; do
        _pg_wait_gone "$p" 200 || echo "pg_kill: process $p survived SIGKILL" >&2
      done
      [ "${#segments[@]}" -eq 0 ] || rm -f "${segments[@]}"
      # The SysV segment, named in postmaster.pid's 7th line as "key id".
      local shmid
      read -r _ shmid < <(sed -n 7p "$PG_DATA/postmaster.pid" 2>/dev/null) || true
      [ -z "${shmid:-}" ] || ipcrm -m "$shmid" 2>/dev/null || true
      ;;
    *)
      echo "usage: pg_kill [KILL|QUIT]" >&2
      return 2
      ;;
  esac
  PG_PID=""
}

# pg_resume: starts the server pg_start made again, on the same data folder and port, once
# pg_stop or pg_kill took it down, and waits until it accepts connections; sets PG_PID.
pg_resume() {
  if [ -z "${PG_DATA:-}" ]; then
    echo "pg_resume: no server (pg_start first)" >&2
    return 1
  fi
  if [ -n "${PG_PID:-}" ]; then
    echo "pg_resume: the server is running already (pid $PG_PID)" >&2
    return 1
  fi
  _pg_launch || { _pg_failed "pg_resume: PostgreSQL did not come back on port $PG_PORT"; return 1; }
}

# pg_restart [KILL|QUIT]: pg_kill, then pg_resume.
pg_restart() {
  pg_kill "${1:-KILL}"
  pg_resume
}
