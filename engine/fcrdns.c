/*
 * fcrdns.c - forward-confirmed reverse DNS (fcrdns.h)
 */
#include "fcrdns.h"

#include <stdio.h>
#include <string.h>

void bs_fcrdns_check(const struct bs_ip *ip, bs_dns_lookup_fn *lookup,
                     void *ctx, struct bs_fcrdns_verdict *v)
{
    memset(v, 0, sizeof *v);
    char rev[80], text[64];
    bs_ip_reverse_name(ip, rev, sizeof rev);
    bs_ip_format(ip, text, sizeof text);
    const struct bs_dns_answer *p = lookup(ctx, BS_DNS_PTR, rev);
    if (!p) {
        v->pending = true;
        v->status = BS_FCRDNS_TEMPERROR;
        return;
    }
    if (p->status == BS_DNS_TEMPFAIL) {
        v->status = BS_FCRDNS_TEMPERROR;
        snprintf(v->problem, sizeof v->problem, "DNS error looking up PTR "
                 "%s: %s", rev, p->error ? p->error : "temporary failure");
        return;
    }
    if (bs_dns_is_void(p)) {
        v->status = BS_FCRDNS_NO_PTR;
        snprintf(v->problem, sizeof v->problem, "%s has no PTR record",
                 text);
        return;
    }
    snprintf(v->name, sizeof v->name, "%s", p->rr[0]);
    bool pending = false, tempfail = false;
    for (size_t i = 0; i < p->n && i < 10; i++) {
        const struct bs_dns_answer *a =
            lookup(ctx, ip->v6 ? BS_DNS_AAAA : BS_DNS_A, p->rr[i]);
        if (!a) {
            pending = true;
            continue;
        }
        tempfail |= a->status == BS_DNS_TEMPFAIL;
        for (size_t k = 0; a->status == BS_DNS_OK && k < a->n; k++) {
            struct bs_ip back;
            if (bs_ip_parse(a->rr[k], &back) == 0 &&
                bs_ip_equal(&back, ip)) {
                v->status = BS_FCRDNS_PASS;
                snprintf(v->name, sizeof v->name, "%s", p->rr[i]);
                return;
            }
        }
    }
    if (pending) {
        v->pending = true;
        v->status = BS_FCRDNS_TEMPERROR;
    } else if (tempfail) {
        v->status = BS_FCRDNS_TEMPERROR;
        snprintf(v->problem, sizeof v->problem, "DNS error resolving the "
                 "PTR name %s", v->name);
    } else {
        v->status = BS_FCRDNS_MISMATCH;
        snprintf(v->problem, sizeof v->problem, "the PTR name of %s (%s) "
                 "does not resolve back to %s", text, v->name, text);
    }
}
