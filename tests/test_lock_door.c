/* test_lock_door.c - the door output (hal->door) and the auto-relock: on
 * exactly while UNLOCKED, off at the relock timeout, off at every boot
 * whatever the state before, never on without the right PIN. (The random
 * test checks the same invariant over long event sequences with power cuts,
 * the power-loss suite after every cut.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "util/lock_hal.h"

static test_dev dev;

static void fresh_with_pin(const lock_config *cfg)
{
    tdev_new(&dev, 3);
    assert_int_equal(tdev_boot(&dev, cfg), LOCK_OK);
    assert_int_equal(dev.door, 0);
    assert_int_equal(tdev_try(&dev, "4711"), LOCK_RESULT_CONFIRM);
    assert_int_equal(dev.door, 0);
    assert_int_equal(tdev_try(&dev, "4711"), LOCK_RESULT_PIN_SET);
}

static bool door_view(void)
{
    lock_view v;
    lock_get_view(&dev.lk, &v);
    assert_int_equal(v.door_open, dev.door == 1);
    return v.door_open;
}

static void test_on_only_while_unlocked(void **state)
{
    (void)state;
    tdev_new(&dev, 3);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
    assert_int_equal(dev.door, 0); /* NO_PIN: open device, but no door output */
    assert_false(door_view());
    fresh_with_pin(NULL);
    assert_int_equal(dev.door, 1);
    assert_true(door_view());
    long calls = dev.door_calls;
    assert_int_equal(lock_lock(&dev.lk), LOCK_RESULT_LOCKED);
    assert_int_equal(dev.door, 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(tdev_try(&dev, "1111"), LOCK_RESULT_WRONG);
        assert_int_equal(dev.door, 0);
    }
    assert_int_equal(tdev_try(&dev, "4711"), LOCK_RESULT_UNLOCKED);
    assert_int_equal(dev.door, 1);
    assert_int_equal(dev.door_calls, calls + 2); /* one call per change, no chatter */
    /* A PIN change or removal takes the output off while it asks. */
    assert_int_equal(lock_change_pin(&dev.lk), LOCK_RESULT_STARTED);
    assert_int_equal(dev.door, 0);
    assert_int_equal(lock_cancel(&dev.lk), LOCK_RESULT_CANCELLED);
    assert_int_equal(dev.door, 1);
    assert_int_equal(lock_remove_pin(&dev.lk), LOCK_RESULT_STARTED);
    assert_int_equal(dev.door, 0);
    assert_int_equal(tdev_try(&dev, "4711"), LOCK_RESULT_PIN_REMOVED);
    assert_int_equal(dev.door, 0); /* no PIN: nothing to unlock */
}

static void test_relock_timeout(void **state)
{
    (void)state;
    fresh_with_pin(NULL); /* default: 10 s */
    lock_tick(&dev.lk, 500);
    lock_tick(&dev.lk, 500 + 9999);
    assert_int_equal(dev.door, 1);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_UNLOCKED);
    assert_int_equal(lock_tick(&dev.lk, 500 + 10000), LOCK_RESULT_LOCKED);
    assert_int_equal(dev.door, 0);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_LOCKED);
    /* The timer starts again at the next unlock. */
    assert_int_equal(tdev_try(&dev, "4711"), LOCK_RESULT_UNLOCKED);
    lock_tick(&dev.lk, 500 + 19000);
    assert_int_equal(dev.door, 1);
    lock_tick(&dev.lk, 500 + 20000);
    assert_int_equal(dev.door, 0);
    /* A PIN change left half-done also relocks (with the old PIN). */
    assert_int_equal(tdev_try(&dev, "4711"), LOCK_RESULT_UNLOCKED);
    assert_int_equal(lock_change_pin(&dev.lk), LOCK_RESULT_STARTED);
    assert_int_equal(tdev_try(&dev, "4711"), LOCK_RESULT_VERIFIED);
    lock_tick(&dev.lk, 500 + 30000);
    assert_int_equal(lock_get_state(&dev.lk), LOCK_LOCKED);
    assert_int_equal(tdev_try(&dev, "4711"), LOCK_RESULT_UNLOCKED);
    /* A clock step backwards never counts as time. */
    lock_tick(&dev.lk, 400);
    assert_int_equal(dev.door, 1);
    /* relock_ms = 0: stays open until Lock. */
    lock_config cfg;
    lock_default_config(&cfg);
    cfg.relock_ms = 0;
    fresh_with_pin(&cfg);
    lock_tick(&dev.lk, 0);
    for (uint32_t t = 0; t <= 3600000u; t += 60000u)
        lock_tick(&dev.lk, t);
    assert_int_equal(dev.door, 1);
    assert_int_equal(lock_lock(&dev.lk), LOCK_RESULT_LOCKED);
    assert_int_equal(dev.door, 0);
}

/* A reboot in any state: the output is off before the lock does anything. */
static void test_off_after_boot_in_every_state(void **state)
{
    (void)state;
    for (int k = 0; k < 6; k++) {
        fresh_with_pin(NULL);
        switch (k) {
        case 0: break; /* UNLOCKED */
        case 1: lock_lock(&dev.lk); break;
        case 2: lock_change_pin(&dev.lk); break;
        case 3:
            lock_change_pin(&dev.lk);
            tdev_try(&dev, "4711");
            tdev_type(&dev, "12");
            break;
        case 4: lock_remove_pin(&dev.lk); break;
        case 5:
            lock_lock(&dev.lk);
            for (int i = 0; i < 6; i++)
                tdev_try(&dev, "1111");
            break;
        }
        long calls = dev.door_calls;
        assert_int_equal(tdev_boot(&dev, NULL), LOCK_OK);
        assert_int_equal(dev.door, 0);
        assert_int_equal(dev.door_calls, calls + 1); /* exactly one call: off */
        assert_false(door_view());
        assert_int_equal(lock_get_state(&dev.lk), LOCK_LOCKED);
    }
    /* Recovery and a missing KDF: off too. */
    fresh_with_pin(NULL);
    memset(dev.flash, 0, sizeof dev.flash);
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_ERR_RECOVERY);
    assert_int_equal(dev.door, 0);
    dev.h.kdf = NULL;
    assert_int_equal(tdev_boot(&dev, NULL), LOCK_ERR_ARG);
    assert_int_equal(dev.door, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_on_only_while_unlocked),
        cmocka_unit_test(test_relock_timeout),
        cmocka_unit_test(test_off_after_boot_in_every_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
