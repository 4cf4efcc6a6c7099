/*
 * report_md.c - the deliverability report as Markdown (CommonMark with
 * GitHub tables)
 *
 * The same sections as the HTML report; the charts become tables (the
 * daily failure rate per provider, the daily volume, failures per
 * provider and category). Text from the logs is escaped so that it can
 * neither break a table nor become markup: | \ ` * _ [ ] < > are escaped
 * or written as entities, line breaks become spaces, and bytes that are
 * not UTF-8 become U+FFFD.
 */
#include "report_model.h"

static void bs_md_esc(struct bs_buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        size_t u = c >= 0x80 ? bs_utf8_len(p + i, n - i) : 0;
        if (u) {
            bs_buf_append(b, p + i, u);
            i += u;
            continue;
        }
        i++;
        if (c == '<')
            bs_buf_puts(b, "&lt;");
        else if (c == '>')
            bs_buf_puts(b, "&gt;");
        else if (c == '&')
            bs_buf_puts(b, "&amp;");
        else if (c && strchr("|\\`*_[]#", c)) {
            bs_buf_putc(b, '\\');
            bs_buf_putc(b, (char)c);
        } else if (c >= 0x80)
            bs_buf_puts(b, "\xef\xbf\xbd");
        else if (c < 0x20 || c == 0x7f)
            bs_buf_putc(b, ' ');
        else
            bs_buf_putc(b, (char)c);
    }
}

static void bs_md_escs(struct bs_buf *b, const char *s)
{
    bs_md_esc(b, s, strlen(s));
}

static void bs_md_h2(struct bs_report_model *m, struct bs_buf *b,
                     enum bs_label id)
{
    bs_buf_puts(b, "\n## ");
    bs_md_escs(b, bs_rm_label(m, id));
    bs_buf_puts(b, "\n\n");
}

static void bs_md_para(struct bs_report_model *m, struct bs_buf *b,
                       enum bs_label id)
{
    bs_md_escs(b, bs_rm_label(m, id));
    bs_buf_puts(b, "\n");
}

/* A header row: n labels; the columns whose bit is set in numeric are
 * right-aligned. */
static void bs_md_head(struct bs_report_model *m, struct bs_buf *b,
                       const enum bs_label *cols, size_t n, unsigned numeric)
{
    bs_buf_puts(b, "|");
    for (size_t i = 0; i < n; i++) {
        bs_buf_puts(b, " ");
        bs_md_escs(b, bs_rm_label(m, cols[i]));
        bs_buf_puts(b, " |");
    }
    bs_buf_puts(b, "\n|");
    for (size_t i = 0; i < n; i++)
        bs_buf_puts(b, numeric >> i & 1 ? " ---: |" : " --- |");
    bs_buf_puts(b, "\n");
}

static void bs_md_num(struct bs_buf *b, uint64_t v)
{
    bs_buf_puts(b, " ");
    bs_buf_grouped(b, v);
    bs_buf_puts(b, " |");
}

static void bs_md_rate(struct bs_report_model *m, struct bs_buf *b,
                       const struct bs_agg_counts *n)
{
    bs_buf_puts(b, " ");
    bs_rm_rate(m, b, n);
    bs_buf_puts(b, " |");
}

static void bs_md_head_block(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, "# ");
    bs_md_escs(b, bs_rm_label(m, BS_L_TITLE));
    if (m->o->period) {
        bs_buf_puts(b, " ");
        bs_md_escs(b, m->o->period);
    }
    bs_buf_puts(b, "\n\n- ");
    bs_md_escs(b, bs_rm_label(m, BS_L_PERIOD));
    bs_buf_puts(b, ": ");
    bs_rm_period(m, b);
    bs_buf_puts(b, "\n- ");
    bs_md_escs(b, bs_rm_label(m, BS_L_TIME_ZONE));
    bs_buf_puts(b, ": ");
    struct bs_buf z;
    bs_buf_init(&z);
    bs_rm_zone(m, &z);
    bs_md_esc(b, z.data, z.len);
    bs_buf_fini(&z);
    bs_buf_puts(b, "\n- ");
    bs_md_escs(b, bs_rm_label(m, BS_L_GENERATED));
    bs_buf_printf(b, " %s\n", bs_version());
}

static void bs_md_item(struct bs_report_model *m, struct bs_buf *b,
                       enum bs_label id, uint64_t v)
{
    bs_buf_puts(b, "- ");
    bs_md_escs(b, bs_rm_label(m, id));
    bs_buf_puts(b, ": ");
    bs_buf_grouped(b, v);
    bs_buf_puts(b, "\n");
}

static void bs_md_totals(struct bs_report_model *m, struct bs_buf *b)
{
    const struct bs_agg_counts *t = &m->total;
    bs_md_h2(m, b, BS_L_TOTALS);
    bs_buf_puts(b, "- **");
    bs_md_escs(b, bs_rm_label(m, BS_L_FAILURE_RATE));
    bs_buf_puts(b, ": ");
    bs_rm_rate(m, b, t);
    bs_buf_puts(b, "**\n");
    bs_md_item(m, b, BS_L_DELIVERIES, t->sent + t->bounced + t->expired);
    bs_md_item(m, b, BS_L_SENT, t->sent);
    bs_md_item(m, b, BS_L_BOUNCED, t->bounced);
    bs_md_item(m, b, BS_L_EXPIRED, t->expired);
    bs_md_item(m, b, BS_L_DEFERRED, t->deferred);
    bs_md_item(m, b, BS_L_PENDING, m->e->out.pending_end);
    bs_md_item(m, b, BS_L_UNKNOWN_SENDER,
               m->e->out.deliveries_unknown_sender);
    bs_buf_puts(b, "\n");
    bs_md_para(m, b, BS_L_RATE_NOTE);
}

static void bs_md_daily_rate(struct bs_report_model *m, struct bs_buf *b)
{
    bs_md_h2(m, b, BS_L_DAILY_RATE);
    bs_buf_puts(b, "| ");
    bs_md_escs(b, bs_rm_label(m, BS_L_DAY));
    bs_buf_puts(b, " |");
    for (size_t p = 0; p < m->nseries; p++) {
        bs_buf_puts(b, " ");
        bs_md_escs(b, m->prov[p].name);
        bs_buf_puts(b, " |");
    }
    bs_buf_puts(b, " ");
    bs_md_escs(b, bs_rm_label(m, BS_L_ALL));
    bs_buf_puts(b, " |\n| --- |");
    for (size_t p = 0; p <= m->nseries; p++)
        bs_buf_puts(b, " ---: |");
    bs_buf_puts(b, "\n");
    for (size_t d = 0; d < m->ndays; d++) {
        char day[32];
        bs_rm_day_label(m, d, day);
        bs_buf_printf(b, "| %s |", day);
        for (size_t p = 0; p < m->nseries; p++)
            bs_md_rate(m, b, bs_rm_day_prov(m, d, p));
        bs_md_rate(m, b, &m->daily[d]);
        bs_buf_puts(b, "\n");
    }
    bs_buf_puts(b, "\n");
    bs_md_para(m, b, BS_L_DAILY_RATE_NOTE);
}

static void bs_md_daily_volume(struct bs_report_model *m, struct bs_buf *b)
{
    static const enum bs_label cols[] = {
        BS_L_DAY, BS_L_DELIVERIES, BS_L_SENT, BS_L_BOUNCED, BS_L_EXPIRED,
        BS_L_DEFERRED_SHORT, BS_L_FAILURE_RATE,
    };
    bs_md_h2(m, b, BS_L_DAILY_VOLUME);
    bs_md_head(m, b, cols, BS_ARRAY_LEN(cols), ~1u);
    for (size_t d = 0; d < m->ndays; d++) {
        const struct bs_agg_counts *n = &m->daily[d];
        char day[32];
        bs_rm_day_label(m, d, day);
        bs_buf_printf(b, "| %s |", day);
        bs_md_num(b, n->sent + n->bounced + n->expired);
        bs_md_num(b, n->sent);
        bs_md_num(b, n->bounced);
        bs_md_num(b, n->expired);
        bs_md_num(b, n->deferred);
        bs_md_rate(m, b, n);
        bs_buf_puts(b, "\n");
    }
}

static void bs_md_providers(struct bs_report_model *m, struct bs_buf *b)
{
    static const enum bs_label cols[] = {
        BS_L_PROVIDER, BS_L_DELIVERIES, BS_L_SENT, BS_L_BOUNCED,
        BS_L_EXPIRED, BS_L_DEFERRED_SHORT, BS_L_PENDING, BS_L_FAILURE_RATE,
    };
    bs_md_h2(m, b, BS_L_PROVIDERS);
    bs_md_head(m, b, cols, BS_ARRAY_LEN(cols), ~1u);
    for (size_t p = 0; p < m->nprov; p++) {
        const struct bs_agg_counts *n = &m->prov[p].n;
        bs_buf_puts(b, "| ");
        bs_md_escs(b, m->prov[p].name);
        bs_buf_puts(b, " |");
        bs_md_num(b, n->sent + n->bounced + n->expired);
        bs_md_num(b, n->sent);
        bs_md_num(b, n->bounced);
        bs_md_num(b, n->expired);
        bs_md_num(b, n->deferred);
        bs_md_num(b, m->prov[p].pending);
        bs_md_rate(m, b, n);
        bs_buf_puts(b, "\n");
    }
}

static void bs_md_sender_row(struct bs_report_model *m, struct bs_buf *b,
                             const struct bs_rollup_row *row)
{
    struct bs_slice name = bs_rollup_field(&m->senders, row, 0);
    bs_buf_puts(b, "| ");
    bs_md_esc(b, name.ptr, name.len);
    bs_buf_puts(b, " |");
    bs_md_num(b, row->n.bounced);
    bs_md_num(b, row->n.expired);
    bs_md_num(b, row->n.deferred);
    bs_md_rate(m, b, &row->n);
    bs_buf_puts(b, "\n");
}

static void bs_md_senders(struct bs_report_model *m, struct bs_buf *b)
{
    static const enum bs_label cols[] = {
        BS_L_SENDER_DOMAIN, BS_L_BOUNCED, BS_L_EXPIRED, BS_L_DEFERRED_SHORT,
        BS_L_FAILURE_RATE,
    };
    bs_md_h2(m, b, BS_L_SENDERS_FAILURES);
    bs_md_head(m, b, cols, BS_ARRAY_LEN(cols), ~1u);
    for (size_t i = 0; i < m->senders.nrows && i < m->o->top; i++) {
        if (!bs_rm_failures(&m->senders.rows[i].n))
            break;
        bs_md_sender_row(m, b, &m->senders.rows[i]);
    }
    bs_md_h2(m, b, BS_L_SENDERS_RATE);
    bs_md_head(m, b, cols, BS_ARRAY_LEN(cols), ~1u);
    for (size_t i = 0; i < m->nby_rate && i < m->o->top; i++)
        bs_md_sender_row(m, b, &m->senders.rows[m->by_rate[i]]);
    bs_buf_puts(b, "\n");
    bs_md_escs(b, bs_rm_label(m, BS_L_MIN_VOLUME_PRE));
    bs_buf_grouped(b, m->o->min_volume);
    bs_md_escs(b, bs_rm_label(m, BS_L_MIN_VOLUME_POST));
    bs_buf_puts(b, "\n");
}

static void bs_md_categories(struct bs_report_model *m, struct bs_buf *b)
{
    bs_md_h2(m, b, BS_L_CATEGORIES);
    if (!m->ncats) {
        bs_md_para(m, b, BS_L_NO_FAILURES);
        return;
    }
    bs_md_para(m, b, BS_L_CATEGORIES_NOTE);
    bs_buf_puts(b, "\n| ");
    bs_md_escs(b, bs_rm_label(m, BS_L_PROVIDER));
    bs_buf_puts(b, " |");
    for (size_t c = 0; c < m->ncats; c++) {
        bs_buf_puts(b, " ");
        bs_md_escs(b, bs_rm_cat_name(m, m->cats[c]));
        bs_buf_puts(b, " |");
    }
    bs_buf_puts(b, "\n| --- |");
    for (size_t c = 0; c < m->ncats; c++)
        bs_buf_puts(b, " ---: |");
    bs_buf_puts(b, "\n");
    for (size_t p = 0; p < m->nprov; p++) {
        if (!bs_rm_failures(&m->prov[p].n))
            continue;
        bs_buf_puts(b, "| ");
        bs_md_escs(b, m->prov[p].name);
        bs_buf_puts(b, " |");
        for (size_t c = 0; c < m->ncats; c++)
            bs_md_num(b, bs_rm_cat_prov(m, p, m->cats[c]));
        bs_buf_puts(b, "\n");
    }
}

static void bs_md_reason(struct bs_report_model *m, struct bs_buf *b,
                         size_t i)
{
    const struct bs_rollup_row *row = &m->reasons.rows[i];
    struct bs_slice c = bs_rollup_field(&m->reasons, row, 0);
    struct bs_slice d = bs_rollup_field(&m->reasons, row, 1);
    bs_buf_puts(b, "\n### ");
    bs_md_esc(b, c.ptr, c.len);
    if (d.len) {
        bs_buf_puts(b, " / ");
        bs_md_esc(b, d.ptr, d.len);
    }
    bs_buf_printf(b, "\n\n- %s: ", bs_rm_label(m, BS_L_BOUNCED));
    bs_buf_grouped(b, row->n.bounced);
    bs_buf_printf(b, ", %s: ", bs_rm_label(m, BS_L_EXPIRED));
    bs_buf_grouped(b, row->n.expired);
    bs_buf_printf(b, ", %s: ", bs_rm_label(m, BS_L_DEFERRED));
    bs_buf_grouped(b, row->n.deferred);
    bs_buf_puts(b, "\n");
    const struct bs_sample *s = bs_rm_reason_sample(m, i);
    if (!s)
        return;
    struct bs_slice t = bs_samples_text(m->e->samples, s->text);
    bs_buf_printf(b, "- %s: ", bs_rm_label(m, BS_L_EXAMPLE));
    bs_md_esc(b, t.ptr, BS_MIN(t.len, (size_t)300));
    bs_buf_puts(b, t.len > 300 ? " …\n" : "\n");
    struct bs_buf h;
    bs_buf_init(&h);
    bs_rm_hint(m, s, 0, &h);
    if (h.len) {
        bs_buf_printf(b, "- **%s**: ", bs_rm_label(m, BS_L_FIX));
        bs_md_esc(b, h.data, h.len);
        bs_buf_puts(b, "\n");
    }
    bs_buf_fini(&h);
}

static void bs_md_reasons(struct bs_report_model *m, struct bs_buf *b)
{
    bs_md_h2(m, b, BS_L_REASONS);
    if (!m->reasons.nrows)
        bs_md_para(m, b, BS_L_NO_FAILURES);
    for (size_t i = 0; i < m->reasons.nrows && i < m->o->top; i++)
        bs_md_reason(m, b, i);
}

static void bs_md_auth(struct bs_report_model *m, struct bs_buf *b)
{
    static const enum bs_label cols[] = {
        BS_L_SENDER_DOMAIN, BS_L_CHECK, BS_L_PROVIDER, BS_L_FAILURES,
        BS_L_DEFERRED_SHORT, BS_L_FIX,
    };
    bs_md_h2(m, b, BS_L_AUTH);
    bs_md_para(m, b, BS_L_AUTH_NOTE);
    bs_buf_puts(b, "\n");
    if (!m->auth.nrows) {
        bs_md_para(m, b, BS_L_NO_AUTH);
        return;
    }
    bs_md_head(m, b, cols, BS_ARRAY_LEN(cols), 1u << 3 | 1u << 4);
    for (size_t i = 0; i < m->auth.nrows && i < 2 * (size_t)m->o->top; i++) {
        const struct bs_rollup_row *row = &m->auth.rows[i];
        struct bs_slice s = bs_rollup_field(&m->auth, row, 0);
        struct bs_slice d = bs_rollup_field(&m->auth, row, 1);
        struct bs_slice p = bs_rollup_field(&m->auth, row, 2);
        bs_buf_puts(b, "| ");
        bs_md_esc(b, s.ptr, s.len);
        bs_buf_puts(b, " | ");
        bs_md_esc(b, d.ptr, d.len);
        bs_buf_puts(b, " | ");
        bs_md_esc(b, p.ptr, p.len);
        bs_buf_puts(b, " |");
        bs_md_num(b, row->n.bounced + row->n.expired);
        bs_md_num(b, row->n.deferred);
        bs_buf_puts(b, " ");
        const struct bs_sample *x = bs_rm_auth_sample(m, i);
        struct bs_buf h;
        bs_buf_init(&h);
        if (x)
            bs_rm_hint(m, x, row->first.sender, &h);
        bs_md_esc(b, h.data, h.len);
        bs_buf_fini(&h);
        bs_buf_puts(b, " |\n");
    }
}

static void bs_md_dns_domain(struct bs_report_model *m, struct bs_buf *b,
                             const struct bs_report_dns_domain *d)
{
    static const enum bs_label cols[] = {
        BS_L_DNS_RESULT, BS_L_CHECK, BS_L_DNS_FINDING, BS_L_FIX,
    };
    bs_buf_puts(b, "\n### ");
    bs_md_escs(b, d->domain);
    bs_buf_puts(b, ": ");
    bs_md_escs(b, bs_rm_label(m, d->problems ? BS_L_DNS_PROBLEMS
                                             : BS_L_DNS_NO_PROBLEM));
    bs_buf_puts(b, "\n\n");
    if (d->nips) {
        bs_md_escs(b, bs_rm_label(m, BS_L_DNS_IPS));
        for (size_t i = 0; i < d->nips; i++) {
            bs_buf_puts(b, i ? ", " : ": ");
            bs_md_escs(b, d->ips[i]);
        }
        bs_buf_puts(b, "\n\n");
    }
    bs_md_head(m, b, cols, BS_ARRAY_LEN(cols), 0);
    for (size_t i = 0; i < d->nfindings; i++) {
        const struct bs_report_dns_finding *f = &d->findings[i];
        bs_buf_puts(b, "| ");
        bs_md_escs(b, bs_rm_dns_level(m, f->level));
        bs_buf_puts(b, " | ");
        bs_md_escs(b, f->check ? f->check : "");
        bs_buf_puts(b, " | ");
        bs_md_escs(b, f->text ? f->text : "");
        bs_buf_puts(b, " | ");
        bs_md_escs(b, f->fix ? f->fix : "");
        bs_buf_puts(b, " |\n");
    }
}

/* The DNS checks of report --dns, as the tool gave them. */
static void bs_md_dns(struct bs_report_model *m, struct bs_buf *b)
{
    const struct bs_report_dns *dns = m->o->dns;
    bs_md_h2(m, b, BS_L_DNS);
    bs_md_para(m, b, BS_L_DNS_NOTE);
    if (!dns->ndomains) {
        bs_buf_puts(b, "\n");
        bs_md_para(m, b, BS_L_DNS_NONE);
    }
    for (size_t i = 0; i < dns->ndomains; i++)
        bs_md_dns_domain(m, b, &dns->domains[i]);
    bs_buf_puts(b, "\n- ");
    bs_md_escs(b, bs_rm_label(m, BS_L_DNS_QUERIES));
    bs_buf_printf(b, ": %u, ", dns->queries);
    bs_md_escs(b, bs_rm_label(m, BS_L_DNS_FAILED));
    bs_buf_printf(b, ": %u", dns->failed);
    if (dns->limited) {
        bs_buf_puts(b, ", ");
        bs_md_escs(b, bs_rm_label(m, BS_L_DNS_LIMITED));
        bs_buf_printf(b, ": %u", dns->limited);
    }
    bs_buf_puts(b, "\n");
    if (dns->not_checked) {
        bs_buf_puts(b, "- ");
        bs_md_escs(b, bs_rm_label(m, BS_L_DNS_NOT_CHECKED));
        bs_buf_printf(b, ": %zu\n", dns->not_checked);
    }
    if (dns->failed || dns->limited) {
        bs_buf_puts(b, "- **");
        bs_md_escs(b, bs_rm_label(m, BS_L_DNS_INCOMPLETE));
        bs_buf_puts(b, "**\n");
    }
}

static void bs_md_compare(struct bs_report_model *m, struct bs_buf *b)
{
    bs_md_h2(m, b, BS_L_COMPARE);
    if (!m->have_prev) {
        bs_md_para(m, b, BS_L_NO_COMPARE);
        return;
    }
    static const enum bs_label cols[] = {
        BS_L_PROVIDER, BS_L_THIS_PERIOD, BS_L_PREVIOUS, BS_L_CHANGE,
    };
    bs_md_head(m, b, cols, BS_ARRAY_LEN(cols), ~1u);
    for (size_t i = 0; i < m->ncmp; i++) {
        bs_buf_puts(b, "| ");
        bs_md_escs(b, i ? m->cmp[i].name : bs_rm_label(m, BS_L_ALL));
        bs_buf_puts(b, " |");
        bs_md_rate(m, b, &m->cmp[i].now);
        bs_md_rate(m, b, &m->cmp[i].prev);
        uint64_t dn, dp;
        double rn = bs_failure_rate(&m->cmp[i].now, &dn);
        double rp = bs_failure_rate(&m->cmp[i].prev, &dp);
        if (dn && dp)
            bs_buf_printf(b, " %+.2f%s |\n", (rn - rp) * 100.0,
                          bs_rm_label(m, BS_L_PP));
        else
            bs_buf_puts(b, " - |\n");
    }
}

static void bs_md_notes(struct bs_report_model *m, struct bs_buf *b)
{
    const struct bs_window_stats *w = &m->outside;
    bs_md_h2(m, b, BS_L_NOTES);
    bs_buf_printf(b, "- %s: ", bs_rm_label(m, BS_L_INPUT));
    bs_buf_grouped(b, m->e->stats.read);
    bs_buf_printf(b, " %s\n- ", bs_rm_label(m, BS_L_LINES));
    bs_md_escs(b, bs_rm_label(m, BS_L_OUTSIDE));
    bs_buf_printf(b, ": %s ", bs_rm_label(m, BS_L_SENT));
    bs_buf_grouped(b, w->sent);
    bs_buf_printf(b, ", %s ", bs_rm_label(m, BS_L_BOUNCED));
    bs_buf_grouped(b, w->bounced);
    bs_buf_printf(b, ", %s ", bs_rm_label(m, BS_L_EXPIRED));
    bs_buf_grouped(b, w->expired);
    bs_buf_printf(b, ", %s ", bs_rm_label(m, BS_L_DEFERRED));
    bs_buf_grouped(b, w->deferred);
    bs_buf_puts(b, "\n");
}

void bs_report_md(struct bs_report_model *m, struct bs_buf *b)
{
    bs_md_head_block(m, b);
    bs_md_totals(m, b);
    if (m->ndays) {
        bs_md_daily_rate(m, b);
        bs_md_daily_volume(m, b);
    }
    bs_md_providers(m, b);
    bs_md_senders(m, b);
    bs_md_categories(m, b);
    bs_md_reasons(m, b);
    bs_md_auth(m, b);
    if (m->o->dns)
        bs_md_dns(m, b);
    bs_md_compare(m, b);
    bs_md_notes(m, b);
}
