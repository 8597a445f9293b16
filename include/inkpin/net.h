/* net.h - inkpin's int8 inference engine. (The engine API is being written; this
 * header currently holds the contract shared with the data loaders.) */
#ifndef INKPIN_NET_H
#define INKPIN_NET_H

#include <stdint.h>

/* A pixel is ink when its 0..255 grey value is strictly greater than this.
 * The one binarization rule shared by training, evaluation and the device. */
#define NET_INK_THRESHOLD 0

#define NET_IMAGE_SIDE 28
#define NET_IMAGE_PIXELS 784
#define NET_IMAGE_BYTES 98 /* packed: bit (i*28 + j) is pixel row i, column j */

#endif
