/* inkpin - command-line front end. One main; each subcommand lives in
 * host/cli/cmd_*.c and follows the contract in host/cli/cli.h. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "inkpin.h" /* INKPIN_VERSION: the one version of the library and the tools */

int cmd_export(int argc, char **argv); /* host/cli/cmd_export.c (not in cli.h) */

static const cli_command commands[] = {
    /* Subcommands register here as they land: {"name", cmd_name, "summary"}. */
    {"render", cmd_render, "contact sheet (PNG) of what the engine sees for a strokes file"},
    {"train", cmd_train, "train the recognizer from scratch (MNIST + pen strokes)"},
    {"eval", cmd_eval, "accuracy of the int8 engine on binarized MNIST (--json, --min-accuracy)"},
    {"bench", cmd_bench, "single-thread host inference speed of the int8 engine"},
    {"report", cmd_report, "confusion-matrix heatmap and misclassified-digit gallery (PNG)"},
    {"export", cmd_export,
     "quantize a trainer checkpoint to the int8 engine model (C, .inkm, card)"},
    {"classify", cmd_classify,
     "strokes file through ink + engine as the device does: accuracy, rejections"},
    {"robustness", cmd_robustness,
     "robustness, calibration and rejection study of docs/ink.md (Markdown)"},
    {"demo", cmd_demo, "recognize a few pen-drawn digits and show what the engine sees"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: inkpin <command> [options]   (inkpin <command> --help for details)\n"
               "       inkpin --version\n\n"
               "commands:\n");
    for (const cli_command *c = commands; c->name; c++)
        fprintf(f, "  %-10s %s\n", c->name, c->summary);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("inkpin %s\n", INKPIN_VERSION);
        return CLI_OK;
    }
    for (const cli_command *c = commands; c->name; c++)
        if (!strcmp(argv[1], c->name))
            return c->run(argc - 1, argv + 1);
    fprintf(stderr, "inkpin: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
