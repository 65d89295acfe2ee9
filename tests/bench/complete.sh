#!/usr/bin/env bash
# Completion benchmark: seeds 1,000,000 releases (`beaver dev seed`), then times
# `beaver __complete` as a shell asks it at a Tab, for a release id (the open releases: submitted
# or approved) and for a service, against the sqlite3 shell running the same query on the same
# file, with hyperfine, and prints the times and the ratios. The open releases' query is checked
# to read the status index (EXPLAIN QUERY PLAN) and to give the same ids as the sqlite3 shell
# before it is timed.
# Target: each `beaver __complete` under 100 ms.
# usage: tests/bench/complete.sh [path/to/beaver] [releases]   (needs hyperfine, jq, sqlite3)
set -euo pipefail
[ -n "${BENCH_DEBUG:-}" ] && set -x
BEAVER=$(realpath "${1:-build/beaver}")
releases=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/beaver-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export BEAVER_HOME=$work/home BEAVER_DATA_DIR=$(dirname "$(dirname "$here")")
export BEAVER_POLICY=$here/../integration/policy.yaml BEAVER_USER=ann
export BEAVER_NOW=2026-11-24T10:30:00+08:00

"$BEAVER" user add ann --team platform --role admin >/dev/null
echo "seeding $releases releases..."
"$BEAVER" dev seed --releases "$releases" --teams 20 --seed 1 --since 2025-11-24 >/dev/null
db=$BEAVER_HOME/beaver.db

# The statements beaver runs for the open releases and for the services, as its store writes them
# (core/store/sql_releases.cpp, sql_transaction.cpp).
columns="id, service, env, version, git_commit, package_sha256, type, status, category, reason,
  submitter, submitted_at, approved_at, deployed_at, closed_by, close_comment, closed_at,
  policy_sha256, reviewed_by, reviewed_at, review_notes"
open_sql="SELECT $columns FROM releases WHERE id IN (SELECT id FROM releases WHERE status IN
  ('submitted', 'approved') ORDER BY id DESC LIMIT 1000) ORDER BY id DESC"
services_sql="SELECT name, team, created_at FROM services ORDER BY name"

plan=$(sqlite3 "$db" "EXPLAIN QUERY PLAN $open_sql")
if ! grep -q 'COVERING INDEX releases_by_status' <<<"$plan"; then
  echo "the open releases' query does not pick them from the status index:" >&2
  echo "$plan" >&2
  exit 1
fi
"$BEAVER" __complete deploy "" | cut -f1 >"$work/beaver-open.txt"
sqlite3 "$db" "SELECT id FROM ($open_sql)" >"$work/sql-open.txt"
if ! cmp -s "$work/beaver-open.txt" "$work/sql-open.txt"; then
  echo "beaver and sqlite3 disagree on the open releases:" >&2
  diff "$work/beaver-open.txt" "$work/sql-open.txt" | head -20 >&2
  exit 1
fi
[ -s "$work/beaver-open.txt" ] || { echo "the seeded ledger has no open release" >&2; exit 1; }
echo "$(sqlite3 "$db" "SELECT count(*) FROM releases WHERE status IN ('submitted', 'approved')") open" \
  "releases among $releases, the newest $(wc -l <"$work/beaver-open.txt") offered; their ids come" \
  "from the status index alone"

hyperfine -N --warmup 3 --runs 30 --export-json "$work/complete.json" \
  -n release-id "$BEAVER __complete deploy ''" \
  -n sqlite3-open "sqlite3 $db \"$(tr '\n' ' ' <<<"$open_sql")\"" \
  -n service "$BEAVER __complete status ''" \
  -n sqlite3-services "sqlite3 $db '$services_sql'" \
  -n subcommand "$BEAVER __complete rel" \
  >/dev/null
jq -r '"__complete on a ledger of " + ($n | tostring) + " releases (target: < 100 ms each):",
  ([.results[] | {(.command): .}] | add) as $r
  | ("  release id (open releases)   " + ($r["release-id"].mean * 1000 | . * 10 | round / 10 | tostring) + " ms; sqlite3, the same query " + ($r["sqlite3-open"].mean * 1000 | . * 10 | round / 10 | tostring) + " ms; beaver / it = " + ($r["release-id"].mean / $r["sqlite3-open"].mean * 100 | round / 100 | tostring) + "x"),
    ("  service                      " + ($r.service.mean * 1000 | . * 10 | round / 10 | tostring) + " ms; sqlite3, the same query " + ($r["sqlite3-services"].mean * 1000 | . * 10 | round / 10 | tostring) + " ms; beaver / it = " + ($r.service.mean / $r["sqlite3-services"].mean * 100 | round / 100 | tostring) + "x"),
    ("  subcommand (no lookup)       " + ($r.subcommand.mean * 1000 | . * 10 | round / 10 | tostring) + " ms"),
    ("  target: " + (if ([$r["release-id"].mean, $r.service.mean] | max) < 0.1 then "met" else "NOT met" end))' \
  --argjson n "$releases" "$work/complete.json"
