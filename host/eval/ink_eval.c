/* ink_eval.c - the device path on the host, transforms, naive mapping and
 * scribbles (manual: ink_eval.h). */
#include "eval/ink_eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- model ------------------------------------------------------------------ */

int inkeval_model_load(inkeval_model *em, const char *path, inkpin_diag *d)
{
    memset(em, 0, sizeof *em);
    if (modelfile_load(&em->model, path, d) != 0)
        return -1;
    em->arena_size = net_arena_bytes(em->model.m);
    em->arena = malloc(em->arena_size ? em->arena_size : 1);
    if (!em->arena) {
        inkeval_model_free(em);
        return diag_fail(d, "out of memory");
    }
    return 0;
}

void inkeval_model_free(inkeval_model *em)
{
    modelfile_free(&em->model);
    free(em->arena);
    memset(em, 0, sizeof *em);
}

int inkeval_open(const char *strokes_path, const char *model_path, strokes_set *set,
                 inkeval_model *em, inkpin_diag *d)
{
    if (strokes_load(strokes_path, set, d))
        return -1;
    if (inkeval_model_load(em, model_path, d)) {
        strokes_free(set);
        return -1;
    }
    return 0;
}

void inkeval_close(strokes_set *set, inkeval_model *em)
{
    inkeval_model_free(em);
    strokes_free(set);
}

/* ---- the device path ---------------------------------------------------------- */

/* Fills the host's view of a verdict: pred -1 when the engine did not run. */
static int from_verdict(const verdict *v, inkeval_result *out)
{
    out->v = *v;
    if (v->kind == VERDICT_ERROR)
        return v->error;
    int ran = v->kind == VERDICT_DIGIT || v->kind == VERDICT_DRAW_AGAIN;
    out->pred = ran ? v->digit : -1;
    out->confidence = ran ? (double)v->confidence / NET_CONF_ONE : 0;
    return 0;
}

int inkeval_classify_image(const inkeval_model *em, const uint8_t image[NET_IMAGE_BYTES],
                           inkeval_result *out)
{
    verdict v;
    if (out->image != image)
        memcpy(out->image, image, NET_IMAGE_BYTES);
    out->ink = INK_OK;
    verdict_from_image(em->model.m, image, NULL, NET_REJECT_CONF, em->arena, em->arena_size, &v);
    return from_verdict(&v, out);
}

int inkeval_classify(const inkeval_model *em, const strokes_sample *s, inkeval_result *out)
{
    ink_buffer ink;
    verdict v;
    memset(out, 0, sizeof *out);
    strokes_feed(s, &ink);
    verdict_from_ink(em->model.m, &ink, NET_REJECT_CONF, out->image, em->arena, em->arena_size, &v);
    out->ink = v.kind == VERDICT_NO_DIGIT ? INK_NO_DIGIT : INK_OK;
    return from_verdict(&v, out);
}

int inkeval_rejected(const inkeval_result *r, uint32_t plain)
{
    return r->pred < 0 || !verdict_accepts(r->v.confidence, &r->v.shape, plain);
}

uint32_t inkeval_plain(double threshold)
{
    return (uint32_t)ceil(threshold * NET_CONF_ONE);
}

void inkeval_naive(const strokes_sample *s, uint8_t image[NET_IMAGE_BYTES])
{
    memset(image, 0, NET_IMAGE_BYTES);
    for (int i = 0; i < s->n_points; i++) {
        long x = lroundf(s->points[i].x), y = lroundf(s->points[i].y);
        long cx = x * 28 / 240, cy = y * 28 / 240;
        for (long r = cy - 1; r <= cy + 1; r++)
            for (long c = cx - 1; c <= cx + 1; c++)
                if (r >= 0 && r < 28 && c >= 0 && c < 28) {
                    long k = r * 28 + c;
                    image[k >> 3] = (uint8_t)(image[k >> 3] | 1u << (k & 7));
                }
    }
}

/* ---- transforms ------------------------------------------------------------------ */

static int copy_shape(const strokes_sample *s, int n_points, strokes_sample *out)
{
    memset(out, 0, sizeof *out);
    out->label = s->label;
    out->line = s->line;
    out->n_strokes = s->n_strokes;
    out->stroke_len = calloc((size_t)s->n_strokes + 1, sizeof *out->stroke_len);
    out->points = calloc((size_t)n_points + 1, sizeof *out->points);
    if (!out->stroke_len || !out->points) {
        strokes_sample_free(out);
        return -1;
    }
    return 0;
}

void inkeval_box(const strokes_sample *s, double *side, double *cx, double *cy)
{
    double minx = 1e30, maxx = -1e30, miny = 1e30, maxy = -1e30;
    for (int i = 0; i < s->n_points; i++) {
        minx = fmin(minx, s->points[i].x);
        maxx = fmax(maxx, s->points[i].x);
        miny = fmin(miny, s->points[i].y);
        maxy = fmax(maxy, s->points[i].y);
    }
    *side = fmax(maxx - minx, maxy - miny);
    *cx = (minx + maxx) / 2;
    *cy = (miny + maxy) / 2;
}

int inkeval_transform(const strokes_sample *s, double side, double cx, double cy, double degrees,
                      strokes_sample *out)
{
    if (copy_shape(s, s->n_points, out))
        return -1;
    memcpy(out->stroke_len, s->stroke_len, (size_t)s->n_strokes * sizeof *s->stroke_len);
    out->n_points = s->n_points;
    double ext, mx, my;
    inkeval_box(s, &ext, &mx, &my);
    double k = ext > 0 ? side / ext : 1;
    double a = degrees * M_PI / 180, ca = cos(a), sa = sin(a);
    for (int i = 0; i < s->n_points; i++) {
        double x = (s->points[i].x - mx) * k, y = (s->points[i].y - my) * k;
        out->points[i].x = (float)(cx + x * ca - y * sa);
        out->points[i].y = (float)(cy + x * sa + y * ca);
    }
    return 0;
}

int inkeval_thin(const strokes_sample *s, int keep_every, strokes_sample *out)
{
    if (copy_shape(s, s->n_points, out))
        return -1;
    int pi = 0, po = 0;
    for (int si = 0; si < s->n_strokes; si++) {
        int kept = 0;
        for (int k = 0; k < s->stroke_len[si]; k++, pi++)
            if (k % keep_every == 0) {
                out->points[po++] = s->points[pi];
                kept++;
            }
        out->stroke_len[si] = kept;
    }
    out->n_points = po;
    return 0;
}

/* ---- scribbles ---------------------------------------------------------------------- */

const char *const inkeval_scribble_names[SCRIBBLE_KINDS] = {"random walk", "coil of loops",
                                                            "crossed-out blob", "random lines"};

typedef struct {
    uint32_t s;
} rng32;

static uint32_t rng_next(rng32 *r) /* xorshift32 */
{
    uint32_t x = r->s ? r->s : 0x9E3779B9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    r->s = x;
    return x;
}

static double rng_uniform(rng32 *r, double lo, double hi)
{
    return lo + (hi - lo) * (rng_next(r) / 4294967296.0);
}

typedef struct {
    strokes_sample *s;
    int cap_points, cap_strokes;
} builder;

static int b_point(builder *b, double x, double y)
{
    strokes_sample *s = b->s;
    if (s->n_points == b->cap_points) {
        int nc = b->cap_points * 2;
        strokes_point *p = realloc(s->points, (size_t)nc * sizeof *p);
        if (!p)
            return -1;
        s->points = p;
        b->cap_points = nc;
    }
    x = fmin(fmax(x, 0), 239);
    y = fmin(fmax(y, 0), 239);
    s->points[s->n_points++] = (strokes_point){(float)x, (float)y};
    s->stroke_len[s->n_strokes - 1]++;
    return 0;
}

static int b_stroke(builder *b)
{
    strokes_sample *s = b->s;
    if (s->n_strokes == b->cap_strokes) {
        int nc = b->cap_strokes * 2;
        int *p = realloc(s->stroke_len, (size_t)nc * sizeof *p);
        if (!p)
            return -1;
        s->stroke_len = p;
        b->cap_strokes = nc;
    }
    s->stroke_len[s->n_strokes++] = 0;
    return 0;
}

static int scribble_walk(builder *b, rng32 *r)
{
    double x = rng_uniform(r, 40, 200), y = rng_uniform(r, 40, 200);
    double heading = rng_uniform(r, 0, 2 * M_PI);
    int steps = 25 + (int)(rng_next(r) % 36);
    if (b_stroke(b) || b_point(b, x, y))
        return -1;
    for (int i = 0; i < steps; i++) {
        heading += rng_uniform(r, -1.6, 1.6);
        double len = rng_uniform(r, 8, 30);
        x += len * cos(heading);
        y += len * sin(heading);
        if (x < 10 || x > 230)
            heading = M_PI - heading;
        if (y < 10 || y > 230)
            heading = -heading;
        if (b_point(b, x, y))
            return -1;
    }
    return 0;
}

static int scribble_coil(builder *b, rng32 *r)
{
    int loops = 3 + (int)(rng_next(r) % 4);
    double rad = rng_uniform(r, 20, 45), x0 = rng_uniform(r, 30, 60), y0 = rng_uniform(r, 80, 160);
    double drift = (180.0 - (x0 - 30)) / loops;
    if (b_stroke(b))
        return -1;
    for (int i = 0; i <= loops * 24; i++) {
        double t = i / 24.0 * 2 * M_PI;
        double x = x0 + drift * i / 24.0 + rad * cos(t), y = y0 + rad * 1.2 * sin(t);
        if (b_point(b, x, y))
            return -1;
    }
    return 0;
}

static int scribble_hatch(builder *b, rng32 *r)
{
    double x0 = rng_uniform(r, 20, 90), y0 = rng_uniform(r, 20, 90);
    double w = rng_uniform(r, 90, 200 - x0 + 20), h = rng_uniform(r, 60, 200 - y0 + 20);
    int zigs = 8 + (int)(rng_next(r) % 10);
    if (b_stroke(b))
        return -1;
    for (int i = 0; i <= zigs; i++) {
        double x = x0 + w * i / zigs + rng_uniform(r, -4, 4);
        if (b_point(b, x, i % 2 ? y0 + h : y0))
            return -1;
    }
    /* the X across it */
    if (b_stroke(b) || b_point(b, x0 - 10, y0 - 10) || b_point(b, x0 + w + 10, y0 + h + 10) ||
        b_stroke(b) || b_point(b, x0 + w + 10, y0 - 10) || b_point(b, x0 - 10, y0 + h + 10))
        return -1;
    return 0;
}

static int scribble_lines(builder *b, rng32 *r)
{
    int n = 3 + (int)(rng_next(r) % 4);
    for (int i = 0; i < n; i++)
        if (b_stroke(b) || b_point(b, rng_uniform(r, 10, 230), rng_uniform(r, 10, 230)) ||
            b_point(b, rng_uniform(r, 10, 230), rng_uniform(r, 10, 230)))
            return -1;
    return 0;
}

int inkeval_scribble(int kind, uint32_t seed, strokes_sample *out)
{
    memset(out, 0, sizeof *out);
    out->label = -1;
    builder b = {out, 64, 8};
    out->points = malloc((size_t)b.cap_points * sizeof *out->points);
    out->stroke_len = malloc((size_t)b.cap_strokes * sizeof *out->stroke_len);
    rng32 r = {seed * 2654435761u + (uint32_t)kind * 40503u + 1u};
    int rc = -1;
    if (out->points && out->stroke_len) {
        switch (kind) {
        case SCRIBBLE_WALK: rc = scribble_walk(&b, &r); break;
        case SCRIBBLE_COIL: rc = scribble_coil(&b, &r); break;
        case SCRIBBLE_HATCH: rc = scribble_hatch(&b, &r); break;
        case SCRIBBLE_LINES: rc = scribble_lines(&b, &r); break;
        default: break;
        }
    }
    if (rc)
        strokes_sample_free(out);
    return rc;
}
