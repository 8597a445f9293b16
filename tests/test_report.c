/* test_report.c - PNG writing and the two report pictures, read back with
 * libpng (an independent decoder; test_read_png_rgb in tests/util) and
 * checked by size and by sampling pixels of cells and tiles whose colours
 * are known. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "data/data.h"
#include "eval/image.h"
#include "eval/metrics.h"
#include "eval/report.h"
#include "util/testutil.h"

static const char *tmp(const char *name)
{
    static char buf[4][1024];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", test_tmpdir(), name);
    return buf[k];
}

/* ---- image.h --------------------------------------------------------------- */

static void test_png_grey_and_rgb_round_trip(void **state)
{
    (void)state;
    inkpin_diag d = {{0}};
    image g;
    assert_int_equal(image_init(&g, 7, 5, 1, NULL, &d), 0);
    for (int i = 0; i < 35; i++)
        g.px[i] = (uint8_t)(i * 7);
    const char *gp = tmp("grey.png");
    assert_int_equal(image_write_png(&g, gp, &d), 0);
    test_png dg = test_read_png_rgb(gp);
    assert_int_equal(dg.w, 7);
    assert_int_equal(dg.h, 5);
    for (int i = 0; i < 35; i++)
        test_assert_rgb(&dg, i % 7, i / 7, i * 7, i * 7, i * 7);
    free(dg.rgb);
    image_free(&g);

    static const uint8_t teal[3] = {0, 128, 128}, yellow[3] = {250, 220, 10};
    image c;
    assert_int_equal(image_init(&c, 20, 10, 3, teal, &d), 0);
    image_fill_rect(&c, 15, 5, 100, 100, yellow); /* clipped at the edges */
    image_fill_rect(&c, -5, -5, 6, 6, yellow);
    const char *cp = tmp("rgb.png");
    assert_int_equal(image_write_png(&c, cp, &d), 0);
    test_png dc = test_read_png_rgb(cp);
    assert_int_equal(dc.w, 20);
    assert_int_equal(dc.h, 10);
    test_assert_rgb(&dc, 14, 4, 0, 128, 128);
    test_assert_rgb(&dc, 15, 5, 250, 220, 10);
    test_assert_rgb(&dc, 19, 9, 250, 220, 10);
    test_assert_rgb(&dc, 0, 0, 250, 220, 10);
    test_assert_rgb(&dc, 1, 1, 0, 128, 128);
    free(dc.rgb);
    image_free(&c);
}

static void test_png_errors(void **state)
{
    (void)state;
    inkpin_diag d = {{0}};
    image c;
    assert_int_equal(image_init(&c, 0, 10, 3, NULL, &d), -1);
    assert_non_null(strstr(d.msg, "bad size"));
    assert_int_equal(image_init(&c, 4, 4, 3, NULL, &d), 0);
    const char *bad = tmp("no-such-dir/x.png");
    assert_int_equal(image_write_png(&c, bad, &d), -1);
    assert_non_null(strstr(d.msg, bad));
    image_free(&c);
}

/* The font draws known glyph bits: "1" has its vertical stroke in column 2. */
static void test_text(void **state)
{
    (void)state;
    inkpin_diag d = {{0}};
    image g;
    static const uint8_t white = 255;
    assert_int_equal(image_init(&g, 40, 20, 1, NULL, &d), 0);
    assert_int_equal(image_text(&g, 1, 1, "1", 2, &white), 10);
    assert_int_equal(image_text_width("10", 1), 11);
    for (int r = 0; r < 7; r++) { /* column 2 of "1" is set on every row */
        assert_int_equal(g.px[(1 + 2 * r) * 40 + 1 + 4], 255);
        assert_int_equal(g.px[(1 + 2 * r + 1) * 40 + 1 + 5], 255);
    }
    assert_int_equal(g.px[(1 + 2) * 40 + 1], 0);   /* row 1 of "1" is 01100: column 0 clear */
    assert_int_equal(g.px[(1 + 2) * 40 + 3], 255); /* ... column 1 set */
    image_free(&g);
}

/* ---- confusion heatmap ----------------------------------------------------- */

static int cell_x(int p)
{
    return REPORT_GRID_X + p * REPORT_CELL_W;
}
static int cell_y(int t)
{
    return REPORT_GRID_Y + t * REPORT_CELL_H;
}

static int expected_channel(double share, int full)
{
    return (int)lround(255.0 + sqrt(share) * (full - 255.0));
}

static void test_confusion_png(void **state)
{
    (void)state;
    metrics m;
    metrics_init(&m);
    for (int t = 0; t < 10; t++)
        for (int i = 0; i < 100; i++)
            metrics_add(&m, t, t);
    for (int i = 0; i < 7; i++)
        metrics_add(&m, 3, 5); /* row 3: 100 correct, 7 predicted as 5 */
    const char *path = tmp("confusion.png");
    inkpin_diag d = {{0}};
    assert_int_equal(report_confusion_png(&m, path, &d), 0);
    test_png p = test_read_png_rgb(path);
    assert_int_equal(p.w, REPORT_GRID_X + 10 * REPORT_CELL_W + 16);
    assert_int_equal(p.h, REPORT_GRID_Y + 10 * REPORT_CELL_H + 40);

    /* Cell corners (inside the grid lines, away from the digits). */
    /* (2,2): the whole row is correct -> full blue. */
    test_assert_rgb(&p, cell_x(2) + 3, cell_y(2) + 3, 8, 48, 107);
    /* (3,3) share 100/107 blue; (3,5) share 7/107 red. */
    double s33 = 100.0 / 107.0, s35 = 7.0 / 107.0;
    test_assert_rgb(&p, cell_x(3) + 3, cell_y(3) + 3, expected_channel(s33, 8),
                    expected_channel(s33, 48), expected_channel(s33, 107));
    test_assert_rgb(&p, cell_x(5) + 3, cell_y(3) + 3, expected_channel(s35, 165),
                    expected_channel(s35, 15), expected_channel(s35, 21));
    /* (0,1) is zero: white, and no digits anywhere in it. */
    for (int y = cell_y(0) + 1; y < cell_y(1); y++)
        for (int x = cell_x(1) + 1; x < cell_x(2); x++)
            test_assert_rgb(&p, x, y, 255, 255, 255);

    /* Non-zero cells carry their count: white digits on dark blue, black on light red. */
    int white = 0, black = 0;
    for (int y = cell_y(2) + 1; y < cell_y(3); y++)
        for (int x = cell_x(2) + 1; x < cell_x(3); x++)
            white += !memcmp(test_png_at(&p, x, y), "\xff\xff\xff", 3);
    for (int y = cell_y(3) + 1; y < cell_y(4); y++)
        for (int x = cell_x(5) + 1; x < cell_x(6); x++)
            black += !memcmp(test_png_at(&p, x, y), "\0\0\0", 3);
    /* "100" at scale 2 and "7" at scale 2: count the lit glyph pixels of the font. */
    assert_int_equal(white, 4 * (10 + 19 + 19)); /* glyph '1' 10 px, '0' 19 px each, 2x2 blocks */
    assert_int_equal(black, 4 * 11);             /* glyph '7' 11 px */
    free(p.rgb);
}

/* ---- error gallery ----------------------------------------------------------- */

/* A synthetic "digit": a bar in columns 10..17 of rows 4..23, faint (value 1)
 * in its top row so that binarization (> 0) is visible in the picture. */
static void bar(uint8_t px[DATA_PIXELS])
{
    memset(px, 0, DATA_PIXELS);
    for (int r = 4; r < 24; r++)
        for (int c = 10; c < 18; c++)
            px[r * 28 + c] = r == 4 ? 1 : 200;
}

static void test_errors_png(void **state)
{
    (void)state;
    static uint8_t px[DATA_PIXELS];
    bar(px);
    report_error errs[25];
    for (int i = 0; i < 25; i++)
        errs[i] = (report_error){px, (uint8_t)(i % 10), (uint8_t)((i + 3) % 10)};
    inkpin_diag d = {{0}};
    const char *path = tmp("errors.png");
    assert_int_equal(report_errors_png(errs, 25, 12, path, &d), 0); /* 12 of 25 shown */
    test_png p = test_read_png_rgb(path);
    assert_int_equal(p.w, 10 * REPORT_TILE_W);
    assert_int_equal(p.h, REPORT_GALLERY_TOP + 2 * REPORT_TILE_H + 4);
    /* Tile 11 (row 1, column 1): image origin, a bar pixel, its faint top row, background. */
    int ox = 1 * REPORT_TILE_W + (REPORT_TILE_W - 28 * REPORT_TILE_SCALE) / 2;
    int oy = REPORT_GALLERY_TOP + 1 * REPORT_TILE_H + 4;
    test_assert_rgb(&p, ox + 12 * 3 + 1, oy + 10 * 3 + 1, 0, 0, 0);
    test_assert_rgb(&p, ox + 12 * 3 + 1, oy + 4 * 3 + 1, 0, 0, 0); /* value 1 > threshold: ink */
    test_assert_rgb(&p, ox + 2 * 3, oy + 2 * 3, 255, 255, 255);
    /* Tile 12 would be row 1, column 2: not drawn (max 12), so all white there. */
    int tx = 2 * REPORT_TILE_W + (REPORT_TILE_W - 28 * REPORT_TILE_SCALE) / 2;
    test_assert_rgb(&p, tx + 12 * 3 + 1, oy + 10 * 3 + 1, 255, 255, 255);
    /* The label strip under tile 0 has red text. */
    int red = 0;
    for (int y = REPORT_GALLERY_TOP + 4 + 28 * 3; y < REPORT_GALLERY_TOP + REPORT_TILE_H; y++)
        for (int x = 0; x < REPORT_TILE_W; x++)
            red += !memcmp(test_png_at(&p, x, y), "\xa5\x0f\x15", 3);
    assert_true(red > 50);
    free(p.rgb);

    /* Few errors: the gallery is as wide as needed; none: a small notice. */
    assert_int_equal(report_errors_png(errs, 3, 100, path, &d), 0);
    p = test_read_png_rgb(path);
    assert_int_equal(p.h, REPORT_GALLERY_TOP + REPORT_TILE_H + 4);
    assert_true(p.w >= 3 * REPORT_TILE_W);
    free(p.rgb);
    assert_int_equal(report_errors_png(errs, 0, 100, path, &d), 0);
    p = test_read_png_rgb(path);
    assert_int_equal(p.h, REPORT_GALLERY_TOP + 4);
    free(p.rgb);
}

/* report_write_all: metrics from predictions, both files, gallery limited and
 * in dataset order (the first error's tile shows the first wrong image). */
static void test_write_all(void **state)
{
    (void)state;
    enum { N = 30 };
    static uint8_t pixels[N * DATA_PIXELS], labels[N], pred[N];
    for (int i = 0; i < N; i++) {
        labels[i] = (uint8_t)(i % 10);
        pred[i] = (uint8_t)((i % 4 == 1) ? (i + 1) % 10 : labels[i]); /* images 1,5,9,...: wrong */
        if (i == 1)
            bar(pixels + (size_t)i * DATA_PIXELS); /* the first error looks like a bar */
    }
    dataset ds = {N, pixels, labels};
    const char *dir = test_tmpdir();
    metrics m;
    inkpin_diag d = {{0}};
    assert_int_equal(report_write_all(&ds, pred, dir, 4, &m, &d), 0);
    assert_int_equal(m.n, N);
    assert_int_equal(metrics_correct(&m), N - 8); /* 1,5,...,29: 8 errors */
    assert_int_equal(m.confusion[1][2], 2);       /* images 1 and 21 */
    test_png c = test_read_png_rgb(tmp("confusion.png"));
    assert_int_equal(c.w, REPORT_GRID_X + 10 * REPORT_CELL_W + 16);
    free(c.rgb);
    test_png e = test_read_png_rgb(tmp("errors.png"));
    assert_int_equal(e.h, REPORT_GALLERY_TOP + REPORT_TILE_H + 4); /* 4 shown: one row */
    int ox = (REPORT_TILE_W - 28 * REPORT_TILE_SCALE) / 2, oy = REPORT_GALLERY_TOP + 4;
    test_assert_rgb(&e, ox + 12 * 3 + 1, oy + 10 * 3 + 1, 0, 0, 0); /* tile 0 = image 1, the bar */
    int tx = REPORT_TILE_W + ox;                                    /* tile 1 = image 5, blank */
    test_assert_rgb(&e, tx + 12 * 3 + 1, oy + 10 * 3 + 1, 255, 255, 255);
    free(e.rgb);
    dataset unlabelled = {N, pixels, NULL};
    assert_int_equal(report_write_all(&unlabelled, pred, dir, 4, &m, &d), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png_grey_and_rgb_round_trip),
        cmocka_unit_test(test_png_errors),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_confusion_png),
        cmocka_unit_test(test_errors_png),
        cmocka_unit_test(test_write_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
