/* net_simd.h - a hosted-CPU fast path for net.c's conv layers; included by
 * net.c only (it uses net.c's tensor_view, in_row, bin_row, unpack_weights).
 *
 * Chosen from the compiler's own macros, so no build needs a -D: on an x86
 * with SSE2 (every x86-64) NET_SIMD is 1; everywhere else (Cortex-M, AVR,
 * RISC-V, wasm32, ...) it is 0 and this file adds nothing, so those builds
 * compile exactly the plain kernels. NET_PLAIN_KERNELS (a test/bench switch)
 * turns the fast path off on any host.
 *
 * How: for one output row of a conv layer, every conv position's input patch
 * (in_c x k x k values, in weight order) is gathered once into an int16 row
 * (im2col), zero-padded to a multiple of 8; each output channel's weights are
 * unpacked once into int16 the same way; each accumulator is then bias + the
 * dot product of the two, eight products per _mm_madd_epi16. The binary input
 * becomes 0/1 patches. Integer sums are exact and |int8 * int8| pairs fit
 * int32 (fan-in <= NET_SIMD_FAN), so the results are the plain kernels' bits
 * (tests/test_net_kernels.c, tests/test_net_simd.c). Layers whose fan-in
 * exceeds NET_SIMD_FAN take the plain path. */
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
#define NET_SIMD_PATCH (2u * NET_IMAGE_SIDE * NET_SIMD_FAN) /* int16 of patches */

/* The gathered patches of some conv rows of n columns: position p (conv row
 * p / n, column p % n) at patch + p * kp. */
typedef struct {
    int16_t patch[NET_SIMD_PATCH];
    unsigned kp, positions;
} simd_patches;

/* The binary input instead: for conv row dy of the output row and tap t =
 * ky*k + kx, mask[dy][t][g] holds -1 in int16 lane j where the pixel under
 * tap t of conv position 8g + j is ink. A position's sum is then the AND of
 * each tap's weight with its mask, added up: 8 positions per instruction,
 * in int16 (|sum| <= 49 * 128). */
#define NET_SIMD_GROUPS 4u /* 32 lanes >= the widest conv row, 28 */
typedef struct {
    __m128i mask[2][NET_MAX_KERNEL * NET_MAX_KERNEL][NET_SIMD_GROUPS];
    unsigned k, step, n;
} simd_bin_masks;

/* Builds the masks of output row r on the packed input. */
static void simd_bin_prepare(const net_layer *L, const tensor_view *in, unsigned r, unsigned step,
                             unsigned n, simd_bin_masks *bm)
{
    const __m128i lane_bit = _mm_set_epi16(128, 64, 32, 16, 8, 4, 2, 1);
    const unsigned k = L->k;
    unsigned dy, ky, kx, g;
    bm->k = k;
    bm->step = step;
    bm->n = n;
    for (dy = 0; dy < step; dy++)
        for (ky = 0; ky < k; ky++) {
            const uint32_t row = bin_row(in->bits, r * step + dy + ky);
            for (kx = 0; kx < k; kx++)
                for (g = 0; g < NET_SIMD_GROUPS; g++) {
                    const __m128i b =
                        _mm_set1_epi16((short)((row >> kx >> (8u * g)) & 0xffu));
                    bm->mask[dy][ky * k + kx][g] =
                        _mm_cmpeq_epi16(_mm_and_si128(b, lane_bit), lane_bit);
                }
        }
}

/* The int16 lanes of s plus bias, as eight int32 at dst. */
static void simd_store_widened(__m128i s, __m128i bias, int32_t *dst)
{
    _mm_storeu_si128((__m128i *)(void *)dst,
                     _mm_add_epi32(bias, _mm_srai_epi32(_mm_unpacklo_epi16(s, s), 16)));
    _mm_storeu_si128((__m128i *)(void *)(dst + 4),
                     _mm_add_epi32(bias, _mm_srai_epi32(_mm_unpackhi_epi16(s, s), 16)));
}

/* acc[dy*n + x] = bias + the binary conv of channel c's weights w. All 32
 * lanes of a conv row are stored (acc has (step - 1) * n + 32 entries); the lanes
 * past n are overwritten by the next row or ignored. */
static void simd_bin_acc(const simd_bin_masks *bm, const int8_t *w, int32_t bias, int32_t *acc)
{
    const unsigned taps = bm->k * bm->k;
    const __m128i b = _mm_set1_epi32(bias);
    unsigned dy, t;
    for (dy = 0; dy < bm->step; dy++) {
        __m128i s0 = _mm_setzero_si128(), s1 = s0, s2 = s0, s3 = s0;
        int32_t *a = acc + dy * bm->n;
        for (t = 0; t < taps; t++) {
            const __m128i wv = _mm_set1_epi16(w[t]), *m = bm->mask[dy][t];
            s0 = _mm_add_epi16(s0, _mm_and_si128(wv, m[0]));
            s1 = _mm_add_epi16(s1, _mm_and_si128(wv, m[1]));
            s2 = _mm_add_epi16(s2, _mm_and_si128(wv, m[2]));
            s3 = _mm_add_epi16(s3, _mm_and_si128(wv, m[3]));
        }
        simd_store_widened(s0, b, a);
        simd_store_widened(s1, b, a + 8);
        simd_store_widened(s2, b, a + 16);
        simd_store_widened(s3, b, a + 24);
    }
}

static unsigned simd_round8(unsigned v)
{
    return (v + 7u) & ~7u;
}

/* Row y + ky of the input, columns x0.. of its k taps, into dst (one
 * position's k values for kernel row ky). */
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
            simd_widen_store(_mm_loadu_si128((const __m128i *)(const void *)(p + wi + i)),
                             dst + i);
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

/* acc[p] = bias + w . patch p for every position, four positions per pass
 * so each weight vector is loaded once for four products. */
static void simd_acc(const simd_patches *sp, const int16_t *w, int32_t bias, int32_t *acc)
{
    const unsigned kp = sp->kp;
    unsigned p = 0, i;
    for (; p + 4u <= sp->positions; p += 4u) {
        const int16_t *a = sp->patch + p * kp;
        __m128i s0 = _mm_setzero_si128(), s1 = s0, s2 = s0, s3 = s0;
        for (i = 0; i < kp; i += 8u) {
            const __m128i wv = _mm_loadu_si128((const __m128i *)(const void *)(w + i));
            s0 = _mm_add_epi32(
                s0, _mm_madd_epi16(wv, _mm_loadu_si128((const __m128i *)(const void *)(a + i))));
            s1 = _mm_add_epi32(s1, _mm_madd_epi16(wv, _mm_loadu_si128((const __m128i *)(const void *)(
                                                              a + kp + i))));
            s2 = _mm_add_epi32(s2, _mm_madd_epi16(wv, _mm_loadu_si128((const __m128i *)(const void *)(
                                                              a + 2u * kp + i))));
            s3 = _mm_add_epi32(s3, _mm_madd_epi16(wv, _mm_loadu_si128((const __m128i *)(const void *)(
                                                              a + 3u * kp + i))));
        }
        acc[p] = bias + simd_hsum(s0);
        acc[p + 1u] = bias + simd_hsum(s1);
        acc[p + 2u] = bias + simd_hsum(s2);
        acc[p + 3u] = bias + simd_hsum(s3);
    }
    for (; p < sp->positions; p++) {
        const int16_t *a = sp->patch + p * kp;
        __m128i s = _mm_setzero_si128();
        for (i = 0; i < kp; i += 8u)
            s = _mm_add_epi32(
                s, _mm_madd_epi16(_mm_loadu_si128((const __m128i *)(const void *)(w + i)),
                                  _mm_loadu_si128((const __m128i *)(const void *)(a + i))));
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
static void simd_pool_requantize(const int32_t *acc, unsigned n, unsigned pool, unsigned ow,
                                 int32_t mult, uint8_t shift, int32_t lo, int8_t *dst)
{
    const unsigned sh = shift > NET_MAX_SHIFT ? NET_MAX_SHIFT : shift;
    const uint64_t half = sh ? (uint64_t)1 << (sh - 1u) : 0u;
    unsigned x;
    for (x = 0; x < ow; x++) {
        int32_t m = acc[x];
        int64_t p, v;
        uint64_t mag;
        if (pool) {
            const int32_t *a = acc + 2u * x, *b = a + n;
            const int32_t m0 = a[0] > a[1] ? a[0] : a[1], m1 = b[0] > b[1] ? b[0] : b[1];
            m = m0 > m1 ? m0 : m1;
        }
        /* net_requantize with the channel's rounding constant hoisted */
        p = (int64_t)m * mult;
        mag = ((p < 0 ? (uint64_t)(-p) : (uint64_t)p) + half) >> sh;
        v = p < 0 ? -(int64_t)mag : (int64_t)mag;
        dst[x] = (int8_t)(v < lo ? lo : v > 127 ? 127 : v);
    }
}

/* Output rows r0 .. r0 + rows - 1 of conv layer L into out through the fast
 * path: the input gathered once, each channel's weights unpacked once for all
 * those rows. Returns false (nothing written) when they do not fit its
 * buffers (the binary input: one row at a time). */
static bool simd_conv_rows(const net_layer *L, const tensor_view *in, const tensor_view *out,
                           unsigned r0, unsigned rows, unsigned layer_index)
{
    const unsigned k = L->k, step = L->pool ? 2u : 1u, ow = out_w(L), n = ow * step, kk = k * k;
    const unsigned fan = L->in_c * kk;
    const int32_t lo = L->relu ? 0 : -128;
    simd_patches sp;
    simd_bin_masks bm;
    int16_t w16[NET_SIMD_FAN];
    int8_t w[NET_MAX_KERNEL * NET_MAX_KERNEL];
    int32_t wide[NET_SIMD_MAXPOS + 8u * NET_SIMD_GROUPS];
    unsigned c, rr;
    (void)layer_index;
    bm.k = bm.step = bm.n = 0;
    sp.kp = sp.positions = 0;
    if (in->bits) {
        if (rows != 1u)
            return false;
        simd_bin_prepare(L, in, r0, step, n, &bm);
    } else if (!simd_gather(L, in, r0 * step, rows * step, n, &sp)) {
        return false;
    }
    for (c = 0; c < L->out_c; c++) {
        const int32_t bias = layer_bias(L, c), mult = layer_mult(L, c);
        const uint8_t shift = NET_RD_U8(&L->shift[c]);
        if (in->bits) {
            unpack_weights(L, (size_t)c * kk, w, kk);
            simd_bin_acc(&bm, w, bias, wide);
        } else {
            simd_weights(L, (size_t)c * fan, fan, sp.kp, w16);
            simd_acc(&sp, w16, bias, wide);
        }
        for (rr = 0; rr < rows; rr++) {
            int8_t *dst =
                out->base + c * out->cstride + mod_small(r0 + rr, out->nslots) * out->rstride;
            simd_pool_requantize(wide + rr * step * n, n, L->pool, ow, mult, shift, lo, dst);
            TRACE(layer_index, c, r0 + rr, dst, ow);
        }
    }
    return true;
}

#endif /* NET_SIMD */
#endif /* INKPIN_NET_SIMD_H */
