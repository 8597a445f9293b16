/* ink.c - touch strokes -> MNIST-like 28x28 bit image. Manual: include/inkpin/ink.h.
 *
 * Internal coordinates of the 28x28 image are in Q4 (1/16 px); pixel (i,j)
 * has its centre at (i*16, j*16). Every pixel write goes through set_pixel(),
 * which clips. */
#include <string.h>

#include "inkpin/ink.h"

#define Q 16            /* Q4: 1/16 px */
#define SIDE NET_IMAGE_SIDE
#define CENTRE_Q (14 * Q) /* where the centre of mass goes */
/* Pass 1 puts the box centre on a pixel corner, not a pixel centre: a box
 * centred on a pixel centre always covers an odd number of pixels, while
 * binarized MNIST digits are 20 px (even) on their longer side. */
#define PASS1_CENTRE_Q (CENTRE_Q - Q / 2)

#if INK_MAX_POINTS < 16 || INK_MAX_POINTS > 32767
#error "INK_MAX_POINTS must be in 16..32767"
#endif

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
    memmove(&ink->x[best], &ink->x[best + 1], (size_t)tail);
    memmove(&ink->y[best], &ink->y[best + 1], (size_t)tail);
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

void ink_reset(ink_buffer *ink)
{
    if (ink)
        memset(ink, 0, sizeof *ink);
}

ink_err ink_pen_down(ink_buffer *ink, int32_t x, int32_t y)
{
    if (!ink)
        return INK_ERR_ARG;
    if (ink->n < 0 || ink->n > INK_MAX_POINTS) /* corrupted by the caller: start over */
        ink_reset(ink);
    int need = ink->n > 0 ? 2 : 1; /* a pen lift, then the point */
    if (!make_room(ink, need))
        return INK_ERR_FULL;
    if (ink->n > 0)
        append(ink, INK_PEN_LIFT, INK_PEN_LIFT);
    append(ink, clamp_coord(x), clamp_coord(y));
    ink->pen_is_down = true;
    return INK_OK;
}

ink_err ink_pen_move(ink_buffer *ink, int32_t x, int32_t y)
{
    if (!ink)
        return INK_ERR_ARG;
    if (!ink->pen_is_down || ink->n <= 0 || ink->n > INK_MAX_POINTS)
        return ink_pen_down(ink, x, y);
    uint8_t cx = clamp_coord(x), cy = clamp_coord(y);
    if (ink->x[ink->n - 1] == cx && ink->y[ink->n - 1] == cy)
        return INK_OK; /* no movement, nothing to store */
    if (!make_room(ink, 1))
        return INK_ERR_FULL;
    append(ink, cx, cy);
    return INK_OK;
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
    int32_t mul;        /* Q16 scale: area px (doubled, centred) -> Q4 image px */
    int32_t mid_x2;     /* minx + maxx */
    int32_t mid_y2;
    int32_t off_col_q4; /* where the bounding-box centre lands */
    int32_t off_row_q4;
    int16_t r;          /* pen radius, Q4 */
    int16_t r2;         /* r * r (<= 1600) */
    uint8_t *image;
    bool clipped;       /* some pen pixel fell outside the 28x28 image */
    /* centre-of-mass accumulators of the pixels set so far */
    int32_t count, sum_row, sum_col;
} raster;

/* Right shifts below are applied to values made non-negative by a bias, so
 * nothing depends on how a compiler shifts negative numbers. Mapped image
 * positions stay within +-BIAS_PX pixels. */
#define BIAS_PX 1024

int ink_pixel(const uint8_t image[NET_IMAGE_BYTES], int row, int col)
{
    if (!image || row < 0 || row >= SIDE || col < 0 || col >= SIDE)
        return 0;
    int k = row * SIDE + col;
    return (image[k >> 3] >> (k & 7)) & 1;
}

/* row, col already clipped to 0..27 */
static void set_pixel(raster *rs, int16_t row, int16_t col)
{
    int16_t k = (int16_t)(row * SIDE + col);
    uint8_t bit = (uint8_t)(1u << (k & 7));
    uint8_t *byte = &rs->image[k >> 3];
    if (*byte & bit)
        return;
    *byte = (uint8_t)(*byte | bit);
    rs->count++;
    rs->sum_row += row;
    rs->sum_col += col;
}

/* floor(v / 16) for |v| < 16 * BIAS_PX. */
static int32_t floor_q(int32_t v)
{
    return ((v + (int32_t)Q * BIAS_PX) >> 4) - BIAS_PX;
}

/* Sets every pixel whose centre is within the pen radius of (row, col) in Q4;
 * with radius 0, the pixel nearest to the point. 16-bit arithmetic inside the
 * loops (offsets are within +-3 px, so squares stay below 2^13): cheap on AVR. */
static void stamp(raster *rs, int32_t row_q, int32_t col_q)
{
    int32_t r0 = floor_q(row_q - rs->r + Q - 1), r1 = floor_q(row_q + rs->r);
    int32_t c0 = floor_q(col_q - rs->r + Q - 1), c1 = floor_q(col_q + rs->r);
    if (rs->r == 0) {
        r0 = r1 = floor_q(row_q + Q / 2);
        c0 = c1 = floor_q(col_q + Q / 2);
    }
    if (r0 < 0 || c0 < 0 || r1 >= SIDE || c1 >= SIDE) {
        rs->clipped = true;
        if (r0 < 0) r0 = 0;
        if (c0 < 0) c0 = 0;
        if (r1 >= SIDE) r1 = SIDE - 1;
        if (c1 >= SIDE) c1 = SIDE - 1;
        if (r0 > r1 || c0 > c1)
            return;
    }
    if (rs->r == 0) {
        set_pixel(rs, (int16_t)r0, (int16_t)c0);
        return;
    }
    int16_t dr = (int16_t)(r0 * Q - row_q);
    int16_t dc0 = (int16_t)(c0 * Q - col_q);
    for (int16_t i = (int16_t)r0; i <= r1; i++, dr = (int16_t)(dr + Q)) {
        int16_t dr2 = (int16_t)(dr * dr), dc = dc0;
        for (int16_t j = (int16_t)c0; j <= c1; j++, dc = (int16_t)(dc + Q))
            if (dr2 + dc * dc <= rs->r2)
                set_pixel(rs, i, j);
    }
}

static int32_t abs32(int32_t v)
{
    return v < 0 ? -v : v;
}

/* Stamps the pen along the segment every half pixel (or less), ends included. */
static void draw_segment(raster *rs, int32_t r0, int32_t c0, int32_t r1, int32_t c1)
{
    int32_t dr = r1 - r0, dc = c1 - c0;
    int32_t len = abs32(dr) > abs32(dc) ? abs32(dr) : abs32(dc);
    int32_t steps = (len + Q / 2 - 1) / (Q / 2);
    if (steps == 0) {
        stamp(rs, r0, c0);
        return;
    }
    /* Positions in Q12 (biased positive) so the increments keep their fraction. */
    const int32_t bias = (int32_t)BIAS_PX * Q * 256;
    int32_t inc_r = dr * 256 / steps, inc_c = dc * 256 / steps;
    int32_t pr = r0 * 256 + bias, pc = c0 * 256 + bias;
    for (int32_t s = 0; s < steps; s++) {
        stamp(rs, ((pr + 128) >> 8) - BIAS_PX * Q, ((pc + 128) >> 8) - BIAS_PX * Q);
        pr += inc_r;
        pc += inc_c;
    }
    stamp(rs, r1, c1);
}

/* Area pixel -> Q4 image position, rounded to nearest. |(2x - mid) * mul| <
 * 2^26, so the bias 2^30 (a multiple of 2^17) makes the shifted value positive. */
static int32_t map_axis(int32_t v2, int32_t mul, int32_t off)
{
    const int32_t bias = (int32_t)1 << 30;
    return ((v2 * mul + ((int32_t)1 << 16) + bias) >> 17) - (bias >> 17) + off;
}

static void draw_all(const ink_buffer *ink, raster *rs)
{
    memset(rs->image, 0, NET_IMAGE_BYTES);
    rs->count = rs->sum_row = rs->sum_col = 0;
    rs->clipped = false;
    bool have_prev = false;
    int32_t pr = 0, pc = 0;
    for (int i = 0; i < ink->n; i++) {
        if (is_lift(ink, i)) {
            have_prev = false;
            continue;
        }
        int32_t r = map_axis((int32_t)ink->y[i] * 2 - rs->mid_y2, rs->mul, rs->off_row_q4);
        int32_t c = map_axis((int32_t)ink->x[i] * 2 - rs->mid_x2, rs->mul, rs->off_col_q4);
        if (have_prev)
            draw_segment(rs, pr, pc, r, c);
        else if (i + 1 >= ink->n || is_lift(ink, i + 1))
            stamp(rs, r, c); /* a single-point stroke */
        pr = r;
        pc = c;
        have_prev = true;
    }
}

/* Moves the packed image by (drow, dcol) whole pixels in place; pixels moved
 * out are dropped. The source of pixel (r, c) is (r - drow, c - dcol), which
 * comes earlier in row-major order when drow*28 + dcol > 0: walking backwards
 * then never reads a pixel already overwritten (forwards otherwise). No
 * division or modulo in the loop (slow on 8-bit MCUs). */
static void shift_image(uint8_t *image, int16_t drow, int16_t dcol)
{
    bool backwards = drow * SIDE + dcol > 0;
    int16_t step = backwards ? -1 : 1;
    int16_t first = backwards ? SIDE - 1 : 0;
    int16_t r = first;
    for (int16_t nr = 0; nr < SIDE; nr++, r = (int16_t)(r + step)) {
        int16_t sr = (int16_t)(r - drow), c = first;
        for (int16_t nc = 0; nc < SIDE; nc++, c = (int16_t)(c + step)) {
            int16_t sc = (int16_t)(c - dcol), k = (int16_t)(r * SIDE + c);
            uint8_t v = 0;
            if (sr >= 0 && sr < SIDE && sc >= 0 && sc < SIDE) {
                int16_t src = (int16_t)(sr * SIDE + sc);
                v = (uint8_t)((image[src >> 3] >> (src & 7)) & 1);
            }
            uint8_t bit = (uint8_t)(1u << (k & 7));
            image[k >> 3] = (uint8_t)(v ? image[k >> 3] | bit : image[k >> 3] & ~bit);
        }
    }
}

/* 8 x the total length of the strokes in area pixels, each segment measured
 * as max(|dx|,|dy|) + 3/8 min(|dx|,|dy|) (within 7% of Euclid, no sqrt). */
static int32_t path_length_x8(const ink_buffer *ink)
{
    int32_t total = 0;
    for (int i = 1; i < ink->n; i++) {
        if (is_lift(ink, i) || is_lift(ink, i - 1))
            continue;
        int32_t dx = abs32((int32_t)ink->x[i] - ink->x[i - 1]);
        int32_t dy = abs32((int32_t)ink->y[i] - ink->y[i - 1]);
        int32_t hi = dx > dy ? dx : dy, lo = dx > dy ? dy : dx;
        total += 8 * hi + 3 * lo;
    }
    return total;
}

/* round(num / den) for den > 0. */
static int32_t div_round(int32_t num, int32_t den)
{
    return num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
}

ink_err ink_render_style(const ink_buffer *ink, const ink_style *style,
                         uint8_t image[NET_IMAGE_BYTES])
{
    if (!ink || !style || !image)
        return INK_ERR_ARG;
    memset(image, 0, NET_IMAGE_BYTES);
    if (style->box_q4 < 16 || style->box_q4 > 448 || style->pen_radius_q4 < 0 ||
        style->pen_radius_q4 > 40)
        return INK_ERR_ARG;
    if (ink->n <= 0 || ink->n > INK_MAX_POINTS)
        return INK_NO_DIGIT;

    int32_t minx = 255, maxx = -1, miny = 255, maxy = -1;
    for (int i = 0; i < ink->n; i++) {
        if (is_lift(ink, i))
            continue;
        if (ink->x[i] < minx) minx = ink->x[i];
        if (ink->x[i] > maxx) maxx = ink->x[i];
        if (ink->y[i] < miny) miny = ink->y[i];
        if (ink->y[i] > maxy) maxy = ink->y[i];
    }
    int32_t extent = (maxx - minx > maxy - miny ? maxx - minx : maxy - miny);
    if (maxx < 0 || extent < INK_MIN_EXTENT)
        return INK_NO_DIGIT;
    if (path_length_x8(ink) > (int32_t)8 * INK_MAX_PATH_RATIO * extent)
        return INK_NO_DIGIT; /* scribbled over: far more ink than any digit */

    raster rs;
    rs.mul = ((int32_t)style->box_q4 << 16) / extent; /* <= 448 * 65536 / 12 < 2^22 */
    rs.mid_x2 = minx + maxx;
    rs.mid_y2 = miny + maxy;
    rs.off_col_q4 = PASS1_CENTRE_Q;
    rs.off_row_q4 = PASS1_CENTRE_Q;
    rs.r = style->pen_radius_q4;
    rs.r2 = (int16_t)(rs.r * rs.r);
    rs.image = image;

    /* Pass 1: box centred, to find the centre of mass. */
    draw_all(ink, &rs);
    if (rs.count == 0)
        return INK_NO_DIGIT;
    /* Then a whole-pixel move, so the ink pattern is unchanged and the centre
     * of mass moves by exactly the shift. When nothing was clipped in pass 1
     * (always, with the default style) the bitmap is moved; otherwise the ink
     * is drawn again at the new place so nothing clipped before is lost. */
    int32_t shift_row = div_round(14 * rs.count - rs.sum_row, rs.count);
    int32_t shift_col = div_round(14 * rs.count - rs.sum_col, rs.count);
    if (shift_row == 0 && shift_col == 0)
        return INK_OK;
    if (!rs.clipped) {
        shift_image(image, (int16_t)shift_row, (int16_t)shift_col);
        return INK_OK;
    }
    rs.off_row_q4 += shift_row * Q;
    rs.off_col_q4 += shift_col * Q;
    draw_all(ink, &rs);
    return INK_OK;
}

ink_err ink_render(const ink_buffer *ink, uint8_t image[NET_IMAGE_BYTES])
{
    ink_style style = {INK_BOX_Q4, INK_PEN_RADIUS_Q4};
    return ink_render_style(ink, &style, image);
}
