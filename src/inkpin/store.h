/* store.h - the lock record on a small flash region, safe against power loss.
 *
 * WHAT IT DOES
 *   Keeps one small record (salt, PIN hash, PIN length, failed-attempt counter,
 *   remaining lockout) in two erase blocks of a flash-like region reached
 *   through `hal_storage` (read/prog/erase/sync callbacks + geometry, shaped
 *   like littlefs's `struct lfs_config`). Every write goes to the slot that
 *   does NOT hold the newest record, so a power cut at any point leaves the
 *   newest complete record intact: boot reads either the old or the new one.
 *
 * RECORD (STORE_RECORD_BYTES = 72 bytes, all integers little-endian)
 *   off  size  field
 *     0     4  magic "INKP" (0x49 0x4E 0x4B 0x50)
 *     4     1  version (STORE_VERSION = 1)
 *     5     1  flags: bit 0 = a PIN is set; other bits must be 0
 *     6     1  PIN length (0 when no PIN, else STORE_PIN_MIN..STORE_PIN_MAX)
 *     7     1  reserved, 0
 *     8     4  sequence number (the newer of two slots is the one with the
 *              larger sequence under wrap-safe comparison: (int32_t)(a - b) > 0)
 *    12     4  consecutive failed attempts since the last successful unlock
 *    16     4  remaining lockout wait in ms (counts down only while powered),
 *              at most STORE_MAX_LOCKOUT_MS (30 days)
 *    20    16  salt (random per enrollment)
 *    36    32  hash = KDF(PIN, salt); all zero when no PIN (anything else is rejected)
 *    68     4  CRC-32 (IEEE 802.3, the zlib one) of bytes 0..67
 *   The record is read and written byte by byte; bytes are never cast to a struct.
 *
 * SLOTS AND BOOT
 *   Slot i is erase block i (the region needs block_count >= 2 and block_size >=
 *   STORE_RECORD_BYTES rounded up to prog_size). A slot is VALID (magic,
 *   version, CRC, field ranges all good), ERASED (every byte 0xFF) or BAD.
 *     - some slot VALID            -> the newest valid record          (STORE_OK)
 *     - both slots ERASED          -> factory-fresh device, no record  (STORE_ERR_EMPTY)
 *     - otherwise                  -> fail closed                      (STORE_ERR_CORRUPT)
 *   "Fresh" needs evidence that no record was ever written: a BAD slot beside
 *   an ERASED one may be a PIN record with a bit error beside a mirror whose
 *   save lost power right after its erase, so it is never read as fresh. The
 *   price: a power cut in the middle of the very first write (at first boot,
 *   before any PIN exists) also fails closed and needs the recovery procedure.
 *   STORE_ERR_IO (a read callback failed) must also be treated as fail closed.
 *   The lock writes every record to both slots (older slot, then the other)
 *   and rewrites a slot it finds not VALID at boot, so a slot stays erased or
 *   torn only until the next power-on.
 *
 * WRITE ORDER
 *   store_save: erase(target) -> prog(target, 72 bytes, in prog_size pieces)
 *   -> sync -> read back and verify. Only after it returns STORE_OK is the new
 *   record the newest one; on any error the previous record is still readable.
 *
 * MEMORY
 *   No allocation; `store` is a few words the caller owns. No stdio, no libc
 *   beyond <string.h>. Back-ends (RAM with NOR semantics, fault injection) are
 *   in store_bd.h, included here.
 *
 * RETURN CONVENTION
 *   store_encode/decode/load/save return STORE_OK (0) or a negative store_err;
 *   store_strerror names one. A NULL pointer argument returns STORE_ERR_ARG
 *   and writes nothing (docs/design.md: one NULL policy for the library).
 */
#ifndef INKPIN_STORE_H
#define INKPIN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inkpin/hal.h"
#include "inkpin/store_bd.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STORE_RECORD_BYTES 72
#define STORE_VERSION 1
#define STORE_PIN_MIN 4
#define STORE_PIN_MAX 8
#define STORE_SALT_BYTES HAL_KDF_SALT_BYTES
#define STORE_HASH_BYTES HAL_KDF_HASH_BYTES
#define STORE_MAX_PROG_SIZE 64           /* largest prog_size the store supports */
#define STORE_MAX_LOCKOUT_MS 2592000000u /* 30 days: the longest wait a record may hold */

typedef enum store_err {
    STORE_OK = 0,
    STORE_ERR_EMPTY = -1,    /* factory-fresh region: no record was ever written */
    STORE_ERR_CORRUPT = -2,  /* no valid record and not fresh: fail closed */
    STORE_ERR_IO = -3,       /* a storage callback failed */
    STORE_ERR_GEOMETRY = -4, /* region too small or prog_size unsupported */
    STORE_ERR_FORMAT = -5,   /* store_decode: not a valid record */
    STORE_ERR_VERIFY = -6,   /* read-back after programming differs */
    STORE_ERR_ARG = -7       /* a NULL pointer argument */
} store_err;

/* The decoded record. `sequence` is managed by store_save. */
typedef struct store_record {
    bool has_pin;
    uint8_t pin_len; /* 0 or STORE_PIN_MIN..STORE_PIN_MAX */
    uint32_t sequence;
    uint32_t failed_attempts;
    uint32_t lockout_ms; /* remaining wait before the next attempt */
    uint8_t salt[STORE_SALT_BYTES];
    uint8_t hash[STORE_HASH_BYTES];
} store_record;

/* Which slot holds what, as found by store_load. */
typedef enum store_slot_state {
    STORE_SLOT_VALID,
    STORE_SLOT_ERASED,
    STORE_SLOT_BAD
} store_slot_state;

typedef struct store {
    const hal_storage *io;
    uint32_t sequence; /* sequence of the newest record (valid if has_newest) */
    int newest;        /* slot index of the newest valid record, or -1 */
    store_slot_state slot[2];
} store;

/* Serializes r with the given sequence number. Always succeeds for a record
 * whose fields are in range (the rules store_decode checks); returns
 * STORE_ERR_FORMAT otherwise. */
store_err store_encode(uint8_t out[STORE_RECORD_BYTES], const store_record *r);

/* Parses and validates 72 bytes: magic, version, flags, PIN length range,
 * reserved byte, CRC, wait within the cap, no hash without a PIN. STORE_OK or STORE_ERR_FORMAT; *r is zeroed on error. */
store_err store_decode(store_record *r, const uint8_t in[STORE_RECORD_BYTES]);

/* A short constant English text for e ("unknown error" for a value not in store_err). */
const char *store_strerror(store_err e);

/* true when sequence a is newer than b (wrap-safe). */
bool store_seq_newer(uint32_t a, uint32_t b);

/* Reads both slots and loads the newest valid record into *r.
 * STORE_OK, STORE_ERR_EMPTY (fresh; *r zeroed), STORE_ERR_CORRUPT, STORE_ERR_IO,
 * STORE_ERR_GEOMETRY. */
store_err store_load(store *s, const hal_storage *io, store_record *r);

/* Writes *r (with sequence = newest + 1) to the slot not holding the newest
 * record, syncs and verifies it. On success r->sequence is updated. Must be
 * called after store_load (even if that returned EMPTY). */
store_err store_save(store *s, store_record *r);

#ifdef __cplusplus
}
#endif

#endif
