#!/usr/bin/env bash
# Fuzzes every target with afl++ for SECONDS each, starting from tests/fuzz/corpus/TARGET.
# usage: tests/fuzz/fuzz.sh path/to/afl-built/beaver_fuzz SECONDS FINDINGS_DIR
# Each target's findings (crashes, hangs, the grown queue) stay in FINDINGS_DIR/TARGET; an input
# that crashed belongs in the corpus once what it found is fixed. Exits 1 when any crashed.
set -euo pipefail
fuzzer=$(realpath "$1") seconds=$2 findings=$3
corpus=$(cd "$(dirname "$0")" && pwd)/corpus
mkdir -p "$findings"
# No core-pattern or CPU-governor checks: a shared machine's settings are not ours to change.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_QUIET=1
crashed=0
for target in tar policy service json_body database_url alertmanager; do
  out=$findings/$target
  rm -rf "$out"
  # -m none: the sanitizers reserve far more address space than afl's default limit.
  afl-fuzz -m none -t 2000 -V "$seconds" -i "$corpus/$target" -o "$out" -- "$fuzzer" "$target" @@ \
    >"$out.log" 2>&1 || { echo "$target: afl-fuzz failed, see $out.log"; tail -5 "$out.log"; exit 1; }
  stats=$out/default/fuzzer_stats
  execs=$(awk -F': *' '$1 ~ /execs_done/ {print $2}' "$stats")
  paths=$(awk -F': *' '$1 ~ /corpus_count/ {print $2}' "$stats")
  crashes=$(find "$out/default/crashes" -type f -name 'id:*' | wc -l)
  hangs=$(find "$out/default/hangs" -type f -name 'id:*' | wc -l)
  printf '%-13s %9s runs, %5s inputs in the queue, %s crashes, %s hangs\n' \
    "$target" "$execs" "$paths" "$crashes" "$hangs"
  [ "$crashes" -eq 0 ] || crashed=1
done
exit "$crashed"
