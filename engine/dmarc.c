/*
 * dmarc.c - DMARC records: tags, the organisational domain, and which
 * record applies (dmarc.h)
 */
#include "dmarc.h"

#include "common.h"

#include <stdio.h>
#include <string.h>

/* Trims blanks (space, tab) on both ends of [*p, *p + *n). */
static void bs_trim(const char **p, size_t *n)
{
    while (*n && (**p == ' ' || **p == '\t'))
        (*p)++, (*n)--;
    while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
        (*n)--;
}

static bool bs_tag_is(const char *p, size_t n, const char *lit)
{
    if (strlen(lit) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (bs_ascii_lower(p[i]) != lit[i])
            return false;
    return true;
}

static int bs_dmarc_policy(const char *v, size_t n, char *out, size_t cap)
{
    static const char *const ok[] = { "none", "quarantine", "reject" };
    for (size_t i = 0; i < BS_ARRAY_LEN(ok); i++)
        if (bs_tag_is(v, n, ok[i])) {
            snprintf(out, cap, "%s", ok[i]);
            return 0;
        }
    return -1;
}

/* One tag=value: 0, or -1 with err. */
static int bs_dmarc_tag(struct bs_dmarc_record *rec, const char *t, size_t tn,
                        const char *v, size_t vn, char *err, size_t errlen)
{
    if (bs_tag_is(t, tn, "p") || bs_tag_is(t, tn, "sp")) {
        bool sp = tn == 2;
        if (bs_dmarc_policy(v, vn, sp ? rec->sub_policy : rec->policy,
                            sizeof rec->policy) == 0)
            return 0;
        snprintf(err, errlen, "%s=%.*s is not none, quarantine or reject",
                 sp ? "sp" : "p", (int)vn, v);
        return -1;
    }
    if (bs_tag_is(t, tn, "adkim") || bs_tag_is(t, tn, "aspf")) {
        char c = vn == 1 ? bs_ascii_lower(v[0]) : '?';
        if (c != 'r' && c != 's') {
            snprintf(err, errlen, "%.*s=%.*s is not r or s", (int)tn, t,
                     (int)vn, v);
            return -1;
        }
        if (tn == 5)
            rec->adkim = c;
        else
            rec->aspf = c;
        return 0;
    }
    if (bs_tag_is(t, tn, "pct")) {
        int pct = 0;
        for (size_t i = 0; i < vn; i++) {
            if (!bs_is_digit(v[i]) || pct > 100) {
                pct = 1000;
                break;
            }
            pct = pct * 10 + (v[i] - '0');
        }
        if (!vn || pct > 100) {
            snprintf(err, errlen, "pct=%.*s is not 0 to 100", (int)vn, v);
            return -1;
        }
        rec->pct = pct;
        return 0;
    }
    if (bs_tag_is(t, tn, "rua"))
        snprintf(rec->rua, sizeof rec->rua, "%.*s", (int)vn, v);
    else if (bs_tag_is(t, tn, "ruf"))
        snprintf(rec->ruf, sizeof rec->ruf, "%.*s", (int)vn, v);
    return 0; /* other tags (fo, rf, ri) and unknown ones: ignored */
}

int bs_dmarc_parse(const char *text, struct bs_dmarc_record *rec, char *err,
                   size_t errlen)
{
    memset(rec, 0, sizeof *rec);
    rec->adkim = rec->aspf = 'r';
    rec->pct = 100;
    const char *p = text;
    bool first = true;
    while (*p) {
        const char *semi = strchr(p, ';');
        size_t n = semi ? (size_t)(semi - p) : strlen(p);
        const char *tag = p;
        p += n + (semi ? 1 : 0);
        bs_trim(&tag, &n);
        if (!n)
            continue;
        const char *eq = memchr(tag, '=', n);
        if (!eq) {
            snprintf(err, errlen, "'%.*s' is not tag=value", (int)n, tag);
            return -1;
        }
        const char *t = tag, *v = eq + 1;
        size_t tn = (size_t)(eq - tag), vn = n - tn - 1;
        bs_trim(&t, &tn);
        bs_trim(&v, &vn);
        if (first) {
            if (!bs_tag_is(t, tn, "v") || vn != 6 ||
                memcmp(v, "DMARC1", 6) != 0) {
                snprintf(err, errlen, "the record does not start with "
                         "v=DMARC1");
                return -1;
            }
            first = false;
            continue;
        }
        if (bs_dmarc_tag(rec, t, tn, v, vn, err, errlen) < 0)
            return -1;
    }
    if (first) {
        snprintf(err, errlen, "the record does not start with v=DMARC1");
        return -1;
    }
    if (!rec->policy[0]) {
        if (!strstr(rec->rua, "mailto:")) {
            snprintf(err, errlen, "the record has no p= (policy) tag");
            return -1;
        }
        snprintf(rec->policy, sizeof rec->policy, "none");
    }
    return 0;
}

void bs_dmarc_org_domain(const char *domain, char *out, size_t cap)
{
    static const char *const slds[] = { "co", "ne", "or", "ac", "go", "ad",
                                        "ed", "gr", "lg", "com", "net",
                                        "org", "edu", "gov", "ltd", "plc" };
    size_t n = strlen(domain);
    while (n && domain[n - 1] == '.')
        n--;
    size_t dots[3] = { 0 }, nd = 0; /* positions after the last 3 dots */
    for (size_t i = n; i > 0 && nd < 3; i--)
        if (domain[i - 1] == '.')
            dots[nd++] = i;
    size_t start = nd >= 2 ? dots[1] : 0; /* the last two labels */
    if (nd >= 2 && n - dots[0] == 2) {
        const char *sld = domain + dots[1];
        size_t sl = dots[0] - 1 - dots[1];
        for (size_t i = 0; i < BS_ARRAY_LEN(slds); i++)
            if (bs_tag_is(sld, sl, slds[i]))
                start = nd >= 3 ? dots[2] : 0;
    }
    snprintf(out, cap, "%.*s", (int)(n - start), domain + start);
    for (char *c = out; *c; c++)
        *c = bs_ascii_lower(*c);
}

/* The DMARC records at name: 1 found (into v), 0 none, -1 pending,
 * -2 a DNS error. */
static int bs_dmarc_at(const char *name, bs_dns_lookup_fn *lookup, void *ctx,
                       struct bs_dmarc_verdict *v)
{
    const struct bs_dns_answer *a = lookup(ctx, BS_DNS_TXT, name);
    if (!a)
        return -1;
    if (a->status == BS_DNS_TEMPFAIL) {
        snprintf(v->problem, sizeof v->problem, "DNS error looking up TXT "
                 "%s: %s", name, a->error ? a->error : "temporary failure");
        return -2;
    }
    const char *rec = NULL;
    size_t found = 0;
    for (size_t i = 0; i < a->n; i++)
        if (!strncmp(a->rr[i], "v=DMARC1", 8))
            rec = a->rr[i], found++;
    if (found != 1)
        return 0;
    snprintf(v->name, sizeof v->name, "%s", name);
    snprintf(v->record, sizeof v->record, "%s", rec);
    return 1;
}

void bs_dmarc_check(const char *domain, bs_dns_lookup_fn *lookup, void *ctx,
                    struct bs_dmarc_verdict *v)
{
    memset(v, 0, sizeof *v);
    char name[300], org[256];
    snprintf(name, sizeof name, "_dmarc.%s", domain);
    int r = bs_dmarc_at(name, lookup, ctx, v);
    bs_dmarc_org_domain(domain, org, sizeof org);
    if (r == 0 && strcmp(org, domain) != 0) {
        snprintf(name, sizeof name, "_dmarc.%s", org);
        r = bs_dmarc_at(name, lookup, ctx, v);
        v->inherited = r == 1;
    }
    if (r == -1) {
        v->pending = true;
        v->status = BS_DMARC_TEMPERROR;
    } else if (r == -2) {
        v->status = BS_DMARC_TEMPERROR;
    } else if (r == 0) {
        v->status = BS_DMARC_MISSING;
        snprintf(v->problem, sizeof v->problem, "no DMARC record at "
                 "_dmarc.%s%s%s", domain, strcmp(org, domain) ? " or _dmarc."
                                                              : "",
                 strcmp(org, domain) ? org : "");
    } else if (bs_dmarc_parse(v->record, &v->rec, v->problem,
                              sizeof v->problem) < 0) {
        v->status = BS_DMARC_INVALID;
    } else {
        v->status = BS_DMARC_FOUND;
    }
}
