#!/usr/bin/env bash
# arduino_serial_digits.sh - examples/SerialDigits, built for the Arduino Uno
# with the real Arduino AVR core (arduino-builder), runs in simavr (ATmega328P
# @ 16 MHz) with drawn digits sent to its serial port, and its answers equal
# `inkpin classify --json` on the same strokes (with the model the board runs:
# on AVR boards the small one, models/avr/model.inkm): every digit, confidence (to
# the sketch's five decimals, one decimal string per confidence value) and
# verdict (accepted, "draw again", "no digit"). Malformed and oversized lines
# get one error line each, and the sketch keeps answering after them.
# Digits: every 200th line of ../shared/data/unipen/dev.ndjson, the three with
# the most points, and the first that the host rejects (draw again, no
# digit), plus a tap and a dot. Exit 77 when the data or a tool is missing.
# Usage (ctest): bash arduino_serial_digits.sh <inkpin-cli> <source-dir> <build-dir>
set -euo pipefail
cli=$1
src=$2
build=$3
# shellcheck source=arduino/lib.sh
. "$src/tests/arduino/lib.sh"
why=$(arduino_available) || { echo "SKIP: $why"; exit 77; }
pkg-config --exists simavr || { echo "SKIP: libsimavr-dev not installed (scripts/deps.sh)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
dev=""
for root in "${INKPIN_DATA:-}" ./data "$src/../shared/data" ../shared/data; do
    [ -n "$root" ] && [ -f "$root/unipen/dev.ndjson" ] && { dev=$root/unipen/dev.ndjson; break; }
done
[ -n "$dev" ] || { echo "SKIP: unipen/dev.ndjson not found (see README, Data)"; exit 77; }

out=$build/arduino-serial
mkdir -p "$out"
arduino_sketchbook "$src" "$out/sketchbook"
sketch=$out/sketchbook/libraries/inkpin/examples/SerialDigits
if ! arduino_build "$out/sketchbook" "$sketch" "$out/SerialDigits"; then
    echo "FAIL: arduino-builder could not build SerialDigits"
    tail -20 "$out/SerialDigits/build.log"
    exit 1
fi
echo "SerialDigits on $ARDUINO_FQBN: $(arduino_size "$out/SerialDigits")"
gcc -O2 -std=gnu11 -Wall -Wextra -o "$out/uart_run" "$src/tests/arduino/uart_run.c" \
    $(pkg-config --cflags --libs simavr) -lelf

# The host runs the model the sketch runs: AVR builds get the small model
# (inkpin/default_model.h picks it from __AVR__).
model_args=()
case $ARDUINO_FQBN in arduino:avr:*) model_args=(--model "$src/models/avr/model.inkm") ;; esac

# The digits (NDJSON for the host, the sketch's text form for the serial port).
"$cli" classify "$dev" "${model_args[@]}" --json >"$out/dev.json"
python3 - "$dev" "$out/dev.json" "$out" <<'PY'
import json, sys
dev, dev_json, out = sys.argv[1:4]
lines = open(dev).read().splitlines()
preds = json.load(open(dev_json))["predictions"]
assert len(preds) == len(lines)
points = lambda l: sum(len(s) for s in json.loads(l)["strokes"])
pick = set(range(0, len(lines), 200))
pick |= set(sorted(range(len(lines)), key=lambda i: -points(lines[i]))[:3])
pick |= set([i for i, p in enumerate(preds) if p["rejected"] and p["pred"] >= 0][:4])
pick |= set([i for i, p in enumerate(preds) if p["pred"] < 0][:2])
chosen = [json.loads(lines[i]) for i in sorted(pick)]
chosen.append({"strokes": [[[120, 120]]]})                       # a tap
chosen.append({"strokes": [[[120, 120], [122, 121], [121, 123]]]})  # a dot
with open(f"{out}/digits.ndjson", "w") as f:
    for d in chosen:
        f.write(json.dumps(d) + "\n")
with open(f"{out}/digits.txt", "w") as f:
    for d in chosen:
        for s in d["strokes"]:
            for x, y in s:
                assert isinstance(x, int) and isinstance(y, int) and 0 <= x <= 239 and 0 <= y <= 239
        f.write(";".join(" ".join(f"{x},{y}" for x, y in s) for s in d["strokes"]) + "\n")
PY
"$cli" classify "$out/digits.ndjson" "${model_args[@]}" --json >"$out/digits.json"

# Malformed and oversized lines, each followed by the first digit again (the
# sketch must still answer it correctly). Expected error kinds in bad.want.
first=$(head -1 "$out/digits.txt")
{
    printf '\n';                              echo "$first"
    printf 'hello\n';                         echo "$first"
    printf '{"strokes":[[[1,2]]]}\n';         echo "$first"
    printf '1,2;\n';                          echo "$first"
    printf '240,5 6,7\n';                     echo "$first"
    printf '5,99999999999\n';                 echo "$first"
    printf '1,2\000\377\n';                   echo "$first"
    head -c 6000 /dev/zero | tr '\0' '1'; printf '\n'; echo "$first"
    for i in $(seq 1 750); do printf '1,1 2,2 '; done; printf '\n'; echo "$first"
    for i in $(seq 1 1000); do printf '%d,%d ' $((i % 200)) $((i % 150)); done; printf '\n'; echo "$first"
    for i in $(seq 1 80); do printf '%d,%d;' $((i * 2)) $((i * 2)); done; printf '9,9\n'; echo "$first"
} >"$out/bad.txt"
printf '%s\n' "empty line" "bad character" "bad character" "bad character" "coordinate out of range" \
    "coordinate out of range" "bad character" "coordinate out of range" "line too long" \
    "line too long" "too many strokes" >"$out/bad.want"

cat "$out/digits.txt" "$out/bad.txt" >"$out/input.txt"
elf=$out/SerialDigits/build/SerialDigits.ino.elf
bss_end=$(avr-nm "$elf" | sed -n 's/^\([0-9a-f]*\) . __bss_end$/\1/p')
[ -n "$bss_end" ] || { echo "FAIL: no __bss_end in $elf"; exit 1; }
rc=0
"$out/uart_run" "$elf" "$out/input.txt" 200 "$bss_end" >"$out/serial.txt" 2>"$out/uart_run.log" || rc=$?
if [ $rc -ne 0 ]; then
    echo "FAIL: the sketch in simavr: $(tail -1 "$out/uart_run.log") (exit $rc)"
    tail -5 "$out/serial.txt"
    exit 1
fi

# RAM: static data + the deepest stack of the whole run must fit the Uno's 2 KB.
ram=$(grep '^ram:' "$out/uart_run.log" || true)
echo "SerialDigits in simavr: ${ram#ram: }"
total=$(sed -n 's/^ram: .* = \([0-9]*\) of \([0-9]*\) B$/\1 \2/p' "$out/uart_run.log")
read -r used avail <<<"${total:-x x}"
if [ "$used" = x ] || [ "$used" -ge "$avail" ]; then
    echo "FAIL: static + stack ${used} B does not fit ${avail} B"
    exit 1
fi

exec python3 - "$out" "$("$cli" --version)" <<'PY'
import json, sys
out, cli_version = sys.argv[1], sys.argv[2]
host = json.load(open(f"{out}/digits.json"))["predictions"]
lines = [l for l in open(f"{out}/serial.txt", encoding="latin-1").read().splitlines()
         if not l.startswith("Loaded ")]  # simavr's own ELF loader messages
banner, answers = lines[0], lines[1:]
bad_want = open(f"{out}/bad.want").read().splitlines()
errors = []
if not banner.startswith(cli_version.replace("inkpin ", "inkpin SerialDigits ") + ":"):
    errors.append(f"banner {banner!r} does not name the version of {cli_version!r}")

def expected(p):
    if p["pred"] < 0:
        return "no digit"
    q = round(p["confidence"] * 32768)
    scaled = (q * 100000 + 16384) // 32768
    text = f"{p['pred']} {scaled // 100000}.{scaled % 100000:05d}"
    return f"draw again (unsure: {text})" if p["rejected"] else text

want = [expected(p) for p in host]
for kind in bad_want:
    want += ["error: " + kind, want[0]]
if len(answers) != len(want):
    errors.append(f"{len(answers)} answer lines for {len(want)} input lines")
kinds = {"accepted": 0, "draw again": 0, "no digit": 0, "errors": 0, "after error": 0}
for i, (got, exp) in enumerate(zip(answers, want)):
    ok = got.startswith(exp) if exp.startswith("error: ") else got == exp
    if not ok:
        errors.append(f"answer {i + 1}: sketch {got!r}, expected {exp!r}")
    kinds["after error" if i >= len(host) and not exp.startswith("error")
          else "errors" if exp.startswith("error") else "no digit" if exp == "no digit"
          else "draw again" if exp.startswith("draw") else "accepted"] += ok
print(f"{kinds['accepted'] + kinds['draw again'] + kinds['no digit']} of {len(host)} drawings "
      f"agree with inkpin classify --json ({kinds['accepted']} accepted, {kinds['draw again']} "
      f"draw again, {kinds['no digit']} no digit); {kinds['errors']} of {len(bad_want)} bad lines "
      f"answered with the right error, the next drawing right after {kinds['after error']} of them")
for e in errors[:20]:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
PY
