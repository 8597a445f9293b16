/* cmd_demo.c - `inkpin demo`: the recognizer on a few real pen-drawn digits,
 * shown as the 28x28 image the engine sees (ASCII art) with the prediction
 * and confidence. Runs until the device simulator exists, and afterwards as
 * the quickest end-to-end check: pen events -> ink -> int8 engine. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "data/data.h"
#include "eval/ink_eval.h"
#include "data/strokes.h"

static void demo_usage(FILE *f)
{
    fprintf(f, "usage: inkpin demo [options]\n"
               "  Draws a few digits from the UNIPEN dev strokes (writers never trained on),\n"
               "  feeds them as pen events through the ink module and the int8 engine, and\n"
               "  prints what the engine sees with its answer.\n"
               "  --model FILE.inkm   model blob (default: the compiled-in default model)\n"
               "  --data DIR          data root holding unipen/dev.ndjson (default lookup)\n"
               "  --file F.ndjson     take the digits from this strokes file instead\n"
               "  --digits D          which digits to show, e.g. 2026 (default 1379)\n");
}

/* Strokes used when no dev data is found: a hand-drawn 1, 3, 7 and 9. */
static const char *const builtin[] = {
    "{\"label\":1,\"strokes\":[[[100,60],[120,40],[122,90],[121,140],[120,200]]]}",
    "{\"label\":3,\"strokes\":[[[70,50],[110,35],[150,45],[160,75],[140,105],[105,115],[145,125],"
    "[165,160],[150,195],[110,205],[70,190]]]}",
    "{\"label\":7,\"strokes\":[[[60,45],[180,45],[150,100],[120,160],[105,210]],[[90,125],[160,125]"
    "]]}",
    "{\"label\":9,\"strokes\":[[[160,70],[120,45],[80,60],[75,100],[110,120],[160,95],[160,70],"
    "[162,130],[155,210]]]}",
};

static void show(const strokes_sample *s, const inkeval_result *r, int rejected)
{
    for (int row = 0; row < 28; row++) {
        fputs("    ", stdout);
        for (int c = 0; c < 28; c++)
            fputs(ink_pixel(r->image, row, c) ? "##" : "..", stdout);
        putchar('\n');
    }
    if (r->pred < 0)
        printf("    drawn: %d   -> no digit (the ink module rejects empty/tap/dot input)\n\n",
               s->label);
    else
        printf("    drawn: %d   -> predicted %d, confidence %.1f%%%s (runner-up %d)\n\n", s->label,
               r->pred, 100 * r->confidence,
               rejected ? " - below what its shape needs, rejected" : "", r->v.runner_up);
}

int cmd_demo(int argc, char **argv)
{
    const char *model = NULL, *data_dir = NULL, *file = NULL, *digits = "1379";
    const cli_opt opts[] = {{"--model", CLI_STRING, &model, 0, 0},
                            {"--data", CLI_STRING, &data_dir, 0, 0},
                            {"--file", CLI_STRING, &file, 0, 0},
                            {"--digits", CLI_STRING, &digits, 0, 0},
                            {NULL, CLI_END, NULL, 0, 0}};
    int parsed = cli_parse("demo", argc, argv, opts, NULL, 0, NULL, demo_usage);
    if (parsed != CLI_PARSED)
        return cli_parse_exit(parsed);
    if (!*digits || strspn(digits, "0123456789") != strlen(digits) || strlen(digits) > 20) {
        fprintf(stderr, "inkpin demo: --digits takes 1..20 digits, e.g. 2026\n");
        return CLI_USAGE;
    }
    inkpin_diag d = {{0}};
    inkeval_model em;
    if (inkeval_model_load(&em, model, &d)) {
        fprintf(stderr, "inkpin demo: %s\n", d.msg);
        return CLI_USAGE;
    }

    char path[4200], rootbuf[4096];
    strokes_set set = {0, NULL};
    if (!file) {
        const char *root = data_find_root(data_dir, rootbuf, sizeof rootbuf, &d);
        if (root) {
            snprintf(path, sizeof path, "%s/unipen/dev.ndjson", root);
            file = path;
        }
    }
    int from_file = file && strokes_load(file, &set, &d) == 0;
    if (file && !from_file) {
        fprintf(stderr, "inkpin demo: %s\n", d.msg);
        inkeval_model_free(&em);
        return CLI_USAGE;
    }
    printf("inkpin demo - model %s; digits from %s\n\n", em.model.name,
           from_file ? file : "built-in strokes (no dev data found)");

    int shown = 0, right = 0, rc = CLI_OK;
    size_t nd = from_file ? strlen(digits) : sizeof builtin / sizeof *builtin;
    for (size_t k = 0; k < nd; k++) {
        strokes_sample tmp, *s = NULL;
        if (from_file) {
            /* the k-th occurrence of this digit among the report writers, so a
             * repeated digit shows a different drawing */
            int want = digits[k] - '0', seen = 0;
            for (size_t j = 0; j < k; j++)
                seen += digits[j] == digits[k];
            for (int i = 0; i < set.n && !s; i++)
                if (set.samples[i].label == want &&
                    strokes_part(&set.samples[i]) == STROKES_REPORT && seen-- == 0)
                    s = &set.samples[i];
            if (!s) {
                printf("    (no drawing of %d in %s)\n\n", want, file);
                continue;
            }
        } else {
            if (strokes_parse_line(builtin[k], strlen(builtin[k]), "builtin", &tmp, &d)) {
                fprintf(stderr, "inkpin demo: %s\n", d.msg);
                rc = CLI_FAILED;
                break;
            }
            s = &tmp;
        }
        inkeval_result r;
        int e = inkeval_classify(&em, s, &r);
        if (e) {
            fprintf(stderr, "inkpin demo: engine error %s\n", net_strerror((net_err)e));
            rc = CLI_FAILED;
        } else {
            int rejected = r.v.kind != VERDICT_DIGIT; /* the device's verdict */
            show(s, &r, rejected);
            shown++;
            right += r.pred == s->label && !rejected;
        }
        if (!from_file)
            strokes_sample_free(&tmp);
        if (rc)
            break;
    }
    if (!rc)
        printf("%d of %d recognized (right and accepted, as the device decides).\n", right, shown);
    strokes_free(&set);
    inkeval_model_free(&em);
    return rc;
}
