/* test_augment.c - the pen-stroke augmentation rules of the trainer
 * (host/train/augment.c) and their flags: --pen-rotate sets only the
 * rotation range, --pen-thin only the thinning rule. Measured on the renders
 * over many seeds: the angle of a rendered bar, and whether a sample that
 * thinning can drop survived. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "data/strokes.h"
#include "train/augment.h"
#include "util/testutil.h"

#define SEEDS 400

static strokes_sample parse(const char *line)
{
    strokes_sample s;
    inkpin_diag d = {{0}};
    if (strokes_parse_line(line, strlen(line), "t.ndjson:1", &s, &d))
        fail_msg("%s", d.msg);
    return s;
}

/* Only the pen rules left: every other strength scaled to 0 (no shear,
 * scale, jitter or pen changes; p_clean still leaves 10% untouched). */
static augment_params pen_only(float rot_deg, int thin_max)
{
    augment_params p;
    augment_defaults(&p);
    augment_scale(&p, 0.0f);
    p.pen_rot_deg = rot_deg;
    p.pen_thin_max = thin_max;
    return p;
}

/* Orientation of the ink in degrees (principal axis by second moments). */
static double ink_angle(const uint8_t *img01)
{
    double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++)
            if (img01[y * 28 + x]) {
                n++, sx += x, sy += y;
                sxx += (double)x * x, syy += (double)y * y, sxy += (double)x * y;
            }
    assert_true(n > 0);
    double vx = sxx / n - (sx / n) * (sx / n), vy = syy / n - (sy / n) * (sy / n);
    double cxy = sxy / n - (sx / n) * (sy / n);
    return 0.5 * atan2(2 * cxy, vx - vy) * 180.0 / 3.14159265358979;
}

/* Largest |angle| of a rendered horizontal bar over SEEDS seeds. */
static double max_bar_angle(const augment_params *p)
{
    strokes_sample bar =
        parse("{\"label\":1,\"strokes\":[[[20,120],[70,120],[120,120],[170,120],[220,120]]]}");
    double worst = 0;
    for (int k = 0; k < SEEDS; k++) {
        rng_t r = rng_make(1, RNG_TEST, 0, (uint64_t)k);
        uint8_t img[784];
        assert_int_equal(augment_strokes(img, &bar, p, &r), 0);
        double a = fabs(ink_angle(img));
        if (a > worst)
            worst = a;
    }
    strokes_sample_free(&bar);
    return worst;
}

static void test_pen_rotate_sets_the_rotation_range(void **state)
{
    (void)state;
    augment_params none = pen_only(0.0f, 0), thirty = pen_only(30.0f, 0);
    /* 0: the image range, here scaled to 0 */
    assert_true(max_bar_angle(&none) < 2.0);
    /* 30: angles spread over +-30 and no further (pixel rounding: +-2) */
    double a = max_bar_angle(&thirty);
    assert_true(a > 25.0);
    assert_true(a < 32.0);
}

/* Fraction of SEEDS renders in which the far-right spike at sample 1 of a
 * vertical stroke survived: the spike widens the ink to the aspect of a 7. */
static double spike_kept(const augment_params *p)
{
    strokes_sample s = parse("{\"label\":1,\"strokes\":[[[120,20],[220,40],[120,60],[120,100],[120,"
                             "140],[120,180],[120,220]]]}");
    int kept = 0;
    for (int k = 0; k < SEEDS; k++) {
        rng_t r = rng_make(2, RNG_TEST, 0, (uint64_t)k);
        uint8_t img[784];
        assert_int_equal(augment_strokes(img, &s, p, &r), 0);
        int minx = 28, maxx = -1;
        for (int i = 0; i < 784; i++)
            if (img[i]) {
                minx = i % 28 < minx ? i % 28 : minx;
                maxx = i % 28 > maxx ? i % 28 : maxx;
            }
        kept += maxx - minx > 6; /* a bare vertical line is about 4 px wide */
    }
    strokes_sample_free(&s);
    return (double)kept / SEEDS;
}

static void test_pen_thin_sets_the_thinning_rule(void **state)
{
    (void)state;
    /* 0, the first release's rule: 1 sample in 4 thinned to every 2nd-4th
     * point, so the spike goes in ~0.9 * 0.25 of the renders (10% untouched) */
    augment_params first = pen_only(0.0f, 0), k1 = pen_only(0.0f, 1), k4 = pen_only(0.0f, 4);
    double f0 = spike_kept(&first), f1 = spike_kept(&k1), f4 = spike_kept(&k4);
    assert_true(fabs(f0 - (1 - 0.9 * 0.25)) < 0.07);
    /* K = 1: every point kept */
    assert_true(f1 == 1.0);
    /* K = 4: k uniform in 1..4, the spike goes for k >= 2 */
    assert_true(fabs(f4 - (1 - 0.9 * 0.75)) < 0.07);
    /* and the thinning flag leaves the rotation alone */
    assert_true(max_bar_angle(&k4) < 2.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pen_rotate_sets_the_rotation_range),
        cmocka_unit_test(test_pen_thin_sets_the_thinning_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
