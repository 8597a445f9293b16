/* web.c - the inkpin app compiled to WebAssembly (ports/web).
 *
 * Built by ports/web/build.sh with clang --target=wasm32 -nostdlib
 * -ffreestanding together with the library in src/ (default model included): no libc, no
 * emscripten. The page (shell.html) owns the canvas, the pointer events,
 * localStorage and a Web Worker for the KDF; this file binds them to the HAL:
 *
 *   display  the app draws into fb[320*240] (RGB565) here; the page copies it
 *            to the canvas when web_frame_dirty() says so.
 *   touch    the page calls web_pointer(down, x, y, now) for every pointer
 *            sample (app_pointer), then web_tick(now) each animation frame.
 *   time     the page passes performance.now() with every call (web_clock).
 *   storage  a 2 x 256-byte region in this module's memory behind the library's
 *            RAM back-end (store_ram: NOR semantics, like the device's flash).
 *            The page fills it before web_init() and says how it read
 *            (web_init's storage_state: never written, read, or unreadable);
 *            unreadable storage sits behind a store_fault that fails every
 *            access, so the lock boots in recovery instead of "no PIN" and the
 *            stored item is never overwritten. Every sync goes through
 *            js_store_save, which returns non-zero when the page could not
 *            write it (or another tab wrote first): the sync fails, the lock
 *            compares nothing and goes to recovery ("storage failing"); the
 *            stored item keeps the last record that was written.
 *   door     hal.door -> js_door(on): the page's door LED, on while UNLOCKED.
 *   KDF      Argon2id must not block the page, so the HAL leaves kdf NULL and
 *            sets kdf_start (inkpin/hal.h): on Enter the lock stores the
 *            attempt as a failure, then kdf_start hands the PIN and salt to
 *            js_kdf_start, which copies them and posts them to the page's
 *            worker. The app shows "checking" and keeps drawing strokes; the
 *            lock takes no event. The page writes the worker's hash to
 *            web_kdf_hash_in() and calls web_kdf_done(1, now) (or (0, now)
 *            when the worker failed): app_kdf_done compares in constant time
 *            and finishes the attempt. No answer, a wrong one or an error
 *            never opens the lock.
 *   random   js_random(): crypto.getRandomValues.
 *   log      js_log(): console.log, and the page's log panel.
 */
#include <stddef.h>
#include <stdint.h>

#include "inkpin/app.h"
#include "inkpin/util.h"
#include "inkpin/net.h"
#include "inkpin/store_bd.h"

#define WASM_EXPORT(name) __attribute__((export_name(#name))) name
#define WASM_IMPORT(name) __attribute__((import_module("env"), import_name(#name))) name

int WASM_IMPORT(js_random)(uint8_t *buf, size_t n);
void WASM_IMPORT(js_log)(const char *line, size_t len);
int WASM_IMPORT(js_store_save)(const uint8_t *region, size_t len);
void WASM_IMPORT(js_door)(int open);
int WASM_IMPORT(js_kdf_start)(const char *pin, size_t pin_len, const uint8_t *salt);

/* ---- the libc the core needs (string.h), since we link no libc ------------------ */

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        d += n;
        s += n;
        while (n--)
            *--d = *--s;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (; n--; p++, q++) {
        if (*p != *q)
            return *p < *q ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (size_t)(p - s);
}

/* ---- HAL --------------------------------------------------------------------------- */

#define STORE_BLOCK 256u
#define STORE_BLOCKS 2u

/* web_init's storage_state: how the page read the stored region. */
enum { STORAGE_NEVER_WRITTEN = 0, STORAGE_READ = 1, STORAGE_UNREADABLE = 2 };

static uint16_t fb[HAL_SCREEN_W * HAL_SCREEN_H];
static int fb_dirty;
static uint8_t region[STORE_BLOCK * STORE_BLOCKS];
static int storage_readable;
static store_ram region_ram;
static store_fault region_unusable; /* unreadable storage: every access fails */
static uint32_t clock_ms;
static hal H;
static app A;

/* The page writes the worker's hash here, then calls web_kdf_done(). */
static uint8_t answer_in[HAL_KDF_HASH_BYTES];

static void w_fill(void *ctx, int x, int y, int w, int h, uint16_t c)
{
    (void)ctx;
    app_fb_fill_rect(fb, x, y, w, h, c);
    fb_dirty = 1;
}

static void w_bitmap1(void *ctx, int x, int y, int w, int h, const uint8_t *bits, int scale,
                      uint16_t fg, uint16_t bg)
{
    (void)ctx;
    app_fb_draw_bitmap1(fb, x, y, w, h, bits, scale, fg, bg);
    fb_dirty = 1;
}

static void w_bitmap8(void *ctx, int x, int y, int w, int h, const uint8_t *g, int scale)
{
    (void)ctx;
    app_fb_draw_bitmap8(fb, x, y, w, h, g, scale);
    fb_dirty = 1;
}

static void w_text(void *ctx, int x, int y, const char *s, int size, uint16_t fg, uint16_t bg)
{
    (void)ctx;
    app_text_via_bitmap1(&H, x, y, s, size, fg, bg);
}

static uint32_t w_now(void *ctx)
{
    (void)ctx;
    return clock_ms;
}

/* The page writes the region to localStorage; non-zero when it could not. */
static int w_sync(void *ctx)
{
    (void)ctx;
    return js_store_save(region, sizeof region) == 0 ? 0 : -1;
}

static void w_door(void *ctx, bool open)
{
    (void)ctx;
    js_door(open ? 1 : 0);
}

/* Region behind store_ram, its sync replaced by `sync`; behind a store_fault
 * that fails every access when the page could not read the stored item. */
static void init_storage(hal_storage *io, store_ram *ram, store_fault *unusable, uint8_t *mem,
                         int (*sync)(void *ctx))
{
    hal_storage ram_io;
    store_ram_init(&ram_io, ram, mem, STORE_BLOCK, STORE_BLOCKS, 1);
    ram_io.sync = sync;
    if (storage_readable) {
        *io = ram_io;
        return;
    }
    store_fault_init(io, unusable, &ram_io);
    unusable->fail = STORE_FAULT_READ | STORE_FAULT_PROG | STORE_FAULT_ERASE | STORE_FAULT_SYNC;
}

/* Hands the request to the page's worker (js_kdf_start copies both). */
static int w_kdf_start(void *ctx, const char *pin, size_t pin_len,
                       const uint8_t salt[HAL_KDF_SALT_BYTES])
{
    (void)ctx;
    return js_kdf_start(pin, pin_len, salt) == 0 ? 0 : -1;
}

static int w_random(void *ctx, uint8_t *buf, size_t n)
{
    (void)ctx;
    return js_random(buf, n) == 0 ? 0 : -1;
}

static void w_log(void *ctx, const char *line)
{
    (void)ctx;
    js_log(line, strlen(line));
}

/* ---- exports to the page ----------------------------------------------------------------- */

/* The storage region: the page fills it from localStorage (or 0xFF) before web_init. */
uint8_t *WASM_EXPORT(web_store)(void)
{
    return region;
}

uint32_t WASM_EXPORT(web_store_bytes)(void)
{
    return sizeof region;
}

/* storage_state: STORAGE_NEVER_WRITTEN (region all 0xFF), STORAGE_READ, or
 * STORAGE_UNREADABLE (every storage call fails: the lock boots in recovery).
 * May be called again to reload the region another tab wrote. */
int WASM_EXPORT(web_init)(int lock_mode, int storage_state, uint32_t now)
{
    app_config cfg;
    clock_ms = now;
    util_wipe(answer_in, sizeof answer_in);
    storage_readable = storage_state != STORAGE_UNREADABLE;
    if (storage_state == STORAGE_UNREADABLE)
        memset(region, 0, sizeof region);
    H.ctx = NULL;
    H.fill_rect = w_fill;
    H.draw_bitmap1 = w_bitmap1;
    H.draw_bitmap8 = w_bitmap8;
    H.draw_text = w_text;
    H.touch = NULL; /* events come through web_pointer */
    H.now_ms = w_now;
    init_storage(&H.storage, &region_ram, &region_unusable, region, w_sync);
    H.kdf = NULL; /* asynchronous: kdf_start, answered through web_kdf_done */
    H.kdf_start = w_kdf_start;
    H.random = w_random;
    H.log = w_log;
    H.door = w_door;
    app_config_default(&cfg);
    cfg.start_mode = lock_mode ? APP_MODE_LOCK : APP_MODE_DEMO;
    cfg.model = net_default_model();
    return (int)app_init(&A, &H, &cfg);
}

void WASM_EXPORT(web_pointer)(int down, int x, int y, uint32_t now)
{
    clock_ms = now;
    app_pointer(&A, down != 0, x, y);
}

uint8_t *WASM_EXPORT(web_kdf_hash_in)(void)
{
    return answer_in;
}

/* The worker's answer to the last js_kdf_start: ok != 0 and the hash in
 * web_kdf_hash_in(), or ok == 0 (the worker failed). Returns the lock_result
 * (LOCK_RESULT_IGNORED when no check is running, e.g. after a reload). */
int WASM_EXPORT(web_kdf_done)(int ok, uint32_t now)
{
    lock_result r;
    clock_ms = now;
    r = app_kdf_done(&A, ok ? answer_in : NULL, ok ? 0 : -1);
    util_wipe(answer_in, sizeof answer_in);
    return (int)r;
}

void WASM_EXPORT(web_tick)(uint32_t now)
{
    clock_ms = now;
    app_tick(&A);
}

uint16_t *WASM_EXPORT(web_fb)(void)
{
    return fb;
}

/* 1 if the frame buffer changed since the last call. */
int WASM_EXPORT(web_frame_dirty)(void)
{
    int d = fb_dirty;
    fb_dirty = 0;
    return d;
}

void WASM_EXPORT(web_set_mode)(int lock_mode)
{
    app_set_mode(&A, lock_mode ? APP_MODE_LOCK : APP_MODE_DEMO);
}

int WASM_EXPORT(web_mode)(void)
{
    return (int)app_get_mode(&A);
}

/* Demo mode, for the page's JavaScript: the verdict on screen as one int, the
 * digit (0..9) when accepted, -1 none shown, -2 no digit, -3 error, -4 draw
 * again (inkpin/verdict.h owns the decision; this is only its encoding). */
int WASM_EXPORT(web_digit)(void)
{
    verdict v;
    if (!app_demo_verdict(&A, &v)) {
        return -1;
    }
    switch (v.kind) {
    case VERDICT_DIGIT: return v.digit;
    case VERDICT_NO_DIGIT: return -2;
    case VERDICT_DRAW_AGAIN: return -4;
    default: return -3;
    }
}

/* The shown verdict's confidence in 1/1000, rounded; 0 when none. */
int WASM_EXPORT(web_confidence_permille)(void)
{
    verdict v;
    if (!app_demo_verdict(&A, &v)) {
        return 0;
    }
    return (int)verdict_permille(&v);
}

/* The ink for "export drawing": n entries of x (INK_PEN_LIFT between strokes) and y. */
int WASM_EXPORT(web_ink_count)(void)
{
    return app_get_ink(&A)->n;
}

const uint8_t *WASM_EXPORT(web_ink_x)(void)
{
    return app_get_ink(&A)->x;
}

const uint8_t *WASM_EXPORT(web_ink_y)(void)
{
    return app_get_ink(&A)->y;
}

int WASM_EXPORT(web_has_model)(void)
{
    return net_default_model() != NULL;
}

/* Lock mode, for the page's tests: the state (lock_state), dots, remaining wait. */
int WASM_EXPORT(web_lock_state)(void)
{
    lock_view v;
    lock_get_view(app_get_lock(&A), &v);
    return (int)v.state;
}

int WASM_EXPORT(web_lock_digits)(void)
{
    lock_view v;
    lock_get_view(app_get_lock(&A), &v);
    return v.digits;
}

uint32_t WASM_EXPORT(web_lock_wait_ms)(void)
{
    lock_view v;
    lock_get_view(app_get_lock(&A), &v);
    return v.wait_ms;
}

uint32_t WASM_EXPORT(web_lock_failures)(void)
{
    lock_view v;
    lock_get_view(app_get_lock(&A), &v);
    return v.failed_attempts;
}

/* 1 when the lock went to recovery because a write did not take (storage failing). */
int WASM_EXPORT(web_lock_storage_failed)(void)
{
    lock_view v;
    lock_get_view(app_get_lock(&A), &v);
    return v.storage_failed ? 1 : 0;
}

/* 1 while the lock waits for web_kdf_done. */
int WASM_EXPORT(web_lock_checking)(void)
{
    lock_view v;
    lock_get_view(app_get_lock(&A), &v);
    return v.checking ? 1 : 0;
}

/* 1 while the door output is on (the lock is UNLOCKED). */
int WASM_EXPORT(web_door_open)(void)
{
    lock_view v;
    lock_get_view(app_get_lock(&A), &v);
    return v.door_open ? 1 : 0;
}
