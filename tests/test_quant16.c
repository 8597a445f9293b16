/* test_quant16.c - the 8-bit cores' requantization (src/net.c's
 * requantize16: a 16-bit multiplier in 32-bit pieces, taken on the AVR)
 * against the library's 64-bit net_requantize (itself checked against an
 * exact 128-bit reference in test_quant.c): net.c is compiled into this test
 * with NET_REQUANT16 and its public names prefixed. Every shift 0..63 with
 * extreme accumulators and multipliers, then 4,000,000 random cases. */
#define NET_REQUANT16 1
#define net_run r16_net_run
#define net_run_pixels r16_net_run_pixels
#define net_pack r16_net_pack
#define net_check r16_net_check
#define net_arena_bytes r16_net_arena_bytes
#define net_requantize r16_net_requantize
#define net_softmax r16_net_softmax
#define net_strerror r16_net_strerror
#define net_model_from_blob r16_net_model_from_blob
#include "../src/net.c"
#undef net_requantize

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>

#include <cmocka.h>

#include "util/net_models.h"

/* The library's (64-bit) requantization. */
int32_t net_requantize(int32_t acc, int32_t mult, uint8_t shift, int32_t lo, int32_t hi);

static void check(int32_t acc, int32_t mult, int shift, int32_t lo, int32_t hi)
{
    const int32_t want = net_requantize(acc, mult, (uint8_t)shift, lo, hi);
    const int32_t got = r16_net_requantize(acc, mult, (uint8_t)shift, lo, hi);
    if (got != want)
        fail_msg("acc %d mult %d shift %d [%d, %d]: got %d want %d", acc, mult, shift, lo, hi, got,
                 want);
}

static void test_edges(void **state)
{
    static const int32_t accs[] = {
        INT32_MIN, INT32_MIN + 1, -65537, -65536, -65535, -32769, -32768,        -32767,   -1, 0,
        1,         32767,         32768,  65535,  65536,  65537,  INT32_MAX - 1, INT32_MAX};
    static const int32_t mults[] = {0, 1, 2, 3, 16384, 32767, 32768, 65534, 65535, 65536, -1};
    (void)state;
    for (unsigned a = 0; a < sizeof accs / sizeof accs[0]; a++)
        for (unsigned m = 0; m < sizeof mults / sizeof mults[0]; m++)
            for (int shift = 0; shift <= 63; shift++) {
                check(accs[a], mults[m], shift, INT32_MIN, INT32_MAX);
                check(accs[a], mults[m], shift, -128, 127);
                check(accs[a], mults[m], shift, 0, 127);
            }
}

static void test_random(void **state)
{
    tn_rng r = {77};
    (void)state;
    for (int i = 0; i < 4000000; i++) {
        int32_t acc = (int32_t)(tn_next(&r) ^ (tn_next(&r) << 16));
        if (i % 3 == 0)
            acc >>= tn_next(&r) % 31; /* small accumulators too */
        const int32_t mult = (int32_t)(tn_next(&r) & 0xFFFF);
        const int shift = (int)(tn_next(&r) % 63);
        if (i % 2)
            check(acc, mult, shift, INT32_MIN, INT32_MAX);
        else if (i % 5 == 0)
            check(acc, mult, shift, -(1 << 24), 1 << 24);
        else
            check(acc, mult, shift, -128, 127);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
