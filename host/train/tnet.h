/* tnet.h - the trainable network: architecture spec, flat parameter block,
 * batched forward/backward.
 *
 * Architecture spec (--arch): comma-separated layers, e.g. "c8p,c16p,c24,d10"
 *   cN[kK][b][p]  conv K x K (default 3), N output channels, batch norm if
 *              'b' (folded away at export), ReLU, then 2x2 max-pool if 'p';
 *   dN[r]      dense with N outputs, ReLU if 'r'. The last layer must be "d10".
 *   A 'q' flag on any layer makes its weights 4-bit in the engine (packed);
 *   the trainer then fake-quantizes them (quantization-aware training). With
 *   'b' and 'q' together, batch norm stays through quantization-aware
 *   training: per-output-channel weight scales make fake quantization and the
 *   export fold commute (the folded channel is the quantized one times
 *   gamma/sigma), so the exporter's 4-bit values are the ones trained.
 * The input is 1 x 28 x 28 of 0/1.
 *
 * Memory: parameters, gradients and both Adam moments are flat float blocks
 * of tnet.n_params values; each layer finds its tensors by offset (one size
 * table built by tnet_parse), so zeroing, the optimizer, the checkpoint and
 * export are single loops or writes. Batch-norm running statistics live in a
 * second block of n_stats floats (mean then var per BN layer).
 *
 * Determinism: every per-sample computation runs in an OpenMP loop over
 * samples writing disjoint memory; weight gradients are accumulated per
 * fixed chunk of TNET_CHUNK samples (sample order inside a chunk) and the
 * chunks are summed in chunk order; batch-norm statistics sum each channel
 * over the batch in sample order. Nothing depends on the thread count.
 *
 * Speed: without batch norm every layer is per sample, so a whole forward
 * (and a whole backward) is ONE parallel region - few barriers, which matters
 * on a busy 2-core machine. Batch norm needs a batch-wide step per layer and
 * so one region per layer stage.
 */
#ifndef INKPIN_TRAIN_TNET_H
#define INKPIN_TRAIN_TNET_H

#include <stdint.h>

#include "diag.h"
#include "model/model.h"

#define TNET_MAX_LAYERS MODEL_MAX_LAYERS
#define TNET_CHUNK 8
#define TNET_CLASSES 10
#define TNET_BN_EPS 1e-5f
#define TNET_BN_MOMENTUM 0.1f

typedef struct {
    model_layer_kind kind;
    int in_c, in_h, in_w, in_size;
    int out_c, k, relu, pool, bn;
    int wbits;                          /* 8, or 4 ('q': fake-quantized in training) */
    int z_h, z_w, z_size;               /* conv/dense output before pooling (dense: 1x1) */
    int out_h, out_w, out_size;         /* after pooling */
    long w_off, b_off, g_off, beta_off; /* into the parameter block (-1: none) */
    long n_w;
    long mean_off, var_off; /* into the stats block (-1: none) */
} tnet_layer;

typedef struct {
    char spec[128];
    int n_layers;
    tnet_layer layer[TNET_MAX_LAYERS];
    long n_params, n_stats;
} tnet;

/* Parses spec into net; returns 0 or -1 with d naming the bad token. */
int tnet_parse(tnet *net, const char *spec, inkpin_diag *d);

/* 1 if parameter i takes weight decay (conv/dense weights; not biases or BN) */
int tnet_param_decays(const tnet *net, long i);

/* He-normal weights, zero biases, BN gamma 1 beta 0, running var 1. */
void tnet_init(const tnet *net, float *params, float *stats, uint64_t seed);

/* Scratch space for a batch of up to max_batch samples. */
typedef struct {
    int max_batch;
    float *z[TNET_MAX_LAYERS], *y[TNET_MAX_LAYERS], *a[TNET_MAX_LAYERS], *o[TNET_MAX_LAYERS];
    float *dz[TNET_MAX_LAYERS], *dy[TNET_MAX_LAYERS], *da[TNET_MAX_LAYERS], *dO[TNET_MAX_LAYERS];
    float *mean[TNET_MAX_LAYERS], *rstd[TNET_MAX_LAYERS];
    float *probs, *losses;
    /* Distillation (set by the caller, NULL by default): soft targets of the
     * teacher, B x 10 at temperature kd_temp; the loss becomes distill_forward
     * (layers.h) with weight kd_alpha on the soft term. */
    const float *soft;
    float kd_alpha, kd_temp;
    float *chunk_grads; /* ceil(max_batch / TNET_CHUNK) * n_params */
    float *block;       /* one allocation behind all the above */
    long block_floats;
} tnet_work;

int tnet_work_alloc(tnet_work *w, const tnet *net, int max_batch);
void tnet_work_free(tnet_work *w);

/* Forward of B samples x (B,1,28,28). training=1: batch-norm batch statistics
 * (running stats updated in `stats`); 0: running statistics. Fills w->probs
 * (B,10) and, if labels != NULL, w->losses; returns the mean loss (0 without
 * labels). */
float tnet_forward(const tnet *net, const float *params, float *stats, tnet_work *w, const float *x,
                   const uint8_t *labels, int B, int training);

/* Backward of the last training forward: grads (n_params) = d(mean loss). */
void tnet_backward(const tnet *net, const float *params, float *grads, tnet_work *w, const float *x,
                   const uint8_t *labels, int B);

/* 1 if some layer has batch norm. */
int tnet_has_bn(const tnet *net);

/* 1 if some layer has 4-bit weights. */
int tnet_has_qat(const tnet *net);

/* q = params, with the weights of every 4-bit layer replaced by their
 * fake-quantized values: per output channel s = quant_weight_scale_bits(w, n,
 * 4), w_q = quant_round(w / s, -7, 7) * s - the exporter's own functions, so
 * the engine gets exactly these weights. Training runs forward and backward
 * with q and applies the gradients to params (straight-through estimator). */
void tnet_fake_quant(const tnet *net, const float *params, float *q);

/* Folds batch norm into conv weights/biases and fills m with pointers into
 * `storage` (n_params floats owned by the caller). Equals the eval forward. */
void tnet_to_float_model(const tnet *net, const float *params, const float *stats, float *storage,
                         float_model *m);

#endif
