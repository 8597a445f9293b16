/* test_net_small.c - the 8-bit MCUs' model (models/avr, net_small_model()):
 * the compiled-in C arrays, the blob models/avr/model.inkm and the host
 * integer simulation (host/model/netref.c, written independently of net.c)
 * give bit-identical logits, confidences, digits and runners-up on the whole
 * MNIST test set. On the host net_default_model() stays the default model
 * (AVR builds get this one: tests/avr_model_select.sh). Skips (77) without
 * data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "data/data.h"
#include "inkpin/default_model.h"
#include "inkpin/net.h"
#include "inkpin/small_model.h"
#include "model/netref.h"
#include "model/quant.h"
#include "util/net_models.h"
#include "util/testutil.h"

static void test_small_bit_exact(void **state)
{
    (void)state;
    const net_model *c_model = net_small_model();
    inkpin_diag d = {{0}};
    uint8_t *blob;
    size_t n;
    net_blob_model bm;
    quant_model sim;
    dataset ds = {0};
    assert_int_equal(data_read_file(INKPIN_SOURCE_DIR "/models/avr/model.inkm", &blob, &n, &d), 0);
    assert_int_equal(net_model_from_blob(&bm, blob, n), NET_OK);
    assert_int_equal(quant_from_net(&sim, c_model, &d), 0);
    assert_int_equal(data_load_mnist(test_data_root_or_skip(), "test", &ds, &d), 0);
    size_t need = net_arena_bytes(c_model);
    assert_int_equal(need, NET_SMALL_ARENA_BYTES);
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

/* The host build keeps the default model as net_default_model(); the small
 * one is a different network, reachable beside it. */
static void test_host_default_is_not_small(void **state)
{
    (void)state;
    assert_int_equal(NET_DEFAULT_IS_SMALL, 0);
    assert_non_null(net_default_model());
    assert_non_null(net_small_model());
    assert_ptr_not_equal(net_default_model(), net_small_model());
    assert_int_not_equal(net_arena_bytes(net_default_model()), 0);
    assert_int_equal(net_arena_bytes(net_default_model()), NET_ARENA_BYTES);
    assert_int_equal(net_arena_bytes(net_small_model()), NET_SMALL_ARENA_BYTES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_host_default_is_not_small),
                                       cmocka_unit_test(test_small_bit_exact)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
