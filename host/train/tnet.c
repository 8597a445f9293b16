/* tnet.c - the trainable network (see tnet.h). */
#include "train/tnet.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/quant.h"
#include "train/layers.h"
#include "train/rng.h"

float rng_normal(rng_t *r)
{
    float u1 = rng_uniform(r), u2 = rng_uniform(r);
    if (u1 < 1e-7f)
        u1 = 1e-7f;
    return sqrtf(-2.0f * logf(u1)) * cosf(6.28318530718f * u2);
}

/* ---- architecture ------------------------------------------------------------ */

static int parse_int(const char **p)
{
    int v = 0, digits = 0;
    while (isdigit((unsigned char)**p) && v < 100000) {
        v = v * 10 + (**p - '0');
        (*p)++;
        digits++;
    }
    return digits ? v : -1;
}

int tnet_parse(tnet *net, const char *spec, inkpin_diag *d)
{
    memset(net, 0, sizeof *net);
    if (!spec || strlen(spec) >= sizeof net->spec)
        return diag_fail(d, "--arch: empty or too long (max %zu chars)", sizeof net->spec - 1);
    snprintf(net->spec, sizeof net->spec, "%s", spec);
    int c = 1, h = 28, wd = 28;
    long np = 0, ns = 0;
    const char *p = spec;
    while (*p) {
        if (net->n_layers == TNET_MAX_LAYERS)
            return diag_fail(d, "--arch '%s': more than %d layers", spec, TNET_MAX_LAYERS);
        tnet_layer *L = &net->layer[net->n_layers];
        const char *tok = p;
        char kind = *p++;
        L->in_c = c, L->in_h = h, L->in_w = wd, L->in_size = c * h * wd;
        L->g_off = L->beta_off = L->mean_off = L->var_off = -1;
        L->out_c = parse_int(&p);
        if ((kind != 'c' && kind != 'd') || L->out_c < 1 || L->out_c > 512)
            return diag_fail(
                d, "--arch '%s': bad layer at offset %d (want cN[kK][b][p][q] or dN[r][q])", spec,
                (int)(tok - spec));
        L->k = 3, L->wbits = 8;
        /* flags in any order: k<K> b p q (conv), r q (dense) */
        while (*p && *p != ',') {
            char f = *p++;
            if (f == 'k' && kind == 'c')
                L->k = parse_int(&p);
            else if (f == 'b' && kind == 'c')
                L->bn = 1;
            else if (f == 'p' && kind == 'c')
                L->pool = 1;
            else if (f == 'r' && kind == 'd')
                L->relu = 1;
            else if (f == 'q')
                L->wbits = 4;
            else
                return diag_fail(d, "--arch '%s': unknown flag '%c' at offset %d", spec, f,
                                 (int)(p - 1 - spec));
        }
        if (kind == 'c') {
            L->kind = MODEL_CONV;
            L->relu = 1;
            if (L->k < 1 || L->k > h || L->k > wd || (L->in_c > 1 && L->k > 7))
                return diag_fail(d, "--arch '%s': bad kernel at offset %d", spec,
                                 (int)(tok - spec));
            L->z_h = h - L->k + 1, L->z_w = wd - L->k + 1;
            L->out_h = L->pool ? L->z_h / 2 : L->z_h;
            L->out_w = L->pool ? L->z_w / 2 : L->z_w;
            if (L->out_h < 1 || L->out_w < 1)
                return diag_fail(d, "--arch '%s': layer at offset %d shrinks the image to nothing",
                                 spec, (int)(tok - spec));
            L->n_w = (long)L->out_c * c * L->k * L->k;
        } else {
            L->kind = MODEL_DENSE;
            L->z_h = L->z_w = L->out_h = L->out_w = 1;
            L->n_w = (long)L->out_c * L->in_size;
        }
        L->z_size = L->out_c * L->z_h * L->z_w;
        L->out_size = L->out_c * L->out_h * L->out_w;
        L->w_off = np, np += L->n_w;
        L->b_off = np, np += L->out_c;
        if (L->bn) {
            L->g_off = np, np += L->out_c;
            L->beta_off = np, np += L->out_c;
            L->mean_off = ns, ns += L->out_c;
            L->var_off = ns, ns += L->out_c;
        }
        c = L->out_c, h = L->out_h, wd = L->out_w;
        net->n_layers++;
        if (*p == ',')
            p++;
    }
    const tnet_layer *last = net->n_layers ? &net->layer[net->n_layers - 1] : NULL;
    if (!last || last->kind != MODEL_DENSE || last->out_c != TNET_CLASSES || last->relu)
        return diag_fail(d, "--arch '%s': the last layer must be d10 (10 logits, no ReLU)", spec);
    net->n_params = np;
    net->n_stats = ns;
    return 0;
}

int tnet_param_decays(const tnet *net, long i)
{
    for (int l = 0; l < net->n_layers; l++) {
        const tnet_layer *L = &net->layer[l];
        if (i >= L->w_off && i < L->w_off + L->n_w)
            return 1;
    }
    return 0;
}

void tnet_init(const tnet *net, float *params, float *stats, uint64_t seed)
{
    memset(params, 0, (size_t)net->n_params * sizeof *params);
    for (int l = 0; l < net->n_layers; l++) {
        const tnet_layer *L = &net->layer[l];
        rng_t r = rng_make(seed, RNG_INIT, (uint64_t)l, 0);
        long fan_in = L->n_w / L->out_c;
        float sd = sqrtf((L->relu ? 2.0f : 1.0f) / (float)fan_in);
        for (long i = 0; i < L->n_w; i++)
            params[L->w_off + i] = sd * rng_normal(&r);
        if (L->bn) {
            for (int ch = 0; ch < L->out_c; ch++) {
                params[L->g_off + ch] = 1.0f;
                stats[L->mean_off + ch] = 0.0f;
                stats[L->var_off + ch] = 1.0f;
            }
        }
    }
}

/* ---- workspace ---------------------------------------------------------------- */

static long chunks_for(int B)
{
    return (B + TNET_CHUNK - 1) / TNET_CHUNK;
}

int tnet_work_alloc(tnet_work *w, const tnet *net, int max_batch)
{
    memset(w, 0, sizeof *w);
    w->max_batch = max_batch;
    long n = 0;
    /* first pass counts, second assigns */
    for (int pass = 0; pass < 2; pass++) {
        float *base = w->block;
        n = 0;
#define TAKE(ptr, count)                                                                           \
    do {                                                                                           \
        if (pass)                                                                                  \
            (ptr) = base + n;                                                                      \
        n += (long)(count);                                                                        \
    } while (0)
        for (int l = 0; l < net->n_layers; l++) {
            const tnet_layer *L = &net->layer[l];
            long zs = (long)max_batch * L->z_size, os = (long)max_batch * L->out_size;
            TAKE(w->z[l], zs);
            TAKE(w->dz[l], zs);
            if (L->bn) {
                TAKE(w->y[l], zs);
                TAKE(w->dy[l], zs);
                TAKE(w->mean[l], L->out_c);
                TAKE(w->rstd[l], L->out_c);
            } else if (pass) {
                w->y[l] = w->z[l], w->dy[l] = w->dz[l];
            }
            if (L->relu) {
                TAKE(w->a[l], zs);
                TAKE(w->da[l], zs);
            } else if (pass) {
                w->a[l] = w->y[l], w->da[l] = w->dy[l];
            }
            if (L->pool) {
                TAKE(w->o[l], os);
                TAKE(w->dO[l], os);
            } else if (pass) {
                w->o[l] = w->a[l], w->dO[l] = w->da[l];
            }
        }
        TAKE(w->probs, (long)max_batch * TNET_CLASSES);
        TAKE(w->losses, max_batch);
        TAKE(w->chunk_grads, chunks_for(max_batch) * net->n_params);
#undef TAKE
        if (!pass) {
            w->block = calloc((size_t)n, sizeof(float));
            if (!w->block)
                return -1;
            w->block_floats = n;
        }
    }
    return 0;
}

void tnet_work_free(tnet_work *w)
{
    free(w->block);
    memset(w, 0, sizeof *w);
}

/* ---- forward / backward -------------------------------------------------------- */

/* Per-sample pieces of a layer. "pre": conv/dense into z. "post": batch norm
 * in eval mode (training-mode BN is a batch step between pre and post), ReLU,
 * pool. */
static void pre_forward(const tnet_layer *L, const float *params, const float *in, float *z)
{
    const float *wt = params + L->w_off, *bs = params + L->b_off;
    if (L->kind == MODEL_CONV)
        conv2d_forward(z, in, wt, bs, L->in_c, L->in_h, L->in_w, L->out_c, L->k);
    else
        dense_forward(z, in, wt, bs, L->in_size, L->out_c);
}

static void post_forward(const tnet_layer *L, const float *params, const float *stats, tnet_work *w,
                         int l, int b, int bn_eval)
{
    long zo = (long)b * L->z_size;
    if (L->bn && bn_eval)
        batchnorm_forward_eval(w->y[l] + zo, w->z[l] + zo, stats + L->mean_off, stats + L->var_off,
                               params + L->g_off, params + L->beta_off, L->out_c, L->z_h * L->z_w,
                               TNET_BN_EPS);
    if (L->relu)
        relu_forward(w->a[l] + zo, w->y[l] + zo, L->z_size);
    if (L->pool)
        maxpool2x2_forward(w->o[l] + (long)b * L->out_size, w->a[l] + zo, L->out_c, L->z_h, L->z_w);
}

static void loss_forward(const tnet *net, tnet_work *w, const uint8_t *labels, int b)
{
    const float *logits = w->o[net->n_layers - 1];
    float l;
    if (w->soft && labels)
        l = distill_forward(w->probs + b * TNET_CLASSES, logits + b * TNET_CLASSES, labels[b],
                            w->soft + b * TNET_CLASSES, w->kd_alpha, w->kd_temp, TNET_CLASSES);
    else
        l = softmax_xent_forward(w->probs + b * TNET_CLASSES, logits + b * TNET_CLASSES,
                                 labels ? labels[b] : 0, TNET_CLASSES);
    w->losses[b] = labels ? l : 0.0f;
}

/* d(mean loss)/d(logits) of sample b into dO of the last layer. */
static void loss_backward(const tnet *net, tnet_work *w, const uint8_t *labels, int b, int B)
{
    float *dlogits = w->dO[net->n_layers - 1] + b * TNET_CLASSES;
    const float *probs = w->probs + b * TNET_CLASSES;
    if (w->soft)
        distill_backward(dlogits, probs, w->o[net->n_layers - 1] + b * TNET_CLASSES, labels[b],
                         w->soft + b * TNET_CLASSES, w->kd_alpha, w->kd_temp, TNET_CLASSES,
                         1.0f / (float)B);
    else
        softmax_xent_backward(dlogits, probs, labels[b], TNET_CLASSES, 1.0f / (float)B);
}

int tnet_has_bn(const tnet *net)
{
    for (int l = 0; l < net->n_layers; l++)
        if (net->layer[l].bn)
            return 1;
    return 0;
}

static const float *layer_input(const tnet *net, const tnet_work *w, const float *x, int l, int b)
{
    return (l ? w->o[l - 1] : x) + (long)b * net->layer[l].in_size;
}

float tnet_forward(const tnet *net, const float *params, float *stats, tnet_work *w, const float *x,
                   const uint8_t *labels, int B, int training)
{
    if (!training || !tnet_has_bn(net)) {
        /* every layer is per sample: one parallel region for the whole pass */
#pragma omp parallel for schedule(static)
        for (int b = 0; b < B; b++) {
            for (int l = 0; l < net->n_layers; l++) {
                const tnet_layer *L = &net->layer[l];
                pre_forward(L, params, layer_input(net, w, x, l, b), w->z[l] + (long)b * L->z_size);
                post_forward(L, params, stats, w, l, b, 1);
            }
            loss_forward(net, w, labels, b);
        }
    } else {
        for (int l = 0; l < net->n_layers; l++) {
            const tnet_layer *L = &net->layer[l];
#pragma omp parallel for schedule(static)
            for (int b = 0; b < B; b++)
                pre_forward(L, params, layer_input(net, w, x, l, b), w->z[l] + (long)b * L->z_size);
            if (L->bn) {
                float *rm = stats + L->mean_off, *rv = stats + L->var_off;
                batchnorm_forward_batch(w->y[l], w->mean[l], w->rstd[l], w->z[l], params + L->g_off,
                                        params + L->beta_off, B, L->out_c, L->z_h * L->z_w,
                                        TNET_BN_EPS);
                for (int c = 0; c < L->out_c; c++) {
                    float r = w->rstd[l][c];
                    float var = 1.0f / (r * r) - TNET_BN_EPS;
                    rm[c] += TNET_BN_MOMENTUM * (w->mean[l][c] - rm[c]);
                    rv[c] += TNET_BN_MOMENTUM * (var - rv[c]);
                }
            }
#pragma omp parallel for schedule(static)
            for (int b = 0; b < B; b++)
                post_forward(L, params, stats, w, l, b, 0);
        }
#pragma omp parallel for schedule(static)
        for (int b = 0; b < B; b++)
            loss_forward(net, w, labels, b);
    }
    double total = 0.0;
    for (int b = 0; b < B; b++)
        total += w->losses[b];
    return (float)(total / B);
}

/* Per-sample backward pieces, mirroring pre/post. post_backward takes dO to
 * dy (through pool and ReLU); pre_backward takes dz to the layer input and
 * adds the weight gradients into g (one chunk's gradient block). */
static void post_backward(const tnet_layer *L, tnet_work *w, int l, int b)
{
    long zo = (long)b * L->z_size;
    if (L->pool)
        maxpool2x2_backward(w->da[l] + zo, w->dO[l] + (long)b * L->out_size, w->a[l] + zo, L->out_c,
                            L->z_h, L->z_w);
    if (L->relu)
        relu_backward(w->dy[l] + zo, w->da[l] + zo, w->a[l] + zo, L->z_size);
}

static void pre_backward(const tnet *net, const float *params, float *g, tnet_work *w,
                         const float *x, int l, int b)
{
    const tnet_layer *L = &net->layer[l];
    const float *dz = w->dz[l] + (long)b * L->z_size;
    const float *xin = layer_input(net, w, x, l, b);
    float *dx = l ? w->dO[l - 1] + (long)b * L->in_size : NULL;
    const float *wt = params + L->w_off;
    if (L->kind == MODEL_CONV)
        conv2d_backward(dx, g + L->w_off, g + L->b_off, dz, xin, wt, L->in_c, L->in_h, L->in_w,
                        L->out_c, L->k);
    else
        dense_backward(dx, g + L->w_off, g + L->b_off, dz, xin, wt, L->in_size, L->out_c);
}

/* zero sample b's activation gradients (they accumulate with +=) */
static void zero_sample_grads(const tnet *net, tnet_work *w, int b)
{
    for (int l = 0; l < net->n_layers; l++) {
        const tnet_layer *L = &net->layer[l];
        size_t zs = (size_t)L->z_size * sizeof(float);
        long zo = (long)b * L->z_size;
        memset(w->dz[l] + zo, 0, zs);
        if (L->bn)
            memset(w->dy[l] + zo, 0, zs);
        if (L->relu)
            memset(w->da[l] + zo, 0, zs);
        if (L->pool)
            memset(w->dO[l] + (long)b * L->out_size, 0, (size_t)L->out_size * sizeof(float));
    }
}

void tnet_backward(const tnet *net, const float *params, float *grads, tnet_work *w, const float *x,
                   const uint8_t *labels, int B)
{
    long nchunks = chunks_for(B), np = net->n_params;
    if (!tnet_has_bn(net)) {
        /* one parallel region: each chunk runs its samples through every layer */
#pragma omp parallel for schedule(static)
        for (long ch = 0; ch < nchunks; ch++) {
            float *g = w->chunk_grads + ch * np;
            memset(g, 0, (size_t)np * sizeof(float));
            int end = (int)((ch + 1) * TNET_CHUNK < B ? (ch + 1) * TNET_CHUNK : B);
            for (int b = (int)ch * TNET_CHUNK; b < end; b++) {
                zero_sample_grads(net, w, b);
                loss_backward(net, w, labels, b, B);
                for (int l = net->n_layers - 1; l >= 0; l--) {
                    post_backward(&net->layer[l], w, l, b);
                    pre_backward(net, params, g, w, x, l, b);
                }
            }
        }
    } else {
        memset(w->chunk_grads, 0, (size_t)(nchunks * np) * sizeof(float));
#pragma omp parallel for schedule(static)
        for (int b = 0; b < B; b++) {
            zero_sample_grads(net, w, b);
            loss_backward(net, w, labels, b, B);
        }
        for (int l = net->n_layers - 1; l >= 0; l--) {
            const tnet_layer *L = &net->layer[l];
#pragma omp parallel for schedule(static)
            for (int b = 0; b < B; b++)
                post_backward(L, w, l, b);
            if (L->bn)
                batchnorm_backward_batch(w->dz[l], w->chunk_grads + L->g_off,
                                         w->chunk_grads + L->beta_off, w->dy[l], w->z[l],
                                         w->mean[l], w->rstd[l], params + L->g_off, B, L->out_c,
                                         L->z_h * L->z_w);
#pragma omp parallel for schedule(static)
            for (long ch = 0; ch < nchunks; ch++) {
                int end = (int)((ch + 1) * TNET_CHUNK < B ? (ch + 1) * TNET_CHUNK : B);
                for (int b = (int)ch * TNET_CHUNK; b < end; b++)
                    pre_backward(net, params, w->chunk_grads + ch * np, w, x, l, b);
            }
        }
    }
    /* sum the chunks in chunk order */
#pragma omp parallel for schedule(static)
    for (long i = 0; i < np; i++) {
        float s = 0.0f;
        for (long ch = 0; ch < nchunks; ch++)
            s += w->chunk_grads[ch * np + i];
        grads[i] = s;
    }
}

void tnet_to_float_model(const tnet *net, const float *params, const float *stats, float *storage,
                         float_model *m)
{
    memcpy(storage, params, (size_t)net->n_params * sizeof(float));
    memset(m, 0, sizeof *m);
    m->n_layers = net->n_layers;
    for (int l = 0; l < net->n_layers; l++) {
        const tnet_layer *L = &net->layer[l];
        model_layer *M = &m->layer[l];
        M->kind = L->kind;
        M->in_c = L->in_c, M->in_h = L->in_h, M->in_w = L->in_w;
        M->out_c = L->out_c;
        M->k = L->kind == MODEL_CONV ? L->k : 0;
        M->relu = L->relu, M->pool = L->pool;
        M->wbits = L->wbits;
        M->w = storage + L->w_off;
        M->b = storage + L->b_off;
        if (!L->bn)
            continue;
        /* y = (conv + b - mean) * gamma / sqrt(var + eps) + beta */
        long per_out = L->n_w / L->out_c;
        for (int c = 0; c < L->out_c; c++) {
            float s = params[L->g_off + c] / sqrtf(stats[L->var_off + c] + TNET_BN_EPS);
            for (long i = 0; i < per_out; i++)
                M->w[c * per_out + i] *= s;
            M->b[c] = (params[L->b_off + c] - stats[L->mean_off + c]) * s + params[L->beta_off + c];
        }
    }
}

int tnet_has_qat(const tnet *net)
{
    for (int l = 0; l < net->n_layers; l++)
        if (net->layer[l].wbits == 4)
            return 1;
    return 0;
}

void tnet_fake_quant(const tnet *net, const float *params, float *q)
{
    memcpy(q, params, (size_t)net->n_params * sizeof(float));
    for (int l = 0; l < net->n_layers; l++) {
        const tnet_layer *L = &net->layer[l];
        if (L->wbits != 4)
            continue;
        int per_out = (int)(L->n_w / L->out_c), qmax = quant_qmax(4);
        for (int c = 0; c < L->out_c; c++) {
            const float *w = params + L->w_off + (long)c * per_out;
            float *o = q + L->w_off + (long)c * per_out;
            float sc = quant_weight_scale_bits(w, per_out, 4);
            for (int i = 0; i < per_out; i++)
                o[i] = (float)quant_round((double)w[i] / sc, -qmax, qmax) * sc;
        }
    }
}
