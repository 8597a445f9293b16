/* test_lock_ctgrind.c - no branch of the lock depends on the PIN being checked
 * (Monocypher's ctgrind approach with valgrind memcheck).
 *
 * The secret bytes (the digits typed, and everything computed from them: the
 * ASCII PIN, the hash) are marked undefined with VALGRIND_MAKE_MEM_UNDEFINED;
 * memcheck then reports every conditional jump or memory index that depends on
 * them. Results that are public by design are declassified at the one place
 * they become public (LOCK_DECLASSIFY in lock.c: "match or not", and the new
 * hash at the moment it is written to flash).
 *
 * Covered: lock_enter in LOCK_LOCKED (right and wrong PIN: KDF call, constant-
 * time hash comparison, wipes, persisting), in LOCK_CONFIRM (comparing the two
 * entries, hashing and storing the new PIN), and backspace/clear over secret
 * digits; the same through hal->kdf_start and lock_kdf_done with a secret
 * hash. Not covered, by design: lock_digit's range check of the digit as it
 * arrives (the recognizer that produced it already branched on the ink), and
 * the HAL KDF itself - here a branch-free stand-in; Argon2id's second half uses
 * data-dependent memory addressing by design (docs/security.md).
 *
 * How it runs: ctest starts this program normally; it re-executes itself under
 *   valgrind --error-exitcode=99  (mode "ct": must exit 0)
 * and, as a negative control, with declassification switched off (mode
 * "leaky": memcheck must report the now secret-dependent branch on the
 * comparison result, exit 99). Skips (77) without valgrind and in ASan builds.
 * This file includes lock.c itself so that LOCK_DECLASSIFY reaches valgrind. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define HAVE_VALGRIND 1
#endif
#endif

#ifndef HAVE_VALGRIND
int main(void)
{
    fprintf(stderr, "SKIP: valgrind/memcheck.h not installed (Debian package valgrind)\n");
    return 77;
}
#else

extern char **environ;

static int declassify_on = 1;
static void declassify(const void *p, size_t n)
{
    if (declassify_on)
        VALGRIND_MAKE_MEM_DEFINED(p, n);
}
#define LOCK_DECLASSIFY(p, n) declassify((p), (n))
#include "../src/lock.c"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))

/* ---- a small device: RAM flash, branch-free test KDF, fixed random ------- */

static uint8_t flash[2 * 128];
static store_ram ram;

/* A branch-free, index-free mix of PIN and salt into 32 bytes (not a real
 * KDF: a constant-time stand-in so that only the lock's code is on trial). */
static int ct_kdf(void *ctx, uint8_t hash[HAL_KDF_HASH_BYTES], const char *pin, size_t pin_len,
                  const uint8_t salt[HAL_KDF_SALT_BYTES])
{
    (void)ctx;
    uint32_t x[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                     0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    for (size_t i = 0; i < HAL_KDF_SALT_BYTES; i++)
        x[i & 7] ^= (uint32_t)salt[i] << (8 * (i & 3));
    for (size_t i = 0; i < pin_len; i++)
        x[i & 7] += (uint32_t)(uint8_t)pin[i] * 0x9E3779B1u;
    for (int r = 0; r < 16; r++)
        for (int j = 0; j < 8; j++) {
            x[j] += x[(j + 1) & 7];
            x[(j + 3) & 7] ^= (x[j] << 7) | (x[j] >> 25);
        }
    for (int i = 0; i < HAL_KDF_HASH_BYTES; i++)
        hash[i] = (uint8_t)(x[i & 7] >> (8 * ((i >> 3) & 3)));
    return 0;
}

static int fixed_random(void *ctx, uint8_t *buf, size_t n)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(i * 37u + 11u);
    return 0;
}

static hal h;
static lock_ctx lk;

/* The asynchronous HAL: kdf_start keeps the (secret) request, answer()
 * hashes it the way a worker would and hands the secret hash back. */
static char req_pin[LOCK_PIN_MAX];
static size_t req_len;
static uint8_t req_salt[HAL_KDF_SALT_BYTES];

static int ct_kdf_start(void *ctx, const char *pin, size_t pin_len,
                        const uint8_t salt[HAL_KDF_SALT_BYTES])
{
    (void)ctx;
    memcpy(req_pin, pin, pin_len);
    req_len = pin_len;
    memcpy(req_salt, salt, sizeof req_salt);
    return 0;
}

static lock_result answer(void)
{
    uint8_t hash[HAL_KDF_HASH_BYTES];
    ct_kdf(NULL, hash, req_pin, req_len, req_salt);
    SECRET(hash, sizeof hash);
    util_wipe(req_pin, sizeof req_pin);
    return lock_kdf_done(&lk, hash, 0);
}

static void type_secret(const char *digits)
{
    /* The digits arrive defined (see the header); they are secret from here. */
    for (const char *p = digits; *p; p++)
        lock_digit(&lk, *p - '0');
    SECRET(lk.entry, sizeof lk.entry);
}

static int expect(lock_result got, lock_result want, const char *what)
{
    if (got == want)
        return 0;
    fprintf(stderr, "ctgrind: %s: result %d, wanted %d\n", what, (int)got, (int)want);
    return 1;
}

__attribute__((unused)) static int run_scenario(void)
{
    int bad = 0;
    memset(flash, 0xFF, sizeof flash);
    store_ram_init(&h.storage, &ram, flash, 128, 2, 1);
    h.kdf = ct_kdf;
    h.random = fixed_random;
    if (lock_init(&lk, &h, NULL) != LOCK_OK)
        return 1;
    /* Enrollment: first entry, confirmation mismatch, then a match. */
    type_secret("2580");
    SECRET(lk.entry, sizeof lk.entry);
    bad |= expect(lock_enter(&lk), LOCK_RESULT_CONFIRM, "enroll");
    SECRET(lk.pending, sizeof lk.pending);
    type_secret("2581");
    bad |= expect(lock_enter(&lk), LOCK_RESULT_MISMATCH, "confirm mismatch");
    type_secret("2580");
    lock_enter(&lk);
    SECRET(lk.pending, sizeof lk.pending);
    type_secret("2580");
    bad |= expect(lock_enter(&lk), LOCK_RESULT_PIN_SET, "confirm");
    lock_lock(&lk);
    /* Unlock attempts: wrong, then with backspace/clear over secrets, right. */
    type_secret("1111");
    bad |= expect(lock_enter(&lk), LOCK_RESULT_WRONG, "wrong PIN");
    type_secret("9");
    lock_clear(&lk);
    type_secret("2589");
    lock_backspace(&lk);
    lock_digit(&lk, 0);
    SECRET(lk.entry, sizeof lk.entry);
    bad |= expect(lock_enter(&lk), LOCK_RESULT_UNLOCKED, "right PIN");
    /* Change PIN: verify (secret) then a new one. */
    lock_change_pin(&lk);
    type_secret("2580");
    bad |= expect(lock_enter(&lk), LOCK_RESULT_VERIFIED, "verify");
    type_secret("13579");
    lock_enter(&lk);
    SECRET(lk.pending, sizeof lk.pending);
    type_secret("13579");
    bad |= expect(lock_enter(&lk), LOCK_RESULT_PIN_SET, "new PIN");
    /* The same through kdf_start and lock_kdf_done. */
    h.kdf = NULL;
    h.kdf_start = ct_kdf_start;
    lock_lock(&lk);
    type_secret("13570");
    bad |= expect(lock_enter(&lk), LOCK_RESULT_CHECKING, "async wrong PIN sent");
    bad |= expect(answer(), LOCK_RESULT_WRONG, "async wrong PIN");
    type_secret("13579");
    bad |= expect(lock_enter(&lk), LOCK_RESULT_CHECKING, "async right PIN sent");
    bad |= expect(answer(), LOCK_RESULT_UNLOCKED, "async right PIN");
    lock_change_pin(&lk);
    type_secret("13579");
    lock_enter(&lk);
    bad |= expect(answer(), LOCK_RESULT_VERIFIED, "async verify");
    type_secret("4680");
    lock_enter(&lk);
    SECRET(lk.pending, sizeof lk.pending);
    type_secret("4680");
    bad |= expect(lock_enter(&lk), LOCK_RESULT_CHECKING, "async new PIN sent");
    bad |= expect(answer(), LOCK_RESULT_PIN_SET, "async new PIN");
    h.kdf = ct_kdf;
    h.kdf_start = NULL;
    /* The ct primitive alone, on fully secret inputs. */
    uint8_t a[32], b[32];
    memset(a, 1, sizeof a);
    memset(b, 1, sizeof b);
    SECRET(a, sizeof a);
    SECRET(b, sizeof b);
    int eq = util_ct_equal(a, b, sizeof a);
    util_wipe(a, sizeof a);
    declassify(&eq, sizeof eq);
    bad |= eq != 1;
    return bad;
}

/* Runs this program under valgrind in `mode`; returns its exit status, or -1
 * when valgrind cannot be started. */
__attribute__((unused)) static int run_under_valgrind(const char *mode, int quiet)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return -1;
    self[n] = 0;
    char *argv[] = {"valgrind",        "--quiet", "--error-exitcode=99", "--track-origins=yes",
                    "--leak-check=no", self,      (char *)mode,          NULL};
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (quiet) /* the negative control's expected reports would only be noise */
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawnp(&pid, "valgrind", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
#ifdef INKPIN_SANITIZED
    (void)argc;
    (void)argv;
    fprintf(stderr, "SKIP: valgrind does not run ASan binaries\n");
    return 77;
#else
    if (argc == 2 && RUNNING_ON_VALGRIND) {
        declassify_on = strcmp(argv[1], "leaky") != 0;
        return run_scenario();
    }
    int ct = run_under_valgrind("ct", 0);
    if (ct < 0) {
        fprintf(stderr, "SKIP: valgrind not found\n");
        return 77;
    }
    if (ct != 0) {
        fprintf(stderr, "FAIL: secret-dependent branch or wrong result under valgrind (exit %d)\n",
                ct);
        return 1;
    }
    int leaky = run_under_valgrind("leaky", 1);
    if (leaky != 99) {
        fprintf(stderr, "FAIL: negative control not caught (exit %d, wanted 99)\n", leaky);
        return 1;
    }
    printf("ctgrind: lock verification has no secret-dependent branch; "
           "negative control caught (exit %d)\n",
           leaky);
    return 0;
#endif
}
#endif
