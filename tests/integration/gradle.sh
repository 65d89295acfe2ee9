#!/usr/bin/env bash
# The java-gradle pipeline for real: examples/hello-gradle (hello-service's code with a Gradle
# build) through beaver init (pipeline, version source, conf files and the environments skeleton
# detected), build, package and a deploy to a local: host, with its version read from
# build.gradle. The same commit gives the same jar twice; no Gradle daemon is left behind; a
# computed version is refused with where it is.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
export BEAVER_POLICY="$(cd "$(dirname "$0")" && pwd)/policy.yaml" BEAVER_NOW=2026-11-24T10:30:00+08:00
for tool in gradle java curl; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
# Gradle's caches in the scenario's folder, not the user's ~/.gradle.
export GRADLE_USER_HOME=$WORK/gradle-home
commit() { git -c user.email=ci@example.com -c user.name=ci commit -qm "$1"; }

# The example is hello-service's code: the two copies must not drift apart.
diff -r "$SOURCE_DIR/examples/hello-service/src" "$SOURCE_DIR/examples/hello-gradle/src" >/dev/null ||
  { RC=0 OUT="" ERR=""; fail "examples/hello-gradle/src differs from examples/hello-service/src"; }

port=$((20000 + RANDOM % 12000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
hosts=$WORK/hosts
trap '[ -x "$hosts/hello-gradle/current/bin/hello-gradle" ] &&
  "$hosts/hello-gradle/current/bin/hello-gradle" stop >/dev/null 2>&1; cleanup_work' EXIT

ok user add ann --team platform --role admin --as ann
ok user add bob --team payments --role developer --as ann
ok user add olga --team platform --role ops --as ann

# A fresh repository holding the example without its beaver.yaml: init writes one.
svc=$WORK/hello-gradle
cp -r "$SOURCE_DIR/examples/hello-gradle" "$svc"
rm -rf "$svc/beaver.yaml" "$svc/build" "$svc/.gradle" "$svc/dist"
cd "$svc"
git init -q && git add -A && commit "hello-gradle"
ok init --team payments
expect_match "$OUT" "service hello-gradle, team payments, pipeline java-gradle, version from gradle, 1 conf file" \
  "init detects Gradle and the conf file"
expect_match "$(cat beaver.yaml)" "^    - src/main/conf/application.properties$" "init lists the conf file"
expect_match "$(cat beaver.yaml)" "^#   prod:$" "the skeleton names the policy's prod"
expect_match "$(cat beaver.yaml)" "^#   test:$" "the skeleton names the policy's test"
cat >>beaver.yaml <<YAML
environments:
  test:
    hosts:
      - {url: "local:$hosts", port: $port}
YAML
git add -A && commit "beaver.yaml"
ok validate
expect_match "$OUT" "pipeline java-gradle, version from gradle, jar build/libs/hello-gradle-\\$\\{version\\}.jar, environments test \\(1 host\\)" \
  "validate"

ok build
expect_match "$OUT" "version 1.4.2 built: build/libs/hello-gradle-1.4.2.jar" "build reads the version from build.gradle"
expect_match "$ERR" "==> build: gradle --offline --no-daemon" "the step runs without a daemon"
built=$(sha256sum build/libs/hello-gradle-1.4.2.jar | cut -d' ' -f1)
[ -s build/test-results/test/TEST-com.example.hello.HelloServerTest.xml ] ||
  { RC=0 OUT="" ERR=""; fail "gradle build ran the tests"; }

# From scratch again, inside beaver package: the same commit, the same jar.
rm -rf build .gradle dist
ok package --as bob -o json
expect_eq "$(printf '%s' "$OUT" | jq -r '.service + " " + .version')" "hello-gradle 1.4.2" "package"
expect_eq "$(tar -xzOf dist/hello-gradle-1.4.2.tar.gz lib/hello-gradle-1.4.2.jar | sha256sum | cut -d' ' -f1)" \
  "$built" "the same commit builds the same jar"
expect_eq "$(tar -xzOf dist/hello-gradle-1.4.2.tar.gz MANIFEST.json | jq -r '.main_class')" \
  "com.example.hello.Main" "the main class from the jar"
expect_eq "$(tar -tzf dist/hello-gradle-1.4.2.tar.gz conf/application.properties)" \
  "conf/application.properties" "the conf file init found is packaged"
[ ! -e "$GRADLE_USER_HOME/daemon" ] || { RC=0 OUT="" ERR=""; fail "a Gradle daemon was started"; }

ok release submit hello-gradle --env test --package dist/hello-gradle-1.4.2.tar.gz --as bob -o json
id=$(printf '%s' "$OUT" | jq -r .id)
ok deploy "$id" --as olga -o json
expect_eq "$(printf '%s' "$OUT" | jq -r .status)" "deployed" "deployed to the local: host"
expect_eq "$(curl -fs "http://127.0.0.1:$port/version" | jq -r '.version + " " + .commit')" \
  "1.4.2 $(git rev-parse HEAD)" "the deployed service answers with its version and commit"

# A version the script computes cannot be read without running Gradle: refused, with where.
sed -i "s|^version = '1.4.2'|version = \"\${major}.2\"|" build.gradle
refused 2 "build.gradle:7:1: the version is computed \\(version = \"\\$\\{major\\}.2\"\\)" build
git checkout -q build.gradle

finish
