#!/usr/bin/env bash
# A ledger locked by another writer: beaver waits its busy timeout, then says so with exit 1 and
# changes nothing; once the lock is gone the same command goes through.
source "$(dirname "$0")/lib.sh"
export BEAVER_POLICY="$(dirname "$0")/policy.yaml"
export BEAVER_NOW=2026-11-24T10:30:00+08:00 BEAVER_BUSY_TIMEOUT_MS=100

ok user add ann --team platform --role admin --as ann
ok service add hello-service --team payments --as ann
before=$(audit_count)

# Another process holds the write lock until told to let go.
coproc HOLDER { sqlite3 "$BEAVER_HOME/beaver.db"; }
holder_pid=$HOLDER_PID  # bash unsets HOLDER_PID as soon as the coprocess ends
printf 'BEGIN IMMEDIATE;\nSELECT '"'"'held'"'"';\n' >&"${HOLDER[1]}"
read -r held <&"${HOLDER[0]}"
expect_eq "$held" "held" "the other writer holds the lock"

refused 1 "the ledger .*beaver.db is locked by another beaver" \
  user add bob --team payments --role developer --as ann
# Readers are not blocked by a writer in WAL mode.
ok user list --as ann

printf 'COMMIT;\n.quit\n' >&"${HOLDER[1]}"
wait "$holder_pid" || true
expect_eq "$(audit_count)" "$before" "audit entries after the locked attempt"
ok user add bob --team payments --role developer --as ann

# Twenty writers at once: every submit lands once, ids and audit sequence stay gap-free.
export BEAVER_BUSY_TIMEOUT_MS=5000
pids=()
for i in $(seq 1 20); do
  "$BEAVER_BIN" release submit hello-service --env test --version "2.0.$i" --as bob \
    >"$WORK/submit.$i" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || { RC=$? OUT="" ERR=""; fail "a concurrent submit failed"; }; done
ok release list --env test -o json --as ann
expect_eq "$(printf '%s' "$OUT" | jq -r '[.[].id] | sort | map(tostring) | join(",")')" \
  "$(seq -s, 1 20)" "release ids after concurrent submits"
expect_eq "$(printf '%s' "$OUT" | jq -r '[.[].version] | unique | length')" "20" "versions"
expect_eq "$(sqlite3 "$BEAVER_HOME/beaver.db" 'SELECT max(seq) - count(*) FROM audit')" "0" \
  "audit sequence without gaps"
ok audit verify

finish
