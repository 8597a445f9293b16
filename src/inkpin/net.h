/* net.h - inkpin's integer-only inference engine for a small digit CNN.
 *
 * WHAT IT DOES
 *   Classifies one 28x28 binary image (a drawn digit) with an int8 network and
 *   returns the digit, a fixed-point confidence for every class and the
 *   runner-up. Freestanding C99: no malloc, no stdio, no float, no recursion;
 *   only <stdint.h> <stddef.h> <stdbool.h> <string.h>. Runs the same bits on a
 *   PC, a Cortex-M0+ without FPU or an 8-bit AVR.
 *
 * NETWORK
 *   A list of layers (at most NET_MAX_LAYERS), each one of:
 *     NET_CONV  : k x k convolution (k <= NET_MAX_KERNEL), valid padding, stride 1, + int32 bias,
 *                 requantize, ReLU if relu, then 2x2 max-pool stride 2 (floor)
 *                 if pool. Layout w (out_c, in_c, k, k), tensors (C, H, W).
 *     NET_DENSE : fully connected on the (C, H, W)-flattened input, + bias,
 *                 requantize, ReLU if relu. w (out_c, in_c*in_h*in_w).
 *   The first layer reads the packed input bits (values 0/1, scale 1), so it
 *   only adds weights. The last layer is a NET_DENSE with 10 outputs, no ReLU:
 *   its accumulators are requantized to logits in Q(NET_LOGIT_FRAC_BITS) nats.
 *
 * QUANTIZATION (see docs/engine.md)
 *   Weights are int8 (wbits 8) or packed 4-bit (wbits 4: values -8..7, two
 *   per byte, element 2i in the low nibble and 2i+1 in the high nibble of
 *   byte i, counted over the layer's whole weight array), one scale per
 *   output channel, int32 accumulators and
 *   biases (bias in accumulator scale; generated models store them on 16
 *   bits when all of a layer's fit). Each output channel c has a
 *   multiplier mult[c] >= 0 (int32, or 16-bit in generated models: the
 *   exporter uses [2^14, 2^15)) and a shift[c] in [0, 62]:
 *       q = saturate(round_half_away_from_zero(acc * mult / 2^shift))
 *   which is net_requantize(). Hidden activations are int8; ReLU outputs
 *   0..127. Max-pooling is taken on the accumulators before requantizing
 *   (requantize and ReLU are monotone, so it is the same as pooling after).
 *
 * EVALUATION ORDER
 *   A conv layer runs channel by channel, its output rows (after pooling)
 *   one after another. A 3 x 3 layer with at most 16 input channels (the
 *   default model's three) goes a 2 x 2 block of conv positions at a time:
 *   the channel's weights are unpacked once into int8 and the block's four
 *   sums are formed over every input channel at once (two multiplies an
 *   instruction on cores with the DSP extension: Cortex-M4/M7/M33); a pool
 *   keeps the block's max, an unpooled layer two rows of it. The binary
 *   input is widened to int8 rows for it. Any other layer (other kernel
 *   sizes, wider fan-ins, outputs one row or column wide) runs a plain
 *   reference a product at a time: correct and small, but many times slower
 *   per multiply (docs/engine.md). On x86 with SSE2 (chosen from __SSE2__,
 *   src/net_simd.inc) the sums run as int16 vector dot products instead
 *   (im2col + _mm_madd_epi16; the binary layer eight channels to a vector);
 *   on the AVR the 4-bit layers run its own assembly loops
 *   (src/net_avr.inc). Integer sums are exact, so the order does not change
 *   a bit: every target gives the host's results.
 *
 * CONFIDENCE
 *   Integer softmax of the logits: exp(-x) = 2^(-x*log2(e)) from a 17-entry
 *   Q16 table of 2^(-i/16) with linear interpolation. confidence[i] is in
 *   units of 1/NET_CONF_ONE and the ten values sum to exactly NET_CONF_ONE
 *   (the rounding remainder goes to the top class).
 *
 * MEMORY
 *   Activations live in a caller-owned arena of net_arena_bytes(model) bytes
 *   (the generated model header also defines NET_ARENA_BYTES). Layer 0 is
 *   computed in rows on demand into a ring of (k1 + pool1) rows that feeds
 *   layer 1, so the 28x28 first feature map is never stored whole; later
 *   tensors alternate between the two ends of the arena. No alignment needed.
 *   Stack use is bounded and small (measured by bench/footprint.sh);
 *   the x86 SSE2 path adds at most ~11 KB of host stack.
 *
 * MODELS
 *   A compiled-in model is a `const net_model` made of const arrays by the
 *   exporter (models/default/default_model.c, reached with
 *   net_default_model()). A model can also be loaded from an .inkm blob
 *   (docs/model-format.md) with net_model_from_blob(): every field is checked
 *   and tensors are referenced in place (int8 directly, wider values read as
 *   little-endian bytes), so the blob must outlive the model.
 *
 * CONFIG MACROS (all optional: no build needs a -D)
 *   NET_ROM, NET_RD_I32, NET_RD_U16, NET_RD_U8: where compiled-in tensors live
 *                and how the engine reads them. Program memory on AVR is
 *                chosen automatically (__AVR__); there the blob loader is
 *                left out, as with NET_NO_BLOB.
 *   NET_REJECT_CONF  rejection threshold shared by every front end.
 *   NET_TRACE    compile in net_set_trace(): a callback receiving every output
 *                row of every layer (for comparing with the host reference).
 *   NET_PLAIN_KERNELS  run the plain C kernels every MCU without the DSP
 *                extension runs, instead of the SSE2 path on x86 hosts or
 *                the SMLAD loops on Cortex-M4/M7/M33 (tests compare them).
 *                The SMLAD loops read unaligned words, as CMSIS-NN does;
 *                builds with -mno-unaligned-access (no
 *                __ARM_FEATURE_UNALIGNED) take the plain loops by themselves.
 *   NET_EMULATE_DSP, NET_EMULATE_AVR, NET_REQUANT16  tests only: the
 *                Cortex-M DSP loops, the AVR's own kernels and its 32-bit
 *                requantization on a host.
 *   NET_NO_BLOB  leave out the blob loader and the little-endian tensor
 *                readers (MCU builds with a compiled-in model only).
 *
 * RETURN CONVENTION
 *   Functions return net_err: NET_OK (0) or a negative code. Outputs are
 *   written only on NET_OK.
 *
 * LIMITATIONS
 *   Input side is fixed at 28x28 binary. Weights are 8- or 4-bit per layer.
 *   One arena per concurrent call.
 */
#ifndef INKPIN_NET_H
#define INKPIN_NET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A pixel is ink when its 0..255 grey value is strictly greater than this.
 * The one binarization rule shared by training, evaluation and the device. */
#define NET_INK_THRESHOLD 0

#define NET_IMAGE_SIDE 28
#define NET_IMAGE_PIXELS 784
#define NET_IMAGE_BYTES 98 /* packed: bit (i*28 + j) is pixel row i, column j */

#define NET_CLASSES 10
#define NET_MAX_LAYERS 8
#define NET_MAX_KERNEL 7       /* conv kernel side k <= 7 */
#define NET_LOGIT_FRAC_BITS 10 /* logits are in units of 2^-10 nats */
#define NET_CONF_ONE 32768u    /* confidence unit: the 10 values sum to this */
#define NET_MAX_SHIFT 62

/* Storage class of generated model tensors (weights, biases, multipliers,
 * shifts). Chosen from the compiler's own macros so that no build needs a -D:
 * on AVR (__AVR__, where const data would otherwise be copied into the 2 KB
 * of RAM) the tensors go to program memory and net.c reads them with LPM;
 * everywhere else they are ordinary const data. A build may still define
 * NET_ROM itself, together with the NET_RD_* readers of net.c. */
#ifndef NET_ROM
#if defined(__AVR__)
#define NET_ROM __attribute__((__progmem__))
#define NET_ROM_IS_AVR_PROGMEM 1
#else
#define NET_ROM
#endif
#endif

/* Reject a drawing ("draw again") when confidence[digit] is below this, in
 * units of 1/NET_CONF_ONE. One threshold for the CLI classify, the app and
 * the ports. Overridable with -D. */
#ifndef NET_REJECT_CONF
#define NET_REJECT_CONF 19399u /* 0.592: chosen by inkpin robustness (docs/ink.md) */
#endif

/* Bit (i*28 + j) of a packed image: byte (i*28+j)/8, bit (i*28+j)%8 (LSB first). */
#define NET_BIT(bits, idx) (((unsigned)(bits)[(idx) >> 3] >> ((unsigned)(idx)&7u)) & 1u)

typedef enum {
    NET_OK = 0,
    NET_ERR_ARG = -1,          /* a required pointer is NULL */
    NET_ERR_MODEL = -2,        /* model invalid: shapes do not chain, bad kind, ... */
    NET_ERR_ARENA = -3,        /* arena smaller than net_arena_bytes(model) */
    NET_ERR_BLOB_SHORT = -4,   /* blob truncated (shorter than its fields say) */
    NET_ERR_BLOB_MAGIC = -5,   /* not an .inkm blob */
    NET_ERR_BLOB_VERSION = -6, /* format version not supported */
    NET_ERR_BLOB_CRC = -7,     /* CRC32 mismatch */
    NET_ERR_BLOB_FORMAT = -8   /* inconsistent fields: dims, sizes, counts, length */
} net_err;

typedef enum { NET_CONV = 1, NET_DENSE = 2 } net_layer_kind;

typedef struct {
    uint8_t kind;              /* net_layer_kind */
    uint8_t k;                 /* kernel side (conv), 0 for dense */
    uint8_t relu;              /* 1: ReLU after requantization */
    uint8_t pool;              /* 1: 2x2 max-pool stride 2 (conv only) */
    uint8_t wbits;             /* weight bit width: 8, or 4 (packed two per byte) */
    uint16_t in_c, in_h, in_w; /* input shape (C, H, W) */
    uint16_t out_c;            /* output channels / units */
    const int8_t *w;           /* weights, layout above (wbits 4: packed bytes) */
    const int32_t *bias;       /* per out channel, accumulator scale, or NULL: */
    const int16_t *bias16;     /*   ...16-bit (generated models), or NULL: bias_le */
    const int32_t *mult;       /* requantization multiplier >= 0, or NULL: */
    const uint16_t *mult16;    /*   ...16-bit multipliers (generated models), or NULL: */
    const uint8_t *shift;      /* requantization right shift, 0..62 */
    const uint8_t *bias_le;    /* blob models: little-endian int32 biases (both biases NULL) */
    const uint8_t *mult_le;    /*   and little-endian uint16 multipliers (both mults NULL);
                                  present even with NET_NO_BLOB: one layout everywhere */
} net_layer;

typedef struct {
    const net_layer *layer;
    uint8_t n_layers;
} net_model;

/* A model loaded from a blob: the layer table lives inside, so pass
 * &blob_model.model to net_run and do not copy the struct (it points into
 * itself and into the blob). */
typedef struct {
    net_model model;
    net_layer layer[NET_MAX_LAYERS];
    uint16_t version;
    uint32_t arena_bytes; /* as recorded in the blob (checked >= needed) */
} net_blob_model;

typedef struct {
    uint8_t digit;                    /* argmax of the logits (lowest index on ties) */
    uint8_t runner_up;                /* second best class */
    uint16_t confidence[NET_CLASSES]; /* units of 1/NET_CONF_ONE, sum == NET_CONF_ONE */
    int32_t logits[NET_CLASSES];      /* Q(NET_LOGIT_FRAC_BITS) nats */
} net_result;

/* Runs the model on a packed image (bit i*28+j = row i, column j, 1 = ink).
 * arena: arena_size >= net_arena_bytes(m) bytes of scratch, any alignment. */
net_err net_run(const net_model *m, const uint8_t bits[NET_IMAGE_BYTES], void *arena,
                size_t arena_size, net_result *out);

/* The same on one byte per pixel: byte > NET_INK_THRESHOLD is ink. Packs the
 * image on the stack (98 bytes) and calls net_run. */
net_err net_run_pixels(const net_model *m, const uint8_t pixels[NET_IMAGE_PIXELS], void *arena,
                       size_t arena_size, net_result *out);

/* Packs 784 pixels (byte > NET_INK_THRESHOLD is ink) into 98 bytes. */
void net_pack(uint8_t bits[NET_IMAGE_BYTES], const uint8_t pixels[NET_IMAGE_PIXELS]);

/* Checks a model's structure (kinds, shapes chaining from 1x28x28 to 10
 * logits, non-NULL tensors, shifts <= 62, mult >= 0, |bias| <= 2^30). NET_OK or
 * NET_ERR_ARG / NET_ERR_MODEL. */
net_err net_check(const net_model *m);

/* Arena bytes net_run needs for this model; 0 if the model is invalid (or
 * needs none: a single dense layer). */
size_t net_arena_bytes(const net_model *m);

/* Loads an .inkm blob (docs/model-format.md). Checks magic, version, length,
 * CRC32, every descriptor field and that the tensors exactly fill the blob.
 * Never reads outside blob[0..n). */
net_err net_model_from_blob(net_blob_model *out, const uint8_t *blob, size_t n);

/* saturate(round_half_away_from_zero(acc * mult / 2^shift)) clamped to
 * [lo, hi]. mult >= 0, shift 0..62. The one requantization of the engine. */
int32_t net_requantize(int32_t acc, int32_t mult, uint8_t shift, int32_t lo, int32_t hi);

/* The confidence step alone: integer softmax of 10 logits (Q10 nats) into
 * conf (sum == NET_CONF_ONE); digit and runner-up by the logits. */
void net_softmax(const int32_t logits[NET_CLASSES], net_result *out);

/* A short English name of an error code (static string). */
const char *net_strerror(net_err e);

/* The compiled-in default model (models/default), or NULL when the build has
 * none. Defined by the generated model source, not by net.c. */
const net_model *net_default_model(void);

#ifdef NET_TRACE
/* Called for every output row: layer index, channel, row y (0 for dense),
 * the n int8 values of that row. Layer 0 rows may come more than once only if
 * the ring recomputes (it does not: each row is computed once). The last
 * layer is not traced (its logits are in net_result). */
typedef void (*net_trace_fn)(void *ctx, int layer, int channel, int y, const int8_t *row, int n);
void net_set_trace(net_trace_fn fn, void *ctx);
#endif

#ifdef __cplusplus
}
#endif

#endif
