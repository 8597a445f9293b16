/* test_lock_powerloss.c - cut the power after the Nth flash program/erase, for
 * N = 1, 2, ... until the scenario completes, in two ways (the Nth operation
 * fully applied, or torn: half applied, one byte's bits partly programmed),
 * with 1- and 8-byte program granularity, for: first boot, enrollment, PIN
 * change, PIN removal, a wrong attempt, a successful unlock, a wipe, and a
 * running lockout countdown. After every cut the device reboots and must:
 *   - boot without needing recovery, into LOCK_LOCKED or LOCK_NO_PIN, never open
 *     while a PIN is stored;
 *   - hold the old PIN or the new one (checked by hashing, not by trying);
 *   - never have a smaller failure counter than before, except 0 after the
 *     correct PIN was entered; never a shorter wait than the counter implies;
 *   - still work: the stored PIN unlocks it once the wait has run out.
 * Prints the number of cut points exercised. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "util/lock_hal.h"

static test_dev dev;
static long total_cuts;

typedef struct scenario {
    const char *name;
    void (*setup)(void);    /* brings the device to the "before" state, no cuts */
    void (*body)(void);     /* the operation that may be cut */
    const char *old_pin;    /* NULL: no PIN before */
    const char *new_pin;    /* NULL: no PIN after; may equal old_pin */
    uint32_t failed_before; /* counter before the body */
    bool may_reset;         /* the body enters the correct PIN: 0 is allowed */
    bool check_wait;        /* the body counts down a wait: it never grows back */
    bool torn_first_write;  /* the body writes the very first record: a torn slot 0 beside an
                             * erased slot 1 is indistinguishable from a damaged device
                             * (store.h), so recovery is allowed (no PIN existed yet) */
} scenario;

static lock_config cfg;

static void boot(void)
{
    assert_int_equal(tdev_boot(&dev, &cfg), LOCK_OK);
}

static uint32_t prog_size = 1; /* the suite runs with 1- and 8-byte programming */
static int flip_too = 1;       /* after each cut, also flip a bit in either slot */

static void fresh(void)
{
    tdev_new(&dev, 42);
    tdev_set_prog_size(&dev, prog_size);
    lock_default_config(&cfg);
}

static void set_pin(const char *pin)
{
    assert_int_equal(tdev_try(&dev, pin), LOCK_RESULT_CONFIRM);
    assert_int_equal(tdev_try(&dev, pin), LOCK_RESULT_PIN_SET);
}

static void wrong_attempts(int n)
{
    for (int i = 0; i < n; i++)
        assert_int_equal(tdev_try(&dev, "9999"), LOCK_RESULT_WRONG);
}

/* ---- scenarios ---------------------------------------------------------- */

static void setup_nothing(void)
{
    fresh();
}
static void body_first_boot(void)
{
    boot();
}

static void setup_fresh_booted(void)
{
    fresh();
    boot();
}
static void body_enroll(void)
{
    set_pin("1234");
}

static void setup_unlocked_1111(void)
{
    fresh();
    boot();
    set_pin("1111");
}
static void body_change(void)
{
    assert_int_equal(lock_change_pin(&dev.lk), LOCK_RESULT_STARTED);
    assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_VERIFIED);
    set_pin("22222");
}
static void body_remove(void)
{
    assert_int_equal(lock_remove_pin(&dev.lk), LOCK_RESULT_STARTED);
    assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_PIN_REMOVED);
}

static void setup_locked_4_failures(void)
{
    setup_unlocked_1111();
    lock_lock(&dev.lk);
    wrong_attempts(4);
}
static void body_wrong(void)
{
    assert_int_equal(tdev_try(&dev, "5555"), LOCK_RESULT_WRONG); /* 5th: 30 s wait */
}
static void body_right(void)
{
    assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_UNLOCKED);
}

static void setup_wipe_next(void)
{
    fresh();
    cfg.schedule.wipe_after = 3;
    boot();
    set_pin("1111");
    lock_lock(&dev.lk);
    wrong_attempts(2);
}
static void body_wipe(void)
{
    assert_int_equal(tdev_try(&dev, "5555"), LOCK_RESULT_WIPED);
}

static void setup_waiting(void)
{
    setup_unlocked_1111();
    lock_lock(&dev.lk);
    lock_tick(&dev.lk, 0);
    wrong_attempts(5); /* 5th wait 30 s: at 4 free attempts */
    lock_tick(&dev.lk, 30000);
    wrong_attempts(1); /* 6th failure: 60 s */
    assert_int_equal(dev.lk.rec.lockout_ms, 60000u);
}
static uint32_t clock_ms;
static void body_countdown(void)
{
    clock_ms = 30000;
    for (int i = 0; i < 60; i++) {
        clock_ms += 1000;
        lock_tick(&dev.lk, clock_ms);
    }
    assert_int_equal(dev.lk.rec.lockout_ms, 0u);
}

static const scenario scenarios[] = {
    {"first boot", setup_nothing, body_first_boot, NULL, NULL, 0, false, false, true},
    {"enrollment", setup_fresh_booted, body_enroll, NULL, "1234", 0, false, false, false},
    {"PIN change", setup_unlocked_1111, body_change, "1111", "22222", 0, true, false, false},
    {"PIN removal", setup_unlocked_1111, body_remove, "1111", NULL, 0, true, false, false},
    {"wrong attempt", setup_locked_4_failures, body_wrong, "1111", "1111", 4, false, false, false},
    {"successful unlock", setup_locked_4_failures, body_right, "1111", "1111", 4, true, false,
     false},
    {"wipe at the limit", setup_wipe_next, body_wipe, "1111", NULL, 2, false, false, false},
    {"lockout countdown", setup_waiting, body_countdown, "1111", "1111", 6, false, true, false},
};

/* ---- checks after a cut --------------------------------------------------- */

/* The checks return the failed condition (NULL if all hold) so that the
 * negative control below can show the harness catches a broken store. */
#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            return #c;                                                                             \
    } while (0)

static const char *unlock_with(const char *pin)
{
    /* Sit out any wait, then the stored PIN must open the device. */
    uint32_t t = 1u << 30;
    lock_tick(&dev.lk, t);
    lock_tick(&dev.lk, t + dev.lk.rec.lockout_ms);
    CHECK(dev.lk.rec.lockout_ms == 0u);
    CHECK(tdev_try(&dev, pin) == LOCK_RESULT_UNLOCKED);
    return NULL;
}

static const char *check_after_cut(const scenario *sc, uint32_t wait_before_cut)
{
    store_record r;
    store st;
    int before = store_load(&st, &dev.h.storage, &r); /* through the device's own wiring */
    int rc = tdev_boot(&dev, &cfg);
    lock_view v;
    lock_get_view(&dev.lk, &v);
    CHECK(dev.door == 0); /* the door output is off after a cut in any state */
    if (sc->torn_first_write && before == STORE_ERR_CORRUPT) {
        CHECK(rc == LOCK_ERR_RECOVERY && v.state == LOCK_RECOVERY);
        return NULL;
    }
    CHECK(rc == LOCK_OK); /* otherwise a power cut alone never needs recovery */
    int src = store_load(&st, &dev.h.storage, &r);
    if (sc->old_pin == NULL && src == STORE_ERR_EMPTY) { /* cut before the first write */
        CHECK(v.state == LOCK_NO_PIN);
        return NULL;
    }
    CHECK(src == STORE_OK);
    if (!r.has_pin) {
        /* Only allowed if the scenario starts or ends without a PIN. */
        CHECK(sc->old_pin == NULL || sc->new_pin == NULL);
        CHECK(v.state == LOCK_NO_PIN);
        return NULL;
    }
    /* A PIN is stored: locked, and it is the old or the new one. */
    CHECK(v.state == LOCK_LOCKED);
    CHECK(!v.open);
    bool old_ok = sc->old_pin && tdev_record_is_pin(&dev, &r, sc->old_pin);
    bool new_ok = sc->new_pin && tdev_record_is_pin(&dev, &r, sc->new_pin);
    CHECK(old_ok || new_ok);
    /* The counter never goes down, except to 0 after the correct PIN. */
    uint32_t f = r.failed_attempts;
    CHECK((sc->may_reset && f == 0) || f >= sc->failed_before);
    CHECK(f <= sc->failed_before + 1);
    /* A counter that went up carries its wait with it. */
    CHECK(sc->check_wait || f != sc->failed_before + 1 ||
          r.lockout_ms == lock_delay_s(&cfg.schedule, f) * 1000u);
    /* A countdown resumes at least where it was. */
    CHECK(!sc->check_wait || r.lockout_ms >= wait_before_cut);
    return unlock_with(old_ok ? sc->old_pin : sc->new_pin);
}

/* After the cut, one bit of slot `slot` flips while the power is off (the
 * second fault). The device may then need recovery, but if it boots it is
 * locked with the old or the new PIN, or has no PIN only where the scenario
 * starts or ends without one: never open where a PIN was set. */
static const char *check_after_cut_and_flip(const scenario *sc, int slot, long n)
{
    uint32_t bit = (uint32_t)((n * 131 + slot * 61) % (STORE_RECORD_BYTES * 8));
    dev.flash[(uint32_t)slot * TDEV_BLOCK + bit / 8] ^= (uint8_t)(1u << (bit % 8));
    int rc = tdev_boot(&dev, &cfg);
    lock_view v;
    lock_get_view(&dev.lk, &v);
    if (v.state == LOCK_RECOVERY) {
        CHECK(rc != LOCK_OK && !v.open);
        return NULL;
    }
    CHECK(rc == LOCK_OK);
    if (v.state == LOCK_NO_PIN) {
        CHECK(sc->old_pin == NULL || sc->new_pin == NULL);
        return NULL;
    }
    CHECK(v.state == LOCK_LOCKED && !v.open);
    store_record r = dev.lk.rec;
    bool old_ok = sc->old_pin && tdev_record_is_pin(&dev, &r, sc->old_pin);
    bool new_ok = sc->new_pin && tdev_record_is_pin(&dev, &r, sc->new_pin);
    CHECK(old_ok || new_ok);
    return unlock_with(old_ok ? sc->old_pin : sc->new_pin);
}

/* Runs every cut point of a scenario; returns the number of cuts, and the
 * number of failed checks in *failures (printing the first). */
static long run_scenario(const scenario *sc, long *failures)
{
    volatile long cuts = 0; /* volatile: live across longjmp */
    *failures = 0;
    for (volatile int torn = 0; torn <= 1; torn++) {
        for (volatile long n = 1;; n++) {
            jmp_buf env;
            int single = dev.single_slot;
            sc->setup();
            dev.single_slot = single;
            dev.cut_env = &env;
            tdev_cut_after(&dev, n, torn);
            if (setjmp(env) == 0) {
                sc->body();
                tdev_cut_after(&dev, 0, 0);
                break; /* completed before the Nth operation: all cut points done */
            }
            /* Power was cut. The countdown's true remaining wait at the cut: */
            uint32_t wait_true = dev.lk.rec.lockout_ms;
            cuts++;
            uint8_t at_cut[sizeof dev.flash];
            memcpy(at_cut, dev.flash, sizeof at_cut);
            const char *why = check_after_cut(sc, wait_true);
            if (why && (*failures)++ == 0)
                printf("  %s: cut after op %ld (%s): %s\n", sc->name, n, torn ? "torn" : "whole",
                       why);
            for (int slot = 0; slot < 2 && flip_too; slot++) {
                memcpy(dev.flash, at_cut, sizeof at_cut);
                why = check_after_cut_and_flip(sc, slot, n);
                if (why && (*failures)++ == 0)
                    printf("  %s: cut after op %ld (%s), bit flip in slot %d: %s\n", sc->name, n,
                           torn ? "torn" : "whole", slot, why);
            }
        }
    }
    return cuts;
}

static void test_power_loss(void **state)
{
    (void)state;
    static const uint32_t prog_sizes[] = {1, 8};
    /* Both KDF kinds: with kdf_start the attempt's writes happen in lock_enter
     * and the success's in lock_kdf_done; every one of them is cut. */
    for (int async = 0; async <= 1; async++) {
        dev.async_kdf = async;
        for (size_t p = 0; p < 2; p++) {
            prog_size = prog_sizes[p];
            for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++) {
                long failures;
                long cuts = run_scenario(&scenarios[i], &failures);
                printf("power-loss %s KDF, prog %u B, %-18s %4ld cut points\n",
                       async ? "async" : "sync ", prog_size, scenarios[i].name, cuts);
                assert_int_equal(failures, 0);
                assert_true(cuts >= 2);
                total_cuts += cuts;
            }
        }
    }
    dev.async_kdf = 0;
    prog_size = 1;
    printf(
        "power-loss: %ld cut points exercised in %zu scenarios x 2 program sizes x 2 KDF kinds\n",
        total_cuts, sizeof scenarios / sizeof *scenarios);
}

/* Negative control: the same harness over a store squeezed into one slot
 * (both slot indices map to block 0, so every write overwrites the only
 * record in place) must find cut points that lose the record. */
static void test_harness_catches_single_slot_store(void **state)
{
    (void)state;
    long failures;
    dev.single_slot = 1;
    flip_too = 0;
    long cuts = run_scenario(&scenarios[4] /* wrong attempt */, &failures);
    dev.single_slot = 0;
    flip_too = 1;
    printf("negative control (one slot): %ld of %ld cut points caught\n", failures, cuts);
    assert_true(failures > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_power_loss),
        cmocka_unit_test(test_harness_catches_single_slot_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
