/*
 * check_syslog.c - tests of parsers/syslog.h, the syslog prefix
 *
 * Covers every prefix shape syslog.h accepts (BSD with padded, unpadded and
 * zero-padded days, "<PRI>" before BSD, RFC 3339 with fraction and offset,
 * "Z", journalctl short-iso "+0100", RFC 5424 with and without structured
 * data), the program forms Postfix and its neighbours write, the error codes
 * for lines that are not syslog, year inference for BSD stamps (explicit
 * year with the December -> January rollover, and reference-time mode) and
 * the civil-date arithmetic under all of it.
 */
#include "syslog.h"
#include "support.h"

#include <stdio.h>
#include <string.h>

/* Explicit year used for the BSD stamps of the prefix table. */
#define TEST_YEAR 2026

static void assert_slice(struct bs_slice got, const char *want,
                         const char *field, const char *line)
{
    size_t n = strlen(want);
    ck_assert_msg(got.len == n && memcmp(got.ptr, want, n) == 0,
                  "%s: got \"%.*s\", want \"%s\" in \"%s\"", field,
                  (int)got.len, got.ptr, want, line);
}

static int parse_line(struct bs_syslog_year *y, const char *line,
                      struct bs_syslog_record *r)
{
    return bs_syslog_parse(y, line, strlen(line), r);
}

/* ------------------------------------------------------------------ */
/* Lines that parse: every field checked                               */

struct prefix_case {
    const char *line;
    int64_t time; /* Unix seconds UTC; BSD stamps in TEST_YEAR */
    const char *host, *program, *pid, *message;
};

static const struct prefix_case prefix_cases[] = {
    /* BSD, two-digit day: 2026-11-27T18:13:18Z */
    { "Nov 27 18:13:18 mx1 postfix/smtp[4711]: 3F2A81C0B7: to=<a@b.example>",
      1795803198, "mx1", "postfix/smtp", "4711",
      "3F2A81C0B7: to=<a@b.example>" },
    /* BSD, single-digit day padded with a space: 2026-03-07T02:09:33Z */
    { "Mar  7 02:09:33 gw postfix/smtpd[27246]: connect from x[192.0.2.1]",
      1772849373, "gw", "postfix/smtpd", "27246",
      "connect from x[192.0.2.1]" },
    /* BSD, single-digit day without padding (fail2ban's sample) */
    { "Mar 7 02:09:33 gw postfix/smtpd[27246]: connect from x[192.0.2.1]",
      1772849373, "gw", "postfix/smtpd", "27246",
      "connect from x[192.0.2.1]" },
    /* BSD, zero-padded day: 2026-06-04T22:24:28Z */
    { "Jun 04 22:24:28 relay postfix/qmgr[801]: 9C1D2E3F4A: removed",
      1780611868, "relay", "postfix/qmgr", "801", "9C1D2E3F4A: removed" },
    /* <PRI> before a BSD stamp */
    { "<22>Nov 27 18:13:18 mx1 postfix/qmgr[99]: 3F2A81C0B7: removed",
      1795803198, "mx1", "postfix/qmgr", "99", "3F2A81C0B7: removed" },
    /* RFC 3339 with microseconds and +01:00: 2023-03-13T23:00:31Z */
    { "2023-03-14T00:00:31.185246+01:00 smtp2 postfix/postscreen[610]: "
      "CONNECT from [198.51.100.7]:40716 to [203.0.113.5]:25",
      1678748431, "smtp2", "postfix/postscreen", "610",
      "CONNECT from [198.51.100.7]:40716 to [203.0.113.5]:25" },
    /* RFC 3339 in UTC with "Z": 2024-08-26T01:33:38Z */
    { "2024-08-26T01:33:38.572449Z box postfix/smtpd[60203]: lost connection",
      1724636018, "box", "postfix/smtpd", "60203", "lost connection" },
    /* RFC 3339 with +00:00 and no fraction */
    { "2024-08-26T01:33:38+00:00 box postfix/smtpd[60203]: lost connection",
      1724636018, "box", "postfix/smtpd", "60203", "lost connection" },
    /* journalctl -o short-iso: "+0100" (2026-11-27T17:13:18Z) */
    { "2026-11-27T18:13:18+0100 mx1 postfix/smtp[1234]: disconnect",
      1795799598, "mx1", "postfix/smtp", "1234", "disconnect" },
    /* a negative offset: 18:13:18-01:00 is 19:13:18Z */
    { "2026-11-27T18:13:18-01:00 mx1 postfix/smtp[1234]: disconnect",
      1795806798, "mx1", "postfix/smtp", "1234", "disconnect" },
    /* a space instead of the "T", no zone (taken as UTC) */
    { "2026-11-27 18:13:18 mx1 postfix/smtp[1234]: disconnect", 1795803198,
      "mx1", "postfix/smtp", "1234", "disconnect" },
    /* RFC 5424, no structured data */
    { "<22>1 2026-11-27T18:13:18.123Z mx1 postfix/smtp 1234 - - "
      "3F2A81C0B7: to=<a@b.example>, status=sent (250 ok)",
      1795803198, "mx1", "postfix/smtp", "1234",
      "3F2A81C0B7: to=<a@b.example>, status=sent (250 ok)" },
    /* RFC 5424 with structured data */
    { "<22>1 2026-11-27T18:13:18Z mx1 postfix/smtp 1234 ID47 [x@1 a=\"b\"] "
      "3F2A81C0B7: removed",
      1795803198, "mx1", "postfix/smtp", "1234", "3F2A81C0B7: removed" },
    /* RFC 5424: an escaped ']' inside a parameter value */
    { "<22>1 2026-11-27T18:13:18Z mx1 postfix/qmgr 77 - "
      "[origin@32473 x=\"a\\]b\"] 3F2A81C0B7: removed",
      1795803198, "mx1", "postfix/qmgr", "77", "3F2A81C0B7: removed" },
    /* RFC 5424: two SD-ELEMENTs back to back */
    { "<22>1 2026-11-27T18:13:18Z mx1 postfix/qmgr 77 - "
      "[timeQuality tzKnown=\"1\"][origin@32473 ip=\"192.0.2.9\"] "
      "3F2A81C0B7: removed",
      1795803198, "mx1", "postfix/qmgr", "77", "3F2A81C0B7: removed" },
    /* RFC 5424: nil PROCID, a BOM before the message */
    { "<22>1 2026-11-27T19:13:18+01:00 mx1 postfix/qmgr - - - "
      "\xef\xbb\xbf" "3F2A81C0B7: removed",
      1795803198, "mx1", "postfix/qmgr", "", "3F2A81C0B7: removed" },
    /* multi-instance syslog_name with an IP in it */
    { "Sep 16 00:07:41 out07 postfix-10.20.30.40/smtp[31868]: 0D59F4165A: "
      "lost connection",
      1789517261, "out07", "postfix-10.20.30.40/smtp", "31868",
      "0D59F4165A: lost connection" },
    /* a service name between instance and daemon */
    { "Oct 30 12:38:21 mx1 postfix/submission/smtpd[2634]: connect from x",
      1793363901, "mx1", "postfix/submission/smtpd", "2634",
      "connect from x" },
    /* program without a pid */
    { "May  5 18:56:52 imap1 dovecot: imap(ann@example.org)<28358>: "
      "Disconnected: Logged out",
      1778007412, "imap1", "dovecot", "",
      "imap(ann@example.org)<28358>: Disconnected: Logged out" },
    { "Sep 14 09:58:09 gandalf qmail: 1063526289.292776 info msg 270182: "
      "bytes 10712 from <jo@example.org> qp 54945 uid 82",
      1789379889, "gandalf", "qmail", "",
      "1063526289.292776 info msg 270182: bytes 10712 from "
      "<jo@example.org> qp 54945 uid 82" },
    /* a program name that merely starts with "postfix" */
    { "Jan  1 00:00:00 hostname postfix1[12345]: foo", 1767225600,
      "hostname", "postfix1", "12345", "foo" },
    /* a message that is empty after the colon */
    { "Jan  1 00:00:00 hostname postfix/master[1]:", 1767225600, "hostname",
      "postfix/master", "1", "" },
};

START_TEST(test_prefix_fields)
{
    const struct prefix_case *tc = &prefix_cases[_i];
    struct bs_syslog_year y;
    struct bs_syslog_record r;
    bs_syslog_year_init(&y, TEST_YEAR, 0);
    int rc = parse_line(&y, tc->line, &r);
    ck_assert_msg(rc == BS_SYSLOG_OK, "rc %d for \"%s\"", rc, tc->line);
    ck_assert_msg(r.time == tc->time, "time %lld, want %lld for \"%s\"",
                  (long long)r.time, (long long)tc->time, tc->line);
    assert_slice(r.host, tc->host, "host", tc->line);
    assert_slice(r.program, tc->program, "program", tc->line);
    assert_slice(r.pid, tc->pid, "pid", tc->line);
    assert_slice(r.message, tc->message, "message", tc->line);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Lines that do not parse                                             */

struct error_case {
    const char *line;
    int rc;
};

static const struct error_case error_cases[] = {
    { "", BS_SYSLOG_ENOTIME },
    { "Jan", BS_SYSLOG_ENOTIME },
    { "Foo 1 00:00:00 hostname", BS_SYSLOG_ENOTIME },
    { "Jan: 1 00:00:00 hostname postfix/postscreen[12345]: foo",
      BS_SYSLOG_ENOTIME },
    { "jan  1 00:00:00 hostname postfix/smtpd[1]: lowercase month",
      BS_SYSLOG_ENOTIME },
    { "Jan 32 00:00:00 hostname postfix/smtpd[1]: day out of range",
      BS_SYSLOG_ENOTIME },
    { "Jan  0 00:00:00 hostname postfix/smtpd[1]: day zero",
      BS_SYSLOG_ENOTIME },
    { "Jan  1 24:00:00 hostname postfix/smtpd[1]: hour out of range",
      BS_SYSLOG_ENOTIME },
    { "Jan  1 00:60:00 hostname postfix/smtpd[1]: minute out of range",
      BS_SYSLOG_ENOTIME },
    { "Jan  1 0:00:00 hostname postfix/smtpd[1]: one-digit hour",
      BS_SYSLOG_ENOTIME },
    { "Jan  1 00:00:00hostname postfix/smtpd[1]: no space", BS_SYSLOG_ENOTIME },
    { "2026-13-01T00:00:00Z host postfix/smtpd[1]: month 13",
      BS_SYSLOG_ENOTIME },
    { "2026-11-27T18:13:18+1:00 host postfix/smtpd[1]: bad offset",
      BS_SYSLOG_ENOTIME },
    { "2026-11-27X18:13:18Z host postfix/smtpd[1]: bad separator",
      BS_SYSLOG_ENOTIME },
    { "<22 Nov 27 18:13:18 mx1 postfix/smtpd[1]: unterminated PRI",
      BS_SYSLOG_ENOTIME },
    { "<>Nov 27 18:13:18 mx1 postfix/smtpd[1]: empty PRI", BS_SYSLOG_ENOTIME },
    { "\"2003-11-06 00:00:42\",\"2003-11-06 00:00:45\",SMTPI,9443",
      BS_SYSLOG_ENOTIME },
    { "<22>1 - mx1 postfix/smtp 1 - - nil timestamp", BS_SYSLOG_ENOTIME },
    /* a timestamp, then no "prog[pid]:" */
    { "Jan 1 00:00:00", BS_SYSLOG_ENOPROG },
    { "Jan  1 00:00:00", BS_SYSLOG_ENOPROG },
    { "Jan  1 00:00:00 ", BS_SYSLOG_ENOPROG },
    { "Jan 1 00:00:00 hostname", BS_SYSLOG_ENOPROG },
    { "Jan 1 00:00:00 hostname postfix/postscreen[abcde]: foo",
      BS_SYSLOG_ENOPROG },
    { "Jan 1 00:00:00 hostname postfix/postscreen[12345", BS_SYSLOG_ENOPROG },
    { "Jan 1 00:00:00 hostname postfix/postscreen[12345]", BS_SYSLOG_ENOPROG },
    { "Jan 1 00:00:00 hostname postfix/postscreen", BS_SYSLOG_ENOPROG },
    { "Jan 1 00:00:00 hostname postfix/postscreen[]: empty pid",
      BS_SYSLOG_ENOPROG },
    { "Jan 1 00:00:00 hostname [12345]: no program", BS_SYSLOG_ENOPROG },
    { "<22>1 2026-11-27T18:13:18Z mx1 - 1 - - nil app", BS_SYSLOG_ENOPROG },
    { "<22>1 2026-11-27T18:13:18Z mx1 postfix/smtp 1 - [x@1 a=\"b\" cut",
      BS_SYSLOG_ENOPROG },
    { "<22>1 2026-11-27T18:13:18Z mx1 postfix/smtp 1 - junk",
      BS_SYSLOG_ENOPROG },
};

START_TEST(test_prefix_errors)
{
    const struct error_case *tc = &error_cases[_i];
    struct bs_syslog_year y;
    struct bs_syslog_record r;
    bs_syslog_year_init(&y, TEST_YEAR, 0);
    int rc = parse_line(&y, tc->line, &r);
    ck_assert_msg(rc == tc->rc, "rc %d, want %d for \"%s\"", rc, tc->rc,
                  tc->line);
}
END_TEST

/* The parser reads only the given length: a valid line cut short by len,
 * followed by bytes that would complete it, must not parse as whole. */
START_TEST(test_prefix_respects_len)
{
    static const char line[] = "Nov 27 18:13:18 mx1 postfix/smtp[4711]: x";
    struct bs_syslog_year y;
    struct bs_syslog_record r;
    bs_syslog_year_init(&y, TEST_YEAR, 0);
    size_t cut = strlen("Nov 27 18:13:18 mx1 postfix/smtp[47");
    ck_assert_int_eq(bs_syslog_parse(&y, line, cut, &r), BS_SYSLOG_ENOPROG);
    cut = strlen("Nov 27 18:1");
    ck_assert_int_eq(bs_syslog_parse(&y, line, cut, &r), BS_SYSLOG_ENOTIME);
    for (size_t n = 0; n < sizeof line - 1; n++)
        (void)bs_syslog_parse(&y, line, n, &r); /* no overread (ASan) */
}
END_TEST

/* ------------------------------------------------------------------ */
/* Year inference                                                      */

struct year_step {
    const char *line;
    int64_t time;
};

/* Consecutive lines of one file read with explicit year 2026. */
static const struct year_step rollover_steps[] = {
    { "Dec 30 10:00:00 h p[1]: m", 1798624800 },  /* 2026-12-30 */
    { "Dec 31 23:59:59 h p[1]: m", 1798761599 },  /* 2026-12-31 */
    { "Jan  1 00:00:01 h p[1]: m", 1798761601 },  /* 2027-01-01 */
    { "Dec 31 23:59:59 h p[1]: m", 1798761599 },  /* a late line: 2026 */
    { "Jan  2 06:00:00 h p[1]: m", 1798869600 },  /* 2027-01-02 */
    { "Jan  5 00:00:00 h p[1]: m", 1799107200 },  /* 2027-01-05 */
};

START_TEST(test_year_explicit_rollover)
{
    struct bs_syslog_year y;
    struct bs_syslog_record r;
    bs_syslog_year_init(&y, 2026, 0);
    for (size_t i = 0; i < BS_ARRAY_LEN(rollover_steps); i++) {
        const struct year_step *s = &rollover_steps[i];
        ck_assert_int_eq(parse_line(&y, s->line, &r), BS_SYSLOG_OK);
        ck_assert_msg(r.time == s->time, "step %zu: %lld, want %lld", i,
                      (long long)r.time, (long long)s->time);
    }
}
END_TEST

/* Months moving forward within a year never change the year; explicit
 * zoned stamps are not affected by the BSD year state. */
START_TEST(test_year_explicit_no_false_rollover)
{
    static const char *const lines[] = {
        "Jan  1 00:00:00 h p[1]: m", "Mar 10 00:00:00 h p[1]: m",
        "Jul  1 00:00:00 h p[1]: m", "2030-02-01T00:00:00Z h p[1]: m",
        "Nov 30 00:00:00 h p[1]: m",
    };
    static const int64_t want[] = {
        1767225600, /* 2026-01-01 */
        1773100800, /* 2026-03-10 */
        1782864000, /* 2026-07-01 */
        1896134400, /* 2030-02-01 */
        1795996800, /* 2026-11-30 */
    };
    struct bs_syslog_year y;
    struct bs_syslog_record r;
    bs_syslog_year_init(&y, 2026, 0);
    for (size_t i = 0; i < BS_ARRAY_LEN(lines); i++) {
        ck_assert_int_eq(parse_line(&y, lines[i], &r), BS_SYSLOG_OK);
        ck_assert_msg(r.time == want[i], "line %zu: %lld, want %lld", i,
                      (long long)r.time, (long long)want[i]);
    }
}
END_TEST

/* Reference time 2027-01-05T00:00:00Z (a file's mtime): each stamp goes to
 * the latest year that puts it no more than a day after the reference. */
static const struct year_step reference_steps[] = {
    { "Dec 30 10:00:00 h p[1]: m", 1798624800 }, /* 2026-12-30 */
    { "Jan  2 06:00:00 h p[1]: m", 1798869600 }, /* 2027-01-02 */
    { "Jan  5 00:00:00 h p[1]: m", 1799107200 }, /* 2027-01-05 */
    { "Jan  6 00:00:00 h p[1]: m", 1799193600 }, /* ref + 1 day: 2027 */
    { "Jan  6 00:00:01 h p[1]: m", 1767657601 }, /* beyond: 2026-01-06 */
    { "Feb 29 12:00:00 h p[1]: m", 1709208000 }, /* 2024-02-29 */
};

START_TEST(test_year_reference)
{
    const int64_t ref = 1799107200; /* 2027-01-05T00:00:00Z */
    for (size_t i = 0; i < BS_ARRAY_LEN(reference_steps); i++) {
        const struct year_step *s = &reference_steps[i];
        struct bs_syslog_year y;
        struct bs_syslog_record r;
        bs_syslog_year_init(&y, 0, ref);
        ck_assert_int_eq(parse_line(&y, s->line, &r), BS_SYSLOG_OK);
        ck_assert_msg(r.time == s->time, "\"%s\": %lld, want %lld", s->line,
                      (long long)r.time, (long long)s->time);
    }
}
END_TEST

/* A leap day is placed in the latest leap year before the reference. */
START_TEST(test_year_reference_leap_day)
{
    struct bs_syslog_year y;
    struct bs_syslog_record r;
    /* reference 2029-03-10: Feb 29 cannot be 2029; it is 2028-02-29 */
    int64_t ref = bs_days_from_civil(2029, 3, 10) * 86400;
    bs_syslog_year_init(&y, 0, ref);
    ck_assert_int_eq(parse_line(&y, "Feb 29 12:00:00 h p[1]: m", &r),
                     BS_SYSLOG_OK);
    ck_assert_int_eq(r.time, 1835438400); /* 2028-02-29T12:00:00Z */
    /* reference 2028-03-10: this year's */
    ref = bs_days_from_civil(2028, 3, 10) * 86400;
    bs_syslog_year_init(&y, 0, ref);
    ck_assert_int_eq(parse_line(&y, "Feb 29 12:00:00 h p[1]: m", &r),
                     BS_SYSLOG_OK);
    ck_assert_int_eq(r.time, 1835438400);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Civil dates                                                         */

struct civil_case {
    int64_t year;
    int month, day;
    int64_t days;
};

static const struct civil_case civil_cases[] = {
    { 1970, 1, 1, 0 },         { 1969, 12, 31, -1 },
    { 2000, 2, 29, 11016 },    { 2038, 1, 19, 24855 },
    { 1900, 3, 1, -25508 },    { 1600, 2, 29, -135081 },
    { 1583, 1, 1, -141349 },   { 2100, 3, 1, 47541 },
    { 9999, 12, 31, 2932896 }, { 0, 3, 1, -719468 },
};

START_TEST(test_civil_known_dates)
{
    const struct civil_case *tc = &civil_cases[_i];
    ck_assert_int_eq(bs_days_from_civil(tc->year, tc->month, tc->day),
                     tc->days);
    int64_t y;
    int m, d;
    bs_civil_from_days(tc->days, &y, &m, &d);
    ck_assert_int_eq(y, tc->year);
    ck_assert_int_eq(m, tc->month);
    ck_assert_int_eq(d, tc->day);
}
END_TEST

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Walks every day from 1200-01-01 to 2800-12-31: consecutive day numbers
 * are consecutive calendar dates, and both functions agree. */
START_TEST(test_civil_round_trip)
{
    int64_t y = 1200;
    int m = 1, d = 1;
    int64_t first = bs_days_from_civil(y, m, d);
    for (int64_t n = first; y <= 2800; n++) {
        ck_assert_int_eq(bs_days_from_civil(y, m, d), n);
        int64_t gy;
        int gm, gd;
        bs_civil_from_days(n, &gy, &gm, &gd);
        if (gy != y || gm != m || gd != d)
            ck_abort_msg("day %lld: %lld-%d-%d, want %lld-%d-%d",
                         (long long)n, (long long)gy, gm, gd, (long long)y,
                         m, d);
        if (++d > month_days(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* Bare stamps: multilog (TAI64N), tai64nlocal and Unix seconds        */

static const struct {
    const char *line;
    int64_t time;
    const char *message;
} bare_cases[] = {
    /* fluent-plugin-tai64n_parser's example: 2014-02-12 13:50:11 +09:00 */
    { "@4000000052fafd8d3298434c new msg 3890", 1392180611, "new msg 3890" },
    /* the Life-with-qmail sample: 2000-03-06T17:45:10Z */
    { "@4000000038c3eeb027f41c7c new msg 93869", 952364710,
      "new msg 93869" },
    { "2003-09-27 11:22:07.039237500 starting delivery 3714: msg 163844",
      1064661727, "starting delivery 3714: msg 163844" },
    { "2020-06-25 08:00:09.681525500 new msg 100926020 queue5", 1593072009,
      "new msg 100926020 queue5" },
    { "1063526289.292776 info msg 270182: bytes 10712", 1063526289,
      "info msg 270182: bytes 10712" },
};

START_TEST(test_bare_stamps)
{
    struct bs_syslog_year y;
    struct bs_syslog_record r;
    bs_syslog_year_init(&y, 0, 1795780800);
    const char *line = bare_cases[_i].line;
    ck_assert_int_eq(bs_syslog_parse(&y, line, strlen(line), &r),
                     BS_SYSLOG_OK);
    ck_assert(r.bare);
    ck_assert_int_eq(r.time, bare_cases[_i].time);
    ck_assert_uint_eq(r.program.len, 0);
    ck_assert_uint_eq(r.message.len, strlen(bare_cases[_i].message));
    ck_assert(memcmp(r.message.ptr, bare_cases[_i].message,
                     r.message.len) == 0);
}
END_TEST

static const char *const not_bare[] = {
    "@4000000052fafd8d3298434 short label",
    "@400000005zfafd8d3298434c not hex",
    "12345678.123 too few digits",
    "1700000000 no fraction",
    "2026-11-27T18:13:18.123 host-without-program",
};

START_TEST(test_not_bare)
{
    struct bs_syslog_year y;
    struct bs_syslog_record r;
    bs_syslog_year_init(&y, 0, 1795780800);
    ck_assert_int_ne(bs_syslog_parse(&y, not_bare[_i], strlen(not_bare[_i]),
                                     &r), BS_SYSLOG_OK);
}
END_TEST

/* A line whose stamp repeats the line before's takes its time from it,
 * but only under the same reference time and year state. */
START_TEST(test_stamp_repeats)
{
    struct bs_syslog_year y;
    struct bs_syslog_record r;
    const char *jan6 = "Jan  6 00:00:00 h p[1]: m";
    bs_syslog_year_init(&y, 0, 1799107200); /* 2027-01-05 */
    ck_assert_int_eq(parse_line(&y, jan6, &r), BS_SYSLOG_OK);
    ck_assert_int_eq(r.time, 1799193600); /* 2027-01-06 */
    ck_assert_int_eq(parse_line(&y, jan6, &r), BS_SYSLOG_OK);
    ck_assert_int_eq(r.time, 1799193600);
    y.ref_time = 1780272000; /* 2026-06-01: the next input's */
    ck_assert_int_eq(parse_line(&y, jan6, &r), BS_SYSLOG_OK);
    ck_assert_int_eq(r.time, 1767657600); /* 2026-01-06 */
    /* the same 15 characters with a fraction after them */
    ck_assert_int_eq(parse_line(&y, "Jan  6 00:00:00.25 h p[1]: m", &r),
                     BS_SYSLOG_OK);
    ck_assert_int_eq(r.time, 1767657600);
    ck_assert_int_eq(parse_line(&y, "Jan  6 00:00:00", &r),
                     BS_SYSLOG_ENOPROG);

    /* explicit year, its state set from outside (a checkpoint's) */
    const char *dec31 = "Dec 31 23:59:59 h p[1]: m";
    bs_syslog_year_init(&y, 2026, 0);
    ck_assert_int_eq(parse_line(&y, dec31, &r), BS_SYSLOG_OK);
    ck_assert_int_eq(r.time, 1798761599); /* 2026-12-31 */
    y.cur_year = 2030;
    ck_assert_int_eq(parse_line(&y, dec31, &r), BS_SYSLOG_OK);
    ck_assert_int_eq(r.time, bs_days_from_civil(2030, 12, 31) * 86400 +
                                 86399);
    y.last_month = 1; /* then Dec is a late line from the year before */
    ck_assert_int_eq(parse_line(&y, dec31, &r), BS_SYSLOG_OK);
    ck_assert_int_eq(r.time, bs_days_from_civil(2029, 12, 31) * 86400 +
                                 86399);

    /* TAI64N: the same second with other nanoseconds, or bad ones */
    bs_syslog_year_init(&y, 0, 0);
    ck_assert_int_eq(parse_line(&y, "@4000000052fafd8d32984340 a", &r),
                     BS_SYSLOG_OK);
    int64_t t = r.time;
    ck_assert_int_eq(parse_line(&y, "@4000000052fafd8d00000001 b", &r),
                     BS_SYSLOG_OK);
    ck_assert_int_eq(r.time, t);
    ck_assert_int_ne(parse_line(&y, "@4000000052fafd8d0000000x b", &r),
                     BS_SYSLOG_OK);
    ck_assert_int_eq(parse_line(&y, "@4000000052fafd8e00000001 c", &r),
                     BS_SYSLOG_OK);
    ck_assert_int_eq(r.time, t + 1);
}
END_TEST

/* The grammar after a BSD stamp, " host prog[pid]: message", walked
 * byte by byte: what bs_syslog_parse must give (its 48-byte fast path
 * and its cursor walk both). */
static int reference_host_program(const char *line, size_t len,
                                  struct bs_syslog_record *r)
{
    const char *p = line + 15, *end = line + len;
    if (p == end)
        return BS_SYSLOG_ENOPROG;
    if (*p++ != ' ')
        return BS_SYSLOG_ENOTIME;
    const char *host = p;
    while (p < end && *p != ' ')
        p++;
    r->host = bs_slice_make(host, (size_t)(p - host));
    if (p < end)
        p++;
    const char *prog = p;
    while (p < end && *p != '[' && *p != ':' && *p != ' ')
        p++;
    if (!r->host.len || p == prog || p == end)
        return BS_SYSLOG_ENOPROG;
    r->program = bs_slice_make(prog, (size_t)(p - prog));
    r->pid = bs_slice_make(p, 0);
    if (*p == '[') {
        const char *pid = ++p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == pid || p == end || *p != ']')
            return BS_SYSLOG_ENOPROG;
        r->pid = bs_slice_make(pid, (size_t)(p++ - pid));
    }
    if (p == end || *p++ != ':')
        return BS_SYSLOG_ENOPROG;
    if (p < end && *p == ' ')
        p++;
    r->message = bs_slice_make(p, (size_t)(end - p));
    return BS_SYSLOG_OK;
}

static bool same_slice(struct bs_slice a, struct bs_slice b)
{
    return a.ptr == b.ptr && a.len == b.len;
}

/* Random lines around the usual shape, short and long (the fast path
 * reads 48 bytes after the stamp's blank), against the reference. */
START_TEST(test_host_program_random)
{
    static const char alphabet[] = "  [[]]::0123456789ab/-.x";
    static const char *const shapes[] = {
        " mx1 postfix/smtpd[1234]: connect from unknown[192.0.2.1]",
        " mail.example.com postfix/submission/smtpd[98765]: 4BC1: client=x",
        " h p: m", " host-name-of-some-length.example.net dovecot: imap",
    };
    struct bs_syslog_year y;
    bs_syslog_year_init(&y, TEST_YEAR, 0);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    char line[160];
    unsigned fast_ok = 0;
    for (int iter = 0; iter < 300000; iter++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t x = seed >> 17;
        memcpy(line, "Nov  1 00:00:02", 15);
        size_t n = 15;
        if (x & 1) {
            const char *sh = shapes[(x >> 1) % 4];
            size_t m = strlen(sh);
            memcpy(line + n, sh, m);
            n += m;
            int edits = (int)((x >> 3) % 4);
            for (int e = 0; e < edits; e++) {
                seed = seed * 6364136223846793005ull + 1;
                size_t at = 15 + (size_t)(seed >> 33) % m;
                line[at] = alphabet[(seed >> 20) % (sizeof alphabet - 1)];
            }
        } else {
            size_t m = (size_t)((x >> 1) % 70);
            for (size_t k = 0; k < m; k++) {
                seed = seed * 6364136223846793005ull + 1;
                line[n++] = alphabet[(seed >> 33) % (sizeof alphabet - 1)];
            }
        }
        if (n > 15 && line[15] != ' ')
            line[15] = 'x'; /* not a fraction or more of the time */
        size_t pad = (size_t)((x >> 9) % 3) * 30; /* long lines too */
        for (size_t k = 0; k < pad; k++)
            line[n++] = k % 7 ? 'z' : ' ';
        line[n] = '\0';
        struct bs_syslog_record got, want;
        memset(&want, 0, sizeof want);
        int rc = bs_syslog_parse(&y, line, n, &got);
        int want_rc = reference_host_program(line, n, &want);
        ck_assert_msg(rc == want_rc, "\"%s\": %d, want %d", line, rc,
                      want_rc);
        if (rc != BS_SYSLOG_OK)
            continue;
        ck_assert_msg(got.time == bs_days_from_civil(TEST_YEAR, 11, 1) *
                                          86400 + 2 && !got.bare,
                      "\"%s\": time %lld", line, (long long)got.time);
        ck_assert_msg(same_slice(got.host, want.host) &&
                          same_slice(got.program, want.program) &&
                          same_slice(got.pid, want.pid) &&
                          same_slice(got.message, want.message),
                      "\"%s\": fields differ", line);
        fast_ok += n >= 64; /* a look at 48 bytes of the line itself */
    }
    ck_assert_uint_gt(fast_ok, 10000);
}
END_TEST

static Suite *syslog_suite(void)
{
    Suite *s = suite_create("syslog");
    TCase *tc = tcase_create("prefix");
    tcase_add_loop_test(tc, test_prefix_fields, 0,
                        (int)BS_ARRAY_LEN(prefix_cases));
    tcase_add_loop_test(tc, test_prefix_errors, 0,
                        (int)BS_ARRAY_LEN(error_cases));
    tcase_add_test(tc, test_prefix_respects_len);
    tcase_add_loop_test(tc, test_bare_stamps, 0,
                        (int)BS_ARRAY_LEN(bare_cases));
    tcase_add_loop_test(tc, test_not_bare, 0, (int)BS_ARRAY_LEN(not_bare));
    suite_add_tcase(s, tc);

    tc = tcase_create("year");
    tcase_add_test(tc, test_year_explicit_rollover);
    tcase_add_test(tc, test_year_explicit_no_false_rollover);
    tcase_add_test(tc, test_year_reference);
    tcase_add_test(tc, test_year_reference_leap_day);
    tcase_add_test(tc, test_stamp_repeats);
    tcase_add_test(tc, test_host_program_random);
    suite_add_tcase(s, tc);

    tc = tcase_create("civil");
    tcase_add_loop_test(tc, test_civil_known_dates, 0,
                        (int)BS_ARRAY_LEN(civil_cases));
    tcase_add_test(tc, test_civil_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(syslog_suite());
}
