/* test_export_names.c - the exporter's model names (export_info.name): the
 * compiled-in models in src/ are exactly what export_c() writes for them,
 * byte for byte (default_model.c/.h with the switch that hands AVR builds
 * the small model, small_model.c/.h with its own NET_SMALL_* names), so
 * neither is hand-edited; bad names are refused before anything is written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "data/data.h"
#include "inkpin/default_model.h"
#include "inkpin/net.h"
#include "inkpin/small_model.h"
#include "model/export.h"
#include "model/quant.h"
#include "util/testutil.h"

static void assert_same_file(const char *expected_path, const char *actual_path)
{
    inkpin_diag d = {{0}};
    uint8_t *a, *b;
    size_t na, nb;
    assert_int_equal(data_read_file(expected_path, &a, &na, &d), 0);
    assert_int_equal(data_read_file(actual_path, &b, &nb, &d), 0);
    if (na != nb || memcmp(a, b, na) != 0)
        fail_msg("%s differs from what the exporter writes (%s)", expected_path, actual_path);
    free(a), free(b);
}

/* Re-exports a compiled-in model with the facts its header recorded and
 * compares the two generated files with the committed ones. */
static void check_regenerates(const net_model *m, const char *name, const char *command,
                              uint64_t seed, double val)
{
    inkpin_diag d = {{0}};
    quant_model q;
    char dir[4096], path[4200], committed[4200];
    export_info info = {command, seed, val, -1, NULL, NULL, NULL, name};
    snprintf(dir, sizeof dir, "%s/%s", test_tmpdir(), name);
    assert_int_equal(quant_from_net(&q, m, &d), 0);
    if (export_c(&q, &info, dir, &d) != 0)
        fail_msg("export_c: %s", d.msg);
    snprintf(path, sizeof path, "%s/%s_model.c", dir, name);
    snprintf(committed, sizeof committed, "%s/src/%s_model.c", INKPIN_SOURCE_DIR, name);
    assert_same_file(committed, path);
    snprintf(path, sizeof path, "%s/inkpin/%s_model.h", dir, name);
    snprintf(committed, sizeof committed, "%s/src/inkpin/%s_model.h", INKPIN_SOURCE_DIR, name);
    assert_same_file(committed, path);
    quant_free(&q);
}

static void test_default_model_is_generated(void **state)
{
    (void)state;
    check_regenerates(net_default_model(), "default", NET_MODEL_COMMAND, NET_MODEL_SEED,
                      NET_MODEL_VAL_ACCURACY);
}

static void test_small_model_is_generated(void **state)
{
    (void)state;
    check_regenerates(net_small_model(), "small", NET_SMALL_MODEL_COMMAND, NET_SMALL_MODEL_SEED,
                      NET_SMALL_MODEL_VAL_ACCURACY);
}

static void test_bad_names_write_nothing(void **state)
{
    (void)state;
    const char *bad[] = {
        "",    "Small",   "8bit", "a-b",
        "a b", "small.c", "../x", "abcdefghijklmnopqrstuvwxy" /* 25 > EXPORT_NAME_MAX */};
    inkpin_diag d = {{0}};
    quant_model q;
    char dir[4096];
    struct stat st;
    assert_true(export_name_ok("small"));
    assert_true(export_name_ok("avr_8bit"));
    assert_true(export_name_ok("abcdefghijklmnopqrstuvwx"));
    assert_false(export_name_ok(NULL));
    assert_int_equal(quant_from_net(&q, net_small_model(), &d), 0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        export_info info = {"x", 0, -1, -1, NULL, NULL, NULL, bad[i]};
        assert_false(export_name_ok(bad[i]));
        snprintf(dir, sizeof dir, "%s/bad%zu", test_tmpdir(), i);
        d.msg[0] = 0;
        assert_int_equal(export_c(&q, &info, dir, &d), -1);
        assert_non_null(strstr(d.msg, "model name"));
        assert_int_not_equal(stat(dir, &st), 0);
    }
    quant_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_default_model_is_generated),
                                       cmocka_unit_test(test_small_model_is_generated),
                                       cmocka_unit_test(test_bad_names_write_nothing)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
