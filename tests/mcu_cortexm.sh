#!/usr/bin/env bash
# mcu_cortexm.sh - the recognizer on bare-metal Cortex-M4 (mps2-an386),
# Cortex-M3 (mps2-an385) and Cortex-M0 (microbit) under QEMU must give the
# host's results bit for bit: every prediction, confidence, logit hash and
# ink image hash of 100 MNIST test digits and 20 UNIPEN dev stroke digits,
# and `inkpin classify --json` must give the same stroke predictions.
# Usage (ctest): bash mcu_cortexm.sh <inkpin-cli> <source-dir> <build-dir>
# Exit 77 (skipped) when the ARM toolchain, QEMU or the data is missing.
set -euo pipefail
cli=$1
src=$2
build=$3
# shellcheck source=../bench/mcu/lib.sh
. "$src/bench/mcu/lib.sh"

for tool in arm-none-eabi-gcc qemu-system-arm; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (scripts/deps.sh)"; exit 77; }
done
data=$(mcu_data_root "$src") || { echo "SKIP: no data root with MNIST and unipen"; exit 77; }

out=$build/mcu/cortex-m
rc=0
mcu_samples "$src" "$data" "$out/samples" "$MCU_DIGITS_CM" "$MCU_STROKES_CM" || rc=$?
[ "$rc" -eq 77 ] && exit 77
[ "$rc" -eq 0 ] || { echo "FAIL: sample generation"; exit 1; }
mcu_host_ref "$src" "$out/samples" "$out/host"
"$out/host/host_ref" >"$out/host.txt"

status=0
for name in an386 an385 microbit; do
    board=$name
    mcu_cortexm_build "$src" "$board" "$out/samples" "$out/$name"
    fw_rc=0
    mcu_qemu "$board" "$out/$name/fw.elf" >"$out/$name.txt" || fw_rc=$?
    if [ "$fw_rc" -ne 0 ]; then
        echo "FAIL $name: firmware exit status $fw_rc"
        tail -5 "$out/$name.txt"
        status=1
        continue
    fi
    mcu_compare "$out/host.txt" "$out/$name.txt" "$name" || status=1
    mcu_cli_crosscheck "$cli" "$out/samples/strokes.ndjson" "$out/$name.txt" "$name" || status=1
    grep '^S ' "$out/$name.txt" | sed "s/^/    $name: /"
done
exit $status
