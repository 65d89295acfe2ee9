# Shared by the integration scenarios: a temporary BEAVER_HOME, the real binary, and checks that
# say what failed. Source it with the path of the beaver binary as $1.
set -euo pipefail
# A command outside the checks that stops the scenario (set -e) says where, rather than nothing:
# also inside a function (-E), such as a request the server never answered. Not where a failure
# is expected (set +e, as `run` does), which the trap would otherwise report all the same.
set -E
trap 'trap_rc=$?; [[ $- == *e* ]] &&
  echo "stopped: line $LINENO of ${BASH_SOURCE[0]##*/}: $BASH_COMMAND (exit $trap_rc)" >&2' ERR

BEAVER_BIN=$(realpath "${1:?usage: $0 path/to/beaver}")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/beaver-it-XXXXXX")
# What every scenario's EXIT trap ends with: the PostgreSQL server it may have started (its data
# is in $WORK), then $WORK.
cleanup_work() {
  if [ -n "${PG_PID:-}" ]; then pg_stop || true; fi
  rm -rf "$WORK"
}
trap cleanup_work EXIT
export BEAVER_HOME="$WORK/home"
unset BEAVER_USER BEAVER_POLICY BEAVER_NOW BEAVER_SERVER BEAVER_TOKEN BEAVER_DATABASE
failures=0

# With BEAVER_TEST_STORE=postgresql a scenario runs on a real PostgreSQL server of its own
# (tests/pg/pg_harness.sh) through BEAVER_DATABASE, skipped (77) without PostgreSQL; ledger_sql
# reads the ledger wherever it is.
if [ "${BEAVER_TEST_STORE:-sqlite}" = postgresql ]; then
  source "$(dirname "${BASH_SOURCE[0]}")/../pg/pg_harness.sh"
  if ! reason=$(pg_available); then
    echo "skipped: $reason"
    exit 77
  fi
  pg_start "$WORK"
  export BEAVER_DATABASE=$PG_URL
fi

# fresh_ledger NAME: the commands after it use a new, empty ledger: on PostgreSQL a database NAME
# of the same server; on SQLite the file in $BEAVER_HOME, which the caller has just changed.
fresh_ledger() {
  [ -n "${BEAVER_DATABASE:-}" ] || return 0
  "$PG_BIN/psql" -X -q -w -v ON_ERROR_STOP=1 "$PG_ADMIN_URL" -c "CREATE DATABASE $1 OWNER beaver" </dev/null
  BEAVER_DATABASE=${PG_URL%/*}/$1
  export BEAVER_DATABASE
}

# ledger_sql QUERY: the rows of QUERY on the scenario's ledger, a line each, columns joined by |.
ledger_sql() {
  if [ -n "${BEAVER_DATABASE:-}" ]; then
    "$PG_BIN/psql" -X -At -w -v ON_ERROR_STOP=1 "$BEAVER_DATABASE" -c "$1" </dev/null
  else
    sqlite3 "$BEAVER_HOME/beaver.db" "$1"
  fi
}

# Runs beaver, keeping stdout in $OUT, stderr in $ERR and the exit code in $RC. Words in
# $BEAVER_ENV (VAR=value) are set for beaver alone, not for the checks around it.
run() {
  set +e
  # shellcheck disable=SC2086
  env ${BEAVER_ENV:-} "$BEAVER_BIN" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
}

fail() {
  echo "FAIL: $*" >&2
  echo "  command exit $RC" >&2
  [ -n "${OUT:-}" ] && printf '  stdout: %s\n' "$OUT" >&2
  [ -n "${ERR:-}" ] && printf '  stderr: %s\n' "$ERR" >&2
  failures=$((failures + 1))
}

# ok ARGS...: the command succeeds.
ok() {
  run "$@"
  [ "$RC" -eq 0 ] || fail "expected success: beaver $*"
}

# refused CODE PATTERN ARGS...: the command exits CODE with one stderr line matching PATTERN.
refused() {
  local code=$1 pattern=$2
  shift 2
  run "$@"
  [ "$RC" -eq "$code" ] || fail "expected exit $code: beaver $*"
  [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] || fail "expected one line on stderr: beaver $*"
  case "$ERR" in
    "beaver: "*) ;;
    *) fail "stderr does not start with 'beaver: ': beaver $*" ;;
  esac
  grep -Eq -- "$pattern" <<<"$ERR" || fail "stderr does not match /$pattern/: beaver $*"
}

# fails_after_output CODE PATTERN ARGS...: like `refused`, for commands that stream a build to
# stderr first: the last stderr line is the one-line error.
fails_after_output() {
  local code=$1 pattern=$2 last
  shift 2
  run "$@"
  [ "$RC" -eq "$code" ] || fail "expected exit $code: beaver $*"
  last=$(printf '%s\n' "$ERR" | tail -n 1)
  case "$last" in
    "beaver: "*) ;;
    *) fail "the last stderr line does not start with 'beaver: ': beaver $*" ;;
  esac
  grep -Eq -- "$pattern" <<<"$last" || fail "last stderr line does not match /$pattern/: beaver $*"
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
  [ "$1" = "$2" ] || { RC=0 OUT="" ERR=""; fail "$3: got '$1', expected '$2'"; }
}

# expect_match TEXT PATTERN WHAT
expect_match() {
  grep -Eq -- "$2" <<<"$1" || { RC=0 OUT="$1" ERR=""; fail "$3: no match for /$2/"; }
}

# The number of audit entries: a failed command must not change it.
audit_count() {
  ledger_sql 'SELECT count(*) FROM audit'
}

# The number of audit entries of ACTION ("session.start").
audit_count_of() {
  ledger_sql "SELECT count(*) FROM audit WHERE action = '$1'"
}

finish() {
  if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}
