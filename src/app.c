/* app.c - the inkpin device screen (see src/inkpin/app.h for the manual).
 *
 * Sections: frame-buffer and text helpers for ports; layout and widgets;
 * recognition; lock glue; painting; input and time. The app repaints the
 * right panel as a whole when something in it changed (it is 80x240, cheap on
 * every target) and draws strokes incrementally: it keeps no copy of the
 * drawing area, which it can repaint from the ink buffer when needed. */
#include "inkpin/app.h"

#include <string.h>

#include "font8x8.h"

/* ---- frame buffer and text helpers (for ports) ------------------------------ */

void app_fb_fill_rect(uint16_t *fb, int x, int y, int w, int h, uint16_t rgb565)
{
    int x1 = x + w, y1 = y + h;
    if (fb == NULL) {
        return;
    }
    if (x < 0) x = 0;
    if (y < 0) y = 0;
    if (x1 > HAL_SCREEN_W) x1 = HAL_SCREEN_W;
    if (y1 > HAL_SCREEN_H) y1 = HAL_SCREEN_H;
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

/* ---- layout ------------------------------------------------------------------- */

enum {
    BTN_NONE = -1,
    BTN_TAB_DEMO = 0,
    BTN_TAB_LOCK,
    BTN_PREDICT,
    BTN_CLEAR,
    BTN_ENTER,
    BTN_BACK,
    BTN_LOCK_NOW,
    BTN_NEW_PIN,
    BTN_REMOVE_PIN,
    BTN_COUNT
};

/* Transient lock-mode messages (status line). */
enum {
    MSG_NONE = 0, MSG_DRAW_AGAIN, MSG_WRONG, MSG_MISMATCH, MSG_TOO_SHORT, MSG_SAVED, MSG_REMOVED,
    MSG_ERROR, MSG_NO_MODEL, MSG_CHECKING
};

/* Enter runs one tick after it was pressed, so "checking" is on screen during the KDF. */
enum { ENTER_IDLE = 0, ENTER_REQUESTED, ENTER_SHOWN };

#define BUTTON_Y(i) (APP_TAB_H + 80 + (i) * APP_BUTTON_H) /* i = 0, 1, 2: y 120, 160, 200 */
#define PREVIEW_X (APP_PANEL_X + 12)
#define PREVIEW_Y 44
#define PREVIEW_SCALE 2
#define MESSAGE_MS 1500u
#define DOT_PX 8
#define STATUS_Y 50
#define DIGIT_Y 102 /* demo: the predicted digit, size 5 (40 px) */
#define CONF_Y 146  /* demo: its confidence */
#define DOTS_Y 66

static const char *const button_label[BTN_COUNT] = {
    "DEMO", "LOCK", "Predict", "Clear", "Enter", "Back", "Lock", "New PIN", "Remove",
};

/* The buttons visible in the current mode and state, bottom slots 0..2 (y 120, 160, 200). */
static void visible_buttons(const app *a, int8_t slots[3]);
static void paint_lock_panel(app *a);

static int button_at(const app *a, int x, int y)
{
    int8_t slots[3];
    if (x < APP_PANEL_X || x >= HAL_SCREEN_W || y < 0 || y >= HAL_SCREEN_H) {
        return BTN_NONE;
    }
    if (y < APP_TAB_H) {
        return x < APP_PANEL_X + APP_PANEL_W / 2 ? BTN_TAB_DEMO : BTN_TAB_LOCK;
    }
    visible_buttons(a, slots);
    for (int i = 0; i < 3; i++) {
        if (slots[i] != BTN_NONE && y >= BUTTON_Y(i) && y < BUTTON_Y(i) + APP_BUTTON_H) {
            return slots[i];
        }
    }
    return BTN_NONE;
}

/* ---- drawing primitives ---------------------------------------------------- */

static void fill(const app *a, int x, int y, int w, int h, uint16_t c)
{
    a->hal->fill_rect(a->hal->ctx, x, y, w, h, c);
}

static void text(const app *a, int x, int y, const char *s, int size, uint16_t fg, uint16_t bg)
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
static void text_centred(const app *a, int x, int w, int y, const char *s, int size, uint16_t fg,
                         uint16_t bg)
{
    text(a, x + (w - text_width(s, size)) / 2, y, s, size, fg, bg);
}

static void draw_button(const app *a, int id, int x, int y, int w, int h, bool active)
{
    bool pressed = a->pressed == id && a->pressed_inside;
    uint16_t face = pressed ? APP_COLOR_PRESSED : active ? APP_COLOR_ACCENT : APP_COLOR_BUTTON;
    fill(a, x, y, w, h, APP_COLOR_PANEL);
    fill(a, x + 2, y + 2, w - 4, h - 4, face);
    text_centred(a, x, w, y + (h - FONT8X8_H) / 2, button_label[id], 1, APP_COLOR_TEXT, face);
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
static void pen_dot(const app *a, int x, int y)
{
    int r = a->cfg.pen_px / 2;
    int x0 = x - r, y0 = y - r, x1 = x0 + a->cfg.pen_px, y1 = y0 + a->cfg.pen_px;
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > APP_CANVAS) x1 = APP_CANVAS;
    if (y1 > APP_CANVAS) y1 = APP_CANVAS;
    if (x1 > x0 && y1 > y0 && ink_visible(a)) {
        fill(a, x0, y0, x1 - x0, y1 - y0, ink_color(a));
    }
}

/* Stamps the pen along the segment every pen_px/2 pixels (integer steps). */
static void pen_line(const app *a, int x0, int y0, int x1, int y1)
{
    int dx = x1 - x0, dy = y1 - y0;
    int adx = dx < 0 ? -dx : dx, ady = dy < 0 ? -dy : dy;
    int len = adx > ady ? adx : ady;
    int step = a->cfg.pen_px / 2 > 0 ? a->cfg.pen_px / 2 : 1;
    int n = (len + step - 1) / step;
    for (int i = 1; i <= n; i++) {
        pen_dot(a, x0 + dx * i / n, y0 + dy * i / n);
    }
    if (n == 0) {
        pen_dot(a, x1, y1);
    }
}

static int clamp_canvas(int v)
{
    return v < 0 ? 0 : v >= APP_CANVAS ? APP_CANVAS - 1 : v;
}

/* Lock mode with the lock open: the drawing area shows a large UNLOCKED. */
static bool canvas_shows_open(const app *a)
{
    return a->mode == APP_MODE_LOCK && lock_get_state(&a->lock) == LOCK_UNLOCKED;
}

static void paint_canvas(app *a)
{
    const ink_buffer *ink = &a->ink;
    fill(a, 0, 0, APP_CANVAS, APP_CANVAS, APP_COLOR_CANVAS);
    a->canvas_open = canvas_shows_open(a);
    for (int i = 0; i < ink->n; i++) {
        if (ink->x[i] == INK_PEN_LIFT) {
            continue;
        }
        if (i > 0 && ink->x[i - 1] != INK_PEN_LIFT) {
            pen_line(a, ink->x[i - 1], ink->y[i - 1], ink->x[i], ink->y[i]);
        } else {
            pen_dot(a, ink->x[i], ink->y[i]);
        }
    }
    if (ink->n == 0 && !a->stroking) {
        const char *hint = a->mode == APP_MODE_DEMO ? "draw a digit" : "draw one digit, pause";
        if (canvas_shows_open(a)) {
            /* Nothing to draw while open: say so where the eye is. */
            text_centred(a, 0, APP_CANVAS, 104, "UNLOCKED", 3, APP_COLOR_OK, APP_COLOR_CANVAS);
            hint = "Lock, New PIN or Remove";
        }
        text_centred(a, 0, APP_CANVAS, APP_CANVAS - 14, hint, 1, APP_COLOR_DIM, APP_COLOR_CANVAS);
    }
}

static void clear_ink(app *a)
{
    ink_reset(&a->ink);
    a->pending = false;
    a->stroking = false;
    paint_canvas(a);
}

static uint32_t now(const app *a)
{
    return a->hal->now_ms != NULL ? a->hal->now_ms(a->hal->ctx) : 0u;
}

/* ---- small text formatting (no stdio) ------------------------------------------ */

/* Writes v (0..99999) in decimal; returns the end of the string. */
static char *put_uint(char *p, uint32_t v, int min_digits)
{
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && n < 10);
    while (n < min_digits && n < 10) {
        tmp[n++] = '0';
    }
    while (n > 0) {
        *p++ = tmp[--n];
    }
    *p = '\0';
    return p;
}

/* A wait that fits the 80-px status line after "wait ": "mm:ss" under an
 * hour, "12h05" under 100 hours, "720h" beyond (the lock caps a wait at 30
 * days). out holds >= 12 bytes. */
static void format_wait(char *out, uint32_t seconds)
{
    char *p = out;
    if (seconds < 3600u) {
        p = put_uint(p, seconds / 60u, 2);
        *p++ = ':';
        put_uint(p, seconds % 60u, 2);
    } else if (seconds < 360000u) {
        p = put_uint(p, seconds / 3600u, 1);
        *p++ = 'h';
        put_uint(p, seconds % 3600u / 60u, 2);
    } else {
        p = put_uint(p, seconds / 3600u, 1);
        p[0] = 'h';
        p[1] = '\0';
    }
}

static void log_line(const app *a, const char *line)
{
    if (a->hal->log != NULL) {
        a->hal->log(a->hal->ctx, line);
    }
}

/* ---- recognition ----------------------------------------------------------------- */

/* Renders the ink into a->image (the preview) and asks verdict.h what it
 * is, by the device rule (NET_REJECT_CONF), as `inkpin classify` does. */
static verdict_kind recognize(app *a, verdict *v)
{
    verdict_from_ink(a->model, &a->ink, NET_REJECT_CONF, a->image, a->arena, sizeof a->arena, v);
    a->has_preview = v->kind != VERDICT_NO_DIGIT;
    return v->kind;
}

/* The verdict's confidence in 1/1000, rounded (0 when the engine did not run). */
static uint16_t permille_of(const verdict *v)
{
    return (uint16_t)((v->confidence * 1000u + NET_CONF_ONE / 2u) / NET_CONF_ONE);
}

/* ---- painting the panel ------------------------------------------------------------ */

static void paint_tabs(const app *a)
{
    draw_button(a, BTN_TAB_DEMO, APP_PANEL_X, 0, APP_PANEL_W / 2, APP_TAB_H, a->mode == APP_MODE_DEMO);
    draw_button(a, BTN_TAB_LOCK, APP_PANEL_X + APP_PANEL_W / 2, 0, APP_PANEL_W / 2, APP_TAB_H,
                a->mode == APP_MODE_LOCK);
}

static void paint_buttons(const app *a)
{
    int8_t slots[3];
    visible_buttons(a, slots);
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
static void paint_preview(const app *a)
{
    uint8_t rows[NET_IMAGE_SIDE * 4];
    if (a->hal->draw_bitmap8 != NULL) {
        fill(a, PREVIEW_X - 2, PREVIEW_Y - 2, NET_IMAGE_SIDE * PREVIEW_SCALE + 4,
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
    fill(a, PREVIEW_X - 2, PREVIEW_Y - 2, NET_IMAGE_SIDE * PREVIEW_SCALE + 4,
         NET_IMAGE_SIDE * PREVIEW_SCALE + 4, APP_COLOR_DIM);
    a->hal->draw_bitmap1(a->hal->ctx, PREVIEW_X, PREVIEW_Y, NET_IMAGE_SIDE, NET_IMAGE_SIDE, rows,
                         PREVIEW_SCALE, APP_COLOR_INK, APP_COLOR_CANVAS);
}

static void paint_demo_panel(const app *a)
{
    char line[16], *p;
    paint_preview(a);
    if (!a->shown) {
        return;
    }
    if (a->last.kind == VERDICT_DIGIT) {
        line[0] = (char)('0' + a->last.digit % 10);
        line[1] = '\0';
        text_centred(a, APP_PANEL_X, APP_PANEL_W, DIGIT_Y, line, 5, APP_COLOR_TEXT, APP_COLOR_PANEL);
        p = put_uint(line, permille_of(&a->last) / 10u, 1);
        p[0] = '%';
        p[1] = '\0';
        text_centred(a, APP_PANEL_X, APP_PANEL_W, CONF_Y, line, 1, APP_COLOR_DIM, APP_COLOR_PANEL);
    } else if (a->last.kind == VERDICT_NO_DIGIT) {
        text_centred(a, APP_PANEL_X, APP_PANEL_W, DIGIT_Y, "?", 5, APP_COLOR_BAD, APP_COLOR_PANEL);
        text_centred(a, APP_PANEL_X, APP_PANEL_W, CONF_Y, "no digit", 1, APP_COLOR_DIM, APP_COLOR_PANEL);
    } else if (a->last.kind == VERDICT_DRAW_AGAIN) {
        /* Unsure: show the guess small, as a question. */
        text_centred(a, APP_PANEL_X, APP_PANEL_W, DIGIT_Y, "?", 5, APP_COLOR_WAIT, APP_COLOR_PANEL);
        line[0] = (char)('0' + a->last.digit % 10);
        line[1] = '?';
        line[2] = ' ';
        p = put_uint(line + 3, permille_of(&a->last) / 10u, 1);
        p[0] = '%';
        p[1] = '\0';
        text_centred(a, APP_PANEL_X, APP_PANEL_W, CONF_Y, line, 1, APP_COLOR_DIM, APP_COLOR_PANEL);
    } else {
        text_centred(a, APP_PANEL_X, APP_PANEL_W, CONF_Y, "no model", 1, APP_COLOR_BAD, APP_COLOR_PANEL);
    }
}

static void paint_panel(app *a)
{
    fill(a, APP_PANEL_X, 0, APP_PANEL_W, HAL_SCREEN_H, APP_COLOR_PANEL);
    paint_tabs(a);
    if (a->mode == APP_MODE_DEMO) {
        paint_demo_panel(a);
    } else {
        paint_lock_panel(a);
    }
    paint_buttons(a);
    a->panel_dirty = false;
}

void app_redraw(app *a)
{
    if (a == NULL) {
        return;
    }
    paint_canvas(a);
    paint_panel(a);
}

/* ---- actions ------------------------------------------------------------------------- */

static void demo_predict(app *a)
{
    uint16_t permille;
    char line[24], *p;
    verdict_kind kind;
    a->pending = false;
    kind = recognize(a, &a->last);
    permille = permille_of(&a->last);
    a->shown = true;
    a->panel_dirty = true;
    /* The original printed the result on the serial port: "digit confidence". */
    if (kind == VERDICT_DIGIT) {
        line[0] = (char)('0' + a->last.digit % 10);
        line[1] = ' ';
        p = put_uint(line + 2, permille / 1000u, 1);
        *p++ = '.';
        put_uint(p, permille % 1000u, 3);
    } else if (kind == VERDICT_DRAW_AGAIN) {
        line[0] = '?';
        line[1] = ' ';
        p = put_uint(line + 2, permille / 1000u, 1);
        *p++ = '.';
        p = put_uint(p, permille % 1000u, 3);
        memcpy(p, " unsure", 8);
    } else if (kind == VERDICT_ERROR) {
        memcpy(line, "- no model", 11);
    } else {
        memcpy(line, "- no digit", 11);
    }
    log_line(a, line);
}

/* ---- lock mode ------------------------------------------------------------------------ */

/* The lock module decides; the app translates touches into its events and
 * draws lock_get_view(). Nothing here logs a digit, a PIN or a prediction. */

static void lockui_message(app *a, uint8_t msg)
{
    a->message = msg;
    a->message_until = now(a) + MESSAGE_MS;
    a->panel_dirty = true;
}

/* Transient messages for the results that need one. */
static void lockui_result(app *a, lock_result r)
{
    switch (r) {
    case LOCK_RESULT_WRONG:
        lockui_message(a, MSG_WRONG);
        log_line(a, "lock: wrong PIN");
        break;
    case LOCK_RESULT_MISMATCH:
        lockui_message(a, MSG_MISMATCH);
        break;
    case LOCK_RESULT_TOO_SHORT:
        lockui_message(a, MSG_TOO_SHORT);
        break;
    case LOCK_RESULT_PIN_SET:
        lockui_message(a, MSG_SAVED);
        log_line(a, "lock: PIN set, unlocked");
        break;
    case LOCK_RESULT_UNLOCKED:
        lockui_message(a, MSG_NONE);
        log_line(a, "lock: unlocked");
        break;
    case LOCK_RESULT_LOCKED:
        log_line(a, "lock: locked");
        break;
    case LOCK_RESULT_PIN_REMOVED:
    case LOCK_RESULT_WIPED:
        lockui_message(a, MSG_REMOVED);
        log_line(a, "lock: PIN removed");
        break;
    case LOCK_RESULT_ERROR:
        lockui_message(a, MSG_ERROR);
        log_line(a, "lock: KDF or random error");
        break;
    case LOCK_RESULT_STORAGE_FAILED:
        clear_ink(a); /* recovery: nothing more to draw */
        break;
    default:
        break;
    }
    a->panel_dirty = true;
}

/* The drawing followed by a pause becomes one digit of the entry. */
static void lockui_take_digit(app *a)
{
    verdict v;
    a->pending = false;
    if (recognize(a, &v) == VERDICT_DIGIT) {
        lockui_result(a, lock_digit(&a->lock, v.digit));
    } else if (a->ink.n > 0) {
        lockui_message(a, v.kind == VERDICT_ERROR ? MSG_NO_MODEL : MSG_DRAW_AGAIN);
    }
    /* The strokes, the image and the verdict spell a PIN digit. */
    lock_wipe(&v, sizeof v);
    lock_wipe(a->image, sizeof a->image);
    lock_wipe(&a->ink, sizeof a->ink);
    lock_wipe(a->arena, sizeof a->arena);
    a->has_preview = false;
    clear_ink(a);
}

static bool lockui_cancellable(lock_state s)
{
    return s == LOCK_VERIFY || s == LOCK_ENROLL || s == LOCK_CONFIRM;
}

static void lockui_button(app *a, int id)
{
    lock_view v;
    switch (id) {
    case BTN_ENTER:
        if (a->ink.n > 0) {
            lockui_take_digit(a);
        }
        /* The KDF may take a second: show "checking" first, then run Enter
         * on the next tick, after the port has presented this frame. */
        a->enter_state = ENTER_REQUESTED;
        a->message = MSG_CHECKING;
        a->message_until = now(a) + MESSAGE_MS;
        a->panel_dirty = true;
        break;
    case BTN_BACK:
        if (a->ink.n > 0) {
            clear_ink(a); /* first undo the digit being drawn */
        } else {
            lockui_result(a, lock_backspace(&a->lock));
        }
        break;
    case BTN_CLEAR:
        lock_get_view(&a->lock, &v);
        if (a->ink.n == 0 && v.digits == 0 && lockui_cancellable(v.state)) {
            lockui_result(a, lock_cancel(&a->lock)); /* Clear on an empty entry backs out */
        } else {
            lockui_result(a, lock_clear(&a->lock));
        }
        clear_ink(a);
        break;
    case BTN_LOCK_NOW:
        lockui_result(a, lock_lock(&a->lock));
        break;
    case BTN_NEW_PIN:
        lockui_result(a, lock_change_pin(&a->lock));
        break;
    case BTN_REMOVE_PIN:
        lockui_result(a, lock_remove_pin(&a->lock));
        break;
    default:
        break;
    }
}

static uint32_t wait_seconds(const lock_view *v)
{
    return (v->wait_ms + 999u) / 1000u;
}

/* A digest of everything the lock panel shows, to repaint only on change. */
static uint32_t lockui_signature(const app *a, const lock_view *v)
{
    uint32_t sig = (uint32_t)v->state;
    sig = sig * 31u + v->digits;
    sig = sig * 31u + v->max_digits;
    sig = sig * 31u + (uint32_t)(v->preview + 1);
    sig = sig * 31u + a->message;
    sig = sig * 31u + wait_seconds(v);
    return sig;
}

static void lockui_tick(app *a, uint32_t t)
{
    lock_view v;
    if (a->enter_state == ENTER_SHOWN) {
        a->enter_state = ENTER_IDLE;
        a->message = MSG_NONE;
        lockui_result(a, lock_enter(&a->lock));
    }
    (void)lock_tick(&a->lock, t);
    if (a->message != MSG_NONE && (int32_t)(t - a->message_until) >= 0) {
        a->message = MSG_NONE;
    }
    lock_get_view(&a->lock, &v);
    if (lockui_signature(a, &v) != a->painted_sig) {
        a->panel_dirty = true;
    }
    if (canvas_shows_open(a) != a->canvas_open && a->ink.n == 0 && !a->stroking) {
        paint_canvas(a);
    }
}

static void lockui_leave(app *a)
{
    lock_view v;
    a->enter_state = ENTER_IDLE;
    lock_get_view(&a->lock, &v);
    if (v.digits > 0) {
        (void)lock_clear(&a->lock);
    }
    a->message = MSG_NONE;
}

static void visible_buttons(const app *a, int8_t slots[3])
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

/* The status line: a countdown or a message beats the state's name. */
static const char *lockui_status(const app *a, const lock_view *v, uint16_t *color, char buf[16])
{
    static const char *const message_text[] = {
        "", "draw again", "wrong PIN", "mismatch", "too short", "PIN set", "PIN removed",
        "error", "no model", "checking",
    };
    if (v->state == LOCK_RECOVERY) {
        *color = APP_COLOR_BAD;
        return "RECOVERY";
    }
    if (v->wait_ms > 0) {
        *color = APP_COLOR_WAIT;
        memcpy(buf, "wait ", 5);
        format_wait(buf + 5, wait_seconds(v));
        return buf;
    }
    if (a->message != MSG_NONE) {
        *color = a->message == MSG_SAVED      ? APP_COLOR_OK
                 : a->message == MSG_CHECKING ? APP_COLOR_TEXT
                                              : APP_COLOR_BAD;
        return message_text[a->message];
    }
    *color = APP_COLOR_TEXT;
    switch (v->state) {
    case LOCK_NO_PIN:
        return "NO PIN";
    case LOCK_ENROLL:
        return v->purpose == LOCK_PURPOSE_CHANGE ? "NEW PIN" : "SET PIN";
    case LOCK_CONFIRM:
        return "CONFIRM";
    case LOCK_LOCKED:
        *color = APP_COLOR_BAD;
        return "LOCKED";
    case LOCK_UNLOCKED:
        *color = APP_COLOR_OK;
        return "UNLOCKED";
    case LOCK_VERIFY:
        return "OLD PIN";
    default:
        return "";
    }
}

/* A second, dim line saying what to do next. */
static const char *lockui_hint(const lock_view *v, char buf[16])
{
    switch (v->state) {
    case LOCK_NO_PIN:
        return "draw a PIN";
    case LOCK_ENROLL:
        if (v->digits >= v->min_digits) {
            return "then Enter";
        }
        buf[0] = (char)('0' + v->min_digits % 10);
        buf[1] = '-';
        buf[2] = (char)('0' + v->max_digits % 10);
        memcpy(buf + 3, " digits", 8);
        return buf;
    case LOCK_CONFIRM:
        return v->digits >= v->min_digits ? "then Enter" : "once more";
    case LOCK_LOCKED:
    case LOCK_VERIFY:
        return v->digits >= v->max_digits ? "then Enter" : "draw PIN";
    default:
        return "";
    }
}

/* Filled dots for the digits entered, hollow ones for the slots still open. */
static void paint_dots(const app *a, const lock_view *v)
{
    int slots = v->state == LOCK_LOCKED || v->state == LOCK_VERIFY ? v->max_digits : v->min_digits;
    int x0;
    if (slots < v->digits) {
        slots = v->digits;
    }
    if (slots > LOCK_PIN_MAX) {
        slots = LOCK_PIN_MAX;
    }
    x0 = APP_PANEL_X + (APP_PANEL_W - slots * (DOT_PX + 2) + 2) / 2;
    for (int i = 0; i < slots; i++) {
        int x = x0 + i * (DOT_PX + 2);
        if (i < v->digits) {
            fill(a, x, DOTS_Y, DOT_PX, DOT_PX, APP_COLOR_TEXT);
        } else {
            fill(a, x, DOTS_Y, DOT_PX, DOT_PX, APP_COLOR_DIM);
            fill(a, x + 1, DOTS_Y + 1, DOT_PX - 2, DOT_PX - 2, APP_COLOR_PANEL);
        }
    }
}

static void paint_lock_panel(app *a)
{
    lock_view v;
    char buf[16];
    uint16_t color = APP_COLOR_TEXT;
    const char *status;
    lock_get_view(&a->lock, &v);
    status = lockui_status(a, &v, &color, buf);
    text_centred(a, APP_PANEL_X, APP_PANEL_W, STATUS_Y, status, 1, color, APP_COLOR_PANEL);
    if (v.state == LOCK_RECOVERY) {
        int y = STATUS_Y + 16;
        if (v.storage_failed) { /* worn-out or missing flash: the reason first */
            text_centred(a, APP_PANEL_X, APP_PANEL_W, y, "storage", 1, APP_COLOR_BAD, APP_COLOR_PANEL);
            text_centred(a, APP_PANEL_X, APP_PANEL_W, y + 10, "failing", 1, APP_COLOR_BAD,
                         APP_COLOR_PANEL);
            y += 26;
        }
        text_centred(a, APP_PANEL_X, APP_PANEL_W, y, "see docs/", 1, APP_COLOR_DIM, APP_COLOR_PANEL);
        text_centred(a, APP_PANEL_X, APP_PANEL_W, y + 10, "security", 1, APP_COLOR_DIM,
                     APP_COLOR_PANEL);
    } else if (v.state != LOCK_UNLOCKED && v.state != LOCK_NO_PIN) {
        paint_dots(a, &v);
    }
    if (v.preview < 0 && v.wait_ms == 0) {
        const char *hint = lockui_hint(&v, buf);
        text_centred(a, APP_PANEL_X, APP_PANEL_W, 90, hint, 1, APP_COLOR_DIM, APP_COLOR_PANEL);
    }
    if (v.preview >= 0 && v.preview <= 9) {
        buf[0] = (char)('0' + v.preview);
        buf[1] = '\0';
        text_centred(a, APP_PANEL_X, APP_PANEL_W, 82, buf, 4, APP_COLOR_DIM, APP_COLOR_PANEL);
    }
    a->painted_sig = lockui_signature(a, &v);
}

/* lock_init checks the HAL itself and switches the door output off first,
 * whatever else fails. */
static app_err lockui_init(app *a)
{
    return lock_init(&a->lock, a->hal, a->cfg.lock) == LOCK_OK ? APP_OK : APP_ERR_LOCK;
}

/* ---- buttons ----------------------------------------------------------------------------- */

static void press_button(app *a, int id)
{
    switch (id) {
    case BTN_TAB_DEMO:
        app_set_mode(a, APP_MODE_DEMO);
        break;
    case BTN_TAB_LOCK:
        app_set_mode(a, APP_MODE_LOCK);
        break;
    case BTN_PREDICT:
        demo_predict(a);
        break;
    case BTN_CLEAR:
        if (a->mode == APP_MODE_LOCK) {
            lockui_button(a, BTN_CLEAR);
            return;
        } else {
            a->shown = false;
            a->has_preview = false;
            a->panel_dirty = true;
        }
        clear_ink(a);
        break;
    default:
        lockui_button(a, id);
        break;
    }
}

/* ---- input and time ---------------------------------------------------------------------- */

static void pointer_down(app *a, int x, int y)
{
    if (x < APP_CANVAS && y < APP_CANVAS) {
        a->stroking = true;
        if (a->ink.n == 0) {
            paint_canvas(a); /* erase the hint */
        }
        a->pending = false;
        a->last_x = (int16_t)clamp_canvas(x);
        a->last_y = (int16_t)clamp_canvas(y);
        (void)ink_pen_down(&a->ink, a->last_x, a->last_y);
        pen_dot(a, a->last_x, a->last_y);
        return;
    }
    a->pressed = (int8_t)button_at(a, x, y);
    a->pressed_inside = a->pressed != BTN_NONE;
    if (a->pressed != BTN_NONE) {
        a->panel_dirty = true;
    }
}

static void pointer_move(app *a, int x, int y)
{
    if (a->stroking) {
        int cx = clamp_canvas(x), cy = clamp_canvas(y);
        if (cx == a->last_x && cy == a->last_y) {
            return;
        }
        (void)ink_pen_move(&a->ink, cx, cy);
        pen_line(a, a->last_x, a->last_y, cx, cy);
        a->last_x = (int16_t)cx;
        a->last_y = (int16_t)cy;
    } else if (a->pressed != BTN_NONE) {
        bool inside = button_at(a, x, y) == a->pressed;
        if (inside != a->pressed_inside) {
            a->pressed_inside = inside;
            a->panel_dirty = true;
        }
    }
}

static void pointer_up(app *a)
{
    if (a->stroking) {
        (void)ink_pen_up(&a->ink);
        a->stroking = false;
        a->pending = true;
        a->pen_up_ms = now(a);
        if (a->mode == APP_MODE_LOCK && a->cfg.lock_ink == APP_LOCK_INK_DIM) {
            paint_canvas(a); /* fade the strokes so far */
        }
        return;
    }
    if (a->pressed != BTN_NONE) {
        int id = a->pressed;
        bool fire = a->pressed_inside;
        a->pressed = BTN_NONE;
        a->pressed_inside = false;
        a->panel_dirty = true;
        if (fire) {
            press_button(a, id); /* a button acts on release, like a phone's */
        }
    }
}

void app_pointer(app *a, bool down, int x, int y)
{
    if (a == NULL) {
        return;
    }
    if (down && !a->was_down) {
        pointer_down(a, x, y);
    } else if (down) {
        pointer_move(a, x, y);
    } else if (a->was_down) {
        pointer_up(a);
    }
    a->was_down = down;
}

void app_tick(app *a)
{
    uint32_t t;
    if (a == NULL) {
        return;
    }
    t = now(a);
    if (a->pending && a->cfg.auto_predict_ms != 0 &&
        (uint32_t)(t - a->pen_up_ms) >= a->cfg.auto_predict_ms) {
        if (a->mode == APP_MODE_DEMO) {
            demo_predict(a);
        } else {
            lockui_take_digit(a);
        }
    }
    if (a->mode == APP_MODE_LOCK) {
        lockui_tick(a, t);
    } else {
        (void)lock_tick(&a->lock, t); /* waits and the auto-relock run in demo mode too */
    }
    if (a->panel_dirty) {
        paint_panel(a);
    }
    if (a->enter_state == ENTER_REQUESTED) {
        a->enter_state = ENTER_SHOWN; /* painted: Enter runs on the next tick */
    }
}

void app_step(app *a)
{
    int x = 0, y = 0;
    bool down;
    if (a == NULL) {
        return;
    }
    down = a->hal->touch != NULL && a->hal->touch(a->hal->ctx, &x, &y);
    app_pointer(a, down, x, y);
    app_tick(a);
}

/* ---- modes and setup ------------------------------------------------------------------------ */

void app_set_mode(app *a, app_mode mode)
{
    if (a == NULL || (mode != APP_MODE_DEMO && mode != APP_MODE_LOCK)) {
        return;
    }
    if (a->mode == APP_MODE_LOCK && mode != APP_MODE_LOCK) {
        lockui_leave(a);
    }
    a->mode = mode;
    a->shown = false;
    a->has_preview = false;
    ink_reset(&a->ink);
    a->pending = false;
    a->stroking = false;
    app_redraw(a);
}

app_mode app_get_mode(const app *a)
{
    return a != NULL ? a->mode : APP_MODE_DEMO;
}

int app_demo_digit(const app *a, int *permille)
{
    if (a == NULL) {
        return -1;
    }
    if (permille != NULL) {
        *permille = (int)permille_of(&a->last);
    }
    if (!a->shown) {
        return -1;
    }
    switch (a->last.kind) {
    case VERDICT_DIGIT: return a->last.digit;
    case VERDICT_NO_DIGIT: return -2;
    case VERDICT_DRAW_AGAIN: return -4;
    default: return -3;
    }
}

bool app_demo_verdict(const app *a, verdict *out)
{
    if (a == NULL || out == NULL || !a->shown) {
        return false;
    }
    *out = a->last;
    return true;
}

const lock_ctx *app_lock(const app *a)
{
    return a != NULL ? &a->lock : NULL;
}

const ink_buffer *app_ink(const app *a)
{
    return a != NULL ? &a->ink : NULL;
}

void app_config_default(app_config *cfg)
{
    if (cfg == NULL) {
        return;
    }
    cfg->start_mode = APP_MODE_DEMO;
    cfg->auto_predict_ms = 700;
    cfg->pen_px = 8;
    cfg->model = NULL;
    cfg->lock = NULL;
    cfg->lock_ink = APP_LOCK_INK_DIM;
}

app_err app_init(app *a, const hal *h, const app_config *cfg)
{
    if (a == NULL || h == NULL || h->fill_rect == NULL || h->draw_bitmap1 == NULL) {
        return APP_ERR_ARG;
    }
    memset(a, 0, sizeof *a);
    a->hal = h;
    if (cfg != NULL) {
        a->cfg = *cfg;
    } else {
        app_config_default(&a->cfg);
    }
    if (a->cfg.pen_px == 0) {
        a->cfg.pen_px = 1;
    }
    a->mode = a->cfg.start_mode == APP_MODE_LOCK ? APP_MODE_LOCK : APP_MODE_DEMO;
    a->pressed = BTN_NONE;
    a->shown = false;
    ink_reset(&a->ink);
    a->model = a->cfg.model;
    if (a->model == NULL || net_check(a->model) != NET_OK ||
        net_arena_bytes(a->model) > sizeof a->arena) {
        a->model = NULL;
        a->status = APP_ERR_MODEL;
    }
    if (lockui_init(a) != APP_OK && a->status == APP_OK) {
        a->status = APP_ERR_LOCK;
    }
    app_redraw(a);
    return a->status;
}
