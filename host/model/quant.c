/* quant.c - post-training quantization (see quant.h). */
#include "model/quant.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inkpin/util.h"
#include "model/netref.h"

int quant_multiplier(double m, uint16_t *mult, uint8_t *shift)
{
    int e;
    double f;
    long long q;
    if (!isfinite(m) || m < 0 || m >= 32768.0)
        return -1;
    *mult = 0;
    *shift = 0;
    if (m == 0)
        return 0;
    f = frexp(m, &e); /* m = f * 2^e, f in [0.5, 1) */
    q = llround(f * 32768.0);
    if (q == 32768LL) { /* f rounded up to 1 */
        q = 16384LL;
        e++;
    }
    if (15 - e > NET_MAX_SHIFT) { /* tiny: keep the largest shift, fewer mult bits */
        q = llround(ldexp(m, NET_MAX_SHIFT));
        if (q == 0)
            return 0;
        *mult = (uint16_t)q;
        *shift = NET_MAX_SHIFT;
        return 0;
    }
    if (15 - e < 0)
        return -1;
    *mult = (uint16_t)q;
    *shift = (uint8_t)(15 - e);
    return 0;
}

int32_t quant_round(double v, int32_t lo, int32_t hi)
{
    double r;
    if (isnan(v))
        return 0;
    r = v < 0 ? -floor(-v + 0.5) : floor(v + 0.5);
    if (r < lo)
        return lo;
    if (r > hi)
        return hi;
    return (int32_t)r;
}

int quant_qmax(int bits)
{
    return bits == 4 ? 7 : 127;
}

float quant_weight_scale(const float *w, int n)
{
    return quant_weight_scale_bits(w, n, 8);
}

void quant_pack4(uint8_t *out, const int8_t *v, size_t n)
{
    memset(out, 0, (n + 1) / 2);
    for (size_t i = 0; i < n; i++)
        out[i / 2] = (uint8_t)(out[i / 2] | ((unsigned)v[i] & 15u) << (4 * (i & 1)));
}

float quant_weight_scale_bits(const float *w, int n, int bits)
{
    float mx = 0;
    for (int i = 0; i < n; i++)
        if (fabsf(w[i]) > mx)
            mx = fabsf(w[i]);
    if (!(mx > 0) || !isfinite(mx))
        return 1.0f; /* zero-range channel: any scale works, the weights are 0 */
    return mx / (float)quant_qmax(bits);
}

static int conv_out(int n, int k, int pool)
{
    int o = n - k + 1;
    return pool ? o / 2 : o;
}

int quant_check_float(const float_model *fm, inkpin_diag *d)
{
    int c = 1, h = 28, w = 28;
    if (!fm || fm->n_layers < 1 || fm->n_layers > MODEL_MAX_LAYERS || fm->n_layers > NET_MAX_LAYERS)
        return diag_fail(d, "model: layer count %d not in 1..%d", fm ? fm->n_layers : 0,
                         NET_MAX_LAYERS);
    for (int i = 0; i < fm->n_layers; i++) {
        const model_layer *L = &fm->layer[i];
        int last = i == fm->n_layers - 1;
        if (L->in_c != c || L->in_h != h || L->in_w != w)
            return diag_fail(d, "model: layer %d input %dx%dx%d, previous output %dx%dx%d", i,
                             L->in_c, L->in_h, L->in_w, c, h, w);
        if (!L->w || !L->b || L->out_c < 1 || L->out_c > 65535)
            return diag_fail(d, "model: layer %d has no tensors or out_c %d", i, L->out_c);
        if (L->wbits != 0 && L->wbits != 8 && L->wbits != 4)
            return diag_fail(d, "model: layer %d: weight bits %d (4 or 8)", i, L->wbits);
        if (L->kind == MODEL_CONV) {
            if (last || L->k < 1 || L->k > NET_MAX_KERNEL || L->k > h || L->k > w ||
                conv_out(h, L->k, L->pool) < 1 || conv_out(w, L->k, L->pool) < 1)
                return diag_fail(d, "model: layer %d: bad conv (k=%d on %dx%d%s)", i, L->k, h, w,
                                 last ? ", last layer must be dense" : "");
            if ((long)L->in_c * L->k * L->k > 65536)
                return diag_fail(d, "model: layer %d fan-in too large", i);
            h = conv_out(h, L->k, L->pool);
            w = conv_out(w, L->k, L->pool);
        } else if (L->kind == MODEL_DENSE) {
            if (L->pool)
                return diag_fail(d, "model: layer %d: dense layer cannot pool", i);
            if ((long)c * h * w > 65536)
                return diag_fail(d, "model: layer %d fan-in too large", i);
            h = w = 1;
        } else {
            return diag_fail(d, "model: layer %d: unknown kind %d", i, (int)L->kind);
        }
        c = L->out_c;
        if (last && (c != 10 || L->relu))
            return diag_fail(d, "model: last layer must be dense, 10 outputs, no ReLU");
    }
    return 0;
}

void quant_calibrate(const float_model *fm, const uint8_t *images01, int n,
                     float act_max[MODEL_MAX_LAYERS])
{
    float logits[10];
    memset(act_max, 0, sizeof(float) * MODEL_MAX_LAYERS);
    for (int i = 0; i < n; i++)
        netref_float_forward(fm, images01 + (size_t)i * 784, logits, act_max);
}

static int per_channel(const model_layer *L)
{
    return L->kind == MODEL_CONV ? L->in_c * L->k * L->k : L->in_c * L->in_h * L->in_w;
}

static size_t weight_elems(const quant_layer *Q)
{
    size_t per = Q->kind == MODEL_CONV ? (size_t)Q->in_c * (size_t)(Q->k * Q->k)
                                       : (size_t)Q->in_c * (size_t)(Q->in_h * Q->in_w);
    return per * (size_t)Q->out_c;
}

/* Fills wq/wq_bytes (the engine's weight bytes) from w. */
static int quant_finish_weights(quant_layer *Q, inkpin_diag *d)
{
    size_t n = weight_elems(Q);
    if (Q->wbits == 8) {
        Q->wq = Q->w;
        Q->wq_bytes = n;
        return 0;
    }
    Q->wq_bytes = (n + 1) / 2;
    Q->wq = malloc(Q->wq_bytes ? Q->wq_bytes : 1);
    if (!Q->wq)
        return diag_fail(d, "quant: out of memory");
    quant_pack4((uint8_t *)Q->wq, Q->w, n);
    return 0;
}

static int build_layer(quant_layer *Q, const model_layer *L, float s_in, float s_out, int idx,
                       inkpin_diag *d)
{
    int per = per_channel(L), oc = L->out_c;
    memset(Q, 0, sizeof *Q);
    Q->kind = (int)L->kind;
    Q->in_c = L->in_c, Q->in_h = L->in_h, Q->in_w = L->in_w;
    Q->out_c = oc, Q->k = L->kind == MODEL_CONV ? L->k : 0;
    Q->relu = L->relu, Q->pool = L->pool;
    Q->wbits = L->wbits == 4 ? 4 : 8;
    Q->s_in = s_in, Q->s_out = s_out;
    Q->w = malloc((size_t)per * (size_t)oc);
    Q->bias = malloc(sizeof(int32_t) * (size_t)oc);
    Q->mult = malloc(sizeof(int32_t) * (size_t)oc);
    Q->mult16 = malloc(sizeof(uint16_t) * (size_t)oc);
    Q->shift = malloc((size_t)oc);
    Q->s_w = malloc(sizeof(float) * (size_t)oc);
    if (!Q->w || !Q->bias || !Q->mult || !Q->mult16 || !Q->shift || !Q->s_w)
        return diag_fail(d, "quant: out of memory");
    for (int c = 0; c < oc; c++) {
        const float *wc = L->w + (size_t)c * (size_t)per;
        float sw = quant_weight_scale_bits(wc, per, Q->wbits);
        int qmax = quant_qmax(Q->wbits);
        double acc_scale = (double)s_in * sw;
        double bq = L->b[c] / acc_scale;
        Q->s_w[c] = sw;
        for (int i = 0; i < per; i++)
            Q->w[(size_t)c * (size_t)per + (size_t)i] =
                (int8_t)quant_round(wc[i] / sw, -qmax, qmax);
        if (fabs(bq) > (double)(1L << 30))
            return diag_fail(d,
                             "quant: layer %d channel %d: bias %g does not fit the int32 "
                             "accumulator (|b/(s_in*s_w)| > 2^30)",
                             idx, c, (double)L->b[c]);
        Q->bias[c] = quant_round(bq, -(1L << 30), 1L << 30);
        if (quant_multiplier(acc_scale / s_out, &Q->mult16[c], &Q->shift[c]) != 0)
            return diag_fail(d, "quant: layer %d channel %d: multiplier %g out of range", idx, c,
                             acc_scale / s_out);
        Q->mult[c] = Q->mult16[c];
    }
    return quant_finish_weights(Q, d);
}

int quant_build(quant_model *q, const float_model *fm, const float act_max[MODEL_MAX_LAYERS],
                inkpin_diag *d)
{
    float s_in = 1.0f; /* the input is 0/1 */
    memset(q, 0, sizeof *q);
    if (quant_check_float(fm, d) != 0)
        return -1;
    q->n_layers = fm->n_layers;
    for (int i = 0; i < fm->n_layers; i++) {
        int last = i == fm->n_layers - 1;
        float s_out = last ? ldexpf(1.0f, -NET_LOGIT_FRAC_BITS)
                           : (act_max[i] > 0 ? act_max[i] / 127.0f : 1.0f);
        if (build_layer(&q->layer[i], &fm->layer[i], s_in, s_out, i, d) != 0) {
            quant_free(q);
            return -1;
        }
        s_in = s_out;
    }
    return 0;
}

void quant_free(quant_model *q)
{
    for (int i = 0; i < MODEL_MAX_LAYERS; i++) {
        quant_layer *Q = &q->layer[i];
        if (Q->wq != Q->w)
            free(Q->wq);
        free(Q->w), free(Q->bias), free(Q->mult), free(Q->mult16), free(Q->shift), free(Q->s_w);
        memset(Q, 0, sizeof *Q);
    }
    q->n_layers = 0;
}

void quant_as_net(const quant_model *q, net_model *m, net_layer layers[NET_MAX_LAYERS])
{
    memset(layers, 0, sizeof(net_layer) * NET_MAX_LAYERS);
    for (int i = 0; i < q->n_layers && i < NET_MAX_LAYERS; i++) {
        const quant_layer *Q = &q->layer[i];
        net_layer *L = &layers[i];
        L->kind = (uint8_t)Q->kind;
        L->k = (uint8_t)Q->k;
        L->relu = (uint8_t)Q->relu;
        L->pool = (uint8_t)Q->pool;
        L->wbits = (uint8_t)Q->wbits;
        L->in_c = (uint16_t)Q->in_c, L->in_h = (uint16_t)Q->in_h, L->in_w = (uint16_t)Q->in_w;
        L->out_c = (uint16_t)Q->out_c;
        L->w = Q->wq, L->bias = Q->bias, L->shift = Q->shift;
        if (Q->mult16)
            L->mult16 = Q->mult16;
        else
            L->mult = Q->mult;
    }
    m->layer = layers;
    m->n_layers = (uint8_t)q->n_layers;
}

static int32_t le32(const uint8_t *p)
{
    uint32_t v = util_get_le32(p);
    int32_t r;
    memcpy(&r, &v, sizeof r);
    return r;
}

int quant_from_net(quant_model *q, const net_model *m, inkpin_diag *d)
{
    memset(q, 0, sizeof *q);
    if (net_check(m) != NET_OK)
        return diag_fail(d, "quant_from_net: invalid engine model");
    q->n_layers = m->n_layers;
    for (int i = 0; i < m->n_layers; i++) {
        const net_layer *L = &m->layer[i];
        quant_layer *Q = &q->layer[i];
        size_t per = L->kind == NET_CONV ? (size_t)L->in_c * L->k * L->k
                                         : (size_t)L->in_c * L->in_h * L->in_w;
        Q->kind = L->kind, Q->k = L->k, Q->relu = L->relu, Q->pool = L->pool;
        Q->in_c = L->in_c, Q->in_h = L->in_h, Q->in_w = L->in_w, Q->out_c = L->out_c;
        Q->wbits = L->wbits;
        Q->w = malloc(per * L->out_c);
        Q->bias = malloc(4u * L->out_c);
        Q->mult = malloc(4u * L->out_c);
        Q->mult16 = malloc(2u * L->out_c);
        Q->shift = malloc(L->out_c);
        Q->s_w = calloc(L->out_c, sizeof(float));
        if (!Q->w || !Q->bias || !Q->mult || !Q->shift || !Q->s_w) {
            quant_free(q);
            return diag_fail(d, "quant_from_net: out of memory");
        }
        if (L->wbits == 8) {
            memcpy(Q->w, L->w, per * L->out_c);
        } else { /* unpack: element 2i low nibble, 2i+1 high nibble, sign-extended */
            const uint8_t *pk = (const uint8_t *)L->w;
            for (size_t e = 0; e < per * L->out_c; e++) {
                int nib = (pk[e / 2] >> (4 * (e & 1))) & 15;
                Q->w[e] = (int8_t)(nib >= 8 ? nib - 16 : nib);
            }
        }
        memcpy(Q->shift, L->shift, L->out_c);
        for (unsigned c = 0; c < L->out_c; c++) {
            Q->bias[c] = L->bias ? L->bias[c] : L->bias16 ? L->bias16[c] : le32(L->bias_le + 4 * c);
            Q->mult[c] = L->mult     ? L->mult[c]
                         : L->mult16 ? L->mult16[c]
                                     : (int32_t)util_get_le16(L->mult_le + 2 * c);
            if (Q->mult[c] > 65535) { /* a hand-made model: keep the int32 multipliers */
                free(Q->mult16);
                Q->mult16 = NULL;
            }
            if (Q->mult16)
                Q->mult16[c] = (uint16_t)Q->mult[c];
        }
        if (quant_finish_weights(Q, d) != 0) {
            quant_free(q);
            return -1;
        }
    }
    return 0;
}

int quant_bias_fits16(const quant_layer *Q)
{
    for (int c = 0; c < Q->out_c; c++)
        if (Q->bias[c] < INT16_MIN || Q->bias[c] > INT16_MAX)
            return 0;
    return 1;
}

long quant_data_bytes(const quant_model *q)
{
    long n = 0;
    for (int i = 0; i < q->n_layers; i++) {
        const quant_layer *Q = &q->layer[i];
        n += (long)Q->wq_bytes + (quant_bias_fits16(Q) ? 5L : 7L) * Q->out_c;
    }
    return n;
}

long quant_params(const quant_model *q)
{
    long n = 0;
    for (int i = 0; i < q->n_layers; i++) {
        const quant_layer *Q = &q->layer[i];
        long per =
            Q->kind == MODEL_CONV ? (long)Q->in_c * Q->k * Q->k : (long)Q->in_c * Q->in_h * Q->in_w;
        n += per * Q->out_c + Q->out_c;
    }
    return n;
}
