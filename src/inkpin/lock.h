/* lock.h - the PIN lock: enroll, unlock, change, remove, brute-force backoff.
 *
 * WHAT IT DOES
 *   An event-driven state machine for a PIN entered one recognized digit at a
 *   time. The app feeds it events (a digit, backspace, clear, Enter, a clock
 *   tick, menu actions) and draws what lock_get_view() returns. The PIN is
 *   never stored: the record holds a salted hash computed by the HAL KDF
 *   (Argon2id on the host, PBKDF2-SHA256 on ESP32), compared in constant time.
 *   Entered digits and hash buffers are wiped with volatile writes after use.
 *   Nothing secret (digits, PIN, hash) is ever passed to hal->log.
 *
 * STATES
 *   LOCK_NO_PIN    no PIN set, device open. A digit (or lock_change_pin) starts
 *                  enrollment.
 *   LOCK_ENROLL    enter a new PIN of min_len..8 digits (min_len default 4),
 *                  then Enter. Enter with fewer digits: LOCK_RESULT_TOO_SHORT.
 *   LOCK_CONFIRM   draw the same PIN again, then Enter. A mismatch restarts
 *                  enrollment (LOCK_RESULT_MISMATCH); a match stores the new
 *                  hash with a fresh random salt and opens (LOCK_UNLOCKED).
 *   LOCK_LOCKED    enter the PIN (exactly pin_len digits), then Enter.
 *   LOCK_UNLOCKED  open. lock_lock() locks; lock_change_pin() and
 *                  lock_remove_pin() first ask for the current PIN (LOCK_VERIFY).
 *   LOCK_VERIFY    prove the current PIN before a change (then LOCK_ENROLL) or
 *                  a removal (then LOCK_NO_PIN). Wrong PINs here count exactly
 *                  like wrong PINs in LOCK_LOCKED. lock_cancel() goes back.
 *   LOCK_RECOVERY  the stored record is unreadable (no valid slot and not
 *                  factory-fresh, or a storage read error at boot), or a
 *                  write the lock needs failed (worn-out flash:
 *                  view.storage_failed, LOCK_RESULT_STORAGE_FAILED). Fail
 *                  closed: every event is ignored; only the recovery procedure
 *                  (erase the storage region with a programmer, or replace
 *                  failing flash; docs/security.md) helps.
 *   A device with a PIN always boots into LOCK_LOCKED.
 *
 * DOOR OUTPUT AND AUTO-RELOCK
 *   hal->door (optional) is switched on exactly while the state is
 *   LOCK_UNLOCKED and off otherwise; lock_init switches it off first, at
 *   every boot. cfg.relock_ms after an unlock (or after setting a PIN) the
 *   lock locks itself again, also from a PIN change or removal begun there
 *   (default 10 s; 0 = stay unlocked until lock_lock). Time counts through
 *   lock_tick, so the app must tick the lock in every mode.
 *
 * BRUTE-FORCE PROTECTION
 *   Before every hash (synchronous or asynchronous) the failed-attempt
 *   counter is incremented and the wait that applies if this attempt fails
 *   is persisted; a successful unlock
 *   then resets both. So a power cut during verification never gives a free
 *   attempt. The wait after the n-th consecutive failure is lock_delay_s(n):
 *   `free_attempts` failures cost nothing, then delays[] in order, the last
 *   entry repeating (the cap). Optionally the PIN is erased (LOCK_NO_PIN,
 *   LOCK_RESULT_WIPED) after `wipe_after` consecutive failures. During a wait
 *   digits and Enter are refused (LOCK_RESULT_WAIT). The remaining wait lives
 *   in the record and counts down only while powered (no RTC is assumed);
 *   progress is checkpointed to storage every 1/4 of the remaining wait (at
 *   most once a second), so a reboot resumes from the last checkpoint: never
 *   less than what was left, at most a quarter more (a second more in the
 *   last 4 s). The default schedule makes trying all 10,000 four-digit PINs
 *   take more than 13 years (docs/security.md).
 *
 * TIME
 *   Only through lock_tick(now_ms), a monotonic ms counter that may wrap
 *   after 2^32 ms. The first tick after lock_init sets the reference. A
 *   difference of 2^31 ms or more between two ticks is a step backwards and
 *   counts as no time (it never ends a wait). No sleeping inside.
 *
 * DIGIT PREVIEW (an option, see docs/security.md)
 *   After a digit, view.preview holds it for preview_ms (then -1), or until the
 *   next event, so a user can see a misread digit and redraw it. It helps
 *   against misrecognition and costs shoulder-surfing resistance. Defaults:
 *   1000 ms while enrolling/confirming (a consistently misread digit would
 *   otherwise set a PIN the user does not know), 0 (off) when unlocking.
 *
 * ASYNCHRONOUS KDF (a browser worker, a crypto coprocessor, another core)
 *   A HAL with kdf == NULL and kdf_start set hashes off the caller's thread.
 *   lock_enter then does everything up to the hash as above (an attempt's
 *   failure record is stored first), hands the PIN and salt to kdf_start
 *   (which copies them) and returns LOCK_RESULT_CHECKING with
 *   view.checking set and the state unchanged (LOCKED, VERIFY or CONFIRM).
 *   Until the port calls lock_kdf_done every event returns
 *   LOCK_RESULT_CHECKING and changes nothing, lock_tick still counts time
 *   but does not relock, and the door stays off. lock_kdf_done compares in
 *   constant time and finishes exactly like the synchronous path would have.
 *   One check runs at a time, so an answer always belongs to the running
 *   request. A reboot while checking leaves the stored failure (a new PIN
 *   is simply not set); a KDF that never answers keeps the lock checking,
 *   so a port with a timeout calls lock_kdf_done(lk, NULL, -1).
 *
 * MEMORY AND COST
 *   lock_ctx is caller-owned (static is fine); no allocation; stack use is a
 *   few hundred bytes (two records, a hash).
 *   lock_enter runs the KDF synchronously when it verifies or sets a PIN (the
 *   only slow call), unless the HAL has kdf_start (above). Every stored change is written to both slots (see
 *   store.h): an attempt writes twice before comparing and twice more on
 *   success; a countdown checkpoint in lock_tick writes once; a boot that
 *   finds one slot not valid rewrites it.
 *
 * RETURN CONVENTION
 *   lock_init returns LOCK_OK or a negative lock_err (lock_strerror names it);
 *   the lock is usable either way (see lock_err for the state it is left in).
 *   A NULL pointer (docs/design.md: one NULL policy for the library): lock_init
 *   returns LOCK_ERR_ARG, an event function LOCK_RESULT_IGNORED, lock_get_state
 *   LOCK_RECOVERY (fail closed), lock_get_view fills v as LOCK_RECOVERY,
 *   lock_delay_s/lock_exhaust_s 0, lock_default_config does nothing. Event functions return a
 *   lock_result telling the app what happened (also kept in view.last_result).
 *   If hal->random fails, a no-PIN record keeps its old salt and a new PIN is
 *   refused (LOCK_RESULT_ERROR): a PIN hash never uses a salt that is not fresh.
 */
#ifndef INKPIN_LOCK_H
#define INKPIN_LOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inkpin/hal.h"
#include "inkpin/store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LOCK_PIN_MIN STORE_PIN_MIN /* 4 */
#define LOCK_PIN_MAX STORE_PIN_MAX /* 8 */
#define LOCK_SCHEDULE_MAX 12       /* entries in lock_schedule.delays_s */

typedef enum lock_err {
    LOCK_OK = 0,
    LOCK_ERR_ARG = -1,      /* NULL pointer or config out of range */
    LOCK_ERR_RECOVERY = -2, /* record corrupt: the lock is in LOCK_RECOVERY */
    LOCK_ERR_STORAGE = -3   /* storage failed: reading at boot (-> LOCK_RECOVERY), or
                             * writing the first record of a fresh device (-> LOCK_NO_PIN,
                             * retried before a PIN is stored) */
} lock_err;

typedef enum lock_state {
    LOCK_RECOVERY = 0,
    LOCK_NO_PIN,
    LOCK_ENROLL,
    LOCK_CONFIRM,
    LOCK_LOCKED,
    LOCK_UNLOCKED,
    LOCK_VERIFY
} lock_state;

/* Why LOCK_VERIFY / LOCK_ENROLL was entered (for the prompt text). */
typedef enum lock_purpose {
    LOCK_PURPOSE_NONE = 0, /* plain unlock, or first enrollment */
    LOCK_PURPOSE_CHANGE,   /* changing the PIN */
    LOCK_PURPOSE_REMOVE    /* removing the PIN */
} lock_purpose;

typedef enum lock_result {
    LOCK_RESULT_NONE = 0,       /* no event yet */
    LOCK_RESULT_DIGIT,          /* digit appended */
    LOCK_RESULT_FULL,           /* digit ignored: entry already at its maximum length */
    LOCK_RESULT_BACKSPACE,      /* last digit removed */
    LOCK_RESULT_CLEARED,        /* entry cleared */
    LOCK_RESULT_EMPTY,          /* backspace/clear with nothing entered */
    LOCK_RESULT_TOO_SHORT,      /* Enter with too few digits: not an attempt */
    LOCK_RESULT_IGNORED,        /* the event means nothing in this state (or bad digit) */
    LOCK_RESULT_WAIT,           /* backoff running: input refused, see view.wait_ms */
    LOCK_RESULT_CONFIRM,        /* new PIN taken; draw it again */
    LOCK_RESULT_MISMATCH,       /* confirmation differed; enrollment restarts */
    LOCK_RESULT_PIN_SET,        /* new PIN stored; unlocked */
    LOCK_RESULT_WRONG,          /* wrong PIN; counted */
    LOCK_RESULT_UNLOCKED,       /* correct PIN (in LOCK_LOCKED) */
    LOCK_RESULT_VERIFIED,       /* correct current PIN (in LOCK_VERIFY, for a change) */
    LOCK_RESULT_PIN_REMOVED,    /* PIN removed; LOCK_NO_PIN */
    LOCK_RESULT_WIPED,          /* wipe_after failures reached: PIN erased */
    LOCK_RESULT_LOCKED,         /* lock_lock() */
    LOCK_RESULT_STARTED,        /* lock_change_pin()/lock_remove_pin() began */
    LOCK_RESULT_CANCELLED,      /* lock_cancel() */
    LOCK_RESULT_ERROR,          /* KDF or random failure; state unchanged */
    LOCK_RESULT_STORAGE_FAILED, /* a needed write failed: LOCK_RECOVERY (view.storage_failed) */
    LOCK_RESULT_CHECKING        /* asynchronous KDF running (view.checking): Enter started it,
                              * or the event was ignored until lock_kdf_done */
} lock_result;

/* What an asynchronous KDF is computing (private to lock.c, see lock_ctx). */
typedef enum lock_check {
    LOCK_CHECK_NONE = 0,
    LOCK_CHECK_ATTEMPT, /* an entered PIN (LOCKED or VERIFY), its failure already stored */
    LOCK_CHECK_NEW_PIN  /* a confirmed new PIN (CONFIRM), with new_salt */
} lock_check;

/* Backoff: wait after the n-th consecutive failure (see lock_delay_s). */
typedef struct lock_schedule {
    uint32_t free_attempts;               /* failures 1..free_attempts wait 0 s */
    uint32_t delay_count;                 /* 1..LOCK_SCHEDULE_MAX entries used */
    uint32_t delays_s[LOCK_SCHEDULE_MAX]; /* then these, the last one repeating; each <= 30 days */
    uint32_t wipe_after;                  /* erase the PIN after this many failures; 0 = never */
} lock_schedule;

typedef struct lock_config {
    lock_schedule schedule;
    uint8_t enroll_min_len;     /* shortest new PIN, LOCK_PIN_MIN..LOCK_PIN_MAX (default 4) */
    uint32_t enroll_preview_ms; /* digit preview while enrolling/confirming (default 1000) */
    uint32_t unlock_preview_ms; /* digit preview while unlocking/verifying (default 0 = off) */
    uint32_t relock_ms; /* lock again this long after an unlock (default 10000; 0 = never) */
} lock_config;

/* What the app draws. */
typedef struct lock_view {
    lock_state state;
    lock_purpose purpose;
    lock_result last_result;
    uint8_t digits;                /* digits entered so far: draw this many dots */
    uint8_t min_digits;            /* Enter needs at least this many (0 when no entry) */
    uint8_t max_digits;            /* entry stops here (LOCKED/VERIFY: the PIN length) */
    int8_t preview;                /* digit to show briefly, or -1 */
    bool open;                     /* not LOCK_LOCKED and not LOCK_RECOVERY */
    bool recovery_needed;          /* state == LOCK_RECOVERY */
    bool storage_failed;           /* ... because a write failed (flash worn out or missing) */
    bool door_open;                /* the door output is on (state == LOCK_UNLOCKED) */
    bool checking;                 /* waiting for lock_kdf_done: show "checking", send no events */
    uint32_t wait_ms;              /* remaining backoff; 0 = an attempt may be made */
    uint32_t failed_attempts;      /* consecutive failures since the last success */
    uint32_t attempts_before_wipe; /* UINT32_MAX when wipe is disabled */
} lock_view;

/* The lock. Caller-owned; treat the fields as private. */
typedef struct lock_ctx {
    const struct hal *hal;
    lock_config cfg;
    store st;
    store_record rec; /* mirrors the newest stored record */
    lock_state state;
    lock_state origin; /* where lock_cancel() returns to */
    lock_purpose purpose;
    lock_result last;
    uint8_t entry[LOCK_PIN_MAX];
    uint8_t entry_len;
    uint8_t pending[LOCK_PIN_MAX]; /* first entry of a new PIN, awaiting confirmation */
    uint8_t pending_len;
    int8_t preview;
    uint32_t preview_left_ms;
    uint32_t last_tick_ms;
    bool have_tick;
    uint32_t wait_at_checkpoint_ms; /* lockout_ms value last persisted */
    uint32_t open_ms;               /* time since the last unlock, for the relock */
    bool door_open;                 /* what hal->door was last told */
    bool storage_failed;
    lock_check check;                     /* an asynchronous KDF is running for this */
    uint8_t new_salt[HAL_KDF_SALT_BYTES]; /* salt of the new PIN being hashed */
} lock_ctx;

/* Defaults: schedule below, enroll_min_len 4, previews 1000 / 0 ms, relock 10 s. */
void lock_default_config(lock_config *cfg);

/* The default schedule: 4 free attempts, then 30 s, 1 min, 5 min, 15 min,
 * 1 h, 3 h, then 12 h for every further failure; no wipe. */
extern const lock_schedule lock_default_schedule;

/* Wait in seconds after the n-th consecutive failure (n >= 1; 0 for n == 0). */
uint32_t lock_delay_s(const lock_schedule *s, uint32_t n);

/* Seconds an attacker must wait to try all `pins` PINs: the sum of
 * lock_delay_s(n) for n = 1..pins-1 (64-bit, no overflow for any schedule). */
uint64_t lock_exhaust_s(const lock_schedule *s, uint32_t pins);

/* Loads the record (hal->storage) and enters LOCK_NO_PIN, LOCK_LOCKED or
 * LOCK_RECOVERY. A factory-fresh region gets an initial record first. `cfg`
 * may be NULL for the defaults. hal->kdf (or hal->kdf_start), hal->random
 * and hal->storage are required; hal->log and hal->door may be NULL. Switches hal->door off first. */
lock_err lock_init(lock_ctx *lk, const struct hal *h, const lock_config *cfg);

/* A short constant English text for e ("unknown error" for a value not in lock_err). */
const char *lock_strerror(lock_err e);

lock_result lock_digit(lock_ctx *lk, int digit); /* 0..9; anything else: IGNORED, no change */
lock_result lock_backspace(lock_ctx *lk);
lock_result lock_clear(lock_ctx *lk);
lock_result lock_enter(lock_ctx *lk);
lock_result lock_tick(lock_ctx *lk, uint32_t now_ms);
lock_result lock_lock(lock_ctx *lk);       /* UNLOCKED -> LOCKED */
lock_result lock_change_pin(lock_ctx *lk); /* UNLOCKED -> VERIFY(change); NO_PIN -> ENROLL */
lock_result lock_remove_pin(lock_ctx *lk); /* UNLOCKED -> VERIFY(remove) */
lock_result lock_cancel(lock_ctx *lk);     /* VERIFY/ENROLL/CONFIRM -> where they started */

/* The answer to hal->kdf_start: rc 0 and hash = KDF(pin, salt) of exactly
 * that request, or rc negative (KDF failed, timed out, worker gone; hash may
 * then be NULL). Finishes the check lock_enter began: a match unlocks
 * (LOCK_RESULT_UNLOCKED / VERIFIED / PIN_REMOVED) or stores the new PIN
 * (PIN_SET); a mismatch is LOCK_RESULT_WRONG (or WIPED), an error
 * LOCK_RESULT_ERROR, both counted. Wipes hash. Without a running check:
 * LOCK_RESULT_IGNORED, nothing changes. Call it from the port's loop, never
 * from inside kdf_start. */
lock_result lock_kdf_done(lock_ctx *lk, uint8_t hash[HAL_KDF_HASH_BYTES], int rc);

void lock_get_view(const lock_ctx *lk, lock_view *v);
lock_state lock_get_state(const lock_ctx *lk);

#ifdef __cplusplus
}
#endif

#endif
