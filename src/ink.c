/* ink.c - touch strokes -> MNIST-like 28x28 bit image. Manual: src/inkpin/ink.h.
 *
 * Internal coordinates of the 28x28 image are in Q4 (1/16 px); pixel (i,j)
 * has its centre at (i*16, j*16). Every pixel write goes through stamp(),
 * which clips. */
#include <stddef.h>

#include "inkpin/ink.h"

#define Q 16 /* Q4: 1/16 px */
#define SIDE NET_IMAGE_SIDE
#define CENTRE_Q (14 * Q) /* where the centre of mass goes */
/* Pass 1 puts the box centre on a pixel corner, not a pixel centre: a box
 * centred on a pixel centre always covers an odd number of pixels, while
 * binarized MNIST digits are 20 px (even) on their longer side. */
#define PASS1_CENTRE_Q (CENTRE_Q - Q / 2)

/* 1: the second drawing pass is replaced by moving the first pass's image
 * when that is exact (draw_centred). Faster, and some 200 bytes larger on
 * Cortex-M, so chosen where the time matters most and the flash does not:
 * on AVR by default. Override with -DINK_MOVE_IMAGE=0 or 1. */
#ifndef INK_MOVE_IMAGE
#ifdef __AVR__
#define INK_MOVE_IMAGE 1
#else
#define INK_MOVE_IMAGE 0
#endif
#endif

#if INK_MAX_POINTS < 16 || INK_MAX_POINTS > 32767
#error "INK_MAX_POINTS must be in 16..32767"
#endif

/* ---- byte loops ----------------------------------------------------------- */

/* Byte loops instead of memset/memmove: the recognizer then links neither
 * (they cost more flash than these loops on Cortex-M). The volatile
 * destination keeps the compiler from turning the loops back into library
 * calls; it also makes the wipe of the earlier strokes' pixels stay. */
static void zero_bytes(volatile uint8_t *dst, size_t n)
{
    while (n--)
        *dst++ = 0;
}

/* Copies n bytes forward (dst <= src when they overlap). */
static void copy_bytes(volatile uint8_t *dst, const uint8_t *src, size_t n)
{
    while (n--)
        *dst++ = *src++;
}

/* ---- events --------------------------------------------------------------- */

static uint8_t clamp_coord(int32_t v)
{
    if (v < 0)
        return 0;
    if (v > INK_AREA - 1)
        return (uint8_t)(INK_AREA - 1);
    return (uint8_t)v;
}

static bool is_lift(const ink_buffer *ink, int i)
{
    return ink->x[i] == INK_PEN_LIFT;
}

/* An entry may be dropped when it is a point with point neighbours on both
 * sides in the same stroke (not a stroke end, not a pen lift). */
static bool is_interior(const ink_buffer *ink, int i)
{
    return i > 0 && i < ink->n - 1 && !is_lift(ink, i) && !is_lift(ink, i - 1) &&
           !is_lift(ink, i + 1);
}

/* Twice the area of the triangle (i-1, i, i+1): how much dropping i bends the stroke. */
static int32_t drop_cost(const ink_buffer *ink, int i)
{
    int32_t ax = ink->x[i - 1], ay = ink->y[i - 1];
    int32_t bx = ink->x[i], by = ink->y[i];
    int32_t cx = ink->x[i + 1], cy = ink->y[i + 1];
    int32_t cross = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    return cross < 0 ? -cross : cross;
}

/* Frees one entry by dropping the least significant interior point.
 * The last stored point is never a candidate: it is the live end of the stroke. */
static bool drop_one_point(ink_buffer *ink)
{
    int best = -1;
    int32_t best_cost = 0;
    for (int i = 1; i < ink->n - 1; i++) {
        if (!is_interior(ink, i))
            continue;
        int32_t c = drop_cost(ink, i);
        if (best < 0 || c < best_cost) {
            best = i;
            best_cost = c;
        }
    }
    if (best < 0)
        return false;
    int tail = ink->n - 1 - best;
    copy_bytes(&ink->x[best], &ink->x[best + 1], (size_t)tail);
    copy_bytes(&ink->y[best], &ink->y[best + 1], (size_t)tail);
    ink->n--;
    ink->simplified = true;
    return true;
}

/* Makes room for `need` entries; false if impossible. */
static bool make_room(ink_buffer *ink, int need)
{
    while (ink->n + need > INK_MAX_POINTS)
        if (!drop_one_point(ink))
            return false;
    return true;
}

static void append(ink_buffer *ink, uint8_t x, uint8_t y)
{
    ink->x[ink->n] = x;
    ink->y[ink->n] = y;
    ink->n++;
}

const char *ink_strerror(ink_err e)
{
    switch (e) {
    case INK_OK: return "ok";
    case INK_NO_DIGIT: return "no digit drawn";
    case INK_ERR_FULL: return "ink buffer full";
    case INK_ERR_ARG: return "null pointer or style out of range";
    }
    return "unknown error";
}

void ink_reset(ink_buffer *ink)
{
    if (ink)
        zero_bytes((volatile uint8_t *)ink, sizeof *ink);
}

/* Stores a sample: a new stroke (after a pen lift when ink is stored) or the
 * next point of the current one (ignored when it repeats the last point). */
static ink_err store_sample(ink_buffer *ink, int32_t x, int32_t y, bool new_stroke)
{
    uint8_t cx = clamp_coord(x), cy = clamp_coord(y);
    if (!new_stroke && ink->x[ink->n - 1] == cx && ink->y[ink->n - 1] == cy)
        return INK_OK; /* no movement, nothing to store */
    bool lift = new_stroke && ink->n > 0;
    if (!make_room(ink, lift ? 2 : 1))
        return INK_ERR_FULL;
    if (lift)
        append(ink, INK_PEN_LIFT, INK_PEN_LIFT);
    append(ink, cx, cy);
    ink->pen_is_down = true;
    return INK_OK;
}

ink_err ink_pen_down(ink_buffer *ink, int32_t x, int32_t y)
{
    if (!ink)
        return INK_ERR_ARG;
    if (ink->n < 0 || ink->n > INK_MAX_POINTS) /* corrupted by the caller: start over */
        ink_reset(ink);
    return store_sample(ink, x, y, true);
}

ink_err ink_pen_move(ink_buffer *ink, int32_t x, int32_t y)
{
    if (!ink)
        return INK_ERR_ARG;
    if (!ink->pen_is_down || ink->n <= 0 || ink->n > INK_MAX_POINTS)
        return ink_pen_down(ink, x, y);
    return store_sample(ink, x, y, false);
}

ink_err ink_pen_up(ink_buffer *ink)
{
    if (!ink)
        return INK_ERR_ARG;
    ink->pen_is_down = false;
    return INK_OK;
}

int ink_stroke_count(const ink_buffer *ink)
{
    if (!ink || ink->n <= 0 || ink->n > INK_MAX_POINTS)
        return 0;
    int strokes = 1;
    for (int i = 0; i < ink->n; i++)
        strokes += is_lift(ink, i);
    return strokes;
}

/* ---- rendering ------------------------------------------------------------ */

typedef struct {
    int32_t mul;    /* Q16 scale: area px (doubled, centred) -> Q4 image px */
    int32_t mid_x2; /* minx + maxx */
    int32_t mid_y2;
    int32_t off_col_q4; /* where the bounding-box centre lands */
    int32_t off_row_q4;
    /* pen: pixels whose centre is within r of a stamp, r2 = r * r (<= 1600);
     * the candidate rows and columns of a stamp at v (Q4) run from
     * floor((v + lo) / 16) to floor((v + hi) / 16). Radius 0 stamps the one
     * pixel nearest to v: lo = hi = 8, and r2 = 128 >= any dr^2 + dc^2 there. */
    int16_t lo, hi, r2;
    uint8_t *image;                  /* the pixels of the strokes drawn before the current one */
    int_fast16_t last_row, last_col; /* the previous stamp of the stroke (Q4) */
#if INK_MOVE_IMAGE
    /* the rows and columns the stamps of this pass reached (unclipped) */
    int_fast16_t top, bottom, left, right;
#endif
    /* shape check (SHAPE CHECK in ink.h) on the mapped points, Q4: each
     * stroke followed in steps of at least `step` from an anchor; dir is the
     * last step (0, 0 before the first) */
    ink_shape *shape;
    int32_t step, anchor_row, anchor_col, dir_row, dir_col;
    /* the pixels of the current stroke, kept apart for ink_shape.joined */
    uint8_t stroke[NET_IMAGE_BYTES];
} raster;

/* Right shifts below are applied to values made non-negative by a bias, so
 * nothing depends on how a compiler shifts negative numbers. Mapped image
 * positions stay within +-BIAS_PX pixels, far inside: a mapped point is
 * within box_q4 / 2 + 1 <= 225 (Q4) of its offset, the offsets within 8..440
 * (the centring shift moves them by at most 14 px), a curve's midpoint
 * overshoots its points' range by at most a quarter of it, and a stamp
 * reaches 40 further: |position| < 1100 Q4. So a position fits 16 bits. */
#define BIAS_PX 1024

int ink_pixel(const uint8_t image[NET_IMAGE_BYTES], int row, int col)
{
    if (!image || row < 0 || row >= SIDE || col < 0 || col >= SIDE)
        return 0;
    int k = row * SIDE + col;
    return (image[k >> 3] >> (k & 7)) & 1;
}

/* floor(v / 16) for |v| < 16 * BIAS_PX (2^14: 16-bit arithmetic suffices). */
static int_fast16_t floor_q(int_fast16_t v)
{
    return (int_fast16_t)(((v + Q * BIAS_PX) >> 4) - BIAS_PX);
}

/* Sets every pixel whose centre is within the pen radius of (row, col) in Q4;
 * with radius 0, the pixel nearest to the point. A stamp where the previous
 * one of the stroke was sets the same pixels and is skipped (a segment ends
 * where the next one starts). Pixels are walked as a byte pointer and a bit
 * mask (a row is 28 bits on: 3 bytes and 4 bits), and the offsets from the
 * pen centre stay within +-(radius + 15) < 64: no variable shift, and 8-bit
 * multiplies on AVR (the _fast types are 8-bit there, int on 32-bit cores). */
static void stamp(raster *rs, int_fast16_t row_q, int_fast16_t col_q)
{
    if (row_q == rs->last_row && col_q == rs->last_col)
        return;
    rs->last_row = row_q;
    rs->last_col = col_q;
    int_fast16_t r0 = floor_q((int_fast16_t)(row_q + rs->lo));
    int_fast16_t r1 = floor_q((int_fast16_t)(row_q + rs->hi));
    int_fast16_t c0 = floor_q((int_fast16_t)(col_q + rs->lo));
    int_fast16_t c1 = floor_q((int_fast16_t)(col_q + rs->hi));
#if INK_MOVE_IMAGE
    if (r0 < rs->top)
        rs->top = r0;
    if (r1 > rs->bottom)
        rs->bottom = r1;
    if (c0 < rs->left)
        rs->left = c0;
    if (c1 > rs->right)
        rs->right = c1;
#endif
    if (r0 < 0)
        r0 = 0;
    if (c0 < 0)
        c0 = 0;
    if (r1 >= SIDE)
        r1 = SIDE - 1;
    if (c1 >= SIDE)
        c1 = SIDE - 1;
    if (r0 > r1 || c0 > c1)
        return;
    int_fast8_t dr = (int_fast8_t)(r0 * Q - row_q), dc0 = (int_fast8_t)(c0 * Q - col_q);
    int_fast16_t k = (int_fast16_t)(r0 * SIDE + c0);
    uint8_t *row = rs->stroke + (k >> 3);
    uint_fast8_t row_bit = (uint_fast8_t)(1u << (k & 7));
    int_fast8_t dr_end = (int_fast8_t)(r1 * Q - row_q), dc_end = (int_fast8_t)(c1 * Q - col_q);
    for (; dr <= dr_end; dr = (int_fast8_t)(dr + Q)) {
        int_fast16_t room = (int_fast16_t)(rs->r2 - dr * dr);
        uint8_t *p = row;
        uint_fast8_t bit = row_bit;
        for (int_fast8_t dc = dc0; dc <= dc_end; dc = (int_fast8_t)(dc + Q)) {
            if (dc * dc <= room)
                *p = (uint8_t)(*p | bit);
            if (bit == 0x80) {
                bit = 1;
                p++;
            } else {
                bit = (uint_fast8_t)(bit << 1);
            }
        }
        row += SIDE / 8; /* the next row: 28 bits on */
        if (row_bit & 0xF0) {
            row_bit = (uint_fast8_t)(row_bit >> 4);
            row++;
        } else {
            row_bit = (uint_fast8_t)(row_bit << 4);
        }
    }
}

/* The current stroke is done: counts it as joined when it inked a pixel of
 * the strokes before it, and adds its pixels to theirs in the image. */
static void end_stroke(raster *rs)
{
    uint_fast8_t touch = 0;
    for (int_fast8_t i = 0; i < NET_IMAGE_BYTES; i++) {
        touch |= rs->image[i] & rs->stroke[i];
        rs->image[i] = (uint8_t)(rs->image[i] | rs->stroke[i]);
        rs->stroke[i] = 0;
    }
    rs->shape->joined += touch != 0;
}

static int32_t abs32(int32_t v)
{
    return v < 0 ? -v : v;
}

/* 8 x the length of (dx, dy) measured as max(|dx|,|dy|) + 3/8 min(|dx|,|dy|)
 * (within 7% of Euclid, no sqrt). */
static int32_t length_x8(int32_t dx, int32_t dy)
{
    dx = abs32(dx);
    dy = abs32(dy);
    return dx > dy ? 8 * dx + 3 * dy : 8 * dy + 3 * dx;
}

/* Shape check: the mapped point (row, col) of the current stroke. A point
 * less than a step (L1 distance) from the anchor is skipped, so the pen's
 * jitter and the sampling rate do not count as turning (a shorter tail is
 * ignored). The turn between two steps is measured without trigonometry by
 * the pseudo-angle 256 |cross| / (|cross| + |dot|): 0 straight on, 128 at 45
 * degrees, 256 at a right angle, 512 when the stroke turns back (exact there,
 * within 5 degrees between). A turn of more than a right angle is sharp. */
static void track_shape(raster *rs, int32_t row, int32_t col)
{
    int32_t dr = row - rs->anchor_row, dc = col - rs->anchor_col;
    if (abs32(dr) + abs32(dc) < rs->step)
        return;
    if (rs->dir_row != 0 || rs->dir_col != 0) {
        int32_t cross = abs32(rs->dir_row * dc - rs->dir_col * dr);
        int32_t dot = rs->dir_row * dr + rs->dir_col * dc;
        int32_t t = cross * 256 / (cross + abs32(dot));
        rs->shape->turn += dot < 0 ? 512 - t : t;
        rs->shape->sharp += dot < 0; /* turned by more than a right angle */
    }
    rs->dir_row = dr;
    rs->dir_col = dc;
    rs->anchor_row = row;
    rs->anchor_col = col;
}

/* Stamps the pen along the segment every half pixel (or less), ends included. */
static void draw_segment(raster *rs, int32_t r0, int32_t c0, int32_t r1, int32_t c1)
{
    int32_t dr = r1 - r0, dc = c1 - c0;
    int32_t len = abs32(dr) > abs32(dc) ? abs32(dr) : abs32(dc);
    int32_t steps = (len + Q / 2 - 1) / (Q / 2);
    if (steps == 0) {
        stamp(rs, (int_fast16_t)r0, (int_fast16_t)c0);
        return;
    }
    /* Positions in Q12 (biased positive) so the increments keep their fraction. */
    const int32_t bias = (int32_t)BIAS_PX * Q * 256;
    int32_t inc_r = dr * 256 / steps, inc_c = dc * 256 / steps;
    int32_t pr = r0 * 256 + bias, pc = c0 * 256 + bias;
    for (int32_t s = 0; s < steps; s++) {
        stamp(rs, (int_fast16_t)(((pr + 128) >> 8) - BIAS_PX * Q),
              (int_fast16_t)(((pc + 128) >> 8) - BIAS_PX * Q));
        pr += inc_r;
        pc += inc_c;
    }
    stamp(rs, (int_fast16_t)r1, (int_fast16_t)c1);
}

/* Area pixel -> Q4 image position, rounded to nearest. |(2x - mid) * mul| <
 * 2^26, so the bias 2^30 (a multiple of 2^17) makes the shifted value positive. */
static int32_t map_axis(int32_t v2, int32_t mul, int32_t off)
{
    const int32_t bias = (int32_t)1 << 30;
    return ((v2 * mul + ((int32_t)1 << 16) + bias) >> 17) - (bias >> 17) + off;
}

typedef struct {
    int16_t v[2]; /* Q4 image position: row, column (16 bits: see BIAS_PX) */
} pt_q4;

/* Whether the stroke a -> mid -> b turns by more than 120 degrees at mid
 * (cos < -1/2, lengths by length_x8). All three are points of the ink, so
 * they lie in the box (<= 448 Q4 a side): 128 |dot| < 2^26, no overflow. */
static bool turns_back(const pt_q4 *a, const pt_q4 *mid, const pt_q4 *b)
{
    int32_t ar = mid->v[0] - a->v[0], ac = mid->v[1] - a->v[1];
    int32_t br = b->v[0] - mid->v[0], bc = b->v[1] - mid->v[1];
    return 128 * (ar * br + ac * bc) < -(length_x8(ar, ac) * length_x8(br, bc));
}

/* A segment between two samples longer than INK_CURVE_STEP_Q4 (2 px) is
 * drawn through the midpoint of the Catmull-Rom curve through its
 * neighbours, (9 (p1 + p2) - p0 - p3) / 16: a touch controller that samples
 * slowly turns a loop into a polygon of a few chords, which no training digit
 * looks like. Where the stroke turns back (more than 120 degrees: the corner
 * of a Z, the flag of a 1, or a corner the buffer's simplification kept) or
 * ends, the missing neighbour is the mirror image of the other end, so the
 * tangent there is the chord and a segment between two corners stays
 * straight. Shorter segments, i.e. ink sampled at a normal rate, are drawn
 * straight. docs/ink.md compares this rule with chords and other corner
 * angles on thinned pen strokes. */
static void draw_curve(raster *rs, const pt_q4 *before, const pt_q4 *p1, const pt_q4 *p2,
                       const pt_q4 *after)
{
    int32_t dr = abs32(p2->v[0] - p1->v[0]), dc = abs32(p2->v[1] - p1->v[1]);
    pt_q4 mid = *p1; /* short: one straight segment from p1 */
    if ((dr > dc ? dr : dc) > INK_CURVE_STEP_Q4) {
        bool bend0 = before && !turns_back(before, p1, p2);
        bool bend3 = after && !turns_back(p1, p2, after);
        for (int a = 0; a < 2; a++) {
            int32_t q1 = p1->v[a], q2 = p2->v[a];
            int32_t q0 = bend0 ? before->v[a] : 2 * q1 - q2, q3 = bend3 ? after->v[a] : 2 * q2 - q1;
            /* / 16 rounded half up; the bias 2^20 keeps the shifted value
             * positive (positions are within +-2^11) */
            mid.v[a] = (int16_t)(((9 * (q1 + q2) - q0 - q3 + 8 + ((int32_t)1 << 20)) >> 4) -
                                 ((int32_t)1 << 16));
        }
        draw_segment(rs, p1->v[0], p1->v[1], mid.v[0], mid.v[1]);
    }
    draw_segment(rs, mid.v[0], mid.v[1], p2->v[0], p2->v[1]);
}

static void map_point(const ink_buffer *ink, const raster *rs, int i, pt_q4 *p)
{
    p->v[0] = (int16_t)map_axis((int32_t)ink->y[i] * 2 - rs->mid_y2, rs->mul, rs->off_row_q4);
    p->v[1] = (int16_t)map_axis((int32_t)ink->x[i] * 2 - rs->mid_x2, rs->mul, rs->off_col_q4);
}

/* Draws every stroke into the image. */
static void draw_all(const ink_buffer *ink, raster *rs)
{
    zero_bytes(rs->image, NET_IMAGE_BYTES);
    zero_bytes(rs->stroke, NET_IMAGE_BYTES);
#if INK_MOVE_IMAGE
    rs->top = rs->left = SIDE;
    rs->bottom = rs->right = -1;
#endif
    rs->shape->strokes = rs->shape->turn = rs->shape->joined = rs->shape->sharp = 0;
    int seen = 0; /* points of the current stroke so far, counted up to 2 */
    pt_q4 before, prev, cur, next;
    for (int i = 0; i < ink->n; i++) {
        if (is_lift(ink, i)) {
            seen = 0;
            continue;
        }
        if (seen)
            cur = next; /* mapped one step earlier */
        else
            map_point(ink, rs, i, &cur);
        bool has_next = i + 1 < ink->n && !is_lift(ink, i + 1);
        if (has_next)
            map_point(ink, rs, i + 1, &next);
        if (seen == 0) { /* a new stroke: cur is its first anchor */
            rs->shape->strokes++;
            rs->anchor_row = cur.v[0];
            rs->anchor_col = cur.v[1];
            rs->dir_row = rs->dir_col = 0;
            rs->last_row = INT_FAST16_MIN; /* no stamp of this stroke yet */
            end_stroke(rs);
        }
        track_shape(rs, cur.v[0], cur.v[1]);
        if (seen > 0)
            draw_curve(rs, seen > 1 ? &before : NULL, &prev, &cur, has_next ? &next : NULL);
        else if (!has_next)
            stamp(rs, (int_fast16_t)cur.v[0], (int_fast16_t)cur.v[1]); /* a single-point stroke */
        before = prev;
        prev = cur;
        if (seen < 2)
            seen++;
    }
    end_stroke(rs);
}

/* round(num / den), halves away from zero, for den > 0 (C99 division
 * truncates toward zero, so one division serves both signs). */
static int32_t div_round(int32_t num, int32_t den)
{
    int32_t half = den / 2;
    return (num >= 0 ? num + half : num - half) / den;
}

#if INK_MOVE_IMAGE
/* Moves the image by d bits (d = rows * 28 + columns, |d| < 784) through
 * scratch: output byte i takes the 8 bits from source bit 8 i - d on, i.e.
 * source byte `from` and the next shifted right by `by` (the bias keeps >>
 * on non-negative values). */
static void move_image(uint8_t *image, uint8_t *scratch, int_fast16_t d)
{
    copy_bytes(scratch, image, NET_IMAGE_BYTES);
    int_fast16_t bits = (int_fast16_t)(8 * NET_IMAGE_BYTES - d);
    int_fast16_t from = (int_fast16_t)((bits >> 3) - NET_IMAGE_BYTES);
    uint_fast8_t by = (uint_fast8_t)(bits & 7);
    for (int_fast8_t i = 0; i < NET_IMAGE_BYTES; i++, from++) {
        uint_fast16_t w = 0;
        if (from >= 0 && from < NET_IMAGE_BYTES)
            w = scratch[from];
        if (from + 1 >= 0 && from + 1 < NET_IMAGE_BYTES)
            w |= (uint_fast16_t)scratch[from + 1] << 8;
        image[i] = (uint8_t)(w >> by);
    }
}
#endif

/* Draws the ink centred by its box to find the centre of mass, then moves it
 * by whole pixels so that the centre of mass is at (14,14). Q4 offsets move
 * by multiples of 16, so drawing again at the moved offsets gives the same
 * stamps moved by exactly the shift, and the same shape measurements: when
 * every stamp reached only pixels inside the image, before and after the
 * move, the image is moved instead of drawn again. Otherwise (a custom style
 * reaching past the border, ink lopsided enough to be pushed off the image)
 * it is drawn again, so nothing clipped in the first pass is lost. */
static ink_err draw_centred(const ink_buffer *ink, raster *rs)
{
    draw_all(ink, rs);
    /* the centre of mass of the ink pixels: their number and the sums of
     * their rows and columns (<= 784 pixels: below 2^15) */
    int_fast16_t count = 0, sum_row = 0, sum_col = 0;
    const uint8_t *p = rs->image;
    uint_fast8_t bit = 1;
    for (int_fast8_t i = 0; i < SIDE; i++)
        for (int_fast8_t j = 0; j < SIDE; j++) {
            if (*p & bit) {
                count++;
                sum_row = (int_fast16_t)(sum_row + i);
                sum_col = (int_fast16_t)(sum_col + j);
            }
            if (bit == 0x80) {
                bit = 1;
                p++;
            } else {
                bit = (uint_fast8_t)(bit << 1);
            }
        }
    if (count == 0)
        return INK_NO_DIGIT;
    int32_t shift_row = div_round(14 * (int32_t)count - (int32_t)sum_row, (int32_t)count);
    int32_t shift_col = div_round(14 * (int32_t)count - (int32_t)sum_col, (int32_t)count);
    if (shift_row == 0 && shift_col == 0)
        return INK_OK;
    rs->off_row_q4 += shift_row * Q;
    rs->off_col_q4 += shift_col * Q;
#if INK_MOVE_IMAGE
    if (rs->top + shift_row >= 0 && rs->bottom + shift_row < SIDE && rs->left + shift_col >= 0 &&
        rs->right + shift_col < SIDE && rs->top >= 0 && rs->bottom < SIDE && rs->left >= 0 &&
        rs->right < SIDE) {
        move_image(rs->image, rs->stroke, (int_fast16_t)(shift_row * SIDE + shift_col));
        return INK_OK;
    }
#endif
    draw_all(ink, rs);
    return INK_OK;
}

/* ink_render_style, and the shape check's measurements into *shape (valid
 * when INK_OK). */
static ink_err render(const ink_buffer *ink, const ink_style *style, uint8_t image[NET_IMAGE_BYTES],
                      ink_shape *shape)
{
    if (!ink || !style || !image)
        return INK_ERR_ARG;
    zero_bytes(image, NET_IMAGE_BYTES);
    if (style->box_q4 < 16 || style->box_q4 > 448 || style->pen_radius_q4 < 0 ||
        style->pen_radius_q4 > 40)
        return INK_ERR_ARG;
    if (ink->n <= 0 || ink->n > INK_MAX_POINTS)
        return INK_NO_DIGIT;

    int32_t minx = 255, maxx = -1, miny = 255, maxy = -1, path = 0;
    for (int i = 0; i < ink->n; i++) {
        if (is_lift(ink, i))
            continue;
        if (i > 0 && !is_lift(ink, i - 1)) /* 8 x the stroke length in area pixels */
            path +=
                length_x8((int32_t)ink->x[i] - ink->x[i - 1], (int32_t)ink->y[i] - ink->y[i - 1]);
        if (ink->x[i] < minx)
            minx = ink->x[i];
        if (ink->x[i] > maxx)
            maxx = ink->x[i];
        if (ink->y[i] < miny)
            miny = ink->y[i];
        if (ink->y[i] > maxy)
            maxy = ink->y[i];
    }
    int32_t extent = (maxx - minx > maxy - miny ? maxx - minx : maxy - miny);
    if (maxx < 0 || extent < INK_MIN_EXTENT)
        return INK_NO_DIGIT;
    if (path > (int32_t)8 * INK_MAX_PATH_RATIO * extent)
        return INK_NO_DIGIT; /* scribbled over: far more ink than any digit */

    raster rs;
    rs.mul = ((int32_t)style->box_q4 << 16) / extent; /* <= 448 * 65536 / 12 < 2^22 */
    rs.mid_x2 = minx + maxx;
    rs.mid_y2 = miny + maxy;
    rs.off_col_q4 = PASS1_CENTRE_Q;
    rs.off_row_q4 = PASS1_CENTRE_Q;
    int16_t r = style->pen_radius_q4;
    rs.lo = r ? (int16_t)(Q - 1 - r) : Q / 2;
    rs.hi = r ? r : Q / 2;
    rs.r2 = r ? (int16_t)(r * r) : 2 * (Q / 2) * (Q / 2);
    rs.image = image;
    rs.shape = shape;
    rs.step = style->box_q4 / INK_TURN_STEPS;

    ink_err rc = draw_centred(ink, &rs);
    /* rs.stroke held the last stroke's pixels (a PIN digit in lock mode).
     * Not util_wipe: the recognizer (ink, net, model) builds without util.c. */
    zero_bytes(rs.stroke, sizeof rs.stroke);
    return rc;
}

ink_err ink_render_style(const ink_buffer *ink, const ink_style *style,
                         uint8_t image[NET_IMAGE_BYTES])
{
    ink_shape unused;
    return render(ink, style, image, &unused);
}

static const ink_style default_style = {INK_BOX_Q4, INK_PEN_RADIUS_Q4};

ink_err ink_render(const ink_buffer *ink, uint8_t image[NET_IMAGE_BYTES])
{
    return ink_render_style(ink, &default_style, image);
}

ink_err ink_render_shape(const ink_buffer *ink, uint8_t image[NET_IMAGE_BYTES], ink_shape *shape)
{
    if (!shape)
        return INK_ERR_ARG;
    shape->strokes = shape->turn = shape->joined = shape->sharp = 0;
    return render(ink, &default_style, image, shape);
}

uint32_t ink_conf_needed(const ink_shape *shape, uint32_t plain)
{
    if (!shape || shape->strokes == 0 || shape->strokes > INK_MAX_STROKES ||
        shape->turn > INK_MAX_TURN)
        return (uint32_t)NET_CONF_ONE + 1u; /* no confidence is enough */
    /* unsigned: defined for any values a caller may pass */
    uint32_t bent = (uint32_t)shape->turn + INK_SHARP_TURN * (uint32_t)shape->sharp;
    bool apart = shape->strokes >= INK_APART_STROKES && shape->joined < shape->strokes - 1;
    if ((bent > INK_ODD_TURN || apart) && plain < INK_ODD_CONF)
        return INK_ODD_CONF;
    return plain;
}
