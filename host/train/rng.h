/* rng.h - the trainer's counter-based random numbers.
 *
 * Every random decision is drawn from a generator seeded by a hash of
 * (seed, stream, a, b) - e.g. (seed, RNG_AUGMENT, epoch, sample index) - so a
 * sample's augmentation does not depend on which thread handles it or on
 * what was drawn before. splitmix64 for both hashing and the stream.
 */
#ifndef INKPIN_TRAIN_RNG_H
#define INKPIN_TRAIN_RNG_H

#include <stdint.h>

enum { RNG_INIT = 1, RNG_SHUFFLE = 2, RNG_AUGMENT = 3, RNG_TEST = 4, RNG_EXTRA = 5 };

typedef struct {
    uint64_t s;
} rng_t;

static inline uint64_t rng_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline rng_t rng_make(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b)
{
    rng_t r;
    r.s = rng_mix(rng_mix(rng_mix(rng_mix(seed) ^ stream) ^ a) ^ b);
    return r;
}

static inline uint64_t rng_next(rng_t *r)
{
    r->s += 0x9e3779b97f4a7c15ULL;
    return rng_mix(r->s - 0x9e3779b97f4a7c15ULL);
}

/* uniform in [0,1) with 24 bits */
static inline float rng_uniform(rng_t *r)
{
    return (float)(rng_next(r) >> 40) * (1.0f / 16777216.0f);
}

/* uniform in [lo,hi) */
static inline float rng_range(rng_t *r, float lo, float hi)
{
    return lo + (hi - lo) * rng_uniform(r);
}

/* integer in [0,n) (n > 0; the tiny modulo bias is irrelevant here) */
static inline uint32_t rng_below(rng_t *r, uint32_t n)
{
    return (uint32_t)(rng_next(r) % n);
}

/* standard normal (Box-Muller, one value per call) */
float rng_normal(rng_t *r);

#endif
