/*
 * timefmt.c - civil dates from Unix time and back, and the stamp cache
 */
#include "timefmt.h"

#include <string.h>

static const char month_abbr[12][4] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
int64_t timefmt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + (int64_t)doe - 719468;
}

struct civil timefmt_civil_from_time(int64_t t)
{
    struct civil c;
    int64_t z = (t >= 0 ? t : t - 86399) / 86400;
    int64_t rem = t - z * 86400;

    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;

    c.day = doy - (153 * mp + 2) / 5 + 1;
    c.mon = mp < 10 ? mp + 3 : mp - 9;
    c.year = (int64_t)yoe + era * 400 + (c.mon <= 2);
    c.hour = (unsigned)(rem / 3600);
    c.min = (unsigned)(rem / 60 % 60);
    c.sec = (unsigned)(rem % 60);
    return c;
}

static char *fmt2(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

/* "Nov  1 00:00:03": 15 bytes, day padded with a space as syslog does. */
char *timefmt_bsd(char *p, int64_t t)
{
    struct civil c = timefmt_civil_from_time(t);

    memcpy(p, month_abbr[c.mon - 1], 3);
    p[3] = ' ';
    p[4] = c.day < 10 ? ' ' : (char)('0' + c.day / 10);
    p[5] = (char)('0' + c.day % 10);
    p[6] = ' ';
    p = fmt2(p + 7, c.hour);
    *p++ = ':';
    p = fmt2(p, c.min);
    *p++ = ':';
    return fmt2(p, c.sec);
}

/* "2026-11-01T00:00:03." - the microseconds follow per line. */
char *timefmt_rfc3339_head(char *p, int64_t t)
{
    struct civil c = timefmt_civil_from_time(t);

    p = fmt2(p, (unsigned)(c.year / 100));
    p = fmt2(p, (unsigned)(c.year % 100));
    *p++ = '-';
    p = fmt2(p, c.mon);
    *p++ = '-';
    p = fmt2(p, c.day);
    *p++ = 'T';
    p = fmt2(p, c.hour);
    *p++ = ':';
    p = fmt2(p, c.min);
    *p++ = ':';
    p = fmt2(p, c.sec);
    *p++ = '.';
    return p;
}

void timefmt_cache_init(struct timefmt_cache *c, int rfc3339)
{
    c->rfc3339 = rfc3339;
    c->sec = -1;
    c->head_len = 0;
}

void timefmt_cache_render(struct timefmt_cache *c, int64_t sec)
{
    char *end = c->rfc3339 ? timefmt_rfc3339_head(c->head, sec)
                           : timefmt_bsd(c->head, sec);

    c->head_len = (size_t)(end - c->head);
    c->sec = sec;
}
