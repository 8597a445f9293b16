/* net.c - integer-only CNN inference (see src/inkpin/net.h for the manual).
 *
 * Sections: little-endian readers, requantization, model checks and arena
 * plan, layer kernels (one conv row, one dense layer), the run driver with the
 * layer-0 row ring, the integer softmax, the blob loader.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inkpin/net.h"
#include "inkpin/util.h"

/* Model tensors are read only through these, so they can live in program
 * memory (see NET_ROM in net.h). Blob models use the LE readers instead. */
#if defined(NET_ROM_IS_AVR_PROGMEM)
#include <avr/pgmspace.h>
#define NET_RD_U8(p) pgm_read_byte(p)
#define NET_RD_U16(p) pgm_read_word(p)
#define NET_RD_I16(p) ((int16_t)pgm_read_word(p))
#define NET_RD_I32(p) ((int32_t)pgm_read_dword(p))
#ifndef NET_NO_BLOB
#define NET_NO_BLOB /* a blob sits in RAM, which the LPM readers above cannot read */
#endif
#endif
#ifndef NET_RD_I32
#define NET_RD_I32(p) (*(p))
#endif
#ifndef NET_RD_U16
#define NET_RD_U16(p) (*(p))
#endif
#ifndef NET_RD_I16
#define NET_RD_I16(p) (*(p))
#endif
#ifndef NET_RD_U8
#define NET_RD_U8(p) (*(p))
#endif

/* Kept out of their callers: inlined, they cost flash for no speed. */
#if defined(__GNUC__)
#define NET_NOINLINE __attribute__((noinline))
#else
#define NET_NOINLINE
#endif

#define NET_FAN_IN_MAX 65536L    /* keeps |sum of int8*int8| <= 2^30 */
#define NET_BIAS_MAX (1L << 30)  /* |bias| <= 2^30: accumulators never overflow */
#define NET_LOGIT_MAX (1L << 24) /* logits saturate here (Q10: 16384 nats) */

/* ---- little-endian readers ------------------------------------------------ */

#ifndef NET_NO_BLOB
/* The blob's bytes are read through util.h's little-endian readers. */
#define rd_u32 util_get_le32
#define rd_u16 util_get_le16

/* Two's complement reinterpretation without implementation-defined casts. */
static int32_t rd_i32(const uint8_t *p)
{
    uint32_t v = util_get_le32(p);
    if (v & 0x80000000u)
        return -(int32_t)(~v) - 1;
    return (int32_t)v;
}
#endif

static int32_t layer_bias(const net_layer *L, unsigned c)
{
    if (L->bias16)
        return NET_RD_I16(&L->bias16[c]);
#ifndef NET_NO_BLOB
    if (!L->bias)
        return rd_i32(L->bias_le + 4u * c);
#endif
    return NET_RD_I32(&L->bias[c]);
}

static int32_t layer_mult(const net_layer *L, unsigned c)
{
#ifndef NET_NO_BLOB
    if (!L->mult && !L->mult16)
        return rd_u16(L->mult_le + 2u * c);
#endif
    if (L->mult16)
        return NET_RD_U16(&L->mult16[c]);
    return NET_RD_I32(&L->mult[c]);
}

/* int8 * int8, which always fits int16. avr-gcc turns `(int16_t)(a * b)`
 * added to an int32 into a call to its 16x16->32 multiply helper (~30
 * cycles); the AVR's own signed 8x8 multiply (muls, 2 cycles) gives the same
 * bits. Elsewhere the plain expression. */
#if defined(__AVR__) && defined(__AVR_HAVE_MUL__)
static inline int16_t mul_i8(int8_t a, int8_t b)
{
    int16_t r;
    __asm__("muls %1, %2\n\tmovw %0, r0\n\tclr __zero_reg__" : "=r"(r) : "d"(a), "d"(b) : "r0");
    return r;
}
#else
#define mul_i8(a, b) ((int16_t)((a) * (b)))
#endif

/* a mod n for the small row indices here, without a division (none on
 * Cortex-M0 or AVR). */
static size_t mod_small(size_t a, size_t n)
{
    while (a >= n)
        a -= n;
    return a;
}

/* ---- requantization ------------------------------------------------------- */

/* On cores without a 32 x 32 -> 64-bit multiply (the AVR, with no barrel
 * shifter either, and Cortex-M0/ARMv6-M: libgcc calls) the exporter's 16-bit
 * multipliers take requantize16; NET_REQUANT16 turns it on elsewhere
 * (tests/test_quant16.c compares it with the 64-bit path on every shift and
 * extreme). */
#if defined(__AVR__) || defined(__ARM_ARCH_6M__) || defined(NET_REQUANT16)
#define NET_USE_REQUANT16 1
#else
#define NET_USE_REQUANT16 0
#endif

#if NET_USE_REQUANT16
/* floor(v / 2^k) for k < 32: an arithmetic shift, spelled out for negative
 * values (where >> is implementation-defined) and done a half-word and a
 * byte at a time first, so cores without a barrel shifter (the AVR) loop
 * at most 7 times. */
static int32_t asr32(int32_t v, unsigned k)
{
    uint32_t u = v >= 0 ? (uint32_t)v : ~(uint32_t)v; /* v, or -v - 1 */
    if (k & 16u)
        u >>= 16;
    if (k & 8u)
        u >>= 8;
    u >>= k & 7u;
    return v >= 0 ? (int32_t)u : -(int32_t)u - 1;
}

/* The exporter's case, a 16-bit multiplier and a shift of 1..31, in 32-bit
 * pieces: acc * mult = p1 * 2^16 + p0 (0 <= p0 < 2^16) from two 16 x 16-bit
 * multiplies, then the rounding as floor((floor((p - neg) / 2^(s-1)) + 1) /
 * 2), half away from zero with neg = (p < 0); no 64-bit product or shift
 * (libgcc calls on 8-bit cores). Returns false, writing nothing, when it
 * does not apply (then the result is large, or the shift unusual). */
static bool requantize16(int32_t acc, int32_t mult, unsigned shift, int32_t *q)
{
    const uint16_t m = (uint16_t)mult, a0 = (uint16_t)((uint32_t)acc & 0xFFFFu);
    const int16_t a1 =
        (int16_t)((int32_t)(((uint32_t)acc >> 16) ^ 0x8000u) - 0x8000); /* top half */
    uint32_t low;
    int32_t p1, neg;
    if (mult < 0 || mult > 0xFFFF || shift == 0 || shift > 31)
        return false;
    low = (uint32_t)a0 * m;
    p1 = (int32_t)a1 * (int32_t)m + (int32_t)(low >> 16); /* |p1| < 2^31 */
    low &= 0xFFFFu;
    neg = p1 < 0;
    if (shift >= 16) { /* p / 2^16 first: floor((p - neg) / 2^16) */
        const int32_t hi = p1 - (neg && low == 0);
        *q = shift == 16 ? p1 + (int32_t)((low + 0x8000u - (uint32_t)neg) >> 16)
                         : asr32(asr32(hi, shift - 17) + 1, 1);
        return true;
    }
    if (p1 >= 0x7FFF || p1 <= -0x7FFF) /* p would not fit 32 bits */
        return false;
    *q = asr32(asr32(p1 * 65536 + (int32_t)low - neg, shift - 1) + 1, 1);
    return true;
}

#endif

/* The general case: the 64-bit product, then half away from zero (add the
 * half, one less below zero) and floor (an arithmetic shift, spelled out for
 * negative values). Kept out of net_requantize where requantize16 takes the
 * usual case, so that case does not pay this one's register saves. */
#if NET_USE_REQUANT16
NET_NOINLINE
#endif
static int32_t requantize64(int32_t acc, int32_t mult, uint8_t shift, int32_t lo, int32_t hi)
{
    int64_t v = (int64_t)acc * mult; /* |v| <= 2^62 */
    if (shift > 0) {
        v += ((int64_t)1 << (shift - 1)) - (v < 0);
        v = v >= 0 ? v >> shift : ~(~v >> shift);
    }
    if (v < lo)
        return lo;
    if (v > hi)
        return hi;
    return (int32_t)v;
}

int32_t net_requantize(int32_t acc, int32_t mult, uint8_t shift, int32_t lo, int32_t hi)
{
    if (acc <= 0 && mult >= 0 && lo >= 0 && hi >= lo)
        return lo; /* rounds to <= 0 <= lo: a ReLU's negative half, no multiply */
    if (shift > NET_MAX_SHIFT)
        shift = NET_MAX_SHIFT;
#if NET_USE_REQUANT16
    {
        int32_t q;
        if (requantize16(acc, mult, shift, &q))
            return q < lo ? lo : q > hi ? hi : q;
    }
#endif
    return requantize64(acc, mult, shift, lo, hi);
}

/* ---- shapes, checks, arena plan ----------------------------------------- */

/* An output side of L from the input side `in` (a dense layer's output is
 * 1 x 1). */
static unsigned out_side(const net_layer *L, unsigned in)
{
    if (L->kind != NET_CONV)
        return 1;
    return (in - L->k + 1u) >> L->pool;
}

/* Macros, not functions: one call of out_side per use keeps the code small. */
#define out_h(L) out_side((L), (L)->in_h)
#define out_w(L) out_side((L), (L)->in_w)

static unsigned long fan_in(const net_layer *L)
{
    if (L->kind == NET_CONV)
        return (unsigned long)L->in_c * L->k * L->k;
    return (unsigned long)L->in_c * L->in_h * L->in_w;
}

static net_err check_channels(const net_layer *L)
{
    unsigned c;
    for (c = 0; c < L->out_c; c++) {
        int32_t b = layer_bias(L, c);
        if (NET_RD_U8(&L->shift[c]) > NET_MAX_SHIFT || layer_mult(L, c) < 0 || b > NET_BIAS_MAX ||
            b < -NET_BIAS_MAX)
            return NET_ERR_MODEL;
    }
    return NET_OK;
}

static bool has_tensors(const net_layer *L)
{
#ifndef NET_NO_BLOB
    if ((!L->bias && !L->bias16 && !L->bias_le) || (!L->mult && !L->mult16 && !L->mult_le))
        return false;
#else
    if ((!L->bias && !L->bias16) || (!L->mult && !L->mult16))
        return false;
#endif
    return L->w && L->shift;
}

static net_err check_layer(const net_layer *L, unsigned c, unsigned h, unsigned w, bool last)
{
    if (L->in_c != c || L->in_h != h || L->in_w != w || L->out_c == 0 ||
        (L->wbits != 8 && L->wbits != 4) || L->relu > 1 || L->pool > 1)
        return NET_ERR_MODEL;
    if (L->kind == NET_CONV) {
        if (last || L->k == 0 || L->k > NET_MAX_KERNEL || L->k > h || L->k > w || out_h(L) == 0 ||
            out_w(L) == 0)
            return NET_ERR_MODEL;
    } else if (L->kind == NET_DENSE) {
        if (L->pool || L->k != 0)
            return NET_ERR_MODEL;
    } else {
        return NET_ERR_MODEL;
    }
    if (last && (L->out_c != NET_CLASSES || L->relu))
        return NET_ERR_MODEL;
    if (fan_in(L) > (unsigned long)NET_FAN_IN_MAX)
        return NET_ERR_MODEL;
    if (!has_tensors(L))
        return NET_ERR_ARG;
    return check_channels(L);
}

net_err net_check(const net_model *m)
{
    unsigned i, c = 1, h = NET_IMAGE_SIDE, w = NET_IMAGE_SIDE;
    if (!m || !m->layer)
        return NET_ERR_ARG;
    if (m->n_layers == 0 || m->n_layers > NET_MAX_LAYERS)
        return NET_ERR_MODEL;
    for (i = 0; i < m->n_layers; i++) {
        const net_layer *L = &m->layer[i];
        net_err e = check_layer(L, c, h, w, i + 1u == m->n_layers);
        if (e != NET_OK)
            return e;
        c = L->out_c;
        h = out_h(L);
        w = out_w(L);
    }
    return NET_OK;
}

/* Layer 0 streams rows into a ring when layer 1 is a convolution. */
static bool streams(const net_model *m)
{
    return m->n_layers > 1 && m->layer[0].kind == NET_CONV && m->layer[1].kind == NET_CONV;
}

/* The ring holds the layer-0 rows one output row of layer 1 reads. (An
 * unpooled layer 1 computes two rows a block and keeps one: the other, made
 * from a row the ring has moved past, goes to a scratch row.) */
static unsigned ring_rows(const net_model *m)
{
    return (unsigned)m->layer[1].k + m->layer[1].pool;
}

/* Rows of layer i's output kept in the arena: all, or for layer 0 feeding
 * a convolution the ring's. */
static unsigned stored_rows(const net_model *m, unsigned i)
{
    return i == 0 && streams(m) ? ring_rows(m) : out_h(&m->layer[i]);
}

/* Bytes of arena holding layer i's output (0 for the logits). */
static size_t store_size(const net_model *m, unsigned i)
{
    const net_layer *L = &m->layer[i];
    if (i + 1u == m->n_layers)
        return 0;
    return (size_t)L->out_c * out_w(L) * stored_rows(m, i);
}

static size_t arena_need(const net_model *m)
{
    size_t need = store_size(m, 0);
    unsigned i;
    for (i = 1; i < m->n_layers; i++) {
        size_t pair = store_size(m, i - 1u) + store_size(m, i);
        if (pair > need)
            need = pair;
    }
    return need;
}

size_t net_arena_bytes(const net_model *m)
{
    if (net_check(m) != NET_OK)
        return 0;
    return arena_need(m);
}

/* ---- tensors in the arena -------------------------------------------------- */

/* Element (c, y, x) of a tensor lives at base + c*cstride + (y % nslots)*rstride + x.
 * A whole (C,H,W) tensor: cstride H*W, rstride W, nslots H. The layer-0 ring:
 * cstride W, rstride C*W, nslots = ring rows. bits != NULL: the packed input. */
typedef struct {
    int8_t *base;
    const uint8_t *bits;
    size_t cstride, rstride, nslots;
} tensor_view;

static tensor_view whole_view(int8_t *base, const net_layer *L)
{
    tensor_view v;
    v.base = base;
    v.bits = NULL;
    v.rstride = out_w(L);
    v.nslots = out_h(L);
    v.cstride = v.rstride * v.nslots;
    return v;
}

#ifdef NET_TRACE
static net_trace_fn trace_fn;
static void *trace_ctx;
void net_set_trace(net_trace_fn fn, void *ctx)
{
    trace_fn = fn;
    trace_ctx = ctx;
}
#define TRACE(layer, c, y, row, n)                                                                 \
    do {                                                                                           \
        if (trace_fn)                                                                              \
            trace_fn(trace_ctx, (int)(layer), (int)(c), (int)(y), (row), (int)(n));                \
    } while (0)
#else
#define TRACE(layer, c, y, row, n) ((void)0)
#endif

/* ---- kernels --------------------------------------------------------------- */

/* Where row y of input channel ci starts (ring slot resolved). */
static const int8_t *in_row(const tensor_view *in, unsigned ci, unsigned y)
{
    return in->base + ci * in->cstride + mod_small(y, in->nslots) * in->rstride;
}

/* A 4-bit two's complement nibble (the low 4 bits of v), sign-extended. */
static int8_t nibble(unsigned v)
{
    return (int8_t)((int)((v & 15u) ^ 8u) - 8);
}

/* nibble() for unpacking weights: on Cortex-M0 (ARMv6-M) a lookup, where
 * the arithmetic takes several instructions; elsewhere the arithmetic (as
 * fast, and on the AVR a lookup in program memory costs more). */
#if !defined(__ARM_ARCH_6M__)
#define weight_nibble nibble
#else
static const int8_t nibble_values[16] = {0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1};

static int8_t weight_nibble(unsigned v)
{
    return nibble_values[v & 15u];
}
#endif

/* Weights wi .. wi+n-1 of L unpacked into int8, in the order they are stored
 * (8-bit, or packed 4-bit: element 2j in the low nibble of byte j); returns
 * where weight wi landed. 4-bit weights go a byte (two) at a time from the
 * even one at or before wi, so dst needs n + 2 bytes. */
static const int8_t *unpack_weights(const net_layer *L, size_t wi, int8_t *dst, unsigned n)
{
    const uint8_t *p = (const uint8_t *)(const void *)L->w;
    int8_t *d, *end;
    unsigned i;
    if (L->wbits == 8) {
        for (i = 0; i < n; i++)
            dst[i] = (int8_t)NET_RD_U8(p + wi + i);
        return dst;
    }
    p += wi >> 1;
    for (d = dst, end = dst + n + (wi & 1u); d < end; d += 2) {
        const unsigned b = NET_RD_U8(p++);
        d[0] = weight_nibble(b);
        d[1] = weight_nibble(b >> 4);
    }
    return dst + (wi & 1u);
}

/* Pixels of row y of the packed input, bit 0 = column 0. Row y starts at bit
 * y*28 = byte 3y + y/2, bit 4*(y & 1), so its 28 bits lie in 4 bytes (the
 * last row's end at byte 97 of 98). */
NET_NOINLINE static uint32_t bin_row(const uint8_t *bits, unsigned y)
{
    const uint8_t *p = bits + y * (NET_IMAGE_SIDE / 8u) + (y >> 1);
    return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24) >>
           (y & 1u) * 4u;
}

#include "net_simd.inc" /* a part of this file, kept apart: the x86 fast path */

#include "net_fast.inc" /* the kernels (and from it net_avr.inc, the AVR's) */

/* ---- the run driver ------------------------------------------------------- */

/* Computes layer i's output into out (whole tensor or logits). Layer 1 pulls
 * layer-0 rows into the ring just before it needs them. */
static void run_layer(const net_model *m, unsigned i, const tensor_view *in, const tensor_view *out,
                      int32_t *logits, const tensor_view *in0, unsigned *produced)
{
    const net_layer *L = &m->layer[i];
    unsigned r, r1;
    if (L->kind == NET_DENSE) {
        dense(L, in, out->base, logits, i);
        return;
    }
    for (r = 0; r < out_h(L); r = r1) { /* all rows at once, or a row at a time */
        r1 = produced ? r + 1u : out_h(L);
        /* rows r*step .. r*step + step-1 + k-1 of layer 0 */
        while (produced && *produced <= r * (L->pool ? 2u : 1u) + L->pool + L->k - 1u) {
            conv_rows(&m->layer[0], in0, in, *produced, *produced + 1u, 0);
            (*produced)++;
        }
        conv_rows(L, in, out, r, r1, i);
    }
}

net_err net_run(const net_model *m, const uint8_t bits[NET_IMAGE_BYTES], void *arena,
                size_t arena_size, net_result *res)
{
    tensor_view prev, cur, input;
    int32_t logits[NET_CLASSES];
    int8_t *a = (int8_t *)arena;
    size_t need;
    unsigned i, produced = 0;
    net_err e;
    if (!m || !bits || !res)
        return NET_ERR_ARG;
    e = net_check(m);
    if (e != NET_OK)
        return e;
    need = arena_need(m);
    if (need > 0 && !arena)
        return NET_ERR_ARG;
    if (arena_size < need)
        return NET_ERR_ARENA;

    input.base = NULL; /* field by field: no memset call in a freestanding build */
    input.bits = bits;
    input.cstride = input.rstride = input.nslots = 0;
    prev = input;
    for (i = 0; i < m->n_layers; i++) {
        /* layer i's output: side i%2 of the arena (layer 0 on side 0) */
        int8_t *base = (i & 1u) ? a + need - store_size(m, i) : a;
        cur = whole_view(base, &m->layer[i]);
        if (i == 0 && streams(m)) { /* a ring, filled as layer 1 needs rows */
            cur.nslots = ring_rows(m);
            cur.rstride = (size_t)m->layer[0].out_c * out_w(&m->layer[0]);
            cur.cstride = out_w(&m->layer[0]);
        } else {
            run_layer(m, i, &prev, &cur, i + 1u == m->n_layers ? logits : NULL, &input,
                      (i == 1 && streams(m)) ? &produced : NULL);
        }
        prev = cur;
    }
    net_softmax(logits, res);
    return NET_OK;
}

void net_pack(uint8_t bits[NET_IMAGE_BYTES], const uint8_t pixels[NET_IMAGE_PIXELS])
{
    unsigned i, j;
    for (i = 0; i < NET_IMAGE_BYTES; i++) {
        unsigned byte = 0;
        for (j = 0; j < 8u; j++)
            byte |= (unsigned)(pixels[8u * i + j] > NET_INK_THRESHOLD) << j;
        bits[i] = (uint8_t)byte;
    }
}

net_err net_run_pixels(const net_model *m, const uint8_t pixels[NET_IMAGE_PIXELS], void *arena,
                       size_t arena_size, net_result *res)
{
    uint8_t bits[NET_IMAGE_BYTES];
    if (!pixels)
        return NET_ERR_ARG;
    net_pack(bits, pixels);
    return net_run(m, bits, arena, arena_size, res);
}

/* ---- integer softmax ------------------------------------------------------- */

/* round(32768 * 2^(-i/16)), i = 0..16 */
static const uint16_t exp2_neg_q15[17] = {32768, 31379, 30048, 28774, 27554, 26386,
                                          25268, 24196, 23170, 22188, 21247, 20347,
                                          19484, 18658, 17867, 17109, 16384};

/* exp(-x / 2^10) in Q15 for x >= 0 (x in Q10 nats). */
static uint32_t exp_neg_q15(int32_t x)
{
    uint32_t t, k, f, idx, r, e;
    if (x > (32L << NET_LOGIT_FRAC_BITS))
        return 0;
    t = ((uint32_t)x * 1477u + 512u) >> 10; /* x * log2(e), Q10 */
    k = t >> 10;
    if (k >= 16u)
        return 0;
    f = t & 1023u;
    idx = f >> 6;
    r = f & 63u;
    e = exp2_neg_q15[idx] -
        (((uint32_t)(exp2_neg_q15[idx] - exp2_neg_q15[idx + 1u]) * r + 32u) >> 6);
    return k ? (e + (1u << (k - 1u))) >> k : e;
}

void net_softmax(const int32_t logits[NET_CLASSES], net_result *res)
{
    uint32_t e[NET_CLASSES], sum = 0, total = 0;
    unsigned i, best = 0, second = NET_CLASSES; /* the lowest index of each maximum */
    for (i = 1; i < NET_CLASSES; i++)
        if (logits[i] > logits[best]) {
            second = best;
            best = i;
        } else if (second == NET_CLASSES || logits[i] > logits[second]) {
            second = i;
        }
    for (i = 0; i < NET_CLASSES; i++) {
        e[i] = exp_neg_q15(logits[best] - logits[i]);
        sum += e[i];
    }
    for (i = 0; i < NET_CLASSES; i++) {
        res->confidence[i] = (uint16_t)((e[i] << 15) / sum);
        total += res->confidence[i];
        res->logits[i] = logits[i];
    }
    res->confidence[best] = (uint16_t)(res->confidence[best] + (NET_CONF_ONE - total));
    res->digit = (uint8_t)best;
    res->runner_up = (uint8_t)second;
}

const char *net_strerror(net_err e)
{
    switch (e) {
    case NET_OK: return "ok";
    case NET_ERR_ARG: return "null pointer";
    case NET_ERR_MODEL: return "invalid model";
    case NET_ERR_ARENA: return "arena too small";
    case NET_ERR_BLOB_SHORT: return "blob truncated";
    case NET_ERR_BLOB_MAGIC: return "not an .inkm blob (bad magic)";
    case NET_ERR_BLOB_VERSION: return "unsupported .inkm version";
    case NET_ERR_BLOB_CRC: return "blob CRC32 mismatch";
    case NET_ERR_BLOB_FORMAT: return "inconsistent blob fields";
    }
    return "unknown error";
}

/* ---- the blob loader (CRC-32 from util.h) ----------------------------------- */

#ifndef NET_NO_BLOB

#define BLOB_HEADER 16u
#define BLOB_DESC 16u
#define BLOB_CRC 4u
#define BLOB_VERSION 1u

/* Takes `size` bytes at *off of a blob whose tensors end at `end`; all
 * arithmetic stays below `end`, so no overflow and no read past it. */
static const uint8_t *take(const uint8_t *blob, size_t end, size_t *off, uint64_t size)
{
    const uint8_t *p;
    if (size > end - *off)
        return NULL;
    p = blob + *off;
    *off += (size_t)size;
    return p;
}

/* Zero padding up to a multiple of 4. */
static bool take_pad(const uint8_t *blob, size_t end, size_t *off)
{
    while (*off & 3u) {
        if (*off >= end || blob[*off] != 0)
            return false;
        (*off)++;
    }
    return true;
}

static net_err parse_descriptor(net_layer *L, const uint8_t *d, uint32_t *wbytes)
{
    uint8_t flags = d[2];
    memset(L, 0, sizeof *L);
    L->kind = d[0];
    L->k = d[1];
    L->relu = flags & 1u;
    L->pool = (flags >> 1) & 1u;
    L->wbits = d[3];
    L->in_c = rd_u16(d + 4);
    L->in_h = rd_u16(d + 6);
    L->in_w = rd_u16(d + 8);
    L->out_c = rd_u16(d + 10);
    *wbytes = rd_u32(d + 12);
    if ((flags & ~3u) || (L->kind != NET_CONV && L->kind != NET_DENSE) ||
        (L->wbits != 8 && L->wbits != 4))
        return NET_ERR_BLOB_FORMAT;
    return NET_OK;
}

static uint64_t weight_elems(const net_layer *L)
{
    uint64_t per = L->kind == NET_CONV ? (uint64_t)L->in_c * L->k * L->k
                                       : (uint64_t)L->in_c * L->in_h * L->in_w;
    return per * L->out_c;
}

static uint64_t weight_bytes_needed(const net_layer *L)
{
    uint64_t n = weight_elems(L);
    return L->wbits == 4 ? (n + 1u) / 2u : n;
}

static net_err take_tensors(net_layer *L, uint32_t wbytes, const uint8_t *blob, size_t end,
                            size_t *off)
{
    const uint8_t *w, *b, *mu, *s;
    if ((uint64_t)wbytes != weight_bytes_needed(L))
        return NET_ERR_BLOB_FORMAT;
    w = take(blob, end, off, wbytes);
    if (!w || !take_pad(blob, end, off))
        return NET_ERR_BLOB_SHORT;
    if (L->wbits == 4 && (weight_elems(L) & 1u) && (w[wbytes - 1u] & 0xF0u))
        return NET_ERR_BLOB_FORMAT; /* the unused last nibble must be 0 */
    b = take(blob, end, off, 4u * (uint64_t)L->out_c);
    mu = take(blob, end, off, 2u * (uint64_t)L->out_c);
    s = take(blob, end, off, L->out_c);
    if (!b || !mu || !s || !take_pad(blob, end, off))
        return NET_ERR_BLOB_SHORT;
    L->w = (const int8_t *)(const void *)w;
    L->bias_le = b;
    L->mult_le = mu;
    L->shift = s;
    return NET_OK;
}

net_err net_model_from_blob(net_blob_model *out, const uint8_t *blob, size_t n)
{
    size_t off, end;
    uint32_t total;
    unsigned i, n_layers;
    net_err e;
    if (!out || !blob)
        return NET_ERR_ARG;
    if (n < BLOB_HEADER + BLOB_CRC)
        return NET_ERR_BLOB_SHORT;
    if (memcmp(blob, "INKM", 4) != 0)
        return NET_ERR_BLOB_MAGIC;
    if (rd_u16(blob + 4) != BLOB_VERSION)
        return NET_ERR_BLOB_VERSION;
    total = rd_u32(blob + 8);
    if (total > n)
        return NET_ERR_BLOB_SHORT;
    if (total != n)
        return NET_ERR_BLOB_FORMAT;
    end = n - BLOB_CRC;
    if (util_crc32(0, blob, end) != rd_u32(blob + end))
        return NET_ERR_BLOB_CRC;
    n_layers = blob[6];
    if (n_layers == 0 || n_layers > NET_MAX_LAYERS || blob[7] != NET_LOGIT_FRAC_BITS)
        return NET_ERR_BLOB_FORMAT;
    if ((size_t)n_layers * BLOB_DESC > end - BLOB_HEADER)
        return NET_ERR_BLOB_SHORT;
    memset(out, 0, sizeof *out);
    off = BLOB_HEADER + (size_t)n_layers * BLOB_DESC;
    for (i = 0; i < n_layers; i++) {
        uint32_t wbytes;
        e = parse_descriptor(&out->layer[i], blob + BLOB_HEADER + i * BLOB_DESC, &wbytes);
        if (e == NET_OK)
            e = take_tensors(&out->layer[i], wbytes, blob, end, &off);
        if (e != NET_OK)
            return e;
    }
    if (off != end)
        return NET_ERR_BLOB_FORMAT;
    out->model.layer = out->layer;
    out->model.n_layers = (uint8_t)n_layers;
    out->version = BLOB_VERSION;
    out->arena_bytes = rd_u32(blob + 12);
    if (net_check(&out->model) != NET_OK || out->arena_bytes < arena_need(&out->model))
        return NET_ERR_BLOB_FORMAT;
    return NET_OK;
}

#endif /* NET_NO_BLOB */
