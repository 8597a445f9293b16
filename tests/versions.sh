#!/usr/bin/env bash
# versions.sh - the package manifests parse, every path they name exists, and
# the one version agrees everywhere: library.properties (Arduino),
# library.json (PlatformIO), idf_component.yml (ESP-IDF), CMake project(),
# src/inkpin.h INKPIN_VERSION (+ MAJOR/MINOR/PATCH), `inkpin --version`,
# the generated inkpin.pc and the top entry of CHANGELOG.md.
# Also runs the ESP-IDF branch of the root CMakeLists.txt with a stand-in
# idf_component_register. PlatformIO and ESP-IDF are not installed here: this
# checks their manifests, it does not build with them.
# Usage (ctest): bash versions.sh <inkpin-cli> <source-dir> <build-dir>
set -euo pipefail
cli=$1
src=$2
build=$3
# The first python3 that has yaml: PATH's may be a pyenv one without it,
# while Debian's python3-yaml (scripts/deps.extra) serves /usr/bin/python3.
python=
for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import yaml' 2>/dev/null; then
        python=$candidate
        break
    fi
done
[ -n "$python" ] || { echo "SKIP: no python3 with yaml (python3-yaml in scripts/deps.extra)"; exit 77; }
cli_version=$("$cli" --version)

# The ESP-IDF branch of the root CMakeLists.txt, run by CMake with a stand-in
# idf_component_register that records its arguments: it must register every
# src/*.c and the include dir src/ (which holds inkpin.h), nothing else.
idf=$build/idf-check
mkdir -p "$idf"
cat >"$idf/check.cmake" <<'CMAKE'
set(ESP_PLATFORM 1)
function(idf_component_register)
  cmake_parse_arguments(ARG "" "" "SRCS;INCLUDE_DIRS;REQUIRES;PRIV_REQUIRES" ${ARGN})
  set(IDF_SRCS "${ARG_SRCS}" PARENT_SCOPE)
  set(IDF_INCLUDE_DIRS "${ARG_INCLUDE_DIRS}" PARENT_SCOPE)
endfunction()
include(${INKPIN_ROOT}/CMakeLists.txt)
message("SRCS=${IDF_SRCS}")
message("INCLUDE_DIRS=${IDF_INCLUDE_DIRS}")
CMAKE
cmake -DINKPIN_ROOT="$src" -P "$idf/check.cmake" >"$idf/out.txt" 2>&1 ||
    { echo "FAIL: the ESP-IDF branch of CMakeLists.txt does not run:"; cat "$idf/out.txt"; exit 1; }
idf_srcs=$(sed -n 's/^SRCS=//p' "$idf/out.txt" | tr ';' '\n' | xargs -n1 basename | sort | paste -sd' ')
want_srcs=$(cd "$src/src" && ls -- *.c | sort | paste -sd' ')
idf_inc=$(sed -n 's/^INCLUDE_DIRS=//p' "$idf/out.txt")
if [ "$idf_srcs" != "$want_srcs" ]; then
    echo "FAIL: ESP-IDF component sources '$idf_srcs', src/ has '$want_srcs'"; exit 1
fi
if [ "$idf_inc" != src ] || [ ! -f "$src/$idf_inc/inkpin.h" ]; then
    echo "FAIL: ESP-IDF component include dirs '$idf_inc' (want src, with inkpin.h)"; exit 1
fi
echo "  ESP-IDF component: $(wc -w <<<"$idf_srcs") sources of src/, include dir $idf_inc"

exec "$python" - "$src" "$build" "$cli_version" <<'PY'
import glob, json, os, re, sys
import yaml

src, build, cli_version = sys.argv[1:4]
errors = []
def fail(msg):
    errors.append(msg)
def path_exists(rel, what):
    if not os.path.exists(os.path.join(src, rel)):
        fail(f"{what}: names {rel}, which does not exist")
def read(rel):
    with open(os.path.join(src, rel), encoding="utf-8") as f:
        return f.read()

versions = {}

# Arduino library.properties (format 1.5): key=value lines, required keys.
props = {}
for n, line in enumerate(read("library.properties").splitlines(), 1):
    if not line.strip() or line.startswith("#"):
        continue
    if "=" not in line:
        fail(f"library.properties:{n}: not key=value: {line!r}")
        continue
    k, v = line.split("=", 1)
    props[k.strip()] = v.strip()
for key in ("name", "version", "author", "maintainer", "sentence", "paragraph",
            "category", "url", "architectures", "includes"):
    if not props.get(key):
        fail(f"library.properties: {key} missing or empty")
if props.get("name") != "inkpin":
    fail("library.properties: name is not inkpin")
categories = {"Display", "Communication", "Signal Input/Output", "Sensors", "Device Control",
              "Timing", "Data Storage", "Data Processing", "Other"}
if props.get("category") not in categories:
    fail(f"library.properties: category {props.get('category')!r} is not one of the Arduino spec's")
for inc in props.get("includes", "").split(","):
    path_exists(os.path.join("src", inc.strip()), "library.properties includes")
versions["library.properties"] = props.get("version")

# PlatformIO library.json
lj = json.loads(read("library.json"))
if lj.get("name") != "inkpin":
    fail("library.json: name is not inkpin")
if sorted(lj.get("frameworks", [])) != ["arduino", "espidf"]:
    fail("library.json: frameworks must be arduino and espidf")
if lj.get("platforms") != "*":
    fail("library.json: platforms must be *")
b = lj.get("build", {})
for key in ("srcDir", "includeDir"):
    if key not in b:
        fail(f"library.json: build.{key} missing")
    else:
        path_exists(b[key], f"library.json build.{key}")
for h in lj.get("headers", []):
    path_exists(os.path.join(b.get("includeDir", "src"), h), "library.json headers")
# srcFilter must select C sources under srcDir and only there.
filt = b.get("srcFilter", [])
selected = [p for p in glob.glob(os.path.join(src, b.get("srcDir", "src"), "*.c"))]
if filt != ["+<*.c>"] or not selected:
    fail(f"library.json: build.srcFilter {filt} should be ['+<*.c>'] and select src/*.c")
for ex in lj.get("examples", []):
    path_exists(ex["base"], "library.json examples")
    for f in ex.get("files", []):
        path_exists(os.path.join(ex["base"], f), "library.json examples")
for ex_dir in lj.get("export", {}).get("exclude", []):
    if ex_dir in ("src", "examples", "library.json", "library.properties"):
        fail(f"library.json: export excludes {ex_dir}, which the library needs")
versions["library.json"] = lj.get("version")

# ESP-IDF idf_component.yml
ic = yaml.safe_load(read("idf_component.yml"))
if not isinstance(ic, dict):
    fail("idf_component.yml: not a mapping")
    ic = {}
for key in ("version", "description", "url"):
    if not ic.get(key):
        fail(f"idf_component.yml: {key} missing")
for pat in ic.get("files", {}).get("exclude", []):
    top = pat.split("/")[0]
    if top in ("src", "CMakeLists.txt", "idf_component.yml"):
        fail(f"idf_component.yml: excludes {pat}, which the component needs")
versions["idf_component.yml"] = str(ic.get("version"))
cm = read("CMakeLists.txt")

# CMake project()
m = re.search(r"project\(inkpin VERSION (\d+\.\d+\.\d+)", cm)
versions["CMakeLists.txt project()"] = m.group(1) if m else None

# src/inkpin.h
h = read("src/inkpin.h")
m = re.search(r'#define INKPIN_VERSION "([^"]+)"', h)
versions["src/inkpin.h INKPIN_VERSION"] = m.group(1) if m else None
parts = [re.search(rf"#define INKPIN_VERSION_{p} (\d+)", h) for p in ("MAJOR", "MINOR", "PATCH")]
versions["src/inkpin.h MAJOR.MINOR.PATCH"] = (".".join(p.group(1) for p in parts)
                                             if all(parts) else None)

# inkpin --version, the generated pkg-config file, the changelog
m = re.fullmatch(r"inkpin (\S+)", cli_version.strip())
versions["inkpin --version"] = m.group(1) if m else None
pc = os.path.join(build, "inkpin.pc")
if os.path.exists(pc):
    m = re.search(r"^Version: (\S+)$", open(pc).read(), re.M)
    versions["build/inkpin.pc"] = m.group(1) if m else None
m = re.search(r"^## \[?(\d+\.\d+\.\d+)", read("CHANGELOG.md"), re.M)
versions["CHANGELOG.md (top entry)"] = m.group(1) if m else None

for where, v in versions.items():
    print(f"  {where:34} {v}")
if not re.fullmatch(r"\d+\.\d+\.\d+", versions["CMakeLists.txt project()"] or ""):
    fail("CMakeLists.txt: project(inkpin VERSION x.y.z) not found")
ref = versions["CMakeLists.txt project()"]
for where, v in versions.items():
    if v != ref:
        fail(f"{where} says {v}, CMake project() says {ref}")
for e in errors:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
PY
