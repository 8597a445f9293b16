// glue_test.js - the web port's HAL glue (ports/web/web.c) under node, without a
// browser: the asynchronous KDF hand-off (js_kdf_start -> worker ->
// web_kdf_done), and the storage that fails closed.
//   node ports/web/glue_test.js inkpin-test.wasm
// The module is the test page's (ports/web/test_model.c: a vertical bar reads
// 1, a horizontal bar 2). The page's steps are replayed here: tick; when the
// lock asked (js_kdf_start), hash the request with the page's Argon2id
// (hash-wasm, host parameters from host/platform/kdf.h) and answer through
// web_kdf_done. Checks:
//   - storage: never written = NO_PIN; unreadable or all-zero region = RECOVERY;
//   - the KDF is asked for once per checked entry and never by an idle app;
//     while the answer is out the lock is "checking": the attempt is already
//     counted, input is not entered, the door stays off;
//   - a wrong answer, a failed worker or no answer never opens the lock; an
//     answer that arrives after a reload is ignored;
//   - a sync the page refuses (setItem threw, another tab wrote): the lock
//     fails closed into recovery ("storage failing") without comparing: the
//     right and a wrong PIN end in the same view, the counter and the wait
//     stay, the stored record is unchanged, nothing opens; in recovery no
//     entry is hashed or saved even with storage back; a reload boots LOCKED
//     with the same counter and the right PIN opens;
//   - the right answer opens, and the new PIN's salt is the one the request
//     carried (the PIN verifies after a reload of the region);
//   - the door output (js_door): off first at every boot, on only with the
//     right PIN, off again exactly 10 s later (auto-relock, also with the demo
//     tab shown) or at Lock, never on after a wrong PIN or a refused write.
// Exit 0 pass, 1 fail.
"use strict";
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");

const root = path.resolve(__dirname, "..", "..");
const { argon2id } = require(path.join(root, "node_modules/hash-wasm/dist/argon2.umd.min.js"));
const wasmPath = process.argv[2];
if (!wasmPath) {
  console.error("usage: node glue_test.js inkpin-test.wasm");
  process.exit(2);
}

function hostKdfParam(name) {
  const h = fs.readFileSync(path.join(root, "host/platform/kdf.h"), "utf8");
  const m = h.match(new RegExp("#define " + name + " +\\(?\\(?(?:size_t\\)\\s*)?(\\d+)(?:ULL)?\\)?(?:\\s*<<\\s*(\\d+))?"));
  if (!m) throw new Error("host/platform/kdf.h: cannot find " + name);
  return m[2] ? Number(m[1]) * 2 ** Number(m[2]) : Number(m[1]);
}
const ITERATIONS = hostKdfParam("KDF_HOST_OPSLIMIT");
const MEMORY_KIB = hostKdfParam("KDF_HOST_MEMLIMIT") / 1024;
const NEVER_WRITTEN = 0, READ = 1, UNREADABLE = 2;
const STATES = ["RECOVERY", "NO_PIN", "ENROLL", "CONFIRM", "LOCKED", "UNLOCKED", "VERIFY"];

function check(cond, msg) {
  if (!cond) {
    console.error("glue_test: FAIL: " + msg);
    process.exit(1);
  }
}

async function load() {
  let ex = null;
  const page = { saveResult: 0, saves: 0, stored: null, door: [] };
  let t = 1000;
  const env = {
    js_random: (ptr, n) => { crypto.randomFillSync(new Uint8Array(ex.memory.buffer, ptr, n)); return 0; },
    js_log: () => {},
    js_store_save: (ptr, n) => {
      page.saves++;
      if (page.saveResult !== 0) return page.saveResult;
      page.stored = new Uint8Array(ex.memory.buffer, ptr, n).slice();
      return 0;
    },
    js_door: (open) => { page.door.push({ open: open, t: t }); },
    js_kdf_start: (pinPtr, pinLen, saltPtr) => {
      const m = new Uint8Array(ex.memory.buffer);
      kdfRequests.push(Buffer.from(m.slice(pinPtr, pinPtr + pinLen)).toString());
      request = { pin: m.slice(pinPtr, pinPtr + pinLen), salt: m.slice(saltPtr, saltPtr + 16) };
      return 0;
    },
  };
  const kdfRequests = [];
  let request = null; // the request js_kdf_start copied, not answered yet
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), { env });
  ex = instance.exports;
  const region = () => new Uint8Array(ex.memory.buffer, ex.web_store(), ex.web_store_bytes());
  const view = () => ({ state: STATES[ex.web_lock_state()], digits: ex.web_lock_digits(),
                        failures: ex.web_lock_failures(), waitMs: ex.web_lock_wait_ms(),
                        storageFailed: ex.web_lock_storage_failed(), door: ex.web_door_open() });
  // answer(pin, salt) -> {ok, hash} decides what the "worker" hands back.
  let answer = async (pin, salt) => ({
    ok: 1,
    hash: await argon2id({ password: pin, salt: salt, parallelism: 1, iterations: ITERATIONS,
                           memorySize: MEMORY_KIB, hashLength: 32, outputType: "binary" }),
  });
  const opts = { answer: true };
  // The worker's answer to the open request, through web_kdf_done.
  async function deliver() {
    const r = request;
    request = null;
    const a = await answer(r.pin, r.salt);
    if (a.hash) new Uint8Array(ex.memory.buffer).set(a.hash, ex.web_kdf_hash_in());
    return ex.web_kdf_done(a.ok, t);
  }
  // One frame of the page: a tick; an open request is answered after it
  // (unless opts.answer is off: the worker never answers).
  async function frame(dt = 20) {
    t += dt;
    ex.web_tick(t);
    if (request && opts.answer) {
      check(ex.web_lock_checking() === 1, "a request without the lock checking");
      await deliver();
    }
  }
  const pointer = (down, x, y) => ex.web_pointer(down, x, y, t);
  async function tap(x, y) {
    pointer(1, x, y); await frame(); pointer(0, x, y); await frame();
  }
  const BAR = { 1: [[120, 40], [121, 80], [120, 120], [119, 160], [120, 200]],
                2: [[40, 120], [80, 121], [120, 120], [160, 119], [200, 120]] };
  async function digit(d) {
    for (const [x, y] of BAR[d]) pointer(1, x, y);
    pointer(0, 0, 0);
    await frame();
    await frame(800); // the pen-up pause: the digit is taken
  }
  async function enterPin(digits) {
    for (const d of digits) await digit(d);
    await tap(280, 140); // Enter: "checking" is painted, the KDF runs on the next frames
    for (let i = 0; i < 3; i++) await frame();
  }
  // A boot switches the door off before anything else, and never on.
  function boot(state, bytes) {
    if (bytes) region().set(bytes); else region().fill(0xFF);
    page.door.length = 0;
    const rc = ex.web_init(1, state, t);
    check(page.door.length >= 1 && page.door[0].open === 0 && !page.door.some((d) => d.open),
          "a boot did not switch the door off first: " + JSON.stringify(page.door));
    return rc;
  }
  return { ex, page, region, view, frame, tap, digit, enterPin, boot, kdfRequests, opts, deliver,
           hasRequest: () => request !== null, dropRequest: () => { request = null; },
           now: () => t, setAnswer: (f) => { answer = f; } };
}

async function main() {
  const g = await load();
  const { view, boot, enterPin, page, region, kdfRequests } = g;

  // ---- storage states at boot ---------------------------------------------------------
  boot(NEVER_WRITTEN);
  check(view().state === "NO_PIN", "never written: " + JSON.stringify(view()));
  boot(UNREADABLE);
  check(view().state === "RECOVERY", "unreadable storage boots " + view().state);
  boot(READ, new Uint8Array(region().length));
  check(view().state === "RECOVERY", "an all-zero region boots " + view().state);
  console.log("glue_test: never written = NO_PIN, unreadable or all-zero = RECOVERY");

  // ---- set a PIN through the worker hand-off -----------------------------------------
  boot(NEVER_WRITTEN);
  await enterPin([1, 2, 1, 2]);
  check(view().state === "CONFIRM", "first entry: " + JSON.stringify(view()));
  check(kdfRequests.length === 0, "the KDF was asked for before the confirmation");
  await enterPin([1, 2, 1, 2]);
  check(view().state === "UNLOCKED", "PIN not set: " + JSON.stringify(view()));
  check(kdfRequests.length === 1 && kdfRequests[0] === "1212", "KDF requests: " + kdfRequests);
  const record = page.stored.slice();
  // A thousand idle ticks ask for nothing.
  for (let i = 0; i < 1000; i++) await g.frame(5);
  check(kdfRequests.length === 1, "an idle tick asked for the KDF");
  // The salt stored is the request's: after a reload the PIN verifies.
  boot(READ, record);
  check(view().state === "LOCKED", "the saved record does not boot LOCKED: " + JSON.stringify(view()));
  await enterPin([1, 2, 1, 2]);
  check(view().state === "UNLOCKED", "the PIN set through the worker does not verify: " + JSON.stringify(view()));
  console.log("glue_test: PIN set and verified through js_kdf_start + web_kdf_done");

  // ---- while the answer is out ----------------------------------------------------------
  boot(READ, record);
  g.opts.answer = false;
  const savesBefore = page.saves;
  await enterPin([1, 2, 1, 2]);
  check(g.hasRequest() && view().state === "LOCKED" && g.ex.web_lock_checking() === 1,
        "no check running after Enter: " + JSON.stringify(view()));
  check(view().failures === 1 && page.saves > savesBefore,
        "the attempt was not stored as a failure before the request: " + JSON.stringify(view()));
  await g.digit(1); // drawn during the check: not entered
  await g.tap(280, 140); // Enter: no second request
  for (let i = 0; i < 50; i++) await g.frame(100);
  check(view().digits === 0 && kdfRequests.length === 3 && view().door === 0,
        "input reached the lock while checking: " + JSON.stringify(view()) + " " + kdfRequests);
  g.opts.answer = true;
  const LOCK_RESULT_IGNORED = 7, LOCK_RESULT_UNLOCKED = 13; // inkpin/lock.h
  check(await g.deliver() === LOCK_RESULT_UNLOCKED,
        "the right answer after a long check did not open: " + JSON.stringify(view()));
  check(view().state === "UNLOCKED" && view().failures === 0 && view().door === 1,
        "after the answer: " + JSON.stringify(view()));
  console.log("glue_test: while checking the attempt is counted, input waits, the door stays off; the answer opens");

  // ---- answers that must never open ---------------------------------------------------
  const cases = {
    "the hash of another PIN": async (pin, salt) => ({ ok: 1,
      hash: await argon2id({ password: "2121", salt: salt, parallelism: 1, iterations: ITERATIONS,
                             memorySize: MEMORY_KIB, hashLength: 32, outputType: "binary" }) }),
    "a failed worker": async () => ({ ok: 0 }),
    "all-zero bytes": async () => ({ ok: 1, hash: new Uint8Array(32) }),
  };
  let failures = 0;
  for (const [name, f] of Object.entries(cases)) {
    boot(READ, page.stored);
    g.setAnswer(f);
    await enterPin([1, 2, 1, 2]);
    failures++;
    const v = view();
    check(v.state === "LOCKED", `${name} opened the lock: ${JSON.stringify(v)}`);
    check(v.failures === failures, `${name}: failures ${v.failures}, expected ${failures}`);
  }
  // No answer at all, then a reload ("power cycle"): the failure stays, and the
  // answer that arrives after the reload is ignored.
  boot(READ, page.stored);
  g.opts.answer = false;
  await enterPin([1, 2, 1, 2]);
  check(g.hasRequest(), "no request for the unanswered check");
  boot(READ, page.stored);
  g.opts.answer = true;
  failures++;
  check(view().state === "LOCKED" && view().failures === failures,
        "a check without an answer, then a reload: " + JSON.stringify(view()));
  const late = await g.deliver();
  check(late === 7 /* LOCK_RESULT_IGNORED */, "an answer after the reload was not ignored: " + late);
  check(view().state === "LOCKED" && view().door === 0 && view().failures === failures,
        `an answer after the reload (result ${late}) changed the lock: ` + JSON.stringify(view()));
  console.log("glue_test: another PIN's hash, a failed worker, zero bytes, no answer: never open, each counted; " +
              "a late answer after a reload is ignored");

  // ---- a sync the page refuses --------------------------------------------------------
  // The lock saves the failure an attempt would be before comparing; when that
  // write does not take it compares nothing and fails closed into recovery
  // ("storage failing"). The stored record keeps the last counter written.
  const rightAnswer = async (pin, salt) => ({ ok: 1,
    hash: await argon2id({ password: pin, salt: salt, parallelism: 1, iterations: ITERATIONS,
                           memorySize: MEMORY_KIB, hashLength: 32, outputType: "binary" }) });
  g.setAnswer(rightAnswer);
  const storedBefore = page.stored.slice();
  const refused = {};
  for (const [name, pin] of [["right", [1, 2, 1, 2]], ["wrong", [2, 1, 2, 1]]]) {
    boot(READ, storedBefore);
    const before = view();
    check(before.state === "LOCKED" && before.failures === failures, "before the refused write: " + JSON.stringify(before));
    page.saveResult = 1;
    await enterPin(pin);
    const v = view();
    refused[name] = v;
    check(v.state === "RECOVERY" && v.storageFailed === 1,
          `with storage refusing writes the ${name} PIN gave ${JSON.stringify(v)}, not RECOVERY (storage failing)`);
    check(v.failures === before.failures && v.waitMs === before.waitMs,
          `a refused write changed the counter or the wait: ${JSON.stringify(before)} -> ${JSON.stringify(v)}`);
    check(!page.door.some((d) => d.open), `the ${name} PIN with a refused write switched the door on`);
    check(Buffer.from(page.stored).equals(Buffer.from(storedBefore)), "a refused write changed the stored record");
    // Recovery holds even once storage works again: no entry is hashed or saved.
    page.saveResult = 0;
    const saves = page.saves, requests = kdfRequests.length;
    await enterPin([1, 2, 1, 2]);
    check(view().state === "RECOVERY", "recovery ended without a reload: " + JSON.stringify(view()));
    check(page.saves === saves && kdfRequests.length === requests,
          `in recovery the page saved ${page.saves - saves} and hashed ${kdfRequests.length - requests} times`);
    check(!page.door.some((d) => d.open), "the door went on in recovery");
  }
  check(JSON.stringify(refused.right) === JSON.stringify(refused.wrong),
        "a refused write tells the right PIN from a wrong one: " + JSON.stringify(refused));
  // The reload ("power cycle"): the record that was written, the same counter.
  boot(READ, page.stored);
  check(view().state === "LOCKED" && view().failures === failures,
        "after a refused write a reload gives " + JSON.stringify(view()) + ", expected LOCKED with " + failures);
  await enterPin([1, 2, 1, 2]);
  check(view().state === "UNLOCKED", "after storage came back the right PIN did not open: " + JSON.stringify(view()));
  console.log("glue_test: a refused sync: recovery (storage failing) for the right and a wrong PIN alike, " +
              "nothing compared, counter and record unchanged; after a reload the right PIN opens");

  // ---- the door output and the auto-relock ---------------------------------------------
  const RELOCK_MS = 10000;
  const doorOn = () => page.door.filter((d) => d.open === 1);
  // Steps the clock in 100 ms frames until the door goes off; returns how long it was on.
  async function relockAfter(what) {
    const on = doorOn();
    check(on.length === 1 && view().door === 1 && view().state === "UNLOCKED",
          `${what}: the door is not on once while UNLOCKED: ${JSON.stringify(page.door)} ${JSON.stringify(view())}`);
    while (g.now() < on[0].t + RELOCK_MS - 100) {
      await g.frame(100);
      check(view().state === "UNLOCKED" && view().door === 1, `${what}: relocked early, at ${g.now() - on[0].t} ms`);
    }
    for (let i = 0; i < 5 && view().door === 1; i++) await g.frame(100);
    const off = page.door[page.door.length - 1];
    check(off.open === 0 && view().state === "LOCKED" && view().door === 0,
          `${what}: no relock 10 s after the unlock: ${JSON.stringify(page.door)} ${JSON.stringify(view())}`);
    check(off.t - on[0].t >= RELOCK_MS && off.t - on[0].t <= RELOCK_MS + 100,
          `${what}: the door was on ${off.t - on[0].t} ms, not 10 s`);
    return off.t - on[0].t;
  }
  boot(READ, page.stored);
  await enterPin([2, 1, 2, 1]);
  check(view().state === "LOCKED" && doorOn().length === 0, "a wrong PIN switched the door on: " + JSON.stringify(page.door));
  await enterPin([1, 2, 1, 2]);
  const onFor = await relockAfter("lock tab");
  page.door.length = 0;
  await enterPin([1, 2, 1, 2]);
  g.ex.web_set_mode(0); // the demo tab: the lock still counts and relocks
  await relockAfter("demo tab");
  check(g.ex.web_mode() === 0, "the relock switched the tab");
  g.ex.web_set_mode(1);
  page.door.length = 0;
  await enterPin([1, 2, 1, 2]);
  check(view().door === 1, "the right PIN did not switch the door on");
  await g.tap(280, 140); // Lock
  check(view().state === "LOCKED" && view().door === 0 && page.door[page.door.length - 1].open === 0,
        "Lock did not switch the door off: " + JSON.stringify(page.door));
  console.log(`glue_test: door off at every boot, never on after a wrong PIN, on after the right one, ` +
              `off ${onFor} ms later (relock; also on the demo tab) or at Lock`);
  console.log("glue_test: PASS");
}

main().catch((e) => { console.error("glue_test: FAIL: " + (e && e.stack || e)); process.exit(1); });
