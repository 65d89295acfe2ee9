#!/usr/bin/env bash
# `beaver db copy` between SQLite and a real PostgreSQL (tests/pg/pg_harness.sh): a ledger with a
# seeded history, users, a service, a token and a refused action goes SQLite -> PostgreSQL ->
# SQLite and comes back identical, table for table, its audit chain verified on each arrival; a
# copy into a database that holds a ledger, a broken source, the same place twice and a server
# that is down are refused in one line, leaving the target as it was. Skipped (77) without
# PostgreSQL.
source "$(dirname "$0")/../pg/pg_harness.sh"
if ! reason=$(pg_available); then
  echo "skipped: $reason"
  exit 77
fi
source "$(dirname "$0")/lib.sh"
pg_start "$WORK"
export BEAVER_POLICY="$(dirname "$0")/policy.yaml"
BEAVER_ENV="BEAVER_NOW=2026-11-24T10:30:00+08:00"

ok user add ann --team platform --role admin --as ann
ok dev seed --releases 400 --teams 2 --seed 7 --since 2026-09-01 --until 2026-11-20 --as ann
ok token create ann --label ci --as ann
ok user add eve --team payments --role developer --as ann
# Text COPY escapes: a tab, a newline, a backslash and what reads as COPY's NULL.
ok service add odd-text --team payments --as ann
ok release submit odd-text --env prod --version 1.0.0 --emergency --category hotfix \
  --reason $'a\ttab, a\nnewline, a back\\slash and \\N, not NULL' --as eve
source_db=$BEAVER_HOME/beaver.db

# Every table but the users' change counter, as text, in key order.
dump() {
  local t
  for t in users user_roles services policies packages releases approvals audit deploys \
    deploy_steps deploy_events deploy_leases tokens notifications notification_attempts; do
    echo "== $t"
    sqlite3 "$1" "SELECT * FROM $t ORDER BY 1, 2"
  done
}

ok db copy --from "$source_db" --to "$PG_URL"
expect_match "$OUT" "^copied [0-9]+ rows \(401 releases, [0-9]+ audit entries\) from sqlite://$source_db to postgresql://beaver:\*\*\*@127.0.0.1:$PG_PORT/beaver; the copy's audit chain verifies" \
  "SQLite to PostgreSQL"
ok db copy --from "$PG_URL" --to "sqlite://$WORK/back/beaver.db"
odd=$("$PG_BIN/psql" -X -At -w "$PG_URL" -c "SELECT reason FROM releases WHERE service = 'odd-text'" </dev/null)
expect_eq "$odd" $'a\ttab, a\nnewline, a back\\slash and \\N, not NULL' "a reason with COPY's escapes, on PostgreSQL"
expect_match "$OUT" "^copied [0-9]+ rows \(401 releases" "PostgreSQL to SQLite"
[ "$(dump "$source_db" | sha256sum)" = "$(dump "$WORK/back/beaver.db" | sha256sum)" ] ||
  { diff <(dump "$source_db") <(dump "$WORK/back/beaver.db") | head -20 >&2; fail "the round trip changed the ledger"; }
BEAVER_ENV="BEAVER_HOME=$WORK/back" ok audit verify --as ann
expect_match "$OUT" "whole|verified|intact" "the round-tripped chain verifies"

# New ids on PostgreSQL follow the copied ones.
"$PG_BIN/psql" -X -q -w "$PG_URL" -c "INSERT INTO services VALUES ('later', 'payments', '2026-11-24T10:00:00Z')" </dev/null
id=$("$PG_BIN/psql" -X -At -w "$PG_URL" -c "INSERT INTO releases (service, env, version, type,
  status, submitter, submitted_at) VALUES ('later', 'prod', '1.0.0', 'normal', 'submitted', 'ann',
  '2026-11-24T10:00:00Z') RETURNING id" </dev/null)
id=${id%%$'\n'*}  # the returned id, before any status line (not through head: psql may still write)
expect_eq "$id" "402" "the next release id on PostgreSQL"

# Refusals: the target is left as it was.
before=$(dump "$WORK/back/beaver.db" | sha256sum)
refused 1 "already holds a ledger" db copy --from "$PG_URL" --to "$WORK/back/beaver.db"
refused 1 "already holds a ledger" db copy --from "$source_db" --to "$PG_URL"
sqlite3 "$WORK/partial.db" "CREATE TABLE services (name TEXT PRIMARY KEY, team TEXT NOT NULL,
  created_at TEXT NOT NULL); INSERT INTO services VALUES ('x', 'y', '2026-11-24T10:00:00Z');"
partial=$(sha256sum <"$WORK/partial.db")
refused 1 "already holds a ledger \(services has rows\)" db copy --from "$source_db" --to "$WORK/partial.db"
expect_eq "$(sha256sum <"$WORK/partial.db")" "$partial" "a refused target is not migrated"
refused 2 "is both the source and the target" db copy --from "$source_db" --to "sqlite://$source_db"
refused 1 "no ledger at" db copy --from "$WORK/none.db" --to "$WORK/other.db"
[ -e "$WORK/other.db" ] && fail "a refused copy made its target"
sqlite3 "$WORK/back/beaver.db" "DROP TRIGGER audit_is_append_only_update;
  UPDATE audit SET actor = 'mallory' WHERE seq = 3;"
refused 1 "audit chain is broken at entry 3" db copy --from "$WORK/back/beaver.db" --to "$WORK/third.db"
[ -e "$WORK/third.db" ] && fail "a copy refused for its source made its target"
pg_stop
refused 1 "cannot connect to postgresql://beaver:\*\*\*@" db copy --from "$source_db" --to "$PG_URL"
grep -q beaver-test "$WORK/err" && fail "the password is in an error"
finish
