/*
 * dns_lookup.h - how the DNS checks (spf.h, dmarc.h, fcrdns.h) ask for
 * records without doing I/O
 *
 * A check is a pure function of the records it is given. It asks through
 * a bs_dns_lookup_fn: the answer if the caller has one, or NULL when the
 * caller does not know yet. On NULL the check stops and reports itself
 * pending; the caller (tools/bouncestat/dns_resolver.c) sends the
 * queries it was asked for, and when the answers are in, runs the check
 * again from the start. Every lookup a check makes depends only on the
 * answers before it, so each run gets one step further, and the tests
 * answer from a static table with no network at all.
 *
 * Answers are owned by the caller and must stay valid for the whole run
 * of a check (a cache that only grows does that).
 */
#ifndef BS_DNS_LOOKUP_H
#define BS_DNS_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>

enum bs_dns_type {
    BS_DNS_A = 1,
    BS_DNS_PTR = 12,
    BS_DNS_MX = 15,
    BS_DNS_TXT = 16,
    BS_DNS_AAAA = 28
};

enum bs_dns_status {
    BS_DNS_OK = 0,       /* NOERROR: n records, possibly none (NODATA) */
    BS_DNS_NXDOMAIN = 1, /* the name does not exist */
    BS_DNS_TEMPFAIL = 2  /* timeout, SERVFAIL, refused, the query limit */
};

/* Records in text form: an A/AAAA record as an address ("192.0.2.1"),
 * MX as the exchange's name (preference dropped; "" for a null MX), PTR
 * as the name, TXT as its strings joined without separators (RFC 7208
 * 3.3). Names have no trailing dot. */
struct bs_dns_answer {
    enum bs_dns_status status;
    size_t n;
    const char *const *rr;
    const char *error; /* for TEMPFAIL: "timeout", "SERVFAIL", ... */
};

/* The answer for (type, name), or NULL when it is not known yet. name is
 * as the check built it (the caller may fold case). */
typedef const struct bs_dns_answer *bs_dns_lookup_fn(void *ctx,
                                                     enum bs_dns_type type,
                                                     const char *name);

static inline int bs_dns_is_void(const struct bs_dns_answer *a)
{
    return a->status == BS_DNS_NXDOMAIN ||
           (a->status == BS_DNS_OK && a->n == 0);
}

/* Equal DNS names, case-blind, trailing dots ignored (spf.c). */
bool bs_dns_name_eq(const char *a, const char *b);

#endif
