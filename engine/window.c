/*
 * window.c - the log-time window and local days (see window.h)
 */
#include "engine_impl.h"

#include <stdio.h>

int32_t bs_tz_fixed(void *ctx, int64_t utc)
{
    (void)utc;
    return ctx ? *(const int32_t *)ctx : 0;
}

void bs_window_init(struct bs_engine *e)
{
    struct bs_window *w = &e->window;
    memset(w, 0, sizeof *w);
    w->loaded_since = INT64_MAX;
    w->loaded_until = INT64_MIN;
    if (e->opts.window)
        w->scratch = bs_agg_new(1u << 20);
}

void bs_window_fini(struct bs_engine *e)
{
    bs_agg_free(e->window.scratch);
    e->window.scratch = NULL;
}

bool bs_window_admits(const struct bs_engine *e, int64_t t)
{
    return !e->opts.window || (t >= e->opts.since && t < e->opts.until);
}

bool bs_window_admits_hour(const struct bs_engine *e, int32_t hour)
{
    return bs_window_admits(e, (int64_t)hour * 3600);
}

/* The outcomes of one event are counted per delivery in these; anything
 * else in e->out is about the correlation tables, which outside events
 * change like any other. */
static void bs_window_restore(struct bs_outcome_stats *o,
                              const struct bs_outcome_stats *was)
{
    o->deliveries_unknown_sender = was->deliveries_unknown_sender;
    o->probes = was->probes;
    o->handoffs = was->handoffs;
    o->notifications = was->notifications;
    o->expired_no_rcpt = was->expired_no_rcpt;
    o->qmail_unstarted = was->qmail_unstarted;
}

/* An event outside the window: counted aside (window.outside), its
 * messages still followed. */
static BS_NOINLINE void bs_window_event_outside(struct bs_engine *e,
                                                const struct bs_event *ev)
{
    struct bs_outcome_stats was = e->out;
    struct bs_agg *agg = e->agg;
    e->agg = e->window.scratch;
    bs_samples_freeze(e->samples, true);
    bs_engine_event(e, ev);
    bs_samples_freeze(e->samples, false);
    e->agg = agg;
    bs_window_restore(&e->out, &was);
    struct bs_agg_counts n = { 0, 0, 0, 0 };
    bs_agg_drain(e->window.scratch, &n);
    e->window.outside.sent += n.sent;
    e->window.outside.bounced += n.bounced;
    e->window.outside.expired += n.expired;
    e->window.outside.deferred += n.deferred;
}

void bs_window_event(struct bs_engine *e, const struct bs_event *ev)
{
    if (bs_window_admits(e, ev->time))
        bs_engine_event(e, ev);
    else
        bs_window_event_outside(e, ev);
}

void bs_engine_window_stats(const struct bs_engine *e,
                            struct bs_window_stats *out)
{
    *out = e->window.outside;
}

static int64_t bs_floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int32_t bs_local_offset(struct bs_engine *e, int64_t utc)
{
    if (!e->opts.tz_offset)
        return 0;
    int64_t hour64 = bs_floor_div(utc, 3600);
    if (hour64 < INT32_MIN || hour64 > INT32_MAX)
        return e->opts.tz_offset(e->opts.tz_ctx, utc);
    int32_t hour = (int32_t)hour64;
    struct bs_window *w = &e->window;
    size_t slot = (uint32_t)hour & (BS_TZ_CACHE - 1);
    if (!w->cache_used[slot] || w->cache_hour[slot] != hour) {
        int32_t off = e->opts.tz_offset(e->opts.tz_ctx, hour64 * 3600);
        if (off < -18 * 3600 || off > 18 * 3600)
            off = 0; /* no zone is further from UTC than 18 hours */
        w->cache_hour[slot] = hour;
        w->cache_offset[slot] = off;
        w->cache_used[slot] = true;
    }
    return w->cache_offset[slot];
}

int64_t bs_local_time(struct bs_engine *e, int64_t utc)
{
    /* no zone is more than 18 hours off; times near the ends of int64
     * (a hostile saved file) are left as they are */
    if (utc > INT64_MAX - 18 * 3600 || utc < INT64_MIN + 18 * 3600)
        return utc;
    return utc + bs_local_offset(e, utc);
}

int64_t bs_local_day(struct bs_engine *e, int32_t hour)
{
    return bs_floor_div(bs_local_time(e, (int64_t)hour * 3600), 86400);
}

size_t bs_local_format(int64_t local, bool with_time, char out[32])
{
    int64_t days = bs_floor_div(local, 86400), y;
    int m, d, s = (int)(local - days * 86400);
    bs_civil_from_days(days, &y, &m, &d);
    int n = with_time ? snprintf(out, 32, "%04lld-%02d-%02d %02d:%02d",
                                 (long long)y, m, d, s / 3600, s / 60 % 60)
                      : snprintf(out, 32, "%04lld-%02d-%02d", (long long)y,
                                 m, d);
    return n < 0 ? 0 : BS_MIN((size_t)n, (size_t)31);
}

void bs_utc_format(struct bs_buf *b, int64_t t, bool iso)
{
    int64_t days = bs_floor_div(t, 86400), y;
    int m, d, s = (int)(t - days * 86400);
    bs_civil_from_days(days, &y, &m, &d);
    bs_buf_printf(b, iso ? "%04lld-%02d-%02dT%02d:%02d:%02dZ"
                         : "%04lld-%02d-%02d %02d:%02d:%02d",
                  (long long)y, m, d, s / 3600, s / 60 % 60, s % 60);
}

void bs_offset_format(int32_t offset, char out[8])
{
    int32_t a = offset < 0 ? -offset : offset;
    snprintf(out, 8, "%c%02d:%02d", offset < 0 ? '-' : '+',
             (int)(a / 3600 % 100), (int)(a / 60 % 60));
}
