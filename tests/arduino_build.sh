#!/usr/bin/env bash
# arduino_build.sh - every example in examples/ that needs no third-party
# library builds and links for the Arduino Uno (arduino:avr:uno), and also the
# Leonardo (ATmega32u4, USB serial) and the Mega 2560, with the real Arduino
# AVR core, through arduino-builder as the Arduino IDE runs it, from a copy of
# the repository installed as libraries/inkpin; prints each sketch's flash
# and RAM per board. A warning from the sketch or the library fails. Examples that need a third-party library (M5Core2Lock:
# M5Core2) are listed as not built, with the header they need.
# Usage (ctest): bash arduino_build.sh <inkpin-cli> <source-dir> <build-dir>
set -euo pipefail
src=$2
build=$3
# shellcheck source=arduino/lib.sh
. "$src/tests/arduino/lib.sh"
why=$(arduino_available) || { echo "SKIP: $why"; exit 77; }

out=$build/arduino
arduino_sketchbook "$src" "$out/sketchbook"
lib=$out/sketchbook/libraries/inkpin
status=0
built=0
for sketch in "$lib"/examples/*/; do
    sketch=${sketch%/}
    name=$(basename "$sketch")
    [ -f "$sketch/$name.ino" ] || continue
    needs=$(arduino_third_party "$sketch" "$lib")
    if [ -n "$needs" ]; then
        echo "not built: $name (needs a third-party library: <$needs>)"
        continue
    fi
    for fqbn in arduino:avr:uno arduino:avr:leonardo arduino:avr:mega:cpu=atmega2560; do
        board=${fqbn#arduino:avr:}
        board=${board%%:*}
        if ARDUINO_FQBN=$fqbn arduino_build "$out/sketchbook" "$sketch" "$out/$name-$board"; then
            warnings=$(grep -E 'warning:' "$out/$name-$board/build.log" | grep -v '/cores/arduino/' || true)
            if [ -n "$warnings" ]; then
                echo "FAIL $name on $fqbn: warnings in the sketch or the library:"
                echo "$warnings"
                status=1
            fi
            echo "$name on $fqbn: $(arduino_size "$out/$name-$board")"
            built=$((built + 1))
        else
            echo "FAIL $name on $fqbn: arduino-builder failed:"
            grep -E 'error|Error' "$out/$name-$board/build.log" | head -20 || tail -20 "$out/$name-$board/build.log"
            status=1
        fi
    done
done
if [ "$built" -eq 0 ]; then
    echo "FAIL: no example was built"
    status=1
fi
exit $status
