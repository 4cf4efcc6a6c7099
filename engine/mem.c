/*
 * mem.c - allocation that cannot fail, and the hashes every table uses
 *
 * Out of memory is the one failure bouncestat does not try to survive: it
 * prints one line to stderr and aborts. Input-driven growth is bounded by
 * caps in the modules long before memory runs out.
 */
#include "common.h"
#include "scan.h"

#include <stdio.h>
#include <stdlib.h>

static void bs_out_of_memory(size_t n)
{
    fprintf(stderr, "bouncestat: fatal: out of memory (%zu bytes)\n", n);
    abort();
}

void *bs_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        bs_out_of_memory(n);
    return p;
}

void *bs_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        bs_out_of_memory(count * size);
    return p;
}

void *bs_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        bs_out_of_memory(n);
    return q;
}

void *bs_xreallocarray(void *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        bs_out_of_memory(SIZE_MAX);
    return bs_xrealloc(p, count * size);
}

char *bs_xstrndup(const char *s, size_t n)
{
    char *p = bs_xmalloc(n + 1);
    if (n) /* s may be NULL when n is 0 */
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* FNV-1a of the lower-cased bytes (its values are kept in state files):
 * eight bytes are lower-cased at once, then hashed one by one. */
uint64_t bs_hash_lower(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ULL;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v = bs_ascii_lower8(bs_load64(s + i));
        unsigned char b[8];
        memcpy(b, &v, 8); /* memory order, whatever the byte order */
        for (int k = 0; k < 8; k++) {
            h ^= b[k];
            h *= 1099511628211ULL;
        }
    }
    for (; i < n; i++) {
        h ^= (unsigned char)bs_ascii_lower((char)s[i]);
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

const char *bs_memmem(const char *hay, size_t hay_len, const char *needle,
                      size_t n)
{
    if (n == 0)
        return hay;
    if (n > hay_len)
        return NULL;
    if (n == 1)
        return memchr(hay, needle[0], hay_len);
    const char *p = hay, *last = hay + hay_len - n; /* last start */
#ifdef BS_SCAN_SSE2
    /* Starts where the first two bytes of the needle are, tested for
     * sixteen starts at once; the rest compared at those only. */
    if (last - p >= 16) {
        const __m128i v0 = _mm_set1_epi8(needle[0]),
                      v1 = _mm_set1_epi8(needle[1]);
        do { /* p + 17 bytes are inside */
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
            __m128i b =
                _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
            unsigned hit = (unsigned)_mm_movemask_epi8(_mm_and_si128(
                _mm_cmpeq_epi8(a, v0), _mm_cmpeq_epi8(b, v1)));
            for (; hit; hit &= hit - 1) {
                const char *at = p + __builtin_ctz(hit);
                if (bs_mem_eq(at + 2, needle + 2, n - 2))
                    return at;
            }
            p += 16;
        } while (last - p >= 16);
    }
#endif
#ifdef BS_SCAN_SWAR
    /* Starts where the first two bytes of the needle are: both tested
     * for eight starts at once, the rest compared at those only. */
    const uint64_t ones = 0x0101010101010101ULL;
    const uint64_t m0 = ones * (unsigned char)needle[0],
                   m1 = ones * (unsigned char)needle[1];
    while (last - p >= 8) { /* p + 9 bytes are inside */
        uint64_t v, w;
        memcpy(&v, p, 8);
        memcpy(&w, p + 1, 8);
        uint64_t hit = bs_scan_zero_bytes_exact(v ^ m0) &
                       bs_scan_zero_bytes_exact(w ^ m1);
        while (hit) {
            const char *at = p + (__builtin_ctzll(hit) >> 3);
            if (bs_mem_eq(at + 2, needle + 2, n - 2))
                return at;
            hit &= hit - 1;
        }
        p += 8;
    }
#endif
    for (; p <= last; p++)
        if (p[0] == needle[0] && bs_mem_eq(p + 1, needle + 1, n - 1))
            return p;
    return NULL;
}
