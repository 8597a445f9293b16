/* test_ink.c - the ink module: events, bounded buffer, normalization.
 *
 * The rendering is checked against an independent floating-point reference
 * (distance from every pixel centre to every segment), and the MNIST-like
 * properties (20 px box, aspect kept, centre of mass at (14,14)) are measured
 * on the output image. */
#define _USE_MATH_DEFINES
#include <math.h>
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "inkpin/ink.h"

/* ---- helpers ---------------------------------------------------------------- */

typedef struct {
    int count, r0, r1, c0, c1;
    double com_row, com_col;
} img_info;

static img_info measure(const uint8_t img[NET_IMAGE_BYTES])
{
    img_info m = {0, 28, -1, 28, -1, 0, 0};
    for (int r = 0; r < 28; r++)
        for (int c = 0; c < 28; c++)
            if (ink_pixel(img, r, c)) {
                m.count++;
                m.com_row += r;
                m.com_col += c;
                if (r < m.r0)
                    m.r0 = r;
                if (r > m.r1)
                    m.r1 = r;
                if (c < m.c0)
                    m.c0 = c;
                if (c > m.c1)
                    m.c1 = c;
            }
    if (m.count) {
        m.com_row /= m.count;
        m.com_col /= m.count;
    }
    return m;
}

/* Feeds strokes given as flat lists of x,y pairs; a stroke ends at -1. */
static void feed(ink_buffer *ink, const int *xy, int n_values)
{
    ink_reset(ink);
    int down = 0;
    for (int i = 0; i + 1 < n_values || (i < n_values && xy[i] == -1);) {
        if (xy[i] == -1) {
            ink_pen_up(ink);
            down = 0;
            i++;
            continue;
        }
        if (!down)
            assert_int_equal(ink_pen_down(ink, xy[i], xy[i + 1]), INK_OK);
        else
            assert_int_equal(ink_pen_move(ink, xy[i], xy[i + 1]), INK_OK);
        down = 1;
        i += 2;
    }
    ink_pen_up(ink);
}

static void circle(ink_buffer *ink, int cx, int cy, int rad, int n)
{
    ink_reset(ink);
    for (int i = 0; i <= n; i++) {
        double a = 2 * M_PI * i / n;
        int32_t x = (int32_t)lround(cx + rad * cos(a)), y = (int32_t)lround(cy + rad * sin(a));
        if (i == 0)
            ink_pen_down(ink, x, y);
        else
            ink_pen_move(ink, x, y);
    }
    ink_pen_up(ink);
}

/* ---- independent float reference -------------------------------------------------- */

static double seg_dist(double pr, double pc, double r0, double c0, double r1, double c1)
{
    double dr = r1 - r0, dc = c1 - c0, len2 = dr * dr + dc * dc;
    double t = len2 > 0 ? ((pr - r0) * dr + (pc - c0) * dc) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double er = r0 + t * dr - pr, ec = c0 + t * dc - pc;
    return sqrt(er * er + ec * ec);
}

/* Point i of the ink mapped to the 28x28 image as the reference draws it. */
static void ref_map(const ink_buffer *ink, int i, double s, double minx, double maxx, double miny,
                    double maxy, double *r, double *c)
{
    *r = (ink->y[i] - (miny + maxy) / 2) * s + 13.5;
    *c = (ink->x[i] - (minx + maxx) / 2) * s + 13.5;
}

static int ref_in_stroke(const ink_buffer *ink, int i)
{
    return i >= 0 && i < ink->n && ink->x[i] != INK_PEN_LIFT;
}

static int ref_chords_only; /* 1: straight chords everywhere (the rule before curves) */

/* The turn of the stroke a -> m -> b at m, in degrees (0 = straight on). */
static double ref_turn_deg(double ar, double ac, double mr, double mc, double br, double bc)
{
    double ur = mr - ar, uc = mc - ac, vr = br - mr, vc = bc - mc;
    return fabs(atan2(ur * vc - uc * vr, ur * vr + uc * vc)) * 180 / M_PI;
}

/* Distance from pixel (pr, pc) to the piece of stroke between samples i and
 * j = i + 1 (or the point i when j == i): a straight segment when it is at
 * most INK_CURVE_STEP_Q4 / 16 px long on its longer axis, otherwise two
 * segments through the point at t = 1/2 of the uniform Catmull-Rom curve
 * through the neighbours (a missing neighbour, or one where the stroke turns
 * by more than 120 degrees, is replaced by the mirror image of the far end). */
static double piece_dist(const ink_buffer *ink, int i, int j, double s, double minx, double maxx,
                         double miny, double maxy, double pr, double pc)
{
    double r1, c1, r2, c2;
    ref_map(ink, i, s, minx, maxx, miny, maxy, &r1, &c1);
    ref_map(ink, j, s, minx, maxx, miny, maxy, &r2, &c2);
    if (ref_chords_only || fmax(fabs(r2 - r1), fabs(c2 - c1)) <= INK_CURVE_STEP_Q4 / 16.0)
        return seg_dist(pr, pc, r1, c1, r2, c2);
    double r0 = 2 * r1 - r2, c0 = 2 * c1 - c2, r3 = 2 * r2 - r1, c3 = 2 * c2 - c1, nr, nc;
    if (ref_in_stroke(ink, i - 1)) {
        ref_map(ink, i - 1, s, minx, maxx, miny, maxy, &nr, &nc);
        if (ref_turn_deg(nr, nc, r1, c1, r2, c2) <= 120)
            r0 = nr, c0 = nc;
    }
    if (ref_in_stroke(ink, j + 1)) {
        ref_map(ink, j + 1, s, minx, maxx, miny, maxy, &nr, &nc);
        if (ref_turn_deg(r1, c1, r2, c2, nr, nc) <= 120)
            r3 = nr, c3 = nc;
    }
    /* Catmull-Rom in its basis-function form at t (ink.c uses the 4-point
     * midpoint weights) */
    double t = 0.5, t2 = t * t, t3 = t2 * t;
    double h0 = -0.5 * t3 + t2 - 0.5 * t, h1 = 1.5 * t3 - 2.5 * t2 + 1;
    double h2 = -1.5 * t3 + 2 * t2 + 0.5 * t, h3 = 0.5 * t3 - 0.5 * t2;
    double mr = h0 * r0 + h1 * r1 + h2 * r2 + h3 * r3, mc = h0 * c0 + h1 * c1 + h2 * c2 + h3 * c3;
    return fmin(seg_dist(pr, pc, r1, c1, mr, mc), seg_dist(pr, pc, mr, mc, r2, c2));
}

/* The MNIST-like normalization written directly from its definition:
 * bounding box, longer side -> box px, box centre on a pixel corner next to
 * (14,14), pixels within `radius` of a segment (or curve, piece_dist), then the whole-pixel shift that
 * brings the centre of mass nearest to (14,14). Fills out[784] with 0/1. */
static int reference_render(const ink_buffer *ink, double box, double radius, uint8_t out[784])
{
    double minx = 1e9, maxx = -1e9, miny = 1e9, maxy = -1e9;
    for (int i = 0; i < ink->n; i++) {
        if (ink->x[i] == INK_PEN_LIFT)
            continue;
        minx = fmin(minx, ink->x[i]);
        maxx = fmax(maxx, ink->x[i]);
        miny = fmin(miny, ink->y[i]);
        maxy = fmax(maxy, ink->y[i]);
    }
    double ext = fmax(maxx - minx, maxy - miny), s = box / ext;
    uint8_t first[784] = {0};
    double sr = 0, sc = 0;
    int count = 0;
    for (int r = 0; r < 28; r++)
        for (int c = 0; c < 28; c++) {
            double best = 1e9;
            for (int i = 0; i < ink->n; i++) {
                if (ink->x[i] == INK_PEN_LIFT)
                    continue;
                int j = (i + 1 < ink->n && ink->x[i + 1] != INK_PEN_LIFT) ? i + 1 : i;
                int single = j == i && (i == 0 || ink->x[i - 1] == INK_PEN_LIFT);
                if (j == i && !single)
                    continue; /* end of a stroke: covered by its last segment */
                best = fmin(best, piece_dist(ink, i, j, s, minx, maxx, miny, maxy, r, c));
            }
            int hit = best <= radius;
            /* within 1/16 px of the pen edge: either answer is right (fixed point) */
            first[r * 28 + c] = (uint8_t)(fabs(best - radius) < 0.0625 ? 2 : hit);
            if (hit) {
                count++;
                sr += r;
                sc += c;
            }
        }
    if (!count)
        return 0;
    int dr = (int)lround(14 - sr / count), dc = (int)lround(14 - sc / count);
    memset(out, 0, 784);
    for (int r = 0; r < 28; r++)
        for (int c = 0; c < 28; c++)
            if (first[r * 28 + c] && r + dr >= 0 && r + dr < 28 && c + dc >= 0 && c + dc < 28)
                out[(r + dr) * 28 + c + dc] = first[r * 28 + c];
    return count;
}

/* Pixels that differ between img shifted by (dr, dc) and ref. */
static int mismatches_shifted(const uint8_t img[NET_IMAGE_BYTES], const uint8_t ref[784], int dr,
                              int dc)
{
    int n = 0;
    for (int k = 0; k < 784; k++)
        n += ref[k] != 2 && ink_pixel(img, k / 28 - dr, k % 28 - dc) != ref[k];
    return n;
}

/* Mismatches after the best whole-pixel alignment within +-1 px: the
 * centre-of-mass rounding may legitimately pick neighbouring shifts when the
 * centre of mass is within a hair of a half pixel. */
static int mismatches_aligned(const uint8_t img[NET_IMAGE_BYTES], const uint8_t ref[784])
{
    int best = 784;
    for (int dr = -1; dr <= 1; dr++)
        for (int dc = -1; dc <= 1; dc++) {
            int n = mismatches_shifted(img, ref, dr, dc);
            if (n < best)
                best = n;
        }
    return best;
}

static void unpack(const uint8_t img[NET_IMAGE_BYTES], uint8_t out[784])
{
    for (int k = 0; k < 784; k++)
        out[k] = (uint8_t)ink_pixel(img, k / 28, k % 28);
}

/* ---- tests -------------------------------------------------------------------------- */

static void test_null_arguments(void **state)
{
    (void)state;
    uint8_t img[NET_IMAGE_BYTES];
    ink_buffer ink;
    ink_reset(&ink);
    ink_reset(NULL);
    assert_int_equal(ink_pen_down(NULL, 1, 1), INK_ERR_ARG);
    assert_int_equal(ink_pen_move(NULL, 1, 1), INK_ERR_ARG);
    assert_int_equal(ink_pen_up(NULL), INK_ERR_ARG);
    assert_int_equal(ink_render(NULL, img), INK_ERR_ARG);
    assert_int_equal(ink_render(&ink, NULL), INK_ERR_ARG);
    assert_int_equal(ink_render_style(&ink, NULL, img), INK_ERR_ARG);
    ink_style bad = {INK_BOX_Q4, 41};
    assert_int_equal(ink_render_style(&ink, &bad, img), INK_ERR_ARG);
    bad = (ink_style){15, 16};
    assert_int_equal(ink_render_style(&ink, &bad, img), INK_ERR_ARG);
    ink_shape shape;
    assert_int_equal(ink_render_shape(&ink, img, NULL), INK_ERR_ARG);
    assert_int_equal(ink_render_shape(NULL, img, &shape), INK_ERR_ARG);
    assert_int_equal(ink_stroke_count(NULL), 0);
    assert_int_equal(ink_conf_needed(NULL, 0), NET_CONF_ONE + 1u);
    assert_int_equal(ink_pixel(NULL, 0, 0), 0);
    assert_int_equal(ink_pixel(img, -1, 0), 0);
    assert_int_equal(ink_pixel(img, 0, 28), 0);
}

static void test_empty_tap_and_dot_are_no_digit(void **state)
{
    (void)state;
    ink_buffer ink;
    uint8_t img[NET_IMAGE_BYTES];
    uint8_t zero[NET_IMAGE_BYTES] = {0};

    ink_reset(&ink);
    memset(img, 0xAA, sizeof img);
    assert_int_equal(ink_render(&ink, img), INK_NO_DIGIT);
    assert_memory_equal(img, zero, sizeof img);

    /* a tap, then the same tap held (repeated samples) */
    ink_pen_down(&ink, 120, 120);
    ink_pen_up(&ink);
    assert_int_equal(ink_render(&ink, img), INK_NO_DIGIT);
    ink_pen_down(&ink, 120, 120);
    for (int i = 0; i < 50; i++)
        ink_pen_move(&ink, 120, 120);
    ink_pen_up(&ink);
    assert_int_equal(ink_render(&ink, img), INK_NO_DIGIT);
    assert_memory_equal(img, zero, sizeof img);

    /* a tiny scribble, smaller than INK_MIN_EXTENT on its longer side */
    int dot[] = {100, 100, 103, 105, 100 + INK_MIN_EXTENT - 1, 102, 104, 99};
    feed(&ink, dot, 8);
    assert_int_equal(ink_render(&ink, img), INK_NO_DIGIT);

    /* just large enough is a (possible) digit */
    int small[] = {100, 100, 100, 100 + INK_MIN_EXTENT};
    feed(&ink, small, 4);
    assert_int_equal(ink_render(&ink, img), INK_OK);
    assert_true(measure(img).count > 0);
}

static void test_scribbled_over_is_no_digit(void **state)
{
    (void)state;
    ink_buffer ink;
    uint8_t img[NET_IMAGE_BYTES];
    /* a crossed-out blob: 16 zigzags over a 120 x 100 region, then an X */
    ink_reset(&ink);
    ink_pen_down(&ink, 60, 60);
    for (int i = 1; i <= 16; i++)
        ink_pen_move(&ink, 60 + i * 120 / 16, i % 2 ? 160 : 60);
    ink_pen_up(&ink);
    ink_pen_down(&ink, 50, 50);
    ink_pen_move(&ink, 190, 170);
    ink_pen_up(&ink);
    assert_int_equal(ink_render(&ink, img), INK_NO_DIGIT);
    /* an "8" drawn twice over (two loops each) is still a digit: length ~5 x side */
    ink_reset(&ink);
    for (int turn = 0; turn <= 2 * 48; turn++) {
        double t = turn * 2 * M_PI / 48;
        int32_t x = (int32_t)lround(120 + 50 * sin(t)),
                y = (int32_t)lround(120 + 90 * sin(t / 2) * cos(t / 2) * 2);
        if (turn == 0)
            ink_pen_down(&ink, x, y);
        else
            ink_pen_move(&ink, x, y);
    }
    ink_pen_up(&ink);
    assert_int_equal(ink_render(&ink, img), INK_OK);
}

static void test_events_and_strokes(void **state)
{
    (void)state;
    ink_buffer ink;
    ink_reset(&ink);
    /* move without down starts a stroke; up is idempotent; repeated point ignored */
    assert_int_equal(ink_pen_move(&ink, 10, 10), INK_OK);
    assert_int_equal(ink_pen_move(&ink, 10, 10), INK_OK);
    assert_int_equal(ink_pen_move(&ink, 20, 10), INK_OK);
    assert_int_equal(ink.n, 2);
    assert_int_equal(ink_pen_up(&ink), INK_OK);
    assert_int_equal(ink_pen_up(&ink), INK_OK);
    assert_int_equal(ink_stroke_count(&ink), 1);
    /* down while down (a missed up) starts a new stroke */
    ink_pen_down(&ink, 30, 30);
    ink_pen_down(&ink, 40, 40);
    assert_int_equal(ink_stroke_count(&ink), 3);
    assert_int_equal(ink.n, 2 + 2 + 2); /* points + pen-lift markers */
    assert_int_equal(ink.x[2], INK_PEN_LIFT);
}

static void test_extreme_coordinates_are_clamped(void **state)
{
    (void)state;
    ink_buffer a, b;
    uint8_t ia[NET_IMAGE_BYTES], ib[NET_IMAGE_BYTES];
    /* (-1 ends a stroke in feed(), so -7 stands for "just off the screen") */
    int absurd[] = {INT32_MIN, INT32_MIN, INT32_MAX, INT32_MIN, INT32_MAX, INT32_MAX,
                    -7,        -7,        240,       120,       100000,    -5};
    int border[] = {0, 0, 239, 0, 239, 239, 0, 0, 239, 120, 239, 0};
    feed(&a, absurd, 12);
    feed(&b, border, 12);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.x, b.x, (size_t)a.n);
    assert_memory_equal(a.y, b.y, (size_t)a.n);
    for (int i = 0; i < a.n; i++) {
        assert_true(a.x[i] < INK_AREA);
        assert_true(a.y[i] < INK_AREA);
    }
    assert_int_equal(ink_render(&a, ia), INK_OK);
    assert_int_equal(ink_render(&b, ib), INK_OK);
    assert_memory_equal(ia, ib, sizeof ia);
}

static void test_border_strokes(void **state)
{
    (void)state;
    /* a frame drawn exactly on the border rows/columns of the area, sampled
     * every 8 px (4 corner samples alone would be drawn as a rounded curve) */
    ink_buffer ink;
    uint8_t img[NET_IMAGE_BYTES];
    ink_reset(&ink);
    assert_int_equal(ink_pen_down(&ink, 0, 0), INK_OK);
    for (int t = 8; t <= 4 * 240; t += 8) {
        int side = (t - 1) / 240, u = t - side * 240 < 240 ? t - side * 240 : 239;
        int x = side == 0 ? u : side == 1 ? 239 : side == 2 ? 239 - u : 0;
        int y = side == 0 ? 0 : side == 1 ? u : side == 2 ? 239 : 239 - u;
        assert_int_equal(ink_pen_move(&ink, x, y), INK_OK);
    }
    ink_pen_up(&ink);
    assert_false(ink.simplified);
    assert_int_equal(ink_render(&ink, img), INK_OK);
    img_info m = measure(img);
    assert_int_equal(m.r1 - m.r0 + 1, 20);
    assert_int_equal(m.c1 - m.c0 + 1, 20);
    assert_true(fabs(m.com_row - 14) <= 0.5 && fabs(m.com_col - 14) <= 0.5);
}

/* Extreme styles must not write beyond the 98 bytes (ASan also watches). */
static void test_writes_are_clipped(void **state)
{
    (void)state;
    uint8_t guard[NET_IMAGE_BYTES + 64];
    memset(guard, 0x5A, sizeof guard);
    uint8_t *img = guard + 32;
    ink_buffer ink;
    int zig[] = {0, 0, 239, 239, 0, 239, 239, 0, -1, 120, 0, 120, 239};
    feed(&ink, zig, 13);
    ink_style styles[] = {{448, 40}, {448, 0}, {16, 40}, {16, 0}};
    for (size_t s = 0; s < sizeof styles / sizeof *styles; s++) {
        assert_int_equal(ink_render_style(&ink, &styles[s], img), INK_OK);
        for (int k = 0; k < 32; k++) {
            assert_int_equal(guard[k], 0x5A);
            assert_int_equal(guard[32 + NET_IMAGE_BYTES + k], 0x5A);
        }
    }
    /* padding bits beyond pixel 783 do not exist: 98*8 == 784 exactly */
    assert_int_equal(NET_IMAGE_BYTES * 8, NET_IMAGE_PIXELS);
}

static void test_known_stroke_known_bitmap(void **state)
{
    (void)state;
    /* An "L": down 200 px, right 100 px. Centre lines 16.5 x 8.25 px, pen 1.75. */
    static const char *expected[28] = {
        "............................", "............................",
        "............##..............", "...........####.............",
        "...........####.............", "...........####.............",
        "...........####.............", "...........####.............",
        "...........####.............", "...........####.............",
        "...........####.............", "...........####.............",
        "...........####.............", "...........####.............",
        "...........####.............", "...........####.............",
        "...........####.............", "...........####.............",
        "...........####....#........", /* 1.75 px (the radius) from the line: in when a stamp lands right above it */
        "...........############.....", "...........############.....",
        "............##########......", "............................",
        "............................", "............................",
        "............................", "............................",
        "............................",
    };
    ink_buffer ink;
    uint8_t img[NET_IMAGE_BYTES];
    ink_reset(&ink); /* sampled every 20 px (1.65 px apart in the image: straight lines) */
    assert_int_equal(ink_pen_down(&ink, 70, 20), INK_OK);
    for (int y = 40; y <= 220; y += 20)
        assert_int_equal(ink_pen_move(&ink, 70, y), INK_OK);
    for (int x = 90; x <= 170; x += 20)
        assert_int_equal(ink_pen_move(&ink, x, 220), INK_OK);
    ink_pen_up(&ink);
    assert_int_equal(ink_render(&ink, img), INK_OK);
    char got[28][29];
    int diff = 0;
    for (int r = 0; r < 28; r++) {
        for (int c = 0; c < 28; c++) {
            got[r][c] = ink_pixel(img, r, c) ? '#' : '.';
            diff += got[r][c] != expected[r][c];
        }
        got[r][28] = 0;
    }
    if (diff)
        for (int r = 0; r < 28; r++)
            fprintf(stderr, "\"%s\",\n", got[r]);
    assert_int_equal(diff, 0);
}

static void test_matches_float_reference(void **state)
{
    (void)state;
    ink_buffer ink;
    uint8_t img[NET_IMAGE_BYTES], ref[784];
    /* a "7", a "4" in two strokes, a circle, a slanted "1", a tap-and-stroke */
    int seven[] = {40, 30, 200, 30, 110, 220};
    int four[] = {150, 20, 40, 150, 210, 150, -1, 160, 60, 160, 230};
    int one[] = {130, 20, 110, 220};
    int tap_stroke[] = {60, 60, -1, 100, 40, 140, 200};
    struct {
        const int *xy;
        int n;
    } shapes[] = {{seven, 6}, {four, 11}, {one, 4}, {tap_stroke, 7}, {NULL, 0}};
    for (int s = 0; s < 5; s++) {
        if (shapes[s].xy)
            feed(&ink, shapes[s].xy, shapes[s].n);
        else
            circle(&ink, 120, 120, 90, 40);
        ink_style styles[] = {{INK_BOX_Q4, INK_PEN_RADIUS_Q4}, {320, 16}, {256, 40}};
        for (int k = 0; k < 3; k++) {
            assert_int_equal(ink_render_style(&ink, &styles[k], img), INK_OK);
            int n = reference_render(&ink, styles[k].box_q4 / 16.0, styles[k].pen_radius_q4 / 16.0,
                                     ref);
            int bad = mismatches_aligned(img, ref);
            if (bad) {
                for (int r = 0; r < 28; r++, fputc('\n', stderr))
                    for (int c = 0; c < 28; c++)
                        fputc(ink_pixel(img, r, c) ? (ref[r * 28 + c] ? '#' : 'A')
                              : ref[r * 28 + c]    ? 'R'
                                                   : '.',
                              stderr);
            }
            /* Only pixels whose centre is within 1/16 px of the pen edge may differ
             * (and the whole image by one pixel when the centre of mass is a hair
             * from a half pixel). */
            if (bad)
                fprintf(stderr, "shape %d style %d: %d of %d pixels differ\n", s, k, bad, n);
            assert_int_equal(bad, 0);
        }
    }
}

static void test_thin_one_keeps_aspect(void **state)
{
    (void)state;
    ink_buffer ink;
    uint8_t img[NET_IMAGE_BYTES];
    int one[] = {120, 20, 120, 220};
    feed(&ink, one, 4);
    assert_int_equal(ink_render(&ink, img), INK_OK);
    img_info m = measure(img);
    assert_int_equal(m.r1 - m.r0 + 1, 20);
    assert_true(m.c1 - m.c0 + 1 <= 4); /* the pen width only, not stretched to 20 */
    /* slanted 1: 20 px across for 200 down -> ~1.7 px of slant + the pen */
    int slanted[] = {130, 20, 110, 220};
    feed(&ink, slanted, 4);
    assert_int_equal(ink_render(&ink, img), INK_OK);
    m = measure(img);
    assert_int_equal(m.r1 - m.r0 + 1, 20);
    assert_true(m.c1 - m.c0 + 1 <= 6);
    /* a wide flat "0": height follows the aspect ratio */
    circle(&ink, 120, 120, 100, 60);
    ink.n = ink.n; /* (circle is round; squash it) */
    for (int i = 0; i < ink.n; i++)
        ink.y[i] = (uint8_t)(120 + (ink.y[i] - 120) / 2);
    assert_int_equal(ink_render(&ink, img), INK_OK);
    m = measure(img);
    assert_int_equal(m.c1 - m.c0 + 1, 20);
    assert_true(m.r1 - m.r0 + 1 >= 11 && m.r1 - m.r0 + 1 <= 13); /* 8.25 + 3.5 px */
}

static void test_centre_of_mass_at_14(void **state)
{
    (void)state;
    ink_buffer ink;
    uint8_t img[NET_IMAGE_BYTES];
    /* lopsided shapes in every corner of the area, several sizes */
    int seven[] = {0, 0, 60, 0, 20, 60};
    int hook[] = {200, 150, 239, 150, 239, 239, 230, 239};
    int four[] = {150, 20, 40, 150, 210, 150, -1, 160, 60, 160, 230};
    const int *shapes[] = {seven, hook, four};
    const int sizes[] = {6, 8, 11};
    for (int s = 0; s < 3; s++) {
        feed(&ink, shapes[s], sizes[s]);
        assert_int_equal(ink_render(&ink, img), INK_OK);
        img_info m = measure(img);
        assert_true(fabs(m.com_row - 14) <= 0.5);
        assert_true(fabs(m.com_col - 14) <= 0.5);
    }
    for (int rad = 10; rad <= 110; rad += 20) {
        circle(&ink, 120, 120, rad, 30);
        assert_int_equal(ink_render(&ink, img), INK_OK);
        img_info m = measure(img);
        assert_true(fabs(m.com_row - 14) <= 0.5 && fabs(m.com_col - 14) <= 0.5);
    }
}

/* Samples far apart (a slow touch controller) leave no gaps; straight ink
 * stays straight (curves: test_sparse_samples_follow_the_curve). */
static void test_fast_strokes_leave_no_gaps(void **state)
{
    (void)state;
    ink_buffer ink;
    uint8_t img[NET_IMAGE_BYTES];
    int diag[] = {10, 10, 230, 230};
    feed(&ink, diag, 4);
    assert_int_equal(ink_render(&ink, img), INK_OK);
    img_info m = measure(img);
    for (int r = m.r0; r <= m.r1; r++) {
        int run = 0;
        for (int c = 0; c < 28; c++)
            run += ink_pixel(img, r, c);
        assert_true(run >= 2); /* every row between the ends is crossed by the stroke */
    }
    /* a "Z" sampled finely enough for the buffer to simplify it keeps straight
     * lines: the points left are still less than 2 px apart */
    ink_reset(&ink);
    ink_pen_down(&ink, 20, 20);
    for (int x = 20; x <= 220; x++)
        ink_pen_move(&ink, x, 20);
    for (int t = 0; t <= 200; t++)
        ink_pen_move(&ink, 220 - t, 20 + t);
    for (int x = 20; x <= 220; x++)
        ink_pen_move(&ink, x, 220);
    ink_pen_up(&ink);
    assert_true(ink.simplified); /* 600 samples > INK_MAX_POINTS */
    assert_int_equal(ink_render(&ink, img), INK_OK);
    uint8_t ref[784];
    ref_chords_only = 1;
    int n = reference_render(&ink, INK_BOX_Q4 / 16.0, INK_PEN_RADIUS_Q4 / 16.0, ref);
    ref_chords_only = 0;
    assert_true(n > 0);
    assert_int_equal(mismatches_aligned(img, ref), 0);
}

/* Samples far apart on a curve (a slow touch controller) are joined through
 * the curve's midpoints, not by chords: a 0 sampled 8 times per turn is drawn
 * closer to the same 0 sampled 64 times than the octagon of chords is (at
 * most 2/3 of its pixels off; measured 28/52, 26/48, 8/40). */
static void test_sparse_samples_follow_the_curve(void **state)
{
    (void)state;
    ink_buffer ink;
    uint8_t dense[NET_IMAGE_BYTES], sparse[NET_IMAGE_BYTES], octagon[784];
    for (int rad = 60; rad <= 110; rad += 25) {
        circle(&ink, 120, 120, rad, 64);
        assert_int_equal(ink_render(&ink, dense), INK_OK);
        circle(&ink, 120, 120, rad, 8);
        assert_int_equal(ink_render(&ink, sparse), INK_OK);
        ref_chords_only = 1;
        reference_render(&ink, INK_BOX_Q4 / 16.0, INK_PEN_RADIUS_Q4 / 16.0, octagon);
        ref_chords_only = 0;
        uint8_t sparse_px[784], octagon_bits[NET_IMAGE_BYTES];
        unpack(sparse, sparse_px);
        memset(octagon_bits, 0, sizeof octagon_bits);
        for (int k = 0; k < 784; k++)
            if (octagon[k] == 1)
                octagon_bits[k >> 3] = (uint8_t)(octagon_bits[k >> 3] | (1u << (k & 7)));
        int curve_err = mismatches_aligned(dense, sparse_px);
        uint8_t dense_px[784];
        unpack(dense, dense_px);
        int chord_err = mismatches_aligned(octagon_bits, dense_px);
        fprintf(stderr, "radius %d: curve %d, chords %d pixels off the dense drawing\n", rad,
                curve_err, chord_err);
        assert_true(curve_err * 3 <= chord_err * 2);
    }
}

static void test_buffer_full_simplifies_and_keeps_shape(void **state)
{
    (void)state;
    ink_buffer ink, small;
    uint8_t img[NET_IMAGE_BYTES], ref[NET_IMAGE_BYTES];
    /* a 2000-sample circle: far more than the buffer holds */
    circle(&ink, 120, 120, 100, 2000);
    assert_true(ink.simplified);
    assert_true(ink.n <= INK_MAX_POINTS);
    circle(&small, 120, 120, 100, 60);
    assert_false(small.simplified);
    assert_int_equal(ink_render(&ink, img), INK_OK);
    assert_int_equal(ink_render(&small, ref), INK_OK);
    uint8_t ref_px[784];
    unpack(ref, ref_px);
    int total = measure(ref).count;
    assert_true(mismatches_aligned(img, ref_px) <= total / 20);
    /* first and last sample are kept */
    assert_int_equal(ink.x[0], 220);
    assert_int_equal(ink.y[0], 120);
    assert_int_equal(ink.x[ink.n - 1], 220);

    /* taps cannot be simplified: eventually the buffer refuses, and stays valid */
    ink_reset(&ink);
    int refused = 0;
    for (int i = 0; i < 4 * INK_MAX_POINTS; i++) {
        ink_err e = ink_pen_down(&ink, (i * 37) % 240, (i * 91) % 240);
        ink_pen_up(&ink);
        if (e == INK_ERR_FULL)
            refused++;
        else
            assert_int_equal(e, INK_OK);
        assert_true(ink.n <= INK_MAX_POINTS);
    }
    assert_true(refused > 0);
    assert_int_equal(ink_stroke_count(&ink), (INK_MAX_POINTS + 1) / 2);
    assert_int_equal(ink_render(&ink, img), INK_OK);
    /* and a stroke still being drawn keeps its live end when the buffer is full */
    ink_reset(&ink);
    ink_pen_down(&ink, 0, 0);
    for (int i = 1; i < 1000; i++)
        assert_int_equal(ink_pen_move(&ink, i % 240, (i / 240) * 50), INK_OK);
    assert_int_equal(ink.x[ink.n - 1], 999 % 240);
    assert_int_equal(ink.y[ink.n - 1], (999 / 240) * 50);
}

/* A caller that corrupts the buffer (n out of range) gets no out-of-bounds access. */
static void test_corrupt_buffer_is_safe(void **state)
{
    (void)state;
    ink_buffer ink;
    uint8_t img[NET_IMAGE_BYTES];
    ink_reset(&ink);
    ink.n = -5;
    assert_int_equal(ink_render(&ink, img), INK_NO_DIGIT);
    assert_int_equal(ink_stroke_count(&ink), 0);
    ink.n = INK_MAX_POINTS + 10;
    assert_int_equal(ink_render(&ink, img), INK_NO_DIGIT);
    assert_int_equal(ink_pen_move(&ink, 5, 5), INK_OK);
    assert_int_equal(ink.n, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_empty_tap_and_dot_are_no_digit),
        cmocka_unit_test(test_scribbled_over_is_no_digit),
        cmocka_unit_test(test_events_and_strokes),
        cmocka_unit_test(test_extreme_coordinates_are_clamped),
        cmocka_unit_test(test_border_strokes),
        cmocka_unit_test(test_writes_are_clipped),
        cmocka_unit_test(test_known_stroke_known_bitmap),
        cmocka_unit_test(test_matches_float_reference),
        cmocka_unit_test(test_thin_one_keeps_aspect),
        cmocka_unit_test(test_centre_of_mass_at_14),
        cmocka_unit_test(test_fast_strokes_leave_no_gaps),
        cmocka_unit_test(test_sparse_samples_follow_the_curve),
        cmocka_unit_test(test_buffer_full_simplifies_and_keeps_shape),
        cmocka_unit_test(test_corrupt_buffer_is_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
