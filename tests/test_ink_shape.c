/* test_ink_shape.c - the shape check (ink_render_shape, ink_conf_needed).
 *
 * Hand-made drawings on the 240x240 area: handwriting-like digits ("0", "1",
 * "2", "4" in two and in three strokes, "5" with its bar touching or apart,
 * "7" with a crossbar, "1" with flag and base, "8") must keep the plain
 * threshold; a jagged random walk, a coil, a crossed-out blob and too many
 * strokes must not be accepted at any confidence; three lines that do not
 * touch and a wandering stroke with many sharp turns need the odd-shape
 * confidence. The turning and the sharp turns are compared with an
 * independent floating-point reference (atan2 of consecutive steps), the
 * strokes' contact with the distance between their centre lines, the image
 * with ink_render's (the shape check must not change what the engine sees). */
#define _USE_MATH_DEFINES
#include <math.h>
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inkpin/ink.h"

#define NOT_ACCEPTED ((uint32_t)NET_CONF_ONE + 1u)
#define PLAIN NET_REJECT_CONF

/* ---- drawing helpers ---------------------------------------------------------- */

static void add(ink_buffer *ink, double x, double y, int first)
{
    int32_t ix = (int32_t)lround(x), iy = (int32_t)lround(y);
    assert_int_equal(first ? ink_pen_down(ink, ix, iy) : ink_pen_move(ink, ix, iy), INK_OK);
}

/* An arc of the ellipse centre (cx, cy), radii (rx, ry), from angle a0 to a1
 * (radians, y down) in n steps, continuing the current stroke unless first. */
static void arc(ink_buffer *ink, double cx, double cy, double rx, double ry, double a0, double a1,
                int n, int first)
{
    for (int i = 0; i <= n; i++) {
        double a = a0 + (a1 - a0) * i / n;
        add(ink, cx + rx * cos(a), cy + ry * sin(a), first && i == 0);
    }
}

/* A straight line to (x, y) in n steps from the last point. */
static void line_to(ink_buffer *ink, double x, double y, int n)
{
    double x0 = ink->x[ink->n - 1], y0 = ink->y[ink->n - 1];
    for (int i = 1; i <= n; i++)
        add(ink, x0 + (x - x0) * i / n, y0 + (y - y0) * i / n, 0);
}

typedef struct {
    ink_err err;
    ink_shape shape;
    uint32_t needed; /* at the plain threshold */
} judged;

static judged judge(const ink_buffer *ink)
{
    uint8_t a[NET_IMAGE_BYTES], b[NET_IMAGE_BYTES];
    judged j;
    ink_pen_up((ink_buffer *)ink);
    j.err = ink_render_shape(ink, a, &j.shape);
    /* the engine sees exactly ink_render's image */
    assert_int_equal(ink_render(ink, b), j.err);
    assert_memory_equal(a, b, NET_IMAGE_BYTES);
    j.needed = ink_conf_needed(&j.shape, PLAIN);
    /* the documented identity: max(plain, needed at 0) */
    uint32_t at0 = ink_conf_needed(&j.shape, 0);
    assert_int_equal(j.needed, at0 > PLAIN ? at0 : PLAIN);
    return j;
}

/* ---- digits: accepted at the plain threshold ------------------------------------- */

static void draw_zero(ink_buffer *ink, double scale)
{
    ink_reset(ink);
    arc(ink, 120, 120, 50 * scale, 80 * scale, -M_PI / 2, 1.5 * M_PI + 0.2, 40, 1);
}

static void test_zero_accepted(void **state)
{
    (void)state;
    ink_buffer ink;
    draw_zero(&ink, 1.0);
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_int_equal(j.shape.strokes, 1);
    /* one loop: about one full turn (1024), far from the odd limit */
    assert_in_range(j.shape.turn, 850, 1250);
    assert_int_equal(j.needed, PLAIN);
}

static void test_one_accepted(void **state)
{
    (void)state;
    ink_buffer ink;
    ink_reset(&ink);
    add(&ink, 120, 30, 1);
    line_to(&ink, 118, 210, 30);
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_int_equal(j.shape.strokes, 1);
    /* straight: no turning but the 1/16 px rounding of the mapped points
     * (a degree or two per kept step) */
    assert_in_range(j.shape.turn, 0, 64);
    assert_int_equal(j.needed, PLAIN);
}

static void draw_two(ink_buffer *ink, double scale, int steps)
{
    double s = scale;
    ink_reset(ink);
    /* the hook: upper half of a circle, then down-left to the base line */
    arc(ink, 120, 60 + 40 * (1 - s), 50 * s, 40 * s, M_PI, 2.2 * M_PI, steps, 1);
    line_to(ink, 120 - 55 * s, 120 + 80 * s, steps);
    line_to(ink, 120 + 60 * s, 120 + 80 * s, steps);
}

static void test_smooth_two_accepted(void **state)
{
    (void)state;
    ink_buffer ink;
    draw_two(&ink, 1.0, 24);
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_int_equal(j.shape.strokes, 1);
    assert_true(j.shape.turn < INK_ODD_TURN);
    assert_int_equal(j.needed, PLAIN);
}

static void test_eight_accepted(void **state)
{
    (void)state;
    ink_buffer ink;
    ink_reset(&ink);
    /* one stroke: a figure eight (lemniscate of Gerono), two loops */
    for (int i = 0; i <= 80; i++) {
        double t = 2 * M_PI * i / 80 - M_PI / 2;
        add(&ink, 120 + 55 * sin(2 * t) / 2 * 2 * 0.9, 120 + 90 * sin(t), i == 0);
    }
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_int_equal(j.shape.strokes, 1);
    /* two loops turning opposite ways: about two full turns of |turning| */
    assert_in_range(j.shape.turn, 1600, INK_ODD_TURN);
    assert_int_equal(j.needed, PLAIN);
}

static void test_four_in_three_strokes_accepted(void **state)
{
    (void)state;
    ink_buffer ink;
    ink_reset(&ink);
    add(&ink, 90, 30, 1);
    line_to(&ink, 70, 140, 10);
    line_to(&ink, 170, 140, 10); /* stroke 1: down and across */
    add(&ink, 140, 40, 1);
    line_to(&ink, 140, 210, 15); /* stroke 2: the stem */
    add(&ink, 60, 60, 1);
    line_to(&ink, 62, 62, 1); /* stroke 3: a small tick (a pen touch) */
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_int_equal(j.shape.strokes, 3);
    assert_int_equal(j.needed, PLAIN);
}

static void test_four_in_two_strokes_accepted(void **state)
{
    (void)state;
    ink_buffer ink;
    ink_reset(&ink);
    add(&ink, 100, 30, 1);
    line_to(&ink, 60, 150, 12);
    line_to(&ink, 180, 150, 12); /* stroke 1: down-left and across */
    add(&ink, 145, 60, 1);
    line_to(&ink, 145, 210, 15); /* stroke 2: the stem, crossing the bar */
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_int_equal(j.shape.strokes, 2);
    assert_int_equal(j.shape.joined, 1);
    assert_int_equal(j.needed, PLAIN);
}

/* A "5": stem and bowl in one stroke, then the bar from the top of the stem
 * (gap = how far right of the stem the bar starts, area pixels). */
static void draw_five(ink_buffer *ink, double gap)
{
    ink_reset(ink);
    add(ink, 80, 30, 1);
    line_to(ink, 75, 110, 8);
    arc(ink, 115, 150, 50, 45, -0.75 * M_PI, 0.8 * M_PI, 20, 0); /* the bowl */
    add(ink, 80 + gap, 30, 1);
    line_to(ink, 180, 28, 10);
}

static void test_five_with_bar_accepted(void **state)
{
    (void)state;
    ink_buffer ink;
    draw_five(&ink, 0);
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_int_equal(j.shape.strokes, 2);
    assert_int_equal(j.shape.joined, 1);
    assert_int_equal(j.needed, PLAIN);
    /* many writers leave the bar floating: two strokes are never odd for it */
    draw_five(&ink, 40);
    j = judge(&ink);
    assert_int_equal(j.shape.strokes, 2);
    assert_int_equal(j.shape.joined, 0);
    assert_int_equal(j.needed, PLAIN);
}

static void test_seven_with_crossbar_accepted(void **state)
{
    (void)state;
    ink_buffer ink;
    ink_reset(&ink);
    add(&ink, 50, 30, 1);
    line_to(&ink, 190, 30, 10); /* the top bar */
    add(&ink, 190, 30, 1);
    line_to(&ink, 100, 210, 15); /* the diagonal, from the bar's end */
    add(&ink, 100, 120, 1);
    line_to(&ink, 180, 120, 8); /* the crossbar across the diagonal */
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_int_equal(j.shape.strokes, 3);
    assert_int_equal(j.shape.joined, 2);
    assert_int_equal(j.needed, PLAIN);
}

static void test_one_with_flag_and_base_accepted(void **state)
{
    (void)state;
    ink_buffer ink;
    ink_reset(&ink);
    add(&ink, 80, 70, 1);
    line_to(&ink, 125, 30, 6); /* the flag, up to the top of the stem */
    add(&ink, 125, 30, 1);
    line_to(&ink, 125, 205, 15); /* the stem */
    add(&ink, 85, 205, 1);
    line_to(&ink, 165, 205, 8); /* the base, through the stem's foot */
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_int_equal(j.shape.strokes, 3);
    assert_int_equal(j.shape.joined, 2);
    assert_int_equal(j.shape.sharp, 0); /* the flag is its own stroke here */
    assert_int_equal(j.needed, PLAIN);
    /* the same "1" in one stroke (flag up, then down the stem): one sharp turn */
    ink_reset(&ink);
    add(&ink, 80, 70, 1);
    line_to(&ink, 125, 30, 6);
    line_to(&ink, 125, 205, 15);
    j = judge(&ink);
    assert_int_equal(j.shape.sharp, 1);
    assert_int_equal(j.needed, PLAIN);
}

/* ---- odd shapes: only a very confident engine accepts them ----------------------------- */

static void test_lines_apart_need_odd_conf(void **state)
{
    (void)state;
    ink_buffer ink;
    /* three straight strokes at random-looking places, none touching another */
    static const int lines[3][4] = {{20, 30, 220, 60}, {40, 135, 210, 110}, {30, 210, 200, 190}};
    ink_reset(&ink);
    for (int k = 0; k < 3; k++) {
        add(&ink, lines[k][0], lines[k][1], 1);
        line_to(&ink, lines[k][2], lines[k][3], 8);
    }
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_int_equal(j.shape.strokes, 3);
    assert_int_equal(j.shape.joined, 0);
    assert_int_equal(j.needed, INK_ODD_CONF);
    /* the third crossing the second: still one stroke apart (the first) */
    ink_reset(&ink);
    for (int k = 0; k < 2; k++) {
        add(&ink, lines[k][0], lines[k][1], 1);
        line_to(&ink, lines[k][2], lines[k][3], 8);
    }
    add(&ink, 120, 90, 1);
    line_to(&ink, 130, 215, 8);
    j = judge(&ink);
    assert_int_equal(j.shape.joined, 1);
    assert_int_equal(j.needed, INK_ODD_CONF);
    /* two such lines alone: an ordinary shape (a "5" with its bar apart, a "=") */
    ink_reset(&ink);
    for (int k = 0; k < 2; k++) {
        add(&ink, lines[k][0], lines[k][1], 1);
        line_to(&ink, lines[k][2], lines[k][3], 8);
    }
    j = judge(&ink);
    assert_int_equal(j.shape.joined, 0);
    assert_int_equal(j.needed, PLAIN);
}

static void test_wandering_stroke_needs_odd_conf(void **state)
{
    (void)state;
    ink_buffer ink;
    /* a staircase of 45 px steps turning 105 degrees left and right in turn:
     * 8 turns of 0.29 turn, 2.33 turns in all, would pass on its turning
     * alone (<= INK_ODD_TURN); its 8 sharp turns make it odd */
    static const int pts[][2] = {{40, 40},   {85, 40},   {73, 83},   {118, 83},  {107, 127},
                                 {152, 127}, {140, 170}, {185, 170}, {173, 214}, {218, 214}};
    ink_reset(&ink);
    for (size_t i = 0; i < sizeof pts / sizeof *pts; i++)
        add(&ink, pts[i][0], pts[i][1], i == 0);
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_int_equal(j.shape.sharp, 8);
    assert_in_range(j.shape.turn, 2389 - 8 * 15, INK_ODD_TURN); /* 5 degrees per turn */
    assert_true(j.shape.turn + (int32_t)INK_SHARP_TURN * j.shape.sharp > INK_ODD_TURN);
    assert_int_equal(j.needed, INK_ODD_CONF);
}

/* ---- not digits: never accepted ----------------------------------------------------- */

static void test_jagged_walk_rejected(void **state)
{
    (void)state;
    ink_buffer ink;
    double x = 120, y = 120, heading = 0.3;
    uint32_t lcg = 12345;
    ink_reset(&ink);
    add(&ink, x, y, 1);
    for (int i = 0; i < 20; i++) {
        /* sharp turns of 85-145 degrees to a pseudo-random side, steps of 30 px */
        lcg = lcg * 1103515245u + 12345u;
        double turn = 1.5 + (lcg >> 16) % 100 / 100.0;
        heading += (lcg >> 30) & 1 ? turn : -turn;
        x += 30 * cos(heading);
        y += 30 * sin(heading);
        if (x < 30 || x > 210)
            heading = M_PI - heading, x = x < 30 ? 30 : 210;
        if (y < 30 || y > 210)
            heading = -heading, y = y < 30 ? 30 : 210;
        add(&ink, x, y, 0);
    }
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_true(j.shape.turn > INK_MAX_TURN);
    assert_int_equal(j.needed, NOT_ACCEPTED);
}

static void test_coil_rejected(void **state)
{
    (void)state;
    ink_buffer ink;
    ink_reset(&ink);
    for (int i = 0; i <= 5 * 24; i++) {
        double t = 2 * M_PI * i / 24;
        add(&ink, 50 + 28.0 * i / 24 + 30 * cos(t), 120 + 36 * sin(t), i == 0);
    }
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_true(j.shape.turn > INK_MAX_TURN); /* five loops */
    assert_int_equal(j.needed, NOT_ACCEPTED);
}

static void test_blob_rejected(void **state)
{
    (void)state;
    ink_buffer ink;
    ink_reset(&ink);
    /* hatching back and forth over a region (not so dense that the ink
     * module's path-length rule already calls it no digit) */
    add(&ink, 40, 70, 1);
    for (int i = 1; i <= 10; i++)
        line_to(&ink, 40 + 18 * i, i % 2 ? 190 : 70, 6);
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_true(j.shape.turn > INK_MAX_TURN); /* 9 reversals of about 0.45 turn */
    assert_int_equal(j.needed, NOT_ACCEPTED);
}

static void test_too_many_strokes_rejected(void **state)
{
    (void)state;
    ink_buffer ink;
    ink_reset(&ink);
    static const int lines[5][4] = {{20, 30, 200, 210},
                                    {30, 200, 210, 40},
                                    {120, 20, 110, 220},
                                    {10, 120, 230, 100},
                                    {50, 60, 190, 70}};
    for (int k = 0; k < 5; k++) {
        add(&ink, lines[k][0], lines[k][1], 1);
        line_to(&ink, lines[k][2], lines[k][3], 8);
    }
    judged j = judge(&ink);
    assert_int_equal(j.err, INK_OK);
    assert_int_equal(j.shape.strokes, 5);
    assert_in_range(j.shape.turn, 0, 5 * 64); /* straight lines: it is the strokes */
    assert_int_equal(j.needed, NOT_ACCEPTED);
}

/* ---- the measurement ------------------------------------------------------------------ */

/* Independent reference: the same resampling rule (L1 steps of box/8 in the
 * 28x28 frame, i.e. side/8 in area pixels for a square-ish drawing) is not
 * reproduced here; instead polygons whose vertices are all farther apart
 * than a step are used, so every vertex is kept and the exact turning is
 * the sum of atan2 angles. The pseudo-angle is within 5 degrees per vertex. */
static void test_turn_matches_float_reference(void **state)
{
    (void)state;
    static const int shapes[][10] = {
        /* x0,y0, x1,y1, x2,y2, x3,y3, x4,y4 */
        {30, 30, 210, 30, 210, 210, 30, 210, 30, 40},    /* square: 3 right angles */
        {30, 200, 120, 30, 210, 200, 30, 90, 210, 90},   /* star-like zigzag */
        {40, 120, 200, 120, 60, 130, 200, 140, 40, 150}, /* sharp reversals */
        {30, 30, 120, 120, 210, 30, 210, 210, 30, 210},  /* mixed */
    };
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        ink_buffer ink;
        ink_reset(&ink);
        double ref = 0;
        int ref_sharp = 0;
        for (int v = 0; v < 5; v++) {
            add(&ink, shapes[s][2 * v], shapes[s][2 * v + 1], v == 0);
            if (v >= 2) {
                double ax = shapes[s][2 * v - 2] - shapes[s][2 * v - 4];
                double ay = shapes[s][2 * v - 1] - shapes[s][2 * v - 3];
                double bx = shapes[s][2 * v] - shapes[s][2 * v - 2];
                double by = shapes[s][2 * v + 1] - shapes[s][2 * v - 1];
                double a = fabs(atan2(ax * by - ay * bx, ax * bx + ay * by));
                ref += a;
                ref_sharp += a > M_PI / 2 + 0.05; /* none of them within 3 degrees of 90 */
            }
        }
        judged j = judge(&ink);
        assert_int_equal(j.err, INK_OK);
        double ref_units = ref / (2 * M_PI) * 1024; /* 1/1024 turn */
        double tol = 3 * (5.0 / 360 * 1024) + 4;    /* 5 degrees per vertex + rounding */
        assert_true(fabs(j.shape.turn - ref_units) <= tol);
        assert_int_equal(j.shape.sharp, ref_sharp);
    }
}

/* Two parallel strokes d image pixels apart (centre lines): they share a pen
 * pixel when a pixel centre lies within the pen radius (1.75 px) of both,
 * which needs d <= 3.5 px and always happens for d <= 2.5 px (some pixel
 * centre is within 0.5 px of the midline). Independent of the renderer's
 * stamping: only the pen radius and the pixel grid. */
static void test_joined_matches_distance(void **state)
{
    (void)state;
    assert_int_equal(INK_PEN_RADIUS_Q4, 28);
    static const double d_px[] = {0, 1.0, 2.0, 2.5, 3.6, 4.0, 6.0, 10.0};
    for (size_t i = 0; i < sizeof d_px / sizeof *d_px; i++) {
        /* 200 area px long = INK_BOX_Q4 / 16 image px */
        double gap = d_px[i] * 200.0 / (INK_BOX_Q4 / 16.0);
        ink_buffer ink;
        ink_reset(&ink);
        add(&ink, 20, 100, 1);
        line_to(&ink, 220, 100, 10);
        add(&ink, 20, 100 + gap, 1);
        line_to(&ink, 220, 100 + gap, 10);
        judged j = judge(&ink);
        assert_int_equal(j.err, INK_OK);
        assert_int_equal(j.shape.strokes, 2);
        /* area pixels are whole numbers: the actual distance may be 1/2 area
         * px (0.04 image px) off; the test distances keep clear of 2.5/3.5 */
        assert_int_equal(j.shape.joined, d_px[i] <= 2.5 ? 1 : 0);
    }
}

static void test_scale_and_sampling_invariant(void **state)
{
    (void)state;
    ink_buffer ink;
    draw_two(&ink, 1.0, 24);
    judged big = judge(&ink);
    draw_two(&ink, 0.45, 24);
    judged small = judge(&ink);
    draw_two(&ink, 1.0, 6); /* a touch controller sampling 4x slower */
    judged sparse = judge(&ink);
    assert_int_equal(small.needed, PLAIN);
    assert_int_equal(sparse.needed, PLAIN);
    assert_true(labs((long)(big.shape.turn - small.shape.turn)) < 160);
    assert_true(labs((long)(big.shape.turn - sparse.shape.turn)) < 160);
}

static void test_odd_shape_needs_odd_conf(void **state)
{
    (void)state;
    /* {strokes, turn, sharp, joined} */
    ink_shape odd = {1, INK_ODD_TURN + 1, 0, 0};
    ink_shape plain = {2, INK_ODD_TURN, 0, 1};
    ink_shape nothing = {0, 0, 0, 0};
    ink_shape strokes = {INK_MAX_STROKES + 1, 0, 0, INK_MAX_STROKES};
    ink_shape turns = {1, INK_MAX_TURN + 1, 0, 0};
    /* sharp turns count INK_SHARP_TURN each towards INK_ODD_TURN */
    ink_shape sharp_odd = {1, INK_ODD_TURN - 3 * (int32_t)INK_SHARP_TURN + 1, 3, 0};
    ink_shape sharp_plain = {1, INK_ODD_TURN - 3 * (int32_t)INK_SHARP_TURN, 3, 0};
    ink_shape sharp_max = {1, INK_MAX_TURN, INT32_MAX, 0}; /* any values: defined */
    /* strokes apart: odd from INK_APART_STROKES strokes on */
    ink_shape three_joined = {3, 100, 0, 2};
    ink_shape three_apart = {3, 100, 0, 1};
    ink_shape two_apart = {2, 100, 0, 0};
    assert_int_equal(INK_APART_STROKES, 3);
    assert_int_equal(ink_conf_needed(&sharp_odd, PLAIN), INK_ODD_CONF);
    assert_int_equal(ink_conf_needed(&sharp_plain, PLAIN), PLAIN);
    assert_true(ink_conf_needed(&sharp_max, 0) >= INK_ODD_CONF);
    assert_int_equal(ink_conf_needed(&three_joined, PLAIN), PLAIN);
    assert_int_equal(ink_conf_needed(&three_apart, PLAIN), INK_ODD_CONF);
    assert_int_equal(ink_conf_needed(&two_apart, PLAIN), PLAIN);
    assert_int_equal(ink_conf_needed(&odd, PLAIN), INK_ODD_CONF);
    assert_int_equal(ink_conf_needed(&odd, INK_ODD_CONF + 5u), INK_ODD_CONF + 5u);
    assert_int_equal(ink_conf_needed(&plain, PLAIN), PLAIN);
    assert_int_equal(ink_conf_needed(&plain, 0), 0);
    assert_int_equal(ink_conf_needed(&nothing, PLAIN), NOT_ACCEPTED);
    assert_int_equal(ink_conf_needed(&strokes, 0), NOT_ACCEPTED);
    assert_int_equal(ink_conf_needed(&turns, 0), NOT_ACCEPTED);
    assert_int_equal(ink_conf_needed(NULL, 0), NOT_ACCEPTED);
    assert_true(INK_ODD_CONF > PLAIN && INK_ODD_CONF <= NET_CONF_ONE);
}

static void test_bad_arguments_and_no_digit(void **state)
{
    (void)state;
    ink_buffer ink;
    uint8_t img[NET_IMAGE_BYTES];
    ink_shape s = {7, 7, 7, 7};
    ink_reset(&ink);
    assert_int_equal(ink_render_shape(&ink, img, NULL), INK_ERR_ARG);
    assert_int_equal(ink_render_shape(NULL, img, &s), INK_ERR_ARG);
    assert_int_equal(ink_render_shape(&ink, NULL, &s), INK_ERR_ARG);
    s.strokes = s.turn = s.sharp = s.joined = 7;
    assert_int_equal(ink_render_shape(&ink, img, &s), INK_NO_DIGIT); /* empty */
    assert_int_equal(s.strokes, 0);
    assert_int_equal(s.turn, 0);
    assert_int_equal(s.sharp, 0);
    assert_int_equal(s.joined, 0);
    assert_int_equal(ink_conf_needed(&s, PLAIN), NOT_ACCEPTED);
    add(&ink, 100, 100, 1); /* a tap */
    ink_pen_up(&ink);
    assert_int_equal(ink_render_shape(&ink, img, &s), INK_NO_DIGIT);
    assert_int_equal(ink_conf_needed(&s, PLAIN), NOT_ACCEPTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_accepted),
        cmocka_unit_test(test_one_accepted),
        cmocka_unit_test(test_smooth_two_accepted),
        cmocka_unit_test(test_eight_accepted),
        cmocka_unit_test(test_four_in_three_strokes_accepted),
        cmocka_unit_test(test_four_in_two_strokes_accepted),
        cmocka_unit_test(test_five_with_bar_accepted),
        cmocka_unit_test(test_seven_with_crossbar_accepted),
        cmocka_unit_test(test_one_with_flag_and_base_accepted),
        cmocka_unit_test(test_lines_apart_need_odd_conf),
        cmocka_unit_test(test_wandering_stroke_needs_odd_conf),
        cmocka_unit_test(test_jagged_walk_rejected),
        cmocka_unit_test(test_coil_rejected),
        cmocka_unit_test(test_blob_rejected),
        cmocka_unit_test(test_too_many_strokes_rejected),
        cmocka_unit_test(test_turn_matches_float_reference),
        cmocka_unit_test(test_joined_matches_distance),
        cmocka_unit_test(test_scale_and_sampling_invariant),
        cmocka_unit_test(test_odd_shape_needs_odd_conf),
        cmocka_unit_test(test_bad_arguments_and_no_digit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
