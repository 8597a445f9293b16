#!/usr/bin/env bash
# build.sh - builds the single-file web page: build.sh [OUT_DIR] (default build/web)
#   build.sh --test-model OUT_DIR: the same page with ports/web/test_model.c in
#   place of the default model (inkpin-test.html; for tests/web_e2e.sh only).
#   1. npm ci when node_modules lacks the pinned packages (package-lock.json);
#   2. clang --target=wasm32 -nostdlib -ffreestanding: the library in src/ (app,
#      ink, net, lock, store, font, default model) + ports/web/web.c -> inkpin.wasm,
#      linked by wasm-ld (Debian's lld); no emscripten, no libc;
#   3. ports/web/assemble.js inlines the wasm (base64) and hash-wasm's Argon2id
#      into ports/web/shell.html -> OUT_DIR/inkpin.html.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# INKPIN_WEB_MODEL_DIR: a directory with an exported default_model.c and
# inkpin/default_model.h to use instead of the library's (to try a model
# before it ships).
model_dir=$root/src
if [ -n "${INKPIN_WEB_MODEL_DIR:-}" ]; then
  model_dir=$(cd "$INKPIN_WEB_MODEL_DIR" && pwd)
fi
name=inkpin
test_model=0
if [ "${1:-}" = "--test-model" ]; then
  test_model=1
  name=inkpin-test
  shift
fi
out=${1:-$root/build/web}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$root"
if [ $test_model = 1 ]; then
  model_src=(ports/web/test_model.c)
else
  model_src=("$model_dir"/default_model.c)
fi

if [ ! -f node_modules/hash-wasm/package.json ] ||
   [ ! -f node_modules/playwright-core/package.json ]; then
  if ! command -v npm >/dev/null; then
    # Not in scripts/deps.extra: NodeSource's nodejs bundles npm and conflicts
    # with Debian's package, so install Debian's only when there is no npm.
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    echo "build.sh: installing npm (Debian)" >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm >&2 ||
      { echo "build.sh: npm missing and could not be installed (apt-get install npm)" >&2; exit 1; }
  fi
  npm ci --no-audit --no-fund --loglevel=error
fi

CC=${WASM_CC:-clang}
command -v "$CC" >/dev/null || { echo "build.sh: $CC missing (apt-get install clang)" >&2; exit 1; }
command -v wasm-ld >/dev/null || command -v wasm-ld-14 >/dev/null ||
  { echo "build.sh: wasm-ld missing (apt-get install lld)" >&2; exit 1; }

# -fno-builtin is implied by -ffreestanding: the mem* functions in web.c are
# not turned back into calls to themselves.
"$CC" --target=wasm32 -std=c99 -O2 -ffreestanding -nostdlib -fvisibility=hidden \
  -Wall -Wextra -Iports/web/libc -I"$model_dir" -Isrc \
  -Wl,--no-entry -Wl,-z,stack-size=65536 -Wl,--initial-memory=327680 \
  -Wl,--max-memory=1048576 -Wl,--strip-debug \
  $(ls src/*.c | grep -v '/default_model\.c$') "${model_src[@]}" ports/web/web.c -o "$out/$name.wasm"

test_flag=()
[ $test_model = 1 ] && test_flag=(--test)
node ports/web/assemble.js "${test_flag[@]}" "$out/$name.wasm" "$out/$name.html"
echo "build.sh: wrote $out/$name.html ($(wc -c <"$out/$name.html") bytes; wasm $(wc -c <"$out/$name.wasm") bytes)"
