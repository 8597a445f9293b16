/* test_util.c - src/util.c against independent references: CRC-32 against
 * zlib's crc32 (whole buffers and in pieces) and the standard check value,
 * little-endian readers/writers against hand-written byte orders and round
 * trips, the wipe, and the constant-time comparison against memcmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "inkpin/util.h"

static uint32_t rng_state = 0x12345678u;

static uint32_t rng(void) /* xorshift32 */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void test_crc32_matches_zlib(void **state)
{
    (void)state;
    static uint8_t buf[4096];
    assert_int_equal(util_crc32(0, (const uint8_t *)"123456789", 9), 0xCBF43926u);
    assert_int_equal(util_crc32(0, buf, 0), 0u);
    assert_int_equal(util_crc32(0x1234u, buf, 0), 0x1234u); /* nothing fed: unchanged, as zlib */
    for (int trial = 0; trial < 200; trial++) {
        size_t n = rng() % sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)rng();
        uLong want = crc32(0L, buf, (uInt)n);
        assert_int_equal(util_crc32(0, buf, n), (uint32_t)want);
        /* fed in two pieces, as zlib allows */
        size_t cut = n ? rng() % n : 0;
        assert_int_equal(util_crc32(util_crc32(0, buf, cut), buf + cut, n - cut), (uint32_t)want);
    }
}

static void test_le_known_bytes_and_round_trips(void **state)
{
    (void)state;
    uint8_t b[4];
    util_put_le16(b, 0xBEEFu);
    assert_int_equal(b[0], 0xEF);
    assert_int_equal(b[1], 0xBE);
    util_put_le32(b, 0x01020304u);
    assert_int_equal(b[0], 0x04);
    assert_int_equal(b[1], 0x03);
    assert_int_equal(b[2], 0x02);
    assert_int_equal(b[3], 0x01);
    const uint8_t top[4] = {0xFF, 0xFE, 0x80, 0xF0};
    assert_int_equal(util_get_le16(top), 0xFEFFu);
    assert_int_equal(util_get_le32(top), 0xF080FEFFu);
    for (int i = 0; i < 1000; i++) {
        uint32_t v = rng();
        uint8_t w[6] = {0xAA, 0, 0, 0, 0, 0xAA};
        util_put_le32(w + 1, v);
        assert_int_equal(util_get_le32(w + 1), v);
        assert_int_equal(w[0], 0xAA); /* nothing written outside */
        assert_int_equal(w[5], 0xAA);
        util_put_le16(w + 1, (uint16_t)v);
        assert_int_equal(util_get_le16(w + 1), (uint16_t)v);
        assert_int_equal(w[3], (uint8_t)(v >> 16)); /* le16 leaves byte 2 alone */
    }
}

static void test_wipe(void **state)
{
    (void)state;
    uint8_t b[40];
    memset(b, 0x5A, sizeof b);
    util_wipe(b + 4, 32);
    for (size_t i = 0; i < sizeof b; i++)
        assert_int_equal(b[i], i >= 4 && i < 36 ? 0 : 0x5A);
    util_wipe(b, 0); /* nothing */
    assert_int_equal(b[0], 0x5A);
}

static void test_ct_equal(void **state)
{
    (void)state;
    uint8_t a[32], b[32];
    for (size_t i = 0; i < sizeof a; i++)
        a[i] = b[i] = (uint8_t)rng();
    assert_int_equal(util_ct_equal(a, b, sizeof a), 1);
    assert_int_equal(util_ct_equal(a, b, 0), 1);
    for (size_t i = 0; i < sizeof a; i++)
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1u << bit);
            assert_int_equal(util_ct_equal(a, b, sizeof a), 0);
            assert_int_equal(util_ct_equal(a, b, i), 1); /* the prefix still agrees */
            b[i] ^= (uint8_t)(1u << bit);
        }
    for (int trial = 0; trial < 1000; trial++) {
        size_t n = rng() % 5;
        for (size_t i = 0; i < n; i++) {
            a[i] = (uint8_t)(rng() % 3);
            b[i] = (uint8_t)(rng() % 3);
        }
        assert_int_equal(util_ct_equal(a, b, n), memcmp(a, b, n) == 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32_matches_zlib),
        cmocka_unit_test(test_le_known_bytes_and_round_trips),
        cmocka_unit_test(test_wipe),
        cmocka_unit_test(test_ct_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
