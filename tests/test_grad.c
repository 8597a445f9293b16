/* test_grad.c - every backward pass of the trainer against central finite
 * differences, and the fast conv kernels against the reference ones.
 *
 * Each layer is wrapped in a scalar loss L = sum_i r_i * out_i with a fixed
 * random r, so dL/dout = r. The analytic gradient from the backward pass is
 * compared with (L(p + h) - L(p - h)) / 2h for every input and parameter
 * (accumulated in double). Inputs are drawn away from kinks: ReLU inputs are
 * at least 0.1 from 0, max-pool windows have distinct values 0.1 apart, and
 * the step is smaller than those gaps, so a perturbation never crosses a kink.
 * The whole-network check cannot place every unit away from kinks, so it
 * hashes the ReLU/max-pool pattern at p+h and p-h and halves h until they
 * agree (see check_net_param).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "train/layers.h"
#include "train/rng.h"
#include "train/tnet.h"

#define REL_TOL 1e-2

/* Step of the finite differences. Conv and dense are linear in each single
 * value, so a large step is exact there; nonlinear layers use a smaller one. */
static float H_STEP = 1e-3f;

static rng_t g_rng;

static void fill(float *p, int n, float lo, float hi)
{
    for (int i = 0; i < n; i++)
        p[i] = rng_range(&g_rng, lo, hi);
}

static double dot(const float *a, const float *b, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return s;
}

/* |a - n| must be within REL_TOL of max(|a|,|n|), floored at g_floor (a few
 * percent of the tensor's largest gradient): the float forward's rounding
 * noise divided by 2h would otherwise dominate near-zero gradients. */
static double g_floor = 1e-4;

static void check_close(double analytic, double numeric, const char *what, int i)
{
    double scale = fmax(fmax(fabs(analytic), fabs(numeric)), g_floor);
    double rel = fabs(analytic - numeric) / scale;
    if (rel > REL_TOL) {
        fprintf(stderr, "%s[%d]: analytic %.6g numeric %.6g rel %.3g\n", what, i, analytic, numeric,
                rel);
        fail();
    }
}

/* ---- conv2d ---------------------------------------------------------------- */

typedef struct {
    int C, H, W, OC, K;
    float *in, *w, *b, *out, *r;
} conv_case;

static double conv_loss(conv_case *c)
{
    conv2d_forward_ref(c->out, c->in, c->w, c->b, c->C, c->H, c->W, c->OC, c->K);
    int n = c->OC * (c->H - c->K + 1) * (c->W - c->K + 1);
    return dot(c->out, c->r, n);
}

static void check_param(double (*loss)(void *), void *ctx, float *p, const float *grad, int n,
                        const char *what)
{
    double gmax = 0.0;
    for (int i = 0; i < n; i++)
        gmax = fmax(gmax, fabs(grad[i]));
    g_floor = fmax(0.05 * gmax, 1e-4);
    for (int i = 0; i < n; i++) {
        float keep = p[i];
        p[i] = keep + H_STEP;
        double lp = loss(ctx);
        p[i] = keep - H_STEP;
        double lm = loss(ctx);
        p[i] = keep;
        check_close(grad[i], (lp - lm) / (2.0 * H_STEP), what, i);
    }
}

static double conv_loss_v(void *c)
{
    return conv_loss(c);
}

static void test_conv2d_backward(void **state)
{
    (void)state;
    int shapes[][5] = {{1, 7, 6, 3, 3}, {2, 6, 6, 3, 3}, {3, 7, 7, 2, 5}, {2, 5, 5, 4, 1}};
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        conv_case c = {
            shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3], shapes[s][4], 0, 0, 0, 0, 0};
        int nin = c.C * c.H * c.W, nw = c.OC * c.C * c.K * c.K;
        int nout = c.OC * (c.H - c.K + 1) * (c.W - c.K + 1);
        c.in = malloc(sizeof(float) * (size_t)nin);
        c.w = malloc(sizeof(float) * (size_t)nw);
        c.b = malloc(sizeof(float) * (size_t)c.OC);
        c.out = malloc(sizeof(float) * (size_t)nout);
        c.r = malloc(sizeof(float) * (size_t)nout);
        fill(c.in, nin, -1, 1), fill(c.w, nw, -1, 1), fill(c.b, c.OC, -1, 1),
            fill(c.r, nout, -1, 1);
        float *din = calloc((size_t)nin, sizeof(float)), *dw = calloc((size_t)nw, sizeof(float));
        float *db = calloc((size_t)c.OC, sizeof(float));
        float *din2 = calloc((size_t)nin, sizeof(float)), *dw2 = calloc((size_t)nw, sizeof(float));
        float *db2 = calloc((size_t)c.OC, sizeof(float));
        H_STEP = 0.05f;
        conv2d_backward_ref(din, dw, db, c.r, c.in, c.w, c.C, c.H, c.W, c.OC, c.K);
        check_param(conv_loss_v, &c, c.in, din, nin, "conv din");
        check_param(conv_loss_v, &c, c.w, dw, nw, "conv dw");
        check_param(conv_loss_v, &c, c.b, db, c.OC, "conv db");
        /* the fast kernel agrees with the reference; and accumulates (+=) */
        conv2d_backward(din2, dw2, db2, c.r, c.in, c.w, c.C, c.H, c.W, c.OC, c.K);
        conv2d_backward(din2, dw2, db2, c.r, c.in, c.w, c.C, c.H, c.W, c.OC, c.K);
        for (int i = 0; i < nin; i++)
            check_close(2 * din[i], din2[i], "fast conv din", i);
        for (int i = 0; i < nw; i++)
            check_close(2 * dw[i], dw2[i], "fast conv dw", i);
        for (int i = 0; i < c.OC; i++)
            check_close(2 * db[i], db2[i], "fast conv db", i);
        float *out2 = malloc(sizeof(float) * (size_t)nout);
        conv2d_forward_ref(c.out, c.in, c.w, c.b, c.C, c.H, c.W, c.OC, c.K);
        conv2d_forward(out2, c.in, c.w, c.b, c.C, c.H, c.W, c.OC, c.K);
        for (int i = 0; i < nout; i++)
            assert_true(fabsf(out2[i] - c.out[i]) < 1e-4f);
        free(out2), free(din), free(dw), free(db), free(din2), free(dw2), free(db2);
        free(c.in), free(c.w), free(c.b), free(c.out), free(c.r);
    }
}

/* ---- dense ----------------------------------------------------------------- */

typedef struct {
    int IN, OUT;
    float *in, *w, *b, *out, *r;
} dense_case;

static double dense_loss_v(void *p)
{
    dense_case *c = p;
    dense_forward(c->out, c->in, c->w, c->b, c->IN, c->OUT);
    return dot(c->out, c->r, c->OUT);
}

static void test_dense_backward(void **state)
{
    (void)state;
    dense_case c = {13, 7, 0, 0, 0, 0, 0};
    float in[13], w[91], b[7], out[7], r[7];
    c.in = in, c.w = w, c.b = b, c.out = out, c.r = r;
    fill(in, 13, -1, 1), fill(w, 91, -1, 1), fill(b, 7, -1, 1), fill(r, 7, -1, 1);
    float din[13] = {0}, dw[91] = {0}, db[7] = {0};
    H_STEP = 0.05f;
    dense_backward(din, dw, db, r, in, w, 13, 7);
    check_param(dense_loss_v, &c, in, din, 13, "dense din");
    check_param(dense_loss_v, &c, w, dw, 91, "dense dw");
    check_param(dense_loss_v, &c, b, db, 7, "dense db");
}

/* ---- relu and maxpool ---------------------------------------------------------- */

typedef struct {
    int C, H, W;
    float *in, *out, *r;
} pool_case;

static double pool_loss_v(void *p)
{
    pool_case *c = p;
    maxpool2x2_forward(c->out, c->in, c->C, c->H, c->W);
    return dot(c->out, c->r, c->C * (c->H / 2) * (c->W / 2));
}

static double relu_loss_v(void *p)
{
    pool_case *c = p;
    relu_forward(c->out, c->in, c->C);
    return dot(c->out, c->r, c->C);
}

static void test_maxpool_backward(void **state)
{
    (void)state;
    enum { C = 2, H = 5, W = 7, N = C * H * W, NO = C * (H / 2) * (W / 2) };
    float in[N], out[NO], r[NO], din[N] = {0};
    /* distinct values 0.1 apart, shuffled: no ties, no crossing under h */
    for (int i = 0; i < N; i++)
        in[i] = 0.1f * (float)i;
    for (int i = N - 1; i > 0; i--) {
        int j = (int)rng_below(&g_rng, (uint32_t)i + 1);
        float t = in[i];
        in[i] = in[j], in[j] = t;
    }
    fill(r, NO, -1, 1);
    H_STEP = 1e-2f; /* values are 0.1 apart: no crossing */
    pool_case c = {C, H, W, in, out, r};
    maxpool2x2_backward(din, r, in, C, H, W);
    check_param(pool_loss_v, &c, in, din, N, "maxpool din");
    /* the odd last row and column (floor) get no gradient */
    for (int ch = 0; ch < C; ch++)
        for (int x = 0; x < W; x++)
            assert_true(din[(ch * H + H - 1) * W + x] == 0.0f);
}

static void test_relu_backward(void **state)
{
    (void)state;
    enum { N = 40 };
    float in[N], out[N], r[N], din[N] = {0};
    for (int i = 0; i < N; i++) {
        float v = rng_range(&g_rng, 0.1f, 1.0f);
        in[i] = (i & 1) ? v : -v;
    }
    fill(r, N, -1, 1);
    H_STEP = 1e-2f; /* |in| >= 0.1 */
    pool_case c = {N, 1, 1, in, out, r};
    relu_forward(out, in, N);
    relu_backward(din, r, out, N);
    check_param(relu_loss_v, &c, in, din, N, "relu din");
}

/* ---- batch norm ----------------------------------------------------------------- */

typedef struct {
    int B, C, HW;
    float *in, *g, *be, *out, *mean, *rstd, *r;
} bn_case;

static double bn_loss_v(void *p)
{
    bn_case *c = p;
    batchnorm_forward_batch(c->out, c->mean, c->rstd, c->in, c->g, c->be, c->B, c->C, c->HW, 1e-5f);
    return dot(c->out, c->r, c->B * c->C * c->HW);
}

static void test_batchnorm_backward(void **state)
{
    (void)state;
    enum { B = 3, C = 2, HW = 4, N = B * C * HW };
    float in[N], g[C], be[C], out[N], mean[C], rstd[C], r[N];
    float din[N] = {0}, dg[C] = {0}, dbe[C] = {0};
    fill(in, N, -2, 2), fill(g, C, 0.5f, 1.5f), fill(be, C, -1, 1), fill(r, N, -1, 1);
    H_STEP = 1e-3f;
    bn_case c = {B, C, HW, in, g, be, out, mean, rstd, r};
    bn_loss_v(&c);
    batchnorm_backward_batch(din, dg, dbe, r, in, mean, rstd, g, B, C, HW);
    check_param(bn_loss_v, &c, in, din, N, "bn din");
    check_param(bn_loss_v, &c, g, dg, C, "bn dgamma");
    check_param(bn_loss_v, &c, be, dbe, C, "bn dbeta");
    /* eval mode with the batch's own statistics reproduces training mode */
    float var[C], out2[N];
    bn_loss_v(&c); /* out and stats of the unperturbed parameters */
    for (int ch = 0; ch < C; ch++)
        var[ch] = 1.0f / (rstd[ch] * rstd[ch]) - 1e-5f;
    for (int b = 0; b < B; b++)
        batchnorm_forward_eval(out2 + b * C * HW, in + b * C * HW, mean, var, g, be, C, HW, 1e-5f);
    for (int i = 0; i < N; i++)
        assert_true(fabsf(out2[i] - out[i]) < 1e-3f);
}

/* ---- softmax cross-entropy ------------------------------------------------------ */

typedef struct {
    float *logits, *probs;
    int label;
} xent_case;

static double xent_loss_v(void *p)
{
    xent_case *c = p;
    return softmax_xent_forward(c->probs, c->logits, c->label, 10);
}

static void test_softmax_xent_backward(void **state)
{
    (void)state;
    float logits[10], probs[10], d[10] = {0};
    fill(logits, 10, -3, 3);
    H_STEP = 1e-3f;
    xent_case c = {logits, probs, 7};
    double l = xent_loss_v(&c);
    double s = 0.0;
    for (int i = 0; i < 10; i++)
        s += probs[i];
    assert_true(fabs(s - 1.0) < 1e-5);
    assert_true(fabs(l + log(probs[7])) < 1e-4);
    softmax_xent_backward(d, probs, 7, 10, 1.0f);
    check_param(xent_loss_v, &c, logits, d, 10, "xent dlogits");
    /* a label outside 0..9: the uniform target, loss = -mean(log p) */
    float du[10] = {0};
    c.label = 255;
    double lu = xent_loss_v(&c), ref = 0.0;
    for (int i = 0; i < 10; i++)
        ref -= log(probs[i]) / 10.0;
    assert_true(fabs(lu - ref) < 1e-4);
    softmax_xent_backward(du, probs, 255, 10, 1.0f);
    check_param(xent_loss_v, &c, logits, du, 10, "xent uniform dlogits");
}

/* ---- knowledge distillation ----------------------------------------------------- */

typedef struct {
    float *logits, *probs, *soft;
    int label;
    float alpha, temp;
} kd_case;

static double kd_loss_v(void *p)
{
    kd_case *c = p;
    return distill_forward(c->probs, c->logits, c->label, c->soft, c->alpha, c->temp, 10);
}

/* The distillation loss against its definition (computed here in double) and
 * its gradient against finite differences, at two temperatures. */
static void test_distill_backward(void **state)
{
    (void)state;
    float logits[10], probs[10], soft[10], tlogits[10];
    rng_t keep_rng = g_rng; /* the later tests keep their draws */
    fill(logits, 10, -3, 3);
    fill(tlogits, 10, -4, 4);
    H_STEP = 1e-3f;
    const float temps[2] = {1.0f, 4.0f};
    for (int k = 0; k < 2; k++) {
        float T = temps[k], d[10] = {0};
        softmax_temp(soft, tlogits, T, 10);
        kd_case c = {logits, probs, soft, 3, 0.7f, T};
        double l = kd_loss_v(&c);
        /* reference: (1-a) * -log softmax(z)[y] + a T^2 sum t log(t / softmax(z/T)) */
        double m = logits[0], s1 = 0.0, sT = 0.0, kl = 0.0;
        for (int i = 1; i < 10; i++)
            m = logits[i] > m ? logits[i] : m;
        for (int i = 0; i < 10; i++) {
            s1 += exp(logits[i] - m);
            sT += exp((logits[i] - m) / T);
        }
        for (int i = 0; i < 10; i++)
            kl += soft[i] * (log(soft[i]) - ((logits[i] - m) / T - log(sT)));
        double ref = 0.3 * -(logits[3] - m - log(s1)) + 0.7 * T * T * kl;
        assert_true(fabs(l - ref) < 1e-4 * (1.0 + fabs(ref)));
        distill_backward(d, probs, logits, 3, soft, 0.7f, T, 10, 1.0f);
        check_param(kd_loss_v, &c, logits, d, 10, "distill dlogits");
    }
    /* the teacher's own logits at alpha 1 are a minimum: zero gradient */
    float d0[10] = {0};
    softmax_temp(soft, logits, 2.0f, 10);
    kd_case c0 = {logits, probs, soft, 3, 1.0f, 2.0f};
    kd_loss_v(&c0);
    distill_backward(d0, probs, logits, 3, soft, 1.0f, 2.0f, 10, 1.0f);
    for (int i = 0; i < 10; i++)
        assert_true(fabsf(d0[i]) < 1e-5f);
    g_rng = keep_rng;
}

/* ---- the whole network ----------------------------------------------------------- */

typedef struct {
    tnet net;
    tnet_work w;
    float *params, *stats, *x;
    uint8_t labels[4];
} net_case;

/* The network's mean cross-entropy, recomputed in double from its logits so
 * that the loss's own float rounding does not swamp the differences. */
static double net_loss_v(void *p)
{
    net_case *c = p;
    tnet_forward(&c->net, c->params, c->stats, &c->w, c->x, c->labels, 4, 1);
    const float *logits = c->w.o[c->net.n_layers - 1];
    double total = 0.0;
    for (int b = 0; b < 4; b++) {
        const float *z = logits + b * 10;
        double m = z[0], s = 0.0;
        for (int i = 1; i < 10; i++)
            m = fmax(m, z[i]);
        for (int i = 0; i < 10; i++)
            s += exp(z[i] - m);
        total += -(z[c->labels[b]] - m - log(s));
    }
    return total / 4;
}

/* A hash of every ReLU sign and max-pool arg-max of the last forward: the
 * piecewise-linear "pattern". Equal patterns at p+h and p-h mean the central
 * difference did not cross a kink. */
static uint64_t kink_pattern(const net_case *c)
{
    uint64_t hsh = 1469598103934665603ULL;
    for (int l = 0; l < c->net.n_layers; l++) {
        const tnet_layer *L = &c->net.layer[l];
        if (!L->relu)
            continue;
        for (long i = 0; i < 4L * L->z_size; i++)
            hsh = (hsh ^ (c->w.a[l][i] > 0.0f)) * 1099511628211ULL;
        if (L->pool) /* which window element equals the pooled max */
            for (long i = 0; i < 4L * L->out_size; i++) {
                long b = i / L->out_size, r = i % L->out_size;
                long ch = r / (L->out_h * L->out_w), y = (r / L->out_w) % L->out_h,
                     x = r % L->out_w;
                const float *win =
                    c->w.a[l] + b * L->z_size + (ch * L->z_h + 2 * y) * L->z_w + 2 * x;
                int k = win[0] == c->w.o[l][i]        ? 0
                        : win[1] == c->w.o[l][i]      ? 1
                        : win[L->z_w] == c->w.o[l][i] ? 2
                                                      : 3;
                hsh = (hsh ^ (uint64_t)(unsigned)k) * 1099511628211ULL;
            }
    }
    return hsh;
}

/* Central differences where p+h and p-h share the kink pattern of p. With
 * ~10^4 piecewise-linear units a unit near a kink is common, and float
 * rounding noise forbids tiny steps, so when only one side keeps p's pattern
 * a one-sided difference from that side is used, extrapolated from steps h
 * and h/2 to cancel its O(h) error (for small steps, where rounding noise
 * dominates, plain); the step halves only when neither side is clean. */
static void check_net_param(net_case *c, float *p, const float *grad, int n, const char *what)
{
    double gmax = 0.0;
    for (int i = 0; i < n; i++)
        gmax = fmax(gmax, fabs(grad[i]));
    g_floor = fmax(0.05 * gmax, 1e-4);
    for (int i = 0; i < n; i++) {
        float keep = p[i];
        double l0 = net_loss_v(c);
        uint64_t k0 = kink_pattern(c);
        double numeric = NAN;
        for (float h = 1e-2f; h > 1e-4f && isnan(numeric); h *= 0.5f) {
            p[i] = keep + h;
            double lp = net_loss_v(c);
            int same_p = kink_pattern(c) == k0;
            p[i] = keep - h;
            double lm = net_loss_v(c);
            int same_m = kink_pattern(c) == k0;
            if (same_p && same_m) {
                numeric = (lp - lm) / (2.0 * h);
            } else if (same_p || same_m) {
                /* one-sided at h and h/2, Richardson-extrapolated: 2*D(h/2) - D(h) */
                float sgn = same_p ? 1.0f : -1.0f;
                double lh = same_p ? lp : lm;
                p[i] = keep + sgn * 0.5f * h;
                double lh2 = net_loss_v(c);
                if (kink_pattern(c) == k0)
                    numeric = h >= 2.5e-3f ? sgn * (2.0 * (lh2 - l0) / (0.5 * h) - (lh - l0) / h)
                                           : sgn * (lh - l0) / h; /* noise beats O(h) here */
            }
            p[i] = keep;
        }
        p[i] = keep;
        if (isnan(numeric)) {
            fprintf(stderr, "%s[%d]: kinks on both sides at every step\n", what, i);
            fail();
        }
        check_close(grad[i], numeric, what, i);
    }
}

static void check_network(const char *arch)
{
    net_case c;
    assert_int_equal(tnet_parse(&c.net, arch, NULL), 0);
    assert_int_equal(tnet_work_alloc(&c.w, &c.net, 4), 0);
    c.params = calloc((size_t)c.net.n_params, sizeof(float));
    c.stats = calloc((size_t)c.net.n_stats, sizeof(float));
    c.x = malloc(sizeof(float) * 4 * 784);
    float *grads = calloc((size_t)c.net.n_params, sizeof(float));
    tnet_init(&c.net, c.params, c.stats, 42);
    /* a smooth 5x5 patch per sample on a zero background: zero regions give
     * identical values that move together (no kink crossing), so few units
     * can sit near a kink */
    memset(c.x, 0, sizeof(float) * 4 * 784);
    for (int b = 0; b < 4; b++)
        for (int y = 0; y < 5; y++)
            fill(c.x + b * 784 + (9 + b + y) * 28 + 10 + b, 5, 0, 1);
    for (int b = 0; b < 4; b++)
        c.labels[b] = (uint8_t)(b * 3);
    net_loss_v(&c);
    tnet_backward(&c.net, c.params, grads, &c.w, c.x, c.labels, 4);
    /* every parameter of a net this small */
    char what[32];
    for (int l = 0; l < c.net.n_layers; l++) {
        const tnet_layer *L = &c.net.layer[l];
        snprintf(what, sizeof what, "net layer %d w", l);
        check_net_param(&c, c.params + L->w_off, grads + L->w_off, (int)L->n_w, what);
        if (L->bn) {
            snprintf(what, sizeof what, "net layer %d gamma", l);
            check_net_param(&c, c.params + L->g_off, grads + L->g_off, L->out_c, what);
        } else {
            snprintf(what, sizeof what, "net layer %d b", l);
            check_net_param(&c, c.params + L->b_off, grads + L->b_off, L->out_c, what);
        }
    }
    free(grads), free(c.params), free(c.stats), free(c.x);
    tnet_work_free(&c.w);
}

/* Both code paths: batch norm (layer-by-layer passes) and without (one fused
 * per-sample pass). */
static void test_network_backward(void **state)
{
    (void)state;
    check_network("c3bp,c4k3b,d5r,d10");
    check_network("c3p,c4k3,d5r,d10");
}

/* Folding batch norm gives a float_model whose plain forward equals the
 * trainer's eval-mode forward. */
static void test_fold_matches_eval(void **state)
{
    (void)state;
    tnet net;
    tnet_work w;
    assert_int_equal(tnet_parse(&net, "c4bp,c6bp,c8b,d10", NULL), 0);
    assert_int_equal(tnet_work_alloc(&w, &net, 2), 0);
    float *params = calloc((size_t)net.n_params, sizeof(float));
    float *stats = calloc((size_t)net.n_stats, sizeof(float));
    float *store = calloc((size_t)net.n_params, sizeof(float));
    float x[2 * 784];
    tnet_init(&net, params, stats, 7);
    for (long i = 0; i < net.n_stats; i++) /* non-trivial running stats and BN params */
        stats[i] = rng_range(&g_rng, 0.2f, 1.2f);
    for (int l = 0; l < net.n_layers; l++)
        if (net.layer[l].bn)
            fill(params + net.layer[l].g_off, 2 * net.layer[l].out_c, 0.5f, 1.5f);
    for (int i = 0; i < 2 * 784; i++)
        x[i] = (float)(rng_below(&g_rng, 2));
    tnet_forward(&net, params, stats, &w, x, NULL, 2, 0);
    float_model m;
    tnet_to_float_model(&net, params, stats, store, &m);
    for (int b = 0; b < 2; b++) {
        float bufa[6000], bufb[6000];
        const float *cur = x + b * 784;
        for (int l = 0; l < m.n_layers; l++) {
            model_layer *M = &m.layer[l];
            float *o = (l & 1) ? bufb : bufa;
            if (M->kind == MODEL_CONV) {
                int oh = M->in_h - M->k + 1, ow = M->in_w - M->k + 1;
                float tmp[6000];
                conv2d_forward_ref(tmp, cur, M->w, M->b, M->in_c, M->in_h, M->in_w, M->out_c, M->k);
                if (M->relu)
                    relu_forward(tmp, tmp, M->out_c * oh * ow);
                if (M->pool)
                    maxpool2x2_forward(o, tmp, M->out_c, oh, ow);
                else
                    memcpy(o, tmp, sizeof(float) * (size_t)(M->out_c * oh * ow));
            } else {
                dense_forward(o, cur, M->w, M->b, M->in_c * M->in_h * M->in_w, M->out_c);
                if (M->relu)
                    relu_forward(o, o, M->out_c);
            }
            cur = o;
        }
        const float *ref = w.o[net.n_layers - 1] + b * 10;
        for (int i = 0; i < 10; i++)
            assert_true(fabsf(cur[i] - ref[i]) < 1e-3f * (1.0f + fabsf(ref[i])));
    }
    free(params), free(stats), free(store);
    tnet_work_free(&w);
}

static void test_arch_parse_errors(void **state)
{
    (void)state;
    tnet net;
    inkpin_diag d;
    assert_int_equal(tnet_parse(&net, "c8p,c16p,c24,d10", &d), 0);
    /* 8*9+8 + 8*3 + 16*8*9+16 + 16*3 + 24*16*9+24 + 24*3 + 216*10+10 ... BN adds gamma,beta */
    assert_int_equal(net.layer[2].out_h, 3);
    assert_int_equal(net.layer[3].in_size, 24 * 9);
    assert_int_not_equal(tnet_parse(&net, "c8p,c16p", &d), 0);                /* no d10 */
    assert_int_not_equal(tnet_parse(&net, "c8p,x3,d10", &d), 0);              /* bad kind */
    assert_int_not_equal(tnet_parse(&net, "c8p,d10r", &d), 0);                /* relu logits */
    assert_int_not_equal(tnet_parse(&net, "c8k40,d10", &d), 0);               /* kernel too big */
    assert_int_not_equal(tnet_parse(&net, "c8p,c8p,c8p,c8p,c8p,d10", &d), 0); /* nothing left */
    assert_int_not_equal(tnet_parse(&net, "", &d), 0);
    assert_int_equal(tnet_parse(&net, "c8bp,c16k5,d10", &d), 0);
    assert_true(net.layer[0].bn && !net.layer[1].bn && net.layer[1].k == 5);
    assert_int_equal(net.n_stats, 16);
}

int main(void)
{
    g_rng = rng_make(1234, RNG_TEST, 0, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv2d_backward),    cmocka_unit_test(test_dense_backward),
        cmocka_unit_test(test_maxpool_backward),   cmocka_unit_test(test_relu_backward),
        cmocka_unit_test(test_batchnorm_backward), cmocka_unit_test(test_softmax_xent_backward),
        cmocka_unit_test(test_distill_backward),   cmocka_unit_test(test_network_backward),
        cmocka_unit_test(test_fold_matches_eval),  cmocka_unit_test(test_arch_parse_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
