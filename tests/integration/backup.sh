#!/usr/bin/env bash
# A backup taken while a real `beaver serve` takes 200 submissions from 20 clients at once, then
# restored and verified: on SQLite with beaver db backup and db restore; on PostgreSQL (lib.sh's
# BEAVER_TEST_STORE=postgresql) with pg_dump and pg_restore, as the admin guide says, db backup
# naming pg_dump. The backup holds one consistent state (the first releases, each with its audit
# entry, none half-written); the restored ledger verifies and goes on where it ended. On SQLite, a
# copy whose audit chain was edited is refused and leaves nothing, and every wrong use is refused
# in one line and changes nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
export BEAVER_POLICY="$(dirname "$0")/server_policy.yaml"

ok user add root --team ops --role admin --as root
ok user add dev --team pay --role developer --as root
ok service add pay-api --team pay --as root
ok token create dev --label load --as root
token=$OUT
start_server --threads 8

# 200 submissions, 20 clients at a time, through the API; the backup runs while they do.
seq 200 | xargs -P 20 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  --data-binary '{"service": "pay-api", "env": "test", "version": "1.0.{}"}' \
  "$URL/api/v1/releases" >"$WORK/codes" &
load=$!
for _ in $(seq 600); do
  [ "$(ledger_sql "SELECT count(*) FROM releases")" -ge 20 ] && break
  sleep 0.05
done
if [ -n "${BEAVER_DATABASE:-}" ]; then
  refused 2 "is a PostgreSQL ledger: back it up with pg_dump" db backup "$WORK/backup.db"
  "$PG_BIN/pg_dump" --format=custom --file="$WORK/backup.dump" "$PG_URL" </dev/null
else
  ok db backup "$WORK/backup.db"
  expect_match "$OUT" "^backed up sqlite://$BEAVER_HOME/beaver.db to $WORK/backup.db: [0-9]+ audit entries, the chain verifies up to entry [0-9]+" \
    "the backup says what it holds"
  [ ! -e "$WORK/backup.db-wal" ] || fail "the backup is more than one file"
fi
wait "$load"
expect_eq "$(sort "$WORK/codes" | uniq -c | awk '{print $1 " " $2}')" "200 201" \
  "every submission was taken"
stop_server

# Restored: on PostgreSQL into a new database, on SQLite into a new home.
if [ -n "${BEAVER_DATABASE:-}" ]; then
  refused 2 "is a PostgreSQL ledger: restore it with pg_restore" db restore "$WORK/backup.dump"
  "$PG_BIN/psql" -X -q -w -v ON_ERROR_STOP=1 "$PG_ADMIN_URL" \
    -c "CREATE DATABASE restored OWNER beaver" </dev/null
  BEAVER_DATABASE=${PG_URL%/*}/restored
  "$PG_BIN/pg_restore" --no-owner --exit-on-error --dbname="$BEAVER_DATABASE" \
    "$WORK/backup.dump" </dev/null
else
  BEAVER_HOME=$WORK/restored
  ok db restore "$WORK/backup.db"
  expect_match "$OUT" "^restored $WORK/backup.db as sqlite://$WORK/restored/beaver.db: [0-9]+ audit entries, the chain verifies" \
    "restore says the chain verifies"
fi
copied=$(ledger_sql "SELECT count(*) FROM releases")
echo "the backup holds $copied of the 200 releases"
[ "$copied" -ge 20 ] && [ "$copied" -le 200 ] ||
  fail "the backup holds $copied releases, not 20 to 200"
# One state: the releases 1..N and, for each, its audit entry; nothing of the ones after.
expect_eq "$(ledger_sql "SELECT min(id) || ' ' || max(id) FROM releases")" "1 $copied" \
  "the backup's releases are the first ones, with no gap"
expect_eq "$(ledger_sql "SELECT count(*) FROM audit WHERE action = 'release.submit'")" "$copied" \
  "each release in the backup has its audit entry"
ok audit verify --as root
ok release list --service pay-api -o json --as root
expect_eq "$(jq length <<<"$OUT")" "$copied" "the restored ledger lists the releases of the backup"
ok release submit pay-api --env test --version 2.0.0 -o json --as dev
expect_eq "$(jq -r .id <<<"$OUT")" "$((copied + 1))" "the restored ledger goes on where the backup ended"
ok audit verify --as root
if [ -n "${BEAVER_DATABASE:-}" ]; then finish; exit; fi

# SQLite: an edited copy is refused, and nothing is left where the ledger would go.
cp "$WORK/backup.db" "$WORK/tampered.db"
sqlite3 "$WORK/tampered.db" "DROP TRIGGER audit_is_append_only_update;
  UPDATE audit SET actor = 'mallory' WHERE seq = 3;"
BEAVER_HOME=$WORK/tampered-home
refused 1 "tampered.db's audit chain is broken at entry 3 .*; it is not restored" db restore "$WORK/tampered.db"
[ ! -e "$WORK/tampered-home" ] || fail "a refused restore left $(ls -A "$WORK/tampered-home")"

# Wrong uses.
BEAVER_HOME=$WORK/restored
before=$(audit_count)
refused 2 "backup.db exists: a copy never overwrites a file" db backup "$WORK/backup.db"
refused 2 "no folder $WORK/nowhere to write" db backup "$WORK/nowhere/b.db"
refused 2 "is a PostgreSQL ledger: back it up with pg_dump" db backup "$WORK/pg.db" \
  --database postgresql://beaver@127.0.0.1:1/beaver
refused 2 "restored/beaver.db exists: a restore never replaces a ledger; move it away first" \
  db restore "$WORK/backup.db"
refused 1 "no backup at $WORK/missing.db" db restore "$WORK/missing.db" --database "$WORK/new/beaver.db"
echo "not a database" >"$WORK/junk.db"
refused 1 "cannot copy $WORK/junk.db" db restore "$WORK/junk.db" --database "$WORK/new/beaver.db"
refused 2 "FILE is required" db backup
expect_eq "$(audit_count)" "$before" "wrong uses record nothing"
[ ! -e "$WORK/new" ] || fail "a refused restore made $WORK/new"
[ ! -e "$WORK/nowhere" ] || fail "a refused backup made $WORK/nowhere"

finish
