/*
 * check_qmail.c - qmail-send lines: every line form through the syslog
 * prefix (multilog TAI64N, tai64nlocal, splogger) and the qmail parser;
 * and the qmail files of the corpus, when present.
 */
#include "parser.h"
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum bs_parse_result parse(const char *line, struct bs_event *ev)
{
    struct bs_syslog_year y;
    struct bs_syslog_record rec;
    bs_syslog_year_init(&y, 2026, 0);
    ck_assert_msg(bs_syslog_parse(&y, line, strlen(line), &rec) ==
                      BS_SYSLOG_OK, "no prefix: %s", line);
    const struct bs_parser_ops *ops =
        rec.bare ? bs_parser_for_bare() : bs_parser_for_program(rec.program);
    ck_assert_ptr_eq(ops, &bs_qmail_parser);
    return ops->parse(&rec, ev);
}

static void eq(struct bs_slice s, const char *want, const char *what)
{
    ck_assert_msg(s.len == strlen(want) &&
                      (!s.len || memcmp(s.ptr, want, s.len) == 0),
                  "%s: got '%.*s', want '%s'", what, (int)s.len, s.ptr, want);
}

static const struct {
    const char *line;
    enum bs_event_kind kind;
    enum bs_delivery_status status;
    const char *queue_id, *delivery_id, *sender, *recipient, *text, *ip,
        *ns;
} cases[] = {
    { "@4000000069287e1c2a3b4c5d new msg 93869", BS_EV_MESSAGE_NEW, 0,
      "93869", "", "", "", "", "", "" },
    { "@4000000069287e1c2a3b4c5d info msg 93869: bytes 2343 from "
      "<dave@sill.org> qp 18695 uid 49491", BS_EV_MESSAGE_SENDER, 0,
      "93869", "", "dave@sill.org", "", "", "", "" },
    { "@4000000069287e1c2a3b4c5d info msg 54: bytes 743 from <> qp 20357 "
      "uid 666", BS_EV_MESSAGE_SENDER, 0, "54", "", "", "", "", "", "" },
    { "@4000000069287e1c2a3b4c5d starting delivery 2392: msg 93869 to "
      "remote lwq@w3.to", BS_EV_DELIVERY_START, 0, "93869", "2392", "",
      "lwq@w3.to", "", "", "" },
    { "@4000000069287e1c2a3b4c5d starting delivery 1: msg 53 to local "
      "me@domain", BS_EV_DELIVERY_START, 0, "53", "1", "", "me@domain", "",
      "", "" },
    { "@4000000069287e1c2a3b4c5d delivery 2392: success: 209.85.127.177_"
      "accepted_message./Remote_host_said:_250_CAA01516_Message_accepted/",
      BS_EV_DELIVERY, BS_ST_SENT, "", "2392", "", "",
      "209.85.127.177_accepted_message./Remote_host_said:_250_CAA01516_"
      "Message_accepted/", "209.85.127.177", "" },
    { "@4000000069287e1c2a3b4c5d delivery 7: failure: 142.250.4.26_does_not"
      "_like_recipient./Remote_host_said:_550-5.1.1_The_email_account_that_"
      "you_tried_to_reach_does_not_exist./550_5.1.1_gsmtp/", BS_EV_DELIVERY,
      BS_ST_BOUNCED, "", "7", "", "", "142.250.4.26_does_not_like_recipient."
      "/Remote_host_said:_550-5.1.1_The_email_account_that_you_tried_to_"
      "reach_does_not_exist./550_5.1.1_gsmtp/", "142.250.4.26", "" },
    { "@4000000069287e1c2a3b4c5d delivery 8: deferral: Sorry,_I_wasn't_able"
      "_to_establish_an_SMTP_connection._(#4.4.1)/", BS_EV_DELIVERY,
      BS_ST_DEFERRED, "", "8", "", "", "Sorry,_I_wasn't_able_to_establish_"
      "an_SMTP_connection._(#4.4.1)/", "", "" },
    { "@4000000069287e1c2a3b4c5d delivery 9: failure: Connected_to_1.2.3.4_"
      "but_connection_died._(#4.4.2)/I'm_not_going_to_try_again;_this_"
      "message_has_been_in_the_queue_too_long./", BS_EV_DELIVERY,
      BS_ST_EXPIRED, "", "9", "", "", "Connected_to_1.2.3.4_but_connection"
      "_died._(#4.4.2)/I'm_not_going_to_try_again;_this_message_has_been_in"
      "_the_queue_too_long./", "1.2.3.4", "" },
    /* a stray blank inside the text, as in the Life-with-qmail sample */
    { "@4000000069287e1c2a3b4c5d delivery 5: success: 1.2.3.4_accepted_"
      "message. /Remote_host_said:_250_ok/", BS_EV_DELIVERY, BS_ST_SENT, "",
      "5", "", "", "1.2.3.4_accepted_message. /Remote_host_said:_250_ok/",
      "1.2.3.4", "" },
    { "@4000000069287e1c2a3b4c5d end msg 93869", BS_EV_MESSAGE_DONE, 0,
      "93869", "", "", "", "", "", "" },
    { "@4000000069287e1c2a3b4c5d bounce msg 53 qp 20357",
      BS_EV_NOTIFICATION, 0, "", "", "", "", "", "", "" },
    { "@4000000069287e1c2a3b4c5d status: exiting", BS_EV_MTA_RESTART, 0,
      "", "", "", "", "", "", "" },
    /* indimail: tai64nlocal and a queue name */
    { "2020-06-25 08:00:09.681525500 new msg 100926020 queue5",
      BS_EV_MESSAGE_NEW, 0, "100926020", "", "", "", "", "", "queue5" },
    { "2020-06-25 08:00:09.713833500 delivery 1: success: did_0+0+1/ queue5",
      BS_EV_DELIVERY, BS_ST_SENT, "", "1", "", "", "did_0+0+1/", "",
      "queue5" },
    { "2020-06-25 08:00:09.682401500 starting delivery 1: msg 100926020 to "
      "local example.com-postmaster@example.com queue5",
      BS_EV_DELIVERY_START, 0, "100926020", "1", "",
      "example.com-postmaster@example.com", "", "", "queue5" },
    /* splogger: syslog program "qmail" and a Unix stamp first */
    { "Sep 14 09:58:09 gandalf qmail: 1063526289.292776 info msg 270182: "
      "bytes 10712 from <john@john.do> qp 54945 uid 82",
      BS_EV_MESSAGE_SENDER, 0, "270182", "", "john@john.do", "", "", "",
      "" },
    { "Sep 14 09:58:09 gandalf qmail: 1063526289.744259 delivery 251: "
      "success: did_0+0+1/", BS_EV_DELIVERY, BS_ST_SENT, "", "251", "", "",
      "did_0+0+1/", "", "" },
    { "1700000000.123456 end msg 5", BS_EV_MESSAGE_DONE, 0, "5", "", "", "",
      "", "", "" },
};

START_TEST(test_qmail_events)
{
    struct bs_event ev;
    ck_assert_int_eq(parse(cases[_i].line, &ev), BS_PARSE_EVENT);
    ck_assert_int_eq(ev.kind, cases[_i].kind);
    ck_assert_int_eq(ev.mta, BS_MTA_QMAIL);
    if (ev.kind == BS_EV_DELIVERY) {
        ck_assert_int_eq(ev.status, cases[_i].status);
        ck_assert(ev.text_qmail_encoded);
    }
    eq(ev.queue_id, cases[_i].queue_id, "queue_id");
    eq(ev.delivery_id, cases[_i].delivery_id, "delivery_id");
    eq(ev.sender, cases[_i].sender, "sender");
    eq(ev.recipient, cases[_i].recipient, "recipient");
    eq(ev.text, cases[_i].text, "text");
    eq(ev.relay_ip, cases[_i].ip, "relay_ip");
    eq(ev.queue_ns, cases[_i].ns, "queue_ns");
}
END_TEST

/* The relay is the first dotted quad of the text that is not part of a
 * longer run of digits and dots. */
static const struct {
    const char *text, *ip;
} ips[] = {
    { "27.86.113.54_accepted_message./Remote_host_said:_250_ok/",
      "27.86.113.54" },
    { "Connected_to_198.51.100.7_but_greeting_failed./", "198.51.100.7" },
    { "x1.2.3.4_y", "1.2.3.4" },
    { "v01.002.3.4", "01.002.3.4" },
    { "1.2.3.4.5_and_more", "1.2.3.4" },
    { "1.2.3_then_5.6.7.8_", "5.6.7.8" },
    { "1234.5.6.7_then_8.9.10.11", "8.9.10.11" },
    { "1.2.3.4567_no", "" },
    { "1..2.3.4_no", "" },
    { "1.2.3._no", "" },
    { "ends_with_1.2.3.", "" },
    { "no_address_at_all_(#5.1.2)/", "" },
};

START_TEST(test_qmail_relay_ip)
{
    char line[256];
    snprintf(line, sizeof line,
             "@4000000069287e1c2a3b4c5d delivery 1: failure: %s",
             ips[_i].text);
    struct bs_event ev;
    ck_assert_int_eq(parse(line, &ev), BS_PARSE_EVENT);
    eq(ev.relay_ip, ips[_i].ip, "relay_ip");
}
END_TEST

/* The definition, byte by byte: the first digit not after a digit or a
 * dot that begins four runs of one to three digits joined by dots, with
 * no digit after them. */
static size_t first_quad(const char *t, size_t n, size_t *len)
{
    for (size_t p = 0; p < n; p++) {
        if (!bs_is_digit(t[p]) ||
            (p > 0 && (bs_is_digit(t[p - 1]) || t[p - 1] == '.')))
            continue;
        size_t q = p;
        int octets = 0;
        for (;;) {
            size_t s = q;
            while (q < n && q - s < 3 && bs_is_digit(t[q]))
                q++;
            if (q == s || ++octets == 4 || q + 1 >= n || t[q] != '.' ||
                !bs_is_digit(t[q + 1]))
                break;
            q++;
        }
        if (octets == 4 && (q == n || !bs_is_digit(t[q]))) {
            *len = q - p;
            return p;
        }
    }
    *len = 0;
    return 0;
}

/* Texts of digits, dots and two other bytes: the parser's relay is the
 * definition's. */
START_TEST(test_qmail_relay_ip_random)
{
    static const char alphabet[] = "0123456789..._a";
    unsigned seed = 12345;
    for (int i = 0; i < 200000; i++) {
        char text[48], line[128];
        size_t n = 1 + (size_t)(rand_r(&seed) % 40);
        for (size_t k = 0; k < n; k++)
            text[k] = alphabet[rand_r(&seed) % (sizeof alphabet - 1)];
        text[n] = '\0';
        snprintf(line, sizeof line,
                 "@4000000069287e1c2a3b4c5d delivery 1: failure: %s", text);
        struct bs_event ev;
        ck_assert_int_eq(parse(line, &ev), BS_PARSE_EVENT);
        size_t len, at = first_quad(ev.text.ptr, ev.text.len, &len);
        ck_assert_msg(ev.relay_ip.len == len &&
                          (!len || ev.relay_ip.ptr == ev.text.ptr + at),
                      "%s: got '%.*s'", text, (int)ev.relay_ip.len,
                      ev.relay_ip.ptr);
    }
}
END_TEST

static const char *const skipped[] = {
    "@4000000069287e1c2a3b4c5d status: local 0/10 remote 1/20",
    "@4000000069287e1c2a3b4c5d warning: trouble opening local/4/93869",
    "@4000000069287e1c2a3b4c5d alert: unable to append to bounce message",
    "@4000000069287e1c2a3b4c5d triple bounce: discarding bounce/93870",
    "2020-06-25 08:00:09.682393500 local: root@indimail.org "
    "postmaster@example.com 814 queue5",
    "Sep  6 07:33:33 sd6 qmail: 1157520813.485077 rblsmtpd: 198.51.100.77 "
    "pid 19597 sbl-xbl.spamhaus.org: 451",
};

START_TEST(test_qmail_skipped)
{
    struct bs_event ev;
    ck_assert_int_eq(parse(skipped[_i], &ev), BS_PARSE_SKIPPED);
}
END_TEST

static const char *const unparsed[] = {
    "@4000000069287e1c2a3b4c5d new msg x",
    "@4000000069287e1c2a3b4c5d info msg 5: bytes 1 from <unterminated",
    "@4000000069287e1c2a3b4c5d starting delivery 1: msg 2 to mars x@y",
    "@4000000069287e1c2a3b4c5d delivery 3: exploded: text",
    "@4000000069287e1c2a3b4c5d end msg 5 trailing garbage",
};

START_TEST(test_qmail_unparsed)
{
    struct bs_event ev;
    ck_assert_int_eq(parse(unparsed[_i], &ev), BS_PARSE_UNPARSED);
}
END_TEST

/* The qmail files of the corpus: every line with a qmail-send verb parses
 * to an event (the notqmail doc lines get a stamp first). */
static void check_corpus_file(const char *path, const char *prefix,
                              int *events)
{
    size_t len;
    char *text = bs_test_read_file(path, &len);
    ck_assert_ptr_nonnull(text);
    char line[4096];
    for (char *p = text, *nl; *p; p = nl ? nl + 1 : p + strlen(p)) {
        nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        int m = snprintf(line, sizeof line, "%s%.*s", prefix, (int)n, p);
        if (m <= 0 || (size_t)m >= sizeof line)
            continue;
        if (!strstr(line, " msg ") && !strstr(line, "delivery "))
            continue;
        struct bs_event ev;
        ck_assert_msg(parse(line, &ev) == BS_PARSE_EVENT, "%s: %s", path,
                      line);
        (*events)++;
        if (!nl)
            break;
    }
    free(text);
}

START_TEST(test_qmail_corpus)
{
    if (!bs_test_dir_exists(BS_CORPORA)) {
        printf("corpora not present, skipping\n");
        return;
    }
    static const struct {
        const char *path, *prefix;
    } files[] = {
        { "/qmail_log-alotofwe/spec/helper/files/log/one.log", "" },
        { "/qmail_log-alotofwe/spec/helper/files/log/two.log", "" },
        { "/qmail_log-alotofwe/spec/helper/files/log/three/three.log", "" },
        { "/fluent-plugin-tai64n_parser/extracted/README.md-qmail-send-"
          "input.log", "" },
        { "/indimail-docker/extracted/README.md-deliver.25-lines.log", "" },
        /* doc lines "qmail: new msg 53": give them a syslog stamp */
        { "/notqmail/extracted/TEST.deliver.md-lines.log",
          "Nov 27 10:00:00 mx " },
    };
    int events = 0;
    char path[1024];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s%s", BS_CORPORA, files[i].path);
        check_corpus_file(path, files[i].prefix, &events);
    }
    printf("qmail corpus: %d qmail-send events checked\n", events);
    ck_assert_int_gt(events, 50);
}
END_TEST

static Suite *qmail_suite(void)
{
    Suite *s = suite_create("qmail");
    TCase *tc = tcase_create("lines");
    tcase_add_loop_test(tc, test_qmail_events, 0,
                        (int)(sizeof cases / sizeof *cases));
    tcase_add_loop_test(tc, test_qmail_skipped, 0,
                        (int)(sizeof skipped / sizeof *skipped));
    tcase_add_loop_test(tc, test_qmail_unparsed, 0,
                        (int)(sizeof unparsed / sizeof *unparsed));
    tcase_add_loop_test(tc, test_qmail_relay_ip, 0, (int)BS_ARRAY_LEN(ips));
    tcase_add_test(tc, test_qmail_relay_ip_random);
    tcase_add_test(tc, test_qmail_corpus);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(qmail_suite());
}
