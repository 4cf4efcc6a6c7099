/*
 * report_tables.c - the deliverability report as CSV tables and as JSON
 *
 * CSV: the report's tables one after another, separated by an empty line.
 * Each table starts with its header row, and the first column of every
 * row, header included, is the table's name, so a script can keep the
 * rows of one table with a filter on the first field. Rates have 4
 * decimals and are empty without deliveries; fields are quoted as RFC
 * 4180 wants. JSON: one object with the same sections, counts with their
 * denominator and a failure_rate of 6 decimals or null, as in the main
 * JSON report. Both are described in doc/json.md.
 */
#include "report_model.h"

static void bs_t_counts_csv(struct bs_buf *b, const struct bs_agg_counts *n)
{
    uint64_t den;
    double rate = bs_failure_rate(n, &den);
    bs_buf_printf(b, ",%llu,%llu,%llu,%llu,%llu,",
                  (unsigned long long)n->sent, (unsigned long long)n->bounced,
                  (unsigned long long)n->expired,
                  (unsigned long long)n->deferred, (unsigned long long)den);
    if (den)
        bs_buf_printf(b, "%.4f", rate);
}

static const char bs_counts_head[] =
    ",sent,bounced,expired,deferred,denominator,failure_rate\n";

static void bs_t_field(struct bs_buf *b, const char *s, size_t n)
{
    bs_buf_putc(b, ',');
    bs_buf_csv_field(b, s, n);
}

static void bs_t_fields(struct bs_buf *b, const char *s)
{
    bs_t_field(b, s, strlen(s));
}

static void bs_t_hint(struct bs_report_model *m, const struct bs_sample *s,
                      uint32_t sender, struct bs_buf *b)
{
    struct bs_buf h;
    bs_buf_init(&h);
    if (s)
        bs_rm_hint(m, s, sender, &h);
    bs_t_field(b, h.data, h.len);
    bs_buf_fini(&h);
}

static void bs_csv_totals(struct bs_report_model *m, struct bs_buf *b)
{
    struct bs_buf t;
    bs_buf_init(&t);
    bs_buf_printf(b, "table,period,time_zone,pending,outside_sent,"
                  "outside_bounced,outside_expired,outside_deferred%s"
                  "totals", bs_counts_head);
    bs_rm_period(m, &t);
    bs_t_field(b, t.data, t.len);
    bs_buf_reset(&t);
    bs_rm_zone(m, &t);
    bs_t_field(b, t.data, t.len);
    bs_buf_printf(b, ",%llu,%llu,%llu,%llu,%llu",
                  (unsigned long long)m->e->out.pending_end,
                  (unsigned long long)m->outside.sent,
                  (unsigned long long)m->outside.bounced,
                  (unsigned long long)m->outside.expired,
                  (unsigned long long)m->outside.deferred);
    bs_t_counts_csv(b, &m->total);
    bs_buf_puts(b, "\n");
    bs_buf_fini(&t);
}

static void bs_csv_daily(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_printf(b, "\ntable,day,provider%s", bs_counts_head);
    for (size_t d = 0; d < m->ndays; d++) {
        char day[32];
        bs_rm_day_label(m, d, day);
        bs_buf_printf(b, "daily,%s,(all)", day);
        bs_t_counts_csv(b, &m->daily[d]);
        bs_buf_puts(b, "\n");
        for (size_t p = 0; p < m->nprov; p++) {
            const struct bs_agg_counts *n = bs_rm_day_prov(m, d, p);
            if (!n->sent && !n->bounced && !n->expired && !n->deferred)
                continue;
            bs_buf_printf(b, "daily,%s", day);
            bs_t_fields(b, m->prov[p].name);
            bs_t_counts_csv(b, n);
            bs_buf_puts(b, "\n");
        }
    }
}

static void bs_csv_providers(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_printf(b, "\ntable,provider,pending%s", bs_counts_head);
    for (size_t p = 0; p < m->nprov; p++) {
        bs_buf_puts(b, "providers");
        bs_t_fields(b, m->prov[p].name);
        bs_buf_printf(b, ",%llu", (unsigned long long)m->prov[p].pending);
        bs_t_counts_csv(b, &m->prov[p].n);
        bs_buf_puts(b, "\n");
    }
}

static void bs_csv_senders(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_printf(b, "\ntable,rank,sender_domain%s", bs_counts_head);
    for (size_t i = 0, shown = 0; i < m->senders.nrows &&
                                  shown < m->o->top; i++) {
        const struct bs_rollup_row *row = &m->senders.rows[i];
        if (!bs_rm_failures(&row->n))
            break;
        struct bs_slice s = bs_rollup_field(&m->senders, row, 0);
        bs_buf_printf(b, "senders_by_failures,%zu", ++shown);
        bs_t_field(b, s.ptr, s.len);
        bs_t_counts_csv(b, &row->n);
        bs_buf_puts(b, "\n");
    }
    bs_buf_printf(b, "\ntable,rank,sender_domain,min_volume%s",
                  bs_counts_head);
    for (size_t i = 0; i < m->nby_rate && i < m->o->top; i++) {
        const struct bs_rollup_row *row = &m->senders.rows[m->by_rate[i]];
        struct bs_slice s = bs_rollup_field(&m->senders, row, 0);
        bs_buf_printf(b, "senders_by_rate,%zu", i + 1);
        bs_t_field(b, s.ptr, s.len);
        bs_buf_printf(b, ",%llu", (unsigned long long)m->o->min_volume);
        bs_t_counts_csv(b, &row->n);
        bs_buf_puts(b, "\n");
    }
}

static void bs_csv_categories(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, "\ntable,provider,category,failures\n");
    for (size_t p = 0; p < m->nprov; p++)
        for (unsigned c = 1; c < BS_CAT_COUNT; c++) {
            uint64_t f = bs_rm_cat_prov(m, p, c);
            if (!f)
                continue;
            bs_buf_puts(b, "categories");
            bs_t_fields(b, m->prov[p].name);
            bs_buf_printf(b, ",%s,%llu\n", bs_category_name(c),
                          (unsigned long long)f);
        }
}

static void bs_csv_reasons(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, "\ntable,rank,category,detail,bounced,expired,deferred,"
                "rule,sample,hint\n");
    for (size_t i = 0; i < m->reasons.nrows && i < m->o->top; i++) {
        const struct bs_rollup_row *row = &m->reasons.rows[i];
        struct bs_slice c = bs_rollup_field(&m->reasons, row, 0);
        struct bs_slice d = bs_rollup_field(&m->reasons, row, 1);
        bs_buf_printf(b, "reasons,%zu", i + 1);
        bs_t_field(b, c.ptr, c.len);
        bs_t_field(b, d.ptr, d.len);
        bs_buf_printf(b, ",%llu,%llu,%llu",
                      (unsigned long long)row->n.bounced,
                      (unsigned long long)row->n.expired,
                      (unsigned long long)row->n.deferred);
        const struct bs_sample *s = bs_rm_reason_sample(m, i);
        struct bs_slice t = s ? bs_samples_text(m->e->samples, s->text)
                              : bs_slice_make("", 0);
        bs_t_fields(b, s ? bs_classifier_rule_id(m->e->classifier, s->rule)
                         : "");
        bs_t_field(b, t.ptr, t.len);
        bs_t_hint(m, s, 0, b);
        bs_buf_puts(b, "\n");
    }
}

static void bs_csv_auth(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, "\ntable,sender_domain,check,provider,failures,deferred,"
                "hint\n");
    for (size_t i = 0; i < m->auth.nrows; i++) {
        const struct bs_rollup_row *row = &m->auth.rows[i];
        struct bs_slice s = bs_rollup_field(&m->auth, row, 0);
        struct bs_slice d = bs_rollup_field(&m->auth, row, 1);
        struct bs_slice p = bs_rollup_field(&m->auth, row, 2);
        bs_buf_puts(b, "auth");
        bs_t_field(b, s.ptr, s.len);
        bs_t_field(b, d.ptr, d.len);
        bs_t_field(b, p.ptr, p.len);
        bs_buf_printf(b, ",%llu,%llu",
                      (unsigned long long)bs_rm_failures(&row->n),
                      (unsigned long long)row->n.deferred);
        bs_t_hint(m, bs_rm_auth_sample(m, i), row->first.sender, b);
        bs_buf_puts(b, "\n");
    }
}

/* report --dns: a row per finding, then the query counts. */
static void bs_csv_dns(struct bs_report_model *m, struct bs_buf *b)
{
    const struct bs_report_dns *dns = m->o->dns;
    bs_buf_puts(b, "\ntable,sender_domain,level,check,finding,fix\n");
    for (size_t i = 0; i < dns->ndomains; i++) {
        const struct bs_report_dns_domain *d = &dns->domains[i];
        for (size_t k = 0; k < d->nfindings; k++) {
            const struct bs_report_dns_finding *f = &d->findings[k];
            bs_buf_puts(b, "dns");
            bs_t_fields(b, d->domain);
            bs_t_fields(b, bs_rm_dns_level_id(f->level));
            bs_t_fields(b, f->check ? f->check : "");
            bs_t_fields(b, f->text ? f->text : "");
            bs_t_fields(b, f->fix ? f->fix : "");
            bs_buf_puts(b, "\n");
        }
    }
    bs_buf_printf(b, "\ntable,queries,failed,limited,not_checked\n"
                  "dns_queries,%u,%u,%u,%zu\n", dns->queries, dns->failed,
                  dns->limited, dns->not_checked);
}

static void bs_csv_compare(struct bs_report_model *m, struct bs_buf *b)
{
    if (!m->have_prev)
        return;
    bs_buf_puts(b, "\ntable,provider,sent,bounced,expired,deferred,"
                "denominator,failure_rate,previous_sent,previous_bounced,"
                "previous_expired,previous_deferred,previous_denominator,"
                "previous_failure_rate\n");
    for (size_t i = 0; i < m->ncmp; i++) {
        bs_buf_puts(b, "compare");
        bs_t_fields(b, i ? m->cmp[i].name : "(all)");
        bs_t_counts_csv(b, &m->cmp[i].now);
        bs_t_counts_csv(b, &m->cmp[i].prev);
        bs_buf_puts(b, "\n");
    }
}

void bs_report_tables_csv(struct bs_report_model *m, struct bs_buf *b)
{
    bs_csv_totals(m, b);
    bs_csv_daily(m, b);
    bs_csv_providers(m, b);
    bs_csv_senders(m, b);
    bs_csv_categories(m, b);
    bs_csv_reasons(m, b);
    bs_csv_auth(m, b);
    if (m->o->dns)
        bs_csv_dns(m, b);
    bs_csv_compare(m, b);
}

/* JSON */

static void bs_j_counts(struct bs_buf *b, const struct bs_agg_counts *n)
{
    uint64_t den;
    double rate = bs_failure_rate(n, &den);
    bs_buf_printf(b, "\"sent\":%llu,\"bounced\":%llu,\"expired\":%llu,"
                  "\"deferred\":%llu,\"denominator\":%llu,\"failure_rate\":",
                  (unsigned long long)n->sent, (unsigned long long)n->bounced,
                  (unsigned long long)n->expired,
                  (unsigned long long)n->deferred, (unsigned long long)den);
    if (den)
        bs_buf_printf(b, "%.6f", rate);
    else
        bs_buf_puts(b, "null");
}

static void bs_j_str(struct bs_buf *b, const char *key, const char *s,
                     size_t n)
{
    bs_buf_printf(b, "\"%s\":", key);
    bs_buf_json_str(b, s, n);
}

static void bs_j_strs(struct bs_buf *b, const char *key, const char *s)
{
    bs_j_str(b, key, s, strlen(s));
}

static void bs_j_head(struct bs_report_model *m, struct bs_buf *b)
{
    struct bs_buf t;
    bs_buf_init(&t);
    bs_buf_printf(b, "{\"bouncestat\":\"%s\",\"report\":1,\"lang\":\"%s\","
                  "\"period\":{", bs_version(), bs_lang_code(m->lang));
    bs_j_strs(b, "label", m->o->period ? m->o->period : "");
    bs_rm_period(m, &t);
    bs_buf_putc(b, ',');
    bs_j_str(b, "text", t.data, t.len);
    if (m->since <= m->until)
        bs_buf_printf(b, ",\"since\":%lld,\"until\":%lld",
                      (long long)m->since, (long long)m->until);
    bs_buf_reset(&t);
    bs_rm_zone(m, &t);
    bs_buf_putc(b, ',');
    bs_j_str(b, "time_zone", t.data, t.len);
    bs_buf_puts(b, "},\"totals\":{");
    bs_j_counts(b, &m->total);
    bs_buf_printf(b, ",\"pending\":%llu,\"deliveries_unknown_sender\":%llu}"
                  ",\"outside_window\":{\"sent\":%llu,\"bounced\":%llu,"
                  "\"expired\":%llu,\"deferred\":%llu}",
                  (unsigned long long)m->e->out.pending_end,
                  (unsigned long long)m->e->out.deliveries_unknown_sender,
                  (unsigned long long)m->outside.sent,
                  (unsigned long long)m->outside.bounced,
                  (unsigned long long)m->outside.expired,
                  (unsigned long long)m->outside.deferred);
    bs_buf_fini(&t);
}

static void bs_j_daily(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, ",\"daily\":[");
    for (size_t d = 0; d < m->ndays; d++) {
        char day[32];
        bs_rm_day_label(m, d, day);
        bs_buf_printf(b, "%s{\"day\":\"%s\",", d ? "," : "", day);
        bs_j_counts(b, &m->daily[d]);
        bs_buf_puts(b, ",\"providers\":{");
        bool first = true;
        for (size_t p = 0; p < m->nprov; p++) {
            const struct bs_agg_counts *n = bs_rm_day_prov(m, d, p);
            if (!n->sent && !n->bounced && !n->expired && !n->deferred)
                continue;
            if (!first)
                bs_buf_putc(b, ',');
            first = false;
            bs_buf_json_str(b, m->prov[p].name, strlen(m->prov[p].name));
            bs_buf_puts(b, ":{");
            bs_j_counts(b, n);
            bs_buf_puts(b, "}");
        }
        bs_buf_puts(b, "}}");
    }
    bs_buf_puts(b, "]");
}

static void bs_j_providers(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, ",\"providers\":[");
    for (size_t p = 0; p < m->nprov; p++) {
        bs_buf_puts(b, p ? ",{" : "{");
        bs_j_strs(b, "provider", m->prov[p].name);
        bs_buf_putc(b, ',');
        bs_j_counts(b, &m->prov[p].n);
        bs_buf_printf(b, ",\"pending\":%llu}",
                      (unsigned long long)m->prov[p].pending);
    }
    bs_buf_puts(b, "]");
}

static void bs_j_sender(struct bs_report_model *m, struct bs_buf *b,
                        const struct bs_rollup_row *row, bool comma)
{
    struct bs_slice s = bs_rollup_field(&m->senders, row, 0);
    bs_buf_puts(b, comma ? ",{" : "{");
    bs_j_str(b, "sender_domain", s.ptr, s.len);
    bs_buf_putc(b, ',');
    bs_j_counts(b, &row->n);
    bs_buf_putc(b, '}');
}

static void bs_j_senders(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, ",\"senders_by_failures\":[");
    for (size_t i = 0; i < m->senders.nrows && i < m->o->top; i++) {
        if (!bs_rm_failures(&m->senders.rows[i].n))
            break;
        bs_j_sender(m, b, &m->senders.rows[i], i > 0);
    }
    bs_buf_printf(b, "],\"senders_by_rate\":{\"min_volume\":%llu,\"rows\":[",
                  (unsigned long long)m->o->min_volume);
    for (size_t i = 0; i < m->nby_rate && i < m->o->top; i++)
        bs_j_sender(m, b, &m->senders.rows[m->by_rate[i]], i > 0);
    bs_buf_puts(b, "]}");
}

static void bs_j_categories(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, ",\"categories\":[");
    bool first = true;
    for (size_t p = 0; p < m->nprov; p++)
        for (unsigned c = 1; c < BS_CAT_COUNT; c++) {
            uint64_t f = bs_rm_cat_prov(m, p, c);
            if (!f)
                continue;
            bs_buf_puts(b, first ? "{" : ",{");
            first = false;
            bs_j_strs(b, "provider", m->prov[p].name);
            bs_buf_printf(b, ",\"category\":\"%s\",\"failures\":%llu}",
                          bs_category_name(c), (unsigned long long)f);
        }
    bs_buf_puts(b, "]");
}

static void bs_j_hint(struct bs_report_model *m, const struct bs_sample *s,
                      uint32_t sender, struct bs_buf *b)
{
    struct bs_buf h;
    bs_buf_init(&h);
    if (s)
        bs_rm_hint(m, s, sender, &h);
    bs_buf_putc(b, ',');
    bs_j_str(b, "hint", h.data, h.len);
    bs_buf_fini(&h);
}

static void bs_j_reasons(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, ",\"reasons\":[");
    for (size_t i = 0; i < m->reasons.nrows && i < m->o->top; i++) {
        const struct bs_rollup_row *row = &m->reasons.rows[i];
        struct bs_slice c = bs_rollup_field(&m->reasons, row, 0);
        struct bs_slice d = bs_rollup_field(&m->reasons, row, 1);
        const struct bs_sample *s = bs_rm_reason_sample(m, i);
        struct bs_slice t = s ? bs_samples_text(m->e->samples, s->text)
                              : bs_slice_make("", 0);
        bs_buf_puts(b, i ? ",{" : "{");
        bs_j_str(b, "category", c.ptr, c.len);
        bs_buf_putc(b, ',');
        bs_j_str(b, "detail", d.ptr, d.len);
        bs_buf_putc(b, ',');
        bs_j_counts(b, &row->n);
        bs_buf_putc(b, ',');
        bs_j_strs(b, "rule", s ? bs_classifier_rule_id(m->e->classifier,
                                                       s->rule)
                               : "");
        bs_buf_putc(b, ',');
        bs_j_str(b, "sample", t.ptr, t.len);
        bs_j_hint(m, s, 0, b);
        bs_buf_putc(b, '}');
    }
    bs_buf_puts(b, "]");
}

static void bs_j_auth(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, ",\"auth\":[");
    for (size_t i = 0; i < m->auth.nrows; i++) {
        const struct bs_rollup_row *row = &m->auth.rows[i];
        struct bs_slice s = bs_rollup_field(&m->auth, row, 0);
        struct bs_slice d = bs_rollup_field(&m->auth, row, 1);
        bs_buf_puts(b, i ? ",{" : "{");
        bs_j_str(b, "sender_domain", s.ptr, s.len);
        bs_buf_putc(b, ',');
        bs_j_str(b, "check", d.ptr, d.len);
        struct bs_slice p = bs_rollup_field(&m->auth, row, 2);
        bs_buf_putc(b, ',');
        bs_j_str(b, "provider", p.ptr, p.len);
        bs_buf_printf(b, ",\"failures\":%llu,\"deferred\":%llu",
                      (unsigned long long)bs_rm_failures(&row->n),
                      (unsigned long long)row->n.deferred);
        bs_j_hint(m, bs_rm_auth_sample(m, i), row->first.sender, b);
        bs_buf_putc(b, '}');
    }
    bs_buf_puts(b, "]");
}

static void bs_j_dns_domain(struct bs_buf *b,
                            const struct bs_report_dns_domain *d)
{
    bs_j_strs(b, "sender_domain", d->domain);
    bs_buf_printf(b, ",\"verdict\":\"%s\",\"ips\":[",
                  d->problems ? "problems" : "ok");
    for (size_t i = 0; i < d->nips; i++) {
        if (i)
            bs_buf_putc(b, ',');
        bs_buf_json_str(b, d->ips[i], strlen(d->ips[i]));
    }
    bs_buf_puts(b, "],\"findings\":[");
    for (size_t i = 0; i < d->nfindings; i++) {
        const struct bs_report_dns_finding *f = &d->findings[i];
        bs_buf_printf(b, "%s{\"level\":\"%s\",", i ? "," : "",
                      bs_rm_dns_level_id(f->level));
        bs_j_strs(b, "check", f->check ? f->check : "");
        bs_buf_putc(b, ',');
        bs_j_strs(b, "text", f->text ? f->text : "");
        bs_buf_putc(b, ',');
        bs_j_strs(b, "fix", f->fix ? f->fix : "");
        bs_buf_putc(b, '}');
    }
    bs_buf_puts(b, "]");
}

/* report --dns only: without it the member is left out. */
static void bs_j_dns(struct bs_report_model *m, struct bs_buf *b)
{
    const struct bs_report_dns *dns = m->o->dns;
    bs_buf_printf(b, ",\"dns\":{\"queries\":%u,\"failed\":%u,"
                  "\"limited\":%u,\"not_checked\":%zu,\"domains\":[",
                  dns->queries, dns->failed, dns->limited, dns->not_checked);
    for (size_t i = 0; i < dns->ndomains; i++) {
        bs_buf_puts(b, i ? ",{" : "{");
        bs_j_dns_domain(b, &dns->domains[i]);
        bs_buf_putc(b, '}');
    }
    bs_buf_puts(b, "]}");
}

static void bs_j_compare(struct bs_report_model *m, struct bs_buf *b)
{
    if (!m->have_prev) {
        bs_buf_puts(b, ",\"compare\":null");
        return;
    }
    bs_buf_puts(b, ",\"compare\":[");
    for (size_t i = 0; i < m->ncmp; i++) {
        bs_buf_puts(b, i ? ",{" : "{");
        bs_j_strs(b, "provider", i ? m->cmp[i].name : "(all)");
        bs_buf_puts(b, ",\"now\":{");
        bs_j_counts(b, &m->cmp[i].now);
        bs_buf_puts(b, "},\"previous\":{");
        bs_j_counts(b, &m->cmp[i].prev);
        bs_buf_puts(b, "}}");
    }
    bs_buf_puts(b, "]");
}

void bs_report_tables_json(struct bs_report_model *m, struct bs_buf *b)
{
    bs_j_head(m, b);
    bs_j_daily(m, b);
    bs_j_providers(m, b);
    bs_j_senders(m, b);
    bs_j_categories(m, b);
    bs_j_reasons(m, b);
    bs_j_auth(m, b);
    if (m->o->dns)
        bs_j_dns(m, b);
    bs_j_compare(m, b);
    bs_buf_puts(b, "}\n");
}
