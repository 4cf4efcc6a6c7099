/*
 * check_mailbox.c - mail as input: what an input is (sniffing), the mbox
 * splitter (engine/mailbox.c: separators, >From unescaping, chunking
 * invariance, the size cap), the engine's mail path (mail_input.c:
 * counters and their conservation, plain and zstd, byte by byte, the
 * "mail" JSON object, a cut archive, logs unchanged) and the Maildir
 * reader of the tool (tools/bouncestat/maildir.c, compiled in here).
 */
#include "bouncestat.h"
#include "engine_impl.h" /* bs_mail_merge, for bs_engine_merge */
#include "mailbox.h"
#include "support.h"

#include "../../tools/bouncestat/maildir.c"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

static char *fixture(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/mail/%s", BS_TEST_DATA, name);
    char *data = bs_test_read_file(path, len);
    ck_assert_msg(data != NULL, "missing %s", path);
    return data;
}

START_TEST(test_sniff)
{
    static const struct {
        const char *in;
        bool end;
        enum bs_sniff want;
    } cases[] = {
        { "From MAILER-DAEMON Fri Nov 27 14:00:00 2026\n", false,
          BS_SNIFF_MBOX },
        { "\n\r\n  Return-Path: <>\n", false, BS_SNIFF_MESSAGE },
        { "Received: from x\r\n", false, BS_SNIFF_MESSAGE },
        { "X-Anything: 1\n", false, BS_SNIFF_MESSAGE },
        { "delivered-to: a@b\n", false, BS_SNIFF_MESSAGE },
        { "Nov 27 18:13:18 mx1 postfix/smtp[1]: x\n", false, BS_SNIFF_LOG },
        { "2026-11-27T18:13:18+01:00 mx1 postfix/smtp[1]: x\n", false,
          BS_SNIFF_LOG },
        { "@4000000038c3eeb027f41c7c new msg 93869\n", false,
          BS_SNIFF_LOG },
        { "Foo: bar\n", false, BS_SNIFF_LOG },   /* unknown header */
        { "From: a@b", false, BS_SNIFF_MORE },   /* no line end yet */
        { "From: a@b", true, BS_SNIFF_MESSAGE },
        { "Fro", true, BS_SNIFF_LOG },
        { "", false, BS_SNIFF_MORE },
        { "", true, BS_SNIFF_LOG },
    };
    for (size_t i = 0; i < BS_ARRAY_LEN(cases); i++)
        ck_assert_msg(bs_mail_sniff(cases[i].in, strlen(cases[i].in),
                                    cases[i].end) == cases[i].want,
                      "case %zu", i);
    char longline[BS_SNIFF_MAX + 10];
    memset(longline, 'a', sizeof longline);
    ck_assert_int_eq(bs_mail_sniff(longline, sizeof longline, false),
                     BS_SNIFF_LOG);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The splitter                                                        */

struct collected {
    char buf[16384];
    size_t len;
    unsigned n;
};

static void collect(void *ctx, const char *msg, size_t len)
{
    struct collected *c = ctx;
    c->n++;
    if (c->len + len + 2 < sizeof c->buf) {
        memcpy(c->buf + c->len, msg, len);
        c->len += len;
        c->buf[c->len++] = '#';
    }
    c->buf[c->len] = '\0';
}

static void split(const char *data, size_t len, bool mbox, size_t max,
                  size_t chunk, struct collected *c, struct bs_mailbox *m)
{
    memset(c, 0, sizeof *c);
    bs_mailbox_init(m, max);
    bs_mailbox_begin(m, mbox);
    for (size_t o = 0; o < len; o += chunk)
        bs_mailbox_feed(m, data + o, BS_MIN(chunk, len - o), collect, c);
    bs_mailbox_finish(m, collect, c);
}

START_TEST(test_split_mbox)
{
    size_t len;
    char *mb = fixture("mailbox.mbox", &len);
    struct collected c, k;
    struct bs_mailbox m;
    split(mb, len, true, 0, len, &c, &m);
    ck_assert_uint_eq(c.n, 4);
    ck_assert_uint_eq(m.messages, 4);
    ck_assert(strstr(c.buf, "\nFrom the start, this line") != NULL);
    ck_assert(strstr(c.buf, "\n>From this one too.") != NULL);
    ck_assert(strstr(c.buf, "#From a body line that was never") != NULL);
    bs_mailbox_fini(&m);
    /* The same messages, fed one byte at a time and in odd chunks. */
    static const size_t chunks[] = { 1, 2, 7, 64, 1000 };
    for (size_t i = 0; i < BS_ARRAY_LEN(chunks); i++) {
        split(mb, len, true, 0, chunks[i], &k, &m);
        ck_assert_uint_eq(k.n, c.n);
        ck_assert_str_eq(k.buf, c.buf);
        bs_mailbox_fini(&m);
    }
    /* One message: no splitting, no unescaping. */
    split(mb, len, false, 0, 13, &k, &m);
    ck_assert_uint_eq(k.n, 1);
    ck_assert(strstr(k.buf, "\n>From the start") != NULL);
    bs_mailbox_fini(&m);
    free(mb);
}
END_TEST

START_TEST(test_split_oversize)
{
    /* A 300 KiB message between two small ones, a cap of 1 KiB: the big
     * one is counted and skipped, the next is read. Its long lines
     * (no "From ") are dropped as they come. */
    size_t cap = 400 * 1024, o = 0;
    char *mb = malloc(cap);
    o += (size_t)snprintf(mb + o, cap - o, "From a\nSubject: one\n\n1\n");
    o += (size_t)snprintf(mb + o, cap - o, "From b\nSubject: big\n\n");
    for (int i = 0; i < 3000; i++)
        o += (size_t)snprintf(mb + o, cap - o, "%0100d\n", i);
    memset(mb + o, 'x', 20000); /* one very long line */
    o += 20000;
    mb[o++] = '\n';
    o += (size_t)snprintf(mb + o, cap - o, "From c\nSubject: three\n\n3\n");
    static const size_t chunks[] = { 1, 100, 4096, 65536, 400000 };
    for (size_t i = 0; i < BS_ARRAY_LEN(chunks); i++) {
        struct collected c;
        struct bs_mailbox m;
        split(mb, o, true, 1024, chunks[i], &c, &m);
        ck_assert_uint_eq(c.n, 2);
        ck_assert_uint_eq(m.oversize, 1);
        ck_assert_str_eq(c.buf, "From a\nSubject: one\n\n1\n#"
                                "From c\nSubject: three\n\n3\n#");
        ck_assert(m.cap <= 1024 + 2 * 65536);
        bs_mailbox_fini(&m);
    }
    /* One message over the cap: nothing passed. */
    struct collected c;
    struct bs_mailbox m;
    split(mb, o, false, 1024, 5000, &c, &m);
    ck_assert_uint_eq(c.n, 0);
    ck_assert_uint_eq(m.oversize, 1);
    bs_mailbox_fini(&m);
    free(mb);
}
END_TEST

START_TEST(test_split_line_ends)
{
    const char *crlf = "From a\r\nSubject: 1\r\n\r\nx\r\n"
                       ">From y\r\nFrom b\r\nSubject: 2\r\n\r\n";
    struct collected c;
    struct bs_mailbox m;
    split(crlf, strlen(crlf), true, 0, 3, &c, &m);
    ck_assert_uint_eq(c.n, 2);
    ck_assert(strstr(c.buf, "\nFrom y\r\n#From b") != NULL);
    bs_mailbox_fini(&m);
    /* Empty messages (a "From " line and blank lines) are not passed. */
    split("From a\n\n\nFrom b\nX: 1\n", 21, true, 0, 21, &c, &m);
    ck_assert_uint_eq(c.n, 1);
    bs_mailbox_fini(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The engine's mail path                                              */

static struct bs_engine *engine(void)
{
    return bs_test_engine_new(2026);
}

static char *render(struct bs_engine *e, enum bs_format f, const char *by)
{
    char *out, err[128];
    size_t n;
    bs_engine_finish(e);
    ck_assert_int_eq(bs_engine_render(e, f, by, &out, &n, err, sizeof err),
                     0);
    return out;
}

static void feed(struct bs_engine *e, const char *name, const char *data,
                 size_t len, size_t chunk)
{
    bs_engine_begin_input(e, name, 1795780800);
    for (size_t o = 0; o < len; o += chunk)
        ck_assert_int_eq(bs_engine_feed(e, data + o,
                                        BS_MIN(chunk, len - o)),
                         0);
    ck_assert_int_eq(bs_engine_end_input(e), 0);
}

static void check_conservation(const struct bs_mail_stats *s)
{
    ck_assert_uint_eq(s->messages, s->bounces + s->not_bounces +
                                       s->malformed + s->oversize);
}

#define BY "provider,sender_domain,dsn"

START_TEST(test_engine_mbox)
{
    size_t len;
    char *mb = fixture("mailbox.mbox", &len);
    struct bs_engine *e = engine();
    feed(e, "mailbox.mbox", mb, len, len);
    struct bs_mail_stats s;
    bs_engine_mail_stats(e, &s);
    ck_assert_uint_eq(s.messages, 4);
    ck_assert_uint_eq(s.bounces, 2);
    ck_assert_uint_eq(s.recipients, 2);
    ck_assert_uint_eq(s.delayed, 1);
    ck_assert_uint_eq(s.not_bounces, 2);
    check_conservation(&s);
    char *whole = render(e, BS_FORMAT_CSV, BY);
    ck_assert_str_eq(whole,
                     "provider,sender_domain,dsn,sent,bounced,"
                     "expired,deferred,failure_rate\n"
                     "apple,host.example,5.7.1,0,1,0,0,1.0000\n"
                     "yahoo,shop.example,4.7.0,0,0,0,1,\n");
    bs_engine_free(e);
    /* Byte by byte, and zstd-compressed in small chunks: the same. */
    e = engine();
    feed(e, "mailbox.mbox", mb, len, 1);
    char *bytewise = render(e, BS_FORMAT_CSV, BY);
    ck_assert_str_eq(bytewise, whole);
    bs_engine_free(e);
    size_t zcap = ZSTD_compressBound(len);
    char *z = malloc(zcap);
    size_t zn = ZSTD_compress(z, zcap, mb, len, 3);
    ck_assert(!ZSTD_isError(zn));
    e = engine();
    feed(e, "mailbox.mbox.zst", z, zn, 5);
    char *zs = render(e, BS_FORMAT_CSV, BY);
    ck_assert_str_eq(zs, whole);
    bs_engine_free(e);
    /* A cut archive of 2000 messages with random words (several zstd
     * blocks): the messages before the cut count, one that the cut
     * splits is malformed. */
    size_t big = 2000 * 400, o = 0;
    char *many = malloc(big), *zb = malloc(ZSTD_compressBound(big));
    uint32_t seed = 1;
    for (int i = 0; i < 2000; i++) {
        o += (size_t)snprintf(many + o, big - o, "From x\nSubject: %d\n\n",
                              i);
        for (int k = 0; k < 30; k++) {
            seed = seed * 1103515245u + 12345u;
            o += (size_t)snprintf(many + o, big - o, "%08x ", seed);
        }
        many[o++] = '\n';
    }
    size_t zbn = ZSTD_compress(zb, ZSTD_compressBound(o), many, o, 1);
    e = engine();
    bs_engine_begin_input(e, "cut.zst", 0);
    ck_assert_int_eq(bs_engine_feed(e, zb, zbn * 3 / 4), 0);
    ck_assert_int_eq(bs_engine_end_input(e), -1);
    bs_engine_mail_stats(e, &s);
    check_conservation(&s);
    ck_assert_uint_ge(s.messages, 100);
    ck_assert_uint_le(s.malformed, 1);
    ck_assert_uint_eq(s.not_bounces + s.malformed, s.messages);
    bs_engine_free(e);
    free(many);
    free(zb);
    free(whole);
    free(bytewise);
    free(zs);
    free(z);
    free(mb);
}
END_TEST

START_TEST(test_engine_messages)
{
    static const char *const files[] = {
        "postfix-dsn.eml", "qmail-send.eml", "exim.eml", "office365-ndr.eml",
        "gmail-bounce.eml", "kddi-iso2022jp.eml", "shiftjis-delay.eml",
        "sm-error-code.eml", "not-bounce.eml", "broken-mime.eml",
        "arf-feedback.eml",
    };
    struct bs_engine *e = engine();
    for (size_t i = 0; i < BS_ARRAY_LEN(files); i++) {
        size_t len;
        char *m = fixture(files[i], &len);
        feed(e, files[i], m, len, 97);
        free(m);
    }
    struct bs_mail_stats s;
    bs_engine_mail_stats(e, &s);
    ck_assert_uint_eq(s.messages, 11);
    ck_assert_uint_eq(s.bounces, 9);
    ck_assert_uint_eq(s.recipients, 11);
    ck_assert_uint_eq(s.delayed, 1);
    ck_assert_uint_eq(s.not_bounces, 2);
    ck_assert_uint_eq(s.feedback_reports, 1);
    check_conservation(&s);
    char *csv = render(e, BS_FORMAT_CSV, "provider,category,detail");
    ck_assert(strstr(csv, "google,authfailure,dmarc,0,1,") != NULL);
    ck_assert(strstr(csv, "other,authfailure,spf+dkim,0,1,") ||
              strstr(csv, "docomo,authfailure,spf+dkim,0,1,"));
    ck_assert(strstr(csv, "microsoft,authfailure,") != NULL);
    free(csv);
    char *json = render(e, BS_FORMAT_JSON, NULL);
    ck_assert(strstr(json, "\"mail\":{\"messages\":11,\"bounces\":9,"
                           "\"recipients\":11,") != NULL);
    free(json);
    bs_engine_free(e);
}
END_TEST

START_TEST(test_engine_limits)
{
    size_t len;
    char *m = fixture("postfix-dsn.eml", &len);
    struct bs_engine *e = engine();
    bs_engine_set_mail_limit(e, 1000);
    feed(e, "big.eml", m, len, 512);
    struct bs_mail_stats s;
    bs_engine_mail_stats(e, &s);
    ck_assert_uint_eq(s.messages, 1);
    ck_assert_uint_eq(s.oversize, 1);
    ck_assert_uint_eq(s.recipients, 0);
    check_conservation(&s);
    bs_engine_set_mail_limit(e, 0);
    /* Known to be a message: read even though its first line is an
     * unknown header. */
    const char *odd = "Foo: bar\nFrom: MAILER-DAEMON@x.example\n"
                      "Subject: failure notice\n\n"
                      "<u@y.example>:\nRemote host said: 550 5.1.1 no such "
                      "user\n";
    bs_engine_begin_mail_input(e, "odd", 1795780800);
    ck_assert_int_eq(bs_engine_feed(e, odd, strlen(odd)), 0);
    ck_assert_int_eq(bs_engine_end_input(e), 0);
    bs_engine_mail_stats(e, &s);
    ck_assert_uint_eq(s.recipients, 1);
    /* The same bytes without begin_mail_input: a log, line by line. */
    feed(e, "odd.log", odd, strlen(odd), 3);
    struct bs_line_stats ls;
    bs_engine_line_stats(e, &ls);
    ck_assert_uint_eq(ls.read, 6);
    bs_engine_free(e);
    free(m);
}
END_TEST

/* Two engines' mail counters add up (what bs_engine_merge needs), and
 * the public sniff agrees with the engine's. */
START_TEST(test_engine_merge_and_sniff)
{
    size_t len;
    char *mb = fixture("mailbox.mbox", &len);
    struct bs_engine *a = engine(), *b = engine();
    feed(a, "a.mbox", mb, len, 4096);
    feed(b, "b.mbox", mb, len, 4096);
    bs_mail_merge(a, b);
    struct bs_mail_stats s;
    bs_engine_mail_stats(a, &s);
    ck_assert_uint_eq(s.messages, 8);
    ck_assert_uint_eq(s.recipients, 4);
    check_conservation(&s);
    bs_engine_free(a);
    bs_engine_free(b);
    ck_assert_int_eq(bs_input_is_mail(mb, len), 1);
    ck_assert_int_eq(bs_input_is_mail("Nov 27 18:13:17 mx1 x\n", 22), 0);
    free(mb);
}
END_TEST

/* A log fed byte by byte goes through the sniffer and comes out the
 * same as fed whole. */
START_TEST(test_engine_log_unchanged)
{
    const char *log =
        "Nov 27 18:13:17 mx1 postfix/qmgr[1]: 8D7A21C0F3: from=<n@shop.example>, "
        "size=1, nrcpt=1 (queue active)\n"
        "Nov 27 18:13:18 mx1 postfix/smtp[2]: 8D7A21C0F3: to=<a@gmail.com>, "
        "relay=gmail-smtp-in.l.google.com[142.250.1.26]:25, delay=1, "
        "delays=0/0/0/1, dsn=5.7.26, status=bounced (host "
        "gmail-smtp-in.l.google.com[142.250.1.26] said: 550-5.7.26 "
        "Unauthenticated email from shop.example is not accepted due to "
        "domain's DMARC policy. (in reply to end of DATA command))\n";
    struct bs_engine *e = engine();
    feed(e, "whole.log", log, strlen(log), strlen(log));
    char *a = render(e, BS_FORMAT_CSV, BY);
    bs_engine_free(e);
    e = engine();
    feed(e, "bytes.log", log, strlen(log), 1);
    char *b = render(e, BS_FORMAT_CSV, BY);
    struct bs_mail_stats s;
    bs_engine_mail_stats(e, &s);
    ck_assert_uint_eq(s.messages, 0);
    bs_engine_free(e);
    ck_assert_str_eq(a, b);
    ck_assert(strstr(a, "google,shop.example,5.7.26,0,1,"));
    free(a);
    free(b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Maildir                                                             */

static void put_file(const char *dir, const char *name, const void *data,
                     size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "%s", path);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

START_TEST(test_maildir)
{
    char root[] = "/tmp/bs-maildir-XXXXXX", sub[1100];
    ck_assert(mkdtemp(root) != NULL);
    static const char *const subs[] = { "cur", "new", "tmp" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(sub, sizeof sub, "%s/%s", root, subs[i]);
        ck_assert_int_eq(mkdir(sub, 0700), 0);
    }
    ck_assert(bs_maildir_is(root));
    ck_assert(!bs_maildir_is(BS_TEST_DATA));
    size_t len, zcap;
    char *m = fixture("qmail-send.eml", &len);
    snprintf(sub, sizeof sub, "%s/cur", root);
    put_file(sub, "1795780800.M1P1.host:2,S", m, len);
    put_file(sub, ".hidden", m, len);
    zcap = ZSTD_compressBound(len);
    char *z = malloc(zcap);
    size_t zn = ZSTD_compress(z, zcap, m, len, 1);
    snprintf(sub, sizeof sub, "%s/new", root);
    put_file(sub, "1795780801.M2P2.host", z, zn);
    free(m);
    m = fixture("not-bounce.eml", &len);
    put_file(sub, "1795780802.M3P3.host", m, len);
    snprintf(sub, sizeof sub, "%s/tmp", root);
    put_file(sub, "in-progress", m, len);
    free(m);
    struct bs_engine *e = engine();
    struct bs_maildir_stats st;
    char buf[4096], err[256];
    ck_assert_int_eq(bs_maildir_feed(e, root, buf, sizeof buf, &st, err,
                                     sizeof err),
                     0);
    ck_assert_uint_eq(st.files, 3);
    ck_assert_uint_eq(st.unreadable + st.corrupt, 0);
    struct bs_mail_stats s;
    bs_engine_mail_stats(e, &s);
    ck_assert_uint_eq(s.messages, 3);
    ck_assert_uint_eq(s.bounces, 2);
    ck_assert_uint_eq(s.recipients, 4);
    ck_assert_int_eq(bs_maildir_feed(e, "/nonexistent/x", buf, sizeof buf,
                                     &st, err, sizeof err),
                     -1);
    bs_engine_free(e);
    ck_assert(strstr(err, "not a Maildir") != NULL);
    free(z);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *mailbox_suite(void)
{
    Suite *s = suite_create("mailbox");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_sniff);
    tcase_add_test(tc, test_split_mbox);
    tcase_add_test(tc, test_split_oversize);
    tcase_add_test(tc, test_split_line_ends);
    tcase_add_test(tc, test_engine_mbox);
    tcase_add_test(tc, test_engine_messages);
    tcase_add_test(tc, test_engine_limits);
    tcase_add_test(tc, test_engine_merge_and_sniff);
    tcase_add_test(tc, test_engine_log_unchanged);
    tcase_add_test(tc, test_maildir);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(mailbox_suite());
}
