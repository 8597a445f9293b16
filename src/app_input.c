/* app_input.c - touch and time: pointer tracking, button presses, app_tick, app_step.
 * Manual: inkpin/app.h; what the app files share: app_internal.h. */
#include "app_internal.h"

static void press_button(app *a, int id)
{
    switch (id) {
    case BTN_TAB_DEMO: app_set_mode(a, APP_MODE_DEMO); break;
    case BTN_TAB_LOCK: app_set_mode(a, APP_MODE_LOCK); break;
    case BTN_PREDICT: app_demo_predict(a); break;
    case BTN_CLEAR:
        if (a->mode == APP_MODE_LOCK) {
            app_lockui_button(a, BTN_CLEAR);
            return;
        } else {
            a->shown = false;
            a->has_preview = false;
            a->panel_dirty = true;
        }
        app_clear_ink(a);
        break;
    default: app_lockui_button(a, id); break;
    }
}

static int clamp_canvas(int v)
{
    return v < 0 ? 0 : v >= APP_CANVAS ? APP_CANVAS - 1 : v;
}

/* ---- input and time ---------------------------------------------------------------------- */

static void pointer_down(app *a, int x, int y)
{
    if (x < APP_CANVAS && y < APP_CANVAS) {
        a->stroking = true;
        if (a->ink.n == 0) {
            app_paint_canvas(a); /* erase the hint */
        }
        a->pending = false;
        a->last_x = (int16_t)clamp_canvas(x);
        a->last_y = (int16_t)clamp_canvas(y);
        (void)ink_pen_down(&a->ink, a->last_x, a->last_y);
        app_pen_dot(a, a->last_x, a->last_y);
        return;
    }
    a->pressed = (int8_t)app_button_at(a, x, y);
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
        app_pen_line(a, a->last_x, a->last_y, cx, cy);
        a->last_x = (int16_t)cx;
        a->last_y = (int16_t)cy;
    } else if (a->pressed != BTN_NONE) {
        bool inside = app_button_at(a, x, y) == a->pressed;
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
        a->pen_up_ms = app_now(a);
        if (a->mode == APP_MODE_LOCK && a->cfg.lock_ink == APP_LOCK_INK_DIM) {
            app_paint_canvas(a); /* fade the strokes so far */
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
    t = app_now(a);
    /* While the lock checks a PIN, a digit drawn in lock mode waits for it. */
    if (a->pending && a->cfg.auto_predict_ms != 0 &&
        (uint32_t)(t - a->pen_up_ms) >= a->cfg.auto_predict_ms &&
        (a->mode == APP_MODE_DEMO || !app_lockui_checking(a))) {
        if (a->mode == APP_MODE_DEMO) {
            app_demo_predict(a);
        } else {
            app_lockui_take_digit(a);
        }
    }
    if (a->mode == APP_MODE_LOCK) {
        app_lockui_tick(a, t);
    } else {
        (void)lock_tick(&a->lock, t); /* waits and the auto-relock run in demo mode too */
    }
    if (a->panel_dirty) {
        app_paint_panel(a);
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
