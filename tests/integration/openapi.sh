#!/usr/bin/env bash
# schemas/openapi.yaml is a valid OpenAPI 3 document as a standard validator
# (@apidevtools/swagger-parser) reads it, so clients generated from it get the API the server
# serves. The validator is first shown a broken copy, which it must refuse: a pass means it read
# the document, not that it reads nothing. Skipped (77) when node or npm is missing.
set -euo pipefail
doc=$(realpath "${1:?usage: $0 path/to/openapi.yaml}")
src=$(realpath "$(dirname "$0")/../openapi")
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed (make deps installs it)"; exit 77; }
done
: "${BEAVER_BUILD_DIR:?the build folder (set by ctest)}"
work=$(mktemp -d "${TMPDIR:-/tmp}/beaver-openapi-XXXXXX")
trap 'rm -rf "$work"' EXIT

# The validator goes into the build folder, not the source tree; npm ci only when the lock changed.
modules="$BEAVER_BUILD_DIR/openapi"
mkdir -p "$modules"
cp "$src/validate.mjs" "$modules/"
if ! cmp -s "$src/package-lock.json" "$modules/package-lock.json" ||
  [ ! -f "$modules/node_modules/@apidevtools/swagger-parser/package.json" ]; then
  cp "$src/package.json" "$src/package-lock.json" "$modules/"
  if ! npm ci --prefix "$modules" --no-audit --no-fund >"$work/npm.out" 2>&1; then
    cat "$work/npm.out" >&2
    rm -f "$modules/package-lock.json"
    echo "skipped: npm ci could not install swagger-parser (is the npm registry reachable?)"
    exit 77
  fi
fi

# The defect it must catch: an unquoted description holding a comma, inside a flow mapping,
# splits into a second key the OpenAPI schema does not allow.
sed '0,/^paths:$/s//paths:\n  \/broken:\n    get:\n      responses:\n        "200": {description: one, two}/' \
  "$doc" >"$work/broken.yaml"
if node "$modules/validate.mjs" "$work/broken.yaml" >"$work/broken.out" 2>&1; then
  cat "$work/broken.out"
  echo "FAIL: the validator accepted a response holding a key the OpenAPI schema does not allow" >&2
  exit 1
fi
grep -q '#/paths/~1broken/get/responses/200 must NOT have additional properties' "$work/broken.out" || {
  cat "$work/broken.out"
  echo "FAIL: the validator refused the broken copy for another reason than the extra key" >&2
  exit 1
}

node "$modules/validate.mjs" "$doc"
