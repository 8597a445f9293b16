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
    /* shape check (SHAPE CHECK in ink.h) on the mapped points, Q4: each
     * stroke followed in steps of at least `step` from an anchor; dir is the
     * last step (0, 0 before the first) */
    ink_shape *shape;
    int32_t step, anchor_row, anchor_col, dir_row, dir_col;
    /* ink_shape.joined: the pixels of the strokes drawn before the current
     * one, and whether the current one has inked one of them again yet */
    uint8_t before[NET_IMAGE_BYTES];
    bool met;
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
    if (*byte & bit) {
        if ((rs->before[k >> 3] & bit) && !rs->met) { /* an earlier stroke's pixel: joined */
            rs->met = true;
            rs->shape->joined++;
        }
        return;
    }
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
    rs->shape->strokes = rs->shape->turn = rs->shape->joined = rs->shape->sharp = 0;
    bool have_prev = false;
    int32_t pr = 0, pc = 0;
    for (int i = 0; i < ink->n; i++) {
        if (is_lift(ink, i)) {
            have_prev = false;
            continue;
        }
        int32_t r = map_axis((int32_t)ink->y[i] * 2 - rs->mid_y2, rs->mul, rs->off_row_q4);
        int32_t c = map_axis((int32_t)ink->x[i] * 2 - rs->mid_x2, rs->mul, rs->off_col_q4);
        if (!have_prev) { /* a new stroke: r, c is its first anchor */
            rs->shape->strokes++;
            rs->anchor_row = r;
            rs->anchor_col = c;
            rs->dir_row = rs->dir_col = 0;
            memmove(rs->before, rs->image, NET_IMAGE_BYTES); /* memmove: linked already */
            rs->met = false;
        }
        track_shape(rs, r, c);
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

/* 8 x the total length of the strokes in area pixels. */
static int32_t path_length_x8(const ink_buffer *ink)
{
    int32_t total = 0;
    for (int i = 1; i < ink->n; i++) {
        if (is_lift(ink, i) || is_lift(ink, i - 1))
            continue;
        total += length_x8((int32_t)ink->x[i] - ink->x[i - 1], (int32_t)ink->y[i] - ink->y[i - 1]);
    }
    return total;
}

/* round(num / den) for den > 0. */
static int32_t div_round(int32_t num, int32_t den)
{
    return num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
}

/* ink_render_style, and the shape check's measurements into *shape (valid
 * when INK_OK). */
static ink_err render(const ink_buffer *ink, const ink_style *style,
                      uint8_t image[NET_IMAGE_BYTES], ink_shape *shape)
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
    rs.shape = shape;
    rs.step = style->box_q4 / INK_TURN_STEPS;

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

