/* verdict.h - the one place that decides what a drawing is: a digit, no
 * digit, or "draw again".
 *
 * WHAT IT DOES
 *   One call takes the ink of one drawing (or an image already rendered, with
 *   its shape) through the ink module and the engine and returns the verdict
 *   every front-end shows: the device app, the CLI (`inkpin classify`,
 *   `render`, `demo`), the evaluation reports and the tests. The rule it owns:
 *
 *       accept  <=>  confidence[digit] >= ink_conf_needed(&shape, plain)
 *
 *   with plain = NET_REJECT_CONF on devices (a study may pass another
 *   threshold). The engine's confidence alone accepts scribbles; the shape
 *   check of ink.h (strokes, turning, sharp turns, joined strokes) raises what
 *   an odd drawing needs and makes it unreachable for shapes no digit has.
 *
 * VERDICTS
 *   VERDICT_DIGIT       accepted: `digit` is the answer.
 *   VERDICT_NO_DIGIT    the ink module saw no digit (empty, a tap, a dot,
 *                       scribbled over: INK_NO_DIGIT); the engine did not run.
 *   VERDICT_DRAW_AGAIN  the engine ran but its confidence is below `need`;
 *                       `digit` is its guess. need > NET_CONF_ONE means no
 *                       digit is drawn like this (the shape alone refuses it).
 *   VERDICT_ERROR       no model (NULL), an engine error (too small an arena,
 *                       an invalid model) or a NULL buffer; `error` holds the
 *                       net_err or ink_err. A front-end shows "no model".
 *
 * MEMORY
 *   Caller-owned: the image buffer (NET_IMAGE_BYTES, what the engine saw: the
 *   app previews it) and the engine's arena (net_arena_bytes(model), e.g.
 *   NET_ARENA_BYTES of the default model). The engine's raw result lives on
 *   the stack for the call (62 bytes) and is wiped before it returns, so a
 *   PIN digit is left only where the caller keeps the verdict. No malloc, no
 *   globals, no float.
 *
 * API
 *   verdict_kind verdict_from_ink(const net_model *m, const ink_buffer *ink, uint32_t plain,
 *                                 uint8_t image[NET_IMAGE_BYTES], void *arena,
 *                                 size_t arena_size, verdict *out);
 *       render (ink_render_shape) + engine + rule; returns out->kind.
 *   verdict_kind verdict_from_image(const net_model *m, const uint8_t image[NET_IMAGE_BYTES],
 *                                   const ink_shape *shape, uint32_t plain, void *arena,
 *                                   size_t arena_size, verdict *out);
 *       engine + rule on an image rendered elsewhere; shape NULL: an image
 *       with no strokes behind it (MNIST, the seed mapping), judged by the
 *       plain threshold alone.
 *   verdict_kind verdict_decide(const net_result *r, const ink_shape *shape, uint32_t plain,
 *                               verdict *out);
 *       the rule on an engine result already computed.
 *   bool verdict_accepts(uint32_t confidence, const ink_shape *shape, uint32_t plain);
 *       the rule itself on one confidence (units of 1/NET_CONF_ONE).
 *   uint16_t verdict_permille(const verdict *v);
 *       v's confidence in 1/1000, rounded, as screens and logs show it (0 when
 *       the engine did not run, or v is NULL).
 *
 * RETURN CONVENTION
 *   A verdict_kind is an answer, not an error code: VERDICT_ERROR carries the
 *   cause in out->error, a net_err or an ink_err (net_strerror,
 *   ink_strerror). A NULL pointer (docs/design.md: one NULL policy for the
 *   library): out NULL returns VERDICT_ERROR without writing; any other NULL
 *   pointer gives VERDICT_ERROR with error NET_ERR_ARG or INK_ERR_ARG;
 *   shape NULL in verdict_accepts/decide/from_image means "no strokes
 *   behind it" (the plain threshold), as above.
 */
#ifndef INKPIN_VERDICT_H
#define INKPIN_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inkpin/ink.h"
#include "inkpin/net.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    VERDICT_DIGIT = 0,
    VERDICT_NO_DIGIT = 1,
    VERDICT_DRAW_AGAIN = 2,
    VERDICT_ERROR = 3
} verdict_kind;

typedef struct {
    verdict_kind kind;
    uint8_t digit;     /* the engine's top class (its guess when DRAW_AGAIN); 0 if it did not run */
    uint8_t runner_up; /* its second class; 0 if it did not run */
    uint16_t
        confidence;  /* confidence[digit], units of 1/NET_CONF_ONE; 0 if the engine did not run */
    uint32_t need;   /* what the shape needs: ink_conf_needed(&shape, plain) (plain without a
                            shape); NET_CONF_ONE + 1 when the engine did not run */
    int16_t error;   /* VERDICT_ERROR: the net_err or ink_err; 0 otherwise */
    ink_shape shape; /* the shape check's measurements; all zero without strokes */
} verdict;

bool verdict_accepts(uint32_t confidence, const ink_shape *shape, uint32_t plain);

uint16_t verdict_permille(const verdict *v);

verdict_kind verdict_decide(const net_result *r, const ink_shape *shape, uint32_t plain,
                            verdict *out);

verdict_kind verdict_from_image(const net_model *m, const uint8_t image[NET_IMAGE_BYTES],
                                const ink_shape *shape, uint32_t plain, void *arena,
                                size_t arena_size, verdict *out);

verdict_kind verdict_from_ink(const net_model *m, const ink_buffer *ink, uint32_t plain,
                              uint8_t image[NET_IMAGE_BYTES], void *arena, size_t arena_size,
                              verdict *out);

#ifdef __cplusplus
}
#endif

#endif
