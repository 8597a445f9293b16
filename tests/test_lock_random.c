/* test_lock_random.c - long random event sequences (digits, backspace, clear,
 * Enter, ticks, menu actions, reboots and power cuts in the middle of flash
 * writes) against a small independent model of the lock's rules.
 *
 * The model knows nothing of storage, hashing or slots: it keeps the PIN as a
 * string, the typed digits, the failure count and the remaining wait, and
 * applies the rules of the issue. After every event the lock must agree with
 * it (state, digits shown, failures, wait), and the key invariant holds:
 * the lock is UNLOCKED only if the model saw the correct current PIN (or a
 * newly set one) since the last lock or boot. After a power cut the stored
 * record must be the model's state before the event, after it, or (for an
 * attempt) the pessimistic "failure counted" state in between. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "util/lock_hal.h"
#include "util/testutil.h"

static test_dev dev;
static lock_config cfg;

/* ---- the reference model ------------------------------------------------- */

typedef struct model {
    lock_state state;
    lock_state origin;
    lock_purpose purpose;
    char pin[LOCK_PIN_MAX + 1]; /* "" = no PIN */
    char entry[LOCK_PIN_MAX + 1];
    char pending[LOCK_PIN_MAX + 1];
    uint32_t failed;
    uint32_t wait_ms;
    bool proven;      /* correct PIN seen (or PIN set) since the last lock/boot */
    uint32_t open_ms; /* time since the last unlock or PIN set (auto-relock) */
} model;

static size_t max_entry(const model *m)
{
    switch (m->state) {
    case LOCK_ENROLL: return LOCK_PIN_MAX;
    case LOCK_CONFIRM: return strlen(m->pending);
    case LOCK_LOCKED:
    case LOCK_VERIFY: return strlen(m->pin);
    default: return 0;
    }
}

static bool entering(const model *m)
{
    return m->state == LOCK_ENROLL || m->state == LOCK_CONFIRM || m->state == LOCK_LOCKED ||
           m->state == LOCK_VERIFY;
}

static void m_go(model *m, lock_state s, lock_purpose p)
{
    m->entry[0] = 0;
    if (s != LOCK_CONFIRM)
        m->pending[0] = 0;
    m->state = s;
    m->purpose = p;
}

static void m_no_pin(model *m)
{
    m->pin[0] = 0;
    m->failed = 0;
    m->wait_ms = 0;
    m_go(m, LOCK_NO_PIN, LOCK_PURPOSE_NONE);
}

static bool wipe_due(const model *m)
{
    return cfg.schedule.wipe_after && m->failed >= cfg.schedule.wipe_after;
}

static void m_boot(model *m)
{
    m->proven = false;
    m->open_ms = 0;
    m->state = m->pin[0] ? LOCK_LOCKED : LOCK_NO_PIN;
    m->entry[0] = m->pending[0] = 0;
    m->purpose = LOCK_PURPOSE_NONE;
    if (m->pin[0] && wipe_due(m))
        m_no_pin(m);
}

static void m_digit(model *m, int d)
{
    if (m->state == LOCK_NO_PIN) {
        m_go(m, LOCK_ENROLL, LOCK_PURPOSE_NONE);
        m->origin = LOCK_NO_PIN;
    }
    if (!entering(m) || ((m->state == LOCK_LOCKED || m->state == LOCK_VERIFY) && m->wait_ms))
        return;
    size_t n = strlen(m->entry);
    if (n < max_entry(m)) {
        m->entry[n] = (char)('0' + d);
        m->entry[n + 1] = 0;
    }
}

static void m_enter(model *m)
{
    size_t n = strlen(m->entry);
    switch (m->state) {
    case LOCK_ENROLL:
        if (n < cfg.enroll_min_len)
            return;
        strcpy(m->pending, m->entry);
        m_go(m, LOCK_CONFIRM, m->purpose);
        return;
    case LOCK_CONFIRM:
        if (n < strlen(m->pending))
            return;
        if (strcmp(m->entry, m->pending) != 0) {
            m_go(m, LOCK_ENROLL, m->purpose);
            return;
        }
        strcpy(m->pin, m->pending);
        m->failed = 0;
        m->wait_ms = 0;
        m->proven = true;
        m->open_ms = 0;
        m_go(m, LOCK_UNLOCKED, LOCK_PURPOSE_NONE);
        return;
    case LOCK_LOCKED:
    case LOCK_VERIFY:
        if (m->wait_ms || n < strlen(m->pin))
            return;
        if (wipe_due(m)) {
            m_no_pin(m);
            return;
        }
        m->failed++;
        m->wait_ms = lock_delay_s(&cfg.schedule, m->failed) * 1000u;
        if (strcmp(m->entry, m->pin) != 0) {
            m->entry[0] = 0;
            if (wipe_due(m))
                m_no_pin(m);
            return;
        }
        m->failed = 0;
        m->wait_ms = 0;
        if (m->state == LOCK_LOCKED) {
            m->proven = true;
            m->open_ms = 0;
            m_go(m, LOCK_UNLOCKED, LOCK_PURPOSE_NONE);
        } else if (m->purpose == LOCK_PURPOSE_REMOVE) {
            m_no_pin(m);
        } else {
            m_go(m, LOCK_ENROLL, LOCK_PURPOSE_CHANGE);
            m->origin = LOCK_UNLOCKED;
        }
        return;
    default: return;
    }
}

/* ---- events --------------------------------------------------------------- */

enum ev {
    EV_DIGIT,
    EV_BACKSPACE,
    EV_CLEAR,
    EV_ENTER,
    EV_TICK,
    EV_LOCK,
    EV_CHANGE,
    EV_REMOVE,
    EV_CANCEL,
    EV_REBOOT,
    EV_ARM_CUT,
    EV_N
};

static uint64_t rng;
static uint32_t rnd(uint32_t n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng >> 33) % n;
}

static uint32_t clock_ms;

/* Applies one event to the model only. */
static void model_apply(model *m, enum ev e, int arg)
{
    switch (e) {
    case EV_DIGIT: m_digit(m, arg); break;
    case EV_BACKSPACE:
        if (entering(m) && m->entry[0])
            m->entry[strlen(m->entry) - 1] = 0;
        break;
    case EV_CLEAR:
        if (entering(m))
            m->entry[0] = 0;
        break;
    case EV_ENTER: m_enter(m); break;
    case EV_TICK:
        m->wait_ms -= (uint32_t)arg < m->wait_ms ? (uint32_t)arg : m->wait_ms;
        m->open_ms += (uint32_t)arg;
        if (cfg.relock_ms && m->open_ms >= cfg.relock_ms && m->pin[0] &&
            (m->state == LOCK_UNLOCKED ||
             (m->origin == LOCK_UNLOCKED &&
              (m->state == LOCK_VERIFY || m->state == LOCK_ENROLL || m->state == LOCK_CONFIRM)))) {
            m_go(m, LOCK_LOCKED, LOCK_PURPOSE_NONE); /* auto-relock */
            m->proven = false;
        }
        break;
    case EV_LOCK:
        if (m->state == LOCK_UNLOCKED) {
            m_go(m, LOCK_LOCKED, LOCK_PURPOSE_NONE);
            m->proven = false;
        }
        break;
    case EV_CHANGE:
        if (m->state == LOCK_NO_PIN) {
            m_go(m, LOCK_ENROLL, LOCK_PURPOSE_NONE);
            m->origin = LOCK_NO_PIN;
        } else if (m->state == LOCK_UNLOCKED) {
            m_go(m, LOCK_VERIFY, LOCK_PURPOSE_CHANGE);
            m->origin = LOCK_UNLOCKED;
        }
        break;
    case EV_REMOVE:
        if (m->state == LOCK_UNLOCKED) {
            m_go(m, LOCK_VERIFY, LOCK_PURPOSE_REMOVE);
            m->origin = LOCK_UNLOCKED;
        }
        break;
    case EV_CANCEL:
        if (m->state == LOCK_VERIFY || m->state == LOCK_ENROLL || m->state == LOCK_CONFIRM)
            m_go(m, m->origin, LOCK_PURPOSE_NONE);
        break;
    case EV_REBOOT: m_boot(m); break;
    default: break;
    }
}

/* With an asynchronous KDF, Enter leaves the lock checking: every event in
 * between must be refused without changing anything the view shows. */
static void poke_while_checking(void)
{
    lock_view before, after;
    lock_get_view(&dev.lk, &before);
    assert_true(before.checking);
    assert_false(before.door_open);
    for (uint32_t i = rnd(4); i > 0; i--) {
        lock_result r;
        switch (rnd(8)) {
        case 0: r = lock_digit(&dev.lk, (int)rnd(10)); break;
        case 1: r = lock_backspace(&dev.lk); break;
        case 2: r = lock_clear(&dev.lk); break;
        case 3: r = lock_enter(&dev.lk); break;
        case 4: r = lock_lock(&dev.lk); break;
        case 5: r = lock_change_pin(&dev.lk); break;
        case 6: r = lock_remove_pin(&dev.lk); break;
        default: r = lock_cancel(&dev.lk); break;
        }
        assert_int_equal(r, LOCK_RESULT_CHECKING);
    }
    lock_get_view(&dev.lk, &after);
    assert_int_equal(after.state, before.state);
    assert_int_equal(after.digits, before.digits);
    assert_int_equal(after.failed_attempts, before.failed_attempts);
    assert_int_equal(after.wait_ms, before.wait_ms);
    assert_true(after.checking && !after.door_open);
}

static void enter(void)
{
    long starts = dev.kdf_starts;
    lock_result r = lock_enter(&dev.lk);
    if (!dev.async_kdf) {
        assert_int_not_equal(r, LOCK_RESULT_CHECKING);
        return;
    }
    if (r != LOCK_RESULT_CHECKING)
        return;
    assert_true(dev.req_open);
    poke_while_checking();
    assert_int_equal(dev.kdf_starts, starts + 1); /* one request, none while checking */
    tdev_answer(&dev);
}

/* Applies one event to the lock only (may longjmp out on a power cut). */
static void lock_apply(enum ev e, int arg)
{
    switch (e) {
    case EV_DIGIT: lock_digit(&dev.lk, arg); break;
    case EV_BACKSPACE: lock_backspace(&dev.lk); break;
    case EV_CLEAR: lock_clear(&dev.lk); break;
    case EV_ENTER: enter(); break;
    case EV_TICK:
        clock_ms += (uint32_t)arg;
        lock_tick(&dev.lk, clock_ms);
        break;
    case EV_LOCK: lock_lock(&dev.lk); break;
    case EV_CHANGE: lock_change_pin(&dev.lk); break;
    case EV_REMOVE: lock_remove_pin(&dev.lk); break;
    case EV_CANCEL: lock_cancel(&dev.lk); break;
    case EV_REBOOT:
        assert_int_equal(tdev_boot(&dev, &cfg), LOCK_OK);
        assert_int_equal(dev.door, 0); /* switched off first thing at boot */
        lock_tick(&dev.lk, clock_ms);
        break;
    default: break;
    }
}

/* NULL when the lock agrees with the model, else what differs. */
static const char *disagreement(const model *m)
{
    lock_view v;
    lock_get_view(&dev.lk, &v);
    /* The invariant first: open only after the correct current PIN. */
    if (v.state == LOCK_UNLOCKED && !m->proven)
        return "UNLOCKED without the correct PIN since the last lock";
    /* The door output: on exactly while UNLOCKED, hence never without the PIN. */
    if (v.door_open != (v.state == LOCK_UNLOCKED) || dev.door != (v.door_open ? 1 : 0))
        return "door output";
    if (v.state != m->state)
        return "state";
    if (v.digits != strlen(m->entry))
        return "digits shown";
    if (v.failed_attempts != m->failed)
        return "failure count";
    if (v.wait_ms != m->wait_ms)
        return "wait";
    if (v.recovery_needed)
        return "recovery";
    return NULL;
}

/* Does the stored record hold model state s's PIN and counter? */
static bool stored_is(const store_record *r, const char *pin, uint32_t failed)
{
    if (pin[0] == 0)
        return !r->has_pin;
    return r->has_pin && tdev_record_is_pin(&dev, r, pin) && r->failed_attempts == failed;
}

typedef struct stats {
    long events, unlocks, wrong, pin_sets, cuts, reboots;
} stats;

/* Power was cut during event e. The record must be before, after, or the
 * pessimistic "attempt counted" state; the model continues from it. */
static void resync_after_cut(model *m, const model *before, const model *after, stats *st)
{
    st->cuts++;
    for (;;) { /* the reboot itself may write (and be cut): retry */
        jmp_buf env;
        dev.cut_env = &env;
        if (setjmp(env) == 0) {
            assert_int_equal(tdev_boot(&dev, &cfg), LOCK_OK);
            break;
        }
    }
    assert_int_equal(dev.door, 0); /* off after a power cut, whatever the state was */
    lock_tick(&dev.lk, clock_ms);
    store_record r;
    assert_int_equal(tdev_record(&dev, &r), STORE_OK);
    if (stored_is(&r, after->pin, after->failed) && r.lockout_ms >= after->wait_ms) {
        *m = *after;
    } else if (stored_is(&r, before->pin, before->failed) && r.lockout_ms >= before->wait_ms) {
        *m = *before;
    } else {
        /* The attempt was persisted as a failure, the outcome was not. If
         * that failure reached the wipe limit, boot finished the wipe: the
         * outcome of a cut last-chance attempt counts as a failure. */
        *m = *before;
        m->failed = before->failed + 1;
        m->wait_ms = lock_delay_s(&cfg.schedule, m->failed) * 1000u;
        if (wipe_due(m)) {
            assert_false(r.has_pin);
        } else {
            assert_true(stored_is(&r, before->pin, before->failed + 1));
            assert_int_equal(r.lockout_ms, m->wait_ms);
        }
    }
    /* A reboot never shortens a wait; adopt the (possibly longer) stored one. */
    assert_true(r.lockout_ms <= lock_delay_s(&cfg.schedule, r.failed_attempts) * 1000u);
    m->wait_ms = r.lockout_ms;
    m_boot(m);
}

/* Returns NULL, or the first disagreement (then stops). */
static const char *run(uint64_t seed, long n_events, stats *st)
{
    rng = seed;
    tdev_new(&dev, seed * 7 + 1);
    lock_default_config(&cfg);
    /* Fast schedule so that waits end within the sequence; half the runs wipe. */
    cfg.schedule = (lock_schedule){2, 3, {1, 2, 5}, (seed & 1) ? 7u : 0u};
    cfg.enroll_preview_ms = rnd(2) ? 300 : 0;
    cfg.relock_ms = rnd(2) ? 3000 : 0; /* auto-relock, or stay open until Lock */
    clock_ms = rnd(0xFFFFFFFFu);
    model m;
    memset(&m, 0, sizeof m);
    m.state = LOCK_NO_PIN;
    assert_int_equal(tdev_boot(&dev, &cfg), LOCK_OK);
    lock_tick(&dev.lk, clock_ms);
    static const unsigned weights[EV_N] = {40, 3, 1, 12, 10, 3, 2, 1, 1, 1, 2};
    unsigned total = 0;
    for (int i = 0; i < EV_N; i++)
        total += weights[i];
    /* A script: digits of a "meant" PIN followed by Enter, fed one event at a
     * time, so that confirmations match and correct PINs get typed often. */
    char script[LOCK_PIN_MAX + 2];
    size_t script_pos = 0, script_len = 0;
    for (long k = 0; k < n_events; k++) {
        int e = 0, arg = 0;
        if (script_pos == script_len && rnd(6) == 0) {
            const char *src = NULL;
            char fresh_pin[LOCK_PIN_MAX + 1];
            size_t n = 4 + rnd(3);
            for (size_t i = 0; i < n; i++)
                fresh_pin[i] = (char)('0' + rnd(3));
            fresh_pin[n] = 0;
            if (m.state == LOCK_CONFIRM && rnd(8))
                src = m.pending;
            else if ((m.state == LOCK_LOCKED || m.state == LOCK_VERIFY) && rnd(2))
                src = m.pin;
            else
                src = fresh_pin;
            script_len = (size_t)sprintf(script, "%s\n", src);
            script_pos = 0;
        }
        bool scripted = script_pos < script_len;
        if (scripted) {
            char c = script[script_pos++];
            e = c == '\n' ? EV_ENTER : EV_DIGIT;
            arg = c - '0';
        } else {
            unsigned pick = rnd(total);
            while (pick >= weights[e])
                pick -= weights[e++];
        }
        if (e == EV_DIGIT && !scripted)
            arg = 1 + (int)rnd(2); /* random typing: digits 1/2, PINs get guessed too */
        if (e == EV_TICK)
            arg = rnd(8) == 0 ? (int)rnd(6000) : (int)rnd(400);
        if (e == EV_ARM_CUT) {
            if (dev.fault.cut_at == 0) {
                uint32_t n = 1 + rnd(150);
                tdev_cut_after(&dev, n, (int)rnd(2));
            }
            continue;
        }
        model before = m, after = m;
        volatile lock_state s0 = m.state;
        model_apply(&after, (enum ev)e, arg);
        jmp_buf env;
        dev.cut_env = &env;
        if (setjmp(env) == 0) {
            lock_apply((enum ev)e, arg);
            m = after;
            if (e == EV_REBOOT) {
                /* The wait resumes from its last checkpoint: never shorter than
                 * what was left, never longer than the full delay. */
                uint32_t w = dev.lk.rec.lockout_ms;
                assert_true(w >= m.wait_ms);
                assert_true(w <= lock_delay_s(&cfg.schedule, m.failed) * 1000u);
                m.wait_ms = w;
            }
        } else {
            resync_after_cut(&m, &before, &after, st);
        }
        st->events++;
        st->reboots += e == EV_REBOOT;
        if (e == EV_ENTER && (s0 == LOCK_LOCKED || s0 == LOCK_VERIFY) && m.failed > before.failed)
            st->wrong++;
        if (m.state == LOCK_UNLOCKED && s0 == LOCK_LOCKED)
            st->unlocks++;
        if (e == EV_ENTER && s0 == LOCK_CONFIRM && m.state == LOCK_UNLOCKED)
            st->pin_sets++;
        const char *why = disagreement(&m);
        if (why)
            return why;
    }
    return NULL;
}

static void test_random_sequences(void **state)
{
    (void)state;
    int runs = test_sanitized() ? 60 : 200;
    if (getenv("INKPIN_LOCK_RANDOM_RUNS")) /* longer soak runs by hand */
        runs = atoi(getenv("INKPIN_LOCK_RANDOM_RUNS"));
    stats st = {0};
    long async_runs = 0;
    for (int i = 0; i < runs; i++) {
        dev.async_kdf = i & 1; /* every other run through kdf_start + lock_kdf_done */
        async_runs += dev.async_kdf;
        const char *why = run(1000u + (uint64_t)i, 2000, &st);
        if (why)
            fail_msg("seed %d (%s KDF): lock and model disagree: %s", 1000 + i,
                     dev.async_kdf ? "async" : "sync", why);
    }
    dev.async_kdf = 0;
    printf("random: %ld of the runs with the asynchronous KDF\n", async_runs);
    printf("random: %d runs, %ld events, %ld PINs set, %ld unlocks, %ld wrong attempts, "
           "%ld reboots, %ld power cuts mid-write\n",
           runs, st.events, st.pin_sets, st.unlocks, st.wrong, st.reboots, st.cuts);
    /* The sequences really exercise the interesting paths. */
    assert_true(st.unlocks > runs / 2 && st.wrong > runs && st.pin_sets > runs / 2 &&
                st.cuts > runs);
}

/* Negative control: a KDF that ignores the PIN (every PIN hashes alike) makes
 * the lock open on wrong PINs; the model must notice. */
static void test_model_catches_broken_kdf(void **state)
{
    (void)state;
    stats st = {0};
    int caught = 0, opened = 0;
    for (int i = 0; i < 20; i++) {
        dev.kdf_ignores_pin = 1; /* tdev_new keeps it */
        dev.async_kdf = i & 1;
        const char *why = run(5000u + (uint64_t)i, 2000, &st);
        caught += why != NULL;
        opened += why && strstr(why, "UNLOCKED without");
    }
    dev.kdf_ignores_pin = 0;
    dev.async_kdf = 0;
    printf(
        "negative control (KDF ignores PIN): caught in %d of 20 runs (%d as a wrongful unlock)\n",
        caught, opened);
    assert_int_equal(caught, 20);
    assert_true(opened >= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_sequences),
                                       cmocka_unit_test(test_model_catches_broken_kdf)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
