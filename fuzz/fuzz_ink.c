/* fuzz_ink.c - libFuzzer harness for the ink module's event stream.
 *
 * The input is a list of 9-byte events: op, x (int32 LE), y (int32 LE), so
 * every coordinate, including INT32_MIN/MAX, can occur. op % 8 selects down,
 * move (x3, the common case), up, render with a style taken from x and y, or
 * reset. After every event the buffer invariants are checked: n within
 * 0..INK_MAX_POINTS, every entry a pen lift or a point inside the 240x240
 * area, no two pen lifts in a row; render returns only OK or NO_DIGIT (or ARG
 * for an out-of-range style) and, under ASan, never writes outside 98 bytes.
 * Op 6 renders through ink_render_shape and checks the shape check: the same
 * image as ink_render, a stroke count within the buffer, a turn within what
 * the buffer can hold (at most 512/1024 turn per stored point), sharp turns
 * within the points and each more than 256/1024 turn of the total, joined
 * strokes at most strokes - 1, and ink_conf_needed returning plain,
 * INK_ODD_CONF or "never". */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inkpin/ink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int32_t rd_i32(const uint8_t *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24);
}

static void check(const ink_buffer *ink)
{
    if (ink->n < 0 || ink->n > INK_MAX_POINTS)
        abort();
    for (int i = 0; i < ink->n; i++) {
        if (ink->x[i] == INK_PEN_LIFT) {
            if (i == 0 || i == ink->n - 1 || ink->x[i - 1] == INK_PEN_LIFT)
                abort();
        } else if (ink->x[i] >= INK_AREA || ink->y[i] >= INK_AREA) {
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ink_buffer ink;
    ink_reset(&ink);
    uint8_t *img = malloc(NET_IMAGE_BYTES); /* exact size: ASan sees any overrun */
    if (!img)
        return 0;
    for (size_t off = 0; off + 9 <= size; off += 9) {
        int op = data[off] % 8;
        int32_t x = rd_i32(data + off + 1), y = rd_i32(data + off + 5);
        ink_err e = INK_OK;
        switch (op) {
        case 0: e = ink_pen_down(&ink, x, y); break;
        case 1:
        case 2:
        case 3: e = ink_pen_move(&ink, x, y); break;
        case 4: e = ink_pen_up(&ink); break;
        case 5: {
            ink_style st = {(int16_t)(x % 500), (int16_t)(y % 50)};
            e = ink_render_style(&ink, &st, img);
            if (e != INK_OK && e != INK_NO_DIGIT && e != INK_ERR_ARG)
                abort();
            e = INK_OK;
            break;
        }
        case 6: {
            uint8_t plain_img[NET_IMAGE_BYTES];
            ink_shape shape;
            e = ink_render_shape(&ink, img, &shape);
            if (e != INK_OK && e != INK_NO_DIGIT)
                abort();
            if (ink_render(&ink, plain_img) != e || memcmp(plain_img, img, NET_IMAGE_BYTES) != 0)
                abort();
            if (shape.strokes < 0 || shape.strokes > INK_MAX_POINTS || shape.turn < 0 ||
                shape.turn > 512 * INK_MAX_POINTS || shape.sharp < 0 ||
                shape.sharp > INK_MAX_POINTS || shape.joined < 0 ||
                (shape.strokes > 0 && shape.joined > shape.strokes - 1) ||
                shape.turn < 256 * shape.sharp || /* a sharp turn is > 256/1024 */
                (e != INK_OK && (shape.strokes || shape.turn || shape.sharp || shape.joined)))
                abort();
            uint32_t plain = (uint32_t)x & 0x7FFFu, need = ink_conf_needed(&shape, plain);
            if (need != plain && need != INK_ODD_CONF && need != NET_CONF_ONE + 1u)
                abort();
            e = INK_OK;
            break;
        }
        default: ink_reset(&ink); break;
        }
        if (e != INK_OK && e != INK_ERR_FULL)
            abort();
        check(&ink);
    }
    free(img);
    return 0;
}
