/* M5Core2Lock.ino - inkpin's device app on the M5Stack Core2 (ESP32, 320x240 ILI9342C + FT6336U touch).
 *
 * The port only binds the HAL (inkpin/hal.h) to the board:
 *   display  M5.Lcd.fillRect (bitmaps as runs of rectangles; text through the
 *            app's built-in font, so the screen looks like the simulator's)
 *   touch    M5.Touch (the touch panel is 320x280: y >= 240 are the three
 *            round soft buttons under the screen, ignored here)
 *   time     millis()
 *   storage  the 2 x 256-byte lock region in RAM (store_ram, NOR semantics)
 *            written as one NVS blob on every sync; NVS commits a blob
 *            atomically, so a power cut leaves the old or the new region.
 *            Only a blob NVS reports as never written (ESP_ERR_NVS_NOT_FOUND)
 *            is factory-fresh; a namespace that does not open, a read error
 *            or a blob of the wrong size boots into recovery and is never
 *            overwritten (docs/security.md, storage faults)
 *   KDF      PBKDF2-HMAC-SHA256 from mbedTLS (ESP-IDF), INKPIN_PBKDF2_ITERATIONS
 *   random   esp_fill_random (hardware RNG; RF on, or bootloader entropy)
 *   log      Serial at 115200: "digit confidence" lines in demo mode, like the
 *            original; nothing secret in lock mode.
 *   door     GPIO 26 (Port B, the black Grove socket: G26 / G36 / 5V / GND),
 *            high exactly while UNLOCKED, low at every boot; auto-relock after
 *            INKPIN_RELOCK_MS. Wiring in README.md (relay module or MOSFET).
 * Not built in CI (no Xtensa toolchain there); tests/app_m5stack_stub.sh
 * compiles and runs this file on the host against tests/stubs/m5core2/. */
#include <Arduino.h>
#include <M5Core2.h>
#include <esp_system.h>
#include <nvs.h>
#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>
#include <string.h>

#include <inkpin.h>

/* One verification ~0.5 s at 240 MHz with the SHA accelerator (host/platform/kdf.h:
 * KDF_ESP32_PBKDF2_ITERATIONS); measure on your board and keep 0.3..1 s. */
#ifndef INKPIN_PBKDF2_ITERATIONS
#define INKPIN_PBKDF2_ITERATIONS 20000u
#endif

/* The door output pin and how long the door stays open after an unlock
 * (0: until Lock is pressed). */
#ifndef INKPIN_DOOR_PIN
#define INKPIN_DOOR_PIN 26
#endif
#ifndef INKPIN_RELOCK_MS
#define INKPIN_RELOCK_MS 10000u
#endif

#define STORE_BLOCK 256u
#define STORE_BLOCKS 2u
#define NVS_NAMESPACE "inkpin"
#define NVS_KEY "lock"

static nvs_handle_t nvs;
static uint8_t region[STORE_BLOCK * STORE_BLOCKS];
static store_ram ram;
static store_fault unusable; /* every access fails: the lock fails closed */
static hal board;
static app inkpin_app;
static lock_config lock_cfg;

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

/* ---- storage: the region in RAM + one NVS blob ------------------------------------------- */

static int core2_sync(void *ctx)
{
    (void)ctx;
    if (nvs_set_blob(nvs, NVS_KEY, region, sizeof region) != ESP_OK)
        return -1;
    return nvs_commit(nvs) == ESP_OK ? 0 : -1;
}

/* true when the region could be read: the stored blob, or 0xFF if NVS says
 * it was never written. Anything else (no namespace, a read error, a blob of
 * another size) is a storage fault: the lock must fail closed, not start
 * fresh over a record that may hold a PIN. */
static bool load_region(void)
{
    size_t len = 0;
    memset(region, 0xFF, sizeof region);
    if (nvs_open(NVS_NAMESPACE, NVS_READWRITE, &nvs) != ESP_OK)
        return false;
    esp_err_t e = nvs_get_blob(nvs, NVS_KEY, NULL, &len);
    if (e == ESP_ERR_NVS_NOT_FOUND)
        return true; /* never written: factory-fresh */
    if (e != ESP_OK || len != sizeof region)
        return false;
    len = sizeof region;
    return nvs_get_blob(nvs, NVS_KEY, region, &len) == ESP_OK && len == sizeof region;
}

static void setup_storage(void)
{
    hal_storage ram_io;
    store_ram_init(&ram_io, &ram, region, STORE_BLOCK, STORE_BLOCKS, 1);
    ram_io.sync = core2_sync;
    if (load_region()) {
        board.storage = ram_io;
        return;
    }
    Serial.println("inkpin: lock storage unreadable: recovery (docs/security.md)");
    store_fault_init(&board.storage, &unusable, &ram_io);
    unusable.fail = STORE_FAULT_READ | STORE_FAULT_PROG | STORE_FAULT_ERASE | STORE_FAULT_SYNC;
}

/* ---- door --------------------------------------------------------------------------------- */

static void core2_door(void *ctx, bool open)
{
    (void)ctx;
    digitalWrite(INKPIN_DOOR_PIN, open ? HIGH : LOW);
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
    pinMode(INKPIN_DOOR_PIN, OUTPUT);
    digitalWrite(INKPIN_DOOR_PIN, LOW); /* locked from the first instant */
    M5.begin();
    Serial.begin(115200);

    memset(&board, 0, sizeof board);
    board.fill_rect = core2_fill;
    board.draw_bitmap1 = core2_bitmap1;
    board.draw_text = core2_text;
    board.touch = core2_touch;
    board.now_ms = core2_now;
    board.kdf = core2_kdf;
    board.random = core2_random;
    board.log = core2_log;
    board.door = core2_door;
    setup_storage();

    lock_default_config(&lock_cfg);
    lock_cfg.relock_ms = INKPIN_RELOCK_MS;
    app_config_default(&cfg);
    cfg.model = net_default_model();
    cfg.lock = &lock_cfg;
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
