/* cmd_train.c - `inkpin train`: trains the recognizer from scratch (or resumes). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "data/data.h"
#include "model/export.h"
#include "data/strokes.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

static volatile sig_atomic_t g_stop;

static void on_sigint(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void usage(FILE *f, const train_config *def)
{
    fprintf(
        f,
        "usage: inkpin train --out DIR [options]\n"
        "Trains the digit recognizer from scratch (pure C, deterministic by seed).\n\n"
        "  --data DIR        data root holding mnist/ (default: $INKPIN_DATA, ./data, "
        "../shared/data)\n"
        "  --out DIR         where the exported model goes: default_model.c/.h, model.inkm,\n"
        "                    MODEL.md (required)\n"
        "  --c-out DIR       write the model's C source there instead of --out (the\n"
        "                    shipped model: --out models/default --c-out src)\n"
        "  --name NAME       model name (default: default): another name N writes\n"
        "                    N_model.c, inkpin/N_model.h and net_N_model() (the 8-bit\n"
        "                    model: --name small --out models/avr --c-out src)\n"
        "  --ckpt-dir DIR    checkpoints last.ckpt (each epoch, on Ctrl-C) and best.ckpt\n"
        "                    (default: the --out directory)\n"
        "  --no-export       stop after training (checkpoints only)\n"
        "  --epochs N        epochs (default %d)\n"
        "  --seed S          random seed (default %llu)\n"
        "  --threads T       OpenMP threads (default: all cores); results do not depend on it\n"
        "  --arch SPEC       layers, e.g. c8p,c16p,c24,d10 (default %s; see docs/training.md)\n"
        "  --batch N         batch size (default %d)\n"
        "  --lr X            peak learning rate, AdamW (default %g)\n"
        "  --wd X            weight decay (default %g)\n"
        "  --limit N         train on the first N MNIST images only (default: all 55,000)\n"
        "  --val-limit N     validate on the first N of the 5,000 held-out images (default: all)\n"
        "  --augment X       augmentation strength, 1 = augment_defaults() (default %.1f)\n"
        "  --no-augment      no augmentation (same as --augment 0)\n"
        "  --pen FILE        pen-stroke NDJSON whose TUNE writers are trained on\n"
        "                    (default: <data>/unipen/dev.ndjson if present)\n"
        "  --pen-repeat N    uses of each pen sample per epoch (default %d; 0 = no pen data)\n"
        "  --pen-rotate DEG  pen strokes: rotation +-DEG (default 0: as MNIST images)\n"
        "  --pen-thin K      pen strokes: every k-th point kept, k in 1..K (default 0:\n"
        "                    1 sample in 4 thinned to every 2nd..4th point)\n"
        "  --scribbles N     non-digit scribbles per epoch trained toward the uniform\n"
        "                    target (outlier exposure, for rejection; default %d)\n"
        "  --pen-fold K/N    hold the TUNE writers of fold K of N out of training and\n"
        "                    report accuracy on them (writer-disjoint cross-validation for\n"
        "                    choosing a recipe; default: train on every TUNE writer)\n"
        "  --teacher CKPT    distill from a larger trained network's checkpoint (its best\n"
        "                    epoch): soft targets on the same augmented inputs (default: none)\n"
        "  --kd-alpha X      weight of the teacher's soft targets, 0..1 (default %.2f)\n"
        "  --kd-temp T       distillation temperature (default %.1f)\n"
        "  --patience N      stop after N epochs without better validation (default: off)\n"
        "  --resume CKPT     continue a run from its checkpoint (keeps its settings)\n"
        "  --json            print one JSON object with the results on stdout\n"
        "Ctrl-C saves the state to last.ckpt and exits; --resume .../last.ckpt continues.\n",
        def->epochs, (unsigned long long)def->seed, def->arch, def->batch, (double)def->lr,
        (double)def->wd, (double)def->augment / 1000.0, def->pen_repeat, def->scribbles,
        (double)def->kd_alpha, (double)def->kd_temp);
}

static int make_dir(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0777) && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) && errno != EEXIST ? -1 : 0;
}

/* Quantizes and writes the best checkpoint through the engine's exporter,
 * recording the command line that made it. */
static int export_best(const train_result *res, int argc, char **argv, const dataset *train,
                       const dataset *test, const char *out_dir, const char *c_dir,
                       const char *name, inkpin_diag *d)
{
    char command[2048] = "inkpin";
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(command);
        snprintf(command + len, sizeof command - len, " %s", argv[i]);
    }
    train_state s;
    if (train_checkpoint_load(res->best_path, &s, d))
        return -1;
    uint64_t seed = s.seed;
    char notes[1024];
    int n = snprintf(notes, sizeof notes,
                     "Trainer: architecture `%s`, best epoch %d of %u, float validation accuracy "
                     "%.2f%% (last 5,000 MNIST training images).",
                     s.net.spec, res->best_epoch, s.epochs, 100.0 * res->val_accuracy);
    if (res->pen_report_accuracy >= 0 && n > 0 && (size_t)n < sizeof notes)
        snprintf(notes + n, sizeof notes - (size_t)n,
                 " Pen strokes of REPORT writers (never trained on), float: %.2f%% of %d.",
                 100.0 * res->pen_report_accuracy, res->pen_report_n);
    train_state_free(&s);
    float_model fm;
    if (train_checkpoint_to_float_model(res->best_path, &fm, d))
        return -1;
    export_info info = {command, seed, res->val_accuracy, res->seconds, test, notes, c_dir, name};
    int rc = export_model(&fm, train, &info, out_dir, d);
    train_float_model_free(&fm);
    if (rc == 0)
        fprintf(stderr, "train: exported the int8 model to %s\n", out_dir);
    return rc;
}

int cmd_train(int argc, char **argv)
{
    train_config cfg;
    train_config_defaults(&cfg);
    const char *data_dir = NULL, *pen_path = NULL, *ckpt_dir = NULL, *c_dir = NULL;
    const char *pen_fold = NULL, *name = NULL;
    int json = 0, no_export = 0, no_augment = 0;
    float augment = -1.0f;
    const cli_opt opts[] = {{"--json", CLI_FLAG, &json, 0, 0},
                            {"--no-export", CLI_FLAG, &no_export, 0, 0},
                            {"--no-augment", CLI_FLAG, &no_augment, 0, 0},
                            {"--data", CLI_STRING, &data_dir, 0, 0},
                            {"--out", CLI_STRING, &cfg.out_dir, 0, 0},
                            {"--ckpt-dir", CLI_STRING, &ckpt_dir, 0, 0},
                            {"--c-out", CLI_STRING, &c_dir, 0, 0},
                            {"--name", CLI_STRING, &name, 0, 0},
                            {"--arch", CLI_STRING, &cfg.arch, 0, 0},
                            {"--resume", CLI_STRING, &cfg.resume, 0, 0},
                            {"--pen", CLI_STRING, &pen_path, 0, 0},
                            {"--epochs", CLI_INT, &cfg.epochs, 1, 10000},
                            {"--threads", CLI_INT, &cfg.threads, 1, 1024},
                            {"--batch", CLI_INT, &cfg.batch, 1, 4096},
                            {"--limit", CLI_INT, &cfg.limit, 1, INT_MAX},
                            {"--val-limit", CLI_INT, &cfg.val_limit, 1, TRAIN_VAL_IMAGES},
                            {"--pen-repeat", CLI_INT, &cfg.pen_repeat, 0, 100},
                            {"--pen-rotate", CLI_FLOAT, &cfg.pen_rotate, 0, 90},
                            {"--pen-thin", CLI_INT, &cfg.pen_thin, 0, 16},
                            {"--scribbles", CLI_INT, &cfg.scribbles, 0, 1000000},
                            {"--pen-fold", CLI_STRING, &pen_fold, 0, 0},
                            {"--teacher", CLI_STRING, &cfg.teacher, 0, 0},
                            {"--kd-alpha", CLI_FLOAT, &cfg.kd_alpha, 0, 1},
                            {"--kd-temp", CLI_FLOAT, &cfg.kd_temp, 0.1, 100},
                            {"--patience", CLI_INT, &cfg.patience, 0, 10000},
                            {"--lr", CLI_FLOAT, &cfg.lr, 1e-6, 1},
                            {"--wd", CLI_FLOAT, &cfg.wd, 0, 1},
                            {"--augment", CLI_FLOAT, &augment, 0, 4},
                            {"--seed", CLI_U64, &cfg.seed, 0, 0},
                            {NULL, CLI_END, NULL, 0, 0}};
    train_config defaults = cfg;
    switch (cli_parse("train", argc, argv, opts, NULL, 0, NULL, NULL)) {
    case CLI_HELP_SHOWN: usage(stdout, &defaults); return CLI_OK;
    case CLI_BAD_ARGS: fprintf(stderr, "(see inkpin train --help)\n"); return CLI_USAGE;
    default: break;
    }
    if (name && !export_name_ok(name)) {
        fprintf(stderr,
                "inkpin train: --name '%s': expected 1-%d lower-case letters, digits or _, "
                "starting with a letter\n",
                name, EXPORT_NAME_MAX);
        return CLI_USAGE;
    }
    if (pen_fold) {
        int k = -1, nf = 0, used = 0;
        if (sscanf(pen_fold, "%d/%d%n", &k, &nf, &used) != 2 || pen_fold[used] || nf < 2 ||
            nf > 10 || k < 0 || k >= nf) {
            fprintf(stderr, "inkpin train: --pen-fold '%s': expected K/N with 0 <= K < N <= 10\n",
                    pen_fold);
            return CLI_USAGE;
        }
        cfg.pen_fold = k, cfg.pen_folds = nf;
    }
    if (augment >= 0.0f)
        cfg.augment = (int)(augment * 1000.0f + 0.5f);
    if (no_augment)
        cfg.augment = 0;
    int do_export = !no_export;
    if (!cfg.out_dir) {
        fprintf(stderr, "train: --out DIR is required (see inkpin train --help)\n");
        return CLI_USAGE;
    }
    const char *out_dir = cfg.out_dir;
    if (ckpt_dir)
        cfg.out_dir = ckpt_dir; /* the trainer's own files */
    if (make_dir(out_dir) || make_dir(cfg.out_dir)) {
        fprintf(stderr, "train: cannot create %s: %s\n", cfg.out_dir, strerror(errno));
        return CLI_USAGE;
    }

    inkpin_diag d = {{0}};
    char root[4096], pen_buf[4200];
    if (!data_find_root(data_dir, root, sizeof root, &d)) {
        fprintf(stderr, "train: %s\n", d.msg);
        return CLI_USAGE;
    }
    dataset train = {0}, test = {0};
    strokes_set pen = {0};
    if (data_load_mnist(root, "train", &train, &d)) {
        fprintf(stderr, "train: %s\n", d.msg);
        return CLI_USAGE;
    }
    int have_test = data_load_mnist(root, "test", &test, &d) == 0;
    if (!have_test)
        fprintf(stderr, "train: no MNIST test set (%s); not reporting test accuracy\n", d.msg);
    if (!pen_path) {
        snprintf(pen_buf, sizeof pen_buf, "%s/unipen/dev.ndjson", root);
        if (access(pen_buf, R_OK) == 0)
            pen_path = pen_buf;
    }
    if (pen_path && cfg.pen_repeat > 0 && strokes_load(pen_path, &pen, &d)) {
        fprintf(stderr, "train: %s\n", d.msg);
        data_free(&train), data_free(&test);
        return CLI_USAGE;
    }

    cfg.progress = isatty(STDERR_FILENO) ? 2 : 1;
    cfg.stop = &g_stop;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);

    train_data td = {&train, have_test ? &test : NULL, pen.n > 0 ? &pen : NULL};
    train_result res;
    int rc = train_run(&cfg, &td, &res, &d);
    signal(SIGINT, SIG_DFL);
    strokes_free(&pen);
    if (rc) {
        fprintf(stderr, "train: %s\n", d.msg);
        data_free(&train), data_free(&test);
        return CLI_USAGE;
    }
    int export_rc = 0;
    if (do_export && !res.interrupted)
        export_rc = export_best(&res, argc, argv, &train, have_test ? &test : NULL, out_dir, c_dir,
                                name, &d);
    data_free(&train), data_free(&test);
    if (export_rc) {
        fprintf(stderr, "train: export: %s\n", d.msg);
        return CLI_FAILED;
    }
    if (!res.interrupted) {
        fprintf(stderr,
                "train: best val %.2f%% (epoch %d), %ld params, %.1f s; best checkpoint %s\n",
                100.0 * res.val_accuracy, res.best_epoch, res.params, res.seconds, res.best_path);
        if (res.test_accuracy >= 0)
            fprintf(stderr, "train: MNIST test (report only, float): %.2f%%\n",
                    100.0 * res.test_accuracy);
        if (res.pen_report_accuracy >= 0)
            fprintf(stderr,
                    "train: pen strokes, REPORT writers (report only, float): %.2f%% of %d\n",
                    100.0 * res.pen_report_accuracy, res.pen_report_n);
        if (res.pen_tune_accuracy >= 0)
            fprintf(stderr,
                    "train: pen strokes, TUNE writers (trained on, plain renders, float): %.2f%%\n",
                    100.0 * res.pen_tune_accuracy);
        if (res.pen_holdout_accuracy >= 0)
            fprintf(
                stderr,
                "train: pen strokes, held-out TUNE fold %d/%d (selection, float): %.2f%% of %d\n",
                cfg.pen_fold, cfg.pen_folds, 100.0 * res.pen_holdout_accuracy, res.pen_holdout_n);
    }
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "val_accuracy", res.val_accuracy);
        cJSON_AddNumberToObject(o, "best_epoch", res.best_epoch);
        cJSON_AddNumberToObject(o, "params", (double)res.params);
        cJSON_AddNumberToObject(o, "seconds", res.seconds);
        cJSON_AddNumberToObject(o, "epochs_run", res.epochs_run);
        cJSON_AddBoolToObject(o, "interrupted", res.interrupted);
        if (res.test_accuracy >= 0)
            cJSON_AddNumberToObject(o, "test_accuracy_float", res.test_accuracy);
        if (res.pen_report_accuracy >= 0) {
            cJSON_AddNumberToObject(o, "pen_report_accuracy_float", res.pen_report_accuracy);
            cJSON_AddNumberToObject(o, "pen_report_n", res.pen_report_n);
        }
        if (res.pen_tune_accuracy >= 0)
            cJSON_AddNumberToObject(o, "pen_tune_accuracy_float", res.pen_tune_accuracy);
        if (res.pen_holdout_accuracy >= 0) {
            cJSON_AddNumberToObject(o, "pen_holdout_accuracy_float", res.pen_holdout_accuracy);
            cJSON_AddNumberToObject(o, "pen_holdout_n", res.pen_holdout_n);
        }
        cJSON_AddStringToObject(o, "checkpoint", res.best_path);
        char *s = cJSON_PrintUnformatted(o);
        if (s)
            puts(s);
        free(s);
        cJSON_Delete(o);
    }
    return CLI_OK;
}
