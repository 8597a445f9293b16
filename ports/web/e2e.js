// e2e.js - the web page in real Chromium (Debian's), driven by Playwright.
//   node ports/web/e2e.js PAGE.html TEST_PAGE.html OUT_DIR [DEV.ndjson] [INKPIN_CLI]
// PAGE is the real page (default model); TEST_PAGE the same app built with
// ports/web/test_model.c (vertical bar = 1, horizontal bar = 2), on which the
// lock flow runs with drawings whose reading is certain.
// Checks: the screen renders (pixels sampled in known regions), mouse drags
// replayed from real pen strokes are recognized and the page predicts exactly
// what `inkpin classify` predicts for the same strokes, auto-predict after a
// pause, "Export drawing" downloads the strokes as NDJSON, the mode tabs, and
// the whole lock flow (set PIN, confirm, lock, wrong PIN, backoff countdown,
// right PIN, unlocked, still locked after a reload), a PIN digit drawn dim
// (never white), the door LED (on after the right PIN, off at Lock and at the
// auto-relock 10 s later with the demo tab shown, never on after a wrong PIN
// or a refused write), the KDF in its worker
// (strokes drawn during a check are rendered and reach the app after it), two
// tabs on the same file (the failure counter and the wait never go down),
// storage faults (setItem throws: the lock goes to recovery, "storage
// failing", nothing compared, counter and record unchanged; an unreadable,
// damaged or short record boots in recovery, never "no PIN"), and the layout
// at 390x844 (both orientations) and 1280x800 from sampled screenshots, and
// the web app manifest when served over http.
// Screenshots go to OUT_DIR.
// Exit 0 pass, 1 fail.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { execFileSync } = require("child_process");
const { chromium } = require("playwright-core");

const [pagePath, testPagePath, outDir, devPath, cliPath] = process.argv.slice(2);
const W = 320, H = 240;
const SAMPLES_PER_CLASS = 2;

function fail(msg) {
  console.error("web_e2e: FAIL: " + msg);
  process.exit(1);
}
function check(cond, msg) {
  if (!cond) fail(msg);
}
function log(msg) {
  console.log("web_e2e: " + msg);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Polls an async condition (the page runs on real time; a loaded machine may
// be slow), failing after `ms`.
async function until(cond, what, ms = 10000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
    if (await cond()) return;
  }
  fail("timed out waiting for: " + what);
}

// RGB565 colours of the app (src/inkpin/app.h), as the page shows them.
const rgb = (r, g, b) => [r & 0xF8 | r >> 5, g & 0xFC | g >> 6, b & 0xF8 | b >> 5];
const COLOR = {
  canvas: rgb(0, 0, 0), ink: rgb(255, 255, 255), panel: rgb(24, 28, 36),
  button: rgb(56, 64, 80), accent: rgb(64, 160, 255), ok: rgb(64, 208, 96),
  bad: rgb(240, 72, 56), wait: rgb(248, 200, 48), text: rgb(240, 240, 240),
  lockInk: rgb(72, 76, 88), lockInkFaded: rgb(36, 38, 44),
};

// The door LED under the screen (hal.door). watchDoor counts, in the page,
// every time the LED turns on from now on.
const doorOpen = (page) => page.evaluate(() => {
  const el = document.getElementById("door");
  const on = el.classList.contains("open");
  const text = document.getElementById("door-text").textContent;
  const led = getComputedStyle(el.querySelector(".led")).backgroundColor;
  if (on !== (text === "door open") || on !== window.inkpin.lock().door ||
      on !== (led === "rgb(64, 208, 96)")) {
    throw new Error(`door LED disagrees: class ${on}, text ${text}, led ${led}, lock ${window.inkpin.lock().door}`);
  }
  return on;
});
const watchDoor = (page) => page.evaluate(() => {
  const el = document.getElementById("door");
  window.doorTurnedOn = [];
  let was = el.classList.contains("open");
  if (window.doorObserver) window.doorObserver.disconnect();
  window.doorObserver = new MutationObserver(() => {
    const on = el.classList.contains("open");
    if (on && !was) window.doorTurnedOn.push(performance.now());
    was = on;
  });
  window.doorObserver.observe(el, { attributes: true, attributeFilter: ["class"] });
});
const doorTurnedOn = (page) => page.evaluate(() => window.doorTurnedOn.length);

// Headless Debian Chromium with a fresh user-data dir.
async function withBrowser(options, body) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "inkpin-chromium-"));
  const ctx = await chromium.launchPersistentContext(userDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    ...options,
  });
  try {
    await body(ctx);
  } finally {
    await ctx.close();
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}

async function main() {
  await withBrowser({ viewport: { width: 700, height: 600 }, deviceScaleFactor: 1, acceptDownloads: true }, run);
  // A phone: 390x844 CSS px at 3 device pixels per px, touch only.
  await withBrowser({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true,
                      hasTouch: true }, phone);
  await withBrowser({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, desktop);
  await withBrowser({ viewport: { width: 700, height: 600 }, deviceScaleFactor: 1 }, storageFaults);
  await withBrowser({ viewport: { width: 700, height: 600 }, deviceScaleFactor: 1 }, manifest);
}

// Served over http(s) the page offers a web app manifest Chrome can install
// from (a Blob URL of the page's origin, icons drawn by the page); from file://
// it has none.
async function manifest(ctx) {
  const http = require("http");
  const html = fs.readFileSync(pagePath);
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    await page.goto("file://" + path.resolve(pagePath));
    await page.waitForSelector("body[data-ready='1']", { timeout: 30000 });
    check(await page.locator("link[rel=manifest]").count() === 0, "file://: the page links a manifest");
    await page.goto(`http://127.0.0.1:${server.address().port}/inkpin.html`);
    await page.waitForSelector("body[data-ready='1']", { timeout: 30000 });
    const cdp = await ctx.newCDPSession(page);
    const m = await cdp.send("Page.getAppManifest", {});
    check(m.errors.length === 0, "manifest errors: " + JSON.stringify(m.errors));
    const data = JSON.parse(m.data);
    check(data.name === "inkpin" && data.display === "standalone" && data.icons.length === 2,
          "manifest: " + m.data.slice(0, 200));
    let errors = [];
    for (const end = Date.now() + 10000; Date.now() < end; await sleep(250)) {
      errors = (await cdp.send("Page.getInstallabilityErrors")).installabilityErrors;
      if (errors.length === 0) break;
    }
    check(errors.length === 0, "not installable over http: " + JSON.stringify(errors));
    log("manifest: over http the page is installable (no manifest or installability errors); none from file://");
  } finally {
    server.close();
  }
}

// A screenshot decoded by the browser itself: rgb(x, y) in CSS px of the page.
async function screenshotSampler(page, file) {
  const png = await page.screenshot({ path: file });
  const dpr = await page.evaluate(() => window.devicePixelRatio);
  const probe = await page.context().newPage();
  await probe.setContent("<canvas></canvas>");
  const dims = await probe.evaluate(async (b64) => {
    const img = new Image();
    img.src = "data:image/png;base64," + b64;
    await img.decode();
    const c = document.querySelector("canvas");
    c.width = img.width; c.height = img.height;
    c.getContext("2d").drawImage(img, 0, 0);
    return [img.width, img.height];
  }, png.toString("base64"));
  return {
    dims: dims,
    rgb: (x, y) => probe.evaluate(([x, y]) => {
      const d = document.querySelector("canvas").getContext("2d").getImageData(x, y, 1, 1).data;
      return [d[0], d[1], d[2]];
    }, [Math.floor(x * dpr), Math.floor(y * dpr)]),
    close: () => probe.close(),
  };
}
const near = (a, b) => a.every((v, i) => Math.abs(v - b[i]) <= 8);

// The device screen in a screenshot: app pixel (x, y) has the expected colour.
async function sampleScreen(page, file, samples, what) {
  const box = await page.locator("#screen").boundingBox();
  const shot = await screenshotSampler(page, file);
  try {
    for (const [x, y, color, name] of samples) {
      const got = await shot.rgb(box.x + (x + 0.5) * box.width / W, box.y + (y + 0.5) * box.height / H);
      check(near(got, color), `${what}: screenshot pixel of app (${x},${y}) is ${got}, expected ${color} (${name})`);
    }
  } finally {
    await shot.close();
  }
  return box;
}
const LAYOUT_SAMPLES = [[260, 20, null, "DEMO tab"], [300, 20, null, "LOCK tab"],
                        [250, 175, null, "Predict button"], [120, 120, null, "drawing area"]];
function layoutSamples() {
  const c = [COLOR.accent, COLOR.button, COLOR.button, COLOR.canvas];
  return LAYOUT_SAMPLES.map((s, i) => [s[0], s[1], c[i], s[3]]);
}

// 1280x800: the screen fills the window's height with crisp pixels, sampled.
async function desktop(ctx) {
  const page = ctx.pages()[0] || await ctx.newPage();
  await page.goto("file://" + path.resolve(pagePath));
  await page.waitForSelector("body[data-ready='1']", { timeout: 30000 });
  const box = await sampleScreen(page, path.join(outDir, "web_1280x800.png"), layoutSamples(), "1280x800");
  check(box.height >= 0.9 * (800 - 110) && box.y >= 0 && box.y + box.height <= 800,
        `1280x800: the screen ${JSON.stringify(box)} does not fill the window's height`);
  const rendering = await page.evaluate(() => getComputedStyle(document.getElementById("screen")).imageRendering);
  check(rendering === "pixelated", "1280x800: image-rendering is " + rendering);
  check(await page.locator("#limits").isVisible(), "1280x800: the note on a browser lock's limits is not shown");
  check(/clearing this site's data/.test(await page.locator("#limits").textContent()),
        "the page does not say that clearing site data resets the lock");
  const hooks = await page.evaluate(() => ["kdfHex", "holdKdf", "kdfBusy"].filter((k) => k in window.inkpin));
  check(hooks.length === 0, "the shipped page exposes test hooks on window.inkpin: " + hooks);
  log(`1280x800: screen ${box.width}x${box.height} CSS px (${(box.width / W).toFixed(2)}x), screenshot sampled`);
}

// On a phone the screen fills the width with crisp pixels (nearest-neighbour),
// also after a rotation, and a finger (CDP touch events) draws without
// scrolling the page. Checked on sampled screenshots.
async function phone(ctx) {
  const page = ctx.pages()[0] || await ctx.newPage();
  await page.goto("file://" + path.resolve(testPagePath));
  await page.waitForSelector("body[data-ready='1']", { timeout: 30000 });
  const rendering = await page.evaluate(() => getComputedStyle(document.getElementById("screen")).imageRendering);
  check(rendering === "pixelated", "phone: image-rendering is " + rendering);
  const box = await page.locator("#screen").boundingBox();
  check(box.x >= 0 && box.x + box.width <= 390, `phone: canvas ${box.width} px wide does not fit 390`);
  check(box.width >= 0.9 * 374, `phone: the screen is ${box.width} CSS px wide, not the width of the phone`);
  check(Math.abs(box.height / box.width - H / W) < 0.01, "phone: canvas aspect is not 4:3");
  const cdp = await ctx.newCDPSession(page);
  const scale = box.width / W;
  const pt = (x, y) => ({ x: box.x + (x + 0.5) * scale, y: box.y + (y + 0.5) * scale });
  const bar = [[120, 40], [121, 80], [120, 120], [119, 160], [120, 200]];
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [pt(...bar[0])] });
  for (const p of bar.slice(1)) {
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [pt(...p)] });
  }
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await page.waitForFunction(() => window.inkpin.digit() !== -1, null, { timeout: 15000 });
  check(await page.evaluate(() => window.inkpin.digit()) === 1, "phone: the touch-drawn bar is not a 1");
  check(await page.evaluate(() => window.scrollX === 0 && window.scrollY === 0), "phone: the page scrolled");
  await sampleScreen(page, path.join(outDir, "web_phone.png"),
                     [...layoutSamples().slice(0, 3), [120, 120, COLOR.ink, "the drawn bar"],
                      [60, 120, COLOR.canvas, "beside the bar"]], "390x844");
  log(`phone: canvas ${box.width.toFixed(1)} CSS px wide of 390, touch drawing read as 1, screenshot sampled`);

  // Rotated: the screen fills the height that is left under it.
  await page.setViewportSize({ width: 844, height: 390 });
  await page.waitForFunction(() => document.getElementById("screen").getBoundingClientRect().width > 400,
                             null, { timeout: 5000 }).catch(() => {});
  const land = await sampleScreen(page, path.join(outDir, "web_phone_landscape.png"),
                                  layoutSamples().slice(0, 3), "844x390");
  check(land.y >= 0 && land.y + land.height <= 390 && land.x >= 0 && land.x + land.width <= 844,
        `landscape: the screen ${JSON.stringify(land)} does not fit 844x390`);
  check(land.height >= 0.9 * (390 - 110), `landscape: the screen is only ${land.height} CSS px tall`);
  log(`phone rotated: canvas ${land.width.toFixed(1)}x${land.height.toFixed(1)} CSS px in 844x390, sampled`);
}

async function run(ctx) {
  const page = ctx.pages()[0] || await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const url = "file://" + path.resolve(pagePath);
  await page.goto(url);
  await page.waitForSelector("body[data-ready='1']", { timeout: 30000 });
  check(errors.length === 0, "page errors: " + errors.join("; "));
  const h = await helpers(page);
  await demo(page, h);
  // The lock flow, on the test-model page, from an empty localStorage.
  await page.evaluate(() => localStorage.clear());
  const testUrl = "file://" + path.resolve(testPagePath);
  await page.goto(testUrl);
  await page.waitForSelector("body[data-ready='1']", { timeout: 30000 });
  await lockFlow(page, await helpers(page), testUrl);
  check(errors.length === 0, "page errors: " + errors.join("; "));
}

async function helpers(page) {

  // Pixel reads come from the canvas itself (what the user sees, scaled 1:1).
  const pixel = (x, y) => page.evaluate(([x, y]) => {
    const d = document.getElementById("screen").getContext("2d").getImageData(x, y, 1, 1).data;
    return [d[0], d[1], d[2]];
  }, [x, y]);
  const near = (a, b) => a.every((v, i) => Math.abs(v - b[i]) <= 8);
  async function expectPixel(x, y, color, what) {
    const got = await pixel(x, y);
    check(near(got, color), `pixel (${x},${y}) is ${got}, expected ${color} (${what})`);
  }
  // Is there a pixel of this colour in the region? (for status lines)
  const regionHas = (x, y, w, h, color) => page.evaluate(([x, y, w, h, c]) => {
    const d = document.getElementById("screen").getContext("2d").getImageData(x, y, w, h).data;
    for (let i = 0; i < d.length; i += 4)
      if (Math.abs(d[i] - c[0]) <= 8 && Math.abs(d[i + 1] - c[1]) <= 8 && Math.abs(d[i + 2] - c[2]) <= 8) return true;
    return false;
  }, [x, y, w, h, color]);
  const nextFrame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const shot = async (name) => {
    await nextFrame();
    await page.screenshot({ path: path.join(outDir, name) });
    // The device screen alone, as the page shows it (for docs).
    await page.locator("#screen").screenshot({ path: path.join(outDir, name.replace(".png", "_screen.png")) });
  };

  const box = await page.locator("#screen").boundingBox();
  const scale = box.width / W;
  check(Math.abs(box.height / box.width - H / W) < 0.01, "canvas aspect is not 4:3");
  check(scale >= 1 && Number.isInteger(scale), `canvas scale ${scale} is not a whole number here`);
  const style = await page.evaluate(() => {
    const s = getComputedStyle(document.getElementById("screen"));
    return { rendering: s.imageRendering, touch: s.touchAction };
  });
  check(style.touch === "none", "touch-action is " + style.touch);
  check(style.rendering === "pixelated", "image-rendering is " + style.rendering);
  // The centre of app pixel (x, y) in page coordinates.
  const at = (x, y) => [box.x + (x + 0.5) * scale, box.y + (y + 0.5) * scale];
  const tap = async (x, y) => {
    await page.mouse.move(...at(x, y));
    await page.mouse.down();
    await page.mouse.up();
    await nextFrame();
  };
  const draw = async (strokes) => {
    for (const st of strokes) {
      const pts = st.map(([x, y]) => [Math.round(x), Math.round(y)]);
      await page.mouse.move(...at(...pts[0]));
      await page.mouse.down();
      for (const p of pts.slice(1)) await page.mouse.move(...at(...p));
      await page.mouse.up();
    }
  };
  const inkpin = (expr) => page.evaluate(expr);
  return { pixel, expectPixel, regionHas, nextFrame, shot, at, tap, draw, inkpin };
}

async function demo(page, h) {
  const { expectPixel, shot, tap, draw, inkpin } = h;
  await shot("web_start.png");
  await expectPixel(120, 120, COLOR.canvas, "empty drawing area");
  await expectPixel(260, 20, COLOR.accent, "DEMO tab active");
  await expectPixel(300, 20, COLOR.button, "LOCK tab");
  await expectPixel(250, 175, COLOR.button, "Predict button");
  await expectPixel(244, 100, COLOR.panel, "panel");
  const hasModel = await inkpin(() => window.inkpin.hasModel());
  log("model compiled in: " + hasModel);

  // ---- demo: real strokes ------------------------------------------------------------
  let samples = [];
  if (devPath && fs.existsSync(devPath)) {
    const perClass = new Map();
    for (const line of fs.readFileSync(devPath, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const s = JSON.parse(line);
      const k = perClass.get(s.label) || 0;
      if (k >= SAMPLES_PER_CLASS) continue;
      perClass.set(s.label, k + 1);
      samples.push(s);
    }
  } else {
    log("no unipen/dev.ndjson: drawing synthetic strokes only");
    samples = [{ label: 1, strokes: [[[120, 40], [121, 80], [120, 120], [119, 160], [120, 200]]] },
               { label: 7, strokes: [[[60, 50], [180, 50], [150, 110], [110, 200]]] }];
  }

  // The first drawing is predicted by the pen-up pause, the others by Predict.
  await draw(samples[0].strokes);
  await shot("web_drawing.png");
  const first = samples[0].strokes[0][0].map((v) => Math.min(239, Math.max(0, Math.round(v))));
  await expectPixel(first[0], first[1], COLOR.ink, "stroke drawn live");
  // (That nothing is predicted before the pause is tests/test_app.c's job: here
  // the clock is real and a loaded machine could make any bound flaky.)
  await page.waitForFunction(() => window.inkpin.digit() !== -1, null, { timeout: 15000 });

  const exported = [], shown = [];
  for (let i = 0; i < samples.length; i++) {
    if (i > 0) {
      await draw(samples[i].strokes);
      await tap(280, 180); // Predict
    }
    shown.push({ digit: await inkpin(() => window.inkpin.digit()),
                 permille: await inkpin(() => window.inkpin.confidence()) });
    exported.push(await inkpin(() => window.inkpin.exportLine()));
    if (i === 0) {
      // "Export drawing" downloads the same line.
      const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
      const file = path.join(outDir, "web_export.ndjson");
      await dl.saveAs(file);
      check(fs.readFileSync(file, "utf8").trim() === exported[0], "download differs from the drawing");
      await shot("web_demo.png");
      if (hasModel) {
        check(shown[0].digit >= -4 && shown[0].digit <= 9, "no prediction shown");
      }
    }
    await tap(280, 220); // Clear
  }
  await expectPixel(first[0], first[1], COLOR.canvas, "Clear empties the drawing");
  fs.writeFileSync(path.join(outDir, "web_drawn.ndjson"), exported.join("\n") + "\n");

  if (hasModel) {
    const correct = samples.filter((s, i) => shown[i].digit === s.label).length;
    log(`page recognized ${correct}/${samples.length} replayed drawings as their label`);
    if (cliPath && fs.existsSync(cliPath)) {
      const model = process.env.INKPIN_TEST_MODEL ? ["--model", process.env.INKPIN_TEST_MODEL] : [];
      const j = JSON.parse(execFileSync(cliPath, ["classify", path.join(outDir, "web_drawn.ndjson"), "--json", ...model],
                                        { encoding: "utf8" }));
      check(j.predictions.length === samples.length, "classify returned " + j.predictions.length + " predictions");
      for (let i = 0; i < samples.length; i++) {
        const p = j.predictions[i];
        // classify: pred -1 = no digit; rejected with pred >= 0 = unsure (app: -4).
        const want = p.pred < 0 ? -2 : p.rejected ? -4 : p.pred;
        const permille = Math.floor((Math.round(p.confidence * 32768) * 1000 + 16384) / 32768);
        check(shown[i].digit === want,
              `drawing ${i}: page shows ${shown[i].digit}, inkpin classify ${JSON.stringify(p)}`);
        check(want === -2 || shown[i].permille === permille,
              `drawing ${i}: confidence ${shown[i].permille}/1000 vs classify ${p.confidence}`);
      }
      log(`page and inkpin classify agree on all ${samples.length} drawings`);
    } else {
      log("no inkpin CLI given: classify comparison skipped");
    }
  } else {
    log("no model compiled in: recognition and lock-flow checks skipped");
  }

}

// With the test model a vertical bar reads 1 and a horizontal bar 2.
const A = { strokes: [[[120, 40], [121, 80], [120, 120], [119, 160], [120, 200]]] };
const B = { strokes: [[[40, 120], [80, 121], [120, 120], [160, 119], [200, 120]]] };
const pin = [A, B, A, B], wrong = [B, B, A, A];
const STORE_KEY = "inkpin.store.v1";
let lockedRecord = null; // localStorage's text for a locked PIN 1212 (from lockFlow)

function lockOps(page, h) {
  const lockView = () => page.evaluate(() => window.inkpin.lock());
  const enterDigit = async (g) => {
    const before = (await lockView()).digits;
    await h.draw(g.strokes);
    await page.waitForFunction((n) => window.inkpin.lock().digits !== n ||
                               window.inkpin.lock().waitMs > 0, before, { timeout: 15000 });
  };
  // Enter shows "checking", runs the KDF in the worker and empties the entry.
  const enterPin = async (seq) => {
    for (const g of seq) await enterDigit(g);
    await h.tap(280, 140); // Enter
    await page.waitForFunction(() => window.inkpin.lock().digits === 0 && !window.inkpin.lock().checking &&
                               !window.inkpin.kdfBusy(), null, { timeout: 30000 });
    await h.nextFrame();
  };
  return { lockView, enterDigit, enterPin };
}

// Set PIN, confirm, lock, wrong PINs into the backoff (from two tabs), right PIN, reload.
async function lockFlow(page, h, url) {
  const { expectPixel, regionHas, nextFrame, shot, tap, draw, inkpin } = h;
  const logBefore = (await inkpin(() => window.inkpin.log())).length;
  await tap(300, 20);
  check(await inkpin(() => window.inkpin.mode()) === 1, "LOCK tab did not switch modes");
  await shot("web_lock_start.png");
  await expectPixel(300, 20, COLOR.accent, "LOCK tab active");
  await expectPixel(250, 135, COLOR.button, "Enter button");
  check((await inkpin(() => window.inkpin.lock())).state === "NO_PIN", "fresh page is not NO_PIN");
  await nextFrame();
  check(await page.locator("#export").isDisabled(), "Export drawing is enabled in lock mode");

  // The page's KDF is the host's: Argon2id with KDF_HOST_* of host/platform/kdf.h.
  // Known answer from the host's libsodium (crypto_pwhash, PIN "1234", salt of
  // 16 zero bytes, opslimit 3, memlimit 64 MiB).
  const kat = await inkpin(() => window.inkpin.kdfHex("1234", "00".repeat(16)));
  check(kat === "b57a06e785aa592d853118bfac0a199f77091d30ef697cd51456eb5041a2e3e3",
        "page KDF differs from the host's Argon2id: " + kat);
  // tests/test_kdf.c's vector (made with the reference argon2 CLI).
  const kat2 = await inkpin(() => window.inkpin.kdfHex("1234", "696e6b70696e2d73616c742d30303031"));
  check(kat2 === "291e5556e815e9fa7643d072eb3e7640b6af5f7528503ab6a40f9f37a6c32755",
        "page KDF differs from tests/test_kdf.c's vector: " + kat2);

  const { lockView, enterDigit, enterPin } = lockOps(page, h);
  const status = (color) => regionHas(240, 48, 80, 12, color);

  // A dot is no digit: "draw again", nothing entered.
  await tap(100, 100);
  await until(() => status(COLOR.bad), "'draw again' after a dot");
  check((await lockView()).digits === 0, "a dot was entered as a digit");
  await shot("web_draw_again.png");
  await sleep(1600);

  await enterPin(pin);
  check((await lockView()).state === "CONFIRM", "after the first entry: " + JSON.stringify(await lockView()));
  await shot("web_lock_confirm.png");
  await enterPin(pin);
  check((await lockView()).state === "UNLOCKED", "PIN not set: " + JSON.stringify(await lockView()));
  await sleep(1700); // the "PIN set" message fades
  await until(() => status(COLOR.ok), "UNLOCKED in green");
  check(await doorOpen(page), "the door LED is off although the lock is UNLOCKED");
  await shot("web_unlocked.png");
  await tap(280, 140); // Lock
  check((await lockView()).state === "LOCKED", "Lock did not lock");
  await until(() => status(COLOR.bad), "LOCKED in red");
  await nextFrame();
  check(!await doorOpen(page), "Lock did not switch the door LED off");
  await shot("web_locked.png");
  log("door: the LED is on after the PIN is set, off at Lock");
  await watchDoor(page); // from here on: wrong PINs, never the door

  // A PIN digit is drawn dim while the pen is down, fainter (or gone) after
  // pen-up, and never in the demo's white.
  await page.mouse.move(...h.at(...A.strokes[0][0]));
  await page.mouse.down();
  for (const p of A.strokes[0].slice(1)) await page.mouse.move(...h.at(...p));
  await nextFrame();
  check(await regionHas(110, 40, 20, 160, COLOR.lockInk), "a PIN digit being drawn is not shown in the dim lock ink");
  check(!await regionHas(0, 0, 240, 240, COLOR.ink), "a PIN digit is drawn in white");
  await shot("web_lock_ink.png");
  await page.mouse.up();
  await nextFrame();
  check(!await regionHas(0, 0, 240, 240, COLOR.lockInk) && !await regionHas(0, 0, 240, 240, COLOR.ink),
        "a PIN digit did not fade at pen-up");
  await page.waitForFunction(() => window.inkpin.lock().digits === 1, null, { timeout: 15000 });
  await tap(280, 220); // Clear
  await page.waitForFunction(() => window.inkpin.lock().digits === 0, null, { timeout: 10000 });
  log("lock ink: dim while drawn, faded at pen-up, never white");

  // The first wrong PIN: the lock stores the attempt as a failure, then asks
  // the worker (its answer held back by the test hook). Meanwhile the app
  // shows "checking", draws strokes itself and enters nothing; the door
  // stays shut; the stroke becomes a digit once the answer is in.
  for (const g of wrong) await enterDigit(g);
  await inkpin(() => window.inkpin.holdKdf(true));
  await tap(280, 140); // Enter
  await page.waitForFunction(() => window.inkpin.lock().checking && window.inkpin.kdfBusy(), null,
                             { timeout: 10000 });
  check((await lockView()).failures === 1 && (await lockView()).digits === 0,
        "the attempt was not stored before the worker was asked: " + JSON.stringify(await lockView()));
  await draw([[[60, 60], [60, 100], [60, 140], [60, 180]]]);
  await nextFrame();
  await nextFrame();
  check(await inkpin(() => window.inkpin.lock().checking), "the check ended before the stroke was drawn");
  check(await h.regionHas(58, 100, 5, 40, COLOR.lockInkFaded) || await h.regionHas(58, 100, 5, 40, COLOR.lockInk),
        "a stroke drawn during the PIN check was not rendered by the app");
  await page.waitForTimeout(1000); // past the pen-up pause: still not entered
  const during = await lockView();
  check(during.checking && during.digits === 0 && during.failures === 1 && during.state === "LOCKED" && !during.door,
        "input reached the lock during the check: " + JSON.stringify(during));
  const busyText = await page.locator("#busy").textContent();
  check(/checking/i.test(busyText), "the page does not say the PIN is being checked: " + busyText);
  await until(() => h.regionHas(240, 48, 80, 12, COLOR.text), "\"checking\" on the status line");
  await shot("web_checking.png");
  await inkpin(() => window.inkpin.holdKdf(false));
  await page.waitForFunction(() => !window.inkpin.kdfBusy() && !window.inkpin.lock().checking &&
                             window.inkpin.lock().failures === 1, null, { timeout: 30000 });
  await page.waitForFunction(() => window.inkpin.lock().digits === 1, null, { timeout: 10000 });
  await tap(280, 220); // Clear: the stroke's digit is not part of the next PIN
  await page.waitForFunction(() => window.inkpin.lock().digits === 0, null, { timeout: 10000 });
  log("worker: the attempt counted before the hash; a stroke drawn during the check was rendered by the app " +
      "and entered after the answer");

  // A second tab on the same file, opened now: wrong PINs from either tab; the
  // failure counter and the wait never go down in either. Four free attempts,
  // then a 30 s wait shown as a countdown.
  const page2 = await page.context().newPage();
  await page2.goto(url + "?mode=lock");
  await page2.waitForSelector("body[data-ready='1']", { timeout: 30000 });
  const tab2 = lockOps(page2, await helpers(page2));
  await watchDoor(page2);
  const both = async () => {
    await page.bringToFront();
    await h.nextFrame();
    const a = await lockView();
    await page2.bringToFront();
    await page2.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    return [a, await tab2.lockView()];
  };
  for (let k = 2; k <= 5; k++) {
    const onTab2 = k === 3 || k === 5;
    await (onTab2 ? page2 : page).bringToFront();
    if (k === 2) {
      // A real (not held) check: the page keeps painting frames while the
      // worker hashes (with the KDF on the page's thread there would be none).
      await page.evaluate(() => {
        window.framesWhileChecking = 0;
        const count = () => {
          if (window.inkpin.kdfBusy()) window.framesWhileChecking++;
          requestAnimationFrame(count);
        };
        requestAnimationFrame(count);
      });
    }
    await (onTab2 ? tab2 : { enterPin }).enterPin(wrong);
    if (k === 2) {
      const frames = await page.evaluate(() => window.framesWhileChecking);
      check(frames >= 3, `only ${frames} frames were painted while the worker checked a PIN`);
      log(`worker: ${frames} frames painted while a PIN was checked`);
    }
    const views = await both();
    for (const v of views) {
      check(v.state === "LOCKED", "a wrong PIN opened the lock");
      check(v.failures === k, `after ${k} wrong PINs a tab counts ${v.failures}: ${JSON.stringify(views)}`);
      if (k < 5) check(v.waitMs === 0, `wait after ${k} failures`);
    }
  }
  const views = await both();
  for (const v of views) check(v.waitMs > 25000 && v.waitMs <= 30000, "no 30 s backoff in both tabs: " + JSON.stringify(views));
  check(await doorTurnedOn(page) === 0 && await doorTurnedOn(page2) === 0 && !await doorOpen(page2),
        "the door LED went on during the wrong PINs");
  await page2.close();
  await page.bringToFront();
  log("two tabs: wrong PINs from either tab counted 2..5 in both, the 30 s wait in both");
  const v = await lockView();
  check(v.waitMs > 25000 && v.waitMs <= 30000, "no 30 s backoff after 5 failures: " + JSON.stringify(v));
  await until(() => status(COLOR.wait), "the wait countdown in yellow");
  await shot("web_wait.png");
  // During the wait drawings are refused.
  await draw(A.strokes);
  await sleep(1200);
  check((await lockView()).digits === 0, "a digit was accepted during the backoff");
  log("backoff: waiting " + Math.ceil(v.waitMs / 1000) + " s");
  await page.waitForFunction(() => window.inkpin.lock().waitMs === 0, null, { timeout: 40000 });

  check(await doorTurnedOn(page) === 0, "the door LED went on during the backoff");
  await enterPin(pin);
  check((await lockView()).state === "UNLOCKED", "the right PIN did not unlock");
  check(await doorOpen(page), "the right PIN did not switch the door LED on");
  await shot("web_unlocked_again.png");
  const lines = (await inkpin(() => window.inkpin.log())).slice(logBefore);
  check(!lines.some((l) => /^[0-9?-] /.test(l) || /[0-9]{4}/.test(l)),
        "lock mode logged a digit line: " + JSON.stringify(lines));

  // The auto-relock, with the demo tab shown: the lock still counts, and
  // 10 s after the unlock the door LED goes off and the lock is LOCKED.
  await tap(260, 20); // DEMO tab
  check(await inkpin(() => window.inkpin.mode()) === 0, "DEMO tab did not switch modes");
  await page.waitForFunction(() => !document.getElementById("door").classList.contains("open"), null,
                             { timeout: 30000 });
  const onFor = await page.evaluate(() => performance.now() - window.doorTurnedOn[0]);
  check(!await doorOpen(page) && (await lockView()).state === "LOCKED" &&
        await inkpin(() => window.inkpin.mode()) === 0,
        "after the relock: " + JSON.stringify(await lockView()));
  await shot("web_relocked_demo.png");
  await tap(300, 20); // LOCK tab
  await until(() => status(COLOR.bad), "LOCKED in red after the relock");
  log(`relock: with the demo tab shown the door LED went off ${(onFor / 1000).toFixed(1)} s after it went on ` +
      "(10 s after the unlocking tick), LOCKED");

  // The record is in localStorage: a reload boots locked.
  await page.goto(url + "?mode=lock");
  await page.waitForSelector("body[data-ready='1']");
  check((await lockView()).state === "LOCKED", "after a reload the lock is " + (await lockView()).state);
  await shot("web_reload_locked.png");
  lockedRecord = await page.evaluate((k) => localStorage.getItem(k), STORE_KEY);
  check(!await doorOpen(page), "the door LED is on after a reload");
  log("lock flow: set, confirm, lock, 5 wrong PINs, 30 s backoff, unlock, relock, reload: OK");
}

// The storage glue fails closed. Only a missing record is a fresh lock; an
// unreadable, damaged or short one is recovery. A write that throws sends the
// lock to recovery ("storage failing") without comparing the attempt; the
// page says storage is unavailable and how to recover (a reload).
async function storageFaults(ctx) {
  check(lockedRecord, "no locked record from the lock flow");
  const url = "file://" + path.resolve(testPagePath) + "?mode=lock";
  const page = ctx.pages()[0] || await ctx.newPage();
  const boot = async (text) => {
    await page.goto(url);
    await page.evaluate(([k, t]) => t === null ? localStorage.removeItem(k) : localStorage.setItem(k, t),
                        [STORE_KEY, text]);
    await page.reload();
    await page.waitForSelector("body[data-ready='1']", { timeout: 30000 });
    return page.evaluate(() => window.inkpin.lock().state);
  };
  check(await boot(null) === "NO_PIN", "no record: not a fresh lock");
  const region = Buffer.from(lockedRecord, "base64");
  const faults = {
    "not base64": "%%%not-base64%%%",
    "one byte short": region.subarray(0, region.length - 1).toString("base64"),
    "empty": "",
    "all zero": Buffer.alloc(region.length).toString("base64"),
    "one byte long": Buffer.concat([region, Buffer.from([0xFF])]).toString("base64"),
  };
  for (const [name, text] of Object.entries(faults)) {
    const state = await boot(text);
    check(state === "RECOVERY", `stored record ${name}: the lock boots ${state}, not RECOVERY`);
    if (name !== "all zero") {
      check(/damaged/.test(await page.locator("#error").textContent()), `stored record ${name}: no message`);
    }
  }
  check(await boot(lockedRecord) === "LOCKED", "the intact record does not boot LOCKED");

  // getItem throws (storage disabled): recovery, not "no PIN".
  const blocked = await ctx.newPage();
  await blocked.addInitScript(() => {
    Storage.prototype.getItem = function () { throw new DOMException("denied", "SecurityError"); };
  });
  await blocked.goto(url);
  await blocked.waitForSelector("body[data-ready='1']", { timeout: 30000 });
  const bs = await blocked.evaluate(() => window.inkpin.lock().state);
  check(bs === "RECOVERY", "unreadable storage boots " + bs);
  check(/Storage is unavailable/.test(await blocked.locator("#error").textContent()), "unreadable storage: no message");
  await blocked.close();

  // setItem throws: the right PIN is not compared; the lock fails closed into
  // recovery ("storage failing"), the counter and the record stay, the door
  // stays shut, and the page says storage is unavailable and to reload.
  check(await boot(lockedRecord) === "LOCKED", "locked record");
  const h = await helpers(page);
  const { lockView, enterPin } = lockOps(page, h);
  await watchDoor(page);
  await page.evaluate(() => {
    Storage.prototype.setItem = function () { throw new DOMException("full", "QuotaExceededError"); };
  });
  await enterPin(pin);
  const v = await lockView();
  check(v.state === "RECOVERY" && v.storageFailed,
        "with storage failing the right PIN gave " + JSON.stringify(v) + ", not RECOVERY (storage failing)");
  check(v.failures === 0 && v.waitMs === 0, "a refused write changed the counter or the wait: " + JSON.stringify(v));
  check(await doorTurnedOn(page) === 0 && !await doorOpen(page), "the door LED went on although the write failed");
  const message = await page.locator("#error").textContent();
  check(/Storage is unavailable \(it could not be written\)/.test(message) && /not checked/.test(message) &&
        /reload/.test(message), "setItem throws: the page does not say what happened and what helps: " + message);
  await until(() => h.regionHas(240, 48, 80, 12, COLOR.bad), "RECOVERY in red");
  check(await page.evaluate((k) => localStorage.getItem(k), STORE_KEY) === lockedRecord,
        "the stored record changed although setItem throws");
  await page.screenshot({ path: path.join(outDir, "web_storage_unavailable.png") });
  // Storage back, after a reload: LOCKED with the same counter, the same PIN opens.
  await page.reload();
  await page.waitForSelector("body[data-ready='1']", { timeout: 30000 });
  const back = await lockView();
  check(back.state === "LOCKED" && back.failures === 0, "after a refused write a reload gives " + JSON.stringify(back));
  check(await page.locator("#error").textContent() === "", "the storage message stays after storage came back");
  await enterPin(pin);
  check((await lockView()).state === "UNLOCKED", "after storage came back the right PIN did not unlock");
  check(await doorOpen(page), "after storage came back the right PIN did not switch the door LED on");
  log("storage faults: missing = fresh; not base64, short, empty, zero, long, unreadable = RECOVERY; " +
      "setItem throws = RECOVERY (storage failing), nothing compared, door shut, page says so; " +
      "a reload with storage back opens");

  // Another tab's newer record lands between this tab's re-read and the save
  // of the attempt: the save is refused (never written over the newer record),
  // no hash is asked for, and the tab reloads from that record (its counter,
  // not recovery, not an open lock).
  const recordAfter = async (failures) => {
    await enterPin(wrong);
    check((await lockView()).failures === failures, "wrong PIN not counted: " + JSON.stringify(await lockView()));
    return page.evaluate((k) => localStorage.getItem(k), STORE_KEY);
  };
  check(await boot(lockedRecord) === "LOCKED", "locked record");
  const rec1 = await recordAfter(1), rec2 = await recordAfter(2);
  await recordAfter(3);
  const rec4 = await recordAfter(4);
  check(await boot(rec1) === "LOCKED" && (await lockView()).failures === 1, "record after one failure");
  await watchDoor(page);
  for (const g of pin) await lockOps(page, h).enterDigit(g);
  // The other tab writes inside the save's own re-read (storeSave).
  await page.evaluate(([k, newer]) => {
    const get = Storage.prototype.getItem, set = Storage.prototype.setItem;
    Storage.prototype.getItem = function (key) {
      if (key === k && /storeSave/.test(new Error().stack)) {
        set.call(this, k, newer);
        Storage.prototype.getItem = get;
      }
      return get.call(this, key);
    };
  }, [STORE_KEY, rec2]);
  await h.tap(280, 140); // Enter
  await page.waitForFunction(() => window.inkpin.lock().failures === 2, null, { timeout: 30000 });
  await h.nextFrame();
  const raced = await lockView();
  check(raced.state === "LOCKED" && raced.failures === 2 && !raced.storageFailed && !raced.checking,
        "a save refused for another tab's newer record gave " + JSON.stringify(raced) + ", not that record (LOCKED, 2)");
  check(!await page.evaluate(() => window.inkpin.kdfBusy()), "a hash was asked for although the save was refused");
  check(await page.evaluate((k) => localStorage.getItem(k), STORE_KEY) === rec2,
        "the tab wrote over another tab's newer record");
  check(await doorTurnedOn(page) === 0, "the door LED went on although the attempt was refused");
  check(await page.locator("#error").textContent() === "", "a refused save for another tab's record shows a storage error");
  check(/another tab/.test(await page.locator("#log").textContent()), "the page does not say it reloaded");
  log("two tabs, a save racing another tab's write: refused, not hashed, reloaded to that tab's counter (2)");

  // Another tab writes while this tab's check is running (the right PIN): the
  // tab reloads from that record, and the worker's answer, which would open,
  // is dropped: the check belonged to the app that was replaced.
  for (const g of pin) await lockOps(page, h).enterDigit(g);
  await page.evaluate(() => window.inkpin.holdKdf(true));
  await h.tap(280, 140); // Enter
  await page.waitForFunction(() => window.inkpin.lock().checking && window.inkpin.kdfBusy(), null,
                             { timeout: 10000 });
  check((await lockView()).failures === 3, "the attempt was not stored first: " + JSON.stringify(await lockView()));
  await page.evaluate(([k, newer]) => localStorage.setItem(k, newer), [STORE_KEY, rec4]);
  await page.waitForFunction(() => !window.inkpin.lock().checking, null, { timeout: 10000 });
  await page.evaluate(() => window.inkpin.holdKdf(false));
  await page.waitForFunction(() => !window.inkpin.kdfBusy(), null, { timeout: 30000 });
  await h.nextFrame();
  await h.nextFrame();
  const dropped = await lockView();
  check(dropped.state === "LOCKED" && dropped.failures === 4 && !dropped.door,
        "an answer for the replaced app changed the lock: " + JSON.stringify(dropped));
  check(await doorTurnedOn(page) === 0, "the door LED went on with an answer for the replaced app");
  log("two tabs, a write during a check: reloaded, the right PIN's late answer dropped, door shut");
}

main().then(() => log("PASS"), (e) => fail(e && e.stack || String(e)));
