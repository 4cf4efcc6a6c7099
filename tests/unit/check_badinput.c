/*
 * check_badinput.c - the bad-input catalogue through the whole engine
 *
 * Every case feeds something a stranger or a broken system can produce and
 * expects a counted skip or a clear error, nothing already counted lost,
 * no crash, and the line conservation invariant:
 *   read = parsed + skipped + foreign + no_prefix + unparsed + oversize.
 */
#include "bouncestat.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <zstd.h>

#define REF_TIME 1795780800 /* 2026-11-27 12:00:00 UTC */

/* Sanitizers keep freed memory in quarantine and shadow every byte, so
 * resident-size bounds only mean something in a plain build. */
#if defined(__SANITIZE_ADDRESS__)
#define BS_RSS_CHECKS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BS_RSS_CHECKS 0
#endif
#endif
#ifndef BS_RSS_CHECKS
#define BS_RSS_CHECKS 1
#endif

static struct bs_engine *make(size_t max_messages)
{
    struct bs_engine_options o;
    bs_engine_options_default(&o);
    o.year = 2026;
    if (max_messages)
        o.max_messages = max_messages;
    struct bs_engine *e = bs_test_engine_with(&o);
    bs_engine_begin_input(e, "bad", REF_TIME);
    return e;
}

static void check_conservation(struct bs_engine *e)
{
    struct bs_line_stats s;
    bs_engine_line_stats(e, &s);
    ck_assert_uint_eq(s.read, s.parsed + s.skipped + s.foreign +
                                  s.no_prefix + s.unparsed + s.oversize);
}

/* Not inlined: GCC 12 at -O3 then takes a pointer into the returned text
 * for one to the local that received it (a false -Wdangling-pointer). */
__attribute__((noinline)) static char *render(struct bs_engine *e,
                                              enum bs_format f,
                                              const char *by)
{
    bs_engine_finish(e);
    char *out, err[128];
    size_t len;
    ck_assert_int_eq(bs_engine_render(e, f, by, &out, &len, err,
                                      sizeof err), 0);
    return out;
}

#define SENT(t, qid, rcpt)                                                  \
    "Nov 27 " t " mx postfix/smtp[1]: " qid ": to=<" rcpt ">, relay=mx.ex" \
    "ample[192.0.2.1]:25, delay=1, dsn=2.0.0, status=sent (250 ok)\n"
#define FROM(t, qid, s)                                                     \
    "Nov 27 " t " mx postfix/qmgr[2]: " qid ": from=<" s ">, size=1, "     \
    "nrcpt=1 (queue active)\n"

START_TEST(test_nul_bytes_in_a_line)
{
    struct bs_engine *e = make(0);
    const char line[] = "Nov 27 10:00:00 mx postfix/smtp[1]: NUL01: to=<a\0b"
                        "@x.example>, relay=none, dsn=5.0.0, status=bounced "
                        "(bad\0text)\n" SENT("10:00:01", "NUL02", "c@x.example");
    bs_engine_feed(e, line, sizeof line - 1);
    bs_engine_end_input(e);
    check_conservation(e);
    char *out = render(e, BS_FORMAT_JSON, NULL);
    ck_assert(strstr(out, "\"lines_read\":2") != NULL);
    ck_assert(strstr(out, "\"sent\":1,") != NULL);
    free(out);
    bs_engine_free(e);
}
END_TEST

START_TEST(test_crlf_same_as_lf)
{
    const char lf[] = FROM("10:00:00", "CR001", "a@b.example")
        SENT("10:00:01", "CR001", "x@gmail.com");
    char crlf[sizeof lf * 2];
    size_t n = 0;
    for (size_t i = 0; lf[i]; i++) {
        if (lf[i] == '\n')
            crlf[n++] = '\r';
        crlf[n++] = lf[i];
    }
    struct bs_engine *a = make(0), *b = make(0);
    bs_engine_feed(a, lf, sizeof lf - 1);
    bs_engine_feed(b, crlf, n);
    bs_engine_end_input(a);
    bs_engine_end_input(b);
    char *x = render(a, BS_FORMAT_CSV, "provider,sender_domain");
    char *y = render(b, BS_FORMAT_CSV, "provider,sender_domain");
    ck_assert_str_eq(x, y);
    ck_assert(strstr(x, "google,b.example,1,") != NULL);
    free(x);
    free(y);
    bs_engine_free(a);
    bs_engine_free(b);
}
END_TEST

/* A 1 MiB line between two good ones: cut, counted, the rest goes on. */
START_TEST(test_huge_line)
{
    struct bs_engine *e = make(0);
    const char before[] = SENT("10:00:00", "BIG01", "a@x.example");
    bs_engine_feed(e, before, sizeof before - 1);
    char *big = malloc(1 << 20);
    memset(big, 'A', 1 << 20);
    for (int i = 0; i < 16; i++)
        bs_engine_feed(e, big, 1 << 20);
    const char after[] = "\n" SENT("10:00:02", "BIG02", "b@x.example");
    bs_engine_feed(e, after, sizeof after - 1);
    bs_engine_end_input(e);
    free(big);
    check_conservation(e);
    char *out = render(e, BS_FORMAT_JSON, NULL);
    ck_assert(strstr(out, "\"lines_oversize\":1,") != NULL);
    ck_assert(strstr(out, "\"totals\":{\"sent\":2,") != NULL);
    free(out);
    bs_engine_free(e);
}
END_TEST

/* A binary file passed by mistake: every byte value, no crash. */
START_TEST(test_binary_garbage)
{
    struct bs_engine *e = make(0);
    unsigned char *junk = malloc(1 << 20);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < (1 << 20); i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        junk[i] = (unsigned char)x;
    }
    bs_engine_feed(e, junk, 1 << 20);
    bs_engine_end_input(e);
    free(junk);
    check_conservation(e);
    char *out = render(e, BS_FORMAT_JSON, NULL);
    ck_assert(strstr(out, "\"lines_parsed\":0,") != NULL);
    free(out);
    bs_engine_free(e);
}
END_TEST

START_TEST(test_empty_input)
{
    struct bs_engine *e = make(0);
    bs_engine_end_input(e);
    char *out = render(e, BS_FORMAT_CSV, "provider");
    ck_assert_str_eq(out, "provider,sent,bounced,expired,deferred,"
                          "failure_rate\n");
    free(out);
    bs_engine_free(e);
}
END_TEST

/* Out of order, in the future, across New Year: counted at their times. */
START_TEST(test_timestamps_out_of_order)
{
    struct bs_engine *e = make(0);
    const char log[] = SENT("10:00:00", "T0001", "a@x.example")
        SENT("09:00:00", "T0002", "a@x.example")
        "Dec 31 23:59:59 mx postfix/smtp[1]: T0003: to=<a@x.example>, "
        "relay=none, dsn=2.0.0, status=sent (ok)\n"
        "Jan  1 00:00:01 mx postfix/smtp[1]: T0004: to=<a@x.example>, "
        "relay=none, dsn=2.0.0, status=sent (ok)\n"
        "2099-01-01T00:00:00Z mx postfix/smtp[1]: T0005: to=<a@x.example>, "
        "relay=none, dsn=2.0.0, status=sent (ok)\n";
    bs_engine_feed(e, log, sizeof log - 1);
    bs_engine_end_input(e);
    char *out = render(e, BS_FORMAT_CSV, "day");
    ck_assert_str_eq(out, "day,sent,bounced,expired,deferred,failure_rate\n"
                          "2026-11-27,2,0,0,0,0.0000\n"
                          "2026-12-31,1,0,0,0,0.0000\n"
                          "2027-01-01,1,0,0,0,0.0000\n"
                          "2099-01-01,1,0,0,0,0.0000\n");
    free(out);
    bs_engine_free(e);
}
END_TEST

/* Addresses as they come: null, quoted with blanks, 1,000 characters, IDN,
 * upper case, a trailing dot, no domain at all. */
START_TEST(test_garbage_addresses)
{
    struct bs_engine *e = make(0);
    char longaddr[1100];
    memset(longaddr, 'l', 1000);
    strcpy(longaddr + 1000, "@long.example");
    char log[4096];
    int n = snprintf(log, sizeof log,
        FROM("10:00:00", "AD001", "") SENT("10:00:01", "AD001",
                                             "\"john smith\"@x.example")
        FROM("10:00:02", "AD002", "Sales@Shop.EXAMPLE.") SENT("10:00:03",
                                                            "AD002",
                                                            "%s")
        FROM("10:00:04", "AD003", "root") SENT("10:00:05", "AD003",
                                               "user@xn--bcher-kva.example")
        SENT("10:00:06", "AD004", "UPPER@GMAIL.COM.")
        SENT("10:00:07", "AD005", "nodomain"), longaddr);
    bs_engine_feed(e, log, (size_t)n);
    bs_engine_end_input(e);
    check_conservation(e);
    char *out = render(e, BS_FORMAT_CSV, "provider,sender_domain,"
                                         "recipient_domain");
    ck_assert_str_eq(out,
        "provider,sender_domain,recipient_domain,sent,bounced,expired,"
        "deferred,failure_rate\n"
        "google,?,gmail.com,1,0,0,0,0.0000\n"
        "other,(no domain),xn--bcher-kva.example,1,0,0,0,0.0000\n"
        "other,<>,x.example,1,0,0,0,0.0000\n"
        "other,?,(no domain),1,0,0,0,0.0000\n"
        "other,shop.example,long.example,1,0,0,0,0.0000\n");
    free(out);
    bs_engine_free(e);
}
END_TEST

/* Postfix's own complaints are skipped, never counted as deliveries. */
START_TEST(test_warning_fatal_panic)
{
    struct bs_engine *e = make(0);
    const char log[] =
        "Nov 27 10:00:00 mx postfix/smtp[1]: warning: TLS library problem\n"
        "Nov 27 10:00:00 mx postfix/master[1]: fatal: bind 0.0.0.0 port 25: "
        "Address already in use\n"
        "Nov 27 10:00:00 mx postfix/qmgr[1]: panic: myfree: corrupt or "
        "unallocated memory block\n"
        "Nov 27 10:00:00 mx postfix/smtp[1]: fatal: valid hostname or "
        "network address required in server description: to=<x>\n";
    bs_engine_feed(e, log, sizeof log - 1);
    bs_engine_end_input(e);
    struct bs_line_stats s;
    bs_engine_line_stats(e, &s);
    ck_assert_uint_eq(s.parsed, 0);
    ck_assert_uint_eq(s.skipped + s.unparsed, 4);
    check_conservation(e);
    bs_engine_free(e);
}
END_TEST

/* Millions of distinct queue ids that never complete: the table stays at
 * its cap and memory stays flat. */
START_TEST(test_endless_queue_ids)
{
    struct bs_engine *e = make(10000);
    char line[256];
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    for (int i = 0; i < 2000000; i++) {
        int n = snprintf(line, sizeof line,
                         "Nov 27 10:%02d:%02d mx postfix/qmgr[2]: %08X%02X: "
                         "from=<a@b.example>, size=1, nrcpt=1 (queue "
                         "active)\n", (i / 60) % 60, i % 60, (unsigned)i,
                         (unsigned)(i & 0xff));
        bs_engine_feed(e, line, (size_t)n);
    }
    bs_engine_end_input(e);
    getrusage(RUSAGE_SELF, &after);
    char *out = render(e, BS_FORMAT_JSON, NULL);
    const char *t = strstr(out, "\"messages_tracked\":");
    ck_assert_ptr_nonnull(t);
    ck_assert_int_le(atol(t + 19), 10000);
    /* ru_maxrss is in KiB; the table of 10,000 messages needs ~2 MiB. */
    if (BS_RSS_CHECKS)
        ck_assert_int_lt(after.ru_maxrss - before.ru_maxrss, 64 * 1024);
    free(out);
    bs_engine_free(e);
}
END_TEST

/* A zstd frame that declares a window beyond the limit: an error with the
 * offset, not a 2 GiB allocation. */
START_TEST(test_zstd_window_too_large)
{
    size_t n = 1 << 20, cap = ZSTD_compressBound(n) + 1024;
    char *in = malloc(n), *z = malloc(cap);
    memset(in, 'x', n);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, 30);
    /* Streamed without a known size, so the frame keeps the window. */
    ZSTD_inBuffer ib = { in, n, 0 };
    ZSTD_outBuffer ob = { z, cap, 0 };
    size_t r = ZSTD_compressStream2(cc, &ob, &ib, ZSTD_e_continue);
    ck_assert(!ZSTD_isError(r) && ib.pos == ib.size);
    ZSTD_inBuffer none = { NULL, 0, 0 };
    do {
        r = ZSTD_compressStream2(cc, &ob, &none, ZSTD_e_end);
        ck_assert(!ZSTD_isError(r));
    } while (r);
    ZSTD_freeCCtx(cc);
    struct bs_engine *e = make(0);
    int rc = bs_engine_feed(e, z, ob.pos);
    if (rc == 0)
        rc = bs_engine_end_input(e);
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strstr(bs_engine_input_error(e), "byte offset") != NULL,
                  "%s", bs_engine_input_error(e));
    bs_engine_free(e);
    free(in);
    free(z);
}
END_TEST

/* A decompression bomb: 64 KiB that inflate to 512 MiB without newline
 * go through in bounded memory as oversize lines. */
START_TEST(test_zstd_bomb)
{
    size_t chunk = 1 << 20, total = 512u << 20;
    char *zeros = calloc(1, chunk);
    size_t cap = 1 << 20;
    char *z = malloc(cap);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    ZSTD_outBuffer ob = { z, cap, 0 };
    for (size_t done = 0; done < total; done += chunk) {
        ZSTD_inBuffer ib = { zeros, chunk, 0 };
        ZSTD_EndDirective mode = done + chunk < total ? ZSTD_e_continue
                                                      : ZSTD_e_end;
        size_t r;
        do {
            r = ZSTD_compressStream2(cc, &ob, &ib, mode);
            ck_assert(!ZSTD_isError(r));
        } while (ib.pos < ib.size || (mode == ZSTD_e_end && r));
    }
    ZSTD_freeCCtx(cc);
    ck_assert_uint_lt(ob.pos, 256 * 1024);
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    struct bs_engine *e = make(0);
    ck_assert_int_eq(bs_engine_feed(e, z, ob.pos), 0);
    ck_assert_int_eq(bs_engine_end_input(e), 0);
    getrusage(RUSAGE_SELF, &after);
    struct bs_line_stats s;
    bs_engine_line_stats(e, &s);
    ck_assert_uint_eq(s.read, 1);
    ck_assert_uint_eq(s.oversize, 1);
    if (BS_RSS_CHECKS)
        ck_assert_int_lt(after.ru_maxrss - before.ru_maxrss, 32 * 1024);
    bs_engine_free(e);
    free(zeros);
    free(z);
}
END_TEST

static Suite *badinput_suite(void)
{
    Suite *s = suite_create("badinput");
    TCase *tc = tcase_create("catalogue");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_nul_bytes_in_a_line);
    tcase_add_test(tc, test_crlf_same_as_lf);
    tcase_add_test(tc, test_huge_line);
    tcase_add_test(tc, test_binary_garbage);
    tcase_add_test(tc, test_empty_input);
    tcase_add_test(tc, test_timestamps_out_of_order);
    tcase_add_test(tc, test_garbage_addresses);
    tcase_add_test(tc, test_warning_fatal_panic);
    tcase_add_test(tc, test_endless_queue_ids);
    tcase_add_test(tc, test_zstd_window_too_large);
    tcase_add_test(tc, test_zstd_bomb);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(badinput_suite());
}
