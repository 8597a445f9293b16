/* strokes.c - NDJSON pen strokes (manual: strokes.h). */
#include "data/strokes.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- one line --------------------------------------------------------------- */

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void strokes_sample_free(strokes_sample *s)
{
    if (!s)
        return;
    free(s->group);
    free(s->writer);
    free(s->stroke_len);
    free(s->points);
    memset(s, 0, sizeof *s);
}

static int parse_label(const cJSON *root, const char *where, strokes_sample *out, inkpin_diag *d)
{
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(root, "label");
    out->label = -1;
    if (!label || cJSON_IsNull(label))
        return 0;
    if (!cJSON_IsNumber(label))
        return diag_fail(d, "%s: \"label\" must be an integer 0..9", where);
    double v = label->valuedouble;
    if (!(v >= 0 && v <= 9) || v != floor(v))
        return diag_fail(d, "%s: \"label\" must be an integer 0..9 (got %g)", where, v);
    out->label = (int)v;
    return 0;
}

static int parse_string_key(const cJSON *root, const char *key, const char *where, char **dst,
                            inkpin_diag *d)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, key);
    *dst = NULL;
    if (!item || cJSON_IsNull(item))
        return 0;
    if (!cJSON_IsString(item) || !item->valuestring)
        return diag_fail(d, "%s: \"%s\" must be a string", where, key);
    *dst = dup_string(item->valuestring);
    if (!*dst)
        return diag_fail(d, "%s: out of memory", where);
    return 0;
}

static int parse_coord(const cJSON *v, const char *where, int stroke, int point, const char *axis,
                       float *dst, inkpin_diag *d)
{
    if (!cJSON_IsNumber(v))
        return diag_fail(d, "%s: stroke %d point %d: %s is not a number", where, stroke, point,
                         axis);
    double x = v->valuedouble;
    if (!isfinite(x) || fabs(x) > STROKES_MAX_COORD)
        return diag_fail(d, "%s: stroke %d point %d: %s = %g is not finite or beyond +-%g", where,
                         stroke, point, axis, x, STROKES_MAX_COORD);
    *dst = (float)x;
    return 0;
}

/* Counts and checks the shape [[[x,y],...],...]; fills the sizes. */
static int check_strokes_shape(const cJSON *strokes, const char *where, int *n_strokes,
                               long *n_points, inkpin_diag *d)
{
    if (!strokes)
        return diag_fail(d, "%s: missing \"strokes\"", where);
    if (!cJSON_IsArray(strokes))
        return diag_fail(d, "%s: \"strokes\" must be a list of strokes", where);
    *n_strokes = 0;
    *n_points = 0;
    const cJSON *stroke;
    cJSON_ArrayForEach(stroke, strokes)
    {
        if (!cJSON_IsArray(stroke))
            return diag_fail(d, "%s: stroke %d must be a list of [x,y] points", where, *n_strokes);
        const cJSON *pt;
        cJSON_ArrayForEach(pt, stroke)
        {
            if (!cJSON_IsArray(pt) || cJSON_GetArraySize(pt) != 2)
                return diag_fail(d, "%s: stroke %d point %ld must be [x,y]", where, *n_strokes,
                                 *n_points);
            if (++*n_points > STROKES_MAX_POINTS)
                return diag_fail(d, "%s: more than %d points in one digit", where,
                                 STROKES_MAX_POINTS);
        }
        ++*n_strokes;
    }
    return 0;
}

static int parse_strokes(const cJSON *root, const char *where, strokes_sample *out, inkpin_diag *d)
{
    const cJSON *strokes = cJSON_GetObjectItemCaseSensitive(root, "strokes");
    int n_strokes = 0;
    long n_points = 0;
    if (check_strokes_shape(strokes, where, &n_strokes, &n_points, d))
        return -1;
    out->stroke_len = calloc((size_t)n_strokes + 1, sizeof *out->stroke_len);
    out->points = calloc((size_t)n_points + 1, sizeof *out->points);
    if (!out->stroke_len || !out->points)
        return diag_fail(d, "%s: out of memory", where);
    const cJSON *stroke;
    int si = 0, pi = 0;
    cJSON_ArrayForEach(stroke, strokes)
    {
        int in_stroke = 0;
        const cJSON *pt;
        cJSON_ArrayForEach(pt, stroke)
        {
            strokes_point *p = &out->points[pi];
            if (parse_coord(cJSON_GetArrayItem(pt, 0), where, si, in_stroke, "x", &p->x, d) ||
                parse_coord(cJSON_GetArrayItem(pt, 1), where, si, in_stroke, "y", &p->y, d))
                return -1;
            pi++;
            in_stroke++;
        }
        out->stroke_len[si++] = in_stroke;
    }
    out->n_strokes = n_strokes;
    out->n_points = pi;
    return 0;
}

int strokes_parse_line(const char *text, size_t len, const char *where, strokes_sample *out,
                       inkpin_diag *d)
{
    memset(out, 0, sizeof *out);
    out->label = -1;
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
        i++;
    if (i == len)
        return diag_fail(d, "%s: empty line (one JSON object per line expected)", where);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        size_t at = end && end >= text ? (size_t)(end - text) : 0;
        return diag_fail(d, "%s: malformed JSON near byte %zu", where, at + 1);
    }
    for (const char *p = end; p && p < text + len; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r') {
            cJSON_Delete(root);
            return diag_fail(d, "%s: text after the JSON object at byte %zu", where,
                             (size_t)(p - text) + 1);
        }
    int rc = -1;
    if (!cJSON_IsObject(root))
        diag_fail(d, "%s: expected a JSON object {\"strokes\":...}", where);
    else if (!parse_label(root, where, out, d) &&
             !parse_string_key(root, "group", where, &out->group, d) &&
             !parse_string_key(root, "writer", where, &out->writer, d) &&
             !parse_strokes(root, where, out, d))
        rc = 0;
    cJSON_Delete(root);
    if (rc)
        strokes_sample_free(out);
    return rc;
}

/* ---- files ------------------------------------------------------------------ */

void strokes_free(strokes_set *set)
{
    if (!set)
        return;
    for (int i = 0; i < set->n; i++)
        strokes_sample_free(&set->samples[i]);
    free(set->samples);
    memset(set, 0, sizeof *set);
}

static int push_sample(strokes_set *set, int *cap, const strokes_sample *s)
{
    if (set->n == *cap) {
        int ncap = *cap ? *cap * 2 : 256;
        strokes_sample *p = realloc(set->samples, (size_t)ncap * sizeof *p);
        if (!p)
            return -1;
        set->samples = p;
        *cap = ncap;
    }
    set->samples[set->n++] = *s;
    return 0;
}

/* Reads one line (without its '\n') into *buf, growing it up to
 * STROKES_MAX_LINE + 1 bytes: a longer line is not read into memory whole.
 * Returns the length, -1 at end of file, -2 when the line is too long. */
static long read_line(FILE *f, char **buf, size_t *cap)
{
    size_t n = 0;
    int c;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (n >= STROKES_MAX_LINE)
            return -2;
        if (n + 1 >= *cap) {
            size_t ncap = *cap ? *cap * 2 : 4096;
            char *p = realloc(*buf, ncap);
            if (!p)
                return -2;
            *buf = p;
            *cap = ncap;
        }
        (*buf)[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return -1;
    if (!*buf) { /* an empty line before any allocation */
        *buf = malloc(1);
        *cap = 1;
        if (!*buf)
            return -2;
    }
    (*buf)[n] = '\0';
    return (long)n;
}

int strokes_load(const char *path, strokes_set *out, inkpin_diag *d)
{
    memset(out, 0, sizeof *out);
    int use_stdin = !strcmp(path, "-");
    FILE *f = use_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return diag_fail(d, "%s: cannot open: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    int scap = 0, lineno = 0, rc = 0;
    long len;
    while ((len = read_line(f, &line, &cap)) != -1) {
        lineno++;
        char where[600];
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        if (len == -2) {
            rc = diag_fail(d, "%s: line longer than %u bytes (or out of memory)", where,
                           STROKES_MAX_LINE);
            break;
        }
        size_t n = (size_t)len;
        if (memchr(line, '\0', n)) {
            rc = diag_fail(d, "%s: NUL byte in line", where);
            break;
        }
        strokes_sample s;
        if (strokes_parse_line(line, n, where, &s, d)) {
            rc = -1;
            break;
        }
        s.line = lineno;
        if (push_sample(out, &scap, &s)) {
            strokes_sample_free(&s);
            rc = diag_fail(d, "%s: out of memory", where);
            break;
        }
    }
    if (!rc && ferror(f))
        rc = diag_fail(d, "%s: read error: %s", path, strerror(errno));
    if (!rc && lineno == 0)
        rc = diag_fail(d, "%s: no lines (expected one JSON object per line)", path);
    free(line);
    if (!use_stdin)
        fclose(f);
    if (rc)
        strokes_free(out);
    return rc;
}

/* ---- feeding the ink module ---------------------------------------------------- */

static int32_t round_coord(float v)
{
    return (int32_t)lroundf(v); /* |v| <= STROKES_MAX_COORD, so it fits */
}

ink_err strokes_feed(const strokes_sample *s, ink_buffer *ink)
{
    ink_reset(ink);
    ink_err first = INK_OK;
    int pi = 0;
    for (int si = 0; si < s->n_strokes; si++) {
        for (int k = 0; k < s->stroke_len[si]; k++, pi++) {
            int32_t x = round_coord(s->points[pi].x), y = round_coord(s->points[pi].y);
            ink_err e = k == 0 ? ink_pen_down(ink, x, y) : ink_pen_move(ink, x, y);
            if (e != INK_OK && first == INK_OK)
                first = e;
        }
        if (s->stroke_len[si] > 0)
            ink_pen_up(ink);
    }
    return first;
}

/* ---- writer-disjoint split ----------------------------------------------------- */

uint32_t strokes_fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (uint8_t)*s;
        h *= 16777619u;
    }
    return h;
}

static int is_ibm_session_id(const char *w)
{
    /* rSS-WW: 'r', two digits, '-', at least one digit, nothing else */
    if (w[0] != 'r' || !isdigit((unsigned char)w[1]) || !isdigit((unsigned char)w[2]) ||
        w[3] != '-' || !w[4])
        return 0;
    for (const char *p = w + 4; *p; p++)
        if (!isdigit((unsigned char)*p))
            return 0;
    return 1;
}

void strokes_writer_key(const char *group, const char *writer, char *buf, size_t size)
{
    const char *g = group ? group : "";
    const char *w = writer ? writer : "";
    if (!strcmp(g, "ibm") && is_ibm_session_id(w))
        w += 4;
    else if (!strcmp(g, "gmd") && (!strcmp(w, "alek") || !strcmp(w, "kast")))
        w = "alek+kast";
    snprintf(buf, size, "%s/%s", g, w);
}

static uint32_t writer_hash(const strokes_sample *s)
{
    char key[512];
    strokes_writer_key(s->group, s->writer, key, sizeof key);
    return strokes_fnv1a(key);
}

int strokes_part(const strokes_sample *s)
{
    if (!s->writer)
        return STROKES_REPORT;
    return writer_hash(s) % 3 == 0 ? STROKES_REPORT : STROKES_TUNE;
}

int strokes_tune_fold(const strokes_sample *s, int folds)
{
    if (folds < 1 || strokes_part(s) != STROKES_TUNE)
        return -1;
    return (int)((writer_hash(s) / 3u) % (uint32_t)folds);
}
