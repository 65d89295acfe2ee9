#!/usr/bin/env bash
# Server benchmark: `beaver serve` on loopback over a ledger of 100,000 releases, loaded
# by wrk, each measure against a baseline in the same run:
#  1. read: GET /api/v1/releases/{random id} vs nginx serving a static JSON file of the same size
#     (nginx started here in the foreground with its own config, on a free loopback port).
#  2. list: GET /api/v1/releases?limit=50, against the same nginx figure (no target).
#  3. submit: POST /api/v1/releases to an env needing no approval, each a new version (one durable
#     transaction with its audit entry per 201) vs the sqlite3 shell committing as many one-row
#     transactions, synchronous=FULL in WAL mode.
# Beside them, two floors that tell where a read's time goes: a bare Poco HTTPServer with 16
# workers answering every request with the same bytes (tests/bench/poco_floor.cpp,
# built as build/tests/beaver_bench_poco_floor: a thread-per-connection server's floor), and
# beaver's own /healthz (its HTTP front, routing, metrics and one read of the ledger's last audit
# entry; no token, no JSON building). Then beaver's peak
# resident memory (VmHWM). Last, the ledger's side of a read alone, on one thread with no HTTP
# (tests/bench/release_read_bench.cpp, built as build/tests/beaver_bench_release_read), beside the
# CPU time a whole read may take on this machine's cores if reads are to reach half of nginx's
# rate. Prints requests/s and wrk's latency percentiles.
# Targets: reads >= 1/2 of nginx's requests/s; submissions >= 1/4 of sqlite3's commits/s; the
# p99 latency of reads and of submissions at most 10 times their p50 (no request waits long for
# a worker another connection holds); peak RSS < 100 MB.
# usage: tests/bench/server.sh [path/to/beaver] [releases]   (needs wrk, nginx, sqlite3, curl, jq)
# BENCH_WRK overrides the load (default "-t2 -c32 -d10s"); BENCH_THREADS beaver's --threads
# (default: beaver's own, the cores on SQLite); BENCH_FLOOR_THREADS the Poco floor's workers
# (default 16). Poco keeps a worker for each kept-alive
# connection until it closes (after 100 answers), so a few of wrk's 32 connections may still wait
# past its 2 s timeout at the floor's rate: the floor's row then says how many, rather than
# stopping the benchmark.
set -euo pipefail
[ -n "${BENCH_DEBUG:-}" ] && set -x
BEAVER=$(realpath "${1:-build/beaver}")
releases=${2:-100000}
load=${BENCH_WRK:--t2 -c32 -d10s}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/beaver-bench-XXXXXX")
floor=${BENCH_POCO_FLOOR:-$(dirname "$BEAVER")/tests/beaver_bench_poco_floor}
core_read=$(dirname "$BEAVER")/tests/beaver_bench_release_read
server_pid="" nginx_pid="" floor_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" || true
  [ -n "$floor_pid" ] && kill -TERM "$floor_pid" 2>/dev/null && wait "$floor_pid" || true
  [ -n "$nginx_pid" ] && kill -TERM "$nginx_pid" 2>/dev/null && wait "$nginx_pid" || true
  rm -rf "$work"
}
trap cleanup EXIT
export BEAVER_HOME=$work/home BEAVER_DATA_DIR=$(dirname "$(dirname "$here")")
# No windows, and env test needs no approval: a submission there is the whole durable write.
export BEAVER_POLICY=$here/../integration/server_policy.yaml

"$BEAVER" user add root --team ops --role admin --as root >/dev/null
echo "seeding $releases releases..."
"$BEAVER" dev seed --releases "$releases" --teams 20 --seed 1 --since 2025-11-24 \
  --until 2026-11-23 --as root >/dev/null
"$BEAVER" user add bench --team bench --role developer --as root >/dev/null
"$BEAVER" service add bench-api --team bench --as root >/dev/null
token=$("$BEAVER" token create bench --label bench --as root 2>/dev/null)

free_port() {  # a port nothing listens on now (the kernel's pick)
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# beaver serve, on a port of its own choosing; its URL from its first line.
serve_args=(serve --listen 127.0.0.1:0)
[ -n "${BENCH_THREADS:-}" ] && serve_args+=(--threads "$BENCH_THREADS")
floor_threads=${BENCH_FLOOR_THREADS:-16}
"$BEAVER" "${serve_args[@]}" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 400); do
  grep -q 'listening on' "$work/serve.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.err" >&2; exit 1; }
  sleep 0.025
done
url=$(sed -n 's/.*listening on //p' "$work/serve.out")
[ -n "$url" ] || { echo "beaver serve never said it listens" >&2; exit 1; }

# The answer nginx serves: a real release answer, byte for byte.
mkdir -p "$work/www"
curl -sf -H "Authorization: Bearer $token" "$url/api/v1/releases/$((releases / 2))" \
  >"$work/www/release.json"
size=$(stat -c %s "$work/www/release.json")

# nginx in the foreground, one process, its own prefix, config, logs and temp folders.
nginx_port=$(free_port)
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  types { application/json json; }
  default_type application/octet-stream;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
  }
}
CONF
nginx=$(command -v nginx || echo /usr/sbin/nginx)  # sbin: not on every user's PATH
"$nginx" -p "$work/nginx" -e "$work/nginx/logs/error.log" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
for _ in $(seq 400); do
  curl -sf -o /dev/null "http://127.0.0.1:$nginx_port/release.json" && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$work/nginx/logs/error.log" >&2; exit 1; }
  sleep 0.025
done

# wrk's summary as one line: requests/s, p50, p90, p99 (ms), requests, failures.
cat >"$work/done.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.0f %.2f %.2f %.2f %d %d\n",
    summary.requests / summary.duration * 1e6, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, summary.requests,
    e.connect + e.read + e.write + e.timeout + e.status))
end
LUA
cat >"$work/read.lua" <<LUA
local n = $releases
init = function() math.randomseed(os.time() + math.floor(os.clock() * 1e6)) end
request = function() return wrk.format("GET", "/api/v1/releases/" .. math.random(1, n)) end
dofile("$work/done.lua")
LUA
cat >"$work/submit.lua" <<LUA
-- Each thread its own prefix, each request the next version: every POST is a new release.
local threads = 0
setup = function(thread) threads = threads + 1; thread:set("prefix", threads) end
local count = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  count = count + 1
  return wrk.format(nil, "/api/v1/releases", nil, string.format(
    '{"service":"bench-api","env":"test","version":"%d.%d.0","commit":"abc1234"}', prefix, count))
end
dofile("$work/done.lua")
LUA
cat >"$work/static.lua" <<LUA
dofile("$work/done.lua")
LUA

# The Poco floor, serving the same bytes, when it was built.
floor_url=""
if [ -x "$floor" ]; then
  "$floor" "$work/www/release.json" "$floor_threads" >"$work/floor.out" &
  floor_pid=$!
  for _ in $(seq 400); do
    grep -q 'listening on' "$work/floor.out" 2>/dev/null && break
    kill -0 "$floor_pid" 2>/dev/null || { echo "the Poco floor did not start" >&2; exit 1; }
    sleep 0.025
  done
  floor_url=$(sed -n 's/.*listening on //p' "$work/floor.out")
fi

# run_wrk NAME URL SCRIPT [tolerant]: the load; its RESULT line into $work/NAME.result. A failed
# request stops the benchmark, unless `tolerant`.
run_wrk() {
  # shellcheck disable=SC2086
  wrk $load --latency -H "Authorization: Bearer $token" -s "$3" "$2" >"$work/$1.out"
  grep '^RESULT' "$work/$1.out" | cut -d' ' -f2- >"$work/$1.result"
  local failed
  failed=$(cut -d' ' -f6 "$work/$1.result")
  [ "$failed" -eq 0 ] || [ -n "${4:-}" ] ||
    { echo "$1: $failed requests failed" >&2; cat "$work/$1.out" >&2; exit 1; }
}

echo "load: wrk $load, beaver $url, nginx on port $nginx_port, answer $size bytes"
run_wrk nginx "http://127.0.0.1:$nginx_port/release.json" "$work/static.lua"
[ -n "$floor_url" ] && run_wrk floor "$floor_url/release.json" "$work/static.lua" tolerant
run_wrk healthz "$url/healthz" "$work/static.lua"
run_wrk read "$url/api/v1/releases/1" "$work/read.lua"
run_wrk list "$url/api/v1/releases?limit=50" "$work/static.lua"
before=$(sqlite3 "$BEAVER_HOME/beaver.db" "SELECT count(*) FROM releases WHERE service = 'bench-api'")
run_wrk submit "$url/api/v1/releases" "$work/submit.lua"
submitted=$(sqlite3 "$BEAVER_HOME/beaver.db" \
  "SELECT count(*) FROM releases WHERE service = 'bench-api'")
submitted=$((submitted - before))
hwm_kib=$(awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status")
wrk_requests=$(cut -d' ' -f5 "$work/submit.result")
# wrk stops mid-flight: the requests it counts were all answered 201, and each is a release.
[ "$submitted" -ge "$wrk_requests" ] ||
  { echo "submit: wrk counted $wrk_requests, the ledger has $submitted" >&2; exit 1; }

# The same number of durable one-row commits by the sqlite3 shell, in one process.
base=$work/baseline.db
sqlite3 "$base" "PRAGMA journal_mode=WAL; CREATE TABLE r (id INTEGER PRIMARY KEY, service TEXT,
  env TEXT, version TEXT, submitter TEXT, at TEXT);" >/dev/null
{
  echo "PRAGMA synchronous = FULL;"
  for ((i = 1; i <= submitted; i++)); do
    echo "BEGIN IMMEDIATE; INSERT INTO r (service, env, version, submitter, at) VALUES" \
      "('bench-api', 'test', '1.$i.0', 'bench', '2026-11-24T02:30:00Z'); COMMIT;"
  done
} >"$work/commits.sql"
start=$(date +%s%N)
sqlite3 "$base" ".read $work/commits.sql"
elapsed_ns=$(($(date +%s%N) - start))
commits_per_s=$((submitted * 1000000000 / elapsed_ns))

read -r n_rps n_p50 n_p90 n_p99 _ <"$work/nginx.result"
read -r r_rps r_p50 r_p90 r_p99 _ <"$work/read.result"
read -r l_rps l_p50 l_p90 l_p99 _ <"$work/list.result"
read -r s_rps s_p50 s_p90 s_p99 _ <"$work/submit.result"
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t ? "met" : "NOT met") }'; }
at_most() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "met" : "NOT met") }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
row() { printf '%-28s %9s %8s %8s %8s  %-22s %s\n' "$@"; }
echo
echo "beaver serve, $releases releases, wrk $load (latency in ms):"
row "" "req/s" "p50" "p90" "p99" "vs baseline" "target"
row "nginx, static $size B" "$n_rps" "$n_p50" "$n_p90" "$n_p99" "" ""
if [ -n "$floor_url" ]; then
  read -r f_rps f_p50 f_p90 f_p99 _ f_failed <"$work/floor.result"
  row "Poco HTTPServer floor" "$f_rps" "$f_p50" "$f_p90" "$f_p99" "$(ratio "$f_rps" "$n_rps")x nginx" \
    "$([ "$f_failed" -gt 0 ] && echo "$f_failed timed out")"
else
  echo "(no Poco floor: $floor was not built)"
fi
read -r h_rps h_p50 h_p90 h_p99 _ <"$work/healthz.result"
row "GET /healthz" "$h_rps" "$h_p50" "$h_p90" "$h_p99" "$(ratio "$h_rps" "$n_rps")x nginx" ""
row "GET /api/v1/releases/{id}" "$r_rps" "$r_p50" "$r_p90" "$r_p99" "$(ratio "$r_rps" "$n_rps")x nginx" \
  ">= 0.5x: $(verdict "$(ratio "$r_rps" "$n_rps")" 0.5)"
[ -n "$floor_url" ] && row "" "" "" "" "" "$(ratio "$r_rps" "$f_rps")x the floor" ""
row "  its p99 / p50" "" "" "" "" "$(ratio "$r_p99" "$r_p50")x" \
  "<= 10: $(at_most "$(ratio "$r_p99" "$r_p50")" 10)"
row "GET /api/v1/releases?limit=50" "$l_rps" "$l_p50" "$l_p90" "$l_p99" \
  "$(ratio "$l_rps" "$n_rps")x nginx" ""
row "sqlite3 commits ($submitted)" "$commits_per_s" "" "" "" "" ""
row "POST /api/v1/releases" "$s_rps" "$s_p50" "$s_p90" "$s_p99" \
  "$(ratio "$s_rps" "$commits_per_s")x sqlite3" \
  ">= 0.25x: $(verdict "$(ratio "$s_rps" "$commits_per_s")" 0.25)"
row "  its p99 / p50" "" "" "" "" "$(ratio "$s_p99" "$s_p50")x" \
  "<= 10: $(at_most "$(ratio "$s_p99" "$s_p50")" 10)"
printf '%-28s %6d MB  (%d releases in the ledger at the end)  < 100 MB: %s\n' \
  "beaver peak RSS (VmHWM)" $((hwm_kib / 1024)) $((releases + submitted)) \
  "$([ "$hwm_kib" -lt $((100 * 1024)) ] && echo met || echo "NOT met")"
if [ -x "$core_read" ]; then
  read -r _ c_read c_text < <("$core_read" "$BEAVER_HOME/beaver.db" "$BEAVER_POLICY" \
    "$BEAVER_DATA_DIR" bench "$releases" 100000)
  echo "the ledger's side of a read, one thread, no HTTP: $c_read us, $c_text us with its JSON" \
    "text;"
  echo "  a whole read (wrk, Poco and beaver) may take $(awk -v c="$(nproc)" -v n="$n_rps" \
    'BEGIN { printf "%.1f", c * 1e6 / (n / 2) }') us of CPU on $(nproc) cores for half of nginx's rate"
else
  echo "(no core read figure: $core_read was not built)"
fi
