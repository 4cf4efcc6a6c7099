/*
 * check_decode.c - format sniffing and streaming zstd: plain pass-through,
 * single and concatenated frames, skippable frames, truncation and
 * corruption with the byte offset, a file named .zst that is plain text.
 */
#include "decode.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

struct sink {
    char *data;
    size_t len, cap;
};

static void sink_put(void *ctx, const char *p, size_t n)
{
    struct sink *s = ctx;
    if (s->len + n > s->cap) {
        s->cap = (s->len + n) * 2;
        s->data = realloc(s->data, s->cap);
    }
    memcpy(s->data + s->len, p, n);
    s->len += n;
}

static size_t compress(const char *in, size_t n, char *out, size_t cap)
{
    size_t r = ZSTD_compress(out, cap, in, n, 3);
    ck_assert(!ZSTD_isError(r));
    return r;
}

/* Feeds in chunks of the given size; returns the first error code. */
static int decode_all(const char *in, size_t n, size_t chunk,
                      struct sink *out, uint64_t *err_offset)
{
    struct bs_decode *d = bs_decode_new();
    int rc = 0;
    for (size_t off = 0; off < n && rc == 0; off += chunk)
        rc = bs_decode_feed(d, in + off, n - off < chunk ? n - off : chunk,
                            sink_put, out);
    if (rc == 0)
        rc = bs_decode_finish(d, sink_put, out);
    if (err_offset)
        *err_offset = bs_decode_error_offset(d);
    bs_decode_free(d);
    return rc;
}

static char text[200000];

static void make_text(void)
{
    size_t n = 0;
    for (int i = 0; n + 100 < sizeof text; i++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "Nov 27 18:13:%02d mx postfix/smtp[%d]: line %d\n",
                              i % 60, i, i);
    text[n] = '\0';
}

START_TEST(test_plain_passthrough)
{
    make_text();
    size_t chunks[] = { 1, 3, 4, 5, 65536 };
    for (size_t c = 0; c < 5; c++) {
        struct sink s = { 0 };
        ck_assert_int_eq(decode_all(text, strlen(text), chunks[c], &s, NULL),
                         0);
        ck_assert_uint_eq(s.len, strlen(text));
        ck_assert(memcmp(s.data, text, s.len) == 0);
        free(s.data);
    }
}
END_TEST

START_TEST(test_short_plain_input)
{
    struct sink s = { 0 };
    ck_assert_int_eq(decode_all("ab", 2, 1, &s, NULL), 0);
    ck_assert_uint_eq(s.len, 2);
    free(s.data);
}
END_TEST

START_TEST(test_zstd_frames)
{
    make_text();
    size_t n = strlen(text), cap = ZSTD_compressBound(n) * 2 + 64;
    char *z = malloc(cap);
    size_t half = n / 2;
    size_t zn = compress(text, half, z, cap);
    /* A skippable frame between two data frames. */
    unsigned char skip[12] = { 0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0,
                               'j', 'u', 'n', 'k' };
    memcpy(z + zn, skip, sizeof skip);
    zn += sizeof skip;
    zn += compress(text + half, n - half, z + zn, cap - zn);
    size_t chunks[] = { 1, 7, 4096, 1 << 20 };
    for (size_t c = 0; c < 4; c++) {
        struct sink s = { 0 };
        ck_assert_int_eq(decode_all(z, zn, chunks[c], &s, NULL), 0);
        ck_assert_uint_eq(s.len, n);
        ck_assert(memcmp(s.data, text, n) == 0);
        free(s.data);
    }
    free(z);
}
END_TEST

START_TEST(test_zstd_truncated)
{
    make_text();
    size_t n = strlen(text), cap = ZSTD_compressBound(n);
    char *z = malloc(cap);
    size_t zn = compress(text, n, z, cap);
    struct sink s = { 0 };
    uint64_t off;
    ck_assert_int_eq(decode_all(z, zn - 10, 4096, &s, &off),
                     BS_DECODE_ETRUNCATED);
    ck_assert_uint_eq(off, zn - 10);
    ck_assert(s.len < n);
    ck_assert(memcmp(s.data, text, s.len) == 0); /* a prefix, all good */
    free(s.data);
    free(z);
}
END_TEST

START_TEST(test_zstd_corrupt)
{
    make_text();
    size_t n = strlen(text), cap = ZSTD_compressBound(n);
    char *z = malloc(cap);
    size_t zn = compress(text, n, z, cap);
    for (size_t i = zn / 2; i < zn / 2 + 64; i++)
        z[i] ^= 0x5a;
    struct sink s = { 0 };
    uint64_t off;
    int rc = decode_all(z, zn, 4096, &s, &off);
    ck_assert_int_eq(rc, BS_DECODE_ECORRUPT);
    ck_assert(off > 0 && off <= zn);
    free(s.data);
    free(z);
}
END_TEST

/* zstd magic followed by garbage: an error, never a crash. */
START_TEST(test_zstd_magic_then_garbage)
{
    const char bad[] = "\x28\xb5\x2f\xfd garbage that is not a frame header";
    struct sink s = { 0 };
    int rc = decode_all(bad, sizeof bad - 1, 5, &s, NULL);
    ck_assert_int_lt(rc, 0);
    free(s.data);
}
END_TEST

static Suite *decode_suite(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_plain_passthrough);
    tcase_add_test(tc, test_short_plain_input);
    tcase_add_test(tc, test_zstd_frames);
    tcase_add_test(tc, test_zstd_truncated);
    tcase_add_test(tc, test_zstd_corrupt);
    tcase_add_test(tc, test_zstd_magic_then_garbage);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(decode_suite());
}
