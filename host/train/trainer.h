/* trainer.h - the training loop behind `inkpin train`.
 *
 * Data: MNIST train, binarized by data_binarize. The LAST 5,000 images are
 * the validation set (model selection and early stopping); the first 55,000
 * (or `limit`) are trained on. Optionally, pen-stroke digits (NDJSON) from
 * writers of the TUNE part of the writer-disjoint split (strokes_part) are
 * rendered through the ink module and mixed in, `pen_repeat` times per epoch;
 * REPORT writers are never trained on and only reported. MNIST test is only
 * reported at the end, never used for a choice.
 *
 * Optimizer: AdamW (decoupled weight decay on conv/dense weights only),
 * linear warm-up then cosine decay of the learning rate over all steps.
 *
 * Determinism: the epoch order is a Fisher-Yates shuffle seeded by
 * (seed, epoch); each sample's augmentation by (seed, epoch, sample id); the
 * network reduces gradients in a fixed order (tnet.h). So the same seed and
 * data give the same model bit for bit for any thread count, and a run
 * interrupted and resumed from its checkpoint ends where an uninterrupted run
 * ends.
 */
#ifndef INKPIN_TRAIN_TRAINER_H
#define INKPIN_TRAIN_TRAINER_H

#include <signal.h>
#include <stdint.h>

#include "data/data.h"
#include "diag.h"
#include "data/strokes.h"
#include "train/augment.h"
#include "train/tnet.h"

#define TRAIN_VAL_IMAGES 5000

typedef struct {
    const char *arch; /* tnet spec */
    int epochs;
    uint64_t seed;
    int threads; /* 0: OpenMP default */
    int batch;
    float lr, wd;
    int limit;               /* train on the first `limit` images (0: all 55,000) */
    int val_limit;           /* validate on the first `val_limit` of the 5,000 (0: all) */
    int augment;             /* strength in 1/1000 of augment_defaults (1000), 0: none */
    int pen_repeat;          /* times each TUNE pen sample is used per epoch (0: none) */
    int scribbles;           /* non-digit scribbles per epoch, trained toward the uniform target */
    float pen_rotate;        /* > 0: pen strokes rotated +-this many degrees (0: as MNIST images) */
    int pen_thin;            /* > 0: pen strokes thinned to every k-th point, k uniform in
                           * 1..pen_thin (0: 1 sample in 4 thinned to every 2nd..4th);
                           * neither is stored in checkpoints */
    int pen_fold, pen_folds; /* pen_folds > 0: TUNE writers of fold pen_fold (strokes_tune_fold)
                              * are held out of training and measured (recipe selection
                              * by writer-disjoint cross-validation); 0: train on all TUNE */
    const char *teacher;     /* checkpoint of a larger trained network to distill from, or NULL
                           * (its selected parameters; not stored in checkpoints) */
    float kd_alpha;          /* weight of the teacher's soft targets (distill_forward) */
    float kd_temp;           /* distillation temperature */
    int patience;            /* stop after this many epochs without a better val (0: never) */
    const char *out_dir;     /* writes last.ckpt (every epoch / on interrupt) and best.ckpt */
    const char *resume;      /* checkpoint to continue from, or NULL */
    int progress;            /* 0 silent, 1 plain lines, 2 terminal progress bar */
    volatile sig_atomic_t *stop; /* set (e.g. by SIGINT): checkpoint and return */
    uint64_t stop_at_step; /* tests: act as interrupted once this many steps are done (0: off) */
} train_config;

typedef struct {
    double val_accuracy;         /* best, 0..1 */
    int best_epoch;              /* 1-based */
    int epochs_run;              /* epochs completed in this process */
    long params;                 /* parameters of the exported (folded) model */
    double seconds;              /* wall time in this process */
    double test_accuracy;        /* float model on MNIST test (-1 if not given) */
    double pen_report_accuracy;  /* float model on REPORT writers (-1 if none) */
    double pen_tune_accuracy;    /* float model on TUNE writers' plain renders (trained on) */
    double pen_holdout_accuracy; /* held-out TUNE fold (pen_folds > 0), else -1 */
    int pen_holdout_n;
    int pen_report_n;
    int interrupted;      /* 1 if *stop ended the run early */
    char best_path[4096]; /* the best checkpoint */
} train_result;

typedef struct {
    const dataset *train;   /* MNIST train: 60,000 (the last 5,000 validate) */
    const dataset *test;    /* MNIST test, only reported; may be NULL */
    const strokes_set *pen; /* labelled pen strokes; may be NULL */
} train_data;

void train_config_defaults(train_config *c);

/* Trains. 0 on success (also when interrupted: res->interrupted), -1 with d. */
int train_run(const train_config *cfg, const train_data *data, train_result *res, inkpin_diag *d);

/* Accuracy of parameters on n binarized images (0/1 bytes, 784 each). */
double train_accuracy(const tnet *net, const float *params, float *stats, const uint8_t *img01,
                      const uint8_t *labels, int n);

#endif
