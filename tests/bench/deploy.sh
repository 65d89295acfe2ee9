#!/usr/bin/env bash
# Deploy benchmarks, each against a baseline in the same run, printing the ratio:
#  1. 10 hosts: `beaver deploy` of a new release of the packaged hello-service to 10 local: hosts
#     (folders) and to 10 ssh:// hosts (10 deploy roots on one sshd on 127.0.0.1), each host with
#     its own service port, vs an Ansible playbook (forks 10, pipelining, no fact gathering) doing
#     the same job on the same 10 ssh hosts: copy the package, unpack it into a new releases/
#     folder, stop the running JVM through its launcher, switch `current`, start, wait for
#     /health (uri with retries), keep the 2 newest releases.
#  2. one host: `beaver deploy` to one local: host vs its floor done by hand: the launcher's stop,
#     `current` switched to another unpacked release, the launcher's start, curl until the first
#     healthy answer.
# Every timed run really stops one JVM and starts another: each beaver deploy is a new release
# (the same package submitted again, so a new releases/<version>-<id>/ folder), each Ansible run a
# new releases/<version>-aN/ folder. A warm-up round (first start on empty hosts) is not timed;
# then the timed rounds interleave the five commands, so a load change hits them all alike.
# The sshd serves sftp (Ansible's copy uses it) and gives sessions HOME=<an empty folder>, as for
# a deploy account with no shell start-up files: this machine's /root/.bashrc runs `pyenv init`,
# which bash sources for every command sent over ssh and which costs ~0.35 s a command, more than
# the commands themselves. BENCH_SSH_HOME=login keeps the real HOME (and that cost, for both
# beaver and Ansible). The round trip of one multiplexed `ssh host true` is printed.
# The releases go to environments local10, ssh10 and one of a policy written here with the rules
# of tests/integration/policy.yaml's test environment (no approvals, no windows): one package
# whose beaver.yaml has the three host lists.
# usage: tests/bench/deploy.sh [path/to/beaver]   (needs java, mvn, curl, jq, openssh-server and
# ansible-playbook; BENCH_RUNS=N timed rounds, 5 by default; KEEP_WORK=1 keeps the temp folder)
# The binary is copied first, so a rebuild during the run does not change what is measured.
set -euo pipefail
[ -n "${BENCH_DEBUG:-}" ] && set -x
beaver_bin=$(realpath "${1:-build/beaver}")
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(dirname "$(dirname "$here")")
source "$source_dir/tests/integration/hosts_lib.sh"
runs=${BENCH_RUNS:-5}
for tool in java mvn curl jq git /usr/sbin/sshd ssh ssh-keygen ansible-playbook; do
  command -v "$tool" >/dev/null || { echo "deploy bench: $tool is not installed" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/beaver-bench-XXXXXX")
H=$work/hosts S=$work/sshd A=$work/ansible
mkdir -p "$H" "$S" "$S/home" "$A/cp" "$A/home" /run/sshd
BEAVER=$work/beaver
cp "$beaver_bin" "$BEAVER"
export BEAVER_HOME=$work/home BEAVER_DATA_DIR=$source_dir BEAVER_POLICY=$work/policy.yaml
export BEAVER_NOW=2026-11-24T10:30:00+08:00
me=$(id -un)

# Ansible's ssh connections (ControlPersist) are closed before each timed run, so each starts with
# none, as each beaver deploy does (beaver closes its own when done; Ansible's would persist 60 s:
# longer than between two runs here, shorter than between two real deploys).
close_ansible_connections() {
  local sock
  for sock in "$A"/cp/*; do
    [ -S "$sock" ] && ssh -o ControlPath="$sock" -O exit bench-host >/dev/null 2>&1
  done
  return 0
}

# Stops every JVM of every release on every host (each release's launcher knows its own), the
# ssh connections Ansible keeps open, then sshd, by its pid.
cleanup() {
  set +e
  local launcher
  for launcher in "$H"/*/hello-service/releases/*/bin/hello-service; do
    [ -x "$launcher" ] && STOP_TIMEOUT=10 "$launcher" stop >/dev/null 2>&1
  done
  close_ansible_connections
  stop_sshd "$S"
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# 10 + 10 + 1 service ports, one for the floor, one for sshd.
free_ports 23
floor_port=${ports[21]} ssh_port=${ports[22]}

# A real sshd on loopback, with keys made here (../../shared/notes/test-sshd.md, as deploy.sh).
extra=("MaxSessions 30" "MaxStartups 30" "Subsystem sftp internal-sftp")
[ "${BENCH_SSH_HOME:-}" = login ] || extra+=("SetEnv HOME=$S/home")
start_sshd "$S" "$ssh_port" "${extra[@]}"
probe=(ssh -F "$S/ssh_config" -o BatchMode=yes -o ControlMaster=auto -o "ControlPath=$A/cp/probe"
  -o ControlPersist=60 -p "$ssh_port" "$me@127.0.0.1")
"${probe[@]}" true
t0=$(date +%s%N)
for _ in $(seq 10); do "${probe[@]}" true; done
echo "ssh round trip (multiplexed, HOME ${BENCH_SSH_HOME:-empty}): $((($(date +%s%N) - t0) / 10000000)) ms"
"${probe[@]}" -O exit 2>/dev/null
t0=$(date +%s%N)
for _ in $(seq 10); do
  ssh -F "$S/ssh_config" -o BatchMode=yes -p "$ssh_port" "$me@127.0.0.1" true &
done
wait
echo "10 new ssh connections at once (no multiplexing): $((($(date +%s%N) - t0) / 1000000)) ms"

cat >"$BEAVER_POLICY" <<'YAML'
# tests/integration/policy.yaml's test environment, under three names.
timezone: Asia/Shanghai
environments:
  local10: {normal: {approvals: []}, emergency: {approvals: []}}
  ssh10: {normal: {approvals: []}, emergency: {approvals: []}}
  one: {normal: {approvals: []}, emergency: {approvals: []}}
YAML

b() { "$BEAVER" "$@"; }
b user add ann --team platform --role admin --as ann >/dev/null
b user add bob --team payments --role developer --as ann >/dev/null
b user add olga --team platform --role ops --as ann >/dev/null

# hello-service packaged once (Maven, offline, as the integration tests do), its beaver.yaml
# holding the three host lists.
hs=$work/hello-service
hello_repo "$source_dir" "$hs" 30s
{
  cat <<YAML
environments:
  local10:
    keep: 2
    hosts:
YAML
  for i in $(seq 1 10); do echo "      - {url: \"local:$H/l$i\", port: ${ports[$((i - 1))]}}"; done
  printf '  ssh10:\n    keep: 2\n    hosts:\n'
  for i in $(seq 1 10); do
    echo "      - {url: \"ssh://$me@127.0.0.1:$ssh_port$H/s$i\", port: ${ports[$((i + 9))]}}"
  done
  printf '  one:\n    keep: 2\n    hosts:\n'
  echo "      - {url: \"local:$H/one\", port: ${ports[20]}}"
} >>"$hs/beaver.yaml"
(cd "$hs" && commit_all 1.4.2)
(cd "$hs" && b package --as bob -o json) >"$work/package.json" 2>"$work/package.log" || {
  tail -n 30 "$work/package.log" >&2
  echo "deploy bench: beaver package failed" >&2
  exit 1
}
package=$hs/dist/hello-service-1.4.2.tar.gz
[ -f "$package" ] || { echo "deploy bench: no $package" >&2; exit 1; }
echo "package: $(basename "$package"), $(stat -c %s "$package") bytes"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# What the services' logs say went wrong (a JVM that did not start, a port taken meanwhile).
jvm_errors() {
  grep -HE 'Exception|Error|already in use' "$H"/*/hello-service/releases/*/logs/*.out 2>/dev/null |
    tail -n 20 >&2 || true
}

# Each *_deploy function leaves its wall time in seconds in $T (no subshell: they keep state).
# beaver_deploy ENV: submits the package again as a new release on ENV (not timed), deploys it
# (timed); adds "ID SECONDS" to $work/timed-ENV.
beaver_deploy() {
  local env=$1 id t0
  id=$(b release submit hello-service --env "$env" --package "$package" --as bob -o json | jq -r .id)
  t0=$(now)
  if ! b deploy "$id" --as olga -o json >"$work/deploy.json" 2>"$work/deploy.err"; then
    echo "deploy bench: FAILED: $BEAVER deploy $id --as olga (env $env)" >&2
    cat "$work/deploy.json" "$work/deploy.err" >&2
    jvm_errors
    exit 1
  fi
  T=$(since "$t0")
  [ "$(jq -r .status "$work/deploy.json")" = deployed ] || {
    echo "deploy bench: release $id ended $(jq -r .status "$work/deploy.json")" >&2
    exit 1
  }
  echo "$id $T" >>"$work/timed-$env"
}

# Ansible: 10 inventory hosts, all 127.0.0.1 on the same sshd and key, each its own deploy root
# and service port.
{
  echo "[app]"
  for i in $(seq 1 10); do
    echo "h$i ansible_host=127.0.0.1 ansible_port=$ssh_port app_root=$H/s$i app_port=${ports[$((i + 9))]}"
  done
  printf '[app:vars]\nansible_user=%s\n' "$me"
} >"$A/inventory"
cat >"$A/ansible.cfg" <<CFG
[defaults]
forks = 10
interpreter_python = /usr/bin/python3
host_key_checking = False
retry_files_enabled = False
callbacks_enabled = ansible.posix.profile_tasks
local_tmp = $A/tmp
[ssh_connection]
pipelining = True
ssh_args = -F $S/ssh_config -o ControlMaster=auto -o ControlPersist=60s
control_path = $A/cp/%%C
CFG
cat >"$A/deploy.yml" <<'YAML'
- hosts: app
  gather_facts: false
  vars:
    dir: "{{ app_root }}/hello-service"
    upload: "{{ dir }}/incoming/{{ rel }}.tar.gz"
  tasks:
    - name: folders
      file: {path: "{{ item }}", state: directory, mode: "0755"}
      loop: ["{{ dir }}/incoming", "{{ dir }}/releases/{{ rel }}"]
    - name: copy the package
      copy: {src: "{{ package }}", dest: "{{ upload }}", checksum: "{{ package_sha1 }}", mode: "0644"}
    - name: unpack
      unarchive: {src: "{{ upload }}", dest: "{{ dir }}/releases/{{ rel }}", remote_src: true}
    - name: stop the running release
      command: {cmd: "{{ dir }}/current/bin/hello-service stop", removes: "{{ dir }}/current/bin/hello-service"}
    - name: switch current
      file: {src: "releases/{{ rel }}", dest: "{{ dir }}/current", state: link, force: true}
    - name: start
      command: "{{ dir }}/current/bin/hello-service start"
      environment: {SERVER_PORT: "{{ app_port }}", START_CHECK: "0"}
    - name: health
      uri: {url: "http://127.0.0.1:{{ app_port }}/health"}
      register: health
      until: health.status == 200
      retries: 300
      delay: 0
    - name: keep 2 releases
      shell: "rm -f {{ upload }} && cd {{ dir }}/releases && ls -1t | tail -n +3 | xargs -r rm -rf --"
YAML
package_sha1=$(sha1sum "$package" | cut -d' ' -f1)
ansible_n=0
ansible_deploy() {
  local t0
  ansible_n=$((ansible_n + 1))
  close_ansible_connections
  t0=$(now)
  if ! ANSIBLE_CONFIG=$A/ansible.cfg ANSIBLE_HOME=$A/home ansible-playbook -i "$A/inventory" \
      -e "rel=1.4.2-a$ansible_n package=$package package_sha1=$package_sha1" "$A/deploy.yml" \
      >"$A/run.log" 2>&1; then
    echo "deploy bench: FAILED: ansible-playbook run $ansible_n" >&2
    tail -n 40 "$A/run.log" >&2
    jvm_errors
    exit 1
  fi
  T=$(since "$t0")
}

# The floor on its own folder and port: two unpacked copies of the package, `current` on one.
F=$H/floor/hello-service
mkdir -p "$F/releases/a" "$F/releases/b"
tar -xzf "$package" -C "$F/releases/a"
tar -xzf "$package" -C "$F/releases/b"
floor_next=a
floor_deploy() {
  local t0 tries=0
  t0=$(now)
  if [ -e "$F/current" ]; then "$F/current/bin/hello-service" stop >/dev/null; fi
  ln -sfn "releases/$floor_next" "$F/.current.new" && mv -Tf "$F/.current.new" "$F/current"
  SERVER_PORT=$floor_port START_CHECK=0 "$F/current/bin/hello-service" start >/dev/null
  until curl -fs -o /dev/null "http://127.0.0.1:$floor_port/health"; do
    tries=$((tries + 1))
    [ "$tries" -lt 2000 ] || {  # 20 s and more
      echo "deploy bench: FAILED: the floor's JVM never answered on port $floor_port" >&2
      tail -n 20 "$F/current/logs/hello-service.out" >&2
      exit 1
    }
    sleep 0.01
  done
  T=$(since "$t0")
  if [ "$floor_next" = a ]; then floor_next=b; else floor_next=a; fi
}

# Every host answers /health.
all_healthy() {
  local port
  for port in "${ports[@]:0:22}"; do
    curl -fs -o /dev/null "http://127.0.0.1:$port/health" || { echo "deploy bench: port $port is not healthy" >&2; exit 1; }
  done
}

echo "warm-up (first starts on empty hosts, not timed)"
beaver_deploy local10
beaver_deploy ssh10
ansible_deploy
beaver_deploy one
floor_deploy
all_healthy
rm -f "$work"/timed-*

declare -a t_local t_ssh t_ansible t_one t_floor
for r in $(seq 1 "$runs"); do
  beaver_deploy local10; t_local+=("$T")
  beaver_deploy ssh10; t_ssh+=("$T")
  ansible_deploy; t_ansible+=("$T")
  beaver_deploy one; t_one+=("$T")
  floor_deploy; t_floor+=("$T")
  all_healthy
  echo "round $r/$runs: beaver 10 local ${t_local[-1]} s, beaver 10 ssh ${t_ssh[-1]} s," \
    "ansible 10 ssh ${t_ansible[-1]} s, beaver 1 host ${t_one[-1]} s, floor ${t_floor[-1]} s"
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
m_local=$(median "${t_local[@]}") m_ssh=$(median "${t_ssh[@]}") m_ansible=$(median "${t_ansible[@]}")
m_one=$(median "${t_one[@]}") m_floor=$(median "${t_floor[@]}")
echo
echo "medians of $runs runs (seconds)"
awk -v l="$m_local" -v s="$m_ssh" -v a="$m_ansible" -v o="$m_one" -v f="$m_floor" 'BEGIN {
  printf "10 hosts: ansible 10 ssh / beaver 10 ssh   = %.2fx  (beaver %.3f s, ansible %.3f s; target >= 5x)\n", a / s, s, a
  printf "10 hosts: ansible 10 ssh / beaver 10 local = %.2fx  (beaver %.3f s)\n", a / l, l
  printf "1 host:   beaver / floor                   = %.2fx  (beaver %.3f s, floor %.3f s; target <= 1.5x)\n", o / f, o, f
}'

# Where beaver's time goes: the steps of every host of every timed deploy, from the ledger; the
# time outside the host steps is the wall time not covered by the slowest host's steps (beaver's
# start, plan and lease, the ledger writes between steps, closing the ssh connections).
echo
echo "beaver, per step over the $runs timed deploys, ms: mean / max over hosts and runs"
for env in local10 ssh10 one; do
  while read -r id secs; do
    b release show "$id" -o json --as olga |
      jq -c --arg wall "$secs" '{wall: ($wall | tonumber * 1000), steps: .deploy[-1].steps}'
  done <"$work/timed-$env" | jq -rs --arg env "$env" '
    map({wall, slowest: ([.steps | group_by(.host)[] | map(.elapsed_ms) | add] | max)}) as $per
    | (map(.steps) | add) as $s
    | ["prepare", "current", "upload", "verify", "unpack", "stop", "switch", "start", "health", "prune"]
    | map(. as $n | [$s[] | select(.step == $n) | .elapsed_ms]
        | if length == 0 then empty else "\($n) \(add / length | round)/\(max)" end)
    | "  \($env): " + join(", ") + "\n    wall \($per | map(.wall) | add / length | round),"
      + " the slowest host \($per | map(.slowest) | add / length | round),"
      + " outside the host steps \($per | map(.wall - .slowest) | add / length | round)"'
done
echo "ansible, per task of the last run, s (profile_tasks: until the last of the 10 hosts is done)"
sed -n '/^=====/,$p' "$A/run.log" | grep -E ' -+ [0-9.]+s$' | sed 's/^/  /'
