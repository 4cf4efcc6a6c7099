/*
 * cmd_diagnose.c - `bouncestat diagnose [OPTIONS] [FILE...]` and
 * `bouncestat diagnose --domain D [--ip IP]...`
 *
 * The only command that queries DNS (every other one stays offline).
 * From logs (or bounce mails) it lists the sender domains with
 * authfailure or requireptr outcomes and the sending IPs their bounce
 * texts name (bs_engine_auth_senders); --domain skips the log. --ip adds
 * sending IPs (Postfix logs name the receiving side, not ours).
 *
 * Then it runs the checks of every domain together (diag_run.h) and
 * prints the findings.
 *
 * Exit status: 0 the diagnosis is complete (whatever it found); 1 usage
 * error; 2 an input could not be read or a DNS query failed (timeout,
 * SERVFAIL, the query limit): what could be checked is still reported.
 */
#include "cmd_diagnose.h"

#include "bouncestat.h"
#include "buf.h"
#include "common.h"
#include "diag_run.h"
#include "diagnose_render.h"
#include "patterns_file.h"
#include "read_input.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BS_EXIT_OK = 0, BS_EXIT_USAGE = 1, BS_EXIT_INPUT = 2 };

static const char bs_diagnose_usage[] =
    "Usage: bouncestat diagnose [OPTIONS] [FILE...]\n"
    "       bouncestat diagnose --domain DOMAIN [--ip IP]... [OPTIONS]\n"
    "\n"
    "Looks up in DNS what makes the sender domains of authentication\n"
    "bounces (authfailure, requireptr) fail: their SPF record evaluated\n"
    "for the sending IPs (RFC 7208, with its 10-lookup limit), their DMARC\n"
    "policy, and the reverse DNS of the sending IPs; says what passes, what\n"
    "fails, and the change that fixes it. Reads maillogs or bounce mails\n"
    "(plain or zstd; stdin when no FILE), or checks --domain without one.\n"
    "\n"
    "  -f, --format FMT        text (default) or json\n"
    "      --domain DOMAIN     check DOMAIN instead of the log's domains\n"
    "                          (repeatable)\n"
    "      --ip IP             a sending IP to evaluate (repeatable); added\n"
    "                          to the IPs the bounce texts name\n"
    "      --resolver IP[:PORT]  ask this DNS server (default: the servers\n"
    "                          of /etc/resolv.conf)\n"
    "      --timeout SECS      time for one try of a query (default 5;\n"
    "                          each query is tried twice)\n"
    "      --max-queries N     distinct DNS queries at most (default 1000)\n"
    "      --year YYYY         year of BSD syslog timestamps\n"
    "      --patterns FILE     add classification rules\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: 0 ok (problems found or not), 1 usage error, 2 an input\n"
    "could not be read or a DNS query failed.\n";

struct bs_diagnose_args {
    bool json;
    const char *domains[16];
    int ndomains;
    const char *ips[BS_DIAG_MAX_IPS];
    int nips;
    struct bs_resolver_options dns;
    const char *patterns[16];
    int npatterns;
    int year;
    char **inputs;
    int ninputs;
};

enum { OPT_DOMAIN = 256, OPT_IP, OPT_RESOLVER, OPT_TIMEOUT, OPT_MAX_QUERIES,
       OPT_YEAR, OPT_PATTERNS };

static const struct option bs_diagnose_options[] = {
    { "format", required_argument, NULL, 'f' },
    { "domain", required_argument, NULL, OPT_DOMAIN },
    { "ip", required_argument, NULL, OPT_IP },
    { "resolver", required_argument, NULL, OPT_RESOLVER },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "max-queries", required_argument, NULL, OPT_MAX_QUERIES },
    { "year", required_argument, NULL, OPT_YEAR },
    { "patterns", required_argument, NULL, OPT_PATTERNS },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static bool bs_domain_plausible(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > 253 || !strchr(s, '.') || s[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || strchr("-._", s[i])))
            return false;
    return true;
}

/* One option: 0, or -1 with a message in err. */
static int bs_diagnose_option(int c, struct bs_diagnose_args *a, char *err,
                              size_t errlen)
{
    char *end;
    switch (c) {
    case 'f':
        if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
            snprintf(err, errlen, "unknown format '%s' (text, json)", optarg);
            return -1;
        }
        a->json = !strcmp(optarg, "json");
        return 0;
    case OPT_DOMAIN:
        if (!bs_domain_plausible(optarg)) {
            snprintf(err, errlen, "--domain wants a domain name, not '%s'",
                     optarg);
            return -1;
        }
        if (a->ndomains == (int)BS_ARRAY_LEN(a->domains)) {
            snprintf(err, errlen, "too many --domain");
            return -1;
        }
        a->domains[a->ndomains++] = optarg;
        return 0;
    case OPT_IP: {
        struct bs_ip ip;
        if (bs_ip_parse(optarg, &ip) < 0) {
            snprintf(err, errlen, "--ip wants an IPv4 or IPv6 address, not "
                     "'%s'", optarg);
            return -1;
        }
        if (a->nips == (int)BS_ARRAY_LEN(a->ips)) {
            snprintf(err, errlen, "too many --ip (at most %d)",
                     BS_DIAG_MAX_IPS);
            return -1;
        }
        a->ips[a->nips++] = optarg;
        return 0;
    }
    case OPT_RESOLVER:
        return bs_diag_dns_option(&a->dns, "resolver", optarg, err, errlen);
    case OPT_TIMEOUT:
        return bs_diag_dns_option(&a->dns, "timeout", optarg, err, errlen);
    case OPT_MAX_QUERIES:
        return bs_diag_dns_option(&a->dns, "max-queries", optarg, err,
                                  errlen);
    case OPT_YEAR: {
        long v = strtol(optarg, &end, 10);
        if (*optarg == '\0' || *end != '\0' || v < 1970 || v > 9999) {
            snprintf(err, errlen, "--year wants a year like 2026, not '%s'",
                     optarg);
            return -1;
        }
        a->year = (int)v;
        return 0;
    }
    case OPT_PATTERNS:
        if (a->npatterns == (int)BS_ARRAY_LEN(a->patterns)) {
            snprintf(err, errlen, "too many --patterns files");
            return -1;
        }
        a->patterns[a->npatterns++] = optarg;
        return 0;
    default:
        snprintf(err, errlen, "unknown option (see --help)");
        return -1;
    }
}

/* 0, 1 for --help, or -1 with a message. */
static int bs_diagnose_parse(int argc, char **argv, struct bs_diagnose_args *a,
                             char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":f:h", bs_diagnose_options,
                            NULL)) != -1) {
        if (c == 'h')
            return 1;
        if (c == '?' || c == ':') {
            snprintf(err, errlen, "%s '%s' (see --help)",
                     c == ':' ? "missing value for" : "unknown option",
                     argv[optind - 1]);
            return -1;
        }
        if (bs_diagnose_option(c, a, err, errlen) < 0)
            return -1;
    }
    a->inputs = argv + optind;
    a->ninputs = argc - optind;
    if (a->ndomains && a->ninputs) {
        snprintf(err, errlen, "--domain checks without a log: give FILEs or "
                 "--domain, not both");
        return -1;
    }
    return 0;
}

/* Reads the logs into a new engine: 0, or BS_EXIT_INPUT (some input
 * unreadable) or BS_EXIT_USAGE (patterns). *out is NULL on usage. */
static int bs_diagnose_read(const struct bs_diagnose_args *a,
                            struct bs_engine **out)
{
    struct bs_engine_options eo;
    bs_engine_options_default(&eo);
    eo.year = a->year;
    char err[1024];
    *out = NULL;
    struct bs_engine *e = bs_engine_new(&eo, err, sizeof err);
    if (!e) {
        fprintf(stderr, "bouncestat: built-in patterns: %s\n", err);
        return BS_EXIT_USAGE;
    }
    for (int i = 0; i < a->npatterns; i++)
        if (bs_patterns_file_load(e, a->patterns[i]) < 0) {
            bs_engine_free(e);
            return BS_EXIT_USAGE;
        }
    int status = BS_EXIT_OK;
    char *buf = bs_xmalloc(BS_READ_CHUNK);
    char *stdin_only[] = { "-" };
    char **inputs = a->ninputs ? a->inputs : stdin_only;
    int n = a->ninputs ? a->ninputs : 1;
    for (int i = 0; i < n; i++)
        if (bs_read_input(e, inputs[i], buf, BS_READ_CHUNK, err,
                          sizeof err) < 0) {
            fprintf(stderr, "bouncestat: %s\n", err);
            status = BS_EXIT_INPUT;
        }
    free(buf);
    bs_engine_finish(e);
    *out = e;
    return status;
}

static int bs_diagnose_run(const struct bs_diagnose_args *a,
                           struct bs_diag_domain *d, size_t n)
{
    char err[512];
    struct bs_resolver_stats st;
    if (bs_diag_run_all(d, n, &a->dns, &st, err, sizeof err) < 0) {
        fprintf(stderr, "bouncestat: %s\n", err);
        return BS_EXIT_USAGE;
    }
    struct bs_buf out;
    bs_buf_init(&out);
    if (a->json)
        bs_diag_render_json(d, n, &st, &out);
    else
        bs_diag_render_text(d, n, &st, &out);
    fwrite(out.data, 1, out.len, stdout);
    bs_buf_fini(&out);
    if (fflush(stdout) != 0)
        return BS_EXIT_INPUT;
    if (st.failed || st.limited) {
        fprintf(stderr, "bouncestat: %u DNS quer%s failed%s: some checks "
                "are incomplete\n", st.failed + st.limited,
                st.failed + st.limited == 1 ? "y" : "ies",
                st.limited ? " or were over --max-queries" : "");
        return BS_EXIT_INPUT;
    }
    return BS_EXIT_OK;
}

int bs_cmd_diagnose(int argc, char **argv)
{
    struct bs_diagnose_args a;
    char err[512];
    int rc = bs_diagnose_parse(argc, argv, &a, err, sizeof err);
    if (rc == 1) {
        fputs(bs_diagnose_usage, stdout);
        return BS_EXIT_OK;
    }
    if (rc < 0) {
        fprintf(stderr, "bouncestat diagnose: %s\n", err);
        return BS_EXIT_USAGE;
    }
    struct bs_engine *e = NULL;
    struct bs_auth_sender *seen = NULL;
    size_t n = (size_t)a.ndomains;
    int status = BS_EXIT_OK;
    if (!a.ndomains) {
        status = bs_diagnose_read(&a, &e);
        if (!e)
            return status;
        n = bs_engine_auth_senders(e, &seen);
    }
    struct bs_diag_domain *d;
    if (seen) {
        d = bs_diag_from_senders(seen, n, 0, &n);
    } else {
        d = bs_xcalloc(n ? n : 1, sizeof *d);
        for (size_t i = 0; i < n; i++)
            bs_diag_init(&d[i], a.domains[i], NULL);
    }
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < a.nips; k++)
            bs_diag_add_ip(&d[i], a.ips[k], false);
    int drc = bs_diagnose_run(&a, d, n);
    if (drc != BS_EXIT_OK)
        status = drc;
    for (size_t i = 0; i < n; i++)
        bs_diag_fini(&d[i]);
    free(d);
    free(seen);
    bs_engine_free(e);
    return status;
}
