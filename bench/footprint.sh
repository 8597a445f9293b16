#!/usr/bin/env bash
# footprint.sh - flash and RAM of the recognizer (engine + default model + ink
# preprocessing) on Cortex-M4 and Cortex-M0+, as JSON. A benchmark, not a test.
#
#   bash bench/footprint.sh [--model-dir DIR] [--no-ink] [--keep]
#
# Cross-compiles src/net.c (-DNET_NO_BLOB: devices use the compiled-in
# model), DIR/default_model.c (default src/) and src/ink.c with
# Debian's arm-none-eabi-gcc at -Os, links them with a tiny main that draws one
# stroke, renders it and classifies it (so --gc-sections keeps exactly what a
# device needs, newlib-nano's memset/memcpy and libgcc helpers included), and
# reports:
#   flash = .text + .rodata + .data (initial values), split by input file
#   ram   = .data + .bss + arena (NET_ARENA_BYTES, a static array in main) +
#           peak stack from -fcallgraph-info=su (-fstack-usage with the call
#           graph): the deepest chain below main; library functions absent from
#           the graph (memset, __aeabi_*) are counted with LIB_STACK bytes.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
model_dir=$src/src
with_ink=1
keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --model-dir) model_dir=$(cd "$2" && pwd); shift 2 ;;
    --no-ink) with_ink=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "footprint.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v arm-none-eabi-gcc >/dev/null || {
  echo "footprint.sh: needs gcc-arm-none-eabi + libnewlib-arm-none-eabi (scripts/deps.extra)" >&2; exit 2; }
[ -f "$src/src/ink.c" ] || with_ink=0
LIB_STACK=32

work=$(mktemp -d)
if [ $keep = 1 ]; then echo "footprint.sh: keeping $work (objects, maps, .su/.ci)" >&2
else trap 'rm -rf "$work"' EXIT; fi

cat > "$work/main.c" <<'EOF'
#include <stdint.h>
#include "inkpin/net.h"
#include "inkpin/default_model.h"
#ifdef WITH_INK
#include "inkpin/ink.h"
static ink_buffer ink;
#endif
static uint8_t arena[NET_ARENA_BYTES];
volatile int sink;
int main(void)
{
    static uint8_t bits[NET_IMAGE_BYTES]; /* static: no memset for the harness itself */
    net_result r;
#ifdef WITH_INK
    ink_reset(&ink);
    ink_pen_down(&ink, 60, 40);
    ink_pen_move(&ink, 120, 200);
    ink_pen_up(&ink);
    ink_shape shape; /* render + shape check, as the app does through verdict.h */
    ink_render_shape(&ink, bits, &shape);
#else
    bits[40] = 0xFF;
#endif
    sink = net_run(net_default_model(), bits, arena, sizeof arena, &r);
    sink += r.digit + r.confidence[r.digit];
#ifdef WITH_INK
    sink += r.confidence[r.digit] < ink_conf_needed(&shape, NET_REJECT_CONF); /* accept? */
#endif
    return 0;
}
EOF

measure() { # name, cpu flags...
  local name=$1; shift
  local dir=$work/$name; mkdir -p "$dir"
  local files=("$src/src/net.c" "$model_dir/default_model.c" "$work/main.c")
  local defs=(-DNET_NO_BLOB)
  if [ $with_ink = 1 ]; then files+=("$src/src/ink.c"); defs+=(-DWITH_INK); fi
  local objs=()
  for f in "${files[@]}"; do
    local o=$dir/$(basename "${f%.c}").o
    arm-none-eabi-gcc "$@" -mthumb -Os -std=c99 -ffreestanding -ffunction-sections -fdata-sections \
      -fcallgraph-info=su -fstack-usage "${defs[@]}" -I"$model_dir" -I"$src/src" \
      -c "$f" -o "$o" -dumpbase "$(basename "${f%.c}")" -dumpdir "$dir/"
    objs+=("$o")
  done
  arm-none-eabi-gcc "$@" -mthumb -Os --specs=nano.specs --specs=nosys.specs -nostartfiles \
    -Wl,--gc-sections -Wl,-e,main -Wl,-Map,"$dir/map" "${objs[@]}" -o "$dir/elf"
  python3 - "$dir" "$name" "$LIB_STACK" <<'PY'
import glob, json, re, sys
d, name, lib_stack = sys.argv[1], sys.argv[2], int(sys.argv[3])
# --- sizes per input file from the link map (only what survived --gc-sections)
flash, ram = {}, {}
text = open(d + "/map").read().split("Linker script and memory map", 1)[1]
cur = None
pending = None
for line in text.splitlines():
    m = re.match(r"^ (\.[\w.\-]+)\s*$", line)
    if m:
        pending = m.group(1); continue
    m = re.match(r"^ (\.[\w.\-]+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$", line)
    if not m:
        pending = None; continue
    sec = m.group(1) or pending
    pending = None
    if sec is None: continue
    size, f = int(m.group(3), 16), m.group(4)
    f = f.split("/")[-1]
    key = ("engine" if f.startswith("net.o") else "model" if f.startswith("default_model.o")
           else "ink" if f.startswith("ink.o") else "main" if f.startswith("main.o") else "libc+libgcc")
    if sec.startswith((".text", ".rodata")):
        flash[key] = flash.get(key, 0) + size
    elif sec.startswith(".data"):
        flash[key] = flash.get(key, 0) + size; ram[key] = ram.get(key, 0) + size
    elif sec.startswith((".bss", "COMMON")):
        ram[key] = ram.get(key, 0) + size
# --- stack: longest chain in the call graph from main
stack, edges = {}, {}
for ci in glob.glob(d + "/*.ci"):
    for m in re.finditer(r'node: \{ title: "([^"]+)" label: "([^"]*)"', open(ci).read()):
        s = re.search(r"(\d+) bytes", m.group(2))
        stack[m.group(1)] = int(s.group(1)) if s else lib_stack
    for m in re.finditer(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"', open(ci).read()):
        edges.setdefault(m.group(1), set()).add(m.group(2))
def deepest(f, seen=()):
    if f in seen: raise SystemExit("recursion in call graph: " + f)
    own = stack.get(f, lib_stack)
    return own + max([deepest(g, seen + (f,)) for g in edges.get(f, ())] or [0])
peak = deepest("main")
arena = 0
for line in open(glob.glob(d + "/../../*")[0] if False else d + "/map"):
    pass
am = re.search(r"\.bss\.arena\s*\n?\s*0x[0-9a-f]+\s+0x([0-9a-f]+)", text)
arena = int(am.group(1), 16) if am else 0
out = {
  "target": name,
  "flash_bytes": sum(flash.values()),
  "flash_by_part": flash,
  "ram_bytes": sum(ram.values()) + peak,
  "ram_static_by_part": ram,
  "arena_bytes": arena,
  "peak_stack_bytes": peak,
}
print(json.dumps(out))
PY
}

m4=$(measure cortex-m4 -mcpu=cortex-m4 -mfloat-abi=soft)
m0=$(measure cortex-m0plus -mcpu=cortex-m0plus)
model_present=$(grep -c 'NET_DEFAULT_MODEL_PRESENT 1' "$model_dir/inkpin/default_model.h" || true)
printf '{"compiler":"%s","flags":"-Os -mthumb -ffunction-sections -fdata-sections -Wl,--gc-sections, -DNET_NO_BLOB","model_dir":"%s","model_present":%s,"with_ink":%s,"targets":[%s,%s]}\n' \
  "$(arm-none-eabi-gcc -dumpfullversion)" "$model_dir" \
  "$([ "$model_present" -ge 1 ] && echo true || echo false)" "$([ $with_ink = 1 ] && echo true || echo false)" "$m4" "$m0"
