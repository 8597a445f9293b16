#!/usr/bin/env bash
# mcu_report.sh - the MCU footprint and latency table (`make mcu-report`).
#
#   bash bench/mcu_report.sh [WORK_DIR]     (default build/mcu-report)
#
# For each target: builds the recognizer alone (bench/mcu/size_main.c) to
# measure flash and static RAM from the linker map, builds and runs the
# benchmark firmware in its simulator (QEMU for Cortex-M, simavr for the
# ATmega328P) on the fixed sample, compares every result with the host's,
# and takes the per-inference instruction/cycle counts and the peak stack
# measured by stack painting. RISC-V (rv32imc) is size only.
# Prints a table and writes bench/results/mcu.json. Needs the toolchains of
# scripts/deps.extra; a missing toolchain or data root leaves that target's
# figures null (and says so) rather than failing.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$src/build/mcu-report}
json=$src/bench/results/mcu.json
# shellcheck source=mcu/lib.sh
. "$src/bench/mcu/lib.sh"
mkdir -p "$work" "$(dirname "$json")"

data=$(mcu_data_root "$src") || data=""
model_dir=$(mcu_model_dir "$src")
model_present=$(awk '/#define NET_DEFAULT_MODEL_PRESENT/ {print $3}' "$model_dir/inkpin/default_model.h")
model_params=$(awk '/#define NET_MODEL_PARAMS/ {print $3}' "$model_dir/inkpin/default_model.h")
model_command=$(sed -n 's/^#define NET_MODEL_COMMAND "\(.*\)"$/\1/p' "$model_dir/inkpin/default_model.h" | sed 's/\\/\\\\/g; s/"/\\"/g')
# The ATmega328P runs the small model (models/avr; inkpin/default_model.h picks it from __AVR__).
small_h=$model_dir/inkpin/small_model.h
[ -f "$small_h" ] || small_h=$src/src/inkpin/small_model.h
avr_model_params=$(awk '/#define NET_SMALL_MODEL_PARAMS/ {print $3}' "$small_h" 2>/dev/null || true)
avr_model_command=$(sed -n 's/^#define NET_SMALL_MODEL_COMMAND "\(.*\)"$/\1/p' "$small_h" 2>/dev/null | sed 's/\\/\\\\/g; s/"/\\"/g')

# ---- helpers ----------------------------------------------------------------

# bytes GROUP KIND MAP: bytes of that group and kind in a linker map (0 if none)
bytes() {
    awk -f "$src/bench/mcu/mapsize.awk" "$3" | awk -v g="$1" -v k="$2" '$1 == g && $2 == k {s += $3} END {print s + 0}'
}

# sval FILE KEY: the value after KEY in the S line's measurement part
sval() {
    grep '^S ' "$1" | sed 's/^.*| //' | awk -v k="$2" '{for (i = 1; i < NF; i++) if ($i == k) {print $(i + 1); exit}}'
}

# digits_field FILE digits|strokes n|correct|errors
sfield() {
    grep '^S ' "$1" | sed 's/ |.*$//' |
        awk -v part="$2" -v k="$3" '{for (i = 1; i < NF; i++) if ($i == part) {for (j = i + 1; j < NF; j++) if ($j == k) {print $(j + 1); exit}}}'
}

num_or_null() { if [ -n "${1:-}" ]; then echo "$1"; else echo null; fi; }

objects=()
table=()
mdrows=()

# add_target NAME ARCH_DESC SIM_DESC SIZE_MAP RUN_OUTPUT HOST_OUTPUT UNIT CLOCK_MHZ CLOCK_NOTE
add_target() {
    local name=$1 arch=$2 sim=$3 map=$4 run=$5 host=$6 unit=$7 mhz=$8 clock_note=$9
    local code const dinit rt ramdata rambss flash
    code=$(bytes recognizer text "$map")
    const=$(bytes recognizer rodata "$map")
    dinit=$(bytes recognizer data "$map")
    rambss=$(bytes recognizer bss "$map")
    rt=$(bytes runtime text "$map")
    flash=$((code + const + dinit + rt))
    ramdata=$dinit

    local arena="" inkbuf="" image="" result="" net_stack="" ink_stack="" stack=""
    local net_mean="" net_max="" ink_mean="" ink_max="" agree=null ms_net=null ms_total=null
    local dn="" dc="" sn="" sc="" ram_total=null
    # Not run: static RAM of the size image (size_main.c's arena, ink buffer,
    # image and result + the recognizer's data/bss); the stack is unknown.
    local static_only
    static_only=$(($(bytes other bss "$map") + $(bytes other data "$map") + ramdata + rambss))
    if [ -n "$run" ] && [ -s "$run" ] && grep -q '^S ' "$run"; then
        arena=$(sval "$run" arena); inkbuf=$(sval "$run" ink_buffer)
        image=$(sval "$run" image); result=$(sval "$run" result)
        net_stack=$(sval "$run" net_stack); ink_stack=$(sval "$run" ink_stack)
        stack=$((net_stack > ink_stack ? net_stack : ink_stack))
        ink_mean=$(sval "$run" ink_mean); ink_max=$(sval "$run" ink_max)
        dn=$(sfield "$run" digits n); dc=$(sfield "$run" digits correct)
        sn=$(sfield "$run" strokes n); sc=$(sfield "$run" strokes correct)
        if [ "$model_present" = 1 ]; then
            net_mean=$(sval "$run" net_mean); net_max=$(sval "$run" net_max)
        fi
        if mcu_compare "$host" "$run" "$name" >/dev/null 2>&1; then agree=true; else agree=false; fi
        ram_total=$((arena + inkbuf + image + result + ramdata + rambss + stack))
        if [ -n "$net_mean" ]; then
            ms_net=$(awk -v c="$net_mean" -v f="$mhz" 'BEGIN {printf "%.1f", c / (f * 1000)}')
            ms_total=$(awk -v c="$net_mean" -v i="$ink_mean" -v f="$mhz" 'BEGIN {printf "%.1f", (c + i) / (f * 1000)}')
        fi
    fi
    objects+=("$(cat <<EOT
    {
      "target": "$name",
      "build": "$arch",
      "simulator": "$sim",
      "flash_bytes": {"recognizer_code": $code, "model_and_tables": $const, "data_init": $dinit,
                      "runtime_helpers": $rt, "total": $flash},
      "ram_bytes": {"arena": $(num_or_null "$arena"), "ink_buffer": $(num_or_null "$inkbuf"),
                    "image": $(num_or_null "$image"), "net_result": $(num_or_null "$result"),
                    "data_bss": $((ramdata + rambss)), "peak_stack": $(num_or_null "$stack"),
                    "static_of_size_image": $static_only, "total": $ram_total},
      "per_inference": {"unit": "$unit", "net_mean": $(num_or_null "$net_mean"), "net_max": $(num_or_null "$net_max"),
                        "ink_render_mean": $(num_or_null "$ink_mean"), "ink_render_max": $(num_or_null "$ink_max"),
                        "net_stack": $(num_or_null "$net_stack"), "ink_stack": $(num_or_null "$ink_stack")},
      "clock_mhz": $mhz,
      "clock_note": "$clock_note",
      "ms_net": $ms_net,
      "ms_ink_plus_net": $ms_total,
      "sample": {"mnist_test_digits": $(num_or_null "$dn"), "mnist_correct": $(num_or_null "$dc"),
                 "stroke_digits": $(num_or_null "$sn"), "stroke_correct": $(num_or_null "$sc")},
      "agrees_with_host": $agree
    }
EOT
)")
    local per="-"
    [ -n "$net_mean" ] && per="$(awk -v n="$net_mean" -v i="$ink_mean" 'BEGIN {printf "%.2f M + %.2f M", n / 1e6, i / 1e6}')"
    local ramcell="$ram_total B (stack $stack)" timecell="${ms_total/null/-} ms @ $mhz MHz"
    [ "$ram_total" = null ] && ramcell="$static_only B static + stack (not run)"
    [ "$unit" = none ] && timecell="not run"
    mdrows+=("| $name | $(awk -v b="$flash" 'BEGIN {printf "%.1f", b / 1024}') KB | $((const)) B | $ramcell | $per $unit | $timecell | $agree |")
    table+=("$(printf '%-12s %7s %7s %6s %6s %12s %12s %-12s %6s %6s  %s' "$name" "$flash" "$const" \
        "${ram_total/null/$static_only+}" "${stack:--}" "${net_mean:--}" "${ink_mean:--}" "$unit" "${ms_total/null/-}" "$mhz" "$agree")")
}

# ---- the sample and the host's results --------------------------------------

have_samples_cm=0
have_samples_avr=0
if [ -n "$data" ]; then
    mcu_samples "$src" "$data" "$work/samples-cm" "$MCU_DIGITS_CM" "$MCU_STROKES_CM" >/dev/null &&
        mcu_host_ref "$src" "$work/samples-cm" "$work/host-cm" &&
        "$work/host-cm/host_ref" >"$work/host-cm.txt" && have_samples_cm=1
    mcu_samples "$src" "$data" "$work/samples-avr" "$MCU_DIGITS_AVR" "$MCU_STROKES_AVR" >/dev/null &&
        mcu_host_ref "$src" "$work/samples-avr" "$work/host-avr" "${MCU_AVR_HOST_FLAGS[@]}" &&
        "$work/host-avr/host_ref" >"$work/host-avr.txt" && have_samples_avr=1
else
    echo "mcu-report: no data root (MNIST + unipen): sizes only" >&2
fi

# ---- Cortex-M under QEMU ----------------------------------------------------

declare -A cm_name=([an386]=cortex-m4 [an385]=cortex-m3 [microbit]=cortex-m0)
declare -A cm_mhz=([an386]=64 [an385]=72 [microbit]=48)
declare -A cm_note=(
    [an386]="64 MHz as on an nRF52840; ms assume 1 instruction per cycle (QEMU counts instructions, not cycles)"
    [an385]="72 MHz as on an STM32F103; ms assume 1 instruction per cycle (QEMU counts instructions, not cycles)"
    [microbit]="48 MHz as on a SAMD21 (Cortex-M0+, same ARMv6-M code); ms assume 1 instruction per cycle (QEMU counts instructions, not cycles)")
if command -v arm-none-eabi-gcc >/dev/null && command -v qemu-system-arm >/dev/null; then
    for board in an386 an385 microbit; do
        b=$work/cortex-m-$board
        run=""
        if [ "$have_samples_cm" = 1 ]; then
            mcu_cortexm_build "$src" "$board" "$work/samples-cm" "$b" 2>/dev/null
            mcu_qemu "$board" "$b/fw.elf" >"$b.txt" || true
            run=$b.txt
        else
            # Size only: a build needs a sample; use an empty stand-in.
            mkdir -p "$work/nosamples"
            mcu_make -C "$src/bench/mcu/cortex-m" BOARD="$board" OUT="$b" MODEL="$model_dir" \
                SAMPLES="$work/nosamples" "$b/size.elf" 2>/dev/null
        fi
        read -r machine cpu <<<"$(mcu_qemu_machine "$board")"
        add_target "${cm_name[$board]}" "arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion) -Os -mcpu=$cpu -mthumb" \
            "qemu-system-arm $(qemu-system-arm --version | awk 'NR==1 {print $4}') -machine $machine -icount shift=0" \
            "$b/size.map" "$run" "$work/host-cm.txt" instructions "${cm_mhz[$board]}" "${cm_note[$board]}"
    done
else
    echo "mcu-report: arm-none-eabi-gcc or qemu-system-arm missing: Cortex-M skipped" >&2
fi

# ---- ATmega328P under simavr ------------------------------------------------

if command -v avr-gcc >/dev/null && pkg-config --exists simavr; then
    b=$work/avr
    run=""
    if [ "$have_samples_avr" = 1 ]; then
        mcu_avr_build "$src" "$work/samples-avr" "$b" 2>/dev/null
        "$b/avr_run" "$b/fw.elf" >"$b.txt" 2>/dev/null || true
        run=$b.txt
    fi
    [ -f "$b/size.map" ] || mcu_make -C "$src/bench/mcu/avr" OUT="$b" MODEL="$model_dir" "$b/size.elf" 2>/dev/null
    add_target atmega328p "avr-gcc $(avr-gcc -dumpversion) -Os -mmcu=atmega328p, model in PROGMEM" \
        "simavr $(dpkg-query -W -f='${Version}' simavr 2>/dev/null || echo '?') (cycle-accurate core)" \
        "$b/size.map" "$run" "$work/host-avr.txt" cycles 16 "16 MHz (Arduino Uno); cycles are exact"
else
    echo "mcu-report: avr-gcc or libsimavr-dev missing: ATmega328P skipped" >&2
fi

# ---- RISC-V rv32imc: size only ----------------------------------------------

if command -v riscv64-unknown-elf-gcc >/dev/null; then
    b=$work/riscv
    mcu_make -C "$src/bench/mcu/riscv" OUT="$b" MODEL="$model_dir" 2>/dev/null
    add_target rv32imc "riscv64-unknown-elf-gcc $(riscv64-unknown-elf-gcc -dumpversion) -Os -march=rv32imc -mabi=ilp32, picolibc" \
        "none (size only)" "$b/size.map" "" "" none null "not run"
else
    echo "mcu-report: riscv64-unknown-elf-gcc missing: RISC-V skipped" >&2
fi

# ---- cross-check: bench/footprint.sh (engine's static Cortex-M figures) ------

# Same recognizer, measured independently: flash split by part and a STATIC
# stack bound from the call graph (-fcallgraph-info), where this report paints.
footprint=null
if [ -f "$src/bench/footprint.sh" ]; then
    footprint=$(bash "$src/bench/footprint.sh" --model-dir "$model_dir" 2>/dev/null) || footprint=null
    [ -n "$footprint" ] || footprint=null
fi

# ---- output -----------------------------------------------------------------

{
    echo "{"
    echo "  \"generated_by\": \"make mcu-report (bench/mcu_report.sh)\","
    echo "  \"model\": {\"present\": $([ "$model_present" = 1 ] && echo true || echo false), \"params\": $(num_or_null "$model_params"), \"command\": \"$model_command\"},"
    echo "  \"avr_model\": {\"targets\": [\"atmega328p\"], \"params\": $(num_or_null "$avr_model_params"), \"command\": \"$avr_model_command\"},"
    echo "  \"notes\": \"flash = recognizer (ink.o + net.o + model) code, constants and initialized data + compiler runtime helpers, from the linker map of the recognizer alone (bench/mcu/size_main.c, -Os, --gc-sections); RAM = arena + ink buffer + 98-byte image + net_result + data/bss + peak stack (stack painting around ink_render and net_run). Instruction counts on Cortex-M are QEMU -icount instructions (resolution one SysTick tick: 40 at 25 MHz, 62.5 at 16 MHz), not cycles.\","
    echo "  \"targets\": ["
    for i in "${!objects[@]}"; do
        [ "$i" -gt 0 ] && echo "    ,"
        echo "${objects[$i]}"
    done
    echo "  ],"
    echo "  \"bench_footprint_sh\": $footprint"
    echo "}"
} >"$json"

printf '%-12s %7s %7s %6s %6s %12s %12s %-12s %6s %6s  %s\n' target flash_B model_B ram_B stack_B net/inf ink/inf unit ms MHz agree
for row in "${table[@]}"; do echo "$row"; done
echo
echo "| target | flash (recognizer) | model+tables | RAM (incl. peak stack) | net + ink_render per digit | time | agrees with host |"
echo "|---|---:|---:|---:|---:|---:|---|"
for row in "${mdrows[@]}"; do echo "$row"; done
echo "wrote $json"
