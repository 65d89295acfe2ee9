#!/usr/bin/env bash
# Report benchmark: seeds 1,000,000 releases and their deploy runs (`beaver dev seed`), then
# times `beaver report --by week -o json` over a year against the same weekly figures (releases
# and deploys) written by hand as SQL and run by the sqlite3 shell on the same file, with
# hyperfine, and prints both times and the ratio. The hand SQL is checked to give the same
# figures as beaver before it is timed.
# Targets: beaver at most 1.3 times the raw SQL, and under one second.
# The same report is then timed on PostgreSQL, when it is installed. Reports by team
# and by approver, which read more than the releases' own rows, are timed on both stores too
# (no target of their own).
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
# The deploy figures by the week a run ended: the runs that ended since the start of the period
# read once with the place, type and commit time each run carries of its release (migration
# 0011), each place's successful deploys in order with the one after each (a window), a
# failure's next successful deploy by an index on them.
cat >"$work/deploys.sql" <<SQL
CREATE TEMP TABLE runs AS
  SELECT d.id, d.status = 'deployed' AS good, unixepoch(d.started_at) AS s,
         unixepoch(d.finished_at) AS f, d.service || ' ' || d.env AS place,
         d.release_type IN ('emergency', 'rollback') AS repair, d.release_rolled_back AS retired,
         unixepoch(d.commit_time) AS c
  FROM deploys d
  WHERE d.finished_at >= '$since' AND d.status IN ('deployed', 'failed', 'rolled_back');
CREATE TEMP TABLE good (id INTEGER PRIMARY KEY, place TEXT, f INTEGER, next_repair INTEGER);
INSERT INTO good SELECT id, place, f, lead(repair) OVER (PARTITION BY place ORDER BY f, id)
  FROM runs WHERE good;
CREATE INDEX temp.good_at ON good (place, f, id);
CREATE TEMP TABLE dw AS
  SELECT d - (d + 3) % 7 AS monday, *
  FROM (SELECT (r.f + 28800) / 86400 AS d, r.*, r.f - r.s AS duration,
          CASE WHEN r.good THEN r.f - r.c END AS lead,
          CASE WHEN NOT r.good THEN (SELECT min(g.f) FROM good g WHERE g.place = r.place
            AND (g.f, g.id) > (r.f, r.id)) - r.f END AS restore,
          NOT r.good OR r.retired OR coalesce(g.next_repair, 0) AS failed_change
        FROM runs r LEFT JOIN good g ON g.id = r.id WHERE r.f < unixepoch('$until'));
CREATE TEMP VIEW ranked AS
  SELECT monday, m, max(CASE WHEN k = (total + 1) / 2 THEN v END) AS median,
         max(CASE WHEN k = (9 * total + 9) / 10 THEN v END) AS p90
  FROM (SELECT monday, m, v, row_number() OVER (PARTITION BY monday, m ORDER BY v) AS k,
               count(*) OVER (PARTITION BY monday, m) AS total
        FROM (SELECT monday, 0 AS m, duration AS v FROM dw
              UNION ALL SELECT monday, 1, lead FROM dw WHERE lead IS NOT NULL
              UNION ALL SELECT monday, 2, restore FROM dw WHERE restore IS NOT NULL))
  GROUP BY monday, m;
CREATE TEMP VIEW deploy_weeks AS
  SELECT strftime('%Y', (c.monday + 3) * 86400, 'unixepoch') || '-W' ||
           printf('%02d', (strftime('%j', (c.monday + 3) * 86400, 'unixepoch') - 1) / 7 + 1) AS week,
         c.*, du.median AS duration_median, du.p90 AS duration_p90, re.median AS restore_median,
         le.median AS lead_median, le.p90 AS lead_p90
  FROM (SELECT monday, count(*) AS ended, sum(good) AS deploys,
               sum(failed_change) AS failed_changes, sum(NOT good) AS failures,
               sum(NOT good AND restore IS NULL) AS still_open, count(restore) AS restored
        FROM dw GROUP BY monday) c
  LEFT JOIN ranked du ON du.monday = c.monday AND du.m = 0
  LEFT JOIN ranked le ON le.monday = c.monday AND le.m = 1
  LEFT JOIN ranked re ON re.monday = c.monday AND re.m = 2;
SQL
cat >"$work/report.sql" <<SQL
.read $work/weekly.sql
.read $work/deploys.sql
SELECT * FROM deploy_weeks ORDER BY monday;
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

# The reference point: the raw weekly counts by type alone, one aggregate.
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
"$BEAVER" "${args[@]}" | jq -c '.groups[] | [.key, .dora.deploys_ended, .dora.deploys,
  .dora.failed_changes, .dora.failures, .dora.still_open, .dora.restored,
  .deploy_duration_seconds.median, .deploy_duration_seconds.p90,
  (.dora.time_to_restore_hours // null | if . then . * 3600 | round else . end),
  (.dora.lead_time_hours.median // null | if . then . * 3600 | round else . end),
  (.dora.lead_time_hours.p90 // null | if . then . * 3600 | round else . end)]' \
  >"$work/beaver-deploys.txt"
sqlite3 -json "$db" ".read $work/deploys.sql" "SELECT * FROM deploy_weeks ORDER BY monday" |
  jq -c '.[] | [.week, .ended, .deploys, .failed_changes, .failures, .still_open, .restored,
    .duration_median, .duration_p90, .restore_median, .lead_median, .lead_p90]' \
  >"$work/sql-deploys.txt"
if ! diff -q "$work/beaver-deploys.txt" "$work/sql-deploys.txt" >/dev/null; then
  echo "beaver and the hand SQL disagree on deploy figures:" >&2
  diff "$work/beaver-deploys.txt" "$work/sql-deploys.txt" | head -20 >&2
  exit 1
fi
echo "beaver and the hand SQL agree on $(wc -l <"$work/beaver.txt") weeks of releases and" \
  "$(wc -l <"$work/beaver-deploys.txt") weeks of deploys"

hyperfine -N --warmup 1 --runs 5 --export-json "$work/report.json" \
  -n beaver "$BEAVER ${args[*]}" \
  -n sqlite3 "sqlite3 $db '.read $work/report.sql'" \
  -n sqlite3-counts "sqlite3 $db '.read $work/counts.sql'" \
  >/dev/null
jq -r '"report --by week -o json over " + ($n | tostring) + " releases and their deploy runs (targets: <= 1.3x and < 1000 ms):",
  ([.results[] | {(.command): .}] | add) as $r
  | ("  beaver                               " + ($r.beaver.mean * 1000 | round | tostring) + " ms (user " + ($r.beaver.user * 1000 | round | tostring) + " ms)"),
    ("  sqlite3, the same figures by hand    " + ($r.sqlite3.mean * 1000 | round | tostring) + " ms, beaver / it = " + ($r.beaver.mean / $r.sqlite3.mean * 100 | round / 100 | tostring) + "x"),
    ("  sqlite3, weekly counts by type only  " + ($r["sqlite3-counts"].mean * 1000 | round | tostring) + " ms, beaver / it = " + ($r.beaver.mean / $r["sqlite3-counts"].mean * 100 | round / 100 | tostring) + "x")' \
  --argjson n "$releases" "$work/report.json"

# time_by BY NAME: `beaver report --by BY` over the same year, on the store of the environment.
time_by() {
  local a=(report --since 2025-11-24 --until 2026-11-22 --by "$1" -o json)
  hyperfine -N --warmup 1 --runs 3 --export-json "$work/by-$1.json" -n "$1" "$BEAVER ${a[*]}" \
    >/dev/null
  jq -r --arg name "$2" '.results[0] | "  " + ($name + (" " * 37))[0:37] + (.mean * 1000 | round | tostring)
    + " ms (user " + (.user * 1000 | round | tostring) + " ms)"' "$work/by-$1.json"
}
time_by team "report --by team, SQLite"
time_by approver "report --by approver, SQLite"

# The same report on PostgreSQL, the same ledger copied there (`beaver db copy`, which
# also VACUUMs and ANALYZEs what it filled), checked to give the same JSON, then timed.
# Target: under one second. Skipped without PostgreSQL.
source "$here/../pg/pg_harness.sh"
if ! reason=$(pg_available); then
  echo "PostgreSQL part skipped: $reason"
  exit 0
fi
pg_start "$work"
trap 'pg_stop; rm -rf "$work"' EXIT
start=$(date +%s%N)
"$BEAVER" db copy --from "$db" --to "$PG_URL" >/dev/null
echo "db copy into PostgreSQL: $((($(date +%s%N) - start) / 1000000)) ms"
"$BEAVER" "${args[@]}" >"$work/lite.json"
BEAVER_DATABASE=$PG_URL "$BEAVER" "${args[@]}" >"$work/pg.json"
cmp -s "$work/lite.json" "$work/pg.json" || { echo "the report differs on PostgreSQL" >&2; exit 1; }
BEAVER_DATABASE=$PG_URL hyperfine -N --warmup 1 --runs 5 --export-json "$work/pg-report.json" \
  -n beaver-postgresql "$BEAVER ${args[*]}" >/dev/null
jq -r '.results[0] | "  beaver on PostgreSQL                 " + (.mean * 1000 | round | tostring)
  + " ms (user " + (.user * 1000 | round | tostring) + " ms; target < 1000 ms: "
  + (if .mean < 1 then "met" else "NOT met" end) + ")"' "$work/pg-report.json"
for by in team approver; do
  a=(report --since 2025-11-24 --until 2026-11-22 --by "$by" -o json)
  "$BEAVER" "${a[@]}" >"$work/lite-$by.json"
  BEAVER_DATABASE=$PG_URL "$BEAVER" "${a[@]}" >"$work/pg-$by.json"
  cmp -s "$work/lite-$by.json" "$work/pg-$by.json" ||
    { echo "the report by $by differs on PostgreSQL" >&2; exit 1; }
done
BEAVER_DATABASE=$PG_URL time_by team "report --by team, PostgreSQL"
BEAVER_DATABASE=$PG_URL time_by approver "report --by approver, PostgreSQL"
