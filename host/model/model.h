/* model.h - the float model handed from the trainer to the quantizer/exporter.
 *
 * The trainer folds anything training-only (batch norm, dropout) into plain
 * layers before it fills this struct, so the quantizer sees only the layer
 * kinds the int8 engine runs:
 *
 *   MODEL_CONV  : k x k convolution, valid padding, stride 1, + bias,
 *                 then ReLU if relu, then 2x2 max-pool stride 2 (floor) if pool.
 *   MODEL_DENSE : fully connected on the flattened input, + bias, ReLU if relu.
 *
 * The input is one 1 x 28 x 28 image of 0/1 values (binarized). The last layer
 * is a DENSE with 10 outputs and no ReLU: the logits.
 *
 * wbits picks the weight width the exporter uses for that layer (8 or 4).
 *
 * Layouts (float, row-major):
 *   conv  w: (out_c, in_c, k, k)      b: (out_c)
 *   dense w: (out_c, in_c*in_h*in_w)  b: (out_c)   -- input flattened as (C,H,W)
 */
#ifndef INKPIN_HOST_MODEL_H
#define INKPIN_HOST_MODEL_H

#define MODEL_MAX_LAYERS 8

typedef enum { MODEL_CONV = 1, MODEL_DENSE = 2 } model_layer_kind;

typedef struct {
    model_layer_kind kind;
    int in_c, in_h, in_w; /* input shape (C,H,W) */
    int out_c;            /* output channels (conv) or units (dense) */
    int k;                /* kernel side (conv only) */
    int relu;             /* 1: ReLU after the bias */
    int pool;             /* 1: 2x2 max-pool after ReLU (conv only) */
    int wbits;            /* weight bits in the engine: 8, or 4 (packed); 0 means 8.
                           * For 4, train with fake-quantized weights:
                           * s = quant_weight_scale_bits(w_c, n, 4) per output
                           * channel, w_q = quant_round(w / s, -7, 7) * s (quant.h). */
    float *w;
    float *b;
} model_layer;

typedef struct {
    int n_layers;
    model_layer layer[MODEL_MAX_LAYERS];
} float_model;

#endif
