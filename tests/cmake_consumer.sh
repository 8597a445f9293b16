#!/usr/bin/env bash
# cmake_consumer.sh - inkpin used from a project outside its tree
# (tests/consumer/), three ways, each built and run:
#   1. `cmake --install` of a library-only build (-DINKPIN_HOST=OFF) into a
#      prefix; the consumer finds it with find_package(inkpin CONFIG REQUIRED)
#      (target inkpin::inkpin), as C and as C++;
#   2. the same prefix through pkg-config: cc main.c $(pkg-config ... inkpin);
#   3. add_subdirectory() of the source tree, with find_package of zlib, libpng,
#      OpenMP and pkg-config disabled (the library needs none of them).
# Each program draws a "7" and prints digit, confidence and verdict, which
# must equal `inkpin classify --json` on the same strokes.
# Usage (ctest): bash cmake_consumer.sh <inkpin-cli> <source-dir> <build-dir>
set -euo pipefail
cli=$1
src=$2
build=$3
command -v pkg-config >/dev/null || { echo "SKIP: pkg-config not installed"; exit 77; }
command -v g++ >/dev/null || { echo "SKIP: g++ not installed"; exit 77; }
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
out=$build/consumer
rm -rf "$out"
mkdir -p "$out"
status=0

# The library alone, installed into a prefix.
cmake -S "$src" -B "$out/lib" "${gen[@]}" -DINKPIN_HOST=OFF -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$out/prefix" >"$out/lib.log"
cmake --build "$out/lib" -j 2 >>"$out/lib.log"
cmake --install "$out/lib" >>"$out/lib.log"
libdir=$(dirname "$(find "$out/prefix" -name libinkpin.a)")
for f in include/inkpin.h include/inkpin/ink.h include/inkpin/net.h include/inkpin/default_model.h \
         include/inkpin/lock.h include/inkpin/store.h include/inkpin/hal.h include/inkpin/app.h; do
    [ -f "$out/prefix/$f" ] || { echo "FAIL: install lacks $f"; status=1; }
done
for f in libinkpin.a cmake/inkpin/inkpinConfig.cmake cmake/inkpin/inkpinConfigVersion.cmake \
         cmake/inkpin/inkpinTargets.cmake pkgconfig/inkpin.pc; do
    [ -f "$libdir/$f" ] || { echo "FAIL: install lacks ${libdir#"$out/prefix/"}/$f"; status=1; }
done
if find "$out/prefix" -type f | grep -E '/bin/|\.c$' >/dev/null; then
    echo "FAIL: a library-only install holds programs or sources:"
    find "$out/prefix" -type f | grep -E '/bin/|\.c$'
    status=1
fi

# What the host says about the same drawing.
cmake -S "$src/tests/consumer" -B "$out/package" "${gen[@]}" -DINKPIN_USE=package \
    -DCMAKE_PREFIX_PATH="$out/prefix" >"$out/package.log"
cmake --build "$out/package" >>"$out/package.log"
"$out/package/draw_digit" --ndjson >"$out/drawing.ndjson"
want=$("$cli" classify "$out/drawing.ndjson" --json | python3 -c '
import json, sys
p = json.load(sys.stdin)["predictions"][0]
verdict = "draw again" if p["rejected"] else "accepted"
print(p["pred"], round(p["confidence"] * 32768), verdict)')
version=$("$cli" --version | sed 's/^inkpin //')
want="inkpin $version: $want"
echo "inkpin classify on the drawing: $want"

check() { # check WHAT PROGRAM
    local got
    got=$("$2") || { echo "FAIL $1: exit status $?"; status=1; return; }
    if [ "$got" = "$want" ]; then
        echo "ok   $1: $got"
    else
        echo "FAIL $1: printed '$got', expected '$want'"
        status=1
    fi
}
check "find_package, C" "$out/package/draw_digit"
check "find_package, C++" "$out/package/draw_digit_cpp"

# pkg-config, no CMake.
if PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --exists inkpin; then
    # shellcheck disable=SC2046
    cc -std=c99 -Wall -Wextra -pedantic -Werror -o "$out/draw_digit_pc" "$src/tests/consumer/main.c" \
        $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs inkpin)
    check "pkg-config, C" "$out/draw_digit_pc"
    pcv=$(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --modversion inkpin)
    [ "$pcv" = "$version" ] || { echo "FAIL: inkpin.pc says version $pcv, inkpin --version $version"; status=1; }
else
    echo "FAIL: pkg-config does not find inkpin.pc in $libdir/pkgconfig"
    status=1
fi

# The README's Install snippet compiles and links against the installed library.
python3 - "$src/README.md" >"$out/readme_snippet.c" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
install = text[text.index("## Install"):]
print(re.search(r"```c\n(.*?)```", install, re.S).group(1))
print("int main(void) { return recognize() == -1 ? 0 : 1; } /* empty ink: draw again */")
PY
if cc -std=c99 -Wall -Wextra -pedantic -Werror -o "$out/readme_snippet" "$out/readme_snippet.c" \
       -I"$out/prefix/include" "$libdir/libinkpin.a" && "$out/readme_snippet"; then
    echo "ok   README Install snippet: compiles, links, says draw again for empty ink"
else
    echo "FAIL: the README Install snippet does not compile, link or run"
    status=1
fi

# add_subdirectory of the source tree: the library alone, no host dependencies.
cmake -S "$src/tests/consumer" -B "$out/subdir" "${gen[@]}" -DINKPIN_USE=subdirectory \
    -DINKPIN_SOURCE_DIR="$src" -DCMAKE_DISABLE_FIND_PACKAGE_ZLIB=ON \
    -DCMAKE_DISABLE_FIND_PACKAGE_PNG=ON -DCMAKE_DISABLE_FIND_PACKAGE_OpenMP=ON \
    -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON >"$out/subdir.log"
cmake --build "$out/subdir" >>"$out/subdir.log"
check "add_subdirectory, C" "$out/subdir/draw_digit"
check "add_subdirectory, C++" "$out/subdir/draw_digit_cpp"
if [ -e "$out/subdir/inkpin/inkpin" ] || grep -q inkpin_host "$out/subdir/inkpin/CMakeFiles/"*.txt 2>/dev/null; then
    echo "FAIL: add_subdirectory built host parts"
    status=1
fi
exit $status
