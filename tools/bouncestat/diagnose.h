/*
 * diagnose.h - what is wrong with a sender domain's SPF, DMARC and the
 * reverse DNS of its sending IPs, and the concrete change that fixes it
 *
 * DNS-free: the checks (engine/spf.h, dmarc.h, fcrdns.h) ask through a
 * bs_dns_lookup_fn; bs_diag_run() runs them all and says whether any is
 * still waiting for answers (the caller resolves and runs again). Once
 * nothing is pending, bs_diag_conclude() turns the verdicts into
 * findings: a level, a sentence, and a fix where there is one to make.
 * The renderers (diagnose_render.c) only print findings and verdicts.
 */
#ifndef BS_DIAGNOSE_H
#define BS_DIAGNOSE_H

#include "bouncestat.h"
#include "dmarc.h"
#include "fcrdns.h"
#include "spf.h"

#include <stdbool.h>
#include <stdint.h>

#define BS_DIAG_MAX_IPS 8

enum bs_diag_level { BS_DIAG_OK, BS_DIAG_INFO, BS_DIAG_WARN, BS_DIAG_FAIL,
                     BS_DIAG_ERROR /* DNS could not tell */ };

struct bs_diag_finding {
    enum bs_diag_level level;
    const char *check;  /* "spf", "dmarc", "ptr", "from" */
    char text[2048];
    char fix[2048];     /* "" when there is nothing to change */
};

struct bs_diag_ip {
    struct bs_ip ip;
    char text[46];
    bool from_log;                 /* named by a bounce text */
    struct bs_spf_verdict spf;
    struct bs_fcrdns_verdict ptr;
    char ptr_org[256];             /* the PTR name's organisational domain */
    bool has_ptr_spf;
    struct bs_spf_verdict ptr_spf; /* ptr_org's SPF for this IP */
};

struct bs_diag_domain {
    char domain[256];
    const struct bs_auth_sender *seen; /* from the log, or NULL */
    struct bs_spf_verdict spf;         /* record, lookup count (counting) */
    struct bs_diag_ip ips[BS_DIAG_MAX_IPS];
    unsigned nips;
    struct bs_dmarc_verdict dmarc;
    struct bs_diag_finding *findings;  /* heap, bs_diag_conclude */
    size_t nfindings;
};

/* seen (may be NULL) must outlive d; its IPs are added. */
void bs_diag_init(struct bs_diag_domain *d, const char *domain,
                  const struct bs_auth_sender *seen);
void bs_diag_fini(struct bs_diag_domain *d);
/* Adds a sending IP (duplicates ignored). -1 when text is no IP. */
int bs_diag_add_ip(struct bs_diag_domain *d, const char *text, bool from_log);
/* Runs every check; true while some answer is missing. */
bool bs_diag_run(struct bs_diag_domain *d, bs_dns_lookup_fn *lookup,
                 void *ctx);
/* Builds the findings from the verdicts. */
void bs_diag_conclude(struct bs_diag_domain *d);
/* The worst level of d's findings. */
enum bs_diag_level bs_diag_worst(const struct bs_diag_domain *d);
const char *bs_diag_level_name(enum bs_diag_level l);

#endif
