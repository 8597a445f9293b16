/* export.h - writes a trained model for the engine: generated C source and
 * header, the .inkm blob (docs/model-format.md) and the model card MODEL.md.
 *
 *   export_model(fm, calib, &info, "models/default", &d)
 *
 * quantizes fm (quant.h) with activation ranges from up to
 * EXPORT_CALIB_IMAGES images of `calib` (TRAINING images only, never test),
 * then writes into out_dir (the C source into info->c_dir when set):
 *   default_model.c  typed const arrays + `net_default_model()`, size checks
 *   inkpin/default_model.h  architecture, NET_ARENA_BYTES, format version, command,
 *                    seed, accuracy ("Generated, do not edit")
 *                    (other names than "default": see export_info.name)
 *   model.inkm       the blob
 *   MODEL.md         model card (accuracy of the int8 model on info.test if
 *                    given: reported only, never used for any choice)
 */
#ifndef INKPIN_HOST_EXPORT_H
#define INKPIN_HOST_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "data/data.h"
#include "diag.h"
#include "model/model.h"
#include "model/quant.h"

#define EXPORT_CALIB_IMAGES 2000
#define EXPORT_FORMAT_VERSION 1

typedef struct {
    const char *command; /* the exact command line that made the model */
    uint64_t seed;
    double val_accuracy;  /* float model on the validation split; < 0: unknown */
    double train_seconds; /* < 0: unknown */
    const dataset *test;  /* optional: MNIST test for the card (report only) */
    const char *notes;    /* optional Markdown appended to MODEL.md */
    const char *c_dir;    /* where the C source goes (NULL: out_dir); the shipped
                              model's is the library's src/ */
    const char *name;     /* NULL or "default": default_model.c, net_default_model(),
                             NET_ARENA_BYTES; any other name N (lower case, digits, _):
                             N_model.c, inkpin/N_model.h, net_N_model(),
                             NET_<N>_ARENA_BYTES, NET_<N>_MODEL_*, so that several
                             compiled-in models link together (the 8-bit model:
                             "small") */
} export_info;

#define EXPORT_NAME_MAX 24

/* 1 if name is a valid model name (see export_info.name), else 0. */
int export_name_ok(const char *name);

/* Quantize + write the four files. 0, or -1 with d filled. */
int export_model(const float_model *fm, const dataset *calib, const export_info *info,
                 const char *out_dir, inkpin_diag *d);

/* Quantize only (calibration on calib's first EXPORT_CALIB_IMAGES images). */
int export_quantize(quant_model *q, const float_model *fm, const dataset *calib, inkpin_diag *d);

/* The blob of q in a malloc'd buffer (*out, *n). 0 or -1. */
int export_blob(const quant_model *q, uint8_t **out, size_t *n, inkpin_diag *d);

/* Writes out_dir/<name>_model.c and out_dir/inkpin/<name>_model.h of q. */
int export_c(const quant_model *q, const export_info *info, const char *out_dir, inkpin_diag *d);

#endif
