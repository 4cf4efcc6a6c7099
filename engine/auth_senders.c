/*
 * auth_senders.c - the sender domains whose mail failed authentication,
 * for `bouncestat diagnose` (bs_engine_auth_senders in bouncestat.h)
 *
 * Read from what the engine keeps anyway: the aggregate's cells
 * (authfailure and requireptr outcomes per sender domain) and the kept
 * sample texts (one per provider, category, detail and sender for
 * authentication failures, one per reason otherwise). IPs are taken from
 * those texts: receivers name the sending IP ("SPF ... with ip:
 * [203.0.113.5]", "(IP: 203.0.113.5)", "203.0.113.5 is not allowed to
 * send"), while an address right after a host name and "[" is Postfix's
 * "host mx.example[192.0.2.1] said:", the receiving side, and is left
 * out. Only sample texts are read, so a domain's IPs are those of its
 * kept examples, not of every bounce: enough to evaluate its SPF.
 */
#include "engine_impl.h"
#include "ipaddr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool bs_is_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           bs_is_digit(c) || c == '-' || c == '.' || c == '_';
}

static bool bs_is_ip_char(char c)
{
    return bs_is_digit(c) || c == '.' || c == ':' ||
           (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void bs_sender_add_ip(struct bs_auth_sender *s, const char *ip)
{
    for (unsigned i = 0; i < s->nips; i++)
        if (!strcmp(s->ips[i], ip))
            return;
    size_t n = strlen(ip);
    if (s->nips < BS_ARRAY_LEN(s->ips) && n < sizeof s->ips[0])
        memcpy(s->ips[s->nips++], ip, n + 1);
}

/* The IP addresses a bounce text names as the sender's. */
static void bs_scan_ips(struct bs_slice text, struct bs_auth_sender *s)
{
    const char *p = text.ptr;
    size_t n = text.len;
    for (size_t i = 0; i < n; i++) {
        if (!bs_is_ip_char(p[i]) || (i > 0 && (bs_is_host_char(p[i - 1]) ||
                                               p[i - 1] == ':')))
            continue;
        size_t j = i;
        while (j < n && bs_is_ip_char(p[j]) && j - i < 45)
            j++;
        char cand[46];
        size_t len = j - i;
        while (len && (p[i + len - 1] == '.' || p[i + len - 1] == ':'))
            len--;
        memcpy(cand, p + i, len);
        cand[len] = '\0';
        struct bs_ip ip;
        bool after_host = i >= 2 && p[i - 1] == '[' &&
                          bs_is_host_char(p[i - 2]);
        if (len >= 7 && (strchr(cand, '.') || strchr(cand, ':')) &&
            bs_ip_parse(cand, &ip) == 0 && !after_host) {
            char norm[64];
            bs_ip_format(&ip, norm, sizeof norm);
            bs_sender_add_ip(s, norm);
        }
        i = j;
    }
}

static int bs_sender_cmp(const void *a, const void *b)
{
    const struct bs_auth_sender *x = a, *y = b;
    uint64_t fx = x->authfailure + x->requireptr;
    uint64_t fy = y->authfailure + y->requireptr;
    if (fx != fy)
        return fx > fy ? -1 : 1;
    return strcmp(x->domain, y->domain);
}

static struct bs_auth_sender *bs_sender_find(struct bs_auth_sender *list,
                                             size_t n, const char *domain)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i].domain, domain))
            return &list[i];
    return NULL;
}

static void bs_sender_detail(struct bs_auth_sender *s, const char *detail)
{
    if (!*detail)
        return;
    size_t dl = strlen(detail);
    for (const char *p = s->details; (p = strstr(p, detail)); p += dl)
        if ((p == s->details || p[-1] == ',') &&
            (p[dl] == ',' || p[dl] == '\0'))
            return;
    size_t len = strlen(s->details);
    snprintf(s->details + len, sizeof s->details - len, "%s%s",
             len ? "," : "", detail);
}

static bool bs_sender_countable(const struct bs_engine *e, uint32_t id)
{
    return id != e->id_null_sender && id != e->id_unknown_sender &&
           id != BS_INTERN_OVERFLOW && id != e->id_no_domain &&
           id != e->id_empty;
}

/* The sample texts' IPs and rules, for senders already listed. */
static void bs_senders_from_samples(struct bs_engine *e,
                                    const struct bs_sample *all, size_t n,
                                    struct bs_auth_sender *list, size_t count)
{
    for (size_t i = 0; i < n; i++) {
        const struct bs_sample *s = &all[i];
        if (!s->text || (s->category != BS_CAT_AUTHFAILURE &&
                         s->category != BS_CAT_REQUIREPTR) ||
            !bs_sender_countable(e, s->sender))
            continue;
        struct bs_auth_sender *a = bs_sender_find(
            list, count, bs_intern_str(e->strings, s->sender).ptr);
        if (!a)
            continue;
        bs_scan_ips(bs_samples_text(e->samples, s->text), a);
        const char *rule = s->rule >= 0 ? bs_classifier_rule_id(
                                              e->classifier, s->rule)
                                        : "";
        if (strstr(rule, "freemail"))
            a->freemail_from = 1;
    }
}

size_t bs_engine_auth_senders(struct bs_engine *e,
                              struct bs_auth_sender **out)
{
    size_t ncells, count = 0, cap = 0;
    const struct bs_agg_cell *cells = bs_agg_cells(e->agg, &ncells);
    struct bs_auth_sender *list = NULL;
    for (size_t i = 0; i < ncells; i++) {
        const struct bs_agg_cell *c = &cells[i];
        bool auth = c->key.category == BS_CAT_AUTHFAILURE;
        if ((!auth && c->key.category != BS_CAT_REQUIREPTR) ||
            !bs_sender_countable(e, c->key.sender))
            continue;
        const char *domain = bs_intern_str(e->strings, c->key.sender).ptr;
        struct bs_auth_sender *s = bs_sender_find(list, count, domain);
        if (!s) {
            if (count == cap) {
                cap = cap ? cap * 2 : 16;
                list = bs_xreallocarray(list, cap, sizeof *list);
            }
            s = &list[count++];
            memset(s, 0, sizeof *s);
            snprintf(s->domain, sizeof s->domain, "%s", domain);
        }
        uint64_t failed = c->n.bounced + c->n.expired + c->n.deferred;
        if (auth)
            s->authfailure += failed;
        else
            s->requireptr += failed;
        if (auth)
            bs_sender_detail(s, bs_intern_str(e->strings,
                                              c->key.detail).ptr);
    }
    size_t n;
    const struct bs_sample *all = bs_samples_of_senders(e->samples, &n);
    bs_senders_from_samples(e, all, n, list, count);
    all = bs_samples_all(e->samples, &n);
    bs_senders_from_samples(e, all, n, list, count);
    if (count)
        qsort(list, count, sizeof *list, bs_sender_cmp);
    *out = list;
    return count;
}
