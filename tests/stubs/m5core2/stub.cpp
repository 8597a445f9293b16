/* stub.cpp - host implementations of the stubbed board APIs, plus a harness
 * that runs the port's setup()/loop() with scripted touches and checks the
 * screen and the serial output. Used by tests/app_m5stack_stub.sh only.
 * The KDF here is libsodium's PBKDF2-free stand-in: crypto_generichash (the
 * real one is mbedTLS PBKDF2 on the board). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <string>

#include <sodium.h>

#include "Arduino.h"
#include "M5Core2.h"
#include "nvs.h"
#include "esp_system.h"
#include "mbedtls/md.h"
#include "mbedtls/pkcs5.h"
#include "inkpin/store.h"

static uint16_t lcd[240][320];
static unsigned long now_ms;
static bool touch_down;
static int touch_x, touch_y;
static std::string serial_out;
static std::string nvs_blob;
static bool nvs_has;
/* Faults a test can inject into the NVS stub. */
static bool fault_open; /* the namespace does not open (nvs_open fails) */
static bool fault_len0; /* the blob exists but reading it fails */
static int nvs_writes;
static int gpio_level[40]; /* -1: not driven (input, as after reset) */
static bool gpio_output[40];

HardwareSerial Serial;
M5Core2 M5;

unsigned long millis(void)
{
    return now_ms;
}
void delay(unsigned long ms)
{
    now_ms += ms;
}
void HardwareSerial::begin(unsigned long)
{
}
size_t HardwareSerial::println(const char *s)
{
    serial_out += s;
    serial_out += "\n";
    return strlen(s) + 1;
}
int HardwareSerial::printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    serial_out += buf;
    return n;
}

void M5Display::fillRect(int32_t x, int32_t y, int32_t w, int32_t h, uint32_t color)
{
    for (int32_t r = y < 0 ? 0 : y; r < y + h && r < 240; r++)
        for (int32_t c = x < 0 ? 0 : x; c < x + w && c < 320; c++)
            lcd[r][c] = (uint16_t)color;
}
void M5Display::startWrite(void)
{
}
void M5Display::endWrite(void)
{
}
bool touch::ispressed(void)
{
    return touch_down;
}
TouchPoint_t touch::getPressPoint(void)
{
    TouchPoint_t p = {touch_down ? touch_x : -1, touch_down ? touch_y : -1};
    return p;
}
void M5Core2::begin(bool, bool, bool, bool)
{
}
void M5Core2::update(void)
{
}

extern "C" esp_err_t nvs_open(const char *, nvs_open_mode_t, nvs_handle_t *out)
{
    *out = 1;
    return fault_open ? ESP_FAIL : ESP_OK;
}
extern "C" esp_err_t nvs_get_blob(nvs_handle_t, const char *, void *out, size_t *length)
{
    if (fault_len0)
        return ESP_FAIL;
    if (!nvs_has)
        return ESP_ERR_NVS_NOT_FOUND;
    if (out == NULL) {
        *length = nvs_blob.size();
        return ESP_OK;
    }
    if (*length < nvs_blob.size())
        return ESP_ERR_NVS_INVALID_LENGTH;
    memcpy(out, nvs_blob.data(), nvs_blob.size());
    *length = nvs_blob.size();
    return ESP_OK;
}
extern "C" esp_err_t nvs_set_blob(nvs_handle_t, const char *, const void *value, size_t length)
{
    if (fault_open)
        return ESP_FAIL;
    nvs_blob.assign((const char *)value, length);
    nvs_has = true;
    nvs_writes++;
    return ESP_OK;
}
extern "C" esp_err_t nvs_commit(nvs_handle_t)
{
    return fault_open ? ESP_FAIL : ESP_OK;
}

void pinMode(uint8_t pin, uint8_t mode)
{
    if (pin < 40)
        gpio_output[pin] = mode == OUTPUT;
}
void digitalWrite(uint8_t pin, uint8_t level)
{
    if (pin < 40 && gpio_output[pin])
        gpio_level[pin] = level;
}

extern "C" void esp_fill_random(void *buf, size_t len)
{
    randombytes_buf(buf, len);
}

struct mbedtls_md_info_t {
    int type;
};
static const mbedtls_md_info_t sha256_info = {MBEDTLS_MD_SHA256};
extern "C" const mbedtls_md_info_t *mbedtls_md_info_from_type(mbedtls_md_type_t t)
{
    return t == MBEDTLS_MD_SHA256 ? &sha256_info : NULL;
}
extern "C" void mbedtls_md_init(mbedtls_md_context_t *ctx)
{
    memset(ctx, 0, sizeof *ctx);
}
extern "C" int mbedtls_md_setup(mbedtls_md_context_t *ctx, const mbedtls_md_info_t *info, int)
{
    ctx->md_info = info;
    return info ? 0 : -1;
}
extern "C" void mbedtls_md_free(mbedtls_md_context_t *)
{
}
extern "C" int mbedtls_pkcs5_pbkdf2_hmac(mbedtls_md_context_t *ctx, const unsigned char *pw,
                                         size_t plen, const unsigned char *salt, size_t slen,
                                         unsigned int, uint32_t klen, unsigned char *out)
{
    if (ctx->md_info == NULL || slen < crypto_generichash_KEYBYTES_MIN)
        return -1;
    return crypto_generichash(out, klen, pw, plen, salt, slen);
}

/* ---- harness ------------------------------------------------------------------------ */

void setup();
void loop();

static int failures;
static void expect(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "m5stack stub: FAIL: %s\n", what);
        failures++;
    }
}

static void run_ms(unsigned long ms)
{
    unsigned long end = now_ms + ms;
    while (now_ms < end)
        loop();
}

static void stroke(int x0, int y0, int x1, int y1)
{
    touch_down = true;
    for (int i = 0; i <= 10; i++) {
        touch_x = x0 + (x1 - x0) * i / 10;
        touch_y = y0 + (y1 - y0) * i / 10;
        loop();
    }
    touch_down = false;
    loop();
}

static void tap(int x, int y)
{
    touch_down = true;
    touch_x = x;
    touch_y = y;
    loop();
    touch_down = false;
    loop();
}

/* A lock region holding a PIN record in both slots, made with the real store. */
static std::string region_with_pin(size_t bytes, uint32_t block)
{
    std::string mem(bytes, '\xff');
    store_ram ram;
    hal_storage io;
    store st;
    store_record r;
    store_ram_init(&io, &ram, (uint8_t *)&mem[0], block, 2, 1);
    if (store_load(&st, &io, &r) != STORE_ERR_EMPTY)
        return std::string();
    r.has_pin = true;
    r.pin_len = 4;
    memset(r.salt, 0x5A, sizeof r.salt);
    memset(r.hash, 0xA5, sizeof r.hash);
    if (store_save(&st, &r) != STORE_OK || store_save(&st, &r) != STORE_OK)
        return std::string();
    return mem;
}

/* Boots the sketch on the NVS state set up by the caller. true if the lock
 * came up in recovery (the serial log says so). */
static bool boot_recovery(void)
{
    serial_out.clear();
    gpio_level[26] = -1; /* after a reset the pin is an input */
    setup();
    expect(gpio_output[26] && gpio_level[26] == 0, "door pin G26 driven low at boot");
    run_ms(50);
    return serial_out.find("recovery") != std::string::npos;
}

/* Finding 1 (issue 16): only storage that reads back as never written may
 * mean factory-fresh; a short blob, a blob whose length reads 0, a namespace
 * that does not open all fail closed, and the stored record is not replaced. */
static void storage_faults(void)
{
    const size_t bytes = 512;
    std::string pin_region = region_with_pin(bytes, 256);
    expect(pin_region.size() == bytes, "a PIN region built with the store");
    struct {
        const char *name;
        size_t keep;
        bool open_fails, len0;
    } faults[] = {
        {"blob one byte short", bytes - 1, false, false},
        {"blob length reads 0", bytes, false, true},
        {"NVS namespace does not open", bytes, true, false},
        {"empty blob", 0, false, false},
    };
    for (const auto &f : faults) {
        nvs_blob = pin_region.substr(0, f.keep);
        nvs_has = true;
        fault_open = f.open_fails;
        fault_len0 = f.len0;
        nvs_writes = 0;
        std::string before = nvs_blob;
        bool rec = boot_recovery();
        char what[128];
        snprintf(what, sizeof what, "%s: boots into recovery", f.name);
        expect(rec, what);
        snprintf(what, sizeof what, "%s: the stored blob is left alone", f.name);
        expect(nvs_blob == before && nvs_writes == 0, what);
        fault_open = fault_len0 = false;
    }
    /* The same region read correctly: LOCKED, no recovery. */
    nvs_blob = pin_region;
    nvs_has = true;
    expect(!boot_recovery(), "an intact PIN region boots without recovery");
    /* Never written: factory-fresh, and the first record is written. */
    nvs_blob.clear();
    nvs_has = false;
    nvs_writes = 0;
    expect(!boot_recovery(), "a missing blob is factory-fresh");
    expect(nvs_has && nvs_blob.size() == bytes && nvs_writes > 0,
           "fresh: the first record is stored");
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    gpio_level[26] = -1;
    setup();
    expect(gpio_output[26] && gpio_level[26] == 0, "door pin G26 is an output, low (locked)");
    expect(lcd[120][120] == 0x0000, "drawing area is black");
    expect(lcd[20][260] == 0x451F, "DEMO tab highlighted"); /* APP_COLOR_ACCENT */
    stroke(120, 40, 120, 200);
    expect(lcd[120][120] == 0xFFFF, "stroke drawn on the LCD");
    run_ms(1000); /* pen-up pause: auto-predict */
    expect(serial_out.find("- no model") != std::string::npos ||
               serial_out.find(" 0.") != std::string::npos ||
               serial_out.find(" 1.000") != std::string::npos ||
               serial_out.find("? ") != std::string::npos,
           "a prediction line on Serial");
    tap(300, 20); /* LOCK tab */
    run_ms(100);
    expect(lcd[20][300] == 0x451F, "LOCK tab highlighted");
    expect(nvs_has, "the lock record was written to NVS");
    touch_down = true; /* a touch on the soft-button strip is ignored */
    touch_x = 100;
    touch_y = 260;
    run_ms(50);
    touch_down = false;
    printf("m5stack stub: serial output:\n%s", serial_out.c_str());
    storage_faults();
    if (failures == 0)
        printf("m5stack stub: PASS\n");
    return failures == 0 ? 0 : 1;
}
