/* image.h - in-memory 8-bit images and PNG output (libpng) for host reports.
 *
 * An `image` is w x h pixels of 1 (grey) or 3 (RGB) bytes, row-major, top row
 * first, owned by the struct (image_init / image_free). Drawing calls clip to
 * the image, so callers may draw partly outside it. Text uses a built-in 5x7
 * bitmap font (digits, A-Z with lower case drawn as upper case, and
 * - > . % / : ( ) = , ? and space; anything else draws as '?'), scaled by an
 * integer factor; each character advances 6*scale pixels.
 *
 * image_write_png() writes 8-bit greyscale or RGB through libpng's simplified
 * API and reports failures naming the file.
 */
#ifndef INKPIN_HOST_IMAGE_H
#define INKPIN_HOST_IMAGE_H

#include <stdint.h>

#include "diag.h"

#define IMAGE_GLYPH_W 5
#define IMAGE_GLYPH_H 7
#define IMAGE_ADVANCE 6 /* glyph plus one column of space */

typedef struct {
    int w, h;
    int channels; /* 1 = grey, 3 = RGB */
    uint8_t *px;  /* w * h * channels bytes */
} image;

/* Allocates a w x h image filled with `fill` (channels bytes, or NULL for
 * black). w, h in 1..16384. 0 or -1 (d says why). */
int image_init(image *im, int w, int h, int channels, const uint8_t *fill, inkpin_diag *d);
void image_free(image *im);

/* Fills the rectangle [x, x+w) x [y, y+h) (clipped) with color (channels bytes). */
void image_fill_rect(image *im, int x, int y, int w, int h, const uint8_t *color);

/* Draws a sw x sh greyscale bitmap with each source pixel as a scale x scale
 * block, mapping grey value v to a colour between bg (v = 0) and fg (v = 255). */
void image_blit_grey(image *im, int x, int y, const uint8_t *src, int sw, int sh, int scale,
                     const uint8_t *fg, const uint8_t *bg);

/* Draws text with its top-left corner at (x, y); returns the width in pixels. */
int image_text(image *im, int x, int y, const char *s, int scale, const uint8_t *color);

/* Width in pixels text would take (no trailing space column). */
int image_text_width(const char *s, int scale);

/* Writes the image as an 8-bit PNG (grey or RGB). 0 or -1 (d names the file). */
int image_write_png(const image *im, const char *path, inkpin_diag *d);

#endif
