/* size_main.c - the smallest program that keeps the whole recognizer linked:
 * touch events into ink, ink_render, net_run on the default model. Built for
 * each MCU target only to measure what the recognizer (ink + net + model +
 * the compiler runtime helpers they pull in) costs in flash and RAM, without
 * the benchmark around it. Inputs come from volatile memory so nothing is
 * constant-folded away; it is linked, never run. */
#include <stddef.h>
#include <stdint.h>

#include "inkpin/default_model.h"
#include "inkpin/ink.h"
#include "inkpin/net.h"

#if NET_DEFAULT_MODEL_PRESENT
#define ARENA_BYTES NET_ARENA_BYTES
#else
#define ARENA_BYTES 1
#endif

static ink_buffer ink;
static uint8_t image[NET_IMAGE_BYTES];
static uint8_t arena[ARENA_BYTES];
static net_result result;
volatile uint8_t size_touch[4];
volatile uint8_t size_digit;

int main(void)
{
    const net_model *m = net_default_model();
    ink_reset(&ink);
    ink_pen_down(&ink, size_touch[0], size_touch[1]);
    ink_pen_move(&ink, size_touch[2], size_touch[3]);
    ink_pen_up(&ink);
    if (ink_render(&ink, image) == INK_OK && m &&
        net_run(m, image, arena, sizeof arena, &result) == NET_OK)
        size_digit = result.digit;
    return 0;
}
