/*
 * syslog.h - split a log line into its syslog prefix and the message
 *
 * Accepted prefixes (an optional "<PRI>" before any of them):
 *   BSD / RFC 3164    Nov 27 18:13:18 host prog[pid]: msg   (no year)
 *   RFC 3339          2026-11-27T18:13:18.123456+01:00 host prog[pid]: msg
 *                     (also "Z", "+0100" as journalctl -o short-iso writes,
 *                     and a space instead of the "T")
 *   RFC 5424          <22>1 2026-11-27T18:13:18Z host prog pid msgid SD msg
 * and the "bare" stamps of multilog and splogger files, which carry no host
 * or program (the record's bare flag is set, program is empty):
 *   TAI64N            @4000000069287e1c2a3b4c5d msg
 *   tai64nlocal       2026-11-27 18:13:18.123456789 msg  (a space, nine
 *                     digits of fraction, no zone: taken as UTC)
 *   Unix seconds      1700000000.123456 msg
 * daemontools' tai64n writes 2^62 + 10 + the Unix time (the 1970 TAI-UTC
 * offset, no leap seconds), so a label converts back to UTC by subtracting
 * exactly that; this matches tai64nlocal's own output.
 *
 * Times become Unix seconds UTC. Zoned times are exact. BSD times carry no
 * zone and are taken as UTC; they carry no year either, so the caller's
 * struct bs_syslog_year decides it: an explicit year, with the December ->
 * January rollover counted as the log moves on; or a reference time (the
 * file's mtime, or now for stdin): a BSD stamp is placed in the latest year
 * that has its date (Feb 29 only in leap years) and does not put it more
 * than a day after the reference.
 *
 * Fields are slices into the line. Nothing is allocated or printed.
 */
#ifndef BS_SYSLOG_H
#define BS_SYSLOG_H

#include "../engine/common.h"

#define BS_SYSLOG_STAMP_MAX 17

struct bs_syslog_year {
    int explicit_year; /* 0: infer from ref_time */
    int64_t ref_time;  /* Unix seconds */
    int cur_year;      /* explicit mode: year of the last line */
    int last_month;    /* explicit mode: 1..12, 0 before the first line */
    /* The day number of the last (year, month, day) seen: most lines of a
     * log share their date with the line before. */
    int cache_year, cache_month, cache_day;
    int64_t cache_days;
    int64_t cache_ref_time; /* ref_time whose year is cache_ref_year */
    int cache_ref_year;
    /* The last line's leading stamp and its time: lines of a busy log
     * share their second ("Nov  1 00:00:00 " or a TAI64N second), so the
     * stamp is compared, not parsed again. Valid while ref_time, cur_year
     * and last_month are what they were (stamp_ref_time, stamp_year,
     * stamp_month). */
    char stamp[BS_SYSLOG_STAMP_MAX];
    unsigned char stamp_len; /* 0: none */
    int64_t stamp_time;
    int64_t stamp_ref_time;
    int stamp_year, stamp_month; /* cur_year, last_month */
};

struct bs_syslog_record {
    int64_t time; /* Unix seconds, UTC */
    struct bs_slice host;
    struct bs_slice program; /* "postfix/smtp", "qmail", "dovecot" */
    struct bs_slice pid;     /* digits, may be empty */
    struct bs_slice message; /* after "prog[pid]: " */
    bool bare;               /* multilog style: no host, no program */
};

enum {
    BS_SYSLOG_OK = 0,
    BS_SYSLOG_ENOTIME = -1, /* no timestamp we know at the start */
    BS_SYSLOG_ENOPROG = -2  /* timestamp but no "prog[pid]:" part */
};

void bs_syslog_year_init(struct bs_syslog_year *y, int explicit_year,
                         int64_t ref_time);
int bs_syslog_parse(struct bs_syslog_year *y, const char *line, size_t len,
                    struct bs_syslog_record *out);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
int64_t bs_days_from_civil(int64_t year, int month, int day);
/* The inverse: fills year, month (1..12) and day (1..31). */
void bs_civil_from_days(int64_t days, int64_t *year, int *month, int *day);

#endif
