/* test_ink_eval.c - the host device path (strokes -> ink -> engine), the
 * robustness transforms, the seed mapping, the scribble generator, the exit
 * codes of `classify` / `demo`, and `classify --json` and `demo` output
 * checked against the device path. Uses a hand-made dense model (pseudo-random weights), so it
 * does not depend on the trained default model; the --json check runs with
 * the compiled-in model and is skipped in a build without one. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "eval/ink_eval.h"
#include "inkpin/net.h"
#include "data/strokes.h"
#include "util/testutil.h"

/* ---- a hand-made model: dense 784 -> 10 ---------------------------------- */

static int8_t w[10 * 784];
static int32_t bias[10], mult[10];
static uint8_t shift[10];
static net_layer layer;
static net_model model = {&layer, 1};

static void make_model(inkeval_model *em)
{
    uint32_t s = 12345;
    for (int i = 0; i < 10 * 784; i++) {
        s = s * 1103515245u + 12345u;
        w[i] = (int8_t)((int)(s >> 16) % 21 - 10);
    }
    for (int c = 0; c < 10; c++) {
        bias[c] = c * 7;
        mult[c] = 1 << 30;
        shift[c] = 27; /* logit = 8 * acc in Q10 nats */
    }
    layer = (net_layer){.kind = NET_DENSE,
                        .k = 0,
                        .relu = 0,
                        .pool = 0,
                        .wbits = 8,
                        .in_c = 1,
                        .in_h = 28,
                        .in_w = 28,
                        .out_c = 10,
                        .w = w,
                        .bias = bias,
                        .mult = mult,
                        .shift = shift};
    assert_int_equal(net_check(&model), NET_OK);
    memset(em, 0, sizeof *em);
    em->model.m = &model;
    em->model.name = "hand-made";
    em->arena_size = net_arena_bytes(&model);
    em->arena = malloc(em->arena_size + 1);
    assert_non_null(em->arena);
}

static void parse(const char *line, strokes_sample *s)
{
    inkpin_diag d;
    assert_int_equal(strokes_parse_line(line, strlen(line), "t:1", s, &d), 0);
}

static void bbox(const strokes_sample *s, double *w_, double *h_, double *cx, double *cy)
{
    double minx = 1e9, maxx = -1e9, miny = 1e9, maxy = -1e9;
    for (int i = 0; i < s->n_points; i++) {
        minx = fmin(minx, s->points[i].x);
        maxx = fmax(maxx, s->points[i].x);
        miny = fmin(miny, s->points[i].y);
        maxy = fmax(maxy, s->points[i].y);
    }
    *w_ = maxx - minx;
    *h_ = maxy - miny;
    *cx = (minx + maxx) / 2;
    *cy = (miny + maxy) / 2;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_device_path_equals_manual_path(void **state)
{
    (void)state;
    inkeval_model em;
    make_model(&em);
    const char *lines[] = {
        "{\"label\":7,\"strokes\":[[[40,30],[200,30],[110,220]]]}",
        "{\"label\":4,\"strokes\":[[[150,20],[40,150],[210,150]],[[160,60],[160,230]]]}",
        "{\"label\":1,\"strokes\":[[[120.4,20.2],[118.6,219.5]]]}",
    };
    for (size_t k = 0; k < sizeof lines / sizeof *lines; k++) {
        strokes_sample s;
        parse(lines[k], &s);
        inkeval_result r;
        assert_int_equal(inkeval_classify(&em, &s, &r), 0);
        /* by hand: events, render, net_run */
        ink_buffer ink;
        ink_reset(&ink);
        int pi = 0;
        for (int si = 0; si < s.n_strokes; si++) {
            for (int j = 0; j < s.stroke_len[si]; j++, pi++) {
                int32_t x = (int32_t)lroundf(s.points[pi].x), y = (int32_t)lroundf(s.points[pi].y);
                if (j == 0)
                    ink_pen_down(&ink, x, y);
                else
                    ink_pen_move(&ink, x, y);
            }
            ink_pen_up(&ink);
        }
        uint8_t img[NET_IMAGE_BYTES];
        assert_int_equal(ink_render(&ink, img), INK_OK);
        assert_memory_equal(img, r.image, sizeof img);
        net_result nr;
        assert_int_equal(net_run(&model, img, em.arena, em.arena_size, &nr), NET_OK);
        assert_int_equal(r.pred, nr.digit);
        assert_int_equal(r.v.runner_up, nr.runner_up);
        assert_int_equal(r.v.confidence, nr.confidence[nr.digit]);
        /* the decision is the verdict module's, on the same ink (its rule is
         * checked against an independent reference in test_verdict.c) */
        verdict v;
        uint8_t vimg[NET_IMAGE_BYTES];
        verdict_from_ink(&model, &ink, NET_REJECT_CONF, vimg, em.arena, em.arena_size, &v);
        assert_memory_equal(vimg, r.image, sizeof vimg);
        assert_int_equal(r.v.kind, v.kind);
        assert_int_equal(r.v.need, v.need);
        assert_memory_equal(&r.v.shape, &v.shape, sizeof v.shape);
        assert_int_equal(inkeval_rejected(&r, NET_REJECT_CONF), v.kind != VERDICT_DIGIT);
        for (uint32_t plain = 0; plain <= NET_CONF_ONE; plain += NET_CONF_ONE / 8) {
            verdict_from_ink(&model, &ink, plain, vimg, em.arena, em.arena_size, &v);
            assert_int_equal(inkeval_rejected(&r, plain), v.kind != VERDICT_DIGIT);
        }
        assert_true(fabs(r.confidence - (double)nr.confidence[nr.digit] / NET_CONF_ONE) < 1e-12);
        strokes_sample_free(&s);
    }
    /* no digit: the net is not asked */
    strokes_sample s;
    parse("{\"label\":1,\"strokes\":[[[120,120]]]}", &s);
    inkeval_result r;
    assert_int_equal(inkeval_classify(&em, &s, &r), 0);
    assert_int_equal(r.ink, INK_NO_DIGIT);
    assert_int_equal(r.pred, -1);
    assert_true(r.confidence == 0);
    strokes_sample_free(&s);
    free(em.arena);
}

static void test_transforms(void **state)
{
    (void)state;
    strokes_sample s, t;
    parse("{\"label\":1,\"strokes\":[[[100,50],[100,150]],[[90,60],[100,50],[110,52],[100,53],[100,"
          "54]]]}",
          &s);
    double w_, h_, cx, cy;
    /* size + position */
    assert_int_equal(inkeval_transform(&s, 200, 60, 170, 0, &t), 0);
    bbox(&t, &w_, &h_, &cx, &cy);
    assert_true(fabs(h_ - 200) < 1e-3 && fabs(w_ - 40) < 1e-3);
    assert_true(fabs(cx - 60) < 1e-3 && fabs(cy - 170) < 1e-3);
    assert_int_equal(t.n_strokes, 2);
    assert_int_equal(t.label, 1);
    strokes_sample_free(&t);
    /* rotation by 90 degrees swaps width and height */
    assert_int_equal(inkeval_transform(&s, 100, 120, 120, 90, &t), 0);
    bbox(&t, &w_, &h_, &cx, &cy);
    assert_true(fabs(w_ - 100) < 1e-3 && fabs(h_ - 20) < 1e-3);
    strokes_sample_free(&t);
    /* thinning keeps the first point of each stroke and every k-th */
    assert_int_equal(inkeval_thin(&s, 4, &t), 0);
    assert_int_equal(t.n_strokes, 2);
    assert_int_equal(t.stroke_len[0], 1);
    assert_int_equal(t.stroke_len[1], 2);
    assert_int_equal(t.n_points, 3);
    assert_true(t.points[2].x == 100 && t.points[2].y == 54);
    strokes_sample_free(&t);
    strokes_sample_free(&s);
}

static void test_naive_mapping(void **state)
{
    (void)state;
    strokes_sample s;
    uint8_t img[NET_IMAGE_BYTES];
    /* corners: the seed wrote a 3x3 block around x*28/240, out of bounds at the border */
    parse("{\"strokes\":[[[0,0]],[[239,239]],[[120,9]]]}", &s);
    inkeval_naive(&s, img);
    int count = 0;
    for (int k = 0; k < 784; k++)
        count += ink_pixel(img, k / 28, k % 28);
    assert_int_equal(count, 4 + 4 + 9); /* two clipped 2x2 corners, one full block */
    assert_true(ink_pixel(img, 0, 0) && ink_pixel(img, 1, 1) && ink_pixel(img, 27, 27));
    assert_true(ink_pixel(img, 0, 13) && ink_pixel(img, 2, 15)); /* (120,9) -> row 1, col 14 */
    /* no lines between samples: two far-apart samples leave a gap */
    strokes_sample_free(&s);
    parse("{\"strokes\":[[[20,120],[220,120]]]}", &s);
    inkeval_naive(&s, img);
    assert_false(ink_pixel(img, 14, 14));
    strokes_sample_free(&s);
}

/* A coil of loops is never accepted, whatever the model's confidence; a
 * plain stroke is accepted at threshold 0 (the hand-made model's confidence
 * is arbitrary, the shape check is not). */
static void test_shape_rejection_is_model_independent(void **state)
{
    (void)state;
    inkeval_model em;
    make_model(&em);
    strokes_sample s;
    inkeval_result r;
    int coils = 0;
    for (uint32_t seed = 2000000; seed < 2000020; seed++) {
        assert_int_equal(inkeval_scribble(SCRIBBLE_COIL, seed, &s), 0);
        assert_int_equal(inkeval_classify(&em, &s, &r), 0);
        if (r.pred >= 0 && r.v.shape.turn > INK_MAX_TURN) {
            coils++;
            assert_true(inkeval_rejected(&r, 0));
        }
        strokes_sample_free(&s);
    }
    assert_true(coils > 0);
    parse("{\"label\":1,\"strokes\":[[[120,20],[119,120],[118,219]]]}", &s);
    assert_int_equal(inkeval_classify(&em, &s, &r), 0);
    assert_int_equal(r.v.shape.strokes, 1);
    assert_false(inkeval_rejected(&r, 0));
    assert_true(inkeval_rejected(&r, NET_CONF_ONE + 1u)); /* nothing reaches that */
    strokes_sample_free(&s);
    assert_int_equal(inkeval_plain(0.5), NET_CONF_ONE / 2);
    assert_int_equal(inkeval_plain((double)NET_REJECT_CONF / NET_CONF_ONE), NET_REJECT_CONF);
    free(em.arena);
}

static void test_scribbles(void **state)
{
    (void)state;
    for (int kind = 0; kind < SCRIBBLE_KINDS; kind++) {
        assert_non_null(inkeval_scribble_names[kind]);
        for (uint32_t seed = 0; seed < 20; seed++) {
            strokes_sample a, b;
            assert_int_equal(inkeval_scribble(kind, seed, &a), 0);
            assert_int_equal(inkeval_scribble(kind, seed, &b), 0);
            assert_int_equal(a.n_points, b.n_points);
            assert_true(a.n_points >= 2);
            assert_memory_equal(a.points, b.points, (size_t)a.n_points * sizeof *a.points);
            int total = 0;
            for (int i = 0; i < a.n_strokes; i++)
                total += a.stroke_len[i];
            assert_int_equal(total, a.n_points);
            for (int i = 0; i < a.n_points; i++)
                assert_true(a.points[i].x >= 0 && a.points[i].x <= 239 && a.points[i].y >= 0 &&
                            a.points[i].y <= 239);
            assert_int_equal(a.label, -1);
            strokes_sample_free(&a);
            strokes_sample_free(&b);
        }
    }
    strokes_sample a;
    assert_int_equal(inkeval_scribble(SCRIBBLE_KINDS, 1, &a), -1);
    /* crossed-out blobs are mostly caught by the ink module itself */
    int no_digit = 0;
    for (uint32_t seed = 0; seed < 100; seed++) {
        assert_int_equal(inkeval_scribble(SCRIBBLE_HATCH, seed, &a), 0);
        ink_buffer ink;
        uint8_t img[NET_IMAGE_BYTES];
        strokes_feed(&a, &ink);
        no_digit += ink_render(&ink, img) == INK_NO_DIGIT;
        strokes_sample_free(&a);
    }
    assert_true(no_digit >= 80);
}

static void test_cli_exit_codes(void **state)
{
    (void)state;
    if (!getenv("INKPIN_CLI")) {
        skip();
        return;
    }
    char path[1200], args[3000];
    snprintf(path, sizeof path, "%s/ok.ndjson", test_tmpdir());
    const char *good = "{\"label\":7,\"strokes\":[[[20,20],[200,20],[90,220]]]}\n";
    test_write_file(path, good, strlen(good));
    assert_int_equal(test_run_cli("classify"), 2);
    assert_int_equal(test_run_cli("classify --help"), 0);
    assert_int_equal(test_run_cli("demo --help"), 0);
    snprintf(args, sizeof args, "classify '%s' --writers nobody", path);
    assert_int_equal(test_run_cli(args), 2);
    snprintf(args, sizeof args, "classify '%s' --reject-below 2", path);
    assert_int_equal(test_run_cli(args), 2);
    snprintf(args, sizeof args, "classify '%s' --model /nonexistent.inkm", path);
    assert_int_equal(test_run_cli(args), 2);
    snprintf(args, sizeof args, "classify '%s' --model '%s'", path, path); /* not a blob */
    assert_int_equal(test_run_cli(args), 2);
    assert_int_equal(test_run_cli("demo --digits x1"), 2);
    /* with the compiled-in model (when this build has a trained one) it runs */
    snprintf(args, sizeof args, "classify '%s' --json", path);
    assert_int_equal(test_run_cli(args), net_default_model() ? 0 : 2);
}

/* `classify --json` against the device path run here, sample by sample:
 * predictions, rejections, accuracy (no digit counts as wrong), per-class
 * accuracy and the confusion matrix of the samples with a prediction. */
static void test_cli_classify_json_counts(void **state)
{
    (void)state;
    if (!getenv("INKPIN_CLI") || !net_default_model()) {
        skip();
        return;
    }
    static const char *lines[] = {
        "{\"label\":7,\"strokes\":[[[20,20],[200,20],[90,220]]]}",
        "{\"label\":1,\"strokes\":[[[120,20],[120,220]]]}",
        "{\"label\":4,\"strokes\":[[[120,20],[120,220]]]}", /* a 1 labelled 4 */
        "{\"label\":3,\"strokes\":[[[5,5]]]}",              /* a tap: no digit */
        "{\"strokes\":[[[120,20],[60,60],[50,120],[60,180],[120,220],[180,180],[190,120],[180,60],["
        "120,20]]]}",
        "{\"label\":0,\"strokes\":[[[120,20],[60,60],[50,120],[60,180],[120,220],[180,180],[190,"
        "120],[180,60],[120,20]]]}",
    };
    enum { N = sizeof lines / sizeof *lines };
    char path[1200], args[1400], text[2048] = "";
    for (int i = 0; i < N; i++)
        strcat(strcat(text, lines[i]), "\n");
    snprintf(path, sizeof path, "%s/classify.ndjson", test_tmpdir());
    test_write_file(path, text, strlen(text));
    static char out[1 << 16];
    snprintf(args, sizeof args, "classify '%s' --json", path);
    assert_int_equal(test_run_cli_capture(args, out, sizeof out), 0);
    cJSON *o = cJSON_Parse(out);
    assert_non_null(o);

    strokes_set set;
    inkeval_model em;
    inkpin_diag d = {{0}};
    assert_int_equal(strokes_load(path, &set, &d), 0);
    assert_int_equal(inkeval_model_load(&em, NULL, &d), 0);
    int labelled = 0, correct = 0, rejected = 0, no_digit = 0, conf[10][10] = {{0}};
    const cJSON *preds = cJSON_GetObjectItem(o, "predictions");
    assert_int_equal(cJSON_GetArraySize(preds), N);
    for (int i = 0; i < N; i++) {
        const strokes_sample *s = &set.samples[i];
        inkeval_result r;
        assert_int_equal(inkeval_classify(&em, s, &r), 0);
        int rej = inkeval_rejected(&r, NET_REJECT_CONF);
        const cJSON *p = cJSON_GetArrayItem(preds, i);
        assert_int_equal(cJSON_GetObjectItem(p, "pred")->valueint, r.pred);
        assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(p, "rejected")), rej);
        assert_true(fabs(cJSON_GetObjectItem(p, "confidence")->valuedouble - r.confidence) < 1e-6);
        rejected += rej;
        no_digit += r.ink != INK_OK;
        if (s->label >= 0) {
            labelled++;
            correct += r.pred == s->label;
            if (r.pred >= 0)
                conf[s->label][r.pred]++;
        }
    }
    assert_int_equal(no_digit, 1); /* the tap */
    assert_int_equal(cJSON_GetObjectItem(o, "n")->valueint, N);
    assert_int_equal(cJSON_GetObjectItem(o, "labelled")->valueint, labelled);
    assert_int_equal(cJSON_GetObjectItem(o, "rejected")->valueint, rejected);
    assert_int_equal(cJSON_GetObjectItem(o, "no_digit")->valueint, no_digit);
    assert_true(fabs(cJSON_GetObjectItem(o, "accuracy")->valuedouble - (double)correct / labelled) <
                1e-9);
    assert_true(correct < labelled); /* the mislabelled 1 and the tap are wrong */
    const cJSON *cf = cJSON_GetObjectItem(o, "confusion"),
                *pc = cJSON_GetObjectItem(o, "per_class");
    for (int t = 0; t < 10; t++) {
        int row = 0;
        for (int p = 0; p < 10; p++) {
            assert_int_equal(cJSON_GetArrayItem(cJSON_GetArrayItem(cf, t), p)->valueint,
                             conf[t][p]);
            row += conf[t][p];
        }
        const cJSON *a = cJSON_GetArrayItem(pc, t);
        if (row == 0)
            assert_true(cJSON_IsNull(a));
        else
            assert_true(fabs(a->valuedouble - (double)conf[t][t] / row) < 1e-9);
    }
    inkeval_model_free(&em);
    strokes_free(&set);
    cJSON_Delete(o);
}

/* `demo --file F --digits 70`: for each digit, the first drawing of it (no
 * writer: a report-writer sample) as the engine sees it, 28 rows of "##"/"..",
 * and the answer of the device path run here. */
static void test_cli_demo_shows_the_device_view(void **state)
{
    (void)state;
    if (!getenv("INKPIN_CLI") || !net_default_model()) {
        skip();
        return;
    }
    const char *text = "{\"label\":7,\"strokes\":[[[20,20],[200,20],[90,220]]]}\n"
                       "{\"label\":0,\"strokes\":[[[120,20],[60,60],[50,120],[60,180],[120,220],"
                       "[180,180],[190,120],[180,60],[120,20]]]}\n";
    char path[1200], args[1400];
    snprintf(path, sizeof path, "%s/demo.ndjson", test_tmpdir());
    test_write_file(path, text, strlen(text));
    static char out[1 << 16];
    snprintf(args, sizeof args, "demo --file '%s' --digits 70", path);
    assert_int_equal(test_run_cli_capture(args, out, sizeof out), 0);

    strokes_set set;
    inkeval_model em;
    inkpin_diag d = {{0}};
    assert_int_equal(strokes_load(path, &set, &d), 0);
    assert_int_equal(inkeval_model_load(&em, NULL, &d), 0);
    const char *at = strchr(out, '\n'); /* after the title line */
    assert_non_null(at);
    int right = 0;
    for (int k = 0; k < set.n; k++) {
        inkeval_result r;
        assert_int_equal(inkeval_classify(&em, &set.samples[k], &r), 0);
        at = strstr(at, "\n    ");
        assert_non_null(at);
        at += 1;
        for (int row = 0; row < 28; row++, at += 4 + 56 + 1) {
            assert_memory_equal(at, "    ", 4);
            for (int c = 0; c < 28; c++)
                assert_memory_equal(at + 4 + 2 * c, ink_pixel(r.image, row, c) ? "##" : "..", 2);
            assert_int_equal(at[4 + 56], '\n');
        }
        char want[96];
        snprintf(want, sizeof want, "    drawn: %d   -> predicted %d, confidence %.1f%%",
                 set.samples[k].label, r.pred, 100 * r.confidence);
        assert_memory_equal(at, want, strlen(want));
        right += r.pred == set.samples[k].label && !inkeval_rejected(&r, NET_REJECT_CONF);
    }
    char tally[64];
    snprintf(tally, sizeof tally, "\n%d of 2 recognized", right);
    assert_non_null(strstr(at, tally));
    inkeval_model_free(&em);
    strokes_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_device_path_equals_manual_path),
        cmocka_unit_test(test_transforms),
        cmocka_unit_test(test_naive_mapping),
        cmocka_unit_test(test_shape_rejection_is_model_independent),
        cmocka_unit_test(test_scribbles),
        cmocka_unit_test(test_cli_exit_codes),
        cmocka_unit_test(test_cli_classify_json_counts),
        cmocka_unit_test(test_cli_demo_shows_the_device_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
