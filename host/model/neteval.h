/* neteval.h - runs an engine model over a dataset (binarized exactly as the
 * device does: pixel > NET_INK_THRESHOLD is ink) and counts. */
#ifndef INKPIN_HOST_NETEVAL_H
#define INKPIN_HOST_NETEVAL_H

#include "data/data.h"
#include "inkpin/net.h"
#include "model/model.h"

typedef struct {
    int n, correct;
    int confusion[10][10]; /* [true][predicted] */
} neteval_counts;

/* Images [first, first+count) of ds through net_run_pixels. 0 or a net_err. */
int neteval_run(const net_model *m, const dataset *ds, int first, int count, neteval_counts *out);

/* The same with the float reference (netref_float_forward). */
void neteval_float(const float_model *fm, const dataset *ds, int first, int count,
                   neteval_counts *out);

/* Writes the confusion matrix as a Markdown table (rows true, columns predicted). */
void neteval_confusion_md(const neteval_counts *c, char *buf, size_t n);

#endif
