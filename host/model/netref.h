/* netref.h - naive host references for the engine: a float forward pass of a
 * float_model and a plain integer simulation of a quant_model.
 *
 * Both work on one 28x28 image of 0/1 bytes with whole tensors and plain
 * loops. The integer simulation is written independently of src/net.c
 * (whole feature maps, requantize-then-ReLU-then-pool in that order, its own
 * rounding and softmax code from the documented formulas) so that agreeing
 * bit for bit with the engine means something.
 */
#ifndef INKPIN_HOST_NETREF_H
#define INKPIN_HOST_NETREF_H

#include <stdint.h>

#include "model/model.h"
#include "model/quant.h"

/* Float forward. logits[10]; if act_max is non-NULL, act_max[i] is raised to
 * the largest |value| of layer i's output (after ReLU and pool). */
void netref_float_forward(const float_model *m, const uint8_t img01[784], float logits[10],
                          float *act_max);

/* Integer forward as the engine specifies it. logits in Q10 nats, conf sums to
 * NET_CONF_ONE; digit and runner_up by the logits (lowest index on ties).
 * trace, if non-NULL, receives each hidden layer's whole int8 output (C,H,W). */
typedef void (*netref_trace_fn)(void *ctx, int layer, const int8_t *t, int c, int h, int w);
void netref_int_forward(const quant_model *q, const uint8_t img01[784], int32_t logits[10],
                        uint16_t conf[10], int *digit, int *runner_up, netref_trace_fn trace,
                        void *ctx);

/* The integer softmax alone (independent re-implementation of the engine's). */
void netref_softmax(const int32_t logits[10], uint16_t conf[10], int *digit, int *runner_up);

#endif
