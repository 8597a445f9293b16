/* app_lockui.c - the lock screen: buttons and digits to lock.h events, its panel.
 * Manual: inkpin/app.h; what the app files share: app_internal.h. */
#include "app_internal.h"

#include <string.h>

#include "inkpin/util.h"

#define MESSAGE_MS 1500u
#define DOT_PX 8
#define STATUS_Y 50
#define DOTS_Y 66

/* The lock module decides; the app translates touches into its events and
 * draws lock_get_view(). Nothing here logs a digit, a PIN or a prediction. */

static void lockui_message(app *a, uint8_t msg)
{
    a->message = msg;
    a->message_until = app_now(a) + MESSAGE_MS;
    a->panel_dirty = true;
}

/* Transient messages for the results that need one. */
static void lockui_result(app *a, lock_result r)
{
    switch (r) {
    case LOCK_RESULT_WRONG:
        lockui_message(a, MSG_WRONG);
        app_log_line(a, "lock: wrong PIN");
        break;
    case LOCK_RESULT_MISMATCH: lockui_message(a, MSG_MISMATCH); break;
    case LOCK_RESULT_TOO_SHORT: lockui_message(a, MSG_TOO_SHORT); break;
    case LOCK_RESULT_PIN_SET:
        lockui_message(a, MSG_SAVED);
        app_log_line(a, "lock: PIN set, unlocked");
        break;
    case LOCK_RESULT_UNLOCKED:
        lockui_message(a, MSG_NONE);
        app_log_line(a, "lock: unlocked");
        break;
    case LOCK_RESULT_LOCKED: app_log_line(a, "lock: locked"); break;
    case LOCK_RESULT_PIN_REMOVED:
    case LOCK_RESULT_WIPED:
        lockui_message(a, MSG_REMOVED);
        app_log_line(a, "lock: PIN removed");
        break;
    case LOCK_RESULT_ERROR:
        lockui_message(a, MSG_ERROR);
        app_log_line(a, "lock: KDF or random error");
        break;
    case LOCK_RESULT_STORAGE_FAILED:
        app_clear_ink(a); /* recovery: nothing more to draw */
        break;
    default: break;
    }
    a->panel_dirty = true;
}

/* The drawing followed by a pause becomes one digit of the entry. */
void app_lockui_take_digit(app *a)
{
    verdict v;
    a->pending = false;
    if (app_recognize(a, &v) == VERDICT_DIGIT) {
        lockui_result(a, lock_digit(&a->lock, v.digit));
    } else if (a->ink.n > 0) {
        lockui_message(a, v.kind == VERDICT_ERROR ? MSG_NO_MODEL : MSG_DRAW_AGAIN);
    }
    /* The strokes, the image and the verdict spell a PIN digit. */
    util_wipe(&v, sizeof v);
    util_wipe(a->image, sizeof a->image);
    util_wipe(&a->ink, sizeof a->ink);
    util_wipe(a->arena, sizeof a->arena);
    a->has_preview = false;
    app_clear_ink(a);
}

static bool lockui_cancellable(lock_state s)
{
    return s == LOCK_VERIFY || s == LOCK_ENROLL || s == LOCK_CONFIRM;
}

lock_result app_kdf_done(app *a, uint8_t hash[HAL_KDF_HASH_BYTES], int rc)
{
    lock_result r;
    if (a == NULL) {
        if (hash != NULL) {
            util_wipe(hash, HAL_KDF_HASH_BYTES);
        }
        return LOCK_RESULT_IGNORED;
    }
    r = lock_kdf_done(&a->lock, hash, rc);
    if (r != LOCK_RESULT_IGNORED) {
        a->message = MSG_NONE;
        lockui_result(a, r);
    }
    return r;
}

/* An asynchronous KDF is running: the lock takes no event until it answers. */
bool app_lockui_checking(const app *a)
{
    lock_view v;
    lock_get_view(&a->lock, &v);
    return v.checking;
}

void app_lockui_button(app *a, int id)
{
    lock_view v;
    if (app_lockui_checking(a)) {
        return; /* every button waits for the check; the strokes stay */
    }
    switch (id) {
    case BTN_ENTER:
        if (a->ink.n > 0) {
            app_lockui_take_digit(a);
        }
        /* The KDF may take a second: show "checking" first, then run Enter
         * on the next tick, after the port has presented this frame. */
        a->enter_state = ENTER_REQUESTED;
        a->message = MSG_CHECKING;
        a->message_until = app_now(a) + MESSAGE_MS;
        a->panel_dirty = true;
        break;
    case BTN_BACK:
        if (a->ink.n > 0) {
            app_clear_ink(a); /* first undo the digit being drawn */
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
        app_clear_ink(a);
        break;
    case BTN_LOCK_NOW: lockui_result(a, lock_lock(&a->lock)); break;
    case BTN_NEW_PIN: lockui_result(a, lock_change_pin(&a->lock)); break;
    case BTN_REMOVE_PIN: lockui_result(a, lock_remove_pin(&a->lock)); break;
    default: break;
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
    sig = sig * 31u + (v->checking ? 1u : 0u);
    return sig;
}

void app_lockui_tick(app *a, uint32_t t)
{
    lock_view v;
    if (a->enter_state == ENTER_SHOWN) {
        a->enter_state = ENTER_IDLE;
        a->message = MSG_NONE;
        lockui_result(a, lock_enter(&a->lock));
    }
    lock_get_view(&a->lock, &v);
    if (v.checking) {
        a->message = MSG_CHECKING; /* until app_kdf_done, however long the KDF takes */
        a->message_until = t + MESSAGE_MS;
    }
    (void)lock_tick(&a->lock, t);
    if (a->message != MSG_NONE && (int32_t)(t - a->message_until) >= 0) {
        a->message = MSG_NONE;
    }
    lock_get_view(&a->lock, &v);
    if (lockui_signature(a, &v) != a->painted_sig) {
        a->panel_dirty = true;
    }
    if (app_canvas_shows_open(a) != a->canvas_open && a->ink.n == 0 && !a->stroking) {
        app_paint_canvas(a);
    }
}

void app_lockui_leave(app *a)
{
    lock_view v;
    a->enter_state = ENTER_IDLE;
    lock_get_view(&a->lock, &v);
    if (v.digits > 0) {
        (void)lock_clear(&a->lock);
    }
    a->message = MSG_NONE;
}

/* The status line: a countdown or a message beats the state's name. */
static const char *lockui_status(const app *a, const lock_view *v, uint16_t *color, char buf[16])
{
    static const char *const message_text[] = {
        "",        "draw again",  "wrong PIN", "mismatch", "too short",
        "PIN set", "PIN removed", "error",     "no model", "checking",
    };
    if (v->state == LOCK_RECOVERY) {
        *color = APP_COLOR_BAD;
        return "RECOVERY";
    }
    if (v->checking) {
        *color = APP_COLOR_TEXT;
        return message_text[MSG_CHECKING];
    }
    if (v->wait_ms > 0) {
        *color = APP_COLOR_WAIT;
        memcpy(buf, "wait ", 5);
        app_format_wait(buf + 5, wait_seconds(v));
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
    case LOCK_NO_PIN: return "NO PIN";
    case LOCK_ENROLL: return v->purpose == LOCK_PURPOSE_CHANGE ? "NEW PIN" : "SET PIN";
    case LOCK_CONFIRM: return "CONFIRM";
    case LOCK_LOCKED: *color = APP_COLOR_BAD; return "LOCKED";
    case LOCK_UNLOCKED: *color = APP_COLOR_OK; return "UNLOCKED";
    case LOCK_VERIFY: return "OLD PIN";
    default: return "";
    }
}

/* A second, dim line saying what to do next. */
static const char *lockui_hint(const lock_view *v, char buf[16])
{
    switch (v->state) {
    case LOCK_NO_PIN: return "draw a PIN";
    case LOCK_ENROLL:
        if (v->digits >= v->min_digits) {
            return "then Enter";
        }
        buf[0] = (char)('0' + v->min_digits % 10);
        buf[1] = '-';
        buf[2] = (char)('0' + v->max_digits % 10);
        memcpy(buf + 3, " digits", 8);
        return buf;
    case LOCK_CONFIRM: return v->digits >= v->min_digits ? "then Enter" : "once more";
    case LOCK_LOCKED:
    case LOCK_VERIFY: return v->digits >= v->max_digits ? "then Enter" : "draw PIN";
    default: return "";
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
            app_fill(a, x, DOTS_Y, DOT_PX, DOT_PX, APP_COLOR_TEXT);
        } else {
            app_fill(a, x, DOTS_Y, DOT_PX, DOT_PX, APP_COLOR_DIM);
            app_fill(a, x + 1, DOTS_Y + 1, DOT_PX - 2, DOT_PX - 2, APP_COLOR_PANEL);
        }
    }
}

void app_paint_lock_panel(app *a)
{
    lock_view v;
    char buf[16];
    uint16_t color = APP_COLOR_TEXT;
    const char *status;
    lock_get_view(&a->lock, &v);
    status = lockui_status(a, &v, &color, buf);
    app_text_centred(a, APP_PANEL_X, APP_PANEL_W, STATUS_Y, status, 1, color, APP_COLOR_PANEL);
    if (v.state == LOCK_RECOVERY) {
        int y = STATUS_Y + 16;
        if (v.storage_failed) { /* worn-out or missing flash: the reason first */
            app_text_centred(a, APP_PANEL_X, APP_PANEL_W, y, "storage", 1, APP_COLOR_BAD,
                             APP_COLOR_PANEL);
            app_text_centred(a, APP_PANEL_X, APP_PANEL_W, y + 10, "failing", 1, APP_COLOR_BAD,
                             APP_COLOR_PANEL);
            y += 26;
        }
        app_text_centred(a, APP_PANEL_X, APP_PANEL_W, y, "see docs/", 1, APP_COLOR_DIM,
                         APP_COLOR_PANEL);
        app_text_centred(a, APP_PANEL_X, APP_PANEL_W, y + 10, "security", 1, APP_COLOR_DIM,
                         APP_COLOR_PANEL);
    } else if (v.state != LOCK_UNLOCKED && v.state != LOCK_NO_PIN) {
        paint_dots(a, &v);
    }
    if (v.preview < 0 && v.wait_ms == 0) {
        const char *hint = lockui_hint(&v, buf);
        app_text_centred(a, APP_PANEL_X, APP_PANEL_W, 90, hint, 1, APP_COLOR_DIM, APP_COLOR_PANEL);
    }
    if (v.preview >= 0 && v.preview <= 9) {
        buf[0] = (char)('0' + v.preview);
        buf[1] = '\0';
        app_text_centred(a, APP_PANEL_X, APP_PANEL_W, 82, buf, 4, APP_COLOR_DIM, APP_COLOR_PANEL);
    }
    a->painted_sig = lockui_signature(a, &v);
}

/* lock_init checks the HAL itself and switches the door output off first,
 * whatever else fails. */
app_err app_lockui_init(app *a)
{
    return lock_init(&a->lock, a->hal, a->cfg.lock) == LOCK_OK ? APP_OK : APP_ERR_LOCK;
}
