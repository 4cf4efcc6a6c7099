/*
 * check_engine.c - the whole pipeline through the public API: counting
 * rules on small hand-written logs (exact CSV), chunking and compression
 * invariance, the line conservation invariant, corrupt archives, and the
 * year rollover of BSD timestamps.
 */
#include "bouncestat.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/* 2026-11-27 12:00:00 UTC, a reference time for BSD stamps. */
#define REF_TIME BS_TEST_REF_TIME

/* Feeds data in chunks of size chunk (0: whole) and returns the report. */
static char *run(const char *data, size_t len, size_t chunk, int year,
                 enum bs_format fmt, const char *by, int *feed_rc)
{
    struct bs_engine *e = bs_test_engine_new(year);
    bs_engine_begin_input(e, "test.log", REF_TIME);
    int rc = 0;
    if (!chunk)
        chunk = len ? len : 1;
    for (size_t off = 0; off < len && rc == 0; off += chunk)
        rc = bs_engine_feed(e, data + off, len - off < chunk ? len - off
                                                            : chunk);
    if (rc == 0)
        rc = bs_engine_end_input(e);
    if (feed_rc)
        *feed_rc = rc;
    bs_engine_finish(e);
    char *out, err[256];
    size_t outlen;
    ck_assert_int_eq(bs_engine_render(e, fmt, by, &out, &outlen, err,
                                      sizeof err), 0);
    bs_engine_free(e);
    return out;
}

static char *csv(const char *log, const char *by)
{
    return run(log, strlen(log), 0, 2026, BS_FORMAT_CSV, by, NULL);
}

#define L(t, prog, msg) "Nov 27 " t " mx1 postfix/" prog "[1]: " msg "\n"

static const char two_recipients[] =
    L("10:00:00", "qmgr", "AB12C: from=<news@Shop.Example>, size=100, "
      "nrcpt=2 (queue active)")
    L("10:00:01", "smtp", "AB12C: to=<a@gmail.com>, relay=gmail-smtp-in.l."
      "google.com[142.250.4.26]:25, delay=1, delays=0/0/0.5/0.5, "
      "dsn=2.0.0, status=sent (250 2.0.0 OK x1 - gsmtp)")
    L("10:00:02", "smtp", "AB12C: to=<b@outlook.com>, relay=outlook-com.olc"
      ".protection.outlook.com[104.47.1.1]:25, delay=1, delays=0/0/0.5/0.5,"
      " dsn=5.5.0, status=bounced (host outlook-com.olc.protection.outlook."
      "com[104.47.1.1] said: 550 5.5.0 Requested action not taken: mailbox "
      "unavailable (S2017062302). (in reply to RCPT TO command))")
    L("10:00:02", "bounce", "AB12C: sender non-delivery notification: "
      "CD34E")
    L("10:00:02", "qmgr", "AB12C: removed");

START_TEST(test_sent_and_bounced)
{
    char *out = csv(two_recipients, "provider,sender_domain");
    ck_assert_str_eq(out,
                     "provider,sender_domain,sent,bounced,expired,deferred,"
                     "failure_rate\n"
                     "google,shop.example,1,0,0,0,0.0000\n"
                     "microsoft,shop.example,0,1,0,0,1.0000\n");
    free(out);
    out = csv(two_recipients, "category,dsn");
    ck_assert_str_eq(out, "category,dsn,sent,bounced,expired,deferred,"
                          "failure_rate\n"
                          ",2.0.0,1,0,0,0,0.0000\n"
                          "userunknown,5.5.0,0,1,0,0,1.0000\n");
    free(out);
}
END_TEST

static const char defer_then_outcomes[] =
    L("10:00:00", "qmgr", "QQ001: from=<>, size=100, nrcpt=3 (queue active)")
    L("10:00:01", "smtp", "QQ001: to=<x@yahoo.com>, relay=mta5.am0.yahoodns"
      ".net[1.2.3.4]:25, delay=1, delays=0/0/0.5/0.5, dsn=4.7.0, "
      "status=deferred (host mta5.am0.yahoodns.net[1.2.3.4] said: 421 4.7.0 "
      "[TSS04] Messages from 203.0.113.5 temporarily deferred due to "
      "unexpected volume or user complaints (in reply to MAIL FROM "
      "command))")
    L("10:00:01", "smtp", "QQ001: to=<y@yahoo.com>, relay=mta5.am0.yahoodns"
      ".net[1.2.3.4]:25, delay=1, delays=0/0/0.5/0.5, dsn=4.7.0, "
      "status=deferred (host mta5.am0.yahoodns.net[1.2.3.4] said: 421 4.7.0 "
      "[TSS04] Messages from 203.0.113.5 temporarily deferred)")
    L("10:00:01", "smtp", "QQ001: to=<z@yahoo.com>, relay=mta5.am0.yahoodns"
      ".net[1.2.3.4]:25, delay=1, delays=0/0/0.5/0.5, dsn=4.7.0, "
      "status=deferred (host mta5.am0.yahoodns.net[1.2.3.4] said: 421 4.7.0 "
      "[TSS04] Messages from 203.0.113.5 temporarily deferred)")
    L("11:00:00", "qmgr", "QQ001: from=<>, size=100, nrcpt=3 (queue active)")
    L("11:00:01", "smtp", "QQ001: to=<x@yahoo.com>, relay=mta5.am0.yahoodns"
      ".net[1.2.3.4]:25, delay=3601, delays=3600/0/0.5/0.5, dsn=2.0.0, "
      "status=sent (ok dirdel)")
    L("11:00:01", "smtp", "QQ001: to=<y@yahoo.com>, relay=mta5.am0.yahoodns"
      ".net[1.2.3.4]:25, delay=3601, delays=3600/0/0.5/0.5, dsn=4.7.0, "
      "status=deferred (host mta5.am0.yahoodns.net[1.2.3.4] said: 421 4.7.0 "
      "[TSS04] Messages from 203.0.113.5 temporarily deferred)")
    L("15:00:00", "qmgr", "QQ001: from=<>, status=expired, returned to "
      "sender")
    L("15:00:00", "qmgr", "QQ001: removed");

START_TEST(test_deferrals_and_expiry)
{
    char *out = csv(defer_then_outcomes, "provider,sender_domain,category");
    /* x: 1 deferral then sent; y: 2 deferrals then expired; z: 1 deferral
     * then expired. Deferrals are attempts, never outcomes. */
    ck_assert_str_eq(out,
                     "provider,sender_domain,category,sent,bounced,expired,"
                     "deferred,failure_rate\n"
                     "yahoo,<>,,1,0,0,0,0.0000\n"
                     "yahoo,<>,badreputation,0,0,0,4,\n"
                     "yahoo,<>,expired,0,0,2,0,1.0000\n");
    free(out);
    out = csv(defer_then_outcomes, "detail,hour");
    ck_assert_str_eq(out,
                     "detail,hour,sent,bounced,expired,deferred,"
                     "failure_rate\n"
                     ",2026-11-27 11:00,1,0,0,0,0.0000\n"
                     "TSS04,2026-11-27 10:00,0,0,0,3,\n"
                     "TSS04,2026-11-27 11:00,0,0,0,1,\n"
                     "badreputation,2026-11-27 15:00,0,0,2,0,1.0000\n");
    free(out);
}
END_TEST

static const char unknown_and_pending[] =
    /* no qmgr line: the message began before the log */
    L("10:00:01", "smtp", "OLD01: to=<a@icloud.com>, relay=mx01.mail.icloud"
      ".com[17.1.1.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=5.1.1, "
      "status=bounced (host mx01.mail.icloud.com[17.1.1.1] said: 550 5.1.1 "
      "<a@icloud.com>: user does not exist (in reply to RCPT TO command))")
    L("10:00:02", "qmgr", "NEW01: from=<a@b.example>, size=1, nrcpt=1 (queue"
      " active)")
    L("10:00:03", "smtp", "NEW01: to=<p@docomo.ne.jp>, relay=mfsmax.docomo."
      "ne.jp[1.1.1.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=4.4.1, "
      "status=deferred (connect to mfsmax.docomo.ne.jp[1.1.1.1]:25: "
      "Connection timed out)");

START_TEST(test_unknown_sender_and_pending)
{
    char *out = csv(unknown_and_pending, "provider,sender_domain");
    ck_assert_str_eq(out,
                     "provider,sender_domain,sent,bounced,expired,deferred,"
                     "failure_rate\n"
                     "apple,?,0,1,0,0,1.0000\n"
                     "docomo,b.example,0,0,0,1,\n");
    free(out);
    char *json = run(unknown_and_pending, strlen(unknown_and_pending), 0,
                     2026, BS_FORMAT_JSON, NULL, NULL);
    ck_assert(strstr(json, "\"deliveries_unknown_sender\":1") != NULL);
    ck_assert(strstr(json, "\"totals\":{\"sent\":0,\"bounced\":1,"
                           "\"expired\":0,\"deferred\":1,\"denominator\":1,"
                           "\"failure_rate\":1.000000,\"pending\":1}") !=
              NULL);
    free(json);
}
END_TEST

/* Postfix reuses short queue ids: after "removed" the id is a new
 * message with its own sender. */
static const char reused_qid[] =
    L("10:00:00", "qmgr", "REUSE1: from=<a@first.example>, size=1, nrcpt=1 "
      "(queue active)")
    L("10:00:01", "smtp", "REUSE1: to=<r@gmail.com>, relay=x.google.com[1.1."
      "1.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (ok)")
    L("10:00:01", "qmgr", "REUSE1: removed")
    L("12:00:00", "qmgr", "REUSE1: from=<b@second.example>, size=1, nrcpt=1 "
      "(queue active)")
    L("12:00:01", "smtp", "REUSE1: to=<r@gmail.com>, relay=x.google.com[1.1."
      "1.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (ok)")
    L("12:00:01", "qmgr", "REUSE1: removed");

START_TEST(test_queue_id_reuse)
{
    char *out = csv(reused_qid, "sender_domain");
    ck_assert_str_eq(out, "sender_domain,sent,bounced,expired,deferred,"
                          "failure_rate\n"
                          "first.example,1,0,0,0,0.0000\n"
                          "second.example,1,0,0,0,0.0000\n");
    free(out);
}
END_TEST

/* The id comes back in a cleanup line before the old message's
 * "removed" was logged (a lost line, a rotated log): the old message's
 * deferred recipient is dropped, not expired with the new message, and
 * the new message's sender is its own. */
static const char reused_without_removal[] =
    L("10:00:00", "qmgr", "REUSE2: from=<a@first.example>, size=1, nrcpt=1 "
      "(queue active)")
    L("10:00:01", "smtp", "REUSE2: to=<p@docomo.ne.jp>, relay=mfsmax.docomo."
      "ne.jp[1.1.1.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=4.4.1, "
      "status=deferred (connect to mfsmax.docomo.ne.jp[1.1.1.1]:25: "
      "Connection timed out)")
    L("12:00:00", "cleanup", "REUSE2: message-id=<x@second.example>")
    L("12:00:01", "smtp", "REUSE2: to=<r@gmail.com>, relay=x.google.com[1.1."
      "1.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (ok)")
    L("12:00:02", "qmgr", "REUSE2: from=<b@second.example>, status=expired,"
      " returned to sender");

START_TEST(test_queue_id_reuse_without_removal)
{
    char *out = csv(reused_without_removal, "sender_domain");
    ck_assert_str_eq(out, "sender_domain,sent,bounced,expired,deferred,"
                          "failure_rate\n"
                          "?,1,0,0,0,0.0000\n"
                          "first.example,0,0,0,1,\n");
    free(out);
    char *json = run(reused_without_removal,
                     strlen(reused_without_removal), 0, 2026,
                     BS_FORMAT_JSON, NULL, NULL);
    ck_assert(strstr(json, "\"pending_dropped_at_removal\":1") != NULL);
    ck_assert(strstr(json, "\"expired_without_known_recipients\":1") !=
              NULL);
    free(json);
}
END_TEST

START_TEST(test_year_rollover)
{
    const char log[] =
        "Dec 31 23:59:59 mx postfix/qmgr[1]: YR001: from=<a@b.c>, size=1, "
        "nrcpt=2 (queue active)\n"
        "Dec 31 23:59:59 mx postfix/smtp[1]: YR001: to=<x@gmail.com>, "
        "relay=none, delay=0, dsn=2.0.0, status=sent (ok)\n"
        "Jan  1 00:00:01 mx postfix/smtp[1]: YR001: to=<y@gmail.com>, "
        "relay=none, delay=0, dsn=2.0.0, status=sent (ok)\n";
    char *out = run(log, strlen(log), 0, 2025, BS_FORMAT_CSV, "day", NULL);
    ck_assert_str_eq(out, "day,sent,bounced,expired,deferred,failure_rate\n"
                          "2025-12-31,1,0,0,0,0.0000\n"
                          "2026-01-01,1,0,0,0,0.0000\n");
    free(out);
    /* Without --year, the reference time (2026-11-27) places Dec 31 in
     * 2025 and Jan 1 in 2026 as well. */
    out = run(log, strlen(log), 0, 0, BS_FORMAT_CSV, "day", NULL);
    ck_assert_str_eq(out, "day,sent,bounced,expired,deferred,failure_rate\n"
                          "2025-12-31,1,0,0,0,0.0000\n"
                          "2026-01-01,1,0,0,0,0.0000\n");
    free(out);
}
END_TEST

/* A content filter on 127.0.0.1:10024 (amavis): the hand-off is not a
 * delivery; the re-queued message's delivery is, with its own sender. */
static const char content_filter[] =
    L("10:00:00", "qmgr", "CF0001: from=<a@shop.example>, size=1, nrcpt=1 "
      "(queue active)")
    L("10:00:01", "smtp", "CF0001: to=<r@gmail.com>, relay=127.0.0.1[127.0."
      "0.1]:10024, delay=0.87, delays=0.68/0.01/0/0.18, dsn=2.0.0, "
      "status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 "
      "Ok: queued as CF0002)")
    L("10:00:01", "qmgr", "CF0001: removed")
    L("10:00:01", "qmgr", "CF0002: from=<a@shop.example>, size=2, nrcpt=1 "
      "(queue active)")
    L("10:00:02", "smtp", "CF0002: to=<r@gmail.com>, relay=gmail-smtp-in.l."
      "google.com[142.250.4.26]:25, delay=1, delays=0/0/0.5/0.5, "
      "dsn=2.0.0, status=sent (250 2.0.0 OK x1 - gsmtp)")
    L("10:00:02", "qmgr", "CF0002: removed");

START_TEST(test_content_filter_handoff)
{
    char *out = csv(content_filter, "provider,sender_domain");
    ck_assert_str_eq(out, "provider,sender_domain,sent,bounced,expired,"
                          "deferred,failure_rate\n"
                          "google,shop.example,1,0,0,0,0.0000\n");
    free(out);
    char *json = run(content_filter, strlen(content_filter), 0, 2026,
                     BS_FORMAT_JSON, NULL, NULL);
    ck_assert(strstr(json, "\"content_filter_handoffs\":1") != NULL);
    free(json);
}
END_TEST

/* Bytes that are not UTF-8 in a response text still give valid JSON. */
START_TEST(test_json_invalid_utf8)
{
    const char log[] =
        L("10:00:01", "smtp", "BAD01: to=<a@example.jp>, relay=mx.example."
          "jp[1.2.3.4]:25, delay=1, dsn=5.1.1, status=bounced (550 5.1.1 "
          "\x82\xa0 unknown \xe3\x81\x82 user\x01)");
    char *json = run(log, strlen(log), 0, 2026, BS_FORMAT_JSON, NULL, NULL);
    ck_assert_msg(strstr(json, "550 5.1.1 \\ufffd\\ufffd unknown "
                               "\xe3\x81\x82 user\\u0001") != NULL,
                  "%s", json);
    free(json);
}
END_TEST

static char *all_fixtures(size_t *len)
{
    size_t n = strlen(two_recipients) + strlen(defer_then_outcomes) +
               strlen(unknown_and_pending) + strlen(reused_qid);
    char *all = malloc(n + 200);
    strcpy(all, two_recipients);
    strcat(all, "garbage line without a prefix\n");
    strcat(all, defer_then_outcomes);
    strcat(all, "Nov 27 10:00:00 mx dovecot: imap(x): logged out\r\n");
    strcat(all, unknown_and_pending);
    strcat(all, reused_qid);
    *len = strlen(all);
    return all;
}

START_TEST(test_chunking_and_zstd_invariance)
{
    size_t len;
    char *all = all_fixtures(&len);
    char *whole = run(all, len, 0, 2026, BS_FORMAT_JSON, NULL, NULL);
    size_t chunks[] = { 1, 2, 3, 17, 4096 };
    for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
        char *out = run(all, len, chunks[i], 2026, BS_FORMAT_JSON, NULL,
                        NULL);
        ck_assert_msg(strcmp(out, whole) == 0, "chunk %zu differs",
                      chunks[i]);
        free(out);
    }
    size_t cap = ZSTD_compressBound(len);
    char *z = malloc(cap);
    size_t zn = ZSTD_compress(z, cap, all, len, 3);
    ck_assert(!ZSTD_isError(zn));
    for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
        char *out = run(z, zn, chunks[i], 2026, BS_FORMAT_JSON, NULL, NULL);
        /* identical but for the byte count of the input */
        char *a = strstr(out, "\"lines_read\""), *b = strstr(whole,
                                                             "\"lines_read\"");
        ck_assert(a && b);
        ck_assert_msg(strcmp(a, b) == 0, "zstd chunk %zu differs",
                      chunks[i]);
        free(out);
    }
    free(z);
    free(whole);
    free(all);
}
END_TEST

START_TEST(test_line_conservation)
{
    size_t len;
    char *all = all_fixtures(&len);
    struct bs_engine *e = bs_test_engine_new(2026);
    bs_engine_begin_input(e, "x", REF_TIME);
    bs_engine_feed(e, all, len);
    const char *tail = "\nNov 27 10:00:00 mx postfix/smtp[1]: QQ999: to=<a@b>\n";
    bs_engine_feed(e, tail, strlen(tail));
    bs_engine_end_input(e);
    struct bs_line_stats s;
    bs_engine_line_stats(e, &s);
    ck_assert_uint_eq(s.read, s.parsed + s.skipped + s.foreign +
                                  s.no_prefix + s.unparsed + s.oversize);
    ck_assert_uint_eq(s.foreign, 1);
    ck_assert_uint_eq(s.unparsed, 1);
    ck_assert_uint_eq(s.no_prefix, 2); /* garbage and the empty line */
    bs_engine_free(e);
    free(all);
}
END_TEST

START_TEST(test_corrupt_zstd_keeps_counts)
{
    size_t len;
    char *all = all_fixtures(&len);
    size_t cap = ZSTD_compressBound(len) + 16;
    char *z = malloc(cap);
    /* Two frames; the second is damaged, the first decodes whole. */
    size_t half = len / 2;
    size_t zn = ZSTD_compress(z, cap, all, half, 3);
    ck_assert(!ZSTD_isError(zn));
    size_t zn2 = ZSTD_compress(z + zn, cap - zn, all + half, len - half, 3);
    ck_assert(!ZSTD_isError(zn2));
    zn += zn2;
    z[zn - 20] ^= 0x55; /* damage near the end */
    int rc;
    char *out = run(z, zn, 512, 2026, BS_FORMAT_JSON, NULL, &rc);
    ck_assert_int_eq(rc, -1);
    ck_assert(strstr(out, "\"lines_parsed\":0,") == NULL);
    free(out);
    struct bs_engine *e = bs_test_engine_new(2026);
    bs_engine_begin_input(e, "oct.zst", REF_TIME);
    rc = bs_engine_feed(e, z, zn);
    if (rc == 0)
        rc = bs_engine_end_input(e);
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strncmp(bs_engine_input_error(e), "oct.zst: ", 9) == 0 &&
                      strstr(bs_engine_input_error(e), "byte offset"),
                  "%s", bs_engine_input_error(e));
    bs_engine_free(e);
    free(z);
    free(all);
}
END_TEST

START_TEST(test_bad_by_keys)
{
    char err[256];
    ck_assert_int_eq(bs_csv_keys_check("provider,day", err, sizeof err), 0);
    ck_assert_int_eq(bs_csv_keys_check("provider,colour", err, sizeof err),
                     -1);
    ck_assert(strstr(err, "colour") != NULL);
    ck_assert_int_eq(bs_csv_keys_check("day,day", err, sizeof err), -1);
}
END_TEST

START_TEST(test_live_summary)
{
    struct bs_engine *e = bs_test_engine_new(2026);
    bs_engine_begin_input(e, "live", REF_TIME);
    bs_engine_feed(e, defer_then_outcomes, strlen(defer_then_outcomes));
    bs_engine_feed(e, unknown_and_pending, strlen(unknown_and_pending));
    char *out;
    size_t len;
    bs_engine_render_live(e, 0, 40, 4, &out, &len);
    int lines = 0;
    for (char *p = out, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
        ck_assert_int_le(nl - p, 40);
        lines++;
    }
    ck_assert_int_eq(lines, 4);
    free(out);
    bs_engine_render_live(e, 1, 0, 0, &out, &len);
    ck_assert_ptr_null(strchr(out, '\n') + 1 == out + len ? NULL : out);
    ck_assert(strstr(out, "\"totals\":{\"sent\":1,\"bounced\":1,"
                          "\"expired\":2,\"deferred\":5,") != NULL);
    ck_assert(strstr(out, "\"pending\":1}") != NULL);
    ck_assert(strstr(out, "\"log_time\":\"2026-11-27T15:00:00Z\"") != NULL);
    free(out);
    bs_engine_free(e);
}
END_TEST

/* qmail: delivery numbers to messages to senders, numbers reused after
 * "end msg", restarts, text decoding, providers from the relay IP and
 * response signatures, expiry after queuelifetime. */
#define Q(t, msg) "@40000000" t " " msg "\n"
static const char qmail_log[] =
    Q("69287e1c00000000", "new msg 100")
    Q("69287e1c00000000", "info msg 100: bytes 999 from <a@Shop.Example> qp "
      "1 uid 2")
    Q("69287e1c00000000", "starting delivery 1: msg 100 to remote "
      "x@gmail.com")
    Q("69287e1c00000000", "starting delivery 2: msg 100 to remote "
      "y@custom.example")
    Q("69287e1c00000000", "starting delivery 3: msg 100 to remote "
      "z@example.net")
    Q("69287e1d00000000", "delivery 1: success: 142.250.4.26_accepted_"
      "message./Remote_host_said:_250_2.0.0_OK_1_x1si1.2_-_gsmtp/")
    Q("69287e1d00000000", "delivery 2: failure: 142.250.4.27_does_not_like_"
      "recipient./Remote_host_said:_550-5.7.26_Unauthenticated_email_from_"
      "shop.example_is_not_accepted_due_to/550-5.7.26_domain's_DMARC_policy."
      "/550_5.7.26_https://support.google.com/mail/?p=DmarcRejection_x_-_"
      "gsmtp/")
    Q("69287e1d00000000", "delivery 3: deferral: Connected_to_198.51.100.7_"
      "but_connection_died._(#4.4.2)/")
    Q("69288c2d00000000", "starting delivery 7: msg 100 to remote "
      "z@example.net")
    Q("69288c2d00000000", "delivery 7: failure: Connected_to_198.51.100.7_"
      "but_connection_died._(#4.4.2)/I'm_not_going_to_try_again;_this_"
      "message_has_been_in_the_queue_too_long./")
    Q("69288c2d00000000", "end msg 100")
    Q("69288c2e00000000", "new msg 100")
    Q("69288c2e00000000", "info msg 100: bytes 5 from <b@other.example> qp 3"
      " uid 2")
    Q("69288c2e00000000", "starting delivery 1: msg 100 to remote "
      "w@mail.custom365.example")
    Q("69288c2e00000000", "delivery 1: success: 52.101.1.1_accepted_"
      "message./Remote_host_said:_250_2.6.0_Queued_mail_for_delivery/")
    Q("69288c2e00000000", "starting delivery 2: msg 100 to remote "
      "v@example.org")
    Q("69288c2e00000000", "status: exiting")
    Q("69288c2f00000000", "delivery 2: success: 192.0.2.1_accepted_message./"
      "Remote_host_said:_250_ok/");

START_TEST(test_qmail_counting)
{
    char *out = csv(qmail_log, "provider,sender_domain,recipient_domain,"
                               "category,detail");
    ck_assert_str_eq(out,
        "provider,sender_domain,recipient_domain,category,detail,sent,"
        "bounced,expired,deferred,failure_rate\n"
        "google,shop.example,custom.example,authfailure,dmarc,0,1,0,0,"
        "1.0000\n"
        "google,shop.example,gmail.com,,,1,0,0,0,0.0000\n"
        "microsoft,other.example,mail.custom365.example,,,1,0,0,0,0.0000\n"
        "other,?,(unknown),,,1,0,0,0,0.0000\n"
        "other,shop.example,example.net,expired,networkerror,0,0,1,0,"
        "1.0000\n"
        "other,shop.example,example.net,networkerror,,0,0,0,1,\n");
    free(out);
    char *json = run(qmail_log, strlen(qmail_log), 0, 2026, BS_FORMAT_JSON,
                     NULL, NULL);
    /* decoded: blanks for '_', line breaks for '/', the URL intact */
    ck_assert_msg(strstr(json, "\"text\":\"142.250.4.27 does not like "
                               "recipient. Remote host said: 550-5.7.26 "
                               "Unauthenticated email from shop.example is "
                               "not accepted due to 550-5.7.26 domain's "
                               "DMARC policy. 550 5.7.26 https://support."
                               "google.com/mail/?p=DmarcRejection x - "
                               "gsmtp\"") != NULL, "%s", json);
    ck_assert(strstr(json, "\"deliveries_unknown_sender\":1") != NULL);
    free(json);
}
END_TEST

/* Engines over consecutive pieces of a log, merged in order, report
 * exactly what one engine over the whole log reports, wherever the cuts
 * fall (messages span them). */
static char *run_pieces_held(const char *data, size_t len,
                             const size_t *cuts, size_t ncuts,
                             enum bs_format fmt, const char *by,
                             size_t max_held)
{
    struct bs_engine *first = NULL;
    size_t start = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        struct bs_engine_options o;
        bs_engine_options_default(&o);
        o.year = 2026;
        if (max_held)
            o.max_held = max_held;
        struct bs_engine *e = bs_test_engine_with(&o);
        bs_engine_set_segment(e, i > 0);
        bs_engine_begin_input(e, "piece", REF_TIME);
        bs_engine_feed(e, data + start, end - start);
        bs_engine_end_input(e);
        if (first) {
            bs_engine_merge(first, e);
            bs_engine_free(e);
        } else {
            first = e;
        }
        start = end;
    }
    bs_engine_finish(first);
    char *out, err[128];
    size_t outlen;
    ck_assert_int_eq(bs_engine_render(first, fmt, by, &out, &outlen, err,
                                      sizeof err), 0);
    bs_engine_free(first);
    return out;
}

static char *run_pieces(const char *data, size_t len, const size_t *cuts,
                        size_t ncuts, enum bs_format fmt, const char *by)
{
    return run_pieces_held(data, len, cuts, ncuts, fmt, by, 0);
}

/* Cut positions just after a newline near each of n equal fractions. */
static size_t line_cuts(const char *data, size_t len, size_t n,
                        size_t shift, size_t *cuts)
{
    size_t k = 0;
    for (size_t i = 1; i < n; i++) {
        size_t at = len * i / n + shift;
        while (at < len && data[at - 1] != '\n')
            at++;
        if (at < len && (k == 0 || at > cuts[k - 1]))
            cuts[k++] = at;
    }
    return k;
}

START_TEST(test_merged_pieces_equal_whole)
{
    size_t plen;
    char *pf = bs_test_read_file(BS_TEST_DATA "/sample/maillog", &plen);
    ck_assert_ptr_nonnull(pf);
    size_t len = plen + strlen(qmail_log) + strlen(defer_then_outcomes);
    char *all = malloc(len + 1);
    memcpy(all, pf, plen);
    strcpy(all + plen, qmail_log);
    strcat(all, defer_then_outcomes);
    free(pf);
    char *whole = run(all, len, 0, 2026, BS_FORMAT_JSON, NULL, NULL);
    char *whole_csv = run(all, len, 0, 2026, BS_FORMAT_CSV,
                          "hour,provider,sender_domain,category,detail",
                          NULL);
    char *whole_text = run(all, len, 0, 2026, BS_FORMAT_TEXT, NULL, NULL);
    size_t pieces[] = { 2, 3, 7, 16 }, shifts[] = { 0, 977, 5011 };
    for (size_t p = 0; p < 4; p++) {
        for (size_t s = 0; s < 3; s++) {
            size_t cuts[16];
            size_t n = line_cuts(all, len, pieces[p], shifts[s], cuts);
            char *out = run_pieces(all, len, cuts, n, BS_FORMAT_JSON, NULL);
            ck_assert_msg(strcmp(out, whole) == 0, "%zu pieces, shift %zu",
                          pieces[p], shifts[s]);
            free(out);
            out = run_pieces(all, len, cuts, n, BS_FORMAT_CSV,
                             "hour,provider,sender_domain,category,detail");
            ck_assert_str_eq(out, whole_csv);
            free(out);
            out = run_pieces(all, len, cuts, n, BS_FORMAT_TEXT, NULL);
            ck_assert_str_eq(out, whole_text);
            free(out);
        }
    }
    free(whole);
    free(whole_csv);
    free(whole_text);
    free(all);
}
END_TEST

/* The outcome counts of a JSON report: sent, bounced, expired, deferred. */
static void json_totals(const char *json, unsigned long long n[4])
{
    const char *t = strstr(json, "\"totals\":{");
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(sscanf(t, "\"totals\":{\"sent\":%llu,\"bounced\":%llu,"
                               "\"expired\":%llu,\"deferred\":%llu",
                            &n[0], &n[1], &n[2], &n[3]),
                     4);
}

/* A segment whose lines about earlier messages do not all fit in its
 * hold buffer counts the rest where it is (sender unknown): every
 * outcome is still counted once, and the overflow is reported. */
START_TEST(test_merged_pieces_hold_overflow)
{
    size_t len;
    char *all = bs_test_read_file(BS_TEST_DATA "/sample/maillog", &len);
    ck_assert_ptr_nonnull(all);
    char *whole = run(all, len, 0, 2026, BS_FORMAT_JSON, NULL, NULL);
    size_t cuts[4];
    size_t n = line_cuts(all, len, 4, 0, cuts);
    char *out = run_pieces_held(all, len, cuts, n, BS_FORMAT_JSON, NULL,
                                600);
    unsigned long long a[4], b[4];
    json_totals(whole, a);
    json_totals(out, b);
    for (int k = 0; k < 4; k++)
        ck_assert_uint_eq(a[k], b[k]);
    ck_assert(strstr(whole, "\"parallel_lines_not_held\":0") != NULL);
    ck_assert(strstr(out, "\"parallel_lines_not_held\":0") == NULL);
    free(out);
    free(whole);
    free(all);
}
END_TEST

START_TEST(test_count_bounce_mail)
{
    struct bs_engine *e = bs_test_engine_new(2026);
    struct bs_bounce_event b = {
        REF_TIME, "news@Shop.Example", "anna@customer.example",
        "aspmx.l.google.com", "5.7.26",
        "550-5.7.26 Unauthenticated email from shop.example is not accepted "
        "due to domain's DMARC policy. gsmtp", 0
    };
    bs_engine_count_bounce(e, &b);
    b.delayed = 1;
    b.status = "4.2.2";
    b.text = "452-4.2.2 The recipient's inbox is out of storage space.";
    b.sender = NULL;
    bs_engine_count_bounce(e, &b);
    bs_engine_finish(e);
    char *out, err[64];
    size_t len;
    bs_engine_render(e, BS_FORMAT_CSV, "provider,sender_domain,category,"
                     "detail", &out, &len, err, sizeof err);
    ck_assert_str_eq(out, "provider,sender_domain,category,detail,sent,"
                          "bounced,expired,deferred,failure_rate\n"
                          "google,?,mailboxfull,,0,0,0,1,\n"
                          "google,shop.example,authfailure,dmarc,0,1,0,0,"
                          "1.0000\n");
    free(out);
    bs_engine_free(e);
}
END_TEST

static Suite *engine_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300); /* the merge test is long under ASan */
    tcase_add_test(tc, test_sent_and_bounced);
    tcase_add_test(tc, test_deferrals_and_expiry);
    tcase_add_test(tc, test_unknown_sender_and_pending);
    tcase_add_test(tc, test_queue_id_reuse);
    tcase_add_test(tc, test_queue_id_reuse_without_removal);
    tcase_add_test(tc, test_merged_pieces_hold_overflow);
    tcase_add_test(tc, test_year_rollover);
    tcase_add_test(tc, test_chunking_and_zstd_invariance);
    tcase_add_test(tc, test_line_conservation);
    tcase_add_test(tc, test_corrupt_zstd_keeps_counts);
    tcase_add_test(tc, test_bad_by_keys);
    tcase_add_test(tc, test_content_filter_handoff);
    tcase_add_test(tc, test_json_invalid_utf8);
    tcase_add_test(tc, test_live_summary);
    tcase_add_test(tc, test_qmail_counting);
    tcase_add_test(tc, test_merged_pieces_equal_whole);
    tcase_add_test(tc, test_count_bounce_mail);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(engine_suite());
}
