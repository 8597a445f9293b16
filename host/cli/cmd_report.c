/* cmd_report.c - `inkpin report`: runs the int8 engine over an MNIST split
 * (binarized as deployed) and draws confusion.png and errors.png (report.h).
 *
 * The steps are separate calls: load data, load the model, predict (the one
 * place that touches the engine), then report_write_all(). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "data/data.h"
#include "inkpin/net.h"
#include "eval/metrics.h"
#include "model/modelfile.h"
#include "eval/report.h"

#define REPORT_DEFAULT_MAX_ERRORS 100

static void usage(FILE *f)
{
    fprintf(f,
            "usage: inkpin report --png DIR [options]\n"
            "Runs the int8 model over MNIST (binarized: pixel > %d is ink) and writes\n"
            "DIR/confusion.png (confusion-matrix heatmap) and DIR/errors.png (misclassified\n"
            "digits as the net saw them, labelled true->pred).\n"
            "  --png DIR          output directory, created if missing (required)\n"
            "  --model M          .inkm model blob (default: the bundled model)\n"
            "  --data DIR         data root holding mnist/ (default: $INKPIN_DATA, ./data, "
            "../shared/data)\n"
            "  --set test|train   MNIST split (default test)\n"
            "  --max-errors N     digits in the gallery (default %d)\n",
            NET_INK_THRESHOLD, REPORT_DEFAULT_MAX_ERRORS);
}

/* The prediction step: pred[i] = the engine's digit for image i. Each
 * thread has its own arena (net_run is reentrant per arena). */
static int predict(const net_model *m, const dataset *ds, uint8_t *pred, inkpin_diag *d)
{
    if (net_check(m) != NET_OK)
        return diag_fail(d, "model fails net_check");
    size_t arena_bytes = net_arena_bytes(m);
    int failed = 0;
#pragma omp parallel reduction(| : failed)
    {
        void *arena = malloc(arena_bytes ? arena_bytes : 1);
        if (!arena)
            failed = 1;
#pragma omp for schedule(static)
        for (int i = 0; i < ds->n; i++) {
            net_result r;
            if (!arena || net_run_pixels(m, ds->pixels + (size_t)i * DATA_PIXELS, arena,
                                         arena_bytes, &r) != NET_OK) {
                failed = 1;
                pred[i] = 0;
                continue;
            }
            pred[i] = r.digit;
        }
        free(arena);
    }
    return failed ? diag_fail(d, "the engine failed on an image (out of memory or bad model)") : 0;
}

static int ensure_dir(const char *dir, inkpin_diag *d)
{
    struct stat st;
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0
                                   : diag_fail(d, "--png %s: exists and is not a directory", dir);
    if (mkdir(dir, 0777) != 0)
        return diag_fail(d, "--png %s: cannot create: %s", dir, strerror(errno));
    return 0;
}

int cmd_report(int argc, char **argv)
{
    const char *png_dir = NULL, *model_path = NULL, *data_dir = NULL, *set = "test";
    int max_errors = REPORT_DEFAULT_MAX_ERRORS;
    const cli_opt opts[] = {{"--png", CLI_STRING, &png_dir, 0, 0},
                            {"--model", CLI_STRING, &model_path, 0, 0},
                            {"--data", CLI_STRING, &data_dir, 0, 0},
                            {"--set", CLI_STRING, &set, 0, 0},
                            {"--max-errors", CLI_INT, &max_errors, 0, 100000},
                            {NULL, CLI_END, NULL, 0, 0}};
    int rc = cli_parse("report", argc, argv, opts, NULL, 0, NULL, usage);
    if (rc != CLI_PARSED)
        return cli_parse_exit(rc);
    if (!png_dir) {
        fprintf(stderr, "inkpin report: --png DIR is required\n");
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(set, "test") && strcmp(set, "train")) {
        fprintf(stderr, "inkpin report: --set '%s': expected test or train\n", set);
        return CLI_USAGE;
    }

    inkpin_diag d = {{0}};
    char root_buf[4096];
    const char *root = data_find_root(data_dir, root_buf, sizeof root_buf, &d);
    dataset ds = {0};
    host_model hm = {0};
    /* Cheap checks first: the output directory and the model, then the data. */
    if (!root || ensure_dir(png_dir, &d) != 0 || modelfile_load(&hm, model_path, &d) != 0 ||
        data_load_mnist(root, set, &ds, &d) != 0) {
        fprintf(stderr, "inkpin report: %s\n", d.msg);
        data_free(&ds);
        modelfile_free(&hm);
        return CLI_USAGE;
    }

    int status = CLI_OK;
    uint8_t *pred = malloc((size_t)ds.n);
    metrics mt;
    if (!pred || predict(hm.m, &ds, pred, &d) != 0 ||
        report_write_all(&ds, pred, png_dir, (int)max_errors, &mt, &d) != 0) {
        fprintf(stderr, "inkpin report: %s\n", pred ? d.msg : "out of memory");
        status = CLI_FAILED;
    } else {
        uint64_t errors = mt.n - metrics_correct(&mt);
        printf("MNIST %s, int8 engine: accuracy %.2f%% (%llu errors of %llu)\n", set,
               100.0 * metrics_accuracy(&mt), (unsigned long long)errors, (unsigned long long)mt.n);
        printf("wrote %s/confusion.png and %s/errors.png (%llu of %llu errors shown)\n", png_dir,
               png_dir,
               (unsigned long long)(errors < (uint64_t)max_errors ? errors : (uint64_t)max_errors),
               (unsigned long long)errors);
    }
    free(pred);
    modelfile_free(&hm);
    data_free(&ds);
    return status;
}
