#!/usr/bin/env bash
# Runs every libFuzzer harness in BUILD_DIR for SECS seconds, starting from its
# seed corpus fuzz/corpus/<name>/ (copied, so the tree stays clean). Any crash,
# leak or sanitizer report fails the run.
set -euo pipefail
build=${1:-build-fuzz}
secs=${2:-10}
status=0
shopt -s nullglob
for bin in "$build"/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  work=$(mktemp -d)
  [ -d "fuzz/corpus/$name" ] && cp -r "fuzz/corpus/$name/." "$work/"
  echo "== $name (${secs}s)"
  if ! "$bin" -max_total_time="$secs" -print_final_stats=0 -artifact_prefix="$build/$name-" "$work" \
      > "$build/$name.log" 2>&1; then
    echo "FAIL $name: see $build/$name.log"; tail -30 "$build/$name.log"; status=1
  else
    grep -E '^(#[0-9]+.*DONE|Done)' "$build/$name.log" | tail -1 || true
  fi
  rm -rf "$work"
done
exit $status
