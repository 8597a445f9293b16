# lib.sh - shell helpers shared by the MCU tests (tests/mcu_*.sh) and
# `make mcu-report` (bench/mcu_report.sh). Source it; it defines functions only.
#
#   mcu_data_root SRC            -> prints the data root or returns 1
#   mcu_samples SRC DATA OUT N_DIGITS N_STROKES
#                                -> OUT/mcu_samples.[ch], OUT/strokes.ndjson (77 if no data)
#   mcu_host_ref SRC SAMPLES OUT [CFLAG...] -> OUT/host_ref (same core sources, host
#                                   compiler; "${MCU_AVR_HOST_FLAGS[@]}" to match the AVR bench)
#   mcu_results FILE             -> the result part (before " | ") of R and S lines
#   mcu_compare EXPECTED ACTUAL NAME -> 0 if every result line of ACTUAL equals
#                                   the host's line for the same sample
#   mcu_avr_model_blob SRC       -> the .inkm of the model AVR builds run

# The model every build uses: $MCU_MODEL if set (a directory with an exported
# default_model.c and inkpin/default_model.h, e.g. for trying a model before
# it is committed), else the library's own (src/).
mcu_model_dir() {
    echo "${MCU_MODEL:-$1/src}"
}

# AVR builds run the small model (models/avr: inkpin/default_model.h hands it
# out when __AVR__ is defined). The host reference of an AVR benchmark runs
# it too: without the verdict (left out of the AVR bench) and with
# NET_USE_SMALL_MODEL, the host's way into the same switch.
MCU_AVR_HOST_FLAGS=(-DMCU_NO_VERDICT -DNET_USE_SMALL_MODEL)

# The blob of the small model, for the CLI cross-checks of AVR runs: the one
# beside a MCU_MODEL directory's small_model.c if there is one, else models/avr's.
mcu_avr_model_blob() {
    if [ -n "${MCU_MODEL:-}" ] && [ -f "$MCU_MODEL/small_model.c" ]; then
        echo "$MCU_MODEL/model.inkm"
    else
        echo "$1/models/avr/model.inkm"
    fi
}

# make for the port Makefiles, independent of an outer make's jobserver and
# flags (the tests run under `make test` -> ctest).
mcu_make() {
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s "$@"
}

mcu_data_root() {
    local src=$1 d
    for d in "${INKPIN_DATA:-}" data ../shared/data "$src/../shared/data"; do
        if [ -n "$d" ] && [ -f "$d/mnist/t10k-images-idx3-ubyte.gz" ] && [ -f "$d/unipen/dev.ndjson" ]; then
            (cd "$d" && pwd)
            return 0
        fi
    done
    return 1
}

mcu_host_cc() {
    local cc=${CC:-cc}
    # Under the sanitizer build of `make test`, the host reference runs sanitized too.
    if [ -n "${INKPIN_SANITIZED:-}" ]; then
        echo "$cc -fsanitize=address,undefined -fno-sanitize-recover=all -g -O1"
    else
        echo "$cc -O2 -g"
    fi
}

mcu_samples() {
    local src=$1 data=$2 out=$3 nd=$4 ns=$5
    mkdir -p "$out"
    $(mcu_host_cc) -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -I"$src/src" \
        "$src/bench/mcu/gen_samples.c" -o "$out/gen_samples" -lcjson -lz || return 1
    "$out/gen_samples" "$data" "$out" "$nd" "$ns"
}

# small_model.c of the model directory, else the library's (as bench/mcu/avr/Makefile).
mcu_small_model_c() {
    local dir
    dir=$(mcu_model_dir "$1")
    if [ -f "$dir/small_model.c" ]; then echo "$dir/small_model.c"; else echo "$1/src/small_model.c"; fi
}

mcu_host_ref() {
    local src=$1 samples=$2 out=$3
    shift 3
    mkdir -p "$out"
    # shellcheck disable=SC2046
    $(mcu_host_cc) -std=c99 -pedantic -Wall -Wextra -Wconversion "$@" \
        -I"$(mcu_model_dir "$src")" -I"$src/src" \
        -I"$src/bench/mcu" -I"$src/bench/mcu/host" -I"$samples" \
        "$src/bench/mcu/mcu_bench.c" "$src/bench/mcu/host/host_main.c" "$samples/mcu_samples.c" \
        "$src/src/ink.c" "$src/src/net.c" "$src/src/verdict.c" "$src/src/util.c" \
        "$(mcu_model_dir "$src")"/default_model.c "$(mcu_small_model_c "$src")" \
        -o "$out/host_ref"
}

mcu_results() {
    grep -E '^[RS] ' "$1" | sed 's/ |.*$//'
}

mcu_compare() {
    local expected=$1 actual=$2 name=$3 n_exp n_act
    n_act=$(mcu_results "$actual" | grep -c '^R ' || true)
    n_exp=$(mcu_results "$expected" | grep -c '^R ' || true)
    if [ "$n_act" -eq 0 ]; then
        echo "FAIL $name: no result lines (output below)" >&2
        sed 's/^/    /' "$actual" >&2
        return 1
    fi
    # Every sample the target ran must match the host's line for that sample.
    local diffs
    diffs=$(grep -vxF -f <(mcu_results "$expected") <(mcu_results "$actual" | grep '^R ') || true)
    if [ -n "$diffs" ]; then
        echo "FAIL $name: these results differ from the host's:" >&2
        while read -r line; do
            local key
            key=$(echo "$line" | awk '{print $1" "$2" "$3" "}')
            echo "  target: $line" >&2
            echo "  host:   $(mcu_results "$expected" | grep -F "$key" | head -1)" >&2
        done <<<"$diffs"
        return 1
    fi
    echo "ok $name: $n_act of the host's $n_exp results identical"
}

# QEMU machine and CPU of each Cortex-M board of bench/mcu/cortex-m.
mcu_qemu_machine() {
    case $1 in
        an386) echo "mps2-an386 cortex-m4" ;;
        an385) echo "mps2-an385 cortex-m3" ;;
        microbit) echo "microbit cortex-m0" ;;
        *) return 1 ;;
    esac
}

# mcu_qemu BOARD ELF -> the firmware's semihosting output on stdout, its exit status.
# -icount shift=0: one instruction = 1 ns of virtual time (instruction counts).
mcu_qemu() {
    local machine cpu
    read -r machine cpu <<<"$(mcu_qemu_machine "$1")"
    # Semihosting output goes to a stdio chardev (without one QEMU 7.2 writes it to stderr).
    timeout 300 qemu-system-arm -machine "$machine" -cpu "$cpu" -nographic -monitor none \
        -serial none -chardev stdio,id=semihost \
        -semihosting-config enable=on,target=native,chardev=semihost \
        -icount shift=0,align=off,sleep=off -kernel "$2" </dev/null
}

# mcu_cortexm_build SRC BOARD SAMPLES OUT [NET_FLAGS] (e.g. -DNET_PLAIN_KERNELS)
mcu_cortexm_build() {
    local src=$1 board=$2 samples=$3 out=$4 net_flags=${5:-}
    mcu_make -C "$src/bench/mcu/cortex-m" BOARD="$board" SAMPLES="$samples" OUT="$out" \
        MODEL="$(mcu_model_dir "$src")" NET_FLAGS="$net_flags"
}

mcu_avr_build() {
    local src=$1 samples=$2 out=$3
    mcu_make -C "$src/bench/mcu/avr" SAMPLES="$samples" OUT="$out" MODEL="$(mcu_model_dir "$src")"
}

# Sample sizes: all of the fixed sample on Cortex-M; on the ATmega328P a
# prefix of it that leaves flash for the model (32 KB in all). Overridable
# from the environment (e.g. a quick look at a candidate model).
MCU_DIGITS_CM=${MCU_DIGITS_CM:-100}
MCU_STROKES_CM=${MCU_STROKES_CM:-20}
MCU_DIGITS_AVR=${MCU_DIGITS_AVR:-20}
MCU_STROKES_AVR=${MCU_STROKES_AVR:-10}

# mcu_cli_crosscheck CLI STROKES_NDJSON TARGET_OUTPUT NAME [MODEL.inkm]
# An independent path to the same answers: `inkpin classify --json` (the host
# CLI: NDJSON reader, ink, and the engine on the model) must give, for every
# stroke digit, the prediction and confidence the target printed. Skipped
# (returns 0 with a note) when the CLI or a default model is not there. The
# model is MODEL.inkm if given (AVR: mcu_avr_model_blob), else MCU_MODEL's, else
# the CLI's compiled-in default.
mcu_cli_crosscheck() {
    local cli=$1 strokes=$2 target=$3 name=$4 blob=${5:-} model_args=() cli_out
    if [ ! -x "$cli" ] || ! grep -q '^R ink .* pred ' "$target"; then
        echo "note $name: CLI cross-check skipped (no CLI or no model)"
        return 0
    fi
    [ -n "${MCU_MODEL:-}" ] && model_args=(--model "$MCU_MODEL/model.inkm")
    [ -n "$blob" ] && model_args=(--model "$blob")
    cli_out=$("$cli" classify "$strokes" "${model_args[@]}" --json 2>/dev/null) || {
        echo "note $name: CLI cross-check skipped (inkpin classify failed)"
        return 0
    }
    local diffs
    diffs=$(diff \
        <(grep -o '"pred":-\{0,1\}[0-9]*,"confidence":[-0-9.e+]*' <<<"$cli_out" |
            awk -F'[:,]' '{ printf "%d %d %d\n", NR - 1, $2, ($2 < 0 ? 0 : int($4 * 32768 + 0.5)) }') \
        <(grep '^R ink ' "$target" | sed 's/ |.*$//' |
            awk '{ p = -1; c = 0; for (i = 1; i < NF; i++) { if ($i == "pred") p = $(i + 1); if ($i == "conf") c = $(i + 1) }
                   printf "%d %d %d\n", $3, p, c }')) || true
    if [ -n "$diffs" ]; then
        echo "FAIL $name: 'inkpin classify --json' disagrees (sample pred conf; < CLI, > target):" >&2
        echo "$diffs" | sed 's/^/    /' >&2
        return 1
    fi
    echo "ok $name: inkpin classify --json gives the same $(grep -c '^R ink ' "$target") stroke predictions and confidences"
}

# ATmega328P limits: 32 KB flash, 2 KB SRAM (static data + stack).
AVR_FLASH=32768
AVR_RAM=2048

# mcu_avr_fits ELF -> 0 if flash and static RAM fit the chip; prints the figures.
mcu_avr_fits() {
    local text data bss
    read -r text data bss _ <<<"$(avr-size "$1" | awk 'NR == 2 {print $1, $2, $3}')"
    echo "flash $((text + data)) of $AVR_FLASH B, static RAM $((data + bss)) of $AVR_RAM B"
    [ $((text + data)) -le $AVR_FLASH ] && [ $((data + bss)) -lt $AVR_RAM ]
}
