#!/usr/bin/env bash
# Two `beaver serve` processes on one real PostgreSQL database (tests/pg/pg_harness.sh), the CLI
# on the same database through BEAVER_DATABASE: three leaders approve each two-approval release
# through both servers at once (two approvals, never three, the third told 409), clients submit
# through both at once (every release once), the audit chain is whole. Then the database goes
# down mid-load: /healthz answers 503 at once on both, a submission fails fast with 503 and is
# not stored; once the database is back both serve again and nothing acknowledged is lost. Then
# the database stops answering (its processes stopped, as a hung machine or a cut network leaves
# a connection): the first server, whose URL sets statement_timeout, answers 503 within that and
# a short margin instead of hanging, and both serve again once it answers. Skipped (77) without
# PostgreSQL.
source "$(dirname "$0")/../pg/pg_harness.sh"
if ! reason=$(pg_available); then
  echo "skipped: $reason"
  exit 77
fi
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
pg_start "$WORK"
export BEAVER_POLICY="$(dirname "$0")/server_policy.yaml" BEAVER_DATABASE=$PG_URL
psql_at() { "$PG_BIN/psql" -X -q -w -At "$PG_URL" -c "$1" </dev/null; }

ok user add root --team ops --role admin --as root
for u in lee kim nia; do ok user add "$u" --team pay --role leader --as root; done
ok user add dev --team pay --role developer --as root
ok service add pay-api --team pay --as root
declare -A TOKEN
for u in lee kim nia dev; do
  ok token create "$u" --label test --as root
  TOKEN[$u]=$OUT
done
[ -e "$BEAVER_HOME/beaver.db" ] && fail "the CLI wrote a SQLite ledger though BEAVER_DATABASE names PostgreSQL"
expect_eq "$(psql_at 'SELECT count(*) FROM users')" 5 "the users are in PostgreSQL"

# The first server's own statement timeout, from libpq's options parameter.
start_server --threads 8 --database "$PG_URL?options=-c%20statement_timeout%3D1500"
first=$URL first_pid=$SERVER_PID
"$BEAVER_BIN" serve --listen 127.0.0.1:0 --database "$PG_URL" --threads 8 \
  >"$WORK/serve2.out" 2>"$WORK/serve2.err" &
second_pid=$!
trap 'kill -TERM $second_pid 2>/dev/null; wait $second_pid 2>/dev/null; stop_server; cleanup_work' EXIT
for _ in $(seq 400); do
  grep -q 'listening on' "$WORK/serve2.out" 2>/dev/null && break
  kill -0 "$second_pid" 2>/dev/null || { cat "$WORK/serve2.err" >&2; exit 1; }
  sleep 0.025
done
second=$(sed -n 's/.*listening on //p' "$WORK/serve2.out")
[ -n "$second" ] || { echo "the second server never said it listens" >&2; exit 1; }
# What `ps` shows of either server: the URL, its password starred out, character for character.
for pid in "$first_pid" "$second_pid"; do
  args=$(tr '\0' ' ' <"/proc/$pid/cmdline")
  [[ $args == *beaver-test* ]] && fail "ps shows the database password: $args"
  expect_match "$args" "--database postgresql://beaver:\*{11}@127\.0\.0\.1:$PG_PORT/beaver" \
    "ps shows the database URL without its password"
done

# Three leaders approve each of ten releases at the same moment, through either server.
ids=()
for i in $(seq 10); do
  http POST /api/v1/releases "${TOKEN[dev]}" "{\"service\":\"pay-api\",\"env\":\"prod\",\"version\":\"3.0.$i\"}"
  expect_status 201 "a release to approve"
  ids+=("$(jq -r .id <<<"$BODY")")
done
n=0
for rid in "${ids[@]}"; do
  for u in lee kim nia; do
    server=$([ $((n++ % 2)) -eq 0 ] && echo "$first" || echo "$second")
    curl -s -o /dev/null -w "$rid %{http_code}\n" -X POST -H "Authorization: Bearer ${TOKEN[$u]}" \
      "$server/api/v1/releases/$rid/approve" >>"$WORK/race" &
  done
done
wait $(jobs -p | grep -vxE "$first_pid|$second_pid") 2>/dev/null || true
for rid in "${ids[@]}"; do
  expect_eq "$(grep -c "^$rid 200$" "$WORK/race")" 2 "release $rid: two approvals accepted"
  expect_eq "$(grep -c "^$rid 409$" "$WORK/race")" 1 "release $rid: the third refused"
  expect_eq "$(psql_at "SELECT count(*) FROM approvals WHERE release_id = $rid")" 2 \
    "release $rid: two approvals stored"
  expect_eq "$(psql_at "SELECT status FROM releases WHERE id = $rid")" approved "release $rid: approved"
done

# Eight clients submit 200 releases through both servers at once.
before=$(psql_at 'SELECT count(*) FROM releases')
seq 200 | xargs -P 8 -I{} sh -c 'curl -s -o /dev/null -w "%{http_code}\n" -X POST \
  -H "Authorization: Bearer $1" -H "Content-Type: application/json" \
  --data-binary "{\"service\":\"pay-api\",\"env\":\"test\",\"version\":\"4.0.$2\"}" \
  "$([ $(($2 % 2)) -eq 0 ] && echo "$3" || echo "$4")/api/v1/releases"' _ "${TOKEN[dev]}" {} \
  "$first" "$second" >"$WORK/submits"
expect_eq "$(grep -c '^201$' "$WORK/submits")" 200 "every submission through either server answered 201"
expect_eq "$(psql_at 'SELECT count(*) FROM releases')" $((before + 200)) "every submission stored once"
expect_eq "$(psql_at 'SELECT count(*) = max(seq) FROM audit')" t "the audit sequence has no gap"
ok audit verify --as root
expect_match "$OUT" "whole|verified|intact" "the chain verifies after the load"

# serves_again WHAT VERSION: both servers answer /healthz (polled until they do) and store a
# submission of VERSION.N.
serves_again() {
  local server code n=0
  for server in "$first" "$second"; do
    code=000
    for _ in $(seq 200); do
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$server/healthz")
      [ "$code" = 200 ] && break
      sleep 0.05
    done
    expect_eq "$code" 200 "/healthz once the database $1 ($server)"
    n=$((n + 1))
    URL=$server http POST /api/v1/releases "${TOKEN[dev]}" "{\"service\":\"pay-api\",\"env\":\"test\",\"version\":\"$2.$n\"}"
    expect_status 201 "a submission once the database $1 ($server)"
  done
}

# The database goes down mid-load.
acknowledged=$(psql_at 'SELECT count(*) FROM releases')
pg_kill
for server in "$first" "$second"; do
  start=$(date +%s%N)
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$server/healthz")
  took=$((($(date +%s%N) - start) / 1000000))
  expect_eq "$code" 503 "/healthz while the database is down ($server)"
  [ "$took" -lt 3000 ] || fail "/healthz took $took ms with the database down"
  start=$(date +%s%N)
  code=$(curl -s -o "$WORK/down.json" -w '%{http_code}' --max-time 10 -X POST \
    -H "Authorization: Bearer ${TOKEN[dev]}" -H 'Content-Type: application/json' \
    --data-binary '{"service":"pay-api","env":"test","version":"9.9.9"}' "$server/api/v1/releases")
  took=$((($(date +%s%N) - start) / 1000000))
  expect_eq "$code" 503 "a submission while the database is down ($server)"
  grep -q beaver-test "$WORK/down.json" && fail "the database password is in an answer"
  [ "$took" -lt 3000 ] || fail "a submission took $took ms with the database down"
done
pg_resume
serves_again "is back" 5.0
expect_eq "$(psql_at 'SELECT count(*) FROM releases')" $((acknowledged + 2)) \
  "nothing acknowledged was lost, nothing refused was stored"

# The database stops answering. The first server gives a connection up 2 s past its 1.5 s
# statement timeout (a new one then waits at most libpq's 5 s connect_timeout): each request
# answers 503 well within the server's 10 s socket timeout.
mapfile -t stopped < <(pg_pids)
kill -STOP "${stopped[@]}"
for what in /healthz /api/v1/report /api/v1/releases; do
  start=$(date +%s%N)
  if [ "$what" = /healthz ]; then
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$first/healthz")
  elif [ "$what" = /api/v1/report ]; then
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 \
      -H "Authorization: Bearer ${TOKEN[dev]}" "$first/api/v1/report?by=week")
  else
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 -X POST \
      -H "Authorization: Bearer ${TOKEN[dev]}" -H 'Content-Type: application/json' \
      --data-binary '{"service":"pay-api","env":"test","version":"9.9.8"}' "$first/api/v1/releases")
  fi
  took=$((($(date +%s%N) - start) / 1000000))
  expect_eq "$code" 503 "$what while the database does not answer"
  [ "$took" -lt 8000 ] || fail "$what took $took ms while the database did not answer"
done
kill -CONT "${stopped[@]}"
serves_again "answers again" 6.0
expect_eq "$(psql_at 'SELECT count(*) FROM releases')" $((acknowledged + 4)) \
  "the submission refused while the database did not answer was not stored"
grep -q 'no answer from postgresql://beaver:\*\*\*@' "$WORK/serve.err" ||
  { RC=0 OUT="" ERR=$(tail -5 "$WORK/serve.err"); fail "the first server's log does not say the database stopped answering"; }
grep -q beaver-test "$WORK/serve.err" "$WORK/serve2.err" && fail "the database password is in a server's log"
finish
