/*
 * report_prom.c - Prometheus text exposition (format 0.0.4) of what the
 * engine has counted, for `bouncestat watch --listen`
 *
 * Every series is a counter that only grows or a gauge, and label
 * cardinality is bounded: providers (at most BS_PROVIDER_MAX) x 4
 * statuses x categories; sender domains are the top_senders domains by
 * volume plus "other". The set of shown domains is sticky: it is filled
 * by volume while it has room and a domain, once shown, stays, so no
 * counter ever moves between series and decreases (a restart resets all
 * counters anyway). Series are written in a fixed order.
 *
 * Counts come from the aggregate, summed over its hours at each scrape
 * (bounded by its cell cap), so nothing is added to the hot path.
 */
#include "classify.h"
#include "watch.h"

#include <stdlib.h>

#define BS_PROM_SENDERS_MAX 1000

static const char *const bs_prom_status[4] = { "sent", "bounced", "expired",
                                               "deferred" };

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if none
 * (buf.c has the same for JSON, private to it). */
static size_t bs_prom_utf8_len(const unsigned char *p, size_t n)
{
    size_t len;
    unsigned cp, min;
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        len = 2, min = 0x80, cp = p[0] & 0x1fu;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        len = 3, min = 0x800, cp = p[0] & 0x0fu;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        len = 4, min = 0x10000, cp = p[0] & 0x07u;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3fu);
    }
    return cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0
                                                                       : len;
}

/* A label value: backslash, quote and newline escaped; bytes that are
 * not UTF-8 (a domain from a hostile log line) become U+FFFD, since one
 * invalid value would make Prometheus reject the whole scrape. */
static void bs_prom_label(struct bs_buf *b, const char *k, const char *v,
                          size_t n, bool first)
{
    const unsigned char *s = (const unsigned char *)v;
    bs_buf_printf(b, "%s%s=\"", first ? "" : ",", k);
    for (size_t i = 0; i < n;) {
        size_t len = bs_prom_utf8_len(s + i, n - i);
        if (len == 0) {
            bs_buf_puts(b, "\xef\xbf\xbd");
            i++;
            continue;
        }
        if (s[i] == '\\' || s[i] == '"')
            bs_buf_putc(b, '\\');
        if (s[i] == '\n')
            bs_buf_puts(b, "\\n");
        else
            bs_buf_append(b, s + i, len);
        i += len;
    }
    bs_buf_putc(b, '"');
}

static void bs_prom_head(struct bs_buf *b, const char *name,
                         const char *type, const char *help)
{
    bs_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void bs_prom_one(struct bs_buf *b, const char *name,
                        const char *type, const char *help, uint64_t v)
{
    bs_prom_head(b, name, type, help);
    bs_buf_printf(b, "%s %llu\n", name, (unsigned long long)v);
}

static uint64_t bs_prom_count(const struct bs_agg_counts *n, int status)
{
    return status == 0 ? n->sent : status == 1 ? n->bounced
                                   : status == 2 ? n->expired : n->deferred;
}

static void bs_prom_deliveries(struct bs_engine *e, struct bs_buf *b)
{
    struct bs_agg_counts(*by)[BS_CAT_COUNT] =
        bs_xcalloc(BS_PROVIDER_MAX, sizeof *by);
    size_t n;
    const struct bs_agg_cell *c = bs_agg_cells(e->agg, &n);
    for (size_t i = 0; i < n; i++) {
        struct bs_agg_counts *t =
            &by[c[i].key.provider % BS_PROVIDER_MAX][c[i].key.category %
                                                     BS_CAT_COUNT];
        t->sent += c[i].n.sent;
        t->bounced += c[i].n.bounced;
        t->expired += c[i].n.expired;
        t->deferred += c[i].n.deferred;
    }
    bs_prom_head(b, "bouncestat_deliveries_total", "counter",
                 "Final outcomes (sent, bounced, expired) and deferred "
                 "attempts by provider and failure category.");
    for (unsigned p = 0; p < bs_provider_count(e->providers); p++)
        for (int s = 0; s < 4; s++)
            for (unsigned k = 0; k < BS_CAT_COUNT; k++) {
                uint64_t v = bs_prom_count(&by[p][k], s);
                if (!v)
                    continue;
                const char *pn = bs_provider_name(e->providers, p);
                const char *cn = k ? bs_category_name(k) : "none";
                bs_buf_puts(b, "bouncestat_deliveries_total{");
                bs_prom_label(b, "provider", pn, strlen(pn), true);
                bs_prom_label(b, "status", bs_prom_status[s],
                              strlen(bs_prom_status[s]), false);
                bs_prom_label(b, "category", cn, strlen(cn), false);
                bs_buf_printf(b, "} %llu\n", (unsigned long long)v);
            }
    free(by);
}

struct bs_prom_sender {
    uint32_t id;
    uint64_t volume;
    struct bs_slice name;
};

static int bs_prom_by_volume(const void *a, const void *b)
{
    const struct bs_prom_sender *x = a, *y = b;
    if (x->volume != y->volume)
        return x->volume > y->volume ? -1 : 1;
    int c = memcmp(x->name.ptr, y->name.ptr, BS_MIN(x->name.len, y->name.len));
    return c ? c : (x->name.len > y->name.len) - (x->name.len < y->name.len);
}

static int bs_prom_by_name(const void *a, const void *b)
{
    const struct bs_prom_sender *x = a, *y = b;
    int c = memcmp(x->name.ptr, y->name.ptr, BS_MIN(x->name.len, y->name.len));
    return c ? c : (x->name.len > y->name.len) - (x->name.len < y->name.len);
}

/* Fills the sticky set of shown domains up to top by volume. */
static void bs_prom_choose(struct bs_engine *e, struct bs_watch *w,
                           const struct bs_agg_counts *by, uint32_t nids,
                           unsigned top, const bool *shown)
{
    if (w->nsenders >= top)
        return;
    struct bs_prom_sender *cand = bs_xcalloc(nids, sizeof *cand);
    size_t n = 0;
    for (uint32_t id = 0; id < nids; id++) {
        const struct bs_agg_counts *c = &by[id];
        uint64_t v = c->sent + c->bounced + c->expired + c->deferred;
        struct bs_slice name = bs_intern_str(e->strings, id);
        if (!v || shown[id] || BS_SLICE_EQ(name, "other"))
            continue;
        cand[n++] = (struct bs_prom_sender){ id, v, name };
    }
    qsort(cand, n, sizeof *cand, bs_prom_by_volume);
    w->senders = bs_xreallocarray(w->senders, top, sizeof *w->senders);
    for (size_t i = 0; i < n && w->nsenders < top; i++)
        w->senders[w->nsenders++] = cand[i].id;
    free(cand);
}

static void bs_prom_sender_line(struct bs_buf *b, const char *name,
                                size_t len, const struct bs_agg_counts *c)
{
    for (int s = 0; s < 4; s++) {
        uint64_t v = bs_prom_count(c, s);
        if (!v)
            continue;
        bs_buf_puts(b, "bouncestat_sender_deliveries_total{");
        bs_prom_label(b, "sender_domain", name, len, true);
        bs_prom_label(b, "status", bs_prom_status[s],
                      strlen(bs_prom_status[s]), false);
        bs_buf_printf(b, "} %llu\n", (unsigned long long)v);
    }
}

static void bs_prom_senders(struct bs_engine *e, struct bs_buf *b,
                            unsigned top)
{
    struct bs_watch *w = bs_watch_get(e);
    uint32_t nids = bs_intern_count(e->strings);
    struct bs_agg_counts *by = bs_xcalloc(nids + 1, sizeof *by);
    bool *shown = bs_xcalloc(nids + 1, sizeof *shown);
    size_t n;
    const struct bs_agg_cell *c = bs_agg_cells(e->agg, &n);
    for (size_t i = 0; i < n; i++) {
        struct bs_agg_counts *t = &by[c[i].key.sender < nids
                                          ? c[i].key.sender : nids];
        t->sent += c[i].n.sent;
        t->bounced += c[i].n.bounced;
        t->expired += c[i].n.expired;
        t->deferred += c[i].n.deferred;
    }
    for (size_t i = 0; i < w->nsenders; i++)
        shown[w->senders[i]] = true;
    bs_prom_choose(e, w, by, nids, top, shown);
    struct bs_prom_sender *list = bs_xcalloc(w->nsenders + 1, sizeof *list);
    struct bs_agg_counts other = { 0, 0, 0, 0 };
    for (size_t i = 0; i < w->nsenders; i++) {
        shown[w->senders[i]] = true;
        list[i] = (struct bs_prom_sender){
            w->senders[i], 0, bs_intern_str(e->strings, w->senders[i])
        };
    }
    for (uint32_t id = 0; id <= nids; id++)
        if (!shown[id]) {
            other.sent += by[id].sent;
            other.bounced += by[id].bounced;
            other.expired += by[id].expired;
            other.deferred += by[id].deferred;
        }
    qsort(list, w->nsenders, sizeof *list, bs_prom_by_name);
    bs_prom_head(b, "bouncestat_sender_deliveries_total", "counter",
                 "Outcomes and deferred attempts by envelope sender domain: "
                 "the top domains by volume, the rest as \"other\".");
    for (size_t i = 0; i < w->nsenders; i++)
        bs_prom_sender_line(b, list[i].name.ptr, list[i].name.len,
                            &by[list[i].id]);
    bs_prom_sender_line(b, "other", 5, &other);
    free(list);
    free(shown);
    free(by);
}

static void bs_prom_lines(struct bs_engine *e, struct bs_buf *b)
{
    const struct bs_line_stats *s = &e->stats;
    bs_prom_one(b, "bouncestat_lines_read_total", "counter",
                "Log lines read.", s->read);
    bs_prom_one(b, "bouncestat_lines_parsed_total", "counter",
                "Lines that gave a mail event.", s->parsed);
    bs_prom_head(b, "bouncestat_lines_skipped_total", "counter",
                 "Lines read but not used, by reason.");
    const struct { const char *why; uint64_t n; } skip[] = {
        { "not_delivery", s->skipped }, { "other_program", s->foreign },
        { "no_syslog_prefix", s->no_prefix }, { "oversize", s->oversize },
    };
    for (size_t i = 0; i < BS_ARRAY_LEN(skip); i++)
        bs_buf_printf(b, "bouncestat_lines_skipped_total{reason=\"%s\"} "
                      "%llu\n", skip[i].why, (unsigned long long)skip[i].n);
    bs_prom_one(b, "bouncestat_parse_errors_total", "counter",
                "Lines that looked like delivery lines but did not parse.",
                s->unparsed);
    bs_prom_one(b, "bouncestat_input_bytes_total", "counter",
                "Input bytes read (compressed bytes for zstd).", s->bytes);
}

static void bs_prom_state(struct bs_engine *e, struct bs_buf *b)
{
    bs_prom_one(b, "bouncestat_correlation_messages", "gauge",
                "Messages in the correlation table.",
                bs_correlator_count(e->correlator));
    bs_prom_one(b, "bouncestat_correlation_evicted_total", "counter",
                "Messages dropped from the correlation table by its caps.",
                bs_correlator_evicted(e->correlator));
    if (e->last_time >= e->first_time)
        bs_prom_one(b, "bouncestat_last_log_timestamp_seconds", "gauge",
                    "Log time of the newest parsed line, Unix seconds.",
                    (uint64_t)(e->last_time > 0 ? e->last_time : 0));
}

static void bs_prom_alerts(struct bs_engine *e, struct bs_buf *b)
{
    struct bs_watch *w = bs_watch_get(e);
    size_t n = w->alerts ? bs_alert_set_count(w->alerts) : 0;
    bs_prom_one(b, "bouncestat_alert_rules", "gauge",
                "Alert rules loaded.", n);
    bs_prom_one(b, "bouncestat_alert_notifications_total", "counter",
                "Alert notifications (firing, repeated, resolved).",
                w->notifications);
    if (!n)
        return;
    bs_prom_head(b, "bouncestat_alerts_firing", "gauge",
                 "Keys of each alert rule now firing.");
    for (size_t i = 0; i < n; i++) {
        const struct bs_alert_rule *r = bs_alert_set_rule(w->alerts, i);
        bs_buf_printf(b, "bouncestat_alerts_firing{rule_index=\"%zu\"", i);
        if (r->name)
            bs_prom_label(b, "name", r->name, strlen(r->name), false);
        bs_buf_printf(b, "} %u\n", bs_alert_rule_firing(r));
    }
    bs_prom_head(b, "bouncestat_alert_groups_refused_total", "counter",
                 "Observations of a new group_by key refused by max_groups.");
    for (size_t i = 0; i < n; i++)
        bs_buf_printf(b, "bouncestat_alert_groups_refused_total{rule_index="
                      "\"%zu\"} %llu\n", i, (unsigned long long)
                      bs_alert_set_rule(w->alerts, i)->groups_refused);
    bs_prom_one(b, "bouncestat_alert_late_observations_total", "counter",
                "Outcomes older than every alert window, not judged.",
                bs_alert_set_late(w->alerts));
}

void bs_engine_render_metrics(struct bs_engine *e, unsigned top_senders,
                              char **out, size_t *outlen)
{
    struct bs_buf b;
    bs_buf_init(&b);
    bs_prom_head(&b, "bouncestat_build_info", "gauge",
                 "The bouncestat version.");
    bs_buf_printf(&b, "bouncestat_build_info{version=\"%s\"} 1\n",
                  bs_version());
    bs_prom_deliveries(e, &b);
    bs_prom_senders(e, &b, BS_MIN(top_senders, BS_PROM_SENDERS_MAX));
    bs_prom_lines(e, &b);
    bs_prom_state(e, &b);
    bs_prom_alerts(e, &b);
    *out = b.data;
    *outlen = b.len;
}
