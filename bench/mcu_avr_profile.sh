#!/usr/bin/env bash
# mcu_avr_profile.sh - cycles per function of the measured calls (ink_render,
# net_run) on the ATmega328P, from the simavr runner's per-address profile.
#   bash bench/mcu_avr_profile.sh FW.elf AVR_RUN [TOP]
set -euo pipefail
elf=$1
run=$2
top=${3:-25}
prof=$(mktemp)
trap 'rm -f "$prof"' EXIT
AVR_PROFILE=$prof "$run" "$elf" >/dev/null 2>&1 || true
# Function symbols (address, size, name) -> sum the profile over each range.
avr-nm -S -t d --defined-only "$elf" | awk '$3 ~ /^[tT]$/ && NF == 4 {print $1 + 0, $2 + 0, $4}' |
    sort -n >"$prof.syms"
awk 'NR == FNR { s[NR] = $1; e[NR] = $1 + $2; n[NR] = $3; ns = NR; next }
     { for (i = 1; i <= ns; i++) if ($1 >= s[i] && $1 < e[i]) { c[n[i]] += $2; t += $2; next }
       c["?"] += $2; t += $2 }
     END { for (k in c) printf "%12d %5.1f%%  %s\n", c[k], 100 * c[k] / t, k }' \
    "$prof.syms" "$prof" | sort -rn | head -n "$top"
rm -f "$prof.syms"
