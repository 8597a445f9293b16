/* quant.h - post-training quantization of a float_model to the int8 engine.
 *
 * Scheme (docs/engine.md):
 *   - weights: symmetric per output channel, s_w[c] = max|w[c]| / qmax with
 *     qmax = 127 (8-bit layers) or 7 (4-bit layers, model_layer.wbits == 4);
 *     a channel whose weights are all zero gets s_w[c] = 1 (weights 0, its
 *     output is the requantized bias alone) so nothing divides by zero;
 *   - the input is 0/1 with scale 1; hidden activations int8 symmetric with
 *     s_out = (max activation over calibration images) / 127;
 *   - bias[c] = round(b[c] / (s_in * s_w[c])) in the int32 accumulator;
 *   - requantization multiplier real m = s_in * s_w[c] / s_out encoded by
 *     quant_multiplier() as (mult in [2^14, 2^15), shift) with
 *     m ~= mult / 2^shift; the logits layer uses s_out = 2^-NET_LOGIT_FRAC_BITS.
 *
 * quant_multiplier() and quant_round() are THE float->int conversions: the
 * exporter and the tests call these and nothing else.
 */
#ifndef INKPIN_HOST_QUANT_H
#define INKPIN_HOST_QUANT_H

#include <stdint.h>

#include "diag.h"
#include "inkpin/net.h"
#include "model/model.h"

typedef struct {
    int kind; /* MODEL_CONV / MODEL_DENSE (same values as NET_CONV / NET_DENSE) */
    int in_c, in_h, in_w, out_c, k, relu, pool;
    int wbits;  /* 8 or 4 */
    int8_t *w;  /* one value per weight, layout as the float model */
    int8_t *wq; /* the engine's bytes: == w for 8 bits, packed for 4 */
    size_t wq_bytes;
    int32_t *bias;    /* accumulator scale */
    int32_t *mult;    /* requantization multiplier */
    uint16_t *mult16; /* the same in 16 bits (what the exporter writes), or NULL
                       * when a value does not fit (hand-made engine models) */
    uint8_t *shift;   /* requantization shift */
    float s_in, s_out;
    float *s_w; /* per out channel */
} quant_layer;

typedef struct {
    int n_layers;
    quant_layer layer[MODEL_MAX_LAYERS];
} quant_model;

/* Encodes a real multiplier m >= 0 as mult / 2^shift with mult in [2^14, 2^15)
 * (16 bits: 7 B of per-channel data with bias and shift) and shift in
 * [0, NET_MAX_SHIFT], rounding to nearest. A tiny m (< 2^-47) keeps shift =
 * NET_MAX_SHIFT with a smaller mult; m == 0 (or m < 2^-63) gives mult = 0,
 * shift = 0. Returns 0, or -1 when m is negative, not finite or >= 2^15. */
int quant_multiplier(double m, uint16_t *mult, uint8_t *shift);

/* round half away from zero, then saturate to [lo, hi]; NaN gives 0. */
int32_t quant_round(double v, int32_t lo, int32_t hi);

/* Per-channel weight scale: max|w[0..n)| / 127, or 1 when that is 0. */
float quant_weight_scale(const float *w, int n);

/* The same for `bits` 8 (qmax 127) or 4 (qmax 7): max|w| / qmax, or 1 when
 * max|w| is 0 (zero-range channel). The trainer's fake quantization for
 * 4-bit layers uses this and quant_round(w / s, -qmax, qmax). */
float quant_weight_scale_bits(const float *w, int n, int bits);

/* Largest weight magnitude of a bit width: 127 or 7. */
int quant_qmax(int bits);

/* Packs n 4-bit values (-8..7) two per byte, element 2i in the low nibble of
 * byte i; the unused high nibble of an odd count is 0. out: (n+1)/2 bytes. */
void quant_pack4(uint8_t *out, const int8_t *v, size_t n);

/* Checks that a float model has the shapes the engine runs (same rules as
 * net_check). 0 or -1 with d filled. */
int quant_check_float(const float_model *fm, inkpin_diag *d);

/* Activation ranges: act_max[i] = max over the n images (0/1 bytes, 784 each)
 * of |output of layer i| in the float model. */
void quant_calibrate(const float_model *fm, const uint8_t *images01, int n,
                     float act_max[MODEL_MAX_LAYERS]);

/* Builds the int8 model from the float model and the activation ranges.
 * 0 or -1 (d says why: bad shapes, a multiplier out of range). */
int quant_build(quant_model *q, const float_model *fm, const float act_max[MODEL_MAX_LAYERS],
                inkpin_diag *d);

void quant_free(quant_model *q);

/* A net_model view of q (no copies: q must outlive it). */
void quant_as_net(const quant_model *q, net_model *m, net_layer layers[NET_MAX_LAYERS]);

/* A quant_model copy of any engine model (compiled-in or blob), for the host
 * integer simulation. Scales are unknown there and set to 0. */
int quant_from_net(quant_model *q, const net_model *m, inkpin_diag *d);

/* Whether every bias of Q fits 16 bits: the exporter then writes int16
 * biases (net_layer.bias16), which halves their flash. */
int quant_bias_fits16(const quant_layer *Q);

/* Total bytes of the model's constant data in the engine: weights + biases
 * (16-bit where they fit) + multipliers + shifts. */
long quant_data_bytes(const quant_model *q);

/* Number of parameters (weights + biases). */
long quant_params(const quant_model *q);

#endif
