/* report.c - confusion heatmap and misclassified-digit gallery (report.h). */
#include "eval/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/data.h"
#include "eval/image.h"

static const uint8_t WHITE[3] = {255, 255, 255};
static const uint8_t BLACK[3] = {0, 0, 0};
static const uint8_t GREY[3] = {110, 110, 110};
static const uint8_t GRID[3] = {200, 200, 200};
static const uint8_t BLUE[3] = {8, 48, 107}; /* full share on the diagonal */
static const uint8_t RED[3] = {165, 15, 21}; /* full share off the diagonal */

/* White -> full colour, by share 0..1 on a square-root scale. */
static void shade(double share, const uint8_t full[3], uint8_t out[3])
{
    double t = sqrt(share < 0 ? 0 : share > 1 ? 1 : share);
    for (int k = 0; k < 3; k++)
        out[k] = (uint8_t)lround(255.0 + t * ((double)full[k] - 255.0));
}

/* Dark cells get white digits, light ones black. */
static const uint8_t *ink_on(const uint8_t bg[3])
{
    int luma = (299 * bg[0] + 587 * bg[1] + 114 * bg[2]) / 1000;
    return luma < 140 ? WHITE : BLACK;
}

static void draw_centered(image *im, int cx, int cy, const char *s, int scale, const uint8_t *c)
{
    image_text(im, cx - image_text_width(s, scale) / 2, cy - IMAGE_GLYPH_H * scale / 2, s, scale,
               c);
}

static void draw_cell(image *im, const metrics *m, int t, int p)
{
    int x = REPORT_GRID_X + p * REPORT_CELL_W, y = REPORT_GRID_Y + t * REPORT_CELL_H;
    uint64_t count = m->confusion[t][p], row = metrics_class_total(m, t);
    uint8_t bg[3];
    shade(row ? (double)count / (double)row : 0.0, t == p ? BLUE : RED, bg);
    image_fill_rect(im, x, y, REPORT_CELL_W, REPORT_CELL_H, bg);
    if (count) {
        char s[24];
        snprintf(s, sizeof s, "%llu", (unsigned long long)count);
        int scale = image_text_width(s, 2) <= REPORT_CELL_W - 6 ? 2 : 1;
        draw_centered(im, x + REPORT_CELL_W / 2, y + REPORT_CELL_H / 2, s, scale, ink_on(bg));
    }
}

int report_confusion_png(const metrics *m, const char *path, inkpin_diag *d)
{
    int grid_w = METRICS_CLASSES * REPORT_CELL_W, grid_h = METRICS_CLASSES * REPORT_CELL_H;
    image im;
    if (image_init(&im, REPORT_GRID_X + grid_w + 16, REPORT_GRID_Y + grid_h + 40, 3, WHITE, d) != 0)
        return -1;
    char title[96];
    snprintf(title, sizeof title, "PREDICTED   (N %llu, ACCURACY %.2f%%)", (unsigned long long)m->n,
             100.0 * metrics_accuracy(m));
    image_text(&im, REPORT_GRID_X, 10, title, 2, BLACK);
    for (int c = 0; c < METRICS_CLASSES; c++) {
        char s[12];
        snprintf(s, sizeof s, "%d", c);
        draw_centered(&im, REPORT_GRID_X + c * REPORT_CELL_W + REPORT_CELL_W / 2,
                      REPORT_GRID_Y - 14, s, 2, BLACK);
        draw_centered(&im, REPORT_GRID_X - 16,
                      REPORT_GRID_Y + c * REPORT_CELL_H + REPORT_CELL_H / 2, s, 2, BLACK);
    }
    /* "TRUE" written down the left edge, one letter per line. */
    static const char *const vertical[] = {"T", "R", "U", "E"};
    for (int i = 0; i < 4; i++)
        image_text(&im, 8, REPORT_GRID_Y + grid_h / 2 - 40 + i * 20, vertical[i], 2, BLACK);
    for (int t = 0; t < METRICS_CLASSES; t++)
        for (int p = 0; p < METRICS_CLASSES; p++)
            draw_cell(&im, m, t, p);
    for (int i = 0; i <= METRICS_CLASSES; i++) { /* thin grid lines */
        image_fill_rect(&im, REPORT_GRID_X + i * REPORT_CELL_W, REPORT_GRID_Y, 1, grid_h, GRID);
        image_fill_rect(&im, REPORT_GRID_X, REPORT_GRID_Y + i * REPORT_CELL_H, grid_w, 1, GRID);
    }
    image_text(&im, REPORT_GRID_X, REPORT_GRID_Y + grid_h + 14,
               "ROWS: TRUE DIGIT. COLUMNS: PREDICTED. BLUE CORRECT, RED ERRORS.", 1, GREY);
    int rc = image_write_png(&im, path, d);
    image_free(&im);
    return rc;
}

static void draw_tile(image *im, int x, int y, const report_error *e)
{
    uint8_t bits[DATA_PIXELS];
    data_binarize(e->pixels, bits);
    for (int i = 0; i < DATA_PIXELS; i++)
        bits[i] = bits[i] ? 255 : 0;
    int ix = x + (REPORT_TILE_W - DATA_SIDE * REPORT_TILE_SCALE) / 2, iy = y + 4;
    image_fill_rect(im, ix - 1, iy - 1, DATA_SIDE * REPORT_TILE_SCALE + 2,
                    DATA_SIDE * REPORT_TILE_SCALE + 2, GRID);
    image_blit_grey(im, ix, iy, bits, DATA_SIDE, DATA_SIDE, REPORT_TILE_SCALE, BLACK, WHITE);
    char s[16];
    snprintf(s, sizeof s, "%d->%d", e->truth, e->pred);
    draw_centered(im, x + REPORT_TILE_W / 2, iy + DATA_SIDE * REPORT_TILE_SCALE + 12, s, 2, RED);
}

int report_errors_png(const report_error *errs, int n, int max, const char *path, inkpin_diag *d)
{
    int shown = n < max ? n : max;
    if (shown < 0)
        shown = 0;
    int cols = shown < REPORT_GALLERY_COLS ? (shown ? shown : 1) : REPORT_GALLERY_COLS;
    int rows = shown ? (shown + cols - 1) / cols : 0;
    char title[96];
    if (n == 0)
        snprintf(title, sizeof title, "NO ERRORS");
    else
        snprintf(title, sizeof title, "ERRORS: %d OF %d (TRUE->PRED)", shown, n);
    int w = cols * REPORT_TILE_W, tw = image_text_width(title, 2) + 16;
    image im;
    if (image_init(&im, w > tw ? w : tw, REPORT_GALLERY_TOP + rows * REPORT_TILE_H + 4, 3, WHITE,
                   d) != 0)
        return -1;
    image_text(&im, 8, 9, title, 2, BLACK);
    for (int i = 0; i < shown; i++)
        draw_tile(&im, (i % cols) * REPORT_TILE_W, REPORT_GALLERY_TOP + (i / cols) * REPORT_TILE_H,
                  &errs[i]);
    int rc = image_write_png(&im, path, d);
    image_free(&im);
    return rc;
}

int report_write_all(const dataset *ds, const uint8_t *pred, const char *dir, int max_errors,
                     metrics *m, inkpin_diag *d)
{
    if (!ds->labels)
        return diag_fail(d, "report: the dataset has no labels");
    metrics_init(m);
    int n_err = 0;
    for (int i = 0; i < ds->n; i++) {
        metrics_add(m, ds->labels[i], pred[i]);
        n_err += ds->labels[i] != pred[i];
    }
    int keep = n_err < max_errors ? n_err : max_errors;
    report_error *errs = malloc((size_t)(keep > 0 ? keep : 1) * sizeof *errs);
    if (!errs)
        return diag_fail(d, "report: out of memory");
    int k = 0;
    for (int i = 0; i < ds->n && k < keep; i++)
        if (ds->labels[i] != pred[i])
            errs[k++] =
                (report_error){ds->pixels + (size_t)i * DATA_PIXELS, ds->labels[i], pred[i]};
    char path[4096];
    snprintf(path, sizeof path, "%s/confusion.png", dir);
    int rc = report_confusion_png(m, path, d);
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/errors.png", dir);
        rc = report_errors_png(errs, n_err, keep, path, d);
    }
    free(errs);
    return rc;
}
