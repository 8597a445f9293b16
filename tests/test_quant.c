/* test_quant.c - the float->int conversions (quant_multiplier, quant_round)
 * and the engine's requantization (net_requantize) against exact references,
 * with rounding and saturation edge cases; the zero-range channel guard. */
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

/* Exact reference: acc*mult is < 2^62 in magnitude, exact in __int128; the
 * quotient is rounded half away from zero by comparing twice the remainder. */
static int64_t ref_requant(int32_t acc, int32_t mult, int shift)
{
    __int128 p = (__int128)acc * mult;
    int neg = p < 0;
    __int128 a = neg ? -p : p;
    __int128 q = a >> shift, rem = a - (q << shift);
    if (shift > 0 && 2 * rem >= ((__int128)1 << shift))
        q++;
    return (int64_t)(neg ? -q : q);
}

static int32_t clamp64(int64_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : (int32_t)v;
}

static void test_requantize_edges(void **state)
{
    (void)state;
    /* exact halves round away from zero */
    assert_int_equal(net_requantize(3, 1, 1, -128, 127), 2);   /* 1.5 */
    assert_int_equal(net_requantize(-3, 1, 1, -128, 127), -2); /* -1.5 */
    assert_int_equal(net_requantize(1, 1, 1, -128, 127), 1);   /* 0.5 */
    assert_int_equal(net_requantize(-1, 1, 1, -128, 127), -1); /* -0.5 */
    assert_int_equal(net_requantize(5, 1, 2, -128, 127), 1);   /* 1.25 */
    assert_int_equal(net_requantize(-5, 1, 2, -128, 127), -1);
    assert_int_equal(net_requantize(7, 1, 2, -128, 127), 2); /* 1.75 */
    /* saturation */
    assert_int_equal(net_requantize(1000, 1, 0, -128, 127), 127);
    assert_int_equal(net_requantize(-1000, 1, 0, -128, 127), -128);
    assert_int_equal(net_requantize(INT32_MAX, INT32_MAX, 0, -128, 127), 127);
    assert_int_equal(net_requantize(INT32_MIN, INT32_MAX, 0, -128, 127), -128);
    assert_int_equal(net_requantize(INT32_MIN, INT32_MAX, 0, INT32_MIN, INT32_MAX), INT32_MIN);
    assert_int_equal(net_requantize(INT32_MAX, INT32_MAX, 62, -128, 127), 1); /* ~0.9999999995 */
    assert_int_equal(net_requantize(INT32_MIN, INT32_MAX, 62, -128, 127), -1);
    /* ReLU by the lower bound */
    assert_int_equal(net_requantize(-500, 1 << 30, 31, 0, 127), 0);
    /* zero multiplier (an all-zero channel with zero scale) */
    assert_int_equal(net_requantize(123456, 0, 0, -128, 127), 0);
    /* a ReLU's negative half and zero give lo without the product */
    assert_int_equal(net_requantize(-5, 100, 3, 0, 127), 0);
    assert_int_equal(net_requantize(0, 100, 3, 0, 127), 0);
    assert_int_equal(net_requantize(-5, 100, 3, 5, 127), 5);
    assert_int_equal(net_requantize(-5, 1, 0, 10, 3), 10); /* lo > hi: as before */
    assert_int_equal(net_requantize(0, 1, 0, 10, 3), 10);
    assert_int_equal(net_requantize(-5, -1, 0, 0, 127), 5); /* a negative multiplier */
    /* shifts past 62 are clamped, not undefined */
    assert_int_equal(net_requantize(INT32_MAX, INT32_MAX, 200, -128, 127), 1);
}

/* net_requantize(acc, mult, shift, lo, hi) equals the exact reference (shifts
 * past 62 clamped, as the engine does). */
static void expect_requant(int32_t acc, int32_t mult, int shift, int32_t lo, int32_t hi)
{
    int32_t want = clamp64(ref_requant(acc, mult, shift > 62 ? 62 : shift), lo, hi);
    int32_t got = net_requantize(acc, mult, (uint8_t)shift, lo, hi);
    if (got != want)
        fail_msg("acc %d mult %d shift %d: got %d want %d", acc, mult, shift, got, want);
}

static void test_requantize_random(void **state)
{
    (void)state;
    tn_rng r = {123};
    for (int i = 0; i < 2000000; i++) {
        int32_t acc = (int32_t)(tn_next(&r) ^ (tn_next(&r) << 16));
        if (i % 4 == 0)
            acc >>= tn_next(&r) % 31; /* small accumulators too */
        int32_t mult = (int32_t)((tn_next(&r) | (tn_next(&r) << 16)) & 0x7FFFFFFF);
        int shift = (int)(tn_next(&r) % 63);
        int32_t lo = i % 3 == 0 ? 0 : -128, hi = 127;
        if (i % 5 == 0)
            lo = -(1 << 24), hi = 1 << 24;
        expect_requant(acc, mult, shift, lo, hi);
    }
}

/* The exporter's multipliers are 16-bit (on the AVR net_requantize takes
 * them in 32-bit pieces: tests/test_quant16.c): every shift, both clamps,
 * extreme accumulators and multipliers. */
static void test_requantize_mult16(void **state)
{
    (void)state;
    tn_rng r = {321};
    static const int32_t accs[] = {
        INT32_MIN, INT32_MIN + 1, -65537, -65536, -65535,        -32769,   -1, 0,
        1,         65535,         65536,  65537,  INT32_MAX - 1, INT32_MAX};
    static const int32_t mults[] = {0, 1, 2, 16384, 32767, 32768, 65534, 65535};
    for (unsigned a = 0; a < sizeof accs / sizeof accs[0]; a++)
        for (unsigned m = 0; m < sizeof mults / sizeof mults[0]; m++)
            for (int shift = 0; shift <= 63; shift++)
                expect_requant(accs[a], mults[m], shift, INT32_MIN, INT32_MAX);
    for (int i = 0; i < 2000000; i++) {
        int32_t acc = (int32_t)(tn_next(&r) ^ (tn_next(&r) << 16));
        if (i % 3 == 0)
            acc >>= tn_next(&r) % 31;
        int32_t mult = (int32_t)(tn_next(&r) & 0xFFFF);
        int shift = (int)(tn_next(&r) % 63);
        int32_t lo = i % 2 ? INT32_MIN : -128, hi = i % 2 ? INT32_MAX : 127;
        if (i % 5 == 0)
            lo = -(1 << 24), hi = 1 << 24;
        expect_requant(acc, mult, shift, lo, hi);
    }
}

static void test_round(void **state)
{
    (void)state;
    assert_int_equal(quant_round(2.5, -127, 127), 3);
    assert_int_equal(quant_round(-2.5, -127, 127), -3);
    assert_int_equal(quant_round(2.4999, -127, 127), 2);
    assert_int_equal(quant_round(-0.5, -127, 127), -1);
    assert_int_equal(quant_round(0.49, -127, 127), 0);
    assert_int_equal(quant_round(300.0, -127, 127), 127);
    assert_int_equal(quant_round(-300.0, -127, 127), -127);
    assert_int_equal(quant_round(1e300, -127, 127), 127);
    assert_int_equal(quant_round(NAN, -127, 127), 0);
    assert_int_equal(quant_round(-INFINITY, -(1 << 30), 1 << 30), -(1 << 30));
}

static void test_multiplier(void **state)
{
    (void)state;
    uint16_t m;
    uint8_t s;
    tn_rng r = {77};
    assert_int_equal(quant_multiplier(0.0, &m, &s), 0);
    assert_int_equal(m, 0);
    assert_int_equal(s, 0);
    assert_int_equal(quant_multiplier(-1e-3, &m, &s), -1);
    assert_int_equal(quant_multiplier(NAN, &m, &s), -1);
    assert_int_equal(quant_multiplier(INFINITY, &m, &s), -1);
    assert_int_equal(quant_multiplier(32768.0, &m, &s), -1);
    assert_int_equal(quant_multiplier(32767.9999, &m, &s), -1); /* rounds up to 2^15 */
    assert_int_equal(quant_multiplier(32767.0, &m, &s), 0);
    assert_int_equal(m, 32767);
    assert_int_equal(s, 0);
    /* 1 - 2^-20 rounds the mantissa up to 2^15: must renormalise, not overflow */
    assert_int_equal(quant_multiplier(1.0 - ldexp(1, -20), &m, &s), 0);
    assert_int_equal(m, 1 << 14);
    assert_int_equal(s, 14);
    assert_int_equal(quant_multiplier(1.0, &m, &s), 0);
    assert_int_equal(m, 1 << 14);
    assert_int_equal(s, 14);
    assert_int_equal(quant_multiplier(0.75, &m, &s), 0);
    assert_int_equal(m, 3 << 13);
    assert_int_equal(s, 15);
    /* tiny multipliers keep the largest shift */
    assert_int_equal(quant_multiplier(ldexp(1, -56), &m, &s), 0);
    assert_int_equal(s, NET_MAX_SHIFT);
    assert_int_equal(m, 1 << 6);
    assert_int_equal(quant_multiplier(ldexp(1, -70), &m, &s), 0);
    assert_int_equal(m, 0);
    for (int i = 0; i < 200000; i++) {
        double real = ldexp(0.5 + 0.5 * tn_uniform(&r), (int)(tn_next(&r) % 55) - 40);
        assert_int_equal(quant_multiplier(real, &m, &s), 0);
        assert_true(m >= (1 << 14) && m < (1 << 15));
        assert_true(s <= NET_MAX_SHIFT);
        double back = ldexp((double)m, -(int)s);
        assert_true(fabs(back - real) <= real * ldexp(1, -15)); /* within half an ulp of Q15 */
        /* the integer requantization then matches round(acc * real) to within 1 */
        int32_t acc = (int32_t)(tn_next(&r) % 200001) - 100000;
        double want = acc * real;
        int32_t got = net_requantize(acc, m, s, INT32_MIN, INT32_MAX);
        if (fabs(want) < 1e9)
            assert_true(fabs(got - want) <= 0.5 + fabs(want) * ldexp(1, -14));
    }
}

static void test_zero_range_channel(void **state)
{
    (void)state;
    float zeros[9] = {0};
    float w[9] = {0.5f, -1.27f, 0, 0, 0, 0, 0, 0, 0.1f};
    assert_true(quant_weight_scale(zeros, 9) == 1.0f);
    assert_true(fabsf(quant_weight_scale(w, 9) - 0.01f) < 1e-7f);
    /* a model whose conv channel 1 and dense unit 3 have all-zero weights:
     * quantization stays finite and the engine gives exactly requant(bias) */
    static const tn_spec spec[] = {{MODEL_CONV, 3, 3, 1, 1, 0}, {MODEL_DENSE, 0, 10, 0, 0, 0}};
    tn_rng r = {31};
    float_model fm;
    tn_model(&fm, spec, 2, &r);
    memset(fm.layer[0].w + 9, 0, 9 * sizeof(float));
    fm.layer[0].b[1] = 0.3f;
    int fan = fm.layer[1].in_c * fm.layer[1].in_h * fm.layer[1].in_w;
    memset(fm.layer[1].w + 3 * fan, 0, (size_t)fan * sizeof(float));
    fm.layer[1].b[3] = -0.7f;
    uint8_t calib[784 * 50];
    for (int i = 0; i < 50; i++)
        tn_image(calib + 784 * i, &r);
    float act[MODEL_MAX_LAYERS];
    quant_calibrate(&fm, calib, 50, act);
    quant_model q;
    inkpin_diag d = {{0}};
    assert_int_equal(quant_build(&q, &fm, act, &d), 0);
    assert_true(q.layer[0].s_w[1] == 1.0f);
    for (int i = 0; i < 9; i++)
        assert_int_equal(q.layer[0].w[9 + i], 0);
    assert_true(q.layer[1].mult[3] > 0 && q.layer[1].mult16[3] == q.layer[1].mult[3]);
    net_model m;
    net_layer L[NET_MAX_LAYERS];
    quant_as_net(&q, &m, L);
    size_t need = net_arena_bytes(&m);
    uint8_t *arena = malloc(need);
    uint8_t bits[98];
    net_result res;
    tn_pack(bits, calib);
    assert_int_equal(net_run(&m, bits, arena, need, &res), NET_OK);
    /* logit 3 = bias only: -0.7 nats = round(-0.7 * 1024) = -717 up to bias rounding */
    assert_true(abs(res.logits[3] + 717) <= 1);
    free(arena);
    quant_free(&q);
    tn_free(&fm);
}

static void test_bad_float_models(void **state)
{
    (void)state;
    static const tn_spec spec[] = {{MODEL_CONV, 3, 3, 1, 1, 0}, {MODEL_DENSE, 0, 10, 0, 0, 0}};
    tn_rng r = {32};
    float_model fm;
    inkpin_diag d = {{0}};
    float act[MODEL_MAX_LAYERS] = {1, 1};
    quant_model q;
    tn_model(&fm, spec, 2, &r);
    fm.layer[1].in_c = 4;
    assert_int_equal(quant_build(&q, &fm, act, &d), -1);
    assert_non_null(strstr(d.msg, "layer 1"));
    fm.layer[1].in_c = 3;
    fm.layer[1].relu = 1;
    assert_int_equal(quant_build(&q, &fm, act, &d), -1);
    fm.layer[1].relu = 0;
    fm.layer[0].b[0] = 1e12f; /* does not fit the accumulator */
    assert_int_equal(quant_build(&q, &fm, act, &d), -1);
    assert_non_null(strstr(d.msg, "bias"));
    tn_free(&fm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requantize_edges),  cmocka_unit_test(test_requantize_random),
        cmocka_unit_test(test_requantize_mult16), cmocka_unit_test(test_round),
        cmocka_unit_test(test_multiplier),        cmocka_unit_test(test_zero_range_channel),
        cmocka_unit_test(test_bad_float_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
