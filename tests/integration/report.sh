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
expect_eq "$(grep -o '<svg' "$WORK/report.html" | wc -l | tr -d ' ')" "4" "four SVG charts"
for title in "Releases per week, by type" "Emergency ratio per week" "Emergencies by reason" \
  "Releases by weekday and hour"; do
  grep -q "<title>$title" "$WORK/report.html" || fail "no chart '$title'"
done
for outside in 'http://' 'https://' 'src=' '<script' '@import' 'url(' '<link'; do
  ! grep -qi -- "$outside" "$WORK/report.html" || fail "the page holds '$outside'"
done
python3 -c "import html.parser,sys; html.parser.HTMLParser().feed(open(sys.argv[1]).read())" "$WORK/report.html" ||
  fail "the page does not parse"
expect_match "$(cat "$WORK/report.html")" "<td>hotfix</td><td>1</td>" "html group row"

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
refused 2 "--until \(2026-11-09T16:00:00Z\) is not after --since \(2026-11-19T16:00:00Z\)" report --since 2026-11-20 --until 2026-11-09 --as ann
refused 2 "cannot group a report by 'weekday_hour'" report --by weekday_hour --as ann
refused 2 "--output: pdf not in \{table,json,csv,html\}" report -o pdf --as ann

# Every figure the help defines is defined in README.md too, word for word.
ok report --help
help=$(printf '%s\n' "$OUT" | sed -n '/^Figures/,$p')
[ -n "$help" ] || fail "report --help defines no figures"
while IFS= read -r line; do
  grep -qF -- "$line" "$BEAVER_DATA_DIR/README.md" || fail "README.md lacks the help line: $line"
done <<<"$help"

# beaver dev seed: refused on a ledger with releases, and for a non-admin.
refused 1 "the ledger already holds releases" dev seed --releases 10 --as ann
refused 2 "--releases must be from 1 to 10000000, not 0" dev seed --releases 0 --as ann
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
  expect_match "$OUT" "^seeded 3000 releases \(ids 1 to 3000\)" "seed summary"
done
dump() { sqlite3 "$WORK/seed$1/beaver.db" "SELECT * FROM releases; SELECT * FROM approvals;" | sha256sum; }
expect_eq "$(dump 1)" "$(dump 2)" "the same seed gives the same history"
BEAVER_ENV="BEAVER_HOME=$WORK/seed1"
ok audit verify --as ann
expect_eq "$(sqlite3 "$WORK/seed1/beaver.db" "SELECT action, json_extract(payload, '$.releases') FROM audit ORDER BY seq DESC LIMIT 1")" "dev.seed|3000" "seed audit entry"
shares=$(sqlite3 "$WORK/seed1/beaver.db" "SELECT round(avg(type = 'emergency'), 2) BETWEEN 0.12 AND 0.18,
  min(submitted_at) >= '2025-12-31T16:00:00Z', max(submitted_at) < '2026-03-31T16:00:00Z',
  (SELECT count(*) FROM services), count(DISTINCT submitter) > 1 FROM releases")
expect_eq "$shares" "1|1|1|9|1" "seeded distribution"
ok report --since 2026-01-01 --until 2026-03-31 -o json --as ann
expect_eq "$(jq '.totals.releases > 2500 and .totals.approval_wait.approved > 0' <<<"$OUT")" "true" "report over seeded history"

finish
