/* augment.h - on-the-fly training augmentation for touch-drawn digits.
 *
 * Two sources, both producing the 28x28 0/1 input the network sees:
 *
 *  augment_image: an MNIST image, already binarized by data_binarize (the one
 *    binarization rule), is warped by a random affine map (rotation, scale
 *    with a little anisotropy, shear, shift) plus a smooth elastic field (a
 *    4x4 grid of random displacements, bilinearly interpolated), resampled
 *    bilinearly and thresholded at 0.5, then dilated or eroded (a 3x3 cross)
 *    to vary the stroke width. Why on the binary image: the deployed input is
 *    binary, and resampling 0/1 values thresholded at 0.5 keeps the ink area
 *    on average, whereas resampling the 0..255 grey and binarizing at > 0
 *    would thicken every warped stroke by about a pixel. An identity warp
 *    gives back the binarized image exactly.
 *
 *  augment_strokes: a pen-stroke digit (NDJSON strokes on the 240x240 area)
 *    gets a random affine map and point jitter on its coordinates, then goes
 *    through the device's own ink module (ink_render_style) with a random box
 *    size and pen radius around the defaults. So the model trains on exactly
 *    what the device renders.
 *
 * Every random draw comes from the rng_t the caller passes; the trainer seeds
 * it from (seed, epoch, sample), so a sample's augmentation is independent
 * of threads and of the other samples.
 */
#ifndef INKPIN_TRAIN_AUGMENT_H
#define INKPIN_TRAIN_AUGMENT_H

#include <stdint.h>

#include "data/strokes.h"
#include "train/rng.h"

typedef struct {
    float p_clean;     /* probability of no augmentation at all */
    float rot_deg;     /* rotation uniform in +-rot_deg */
    float scale;       /* isotropic scale uniform in 1 +- scale */
    float aniso;       /* extra x/y scale ratio uniform in 1 +- aniso */
    float shear;       /* horizontal shear (slant) uniform in +-shear */
    float shift;       /* translation uniform in +-shift pixels */
    float elastic;     /* elastic displacement std at grid points, pixels */
    float p_dilate;    /* probability of a 3x3-cross dilation */
    float p_erode;     /* probability of a 3x3-cross erosion (kept only if ink survives) */
    float pen_jitter;  /* strokes: per-point jitter std, in 240-area pixels */
    float pen_radius;  /* strokes: pen radius uniform in default +- this, 28x28 pixels */
    float pen_box;     /* strokes: box side uniform in default * (1 +- this) */
    float pen_rot_deg; /* strokes: rotation uniform in +-this (not scaled by augment_scale);
                        * 0: rotation as rot_deg */
    int pen_thin_max;  /* strokes: keep every k-th point, k uniform in 1..this;
                        * 0: 1 sample in 4 thinned to every 2nd..4th point */
} augment_params;

/* The parameters the shipped model was trained with. */
void augment_defaults(augment_params *p);

/* Scales every strength (angles, shifts, distortion, morphology and pen
 * probabilities) by k; k = 1 keeps the defaults. */
void augment_scale(augment_params *p, float k);

/* in01, out01: 784 values of 0/1 (uint8). out may not alias in. */
void augment_image(uint8_t *out01, const uint8_t *in01, const augment_params *p, rng_t *r);

/* Renders a stroke sample through the ink module with random augmentation
 * (or none when p is NULL). out01: 784 values of 0/1. Returns 0, or -1 when
 * ink reports no digit (the caller should fall back to the plain render). */
int augment_strokes(uint8_t *out01, const strokes_sample *s, const augment_params *p, rng_t *r);

#endif
