/*
 * common.h - the small vocabulary every bouncestat module shares
 *
 * struct bs_slice is a borrowed view (pointer, length) into memory owned by
 * someone else: a line is valid until the next bs_engine_feed(), a field is
 * valid as long as its line. Anything kept longer is copied (intern.h).
 *
 * Memory: bs_xmalloc() and friends never return NULL; running out of memory
 * is fatal in exactly one place (mem.c), so callers never test for it.
 */
#ifndef BS_COMMON_H
#define BS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define BS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define BS_MIN(a, b) ((a) < (b) ? (a) : (b))
#define BS_MAX(a, b) ((a) > (b) ? (a) : (b))

/* BS_ALWAYS_INLINE: inlined even where GCC's size estimate would leave a
 * call; only for a per-line function whose inlining a benchmark has shown
 * to pay. BS_NOINLINE: kept out of line; the rare path of a per-event
 * function, so that the common path does not save the registers the rare
 * one needs. */
#if defined(__GNUC__)
#define BS_ALWAYS_INLINE inline __attribute__((always_inline))
#define BS_NOINLINE __attribute__((noinline))
#else
#define BS_ALWAYS_INLINE inline
#define BS_NOINLINE
#endif

struct bs_slice {
    const char *ptr;
    size_t len;
};

#define BS_SLICE_LIT(s) ((struct bs_slice){ (s), sizeof(s) - 1 })

static inline struct bs_slice bs_slice_make(const char *p, size_t n)
{
    return (struct bs_slice){ p, n };
}

static inline bool bs_slice_eq_lit(struct bs_slice s, const char *lit,
                                   size_t n)
{
    return s.len == n && memcmp(s.ptr, lit, n) == 0;
}

static inline bool bs_slice_starts(struct bs_slice s, const char *lit,
                                   size_t n)
{
    return s.len >= n && memcmp(s.ptr, lit, n) == 0;
}

#define BS_SLICE_EQ(s, lit) bs_slice_eq_lit((s), (lit), sizeof(lit) - 1)
#define BS_SLICE_STARTS(s, lit) bs_slice_starts((s), (lit), sizeof(lit) - 1)

/* memmem() without _GNU_SOURCE: first n bytes of needle in hay, or NULL. */
const char *bs_memmem(const char *hay, size_t hay_len, const char *needle,
                      size_t n);

/* bs_hash_bytes, the 64-bit hash of the in-memory tables (its values are
 * never written out), is inline in scan.h. */
/* 64-bit FNV-1a of the ASCII-lower-cased bytes: recipients' hashes, whose
 * values state files keep, so it must not change. */
uint64_t bs_hash_lower(const void *p, size_t n);

/* Allocation that cannot fail (aborts with a message on exhaustion). */
void *bs_xmalloc(size_t n);
void *bs_xcalloc(size_t count, size_t size);
void *bs_xrealloc(void *p, size_t n);
/* Overflow-checked realloc of an array of count elements of size bytes. */
void *bs_xreallocarray(void *p, size_t count, size_t size);
/* Returns a NUL-terminated heap copy of n bytes; caller frees. */
char *bs_xstrndup(const char *s, size_t n);

static inline char bs_ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

static inline bool bs_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

#define BS_U64_DIGITS 20
/* v in decimal into buf, without a NUL; returns the length (snprintf's
 * "%llu" without its cost on a per-line path). */
static inline size_t bs_u64_decimal(uint64_t v, char buf[BS_U64_DIGITS])
{
    static const char pairs[] = "0001020304050607080910111213141516171819"
                                "2021222324252627282930313233343536373839"
                                "4041424344454647484950515253545556575859"
                                "6061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    char tmp[BS_U64_DIGITS];
    size_t at = BS_U64_DIGITS; /* digits are written from the end */
    while (v >= 100) { /* two at a time: half the divisions */
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        at -= 2;
        memcpy(tmp + at, pairs + 2 * r, 2);
    }
    if (v >= 10) {
        at -= 2;
        memcpy(tmp + at, pairs + 2 * v, 2);
    } else {
        tmp[--at] = (char)('0' + v);
    }
    memcpy(buf, tmp + at, BS_U64_DIGITS - at);
    return BS_U64_DIGITS - at;
}

#endif
