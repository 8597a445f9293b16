/* test_blob.c - the .inkm loader: round trip against the in-memory model, and
 * hand-broken blobs (bad magic, version, CRC, dims, short tensors, oversized
 * counts, truncation at every length, random mutations with the CRC fixed up)
 * that must all give an error and never read out of bounds (ASan build).
 *
 * INKPIN_WRITE_CORPUS=DIR writes the fuzz seed corpus (fuzz/corpus/fuzz_blob). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/export.h"
#include "inkpin/net.h"
#include "inkpin/util.h"
#include "model/netref.h"
#include "model/quant.h"
#include "util/net_models.h"
#include "util/testutil.h"

typedef struct {
    float_model fm;
    quant_model q;
    uint8_t *blob;
    size_t n;
} fixture;

static void make(fixture *f, int arch, uint64_t seed)
{
    tn_rng r = {seed};
    uint8_t calib[784 * 40];
    float act[MODEL_MAX_LAYERS];
    inkpin_diag d = {{0}};
    tn_model(&f->fm, TN_ARCHS[arch].spec, TN_ARCHS[arch].n, &r);
    for (int i = 0; i < 40; i++)
        tn_image(calib + 784 * i, &r);
    quant_calibrate(&f->fm, calib, 40, act);
    assert_int_equal(quant_build(&f->q, &f->fm, act, &d), 0);
    assert_int_equal(export_blob(&f->q, &f->blob, &f->n, &d), 0);
}

static void unmake(fixture *f)
{
    free(f->blob);
    quant_free(&f->q);
    tn_free(&f->fm);
}

/* Recomputes length and CRC so that the loader looks past them. */
static void reseal(uint8_t *b, size_t n)
{
    util_put_le32(b + 8, (uint32_t)n);
    util_put_le32(b + n - 4, util_crc32(0, b, n - 4));
}

static net_err load_copy(const uint8_t *b, size_t n)
{
    /* an exact-size heap copy: ASan flags any read past n */
    uint8_t *c = malloc(n ? n : 1);
    net_blob_model bm;
    memcpy(c, b, n);
    net_err e = net_model_from_blob(&bm, c, n);
    if (e == NET_OK) { /* whatever loads must also run inside its arena */
        size_t need = net_arena_bytes(&bm.model);
        uint8_t *arena = malloc(need ? need : 1), bits[98] = {0};
        net_result res;
        bits[40] = 0xFF, bits[50] = 0x3C;
        assert_int_equal(net_run(&bm.model, bits, arena, need, &res), NET_OK);
        free(arena);
    }
    free(c);
    return e;
}

static void test_round_trip(void **state)
{
    (void)state;
    for (int a = 0; a < TN_N_ARCHS; a++) {
        fixture f;
        net_blob_model bm;
        net_model m;
        net_layer L[NET_MAX_LAYERS];
        tn_rng r = {500 + (uint64_t)a};
        make(&f, a, 40 + (uint64_t)a);
        assert_int_equal(net_model_from_blob(&bm, f.blob, f.n), NET_OK);
        quant_as_net(&f.q, &m, L);
        assert_int_equal(bm.model.n_layers, m.n_layers);
        assert_int_equal(bm.arena_bytes, net_arena_bytes(&m));
        assert_int_equal(net_arena_bytes(&bm.model), net_arena_bytes(&m));
        size_t need = net_arena_bytes(&m);
        uint8_t *arena = malloc(need ? need : 1);
        for (int i = 0; i < 30; i++) {
            uint8_t img[784], bits[98];
            net_result r1, r2;
            tn_image(img, &r);
            tn_pack(bits, img);
            assert_int_equal(net_run(&m, bits, arena, need, &r1), NET_OK);
            assert_int_equal(net_run(&bm.model, bits, arena, need, &r2), NET_OK);
            assert_true(tn_same_result(&r1, &r2));
        }
        /* quant_from_net reads the blob's little-endian tensors back exactly */
        quant_model back;
        inkpin_diag d = {{0}};
        assert_int_equal(quant_from_net(&back, &bm.model, &d), 0);
        for (int l = 0; l < f.q.n_layers; l++) {
            assert_memory_equal(back.layer[l].bias, f.q.layer[l].bias,
                                4 * (size_t)f.q.layer[l].out_c);
            assert_memory_equal(back.layer[l].mult, f.q.layer[l].mult,
                                4 * (size_t)f.q.layer[l].out_c);
        }
        quant_free(&back);
        free(arena);
        unmake(&f);
    }
}

static void test_header_errors(void **state)
{
    (void)state;
    fixture f;
    make(&f, 0, 41);
    uint8_t *b = malloc(f.n + 8);
    net_blob_model bm;
#define RESET() memcpy(b, f.blob, f.n)
    RESET();
    b[0] = 'X';
    assert_int_equal(load_copy(b, f.n), NET_ERR_BLOB_MAGIC);
    RESET();
    b[4] = 2;
    reseal(b, f.n);
    assert_int_equal(load_copy(b, f.n), NET_ERR_BLOB_VERSION);
    RESET();
    b[f.n - 1] ^= 1;
    assert_int_equal(load_copy(b, f.n), NET_ERR_BLOB_CRC);
    RESET();
    b[70] ^= 0x10; /* a weight */
    assert_int_equal(load_copy(b, f.n), NET_ERR_BLOB_CRC);
    RESET();
    util_put_le32(b + 8, (uint32_t)f.n + 4); /* claims more than there is */
    assert_int_equal(load_copy(b, f.n), NET_ERR_BLOB_SHORT);
    RESET();
    util_put_le32(b + 8, (uint32_t)f.n - 4);
    assert_int_equal(load_copy(b, f.n), NET_ERR_BLOB_FORMAT);
    RESET();
    b[6] = 0; /* no layers */
    reseal(b, f.n);
    assert_int_equal(load_copy(b, f.n), NET_ERR_BLOB_FORMAT);
    RESET();
    b[6] = NET_MAX_LAYERS + 1;
    reseal(b, f.n);
    assert_int_equal(load_copy(b, f.n), NET_ERR_BLOB_FORMAT);
    RESET();
    b[6] = 200; /* more descriptors than the blob holds */
    reseal(b, f.n);
    assert_true(load_copy(b, f.n) < 0);
    RESET();
    b[7] = 9; /* logit fraction bits */
    reseal(b, f.n);
    assert_int_equal(load_copy(b, f.n), NET_ERR_BLOB_FORMAT);
    RESET();
    util_put_le32(b + 12, 1); /* arena smaller than the model needs */
    reseal(b, f.n);
    assert_int_equal(load_copy(b, f.n), NET_ERR_BLOB_FORMAT);
    /* trailing bytes after the tensors */
    RESET();
    memmove(b + f.n, b + f.n - 4, 4);
    memset(b + f.n - 4, 0, 4);
    reseal(b, f.n + 4);
    assert_int_equal(load_copy(b, f.n + 4), NET_ERR_BLOB_FORMAT);
    assert_int_equal(net_model_from_blob(NULL, f.blob, f.n), NET_ERR_ARG);
    assert_int_equal(net_model_from_blob(&bm, NULL, f.n), NET_ERR_ARG);
#undef RESET
    free(b);
    unmake(&f);
}

/* Descriptor field offsets (docs/model-format.md). */
#define DESC(i) (16 + 16 * (i))

static void test_descriptor_errors(void **state)
{
    (void)state;
    fixture f;
    make(&f, 0, 42); /* conv3p(1->4) conv3p(4->8) dense(200->10) */
    uint8_t *b = malloc(f.n);
    struct {
        int layer, off, value, width;
        const char *what;
    } cases[] = {
        {0, 0, 3, 1, "unknown kind"},
        {0, 0, NET_DENSE, 1, "kind changed, sizes no longer match"},
        {0, 1, 4, 1, "kernel size (weights now too short)"},
        {0, 1, 0, 1, "kernel 0"},
        {0, 2, 4, 1, "unknown flag"},
        {0, 2, 1, 1, "pool flag cleared: dims do not chain"},
        {0, 3, 4, 1, "4-bit flag but 8-bit weight count"},
        {0, 3, 5, 1, "5-bit weights"},
        {0, 4, 2, 2, "in_c of layer 0 not 1"},
        {0, 6, 27, 2, "in_h of layer 0 not 28"},
        {1, 4, 5, 2, "in_c of layer 1 disagrees"},
        {1, 8, 14, 2, "in_w of layer 1 disagrees"},
        {1, 10, 7, 2, "out_c shrunk: tensors shift"},
        {1, 10, 0, 2, "out_c 0"},
        {1, 10, 65535, 2, "huge out_c"},
        {2, 10, 9, 2, "9 logits"},
        {2, 2, 1, 1, "ReLU on the logits"},
        {0, 12, 35, 4, "weight byte count one short"},
        {0, 12, 37, 4, "weight byte count one long"},
        {1, 12, 0x7FFFFFFF, 4, "weight byte count huge"},
        {2, 4, 65535, 2, "dense fan-in huge"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(b, f.blob, f.n);
        uint8_t *p = b + DESC(cases[i].layer) + cases[i].off;
        for (int k = 0; k < cases[i].width; k++)
            p[k] = (uint8_t)((unsigned)cases[i].value >> (8 * k));
        reseal(b, f.n);
        net_err e = load_copy(b, f.n);
        if (e == NET_OK)
            fail_msg("case '%s' loaded", cases[i].what);
        assert_true(e == NET_ERR_BLOB_FORMAT || e == NET_ERR_BLOB_SHORT);
    }
    /* a shift above 62 in the tensors, and non-zero padding */
    memcpy(b, f.blob, f.n);
    size_t shift0 = 16 + 3 * 16 + 36 + 4 * 4 + 4 * 2; /* layer 0 shifts */
    assert_int_equal(b[shift0] <= 62, 1);
    b[shift0] = 63;
    reseal(b, f.n);
    assert_int_equal(load_copy(b, f.n), NET_ERR_BLOB_FORMAT);
    memcpy(b, f.blob, f.n);
    b[f.n - 6] = 1; /* the 2 padding bytes after the 10 logit shifts */
    reseal(b, f.n);
    assert_true(load_copy(b, f.n) < 0);
    free(b);
    unmake(&f);
}

static void test_truncation_and_corruption(void **state)
{
    (void)state;
    fixture f;
    make(&f, 1, 43);
    for (size_t len = 0; len < f.n; len++) {
        assert_true(load_copy(f.blob, len) < 0);
        /* truncated but with a consistent length field and CRC */
        if (len >= 20) {
            uint8_t *b = malloc(len);
            memcpy(b, f.blob, len);
            reseal(b, len);
            assert_true(load_copy(b, len) < 0);
            free(b);
        }
    }
    uint8_t *b = malloc(f.n);
    for (size_t i = 0; i < f.n; i++) { /* any single-byte change is caught */
        memcpy(b, f.blob, f.n);
        b[i] ^= 0x5A;
        assert_true(load_copy(b, f.n) < 0);
    }
    free(b);
    unmake(&f);
}

static void test_random_mutations_resealed(void **state)
{
    (void)state;
    fixture f;
    make(&f, 0, 44);
    tn_rng r = {45};
    uint8_t *b = malloc(f.n);
    int loaded = 0;
    int rounds = test_sanitized() ? 5000 : 30000;
    for (int it = 0; it < rounds; it++) {
        memcpy(b, f.blob, f.n);
        int k = 1 + (int)(tn_next(&r) % 4);
        for (int j = 0; j < k; j++) {
            /* mostly the header and descriptors, where structure lives */
            size_t at = tn_next(&r) % 2 ? tn_next(&r) % 64 : tn_next(&r) % (f.n - 4);
            b[at] = (uint8_t)tn_next(&r);
        }
        reseal(b, f.n);
        loaded += load_copy(b, f.n) == NET_OK; /* tensor-value changes may load */
    }
    printf("  %d of %d resealed mutants loaded (and ran inside their arena)\n", loaded, rounds);
    free(b);
    unmake(&f);
}

static void write_corpus(void)
{
    const char *dir = getenv("INKPIN_WRITE_CORPUS");
    if (!dir)
        return;
    static const int archs[] = {0, 2, 3, 5};
    for (size_t i = 0; i < sizeof archs / sizeof archs[0]; i++) {
        fixture f;
        char path[1024];
        make(&f, archs[i], 60 + i);
        snprintf(path, sizeof path, "%s/seed_%s.inkm", dir, TN_ARCHS[archs[i]].name);
        test_write_file(path, f.blob, f.n);
        unmake(&f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_descriptor_errors),
        cmocka_unit_test(test_truncation_and_corruption),
        cmocka_unit_test(test_random_mutations_resealed),
    };
    write_corpus();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
