/* app.c - the inkpin device screen, the driver (see src/inkpin/app.h for the manual).
 *
 * The app's files, one job each, are listed in app_internal.h. The app
 * repaints the right panel as a whole when something in it changed (it is
 * 80x240, cheap on every target) and draws strokes incrementally: it keeps no
 * copy of the drawing area, which it can repaint from the ink buffer when
 * needed. */
#include "app_internal.h"

#include <string.h>

uint32_t app_now(const app *a)
{
    return a->hal->now_ms != NULL ? a->hal->now_ms(a->hal->ctx) : 0u;
}

void app_log_line(const app *a, const char *line)
{
    if (a->hal->log != NULL) {
        a->hal->log(a->hal->ctx, line);
    }
}

void app_paint_panel(app *a)
{
    app_fill(a, APP_PANEL_X, 0, APP_PANEL_W, HAL_SCREEN_H, APP_COLOR_PANEL);
    app_paint_tabs(a);
    if (a->mode == APP_MODE_DEMO) {
        app_paint_demo_panel(a);
    } else {
        app_paint_lock_panel(a);
    }
    app_paint_buttons(a);
    a->panel_dirty = false;
}

void app_redraw(app *a)
{
    if (a == NULL) {
        return;
    }
    app_paint_canvas(a);
    app_paint_panel(a);
}

/* ---- modes and setup ------------------------------------------------------------------------ */

void app_set_mode(app *a, app_mode mode)
{
    if (a == NULL || (mode != APP_MODE_DEMO && mode != APP_MODE_LOCK)) {
        return;
    }
    if (a->mode == APP_MODE_LOCK && mode != APP_MODE_LOCK) {
        app_lockui_leave(a);
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

bool app_demo_verdict(const app *a, verdict *out)
{
    if (a == NULL || out == NULL || !a->shown) {
        return false;
    }
    *out = a->last;
    return true;
}

const lock_ctx *app_get_lock(const app *a)
{
    return a != NULL ? &a->lock : NULL;
}

const ink_buffer *app_get_ink(const app *a)
{
    return a != NULL ? &a->ink : NULL;
}

const char *app_strerror(app_err e)
{
    switch (e) {
    case APP_OK: return "ok";
    case APP_ERR_ARG: return "null pointer or missing HAL callback";
    case APP_ERR_LOCK: return "the lock failed to start";
    case APP_ERR_MODEL: return "no usable model";
    }
    return "unknown error";
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
    if (app_lockui_init(a) != APP_OK && a->status == APP_OK) {
        a->status = APP_ERR_LOCK;
    }
    app_redraw(a);
    return a->status;
}
