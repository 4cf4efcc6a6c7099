/*
 * report_json.c - the machine-readable report (schema in doc/json.md)
 *
 * One object: version and schema number, input counters, outcome notes,
 * totals, per-provider and per-sender-domain summaries, reasons with
 * samples and hints, and "rows": every aggregate cell with all its keys,
 * which is enough to rebuild any other view.
 */
#include "rollup.h"

#include <stdlib.h>

#define BS_JSON_SCHEMA 1

static void bs_json_kv(struct bs_buf *b, const char *k, uint64_t v,
                       bool comma)
{
    bs_buf_printf(b, "%s\"%s\":%llu", comma ? "," : "", k,
                  (unsigned long long)v);
}

static void bs_json_input(struct bs_engine *e, struct bs_buf *b)
{
    const struct bs_line_stats *s = &e->stats;
    bs_buf_puts(b, "\"input\":{");
    bs_json_kv(b, "bytes", s->bytes, false);
    bs_json_kv(b, "lines_read", s->read, true);
    bs_json_kv(b, "lines_parsed", s->parsed, true);
    bs_json_kv(b, "lines_skipped", s->skipped, true);
    bs_json_kv(b, "lines_foreign", s->foreign, true);
    bs_json_kv(b, "lines_no_prefix", s->no_prefix, true);
    bs_json_kv(b, "lines_unparsed", s->unparsed, true);
    bs_json_kv(b, "lines_oversize", s->oversize, true);
    bs_json_kv(b, "regex_budget_overflows",
               bs_classifier_budget_overflows(e->classifier) +
                   e->merged.budget_overflows, true);
    if (e->last_time >= e->first_time) {
        bs_buf_printf(b, ",\"first_log_time\":%lld,\"last_log_time\":%lld",
                      (long long)e->first_time, (long long)e->last_time);
    }
    bs_buf_puts(b, "}");
}

static void bs_json_outcomes(struct bs_engine *e, struct bs_buf *b)
{
    const struct bs_outcome_stats *o = &e->out;
    bs_buf_puts(b, ",\"correlation\":{");
    bs_json_kv(b, "deliveries_unknown_sender", o->deliveries_unknown_sender,
               false);
    bs_json_kv(b, "pending", o->pending_end, true);
    bs_json_kv(b, "pending_dropped_at_removal", o->pending_dropped, true);
    bs_json_kv(b, "pending_deleted_by_postsuper", o->pending_deleted, true);
    bs_json_kv(b, "pending_evicted", o->pending_evicted, true);
    bs_json_kv(b, "expired_without_known_recipients", o->expired_no_rcpt,
               true);
    bs_json_kv(b, "verification_probes", o->probes, true);
    bs_json_kv(b, "content_filter_handoffs", o->handoffs, true);
    bs_json_kv(b, "qmail_results_without_start", o->qmail_unstarted, true);
    bs_json_kv(b, "mta_restarts", o->mta_restarts, true);
    bs_json_kv(b, "notifications", o->notifications, true);
    bs_json_kv(b, "messages_tracked", bs_correlator_count(e->correlator),
               true);
    bs_json_kv(b, "messages_evicted", bs_correlator_evicted(e->correlator) +
                                          e->merged.messages_evicted, true);
    bs_json_kv(b, "cells_folded", bs_agg_folded(e->agg) +
                                      e->merged.cells_folded, true);
    bs_json_kv(b, "strings_refused", bs_intern_refused(e->strings) +
                                         e->merged.strings_refused, true);
    bs_json_kv(b, "parallel_lines_not_held", o->held_overflow, true);
    bs_json_kv(b, "unexplained_forms_refused",
               bs_samples_forms_refused(e->samples), true);
    bs_buf_puts(b, "}");
}

/* Returned mails read (mail_input.c): "mail":{"messages":..., ...}. */
static void bs_json_mail(struct bs_engine *e, struct bs_buf *b)
{
    struct bs_mail_stats m;
    bs_engine_mail_stats(e, &m);
    bs_buf_puts(b, ",\"mail\":{");
    bs_json_kv(b, "messages", m.messages, false);
    bs_json_kv(b, "bounces", m.bounces, true);
    bs_json_kv(b, "recipients", m.recipients, true);
    bs_json_kv(b, "recipients_delayed", m.delayed, true);
    bs_json_kv(b, "not_bounces", m.not_bounces, true);
    bs_json_kv(b, "feedback_reports", m.feedback_reports, true);
    bs_json_kv(b, "malformed", m.malformed, true);
    bs_json_kv(b, "oversize", m.oversize, true);
    bs_json_kv(b, "recipients_delivered", m.recipients_delivered, true);
    bs_json_kv(b, "recipients_dropped", m.recipients_dropped, true);
    bs_buf_puts(b, "}");
}

/* An array of one-key summaries: [{"provider":"google",...}, ...] */
static bool bs_json_is_failure(const struct bs_agg_cell *c)
{
    return c->key.category != BS_CAT_NONE;
}

static void bs_json_summary(struct bs_engine *e, struct bs_buf *b,
                            const char *name, enum bs_key_kind kind)
{
    struct bs_rollup r;
    bs_rollup_build(&r, e, &kind, 1,
                    kind == BS_KEY_CATEGORY ? bs_json_is_failure : NULL);
    bs_rollup_sort_by_key(&r);
    bs_buf_printf(b, ",\"%s\":[", name);
    for (size_t i = 0; i < r.nrows; i++) {
        struct bs_slice f = bs_rollup_field(&r, &r.rows[i], 0);
        bs_buf_printf(b, "%s{\"%s\":", i ? "," : "", bs_key_name(kind));
        bs_buf_json_str(b, f.ptr, f.len);
        bs_buf_putc(b, ',');
        bs_rollup_json_counts(b, &r.rows[i].n);
        if (kind == BS_KEY_PROVIDER)
            bs_json_kv(b, "pending", e->out.pending_by_provider[
                       r.rows[i].first.provider], true);
        bs_buf_putc(b, '}');
    }
    bs_buf_puts(b, "]");
    bs_rollup_fini(&r);
}

static void bs_json_totals(struct bs_engine *e, struct bs_buf *b)
{
    struct bs_agg_counts t;
    bs_agg_totals(e->agg, &t);
    bs_buf_puts(b, ",\"totals\":{");
    bs_rollup_json_counts(b, &t);
    bs_json_kv(b, "pending", e->out.pending_end, true);
    bs_buf_puts(b, "}");
}

static void bs_json_str(struct bs_buf *b, const char *key, const char *v,
                        size_t n)
{
    bs_buf_printf(b, ",\"%s\":", key);
    bs_buf_json_str(b, v, n);
}

static void bs_json_sample(struct bs_engine *e, struct bs_buf *b,
                           const struct bs_sample *s, struct bs_buf *tmp)
{
    struct bs_slice d = bs_intern_str(e->strings, s->detail);
    struct bs_slice t = bs_samples_text(e->samples, s->text);
    const char *id = bs_classifier_rule_id(e->classifier, s->rule);
    bs_buf_printf(b, "{\"provider\":\"%s\",\"category\":\"%s\"",
                  bs_provider_name(e->providers, s->provider),
                  bs_category_name(s->category));
    bs_json_str(b, "detail", d.ptr, d.len);
    bs_json_str(b, "rule", id, strlen(id));
    bs_buf_reset(tmp);
    bs_engine_sample_hint(e, s, false, tmp);
    bs_json_str(b, "hint", tmp->data, tmp->len);
    bs_buf_reset(tmp);
    bs_engine_sample_hint(e, s, true, tmp);
    bs_json_str(b, "hint_ja", tmp->data, tmp->len);
    bs_json_str(b, "text", t.ptr, t.len);
    bs_buf_putc(b, '}');
}

/* Samples are listed by provider, category and detail, so the output does
 * not depend on the order the input came in. */
struct bs_sample_ref {
    const struct bs_sample *s;
    struct bs_engine *e;
};

static int bs_sample_ref_cmp(const void *pa, const void *pb)
{
    const struct bs_sample_ref *a = pa, *b = pb;
    int c = strcmp(bs_provider_name(a->e->providers, a->s->provider),
                   bs_provider_name(b->e->providers, b->s->provider));
    if (!c)
        c = strcmp(bs_category_name(a->s->category),
                   bs_category_name(b->s->category));
    if (!c)
        c = strcmp(bs_intern_str(a->e->strings, a->s->detail).ptr,
                   bs_intern_str(b->e->strings, b->s->detail).ptr);
    return c;
}

static void bs_json_samples(struct bs_engine *e, struct bs_buf *b)
{
    struct bs_buf tmp;
    bs_buf_init(&tmp);
    size_t n, used = 0;
    const struct bs_sample *s = bs_samples_all(e->samples, &n);
    struct bs_sample_ref *refs = bs_xcalloc(n ? n : 1, sizeof *refs);
    for (size_t i = 0; i < n; i++)
        if (s[i].text)
            refs[used++] = (struct bs_sample_ref){ &s[i], e };
    qsort(refs, used, sizeof *refs, bs_sample_ref_cmp);
    bs_buf_puts(b, ",\"samples\":[");
    for (size_t i = 0; i < used; i++) {
        if (i)
            bs_buf_putc(b, ',');
        bs_json_sample(e, b, refs[i].s, &tmp);
    }
    bs_buf_puts(b, "]");
    free(refs);
    bs_buf_fini(&tmp);
}

static void bs_json_unexplained(struct bs_engine *e, struct bs_buf *b)
{
    size_t n;
    const struct bs_unexplained *u = bs_samples_unexplained(e->samples, &n);
    bs_buf_puts(b, ",\"unexplained\":[");
    for (size_t i = 0; i < n; i++) {
        struct bs_slice f = bs_samples_text(e->samples, u[i].form);
        struct bs_slice t = bs_samples_text(e->samples, u[i].sample);
        bs_buf_printf(b, "%s{\"category\":\"%s\",\"count\":%llu",
                      i ? "," : "", bs_category_name(u[i].category),
                      (unsigned long long)u[i].count);
        bs_json_str(b, "form", f.ptr, f.len);
        bs_json_str(b, "sample", t.ptr, t.len);
        bs_buf_putc(b, '}');
    }
    bs_buf_puts(b, "]");
}

static void bs_json_rows(struct bs_engine *e, struct bs_buf *b)
{
    static const enum bs_key_kind keys[] = {
        BS_KEY_HOUR, BS_KEY_PROVIDER, BS_KEY_SENDER_DOMAIN,
        BS_KEY_RECIPIENT_DOMAIN, BS_KEY_CATEGORY, BS_KEY_DETAIL,
        BS_KEY_DSN, BS_KEY_SEVERITY,
    };
    struct bs_rollup r;
    bs_rollup_build(&r, e, keys, BS_ARRAY_LEN(keys), NULL);
    bs_rollup_sort_by_key(&r);
    bs_buf_puts(b, ",\"rows\":[");
    for (size_t i = 0; i < r.nrows; i++) {
        bs_buf_puts(b, i ? ",{" : "{");
        for (size_t k = 0; k < BS_ARRAY_LEN(keys); k++) {
            struct bs_slice f = bs_rollup_field(&r, &r.rows[i], k);
            bs_buf_printf(b, "\"%s\":", bs_key_name(keys[k]));
            bs_buf_json_str(b, f.ptr, f.len);
            bs_buf_putc(b, ',');
        }
        bs_rollup_json_counts(b, &r.rows[i].n);
        bs_buf_putc(b, '}');
    }
    bs_buf_puts(b, "]");
    bs_rollup_fini(&r);
}

void bs_report_json(struct bs_engine *e, struct bs_buf *b)
{
    bs_buf_printf(b, "{\"bouncestat\":\"%s\",\"schema\":%d,", bs_version(),
                  BS_JSON_SCHEMA);
    bs_json_input(e, b);
    bs_json_outcomes(e, b);
    bs_json_mail(e, b);
    bs_json_totals(e, b);
    bs_json_summary(e, b, "providers", BS_KEY_PROVIDER);
    bs_json_summary(e, b, "sender_domains", BS_KEY_SENDER_DOMAIN);
    bs_json_summary(e, b, "reasons_by_category", BS_KEY_CATEGORY);
    bs_json_samples(e, b);
    bs_json_unexplained(e, b);
    bs_json_rows(e, b);
    bs_buf_puts(b, "}\n");
}
