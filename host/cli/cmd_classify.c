/* cmd_classify.c - `inkpin classify`: every line of a strokes file through
 * ink + engine exactly as the device does; accuracy, per-class accuracy,
 * confusion, rejections; and `--robustness`, the report of docs/ink.md
 * (size, position, rotation, sampling rate, seed mapping, calibration,
 * rejection threshold, scribbles). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "eval/ink_eval.h"
#include "eval/metrics.h"
#include "data/strokes.h"

typedef struct {
    const char *path, *model, *writers_name;
    int writers; /* STROKES_TUNE, STROKES_REPORT or -1 (all) */
    double threshold, min_accuracy;
    uint32_t plain; /* threshold as the device's integer (inkeval_plain) */
    int json, predictions, robustness, rejection_only, scribbles;
    uint32_t scribble_seed;
} classify_opts;

static void classify_usage(FILE *f)
{
    fprintf(f,
            "usage: inkpin classify FILE.ndjson [options]\n"
            "  Runs every line through the ink module and the int8 engine exactly as the\n"
            "  device does (pen events -> ink_render -> net_run). A sample is rejected when\n"
            "  the ink is no digit (empty, tap, dot), or the confidence is below what the\n"
            "  drawing's shape needs: the threshold for ordinary shapes, %.2f for odd ones,\n"
            "  never enough for shapes no digit has (ink_conf_needed, src/inkpin/ink.h).\n"
            "  accuracy = correct top-1 predictions / labelled samples (no digit = wrong).\n\n"
            "  --model FILE.inkm    model blob (default: the compiled-in default model)\n"
            "  --writers W          all (default) | tune | report: writer-disjoint part of the\n"
            "                       file (strokes.h); report = writers never trained on\n"
            "  --reject-below C     confidence threshold 0..1 (default NET_REJECT_CONF = %.4f)\n"
            "  --min-accuracy X     exit 1 when accuracy (0..1) is below X\n"
            "  --predictions        print one line per sample\n"
            "  --json               one JSON object: n, accuracy, rejected, per_class, confusion,\n"
            "                       predictions [{line, label, pred, confidence, rejected}], ...\n"
            "  --robustness         instead: the robustness and calibration report (Markdown)\n"
            "                       of docs/ink.md; --writers defaults to report here, and the\n"
            "                       rejection threshold is chosen on the tune writers\n"
            "  --scribbles N        scribbles per kind for --robustness (default 500)\n"
            "  --scribble-seed S    first scribble seed (default 0; seeds >= 2000000 are the\n"
            "                       ones reserved for tuning)\n"
            "  --rejection-only     --robustness without the transform tables\n",
            (double)INK_ODD_CONF / NET_CONF_ONE, (double)NET_REJECT_CONF / NET_CONF_ONE);
}

static int parse_args(int argc, char **argv, classify_opts *o)
{
    memset(o, 0, sizeof *o);
    o->writers = -2; /* unset */
    o->threshold = -1;
    o->min_accuracy = -1;
    o->scribbles = 500;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            classify_usage(stdout);
            return 1;
        } else if (!strcmp(a, "--model") && has) {
            o->model = argv[++i];
        } else if (!strcmp(a, "--writers") && has) {
            o->writers_name = argv[++i];
            o->writers = !strcmp(o->writers_name, "tune")     ? STROKES_TUNE
                         : !strcmp(o->writers_name, "report") ? STROKES_REPORT
                         : !strcmp(o->writers_name, "all")    ? -1
                                                              : -3;
            if (o->writers == -3) {
                fprintf(stderr, "inkpin classify: --writers must be tune, report or all\n");
                return -1;
            }
        } else if (!strcmp(a, "--reject-below") && has) {
            char *end;
            o->threshold = strtod(argv[++i], &end);
            if (*end || !(o->threshold >= 0 && o->threshold <= 1)) {
                fprintf(stderr, "inkpin classify: --reject-below must be a number 0..1\n");
                return -1;
            }
        } else if (!strcmp(a, "--min-accuracy") && has) {
            char *end;
            o->min_accuracy = strtod(argv[++i], &end);
            if (*end || !(o->min_accuracy >= 0 && o->min_accuracy <= 1)) {
                fprintf(stderr, "inkpin classify: --min-accuracy must be a number 0..1\n");
                return -1;
            }
        } else if (!strcmp(a, "--scribbles") && has) {
            o->scribbles = atoi(argv[++i]);
            if (o->scribbles < 1 || o->scribbles > 100000) {
                fprintf(stderr, "inkpin classify: --scribbles must be 1..100000\n");
                return -1;
            }
        } else if (!strcmp(a, "--scribble-seed") && has) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end || v > 4000000000ul) {
                fprintf(stderr, "inkpin classify: --scribble-seed must be 0..4000000000\n");
                return -1;
            }
            o->scribble_seed = (uint32_t)v;
        } else if (!strcmp(a, "--rejection-only")) {
            o->rejection_only = o->robustness = 1;
        } else if (!strcmp(a, "--json")) {
            o->json = 1;
        } else if (!strcmp(a, "--predictions")) {
            o->predictions = 1;
        } else if (!strcmp(a, "--robustness")) {
            o->robustness = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "inkpin classify: unknown option or missing value: %s\n", a);
            return -1;
        } else if (!o->path) {
            o->path = a;
        } else {
            fprintf(stderr, "inkpin classify: one strokes file expected (extra: %s)\n", a);
            return -1;
        }
    }
    if (!o->path) {
        classify_usage(stderr);
        return -1;
    }
    if (o->robustness && (o->json || o->predictions)) {
        fprintf(stderr, "inkpin classify: --robustness prints a Markdown report; it takes no "
                        "--json or --predictions\n");
        return -1;
    }
    if (o->writers == -2)
        o->writers = o->robustness ? STROKES_REPORT : -1;
    if (!o->writers_name)
        o->writers_name = o->writers == STROKES_REPORT ? "report" : "all";
    if (o->threshold < 0)
        o->threshold = (double)NET_REJECT_CONF / NET_CONF_ONE;
    o->plain = inkeval_plain(o->threshold); /* NET_REJECT_CONF exactly by default */
    return 0;
}

static int selected(const classify_opts *o, const strokes_sample *s)
{
    return o->writers < 0 || strokes_part(s) == o->writers;
}

static void progress(const char *what, int done, int total)
{
    if (!isatty(2) || total <= 0)
        return;
    if (done % 256 != 0 && done != total)
        return;
    fprintf(stderr, "\r%-28s [%3d%%]", what, (int)(100.0 * done / total));
    if (done == total)
        fprintf(stderr, "\r%-40s\r", "");
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
        progress("classify", n, set->n);
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
        printf("%s (writers: %s): %d samples, model %s\n", o->path, o->writers_name, n, em->model.name);
        int rej = no_digit + shape_no + low_conf;
        printf("rejected: %d (%.2f%%): %d no digit, %d not shaped like a digit, %d with confidence\n"
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

/* ---- robustness --------------------------------------------------------------------- */

typedef enum { PATH_INK, PATH_NAIVE } path_kind;

typedef struct {
    int n, correct;
} tally;

/* Classifies one sample by the given path; returns the prediction (-1 none). */
static int predict(const inkeval_model *em, const strokes_sample *s, path_kind path,
                   double *confidence)
{
    inkeval_result r;
    if (path == PATH_INK) {
        if (inkeval_classify(em, s, &r))
            return -1;
    } else {
        uint8_t img[NET_IMAGE_BYTES];
        inkeval_naive(s, img);
        if (inkeval_classify_image(em, img, &r))
            return -1;
    }
    if (confidence)
        *confidence = r.confidence;
    return r.pred;
}

typedef enum { TF_NONE, TF_SIZE, TF_POSITION, TF_ROTATE, TF_THIN } tf_kind;

typedef struct {
    tf_kind kind;
    double a, b, c; /* size: fraction; position: side, cx, cy; rotate: degrees; thin: every */
} tf_spec;

static int apply(const strokes_sample *s, const tf_spec *t, strokes_sample *out)
{
    double side, cx, cy;
    inkeval_box(s, &side, &cx, &cy);
    switch (t->kind) {
    case TF_SIZE: return inkeval_transform(s, t->a * (INK_AREA - 1), 119.5, 119.5, 0, out);
    case TF_POSITION: return inkeval_transform(s, t->a, t->b, t->c, 0, out);
    case TF_ROTATE: return inkeval_transform(s, side, cx, cy, t->a, out);
    case TF_THIN: return inkeval_thin(s, (int)t->a, out);
    default: return inkeval_transform(s, side, cx, cy, 0, out);
    }
}

static void eval_tf(const classify_opts *o, const strokes_set *set, const inkeval_model *em,
                    const tf_spec *t, tally out[2])
{
    memset(out, 0, 2 * sizeof *out);
    for (int i = 0; i < set->n; i++) {
        const strokes_sample *s = &set->samples[i];
        if (!selected(o, s) || s->label < 0 || s->n_points == 0)
            continue;
        strokes_sample ts;
        if (apply(s, t, &ts))
            continue;
        for (int p = 0; p < 2; p++) {
            out[p].n++;
            out[p].correct += predict(em, &ts, (path_kind)p, NULL) == s->label;
        }
        strokes_sample_free(&ts);
    }
}

static double pct(tally t)
{
    return t.n ? 100.0 * t.correct / t.n : 0;
}

static void row(const char *what, const tally t[2])
{
    printf("| %s | %.2f%% | %.2f%% |\n", what, pct(t[0]), pct(t[1]));
}

/* One drawing through the device path, as the rejection tables need it:
 * conf = confidence[pred] (units of 1/NET_CONF_ONE; 0 when no digit), need =
 * ink_conf_needed(shape, 0) (NET_CONF_ONE + 1 when no digit), ok = correct. */
typedef struct {
    uint32_t conf, need;
    int ok;
    ink_shape shape; /* all zero when no digit */
} judged;

static judged judge(const inkeval_model *em, const strokes_sample *s)
{
    inkeval_result r;
    judged j = {0, NET_CONF_ONE + 1u, 0, {0, 0, 0, 0}};
    if (inkeval_classify(em, s, &r) == 0 && r.pred >= 0) {
        j.conf = r.v.confidence;
        j.need = ink_conf_needed(&r.v.shape, 0);
        j.ok = r.pred == s->label;
        j.shape = r.v.shape;
    }
    return j;
}

/* The device's verdict on a judged drawing at the plain threshold
 * (verdict_accepts); with shape = 0, the study's counterfactual: the
 * confidence threshold alone (the rule before the shape check). */
static int judged_rejected(const judged *j, uint32_t plain, int shape)
{
    if (j->conf == 0)
        return 1; /* no digit */
    return shape ? !verdict_accepts(j->conf, &j->shape, plain) : j->conf < plain;
}

/* Real digits of one writer part through the device path; returns the count. */
static int collect_digits(const strokes_set *set, const inkeval_model *em, int part, judged **out)
{
    int n = 0;
    *out = malloc((size_t)(set->n ? set->n : 1) * sizeof **out);
    if (!*out)
        return -1;
    for (int i = 0; i < set->n; i++) {
        const strokes_sample *s = &set->samples[i];
        if (strokes_part(s) == part && s->label >= 0)
            (*out)[n++] = judge(em, s);
    }
    return n;
}

static void calibration(const judged *d, int n)
{
    enum { BINS = 10 };
    int cnt[BINS] = {0}, good[BINS] = {0};
    double sum[BINS] = {0};
    for (int i = 0; i < n; i++) {
        double c = (double)d[i].conf / NET_CONF_ONE;
        int b = (int)(c * BINS);
        if (b >= BINS) b = BINS - 1;
        if (b < 0) b = 0;
        cnt[b]++;
        good[b] += d[i].ok;
        sum[b] += c;
    }
    double ece = 0;
    printf("| confidence bin | samples | mean confidence | accuracy |\n|---|---:|---:|---:|\n");
    for (int b = 0; b < BINS; b++) {
        if (!cnt[b])
            continue;
        double mc = sum[b] / cnt[b], acc = (double)good[b] / cnt[b];
        ece += (double)cnt[b] / n * fabs(mc - acc);
        printf("| %.1f-%.1f | %d | %.4f | %.4f |\n", (double)b / BINS, (double)(b + 1) / BINS,
               cnt[b], mc, acc);
    }
    printf("\nExpected calibration error (10 equal-width bins): **ECE = %.4f** (%d samples)\n\n",
           ece, n);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The largest threshold (rounded down to 0.001) that rejects at most 1% of
 * the tune digits together with the rejections it does not control (no
 * digit; with shape = 1 also the shape check). Returned as a confidence
 * 0..1; 0 when those alone exceed the 1%. */
static double choose_threshold(const judged *t, int nt, int shape)
{
    uint32_t *free_conf = malloc((size_t)(nt ? nt : 1) * sizeof *free_conf);
    int m = 0, fixed = 0;
    if (!free_conf)
        return 0;
    for (int i = 0; i < nt; i++) {
        if (judged_rejected(&t[i], 0, shape))
            fixed++; /* rejected whatever the plain threshold */
        else
            free_conf[m++] = t[i].conf;
    }
    qsort(free_conf, (size_t)m, sizeof *free_conf, cmp_u32);
    int budget = nt / 100 - fixed; /* the digits the threshold may still reject */
    double chosen = budget < 0 || m == 0 ? 0
                    : floor((double)free_conf[budget < m ? budget : m - 1] / NET_CONF_ONE * 1000) / 1000;
    free(free_conf);
    return chosen;
}

/* One row of the rejection table. */
static void rejection_row(const char *what, uint32_t plain, int shape, const judged *r, int nr,
                          const judged *sc, int ns)
{
    int rej = 0, acc_n = 0, acc_ok = 0, all = 0;
    for (int i = 0; i < nr; i++) {
        if (judged_rejected(&r[i], plain, shape)) {
            rej++;
        } else {
            acc_n++;
            acc_ok += r[i].ok;
        }
    }
    printf("| %s | %.2f%% | %.2f%% |", what, nr ? 100.0 * rej / nr : 0,
           acc_n ? 100.0 * acc_ok / acc_n : 0);
    for (int k = 0; k < SCRIBBLE_KINDS; k++) {
        int n = 0;
        for (int i = 0; i < ns; i++)
            n += judged_rejected(&sc[k * ns + i], plain, shape);
        all += n;
        printf(" %.1f%% |", 100.0 * n / ns);
    }
    printf(" %.1f%% |\n", 100.0 * all / (ns * SCRIBBLE_KINDS));
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

static int32_t percentile(const int32_t *sorted, int m, double pct)
{
    return m ? sorted[(int)(pct / 100 * (m - 1) + 0.5)] : 0;
}

/* One row of the shape table: drawings the ink module rendered (no digit left
 * out), share with more strokes than INK_MAX_STROKES, share with
 * INK_APART_STROKES..INK_MAX_STROKES strokes one of which touches none drawn
 * before it, sharp-turn and turning percentiles. */
static void shape_row(const char *what, const judged *d, int n)
{
    int32_t *turn = malloc((size_t)(n ? n : 1) * sizeof *turn);
    int32_t *sharp = malloc((size_t)(n ? n : 1) * sizeof *sharp);
    int m = 0, many = 0, apart = 0;
    if (!turn || !sharp) {
        free(turn), free(sharp);
        return;
    }
    for (int i = 0; i < n; i++)
        if (d[i].conf > 0) {
            const ink_shape *s = &d[i].shape;
            sharp[m] = s->sharp;
            turn[m++] = s->turn;
            many += s->strokes > INK_MAX_STROKES;
            apart += s->strokes >= INK_APART_STROKES && s->strokes <= INK_MAX_STROKES &&
                     s->joined < s->strokes - 1;
        }
    qsort(turn, (size_t)m, sizeof *turn, cmp_i32);
    qsort(sharp, (size_t)m, sizeof *sharp, cmp_i32);
    printf("| %s | %d | %.2f%% | %.2f%% | %d | %d |", what, m, m ? 100.0 * many / m : 0,
           m ? 100.0 * apart / m : 0, (int)percentile(sharp, m, 50), (int)percentile(sharp, m, 99));
    static const double pcts[] = {50, 99, 99.9, 100};
    for (size_t k = 0; k < sizeof pcts / sizeof *pcts; k++)
        printf(" %.2f |", percentile(turn, m, pcts[k]) / 1024.0);
    printf("\n");
    free(turn), free(sharp);
}

static void shape_table(const judged *r, int nr, int part_r, const judged *t, int nt,
                        const judged *sc, int ns)
{
    char apart[32];
    if (INK_APART_STROKES == INK_MAX_STROKES)
        snprintf(apart, sizeof apart, "%d", INK_MAX_STROKES);
    else
        snprintf(apart, sizeof apart, "%d-%d", INK_APART_STROKES, INK_MAX_STROKES);
    printf("\nShape measurements (ink_render_shape) of the drawings the ink module renders:\n\n"
           "| drawings | n | > %d strokes | %s strokes, one apart | sharp turns: median |"
           " 99th pct | turns: median | 99th pct | 99.9th pct | largest |\n"
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
           INK_MAX_STROKES, apart);
    shape_row("tune-writer digits", t, nt);
    if (part_r != STROKES_TUNE)
        shape_row("report-writer digits", r, nr);
    for (int k = 0; k < SCRIBBLE_KINDS; k++)
        shape_row(inkeval_scribble_names[k], sc + k * ns, ns);
}

static void rejection_report(const classify_opts *o, const judged *r, int nr, int part_r,
                             const judged *t, int nt, const judged *sc, int ns)
{
    double before = choose_threshold(t, nt, 0), chosen = choose_threshold(t, nt, 1);
    uint32_t chosen_q = inkeval_plain(chosen);
    printf("### Rejection\n\n"
           "A drawing is rejected when the ink module says no digit, or when the engine's\n"
           "confidence is below what the drawing's shape needs (ink_conf_needed,\n"
           "src/inkpin/ink.h): the threshold for ordinary shapes, %.2f for odd shapes\n"
           "(total turning, each sharp turn counting %.3f turn extra, > %.2f turns; or\n"
           "%d or more strokes, one of which touches none drawn before it), never enough\n"
           "for shapes no digit has (> %d strokes or > %.2f turns).\n"
           "The threshold is chosen on the tune writers (%d\n"
           "digits) as the largest one (rounded down to 0.001) that rejects at most 1%%\n"
           "of them, shape check included: **%.3f**, i.e. NET_REJECT_CONF = %u\n"
           "(src/inkpin/net.h; this build: %u%s).\n"
           "Without the shape check (confidence only, the rule before it) the same rule\n"
           "gives %.3f.\n"
           "Scribbles: %d of each kind, generated (inkeval_scribble, seeds %u..%u).\n\n",
           (double)INK_ODD_CONF / NET_CONF_ONE, INK_SHARP_TURN / 1024.0, INK_ODD_TURN / 1024.0,
           INK_APART_STROKES, INK_MAX_STROKES, INK_MAX_TURN / 1024.0, nt, chosen, chosen_q, (unsigned)NET_REJECT_CONF,
           chosen_q == NET_REJECT_CONF ? ", the same" : ", DIFFERENT: update it", before, ns,
           o->scribble_seed, o->scribble_seed + (uint32_t)ns - 1u);
    printf("| rule | real digits rejected (%s) | accepted accuracy |",
           part_r == STROKES_TUNE ? "tune" : "report");
    for (int k = 0; k < SCRIBBLE_KINDS; k++)
        printf(" %s rejected |", inkeval_scribble_names[k]);
    printf(" all scribbles rejected |\n|---|---:|---:|");
    for (int k = 0; k <= SCRIBBLE_KINDS; k++)
        printf("---:|");
    printf("\n");
    char what[96];
    snprintf(what, sizeof what, "confidence only, %.3f (before)", before);
    rejection_row(what, inkeval_plain(before), 0, r, nr, sc, ns);
    snprintf(what, sizeof what, "confidence only, %.3f", chosen);
    rejection_row(what, chosen_q, 0, r, nr, sc, ns);
    static const double more[] = {0.5, 0.7, 0.9};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
        snprintf(what, sizeof what, "shape check + %.3f", more[i]);
        rejection_row(what, inkeval_plain(more[i]), 1, r, nr, sc, ns);
    }
    snprintf(what, sizeof what, "**shape check + %.3f (chosen)**", chosen);
    rejection_row(what, chosen_q, 1, r, nr, sc, ns);

    int nodigit[SCRIBBLE_KINDS] = {0}, noshape[SCRIBBLE_KINDS] = {0}, odd[SCRIBBLE_KINDS] = {0};
    int real_noshape = 0, real_odd = 0;
    for (int k = 0; k < SCRIBBLE_KINDS; k++)
        for (int i = 0; i < ns; i++) {
            const judged *j = &sc[k * ns + i];
            nodigit[k] += j->conf == 0 && j->need > NET_CONF_ONE;
            noshape[k] += j->conf > 0 && j->need > NET_CONF_ONE;
            odd[k] += j->need == INK_ODD_CONF;
        }
    for (int i = 0; i < nr; i++) {
        real_noshape += r[i].conf > 0 && r[i].need > NET_CONF_ONE;
        real_odd += r[i].need == INK_ODD_CONF;
    }
    printf("\nBy cause (%s digits: %d not shaped like a digit, %d odd-shaped;",
           part_r == STROKES_TUNE ? "tune" : "report", real_noshape, real_odd);
    printf(" scribbles, no digit by the ink module / not shaped like a digit / odd-shaped:");
    for (int k = 0; k < SCRIBBLE_KINDS; k++)
        printf("%s %s %d/%d/%d", k ? "," : "", inkeval_scribble_names[k], nodigit[k], noshape[k],
               odd[k]);
    printf(")\n");
}

/* The accuracy tables: as drawn, size, position, rotation, sampling rate. */
static void transform_tables(const classify_opts *o, const strokes_set *set, const inkeval_model *em)
{
    tally t[2];
    char label[96];
    int n_sel = 0;
    for (int i = 0; i < set->n; i++)
        n_sel += selected(o, &set->samples[i]) && set->samples[i].label >= 0;
    printf("Robustness on %s, writers: %s (%d labelled samples), model: %s.\n"
           "Each cell: accuracy of the top-1 prediction (no threshold). \"ink\" = this\n"
           "module (ink_render); \"seed\" = the seed project's mapping (x*28/240, 3x3\n"
           "block per sample, no lines, no scaling, no centring) with the same model.\n\n",
           o->path, o->writers_name, n_sel, em->model.name);

    printf("### As drawn\n\n| transform | ink | seed |\n|---|---:|---:|\n");
    tf_spec none = {TF_NONE, 0, 0, 0};
    eval_tf(o, set, em, &none, t);
    row("none (dev file as is)", t);
    progress("robustness: as drawn", 1, 1);

    printf("\n### Digit size (longer side as a fraction of the 240 px box, centred)\n\n"
           "| size | ink | seed |\n|---|---:|---:|\n");
    for (int f = 4; f <= 10; f++) {
        tf_spec s = {TF_SIZE, f / 10.0, 0, 0};
        eval_tf(o, set, em, &s, t);
        snprintf(label, sizeof label, "%d%%", f * 10);
        row(label, t);
        progress("robustness: size", f - 3, 7);
    }

    printf("\n### Position (size 50%% = 120 px, centre of the ink box at (x, y))\n\n"
           "| centre | ink | seed |\n|---|---:|---:|\n");
    static const double pos[3] = {60, 120, 180};
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            tf_spec s = {TF_POSITION, 120, pos[b], pos[a]};
            eval_tf(o, set, em, &s, t);
            snprintf(label, sizeof label, "(%.0f, %.0f)", pos[b], pos[a]);
            row(label, t);
            progress("robustness: position", a * 3 + b + 1, 9);
        }

    printf("\n### Rotation about the ink centre (size and place as drawn)\n\n"
           "| degrees | ink | seed |\n|---|---:|---:|\n");
    for (int d = -20; d <= 20; d += 10) {
        tf_spec s = {TF_ROTATE, d, 0, 0};
        eval_tf(o, set, em, &s, t);
        snprintf(label, sizeof label, "%+d", d);
        row(label, t);
        progress("robustness: rotation", (d + 20) / 10 + 1, 5);
    }

    printf("\n### Sampling rate (keep the first point of each stroke and every k-th)\n\n"
           "| points kept | ink | seed |\n|---|---:|---:|\n");
    for (int k = 1; k <= 4; k *= 2) {
        tf_spec s = {TF_THIN, k, 0, 0};
        eval_tf(o, set, em, &s, t);
        snprintf(label, sizeof label, "1 in %d", k);
        row(label, t);
    }
}

static int run_robustness(const classify_opts *o, const strokes_set *set, const inkeval_model *em)
{
    if (!o->rejection_only)
        transform_tables(o, set, em);
    /* ---- calibration and rejection: threshold chosen on the tune writers ---- */
    judged *real = NULL, *tune = NULL, *sc = NULL;
    int part_r = o->writers < 0 ? STROKES_REPORT : o->writers;
    int nr = collect_digits(set, em, part_r, &real);
    int nt = collect_digits(set, em, STROKES_TUNE, &tune);
    int ns = o->scribbles;
    sc = malloc((size_t)ns * SCRIBBLE_KINDS * sizeof *sc);
    if (nr < 0 || nt < 0 || !sc) {
        free(real), free(tune), free(sc);
        fprintf(stderr, "inkpin classify: out of memory\n");
        return CLI_FAILED;
    }
    for (int kind = 0; kind < SCRIBBLE_KINDS; kind++)
        for (int i = 0; i < ns; i++) {
            strokes_sample s;
            judged none = {0, NET_CONF_ONE + 1u, 0, {0, 0, 0, 0}};
            sc[kind * ns + i] = none;
            if (inkeval_scribble(kind, o->scribble_seed + (uint32_t)i, &s))
                continue;
            sc[kind * ns + i] = judge(em, &s);
            strokes_sample_free(&s);
        }
    printf("\n### Calibration (ink path, %s writers)\n\n", part_r == STROKES_TUNE ? "tune" : "report");
    if (nr > 0)
        calibration(real, nr);
    rejection_report(o, real, nr, part_r, tune, nt, sc, ns);
    shape_table(real, nr, part_r, tune, nt, sc, ns);
    free(real), free(tune), free(sc);
    return CLI_OK;
}

int cmd_classify(int argc, char **argv)
{
    classify_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc > 0 ? CLI_OK : CLI_USAGE;
    inkpin_diag d = {{0}};
    strokes_set set;
    if (strokes_load(o.path, &set, &d)) {
        fprintf(stderr, "inkpin classify: %s\n", d.msg);
        return CLI_USAGE;
    }
    inkeval_model em;
    if (inkeval_model_load(&em, o.model, &d)) {
        fprintf(stderr, "inkpin classify: %s\n", d.msg);
        strokes_free(&set);
        return CLI_USAGE;
    }
    rc = o.robustness ? run_robustness(&o, &set, &em) : run_classify(&o, &set, &em);
    inkeval_model_free(&em);
    strokes_free(&set);
    return rc;
}
