/* data.h - datasets for the host tools: MNIST IDX (.gz or raw), Kaggle CSV, and
 * the data-directory lookup.
 *
 * Images are 28x28, row-major, 0..255 as stored; binarization (pixel >
 * NET_INK_THRESHOLD is ink) happens in exactly one place, data_binarize(), so
 * training, evaluation and the device path agree.
 */
#ifndef INKPIN_HOST_DATA_H
#define INKPIN_HOST_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define DATA_PIXELS 784 /* 28 * 28 */

typedef struct {
    int n;            /* number of images */
    uint8_t *pixels;  /* n * DATA_PIXELS bytes, 0..255 */
    uint8_t *labels;  /* n labels 0..9, or NULL (unlabelled CSV) */
} dataset;

/* Finds the data root: `cli_dir` (--data) if non-NULL, else $INKPIN_DATA, else
 * ./data, else ../shared/data. The root holds mnist/ and unipen/. Writes the
 * chosen path to buf and returns it, or returns NULL (with d filled, naming
 * every place tried) when none exists. */
const char *data_find_root(const char *cli_dir, char *buf, size_t bufsize, inkpin_diag *d);

/* Loads an IDX image file and its label file (gzip or raw, detected by magic
 * bytes). Checks magic, dims 28x28, lengths, counts agreeing, labels 0..9. */
int data_load_idx(const char *images_path, const char *labels_path, dataset *out, inkpin_diag *d);

/* Loads MNIST split "train" or "test" from <root>/mnist/ (tries *.gz then raw). */
int data_load_mnist(const char *root, const char *split, dataset *out, inkpin_diag *d);

/* Kaggle digit-recognizer CSV: header then one image per line; with labels the
 * header is `label,pixel0,...,pixel783`, without it `pixel0,...,pixel783`.
 * The layout is detected from the header. Errors name the line and column. */
int data_load_csv(const char *path, dataset *out, inkpin_diag *d);

void data_free(dataset *ds);

/* out[i] = pixels[i] > NET_INK_THRESHOLD ? 1 : 0, for DATA_PIXELS pixels. */
void data_binarize(const uint8_t *pixels, uint8_t *out);

#endif
