/* fuzz_record.c - libFuzzer harness for the lock record decoder and slot choice.
 *
 * Input: up to two 128-byte slots of a flash region. Checks that
 *   - store_decode never crashes, and a record it accepts re-encodes to the
 *     same 72 bytes (nothing is ignored or invented);
 *   - store_load on the region picks a slot that itself decodes, and its
 *     result agrees with the per-slot classification (fresh exactly when both
 *     slots read back erased, corrupt only if no slot is valid);
 *   - lock_init over the region boots into the state the record implies,
 *     switches the door output off, and never opens a device whose region
 *     holds a PIN record; the door output is on only while UNLOCKED; a clock
 *     step backwards never shortens a wait. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inkpin/lock.h"
#include "inkpin/store.h"

#define SLOT 128u

static int stub_kdf(void *ctx, uint8_t hash[HAL_KDF_HASH_BYTES], const char *pin, size_t n,
                    const uint8_t salt[HAL_KDF_SALT_BYTES])
{
    (void)ctx;
    memset(hash, 0, HAL_KDF_HASH_BYTES);
    for (size_t i = 0; i < n; i++)
        hash[i] = (uint8_t)(pin[i] ^ salt[i]);
    return 0;
}

static int stub_random(void *ctx, uint8_t *buf, size_t n)
{
    (void)ctx;
    memset(buf, 0xA5, n);
    return 0;
}

/* The door output as the lock last set it: -1 never, 0 off, 1 on. */
static int door;
static void stub_door(void *ctx, bool open)
{
    (void)ctx;
    door = open ? 1 : 0;
}

static bool all_erased(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF)
            return false;
    return true;
}

static void check_decode(const uint8_t *data, size_t size)
{
    if (size < STORE_RECORD_BYTES)
        return;
    store_record r;
    if (store_decode(&r, data) != STORE_OK)
        return;
    uint8_t again[STORE_RECORD_BYTES];
    if (store_encode(again, &r) != STORE_OK || memcmp(again, data, STORE_RECORD_BYTES) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_decode(data, size);

    static uint8_t mem[2 * SLOT];
    memset(mem, 0xFF, sizeof mem);
    memcpy(mem, data, size < sizeof mem ? size : sizeof mem);
    uint8_t copy[2 * SLOT];
    memcpy(copy, mem, sizeof mem);

    store_ram ram;
    hal h;
    memset(&h, 0, sizeof h);
    store_ram_init(&h.storage, &ram, mem, SLOT, 2, 1);
    store st;
    store_record r, slot_rec[2];
    int rc = store_load(&st, &h.storage, &r);
    int valid[2];
    for (unsigned i = 0; i < 2; i++)
        valid[i] = store_decode(&slot_rec[i], copy + i * SLOT) == STORE_OK;
    if (rc == STORE_OK) {
        if (st.newest < 0 || !valid[st.newest])
            abort();
        if (memcmp(&r, &slot_rec[st.newest], sizeof r) != 0)
            abort();
        if (valid[0] && valid[1] && st.newest == 0 &&
            store_seq_newer(slot_rec[1].sequence, slot_rec[0].sequence))
            abort();
    } else if (rc == STORE_ERR_EMPTY || rc == STORE_ERR_CORRUPT) {
        if (valid[0] || valid[1])
            abort();
        /* Fresh exactly when both slots read back as never written. */
        bool fresh =
            all_erased(copy, STORE_RECORD_BYTES) && all_erased(copy + SLOT, STORE_RECORD_BYTES);
        if ((rc == STORE_ERR_EMPTY) != fresh)
            abort();
    } else {
        abort();
    }

    /* Boot a lock on the same region. */
    memcpy(mem, copy, sizeof mem);
    h.kdf = stub_kdf;
    h.random = stub_random;
    h.door = stub_door;
    door = -1;
    static lock_ctx lk;
    int lrc = lock_init(&lk, &h, NULL);
    lock_state s = lock_get_state(&lk);
    /* The door output is off at boot, whatever the region holds. */
    if (door != 0)
        abort();
    if (rc == STORE_OK && r.has_pin && (lrc != LOCK_OK || s != LOCK_LOCKED))
        abort();
    if (rc == STORE_ERR_CORRUPT && (lrc != LOCK_ERR_RECOVERY || s != LOCK_RECOVERY))
        abort();
    /* A few events on whatever booted must not crash or open a PIN device. */
    for (int i = 0; i < 4; i++)
        lock_digit(&lk, i);
    lock_enter(&lk);
    lock_tick(&lk, 0);
    lock_tick(&lk, 1000);
    /* A step backwards never shortens a wait. */
    lock_view before, after;
    lock_get_view(&lk, &before);
    lock_tick(&lk, 999);
    lock_get_view(&lk, &after);
    if (after.wait_ms < before.wait_ms)
        abort();
    if ((door == 1) != (lock_get_state(&lk) == LOCK_UNLOCKED))
        abort();
    if (rc == STORE_OK && r.has_pin && lock_get_state(&lk) == LOCK_UNLOCKED) {
        /* Only the right PIN "0123" (stub hash) may open it. */
        uint8_t h0123[HAL_KDF_HASH_BYTES];
        stub_kdf(NULL, h0123, "0123", 4, r.salt);
        if (r.pin_len != 4 || memcmp(h0123, r.hash, sizeof h0123) != 0)
            abort();
    }
    return 0;
}
