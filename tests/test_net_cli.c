/* test_net_cli.c - `inkpin eval` and `inkpin bench` end to end on a blob made
 * here from a random model: exit codes (0, 1 for --min-accuracy, 2 for bad
 * input), the --json keys of docs/design.md, and that eval's accuracy equals the
 * engine run directly on the same images. Needs the CLI ($INKPIN_CLI, set by
 * ctest) and MNIST (skips with 77 otherwise). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "data/data.h"
#include "model/export.h"
#include "inkpin/net.h"
#include "model/neteval.h"
#include "model/quant.h"
#include "util/net_models.h"
#include "util/testutil.h"

static const char *cli, *root;
static char blob_path[1024], bad_path[1024];
static uint8_t *blob;
static size_t blob_n;

static void test_eval_json_matches_engine(void **state)
{
    (void)state;
    char cmd[4096], out[65536];
    snprintf(cmd, sizeof cmd, "eval --model %s --data %s --json", blob_path, root);
    assert_int_equal(test_run_cli_capture(cmd, out, sizeof out), 0);
    cJSON *o = cJSON_Parse(out);
    assert_non_null(o);
    const cJSON *n = cJSON_GetObjectItem(o, "n"), *acc = cJSON_GetObjectItem(o, "accuracy");
    const cJSON *pc = cJSON_GetObjectItem(o, "per_class"),
                *cf = cJSON_GetObjectItem(o, "confusion");
    assert_true(cJSON_IsNumber(n) && cJSON_IsNumber(acc) && cJSON_IsArray(pc) && cJSON_IsArray(cf));
    assert_int_equal(cJSON_GetArraySize(pc), 10);
    assert_int_equal(cJSON_GetArraySize(cf), 10);
    /* the same numbers from the engine directly */
    net_blob_model bm;
    dataset ds = {0};
    inkpin_diag d = {{0}};
    neteval_counts c;
    assert_int_equal(net_model_from_blob(&bm, blob, blob_n), NET_OK);
    assert_int_equal(data_load_mnist(root, "test", &ds, &d), 0);
    assert_int_equal(neteval_run(&bm.model, &ds, 0, ds.n, &c), 0);
    assert_int_equal((int)n->valuedouble, c.n);
    assert_true(fabs(acc->valuedouble - (double)c.correct / c.n) < 1e-9);
    for (int t = 0; t < 10; t++)
        for (int p = 0; p < 10; p++)
            assert_int_equal((int)cJSON_GetArrayItem(cJSON_GetArrayItem(cf, t), p)->valuedouble,
                             c.confusion[t][p]);
    /* --set val: the last 5,000 training images */
    snprintf(cmd, sizeof cmd, "eval --model %s --data %s --set val --json", blob_path, root);
    assert_int_equal(test_run_cli_capture(cmd, out, sizeof out), 0);
    cJSON *v = cJSON_Parse(out);
    assert_int_equal((int)cJSON_GetObjectItem(v, "n")->valuedouble, 5000);
    cJSON_Delete(v);
    cJSON_Delete(o);
    data_free(&ds);
}

static void test_eval_exit_codes(void **state)
{
    (void)state;
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "eval --model %s --data %s --min-accuracy 1.0", blob_path, root);
    assert_int_equal(test_run_cli(cmd), 1); /* a random model is not perfect */
    snprintf(cmd, sizeof cmd, "eval --model %s --data %s --min-accuracy 0", blob_path, root);
    assert_int_equal(test_run_cli(cmd), 0);
    snprintf(cmd, sizeof cmd, "eval --model %s --data %s", bad_path, root);
    assert_int_equal(test_run_cli(cmd), 2); /* corrupted blob */
    assert_int_equal(test_run_cli("eval --model /nonexistent.inkm"), 2);
    assert_int_equal(test_run_cli("eval --set train"), 2);
    assert_int_equal(test_run_cli("eval --min-accuracy 2"), 2);
    assert_int_equal(test_run_cli("eval --bogus"), 2);
    assert_int_equal(test_run_cli("eval --help"), 0);
}

static void test_bench_json(void **state)
{
    (void)state;
    char cmd[4096], out[4096];
    snprintf(cmd, sizeof cmd, "bench --model %s --data %s --seconds 0.2 --json", blob_path, root);
    assert_int_equal(test_run_cli_capture(cmd, out, sizeof out), 0);
    cJSON *o = cJSON_Parse(out);
    assert_non_null(o);
    const cJSON *ips = cJSON_GetObjectItem(o, "inferences_per_s");
    const cJSON *us = cJSON_GetObjectItem(o, "us_per_inference");
    assert_true(cJSON_IsNumber(ips) && ips->valuedouble > 0);
    assert_true(cJSON_IsNumber(us) && us->valuedouble > 0);
    cJSON_Delete(o);
    snprintf(cmd, sizeof cmd, "bench --model %s", bad_path);
    assert_int_equal(test_run_cli(cmd), 2);
    assert_int_equal(test_run_cli("bench --seconds -1"), 2);
}

int main(void)
{
    cli = getenv("INKPIN_CLI");
    if (!cli) {
        fprintf(stderr, "SKIP: INKPIN_CLI not set (run through ctest)\n");
        return TEST_SKIP;
    }
    root = test_data_root_or_skip();
    /* a random model, calibrated on generated images, as a blob on disk */
    tn_rng r = {2024};
    float_model fm;
    quant_model q;
    float act[MODEL_MAX_LAYERS];
    uint8_t calib[784 * 40];
    inkpin_diag d = {{0}};
    tn_model(&fm, TN_ARCHS[0].spec, TN_ARCHS[0].n, &r);
    for (int i = 0; i < 40; i++)
        tn_image(calib + 784 * i, &r);
    quant_calibrate(&fm, calib, 40, act);
    if (quant_build(&q, &fm, act, &d) != 0 || export_blob(&q, &blob, &blob_n, &d) != 0) {
        fprintf(stderr, "setup failed: %s\n", d.msg);
        return 1;
    }
    snprintf(blob_path, sizeof blob_path, "%s/random.inkm", test_tmpdir());
    snprintf(bad_path, sizeof bad_path, "%s/broken.inkm", test_tmpdir());
    test_write_file(blob_path, blob, blob_n);
    blob[blob_n / 2] ^= 0x40;
    test_write_file(bad_path, blob, blob_n);
    blob[blob_n / 2] ^= 0x40;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_json_matches_engine),
        cmocka_unit_test(test_eval_exit_codes),
        cmocka_unit_test(test_bench_json),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    quant_free(&q);
    tn_free(&fm);
    free(blob);
    return rc;
}
