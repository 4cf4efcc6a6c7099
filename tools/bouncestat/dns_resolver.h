/*
 * dns_resolver.h - DNS queries on the libuv loop (c-ares), with a cache,
 * timeouts and a limit on queries, answering the checks' lookups
 *
 * bs_resolver_lookup() is a bs_dns_lookup_fn (engine/dns_lookup.h): it
 * answers from the cache, or sends the query and answers NULL. The caller
 * runs its checks, then bs_resolver_wait() until the queries sent are
 * answered, and runs the checks again. Nothing blocks: c-ares's sockets
 * are watched with uv_poll and its timeouts run on a uv_timer.
 *
 * Every distinct (type, name) is asked once per run; answers, negative
 * ones and failures included, stay cached for the run (a diagnosis takes
 * seconds; TTLs do not matter). Past max_queries distinct queries, new
 * ones are not sent and answer a temporary failure ("query limit"), so a
 * log naming thousands of domains cannot flood a resolver.
 *
 * The only file that includes ares.h.
 */
#ifndef BS_DNS_RESOLVER_H
#define BS_DNS_RESOLVER_H

#include "dns_lookup.h"

#include <stdint.h>
#include <uv.h>

struct bs_resolver_options {
    const char *server;   /* "IP", "IP:PORT", "[IPv6]:PORT"; NULL: the
                             servers of /etc/resolv.conf */
    uint64_t timeout_ms;  /* one try of a query (2 tries); 0: 5000 */
    unsigned max_queries; /* 0: 1000 */
};

struct bs_resolver_stats {
    unsigned queries;  /* sent */
    unsigned failed;   /* answered with a temporary failure (timeouts,
                          SERVFAIL, refused) */
    unsigned limited;  /* not sent: the query limit */
};

struct bs_resolver;

/* A resolver on loop. NULL with a message in err (a bad server). */
struct bs_resolver *bs_resolver_new(uv_loop_t *loop,
                                    const struct bs_resolver_options *o,
                                    char *err, size_t errlen);
/* Cancels queries in flight, closes its handles and runs the loop until
 * they are closed. Answers given out are freed. */
void bs_resolver_free(struct bs_resolver *r);

/* The bs_dns_lookup_fn: ctx is the resolver. */
const struct bs_dns_answer *bs_resolver_lookup(void *ctx,
                                               enum bs_dns_type type,
                                               const char *name);
/* Runs the loop until no query is in flight. */
void bs_resolver_wait(struct bs_resolver *r);
void bs_resolver_stats(const struct bs_resolver *r,
                       struct bs_resolver_stats *out);

#endif
