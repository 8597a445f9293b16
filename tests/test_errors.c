/* test_errors.c - the library's one error convention and one NULL policy
 * (docs/design.md, Contracts): every module's *_strerror names each code of
 * its enum with its own text and any other value as "unknown error", and every
 * public function given a NULL pointer returns what its header's RETURN
 * CONVENTION says, writes nothing and does not crash (ink's and net's NULL
 * handling is checked in test_ink.c and test_net.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "inkpin.h"

typedef const char *(*strerror_fn)(int code);

/* Adapters: each module's strerror takes its own enum type. */
static const char *ink_name(int e)
{
    return ink_strerror((ink_err)e);
}
static const char *net_name(int e)
{
    return net_strerror((net_err)e);
}
static const char *lock_name(int e)
{
    return lock_strerror((lock_err)e);
}
static const char *store_name(int e)
{
    return store_strerror((store_err)e);
}
static const char *app_name(int e)
{
    return app_strerror((app_err)e);
}

/* Codes lowest..0 each have a non-empty text of their own, "ok" for 0, and the
 * values just outside the enum read "unknown error". */
static void check_names(strerror_fn name, int lowest)
{
    assert_string_equal(name(0), "ok");
    for (int e = lowest; e <= 0; e++) {
        const char *s = name(e);
        assert_non_null(s);
        assert_true(s[0] != '\0');
        assert_string_not_equal(s, "unknown error");
        for (int other = lowest; other < e; other++)
            assert_string_not_equal(s, name(other));
    }
    assert_string_equal(name(lowest - 1), "unknown error");
    assert_string_equal(name(1), "unknown error");
}

static void test_strerror_names_every_code(void **state)
{
    (void)state;
    check_names(ink_name, INK_ERR_ARG);
    check_names(net_name, NET_ERR_BLOB_FORMAT);
    check_names(lock_name, LOCK_ERR_STORAGE);
    check_names(store_name, STORE_ERR_ARG);
    check_names(app_name, APP_ERR_MODEL);
}

static void test_verdict_null(void **state)
{
    (void)state;
    static uint8_t arena[NET_ARENA_BYTES];
    uint8_t image[NET_IMAGE_BYTES];
    ink_buffer ink;
    verdict v;
    ink_reset(&ink);
    assert_int_equal(ink_pen_down(&ink, 100, 40), INK_OK);
    assert_int_equal(ink_pen_move(&ink, 100, 200), INK_OK);
    assert_int_equal(ink_pen_up(&ink), INK_OK);
    const net_model *m = net_default_model();
    assert_int_equal(verdict_from_ink(m, &ink, NET_REJECT_CONF, image, arena, sizeof arena, NULL),
                     VERDICT_ERROR);
    assert_int_equal(verdict_from_ink(m, NULL, NET_REJECT_CONF, image, arena, sizeof arena, &v),
                     VERDICT_ERROR);
    assert_int_equal(v.error, INK_ERR_ARG);
    assert_int_equal(verdict_from_ink(NULL, &ink, NET_REJECT_CONF, image, arena, sizeof arena, &v),
                     VERDICT_ERROR);
    assert_int_equal(v.error, NET_ERR_ARG);
    assert_int_equal(verdict_from_image(m, NULL, NULL, NET_REJECT_CONF, arena, sizeof arena, &v),
                     VERDICT_ERROR);
    assert_int_equal(v.error, NET_ERR_ARG);
    assert_int_equal(verdict_decide(NULL, NULL, NET_REJECT_CONF, &v), VERDICT_ERROR);
    assert_int_equal(v.error, NET_ERR_ARG);
    /* the same ink with every pointer given is a verdict, not an error */
    assert_int_not_equal(verdict_from_ink(m, &ink, NET_REJECT_CONF, image, arena, sizeof arena, &v),
                         VERDICT_ERROR);
}

static void test_store_null(void **state)
{
    (void)state;
    uint8_t mem[2 * 128];
    uint8_t rec[STORE_RECORD_BYTES];
    hal_storage io, faulty;
    store_ram ram;
    store_fault fault;
    store s;
    store_record r;
    memset(mem, 0xFF, sizeof mem);
    memset(&r, 0, sizeof r);
    store_ram_init(NULL, &ram, mem, 128, 2, 4);
    store_ram_init(&io, NULL, mem, 128, 2, 4);
    store_fault_init(NULL, &fault, &io);
    store_fault_cut_after(NULL, 1, false);
    store_ram_init(&io, &ram, mem, 128, 2, 4);
    store_fault_init(&faulty, &fault, NULL);
    assert_int_equal(store_encode(NULL, &r), STORE_ERR_ARG);
    assert_int_equal(store_encode(rec, NULL), STORE_ERR_ARG);
    assert_int_equal(store_encode(rec, &r), STORE_OK);
    assert_int_equal(store_decode(NULL, rec), STORE_ERR_ARG);
    memset(&r, 0x5A, sizeof r);
    assert_int_equal(store_decode(&r, NULL), STORE_ERR_ARG);
    assert_int_equal(r.sequence, 0u); /* *r is zeroed on error, as documented */
    assert_int_equal(store_load(NULL, &io, &r), STORE_ERR_ARG);
    assert_int_equal(store_load(&s, NULL, &r), STORE_ERR_ARG);
    assert_int_equal(store_load(&s, &io, NULL), STORE_ERR_ARG);
    assert_int_equal(store_load(&s, &io, &r), STORE_ERR_EMPTY);
    assert_int_equal(store_save(NULL, &r), STORE_ERR_ARG);
    assert_int_equal(store_save(&s, NULL), STORE_ERR_ARG);
    for (size_t i = 0; i < sizeof mem; i++)
        assert_int_equal(mem[i], 0xFF); /* nothing was written */
}

static void test_lock_null(void **state)
{
    (void)state;
    lock_view v;
    lock_ctx lk;
    memset(&lk, 0, sizeof lk);
    assert_int_equal(lock_init(NULL, NULL, NULL), LOCK_ERR_ARG);
    assert_int_equal(lock_init(&lk, NULL, NULL), LOCK_ERR_ARG);
    lock_default_config(NULL);
    assert_int_equal(lock_delay_s(NULL, 100), 0u);
    assert_true(lock_exhaust_s(NULL, 10000) == 0u);
    assert_int_equal(lock_digit(NULL, 1), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_backspace(NULL), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_clear(NULL), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_enter(NULL), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_tick(NULL, 1000), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_lock(NULL), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_change_pin(NULL), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_remove_pin(NULL), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_cancel(NULL), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_get_state(NULL), LOCK_RECOVERY);
    memset(&v, 0x5A, sizeof v);
    lock_get_view(NULL, &v);
    assert_int_equal(v.state, LOCK_RECOVERY); /* fails closed */
    assert_true(v.recovery_needed);
    assert_false(v.open);
    assert_false(v.door_open);
    assert_int_equal(v.digits, 0);
    lock_get_view(&lk, NULL);
}

static void test_app_null(void **state)
{
    (void)state;
    static app a;
    static uint16_t fb[HAL_SCREEN_W * HAL_SCREEN_H];
    hal h;
    verdict v;
    memset(&h, 0, sizeof h);
    assert_int_equal(app_init(NULL, &h, NULL), APP_ERR_ARG);
    assert_int_equal(app_init(&a, NULL, NULL), APP_ERR_ARG);
    assert_int_equal(app_init(&a, &h, NULL), APP_ERR_ARG); /* no fill_rect, no draw_bitmap1 */
    app_config_default(NULL);
    app_step(NULL);
    app_pointer(NULL, true, 1, 1);
    app_tick(NULL);
    app_redraw(NULL);
    app_set_mode(NULL, APP_MODE_LOCK);
    assert_int_equal(app_get_mode(NULL), APP_MODE_DEMO);
    assert_null(app_get_lock(NULL));
    assert_null(app_get_ink(NULL));
    assert_false(app_demo_verdict(NULL, &v));
    app_text_via_bitmap1(NULL, 0, 0, "x", 1, 0, 0);
    app_text_via_bitmap1(&h, 0, 0, "x", 1, 0, 0); /* no draw_bitmap1: nothing */
    memset(fb, 0, sizeof fb);
    app_fb_fill_rect(NULL, 0, 0, 10, 10, 0xFFFF);
    app_fb_draw_bitmap1(fb, 0, 0, 8, 8, NULL, 1, 0xFFFF, 0xFFFF);
    app_fb_draw_bitmap8(fb, 0, 0, 8, 8, NULL, 1);
    for (size_t i = 0; i < sizeof fb / sizeof fb[0]; i++)
        assert_int_equal(fb[i], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror_names_every_code),
        cmocka_unit_test(test_verdict_null),
        cmocka_unit_test(test_store_null),
        cmocka_unit_test(test_lock_null),
        cmocka_unit_test(test_app_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
