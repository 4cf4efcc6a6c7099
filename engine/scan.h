/*
 * scan.h - byte searches for the per-line hot paths, eight bytes at a time
 *
 * The fields of a log line are short (a program name, a queue id, a
 * key=value pair): too short for a libc call to pay off, too long for a
 * loop that tests every byte against three stop characters. These read
 * sixteen bytes at a time with SSE2 where there is (every x86-64), one
 * 64-bit word at a time otherwise and for the last bytes (SWAR: SIMD
 * within a register), and never read outside [p, end). Pure functions;
 * nothing is allocated.
 */
#ifndef BS_SCAN_H
#define BS_SCAN_H

#include "common.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    defined(__GNUC__)
#define BS_SCAN_SWAR 1
#endif
/* Sixteen bytes at a time where SSE2 is there (every x86-64). */
#if defined(BS_SCAN_SWAR) && defined(__SSE2__)
#define BS_SCAN_SSE2 1
#include <emmintrin.h>
#endif

/* The high bit of each byte of v that is zero; the lowest one set is the
 * first zero byte (bits above it may be wrong, as borrows run upwards). */
static inline uint64_t bs_scan_zero_bytes(uint64_t v)
{
    return (v - 0x0101010101010101ULL) & ~v & 0x8080808080808080ULL;
}

/* The first byte in [p, end) that is a, b or c, or end. */
static inline const char *bs_find_any3(const char *p, const char *end,
                                       char a, char b, char c)
{
#ifdef BS_SCAN_SSE2
    if (end - p >= 16) {
        const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b),
                      vc = _mm_set1_epi8(c);
        do {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
            __m128i hit = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                _mm_cmpeq_epi8(v, vc));
            unsigned m = (unsigned)_mm_movemask_epi8(hit);
            if (m)
                return p + __builtin_ctz(m);
            p += 16;
        } while (end - p >= 16);
    }
#endif
#ifdef BS_SCAN_SWAR
    const uint64_t ones = 0x0101010101010101ULL;
    uint64_t ma = ones * (unsigned char)a, mb = ones * (unsigned char)b,
             mc = ones * (unsigned char)c;
    while (end - p >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        uint64_t hit = bs_scan_zero_bytes(v ^ ma) | bs_scan_zero_bytes(v ^ mb) |
                       bs_scan_zero_bytes(v ^ mc);
        if (hit)
            return p + (__builtin_ctzll(hit) >> 3);
        p += 8;
    }
#endif
    while (p < end && *p != a && *p != b && *p != c)
        p++;
    return p;
}

/* The high bit of each byte of v that is zero, and of no other (exact,
 * unlike bs_scan_zero_bytes: for the last match as well as the first). */
static inline uint64_t bs_scan_zero_bytes_exact(uint64_t v)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
    return ~(((v & low7) + low7) | v | low7);
}

/* The last byte in [p, end) that is ch, or NULL. */
static inline const char *bs_rfind_byte(const char *p, const char *end,
                                        char ch)
{
#ifdef BS_SCAN_SSE2
    if (end - p >= 16) {
        const __m128i vc = _mm_set1_epi8(ch);
        do {
            __m128i v =
                _mm_loadu_si128((const __m128i *)(const void *)(end - 16));
            unsigned hit =
                (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vc));
            if (hit)
                return end - 16 + (31 - __builtin_clz(hit));
            end -= 16;
        } while (end - p >= 16);
    }
#endif
#ifdef BS_SCAN_SWAR
    const uint64_t m = 0x0101010101010101ULL * (unsigned char)ch;
    while (end - p >= 8) {
        uint64_t v;
        memcpy(&v, end - 8, 8);
        uint64_t hit = bs_scan_zero_bytes_exact(v ^ m);
        if (hit)
            return end - 8 + (7 - (__builtin_clzll(hit) >> 3));
        end -= 8;
    }
#endif
    while (end > p)
        if (*--end == ch)
            return end;
    return NULL;
}

/* The high bit of each byte of v that is an ASCII digit, or (letters) an
 * ASCII letter. Per byte, the additions cannot carry into the next. */
static inline uint64_t bs_scan_run_bytes(uint64_t v, bool letters)
{
    const uint64_t high = 0x8080808080808080ULL;
    uint64_t low7 = v & ~high;
    /* at least '0', and not above '9' */
    uint64_t in = (low7 + 0x5050505050505050ULL) &
                  ~(low7 + 0x4646464646464646ULL);
    if (letters) {
        uint64_t folded = low7 | 0x2020202020202020ULL; /* 'A' -> 'a' */
        in |= (folded + 0x1f1f1f1f1f1f1f1fULL) &
              ~(folded + 0x0505050505050505ULL);
    }
    return in & ~v & high;
}

static inline bool bs_scan_in_run(char c, bool letters)
{
    return bs_is_digit(c) ||
           (letters && (((c | 0x20) >= 'a' && (c | 0x20) <= 'z')));
}

/* The first byte in [p, end) that is not an ASCII digit (or letter), or
 * end. */
static inline const char *bs_skip_run(const char *p, const char *end,
                                      bool letters)
{
#ifdef BS_SCAN_SSE2
    if (end - p >= 16) {
        /* signed compares: bytes from 0x80 are below '0' and 'a' */
        const __m128i below0 = _mm_set1_epi8('0' - 1),
                      above9 = _mm_set1_epi8('9' + 1),
                      belowa = _mm_set1_epi8('a' - 1),
                      abovez = _mm_set1_epi8('z' + 1),
                      fold = _mm_set1_epi8(0x20);
        do {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
            __m128i in = _mm_and_si128(_mm_cmpgt_epi8(v, below0),
                                       _mm_cmplt_epi8(v, above9));
            if (letters) {
                __m128i f = _mm_or_si128(v, fold);
                in = _mm_or_si128(in,
                                  _mm_and_si128(_mm_cmpgt_epi8(f, belowa),
                                                _mm_cmplt_epi8(f, abovez)));
            }
            unsigned other = ~(unsigned)_mm_movemask_epi8(in) & 0xffff;
            if (other)
                return p + __builtin_ctz(other);
            p += 16;
        } while (end - p >= 16);
    }
#endif
#ifdef BS_SCAN_SWAR
    while (end - p >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        uint64_t other = ~bs_scan_run_bytes(v, letters) &
                         0x8080808080808080ULL;
        if (other)
            return p + (__builtin_ctzll(other) >> 3);
        p += 8;
    }
#endif
    while (p < end && bs_scan_in_run(*p, letters))
        p++;
    return p;
}

static inline const char *bs_skip_digits(const char *p, const char *end)
{
    return bs_skip_run(p, end, false);
}

static inline const char *bs_skip_alnum(const char *p, const char *end)
{
    return bs_skip_run(p, end, true);
}

/* Unaligned little loads (the compiler makes them one instruction). */
static inline uint32_t bs_load32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t bs_load64(const void *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* The eight bytes at p are hexadecimal digits (either case). */
static inline bool bs_is_hex8(const char *p)
{
#ifdef BS_SCAN_SWAR
    const uint64_t high = 0x8080808080808080ULL;
    uint64_t v = bs_load64(p), low7 = v & ~high;
    uint64_t digit = (low7 + 0x5050505050505050ULL) & /* '0'..'9' */
                     ~(low7 + 0x4646464646464646ULL);
    uint64_t f = low7 | 0x2020202020202020ULL; /* 'A' -> 'a' */
    uint64_t alpha = (f + 0x1f1f1f1f1f1f1f1fULL) & /* 'a'..'f' */
                     ~(f + 0x1919191919191919ULL);
    return ((digit | alpha) & ~v & high) == high;
#else
    for (int i = 0; i < 8; i++) {
        char c = (char)(p[i] | 0x20);
        if (!bs_is_digit(p[i]) && !(c >= 'a' && c <= 'f'))
            return false;
    }
    return true;
#endif
}

/* ASCII upper case to lower in the eight bytes of v at once; other bytes
 * (high-bit ones too) stay. Per byte, the additions cannot carry. */
static inline uint64_t bs_ascii_lower8(uint64_t v)
{
    const uint64_t high = 0x8080808080808080ULL;
    uint64_t low7 = v & ~high;
    uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3fULL; /* 0x80 + b - 'A' */
    uint64_t gt_z = low7 + 0x2525252525252525ULL; /* 0x80 + b - 'Z' - 1 */
    uint64_t upper = (ge_a ^ gt_z) & ~v & high;
    return v | (upper >> 2);
}

/* A 64-bit hash of n bytes for the in-memory tables (its values are never
 * written out). Eight bytes a step, each step a multiply and a shift (the
 * splitmix64 finaliser's constants): quality enough for tables keyed by
 * short strings, and several times faster than a byte-wise hash. Inline:
 * the correlator, the interner and the caches hash a key on every event. */
static inline uint64_t bs_hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    bool long_key = n >= 8;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL);
    while (n >= 8) {
        h = (h ^ bs_load64(s)) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    if (n) {
        /* The last 1..7 bytes without a byte loop: the eight bytes that
         * end the key (overlapping the step before), or for a short key
         * two overlapping halves or three single bytes. */
        uint64_t v;
        if (long_key)
            v = bs_load64(s + n - 8) >> (8 * (8 - n));
        else if (n >= 4)
            v = bs_load32(s) | (uint64_t)bs_load32(s + n - 4) << 32;
        else
            v = s[0] | (uint64_t)s[n / 2] << 8 | (uint64_t)s[n - 1] << 16;
        h = (h ^ v) * 0x94d049bb133111ebULL;
        h ^= h >> 29;
    }
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 32);
}

/* memcpy of at most 32 bytes without the library call (for keys and ids
 * built on every event): the first and the last 16, 8, 4 or single bytes,
 * overlapping, so no byte outside [0, n) is read or written. */
static inline void bs_copy_short(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    uint64_t a, b, c, e;
    if (n >= 16) { /* to 32 */
        memcpy(&a, s, 8);
        memcpy(&b, s + 8, 8);
        memcpy(&c, s + n - 16, 8);
        memcpy(&e, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + 8, &b, 8);
        memcpy(d + n - 16, &c, 8);
        memcpy(d + n - 8, &e, 8);
    } else if (n >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        memcpy(d, &x, 4);
        memcpy(d + n - 4, &y, 4);
    } else if (n) {
        unsigned char x = s[0], y = s[n / 2], z = s[n - 1];
        d[0] = x;
        d[n / 2] = y;
        d[n - 1] = z;
    }
}

/* dst gets the n bytes of src with ASCII upper case made lower, eight at
 * a time; nothing outside src[0, n) is read nor outside dst[0, n)
 * written (the last eight overlap the ones before). dst may be src. */
static inline void bs_ascii_lower_copy(char *dst, const char *src, size_t n)
{
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            dst[i] = bs_ascii_lower(src[i]);
        return;
    }
    uint64_t v;
    for (size_t i = 0; i + 8 <= n; i += 8) {
        v = bs_ascii_lower8(bs_load64(src + i));
        memcpy(dst + i, &v, 8);
    }
    v = bs_ascii_lower8(bs_load64(src + n - 8));
    memcpy(dst + n - 8, &v, 8);
}

/* n bytes at a and b are equal (memcmp() == 0 without the call, for the
 * short keys of hash tables and caches). */
static inline bool bs_mem_eq(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    uint64_t u, v;
    if (n >= 8) {
        for (size_t i = 0; i + 8 <= n; i += 8) {
            memcpy(&u, x + i, 8);
            memcpy(&v, y + i, 8);
            if (u != v)
                return false;
        }
        memcpy(&u, x + n - 8, 8);
        memcpy(&v, y + n - 8, 8);
        return u == v;
    }
    if (n >= 4) {
        uint32_t s, t, s2, t2;
        memcpy(&s, x, 4);
        memcpy(&t, y, 4);
        memcpy(&s2, x + n - 4, 4);
        memcpy(&t2, y + n - 4, 4);
        return s == t && s2 == t2;
    }
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return false;
    return true;
}

#endif
