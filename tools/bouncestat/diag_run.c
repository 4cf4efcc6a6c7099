/*
 * diag_run.c - the DNS side of a diagnosis, shared by `diagnose` and
 * `report --dns` (diag_run.h)
 */
#include "diag_run.h"

#include "common.h"
#include "ipaddr.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define BS_DIAG_MAX_ROUNDS 200

static int bs_diag_timeout(struct bs_resolver_options *o, const char *arg,
                           char *err, size_t errlen)
{
    char *end;
    double v = strtod(arg, &end);
    if (*arg == '\0' || *end != '\0' || !(v > 0) || v > 600) {
        snprintf(err, errlen, "--timeout wants seconds (0 to 600), not "
                 "'%s'", arg);
        return -1;
    }
    o->timeout_ms = (uint64_t)(v * 1000.0 + 0.5);
    if (!o->timeout_ms)
        o->timeout_ms = 1;
    return 0;
}

static int bs_diag_max_queries(struct bs_resolver_options *o,
                               const char *arg, char *err, size_t errlen)
{
    char *end;
    unsigned long v = strtoul(arg, &end, 10);
    if (*arg < '0' || *arg > '9' || *end != '\0' || v < 1 || v > 1000000) {
        snprintf(err, errlen, "--max-queries wants 1 to 1000000, not '%s'",
                 arg);
        return -1;
    }
    o->max_queries = (unsigned)v;
    return 0;
}

/* "IP", "IP:PORT", "[IPv6]:PORT" or a bare IPv6 address, checked here
 * so that a typo is a usage error before any input is read. */
static bool bs_diag_server_ok(const char *s)
{
    char ip[64];
    const char *port = NULL;
    size_t n;
    const char *colon = strchr(s, ':');
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || (close[1] && close[1] != ':'))
            return false;
        n = (size_t)(close - s - 1);
        s++;
        port = close[1] ? close + 2 : NULL;
    } else if (colon && !strchr(colon + 1, ':')) {
        n = (size_t)(colon - s);
        port = colon + 1;
    } else {
        n = strlen(s);
    }
    if (n == 0 || n >= sizeof ip)
        return false;
    memcpy(ip, s, n);
    ip[n] = '\0';
    struct bs_ip parsed;
    if (bs_ip_parse(ip, &parsed) < 0)
        return false;
    if (!port)
        return true;
    char *end;
    unsigned long v = strtoul(port, &end, 10);
    return *port >= '0' && *port <= '9' && !*end && v >= 1 && v <= 65535;
}

int bs_diag_dns_option(struct bs_resolver_options *o, const char *name,
                       const char *arg, char *err, size_t errlen)
{
    if (!strcmp(name, "resolver")) {
        if (!bs_diag_server_ok(arg)) {
            snprintf(err, errlen, "--resolver wants IP[:PORT] (or "
                     "[IPv6]:PORT), not '%s'", arg);
            return -1;
        }
        o->server = arg;
        return 0;
    }
    if (!strcmp(name, "timeout"))
        return bs_diag_timeout(o, arg, err, errlen);
    if (!strcmp(name, "max-queries"))
        return bs_diag_max_queries(o, arg, err, errlen);
    snprintf(err, errlen, "unknown DNS option --%s", name);
    return -1;
}

struct bs_diag_domain *bs_diag_from_senders(const struct bs_auth_sender *seen,
                                            size_t n, size_t max,
                                            size_t *count)
{
    if (max && n > max)
        n = max;
    struct bs_diag_domain *d = bs_xcalloc(n ? n : 1, sizeof *d);
    for (size_t i = 0; i < n; i++)
        bs_diag_init(&d[i], seen[i].domain, &seen[i]);
    *count = n;
    return d;
}

/* Runs every domain's checks until no answer is missing. */
static void bs_diag_resolve(struct bs_diag_domain *d, size_t n,
                            struct bs_resolver *r)
{
    for (int round = 0; round < BS_DIAG_MAX_ROUNDS; round++) {
        bool pending = false;
        for (size_t i = 0; i < n; i++)
            pending |= bs_diag_run(&d[i], bs_resolver_lookup, r);
        if (!pending)
            break;
        bs_resolver_wait(r);
    }
    for (size_t i = 0; i < n; i++)
        bs_diag_conclude(&d[i]);
}

int bs_diag_run_all(struct bs_diag_domain *d, size_t n,
                    const struct bs_resolver_options *o,
                    struct bs_resolver_stats *st, char *err, size_t errlen)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct bs_resolver *r = bs_resolver_new(&loop, o, err, errlen);
    if (!r) {
        uv_loop_close(&loop);
        return -1;
    }
    bs_diag_resolve(d, n, r);
    bs_resolver_stats(r, st);
    bs_resolver_free(r);
    uv_loop_close(&loop);
    return 0;
}
