/* fuzz_digit_line.c - libFuzzer harness for the SerialDigits line parser
 * (examples/SerialDigits/digit_line.c), fed the input byte by byte as the
 * serial port would.
 *
 * Checked after every byte: the status is one the byte allows (MORE or an
 * error inside a line; DONE, SKIPPED or an error at its '\n'); a line gets at
 * most one error, SKIPPED only after one and DONE only without one; no line
 * is longer than DIGIT_LINE_MAX without an error; the ink buffer keeps its
 * invariants (n within 0..INK_MAX_POINTS, every entry a pen lift or a point
 * inside the area); and every DONE drawing renders through ink_render_shape
 * (OK or NO_DIGIT) as the sketch does. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* The sketch's parser, compiled into the harness (it lives in the sketch folder). */
#include "../examples/SerialDigits/digit_line.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ink(const ink_buffer *ink)
{
    if (ink->n < 0 || ink->n > INK_MAX_POINTS)
        abort();
    for (int i = 0; i < ink->n; i++)
        if (ink->x[i] != INK_PEN_LIFT && (ink->x[i] >= INK_AREA || ink->y[i] >= INK_AREA))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ink_buffer ink;
    digit_line p;
    uint8_t image[NET_IMAGE_BYTES];
    ink_shape shape;
    int errors_in_line = 0;
    size_t line_length = 0;
    digit_line_reset(&p);
    for (size_t i = 0; i < size; i++) {
        int c = data[i];
        digit_line_status s = digit_line_feed(&p, &ink, c);
        if (c != '\r' && c != '\n')
            line_length++;
        if (s < 0 && ++errors_in_line > 1)
            abort(); /* two answers for one line */
        if (c != '\n') {
            if (s != DIGIT_LINE_MORE && s >= 0)
                abort(); /* a line cannot end before its '\n' */
            if (line_length > DIGIT_LINE_MAX && errors_in_line == 0)
                abort(); /* oversized line not refused */
        } else {
            if (s == DIGIT_LINE_MORE)
                abort(); /* every line gets an answer */
            if (s == DIGIT_LINE_SKIPPED && errors_in_line != 1)
                abort();
            if (s == DIGIT_LINE_DONE) {
                if (errors_in_line != 0 || ink.pen_is_down)
                    abort();
                check_ink(&ink);
                ink_err e = ink_render_shape(&ink, image, &shape);
                if (e != INK_OK && e != INK_NO_DIGIT)
                    abort();
            }
            errors_in_line = 0;
            line_length = 0;
        }
        check_ink(&ink);
    }
    return 0;
}
