#!/usr/bin/env bash
# Every wrong argument, file or state gets one clear line on stderr and the documented exit code
# (2 for bad usage or input, 1 for a refused or failed operation), and changes nothing.
source "$(dirname "$0")/lib.sh"
export BEAVER_POLICY="$(dirname "$0")/policy.yaml"
export BEAVER_NOW=2026-11-24T10:30:00+08:00

# A read or a refused command on a fresh BEAVER_HOME creates nothing.
refused 1 "no ledger at $BEAVER_HOME/beaver.db" audit verify
refused 1 "no ledger at $BEAVER_HOME/beaver.db" release list --as ann
refused 1 "the first user must hold the admin role" user add bob --team payments --role developer
refused 2 "user '../ann' must start with a letter or a digit" user add ../ann --team p --role admin
refused 1 "no ledger at $BEAVER_HOME/beaver.db: .*beaver user add" service add hello-service --team payments --as ann
[ ! -e "$BEAVER_HOME/beaver.db" ] || fail "a refused first command left $BEAVER_HOME/beaver.db"
ok user add ann --team platform --role admin --as ann
ok user add bob --team payments --role developer --as ann
ok user add lea --team payments --role leader --as ann
ok service add hello-service --team payments --as ann
ok release submit hello-service --env prod --version 1.0.0 --as bob
before=$(audit_count)

# Bad usage: exit 2.
refused 2 "unknown command 'frobnicate' \\(commands: user, service, policy, release, audit, [a-z, -]+\\)" frobnicate
refused 2 "unknown command 'release aprove' \\(did you mean 'release approve'\\?\\)" release aprove 1 --as lea
refused 2 "--env is required" release submit hello-service --version 1.0.1 --as bob
refused 2 "--role: .*" user add eve --team payments --role wizard --as ann
refused 2 "--comment is required" release reject 1 --as lea
refused 2 "^beaver: --status: status 'done' is not a release status \\(submitted, approved," \
  release list --status done --as ann
refused 2 "^beaver: --type: type 'hotfix' is not normal, emergency or rollback" \
  release list --type hotfix --as ann
refused 2 "^beaver: --limit: limit 0 is not between 1 and 100000" release list --limit 0 --as ann
refused 2 "^beaver: --parallel: parallel 101 is not between 1 and 100" deploy 1 --parallel 101 --as ann
refused 2 "^beaver: --batches: batches '1,150%'" deploy 1 --batches 1,150% --as ann
refused 2 "--output: xml not in \\{table,json,csv\\}" release list -o xml --as ann
refused 2 "'abc' is not a release id" release show abc --as ann
refused 2 "'-3' is not a release id" release show -3 --as ann
refused 2 "version '1\\\\nbeaver: forged' may hold only" \
  release submit hello-service --env prod --version $'1\nbeaver: forged' --as bob
refused 2 "service '../etc' must start with a letter or a digit" \
  release submit ../etc --env prod --version 1 --as bob
refused 2 "version 'v1;rm' may hold only letters, digits" \
  release submit hello-service --env prod --version 'v1;rm' --as bob
refused 2 "version name is longer than 64 characters" \
  release submit hello-service --env prod --version "$(printf 'a%.0s' $(seq 1 65))" --as bob
refused 2 "commit 'xyz' is not a git commit id" \
  release submit hello-service --env prod --version 1.0.1 --commit xyz --as bob
refused 2 "environment 'staging' is not in policy" \
  release submit hello-service --env staging --version 1.0.1 --as bob
refused 2 "unknown emergency category 'hotfx' \(did you mean 'hotfix'\? the policy has: hotfix, security, data-fix, regulatory\)" \
  release submit hello-service --env prod --version 1.0.1 --emergency --category hotfx --reason x --as bob
refused 2 "^beaver: --reason: an emergency release needs a reason" \
  release submit hello-service --env prod --version 1.0.1 --emergency --category hotfix --as bob
refused 2 "reason is empty" \
  release submit hello-service --env prod --version 1.0.1 --emergency --category hotfix --reason "  " --as bob
refused 2 "reason is longer than 4000 bytes" \
  release submit hello-service --env prod --version 1.0.1 --emergency --category hotfix \
  --reason "$(head -c 5000 /dev/zero | tr '\0' x)" --as bob
refused 2 "^beaver: --emergency: a category and a reason are for emergency releases" \
  release submit hello-service --env prod --version 1.0.1 --reason "why not" --as bob
refused 2 "^beaver: --comment: a rejection's comment is empty" release reject 1 --comment "" --as lea
refused 2 "^beaver: --until: the period's end \(.*\) is not after its start" \
  release list --since 2026-11-20 --until 2026-11-10 --as ann
refused 2 "since: '2026-13-01' is not a date" release list --since 2026-13-01 --as ann
refused 2 "cannot group a report by 'wek' \\(groups: team, service, env, category, approver, month, week, weekday, hour\\)" report --by wek --as ann
refused 2 "^beaver: --until: the period's end \(.*\) is not after its start" report --since 2026-11-20 --until 2026-11-10 --as ann
BEAVER_NOW=tomorrow refused 2 "BEAVER_NOW: 'tomorrow' is not a time in ISO 8601" release list --as ann
refused 2 "no policy at $WORK/none.yaml" release list --policy "$WORK/none.yaml" --as ann

# A bad policy file names the file, line and column.
printf 'environments:\n  prod:\n    normal: {aprovals: []}\n    emergency: {approvals: []}\n' \
  >"$WORK/typo.yaml"
refused 2 "typo.yaml:3:14: unknown key 'aprovals' \(did you mean 'approvals'\?\)" \
  policy check "$WORK/typo.yaml"
printf 'timezone: Asia/Shangai\nenvironments: {}\n' >"$WORK/tz.yaml"
refused 2 "tz.yaml:1:11: unknown time zone 'Asia/Shangai'" policy check "$WORK/tz.yaml"
printf 'environments:\n  prod: [\n' >"$WORK/broken.yaml"
refused 2 "broken.yaml:[0-9]+:[0-9]+: " policy check "$WORK/broken.yaml"
refused 2 "no policy at $WORK/missing.yaml" policy check "$WORK/missing.yaml"

# Refused operations: exit 1.
refused 1 "unknown user 'mallory'" release list --as mallory
refused 1 "no release 99" release show 99 --as ann
refused 1 "no release 99" release approve 99 --as lea
refused 1 "unknown service 'nope'" release submit nope --env prod --version 1 --as bob
refused 1 "only a developer or a leader submits releases; ann is admin" \
  release submit hello-service --env prod --version 1.0.1 --as ann
refused 1 "only an admin adds users; bob is developer" user add eve --team x --role admin --as bob
refused 1 "user bob already exists" user add bob --team payments --role developer --as ann
refused 1 "only its submitter \(bob\) or an admin cancels release 1" release cancel 1 --as lea
refused 1 "release 1 is a normal release; only emergencies get a post-release review" \
  release review 1 --notes "fine" --as bob
refused 1 "lea may not reject release 1: only someone who could approve it may" \
  release reject 1 --comment "no" --as lea

expect_eq "$(audit_count)" "$before" "audit entries after the refused commands"
ok release show 1 -o json --as ann
expect_eq "$(printf '%s' "$OUT" | jq -r .status)" "submitted" "release 1 untouched"

# Wrong state: cancel, then every action on it is refused.
ok release cancel 1 --comment "superseded" --as bob
refused 1 "release 1 is cancelled; only a submitted release is approved" release approve 1 --as lea
refused 1 "release 1 is cancelled; it cannot become cancelled" release cancel 1 --as bob

# A ledger written by a newer beaver is refused, and left as it is.
sqlite3 "$BEAVER_HOME/beaver.db" "PRAGMA user_version = 999"
refused 1 "written by a newer beaver \(schema version 999" release list --as ann
expect_eq "$(sqlite3 "$BEAVER_HOME/beaver.db" 'PRAGMA user_version')" "999" "schema version kept"

finish
