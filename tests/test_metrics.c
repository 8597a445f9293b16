/* test_metrics.c - confusion matrix, accuracies, text table and JSON on a
 * hand-built matrix whose figures are worked out here independently. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "eval/metrics.h"

/* Class t: 10 samples, 10 - t correct, the other t predicted as (t + 1) % 10.
 * So n = 100, correct = 100 - (0 + 1 + ... + 9) = 55, class t accuracy (10-t)/10. */
static void build(metrics *m)
{
    metrics_init(m);
    for (int t = 0; t < 10; t++)
        for (int i = 0; i < 10; i++)
            assert_int_equal(metrics_add(m, t, i < 10 - t ? t : (t + 1) % 10), 1);
}

static void test_counts_and_accuracy(void **state)
{
    (void)state;
    metrics m;
    build(&m);
    assert_int_equal(m.n, 100);
    assert_int_equal(metrics_correct(&m), 55);
    assert_true(fabs(metrics_accuracy(&m) - 0.55) < 1e-12);
    for (int t = 0; t < 10; t++) {
        assert_int_equal(metrics_class_total(&m, t), 10);
        assert_true(fabs(metrics_class_accuracy(&m, t) - (10 - t) / 10.0) < 1e-12);
    }
    assert_int_equal(m.confusion[3][3], 7);
    assert_int_equal(m.confusion[3][4], 3);
    assert_int_equal(m.confusion[9][0], 9);
    assert_int_equal(m.confusion[0][1], 0);
}

static void test_rejects_out_of_range(void **state)
{
    (void)state;
    metrics m;
    metrics_init(&m);
    assert_int_equal(metrics_add(&m, 10, 0), 0);
    assert_int_equal(metrics_add(&m, 0, -1), 0);
    assert_int_equal(metrics_add(&m, -1, 3), 0);
    assert_int_equal(m.n, 0);
    assert_true(metrics_accuracy(&m) == 0.0);
    assert_true(isnan(metrics_class_accuracy(&m, 4)));
}

static void test_merge(void **state)
{
    (void)state;
    metrics a, b, whole;
    build(&whole);
    metrics_init(&a);
    metrics_init(&b);
    /* Split the same samples between two accumulators, as threads would. */
    for (int t = 0; t < 10; t++)
        for (int i = 0; i < 10; i++)
            metrics_add(i % 2 ? &a : &b, t, i < 10 - t ? t : (t + 1) % 10);
    metrics_merge(&a, &b);
    assert_memory_equal(&a, &whole, sizeof a);
}

static void test_json(void **state)
{
    (void)state;
    metrics m;
    build(&m);
    cJSON *o = cJSON_CreateObject();
    assert_int_equal(metrics_add_json(&m, o), 0);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    /* Round-trip through text, as a consumer of --json would see it. */
    cJSON *j = cJSON_Parse(text);
    free(text);
    assert_non_null(j);
    assert_int_equal(cJSON_GetObjectItem(j, "n")->valuedouble, 100);
    assert_true(fabs(cJSON_GetObjectItem(j, "accuracy")->valuedouble - 0.55) < 1e-12);
    cJSON *per = cJSON_GetObjectItem(j, "per_class");
    assert_true(cJSON_IsArray(per));
    assert_int_equal(cJSON_GetArraySize(per), 10);
    for (int t = 0; t < 10; t++)
        assert_true(fabs(cJSON_GetArrayItem(per, t)->valuedouble - (10 - t) / 10.0) < 1e-12);
    cJSON *conf = cJSON_GetObjectItem(j, "confusion");
    assert_int_equal(cJSON_GetArraySize(conf), 10);
    for (int t = 0; t < 10; t++) {
        cJSON *row = cJSON_GetArrayItem(conf, t);
        assert_int_equal(cJSON_GetArraySize(row), 10);
        for (int p = 0; p < 10; p++) {
            int want = p == t ? 10 - t : (p == (t + 1) % 10 ? t : 0);
            assert_int_equal((int)cJSON_GetArrayItem(row, p)->valuedouble, want);
        }
    }
    cJSON_Delete(j);
}

static void test_json_empty_class_is_null(void **state)
{
    (void)state;
    metrics m;
    metrics_init(&m);
    metrics_add(&m, 1, 1);
    cJSON *o = cJSON_CreateObject();
    assert_int_equal(metrics_add_json(&m, o), 0);
    cJSON *per = cJSON_GetObjectItem(o, "per_class");
    assert_true(cJSON_IsNull(cJSON_GetArrayItem(per, 0)));
    assert_true(cJSON_GetArrayItem(per, 1)->valuedouble == 1.0);
    cJSON_Delete(o);
}

static void test_text_table(void **state)
{
    (void)state;
    metrics m;
    build(&m);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    metrics_print(f, &m);
    fclose(f);
    assert_non_null(strstr(buf, "accuracy 55.00% (55 of 100)"));
    assert_non_null(strstr(buf, "\n    3     10        7    70.00%\n"));
    /* The matrix: header plus 10 rows, all the same width, row 3 as built. */
    char *mat = strstr(buf, "true\\pred");
    assert_non_null(mat);
    size_t width = strcspn(mat, "\n");
    char *line = mat;
    for (int r = 0; r < 11; r++) {
        assert_int_equal(strcspn(line, "\n"), width);
        line += width + 1;
    }
    assert_non_null(
        strstr(mat, "\n        3     0     0     0     7     3     0     0     0     0     0\n"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_and_accuracy),
        cmocka_unit_test(test_rejects_out_of_range),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_json_empty_class_is_null),
        cmocka_unit_test(test_text_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
