#!/usr/bin/env bash
# demo.sh - what `make demo` runs after `make build`: the device with the
# bundled default model.
#   - With a display ($DISPLAY or $WAYLAND_DISPLAY) and the SDL simulator built
#     (ports/sdl, needs libsdl2-dev): opens the 320x240 device screen at 2x.
#     Lock records go to $HOME/.inkpin-lock.bin. Extra arguments are passed on
#     (e.g. scripts/demo.sh --lock, --scale 3, --model FILE.inkm).
#   - Otherwise, or if the window cannot open: builds the browser version
#     (ports/web/build.sh) and prints the path of the single-file page, which
#     works from file:// and can be copied to a phone.
# BUILD selects the CMake build directory (default: build).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
sim=$build/ports/sdl/inkpin-sim

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$sim" ]; then
  echo "demo: starting the simulator ($sim $*); draw with the mouse, Escape quits"
  "$sim" "$@"
  rc=$?
  [ $rc -ne 1 ] && exit $rc
  echo "demo: the simulator could not open a window; building the web page instead" >&2
elif [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: $sim was not built (is libsdl2-dev installed?); building the web page instead" >&2
else
  echo "demo: no display; building the web page instead" >&2
fi

bash "$root/ports/web/build.sh" "$build/web" || exit 1
echo
echo "demo: open this page in a browser (it is one self-contained file; copy it to a phone too):"
echo "  file://$build/web/inkpin.html"
