/* data.h - datasets for the host tools: MNIST IDX (.gz or raw), Kaggle CSV, and
 * the data-directory lookup.
 *
 * Images are 28x28, row-major, 0..255 as stored; binarization (pixel >
 * NET_INK_THRESHOLD is ink) happens in exactly one place, data_binarize(), so
 * training, evaluation and the device path agree.
 *
 * Memory: every loader allocates out->pixels (n * DATA_PIXELS bytes) and
 * out->labels (n bytes, or NULL) with malloc; release them with data_free().
 * No allocation is ever sized from a header count alone: the count is checked
 * against the bytes actually present (file size, or the decompressed stream,
 * which is inflated only as far as the header promises plus one byte).
 *
 * Return convention: 0 on success; -1 on any error, with d->msg naming the file
 * and the byte offset (IDX) or line:column (CSV) at fault. On error *out is
 * left empty ({0, NULL, NULL}); there is never a partial dataset.
 *
 * Files: IDX files may be gzip-compressed or raw; gzip is detected by its magic
 * bytes (1f 8b), not by the file name. CSV files are read raw (or gzip, by the
 * same detection).
 *
 * The *_mem entry points parse bytes already in memory (raw or gzip); the file
 * loaders read the file and call them, so the fuzzers in fuzz/ exercise exactly
 * the parser the tools use. `name` is only used in error messages.
 */
#ifndef INKPIN_HOST_DATA_H
#define INKPIN_HOST_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define DATA_SIDE 28
#define DATA_PIXELS 784 /* 28 * 28 */
#define DATA_CLASSES 10

typedef struct {
    int n;           /* number of images */
    uint8_t *pixels; /* n * DATA_PIXELS bytes, 0..255 */
    uint8_t *labels; /* n labels 0..9, or NULL (unlabelled CSV) */
} dataset;

/* Finds the data root: `cli_dir` (--data) if non-NULL, else $INKPIN_DATA (if
 * set and non-empty), else ./data, else ../shared/data. An explicit choice
 * (--data or $INKPIN_DATA) must be a directory and is never silently replaced
 * by a fallback; a fallback counts only if it holds mnist/ or unipen/.
 * Writes the chosen path to buf and returns buf, or returns NULL (with d
 * naming every place tried and why it was rejected) when none fits. */
const char *data_find_root(const char *cli_dir, char *buf, size_t bufsize, inkpin_diag *d);

/* Loads an IDX image file and its label file (gzip or raw, detected by magic
 * bytes). Checks magic (2051 / 2049), dims 28x28, exact lengths, counts
 * agreeing, labels 0..9. */
int data_load_idx(const char *images_path, const char *labels_path, dataset *out, inkpin_diag *d);

/* The same from memory (each buffer raw IDX or gzip of it). */
int data_parse_idx_mem(const uint8_t *images, size_t images_len, const char *images_name,
                       const uint8_t *labels, size_t labels_len, const char *labels_name,
                       dataset *out, inkpin_diag *d);

/* Loads MNIST split "train" (60000) or "test" (10000) from
 * <root>/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]
 * (tries .gz first, then the raw name). */
int data_load_mnist(const char *root, const char *split, dataset *out, inkpin_diag *d);

/* Kaggle digit-recognizer CSV: header then one image per line; with labels the
 * header is `label,pixel0,...,pixel783`, without it `pixel0,...,pixel783`.
 * The layout is detected from the header. Fields are plain decimal integers,
 * pixels 0..255, labels 0..9; LF or CRLF line ends; a UTF-8 BOM is skipped.
 * Errors name the line and column (1-based, in bytes). */
int data_load_csv(const char *path, dataset *out, inkpin_diag *d);

/* The same from memory (raw CSV text, or gzip of it). */
int data_parse_csv_mem(const uint8_t *text, size_t len, const char *name, dataset *out,
                       inkpin_diag *d);

void data_free(dataset *ds);

/* out[i] = pixels[i] > NET_INK_THRESHOLD ? 1 : 0, for DATA_PIXELS pixels. */
void data_binarize(const uint8_t *pixels, uint8_t *out);

/* Reads a whole regular file into a malloc'd buffer sized by the file's real
 * size (the one whole-file reader of the host tools: datasets, .inkm blobs,
 * notes). 0, or -1 with d naming the file. */
int data_read_file(const char *path, uint8_t **buf, size_t *len, inkpin_diag *d);

/* ---- shared by idx.c and csv.c (not for other callers) ------------------ */

/* Given the first `have` decoded bytes, returns how many bytes the whole
 * content should have, or SIZE_MAX when it cannot tell yet. */
typedef size_t (*data_length_fn)(const uint8_t *head, size_t have);

/* If `in` starts with the gzip magic, inflates it into a malloc'd *out (set
 * *owned = 1), never past expected(...) + 1 bytes, so a lying header or a zip
 * bomb cannot make it allocate more than the content it promises (capped at
 * `cap`); the extra byte lets the parser report trailing data. Otherwise *out
 * = in, *owned = 0. */
int data_decode(const uint8_t *in, size_t len, const char *name, data_length_fn expected,
                size_t cap, uint8_t **out, size_t *out_len, int *owned, inkpin_diag *d);

#endif
