/* layers.h - float32 layers of the trainer, one forward/backward pair each.
 *
 * Conventions (llm.c style):
 *   - outputs first, inputs next, sizes last;
 *   - every function works on ONE sample unless its name says "batch";
 *   - backward functions ACCUMULATE into their gradient outputs (+=), so the
 *     caller zeroes gradients once per step; any gradient pointer may be NULL
 *     when that gradient is not needed (e.g. d(input) of the first layer);
 *   - tensors are row-major (C,H,W); conv weights are (OC,C,K,K), dense
 *     weights (OUT,IN), exactly the layouts of host/model/model.h.
 *
 * The *_ref kernels are the plain definitions, kept beside the faster ones
 * the trainer runs; tests/test_grad.c checks the fast ones against them and
 * the backward passes against central finite differences.
 */
#ifndef INKPIN_TRAIN_LAYERS_H
#define INKPIN_TRAIN_LAYERS_H

/* conv2d: valid padding, stride 1. out (OC,H-K+1,W-K+1). */
void conv2d_forward(float *out, const float *in, const float *w, const float *b, int C, int H,
                    int W, int OC, int K);
void conv2d_backward(float *din, float *dw, float *db, const float *dout, const float *in,
                     const float *w, int C, int H, int W, int OC, int K);
void conv2d_forward_ref(float *out, const float *in, const float *w, const float *b, int C, int H,
                        int W, int OC, int K);
void conv2d_backward_ref(float *din, float *dw, float *db, const float *dout, const float *in,
                         const float *w, int C, int H, int W, int OC, int K);

/* maxpool 2x2 stride 2, floor: out (C,H/2,W/2). The backward recomputes the
 * arg-max from the input (first maximum in row-major order wins a tie). */
void maxpool2x2_forward(float *out, const float *in, int C, int H, int W);
void maxpool2x2_backward(float *din, const float *dout, const float *in, int C, int H, int W);

/* relu: out = max(in, 0); the backward uses the forward's output. */
void relu_forward(float *out, const float *in, int n);
void relu_backward(float *din, const float *dout, const float *out, int n);

/* dense: out (OUT) = w (OUT,IN) . in (IN) + b. */
void dense_forward(float *out, const float *in, const float *w, const float *b, int IN, int OUT);
void dense_backward(float *din, float *dw, float *db, const float *dout, const float *in,
                    const float *w, int IN, int OUT);

/* Batch normalization over a batch, per channel, training mode (batch
 * statistics, biased variance). in/out (B,C,HW). mean/rstd (C) are outputs
 * kept for the backward. Channels are independent, and each channel sums its
 * B*HW values in one fixed order, so the result does not depend on threads. */
void batchnorm_forward_batch(float *out, float *mean, float *rstd, const float *in,
                             const float *gamma, const float *beta, int B, int C, int HW,
                             float eps);
void batchnorm_backward_batch(float *din, float *dgamma, float *dbeta, const float *dout,
                              const float *in, const float *mean, const float *rstd,
                              const float *gamma, int B, int C, int HW);
/* Inference mode, one sample: out = (in - mean) / sqrt(var + eps) * gamma + beta. */
void batchnorm_forward_eval(float *out, const float *in, const float *mean, const float *var,
                            const float *gamma, const float *beta, int C, int HW, float eps);

/* Softmax + cross-entropy for one sample: probs (n), returns -log p[label].
 * The backward adds scale * (probs - onehot(label)) to dlogits. A label
 * outside 0..n-1 means the uniform target (1/n each): "not a digit" samples
 * for outlier exposure. */
float softmax_xent_forward(float *probs, const float *logits, int label, int n);
void softmax_xent_backward(float *dlogits, const float *probs, int label, int n, float scale);

/* Knowledge distillation for one sample (Hinton et al. 2015): with q_T =
 * softmax(logits / temp) and the teacher's soft target t (n values summing
 * to 1, already at temperature temp),
 *   loss = (1 - alpha) * xent(label) + alpha * temp^2 * KL(t || q_T).
 * The temp^2 keeps the soft term's gradient scale independent of temp. probs
 * gets softmax(logits) (temperature 1) as in softmax_xent_forward. The
 * backward adds scale * ((1 - alpha) * (probs - onehot) + alpha * temp *
 * (q_T - t)) to dlogits. n <= 16. */
float distill_forward(float *probs, const float *logits, int label, const float *soft, float alpha,
                      float temp, int n);
void distill_backward(float *dlogits, const float *probs, const float *logits, int label,
                      const float *soft, float alpha, float temp, int n, float scale);

/* softmax(logits / temp) into out (n values). */
void softmax_temp(float *out, const float *logits, float temp, int n);

#endif
