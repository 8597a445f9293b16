#!/usr/bin/env bash
# avr_model_select.sh - an 8-bit AVR build gets the small model with no flag:
# avr-gcc -mmcu=atmega328p compiles src/default_model.c into a
# net_default_model() that calls net_small_model() and carries none of the
# default model's tensors, NET_ARENA_BYTES is the small model's arena, and a
# linked image holds the small model's tensors only. The host compiler keeps
# the default model unless NET_USE_SMALL_MODEL is defined.
# Usage (ctest): bash avr_model_select.sh <inkpin-cli> <source-dir> <build-dir>
# Exit 77 (skipped) without avr-gcc.
set -euo pipefail
src=$2
build=$3
command -v avr-gcc >/dev/null || { echo "SKIP: avr-gcc not installed (scripts/deps.sh)"; exit 77; }
out=$build/avr-model-select
mkdir -p "$out"
status=0
fail() { echo "FAIL: $*"; status=1; }
avr=(avr-gcc -mmcu=atmega328p -std=c99 -Os -Wall -Wextra -Werror -ffunction-sections -fdata-sections -I "$src/src")
host=(cc -std=c99 -O2 -Wall -Wextra -Werror -I "$src/src")

# The header: on AVR NET_ARENA_BYTES is the small model's, and the switch is on.
cat >"$out/arena.c" <<'C'
#include "inkpin/default_model.h"
#include "inkpin/small_model.h"
#if defined(WANT_SMALL)
typedef char arena_is_small[NET_DEFAULT_IS_SMALL == 1 && NET_ARENA_BYTES == NET_SMALL_ARENA_BYTES ? 1 : -1];
#else
typedef char arena_is_default[NET_DEFAULT_IS_SMALL == 0 && NET_ARENA_BYTES != NET_SMALL_ARENA_BYTES ? 1 : -1];
#endif
int avr_model_select_check;
C
"${avr[@]}" -DWANT_SMALL -c "$out/arena.c" -o "$out/arena_avr.o" ||
    fail "avr-gcc: NET_ARENA_BYTES is not the small model's arena"
"${host[@]}" -c "$out/arena.c" -o "$out/arena_host.o" ||
    fail "host: NET_ARENA_BYTES is not the default model's arena"
"${host[@]}" -DNET_USE_SMALL_MODEL -DWANT_SMALL -c "$out/arena.c" -o "$out/arena_opt.o" ||
    fail "host with -DNET_USE_SMALL_MODEL: NET_ARENA_BYTES is not the small model's arena"

# The object: which model net_default_model() hands out (symbols of default_model.o).
# refers OBJ NM: 0 if OBJ calls net_small_model, carries no tensors of its own.
refers_small() {
    local syms
    syms=$("$2" "$1")
    grep -qE '^ +U net_small_model$' <<<"$syms" && grep -qE ' T net_default_model$' <<<"$syms" &&
        ! grep -qE ' l[0-9]+_w$' <<<"$syms"
}
"${avr[@]}" -c "$src/src/default_model.c" -o "$out/default_avr.o"
refers_small "$out/default_avr.o" avr-nm || fail "avr-gcc: net_default_model() is not net_small_model()"
"${host[@]}" -c "$src/src/default_model.c" -o "$out/default_host.o"
if refers_small "$out/default_host.o" nm; then fail "host: net_default_model() became the small model"; fi
nm "$out/default_host.o" | grep -qE ' l0_w$' || fail "host: default_model.o has no tensors of its own"
"${host[@]}" -DNET_USE_SMALL_MODEL -c "$src/src/default_model.c" -o "$out/default_opt.o"
refers_small "$out/default_opt.o" nm || fail "host -DNET_USE_SMALL_MODEL: not the small model"

# A linked ATmega328P image: its program memory holds less than the default
# model's tensors alone, and net_default_model() returns the small model.
cat >"$out/main.c" <<'C'
#include "inkpin/default_model.h"
#include "inkpin/net.h"
#include "inkpin/small_model.h"
volatile const void *sink;
int main(void)
{
    sink = net_default_model();
    return net_default_model() == net_small_model() ? 0 : 1;
}
C
"${avr[@]}" -Wl,--gc-sections "$out/main.c" "$src/src/default_model.c" "$src/src/small_model.c" \
    -o "$out/select.elf"
default_bytes=$(awk '/#define NET_MODEL_DATA_BYTES/ {print $3}' "$src/src/inkpin/default_model.h")
small_bytes=$(awk '/#define NET_SMALL_MODEL_DATA_BYTES/ {print $3}' "$src/src/inkpin/small_model.h")
text=$(avr-size "$out/select.elf" | awk 'NR == 2 {print $1 + $2}')
echo "ATmega328P image: $text B of flash (model data: small $small_bytes B, default $default_bytes B)"
[ "$text" -ge "$small_bytes" ] || fail "the image ($text B) is smaller than the small model's data"
[ "$text" -lt "$default_bytes" ] || fail "the image ($text B) has room for the default model's data"
[ $status -eq 0 ] && echo "AVR builds run the small model; the host keeps the default"
exit $status
