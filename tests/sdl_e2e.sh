#!/usr/bin/env bash
# sdl_e2e.sh - the desktop simulator (ports/sdl, inkpin-sim) in a real X
# server: Xvfb, mouse drags replayed by xdotool from real pen strokes
# (unipen/dev.ndjson, or a drawn "1" without the data), screenshots of the
# window sampled at known pixels, the demo log compared with `inkpin classify`
# on the exported strokes, then the lock tab.
#   bash tests/sdl_e2e.sh <inkpin-cli> <source-dir> <build-dir>
# Exit 77 (skipped) when inkpin-sim was not built (no SDL2) or Xvfb, xdotool,
# ImageMagick or node are missing. Artifacts: <build-dir>/sdl_e2e/*.png.
set -euo pipefail

cli=$1
src=$2
build=$3
sim=$build/ports/sdl/inkpin-sim
out=$build/sdl_e2e

skip() { echo "sdl_e2e: SKIP: $*"; exit 77; }
fail() { echo "sdl_e2e: FAIL: $*"; [ -f "$out/sim.log" ] && sed 's/^/  sim: /' "$out/sim.log"; exit 1; }

[ -x "$sim" ] || skip "inkpin-sim not built (SDL2 missing?)"
command -v Xvfb >/dev/null || skip "Xvfb missing"
command -v xdotool >/dev/null || skip "xdotool missing"
command -v node >/dev/null || skip "node missing"
# The real ImageMagick (a same-named stand-in may shadow it in /usr/local/bin).
IMPORT=/usr/bin/import
CONVERT=/usr/bin/convert
[ -x "$IMPORT" ] && [ -x "$CONVERT" ] || skip "ImageMagick (import, convert) missing"

rm -rf "$out"
mkdir -p "$out"
# INKPIN_TEST_MODEL=FILE.inkm runs simulator and classify with that model
# instead of the compiled-in default (for trying a model before it ships).
model=${INKPIN_TEST_MODEL:-}

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# Start-up waits poll every 0.1 s for up to 30 s: under ASan, or beside the
# CPU-heavy tests ctest runs in parallel, the first window can take more than
# 10 s. A fast machine pays nothing.
STARTUP_POLLS=300

# Xvfb picks a free display itself and writes its number to fd 3 (no races
# with other tests running in parallel). -noreset: by default Xvfb resets
# itself whenever its last client disconnects, as the readiness probe below
# does; a client that connects while that reset runs (the simulator, started
# right after the probe) loses its connection, and SDL then quietly falls back
# to another video driver: the simulator prints "ready" but has no X window.
Xvfb -displayfd 3 -screen 0 800x600x24 -nolisten tcp -noreset 3>"$out/display" >"$out/xvfb.log" 2>&1 &
pids+=($!)
disp=""
for _ in $(seq 1 $STARTUP_POLLS); do
  disp=$(head -n1 "$out/display" 2>/dev/null || true)
  [ -n "$disp" ] && break
  sleep 0.1
done
[ -n "$disp" ] || fail "Xvfb did not report a display"
export DISPLAY=":$disp"
for _ in $(seq 1 $STARTUP_POLLS); do
  xdotool getmouselocation >/dev/null 2>&1 && break
  sleep 0.1
done
xdotool getmouselocation >/dev/null 2>&1 || fail "Xvfb did not start"

# Under ASan, no leak check for this process: SDL's D-Bus/X11 backends keep
# allocations until exit from libraries they unload (unsymbolizable, not ours;
# inkpin's own code allocates only the optional --model blob, and frees it).
ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
  "$sim" --store "$out/lock.bin" --export "$out/drawn.ndjson" ${model:+--model "$model"} >"$out/sim.log" 2>&1 &
sim_pid=$!
pids+=($sim_pid)
# "ready" comes after the renderer exists: SDL may replace the first window
# with a new one when it sets up the renderer, so a window found earlier can
# be gone by the time it is used.
for _ in $(seq 1 $STARTUP_POLLS); do
  grep -q '^inkpin-sim: ready' "$out/sim.log" && break
  kill -0 "$sim_pid" 2>/dev/null || fail "inkpin-sim exited during start-up"
  sleep 0.1
done
grep -q '^inkpin-sim: ready' "$out/sim.log" || fail "inkpin-sim did not get ready"
grep -q '^inkpin-sim: ready.*video x11)' "$out/sim.log" ||
  fail "inkpin-sim is not on the X server (SDL video driver: $(sed -n 's/.*video \(.*\))$/\1/p' "$out/sim.log"))"
wid=$(xdotool search --name '^inkpin$' 2>/dev/null | head -n1 || true)
[ -n "$wid" ] || fail "no inkpin window although inkpin-sim is ready on x11"
sleep 0.5
eval "$(xdotool getwindowgeometry --shell "$wid")" # X Y WIDTH HEIGHT
# 320x240 screen + the 16-pixel door LED strip, at scale 2.
[ "$WIDTH" = 640 ] && [ "$HEIGHT" = 512 ] || fail "window is ${WIDTH}x$HEIGHT, expected 640x512"
echo "sdl_e2e: window $wid at $X,$Y on :$disp"

# Screen coordinates of app pixel (x, y) at scale 2 (the centre of the 2x2 block).
sx() { echo $((X + 2 * $1 + 1)); }
sy() { echo $((Y + 2 * $1 + 1)); }

shot() { "$IMPORT" -window root -crop "${WIDTH}x${HEIGHT}+$X+$Y" +repage "$out/$1"; }
# "r g b" of app pixel (x, y) in a screenshot of the window.
pixel() {
  "$CONVERT" "$out/$1" -crop "1x1+$((2 * $2 + 1))+$((2 * $3 + 1))" -depth 8 txt:- |
    sed -n 's/^0,0: *(\([0-9]*\),\([0-9]*\),\([0-9]*\).*/\1 \2 \3/p'
}
# Asserts pixel (x, y) of a screenshot is within 10 of colour r g b.
expect_pixel() {
  local file=$1 x=$2 y=$3 r=$4 g=$5 b=$6 what=$7 got
  got=$(pixel "$file" "$x" "$y")
  read -r gr gg gb <<<"$got"
  if [ -z "$got" ] || [ $((gr > r ? gr - r : r - gr)) -gt 10 ] ||
     [ $((gg > g ? gg - g : g - gg)) -gt 10 ] || [ $((gb > b ? gb - b : b - gb)) -gt 10 ]; then
    fail "$file: pixel ($x,$y) is '$got', expected ~ $r $g $b ($what)"
  fi
}

tap() { xdotool mousemove "$(sx "$1")" "$(sy "$2")" mousedown 1 sleep 0.05 mouseup 1; sleep 0.2; }
# Runs "$@" every 0.2 s until it succeeds, for at most 30 s (a loaded machine
# may be slow to deliver events; no assertion depends on the timing itself).
wait_until() {
  for _ in $(seq 1 150); do "$@" && return 0; sleep 0.2; done
  return 1
}
prediction_lines() {
  grep -cE '^([0-9] [01]\.[0-9]{3}|\? [01]\.[0-9]{3} unsure|- no digit|- no model)$' "$out/sim.log" || true
}
has_predictions() { [ "$(prediction_lines)" -ge "$1" ]; }
has_exports() { [ -f "$out/drawn.ndjson" ] && [ "$(grep -c strokes "$out/drawn.ndjson")" -ge "$1" ]; }
# Screenshot until pixel (x, y) is near r g b.
pixel_becomes() {
  local got gr gg gb
  shot "$1"
  got=$(pixel "$1" "$2" "$3")
  read -r gr gg gb <<<"$got"
  [ -n "$got" ] && [ $((gr > $4 ? gr - $4 : $4 - gr)) -le 10 ] &&
    [ $((gg > $5 ? gg - $5 : $5 - gg)) -le 10 ] && [ $((gb > $6 ? gb - $6 : $6 - gb)) -le 10 ]
}

# Strokes to draw: up to 3 real digits of different classes, or a synthetic "1".
data=${INKPIN_DATA:-}
for d in "$data" "$src/data" "$src/../shared/data" "$src/../../shared/data"; do
  if [ -n "$d" ] && [ -f "$d/unipen/dev.ndjson" ]; then data=$d; break; fi
done
if [ -f "$data/unipen/dev.ndjson" ]; then
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n");
    const seen = new Set(); const out = [];
    for (const l of lines) {
      if (!l.trim()) continue;
      const s = JSON.parse(l);
      if (seen.has(s.label)) continue;
      seen.add(s.label); out.push(JSON.stringify({label: s.label, strokes: s.strokes}));
      if (out.length === 3) break;
    }
    console.log(out.join("\n"));' "$data/unipen/dev.ndjson" >"$out/replay.ndjson"
else
  echo "sdl_e2e: no unipen/dev.ndjson: drawing a synthetic 1"
  echo '{"strokes":[[[120,40],[121,80],[120,120],[119,160],[120,200]]]}' >"$out/replay.ndjson"
fi

# xdotool argument lists, one drawing per line: pen down, every sample, pen up.
node -e '
  const [file, X, Y] = [process.argv[1], +process.argv[2], +process.argv[3]];
  for (const l of require("fs").readFileSync(file, "utf8").split("\n")) {
    if (!l.trim()) continue;
    const args = [];
    for (const st of JSON.parse(l).strokes) {
      st.forEach(([x, y], i) => {
        args.push("mousemove", X + 2 * Math.round(x) + 1, Y + 2 * Math.round(y) + 1);
        if (i === 0) args.push("mousedown", "1");
        args.push("sleep", "0.005");
      });
      args.push("mouseup", "1", "sleep", "0.1");
    }
    console.log(args.join(" "));
  }' "$out/replay.ndjson" "$X" "$Y" >"$out/replay.xdo"

wait_until pixel_becomes start.png 260 20 64 160 255 || fail "the screen was not painted (DEMO tab)"
expect_pixel start.png 120 120 0 0 0 "empty drawing area"
expect_pixel start.png 10 248 96 16 16 "door LED off (locked) at start"
expect_pixel start.png 244 100 24 28 36 "panel"

k=0
while read -r line; do
  k=$((k + 1))
  first=$(sed -n "${k}p" "$out/replay.ndjson" | node -e '
    const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const [x, y] = s.strokes[0][0]; console.log(Math.round(x), Math.round(y));')
  read -r fx fy <<<"$first"
  # shellcheck disable=SC2086
  xdotool $line
  # The auto-predict pause is 0.7 s.
  wait_until has_predictions "$k" || fail "no prediction for drawing $k after the pause"
  shot "demo_$k.png"
  fx=$((fx < 0 ? 0 : fx > 239 ? 239 : fx)); fy=$((fy < 0 ? 0 : fy > 239 ? 239 : fy))
  expect_pixel "demo_$k.png" "$fx" "$fy" 255 255 255 "stroke start drawn"
  xdotool key e
  wait_until has_exports "$k" || fail "key E did not export drawing $k"
  tap 280 220 # Clear
done <"$out/replay.xdo"
n=$k

preds=$(grep -E '^([0-9] [01]\.[0-9]{3}|\? [01]\.[0-9]{3} unsure|- no digit|- no model)$' "$out/sim.log" || true)
[ "$(printf '%s\n' "$preds" | grep -c .)" -eq "$n" ] || fail "expected $n prediction lines, got: $preds"
[ "$(grep -c strokes "$out/drawn.ndjson")" -eq "$n" ] || fail "export wrote $(wc -l <"$out/drawn.ndjson") lines, expected $n"
echo "sdl_e2e: predictions: $(printf '%s' "$preds" | tr '\n' ';')"

if printf '%s\n' "$preds" | grep -q 'no model'; then
  echo "sdl_e2e: no default model compiled in: prediction checks skipped"
elif "$cli" classify --help >/dev/null 2>&1; then
  # The simulator must predict exactly what the CLI predicts for the same strokes.
  "$cli" classify "$out/drawn.ndjson" --json ${model:+--model "$model"} >"$out/classify.json" ||
    fail "inkpin classify failed"
  # The log lines the simulator must have printed for classify's answers.
  want=$(node -e '
    const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const p of j.predictions) {
      const pm = Math.floor((Math.round(p.confidence * 32768) * 1000 + 16384) / 32768);
      const c = Math.floor(pm / 1000) + "." + String(pm % 1000).padStart(3, "0");
      console.log(p.pred < 0 ? "- no digit" : p.rejected ? "? " + c + " unsure" : p.pred + " " + c);
    }' "$out/classify.json")
  got=$(printf '%s\n' "$preds")
  [ "$got" = "$want" ] || fail "simulator printed '$got', inkpin classify says '$want'"
  echo "sdl_e2e: simulator and inkpin classify agree on $n drawings: $(printf '%s' "$got" | tr '\n' ';')"
fi

# The lock tab: accent moves, the status line and the lock buttons appear.
tap 300 20
wait_until pixel_becomes lock.png 300 20 64 160 255 || fail "the LOCK tab did not become active"
sleep 0.3
shot lock.png
expect_pixel lock.png 260 20 56 64 80 "DEMO tab inactive"
expect_pixel lock.png 250 135 56 64 80 "Enter button"
"$CONVERT" "$out/lock.png" -crop 160x20+480+96 -format '%[fx:maxima.r]' info: >"$out/status_max"
awk '{ exit !($1 > 0.8) }' "$out/status_max" || fail "no status text in the lock panel"

# Set a PIN from two drawings the simulator read confidently and correctly
# (PIN A B A B), confirm it, and see UNLOCKED. Needs a model.
mapfile -t pred_lines < <(printf '%s\n' "$preds")
good=()
for i in $(seq 1 "$n"); do
  label=$(sed -n "${i}p" "$out/replay.ndjson" | node -e '
    const s = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(s.label ?? -1);')
  read -r d c <<<"${pred_lines[$((i - 1))]}"
  if [ "$d" = "$label" ] && awk -v c="$c" 'BEGIN { exit !(c >= 0.9) }'; then good+=("$i"); fi
done
if [ ${#good[@]} -ge 2 ]; then
  dot_filled() { pixel_becomes lock_dots.png $((265 + 10 * $1)) 70 240 240 240; }
  draw_replay() { local cmd; cmd=$(sed -n "${1}p" "$out/replay.xdo"); xdotool $cmd; }
  pin=("${good[0]}" "${good[1]}" "${good[0]}" "${good[1]}")
  for round in 1 2; do
    for i in 0 1 2 3; do
      draw_replay "${pin[$i]}"
      wait_until dot_filled "$i" || fail "PIN digit $((i + 1)) (round $round) was not entered"
    done
    tap 280 140 # Enter
    if [ $round = 1 ]; then # CONFIRM starts with empty dots
      wait_until pixel_becomes lock_dots.png 265 70 24 28 36 || fail "Enter did not start CONFIRM"
    fi
  done
  # UNLOCKED, large and green, in the drawing area (the "U" at x 24, y 104, size 3).
  wait_until pixel_becomes unlocked.png 28 105 64 208 96 || fail "no UNLOCKED after setting the PIN"
  grep -qE '^lock: PIN set' "$out/sim.log" || fail "no 'lock: PIN set' log line"
  # The door output: on while UNLOCKED (green LED), off again at the
  # auto-relock (10 s by default).
  wait_until pixel_becomes door_open.png 10 248 64 208 96 || fail "door LED not on while UNLOCKED"
  grep -qE '^door: open$' "$out/sim.log" || fail "no 'door: open' log line"
  wait_until pixel_becomes door_relocked.png 10 248 96 16 16 || fail "door LED still on after the relock time"
  grep -qE '^lock: relocked' "$out/sim.log" || fail "no 'lock: relocked' log line"
  expect_pixel door_relocked.png 28 105 0 0 0 "UNLOCKED gone after the relock"
  if sed -n '/^lock:/,$p' "$out/sim.log" | grep -qE '^[0-9?] '; then
    fail "a prediction line was logged in lock mode"
  fi
  echo "sdl_e2e: lock mode: PIN set from drawings ${pin[*]}, confirmed, UNLOCKED"
else
  echo "sdl_e2e: fewer than 2 confident drawings (no model?): PIN flow skipped"
fi

# Escape quits cleanly (under ASan this also runs the leak check).
xdotool key Escape
for _ in $(seq 1 50); do kill -0 "$sim_pid" 2>/dev/null || break; sleep 0.1; done
rc=0
wait "$sim_pid" || rc=$?
[ "$rc" -eq 0 ] || fail "inkpin-sim exited with $rc"
echo "sdl_e2e: PASS ($n drawings; screenshots in $out)"
