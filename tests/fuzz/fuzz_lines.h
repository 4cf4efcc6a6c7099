/*
 * fuzz_lines.h - shared helpers of the line-oriented fuzz targets
 *
 * fuzz_each_line() calls fn with every '\n'-separated line of the input
 * (without the '\n'; the last line may lack one), each copied into an
 * allocation of exactly its length so that ASan catches a parser reading
 * past the end of a line. fuzz_check_inside() aborts when a non-empty
 * slice does not lie inside [base, base + n). Header-only: every target
 * is one translation unit plus replay.c or libFuzzer.
 */
#ifndef BS_FUZZ_LINES_H
#define BS_FUZZ_LINES_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static inline void fuzz_check_inside(const char *base, size_t n,
                                     struct bs_slice s)
{
    if (s.len && (s.ptr < base || s.ptr + s.len > base + n))
        abort();
}

typedef void fuzz_line_fn(void *ctx, const char *line, size_t len);

static inline void fuzz_each_line(const uint8_t *data, size_t size,
                                  fuzz_line_fn *fn, void *ctx)
{
    const char *p = (const char *)data;
    const char *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char *copy = malloc(len ? len : 1);
        if (len)
            memcpy(copy, p, len);
        fn(ctx, copy, len);
        free(copy);
        p += len + (nl != NULL);
    }
}

#endif
