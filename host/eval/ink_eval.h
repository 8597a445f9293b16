/* ink_eval.h - strokes -> ink -> engine on the host, exactly as the device
 * does it, plus what the robustness report needs: stroke transforms (size,
 * position, rotation, sampling rate), the seed project's naive touch mapping
 * for comparison, and generated scribbles that are not digits.
 *
 * The device path is: ink_pen_down/move/up for every sample (strokes_feed),
 * then verdict_from_ink (src/inkpin/verdict.h: ink_render_shape, net_run and
 * the accept rule), exactly as the app calls it, at NET_REJECT_CONF.
 */
#ifndef INKPIN_HOST_INK_EVAL_H
#define INKPIN_HOST_INK_EVAL_H

#include <stdint.h>

#include "inkpin/ink.h"
#include "inkpin/net.h"
#include "inkpin/verdict.h"
#include "model/modelfile.h"
#include "data/strokes.h"

/* A model to run (an .inkm blob from a file, or the compiled-in default;
 * modelfile.h) with its arena. */
typedef struct {
    host_model model;
    void *arena;
    size_t arena_size;
} inkeval_model;

/* path NULL -> net_default_model(). Returns 0, or -1 with d filled (no
 * default model in this build, unreadable or invalid blob). */
int inkeval_model_load(inkeval_model *em, const char *path, inkpin_diag *d);
void inkeval_model_free(inkeval_model *em);

/* What `classify` and `robustness` start from: the strokes file and the
 * model (path NULL: the default). 0, or -1 with d filled and nothing kept. */
int inkeval_open(const char *strokes_path, const char *model_path, strokes_set *set,
                 inkeval_model *em, inkpin_diag *d);
void inkeval_close(strokes_set *set, inkeval_model *em);

typedef struct {
    int ink;           /* INK_OK or INK_NO_DIGIT */
    int pred;          /* v.digit, or -1 when the engine did not run (no digit) */
    double confidence; /* v.confidence / NET_CONF_ONE (0..1); 0 for no digit */
    verdict v;         /* the device's verdict at NET_REJECT_CONF (shape all zero for
                              inkeval_classify_image: no strokes, plain threshold only) */
    uint8_t image[NET_IMAGE_BYTES];
} inkeval_result;

/* The device path for one sample. Returns 0 or a net_err (a model fault). */
int inkeval_classify(const inkeval_model *em, const strokes_sample *s, inkeval_result *out);

/* The verdict of a result of inkeval_classify at another plain threshold
 * (verdict_accepts): 1 when rejected (no digit, or confidence below
 * ink_conf_needed(&v.shape, plain)), 0 when the digit is accepted. At
 * NET_REJECT_CONF it is r->v.kind != VERDICT_DIGIT. */
int inkeval_rejected(const inkeval_result *r, uint32_t plain);

/* A threshold 0..1 as the integer plain threshold: the smallest confidence
 * in units of 1/NET_CONF_ONE that is >= threshold. */
uint32_t inkeval_plain(double threshold);

/* The same from a packed image already rendered (e.g. by inkeval_naive). */
int inkeval_classify_image(const inkeval_model *em, const uint8_t image[NET_IMAGE_BYTES],
                           inkeval_result *out);

/* The seed project's touch path: every sample mapped with x*28/240, a 3x3
 * block set around it (clipped here; the seed wrote out of bounds), no lines
 * between samples, no scaling, no centring. */
void inkeval_naive(const strokes_sample *s, uint8_t image[NET_IMAGE_BYTES]);

/* ---- transforms (out is a new sample; free with strokes_sample_free) ---- */

/* The sample's ink box: its longer side and its centre, in canvas pixels. */
void inkeval_box(const strokes_sample *s, double *side, double *cx, double *cy);

/* Scales the ink so its longer side is `side` px and puts its bounding-box
 * centre at (cx, cy); then rotates by `degrees` about that centre. */
int inkeval_transform(const strokes_sample *s, double side, double cx, double cy, double degrees,
                      strokes_sample *out);

/* Keeps the first sample of each stroke and every `keep_every`-th after it,
 * as a touch controller sampling keep_every times slower would. */
int inkeval_thin(const strokes_sample *s, int keep_every, strokes_sample *out);

/* ---- scribbles that are not digits -------------------------------------- */
enum { SCRIBBLE_WALK, SCRIBBLE_COIL, SCRIBBLE_HATCH, SCRIBBLE_LINES, SCRIBBLE_KINDS };
extern const char *const inkeval_scribble_names[SCRIBBLE_KINDS];

/* A deterministic scribble of the given kind from seed (0..2^32-1):
 *   WALK  - a random walk of 25..60 steps of 8..30 px, turning freely;
 *   COIL  - 3..6 overlapping loops drifting sideways, like a telephone cord;
 *   HATCH - a crossed-out blob: dense zigzag hatching over a region, then an X;
 *   LINES - 3..6 random straight strokes across the area.
 * Label -1. */
int inkeval_scribble(int kind, uint32_t seed, strokes_sample *out);

#endif
