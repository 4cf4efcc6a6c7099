/*
 * report_live.c - the summary a live view refreshes: totals, providers by
 * volume and the top reasons, fitted to a terminal; or the same as one
 * JSON object per line for a pipe
 *
 * Pending recipients are counted on the spot (bs_engine_finish is for the
 * end of input), so rendering never changes what the engine knows.
 */
#include "rollup.h"

#include <stdio.h>
#include <stdlib.h>

#define BS_LIVE_REASONS 5

struct bs_live_totals {
    struct bs_agg_counts n;
    uint64_t pending;
};

static void bs_live_count_pending(void *ctx, struct bs_message *m)
{
    *(uint64_t *)ctx += m->npending;
}

static void bs_live_totals(struct bs_engine *e, struct bs_live_totals *t)
{
    memset(t, 0, sizeof *t);
    bs_agg_totals(e->agg, &t->n);
    bs_correlator_foreach(e->correlator, bs_live_count_pending, &t->pending);
}

static bool bs_live_is_failure(const struct bs_agg_cell *c)
{
    return c->key.category != BS_CAT_NONE;
}

/* Appends one line cut to width columns (bytes; the summary is ASCII but
 * for domain names, which are cut like the rest). */
static void bs_live_line(struct bs_buf *b, const struct bs_buf *line,
                         int width, int *lines, int height)
{
    if (height && *lines >= height)
        return;
    size_t n = line->len;
    if (width > 0 && n > (size_t)width)
        n = (size_t)width;
    bs_buf_append(b, line->data, n);
    bs_buf_putc(b, '\n');
    (*lines)++;
}

static void bs_live_rate(struct bs_buf *b, const struct bs_agg_counts *n)
{
    uint64_t den;
    double rate = bs_failure_rate(n, &den);
    if (den)
        bs_buf_printf(b, "%.2f%% of %llu", rate * 100.0,
                      (unsigned long long)den);
    else
        bs_buf_puts(b, "-");
}

static void bs_live_text(struct bs_engine *e, struct bs_buf *b, int width,
                         int height)
{
    struct bs_live_totals t;
    bs_live_totals(e, &t);
    struct bs_buf l;
    bs_buf_init(&l);
    int lines = 0;
    bs_buf_printf(&l, "bouncestat: %llu lines",
                  (unsigned long long)e->stats.read);
    if (e->last_time >= e->first_time) {
        bs_buf_puts(&l, ", log time up to ");
        bs_utc_format(&l, e->last_time, true);
    }
    bs_live_line(b, &l, width, &lines, height);
    bs_buf_reset(&l);
    bs_buf_printf(&l, "sent %llu  bounced %llu  expired %llu  pending %llu  "
                  "deferred %llu  failure ", (unsigned long long)t.n.sent,
                  (unsigned long long)t.n.bounced,
                  (unsigned long long)t.n.expired,
                  (unsigned long long)t.pending,
                  (unsigned long long)t.n.deferred);
    bs_live_rate(&l, &t.n);
    bs_live_line(b, &l, width, &lines, height);
    enum bs_key_kind k = BS_KEY_PROVIDER;
    struct bs_rollup r;
    bs_rollup_build(&r, e, &k, 1, NULL);
    bs_rollup_sort_by_volume(&r);
    bs_buf_reset(&l);
    bs_buf_printf(&l, "%-12s %9s %8s %8s %9s  %s", "PROVIDER", "SENT",
                  "BOUNCED", "EXPIRED", "DEFERRED", "FAILURE");
    bs_live_line(b, &l, width, &lines, height);
    for (size_t i = 0; i < r.nrows; i++) {
        const struct bs_agg_counts *n = &r.rows[i].n;
        struct bs_slice f = bs_rollup_field(&r, &r.rows[i], 0);
        bs_buf_reset(&l);
        bs_buf_printf(&l, "%-12.*s %9llu %8llu %8llu %9llu  ", (int)f.len,
                      f.ptr, (unsigned long long)n->sent,
                      (unsigned long long)n->bounced,
                      (unsigned long long)n->expired,
                      (unsigned long long)n->deferred);
        bs_live_rate(&l, n);
        bs_live_line(b, &l, width, &lines, height);
    }
    bs_rollup_fini(&r);
    enum bs_key_kind rk[2] = { BS_KEY_CATEGORY, BS_KEY_DETAIL };
    bs_rollup_build(&r, e, rk, 2, bs_live_is_failure);
    bs_rollup_sort_by_failures(&r);
    bs_buf_reset(&l);
    bs_buf_puts(&l, "top reasons:");
    for (size_t i = 0; i < r.nrows && i < BS_LIVE_REASONS; i++) {
        struct bs_slice c = bs_rollup_field(&r, &r.rows[i], 0);
        struct bs_slice d = bs_rollup_field(&r, &r.rows[i], 1);
        const struct bs_agg_counts *n = &r.rows[i].n;
        bs_buf_printf(&l, " %.*s%s%.*s %llu%s", (int)c.len, c.ptr,
                      d.len ? "/" : "", (int)d.len, d.ptr,
                      (unsigned long long)(n->bounced + n->expired +
                                           n->deferred),
                      i + 1 < r.nrows && i + 1 < BS_LIVE_REASONS ? "," : "");
    }
    if (!r.nrows)
        bs_buf_puts(&l, " (none)");
    bs_rollup_fini(&r);
    bs_live_line(b, &l, width, &lines, height);
    bs_buf_fini(&l);
}

static void bs_live_json(struct bs_engine *e, struct bs_buf *b)
{
    struct bs_live_totals t;
    bs_live_totals(e, &t);
    bs_buf_printf(b, "{\"lines_read\":%llu,\"log_time\":",
                  (unsigned long long)e->stats.read);
    if (e->last_time >= e->first_time) {
        bs_buf_putc(b, '"');
        bs_utc_format(b, e->last_time, true);
        bs_buf_putc(b, '"');
    } else {
        bs_buf_puts(b, "null");
    }
    bs_buf_puts(b, ",\"totals\":{");
    bs_rollup_json_counts(b, &t.n);
    bs_buf_printf(b, ",\"pending\":%llu},\"providers\":[",
                  (unsigned long long)t.pending);
    enum bs_key_kind k = BS_KEY_PROVIDER;
    struct bs_rollup r;
    bs_rollup_build(&r, e, &k, 1, NULL);
    bs_rollup_sort_by_volume(&r);
    for (size_t i = 0; i < r.nrows; i++) {
        struct bs_slice f = bs_rollup_field(&r, &r.rows[i], 0);
        bs_buf_printf(b, "%s{\"provider\":", i ? "," : "");
        bs_buf_json_str(b, f.ptr, f.len);
        bs_buf_putc(b, ',');
        bs_rollup_json_counts(b, &r.rows[i].n);
        bs_buf_putc(b, '}');
    }
    bs_rollup_fini(&r);
    bs_buf_puts(b, "]}\n");
}

void bs_engine_render_live(struct bs_engine *e, int json, int width,
                           int height, char **out, size_t *outlen)
{
    struct bs_buf b;
    bs_buf_init(&b);
    if (json)
        bs_live_json(e, &b);
    else
        bs_live_text(e, &b, width, height);
    *out = b.data;
    *outlen = b.len;
}
