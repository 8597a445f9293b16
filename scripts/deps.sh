#!/usr/bin/env bash
# Installs the Debian packages inkpin's build and tests need. Idempotent: checks
# first and only calls apt-get for what is missing. Needs root or sudo for that.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev            # libFuzzer + sanitizers for fuzz harnesses
  zlib1g-dev libpng-dev libcjson-dev libsodium-dev libcmocka-dev
  valgrind                            # constant-time (ctgrind-style) lock test
)
# Extra groups are appended by the parts that need them (ports, web, MCU).
if [ -f scripts/deps.extra ]; then
  # shellcheck disable=SC2207
  packages+=($(grep -v '^#' scripts/deps.extra))
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps.sh: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
