#!/usr/bin/env bash
# versions.sh - the package manifests parse, every path they name exists, and
# the one version agrees everywhere: library.properties (Arduino),
# library.json (PlatformIO), idf_component.yml (ESP-IDF), CMake project(),
# src/inkpin.h INKPIN_VERSION (+ MAJOR/MINOR/PATCH), `inkpin --version`,
# the generated inkpin.pc and the top entry of CHANGELOG.md.
# PlatformIO and ESP-IDF are not installed here: this checks their manifests,
# it does not build with them.
# Usage (ctest): bash versions.sh <inkpin-cli> <source-dir> <build-dir>
set -euo pipefail
cli=$1
src=$2
build=$3
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
python3 -c 'import yaml' 2>/dev/null || { echo "SKIP: python3-yaml not installed (scripts/deps.extra)"; exit 77; }
cli_version=$("$cli" --version)
exec python3 - "$src" "$build" "$cli_version" <<'PY'
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
# The root CMakeLists.txt registers the component under ESP_PLATFORM.
cm = read("CMakeLists.txt")
m = re.search(r"idf_component_register\(SRCS (\S+) INCLUDE_DIRS \"(\w+)\"\)", cm)
if not m:
    fail("CMakeLists.txt: no idf_component_register(SRCS ... INCLUDE_DIRS ...) call")
else:
    path_exists(m.group(2), "CMakeLists.txt idf_component_register INCLUDE_DIRS")

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
