/* app_board.h - the device app's test board (tests/test_app.c): a hand-made
 * one-layer model and a frame-buffer HAL with RAM storage behind fault
 * injection, a fast KDF, a captured log, the door output and the texts drawn.
 *
 * The model (the test owns it, so the test does not depend on a trained
 * default): class 1 scores ink in the centre columns, class 2 ink in the centre
 * rows, so a vertical bar reads "1" and a horizontal bar reads "2".
 * Header-only (static state and functions) so each test binary owns it. */
#ifndef INKPIN_TEST_UTIL_APP_BOARD_H
#define INKPIN_TEST_UTIL_APP_BOARD_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "inkpin/app.h"
#include "inkpin/store_bd.h"

/* ---- the test model --------------------------------------------------------- */

static int8_t model_w[NET_CLASSES * NET_IMAGE_PIXELS];
static int32_t model_bias[NET_CLASSES];
static int32_t model_mult[NET_CLASSES];
static uint8_t model_shift[NET_CLASSES];
static net_layer model_layer;
static net_model model;

/* twin: classes 3 and 4 get the same weights as class 2, so a horizontal bar
 * is a three-way tie (confidence about 1/3: "unsure"). */
static inline void build_model_twin(bool twin)
{
    memset(model_w, 0, sizeof model_w);
    for (int r = 0; r < NET_IMAGE_SIDE; r++) {
        for (int c = 0; c < NET_IMAGE_SIDE; c++) {
            int p = r * NET_IMAGE_SIDE + c;
            if (c >= 12 && c <= 16)
                model_w[1 * NET_IMAGE_PIXELS + p] = 10;
            if (r >= 12 && r <= 16)
                model_w[2 * NET_IMAGE_PIXELS + p] = 10;
            if (twin && r >= 12 && r <= 16)
                model_w[3 * NET_IMAGE_PIXELS + p] = 10;
            if (twin && r >= 12 && r <= 16)
                model_w[4 * NET_IMAGE_PIXELS + p] = 10;
            model_w[5 * NET_IMAGE_PIXELS + p] = 1; /* a weak default */
        }
    }
    for (int k = 0; k < NET_CLASSES; k++) {
        model_bias[k] = 0;
        model_mult[k] = 1 << 20;
        model_shift[k] = 16; /* acc * 16: 1 pixel of weight 10 = 160/1024 nats */
    }
    memset(&model_layer, 0, sizeof model_layer);
    model_layer.kind = NET_DENSE;
    model_layer.wbits = 8;
    model_layer.in_c = 1;
    model_layer.in_h = NET_IMAGE_SIDE;
    model_layer.in_w = NET_IMAGE_SIDE;
    model_layer.out_c = NET_CLASSES;
    model_layer.w = model_w;
    model_layer.bias = model_bias;
    model_layer.mult = model_mult;
    model_layer.shift = model_shift;
    model.layer = &model_layer;
    model.n_layers = 1;
    assert_int_equal(net_check(&model), NET_OK);
}

static inline void build_model(void)
{
    build_model_twin(false);
}

/* ---- a frame-buffer HAL with RAM storage -------------------------------------- */

#define STORE_BLOCK 256
#define MAX_TEXTS 64
#define MAX_LOG 256

typedef struct {
    int x, y, size;
    char s[32];
} drawn_text;

typedef struct {
    uint16_t fb[HAL_SCREEN_W * HAL_SCREEN_H];
    uint32_t now;
    uint8_t flash[2][STORE_BLOCK];
    store_ram ram;     /* the library's NOR back-end over flash */
    store_fault fault; /* ... behind fault injection (worn-out flash) */
    hal_storage ram_io;
    int door; /* -1 never called, else the last value */
    int door_calls;
    drawn_text texts[MAX_TEXTS];
    int n_texts;
    char log[MAX_LOG][64];
    int n_log;
    int kdf_calls;
} board;

static board B;

/* Texts stay "on screen" until a fill covers their top-left pixel. */
static inline void forget_texts_under(int x, int y, int w, int h)
{
    for (int i = 0; i < B.n_texts; i++) {
        drawn_text *t = &B.texts[i];
        if (t->x >= x && t->x < x + w && t->y >= y && t->y < y + h) {
            B.texts[i--] = B.texts[--B.n_texts];
        }
    }
}

static inline void t_fill(void *ctx, int x, int y, int w, int h, uint16_t c)
{
    (void)ctx;
    forget_texts_under(x, y, w, h);
    app_fb_fill_rect(B.fb, x, y, w, h, c);
}

static inline void t_bitmap1(void *ctx, int x, int y, int w, int h, const uint8_t *bits, int scale,
                             uint16_t fg, uint16_t bg)
{
    (void)ctx;
    app_fb_draw_bitmap1(B.fb, x, y, w, h, bits, scale, fg, bg);
}

static inline void t_bitmap8(void *ctx, int x, int y, int w, int h, const uint8_t *g, int scale)
{
    (void)ctx;
    app_fb_draw_bitmap8(B.fb, x, y, w, h, g, scale);
}

static hal H;

static inline void t_text(void *ctx, int x, int y, const char *s, int size, uint16_t fg,
                          uint16_t bg)
{
    (void)ctx;
    forget_texts_under(x, y, 1, 1);
    assert_true(B.n_texts < MAX_TEXTS);
    B.texts[B.n_texts].x = x;
    B.texts[B.n_texts].y = y;
    B.texts[B.n_texts].size = size;
    snprintf(B.texts[B.n_texts].s, sizeof B.texts[0].s, "%s", s);
    B.n_texts++;
    app_text_via_bitmap1(&H, x, y, s, size, fg, bg);
}

static inline bool t_touch(void *ctx, int *x, int *y)
{
    (void)ctx;
    (void)x;
    (void)y;
    return false;
}

static inline uint32_t t_now(void *ctx)
{
    (void)ctx;
    return B.now;
}

static inline void t_door(void *ctx, bool open)
{
    (void)ctx;
    B.door = open ? 1 : 0;
    B.door_calls++;
}

/* A fast stand-in KDF for the test (the real ones are tested in the lock's
 * tests): keyed BLAKE2b of the PIN under the salt. */
static inline int t_kdf(void *ctx, uint8_t hash[HAL_KDF_HASH_BYTES], const char *pin,
                        size_t pin_len, const uint8_t salt[HAL_KDF_SALT_BYTES])
{
    (void)ctx;
    B.kdf_calls++;
    return crypto_generichash(hash, HAL_KDF_HASH_BYTES, (const unsigned char *)pin, pin_len, salt,
                              HAL_KDF_SALT_BYTES);
}

static inline int t_random(void *ctx, uint8_t *buf, size_t n)
{
    (void)ctx;
    randombytes_buf(buf, n);
    return 0;
}

static inline void t_log(void *ctx, const char *line)
{
    (void)ctx;
    assert_true(B.n_log < MAX_LOG);
    snprintf(B.log[B.n_log++], sizeof B.log[0], "%s", line);
}

static inline void board_reset(bool erase_flash)
{
    uint8_t flash[2][STORE_BLOCK];
    memcpy(flash, B.flash, sizeof flash);
    memset(&B, 0, sizeof B);
    if (erase_flash) {
        memset(B.flash, 0xFF, sizeof B.flash);
    } else {
        memcpy(B.flash, flash, sizeof flash);
    }
    B.now = 1000;
    memset(&H, 0, sizeof H);
    H.fill_rect = t_fill;
    H.draw_bitmap1 = t_bitmap1;
    H.draw_bitmap8 = t_bitmap8;
    H.draw_text = t_text;
    H.touch = t_touch;
    H.now_ms = t_now;
    store_ram_init(&B.ram_io, &B.ram, &B.flash[0][0], STORE_BLOCK, 2, 4);
    store_fault_init(&H.storage, &B.fault, &B.ram_io);
    B.door = -1;
    H.door = t_door;
    H.kdf = t_kdf;
    H.random = t_random;
    H.log = t_log;
}

static inline uint16_t px(int x, int y)
{
    return B.fb[y * HAL_SCREEN_W + x];
}

static inline bool on_screen(const char *s)
{
    for (int i = 0; i < B.n_texts; i++) {
        if (strcmp(B.texts[i].s, s) == 0) {
            return true;
        }
    }
    return false;
}

static inline bool region_has(int x, int y, int w, int h, uint16_t c)
{
    for (int r = y; r < y + h; r++) {
        for (int col = x; col < x + w; col++) {
            if (px(col, r) == c) {
                return true;
            }
        }
    }
    return false;
}

#endif
