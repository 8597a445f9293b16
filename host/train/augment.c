/* augment.c - deterministic on-the-fly augmentation (see augment.h). */
#include "train/augment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inkpin/ink.h"

#define SIDE 28
#define GRID 4 /* elastic control grid: GRID x GRID points over the image */

void augment_defaults(augment_params *p)
{
    p->p_clean = 0.10f;
    p->rot_deg = 12.0f;
    p->scale = 0.12f;
    p->aniso = 0.10f;
    p->shear = 0.25f;
    p->shift = 2.0f;
    p->elastic = 0.9f;
    p->p_dilate = 0.20f;
    p->p_erode = 0.15f;
    p->pen_jitter = 1.0f;
    p->pen_radius = 0.5f;
    p->pen_box = 0.10f;
    p->pen_rot_deg = 0.0f; /* 0: the image rotation range */
    p->pen_thin_max = 0;   /* 0: the first release's rule, see augment_strokes */
}

void augment_scale(augment_params *p, float k)
{
    p->rot_deg *= k, p->scale *= k, p->aniso *= k, p->shear *= k, p->shift *= k;
    p->elastic *= k, p->p_dilate *= k, p->p_erode *= k;
    p->pen_jitter *= k, p->pen_radius *= k, p->pen_box *= k;
    if (p->p_dilate + p->p_erode > 1.0f) {
        float t = p->p_dilate + p->p_erode;
        p->p_dilate /= t, p->p_erode /= t;
    }
}

/* 3x3 cross: dilate (any of the 5 is ink) or erode (all 5 are ink). */
static int morph(uint8_t *out, const uint8_t *in, int dilate)
{
    int ink = 0;
    for (int y = 0; y < SIDE; y++)
        for (int x = 0; x < SIDE; x++) {
            int c = in[y * SIDE + x];
            int u = y > 0 ? in[(y - 1) * SIDE + x] : 0,
                d = y < SIDE - 1 ? in[(y + 1) * SIDE + x] : 0;
            int l = x > 0 ? in[y * SIDE + x - 1] : 0, r = x < SIDE - 1 ? in[y * SIDE + x + 1] : 0;
            int v = dilate ? (c | u | d | l | r) : (c & u & d & l & r);
            out[y * SIDE + x] = (uint8_t)v;
            ink += v;
        }
    return ink;
}

static float sample_bilinear(const uint8_t *img, float sx, float sy)
{
    int x0 = (int)floorf(sx), y0 = (int)floorf(sy);
    float fx = sx - (float)x0, fy = sy - (float)y0;
    float v = 0.0f;
    for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++) {
            int x = x0 + dx, y = y0 + dy;
            if (x < 0 || y < 0 || x >= SIDE || y >= SIDE)
                continue;
            float wgt = (dx ? fx : 1.0f - fx) * (dy ? fy : 1.0f - fy);
            v += wgt * (float)img[y * SIDE + x];
        }
    return v;
}

void augment_image(uint8_t *out01, const uint8_t *in01, const augment_params *p, rng_t *r)
{
    if (rng_uniform(r) < p->p_clean) {
        memcpy(out01, in01, SIDE * SIDE);
        return;
    }
    /* forward map A (rotation . shear . scale) about the centre (14,14) */
    float th = rng_range(r, -p->rot_deg, p->rot_deg) * 0.01745329252f;
    float s = 1.0f + rng_range(r, -p->scale, p->scale);
    float an = 1.0f + rng_range(r, -p->aniso, p->aniso);
    float sx = s * sqrtf(an), sy = s / sqrtf(an);
    float sh = rng_range(r, -p->shear, p->shear);
    float tx = rng_range(r, -p->shift, p->shift), ty = rng_range(r, -p->shift, p->shift);
    float c = cosf(th), si = sinf(th);
    /* A = R * [[1, sh],[0,1]] * diag(sx, sy) */
    float a00 = c * sx, a01 = (c * sh - si) * sy, a10 = si * sx, a11 = (si * sh + c) * sy;
    float det = a00 * a11 - a01 * a10;
    float i00 = a11 / det, i01 = -a01 / det, i10 = -a10 / det, i11 = a00 / det;
    float gx[GRID][GRID], gy[GRID][GRID];
    for (int i = 0; i < GRID; i++)
        for (int j = 0; j < GRID; j++) {
            gx[i][j] = p->elastic * rng_normal(r);
            gy[i][j] = p->elastic * rng_normal(r);
        }
    uint8_t warped[SIDE * SIDE];
    for (int y = 0; y < SIDE; y++)
        for (int x = 0; x < SIDE; x++) {
            /* elastic displacement: bilinear in the control grid spanning the image */
            float u = (float)x * (GRID - 1) / (SIDE - 1), v = (float)y * (GRID - 1) / (SIDE - 1);
            int j0 = (int)u < GRID - 1 ? (int)u : GRID - 2,
                i0 = (int)v < GRID - 1 ? (int)v : GRID - 2;
            float fu = u - (float)j0, fv = v - (float)i0;
            float ex = (1 - fv) * ((1 - fu) * gx[i0][j0] + fu * gx[i0][j0 + 1]) +
                       fv * ((1 - fu) * gx[i0 + 1][j0] + fu * gx[i0 + 1][j0 + 1]);
            float ey = (1 - fv) * ((1 - fu) * gy[i0][j0] + fu * gy[i0][j0 + 1]) +
                       fv * ((1 - fu) * gy[i0 + 1][j0] + fu * gy[i0 + 1][j0 + 1]);
            float dx = (float)x - 14.0f - tx + ex, dy = (float)y - 14.0f - ty + ey;
            float srcx = i00 * dx + i01 * dy + 14.0f, srcy = i10 * dx + i11 * dy + 14.0f;
            warped[y * SIDE + x] = sample_bilinear(in01, srcx, srcy) > 0.5f;
        }
    float m = rng_uniform(r);
    if (m < p->p_dilate) {
        morph(out01, warped, 1);
    } else if (m < p->p_dilate + p->p_erode) {
        int before = 0;
        for (int i = 0; i < SIDE * SIDE; i++)
            before += warped[i];
        if (morph(out01, warped, 0) * 2 < before) /* erosion would eat the digit */
            memcpy(out01, warped, SIDE * SIDE);
    } else {
        memcpy(out01, warped, SIDE * SIDE);
    }
}

/* ---- pen strokes through the ink module ------------------------------------------- */

static void unpack(uint8_t *out01, const uint8_t packed[NET_IMAGE_BYTES])
{
    for (int i = 0; i < SIDE; i++)
        for (int j = 0; j < SIDE; j++)
            out01[i * SIDE + j] = (uint8_t)ink_pixel(packed, i, j);
}

int augment_strokes(uint8_t *out01, const strokes_sample *s, const augment_params *p, rng_t *r)
{
    static const int no_thin = 1;
    ink_buffer ink;
    uint8_t packed[NET_IMAGE_BYTES];
    ink_style st = {INK_BOX_Q4, INK_PEN_RADIUS_Q4};
    if (!p || rng_uniform(r) < p->p_clean) {
        if (strokes_feed(s, &ink) != INK_OK && ink.n == 0)
            return -1;
        if (ink_render(&ink, packed) != INK_OK)
            return -1;
        unpack(out01, packed);
        return 0;
    }
    /* pen_rot_deg 0: the image rotation range */
    float rot = p->pen_rot_deg > 0 ? p->pen_rot_deg : p->rot_deg;
    float th = rng_range(r, -rot, rot) * 0.01745329252f;
    float an = 1.0f + rng_range(r, -p->aniso, p->aniso);
    float sh = rng_range(r, -p->shear, p->shear);
    float c = cosf(th), si = sinf(th), sx = sqrtf(an), sy = 1.0f / sqrtf(an);
    float a00 = c * sx, a01 = (c * sh - si) * sy, a10 = si * sx, a11 = (si * sh + c) * sy;
    /* sampling-rate robustness: keep only every k-th point (ends kept), k in
     * 1..pen_thin_max; pen_thin_max 0: the first release's rule, 1 sample in 4
     * thinned to every 2nd..4th point */
    int keep_every;
    if (p->pen_thin_max > 0)
        keep_every = 1 + (int)rng_below(r, (uint32_t)p->pen_thin_max);
    else
        keep_every = rng_uniform(r) < 0.25f ? 2 + (int)rng_below(r, 3) : no_thin;
    float *px = malloc(sizeof(float) * (size_t)(s->n_points + 1) * 2);
    if (!px)
        return -1;
    float *py = px + s->n_points + 1;
    float minx = 1e9f, maxx = -1e9f, miny = 1e9f, maxy = -1e9f;
    for (int i = 0; i < s->n_points; i++) {
        float x = s->points[i].x - 120.0f + p->pen_jitter * rng_normal(r);
        float y = s->points[i].y - 120.0f + p->pen_jitter * rng_normal(r);
        px[i] = a00 * x + a01 * y, py[i] = a10 * x + a11 * y;
        minx = fminf(minx, px[i]), maxx = fmaxf(maxx, px[i]);
        miny = fminf(miny, py[i]), maxy = fmaxf(maxy, py[i]);
    }
    /* fit back into the area (ink normalizes size and position anyway) */
    float side = fmaxf(maxx - minx, maxy - miny);
    float k = side > 220.0f ? 220.0f / side : 1.0f;
    float cx = 0.5f * (minx + maxx), cy = 0.5f * (miny + maxy);
    ink_reset(&ink);
    int pi = 0;
    for (int si2 = 0; si2 < s->n_strokes; si2++) {
        int n = s->stroke_len[si2];
        for (int j = 0; j < n; j++, pi++) {
            if (j != 0 && j != n - 1 && j % keep_every)
                continue;
            int32_t x = (int32_t)lrintf(120.0f + k * (px[pi] - cx));
            int32_t y = (int32_t)lrintf(120.0f + k * (py[pi] - cy));
            if (j == 0)
                ink_pen_down(&ink, x, y);
            else
                ink_pen_move(&ink, x, y);
        }
        if (n > 0)
            ink_pen_up(&ink);
    }
    free(px);
    st.pen_radius_q4 = (int16_t)lrintf((float)INK_PEN_RADIUS_Q4 +
                                       16.0f * rng_range(r, -p->pen_radius, p->pen_radius));
    st.box_q4 = (int16_t)lrintf((float)INK_BOX_Q4 * (1.0f + rng_range(r, -p->pen_box, p->pen_box)));
    if (st.pen_radius_q4 < 0)
        st.pen_radius_q4 = 0;
    if (ink_render_style(&ink, &st, packed) != INK_OK)
        return -1;
    unpack(out01, packed);
    return 0;
}
