/* trainer.c - the training loop (see trainer.h). */
#include "train/trainer.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "eval/ink_eval.h"
#include "train/checkpoint.h"
#include "train/layers.h"
#include "train/tnet.h"

#define EVAL_BATCH 250

void train_config_defaults(train_config *c)
{
    memset(c, 0, sizeof *c);
    /* the shipped model's settings (docs/training.md) */
    c->arch = "c8bp,c16bpq,c32bq,d10q";
    c->epochs = 30;
    c->seed = 2;
    c->batch = 64;
    c->lr = 0.01f;
    c->wd = 0.05f;
    c->augment = 500;
    c->pen_repeat = 1;
    c->kd_alpha = 0.7f;
    c->kd_temp = 4.0f;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- sample sources ------------------------------------------------------------ */

/* One entry of an epoch: MNIST image i (id < n_mnist) or pen sample. */
typedef struct {
    const uint8_t *mnist01; /* n_train x 784 binarized */
    const uint8_t *mnist_labels;
    int n_mnist;
    const strokes_sample **pen; /* TUNE samples */
    uint8_t *pen_plain01;       /* their plain renders, fallback when augmentation fails */
    int n_pen, pen_repeat;
    int n_scribble; /* "not a digit" scribbles (uniform target) */
} sample_pool;

#define SCRIBBLE_LABEL 255      /* out of 0..9: the uniform target */
#define SCRIBBLE_SEED0 1000000u /* ink_eval's reserved range for training scribbles */

static int pool_size(const sample_pool *p)
{
    return p->n_mnist + p->n_pen * p->pen_repeat + p->n_scribble;
}

static void make_sample(const sample_pool *p, int id, uint64_t seed, uint32_t epoch,
                        const augment_params *aug, float *x, uint8_t *label)
{
    rng_t r = rng_make(seed, RNG_AUGMENT, epoch, (uint64_t)id);
    uint8_t img[DATA_PIXELS];
    if (id < p->n_mnist) {
        const uint8_t *src = p->mnist01 + (size_t)id * DATA_PIXELS;
        if (aug)
            augment_image(img, src, aug, &r);
        else
            memcpy(img, src, DATA_PIXELS);
        *label = p->mnist_labels[id];
    } else if (id >= p->n_mnist + p->n_pen * p->pen_repeat) {
        /* outlier exposure: a scribble that is not a digit, uniform target */
        uint32_t k = (uint32_t)(id - p->n_mnist - p->n_pen * p->pen_repeat);
        strokes_sample sm;
        memset(img, 0, DATA_PIXELS);
        if (inkeval_scribble((int)(k % SCRIBBLE_KINDS), SCRIBBLE_SEED0 + k, &sm) == 0) {
            if (augment_strokes(img, &sm, aug, &r) != 0)
                memset(img, 0, DATA_PIXELS);
            strokes_sample_free(&sm);
        }
        *label = SCRIBBLE_LABEL;
    } else {
        int k = (id - p->n_mnist) % p->n_pen;
        if (!aug || augment_strokes(img, p->pen[k], aug, &r) != 0)
            memcpy(img, p->pen_plain01 + (size_t)k * DATA_PIXELS, DATA_PIXELS);
        *label = (uint8_t)p->pen[k]->label;
    }
    for (int i = 0; i < DATA_PIXELS; i++)
        x[i] = (float)img[i];
}

static void shuffle(int *order, int n, uint64_t seed, uint32_t epoch)
{
    rng_t r = rng_make(seed, RNG_SHUFFLE, epoch, 0);
    for (int i = 0; i < n; i++)
        order[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(&r, (uint32_t)i + 1);
        int t = order[i];
        order[i] = order[j], order[j] = t;
    }
}

/* ---- optimizer ------------------------------------------------------------------ */

static float lr_at(const train_state *s, uint64_t step, uint64_t total)
{
    uint64_t warm = total / 25 > 0 ? total / 25 : 1;
    if (step < warm)
        return s->lr * (0.1f + 0.9f * (float)step / (float)warm);
    double t = (double)(step - warm) / (double)(total > warm ? total - warm : 1);
    if (t > 1.0)
        t = 1.0;
    return (float)(s->lr * (0.002 + 0.998 * 0.5 * (1.0 + cos(3.14159265358979 * t))));
}

static void adamw_step(train_state *s, const float *grads, const unsigned char *decays, float lr)
{
    const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
    s->step++;
    float c1 = 1.0f - powf(b1, (float)s->step), c2 = 1.0f - powf(b2, (float)s->step);
    long n = s->net.n_params;
    for (long i = 0; i < n; i++) {
        float g = grads[i];
        s->adam_m[i] = b1 * s->adam_m[i] + (1.0f - b1) * g;
        s->adam_v[i] = b2 * s->adam_v[i] + (1.0f - b2) * g * g;
        float upd = (s->adam_m[i] / c1) / (sqrtf(s->adam_v[i] / c2) + eps);
        if (decays[i])
            upd += s->wd * s->params[i];
        s->params[i] -= lr * upd;
    }
}

/* ---- evaluation ------------------------------------------------------------------ */

double train_accuracy(const tnet *net, const float *params, float *stats, const uint8_t *img01,
                      const uint8_t *labels, int n)
{
    tnet_work w;
    if (n <= 0 || tnet_work_alloc(&w, net, EVAL_BATCH))
        return 0.0;
    float *x = malloc(sizeof(float) * EVAL_BATCH * DATA_PIXELS);
    int correct = 0;
    for (int start = 0; x && start < n; start += EVAL_BATCH) {
        int B = n - start < EVAL_BATCH ? n - start : EVAL_BATCH;
        for (long i = 0; i < (long)B * DATA_PIXELS; i++)
            x[i] = (float)img01[(size_t)start * DATA_PIXELS + (size_t)i];
        tnet_forward(net, params, stats, &w, x, NULL, B, 0);
        for (int b = 0; b < B; b++) {
            const float *p = w.probs + b * TNET_CLASSES;
            int best = 0;
            for (int c = 1; c < TNET_CLASSES; c++)
                if (p[c] > p[best])
                    best = c;
            correct += best == labels[start + b];
        }
    }
    free(x);
    tnet_work_free(&w);
    return (double)correct / n;
}

/* ---- progress ------------------------------------------------------------------- */

static void fmt_time(char *buf, size_t n, double s)
{
    if (s < 0 || s > 1e6)
        s = 0;
    int t = (int)(s + 0.5);
    snprintf(buf, n, "%d:%02d", t / 60, t % 60);
}

static void show_bar(const train_state *s, int batch_i, int nb, float loss, double elapsed,
                     double done_frac)
{
    char eta[16];
    fmt_time(eta, sizeof eta, done_frac > 0 ? elapsed / done_frac * (1 - done_frac) : 0);
    int filled = nb ? 24 * batch_i / nb : 0;
    char bar[25];
    for (int i = 0; i < 24; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[24] = 0;
    fprintf(stderr, "\r epoch %u/%u [%s] %d/%d loss %.4f best val %.2f%% ETA %s  ", s->epoch + 1,
            s->epochs, bar, batch_i, nb, loss, 100.0 * s->best_val, eta);
    fflush(stderr);
}

/* ---- the run --------------------------------------------------------------------- */

static int start_state(train_state *s, const train_config *cfg, inkpin_diag *d)
{
    if (cfg->resume) {
        if (train_checkpoint_load(cfg->resume, s, d))
            return -1;
        if (cfg->epochs > 0 && (uint32_t)cfg->epochs != s->epochs)
            fprintf(stderr, "train: --resume keeps the checkpoint's schedule (%u epochs)\n",
                    s->epochs);
        return 0;
    }
    if (train_state_alloc(s, cfg->arch, d))
        return -1;
    s->seed = cfg->seed;
    s->epochs = (uint32_t)cfg->epochs;
    s->batch = (uint32_t)cfg->batch;
    s->lr = cfg->lr;
    s->wd = cfg->wd;
    s->pen_repeat = (uint32_t)cfg->pen_repeat;
    s->augment = (uint32_t)cfg->augment;
    s->limit = (uint32_t)cfg->limit;
    s->scribbles = (uint32_t)cfg->scribbles;
    tnet_init(&s->net, s->params, s->stats, s->seed);
    return 0;
}

/* ---- distillation teacher ----------------------------------------------------------- */

typedef struct {
    train_state s; /* its selected parameters are best_params / best_stats */
    tnet_work w;
    float *soft; /* batch x 10 soft targets */
    int loaded;
} teacher_t;

static int teacher_open(teacher_t *t, const char *path, int max_batch, inkpin_diag *d)
{
    memset(t, 0, sizeof *t);
    if (!path)
        return 0;
    if (train_checkpoint_load(path, &t->s, d))
        return -1;
    t->loaded = 1;
    if (t->s.best_epoch == 0)
        return diag_fail(d, "train: teacher %s has no validated epoch yet", path);
    t->soft = malloc(sizeof(float) * (size_t)max_batch * TNET_CLASSES);
    if (!t->soft || tnet_work_alloc(&t->w, &t->s.net, max_batch))
        return diag_fail(d, "train: out of memory (teacher)");
    return 0;
}

/* The teacher's soft targets at temperature temp for the B samples in x. */
static const float *teacher_targets(teacher_t *t, const float *x, int B, float temp)
{
    const float *logits;
    tnet_forward(&t->s.net, t->s.best_params, t->s.best_stats, &t->w, x, NULL, B, 0);
    logits = t->w.o[t->s.net.n_layers - 1];
    for (int b = 0; b < B; b++)
        softmax_temp(t->soft + b * TNET_CLASSES, logits + b * TNET_CLASSES, temp, TNET_CLASSES);
    return t->soft;
}

static void teacher_close(teacher_t *t)
{
    tnet_work_free(&t->w);
    free(t->soft);
    if (t->loaded)
        train_state_free(&t->s);
    memset(t, 0, sizeof *t);
}

/* ---- the run, in named steps ------------------------------------------------------------ */

/* Everything one run owns (run_free releases it). */
typedef struct {
    train_state s;
    /* the pools: MNIST binarized once (the last TRAIN_VAL_IMAGES validate), pen strokes by part */
    uint8_t *bin, *val_lab;
    const uint8_t *val01;
    int n_train, n_val;
    sample_pool pool;
    const strokes_sample **pen;
    uint8_t *pen_plain;           /* TUNE writers' plain renders (pool.pen_plain01) */
    uint8_t *rep_bin, *rep_lab;   /* REPORT writers: only reported */
    uint8_t *hold_bin, *hold_lab; /* the held-out TUNE fold (pen_folds > 0) */
    int n_rep, n_hold;
    /* one step: a batch B of the shuffled pool, nb batches per epoch */
    int B, nb;
    uint64_t total_steps;
    int *order;
    float *x, *grads, *qparams;
    uint8_t *ylab, *decays;
    tnet_work w;
    teacher_t teacher;
    augment_params augp;
    const augment_params *aug; /* &augp, or NULL without augmentation */
    int has_qat;               /* 4-bit layers train fake-quantized from epoch qat_from */
    uint32_t qat_from;
    int since_best;
    double epoch_loss; /* mean training loss of the epoch just run */
    double run_start;
    uint64_t step0;
    char last_path[4096];
} trainer_run;

static int out_of_memory(inkpin_diag *d)
{
    return diag_fail(d, "train: out of memory");
}

/* MNIST train binarized once and its validation labels. */
static int build_mnist_pool(trainer_run *r, const train_config *cfg, const dataset *tr,
                            inkpin_diag *d)
{
    int n_all = tr->n, n_train_all = n_all - TRAIN_VAL_IMAGES;
    r->bin = malloc((size_t)n_all * DATA_PIXELS);
    if (!r->bin)
        return out_of_memory(d);
    for (int i = 0; i < n_all; i++)
        data_binarize(tr->pixels + (size_t)i * DATA_PIXELS, r->bin + (size_t)i * DATA_PIXELS);
    r->n_train = r->s.limit > 0 && (int)r->s.limit < n_train_all ? (int)r->s.limit : n_train_all;
    r->n_val =
        cfg->val_limit > 0 && cfg->val_limit < TRAIN_VAL_IMAGES ? cfg->val_limit : TRAIN_VAL_IMAGES;
    r->val01 = r->bin + (size_t)n_train_all * DATA_PIXELS;
    r->val_lab = malloc((size_t)r->n_val);
    if (!r->val_lab)
        return out_of_memory(d);
    memcpy(r->val_lab, tr->labels + n_train_all, (size_t)r->n_val);
    sample_pool pool = {r->bin, tr->labels, r->n_train,           NULL,
                        NULL,   0,          (int)r->s.pen_repeat, (int)r->s.scribbles};
    r->pool = pool;
    return 0;
}

/* Pen strokes: TUNE writers train, REPORT writers are only reported, a
 * held-out TUNE fold (cross-validation) is only measured. */
static int build_pen_pool(trainer_run *r, const train_config *cfg, const strokes_set *pen_set,
                          inkpin_diag *d)
{
    if (pen_set && pen_set->n > 0) {
        size_t n = (size_t)pen_set->n;
        r->pen = malloc(sizeof *r->pen * n);
        r->pen_plain = malloc(n * DATA_PIXELS);
        r->rep_bin = malloc(n * DATA_PIXELS);
        r->rep_lab = malloc(n);
        if (cfg->pen_folds > 0) {
            r->hold_bin = malloc(n * DATA_PIXELS);
            r->hold_lab = malloc(n);
            if (!r->hold_bin || !r->hold_lab)
                return out_of_memory(d);
        }
        if (!r->pen || !r->pen_plain || !r->rep_bin || !r->rep_lab)
            return out_of_memory(d);
        for (int i = 0; i < pen_set->n; i++) {
            const strokes_sample *sm = &pen_set->samples[i];
            uint8_t img[DATA_PIXELS];
            if (sm->label < 0 || sm->label > 9 || augment_strokes(img, sm, NULL, NULL) != 0)
                continue; /* unlabelled, or no digit to render */
            if (cfg->pen_folds > 0 && strokes_tune_fold(sm, cfg->pen_folds) == cfg->pen_fold) {
                memcpy(r->hold_bin + (size_t)r->n_hold * DATA_PIXELS, img, DATA_PIXELS);
                r->hold_lab[r->n_hold++] = (uint8_t)sm->label;
            } else if (strokes_part(sm) == STROKES_TUNE) {
                memcpy(r->pen_plain + (size_t)r->pool.n_pen * DATA_PIXELS, img, DATA_PIXELS);
                r->pen[r->pool.n_pen++] = sm;
            } else {
                memcpy(r->rep_bin + (size_t)r->n_rep * DATA_PIXELS, img, DATA_PIXELS);
                r->rep_lab[r->n_rep++] = (uint8_t)sm->label;
            }
        }
        r->pool.pen = r->pen;
        r->pool.pen_plain01 = r->pen_plain;
    }
    if (r->pool.pen_repeat < 0 || r->pool.n_pen == 0)
        r->pool.pen_repeat = 0;
    return 0;
}

/* The step's buffers, the optimizer's decay mask, the teacher and the
 * augmentation; then says what the run will do. */
static int prepare_steps(trainer_run *r, const train_config *cfg, train_result *res, inkpin_diag *d)
{
    train_state *s = &r->s;
    int n_pool = pool_size(&r->pool);
    r->B = (int)s->batch;
    if (n_pool < r->B)
        r->B = n_pool;
    r->nb = n_pool / r->B; /* the last partial batch is dropped (a different one each epoch) */
    r->total_steps = (uint64_t)r->nb * s->epochs;
    r->order = malloc(sizeof(int) * (size_t)n_pool);
    r->x = malloc(sizeof(float) * (size_t)r->B * DATA_PIXELS);
    r->ylab = malloc((size_t)r->B);
    r->grads = malloc(sizeof(float) * (size_t)s->net.n_params);
    r->qparams = malloc(sizeof(float) * (size_t)s->net.n_params);
    r->decays = malloc((size_t)s->net.n_params);
    if (!r->order || !r->x || !r->ylab || !r->grads || !r->qparams || !r->decays ||
        tnet_work_alloc(&r->w, &s->net, r->B))
        return out_of_memory(d);
    for (long i = 0; i < s->net.n_params; i++)
        r->decays[i] = (unsigned char)tnet_param_decays(&s->net, i);
    if (teacher_open(&r->teacher, cfg->teacher, r->B, d))
        return -1;
    augment_defaults(&r->augp);
    augment_scale(&r->augp, (float)s->augment / 1000.0f);
    r->augp.pen_rot_deg = cfg->pen_rotate;
    r->augp.pen_thin_max = cfg->pen_thin;
    r->aug = s->augment ? &r->augp : NULL;

    snprintf(r->last_path, sizeof r->last_path, "%s/last.ckpt", cfg->out_dir);
    snprintf(res->best_path, sizeof res->best_path, "%s/best.ckpt", cfg->out_dir);
    if (cfg->progress)
        fprintf(stderr,
                "train: %s, %ld params, %d MNIST + %d pen x%d + %d scribbles per epoch, %d val, "
                "batch %d, %u epochs, %d threads%s%s\n",
                s->net.spec, s->net.n_params, r->n_train, r->pool.n_pen, r->pool.pen_repeat,
                r->pool.n_scribble, r->n_val, r->B, s->epochs, omp_get_max_threads(),
                cfg->teacher ? ", distilled from " : "", cfg->teacher ? cfg->teacher : "");

    /* quantization-aware training: 4-bit layers train fake-quantized for the
     * last third of the epochs; validation always measures the 4-bit weights */
    r->has_qat = tnet_has_qat(&s->net);
    r->qat_from = s->epochs * 2 / 3;
    r->run_start = now_seconds();
    r->step0 = s->step;
    r->since_best = 0;
    return 0;
}

enum { EPOCH_DONE = 0, EPOCH_INTERRUPTED = 1, EPOCH_ERROR = -1 };

/* The batches of one epoch (from s.batch_index, so a resumed run continues
 * mid-epoch). On an interrupt saves last.ckpt and returns EPOCH_INTERRUPTED. */
static int run_epoch(trainer_run *r, const train_config *cfg, inkpin_diag *d)
{
    train_state *s = &r->s;
    int B = r->B;
    shuffle(r->order, pool_size(&r->pool), s->seed, s->epoch);
    double loss_sum = 0.0;
    int loss_n = 0;
    double last_draw = 0.0;
    for (int bi = (int)s->batch_index; bi < r->nb; bi++) {
#pragma omp parallel for schedule(static)
        for (int b = 0; b < B; b++)
            make_sample(&r->pool, r->order[bi * B + b], s->seed, s->epoch, r->aug,
                        r->x + (size_t)b * DATA_PIXELS, &r->ylab[b]);
        const float *pp = s->params;
        if (r->has_qat && s->epoch >= r->qat_from) {
            tnet_fake_quant(&s->net, s->params, r->qparams);
            pp = r->qparams;
        }
        if (r->teacher.loaded) {
            r->w.soft = teacher_targets(&r->teacher, r->x, B, cfg->kd_temp);
            r->w.kd_alpha = cfg->kd_alpha;
            r->w.kd_temp = cfg->kd_temp;
        }
        float loss = tnet_forward(&s->net, pp, s->stats, &r->w, r->x, r->ylab, B, 1);
        tnet_backward(&s->net, pp, r->grads, &r->w, r->x, r->ylab, B);
        adamw_step(s, r->grads, r->decays, lr_at(s, s->step, r->total_steps));
        loss_sum += loss;
        loss_n++;
        s->batch_index = (uint32_t)bi + 1;
        double t = now_seconds();
        if (cfg->progress == 2 && (t - last_draw > 0.2 || bi == r->nb - 1)) {
            double frac = (double)(s->step - r->step0) / (double)(r->total_steps - r->step0 + 1);
            show_bar(s, bi + 1, r->nb, (float)(loss_sum / loss_n), t - r->run_start, frac);
            last_draw = t;
        }
        if ((cfg->stop && *cfg->stop) || (cfg->stop_at_step && s->step >= cfg->stop_at_step)) {
            if (cfg->progress == 2)
                fputc('\n', stderr);
            if (train_checkpoint_save(r->last_path, s, d))
                return EPOCH_ERROR;
            if (cfg->progress)
                fprintf(stderr, "train: interrupted; state saved to %s (continue with --resume)\n",
                        r->last_path);
            return EPOCH_INTERRUPTED;
        }
    }
    s->batch_index = 0;
    s->epoch++;
    r->epoch_loss = loss_sum / (loss_n ? loss_n : 1);
    return EPOCH_DONE;
}

enum { GO_ON = 0, STOP_EARLY = 1 };

/* After an epoch: validate the 4-bit weights, keep the best, log, save
 * last.ckpt (and best.ckpt); STOP_EARLY when patience ran out. */
static int end_epoch(trainer_run *r, const train_config *cfg, double t0, train_result *res,
                     inkpin_diag *d)
{
    train_state *s = &r->s;
    res->epochs_run++;
    tnet_fake_quant(&s->net, s->params, r->qparams); /* a copy when no layer is 4-bit */
    double val = train_accuracy(&s->net, r->qparams, s->stats, r->val01, r->val_lab, r->n_val);
    int improved = val > s->best_val;
    if (improved) {
        s->best_val = (float)val;
        s->best_epoch = s->epoch;
        memcpy(s->best_params, s->params, sizeof(float) * (size_t)s->net.n_params);
        memcpy(s->best_stats, s->stats, sizeof(float) * (size_t)s->net.n_stats);
        r->since_best = 0;
    } else {
        r->since_best++;
    }
    if (cfg->progress) {
        char el[16];
        fmt_time(el, sizeof el, now_seconds() - t0);
        fprintf(stderr, "%sepoch %u/%u loss %.4f val %.2f%%%s elapsed %s\n",
                cfg->progress == 2 ? "\r" : "", s->epoch, s->epochs, r->epoch_loss, 100.0 * val,
                improved ? " (best)" : "", el);
    }
    if (train_checkpoint_save(r->last_path, s, d))
        return -1;
    if (improved && train_checkpoint_save(res->best_path, s, d))
        return -1;
    if (cfg->patience > 0 && r->since_best >= cfg->patience) {
        if (cfg->progress)
            fprintf(stderr, "train: no better validation for %d epochs; stopping\n", cfg->patience);
        return STOP_EARLY;
    }
    return GO_ON;
}

/* Reports (never used for any choice) with the best parameters as exported:
 * MNIST test, the TUNE writers' plain renders, the held-out fold, the REPORT writers. */
static int final_reports(trainer_run *r, const dataset *test, train_result *res, inkpin_diag *d)
{
    train_state *s = &r->s;
    tnet_fake_quant(&s->net, s->best_params, r->qparams);
    if (test && test->labels && test->n > 0) {
        uint8_t *test_bin = malloc((size_t)test->n * DATA_PIXELS);
        if (!test_bin)
            return out_of_memory(d);
        for (int i = 0; i < test->n; i++)
            data_binarize(test->pixels + (size_t)i * DATA_PIXELS,
                          test_bin + (size_t)i * DATA_PIXELS);
        res->test_accuracy =
            train_accuracy(&s->net, r->qparams, s->best_stats, test_bin, test->labels, test->n);
        free(test_bin);
    }
    if (r->pool.n_pen > 0) {
        uint8_t *tl = malloc((size_t)r->pool.n_pen);
        if (!tl)
            return out_of_memory(d);
        for (int i = 0; i < r->pool.n_pen; i++)
            tl[i] = (uint8_t)r->pool.pen[i]->label;
        res->pen_tune_accuracy = train_accuracy(&s->net, r->qparams, s->best_stats,
                                                r->pool.pen_plain01, tl, r->pool.n_pen);
        free(tl);
    }
    if (r->n_hold > 0) {
        res->pen_holdout_accuracy =
            train_accuracy(&s->net, r->qparams, s->best_stats, r->hold_bin, r->hold_lab, r->n_hold);
        res->pen_holdout_n = r->n_hold;
    }
    if (r->n_rep > 0) {
        res->pen_report_accuracy =
            train_accuracy(&s->net, r->qparams, s->best_stats, r->rep_bin, r->rep_lab, r->n_rep);
        res->pen_report_n = r->n_rep;
    }
    return 0;
}

static void run_free(trainer_run *r)
{
    tnet_work_free(&r->w);
    teacher_close(&r->teacher);
    free(r->bin), free(r->pen_plain), free(r->val_lab), free(r->rep_bin), free(r->rep_lab);
    free(r->hold_bin), free(r->hold_lab);
    free(r->ylab), free(r->decays), free(r->pen), free(r->order), free(r->x), free(r->grads);
    free(r->qparams);
    train_state_free(&r->s);
}

int train_run(const train_config *cfg, const train_data *data, train_result *res, inkpin_diag *d)
{
    double t0 = now_seconds();
    memset(res, 0, sizeof *res);
    res->test_accuracy = res->pen_report_accuracy = res->pen_tune_accuracy = -1.0;
    res->pen_holdout_accuracy = -1.0;
    if (cfg->threads > 0)
        omp_set_num_threads(cfg->threads);
    const dataset *tr = data->train;
    if (!tr || !tr->labels || tr->n <= TRAIN_VAL_IMAGES)
        return diag_fail(d, "train: need a labelled training set of more than %d images",
                         TRAIN_VAL_IMAGES);
    if (cfg->epochs < 1 || cfg->batch < 1 || cfg->batch > 4096)
        return diag_fail(d, "train: epochs must be >= 1 and batch in 1..4096");

    trainer_run r;
    memset(&r, 0, sizeof r);
    if (start_state(&r.s, cfg, d))
        return -1;
    int rc = build_mnist_pool(&r, cfg, tr, d) || build_pen_pool(&r, cfg, data->pen, d) ||
                     prepare_steps(&r, cfg, res, d)
                 ? -1
                 : 0;
    while (rc == 0 && r.s.epoch < r.s.epochs) {
        int e = run_epoch(&r, cfg, d);
        if (e == EPOCH_INTERRUPTED)
            res->interrupted = 1;
        if (e == EPOCH_ERROR)
            rc = -1;
        if (e != EPOCH_DONE)
            break;
        e = end_epoch(&r, cfg, t0, res, d);
        if (e < 0)
            rc = -1;
        if (e != GO_ON)
            break;
    }
    if (rc == 0 && !res->interrupted)
        rc = final_reports(&r, data->test, res, d);
    if (rc == 0) {
        res->val_accuracy = r.s.best_val;
        res->best_epoch = (int)r.s.best_epoch;
        res->params =
            r.s.net.n_params - 2 * (r.s.net.n_stats / 2); /* folded: BN gamma/beta vanish */
    }
    res->seconds = now_seconds() - t0;
    run_free(&r);
    return rc;
}
