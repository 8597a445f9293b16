/* cmd_classify.c - `inkpin classify`: every line of a strokes file through
 * ink + engine + verdict exactly as the device does; accuracy, per-class
 * accuracy, confusion, rejections. (The robustness study of docs/ink.md is
 * `inkpin robustness`, cmd_robustness.c.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "eval/ink_eval.h"
#include "eval/metrics.h"
#include "data/strokes.h"

typedef struct {
    const char *path, *model, *writers_name;
    int writers; /* STROKES_TUNE, STROKES_REPORT or -1 (all) */
    double threshold, min_accuracy;
    uint32_t plain; /* threshold as the device's integer (inkeval_plain) */
    int json, predictions;
} classify_opts;

static void classify_usage(FILE *f)
{
    fprintf(f,
            "usage: inkpin classify FILE.ndjson [options]\n"
            "  Runs every line through the ink module, the int8 engine and the verdict exactly\n"
            "  as the device does (pen events -> verdict_from_ink). A sample is rejected when\n"
            "  the ink is no digit (empty, tap, dot), or the confidence is below what the\n"
            "  drawing's shape needs: the threshold for ordinary shapes, %.2f for odd ones,\n"
            "  never enough for shapes no digit has (src/inkpin/verdict.h).\n"
            "  accuracy = correct top-1 predictions / labelled samples (no digit = wrong).\n\n"
            "  --model FILE.inkm    model blob (default: the compiled-in default model)\n"
            "  --writers W          all (default) | tune | report: writer-disjoint part of the\n"
            "                       file (strokes.h); report = writers never trained on\n"
            "  --reject-below C     confidence threshold 0..1 (default NET_REJECT_CONF = %.4f)\n"
            "  --min-accuracy X     exit 1 when accuracy (0..1) is below X\n"
            "  --predictions        print one line per sample\n"
            "  --json               one JSON object: n, accuracy, rejected, per_class, confusion,\n"
            "                       predictions [{line, label, pred, confidence, rejected}], ...\n"
            "  The robustness and calibration report of docs/ink.md: inkpin robustness.\n",
            (double)INK_ODD_CONF / NET_CONF_ONE, (double)NET_REJECT_CONF / NET_CONF_ONE);
}

static int parse_args(int argc, char **argv, classify_opts *o)
{
    memset(o, 0, sizeof *o);
    o->writers = -1;
    o->threshold = (double)NET_REJECT_CONF / NET_CONF_ONE;
    o->min_accuracy = -1;
    const cli_opt opts[] = {{"--model", CLI_STRING, &o->model, 0, 0},
                            {"--writers", CLI_WRITERS, &o->writers, 0, 0},
                            {"--reject-below", CLI_DOUBLE, &o->threshold, 0, 1},
                            {"--min-accuracy", CLI_DOUBLE, &o->min_accuracy, 0, 1},
                            {"--json", CLI_FLAG, &o->json, 0, 0},
                            {"--predictions", CLI_FLAG, &o->predictions, 0, 0},
                            {NULL, CLI_END, NULL, 0, 0}};
    int n_files = 0;
    int rc = cli_parse("classify", argc, argv, opts, &o->path, 1, &n_files, classify_usage);
    if (rc != CLI_PARSED)
        return rc;
    if (!o->path) {
        classify_usage(stderr);
        return CLI_BAD_ARGS;
    }
    o->writers_name = cli_writers_name(o->writers);
    o->plain = inkeval_plain(o->threshold); /* NET_REJECT_CONF exactly by default */
    return CLI_PARSED;
}

static int selected(const classify_opts *o, const strokes_sample *s)
{
    return o->writers < 0 || strokes_part(s) == o->writers;
}

/* ---- plain classification ------------------------------------------------------ */

static int run_classify(const classify_opts *o, const strokes_set *set, const inkeval_model *em)
{
    metrics m;
    metrics_init(&m);
    int n = 0, labelled = 0, correct = 0, no_digit = 0, shape_no = 0, low_conf = 0, acc_n = 0,
        acc_ok = 0;
    cJSON *root = o->json ? cJSON_CreateObject() : NULL;
    cJSON *preds = o->json ? cJSON_CreateArray() : NULL;
    for (int i = 0; i < set->n; i++) {
        const strokes_sample *s = &set->samples[i];
        if (!selected(o, s))
            continue;
        inkeval_result r;
        int e = inkeval_classify(em, s, &r);
        if (e) {
            fprintf(stderr, "inkpin classify: line %d: engine error %s (%d)\n", s->line,
                    net_strerror((net_err)e), e);
            cJSON_Delete(root);
            cJSON_Delete(preds);
            return CLI_FAILED;
        }
        n++;
        int rejected = inkeval_rejected(&r, o->plain);
        int not_shaped = r.pred >= 0 && r.v.need > NET_CONF_ONE; /* no digit is drawn so */
        no_digit += r.pred < 0;
        shape_no += not_shaped;
        low_conf += rejected && r.pred >= 0 && !not_shaped;
        if (s->label >= 0) {
            labelled++;
            correct += r.pred == s->label;
            if (r.pred >= 0)
                metrics_add(&m, s->label, r.pred);
            if (!rejected) {
                acc_n++;
                acc_ok += r.pred == s->label;
            }
        }
        if (o->predictions && !o->json)
            printf("line %d: label %2d pred %2d confidence %.4f%s%s\n", s->line, s->label, r.pred,
                   r.confidence, rejected ? " rejected" : "",
                   s->label >= 0 && r.pred != s->label ? " WRONG" : "");
        if (preds) {
            cJSON *p = cJSON_CreateObject();
            cJSON_AddNumberToObject(p, "line", s->line);
            if (s->label >= 0)
                cJSON_AddNumberToObject(p, "label", s->label);
            cJSON_AddNumberToObject(p, "pred", r.pred);
            cJSON_AddNumberToObject(p, "confidence", r.confidence);
            cJSON_AddBoolToObject(p, "rejected", rejected);
            cJSON_AddItemToArray(preds, p);
        }
        cli_progress("classify", n, set->n);
    }
    double accuracy = labelled ? (double)correct / labelled : NAN;
    if (root) {
        if (labelled)
            metrics_add_json(&m, root);
        cJSON_DeleteItemFromObject(root, "n");
        cJSON_DeleteItemFromObject(root, "accuracy");
        cJSON_AddNumberToObject(root, "n", n);
        cJSON_AddNumberToObject(root, "labelled", labelled);
        if (labelled) {
            cJSON_AddNumberToObject(root, "accuracy", accuracy);
            cJSON_AddNumberToObject(root, "accepted_accuracy", acc_n ? (double)acc_ok / acc_n : 0);
        }
        cJSON_AddNumberToObject(root, "rejected", no_digit + shape_no + low_conf);
        cJSON_AddNumberToObject(root, "no_digit", no_digit);
        cJSON_AddNumberToObject(root, "not_digit_shaped", shape_no);
        cJSON_AddNumberToObject(root, "threshold", o->threshold);
        cJSON_AddStringToObject(root, "writers", o->writers_name);
        cJSON_AddStringToObject(root, "model", em->model.name);
        cJSON_AddItemToObject(root, "predictions", preds);
        char *text = cJSON_PrintUnformatted(root);
        if (text)
            puts(text);
        free(text);
        cJSON_Delete(root);
    } else {
        printf("%s (writers: %s): %d samples, model %s\n", o->path, o->writers_name, n,
               em->model.name);
        int rej = no_digit + shape_no + low_conf;
        printf(
            "rejected: %d (%.2f%%): %d no digit, %d not shaped like a digit, %d with confidence\n"
            "  below what the shape needs (%.4f; %.4f for odd shapes)\n",
            rej, n ? 100.0 * rej / n : 0.0, no_digit, shape_no, low_conf,
            (double)o->plain / NET_CONF_ONE,
            (double)(o->plain > INK_ODD_CONF ? o->plain : INK_ODD_CONF) / NET_CONF_ONE);
        if (labelled) {
            printf("accuracy: %.2f%% (%d of %d labelled; no digit counts as wrong)\n",
                   100 * accuracy, correct, labelled);
            printf("accuracy of accepted samples: %.2f%% (%d of %d)\n",
                   acc_n ? 100.0 * acc_ok / acc_n : 0.0, acc_ok, acc_n);
            printf("per class and confusion (samples with a prediction):\n");
            metrics_print(stdout, &m);
        }
    }
    if (o->min_accuracy >= 0 && labelled && accuracy < o->min_accuracy) {
        fprintf(stderr, "inkpin classify: accuracy %.4f below --min-accuracy %.4f\n", accuracy,
                o->min_accuracy);
        return CLI_FAILED;
    }
    return CLI_OK;
}

int cmd_classify(int argc, char **argv)
{
    classify_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc != CLI_PARSED)
        return cli_parse_exit(rc);
    inkpin_diag d = {{0}};
    strokes_set set;
    inkeval_model em;
    if (inkeval_open(o.path, o.model, &set, &em, &d)) {
        fprintf(stderr, "inkpin classify: %s\n", d.msg);
        return CLI_USAGE;
    }
    rc = run_classify(&o, &set, &em);
    inkeval_close(&set, &em);
    return rc;
}
