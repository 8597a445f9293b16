/* net_models.h - random small float models and digit-like test images for
 * the engine tests (included by tests/test_net*.c and test_blob*.c). */
#ifndef INKPIN_TEST_NET_MODELS_H
#define INKPIN_TEST_NET_MODELS_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inkpin/net.h"
#include "model/model.h"

typedef struct {
    uint64_t s;
} tn_rng;

static inline uint32_t tn_next(tn_rng *r)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(r->s >> 33);
}

static inline float tn_uniform(tn_rng *r) /* [0, 1) */
{
    return (float)tn_next(r) / 2147483648.0f;
}

static inline float tn_normal(tn_rng *r)
{
    float u = tn_uniform(r) + 1e-7f, v = tn_uniform(r);
    return sqrtf(-2.0f * logf(u)) * cosf(6.2831853f * v);
}

/* One layer spec: kind, k (conv), out_c, relu, pool, weight bits (0 = 8). */
typedef struct {
    int kind, k, out_c, relu, pool, wbits;
} tn_spec;

/* He-initialised random model with small random biases; shapes from spec.
 * The last spec must be {MODEL_DENSE, 0, 10, 0, 0, 0}. */
static inline void tn_model(float_model *m, const tn_spec *spec, int n, tn_rng *r)
{
    int c = 1, h = 28, w = 28;
    memset(m, 0, sizeof *m);
    m->n_layers = n;
    for (int i = 0; i < n; i++) {
        model_layer *L = &m->layer[i];
        L->kind = (model_layer_kind)spec[i].kind;
        L->in_c = c, L->in_h = h, L->in_w = w;
        L->out_c = spec[i].out_c;
        L->k = spec[i].kind == MODEL_CONV ? spec[i].k : 0;
        L->relu = spec[i].relu;
        L->pool = spec[i].pool;
        L->wbits = spec[i].wbits;
        int fan = L->kind == MODEL_CONV ? c * L->k * L->k : c * h * w;
        size_t nw = (size_t)fan * (size_t)L->out_c;
        L->w = malloc(sizeof(float) * nw);
        L->b = malloc(sizeof(float) * (size_t)L->out_c);
        float sd = sqrtf(2.0f / (float)fan);
        for (size_t j = 0; j < nw; j++)
            L->w[j] = sd * tn_normal(r);
        for (int j = 0; j < L->out_c; j++)
            L->b[j] = 0.1f * tn_normal(r);
        if (L->kind == MODEL_CONV) {
            h = h - L->k + 1, w = w - L->k + 1;
            if (L->pool)
                h /= 2, w /= 2;
        } else {
            h = w = 1;
        }
        c = L->out_c;
    }
}

static inline void tn_free(float_model *m)
{
    for (int i = 0; i < m->n_layers; i++)
        free(m->layer[i].w), free(m->layer[i].b);
}

/* A digit-like 0/1 image: 2-4 thick random strokes inside the central 20x20. */
static inline void tn_image(uint8_t img[784], tn_rng *r)
{
    memset(img, 0, 784);
    int strokes = 2 + (int)(tn_next(r) % 3);
    float x = 6 + 16 * tn_uniform(r), y = 6 + 16 * tn_uniform(r);
    for (int s = 0; s < strokes; s++) {
        float nx = 6 + 16 * tn_uniform(r), ny = 6 + 16 * tn_uniform(r);
        for (int t = 0; t <= 40; t++) {
            float px = x + (nx - x) * (float)t / 40, py = y + (ny - y) * (float)t / 40;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int yy = (int)(py + (float)dy), xx = (int)(px + (float)dx);
                    if (yy >= 0 && yy < 28 && xx >= 0 && xx < 28)
                        img[yy * 28 + xx] = 1;
                }
        }
        x = nx, y = ny;
    }
}

static inline void tn_pack(uint8_t bits[98], const uint8_t img[784])
{
    memset(bits, 0, 98);
    for (int i = 0; i < 784; i++)
        if (img[i])
            bits[i / 8] = (uint8_t)(bits[i / 8] | (1u << (i % 8)));
}

/* Field-wise equality of two results (the struct has padding bytes). */
static inline int tn_same_result(const net_result *a, const net_result *b)
{
    return a->digit == b->digit && a->runner_up == b->runner_up &&
           !memcmp(a->confidence, b->confidence, sizeof a->confidence) &&
           !memcmp(a->logits, b->logits, sizeof a->logits);
}

/* Architectures the tests sweep: the streamed conv->conv path with and without
 * pooling, conv->dense, dense-only, three convs, k = 1..5. */
static const tn_spec TN_ARCH_A[] = {
    {MODEL_CONV, 3, 4, 1, 1, 0}, {MODEL_CONV, 3, 8, 1, 1, 0}, {MODEL_DENSE, 0, 10, 0, 0, 0}};
static const tn_spec TN_ARCH_B[] = {{MODEL_CONV, 5, 3, 1, 0, 0},
                                    {MODEL_CONV, 3, 4, 1, 1, 0},
                                    {MODEL_DENSE, 0, 16, 1, 0, 0},
                                    {MODEL_DENSE, 0, 10, 0, 0, 0}};
static const tn_spec TN_ARCH_C[] = {{MODEL_CONV, 4, 5, 1, 1, 0}, {MODEL_DENSE, 0, 10, 0, 0, 0}};
static const tn_spec TN_ARCH_D[] = {
    {MODEL_DENSE, 0, 12, 1, 0, 0}, {MODEL_DENSE, 0, 7, 0, 0, 0}, {MODEL_DENSE, 0, 10, 0, 0, 0}};
static const tn_spec TN_ARCH_E[] = {{MODEL_CONV, 3, 4, 1, 0, 0},
                                    {MODEL_CONV, 2, 4, 1, 1, 0},
                                    {MODEL_CONV, 1, 6, 1, 0, 0},
                                    {MODEL_CONV, 3, 6, 0, 1, 0},
                                    {MODEL_DENSE, 0, 10, 0, 0, 0}};
static const tn_spec TN_ARCH_F[] = {{MODEL_DENSE, 0, 10, 0, 0, 0}};
/* packed 4-bit layers, odd weight counts (5*9 = 45) so a nibble is left over */
static const tn_spec TN_ARCH_G[] = {
    {MODEL_CONV, 3, 5, 1, 1, 4}, {MODEL_CONV, 3, 7, 1, 1, 4}, {MODEL_DENSE, 0, 10, 0, 0, 8}};
static const tn_spec TN_ARCH_H[] = {{MODEL_CONV, 3, 4, 1, 1, 8},
                                    {MODEL_CONV, 3, 6, 1, 0, 4},
                                    {MODEL_DENSE, 0, 9, 1, 0, 4},
                                    {MODEL_DENSE, 0, 10, 0, 0, 4}};

typedef struct {
    const tn_spec *spec;
    int n;
    const char *name;
} tn_arch;

static const tn_arch TN_ARCHS[] = {
    {TN_ARCH_A, 3, "conv3p-conv3p-dense"},
    {TN_ARCH_B, 4, "conv5-conv3p-dense-dense"},
    {TN_ARCH_C, 2, "conv4p-dense"},
    {TN_ARCH_D, 3, "dense-dense-dense"},
    {TN_ARCH_E, 5, "conv3-conv2p-conv1-conv3p(noReLU)-dense"},
    {TN_ARCH_F, 1, "dense"},
    {TN_ARCH_G, 3, "conv3p(4b)-conv3p(4b)-dense"},
    {TN_ARCH_H, 4, "conv3p-conv3(4b)-dense(4b)-dense(4b)"},
};
#define TN_N_ARCHS ((int)(sizeof TN_ARCHS / sizeof TN_ARCHS[0]))

#endif
