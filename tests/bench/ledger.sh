#!/usr/bin/env bash
# Ledger benchmarks, each against a baseline in the same run, printing the ratio:
#  1. submit: `beaver release submit` (a whole process: policy load, rules, one durable
#     transaction with its audit entry) vs the sqlite3 shell inserting one row durably
#     (synchronous=FULL, WAL) into the same kind of file.
#  2. list: `beaver release list -o json` of 1000 releases out of 20,000 vs `sqlite3 -json` of the
#     same rows.
# usage: tests/bench/ledger.sh [path/to/beaver]   (needs hyperfine, jq, sqlite3)
set -euo pipefail
[ -n "${BENCH_DEBUG:-}" ] && set -x
BEAVER=$(realpath "${1:-build/beaver}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/beaver-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export BEAVER_HOME=$work/home BEAVER_DATA_DIR=$(dirname "$(dirname "$here")")
export BEAVER_POLICY=$here/../integration/policy.yaml BEAVER_USER=bob
export BEAVER_NOW=2026-11-24T10:30:00+08:00

"$BEAVER" user add ann --team platform --role admin --as ann >/dev/null
"$BEAVER" user add bob --team payments --role developer --as ann >/dev/null
"$BEAVER" service add hello-service --team payments --as ann >/dev/null
db=$BEAVER_HOME/beaver.db
base=$work/baseline.db
sqlite3 "$base" "PRAGMA journal_mode=WAL; CREATE TABLE r (id INTEGER PRIMARY KEY, service TEXT,
  env TEXT, version TEXT, submitter TEXT, at TEXT);" >/dev/null

cat >"$work/insert.sql" <<'SQL'
PRAGMA synchronous = FULL;
BEGIN IMMEDIATE;
INSERT INTO r (service, env, version, submitter, at)
  VALUES ('hello-service', 'test', '1.0.0', 'bob', '2026-11-24T02:30:00Z');
COMMIT;
SQL

ratio() {  # ratio of the mean times in a hyperfine JSON export: first command / second
  jq -r '(.results[0].mean / .results[1].mean * 100 | round / 100 | tostring) + "x  (beaver "
    + (.results[0].mean * 1000 | round | tostring) + " ms, baseline "
    + (.results[1].mean * 1000 | round | tostring) + " ms)"' "$1"
}

hyperfine -N --warmup 5 --runs 50 --export-json "$work/submit.json" \
  -n beaver "$BEAVER release submit hello-service --env test --version 1.0.0" \
  -n sqlite3 "sqlite3 $base '.read $work/insert.sql'" \
  >/dev/null
echo "submit: beaver / sqlite3 shell = $(ratio "$work/submit.json")"

# 20,000 releases written straight into the file (the list does not read the audit chain).
sqlite3 "$db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
  INSERT INTO releases (service, env, version, type, status, submitter, submitted_at)
  SELECT 'hello-service', 'test', '1.0.' || i, 'normal', 'approved', 'bob',
         strftime('%Y-%m-%dT%H:%M:%SZ', 1764000000 + i * 60, 'unixepoch') FROM n;"
hyperfine -N --warmup 3 --runs 30 --export-json "$work/list.json" \
  -n beaver "$BEAVER release list -o json --limit 1000" \
  -n sqlite3 "sqlite3 -json $db 'SELECT * FROM releases ORDER BY id DESC LIMIT 1000'" \
  >/dev/null
echo "list 1000 of 20000: beaver / sqlite3 -json = $(ratio "$work/list.json")"
