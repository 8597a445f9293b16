/* cmd_render.c - `inkpin render`: a contact sheet of what the engine sees for
 * each line of a strokes file, and `--width-scan`, the measurement that chose
 * the ink module's pen width and box (docs/ink.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "data/data.h"
#include "eval/image.h"
#include "eval/ink_eval.h"
#include "inkpin/ink.h"
#include "data/strokes.h"

/* ---- the contact sheet --------------------------------------------------------- */

enum { SCALE = 3, BORDER = 3, CELL = 28 * SCALE + 2 * BORDER, CAPTION = 2 * IMAGE_GLYPH_H + 6 };

static const uint8_t BLACK[3] = {0, 0, 0}, WHITE[3] = {255, 255, 255}, GREY[3] = {110, 110, 110},
                     GREEN[3] = {60, 150, 60}, RED[3] = {220, 40, 40}, YELLOW[3] = {230, 200, 40},
                     BG[3] = {30, 30, 40};

/* Frame colour: yellow = rejected (no digit, or confidence below what the
 * shape needs: the device's verdict), red = wrong, green = right, grey = no
 * prediction/label. */
static void draw_cell(image *im, int x0, int y0, const strokes_sample *s, const inkeval_result *r,
                      int have_model)
{
    int rejected = r->ink != INK_OK || (have_model && r->v.kind != VERDICT_DIGIT);
    const uint8_t *frame = rejected                      ? YELLOW
                           : !have_model || s->label < 0 ? GREY
                           : r->pred == s->label         ? GREEN
                                                         : RED;
    image_fill_rect(im, x0, y0, CELL, CELL + CAPTION, frame);
    image_fill_rect(im, x0 + BORDER, y0 + BORDER, 28 * SCALE, 28 * SCALE, BLACK);
    for (int row = 0; row < 28; row++)
        for (int c = 0; c < 28; c++)
            if (ink_pixel(r->image, row, c))
                image_fill_rect(im, x0 + BORDER + c * SCALE, y0 + BORDER + row * SCALE, SCALE,
                                SCALE, WHITE);
    char cap[32], lab[4];
    snprintf(lab, sizeof lab, s->label >= 0 ? "%d" : "?", s->label);
    if (r->ink != INK_OK)
        snprintf(cap, sizeof cap, "%s>-", lab);
    else if (have_model)
        snprintf(cap, sizeof cap, "%s>%d %d%%", lab, r->pred, (int)floor(100 * r->confidence));
    else
        snprintf(cap, sizeof cap, "%s", lab);
    image_text(im, x0 + 4, y0 + CELL + 2, cap, 2, BLACK);
}

static void render_usage(FILE *f)
{
    fprintf(f,
            "usage: inkpin render FILE.ndjson --out sheet.png [options]\n"
            "       inkpin render --width-scan FILE.ndjson [--data DIR]\n\n"
            "Draws, for each line of the strokes file, the 28x28 image the engine sees\n"
            "(the ink module, as on the device), captioned label>prediction confidence%%.\n"
            "Frames: green right, red wrong, yellow rejected (no digit, or confidence below\n"
            "what the shape needs, as on the device), grey when there is no model or no label.\n\n"
            "options:\n"
            "  --out PATH          PNG to write (required)\n"
            "  --model FILE.inkm   model for the predictions (default: the compiled-in model;\n"
            "                      without one the sheet shows labels only)\n"
            "  --no-model          labels only\n"
            "  --writers W         tune | report | all (default all): writer-disjoint part\n"
            "  --errors            only samples that are wrong or rejected\n"
            "  --limit N           at most N samples (default 400)\n"
            "  --cols N            cells per row (default 20)\n"
            "  --width-scan        instead: compare ink statistics of binarized MNIST train\n"
            "                      with the strokes (tune writers) for a grid of pen radius\n"
            "                      and box size (how INK_PEN_RADIUS_Q4/INK_BOX_Q4 were chosen);\n"
            "                      with a model, also its accuracy on those strokes per style\n"
            "  --data DIR          data root for --width-scan (default: the usual lookup)\n");
}

/* ---- --width-scan ------------------------------------------------------------------ */

typedef struct {
    double n, ink, eroded, min_run, side;
} ink_stats;

/* Statistics of one binary 28x28 image (784 bytes of 0/1): ink pixels, the
 * fraction of ink surviving a plus-shaped erosion (thick strokes survive),
 * the mean over ink pixels of min(horizontal run, vertical run) through it
 * (a local stroke width), and the longer side of the ink bounding box. */
static void stats_add(ink_stats *s, const uint8_t *b)
{
    int count = 0, eroded = 0, r0 = 28, r1 = -1, c0 = 28, c1 = -1;
    double runs = 0;
    for (int i = 0; i < 28; i++)
        for (int j = 0; j < 28; j++) {
            if (!b[i * 28 + j])
                continue;
            count++;
            if (i < r0)
                r0 = i;
            if (i > r1)
                r1 = i;
            if (j < c0)
                c0 = j;
            if (j > c1)
                c1 = j;
            if (i > 0 && i < 27 && j > 0 && j < 27 && b[i * 28 + j - 1] && b[i * 28 + j + 1] &&
                b[(i - 1) * 28 + j] && b[(i + 1) * 28 + j])
                eroded++;
            int h = 1, v = 1;
            for (int k = j - 1; k >= 0 && b[i * 28 + k]; k--)
                h++;
            for (int k = j + 1; k < 28 && b[i * 28 + k]; k++)
                h++;
            for (int k = i - 1; k >= 0 && b[k * 28 + j]; k--)
                v++;
            for (int k = i + 1; k < 28 && b[k * 28 + j]; k++)
                v++;
            runs += h < v ? h : v;
        }
    if (!count)
        return;
    s->n++;
    s->ink += count;
    s->eroded += (double)eroded / count;
    s->min_run += runs / count;
    s->side += (r1 - r0 > c1 - c0 ? r1 - r0 : c1 - c0) + 1;
}

static void stats_print(const char *name, const ink_stats *s, int have_model, int n_ok)
{
    double n = s->n > 0 ? s->n : 1;
    printf("| %-22s | %5.0f | %6.1f | %6.3f | %5.2f | %5.2f |", name, s->n, s->ink / n,
           s->eroded / n, s->min_run / n, s->side / n);
    if (have_model && n_ok >= 0)
        printf(" %.2f%% |", 100.0 * n_ok / n);
    else if (have_model)
        printf(" |");
    printf("\n");
}

static int width_scan(const char *path, const char *data_dir, const inkeval_model *em)
{
    inkpin_diag d;
    char rootbuf[4096];
    const char *root = data_find_root(data_dir, rootbuf, sizeof rootbuf, &d);
    dataset ds;
    if (!root || data_load_mnist(root, "train", &ds, &d)) {
        fprintf(stderr, "inkpin render: %s\n", d.msg);
        return CLI_USAGE;
    }
    strokes_set set;
    if (strokes_load(path, &set, &d)) {
        fprintf(stderr, "inkpin render: %s\n", d.msg);
        data_free(&ds);
        return CLI_USAGE;
    }
    printf("| source (box, radius in 1/16 px) | n | ink px | eroded | min run | side |%s\n"
           "|---|---:|---:|---:|---:|---:|%s\n",
           em ? " accuracy |" : "", em ? "---:|" : "");
    ink_stats m = {0};
    uint8_t b[784];
    for (int i = 0; i < ds.n; i++) {
        data_binarize(ds.pixels + (size_t)i * DATA_PIXELS, b);
        stats_add(&m, b);
    }
    stats_print("MNIST train, >0", &m, em != NULL, -1);
    static const int16_t boxes[] = {240, 256, 264, 272, 288};
    static const int16_t radii[] = {16, 24, 28, 32};
    for (size_t bi = 0; bi < sizeof boxes / sizeof *boxes; bi++)
        for (size_t ri = 0; ri < sizeof radii / sizeof *radii; ri++) {
            ink_style style = {boxes[bi], radii[ri]};
            ink_stats s = {0};
            int n_ok = 0;
            for (int i = 0; i < set.n; i++) {
                if (strokes_part(&set.samples[i]) != STROKES_TUNE)
                    continue;
                ink_buffer ink;
                uint8_t img[NET_IMAGE_BYTES];
                strokes_feed(&set.samples[i], &ink);
                if (ink_render_style(&ink, &style, img) != INK_OK)
                    continue;
                for (int k = 0; k < 784; k++)
                    b[k] = (uint8_t)ink_pixel(img, k / 28, k % 28);
                stats_add(&s, b);
                inkeval_result r;
                if (em && inkeval_classify_image(em, img, &r) == 0)
                    n_ok += r.pred == set.samples[i].label;
            }
            char name[64];
            snprintf(name, sizeof name, "strokes box=%d r=%d%s", boxes[bi], radii[ri],
                     boxes[bi] == INK_BOX_Q4 && radii[ri] == INK_PEN_RADIUS_Q4 ? " *" : "");
            stats_print(name, &s, em != NULL, n_ok);
        }
    printf("(* = the default style; strokes: tune writers of %s", path);
    if (em)
        printf("; accuracy: top-1 of model %s on them", em->model.name);
    printf(")\n");
    strokes_free(&set);
    data_free(&ds);
    return CLI_OK;
}

/* ---- main --------------------------------------------------------------------------- */

int cmd_render(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *data_dir = NULL, *model = NULL;
    int writers = -1, limit = 400, cols = 20, scan = 0, no_model = 0, errors_only = 0;
    const cli_opt opts[] = {
        {"--out", CLI_STRING, &out, 0, 0},          {"--data", CLI_STRING, &data_dir, 0, 0},
        {"--model", CLI_STRING, &model, 0, 0},      {"--no-model", CLI_FLAG, &no_model, 0, 0},
        {"--errors", CLI_FLAG, &errors_only, 0, 0}, {"--writers", CLI_WRITERS, &writers, 0, 0},
        {"--limit", CLI_INT, &limit, 1, 100000},    {"--cols", CLI_INT, &cols, 1, 200},
        {"--width-scan", CLI_FLAG, &scan, 0, 0},    {NULL, CLI_END, NULL, 0, 0}};
    int n_in = 0;
    int rc = cli_parse("render", argc, argv, opts, &in, 1, &n_in, render_usage);
    if (rc != CLI_PARSED)
        return cli_parse_exit(rc);
    if (!in || (!out && !scan)) {
        render_usage(stderr);
        return CLI_USAGE;
    }

    inkpin_diag d = {{0}};
    inkeval_model em;
    int have_model = 0;
    if (!no_model) {
        if (inkeval_model_load(&em, model, &d) == 0)
            have_model = 1;
        else if (model) { /* a named model must load; a missing default is fine */
            fprintf(stderr, "inkpin render: %s\n", d.msg);
            return CLI_USAGE;
        }
    }
    if (scan) {
        rc = width_scan(in, data_dir, have_model ? &em : NULL);
        if (have_model)
            inkeval_model_free(&em);
        return rc;
    }
    strokes_set set;
    if (strokes_load(in, &set, &d)) {
        fprintf(stderr, "inkpin render: %s\n", d.msg);
        if (have_model)
            inkeval_model_free(&em);
        return CLI_USAGE;
    }
    /* classify first, so the sheet can be sized to what is shown */
    inkeval_result *res = calloc((size_t)set.n + 1, sizeof *res);
    int *pick = calloc((size_t)set.n + 1, sizeof *pick);
    int shown = 0, rejected = 0, wrong = 0;
    rc = CLI_OK;
    for (int i = 0; res && pick && i < set.n && shown < limit; i++) {
        const strokes_sample *s = &set.samples[i];
        if (writers >= 0 && strokes_part(s) != writers)
            continue;
        inkeval_result *r = &res[shown];
        if (have_model) {
            int e = inkeval_classify(&em, s, r);
            if (e) {
                fprintf(stderr, "inkpin render: line %d: engine error %s\n", s->line,
                        net_strerror((net_err)e));
                rc = CLI_FAILED;
                break;
            }
        } else {
            ink_buffer ink;
            strokes_feed(s, &ink);
            r->ink = ink_render(&ink, r->image);
            r->pred = -1;
        }
        int rej = r->ink != INK_OK || (have_model && r->v.kind != VERDICT_DIGIT);
        int bad = have_model && s->label >= 0 && r->pred != s->label;
        if (errors_only && !rej && !bad)
            continue;
        rejected += rej;
        wrong += bad;
        pick[shown++] = i;
    }
    if (!res || !pick) {
        fprintf(stderr, "inkpin render: out of memory\n");
        rc = CLI_FAILED;
    }
    image im = {0, 0, 0, NULL};
    if (rc == CLI_OK) {
        int rows = (shown + cols - 1) / cols;
        if (image_init(&im, cols * CELL, rows > 0 ? rows * (CELL + CAPTION) : 1, 3, BG, &d)) {
            fprintf(stderr, "inkpin render: %s\n", d.msg);
            rc = CLI_FAILED;
        }
    }
    if (rc == CLI_OK) {
        for (int k = 0; k < shown; k++)
            draw_cell(&im, (k % cols) * CELL, (k / cols) * (CELL + CAPTION), &set.samples[pick[k]],
                      &res[k], have_model);
        if (image_write_png(&im, out, &d)) {
            fprintf(stderr, "inkpin render: %s\n", d.msg);
            rc = CLI_FAILED;
        } else {
            printf("%s: %d samples (%d rejected", out, shown, rejected);
            if (have_model)
                printf(", %d wrong; model %s", wrong, em.model.name);
            printf("), %dx%d px\n", im.w, im.h);
        }
    }
    image_free(&im);
    free(res);
    free(pick);
    strokes_free(&set);
    if (have_model)
        inkeval_model_free(&em);
    return rc;
}
