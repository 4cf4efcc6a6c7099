/*
 * syslog.c - timestamp, host and program of a syslog line, without regex
 *
 * A cursor walks the line once. Every check is bounded by the line length;
 * a line that does not fit one of the known shapes is rejected with a code,
 * never guessed at. The shape of nearly every line, the BSD stamp of the
 * line before and " host prog[pid]: ", is read from the masks of one SSE2
 * look at the next 48 bytes instead (bs_host_and_program_fast). The
 * stamps parsed only when a line's second is not the line before's
 * (bs_bsd_time, bs_iso_time, bs_unix_stamp, bs_rfc5424) stay out of line,
 * so that bs_syslog_parse saves fewer registers on every line.
 */
#include "syslog.h"

#include "../engine/scan.h"

struct bs_cursor {
    const char *p, *end;
};

int64_t bs_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void bs_civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

void bs_syslog_year_init(struct bs_syslog_year *y, int explicit_year,
                         int64_t ref_time)
{
    y->explicit_year = explicit_year;
    y->ref_time = ref_time;
    y->cur_year = explicit_year;
    y->last_month = 0;
    y->cache_month = 0;
    y->cache_ref_time = INT64_MIN;
    y->stamp_len = 0;
}

/* The stamp at the start of the line is the last line's? (Its time was
 * found under the reference and year state the caller checks.) */
static bool bs_stamp_repeats(const struct bs_syslog_year *y,
                             const char *line, size_t len, size_t n)
{
    return y->stamp_len == n && len > n && bs_mem_eq(line, y->stamp, n);
}

static void bs_stamp_keep(struct bs_syslog_year *y, const char *line,
                          size_t n, int64_t t)
{
    memcpy(y->stamp, line, n);
    y->stamp_len = (unsigned char)n;
    y->stamp_time = t;
    y->stamp_ref_time = y->ref_time;
    y->stamp_year = y->cur_year;
    y->stamp_month = y->last_month;
}

static int64_t bs_cached_days(struct bs_syslog_year *y, int year, int month,
                              int day)
{
    if (y->cache_month != month || y->cache_day != day ||
        y->cache_year != year) {
        y->cache_year = year;
        y->cache_month = month;
        y->cache_day = day;
        y->cache_days = bs_days_from_civil(year, month, day);
    }
    return y->cache_days;
}

/* Reads exactly n digits. */
static bool bs_digits(struct bs_cursor *c, int n, int *out)
{
    if (c->end - c->p < n)
        return false;
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!bs_is_digit(c->p[i]))
            return false;
        v = v * 10 + (c->p[i] - '0');
    }
    c->p += n;
    *out = v;
    return true;
}

static bool bs_lit(struct bs_cursor *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

/* "HH:MM:SS" with an optional ".fraction", which is skipped. */
static bool bs_clock(struct bs_cursor *c, int *secs)
{
    int h, m, s;
    if (!bs_digits(c, 2, &h) || !bs_lit(c, ':') || !bs_digits(c, 2, &m) ||
        !bs_lit(c, ':') || !bs_digits(c, 2, &s))
        return false;
    if (h > 23 || m > 59 || s > 60)
        return false;
    if (bs_lit(c, '.') || bs_lit(c, ','))
        while (c->p < c->end && bs_is_digit(*c->p))
            c->p++;
    *secs = h * 3600 + m * 60 + s;
    return true;
}

/* "Jan".."Dec" (exact case, as syslog writes them) to 1..12, else 0.
 * By the first letter: this runs once per line. */
static int bs_month_from_name(const char *p)
{
#define BS_MON(a, b, n) if (p[1] == (a) && p[2] == (b)) return (n)
    switch (p[0]) {
    case 'J':
        BS_MON('a', 'n', 1);
        BS_MON('u', 'n', 6);
        BS_MON('u', 'l', 7);
        break;
    case 'F': BS_MON('e', 'b', 2); break;
    case 'M':
        BS_MON('a', 'r', 3);
        BS_MON('a', 'y', 5);
        break;
    case 'A':
        BS_MON('p', 'r', 4);
        BS_MON('u', 'g', 8);
        break;
    case 'S': BS_MON('e', 'p', 9); break;
    case 'O': BS_MON('c', 't', 10); break;
    case 'N': BS_MON('o', 'v', 11); break;
    case 'D': BS_MON('e', 'c', 12); break;
    default: break;
    }
#undef BS_MON
    return 0;
}

static bool bs_is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int bs_year_for(struct bs_syslog_year *y, int month, int day,
                       int secs)
{
    if (y->explicit_year) {
        if (y->last_month && month < y->last_month - 6)
            y->cur_year++;
        else if (y->last_month && month > y->last_month + 6)
            y->cur_year--; /* a late line from before New Year */
        y->last_month = month;
        return y->cur_year;
    }
    if (y->cache_ref_time != y->ref_time) {
        int64_t ref_year;
        int rm, rd;
        bs_civil_from_days(y->ref_time >= 0 ? y->ref_time / 86400 : 0,
                           &ref_year, &rm, &rd);
        y->cache_ref_year = (int)ref_year;
        y->cache_ref_time = y->ref_time;
    }
    int64_t year = y->cache_ref_year;
    if (bs_cached_days(y, (int)year, month, day) * 86400 + secs >
        y->ref_time + 86400)
        year--;
    while (month == 2 && day == 29 && !bs_is_leap(year))
        year--; /* a leap day is from the last leap year */
    return (int)year;
}

/* "Nov 27 18:13:18" or "Nov  7 ..." or "Nov 7 ..."; BS_BSD_STAMP: the
 * first two with the space after them, as remembered for the next line. */
enum { BS_BSD_STAMP = 16 };

static BS_NOINLINE bool bs_bsd_time(struct bs_syslog_year *y,
                                    struct bs_cursor *c, int64_t *out)
{
    if (c->end - c->p < 4)
        return false;
    int month = bs_month_from_name(c->p);
    if (!month || c->p[3] != ' ')
        return false;
    c->p += 4;
    bs_lit(c, ' ');
    int day = 0;
    if (!bs_digits(c, 1, &day))
        return false;
    if (c->p < c->end && bs_is_digit(*c->p))
        day = day * 10 + (*c->p++ - '0');
    int secs;
    if (day < 1 || day > 31 || !bs_lit(c, ' ') || !bs_clock(c, &secs))
        return false;
    int year = bs_year_for(y, month, day, secs);
    *out = bs_cached_days(y, year, month, day) * 86400 + secs;
    return true;
}

/* "Z", "+01:00", "+0100" or nothing (then UTC). */
static bool bs_zone(struct bs_cursor *c, int *offset)
{
    *offset = 0;
    if (bs_lit(c, 'Z') || bs_lit(c, 'z'))
        return true;
    if (c->p >= c->end || (*c->p != '+' && *c->p != '-'))
        return true;
    int sign = *c->p++ == '-' ? -1 : 1, h, m;
    if (!bs_digits(c, 2, &h))
        return false;
    bs_lit(c, ':');
    if (!bs_digits(c, 2, &m) || h > 23 || m > 59)
        return false;
    *offset = sign * (h * 3600 + m * 60);
    return true;
}

/* "2026-11-27T18:13:18[.frac][zone]" */
static BS_NOINLINE bool bs_iso_time(struct bs_cursor *c, int64_t *out)
{
    int year, month, day, secs, offset;
    if (!bs_digits(c, 4, &year) || !bs_lit(c, '-') ||
        !bs_digits(c, 2, &month) || !bs_lit(c, '-') ||
        !bs_digits(c, 2, &day))
        return false;
    if (month < 1 || month > 12 || day < 1 || day > 31)
        return false;
    if (!bs_lit(c, 'T') && !bs_lit(c, ' '))
        return false;
    if (!bs_clock(c, &secs) || !bs_zone(c, &offset))
        return false;
    *out = bs_days_from_civil(year, month, day) * 86400 + secs - offset;
    return true;
}

static struct bs_slice bs_word(struct bs_cursor *c)
{
    const char *s = c->p;
    c->p = bs_find_any3(s, c->end, ' ', ' ', ' '); /* short: no libc call */
    struct bs_slice w = bs_slice_make(s, (size_t)(c->p - s));
    bs_lit(c, ' ');
    return w;
}

/* At the byte that ended the program name (c->p < c->end): "[pid]: "
 * or ": ", then the message. */
static inline bool bs_pid_and_message(struct bs_cursor *c,
                                      struct bs_syslog_record *r)
{
    r->pid = bs_slice_make(c->p, 0);
    if (*c->p == '[') {
        const char *pid = ++c->p;
        c->p = bs_skip_digits(c->p, c->end);
        if (c->p == pid || !bs_lit(c, ']'))
            return false;
        r->pid = bs_slice_make(pid, (size_t)(c->p - 1 - pid));
    }
    if (!bs_lit(c, ':'))
        return false;
    bs_lit(c, ' ');
    r->message = bs_slice_make(c->p, (size_t)(c->end - c->p));
    return true;
}

/* "prog[pid]: " or "prog: " */
static bool bs_program(struct bs_cursor *c, struct bs_syslog_record *r)
{
    const char *s = c->p;
    c->p = bs_find_any3(c->p, c->end, '[', ':', ' ');
    if (c->p == s || c->p == c->end)
        return false;
    r->program = bs_slice_make(s, (size_t)(c->p - s));
    return bs_pid_and_message(c, r);
}

/* After "<PRI>1 ": time host app procid msgid structured-data msg */
static BS_NOINLINE int bs_rfc5424(struct bs_cursor *c,
                                  struct bs_syslog_record *r)
{
    if (!bs_iso_time(c, &r->time) || !bs_lit(c, ' '))
        return BS_SYSLOG_ENOTIME;
    r->host = bs_word(c);
    r->program = bs_word(c);
    r->pid = bs_word(c);
    if (BS_SLICE_EQ(r->pid, "-"))
        r->pid.len = 0;
    (void)bs_word(c); /* msgid */
    if (c->p < c->end && *c->p == '[') {
        while (bs_lit(c, '[')) { /* one or more SD-ELEMENTs */
            while (c->p < c->end && *c->p != ']') {
                if (*c->p == '\\' && c->p + 1 < c->end)
                    c->p++;
                c->p++;
            }
            if (!bs_lit(c, ']'))
                return BS_SYSLOG_ENOPROG;
        }
    } else if (!bs_lit(c, '-')) {
        return BS_SYSLOG_ENOPROG;
    }
    bs_lit(c, ' ');
    if (c->end - c->p >= 3 && memcmp(c->p, "\xef\xbb\xbf", 3) == 0)
        c->p += 3;
    if (r->program.len == 0 || BS_SLICE_EQ(r->program, "-"))
        return BS_SYSLOG_ENOPROG;
    r->message = bs_slice_make(c->p, (size_t)(c->end - c->p));
    return BS_SYSLOG_OK;
}

static int bs_hex_digit(char ch)
{
    if (bs_is_digit(ch))
        return ch - '0';
    ch = bs_ascii_lower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* "@" + 16 hex digits of TAI64 seconds + 8 of nanoseconds. The seconds of
 * the line before are remembered (BS_TAI_SECONDS bytes of stamp). */
enum { BS_TAI_SECONDS = 17, BS_TAI_STAMP = 25 };

static bool bs_tai64n(struct bs_syslog_year *y, struct bs_cursor *c,
                      int64_t *out)
{
    if (c->end - c->p < BS_TAI_STAMP || *c->p != '@')
        return false;
    if (!bs_is_hex8(c->p + BS_TAI_SECONDS)) /* the nanoseconds */
        return false;
    if (bs_stamp_repeats(y, c->p, (size_t)(c->end - c->p), BS_TAI_SECONDS)) {
        *out = y->stamp_time;
        c->p += BS_TAI_STAMP;
        return true;
    }
    uint64_t v = 0;
    for (int i = 1; i < BS_TAI_SECONDS; i++) {
        int d = bs_hex_digit(c->p[i]);
        if (d < 0)
            return false;
        v = v << 4 | (uint64_t)d;
    }
    if (v < (1ULL << 62) || v - (1ULL << 62) > (1ULL << 40))
        return false;
    *out = (int64_t)(v - (1ULL << 62)) - 10;
    bs_stamp_keep(y, c->p, BS_TAI_SECONDS, *out);
    c->p += BS_TAI_STAMP;
    return true;
}

/* "1700000000.123456": Unix seconds (9 or 10 digits) and a fraction. */
static BS_NOINLINE bool bs_unix_stamp(struct bs_cursor *c, int64_t *out)
{
    const char *s = c->p;
    int64_t v = 0;
    while (c->p < c->end && bs_is_digit(*c->p) && c->p - s < 11)
        v = v * 10 + (*c->p++ - '0');
    size_t n = (size_t)(c->p - s);
    if (n < 9 || n > 10 || !bs_lit(c, '.') || c->p >= c->end ||
        !bs_is_digit(*c->p)) {
        c->p = s;
        return false;
    }
    while (c->p < c->end && bs_is_digit(*c->p))
        c->p++;
    *out = v;
    return true;
}

static int bs_bare(struct bs_cursor *c, struct bs_syslog_record *r)
{
    if (!bs_lit(c, ' '))
        return BS_SYSLOG_ENOTIME;
    r->bare = true;
    r->message = bs_slice_make(c->p, (size_t)(c->end - c->p));
    return BS_SYSLOG_OK;
}

/* A tai64nlocal stamp: "YYYY-MM-DD HH:MM:SS.nnnnnnnnn " with a space, nine
 * digits of fraction and no zone; syslog daemons write neither. */
static bool bs_is_tai64nlocal(const char *line, size_t len)
{
    if (len < 31 || line[10] != ' ' || line[19] != '.' || line[29] != ' ')
        return false;
    for (int i = 20; i < 29; i++)
        if (!bs_is_digit(line[i]))
            return false;
    return true;
}

/* The line starts with the BSD stamp of the line before, whose time
 * stands as long as the reference and the year's state are as they were. */
static bool bs_bsd_stamp_repeats(const struct bs_syslog_year *y,
                                 const char *line, size_t len)
{
    return bs_stamp_repeats(y, line, len, BS_BSD_STAMP) &&
           y->stamp_ref_time == y->ref_time && y->stamp_year == y->cur_year &&
           y->stamp_month == y->last_month;
}

#ifdef BS_SCAN_SSE2
/* "host prog[pid]: " at s, after the BSD stamp and its blank: the host
 * and the program's end read from one look at the next 48 bytes: where
 * the blanks are, and where '[', ':' or a blank could end the program.
 * False for a shorter rest, a longer prefix or anything malformed (r
 * then holds nothing to keep): the cursor walk decides those, and gives
 * the same answer for the rest. Sets every field but time and bare. */
static inline bool bs_host_and_program_fast(const char *s, const char *end,
                                            struct bs_syslog_record *r)
{
    if (end - s < 48)
        return false;
    const __m128i blank = _mm_set1_epi8(' '), open = _mm_set1_epi8('['),
                  colon = _mm_set1_epi8(':');
    uint64_t blanks = 0, stops = 0;
    for (int k = 0; k < 3; k++) {
        const void *at = s + 16 * k;
        __m128i v = _mm_loadu_si128((const __m128i *)at);
        __m128i b = _mm_cmpeq_epi8(v, blank);
        __m128i o = _mm_or_si128(_mm_cmpeq_epi8(v, open),
                                 _mm_cmpeq_epi8(v, colon));
        blanks |= (uint64_t)(unsigned)_mm_movemask_epi8(b) << (16 * k);
        stops |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(b, o))
                 << (16 * k);
    }
    if (!blanks || (blanks & 1))
        return false; /* no host, or an empty one */
    unsigned host = (unsigned)__builtin_ctzll(blanks), prog = host + 1;
    uint64_t after = stops >> prog; /* prog <= 48 */
    if (!after || (after & 1))
        return false; /* no program, or an empty one */
    struct bs_cursor c = { s + prog + __builtin_ctzll(after), end };
    r->host = bs_slice_make(s, host);
    r->program = bs_slice_make(s + prog, (size_t)(c.p - s - prog));
    /* "[pid]:" with one to seven digits, from one word; anything else
     * (longer pids, ": " without one) by bs_pid_and_message */
    const char *b = c.p;
    if (*b == '[' && end - b >= 11) { /* '[', 8 bytes, "]:" after 7 */
        uint64_t other = ~bs_scan_run_bytes(bs_load64(b + 1), false) &
                         0x8080808080808080ULL;
        unsigned n = other ? (unsigned)__builtin_ctzll(other) >> 3 : 8;
        if (n >= 1 && n <= 7 && b[1 + n] == ']' && b[2 + n] == ':') {
            r->pid = bs_slice_make(b + 1, n);
            c.p = b + 3 + n;
            bs_lit(&c, ' ');
            r->message = bs_slice_make(c.p, (size_t)(end - c.p));
            return true;
        }
    }
    return bs_pid_and_message(&c, r);
}
#endif

/* After the time: " host prog[pid]: message". */
static int bs_host_and_program(struct bs_cursor *c,
                               struct bs_syslog_record *r)
{
    if (c->p == c->end)
        return BS_SYSLOG_ENOPROG; /* a timestamp and nothing else */
    if (!bs_lit(c, ' '))
        return BS_SYSLOG_ENOTIME;
    r->host = bs_word(c);
    if (!r->host.len || !bs_program(c, r))
        return BS_SYSLOG_ENOPROG;
    return BS_SYSLOG_OK;
}

int bs_syslog_parse(struct bs_syslog_year *y, const char *line, size_t len,
                    struct bs_syslog_record *r)
{
    struct bs_cursor c = { line, line + len };
    if (bs_bsd_stamp_repeats(y, line, len)) { /* most lines: first */
#ifdef BS_SCAN_SSE2
        /* the stamp's blank included, then the usual shape */
        if (bs_host_and_program_fast(line + BS_BSD_STAMP, c.end, r)) {
            r->time = y->stamp_time;
            r->bare = false;
            return BS_SYSLOG_OK;
        }
#endif
        memset(r, 0, sizeof *r);
        r->time = y->stamp_time;
        c.p += BS_BSD_STAMP - 1;
        return bs_host_and_program(&c, r);
    }
    memset(r, 0, sizeof *r);
    if (bs_tai64n(y, &c, &r->time) || bs_unix_stamp(&c, &r->time))
        return bs_bare(&c, r);
    if (bs_is_tai64nlocal(line, len)) {
        if (!bs_iso_time(&c, &r->time))
            return BS_SYSLOG_ENOTIME;
        return bs_bare(&c, r);
    }
    if (bs_lit(&c, '<')) {
        int digits = 0;
        while (c.p < c.end && bs_is_digit(*c.p) && digits < 3) {
            c.p++;
            digits++;
        }
        if (!digits || !bs_lit(&c, '>'))
            return BS_SYSLOG_ENOTIME;
        if (c.end - c.p >= 2 && c.p[0] == '1' && c.p[1] == ' ') {
            c.p += 2;
            return bs_rfc5424(&c, r);
        }
    }
    if (c.p < c.end && bs_is_digit(*c.p)) {
        if (!bs_iso_time(&c, &r->time))
            return BS_SYSLOG_ENOTIME;
    } else if (!bs_bsd_time(y, &c, &r->time)) {
        return BS_SYSLOG_ENOTIME;
    } else if (c.p == line + BS_BSD_STAMP - 1 && c.p < c.end && *c.p == ' ') {
        bs_stamp_keep(y, line, BS_BSD_STAMP, r->time);
    }
    return bs_host_and_program(&c, r);
}
