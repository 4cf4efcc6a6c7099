/*
 * check_dsn.c - the bounce reader (parsers/dsn*.c): our own fixtures
 * (tests/data/mail: a Postfix DSN, qmail-send, Exim, an Office 365 NDR
 * with quoted-printable and base64 parts, a Gmail bounce, an ISO-2022-JP
 * carrier bounce, a Shift_JIS delay, an SM-ERROR-CODE notice, a feedback
 * report, a non-bounce and a broken MIME tree), every prefix of each
 * fixture (no crash, no read outside the buffer), and the Sisimai corpus
 * in ../shared/corpora when it is there:
 *   - every bounce in maildir/ is read to a recipient and a status
 *     (known_unread lists the exceptions, with the reason);
 *   - the mails that are no failures (feedback reports, auto-replies,
 *     success notices, maildir/not) are not counted;
 *   - the broken ones (maildir/err) are read without a crash;
 *   - the share of recipients whose category equals Sisimai's expected
 *     reason (expected-go-sisimai.tsv) is printed by reason and may not
 *     fall below CORPUS_MATCH_FLOOR (raise it when rules improve).
 * The corpus files are read where they are, never copied.
 */
#include "bouncestat.h"
#include "dsn.h"
#include "mailbox.h"
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SISIMAI BS_CORPORA "/sisimai-go-sisimai"
#define CORPUS_ROWS 379
#define CORPUS_READ 377
#define CORPUS_MATCH_FLOOR 271

static char *fixture(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/mail/%s", BS_TEST_DATA, name);
    char *data = bs_test_read_file(path, len);
    ck_assert_msg(data != NULL, "missing %s", path);
    return data;
}

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */

struct want_rcpt {
    const char *addr, *status;
    enum bs_dsn_action action;
    const char *text;   /* a piece the diagnostic must hold */
    const char *remote; /* "" when none */
};

struct want {
    const char *file;
    enum bs_dsn_verdict verdict;
    enum bs_dsn_format format;
    const char *sender;
    unsigned nrcpt;
    struct want_rcpt r[2];
};

static const struct want wants[] = {
    { "postfix-dsn.eml", BS_DSN_BOUNCE, BS_DSN_FMT_RFC3464,
      "news@shop.example", 2,
      { { "anna@gmail.com", "5.7.26", BS_DSN_FAILED,
          "domain's DMARC policy. Please contact", "gmail-smtp-in.l.google.com" },
        { "bert@customer.example", "5.1.1", BS_DSN_FAILED,
          "User unknown in virtual mailbox table", "mx.customer.example" } } },
    { "qmail-send.eml", BS_DSN_BOUNCE, BS_DSN_FMT_TEXT,
      "billing@host.example", 2,
      { { "taro@yahoo.co.jp", "5.7.9", BS_DSN_FAILED,
          "Message not accepted for policy reasons", "183.79.16.248" },
        { "nobody@customer.example", "5.1.1", BS_DSN_FAILED,
          "No such user", "198.51.100.25" } } },
    { "exim.eml", BS_DSN_BOUNCE, BS_DSN_FMT_TEXT, "alerts@monitor.example", 1,
      { { "ops@outlook.com", "5.7.515", BS_DSN_FAILED,
          "doesn't meet the required authentication level",
          "outlook-com.olc.protection.outlook.com" } } },
    { "office365-ndr.eml", BS_DSN_BOUNCE, BS_DSN_FMT_RFC3464,
      "bounce-77@mail.shop.example", 1,
      { { "lena@contoso-shop.example", "5.1.10", BS_DSN_FAILED,
          "RESOLVER.ADR.RecipientNotFound", "" } } },
    { "gmail-bounce.eml", BS_DSN_BOUNCE, BS_DSN_FMT_TEXT, "kenji@gmail.com",
      1,
      { { "mika@example.co.jp", "5.1.1", BS_DSN_FAILED,
          "Recipient address rejected: User unknown", "" } } },
    { "kddi-iso2022jp.eml", BS_DSN_BOUNCE, BS_DSN_FMT_TEXT,
      "shop-jp@shop.example", 1,
      { { "hanako@ezweb.ne.jp", "5.0.0", BS_DSN_FAILED,
          "\xe5\xae\x9b\xe5\x85\x88\xe3\x81\xae" /* 宛先の (UTF-8) */
          "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab", "" } } },
    { "shiftjis-delay.eml", BS_DSN_BOUNCE, BS_DSN_FMT_TEXT,
      "news@shop.example", 1,
      { { "jiro@softbank.ne.jp", "4.7.0", BS_DSN_DELAYED,
          "\xe4\xb8\x80\xe6\x99\x82\xe7\x9a\x84" /* 一時的 */
          "\xe3\x81\xaa\xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc\xe3\x81\xa7"
          "\xe3\x81\x99\xe3\x80\x82" "421 4.7.0 [TSS04]", "" } } },
    { "sm-error-code.eml", BS_DSN_BOUNCE, BS_DSN_FMT_TEXT,
      "marketing@shop.example", 1,
      { { "yuki@docomo.ne.jp", "5.7.1", BS_DSN_FAILED,
          "SM-ERROR-CODE: 42550", "" } } },
    { "broken-mime.eml", BS_DSN_BOUNCE, BS_DSN_FMT_RFC3464,
      "sender@shop.example", 1,
      { { "gone@customer.example", "5.1.1", BS_DSN_FAILED, "User unknown",
          "" } } },
    { "not-bounce.eml", BS_DSN_NOT_BOUNCE, BS_DSN_FMT_NONE, NULL, 0, { { 0 } } },
    { "arf-feedback.eml", BS_DSN_NOT_BOUNCE, BS_DSN_FMT_NONE, NULL, 0,
      { { 0 } } },
};

static void check_want(struct bs_dsn_parser *p, const struct want *w)
{
    size_t len;
    char *data = fixture(w->file, &len);
    const struct bs_dsn_result *r = bs_dsn_parse(p, data, len);
    ck_assert_msg(r->verdict == w->verdict, "%s: verdict %d", w->file,
                  r->verdict);
    ck_assert_msg(r->format == w->format, "%s: format %d", w->file,
                  r->format);
    ck_assert_msg(r->nrcpt == w->nrcpt, "%s: %u recipients", w->file,
                  r->nrcpt);
    if (w->sender)
        ck_assert_msg(!strcmp(r->sender, w->sender), "%s: sender %s",
                      w->file, r->sender);
    for (unsigned i = 0; i < w->nrcpt; i++) {
        const struct bs_dsn_rcpt *g = &r->rcpt[i];
        const struct want_rcpt *e = &w->r[i];
        ck_assert_msg(!strcmp(g->recipient, e->addr), "%s: %s", w->file,
                      g->recipient);
        ck_assert_msg(!strcmp(g->status, e->status), "%s: %s status %s",
                      w->file, e->addr, g->status);
        ck_assert_msg(g->action == e->action, "%s: action %d", w->file,
                      g->action);
        ck_assert_msg(strstr(g->text, e->text) != NULL, "%s: text '%s'",
                      w->file, g->text);
        ck_assert_msg(!strcmp(g->remote_mta, e->remote), "%s: remote %s",
                      w->file, g->remote_mta);
        ck_assert(bs_dsn_is_status(bs_slice_make(g->status,
                                                 strlen(g->status))));
    }
    free(data);
}

START_TEST(test_fixtures)
{
    struct bs_dsn_parser *p = bs_dsn_parser_new();
    for (size_t i = 0; i < BS_ARRAY_LEN(wants); i++)
        check_want(p, &wants[i]);
    bs_dsn_parser_free(p);
}
END_TEST

START_TEST(test_feedback_and_times)
{
    struct bs_dsn_parser *p = bs_dsn_parser_new();
    size_t len;
    char *data = fixture("arf-feedback.eml", &len);
    ck_assert_int_eq(bs_dsn_parse(p, data, len)->other,
                     BS_DSN_OTHER_FEEDBACK);
    free(data);
    data = fixture("postfix-dsn.eml", &len);
    const struct bs_dsn_result *r = bs_dsn_parse(p, data, len);
    /* Arrival-Date: Fri, 27 Nov 2026 18:13:17 +0100 */
    ck_assert_int_eq(r->time, 1795799597);
    ck_assert_str_eq(r->message_id, "offer-2026-11.77@shop.example");
    ck_assert_str_eq(r->reporting_mta, "mx1.shop.example");
    free(data);
    bs_dsn_parser_free(p);
}
END_TEST

START_TEST(test_status_helpers)
{
    static const struct { const char *s; bool ok; } cases[] = {
        { "5.1.1", true },  { "4.7.26", true }, { "2.0.0", true },
        { "5.1.123", true }, { "3.1.1", false }, { "5.1", false },
        { "5.1.1.", false }, { "5..1", false },  { "5.1234.1", false },
    };
    for (size_t i = 0; i < BS_ARRAY_LEN(cases); i++)
        ck_assert_msg(bs_dsn_is_status(bs_slice_make(
                          cases[i].s, strlen(cases[i].s))) == cases[i].ok,
                      "%s", cases[i].s);
}
END_TEST

/* Many recipients: the first BS_DSN_MAX_RCPTS are kept, the rest
 * counted. */
START_TEST(test_recipient_cap)
{
    size_t cap = 64 * 1024, o = 0;
    char *m = malloc(cap);
    o += (size_t)snprintf(m + o, cap - o,
                          "From: MAILER-DAEMON@x.example\n"
                          "Content-Type: multipart/report; boundary=b\n\n"
                          "--b\nContent-Type: message/delivery-status\n\n"
                          "Reporting-MTA: dns; x.example\n\n");
    for (int i = 0; i < 100; i++)
        o += (size_t)snprintf(m + o, cap - o,
                              "Final-Recipient: rfc822; u%d@y.example\n"
                              "Action: failed\nStatus: 5.1.1\n\n",
                              i);
    o += (size_t)snprintf(m + o, cap - o, "--b--\n");
    struct bs_dsn_parser *p = bs_dsn_parser_new();
    const struct bs_dsn_result *r = bs_dsn_parse(p, m, o);
    ck_assert_uint_eq(r->nrcpt, BS_DSN_MAX_RCPTS);
    ck_assert_uint_eq(r->dropped, 100 - BS_DSN_MAX_RCPTS);
    ck_assert_str_eq(r->rcpt[63].recipient, "u63@y.example");
    bs_dsn_parser_free(p);
    free(m);
}
END_TEST

/* Every prefix of every fixture from an allocation of exactly its size:
 * never a crash, never a read outside (ASan), always a verdict. */
START_TEST(test_every_prefix)
{
    struct bs_dsn_parser *p = bs_dsn_parser_new();
    for (size_t i = 0; i < BS_ARRAY_LEN(wants); i++) {
        size_t len;
        char *data = fixture(wants[i].file, &len);
        for (size_t n = 0; n <= len; n++) {
            char *copy = malloc(n ? n : 1);
            memcpy(copy, data, n);
            const struct bs_dsn_result *r = bs_dsn_parse(p, copy, n);
            ck_assert(r->nrcpt <= BS_DSN_MAX_RCPTS);
            for (unsigned k = 0; k < r->nrcpt; k++)
                ck_assert(r->rcpt[k].status[0]);
            free(copy);
        }
        free(data);
    }
    bs_dsn_parser_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The Sisimai corpus                                                  */

struct corpus_rec {
    char rcpt[BS_DSN_ADDR_MAX], status[16], remote[BS_DSN_ADDR_MAX],
        sender[BS_DSN_ADDR_MAX];
    char text[BS_DSN_TEXT_MAX];
    int delayed;
};

struct corpus_file {
    struct bs_dsn_parser *p;
    struct corpus_rec *recs;
    unsigned nrec, messages, bounces, not_bounces, malformed;
};

static void corpus_message(void *ctx, const char *msg, size_t len)
{
    struct corpus_file *f = ctx;
    const struct bs_dsn_result *r = bs_dsn_parse(f->p, msg, len);
    f->messages++;
    f->bounces += r->verdict == BS_DSN_BOUNCE;
    f->not_bounces += r->verdict == BS_DSN_NOT_BOUNCE;
    f->malformed += r->verdict == BS_DSN_MALFORMED;
    for (unsigned i = 0; r->verdict == BS_DSN_BOUNCE && i < r->nrcpt &&
                         f->nrec < 64;
         i++) {
        if (r->rcpt[i].action == BS_DSN_DELIVERED)
            continue;
        struct corpus_rec *c = &f->recs[f->nrec++];
        snprintf(c->rcpt, sizeof c->rcpt, "%s", r->rcpt[i].recipient);
        snprintf(c->status, sizeof c->status, "%s", r->rcpt[i].status);
        snprintf(c->remote, sizeof c->remote, "%s", r->rcpt[i].remote_mta);
        snprintf(c->sender, sizeof c->sender, "%s", r->sender);
        snprintf(c->text, sizeof c->text, "%s", r->rcpt[i].text);
        c->delayed = r->rcpt[i].action == BS_DSN_DELAYED;
    }
}

/* Reads one corpus file (an mbox when it starts with "From "). */
static void corpus_read(struct corpus_file *f, const char *path)
{
    size_t len;
    char *data = bs_test_read_file(path, &len);
    ck_assert_msg(data != NULL, "%s", path);
    f->nrec = f->messages = f->bounces = f->not_bounces = f->malformed = 0;
    struct bs_mailbox mb;
    bs_mailbox_init(&mb, 0);
    bs_mailbox_begin(&mb, len >= 5 && !memcmp(data, "From ", 5));
    bs_mailbox_feed(&mb, data, len, corpus_message, f);
    bs_mailbox_finish(&mb, corpus_message, f);
    bs_mailbox_fini(&mb);
    free(data);
}

/* Files of the expectation table that are not read to a failure. */
static const struct { const char *file, *why; } known_unread[] = {
    { "maildir/bsd/lhost-fml-03.eml",
      "fml mailing-list \"Loop Alert\" to the list admin: no recipient "
      "failed" },
};

static bool is_known_unread(const char *file)
{
    for (size_t i = 0; i < BS_ARRAY_LEN(known_unread); i++)
        if (!strcmp(file, known_unread[i].file))
            return true;
    return false;
}

static bool no_failure(const char *reason)
{
    return !strcmp(reason, "feedback") || !strcmp(reason, "vacation") ||
           !strcmp(reason, "delivered");
}

struct tally {
    char reason[32];
    unsigned rows, match;
};

static void tally_add(struct tally *t, size_t *nt, const char *reason,
                      bool ok)
{
    size_t i = 0;
    while (i < *nt && strcmp(t[i].reason, reason))
        i++;
    if (i == *nt) {
        memset(&t[i], 0, sizeof t[i]);
        snprintf(t[i].reason, sizeof t[i].reason, "%s", reason);
        ++*nt;
    }
    t[i].rows++;
    t[i].match += ok;
}

struct tsv_row {
    char *f[10];
};

static unsigned tsv_split(char *line, struct tsv_row *row)
{
    unsigned k = 0;
    for (char *s = line; k < 10;) {
        row->f[k++] = s;
        char *t = strchr(s, '\t');
        if (!t)
            break;
        *t = '\0';
        s = t + 1;
    }
    return k;
}

/* One row: the recipient at its ordinal in the file, its category. */
static void corpus_row(struct bs_engine *e, struct corpus_file *f,
                       unsigned ordinal, const char *reason,
                       unsigned *read, unsigned *match, struct tally *t,
                       size_t *nt)
{
    if (ordinal >= f->nrec) {
        tally_add(t, nt, reason, false);
        return;
    }
    const struct corpus_rec *c = &f->recs[ordinal];
    struct bs_bounce_event b = { 0, c->sender, c->rcpt, c->remote,
                                 c->status, c->text, c->delayed };
    struct bs_bounce_class cls;
    bs_engine_classify_bounce(e, &b, &cls);
    bool ok = !strcmp(cls.category, reason);
    ++*read;
    *match += ok;
    tally_add(t, nt, reason, ok);
}

START_TEST(test_corpus_expectations)
{
    if (!bs_test_dir_exists(SISIMAI)) {
        printf("sisimai corpus: absent, skipped\n");
        return;
    }
    size_t len;
    char *tsv = bs_test_read_file(SISIMAI "/expected-go-sisimai.tsv", &len);
    ck_assert(tsv != NULL);
    struct bs_engine_options o;
    bs_engine_options_default(&o);
    char err[256], cur[512] = "", path[1024];
    struct bs_engine *e = bs_engine_new(&o, err, sizeof err);
    struct corpus_file f = { bs_dsn_parser_new(),
                             calloc(64, sizeof(struct corpus_rec)), 0, 0, 0,
                             0, 0 };
    struct tally t[64];
    size_t nt = 0;
    unsigned rows = 0, read = 0, match = 0, ordinal = 0, skipped_ok = 0;
    for (char *line = tsv, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        struct tsv_row r;
        if (tsv_split(line, &r) < 5 || !strcmp(r.f[0], "file"))
            continue;
        if (strcmp(cur, r.f[0])) {
            snprintf(cur, sizeof cur, "%s", r.f[0]);
            snprintf(path, sizeof path, "%s/%s", SISIMAI, cur);
            corpus_read(&f, path);
            ordinal = 0;
            if (!is_known_unread(cur))
                ck_assert_msg(f.nrec > 0 || no_failure(r.f[4]),
                              "%s: no recipient read", cur);
        }
        if (no_failure(r.f[4])) {
            ck_assert_msg(f.nrec == 0, "%s: a %s mail counted", cur,
                          r.f[4]);
            skipped_ok++;
            ordinal++;
            continue;
        }
        rows++;
        corpus_row(e, &f, ordinal++, r.f[4], &read, &match, t, &nt);
    }
    printf("sisimai corpus: %u failure rows, %u read to a recipient and a "
           "status, %u with Sisimai's reason (%.1f%%); %u rows of "
           "non-failures not counted\n",
           rows, read, match, rows ? 100.0 * match / rows : 0.0,
           skipped_ok);
    for (size_t i = 0; i < nt; i++)
        printf("  %-16s %3u/%-3u\n", t[i].reason, t[i].match, t[i].rows);
    ck_assert_uint_eq(rows, CORPUS_ROWS);
    ck_assert_uint_ge(read, CORPUS_READ);
    ck_assert_msg(match >= CORPUS_MATCH_FLOOR,
                  "%u rows match Sisimai's reason, below the floor %u",
                  match, CORPUS_MATCH_FLOOR);
    bs_dsn_parser_free(f.p);
    free(f.recs);
    bs_engine_free(e);
    free(tsv);
}
END_TEST

/* Every file of a corpus folder: counts of what it was read as. */
static void corpus_folder(const char *dir, struct corpus_file *f,
                          unsigned *files, unsigned *with_rcpt,
                          unsigned *not_bounces)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[1024];
    *files = *with_rcpt = *not_bounces = 0;
    ck_assert_msg(d != NULL, "%s", dir);
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        corpus_read(f, path);
        ++*files;
        *with_rcpt += f->nrec > 0;
        *not_bounces += f->not_bounces == f->messages;
    }
    closedir(d);
}

START_TEST(test_corpus_folders)
{
    if (!bs_test_dir_exists(SISIMAI)) {
        printf("sisimai corpus: absent, skipped\n");
        return;
    }
    struct corpus_file f = { bs_dsn_parser_new(),
                             calloc(64, sizeof(struct corpus_rec)), 0, 0, 0,
                             0, 0 };
    unsigned files, rcpt, notb;
    corpus_folder(SISIMAI "/maildir/not", &f, &files, &rcpt, &notb);
    printf("maildir/not: %u files, %u not bounces\n", files, notb);
    ck_assert_uint_eq(notb, files);
    corpus_folder(SISIMAI "/maildir/err", &f, &files, &rcpt, &notb);
    printf("maildir/err: %u broken files, %u read to a recipient\n", files,
           rcpt);
    ck_assert_uint_eq(rcpt, files);
    /* CRLF and CR variants: all but the feedback report and the
     * auto-reply (one of each in both) are bounces. */
    corpus_folder(SISIMAI "/maildir/dos", &f, &files, &rcpt, &notb);
    printf("maildir/dos: %u files, %u read to a recipient\n", files, rcpt);
    ck_assert_uint_eq(rcpt + 2, files);
    corpus_folder(SISIMAI "/maildir/mac", &f, &files, &rcpt, &notb);
    printf("maildir/mac: %u files, %u read to a recipient\n", files, rcpt);
    ck_assert_uint_eq(rcpt + 2, files);
    corpus_read(&f, SISIMAI "/mailbox/mbox-0");
    printf("mailbox/mbox-0: %u messages, %u bounces\n", f.messages,
           f.bounces);
    ck_assert_uint_eq(f.messages, 37);
    ck_assert_uint_eq(f.bounces, 37);
    corpus_read(&f, SISIMAI "/mailbox/mbox-1");
    ck_assert_uint_eq(f.bounces, f.messages);
    bs_dsn_parser_free(f.p);
    free(f.recs);
}
END_TEST

static Suite *dsn_suite(void)
{
    Suite *s = suite_create("dsn");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, test_fixtures);
    tcase_add_test(tc, test_feedback_and_times);
    tcase_add_test(tc, test_status_helpers);
    tcase_add_test(tc, test_recipient_cap);
    tcase_add_test(tc, test_every_prefix);
    tcase_add_test(tc, test_corpus_expectations);
    tcase_add_test(tc, test_corpus_folders);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(dsn_suite());
}
