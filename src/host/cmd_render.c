/* cmd_render.c - `inkpin render`: a contact sheet of what the engine sees for
 * each line of a strokes file, and `--width-scan`, the measurement that chose
 * the ink module's pen width and box (docs/ink.md). */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "data.h"
#include "inkpin/ink.h"
#include "strokes.h"

/* ---- a 3x5 font for the captions ------------------------------------------- */

/* Rows top to bottom, 3 bits each (MSB = left column). */
static const uint8_t glyphs[][5] = {
    {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 3, 1, 7}, {5, 5, 7, 1, 1},
    {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 2, 2}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
    {0, 0, 7, 0, 0}, /* '-' */
    {7, 1, 3, 0, 2}, /* '?' */
    {4, 2, 1, 2, 4}, /* '>' */
};

static int glyph_index(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    return c == '-' ? 10 : c == '>' ? 12 : 11;
}

typedef struct {
    int w, h;
    uint8_t *rgb;
} canvas;

static void put(canvas *cv, int x, int y, const uint8_t col[3])
{
    if (x < 0 || y < 0 || x >= cv->w || y >= cv->h)
        return;
    memcpy(&cv->rgb[((size_t)y * (size_t)cv->w + (size_t)x) * 3], col, 3);
}

static void fill(canvas *cv, int x, int y, int w, int h, const uint8_t col[3])
{
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++)
            put(cv, x + i, y + j, col);
}

static void text(canvas *cv, int x, int y, const char *s, int scale, const uint8_t col[3])
{
    for (; *s; s++, x += 4 * scale) {
        const uint8_t *g = glyphs[glyph_index(*s)];
        for (int r = 0; r < 5; r++)
            for (int c = 0; c < 3; c++)
                if (g[r] >> (2 - c) & 1)
                    fill(cv, x + c * scale, y + r * scale, scale, scale, col);
    }
}

static int write_png(const char *path, const canvas *cv, inkpin_diag *d)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)cv->w;
    img.height = (png_uint_32)cv->h;
    img.format = PNG_FORMAT_RGB;
    if (!png_image_write_to_file(&img, path, 0, cv->rgb, 0, NULL))
        return diag_fail(d, "%s: cannot write PNG: %s", path, img.message);
    return 0;
}

/* ---- shared option parsing --------------------------------------------------- */

/* "tune" / "report" / "all" -> STROKES_TUNE / STROKES_REPORT / -1; -2 if invalid. */
static int parse_writers(const char *s)
{
    if (!strcmp(s, "tune"))
        return STROKES_TUNE;
    if (!strcmp(s, "report"))
        return STROKES_REPORT;
    return strcmp(s, "all") ? -2 : -1;
}

/* ---- the contact sheet --------------------------------------------------------- */

enum { SCALE = 3, CELL = 28 * SCALE + 6, CAPTION = 16 };

static const uint8_t BLACK[3] = {0, 0, 0}, WHITE[3] = {255, 255, 255},
                     GREY[3] = {90, 90, 90}, YELLOW[3] = {230, 200, 40},
                     BG[3] = {30, 30, 40};

static void draw_cell(canvas *cv, int x0, int y0, const uint8_t img[NET_IMAGE_BYTES], ink_err e,
                      int label)
{
    const uint8_t *frame = e == INK_NO_DIGIT ? YELLOW : GREY;
    fill(cv, x0, y0, CELL, CELL + CAPTION, frame);
    fill(cv, x0 + 3, y0 + 3, 28 * SCALE, 28 * SCALE, BLACK);
    for (int r = 0; r < 28; r++)
        for (int c = 0; c < 28; c++)
            if (ink_pixel(img, r, c))
                fill(cv, x0 + 3 + c * SCALE, y0 + 3 + r * SCALE, SCALE, SCALE, WHITE);
    char cap[16];
    if (label >= 0)
        snprintf(cap, sizeof cap, "%d", label);
    else
        snprintf(cap, sizeof cap, "?");
    if (e == INK_NO_DIGIT)
        strncat(cap, ">-", sizeof cap - strlen(cap) - 1);
    text(cv, x0 + 4, y0 + CELL, cap, 2, BLACK);
}

static void render_usage(FILE *f)
{
    fprintf(f,
            "usage: inkpin render FILE.ndjson --out sheet.png [options]\n"
            "       inkpin render --width-scan FILE.ndjson [--data DIR]\n\n"
            "Draws, for each line of the strokes file, the 28x28 image the engine sees\n"
            "(ink module with its default style), captioned with the label; a yellow frame\n"
            "and '>-' mark samples the ink module rejects as no digit.\n\n"
            "options:\n"
            "  --out PATH          PNG to write (required)\n"
            "  --writers W         tune | report | all (default all): writer-disjoint part\n"
            "  --limit N           at most N samples (default 400)\n"
            "  --cols N            cells per row (default 20)\n"
            "  --width-scan        instead: compare ink statistics of binarized MNIST train\n"
            "                      with the strokes (tune writers) for a grid of pen radius\n"
            "                      and box size (how INK_PEN_RADIUS_Q4/INK_BOX_Q4 were chosen)\n"
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
            if (i < r0) r0 = i;
            if (i > r1) r1 = i;
            if (j < c0) c0 = j;
            if (j > c1) c1 = j;
            if (i > 0 && i < 27 && j > 0 && j < 27 && b[i * 28 + j - 1] && b[i * 28 + j + 1] &&
                b[(i - 1) * 28 + j] && b[(i + 1) * 28 + j])
                eroded++;
            int h = 1, v = 1;
            for (int k = j - 1; k >= 0 && b[i * 28 + k]; k--) h++;
            for (int k = j + 1; k < 28 && b[i * 28 + k]; k++) h++;
            for (int k = i - 1; k >= 0 && b[k * 28 + j]; k--) v++;
            for (int k = i + 1; k < 28 && b[k * 28 + j]; k++) v++;
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

static void stats_print(const char *name, const ink_stats *s)
{
    double n = s->n > 0 ? s->n : 1;
    printf("| %-22s | %5.0f | %6.1f | %6.3f | %5.2f | %5.2f |\n", name, s->n, s->ink / n,
           s->eroded / n, s->min_run / n, s->side / n);
}

static int width_scan(const char *path, const char *data_dir)
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
    printf("| source (box, radius in 1/16 px) | n | ink px | eroded | min run | side |\n"
           "|---|---:|---:|---:|---:|---:|\n");
    ink_stats m = {0};
    uint8_t b[784];
    for (int i = 0; i < ds.n; i++) {
        data_binarize(ds.pixels + (size_t)i * DATA_PIXELS, b);
        stats_add(&m, b);
    }
    stats_print("MNIST train, >0", &m);
    static const int16_t boxes[] = {240, 256, 264, 272, 288};
    static const int16_t radii[] = {16, 24, 28, 32};
    for (size_t bi = 0; bi < sizeof boxes / sizeof *boxes; bi++)
        for (size_t ri = 0; ri < sizeof radii / sizeof *radii; ri++) {
            ink_style style = {boxes[bi], radii[ri]};
            ink_stats s = {0};
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
            }
            char name[64];
            snprintf(name, sizeof name, "strokes box=%d r=%d%s", boxes[bi], radii[ri],
                     boxes[bi] == INK_BOX_Q4 && radii[ri] == INK_PEN_RADIUS_Q4 ? " *" : "");
            stats_print(name, &s);
        }
    printf("(* = the default style; strokes: tune writers of %s)\n", path);
    strokes_free(&set);
    data_free(&ds);
    return CLI_OK;
}

/* ---- main --------------------------------------------------------------------------- */

int cmd_render(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *data_dir = NULL;
    int writers = -1, limit = 400, cols = 20, scan = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_val = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            render_usage(stdout);
            return CLI_OK;
        } else if (!strcmp(a, "--out") && has_val) {
            out = argv[++i];
        } else if (!strcmp(a, "--data") && has_val) {
            data_dir = argv[++i];
        } else if (!strcmp(a, "--writers") && has_val) {
            writers = parse_writers(argv[++i]);
            if (writers == -2) {
                fprintf(stderr, "inkpin render: --writers must be tune, report or all\n");
                return CLI_USAGE;
            }
        } else if (!strcmp(a, "--limit") && has_val) {
            limit = atoi(argv[++i]);
        } else if (!strcmp(a, "--cols") && has_val) {
            cols = atoi(argv[++i]);
        } else if (!strcmp(a, "--width-scan")) {
            scan = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "inkpin render: unknown option or missing value: %s\n", a);
            render_usage(stderr);
            return CLI_USAGE;
        } else if (!in) {
            in = a;
        } else {
            fprintf(stderr, "inkpin render: one strokes file expected (extra: %s)\n", a);
            return CLI_USAGE;
        }
    }
    if (!in || (!out && !scan)) {
        render_usage(stderr);
        return CLI_USAGE;
    }
    if (scan)
        return width_scan(in, data_dir);
    if (limit < 1 || limit > 100000 || cols < 1 || cols > 200) {
        fprintf(stderr, "inkpin render: --limit must be 1..100000 and --cols 1..200\n");
        return CLI_USAGE;
    }

    inkpin_diag d;
    strokes_set set;
    if (strokes_load(in, &set, &d)) {
        fprintf(stderr, "inkpin render: %s\n", d.msg);
        return CLI_USAGE;
    }
    int shown = 0;
    for (int i = 0; i < set.n && shown < limit; i++)
        shown += writers < 0 || strokes_part(&set.samples[i]) == writers;
    int rows = (shown + cols - 1) / cols;
    canvas cv = {cols * CELL, rows > 0 ? rows * (CELL + CAPTION) : 1, NULL};
    cv.rgb = malloc((size_t)cv.w * (size_t)cv.h * 3);
    if (!cv.rgb) {
        strokes_free(&set);
        fprintf(stderr, "inkpin render: out of memory\n");
        return CLI_FAILED;
    }
    fill(&cv, 0, 0, cv.w, cv.h, BG);
    int k = 0, rejected = 0;
    for (int i = 0; i < set.n && k < shown; i++) {
        const strokes_sample *s = &set.samples[i];
        if (writers >= 0 && strokes_part(s) != writers)
            continue;
        ink_buffer ink;
        uint8_t img[NET_IMAGE_BYTES];
        strokes_feed(s, &ink);
        ink_err e = ink_render(&ink, img);
        rejected += e == INK_NO_DIGIT;
        draw_cell(&cv, (k % cols) * CELL, (k / cols) * (CELL + CAPTION), img, e, s->label);
        k++;
    }
    int rc = write_png(out, &cv, &d);
    if (rc)
        fprintf(stderr, "inkpin render: %s\n", d.msg);
    else
        printf("%s: %d samples (%d no digit), %dx%d px\n", out, shown, rejected, cv.w, cv.h);
    free(cv.rgb);
    strokes_free(&set);
    return rc ? CLI_FAILED : CLI_OK;
}
