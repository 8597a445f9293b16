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
#include "Preferences.h"
#include "esp_system.h"
#include "mbedtls/md.h"
#include "mbedtls/pkcs5.h"

static uint16_t lcd[240][320];
static unsigned long now_ms;
static bool touch_down;
static int touch_x, touch_y;
static std::string serial_out;
static std::string nvs_blob;
static bool nvs_has;

HardwareSerial Serial;
M5Core2 M5;

unsigned long millis(void) { return now_ms; }
void delay(unsigned long ms) { now_ms += ms; }
void HardwareSerial::begin(unsigned long) {}
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
        for (int32_t c = x < 0 ? 0 : x; c < x + w && c < 320; c++) lcd[r][c] = (uint16_t)color;
}
void M5Display::startWrite(void) {}
void M5Display::endWrite(void) {}
bool touch::ispressed(void) { return touch_down; }
TouchPoint_t touch::getPressPoint(void)
{
    TouchPoint_t p = {touch_down ? touch_x : -1, touch_down ? touch_y : -1};
    return p;
}
void M5Core2::begin(bool, bool, bool, bool) {}
void M5Core2::update(void) {}

bool Preferences::begin(const char *, bool, const char *) { return true; }
void Preferences::end(void) {}
size_t Preferences::putBytes(const char *, const void *value, size_t len)
{
    nvs_blob.assign((const char *)value, len);
    nvs_has = true;
    return len;
}
size_t Preferences::getBytesLength(const char *) { return nvs_has ? nvs_blob.size() : 0; }
size_t Preferences::getBytes(const char *, void *buf, size_t maxLen)
{
    size_t n = nvs_blob.size() < maxLen ? nvs_blob.size() : maxLen;
    memcpy(buf, nvs_blob.data(), n);
    return n;
}

extern "C" void esp_fill_random(void *buf, size_t len) { randombytes_buf(buf, len); }

struct mbedtls_md_info_t {
    int type;
};
static const mbedtls_md_info_t sha256_info = {MBEDTLS_MD_SHA256};
extern "C" const mbedtls_md_info_t *mbedtls_md_info_from_type(mbedtls_md_type_t t)
{
    return t == MBEDTLS_MD_SHA256 ? &sha256_info : NULL;
}
extern "C" void mbedtls_md_init(mbedtls_md_context_t *ctx) { memset(ctx, 0, sizeof *ctx); }
extern "C" int mbedtls_md_setup(mbedtls_md_context_t *ctx, const mbedtls_md_info_t *info, int)
{
    ctx->md_info = info;
    return info ? 0 : -1;
}
extern "C" void mbedtls_md_free(mbedtls_md_context_t *) {}
extern "C" int mbedtls_pkcs5_pbkdf2_hmac(mbedtls_md_context_t *ctx, const unsigned char *pw,
                                         size_t plen, const unsigned char *salt, size_t slen,
                                         unsigned int, uint32_t klen, unsigned char *out)
{
    if (ctx->md_info == NULL || slen < crypto_generichash_KEYBYTES_MIN) return -1;
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
    while (now_ms < end) loop();
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

int main(void)
{
    if (sodium_init() < 0) return 1;
    setup();
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
    if (failures == 0) printf("m5stack stub: PASS\n");
    return failures == 0 ? 0 : 1;
}
