/*
 * dmarc.h - a domain's DMARC policy (RFC 7489) from DNS answers
 *
 * bs_dmarc_parse() reads a record's tags; bs_dmarc_check() finds the
 * record that applies to a From domain: _dmarc.DOMAIN, else
 * _dmarc.ORGANISATIONAL-DOMAIN (6.6.3), through a bs_dns_lookup_fn as
 * spf.h does (NULL answers make the verdict pending).
 *
 * The organisational domain is found without the Public Suffix List (it
 * is data we would have to ship and keep current): the last two labels,
 * or three when the second-to-last is a well-known second-level label
 * under a two-letter country code (co.jp, ne.jp, com.au, co.uk, ...).
 * That covers the sender domains this tool sees; a wrong guess only
 * means the fallback lookup asks one label too high or too low.
 *
 * Record rules (6.3, 6.6.3): the first tag must be v=DMARC1; p is
 * required (without it a record with a valid rua is p=none, as the RFC
 * says); unknown tags are ignored; a bad p, sp, adkim, aspf or pct makes
 * the record invalid. More than one DMARC record at a name is no record.
 */
#ifndef BS_DMARC_H
#define BS_DMARC_H

#include "dns_lookup.h"

#include <stdbool.h>

struct bs_dmarc_record {
    char policy[12];     /* "none", "quarantine", "reject" */
    char sub_policy[12]; /* sp=, or "" */
    char adkim, aspf;    /* 'r' (relaxed, default) or 's' (strict) */
    int pct;             /* 0..100, default 100 */
    char rua[256];       /* as written, "" when absent */
    char ruf[256];
};

/* Parses one TXT string. Returns 0, or -1 with the reason in err. */
int bs_dmarc_parse(const char *text, struct bs_dmarc_record *rec, char *err,
                   size_t errlen);

/* The organisational domain of domain (see above), into out. */
void bs_dmarc_org_domain(const char *domain, char *out, size_t cap);

enum bs_dmarc_status {
    BS_DMARC_FOUND,     /* rec holds the policy that applies */
    BS_DMARC_MISSING,   /* no record at either name */
    BS_DMARC_INVALID,   /* a record that does not parse (problem says) */
    BS_DMARC_TEMPERROR  /* DNS failed */
};

struct bs_dmarc_verdict {
    enum bs_dmarc_status status;
    bool pending;
    bool inherited;      /* found at the organisational domain */
    char name[300];      /* where: "_dmarc.example.com" */
    char record[512];    /* the record's text */
    struct bs_dmarc_record rec;
    char problem[300];
};

void bs_dmarc_check(const char *domain, bs_dns_lookup_fn *lookup, void *ctx,
                    struct bs_dmarc_verdict *v);

#endif
