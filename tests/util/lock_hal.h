/* lock_hal.h - a test device for the lock tests: the library's storage
 * back-ends (store_ram: RAM with NOR semantics, under store_fault: failing
 * reads/programs and a power cut after the Nth program/erase, which longjmps
 * out of the lock here), a fast KDF (Argon2id at libsodium's minimum cost),
 * deterministic random bytes, a captured log and the door output.
 * Header-only (static functions) so each test binary owns it. */
#ifndef INKPIN_TEST_UTIL_LOCK_HAL_H
#define INKPIN_TEST_UTIL_LOCK_HAL_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "inkpin/hal.h"
#include "inkpin/lock.h"
#include "inkpin/store.h"

#define TDEV_BLOCK 128u
#define TDEV_LOG_LINES 256

typedef struct test_dev {
    uint8_t flash[TDEV_BLOCK * 2];
    store_ram ram;
    hal_storage raw;   /* the RAM back-end itself */
    store_fault fault; /* over raw: failures and power cuts (tdev_cut_after) */
    hal_storage faulty;
    hal h;              /* storage callbacks below wrap `faulty` */
    jmp_buf *cut_env;   /* where a power cut jumps to */
    int fail_prog;      /* 1: every prog returns an error */
    int fail_read;      /* 1: every read returns an error */
    int fail_random;    /* 1: hal->random fails */
    int fail_kdf;       /* 1: hal->kdf fails (async: the answer is an error) */
    int async_kdf;      /* 1: kdf NULL, kdf_start set; tdev_try answers (survives tdev_new) */
    int fail_kdf_start; /* 1: hal->kdf_start cannot start */
    char req_pin[LOCK_PIN_MAX]; /* the request kdf_start copied */
    size_t req_len;
    uint8_t req_salt[HAL_KDF_SALT_BYTES];
    int req_open; /* 1: kdf_start was called and not answered yet */
    long kdf_starts;
    int kdf_ignores_pin; /* 1: a broken KDF that hashes "" whatever the PIN (negative tests) */
    int single_slot;     /* 1: map both slots to block 0 (a broken store, for negative tests) */
    int door;            /* the door output: -1 not called since boot, 0 off, 1 on */
    long door_calls;
    /* everything */
    uint64_t rng;
    long kdf_calls;
    int nlog;
    char log[TDEV_LOG_LINES][128];
    lock_ctx lk;
} test_dev;

static inline test_dev *tdev_faults(void *ctx)
{
    test_dev *d = ctx;
    d->fault.fail = (d->fail_read ? STORE_FAULT_READ : 0u) | (d->fail_prog ? STORE_FAULT_PROG : 0u);
    return d;
}

static inline int tdev_read(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t size)
{
    test_dev *d = tdev_faults(ctx);
    if (d->single_slot)
        block = 0;
    return d->faulty.read(d->faulty.ctx, block, off, buf, size);
}

static inline int tdev_prog(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t size)
{
    test_dev *d = tdev_faults(ctx);
    if (d->single_slot)
        block = 0;
    return d->faulty.prog(d->faulty.ctx, block, off, buf, size);
}

static inline int tdev_erase(void *ctx, uint32_t block)
{
    test_dev *d = tdev_faults(ctx);
    if (d->single_slot)
        block = 0;
    return d->faulty.erase(d->faulty.ctx, block);
}

/* store_fault's power cut: leave the code under test (the flash keeps what
 * the cut operation wrote). */
static inline void tdev_on_cut(void *user)
{
    test_dev *d = user;
    longjmp(*d->cut_env, 1);
}

/* Cuts the power at the n-th program/erase from now (0 disarms); torn: that
 * operation is half applied. */
static inline void tdev_cut_after(test_dev *d, long n, int torn)
{
    store_fault_cut_after(&d->fault, (uint32_t)n, torn != 0);
}

static inline int tdev_sync(void *ctx)
{
    (void)ctx;
    return 0;
}

/* The fast test KDF: Argon2id with libsodium's minimum cost (1 pass, 8 KiB). */
static inline int tdev_kdf(void *ctx, uint8_t hash[HAL_KDF_HASH_BYTES], const char *pin,
                           size_t pin_len, const uint8_t salt[HAL_KDF_SALT_BYTES])
{
    test_dev *d = ctx;
    d->kdf_calls++;
    if (d->fail_kdf)
        return -1;
    if (d->kdf_ignores_pin)
        pin_len = 0;
    return crypto_pwhash(hash, HAL_KDF_HASH_BYTES, pin, pin_len, salt, crypto_pwhash_OPSLIMIT_MIN,
                         crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13) == 0
               ? 0
               : -1;
}

/* The asynchronous HAL: copies the request, like a port handing it to a worker. */
static inline int tdev_kdf_start(void *ctx, const char *pin, size_t pin_len,
                                 const uint8_t salt[HAL_KDF_SALT_BYTES])
{
    test_dev *d = ctx;
    d->kdf_starts++;
    if (d->fail_kdf_start || pin_len > sizeof d->req_pin)
        return -1;
    memcpy(d->req_pin, pin, pin_len);
    d->req_len = pin_len;
    memcpy(d->req_salt, salt, HAL_KDF_SALT_BYTES);
    d->req_open = 1;
    return 0;
}

/* The worker's answer to the open request: hash it (tdev_kdf: fail_kdf and
 * kdf_ignores_pin apply) and hand it to lock_kdf_done. */
static inline lock_result tdev_answer(test_dev *d)
{
    uint8_t hash[HAL_KDF_HASH_BYTES];
    int rc = tdev_kdf(d, hash, d->req_pin, d->req_len, d->req_salt);
    memset(d->req_pin, 0, sizeof d->req_pin);
    d->req_open = 0;
    return lock_kdf_done(&d->lk, rc == 0 ? hash : NULL, rc);
}

static inline int tdev_random(void *ctx, uint8_t *buf, size_t n)
{
    test_dev *d = ctx;
    if (d->fail_random)
        return -1;
    for (size_t i = 0; i < n; i++) {
        d->rng ^= d->rng << 13;
        d->rng ^= d->rng >> 7;
        d->rng ^= d->rng << 17;
        buf[i] = (uint8_t)(d->rng >> 32);
    }
    return 0;
}

static inline void tdev_door(void *ctx, bool open)
{
    test_dev *d = ctx;
    d->door = open ? 1 : 0;
    d->door_calls++;
}

static inline void tdev_log(void *ctx, const char *line)
{
    test_dev *d = ctx;
    if (d->nlog < TDEV_LOG_LINES)
        snprintf(d->log[d->nlog++], sizeof d->log[0], "%s", line);
}

/* A factory-fresh device (flash all 0xFF). Call tdev_boot next. */
static inline void tdev_new(test_dev *d, uint64_t seed)
{
    int broken_kdf = d->kdf_ignores_pin, async = d->async_kdf;
    memset(d, 0, sizeof *d);
    d->kdf_ignores_pin = broken_kdf; /* a deliberate mutation survives a fresh device */
    d->async_kdf = async;            /* and so does the HAL's kind of KDF */
    if (sodium_init() < 0)
        abort();
    memset(d->flash, 0xFF, sizeof d->flash);
    store_ram_init(&d->raw, &d->ram, d->flash, TDEV_BLOCK, 2, 1);
    store_fault_init(&d->faulty, &d->fault, &d->raw);
    d->fault.on_cut = tdev_on_cut;
    d->fault.user = d;
    d->rng = seed ? seed : 0x9E3779B97F4A7C15ull;
    d->h.ctx = d;
    d->h.storage = d->raw;
    d->h.storage.ctx = d;
    d->h.storage.read = tdev_read;
    d->h.storage.prog = tdev_prog;
    d->h.storage.erase = tdev_erase;
    d->h.storage.sync = tdev_sync;
    d->h.kdf = async ? NULL : tdev_kdf;
    d->h.kdf_start = async ? tdev_kdf_start : NULL;
    d->h.random = tdev_random;
    d->h.log = tdev_log;
    d->h.door = tdev_door;
    d->door = -1;
}

/* Changes the program granularity of a new device (default 1 byte). */
static inline void tdev_set_prog_size(test_dev *d, uint32_t prog_size)
{
    store_ram_init(&d->raw, &d->ram, d->flash, TDEV_BLOCK, 2, prog_size);
    store_fault_init(&d->faulty, &d->fault, &d->raw);
    d->fault.on_cut = tdev_on_cut;
    d->fault.user = d;
    d->h.storage.prog_size = prog_size;
}

/* Power on: a new lock_ctx over the same flash. */
static inline int tdev_boot(test_dev *d, const lock_config *cfg)
{
    d->door = -1;         /* the power was off: so was the output; lock_init must say so */
    d->fault.cut = false; /* the power is back */
    d->req_open = 0;      /* and the worker's job is gone */
    return lock_init(&d->lk, &d->h, cfg);
}

/* Types a PIN given as a string of digits, without Enter. */
static inline void tdev_type(test_dev *d, const char *digits)
{
    for (const char *p = digits; *p; p++)
        lock_digit(&d->lk, *p - '0');
}

/* Types a PIN and presses Enter; returns the Enter result (with an
 * asynchronous KDF, the result of the answer that finishes the check). */
static inline lock_result tdev_try(test_dev *d, const char *digits)
{
    tdev_type(d, digits);
    lock_result r = lock_enter(&d->lk);
    if (d->async_kdf && r == LOCK_RESULT_CHECKING && d->req_open)
        r = tdev_answer(d);
    return r;
}

/* The stored record as the store reads it now (STORE_OK or an error). */
static inline int tdev_record(test_dev *d, store_record *r)
{
    store s;
    return store_load(&s, &d->raw, r);
}

/* 1 if the stored record's hash is the hash of `pin` (the test KDF). */
static inline int tdev_record_is_pin(test_dev *d, const store_record *r, const char *pin)
{
    uint8_t h[HAL_KDF_HASH_BYTES];
    if (!r->has_pin || strlen(pin) != r->pin_len)
        return 0;
    if (tdev_kdf(d, h, pin, strlen(pin), r->salt) != 0)
        return 0;
    return memcmp(h, r->hash, sizeof h) == 0;
}

/* 1 if any captured log line contains s. */
static inline int tdev_log_contains(const test_dev *d, const char *s)
{
    for (int i = 0; i < d->nlog; i++)
        if (strstr(d->log[i], s))
            return 1;
    return 0;
}

#endif
