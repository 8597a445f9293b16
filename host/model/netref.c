/* netref.c - naive float forward and an independent integer simulation
 * (see netref.h). Whole tensors, plain loops; speed does not matter here. */
#include "model/netref.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- float reference --------------------------------------------------- */

/* out is (oc, oh, ow) after optional ReLU and pool; in is (ic, h, w). */
static void conv_float(float *out, const float *in, const model_layer *L)
{
    int ic = L->in_c, h = L->in_h, w = L->in_w, k = L->k, oc = L->out_c;
    int ch = h - k + 1, cw = w - k + 1;
    float *full = malloc(sizeof(float) * (size_t)(oc * ch * cw));
    for (int o = 0; o < oc; o++)
        for (int y = 0; y < ch; y++)
            for (int x = 0; x < cw; x++) {
                float s = L->b[o];
                for (int c = 0; c < ic; c++)
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                            s += L->w[((o * ic + c) * k + ky) * k + kx] *
                                 in[(c * h + y + ky) * w + x + kx];
                if (L->relu && s < 0)
                    s = 0;
                full[(o * ch + y) * cw + x] = s;
            }
    if (!L->pool) {
        memcpy(out, full, sizeof(float) * (size_t)(oc * ch * cw));
    } else {
        int ph = ch / 2, pw = cw / 2;
        for (int o = 0; o < oc; o++)
            for (int y = 0; y < ph; y++)
                for (int x = 0; x < pw; x++) {
                    const float *f = full + (o * ch + 2 * y) * cw + 2 * x;
                    float m = fmaxf(fmaxf(f[0], f[1]), fmaxf(f[cw], f[cw + 1]));
                    out[(o * ph + y) * pw + x] = m;
                }
    }
    free(full);
}

static void dense_float(float *out, const float *in, const model_layer *L)
{
    int n = L->in_c * L->in_h * L->in_w;
    for (int o = 0; o < L->out_c; o++) {
        float s = L->b[o];
        for (int i = 0; i < n; i++)
            s += L->w[(size_t)o * (size_t)n + (size_t)i] * in[i];
        out[o] = (L->relu && s < 0) ? 0 : s;
    }
}

static int layer_out_size(const model_layer *L)
{
    if (L->kind == MODEL_DENSE)
        return L->out_c;
    int h = L->in_h - L->k + 1, w = L->in_w - L->k + 1;
    if (L->pool)
        h /= 2, w /= 2;
    return L->out_c * h * w;
}

void netref_float_forward(const float_model *m, const uint8_t img01[784], float logits[10],
                          float *act_max)
{
    float *cur = malloc(sizeof(float) * 784);
    for (int i = 0; i < 784; i++)
        cur[i] = img01[i] ? 1.0f : 0.0f;
    for (int l = 0; l < m->n_layers; l++) {
        const model_layer *L = &m->layer[l];
        int n = layer_out_size(L);
        float *next = malloc(sizeof(float) * (size_t)n);
        if (L->kind == MODEL_CONV)
            conv_float(next, cur, L);
        else
            dense_float(next, cur, L);
        if (act_max && l < m->n_layers - 1)
            for (int i = 0; i < n; i++)
                if (fabsf(next[i]) > act_max[l])
                    act_max[l] = fabsf(next[i]);
        free(cur);
        cur = next;
    }
    memcpy(logits, cur, sizeof(float) * 10);
    free(cur);
}

/* ---- integer simulation ---------------------------------------------------
 * Requantization by exact extended-precision division: acc*mult < 2^62 and a
 * division by 2^shift are exact in an x87 long double (64-bit mantissa), and
 * roundl() rounds half away from zero. */
#if LDBL_MANT_DIG < 64
#error "netref needs a long double with a 64-bit mantissa for exact requantization"
#endif

static int32_t sim_requant(int32_t acc, int32_t mult, int shift, int32_t lo, int32_t hi)
{
    long double v = roundl(ldexpl((long double)acc * (long double)mult, -shift));
    if (v < lo)
        return lo;
    if (v > hi)
        return hi;
    return (int32_t)v;
}

static void conv_int(int32_t *out, const int32_t *in, const quant_layer *Q)
{
    int ic = Q->in_c, h = Q->in_h, w = Q->in_w, k = Q->k, oc = Q->out_c;
    int ch = h - k + 1, cw = w - k + 1;
    int32_t *full = malloc(sizeof(int32_t) * (size_t)(oc * ch * cw));
    for (int o = 0; o < oc; o++)
        for (int y = 0; y < ch; y++)
            for (int x = 0; x < cw; x++) {
                int64_t s = Q->bias[o];
                for (int c = 0; c < ic; c++)
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                            s += (int64_t)Q->w[((o * ic + c) * k + ky) * k + kx] *
                                 in[(c * h + y + ky) * w + x + kx];
                int32_t q = sim_requant((int32_t)s, Q->mult[o], Q->shift[o], -128, 127);
                if (Q->relu && q < 0)
                    q = 0;
                full[(o * ch + y) * cw + x] = q;
            }
    if (!Q->pool) {
        memcpy(out, full, sizeof(int32_t) * (size_t)(oc * ch * cw));
    } else {
        int ph = ch / 2, pw = cw / 2;
        for (int o = 0; o < oc; o++)
            for (int y = 0; y < ph; y++)
                for (int x = 0; x < pw; x++) {
                    const int32_t *f = full + (o * ch + 2 * y) * cw + 2 * x;
                    int32_t m = f[0];
                    if (f[1] > m)
                        m = f[1];
                    if (f[cw] > m)
                        m = f[cw];
                    if (f[cw + 1] > m)
                        m = f[cw + 1];
                    out[(o * ph + y) * pw + x] = m;
                }
    }
    free(full);
}

static void dense_int(int32_t *out, const int32_t *in, const quant_layer *Q, int last)
{
    int n = Q->in_c * Q->in_h * Q->in_w;
    for (int o = 0; o < Q->out_c; o++) {
        int64_t s = Q->bias[o];
        for (int i = 0; i < n; i++)
            s += (int64_t)Q->w[(size_t)o * (size_t)n + (size_t)i] * in[i];
        if (last) {
            out[o] = sim_requant((int32_t)s, Q->mult[o], Q->shift[o], -(1 << 24), 1 << 24);
        } else {
            int32_t q = sim_requant((int32_t)s, Q->mult[o], Q->shift[o], -128, 127);
            out[o] = (Q->relu && q < 0) ? 0 : q;
        }
    }
}

static void qshape(const quant_layer *Q, int *c, int *h, int *w)
{
    *c = Q->out_c;
    if (Q->kind == MODEL_DENSE) {
        *h = *w = 1;
        return;
    }
    *h = Q->in_h - Q->k + 1, *w = Q->in_w - Q->k + 1;
    if (Q->pool)
        *h /= 2, *w /= 2;
}

void netref_softmax(const int32_t logits[10], uint16_t conf[10], int *digit, int *runner_up)
{
    /* spec (docs/engine.md): T[i] = round(32768 * 2^(-i/16)); for x = max - l:
     * x > 32*1024 -> 0; t = floor((1477 x + 512) / 1024); k = t / 1024; k >= 16 -> 0;
     * f = t % 1024; e = T[f/64] - floor(((T[f/64] - T[f/64+1]) * (f%64) + 32) / 64);
     * e = floor((e + 2^(k-1)) / 2^k) when k > 0. conf = floor(e * 32768 / sum),
     * remainder to the argmax. */
    long T[17], e[10], sum = 0, total = 0;
    int best = 0, second = -1;
    for (int i = 0; i < 17; i++)
        T[i] = lround(32768.0 * pow(2.0, -i / 16.0));
    for (int i = 0; i < 10; i++)
        if (logits[i] > logits[best])
            best = i;
    for (int i = 0; i < 10; i++)
        if (i != best && (second < 0 || logits[i] > logits[second]))
            second = i;
    for (int i = 0; i < 10; i++) {
        long long x = (long long)logits[best] - logits[i];
        e[i] = 0;
        if (x <= 32 * 1024) {
            long long t = (1477 * x + 512) / 1024;
            long long k = t / 1024, f = t % 1024;
            if (k < 16) {
                long a = T[f / 64], b = T[f / 64 + 1];
                long v = a - (long)(((a - b) * (f % 64) + 32) / 64);
                e[i] = k ? (long)((v + (1LL << (k - 1))) / (1LL << k)) : v;
            }
        }
        sum += e[i];
    }
    for (int i = 0; i < 10; i++) {
        conf[i] = (uint16_t)((e[i] * 32768L) / sum);
        total += conf[i];
    }
    conf[best] = (uint16_t)(conf[best] + (32768L - total));
    *digit = best;
    *runner_up = second;
}

void netref_int_forward(const quant_model *q, const uint8_t img01[784], int32_t logits[10],
                        uint16_t conf[10], int *digit, int *runner_up, netref_trace_fn trace,
                        void *ctx)
{
    int32_t *cur = malloc(sizeof(int32_t) * 784);
    int8_t *t8 = NULL;
    for (int i = 0; i < 784; i++)
        cur[i] = img01[i] ? 1 : 0;
    for (int l = 0; l < q->n_layers; l++) {
        const quant_layer *Q = &q->layer[l];
        int last = l == q->n_layers - 1, c, h, w;
        qshape(Q, &c, &h, &w);
        int32_t *next = malloc(sizeof(int32_t) * (size_t)(c * h * w));
        if (Q->kind == MODEL_CONV)
            conv_int(next, cur, Q);
        else
            dense_int(next, cur, Q, last);
        if (trace && !last) {
            t8 = realloc(t8, (size_t)(c * h * w));
            for (int i = 0; i < c * h * w; i++)
                t8[i] = (int8_t)next[i];
            trace(ctx, l, t8, c, h, w);
        }
        free(cur);
        cur = next;
    }
    memcpy(logits, cur, sizeof(int32_t) * 10);
    free(cur);
    free(t8);
    netref_softmax(logits, conf, digit, runner_up);
}
