/* test_data_mnist.c - loads the real MNIST files (skipped, exit 77, when the
 * data root is absent) and checks them against the figures in
 * ../shared/data/mnist/SOURCE.md, which were obtained independently. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "data.h"
#include "util/testutil.h"

static const char *root;

static void count_classes(const dataset *ds, int counts[DATA_CLASSES])
{
    for (int c = 0; c < DATA_CLASSES; c++)
        counts[c] = 0;
    for (int i = 0; i < ds->n; i++) {
        assert_true(ds->labels[i] < DATA_CLASSES);
        counts[ds->labels[i]]++;
    }
}

static void test_train_split(void **state)
{
    (void)state;
    static const int expect[DATA_CLASSES] = {5923, 6742, 5958, 6131, 5842,
                                             5421, 5918, 6265, 5851, 5949};
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_load_mnist(root, "train", &ds, &d);
    if (rc != 0)
        fail_msg("%s", d.msg);
    assert_int_equal(ds.n, 60000);
    assert_int_equal(ds.labels[0], 5);
    int counts[DATA_CLASSES];
    count_classes(&ds, counts);
    for (int c = 0; c < DATA_CLASSES; c++)
        assert_int_equal(counts[c], expect[c]);
    /* Pixel values span 0..255 (SOURCE.md), and the first image has ink. */
    uint8_t lo = 255, hi = 0;
    for (size_t i = 0; i < (size_t)ds.n * DATA_PIXELS; i++) {
        if (ds.pixels[i] < lo)
            lo = ds.pixels[i];
        if (ds.pixels[i] > hi)
            hi = ds.pixels[i];
    }
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 255);
    data_free(&ds);
}

static void test_test_split(void **state)
{
    (void)state;
    static const int expect[DATA_CLASSES] = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_load_mnist(root, "test", &ds, &d);
    if (rc != 0)
        fail_msg("%s", d.msg);
    assert_int_equal(ds.n, 10000);
    int counts[DATA_CLASSES];
    count_classes(&ds, counts);
    for (int c = 0; c < DATA_CLASSES; c++)
        assert_int_equal(counts[c], expect[c]);
    data_free(&ds);
}

/* The first training digit is an upright 5: its top stroke (rows 5..8) has ink
 * on the right half, and the binarized image has a plausible amount of ink. */
static void test_first_image_shape(void **state)
{
    (void)state;
    dataset ds;
    inkpin_diag d = {{0}};
    if (data_load_mnist(root, "train", &ds, &d) != 0)
        fail_msg("%s", d.msg);
    uint8_t bits[DATA_PIXELS];
    data_binarize(ds.pixels, bits);
    int ink = 0, top_right = 0;
    for (int r = 0; r < DATA_SIDE; r++)
        for (int c = 0; c < DATA_SIDE; c++) {
            ink += bits[r * DATA_SIDE + c];
            if (r >= 5 && r <= 8 && c >= 14)
                top_right += bits[r * DATA_SIDE + c];
        }
    assert_in_range(ink, 100, 250);
    assert_true(top_right > 10);
    data_free(&ds);
}

int main(void)
{
    root = test_data_root_or_skip();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_train_split),
        cmocka_unit_test(test_test_split),
        cmocka_unit_test(test_first_image_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
