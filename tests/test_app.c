/* test_app.c - the device app on a frame-buffer HAL: layout, live strokes,
 * Predict / auto-predict against an independent ink_render + net_run, the 28x28
 * preview pixel for pixel, the demo log line, mode tabs, and the whole lock
 * flow (set PIN, confirm, lock, wrong PIN, backoff countdown, right PIN) with
 * nothing secret on the log.
 *
 * The board and the recognizer (a hand-made one-layer model: a vertical bar
 * reads "1", a horizontal bar "2") are tests/util/app_board.h. The app's
 * answers are checked against running ink + net directly on the same strokes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "inkpin/app.h"
#include "util/app_board.h"
#include "util/testutil.h"

static app A;

static void start_app(bool erase_flash)
{
    app_config cfg;
    board_reset(erase_flash);
    build_model();
    app_config_default(&cfg);
    cfg.model = &model;
    assert_int_equal(app_init(&A, &H, &cfg), APP_OK);
}

/* The demo verdict on the panel (app_demo_verdict): its kind, or NO_VERDICT
 * when none is shown; its digit, or -1 unless the kind is VERDICT_DIGIT. */
#define NO_VERDICT (-1)

static int demo_kind(void)
{
    verdict v;
    return app_demo_verdict(&A, &v) ? (int)v.kind : NO_VERDICT;
}

static int demo_digit(void)
{
    verdict v;
    return app_demo_verdict(&A, &v) && v.kind == VERDICT_DIGIT ? v.digit : -1;
}

/* The shown verdict's confidence in 1/1000, rounded as the panel shows it. */
static int shown_permille(void)
{
    verdict v;
    assert_true(app_demo_verdict(&A, &v));
    return (int)((v.confidence * 1000u + NET_CONF_ONE / 2u) / NET_CONF_ONE);
}

/* ---- gestures --------------------------------------------------------------- */

static void tap(int x, int y)
{
    app_pointer(&A, true, x, y);
    app_tick(&A);
    app_pointer(&A, false, x, y);
    app_tick(&A);
}

static void drag(const int *xy, int n)
{
    for (int i = 0; i < n; i++) {
        app_pointer(&A, true, xy[2 * i], xy[2 * i + 1]);
        app_tick(&A);
        B.now += 15;
    }
    app_pointer(&A, false, 0, 0);
    app_tick(&A);
}

static const int vertical_bar[] = {120, 40, 121, 80, 120, 120, 119, 160, 120, 200};
static const int horizontal_bar[] = {40, 120, 80, 121, 120, 120, 160, 119, 200, 120};

/* Waits past the auto-predict pause. */
static void pause_ms(uint32_t ms)
{
    B.now += ms;
    app_tick(&A);
}

/* The digit ink + net give for these strokes, computed without the app. */
static int reference_digit(const int *xy, int n, uint8_t image[NET_IMAGE_BYTES], int *permille)
{
    ink_buffer ink;
    net_result r;
    ink_reset(&ink);
    assert_int_equal(ink_pen_down(&ink, xy[0], xy[1]), INK_OK);
    for (int i = 1; i < n; i++) {
        assert_int_equal(ink_pen_move(&ink, xy[2 * i], xy[2 * i + 1]), INK_OK);
    }
    assert_int_equal(ink_pen_up(&ink), INK_OK);
    assert_int_equal(ink_render(&ink, image), INK_OK);
    uint8_t arena[64];
    assert_int_equal(net_run(&model, image, arena, sizeof arena, &r), NET_OK);
    *permille = (int)((r.confidence[r.digit] * 1000u + NET_CONF_ONE / 2) / NET_CONF_ONE);
    return r.digit;
}

/* ---- demo mode --------------------------------------------------------------- */

static void test_layout_at_start(void **state)
{
    (void)state;
    start_app(true);
    assert_int_equal(app_get_mode(&A), APP_MODE_DEMO);
    assert_int_equal(px(10, 10), APP_COLOR_CANVAS);
    assert_int_equal(px(120, 120), APP_COLOR_CANVAS);
    assert_int_equal(px(260, 20), APP_COLOR_ACCENT);  /* DEMO tab is the active one */
    assert_int_equal(px(300, 5), APP_COLOR_BUTTON);   /* LOCK tab */
    assert_int_equal(px(250, 175), APP_COLOR_BUTTON); /* Predict */
    assert_int_equal(px(250, 215), APP_COLOR_BUTTON); /* Clear */
    assert_true(on_screen("Predict"));
    assert_true(on_screen("Clear"));
    assert_true(on_screen("draw a digit"));
    assert_int_equal(demo_kind(), NO_VERDICT);
}

static void test_strokes_drawn_live(void **state)
{
    (void)state;
    start_app(true);
    app_pointer(&A, true, 50, 50);
    assert_int_equal(px(50, 50), APP_COLOR_INK);
    app_pointer(&A, true, 150, 50);
    for (int x = 50; x <= 150; x += 5) {
        assert_int_equal(px(x, 50), APP_COLOR_INK); /* no gaps between samples */
    }
    assert_int_equal(px(100, 80), APP_COLOR_CANVAS);
    /* Dragging out of the area clamps: nothing drawn over the panel. */
    app_pointer(&A, true, 400, 50);
    assert_int_equal(px(244, 60), APP_COLOR_PANEL);
    assert_int_equal(px(239, 50), APP_COLOR_INK);
    app_pointer(&A, false, 0, 0);
    assert_true(app_get_ink(&A)->n >= 3);
}

static void test_predict_matches_reference(void **state)
{
    uint8_t image[NET_IMAGE_BYTES];
    int want_conf, conf;
    int want = reference_digit(vertical_bar, 5, image, &want_conf);
    char want_log[32];
    (void)state;
    assert_int_equal(want, 1);
    start_app(true);
    drag(vertical_bar, 5);
    assert_int_equal(demo_kind(), NO_VERDICT); /* no pause yet */
    tap(280, 180);                             /* Predict */
    assert_int_equal(demo_kind(), VERDICT_DIGIT);
    assert_int_equal(demo_digit(), want);
    conf = shown_permille();
    assert_int_equal(conf, want_conf);
    assert_true(on_screen("1"));
    {
        char pct[16];
        snprintf(pct, sizeof pct, "%d%%", want_conf / 10); /* floor: 100% only for 1.000 */
        assert_true(on_screen(pct));
    }
    /* The log line the original printed on serial: "digit confidence". */
    snprintf(want_log, sizeof want_log, "%d %d.%03d", want, want_conf / 1000, want_conf % 1000);
    assert_int_equal(B.n_log, 1);
    assert_string_equal(B.log[0], want_log);
    /* The preview is the engine's input, pixel for pixel, at 2x from (252, 44). */
    for (int r = 0; r < NET_IMAGE_SIDE; r++) {
        for (int c = 0; c < NET_IMAGE_SIDE; c++) {
            uint16_t want_px = ink_pixel(image, r, c) ? APP_COLOR_INK : APP_COLOR_CANVAS;
            assert_int_equal(px(252 + 2 * c, 44 + 2 * r), want_px);
            assert_int_equal(px(253 + 2 * c, 45 + 2 * r), want_px);
        }
    }
}

static void test_auto_predict_after_pause(void **state)
{
    uint8_t image[NET_IMAGE_BYTES];
    int want_conf;
    int want = reference_digit(horizontal_bar, 5, image, &want_conf);
    (void)state;
    assert_int_equal(want, 2);
    start_app(true);
    drag(horizontal_bar, 5);
    pause_ms(600);
    assert_int_equal(demo_kind(), NO_VERDICT);
    pause_ms(100);
    assert_int_equal(demo_kind(), VERDICT_DIGIT);
    assert_int_equal(demo_digit(), 2);
    assert_true(on_screen("2"));
    /* A new stroke cancels nothing already shown, Clear empties all. */
    tap(280, 220);
    assert_int_equal(demo_kind(), NO_VERDICT);
    assert_int_equal(app_get_ink(&A)->n, 0);
    assert_int_equal(px(120, 120), APP_COLOR_CANVAS);
    assert_false(on_screen("2"));
}

static void test_tap_is_no_digit(void **state)
{
    (void)state;
    start_app(true);
    tap(100, 100);
    pause_ms(1000);
    assert_int_equal(demo_kind(), VERDICT_NO_DIGIT);
    assert_true(on_screen("no digit"));
    assert_string_equal(B.log[B.n_log - 1], "- no digit");
}

static void test_unsure_is_not_a_digit(void **state)
{
    app_config cfg;
    int permille;
    (void)state;
    board_reset(true);
    build_model_twin(true);
    app_config_default(&cfg);
    cfg.model = &model;
    assert_int_equal(app_init(&A, &H, &cfg), APP_OK);
    drag(horizontal_bar, 5);
    tap(280, 180);
    assert_int_equal(demo_kind(), VERDICT_DRAW_AGAIN);
    permille = shown_permille();
    assert_true(permille > 0 && permille < 500);
    assert_non_null(strstr(B.log[B.n_log - 1], " unsure"));
    assert_int_equal(B.log[B.n_log - 1][0], '?');
    assert_true(on_screen("?"));
    /* In lock mode the same drawing is refused: "draw again", no dot. */
    tap(300, 20);
    drag(horizontal_bar, 5);
    pause_ms(800);
    assert_true(on_screen("draw again"));
    assert_int_equal(px(APP_PANEL_X + 22, 70), APP_COLOR_PANEL);
}

static void test_button_fires_on_release_inside(void **state)
{
    (void)state;
    start_app(true);
    drag(vertical_bar, 5);
    app_pointer(&A, true, 280, 180); /* press Predict ... */
    app_tick(&A);
    assert_int_equal(px(250, 175), APP_COLOR_PRESSED);
    app_pointer(&A, true, 100, 100); /* ... slide off and release: nothing */
    app_pointer(&A, false, 100, 100);
    app_tick(&A);
    assert_int_equal(demo_kind(), NO_VERDICT);
    assert_int_equal(app_get_ink(&A)->n > 0, 1);
}

/* ---- lock mode --------------------------------------------------------------- */

static void draw_digit(const int *bar)
{
    drag(bar, 5);
    pause_ms(800);
}

/* Enter shows "checking" for one frame, then runs on the next tick. */
static void press_enter(void)
{
    tap(280, 140);
    assert_true(on_screen("checking"));
    app_tick(&A);
}

static void enter_pin(const int *bar, int n)
{
    for (int i = 0; i < n; i++) {
        draw_digit(bar);
    }
    press_enter();
}

static void assert_no_secret_logged(int from)
{
    for (int i = from; i < B.n_log; i++) {
        assert_null(strstr(B.log[i], "1111"));
        assert_null(strstr(B.log[i], "2222"));
        /* no demo-style "digit confidence" line */
        assert_false(B.log[i][0] >= '0' && B.log[i][0] <= '9' && B.log[i][1] == ' ');
    }
}

/* Sets PIN 1111 on a fresh board in lock mode and returns UNLOCKED. */
static void set_pin_1111(void)
{
    start_app(true);
    tap(300, 20);
    for (int i = 0; i < 4; i++) {
        draw_digit(vertical_bar);
    }
    press_enter();
    enter_pin(vertical_bar, 4);
    assert_int_equal(lock_get_state(app_get_lock(&A)), LOCK_UNLOCKED);
}

/* Finding 4: in lock mode an onlooker must not read the digit off the
 * screen: the stroke is dim while drawn and fainter still after pen-up
 * (demo mode keeps white ink); APP_LOCK_INK_NONE draws nothing at all. */
static void test_lock_ink_is_dim_and_fades(void **state)
{
    (void)state;
    const int part[] = {120, 40, 121, 80, 120, 120};
    start_app(true);
    tap(300, 20);
    for (int i = 0; i < 3; i++) {
        app_pointer(&A, true, part[2 * i], part[2 * i + 1]);
        app_tick(&A);
    }
    assert_int_not_equal(px(120, 80), APP_COLOR_INK); /* not full white */
    assert_int_equal(px(120, 80), APP_COLOR_LOCK_INK);
    app_pointer(&A, false, 0, 0);
    app_tick(&A);
    assert_int_equal(px(120, 80), APP_COLOR_LOCK_INK_FADED); /* faded at pen-up */
    pause_ms(800);
    assert_int_equal(px(120, 80), APP_COLOR_CANVAS); /* gone once read */

    app_config cfg;
    board_reset(true);
    app_config_default(&cfg);
    cfg.model = &model;
    cfg.start_mode = APP_MODE_LOCK;
    cfg.lock_ink = APP_LOCK_INK_NONE;
    assert_int_equal(app_init(&A, &H, &cfg), APP_OK);
    for (int i = 0; i < 3; i++) {
        app_pointer(&A, true, part[2 * i], part[2 * i + 1]);
        app_tick(&A);
    }
    assert_false(region_has(100, 30, 40, 100, APP_COLOR_INK));
    assert_false(region_has(100, 30, 40, 100, APP_COLOR_LOCK_INK));
    assert_int_equal(px(120, 80), APP_COLOR_CANVAS);
    app_pointer(&A, false, 0, 0);
    pause_ms(800);
    lock_view v;
    lock_get_view(app_get_lock(&A), &v);
    assert_int_equal(v.digits, 1); /* still recognized and entered */
}

/* ---- asynchronous KDF: hal->kdf_start, answered by app_kdf_done -------------- */

static char async_pin[LOCK_PIN_MAX];
static size_t async_len;
static uint8_t async_salt[HAL_KDF_SALT_BYTES];
static int async_starts;

static int t_kdf_start(void *ctx, const char *pin, size_t pin_len,
                       const uint8_t salt[HAL_KDF_SALT_BYTES])
{
    (void)ctx;
    async_starts++;
    memcpy(async_pin, pin, pin_len);
    async_len = pin_len;
    memcpy(async_salt, salt, sizeof async_salt);
    return 0;
}

/* The worker's answer to the last request. */
static lock_result async_answer(int rc)
{
    uint8_t hash[HAL_KDF_HASH_BYTES];
    assert_int_equal(t_kdf(NULL, hash, async_pin, async_len, async_salt), 0);
    return app_kdf_done(&A, hash, rc);
}

static lock_view lock_now(void)
{
    lock_view v;
    lock_get_view(app_get_lock(&A), &v);
    return v;
}

/* "checking" stays up until the answer, however long it takes; strokes drawn
 * meanwhile are drawn and become a digit after it; buttons wait; the door
 * opens only on a matching hash. */
static void test_async_kdf_checking(void **state)
{
    (void)state;
    set_pin_1111();
    tap(280, 140); /* Lock */
    H.kdf = NULL;  /* the lock keeps &H: from here the KDF is asynchronous */
    H.kdf_start = t_kdf_start;
    async_starts = 0;

    enter_pin(horizontal_bar, 4); /* 2222: wrong */
    assert_int_equal(async_starts, 1);
    assert_true(lock_now().checking);
    assert_int_equal(lock_now().failed_attempts, 1); /* stored before the request */
    pause_ms(5000);
    assert_true(on_screen("checking"));
    assert_int_equal(B.door, 0);
    /* A digit drawn while checking: rendered, kept, not entered. */
    const int part[] = {120, 40, 121, 80, 120, 120};
    for (int i = 0; i < 3; i++) {
        app_pointer(&A, true, part[2 * i], part[2 * i + 1]);
        app_tick(&A);
    }
    assert_int_equal(px(120, 80), APP_COLOR_LOCK_INK);
    app_pointer(&A, false, 0, 0);
    pause_ms(800);
    assert_true(app_get_ink(&A)->n > 0);
    assert_int_equal(lock_now().digits, 0);
    tap(280, 140); /* Enter while checking: nothing new */
    app_tick(&A);
    assert_int_equal(async_starts, 1);
    assert_true(on_screen("checking"));

    assert_int_equal(async_answer(0), LOCK_RESULT_WRONG);
    app_tick(&A);
    assert_true(on_screen("wrong PIN"));
    assert_false(lock_now().checking);
    assert_int_equal(B.door, 0);
    pause_ms(800); /* the digit drawn during the check goes in now */
    assert_int_equal(lock_now().digits, 1);
    tap(280, 180); /* Back */
    assert_int_equal(lock_now().digits, 0);

    /* The right PIN with a failing KDF: an error, counted, still locked. */
    enter_pin(vertical_bar, 4);
    assert_true(lock_now().checking);
    assert_int_equal(async_answer(-1), LOCK_RESULT_ERROR);
    assert_int_equal(lock_now().state, LOCK_LOCKED);
    assert_int_equal(lock_now().failed_attempts, 2);
    assert_int_equal(B.door, 0);

    /* The right PIN, answered: open. */
    pause_ms(2000);
    enter_pin(vertical_bar, 4);
    assert_int_equal(B.door, 0);
    assert_int_equal(async_answer(0), LOCK_RESULT_UNLOCKED);
    app_tick(&A);
    assert_true(on_screen("UNLOCKED"));
    assert_int_equal(B.door, 1);
    assert_int_equal(lock_now().failed_attempts, 0);
    /* No check running: a stray answer changes nothing. */
    assert_int_equal(async_answer(0), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_now().state, LOCK_UNLOCKED);
}

/* The door output: off at boot, on only while UNLOCKED, off at Lock, off at
 * the relock timeout (10 s by default) even in demo mode, off after a reboot. */
static void test_door_output(void **state)
{
    (void)state;
    start_app(true);
    assert_int_equal(B.door, 0); /* switched off first thing at boot */
    set_pin_1111();
    assert_int_equal(B.door, 1);
    assert_true(lock_get_state(app_get_lock(&A)) == LOCK_UNLOCKED);
    tap(280, 140); /* Lock */
    assert_int_equal(B.door, 0);
    enter_pin(horizontal_bar, 4); /* wrong */
    assert_int_equal(B.door, 0);
    enter_pin(vertical_bar, 4);
    assert_int_equal(B.door, 1);
    /* Auto-relock, counted also while the demo tab is shown. */
    tap(260, 20);
    assert_int_equal(app_get_mode(&A), APP_MODE_DEMO);
    pause_ms(9000);
    assert_int_equal(B.door, 1);
    pause_ms(1500);
    assert_int_equal(B.door, 0);
    assert_int_equal(lock_get_state(app_get_lock(&A)), LOCK_LOCKED);
    /* Reboot while open: off at boot, and the device is LOCKED. */
    tap(300, 20);
    enter_pin(vertical_bar, 4);
    assert_int_equal(B.door, 1);
    {
        app_config cfg;
        board_reset(false);
        app_config_default(&cfg);
        cfg.model = &model;
        assert_int_equal(app_init(&A, &H, &cfg), APP_OK);
        assert_int_equal(B.door, 0);
        assert_int_equal(B.door_calls, 1);
        assert_int_equal(lock_get_state(app_get_lock(&A)), LOCK_LOCKED);
    }
}

/* Finding 5: worn-out flash shows the recovery screen with the reason. */
static void test_worn_flash_shows_storage_failure(void **state)
{
    (void)state;
    set_pin_1111();
    tap(280, 140); /* Lock */
    B.fault.fail = STORE_FAULT_PROG | STORE_FAULT_ERASE;
    enter_pin(vertical_bar, 4);
    assert_int_equal(B.door, 0);
    assert_true(on_screen("RECOVERY"));
    assert_true(on_screen("storage"));
    assert_false(on_screen("error"));
}

static void test_lock_flow(void **state)
{
    int log_start;
    (void)state;
    start_app(true);
    tap(300, 20); /* LOCK tab */
    log_start = B.n_log;
    assert_int_equal(app_get_mode(&A), APP_MODE_LOCK);
    assert_int_equal(px(300, 20), APP_COLOR_ACCENT);
    assert_true(on_screen("Enter"));
    assert_true(on_screen("Back"));

    /* Set the PIN 1111 (vertical bars), confirm it. */
    draw_digit(vertical_bar);
    assert_true(on_screen("SET PIN"));
    for (int i = 0; i < INK_MAX_POINTS; i++) { /* the digit's strokes are wiped */
        assert_int_equal(app_get_ink(&A)->x[i] | app_get_ink(&A)->y[i], 0);
    }
    assert_int_equal(px(APP_PANEL_X + 22, 70), APP_COLOR_TEXT); /* first dot filled */
    for (int i = 0; i < 3; i++) {
        draw_digit(vertical_bar);
    }
    press_enter();
    assert_true(on_screen("CONFIRM"));
    enter_pin(vertical_bar, 4);
    assert_true(on_screen("PIN set"));
    pause_ms(2000);
    assert_true(on_screen("UNLOCKED"));
    assert_true(on_screen("Lock"));
    assert_true(
        region_has(0, 100, APP_CANVAS, 30, APP_COLOR_OK)); /* large UNLOCKED in the canvas */
    assert_true(region_has(APP_PANEL_X, 48, APP_PANEL_W, 12, APP_COLOR_OK));

    /* Lock, then a wrong PIN (2222) five times: 4 free attempts, then 30 s. */
    tap(280, 140);
    assert_true(on_screen("LOCKED"));
    assert_false(region_has(0, 100, APP_CANVAS, 30, APP_COLOR_OK));
    assert_true(region_has(APP_PANEL_X, 48, APP_PANEL_W, 12, APP_COLOR_BAD)); /* red LOCKED */
    for (int k = 0; k < 5; k++) {
        enter_pin(horizontal_bar, 4);
        assert_true(on_screen(k < 4 ? "wrong PIN" : "wait 00:30"));
        pause_ms(2000);
    }
    assert_true(on_screen("wait 00:28"));
    assert_true(region_has(APP_PANEL_X, 48, APP_PANEL_W, 12, APP_COLOR_WAIT));
    assert_false(on_screen("LOCKED"));
    /* A scribble is refused as "draw again", not entered. */
    tap(100, 100);
    pause_ms(800);
    /* During the wait digits are refused; the countdown keeps running. */
    pause_ms(10000);
    assert_true(on_screen("wait 00:18"));
    pause_ms(19000);
    assert_true(on_screen("LOCKED"));

    /* The right PIN opens. */
    enter_pin(vertical_bar, 4);
    assert_true(on_screen("UNLOCKED"));
    assert_no_secret_logged(log_start);

    /* Reboot: the PIN survives in storage and the device boots locked. */
    {
        app_config cfg;
        board_reset(false);
        app_config_default(&cfg);
        cfg.model = &model;
        cfg.start_mode = APP_MODE_LOCK;
        assert_int_equal(app_init(&A, &H, &cfg), APP_OK);
        assert_true(on_screen("LOCKED"));
    }
}

/* Long waits keep fitting the status line: "wait 1h00" after the 9th failure
 * (schedule: 4 free, 30 s, 1 min, 5 min, 15 min, 1 h, ...). */
static void test_long_wait_format(void **state)
{
    (void)state;
    start_app(true);
    tap(300, 20);
    enter_pin(vertical_bar, 4);
    enter_pin(vertical_bar, 4);
    pause_ms(2000);
    tap(280, 140); /* Lock */
    assert_true(on_screen("LOCKED"));
    for (int k = 1; k <= 9; k++) {
        lock_view v;
        lock_get_view(app_get_lock(&A), &v);
        pause_ms(v.wait_ms + 1000); /* wait out the previous backoff */
        enter_pin(horizontal_bar, 4);
    }
    assert_true(on_screen("wait 1h00"));
    pause_ms(60000);
    assert_true(on_screen("wait 59:00"));
    assert_no_secret_logged(0);
}

static void test_draw_again_on_scribble(void **state)
{
    (void)state;
    start_app(true);
    tap(300, 20);
    tap(100, 100); /* a dot: ink says "no digit" */
    pause_ms(800);
    assert_true(on_screen("draw again"));
    assert_int_equal(px(APP_PANEL_X + 22, 70), APP_COLOR_PANEL); /* no dot entered */
    pause_ms(2000);
    assert_true(on_screen("SET PIN") || on_screen("NO PIN"));
}

/* A port without KDF: the app still runs; lock mode fails closed (RECOVERY). */
static void test_lock_without_kdf_fails_closed(void **state)
{
    app_config cfg;
    (void)state;
    board_reset(true);
    build_model();
    H.kdf = NULL;
    app_config_default(&cfg);
    cfg.model = &model;
    assert_int_equal(app_init(&A, &H, &cfg), APP_ERR_LOCK);
    drag(vertical_bar, 5);
    tap(280, 180);
    assert_int_equal(demo_digit(), 1); /* demo mode works */
    tap(300, 20);
    assert_true(on_screen("RECOVERY"));
    assert_true(on_screen("locked: needs recovery")); /* not an invitation to draw */
    assert_false(on_screen("draw one digit, pause"));
    for (int i = 0; i < 4; i++) {
        draw_digit(vertical_bar); /* ignored, no crash */
    }
    tap(280, 140); /* no Enter button in RECOVERY */
    app_tick(&A);
    assert_false(on_screen("Enter"));
    assert_true(on_screen("RECOVERY"));
    assert_false(on_screen("UNLOCKED"));
    assert_int_equal(lock_get_state(app_get_lock(&A)), LOCK_RECOVERY);
}

static void test_font_helper_draws_glyphs(void **state)
{
    (void)state;
    board_reset(true);
    app_fb_fill_rect(B.fb, 0, 0, HAL_SCREEN_W, HAL_SCREEN_H, 0);
    app_text_via_bitmap1(&H, 0, 0, "I", 2, 0xFFFF, 0x0000);
    /* 'I' is a centred vertical bar: column 3 of the glyph, x2 -> x 6..7. */
    assert_int_equal(px(6, 6), 0xFFFF);
    assert_int_equal(px(7, 7), 0xFFFF);
    assert_int_equal(px(0, 6), 0x0000);
    assert_int_equal(px(6, 15), 0x0000); /* row 7 is blank */
    /* Clipping: drawing off screen writes nothing out of bounds (ASan checks). */
    app_text_via_bitmap1(&H, 316, 236, "WW", 3, 0xFFFF, 0);
    app_fb_fill_rect(B.fb, -50, -50, 10000, 10000, 0x1234);
    assert_int_equal(px(319, 239), 0x1234);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_at_start),
        cmocka_unit_test(test_strokes_drawn_live),
        cmocka_unit_test(test_predict_matches_reference),
        cmocka_unit_test(test_auto_predict_after_pause),
        cmocka_unit_test(test_tap_is_no_digit),
        cmocka_unit_test(test_unsure_is_not_a_digit),
        cmocka_unit_test(test_button_fires_on_release_inside),
        cmocka_unit_test(test_lock_flow),
        cmocka_unit_test(test_lock_ink_is_dim_and_fades),
        cmocka_unit_test(test_async_kdf_checking),
        cmocka_unit_test(test_door_output),
        cmocka_unit_test(test_worn_flash_shows_storage_failure),
        cmocka_unit_test(test_long_wait_format),
        cmocka_unit_test(test_draw_again_on_scribble),
        cmocka_unit_test(test_lock_without_kdf_fails_closed),
        cmocka_unit_test(test_font_helper_draws_glyphs),
    };
    if (sodium_init() < 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
