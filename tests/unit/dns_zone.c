/*
 * dns_zone.c - a DNS zone in a string for the check suites (dns_zone.h)
 */
#include "dns_zone.h"

#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bs_test_rrset {
    char *name;
    int type;      /* enum bs_dns_type, or 0 for TIMEOUT */
    char *rr[32];
    struct bs_dns_answer answer;
};

struct bs_test_zone {
    struct bs_test_rrset sets[256];
    size_t n;
    bool lazy;
    char *asked[1024]; /* "TYPE name" seen, for lazy mode */
    size_t nasked;
    unsigned queries;
};

static int bs_zone_type(const char *s, size_t n)
{
    static const struct { const char *name; int type; } t[] = {
        { "A", BS_DNS_A },     { "AAAA", BS_DNS_AAAA }, { "MX", BS_DNS_MX },
        { "PTR", BS_DNS_PTR }, { "TXT", BS_DNS_TXT },   { "TIMEOUT", 0 },
    };
    for (size_t i = 0; i < BS_ARRAY_LEN(t); i++)
        if (strlen(t[i].name) == n && memcmp(t[i].name, s, n) == 0)
            return t[i].type;
    abort();
}

struct bs_test_zone *bs_test_zone_new(const char *text)
{
    struct bs_test_zone *z = bs_xcalloc(1, sizeof *z);
    while (*text) {
        const char *eol = strchr(text, '\n');
        if (!eol)
            eol = text + strlen(text);
        const char *sp1 = memchr(text, ' ', (size_t)(eol - text));
        bool quoted = *text == '"';
        if (quoted) { /* "a name with spaces" */
            const char *q = memchr(text + 1, '"', (size_t)(eol - text - 1));
            if (!q)
                abort();
            sp1 = q + 1;
        }
        if (!sp1)
            abort();
        const char *type = sp1 + 1;
        const char *sp2 = memchr(type, ' ', (size_t)(eol - type));
        const char *tend = sp2 ? sp2 : eol;
        int t = bs_zone_type(type, (size_t)(tend - type));
        char *name = quoted ? bs_xstrndup(text + 1, (size_t)(sp1 - text - 2))
                            : bs_xstrndup(text, (size_t)(sp1 - text));
        struct bs_test_rrset *set = NULL;
        for (size_t i = 0; i < z->n; i++)
            if (z->sets[i].type == t && !strcmp(z->sets[i].name, name))
                set = &z->sets[i];
        if (set) {
            free(name);
        } else {
            set = &z->sets[z->n++];
            set->name = name;
            set->type = t;
        }
        if (sp2) {
            set->rr[set->answer.n++] =
                bs_xstrndup(sp2 + 1, (size_t)(eol - sp2 - 1));
        }
        set->answer.rr = (const char *const *)set->rr;
        set->answer.status = t ? BS_DNS_OK : BS_DNS_TEMPFAIL;
        set->answer.error = t ? NULL : "timeout";
        text = *eol ? eol + 1 : eol;
    }
    return z;
}

void bs_test_zone_free(struct bs_test_zone *z)
{
    for (size_t i = 0; i < z->n; i++) {
        free(z->sets[i].name);
        for (size_t k = 0; k < z->sets[i].answer.n; k++)
            free(z->sets[i].rr[k]);
    }
    for (size_t i = 0; i < z->nasked; i++)
        free(z->asked[i]);
    free(z);
}

void bs_test_zone_set_lazy(struct bs_test_zone *z, bool lazy)
{
    z->lazy = lazy;
}

unsigned bs_test_zone_queries(const struct bs_test_zone *z)
{
    return z->queries;
}

static const struct bs_dns_answer bs_zone_nodata = { BS_DNS_OK, 0, NULL,
                                                     NULL };
static const struct bs_dns_answer bs_zone_nxdomain = { BS_DNS_NXDOMAIN, 0,
                                                       NULL, NULL };

const struct bs_dns_answer *bs_test_zone_lookup(void *ctx,
                                                enum bs_dns_type type,
                                                const char *name)
{
    struct bs_test_zone *z = ctx;
    char key[600];
    size_t kn = (size_t)snprintf(key, sizeof key, "%d %s", (int)type, name);
    for (size_t i = 0; i < kn; i++)
        key[i] = bs_ascii_lower(key[i]);
    size_t i = 0;
    while (i < z->nasked && strcmp(z->asked[i], key))
        i++;
    if (i == z->nasked) {
        if (z->nasked < BS_ARRAY_LEN(z->asked))
            z->asked[z->nasked++] = bs_xstrndup(key, kn);
        z->queries++;
        if (z->lazy)
            return NULL;
    }
    bool exists = false;
    for (size_t k = 0; k < z->n; k++) {
        if (!bs_dns_name_eq(z->sets[k].name, name))
            continue;
        if (z->sets[k].type == 0 || z->sets[k].type == (int)type)
            return &z->sets[k].answer;
        exists = true;
    }
    return exists ? &bs_zone_nodata : &bs_zone_nxdomain;
}
