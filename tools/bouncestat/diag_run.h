/*
 * diag_run.h - diagnosing sender domains against DNS: the DNS options
 * `diagnose` and `report --dns` share, the domains a log gives, and the
 * rounds of checks and lookups
 *
 * bs_diag_run_all() opens a libuv loop and a resolver of its own and runs
 * the checks of every domain together: each round runs all checks against
 * the resolver's cache, which sends what they ask for; the loop turns
 * until those answers are in, and the next round gets further
 * (diagnose.h, dns_resolver.h). Rounds are bounded: the SPF limits bound
 * the depth of any check. Then every domain is concluded (its findings).
 */
#ifndef BS_DIAG_RUN_H
#define BS_DIAG_RUN_H

#include "diagnose.h"
#include "dns_resolver.h"

#include <stddef.h>

/* One of the long options "resolver", "timeout" (seconds, up to 600) or
 * "max-queries" (1 to 1000000) with its argument, into o. Returns 0, or
 * -1 with a message in err. */
int bs_diag_dns_option(struct bs_resolver_options *o, const char *name,
                       const char *arg, char *err, size_t errlen);

/* The domains to check for seen[0..n) (bs_engine_auth_senders), at most
 * max of them (0: all): a heap array the caller finishes with
 * bs_diag_fini and frees; seen must outlive it. *count gets its length. */
struct bs_diag_domain *bs_diag_from_senders(const struct bs_auth_sender *seen,
                                            size_t n, size_t max,
                                            size_t *count);

/* Checks and concludes d[0..n). Returns 0 (st filled: failed and limited
 * count the lookups that could not be answered), or -1 with a message in
 * err when the resolver cannot be set up (a bad --resolver). */
int bs_diag_run_all(struct bs_diag_domain *d, size_t n,
                    const struct bs_resolver_options *o,
                    struct bs_resolver_stats *st, char *err, size_t errlen);

#endif
