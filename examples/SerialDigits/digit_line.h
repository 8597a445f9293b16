/* digit_line.h - the SerialDigits line format, parsed one character at a
 * time straight into an ink_buffer (no line buffer: an Uno has 2 KB of RAM).
 *
 * FORMAT
 *   One drawn digit per line; strokes separated by ';', points within a
 *   stroke by spaces, a point is x,y in pixels of the 240x240 drawing area
 *   (decimal integers 0..239, origin top-left, y down):
 *       120,40 118,60 117,80 116,200           a "1": one stroke
 *       60,60 180,60 90,200;100,130 170,130     a "7" with a bar: two strokes
 *   More than one space between points and trailing spaces are accepted; a
 *   '\r' anywhere is ignored, so CRLF line ends work. Anything else (an
 *   empty line, an empty stroke, a sign, a coordinate above 239, a line
 *   longer than DIGIT_LINE_MAX characters) is an error for that line.
 *   It is the NDJSON strokes format of the CLI ({"strokes":[[[x,y],...],...]},
 *   DESIGN.md) with the punctuation taken out; `inkpin classify` sees the
 *   same pen events from the same points.
 *
 * USE
 *   digit_line_reset(&p) once, then for every received character
 *   digit_line_feed(&p, &ink, c):
 *     DIGIT_LINE_MORE     keep feeding;
 *     DIGIT_LINE_DONE     the line ended; ink holds the whole drawing
 *                         (pen lifted) until the next character is fed;
 *     DIGIT_LINE_SKIPPED  the line ended; it was already answered with an
 *                         error, nothing to do;
 *     < 0                 the line is bad (digit_line_status says why); answer
 *                         with an error now. The rest of the line, up to its
 *                         '\n', is skipped (DIGIT_LINE_SKIPPED at its end), or
 *                         the error came with the '\n' itself and the next
 *                         character starts a new line.
 *   Every line gets exactly one DONE or one error. The ink buffer is reset
 *   at the first character of each line. Cost per character: O(1), plus
 *   ink_pen_down/move (O(INK_MAX_POINTS) when the buffer is full).
 *
 * Plain C99, no -D flags; fuzzed by fuzz/fuzz_digit_line.c and unit-tested
 * by tests/test_digit_line.c on the host. */
#ifndef INKPIN_DIGIT_LINE_H
#define INKPIN_DIGIT_LINE_H

#include <stdbool.h>
#include <stdint.h>

#include <inkpin.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DIGIT_LINE_MAX 4095 /* characters per line, '\r' and '\n' not counted */
#define DIGIT_LINE_MAX_COORD (INK_AREA - 1)

typedef enum {
    DIGIT_LINE_MORE = 0,
    DIGIT_LINE_DONE = 1,
    DIGIT_LINE_SKIPPED = 2,
    DIGIT_LINE_E_EMPTY = -1,  /* a line with no point */
    DIGIT_LINE_E_SYNTAX = -2, /* a character that cannot come here */
    DIGIT_LINE_E_RANGE = -3,  /* a coordinate above DIGIT_LINE_MAX_COORD */
    DIGIT_LINE_E_LONG = -4,   /* more than DIGIT_LINE_MAX characters */
    DIGIT_LINE_E_FULL = -5    /* the ink buffer refused a point (INK_ERR_FULL) */
} digit_line_status;

typedef struct {
    uint16_t length;  /* characters of this line so far */
    uint16_t value;   /* the number being read */
    uint8_t x;        /* x of the point being read, once its ',' was seen */
    uint8_t state;    /* where in the grammar (digit_line.c) */
    bool stroke_open; /* a pen-down was given in this stroke */
    bool any_point;   /* the line has a point */
} digit_line;

void digit_line_reset(digit_line *p);
digit_line_status digit_line_feed(digit_line *p, ink_buffer *ink, int c);

#ifdef __cplusplus
}
#endif

#endif
