/*
 * check_mime.c - the MIME walker (parsers/mime.c): line ends, headers and
 * folding, Content-Type parameters, quoted-printable and base64, dates,
 * multipart nesting and its caps, broken trees; and that no input, cut
 * anywhere, makes it read outside its buffer (every prefix of every
 * fixture is walked from an allocation of exactly its size, which ASan
 * checks).
 */
#include "mime.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct bs_slice S(const char *s)
{
    return bs_slice_make(s, strlen(s));
}

/* ------------------------------------------------------------------ */
/* Lines and headers                                                   */

static unsigned count_lines(const char *s, enum bs_mime_eol eol,
                            char *joined, size_t cap)
{
    struct bs_mime_cursor c = bs_mime_cursor_make(S(s), eol);
    struct bs_slice line;
    unsigned n = 0;
    size_t o = 0;
    while (bs_mime_next_line(&c, &line)) {
        if (o + line.len + 2 < cap) {
            memcpy(joined + o, line.ptr, line.len);
            o += line.len;
            joined[o++] = '|';
        }
        n++;
    }
    joined[o] = '\0';
    return n;
}

START_TEST(test_line_ends)
{
    static const struct {
        const char *in;
        enum bs_mime_eol eol;
        const char *joined;
    } cases[] = {
        { "a\nb\n", BS_EOL_LF, "a|b|" },
        { "a\r\nb\r\n", BS_EOL_LF, "a|b|" },
        { "a\r\r\nb", BS_EOL_LF, "a|b|" },   /* CRs before LF dropped */
        { "a\rb\rc", BS_EOL_CR, "a|b|c|" },
        { "a\r\nb\rc\rd", BS_EOL_CR, "a|b|c|d|" },
        { "\n\n", BS_EOL_LF, "||" },
        { "", BS_EOL_LF, "" },
    };
    for (size_t i = 0; i < BS_ARRAY_LEN(cases); i++) {
        char joined[64];
        ck_assert_int_eq(bs_mime_eol_of(cases[i].in, strlen(cases[i].in)),
                         cases[i].eol);
        count_lines(cases[i].in, cases[i].eol, joined, sizeof joined);
        ck_assert_msg(!strcmp(joined, cases[i].joined), "case %zu: %s", i,
                      joined);
    }
    /* A stray LF in a CR file does not make it an LF file. */
    ck_assert_int_eq(bs_mime_eol_of("a\rb\rc\rd\ne\r", 11), BS_EOL_CR);
}
END_TEST

START_TEST(test_headers_and_folding)
{
    const char *h = "Subject: one\r\n two\r\n\tthree\r\n"
                    "X-Empty:\r\n"
                    "Content-Type : text/plain\r\n"
                    "  stray continuation\r\n"
                    "\r\n"
                    "Body: not a header\r\n";
    struct bs_mime_cursor c = bs_mime_cursor_make(S(h), BS_EOL_LF);
    struct bs_mime_header hd;
    char out[64];
    ck_assert(bs_mime_next_header(&c, &hd));
    ck_assert(bs_mime_ieq(hd.name, "subject"));
    bs_mime_unfold(hd.value, out, sizeof out);
    ck_assert_str_eq(out, "one two three");
    ck_assert(bs_mime_next_header(&c, &hd));
    ck_assert(bs_mime_ieq(hd.name, "X-Empty"));
    ck_assert_uint_eq(hd.value.len, 0);
    ck_assert(bs_mime_next_header(&c, &hd));
    ck_assert(bs_mime_ieq(hd.name, "Content-Type")); /* blank before ':' */
    ck_assert(!bs_mime_next_header(&c, &hd));        /* the blank line */
    ck_assert(BS_SLICE_STARTS(bs_slice_make(c.p, 4), "Body"));

    /* A line that is no header ends the block without being consumed. */
    c = bs_mime_cursor_make(S("From: a\nthis is body\nTo: b\n"), BS_EOL_LF);
    ck_assert(bs_mime_next_header(&c, &hd));
    ck_assert(!bs_mime_next_header(&c, &hd));
    ck_assert(BS_SLICE_STARTS(bs_slice_make(c.p, 4), "this"));

    struct bs_slice v;
    ck_assert(bs_mime_find_header(S(h), BS_EOL_LF, "CONTENT-TYPE", &v));
    ck_assert(!bs_mime_find_header(S(h), BS_EOL_LF, "Body", &v));
    /* unfold cuts to the buffer, NUL-terminated */
    ck_assert_uint_eq(bs_mime_unfold(S("abcdef"), out, 4), 3);
    ck_assert_str_eq(out, "abc");
}
END_TEST

START_TEST(test_content_type)
{
    struct bs_mime_ctype ct;
    bs_mime_parse_ctype(S("multipart/report; report-type=delivery-status;\r\n"
                          "\tboundary=\"A;B \\\"C\\\"/x\""),
                        &ct);
    ck_assert(bs_mime_ieq(ct.type, "multipart"));
    ck_assert(bs_mime_ieq(ct.subtype, "report"));
    ck_assert(bs_mime_ieq(ct.report_type, "delivery-status"));
    ck_assert_uint_eq(ct.boundary.len, 11);
    ck_assert(!memcmp(ct.boundary.ptr, "A;B \\\"C\\\"/x", 11));
    bs_mime_parse_ctype(S("Text/Plain; CHARSET = ISO-2022-JP"), &ct);
    ck_assert(bs_mime_ieq(ct.type, "text"));
    ck_assert(bs_mime_ieq(ct.charset, "iso-2022-jp"));
    bs_mime_parse_ctype(S("garbage"), &ct); /* no subtype: text/plain */
    ck_assert(bs_mime_ieq(ct.type, "text") && bs_mime_ieq(ct.subtype, "plain"));
    bs_mime_parse_ctype(S(""), &ct);
    ck_assert(bs_mime_ieq(ct.subtype, "plain"));
    bs_mime_parse_ctype(S("multipart/mixed; boundary=\"unclosed"), &ct);
    ck_assert(bs_mime_ieq(ct.boundary, "unclosed"));
    ck_assert_int_eq(bs_mime_parse_cte(S(" Quoted-Printable")), BS_CTE_QP);
    ck_assert_int_eq(bs_mime_parse_cte(S("BASE64")), BS_CTE_BASE64);
    ck_assert_int_eq(bs_mime_parse_cte(S("7bit")), BS_CTE_IDENTITY);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Decoders                                                            */

START_TEST(test_quoted_printable)
{
    static const struct { const char *in, *out; } cases[] = {
        { "caf=C3=A9", "caf\xc3\xa9" },
        { "soft=\r\nbreak", "softbreak" },
        { "soft=\nbreak", "softbreak" },
        { "soft= \t\r\r\nbreak", "softbreak" },
        { "=3D=3d", "==" },
        { "bad=ZZ=4", "bad=ZZ=4" },
        { "end=", "end" },
        { "a_b", "a_b" },
    };
    char out[64];
    for (size_t i = 0; i < BS_ARRAY_LEN(cases); i++) {
        size_t n = bs_mime_qp_decode(cases[i].in, strlen(cases[i].in), out,
                                     sizeof out);
        out[n] = '\0';
        ck_assert_msg(!strcmp(out, cases[i].out), "case %zu: %s", i, out);
    }
    ck_assert_uint_eq(bs_mime_qp_decode("abcdef", 6, out, 2), 2);
}
END_TEST

START_TEST(test_base64)
{
    static const struct { const char *in, *out; } cases[] = {
        { "aGVsbG8=", "hello" },
        { "aGVs\r\nbG8gd29y\nbGQ=", "hello world" },
        { "aGVsbG8", "hello" },             /* no padding */
        { "a*G!V s#b&G8=", "hello" },       /* junk skipped */
        { "aGk=aGVsbG8=", "hi" },           /* '=' ends the data */
        { "", "" },
    };
    char out[64];
    for (size_t i = 0; i < BS_ARRAY_LEN(cases); i++) {
        size_t n = bs_mime_base64_decode(cases[i].in, strlen(cases[i].in),
                                         out, sizeof out);
        out[n] = '\0';
        ck_assert_msg(!strcmp(out, cases[i].out), "case %zu: %s", i, out);
    }
    ck_assert_uint_eq(bs_mime_base64_decode("aGVsbG8=", 8, out, 3), 3);
    ck_assert_uint_eq(bs_mime_decode_body(BS_CTE_IDENTITY, S("abc"), out, 2),
                      2);
}
END_TEST

START_TEST(test_dates)
{
    int64_t t;
    ck_assert(bs_mime_parse_date(S("Thu, 29 Apr 2013 23:45:41 +0900 (JST)"),
                                 &t));
    ck_assert_int_eq(t, 1367246741);
    ck_assert(bs_mime_parse_date(S("1 Jul 2014 08:30:56 -0000"), &t));
    ck_assert_int_eq(t, 1404203456);
    ck_assert(bs_mime_parse_date(S("Wed, 1 Jan 97 00:00 GMT"), &t));
    ck_assert_int_eq(t, 852076800);
    ck_assert(bs_mime_parse_date(S("1 Jan 2020 09:00:00 JST"), &t));
    ck_assert_int_eq(t, 1577836800);
    ck_assert(bs_mime_parse_date(S("Sun,  7 Sep 2008 21:40:11 +0900"), &t));
    ck_assert(!bs_mime_parse_date(S("yesterday"), &t));
    ck_assert(!bs_mime_parse_date(S("31 Foo 2020 10:00"), &t));
    ck_assert(!bs_mime_parse_date(S("1 Jan 2020 25:00"), &t));
    ck_assert(!bs_mime_parse_date(S(""), &t));
}
END_TEST

/* ------------------------------------------------------------------ */
/* The walker                                                          */

struct visit {
    char trace[512];
    unsigned n;
};

static int record_part(void *ctx, const struct bs_mime_part *p)
{
    struct visit *v = ctx;
    char one[96];
    snprintf(one, sizeof one, "%u%s%.*s/%.*s[%zu] ", p->depth,
             p->in_message ? "m:" : ":", (int)p->ct.type.len,
             p->ct.type.ptr, (int)p->ct.subtype.len, p->ct.subtype.ptr,
             p->body.len);
    if (strlen(v->trace) + strlen(one) < sizeof v->trace)
        strcat(v->trace, one);
    v->n++;
    return 0;
}

static void walk(const char *msg, unsigned depth, struct visit *v,
                 struct bs_mime_walk_stats *st)
{
    memset(v, 0, sizeof *v);
    bs_mime_walk(msg, strlen(msg), bs_mime_eol_of(msg, strlen(msg)), depth,
                 record_part, v, st);
}

START_TEST(test_walk_nested)
{
    const char *msg =
        "Content-Type: multipart/mixed; boundary=outer\n\n"
        "preamble\n"
        "--outer\n"
        "Content-Type: text/plain\n\nhello\n"
        "--outer\n"
        "Content-Type: multipart/alternative; boundary=\"in ner\"\n\n"
        "--in ner\n\nplain\n--in ner\nContent-Type: text/html\n\n<b>x</b>\n"
        "--in ner--\n"
        "--outer \t\n"
        "Content-Type: message/rfc822\n\n"
        "Subject: inner\n\nbody\n"
        "--outer--\nepilogue\n";
    struct visit v;
    struct bs_mime_walk_stats st;
    walk(msg, 8, &v, &st);
    ck_assert_str_eq(v.trace, "0:multipart/mixed[263] 1:text/plain[5] "
                              "1:multipart/alternative[69] 2:text/plain[5] "
                              "2:text/html[8] 1:message/rfc822[20] "
                              "2m:text/plain[4] ");
    ck_assert_uint_eq(st.parts, 7);
    ck_assert_uint_eq(st.malformed, 0);
    /* The same message with CRLF and with CR line ends. */
    char crlf[1024], cr[1024];
    size_t o = 0, k = 0;
    for (const char *p = msg; *p; p++) {
        if (*p == '\n')
            crlf[o++] = '\r';
        crlf[o++] = *p;
        cr[k++] = *p == '\n' ? '\r' : *p;
    }
    crlf[o] = cr[k] = '\0';
    walk(crlf, 8, &v, &st);
    ck_assert_uint_eq(st.parts, 7);
    walk(cr, 8, &v, &st);
    ck_assert_uint_eq(st.parts, 7);
    ck_assert_uint_eq(st.malformed, 0);
}
END_TEST

START_TEST(test_walk_broken)
{
    struct visit v;
    struct bs_mime_walk_stats st;
    /* The boundary is declared but another one is used: guessed. */
    walk("Content-Type: multipart/mixed; boundary=declared\n\n"
         "--used\nContent-Type: text/plain\n\na\n--used\n\nb\n--used--\n",
         8, &v, &st);
    ck_assert_str_eq(v.trace, "0:multipart/mixed[54] 1:text/plain[1] "
                              "1:text/plain[1] ");
    ck_assert_uint_eq(st.malformed, 1);
    /* No delimiter at all: the body, as one text without headers. */
    walk("Content-Type: multipart/report; boundary=x\n\n"
         "Final-Recipient: rfc822; a@b.example\n",
         8, &v, &st);
    ck_assert_str_eq(v.trace, "0:multipart/report[37] 1:text/plain[37] ");
    /* Missing closing delimiter: the last part runs to the end. */
    walk("Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo",
         8, &v, &st);
    ck_assert_uint_eq(v.n, 3);
    ck_assert_uint_eq(st.malformed, 1);
    /* A boundary that is a prefix of a longer line is no delimiter. */
    walk("Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bb\n--b--\n",
         8, &v, &st);
    ck_assert_str_eq(v.trace, "0:multipart/mixed[16] 1:text/plain[4] ");
    /* Empty message, no headers, no body. */
    walk("", 8, &v, &st);
    ck_assert_uint_eq(v.n, 1);
}
END_TEST

START_TEST(test_walk_caps)
{
    /* 40 levels of nesting, capped at 5. */
    char msg[8192];
    size_t o = 0;
    for (int i = 0; i < 40; i++)
        o += (size_t)snprintf(msg + o, sizeof msg - o,
                              "Content-Type: multipart/mixed; boundary=b%d"
                              "\n\n--b%d\n",
                              i, i);
    msg[o] = '\0';
    struct visit v;
    struct bs_mime_walk_stats st;
    walk(msg, 5, &v, &st);
    ck_assert_uint_eq(v.n, 6);
    ck_assert(st.too_deep);
    /* Thousands of parts: capped at BS_MIME_MAX_PARTS. */
    size_t cap = 40000;
    char *many = malloc(cap);
    o = (size_t)snprintf(many, cap, "Content-Type: multipart/mixed; "
                                    "boundary=z\n\n");
    while (o + 8 < cap)
        o += (size_t)snprintf(many + o, cap - o, "--z\n\n");
    many[o] = '\0';
    walk(many, 8, &v, &st);
    ck_assert_uint_eq(v.n, BS_MIME_MAX_PARTS);
    ck_assert(st.too_many);
    free(many);
}
END_TEST

static int stop_at_second(void *ctx, const struct bs_mime_part *p)
{
    (void)p;
    return ++*(int *)ctx == 2 ? 42 : 0;
}

START_TEST(test_walk_stop)
{
    const char *msg = "Content-Type: multipart/mixed; boundary=b\n\n"
                      "--b\n\none\n--b\n\ntwo\n--b--\n";
    int n = 0;
    struct bs_mime_walk_stats st;
    ck_assert_int_eq(bs_mime_walk(msg, strlen(msg), BS_EOL_LF, 8,
                                  stop_at_second, &n, &st),
                     42);
    ck_assert_int_eq(n, 2);
}
END_TEST

/* Every prefix of every fixture, from a buffer of exactly its size. */
static int touch_part(void *ctx, const struct bs_mime_part *p)
{
    unsigned *sum = ctx;
    for (size_t i = 0; i < p->body.len; i++)
        *sum += (unsigned char)p->body.ptr[i];
    char out[256];
    (void)bs_mime_decode_body(p->cte, bs_slice_make(p->body.ptr,
                                                    BS_MIN(p->body.len, 256)),
                              out, sizeof out);
    return 0;
}

START_TEST(test_walk_every_prefix)
{
    static const char *const files[] = {
        "postfix-dsn.eml", "office365-ndr.eml", "broken-mime.eml",
        "kddi-iso2022jp.eml", "mailbox.mbox",
    };
    for (size_t f = 0; f < BS_ARRAY_LEN(files); f++) {
        char path[512];
        size_t len;
        snprintf(path, sizeof path, "%s/mail/%s", BS_TEST_DATA, files[f]);
        char *data = bs_test_read_file(path, &len);
        ck_assert_msg(data != NULL, "%s", path);
        for (size_t n = 0; n <= len; n++) {
            char *copy = malloc(n ? n : 1);
            memcpy(copy, data, n);
            unsigned sum = 0;
            struct bs_mime_walk_stats st;
            bs_mime_walk(copy, n, bs_mime_eol_of(copy, n), 12, touch_part,
                         &sum, &st);
            free(copy);
        }
        free(data);
    }
}
END_TEST

static Suite *mime_suite(void)
{
    Suite *s = suite_create("mime");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_line_ends);
    tcase_add_test(tc, test_headers_and_folding);
    tcase_add_test(tc, test_content_type);
    tcase_add_test(tc, test_quoted_printable);
    tcase_add_test(tc, test_base64);
    tcase_add_test(tc, test_dates);
    tcase_add_test(tc, test_walk_nested);
    tcase_add_test(tc, test_walk_broken);
    tcase_add_test(tc, test_walk_caps);
    tcase_add_test(tc, test_walk_stop);
    tcase_add_test(tc, test_walk_every_prefix);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(mime_suite());
}
