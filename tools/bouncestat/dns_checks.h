/*
 * dns_checks.h - `report --dns`: the diagnosis of the report's sender
 * domains with authentication failures, as the data the report prints
 *
 * The engine's report does no DNS (bouncestat.h, struct bs_report_dns).
 * This runs the checks of `bouncestat diagnose` (diag_run.h) on the
 * domains bs_engine_auth_senders gives, most failures first, and points
 * a struct bs_report_dns at the findings, for bs_report_options.dns. It
 * owns everything the struct points to until bs_dns_checks_fini.
 */
#ifndef BS_DNS_CHECKS_H
#define BS_DNS_CHECKS_H

#include "bouncestat.h"
#include "diagnose.h"
#include "dns_resolver.h"

#include <stddef.h>

struct bs_dns_checks {
    struct bs_report_dns report;   /* what to give the report */
    struct bs_resolver_stats stats;
    struct bs_auth_sender *seen;   /* heap, bs_engine_auth_senders */
    struct bs_diag_domain *diag;   /* heap */
    size_t ndiag;
    struct bs_report_dns_domain *domains;   /* heap, [ndiag] */
    struct bs_report_dns_finding *findings; /* heap, all domains' */
    const char **ips;                       /* heap, all domains' */
};

/* Checks the first max_domains (0: all) sender domains of e with
 * authentication failures; e must be finished. Returns 0 when every
 * lookup was answered, 1 when some failed or were over the query limit
 * (c->report says so and the findings name them), or -1 with a message
 * in err (a bad --resolver; c is then empty). Call bs_dns_checks_fini in
 * every case. */
int bs_dns_checks_gather(struct bs_dns_checks *c, struct bs_engine *e,
                         const struct bs_resolver_options *o,
                         size_t max_domains, char *err, size_t errlen);
void bs_dns_checks_fini(struct bs_dns_checks *c);

#endif
