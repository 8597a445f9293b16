/* report.h - evaluation pictures for `inkpin report`.
 *
 * report_confusion_png(): a heatmap of the 10x10 confusion matrix. Rows are
 * the true digit, columns the prediction; each cell is shaded by its share of
 * the row (square-root scale so single errors stay visible): blue on the
 * diagonal (correct), red off it (errors). Non-zero cells show their count in
 * digits; zero cells stay white. Row and column labels, axis titles and the
 * overall accuracy are drawn with the built-in font (image.h).
 *
 * report_errors_png(): a gallery of misclassified 28x28 digits, each scaled
 * REPORT_TILE_SCALE times, drawn as dark ink on white exactly as the net saw
 * it (binarized: pixel > NET_INK_THRESHOLD), with "true->pred" under it.
 * Shows the first `max` errors in the order given and says how many there
 * were in total. With no errors it writes a small image that says so.
 *
 * Both write RGB PNGs and return 0, or -1 with d naming the file.
 */
#ifndef INKPIN_HOST_REPORT_H
#define INKPIN_HOST_REPORT_H

#include <stdint.h>

#include "data/data.h"
#include "diag.h"
#include "eval/metrics.h"

/* Heatmap geometry, exported so tests can sample known cells. */
#define REPORT_CELL_W 56
#define REPORT_CELL_H 36
#define REPORT_GRID_X 64 /* left edge of column 0 */
#define REPORT_GRID_Y 64 /* top edge of row 0 */

/* Gallery geometry. */
#define REPORT_TILE_SCALE 3
#define REPORT_TILE_W 96  /* 28*3 image + margins */
#define REPORT_TILE_H 112 /* image + label strip */
#define REPORT_GALLERY_COLS 10
#define REPORT_GALLERY_TOP 32 /* title strip */

typedef struct {
    const uint8_t *pixels; /* 784 grey values 0..255, row-major */
    uint8_t truth, pred;
} report_error;

int report_confusion_png(const metrics *m, const char *path, inkpin_diag *d);

/* What `inkpin report` does once predictions exist: counts pred[i] against
 * ds->labels[i] into *m, and writes <dir>/confusion.png and <dir>/errors.png
 * (the first max_errors misclassified images, in dataset order). dir must
 * exist. 0, or -1 with d naming the file. */
int report_write_all(const dataset *ds, const uint8_t *pred, const char *dir, int max_errors,
                     metrics *m, inkpin_diag *d);

/* errs[0..n) are the errors found; the gallery shows the first min(n, max). */
int report_errors_png(const report_error *errs, int n, int max, const char *path, inkpin_diag *d);

#endif
