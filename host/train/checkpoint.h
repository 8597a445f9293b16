/* checkpoint.h - the trainer's state and its file format.
 *
 * A train_state is everything needed to continue a run bit for bit: the
 * architecture, the hyper-parameters that change the result, where in the
 * schedule the run stands, the parameters, both Adam moments, the batch-norm
 * running statistics, and the best parameters so far (by validation
 * accuracy) with their statistics. All float arrays live in one block.
 *
 * File format (version 2), every integer and float little-endian, written and
 * read byte by byte:
 *
 *   offset size  field
 *   0      8     magic "INKPCKPT"
 *   8      4     u32 version (1)
 *   12     128   arch spec, NUL-padded (see tnet.h)
 *   140    8     u64 seed
 *   148    4     u32 epochs (planned)     152 4  u32 batch size
 *   156    4     f32 peak learning rate   160 4  f32 weight decay
 *   164    4     u32 pen repeat (times each pen-stroke sample is seen per epoch)
 *   168    4     u32 augment strength, 1/1000 of the defaults (0 = off)
 *   172    4     u32 train limit (0 = all)
 *   176    4     u32 next epoch           180 4  u32 next batch in that epoch
 *   184    8     u64 optimizer steps taken
 *   192    4     f32 best validation accuracy (0..1)
 *   196    4     u32 best epoch (1-based; 0 = none yet)
 *   200    4     u32 n_params               204 4  u32 n_stats
 *   208    4     u32 scribbles per epoch (outlier exposure)
 *   212    ...   f32 params[n_params], adam_m[n_params], adam_v[n_params],
 *                stats[n_stats], best_params[n_params], best_stats[n_stats]
 *   end-4  4     u32 CRC-32 (zlib) of every byte before it
 *
 * Version 1 files (the same without the scribbles field: a 208-byte header)
 * are still read, with scribbles 0.
 *
 * n_params and n_stats must equal what the arch spec implies; the file length
 * must be exact. Any mismatch, short file or bad CRC is an error naming the
 * file and offset.
 */
#ifndef INKPIN_TRAIN_CHECKPOINT_H
#define INKPIN_TRAIN_CHECKPOINT_H

#include <stdint.h>

#include "diag.h"
#include "model/model.h"
#include "train/tnet.h"

#define CKPT_MAGIC "INKPCKPT"
#define CKPT_VERSION 2u

typedef struct {
    tnet net;
    uint64_t seed;
    uint32_t epochs, batch;
    float lr, wd;
    uint32_t pen_repeat, augment, limit, scribbles;
    uint32_t epoch, batch_index; /* where to continue */
    uint64_t step;
    float best_val;
    uint32_t best_epoch;
    float *params, *adam_m, *adam_v, *stats, *best_params, *best_stats;
    float *block;
} train_state;

/* Parses arch and allocates zeroed arrays. 0 or -1 with d filled. */
int train_state_alloc(train_state *s, const char *arch, inkpin_diag *d);
void train_state_free(train_state *s);

/* Writes to path.tmp then renames, so a crash never leaves half a file. */
int train_checkpoint_save(const char *path, const train_state *s, inkpin_diag *d);
/* Loads into a fresh state (allocates; train_state_free it). */
int train_checkpoint_load(const char *path, train_state *s, inkpin_diag *d);

/* The best parameters of a checkpoint as a float_model (batch norm folded).
 * The weights live in one malloc'd block: release with train_float_model_free. */
int train_checkpoint_to_float_model(const char *path, float_model *out, inkpin_diag *d);
void train_float_model_free(float_model *m);

#endif
