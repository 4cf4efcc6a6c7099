/*
 * fcrdns.h - forward-confirmed reverse DNS of an IP address, from DNS
 * answers
 *
 * The check receivers make of a sending IP (and what the requireptr
 * bounces ask for): the IP has a PTR record, and a name it gives
 * resolves (A or AAAA) back to the same IP. Asks through a
 * bs_dns_lookup_fn as spf.h does; up to 10 PTR names are tried.
 */
#ifndef BS_FCRDNS_H
#define BS_FCRDNS_H

#include "dns_lookup.h"
#include "ipaddr.h"

#include <stdbool.h>

enum bs_fcrdns_status {
    BS_FCRDNS_PASS,      /* name resolves back to the IP */
    BS_FCRDNS_NO_PTR,    /* no PTR record */
    BS_FCRDNS_MISMATCH,  /* PTR names that do not resolve back */
    BS_FCRDNS_TEMPERROR
};

struct bs_fcrdns_verdict {
    enum bs_fcrdns_status status;
    bool pending;
    char name[256];      /* the confirmed name, or the first PTR name */
    char problem[512];
};

void bs_fcrdns_check(const struct bs_ip *ip, bs_dns_lookup_fn *lookup,
                     void *ctx, struct bs_fcrdns_verdict *v);

#endif
