/* cmd_robustness.c - `inkpin robustness`: the study of docs/ink.md. Every
 * labelled line of a strokes file, transformed (size, position, rotation,
 * sampling rate) and through the device path beside the seed project's
 * mapping; calibration; the rejection threshold chosen on the tune writers
 * against generated scribbles; the shape measurements. Markdown on stdout
 * (bench/ink_robustness.sh pastes it into docs/ink.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "data/strokes.h"
#include "eval/ink_eval.h"

typedef struct {
    const char *path, *model, *writers_name;
    int writers; /* STROKES_TUNE, STROKES_REPORT or -1 (all) */
    int rejection_only, scribbles;
    uint32_t scribble_seed;
} robustness_opts;

static void robustness_usage(FILE *f)
{
    fprintf(f,
            "usage: inkpin robustness FILE.ndjson [options]\n"
            "  The robustness and calibration report (Markdown) of docs/ink.md: accuracy under\n"
            "  size, position, rotation and sampling-rate changes beside the seed project's\n"
            "  mapping, calibration, the rejection threshold (chosen on the tune writers as the\n"
            "  largest that rejects at most 1%% of them) against generated scribbles, and the\n"
            "  shape measurements (src/inkpin/verdict.h, ink.h).\n\n"
            "  --model FILE.inkm    model blob (default: the compiled-in default model)\n"
            "  --writers W          report (default) | tune | all: the digits of the tables\n"
            "  --scribbles N        scribbles per kind (default 500)\n"
            "  --scribble-seed S    first scribble seed (default 0; seeds >= 2000000 are the\n"
            "                       ones reserved for tuning)\n"
            "  --rejection-only     without the transform tables\n");
}

static int parse_args(int argc, char **argv, robustness_opts *o)
{
    uint64_t seed = 0;
    memset(o, 0, sizeof *o);
    o->writers = STROKES_REPORT;
    o->scribbles = 500;
    const cli_opt opts[] = {{"--model", CLI_STRING, &o->model, 0, 0},
                            {"--writers", CLI_WRITERS, &o->writers, 0, 0},
                            {"--scribbles", CLI_INT, &o->scribbles, 1, 100000},
                            {"--scribble-seed", CLI_U64, &seed, 0, 4000000000.0},
                            {"--rejection-only", CLI_FLAG, &o->rejection_only, 0, 0},
                            {NULL, CLI_END, NULL, 0, 0}};
    int n_files = 0;
    int rc = cli_parse("robustness", argc, argv, opts, &o->path, 1, &n_files, robustness_usage);
    if (rc != CLI_PARSED)
        return rc;
    if (!o->path) {
        robustness_usage(stderr);
        return CLI_BAD_ARGS;
    }
    o->scribble_seed = (uint32_t)seed;
    o->writers_name = cli_writers_name(o->writers);
    return CLI_PARSED;
}

static int selected(const robustness_opts *o, const strokes_sample *s)
{
    return o->writers < 0 || strokes_part(s) == o->writers;
}

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

static void eval_tf(const robustness_opts *o, const strokes_set *set, const inkeval_model *em,
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
        if (b >= BINS)
            b = BINS - 1;
        if (b < 0)
            b = 0;
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
    double chosen =
        budget < 0 || m == 0
            ? 0
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

static void rejection_report(const robustness_opts *o, const judged *r, int nr, int part_r,
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
           INK_APART_STROKES, INK_MAX_STROKES, INK_MAX_TURN / 1024.0, nt, chosen, chosen_q,
           (unsigned)NET_REJECT_CONF,
           chosen_q == NET_REJECT_CONF ? ", the same" : ", DIFFERENT: update it", before, ns,
           o->scribble_seed, o->scribble_seed + (uint32_t)ns - 1u);
    printf("| rule | real digits rejected (%s) | accepted accuracy |", cli_writers_name(part_r));
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
           cli_writers_name(part_r), real_noshape, real_odd);
    printf(" scribbles, no digit by the ink module / not shaped like a digit / odd-shaped:");
    for (int k = 0; k < SCRIBBLE_KINDS; k++)
        printf("%s %s %d/%d/%d", k ? "," : "", inkeval_scribble_names[k], nodigit[k], noshape[k],
               odd[k]);
    printf(")\n");
}

/* The accuracy tables: as drawn, size, position, rotation, sampling rate. */
static void transform_tables(const robustness_opts *o, const strokes_set *set,
                             const inkeval_model *em)
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
    cli_progress("robustness: as drawn", 1, 1);

    printf("\n### Digit size (longer side as a fraction of the 240 px box, centred)\n\n"
           "| size | ink | seed |\n|---|---:|---:|\n");
    for (int f = 4; f <= 10; f++) {
        tf_spec s = {TF_SIZE, f / 10.0, 0, 0};
        eval_tf(o, set, em, &s, t);
        snprintf(label, sizeof label, "%d%%", f * 10);
        row(label, t);
        cli_progress("robustness: size", f - 3, 7);
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
            cli_progress("robustness: position", a * 3 + b + 1, 9);
        }

    printf("\n### Rotation about the ink centre (size and place as drawn)\n\n"
           "| degrees | ink | seed |\n|---|---:|---:|\n");
    for (int d = -20; d <= 20; d += 10) {
        tf_spec s = {TF_ROTATE, d, 0, 0};
        eval_tf(o, set, em, &s, t);
        snprintf(label, sizeof label, "%+d", d);
        row(label, t);
        cli_progress("robustness: rotation", (d + 20) / 10 + 1, 5);
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

static int run_robustness(const robustness_opts *o, const strokes_set *set, const inkeval_model *em)
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
        fprintf(stderr, "inkpin robustness: out of memory\n");
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
    printf("\n### Calibration (ink path, %s writers)\n\n", cli_writers_name(part_r));
    if (nr > 0)
        calibration(real, nr);
    rejection_report(o, real, nr, part_r, tune, nt, sc, ns);
    shape_table(real, nr, part_r, tune, nt, sc, ns);
    free(real), free(tune), free(sc);
    return CLI_OK;
}

int cmd_robustness(int argc, char **argv)
{
    robustness_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc != CLI_PARSED)
        return cli_parse_exit(rc);
    inkpin_diag d = {{0}};
    strokes_set set;
    inkeval_model em;
    if (inkeval_open(o.path, o.model, &set, &em, &d)) {
        fprintf(stderr, "inkpin robustness: %s\n", d.msg);
        return CLI_USAGE;
    }
    rc = run_robustness(&o, &set, &em);
    inkeval_close(&set, &em);
    return rc;
}
