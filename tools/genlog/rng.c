/*
 * rng.c - xoshiro256** seeding and weighted picks
 *
 * The generator itself lives in rng.h so that it inlines; here are the
 * parts that run once per start or once per pick.
 */
#include "rng.h"

#include <assert.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

void rng_weights_add(struct rng_weights *w, unsigned idx, uint32_t weight)
{
    if (!weight)
        return;
    assert(w->n < RNG_WEIGHTS_MAX && idx <= UINT8_MAX);
    w->idx[w->n] = (uint8_t)idx;
    w->cum[w->n] = (w->n ? w->cum[w->n - 1] : 0) + weight;
    w->n++;
}

uint8_t rng_weights_pick(struct rng *r, const struct rng_weights *w)
{
    uint32_t x = rng_below(r, w->cum[w->n - 1]);
    uint16_t lo = 0, hi = (uint16_t)(w->n - 1);

    while (lo < hi) {
        uint16_t mid = (uint16_t)((lo + hi) / 2);

        if (w->cum[mid] > x)
            hi = mid;
        else
            lo = (uint16_t)(mid + 1);
    }
    return w->idx[lo];
}
