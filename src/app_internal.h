/* app_internal.h - what the files of the app share (private; the manual is inkpin/app.h).
 *
 * The app is one struct (inkpin/app.h) worked on by one file per job:
 *   app.c            the driver: setup, modes, the getters, whole-screen repaint
 *   app_fb.c         frame-buffer and font helpers for ports (app_fb_*, app_text_via_bitmap1)
 *   app_widgets.c    layout, drawing primitives, buttons, the drawing area, the preview
 *   app_text.c       small number formatting (no stdio)
 *   app_recognize.c  recognition through verdict.h, the demo panel and its log line
 *   app_lockui.c     the lock screen: lock.h events from buttons and digits, its panel
 *   app_input.c      touch and time: pointer tracking, button presses, app_tick, app_step
 * Nothing here is API: names may change with the files. Freestanding C99. */
#ifndef INKPIN_APP_INTERNAL_H
#define INKPIN_APP_INTERNAL_H

#include "inkpin/app.h"

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
    MSG_NONE = 0,
    MSG_DRAW_AGAIN,
    MSG_WRONG,
    MSG_MISMATCH,
    MSG_TOO_SHORT,
    MSG_SAVED,
    MSG_REMOVED,
    MSG_ERROR,
    MSG_NO_MODEL,
    MSG_CHECKING
};

/* Enter runs one tick after it was pressed, so "checking" is on screen during the KDF. */
enum { ENTER_IDLE = 0, ENTER_REQUESTED, ENTER_SHOWN };

#define BUTTON_Y(i) (APP_TAB_H + 80 + (i)*APP_BUTTON_H) /* i = 0, 1, 2: y 120, 160, 200 */

/* app.c: the driver */
uint32_t app_now(const app *a);
void app_log_line(const app *a, const char *line);
void app_paint_panel(app *a);

/* app_widgets.c */
int app_button_at(const app *a, int x, int y);
/* The buttons visible in the current mode and state, bottom slots 0..2 (y 120, 160, 200). */
void app_visible_buttons(const app *a, int8_t slots[3]);
void app_fill(const app *a, int x, int y, int w, int h, uint16_t c);
void app_text(const app *a, int x, int y, const char *s, int size, uint16_t fg, uint16_t bg);
void app_text_centred(const app *a, int x, int w, int y, const char *s, int size, uint16_t fg,
                      uint16_t bg);
void app_pen_dot(const app *a, int x, int y);
void app_pen_line(const app *a, int x0, int y0, int x1, int y1);
bool app_canvas_shows_open(const app *a);
void app_paint_canvas(app *a);
void app_clear_ink(app *a);
void app_paint_tabs(const app *a);
void app_paint_buttons(const app *a);
void app_paint_preview(const app *a);

/* app_text.c */
char *app_put_uint(char *p, uint32_t v, int min_digits);
void app_format_wait(char *out, uint32_t seconds);

/* app_recognize.c */
verdict_kind app_recognize(app *a, verdict *v);
void app_paint_demo_panel(const app *a);
void app_demo_predict(app *a);

/* app_lockui.c */
app_err app_lockui_init(app *a);
void app_lockui_take_digit(app *a);
void app_lockui_button(app *a, int id);
bool app_lockui_checking(const app *a);
void app_lockui_tick(app *a, uint32_t t);
void app_lockui_leave(app *a);
void app_paint_lock_panel(app *a);

#endif
