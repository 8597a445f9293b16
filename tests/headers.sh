#!/usr/bin/env bash
# headers.sh - every header in src/ (the public src/inkpin.h and
# src/inkpin/*.h, and the library's private ones beside its .c files: an
# Arduino sketch has src/ on its include path) compiles alone, included twice, as C99 and as C++11 with -Wall -Wextra -pedantic
# -Werror, and in C++ its functions get C linkage (extern "C": a C++ caller
# links against the C library).
# Usage (ctest): bash headers.sh <inkpin-cli> <source-dir> <build-dir>
set -euo pipefail
src=$2
build=$3
command -v g++ >/dev/null || { echo "SKIP: g++ not installed"; exit 77; }
out=$build/headers
mkdir -p "$out"
status=0
flags=(-Wall -Wextra -pedantic -Werror -I "$src/src")
headers=("$src"/src/*.h "$src"/src/inkpin/*.h)
for h in "${headers[@]}"; do
    rel=${h#"$src/src/"}
    printf '#include "%s"\n#include "%s"\nint inkpin_header_check;\n' "$rel" "$rel" >"$out/one.c"
    cp "$out/one.c" "$out/one.cpp"
    if ! gcc -std=c99 "${flags[@]}" -c "$out/one.c" -o "$out/one_c.o"; then
        echo "FAIL: $rel alone as C99"; status=1
    fi
    if ! g++ -std=c++11 "${flags[@]}" -c "$out/one.cpp" -o "$out/one_cpp.o"; then
        echo "FAIL: $rel alone as C++11"; status=1
    fi
done
# C linkage: a C++ translation unit calling the API must reference the plain
# C symbols, which is what libinkpin.a defines.
cat >"$out/linkage.cpp" <<'CPP'
#include "inkpin.h"
void inkpin_linkage_check(void *p)
{
    ink_reset(static_cast<ink_buffer *>(p));
    (void)net_default_model();
    (void)net_run(0, 0, 0, 0, 0);
    (void)lock_init(0, 0, 0);
    (void)util_crc32(0, 0, 0);
    app_step(0);
}
CPP
if ! g++ -std=c++11 "${flags[@]}" -c "$out/linkage.cpp" -o "$out/linkage.o"; then
    echo "FAIL: the C++ linkage check does not compile"; status=1
else
    undefined=$(nm -u "$out/linkage.o" | awk '{print $2}')
    for sym in ink_reset net_default_model net_run lock_init util_crc32 app_step; do
        grep -qx "$sym" <<<"$undefined" || { echo "FAIL: $sym has C++ linkage (no extern \"C\")"; status=1; }
    done
fi
[ $status -eq 0 ] && echo "${#headers[@]} headers: C99 and C++11 clean, C linkage"
exit $status
