/* strokes.h - pen strokes in NDJSON (docs/design.md, "Strokes"), read with cJSON.
 *
 * One digit per line: {"label":3,"strokes":[[[x,y],...],...],"group":"apa","writer":"W"}.
 * Coordinates are pixels of the 240x240 drawing area (origin top-left, y down),
 * integers or decimals. "label" is optional (0..9); "group" and "writer" are
 * kept when present (the writer key for writer-disjoint splits); other keys
 * are ignored.
 *
 * What is an error (the whole file is refused, the message names the line,
 * the CLI exits 2) and what is a sample:
 *   error: empty/blank line, malformed JSON, not an object, "strokes" missing or
 *          not a list of lists of [x,y] number pairs, a label that is not an
 *          integer 0..9, a "group"/"writer" that is not a string, a coordinate
 *          that is NaN, infinite or beyond +-STROKES_MAX_COORD, more than
 *          STROKES_MAX_POINTS points in one line, a line longer than
 *          STROKES_MAX_LINE bytes, a file with no lines.
 *   sample: anything else, including "strokes":[] or strokes that are empty
 *          lists (no ink) and coordinates off the 240x240 area (the ink module
 *          clamps them, as it does for a touch controller). Such samples go
 *          through ink like any other; "no ink" comes out as INK_NO_DIGIT and
 *          is counted as rejected by `inkpin classify`.
 *
 * Decimal coordinates are rounded to the nearest integer pixel when fed to the
 * ink module (strokes_feed), which is the same event API the device uses.
 */
#ifndef INKPIN_HOST_STROKES_H
#define INKPIN_HOST_STROKES_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "inkpin/ink.h"

#define STROKES_MAX_POINTS 100000    /* points per line */
#define STROKES_MAX_COORD 1.0e6      /* |x|, |y| */
#define STROKES_MAX_LINE (16u << 20) /* bytes per line */

typedef struct {
    float x, y;
} strokes_point;

typedef struct {
    int label;    /* 0..9, or -1 when absent */
    int line;     /* 1-based line number in the file */
    char *group;  /* NULL when absent */
    char *writer; /* NULL when absent */
    int n_strokes;
    int *stroke_len; /* points in each stroke */
    int n_points;
    strokes_point *points; /* all points, stroke after stroke */
} strokes_sample;

typedef struct {
    int n;
    strokes_sample *samples;
} strokes_set;

/* Parses one line (len bytes, need not be NUL-terminated) into out. Returns 0,
 * or -1 with d naming `where` (e.g. "file.ndjson:12") and the fault. */
int strokes_parse_line(const char *text, size_t len, const char *where, strokes_sample *out,
                       inkpin_diag *d);
void strokes_sample_free(strokes_sample *s);

/* Reads a whole NDJSON file ("-" = stdin). Returns 0 or -1 with d filled. */
int strokes_load(const char *path, strokes_set *out, inkpin_diag *d);
void strokes_free(strokes_set *set);

/* Resets ink and feeds the sample as pen down / move... / up events, every
 * coordinate rounded to the nearest integer. Returns the first ink error
 * (INK_ERR_FULL when even simplification could not make room) or INK_OK. */
ink_err strokes_feed(const strokes_sample *s, ink_buffer *ink);

/* ---- writer-disjoint split ------------------------------------------------
 * The writer key is "<group>/<writer>", except that two known aliases of one
 * person are merged (UNIPEN SOURCE.md): in group "ibm" a writer id "rSS-WW"
 * (session SS of writer WW) becomes "ibm/WW", and in group "gmd" the ids
 * "alek" and "kast" (shared recordings) become "gmd/alek+kast". The 32-bit
 * FNV-1a hash of the key decides the part: hash % 3 == 0 -> REPORT (only ever
 * reported), otherwise TUNE (may be used to develop the normalization and to
 * train). On dev.ndjson: TUNE 5802 samples / 60 writers, REPORT 2550 / 28.
 * A sample without "writer" is REPORT (never trained on). */
enum { STROKES_TUNE = 0, STROKES_REPORT = 1 };
uint32_t strokes_fnv1a(const char *s);
/* Writes the writer key of (group, writer) to buf (truncated to size). */
void strokes_writer_key(const char *group, const char *writer, char *buf, size_t size);
int strokes_part(const strokes_sample *s);
/* For cross-validation inside the TUNE part: the fold 0..folds-1 of a TUNE
 * sample's writer, (hash / 3) % folds (independent of the TUNE/REPORT bit);
 * -1 for REPORT samples or folds < 1. */
int strokes_tune_fold(const strokes_sample *s, int folds);

#endif
