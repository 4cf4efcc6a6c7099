/*
 * cmd_report.c - `bouncestat report [OPTIONS] [FILE...]`: the
 * deliverability report as HTML (default), Markdown, CSV tables or JSON
 *
 * Inputs: saved aggregates (--from-aggregate, in the order given) and
 * then log FILEs (stdin when there are neither), all into one engine, so
 * logs that continue an aggregate join it. --save writes the aggregate of
 * everything read; the report is then rendered from that file loaded
 * back, which is what a later merge will see. --compare loads the
 * previous period's aggregate into an engine of its own.
 *
 * DNS. Only with --dns: once everything is read, the sender domains with
 * authentication failures (the first --top of them) are diagnosed as
 * `bouncestat diagnose` does (dns_checks.h) and the findings are given to
 * the report as data; the engine itself never queries DNS. Without --dns
 * nothing queries DNS and the report is what it always was.
 *
 * Time. The engine keeps UTC hours; the zone is a function this file gives
 * it (bs_time_setup): for a zone name, TZ is set once with setenv and
 * tzset and the offset comes from localtime_r; for "+09:00" it is fixed.
 * --month and --since/--until are local times in that zone, turned into a
 * UTC window with mktime (or the fixed offset).
 *
 * Exit status: 0 ok; 1 usage error, bad --patterns file, an output that
 * cannot be created; 2 an input or aggregate could not be read (the
 * report covers the rest), a DNS lookup of --dns failed (the report is
 * written and says which), or the report or --save file could not be
 * written.
 */
#include "cmd_report.h"

#include "cmd_merge.h"
#include "diag_run.h"
#include "dns_checks.h"
#include "patterns_file.h"
#include "read_input.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { BS_EXIT_OK = 0, BS_EXIT_USAGE = 1, BS_EXIT_INPUT = 2 };

static const char bs_report_usage[] =
    "Usage: bouncestat report [OPTIONS] [FILE...]\n"
    "\n"
    "The deliverability report of maillogs (plain or zstd; stdin when no\n"
    "FILE) and saved aggregates: totals and failure rate, daily failure\n"
    "rate per provider, daily volume, sender domains by failures and by\n"
    "rate, categories per provider, top reasons with hints, authentication\n"
    "failures per sender domain, and a comparison with a previous period.\n"
    "\n"
    "  -f, --format FMT        html (default; one self-contained file), md,\n"
    "                          csv (the tables) or json\n"
    "  -o, --output FILE       write the report to FILE (default: stdout)\n"
    "      --month YYYY-MM     count only this month (in the report's zone)\n"
    "      --since TIME        count from TIME: YYYY-MM-DD[ HH:MM[:SS]],\n"
    "                          local time in the report's zone\n"
    "      --until TIME        count up to TIME (excluded)\n"
    "      --tz ZONE           the zone of days and times: a name\n"
    "                          (Asia/Tokyo), UTC, or an offset (+09:00);\n"
    "                          default: the local zone\n"
    "      --lang LANG         en (default) or ja\n"
    "      --from-aggregate FILE\n"
    "                          read a saved aggregate (repeatable; before\n"
    "                          the FILEs)\n"
    "      --compare FILE      the previous period's saved aggregate\n"
    "      --save FILE         also save the aggregate, for merge and\n"
    "                          --from-aggregate\n"
    "      --min-volume N      deliveries a sender domain needs to be ranked\n"
    "                          by failure rate (default 100)\n"
    "      --top N             rows per ranking (default 15)\n"
    "      --year YYYY         year of BSD syslog timestamps\n"
    "      --patterns FILE     add classification rules (up to 16)\n"
    "      --dns               add DNS checks of the sender domains with\n"
    "                          authentication failures (the first --top):\n"
    "                          SPF, DMARC, reverse DNS and the fixes, as\n"
    "                          bouncestat diagnose gives them\n"
    "      --resolver IP[:PORT]  with --dns: ask this DNS server (default:\n"
    "                          the servers of /etc/resolv.conf)\n"
    "      --timeout SECS      with --dns: one try of a query (default 5)\n"
    "      --max-queries N     with --dns: distinct queries at most\n"
    "                          (default 1000)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: 0 ok, 1 usage error, 2 some input could not be read or\n"
    "a DNS lookup failed (the report is still written).\n";

struct bs_report_args {
    struct bs_time_args time;
    enum bs_format format;
    enum bs_lang lang;
    const char *output, *save, *compare;
    const char *aggregates[64];
    int naggregates;
    const char *patterns[16];
    int npatterns;
    int year;
    uint64_t min_volume;
    unsigned top;
    bool dns;                      /* --dns */
    struct bs_resolver_options dns_options;
    const char *dns_option;        /* the last DNS option given */
    char **inputs;
    int ninputs;
};

/* ---- time zone and window ------------------------------------------ */

static int32_t bs_fixed_offset; /* --tz +09:00 */

static int64_t bs_days_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The zone under TZ: local broken-down time minus UTC. */
static int32_t bs_tz_local(void *ctx, int64_t utc)
{
    (void)ctx;
    time_t t = (time_t)utc;
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return 0;
    int64_t local = bs_days_civil(tm.tm_year + 1900LL, tm.tm_mon + 1,
                                  tm.tm_mday) * 86400 +
                    tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    return (int32_t)(local - utc);
}

/* "+09:00", "-0330", "+9": seconds east; -1 when s is not an offset. */
static int bs_parse_offset(const char *s, int32_t *out)
{
    if (*s != '+' && *s != '-')
        return -1;
    int h = 0, m = 0, digits = 0;
    const char *p = s + 1;
    while (*p >= '0' && *p <= '9' && digits < 2)
        h = h * 10 + (*p++ - '0'), digits++;
    if (!digits)
        return -1;
    if (*p == ':')
        p++;
    if (*p) {
        if (!(p[0] >= '0' && p[0] <= '5' && p[1] >= '0' && p[1] <= '9') ||
            p[2])
            return -1;
        m = (p[0] - '0') * 10 + (p[1] - '0');
    }
    if (h > 18)
        return -1;
    *out = (int32_t)((h * 3600 + m * 60) * (*s == '-' ? -1 : 1));
    return 0;
}

/* A zone name must exist in the zone database, so that a typo is an
 * error rather than UTC in disguise (glibc's fallback). */
static bool bs_zone_known(const char *name)
{
    if (!strcmp(name, "UTC") || !strcmp(name, "GMT") ||
        !strcmp(name, "Etc/UTC"))
        return true;
    if (strstr(name, "..") || name[0] == '/')
        return false;
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir
                                                     : "/usr/share/zoneinfo",
             name);
    return access(path, R_OK) == 0;
}

static const char *bs_local_zone_name(void)
{
    static char name[128];
    const char *tz = getenv("TZ");
    if (tz && *tz)
        return tz[0] == ':' ? tz + 1 : tz;
    FILE *f = fopen("/etc/timezone", "r");
    if (!f)
        return NULL;
    const char *r = fgets(name, sizeof name, f) ? name : NULL;
    fclose(f);
    if (r)
        name[strcspn(name, "\r\n")] = '\0';
    return r && *r ? r : NULL;
}

/* Local date and time to UTC in the configured zone. */
static int64_t bs_local_to_utc(const struct bs_engine_options *eo, int y,
                               int mo, int d, int h, int mi, int s)
{
    int64_t local = bs_days_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    if (eo->tz_offset == bs_tz_fixed)
        return local - bs_fixed_offset;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

static bool bs_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DD[( |T)HH:MM[:SS]]" as local time. */
static int bs_parse_time(const struct bs_engine_options *eo, const char *s,
                         int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    size_t n = strlen(s);
    if (n < 10 || !bs_digits(s, 4, &y) || s[4] != '-' ||
        !bs_digits(s + 5, 2, &mo) || s[7] != '-' || !bs_digits(s + 8, 2, &d))
        return -1;
    if (n > 10 && ((s[10] != ' ' && s[10] != 'T') || n < 16 ||
                   !bs_digits(s + 11, 2, &h) || s[13] != ':' ||
                   !bs_digits(s + 14, 2, &mi)))
        return -1;
    if (n > 16 && (n != 19 || s[16] != ':' || !bs_digits(s + 17, 2, &sec)))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        sec > 60 || y < 1970)
        return -1;
    *out = bs_local_to_utc(eo, y, mo, d, h, mi, sec);
    return 0;
}

static int bs_parse_month(const struct bs_engine_options *eo, const char *s,
                          int64_t *since, int64_t *until)
{
    int y, m;
    if (strlen(s) != 7 || !bs_digits(s, 4, &y) || s[4] != '-' ||
        !bs_digits(s + 5, 2, &m) || m < 1 || m > 12 || y < 1970)
        return -1;
    *since = bs_local_to_utc(eo, y, m, 1, 0, 0, 0);
    *until = bs_local_to_utc(eo, m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1,
                             0, 0, 0);
    return 0;
}

static int bs_zone_setup(const char *tz, struct bs_engine_options *eo,
                         const char **label, char *err, size_t errlen)
{
    *label = tz;
    if (tz && bs_parse_offset(tz, &bs_fixed_offset) == 0) {
        eo->tz_offset = bs_tz_fixed;
        eo->tz_ctx = &bs_fixed_offset;
        return 0;
    }
    if (tz) {
        if (!bs_zone_known(tz)) {
            snprintf(err, errlen, "--tz: unknown time zone '%s' (a name "
                     "like Asia/Tokyo, UTC, or an offset like +09:00)", tz);
            return -1;
        }
        setenv("TZ", tz, 1);
    } else {
        *label = bs_local_zone_name();
    }
    tzset();
    eo->tz_offset = bs_tz_local;
    eo->tz_ctx = NULL;
    return 0;
}

int bs_time_setup(const struct bs_time_args *a, struct bs_engine_options *eo,
                  const char **label, char *err, size_t errlen)
{
    if (bs_zone_setup(a->tz, eo, label, err, errlen) < 0)
        return -1;
    if (a->month && (a->since || a->until)) {
        snprintf(err, errlen, "--month goes without --since and --until");
        return -1;
    }
    eo->since = INT64_MIN;
    eo->until = INT64_MAX;
    eo->window = a->month || a->since || a->until;
    if (a->month && bs_parse_month(eo, a->month, &eo->since,
                                   &eo->until) < 0) {
        snprintf(err, errlen, "--month wants YYYY-MM, not '%s'", a->month);
        return -1;
    }
    const char *bad = NULL;
    if (a->since && bs_parse_time(eo, a->since, &eo->since) < 0)
        bad = a->since;
    if (a->until && bs_parse_time(eo, a->until, &eo->until) < 0)
        bad = a->until;
    if (bad) {
        snprintf(err, errlen, "bad time '%s' (YYYY-MM-DD, or YYYY-MM-DD "
                 "HH:MM[:SS], local time)", bad);
        return -1;
    }
    if (eo->window && eo->since >= eo->until) {
        snprintf(err, errlen, "the window is empty (--since is not "
                 "before --until)");
        return -1;
    }
    return 0;
}

/* ---- options ------------------------------------------------------- */

enum { OPT_MONTH = 256, OPT_SINCE, OPT_UNTIL, OPT_TZ, OPT_LANG,
       OPT_FROM, OPT_COMPARE, OPT_SAVE, OPT_MIN_VOLUME, OPT_TOP, OPT_YEAR,
       OPT_PATTERNS, OPT_DNS, OPT_RESOLVER, OPT_TIMEOUT, OPT_MAX_QUERIES };

static const struct option bs_report_options[] = {
    { "format", required_argument, NULL, 'f' },
    { "output", required_argument, NULL, 'o' },
    { "month", required_argument, NULL, OPT_MONTH },
    { "since", required_argument, NULL, OPT_SINCE },
    { "until", required_argument, NULL, OPT_UNTIL },
    { "tz", required_argument, NULL, OPT_TZ },
    { "lang", required_argument, NULL, OPT_LANG },
    { "from-aggregate", required_argument, NULL, OPT_FROM },
    { "compare", required_argument, NULL, OPT_COMPARE },
    { "save", required_argument, NULL, OPT_SAVE },
    { "min-volume", required_argument, NULL, OPT_MIN_VOLUME },
    { "top", required_argument, NULL, OPT_TOP },
    { "year", required_argument, NULL, OPT_YEAR },
    { "patterns", required_argument, NULL, OPT_PATTERNS },
    { "dns", no_argument, NULL, OPT_DNS },
    { "resolver", required_argument, NULL, OPT_RESOLVER },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "max-queries", required_argument, NULL, OPT_MAX_QUERIES },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static int bs_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || errno || v > max)
        return -1;
    *out = v;
    return 0;
}

static int bs_report_format(const char *s, enum bs_format *f)
{
    static const struct {
        const char *name;
        enum bs_format f;
    } names[] = { { "html", BS_FORMAT_HTML }, { "md", BS_FORMAT_MD },
                  { "markdown", BS_FORMAT_MD }, { "csv", BS_FORMAT_CSV },
                  { "json", BS_FORMAT_JSON } };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(s, names[i].name)) {
            *f = names[i].f;
            return 0;
        }
    return -1;
}

/* One option; returns 0 or -1 with a message in err. */
static int bs_report_option(int c, struct bs_report_args *a, char *err,
                            size_t errlen)
{
    uint64_t v;
    switch (c) {
    case 'f':
        if (bs_report_format(optarg, &a->format) == 0)
            return 0;
        snprintf(err, errlen, "unknown format '%s' (html, md, csv, json)",
                 optarg);
        return -1;
    case 'o': a->output = optarg; return 0;
    case OPT_MONTH: a->time.month = optarg; return 0;
    case OPT_SINCE: a->time.since = optarg; return 0;
    case OPT_UNTIL: a->time.until = optarg; return 0;
    case OPT_TZ: a->time.tz = optarg; return 0;
    case OPT_COMPARE: a->compare = optarg; return 0;
    case OPT_SAVE: a->save = optarg; return 0;
    case OPT_LANG:
        if (!strcmp(optarg, "en") || !strcmp(optarg, "ja")) {
            a->lang = optarg[0] == 'j' ? BS_LANG_JA : BS_LANG_EN;
            return 0;
        }
        snprintf(err, errlen, "unknown language '%s' (en, ja)", optarg);
        return -1;
    case OPT_FROM:
        if (a->naggregates < 64) {
            a->aggregates[a->naggregates++] = optarg;
            return 0;
        }
        snprintf(err, errlen, "too many --from-aggregate files (64; merge "
                 "them first)");
        return -1;
    case OPT_PATTERNS:
        if (a->npatterns < 16) {
            a->patterns[a->npatterns++] = optarg;
            return 0;
        }
        snprintf(err, errlen, "too many --patterns files");
        return -1;
    case OPT_MIN_VOLUME:
        if (bs_parse_u64(optarg, UINT64_MAX, &a->min_volume) == 0)
            return 0;
        snprintf(err, errlen, "--min-volume wants a number, not '%s'",
                 optarg);
        return -1;
    case OPT_TOP:
        if (bs_parse_u64(optarg, 10000, &v) == 0 && v > 0) {
            a->top = (unsigned)v;
            return 0;
        }
        snprintf(err, errlen, "--top wants 1 to 10000, not '%s'", optarg);
        return -1;
    case OPT_YEAR:
        if (bs_parse_u64(optarg, 9999, &v) == 0 && v >= 1970) {
            a->year = (int)v;
            return 0;
        }
        snprintf(err, errlen, "--year wants a year like 2026, not '%s'",
                 optarg);
        return -1;
    case OPT_DNS: a->dns = true; return 0;
    case OPT_RESOLVER:
    case OPT_TIMEOUT:
    case OPT_MAX_QUERIES:
        a->dns_option = c == OPT_RESOLVER  ? "resolver"
                        : c == OPT_TIMEOUT ? "timeout"
                                           : "max-queries";
        return bs_diag_dns_option(&a->dns_options, a->dns_option, optarg,
                                  err, errlen);
    default:
        snprintf(err, errlen, "unknown option (see --help)");
        return -1;
    }
}

/* 0, 1 (help) or -1 (usage error, message printed). */
static int bs_report_parse(int argc, char **argv, struct bs_report_args *a)
{
    memset(a, 0, sizeof *a);
    a->format = BS_FORMAT_HTML;
    a->min_volume = 100;
    a->top = 15;
    opterr = 0;
    optind = 1;
    char err[256];
    int c;
    while ((c = getopt_long(argc, argv, ":f:o:h", bs_report_options,
                            NULL)) != -1) {
        if (c == 'h')
            return 1;
        if (c == '?' || c == ':') {
            fprintf(stderr, "bouncestat report: %s '%s' (see --help)\n",
                    c == ':' ? "missing value for" : "unknown option",
                    argv[optind - 1]);
            return -1;
        }
        if (bs_report_option(c, a, err, sizeof err) < 0) {
            fprintf(stderr, "bouncestat report: %s\n", err);
            return -1;
        }
    }
    a->inputs = argv + optind;
    a->ninputs = argc - optind;
    if (a->dns_option && !a->dns) {
        fprintf(stderr, "bouncestat report: --%s goes with --dns\n",
                a->dns_option);
        return -1;
    }
    return 0;
}

/* ---- running ------------------------------------------------------- */

static int bs_report_setup(void *ctx, struct bs_engine *e)
{
    const struct bs_report_args *a = ctx;
    for (int i = 0; i < a->npatterns; i++)
        if (bs_patterns_file_load(e, a->patterns[i]) < 0)
            return -1;
    return 0;
}

static struct bs_engine *bs_report_engine(const struct bs_report_args *a,
                                          const struct bs_engine_options *eo)
{
    char err[1024];
    struct bs_engine *e = bs_engine_new(eo, err, sizeof err);
    if (!e) {
        fprintf(stderr, "bouncestat: built-in patterns: %s\n", err);
        return NULL;
    }
    if (bs_report_setup((void *)a, e) < 0) {
        bs_engine_free(e);
        return NULL;
    }
    return e;
}

/* Aggregates, then logs (stdin when neither is given). */
static int bs_report_read(struct bs_engine *e, const struct bs_report_args *a)
{
    static char buf[BS_READ_CHUNK];
    char err[1024];
    int status = BS_EXIT_OK;
    for (int i = 0; i < a->naggregates; i++)
        if (bs_aggregate_load_file(e, a->aggregates[i]) < 0)
            status = BS_EXIT_INPUT;
    int n = a->ninputs || a->naggregates ? a->ninputs : 1;
    for (int i = 0; i < n; i++) {
        const char *path = a->ninputs ? a->inputs[i] : "-";
        if (bs_read_input(e, path, buf, sizeof buf, err, sizeof err) < 0) {
            fprintf(stderr, "bouncestat: %s\n", err);
            status = BS_EXIT_INPUT;
        }
    }
    return status;
}

/* The previous period for --compare: its own engine, all of the file. */
static struct bs_engine *bs_report_previous(const struct bs_report_args *a,
                                            struct bs_engine_options eo)
{
    eo.window = 0;
    struct bs_engine *p = bs_report_engine(a, &eo);
    if (p && bs_aggregate_load_file(p, a->compare) < 0) {
        bs_engine_free(p);
        return NULL;
    }
    if (p)
        bs_engine_finish(p);
    return p;
}

static int bs_report_write(struct bs_engine *e, struct bs_engine *prev,
                           const struct bs_report_args *a,
                           const struct bs_report_dns *dns,
                           const char *zone, FILE *out)
{
    struct bs_report_options ro;
    bs_report_options_default(&ro);
    ro.format = a->format;
    ro.lang = a->lang;
    ro.period = a->time.month;
    ro.tz_name = zone;
    ro.previous = prev;
    ro.min_volume = a->min_volume;
    ro.top = a->top;
    ro.dns = dns;
    char *text, err[256];
    size_t len;
    if (bs_engine_report(e, &ro, &text, &len, err, sizeof err) < 0) {
        fprintf(stderr, "bouncestat report: %s\n", err);
        return BS_EXIT_USAGE;
    }
    size_t put = fwrite(text, 1, len, out);
    int rc = fflush(out);
    free(text);
    if ((put != len || rc != 0) && errno == EPIPE && out == stdout)
        return BS_EXIT_OK; /* the reader went away: `... | head` */
    if (put != len || rc != 0) {
        fprintf(stderr, "bouncestat: writing the report to %s: %s\n",
                a->output ? a->output : "stdout", strerror(errno));
        return BS_EXIT_INPUT;
    }
    return BS_EXIT_OK;
}

/* --dns: the checks of the sender domains with authentication failures.
 * 0, 1 (some lookups failed; said on stderr too) or -1 (a bad
 * --resolver, said). Finish dns with bs_dns_checks_fini in every case. */
static int bs_report_dns(struct bs_engine *e, const struct bs_report_args *a,
                         struct bs_dns_checks *dns)
{
    char err[512];
    int rc = bs_dns_checks_gather(dns, e, &a->dns_options, a->top, err,
                                  sizeof err);
    if (rc < 0) {
        fprintf(stderr, "bouncestat report: %s\n", err);
        return -1;
    }
    unsigned bad = dns->stats.failed + dns->stats.limited;
    if (bad)
        fprintf(stderr, "bouncestat: %u DNS quer%s failed%s: some checks "
                "are incomplete (the report says which)\n", bad,
                bad == 1 ? "y" : "ies",
                dns->stats.limited ? " or were over --max-queries" : "");
    return rc;
}

static int bs_report_run(const struct bs_report_args *a,
                         const struct bs_engine_options *eo,
                         const char *zone, FILE *out)
{
    struct bs_engine *e = bs_report_engine(a, eo);
    if (!e)
        return BS_EXIT_USAGE;
    if (a->save)
        bs_engine_set_segment(e, 1); /* hold lines for a later merge */
    int status = bs_report_read(e, a);
    if (a->save) {
        struct bs_engine *r = bs_aggregate_save_reload(
            e, eo, bs_report_setup, (void *)a, a->save);
        bs_engine_free(e);
        e = r;
        if (!e)
            return BS_EXIT_INPUT;
    }
    bs_engine_finish(e);
    struct bs_engine *prev = NULL;
    if (a->compare && !(prev = bs_report_previous(a, *eo)))
        status = BS_EXIT_INPUT;
    struct bs_dns_checks dns;
    int drc = a->dns ? bs_report_dns(e, a, &dns) : 0;
    if (drc < 0) {
        bs_dns_checks_fini(&dns);
        bs_engine_free(prev);
        bs_engine_free(e);
        return BS_EXIT_USAGE;
    }
    if (drc > 0)
        status = BS_EXIT_INPUT;
    int wrc = bs_report_write(e, prev, a, a->dns ? &dns.report : NULL, zone,
                              out);
    if (wrc != BS_EXIT_OK)
        status = wrc;
    if (a->dns)
        bs_dns_checks_fini(&dns);
    bs_engine_free(prev);
    bs_engine_free(e);
    return status;
}

int bs_cmd_report(int argc, char **argv)
{
    struct bs_report_args a;
    int rc = bs_report_parse(argc, argv, &a);
    if (rc) {
        if (rc > 0)
            fputs(bs_report_usage, stdout);
        return rc > 0 ? BS_EXIT_OK : BS_EXIT_USAGE;
    }
    struct bs_engine_options eo;
    bs_engine_options_default(&eo);
    eo.year = a.year;
    const char *zone;
    char err[256];
    if (bs_time_setup(&a.time, &eo, &zone, err, sizeof err) < 0) {
        fprintf(stderr, "bouncestat report: %s\n", err);
        return BS_EXIT_USAGE;
    }
    FILE *out = stdout;
    if (a.output && !(out = fopen(a.output, "wb"))) {
        fprintf(stderr, "bouncestat: %s: %s\n", a.output, strerror(errno));
        return BS_EXIT_USAGE;
    }
    int status = bs_report_run(&a, &eo, zone, out);
    if (out != stdout && fclose(out) != 0 && status == BS_EXIT_OK) {
        fprintf(stderr, "bouncestat: %s: %s\n", a.output, strerror(errno));
        status = BS_EXIT_INPUT;
    }
    return status;
}
