/* digit_line.c - streaming parser of the SerialDigits line format (manual:
 * digit_line.h). A small state machine: no buffer, no recursion, no malloc. */
#include "digit_line.h"

enum {
    ST_LINE_START, /* nothing of this line seen yet */
    ST_POINT,      /* before a point: after a space, a ';' or at line start */
    ST_X,          /* in the digits of x */
    ST_Y_FIRST,    /* after the ',' */
    ST_Y,          /* in the digits of y */
    ST_SKIP        /* the line was answered with an error: up to '\n' */
};

void digit_line_reset(digit_line *p)
{
    p->length = 0;
    p->value = 0;
    p->x = 0;
    p->state = ST_LINE_START;
    p->stroke_open = false;
    p->any_point = false;
}

/* Ends the line with status s: the next character starts a new line. */
static digit_line_status line_end(digit_line *p, digit_line_status s)
{
    digit_line_reset(p);
    return s;
}

/* Fails the line; when it is not over yet, skips to its end. */
static digit_line_status line_error(digit_line *p, digit_line_status s, bool at_newline)
{
    if (at_newline)
        return line_end(p, s);
    p->state = ST_SKIP;
    return s;
}

/* Adds a digit to the number being read; false when it goes out of range. */
static bool add_digit(digit_line *p, int c)
{
    p->value = (uint16_t)(p->value * 10u + (uint16_t)(c - '0'));
    return p->value <= DIGIT_LINE_MAX_COORD;
}

/* The point (p->x, p->value) ends: pen down or move. */
static digit_line_status emit_point(digit_line *p, ink_buffer *ink)
{
    ink_err e =
        p->stroke_open ? ink_pen_move(ink, p->x, p->value) : ink_pen_down(ink, p->x, p->value);
    p->stroke_open = true;
    p->any_point = true;
    return e == INK_OK ? DIGIT_LINE_MORE : DIGIT_LINE_E_FULL;
}

/* After a point or spaces: a stroke or the line ends here. */
static digit_line_status end_stroke(digit_line *p, ink_buffer *ink, bool at_newline)
{
    if (!p->stroke_open) /* ";;", "; \n", a leading ';' or a trailing ';' */
        return line_error(p, DIGIT_LINE_E_SYNTAX, at_newline);
    (void)ink_pen_up(ink);
    p->stroke_open = false;
    if (at_newline)
        return line_end(p, DIGIT_LINE_DONE);
    p->state = ST_POINT;
    return DIGIT_LINE_MORE;
}

digit_line_status digit_line_feed(digit_line *p, ink_buffer *ink, int c)
{
    bool newline = c == '\n', digit = c >= '0' && c <= '9';
    digit_line_status s;
    if (c == '\r')
        return DIGIT_LINE_MORE;
    if (p->state == ST_SKIP)
        return newline ? line_end(p, DIGIT_LINE_SKIPPED) : DIGIT_LINE_MORE;
    if (p->state == ST_LINE_START) {
        ink_reset(ink);
        p->state = ST_POINT;
    }
    if (!newline && ++p->length > DIGIT_LINE_MAX)
        return line_error(p, DIGIT_LINE_E_LONG, false);

    switch (p->state) {
    case ST_POINT:
        if (digit) {
            p->value = 0;
            p->state = ST_X;
            return add_digit(p, c) ? DIGIT_LINE_MORE : line_error(p, DIGIT_LINE_E_RANGE, false);
        }
        if (c == ' ')
            return DIGIT_LINE_MORE;
        if (newline && !p->any_point)
            return line_end(p, DIGIT_LINE_E_EMPTY);
        if (newline || c == ';')
            return end_stroke(p, ink, newline);
        break;
    case ST_X:
        if (digit)
            return add_digit(p, c) ? DIGIT_LINE_MORE : line_error(p, DIGIT_LINE_E_RANGE, false);
        if (c == ',') {
            p->x = (uint8_t)p->value;
            p->value = 0;
            p->state = ST_Y_FIRST;
            return DIGIT_LINE_MORE;
        }
        break;
    case ST_Y_FIRST:
    case ST_Y:
        if (digit) {
            p->state = ST_Y;
            return add_digit(p, c) ? DIGIT_LINE_MORE : line_error(p, DIGIT_LINE_E_RANGE, false);
        }
        if (p->state == ST_Y && (c == ' ' || c == ';' || newline)) {
            s = emit_point(p, ink);
            if (s != DIGIT_LINE_MORE)
                return line_error(p, s, newline);
            if (c == ' ') {
                p->state = ST_POINT;
                return DIGIT_LINE_MORE;
            }
            return end_stroke(p, ink, newline);
        }
        break;
    default: break;
    }
    return line_error(p, DIGIT_LINE_E_SYNTAX, newline);
}
