/*
 * spf.h - SPF (RFC 7208) evaluation as a pure function of DNS answers
 *
 * bs_spf_check() is check_host(): the SPF result of a domain for a
 * client IP and envelope sender, with the processing limits of RFC 7208
 * 4.6.4 (10 lookups by include, a, mx, ptr, exists and redirect; 10 MX
 * names; 10 PTR names; 2 void lookups). Records come through a
 * bs_dns_lookup_fn (dns_lookup.h); when it answers NULL the verdict is
 * pending and the check is run again once the answer is known.
 *
 * The whole record is syntax-checked before any term is evaluated, as
 * 4.6 requires. Macros (section 7): all letters s l o d i v h, the
 * transformers (digits, r), delimiters and %% %_ %-, URL escaping of
 * upper-case letters, and truncation of long names. Not supported, by
 * design: %{p} expands to "unknown" (RFC 7208 discourages it and allows
 * that value); exp= is checked for syntax but never fetched (we diagnose,
 * we do not explain rejections); an include loop is a permerror at the
 * moment the loop closes (a loop always ends in one by the lookup limit;
 * this says which domain loops). Domains are compared case-blind.
 *
 * Beyond the result the verdict says what the diagnosis needs: the
 * record, the term that matched, the lookups used, and in plain words
 * what made a permerror, temperror or none.
 */
#ifndef BS_SPF_H
#define BS_SPF_H

#include "dns_lookup.h"
#include "ipaddr.h"

#include <stdbool.h>

enum bs_spf_result {
    BS_SPF_NONE,
    BS_SPF_NEUTRAL,
    BS_SPF_PASS,
    BS_SPF_FAIL,
    BS_SPF_SOFTFAIL,
    BS_SPF_TEMPERROR,
    BS_SPF_PERMERROR
};

/* "none", "neutral", "pass", ... */
const char *bs_spf_result_name(enum bs_spf_result r);

struct bs_spf_query {
    const char *domain;   /* the domain whose policy is checked */
    struct bs_ip ip;      /* the client */
    const char *sender;   /* "local@domain" for %{s} %{l} %{o}; NULL or
                             "": postmaster@domain */
    const char *helo;     /* for %{h}; NULL: the domain */
    bs_dns_lookup_fn *lookup;
    void *ctx;
    unsigned max_lookups; /* 0: 10 (RFC 7208 4.6.4) */
    unsigned max_void;    /* 0: 2 */
    /* Counting mode: walk every term and include without matching any,
     * to count the lookups the record needs whatever the client (a
     * record over the limit is reported with its real count). The
     * limit is then max_lookups or 100; MX and PTR names are not
     * resolved. The result is meaningless except for errors. */
    bool count_only;
};

#define BS_SPF_TEXT_MAX 512

struct bs_spf_verdict {
    enum bs_spf_result result;
    bool pending;         /* an answer is missing: run again later */
    unsigned lookups;     /* terms that caused lookups (4.6.4) */
    unsigned void_lookups;
    char record[BS_SPF_TEXT_MAX];    /* the domain's own record, or "" */
    char mechanism[BS_SPF_TEXT_MAX]; /* the top-level term that decided,
                                        "" for the default or an error */
    char problem[BS_SPF_TEXT_MAX];   /* why permerror/temperror/none */
    char problem_domain[256];        /* whose record has the problem */
};

/* Runs check_host() for q. The verdict is complete unless pending. */
void bs_spf_check(const struct bs_spf_query *q, struct bs_spf_verdict *v);

/* Expands an SPF macro-string (RFC 7208 7) for domain d of query q into
 * out (a domain name: truncated on the left to 253 bytes when longer).
 * exp: the letters c, r, t are allowed. Returns 0, or -1 with a syntax
 * error. Exposed for the tests. */
int bs_spf_expand(const struct bs_spf_query *q, const char *d,
                  const char *spec, size_t len, bool exp, char *out,
                  size_t cap);

/* Checks the syntax of a macro-string (exp: also c, r, t and spaces).
 * Returns 0, or -1; *ends_in_macro (may be NULL) tells whether its last
 * part is a %{...} expansion. */
int bs_spf_macro_check(const char *spec, size_t len, bool exp,
                       bool *ends_in_macro);

#endif
