/* cmd_export.c - `inkpin export CKPT --out DIR`: quantizes a trainer
 * checkpoint and writes the engine model (C source, .inkm, MODEL.md) with
 * export_model(). `inkpin train` does the same at its end; this command
 * re-exports an existing checkpoint without training again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "data/data.h"
#include "model/export.h"
#include "train/checkpoint.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: inkpin export CKPT --out DIR [options]\n"
            "  Quantizes the best parameters of a trainer checkpoint to int8 (calibration on the\n"
            "  first %d MNIST training images) and writes DIR/{default_model.c,\n"
            "  inkpin/default_model.h, model.inkm, MODEL.md}. The card reports int8 accuracy on "
            "MNIST test (never used\n"
            "  for any choice).\n"
            "  --out DIR             output directory (created if missing)\n"
            "  --c-out DIR           write the C source there instead (the shipped model: src)\n"
            "  --name NAME           model name (default: default); another name N writes\n"
            "                        N_model.c, inkpin/N_model.h and net_N_model(), which link\n"
            "                        beside the default (the 8-bit model: small)\n"
            "  --data DIR            data root holding mnist/\n"
            "  --command STR         the training command to record (default: unknown)\n"
            "  --seed S              its seed (default 0)\n"
            "  --val-accuracy X      float validation accuracy to record (0..1)\n"
            "  --train-seconds X     training time to record\n"
            "  --notes FILE          Markdown appended to MODEL.md\n",
            EXPORT_CALIB_IMAGES);
}

static char *slurp_text(const char *path)
{
    uint8_t *p;
    size_t n;
    inkpin_diag d;
    if (data_read_file(path, &p, &n, &d) != 0) {
        fprintf(stderr, "export: %s\n", d.msg);
        return NULL;
    }
    char *s = realloc(p, n + 1);
    if (!s) {
        free(p);
        return NULL;
    }
    s[n] = 0;
    return s;
}

int cmd_export(int argc, char **argv)
{
    const char *ckpt = NULL, *out = NULL, *data = NULL, *notes = NULL;
    export_info info = {"(unknown)", 0, -1, -1, NULL, NULL, NULL, NULL};
    const cli_opt opts[] = {{"--out", CLI_STRING, &out, 0, 0},
                            {"--c-out", CLI_STRING, &info.c_dir, 0, 0},
                            {"--name", CLI_STRING, &info.name, 0, 0},
                            {"--data", CLI_STRING, &data, 0, 0},
                            {"--command", CLI_STRING, &info.command, 0, 0},
                            {"--notes", CLI_STRING, &notes, 0, 0},
                            {"--seed", CLI_U64, &info.seed, 0, 0},
                            {"--val-accuracy", CLI_DOUBLE, &info.val_accuracy, -1, 1},
                            {"--train-seconds", CLI_DOUBLE, &info.train_seconds, -1, 1e9},
                            {NULL, CLI_END, NULL, 0, 0}};
    int rc = cli_parse("export", argc, argv, opts, &ckpt, 1, NULL, usage);
    if (rc != CLI_PARSED)
        return cli_parse_exit(rc);
    if (!ckpt || !out) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (info.name && !export_name_ok(info.name)) {
        fprintf(stderr,
                "export: --name '%s': expected 1-%d lower-case letters, digits or _, starting "
                "with a letter\n",
                info.name, EXPORT_NAME_MAX);
        return CLI_USAGE;
    }
    char rootbuf[4096];
    inkpin_diag d = {{0}};
    const char *root = data_find_root(data, rootbuf, sizeof rootbuf, &d);
    dataset train = {0}, test = {0};
    float_model fm;
    if (!root || data_load_mnist(root, "train", &train, &d) != 0) {
        fprintf(stderr, "export: %s\n", d.msg);
        return CLI_USAGE;
    }
    if (data_load_mnist(root, "test", &test, &d) == 0)
        info.test = &test;
    if (train_checkpoint_to_float_model(ckpt, &fm, &d) != 0) {
        fprintf(stderr, "export: %s\n", d.msg);
        data_free(&train), data_free(&test);
        return CLI_USAGE;
    }
    char *note_text = notes ? slurp_text(notes) : NULL;
    info.notes = note_text;
    rc = export_model(&fm, &train, &info, out, &d);
    if (rc != 0)
        fprintf(stderr, "export: %s\n", d.msg);
    else
        fprintf(stderr,
                "export: wrote %s/{model.inkm, MODEL.md} and %s/{%s_model.c, "
                "inkpin/%s_model.h}\n",
                out, info.c_dir ? info.c_dir : out, info.name ? info.name : "default",
                info.name ? info.name : "default");
    free(note_text);
    train_float_model_free(&fm);
    data_free(&train), data_free(&test);
    return rc ? CLI_USAGE : CLI_OK;
}
