#!/usr/bin/env bash
# Slow, idle and hostile clients against a real `beaver serve`: they hold connections, never the
# workers. While 500 idle connections, 100 sending a head a line every 0.5 s and an upload
# declaring 500 MiB at a byte a second are held, /healthz answers at once every time; the
# trickling heads and the upload end at their deadlines (408, or a close) and the upload leaves
# no file; a client over its address's cap is closed at once; past the server's cap of
# connections the idle one unused longest gives way to a newcomer.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"
export BEAVER_POLICY="$(dirname "$0")/server_policy.yaml"
CLIENTS="$(dirname "$0")/slow_clients.py"
HEADER_TIMEOUT=4
holder=""
stop_holder() {
  [ -n "$holder" ] || return 0
  kill -TERM "$holder" 2>/dev/null || true
  wait "$holder" 2>/dev/null || true
  holder=""
}

ok user add root --team ops --role admin --as root
ok user add dev --team pay --role developer --as root
ok token create dev --label test --as root
token=$OUT

# wait_for FILE: until FILE exists (the holder's signal), at most 30 s.
wait_for() {
  local waited=0
  until [ -e "$1" ]; do
    kill -0 "$holder" 2>/dev/null || { echo "the clients stopped early" >&2; exit 1; }
    waited=$((waited + 1))
    [ "$waited" -lt 1500 ] || { echo "no $1 after 30 s" >&2; exit 1; }
    sleep 0.02
  done
}

# --- held: idle, trickling and uploading clients, and the checker on 127.0.0.1 served at once
start_server --header-timeout "$HEADER_TIMEOUT" --keep-alive 60 --max-connections-per-address 500
trap 'stop_holder; stop_server; cleanup_work' EXIT
mkdir "$WORK/held"
python3 "$CLIENTS" hold "${URL##*:}" "$token" "$WORK/held" &
holder=$!
wait_for "$WORK/held/ready"

slow=0
for i in $(seq 20); do
  read -r code seconds < <(curl -s -o /dev/null --max-time 5 -w '%{http_code} %{time_total}\n' \
    "$URL/healthz")
  [ "$code" = 200 ] || fail "/healthz $i while clients are held: status $code"
  awk -v s="$seconds" 'BEGIN { exit !(s < 1) }' || slow=$((slow + 1))
done
expect_eq "$slow" 0 "/healthz answers within 1 s, 20 times in a row, while clients are held"
uploads=$(find "$BEAVER_HOME/packages" -name '.upload-*' 2>/dev/null | wc -l)
expect_eq "$uploads" 1 "the slow upload is written to its temporary file"
http GET /metrics "$token"
expect_match "$BODY" 'beaver_connections_open (6[0-9][0-9])' "/metrics counts the connections held"
expect_match "$BODY" 'beaver_connections_refused_total [1-9]' "/metrics counts the one refused"

wait_for "$WORK/held/result.json"
result=$(cat "$WORK/held/result.json")
expect_eq "$(jq .over_cap_closed <<<"$result")" true \
  "a client over its address's cap is closed at once"
expect_eq "$(jq .idle_open <<<"$result")" 500 "the idle connections are held until --keep-alive"
expect_eq "$(jq '[.trickling[] | select(.seconds == null)] | length' <<<"$result")" 0 \
  "every trickling head is ended"
expect_eq "$(jq '[.trickling[] | select(.answer != "" and .answer != "HTTP/1.1 408")] | length' \
  <<<"$result")" 0 "a trickling head is answered 408, or closed"
late=$(jq --argjson limit "$((HEADER_TIMEOUT + 2))" \
  '[.trickling[] | select(.seconds > $limit)] | length' <<<"$result")
expect_eq "$late" 0 "a trickling head ends within --header-timeout of its first byte"
expect_match "$(jq -r .upload.answer <<<"$result")" '^(HTTP/1.1 408|)$' \
  "the slow upload is answered 408, or closed"
[ "$(jq .upload.seconds <<<"$result")" != null ] || fail "the slow upload is ended"
uploads=$(find "$BEAVER_HOME/packages" -name '.upload-*' 2>/dev/null | wc -l)
expect_eq "$uploads" 0 "the slow upload left no file"
stop_holder
stop_server
expect_eq "$STOP_RC" 0 "the server stops cleanly after its slow clients"

# --- past the server's cap, the idle connection unused longest gives way
start_server --max-connections 20 --keep-alive 60
trap 'stop_holder; stop_server; cleanup_work' EXIT
mkdir "$WORK/full"
python3 "$CLIENTS" fill "${URL##*:}" 20 "$WORK/full" &
holder=$!
wait_for "$WORK/full/ready"
http GET /healthz
expect_status 200 "a newcomer is served when every connection is taken by an idle one"
touch "$WORK/full/go"
wait_for "$WORK/full/result.json"
expect_eq "$(jq -c .closed "$WORK/full/result.json")" "[0]" \
  "the idle connection unused longest was closed for it, and only that one"
stop_holder
stop_server
finish
