/*
 * diagnose_render.c - text and JSON for `bouncestat diagnose`
 */
#include "diagnose_render.h"

#include <string.h>

static void bs_text_domain(const struct bs_diag_domain *d, struct bs_buf *b)
{
    bs_buf_printf(b, "%s: %s\n", d->domain,
                  bs_diag_worst(d) >= BS_DIAG_WARN ? "problems found"
                                                   : "no problem found");
    if (d->seen) {
        const char *sep = "";
        bs_buf_puts(b, "  seen in the log:");
        if (d->seen->authfailure) {
            bs_buf_printf(b, " %llu authentication failures (%s)",
                          (unsigned long long)d->seen->authfailure,
                          d->seen->details);
            sep = ",";
        }
        if (d->seen->requireptr)
            bs_buf_printf(b, "%s %llu reverse DNS failures", sep,
                          (unsigned long long)d->seen->requireptr);
        bs_buf_puts(b, "\n");
    }
    if (d->nips) {
        bs_buf_puts(b, "  sending IPs:");
        for (unsigned i = 0; i < d->nips; i++)
            bs_buf_printf(b, " %s%s", d->ips[i].text,
                          d->ips[i].from_log ? " (from the log)" : "");
        bs_buf_puts(b, "\n");
    }
    for (size_t i = 0; i < d->nfindings; i++) {
        const struct bs_diag_finding *f = &d->findings[i];
        bs_buf_printf(b, "  %-5s %-5s %s\n", bs_diag_level_name(f->level),
                      f->check, f->text);
        if (f->fix[0])
            bs_buf_printf(b, "              fix: %s\n", f->fix);
    }
}

void bs_diag_render_text(const struct bs_diag_domain *d, size_t n,
                         const struct bs_resolver_stats *dns,
                         struct bs_buf *out)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            bs_buf_puts(out, "\n");
        bs_text_domain(&d[i], out);
        bad += bs_diag_worst(&d[i]) >= BS_DIAG_WARN;
    }
    if (!n)
        bs_buf_puts(out, "No sender domain with authentication failures "
                         "(authfailure, requireptr) in the input.\n");
    bs_buf_printf(out, "\n%zu domain%s checked, %zu with problems; DNS: %u "
                  "queries, %u failed", n, n == 1 ? "" : "s", bad,
                  dns->queries, dns->failed);
    if (dns->limited)
        bs_buf_printf(out, ", %u not sent (--max-queries)", dns->limited);
    bs_buf_puts(out, "\n");
}

static void bs_json_kv(struct bs_buf *b, const char *key, const char *val,
                       bool comma)
{
    bs_buf_printf(b, "%s\"%s\":", comma ? "," : "", key);
    bs_buf_json_str(b, val, strlen(val));
}

static void bs_json_spf(const struct bs_spf_verdict *v, struct bs_buf *b)
{
    bs_json_kv(b, "result", bs_spf_result_name(v->result), false);
    bs_json_kv(b, "mechanism", v->mechanism, true);
    bs_json_kv(b, "problem", v->problem, true);
}

static void bs_json_dmarc(const struct bs_dmarc_verdict *v, struct bs_buf *b)
{
    static const char *const st[] = { "found", "missing", "invalid",
                                      "temperror" };
    bs_buf_puts(b, ",\"dmarc\":{");
    bs_json_kv(b, "status", st[v->status], false);
    bs_json_kv(b, "name", v->name, true);
    bs_json_kv(b, "record", v->record, true);
    bs_buf_printf(b, ",\"inherited\":%s", v->inherited ? "true" : "false");
    if (v->status == BS_DMARC_FOUND) {
        char c[2] = { v->rec.adkim, 0 };
        bs_json_kv(b, "p", v->rec.policy, true);
        bs_json_kv(b, "sp", v->rec.sub_policy, true);
        bs_json_kv(b, "adkim", c, true);
        c[0] = v->rec.aspf;
        bs_json_kv(b, "aspf", c, true);
        bs_buf_printf(b, ",\"pct\":%d", v->rec.pct);
        bs_json_kv(b, "rua", v->rec.rua, true);
    }
    bs_json_kv(b, "problem", v->problem, true);
    bs_buf_puts(b, "}");
}

static void bs_json_domain(const struct bs_diag_domain *d, struct bs_buf *b)
{
    static const char *const ptr[] = { "pass", "none", "mismatch",
                                       "temperror" };
    bs_buf_puts(b, "{");
    bs_json_kv(b, "domain", d->domain, false);
    bs_json_kv(b, "verdict", bs_diag_worst(d) >= BS_DIAG_WARN ? "problems"
                                                              : "ok", true);
    if (d->seen) {
        bs_buf_printf(b, ",\"authfailure\":%llu,\"requireptr\":%llu",
                      (unsigned long long)d->seen->authfailure,
                      (unsigned long long)d->seen->requireptr);
        bs_json_kv(b, "details", d->seen->details, true);
    }
    bs_buf_puts(b, ",\"spf\":{");
    bs_json_kv(b, "record", d->spf.record, false);
    bs_buf_printf(b, ",\"lookups\":%u,", d->spf.lookups);
    bs_json_spf(&d->spf, b);
    bs_buf_puts(b, "},\"ips\":[");
    for (unsigned i = 0; i < d->nips; i++) {
        const struct bs_diag_ip *x = &d->ips[i];
        bs_buf_puts(b, i ? ",{" : "{");
        bs_json_kv(b, "ip", x->text, false);
        bs_buf_printf(b, ",\"from_log\":%s,\"spf\":{",
                      x->from_log ? "true" : "false");
        bs_json_spf(&x->spf, b);
        bs_buf_puts(b, "},\"ptr\":{");
        bs_json_kv(b, "status", ptr[x->ptr.status], false);
        bs_json_kv(b, "name", x->ptr.name, true);
        bs_buf_puts(b, "}}");
    }
    bs_buf_puts(b, "]");
    bs_json_dmarc(&d->dmarc, b);
    bs_buf_puts(b, ",\"findings\":[");
    for (size_t i = 0; i < d->nfindings; i++) {
        const struct bs_diag_finding *f = &d->findings[i];
        bs_buf_puts(b, i ? ",{" : "{");
        bs_json_kv(b, "level", bs_diag_level_name(f->level), false);
        bs_json_kv(b, "check", f->check, true);
        bs_json_kv(b, "text", f->text, true);
        bs_json_kv(b, "fix", f->fix, true);
        bs_buf_puts(b, "}");
    }
    bs_buf_puts(b, "]}");
}

void bs_diag_render_json(const struct bs_diag_domain *d, size_t n,
                         const struct bs_resolver_stats *dns,
                         struct bs_buf *out)
{
    bs_buf_puts(out, "{\"domains\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            bs_buf_puts(out, ",");
        bs_json_domain(&d[i], out);
    }
    bs_buf_printf(out, "],\"dns\":{\"queries\":%u,\"failed\":%u,"
                  "\"limited\":%u}}\n", dns->queries, dns->failed,
                  dns->limited);
}
