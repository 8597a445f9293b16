/* cmd_eval.c - `inkpin eval`: accuracy of the int8 engine exactly as deployed
 * (net_run_pixels: pixel > NET_INK_THRESHOLD is ink) on binarized MNIST, with
 * the compiled-in default model unless --model names an .inkm blob. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "data/data.h"
#include "model/export.h"
#include "inkpin/net.h"
#include "eval/metrics.h"
#include "model/modelfile.h"
#include "model/neteval.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

/* The model to run (modelfile.h); bad usage or input -> exit 2. */
static int load_model(host_model *em, const char *path, const char *cmd)
{
    inkpin_diag d = {{0}};
    if (modelfile_load(em, path, &d) != 0) {
        fprintf(stderr, "%s: %s\n", cmd, d.msg);
        return CLI_USAGE;
    }
    return CLI_OK;
}

static void eval_usage(FILE *f)
{
    fprintf(f,
            "usage: inkpin eval [options]\n"
            "  Accuracy of the int8 engine, as deployed, on binarized MNIST (pixel > %d is ink).\n"
            "  --model FILE.inkm    model blob (default: the compiled-in default model)\n"
            "  --data DIR           data root holding mnist/ (default: $INKPIN_DATA, ./data, "
            "../shared/data)\n"
            "  --set test|val       MNIST test (default) or the validation split (last %d training "
            "images)\n"
            "  --float CKPT         also evaluate the float model of a trainer checkpoint\n"
            "  --min-accuracy X     exit 1 when the int8 accuracy (0..1) is below X\n"
            "  --json               one JSON object: n, accuracy, per_class, confusion, ...\n",
            NET_INK_THRESHOLD, TRAIN_VAL_IMAGES);
}

static int load_split(const char *data_dir, const char *set, dataset *ds, int *first, int *count)
{
    char rootbuf[4096];
    inkpin_diag d = {{0}};
    const char *root = data_find_root(data_dir, rootbuf, sizeof rootbuf, &d);
    if (!root) {
        fprintf(stderr, "eval: %s\n", d.msg);
        return CLI_USAGE;
    }
    if (data_load_mnist(root, strcmp(set, "val") ? "test" : "train", ds, &d) != 0) {
        fprintf(stderr, "eval: %s\n", d.msg);
        return CLI_USAGE;
    }
    *first = 0;
    *count = ds->n;
    if (!strcmp(set, "val")) {
        *first = ds->n > TRAIN_VAL_IMAGES ? ds->n - TRAIN_VAL_IMAGES : 0;
        *count = ds->n - *first;
    }
    return CLI_OK;
}

static double float_accuracy(const char *ckpt, const dataset *ds, int first, int count, int *rc)
{
    float_model fm;
    inkpin_diag d = {{0}};
    neteval_counts c;
    if (train_checkpoint_to_float_model(ckpt, &fm, &d) != 0) {
        fprintf(stderr, "eval: %s\n", d.msg);
        *rc = CLI_USAGE;
        return 0;
    }
    neteval_float(&fm, ds, first, count, &c);
    train_float_model_free(&fm);
    return c.n ? (double)c.correct / c.n : 0;
}

int cmd_eval(int argc, char **argv)
{
    const char *model = NULL, *data = NULL, *set = "test", *fckpt = NULL;
    double min_acc = -1;
    int json = 0, rc, first, count;
    const cli_opt opts[] = {{"--json", CLI_FLAG, &json, 0, 0},
                            {"--model", CLI_STRING, &model, 0, 0},
                            {"--data", CLI_STRING, &data, 0, 0},
                            {"--set", CLI_STRING, &set, 0, 0},
                            {"--float", CLI_STRING, &fckpt, 0, 0},
                            {"--min-accuracy", CLI_DOUBLE, &min_acc, 0, 1},
                            {NULL, CLI_END, NULL, 0, 0}};
    rc = cli_parse("eval", argc, argv, opts, NULL, 0, NULL, eval_usage);
    if (rc != CLI_PARSED)
        return cli_parse_exit(rc);
    if (strcmp(set, "test") && strcmp(set, "val")) {
        fprintf(stderr, "eval: --set wants test or val, got '%s'\n", set);
        return CLI_USAGE;
    }
    host_model em;
    if ((rc = load_model(&em, model, "eval")) != CLI_OK)
        return rc;
    dataset ds = {0};
    if ((rc = load_split(data, set, &ds, &first, &count)) != CLI_OK) {
        modelfile_free(&em);
        return rc;
    }
    size_t need = net_arena_bytes(em.m);
    uint8_t *arena = malloc(need ? need : 1);
    metrics mt;
    metrics_init(&mt);
    for (int i = first; i < first + count; i++) {
        net_result r;
        net_err e = net_run_pixels(em.m, ds.pixels + (size_t)i * DATA_PIXELS, arena, need, &r);
        if (e != NET_OK) {
            fprintf(stderr, "eval: image %d: %s\n", i, net_strerror(e));
            rc = CLI_FAILED;
            break;
        }
        metrics_add(&mt, ds.labels[i], r.digit);
    }
    free(arena);
    double facc = -1;
    if (rc == CLI_OK && fckpt)
        facc = float_accuracy(fckpt, &ds, first, count, &rc);
    if (rc == CLI_OK) {
        double acc = metrics_accuracy(&mt);
        if (json) {
            cJSON *o = cJSON_CreateObject();
            metrics_add_json(&mt, o);
            cJSON_AddStringToObject(o, "model", em.name);
            cJSON_AddStringToObject(o, "set", set);
            cJSON_AddStringToObject(o, "path", "int8 engine (net_run_pixels)");
            if (facc >= 0)
                cJSON_AddNumberToObject(o, "float_accuracy", facc);
            char *s = cJSON_PrintUnformatted(o);
            printf("%s\n", s);
            free(s);
            cJSON_Delete(o);
        } else {
            printf("model: %s\nset: MNIST %s, binarized (pixel > %d), int8 engine as deployed\n",
                   em.name, set, NET_INK_THRESHOLD);
            metrics_print(stdout, &mt);
            if (facc >= 0)
                printf("float model (%s): %.2f%%\n", fckpt, 100.0 * facc);
        }
        if (min_acc >= 0 && acc < min_acc) {
            fprintf(stderr, "eval: accuracy %.4f below --min-accuracy %.4f\n", acc, min_acc);
            rc = CLI_FAILED;
        }
    }
    data_free(&ds);
    modelfile_free(&em);
    return rc;
}
