// assemble.js - inlines the wasm module and libsodium into shell.html.
//   node ports/web/assemble.js inkpin.wasm inkpin.html
// The KDF parameters come from host/platform/kdf.h so the page hashes exactly like
// the host (the SDL simulator and the CLI).
"use strict";
const fs = require("fs");
const path = require("path");

const [wasmPath, outPath] = process.argv.slice(2);
if (!wasmPath || !outPath) {
  console.error("usage: node assemble.js IN.wasm OUT.html");
  process.exit(2);
}
const root = path.resolve(__dirname, "..", "..");
const read = (p) => fs.readFileSync(path.join(root, p), "utf8");

function hostKdfParam(name) {
  const m = read("host/platform/kdf.h").match(new RegExp("#define " + name + " +\\(?\\(?(?:size_t\\)\\s*)?(\\d+)(?:ULL)?\\)?(?:\\s*<<\\s*(\\d+))?"));
  if (!m) throw new Error("host/platform/kdf.h: cannot find " + name);
  return m[2] ? Number(m[1]) * 2 ** Number(m[2]) : Number(m[1]);
}

// Inline <script> text must not close the element early.
const inline = (js) => js.replace(/<\/script/gi, "<\\/script");
const sodiumPkg = JSON.parse(read("node_modules/libsodium-wrappers-sumo/package.json"));
const values = {
  SODIUM_VERSION: sodiumPkg.version,
  SODIUM_JS: inline(read("node_modules/libsodium-sumo/dist/modules-sumo/libsodium-sumo.js")),
  SODIUM_WRAPPERS_JS: inline(read("node_modules/libsodium-wrappers-sumo/dist/modules-sumo/libsodium-wrappers.js")),
  WASM_BASE64: fs.readFileSync(wasmPath).toString("base64"),
  KDF_OPSLIMIT: String(hostKdfParam("KDF_HOST_OPSLIMIT")),
  KDF_MEMLIMIT: String(hostKdfParam("KDF_HOST_MEMLIMIT")),
};
let html = read("ports/web/shell.html");
html = html.replace(/@([A-Z0-9_]+)@/g, (all, key) => {
  if (!(key in values)) throw new Error("shell.html: unknown placeholder " + all);
  return values[key];
});
fs.writeFileSync(outPath, html);
