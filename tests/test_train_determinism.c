/* test_train_determinism.c - same seed and data -> the same model bit for bit,
 * whatever the thread count, and an interrupted + resumed run ends exactly
 * where an uninterrupted one does. Also the checkpoint file checks.
 *
 * Synthetic data (no dataset needed): 5,240 random "images" (blobs) with
 * labels, of which the last 5,000 are the validation part (only the first
 * 200 of those are used), plus a few pen-stroke samples and scribbles so the
 * ink path and the uniform-target path are exercised too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "data/data.h"
#include "model/quant.h"
#include "data/strokes.h"
#include "train/checkpoint.h"
#include "train/trainer.h"
#include "util/testutil.h"

#define N_IMAGES (TRAIN_VAL_IMAGES + 240)

static dataset g_train;
static strokes_set g_pen;

static const char *pen_lines[] = {
    "{\"label\":1,\"strokes\":[[[120,40],[121,120],[122,200]]],\"group\":\"t\",\"writer\":\"a\"}",
    "{\"label\":7,\"strokes\":[[[60,50],[180,50],[100,210]]],\"group\":\"t\",\"writer\":\"b\"}",
    "{\"label\":0,\"strokes\":[[[120,30],[60,120],[120,210],[180,120],[120,30]]],\"group\":\"t\","
    "\"writer\":\"c\"}",
    "{\"label\":4,\"strokes\":[[[80,40],[60,140],[180,140]],[[150,60],[150,220]]],\"group\":\"t\","
    "\"writer\":\"d\"}",
    "{\"label\":1,\"strokes\":[[[100,40],[110,200]]],\"group\":\"t\",\"writer\":\"e\"}",
    "{\"label\":7,\"strokes\":[[[50,60],[190,60],[90,220]]],\"group\":\"t\",\"writer\":\"f\"}",
};

static int setup(void **state)
{
    (void)state;
    g_train.n = N_IMAGES;
    g_train.pixels = calloc((size_t)N_IMAGES, DATA_PIXELS);
    g_train.labels = malloc(N_IMAGES);
    rng_t r = rng_make(99, RNG_TEST, 0, 0);
    for (int i = 0; i < N_IMAGES; i++) {
        int label = (int)rng_below(&r, 10);
        g_train.labels[i] = (uint8_t)label;
        /* a blob whose position depends on the label: learnable */
        int cy = 6 + 2 * (label / 2) + (int)rng_below(&r, 3),
            cx = 6 + 3 * (label % 4) + (int)rng_below(&r, 3);
        for (int y = cy - 3; y <= cy + 3; y++)
            for (int x = cx - 2; x <= cx + 2; x++)
                g_train.pixels[(size_t)i * DATA_PIXELS + (size_t)(y * 28 + x)] =
                    (uint8_t)(1 + rng_below(&r, 255));
    }
    size_t n = sizeof pen_lines / sizeof *pen_lines;
    g_pen.n = (int)n;
    g_pen.samples = calloc(n, sizeof *g_pen.samples);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(
            strokes_parse_line(pen_lines[i], strlen(pen_lines[i]), "test", &g_pen.samples[i], NULL),
            0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    data_free(&g_train);
    strokes_free(&g_pen);
    return 0;
}

static void config(train_config *c, const char *out, int threads)
{
    train_config_defaults(c);
    c->arch = "c4p,c6p,c8,d10";
    c->epochs = 2;
    c->seed = 7;
    c->threads = threads;
    c->batch = 20; /* not a multiple of the gradient chunk: a partial chunk every step */
    c->limit = 180;
    c->val_limit = 200;
    c->pen_repeat = 2;
    c->scribbles = 12;  /* outlier exposure samples (uniform target) */
    c->pen_rotate = 20; /* pen rotation beyond the image range */
    c->pen_thin = 4;    /* the k-of-n thinning pen rule */
    c->out_dir = out;
}

static void run(const train_config *c, train_result *res)
{
    train_data td = {&g_train, NULL, &g_pen};
    inkpin_diag d = {{0}};
    int rc = train_run(c, &td, res, &d);
    if (rc)
        fprintf(stderr, "train_run: %s\n", d.msg);
    assert_int_equal(rc, 0);
}

static void load(const char *path, train_state *s)
{
    inkpin_diag d = {{0}};
    int rc = train_checkpoint_load(path, s, &d);
    if (rc)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, 0);
}

static void assert_same_state(const train_state *a, const train_state *b)
{
    assert_int_equal(a->net.n_params, b->net.n_params);
    assert_int_equal(a->step, b->step);
    assert_int_equal(a->epoch, b->epoch);
    size_t n = sizeof(float) * (size_t)(4 * a->net.n_params + 2 * a->net.n_stats);
    assert_memory_equal(a->block, b->block, n);
}

static void dir_for(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", test_tmpdir(), name);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", buf);
    assert_int_equal(system(cmd), 0);
}

/* Trains the test configuration with `threads` threads (arch: NULL for the
 * default) in a fresh directory `name` and loads its last checkpoint. */
static void train_and_load(const char *name, int threads, const char *arch, train_config *c,
                           train_result *r, train_state *s)
{
    char dir[1024], path[1100];
    dir_for(dir, sizeof dir, name);
    config(c, dir, threads);
    if (arch)
        c->arch = arch;
    run(c, r);
    c->out_dir = NULL; /* dir goes out of scope */
    snprintf(path, sizeof path, "%s/last.ckpt", dir);
    load(path, s);
}

static void test_threads_do_not_change_the_model(void **state)
{
    (void)state;
    train_config c;
    train_result r1, r2;
    train_state a, b;
    train_and_load("threads1", 1, NULL, &c, &r1, &a);
    train_and_load("threads2", 2, NULL, &c, &r2, &b);
    assert_int_equal(r1.epochs_run, 2);
    assert_true(r1.val_accuracy == r2.val_accuracy);
    assert_same_state(&a, &b);
    /* and training did move the parameters away from the initialization */
    train_state init;
    inkpin_diag d;
    assert_int_equal(train_state_alloc(&init, c.arch, &d), 0);
    tnet_init(&init.net, init.params, init.stats, c.seed);
    assert_memory_not_equal(init.params, a.params, sizeof(float) * (size_t)a.net.n_params);
    train_state_free(&init);
    train_state_free(&a);
    train_state_free(&b);
}

/* the batch-norm path (layer-by-layer passes, per-channel batch sums) too */
static void test_threads_do_not_change_the_bn_model(void **state)
{
    (void)state;
    const char *arch = "c4bp,c6bpq,c8bq,d10q"; /* BN kept through 4-bit training */
    train_config c;
    train_result r1, r2;
    train_state a, b;
    train_and_load("bn1", 1, arch, &c, &r1, &a);
    train_and_load("bn2", 2, arch, &c, &r2, &b);
    assert_same_state(&a, &b);
    train_state_free(&a);
    train_state_free(&b);
}

static void test_resume_continues_bit_for_bit(void **state)
{
    (void)state;
    char full[1024], part[1024], p1[1100], p2[1100];
    dir_for(full, sizeof full, "full");
    dir_for(part, sizeof part, "part");
    train_config c;
    train_result r;
    config(&c, full, 2);
    run(&c, &r);
    /* interrupt in the middle of the first epoch, then resume */
    config(&c, part, 2);
    c.stop_at_step = 5;
    run(&c, &r);
    assert_true(r.interrupted);
    snprintf(p2, sizeof p2, "%s/last.ckpt", part);
    config(&c, part, 1);
    c.resume = p2;
    run(&c, &r);
    assert_false(r.interrupted);
    train_state a, b;
    snprintf(p1, sizeof p1, "%s/last.ckpt", full);
    load(p1, &a);
    load(p2, &b);
    assert_same_state(&a, &b);
    train_state_free(&a);
    train_state_free(&b);
}

static void test_checkpoint_rejects_damage(void **state)
{
    (void)state;
    char dir[1024], path[1100], bad[1100];
    dir_for(dir, sizeof dir, "ckpt");
    train_state s;
    inkpin_diag d;
    assert_int_equal(train_state_alloc(&s, "c4bp,c6p,c8,d10", &d), 0);
    tnet_init(&s.net, s.params, s.stats, 3);
    s.epochs = 3, s.batch = 16, s.best_epoch = 1;
    snprintf(path, sizeof path, "%s/ok.ckpt", dir);
    assert_int_equal(train_checkpoint_save(path, &s, &d), 0);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    train_state t;
    load(path, &t);
    assert_same_state(&s, &t);
    train_state_free(&t);

    /* the float model view folds BN and has the engine's layer kinds */
    float_model m;
    assert_int_equal(train_checkpoint_to_float_model(path, &m, &d), 0);
    assert_int_equal(m.n_layers, 4);
    assert_int_equal(m.layer[0].kind, MODEL_CONV);
    assert_int_equal(m.layer[0].pool, 1);
    assert_int_equal(m.layer[3].kind, MODEL_DENSE);
    assert_int_equal(m.layer[3].in_c * m.layer[3].in_h * m.layer[3].in_w, 8 * 3 * 3);
    train_float_model_free(&m);

    struct {
        size_t len;
        size_t flip; /* byte to corrupt, or (size_t)-1 */
        const char *expect;
    } cases[] = {
        {n - 1, (size_t)-1, "truncated"},
        {100, (size_t)-1, "truncated header"},
        {n, 0, "bad magic"},
        {n, 8, "version"},
        {n, 300, "CRC"},
        {n, n - 2, "CRC"},
        {n, 12, ""}, /* arch spec garbled: an arch error or a size mismatch */
    };
    /* a version-1 file (no scribbles field) still loads, to the same state */
    {
        static uint8_t v1[1 << 20];
        memcpy(v1, buf, 208);
        memcpy(v1 + 208, buf + 212, n - 212);
        size_t n1 = n - 4;
        v1[8] = 1, v1[9] = v1[10] = v1[11] = 0;
        uint32_t crc = (uint32_t)crc32(0L, v1, (uInt)(n1 - 4));
        for (int k = 0; k < 4; k++)
            v1[n1 - 4 + (size_t)k] = (uint8_t)(crc >> (8 * k));
        snprintf(bad, sizeof bad, "%s/v1.ckpt", dir);
        test_write_file(bad, v1, n1);
        load(bad, &t);
        assert_same_state(&s, &t);
        train_state_free(&t);
    }
    snprintf(bad, sizeof bad, "%s/bad.ckpt", dir);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        static uint8_t copy[1 << 20];
        memcpy(copy, buf, n);
        if (cases[i].flip != (size_t)-1)
            copy[cases[i].flip] ^= 0x5a;
        test_write_file(bad, copy, cases[i].len);
        memset(&d, 0, sizeof d);
        assert_int_not_equal(train_checkpoint_load(bad, &t, &d), 0);
        if (!strstr(d.msg, cases[i].expect) || !strstr(d.msg, "bad.ckpt")) {
            fprintf(stderr, "case %zu: '%s'\n", i, d.msg);
            fail();
        }
    }
    train_state_free(&s);
}

/* Batch norm stays through 4-bit training and folds only at export. That is
 * exact because the weight scale is per output channel: the folded channel is
 * the trained one times gamma/sigma, so the exporter's 4-bit integers are the
 * trained fake-quantized ones (sign flipped where gamma < 0). */
static void test_bn_fold_keeps_the_trained_4bit_weights(void **state)
{
    (void)state;
    char dir[1024], path[1100], flipped[1100];
    dir_for(dir, sizeof dir, "bnfold");
    train_config c;
    train_result r;
    config(&c, dir, 2);
    c.arch = "c4bp,c6bpq,c8bq,d10q";
    run(&c, &r);
    snprintf(path, sizeof path, "%s/best.ckpt", dir);
    train_state s;
    load(path, &s);
    /* a negative gamma must survive the fold too */
    const tnet_layer *L1 = &s.net.layer[1];
    s.best_params[L1->g_off] = -s.best_params[L1->g_off];
    snprintf(flipped, sizeof flipped, "%s/flipped.ckpt", dir);
    inkpin_diag d;
    assert_int_equal(train_checkpoint_save(flipped, &s, &d), 0);

    float_model m;
    assert_int_equal(train_checkpoint_to_float_model(flipped, &m, &d), 0);
    float act_max[MODEL_MAX_LAYERS];
    for (int l = 0; l < MODEL_MAX_LAYERS; l++)
        act_max[l] = 4.0f;
    quant_model q;
    assert_int_equal(quant_build(&q, &m, act_max, &d), 0);
    int checked = 0;
    for (int l = 0; l < s.net.n_layers; l++) {
        const tnet_layer *L = &s.net.layer[l];
        if (L->wbits != 4)
            continue;
        assert_int_equal(q.layer[l].wbits, 4);
        int per_out = (int)(L->n_w / L->out_c);
        for (int ch = 0; ch < L->out_c; ch++) {
            const float *w = s.best_params + L->w_off + (long)ch * per_out;
            float sc = quant_weight_scale_bits(w, per_out, 4);
            int sign = L->bn && s.best_params[L->g_off + ch] < 0 ? -1 : 1;
            for (int i = 0; i < per_out; i++, checked++)
                assert_int_equal(q.layer[l].w[(long)ch * per_out + i],
                                 sign * quant_round((double)w[i] / sc, -7, 7));
        }
    }
    assert_true(checked > 100);
    quant_free(&q);
    train_float_model_free(&m);
    train_state_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_do_not_change_the_model),
        cmocka_unit_test(test_threads_do_not_change_the_bn_model),
        cmocka_unit_test(test_bn_fold_keeps_the_trained_4bit_weights),
        cmocka_unit_test(test_resume_continues_bit_for_bit),
        cmocka_unit_test(test_checkpoint_rejects_damage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
