/* fuzz_strokes.c - libFuzzer harness for the NDJSON strokes reader: one input
 * is one line. A parsed sample is fed through the ink module and rendered,
 * and the parser's promises are checked (sizes consistent, coordinates finite
 * and bounded, label -1..9). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "data/strokes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    strokes_sample s;
    inkpin_diag d;
    if (strokes_parse_line((const char *)data, size, "fuzz:1", &s, &d))
        return 0;
    if (s.label < -1 || s.label > 9 || s.n_strokes < 0 || s.n_points > STROKES_MAX_POINTS)
        abort();
    long total = 0;
    for (int i = 0; i < s.n_strokes; i++)
        total += s.stroke_len[i];
    if (total != s.n_points)
        abort();
    for (int i = 0; i < s.n_points; i++)
        if (!isfinite(s.points[i].x) || !isfinite(s.points[i].y) ||
            fabsf(s.points[i].x) > STROKES_MAX_COORD || fabsf(s.points[i].y) > STROKES_MAX_COORD)
            abort();
    ink_buffer ink;
    uint8_t img[NET_IMAGE_BYTES];
    ink_err e = strokes_feed(&s, &ink);
    if (e != INK_OK && e != INK_ERR_FULL)
        abort();
    e = ink_render(&ink, img);
    if (e != INK_OK && e != INK_NO_DIGIT)
        abort();
    (void)strokes_part(&s);
    strokes_sample_free(&s);
    return 0;
}
