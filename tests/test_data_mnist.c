/* test_data_mnist.c - loads the real MNIST files (skipped, exit 77, when the
 * data root is absent) and checks them against the figures in
 * ../shared/data/mnist/SOURCE.md, which were obtained independently. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <sodium.h>

#include "data/data.h"
#include "util/testutil.h"

static const char *root;

/* SHA-256 of the pixel bytes and the label bytes of each split, computed with
 * an independent tool: `zcat X-images-idx3-ubyte.gz | tail -c +17 | sha256sum`
 * (labels: `tail -c +9`). The decompressed files' md5 match the published
 * values listed in SOURCE.md. */
static const char *const TRAIN_PIXELS_SHA256 =
    "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757";
static const char *const TRAIN_LABELS_SHA256 =
    "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13";
static const char *const TEST_PIXELS_SHA256 =
    "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161";
static const char *const TEST_LABELS_SHA256 =
    "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5";

static void assert_sha256(const uint8_t *p, size_t n, const char *want)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256(h, p, n);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    assert_string_equal(hex, want);
}

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
    /* Every byte, bit for bit. */
    assert_sha256(ds.pixels, (size_t)ds.n * DATA_PIXELS, TRAIN_PIXELS_SHA256);
    assert_sha256(ds.labels, (size_t)ds.n, TRAIN_LABELS_SHA256);
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
    assert_sha256(ds.pixels, (size_t)ds.n * DATA_PIXELS, TEST_PIXELS_SHA256);
    assert_sha256(ds.labels, (size_t)ds.n, TEST_LABELS_SHA256);
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
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_train_split),
        cmocka_unit_test(test_test_split),
        cmocka_unit_test(test_first_image_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
