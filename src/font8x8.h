/* font8x8.h - the app's built-in 8x8 ASCII font (private to the library).
 *
 * 95 glyphs, ' ' (0x20) to '~' (0x7E), each 8 rows of one byte, MSB-first
 * (bit 7 = leftmost column), the packing of hal->draw_bitmap1, so a glyph can
 * be drawn with one draw_bitmap1(x, y, 8, 8, glyph, scale, fg, bg) call. The
 * glyphs are 5x7 (descenders use row 7) with a blank column on the left and
 * two on the right, so text needs no extra spacing. Our own design, generated
 * once from hand-drawn ASCII art. 760 bytes of const data. */
#ifndef INKPIN_FONT8X8_H
#define INKPIN_FONT8X8_H

#include <stdint.h>

#define FONT8X8_W 8
#define FONT8X8_H 8
#define FONT8X8_FIRST 0x20
#define FONT8X8_LAST 0x7E

/* The 8 bytes of character c; characters outside ' '..'~' give '?'. */
const uint8_t *font8x8_glyph(char c);

#endif
