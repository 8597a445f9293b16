/* model_check.c - see model_check.h. */
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
#include "model/quant.h"
#include "util/model_check.h"
#include "util/net_models.h"
#include "util/testutil.h"

void check_model_bit_exact(const net_model *c_model, const char *blob_path)
{
    inkpin_diag d = {{0}};
    uint8_t *blob;
    size_t n;
    net_blob_model bm;
    quant_model sim;
    dataset ds = {0};
    assert_int_equal(data_read_file(blob_path, &blob, &n, &d), 0);
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
