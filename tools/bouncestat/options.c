/*
 * options.c - getopt_long over the options table, and the usage text
 */
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char bs_usage[] =
    "Usage: bouncestat [OPTIONS] [FILE...]\n"
    "\n"
    "Reads Postfix and qmail maillogs, multilog directories and returned\n"
    "bounce mails (mbox, Maildir, .eml), plain or zstd-compressed (stdin\n"
    "when no FILE or FILE is -), and reports delivery failure rates per\n"
    "destination provider and sender domain, with the reasons.\n"
    "Subcommands: patterns, report, merge, watch, diagnose (each has\n"
    "--help). Only diagnose queries DNS.\n"
    "\n"
    "Options:\n"
    "  -f, --format FMT     text (default), json, csv, html or md (the\n"
    "                       report of `bouncestat report`)\n"
    "      --by KEYS        CSV keys, comma-separated: provider,\n"
    "                       sender_domain, recipient_domain, category,\n"
    "                       detail, dsn, day, hour, severity (default:\n"
    "                       provider)\n"
    "  -o, --output FILE    write the report to FILE instead of stdout\n"
    "      --year YYYY      year of BSD syslog timestamps (default: from\n"
    "                       the file's mtime; stdin: today)\n"
    "      --unparsed FILE  write delivery-like lines that did not parse\n"
    "      --patterns FILE  add classification rules (patterns/README.md)\n"
    "  -F, --follow         follow the FILEs by name, like tail -F, through\n"
    "                       rotation (rename, copytruncate, delete and\n"
    "                       recreate, truncation); runs until SIGINT/SIGTERM\n"
    "      --interval SECS  live summary period when following or reading a\n"
    "                       pipe or terminal (default 5): redrawn in place\n"
    "                       on a terminal, one JSON object per line otherwise\n"
    "      --partial-timeout SECS\n"
    "                       how long a rotated file is still read, so a\n"
    "                       partial last line can get its newline (default 2)\n"
    "  -q, --quiet          no progress bar, no follow notices\n"
    "  -j, --jobs N         read files on N threads and merge the results\n"
    "                       exactly (default: the number of cores; a large\n"
    "                       plain file is cut at line boundaries; --year,\n"
    "                       --unparsed and --save keep one thread)\n"
    "      --split-size BYTES  smallest piece a file is cut into (64 MiB)\n"
    "      --save FILE      also write the aggregate (for merge and report)\n"
    "      --state FILE     keep counts and read positions in FILE across\n"
    "                       restarts: go on from there, count no line twice\n"
    "      --checkpoint-interval SECS\n"
    "                       how often --state is written (default 30; also\n"
    "                       at the end, SIGINT and SIGTERM)\n"
    "      --reset-state    start afresh, replacing the --state FILE\n"
    "      --tz ZONE        zone of days and hours (Asia/Tokyo, UTC, +09:00;\n"
    "                       default: the local zone)\n"
    "      --month YYYY-MM  only log times in that month (in --tz)\n"
    "      --since TIME     only log times from TIME (YYYY-MM-DD[ HH:MM[:SS]])\n"
    "      --until TIME     only log times before TIME\n"
    "  -h, --help           show this help\n"
    "  -V, --version        show the version\n"
    "\n"
    "\n"
    "While following or reading a pipe: SIGUSR1 prints the summary now,\n"
    "SIGINT or SIGTERM print the final report and exit, SIGHUP reopens the\n"
    "followed files.\n"
    "\n"
    "Exit status: 0 ok, 1 usage error, 2 some input could not be read.\n";

const char *bs_usage_text(void)
{
    return bs_usage;
}

static int bs_parse_year(const char *s, int *year)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1970 || v > 9999)
        return -1;
    *year = (int)v;
    return 0;
}

/* -j N (1..256) and --split-size BYTES (at least 4 KiB). */
static int bs_parse_count(int c, const char *s, struct bs_options *o,
                          char *err, size_t errlen)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    bool ok = *s >= '0' && *s <= '9' && *end == '\0';
    if (c == 'j' && ok && v >= 1 && v <= 256) {
        o->jobs = (int)v;
        return BS_OPTS_OK;
    }
    if (c != 'j' && ok && v >= 4096) {
        o->split_size = v;
        return BS_OPTS_OK;
    }
    snprintf(err, errlen, c == 'j' ? "-j wants 1 to 256 threads, not '%s'"
                                   : "--split-size wants bytes (>= 4096), "
                                     "not '%s'", s);
    return BS_OPTS_USAGE;
}

static int bs_parse_format(const char *s, enum bs_format *f)
{
    if (strcmp(s, "text") == 0)
        *f = BS_FORMAT_TEXT;
    else if (strcmp(s, "json") == 0)
        *f = BS_FORMAT_JSON;
    else if (strcmp(s, "csv") == 0)
        *f = BS_FORMAT_CSV;
    else if (strcmp(s, "html") == 0)
        *f = BS_FORMAT_HTML;
    else if (strcmp(s, "md") == 0)
        *f = BS_FORMAT_MD;
    else
        return -1;
    return 0;
}

/* Seconds, fractions allowed, into milliseconds (at least 1 when > 0). */
static int bs_parse_seconds(const char *s, bool zero_ok, uint64_t *ms)
{
    char *end;
    double v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || !(v >= 0) || v > 1e6 ||
        (v == 0 && !zero_ok))
        return -1;
    *ms = (uint64_t)(v * 1000.0 + 0.5);
    if (*ms == 0 && v > 0)
        *ms = 1;
    return 0;
}

enum { OPT_BY = 256, OPT_YEAR, OPT_UNPARSED, OPT_PATTERNS, OPT_INTERVAL,
       OPT_PARTIAL_TIMEOUT, OPT_SPLIT_SIZE, OPT_SAVE, OPT_TZ, OPT_MONTH,
       OPT_SINCE, OPT_UNTIL, OPT_STATE, OPT_CHECKPOINT_INTERVAL,
       OPT_RESET_STATE };

static const struct option bs_long_options[] = {
    { "format", required_argument, NULL, 'f' },
    { "by", required_argument, NULL, OPT_BY },
    { "output", required_argument, NULL, 'o' },
    { "year", required_argument, NULL, OPT_YEAR },
    { "unparsed", required_argument, NULL, OPT_UNPARSED },
    { "patterns", required_argument, NULL, OPT_PATTERNS },
    { "follow", no_argument, NULL, 'F' },
    { "interval", required_argument, NULL, OPT_INTERVAL },
    { "partial-timeout", required_argument, NULL, OPT_PARTIAL_TIMEOUT },
    { "jobs", required_argument, NULL, 'j' },
    { "split-size", required_argument, NULL, OPT_SPLIT_SIZE },
    { "save", required_argument, NULL, OPT_SAVE },
    { "state", required_argument, NULL, OPT_STATE },
    { "checkpoint-interval", required_argument, NULL,
      OPT_CHECKPOINT_INTERVAL },
    { "reset-state", no_argument, NULL, OPT_RESET_STATE },
    { "tz", required_argument, NULL, OPT_TZ },
    { "month", required_argument, NULL, OPT_MONTH },
    { "since", required_argument, NULL, OPT_SINCE },
    { "until", required_argument, NULL, OPT_UNTIL },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
};

static int bs_option(int c, struct bs_options *o, char *err, size_t errlen)
{
    switch (c) {
    case 'f':
        if (bs_parse_format(optarg, &o->format) == 0)
            return BS_OPTS_OK;
        snprintf(err, errlen, "unknown format '%s' (text, json, csv, html, md)",
                 optarg);
        return BS_OPTS_USAGE;
    case OPT_BY:
        o->by = optarg;
        return bs_csv_keys_check(optarg, err, errlen) < 0 ? BS_OPTS_USAGE
                                                          : BS_OPTS_OK;
    case 'o':
        o->output = optarg;
        return BS_OPTS_OK;
    case OPT_YEAR:
        if (bs_parse_year(optarg, &o->year) == 0)
            return BS_OPTS_OK;
        snprintf(err, errlen, "--year wants a year like 2026, not '%s'",
                 optarg);
        return BS_OPTS_USAGE;
    case OPT_UNPARSED:
        o->unparsed = optarg;
        return BS_OPTS_OK;
    case OPT_PATTERNS:
        if (o->npatterns == (int)(sizeof o->patterns / sizeof *o->patterns)) {
            snprintf(err, errlen, "too many --patterns files");
            return BS_OPTS_USAGE;
        }
        o->patterns[o->npatterns++] = optarg;
        return BS_OPTS_OK;
    case 'F':
        o->follow = true;
        return BS_OPTS_OK;
    case 'q':
        o->quiet = true;
        return BS_OPTS_OK;
    case 'j':
    case OPT_SPLIT_SIZE:
        return bs_parse_count(c, optarg, o, err, errlen);
    case OPT_SAVE:
        o->save = optarg;
        return BS_OPTS_OK;
    case OPT_STATE:
        o->state = optarg;
        return BS_OPTS_OK;
    case OPT_RESET_STATE:
        o->reset_state = true;
        return BS_OPTS_OK;
    case OPT_CHECKPOINT_INTERVAL:
        if (bs_parse_seconds(optarg, false, &o->checkpoint_ms) == 0)
            return BS_OPTS_OK;
        snprintf(err, errlen, "--checkpoint-interval wants seconds > 0, "
                 "not '%s'", optarg);
        return BS_OPTS_USAGE;
    case OPT_TZ:
        o->time.tz = optarg;
        return BS_OPTS_OK;
    case OPT_MONTH:
        o->time.month = optarg;
        return BS_OPTS_OK;
    case OPT_SINCE:
        o->time.since = optarg;
        return BS_OPTS_OK;
    case OPT_UNTIL:
        o->time.until = optarg;
        return BS_OPTS_OK;
    case OPT_INTERVAL:
        if (bs_parse_seconds(optarg, false, &o->interval_ms) == 0)
            return BS_OPTS_OK;
        snprintf(err, errlen, "--interval wants seconds > 0, not '%s'",
                 optarg);
        return BS_OPTS_USAGE;
    case OPT_PARTIAL_TIMEOUT:
        if (bs_parse_seconds(optarg, true, &o->partial_timeout_ms) == 0)
            return BS_OPTS_OK;
        snprintf(err, errlen, "--partial-timeout wants seconds, not '%s'",
                 optarg);
        return BS_OPTS_USAGE;
    case 'h':
        return BS_OPTS_HELP;
    case 'V':
        return BS_OPTS_VERSION;
    default:
        snprintf(err, errlen, "unknown option (see --help)");
        return BS_OPTS_USAGE;
    }
}

int bs_options_parse(int argc, char **argv, struct bs_options *o,
                     char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->format = BS_FORMAT_TEXT;
    o->interval_ms = 5000;
    o->split_size = 64u << 20;
    o->partial_timeout_ms = 2000;
    o->checkpoint_ms = 30000;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":f:o:Fqj:hV", bs_long_options,
                            NULL)) != -1) {
        if (c == '?' || c == ':') {
            snprintf(err, errlen, "%s '%s' (see --help)",
                     c == ':' ? "missing value for" : "unknown option",
                     argv[optind - 1]);
            return BS_OPTS_USAGE;
        }
        int rc = bs_option(c, o, err, errlen);
        if (rc != BS_OPTS_OK)
            return rc;
    }
    if (o->reset_state && !o->state) {
        snprintf(err, errlen, "--reset-state goes with --state FILE");
        return BS_OPTS_USAGE;
    }
    if (o->by && o->format != BS_FORMAT_CSV) {
        snprintf(err, errlen, "--by goes with --format csv");
        return BS_OPTS_USAGE;
    }
    o->inputs = argv + optind;
    o->ninputs = argc - optind;
    return BS_OPTS_OK;
}
