/*
 * common.h - the small vocabulary every bs-gen-maillog module shares
 *
 * Simulated time is a uint64_t count of microseconds since the Unix epoch,
 * UTC; SEC and MSEC turn seconds and milliseconds into it. Probabilities
 * are integers in parts per million; PCT() turns a percentage into one.
 *
 * Memory: xcalloc() never returns NULL. Running out of memory is fatal in
 * exactly one place (common.c), so callers never test for it.
 */
#ifndef GENLOG_COMMON_H
#define GENLOG_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define PROGNAME        "bs-gen-maillog"

#define US_PER_SEC      1000000ULL
#define MSEC            1000ULL
#define SEC             US_PER_SEC
#define PCT(x)          ((uint32_t)((x) * 10000))       /* percent to ppm */
#define LEN(a)          (sizeof(a) / sizeof((a)[0]))
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
                         (uint32_t)(c) << 8 | (uint32_t)(d))

/* calloc() that exits with a message instead of returning NULL. */
void *xcalloc(size_t n, size_t size);

#endif
