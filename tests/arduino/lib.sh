# lib.sh - building the repository's examples the way the Arduino IDE does:
# Debian's arduino-builder with the real Arduino AVR core, the repository
# copied into a sketchbook as libraries/inkpin. Sourced by
# tests/arduino_build.sh and tests/arduino_serial_digits.sh.

ARDUINO_HARDWARE=${ARDUINO_HARDWARE:-/usr/share/arduino/hardware}
ARDUINO_TOOLS=${ARDUINO_TOOLS:-/usr/share/arduino-builder}
ARDUINO_FQBN=${ARDUINO_FQBN:-arduino:avr:uno}

# 0 when arduino-builder, the AVR core and avr-gcc are there; else says what is missing.
arduino_available() {
    command -v arduino-builder >/dev/null || { echo "arduino-builder not installed (scripts/deps.sh)"; return 1; }
    command -v arduino-ctags >/dev/null || { echo "arduino-ctags not installed (scripts/deps.sh)"; return 1; }
    command -v avr-gcc >/dev/null || { echo "avr-gcc not installed (scripts/deps.sh)"; return 1; }
    [ -f "$ARDUINO_HARDWARE/arduino/avr/platform.txt" ] ||
        { echo "the Arduino AVR core (arduino-core-avr) is not in $ARDUINO_HARDWARE"; return 1; }
}

# arduino_sketchbook SRC DEST: DEST/libraries/inkpin becomes a copy of the
# repository's tracked files (what a user gets from a clone or a .ZIP), or of
# library.properties + src/ + examples/ when SRC is not a git checkout.
arduino_sketchbook() {
    local src=$1 dest=$2 lib=$2/libraries/inkpin
    rm -rf "$dest"
    mkdir -p "$lib"
    if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$src" && git ls-files -z | xargs -0 cp --parents -t "$lib")
    else
        cp -r "$src/library.properties" "$src/src" "$src/examples" "$lib/"
    fi
}

# arduino_build SKETCHBOOK SKETCH_DIR BUILD_DIR: compiles and links the sketch
# for $ARDUINO_FQBN; output (with the size lines) in BUILD_DIR/build.log.
# Two Debian 12 quirks: arduino-builder does not find the ctags recipe of
# the IDE's platform.txt, so it is given here as the IDE has it; avr-gcc 5.4's
# C++ <float.h> lacks DECIMAL_DIG, which arduino-core-avr 1.8's headers use.
arduino_build() {
    local book=$1 sketch=$2 out=$3 name
    name=$(basename "$sketch")
    rm -rf "$out"
    mkdir -p "$out/build"
    arduino-builder -compile -logger=human -warnings all \
        -hardware "$ARDUINO_HARDWARE" -tools "$ARDUINO_TOOLS" \
        -libraries "$book/libraries" -fqbn "$ARDUINO_FQBN" -build-path "$out/build" \
        -prefs=tools.ctags.path=/usr/bin \
        '-prefs=tools.ctags.cmd.path={path}/arduino-ctags' \
        '-prefs=tools.ctags.pattern="{cmd.path}" -u --language-force=c++ -f - --c++-kinds=svpf --fields=KSTtzns --line-directives "{source_file}"' \
        -prefs=compiler.cpp.extra_flags=-DDECIMAL_DIG=17 \
        "$sketch/$name.ino" >"$out/build.log" 2>&1
}

# arduino_third_party SKETCH_DIR: prints the first header the sketch includes
# that neither inkpin, the sketch folder, the AVR core and its bundled
# libraries, avr-libc nor avr-gcc provide (a third-party library); nothing when none.
arduino_third_party() {
    local sketch=$1 lib=$2 h
    local core=$ARDUINO_HARDWARE/arduino/avr gcc_include
    gcc_include=$(avr-gcc -print-file-name=include)
    for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]\([^>"]*\)[>"].*/\1/p' "$sketch"/*.ino "$sketch"/*.c "$sketch"/*.cpp "$sketch"/*.h 2>/dev/null | sort -u); do
        [ -f "$lib/src/$h" ] || [ -f "$sketch/$h" ] || [ -f "$core/cores/arduino/$h" ] ||
            [ -f "$core/variants/standard/$h" ] || [ -f "/usr/lib/avr/include/$h" ] || [ -f "$gcc_include/$h" ] ||
            compgen -G "$core/libraries/*/src/$h" >/dev/null || { echo "$h"; return; }
    done
}

# arduino_size BUILD_DIR: "flash N of M bytes, RAM N of M bytes (static)" from build.log.
arduino_size() {
    sed -n -e 's/^Sketch uses \([0-9]*\) bytes .* Maximum is \([0-9]*\) bytes\./flash \1 of \2 bytes/p' \
        -e 's/^Global variables use \([0-9]*\) bytes .* Maximum is \([0-9]*\) bytes\./RAM \1 of \2 bytes (static; the rest is stack)/p' \
        "$1/build.log" | paste -sd, - | sed 's/,/, /'
}
