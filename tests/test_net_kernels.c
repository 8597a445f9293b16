/* test_net_kernels.c - the engine as built for this host (src/net.c with its
 * driver and layer-0 ring) against a plain reference written here straight
 * from the manual in net.h: whole tensors, every conv output position
 * evaluated on its own, weights read element by element, pooling over the
 * int32 accumulators, requantization with round half away from zero.
 * Compared bit for bit on random tensors of every layer shape the default
 * model uses (random weights, biases, multipliers, shifts, 8- and 4-bit,
 * saturating extremes), on other shapes, and on MNIST test digits with the
 * default model itself. (test_net_simd.c and its variants compare the MCU
 * kernels with this host's.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "data/data.h"
#include "inkpin/net.h"
#include "util/testutil.h"

/* ---- the plain reference -------------------------------------------------- */

static int ref_weight(const net_layer *L, size_t i)
{
    if (L->wbits == 8)
        return L->w[i];
    uint8_t b = ((const uint8_t *)L->w)[i / 2];
    int v = (i % 2) ? b >> 4 : b & 15;
    return v >= 8 ? v - 16 : v;
}

static int64_t ref_mult(const net_layer *L, unsigned c)
{
    return L->mult16 ? L->mult16[c] : L->mult[c];
}

static int64_t ref_bias(const net_layer *L, unsigned c)
{
    return L->bias16 ? L->bias16[c] : L->bias[c];
}

static int32_t ref_requantize(int64_t acc, int64_t mult, unsigned shift, int32_t lo, int32_t hi)
{
    int64_t p = acc * mult;
    int64_t mag = p < 0 ? -p : p;
    if (shift > 0)
        mag = (mag + ((int64_t)1 << (shift - 1))) >> shift;
    int64_t v = p < 0 ? -mag : mag;
    return (int32_t)(v < lo ? lo : v > hi ? hi : v);
}

/* Conv accumulator of output channel c at (y, x), no pooling. */
static int64_t ref_conv_at(const net_layer *L, const int32_t *in, unsigned c, unsigned y,
                           unsigned x)
{
    int64_t acc = ref_bias(L, c);
    for (unsigned ci = 0; ci < L->in_c; ci++)
        for (unsigned ky = 0; ky < L->k; ky++)
            for (unsigned kx = 0; kx < L->k; kx++) {
                size_t wi = (((size_t)c * L->in_c + ci) * L->k + ky) * L->k + kx;
                acc += (int64_t)ref_weight(L, wi) *
                       in[((size_t)ci * L->in_h + y + ky) * L->in_w + x + kx];
            }
    return acc;
}

/* Logits of m on the packed image, each layer on whole int32 tensors. */
static void ref_forward(const net_model *m, const uint8_t bits[NET_IMAGE_BYTES], int32_t logits[10])
{
    int32_t *in = malloc(sizeof(int32_t) * NET_IMAGE_PIXELS);
    for (unsigned i = 0; i < NET_IMAGE_PIXELS; i++)
        in[i] = NET_BIT(bits, i);
    for (unsigned li = 0; li < m->n_layers; li++) {
        const net_layer *L = &m->layer[li];
        const bool last = li + 1u == m->n_layers;
        const int32_t lo = last ? -(1 << 24) : L->relu ? 0 : -128, hi = last ? (1 << 24) : 127;
        int32_t *out;
        if (L->kind == NET_CONV) {
            unsigned ch = L->in_h - L->k + 1u, cw = L->in_w - L->k + 1u, s = L->pool ? 2u : 1u;
            unsigned oh = ch / s, ow = cw / s;
            out = malloc(sizeof(int32_t) * L->out_c * oh * ow);
            for (unsigned c = 0; c < L->out_c; c++)
                for (unsigned y = 0; y < oh; y++)
                    for (unsigned x = 0; x < ow; x++) {
                        int64_t best = INT64_MIN;
                        for (unsigned dy = 0; dy < s; dy++)
                            for (unsigned dx = 0; dx < s; dx++) {
                                int64_t a = ref_conv_at(L, in, c, y * s + dy, x * s + dx);
                                best = a > best ? a : best;
                            }
                        out[((size_t)c * oh + y) * ow + x] =
                            ref_requantize(best, ref_mult(L, c), L->shift[c], lo, hi);
                    }
        } else {
            size_t n = (size_t)L->in_c * L->in_h * L->in_w;
            out = malloc(sizeof(int32_t) * L->out_c);
            for (unsigned c = 0; c < L->out_c; c++) {
                int64_t acc = ref_bias(L, c);
                for (size_t i = 0; i < n; i++)
                    acc += (int64_t)ref_weight(L, (size_t)c * n + i) * in[i];
                out[c] = ref_requantize(acc, ref_mult(L, c), L->shift[c], lo, hi);
            }
        }
        free(in);
        in = out;
    }
    memcpy(logits, in, sizeof(int32_t) * 10);
    free(in);
}

/* ---- random models with the default model's shapes -------------------------- */

static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

typedef struct {
    net_layer L[NET_MAX_LAYERS];
    net_model m;
    void *mem[NET_MAX_LAYERS][4];
} rand_model;

/* mode 0: random; 1: every weight at its most negative; 2: at its most
 * positive (both with large multipliers: saturation everywhere). */
static void rand_from_default(rand_model *r, const net_model *shape, int mode)
{
    memset(r, 0, sizeof *r);
    for (unsigned i = 0; i < shape->n_layers; i++) {
        net_layer *L = &r->L[i];
        const net_layer *S = &shape->layer[i];
        *L = *S;
        size_t fan = S->kind == NET_CONV ? (size_t)S->in_c * S->k * S->k
                                         : (size_t)S->in_c * S->in_h * S->in_w;
        size_t nw = fan * S->out_c, nb = S->wbits == 4 ? (nw + 1) / 2 : nw;
        uint8_t *w = malloc(nb);
        int32_t *b = malloc(sizeof(int32_t) * S->out_c);
        uint16_t *mu = malloc(sizeof(uint16_t) * S->out_c);
        uint8_t *sh = malloc(S->out_c);
        for (size_t j = 0; j < nb; j++)
            w[j] = mode == 0   ? (uint8_t)rnd()
                   : mode == 1 ? (S->wbits == 4 ? 0x88 : 0x80)
                               : (S->wbits == 4 ? 0x77 : 0x7f);
        for (unsigned c = 0; c < S->out_c; c++) {
            b[c] = (int32_t)(rnd() % 8001) - 4000;
            mu[c] = mode == 0 ? (uint16_t)(1 + rnd() % 65535) : 65535;
            sh[c] = (uint8_t)(mode == 0 ? 14 + rnd() % 8 : 12);
        }
        L->w = (const int8_t *)w;
        L->bias = b;
        L->bias16 = NULL;
        L->mult = NULL;
        L->mult16 = mu;
        L->shift = sh;
        L->bias_le = L->mult_le = NULL;
        r->mem[i][0] = w, r->mem[i][1] = b, r->mem[i][2] = mu, r->mem[i][3] = sh;
    }
    r->m.layer = r->L;
    r->m.n_layers = shape->n_layers;
    assert_int_equal(net_check(&r->m), NET_OK);
}

static void rand_free(rand_model *r)
{
    for (unsigned i = 0; i < NET_MAX_LAYERS; i++)
        for (unsigned j = 0; j < 4; j++)
            free(r->mem[i][j]);
}

static void random_image(uint8_t bits[NET_IMAGE_BYTES], int mode)
{
    for (unsigned i = 0; i < NET_IMAGE_BYTES; i++)
        bits[i] = mode == 1 ? 0xff : (uint8_t)(rnd() & rnd()); /* ~25% ink, or all ink */
    bits[NET_IMAGE_BYTES - 1] &= mode == 1 ? 0xff : 0x7f;
}

static void expect_same(const net_model *m, const uint8_t bits[NET_IMAGE_BYTES], const char *what,
                        int i)
{
    size_t need = net_arena_bytes(m);
    void *arena = malloc(need);
    net_result res;
    int32_t want[10];
    assert_int_equal(net_run(m, bits, arena, need, &res), NET_OK);
    ref_forward(m, bits, want);
    if (memcmp(res.logits, want, sizeof want) != 0)
        fail_msg("%s %d: engine logits differ from the plain reference (class 0: %d vs %d)", what,
                 i, (int)res.logits[0], (int)want[0]);
    free(arena);
}

static void test_random_tensors_default_shapes(void **state)
{
    (void)state;
    const net_model *def = net_default_model();
    rng_state = 15;
    for (int t = 0; t < 60; t++) {
        rand_model r;
        uint8_t bits[NET_IMAGE_BYTES];
        int mode = t < 50 ? 0 : 1 + t % 2;
        rand_from_default(&r, def, mode);
        random_image(bits, t % 5 == 4);
        expect_same(&r.m, bits, "random model", t);
        rand_free(&r);
    }
}

/* The same with every 4-bit layer widened to 8-bit weights, so the 8-bit
 * unpacking path runs on every shape too. */
static void test_random_tensors_8bit(void **state)
{
    (void)state;
    net_layer L[NET_MAX_LAYERS];
    const net_model *def = net_default_model();
    net_model shape = {L, def->n_layers};
    memcpy(L, def->layer, sizeof(net_layer) * def->n_layers);
    for (unsigned i = 0; i < def->n_layers; i++)
        L[i].wbits = 8;
    rng_state = 16;
    for (int t = 0; t < 30; t++) {
        rand_model r;
        uint8_t bits[NET_IMAGE_BYTES];
        rand_from_default(&r, &shape, t < 26 ? 0 : 1 + t % 2);
        random_image(bits, t % 7 == 6);
        expect_same(&r.m, bits, "random 8-bit model", t);
        rand_free(&r);
    }
}

/* One layer of another architecture: conv (k > 0) or dense (k == 0). */
typedef struct {
    unsigned k, out_c, pool, wbits, relu;
} arch_layer;

/* The shapes of the layers a describes on the 28 x 28 input (tensors are
 * filled by rand_from_default). */
static net_model arch_shape(net_layer *L, const arch_layer *a, unsigned n)
{
    unsigned c = 1, h = NET_IMAGE_SIDE, w = NET_IMAGE_SIDE;
    memset(L, 0, sizeof(net_layer) * n);
    for (unsigned i = 0; i < n; i++) {
        L[i].kind = (uint8_t)(a[i].k ? NET_CONV : NET_DENSE);
        L[i].k = (uint8_t)a[i].k, L[i].pool = (uint8_t)a[i].pool;
        L[i].wbits = (uint8_t)a[i].wbits, L[i].relu = (uint8_t)a[i].relu;
        L[i].in_c = (uint16_t)c, L[i].in_h = (uint16_t)h, L[i].in_w = (uint16_t)w;
        L[i].out_c = (uint16_t)a[i].out_c;
        c = a[i].out_c;
        h = a[i].k ? (h - a[i].k + 1) >> a[i].pool : 1;
        w = a[i].k ? (w - a[i].k + 1) >> a[i].pool : 1;
    }
    return (net_model){L, (uint8_t)n};
}

/* Shapes the default model does not have, against the reference: unpooled
 * 3 x 3 layers (2 x 2 blocks of two rows) into and out of the layer-0 ring
 * and on whole tensors of even and odd sides down to 1 x 1, and the shapes
 * the engine leaves to its own reference (other kernel sizes, a 3 x 3 fan-in
 * past its weight buffer, a dense layer on the input bits). */
static void test_random_tensors_other_shapes(void **state)
{
    (void)state;
    const arch_layer ring[] = {
        {3, 4, 0, 8, 1}, {3, 5, 0, 4, 1}, {3, 6, 0, 4, 1}, {3, 6, 1, 4, 1}, {0, 10, 0, 4, 0}};
    const arch_layer whole[] = {
        {3, 4, 1, 8, 1}, {3, 4, 1, 4, 1}, {3, 6, 0, 4, 1}, {3, 5, 0, 8, 0}, {0, 10, 0, 4, 0}};
    const arch_layer other[] = {
        {5, 20, 1, 8, 1}, {3, 6, 0, 4, 1}, {2, 5, 1, 8, 1}, {0, 10, 0, 4, 0}};
    const arch_layer bits[] = {{0, 12, 0, 8, 1}, {0, 10, 0, 4, 0}};
    const struct {
        const arch_layer *a;
        unsigned n;
        const char *what;
    } archs[] = {{ring, 5, "unpooled 3x3 through the ring"},
                 {whole, 5, "unpooled 3x3 on whole tensors"},
                 {other, 4, "5x5, a fan-in of 180, 2x2"},
                 {bits, 2, "dense on the input bits"}};
    rng_state = 17;
    for (size_t i = 0; i < sizeof archs / sizeof archs[0]; i++) {
        net_layer L[NET_MAX_LAYERS];
        const net_model shape = arch_shape(L, archs[i].a, archs[i].n);
        for (int t = 0; t < 12; t++) {
            rand_model r;
            uint8_t bits_in[NET_IMAGE_BYTES];
            rand_from_default(&r, &shape, t < 10 ? 0 : t - 9);
            random_image(bits_in, t % 6 == 5);
            expect_same(&r.m, bits_in, archs[i].what, t);
            rand_free(&r);
        }
    }
}

static void test_default_model_mnist(void **state)
{
    (void)state;
    inkpin_diag d = {{0}};
    dataset ds = {0};
    assert_int_equal(data_load_mnist(test_data_root_or_skip(), "test", &ds, &d), 0);
    int count = test_sanitized() ? 300 : ds.n;
    for (int i = 0; i < count; i++) {
        uint8_t bits[NET_IMAGE_BYTES];
        net_pack(bits, ds.pixels + (size_t)i * DATA_PIXELS);
        expect_same(net_default_model(), bits, "MNIST test digit", i);
    }
    printf("  %d MNIST test digits: engine == plain reference\n", count);
    data_free(&ds);
}

int main(void)
{
    if (!net_default_model()) {
        fprintf(stderr, "SKIP: this build has no default model (no model exported into src/)\n");
        return TEST_SKIP;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_tensors_default_shapes),
        cmocka_unit_test(test_random_tensors_8bit),
        cmocka_unit_test(test_random_tensors_other_shapes),
        cmocka_unit_test(test_default_model_mnist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
