/* test_store.c - the two-slot record: byte layout, CRC against zlib, every
 * corruption rejected, slot choice with wrap-around, fresh vs corrupt, NOR
 * semantics of the RAM back-end, and the file back-end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <zlib.h>

#include "inkpin/lock.h"
#include "inkpin/store.h"
#include "inkpin/util.h"
#include "platform/store_file.h"
#include "util/testutil.h"

#define BS 128u

static store_record sample(void)
{
    store_record r;
    memset(&r, 0, sizeof r);
    r.has_pin = true;
    r.pin_len = 6;
    r.failed_attempts = 0x01020304u;
    r.lockout_ms = 0x90A0B0C0u; /* at the 30-day cap or below */
    for (int i = 0; i < STORE_SALT_BYTES; i++)
        r.salt[i] = (uint8_t)(0x10 + i);
    for (int i = 0; i < STORE_HASH_BYTES; i++)
        r.hash[i] = (uint8_t)(0x80 + i);
    return r;
}

/* The documented layout, byte for byte (explicit little-endian). */
static void test_encode_layout(void **state)
{
    (void)state;
    store_record r = sample();
    r.sequence = 0x11223344u;
    uint8_t b[STORE_RECORD_BYTES];
    assert_int_equal(store_encode(b, &r), STORE_OK);
    static const uint8_t head[20] = {'I',  'N',  'K',  'P',  1,    1,    6,    0,    0x44, 0x33,
                                     0x22, 0x11, 0x04, 0x03, 0x02, 0x01, 0xC0, 0xB0, 0xA0, 0x90};
    assert_memory_equal(b, head, sizeof head);
    assert_memory_equal(b + 20, r.salt, 16);
    assert_memory_equal(b + 36, r.hash, 32);
    uint32_t crc = (uint32_t)crc32(0L, b, 68);
    assert_int_equal(b[68], crc & 0xFF);
    assert_int_equal(b[71], crc >> 24);
    store_record d;
    assert_int_equal(store_decode(&d, b), STORE_OK);
    assert_memory_equal(&d, &r, sizeof r);
}

static void test_encode_rejects_bad_fields(void **state)
{
    (void)state;
    uint8_t b[STORE_RECORD_BYTES];
    store_record r = sample();
    r.pin_len = 3;
    assert_int_equal(store_encode(b, &r), STORE_ERR_FORMAT);
    r.pin_len = 9;
    assert_int_equal(store_encode(b, &r), STORE_ERR_FORMAT);
    r.has_pin = false;
    r.pin_len = 4;
    assert_int_equal(store_encode(b, &r), STORE_ERR_FORMAT);
    r.pin_len = 0;
    assert_int_equal(store_encode(b, &r), STORE_ERR_FORMAT); /* a hash without a PIN */
    memset(r.hash, 0, sizeof r.hash);
    assert_int_equal(store_encode(b, &r), STORE_OK);
}

/* Every single-bit error anywhere in the record is rejected. */
static void test_decode_rejects_every_bit_flip(void **state)
{
    (void)state;
    store_record r = sample(), d;
    uint8_t b[STORE_RECORD_BYTES];
    store_encode(b, &r);
    for (int i = 0; i < STORE_RECORD_BYTES; i++)
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1 << bit);
            assert_int_equal(store_decode(&d, b), STORE_ERR_FORMAT);
            b[i] ^= (uint8_t)(1 << bit);
        }
    assert_int_equal(store_decode(&d, b), STORE_OK);
}

/* Well-formed CRC but fields out of range are still rejected. */
/* Re-seals a record after an edit: the CRC-32 of its first 68 bytes. */
static void put_crc(uint8_t b[STORE_RECORD_BYTES])
{
    util_put_le32(b + 68, util_crc32(0, b, 68));
}

static void test_decode_checks_fields_under_good_crc(void **state)
{
    (void)state;
    store_record d;
    uint8_t b[STORE_RECORD_BYTES];
    store_record r = sample();
    struct {
        int off;
        uint8_t val;
    } bad[] = {{4, 2}, {5, 3}, {5, 0x80}, {6, 3}, {6, 9}, {7, 1}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        store_encode(b, &r);
        b[bad[i].off] = bad[i].val;
        put_crc(b);
        assert_int_equal(store_decode(&d, b), STORE_ERR_FORMAT);
    }
    /* has_pin = 0 with a length: bad. */
    store_encode(b, &r);
    b[5] = 0;
    put_crc(b);
    assert_int_equal(store_decode(&d, b), STORE_ERR_FORMAT);
}

/* Under a good CRC: a wait above the 30-day cap and a no-PIN record that
 * carries a hash are not records the lock writes. */
static void test_decode_rejects_wait_above_cap_and_stray_hash(void **state)
{
    (void)state;
    store_record d, r = sample();
    uint8_t b[STORE_RECORD_BYTES];
    r.lockout_ms = STORE_MAX_LOCKOUT_MS;
    assert_int_equal(store_encode(b, &r), STORE_OK);
    assert_int_equal(store_decode(&d, b), STORE_OK);
    b[16] = (uint8_t)(STORE_MAX_LOCKOUT_MS + 1u);
    b[17] = (uint8_t)((STORE_MAX_LOCKOUT_MS + 1u) >> 8);
    b[18] = (uint8_t)((STORE_MAX_LOCKOUT_MS + 1u) >> 16);
    b[19] = (uint8_t)((STORE_MAX_LOCKOUT_MS + 1u) >> 24);
    put_crc(b);
    assert_int_equal(store_decode(&d, b), STORE_ERR_FORMAT);
    r.lockout_ms = STORE_MAX_LOCKOUT_MS + 1u;
    assert_int_equal(store_encode(b, &r), STORE_ERR_FORMAT);
    /* no PIN, hash not zero */
    r = sample();
    r.has_pin = false;
    r.pin_len = 0;
    memset(r.hash, 0, sizeof r.hash);
    assert_int_equal(store_encode(b, &r), STORE_OK);
    assert_int_equal(store_decode(&d, b), STORE_OK);
    b[36 + 31] = 1;
    put_crc(b);
    assert_int_equal(store_decode(&d, b), STORE_ERR_FORMAT);
    r.hash[0] = 1;
    assert_int_equal(store_encode(b, &r), STORE_ERR_FORMAT);
}

static void test_seq_wrap(void **state)
{
    (void)state;
    assert_true(store_seq_newer(1, 0));
    assert_false(store_seq_newer(0, 1));
    assert_false(store_seq_newer(5, 5));
    assert_true(store_seq_newer(0, 0xFFFFFFFFu));
    assert_true(store_seq_newer(3, 0xFFFFFFF0u));
    assert_false(store_seq_newer(0xFFFFFFF0u, 3));
}

typedef struct ram_dev {
    uint8_t mem[BS * 2];
    store_ram ram;
    hal_storage io;
} ram_dev;

static void ram_dev_new(ram_dev *d, uint32_t prog)
{
    memset(d->mem, 0xFF, sizeof d->mem);
    store_ram_init(&d->io, &d->ram, d->mem, BS, 2, prog);
}

static void put_slot(ram_dev *d, int slot, store_record r, uint32_t seq)
{
    uint8_t b[STORE_RECORD_BYTES];
    r.sequence = seq;
    assert_int_equal(store_encode(b, &r), STORE_OK);
    memset(d->mem + slot * (int)BS, 0xFF, BS);
    memcpy(d->mem + slot * (int)BS, b, sizeof b);
}

static void test_load_cases(void **state)
{
    (void)state;
    static ram_dev d;
    store s;
    store_record r, out;
    r = sample();
    /* fresh */
    ram_dev_new(&d, 1);
    assert_int_equal(store_load(&s, &d.io, &out), STORE_ERR_EMPTY);
    /* one valid in each slot */
    put_slot(&d, 0, r, 7);
    assert_int_equal(store_load(&s, &d.io, &out), STORE_OK);
    assert_int_equal(out.sequence, 7);
    assert_int_equal(s.newest, 0);
    /* both valid: the newer wins, also across the wrap */
    uint32_t pairs[][2] = {{7, 8}, {9, 8}, {0xFFFFFFFFu, 0}, {1, 0xFFFFFFFEu}};
    for (size_t i = 0; i < 4; i++) {
        store_record a = r, b = r;
        a.failed_attempts = 100;
        b.failed_attempts = 200;
        put_slot(&d, 0, a, pairs[i][0]);
        put_slot(&d, 1, b, pairs[i][1]);
        assert_int_equal(store_load(&s, &d.io, &out), STORE_OK);
        int want1 = store_seq_newer(pairs[i][1], pairs[i][0]);
        assert_int_equal(out.failed_attempts, want1 ? 200 : 100);
        assert_int_equal(s.newest, want1);
    }
    /* the newest corrupt: the other one */
    put_slot(&d, 0, r, 10);
    put_slot(&d, 1, r, 11);
    d.mem[BS + 30] ^= 1;
    assert_int_equal(store_load(&s, &d.io, &out), STORE_OK);
    assert_int_equal(out.sequence, 10);
    assert_int_equal(s.slot[1], STORE_SLOT_BAD);
    /* both corrupt: fail closed */
    d.mem[30] ^= 1;
    assert_int_equal(store_load(&s, &d.io, &out), STORE_ERR_CORRUPT);
    assert_false(out.has_pin);
    /* slot 0 erased, slot 1 corrupt: fail closed (slot 1 was written once) */
    memset(d.mem, 0xFF, BS);
    assert_int_equal(store_load(&s, &d.io, &out), STORE_ERR_CORRUPT);
    /* slot 0 bad, slot 1 erased: a torn first write looks exactly like a
     * record with a bit error beside a mirror erased by a cut save, so it
     * is not evidence of a fresh device: fail closed */
    memset(d.mem, 0xFF, sizeof d.mem);
    d.mem[0] = 'I';
    d.mem[1] = 0x00;
    assert_int_equal(store_load(&s, &d.io, &out), STORE_ERR_CORRUPT);
    put_slot(&d, 0, r, 5);
    d.mem[40] ^= 0x08;
    assert_int_equal(store_load(&s, &d.io, &out), STORE_ERR_CORRUPT);
    /* geometry */
    d.io.block_count = 1;
    assert_int_equal(store_load(&s, &d.io, &out), STORE_ERR_GEOMETRY);
    d.io.block_count = 2;
    d.io.block_size = 64;
    assert_int_equal(store_load(&s, &d.io, &out), STORE_ERR_GEOMETRY);
    d.io.block_size = BS;
    d.io.prog_size = 0;
    assert_int_equal(store_load(&s, &d.io, &out), STORE_ERR_GEOMETRY);
    d.io.prog_size = 128;
    assert_int_equal(store_load(&s, &d.io, &out), STORE_ERR_GEOMETRY);
    assert_int_equal(store_save(&s, &r), STORE_ERR_GEOMETRY);
}

static int failing_read(void *ctx, uint32_t b, uint32_t o, void *buf, uint32_t n)
{
    (void)ctx;
    (void)b;
    (void)o;
    (void)buf;
    (void)n;
    return -1;
}

static void test_read_error_is_io(void **state)
{
    (void)state;
    static ram_dev d;
    ram_dev_new(&d, 1);
    d.io.read = failing_read;
    store s;
    store_record out;
    assert_int_equal(store_load(&s, &d.io, &out), STORE_ERR_IO);
}

/* Writes alternate and always go to the slot without the newest record. */
static void test_save_alternates(void **state)
{
    (void)state;
    static ram_dev d;
    for (uint32_t prog = 1; prog <= 64; prog *= 4) {
        ram_dev_new(&d, prog);
        store s;
        store_record r = sample(), out;
        assert_int_equal(store_load(&s, &d.io, &out), STORE_ERR_EMPTY);
        for (uint32_t i = 0; i < 6; i++) {
            r.failed_attempts = i;
            uint8_t other[BS];
            int target = i == 0 ? 0 : 1 - s.newest;
            memcpy(other, d.mem + (1 - target) * (int)BS, BS);
            assert_int_equal(store_save(&s, &r), STORE_OK);
            assert_int_equal(s.newest, target);
            assert_int_equal(r.sequence, i + 1);
            assert_memory_equal(other, d.mem + (1 - target) * (int)BS, BS); /* untouched */
            store s2;
            assert_int_equal(store_load(&s2, &d.io, &out), STORE_OK);
            assert_int_equal(out.failed_attempts, i);
            assert_int_equal(out.sequence, i + 1);
        }
    }
}

/* Sequence numbers keep working across the 32-bit wrap. */
static void test_save_across_wrap(void **state)
{
    (void)state;
    static ram_dev d;
    ram_dev_new(&d, 1);
    store_record r = sample(), out;
    put_slot(&d, 0, r, 0xFFFFFFFEu);
    store s;
    assert_int_equal(store_load(&s, &d.io, &out), STORE_OK);
    for (uint32_t i = 0; i < 4; i++) {
        r.failed_attempts = 50 + i;
        assert_int_equal(store_save(&s, &r), STORE_OK);
        assert_int_equal(store_load(&s, &d.io, &out), STORE_OK);
        assert_int_equal(out.failed_attempts, 50 + i);
    }
    assert_int_equal(out.sequence, 2); /* 0xFFFFFFFE -> FF -> 0 -> 1 -> 2 */
}

/* The RAM back-end behaves like NOR: erase = 0xFF, program only clears bits. */
static void test_ram_nor_semantics(void **state)
{
    (void)state;
    static ram_dev d;
    ram_dev_new(&d, 1);
    uint8_t a = 0xF0, b = 0x3C, got;
    assert_int_equal(d.io.prog(d.io.ctx, 0, 5, &a, 1), 0);
    assert_int_equal(d.io.prog(d.io.ctx, 0, 5, &b, 1), 0);
    assert_int_equal(d.io.read(d.io.ctx, 0, 5, &got, 1), 0);
    assert_int_equal(got, 0x30);
    assert_int_equal(d.io.erase(d.io.ctx, 0), 0);
    assert_int_equal(d.io.read(d.io.ctx, 0, 5, &got, 1), 0);
    assert_int_equal(got, 0xFF);
    /* out of range */
    assert_int_not_equal(d.io.read(d.io.ctx, 2, 0, &got, 1), 0);
    assert_int_not_equal(d.io.prog(d.io.ctx, 0, BS, &a, 1), 0);
    assert_int_not_equal(d.io.erase(d.io.ctx, 2), 0);
    /* A save onto a slot programmed without erase would fail verification:
     * store_save always erases first, so it succeeds. */
    memset(d.mem, 0x00, sizeof d.mem);
    store s;
    store_record r = sample(), out;
    assert_int_equal(store_load(&s, &d.io, &out), STORE_ERR_CORRUPT);
    assert_int_equal(store_save(&s, &r), STORE_OK);
    assert_int_equal(store_load(&s, &d.io, &out), STORE_OK);
}

static void test_file_backend(void **state)
{
    (void)state;
    char path[1200];
    snprintf(path, sizeof path, "%s/lock.bin", test_tmpdir());
    remove(path);
    static store_file f;
    hal_storage io;
    inkpin_diag d = {{0}};
    assert_int_equal(store_file_open(&f, &io, path, &d), 0);
    store s;
    store_record r = sample(), out;
    assert_int_equal(store_load(&s, &io, &out), STORE_ERR_EMPTY); /* missing file = fresh */
    assert_int_equal(store_save(&s, &r), STORE_OK);
    r.failed_attempts = 77;
    assert_int_equal(store_save(&s, &r), STORE_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, STORE_FILE_BLOCK_SIZE * STORE_FILE_BLOCKS);
    char tmp[1300];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_int_not_equal(stat(tmp, &st), 0); /* renamed away */
    /* reopen: same record */
    static store_file g;
    assert_int_equal(store_file_open(&g, &io, path, &d), 0);
    assert_int_equal(store_load(&s, &io, &out), STORE_OK);
    assert_int_equal(out.failed_attempts, 77);
    assert_int_equal(out.sequence, 2);
    /* a file of the wrong size is refused, naming the file */
    FILE *fp = fopen(path, "ab");
    fputc(0, fp);
    fclose(fp);
    assert_int_not_equal(store_file_open(&g, &io, path, &d), 0);
    assert_non_null(strstr(d.msg, path));
    assert_non_null(strstr(d.msg, "512"));
    fp = fopen(path, "wb");
    fclose(fp);
    assert_int_not_equal(store_file_open(&g, &io, path, &d), 0);
    /* an unwritable directory makes sync fail: store_save reports IO */
    snprintf(path, sizeof path, "%s/no/such/dir/lock.bin", test_tmpdir());
    assert_int_equal(store_file_open(&g, &io, path, &d), 0);
    assert_int_equal(store_load(&s, &io, &out), STORE_ERR_EMPTY);
    assert_int_equal(store_save(&s, &r), STORE_ERR_IO);
}

static int dummy_kdf(void *ctx, uint8_t hash[HAL_KDF_HASH_BYTES], const char *pin, size_t n,
                     const uint8_t salt[HAL_KDF_SALT_BYTES])
{
    (void)ctx;
    (void)pin;
    (void)n;
    (void)salt;
    memset(hash, 0x42, HAL_KDF_HASH_BYTES);
    return 0;
}

static int dummy_random(void *ctx, uint8_t *buf, size_t n)
{
    (void)ctx;
    memset(buf, 0x17, n);
    return 0;
}

/* Boots a lock on the file store at path; returns its state. */
static lock_state boot_on_file(const char *path, int *open_rc)
{
    static store_file f;
    static lock_ctx lk;
    static hal h;
    inkpin_diag d = {{0}};
    memset(&h, 0, sizeof h);
    h.kdf = dummy_kdf;
    h.random = dummy_random;
    *open_rc = store_file_open(&f, &h.storage, path, &d);
    (void)lock_init(&lk, &h, NULL);
    return lock_get_state(&lk);
}

static void read_file(const char *path, uint8_t *buf, size_t cap, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    *n = fread(buf, 1, cap, fp);
    fclose(fp);
}

/* Storage faults of the SDL/CLI file store fail closed: a short, empty or
 * unreadable file boots the lock into recovery and is left as it was; only a
 * missing file (or one that reads back all 0xFF: never written) is fresh. */
static void test_file_faults_fail_closed(void **state)
{
    (void)state;
    char path[1200];
    int rc;
    snprintf(path, sizeof path, "%s/faults.bin", test_tmpdir());
    remove(path);
    assert_int_equal(boot_on_file(path, &rc), LOCK_NO_PIN); /* missing: fresh */
    assert_int_equal(rc, 0);
    static uint8_t good[STORE_FILE_BLOCK_SIZE * STORE_FILE_BLOCKS + 1];
    size_t n;
    read_file(path, good, sizeof good, &n);
    assert_int_equal(n, STORE_FILE_BLOCK_SIZE * STORE_FILE_BLOCKS); /* first record written */
    static const size_t cut[] = {STORE_FILE_BLOCK_SIZE * STORE_FILE_BLOCKS - 1, 100, 0};
    for (size_t i = 0; i < 3; i++) {
        FILE *fp = fopen(path, "wb");
        fwrite(good, 1, cut[i], fp);
        fclose(fp);
        assert_int_equal(boot_on_file(path, &rc), LOCK_RECOVERY);
        assert_int_equal(rc, -1);
        static uint8_t after[sizeof good];
        read_file(path, after, sizeof after, &n);
        assert_int_equal(n, cut[i]); /* not overwritten */
        assert_memory_equal(after, good, cut[i]);
    }
    /* unreadable: a directory where the file should be */
    remove(path);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(boot_on_file(path, &rc), LOCK_RECOVERY);
    assert_int_equal(rc, -1);
    rmdir(path);
    /* all 0xFF, full size: reads back as never written */
    memset(good, 0xFF, sizeof good);
    FILE *fp = fopen(path, "wb");
    fwrite(good, 1, STORE_FILE_BLOCK_SIZE * STORE_FILE_BLOCKS, fp);
    fclose(fp);
    assert_int_equal(boot_on_file(path, &rc), LOCK_NO_PIN);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_layout),
        cmocka_unit_test(test_encode_rejects_bad_fields),
        cmocka_unit_test(test_decode_rejects_every_bit_flip),
        cmocka_unit_test(test_decode_checks_fields_under_good_crc),
        cmocka_unit_test(test_decode_rejects_wait_above_cap_and_stray_hash),
        cmocka_unit_test(test_seq_wrap),
        cmocka_unit_test(test_load_cases),
        cmocka_unit_test(test_read_error_is_io),
        cmocka_unit_test(test_save_alternates),
        cmocka_unit_test(test_save_across_wrap),
        cmocka_unit_test(test_ram_nor_semantics),
        cmocka_unit_test(test_file_backend),
        cmocka_unit_test(test_file_faults_fail_closed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
