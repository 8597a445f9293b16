/* test_net_simd.c - the hosted-CPU fast path of src/net.c (src/net_simd.inc,
 * taken on x86 with SSE2) against the plain kernels every MCU runs. net.c is
 * compiled into this test a second time with NET_PLAIN_KERNELS and its public
 * names prefixed plain_, while the library linked in keeps the fast path; the
 * two must give the same net_result bit for bit on random models of many
 * shapes: every kernel size, pooled or not, 8- and 4-bit weights (4-bit
 * channels starting on an odd nibble), fan-ins past the fast path's buffers
 * (its fallback), a dense layer on the bits, and the default model. */
#define NET_PLAIN_KERNELS 1
#define net_run plain_net_run
#define net_run_pixels plain_net_run_pixels
#define net_pack plain_net_pack
#define net_check plain_net_check
#define net_arena_bytes plain_net_arena_bytes
#define net_requantize plain_net_requantize
#define net_softmax plain_net_softmax
#define net_strerror plain_net_strerror
#define net_model_from_blob plain_net_model_from_blob
#include "../src/net.c"
#undef net_run
#undef net_check

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "inkpin/default_model.h"

/* The library's engine (fast path where the compiler offers one). */
net_err net_run(const net_model *m, const uint8_t bits[NET_IMAGE_BYTES], void *arena,
                size_t arena_size, net_result *out);
net_err net_check(const net_model *m);

static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

/* One layer of a test architecture: conv (k > 0) or dense (k == 0). */
typedef struct {
    unsigned k, out_c, pool, wbits, relu;
} spec;

typedef struct {
    net_layer L[NET_MAX_LAYERS];
    net_model m;
    void *mem[NET_MAX_LAYERS][4];
} rand_model;

/* mode 0: random weights; 1: all at their most negative; 2: most positive. */
static void make_model(rand_model *r, const spec *s, unsigned n, int mode)
{
    unsigned c = 1, h = NET_IMAGE_SIDE, w = NET_IMAGE_SIDE;
    memset(r, 0, sizeof *r);
    for (unsigned i = 0; i < n; i++) {
        net_layer *L = &r->L[i];
        L->kind = s[i].k ? NET_CONV : NET_DENSE;
        L->k = (uint8_t)s[i].k;
        L->relu = (uint8_t)(i + 1 < n ? s[i].relu : 0);
        L->pool = (uint8_t)s[i].pool;
        L->wbits = (uint8_t)s[i].wbits;
        L->in_c = (uint16_t)c, L->in_h = (uint16_t)h, L->in_w = (uint16_t)w;
        L->out_c = (uint16_t)s[i].out_c;
        size_t fan = L->kind == NET_CONV ? (size_t)c * s[i].k * s[i].k : (size_t)c * h * w;
        size_t nw = fan * L->out_c, nb = L->wbits == 4 ? (nw + 1) / 2 : nw;
        uint8_t *wt = malloc(nb);
        int32_t *b = malloc(sizeof(int32_t) * L->out_c);
        uint16_t *mu = malloc(sizeof(uint16_t) * L->out_c);
        uint8_t *sh = malloc(L->out_c);
        for (size_t j = 0; j < nb; j++)
            wt[j] = mode == 0   ? (uint8_t)rnd()
                    : mode == 1 ? (L->wbits == 4 ? 0x88 : 0x80)
                                : (L->wbits == 4 ? 0x77 : 0x7f);
        if (L->wbits == 4 && (nw & 1))
            wt[nb - 1] &= 0x0f;
        for (unsigned o = 0; o < L->out_c; o++) {
            b[o] = (int32_t)(rnd() % 20001) - 10000;
            mu[o] = (uint16_t)(1 + rnd() % 65535);
            sh[o] = (uint8_t)(mode == 0 ? 10 + rnd() % 12 : 12);
        }
        L->w = (const int8_t *)wt, L->bias = b, L->mult16 = mu, L->shift = sh;
        r->mem[i][0] = wt, r->mem[i][1] = b, r->mem[i][2] = mu, r->mem[i][3] = sh;
        if (L->kind == NET_CONV) {
            h = (h - s[i].k + 1) >> s[i].pool;
            w = (w - s[i].k + 1) >> s[i].pool;
            c = L->out_c;
        } else {
            c = L->out_c, h = w = 1;
        }
    }
    r->m.layer = r->L;
    r->m.n_layers = (uint8_t)n;
    assert_int_equal(net_check(&r->m), NET_OK);
}

static void free_model(rand_model *r)
{
    for (unsigned i = 0; i < NET_MAX_LAYERS; i++)
        for (unsigned j = 0; j < 4; j++)
            free(r->mem[i][j]);
}

static void random_image(uint8_t bits[NET_IMAGE_BYTES], int all_ink)
{
    for (unsigned i = 0; i < NET_IMAGE_BYTES; i++)
        bits[i] = all_ink ? 0xff : (uint8_t)(rnd() & rnd());
}

/* Fast and plain engines on the same model and image: the same result. */
static void expect_same(const net_model *m, const uint8_t bits[NET_IMAGE_BYTES], const char *what,
                        int i)
{
    size_t need = plain_net_arena_bytes(m);
    void *a1 = malloc(need ? need : 1), *a2 = malloc(need ? need : 1);
    net_result fast, plain;
    memset(&fast, 0, sizeof fast);
    memset(&plain, 0, sizeof plain);
    assert_int_equal(net_run(m, bits, a1, need, &fast), NET_OK);
    assert_int_equal(plain_net_run(m, bits, a2, need, &plain), NET_OK);
    if (memcmp(&fast, &plain, sizeof fast) != 0)
        fail_msg("%s, image %d: fast path differs from the plain kernels (logit 0: %d vs %d)", what,
                 i, (int)fast.logits[0], (int)plain.logits[0]);
    free(a1);
    free(a2);
}

static void check_arch(const spec *s, unsigned n, const char *what, uint64_t seed)
{
    rng_state = seed;
    for (int t = 0; t < 12; t++) {
        rand_model r;
        uint8_t bits[NET_IMAGE_BYTES];
        make_model(&r, s, n, t < 10 ? 0 : t - 9);
        for (int im = 0; im < 4; im++) {
            random_image(bits, im == 3);
            expect_same(&r.m, bits, what, t * 4 + im);
        }
        free_model(&r);
    }
}

/* Every conv kernel size on the binary input and on int8 input, with and
 * without pooling, 8- and 4-bit. */
static void test_kernel_sizes(void **state)
{
    (void)state;
    for (unsigned k = 1; k <= NET_MAX_KERNEL; k++)
        for (unsigned pool = 0; pool < 2; pool++) {
            const spec s[] = {{k, 5, pool, 8, 1}, {k, 6, !pool, 4, 0}, {0, 10, 0, 4, 0}};
            char what[64];
            snprintf(what, sizeof what, "k=%u pool=%u", k, pool);
            check_arch(s, 3, what, 100 + k * 2 + pool);
        }
}

/* Unpooled 3 x 3 layers, which go 2 x 2 blocks of two rows: on the binary
 * input into the layer-0 ring and from the ring (a block's second row kept
 * only when wanted), on whole tensors of even and odd sides, and down to one
 * output row and column (the reference). */
static void test_unpooled_blocks(void **state)
{
    (void)state;
    const spec ring[] = {
        {3, 4, 0, 8, 1}, {3, 5, 0, 4, 1}, {3, 6, 0, 4, 1}, {3, 6, 1, 4, 1}, {0, 10, 0, 4, 0}};
    const spec whole[] = {
        {3, 4, 1, 8, 1}, {3, 4, 1, 4, 1}, {3, 6, 0, 4, 1}, {3, 5, 0, 8, 0}, {0, 10, 0, 4, 0}};
    check_arch(ring, 5, "unpooled 3x3 into and out of the ring, even sides", 15);
    check_arch(whole, 5, "unpooled 3x3 on whole tensors, odd sides, down to 1x1", 16);
}

/* 4-bit channels whose weights start on an odd nibble (odd fan-in). */
static void test_odd_nibbles(void **state)
{
    (void)state;
    const spec a[] = {{3, 3, 1, 4, 1}, {3, 5, 0, 4, 1}, {0, 7, 0, 4, 1}, {0, 10, 0, 4, 0}};
    check_arch(a, 4, "odd fan-in 4-bit", 7);
}

/* Conv fan-in 288 and dense fan-in 1568: past the fast path's buffers. */
static void test_wide_layers_fall_back(void **state)
{
    (void)state;
    const spec a[] = {{3, 32, 1, 4, 1}, {3, 32, 1, 4, 1}, {0, 10, 0, 8, 0}};
    const spec b[] = {{1, 2, 0, 8, 0}, {0, 10, 0, 4, 0}};
    const spec d[] = {{0, 16, 0, 8, 1}, {0, 10, 0, 4, 0}}; /* dense on the bits */
    /* layer 2 on a whole 26x26 tensor: too many positions for one gather,
     * so row by row; k = 7 on 5 channels: one row is 40 x 248 int16, too many */
    const spec e[] = {{3, 4, 0, 8, 1}, {1, 4, 0, 4, 1}, {1, 6, 1, 4, 1}, {0, 10, 0, 4, 0}};
    const spec f[] = {{3, 6, 0, 8, 1}, {1, 5, 0, 8, 1}, {7, 5, 1, 4, 1}, {0, 10, 0, 4, 0}};
    check_arch(e, 4, "whole-tensor layer gathered row by row", 13);
    check_arch(f, 4, "whole-tensor layer too big to gather", 14);
    check_arch(a, 3, "conv fan-in 288", 8);
    check_arch(b, 2, "dense fan-in 1568", 9);
    check_arch(d, 2, "dense on the input bits", 10);
}

/* The default model's shapes with random weights, and the model itself. */
static void test_default_shapes(void **state)
{
    (void)state;
    const net_model *def = net_default_model();
    if (!def)
        skip();
    spec s[NET_MAX_LAYERS];
    for (unsigned i = 0; i < def->n_layers; i++) {
        const net_layer *L = &def->layer[i];
        s[i] = (spec){L->kind == NET_CONV ? L->k : 0, L->out_c, L->pool, L->wbits, L->relu};
    }
    check_arch(s, def->n_layers, "default shapes", 11);
    rng_state = 12;
    for (int i = 0; i < 200; i++) {
        uint8_t bits[NET_IMAGE_BYTES];
        random_image(bits, 0);
        expect_same(def, bits, "default model", i);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernel_sizes),    cmocka_unit_test(test_odd_nibbles),
        cmocka_unit_test(test_unpooled_blocks), cmocka_unit_test(test_wide_layers_fall_back),
        cmocka_unit_test(test_default_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
