// assemble.js - inlines the wasm module and hash-wasm's Argon2id into shell.html.
//   node ports/web/assemble.js [--test] inkpin.wasm inkpin.html
// --test: the test page (build.sh --test-model), with test hooks on window.inkpin.
// The KDF parameters come from host/platform/kdf.h so the page hashes exactly like
// the host (the SDL simulator and the CLI).
"use strict";
const fs = require("fs");
const path = require("path");

const args = process.argv.slice(2);
const testBuild = args[0] === "--test";
if (testBuild) args.shift();
const [wasmPath, outPath] = args;
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
const hashwasmPkg = JSON.parse(read("node_modules/hash-wasm/package.json"));
const values = {
  HASHWASM_VERSION: hashwasmPkg.version,
  // Only the Argon2 build of hash-wasm (its wasm is inlined in it as base64).
  HASHWASM_JS: inline(read("node_modules/hash-wasm/dist/argon2.umd.min.js")),
  TEST_BUILD: String(testBuild),
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
