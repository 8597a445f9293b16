/* M5Core2Lock.ino - inkpin's device app on the M5Stack Core2 (ESP32, 320x240 ILI9342C + FT6336U touch).
 *
 * The port only binds the HAL (inkpin/hal.h) to the board:
 *   display  M5.Lcd.fillRect (bitmaps as runs of rectangles; text through the
 *            app's built-in font, so the screen looks like the simulator's)
 *   touch    M5.Touch (the touch panel is 320x280: y >= 240 are the three
 *            round soft buttons under the screen, ignored here)
 *   time     millis()
 *   storage  the 2 x 256-byte lock region mirrored in RAM and written as one
 *            NVS blob (Preferences) on every sync; NVS commits a blob
 *            atomically, so a power cut leaves the old or the new region
 *   KDF      PBKDF2-HMAC-SHA256 from mbedTLS (ESP-IDF), INKPIN_PBKDF2_ITERATIONS
 *   random   esp_fill_random (hardware RNG; RF on, or bootloader entropy)
 *   log      Serial at 115200: "digit confidence" lines in demo mode, like the
 *            original; nothing secret in lock mode.
 * Not built in CI (no Xtensa toolchain there); tests/app_m5stack_stub.sh
 * compiles and runs this file on the host against tests/stubs/m5core2/. */
#include <Arduino.h>
#include <M5Core2.h>
#include <Preferences.h>
#include <esp_system.h>
#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>
#include <string.h>

#include <inkpin.h>

/* One verification ~0.5 s at 240 MHz with the SHA accelerator (host/platform/kdf.h:
 * KDF_ESP32_PBKDF2_ITERATIONS); measure on your board and keep 0.3..1 s. */
#ifndef INKPIN_PBKDF2_ITERATIONS
#define INKPIN_PBKDF2_ITERATIONS 20000u
#endif

#define STORE_BLOCK 256u
#define STORE_BLOCKS 2u
#define NVS_NAMESPACE "inkpin"
#define NVS_KEY "lock"

static Preferences prefs;
static uint8_t region[STORE_BLOCK * STORE_BLOCKS];
static hal board;
static app inkpin_app;

/* ---- display ---------------------------------------------------------------------- */

static void core2_fill(void *ctx, int x, int y, int w, int h, uint16_t c)
{
    (void)ctx;
    M5.Lcd.fillRect(x, y, w, h, c);
}

/* Draws each row as horizontal runs of equal pixels: few SPI transactions. */
static void core2_bitmap1(void *ctx, int x, int y, int w, int h, const uint8_t *bits, int scale,
                          uint16_t fg, uint16_t bg)
{
    int stride = (w + 7) / 8;
    (void)ctx;
    M5.Lcd.startWrite();
    for (int r = 0; r < h; r++) {
        int start = 0;
        for (int c = 1; c <= w; c++) {
            int prev = (bits[r * stride + (c - 1) / 8] >> (7 - (c - 1) % 8)) & 1;
            int cur = c < w ? (bits[r * stride + c / 8] >> (7 - c % 8)) & 1 : !prev;
            if (cur != prev) {
                M5.Lcd.fillRect(x + start * scale, y + r * scale, (c - start) * scale, scale,
                                prev ? fg : bg);
                start = c;
            }
        }
    }
    M5.Lcd.endWrite();
}

static void core2_bitmap8(void *ctx, int x, int y, int w, int h, const uint8_t *g, int scale)
{
    (void)ctx;
    for (int r = 0; r < h; r++) {
        for (int c = 0; c < w; c++) {
            uint8_t v = g[r * w + c];
            M5.Lcd.fillRect(x + c * scale, y + r * scale, scale, scale, APP_RGB565(v, v, v));
        }
    }
}

static void core2_text(void *ctx, int x, int y, const char *s, int size, uint16_t fg, uint16_t bg)
{
    (void)ctx;
    app_text_via_bitmap1(&board, x, y, s, size, fg, bg);
}

/* ---- touch and time ------------------------------------------------------------------ */

static bool core2_touch(void *ctx, int *x, int *y)
{
    (void)ctx;
    if (!M5.Touch.ispressed()) {
        return false;
    }
    TouchPoint_t p = M5.Touch.getPressPoint();
    if (p.x < 0 || p.y < 0 || p.x >= HAL_SCREEN_W || p.y >= HAL_SCREEN_H) {
        return false; /* the soft-button strip below the screen */
    }
    *x = p.x;
    *y = p.y;
    return true;
}

static uint32_t core2_now(void *ctx)
{
    (void)ctx;
    return (uint32_t)millis();
}

/* ---- storage: RAM mirror + one NVS blob --------------------------------------------------- */

static bool region_args_ok(uint32_t block, uint32_t off, uint32_t size)
{
    return block < STORE_BLOCKS && off <= STORE_BLOCK && size <= STORE_BLOCK - off;
}

static int core2_read(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t size)
{
    (void)ctx;
    if (!region_args_ok(block, off, size)) return -1;
    memcpy(buf, region + block * STORE_BLOCK + off, size);
    return 0;
}

static int core2_prog(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t size)
{
    const uint8_t *src = (const uint8_t *)buf;
    (void)ctx;
    if (!region_args_ok(block, off, size)) return -1;
    for (uint32_t i = 0; i < size; i++) {
        region[block * STORE_BLOCK + off + i] &= src[i]; /* NOR semantics, as the store expects */
    }
    return 0;
}

static int core2_erase(void *ctx, uint32_t block)
{
    (void)ctx;
    if (block >= STORE_BLOCKS) return -1;
    memset(region + block * STORE_BLOCK, 0xFF, STORE_BLOCK);
    return 0;
}

static int core2_sync(void *ctx)
{
    (void)ctx;
    return prefs.putBytes(NVS_KEY, region, sizeof region) == sizeof region ? 0 : -1;
}

static void load_region(void)
{
    if (prefs.getBytesLength(NVS_KEY) != sizeof region ||
        prefs.getBytes(NVS_KEY, region, sizeof region) != sizeof region) {
        memset(region, 0xFF, sizeof region); /* factory fresh */
    }
}

/* ---- KDF, random, log ---------------------------------------------------------------------- */

static int core2_kdf(void *ctx, uint8_t hash[HAL_KDF_HASH_BYTES], const char *pin, size_t pin_len,
                     const uint8_t salt[HAL_KDF_SALT_BYTES])
{
    mbedtls_md_context_t md;
    int rc;
    (void)ctx;
    mbedtls_md_init(&md);
    rc = mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1);
    if (rc == 0) {
        rc = mbedtls_pkcs5_pbkdf2_hmac(&md, (const unsigned char *)pin, pin_len, salt,
                                       HAL_KDF_SALT_BYTES, INKPIN_PBKDF2_ITERATIONS,
                                       HAL_KDF_HASH_BYTES, hash);
    }
    mbedtls_md_free(&md);
    return rc == 0 ? 0 : -1;
}

static int core2_random(void *ctx, uint8_t *buf, size_t n)
{
    (void)ctx;
    esp_fill_random(buf, n);
    return 0;
}

static void core2_log(void *ctx, const char *line)
{
    (void)ctx;
    Serial.println(line);
}

/* ---- Arduino entry points ------------------------------------------------------------------- */

void setup()
{
    app_config cfg;
    M5.begin();
    Serial.begin(115200);
    prefs.begin(NVS_NAMESPACE, false);
    load_region();

    board.ctx = NULL;
    board.fill_rect = core2_fill;
    board.draw_bitmap1 = core2_bitmap1;
    board.draw_bitmap8 = core2_bitmap8;
    board.draw_text = core2_text;
    board.touch = core2_touch;
    board.now_ms = core2_now;
    board.storage.ctx = NULL;
    board.storage.read = core2_read;
    board.storage.prog = core2_prog;
    board.storage.erase = core2_erase;
    board.storage.sync = core2_sync;
    board.storage.block_size = STORE_BLOCK;
    board.storage.block_count = STORE_BLOCKS;
    board.storage.prog_size = 1;
    board.kdf = core2_kdf;
    board.random = core2_random;
    board.log = core2_log;

    app_config_default(&cfg);
    cfg.model = net_default_model();
    app_err e = app_init(&inkpin_app, &board, &cfg);
    if (e != APP_OK) {
        Serial.printf("inkpin: app_init %d (%s)\n", (int)e,
                      e == APP_ERR_LOCK ? "lock storage unusable: recovery" : "no usable model");
    }
}

void loop()
{
    M5.update();
    app_step(&inkpin_app);
    delay(10); /* ~100 touch samples per second; the app itself never sleeps */
}
