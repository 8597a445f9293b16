/* test_strokes.c - the NDJSON strokes reader, feeding ink, the writer split,
 * and the `render` CLI: exit codes on bad input, and the sheet it draws read
 * back with libpng, frame colours and every preview pixel checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "eval/image.h"
#include "eval/ink_eval.h"
#include "inkpin/net.h"
#include "data/strokes.h"
#include "util/testutil.h"

static int parse(const char *line, strokes_sample *s, inkpin_diag *d)
{
    return strokes_parse_line(line, strlen(line), "t.ndjson:7", s, d);
}

static void test_good_lines(void **state)
{
    (void)state;
    strokes_sample s;
    inkpin_diag d;
    assert_int_equal(parse("{\"label\":3,\"strokes\":[[[1,2],[3,4]],[[5,6]]],\"group\":\"apa\","
                           "\"writer\":\"W\",\"extra\":{\"x\":[1]}}",
                           &s, &d),
                     0);
    assert_int_equal(s.label, 3);
    assert_int_equal(s.n_strokes, 2);
    assert_int_equal(s.stroke_len[0], 2);
    assert_int_equal(s.stroke_len[1], 1);
    assert_int_equal(s.n_points, 3);
    assert_true(s.points[2].x == 5.0f && s.points[2].y == 6.0f);
    assert_string_equal(s.group, "apa");
    assert_string_equal(s.writer, "W");
    strokes_sample_free(&s);

    /* no label, decimals, key order free, trailing spaces and CR */
    assert_int_equal(parse(" {\"strokes\":[[[10.4,20.6],[-3.5,1e2]]]} \r", &s, &d), 0);
    assert_int_equal(s.label, -1);
    assert_null(s.group);
    assert_null(s.writer);
    assert_true(s.points[0].x > 10.39f && s.points[0].x < 10.41f);
    assert_true(s.points[1].y == 100.0f);
    strokes_sample_free(&s);

    /* no ink at all is a sample (classify counts it as rejected), not an error */
    assert_int_equal(parse("{\"label\":1,\"strokes\":[]}", &s, &d), 0);
    assert_int_equal(s.n_strokes, 0);
    strokes_sample_free(&s);
    assert_int_equal(parse("{\"strokes\":[[],[]]}", &s, &d), 0);
    assert_int_equal(s.n_points, 0);
    strokes_sample_free(&s);
    /* "label": null is the same as no label */
    assert_int_equal(parse("{\"label\":null,\"strokes\":[[[1,1]]]}", &s, &d), 0);
    assert_int_equal(s.label, -1);
    strokes_sample_free(&s);
}

static void expect_error(const char *line, const char *fragment)
{
    strokes_sample s;
    inkpin_diag d = {{0}};
    assert_int_equal(strokes_parse_line(line, strlen(line), "t.ndjson:7", &s, &d), -1);
    if (!strstr(d.msg, "t.ndjson:7") || !strstr(d.msg, fragment)) {
        fprintf(stderr, "line %s\n  message: %s\n  expected: %s\n", line, d.msg, fragment);
        fail();
    }
}

static void test_bad_lines(void **state)
{
    (void)state;
    expect_error("", "empty line");
    expect_error("   \r", "empty line");
    expect_error("{\"strokes\":[[[1,2]]]", "malformed JSON");
    expect_error("{\"strokes\":[[[1,2]]]} x", "text after");
    expect_error("[1,2]", "JSON object");
    expect_error("{\"label\":3}", "missing \"strokes\"");
    expect_error("{\"strokes\":5}", "list of strokes");
    expect_error("{\"strokes\":[5]}", "stroke 0");
    expect_error("{\"strokes\":[[[1,2,3]]]}", "[x,y]");
    expect_error("{\"strokes\":[[[1]]]}", "[x,y]");
    expect_error("{\"strokes\":[[[1,\"a\"]]]}", "y is not a number");
    expect_error("{\"strokes\":[[[1,2]],[[1e999,2]]]}", "stroke 1 point 0: x");
    expect_error("{\"strokes\":[[[1,-1e999]]]}", "not finite");
    expect_error("{\"strokes\":[[[1,2],[2000000,3]]]}", "beyond");
    expect_error("{\"strokes\":[[[NaN,2]]]}", "malformed JSON");
    expect_error("{\"label\":10,\"strokes\":[]}", "label");
    expect_error("{\"label\":-1,\"strokes\":[]}", "label");
    expect_error("{\"label\":2.5,\"strokes\":[]}", "label");
    expect_error("{\"label\":\"3\",\"strokes\":[]}", "label");
    expect_error("{\"writer\":7,\"strokes\":[]}", "\"writer\" must be a string");
    expect_error("{\"group\":[],\"strokes\":[]}", "\"group\" must be a string");
}

static void test_too_many_points(void **state)
{
    (void)state;
    size_t n = STROKES_MAX_POINTS + 1;
    char *line = malloc(n * 6 + 64);
    assert_non_null(line);
    size_t k = (size_t)sprintf(line, "{\"strokes\":[[");
    for (size_t i = 0; i < n; i++)
        k += (size_t)sprintf(line + k, "%s[1,2]", i ? "," : "");
    sprintf(line + k, "]]}");
    expect_error(line, "more than");
    free(line);
}

static const char *write_tmp(const char *name, const char *text)
{
    static char path[1200];
    snprintf(path, sizeof path, "%s/%s", test_tmpdir(), name);
    test_write_file(path, text, strlen(text));
    return path;
}

static void test_load_file_names_line(void **state)
{
    (void)state;
    strokes_set set;
    inkpin_diag d;
    const char *ok = write_tmp("ok.ndjson", "{\"label\":1,\"strokes\":[[[10,10],[10,100]]]}\n"
                                            "{\"strokes\":[[[0,0],[50,50]]]}");
    assert_int_equal(strokes_load(ok, &set, &d), 0);
    assert_int_equal(set.n, 2);
    assert_int_equal(set.samples[1].line, 2);
    strokes_free(&set);

    const char *bad = write_tmp("bad.ndjson", "{\"strokes\":[]}\n{\"strokes\":[]}\n{oops\n");
    assert_int_equal(strokes_load(bad, &set, &d), -1);
    assert_non_null(strstr(d.msg, "bad.ndjson:3:"));
    assert_int_equal(set.n, 0);

    const char *blank = write_tmp("blank.ndjson", "{\"strokes\":[]}\n\n{\"strokes\":[]}\n");
    assert_int_equal(strokes_load(blank, &set, &d), -1);
    assert_non_null(strstr(d.msg, "blank.ndjson:2: empty line"));

    const char *empty = write_tmp("empty.ndjson", "");
    assert_int_equal(strokes_load(empty, &set, &d), -1);
    assert_non_null(strstr(d.msg, "no lines"));

    /* a line over STROKES_MAX_LINE is refused without reading it whole */
    char big[1200];
    snprintf(big, sizeof big, "%s/big.ndjson", test_tmpdir());
    FILE *f = fopen(big, "wb");
    assert_non_null(f);
    fputs("{\"strokes\":[]}\n", f);
    for (size_t i = 0; i < STROKES_MAX_LINE + 10; i++)
        fputc(' ', f);
    fclose(f);
    assert_int_equal(strokes_load(big, &set, &d), -1);
    assert_non_null(strstr(d.msg, "big.ndjson:2: line longer than"));

    /* the last line may lack its newline; NUL bytes are refused */
    const char *nonl = write_tmp("nonl.ndjson", "{\"strokes\":[]}\n{\"label\":2,\"strokes\":[]}");
    assert_int_equal(strokes_load(nonl, &set, &d), 0);
    assert_int_equal(set.n, 2);
    assert_int_equal(set.samples[1].label, 2);
    strokes_free(&set);
    char nul[1200];
    snprintf(nul, sizeof nul, "%s/nul.ndjson", test_tmpdir());
    test_write_file(nul, "{\"strokes\":[]}\0\n", 16);
    assert_int_equal(strokes_load(nul, &set, &d), -1);
    assert_non_null(strstr(d.msg, "nul.ndjson:1: NUL"));

    assert_int_equal(strokes_load("/nonexistent/x.ndjson", &set, &d), -1);
    assert_non_null(strstr(d.msg, "cannot open"));
}

static void test_feed_rounds_and_uses_ink_events(void **state)
{
    (void)state;
    strokes_sample s;
    inkpin_diag d;
    ink_buffer ink;
    assert_int_equal(parse("{\"strokes\":[[[10.4,20.6],[30.5,-4]],[[300,7]]]}", &s, &d), 0);
    assert_int_equal(strokes_feed(&s, &ink), INK_OK);
    assert_int_equal(ink.n, 4); /* 2 points, a pen lift, 1 point */
    assert_int_equal(ink.x[0], 10);
    assert_int_equal(ink.y[0], 21);
    assert_int_equal(ink.x[1], 31); /* lroundf: half away from zero */
    assert_int_equal(ink.y[1], 0);  /* clamped by ink */
    assert_int_equal(ink.x[2], INK_PEN_LIFT);
    assert_int_equal(ink.x[3], 239);
    assert_false(ink.pen_is_down);
    strokes_sample_free(&s);

    /* empty strokes: no ink, no digit */
    assert_int_equal(parse("{\"strokes\":[[],[]]}", &s, &d), 0);
    assert_int_equal(strokes_feed(&s, &ink), INK_OK);
    uint8_t img[NET_IMAGE_BYTES];
    assert_int_equal(ink_render(&ink, img), INK_NO_DIGIT);
    strokes_sample_free(&s);
}

static void test_writer_split(void **state)
{
    (void)state;
    /* FNV-1a 32-bit known answers */
    assert_int_equal(strokes_fnv1a(""), 0x811c9dc5u);
    assert_int_equal(strokes_fnv1a("a"), 0xe40c292cu);
    assert_int_equal(strokes_fnv1a("foobar"), 0xbf9cf968u);
    char key[64];
    strokes_writer_key("ibm", "r03-07", key, sizeof key);
    assert_string_equal(key, "ibm/07");
    strokes_writer_key("ibm", "r03-x7", key, sizeof key);
    assert_string_equal(key, "ibm/r03-x7");
    strokes_writer_key("gmd", "kast", key, sizeof key);
    assert_string_equal(key, "gmd/alek+kast");
    strokes_writer_key("apa", "ArloReeves", key, sizeof key);
    assert_string_equal(key, "apa/ArloReeves");
    /* aliases land in the same part; no writer -> report */
    strokes_sample a = {0}, b = {0};
    a.group = "ibm";
    a.writer = "r00-07";
    b.group = "ibm";
    b.writer = "r02-07";
    assert_int_equal(strokes_part(&a), strokes_part(&b));
    a.writer = NULL;
    assert_int_equal(strokes_part(&a), STROKES_REPORT);
}

static void test_writer_split_on_dev_data(void **state)
{
    (void)state;
    strokes_set set;
    if (test_load_dev_strokes(&set)) {
        skip();
        return;
    }
    int n[2] = {0, 0};
    for (int i = 0; i < set.n; i++)
        n[strokes_part(&set.samples[i])]++;
    /* the figures posted on the board and in strokes.h */
    assert_int_equal(set.n, 8352);
    assert_int_equal(n[STROKES_TUNE], 5802);
    assert_int_equal(n[STROKES_REPORT], 2550);
    /* cross-validation folds: exactly the TUNE samples, every fold used,
     * and a writer never in two folds */
    int in_fold[3] = {0, 0, 0}, none = 0;
    for (int i = 0; i < set.n; i++) {
        const strokes_sample *si = &set.samples[i];
        int f = strokes_tune_fold(si, 3);
        if (f < 0) {
            none++;
            assert_int_equal(strokes_part(si), STROKES_REPORT);
            continue;
        }
        assert_true(f < 3);
        in_fold[f]++;
        for (int j = i + 1; j < set.n && j < i + 400; j++) {
            char ki[512], kj[512];
            strokes_writer_key(si->group, si->writer, ki, sizeof ki);
            strokes_writer_key(set.samples[j].group, set.samples[j].writer, kj, sizeof kj);
            if (!strcmp(ki, kj))
                assert_int_equal(strokes_tune_fold(&set.samples[j], 3), f);
        }
    }
    fprintf(stderr, "tune folds: %d %d %d\n", in_fold[0], in_fold[1], in_fold[2]);
    assert_int_equal(none, 2550);
    assert_int_equal(in_fold[0] + in_fold[1] + in_fold[2], 5802);
    assert_true(in_fold[0] > 0 && in_fold[1] > 0 && in_fold[2] > 0);
    assert_int_equal(strokes_tune_fold(&set.samples[0], 0), -1);
    strokes_free(&set);
}

/* The sheet `render` draws (host/cli/cmd_render.c): 20 cells a row, each a
 * 3-px frame around the 28x28 input at 3x (white ink on black) over a
 * caption; frame green = right, red = wrong, yellow = rejected. */
enum { SHEET_COLS = 20, CELL = 28 * 3 + 2 * 3, CAPTION = 2 * IMAGE_GLYPH_H + 6 };

static void check_cell(const test_png *p, int k, const strokes_sample *s, const inkeval_model *em)
{
    inkeval_result r;
    assert_int_equal(inkeval_classify(em, s, &r), 0);
    int x0 = k * CELL, rejected = inkeval_rejected(&r, NET_REJECT_CONF);
    if (rejected)
        test_assert_rgb(p, x0 + 1, 1, 230, 200, 40);
    else if (r.pred == s->label)
        test_assert_rgb(p, x0 + 1, 1, 60, 150, 60);
    else
        test_assert_rgb(p, x0 + 1, 1, 220, 40, 40);
    int ink = 0;
    for (int row = 0; row < 28; row++)
        for (int col = 0; col < 28; col++) {
            int on = r.ink == INK_OK && ink_pixel(r.image, row, col);
            int v = on ? 255 : 0;
            ink += on;
            test_assert_rgb(p, x0 + 3 + col * 3 + 1, 3 + row * 3 + 1, v, v, v);
        }
    if (r.ink == INK_OK)
        assert_true(ink > 20); /* the 7 really was drawn */
}

/* Decodes the sheet and checks frame colour and every preview pixel of each
 * sample against the device path (ink + engine) run here. */
static void check_sheet(const char *png, const char *ndjson)
{
    strokes_set set;
    inkeval_model em;
    inkpin_diag d = {{0}};
    assert_int_equal(strokes_load(ndjson, &set, &d), 0);
    if (inkeval_model_load(&em, NULL, &d))
        fail_msg("%s", d.msg);
    test_png p = test_read_png_rgb(png);
    assert_int_equal(p.w, SHEET_COLS * CELL);
    assert_int_equal(p.h, CELL + CAPTION);
    for (int k = 0; k < set.n; k++)
        check_cell(&p, k, &set.samples[k], &em);
    /* the tap is "no digit": rejected, nothing drawn */
    test_assert_rgb(&p, CELL + 1, 1, 230, 200, 40);
    free(p.rgb);
    inkeval_model_free(&em);
    strokes_free(&set);
}

static void test_render_cli(void **state)
{
    (void)state;
    if (!getenv("INKPIN_CLI")) {
        skip();
        return;
    }
    char args[3000];
    const char *bad =
        write_tmp("cli_bad.ndjson", "{\"strokes\":[[[1,2]]]}\n{\"strokes\":[[[nan,1]]]}\n");
    snprintf(args, sizeof args, "render '%s' --out '%s/x.png'", bad, test_tmpdir());
    assert_int_equal(test_run_cli(args), 2);
    assert_int_equal(test_run_cli("render"), 2);
    assert_int_equal(test_run_cli("render --bogus x"), 2);
    assert_int_equal(test_run_cli("render --help"), 0);
    const char *good =
        write_tmp("cli_good.ndjson", "{\"label\":7,\"strokes\":[[[20,20],[200,20],[90,220]]]}\n"
                                     "{\"strokes\":[[[5,5]]]}\n");
    snprintf(args, sizeof args, "render '%s' --out '%s/ok.png'", good, test_tmpdir());
    assert_int_equal(test_run_cli(args), 0);
    char png[1200];
    snprintf(png, sizeof png, "%s/ok.png", test_tmpdir());
    check_sheet(png, good);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_lines),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_too_many_points),
        cmocka_unit_test(test_load_file_names_line),
        cmocka_unit_test(test_feed_rounds_and_uses_ink_events),
        cmocka_unit_test(test_writer_split),
        cmocka_unit_test(test_writer_split_on_dev_data),
        cmocka_unit_test(test_render_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
