/* app_widgets.c - layout, drawing primitives, buttons, the drawing area and the preview.
 * Manual: inkpin/app.h; what the app files share: app_internal.h. */
#include "app_internal.h"

#include <string.h>

#include "font8x8.h"

#define PREVIEW_X (APP_PANEL_X + 12)
#define PREVIEW_Y 44
#define PREVIEW_SCALE 2

static const char *const button_label[BTN_COUNT] = {
    "DEMO", "LOCK", "Predict", "Clear", "Enter", "Back", "Lock", "New PIN", "Remove",
};

int app_button_at(const app *a, int x, int y)
{
    int8_t slots[3];
    if (x < APP_PANEL_X || x >= HAL_SCREEN_W || y < 0 || y >= HAL_SCREEN_H) {
        return BTN_NONE;
    }
    if (y < APP_TAB_H) {
        return x < APP_PANEL_X + APP_PANEL_W / 2 ? BTN_TAB_DEMO : BTN_TAB_LOCK;
    }
    app_visible_buttons(a, slots);
    for (int i = 0; i < 3; i++) {
        if (slots[i] != BTN_NONE && y >= BUTTON_Y(i) && y < BUTTON_Y(i) + APP_BUTTON_H) {
            return slots[i];
        }
    }
    return BTN_NONE;
}

void app_visible_buttons(const app *a, int8_t slots[3])
{
    lock_view v;
    slots[0] = BTN_NONE;
    slots[1] = BTN_PREDICT;
    slots[2] = BTN_CLEAR;
    if (a->mode == APP_MODE_DEMO) {
        return;
    }
    lock_get_view(&a->lock, &v);
    if (v.state == LOCK_RECOVERY) {
        slots[0] = slots[1] = slots[2] = BTN_NONE;
    } else if (v.state == LOCK_UNLOCKED) {
        slots[0] = BTN_LOCK_NOW;
        slots[1] = BTN_NEW_PIN;
        slots[2] = BTN_REMOVE_PIN;
    } else {
        slots[0] = BTN_ENTER;
        slots[1] = BTN_BACK;
        slots[2] = BTN_CLEAR;
    }
}

/* ---- drawing primitives ---------------------------------------------------- */

void app_fill(const app *a, int x, int y, int w, int h, uint16_t c)
{
    a->hal->fill_rect(a->hal->ctx, x, y, w, h, c);
}

void app_text(const app *a, int x, int y, const char *s, int size, uint16_t fg, uint16_t bg)
{
    if (a->hal->draw_text != NULL) {
        a->hal->draw_text(a->hal->ctx, x, y, s, size, fg, bg);
    } else {
        app_text_via_bitmap1(a->hal, x, y, s, size, fg, bg);
    }
}

static int text_width(const char *s, int size)
{
    return (int)strlen(s) * FONT8X8_W * size;
}

/* Text centred horizontally in [x, x + w). */
void app_text_centred(const app *a, int x, int w, int y, const char *s, int size, uint16_t fg,
                      uint16_t bg)
{
    app_text(a, x + (w - text_width(s, size)) / 2, y, s, size, fg, bg);
}

static void draw_button(const app *a, int id, int x, int y, int w, int h, bool active)
{
    bool pressed = a->pressed == id && a->pressed_inside;
    uint16_t face = pressed ? APP_COLOR_PRESSED : active ? APP_COLOR_ACCENT : APP_COLOR_BUTTON;
    app_fill(a, x, y, w, h, APP_COLOR_PANEL);
    app_fill(a, x + 2, y + 2, w - 4, h - 4, face);
    app_text_centred(a, x, w, y + (h - FONT8X8_H) / 2, button_label[id], 1, APP_COLOR_TEXT, face);
}

/* Ink colour: white in demo mode; in lock mode dim while drawn and fainter
 * once the pen is up (an onlooker reads a faint, short-lived stroke less
 * easily); 0 = draw nothing (APP_LOCK_INK_NONE). */
static bool ink_visible(const app *a)
{
    return a->mode != APP_MODE_LOCK || a->cfg.lock_ink != APP_LOCK_INK_NONE;
}

static uint16_t ink_color(const app *a)
{
    if (a->mode != APP_MODE_LOCK || a->cfg.lock_ink == APP_LOCK_INK_FULL) {
        return APP_COLOR_INK;
    }
    return a->stroking ? APP_COLOR_LOCK_INK : APP_COLOR_LOCK_INK_FADED;
}

/* A square pen of side pen_px centred on (x, y), clipped to the drawing area. */
void app_pen_dot(const app *a, int x, int y)
{
    int r = a->cfg.pen_px / 2;
    int x0 = x - r, y0 = y - r, x1 = x0 + a->cfg.pen_px, y1 = y0 + a->cfg.pen_px;
    if (x0 < 0)
        x0 = 0;
    if (y0 < 0)
        y0 = 0;
    if (x1 > APP_CANVAS)
        x1 = APP_CANVAS;
    if (y1 > APP_CANVAS)
        y1 = APP_CANVAS;
    if (x1 > x0 && y1 > y0 && ink_visible(a)) {
        app_fill(a, x0, y0, x1 - x0, y1 - y0, ink_color(a));
    }
}

/* Stamps the pen along the segment every pen_px/2 pixels (integer steps). */
void app_pen_line(const app *a, int x0, int y0, int x1, int y1)
{
    int dx = x1 - x0, dy = y1 - y0;
    int adx = dx < 0 ? -dx : dx, ady = dy < 0 ? -dy : dy;
    int len = adx > ady ? adx : ady;
    int step = a->cfg.pen_px / 2 > 0 ? a->cfg.pen_px / 2 : 1;
    int n = (len + step - 1) / step;
    for (int i = 1; i <= n; i++) {
        app_pen_dot(a, x0 + dx * i / n, y0 + dy * i / n);
    }
    if (n == 0) {
        app_pen_dot(a, x1, y1);
    }
}

/* Lock mode with the lock open: the drawing area shows a large UNLOCKED. */
bool app_canvas_shows_open(const app *a)
{
    return a->mode == APP_MODE_LOCK && lock_get_state(&a->lock) == LOCK_UNLOCKED;
}

void app_paint_canvas(app *a)
{
    const ink_buffer *ink = &a->ink;
    app_fill(a, 0, 0, APP_CANVAS, APP_CANVAS, APP_COLOR_CANVAS);
    a->canvas_open = app_canvas_shows_open(a);
    for (int i = 0; i < ink->n; i++) {
        if (ink->x[i] == INK_PEN_LIFT) {
            continue;
        }
        if (i > 0 && ink->x[i - 1] != INK_PEN_LIFT) {
            app_pen_line(a, ink->x[i - 1], ink->y[i - 1], ink->x[i], ink->y[i]);
        } else {
            app_pen_dot(a, ink->x[i], ink->y[i]);
        }
    }
    if (ink->n == 0 && !a->stroking) {
        const char *hint = a->mode == APP_MODE_DEMO ? "draw a digit" : "draw one digit, pause";
        if (a->mode == APP_MODE_LOCK && lock_get_state(&a->lock) == LOCK_RECOVERY) {
            hint = "locked: needs recovery"; /* drawing does nothing here */
        } else if (app_canvas_shows_open(a)) {
            /* Nothing to draw while open: say so where the eye is. */
            app_text_centred(a, 0, APP_CANVAS, 104, "UNLOCKED", 3, APP_COLOR_OK, APP_COLOR_CANVAS);
            hint = "Lock, New PIN or Remove";
        }
        app_text_centred(a, 0, APP_CANVAS, APP_CANVAS - 14, hint, 1, APP_COLOR_DIM,
                         APP_COLOR_CANVAS);
    }
}

void app_clear_ink(app *a)
{
    ink_reset(&a->ink);
    a->pending = false;
    a->stroking = false;
    app_paint_canvas(a);
}

void app_paint_tabs(const app *a)
{
    draw_button(a, BTN_TAB_DEMO, APP_PANEL_X, 0, APP_PANEL_W / 2, APP_TAB_H,
                a->mode == APP_MODE_DEMO);
    draw_button(a, BTN_TAB_LOCK, APP_PANEL_X + APP_PANEL_W / 2, 0, APP_PANEL_W / 2, APP_TAB_H,
                a->mode == APP_MODE_LOCK);
}

void app_paint_buttons(const app *a)
{
    int8_t slots[3];
    app_visible_buttons(a, slots);
    for (int i = 0; i < 3; i++) {
        if (slots[i] != BTN_NONE) { /* the panel background is already painted */
            draw_button(a, slots[i], APP_PANEL_X, BUTTON_Y(i), APP_PANEL_W, APP_BUTTON_H, false);
        }
    }
}

/* The preview through the optional hal->draw_bitmap8, one 28-pixel row per
 * call (a port with a native grey blit draws it in 28 calls). */
static void paint_preview_grey(const app *a)
{
    uint8_t row[NET_IMAGE_SIDE];
    for (int r = 0; r < NET_IMAGE_SIDE; r++) {
        for (int c = 0; c < NET_IMAGE_SIDE; c++) {
            row[c] = a->has_preview && ink_pixel(a->image, r, c) ? 255u : 0u;
        }
        a->hal->draw_bitmap8(a->hal->ctx, PREVIEW_X, PREVIEW_Y + r * PREVIEW_SCALE, NET_IMAGE_SIDE,
                             1, row, PREVIEW_SCALE);
    }
}

/* The 28x28 image the engine saw, scaled x2, row-packed MSB-first for draw_bitmap1. */
void app_paint_preview(const app *a)
{
    uint8_t rows[NET_IMAGE_SIDE * 4];
    if (a->hal->draw_bitmap8 != NULL) {
        app_fill(a, PREVIEW_X - 2, PREVIEW_Y - 2, NET_IMAGE_SIDE * PREVIEW_SCALE + 4,
                 NET_IMAGE_SIDE * PREVIEW_SCALE + 4, APP_COLOR_DIM);
        paint_preview_grey(a);
        return;
    }
    memset(rows, 0, sizeof rows);
    if (a->has_preview) {
        for (int r = 0; r < NET_IMAGE_SIDE; r++) {
            for (int c = 0; c < NET_IMAGE_SIDE; c++) {
                if (ink_pixel(a->image, r, c)) {
                    rows[r * 4 + c / 8] = (uint8_t)(rows[r * 4 + c / 8] | (0x80u >> (c % 8)));
                }
            }
        }
    }
    app_fill(a, PREVIEW_X - 2, PREVIEW_Y - 2, NET_IMAGE_SIDE * PREVIEW_SCALE + 4,
             NET_IMAGE_SIDE * PREVIEW_SCALE + 4, APP_COLOR_DIM);
    a->hal->draw_bitmap1(a->hal->ctx, PREVIEW_X, PREVIEW_Y, NET_IMAGE_SIDE, NET_IMAGE_SIDE, rows,
                         PREVIEW_SCALE, APP_COLOR_INK, APP_COLOR_CANVAS);
}
