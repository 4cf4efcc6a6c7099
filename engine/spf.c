/*
 * spf.c - check_host() of RFC 7208 over a lookup function
 *
 * A record is fetched (TXT, exactly one "v=spf1" record), cut into terms
 * and syntax-checked whole, then its mechanisms are evaluated in order;
 * include and redirect recurse. A missing answer unwinds the recursion
 * as BS_SPF_PENDING (never a result the caller sees): the caller fetches
 * what was asked for and runs the check again. Where several answers are
 * independent (the addresses of MX or PTR names) all are asked for
 * before unwinding, so they can be fetched in parallel.
 *
 * The run's counters (lookups, void lookups) live in the verdict, shared
 * by the whole recursion, as the limits of 4.6.4 apply to one check.
 */
#include "spf.h"

#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BS_SPF_PENDING 100 /* internal: an answer is missing */
#define BS_SPF_MAX_DEPTH 128

enum bs_spf_kind { BS_T_ALL, BS_T_INCLUDE, BS_T_A, BS_T_MX, BS_T_PTR,
                   BS_T_IP4, BS_T_IP6, BS_T_EXISTS, BS_T_REDIRECT,
                   BS_T_EXP, BS_T_MODIFIER };

struct bs_spf_term {
    enum bs_spf_kind kind;
    char qual;                 /* '+', '-', '~', '?' */
    const char *text;          /* the whole term, in the record */
    size_t text_len;
    const char *arg;           /* domain-spec (or ""), in the record */
    size_t arg_len;
    unsigned cidr4, cidr6;
    struct bs_ip net;          /* ip4, ip6 */
};

struct bs_spf_run {
    const struct bs_spf_query *q;
    struct bs_spf_verdict *v;
    unsigned max_lookups, max_void;
    const char *stack[BS_SPF_MAX_DEPTH]; /* domains being evaluated */
    unsigned depth;
};

const char *bs_spf_result_name(enum bs_spf_result r)
{
    static const char *const names[] = { "none", "neutral", "pass", "fail",
                                         "softfail", "temperror",
                                         "permerror" };
    return (unsigned)r < BS_ARRAY_LEN(names) ? names[r] : "?";
}

__attribute__((format(printf, 3, 4)))
static void bs_spf_problem(struct bs_spf_run *r, const char *domain,
                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->v->problem, sizeof r->v->problem, fmt, ap);
    va_end(ap);
    snprintf(r->v->problem_domain, sizeof r->v->problem_domain, "%s",
             domain);
}

static bool bs_ascii_caseeq(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (bs_ascii_lower(a[i]) != bs_ascii_lower(b[i]))
            return false;
    return true;
}

static bool bs_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 7208 7.1 toplabel: alphanumerics with a letter, or alphanumerics
 * and inner hyphens. */
static bool bs_toplabel_ok(const char *s, size_t n)
{
    if (!n)
        return false;
    bool alpha = false, hyphen = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-')
            hyphen = true;
        else if (bs_is_alpha(s[i]))
            alpha = true;
        else if (!bs_is_digit(s[i]))
            return false;
    }
    if (s[0] == '-' || s[n - 1] == '-')
        return false;
    return alpha || hyphen;
}

/* domain-spec = macro-string domain-end; domain-end = ("." toplabel
 * ["."]) / macro-expand. */
static bool bs_domain_spec_ok(const char *s, size_t n)
{
    bool macro_end;
    if (!n || bs_spf_macro_check(s, n, false, &macro_end) < 0)
        return false;
    if (macro_end)
        return true;
    if (s[n - 1] == '.')
        n--;
    size_t dot = n;
    while (dot > 0 && s[dot - 1] != '.')
        dot--;
    if (dot == 0) /* a toplabel alone */
        return false;
    return bs_toplabel_ok(s + dot, n - dot);
}

/* A name DNS can be asked for: labels of 1..63 bytes, at most 253. */
static bool bs_dns_name_ok(const char *s)
{
    size_t n = strlen(s), label = 0;
    if (!n || n > 253)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '.') {
            label++;
            continue;
        }
        if (label == 0 || label > 63)
            return false;
        label = 0;
    }
    return label <= 63;
}

bool bs_dns_name_eq(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    while (n && a[n - 1] == '.')
        n--;
    while (m && b[m - 1] == '.')
        m--;
    if (n != m)
        return false;
    for (size_t i = 0; i < n; i++)
        if (bs_ascii_lower(a[i]) != bs_ascii_lower(b[i]))
            return false;
    return true;
}

/* "/24", "//64": digits without leading zeros, at most max. */
static int bs_cidr_parse(const char *s, size_t n, unsigned max,
                         unsigned *out)
{
    if (!n || n > 3 || (n > 1 && s[0] == '0'))
        return -1;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!bs_is_digit(s[i]))
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

/* [":" domain-spec] [dual-cidr-length] after a or mx. */
static int bs_term_dual(struct bs_spf_term *t, const char *s, size_t n)
{
    size_t end = n, j = n;
    while (j > 0 && bs_is_digit(s[j - 1]))
        j--;
    if (j < end && j >= 2 && s[j - 1] == '/' && s[j - 2] == '/') {
        if (bs_cidr_parse(s + j, end - j, 128, &t->cidr6) < 0)
            return -1;
        end = j - 2;
    }
    j = end;
    while (j > 0 && bs_is_digit(s[j - 1]))
        j--;
    if (j < end && j >= 1 && s[j - 1] == '/') {
        if (bs_cidr_parse(s + j, end - j, 32, &t->cidr4) < 0)
            return -1;
        end = j - 1;
    }
    if (end == 0)
        return 0;
    if (s[0] != ':' || !bs_domain_spec_ok(s + 1, end - 1))
        return -1;
    t->arg = s + 1;
    t->arg_len = end - 1;
    return 0;
}

/* ip4:ADDR[/N] or ip6:ADDR[/N]. */
static int bs_term_ip(struct bs_spf_term *t, const char *s, size_t n, bool v6)
{
    if (n < 2 || s[0] != ':')
        return -1;
    s++, n--;
    size_t slash = 0;
    while (slash < n && s[slash] != '/')
        slash++;
    char addr[64];
    if (slash == 0 || slash >= sizeof addr)
        return -1;
    memcpy(addr, s, slash);
    addr[slash] = '\0';
    if (!v6 && strchr(addr, ':'))
        return -1;
    if (bs_ip_parse(addr, &t->net) < 0)
        return -1;
    if (v6) {
        if (!strchr(addr, ':'))
            return -1;
        /* keep a mapped address as IPv6: ip6 never matches IPv4 */
        if (!t->net.v6) {
            uint8_t v4[4];
            memcpy(v4, t->net.b, 4);
            memset(t->net.b, 0, 16);
            t->net.b[10] = t->net.b[11] = 0xff;
            memcpy(t->net.b + 12, v4, 4);
            t->net.v6 = 1;
        }
    } else if (t->net.v6) {
        return -1;
    }
    if (slash < n &&
        bs_cidr_parse(s + slash + 1, n - slash - 1, v6 ? 128 : 32,
                      v6 ? &t->cidr6 : &t->cidr4) < 0)
        return -1;
    return 0;
}

static int bs_term_mechanism(struct bs_spf_term *t, const char *s, size_t n)
{
    if (n && strchr("+-~?", s[0]))
        t->qual = s[0], s++, n--;
    size_t name = 0;
    while (name < n && s[name] != ':' && s[name] != '/')
        name++;
    const char *rest = s + name;
    size_t rlen = n - name;
    static const struct { const char *name; enum bs_spf_kind kind; } m[] = {
        { "all", BS_T_ALL }, { "include", BS_T_INCLUDE }, { "a", BS_T_A },
        { "mx", BS_T_MX }, { "ptr", BS_T_PTR }, { "ip4", BS_T_IP4 },
        { "ip6", BS_T_IP6 }, { "exists", BS_T_EXISTS },
    };
    size_t k = 0;
    while (k < BS_ARRAY_LEN(m) && !bs_ascii_caseeq(s, name, m[k].name))
        k++;
    if (k == BS_ARRAY_LEN(m))
        return -1;
    t->kind = m[k].kind;
    switch (t->kind) {
    case BS_T_ALL:
        return rlen ? -1 : 0;
    case BS_T_INCLUDE:
    case BS_T_EXISTS:
        if (rlen < 2 || rest[0] != ':' || !bs_domain_spec_ok(rest + 1,
                                                             rlen - 1))
            return -1;
        t->arg = rest + 1, t->arg_len = rlen - 1;
        return 0;
    case BS_T_PTR:
        if (!rlen)
            return 0;
        if (rest[0] != ':' || !bs_domain_spec_ok(rest + 1, rlen - 1))
            return -1;
        t->arg = rest + 1, t->arg_len = rlen - 1;
        return 0;
    case BS_T_A:
    case BS_T_MX:
        return bs_term_dual(t, rest, rlen);
    case BS_T_IP4:
    case BS_T_IP6:
        return bs_term_ip(t, rest, rlen, t->kind == BS_T_IP6);
    default:
        return -1;
    }
}

/* One term. Returns 0 or -1 (a syntax error). */
static int bs_term_parse(struct bs_spf_term *t, const char *s, size_t n)
{
    memset(t, 0, sizeof *t);
    t->text = s, t->text_len = n;
    t->qual = '+';
    t->arg = "";
    t->cidr4 = 32, t->cidr6 = 128;
    size_t i = 0;
    if (n && bs_is_alpha(s[0])) {
        while (i < n && (bs_is_alpha(s[i]) || bs_is_digit(s[i]) ||
                         s[i] == '-' || s[i] == '_' || s[i] == '.'))
            i++;
        if (i < n && s[i] == '=') {
            t->arg = s + i + 1, t->arg_len = n - i - 1;
            if (bs_ascii_caseeq(s, i, "redirect"))
                t->kind = BS_T_REDIRECT;
            else if (bs_ascii_caseeq(s, i, "exp"))
                t->kind = BS_T_EXP;
            else
                return t->kind = BS_T_MODIFIER,
                       bs_spf_macro_check(t->arg, t->arg_len, false, NULL);
            return bs_domain_spec_ok(t->arg, t->arg_len) ? 0 : -1;
        }
    }
    return bs_term_mechanism(t, s, n);
}

/* Cuts the record (after "v=spf1") into terms. Returns the number of
 * terms, or -1 with the problem set. *terms is a heap array. */
static long bs_spf_parse(struct bs_spf_run *r, const char *domain,
                         const char *rec, struct bs_spf_term **terms)
{
    size_t len = strlen(rec), cap = len / 2 + 1, n = 0;
    *terms = bs_xcalloc(cap, sizeof **terms);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)rec[i] < 0x20 || (unsigned char)rec[i] > 0x7e) {
            bs_spf_problem(r, domain, "the SPF record of %s has a "
                           "non-ASCII or control character", domain);
            return -1;
        }
    bool redirect = false, exp = false;
    for (size_t i = 6; i < len;) {
        while (i < len && rec[i] == ' ')
            i++;
        size_t start = i;
        while (i < len && rec[i] != ' ')
            i++;
        if (i == start)
            break;
        struct bs_spf_term *t = &(*terms)[n++];
        int bad = bs_term_parse(t, rec + start, i - start);
        if (!bad && t->kind == BS_T_REDIRECT)
            bad = redirect, redirect = true;
        if (!bad && t->kind == BS_T_EXP)
            bad = exp, exp = true;
        if (bad) {
            bs_spf_problem(r, domain, "the SPF record of %s has a syntax "
                           "error at '%.*s'", domain, (int)(i - start),
                           rec + start);
            return -1;
        }
    }
    return (long)n;
}

static int bs_spf_host(struct bs_spf_run *r, const char *domain);

static int bs_qual_result(char q)
{
    return q == '-' ? BS_SPF_FAIL : q == '~' ? BS_SPF_SOFTFAIL
                                  : q == '?' ? BS_SPF_NEUTRAL : BS_SPF_PASS;
}

/* Counts a term that looks things up; false past the limit. */
static bool bs_spf_count(struct bs_spf_run *r)
{
    if (++r->v->lookups <= r->max_lookups)
        return true;
    bs_spf_problem(r, r->q->domain, "the SPF record of %s needs more than "
                   "%u DNS lookups", r->q->domain, r->max_lookups);
    return false;
}

/* Counts a void answer; false past the limit. */
static bool bs_spf_void(struct bs_spf_run *r, const char *name)
{
    if (r->q->count_only || ++r->v->void_lookups <= r->max_void)
        return true;
    bs_spf_problem(r, r->q->domain, "the SPF record of %s names more than "
                   "%u domains that do not exist or have no records "
                   "(the last: %s)", r->q->domain, r->max_void, name);
    return false;
}

static const struct bs_dns_answer *bs_spf_ask(struct bs_spf_run *r,
                                              enum bs_dns_type type,
                                              const char *name)
{
    return r->q->lookup(r->q->ctx, type, name);
}

/* The expanded target of a term (its argument, or the current domain):
 * 0, or -1 when it is no name DNS can be asked for (no match). */
static int bs_spf_target(struct bs_spf_run *r, const char *domain,
                         const struct bs_spf_term *t, char *out, size_t cap)
{
    if (!t->arg_len) {
        snprintf(out, cap, "%s", domain);
        return 0;
    }
    if (bs_spf_expand(r->q, domain, t->arg, t->arg_len, false, out, cap) < 0)
        return -1;
    return bs_dns_name_ok(out) ? 0 : -1;
}

/* Does an address answer hold the client (under the term's prefix)? */
static bool bs_spf_addr_match(struct bs_spf_run *r, const struct bs_spf_term *t,
                              const struct bs_dns_answer *a)
{
    for (size_t i = 0; i < a->n; i++) {
        struct bs_ip ip;
        if (bs_ip_parse(a->rr[i], &ip) == 0 &&
            bs_ip_in_prefix(&r->q->ip, &ip,
                            r->q->ip.v6 ? t->cidr6 : t->cidr4))
            return true;
    }
    return false;
}

static int bs_spf_tempfail(struct bs_spf_run *r, const char *name,
                           const struct bs_dns_answer *a, const char *type)
{
    bs_spf_problem(r, name, "DNS error looking up %s %s: %s", type, name,
                   a->error ? a->error : "temporary failure");
    return BS_SPF_TEMPERROR;
}

/* The a and mx mechanisms. 1: match, 0: no match, else a result. */
static int bs_spf_mech_a_mx(struct bs_spf_run *r, const struct bs_spf_term *t,
                            const char *target)
{
    enum bs_dns_type at = r->q->ip.v6 ? BS_DNS_AAAA : BS_DNS_A;
    const char *atype = r->q->ip.v6 ? "AAAA" : "A";
    if (t->kind == BS_T_A) {
        const struct bs_dns_answer *a = bs_spf_ask(r, at, target);
        if (!a)
            return BS_SPF_PENDING;
        if (a->status == BS_DNS_TEMPFAIL)
            return bs_spf_tempfail(r, target, a, atype);
        if (bs_dns_is_void(a) && !bs_spf_void(r, target))
            return BS_SPF_PERMERROR;
        return bs_spf_addr_match(r, t, a) ? 1 : 0;
    }
    const struct bs_dns_answer *mx = bs_spf_ask(r, BS_DNS_MX, target);
    if (!mx)
        return BS_SPF_PENDING;
    if (mx->status == BS_DNS_TEMPFAIL)
        return bs_spf_tempfail(r, target, mx, "MX");
    if (bs_dns_is_void(mx) && !bs_spf_void(r, target))
        return BS_SPF_PERMERROR;
    if (mx->n > 10) {
        bs_spf_problem(r, target, "%s has %zu MX records: the mx mechanism "
                       "allows 10", target, mx->n);
        return BS_SPF_PERMERROR;
    }
    bool pending = false;
    for (size_t i = 0; i < mx->n; i++) {
        const char *host = mx->rr[i];
        if (!*host || !strcmp(host, "."))
            continue;
        const struct bs_dns_answer *a = bs_spf_ask(r, at, host);
        if (!a) {
            pending = true;
            continue;
        }
        if (a->status == BS_DNS_TEMPFAIL)
            return bs_spf_tempfail(r, host, a, atype);
        if (!pending && bs_spf_addr_match(r, t, a))
            return 1;
    }
    return pending ? BS_SPF_PENDING : 0;
}

static bool bs_name_within(const char *name, const char *domain)
{
    size_t n = strlen(name), d = strlen(domain);
    while (n && name[n - 1] == '.')
        n--;
    while (d && domain[d - 1] == '.')
        d--;
    if (n < d)
        return false;
    for (size_t i = 0; i < d; i++)
        if (bs_ascii_lower(name[n - d + i]) != bs_ascii_lower(domain[i]))
            return false;
    return n == d || name[n - d - 1] == '.';
}

/* The ptr mechanism (5.5): a validated name of the client within target.
 * DNS errors mean no match. */
static int bs_spf_mech_ptr(struct bs_spf_run *r, const char *target)
{
    char rev[80];
    bs_ip_reverse_name(&r->q->ip, rev, sizeof rev);
    const struct bs_dns_answer *p = bs_spf_ask(r, BS_DNS_PTR, rev);
    if (!p)
        return BS_SPF_PENDING;
    if (p->status != BS_DNS_OK)
        return 0;
    enum bs_dns_type at = r->q->ip.v6 ? BS_DNS_AAAA : BS_DNS_A;
    bool pending = false;
    for (size_t i = 0; i < p->n && i < 10; i++) {
        const struct bs_dns_answer *a = bs_spf_ask(r, at, p->rr[i]);
        if (!a) {
            pending = true;
            continue;
        }
        if (pending || a->status != BS_DNS_OK)
            continue;
        for (size_t k = 0; k < a->n; k++) {
            struct bs_ip ip;
            if (bs_ip_parse(a->rr[k], &ip) == 0 &&
                bs_ip_equal(&ip, &r->q->ip) &&
                bs_name_within(p->rr[i], target))
                return 1;
        }
    }
    return pending ? BS_SPF_PENDING : 0;
}

/* Recurses into include's or redirect's target, with loop detection. */
static int bs_spf_recurse(struct bs_spf_run *r, const char *domain,
                          const char *target, const char *how)
{
    for (unsigned i = 0; i < r->depth; i++)
        if (bs_dns_name_eq(target, r->stack[i])) {
            bs_spf_problem(r, domain, "%s%s in the SPF record of %s makes "
                           "a loop", how, target, domain);
            return BS_SPF_PERMERROR;
        }
    if (r->depth >= BS_SPF_MAX_DEPTH) {
        bs_spf_problem(r, domain, "SPF records nested too deep");
        return BS_SPF_PERMERROR;
    }
    int res = bs_spf_host(r, target);
    if (res == BS_SPF_NONE) {
        char why[BS_SPF_TEXT_MAX];
        snprintf(why, sizeof why, "%s", r->v->problem);
        bs_spf_problem(r, target, "%s%s in the SPF record of %s: %s", how,
                       target, domain, why);
        return BS_SPF_PERMERROR;
    }
    return res;
}

/* One mechanism: 1 match, 0 no match, or a result that ends the check. */
static int bs_spf_mechanism(struct bs_spf_run *r, const char *domain,
                            const struct bs_spf_term *t)
{
    char target[300];
    bool lookup = t->kind != BS_T_ALL && t->kind != BS_T_IP4 &&
                  t->kind != BS_T_IP6;
    if (lookup && !bs_spf_count(r))
        return BS_SPF_PERMERROR;
    if (r->q->count_only && t->kind != BS_T_INCLUDE)
        return 0;
    switch (t->kind) {
    case BS_T_ALL:
        return 1;
    case BS_T_IP4:
    case BS_T_IP6:
        return bs_ip_in_prefix(&r->q->ip, &t->net,
                               t->kind == BS_T_IP4 ? t->cidr4 : t->cidr6);
    default:
        break;
    }
    if (bs_spf_target(r, domain, t, target, sizeof target) < 0)
        return 0;
    switch (t->kind) {
    case BS_T_INCLUDE: {
        int res = bs_spf_recurse(r, domain, target, "include:");
        if (res == BS_SPF_PASS)
            return r->q->count_only ? 0 : 1;
        if (res == BS_SPF_FAIL || res == BS_SPF_SOFTFAIL ||
            res == BS_SPF_NEUTRAL)
            return 0;
        return res;
    }
    case BS_T_A:
    case BS_T_MX:
        return bs_spf_mech_a_mx(r, t, target);
    case BS_T_PTR:
        return bs_spf_mech_ptr(r, target);
    case BS_T_EXISTS: {
        const struct bs_dns_answer *a = bs_spf_ask(r, BS_DNS_A, target);
        if (!a)
            return BS_SPF_PENDING;
        if (a->status == BS_DNS_TEMPFAIL)
            return bs_spf_tempfail(r, target, a, "A");
        if (bs_dns_is_void(a) && !bs_spf_void(r, target))
            return BS_SPF_PERMERROR;
        return a->n > 0;
    }
    default:
        return 0;
    }
}

/* The record of domain: -1 with *rec, or a result (none, errors). */
static int bs_spf_fetch(struct bs_spf_run *r, const char *domain,
                        const char **rec)
{
    const struct bs_dns_answer *a = bs_spf_ask(r, BS_DNS_TXT, domain);
    if (!a)
        return BS_SPF_PENDING;
    if (a->status == BS_DNS_TEMPFAIL)
        return bs_spf_tempfail(r, domain, a, "TXT");
    size_t found = 0;
    for (size_t i = 0; i < a->n; i++) {
        const char *t = a->rr[i];
        if (bs_ascii_caseeq(t, BS_MIN(strlen(t), 6), "v=spf1") &&
            (t[6] == ' ' || t[6] == '\0'))
            found++, *rec = t;
    }
    if (found > 1) {
        bs_spf_problem(r, domain, "%s has %zu SPF records: only one is "
                       "allowed", domain, found);
        return BS_SPF_PERMERROR;
    }
    if (!found) {
        bs_spf_problem(r, domain, a->status == BS_DNS_NXDOMAIN
                                      ? "%s does not exist"
                                      : "%s has no SPF record", domain);
        return BS_SPF_NONE;
    }
    return -1;
}

static int bs_spf_host(struct bs_spf_run *r, const char *domain)
{
    if (!bs_dns_name_ok(domain) || !strchr(domain, '.')) {
        bs_spf_problem(r, domain, "'%s' is not a domain name", domain);
        return BS_SPF_NONE;
    }
    const char *rec = NULL;
    int res = bs_spf_fetch(r, domain, &rec);
    if (res >= 0)
        return res;
    if (r->depth == 0)
        snprintf(r->v->record, sizeof r->v->record, "%s", rec);
    struct bs_spf_term *terms;
    long n = bs_spf_parse(r, domain, rec, &terms);
    if (n < 0) {
        free(terms);
        return BS_SPF_PERMERROR;
    }
    r->stack[r->depth++] = domain;
    res = -1;
    const struct bs_spf_term *redirect = NULL;
    for (long i = 0; i < n && res < 0; i++) {
        const struct bs_spf_term *t = &terms[i];
        if (t->kind == BS_T_REDIRECT)
            redirect = t;
        if (t->kind >= BS_T_REDIRECT)
            continue;
        int m = bs_spf_mechanism(r, domain, t);
        if (m == 1) {
            res = bs_qual_result(t->qual);
            if (r->depth == 1)
                snprintf(r->v->mechanism, sizeof r->v->mechanism, "%.*s",
                         (int)t->text_len, t->text);
        } else if (m != 0) {
            res = m;
        }
    }
    if (res < 0 && redirect) {
        char target[300];
        if (!bs_spf_count(r))
            res = BS_SPF_PERMERROR;
        else if (bs_spf_target(r, domain, redirect, target,
                               sizeof target) < 0) {
            bs_spf_problem(r, domain, "redirect=%.*s in the SPF record of "
                           "%s names no valid domain",
                           (int)redirect->arg_len, redirect->arg, domain);
            res = BS_SPF_PERMERROR;
        } else {
            res = bs_spf_recurse(r, domain, target, "redirect=");
        }
    }
    r->depth--;
    free(terms);
    return res < 0 ? BS_SPF_NEUTRAL : res;
}

void bs_spf_check(const struct bs_spf_query *q, struct bs_spf_verdict *v)
{
    memset(v, 0, sizeof *v);
    struct bs_spf_run r = { .q = q, .v = v };
    r.max_lookups = q->max_lookups ? q->max_lookups
                                   : q->count_only ? 100 : 10;
    r.max_void = q->max_void ? q->max_void : 2;
    int res = bs_spf_host(&r, q->domain);
    if (res == BS_SPF_PENDING) {
        v->pending = true;
        res = BS_SPF_TEMPERROR;
    }
    v->result = (enum bs_spf_result)res;
    if (res != BS_SPF_PERMERROR && res != BS_SPF_TEMPERROR &&
        res != BS_SPF_NONE) {
        v->problem[0] = '\0';
        v->problem_domain[0] = '\0';
    }
}
