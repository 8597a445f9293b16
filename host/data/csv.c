/* csv.c - Kaggle digit-recognizer CSV loader.
 *
 * train.csv: `label,pixel0,...,pixel783` then rows of 785 integers;
 * test.csv:  `pixel0,...,pixel783` then rows of 784 integers.
 * Strict on purpose: plain decimal digits only (no signs, spaces, quotes or
 * decimals), pixels 0..255, labels 0..9, exactly the header's column count on
 * every line. LF or CRLF line ends, an optional UTF-8 BOM, and empty lines at
 * the very end are accepted. Errors are `file:line:column: ...` (1-based; the
 * column counts bytes within the line). */
#include "data/data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Kaggle train.csv is 76 MB; anything past this is not a digit CSV. */
#define CSV_MAX_BYTES ((size_t)1 << 30)

typedef struct {
    const uint8_t *p;
    size_t len;
    size_t pos;        /* cursor */
    size_t line_start; /* offset of the current line's first byte */
    int line;          /* 1-based */
    const char *name;
    int labelled; /* first column is `label` */
    int cols;     /* 785 or 784 */
} csv;

static int at_eol(const csv *c)
{
    return c->pos >= c->len || c->p[c->pos] == '\n' ||
           (c->p[c->pos] == '\r' && c->pos + 1 < c->len && c->p[c->pos + 1] == '\n');
}

static void skip_eol(csv *c)
{
    if (c->pos < c->len && c->p[c->pos] == '\r')
        c->pos++;
    if (c->pos < c->len && c->p[c->pos] == '\n')
        c->pos++;
    c->line++;
    c->line_start = c->pos;
}

static int column(const csv *c, size_t at)
{
    return (int)(at - c->line_start) + 1;
}

static void field_name(const csv *c, int field, char *buf, size_t size)
{
    if (c->labelled && field == 0)
        snprintf(buf, size, "label");
    else
        snprintf(buf, size, "pixel%d", field - c->labelled);
}

/* Length of the field starting at `at` (up to a comma or line end). */
static size_t field_len(const csv *c, size_t at)
{
    size_t e = at;
    while (e < c->len && c->p[e] != ',' && c->p[e] != '\n' &&
           !(c->p[e] == '\r' && e + 1 < c->len && c->p[e + 1] == '\n'))
        e++;
    return e - at;
}

/* Shows a field in an error message: at most 24 bytes, non-printables as '?'. */
static void show(const csv *c, size_t at, size_t n, char *buf, size_t size)
{
    size_t k = 0;
    for (; k < n && k < 24 && k + 1 < size; k++) {
        uint8_t ch = c->p[at + k];
        buf[k] = (ch >= 32 && ch < 127) ? (char)ch : '?';
    }
    if (n > 24 && k + 4 < size) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
}

/* ---- header ------------------------------------------------------------------ */

static int header_field_is(const csv *c, size_t at, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(c->p + at, want, n) == 0;
}

static int parse_header(csv *c, inkpin_diag *d)
{
    char want[24], got[32];
    size_t n = field_len(c, c->pos);
    if (header_field_is(c, c->pos, n, "label"))
        c->labelled = 1;
    else if (!header_field_is(c, c->pos, n, "pixel0")) {
        show(c, c->pos, n, got, sizeof got);
        int numeric = n > 0 && c->p[c->pos] >= '0' && c->p[c->pos] <= '9';
        return diag_fail(
            d,
            "%s:1:1: %s: first field is '%s', expected 'label' (train.csv) or 'pixel0' (test.csv)",
            c->name, numeric ? "missing header" : "bad header", got);
    }
    c->cols = DATA_PIXELS + c->labelled;
    for (int f = 0; f < c->cols; f++) {
        if (f > 0) {
            if (at_eol(c))
                return diag_fail(d, "%s:1:%d: header ends after %d fields, expected %d", c->name,
                                 column(c, c->pos), f, c->cols);
            c->pos++; /* the comma */
        }
        n = field_len(c, c->pos);
        field_name(c, f, want, sizeof want);
        if (!header_field_is(c, c->pos, n, want)) {
            show(c, c->pos, n, got, sizeof got);
            return diag_fail(d, "%s:1:%d: bad header: field %d is '%s', expected '%s'", c->name,
                             column(c, c->pos), f + 1, got, want);
        }
        c->pos += n;
    }
    if (!at_eol(c))
        return diag_fail(d, "%s:1:%d: header has more than %d fields", c->name, column(c, c->pos),
                         c->cols);
    skip_eol(c);
    return 0;
}

/* ---- rows --------------------------------------------------------------------- */

/* Only empty lines (LF or CRLF) from here to the end of the data. */
static int only_blank_lines_left(const csv *c)
{
    for (size_t i = c->pos; i < c->len; i++)
        if (c->p[i] != '\n' && !(c->p[i] == '\r' && i + 1 < c->len && c->p[i + 1] == '\n'))
            return 0;
    return 1;
}

/* Upper bound on the valid data rows left, from the real byte count: lines
 * (line breaks plus a final unterminated line), and no more rows than fit when
 * each takes at least 2*cols - 1 bytes ("0,0,...,0") plus its line break. So a
 * file of bare newlines cannot make us allocate 784 bytes per byte. */
static size_t count_rows(const csv *c)
{
    size_t lines = 1;
    for (size_t i = c->pos; i < c->len; i++)
        lines += c->p[i] == '\n';
    size_t fit = (c->len - c->pos) / (size_t)(2 * c->cols) + 1;
    return lines < fit ? lines : fit;
}

static int parse_field(csv *c, int f, uint8_t *value, inkpin_diag *d)
{
    char name[24], got[32];
    size_t at = c->pos, n = field_len(c, at);
    int max = (c->labelled && f == 0) ? DATA_CLASSES - 1 : 255;
    field_name(c, f, name, sizeof name);
    if (n == 0)
        return diag_fail(d, "%s:%d:%d: field %d (%s) is empty", c->name, c->line, column(c, at),
                         f + 1, name);
    unsigned v = 0;
    for (size_t k = 0; k < n; k++) {
        uint8_t ch = c->p[at + k];
        if (ch < '0' || ch > '9') {
            show(c, at, n, got, sizeof got);
            return diag_fail(d, "%s:%d:%d: field %d (%s): '%s' is not a whole number", c->name,
                             c->line, column(c, at + k), f + 1, name, got);
        }
        if (v <= 255)
            v = v * 10 + (unsigned)(ch - '0'); /* stops growing once out of range */
    }
    if (v > (unsigned)max) {
        show(c, at, n, got, sizeof got);
        return diag_fail(d, "%s:%d:%d: field %d (%s): %s is out of range 0..%d", c->name, c->line,
                         column(c, at), f + 1, name, got, max);
    }
    *value = (uint8_t)v;
    c->pos += n;
    return 0;
}

static int parse_row(csv *c, uint8_t *pixels, uint8_t *label, inkpin_diag *d)
{
    if (at_eol(c))
        return diag_fail(d, "%s:%d:1: empty line (expected %d fields)", c->name, c->line, c->cols);
    for (int f = 0; f < c->cols; f++) {
        if (f > 0) {
            if (at_eol(c))
                return diag_fail(d, "%s:%d:%d: too few fields: line ends after %d, expected %d",
                                 c->name, c->line, column(c, c->pos), f, c->cols);
            c->pos++; /* the comma */
        }
        uint8_t *dst = (c->labelled && f == 0) ? label : &pixels[f - c->labelled];
        if (parse_field(c, f, dst, d) != 0)
            return -1;
    }
    if (!at_eol(c))
        return diag_fail(d, "%s:%d:%d: too many fields: more than %d", c->name, c->line,
                         column(c, c->pos), c->cols);
    skip_eol(c);
    return 0;
}

/* ---- public ------------------------------------------------------------------- */

static int parse_text(csv *c, dataset *out, inkpin_diag *d)
{
    static const uint8_t bom[3] = {0xef, 0xbb, 0xbf};
    if (c->len >= 3 && memcmp(c->p, bom, 3) == 0)
        c->pos = c->line_start = 3;
    if (c->pos >= c->len)
        return diag_fail(d, "%s: empty file (expected a header 'label,pixel0,...' or 'pixel0,...')",
                         c->name);
    if (parse_header(c, d) != 0)
        return -1;
    if (only_blank_lines_left(c))
        return diag_fail(d, "%s:%d:1: no data rows after the header", c->name, c->line);

    size_t cap = count_rows(c);
    uint8_t *pixels = malloc(cap * DATA_PIXELS);
    uint8_t *labels = c->labelled ? malloc(cap) : NULL;
    if (!pixels || (c->labelled && !labels)) {
        free(pixels);
        free(labels);
        return diag_fail(d, "%s: out of memory for %zu rows", c->name, cap);
    }
    size_t rows = 0;
    while (!only_blank_lines_left(c)) {
        uint8_t label = 0;
        if (rows >= cap || parse_row(c, pixels + rows * DATA_PIXELS, &label, d) != 0) {
            if (rows >= cap) /* cannot happen: count_rows bounds the lines */
                diag_fail(d, "%s:%d:1: internal error: more rows than line breaks", c->name,
                          c->line);
            free(pixels);
            free(labels);
            return -1;
        }
        if (labels)
            labels[rows] = label;
        rows++;
    }
    out->n = (int)rows;
    out->pixels = pixels;
    out->labels = labels;
    return 0;
}

int data_parse_csv_mem(const uint8_t *text, size_t len, const char *name, dataset *out,
                       inkpin_diag *d)
{
    memset(out, 0, sizeof *out);
    uint8_t *p = NULL;
    size_t n = 0;
    int owned = 0;
    if (data_decode(text, len, name, NULL, CSV_MAX_BYTES + 1, &p, &n, &owned, d) != 0)
        return -1;
    int rc;
    if (n > CSV_MAX_BYTES) {
        rc =
            diag_fail(d, "%s: more than %zu bytes: too large for a digit CSV", name, CSV_MAX_BYTES);
    } else {
        csv c = {.p = p, .len = n, .line = 1, .name = name};
        rc = parse_text(&c, out, d);
    }
    if (owned)
        free(p);
    return rc;
}

int data_load_csv(const char *path, dataset *out, inkpin_diag *d)
{
    memset(out, 0, sizeof *out);
    uint8_t *buf = NULL;
    size_t len = 0;
    if (data_read_file(path, &buf, &len, d) != 0)
        return -1;
    int rc = data_parse_csv_mem(buf, len, path, out, d);
    free(buf);
    return rc;
}
