#!/usr/bin/env bash
# The whole story of the foundation, on the real binary and a real SQLite file (or PostgreSQL, see
# lib.sh): a normal release inside a window approved by a peer; an emergency at night with
# self-approval and a leader of another team refused, then the team's leader approving; the review
# becoming owed; the audit chain verifying, then failing once a row is edited by hand.
source "$(dirname "$0")/lib.sh"
export BEAVER_POLICY="$(dirname "$0")/policy.yaml"

# Tuesday 2026-11-24, 10:30 in Shanghai: inside the prod window.
export BEAVER_NOW=2026-11-24T10:30:00+08:00
ok user add ann --team platform --role admin --as ann
expect_match "$OUT" "user ann added \(team platform, admin\)" "first user"
refused 1 "unknown user 'nobody-yet'" user add mallory --team x --role admin --as nobody-yet
for u in "bob payments developer" "dan payments developer" "lea payments leader" \
         "leo core leader" "olga platform ops"; do
  set -- $u
  ok user add "$1" --team "$2" --role "$3" --as ann
done
ok user list -o json --as ann
expect_eq "$(printf '%s' "$OUT" | jq -r '[.[].name] | join(",")')" "ann,bob,dan,lea,leo,olga" \
  "users listed"
ok service add hello-service --team payments --as ann
ok policy check
expect_match "$OUT" "valid; 2 environments \(prod, test\)" "policy check"

# A developer submits a normal release inside the window; a peer approves.
ok release submit hello-service --env prod --version 1.4.2 --commit 3f2a9c1 --as bob
expect_eq "$(printf '%s\n' "$OUT" | head -1)" "release 1 submitted" "first line of submit"
ok release show 1 --as bob -o json
expect_eq "$(printf '%s' "$OUT" | jq -r .status)" "submitted" "status after submit"
expect_eq "$(printf '%s' "$OUT" | jq -r .waiting_for)" "step 1 of 1: 1 approval by a developer" \
  "what release 1 waits for"
expect_eq "$(printf '%s' "$OUT" | jq -r '.may_approve | join(",")')" "dan" "who may approve 1"
refused 1 "bob submitted release 1; someone else must approve it" release approve 1 --as bob
refused 1 "olga cannot approve release 1: .*olga is not a developer" release approve 1 --as olga
ok release approve 1 --comment "reviewed the diff" --as dan
ok release show 1 --as bob -o json
expect_eq "$(printf '%s' "$OUT" | jq -r .status)" "approved" "status after the peer's approval"
expect_eq "$(printf '%s' "$OUT" | jq -r '.approvals[0].approver + " " + .approvals[0].comment')" \
  "dan reviewed the diff" "approval recorded"
refused 1 "release 1 is approved; only a submitted release is approved" release approve 1 --as lea

# 23:30 the same night: a normal release is refused and pointed to the next window and to the
# emergency path; nothing is recorded.
export BEAVER_NOW=2026-11-24T23:30:00+08:00
before=$(audit_count)
refused 1 "prod is outside its release windows at Tue 2026-11-24 23:30 Asia/Shanghai; the next window opens Wed 2026-11-25 10:00 Asia/Shanghai. An urgent change can go the emergency way" \
  release submit hello-service --env prod --version 1.4.3 --as bob
expect_eq "$(audit_count)" "$before" "audit entries after a refused submit"

ok release submit hello-service --env prod --version 1.4.3 --emergency --category hotfix \
  --reason "payment callbacks fail since 22:10" --as bob -o json
expect_eq "$(printf '%s' "$OUT" | jq -r '[.id, .type, .status, .category] | join(" ")')" \
  "2 emergency submitted hotfix" "emergency submitted"
refused 1 "bob submitted release 2" release approve 2 --as bob
refused 1 "leo is in team core; the step wants a leader of team payments" release approve 2 --as leo
refused 1 "dan is not a leader" release approve 2 --as dan
ok release show 2 --as bob
expect_match "$OUT" "waiting for step 1 of 1: 1 approval by a leader of team payments" "waiting text"
expect_match "$OUT" "may approve lea" "who may approve 2"
ok release inbox -o json --as lea
expect_eq "$(printf '%s' "$OUT" | jq -r '[.[].id] | map(tostring) | join(",")')" "2" "lea's inbox"
ok release inbox -o json --as leo
expect_eq "$(printf '%s' "$OUT" | jq 'length')" "0" "leo's inbox (another team)"
ok release approve 2 --as lea
expect_match "$OUT" "release 2: hello-service 1.4.3 to prod, emergency \(hotfix\), approved" \
  "approved emergency"

# Three days and a minute later, the review is owed.
export BEAVER_NOW=2026-11-27T23:31:00+08:00
ok release list --owing-review -o json --as ann
expect_eq "$(printf '%s' "$OUT" | jq -r '[.[].id] | join(",")')" "2" "releases owing a review"
ok release show 2 --as ann
expect_match "$OUT" "review      due 2026-11-27T15:30:00Z, OWED" "show says the review is owed"
ok release list --type emergency -o csv --as ann
expect_eq "$(printf '%s\n' "$OUT" | head -1 | tr -d '\r')" \
  "ID,SERVICE,ENV,VERSION,TYPE,STATUS,SUBMITTER,SUBMITTED,REVIEW DUE" "csv header"
refused 1 "written by its submitter, a leader of team payments or an admin" \
  release review 2 --notes "n/a" --as leo
ok release review 2 --notes "callback timeout raised; alert added" --as lea
ok release list --owing-review -o json --as ann
expect_eq "$(printf '%s' "$OUT" | jq 'length')" "0" "no review owed after the review"

# The report: two releases this week, one of them an emergency.
ok report --since 2026-11-23 --until 2026-11-29 --by category -o json --as ann
expect_eq "$(printf '%s' "$OUT" | jq -c '[.totals.releases, .totals.emergency, .totals.emergency_ratio, .emergency_by_category.hotfix]')" \
  "[2,1,0.5,1]" "report figures"

# The audit chain verifies; an anchor is kept.
ok audit verify --as ann
expect_match "$OUT" "audit chain whole: [0-9]+ entries" "audit verify"
ok audit head --as ann
printf '%s\n' "$OUT" >"$WORK/anchor.json"
ok audit verify --anchor "$WORK/anchor.json"
ok audit log -o json --as ann
expect_eq "$(printf '%s' "$OUT" | jq -r '[.[].action] | unique | join(",")')" \
  "policy.changed,release.approve,release.review,release.submit,service.add,user.add" \
  "audited actions"
approve_seq=$(printf '%s' "$OUT" | jq '[.[] | select(.action == "release.approve")][0].seq')

# Someone edits the approval's row by hand: verify fails and names the entry.
if [ -n "${BEAVER_DATABASE:-}" ]; then
  ledger_sql "ALTER TABLE audit DISABLE TRIGGER audit_is_append_only;
    UPDATE audit SET actor = 'lea' WHERE seq = $approve_seq;" >/dev/null
else
  sqlite3 "$BEAVER_HOME/beaver.db" "DROP TRIGGER audit_is_append_only_update;
    UPDATE audit SET actor = 'lea' WHERE seq = $approve_seq;"
fi
refused 1 "audit chain broken at entry $approve_seq: .*edited out of band" audit verify --as ann

finish
