/*
 * dns_checks.c - diagnoses into the report's DNS section (dns_checks.h)
 *
 * The levels of diagnose.h and of the report are the same list in the
 * same order; the report's strings are borrowed from the diagnoses,
 * which live as long as c.
 */
#include "dns_checks.h"

#include "common.h"
#include "diag_run.h"

#include <stdlib.h>
#include <string.h>

_Static_assert((int)BS_DIAG_OK == (int)BS_REPORT_DNS_OK &&
                   (int)BS_DIAG_INFO == (int)BS_REPORT_DNS_INFO &&
                   (int)BS_DIAG_WARN == (int)BS_REPORT_DNS_WARN &&
                   (int)BS_DIAG_FAIL == (int)BS_REPORT_DNS_FAIL &&
                   (int)BS_DIAG_ERROR == (int)BS_REPORT_DNS_ERROR,
               "diagnose and report levels differ");

/* Points the report at the concluded diagnoses. */
static void bs_dns_checks_attach(struct bs_dns_checks *c)
{
    size_t nf = 0, nips = 0;
    for (size_t i = 0; i < c->ndiag; i++) {
        nf += c->diag[i].nfindings;
        nips += c->diag[i].nips;
    }
    c->domains = bs_xcalloc(c->ndiag ? c->ndiag : 1, sizeof *c->domains);
    c->findings = bs_xcalloc(nf ? nf : 1, sizeof *c->findings);
    c->ips = bs_xcalloc(nips ? nips : 1, sizeof *c->ips);
    struct bs_report_dns_finding *f = c->findings;
    const char **ip = c->ips;
    for (size_t i = 0; i < c->ndiag; i++) {
        const struct bs_diag_domain *d = &c->diag[i];
        struct bs_report_dns_domain *r = &c->domains[i];
        r->domain = d->domain;
        r->problems = bs_diag_worst(d) >= BS_DIAG_WARN;
        r->ips = ip;
        r->nips = d->nips;
        for (unsigned k = 0; k < d->nips; k++)
            *ip++ = d->ips[k].text;
        r->findings = f;
        r->nfindings = d->nfindings;
        for (size_t k = 0; k < d->nfindings; k++, f++) {
            f->level = (enum bs_report_dns_level)d->findings[k].level;
            f->check = d->findings[k].check;
            f->text = d->findings[k].text;
            f->fix = d->findings[k].fix;
        }
    }
    c->report.domains = c->domains;
    c->report.ndomains = c->ndiag;
    c->report.queries = c->stats.queries;
    c->report.failed = c->stats.failed;
    c->report.limited = c->stats.limited;
}

int bs_dns_checks_gather(struct bs_dns_checks *c, struct bs_engine *e,
                         const struct bs_resolver_options *o,
                         size_t max_domains, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    size_t n = bs_engine_auth_senders(e, &c->seen);
    c->diag = bs_diag_from_senders(c->seen, n, max_domains, &c->ndiag);
    if (bs_diag_run_all(c->diag, c->ndiag, o, &c->stats, err, errlen) < 0)
        return -1;
    bs_dns_checks_attach(c);
    c->report.not_checked = n - c->ndiag;
    return c->stats.failed || c->stats.limited ? 1 : 0;
}

void bs_dns_checks_fini(struct bs_dns_checks *c)
{
    for (size_t i = 0; i < c->ndiag; i++)
        bs_diag_fini(&c->diag[i]);
    free(c->diag);
    free(c->seen);
    free(c->domains);
    free(c->findings);
    free(c->ips);
    memset(c, 0, sizeof *c);
}
