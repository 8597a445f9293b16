// SerialDigits - recognize digits drawn as strokes and sent over the serial
// port, on any board (an Arduino Uno included: 2 KB of RAM is enough).
//
// Send one drawn digit per line at 9600 baud, strokes separated by ';',
// points by spaces, each point x,y on a 240x240 area (0..239, y down):
//     60,60 180,60 90,200;100,130 170,130
// (the full format is in digit_line.h). Wait for the answer before sending
// the next line: on an Uno a digit takes about 1.5 s, and the 64-byte serial
// buffer does not hold a whole line. 9600 baud leaves an Uno time to take in
// each point even when its ink buffer is full and simplifying (README.md here).
// Each line gets exactly one answer:
//     7 0.98706                     the digit and its confidence (0..1)
//     draw again (unsure: 1 0.41200)  the engine's best guess is not sure
//                                   enough for this shape (the device's
//                                   rule, inkpin/verdict.h)
//     no digit                      empty, a tap, a dot or scribbled over
//     error: <why>                  the line is not in the format, or too long
// The answers are the ones `inkpin classify` gives for the same strokes.
#include <inkpin.h>

#include "digit_line.h"

// The drawing is not needed once it is rendered, and the engine's working
// memory only while it runs, so the two share their RAM (an Uno has 2 KB).
static union {
    ink_buffer ink;                 // the drawing, 260 bytes
    uint8_t arena[NET_ARENA_BYTES]; // the engine's working memory
} work;
static digit_line parser;              // where in the line we are
static uint8_t image[NET_IMAGE_BYTES]; // what the engine sees, 28x28 bits

// Prints q / NET_CONF_ONE with five decimals: one decimal string per q.
static void printConfidence(uint32_t q)
{
    uint32_t scaled = (q * 100000UL + NET_CONF_ONE / 2) / NET_CONF_ONE;
    Serial.print(scaled / 100000UL);
    Serial.print('.');
    for (uint32_t unit = 10000UL; unit > 0; unit /= 10)
        Serial.print((char)('0' + (scaled / unit) % 10));
}

static void recognize()
{
    ink_shape shape;
    verdict v;
    // Rendered first, so the drawing's RAM is free for the engine's arena
    // (verdict_from_ink would need both at once).
    if (ink_render_shape(&work.ink, image, &shape) != INK_OK) {
        Serial.println(F("no digit"));
        return;
    }
    switch (verdict_from_image(net_default_model(), image, &shape, NET_REJECT_CONF, work.arena,
                               sizeof work.arena, &v)) {
    case VERDICT_DIGIT:
        Serial.print(v.digit);
        Serial.print(' ');
        printConfidence(v.confidence);
        Serial.println();
        break;
    case VERDICT_DRAW_AGAIN:
        Serial.print(F("draw again (unsure: "));
        Serial.print(v.digit);
        Serial.print(' ');
        printConfidence(v.confidence);
        Serial.println(')');
        break;
    case VERDICT_NO_DIGIT: Serial.println(F("no digit")); break;
    default: Serial.println(F("error: the model did not run")); break;
    }
}

static void printError(digit_line_status status)
{
    Serial.print(F("error: "));
    switch (status) {
    case DIGIT_LINE_E_EMPTY: Serial.println(F("empty line: send points as x,y x,y;x,y")); break;
    case DIGIT_LINE_E_RANGE: Serial.println(F("coordinate out of range 0..239")); break;
    case DIGIT_LINE_E_LONG: Serial.println(F("line too long")); break;
    case DIGIT_LINE_E_FULL: Serial.println(F("too many strokes")); break;
    default: Serial.println(F("bad character: send points as x,y x,y;x,y")); break;
    }
}

void setup()
{
    Serial.begin(9600);
    digit_line_reset(&parser);
    Serial.println(F("inkpin SerialDigits " INKPIN_VERSION
                     ": send one digit per line as x,y x,y;x,y (0..239)"));
}

void loop()
{
    while (Serial.available() > 0) {
        digit_line_status status = digit_line_feed(&parser, &work.ink, Serial.read());
        if (status == DIGIT_LINE_DONE)
            recognize();
        else if (status < 0)
            printError(status);
    }
}
