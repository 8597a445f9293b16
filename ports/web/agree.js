// agree.js - the page's WebAssembly module and `inkpin classify` must give the
// same answer for every drawing of a strokes file.
//   node ports/web/agree.js inkpin.wasm STROKES.ndjson INKPIN_CLI [--model M.inkm]
// Runs the exact wasm module embedded in inkpin.html under node (no browser:
// the HAL imports are stubs, the clock stands still so only Predict
// predicts), replays every drawing as pointer events at the page's integer
// coordinates (Math.round, as e2e.js's mouse drags land), presses Predict and
// compares digit / unsure / no digit and the confidence in permille with
// classify --json on the same file. Exit 0 when all agree, 1 otherwise.
"use strict";
const fs = require("fs");
const { execFileSync } = require("child_process");

const [wasmPath, strokesPath, cliPath, ...rest] = process.argv.slice(2);
if (!wasmPath || !strokesPath || !cliPath) {
  console.error("usage: node agree.js inkpin.wasm STROKES.ndjson INKPIN_CLI [--model M.inkm]");
  process.exit(2);
}

async function main() {
  let memory = null;
  const env = {
    js_random: (ptr, n) => { new Uint8Array(memory.buffer, ptr, n).fill(7); return 0; },
    js_log: () => {},
    js_store_save: () => 0,
    js_door: () => {},
    js_kdf_start: () => -1, // demo mode only: a PIN check is never started
  };
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), { env });
  const ex = instance.exports;
  memory = ex.memory;
  new Uint8Array(memory.buffer, ex.web_store(), ex.web_store_bytes()).fill(0xFF);
  ex.web_init(0, 0, 0);
  if (!ex.web_has_model()) {
    console.log("agree: the module has no model compiled in: nothing to compare");
    return 0;
  }
  const tap = (x, y) => { ex.web_pointer(1, x, y, 0); ex.web_tick(0); ex.web_pointer(0, x, y, 0); ex.web_tick(0); };

  const page = [];
  for (const line of fs.readFileSync(strokesPath, "utf8").split("\n")) {
    if (!line.trim()) continue;
    for (const stroke of JSON.parse(line).strokes) {
      stroke.forEach(([x, y], i) => {
        ex.web_pointer(1, Math.round(x), Math.round(y), 0);
        if (i === 0) ex.web_tick(0);
      });
      ex.web_pointer(0, 0, 0, 0);
      ex.web_tick(0);
    }
    tap(280, 180); // Predict
    page.push({ digit: ex.web_digit(), permille: ex.web_confidence_permille() });
    tap(280, 220); // Clear
  }

  const cli = JSON.parse(execFileSync(cliPath, ["classify", strokesPath, "--json", ...rest],
                                      { encoding: "utf8", maxBuffer: 1 << 28 }));
  if (cli.predictions.length !== page.length) {
    console.error(`agree: classify gave ${cli.predictions.length} answers for ${page.length} drawings`);
    return 1;
  }
  let differ = 0;
  cli.predictions.forEach((p, i) => {
    const want = p.pred < 0 ? -2 : p.rejected ? -4 : p.pred;
    const permille = Math.floor((Math.round(p.confidence * 32768) * 1000 + 16384) / 32768);
    if (page[i].digit !== want || (want !== -2 && page[i].permille !== permille)) {
      if (differ++ < 10) {
        console.error(`agree: line ${i + 1}: page ${JSON.stringify(page[i])}, classify ${JSON.stringify(p)}`);
      }
    }
  });
  const shown = page.filter((p) => p.digit >= 0).length;
  console.log(`agree: ${page.length} drawings, ${page.length - differ} identical answers ` +
              `(${shown} digits shown, ${page.length - shown} unsure or no digit)`);
  return differ === 0 ? 0 : 1;
}

main().then((rc) => process.exit(rc), (e) => { console.error(e); process.exit(1); });
