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
    uint8_t *pen_plain01;        /* their plain renders, fallback when augmentation fails */
    int n_pen, pen_repeat;
    int n_scribble; /* "not a digit" scribbles (uniform target) */
} sample_pool;

#define SCRIBBLE_LABEL 255  /* out of 0..9: the uniform target */
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
            fprintf(stderr, "train: --resume keeps the checkpoint's schedule (%u epochs)\n", s->epochs);
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
    train_state s;  /* its selected parameters are best_params / best_stats */
    tnet_work w;
    float *soft;    /* batch x 10 soft targets */
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
        return diag_fail(d, "train: need a labelled training set of more than %d images", TRAIN_VAL_IMAGES);
    if (cfg->epochs < 1 || cfg->batch < 1 || cfg->batch > 4096)
        return diag_fail(d, "train: epochs must be >= 1 and batch in 1..4096");

    train_state s;
    if (start_state(&s, cfg, d))
        return -1;
    int rc = -1;
    uint8_t *bin = NULL, *pen_plain = NULL, *val_lab = NULL, *test_bin = NULL, *rep_bin = NULL;
    uint8_t *rep_lab = NULL, *ylab = NULL, *decays = NULL, *hold_bin = NULL, *hold_lab = NULL;
    const strokes_sample **pen = NULL;
    int *order = NULL;
    float *x = NULL, *grads = NULL, *qparams = NULL;
    tnet_work w;
    teacher_t teacher;
    memset(&w, 0, sizeof w);
    memset(&teacher, 0, sizeof teacher);

    /* binarize MNIST train once */
    int n_all = tr->n, n_train_all = n_all - TRAIN_VAL_IMAGES;
    bin = malloc((size_t)n_all * DATA_PIXELS);
    if (!bin)
        goto oom;
    for (int i = 0; i < n_all; i++)
        data_binarize(tr->pixels + (size_t)i * DATA_PIXELS, bin + (size_t)i * DATA_PIXELS);
    int n_train = s.limit > 0 && (int)s.limit < n_train_all ? (int)s.limit : n_train_all;
    int n_val = cfg->val_limit > 0 && cfg->val_limit < TRAIN_VAL_IMAGES ? cfg->val_limit : TRAIN_VAL_IMAGES;
    const uint8_t *val01 = bin + (size_t)n_train_all * DATA_PIXELS;
    val_lab = malloc((size_t)n_val);
    if (!val_lab)
        goto oom;
    memcpy(val_lab, tr->labels + n_train_all, (size_t)n_val);

    /* pen strokes: TUNE writers train, REPORT writers are only reported */
    sample_pool pool = {bin, tr->labels, n_train, NULL, NULL, 0, (int)s.pen_repeat, (int)s.scribbles};
    int n_rep = 0, n_hold = 0;
    if (data->pen && data->pen->n > 0) {
        pen = malloc(sizeof *pen * (size_t)data->pen->n);
        pen_plain = malloc((size_t)data->pen->n * DATA_PIXELS);
        rep_bin = malloc((size_t)data->pen->n * DATA_PIXELS);
        rep_lab = malloc((size_t)data->pen->n);
        if (cfg->pen_folds > 0) { /* cross-validation: the held-out fold */
            hold_bin = malloc((size_t)data->pen->n * DATA_PIXELS);
            hold_lab = malloc((size_t)data->pen->n);
            if (!hold_bin || !hold_lab)
                goto oom;
        }
        if (!pen || !pen_plain || !rep_bin || !rep_lab)
            goto oom;
        for (int i = 0; i < data->pen->n; i++) {
            const strokes_sample *sm = &data->pen->samples[i];
            uint8_t img[DATA_PIXELS];
            if (sm->label < 0 || sm->label > 9 || augment_strokes(img, sm, NULL, NULL) != 0)
                continue; /* unlabelled, or no digit to render */
            if (cfg->pen_folds > 0 && strokes_tune_fold(sm, cfg->pen_folds) == cfg->pen_fold) {
                memcpy(hold_bin + (size_t)n_hold * DATA_PIXELS, img, DATA_PIXELS);
                hold_lab[n_hold++] = (uint8_t)sm->label;
            } else if (strokes_part(sm) == STROKES_TUNE) {
                memcpy(pen_plain + (size_t)pool.n_pen * DATA_PIXELS, img, DATA_PIXELS);
                pen[pool.n_pen++] = sm;
            } else {
                memcpy(rep_bin + (size_t)n_rep * DATA_PIXELS, img, DATA_PIXELS);
                rep_lab[n_rep++] = (uint8_t)sm->label;
            }
        }
        pool.pen = pen;
        pool.pen_plain01 = pen_plain;
    }
    if (pool.pen_repeat < 0 || pool.n_pen == 0)
        pool.pen_repeat = 0;

    int n_pool = pool_size(&pool), B = (int)s.batch;
    if (n_pool < B)
        B = n_pool;
    int nb = n_pool / B; /* the last partial batch is dropped (a different one each epoch) */
    uint64_t total_steps = (uint64_t)nb * s.epochs;
    order = malloc(sizeof(int) * (size_t)n_pool);
    x = malloc(sizeof(float) * (size_t)B * DATA_PIXELS);
    ylab = malloc((size_t)B);
    grads = malloc(sizeof(float) * (size_t)s.net.n_params);
    qparams = malloc(sizeof(float) * (size_t)s.net.n_params);
    decays = malloc((size_t)s.net.n_params);
    if (!order || !x || !ylab || !grads || !qparams || !decays || tnet_work_alloc(&w, &s.net, B))
        goto oom;
    for (long i = 0; i < s.net.n_params; i++)
        decays[i] = (unsigned char)tnet_param_decays(&s.net, i);
    if (teacher_open(&teacher, cfg->teacher, B, d))
        goto done;
    augment_params augp;
    augment_defaults(&augp);
    augment_scale(&augp, (float)s.augment / 1000.0f);
    augp.pen_rot_deg = cfg->pen_rotate;
    augp.pen_thin_max = cfg->pen_thin;
    const augment_params *aug = s.augment ? &augp : NULL;

    char last_path[4096];
    snprintf(last_path, sizeof last_path, "%s/last.ckpt", cfg->out_dir);
    snprintf(res->best_path, sizeof res->best_path, "%s/best.ckpt", cfg->out_dir);
    if (cfg->progress)
        fprintf(stderr, "train: %s, %ld params, %d MNIST + %d pen x%d + %d scribbles per epoch, %d val, batch %d, %u epochs, %d threads%s%s\n",
                s.net.spec, s.net.n_params, n_train, pool.n_pen, pool.pen_repeat, pool.n_scribble, n_val, B, s.epochs,
                omp_get_max_threads(), cfg->teacher ? ", distilled from " : "", cfg->teacher ? cfg->teacher : "");

    /* quantization-aware training: 4-bit layers train fake-quantized for the
     * last third of the epochs; validation always measures the 4-bit weights */
    int has_qat = tnet_has_qat(&s.net);
    uint32_t qat_from = s.epochs * 2 / 3;
    double run_start = now_seconds();
    uint64_t step0 = s.step;
    int since_best = 0;
    while (s.epoch < s.epochs) {
        shuffle(order, n_pool, s.seed, s.epoch);
        double loss_sum = 0.0;
        int loss_n = 0;
        double last_draw = 0.0;
        for (int bi = (int)s.batch_index; bi < nb; bi++) {
#pragma omp parallel for schedule(static)
            for (int b = 0; b < B; b++)
                make_sample(&pool, order[bi * B + b], s.seed, s.epoch, aug, x + (size_t)b * DATA_PIXELS,
                            &ylab[b]);
            const float *pp = s.params;
            if (has_qat && s.epoch >= qat_from) {
                tnet_fake_quant(&s.net, s.params, qparams);
                pp = qparams;
            }
            if (teacher.loaded) {
                w.soft = teacher_targets(&teacher, x, B, cfg->kd_temp);
                w.kd_alpha = cfg->kd_alpha;
                w.kd_temp = cfg->kd_temp;
            }
            float loss = tnet_forward(&s.net, pp, s.stats, &w, x, ylab, B, 1);
            tnet_backward(&s.net, pp, grads, &w, x, ylab, B);
            adamw_step(&s, grads, decays, lr_at(&s, s.step, total_steps));
            loss_sum += loss;
            loss_n++;
            s.batch_index = (uint32_t)bi + 1;
            double t = now_seconds();
            if (cfg->progress == 2 && (t - last_draw > 0.2 || bi == nb - 1)) {
                double frac = (double)(s.step - step0) / (double)(total_steps - step0 + 1);
                show_bar(&s, bi + 1, nb, (float)(loss_sum / loss_n), t - run_start, frac);
                last_draw = t;
            }
            if ((cfg->stop && *cfg->stop) || (cfg->stop_at_step && s.step >= cfg->stop_at_step)) {
                if (cfg->progress == 2)
                    fputc('\n', stderr);
                if (train_checkpoint_save(last_path, &s, d))
                    goto done;
                if (cfg->progress)
                    fprintf(stderr, "train: interrupted; state saved to %s (continue with --resume)\n", last_path);
                res->interrupted = 1;
                goto finish;
            }
        }
        s.batch_index = 0;
        s.epoch++;
        res->epochs_run++;
        tnet_fake_quant(&s.net, s.params, qparams); /* a copy when no layer is 4-bit */
        double val = train_accuracy(&s.net, qparams, s.stats, val01, val_lab, n_val);
        int improved = val > s.best_val;
        if (improved) {
            s.best_val = (float)val;
            s.best_epoch = s.epoch;
            memcpy(s.best_params, s.params, sizeof(float) * (size_t)s.net.n_params);
            memcpy(s.best_stats, s.stats, sizeof(float) * (size_t)s.net.n_stats);
            since_best = 0;
        } else {
            since_best++;
        }
        if (cfg->progress) {
            char el[16];
            fmt_time(el, sizeof el, now_seconds() - t0);
            fprintf(stderr, "%sepoch %u/%u loss %.4f val %.2f%%%s elapsed %s\n",
                    cfg->progress == 2 ? "\r" : "", s.epoch, s.epochs, loss_sum / (loss_n ? loss_n : 1),
                    100.0 * val, improved ? " (best)" : "", el);
        }
        if (train_checkpoint_save(last_path, &s, d))
            goto done;
        if (improved && train_checkpoint_save(res->best_path, &s, d))
            goto done;
        if (cfg->patience > 0 && since_best >= cfg->patience) {
            if (cfg->progress)
                fprintf(stderr, "train: no better validation for %d epochs; stopping\n", cfg->patience);
            break;
        }
    }

    /* reports (never used for any choice) with the best parameters as exported */
    tnet_fake_quant(&s.net, s.best_params, qparams);
    if (data->test && data->test->labels && data->test->n > 0) {
        test_bin = malloc((size_t)data->test->n * DATA_PIXELS);
        if (!test_bin)
            goto oom;
        for (int i = 0; i < data->test->n; i++)
            data_binarize(data->test->pixels + (size_t)i * DATA_PIXELS, test_bin + (size_t)i * DATA_PIXELS);
        res->test_accuracy = train_accuracy(&s.net, qparams, s.best_stats, test_bin,
                                            data->test->labels, data->test->n);
    }
    if (pool.n_pen > 0) {
        uint8_t *tl = malloc((size_t)pool.n_pen);
        if (!tl)
            goto oom;
        for (int i = 0; i < pool.n_pen; i++)
            tl[i] = (uint8_t)pool.pen[i]->label;
        res->pen_tune_accuracy = train_accuracy(&s.net, qparams, s.best_stats, pool.pen_plain01, tl, pool.n_pen);
        free(tl);
    }
    if (n_hold > 0) {
        res->pen_holdout_accuracy = train_accuracy(&s.net, qparams, s.best_stats, hold_bin, hold_lab, n_hold);
        res->pen_holdout_n = n_hold;
    }
    if (n_rep > 0) {
        res->pen_report_accuracy = train_accuracy(&s.net, qparams, s.best_stats, rep_bin, rep_lab, n_rep);
        res->pen_report_n = n_rep;
    }
finish:
    res->val_accuracy = s.best_val;
    res->best_epoch = (int)s.best_epoch;
    res->params = s.net.n_params - 2 * (s.net.n_stats / 2); /* folded: BN gamma/beta vanish */
    rc = 0;
    goto done;
oom:
    diag_fail(d, "train: out of memory");
done:
    res->seconds = now_seconds() - t0;
    tnet_work_free(&w);
    teacher_close(&teacher);
    free(bin), free(pen_plain), free(val_lab), free(test_bin), free(rep_bin), free(rep_lab);
    free(hold_bin), free(hold_lab);
    free(ylab), free(decays), free(pen), free(order), free(x), free(grads), free(qparams);
    train_state_free(&s);
    return rc;
}
