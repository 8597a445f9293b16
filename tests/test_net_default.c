/* test_net_default.c - the shipped default model: the compiled-in C arrays,
 * the blob models/default/model.inkm and the host integer simulation
 * (host/model/netref.c, written independently of net.c) give bit-identical
 * logits, confidences, digits and runners-up on the whole MNIST test set.
 * Skips (77) when there is no data or no default model in this build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "data/data.h"
#include "model/export.h"
#include "inkpin/net.h"
#include "model/netref.h"
#include "model/quant.h"
#include "util/net_models.h"
#include "util/testutil.h"

static void test_default_bit_exact(void **state)
{
    (void)state;
    const net_model *c_model = net_default_model();
    inkpin_diag d = {{0}};
    uint8_t *blob;
    size_t n;
    net_blob_model bm;
    quant_model sim;
    dataset ds = {0};
    assert_int_equal(data_read_file(INKPIN_SOURCE_DIR "/models/default/model.inkm", &blob, &n, &d),
                     0);
    assert_int_equal(net_model_from_blob(&bm, blob, n), NET_OK);
    assert_int_equal(quant_from_net(&sim, c_model, &d), 0);
    assert_int_equal(data_load_mnist(test_data_root_or_skip(), "test", &ds, &d), 0);
    size_t need = net_arena_bytes(c_model);
    assert_int_equal(need, bm.arena_bytes);
    assert_int_equal(need, net_arena_bytes(&bm.model));
    uint8_t *arena = malloc(need);
    int count = test_sanitized() ? 1000 : ds.n, correct = 0;
    for (int i = 0; i < count; i++) {
        const uint8_t *px = ds.pixels + (size_t)i * DATA_PIXELS;
        uint8_t img[DATA_PIXELS];
        net_result rc, rb;
        int32_t logits[10];
        uint16_t conf[10];
        int digit, runner;
        assert_int_equal(net_run_pixels(c_model, px, arena, need, &rc), NET_OK);
        assert_int_equal(net_run_pixels(&bm.model, px, arena, need, &rb), NET_OK);
        data_binarize(px, img);
        netref_int_forward(&sim, img, logits, conf, &digit, &runner, NULL, NULL);
        if (!tn_same_result(&rc, &rb))
            fail_msg("image %d: compiled-in and blob differ", i);
        if (memcmp(rc.logits, logits, sizeof logits) || memcmp(rc.confidence, conf, sizeof conf) ||
            rc.digit != digit || rc.runner_up != runner)
            fail_msg("image %d: engine and host integer simulation differ", i);
        correct += rc.digit == ds.labels[i];
    }
    printf("  %d images bit-identical (C, blob, simulation); int8 accuracy %.2f%%\n", count,
           100.0 * correct / count);
    free(arena);
    quant_free(&sim);
    data_free(&ds);
    free(blob);
}

int main(void)
{
    if (!net_default_model()) {
        fprintf(stderr, "SKIP: this build has no default model (no model exported into src/)\n");
        return TEST_SKIP;
    }
    test_data_root_or_skip();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_default_bit_exact)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
