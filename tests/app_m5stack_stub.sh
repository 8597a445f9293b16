#!/usr/bin/env bash
# app_m5stack_stub.sh - compile check of the M5Stack Core2 port on the host.
# The Xtensa toolchain is not available here, so ports/m5stack-core2/src/main.cpp
# is compiled with g++ against ports/m5stack-core2/host-stub/ (the M5Core2,
# Arduino, Preferences, esp_system and mbedTLS calls the port makes, with the
# same signatures), linked with the real core (src/core, models/default) and
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
port=$src/ports/m5stack-core2
warn=(-Wall -Wextra -Werror)
objs=()
for c in "$src"/src/core/*.c "$src"/models/default/*.c; do
  o=$out/$(basename "$c" .c).o
  gcc -std=c99 -O1 -I"$src/include" -I"$src/src/core" -I"$src/models/default" -c "$c" -o "$o"
  objs+=("$o")
done
g++ -std=gnu++17 -O1 "${warn[@]}" -I"$port/host-stub" -I"$src/include" -c "$port/src/main.cpp" -o "$out/main.o"
g++ -std=gnu++17 -O1 -Wall -Wextra -I"$port/host-stub" -c "$port/host-stub/stub.cpp" -o "$out/stub.o"
g++ "$out/main.o" "$out/stub.o" "${objs[@]}" $(pkg-config --libs libsodium) -o "$out/m5stack_stub"
"$out/m5stack_stub"
