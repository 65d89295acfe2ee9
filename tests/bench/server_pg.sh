#!/usr/bin/env bash
# Server benchmark on PostgreSQL: the ledger of tests/bench/server.sh (100,000 seeded
# releases) served from SQLite by one `beaver serve`, and the same ledger copied (`beaver db
# copy`) into a real PostgreSQL 15 (tests/pg/pg_harness.sh, fsync on) served by one and then by
# two `beaver serve` processes at once, all in the same run. Each is loaded by wrk, 2 threads and
# 32 connections in all (one thread and 16 connections per server when there are two, so that
# both setups get the same load from the same client CPU): reads of a random release, then
# submissions to an environment needing no approval (each 201 one durable transaction with its
# audit entry). The ledger grows with every submission, and whatever drifts with it (autovacuum
# may wake) would weigh on the setup measured second: PostgreSQL's submissions run in the order
# one, two, two, one, and each setup's figure is the mean of its two runs. Prints requests/s per
# setup.
# Targets: at least 1,000 durable submissions/s on PostgreSQL; two servers at least as fast as one.
# usage: tests/bench/server_pg.sh [path/to/beaver] [releases]   (needs wrk, curl, PostgreSQL)
set -euo pipefail
[ -n "${BENCH_DEBUG:-}" ] && set -x
BEAVER=$(realpath "${1:-build/beaver}")
releases=${2:-100000}
seconds=${BENCH_SECONDS:-10}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../pg/pg_harness.sh"
if ! reason=$(pg_available); then
  echo "skipped: $reason" >&2
  exit 77
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/beaver-bench-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
pg_start "$WORK"
trap cleanup EXIT  # pg_start put pg_stop in the trap; cleanup stops the servers first
export BEAVER_HOME=$WORK/home BEAVER_DATA_DIR=$(dirname "$(dirname "$here")")
export BEAVER_POLICY=$here/../integration/server_policy.yaml
unset BEAVER_DATABASE

"$BEAVER" user add root --team ops --role admin --as root >/dev/null
echo "seeding $releases releases, then copying them into PostgreSQL..."
"$BEAVER" dev seed --releases "$releases" --teams 20 --seed 1 --since 2025-11-24 \
  --until 2026-11-23 --as root >/dev/null
"$BEAVER" user add bench --team bench --role developer --as root >/dev/null
"$BEAVER" service add bench-api --team bench --as root >/dev/null
token=$("$BEAVER" token create bench --label bench --as root 2>/dev/null)
start=$(date +%s%N)
"$BEAVER" db copy --from "$BEAVER_HOME/beaver.db" --to "$PG_URL"
echo "  db copy took $((($(date +%s%N) - start) / 1000000)) ms"

# serve NAME [ARGS...]: a server on a free loopback port; its URL in $NAME_url.
serve() {
  local name=$1
  shift
  # As many workers as wrk has connections: Poco keeps a worker for each kept-alive connection.
  "$BEAVER" serve --listen 127.0.0.1:0 --threads 32 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  pids+=($!)
  for _ in $(seq 400); do
    grep -q 'listening on' "$WORK/$name.out" 2>/dev/null && break
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$WORK/$name.err" >&2; exit 1; }
    sleep 0.025
  done
  printf -v "${name}_url" '%s' "$(sed -n 's/.*listening on //p' "$WORK/$name.out")"
}
serve lite
serve pg1 --database "$PG_URL"
serve pg2 --database "$PG_URL"

cat >"$WORK/done.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.0f %d %d\n", summary.requests / summary.duration * 1e6,
    summary.requests, e.connect + e.read + e.write + e.timeout + e.status))
end
LUA
cat >"$WORK/read.lua" <<LUA
local n = $releases
init = function() math.randomseed(os.time() + math.floor(os.clock() * 1e6)) end
request = function() return wrk.format("GET", "/api/v1/releases/" .. math.random(1, n)) end
dofile("$WORK/done.lua")
LUA
# Versions unique across wrk processes (RUN) and their threads.
cat >"$WORK/submit.lua" <<LUA
local threads = 0
setup = function(thread) threads = threads + 1; thread:set("prefix", os.getenv("RUN") .. threads) end
local count = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  count = count + 1
  return wrk.format(nil, "/api/v1/releases", nil, string.format(
    '{"service":"bench-api","env":"test","version":"%s.%d.0","commit":"abc1234"}', prefix, count))
end
dofile("$WORK/done.lua")
LUA

# load NAME SCRIPT URL...: wrk on each URL at once, 2 threads and 32 connections shared among
# them (the load is the same for one server and for two); the summed requests/s into $WORK/NAME.
run=0
load() {
  local name=$1 script=$2
  shift 2
  local n=$# conns=$((32 / $#)) threads=$((2 / $# > 0 ? 2 / $# : 1)) i=0 u
  for u in "$@"; do
    run=$((run + 1))
    RUN=$run wrk -t"$threads" -c"$conns" -d"${seconds}s" -H "Authorization: Bearer $token" \
      -s "$script" \
      "$u" >"$WORK/$name.$i" &
    i=$((i + 1))
  done
  wait $(jobs -p | grep -vxE "$(IFS='|'; echo "${pids[*]}")") 2>/dev/null || true
  local total=0 failed=0 r
  for ((i = 0; i < n; i++)); do
    read -r _ r _ f <<<"$(grep '^RESULT' "$WORK/$name.$i" | tr '\n' ' ')" || true
    total=$((total + ${r:-0}))
    failed=$((failed + ${f:-1}))
  done
  [ "$failed" -eq 0 ] || { echo "$name: $failed requests failed" >&2; cat "$WORK/$name".* >&2; exit 1; }
  echo "$total" >"$WORK/$name"
}
load read_lite "$WORK/read.lua" "$lite_url"
load read_pg1 "$WORK/read.lua" "$pg1_url"
load read_pg2 "$WORK/read.lua" "$pg1_url" "$pg2_url"
load submit_lite "$WORK/submit.lua" "$lite_url"
load submit_pg1a "$WORK/submit.lua" "$pg1_url"
load submit_pg2a "$WORK/submit.lua" "$pg1_url" "$pg2_url"
load submit_pg2b "$WORK/submit.lua" "$pg1_url" "$pg2_url"
load submit_pg1b "$WORK/submit.lua" "$pg1_url"
for s in pg1 pg2; do
  echo $((($(cat "$WORK/submit_${s}a") + $(cat "$WORK/submit_${s}b")) / 2)) >"$WORK/submit_$s"
done

chain=$(BEAVER_DATABASE=$PG_URL "$BEAVER" audit verify --as root | head -1)
echo
echo "beaver serve, $releases releases, wrk ${seconds}s, 32 connections in all (requests/s):"
printf '%-34s %10s %10s\n' "" "reads" "submits"
printf '%-34s %10s %10s\n' "SQLite, one server" "$(cat "$WORK/read_lite")" "$(cat "$WORK/submit_lite")"
for s in pg1 pg2; do
  printf '%-34s %10s %10s  (runs %s and %s)\n' \
    "PostgreSQL, $([ $s = pg1 ] && echo one server || echo two servers)" \
    "$(cat "$WORK/read_$s")" "$(cat "$WORK/submit_$s")" "$(cat "$WORK/submit_${s}a")" \
    "$(cat "$WORK/submit_${s}b")"
done
one=$(cat "$WORK/submit_pg1") two=$(cat "$WORK/submit_pg2")
echo "targets: PostgreSQL submissions >= 1000/s: $([ "$one" -ge 1000 ] && echo met || echo "NOT met");" \
  "two servers >= one: $(awk -v a="$two" -v b="$one" 'BEGIN { printf "%.3f", a / b }')," \
  "$([ "$two" -ge "$one" ] && echo met || echo "NOT met")"
echo "the PostgreSQL ledger's audit chain after the load: $chain"
