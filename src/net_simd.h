/* net_simd.h - a hosted-CPU fast path for net.c's conv and dense layers;
 * included by net.c only (it uses net.c's tensor_view, in_row, bin_row,
 * unpack_weights, layer_bias, layer_mult, out_w and TRACE).
 *
 * Chosen from the compiler's own macros, so no build needs a -D: on an x86
 * with SSE2 (every x86-64) NET_SIMD is 1; everywhere else (Cortex-M, AVR,
 * RISC-V, wasm32, ...) it is 0 and this file adds nothing, so those builds
 * compile exactly the plain kernels. NET_PLAIN_KERNELS (a test/bench switch)
 * turns the fast path off on any host.
 *
 * How: on int8 input, every conv position's input patch (in_c x k x k
 * values, in weight order) is gathered once into an int16 row (im2col),
 * zero-padded to a multiple of 8, for one output row (when the input is the
 * ring of layer-0 rows) or for the whole layer (a whole input tensor); each output channel's weights
 * are unpacked once into int16 the same way; each accumulator is then bias +
 * the dot product of the two, eight products per _mm_madd_epi16, four
 * positions per pass. On the binary input, eight output channels share a
 * vector and each 3-pixel window of a kernel row is one lookup in a table of
 * weight sums (net.c's bin_row_add, across channels). Dense layers on int8
 * input: the same dot products. Integer sums are exact, so the results are
 * the plain kernels' bits (tests/test_net_kernels.c, tests/test_net_simd.c).
 * Layers too big for the buffers below take the plain path. */
#ifndef INKPIN_NET_SIMD_H
#define INKPIN_NET_SIMD_H

#if defined(__SSE2__) && !defined(NET_PLAIN_KERNELS)
#define NET_SIMD 1
#else
#define NET_SIMD 0
#endif

#if NET_SIMD
#include <emmintrin.h>

#define NET_SIMD_FAN 256u    /* largest in_c*k*k on the fast path */
#define NET_SIMD_MAXPOS 128u /* most conv positions gathered at once */
#define NET_SIMD_PATCH 4096u /* int16 of gathered patches (8 KB of host stack) */

/* The gathered patches of some conv rows of n columns: position p (conv row
 * p / n, column p % n) at patch + p * kp. */
typedef struct {
    int16_t patch[NET_SIMD_PATCH];
    unsigned kp, positions;
} simd_patches;

static unsigned simd_round8(unsigned v)
{
    return (v + 7u) & ~7u;
}

/* Input row y of channel ci under one kernel row: position x's k values
 * row[x .. x+k) into dst + x * kp. */
static void simd_gather_row(const tensor_view *in, unsigned ci, unsigned y, unsigned n, unsigned k,
                            int16_t *dst, unsigned kp)
{
    unsigned x, kx;
    if (k == 3u) { /* the common kernel, unrolled */
        const int8_t *row = in_row(in, ci, y);
        for (x = 0; x < n; x++, dst += kp, row++) {
            dst[0] = row[0];
            dst[1] = row[1];
            dst[2] = row[2];
        }
    } else {
        const int8_t *row = in_row(in, ci, y);
        for (x = 0; x < n; x++, dst += kp)
            for (kx = 0; kx < k; kx++)
                dst[kx] = row[x + kx];
    }
}

/* Gathers the patches of conv rows y0 .. y0 + rows - 1 (n columns each) of
 * the int8 input. Returns false (nothing gathered) when they do not fit. */
static bool simd_gather(const net_layer *L, const tensor_view *in, unsigned y0, unsigned rows,
                        unsigned n, simd_patches *sp)
{
    const unsigned k = L->k, fan = (unsigned)L->in_c * k * k, kp = simd_round8(fan);
    unsigned dy, ci, ky, p, i;
    if (fan > NET_SIMD_FAN || rows * n > NET_SIMD_MAXPOS || rows * n * kp > NET_SIMD_PATCH)
        return false;
    sp->kp = kp;
    sp->positions = rows * n;
    for (dy = 0; dy < rows; dy++)
        for (ci = 0; ci < L->in_c; ci++)
            for (ky = 0; ky < k; ky++)
                simd_gather_row(in, ci, y0 + dy + ky, n, k,
                                sp->patch + dy * n * kp + (ci * k + ky) * k, kp);
    for (p = 0; p < sp->positions; p++)
        for (i = fan; i < sp->kp; i++)
            sp->patch[p * sp->kp + i] = 0;
    return true;
}

/* 16 int8 lanes to two vectors of 8 sign-extended int16, stored at dst. */
static void simd_widen_store(__m128i b, int16_t *dst)
{
    _mm_storeu_si128((__m128i *)(void *)dst, _mm_srai_epi16(_mm_unpacklo_epi8(b, b), 8));
    _mm_storeu_si128((__m128i *)(void *)(dst + 8), _mm_srai_epi16(_mm_unpackhi_epi8(b, b), 8));
}

/* dst[0..kp) = weights wi..wi+fan of L as int16, zero-padded: sixteen at a
 * time (whole bytes only, never past the weight array), the rest one by one
 * through net.c's unpack_weights. */
static void simd_weights(const net_layer *L, size_t wi, unsigned fan, unsigned kp, int16_t *dst)
{
    const uint8_t *p = (const uint8_t *)(const void *)L->w;
    unsigned i = 0;
    int8_t w;
    if (L->wbits == 8) {
        for (; i + 16u <= fan; i += 16u)
            simd_widen_store(_mm_loadu_si128((const __m128i *)(const void *)(p + wi + i)), dst + i);
    } else if (!(wi & 1u)) {
        const __m128i low = _mm_set1_epi8(15), eight = _mm_set1_epi8(8);
        for (; i + 16u <= fan; i += 16u) {
            const __m128i b = _mm_loadl_epi64((const __m128i *)(const void *)(p + (wi + i) / 2u));
            const __m128i lo = _mm_and_si128(b, low), hi = _mm_and_si128(_mm_srli_epi16(b, 4), low);
            /* element 2j is byte j's low nibble, 2j+1 its high one; x ^ 8 - 8
             * sign-extends a nibble */
            const __m128i nib = _mm_unpacklo_epi8(lo, hi);
            simd_widen_store(_mm_sub_epi8(_mm_xor_si128(nib, eight), eight), dst + i);
        }
        for (; i + 2u <= fan; i += 2u) { /* the rest a byte (two weights) at a time */
            const unsigned b = p[(wi + i) / 2u];
            dst[i] = (int16_t)((int)((b & 15u) ^ 8u) - 8);
            dst[i + 1u] = (int16_t)((int)((b >> 4) ^ 8u) - 8);
        }
    }
    for (; i < fan; i++) {
        unpack_weights(L, wi + i, &w, 1);
        dst[i] = w;
    }
    for (; i < kp; i++)
        dst[i] = 0;
}

/* The sum of the four int32 lanes. */
static int32_t simd_hsum(__m128i s)
{
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

/* The lane sums of s0 .. s3 as the four lanes of one vector. */
static __m128i simd_hsum4(__m128i s0, __m128i s1, __m128i s2, __m128i s3)
{
    const __m128i u0 = _mm_add_epi32(_mm_unpacklo_epi32(s0, s1), _mm_unpackhi_epi32(s0, s1));
    const __m128i u1 = _mm_add_epi32(_mm_unpacklo_epi32(s2, s3), _mm_unpackhi_epi32(s2, s3));
    return _mm_add_epi32(_mm_unpacklo_epi64(u0, u1), _mm_unpackhi_epi64(u0, u1));
}

static __m128i simd_ld(const int16_t *p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* acc[p] = bias + w . patch p for every position, four positions per pass
 * so each weight vector is loaded once for four products. */
static void simd_acc(const simd_patches *sp, const int16_t *w, int32_t bias, int32_t *acc)
{
    const unsigned kp = sp->kp;
    const __m128i b = _mm_set1_epi32(bias);
    unsigned p = 0, i;
    for (; p + 4u <= sp->positions; p += 4u) {
        const int16_t *a = sp->patch + p * kp;
        __m128i s0 = _mm_setzero_si128(), s1 = s0, s2 = s0, s3 = s0;
        for (i = 0; i < kp; i += 8u) {
            const __m128i wv = simd_ld(w + i);
            s0 = _mm_add_epi32(s0, _mm_madd_epi16(simd_ld(a + i), wv));
            s1 = _mm_add_epi32(s1, _mm_madd_epi16(simd_ld(a + kp + i), wv));
            s2 = _mm_add_epi32(s2, _mm_madd_epi16(simd_ld(a + 2u * kp + i), wv));
            s3 = _mm_add_epi32(s3, _mm_madd_epi16(simd_ld(a + 3u * kp + i), wv));
        }
        _mm_storeu_si128((__m128i *)(void *)(acc + p),
                         _mm_add_epi32(b, simd_hsum4(s0, s1, s2, s3)));
    }
    for (; p < sp->positions; p++) {
        const int16_t *a = sp->patch + p * kp;
        __m128i s = _mm_setzero_si128();
        for (i = 0; i < kp; i += 8u)
            s = _mm_add_epi32(s, _mm_madd_epi16(simd_ld(a + i), simd_ld(w + i)));
        acc[p] = bias + simd_hsum(s);
    }
}

/* Largest int8 input of a dense layer on the fast path. */
#define NET_SIMD_DENSE 1024u

/* dst[0..round8(n)) = src[0..n) as int16, zero-padded. */
static void simd_widen_input(const int8_t *src, size_t n, int16_t *dst)
{
    size_t i;
    for (i = 0; i < n; i++)
        dst[i] = src[i];
    for (; i & 7u; i++)
        dst[i] = 0;
}

/* The dot product of dense weights wi.. (n of them) with the widened input
 * x, the weights unpacked NET_SIMD_FAN at a time into w16 (a multiple of 16,
 * so a 4-bit chunk that starts on a byte keeps doing so). */
static int32_t simd_dense_dot(const net_layer *L, size_t wi, const int16_t *x, size_t n,
                              int16_t *w16)
{
    __m128i s = _mm_setzero_si128();
    size_t j;
    unsigned i;
    for (j = 0; j < n; j += NET_SIMD_FAN) {
        const unsigned len = n - j < NET_SIMD_FAN ? (unsigned)(n - j) : NET_SIMD_FAN;
        const unsigned kp = simd_round8(len);
        simd_weights(L, wi + j, len, kp, w16);
        for (i = 0; i < kp; i += 8u)
            s = _mm_add_epi32(
                s, _mm_madd_epi16(_mm_loadu_si128((const __m128i *)(const void *)(w16 + i)),
                                  _mm_loadu_si128((const __m128i *)(const void *)(x + j + i))));
    }
    return simd_hsum(s);
}

/* dst[x] = requantized max of the pool's accumulators of output column x
 * (acc holds conv rows of n columns: one row, or two when pooling). */
/* A dense layer on int8 input (net.c's dense, the sums by simd_dense_dot).
 * Returns false (nothing written) on the binary input or a wider one than
 * NET_SIMD_DENSE. */
static bool simd_dense(const net_layer *L, const tensor_view *in, int8_t *out, int32_t *logits,
                       unsigned layer_index)
{
    const size_t n = (size_t)L->in_c * L->in_h * L->in_w;
    const int32_t hi = logits ? NET_LOGIT_MAX : 127, lo = logits ? -hi : L->relu ? 0 : -128;
    int16_t x16[NET_SIMD_DENSE], w16[NET_SIMD_FAN];
    unsigned c;
    (void)layer_index;
    if (in->bits || n > NET_SIMD_DENSE)
        return false;
    simd_widen_input(in->base, n, x16);
    for (c = 0; c < L->out_c; c++) {
        int32_t acc = layer_bias(L, c) + simd_dense_dot(L, (size_t)c * n, x16, n, w16);
        acc = net_requantize(acc, layer_mult(L, c), NET_RD_U8(&L->shift[c]), lo, hi);
        if (logits)
            logits[c] = acc;
        else
            out[c] = (int8_t)acc;
    }
    if (!logits)
        TRACE(layer_index, 0, 0, out, L->out_c);
    return true;
}

/* A channel's requantization constants: net_requantize with the shift's
 * clamp and rounding constant worked out once. */
typedef struct {
    int32_t mult, lo;
    unsigned sh;
    uint64_t half;
} simd_requant;

static simd_requant simd_requant_of(const net_layer *L, unsigned c)
{
    simd_requant q;
    const uint8_t shift = NET_RD_U8(&L->shift[c]);
    q.mult = layer_mult(L, c);
    q.lo = L->relu ? 0 : -128;
    q.sh = shift > NET_MAX_SHIFT ? NET_MAX_SHIFT : shift;
    q.half = q.sh ? (uint64_t)1 << (q.sh - 1u) : 0u;
    return q;
}

static int8_t simd_requantize(int32_t acc, const simd_requant *q)
{
    const int64_t p = (int64_t)acc * q->mult;
    const uint64_t mag = ((p < 0 ? (uint64_t)(-p) : (uint64_t)p) + q->half) >> q->sh;
    const int64_t v = p < 0 ? -(int64_t)mag : (int64_t)mag;
    return (int8_t)(v < q->lo ? q->lo : v > 127 ? 127 : v);
}

static void simd_pool_requantize(const int32_t *acc, unsigned n, unsigned pool, unsigned ow,
                                 const simd_requant *q, int8_t *dst)
{
    unsigned x;
    for (x = 0; x < ow; x++) {
        int32_t m = acc[x];
        if (pool) {
            const int32_t *a = acc + 2u * x, *b = a + n;
            const int32_t m0 = a[0] > a[1] ? a[0] : a[1], m1 = b[0] > b[1] ? b[0] : b[1];
            m = m0 > m1 ? m0 : m1;
        }
        dst[x] = simd_requantize(m, q);
    }
}

/* The binary input, eight output channels to a vector (int16 lanes: |sum| <=
 * 49 * 128). Each kernel row is cut into chunks of three taps; tab[ky *
 * chunks + j][u] holds in lane l the sum of channel c0 + l's weights of
 * chunk j of kernel row ky under the set bits of the 3-pixel window u (taps
 * past k weigh 0). A conv position then costs one table load and one add
 * per chunk for eight channels. */
#define NET_SIMD_CHUNKS ((NET_MAX_KERNEL + 2u) / 3u)
typedef struct {
    __m128i tab[NET_MAX_KERNEL * NET_SIMD_CHUNKS][8];
    unsigned lanes;
} simd_bin_tables;

static void simd_bin_tables_of(const net_layer *L, unsigned c0, simd_bin_tables *bt)
{
    const unsigned k = L->k, kk = k * k, chunks = (k + 2u) / 3u;
    int16_t wt[NET_MAX_KERNEL * NET_MAX_KERNEL + 2u][8]; /* [tap][lane], 2 zero taps past k */
    int8_t w[NET_MAX_KERNEL * NET_MAX_KERNEL];
    unsigned l, t, ky, j, u;
    bt->lanes = L->out_c - c0 < 8u ? L->out_c - c0 : 8u;
    memset(wt, 0, sizeof wt);
    for (l = 0; l < bt->lanes; l++) {
        unpack_weights(L, (size_t)(c0 + l) * kk, w, kk);
        for (t = 0; t < kk; t++)
            wt[t][l] = w[t];
    }
    for (ky = 0; ky < k; ky++)
        for (j = 0; j < chunks; j++) {
            __m128i *tab = bt->tab[ky * chunks + j], v[3];
            for (t = 0; t < 3u; t++) /* taps past the kernel row weigh 0 */
                v[t] = 3u * j + t < k
                           ? _mm_loadu_si128((const __m128i *)(const void *)wt[ky * k + 3u * j + t])
                           : _mm_setzero_si128();
            tab[0] = _mm_setzero_si128();
            tab[1] = v[0];
            tab[2] = v[1];
            tab[3] = _mm_add_epi16(v[0], v[1]);
            for (u = 0; u < 4u; u++)
                tab[u + 4u] = _mm_add_epi16(tab[u], v[2]);
        }
}

/* Output row r of a conv layer on the binary input, all channels. */
static void simd_bin_conv_row(const net_layer *L, const tensor_view *in, const tensor_view *out,
                              unsigned r, unsigned layer_index)
{
    const unsigned k = L->k, step = L->pool ? 2u : 1u, ow = out_w(L), n = ow * step;
    const unsigned chunks = (k + 2u) / 3u;
    uint32_t rows[2u * NET_MAX_KERNEL];
    __m128i sums[2u * NET_IMAGE_SIDE];
    int16_t pooled[NET_IMAGE_SIDE][8];
    simd_bin_tables bt;
    unsigned c0, dy, ky, j, x, l;
    (void)layer_index;
    for (j = 0; j < step + k - 1u; j++)
        rows[j] = bin_row(in->bits, r * step + j);
    for (c0 = 0; c0 < L->out_c; c0 += 8u) {
        simd_bin_tables_of(L, c0, &bt);
        for (dy = 0; dy < step; dy++)
            for (x = 0; x < n; x++) {
                __m128i s = _mm_setzero_si128();
                if (k == 3u) { /* the common kernel, unrolled */
                    sums[dy * n + x] =
                        _mm_add_epi16(_mm_add_epi16(bt.tab[0][(rows[dy] >> x) & 7u],
                                                    bt.tab[1][(rows[dy + 1u] >> x) & 7u]),
                                      bt.tab[2][(rows[dy + 2u] >> x) & 7u]);
                    continue;
                }
                for (ky = 0; ky < k; ky++) {
                    const uint32_t v = rows[dy + ky] >> x;
                    for (j = 0; j < chunks; j++)
                        s = _mm_add_epi16(s, bt.tab[ky * chunks + j][(v >> (3u * j)) & 7u]);
                }
                sums[dy * n + x] = s;
            }
        for (x = 0; x < ow; x++) /* the pool (max before the bias: the same) */
            _mm_storeu_si128(
                (__m128i *)(void *)pooled[x],
                L->pool ? _mm_max_epi16(_mm_max_epi16(sums[2u * x], sums[2u * x + 1u]),
                                        _mm_max_epi16(sums[n + 2u * x], sums[n + 2u * x + 1u]))
                        : sums[x]);
        for (l = 0; l < bt.lanes; l++) {
            const unsigned c = c0 + l;
            const simd_requant q = simd_requant_of(L, c);
            const int32_t bias = layer_bias(L, c);
            int8_t *dst = out->base + c * out->cstride + mod_small(r, out->nslots) * out->rstride;
            for (x = 0; x < ow; x++)
                dst[x] = simd_requantize(bias + pooled[x][l], &q);
            TRACE(layer_index, c, r, dst, ow);
        }
    }
}

/* Output rows r0 .. r0 + rows - 1 of conv layer L into out through the fast
 * path: the input gathered once, each channel's weights unpacked once for all
 * those rows. Returns false (nothing written) when they do not fit its
 * buffers (the binary input: one row at a time). */
static bool simd_conv_rows(const net_layer *L, const tensor_view *in, const tensor_view *out,
                           unsigned r0, unsigned rows, unsigned layer_index)
{
    const unsigned k = L->k, step = L->pool ? 2u : 1u, ow = out_w(L), n = ow * step;
    const unsigned fan = L->in_c * k * k;
    simd_patches sp;
    int16_t w16[NET_SIMD_FAN];
    int32_t wide[NET_SIMD_MAXPOS];
    unsigned c, rr;
    (void)layer_index;
    if (in->bits) {
        if (rows != 1u)
            return false;
        simd_bin_conv_row(L, in, out, r0, layer_index);
        return true;
    }
    if (!simd_gather(L, in, r0 * step, rows * step, n, &sp))
        return false;
    for (c = 0; c < L->out_c; c++) {
        const simd_requant q = simd_requant_of(L, c);
        simd_weights(L, (size_t)c * fan, fan, sp.kp, w16);
        simd_acc(&sp, w16, layer_bias(L, c), wide);
        for (rr = 0; rr < rows; rr++) {
            int8_t *dst =
                out->base + c * out->cstride + mod_small(r0 + rr, out->nslots) * out->rstride;
            simd_pool_requantize(wide + rr * step * n, n, L->pool, ow, &q, dst);
            TRACE(layer_index, c, r0 + rr, dst, ow);
        }
    }
    return true;
}

#endif /* NET_SIMD */
#endif /* INKPIN_NET_SIMD_H */
