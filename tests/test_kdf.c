/* test_kdf.c - the host Argon2id KDF against known-answer vectors made with an
 * independent implementation (the reference argon2 CLI, Debian package
 * `argon2` 0~20171227), plus the time one verification takes (printed, not
 * asserted). Vectors were made with:
 *   echo -n 1234     | argon2 inkpin-salt-0001 -id -t 3 -k 65536 -p 1 -l 32 -r
 *   echo -n 12345678 | argon2 inkpin-salt-0001 -id -t 3 -k 65536 -p 1 -l 32 -r
 *   echo -n 0000     | argon2 saltsaltsaltsalt -id -t 1 -k 8 -p 1 -l 32 -r
 * (-k is KiB: 65536 KiB = KDF_HOST_MEMLIMIT; 8 KiB = libsodium's minimum). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "platform/kdf.h"

static void hex(uint8_t *out, const char *s)
{
    for (size_t i = 0; i < 32; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static void check(const kdf_params *p, const char *pin, const char *salt, const char *want_hex)
{
    uint8_t want[32], got[32];
    hex(want, want_hex);
    assert_int_equal(kdf_argon2id(p, got, pin, strlen(pin), (const uint8_t *)salt), 0);
    assert_memory_equal(got, want, 32);
}

static void test_host_params_vectors(void **state)
{
    (void)state;
    check(&kdf_host_params, "1234", "inkpin-salt-0001",
          "291e5556e815e9fa7643d072eb3e7640b6af5f7528503ab6a40f9f37a6c32755");
    check(&kdf_host_params, "12345678", "inkpin-salt-0001",
          "29c253838ca481677bb2eb67ba4cee5f7505031edf6b3894dd71f3955a6bd213");
    /* The hal-shaped wrapper uses the same parameters. */
    uint8_t want[32], got[32];
    hex(want, "291e5556e815e9fa7643d072eb3e7640b6af5f7528503ab6a40f9f37a6c32755");
    assert_int_equal(kdf_hal_argon2id(NULL, got, "1234", 4, (const uint8_t *)"inkpin-salt-0001"),
                     0);
    assert_memory_equal(got, want, 32);
}

static void test_min_params_vector(void **state)
{
    (void)state;
    const kdf_params min = {1, 8192};
    check(&min, "0000", "saltsaltsaltsalt",
          "398d903fbe416316ec2eebcab8e402e0afaae2196df1956d94eb61bfae493491");
}

static void test_salt_and_pin_matter(void **state)
{
    (void)state;
    const kdf_params min = {1, 8192};
    uint8_t a[32], b[32];
    assert_int_equal(kdf_argon2id(&min, a, "1234", 4, (const uint8_t *)"inkpin-salt-0001"), 0);
    assert_int_equal(kdf_argon2id(&min, b, "1234", 4, (const uint8_t *)"inkpin-salt-0002"), 0);
    assert_memory_not_equal(a, b, 32);
    assert_int_equal(kdf_argon2id(&min, b, "1235", 4, (const uint8_t *)"inkpin-salt-0001"), 0);
    assert_memory_not_equal(a, b, 32);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    uint8_t h[32];
    const kdf_params too_small = {1, 1024}; /* below libsodium's minimum memory */
    assert_int_equal(kdf_argon2id(&too_small, h, "1234", 4, (const uint8_t *)"inkpin-salt-0001"),
                     -1);
    assert_int_equal(kdf_argon2id(NULL, h, "1234", 4, (const uint8_t *)"inkpin-salt-0001"), -1);
    assert_int_equal(
        kdf_argon2id(&kdf_host_params, h, NULL, 4, (const uint8_t *)"inkpin-salt-0001"), -1);
}

static void test_random(void **state)
{
    (void)state;
    uint8_t a[16] = {0}, b[16] = {0};
    assert_int_equal(kdf_hal_random(NULL, a, sizeof a), 0);
    assert_int_equal(kdf_hal_random(NULL, b, sizeof b), 0);
    assert_memory_not_equal(a, b, sizeof a);
}

/* Where the reference argon2 CLI is installed (scripts/deps.extra), compare
 * with it on many random PINs and salts at minimum cost, and a few at the
 * shipped parameters. Skipped without it (the fixed vectors above remain). */
static void test_cross_check_with_argon2_cli(void **state)
{
    (void)state;
    if (system("command -v argon2 >/dev/null 2>&1") != 0) {
        printf("argon2 CLI not installed: cross-check skipped\n");
        skip();
    }
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    uint32_t x = 2463534242u;
    int checked = 0;
    for (int t = 0; t < 24; t++) {
        char pin[9], salt[17], cmd[256];
        size_t n = 4 + (size_t)(t % 5);
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            pin[i] = (char)('0' + x % 10);
        }
        pin[n] = 0;
        for (size_t i = 0; i < 16; i++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            salt[i] = alnum[x % (sizeof alnum - 1)];
        }
        salt[16] = 0;
        int real = t < 2; /* two at the shipped parameters, the rest at minimum cost */
        kdf_params p = real ? kdf_host_params : (kdf_params){1, 8192};
        snprintf(cmd, sizeof cmd, "printf %%s '%s' | argon2 '%s' -id -t %llu -k %zu -p 1 -l 32 -r",
                 pin, salt, p.opslimit, p.memlimit >> 10);
        FILE *f = popen(cmd, "r");
        assert_non_null(f);
        char line[128] = {0};
        assert_non_null(fgets(line, sizeof line, f));
        assert_int_equal(pclose(f), 0);
        check(&p, pin, salt, line);
        checked++;
    }
    printf("argon2 CLI cross-check: %d random PIN/salt pairs agree\n", checked);
}

/* Prints the cost of one verification with the shipped parameters. */
static void test_print_host_cost(void **state)
{
    (void)state;
    uint8_t h[32];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(kdf_hal_argon2id(NULL, h, "1234", 4, (const uint8_t *)"inkpin-salt-0001"), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("Argon2id t=%llu m=%zu MiB: one verification %.3f s; 10,000 offline guesses %.0f s on "
           "one core\n",
           KDF_HOST_OPSLIMIT, KDF_HOST_MEMLIMIT >> 20, s, s * 10000.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_params_vectors),
        cmocka_unit_test(test_min_params_vector),
        cmocka_unit_test(test_salt_and_pin_matter),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_cross_check_with_argon2_cli),
        cmocka_unit_test(test_print_host_cost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
