# Deploy hosts for the scenarios (and the benchmark) that deploy the real hello-service: free
# loopback ports, a real sshd on 127.0.0.1 (../shared/notes/test-sshd.md), and the service's
# repository. Needs nothing else sourced.

# free_ports N: N free ports in `ports`, below 32768, where Linux picks the ports of outgoing
# connections, so none of those can take one meanwhile.
free_ports() {
  ports=()
  local p=$((20000 + RANDOM % 12000))
  while [ "${#ports[@]}" -lt "$1" ]; do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || ports+=("$p")
    p=$((p + 1))
  done
}

# start_sshd DIR PORT [LINE...]: a real sshd on 127.0.0.1:PORT, its keys and files made in DIR,
# each LINE added to its configuration; exports BEAVER_SSH_CONFIG (a client configuration for it)
# and sets `me`, the user it logs in. stop_sshd DIR stops it.
start_sshd() {
  local dir=$1 port=$2 line
  shift 2
  mkdir -p "$dir" /run/sshd
  ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
  ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key"
  cp "$dir/client_key.pub" "$dir/authorized_keys" && chmod 600 "$dir/authorized_keys"
  cat >"$dir/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
CONF
  for line in "$@"; do echo "$line" >>"$dir/sshd_config"; done
  cat >"$dir/ssh_config" <<CONF
Host *
  IdentityFile $dir/client_key
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile $dir/known_hosts
  LogLevel ERROR
CONF
  /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
  for _ in $(seq 50); do [ -s "$dir/sshd.pid" ] && break; sleep 0.1; done
  export BEAVER_SSH_CONFIG=$dir/ssh_config
  me=$(id -un)
}

stop_sshd() {
  [ -s "$1/sshd.pid" ] && kill "$(cat "$1/sshd.pid")" 2>/dev/null
  return 0
}

# hello_repo SOURCE_DIR DIR [TIMEOUT]: the example hello-service of beaver's sources copied to
# DIR, without build output, and the head of its beaver.yaml written: its team, build, package,
# JVM options and health check (port 8080, TIMEOUT, 20s by default). The caller appends its
# environments, then makes it a repository with commit_all.
hello_repo() {
  cp -r "$1/examples/hello-service" "$2"
  rm -rf "$2/target" "$2/dist"
  cat >"$2/beaver.yaml" <<YAML
service: hello-service
team: payments
pipeline: java-maven
version: pom
package:
  jar: target/hello-service.jar
  conf: [src/main/conf/application.properties]
jvm_options: [-Xms32m, -Xmx128m]
health: {port: 8080, path: /health, timeout: ${3:-20s}}
YAML
}

# deploy_people: ann (admin), bob and dan (developers of payments, hello-service's team) and olga
# (ops), through lib.sh's `ok`.
deploy_people() {
  ok user add ann --team platform --role admin --as ann
  ok user add bob --team payments --role developer --as ann
  ok user add dan --team payments --role developer --as ann
  ok user add olga --team platform --role ops --as ann
}

# commit_all MESSAGE: a repository here (made when there is none) with every file committed;
# nothing to commit is fine.
commit_all() {
  [ -d .git ] || git init -q
  git add -A
  git diff --cached --quiet HEAD 2>/dev/null ||
    git -c user.email=ci@example.com -c user.name=ci commit -qm "$1"
}

# stop_services DIR: stops hello-service on every host folder in DIR.
stop_services() {
  local d
  for d in "$1"/*/hello-service; do
    [ -x "$d/current/bin/hello-service" ] && "$d/current/bin/hello-service" stop >/dev/null 2>&1
  done
  return 0
}
