#!/usr/bin/env bash
# format.sh - the C (.c .h .inc), C++ and sketch sources follow .clang-format (the house
# style). The generated models are left as the exporter writes them.
# Fix with: clang-format -i FILE (sketches: --assume-filename=x.cpp).
#   bash tests/format.sh <inkpin-cli> <source-dir> <build-dir>
set -euo pipefail
src=$2
command -v clang-format >/dev/null || { echo "format: SKIP: clang-format missing"; exit 77; }
cd "$src"
git rev-parse --git-dir >/dev/null 2>&1 || { echo "format: SKIP: not a git checkout"; exit 77; }
status=0
while IFS= read -r f; do
  case "$f" in
    src/default_model.c | src/inkpin/default_model.h | src/small_model.c | src/inkpin/small_model.h) continue ;;
    *.ino) args=(--assume-filename=x.cpp) ;;
    *) args=() ;;
  esac
  if ! clang-format "${args[@]}" --dry-run --Werror <"$f" >/dev/null 2>&1; then
    echo "format: $f differs from .clang-format (clang-format -i ${args[*]} $f)"
    status=1
  fi
done < <(git ls-files '*.c' '*.h' '*.inc' '*.cpp' '*.ino')
[ $status -eq 0 ] && echo "format: every source follows .clang-format"
exit $status
