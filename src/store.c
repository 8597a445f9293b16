/* store.c - two-slot lock record on flash. See src/inkpin/store.h. */
#include "inkpin/store.h"

#include <string.h>

#include "inkpin/util.h"

#define MAGIC0 0x49u /* 'I' */
#define MAGIC1 0x4Eu /* 'N' */
#define MAGIC2 0x4Bu /* 'K' */
#define MAGIC3 0x50u /* 'P' */
#define FLAG_HAS_PIN 0x01u
#define CRC_OFFSET 68

const char *store_strerror(store_err e)
{
    switch (e) {
    case STORE_OK: return "ok";
    case STORE_ERR_EMPTY: return "storage never written";
    case STORE_ERR_CORRUPT: return "no valid record (corrupt)";
    case STORE_ERR_IO: return "storage access failed";
    case STORE_ERR_GEOMETRY: return "storage geometry not supported";
    case STORE_ERR_FORMAT: return "not a valid record";
    case STORE_ERR_VERIFY: return "read-back differs from what was written";
    case STORE_ERR_ARG: return "null pointer";
    }
    return "unknown error";
}

bool store_seq_newer(uint32_t a, uint32_t b)
{
    /* Differences below 2^31 in the forward direction count as newer. */
    return a != b && (uint32_t)(a - b) < 0x80000000u;
}

/* ---- record encoding ------------------------------------------------------ */

static bool all_zero(const uint8_t *p, size_t n)
{
    uint8_t any = 0;
    for (size_t i = 0; i < n; i++)
        any |= p[i];
    return any == 0;
}

/* The ranges every record the lock writes keeps: a PIN length that matches
 * the flag, no hash without a PIN, a wait within the 30-day cap. */
static bool fields_ok(bool has_pin, uint32_t pin_len, uint32_t lockout_ms, const uint8_t *hash)
{
    if (lockout_ms > STORE_MAX_LOCKOUT_MS)
        return false;
    if (!has_pin)
        return pin_len == 0 && all_zero(hash, STORE_HASH_BYTES);
    return pin_len >= STORE_PIN_MIN && pin_len <= STORE_PIN_MAX;
}

store_err store_encode(uint8_t out[STORE_RECORD_BYTES], const store_record *r)
{
    if (!out || !r)
        return STORE_ERR_ARG;
    if (!fields_ok(r->has_pin, r->pin_len, r->lockout_ms, r->hash))
        return STORE_ERR_FORMAT;
    memset(out, 0, STORE_RECORD_BYTES);
    out[0] = MAGIC0;
    out[1] = MAGIC1;
    out[2] = MAGIC2;
    out[3] = MAGIC3;
    out[4] = STORE_VERSION;
    out[5] = r->has_pin ? FLAG_HAS_PIN : 0u;
    out[6] = r->pin_len;
    out[7] = 0;
    util_put_le32(out + 8, r->sequence);
    util_put_le32(out + 12, r->failed_attempts);
    util_put_le32(out + 16, r->lockout_ms);
    memcpy(out + 20, r->salt, STORE_SALT_BYTES);
    memcpy(out + 36, r->hash, STORE_HASH_BYTES);
    util_put_le32(out + CRC_OFFSET, util_crc32(0, out, CRC_OFFSET));
    return STORE_OK;
}

store_err store_decode(store_record *r, const uint8_t in[STORE_RECORD_BYTES])
{
    if (!r)
        return STORE_ERR_ARG;
    memset(r, 0, sizeof *r);
    if (!in)
        return STORE_ERR_ARG;
    if (in[0] != MAGIC0 || in[1] != MAGIC1 || in[2] != MAGIC2 || in[3] != MAGIC3)
        return STORE_ERR_FORMAT;
    if (in[4] != STORE_VERSION || (in[5] & ~FLAG_HAS_PIN) != 0 || in[7] != 0)
        return STORE_ERR_FORMAT;
    if (util_get_le32(in + CRC_OFFSET) != util_crc32(0, in, CRC_OFFSET))
        return STORE_ERR_FORMAT;
    bool has_pin = (in[5] & FLAG_HAS_PIN) != 0;
    if (!fields_ok(has_pin, in[6], util_get_le32(in + 16), in + 36))
        return STORE_ERR_FORMAT;
    r->has_pin = has_pin;
    r->pin_len = in[6];
    r->sequence = util_get_le32(in + 8);
    r->failed_attempts = util_get_le32(in + 12);
    r->lockout_ms = util_get_le32(in + 16);
    memcpy(r->salt, in + 20, STORE_SALT_BYTES);
    memcpy(r->hash, in + 36, STORE_HASH_BYTES);
    return STORE_OK;
}

/* ---- slots ---------------------------------------------------------------- */

/* Bytes a record occupies in a slot: 72 rounded up to the program size. */
static uint32_t slot_bytes(const hal_storage *io)
{
    uint32_t p = io->prog_size;
    return (STORE_RECORD_BYTES + p - 1) / p * p;
}

static int check_geometry(const hal_storage *io)
{
    if (!io || !io->read || !io->prog || !io->erase)
        return STORE_ERR_GEOMETRY;
    if (io->prog_size == 0 || io->prog_size > STORE_MAX_PROG_SIZE || io->block_count < 2)
        return STORE_ERR_GEOMETRY;
    if (io->block_size < slot_bytes(io))
        return STORE_ERR_GEOMETRY;
    return STORE_OK;
}

/* Reads a slot's record area (slot_bytes) into buf (>= 72 + 64 bytes). */
static int read_slot(const hal_storage *io, uint32_t slot, uint8_t *buf)
{
    return io->read(io->ctx, slot, 0, buf, slot_bytes(io)) == 0 ? STORE_OK : STORE_ERR_IO;
}

static store_slot_state classify(const uint8_t *buf, uint32_t n, store_record *r)
{
    if (store_decode(r, buf) == STORE_OK)
        return STORE_SLOT_VALID;
    for (uint32_t i = 0; i < n; i++)
        if (buf[i] != 0xFFu)
            return STORE_SLOT_BAD;
    return STORE_SLOT_ERASED;
}

store_err store_load(store *s, const hal_storage *io, store_record *r)
{
    uint8_t buf[STORE_RECORD_BYTES + STORE_MAX_PROG_SIZE];
    store_record cand[2];
    if (!s || !io || !r)
        return STORE_ERR_ARG;
    memset(s, 0, sizeof *s);
    memset(r, 0, sizeof *r);
    s->io = io;
    s->newest = -1;
    int rc = check_geometry(io);
    if (rc != STORE_OK)
        return rc;
    for (uint32_t i = 0; i < 2 && rc == STORE_OK; i++) {
        rc = read_slot(io, i, buf);
        s->slot[i] = rc == STORE_OK ? classify(buf, slot_bytes(io), &cand[i]) : STORE_SLOT_BAD;
    }
    util_wipe(buf, sizeof buf);
    if (rc != STORE_OK) {
        util_wipe(cand, sizeof cand);
        return rc;
    }
    for (int i = 0; i < 2; i++) {
        if (s->slot[i] != STORE_SLOT_VALID)
            continue;
        if (s->newest < 0 || store_seq_newer(cand[i].sequence, cand[s->newest].sequence))
            s->newest = i;
    }
    if (s->newest >= 0) {
        *r = cand[s->newest];
        s->sequence = r->sequence;
        rc = STORE_OK;
    } else {
        /* Only a region that reads back as never written is fresh: a bad slot
         * beside an erased one may be a PIN record with a bit error beside a
         * mirror whose save lost power after the erase. */
        bool never_written = s->slot[0] == STORE_SLOT_ERASED && s->slot[1] == STORE_SLOT_ERASED;
        rc = never_written ? STORE_ERR_EMPTY : STORE_ERR_CORRUPT;
    }
    util_wipe(cand, sizeof cand);
    return rc;
}

/* Read-back check without an early exit: the record holds the PIN hash. */
static bool same_bytes(const uint8_t *a, const uint8_t *b, uint32_t n)
{
    uint8_t diff = 0;
    for (uint32_t i = 0; i < n; i++)
        diff |= (uint8_t)(a[i] ^ b[i]);
    return diff == 0;
}

store_err store_save(store *s, store_record *r)
{
    uint8_t buf[STORE_RECORD_BYTES + STORE_MAX_PROG_SIZE];
    uint8_t back[STORE_RECORD_BYTES + STORE_MAX_PROG_SIZE];
    if (!s || !r)
        return STORE_ERR_ARG;
    const hal_storage *io = s->io;
    int rc = check_geometry(io);
    if (rc != STORE_OK)
        return rc;
    /* The first record goes to slot 0, then always the slot without the newest. */
    uint32_t target = s->newest == 0 ? 1u : 0u;
    uint32_t seq = s->newest >= 0 ? s->sequence + 1u : 1u;
    uint32_t n = slot_bytes(io);

    store_record out = *r;
    out.sequence = seq;
    memset(buf, 0xFF, sizeof buf);
    rc = store_encode(buf, &out);
    if (rc != STORE_OK)
        return rc;
    rc = STORE_ERR_IO;
    if (io->erase(io->ctx, target) != 0)
        goto done;
    s->slot[target] = STORE_SLOT_BAD; /* until proven otherwise */
    for (uint32_t off = 0; off < n; off += io->prog_size)
        if (io->prog(io->ctx, target, off, buf + off, io->prog_size) != 0)
            goto done;
    if (io->sync && io->sync(io->ctx) != 0)
        goto done;
    if (io->read(io->ctx, target, 0, back, n) != 0)
        goto done;
    rc = STORE_ERR_VERIFY;
    if (!same_bytes(back, buf, n))
        goto done;
    s->slot[target] = STORE_SLOT_VALID;
    s->newest = (int)target;
    s->sequence = seq;
    r->sequence = seq;
    rc = STORE_OK;
done:
    util_wipe(buf, sizeof buf);
    util_wipe(back, sizeof back);
    util_wipe(&out, sizeof out);
    return rc;
}
