#!/usr/bin/env bash
# The audit chain on the real binary: a deleted row, an inserted row and a truncated log (against
# an anchor) are each caught, naming the entry.
source "$(dirname "$0")/lib.sh"
export BEAVER_POLICY="$(dirname "$0")/policy.yaml"
export BEAVER_NOW=2026-11-24T10:30:00+08:00

ok user add ann --team platform --role admin --as ann
for u in bob dan eve; do ok user add "$u" --team payments --role developer --as ann; done
ok service add hello-service --team payments --as ann
for v in 1 2 3; do ok release submit hello-service --env test --version "1.0.$v" --as bob; done
ok audit head
printf '%s\n' "$OUT" >"$WORK/anchor.json"
expect_eq "$(jq .seq "$WORK/anchor.json")" "$(audit_count)" "head is the last entry"
cp "$BEAVER_HOME/beaver.db" "$WORK/pristine.db"
db=$BEAVER_HOME/beaver.db
reset() {
  rm -f "$db-wal" "$db-shm"
  cp "$WORK/pristine.db" "$db"
  sqlite3 "$db" "DROP TRIGGER audit_is_append_only_update; DROP TRIGGER audit_is_append_only_delete;"
}

reset
sqlite3 "$db" "DELETE FROM audit WHERE seq = 3"
refused 1 "audit chain broken at entry 3: entry 3 is missing" audit verify

reset
sqlite3 "$db" "INSERT INTO audit SELECT seq + 1000, at, 'mallory', action, subject, payload,
  prev_hash, hash FROM audit WHERE seq = 2"
refused 1 "audit chain broken at entry [0-9]+" audit verify

reset
last=$(audit_count)
sqlite3 "$db" "DELETE FROM audit WHERE seq = $last"
ok audit verify
refused 1 "the log ends at entry $((last - 1)) but the anchor holds entry $last" \
  audit verify --anchor "$WORK/anchor.json"

reset
ok audit verify --anchor "$WORK/anchor.json"
echo '{"seq": "x"}' >"$WORK/bad-anchor.json"
refused 2 "bad-anchor.json: not an audit head" audit verify --anchor "$WORK/bad-anchor.json"
refused 2 "cannot read anchor" audit verify --anchor "$WORK/none.json"

finish
