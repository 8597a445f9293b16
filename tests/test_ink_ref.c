/* test_ink_ref.c - src/ink.c against the plain reference renderer
 * (tests/util/ink_ref.c, a frozen copy of the renderer before its speed
 * work), bit for bit: the same events give the same buffer and return codes,
 * and the same buffer gives the same return code, image and shape from
 * ink_render, ink_render_shape and ink_render_style. Inputs: random strokes,
 * adversarial ones (absurd coordinates, full buffers, single points, taps,
 * long strokes, ink at the border, lopsided ink whose centring shift pushes
 * pixels off the image), raw buffers of random bytes, every style corner,
 * and the UNIPEN dev strokes when the data root is present. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "inkpin/ink.h"
#include "util/ink_ref.h"
#include "util/testutil.h"

#ifndef INK_REF_TEST_NAME /* test_ink_move.c includes this file under its own name */
#define INK_REF_TEST_NAME "test_ink_ref"
#endif

/* ---- a deterministic generator (xorshift32) ------------------------------------ */

static uint32_t rng_state;

static uint32_t rnd(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

/* uniform in lo..hi (inclusive), hi - lo < 2^31 */
static int32_t rnd_in(int32_t lo, int32_t hi)
{
    return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1));
}

/* ---- comparing the two implementations ------------------------------------------ */

/* How many renders and event sequences were compared (a test that compared
 * nothing must not pass). */
static long compared_renders, compared_events;

static void assert_same_buffer(const ink_buffer *a, const ink_buffer *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->pen_is_down, b->pen_is_down);
    assert_int_equal(a->simplified, b->simplified);
    if (a->n > 0 && a->n <= INK_MAX_POINTS) {
        assert_memory_equal(a->x, b->x, (size_t)a->n);
        assert_memory_equal(a->y, b->y, (size_t)a->n);
    }
}

static void print_buffer(const ink_buffer *ink)
{
    fprintf(stderr, "buffer n=%d:", ink->n);
    for (int i = 0; i < ink->n && i < INK_MAX_POINTS; i++)
        fprintf(stderr, " %d,%d", ink->x[i], ink->y[i]);
    fprintf(stderr, "\n");
}

/* Renders ink through both with `style` (NULL: ink_render and
 * ink_render_shape with the default style) and asserts identical results. */
static void check_render_style(const ink_buffer *ink, const ink_style *style)
{
    uint8_t img[NET_IMAGE_BYTES], ref[NET_IMAGE_BYTES];
    memset(img, 0xA5, sizeof img);
    memset(ref, 0x5A, sizeof ref);
    ink_err rc, ref_rc;
    if (style) {
        rc = ink_render_style(ink, style, img);
        ref_rc = ink_ref_render_style(ink, style, ref);
    } else {
        ink_shape shape, ref_shape;
        memset(&shape, 0x11, sizeof shape);
        memset(&ref_shape, 0x11, sizeof ref_shape);
        rc = ink_render_shape(ink, img, &shape);
        ref_rc = ink_ref_render_shape(ink, ref, &ref_shape);
        if (rc != ref_rc || memcmp(img, ref, sizeof img) != 0 ||
            (rc == INK_OK && memcmp(&shape, &ref_shape, sizeof shape) != 0))
            print_buffer(ink);
        assert_int_equal(rc, ref_rc);
        if (rc == INK_OK) {
            assert_int_equal(shape.strokes, ref_shape.strokes);
            assert_int_equal(shape.turn, ref_shape.turn);
            assert_int_equal(shape.sharp, ref_shape.sharp);
            assert_int_equal(shape.joined, ref_shape.joined);
        }
        assert_memory_equal(img, ref, sizeof img);
        /* ink_render: the same image without the shape */
        memset(img, 0xA5, sizeof img);
        assert_int_equal(ink_render(ink, img), ref_rc);
    }
    if (rc != ref_rc || memcmp(img, ref, sizeof img) != 0) {
        print_buffer(ink);
        if (style)
            fprintf(stderr, "style box_q4=%d pen_radius_q4=%d\n", style->box_q4,
                    style->pen_radius_q4);
    }
    assert_int_equal(rc, ref_rc);
    assert_memory_equal(img, ref, sizeof img);
    compared_renders++;
}

static void check_render(const ink_buffer *ink)
{
    check_render_style(ink, NULL);
}

/* The default style plus a random valid one and, now and then, the extremes. */
static void check_render_styles(const ink_buffer *ink)
{
    check_render(ink);
    ink_style s = {(int16_t)rnd_in(16, 448), (int16_t)rnd_in(0, 40)};
    check_render_style(ink, &s);
    static const ink_style corners[] = {{16, 0},  {16, 40},  {448, 0},  {448, 40}, {264, 28},
                                        {15, 28}, {449, 28}, {264, -1}, {264, 41}};
    if (rnd() % 8 == 0)
        for (size_t i = 0; i < sizeof corners / sizeof corners[0]; i++)
            check_render_style(ink, &corners[i]);
}

/* Two buffers fed the same events, one through ink.c and one through the reference. */
typedef struct {
    ink_buffer lib, ref;
} pair;

static void pair_reset(pair *p)
{
    memset(p, 0x77, sizeof *p); /* ink_reset must not depend on what was there */
    ink_reset(&p->lib);
    ink_ref_reset(&p->ref);
    assert_memory_equal(&p->lib, &p->ref, sizeof p->lib);
}

static void pair_down(pair *p, int32_t x, int32_t y)
{
    assert_int_equal(ink_pen_down(&p->lib, x, y), ink_ref_pen_down(&p->ref, x, y));
    assert_same_buffer(&p->lib, &p->ref);
    compared_events++;
}

static void pair_move(pair *p, int32_t x, int32_t y)
{
    assert_int_equal(ink_pen_move(&p->lib, x, y), ink_ref_pen_move(&p->ref, x, y));
    assert_same_buffer(&p->lib, &p->ref);
    compared_events++;
}

static void pair_up(pair *p)
{
    assert_int_equal(ink_pen_up(&p->lib), ink_ref_pen_up(&p->ref));
    assert_same_buffer(&p->lib, &p->ref);
    assert_int_equal(ink_stroke_count(&p->lib), ink_ref_stroke_count(&p->ref));
}

/* ---- generators ---------------------------------------------------------------- */

/* A coordinate: mostly on the area, sometimes on or past its border, now and
 * then absurd. */
static int32_t rnd_coord(void)
{
    switch (rnd() % 16) {
    case 0: return rnd_in(-300, 0);
    case 1: return rnd_in(INK_AREA - 1, 600);
    case 2: return (rnd() & 1) ? INT32_MIN : INT32_MAX;
    case 3: return (int32_t)rnd();
    default: return rnd_in(0, INK_AREA - 1);
    }
}

/* A random pen walk of `strokes` strokes in a box of side `size` at (x0, y0),
 * steps up to `step` pixels; checks the buffer after every event and renders
 * now and then on the way. */
static void random_walk(pair *p, int strokes, int points, int32_t x0, int32_t y0, int32_t size,
                        int32_t step)
{
    for (int s = 0; s < strokes; s++) {
        int32_t x = x0 + rnd_in(0, size), y = y0 + rnd_in(0, size);
        pair_down(p, x, y);
        int n = rnd_in(0, points);
        for (int k = 0; k < n; k++) {
            x += rnd_in(-step, step);
            y += rnd_in(-step, step);
            int32_t ax = x, ay = y;
            if (rnd() % 64 == 0) { /* an absurd sample in the middle of a stroke */
                ax = rnd_coord();
                ay = rnd_coord();
            }
            pair_move(p, ax, ay);
            if (rnd() % 97 == 0)
                check_render(&p->lib);
        }
        pair_up(p);
    }
}

/* ---- tests --------------------------------------------------------------------- */

static void test_random_walks(void **state)
{
    (void)state;
    rng_state = 0x1234567u;
    pair p;
    int cases = test_sanitized() ? 600 : 6000;
    for (int c = 0; c < cases; c++) {
        pair_reset(&p);
        int32_t size = rnd_in(0, 239);
        random_walk(&p, rnd_in(1, 5), rnd_in(1, 80), rnd_in(0, 239 - size), rnd_in(0, 239 - size),
                    size, rnd_in(1, 40));
        check_render_styles(&p.lib);
    }
    assert_true(compared_renders > cases);
}

/* Long strokes and many taps: the buffer fills, points are dropped
 * (Visvalingam), and events are refused once nothing is left to drop. */
static void test_full_buffers(void **state)
{
    (void)state;
    rng_state = 0xBADC0DEu;
    pair p;
    int cases = test_sanitized() ? 60 : 400;
    int simplified = 0, refused = 0;
    for (int c = 0; c < cases; c++) {
        pair_reset(&p);
        if (c % 3 == 0) { /* taps: single-point strokes until refused */
            for (int k = 0; k < INK_MAX_POINTS; k++) {
                pair_down(&p, rnd_in(0, 239), rnd_in(0, 239));
                pair_up(&p);
            }
        } else {
            random_walk(&p, rnd_in(1, 6), rnd_in(100, 400), rnd_in(0, 120), rnd_in(0, 120),
                        rnd_in(20, 119), rnd_in(1, 12));
        }
        simplified += p.lib.simplified;
        refused += ink_pen_down(&p.lib, 10, 10) == INK_ERR_FULL;
        ink_ref_pen_down(&p.ref, 10, 10);
        assert_same_buffer(&p.lib, &p.ref);
        check_render_styles(&p.lib);
    }
    assert_true(simplified > 0);
    assert_true(refused > 0);
}

/* Buffers not made by the events: random bytes (lifts anywhere, several in a
 * row, at the ends; x and y up to 254), and n out of range. The renderer must
 * agree on whatever a caller hands it. */
static void test_raw_buffers(void **state)
{
    (void)state;
    rng_state = 0xC0FFEEu;
    int cases = test_sanitized() ? 1000 : 10000;
    ink_buffer ink;
    for (int c = 0; c < cases; c++) {
        memset(&ink, 0, sizeof ink);
        ink.n = (int16_t)rnd_in(1, INK_MAX_POINTS);
        int lift_odds = rnd_in(2, 40);
        uint8_t x = (uint8_t)rnd_in(0, 254), y = (uint8_t)rnd_in(0, 254);
        int step = rnd_in(1, 60);
        for (int i = 0; i < ink.n; i++) {
            if (rnd() % (uint32_t)lift_odds == 0) {
                ink.x[i] = INK_PEN_LIFT;
                ink.y[i] = (uint8_t)rnd();
                continue;
            }
            x = (uint8_t)(rnd() % 8 == 0 ? rnd_in(0, 254) : (x + rnd_in(-step, step)) & 0xFF);
            y = (uint8_t)(rnd() % 8 == 0 ? rnd_in(0, 255) : (y + rnd_in(-step, step)) & 0xFF);
            ink.x[i] = x == INK_PEN_LIFT ? 254 : x;
            ink.y[i] = y;
        }
        check_render_styles(&ink);
    }
    static const int16_t bad_n[] = {0, -1, -32768, INK_MAX_POINTS + 1, 32767};
    for (size_t i = 0; i < sizeof bad_n / sizeof bad_n[0]; i++) {
        ink.n = bad_n[i];
        check_render_styles(&ink);
    }
}

/* Hand-made corner cases. */
static void test_adversarial(void **state)
{
    (void)state;
    rng_state = 0xFEEDu;
    pair p;
    static const int32_t absurd[] = {INT32_MIN, -1, 0, 1, 238, 239, 240, INT32_MAX};
    /* every pair of absurd coordinates as a tap, and as a stroke to each other */
    for (size_t a = 0; a < 8; a++)
        for (size_t b = 0; b < 8; b++) {
            pair_reset(&p);
            pair_down(&p, absurd[a], absurd[b]);
            pair_up(&p);
            check_render_styles(&p.lib);
            pair_down(&p, absurd[b], absurd[a]);
            pair_move(&p, absurd[a], absurd[a]);
            pair_move(&p, absurd[b], absurd[b]);
            check_render_styles(&p.lib);
        }
    /* strokes of every extent around INK_MIN_EXTENT and up to the whole area,
     * straight, diagonal and L-shaped, sampled sparsely (curves) and densely */
    for (int32_t e = INK_MIN_EXTENT - 2; e < INK_AREA; e += (e < 40 ? 1 : 7))
        for (int shape = 0; shape < 6; shape++) {
            pair_reset(&p);
            int32_t x0 = (INK_AREA - 1 - e) / 2, y0 = rnd_in(0, INK_AREA - 1 - e);
            int dense = shape >= 3;
            int32_t pts = dense ? e : 2;
            pair_down(&p, x0, y0);
            for (int32_t k = 1; k <= pts; k++) {
                int32_t t = e * k / pts;
                if (shape % 3 == 0)
                    pair_move(&p, x0 + t, y0);
                else if (shape % 3 == 1)
                    pair_move(&p, x0 + t, y0 + t);
                else
                    pair_move(&p, x0 + (k <= pts / 2 ? 2 * t : e),
                              y0 + (k > pts / 2 ? 2 * t - e : 0));
            }
            pair_up(&p);
            check_render_styles(&p.lib);
        }
    /* lopsided ink: a long bar along one edge and a dense blob on the other
     * side, so the centring shift moves pixels past the image border; and a
     * bar with a far dot (a second stroke) */
    for (int side = 0; side < 4; side++)
        for (int32_t blob = 2; blob < 60; blob += 3) {
            pair_reset(&p);
            int32_t bx = side & 1 ? 0 : 200, by = side & 2 ? 0 : 200;
            pair_down(&p, 20, by);
            pair_move(&p, 219, by);
            pair_up(&p);
            pair_down(&p, bx, 100);
            for (int k = 0; k < blob * 4; k++)
                pair_move(&p, bx + rnd_in(0, blob / 2), 100 + rnd_in(0, blob / 2));
            pair_up(&p);
            check_render_styles(&p.lib);
        }
    /* a dense block of `teeth` lines along one edge and two dots (taps) side
     * by side at the far edge, in all eight orientations: the centre of mass
     * sits in the block, and centring pushes the dots, and with them the
     * only pixels where a stroke touches an earlier one (ink_shape.joined),
     * off the image */
    for (int orient = 0; orient < 8; orient++)
        for (int teeth = 1; teeth <= 7; teeth++)
            for (int32_t gap = 2; gap <= 8; gap += 2) {
                int32_t pts[2 * 7 + 2][2];
                int n = 0;
                for (int t = 0; t < teeth; t++) { /* zigzag across the block */
                    pts[n][0] = t & 1 ? 219 : 20;
                    pts[n++][1] = 20 + t * gap;
                    pts[n][0] = t & 1 ? 20 : 219;
                    pts[n++][1] = 20 + t * gap;
                }
                int block = n;
                int32_t dot = rnd_in(20, 170), far = rnd_in(200, 239);
                pts[n][0] = dot;
                pts[n++][1] = far;
                /* pen discs that overlap a little, or (thin pens) the same pixel */
                pts[n][0] = dot + (rnd() % 2 ? rnd_in(0, 6) : rnd_in(7, 46));
                pts[n++][1] = far;
                pair_reset(&p);
                for (int k = 0; k < n; k++) {
                    int32_t u = pts[k][0], v = pts[k][1];
                    if (orient & 1)
                        u = 239 - u;
                    if (orient & 2)
                        v = 239 - v;
                    int32_t x = orient & 4 ? v : u, y = orient & 4 ? u : v;
                    if (k == 0 || k >= block) {
                        pair_up(&p);
                        pair_down(&p, x, y);
                    } else {
                        pair_move(&p, x, y);
                    }
                    if (k == block)
                        check_render_styles(&p.lib);
                }
                pair_up(&p);
                check_render_styles(&p.lib);
                /* thin pens: lighter dots, so centring moves the ink further */
                for (int16_t r = 0; r <= 20; r += 4) {
                    ink_style thin = {INK_BOX_Q4, r};
                    check_render_style(&p.lib, &thin);
                }
            }
    /* corners and loops drawn from few samples (Catmull-Rom midpoints) */
    for (int c = 0; c < 2000; c++) {
        pair_reset(&p);
        random_walk(&p, rnd_in(1, 4), rnd_in(1, 8), 0, 0, 239, 239);
        check_render_styles(&p.lib);
    }
}

/* The real pen strokes, as recorded and moved/scaled towards the corners. */
static void test_dev_strokes(void **state)
{
    (void)state;
    strokes_set set;
    if (test_load_dev_strokes(&set) != 0) {
        fprintf(stderr,
                INK_REF_TEST_NAME ": no UNIPEN dev strokes (data root): this part skipped\n");
        skip();
    }
    rng_state = 0xD15EA5Eu;
    pair p;
    int step = test_sanitized() ? 7 : 1;
    for (int i = 0; i < set.n; i += step) {
        const strokes_sample *s = &set.samples[i];
        for (int variant = 0; variant < 2; variant++) {
            /* variant 1: squeezed to a random fraction and moved anywhere */
            double scale = variant ? rnd_in(8, 100) / 100.0 : 1.0;
            double dx = variant ? rnd_in(-60, 60) : 0, dy = variant ? rnd_in(-60, 60) : 0;
            pair_reset(&p);
            int pi = 0;
            for (int si = 0; si < s->n_strokes; si++) {
                for (int k = 0; k < s->stroke_len[si]; k++, pi++) {
                    int32_t x = (int32_t)lround(s->points[pi].x * scale + dx);
                    int32_t y = (int32_t)lround(s->points[pi].y * scale + dy);
                    if (k == 0)
                        pair_down(&p, x, y);
                    else
                        pair_move(&p, x, y);
                }
                pair_up(&p);
            }
            if (variant == 0)
                check_render(&p.lib);
            else
                check_render_styles(&p.lib);
        }
    }
    assert_true(compared_renders >= set.n / step);
    strokes_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_walks), cmocka_unit_test(test_full_buffers),
        cmocka_unit_test(test_raw_buffers),  cmocka_unit_test(test_adversarial),
        cmocka_unit_test(test_dev_strokes),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    fprintf(stderr, INK_REF_TEST_NAME ": %ld renders and %ld events compared\n", compared_renders,
            compared_events);
    return failed;
}
