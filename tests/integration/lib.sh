# Shared by the integration scenarios: a temporary BEAVER_HOME, the real binary, and checks that
# say what failed. Source it with the path of the beaver binary as $1.
set -euo pipefail
# A command outside the checks that stops the scenario (set -e) says where, rather than nothing.
trap 'echo "stopped: line $LINENO of ${BASH_SOURCE[0]##*/}: $BASH_COMMAND (exit $?)" >&2' ERR

BEAVER_BIN=$(realpath "${1:?usage: $0 path/to/beaver}")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/beaver-it-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export BEAVER_HOME="$WORK/home"
unset BEAVER_USER BEAVER_POLICY BEAVER_NOW BEAVER_SERVER BEAVER_TOKEN
failures=0

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
  sqlite3 "$BEAVER_HOME/beaver.db" 'SELECT count(*) FROM audit'
}

finish() {
  if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}
