/* ink_ref.h - the reference renderer (tests/util/ink_ref.c): the same API as
 * src/inkpin/ink.h with the prefix ink_ref_, on the same ink_buffer. */
#ifndef INKPIN_TEST_INK_REF_H
#define INKPIN_TEST_INK_REF_H

#include "inkpin/ink.h"

void ink_ref_reset(ink_buffer *ink);
ink_err ink_ref_pen_down(ink_buffer *ink, int32_t x, int32_t y);
ink_err ink_ref_pen_move(ink_buffer *ink, int32_t x, int32_t y);
ink_err ink_ref_pen_up(ink_buffer *ink);
int ink_ref_stroke_count(const ink_buffer *ink);
ink_err ink_ref_render(const ink_buffer *ink, uint8_t image[NET_IMAGE_BYTES]);
ink_err ink_ref_render_style(const ink_buffer *ink, const ink_style *style,
                             uint8_t image[NET_IMAGE_BYTES]);
int ink_ref_pixel(const uint8_t image[NET_IMAGE_BYTES], int row, int col);
ink_err ink_ref_render_shape(const ink_buffer *ink, uint8_t image[NET_IMAGE_BYTES],
                             ink_shape *shape);
uint32_t ink_ref_conf_needed(const ink_shape *shape, uint32_t plain);
const char *ink_ref_strerror(ink_err e);

#endif
