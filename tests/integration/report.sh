#!/usr/bin/env bash
# beaver report on a small fixed history whose every figure was worked out by hand, checked in
# every output format (JSON by jq, CSV read back by Python's csv module, the terminal table, the
# HTML page); bad input; beaver dev seed's determinism and audit entry.
source "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
export BEAVER_POLICY="$here/policy.yaml"  # Asia/Shanghai; prod windows Mon-Thu 10:00-17:00

at() { BEAVER_ENV="BEAVER_NOW=$1"; }
ok user add ann --team platform --role admin --as ann
ok user add bob --team payments --role developer --as ann
ok user add dan --team payments --role developer --as ann
ok user add lea --team payments --role leader --as ann
ok service add hello-service --team payments --as ann

# The history (Shanghai times), report judged at Wed 2026-11-25 12:00:
#  1 normal    prod Tue 11-24 11:00  dan approves 11:30 (wait 1800 s)
#  2 emergency prod Sat 11-21 23:30  hotfix; lea approves 23:50 (1200 s); night, weekend, outside
#                                    windows; its review was due 11-24 23:50: owed
#  3 emergency prod Wed 11-25 09:00  security; rejected; outside windows (before 10:00)
#  4 normal    test Sun 11-22 14:00  approved on submit; weekend
#  5 normal    test Mon 11-23 08:00  cancelled: counts nowhere
at 2026-11-24T11:00:00+08:00; ok release submit hello-service --env prod --version 1.0.0 --as bob
at 2026-11-24T11:30:00+08:00; ok release approve 1 --as dan
at 2026-11-21T23:30:00+08:00
ok release submit hello-service --env prod --version 1.0.1 --emergency --category hotfix --reason "pay <down> & \"out\"" --as bob
at 2026-11-21T23:50:00+08:00; ok release approve 2 --as lea
at 2026-11-25T09:00:00+08:00
ok release submit hello-service --env prod --version 1.0.2 --emergency --category security --reason leak --as bob
at 2026-11-25T09:10:00+08:00; ok release reject 3 --comment "not like this" --as lea
at 2026-11-22T14:00:00+08:00; ok release submit hello-service --env test --version 1.0.3 --as bob
at 2026-11-23T08:00:00+08:00; ok release submit hello-service --env test --version 1.0.4 --as bob
ok release cancel 5 --as bob
at 2026-11-25T12:00:00+08:00
period=(--since 2026-11-16 --until 2026-11-29)

# JSON: every figure by its stable name.
ok report "${period[@]}" -o json --as ann
expect_eq "$(jq -c '[.since, .until, .by]' <<<"$OUT")" '["2026-11-15T16:00:00Z","2026-11-29T16:00:00Z","none"]' "json period"
expect_eq "$(jq -c '.totals | [.releases, .normal, .emergency, .rollback, .emergency_ratio, .rejected, .deployed, .failed]' <<<"$OUT")" \
  "[4,2,2,0,0.5,1,0,0]" "json counts"
expect_eq "$(jq -c '.totals | [.outside_windows, .at_night, .at_weekend, .owing_review]' <<<"$OUT")" "[2,1,2,1]" "json clock figures"
expect_eq "$(jq -c '.totals.approval_wait' <<<"$OUT")" '{"approved":2,"median_seconds":1200,"p90_seconds":1800}' "json approval wait"
expect_eq "$(jq -c '[.emergency_by_category, .emergency_by_approver]' <<<"$OUT")" '[{"hotfix":1,"security":1},{"lea":1}]' "json by category and approver"
ok report "${period[@]}" --by week -o json --as ann
expect_eq "$(jq -c '[.groups[] | [.key, .totals.releases, .totals.at_weekend]]' <<<"$OUT")" '[["2026-W47",2,2],["2026-W48",2,0]]' "json weeks"
ok report "${period[@]}" --by approver -o json --as ann
expect_eq "$(jq -c '[.groups[] | [.key, .totals.releases, .totals.approval_wait.median_seconds]], .totals.releases' <<<"$OUT" | tr -d '\n')" \
  '[["dan",1,1800],["lea",1,1200]]4' "json approvers"

# CSV, read back by a real CSV parser: a header row, one row per group and the total row.
ok report "${period[@]}" --by env -o csv --as ann
cp "$WORK/out" "$WORK/report.csv"
csv=$(python3 - "$WORK/report.csv" <<'PY'
import csv, io, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    raw = f.read()
assert raw.endswith('\r\n') and '\n' not in raw.replace('\r\n', ''), 'RFC 4180 lines end in CRLF'
rows = list(csv.DictReader(io.StringIO(raw, newline='')))
by = {r['env']: r for r in rows}
t, prod, test = by['(total)'], by['prod'], by['test']
print(len(rows), t['releases'], t['emergency_ratio'], t['outside_windows'], t['at_night'],
      t['at_weekend'], t['owing_review'], t['approved'], t['approval_wait_median_seconds'],
      t['approval_wait_p90_seconds'], prod['releases'], test['releases'],
      repr(test['approval_wait_median_seconds']))
PY
)
expect_eq "$csv" "3 4 0.5 2 1 2 1 2 1200 1800 3 1 ''" "csv read back"

# The terminal: two tables that fit 100 columns, the total row in each.
ok report "${period[@]}" --by team --as ann
expect_match "$OUT" "\(total\) +4 +2 +2 +0 +0\.50 +1 +0 +0" "table counts"
expect_match "$OUT" "\(total\) +2 +1 +2 +1 +2 +20m00s +30m00s" "table clock figures and waits"
expect_match "$OUT" "emergencies by approver: lea 1" "table approvers"
longest=$(printf '%s\n' "$OUT" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
[ "$longest" -le 100 ] || fail "a table line is $longest columns wide"

# HTML: one self-contained page with the four charts and nothing fetched from elsewhere.
ok report "${period[@]}" --by category -o html --as ann
cp "$WORK/out" "$WORK/report.html"
expect_eq "$(grep -o '<svg' "$WORK/report.html" | wc -l | tr -d ' ')" "5" "five SVG charts"
for title in "Releases per week, by type" "Share of emergencies per week, by team" \
  "Emergencies by reason category" "Emergencies by approver" "Releases by weekday and hour"; do
  grep -q "<title>$title" "$WORK/report.html" || fail "no chart '$title'"
done
for outside in 'http://' 'https://' 'src=' '<script' '@import' 'url(' '<link'; do
  ! grep -qi -- "$outside" "$WORK/report.html" || fail "the page holds '$outside'"
done
python3 -c "import html.parser,sys; html.parser.HTMLParser().feed(open(sys.argv[1]).read())" "$WORK/report.html" ||
  fail "the page does not parse"
expect_match "$(cat "$WORK/report.html")" "<td>hotfix</td><td>1</td>" "html group row"

# Deploys by the week, weekday and hour they ended, across a week boundary in Shanghai. Four
# releases to test (approved on submit), each with a registered package, and their deploy runs as
# `beaver deploy` records them (a run row, the release's state and deployed_at): a real deploy
# needs a built service and hosts, which deploy.sh drives. Shanghai times; weeks W49 = Mon 11-30
# .. Sun 12-06 and W50 = Mon 12-07 .. Sun 12-13, the period both (14 days):
#  6 2.0.0 commit 12-06 20:00  Sun 12-06 23:20 -> 23:30 deployed (600 s): W49, 7 sun, 23
#  7 2.1.0 commit 12-06 21:00  Sun 12-06 23:55 -> Mon 12-07 00:10 failed (900 s): W50, 1 mon, 00
#    (in UTC it ended on Sunday 16:10, in W49)
#  8 2.1.1 commit 12-07 08:00  Mon 12-07 10:00 -> 10:05 deployed (300 s): W50, 1 mon, 10;
#    restores 7 after 35700 s; its change failed, as the next deploy is an emergency
#  9 2.2.0 emergency hotfix, commit 12-09 21:00, Wed 12-09 22:00 -> 22:03 deployed (180 s)
# Lead times: 6 12600 s, 8 7500 s, 9 3780 s.
deployed_run() {  # release start end status (UTC)
  sqlite3 "$BEAVER_HOME/beaver.db" "INSERT INTO deploys (release_id, actor, status, batches,
      started_at, finished_at) VALUES ($1, 'ann', '$4', '100%', '$2', '$3');
    UPDATE releases SET status = '$4', deployed_at = CASE WHEN '$4' = 'deployed' THEN '$3' END
      WHERE id = $1;"
}
submit_packaged() {  # version commit-time(UTC) submit-time(Shanghai) [submit options]
  local version=$1 commit=$2 when=$3 file sha
  shift 3
  file="$WORK/hello-service-$version.tar.gz"
  echo "hello-service $version" >"$file"
  sha=$(sha256sum "$file" | cut -d' ' -f1)
  # Registered and kept as beaver package would have: not a real archive, so never checked again.
  mkdir -p "$BEAVER_HOME/packages"
  cp "$file" "$BEAVER_HOME/packages/$sha.tar.gz"
  sqlite3 "$BEAVER_HOME/beaver.db" "INSERT INTO packages (sha256, service, version, file_name,
      size, git_commit, commit_time, allow_dirty, builder, registered_at, manifest_json)
    VALUES ('$sha', 'hello-service', '$version', 'hello-service-$version.tar.gz', 1, 'abcdef1',
      '$commit', 0, 'bob', '$commit', '{}')"
  at "$when"
  ok release submit hello-service --env test --package "$file" "$@" --as bob
}
submit_packaged 2.0.0 2026-12-06T12:00:00Z 2026-12-06T23:00:00+08:00
submit_packaged 2.1.0 2026-12-06T13:00:00Z 2026-12-06T23:40:00+08:00
submit_packaged 2.1.1 2026-12-07T00:00:00Z 2026-12-07T09:50:00+08:00
submit_packaged 2.2.0 2026-12-09T13:00:00Z 2026-12-09T21:50:00+08:00 --emergency --category hotfix --reason down
deployed_run 6 2026-12-06T15:20:00Z 2026-12-06T15:30:00Z deployed
deployed_run 7 2026-12-06T15:55:00Z 2026-12-06T16:10:00Z failed
deployed_run 8 2026-12-07T02:00:00Z 2026-12-07T02:05:00Z deployed
deployed_run 9 2026-12-09T14:00:00Z 2026-12-09T14:03:00Z deployed
at 2026-12-14T12:00:00+08:00
december=(--since 2026-11-30 --until 2026-12-13)

# JSON: each week's, weekday's and hour's deploy figures, by their stable names.
dora='[.key, .dora.deploys, .dora.deployment_frequency, .dora.deploys_ended, .dora.failed_changes,
  .dora.change_failure_rate, .dora.failures, .dora.restored, .dora.time_to_restore_hours,
  .dora.still_open, .dora.lead_time_hours, .deploy_duration_seconds]'
ok report "${december[@]}" --by week -o json --as ann
expect_eq "$(jq -c ".groups[] | $dora" <<<"$OUT" | tr -d '\n')" \
  '["2026-W49",1,0.14285714285714285,1,0,0,0,0,null,0,{"median":3.5,"p90":3.5},{"median":600,"p90":600}]'\
'["2026-W50",2,0.2857142857142857,3,2,0.6666666666666666,1,1,9.916666666666666,0,{"median":1.05,"p90":2.0833333333333335},{"median":300,"p90":900}]' \
  "json deploys by week"
expect_eq "$(jq -c "[.dora.deploys, .dora.deployment_frequency, .dora.change_failure_rate, .dora.time_to_restore_hours]" <<<"$OUT")" \
  '[3,0.21428571428571427,0.5,9.916666666666666]' "json deploys of the period"
ok report "${december[@]}" --by weekday -o json --as ann
expect_eq "$(jq -c '[.groups[] | [.key, .totals.releases, .dora.deploys_ended, .dora.deployment_frequency, .dora.change_failure_rate]]' <<<"$OUT")" \
  '[["1 mon",1,2,0.5,1],["3 wed",1,1,0.5,0],["7 sun",2,1,0.5,0]]' "json deploys by weekday"
ok report "${december[@]}" --by hour -o json --as ann
expect_eq "$(jq -c '[.groups[] | [.key, .totals.releases, .dora.deploys_ended, .dora.deploys, .dora.failures]]' <<<"$OUT")" \
  '[["00",0,1,0,1],["09",1,0,0,0],["10",0,1,1,0],["21",1,0,0,0],["22",0,1,1,0],["23",2,1,1,0]]' \
  "json deploys by hour"

# CSV read back by a CSV parser: the deploy columns of each week and of the total row.
ok report "${december[@]}" --by week -o csv --as ann
cp "$WORK/out" "$WORK/deploys.csv"
csv=$(python3 - "$WORK/deploys.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.DictReader(f))
for r in rows:
    print(r['week'], r['deploys'], r['deployment_frequency'], r['lead_time_median_hours'],
          r['lead_time_p90_hours'], r['change_failure_rate'], r['deploys_ended'],
          r['failed_changes'], repr(r['time_to_restore_median_hours']), r['failures'],
          r['still_open'], r['deploy_duration_median_seconds'], r['deploy_duration_p90_seconds'])
PY
)
expect_eq "$csv" "2026-W49 1 0.1429 3.5 3.5 0 1 0 '' 0 0 600 600
2026-W50 2 0.2857 1.05 2.0833 0.6667 3 2 '9.9167' 1 0 300 900
(total) 3 0.2143 2.0833 3.5 0.5 4 2 '9.9167' 1 0 300 900" "csv deploys by week, fractions rounded"

# The terminal: the deploy table has a row for each week, and every line fits 100 columns.
ok report "${december[@]}" --by week --as ann
expect_match "$OUT" "2026-W49 +1 +0\.14 +3h30m +3h30m +0\.00 +- +0 +10m00s +10m00s" "table deploys W49"
expect_match "$OUT" "2026-W50 +2 +0\.29 +1h03m +2h05m +0\.67 +9h55m +0 +5m00s +15m00s" "table deploys W50"
longest=$(printf '%s\n' "$OUT" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
[ "$longest" -le 100 ] || fail "a table line is $longest columns wide"

# HTML: the groups' deploy table holds each week's row.
ok report "${december[@]}" --by week -o html --as ann
expect_match "$OUT" "<td>2026-W50</td><td>2</td><td>0\.29</td><td>1h03m</td><td>2h05m</td><td>0\.67</td><td>9h55m</td><td>0</td><td>5m00s</td><td>15m00s</td>" \
  "html deploys by week"
at 2026-11-25T12:00:00+08:00

# An empty period says so, and its JSON has zeros and no waits.
ok report --since 2027-01-01 --until 2027-01-31 --as ann
expect_match "$OUT" "no releases submitted and no deploys ended from 2026-12-31T16:00:00Z to 2027-01-31T16:00:00Z: the report is empty" "empty period"
ok report --since 2027-01-01 --until 2027-01-31 --by week -o json --as ann
expect_eq "$(jq -c '[.totals.releases, .totals.emergency_ratio, .totals.approval_wait.median_seconds, (.groups | length)]' <<<"$OUT")" "[0,0,null,0]" "empty json"
expect_eq "$(jq -c '[.dora.deploys, .dora.deployment_frequency, .dora.lead_time_hours, .dora.change_failure_rate, .dora.time_to_restore_hours, .deploy_duration_seconds]' <<<"$OUT")" \
  "[0,0,null,null,null,null]" "empty json: no deploy figures, no division by zero"
ok report --since 2027-01-01 --until 2027-01-31 -o html --as ann
expect_match "$OUT" "the report is empty" "empty html"

# Bad input: one line, exit 2.
refused 2 "since: '2026-13-01' is not a date" report --since 2026-13-01 --as ann
refused 2 "since: 'yesterday' is not a time in ISO 8601" report --since yesterday --as ann
refused 2 "until: '2026/11/30' is not a date \(YYYY-MM-DD\) or an ISO 8601 time" report --until 2026/11/30 --as ann
refused 2 "--until: the period's end \(2026-11-09T16:00:00Z\) is not after its start \(2026-11-19T16:00:00Z\)" report --since 2026-11-20 --until 2026-11-09 --as ann
refused 2 "cannot group a report by 'weekday_hour'" report --by weekday_hour --as ann
refused 2 "--output: pdf not in \{table,json,csv,html\}" report -o pdf --as ann

# What a manager reads. Three days, Mon 11-23 to Wed 11-25, hold 1 (normal, Tue 11:00) and 3
# (emergency, Wed 09:00, rejected, outside windows); the three days before, Fri 11-20 to Sun
# 11-22, hold 2 (emergency, Sat 23:30: night, weekend, outside windows) and 4 (normal to test,
# Sunday: weekend). 5 was cancelled.
three=(--since 2026-11-23 --until 2026-11-25)
ok report "${three[@]}" -o json --as ann
expect_eq "$(jq -c '[.previous_period.since, .previous_period.until]' <<<"$OUT")" \
  '["2026-11-19T16:00:00Z","2026-11-22T16:00:00Z"]' "the period before, of the same length"
expect_eq "$(jq -c '[.totals, .previous] | map([.releases, .emergency, .rejected, .outside_windows, .at_night, .at_weekend])' <<<"$OUT")" \
  '[[2,1,1,1,0,0],[2,1,0,1,1,2]]' "json: now and before"
expect_eq "$(jq -c '.previous | keys' <<<"$OUT")" "$(jq -c '.totals | keys' <<<"$OUT")" "previous has the keys of totals"
ok report "${three[@]}" --as ann
expect_match "$OUT" "against the period before, from 2026-11-19T16:00:00Z to 2026-11-22T16:00:00Z" "table: the period before"
expect_match "$OUT" "releases +2 +2 +0" "table: releases unchanged"
expect_match "$OUT" "rejected +1 +0 +\+1" "table: one more rejected"
expect_match "$OUT" "at_weekend +0 +2 +-2 \(-100%\)" "table: weekends down"
expect_match "$OUT" 'most written reasons \(security\): "leak" 1' "table: the reason written"
ok report "${three[@]}" -o html --as ann
expect_match "$OUT" "<td>0</td><td>2</td><td>-2 \(-100%\)</td>" "html: the change beside the figure"
expect_match "$OUT" "<summary>Submitted at the weekend</summary>" "html: plain labels, defined a tap away"
! grep -q "OUT-WINDOW" <<<"$OUT" || fail "the HTML page shows a CLI abbreviation"

# By month, on the policy's clock: November's four releases and December's four.
ok report --since 2026-10-01 --until 2026-12-31 --by month -o json --as ann
expect_eq "$(jq -c '[.groups[] | [.key, .totals.releases, .dora.deploys_ended]]' <<<"$OUT")" \
  '[["2026-11",4,0],["2026-12",4,4]]' "json by month"
ok report --since 2026-10-01 --until 2026-12-31 --by month --as ann
expect_match "$OUT" "^MONTH +RELEASES" "table by month"

# The DORA bands of December's deploys: 3 in 14 days is more than one a week (high), a median
# lead time of 2h05m is under a day (elite), 2 failed changes of 4 runs is above 15 % (low), and
# restoring in 9h55m is under a day (high).
ok report "${december[@]}" -o json --as ann
expect_eq "$(jq -c '.dora.bands | [.deployment_frequency, .lead_time, .change_failure_rate, .time_to_restore]' <<<"$OUT")" \
  '["high","elite","low","high"]' "DORA bands"

# A team, a service, an environment; names nobody has are refused with the nearest one.
ok report "${period[@]}" --env test -o json --as ann
expect_eq "$(jq -c '[.scope.env, .totals.releases, .totals.normal]' <<<"$OUT")" '["test",1,1]' "only the test environment"
ok report "${period[@]}" --team payments --as ann
expect_match "$OUT" "^releases submitted from .*, team payments" "the title names the team"
before=$(audit_count)
refused 2 "--team: no team with a service named 'paymnets' \(did you mean 'payments'\?\)" report --team paymnets --as ann
refused 2 "--env: no environment in the policy named 'prd' \(did you mean 'prod'\?\)" report --env prd --as ann
refused 2 "--service: no service 'hello'" report --service hello --as ann
refused 2 "--bom: goes with -o csv only" report --bom --as ann
expect_eq "$(audit_count)" "$before" "refused reports change nothing"

# CSV for Excel: the byte-order mark first, then the very same CSV; both read back by a parser.
ok report "${period[@]}" --by env -o csv --bom --as ann
cp "$WORK/out" "$WORK/bom.csv"
bom=$(python3 - "$WORK/bom.csv" "$WORK/report.csv" <<'PY'
import csv, io, sys
raw = open(sys.argv[1], 'rb').read()
plain = open(sys.argv[2], 'rb').read()
assert raw.startswith(b'\xef\xbb\xbf') and not plain.startswith(b'\xef\xbb\xbf')
assert raw[3:] == plain, 'the same CSV after the mark'
with_bom = list(csv.DictReader(io.StringIO(raw.decode('utf-8-sig'), newline='')))
without = list(csv.DictReader(io.StringIO(plain.decode('utf-8'), newline='')))
assert with_bom == without
naive = next(csv.reader(io.StringIO(raw.decode('utf-8'), newline='')))
print(len(with_bom), with_bom[-1]['env'], with_bom[-1]['emergency_ratio'], repr(naive[0]))
PY
)
expect_eq "$bom" "3 (total) 0.5 '\ufeffenv'" "csv with a BOM read back"

# Why emergencies: one team here, so it is the median; of its two emergencies (2 and 3) both
# came outside the windows, one at night, and one review (2's) is overdue. The two weeks
# before hold no release.
ok report "${period[@]}" --why-emergencies -o json --as ann
expect_eq "$(jq -c '[.median_ratio, (.teams | map([.team, .releases, .emergencies, .from_median, .previous_ratio, .categories, .outside_windows, .at_night, .failed, .owing_review]))]' <<<"$OUT")" \
  '[0.5,[["payments",4,2,0,null,{"hotfix":1,"security":1},2,1,0,1]]]' "why emergencies, json"
ok report "${period[@]}" --why-emergencies --as ann
expect_match "$OUT" "^payments: 2 of 4 releases were emergencies \(50%, \+0 points from the median; no release the period before\)$" \
  "why emergencies, table"
expect_match "$OUT" "^  outside the windows 2 \(100%\), at night 1 \(50%\), failed or rolled back 0 \(0%\), reviews overdue 1 \(50%\)$" \
  "why emergencies: their shares"
refused 2 "--why-emergencies: covers every team" report --why-emergencies --by team --as ann
refused 2 "--why-emergencies: is shown as a table or as JSON, not as csv" report --why-emergencies -o csv --as ann

# Every figure the help defines is defined in the report reference too, word for word.
ok report --help
help=$(printf '%s\n' "$OUT" | sed -n '/^Figures/,/^Examples:$/{/^Examples:$/d;p}')
[ -n "$help" ] || fail "report --help defines no figures"
while IFS= read -r line; do
  grep -qF -- "$line" "$BEAVER_DATA_DIR/docs/reference/report.md" ||
    fail "docs/reference/report.md lacks the help line: $line"
done <<<"$help"

# beaver dev seed: refused on a ledger with releases, and for a non-admin.
refused 1 "the ledger already holds releases" dev seed --releases 10 --as ann
refused 2 "--releases: the number of releases must be from 1 to 10000000, not 0" dev seed --releases 0 --as ann
for n in 1 2; do
  home="$WORK/seed$n"
  BEAVER_HOME=$home "$BEAVER_BIN" user add ann --team platform --role admin --as ann >/dev/null
  BEAVER_HOME=$home "$BEAVER_BIN" user add eve --team ops --role developer --as ann >/dev/null
done
BEAVER_ENV="BEAVER_HOME=$WORK/seed1"
refused 1 "only an admin seeds" dev seed --releases 10 --as eve
for n in 1 2; do
  BEAVER_ENV="BEAVER_HOME=$WORK/seed$n"
  ok dev seed --releases 3000 --teams 3 --seed 42 --since 2026-01-01 --until 2026-03-31 --as ann
  expect_match "$OUT" "^3000 releases seeded \(ids 1 to 3000\)" "seed summary"
done
dump() { sqlite3 "$WORK/seed$1/beaver.db" "SELECT * FROM releases; SELECT * FROM approvals;
  SELECT * FROM deploys; SELECT * FROM packages;" | sha256sum; }
expect_eq "$(dump 1)" "$(dump 2)" "the same seed gives the same history"
BEAVER_ENV="BEAVER_HOME=$WORK/seed1"
ok audit verify --as ann
expect_eq "$(sqlite3 "$WORK/seed1/beaver.db" "SELECT action, json_extract(payload, '$.releases') FROM audit ORDER BY seq DESC LIMIT 1")" "dev.seed|3000" "seed audit entry"
shares=$(sqlite3 "$WORK/seed1/beaver.db" "SELECT round(avg(type = 'emergency'), 2) BETWEEN 0.12 AND 0.18,
  min(submitted_at) >= '2025-12-31T16:00:00Z', max(submitted_at) < '2026-03-31T16:00:00Z',
  (SELECT count(*) FROM services), count(DISTINCT submitter) > 1 FROM releases")
expect_eq "$shares" "1|1|1|9|1" "seeded distribution"
# Each release ships its own package, built from a commit 10 minutes to 7 days before it.
packages=$(sqlite3 "$WORK/seed1/beaver.db" "SELECT count(*), count(DISTINCT p.sha256),
  sum(p.service != r.service OR p.version != r.version),
  min(unixepoch(r.submitted_at) - unixepoch(p.commit_time)) >= 600,
  max(unixepoch(r.submitted_at) - unixepoch(p.commit_time)) <= 7 * 86400,
  sum(json_extract(p.manifest_json, '$.git.commit_time') != p.commit_time)
  FROM releases r JOIN packages p ON p.sha256 = r.package_sha256")
expect_eq "$packages" "3000|3000|0|1|1|0" "seeded packages"
ok report --since 2026-01-01 --until 2026-03-31 -o json --as ann
expect_eq "$(jq '.totals.releases > 2500 and .totals.approval_wait.approved > 0' <<<"$OUT")" "true" "report over seeded history"

# Seeded deploys, as README.md documents them: one run per approved release that ends in time,
# by an ops person of the service's team, its outcome the release's state; outcomes 90% / 6% / 4%,
# durations 30 s to 30 min, starts 1 to 30 min (emergencies, rollbacks) or 5 min to 8 h after
# the approval.
runs=$(sqlite3 "$WORK/seed1/beaver.db" "SELECT count(*),
  round(avg(d.status = 'deployed'), 2) BETWEEN 0.88 AND 0.92,
  round(avg(d.status = 'failed'), 2) BETWEEN 0.05 AND 0.07,
  round(avg(d.status = 'rolled_back'), 2) BETWEEN 0.03 AND 0.05,
  sum(d.status != r.status AND NOT (d.status = 'deployed' AND r.status = 'replaced')),
  count(DISTINCT d.release_id) = count(*),
  sum(d.status = 'deployed' AND r.deployed_at IS NOT d.finished_at),
  min(unixepoch(d.finished_at) - unixepoch(d.started_at)) >= 30,
  max(unixepoch(d.finished_at) - unixepoch(d.started_at)) <= 1800,
  sum(unixepoch(d.started_at) - unixepoch(r.approved_at) NOT BETWEEN
      CASE WHEN r.type = 'normal' THEN 300 ELSE 60 END AND CASE WHEN r.type = 'normal' THEN 28800 ELSE 1800 END),
  sum(d.actor NOT IN (SELECT u.name FROM users u JOIN user_roles ur ON ur.user = u.name
        JOIN services s ON s.team = u.team WHERE ur.role = 'ops' AND s.name = r.service)),
  max(d.finished_at) < '2026-03-31T16:00:00Z'
  FROM deploys d JOIN releases r ON r.id = d.release_id")
left=$(sqlite3 "$WORK/seed1/beaver.db" "SELECT count(*) FROM releases r WHERE r.status = 'approved'
  AND datetime(r.approved_at, '+30 minutes', '+30 minutes') < '2026-03-30 16:00:00'")
expect_eq "${runs#*|}" "1|1|1|0|1|0|1|1|0|0|1" "seeded deploy runs follow the documented distribution"
[ "${runs%%|*}" -gt 2000 ] || fail "only ${runs%%|*} seeded deploy runs"
expect_eq "$left" "0" "every approved release whose run could end in time was deployed"
live=$(sqlite3 "$WORK/seed1/beaver.db" "SELECT count(*) = count(DISTINCT service || '/' || env)
  FROM releases WHERE status = 'deployed'")
expect_eq "$live" "1" "one live release a place: the others deployed there are replaced"
ok report --since 2026-01-01 --until 2026-03-31 --by week -o json --as ann
expect_eq "$(jq '.dora as $d | $d.deploys > 0 and $d.failures > 0 and $d.failed_changes >= $d.failures
    and $d.deploys + $d.failures == $d.deploys_ended and $d.restored + $d.still_open == $d.failures
    and $d.deployment_frequency > 0 and $d.change_failure_rate > 0 and $d.time_to_restore_hours > 0
    and $d.lead_time_hours.median > 0.17 and $d.lead_time_hours.p90 < 7 * 24 + 3 * 24
    and $d.lead_time_hours.median < $d.lead_time_hours.p90 and .deploy_duration_seconds.median >= 30
    and .deploy_duration_seconds.p90 <= 1800' <<<"$OUT")" "true" "deploy figures over seeded history"
expect_eq "$(jq '[.groups[].dora.deploys_ended] | add' <<<"$OUT")" "$(jq '.dora.deploys_ended' <<<"$OUT")" \
  "weekly deploy runs add up to the period's"
expect_eq "$(jq '.dora.deploys_ended' <<<"$OUT")" "$(sqlite3 "$WORK/seed1/beaver.db" "SELECT count(*)
  FROM deploys WHERE finished_at >= '2025-12-31T16:00:00Z' AND finished_at < '2026-03-31T16:00:00Z'")" \
  "every seeded run that ended in the period counts"

finish
