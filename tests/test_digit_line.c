/* test_digit_line.c - the SerialDigits line parser (examples/SerialDigits/
 * digit_line.c), on the host.
 *
 * The ink it builds is compared with the host's own path for the same
 * drawing: the NDJSON strokes parser (cJSON) + strokes_feed, which is what
 * `inkpin classify` runs, on hand-made lines and on the UNIPEN dev digits
 * when the data is there. Every malformed or oversized line must give exactly
 * one error and leave the parser ready for the next line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "data/strokes.h"
#include "util/testutil.h"

/* The sketch's parser is compiled into this test (it lives in the sketch
 * folder so that the Arduino IDE builds it with the sketch). */
#include "../examples/SerialDigits/digit_line.c"

typedef struct {
    int done, skipped, errors;
    digit_line_status last_error;
} feed_result;

/* Feeds text character by character; counts what the parser answered. */
static feed_result feed_text(digit_line *p, ink_buffer *ink, const char *text, size_t n)
{
    feed_result r = {0, 0, 0, DIGIT_LINE_MORE};
    for (size_t i = 0; i < n; i++) {
        digit_line_status s = digit_line_feed(p, ink, (unsigned char)text[i]);
        if (s == DIGIT_LINE_DONE)
            r.done++;
        else if (s == DIGIT_LINE_SKIPPED)
            r.skipped++;
        else if (s < 0) {
            r.errors++;
            r.last_error = s;
        }
    }
    return r;
}

static feed_result feed_str(digit_line *p, ink_buffer *ink, const char *text)
{
    return feed_text(p, ink, text, strlen(text));
}

static void assert_same_ink(const ink_buffer *a, const ink_buffer *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->pen_is_down, b->pen_is_down);
    assert_memory_equal(a->x, b->x, (size_t)a->n);
    assert_memory_equal(a->y, b->y, (size_t)a->n);
}

/* The ink strokes_feed makes from an NDJSON line (the host reference). */
static void host_ink(const char *ndjson, ink_buffer *ink)
{
    strokes_sample s;
    inkpin_diag d;
    memset(&d, 0, sizeof d);
    assert_int_equal(strokes_parse_line(ndjson, strlen(ndjson), "test", &s, &d), 0);
    strokes_feed(&s, ink);
    strokes_sample_free(&s);
}

/* NDJSON -> the SerialDigits text form (integer coordinates 0..239 only). */
static size_t to_line(const strokes_sample *s, char *out, size_t size)
{
    size_t n = 0;
    int pi = 0;
    for (int si = 0; si < s->n_strokes; si++) {
        for (int k = 0; k < s->stroke_len[si]; k++, pi++)
            n += (size_t)snprintf(out + n, size - n, "%s%d,%d", k ? " " : (si ? ";" : ""),
                                  (int)s->points[pi].x, (int)s->points[pi].y);
    }
    n += (size_t)snprintf(out + n, size - n, "\n");
    assert_true(n < size);
    return n;
}

static void test_matches_host_on_handmade_lines(void **state)
{
    (void)state;
    static const struct {
        const char *line, *ndjson;
    } cases[] = {
        {"120,40 118,60 117,80 116,200\n",
         "{\"strokes\":[[[120,40],[118,60],[117,80],[116,200]]]}"},
        {"60,60 180,60 90,200;100,130 170,130\n",
         "{\"strokes\":[[[60,60],[180,60],[90,200]],[[100,130],[170,130]]]}"},
        {"0,0  239,239   \r\n", "{\"strokes\":[[[0,0],[239,239]]]}"},
        {"5,5;7,7;9,9\n", "{\"strokes\":[[[5,5]],[[7,7]],[[9,9]]]}"},
        {"007,010 8,9 ;1,1\n", "{\"strokes\":[[[7,10],[8,9]],[[1,1]]]}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        digit_line p;
        ink_buffer got, want;
        digit_line_reset(&p);
        feed_result r = feed_str(&p, &got, cases[i].line);
        assert_int_equal(r.done, 1);
        assert_int_equal(r.errors, 0);
        host_ink(cases[i].ndjson, &want);
        assert_same_ink(&got, &want);
    }
}

/* Each bad line: exactly one error of the expected kind, no DONE, and the
 * next good line still parses (the parser recovered). */
static void test_errors_one_per_line_then_recovers(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        digit_line_status want;
    } cases[] = {
        {"\n", DIGIT_LINE_E_EMPTY},
        {"   \r\n", DIGIT_LINE_E_EMPTY},
        {"abc\n", DIGIT_LINE_E_SYNTAX},
        {"1,2;\n", DIGIT_LINE_E_SYNTAX},
        {";1,2\n", DIGIT_LINE_E_SYNTAX},
        {"1,2;;3,4\n", DIGIT_LINE_E_SYNTAX},
        {"1,2,3\n", DIGIT_LINE_E_SYNTAX},
        {"1,\n", DIGIT_LINE_E_SYNTAX},
        {"1\n", DIGIT_LINE_E_SYNTAX},
        {",1\n", DIGIT_LINE_E_SYNTAX},
        {"-1,5\n", DIGIT_LINE_E_SYNTAX},
        {"1.5,5\n", DIGIT_LINE_E_SYNTAX},
        {"{\"strokes\":[[[1,2]]]}\n", DIGIT_LINE_E_SYNTAX},
        {"240,5\n", DIGIT_LINE_E_RANGE},
        {"5,240\n", DIGIT_LINE_E_RANGE},
        {"5,99999999999999999999\n", DIGIT_LINE_E_RANGE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        digit_line p;
        ink_buffer ink, want;
        digit_line_reset(&p);
        feed_result r = feed_str(&p, &ink, cases[i].line);
        assert_int_equal(r.errors, 1);
        assert_int_equal(r.done, 0);
        assert_int_equal(r.last_error, cases[i].want);
        r = feed_str(&p, &ink, "10,20 30,40\n");
        assert_int_equal(r.done, 1);
        assert_int_equal(r.errors, 0);
        host_ink("{\"strokes\":[[[10,20],[30,40]]]}", &want);
        assert_same_ink(&ink, &want);
    }
    /* A NUL byte and a high byte are syntax errors too. */
    {
        digit_line p;
        ink_buffer ink;
        digit_line_reset(&p);
        feed_result r = feed_text(&p, &ink, "1,2\0003\n\3774,5\n", 11);
        assert_int_equal(r.errors, 2);
        assert_int_equal(r.skipped, 2);
        assert_int_equal(r.done, 0);
    }
}

static void test_line_length_limit(void **state)
{
    (void)state;
    size_t cap = 3 * DIGIT_LINE_MAX;
    char *text = malloc(cap);
    assert_non_null(text);
    /* "1,1 2,2 1,1 ..." padded with spaces to exactly DIGIT_LINE_MAX characters. */
    size_t n = 0;
    while (n + 4 <= DIGIT_LINE_MAX - 8) {
        memcpy(text + n, (n / 4) % 2 ? "2,2 " : "1,1 ", 4);
        n += 4;
    }
    while (n < DIGIT_LINE_MAX)
        text[n++] = ' ';
    text[n++] = '\n';
    digit_line p;
    ink_buffer ink;
    digit_line_reset(&p);
    feed_result r = feed_text(&p, &ink, text, n);
    assert_int_equal(r.done, 1);
    assert_int_equal(r.errors, 0);
    /* One character more: one error, the rest of the line skipped. */
    memmove(text + 1, text, n);
    text[0] = ' ';
    r = feed_text(&p, &ink, text, n + 1);
    assert_int_equal(r.errors, 1);
    assert_int_equal(r.last_error, DIGIT_LINE_E_LONG);
    assert_int_equal(r.skipped, 1);
    assert_int_equal(r.done, 0);
    /* Far longer (three times the limit): still one error. */
    memset(text, '7', cap - 1);
    text[cap - 1] = '\n';
    r = feed_text(&p, &ink, text, cap);
    assert_int_equal(r.errors, 1);
    assert_int_equal(r.skipped, 1);
    r = feed_str(&p, &ink, "3,3 4,4\n");
    assert_int_equal(r.done, 1);
    free(text);
}

/* More taps than the ink buffer holds: INK_ERR_FULL becomes one error. */
static void test_too_many_strokes(void **state)
{
    (void)state;
    char text[1024];
    size_t n = 0;
    for (int i = 0; i < 80; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%d,%d", i ? ";" : "", i, i);
    text[n++] = '\n';
    digit_line p;
    ink_buffer ink;
    digit_line_reset(&p);
    feed_result r = feed_text(&p, &ink, text, n);
    assert_int_equal(r.errors, 1);
    assert_int_equal(r.last_error, DIGIT_LINE_E_FULL);
    assert_int_equal(r.done, 0);
}

/* The first 1000 UNIPEN dev digits: the ink from the text form equals the
 * ink strokes_feed makes from the NDJSON line, point for point. */
static void test_matches_host_on_unipen(void **state)
{
    (void)state;
    char path[4096];
    const char *root = test_data_root();
    if (!root)
        skip();
    snprintf(path, sizeof path, "%s/unipen/dev.ndjson", root);
    FILE *f = fopen(path, "rb");
    if (!f)
        skip();
    char *json = NULL, text[1 << 16];
    size_t cap = 0;
    ssize_t len;
    int checked = 0;
    digit_line p;
    digit_line_reset(&p);
    while (checked < 1000 && (len = getline(&json, &cap, f)) > 0) {
        strokes_sample s;
        inkpin_diag d;
        ink_buffer got, want;
        memset(&d, 0, sizeof d);
        while (len > 0 && (json[len - 1] == '\n' || json[len - 1] == '\r'))
            len--;
        assert_int_equal(strokes_parse_line(json, (size_t)len, "dev", &s, &d), 0);
        strokes_feed(&s, &want);
        size_t n = to_line(&s, text, sizeof text);
        strokes_sample_free(&s);
        feed_result r = feed_text(&p, &got, text, n);
        assert_int_equal(r.done, 1);
        assert_int_equal(r.errors, 0);
        assert_same_ink(&got, &want);
        checked++;
    }
    free(json);
    fclose(f);
    assert_int_equal(checked, 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_host_on_handmade_lines),
        cmocka_unit_test(test_errors_one_per_line_then_recovers),
        cmocka_unit_test(test_line_length_limit),
        cmocka_unit_test(test_too_many_strokes),
        cmocka_unit_test(test_matches_host_on_unipen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
