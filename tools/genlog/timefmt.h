/*
 * timefmt.h - calendar arithmetic and the timestamps log lines start with
 *
 * All times are UTC in whole seconds since the Unix epoch; the proleptic
 * Gregorian calendar throughout (H. Hinnant's algorithms), no libc time
 * functions and no time zones.
 *
 * Log prefixes repeat the same second many times, so struct timefmt_cache
 * keeps the rendered head of the current second: "Nov  1 00:00:03" for
 * BSD syslog, "2026-11-01T00:00:03." for RFC 3339 (the caller appends the
 * microseconds and the zone per line).
 */
#ifndef GENLOG_TIMEFMT_H
#define GENLOG_TIMEFMT_H

#include "common.h"

struct civil {
    int64_t year;
    unsigned mon, day, hour, min, sec;  /* mon and day from 1 */
};

/* Days since 1970-01-01 of a date (m 1..12, d 1..31). */
int64_t timefmt_days_from_civil(int64_t y, unsigned m, unsigned d);
struct civil timefmt_civil_from_time(int64_t t);

/* Writes "Nov  1 00:00:03" (15 bytes, no NUL); returns the end. */
char *timefmt_bsd(char *p, int64_t t);
/* Writes "2026-11-01T00:00:03." (20 bytes, no NUL); returns the end. */
char *timefmt_rfc3339_head(char *p, int64_t t);

struct timefmt_cache {
    int rfc3339;            /* else BSD */
    int64_t sec;            /* the second head[] renders; -1: none yet */
    char head[32];
    size_t head_len;
};

void timefmt_cache_init(struct timefmt_cache *c, int rfc3339);
/* Renders head[] for sec; callers skip the call when sec is c->sec. */
void timefmt_cache_render(struct timefmt_cache *c, int64_t sec);

#endif
