/* test_ink_move.c - test_ink_ref.c's bit-for-bit comparisons with the
 * reference renderer, run on src/ink.c built with INK_MOVE_IMAGE 1: the
 * second drawing pass replaced by moving the first pass's image, the
 * default on AVR, which the host build (INK_MOVE_IMAGE 0) does not compile.
 * The library's public names are renamed (ink_mv_*) so this copy links
 * beside libinkpin's. */
#define INK_MOVE_IMAGE 1
#define INK_REF_TEST_NAME "test_ink_move"
#define ink_strerror ink_mv_strerror
#define ink_reset ink_mv_reset
#define ink_pen_down ink_mv_pen_down
#define ink_pen_move ink_mv_pen_move
#define ink_pen_up ink_mv_pen_up
#define ink_stroke_count ink_mv_stroke_count
#define ink_render ink_mv_render
#define ink_render_style ink_mv_render_style
#define ink_pixel ink_mv_pixel
#define ink_render_shape ink_mv_render_shape
#define ink_conf_needed ink_mv_conf_needed

#include "../src/ink.c"

#include "test_ink_ref.c"
