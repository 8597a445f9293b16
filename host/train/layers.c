/* layers.c - float32 forward/backward pairs (see layers.h for conventions). */
#include "train/layers.h"

#include <math.h>
#include <string.h>

/* ---- conv2d: reference ------------------------------------------------------ */

void conv2d_forward_ref(float *out, const float *in, const float *w, const float *b, int C, int H,
                        int W, int OC, int K)
{
    /* in (C,H,W), w (OC,C,K,K), b (OC) -> out (OC,OH,OW) */
    int OH = H - K + 1, OW = W - K + 1;
    for (int o = 0; o < OC; o++)
        for (int y = 0; y < OH; y++)
            for (int x = 0; x < OW; x++) {
                float s = b[o];
                for (int c = 0; c < C; c++)
                    for (int i = 0; i < K; i++)
                        for (int j = 0; j < K; j++)
                            s += w[((o * C + c) * K + i) * K + j] * in[(c * H + y + i) * W + x + j];
                out[(o * OH + y) * OW + x] = s;
            }
}

void conv2d_backward_ref(float *din, float *dw, float *db, const float *dout, const float *in,
                         const float *w, int C, int H, int W, int OC, int K)
{
    /* dout (OC,OH,OW) -> din (C,H,W) +=, dw (OC,C,K,K) +=, db (OC) += */
    int OH = H - K + 1, OW = W - K + 1;
    for (int o = 0; o < OC; o++)
        for (int y = 0; y < OH; y++)
            for (int x = 0; x < OW; x++) {
                float g = dout[(o * OH + y) * OW + x];
                if (db)
                    db[o] += g;
                for (int c = 0; c < C; c++)
                    for (int i = 0; i < K; i++)
                        for (int j = 0; j < K; j++) {
                            int wi = ((o * C + c) * K + i) * K + j;
                            int xi = (c * H + y + i) * W + x + j;
                            if (dw)
                                dw[wi] += g * in[xi];
                            if (din)
                                din[xi] += g * w[wi];
                        }
            }
}

/* ---- conv2d: the kernels the trainer runs ----------------------------------
 * im2col: col[r][p] with r = (c,i,j) over C*K*K and p = (y,x) over OH*OW, and
 * its transpose colT[p][r]. Forward: out[o][p] += w[o][r] * col[r][p], an axpy
 * over the long p axis; backward: dw[o][r] += g[o][p] * colT[p][r] and
 * dcolT[p][r] += g[o][p] * w[o][r], axpys over r, then col2im. Every sum runs
 * in one fixed order (no reassociation), so results are deterministic; they
 * differ from the reference only by rounding order. Scratch lives in
 * thread-local buffers; layers too big for them use the direct loops. */

#define COL_CAP (96 * 1024) /* floats per scratch buffer */
static _Thread_local float t_col[COL_CAP], t_colT[COL_CAP];

static void im2col(float *col, float *colT, const float *in, int C, int H, int W, int K)
{
    int OH = H - K + 1, OW = W - K + 1, P = OH * OW, R = C * K * K;
    for (int c = 0; c < C; c++)
        for (int i = 0; i < K; i++)
            for (int j = 0; j < K; j++) {
                int r = (c * K + i) * K + j;
                float *row = col + (long)r * P;
                for (int y = 0; y < OH; y++) {
                    const float *irow = in + (c * H + y + i) * W + j;
                    for (int x = 0; x < OW; x++)
                        row[y * OW + x] = irow[x];
                }
            }
    if (colT)
        for (int r = 0; r < R; r++)
            for (int q = 0; q < P; q++)
                colT[(long)q * R + r] = col[(long)r * P + q];
}

void conv2d_forward(float *out, const float *in, const float *w, const float *b, int C, int H,
                    int W, int OC, int K)
{
    /* in (C,H,W), w (OC,C,K,K), b (OC) -> out (OC,OH,OW) */
    int OH = H - K + 1, OW = W - K + 1, P = OH * OW, R = C * K * K;
    if ((long)R * P > COL_CAP) {
        conv2d_forward_ref(out, in, w, b, C, H, W, OC, K);
        return;
    }
    im2col(t_col, NULL, in, C, H, W, K);
    for (int o = 0; o < OC; o++) {
        float *op = out + (long)o * P;
        for (int q = 0; q < P; q++)
            op[q] = b[o];
        for (int r = 0; r < R; r++) {
            float wv = w[o * R + r];
            const float *row = t_col + (long)r * P;
            for (int q = 0; q < P; q++)
                op[q] += wv * row[q];
        }
    }
}

void conv2d_backward(float *din, float *dw, float *db, const float *dout, const float *in,
                     const float *w, int C, int H, int W, int OC, int K)
{
    /* dout (OC,OH,OW) -> din (C,H,W) +=, dw (OC,C,K,K) +=, db (OC) += */
    int OH = H - K + 1, OW = W - K + 1, P = OH * OW, R = C * K * K;
    if ((long)R * P > COL_CAP) {
        conv2d_backward_ref(din, dw, db, dout, in, w, C, H, W, OC, K);
        return;
    }
    if (dw)
        im2col(t_col, t_colT, in, C, H, W, K);
    if (din)
        memset(t_col, 0, sizeof(float) * (size_t)R * (size_t)P); /* reused as dcolT */
    float *dcolT = t_col;
    for (int o = 0; o < OC; o++) {
        const float *gp = dout + (long)o * P;
        const float *wr = w + (long)o * R;
        float *dwr = dw ? dw + (long)o * R : NULL;
        if (db) {
            float s = 0.0f;
            for (int q = 0; q < P; q++)
                s += gp[q];
            db[o] += s;
        }
        for (int q = 0; q < P; q++) {
            float g = gp[q];
            if (g == 0.0f)
                continue; /* ReLU/pool zeros: skipping adds exactly nothing */
            if (dwr) {
                const float *ct = t_colT + (long)q * R;
                for (int r = 0; r < R; r++)
                    dwr[r] += g * ct[r];
            }
            if (din) {
                float *dc = dcolT + (long)q * R;
                for (int r = 0; r < R; r++)
                    dc[r] += g * wr[r];
            }
        }
    }
    if (din) /* col2im */
        for (int q = 0; q < P; q++) {
            int y = q / OW, x = q % OW;
            const float *dc = dcolT + (long)q * R;
            for (int c = 0; c < C; c++)
                for (int i = 0; i < K; i++)
                    for (int j = 0; j < K; j++)
                        din[(c * H + y + i) * W + x + j] += dc[(c * K + i) * K + j];
        }
}

/* ---- maxpool 2x2 ------------------------------------------------------------ */

void maxpool2x2_forward(float *out, const float *in, int C, int H, int W)
{
    /* in (C,H,W) -> out (C,H/2,W/2) */
    int OH = H / 2, OW = W / 2;
    for (int c = 0; c < C; c++)
        for (int y = 0; y < OH; y++)
            for (int x = 0; x < OW; x++) {
                const float *p = in + (c * H + 2 * y) * W + 2 * x;
                float m = p[0];
                if (p[1] > m)
                    m = p[1];
                if (p[W] > m)
                    m = p[W];
                if (p[W + 1] > m)
                    m = p[W + 1];
                out[(c * OH + y) * OW + x] = m;
            }
}

void maxpool2x2_backward(float *din, const float *dout, const float *in, int C, int H, int W)
{
    /* dout (C,H/2,W/2) -> din (C,H,W) += at the arg-max of each window */
    int OH = H / 2, OW = W / 2;
    for (int c = 0; c < C; c++)
        for (int y = 0; y < OH; y++)
            for (int x = 0; x < OW; x++) {
                int base = (c * H + 2 * y) * W + 2 * x;
                int offs[4] = {0, 1, W, W + 1};
                int best = 0;
                for (int k = 1; k < 4; k++)
                    if (in[base + offs[k]] > in[base + offs[best]])
                        best = k;
                din[base + offs[best]] += dout[(c * OH + y) * OW + x];
            }
}

/* ---- relu -------------------------------------------------------------------- */

void relu_forward(float *out, const float *in, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

void relu_backward(float *din, const float *dout, const float *out, int n)
{
    for (int i = 0; i < n; i++)
        if (out[i] > 0.0f)
            din[i] += dout[i];
}

/* ---- dense ------------------------------------------------------------------- */

void dense_forward(float *out, const float *in, const float *w, const float *b, int IN, int OUT)
{
    /* in (IN), w (OUT,IN), b (OUT) -> out (OUT) */
    for (int o = 0; o < OUT; o++) {
        const float *wr = w + (long)o * IN;
        float s = b[o];
        for (int i = 0; i < IN; i++)
            s += wr[i] * in[i];
        out[o] = s;
    }
}

void dense_backward(float *din, float *dw, float *db, const float *dout, const float *in,
                    const float *w, int IN, int OUT)
{
    /* dout (OUT) -> din (IN) +=, dw (OUT,IN) +=, db (OUT) += */
    for (int o = 0; o < OUT; o++) {
        float g = dout[o];
        const float *wr = w + (long)o * IN;
        if (db)
            db[o] += g;
        if (dw) {
            float *dwr = dw + (long)o * IN;
            for (int i = 0; i < IN; i++)
                dwr[i] += g * in[i];
        }
        if (din)
            for (int i = 0; i < IN; i++)
                din[i] += g * wr[i];
    }
}

/* ---- batch norm ---------------------------------------------------------------- */

void batchnorm_forward_batch(float *out, float *mean, float *rstd, const float *in,
                             const float *gamma, const float *beta, int B, int C, int HW, float eps)
{
    /* in (B,C,HW) -> out (B,C,HW); mean, rstd (C) */
    double n = (double)B * HW;
#pragma omp parallel for schedule(static)
    for (int c = 0; c < C; c++) {
        double s = 0.0, ss = 0.0;
        for (int b = 0; b < B; b++) {
            const float *p = in + ((long)b * C + c) * HW;
            for (int i = 0; i < HW; i++)
                s += p[i];
        }
        double m = s / n;
        for (int b = 0; b < B; b++) {
            const float *p = in + ((long)b * C + c) * HW;
            for (int i = 0; i < HW; i++)
                ss += (p[i] - m) * (p[i] - m);
        }
        float r = (float)(1.0 / sqrt(ss / n + eps));
        mean[c] = (float)m;
        rstd[c] = r;
        for (int b = 0; b < B; b++) {
            const float *p = in + ((long)b * C + c) * HW;
            float *q = out + ((long)b * C + c) * HW;
            for (int i = 0; i < HW; i++)
                q[i] = (p[i] - (float)m) * r * gamma[c] + beta[c];
        }
    }
}

void batchnorm_backward_batch(float *din, float *dgamma, float *dbeta, const float *dout,
                              const float *in, const float *mean, const float *rstd,
                              const float *gamma, int B, int C, int HW)
{
    /* dout (B,C,HW) -> din (B,C,HW) +=, dgamma, dbeta (C) += */
    float n = (float)B * (float)HW;
#pragma omp parallel for schedule(static)
    for (int c = 0; c < C; c++) {
        double sg = 0.0, sgx = 0.0; /* sum dy, sum dy*xhat */
        for (int b = 0; b < B; b++) {
            const float *p = in + ((long)b * C + c) * HW;
            const float *g = dout + ((long)b * C + c) * HW;
            for (int i = 0; i < HW; i++) {
                sg += g[i];
                sgx += g[i] * (p[i] - mean[c]) * rstd[c];
            }
        }
        if (dgamma)
            dgamma[c] += (float)sgx;
        if (dbeta)
            dbeta[c] += (float)sg;
        if (!din)
            continue;
        float k = gamma[c] * rstd[c] / n;
        float msg = (float)sg, msgx = (float)sgx;
        for (int b = 0; b < B; b++) {
            const float *p = in + ((long)b * C + c) * HW;
            const float *g = dout + ((long)b * C + c) * HW;
            float *d = din + ((long)b * C + c) * HW;
            for (int i = 0; i < HW; i++) {
                float xhat = (p[i] - mean[c]) * rstd[c];
                d[i] += k * (n * g[i] - msg - xhat * msgx);
            }
        }
    }
}

void batchnorm_forward_eval(float *out, const float *in, const float *mean, const float *var,
                            const float *gamma, const float *beta, int C, int HW, float eps)
{
    /* in (C,HW) -> out (C,HW) */
    for (int c = 0; c < C; c++) {
        float r = 1.0f / sqrtf(var[c] + eps);
        for (int i = 0; i < HW; i++)
            out[c * HW + i] = (in[c * HW + i] - mean[c]) * r * gamma[c] + beta[c];
    }
}

/* ---- softmax cross-entropy --------------------------------------------------- */

/* out = softmax(logits / temp); returns the sum of exp((logits - max) / temp)
 * and the max in *max_out, which the cross-entropy needs for log-sum-exp. */
static double softmax_core(float *out, const float *logits, float temp, int n, float *max_out)
{
    float m = logits[0];
    for (int i = 1; i < n; i++)
        if (logits[i] > m)
            m = logits[i];
    double s = 0.0;
    for (int i = 0; i < n; i++) {
        out[i] = expf((logits[i] - m) / temp);
        s += out[i];
    }
    for (int i = 0; i < n; i++)
        out[i] = (float)(out[i] / s);
    *max_out = m;
    return s;
}

float softmax_xent_forward(float *probs, const float *logits, int label, int n)
{
    float m;
    double s = softmax_core(probs, logits, 1.0f, n, &m);
    if (label < 0 || label >= n) { /* uniform target (outlier exposure) */
        double t = 0.0;
        for (int i = 0; i < n; i++)
            t += logits[i] - m - log(s);
        return (float)(-t / n);
    }
    return (float)-(logits[label] - m - log(s));
}

void softmax_xent_backward(float *dlogits, const float *probs, int label, int n, float scale)
{
    for (int i = 0; i < n; i++)
        dlogits[i] += scale * (probs[i] - (label < 0 || label >= n ? 1.0f / (float)n
                                                                   : (i == label ? 1.0f : 0.0f)));
}

/* ---- knowledge distillation ------------------------------------------------- */

void softmax_temp(float *out, const float *logits, float temp, int n)
{
    float m;
    softmax_core(out, logits, temp, n, &m);
}

float distill_forward(float *probs, const float *logits, int label, const float *soft, float alpha,
                      float temp, int n)
{
    float hard = softmax_xent_forward(probs, logits, label, n);
    float q[16];
    double kl = 0.0;
    softmax_temp(q, logits, temp, n);
    for (int i = 0; i < n; i++)
        if (soft[i] > 0.0f)
            kl += soft[i] * (log(soft[i]) - log(q[i] > 1e-30f ? q[i] : 1e-30f));
    return (1.0f - alpha) * hard + alpha * temp * temp * (float)kl;
}

void distill_backward(float *dlogits, const float *probs, const float *logits, int label,
                      const float *soft, float alpha, float temp, int n, float scale)
{
    float q[16];
    softmax_xent_backward(dlogits, probs, label, n, scale * (1.0f - alpha));
    softmax_temp(q, logits, temp, n);
    for (int i = 0; i < n; i++)
        dlogits[i] += scale * alpha * temp * (q[i] - soft[i]);
}
