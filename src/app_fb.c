/* app_fb.c - frame-buffer and 8x8-font helpers for ports.
 * Manual: inkpin/app.h; what the app files share: app_internal.h. */
#include "inkpin/app.h"

#include <stddef.h>

#include "font8x8.h"

void app_fb_fill_rect(uint16_t *fb, int x, int y, int w, int h, uint16_t rgb565)
{
    int x1 = x + w, y1 = y + h;
    if (fb == NULL) {
        return;
    }
    if (x < 0)
        x = 0;
    if (y < 0)
        y = 0;
    if (x1 > HAL_SCREEN_W)
        x1 = HAL_SCREEN_W;
    if (y1 > HAL_SCREEN_H)
        y1 = HAL_SCREEN_H;
    for (int row = y; row < y1; row++) {
        uint16_t *p = fb + (size_t)row * HAL_SCREEN_W;
        for (int col = x; col < x1; col++) {
            p[col] = rgb565;
        }
    }
}

static void fb_put(uint16_t *fb, int x, int y, uint16_t c)
{
    if (x >= 0 && x < HAL_SCREEN_W && y >= 0 && y < HAL_SCREEN_H) {
        fb[(size_t)y * HAL_SCREEN_W + (size_t)x] = c;
    }
}

static void fb_block(uint16_t *fb, int x, int y, int scale, uint16_t c)
{
    if (scale == 1) {
        fb_put(fb, x, y, c);
    } else {
        app_fb_fill_rect(fb, x, y, scale, scale, c);
    }
}

void app_fb_draw_bitmap1(uint16_t *fb, int x, int y, int w, int h, const uint8_t *bits, int scale,
                         uint16_t fg, uint16_t bg)
{
    int stride = (w + 7) / 8;
    if (fb == NULL || bits == NULL || w <= 0 || h <= 0 || scale <= 0) {
        return;
    }
    for (int row = 0; row < h; row++) {
        for (int col = 0; col < w; col++) {
            int on = (bits[row * stride + col / 8] >> (7 - col % 8)) & 1;
            fb_block(fb, x + col * scale, y + row * scale, scale, on ? fg : bg);
        }
    }
}

void app_fb_draw_bitmap8(uint16_t *fb, int x, int y, int w, int h, const uint8_t *grey, int scale)
{
    if (fb == NULL || grey == NULL || w <= 0 || h <= 0 || scale <= 0) {
        return;
    }
    for (int row = 0; row < h; row++) {
        for (int col = 0; col < w; col++) {
            uint8_t v = grey[row * w + col];
            fb_block(fb, x + col * scale, y + row * scale, scale, APP_RGB565(v, v, v));
        }
    }
}

void app_text_via_bitmap1(const hal *h, int x, int y, const char *text, int size, uint16_t fg,
                          uint16_t bg)
{
    if (h == NULL || h->draw_bitmap1 == NULL || text == NULL || size <= 0) {
        return;
    }
    for (; *text != '\0'; text++) {
        h->draw_bitmap1(h->ctx, x, y, FONT8X8_W, FONT8X8_H, font8x8_glyph(*text), size, fg, bg);
        x += FONT8X8_W * size;
    }
}
