#!/usr/bin/env bash
# mcu_cortexm_profile.sh - instructions per function on the Cortex-M4 (QEMU
# mps2-an386), per digit: builds the benchmark firmware on a small fixed
# sample, runs it one instruction per translation block with QEMU's exec
# trace, and counts the executed instructions by the function they belong to.
#
#   bash bench/mcu_cortexm_profile.sh [DIGITS] [TOP]    (default 4 digits, top 15)
#
# Slow (QEMU single-steps and logs every instruction: about a minute per
# digit). The per-digit figures divide by DIGITS + STROKES recognitions
# (the firmware runs net_run once per MNIST digit and once per stroke digit;
# ink_render only for the strokes). Board code (stack painting, semihosting)
# is listed too; it is not part of a recognition.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
digits=${1:-4}
top=${2:-15}
strokes=1
# shellcheck source=mcu/lib.sh
. "$src/bench/mcu/lib.sh"
command -v qemu-system-arm >/dev/null || { echo "needs qemu-system-arm" >&2; exit 2; }
data=$(mcu_data_root "$src") || { echo "needs the data root (MNIST, unipen)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mcu_samples "$src" "$data" "$work/samples" "$digits" "$strokes" >/dev/null
mcu_cortexm_build "$src" an386 "$work/samples" "$work/fw" >/dev/null
echo "Cortex-M4 (QEMU mps2-an386), $digits MNIST digits + $strokes stroke digit; instructions per recognition"
timeout 3600 qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic -monitor none \
    -serial none -chardev null,id=semihost \
    -semihosting-config enable=on,target=native,chardev=semihost \
    -singlestep -d exec,nochain -D /dev/stdout -kernel "$work/fw/fw.elf" </dev/null 2>/dev/null |
    awk -v n=$((digits + strokes)) '/^Trace/ { c[$NF]++; t++ }
         END { for (k in c) printf "%12d %5.1f%%  %s\n", c[k] / n, 100 * c[k] / t, k }' |
    sort -rn | head -n "$top"
