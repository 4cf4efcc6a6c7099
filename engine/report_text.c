/*
 * report_text.c - the report for a person at a terminal
 *
 * Totals, then providers by volume, the sender domains with the most
 * failures, and the top reasons with a sample text and the hint. Every
 * rate is printed with its denominator.
 */
#include "rollup.h"

#include <stdio.h>

#define BS_TOP_SENDERS 10
#define BS_TOP_REASONS 10
#define BS_TOP_UNEXPLAINED 5
#define BS_SAMPLE_SHOWN 160

static void bs_text_rate(struct bs_buf *b, const struct bs_agg_counts *n)
{
    uint64_t den;
    double rate = bs_failure_rate(n, &den);
    if (!den) {
        bs_buf_puts(b, "      -");
        return;
    }
    bs_buf_printf(b, "%6.2f%% of ", rate * 100.0);
    bs_buf_grouped(b, den);
}

static void bs_text_u64(struct bs_buf *b, uint64_t v, int width)
{
    bs_buf_printf(b, "%*llu", width, (unsigned long long)v);
}

static void bs_text_header(struct bs_engine *e, struct bs_buf *b)
{
    const struct bs_line_stats *s = &e->stats;
    bs_buf_printf(b, "bouncestat %s\n\nInput: ", bs_version());
    bs_buf_grouped(b, s->read);
    bs_buf_puts(b, " lines, ");
    bs_buf_grouped(b, s->parsed);
    bs_buf_puts(b, " with delivery facts");
    if (e->last_time >= e->first_time) {
        bs_buf_puts(b, ", log time ");
        bs_utc_format(b, e->first_time, false);
        bs_buf_puts(b, " to ");
        bs_utc_format(b, e->last_time, false);
        bs_buf_puts(b, " UTC");
    }
    static const char *const labels[] = {
        "other MTA lines", "other programs", "without a syslog prefix",
        "unparsed", "oversize"
    };
    uint64_t counts[] = { s->skipped, s->foreign, s->no_prefix, s->unparsed,
                          s->oversize };
    bs_buf_puts(b, "\nSkipped: ");
    for (size_t i = 0; i < BS_ARRAY_LEN(counts); i++) {
        bs_buf_puts(b, i ? ", " : "");
        bs_buf_grouped(b, counts[i]);
        bs_buf_printf(b, " %s", labels[i]);
    }
    bs_buf_puts(b, "\n\n");
}

static void bs_text_totals(struct bs_engine *e, struct bs_buf *b)
{
    struct bs_agg_counts t;
    bs_agg_totals(e->agg, &t);
    bs_buf_puts(b, "Deliveries: ");
    bs_buf_grouped(b, t.sent);
    bs_buf_puts(b, " sent, ");
    bs_buf_grouped(b, t.bounced);
    bs_buf_puts(b, " bounced, ");
    bs_buf_grouped(b, t.expired);
    bs_buf_puts(b, " expired, ");
    bs_buf_grouped(b, e->out.pending_end);
    bs_buf_puts(b, " still pending; ");
    bs_buf_grouped(b, t.deferred);
    bs_buf_puts(b, " deferred attempts\nFailure rate: ");
    bs_text_rate(b, &t);
    bs_buf_puts(b, " deliveries\n\n");
}

static void bs_text_providers(struct bs_engine *e, struct bs_buf *b)
{
    enum bs_key_kind k = BS_KEY_PROVIDER;
    struct bs_rollup r;
    bs_rollup_build(&r, e, &k, 1, NULL);
    bs_rollup_sort_by_volume(&r);
    bs_buf_printf(b, "%-12s %10s %9s %9s %9s %9s  %s\n", "PROVIDER", "SENT",
                  "BOUNCED", "EXPIRED", "DEFERRED", "PENDING",
                  "FAILURE RATE");
    for (size_t i = 0; i < r.nrows; i++) {
        const struct bs_rollup_row *row = &r.rows[i];
        struct bs_slice f = bs_rollup_field(&r, row, 0);
        bs_buf_printf(b, "%-12.*s", (int)f.len, f.ptr);
        bs_text_u64(b, row->n.sent, 11);
        bs_text_u64(b, row->n.bounced, 10);
        bs_text_u64(b, row->n.expired, 10);
        bs_text_u64(b, row->n.deferred, 10);
        bs_text_u64(b, e->out.pending_by_provider[row->first.provider], 10);
        bs_buf_puts(b, "  ");
        bs_text_rate(b, &row->n);
        bs_buf_putc(b, '\n');
    }
    if (!r.nrows)
        bs_buf_puts(b, "(no deliveries)\n");
    bs_rollup_fini(&r);
    bs_buf_putc(b, '\n');
}

static void bs_text_senders(struct bs_engine *e, struct bs_buf *b)
{
    enum bs_key_kind k = BS_KEY_SENDER_DOMAIN;
    struct bs_rollup r;
    bs_rollup_build(&r, e, &k, 1, NULL);
    bs_rollup_sort_by_failures(&r);
    bs_buf_printf(b, "Sender domains with the most failures\n%-32s %9s "
                  "%9s %9s  %s\n", "SENDER DOMAIN", "BOUNCED", "EXPIRED",
                  "DEFERRED", "FAILURE RATE");
    size_t shown = 0;
    for (size_t i = 0; i < r.nrows && shown < BS_TOP_SENDERS; i++) {
        const struct bs_rollup_row *row = &r.rows[i];
        if (!row->n.bounced && !row->n.expired)
            break;
        struct bs_slice f = bs_rollup_field(&r, row, 0);
        bs_buf_printf(b, "%-32.*s", (int)BS_MIN(f.len, 32), f.ptr);
        bs_text_u64(b, row->n.bounced, 10);
        bs_text_u64(b, row->n.expired, 10);
        bs_text_u64(b, row->n.deferred, 10);
        bs_buf_puts(b, "  ");
        bs_text_rate(b, &row->n);
        bs_buf_putc(b, '\n');
        shown++;
    }
    if (!shown)
        bs_buf_puts(b, "(no failures)\n");
    bs_rollup_fini(&r);
    bs_buf_putc(b, '\n');
}

static bool bs_is_failure_cell(const struct bs_agg_cell *c)
{
    return c->key.category != BS_CAT_NONE;
}

static void bs_text_reason(struct bs_engine *e, struct bs_buf *b,
                           const struct bs_rollup *r,
                           const struct bs_rollup_row *row)
{
    struct bs_slice cat = bs_rollup_field(r, row, 0);
    struct bs_slice det = bs_rollup_field(r, row, 1);
    char name[96];
    snprintf(name, sizeof name, "%.*s%s%.*s", (int)BS_MIN(cat.len, 40),
             cat.ptr, det.len ? "/" : "", (int)BS_MIN(det.len, 40), det.ptr);
    bs_buf_printf(b, "%-28s", name);
    bs_text_u64(b, row->n.bounced, 10);
    bs_text_u64(b, row->n.expired, 10);
    bs_text_u64(b, row->n.deferred, 10);
    bs_buf_putc(b, '\n');
    const struct bs_sample *s = bs_samples_find(e->samples,
                                                row->first.category,
                                                row->first.detail);
    if (!s)
        return;
    struct bs_slice t = bs_samples_text(e->samples, s->text);
    bs_buf_printf(b, "    e.g. %.*s%s\n", (int)BS_MIN(t.len, BS_SAMPLE_SHOWN),
                  t.ptr, t.len > BS_SAMPLE_SHOWN ? " ..." : "");
    struct bs_buf hint;
    bs_buf_init(&hint);
    bs_engine_sample_hint(e, s, false, &hint);
    if (hint.len)
        bs_buf_printf(b, "    fix: %s\n", hint.data);
    bs_buf_fini(&hint);
}

/* Texts no rule explains, by normalised form: what the rules miss. */
static void bs_text_unexplained(struct bs_engine *e, struct bs_buf *b)
{
    size_t n;
    const struct bs_unexplained *u = bs_samples_unexplained(e->samples, &n);
    if (!n)
        return;
    bs_buf_printf(b, "\nTexts no rule explains (%zu forms; the most "
                  "frequent)\n", n);
    for (size_t i = 0; i < n && i < BS_TOP_UNEXPLAINED; i++) {
        struct bs_slice t = bs_samples_text(e->samples, u[i].sample);
        bs_buf_printf(b, "%9llu  %-9s %.*s%s\n",
                      (unsigned long long)u[i].count,
                      bs_category_name(u[i].category),
                      (int)BS_MIN(t.len, BS_SAMPLE_SHOWN), t.ptr,
                      t.len > BS_SAMPLE_SHOWN ? " ..." : "");
    }
}

static void bs_text_reasons(struct bs_engine *e, struct bs_buf *b)
{
    enum bs_key_kind k[2] = { BS_KEY_CATEGORY, BS_KEY_DETAIL };
    struct bs_rollup r;
    bs_rollup_build(&r, e, k, 2, bs_is_failure_cell);
    bs_rollup_sort_by_failures(&r);
    bs_buf_printf(b, "Top reasons\n%-28s %9s %9s %9s\n", "CATEGORY/DETAIL",
                  "BOUNCED", "EXPIRED", "DEFERRED");
    for (size_t i = 0; i < r.nrows && i < BS_TOP_REASONS; i++)
        bs_text_reason(e, b, &r, &r.rows[i]);
    if (!r.nrows)
        bs_buf_puts(b, "(no failures)\n");
    bs_rollup_fini(&r);
}

static void bs_text_notes(struct bs_engine *e, struct bs_buf *b)
{
    const struct bs_outcome_stats *o = &e->out;
    bs_buf_printf(b, "\nNotes: %llu deliveries with no known sender "
                  "(their message began before the log)",
                  (unsigned long long)o->deliveries_unknown_sender);
    if (o->expired_no_rcpt)
        bs_buf_printf(b, "; %llu expired messages whose deferred recipients "
                      "were not in the log", (unsigned long long)
                      o->expired_no_rcpt);
    if (o->pending_evicted)
        bs_buf_printf(b, "; %llu pending recipients dropped by the "
                      "correlation limits", (unsigned long long)
                      o->pending_evicted);
    if (o->handoffs)
        bs_buf_printf(b, "; %llu hand-offs to a local content filter (the "
                      "re-queued message is counted)", (unsigned long long)
                      o->handoffs);
    if (o->probes)
        bs_buf_printf(b, "; %llu address verification probes (not "
                      "counted as deliveries)", (unsigned long long)
                      o->probes);
    bs_buf_puts(b, ".\n");
}

void bs_report_text(struct bs_engine *e, struct bs_buf *b)
{
    bs_text_header(e, b);
    bs_text_totals(e, b);
    bs_text_providers(e, b);
    bs_text_senders(e, b);
    bs_text_reasons(e, b);
    bs_text_unexplained(e, b);
    bs_text_notes(e, b);
}
