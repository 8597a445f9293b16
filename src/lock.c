/* lock.c - PIN lock state machine. See src/inkpin/lock.h for the manual.
 *
 * Invariants kept here:
 *   - lk->rec mirrors the newest stored record, except lockout_ms, which counts
 *     down in RAM between checkpoints (the stored value is never smaller).
 *   - An attempt is persisted as a failure (counter + its wait) before the
 *     hash is requested; success rewrites it. With an asynchronous KDF the
 *     lock waits in `check` for lock_kdf_done; a reboot meanwhile leaves the
 *     stored failure, and nothing but the done call ends the check.
 *   - Secrets (entry, pending, ASCII PIN, computed hash) are wiped on every
 *     path that leaves them, and only constant strings go to hal->log.
 */
#include "inkpin/lock.h"

#include <string.h>

#include "inkpin/util.h"

/* The ctgrind test (tests/test_lock_ctgrind.c) includes this file with this
 * macro mapped to VALGRIND_MAKE_MEM_DEFINED: a comparison's result is public,
 * everything that led to it is not. */
#ifndef LOCK_DECLASSIFY
#define LOCK_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif

#define MAX_DELAY_S (STORE_MAX_LOCKOUT_MS / 1000u)
#define CHECKPOINT_MIN_MS 1000u
#define DEFAULT_RELOCK_MS 10000u
#define CLOCK_BACKWARDS 0x80000000u /* a difference this large is a step back */

const lock_schedule lock_default_schedule = {
    4u, 7u, {30u, 60u, 300u, 900u, 3600u, 10800u, 43200u}, 0u};

/* ---- small helpers ------------------------------------------------------ */

static void log_line(const lock_ctx *lk, const char *constant_text)
{
    if (lk->hal && lk->hal->log)
        lk->hal->log(lk->hal->ctx, constant_text);
}

static bool wipe_enabled(const lock_ctx *lk)
{
    return lk->cfg.schedule.wipe_after != 0;
}

static void wipe_entry(lock_ctx *lk)
{
    util_wipe(lk->entry, sizeof lk->entry);
    lk->entry_len = 0;
}

static void wipe_pending(lock_ctx *lk)
{
    util_wipe(lk->pending, sizeof lk->pending);
    lk->pending_len = 0;
}

/* The door output follows the state: on exactly while UNLOCKED. Called after
 * every event, so no path can leave it on in another state. */
static void sync_door(lock_ctx *lk)
{
    bool want = lk->state == LOCK_UNLOCKED;
    if (want == lk->door_open)
        return;
    lk->door_open = want;
    if (lk->hal && lk->hal->door)
        lk->hal->door(lk->hal->ctx, want);
}

static lock_result finish(lock_ctx *lk, lock_result r)
{
    lk->last = r;
    sync_door(lk);
    return r;
}

/* ---- schedule ----------------------------------------------------------- */

uint32_t lock_delay_s(const lock_schedule *s, uint32_t n)
{
    if (!s)
        return 0;
    if (n <= s->free_attempts || s->delay_count == 0)
        return 0;
    uint32_t i = n - s->free_attempts - 1u;
    uint32_t last = s->delay_count - 1u;
    return s->delays_s[i < last ? i : last];
}

uint64_t lock_exhaust_s(const lock_schedule *s, uint32_t pins)
{
    if (!s)
        return 0;
    uint32_t failures = pins > 0 ? pins - 1u : 0u; /* the last PIN needs no wait after it */
    uint64_t total = 0;
    uint32_t n = s->free_attempts + 1u;
    if (s->delay_count == 0 || failures < n)
        return 0;
    /* Explicit entries, then the cap for every remaining failure. */
    for (uint32_t i = 0; i + 1u < s->delay_count && n <= failures; i++, n++)
        total += s->delays_s[i];
    if (n <= failures)
        total += (uint64_t)(failures - n + 1u) * s->delays_s[s->delay_count - 1u];
    return total;
}

static uint32_t delay_ms(const lock_ctx *lk, uint32_t n)
{
    return lock_delay_s(&lk->cfg.schedule, n) * 1000u;
}

void lock_default_config(lock_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->schedule = lock_default_schedule;
    cfg->enroll_min_len = LOCK_PIN_MIN;
    cfg->enroll_preview_ms = 1000u;
    cfg->unlock_preview_ms = 0u;
    cfg->relock_ms = DEFAULT_RELOCK_MS;
}

static bool config_ok(const lock_config *c)
{
    const lock_schedule *s = &c->schedule;
    if (c->enroll_min_len < LOCK_PIN_MIN || c->enroll_min_len > LOCK_PIN_MAX)
        return false;
    if (s->delay_count < 1u || s->delay_count > LOCK_SCHEDULE_MAX)
        return false;
    for (uint32_t i = 0; i < s->delay_count; i++)
        if (s->delays_s[i] > MAX_DELAY_S)
            return false;
    return true;
}

/* ---- persistence -------------------------------------------------------- */

/* Writes the record to both slots, older first. After the first write the
 * new record is the newest (a cut from here on boots with it); after the
 * second, a later bit error in either slot cannot roll the lock back to an
 * older record (e.g. from "PIN set" to "no PIN"). If only the second write
 * fails, the record is stored and the mirror is redone by the next save or
 * boot. The first write is tried twice before the storage counts as failed. */
static bool save(lock_ctx *lk, store_record *r)
{
    if (store_save(&lk->st, r) != STORE_OK && store_save(&lk->st, r) != STORE_OK) {
        log_line(lk, "lock: storage write failed");
        return false;
    }
    if (store_save(&lk->st, r) != STORE_OK)
        log_line(lk, "lock: storage mirror write failed");
    return true;
}

/* A record without PIN and a fresh salt. Writes it and mirrors it on success. */
static bool save_no_pin(lock_ctx *lk)
{
    store_record r = lk->rec;
    r.has_pin = false;
    r.pin_len = 0;
    r.failed_attempts = 0;
    r.lockout_ms = 0;
    util_wipe(r.hash, sizeof r.hash);
    if (lk->hal->random(lk->hal->ctx, r.salt, sizeof r.salt) != 0)
        log_line(lk, "lock: random failed, salt kept");
    bool ok = save(lk, &r);
    if (ok) {
        lk->rec = r;
        lk->wait_at_checkpoint_ms = 0;
    }
    util_wipe(&r, sizeof r);
    return ok;
}

/* The first record written must be a no-PIN one (store.h: slot 1 decides
 * whether an unreadable region is fresh or corrupt). */
static bool ensure_provisioned(lock_ctx *lk)
{
    return lk->st.newest >= 0 || save_no_pin(lk);
}

/* A write the lock needs (an attempt's failure record, a new PIN, a wipe)
 * did not reach the flash: nothing can be counted, so nothing may be
 * compared. Fail closed into recovery and say why (view.storage_failed). */
static lock_result storage_failed(lock_ctx *lk)
{
    log_line(lk, "lock: storage failing, recovery needed");
    lk->storage_failed = true;
    wipe_entry(lk);
    wipe_pending(lk);
    lk->preview = -1;
    lk->preview_left_ms = 0;
    lk->state = LOCK_RECOVERY;
    lk->purpose = LOCK_PURPOSE_NONE;
    return LOCK_RESULT_STORAGE_FAILED;
}

/* Boot found the newest record in one slot and the other slot erased, torn or
 * bad: write the mirror now, so that one more fault in the remaining slot
 * cannot leave the device without a readable record. */
static void restore_mirror(lock_ctx *lk)
{
    int other = lk->st.newest == 0 ? 1 : 0;
    if (lk->st.slot[other] == STORE_SLOT_VALID)
        return;
    store_record r = lk->rec;
    if (store_save(&lk->st, &r) == STORE_OK)
        lk->rec.sequence = r.sequence;
    else
        log_line(lk, "lock: storage mirror write failed");
    util_wipe(&r, sizeof r);
}

/* ---- entry rules per state ---------------------------------------------- */

/* A KDF started by kdf_start has not answered yet: every event waits. */
static bool checking(const lock_ctx *lk)
{
    return lk->check != LOCK_CHECK_NONE;
}

static bool takes_digits(lock_state s)
{
    return s == LOCK_ENROLL || s == LOCK_CONFIRM || s == LOCK_LOCKED || s == LOCK_VERIFY;
}

static bool is_attempt_state(lock_state s)
{
    return s == LOCK_LOCKED || s == LOCK_VERIFY;
}

static uint8_t entry_min(const lock_ctx *lk)
{
    switch (lk->state) {
    case LOCK_ENROLL: return lk->cfg.enroll_min_len;
    case LOCK_CONFIRM: return lk->pending_len;
    case LOCK_LOCKED:
    case LOCK_VERIFY: return lk->rec.pin_len;
    default: return 0;
    }
}

static uint8_t entry_max(const lock_ctx *lk)
{
    return lk->state == LOCK_ENROLL ? (uint8_t)LOCK_PIN_MAX : entry_min(lk);
}

static bool waiting(const lock_ctx *lk)
{
    return is_attempt_state(lk->state) && lk->rec.lockout_ms > 0;
}

static uint32_t preview_ms(const lock_ctx *lk)
{
    bool enrolling = lk->state == LOCK_ENROLL || lk->state == LOCK_CONFIRM;
    return enrolling ? lk->cfg.enroll_preview_ms : lk->cfg.unlock_preview_ms;
}

static void hide_preview(lock_ctx *lk)
{
    lk->preview = -1;
    lk->preview_left_ms = 0;
}

static void go(lock_ctx *lk, lock_state s, lock_purpose p)
{
    wipe_entry(lk);
    if (s != LOCK_CONFIRM)
        wipe_pending(lk);
    hide_preview(lk);
    lk->state = s;
    lk->purpose = p;
}

static void start_enroll(lock_ctx *lk, lock_purpose p, lock_state origin)
{
    go(lk, LOCK_ENROLL, p);
    lk->origin = origin;
}

/* ---- boot --------------------------------------------------------------- */

const char *lock_strerror(lock_err e)
{
    switch (e) {
    case LOCK_OK: return "ok";
    case LOCK_ERR_ARG: return "null pointer, missing HAL callback or config out of range";
    case LOCK_ERR_RECOVERY: return "record corrupt: recovery needed";
    case LOCK_ERR_STORAGE: return "storage failed";
    }
    return "unknown error";
}

lock_err lock_init(lock_ctx *lk, const hal *h, const lock_config *cfg)
{
    if (!lk)
        return LOCK_ERR_ARG;
    memset(lk, 0, sizeof *lk);
    lk->preview = -1;
    lk->state = LOCK_RECOVERY;
    lk->hal = h;
    /* Off at every boot, before anything can fail: the output may have been
     * on when the power went. */
    if (h && h->door)
        h->door(h->ctx, false);
    if (cfg)
        lk->cfg = *cfg;
    else
        lock_default_config(&lk->cfg);
    if (!h || (!h->kdf && !h->kdf_start) || !h->random || !config_ok(&lk->cfg))
        return LOCK_ERR_ARG;

    int rc = store_load(&lk->st, &h->storage, &lk->rec);
    if (rc == STORE_ERR_EMPTY) {
        lk->state = LOCK_NO_PIN;
        return ensure_provisioned(lk) ? LOCK_OK : LOCK_ERR_STORAGE;
    }
    if (rc != STORE_OK) {
        log_line(lk, "lock: record unreadable, recovery needed");
        return rc == STORE_ERR_CORRUPT ? LOCK_ERR_RECOVERY : LOCK_ERR_STORAGE;
    }
    lk->wait_at_checkpoint_ms = lk->rec.lockout_ms;
    lk->state = lk->rec.has_pin ? LOCK_LOCKED : LOCK_NO_PIN;
    restore_mirror(lk);
    /* A cut between "failure persisted" and "PIN wiped" finishes the wipe now. */
    if (lk->rec.has_pin && wipe_enabled(lk) &&
        lk->rec.failed_attempts >= lk->cfg.schedule.wipe_after) {
        log_line(lk, "lock: attempt limit reached, PIN wiped");
        if (save_no_pin(lk))
            lk->state = LOCK_NO_PIN;
    }
    return LOCK_OK;
}

/* ---- digits ------------------------------------------------------------- */

/* Every event opens with this rule: a NULL lock ignores it, and while a
 * check is out (asynchronous KDF) the event changes nothing. True, with the
 * answer in *r, when the event stops here. */
static bool event_refused(lock_ctx *lk, lock_result *r)
{
    if (!lk) {
        *r = LOCK_RESULT_IGNORED;
        return true;
    }
    if (checking(lk)) {
        *r = finish(lk, LOCK_RESULT_CHECKING);
        return true;
    }
    return false;
}

lock_result lock_digit(lock_ctx *lk, int digit)
{
    lock_result refused;
    if (event_refused(lk, &refused))
        return refused;
    if (digit < 0 || digit > 9)
        return finish(lk, LOCK_RESULT_IGNORED); /* in every state, before anything changes */
    if (lk->state == LOCK_NO_PIN)
        start_enroll(lk, LOCK_PURPOSE_NONE, LOCK_NO_PIN);
    hide_preview(lk);
    if (!takes_digits(lk->state))
        return finish(lk, LOCK_RESULT_IGNORED);
    if (waiting(lk))
        return finish(lk, LOCK_RESULT_WAIT);
    if (lk->entry_len >= entry_max(lk))
        return finish(lk, LOCK_RESULT_FULL);
    lk->entry[lk->entry_len++] = (uint8_t)digit;
    if (preview_ms(lk) > 0) {
        lk->preview = (int8_t)digit;
        lk->preview_left_ms = preview_ms(lk);
    }
    return finish(lk, LOCK_RESULT_DIGIT);
}

lock_result lock_backspace(lock_ctx *lk)
{
    lock_result refused;
    if (event_refused(lk, &refused))
        return refused;
    hide_preview(lk);
    if (!takes_digits(lk->state))
        return finish(lk, LOCK_RESULT_IGNORED);
    if (lk->entry_len == 0)
        return finish(lk, LOCK_RESULT_EMPTY);
    lk->entry_len--;
    util_wipe(&lk->entry[lk->entry_len], 1); /* volatile: the digit is really gone */
    return finish(lk, LOCK_RESULT_BACKSPACE);
}

lock_result lock_clear(lock_ctx *lk)
{
    lock_result refused;
    if (event_refused(lk, &refused))
        return refused;
    hide_preview(lk);
    if (!takes_digits(lk->state))
        return finish(lk, LOCK_RESULT_IGNORED);
    if (lk->entry_len == 0)
        return finish(lk, LOCK_RESULT_EMPTY);
    wipe_entry(lk);
    return finish(lk, LOCK_RESULT_CLEARED);
}

/* ---- Enter -------------------------------------------------------------- */

/* Hashes the digits with the salt through the HAL. The synchronous kdf
 * writes the hash now (returns its rc); kdf_start copies the request and
 * answers later through lock_kdf_done (returns CHECK_STARTED, or its own
 * negative rc if it could not start). Wipes the ASCII copy. */
#define CHECK_STARTED 1

static int hash_digits(lock_ctx *lk, uint8_t hash[STORE_HASH_BYTES], const uint8_t *digits,
                       uint8_t n, const uint8_t salt[STORE_SALT_BYTES])
{
    char pin[LOCK_PIN_MAX];
    int rc;
    for (uint8_t i = 0; i < n; i++)
        pin[i] = (char)('0' + digits[i]);
    if (lk->hal->kdf) {
        rc = lk->hal->kdf(lk->hal->ctx, hash, pin, n, salt);
        if (rc > 0)
            rc = -1; /* outside the convention: a failure, never "started" */
    } else {
        rc = lk->hal->kdf_start(lk->hal->ctx, pin, n, salt);
        if (rc == 0)
            rc = CHECK_STARTED;
        else if (rc > 0)
            rc = -1;
    }
    util_wipe(pin, sizeof pin);
    return rc;
}

/* The new PIN's hash arrived (rc 0) or the KDF failed: store it, or start over. */
static lock_result new_pin_hashed(lock_ctx *lk, uint8_t hash[STORE_HASH_BYTES], int rc)
{
    store_record r = lk->rec;
    lock_result res = LOCK_RESULT_ERROR;
    if (rc != 0)
        goto done;
    memcpy(r.salt, lk->new_salt, sizeof r.salt);
    memcpy(r.hash, hash, sizeof r.hash);
    /* From here the hash is what the flash holds, readable by whoever reads the
     * flash (docs/security.md): no longer a timing secret. */
    LOCK_DECLASSIFY(r.hash, sizeof r.hash);
    r.has_pin = true;
    r.pin_len = lk->pending_len;
    r.failed_attempts = 0;
    r.lockout_ms = 0;
    if (!save(lk, &r)) {
        res = LOCK_RESULT_STORAGE_FAILED;
        goto done;
    }
    lk->rec = r;
    lk->wait_at_checkpoint_ms = 0;
    res = LOCK_RESULT_PIN_SET;
done:
    util_wipe(&r, sizeof r);
    util_wipe(lk->new_salt, sizeof lk->new_salt);
    if (res == LOCK_RESULT_PIN_SET) {
        go(lk, LOCK_UNLOCKED, LOCK_PURPOSE_NONE);
        lk->open_ms = 0;
    } else if (res == LOCK_RESULT_STORAGE_FAILED) {
        res = storage_failed(lk);
    } else {
        start_enroll(lk, lk->purpose, lk->origin); /* start over; nothing changed */
    }
    return res;
}

/* CONFIRM + Enter with a matching entry: hash the new PIN with a fresh salt. */
static lock_result set_pin(lock_ctx *lk)
{
    uint8_t hash[STORE_HASH_BYTES] = {0};
    int rc = -1;
    if (ensure_provisioned(lk) &&
        lk->hal->random(lk->hal->ctx, lk->new_salt, sizeof lk->new_salt) == 0)
        rc = hash_digits(lk, hash, lk->pending, lk->pending_len, lk->new_salt);
    util_wipe(lk->pending, sizeof lk->pending); /* pending_len stays: the new PIN's length */
    if (rc == CHECK_STARTED) {
        lk->check = LOCK_CHECK_NEW_PIN;
        return LOCK_RESULT_CHECKING;
    }
    lock_result res = new_pin_hashed(lk, hash, rc);
    util_wipe(hash, sizeof hash);
    return res;
}

static lock_result enter_confirm(lock_ctx *lk)
{
    if (lk->entry_len < lk->pending_len)
        return LOCK_RESULT_TOO_SHORT;
    int same = util_ct_equal(lk->entry, lk->pending, lk->pending_len);
    LOCK_DECLASSIFY(&same, sizeof same);
    wipe_entry(lk);
    if (!same) {
        start_enroll(lk, lk->purpose, lk->origin);
        return LOCK_RESULT_MISMATCH;
    }
    return set_pin(lk);
}

static lock_result wipe_pin(lock_ctx *lk, lock_result ok_result)
{
    if (!save_no_pin(lk))
        return storage_failed(lk);
    go(lk, LOCK_NO_PIN, LOCK_PURPOSE_NONE);
    return ok_result;
}

/* Persist the failure this attempt would be, before comparing anything. */
static bool persist_attempt(lock_ctx *lk)
{
    store_record r = lk->rec;
    if (r.failed_attempts != UINT32_MAX)
        r.failed_attempts++;
    r.lockout_ms = delay_ms(lk, r.failed_attempts);
    if (!save(lk, &r))
        return false;
    lk->rec = r;
    lk->wait_at_checkpoint_ms = r.lockout_ms;
    return true;
}

/* Compares a computed hash with the stored one in constant time. Returns 1
 * (match), 0 (no match) or -1 (the KDF failed: rc != 0). */
static int compare_hash(const lock_ctx *lk, const uint8_t hash[STORE_HASH_BYTES], int rc)
{
    int same = util_ct_equal(hash, lk->rec.hash, STORE_HASH_BYTES);
    LOCK_DECLASSIFY(&same, sizeof same);
    if (rc != 0)
        return -1;
    return same;
}

static lock_result after_success(lock_ctx *lk)
{
    store_record r = lk->rec;
    r.failed_attempts = 0;
    r.lockout_ms = 0;
    if (save(lk, &r)) { /* if this fails the pessimistic record stays: still safe */
        lk->rec = r;
        lk->wait_at_checkpoint_ms = 0;
    }
    if (lk->state == LOCK_LOCKED) {
        go(lk, LOCK_UNLOCKED, LOCK_PURPOSE_NONE);
        lk->open_ms = 0;
        return LOCK_RESULT_UNLOCKED;
    }
    if (lk->purpose == LOCK_PURPOSE_REMOVE)
        return wipe_pin(lk, LOCK_RESULT_PIN_REMOVED);
    start_enroll(lk, LOCK_PURPOSE_CHANGE, LOCK_UNLOCKED);
    return LOCK_RESULT_VERIFIED;
}

/* The attempt's hash arrived (rc 0) or the KDF failed; the failure is
 * already stored, so only a match changes the record. */
static lock_result attempt_hashed(lock_ctx *lk, const uint8_t hash[STORE_HASH_BYTES], int rc)
{
    int same = compare_hash(lk, hash, rc);
    if (same < 0)
        return LOCK_RESULT_ERROR;
    if (same)
        return after_success(lk);
    if (wipe_enabled(lk) && lk->rec.failed_attempts >= lk->cfg.schedule.wipe_after) {
        log_line(lk, "lock: attempt limit reached, PIN wiped");
        return wipe_pin(lk, LOCK_RESULT_WIPED);
    }
    return LOCK_RESULT_WRONG;
}

static lock_result enter_attempt(lock_ctx *lk)
{
    if (waiting(lk))
        return LOCK_RESULT_WAIT;
    if (lk->entry_len < lk->rec.pin_len)
        return LOCK_RESULT_TOO_SHORT;
    if (wipe_enabled(lk) && lk->rec.failed_attempts >= lk->cfg.schedule.wipe_after) {
        wipe_entry(lk);
        return wipe_pin(lk, LOCK_RESULT_WIPED);
    }
    if (!persist_attempt(lk))
        return storage_failed(lk);
    uint8_t hash[STORE_HASH_BYTES] = {0};
    int rc = hash_digits(lk, hash, lk->entry, lk->entry_len, lk->rec.salt);
    wipe_entry(lk);
    if (rc == CHECK_STARTED) {
        lk->check = LOCK_CHECK_ATTEMPT;
        return LOCK_RESULT_CHECKING;
    }
    lock_result res = attempt_hashed(lk, hash, rc);
    util_wipe(hash, sizeof hash);
    return res;
}

lock_result lock_enter(lock_ctx *lk)
{
    lock_result refused;
    if (event_refused(lk, &refused))
        return refused;
    hide_preview(lk);
    switch (lk->state) {
    case LOCK_ENROLL:
        if (lk->entry_len < lk->cfg.enroll_min_len)
            return finish(lk, LOCK_RESULT_TOO_SHORT);
        memcpy(lk->pending, lk->entry, sizeof lk->pending);
        lk->pending_len = lk->entry_len;
        go(lk, LOCK_CONFIRM, lk->purpose);
        return finish(lk, LOCK_RESULT_CONFIRM);
    case LOCK_CONFIRM: return finish(lk, enter_confirm(lk));
    case LOCK_LOCKED:
    case LOCK_VERIFY: return finish(lk, enter_attempt(lk));
    default: return finish(lk, LOCK_RESULT_IGNORED);
    }
}

lock_result lock_kdf_done(lock_ctx *lk, uint8_t hash[HAL_KDF_HASH_BYTES], int rc)
{
    uint8_t got[STORE_HASH_BYTES];
    if (!lk)
        return LOCK_RESULT_IGNORED;
    if (!checking(lk)) {
        if (hash)
            util_wipe(hash, HAL_KDF_HASH_BYTES);
        return finish(lk, LOCK_RESULT_IGNORED);
    }
    memset(got, 0, sizeof got);
    if (hash) {
        memcpy(got, hash, sizeof got);
        util_wipe(hash, HAL_KDF_HASH_BYTES);
    } else {
        rc = -1;
    }
    lock_check kind = lk->check;
    lk->check = LOCK_CHECK_NONE;
    lock_result res =
        kind == LOCK_CHECK_NEW_PIN ? new_pin_hashed(lk, got, rc) : attempt_hashed(lk, got, rc);
    util_wipe(got, sizeof got);
    return finish(lk, res);
}

/* ---- menu actions ------------------------------------------------------- */

lock_result lock_lock(lock_ctx *lk)
{
    lock_result refused;
    if (event_refused(lk, &refused))
        return refused;
    if (lk->state != LOCK_UNLOCKED)
        return finish(lk, LOCK_RESULT_IGNORED);
    go(lk, LOCK_LOCKED, LOCK_PURPOSE_NONE);
    return finish(lk, LOCK_RESULT_LOCKED);
}

lock_result lock_change_pin(lock_ctx *lk)
{
    lock_result refused;
    if (event_refused(lk, &refused))
        return refused;
    if (lk->state == LOCK_NO_PIN) {
        start_enroll(lk, LOCK_PURPOSE_NONE, LOCK_NO_PIN);
        return finish(lk, LOCK_RESULT_STARTED);
    }
    if (lk->state != LOCK_UNLOCKED)
        return finish(lk, LOCK_RESULT_IGNORED);
    go(lk, LOCK_VERIFY, LOCK_PURPOSE_CHANGE);
    lk->origin = LOCK_UNLOCKED;
    return finish(lk, LOCK_RESULT_STARTED);
}

lock_result lock_remove_pin(lock_ctx *lk)
{
    lock_result refused;
    if (event_refused(lk, &refused))
        return refused;
    if (lk->state != LOCK_UNLOCKED)
        return finish(lk, LOCK_RESULT_IGNORED);
    go(lk, LOCK_VERIFY, LOCK_PURPOSE_REMOVE);
    lk->origin = LOCK_UNLOCKED;
    return finish(lk, LOCK_RESULT_STARTED);
}

lock_result lock_cancel(lock_ctx *lk)
{
    lock_result refused;
    if (event_refused(lk, &refused))
        return refused;
    if (lk->state != LOCK_VERIFY && lk->state != LOCK_ENROLL && lk->state != LOCK_CONFIRM)
        return finish(lk, LOCK_RESULT_IGNORED);
    go(lk, lk->origin, LOCK_PURPOSE_NONE);
    return finish(lk, LOCK_RESULT_CANCELLED);
}

/* ---- time --------------------------------------------------------------- */

/* Persist the countdown before the stored wait runs a quarter of what is left
 * ahead (a second in the last 4 s), and when it reaches zero: a reboot
 * resumes at most that much above what was really left. */
static bool checkpoint_due(const lock_ctx *lk)
{
    uint32_t left = lk->rec.lockout_ms;
    uint32_t step = left / 4u > CHECKPOINT_MIN_MS ? left / 4u : CHECKPOINT_MIN_MS;
    return left == 0 || lk->wait_at_checkpoint_ms - left >= step;
}

/* A successful unlock (or a new PIN) opened the lock relock_ms ago, and it is
 * still open or in a PIN change/removal started from there: lock it. */
static bool relock_due(const lock_ctx *lk)
{
    bool from_open =
        lk->state == LOCK_UNLOCKED ||
        (lk->origin == LOCK_UNLOCKED &&
         (lk->state == LOCK_VERIFY || lk->state == LOCK_ENROLL || lk->state == LOCK_CONFIRM));
    return from_open && !checking(lk) && lk->rec.has_pin && lk->cfg.relock_ms != 0 &&
           lk->open_ms >= lk->cfg.relock_ms;
}

static lock_result count_down(lock_ctx *lk, uint32_t elapsed);

lock_result lock_tick(lock_ctx *lk, uint32_t now_ms)
{
    if (!lk)
        return LOCK_RESULT_IGNORED;
    if (!lk->have_tick) {
        lk->have_tick = true;
        lk->last_tick_ms = now_ms;
        return LOCK_RESULT_NONE;
    }
    /* now_ms is monotonic and wraps after 49.7 days; a difference of 2^31 or
     * more is a step backwards (a port bug, a counter reset): it counts as
     * no time at all, so it can never end a wait. */
    uint32_t elapsed = now_ms - lk->last_tick_ms;
    if (elapsed >= CLOCK_BACKWARDS)
        elapsed = 0;
    lk->last_tick_ms = now_ms;
    if (lk->open_ms < UINT32_MAX - elapsed)
        lk->open_ms += elapsed;
    else
        lk->open_ms = UINT32_MAX;
    lock_result res = count_down(lk, elapsed);
    if (relock_due(lk)) {
        log_line(lk, "lock: relocked after the timeout");
        go(lk, LOCK_LOCKED, LOCK_PURPOSE_NONE);
        res = finish(lk, LOCK_RESULT_LOCKED);
    }
    sync_door(lk);
    return res;
}

/* Preview timer and backoff countdown, with its checkpoints. */
static lock_result count_down(lock_ctx *lk, uint32_t elapsed)
{
    if (lk->preview_left_ms > elapsed) {
        lk->preview_left_ms -= elapsed;
    } else {
        hide_preview(lk);
    }
    if (lk->state == LOCK_RECOVERY || lk->rec.lockout_ms == 0)
        return LOCK_RESULT_NONE;
    lk->rec.lockout_ms -= elapsed < lk->rec.lockout_ms ? elapsed : lk->rec.lockout_ms;
    if (!checkpoint_due(lk))
        return LOCK_RESULT_NONE;
    /* One slot only: should this slot later go bad, the other holds the same
     * record with a longer wait, so no mirror is needed (half the wear). */
    store_record r = lk->rec;
    if (store_save(&lk->st, &r) != STORE_OK)
        return LOCK_RESULT_ERROR; /* the stored, longer wait still holds */
    lk->rec.sequence = r.sequence;
    lk->wait_at_checkpoint_ms = r.lockout_ms;
    return LOCK_RESULT_NONE;
}

/* ---- view --------------------------------------------------------------- */

lock_state lock_get_state(const lock_ctx *lk)
{
    return lk ? lk->state : LOCK_RECOVERY;
}

void lock_get_view(const lock_ctx *lk, lock_view *v)
{
    if (!v)
        return;
    memset(v, 0, sizeof *v);
    if (!lk) { /* no lock: what a lock that cannot be trusted shows */
        v->state = LOCK_RECOVERY;
        v->recovery_needed = true;
        v->attempts_before_wipe = UINT32_MAX;
        return;
    }
    v->state = lk->state;
    v->purpose = lk->purpose;
    v->last_result = lk->last;
    v->digits = lk->entry_len;
    v->min_digits = entry_min(lk);
    v->max_digits = takes_digits(lk->state) ? entry_max(lk) : 0;
    v->preview = lk->preview;
    v->open = lk->state != LOCK_LOCKED && lk->state != LOCK_RECOVERY;
    v->recovery_needed = lk->state == LOCK_RECOVERY;
    v->storage_failed = lk->storage_failed;
    v->door_open = lk->door_open;
    v->checking = checking(lk);
    v->wait_ms = lk->state == LOCK_RECOVERY ? 0 : lk->rec.lockout_ms;
    v->failed_attempts = lk->rec.failed_attempts;
    v->attempts_before_wipe = UINT32_MAX;
    if (wipe_enabled(lk)) {
        uint32_t m = lk->cfg.schedule.wipe_after, f = lk->rec.failed_attempts;
        v->attempts_before_wipe = m > f ? m - f : 0;
    }
}
