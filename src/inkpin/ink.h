/* ink.h - from touch strokes to the 28x28 bit image the inkpin engine reads.
 *
 * WHAT IT DOES
 *   A touch screen reports pen-down / move / up samples on a 240x240 drawing
 *   area. This module keeps those samples in a small bounded buffer and, on
 *   request, normalizes them the way MNIST digits were normalized:
 *     1. bounding box of the ink (stroke centre lines);
 *     2. longer side scaled to a fixed box (INK_BOX_Q4, about 20 px with the
 *        pen width) keeping the aspect ratio, so a "1" stays thin;
 *     3. strokes drawn as connected lines (fast strokes leave no gaps) with a
 *        round pen whose radius matches binarized MNIST strokes (docs/ink.md);
 *        where two samples are more than 2 px apart (a touch controller that
 *        samples slowly) the line is the Catmull-Rom curve through the
 *        neighbouring samples, so loops stay round instead of polygons;
 *     4. translated by whole pixels so the centre of mass of the ink pixels is
 *        at (row 14, column 14) within half a pixel (pixel (i,j) has its
 *        centre at (i,j));
 *     5. packed into NET_IMAGE_BYTES (98) bytes: bit (i*28 + j), LSB-first
 *        within each byte, is row i, column j (src/inkpin/net.h).
 *   The CLI, tests, device app, browser and MCU ports all go through here.
 *
 * COORDINATES
 *   Integer pixels of the 240x240 area, origin top-left, y down. Values are
 *   int32_t and are CLAMPED to 0..239 on entry: a sample on the border, off
 *   the screen or absurd (INT32_MIN, INT32_MAX) is stored as the nearest
 *   border pixel. Nothing is ever written outside a buffer.
 *
 * MEMORY
 *   Everything lives in the caller-owned ink_buffer (no malloc, no globals):
 *   INK_MAX_POINTS entries of 2 bytes (x, y as uint8_t) + 4 bytes. A pen
 *   lift between strokes takes one entry (a marker with x = 0xFF, never a
 *   valid x). ink_render uses a few hundred bytes of stack (docs/mcu.md has
 *   the figures per chip and the command that measures them), no other
 *   memory.
 *   Override the bound with -DINK_MAX_POINTS=N (16 <= N <= 32767).
 *
 * WHEN THE BUFFER IS FULL
 *   A sample identical to the previous one is ignored. When a new sample
 *   does not fit, the interior point whose removal changes its stroke least
 *   (smallest triangle with its two neighbours, Visvalingam's rule) is dropped
 *   first, repeatedly; stroke end points and pen lifts are never dropped, so
 *   the digit keeps its shape (the default 128 entries hold almost every
 *   pen-drawn digit without any simplification: docs/ink.md). Only when no interior point is left (more
 *   than ~64 taps) is the new event refused with INK_ERR_FULL; the stored ink
 *   stays valid.
 *
 * COST
 *   Events: O(1), or O(INK_MAX_POINTS) when the buffer is full. Render: two
 *   passes over the segments (the second at the whole-pixel offset that puts
 *   the centre of mass at (14,14); skipped when that offset is 0), each
 *   stamping the pen every half pixel of 28x28 stroke length (at most 4x4
 *   8-bit distance tests per stamp with the default 1.75 px pen; a stamp
 *   where the previous one of the stroke was is skipped), and one walk over
 *   the 784 pixels between them for the centre of mass. On AVR
 *   (INK_MOVE_IMAGE) the second pass is a move of the first image whenever
 *   no stamp reaches past the border before or after the move (the same
 *   bits). One 32-bit multiply per stored point, two 32-bit divisions per
 *   straight piece. No floating point, no recursion, no tables, no division
 *   in pixel loops. Cycles and code size per chip: docs/ink.md ("Speed"),
 *   docs/mcu.md (make mcu-report).
 *
 * NO DIGIT
 *   ink_render returns INK_NO_DIGIT (and an all-zero image) for empty input,
 *   a tap, ink whose bounding box is smaller than INK_MIN_EXTENT pixels on
 *   its longer side (a dot), or ink whose strokes are longer in total than
 *   INK_MAX_PATH_RATIO times that side (scribbled over, crossed out): the
 *   engine is not asked to guess. Other non-digits are caught after the
 *   engine ran, by the shape check below together with its confidence.
 *
 * SHAPE CHECK (is this plausibly a digit?)
 *   A softmax confidence alone accepts many scribbles (random walks, coils,
 *   random lines) as confident digits. ink_render_shape renders exactly like
 *   ink_render and, in the same pass over the mapped points, measures what
 *   handwritten digits keep within bounds:
 *     strokes  pen-down strokes (handwritten digits have 1-3, rarely 4);
 *     turn     total absolute turning of the strokes in 1/1024 of a full turn
 *              (a "0" is about 1024, an "8" about 2048; coils and scribbles go
 *              round more). Each stroke is followed in steps of at least 1/8
 *              of the digit's size (INK_TURN_STEPS), so the pen's jitter and
 *              the sampling rate do not count, only the drawn shape; the angle
 *              between steps is the pseudo-angle 256|cross|/(|cross|+|dot|)
 *              per right angle (exact at 0/45/90/180 degrees, within 5 between).
 *     sharp    turns of more than a right angle between two such steps (a
 *              "1" with a flag has one; a random walk many);
 *     joined   strokes after the first that ink a pixel an earlier stroke
 *              inked (the pen's pixels, so strokes whose centre lines come
 *              within ~3.5 px of each other touch): the bar of a "4", "5" or
 *              "7" touches the rest of the digit, random lines mostly do not.
 *   ink_conf_needed turns them into the engine confidence the drawing needs
 *   to be accepted: `plain` (NET_REJECT_CONF on devices) for ordinary shapes;
 *   at least INK_ODD_CONF for odd ones: turn + INK_SHARP_TURN * sharp >
 *   INK_ODD_TURN, or INK_APART_STROKES (3) or more strokes one of which
 *   touches none drawn before it (joined < strokes - 1; two strokes are never
 *   odd for this: many a "5" has its bar apart); more than NET_CONF_ONE
 *   (never accepted) for shapes no digit has (strokes > INK_MAX_STROKES or
 *   turn > INK_MAX_TURN). The rule that uses it is owned
 *   by verdict.h (verdict_from_ink), which the app, the ports and the CLI call:
 *       accept  <=>  confidence[digit] >= ink_conf_needed(&shape, NET_REJECT_CONF)
 *   The shape limits were chosen on the tune writers of the UNIPEN file and on
 *   generated scribbles with seeds reserved for tuning (docs/ink.md,
 *   "Rejection"); they do not depend on the model. NET_REJECT_CONF does and
 *   is re-derived by `inkpin robustness`. Cost: one 32-bit division per
 *   kept step and one pass over the 98 image bytes per stroke (each stroke is
 *   drawn apart, then folded into the image), no extra pass; its code and
 *   stack figures are in docs/ink.md (bench/footprint.sh).
 *
 * API
 *   void    ink_reset(ink_buffer *ink);
 *   ink_err ink_pen_down(ink_buffer *ink, int32_t x, int32_t y);
 *   ink_err ink_pen_move(ink_buffer *ink, int32_t x, int32_t y); // pen up: acts as down
 *   ink_err ink_pen_up(ink_buffer *ink);                         // idempotent
 *   ink_err ink_render(const ink_buffer *ink, uint8_t image[NET_IMAGE_BYTES]);
 *   ink_err ink_render_style(const ink_buffer *ink, const ink_style *style,
 *                            uint8_t image[NET_IMAGE_BYTES]);    // host tuning/augmentation
 *   int     ink_pixel(const uint8_t image[NET_IMAGE_BYTES], int row, int col); // preview
 *   ink_err ink_render_shape(const ink_buffer *ink, uint8_t image[NET_IMAGE_BYTES],
 *                            ink_shape *shape);                    // render + SHAPE CHECK
 *   uint32_t ink_conf_needed(const ink_shape *shape, uint32_t plain); // see SHAPE CHECK
 *   const char *ink_strerror(ink_err e);                         // a short text for e
 *
 * RETURN CONVENTION
 *   ink_err: INK_OK (0) or a negative code (INK_NO_DIGIT is an answer, not a
 *   failure). A NULL pointer (docs/design.md: one NULL policy for the library):
 *   functions returning ink_err return INK_ERR_ARG and write nothing,
 *   ink_reset does nothing, ink_pixel and ink_stroke_count return 0,
 *   ink_conf_needed more than any confidence (NET_CONF_ONE + 1).
 */
#ifndef INKPIN_INK_H
#define INKPIN_INK_H

#include <stdbool.h>
#include <stdint.h>

#include "inkpin/net.h"

#ifdef __cplusplus
extern "C" {
#endif

#define INK_AREA 240 /* drawing area side in pixels; coordinates 0..239 */

#ifndef INK_MAX_POINTS
#define INK_MAX_POINTS 128
#endif

/* Ink whose bounding box is smaller than this (longer side, area pixels) is "no digit". */
#ifndef INK_MIN_EXTENT
#define INK_MIN_EXTENT 12
#endif

/* A segment between two samples longer than this (1/16 px of the 28x28
 * image; 32 = 2 px) is drawn as a curve through the neighbouring samples
 * (Catmull-Rom) instead of a straight chord: slow touch controllers. */
#ifndef INK_CURVE_STEP_Q4
#define INK_CURVE_STEP_Q4 32
#endif

/* Ink whose total stroke length exceeds this many times its bounding-box
 * extent is "no digit" (a crossed-out blob, a scribble). Far above what
 * handwritten digits reach (docs/ink.md has their distribution). */
#ifndef INK_MAX_PATH_RATIO
#define INK_MAX_PATH_RATIO 8
#endif

/* Shape check limits (SHAPE CHECK above; chosen in docs/ink.md). Turn in
 * 1/1024 of a full turn. */
#ifndef INK_MAX_STROKES
#define INK_MAX_STROKES 3
#endif
#ifndef INK_MAX_TURN
#define INK_MAX_TURN 3584 /* 3.5 full turns */
#endif
#ifndef INK_ODD_TURN
#define INK_ODD_TURN 2816 /* 2.75 turns */
#endif
/* Confidence (units of 1/NET_CONF_ONE) an odd-shaped drawing needs: 0.99
 * (chosen on the tune writers, docs/ink.md). */
#ifndef INK_ODD_CONF
#define INK_ODD_CONF 32440u
#endif
/* Each sharp turn (more than a right angle between two steps) counts this
 * much extra towards INK_ODD_TURN: 1/8 turn. */
#ifndef INK_SHARP_TURN
#define INK_SHARP_TURN 128u
#endif
/* A drawing of at least this many strokes is odd when a stroke after the
 * first shares no pen pixel with the strokes drawn before it (apart). */
#ifndef INK_APART_STROKES
#define INK_APART_STROKES 3
#endif
#ifndef INK_TURN_STEPS
#define INK_TURN_STEPS 8 /* steps of >= 1/8 of the digit's size */
#endif

/* Default rendering style in 1/16 pixel of the 28x28 image (docs/ink.md
 * shows how they match binarized MNIST: inkpin render --width-scan). */
#ifndef INK_BOX_Q4
#define INK_BOX_Q4 264 /* centre-line box 16.5 px; with the pen, 20 px of ink like MNIST */
#endif
#ifndef INK_PEN_RADIUS_Q4
#define INK_PEN_RADIUS_Q4 28 /* 1.75 px: pixels whose centre is within this of the line */
#endif

typedef enum {
    INK_OK = 0,
    INK_NO_DIGIT = -1, /* render: empty, a tap or a dot; image is all zero */
    INK_ERR_FULL = -2, /* event refused: buffer full and nothing left to simplify */
    INK_ERR_ARG = -3   /* NULL pointer or style out of range */
} ink_err;

/* A short constant English text for e ("unknown error" for a value not in ink_err). */
const char *ink_strerror(ink_err e);

#define INK_PEN_LIFT 0xFF /* x of the entry that separates two strokes */

typedef struct {
    uint8_t x[INK_MAX_POINTS]; /* x of each entry, or INK_PEN_LIFT */
    uint8_t y[INK_MAX_POINTS];
    int16_t n; /* entries in use */
    bool pen_is_down;
    bool simplified; /* set once a point had to be dropped (for tests/diagnostics) */
} ink_buffer;

/* Rendering parameters, both in 1/16 px of the 28x28 image. */
typedef struct {
    int16_t box_q4;        /* longer side of the centre-line box, 16..448 (1..28 px) */
    int16_t pen_radius_q4; /* pen radius, 0..40 (0 = one pixel per stamp) */
} ink_style;

/* What ink_render_shape measures (SHAPE CHECK). */
typedef struct {
    int32_t strokes; /* pen-down strokes */
    int32_t turn;    /* total absolute turning, 1/1024 of a full turn */
    int32_t sharp;   /* sharp turns: more than a right angle between two steps */
    int32_t joined;  /* strokes after the first that share a pen pixel with a
                        stroke drawn before them (strokes - 1 when all touch) */
} ink_shape;

void ink_reset(ink_buffer *ink);
ink_err ink_pen_down(ink_buffer *ink, int32_t x, int32_t y);
ink_err ink_pen_move(ink_buffer *ink, int32_t x, int32_t y);
ink_err ink_pen_up(ink_buffer *ink);

/* Number of strokes stored (a tap counts as a stroke). */
int ink_stroke_count(const ink_buffer *ink);

ink_err ink_render(const ink_buffer *ink, uint8_t image[NET_IMAGE_BYTES]);
ink_err ink_render_style(const ink_buffer *ink, const ink_style *style,
                         uint8_t image[NET_IMAGE_BYTES]);

/* 1 if pixel (row, col) of a packed image is ink, 0 otherwise (also out of range). */
int ink_pixel(const uint8_t image[NET_IMAGE_BYTES], int row, int col);

/* ink_render, and the shape check's measurements of the same drawing into
 * *shape (may be NULL; all zero unless INK_OK). The image is ink_render's. */
ink_err ink_render_shape(const ink_buffer *ink, uint8_t image[NET_IMAGE_BYTES], ink_shape *shape);

/* The confidence[digit] (units of 1/NET_CONF_ONE) the engine must reach for
 * a drawing of this shape to be accepted, given the plain threshold: plain;
 * INK_ODD_CONF when that is higher and the shape is odd; NET_CONF_ONE + 1
 * when no digit is drawn like this (also for NULL or an empty shape).
 * Always max(plain, ink_conf_needed(shape, 0)). */
uint32_t ink_conf_needed(const ink_shape *shape, uint32_t plain);

#ifdef __cplusplus
}
#endif

#endif
