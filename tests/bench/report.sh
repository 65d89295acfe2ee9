#!/usr/bin/env bash
# Report benchmark: seeds 1,000,000 releases (`beaver dev seed`), then times
# `beaver report --by week -o json` over a year against the same weekly figures written by hand
# as SQL and run by the sqlite3 shell on the same file, with hyperfine, and prints both times and
# the ratio. The hand SQL is checked to give the same figures as beaver before it is timed.
# Targets (issue 7): beaver at most 1.3 times the raw SQL, and under one second.
# usage: tests/bench/report.sh [path/to/beaver] [releases]   (needs hyperfine, jq, sqlite3)
set -euo pipefail
[ -n "${BENCH_DEBUG:-}" ] && set -x
BEAVER=$(realpath "${1:-build/beaver}")
releases=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/beaver-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export BEAVER_HOME=$work/home BEAVER_DATA_DIR=$(dirname "$(dirname "$here")")
# Asia/Shanghai (UTC+8 all year); prod windows Mon-Thu 10:00-17:00 and the National Day freeze;
# night 22:00-07:00; review deadline 72h. The hand SQL below is written for exactly this policy.
export BEAVER_POLICY=$here/../integration/policy.yaml BEAVER_USER=ann
export BEAVER_NOW=2026-11-24T10:30:00+08:00

"$BEAVER" user add ann --team platform --role admin >/dev/null
echo "seeding $releases releases..."
"$BEAVER" dev seed --releases "$releases" --teams 20 --seed 1 --since 2025-11-24
db=$BEAVER_HOME/beaver.db
args=(report --since 2025-11-24 --until 2026-11-22 --by week -o json)
# The period in UTC: Shanghai midnights.
since=2025-11-23T16:00:00Z until=2026-11-22T16:00:00Z now=2026-11-24T02:30:00Z

# The same figures by hand, as plainly as a competent person writes them for the sqlite3 shell:
# the period's releases read once into a temporary table with their local time by '+8 hours'
# (as day numbers: weeks by their Monday, ISO week names only for the 52 results), the waits
# likewise, and the percentiles by window functions.
cat >"$work/weekly.sql" <<SQL
CREATE TEMP TABLE w AS
  SELECT id, type, status, env, category, approved_at, submitted_at, reviewed_at, deployed_at,
         d - (d + 3) % 7 AS monday, (d + 4) % 7 AS wd, ls % 86400 / 60 AS minute, ls
  FROM (SELECT *, ls / 86400 AS d
        FROM (SELECT *, unixepoch(submitted_at) + 28800 AS ls FROM releases
              WHERE submitted_at >= '$since' AND submitted_at < '$until' AND status != 'cancelled'));
CREATE TEMP TABLE waits AS
  SELECT monday, unixepoch(approved_at) - unixepoch(submitted_at) AS wait FROM w
  WHERE approved_at IS NOT NULL
    AND (approved_at > submitted_at OR EXISTS (SELECT 1 FROM approvals x WHERE x.release_id = w.id));
CREATE TEMP VIEW counts AS
  SELECT strftime('%Y', (monday + 3) * 86400, 'unixepoch') || '-W' ||
           printf('%02d', (strftime('%j', (monday + 3) * 86400, 'unixepoch') - 1) / 7 + 1) AS week, *
  FROM (SELECT monday, count(*) AS releases, sum(type = 'normal') AS normal,
    sum(type = 'emergency') AS emergency, sum(type = 'rollback') AS rollback,
    sum(status = 'rejected') AS rejected, sum(status = 'deployed') AS deployed,
    sum(status IN ('failed', 'rolled_back')) AS failed,
    sum(env = 'prod' AND (NOT (wd BETWEEN 1 AND 4 AND minute >= 600 AND minute < 1020)
                          OR (ls >= unixepoch('2026-09-30') AND ls < unixepoch('2026-10-08'))))
      AS outside_windows,
    sum(minute >= 1320 OR minute < 420) AS at_night, sum(wd IN (0, 6)) AS at_weekend,
    sum(CASE WHEN type = 'emergency' AND reviewed_at IS NULL THEN status IN ('approved',
        'deploying', 'deployed', 'failed', 'rolled_back', 'interrupted')
        AND unixepoch(COALESCE(deployed_at, approved_at)) + 259200 < unixepoch('$now') END)
      AS owing_review
  FROM w GROUP BY monday);
CREATE TEMP VIEW percentiles AS
  SELECT monday, max(total) AS approved, max(CASE WHEN n = (total + 1) / 2 THEN wait END) AS median,
         max(CASE WHEN n = (9 * total + 9) / 10 THEN wait END) AS p90
  FROM (SELECT monday, wait, row_number() OVER (PARTITION BY monday ORDER BY wait) AS n,
               count(*) OVER (PARTITION BY monday) AS total FROM waits)
  WHERE n = (total + 1) / 2 OR n = (9 * total + 9) / 10 GROUP BY monday;
SQL
cat >"$work/report.sql" <<SQL
.read $work/weekly.sql
SELECT c.*, p.approved, p.median, p.p90 FROM counts c LEFT JOIN percentiles p USING (monday)
  ORDER BY monday;
-- The whole period: its percentiles, categories and emergency approvers.
SELECT max(total), max(CASE WHEN n = (total + 1) / 2 THEN wait END),
       max(CASE WHEN n = (9 * total + 9) / 10 THEN wait END)
  FROM (SELECT wait, row_number() OVER (ORDER BY wait) AS n, count(*) OVER () AS total FROM waits);
SELECT category, count(*) FROM w WHERE type = 'emergency' GROUP BY category;
SELECT a.approver, count(DISTINCT w.id) FROM w JOIN approvals a ON a.release_id = w.id
  WHERE w.type = 'emergency' GROUP BY a.approver;
SQL

# The issue's reference point: the raw weekly counts by type alone, one aggregate.
cat >"$work/counts.sql" <<SQL
SELECT strftime('%Y', (monday + 3) * 86400, 'unixepoch') || '-W' ||
         printf('%02d', (strftime('%j', (monday + 3) * 86400, 'unixepoch') - 1) / 7 + 1), *
  FROM (SELECT d - (d + 3) % 7 AS monday, count(*), sum(type = 'normal'),
               sum(type = 'emergency'), sum(type = 'rollback')
        FROM (SELECT type, (unixepoch(submitted_at) + 28800) / 86400 AS d FROM releases
              WHERE submitted_at >= '$since' AND submitted_at < '$until' AND status != 'cancelled')
        GROUP BY monday)
  ORDER BY monday;
SQL

# The hand SQL must agree with beaver, week by week, before either is timed.
"$BEAVER" "${args[@]}" | jq -c '.groups[] | [.key, .totals.releases, .totals.normal,
  .totals.emergency, .totals.rollback, .totals.rejected, .totals.outside_windows,
  .totals.at_night, .totals.at_weekend, .totals.owing_review, .totals.approval_wait.approved,
  .totals.approval_wait.median_seconds, .totals.approval_wait.p90_seconds]' >"$work/beaver.txt"
sqlite3 -json "$db" ".read $work/weekly.sql" "SELECT c.*, p.approved, p.median, p.p90 FROM counts c
  LEFT JOIN percentiles p USING (monday) ORDER BY monday" |
  jq -c '.[] | [.week, .releases, .normal, .emergency, .rollback, .rejected, .outside_windows,
    .at_night, .at_weekend, .owing_review, (.approved // 0), .median, .p90]' >"$work/sql.txt"
if ! diff -q "$work/beaver.txt" "$work/sql.txt" >/dev/null; then
  echo "beaver and the hand SQL disagree:" >&2
  diff "$work/beaver.txt" "$work/sql.txt" | head -20 >&2
  exit 1
fi
echo "beaver and the hand SQL agree on $(wc -l <"$work/beaver.txt") weeks"

hyperfine -N --warmup 1 --runs 5 --export-json "$work/report.json" \
  -n beaver "$BEAVER ${args[*]}" \
  -n sqlite3 "sqlite3 $db '.read $work/report.sql'" \
  -n sqlite3-counts "sqlite3 $db '.read $work/counts.sql'" \
  >/dev/null
jq -r '"report --by week -o json over " + ($n | tostring) + " releases (targets: <= 1.3x and < 1000 ms):",
  ([.results[] | {(.command): .}] | add) as $r
  | ("  beaver                               " + ($r.beaver.mean * 1000 | round | tostring) + " ms (user " + ($r.beaver.user * 1000 | round | tostring) + " ms)"),
    ("  sqlite3, the same figures by hand    " + ($r.sqlite3.mean * 1000 | round | tostring) + " ms, beaver / it = " + ($r.beaver.mean / $r.sqlite3.mean * 100 | round / 100 | tostring) + "x"),
    ("  sqlite3, weekly counts by type only  " + ($r["sqlite3-counts"].mean * 1000 | round | tostring) + " ms, beaver / it = " + ($r.beaver.mean / $r["sqlite3-counts"].mean * 100 | round / 100 | tostring) + "x")' \
  --argjson n "$releases" "$work/report.json"
