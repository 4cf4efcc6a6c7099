/*
 * check_lines.c - the line splitter: chunking invariance, CRLF, the last
 * line without newline, and the cap on line length.
 */
#include "lines.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct collected {
    char text[4096]; /* lines joined with '|', oversize marked with '!' */
    size_t len;
    int lines;
};

static void collect(void *ctx, const char *line, size_t len, bool oversize)
{
    struct collected *c = ctx;
    if (c->len + len + 2 < sizeof c->text) {
        memcpy(c->text + c->len, line, len);
        c->len += len;
        c->text[c->len++] = oversize ? '!' : '|';
        c->text[c->len] = '\0';
    }
    c->lines++;
}

static void split(const char *input, size_t chunk, size_t max_len,
                  struct collected *out)
{
    struct bs_lines l;
    memset(out, 0, sizeof *out);
    bs_lines_init(&l, max_len);
    size_t n = strlen(input);
    for (size_t off = 0; off < n; off += chunk)
        bs_lines_feed(&l, input + off, n - off < chunk ? n - off : chunk,
                      collect, out);
    bs_lines_finish(&l, collect, out);
    bs_lines_fini(&l);
}

static const struct {
    const char *input;
    size_t max_len;
    const char *expect;
} cases[] = {
    { "a\nbb\nccc\n", 100, "a|bb|ccc|" },
    { "a\r\nbb\r\n", 100, "a|bb|" },
    { "no newline at end", 100, "no newline at end|" },
    { "\n\n", 100, "||" },
    { "", 100, "" },
    { "12345\nabcdefghij\nxy\n", 5, "12345|abcde!xy|" },
    { "abcdefghij", 5, "abcde!" },
    { "abcdef\n", 6, "abcdef|" },
    { "x\r", 100, "x|" },
    { "mid\rdle\n", 100, "mid\rdle|" },
};

START_TEST(test_lines_cases)
{
    size_t chunks[] = { 1, 2, 3, 7, 4096 };
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
        struct collected out;
        split(cases[_i].input, chunks[c], cases[_i].max_len, &out);
        ck_assert_msg(strcmp(out.text, cases[_i].expect) == 0,
                      "case %d chunk %zu: got '%s' want '%s'", _i,
                      chunks[c], out.text, cases[_i].expect);
    }
}
END_TEST

START_TEST(test_lines_counters)
{
    struct bs_lines l;
    struct collected out;
    memset(&out, 0, sizeof out);
    bs_lines_init(&l, 4);
    const char *in = "ok\ntoolong\nok2\nabcdefgh";
    bs_lines_feed(&l, in, strlen(in), collect, &out);
    bs_lines_finish(&l, collect, &out);
    ck_assert_uint_eq(l.lines, 4);
    ck_assert_uint_eq(l.oversize, 2);
    bs_lines_fini(&l);
}
END_TEST

/* A 1 MiB line in small chunks: cut once, memory stays at the cap. */
START_TEST(test_lines_huge_line)
{
    size_t n = 1 << 20;
    char *big = malloc(n + 8);
    memset(big, 'x', n);
    memcpy(big + n, "\nend\n", 6);
    struct bs_lines l;
    struct collected out;
    memset(&out, 0, sizeof out);
    bs_lines_init(&l, 64);
    for (size_t off = 0; off < n + 5; off += 1000)
        bs_lines_feed(&l, big + off, n + 5 - off < 1000 ? n + 5 - off : 1000,
                      collect, &out);
    bs_lines_finish(&l, collect, &out);
    ck_assert_int_eq(out.lines, 2);
    ck_assert_uint_eq(l.oversize, 1);
    ck_assert(strstr(out.text, "!end|") != NULL);
    bs_lines_fini(&l);
    free(big);
}
END_TEST

/* Lines joined as in struct collected, of any length. */
struct joined {
    char *text;
    size_t len, cap;
};

static void join_put(struct joined *j, const char *p, size_t n, char mark)
{
    if (j->len + n + 2 > j->cap) {
        j->cap = (j->len + n + 2) * 2;
        j->text = realloc(j->text, j->cap);
        ck_assert_ptr_nonnull(j->text);
    }
    memcpy(j->text + j->len, p, n);
    j->len += n;
    j->text[j->len++] = mark;
}

static void join_line(void *ctx, const char *line, size_t len, bool oversize)
{
    join_put(ctx, line, len, oversize ? '!' : '|');
}

/* What the splitter must give, byte by byte: each line without its '\n'
 * and a '\r' before it, or its first max_len bytes when it is longer. */
static void split_by_bytes(const char *in, size_t n, size_t max_len,
                           struct joined *out)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && in[i] != '\n')
            continue;
        size_t len = i - start;
        if (i == n && len == 0)
            break;
        if (len > max_len)
            join_put(out, in + start, max_len, '!');
        else
            join_put(out, in + start,
                     len && in[start + len - 1] == '\r' ? len - 1 : len,
                     '|');
        start = i + 1;
    }
}

/* Random texts, newlines from every byte to none, over windows and 64-byte
 * blocks, fed in random chunks: the same lines as the byte-by-byte split
 * (the newline search reads 64 bytes at a time, two offsets written
 * whether there or not, the chunk's tail from a copy). */
START_TEST(test_lines_random_against_bytes)
{
    static const unsigned per_newline[] = { 1, 2, 3, 20, 64, 150, 5000, 0 };
    uint64_t seed = 42;
    char *in = malloc(40000);
    ck_assert_ptr_nonnull(in);
    for (int round = 0; round < 400; round++) {
        size_t n = bs_test_random(&seed) % 40000;
        unsigned every = per_newline[round % 8];
        for (size_t i = 0; i < n; i++) {
            uint64_t r = bs_test_random(&seed);
            in[i] = every && r % every == 0 ? '\n'
                    : r % 97 == 0           ? '\r'
                                            : (char)('a' + r % 26);
        }
        size_t max_len = round % 3 ? 4096 : 1 + bs_test_random(&seed) % 200;
        struct joined want = { 0 }, got = { 0 };
        split_by_bytes(in, n, max_len, &want);
        struct bs_lines l;
        bs_lines_init(&l, max_len);
        for (size_t off = 0; off < n;) {
            size_t chunk = round % 4 ? 1 + bs_test_random(&seed) % 9000 : n;
            chunk = chunk < n - off ? chunk : n - off;
            bs_lines_feed(&l, in + off, chunk, join_line, &got);
            off += chunk;
        }
        bs_lines_finish(&l, join_line, &got);
        bs_lines_fini(&l);
        ck_assert_msg(got.len == want.len &&
                          memcmp(got.text, want.text, got.len) == 0,
                      "round %d: %zu bytes, newline every %u: the lines "
                      "differ", round, n, every);
        free(want.text);
        free(got.text);
    }
    free(in);
}
END_TEST

/* The portable mask (used where AVX2 is not) against its definition. */
START_TEST(test_lines_newline_mask)
{
    uint64_t seed = 7;
    char block[64];
    for (int round = 0; round < 2000; round++) {
        uint64_t want = 0;
        for (int j = 0; j < 64; j++) {
            uint64_t r = bs_test_random(&seed);
            block[j] = r % (1 + round % 9) == 0 ? '\n' : (char)(r >> 8);
            want |= (uint64_t)(block[j] == '\n') << j;
        }
        ck_assert_uint_eq(bs_lines_newline_mask(block), want);
    }
}
END_TEST

static Suite *lines_suite(void)
{
    Suite *s = suite_create("lines");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_lines_cases, 0,
                        (int)(sizeof cases / sizeof *cases));
    tcase_add_test(tc, test_lines_counters);
    tcase_add_test(tc, test_lines_huge_line);
    tcase_add_test(tc, test_lines_random_against_bytes);
    tcase_add_test(tc, test_lines_newline_mask);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(lines_suite());
}
