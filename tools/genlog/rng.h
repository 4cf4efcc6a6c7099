/*
 * rng.h - the one source of chance: xoshiro256** and the draws built on it
 *
 * Everything the generator decides comes from one struct rng seeded from
 * --seed through splitmix64, so the same seed and arguments give the same
 * log. The order of draws is part of the output: reordering two calls, or
 * adding one, changes every line that follows.
 *
 * The per-draw functions are inline: the generator makes several draws per
 * line written.
 *
 * struct rng_weights picks a small index (a domain, say) with probability
 * proportional to its weight: cumulative sums and a binary search, so one
 * draw per pick. Zero weights are never picked.
 */
#ifndef GENLOG_RNG_H
#define GENLOG_RNG_H

#include "common.h"

struct rng {
    uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);

static inline uint64_t rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n), n < 2^32, by multiply-shift (bias below 2^-32). */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static inline uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi)
{
    return lo + rng_next(r) % (hi - lo + 1);
}

/* True with probability ppm / 1e6. */
static inline int rng_chance(struct rng *r, uint32_t ppm)
{
    return rng_below(r, 1000000) < ppm;
}

/* A duration uniform in [lo_ms, hi_ms] milliseconds, in microseconds. */
static inline uint64_t rng_ms(struct rng *r, uint64_t lo_ms, uint64_t hi_ms)
{
    return rng_range(r, lo_ms * MSEC, hi_ms * MSEC);
}

#define RNG_WEIGHTS_MAX 96

struct rng_weights {
    uint16_t n;
    uint8_t idx[RNG_WEIGHTS_MAX];
    uint32_t cum[RNG_WEIGHTS_MAX];      /* running sum of the weights */
};

/* Adds idx with the given weight (nothing if it is 0); init is all-zero. */
void rng_weights_add(struct rng_weights *w, unsigned idx, uint32_t weight);
/* One of the added indexes; w must have at least one. */
uint8_t rng_weights_pick(struct rng *r, const struct rng_weights *w);

#endif
