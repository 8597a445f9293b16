#!/usr/bin/env bash
# app_m5stack_stub.sh - compile check of the M5Stack Core2 port on the host.
# The Xtensa toolchain is not available here, so examples/M5Core2Lock/M5Core2Lock.ino
# is compiled as C++ with g++ against tests/stubs/m5core2/ (the M5Core2,
# Arduino, Preferences, esp_system and mbedTLS calls the port makes, with the
# same signatures), linked with the real core (src/, the default model included) and
# run: setup() paints the screen, a scripted stroke is drawn, auto-predict
# prints on "Serial", the LOCK tab works, the lock record reaches "NVS".
# Catches drift between the port and app.h/hal.h. Exit 77 when g++ is missing.
#   bash tests/app_m5stack_stub.sh <inkpin-cli> <source-dir> <build-dir>
set -euo pipefail
src=$2
out=$3/m5stack_stub
command -v g++ >/dev/null || { echo "app_m5stack_stub: SKIP: g++ missing"; exit 77; }
pkg-config --exists libsodium || { echo "app_m5stack_stub: SKIP: libsodium missing"; exit 77; }
rm -rf "$out"
mkdir -p "$out"
sketch=$src/examples/M5Core2Lock/M5Core2Lock.ino
stub=$src/tests/stubs/m5core2
warn=(-Wall -Wextra -Werror)
objs=()
for c in "$src"/src/*.c; do
  o=$out/$(basename "$c" .c).o
  gcc -std=c99 -O1 -I"$src/src" -c "$c" -o "$o"
  objs+=("$o")
done
g++ -std=gnu++17 -O1 "${warn[@]}" -I"$stub" -I"$src/src" -x c++ -c "$sketch" -o "$out/main.o"
g++ -std=gnu++17 -O1 -Wall -Wextra -I"$stub" -I"$src/src" -c "$stub/stub.cpp" -o "$out/stub.o"
g++ "$out/main.o" "$out/stub.o" "${objs[@]}" $(pkg-config --libs libsodium) -o "$out/m5stack_stub"
"$out/m5stack_stub"
