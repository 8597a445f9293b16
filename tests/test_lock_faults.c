/* test_lock_faults.c - the review's findings against the lock (issue 16):
 * two faults must not open a device that had a PIN, a backwards clock step
 * must not end a wait, worn-out flash must lead to recovery, reboots resume
 * a wait at most a quarter longer, a bad digit is fully ignored. Each test
 * failed on the code before its fix. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "util/lock_hal.h"

static test_dev dev;

static lock_view view(void)
{
    lock_view v;
    lock_get_view(&dev.lk, &v);
    return v;
}

static void set_up_locked(const char *pin)
{
    tdev_new(&dev, 7);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(tdev_try(&dev, pin), LOCK_RESULT_CONFIRM);
    assert_int_equal(tdev_try(&dev, pin), LOCK_RESULT_PIN_SET);
    assert_int_equal(lock_lock(&dev.lk), LOCK_RESULT_LOCKED);
}

/* Finding 2: a save erased slot 1 and the power went (slot 1 all 0xFF); later
 * one bit of slot 0 flips. The device had a PIN: it must not open. */
static void test_erased_slot_plus_bit_error_fails_closed(void **state)
{
    (void)state;
    for (int erased = 0; erased < 2; erased++) {
        set_up_locked("2468");
        memset(dev.flash + (uint32_t)erased * TDEV_BLOCK, 0xFF, TDEV_BLOCK);
        dev.flash[(uint32_t)(1 - erased) * TDEV_BLOCK + 40] ^= 0x04; /* a hash bit */
        int rc = tdev_boot(&dev, NULL);
        assert_int_equal(rc, LOCK_ERR_RECOVERY);
        assert_int_equal(view().state, LOCK_RECOVERY);
        assert_false(view().open);
    }
}

/* Finding 2: an erased mirror is rewritten at boot, so the window in which
 * one more fault means recovery closes at the next power-on. */
static void test_erased_mirror_restored_at_boot(void **state)
{
    (void)state;
    for (int erased = 0; erased < 2; erased++) {
        set_up_locked("2468");
        memset(dev.flash + (uint32_t)erased * TDEV_BLOCK, 0xFF, TDEV_BLOCK);
        assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
        assert_int_equal(view().state, LOCK_LOCKED);
        store s;
        store_record r;
        assert_int_equal(store_load(&s, &dev.raw, &r), STORE_OK);
        assert_int_equal(s.slot[0], STORE_SLOT_VALID);
        assert_int_equal(s.slot[1], STORE_SLOT_VALID);
        /* Now a bit error in either slot is harmless. */
        dev.flash[(uint32_t)erased * TDEV_BLOCK + 40] ^= 0x04;
        assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
        assert_int_equal(tdev_try(&dev, "2468"), LOCK_RESULT_UNLOCKED);
    }
}

/* Finding 3: one step backwards is not a 49-day jump forwards. */
static void test_backwards_clock_keeps_wait(void **state)
{
    (void)state;
    set_up_locked("2468");
    lock_tick(&dev.lk, 1000);
    for (int i = 0; i < 5; i++)
        assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_WRONG);
    assert_int_equal(view().wait_ms, 30000u);
    lock_tick(&dev.lk, 999); /* backwards by 1 ms */
    assert_int_equal(view().wait_ms, 30000u);
    lock_tick(&dev.lk, 999u + 0x80000000u); /* exactly 2^31 forwards: also ignored */
    assert_int_equal(view().wait_ms, 30000u);
    lock_tick(&dev.lk, 999u + 0x80000000u + 0x7FFFFFFFu); /* 2^31 - 1 forwards: a real jump */
    assert_int_equal(view().wait_ms, 0u);
    /* The preview timer follows the same rule. */
    tdev_new(&dev, 7);
    lock_config cfg;
    lock_default_config(&cfg);
    assert_int_equal(tdev_boot(&dev, &cfg), LOCK_OK);
    lock_tick(&dev.lk, 5000);
    lock_digit(&dev.lk, 3);
    assert_int_equal(view().preview, 3);
    lock_tick(&dev.lk, 4999);
    assert_int_equal(view().preview, 3);
}

/* Finding 5: flash that no longer programs. The right PIN cannot be counted,
 * so it cannot unlock; the lock must say the storage failed and go to the
 * recovery state, not show a plain error and stay LOCKED. */
static void test_worn_out_flash_leads_to_recovery(void **state)
{
    (void)state;
    set_up_locked("2468");
    dev.fail_prog = 1;
    long kdf = dev.kdf_calls;
    lock_result r = tdev_try(&dev, "2468");
    assert_int_not_equal(r, LOCK_RESULT_UNLOCKED);
    assert_int_equal(dev.kdf_calls, kdf); /* nothing compared */
    lock_view v = view();
    assert_int_equal(v.state, LOCK_RECOVERY);
    assert_true(v.recovery_needed);
    assert_false(v.open);
    assert_true(tdev_log_contains(&dev, "storage"));
    /* A new PIN that cannot be stored on a fresh device: also recovery. */
    tdev_new(&dev, 7);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    dev.fail_prog = 1;
    assert_int_equal(tdev_try(&dev, "1357"), LOCK_RESULT_CONFIRM);
    assert_int_not_equal(tdev_try(&dev, "1357"), LOCK_RESULT_PIN_SET);
    assert_true(view().recovery_needed);
}

/* Finding 6: a reboot resumes a wait at most a quarter above what was left
 * (and at most 1 s above it in the last 4 s), for every wait of the default
 * schedule, with a reboot possible after every tick. */
static void test_reboot_resumes_at_most_a_quarter_more(void **state)
{
    (void)state;
    static const uint32_t waits_s[] = {30, 60, 300};
    for (size_t w = 0; w < sizeof waits_s / sizeof *waits_s; w++) {
        set_up_locked("2468");
        uint32_t t = 0;
        lock_tick(&dev.lk, t);
        uint32_t n = 0;
        while (view().wait_ms < waits_s[w] * 1000u) {
            lock_tick(&dev.lk, t += view().wait_ms);
            assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_WRONG);
            n++;
        }
        assert_int_equal(view().wait_ms, waits_s[w] * 1000u);
        while (view().wait_ms > 0) {
            lock_tick(&dev.lk, t += 250);
            uint32_t left = view().wait_ms;
            store_record r;
            assert_int_equal(tdev_record(&dev, &r), STORE_OK);
            assert_true(r.lockout_ms >= left);
            uint32_t slack = left / 4u > 1000u ? left / 4u : 1000u;
            if (r.lockout_ms - left > slack)
                fail_msg("wait %u s: %u ms left, a reboot resumes at %u ms", waits_s[w], left,
                         r.lockout_ms);
        }
        (void)n;
    }
}

/* Finding 6: a digit out of range in NO_PIN does nothing at all. */
static void test_bad_digit_in_no_pin_ignored(void **state)
{
    (void)state;
    tdev_new(&dev, 7);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(lock_digit(&dev.lk, 42), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_NO_PIN);
    assert_int_equal(lock_digit(&dev.lk, -1), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_NO_PIN);
    assert_int_equal(lock_digit(&dev.lk, 9), LOCK_RESULT_DIGIT);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_ENROLL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erased_slot_plus_bit_error_fails_closed),
        cmocka_unit_test(test_erased_mirror_restored_at_boot),
        cmocka_unit_test(test_backwards_clock_keeps_wait),
        cmocka_unit_test(test_worn_out_flash_leads_to_recovery),
        cmocka_unit_test(test_reboot_resumes_at_most_a_quarter_more),
        cmocka_unit_test(test_bad_digit_in_no_pin_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
