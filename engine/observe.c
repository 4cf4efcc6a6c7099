/*
 * observe.c - the stream of counted outcomes, for watchers
 *
 * Every outcome and deferral track.c counts passes through here with its
 * exact log time and goes to the alert rules (alert.c), if any; the
 * counting code stays unaware of them. Notifications are rendered here
 * (report_alert.c) and handed to the caller's alert_fn. Metrics need no
 * hook: they are read from the aggregate when scraped (report_prom.c).
 */
#include "watch.h"

#include <stdio.h>
#include <stdlib.h>

struct bs_watch *bs_watch_get(struct bs_engine *e)
{
    if (!e->watch) {
        e->watch = bs_xcalloc(1, sizeof *e->watch);
        bs_buf_init(&e->watch->json);
        bs_buf_init(&e->watch->key);
    }
    return e->watch;
}

void bs_watch_free(struct bs_watch *w)
{
    if (!w)
        return;
    bs_alert_set_free(w->alerts);
    bs_buf_fini(&w->json);
    bs_buf_fini(&w->key);
    free(w->senders);
    free(w);
}

/* ---- names for the alert module ---- */

static int bs_watch_provider_find(void *ctx, struct bs_slice name)
{
    struct bs_engine *e = ctx;
    return bs_provider_find(e->providers, name);
}

static const char *bs_watch_provider_name(void *ctx, unsigned i)
{
    struct bs_engine *e = ctx;
    return bs_provider_name(e->providers, i);
}

static uint32_t bs_watch_intern(void *ctx, struct bs_slice s, bool lower)
{
    struct bs_engine *e = ctx;
    uint32_t id = lower ? bs_intern_lower(e->strings, s.ptr, s.len)
                        : bs_intern(e->strings, s.ptr, s.len);
    return id == BS_INTERN_OVERFLOW ? UINT32_MAX : id;
}

static struct bs_slice bs_watch_string(void *ctx, uint32_t id)
{
    struct bs_engine *e = ctx;
    return bs_intern_str(e->strings, id);
}

/* The rule's hint with the reason's domains and latest text filled in,
 * as bs_engine_sample_hint does for report samples. */
static void bs_watch_hint(void *ctx, const struct bs_alert_reason *r,
                          struct bs_buf *out)
{
    struct bs_engine *e = ctx;
    if (r->rule < 0)
        return;
    struct bs_hint_fields f = {
        bs_intern_str(e->strings, r->sender).ptr,
        bs_intern_str(e->strings, r->rcpt_domain).ptr,
        bs_provider_name(e->providers, r->provider),
    };
    if (r->sender == e->id_null_sender || r->sender == e->id_unknown_sender)
        f.sender_domain = NULL;
    bs_classifier_render_hint(e->classifier, r->rule, false,
                              bs_slice_make(r->text, r->text_len), &f, out);
}

/* ---- notifications ---- */

static void bs_watch_emit(void *ctx, const struct bs_alert_note *n)
{
    struct bs_engine *e = ctx;
    struct bs_watch *w = e->watch;
    w->notifications++;
    if (!e->opts.alert_fn)
        return;
    bs_buf_reset(&w->json);
    bs_buf_reset(&w->key);
    bs_alert_render(w->alerts, n, &w->json, &w->key);
    const struct bs_alert_rule *r = n->rule;
    struct bs_alert_event ev = {
        w->json.data, w->json.len,
        n->state == BS_ALERT_FIRING ? "firing" : "resolved", n->repeat,
        n->at, r->index, r->text, r->name ? r->name : "",
        w->key.data ? w->key.data : "", bs_alert_measure_name(r->measure),
        n->value, n->num, n->den, r->window,
    };
    e->opts.alert_fn(e->opts.alert_ctx, &ev);
}

int bs_engine_add_alert_rule(struct bs_engine *e, const char *text,
                             char *err, size_t errlen)
{
    struct bs_watch *w = bs_watch_get(e);
    if (!w->alerts) {
        struct bs_alert_names names = {
            e, bs_watch_provider_find, bs_watch_provider_name,
            bs_watch_intern, bs_watch_string, bs_watch_hint,
        };
        w->alerts = bs_alert_set_new(&names, bs_watch_emit, e);
        bs_alert_set_renotify(w->alerts, e->opts.alert_renotify);
    }
    struct bs_buf b;
    bs_buf_init(&b);
    int rc = bs_alert_set_add(w->alerts, text, strlen(text), &b);
    if (rc < 0 && errlen)
        snprintf(err, errlen, "%s", b.data ? b.data : "");
    bs_buf_fini(&b);
    return rc;
}

void bs_engine_alerts_flush(struct bs_engine *e)
{
    if (e->watch && e->watch->alerts)
        bs_alert_flush(e->watch->alerts);
}

/* Rebuilds the aggregate with the hour of old cells set to 0, which
 * merges each key's old hours into one cell. Totals do not change. */
void bs_engine_forget_hours(struct bs_engine *e, int64_t keep)
{
    if (e->opts.window || e->last_time < e->first_time)
        return; /* a window swaps the aggregate during events */
    int64_t t = e->last_time - keep;
    int32_t cutoff = (int32_t)(t >= 0 ? t / 3600 : (t - 3599) / 3600);
    struct bs_watch *w = bs_watch_get(e);
    if (cutoff <= w->forgotten)
        return;
    w->forgotten = cutoff;
    size_t n, old = 0;
    const struct bs_agg_cell *c = bs_agg_cells(e->agg, &n);
    for (size_t i = 0; i < n; i++)
        old += c[i].key.hour > 0 && c[i].key.hour < cutoff;
    if (!old)
        return;
    struct bs_agg *a = bs_agg_new(e->opts.max_cells);
    for (size_t i = 0; i < n; i++) {
        struct bs_agg_key k = c[i].key;
        if (k.hour < cutoff)
            k.hour = 0;
        struct bs_agg_counts *to = bs_agg_cell(a, &k);
        to->sent += c[i].n.sent;
        to->bounced += c[i].n.bounced;
        to->expired += c[i].n.expired;
        to->deferred += c[i].n.deferred;
    }
    e->merged.cells_folded += bs_agg_folded(e->agg);
    bs_agg_free(e->agg);
    e->agg = a;
}

int bs_duration_parse(const char *s, int64_t *seconds)
{
    return bs_alert_parse_duration(bs_slice_make(s, strlen(s)), seconds);
}

void bs_engine_observed(struct bs_engine *e, const struct bs_agg_key *k,
                        enum bs_outcome what, int64_t time, int rule,
                        struct bs_slice text)
{
    if (!e->watch || !e->watch->alerts)
        return;
    static const enum bs_alert_what as[] = {
        [BS_OUT_SENT] = BS_AW_SENT, [BS_OUT_BOUNCED] = BS_AW_BOUNCED,
        [BS_OUT_EXPIRED] = BS_AW_EXPIRED, [BS_OUT_DEFERRED] = BS_AW_DEFERRED,
    };
    struct bs_alert_obs o = {
        time, as[what], k->provider, k->category, k->sender,
        k->rcpt_domain, k->detail, k->dsn, rule, text,
    };
    bs_alert_observe(e->watch->alerts, &o);
}
