/* test_verdict.c - the one accept rule (src/inkpin/verdict.h).
 *
 * Constructed cases check each verdict against the documented limits
 * (INK_ODD_CONF, INK_MAX_STROKES, INK_ODD_TURN, NET_CONF_ONE), at and beside
 * every boundary. On the real UNIPEN dev strokes (../shared/data; the
 * program exits 77 when they are missing, after the constructed cases ran)
 * every drawing's verdict is compared with the decision the app, `inkpin
 * classify` and the evaluation each assembled by hand before the verdict
 * module owned it: render with the shape check, no digit -> "no digit",
 * net_run, confidence[digit] < ink_conf_needed(&shape, plain) -> "draw
 * again", else the digit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "data/strokes.h"
#include "inkpin/default_model.h"
#include "inkpin/ink.h"
#include "inkpin/net.h"
#include "inkpin/verdict.h"
#include "util/testutil.h"

static int g_data_missing;

static net_result result_with(uint8_t digit, uint8_t runner_up, uint16_t conf)
{
    net_result r;
    memset(&r, 0, sizeof r);
    r.digit = digit;
    r.runner_up = runner_up;
    r.confidence[digit] = conf;
    r.confidence[runner_up] = (uint16_t)(NET_CONF_ONE - conf);
    return r;
}

static const ink_shape ORDINARY = {1, 1024, 0, 0};        /* a "0" */
static const ink_shape ODD = {1, INK_ODD_TURN + 1, 0, 0}; /* turns too much for plain */
static const ink_shape NO_DIGIT_SHAPE = {INK_MAX_STROKES + 1, 512, 0, INK_MAX_STROKES};

static void expect(const net_result *r, const ink_shape *shape, uint32_t plain, verdict_kind kind,
                   uint32_t need)
{
    verdict v;
    memset(&v, 0xA5, sizeof v);
    assert_int_equal(verdict_decide(r, shape, plain, &v), kind);
    assert_int_equal(v.kind, kind);
    assert_int_equal(v.digit, r->digit);
    assert_int_equal(v.runner_up, r->runner_up);
    assert_int_equal(v.confidence, r->confidence[r->digit]);
    assert_int_equal(v.need, need);
    assert_int_equal(v.error, 0);
    assert_int_equal(verdict_accepts(r->confidence[r->digit], shape, plain), kind == VERDICT_DIGIT);
}

static void test_ordinary_shape_needs_the_plain_threshold(void **state)
{
    (void)state;
    const uint32_t P = NET_REJECT_CONF;
    net_result at = result_with(7, 1, (uint16_t)P), below = result_with(7, 1, (uint16_t)(P - 1));
    expect(&at, &ORDINARY, P, VERDICT_DIGIT, P);
    expect(&below, &ORDINARY, P, VERDICT_DRAW_AGAIN, P);
    /* another plain threshold moves the boundary with it */
    expect(&below, &ORDINARY, P - 1, VERDICT_DIGIT, P - 1);
    net_result none = result_with(0, 9, 0);
    expect(&none, &ORDINARY, 0, VERDICT_DIGIT, 0);
}

static void test_odd_shape_needs_odd_conf(void **state)
{
    (void)state;
    net_result below = result_with(2, 3, (uint16_t)(INK_ODD_CONF - 1u));
    net_result at = result_with(2, 3, (uint16_t)INK_ODD_CONF);
    assert_true(NET_REJECT_CONF < INK_ODD_CONF);
    expect(&below, &ODD, NET_REJECT_CONF, VERDICT_DRAW_AGAIN, INK_ODD_CONF);
    expect(&at, &ODD, NET_REJECT_CONF, VERDICT_DIGIT, INK_ODD_CONF);
    /* a plain threshold above INK_ODD_CONF is the higher need */
    expect(&at, &ODD, INK_ODD_CONF + 1u, VERDICT_DRAW_AGAIN, INK_ODD_CONF + 1u);
    /* three strokes, one apart from the others, are odd too */
    const ink_shape apart = {INK_APART_STROKES, 300, 0, INK_APART_STROKES - 2};
    expect(&below, &apart, NET_REJECT_CONF, VERDICT_DRAW_AGAIN, INK_ODD_CONF);
    /* each sharp turn adds INK_SHARP_TURN to the turning */
    const ink_shape sharp = {1, INK_ODD_TURN - (int32_t)INK_SHARP_TURN + 1, 1, 0};
    expect(&below, &sharp, NET_REJECT_CONF, VERDICT_DRAW_AGAIN, INK_ODD_CONF);
}

static void test_shape_no_digit_has_is_never_accepted(void **state)
{
    (void)state;
    net_result sure = result_with(4, 9, (uint16_t)NET_CONF_ONE);
    expect(&sure, &NO_DIGIT_SHAPE, NET_REJECT_CONF, VERDICT_DRAW_AGAIN, NET_CONF_ONE + 1u);
    const ink_shape coil = {1, INK_MAX_TURN + 1, 0, 0};
    expect(&sure, &coil, 0, VERDICT_DRAW_AGAIN, NET_CONF_ONE + 1u);
    const ink_shape empty = {0, 0, 0, 0};
    expect(&sure, &empty, 0, VERDICT_DRAW_AGAIN, NET_CONF_ONE + 1u);
}

static void test_without_shape_plain_threshold_only(void **state)
{
    (void)state;
    net_result r = result_with(5, 6, (uint16_t)(INK_ODD_CONF - 1u));
    expect(&r, NULL, NET_REJECT_CONF, VERDICT_DIGIT, NET_REJECT_CONF);
    expect(&r, NULL, INK_ODD_CONF, VERDICT_DRAW_AGAIN, INK_ODD_CONF);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    net_result r = result_with(1, 2, 30000);
    verdict v;
    assert_int_equal(verdict_decide(&r, &ORDINARY, 0, NULL), VERDICT_ERROR);
    assert_int_equal(verdict_decide(NULL, &ORDINARY, 0, &v), VERDICT_ERROR);
    assert_int_equal(v.error, NET_ERR_ARG);
    assert_int_equal(v.confidence, 0);
    uint8_t image[NET_IMAGE_BYTES] = {0};
    ink_buffer ink;
    ink_reset(&ink);
    assert_int_equal(verdict_from_ink(NULL, &ink, 0, image, NULL, 0, NULL), VERDICT_ERROR);
    assert_int_equal(verdict_from_ink(NULL, NULL, 0, image, NULL, 0, &v), VERDICT_ERROR);
    assert_int_equal(v.error, INK_ERR_ARG);
    assert_int_equal(verdict_from_image(NULL, image, NULL, 0, NULL, 0, NULL), VERDICT_ERROR);
}

/* A vertical bar: a plain "1" for the ink module. */
static void draw_bar(ink_buffer *ink)
{
    ink_reset(ink);
    ink_pen_down(ink, 120, 30);
    for (int y = 40; y <= 210; y += 10)
        ink_pen_move(ink, 120, y);
    ink_pen_up(ink);
}

/* What screens and logs show: confidence/NET_CONF_ONE in 1/1000, halves up
 * (NET_CONF_ONE is 32768: 1/1000 of it is 32.768 units). */
static void test_permille_rounds_to_nearest(void **state)
{
    static const struct {
        uint16_t confidence, permille;
    } cases[] = {{0, 0},  {16, 0},      {17, 1},      {32, 1},       {33, 1},       {49, 1},
                 {50, 2}, {16384, 500}, {32751, 999}, {32752, 1000}, {32767, 1000}, {32768, 1000}};
    verdict v;
    (void)state;
    memset(&v, 0, sizeof v);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        v.confidence = cases[i].confidence;
        assert_int_equal(verdict_permille(&v), cases[i].permille);
    }
    assert_int_equal(verdict_permille(NULL), 0);
}

static void test_from_ink_order_of_causes(void **state)
{
    (void)state;
    uint8_t image[NET_IMAGE_BYTES], zero[NET_IMAGE_BYTES] = {0};
    static uint8_t arena[4096];
    ink_buffer ink;
    verdict v;
    /* a tap is no digit, model or not: the engine is not asked */
    ink_reset(&ink);
    ink_pen_down(&ink, 100, 100);
    ink_pen_up(&ink);
    memset(image, 0xFF, sizeof image);
    assert_int_equal(verdict_from_ink(NULL, &ink, 0, image, arena, sizeof arena, &v),
                     VERDICT_NO_DIGIT);
    assert_memory_equal(image, zero, sizeof image);
    assert_int_equal(v.confidence, 0);
    assert_int_equal(v.need, NET_CONF_ONE + 1u);
    assert_int_equal(v.error, 0);
    assert_int_equal(v.shape.strokes, 0);
    /* a digit-like drawing without a model: rendered (the app previews it), then "no model" */
    draw_bar(&ink);
    assert_int_equal(verdict_from_ink(NULL, &ink, 0, image, arena, sizeof arena, &v),
                     VERDICT_ERROR);
    assert_int_equal(v.error, NET_ERR_ARG);
    assert_true(memcmp(image, zero, sizeof image) != 0);
    assert_int_equal(v.shape.strokes, 1);
#if NET_DEFAULT_MODEL_PRESENT
    const net_model *m = net_default_model();
    /* an arena one byte short is the engine's error, passed on */
    assert_int_equal(verdict_from_ink(m, &ink, 0, image, arena, NET_ARENA_BYTES - 1, &v),
                     VERDICT_ERROR);
    assert_int_equal(v.error, NET_ERR_ARENA);
    /* the image path gives the same answer as the ink path for the same image */
    verdict from_image;
    ink_shape shape;
    assert_int_equal(ink_render_shape(&ink, image, &shape), INK_OK);
    verdict_from_ink(m, &ink, NET_REJECT_CONF, image, arena, sizeof arena, &v);
    verdict_from_image(m, image, &shape, NET_REJECT_CONF, arena, sizeof arena, &from_image);
    assert_memory_equal(&v, &from_image, sizeof v);
#endif
}

/* ---- real strokes against the decision assembled by hand ----------------------- */

/* The decision as the app (recognize), ink_eval.c and cmd_classify.c wrote it. */
static verdict_kind old_rule(const net_model *m, const ink_buffer *ink, uint32_t plain, void *arena,
                             size_t arena_size, int *digit)
{
    uint8_t image[NET_IMAGE_BYTES];
    ink_shape shape;
    net_result r;
    *digit = -1;
    if (ink_render_shape(ink, image, &shape) != INK_OK)
        return VERDICT_NO_DIGIT;
    if (m == NULL || net_run(m, image, arena, arena_size, &r) != NET_OK)
        return VERDICT_ERROR;
    *digit = r.digit;
    if (r.confidence[r.digit] < ink_conf_needed(&shape, plain))
        return VERDICT_DRAW_AGAIN;
    return VERDICT_DIGIT;
}

static void test_dev_strokes_match_the_old_rule(void **state)
{
    (void)state;
#if !NET_DEFAULT_MODEL_PRESENT
    g_data_missing = 1;
    skip();
#else
    strokes_set set;
    if (test_load_dev_strokes(&set)) {
        g_data_missing = 1;
        skip();
        return;
    }
    const net_model *m = net_default_model();
    static uint8_t arena[NET_ARENA_BYTES];
    static const uint32_t plains[] = {0, NET_REJECT_CONF, INK_ODD_CONF, NET_CONF_ONE};
    int count[4] = {0, 0, 0, 0};
    int step = test_sanitized() ? 7 : 1;
    for (int i = 0; i < set.n; i += step) {
        ink_buffer ink;
        strokes_feed(&set.samples[i], &ink);
        for (size_t k = 0; k < sizeof plains / sizeof *plains; k++) {
            if (plains[k] != NET_REJECT_CONF && i % 8 != 0)
                continue; /* every drawing at the device's threshold, every 8th at the others */
            int digit;
            verdict_kind want = old_rule(m, &ink, plains[k], arena, sizeof arena, &digit);
            uint8_t image[NET_IMAGE_BYTES];
            verdict v;
            verdict_kind got = verdict_from_ink(m, &ink, plains[k], image, arena, sizeof arena, &v);
            if (got != want)
                fail_msg("line %d, plain %u: verdict %d, old rule %d", set.samples[i].line,
                         (unsigned)plains[k], (int)got, (int)want);
            if (digit >= 0)
                assert_int_equal(v.digit, digit);
            if (plains[k] == NET_REJECT_CONF)
                count[got]++;
        }
    }
    fprintf(stderr,
            "dev strokes at NET_REJECT_CONF: %d digit, %d no digit, %d draw again, %d error\n",
            count[VERDICT_DIGIT], count[VERDICT_NO_DIGIT], count[VERDICT_DRAW_AGAIN],
            count[VERDICT_ERROR]);
    /* the file has all three outcomes, so each branch was compared */
    assert_true(count[VERDICT_DIGIT] > 0 &&
                count[VERDICT_NO_DIGIT] + count[VERDICT_DRAW_AGAIN] > 0);
    assert_int_equal(count[VERDICT_ERROR], 0);
    strokes_free(&set);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ordinary_shape_needs_the_plain_threshold),
        cmocka_unit_test(test_odd_shape_needs_odd_conf),
        cmocka_unit_test(test_shape_no_digit_has_is_never_accepted),
        cmocka_unit_test(test_without_shape_plain_threshold_only),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_permille_rounds_to_nearest),
        cmocka_unit_test(test_from_ink_order_of_causes),
        cmocka_unit_test(test_dev_strokes_match_the_old_rule),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (rc == 0 && g_data_missing) {
        fprintf(stderr,
                "test_verdict: no ../shared/data/unipen/dev.ndjson: real strokes not checked\n");
        return TEST_SKIP;
    }
    return rc;
}
