#!/usr/bin/env bash
# uno_door_stub.sh - examples/UnoDoorLock on the host. There is no Arduino core
# here, so the sketch is compiled as C++ with g++ against tests/stubs/uno/
# (Arduino, EEPROM and the Crypto library's SHA256 with the same signatures;
# SHA-256 and HMAC from libsodium), linked with the real lock (src/) and run:
# a serial session sets a PIN, watches the door pin through unlock, relock,
# Lock, wrong PINs and power cuts, and its PBKDF2 is compared with Python's
# hashlib.pbkdf2_hmac. Exit 77 when g++, libsodium or python3 is missing.
#   bash tests/uno_door_stub.sh <inkpin-cli> <source-dir> <build-dir>
set -euo pipefail
src=$2
out=$3/uno_stub
command -v g++ >/dev/null || { echo "uno_door_stub: SKIP: g++ missing"; exit 77; }
command -v python3 >/dev/null || { echo "uno_door_stub: SKIP: python3 missing"; exit 77; }
pkg-config --exists libsodium || { echo "uno_door_stub: SKIP: libsodium missing"; exit 77; }
rm -rf "$out"
mkdir -p "$out"
sketch=$src/examples/UnoDoorLock/UnoDoorLock.ino
stub=$src/tests/stubs/uno
objs=()
for c in util lock store store_bd; do
  gcc -std=c99 -O1 -Wall -Wextra -Werror -I"$src/src" -c "$src/src/$c.c" -o "$out/$c.o"
  objs+=("$out/$c.o")
done
# The sketch plus a hook that exposes its static KDF to the reference check.
{ cat "$sketch"; printf '\nint uno_kdf_for_test(uint8_t *h, const char *p, size_t n, const uint8_t *s)\n{ return uno_kdf(NULL, h, p, n, s); }\n'; } >"$out/sketch.cpp"
g++ -std=gnu++17 -O1 -Wall -Wextra -Werror -I"$stub" -I"$src/src" $(pkg-config --cflags libsodium) \
  -c "$out/sketch.cpp" -o "$out/sketch.o"
g++ -std=gnu++17 -O1 -Wall -Wextra -I"$stub" $(pkg-config --cflags libsodium) -c "$stub/stub.cpp" -o "$out/stub.o"
g++ "$out/sketch.o" "$out/stub.o" "${objs[@]}" $(pkg-config --libs libsodium) -o "$out/uno_stub"
got=$("$out/uno_stub" --kdf)
want=$(python3 -c 'import hashlib; print(hashlib.pbkdf2_hmac("sha256", b"2580", bytes(range(16)), 100, 32).hex())')
[ "$got" = "$want" ] || { echo "uno_door_stub: FAIL: PBKDF2 $got, hashlib says $want"; exit 1; }
echo "uno_door_stub: PBKDF2-HMAC-SHA256 (100 iterations) agrees with hashlib"
"$out/uno_stub"
