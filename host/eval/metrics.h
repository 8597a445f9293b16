/* metrics.h - classification counts for `inkpin eval`, `classify` and `report`.
 *
 * A 10x10 confusion matrix accumulator (rows = true digit, columns =
 * predicted), overall and per-class accuracy, an aligned text table, and a
 * cJSON builder that adds the docs/design.md keys `n`, `accuracy`, `per_class`
 * (10 numbers; null for a class with no samples) and `confusion` (10 rows of
 * 10 counts) to an object.
 *
 * Plain struct, no allocation except inside metrics_add_json (cJSON nodes
 * owned by the object passed in). Accuracies are fractions 0..1; with no
 * samples they are 0 (overall) or NaN (per class, "undefined").
 */
#ifndef INKPIN_HOST_METRICS_H
#define INKPIN_HOST_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#define METRICS_CLASSES 10

typedef struct {
    uint64_t n;                                           /* samples added */
    uint64_t confusion[METRICS_CLASSES][METRICS_CLASSES]; /* [true][predicted] */
} metrics;

void metrics_init(metrics *m);

/* Counts one sample. truth and pred must be 0..9 (programmer error otherwise:
 * the sample is ignored and 0 returned instead of 1). */
int metrics_add(metrics *m, int truth, int pred);

/* Adds every count of src into dst (merging per-thread accumulators). */
void metrics_merge(metrics *dst, const metrics *src);

uint64_t metrics_correct(const metrics *m);
uint64_t metrics_class_total(const metrics *m, int c); /* samples whose truth is c */

/* correct / n, or 0 when n == 0. */
double metrics_accuracy(const metrics *m);

/* Recall of class c: confusion[c][c] / samples of class c; NaN if none. */
double metrics_class_accuracy(const metrics *m, int c);

/* Overall line, per-class table (n, correct, accuracy) and the confusion
 * matrix with row/column headers, columns aligned. */
void metrics_print(FILE *f, const metrics *m);

/* Adds n, accuracy, per_class, confusion to obj. 0, or -1 if cJSON ran out of
 * memory (obj may then hold some of the keys). */
int metrics_add_json(const metrics *m, cJSON *obj);

#endif
