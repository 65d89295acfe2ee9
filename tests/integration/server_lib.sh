# Starting and stopping a real `beaver serve` for a scenario, and talking to it with curl.
# Source after lib.sh.

# start_server [ARGS...]: serves $BEAVER_HOME on a free loopback port; sets SERVER_PID and URL.
start_server() {
  # Gone before the server starts: a second server's wait would otherwise find the first one's
  # line until the new process truncates the file.
  rm -f "$WORK/serve.out"
  "$BEAVER_BIN" serve --listen 127.0.0.1:0 "$@" >"$WORK/serve.out" 2>"$WORK/serve.err" &
  SERVER_PID=$!
  local waited=0
  until grep -q 'listening on' "$WORK/serve.out" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "beaver serve did not start:" >&2
      cat "$WORK/serve.err" >&2
      exit 1
    fi
    waited=$((waited + 1))
    [ "$waited" -lt 400 ] || { echo "beaver serve never said it listens" >&2; exit 1; }
    sleep 0.025
  done
  URL=$(sed -n 's/.*listening on //p' "$WORK/serve.out")
  trap 'stop_server; cleanup_work' EXIT
}

# stop_server: SIGTERM, then waits for it to exit; STOP_RC holds its exit code.
stop_server() {
  [ -n "${SERVER_PID:-}" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  set +e
  wait "$SERVER_PID"
  STOP_RC=$?
  set -e
  SERVER_PID=""
}

# http METHOD PATH [TOKEN] [BODY]: sets STATUS and BODY (the answer).
http() {
  local method=$1 path=$2 token=${3:-} body=${4:-}
  local args=(-s -o "$WORK/http.body" -w '%{http_code}' -X "$method")
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  STATUS=$(curl "${args[@]}" "$URL$path")
  BODY=$(cat "$WORK/http.body")
}

# expect_status CODE WHAT: the last http call answered CODE.
expect_status() {
  [ "$STATUS" = "$1" ] || { RC=0 OUT="$BODY" ERR=""; fail "$2: status $STATUS, expected $1"; }
}
