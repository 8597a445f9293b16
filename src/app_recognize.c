/* app_recognize.c - recognition through verdict.h, the demo panel and its log line.
 * Manual: inkpin/app.h; what the app files share: app_internal.h. */
#include "app_internal.h"

#include <string.h>

#define DIGIT_Y 102 /* demo: the predicted digit, size 5 (40 px) */
#define CONF_Y 146  /* demo: its confidence */

/* Renders the ink into a->image (the preview) and asks verdict.h what it
 * is, by the device rule (NET_REJECT_CONF), as `inkpin classify` does. */
verdict_kind app_recognize(app *a, verdict *v)
{
    verdict_from_ink(a->model, &a->ink, NET_REJECT_CONF, a->image, a->arena, sizeof a->arena, v);
    a->has_preview = v->kind != VERDICT_NO_DIGIT;
    return v->kind;
}

void app_paint_demo_panel(const app *a)
{
    char line[16], *p;
    app_paint_preview(a);
    if (!a->shown) {
        return;
    }
    if (a->last.kind == VERDICT_DIGIT) {
        line[0] = (char)('0' + a->last.digit % 10);
        line[1] = '\0';
        app_text_centred(a, APP_PANEL_X, APP_PANEL_W, DIGIT_Y, line, 5, APP_COLOR_TEXT,
                         APP_COLOR_PANEL);
        p = app_put_uint(line, verdict_permille(&a->last) / 10u, 1);
        p[0] = '%';
        p[1] = '\0';
        app_text_centred(a, APP_PANEL_X, APP_PANEL_W, CONF_Y, line, 1, APP_COLOR_DIM,
                         APP_COLOR_PANEL);
    } else if (a->last.kind == VERDICT_NO_DIGIT) {
        app_text_centred(a, APP_PANEL_X, APP_PANEL_W, DIGIT_Y, "?", 5, APP_COLOR_BAD,
                         APP_COLOR_PANEL);
        app_text_centred(a, APP_PANEL_X, APP_PANEL_W, CONF_Y, "no digit", 1, APP_COLOR_DIM,
                         APP_COLOR_PANEL);
    } else if (a->last.kind == VERDICT_DRAW_AGAIN) {
        /* Unsure: show the guess small, as a question. */
        app_text_centred(a, APP_PANEL_X, APP_PANEL_W, DIGIT_Y, "?", 5, APP_COLOR_WAIT,
                         APP_COLOR_PANEL);
        line[0] = (char)('0' + a->last.digit % 10);
        line[1] = '?';
        line[2] = ' ';
        p = app_put_uint(line + 3, verdict_permille(&a->last) / 10u, 1);
        p[0] = '%';
        p[1] = '\0';
        app_text_centred(a, APP_PANEL_X, APP_PANEL_W, CONF_Y, line, 1, APP_COLOR_DIM,
                         APP_COLOR_PANEL);
    } else {
        app_text_centred(a, APP_PANEL_X, APP_PANEL_W, CONF_Y, "no model", 1, APP_COLOR_BAD,
                         APP_COLOR_PANEL);
    }
}

void app_demo_predict(app *a)
{
    uint16_t permille;
    char line[24], *p;
    verdict_kind kind;
    a->pending = false;
    kind = app_recognize(a, &a->last);
    permille = verdict_permille(&a->last);
    a->shown = true;
    a->panel_dirty = true;
    /* The original printed the result on the serial port: "digit confidence". */
    if (kind == VERDICT_DIGIT) {
        line[0] = (char)('0' + a->last.digit % 10);
        line[1] = ' ';
        p = app_put_uint(line + 2, permille / 1000u, 1);
        *p++ = '.';
        app_put_uint(p, permille % 1000u, 3);
    } else if (kind == VERDICT_DRAW_AGAIN) {
        line[0] = '?';
        line[1] = ' ';
        p = app_put_uint(line + 2, permille / 1000u, 1);
        *p++ = '.';
        p = app_put_uint(p, permille % 1000u, 3);
        memcpy(p, " unsure", 8);
    } else if (kind == VERDICT_ERROR) {
        memcpy(line, "- no model", 11);
    } else {
        memcpy(line, "- no digit", 11);
    }
    app_log_line(a, line);
}
