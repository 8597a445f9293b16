/* modelfile.h - the model a host command runs: the .inkm blob named by
 * --model, or the compiled-in default model when no path is given.
 *
 * One loader for every CLI command (eval, bench, report, classify, render,
 * demo), so they accept and reject the same files with the same messages. */
#ifndef INKPIN_HOST_MODELFILE_H
#define INKPIN_HOST_MODELFILE_H

#include <stdint.h>

#include "diag.h"
#include "inkpin/net.h"

typedef struct {
    net_blob_model bm; /* filled from the blob (points into `blob`) */
    uint8_t *blob;     /* the file's bytes, owned; NULL for the default model */
    const net_model *m;
    const char *name; /* the path, or "default (compiled in)" */
} host_model;

/* path NULL -> net_default_model(). 0, or -1 with d naming the file and the
 * reason (no bundled model in this build, unreadable file, unusable blob). */
int modelfile_load(host_model *hm, const char *path, inkpin_diag *d);

void modelfile_free(host_model *hm);

#endif
