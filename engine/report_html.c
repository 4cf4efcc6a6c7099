/*
 * report_html.c - the deliverability report as one self-contained HTML
 * file
 *
 * Inline CSS and inline SVG (report_svg.c) only: no script, no font, no
 * image is fetched from anywhere, so the file can be mailed to a customer
 * and opened offline. System fonts are named, with Japanese ones for
 * --lang ja. The print style sheet sets A4 pages, keeps charts, table
 * rows and headings from breaking across pages, and prints the colours.
 * Every rate is written with its denominator. The DNS checks of report
 * --dns (and their few style rules) appear only when they are given, so
 * a report without them is the same, byte for byte.
 */
#include "report_svg.h"

static const char bs_css[] =
    ":root{--ink:#1a1a1a;--muted:#555;--rule:#d4d4d4}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:#fff;color:var(--ink);font:14px/1.45 "
    "\"Noto Sans\",\"Noto Sans CJK JP\",\"Hiragino Sans\",\"Yu Gothic\","
    "Meiryo,\"Segoe UI\",\"Helvetica Neue\",Arial,sans-serif}"
    "main{max-width:1100px;margin:0 auto;padding:24px 32px}"
    "h1{font-size:24px;margin:0 0 6px}"
    "h2{font-size:18px;margin:26px 0 8px;padding-bottom:3px;"
    "border-bottom:2px solid var(--ink)}"
    "h3{font-size:15px;margin:14px 0 4px}"
    ".meta{color:var(--muted);margin:2px 0}"
    ".kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:10px}"
    ".kpi{border:1px solid var(--rule);border-radius:6px;padding:8px 12px}"
    ".kpi .v{font-size:21px;font-weight:700;"
    "font-variant-numeric:tabular-nums}"
    ".kpi .l,.kpi .d{color:var(--muted);font-size:12px}"
    "table{border-collapse:collapse;width:100%;margin:6px 0 10px;"
    "font-size:13px}"
    "th,td{text-align:left;padding:4px 8px;border-bottom:1px solid "
    "var(--rule);vertical-align:top}"
    "th{background:#f2f2f2;font-weight:600}"
    ".n{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}.k{white-space:nowrap}"
    ".note{color:var(--muted);font-size:12px;margin:4px 0}"
    "figure{margin:6px 0 12px}"
    "svg.chart{width:100%;height:auto;display:block}"
    "svg text{fill:#1a1a1a}"
    ".sample{font-family:\"Noto Sans Mono\",\"DejaVu Sans Mono\",Menlo,"
    "Consolas,monospace;font-size:11.5px;color:#333;word-break:break-all}"
    ".fix{margin-top:3px}"
    ".up{color:#D55E00}.down{color:#0072B2}"
    ".two{display:grid;grid-template-columns:1fr 1fr;gap:18px}"
    "@page{size:A4;margin:12mm}"
    "@media print{body{font-size:9.5pt;-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}main{max-width:none;padding:0}"
    "h2,h3{break-after:avoid}figure,tr,.kpi{break-inside:avoid}"
    "table{font-size:8.5pt}.two{grid-template-columns:1fr}}"
    "@media screen and (max-width:800px){.kpis{grid-template-columns:"
    "repeat(2,1fr)}"
    ".two{grid-template-columns:1fr}}";

/* Only in reports with the DNS checks, so that the others stay as they
 * were byte for byte. */
static const char bs_css_dns[] =
    ".dns td{overflow-wrap:anywhere}.lv{font-weight:600}"
    ".lv-ok{color:#007a5a}.lv-warn{color:#9a6700}"
    ".lv-fail,.lv-error{color:#D55E00}";

static void bs_h_label(struct bs_report_model *m, struct bs_buf *b,
                       enum bs_label id)
{
    bs_html_escs(b, bs_rm_label(m, id));
}

static void bs_h_tag(struct bs_report_model *m, struct bs_buf *b,
                     const char *tag, enum bs_label id)
{
    bs_buf_printf(b, "<%s>", tag);
    bs_h_label(m, b, id);
    bs_buf_printf(b, "</%s>", tag);
}

static void bs_h_num(struct bs_buf *b, uint64_t v)
{
    bs_buf_puts(b, "<td class=\"n\">");
    bs_buf_grouped(b, v);
    bs_buf_puts(b, "</td>");
}

static void bs_h_rate(struct bs_report_model *m, struct bs_buf *b,
                      const struct bs_agg_counts *n)
{
    struct bs_buf r;
    bs_buf_init(&r);
    bs_rm_rate(m, &r, n);
    bs_buf_puts(b, "<td class=\"n\">");
    bs_html_esc(b, r.data, r.len);
    bs_buf_puts(b, "</td>");
    bs_buf_fini(&r);
}

static void bs_h_th(struct bs_report_model *m, struct bs_buf *b,
                    enum bs_label id, bool num)
{
    bs_buf_puts(b, num ? "<th class=\"n\">" : "<th>");
    bs_h_label(m, b, id);
    bs_buf_puts(b, "</th>");
}

static void bs_h_head(struct bs_report_model *m, struct bs_buf *b)
{
    struct bs_buf t;
    bs_buf_init(&t);
    bs_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
                  "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                  "content=\"width=device-width, initial-scale=1\">\n"
                  "<title>", bs_lang_code(m->lang));
    bs_h_label(m, b, BS_L_TITLE);
    if (m->o->period) {
        bs_buf_puts(b, " ");
        bs_html_escs(b, m->o->period);
    }
    bs_buf_printf(b, "</title>\n<style>%s%s</style>\n</head>\n<body>\n"
                  "<main>\n<header><h1>", bs_css, m->o->dns ? bs_css_dns : "");
    bs_h_label(m, b, BS_L_TITLE);
    if (m->o->period) {
        bs_buf_puts(b, " ");
        bs_html_escs(b, m->o->period);
    }
    bs_buf_puts(b, "</h1><p class=\"meta\">");
    bs_h_label(m, b, BS_L_PERIOD);
    bs_buf_puts(b, ": ");
    bs_rm_period(m, &t);
    bs_html_esc(b, t.data, t.len);
    bs_buf_puts(b, " &middot; ");
    bs_h_label(m, b, BS_L_TIME_ZONE);
    bs_buf_puts(b, ": ");
    bs_buf_reset(&t);
    bs_rm_zone(m, &t);
    bs_html_esc(b, t.data, t.len);
    bs_buf_puts(b, "</p><p class=\"meta\">");
    bs_h_label(m, b, BS_L_GENERATED);
    bs_buf_printf(b, " %s</p></header>\n", bs_version());
    bs_buf_fini(&t);
}

static void bs_h_kpi(struct bs_buf *b, const char *label, const char *value,
                     const char *detail)
{
    bs_buf_puts(b, "<div class=\"kpi\"><div class=\"l\">");
    bs_html_escs(b, label);
    bs_buf_puts(b, "</div><div class=\"v\">");
    bs_html_escs(b, value);
    bs_buf_puts(b, "</div><div class=\"d\">");
    bs_html_escs(b, detail);
    bs_buf_puts(b, "</div></div>");
}

static void bs_h_kpi_n(struct bs_report_model *m, struct bs_buf *b,
                       enum bs_label id, uint64_t v)
{
    struct bs_buf t;
    bs_buf_init(&t);
    bs_buf_grouped(&t, v);
    bs_h_kpi(b, bs_rm_label(m, id), t.data, "");
    bs_buf_fini(&t);
}

static void bs_h_totals(struct bs_report_model *m, struct bs_buf *b)
{
    const struct bs_agg_counts *t = &m->total;
    struct bs_buf v, d;
    bs_buf_init(&v);
    bs_buf_init(&d);
    bs_buf_puts(b, "<section id=\"totals\">");
    bs_h_tag(m, b, "h2", BS_L_TOTALS);
    bs_buf_puts(b, "<div class=\"kpis\">");
    bs_rm_pct(&v, t);
    bs_buf_puts(&d, bs_rm_label(m, BS_L_KPI_OF_PRE));
    bs_buf_grouped(&d, t->sent + t->bounced + t->expired);
    bs_buf_puts(&d, bs_rm_label(m, BS_L_KPI_OF_POST));
    bs_h_kpi(b, bs_rm_label(m, BS_L_FAILURE_RATE), v.data, d.data);
    bs_h_kpi_n(m, b, BS_L_DELIVERIES, t->sent + t->bounced + t->expired);
    bs_h_kpi_n(m, b, BS_L_SENT, t->sent);
    bs_h_kpi_n(m, b, BS_L_BOUNCED, t->bounced);
    bs_h_kpi_n(m, b, BS_L_EXPIRED, t->expired);
    bs_h_kpi_n(m, b, BS_L_DEFERRED, t->deferred);
    bs_h_kpi_n(m, b, BS_L_PENDING, m->e->out.pending_end);
    bs_h_kpi_n(m, b, BS_L_UNKNOWN_SENDER,
               m->e->out.deliveries_unknown_sender);
    bs_buf_puts(b, "</div><p class=\"note\">");
    bs_h_label(m, b, BS_L_RATE_NOTE);
    bs_buf_puts(b, "</p></section>\n");
    bs_buf_fini(&v);
    bs_buf_fini(&d);
}

static void bs_h_charts(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, "<section id=\"daily-rate\">");
    bs_h_tag(m, b, "h2", BS_L_DAILY_RATE);
    bs_buf_puts(b, "<figure>");
    bs_svg_rate_chart(m, b);
    bs_buf_puts(b, "<figcaption class=\"note\">");
    bs_h_label(m, b, BS_L_DAILY_RATE_NOTE);
    for (size_t p = m->nseries; p < m->nprov; p++) {
        if (p == m->nseries)
            bs_buf_printf(b, " %s", bs_rm_label(m, BS_L_NOT_DRAWN));
        bs_buf_puts(b, p > m->nseries ? ", " : " ");
        bs_html_escs(b, m->prov[p].name);
    }
    bs_buf_puts(b, "</figcaption></figure></section>\n"
                "<section id=\"daily-volume\">");
    bs_h_tag(m, b, "h2", BS_L_DAILY_VOLUME);
    bs_buf_puts(b, "<figure>");
    bs_svg_volume_chart(m, b);
    bs_buf_puts(b, "<figcaption class=\"note\">");
    bs_h_label(m, b, BS_L_DAILY_VOLUME_NOTE);
    bs_buf_puts(b, "</figcaption></figure></section>\n");
}

static void bs_h_providers(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, "<section id=\"providers\">");
    bs_h_tag(m, b, "h2", BS_L_PROVIDERS);
    bs_buf_puts(b, "<table><thead><tr>");
    bs_h_th(m, b, BS_L_PROVIDER, false);
    static const enum bs_label cols[] = {
        BS_L_DELIVERIES, BS_L_SENT, BS_L_BOUNCED, BS_L_EXPIRED,
        BS_L_DEFERRED_SHORT, BS_L_PENDING, BS_L_FAILURE_RATE,
    };
    for (size_t i = 0; i < BS_ARRAY_LEN(cols); i++)
        bs_h_th(m, b, cols[i], true);
    bs_buf_puts(b, "</tr></thead><tbody>");
    for (size_t p = 0; p < m->nprov; p++) {
        const struct bs_agg_counts *n = &m->prov[p].n;
        bs_buf_puts(b, "<tr><td>");
        bs_html_escs(b, m->prov[p].name);
        bs_buf_puts(b, "</td>");
        bs_h_num(b, n->sent + n->bounced + n->expired);
        bs_h_num(b, n->sent);
        bs_h_num(b, n->bounced);
        bs_h_num(b, n->expired);
        bs_h_num(b, n->deferred);
        bs_h_num(b, m->prov[p].pending);
        bs_h_rate(m, b, n);
        bs_buf_puts(b, "</tr>");
    }
    bs_buf_puts(b, "</tbody></table></section>\n");
}

static void bs_h_sender_row(struct bs_report_model *m, struct bs_buf *b,
                            const struct bs_rollup_row *row)
{
    struct bs_slice name = bs_rollup_field(&m->senders, row, 0);
    const struct bs_agg_counts *n = &row->n;
    bs_buf_puts(b, "<tr><td class=\"k\">");
    bs_html_esc(b, name.ptr, name.len);
    bs_buf_puts(b, "</td>");
    bs_h_num(b, n->bounced);
    bs_h_num(b, n->expired);
    bs_h_num(b, n->deferred);
    bs_h_rate(m, b, n);
    bs_buf_puts(b, "</tr>");
}

static void bs_h_sender_head(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, "<table><thead><tr>");
    bs_h_th(m, b, BS_L_SENDER_DOMAIN, false);
    bs_h_th(m, b, BS_L_BOUNCED, true);
    bs_h_th(m, b, BS_L_EXPIRED, true);
    bs_h_th(m, b, BS_L_DEFERRED_SHORT, true);
    bs_h_th(m, b, BS_L_FAILURE_RATE, true);
    bs_buf_puts(b, "</tr></thead><tbody>");
}

static void bs_h_senders(struct bs_report_model *m, struct bs_buf *b)
{
    size_t shown = 0;
    bs_buf_puts(b, "<section id=\"senders\"><div class=\"two\"><div>");
    bs_h_tag(m, b, "h2", BS_L_SENDERS_FAILURES);
    bs_h_sender_head(m, b);
    for (size_t i = 0; i < m->senders.nrows && shown < m->o->top; i++) {
        if (!bs_rm_failures(&m->senders.rows[i].n))
            break;
        bs_h_sender_row(m, b, &m->senders.rows[i]);
        shown++;
    }
    bs_buf_puts(b, "</tbody></table>");
    if (!shown)
        bs_h_tag(m, b, "p", BS_L_NO_FAILURES);
    bs_buf_puts(b, "</div><div>");
    bs_h_tag(m, b, "h2", BS_L_SENDERS_RATE);
    bs_h_sender_head(m, b);
    for (size_t i = 0; i < m->nby_rate && i < m->o->top; i++)
        bs_h_sender_row(m, b, &m->senders.rows[m->by_rate[i]]);
    bs_buf_puts(b, "</tbody></table><p class=\"note\">");
    bs_h_label(m, b, BS_L_MIN_VOLUME_PRE);
    bs_buf_grouped(b, m->o->min_volume);
    bs_h_label(m, b, BS_L_MIN_VOLUME_POST);
    bs_buf_puts(b, "</p></div></div></section>\n");
}

static void bs_h_categories(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, "<section id=\"categories\">");
    bs_h_tag(m, b, "h2", BS_L_CATEGORIES);
    if (!m->ncats) {
        bs_h_tag(m, b, "p", BS_L_NO_FAILURES);
        bs_buf_puts(b, "</section>\n");
        return;
    }
    bs_buf_puts(b, "<figure>");
    bs_svg_category_chart(m, b);
    bs_buf_puts(b, "<figcaption class=\"note\">");
    bs_h_label(m, b, BS_L_CATEGORIES_NOTE);
    bs_buf_puts(b, "</figcaption></figure><table><thead><tr>");
    bs_h_th(m, b, BS_L_PROVIDER, false);
    for (size_t c = 0; c < m->ncats; c++) {
        bs_buf_puts(b, "<th class=\"n\">");
        bs_html_escs(b, bs_rm_cat_name(m, m->cats[c]));
        bs_buf_puts(b, "</th>");
    }
    bs_buf_puts(b, "</tr></thead><tbody>");
    for (size_t p = 0; p < m->nprov; p++) {
        if (!bs_rm_failures(&m->prov[p].n))
            continue;
        bs_buf_puts(b, "<tr><td>");
        bs_html_escs(b, m->prov[p].name);
        bs_buf_puts(b, "</td>");
        for (size_t c = 0; c < m->ncats; c++)
            bs_h_num(b, bs_rm_cat_prov(m, p, m->cats[c]));
        bs_buf_puts(b, "</tr>");
    }
    bs_buf_puts(b, "</tbody></table></section>\n");
}

/* The sample text and the hint of a reason or an auth row. */
static void bs_h_sample(struct bs_report_model *m, struct bs_buf *b,
                        const struct bs_sample *s, uint32_t sender)
{
    if (!s) {
        bs_buf_puts(b, "<td></td>");
        return;
    }
    struct bs_slice t = bs_samples_text(m->e->samples, s->text);
    struct bs_buf h;
    bs_buf_init(&h);
    bs_rm_hint(m, s, sender, &h);
    bs_buf_puts(b, "<td>");
    if (!sender) {
        bs_buf_puts(b, "<div class=\"sample\">");
        bs_html_esc(b, t.ptr, BS_MIN(t.len, (size_t)300));
        bs_buf_puts(b, t.len > 300 ? " &hellip;</div>" : "</div>");
    }
    if (h.len) {
        bs_buf_puts(b, "<div class=\"fix\">");
        if (!sender) {
            bs_buf_puts(b, "<strong>");
            bs_h_label(m, b, BS_L_FIX);
            bs_buf_puts(b, ":</strong> ");
        }
        bs_html_esc(b, h.data, h.len);
        bs_buf_puts(b, "</div>");
    }
    bs_buf_puts(b, "</td>");
    bs_buf_fini(&h);
}

static void bs_h_reasons(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, "<section id=\"reasons\">");
    bs_h_tag(m, b, "h2", BS_L_REASONS);
    bs_buf_puts(b, "<table><thead><tr>");
    bs_h_th(m, b, BS_L_REASON, false);
    bs_h_th(m, b, BS_L_BOUNCED, true);
    bs_h_th(m, b, BS_L_EXPIRED, true);
    bs_h_th(m, b, BS_L_DEFERRED_SHORT, true);
    bs_buf_puts(b, "<th>");
    bs_h_label(m, b, BS_L_EXAMPLE);
    bs_buf_puts(b, " / ");
    bs_h_label(m, b, BS_L_FIX);
    bs_buf_puts(b, "</th></tr></thead><tbody>");
    for (size_t i = 0; i < m->reasons.nrows && i < m->o->top; i++) {
        const struct bs_rollup_row *row = &m->reasons.rows[i];
        struct bs_slice c = bs_rollup_field(&m->reasons, row, 0);
        struct bs_slice d = bs_rollup_field(&m->reasons, row, 1);
        bs_buf_puts(b, "<tr><td>");
        bs_html_esc(b, c.ptr, c.len);
        if (d.len) {
            bs_buf_puts(b, " / ");
            bs_html_esc(b, d.ptr, d.len);
        }
        bs_buf_puts(b, "</td>");
        bs_h_num(b, row->n.bounced);
        bs_h_num(b, row->n.expired);
        bs_h_num(b, row->n.deferred);
        bs_h_sample(m, b, bs_rm_reason_sample(m, i), 0);
        bs_buf_puts(b, "</tr>");
    }
    bs_buf_puts(b, "</tbody></table>");
    if (!m->reasons.nrows)
        bs_h_tag(m, b, "p", BS_L_NO_FAILURES);
    bs_buf_puts(b, "</section>\n");
}

static void bs_h_auth(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, "<section id=\"auth\">");
    bs_h_tag(m, b, "h2", BS_L_AUTH);
    bs_h_tag(m, b, "p", BS_L_AUTH_NOTE);
    if (!m->auth.nrows) {
        bs_h_tag(m, b, "p", BS_L_NO_AUTH);
        bs_buf_puts(b, "</section>\n");
        return;
    }
    bs_buf_puts(b, "<table><thead><tr>");
    bs_h_th(m, b, BS_L_SENDER_DOMAIN, false);
    bs_h_th(m, b, BS_L_CHECK, false);
    bs_h_th(m, b, BS_L_PROVIDER, false);
    bs_h_th(m, b, BS_L_FAILURES, true);
    bs_h_th(m, b, BS_L_DEFERRED_SHORT, true);
    bs_h_th(m, b, BS_L_FIX, false);
    bs_buf_puts(b, "</tr></thead><tbody>");
    for (size_t i = 0; i < m->auth.nrows && i < 2 * (size_t)m->o->top; i++) {
        const struct bs_rollup_row *row = &m->auth.rows[i];
        struct bs_slice s = bs_rollup_field(&m->auth, row, 0);
        struct bs_slice d = bs_rollup_field(&m->auth, row, 1);
        struct bs_slice p = bs_rollup_field(&m->auth, row, 2);
        bs_buf_puts(b, "<tr><td class=\"k\">");
        bs_html_esc(b, s.ptr, s.len);
        bs_buf_puts(b, "</td><td class=\"k\">");
        bs_html_esc(b, d.ptr, d.len);
        bs_buf_puts(b, "</td><td>");
        bs_html_esc(b, p.ptr, p.len);
        bs_buf_puts(b, "</td>");
        bs_h_num(b, row->n.bounced + row->n.expired);
        bs_h_num(b, row->n.deferred);
        bs_h_sample(m, b, bs_rm_auth_sample(m, i), row->first.sender);
        bs_buf_puts(b, "</tr>");
    }
    bs_buf_puts(b, "</tbody></table></section>\n");
}

static void bs_h_dns_domain(struct bs_report_model *m, struct bs_buf *b,
                            const struct bs_report_dns_domain *d)
{
    bs_buf_puts(b, "<h3>");
    bs_html_escs(b, d->domain);
    bs_buf_printf(b, ": <span class=\"lv lv-%s\">", d->problems ? "fail"
                                                               : "ok");
    bs_h_label(m, b, d->problems ? BS_L_DNS_PROBLEMS : BS_L_DNS_NO_PROBLEM);
    bs_buf_puts(b, "</span></h3>");
    if (d->nips) {
        bs_buf_puts(b, "<p class=\"meta\">");
        bs_h_label(m, b, BS_L_DNS_IPS);
        for (size_t i = 0; i < d->nips; i++) {
            bs_buf_puts(b, i ? ", " : ": ");
            bs_html_escs(b, d->ips[i]);
        }
        bs_buf_puts(b, "</p>");
    }
    bs_buf_puts(b, "<table><thead><tr>");
    bs_h_th(m, b, BS_L_DNS_RESULT, false);
    bs_h_th(m, b, BS_L_CHECK, false);
    bs_h_th(m, b, BS_L_DNS_FINDING, false);
    bs_h_th(m, b, BS_L_FIX, false);
    bs_buf_puts(b, "</tr></thead><tbody>");
    for (size_t i = 0; i < d->nfindings; i++) {
        const struct bs_report_dns_finding *f = &d->findings[i];
        bs_buf_printf(b, "<tr><td class=\"k lv lv-%s\">",
                      bs_rm_dns_level_id(f->level));
        bs_html_escs(b, bs_rm_dns_level(m, f->level));
        bs_buf_puts(b, "</td><td class=\"k\">");
        bs_html_escs(b, f->check ? f->check : "");
        bs_buf_puts(b, "</td><td>");
        bs_html_escs(b, f->text ? f->text : "");
        bs_buf_puts(b, "</td><td>");
        bs_html_escs(b, f->fix ? f->fix : "");
        bs_buf_puts(b, "</td></tr>");
    }
    bs_buf_puts(b, "</tbody></table>");
}

/* The DNS checks of report --dns, as the tool gave them. */
static void bs_h_dns(struct bs_report_model *m, struct bs_buf *b)
{
    const struct bs_report_dns *dns = m->o->dns;
    bs_buf_puts(b, "<section id=\"dns\" class=\"dns\">");
    bs_h_tag(m, b, "h2", BS_L_DNS);
    bs_h_tag(m, b, "p", BS_L_DNS_NOTE);
    if (!dns->ndomains)
        bs_h_tag(m, b, "p", BS_L_DNS_NONE);
    for (size_t i = 0; i < dns->ndomains; i++)
        bs_h_dns_domain(m, b, &dns->domains[i]);
    bs_buf_puts(b, "<p class=\"note\">");
    bs_h_label(m, b, BS_L_DNS_QUERIES);
    bs_buf_printf(b, ": %u, ", dns->queries);
    bs_h_label(m, b, BS_L_DNS_FAILED);
    bs_buf_printf(b, ": %u", dns->failed);
    if (dns->limited) {
        bs_buf_puts(b, ", ");
        bs_h_label(m, b, BS_L_DNS_LIMITED);
        bs_buf_printf(b, ": %u", dns->limited);
    }
    if (dns->not_checked) {
        bs_buf_puts(b, "<br>");
        bs_h_label(m, b, BS_L_DNS_NOT_CHECKED);
        bs_buf_printf(b, ": %zu", dns->not_checked);
    }
    bs_buf_puts(b, "</p>");
    if (dns->failed || dns->limited) {
        bs_buf_puts(b, "<p class=\"lv lv-error\">");
        bs_h_label(m, b, BS_L_DNS_INCOMPLETE);
        bs_buf_puts(b, "</p>");
    }
    bs_buf_puts(b, "</section>\n");
}

/* "+1.23 pp" (rates) in the colour of better or worse. */
static void bs_h_change(struct bs_report_model *m, struct bs_buf *b,
                        const struct bs_agg_counts *now,
                        const struct bs_agg_counts *prev)
{
    uint64_t dn, dp;
    double rn = bs_failure_rate(now, &dn), rp = bs_failure_rate(prev, &dp);
    if (!dn || !dp) {
        bs_buf_puts(b, "<td class=\"n\">-</td>");
        return;
    }
    double pp = (rn - rp) * 100.0;
    bs_buf_printf(b, "<td class=\"n %s\">%+.2f", pp > 0.005 ? "up"
                  : pp < -0.005 ? "down" : "", pp);
    bs_h_label(m, b, BS_L_PP);
    bs_buf_puts(b, "</td>");
}

static void bs_h_compare(struct bs_report_model *m, struct bs_buf *b)
{
    bs_buf_puts(b, "<section id=\"compare\">");
    bs_h_tag(m, b, "h2", BS_L_COMPARE);
    if (!m->have_prev) {
        bs_h_tag(m, b, "p", BS_L_NO_COMPARE);
        bs_buf_puts(b, "</section>\n");
        return;
    }
    bs_buf_puts(b, "<table><thead><tr>");
    bs_h_th(m, b, BS_L_PROVIDER, false);
    bs_buf_puts(b, "<th class=\"n\">");
    bs_h_label(m, b, BS_L_FAILURE_RATE);
    bs_buf_puts(b, ": ");
    bs_h_label(m, b, BS_L_THIS_PERIOD);
    bs_buf_puts(b, "</th><th class=\"n\">");
    bs_h_label(m, b, BS_L_FAILURE_RATE);
    bs_buf_puts(b, ": ");
    bs_h_label(m, b, BS_L_PREVIOUS);
    bs_buf_puts(b, "</th>");
    bs_h_th(m, b, BS_L_CHANGE, true);
    bs_buf_puts(b, "</tr></thead><tbody>");
    for (size_t i = 0; i < m->ncmp; i++) {
        bs_buf_puts(b, i ? "<tr><td>" : "<tr><td><strong>");
        if (i)
            bs_html_escs(b, m->cmp[i].name);
        else
            bs_h_label(m, b, BS_L_ALL);
        bs_buf_puts(b, i ? "</td>" : "</strong></td>");
        bs_h_rate(m, b, &m->cmp[i].now);
        bs_h_rate(m, b, &m->cmp[i].prev);
        bs_h_change(m, b, &m->cmp[i].now, &m->cmp[i].prev);
        bs_buf_puts(b, "</tr>");
    }
    bs_buf_puts(b, "</tbody></table><table><thead><tr>");
    bs_h_th(m, b, BS_L_CATEGORY, false);
    bs_h_th(m, b, BS_L_THIS_PERIOD, true);
    bs_h_th(m, b, BS_L_PREVIOUS, true);
    bs_buf_puts(b, "</tr></thead><tbody>");
    for (unsigned c = 1; c < BS_CAT_COUNT; c++) {
        if (!m->cat_total[c] && !m->cat_prev[c])
            continue;
        bs_buf_puts(b, "<tr><td>");
        bs_html_escs(b, bs_category_name(c));
        bs_buf_puts(b, "</td>");
        bs_h_num(b, m->cat_total[c]);
        bs_h_num(b, m->cat_prev[c]);
        bs_buf_puts(b, "</tr>");
    }
    bs_buf_puts(b, "</tbody></table></section>\n");
}

static void bs_h_notes(struct bs_report_model *m, struct bs_buf *b)
{
    const struct bs_window_stats *w = &m->outside;
    struct bs_buf t;
    bs_buf_init(&t);
    bs_buf_puts(b, "<section id=\"notes\">");
    bs_h_tag(m, b, "h2", BS_L_NOTES);
    bs_buf_puts(b, "<ul><li>");
    bs_h_label(m, b, BS_L_INPUT);
    bs_buf_puts(b, ": ");
    bs_buf_grouped(b, m->e->stats.read);
    bs_buf_printf(b, " %s", bs_rm_label(m, BS_L_LINES));
    if (m->first_log <= m->last_log) {
        char x[32], y[32];
        bs_local_format(bs_local_time(m->e, m->first_log), true, x);
        bs_local_format(bs_local_time(m->e, m->last_log), true, y);
        bs_buf_printf(b, "; %s: %s%s%s", bs_rm_label(m, BS_L_LOG_TIME), x,
                      m->lang == BS_LANG_JA ? " 〜 " : " to ", y);
    }
    bs_buf_puts(b, "</li><li>");
    bs_h_label(m, b, BS_L_OUTSIDE);
    bs_buf_printf(b, ": %s ", bs_rm_label(m, BS_L_SENT));
    bs_buf_grouped(b, w->sent);
    bs_buf_printf(b, ", %s ", bs_rm_label(m, BS_L_BOUNCED));
    bs_buf_grouped(b, w->bounced);
    bs_buf_printf(b, ", %s ", bs_rm_label(m, BS_L_EXPIRED));
    bs_buf_grouped(b, w->expired);
    bs_buf_printf(b, ", %s ", bs_rm_label(m, BS_L_DEFERRED));
    bs_buf_grouped(b, w->deferred);
    bs_buf_puts(b, "</li>");
    size_t n;
    bs_samples_unexplained(m->e->samples, &n);
    if (n) {
        bs_buf_puts(b, "<li>");
        bs_h_label(m, b, BS_L_UNEXPLAINED);
        bs_buf_printf(b, ": %zu</li>", n);
    }
    bs_buf_puts(b, "</ul></section>\n");
    bs_buf_fini(&t);
}

void bs_report_html(struct bs_report_model *m, struct bs_buf *b)
{
    bs_h_head(m, b);
    bs_h_totals(m, b);
    if (!m->ndays)
        bs_h_tag(m, b, "p", BS_L_NO_DELIVERIES);
    else
        bs_h_charts(m, b);
    bs_h_providers(m, b);
    bs_h_senders(m, b);
    bs_h_categories(m, b);
    bs_h_reasons(m, b);
    bs_h_auth(m, b);
    if (m->o->dns)
        bs_h_dns(m, b);
    bs_h_compare(m, b);
    bs_h_notes(m, b);
    bs_buf_puts(b, "</main>\n</body>\n</html>\n");
}
