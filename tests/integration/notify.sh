#!/usr/bin/env bash
# Notifications against local receivers: a webhook receiver that records each POST body in the
# generic, Slack, WeCom, DingTalk and Feishu formats, and an SMTP sink. Each of approval_needed,
# approved and rejected reaches all six; chat messages carry a Review link or button and
# @-mention by their chat ids who may act; mail goes to the addresses of those holding the
# channel's `to_roles` who may act on it, and to its `to`; a receiver that is down fails no release, its attempt is
# recorded with the error, and `beaver notify send` delivers once it is up. A bad channel,
# format, URL, SMTP server, event or role is refused with its file:line:column.
source "$(dirname "$0")/lib.sh"
RECEIVERS="$(dirname "$0")/../../tools/notify_receivers.py"
pids=()
stop_receivers() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap 'stop_receivers; cleanup_work' EXIT

# start_receiver KIND PORT LOG [OPTIONS...]: starts it and waits until it accepts connections.
start_receiver() {
  python3 "$RECEIVERS" "$@" &
  pids+=($!)
  wait_until "the $1 receiver on port $2 listens" port_open "$2"
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# wait_until WHAT COMMAND...: polls COMMAND until it succeeds, for at most 10 seconds.
wait_until() {
  local what=$1 i
  shift
  for ((i = 0; i < 200; i++)); do
    "$@" && return 0
    sleep 0.05
  done
  RC=0 OUT="" ERR=""
  fail "timed out waiting until $what"
  return 1
}
lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
has_lines() { [ "$(lines "$1")" -ge "$2" ]; }

HOOK_PORT=$(python3 "$RECEIVERS" free-port)
SMTP_PORT=$(python3 "$RECEIVERS" free-port)
DOWN_PORT=$(python3 "$RECEIVERS" free-port)
HOOKS="$WORK/hooks.jsonl"
MAILS="$WORK/mails.jsonl"
LATER="$WORK/later.jsonl"
start_receiver http "$HOOK_PORT" "$HOOKS"
start_receiver smtp "$SMTP_PORT" "$MAILS"

base=$(sed '/^environments:/,$d' "$(dirname "$0")/policy.yaml")
envs=$(sed -n '/^environments:/,$p' "$(dirname "$0")/policy.yaml")
cat >"$WORK/policy.yaml" <<YAML
$base
$envs
  staging:
    normal: {approvals: [{role: leader, count: 1}]}
    emergency: {approvals: []}
notify_base_url: "https://beaver.example.com"
notify:
  - {name: hook, channel: webhook, format: generic, url: "http://127.0.0.1:$HOOK_PORT/generic",
     events: [approval_needed, approved, rejected, deploy_failed]}
  - {name: slack, channel: webhook, format: slack, url: "http://127.0.0.1:$HOOK_PORT/slack"}
  - {name: wecom, channel: webhook, format: wecom, url: "http://127.0.0.1:$HOOK_PORT/wecom?key=k1"}
  - {name: dingtalk, channel: webhook, format: dingtalk, url: "http://127.0.0.1:$HOOK_PORT/dingtalk"}
  - {name: feishu, channel: webhook, format: feishu, url: "http://127.0.0.1:$HOOK_PORT/feishu"}
  # Unnamed: it is email-6. lea, the leader with an address, and ops@ get its mail.
  - {channel: email, smtp: "127.0.0.1:$SMTP_PORT", from: "beaver@example.com",
     to_roles: [leader], to: [ops@example.com]}
  # Nobody holding ops has an address: it reaches nobody and queues nothing.
  - {name: ops-mail, channel: email, smtp: "127.0.0.1:$SMTP_PORT", from: "beaver@example.com",
     to_roles: [ops]}
YAML
export BEAVER_POLICY="$WORK/policy.yaml"
export BEAVER_NOTIFY_BACKOFF_MS=0
# Tuesday 2026-11-24, 10:30 in Shanghai: inside the prod window.
export BEAVER_NOW=2026-11-24T10:30:00+08:00

ok user add ann --team platform --role admin --as ann
for u in "bob payments developer" "dan payments developer" "lea payments leader" \
  "leo core leader" "olga platform ops"; do
  set -- $u
  ok user add "$1" --team "$2" --role "$3" --as ann
done
ok user update lea --team payments --role leader --email lea@example.com --as ann
expect_match "$OUT" "user lea updated" "an address added"
refused 2 "'lea smith@example.com' is not an e-mail address" \
  user update lea --team payments --role leader --email "lea smith@example.com" --as ann
ok user list -o json --as ann
expect_eq "$(jq -r '[.[] | "\(.name)=\(.email)"] | join(" ")' <<<"$OUT")" \
  "ann=null bob=null dan=null lea=lea@example.com leo=null olga=null" "addresses in the user list"
ok user update leo --team core --role leader --email leo@example.com --as ann
# Chat ids, where messages @-mention who may act: only what is given changes.
ok user update dan --im wecom:dan.wu --im dingtalk:13900000001 --im feishu:ou_dan \
  --im slack:U0DAN --as ann
ok user list -o json --as ann
expect_eq "$(jq -r '.[] | select(.name == "dan") | [.team, (.roles | join("+")), (.im | join(" "))]
  | join("|")' <<<"$OUT")" "payments|developer|dingtalk:13900000001 feishu:ou_dan slack:U0DAN wecom:dan.wu" \
  "dan's chat ids, his team and role kept"
refused 2 "chat id 'msn:dan' is not KIND:ID" user update dan --im msn:dan --as ann
refused 2 "chat id 'wecom:<@all>' may hold only" user update dan --im 'wecom:<@all>' --as ann
refused 2 "nothing to change for user dan" user update dan --as ann
ok user list --as ann
expect_match "$OUT" "dan +payments +developer +- +dingtalk:13900000001 feishu:ou_dan" \
  "the table shows chat ids"
ok service add hello-service --team payments --as ann
ok policy check
expect_match "$ERR" "notify channel ops-mail has no recipients" "policy check warns of a channel that reaches nobody"
case "$ERR" in *notify_base_url*) fail "a policy with a base URL gets no warning about it" ;; esac

# body_of PATH N: the JSON body of the N-th POST to PATH (from 1).
body_of() { jq -c --arg p "$1" 'select(.path == $p) | .body' "$HOOKS" | sed -n "${2}p"; }
mail_of() { sed -n "${1}p" "$MAILS"; }

# Approval requested, on every channel, by the command's own delivery pass.
ok release submit hello-service --env prod --version 1.4.2 --as bob
expect_eq "$(printf '%s\n' "$OUT" | head -1)" "release 1 submitted" "submit's first line"
expect_eq "$ERR" "" "no warning when every channel is up"
wait_until "5 webhook bodies arrived" has_lines "$HOOKS" 5
wait_until "1 mail arrived" has_lines "$MAILS" 1
title="Approval needed: hello-service 1.4.2 to prod (release 1)"
title_re="Approval needed: hello-service 1\.4\.2 to prod \(release 1\)"
b=$(body_of /generic 1)
expect_eq "$(jq -r '[.event, .release.id, .release.service, .release.env, .release.version,
  .release.type, .release.state, .release.submitter, .url] | join(" ")' <<<"$b")" \
  "approval_needed 1 hello-service prod 1.4.2 normal submitted bob https://beaver.example.com/releases/1" \
  "generic body"
expect_match "$(jq -r .text <<<"$b")" "May approve: dan" "generic text says who may approve"
expect_eq "$(jq -r '.may_approve | join(",")' <<<"$b")" "dan" "generic may_approve"
link="https://beaver.example.com/releases/1"
b=$(body_of /slack 1)
expect_eq "$(jq -r '.text | split("\n")[0]' <<<"$b")" "$title" "slack text"
expect_match "$(jq -r .text <<<"$b")" "<@U0DAN>$" "slack mentions dan"
expect_eq "$(jq -r '.blocks[1].elements[0] | [.text.text, .url] | join(" ")' <<<"$b")" \
  "Review $link" "slack's Review button"
b=$(body_of '/wecom?key=k1' 1)
expect_eq "$(jq -r '.msgtype' <<<"$b")" "markdown" "wecom msgtype"
expect_match "$(jq -r '.markdown.content' <<<"$b")" "^\*\*$title_re\*\*" "wecom content"
expect_match "$(jq -r '.markdown.content' <<<"$b")" "\[Review\]\($link\)" "wecom's Review link"
expect_match "$(jq -r '.markdown.content' <<<"$b")" "<@dan.wu>$" "wecom mentions dan"
b=$(body_of /dingtalk 1)
expect_eq "$(jq -r '[.msgtype, .markdown.title] | join("|")' <<<"$b")" \
  "markdown|$title" "dingtalk title"
expect_match "$(jq -r '.markdown.text' <<<"$b")" "Submitted by: bob" "dingtalk text"
expect_match "$(jq -r '.markdown.text' <<<"$b")" "\[Review\]\($link\)" "dingtalk's Review link"
expect_eq "$(jq -r '[(.at.atMobiles | join(",")), .at.isAtAll] | join(" ")' <<<"$b")" \
  "13900000001 false" "dingtalk mentions dan's mobile, not everyone"
b=$(body_of /feishu 1)
expect_eq "$(jq -r '[.msg_type, .card.header.title.content] | join("|")' <<<"$b")" \
  "interactive|$title" "feishu card"
expect_match "$(jq -r '.card.elements[0].text.content' <<<"$b")" "<at id=ou_dan></at>$" \
  "feishu mentions dan"
expect_eq "$(jq -r '.card.elements[1].actions[0] | [.text.content, .url] | join(" ")' <<<"$b")" \
  "Review $link" "feishu's Review button"
expect_eq "$(jq -r .content_type "$HOOKS" | sort -u)" "application/json; charset=utf-8" \
  "content type"
m=$(mail_of 1)
# The step waits for a developer: its mail goes to no leader, only to the channel's own address.
expect_eq "$(jq -r '[.from, (.to | join(","))] | join(" ")' <<<"$m")" \
  "beaver@example.com ops@example.com" "mail envelope"
expect_match "$(jq -r .data <<<"$m")" "Subject: $title_re" "mail subject"
expect_match "$(jq -r .data <<<"$m")" "May approve: dan" "mail body"

# Approved.
ok release approve 1 --as dan
wait_until "10 webhook bodies arrived" has_lines "$HOOKS" 10
wait_until "2 mails arrived" has_lines "$MAILS" 2
expect_eq "$(jq -r '[.event, .release.state] | join(" ")' <<<"$(body_of /generic 2)")" \
  "approved approved" "generic approved"
expect_match "$(jq -r .text <<<"$(body_of /slack 2)")" "^Approved: hello-service 1.4.2" "slack approved"
expect_match "$(jq -r '.card.elements[0].text.content' <<<"$(body_of /feishu 2)")" \
  "Approved by: dan" "feishu approved"
expect_eq "$(jq -r '.markdown.content | test("<@")' <<<"$(body_of '/wecom?key=k1' 2)")" false \
  "an outcome mentions the submitter only, who has no chat id"
expect_match "$(jq -r .data <<<"$(mail_of 2)")" "Subject: Approved: hello-service 1.4.2" \
  "mail approved"

# A refused change announces nothing, and its error stays one line.
refused 1 "release 1 is approved; only a submitted release is approved" release approve 1 --as lea
expect_eq "$(lines "$HOOKS")" "10" "nothing sent for a refused change"

# An emergency stands out; rejected.
ok release submit hello-service --env prod --version 1.4.3 --emergency --category hotfix \
  --reason "payment callbacks fail" --as bob
ok release reject 2 --comment "roll forward instead" --as lea
wait_until "20 webhook bodies arrived" has_lines "$HOOKS" 20
wait_until "4 mails arrived" has_lines "$MAILS" 4
b=$(body_of /generic 3)
expect_eq "$(jq -r '[.event, .release.type, .release.category, .release.reason] | join("|")' \
  <<<"$b")" "approval_needed|emergency|hotfix|payment callbacks fail" "emergency generic"
expect_match "$(jq -r .text <<<"$b")" "^\[EMERGENCY\] Approval needed" "emergency stands out"
expect_match "$(jq -r .text <<<"$b")" "May approve: lea" "a leader approves an emergency"
expect_eq "$(jq -r .event <<<"$(body_of /generic 4)")" "rejected" "generic rejected"
expect_match "$(jq -r .markdown.content <<<"$(body_of '/wecom?key=k1' 4)")" \
  "Rejected by: lea: roll forward instead" "wecom rejected"
expect_match "$(jq -r .data <<<"$(mail_of 4)")" "Subject: \[EMERGENCY\] Rejected" "mail rejected"

ok notify list --status sent -o json --as ann
expect_eq "$(jq 'length' <<<"$OUT")" "24" "notifications sent"
expect_eq "$(jq '[.[] | select(.attempts == 1 and .attempt_log[0].ok)] | length' <<<"$OUT")" \
  "24" "one successful attempt each"
ok notify list --as ann
expect_match "$OUT" "rejected +2 +email-6 +email +sent" "table lists the mail"

# to_roles reach, for approval_needed, the holders who may approve the open step, and for an
# outcome those in the service's team: leo (core) got none of the payments mails above, but any
# leader may approve a staging release, so he gets that one.
ok release submit hello-service --env staging --version 1.4.3 --as bob
wait_until "5 mails arrived" has_lines "$MAILS" 5
expect_eq "$(mail_of 5 | jq -r '.to | join(",")')" \
  "lea@example.com,leo@example.com,ops@example.com" "the step's approvers from another team"

# A receiver that is down: the release still succeeds, the failure is recorded and stays queued.
cat >"$WORK/policy-later.yaml" <<YAML
$base
$envs
notify:
  - {name: later, channel: webhook, url: "http://127.0.0.1:$DOWN_PORT/later", events: [approval_needed]}
YAML
ok policy check "$WORK/policy-later.yaml"
expect_match "$ERR" "notify_base_url is not set: the messages of its 1 channel link to no release page" \
  "policy check warns of channels without a base URL"
export BEAVER_POLICY="$WORK/policy-later.yaml"
ok release submit hello-service --env prod --version 1.4.4 --as bob
expect_eq "$(printf '%s\n' "$OUT" | head -1)" "release 4 submitted" "submit with a channel down"
expect_match "$ERR" "attempt 1 failed: .*refused" "the failure is a warning"
ok notify list --status pending -o json --as ann
expect_eq "$(jq -r '.[0] | [.channel, .attempts, .attempt_log[0].ok] | join(" ")' <<<"$OUT")" \
  "later 1 false" "failed attempt recorded"
expect_match "$(jq -r '.[0].last_error' <<<"$OUT")" "refused" "its error recorded"
ok notify send
expect_match "$OUT" "0 sent, 1 failed" "send while still down"
start_receiver http "$DOWN_PORT" "$LATER"
ok notify send
expect_match "$OUT" "1 sent, 0 failed" "send once it is up"
expect_eq "$(lines "$LATER")" "1" "the late receiver got it"
expect_eq "$(jq -r '.body.release.id' "$LATER")" "4" "for release 4"
ok notify list -o json --as ann
expect_eq "$(jq -r '.[0] | [.status, .attempts, (.attempt_log | map(.ok) | join(","))] | join(" ")' \
  <<<"$OUT")" "sent 3 false,false,true" "every attempt recorded"

# The server sends what a change through the API queued, from its own thread.
source "$(dirname "$0")/server_lib.sh"
start_server
trap 'stop_server; stop_receivers; cleanup_work' EXIT
bob_token=$("$BEAVER_BIN" token create bob --as ann 2>/dev/null)
http POST /api/v1/releases "$bob_token" '{"service":"hello-service","env":"prod","version":"1.4.5"}'
expect_status 201 "a submit through the API"
wait_until "the server delivered its notification" has_lines "$LATER" 2
expect_eq "$(jq -r '.body.release.version' "$LATER" | tail -1)" "1.4.5" "the server's delivery"
stop_server
trap 'stop_receivers; cleanup_work' EXIT

# Mail over TLS, with a login: STARTTLS and implicit TLS to sinks holding a certificate made
# here, trusted through SSL_CERT_FILE (which OpenSSL reads for its default trust store).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:127.0.0.1" \
  -keyout "$WORK/sink.key" -out "$WORK/sink.crt" 2>/dev/null
STARTTLS_PORT=$(python3 "$RECEIVERS" free-port)
IMPLICIT_PORT=$(python3 "$RECEIVERS" free-port)
TLS_MAILS="$WORK/tls-mails.jsonl"
start_receiver smtp "$STARTTLS_PORT" "$TLS_MAILS" --tls "$WORK/sink.crt" "$WORK/sink.key" \
  --auth mailer:s3cret
start_receiver smtp "$IMPLICIT_PORT" "$TLS_MAILS" --tls "$WORK/sink.crt" "$WORK/sink.key" \
  --implicit --auth mailer:s3cret
# tls_policy NAME CHANNELS...: a policy whose notify list is CHANNELS, one per argument.
tls_policy() {
  local name=$1
  shift
  { printf '%s\n%s\nnotify:\n' "$base" "$envs"; printf '  - %s\n' "$@"; } >"$WORK/$name.yaml"
  export BEAVER_POLICY="$WORK/$name.yaml"
}
secure="from: beaver@example.com, user: mailer, password_env: BEAVER_TEST_SMTP_PASSWORD"
tls_policy tls \
  "{name: starttls, channel: email, smtp: \"127.0.0.1:$STARTTLS_PORT\", tls: starttls, $secure, to: [sec@example.com], events: [approval_needed]}" \
  "{name: implicit, channel: email, smtp: \"127.0.0.1:$IMPLICIT_PORT\", tls: implicit, auth: login, $secure, to: [sec@example.com], events: [approval_needed]}" \
  "{name: plain, channel: email, smtp: \"127.0.0.1:$SMTP_PORT\", from: beaver@example.com, to: [plain@example.com], events: [approval_needed]}"
export SSL_CERT_FILE="$WORK/sink.crt" BEAVER_TEST_SMTP_PASSWORD=s3cret
mails_before=$(lines "$MAILS")
ok release submit hello-service --env prod --version 1.5.0 --as bob
expect_eq "$ERR" "" "no warning: every mail went"
wait_until "2 mails over TLS arrived" has_lines "$TLS_MAILS" 2
expect_eq "$(jq -r '"\(.tls) \(.user) \(.to | join(","))"' "$TLS_MAILS" | sort -u)" \
  "true mailer sec@example.com" "both over TLS, logged in (PLAIN and LOGIN)"
expect_eq "$(lines "$MAILS")" "$((mails_before + 1))" "opportunistic: the sink without TLS got its mail"
expect_eq "$(tail -1 "$MAILS" | jq -r '"\(.tls) \(.user)"')" "false null" "in the clear, no login"
ok notify list --status sent -o json --as ann
expect_match "$(jq -r '.[] | select(.channel == "starttls") | .attempt_log[0].detail' <<<"$OUT")" \
  "SMTP over TLS accepted for sec@example.com" "the attempt says TLS"
expect_eq "$(jq -r '.[] | select(.channel == "starttls") | .target' <<<"$OUT")" \
  "smtp://127.0.0.1:$STARTTLS_PORT/?tls=starttls&user=mailer&password_env=BEAVER_TEST_SMTP_PASSWORD" \
  "the target names the password's variable, never the password"

# Each failure is recorded, and the release goes on: a wrong password, no password, a server
# without STARTTLS when the channel requires it, a certificate nobody trusts.
tls_attempt() {  # tls_attempt VERSION PATTERN WHAT: submit, then the one failed attempt's error
  ok release submit hello-service --env prod --version "$1" --as bob
  expect_match "$ERR" "attempt 1 failed: .*$2" "$3"
}
tls_policy tls-one \
  "{name: starttls, channel: email, smtp: \"127.0.0.1:$STARTTLS_PORT\", tls: starttls, $secure, to: [sec@example.com], events: [approval_needed]}"
tls_before=$(lines "$TLS_MAILS")
BEAVER_TEST_SMTP_PASSWORD=wrong tls_attempt 1.5.1 "535" "a wrong password"
BEAVER_ENV="-u BEAVER_TEST_SMTP_PASSWORD" tls_attempt 1.5.2 "BEAVER_TEST_SMTP_PASSWORD is not set" \
  "no password"
SSL_CERT_FILE=/nonexistent tls_attempt 1.5.3 "certificate verify failed" "a certificate nobody trusts"
expect_eq "$(lines "$TLS_MAILS")" "$tls_before" "no mail went in any of them"
tls_policy tls-plain \
  "{name: starttls, channel: email, smtp: \"127.0.0.1:$SMTP_PORT\", tls: starttls, $secure, to: [sec@example.com], events: [approval_needed]}"
mails_before=$(lines "$MAILS")
tls_attempt 1.5.4 "does not offer STARTTLS, and the channel requires it" "STARTTLS required"
# This command's delivery pass also retried the three mails queued above, now with the right
# password and certificate: they went, over TLS. Its own went nowhere, not even in the clear.
expect_eq "$(lines "$TLS_MAILS") $(lines "$MAILS")" "$((tls_before + 3)) $mails_before" \
  "the earlier mails went once fixed; none went in the clear"
unset SSL_CERT_FILE BEAVER_TEST_SMTP_PASSWORD
export BEAVER_POLICY="$WORK/policy.yaml"

# Bad channels are refused with their place in the file.
# bad NAME LINE: a policy whose notify list is LINE, which `policy check` refuses with PATTERN.
bad() {
  printf 'environments:\n  prod: {normal: {approvals: []}, emergency: {approvals: []}}\nnotify:\n%s\n' \
    "$2" >"$WORK/$1.yaml"
}
bad bad-channel '  - {channel: teams, url: "http://127.0.0.1:9/x"}'
refused 2 "bad-channel.yaml:4:15: .*webhook, email" policy check "$WORK/bad-channel.yaml"
bad bad-format '  - {channel: webhook, format: teams, url: "http://127.0.0.1:9/x"}'
refused 2 "bad-format.yaml:4:32: .*generic, wecom, dingtalk, feishu, slack" \
  policy check "$WORK/bad-format.yaml"
bad bad-url '  - {channel: webhook, format: slack, url: "ftp://example.com/x"}'
refused 2 "bad-url.yaml:4:44: .*URL" policy check "$WORK/bad-url.yaml"
bad bad-smtp '  - {channel: email, smtp: "mail.example.com", from: b@example.com, to: [c@example.com]}'
refused 2 "bad-smtp.yaml:4:28: .*host:port" policy check "$WORK/bad-smtp.yaml"
bad bad-event '  - {channel: webhook, url: "http://127.0.0.1:9/x", events: [approval_requested]}'
refused 2 "bad-event.yaml:4:62: .*approval_needed" policy check "$WORK/bad-event.yaml"
bad bad-role '  - {channel: email, smtp: "h:25", from: b@example.com, to_roles: [boss]}'
refused 2 "bad-role.yaml:4:68: .*leader" policy check "$WORK/bad-role.yaml"
bad bad-address '  - {channel: email, smtp: "h:25", from: b@example.com, to: ["c d@example.com"]}'
refused 2 "bad-address.yaml:4:62: .*e-mail address" policy check "$WORK/bad-address.yaml"
bad bad-login '  - {channel: email, smtp: "h:25", from: b@example.com, user: u, password_env: P, to: [c@example.com]}'
refused 2 "bad-login.yaml:4:63: .*needs tls: starttls or tls: implicit" \
  policy check "$WORK/bad-login.yaml"
bad bad-password '  - {channel: email, smtp: "h:465", tls: implicit, from: b@example.com, user: u, to: [c@example.com]}'
refused 2 "bad-password.yaml:4:5: missing key .password_env., needed with .user." policy check "$WORK/bad-password.yaml"
printf 'environments:\n  prod: {normal: {approvals: []}, emergency: {approvals: []}}\nnotifications:\n  channels: []\n' \
  >"$WORK/old-form.yaml"
refused 2 "old-form.yaml:3:1: .*notifications" policy check "$WORK/old-form.yaml"
refused 1 "unknown user 'nobody'" notify list --as nobody

finish
