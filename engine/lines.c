/*
 * lines.c - line splitter with a bounded carry buffer
 *
 * A chunk's newlines are found a window at a time (bs_lines_scan_window);
 * a line carried over from the chunk before ends at the chunk's first
 * newline, found with memchr.
 *
 * The carry buffer never exceeds max_len bytes: a line that would outgrow
 * it is delivered cut (oversize) and its remainder skipped up to the next
 * newline, so one endless line cannot grow memory or stall the stream.
 */
#include "lines.h"
#include "scan.h"

#include <stdlib.h>

void bs_lines_init(struct bs_lines *l, size_t max_len)
{
    memset(l, 0, sizeof *l);
    l->max_len = max_len ? max_len : 1;
    l->carry = bs_xmalloc(l->max_len);
}

void bs_lines_fini(struct bs_lines *l)
{
    free(l->carry);
    l->carry = NULL;
}

static void bs_lines_emit(struct bs_lines *l, const char *p, size_t n,
                          bool oversize, bs_line_fn *fn, void *ctx)
{
    fn(ctx, p, bs_lines_count(l, p, n, oversize), oversize);
}

/* Appends to the carry; delivers it cut when it reaches max_len. */
static void bs_lines_carry(struct bs_lines *l, const char *p, size_t n,
                           bs_line_fn *fn, void *ctx)
{
    if (l->skipping)
        return;
    size_t room = l->max_len - l->carry_len;
    if (n <= room) {
        memcpy(l->carry + l->carry_len, p, n);
        l->carry_len += n;
        return;
    }
    memcpy(l->carry + l->carry_len, p, room);
    bs_lines_emit(l, l->carry, l->max_len, true, fn, ctx);
    l->carry_len = 0;
    l->skipping = true;
}

const char *bs_lines_resume(struct bs_lines *l, const char *p,
                            const char *end, bs_line_fn *fn, void *ctx)
{
    if (p >= end || (!l->carry_len && !l->skipping))
        return p;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) {
        bs_lines_carry(l, p, (size_t)(end - p), fn, ctx);
        return end;
    }
    if (l->skipping) {
        l->skipping = false;
    } else {
        bs_lines_carry(l, p, (size_t)(nl - p), fn, ctx);
        if (l->skipping)
            l->skipping = false;
        else
            bs_lines_emit(l, l->carry, l->carry_len, false, fn, ctx);
        l->carry_len = 0;
    }
    return nl + 1;
}

void bs_lines_hold(struct bs_lines *l, const char *p, const char *end,
                   bs_line_fn *fn, void *ctx)
{
    if (p < end)
        bs_lines_carry(l, p, (size_t)(end - p), fn, ctx);
}

uint64_t bs_lines_newline_mask(const char *b)
{
#ifdef BS_SCAN_SSE2
    const __m128i nl = _mm_set1_epi8('\n');
    uint64_t m = 0;
    for (int k = 0; k < 4; k++) {
        const void *at = b + 16 * k;
        __m128i v = _mm_loadu_si128((const __m128i *)at);
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl))
             << (16 * k);
    }
    return m;
#else
    uint64_t m = 0;
    for (int j = 0; j < 64; j++)
        m |= (uint64_t)(b[j] == '\n') << j;
    return m;
#endif
}

/* Appends the offsets of mask m's bits (at + bit number). The first two
 * are written whether they exist or not (a bit past the mask's last adds
 * nothing to the count), so that the usual block, with no newline or
 * one, takes no branch that depends on it. */
static BS_ALWAYS_INLINE void bs_lines_add_offsets(struct bs_line_iter *it,
                                                  uint64_t m, uint32_t at)
{
    uint16_t *o = it->off + it->n;
    uint32_t count = 0;
    const uint64_t stop = 1ull << 63; /* ctz of 0 is undefined */
    o[0] = (uint16_t)(at + (uint32_t)__builtin_ctzll(m | stop));
    count += m != 0;
    m &= m - 1;
    o[count] = (uint16_t)(at + (uint32_t)__builtin_ctzll(m | stop));
    count += m != 0;
    m &= m - 1;
    for (; m; m &= m - 1)
        o[count++] = (uint16_t)(at + (uint32_t)__builtin_ctzll(m));
    it->n += count;
}

/* The window's offsets, its blocks' masks made by mask64. */
static BS_ALWAYS_INLINE void
bs_lines_scan_with(struct bs_line_iter *it, const char *w, size_t len,
                   uint64_t (*mask64)(const char *))
{
    size_t at = 0;
    for (; at + 64 <= len; at += 64)
        bs_lines_add_offsets(it, mask64(w + at), (uint32_t)at);
    if (at < len) { /* the chunk's last bytes: a copy, nothing read past */
        char tail[64] = { 0 };
        memcpy(tail, w + at, len - at);
        bs_lines_add_offsets(it, mask64(tail), (uint32_t)at);
    }
}

#if defined(BS_SCAN_SSE2) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>
#define BS_LINES_AVX2 1
__attribute__((target("avx2"))) static inline uint64_t
bs_lines_mask64_avx2(const char *b)
{
    const __m256i nl = _mm256_set1_epi8('\n');
    __m256i lo = _mm256_loadu_si256((const __m256i *)(const void *)b);
    __m256i hi = _mm256_loadu_si256((const __m256i *)(const void *)(b + 32));
    uint64_t m0 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, nl));
    uint64_t m1 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, nl));
    return m0 | m1 << 32;
}

__attribute__((target("avx2"))) static void
bs_lines_scan_avx2(struct bs_line_iter *it, const char *w, size_t len)
{
    bs_lines_scan_with(it, w, len, bs_lines_mask64_avx2);
}
#endif

void bs_lines_scan_window(struct bs_line_iter *it)
{
    const char *w = it->next;
    size_t len = BS_MIN((size_t)(it->end - w), (size_t)BS_LINES_WINDOW);
    it->window = w;
    it->next = w + len;
    it->n = it->i = 0;
#ifdef BS_LINES_AVX2
    if (__builtin_cpu_supports("avx2")) {
        bs_lines_scan_avx2(it, w, len);
        return;
    }
#endif
    bs_lines_scan_with(it, w, len, bs_lines_newline_mask);
}

void bs_lines_feed(struct bs_lines *l, const char *data, size_t len,
                   bs_line_fn *fn, void *ctx)
{
    const char *end = data + len, *line;
    struct bs_line_iter it;
    bs_lines_begin(&it, bs_lines_resume(l, data, end, fn, ctx), end);
    size_t n;
    bool oversize;
    while (bs_lines_next(l, &it, &line, &n, &oversize))
        fn(ctx, line, n, oversize);
    bs_lines_hold(l, it.p, end, fn, ctx);
}

void bs_lines_finish(struct bs_lines *l, bs_line_fn *fn, void *ctx)
{
    if (l->carry_len && !l->skipping)
        bs_lines_emit(l, l->carry, l->carry_len, false, fn, ctx);
    l->carry_len = 0;
    l->skipping = false;
}
