/*
 * dns_zone.h - a DNS zone in a string, answering the checks' lookups
 * (dns_lookup.h) for the SPF, DMARC and reverse DNS suites
 *
 * One record per line: "NAME TYPE VALUE", TYPE one of A AAAA MX PTR TXT,
 * VALUE the rest of the line (a TXT record's strings already joined).
 * "NAME TIMEOUT" makes every query for NAME a temporary failure. A name
 * with records of other types answers NODATA, an unknown name NXDOMAIN.
 */
#ifndef BS_TEST_DNS_ZONE_H
#define BS_TEST_DNS_ZONE_H

#include "dns_lookup.h"

#include <stdbool.h>

struct bs_test_zone;

struct bs_test_zone *bs_test_zone_new(const char *text);
void bs_test_zone_free(struct bs_test_zone *z);
/* The lookup function (ctx: the zone). */
const struct bs_dns_answer *bs_test_zone_lookup(void *ctx,
                                                enum bs_dns_type type,
                                                const char *name);
/* When set, the first query of each (type, name) answers NULL (not
 * known yet), as the resolver does, and is answered from then on. */
void bs_test_zone_set_lazy(struct bs_test_zone *z, bool lazy);
/* Queries answered (each distinct one once). */
unsigned bs_test_zone_queries(const struct bs_test_zone *z);

#endif
