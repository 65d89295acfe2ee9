#!/usr/bin/env bash
# `make demo` (examples/demo.sh) runs to its end, its notifications reach the receivers it starts
# for itself and are shown as people read them, nothing reaches the ports the example policy
# names (127.0.0.1:9000 and :2525), and it leaves no receiver or service running.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
RECEIVERS=$SOURCE_DIR/tools/notify_receivers.py
for tool in java mvn curl sqlite3 python3 git; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Stand-ins on the example policy's ports, where they are free, to catch anything sent there.
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  cleanup_work' EXIT
for kind_port in http:9000 smtp:2525; do
  port=${kind_port#*:}
  port_open "$port" && { echo "port $port is taken here: not watched"; continue; }
  python3 "$RECEIVERS" "${kind_port%:*}" "$port" "$WORK/leak-$port.jsonl" &
  pids+=($!)
  for _ in $(seq 100); do port_open "$port" && break; sleep 0.05; done
done

set +e
TMPDIR=$WORK bash "$SOURCE_DIR/examples/demo.sh" "$BEAVER_BIN" >"$WORK/demo.out" 2>&1
RC=$?
set -e
OUT=$(tail -n 20 "$WORK/demo.out") ERR=""
[ "$RC" -eq 0 ] || fail "the demo runs to its end"
demo=$(cat "$WORK/demo.out")
expect_match "$demo" "audit chain broken at entry" "the demo reaches its last step"
hook_port=$(sed -n 's/.*a webhook on port \([0-9]*\), mail on \([0-9]*\)$/\1/p' <<<"$demo")
smtp_port=$(sed -n 's/.*a webhook on port \([0-9]*\), mail on \([0-9]*\)$/\2/p' <<<"$demo")
[ -n "$hook_port" ] && [ -n "$smtp_port" ] || fail "the demo names its receivers' ports"
expect_match "$demo" "^webhook POST /hook$" "the webhook's messages are shown"
expect_match "$demo" "^  \[EMERGENCY\] Approval needed: hello-service 1.4.3 to prod \(release 3\)$" \
  "the emergency as the team's channel shows it"
expect_match "$demo" "^mail to lea@example.com \(from beaver@example.com\)$" "the leader's mail is shown"
expect_match "$demo" "^  Subject: \[EMERGENCY\] Approval needed: hello-service 1.4.3" "its subject"
grep -q '"body"' <<<"$demo" && fail "the messages are shown as text, not raw JSON"
for port in 9000 2525; do
  [ ! -s "$WORK/leak-$port.jsonl" ] || { OUT=$(cat "$WORK/leak-$port.jsonl"); fail "the demo sent to 127.0.0.1:$port"; }
done
for port in $hook_port $smtp_port; do
  port_open "$port" && fail "the demo's receiver on port $port still runs"
done
[ -z "$(ls "$WORK" | grep '^beaver-demo-')" ] || fail "the demo left its folder"

finish
