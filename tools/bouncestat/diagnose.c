/*
 * diagnose.c - verdicts into findings with fixes (diagnose.h)
 *
 * The wording of fixes is the point of the command: each names the
 * record to change and the text to put in it, e.g. "add `ip4:203.0.113.5`
 * to the SPF record of example.com". When the sending IP's PTR name
 * belongs to a domain whose own SPF passes that IP (a hosting company or
 * mail service), the fix is to include that domain instead.
 */
#include "diagnose.h"

#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bs_diag_init(struct bs_diag_domain *d, const char *domain,
                  const struct bs_auth_sender *seen)
{
    memset(d, 0, sizeof *d);
    snprintf(d->domain, sizeof d->domain, "%s", domain);
    for (char *c = d->domain; *c; c++)
        *c = bs_ascii_lower(*c);
    d->seen = seen;
    for (unsigned i = 0; seen && i < seen->nips; i++)
        bs_diag_add_ip(d, seen->ips[i], true);
}

void bs_diag_fini(struct bs_diag_domain *d)
{
    free(d->findings);
    d->findings = NULL;
}

int bs_diag_add_ip(struct bs_diag_domain *d, const char *text, bool from_log)
{
    struct bs_ip ip;
    if (bs_ip_parse(text, &ip) < 0)
        return -1;
    for (unsigned i = 0; i < d->nips; i++)
        if (bs_ip_equal(&d->ips[i].ip, &ip))
            return 0;
    if (d->nips == BS_DIAG_MAX_IPS)
        return 0;
    struct bs_diag_ip *x = &d->ips[d->nips++];
    memset(x, 0, sizeof *x);
    x->ip = ip;
    x->from_log = from_log;
    bs_ip_format(&ip, x->text, sizeof x->text);
    return 0;
}

bool bs_diag_run(struct bs_diag_domain *d, bs_dns_lookup_fn *lookup,
                 void *ctx)
{
    bool pending = false;
    struct bs_spf_query q = { 0 };
    q.domain = d->domain;
    q.lookup = lookup;
    q.ctx = ctx;
    q.count_only = true;
    bs_spf_check(&q, &d->spf);
    pending |= d->spf.pending;
    q.count_only = false;
    for (unsigned i = 0; i < d->nips; i++) {
        struct bs_diag_ip *x = &d->ips[i];
        q.ip = x->ip;
        q.domain = d->domain;
        bs_spf_check(&q, &x->spf);
        pending |= x->spf.pending;
        bs_fcrdns_check(&x->ip, lookup, ctx, &x->ptr);
        pending |= x->ptr.pending;
        x->has_ptr_spf = false;
        if (x->ptr.pending || !x->ptr.name[0])
            continue;
        bs_dmarc_org_domain(x->ptr.name, x->ptr_org, sizeof x->ptr_org);
        if (!strcmp(x->ptr_org, d->domain) || !strchr(x->ptr_org, '.'))
            continue;
        q.domain = x->ptr_org;
        bs_spf_check(&q, &x->ptr_spf);
        x->has_ptr_spf = true;
        pending |= x->ptr_spf.pending;
    }
    bs_dmarc_check(d->domain, lookup, ctx, &d->dmarc);
    pending |= d->dmarc.pending;
    return pending;
}

const char *bs_diag_level_name(enum bs_diag_level l)
{
    static const char *const names[] = { "ok", "info", "warn", "fail",
                                         "error" };
    return names[l];
}

__attribute__((format(printf, 4, 5)))
static struct bs_diag_finding *bs_diag_add(struct bs_diag_domain *d,
                                           enum bs_diag_level level,
                                           const char *check,
                                           const char *fmt, ...)
{
    d->findings = bs_xreallocarray(d->findings, d->nfindings + 1,
                                   sizeof *d->findings);
    struct bs_diag_finding *f = &d->findings[d->nfindings++];
    memset(f, 0, sizeof *f);
    f->level = level;
    f->check = check;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->text, sizeof f->text, fmt, ap);
    va_end(ap);
    return f;
}

#define BS_FIX(f, ...) snprintf((f)->fix, sizeof (f)->fix, __VA_ARGS__)

/* "ip4:203.0.113.5 ip4:198.51.100.7" for a record to publish. */
static void bs_diag_ip_terms(const struct bs_diag_domain *d, char *out,
                             size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < d->nips && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%sip%c:%s", n ? " " : "",
                              d->ips[i].ip.v6 ? '6' : '4', d->ips[i].text);
    if (!d->nips)
        snprintf(out, cap, "ip4:<your sending IP>");
}

/* The record as a whole: exists, parses, within the limits. false when
 * there is no usable record (per-IP results would only repeat it). */
static bool bs_diag_spf_record(struct bs_diag_domain *d)
{
    const struct bs_spf_verdict *v = &d->spf;
    struct bs_diag_finding *f;
    char terms[400];
    switch (v->result) {
    case BS_SPF_NONE:
        bs_diag_ip_terms(d, terms, sizeof terms);
        if (strstr(v->problem, "does not exist")) {
            f = bs_diag_add(d, BS_DIAG_FAIL, "spf", "%s does not exist in "
                            "DNS: receivers reject or distrust mail from it",
                            d->domain);
            BS_FIX(f, "send with an envelope sender in a domain that "
                   "exists and publishes SPF");
            return false;
        }
        f = bs_diag_add(d, BS_DIAG_FAIL, "spf", "%s has no SPF record",
                        d->domain);
        BS_FIX(f, "publish a TXT record at %s: \"v=spf1 %s ~all\" (add the "
               "include: of any mail service that sends for %s)", d->domain,
               terms, d->domain);
        return false;
    case BS_SPF_TEMPERROR:
        bs_diag_add(d, BS_DIAG_ERROR, "spf", "SPF of %s could not be "
                    "checked: %s", d->domain, v->problem);
        return false;
    case BS_SPF_PERMERROR:
        f = bs_diag_add(d, BS_DIAG_FAIL, "spf", "%s: permerror (receivers "
                        "treat SPF as failed)", v->problem);
        if (strstr(v->problem, "makes a loop"))
            BS_FIX(f, "remove the include or redirect that loops from the "
                   "SPF record of %s", v->problem_domain);
        else if (strstr(v->problem, "only one is allowed"))
            BS_FIX(f, "merge the SPF records of %s into one TXT record",
                   v->problem_domain);
        else if (strstr(v->problem, "syntax error") ||
                 strstr(v->problem, "non-ASCII"))
            BS_FIX(f, "correct the SPF record of %s (RFC 7208 section 5)",
                   v->problem_domain);
        else if (strstr(v->problem, "include:") ||
                 strstr(v->problem, "redirect="))
            BS_FIX(f, "remove or correct that term in the SPF record of %s",
                   d->domain);
        return false;
    default:
        break;
    }
    if (v->lookups > 10) {
        f = bs_diag_add(d, BS_DIAG_FAIL, "spf", "the SPF record of %s needs "
                        "%u DNS lookups: more than 10 is a permerror for "
                        "every receiver", d->domain, v->lookups);
        BS_FIX(f, "cut the SPF record of %s to at most 10 lookups: replace "
               "include:/a/mx terms by the ip4:/ip6: ranges they stand for, "
               "and drop services that no longer send", d->domain);
        return false;
    }
    bs_diag_add(d, BS_DIAG_INFO, "spf", "SPF record of %s: \"%s\" (%u DNS "
                "lookup%s of 10)", d->domain, v->record, v->lookups,
                v->lookups == 1 ? "" : "s");
    return true;
}

static void bs_diag_spf_ip(struct bs_diag_domain *d, struct bs_diag_ip *x)
{
    const struct bs_spf_verdict *v = &x->spf;
    struct bs_diag_finding *f;
    switch (v->result) {
    case BS_SPF_PASS:
        bs_diag_add(d, BS_DIAG_OK, "spf", "SPF passes for %s (%s)", x->text,
                    v->mechanism);
        return;
    case BS_SPF_FAIL:
    case BS_SPF_SOFTFAIL:
    case BS_SPF_NEUTRAL:
        f = bs_diag_add(d, BS_DIAG_FAIL, "spf", "SPF %s for %s: the record "
                        "of %s does not authorize it%s%s%s",
                        bs_spf_result_name(v->result), x->text, d->domain,
                        v->mechanism[0] ? " (matched " : "", v->mechanism,
                        v->mechanism[0] ? ")" : "");
        if (x->has_ptr_spf && x->ptr_spf.result == BS_SPF_PASS)
            BS_FIX(f, "add `include:%s` to the SPF record of %s (%s is %s, "
                   "whose SPF authorizes it)", x->ptr_org, d->domain,
                   x->text, x->ptr.name);
        else
            BS_FIX(f, "add `ip%c:%s` to the SPF record of %s, before its "
                   "all", x->ip.v6 ? '6' : '4', x->text, d->domain);
        return;
    case BS_SPF_TEMPERROR:
        bs_diag_add(d, BS_DIAG_ERROR, "spf", "SPF for %s could not be "
                    "checked: %s", x->text, v->problem);
        return;
    default:
        f = bs_diag_add(d, BS_DIAG_FAIL, "spf", "SPF %s for %s: %s",
                        bs_spf_result_name(v->result), x->text, v->problem);
        BS_FIX(f, "correct the SPF record of %s", v->problem_domain);
        return;
    }
}

static void bs_diag_dmarc(struct bs_diag_domain *d)
{
    const struct bs_dmarc_verdict *v = &d->dmarc;
    const struct bs_dmarc_record *r = &v->rec;
    struct bs_diag_finding *f;
    switch (v->status) {
    case BS_DMARC_MISSING:
        f = bs_diag_add(d, BS_DIAG_FAIL, "dmarc", "no DMARC record for %s: "
                        "Gmail and Yahoo require one for bulk senders",
                        d->domain);
        BS_FIX(f, "publish a TXT record at _dmarc.%s: \"v=DMARC1; p=none; "
               "rua=mailto:dmarc-reports@%s\"", d->domain, d->domain);
        return;
    case BS_DMARC_INVALID:
        f = bs_diag_add(d, BS_DIAG_FAIL, "dmarc", "the DMARC record at %s "
                        "is invalid: %s", v->name, v->problem);
        BS_FIX(f, "correct the record at %s (RFC 7489 6.3)", v->name);
        return;
    case BS_DMARC_TEMPERROR:
        bs_diag_add(d, BS_DIAG_ERROR, "dmarc", "DMARC of %s could not be "
                    "checked: %s", d->domain, v->problem);
        return;
    case BS_DMARC_FOUND:
        break;
    }
    const char *effect =
        !strcmp(r->policy, "reject")
            ? "receivers reject mail that fails DMARC"
        : !strcmp(r->policy, "quarantine")
            ? "receivers put mail that fails DMARC in spam"
            : "monitoring only: receivers take no DMARC action";
    bs_diag_add(d, BS_DIAG_INFO, "dmarc", "DMARC at %s%s: p=%s%s%s, "
                "adkim=%c, aspf=%c, pct=%d, rua=%s: %s; SPF aligned with %s "
                "or DKIM signed by it must pass", v->name,
                v->inherited ? " (the organisational domain's)" : "",
                r->policy, r->sub_policy[0] ? ", sp=" : "", r->sub_policy,
                r->adkim, r->aspf, r->pct, r->rua[0] ? r->rua : "(none)",
                effect, d->domain);
    if (!r->rua[0]) {
        f = bs_diag_add(d, BS_DIAG_WARN, "dmarc", "the DMARC record of %s "
                        "has no rua=: nobody receives the aggregate reports "
                        "that show who sends as %s", d->domain, d->domain);
        BS_FIX(f, "add rua=mailto:dmarc-reports@%s to the record at %s",
               d->domain, v->name);
    }
}

static void bs_diag_ptr(struct bs_diag_domain *d, const struct bs_diag_ip *x)
{
    bool required = d->seen && d->seen->requireptr > 0;
    struct bs_diag_finding *f;
    switch (x->ptr.status) {
    case BS_FCRDNS_PASS:
        bs_diag_add(d, BS_DIAG_OK, "ptr", "%s has the PTR name %s, which "
                    "resolves back to it", x->text, x->ptr.name);
        return;
    case BS_FCRDNS_NO_PTR:
        f = bs_diag_add(d, required ? BS_DIAG_FAIL : BS_DIAG_WARN, "ptr",
                        "%s", x->ptr.problem);
        BS_FIX(f, "ask the owner of %s (hosting company or ISP) to set its "
               "PTR record to the server's host name (its HELO name), with "
               "an A record of that name pointing back to %s", x->text,
               x->text);
        return;
    case BS_FCRDNS_MISMATCH:
        f = bs_diag_add(d, required ? BS_DIAG_FAIL : BS_DIAG_WARN, "ptr",
                        "%s", x->ptr.problem);
        BS_FIX(f, "add an %s record %s -> %s, or have the PTR of %s changed "
               "to a name that resolves to it", x->ip.v6 ? "AAAA" : "A",
               x->ptr.name, x->text, x->text);
        return;
    case BS_FCRDNS_TEMPERROR:
        bs_diag_add(d, BS_DIAG_ERROR, "ptr", "reverse DNS of %s could not "
                    "be checked: %s", x->text, x->ptr.problem);
        return;
    }
}

void bs_diag_conclude(struct bs_diag_domain *d)
{
    free(d->findings);
    d->findings = NULL;
    d->nfindings = 0;
    if (d->seen && d->seen->freemail_from) {
        struct bs_diag_finding *f = bs_diag_add(
            d, BS_DIAG_FAIL, "from", "From is a free-mail domain sent "
            "through a third-party server: DMARC will fail whatever you do");
        BS_FIX(f, "send from an address of your own domain (with SPF and "
               "DKIM); put the free-mail address in Reply-To if needed");
    }
    if (bs_diag_spf_record(d))
        for (unsigned i = 0; i < d->nips; i++)
            bs_diag_spf_ip(d, &d->ips[i]);
    bs_diag_dmarc(d);
    for (unsigned i = 0; i < d->nips; i++)
        bs_diag_ptr(d, &d->ips[i]);
    if (!d->nips)
        bs_diag_add(d, BS_DIAG_INFO, "spf", "no sending IP known for %s: "
                    "give --ip to check SPF and reverse DNS for it",
                    d->domain);
}

enum bs_diag_level bs_diag_worst(const struct bs_diag_domain *d)
{
    enum bs_diag_level w = BS_DIAG_OK;
    for (size_t i = 0; i < d->nfindings; i++)
        if (d->findings[i].level > w)
            w = d->findings[i].level;
    return w;
}
