/* web.c - the inkpin app compiled to WebAssembly (ports/web).
 *
 * Built by ports/web/build.sh with clang --target=wasm32 -nostdlib
 * -ffreestanding together with the library in src/ (default model included): no libc, no
 * emscripten. The page (shell.html) owns the canvas, the pointer events,
 * localStorage and the KDF; this file binds them to the HAL:
 *
 *   display  the app draws into fb[320*240] (RGB565) here; the page copies it
 *            to the canvas when web_frame_dirty() says so.
 *   touch    the page calls web_pointer(down, x, y) for every pointer sample
 *            (app_pointer), then web_tick() each animation frame (app_tick).
 *   time     js_now_ms(): performance.now().
 *   storage  a 2 x 256-byte region in this module's memory, loaded by the page
 *            from localStorage before web_init() and saved back on every sync
 *            (js_store_save), so a reload keeps the PIN record.
 *   KDF      js_kdf(): libsodium's own WebAssembly build (libsodium-wrappers-
 *            sumo, inlined in the page) runs crypto_pwhash Argon2id with the
 *            host's parameters. crypto_pwhash is synchronous once sodium.ready
 *            has resolved, and the page awaits that before web_init(), so the
 *            synchronous HAL contract holds without an asynchronous hand-off.
 *   random   js_random(): crypto.getRandomValues.
 *   log      js_log(): console.log, and the page's log panel.
 */
#include <stddef.h>
#include <stdint.h>

#include "inkpin/app.h"
#include "inkpin/net.h"

#define WASM_EXPORT(name) __attribute__((export_name(#name))) name
#define WASM_IMPORT(name) __attribute__((import_module("env"), import_name(#name))) name

uint32_t WASM_IMPORT(js_now_ms)(void);
int WASM_IMPORT(js_kdf)(uint8_t *hash, const char *pin, size_t pin_len, const uint8_t *salt);
int WASM_IMPORT(js_random)(uint8_t *buf, size_t n);
void WASM_IMPORT(js_log)(const char *line, size_t len);
void WASM_IMPORT(js_store_save)(const uint8_t *region, size_t len);

/* ---- the libc the core needs (string.h), since we link no libc ------------------ */

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--) *d++ = (unsigned char)c;
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--) *d++ = *s++;
    } else {
        d += n;
        s += n;
        while (n--) *--d = *--s;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (; n--; p++, q++) {
        if (*p != *q) return *p < *q ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;
    while (*p) p++;
    return (size_t)(p - s);
}

/* ---- HAL --------------------------------------------------------------------------- */

#define STORE_BLOCK 256u
#define STORE_BLOCKS 2u

static uint16_t fb[HAL_SCREEN_W * HAL_SCREEN_H];
static int fb_dirty;
static uint8_t region[STORE_BLOCK * STORE_BLOCKS];
static hal H;
static app A;

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
    return js_now_ms();
}

static int w_read(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t size)
{
    (void)ctx;
    if (block >= STORE_BLOCKS || off > STORE_BLOCK || size > STORE_BLOCK - off) return -1;
    memcpy(buf, region + block * STORE_BLOCK + off, size);
    return 0;
}

/* NOR flash semantics, like the device: programming only clears bits. */
static int w_prog(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t size)
{
    const uint8_t *src = buf;
    (void)ctx;
    if (block >= STORE_BLOCKS || off > STORE_BLOCK || size > STORE_BLOCK - off) return -1;
    for (uint32_t i = 0; i < size; i++) {
        region[block * STORE_BLOCK + off + i] &= src[i];
    }
    return 0;
}

static int w_erase(void *ctx, uint32_t block)
{
    (void)ctx;
    if (block >= STORE_BLOCKS) return -1;
    memset(region + block * STORE_BLOCK, 0xFF, STORE_BLOCK);
    return 0;
}

static int w_sync(void *ctx)
{
    (void)ctx;
    js_store_save(region, sizeof region);
    return 0;
}

static int w_kdf(void *ctx, uint8_t hash[HAL_KDF_HASH_BYTES], const char *pin, size_t pin_len,
                 const uint8_t salt[HAL_KDF_SALT_BYTES])
{
    (void)ctx;
    return js_kdf(hash, pin, pin_len, salt);
}

static int w_random(void *ctx, uint8_t *buf, size_t n)
{
    (void)ctx;
    return js_random(buf, n);
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

int WASM_EXPORT(web_init)(int lock_mode)
{
    app_config cfg;
    H.ctx = NULL;
    H.fill_rect = w_fill;
    H.draw_bitmap1 = w_bitmap1;
    H.draw_bitmap8 = w_bitmap8;
    H.draw_text = w_text;
    H.touch = NULL; /* events come through web_pointer */
    H.now_ms = w_now;
    H.storage.read = w_read;
    H.storage.prog = w_prog;
    H.storage.erase = w_erase;
    H.storage.sync = w_sync;
    H.storage.block_size = STORE_BLOCK;
    H.storage.block_count = STORE_BLOCKS;
    H.storage.prog_size = 1;
    H.kdf = w_kdf;
    H.random = w_random;
    H.log = w_log;
    app_config_default(&cfg);
    cfg.start_mode = lock_mode ? APP_MODE_LOCK : APP_MODE_DEMO;
    cfg.model = net_default_model();
    return (int)app_init(&A, &H, &cfg);
}

void WASM_EXPORT(web_pointer)(int down, int x, int y)
{
    app_pointer(&A, down != 0, x, y);
}

void WASM_EXPORT(web_tick)(void)
{
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

/* Demo mode: the digit on screen (see app_demo_digit) and its confidence. */
int WASM_EXPORT(web_digit)(void)
{
    return app_demo_digit(&A, NULL);
}

int WASM_EXPORT(web_confidence_permille)(void)
{
    int permille = 0;
    (void)app_demo_digit(&A, &permille);
    return permille;
}

/* The ink for "export drawing": n entries of x (INK_PEN_LIFT between strokes) and y. */
int WASM_EXPORT(web_ink_count)(void)
{
    return app_ink(&A)->n;
}

const uint8_t *WASM_EXPORT(web_ink_x)(void)
{
    return app_ink(&A)->x;
}

const uint8_t *WASM_EXPORT(web_ink_y)(void)
{
    return app_ink(&A)->y;
}

int WASM_EXPORT(web_has_model)(void)
{
    return net_default_model() != NULL;
}

/* Lock mode, for the page's tests: the state (lock_state), dots, remaining wait. */
int WASM_EXPORT(web_lock_state)(void)
{
    lock_view v;
    lock_get_view(app_lock(&A), &v);
    return (int)v.state;
}

int WASM_EXPORT(web_lock_digits)(void)
{
    lock_view v;
    lock_get_view(app_lock(&A), &v);
    return v.digits;
}

uint32_t WASM_EXPORT(web_lock_wait_ms)(void)
{
    lock_view v;
    lock_get_view(app_lock(&A), &v);
    return v.wait_ms;
}
