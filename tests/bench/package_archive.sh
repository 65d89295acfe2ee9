#!/usr/bin/env bash
# Package archive benchmark against a baseline in the same run, printing the ratio:
# beaver_bench_archive (hash every file, write the deterministic .tar.gz with its SHA-256) vs the
# shell doing the same work: `tar | gzip -6`, `sha256sum` of every file and of the archive.
# The package: 40 incompressible jars (~100 MB, from /dev/urandom) and 200 small text files.
# usage: tests/bench/package_archive.sh [path/to/beaver_bench_archive]   (hyperfine and jq if
# present, else bash `time`)
set -euo pipefail
[ -n "${BENCH_DEBUG:-}" ] && set -x
BENCH=$(realpath "${1:-build/tests/beaver_bench_archive}")
work=$(mktemp -d "${TMPDIR:-/tmp}/beaver-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$work/pkg
mkdir -p "$src/lib" "$src/bin" "$src/config" "$src/doc"
for i in $(seq -w 1 40); do
  head -c 2621440 /dev/urandom >"$src/lib/dependency-$i.jar"
done
for i in $(seq -w 1 200); do
  seq -f "line %g of a text file that compresses well, number $i" 1 400 >"$src/doc/note-$i.txt"
done
printf '#!/bin/sh\nexec java -cp "lib/*" app.Main "$@"\n' >"$src/bin/run"
chmod 755 "$src/bin/run"
printf 'port: 8080\n' >"$src/config/app.yaml"
echo "package: $(du -sh "$src" | cut -f1) in $(find "$src" -type f | wc -l) files"

beaver="$BENCH $src $work/beaver.tar.gz"
baseline="cd $src && tar -cf - . | gzip -6 >$work/shell.tar.gz && find . -type f -exec sha256sum {} + >/dev/null && sha256sum $work/shell.tar.gz >/dev/null"

if command -v hyperfine >/dev/null && command -v jq >/dev/null; then
  hyperfine --warmup 1 --runs 5 --export-json "$work/archive.json" \
    -n beaver "$beaver" -n shell "$baseline" >/dev/null
  jq -r '"archive: beaver / tar|gzip -6 + sha256sum = "
    + (.results[0].mean / .results[1].mean * 100 | round / 100 | tostring) + "x  (beaver "
    + (.results[0].mean * 1000 | round | tostring) + " ms, baseline "
    + (.results[1].mean * 1000 | round | tostring) + " ms)"' "$work/archive.json"
else
  seconds() {  # wall seconds of one run of a shell command line (after one warm-up run)
    bash -c "$1" >/dev/null
    local TIMEFORMAT=%R
    { time bash -c "$1" >/dev/null; } 2>&1
  }
  b=$(seconds "$beaver")
  s=$(seconds "$baseline")
  awk -v b="$b" -v s="$s" 'BEGIN { printf "archive: beaver / tar|gzip -6 + sha256sum = %.2fx  (beaver %d ms, baseline %d ms)\n", b / s, b * 1000, s * 1000 }'
fi
echo "sizes: beaver $(stat -c %s "$work/beaver.tar.gz") bytes, shell $(stat -c %s "$work/shell.tar.gz") bytes"
