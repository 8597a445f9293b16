/* test_net.c - the int8 engine (src/net.c) against two independent
 * references on random small models: the plain integer simulation
 * (host/model/netref.c, bit-exact) and the float forward (argmax agreement,
 * bounded logit error); arena bounds; softmax; error codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inkpin/net.h"
#include "model/netref.h"
#include "model/quant.h"
#include "util/net_models.h"

#define N_CALIB 200
#define N_IMAGES 300

typedef struct {
    float_model fm;
    quant_model q;
    net_model m;
    net_layer layers[NET_MAX_LAYERS];
} built;

/* What quantization-aware training does to 4-bit layers: weights snapped to
 * the per-channel 4-bit grid with the shared quant functions. Comparing the
 * engine with this float model measures the engine, not the 4-bit rounding. */
static void fake_quantize_4bit(float_model *fm)
{
    for (int l = 0; l < fm->n_layers; l++) {
        model_layer *L = &fm->layer[l];
        if (L->wbits != 4)
            continue;
        int per = L->kind == MODEL_CONV ? L->in_c * L->k * L->k : L->in_c * L->in_h * L->in_w;
        for (int c = 0; c < L->out_c; c++) {
            float *w = L->w + (size_t)c * (size_t)per;
            float s = quant_weight_scale_bits(w, per, 4);
            for (int i = 0; i < per; i++)
                w[i] = (float)quant_round(w[i] / s, -7, 7) * s;
        }
    }
}

static void build(built *b, const tn_arch *a, uint64_t seed)
{
    tn_rng r = {seed};
    uint8_t *calib = malloc(784 * N_CALIB);
    float act_max[MODEL_MAX_LAYERS];
    inkpin_diag d = {{0}};
    tn_model(&b->fm, a->spec, a->n, &r);
    fake_quantize_4bit(&b->fm);
    for (int i = 0; i < N_CALIB; i++)
        tn_image(calib + 784 * i, &r);
    quant_calibrate(&b->fm, calib, N_CALIB, act_max);
    free(calib);
    assert_int_equal(quant_build(&b->q, &b->fm, act_max, &d), 0);
    quant_as_net(&b->q, &b->m, b->layers);
    assert_int_equal(net_check(&b->m), NET_OK);
}

static void unbuild(built *b)
{
    quant_free(&b->q);
    tn_free(&b->fm);
}

/* Runs the engine in an arena of exactly net_arena_bytes() (malloc'd, so ASan
 * sees any overrun) and checks guard bytes around a second copy too. */
static void run_exact_arena(const net_model *m, const uint8_t bits[98], net_result *res)
{
    size_t need = net_arena_bytes(m);
    uint8_t *arena = malloc(need ? need : 1);
    assert_int_equal(net_run(m, bits, arena, need, res), NET_OK);
    free(arena);
}

static void test_engine_matches_integer_simulation(void **state)
{
    (void)state;
    for (int a = 0; a < TN_N_ARCHS; a++) {
        for (uint64_t seed = 1; seed <= 3; seed++) {
            built b;
            tn_rng r = {seed * 977};
            build(&b, &TN_ARCHS[a], seed);
            for (int i = 0; i < 60; i++) {
                uint8_t img[784], bits[98];
                int32_t logits[10];
                uint16_t conf[10];
                int digit, runner;
                net_result res;
                tn_image(img, &r);
                tn_pack(bits, img);
                netref_int_forward(&b.q, img, logits, conf, &digit, &runner, NULL, NULL);
                run_exact_arena(&b.m, bits, &res);
                if (memcmp(res.logits, logits, sizeof logits) != 0)
                    fail_msg("arch %s seed %d image %d: logits differ", TN_ARCHS[a].name, (int)seed,
                             i);
                assert_memory_equal(res.confidence, conf, sizeof conf);
                assert_int_equal(res.digit, digit);
                assert_int_equal(res.runner_up, runner);
            }
            unbuild(&b);
        }
    }
}

static void test_engine_close_to_float(void **state)
{
    (void)state;
    for (int a = 0; a < TN_N_ARCHS; a++) {
        built b;
        tn_rng r = {4242};
        int agree = 0;
        double err_sum = 0, spread_sum = 0, worst = 0;
        build(&b, &TN_ARCHS[a], 7);
        for (int i = 0; i < N_IMAGES; i++) {
            uint8_t img[784], bits[98];
            float fl[10], lo = 1e30f, hi = -1e30f;
            int fbest = 0;
            net_result res;
            tn_image(img, &r);
            tn_pack(bits, img);
            netref_float_forward(&b.fm, img, fl, NULL);
            run_exact_arena(&b.m, bits, &res);
            for (int k = 0; k < 10; k++) {
                double e = fabs(res.logits[k] / 1024.0 - fl[k]);
                err_sum += e;
                if (e > worst)
                    worst = e;
                if (fl[k] > fl[fbest])
                    fbest = k;
                lo = fminf(lo, fl[k]), hi = fmaxf(hi, fl[k]);
            }
            spread_sum += hi - lo;
            agree += res.digit == fbest;
        }
        double mean_err = err_sum / (10.0 * N_IMAGES), mean_spread = spread_sum / N_IMAGES;
        printf("  %-40s argmax agreement %5.1f%%, mean |dlogit| %.4f (%.2f%% of spread), "
               "worst %.3f\n",
               TN_ARCHS[a].name, 100.0 * agree / N_IMAGES, mean_err, 100.0 * mean_err / mean_spread,
               worst);
        /* int8 noise on random (untrained, near-tie) models: most argmaxes agree
         * and the mean logit error is a small fraction of the logit spread */
        assert_true(agree >= N_IMAGES * 95 / 100);
        assert_true(mean_err < 0.015 * mean_spread);
        unbuild(&b);
    }
}

static void test_arena_too_small_and_exact(void **state)
{
    (void)state;
    built b;
    tn_rng r = {5};
    uint8_t img[784], bits[98];
    net_result res, res2;
    build(&b, &TN_ARCHS[0], 11);
    tn_image(img, &r);
    tn_pack(bits, img);
    size_t need = net_arena_bytes(&b.m);
    assert_true(need > 0);
    /* the layer-0 ring keeps layer 0 (4 x 13 x 13 = 676 B) from being stored whole */
    assert_true(need < 4 * 13 * 13 + 8 * 5 * 5);
    uint8_t *big = malloc(need + 64);
    memset(big, 0xA5, need + 64);
    assert_int_equal(net_run(&b.m, bits, big + 32, need - 1, &res), NET_ERR_ARENA);
    assert_int_equal(net_run(&b.m, bits, big + 32, need, &res), NET_OK);
    for (int i = 0; i < 32; i++) {
        assert_int_equal(big[i], 0xA5);
        assert_int_equal(big[32 + need + (size_t)i], 0xA5);
    }
    /* a larger arena gives the same answer */
    assert_int_equal(net_run(&b.m, bits, big, need + 64, &res2), NET_OK);
    assert_true(tn_same_result(&res, &res2));
    free(big);
    unbuild(&b);
}

static void test_pixels_entry_point(void **state)
{
    (void)state;
    built b;
    tn_rng r = {6};
    build(&b, &TN_ARCHS[1], 12);
    size_t need = net_arena_bytes(&b.m);
    uint8_t *arena = malloc(need);
    for (int i = 0; i < 20; i++) {
        uint8_t img[784], px[784], bits[98], packed[98];
        net_result r1, r2;
        tn_image(img, &r);
        for (int k = 0; k < 784; k++) /* grey values: ink is > NET_INK_THRESHOLD */
            px[k] = img[k] ? (uint8_t)(NET_INK_THRESHOLD + 1 +
                                       (int)(tn_next(&r) % (254 - NET_INK_THRESHOLD)))
                           : (uint8_t)NET_INK_THRESHOLD;
        tn_pack(bits, img);
        net_pack(packed, px);
        assert_memory_equal(bits, packed, 98);
        assert_int_equal(net_run(&b.m, bits, arena, need, &r1), NET_OK);
        assert_int_equal(net_run_pixels(&b.m, px, arena, need, &r2), NET_OK);
        assert_true(tn_same_result(&r1, &r2));
    }
    free(arena);
    unbuild(&b);
}

static void test_softmax(void **state)
{
    (void)state;
    tn_rng r = {99};
    net_result res;
    int32_t flat[10] = {0};
    net_softmax(flat, &res);
    int total = 0;
    for (int k = 0; k < 10; k++) {
        total += res.confidence[k];
        if (k > 0) /* 32768/10 rounded down; the remainder goes to the top class */
            assert_int_equal(res.confidence[k], 3276);
    }
    assert_int_equal(res.confidence[0], 32768 - 9 * 3276);
    assert_int_equal(total, NET_CONF_ONE);
    assert_int_equal(res.digit, 0);
    assert_int_equal(res.runner_up, 1);
    for (int it = 0; it < 20000; it++) {
        int32_t lg[10];
        uint16_t conf[10];
        int d, ru;
        int range = it % 3 == 0 ? 40000 : (it % 3 == 1 ? 4000 : 1 << 24);
        for (int k = 0; k < 10; k++)
            lg[k] = (int32_t)(tn_next(&r) % (uint32_t)(2 * range + 1)) - range;
        if (it % 7 == 0)
            lg[3] = lg[5]; /* ties */
        net_softmax(lg, &res);
        netref_softmax(lg, conf, &d, &ru);
        assert_memory_equal(res.confidence, conf, sizeof conf);
        assert_int_equal(res.digit, d);
        assert_int_equal(res.runner_up, ru);
        total = 0;
        double z = 0;
        for (int k = 0; k < 10; k++)
            z += exp((lg[k] - lg[d]) / 1024.0);
        for (int k = 0; k < 10; k++) {
            total += res.confidence[k];
            assert_true(lg[k] <= lg[d]);
            if (k != d) {
                assert_true(lg[k] <= lg[ru]);
                /* close to the real softmax: 0.2% of full scale */
                double p = exp((lg[k] - lg[d]) / 1024.0) / z;
                assert_true(fabs(res.confidence[k] / 32768.0 - p) < 0.002);
            }
        }
        assert_int_equal(total, NET_CONF_ONE);
    }
    /* many ties: digit and runner-up are the lowest indices of their maxima */
    for (int it = 0; it < 5000; it++) {
        int32_t lg[10];
        uint16_t conf[10];
        int d, ru;
        for (int k = 0; k < 10; k++)
            lg[k] = (int32_t)(tn_next(&r) % 5u) - 2;
        net_softmax(lg, &res);
        netref_softmax(lg, conf, &d, &ru);
        assert_int_equal(res.digit, d);
        assert_int_equal(res.runner_up, ru);
        assert_memory_equal(res.confidence, conf, sizeof conf);
    }
}

static void test_errors(void **state)
{
    (void)state;
    built b;
    uint8_t bits[98] = {0}, arena[4096];
    net_result res;
    build(&b, &TN_ARCHS[0], 13);
    assert_int_equal(net_run(NULL, bits, arena, sizeof arena, &res), NET_ERR_ARG);
    assert_int_equal(net_run(&b.m, NULL, arena, sizeof arena, &res), NET_ERR_ARG);
    assert_int_equal(net_run(&b.m, bits, arena, sizeof arena, NULL), NET_ERR_ARG);
    assert_int_equal(net_run(&b.m, bits, NULL, 0, &res), NET_ERR_ARG);
    net_layer L[NET_MAX_LAYERS];
    net_model bad = {L, b.m.n_layers};
    memcpy(L, b.layers, sizeof L);
    L[1].in_c = 5; /* does not chain */
    assert_int_equal(net_run(&bad, bits, arena, sizeof arena, &res), NET_ERR_MODEL);
    assert_int_equal(net_arena_bytes(&bad), 0);
    memcpy(L, b.layers, sizeof L);
    L[2].out_c = 9; /* 9 logits */
    assert_int_equal(net_check(&bad), NET_ERR_MODEL);
    memcpy(L, b.layers, sizeof L);
    L[0].w = NULL;
    assert_int_equal(net_check(&bad), NET_ERR_ARG);
    memcpy(L, b.layers, sizeof L);
    L[0].wbits = 5;
    assert_int_equal(net_check(&bad), NET_ERR_MODEL);
    memcpy(L, b.layers, sizeof L);
    L[1].k = 20; /* larger than its 13x13 input */
    assert_int_equal(net_check(&bad), NET_ERR_MODEL);
    memcpy(L, b.layers, sizeof L);
    uint8_t shifts[8];
    memcpy(shifts, L[1].shift, 8);
    shifts[3] = 63;
    L[1].shift = shifts;
    assert_int_equal(net_check(&bad), NET_ERR_MODEL);
    bad.layer = b.layers;
    bad.n_layers = 0;
    assert_int_equal(net_check(&bad), NET_ERR_MODEL);
    bad.n_layers = NET_MAX_LAYERS + 1;
    assert_int_equal(net_check(&bad), NET_ERR_MODEL);
    assert_string_equal(net_strerror(NET_ERR_ARENA), "arena too small");
    unbuild(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_matches_integer_simulation),
        cmocka_unit_test(test_engine_close_to_float),
        cmocka_unit_test(test_arena_too_small_and_exact),
        cmocka_unit_test(test_pixels_entry_point),
        cmocka_unit_test(test_softmax),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
