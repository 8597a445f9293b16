/* test_net_avr.c - the ATmega's own kernels (src/net_avr.inc: 4-bit 3 x 3
 * dot products on 16-bit sums, the binary layer's 16-bit windows) against
 * the library's engine, bit for bit: net.c is compiled into this test with
 * NET_EMULATE_AVR, which runs those kernels on the host with their one
 * inline-assembly loop written out in C, wrapping on 16 bits as the AVR's
 * add/adc does (the real instructions are checked on the ATmega328P in
 * simavr by tests/mcu_avr.sh). Every shape of test_net_simd.c, plus the
 * extreme the 16-bit bound is about: NET_AVR_W4_CHANNELS input channels of
 * -8 weights on -128 activations. */
#define NET_EMULATE_AVR 1
#define main net_simd_main
#include "test_net_simd.c"
#undef main

/* The bound of net_avr.inc: a nibble times an int8 is at most 1024 in
 * magnitude, so a pass's sums (9 products of NET_AVR_W4_CHANNELS channels)
 * fit int16, and one more channel would not; so do NET_AVR_W4_DOT products
 * of a dense layer. */
static void test_w4_bound(void **state)
{
    (void)state;
    int most = 0;
    for (unsigned v = 0; v < 16u; v++)
        for (int a = -128; a <= 127; a++) {
            const int p = nibble(v) * a;
            if (p > most || -p > most)
                most = p > 0 ? p : -p;
        }
    assert_int_equal(most, 1024);
    assert_true((int)NET_AVR_W4_CHANNELS * 9 * most <= INT16_MAX);
    assert_true(((int)NET_AVR_W4_CHANNELS + 1) * 9 * most > INT16_MAX);
    assert_true((int)NET_AVR_W4_DOT * most <= INT16_MAX); /* the dense layer's sums */
}

/* The extreme itself through the engine: a layer without ReLU whose most
 * negative weights saturate every activation at -128 on an all-ink image,
 * then 4-bit layers of -8 weights over 10, 16 (past a pass) and 6 input
 * channels, pooled (quad) and not (pair). Mode 1 of make_model. */
static void test_w4_extremes(void **state)
{
    (void)state;
    const spec a[] = {{3, 16, 0, 8, 0}, {3, 10, 1, 4, 0}, {3, 6, 0, 4, 0}, {0, 10, 0, 4, 0}};
    const spec b[] = {{3, 10, 1, 8, 0}, {3, 16, 0, 4, 0}, {3, 6, 1, 4, 0}, {0, 10, 0, 4, 0}};
    const spec *archs[] = {a, b};
    for (unsigned i = 0; i < 2u; i++) {
        rand_model r;
        uint8_t bits[NET_IMAGE_BYTES];
        rng_state = 40 + i;
        make_model(&r, archs[i], 4, 1);
        random_image(bits, 1);
        expect_same(&r.m, bits, "most negative weights on all ink", (int)i);
        free_model(&r);
    }
}

/* The AVR's requantization of a ReLU's positive sums against the engine's
 * net_requantize, on every shift 1 .. 31, multipliers from 0 to 65535 and
 * sums at the edges of the 16-bit halves, the saturation and random. */
static void test_requantize_pos(void **state)
{
    (void)state;
    const int32_t mults[] = {0, 1, 2, 3, 255, 256, 4097, 32767, 32768, 65535};
    const int32_t sums[] = {1,     2,     127,      128,     255,     256,           65535,
                            65536, 65537, 0x7FFFFF, 1 << 24, 1 << 30, (1 << 30) - 1, 0x7FFFFFFF};
    rng_state = 99;
    for (unsigned shift = 1; shift <= 31u; shift++) {
        for (unsigned i = 0; i < sizeof mults / sizeof mults[0]; i++)
            for (unsigned j = 0; j < sizeof sums / sizeof sums[0]; j++)
                assert_int_equal(
                    avr_requantize_pos(sums[j], (uint16_t)mults[i], (uint8_t)(shift - 1)),
                    plain_net_requantize(sums[j], mults[i], (uint8_t)shift, 0, 127));
        for (int t = 0; t < 2000; t++) {
            const int32_t acc = (int32_t)(rnd() >> (rnd() % 31)) | 1;
            const int32_t m = (int32_t)(rnd() % 65536);
            assert_int_equal(avr_requantize_pos(acc, (uint16_t)m, (uint8_t)(shift - 1)),
                             plain_net_requantize(acc, m, (uint8_t)shift, 0, 127));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_w4_bound),
        cmocka_unit_test(test_w4_extremes),
        cmocka_unit_test(test_requantize_pos),
    };
    const int failed = cmocka_run_group_tests(tests, NULL, NULL);
    return failed | net_simd_main();
}
