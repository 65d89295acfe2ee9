#!/usr/bin/env bash
# `beaver db migrate` on a real PostgreSQL (tests/pg/pg_harness.sh) and on SQLite: it creates the
# ledger's schema, is idempotent, gives PostgreSQL the same tables and columns as SQLite, keeps
# the rules the SQLite schema enforces (append-only audit, deploy facts, users version), and says
# in one line, without the password, when the URL is bad, the password wrong or the server down.
# Two migrations started at once create the schema once. Skipped (77) without PostgreSQL.
source "$(dirname "$0")/../pg/pg_harness.sh"
if ! reason=$(pg_available); then
  echo "skipped: $reason"
  exit 77
fi
source "$(dirname "$0")/lib.sh"
pg_start "$WORK"
# The newest PostgreSQL migration this beaver has.
latest=$(find "$(dirname "$0")/../../schemas/migrations/postgresql" -name '[0-9]*.sql' | wc -l)

psql_at() { "$PG_BIN/psql" -X -q -w -At -v ON_ERROR_STOP=1 "$PG_URL" -c "$1" </dev/null 2>&1; }

ok db migrate --database "$PG_URL"
expect_match "$OUT" "^postgresql://beaver:\*\*\*@127.0.0.1:$PG_PORT/beaver: schema created at version $latest$" \
  "first migration"
ok db migrate --database "$PG_URL"
expect_match "$OUT" "schema at version $latest, nothing to do$" "second migration"
BEAVER_ENV="BEAVER_DATABASE=$PG_URL" ok db migrate
expect_match "$OUT" "schema at version $latest, nothing to do$" "BEAVER_DATABASE names the database"
expect_eq "$(psql_at 'SELECT version FROM beaver_schema')" "$latest" "one schema version row"

# The same tables and columns, in the same order, as the SQLite ledger.
ok db migrate --database "sqlite://$WORK/ledger.db"
expect_match "$OUT" "^sqlite://$WORK/ledger.db: schema created at version [0-9]+$" "SQLite ledger"
sqlite_columns=$(sqlite3 "$WORK/ledger.db" "SELECT m.name || '.' || p.name FROM sqlite_master m,
  pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
  ORDER BY m.name, p.cid")
pg_columns=$(psql_at "SELECT table_name || '.' || column_name FROM information_schema.columns
  WHERE table_schema = 'public' AND table_name != 'beaver_schema'
  ORDER BY table_name COLLATE \"C\", ordinal_position")
expect_eq "$pg_columns" "$sqlite_columns" "PostgreSQL has SQLite's tables and columns"

# The rules SQLite's triggers keep, kept by PostgreSQL's.
psql_at "INSERT INTO users VALUES ('ann', 'platform', '2026-11-24T10:00:00Z', NULL);
  INSERT INTO user_roles VALUES ('ann', 'admin');
  INSERT INTO services VALUES ('hello', 'payments', '2026-11-24T10:00:00Z');
  INSERT INTO packages (sha256, service, version, file_name, size, git_commit, commit_time,
    allow_dirty, builder, registered_at, manifest_json) VALUES ('$(printf 'a%.0s' {1..64})',
    'hello', '1.0.0', 'hello-1.0.0.tar.gz', 1, 'abc1234', '2026-11-24T09:00:00Z', 0, 'ann',
    '2026-11-24T10:00:00Z', '{}');
  INSERT INTO releases (service, env, version, package_sha256, type, status, submitter,
    submitted_at) VALUES ('hello', 'prod', '1.0.0', '$(printf 'a%.0s' {1..64})', 'emergency',
    'approved', 'ann', '2026-11-24T10:00:00Z');
  INSERT INTO deploys (release_id, actor, status, batches, started_at) VALUES
    (1, 'ann', 'running', '100%', '2026-11-24T10:05:00Z');
  UPDATE releases SET status = 'rolled_back' WHERE id = 1;
  INSERT INTO audit VALUES (1, '2026-11-24T10:00:00Z', 'ann', 'user.add', 'user/ann', '{}', '', 'h');" >/dev/null
expect_eq "$(psql_at 'SELECT service, env, release_type, release_rolled_back, commit_time FROM deploys')" \
  "hello|prod|emergency|1|2026-11-24T09:00:00Z" "a deploy run carries its release's facts"
expect_eq "$(psql_at 'SELECT n FROM users_version')" "2" "users and roles changes are counted"
expect_match "$(psql_at "UPDATE audit SET actor = 'mallory'" || true)" "the audit log is append-only" \
  "audit entries cannot be changed"
expect_match "$(psql_at 'DELETE FROM audit' || true)" "the audit log is append-only" \
  "audit entries cannot be deleted"
expect_eq "$(psql_at 'SELECT count(*) FROM audit')" "1" "the audit entry is still there"

# Bad locations, a wrong password, a server that is down: one line, no password, nothing made.
refused 2 "bad database URL \(not shown: it may hold a password\): libpq cannot read it" \
  db migrate --database "postgresql://beaver:s3cret@127.0.0.1:$PG_PORT/beaver?nosuch=1"
refused 1 "cannot connect to postgresql://beaver:\*\*\*@127.0.0.1:99999999/beaver: invalid port" \
  db migrate --database "postgresql://beaver:s3cret@127.0.0.1:99999999/beaver"
refused 2 "bad database URL mysql://…: beaver keeps its ledger in postgresql:// or sqlite://" \
  db migrate --database "mysql://u:s3cret@h/db"
refused 2 "a SQLite URL names an absolute path" db migrate --database "sqlite://relative.db"
wrong=${PG_URL/beaver-test/not-the-password}
refused 1 "password authentication failed" db migrate --database "$wrong"
expect_match "$ERR" "postgresql://beaver:\*\*\*@127.0.0.1:$PG_PORT/beaver" "the wrong password's URL, redacted"
for leaked in s3cret not-the-password beaver-test; do
  grep -q -- "$leaked" "$WORK/err" && fail "a password ($leaked) is in an error"
done
BEAVER_ENV="BEAVER_DATABASE=postgresql://beaver:s3cret@h/db?password=s3cret&nosuch=1" \
  refused 2 "^beaver: BEAVER_DATABASE: bad database URL \(not shown" db migrate
BEAVER_ENV="BEAVER_DATABASE=$PG_URL" ok user list --as ann
expect_match "$OUT" "^ann +platform +admin" "the commands read the ledger on PostgreSQL"
[ -e "$BEAVER_HOME/beaver.db" ] && fail "a command on PostgreSQL made a SQLite ledger"

pg_stop
start=$(date +%s%N)
refused 1 "cannot connect to postgresql://beaver:\*\*\*@127.0.0.1:$PG_PORT/beaver: .*(refused|No such)" \
  db migrate --database "$PG_URL"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
[ "$elapsed_ms" -lt 5000 ] || fail "a server that is down took $elapsed_ms ms to report"

# Two migrations at once on an empty database: one creates, the other finds it done.
pg_resume
"$PG_BIN/psql" -X -q -w "$PG_ADMIN_URL" -c "CREATE DATABASE twice OWNER beaver" </dev/null
twice=${PG_URL%/beaver}/twice
for n in 1 2; do "$BEAVER_BIN" db migrate --database "$twice" >"$WORK/twice$n" 2>&1 & done
wait %1 || fail "the first of two migrations at once failed: $(cat "$WORK/twice1")"
wait %2 || fail "the second of two migrations at once failed: $(cat "$WORK/twice2")"
both=$(cat "$WORK/twice1" "$WORK/twice2" | sed 's/.*: schema //' | sort | tr '\n' '|')
expect_eq "$both" "at version $latest, nothing to do|created at version $latest|" "two migrations at once"
finish
