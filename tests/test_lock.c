/* test_lock.c - every transition of the PIN lock, the backoff schedule, the
 * digit preview, the log, wipe, and one run with the real Argon2id parameters. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "platform/kdf.h"
#include "util/lock_hal.h"

static test_dev dev; /* big: keep it off the stack */

static lock_view view(void)
{
    lock_view v;
    lock_get_view(&dev.lk, &v);
    return v;
}

/* Fresh device -> PIN set (unlocked) -> locked. */
static void set_up_locked(const char *pin, const lock_config *cfg)
{
    tdev_new(&dev, 1);
    assert_int_equal(tdev_boot(&dev, cfg), LOCK_OK);
    assert_int_equal(tdev_try(&dev, pin), LOCK_RESULT_CONFIRM);
    assert_int_equal(tdev_try(&dev, pin), LOCK_RESULT_PIN_SET);
    assert_int_equal(lock_lock(&dev.lk), LOCK_RESULT_LOCKED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_LOCKED);
}

static void test_fresh_device_has_no_pin(void **state)
{
    (void)state;
    tdev_new(&dev, 1);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    lock_view v = view();
    assert_int_equal(v.state, LOCK_NO_PIN);
    assert_true(v.open);
    assert_false(v.recovery_needed);
    /* The initial no-PIN record went to slot 0, then its mirror to slot 1
     * (store.h: slot 1 decides fresh vs corrupt). */
    store_record r;
    store s;
    assert_int_equal(store_load(&s, &dev.raw, &r), STORE_OK);
    assert_false(r.has_pin);
    assert_int_equal(r.sequence, 2);
    assert_int_equal(s.slot[0], STORE_SLOT_VALID);
    assert_int_equal(s.slot[1], STORE_SLOT_VALID);
    assert_int_equal(s.newest, 1);
    /* Rebooting keeps the same state and does not write again. */
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_NO_PIN);
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    assert_int_equal(r.sequence, 2);
}

static void test_enroll_confirm_unlock(void **state)
{
    (void)state;
    tdev_new(&dev, 2);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(lock_digit(&dev.lk, 4), LOCK_RESULT_DIGIT); /* a digit starts enrollment */
    assert_int_equal(lock_get_state(&dev.lk), LOCK_ENROLL);
    tdev_type(&dev, "711");
    assert_int_equal(view().digits, 4);
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_CONFIRM);
    lock_view v = view();
    assert_int_equal(v.state, LOCK_CONFIRM);
    assert_int_equal(v.digits, 0);
    assert_int_equal(v.min_digits, 4);
    assert_int_equal(v.max_digits, 4);
    assert_int_equal(tdev_try(&dev, "4711"), LOCK_RESULT_PIN_SET);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_UNLOCKED);

    /* Stored: a salted hash of "4711", never the digits. */
    store_record r;
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    assert_true(r.has_pin);
    assert_int_equal(r.pin_len, 4);
    assert_true(tdev_record_is_pin(&dev, &r, "4711"));
    assert_null(memmem(dev.flash, sizeof dev.flash, "4711", 4));
    static const uint8_t raw_digits[4] = {4, 7, 1, 1};
    assert_null(memmem(dev.flash, sizeof dev.flash, raw_digits, 4));

    /* The entry buffers are wiped. */
    for (size_t i = 0; i < LOCK_PIN_MAX; i++) {
        assert_int_equal(dev.lk.entry[i], 0);
        assert_int_equal(dev.lk.pending[i], 0);
    }

    assert_int_equal(lock_lock(&dev.lk), LOCK_RESULT_LOCKED);
    assert_int_equal(tdev_try(&dev, "4711"), LOCK_RESULT_UNLOCKED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_UNLOCKED);
}

static void test_power_cycle_boots_locked(void **state)
{
    (void)state;
    set_up_locked("2580", NULL);
    assert_int_equal(tdev_try(&dev, "2580"), LOCK_RESULT_UNLOCKED);
    /* Reboot while unlocked: a device with a PIN always boots locked. */
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_LOCKED);
    assert_false(view().open);
    assert_int_equal(tdev_try(&dev, "2580"), LOCK_RESULT_UNLOCKED);
}

static void test_confirm_mismatch_restarts(void **state)
{
    (void)state;
    tdev_new(&dev, 3);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(tdev_try(&dev, "1234"), LOCK_RESULT_CONFIRM);
    assert_int_equal(tdev_try(&dev, "1235"), LOCK_RESULT_MISMATCH);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_ENROLL);
    assert_int_equal(view().digits, 0);
    /* Nothing stored. */
    store_record r;
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    assert_false(r.has_pin);
    /* The old first entry is gone: confirming "1234" now is a new first entry. */
    assert_int_equal(tdev_try(&dev, "5678"), LOCK_RESULT_CONFIRM);
    assert_int_equal(tdev_try(&dev, "1234"), LOCK_RESULT_MISMATCH);
    assert_int_equal(tdev_try(&dev, "5678"), LOCK_RESULT_CONFIRM);
    assert_int_equal(tdev_try(&dev, "5678"), LOCK_RESULT_PIN_SET);
}

static void test_confirm_short_and_long(void **state)
{
    (void)state;
    tdev_new(&dev, 4);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(tdev_try(&dev, "123456"), LOCK_RESULT_CONFIRM);
    /* Too few digits in confirmation: not a mismatch, keep drawing. */
    assert_int_equal(tdev_try(&dev, "12345"), LOCK_RESULT_TOO_SHORT);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_CONFIRM);
    assert_int_equal(lock_digit(&dev.lk, 6), LOCK_RESULT_DIGIT);
    assert_int_equal(lock_digit(&dev.lk, 7), LOCK_RESULT_FULL);
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_PIN_SET);
    store_record r;
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    assert_int_equal(r.pin_len, 6);
    assert_true(tdev_record_is_pin(&dev, &r, "123456"));
}

static void test_enroll_lengths(void **state)
{
    (void)state;
    tdev_new(&dev, 5);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    /* Enter with too few digits. */
    assert_int_equal(tdev_try(&dev, "123"), LOCK_RESULT_TOO_SHORT);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_ENROLL);
    assert_int_equal(view().digits, 3);
    assert_int_equal(lock_clear(&dev.lk), LOCK_RESULT_CLEARED);
    /* Digits beyond 8 are ignored. */
    tdev_type(&dev, "87654321");
    assert_int_equal(lock_digit(&dev.lk, 9), LOCK_RESULT_FULL);
    assert_int_equal(view().digits, 8);
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_CONFIRM);
    assert_int_equal(tdev_try(&dev, "87654321"), LOCK_RESULT_PIN_SET);
    assert_int_equal(lock_lock(&dev.lk), LOCK_RESULT_LOCKED);
    /* Locked: the entry holds exactly pin_len digits. */
    lock_view v = view();
    assert_int_equal(v.min_digits, 8);
    assert_int_equal(v.max_digits, 8);
    assert_int_equal(tdev_try(&dev, "8765432"), LOCK_RESULT_TOO_SHORT);
    assert_int_equal(view().failed_attempts, 0); /* too short is not an attempt */
    assert_int_equal(lock_digit(&dev.lk, 1), LOCK_RESULT_DIGIT);
    assert_int_equal(lock_digit(&dev.lk, 1), LOCK_RESULT_FULL);
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_UNLOCKED);
}

static void test_enroll_min_len_config(void **state)
{
    (void)state;
    lock_config cfg;
    lock_default_config(&cfg);
    cfg.enroll_min_len = 6;
    tdev_new(&dev, 6);
    assert_int_equal(tdev_boot(&dev, &cfg), LOCK_OK);
    assert_int_equal(tdev_try(&dev, "12345"), LOCK_RESULT_TOO_SHORT);
    assert_int_equal(lock_digit(&dev.lk, 6), LOCK_RESULT_DIGIT);
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_CONFIRM);
    /* Bad configs are refused. */
    cfg.enroll_min_len = 3;
    assert_int_equal(tdev_boot(&dev, &cfg), LOCK_ERR_ARG);
    lock_default_config(&cfg);
    cfg.schedule.delay_count = 0;
    assert_int_equal(tdev_boot(&dev, &cfg), LOCK_ERR_ARG);
    lock_default_config(&cfg);
    cfg.schedule.delays_s[0] = 31u * 24u * 3600u;
    assert_int_equal(tdev_boot(&dev, &cfg), LOCK_ERR_ARG);
    assert_int_equal(lock_init(NULL, &dev.h, NULL), LOCK_ERR_ARG);
}

static void test_backspace_and_clear(void **state)
{
    (void)state;
    set_up_locked("1357", NULL);
    assert_int_equal(lock_backspace(&dev.lk), LOCK_RESULT_EMPTY);
    assert_int_equal(lock_clear(&dev.lk), LOCK_RESULT_EMPTY);
    tdev_type(&dev, "139");
    assert_int_equal(lock_backspace(&dev.lk), LOCK_RESULT_BACKSPACE);
    assert_int_equal(view().digits, 2);
    assert_int_equal(dev.lk.entry[2], 0); /* removed digit wiped */
    tdev_type(&dev, "57");
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_UNLOCKED);
    lock_lock(&dev.lk);
    tdev_type(&dev, "99");
    assert_int_equal(lock_clear(&dev.lk), LOCK_RESULT_CLEARED);
    assert_int_equal(view().digits, 0);
    assert_int_equal(tdev_try(&dev, "1357"), LOCK_RESULT_UNLOCKED);
}

static void test_bad_digits_ignored(void **state)
{
    (void)state;
    set_up_locked("1357", NULL);
    assert_int_equal(lock_digit(&dev.lk, -1), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_digit(&dev.lk, 10), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_digit(&dev.lk, 1000), LOCK_RESULT_IGNORED);
    assert_int_equal(view().digits, 0);
}

static void test_wrong_then_right(void **state)
{
    (void)state;
    set_up_locked("0000", NULL);
    assert_int_equal(tdev_try(&dev, "0001"), LOCK_RESULT_WRONG);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_LOCKED);
    assert_int_equal(view().failed_attempts, 1);
    assert_int_equal(view().wait_ms, 0); /* a misdraw costs no wait */
    store_record r;
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    assert_int_equal(r.failed_attempts, 1);
    assert_int_equal(tdev_try(&dev, "0002"), LOCK_RESULT_WRONG);
    assert_int_equal(tdev_try(&dev, "0000"), LOCK_RESULT_UNLOCKED);
    assert_int_equal(view().failed_attempts, 0);
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    assert_int_equal(r.failed_attempts, 0);
    assert_int_equal(r.lockout_ms, 0);
}

/* Wrong attempts follow the schedule exactly; waits refuse input and run out
 * only through lock_tick. */
static void test_backoff_follows_schedule(void **state)
{
    (void)state;
    set_up_locked("9999", NULL);
    uint32_t now = 1000;
    lock_tick(&dev.lk, now);
    for (uint32_t n = 1; n <= 12; n++) {
        assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_WRONG);
        uint32_t want = lock_delay_s(&lock_default_schedule, n) * 1000u;
        assert_int_equal(view().wait_ms, want);
        if (want == 0)
            continue;
        assert_int_equal(lock_digit(&dev.lk, 9), LOCK_RESULT_WAIT);
        assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_WAIT);
        now += want - 1;
        lock_tick(&dev.lk, now);
        assert_int_equal(view().wait_ms, 1);
        assert_int_equal(tdev_try(&dev, "9999"), LOCK_RESULT_WAIT);
        now += 1;
        lock_tick(&dev.lk, now);
        assert_int_equal(view().wait_ms, 0);
    }
    assert_int_equal(view().failed_attempts, 12);
    assert_int_equal(tdev_try(&dev, "9999"), LOCK_RESULT_UNLOCKED);
    assert_int_equal(view().failed_attempts, 0);
}

static void test_schedule_table(void **state)
{
    (void)state;
    const lock_schedule *s = &lock_default_schedule;
    /* A user who misdraws twice (or four times) waits 0 s. */
    for (uint32_t n = 0; n <= 4; n++)
        assert_int_equal(lock_delay_s(s, n), 0);
    assert_int_equal(lock_delay_s(s, 5), 30);
    assert_int_equal(lock_delay_s(s, 11), 43200);
    assert_int_equal(lock_delay_s(s, 1000000), 43200);
    /* Independent sum over the table: trying all 10,000 four-digit PINs means
     * 9,999 failures before the last guess. */
    uint64_t sum = 0;
    for (uint32_t n = 1; n <= 9999; n++)
        sum += lock_delay_s(s, n);
    assert_true(sum == lock_exhaust_s(s, 10000));
    /* docs/security.md: 15,690 s + 9,989 x 43,200 s = 431,540,490 s. */
    assert_true(sum == 431540490ull);
    const uint64_t ten_years = 10ull * 31557600ull; /* Julian years */
    assert_true(sum >= ten_years);
    printf("exhausting 10,000 PINs: %llu s = %.2f years\n", (unsigned long long)sum,
           (double)sum / 31557600.0);
    /* The closed form agrees with the plain sum on other schedules too. */
    lock_schedule t = {2, 3, {5, 7, 11}, 0};
    for (uint32_t pins = 0; pins < 20; pins++) {
        uint64_t plain = 0;
        for (uint32_t n = 1; n + 1 <= pins; n++)
            plain += lock_delay_s(&t, n);
        assert_true(plain == lock_exhaust_s(&t, pins));
    }
}

/* The wait survives power cycles and a reboot never shortens it. */
static void test_wait_survives_reboot(void **state)
{
    (void)state;
    set_up_locked("2468", NULL);
    for (int i = 0; i < 5; i++)
        tdev_try(&dev, "1111");
    assert_int_equal(view().wait_ms, 30000);
    /* Power off for a long time: the wait only counts while powered. */
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(view().wait_ms, 30000);
    assert_int_equal(view().failed_attempts, 5);
    lock_tick(&dev.lk, 5u);
    lock_tick(&dev.lk, 20005u); /* 20 s powered */
    assert_int_equal(view().wait_ms, 10000);
    /* Reboot before a checkpoint: back to at least what is left. */
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_true(view().wait_ms >= 10000);
    assert_int_equal(tdev_try(&dev, "2468"), LOCK_RESULT_WAIT);
    lock_tick(&dev.lk, 0xFFFFFF00u); /* the clock may start anywhere and wrap */
    lock_tick(&dev.lk, 0xFFFFFF00u + 30000u);
    assert_int_equal(view().wait_ms, 0);
    /* Zero was checkpointed: a reboot now does not bring the wait back. */
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(view().wait_ms, 0);
    assert_int_equal(tdev_try(&dev, "2468"), LOCK_RESULT_UNLOCKED);
}

/* Long waits are checkpointed, so a reboot resumes near where it was, with
 * few writes, and never below the true remaining wait. */
static void test_long_wait_checkpoints(void **state)
{
    (void)state;
    set_up_locked("2468", NULL);
    uint32_t now = 0;
    lock_tick(&dev.lk, now);
    for (int i = 0; i < 11; i++) {
        now += view().wait_ms; /* sit out each wait */
        lock_tick(&dev.lk, now);
        assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_WRONG);
    }
    uint32_t wait = view().wait_ms;
    assert_int_equal(wait, 43200000u);
    store_record r;
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    uint32_t seq0 = r.sequence;
    uint32_t left = wait;
    while (left > 0) {
        now += 1000; /* one tick per second */
        lock_tick(&dev.lk, now);
        left -= 1000;
        assert_int_equal(view().wait_ms, left);
        assert_int_equal(tdev_record(&dev, &r), STORE_OK);
        assert_true(r.lockout_ms >= left); /* never shorter */
        uint32_t slack = left / 4 > 1000 ? left / 4 : 1000;
        assert_true(r.lockout_ms - left <= slack); /* never far behind */
    }
    uint32_t writes = r.sequence - seq0; /* one record write per checkpoint */
    printf("12 h wait: %u checkpoint writes\n", writes);
    /* Steps of a fifth of the stored wait down to 5 s (ln(8640)/ln(5/4) = 41),
     * then one per second (with 1-s ticks), then the zero. */
    assert_true(writes > 0 && writes <= 41 + 5 + 1);
}

static void test_change_pin(void **state)
{
    (void)state;
    set_up_locked("1111", NULL);
    /* Only from unlocked. */
    assert_int_equal(lock_change_pin(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_UNLOCKED);
    assert_int_equal(lock_change_pin(&dev.lk), LOCK_RESULT_STARTED);
    lock_view v = view();
    assert_int_equal(v.state, LOCK_VERIFY);
    assert_int_equal(v.purpose, LOCK_PURPOSE_CHANGE);
    assert_true(v.open);
    /* Wrong current PIN counts as a failed attempt. */
    assert_int_equal(tdev_try(&dev, "2222"), LOCK_RESULT_WRONG);
    assert_int_equal(view().failed_attempts, 1);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_VERIFY);
    assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_VERIFIED);
    assert_int_equal(view().failed_attempts, 0);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_ENROLL);
    assert_int_equal(view().purpose, LOCK_PURPOSE_CHANGE);
    assert_int_equal(tdev_try(&dev, "24680"), LOCK_RESULT_CONFIRM);
    assert_int_equal(tdev_try(&dev, "24680"), LOCK_RESULT_PIN_SET);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_UNLOCKED);
    lock_lock(&dev.lk);
    assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_TOO_SHORT); /* length is 5 now */
    lock_clear(&dev.lk);
    assert_int_equal(tdev_try(&dev, "11111"), LOCK_RESULT_WRONG);
    assert_int_equal(tdev_try(&dev, "24680"), LOCK_RESULT_UNLOCKED);
}

static void test_change_pin_cancel_keeps_old(void **state)
{
    (void)state;
    set_up_locked("1111", NULL);
    tdev_try(&dev, "1111");
    lock_change_pin(&dev.lk);
    assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_VERIFIED);
    assert_int_equal(tdev_try(&dev, "3333"), LOCK_RESULT_CONFIRM);
    assert_int_equal(lock_cancel(&dev.lk), LOCK_RESULT_CANCELLED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_UNLOCKED);
    assert_int_equal(dev.lk.pending_len, 0);
    lock_lock(&dev.lk);
    assert_int_equal(tdev_try(&dev, "3333"), LOCK_RESULT_WRONG);
    assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_UNLOCKED);
    /* Cancel in VERIFY, too. */
    lock_change_pin(&dev.lk);
    assert_int_equal(lock_cancel(&dev.lk), LOCK_RESULT_CANCELLED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_UNLOCKED);
}

static void test_remove_pin(void **state)
{
    (void)state;
    set_up_locked("4321", NULL);
    assert_int_equal(lock_remove_pin(&dev.lk), LOCK_RESULT_IGNORED); /* locked */
    tdev_try(&dev, "4321");
    assert_int_equal(lock_remove_pin(&dev.lk), LOCK_RESULT_STARTED);
    assert_int_equal(view().purpose, LOCK_PURPOSE_REMOVE);
    assert_int_equal(tdev_try(&dev, "4320"), LOCK_RESULT_WRONG);
    assert_int_equal(tdev_try(&dev, "4321"), LOCK_RESULT_PIN_REMOVED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_NO_PIN);
    store_record r;
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    assert_false(r.has_pin);
    for (size_t i = 0; i < sizeof r.hash; i++)
        assert_int_equal(r.hash[i], 0);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_NO_PIN);
    /* lock_change_pin from NO_PIN starts enrollment. */
    assert_int_equal(lock_change_pin(&dev.lk), LOCK_RESULT_STARTED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_ENROLL);
    assert_int_equal(lock_cancel(&dev.lk), LOCK_RESULT_CANCELLED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_NO_PIN);
}

/* Each event in each state: only the documented ones do something. */
static void test_events_in_every_state(void **state)
{
    (void)state;
    /* NO_PIN */
    tdev_new(&dev, 7);
    tdev_boot(&dev, NULL);
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_backspace(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_clear(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_lock(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_remove_pin(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_cancel(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_NO_PIN);
    /* ENROLL */
    lock_digit(&dev.lk, 1);
    assert_int_equal(lock_lock(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_change_pin(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_remove_pin(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_ENROLL);
    /* CONFIRM */
    tdev_try(&dev, "234");
    assert_int_equal(lock_get_state(&dev.lk), LOCK_CONFIRM);
    assert_int_equal(lock_lock(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_change_pin(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_remove_pin(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_backspace(&dev.lk), LOCK_RESULT_EMPTY);
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_TOO_SHORT);
    assert_int_equal(lock_cancel(&dev.lk), LOCK_RESULT_CANCELLED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_NO_PIN);
    /* UNLOCKED */
    tdev_try(&dev, "1234");
    tdev_try(&dev, "1234");
    assert_int_equal(lock_get_state(&dev.lk), LOCK_UNLOCKED);
    assert_int_equal(lock_digit(&dev.lk, 1), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_backspace(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_clear(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_cancel(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_UNLOCKED);
    /* LOCKED */
    lock_lock(&dev.lk);
    assert_int_equal(lock_lock(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_change_pin(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_remove_pin(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_cancel(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_TOO_SHORT);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_LOCKED);
    /* VERIFY */
    tdev_try(&dev, "1234");
    lock_change_pin(&dev.lk);
    assert_int_equal(lock_lock(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_change_pin(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_remove_pin(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_TOO_SHORT);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_VERIFY);
}

static void test_recovery_fails_closed(void **state)
{
    (void)state;
    set_up_locked("1234", NULL);
    tdev_try(&dev, "1111");                 /* both slots now hold PIN records */
    memset(dev.flash, 0, sizeof dev.flash); /* both slots corrupt */
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_ERR_RECOVERY);
    lock_view v = view();
    assert_int_equal(v.state, LOCK_RECOVERY);
    assert_true(v.recovery_needed);
    assert_false(v.open);
    /* Every event is ignored. */
    assert_int_equal(lock_digit(&dev.lk, 1), LOCK_RESULT_IGNORED);
    assert_int_equal(tdev_try(&dev, "1234"), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_lock(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_change_pin(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_remove_pin(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_cancel(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_backspace(&dev.lk), LOCK_RESULT_IGNORED);
    assert_int_equal(lock_clear(&dev.lk), LOCK_RESULT_IGNORED);
    lock_tick(&dev.lk, 0);
    lock_tick(&dev.lk, 100000);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_RECOVERY);
    assert_true(tdev_log_contains(&dev, "recovery"));
    /* The documented recovery: erase the region (a factory-fresh device). */
    memset(dev.flash, 0xFF, sizeof dev.flash);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_NO_PIN);

    /* A storage read error at boot also fails closed. */
    set_up_locked("1234", NULL);
    dev.fail_read = 1;
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_ERR_STORAGE);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_RECOVERY);
}

static void test_one_slot_corrupt_still_works(void **state)
{
    (void)state;
    set_up_locked("1234", NULL);
    store_record r;
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    store s;
    assert_int_equal(store_load(&s, &dev.raw, &r), STORE_OK);
    /* Flip a bit in the newest slot: the older one (same PIN) takes over. */
    dev.flash[(uint32_t)s.newest * TDEV_BLOCK + 40] ^= 0x10;
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_LOCKED);
    assert_int_equal(tdev_try(&dev, "1234"), LOCK_RESULT_UNLOCKED);
}

static void test_storage_write_failure(void **state)
{
    (void)state;
    set_up_locked("1234", NULL);
    dev.fail_prog = 1;
    /* The failure cannot be persisted: no comparison, no unlock; the storage
     * is failing, so the lock says so and fails closed. */
    long kdf = dev.kdf_calls;
    assert_int_equal(tdev_try(&dev, "1234"), LOCK_RESULT_STORAGE_FAILED);
    assert_int_equal(dev.kdf_calls, kdf);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_RECOVERY);
    assert_true(view().storage_failed);
    assert_int_equal(view().digits, 0);
    assert_true(tdev_log_contains(&dev, "storage write failed"));
    /* A failure that went away (a reboot with working flash) works again. */
    dev.fail_prog = 0;
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(tdev_try(&dev, "1234"), LOCK_RESULT_UNLOCKED);
    /* Enrollment that cannot be stored keeps the old PIN. */
    lock_change_pin(&dev.lk);
    tdev_try(&dev, "1234");
    tdev_try(&dev, "5555");
    dev.fail_prog = 1;
    assert_int_equal(tdev_try(&dev, "5555"), LOCK_RESULT_STORAGE_FAILED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_RECOVERY);
    dev.fail_prog = 0;
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(tdev_try(&dev, "1234"), LOCK_RESULT_UNLOCKED);
}

/* A PIN is never hashed with a salt that is not fresh, and a KDF failure
 * during an attempt still counts as an attempt (it was persisted first). */
static void test_random_and_kdf_failures(void **state)
{
    (void)state;
    tdev_new(&dev, 10);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    tdev_try(&dev, "1234");
    dev.fail_random = 1;
    assert_int_equal(tdev_try(&dev, "1234"), LOCK_RESULT_ERROR);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_ENROLL);
    store_record r;
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    assert_false(r.has_pin);
    dev.fail_random = 0;
    tdev_try(&dev, "1234");
    assert_int_equal(tdev_try(&dev, "1234"), LOCK_RESULT_PIN_SET);
    lock_lock(&dev.lk);
    dev.fail_kdf = 1;
    assert_int_equal(tdev_try(&dev, "1234"), LOCK_RESULT_ERROR);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_LOCKED);
    assert_int_equal(view().failed_attempts, 1);
    assert_int_equal(view().digits, 0);
    dev.fail_kdf = 0;
    assert_int_equal(tdev_try(&dev, "1234"), LOCK_RESULT_UNLOCKED);
    /* A fresh device whose first write fails still boots (no PIN yet). */
    tdev_new(&dev, 11);
    dev.fail_prog = 1;
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_ERR_STORAGE);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_NO_PIN);
    tdev_try(&dev, "1234");
    assert_int_equal(tdev_try(&dev, "1234"), LOCK_RESULT_ERROR); /* cannot store a PIN */
    dev.fail_prog = 0;
    tdev_try(&dev, "1234");
    assert_int_equal(tdev_try(&dev, "1234"),
                     LOCK_RESULT_PIN_SET); /* provisioned first, then stored */
    store s;
    assert_int_equal(store_load(&s, &dev.raw, &r), STORE_OK);
    assert_int_equal(s.slot[0], STORE_SLOT_VALID);
    assert_int_equal(s.slot[1], STORE_SLOT_VALID);
    assert_true(r.has_pin);
}

static void test_wipe_after_failures(void **state)
{
    (void)state;
    lock_config cfg;
    lock_default_config(&cfg);
    cfg.schedule.free_attempts = 10;
    cfg.schedule.wipe_after = 3;
    set_up_locked("8642", &cfg);
    assert_int_equal(view().attempts_before_wipe, 3);
    assert_int_equal(tdev_try(&dev, "0000"), LOCK_RESULT_WRONG);
    assert_int_equal(tdev_try(&dev, "0000"), LOCK_RESULT_WRONG);
    assert_int_equal(view().attempts_before_wipe, 1);
    assert_int_equal(tdev_try(&dev, "0000"), LOCK_RESULT_WIPED);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_NO_PIN);
    store_record r;
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    assert_false(r.has_pin);
    assert_int_equal(r.failed_attempts, 0);
    /* A success resets the counter before the limit. */
    set_up_locked("8642", &cfg);
    tdev_try(&dev, "0000");
    tdev_try(&dev, "0000");
    assert_int_equal(tdev_try(&dev, "8642"), LOCK_RESULT_UNLOCKED);
    lock_lock(&dev.lk);
    assert_int_equal(tdev_try(&dev, "0000"), LOCK_RESULT_WRONG);
    assert_int_equal(tdev_try(&dev, "0000"), LOCK_RESULT_WRONG);
    /* Default config: no wipe. */
    lock_default_config(&cfg);
    set_up_locked("8642", &cfg);
    assert_int_equal(view().attempts_before_wipe, UINT32_MAX);
}

/* A record left at the limit (power cut between "failure" and "wipe") is
 * wiped at boot rather than allowing one more attempt. */
static void test_wipe_finished_at_boot(void **state)
{
    (void)state;
    lock_config cfg;
    lock_default_config(&cfg);
    cfg.schedule.wipe_after = 2;
    set_up_locked("8642", &cfg);
    tdev_try(&dev, "0000");
    store_record r;
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    store s;
    store_load(&s, &dev.raw, &r);
    r.failed_attempts = 2;
    assert_int_equal(store_save(&s, &r), STORE_OK);
    assert_int_equal(tdev_boot(&dev, &cfg), LOCK_OK);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_NO_PIN);
}

static void test_preview(void **state)
{
    (void)state;
    tdev_new(&dev, 8);
    tdev_boot(&dev, NULL);
    lock_tick(&dev.lk, 0);
    lock_digit(&dev.lk, 7);
    assert_int_equal(view().preview, 7); /* enrollment: shown for 1000 ms */
    lock_tick(&dev.lk, 999);
    assert_int_equal(view().preview, 7);
    lock_tick(&dev.lk, 1000);
    assert_int_equal(view().preview, -1);
    lock_digit(&dev.lk, 3);
    assert_int_equal(view().preview, 3);
    lock_backspace(&dev.lk); /* any other event hides it */
    assert_int_equal(view().preview, -1);
    tdev_try(&dev, "123");
    tdev_try(&dev, "7123");
    assert_int_equal(lock_get_state(&dev.lk), LOCK_UNLOCKED);
    lock_lock(&dev.lk);
    lock_digit(&dev.lk, 7);
    assert_int_equal(view().preview, -1); /* unlocking: off by default */
    lock_clear(&dev.lk);
    /* Unlock preview as an option. */
    lock_config cfg;
    lock_default_config(&cfg);
    cfg.unlock_preview_ms = 500;
    tdev_boot(&dev, &cfg);
    lock_digit(&dev.lk, 5);
    assert_int_equal(view().preview, 5);
    lock_enter(&dev.lk);
    assert_int_equal(view().preview, -1);
}

/* Nothing typed in lock mode reaches the log. */
static void test_log_never_has_secrets(void **state)
{
    (void)state;
    lock_config cfg;
    lock_default_config(&cfg);
    cfg.schedule.wipe_after = 12;
    set_up_locked("5791", &cfg);
    tdev_try(&dev, "8642");
    dev.fail_prog = 1;
    tdev_try(&dev, "5791");
    dev.fail_prog = 0;
    tdev_try(&dev, "5791");
    lock_change_pin(&dev.lk);
    tdev_try(&dev, "5791");
    tdev_try(&dev, "1593");
    tdev_try(&dev, "1593");
    memset(dev.flash, 0x5A, sizeof dev.flash);
    tdev_boot(&dev, &cfg);
    assert_true(dev.nlog > 0);
    for (int i = 0; i < dev.nlog; i++) {
        const char *l = dev.log[i];
        assert_null(strstr(l, "5791"));
        assert_null(strstr(l, "8642"));
        assert_null(strstr(l, "1593"));
        for (const char *p = l; *p; p++) /* only the constant messages: no digits at all */
            assert_false(*p >= '0' && *p <= '9');
    }
}

/* One enrollment and unlock with the shipped Argon2id parameters. */
static void test_real_kdf_parameters(void **state)
{
    (void)state;
    tdev_new(&dev, 9);
    dev.h.kdf = kdf_hal_argon2id;
    dev.h.random = kdf_hal_random;
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    tdev_try(&dev, "3141");
    assert_int_equal(tdev_try(&dev, "3141"), LOCK_RESULT_PIN_SET);
    lock_lock(&dev.lk);
    assert_int_equal(tdev_try(&dev, "3142"), LOCK_RESULT_WRONG);
    assert_int_equal(tdev_try(&dev, "3141"), LOCK_RESULT_UNLOCKED);
    store_record r;
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    uint8_t h[32];
    assert_int_equal(kdf_argon2id(&kdf_host_params, h, "3141", 4, r.salt), 0);
    assert_memory_equal(h, r.hash, 32);
}

/* ---- asynchronous KDF (hal->kdf NULL, hal->kdf_start set) ------------------ */

static int async_off(void **state)
{
    (void)state;
    dev.async_kdf = 0; /* tdev_new keeps the flag: later tests use hal->kdf again */
    return 0;
}

/* Every event while checking is refused and changes nothing the view shows. */
static void assert_events_refused(void)
{
    lock_view before = view();
    assert_true(before.checking);
    assert_int_equal(lock_digit(&dev.lk, 1), LOCK_RESULT_CHECKING);
    assert_int_equal(lock_backspace(&dev.lk), LOCK_RESULT_CHECKING);
    assert_int_equal(lock_clear(&dev.lk), LOCK_RESULT_CHECKING);
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_CHECKING);
    assert_int_equal(lock_lock(&dev.lk), LOCK_RESULT_CHECKING);
    assert_int_equal(lock_change_pin(&dev.lk), LOCK_RESULT_CHECKING);
    assert_int_equal(lock_remove_pin(&dev.lk), LOCK_RESULT_CHECKING);
    assert_int_equal(lock_cancel(&dev.lk), LOCK_RESULT_CHECKING);
    lock_view after = view();
    assert_int_equal(after.state, before.state);
    assert_int_equal(after.digits, before.digits);
    assert_int_equal(after.failed_attempts, before.failed_attempts);
    assert_true(after.checking);
    assert_false(after.door_open);
    assert_int_equal(dev.door, 0);
}

static void test_async_enroll_and_unlock(void **state)
{
    (void)state;
    dev.async_kdf = 1;
    tdev_new(&dev, 1);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_null(dev.h.kdf);
    tdev_type(&dev, "2468");
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_CONFIRM);
    assert_int_equal(dev.kdf_starts, 0); /* the first entry needs no hash */
    tdev_type(&dev, "2468");
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_CHECKING);
    /* The request is the PIN as ASCII with a fresh salt; nothing stored yet. */
    assert_int_equal(dev.kdf_starts, 1);
    assert_int_equal(dev.req_len, 4);
    assert_memory_equal(dev.req_pin, "2468", 4);
    assert_int_equal(view().state, LOCK_CONFIRM);
    assert_int_equal(view().digits, 0); /* the entry is wiped once handed over */
    store_record r;
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    assert_false(r.has_pin);
    assert_events_refused();
    assert_int_equal(tdev_answer(&dev), LOCK_RESULT_PIN_SET);
    assert_false(view().checking);
    assert_int_equal(view().state, LOCK_UNLOCKED);
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    assert_true(tdev_record_is_pin(&dev, &r, "2468"));
    assert_memory_equal(r.salt, dev.req_salt, HAL_KDF_SALT_BYTES);

    /* Unlock: the failure is stored before the request leaves the lock. */
    assert_int_equal(lock_lock(&dev.lk), LOCK_RESULT_LOCKED);
    tdev_type(&dev, "2468");
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_CHECKING);
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    assert_int_equal(r.failed_attempts, 1);
    assert_events_refused();
    assert_int_equal(tdev_answer(&dev), LOCK_RESULT_UNLOCKED);
    assert_int_equal(view().state, LOCK_UNLOCKED);
    assert_int_equal(dev.door, 1);
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    assert_int_equal(r.failed_attempts, 0);
    /* No check running: a stray answer is ignored. */
    uint8_t stray[HAL_KDF_HASH_BYTES] = {1};
    assert_int_equal(lock_kdf_done(&dev.lk, stray, 0), LOCK_RESULT_IGNORED);
    assert_int_equal(view().state, LOCK_UNLOCKED);
    assert_int_equal(stray[0], 0); /* wiped all the same */
}

/* A hash that is not the stored one, an error, a NULL hash or a KDF that
 * cannot start: each is a counted failure, and the door never opens. */
static void test_async_failures_count(void **state)
{
    (void)state;
    dev.async_kdf = 1;
    set_up_locked("1357", NULL);
    uint8_t hash[HAL_KDF_HASH_BYTES];

    /* The right PIN, but the answer's hash is off by one bit. */
    tdev_type(&dev, "1357");
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_CHECKING);
    assert_int_equal(tdev_kdf(&dev, hash, dev.req_pin, dev.req_len, dev.req_salt), 0);
    hash[HAL_KDF_HASH_BYTES - 1] ^= 1;
    assert_int_equal(lock_kdf_done(&dev.lk, hash, 0), LOCK_RESULT_WRONG);
    assert_int_equal(view().failed_attempts, 1);

    /* The right hash, but rc says the KDF failed. */
    tdev_type(&dev, "1357");
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_CHECKING);
    assert_int_equal(tdev_kdf(&dev, hash, dev.req_pin, dev.req_len, dev.req_salt), 0);
    assert_int_equal(lock_kdf_done(&dev.lk, hash, -1), LOCK_RESULT_ERROR);
    assert_int_equal(view().failed_attempts, 2);
    assert_int_equal(view().state, LOCK_LOCKED);

    /* rc 0 without a hash. */
    tdev_type(&dev, "1357");
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_CHECKING);
    assert_int_equal(lock_kdf_done(&dev.lk, NULL, 0), LOCK_RESULT_ERROR);
    assert_int_equal(view().failed_attempts, 3);

    /* A wrong PIN, answered honestly. */
    assert_int_equal(tdev_try(&dev, "1358"), LOCK_RESULT_WRONG);
    assert_int_equal(view().failed_attempts, 4);

    /* kdf_start refuses: counted, and the lock is not left checking. */
    dev.fail_kdf_start = 1;
    lock_tick(&dev.lk, 0);
    lock_tick(&dev.lk, 60000); /* past any wait */
    tdev_type(&dev, "1357");
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_ERROR);
    assert_false(view().checking);
    assert_int_equal(view().failed_attempts, 5);
    assert_int_equal(dev.door, 0);
    dev.fail_kdf_start = 0;

    /* And after all that the right answer still opens. */
    lock_tick(&dev.lk, 60000 + view().wait_ms);
    assert_int_equal(tdev_try(&dev, "1357"), LOCK_RESULT_UNLOCKED);
    assert_int_equal(view().failed_attempts, 0);
}

/* A reboot while checking: the attempt stays a failure, the answer that
 * arrives later is ignored; a new PIN being hashed is simply not set. */
static void test_async_reboot_while_checking(void **state)
{
    (void)state;
    dev.async_kdf = 1;
    set_up_locked("1111", NULL);
    tdev_type(&dev, "1111");
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_CHECKING);
    uint8_t late[HAL_KDF_HASH_BYTES];
    assert_int_equal(tdev_kdf(&dev, late, dev.req_pin, dev.req_len, dev.req_salt), 0);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(view().state, LOCK_LOCKED);
    assert_false(view().checking);
    assert_int_equal(view().failed_attempts, 1);
    assert_int_equal(lock_kdf_done(&dev.lk, late, 0), LOCK_RESULT_IGNORED);
    assert_int_equal(view().state, LOCK_LOCKED);
    assert_int_equal(dev.door, 0);

    /* PIN change: reboot while the new PIN is hashed keeps the old one. */
    assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_UNLOCKED);
    assert_int_equal(lock_change_pin(&dev.lk), LOCK_RESULT_STARTED);
    assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_VERIFIED);
    assert_int_equal(tdev_try(&dev, "2222"), LOCK_RESULT_CONFIRM);
    tdev_type(&dev, "2222");
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_CHECKING);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    store_record r;
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    assert_true(tdev_record_is_pin(&dev, &r, "1111"));
    assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_UNLOCKED);
}

/* The auto-relock waits for a running check (nothing can change under it);
 * the next tick after the answer relocks. */
static void test_async_relock_waits_for_check(void **state)
{
    (void)state;
    dev.async_kdf = 1;
    lock_config cfg;
    lock_default_config(&cfg);
    cfg.relock_ms = 1000;
    set_up_locked("1111", &cfg);
    lock_tick(&dev.lk, 0);
    assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_UNLOCKED);
    assert_int_equal(lock_remove_pin(&dev.lk), LOCK_RESULT_STARTED);
    tdev_type(&dev, "1111");
    assert_int_equal(lock_enter(&dev.lk), LOCK_RESULT_CHECKING);
    lock_tick(&dev.lk, 5000);
    assert_int_equal(view().state, LOCK_VERIFY);
    assert_true(view().checking);
    assert_int_equal(tdev_answer(&dev), LOCK_RESULT_PIN_REMOVED);
    assert_int_equal(view().state, LOCK_NO_PIN);
}

/* A HAL with neither kdf nor kdf_start cannot make a lock. */
static void test_async_needs_a_kdf(void **state)
{
    (void)state;
    tdev_new(&dev, 1);
    dev.h.kdf = NULL;
    dev.h.kdf_start = NULL;
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_ERR_ARG);
    assert_int_equal(view().state, LOCK_RECOVERY);
    dev.h.kdf_start = tdev_kdf_start;
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_device_has_no_pin),
        cmocka_unit_test(test_enroll_confirm_unlock),
        cmocka_unit_test(test_power_cycle_boots_locked),
        cmocka_unit_test(test_confirm_mismatch_restarts),
        cmocka_unit_test(test_confirm_short_and_long),
        cmocka_unit_test(test_enroll_lengths),
        cmocka_unit_test(test_enroll_min_len_config),
        cmocka_unit_test(test_backspace_and_clear),
        cmocka_unit_test(test_bad_digits_ignored),
        cmocka_unit_test(test_wrong_then_right),
        cmocka_unit_test(test_backoff_follows_schedule),
        cmocka_unit_test(test_schedule_table),
        cmocka_unit_test(test_wait_survives_reboot),
        cmocka_unit_test(test_long_wait_checkpoints),
        cmocka_unit_test(test_change_pin),
        cmocka_unit_test(test_change_pin_cancel_keeps_old),
        cmocka_unit_test(test_remove_pin),
        cmocka_unit_test(test_events_in_every_state),
        cmocka_unit_test(test_recovery_fails_closed),
        cmocka_unit_test(test_one_slot_corrupt_still_works),
        cmocka_unit_test(test_storage_write_failure),
        cmocka_unit_test(test_random_and_kdf_failures),
        cmocka_unit_test(test_wipe_after_failures),
        cmocka_unit_test(test_wipe_finished_at_boot),
        cmocka_unit_test(test_preview),
        cmocka_unit_test(test_log_never_has_secrets),
        cmocka_unit_test(test_real_kdf_parameters),
        cmocka_unit_test_teardown(test_async_enroll_and_unlock, async_off),
        cmocka_unit_test_teardown(test_async_failures_count, async_off),
        cmocka_unit_test_teardown(test_async_reboot_while_checking, async_off),
        cmocka_unit_test_teardown(test_async_relock_waits_for_check, async_off),
        cmocka_unit_test_teardown(test_async_needs_a_kdf, async_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
