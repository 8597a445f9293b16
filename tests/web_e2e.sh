#!/usr/bin/env bash
# web_e2e.sh - the browser page end to end in Debian's Chromium (ports/web/e2e.js):
# builds build-dir/web/inkpin.html (ports/web/build.sh), tests the port's HAL
# glue under node (ports/web/glue_test.js: the KDF hand-off to the worker,
# storage that fails closed, the door output and its relock), checks that the page's wasm module and `inkpin
# classify` agree on every drawing of unipen/dev.ndjson (ports/web/agree.js,
# under node), then in Chromium (ports/web/e2e.js) replays real pen strokes as
# mouse drags, compares with classify, runs the lock flow with the KDF worker,
# the dim lock ink, the door LED and its auto-relock, and two tabs, the storage
# faults (a refused write: recovery, nothing compared), a phone in both
# orientations and 1280x800.
# Screenshots: <build-dir>/web/*.png.
#   bash tests/web_e2e.sh <inkpin-cli> <source-dir> <build-dir>
# Exit 77 (skipped) when chromium, node or clang/wasm-ld are missing, or the npm
# packages (package-lock.json) cannot be installed.
set -euo pipefail
cli=$1
src=$2
build=$3
out=$build/web

skip() { echo "web_e2e: SKIP: $*"; exit 77; }
# The page is built by clang for wasm32, the same in every CMake configuration:
# the sanitizer run would repeat the normal run's test without instrumentation.
[ "${INKPIN_SANITIZED:-0}" = 1 ] && skip "sanitizer build (the page is tested by the normal build)"
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "chromium missing ($chromium)"
command -v node >/dev/null || skip "node missing"
command -v clang >/dev/null || skip "clang missing"
command -v wasm-ld >/dev/null || command -v wasm-ld-14 >/dev/null || skip "wasm-ld (lld) missing"
# build.sh installs the pinned npm packages (npm ci, and Debian's npm if there
# is no npm at all) when they are missing; if that is impossible (offline),
# skip rather than fail.
if [ ! -f "$src/node_modules/playwright-core/package.json" ]; then
  bash "$src/ports/web/build.sh" "$out" || skip "could not install node_modules / build the page (offline?)"
fi

# INKPIN_TEST_MODEL=DIR/model.inkm (with DIR/default_model.c beside it, as the
# exporter writes them): the page and classify use that model instead of the default.
if [ -n "${INKPIN_TEST_MODEL:-}" ]; then
  INKPIN_WEB_MODEL_DIR=$(dirname "$INKPIN_TEST_MODEL") bash "$src/ports/web/build.sh" "$out"
else
  bash "$src/ports/web/build.sh" "$out"
fi
bash "$src/ports/web/build.sh" --test-model "$out"

data=""
for d in "${INKPIN_DATA:-}" "$src/data" "$src/../shared/data" "$src/../../shared/data"; do
  if [ -n "$d" ] && [ -f "$d/unipen/dev.ndjson" ]; then data=$d; break; fi
done
dev=""
[ -n "$data" ] && dev=$data/unipen/dev.ndjson

cd "$src"
# The HAL glue of web.c with the page's Argon2id, no browser.
node ports/web/glue_test.js "$out/inkpin-test.wasm"
# Every drawing of the dev set through the page's own wasm module (under node)
# and through `inkpin classify`: identical answers required.
if [ -n "$dev" ]; then
  node ports/web/agree.js "$out/inkpin.wasm" "$dev" "$cli" ${INKPIN_TEST_MODEL:+--model "$INKPIN_TEST_MODEL"}
fi
CHROMIUM=$chromium node ports/web/e2e.js "$out/inkpin.html" "$out/inkpin-test.html" "$out" "$dev" "$cli"
