#!/usr/bin/env bash
# Acknowledged writes survive `kill -9`: a server killed five times while concurrent clients
# submit, and a local `release approve` loop killed mid-way five times. Every release and approval
# that was acknowledged is in the ledger exactly once, and the audit chain verifies.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
export BEAVER_POLICY="$(dirname "$0")/server_policy.yaml"

ok user add root --team ops --role admin --as root
ok user add dev --team pay --role developer --as root
for u in lee kim; do ok user add "$u" --team pay --role leader --as root; done
ok service add pay-api --team pay --as root
ok token create dev --label test --as root
token=$OUT
ACKS=$WORK/acks
: >"$ACKS"

# submitter ROUND WORKER: submits releases until the server is gone (a connection refused); each
# acknowledged (201) version goes to $ACKS.WORKER after the answer came. A request the server
# dropped as it died, or could not take yet, is not acknowledged, and the next one is sent.
submitter() {
  local n=0 version code rc
  while :; do
    n=$((n + 1))
    version="$1.$2.$n"
    rc=0
    code=$(curl -s --max-time 20 -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' \
      --data-binary "{\"service\":\"pay-api\",\"env\":\"test\",\"version\":\"$version\"}" \
      "$URL/api/v1/releases") || rc=$?
    # Refused, or the round is over (its port may serve something else by now).
    [ "$rc" -eq 7 ] || [ -e "$WORK/killed.$1" ] && return 0
    [ "$code" = 201 ] && echo "$version" >>"$ACKS.$2"
  done
}

for round in 1 2 3 4 5; do
  start_server --threads 8
  pids=()
  for w in 1 2 3 4 5; do
    submitter "$round" "$w" &
    pids+=($!)
  done
  # Killed once the clients have had some answers in this round, while they go on sending.
  deadline=$((SECONDS + 60))
  until [ "$(cat "$ACKS".* 2>/dev/null | grep -c "^$round\.")" -ge 40 ]; do
    [ "$SECONDS" -lt "$deadline" ] || { fail "round $round: 40 answers took over a minute"; break; }
    kill -0 "$SERVER_PID" || { fail "the server stopped by itself in round $round"; break; }
    kill -0 "${pids[@]}" 2>/dev/null || { fail "the submitters stopped in round $round"; break; }
    sleep 0.02
  done
  kill -KILL "$SERVER_PID"
  touch "$WORK/killed.$round"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  wait "${pids[@]}"
done
cat "$ACKS".* >"$ACKS"
acked=$(wc -l <"$ACKS")
[ "$acked" -ge 200 ] || fail "only $acked acknowledged submissions over five rounds"

ledger_sql "SELECT version FROM releases ORDER BY version" >"$WORK/kept"
expect_eq "$(sort "$ACKS" | comm -23 - <(sort "$WORK/kept") | head -3)" "" \
  "every acknowledged release is in the ledger"
expect_eq "$(sort "$WORK/kept" | uniq -d | head -3)" "" "no release is in the ledger twice"
expect_eq "$(ledger_sql "SELECT count(*) FROM audit WHERE action = 'release.submit'")" \
  "$(wc -l <"$WORK/kept")" "one audit entry per release kept"
ok audit verify
expect_match "$OUT" "^audit chain whole: " "the audit chain verifies after five kills"

# --- a local approve loop, killed mid-way: prod releases wait for two leaders
for v in $(seq 1 40); do
  BEAVER_ENV="BEAVER_USER=dev" ok release submit pay-api --env prod --version "9.0.$v"
done
ids=$(ledger_sql "SELECT id FROM releases WHERE env = 'prod' ORDER BY id")
approve_loop() {
  local id who
  for id in $ids; do
    for who in lee kim; do
      if env BEAVER_USER=$who "$BEAVER_BIN" release approve "$id" >/dev/null 2>&1; then
        echo "$id $who" >>"$WORK/approved"
      fi
    done
  done
}
: >"$WORK/approved"
approve_loop &
loop=$!
kills=0 seen=0
while kill -0 "$loop" 2>/dev/null && [ "$kills" -lt 5 ]; do
  # Once the loop has moved on by a few approvals, the beaver process it runs now is killed
  # wherever it is: opening the ledger, mid-transaction or committing.
  [ "$(wc -l <"$WORK/approved")" -ge $((seen + 5)) ] || { sleep 0.01; continue; }
  if pid=$(pgrep -n -f "$BEAVER_BIN release approve") && kill -KILL "$pid" 2>/dev/null; then
    kills=$((kills + 1))
    seen=$(wc -l <"$WORK/approved")
  fi
done
wait "$loop" || true
[ "$kills" -eq 5 ] || fail "the approve loop was killed $kills times, not 5"
approved=$(wc -l <"$WORK/approved")
[ "$approved" -ge 40 ] || fail "only $approved approvals acknowledged"
ledger_sql "SELECT release_id || ' ' || approver FROM approvals ORDER BY 1" >"$WORK/approvals"
expect_eq "$(sort "$WORK/approved" | comm -23 - <(sort "$WORK/approvals") | head -3)" "" \
  "every acknowledged approval is in the ledger"
expect_eq "$(sort "$WORK/approvals" | uniq -d | head -3)" "" "no approval is in the ledger twice"
ok audit verify
expect_match "$OUT" "^audit chain whole: " "the audit chain verifies after the killed approvals"
finish
