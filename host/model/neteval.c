/* neteval.c - dataset accuracy of an engine model (see neteval.h). */
#include "model/neteval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/netref.h"

int neteval_run(const net_model *m, const dataset *ds, int first, int count, neteval_counts *out)
{
    size_t need = net_arena_bytes(m);
    uint8_t *arena = malloc(need ? need : 1);
    int err = 0;
    memset(out, 0, sizeof *out);
    for (int i = first; i < first + count && i < ds->n; i++) {
        net_result r;
        err = net_run_pixels(m, ds->pixels + (size_t)i * DATA_PIXELS, arena, need, &r);
        if (err != NET_OK)
            break;
        int y = ds->labels ? ds->labels[i] : 0;
        out->n++;
        out->correct += r.digit == y;
        out->confusion[y][r.digit]++;
    }
    free(arena);
    return err;
}

void neteval_float(const float_model *fm, const dataset *ds, int first, int count,
                   neteval_counts *out)
{
    uint8_t img[DATA_PIXELS];
    memset(out, 0, sizeof *out);
    for (int i = first; i < first + count && i < ds->n; i++) {
        float lg[10];
        int best = 0;
        data_binarize(ds->pixels + (size_t)i * DATA_PIXELS, img);
        netref_float_forward(fm, img, lg, NULL);
        for (int k = 1; k < 10; k++)
            if (lg[k] > lg[best])
                best = k;
        int y = ds->labels ? ds->labels[i] : 0;
        out->n++;
        out->correct += best == y;
        out->confusion[y][best]++;
    }
}

void neteval_confusion_md(const neteval_counts *c, char *buf, size_t n)
{
    size_t off = 0;
#define PUT(...)                                                                                   \
    do {                                                                                           \
        int w_ = snprintf(buf + off, off < n ? n - off : 0, __VA_ARGS__);                          \
        if (w_ > 0)                                                                                \
            off += (size_t)w_;                                                                     \
    } while (0)
    PUT("| true \\ pred |");
    for (int p = 0; p < 10; p++)
        PUT(" %d |", p);
    PUT("\n|---|");
    for (int p = 0; p < 10; p++)
        PUT("---:|");
    PUT("\n");
    for (int t = 0; t < 10; t++) {
        PUT("| **%d** |", t);
        for (int p = 0; p < 10; p++)
            PUT(" %d |", c->confusion[t][p]);
        PUT("\n");
    }
#undef PUT
}
