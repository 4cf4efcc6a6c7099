/*
 * check_scan.c - the eight- and sixteen-bytes-at-a-time searches of
 * scan.h (and bs_memmem, which uses them) against
 * byte-by-byte definitions: every offset, length and alignment of random
 * buffers whose bytes are drawn from a small alphabet (so matches are
 * dense), with the stop characters at the edges of eight-byte words,
 * high-bit bytes next to them (borrows across bytes), and the buffer's
 * end exactly where a read past it would see a match; and the recipient
 * hash (bs_hash_lower), the lower-cased copy (bs_ascii_lower_copy) and
 * the short copy (bs_copy_short) against their byte-by-byte definitions.
 */
#include "scan.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *naive_find3(const char *p, const char *end, char a,
                               char b, char c)
{
    while (p < end && *p != a && *p != b && *p != c)
        p++;
    return p;
}

static const char *naive_rfind(const char *p, const char *end, char ch)
{
    const char *last = NULL;
    for (; p < end; p++)
        if (*p == ch)
            last = p;
    return last;
}

/* Random bytes from a set where ' ', ',', '=' and '\x80'..'\xff' are
 * frequent, in a buffer padded with the stop characters on both sides
 * (a read outside [p, end) would find them). */
static void fill(char *buf, size_t n, unsigned *seed)
{
    static const char alphabet[] = " ,=ab0\x80\xff\x01\x7f";
    for (size_t i = 0; i < n; i++)
        buf[i] = alphabet[rand_r(seed) % (sizeof alphabet - 1)];
}

START_TEST(test_find_any3_matches_naive)
{
    char buf[96];
    unsigned seed = 1234;
    for (int round = 0; round < 3000; round++) {
        fill(buf, sizeof buf, &seed);
        size_t from = (size_t)rand_r(&seed) % 40;
        size_t to = from + (size_t)rand_r(&seed) % 56; /* 16-byte steps */
        const char *p = buf + from, *end = buf + to;
        /* a match just past the end must not be seen */
        buf[to] = ' ';
        ck_assert_ptr_eq(bs_find_any3(p, end, ' ', ',', '='),
                         naive_find3(p, end, ' ', ',', '='));
        ck_assert_ptr_eq(bs_find_any3(p, end, '\xff', '\xff', '\xff'),
                         naive_find3(p, end, '\xff', '\xff', '\xff'));
        ck_assert_ptr_eq(bs_find_any3(p, end, '\x80', 'a', '\x01'),
                         naive_find3(p, end, '\x80', 'a', '\x01'));
        ck_assert_ptr_eq(bs_find_any3(p, end, 'q', 'q', 'q'), end);
    }
}
END_TEST

START_TEST(test_rfind_byte_matches_naive)
{
    char buf[96];
    unsigned seed = 99;
    for (int round = 0; round < 3000; round++) {
        fill(buf, sizeof buf, &seed);
        size_t from = 1 + (size_t)rand_r(&seed) % 40;
        size_t to = from + (size_t)rand_r(&seed) % 55; /* 16-byte steps */
        const char *p = buf + from, *end = buf + to;
        buf[from - 1] = ' '; /* a match just before the start */
        for (const char *ch = " ,\x80\xff\x01"; *ch; ch++)
            ck_assert_ptr_eq(bs_rfind_byte(p, end, *ch),
                             naive_rfind(p, end, *ch));
        ck_assert_ptr_null(bs_rfind_byte(p, end, 'q'));
    }
}
END_TEST

static bool naive_in_run(char c, bool letters)
{
    return (c >= '0' && c <= '9') ||
           (letters && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')));
}

/* Runs of digits and letters broken by bytes that look alike once a bit
 * is dropped or set ('@' '[' '`' '{' '/' ':', and with the high bit). */
static void check_skip_run(bool letters, unsigned seed)
{
    static const char others[] = "@[`{/:_ \x80\xb0\xb9\xba\xc1\xe1\xfa\x7f";
    char buf[96];
    for (int round = 0; round < 20000; round++) {
        bool long_runs = round % 3 != 0; /* runs over several 16-byte steps */
        for (size_t i = 0; i < sizeof buf; i++) {
            unsigned r = (unsigned)rand_r(&seed);
            if (long_runs)
                buf[i] = r % 37 == 0 ? others[r / 37 % (sizeof others - 1)]
                         : letters && r % 2 ? (char)('A' + r / 2 % 26)
                                            : (char)('0' + r / 2 % 10);
            else
                buf[i] = r % 5 == 0   ? others[r / 5 % (sizeof others - 1)]
                         : r % 5 == 1 ? (char)('0' + r / 5 % 10)
                         : r % 5 == 2 ? (char)('A' + r / 5 % 26)
                                      : (char)('a' + r / 5 % 26);
        }
        size_t from = (size_t)rand_r(&seed) % 40;
        size_t to = from + (size_t)rand_r(&seed) % 56;
        const char *p = buf + from, *end = buf + to, *q = p;
        while (q < end && naive_in_run(*q, letters))
            q++;
        ck_assert_ptr_eq(letters ? bs_skip_alnum(p, end)
                                 : bs_skip_digits(p, end), q);
    }
}

START_TEST(test_skip_digits_matches_naive)
{
    check_skip_run(false, 11);
}
END_TEST

START_TEST(test_skip_alnum_matches_naive)
{
    check_skip_run(true, 13);
}
END_TEST

START_TEST(test_mem_eq_matches_memcmp)
{
    char a[64], b[64];
    unsigned seed = 7;
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)rand_r(&seed) % 40;
        size_t oa = (size_t)rand_r(&seed) % 8, ob = (size_t)rand_r(&seed) % 8;
        fill(a, sizeof a, &seed);
        memcpy(b + ob, a + oa, n);
        if (n && rand_r(&seed) % 2) /* one byte different, anywhere */
            b[ob + (size_t)rand_r(&seed) % n] ^= (char)(1 << (rand_r(&seed) % 8));
        ck_assert_int_eq(bs_mem_eq(a + oa, b + ob, n),
                         memcmp(a + oa, b + ob, n) == 0);
    }
}
END_TEST

static const char *naive_memmem(const char *h, size_t hn, const char *n,
                                size_t nn)
{
    for (size_t i = 0; i + nn <= hn; i++)
        if (memcmp(h + i, n, nn) == 0)
            return h + i;
    return NULL;
}

START_TEST(test_memmem_matches_naive)
{
    char hay[96], needle[8];
    unsigned seed = 5;
    for (int round = 0; round < 20000; round++) {
        fill(hay, sizeof hay, &seed);
        size_t from = (size_t)rand_r(&seed) % 30;
        size_t hn = (size_t)rand_r(&seed) % 60;
        size_t nn = (size_t)rand_r(&seed) % 5;
        fill(needle, nn, &seed);
        ck_assert_ptr_eq(bs_memmem(hay + from, hn, needle, nn),
                         naive_memmem(hay + from, hn, needle, nn));
    }
}
END_TEST

/* The recipient hash kept in state files: FNV-1a of the ASCII-lower-cased
 * bytes, byte by byte, and fixed values that a faster version must keep. */
static uint64_t naive_hash_lower(const unsigned char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        h ^= c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

START_TEST(test_hash_lower_matches_naive)
{
    unsigned char buf[80];
    unsigned seed = 11;
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)rand_r(&seed) % 64;
        size_t from = (size_t)rand_r(&seed) % 9;
        for (size_t i = 0; i < n; i++) /* every byte, and the edges of A-Z */
            buf[from + i] = (unsigned char)(rand_r(&seed) % 3
                                                ? "@AMZ[`amz{\x80\xc1\xda"
                                                      [rand_r(&seed) % 13]
                                                : rand_r(&seed) % 256);
        ck_assert_uint_eq(bs_hash_lower(buf + from, n),
                          naive_hash_lower(buf + from, n));
    }
    ck_assert_uint_eq(bs_hash_lower("User@Example.COM", 16),
                      bs_hash_lower("user@example.com", 16));
    const uint64_t basis = 1469598103934665603ULL; /* FNV offset basis */
    ck_assert_uint_eq(bs_hash_lower("", 0), basis ^ (basis >> 29));
}
END_TEST

/* Every length to 40 at every alignment, bytes at the edges of A-Z and
 * high-bit ones; the guard bytes around dst stay as they were, and a copy
 * onto itself gives the same. */
START_TEST(test_ascii_lower_copy_matches_naive)
{
    char src[64], dst[64], want[64], self[64];
    unsigned seed = 29;
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)rand_r(&seed) % 41;
        size_t from = (size_t)rand_r(&seed) % 9;
        for (size_t i = 0; i < sizeof src; i++)
            src[i] = rand_r(&seed) % 3 ? "@AMZ[`amz{\x80\xc1\xda"
                                             [rand_r(&seed) % 13]
                                       : (char)(rand_r(&seed) % 256);
        memset(dst, '#', sizeof dst);
        memcpy(want, dst, sizeof want);
        for (size_t i = 0; i < n; i++) {
            char c = src[from + i];
            want[from + i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
        }
        bs_ascii_lower_copy(dst + from, src + from, n);
        ck_assert_int_eq(memcmp(dst, want, sizeof dst), 0);
        memcpy(self, src, sizeof self);
        bs_ascii_lower_copy(self + from, self + from, n);
        ck_assert_int_eq(memcmp(self + from, want + from, n), 0);
    }
}
END_TEST

/* Every length to 32 at every alignment of source and destination: the
 * bytes arrive, and the guard bytes around them stay. */
START_TEST(test_copy_short_matches_memcpy)
{
    unsigned char src[48], dst[48], want[48];
    unsigned seed = 31;
    for (size_t n = 0; n <= 32; n++)
        for (size_t from = 0; from < 8; from++)
            for (size_t to = 0; to < 8; to++) {
                for (size_t i = 0; i < sizeof src; i++)
                    src[i] = (unsigned char)rand_r(&seed);
                memset(dst, 0xa5, sizeof dst);
                memcpy(want, dst, sizeof want);
                memcpy(want + to, src + from, n);
                bs_copy_short(dst + to, src + from, n);
                ck_assert_msg(memcmp(dst, want, sizeof dst) == 0,
                              "n %zu from %zu to %zu", n, from, to);
            }
}
END_TEST

/* Every byte value in every position, between hex digits. */
START_TEST(test_is_hex8_matches_naive)
{
    char b[9] = "0aF9c3E7";
    ck_assert(bs_is_hex8(b));
    for (int pos = 0; pos < 8; pos++) {
        for (int c = 0; c < 256; c++) {
            memcpy(b, "0aF9c3E7", 8);
            b[pos] = (char)c;
            bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                       (c >= 'A' && c <= 'F');
            ck_assert_msg(bs_is_hex8(b) == hex, "byte 0x%02x at %d", c, pos);
        }
    }
}
END_TEST

static void check_u64_decimal(uint64_t v)
{
    char want[32], got[BS_U64_DIGITS + 1];
    snprintf(want, sizeof want, "%llu", (unsigned long long)v);
    size_t n = bs_u64_decimal(v, got);
    got[n] = '\0';
    ck_assert_str_eq(got, want);
}

/* Against snprintf: both sides of every power of ten (digit counts and
 * the two-digit steps change there), the largest value, random ones. */
START_TEST(test_u64_decimal)
{
    static const uint64_t values[] = { 0, 7, 1664377,
                                       18446744073709551615ull };
    for (size_t i = 0; i < BS_ARRAY_LEN(values); i++)
        check_u64_decimal(values[i]);
    for (uint64_t p = 1; p <= 10000000000000000000ull; p *= 10) {
        check_u64_decimal(p - 1);
        check_u64_decimal(p);
        check_u64_decimal(p + 1);
        if (p == 10000000000000000000ull)
            break;
    }
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        check_u64_decimal(x >> (i % 64));
    }
}
END_TEST

static Suite *scan_suite(void)
{
    Suite *s = suite_create("scan");
    TCase *tc = tcase_create("scan");
    tcase_add_test(tc, test_find_any3_matches_naive);
    tcase_add_test(tc, test_rfind_byte_matches_naive);
    tcase_add_test(tc, test_skip_digits_matches_naive);
    tcase_add_test(tc, test_skip_alnum_matches_naive);
    tcase_add_test(tc, test_mem_eq_matches_memcmp);
    tcase_add_test(tc, test_memmem_matches_naive);
    tcase_add_test(tc, test_hash_lower_matches_naive);
    tcase_add_test(tc, test_ascii_lower_copy_matches_naive);
    tcase_add_test(tc, test_copy_short_matches_memcpy);
    tcase_add_test(tc, test_is_hex8_matches_naive);
    tcase_add_test(tc, test_u64_decimal);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(scan_suite());
}
