/* test_train_smoke.c - a short training run on real MNIST learns: accuracy on
 * held-out images (the validation part, never trained on) ends far above
 * chance (10%). Skips (77) without the data. Under ASan/UBSan the run is
 * 2,000 images instead of 3,000, with a lower bar that is still far above chance. No timing is
 * asserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "data/data.h"
#include "model/netref.h"
#include "train/checkpoint.h"
#include "train/trainer.h"
#include "util/testutil.h"

static void test_short_training_learns(void **state)
{
    (void)state;
    const char *root = test_data_root_or_skip();
    dataset train = {0};
    inkpin_diag d = {{0}};
    if (data_load_mnist(root, "train", &train, &d)) {
        fprintf(stderr, "%s\n", d.msg);
        fail();
    }
    int small = test_sanitized();
    train_config c;
    train_config_defaults(&c);
    c.arch = "c8p,c16p,c24,d10";
    c.epochs = 2;
    c.limit = small ? 2000 : 3000;
    c.val_limit = small ? 500 : 1000;
    c.batch = 32;
    c.out_dir = test_tmpdir();
    train_data td = {&train, NULL, NULL};
    train_result r;
    int rc = train_run(&c, &td, &r, &d);
    if (rc)
        fprintf(stderr, "train_run: %s\n", d.msg);
    assert_int_equal(rc, 0);
    fprintf(stderr, "smoke: %d images x %d epochs -> held-out accuracy %.2f%%\n", c.limit, c.epochs,
            100.0 * r.val_accuracy);
    assert_true(r.val_accuracy > (small ? 0.8 : 0.85));

    /* the saved best checkpoint gives the same accuracy through the float model view */
    float_model m;
    assert_int_equal(train_checkpoint_to_float_model(r.best_path, &m, &d), 0);
    assert_int_equal(m.n_layers, 4);
    int correct = 0, n_val = c.val_limit, first = train.n - TRAIN_VAL_IMAGES;
    for (int i = 0; i < n_val; i++) {
        uint8_t img[DATA_PIXELS];
        float logits[10];
        data_binarize(train.pixels + (size_t)(first + i) * DATA_PIXELS, img);
        netref_float_forward(&m, img, logits, NULL);
        int best = 0;
        for (int k = 1; k < 10; k++)
            if (logits[k] > logits[best])
                best = k;
        correct += best == train.labels[first + i];
    }
    /* folding batch norm changes float rounding only: at most one flip */
    fprintf(stderr, "smoke: folded float model %d/%d\n", correct, n_val);
    assert_true(abs(correct - (int)(r.val_accuracy * n_val + 0.5)) <= 1);
    train_float_model_free(&m);

    /* distillation: a student whose training labels are all wrong (every one
     * set to 0) and that weighs only the teacher's soft targets (alpha 1)
     * still learns the digits, so the knowledge comes from the teacher */
    uint8_t *wrong = malloc((size_t)train.n);
    assert_non_null(wrong);
    memcpy(wrong, train.labels, (size_t)train.n);
    memset(wrong, 0, (size_t)c.limit);
    dataset zeroed = {train.n, train.pixels, wrong};
    train_data sd = {&zeroed, NULL, NULL};
    train_config s = c;
    s.arch = "c4p,d10";
    s.teacher = r.best_path;
    s.kd_alpha = 1.0f;
    s.kd_temp = 2.0f;
    s.out_dir = test_tmpdir();
    train_result sr;
    rc = train_run(&s, &sd, &sr, &d);
    if (rc)
        fprintf(stderr, "train_run (student): %s\n", d.msg);
    assert_int_equal(rc, 0);
    fprintf(stderr, "smoke: student of a %.2f%% teacher, labels all 0 -> held-out %.2f%%\n",
            100.0 * r.val_accuracy, 100.0 * sr.val_accuracy);
    assert_true(sr.val_accuracy > 0.7);
    /* and with the labels alone (alpha 0) the same wrong labels teach nothing */
    s.kd_alpha = 0.0f;
    s.out_dir = test_tmpdir();
    rc = train_run(&s, &sd, &sr, &d);
    assert_int_equal(rc, 0);
    assert_true(sr.val_accuracy < 0.2);
    /* a missing teacher is a clear error */
    s.teacher = "/nonexistent/teacher.ckpt";
    assert_int_equal(train_run(&s, &sd, &sr, &d), -1);
    assert_non_null(strstr(d.msg, "teacher.ckpt"));
    free(wrong);
    data_free(&train);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_short_training_learns)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
