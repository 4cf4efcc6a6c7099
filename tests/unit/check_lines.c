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

static Suite *lines_suite(void)
{
    Suite *s = suite_create("lines");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_lines_cases, 0,
                        (int)(sizeof cases / sizeof *cases));
    tcase_add_test(tc, test_lines_counters);
    tcase_add_test(tc, test_lines_huge_line);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(lines_suite());
}
