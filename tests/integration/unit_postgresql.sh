#!/usr/bin/env bash
# The ledger's unit suites that act through the store alone (the ledger's rules, deploys and their
# records, notifications and their outbox, every report figure worked out by hand), run again with each world's ledger in a database of
# its own on a real PostgreSQL server (tests/pg/pg_harness.sh): the same rules and figures as on
# SQLite. Skipped (77) without PostgreSQL. $1 is the beaver binary; the unit tests are beside it.
source "$(dirname "$0")/../pg/pg_harness.sh"
if ! reason=$(pg_available); then
  echo "skipped: $reason"
  exit 77
fi
source "$(dirname "$0")/lib.sh"
unit_tests=$(dirname "$BEAVER_BIN")/tests/beaver_unit_tests
[ -x "$unit_tests" ] || { echo "no unit tests at $unit_tests" >&2; exit 1; }
pg_start "$WORK"

suites='*/ledger_test.cpp,*/deploy_ledger_test.cpp,*/notify_test.cpp,*/report_test.cpp'
suites+=',*/report_deploys_test.cpp,*/report_deploys_by_time_test.cpp,*/report_pg_readers_test.cpp'
suites+=',*/pg_write_batches_test.cpp'
set +e
BEAVER_TEST_POSTGRESQL=$PG_ADMIN_URL "$unit_tests" --source-file="$suites" >"$WORK/unit.out" 2>&1
RC=$?
set -e
tail -n 3 "$WORK/unit.out"
[ "$RC" -eq 0 ] || { cat "$WORK/unit.out" >&2; fail "the unit suites failed on PostgreSQL"; }
# Every world was a database of the server, not a SQLite file: the suites did run there.
worlds=$("$PG_BIN/psql" -X -At "$PG_ADMIN_URL" -c \
  "SELECT count(*) FROM pg_database WHERE datname LIKE 'world\_%'" </dev/null)
cases=$(grep -oE 'test cases: +[0-9]+ \| +[0-9]+ passed' "$WORK/unit.out" | grep -oE '[0-9]+ passed' | cut -d' ' -f1)
[ "${cases:-0}" -ge 60 ] || fail "only ${cases:-0} test cases ran"
[ "$worlds" -ge 50 ] || fail "only $worlds ledgers were made on PostgreSQL"
finish
