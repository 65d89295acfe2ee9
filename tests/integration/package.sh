#!/usr/bin/env bash
# beaver init/validate/build/package on real git repositories made here: the same commit packaged
# twice gives the same bytes; a dirty tree, a failing build and a missing jar each leave no
# package and nothing in the ledger; release submit --package links a release to the package and
# refuses a changed file; the packaged hello-service starts from its own launcher and answers.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
export BEAVER_POLICY="$(cd "$(dirname "$0")" && pwd)/policy.yaml" BEAVER_NOW=2026-11-24T10:30:00+08:00
for tool in java javac jar mvn curl; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
commit() { git -c user.email=ci@example.com -c user.name=ci commit -qm "$1"; }
packages() { sqlite3 "$BEAVER_HOME/beaver.db" 'SELECT count(*) FROM packages'; }

ok user add ann --team platform --role admin --as ann
ok user add bob --team payments --role developer --as ann
ok user add dan --team payments --role developer --as ann

# A plain-JDK service in a fresh repository.
svc=$WORK/greeter
mkdir -p "$svc/src/demo" "$svc/src/META-INF"
printf 'package demo;\npublic class Main { public static void main(String[] a) { System.out.println("hi"); } }\n' \
  >"$svc/src/demo/Main.java"
printf 'Manifest-Version: 1.0\nMain-Class: demo.Main\n' >"$svc/src/META-INF/MANIFEST.MF"
printf 'build/\ndist/\n' >"$svc/.gitignore"
cd "$svc"
git init -q && git add -A && commit "greeter" && git tag v2.0.1
refused 2 "greeter holds|--team is required" init
ok init --team payments
expect_match "$OUT" "pipeline java-jdk, version from git" "init detects the plain JDK"
git add -A && commit "manifest" && git tag -f v2.0.2 >/dev/null
ok validate
expect_match "$OUT" "beaver.yaml: valid; service greeter, team payments, pipeline java-jdk" "validate"

ok package --as bob -o json
expect_eq "$(printf '%s' "$OUT" | jq -r '.version + " " + (.registered | tostring)')" "2.0.2 true" \
  "first package"
first=$(sha256sum dist/greeter-2.0.2.tar.gz | cut -d' ' -f1)
expect_eq "$(printf '%s' "$OUT" | jq -r .sha256)" "$first" "the recorded checksum is the file's"
rm -rf build dist
ok package --as bob -o json
expect_eq "$(sha256sum dist/greeter-2.0.2.tar.gz | cut -d' ' -f1)" "$first" \
  "the same commit packaged again gives the same bytes"
expect_eq "$(printf '%s' "$OUT" | jq -r .registered)" "false" "registered once"
tar -tzf dist/greeter-2.0.2.tar.gz >"$WORK/listing"
expect_eq "$(tr '\n' ' ' <"$WORK/listing")" \
  "MANIFEST.json beaver.yaml bin/ bin/greeter conf/ conf/jvm.options lib/ lib/greeter.jar logs/ systemd/ systemd/greeter.service " \
  "package layout, sorted"
tar -xzf dist/greeter-2.0.2.tar.gz -C "$WORK" MANIFEST.json
expect_eq "$(jq -r '[.service, .version, .git.commit, .git.tag, .main_class] | join(" ")' "$WORK/MANIFEST.json")" \
  "greeter 2.0.2 $(git rev-parse HEAD) v2.0.2 demo.Main" "manifest facts"
expect_eq "$(jq -r '.files[] | select(.path == "lib/greeter.jar") | .sha256' "$WORK/MANIFEST.json")" \
  "$(tar -xzOf dist/greeter-2.0.2.tar.gz lib/greeter.jar | sha256sum | cut -d' ' -f1)" \
  "the manifest's checksum of the jar"

# A dirty tree is refused, and nothing is built or registered.
before=$(packages)
echo "// wip" >>src/demo/Main.java
refused 1 "uncommitted changes \(src/demo/Main.java\): commit them, or package anyway with --allow-dirty" \
  package --as bob
expect_eq "$(packages)" "$before" "packages after a refused dirty tree"
ok package --allow-dirty --as bob -o json
expect_eq "$(printf '%s' "$OUT" | jq -r .allow_dirty)" "true" "allow-dirty recorded in the ledger"
expect_eq "$(tar -xzOf dist/greeter-2.0.2.tar.gz MANIFEST.json | jq -r '.build.allow_dirty')" \
  "true" "allow-dirty recorded in the manifest"
git checkout -q src/demo/Main.java

# A failing build leaves its log, no package and nothing in the ledger.
rm -rf dist
before=$(packages)
echo "this is not java" >src/demo/Broken.java
git add -A && commit "broken"
fails_after_output 1 "build step 'compile' failed with exit code 1 \(log: .*dist/build.log\)" package --as bob
[ -s dist/build.log ] || fail "the build log is kept"
[ -z "$(ls dist/*.tar.gz 2>/dev/null)" ] || fail "a failing build left a package"
expect_eq "$(packages)" "$before" "packages after a failing build"
git rm -q src/demo/Broken.java && commit "fixed"

# A jar that is not where the manifest says.
sed -i 's|jar: build/greeter.jar|jar: build/elsewhere.jar|' beaver.yaml && git add -A && commit "moved"
fails_after_output 1 "the jar is not where the manifest says: build/elsewhere.jar" package --as bob
expect_eq "$(packages)" "$before" "packages after a missing jar"

# A conf file git ignores is not in the commit: refused, not packaged.
sed -i 's|jar: build/elsewhere.jar|jar: build/greeter.jar|; s|  conf: \[\].*|  conf: [secret.properties]|' beaver.yaml
printf 'secret.properties\n' >>.gitignore && echo "password=hunter2" >secret.properties
git add -A && commit "ignored conf"
fails_after_output 1 "package.conf: secret.properties is not in the commit as it is on disk" \
  package --as bob
expect_eq "$(packages)" "$before" "packages after an ignored conf file"

# A conf file that is a symlink out of the service is refused, not packaged.
sed -i 's|  conf: \[secret.properties\]|  conf: [leak.properties]|' beaver.yaml
ln -s /etc/passwd leak.properties && git add -A && commit "leak"
fails_after_output 1 "leak.properties leads outside the service folder" package --as bob
expect_eq "$(packages)" "$before" "packages after a symlink out"

# A Gradle service on a machine without gradle: said clearly, naming the Debian package.
gradle_svc=$WORK/gradle-svc
mkdir -p "$gradle_svc" && printf 'version = "1.0.0"\n' >"$gradle_svc/build.gradle"
ok init --dir "$gradle_svc" --team payments
expect_match "$OUT" "pipeline java-gradle, version from gradle" "init detects Gradle"
BEAVER_ENV=PATH=/nonexistent refused 2 "the java-gradle pipeline needs gradle, which is not installed here \(Debian package: gradle\)" \
  build --dir "$gradle_svc"

# Only a developer or a leader packages; an unknown user is refused before any build.
cd "$SOURCE_DIR"
refused 1 "unknown user 'nobody'" package --dir "$svc" --as nobody

# hello-service, the real Maven project: package, submit, start from the package, stop.
hs=$WORK/hello-service
cp -r "$SOURCE_DIR/examples/hello-service" "$hs"
rm -rf "$hs/target" "$hs/dist"
cd "$hs" && git init -q && git add -A && commit "hello-service"
ok package --as bob -o json
hs_sha=$(printf '%s' "$OUT" | jq -r .sha256)
# Maven writes colour codes even in batch mode; the log keeps the text without them.
expect_match "$(cat dist/build.log)" "BUILD SUCCESS" "Maven's output is in the build log"
if grep -q $'\x1b' dist/build.log; then RC=0 OUT="" ERR=""; fail "dist/build.log holds escape codes"; fi
ok release submit hello-service --env test --package dist/hello-service-1.4.2.tar.gz --as bob -o json
expect_eq "$(printf '%s' "$OUT" | jq -r '[.version, .package_sha256, .commit, .status] | join(" ")')" \
  "1.4.2 $hs_sha $(git rev-parse HEAD) approved" "release linked to the package"
# A package the ledger knows but this home no longer keeps is kept again before the release is
# recorded: copied, the user's file left where it is.
rm "$BEAVER_HOME/packages/$hs_sha.tar.gz"
ok release submit hello-service --env prod --package dist/hello-service-1.4.2.tar.gz --as bob -o json
prod_id=$(printf '%s' "$OUT" | jq -r .id)
[ -f dist/hello-service-1.4.2.tar.gz ] || fail "the submitted package file is gone from dist/"
expect_eq "$(sha256sum "$BEAVER_HOME/packages/$hs_sha.tar.gz" | cut -d' ' -f1)" "$hs_sha" \
  "the package is kept again, byte for byte"
ok release approve "$prod_id" --as dan -o json
expect_eq "$(printf '%s' "$OUT" | jq -r '.status + " " + (.approvals[0].counts | tostring)')" \
  "approved true" "an approval binds to the release with its package and full commit"
cp dist/hello-service-1.4.2.tar.gz "$WORK/changed.tar.gz"
printf 'x' >>"$WORK/changed.tar.gz"
cp "$WORK/changed.tar.gz" "$WORK/hello-service-1.4.2.tar.gz"
refused 1 "does not match the package registered for hello-service 1.4.2 .*changed after packaging" \
  release submit hello-service --env test --package "$WORK/hello-service-1.4.2.tar.gz" --as bob
refused 1 "is not a package beaver built" \
  release submit hello-service --env test --package "$WORK/changed.tar.gz" --as bob
refused 2 "--package excludes --commit|--commit excludes --package" \
  release submit hello-service --env test --package dist/hello-service-1.4.2.tar.gz --commit abcdef1 --as bob

app=$WORK/app
mkdir -p "$app" && tar -xzf dist/hello-service-1.4.2.tar.gz -C "$app"
port=$((20000 + RANDOM % 12000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
trap 'SERVER_PORT=$port "$app/bin/hello-service" stop >/dev/null 2>&1; rm -rf "$WORK"' EXIT
SERVER_PORT=$port "$app/bin/hello-service" start >/dev/null || fail "the packaged launcher starts"
deadline=$((SECONDS + 30))
until curl -fs "http://127.0.0.1:$port/health" >"$WORK/health" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || { fail "/health did not answer within 30 s"; break; }
done
expect_eq "$(jq -r .status "$WORK/health" 2>/dev/null)" "UP" "/health of the packaged service"
expect_eq "$(curl -fs "http://127.0.0.1:$port/version" | jq -r '.version + " " + .commit')" \
  "1.4.2 $(git rev-parse HEAD)" "/version answers from the package's manifest"
"$app/bin/hello-service" status >/dev/null || fail "status reports it running"
"$app/bin/hello-service" stop >/dev/null || fail "stop stops it"
set +e; "$app/bin/hello-service" status >/dev/null; rc=$?; set -e
expect_eq "$rc" "3" "status after stop"

finish
