/*
 * sim.c - message steps, retries, expiry, notices, arrivals, the driver
 *
 * A step first has the writer log what happens, then updates the message
 * and the truth, then schedules the next step. The order of draws from
 * the generator is part of the output (rng.h): keep it when editing.
 */
#include "sim.h"

#include "domains.h"
#include "replies.h"

#include <stdlib.h>
#include <string.h>

#define POOL_CAP        65536u
#define TAIL_US         (900 * SEC)     /* logging after arrivals stop */
#define ARRIVAL_GAP_US  (30 * MSEC)     /* mean gap at 100% load */
#define NOISE_GAP_US    (1500 * MSEC)
#define STATS_GAP_US    (600 * SEC)

/* Event slots that are timers, not messages. */
#define SLOT_ARRIVAL    0xffffffffu
#define SLOT_NOISE      0xfffffffeu
#define SLOT_STATS      0xfffffffdu

_Static_assert(POOL_CAP < SLOT_STATS, "pool slots clash with timers");

enum step {
    STEP_CONNECT, STEP_CLIENT, STEP_CLEANUP, STEP_QUEUED,
    STEP_DISCONNECT, STEP_DELIVER, STEP_ATTEMPT_DONE, STEP_RETRY,
    STEP_NOTIFY, STEP_REMOVE,
};

/* Arrival load by hour of day in Japan (UTC+9), in percent of the peak. */
static const uint8_t hour_load[24] = {
    30, 25, 20, 20, 25, 40, 60, 80, 100, 110, 110, 100,
    90, 95, 100, 100, 95, 90, 85, 80, 70, 60, 50, 40,
};

/* ------------------------------------------------------------------ */
/* The pool of messages in flight and their next steps                */

static struct message *msg_alloc(struct sim *s, uint32_t *slot)
{
    if (!s->n_free)
        return NULL;
    *slot = s->free_slots[--s->n_free];
    memset(&s->pool[*slot], 0, sizeof(s->pool[*slot]));
    return &s->pool[*slot];
}

static void msg_free(struct sim *s, uint32_t slot)
{
    s->pool[slot].kind = KIND_FREE;
    s->free_slots[s->n_free++] = slot;
}

static void schedule(struct sim *s, uint32_t slot, enum step step,
                     uint64_t after)
{
    s->pool[slot].step = (uint8_t)step;
    event_queue_push(&s->events, s->now + after, slot);
}

/* A queue file for m, created at created_us; the writer names it. */
static void new_queue_file(struct sim *s, struct message *m,
                           uint64_t created_us)
{
    m->created_us = created_us;
    s->inode += rng_range(&s->rng, 1, 5);
    s->writer->ops->name_queue_file(s->writer, m, s->inode);
}

static unsigned next_open(const struct message *m, unsigned from)
{
    while (from < m->nrcpt && m->rcpt[from].state == RS_DONE)
        from++;
    return from;
}

static unsigned count_open(const struct message *m)
{
    unsigned n = 0;

    for (unsigned i = 0; i < m->nrcpt; i++)
        n += m->rcpt[i].state != RS_DONE;
    return n;
}

/* ------------------------------------------------------------------ */
/* What a delivery attempt ends with                                  */

/*
 * The deferral a recipient gets in this attempt. A dead site times out
 * on odd attempts; on even ones qmgr still has it marked dead and the
 * error agent answers at once.
 */
static const struct reply *defer_reply_of(const struct message *m,
                                          const struct rcpt *r)
{
    uint8_t family = domains[r->domain].family;
    const struct family_replies *f = &families[family];

    if (family == FAM_DEAD && m->attempt % 2 == 0)
        return &f->defer[REPLY_DEAD_SUSPENDED];
    return &f->defer[r->defer_reply];
}

static enum status attempt_status(const struct message *m,
                                  const struct rcpt *r)
{
    if (m->attempt <= r->deferrals)
        return ST_DEFERRED;
    return r->final == OUT_SENT ? ST_SENT : ST_BOUNCED;
}

static const struct reply *attempt_reply(struct sim *s,
                                         const struct message *m,
                                         const struct rcpt *r,
                                         enum status st)
{
    const struct family_replies *f = &families[domains[r->domain].family];

    if (st == ST_SENT)
        return &f->sent[rng_below(&s->rng, f->n_sent)];
    if (st == ST_BOUNCED)
        return &f->bounce[r->bounce_reply];
    return defer_reply_of(m, r);
}

/* Extra time before the line: a timeout is logged 30 s after the try. */
static uint64_t delivery_lead(const struct message *m, const struct rcpt *r)
{
    if (m->attempt <= r->deferrals && reply_is_timeout(defer_reply_of(m, r)))
        return 30 * SEC;
    return 0;
}

static void schedule_delivery(struct sim *s, uint32_t slot,
                              struct message *m, uint64_t after)
{
    schedule(s, slot, STEP_DELIVER,
             after + delivery_lead(m, &m->rcpt[m->cursor]));
}

static void record_attempt(struct sim *s, struct message *m, struct rcpt *r,
                           enum status st)
{
    truth_count(&s->truth, m, r, st);
    if (st == ST_DEFERRED) {
        r->state = RS_DEFERRED;
        return;
    }
    r->state = RS_DONE;
    if (st == ST_BOUNCED)
        m->failed = 1;
}

/* ------------------------------------------------------------------ */
/* Reception: connect, client, cleanup, queued, disconnect            */

static void step_connect(struct sim *s, uint32_t slot, struct message *m)
{
    s->writer->ops->connect(s->writer, m);
    schedule(s, slot, STEP_CLIENT, rng_ms(&s->rng, 30, 900));
}

static void step_client(struct sim *s, uint32_t slot, struct message *m)
{
    new_queue_file(s, m, s->now);
    s->writer->ops->received(s->writer, m);
    schedule(s, slot, STEP_CLEANUP, rng_ms(&s->rng, 5, 300));
}

static void step_cleanup(struct sim *s, uint32_t slot, struct message *m)
{
    s->writer->ops->enqueued(s->writer, m);
    schedule(s, slot, STEP_QUEUED, rng_ms(&s->rng, 1, 40));
}

static void step_queued(struct sim *s, uint32_t slot, struct message *m)
{
    m->attempt = 1;
    s->writer->ops->activated(s->writer, m);
    m->sender_logged = 1;
    m->cursor = (uint8_t)next_open(m, 0);
    if (m->kind == KIND_SMTPD)
        schedule(s, slot, STEP_DISCONNECT, rng_ms(&s->rng, 5, 150));
    else
        schedule_delivery(s, slot, m, rng_ms(&s->rng, 20, 800));
}

static void step_disconnect(struct sim *s, uint32_t slot, struct message *m)
{
    s->writer->ops->disconnect(s->writer, m);
    schedule_delivery(s, slot, m, rng_ms(&s->rng, 20, 1500));
}

/* ------------------------------------------------------------------ */
/* Attempts, retries, expiry, notifications, removal                  */

static void step_deliver(struct sim *s, uint32_t slot, struct message *m)
{
    struct rcpt *r = &m->rcpt[m->cursor];
    enum status st = attempt_status(m, r);
    const struct reply *rep = attempt_reply(s, m, r, st);
    unsigned next;

    s->writer->ops->delivery(s->writer, m, r, st, rep);
    record_attempt(s, m, r, st);
    next = next_open(m, m->cursor + 1u);
    if (next < m->nrcpt) {
        m->cursor = (uint8_t)next;
        schedule_delivery(s, slot, m, rng_ms(&s->rng, 5, 500));
    } else {
        schedule(s, slot, STEP_ATTEMPT_DONE, rng_ms(&s->rng, 1, 20));
    }
}

/* Every recipient still open expires with the message. */
static void expire(struct sim *s, struct message *m)
{
    s->writer->ops->expired(s->writer, m);
    for (unsigned i = 0; i < m->nrcpt; i++) {
        struct rcpt *r = &m->rcpt[i];

        if (r->state == RS_DONE)
            continue;
        truth_count_expired(&s->truth, m, r);
        r->state = RS_DONE;
    }
    m->failed = 1;
}

/*
 * The message the bounce daemon writes back to m's sender: created,
 * queued and activated at once, then delivered like any other.
 */
static void send_notice(struct sim *s, const struct message *m, int delay)
{
    uint32_t nslot;
    struct message *n = msg_alloc(s, &nslot);

    if (!n)
        return;
    plan_notice_begin(&s->plan, n);
    new_queue_file(s, n, s->now);
    plan_notice_recipient(&s->plan, n, m);
    s->stats.notices++;
    s->writer->ops->notice_created(s->writer, n);
    step_queued(s, nslot, n);
    s->writer->ops->notice_sent(s->writer, m, n, delay);
}

static uint64_t retry_backoff(struct sim *s, unsigned attempt)
{
    uint64_t base = (300 * SEC) << (attempt > 4 ? 3 : attempt - 1);

    return base + rng_range(&s->rng, 0, base / 3);
}

static int wants_notice(const struct message *m)
{
    return m->failed && m->kind != KIND_NOTICE &&
           m->sender_domain != SENDER_NULL;
}

static void step_attempt_done(struct sim *s, uint32_t slot, struct message *m)
{
    if (!count_open(m)) {
        schedule(s, slot, wants_notice(m) ? STEP_NOTIFY : STEP_REMOVE,
                 rng_ms(&s->rng, 1, 10));
        return;
    }
    if (m->expire_after && m->attempt >= m->expire_after) {
        expire(s, m);
        schedule(s, slot, STEP_NOTIFY, rng_ms(&s->rng, 1, 10));
        return;
    }
    if (m->attempt == 2 && !m->delay_noticed && m->kind == KIND_SMTPD &&
        m->sender_domain != SENDER_NULL && rng_chance(&s->rng, PCT(25))) {
        m->delay_noticed = 1;
        send_notice(s, m, 1);
    }
    schedule(s, slot, STEP_RETRY, retry_backoff(s, m->attempt));
}

static void step_retry(struct sim *s, uint32_t slot, struct message *m)
{
    m->attempt++;
    s->writer->ops->activated(s->writer, m);
    m->sender_logged = 1;
    m->cursor = (uint8_t)next_open(m, 0);
    schedule_delivery(s, slot, m, rng_ms(&s->rng, 10, 900));
}

static void step_notify(struct sim *s, uint32_t slot, struct message *m)
{
    send_notice(s, m, 0);
    schedule(s, slot, STEP_REMOVE, rng_ms(&s->rng, 1, 10));
}

static void step_remove(struct sim *s, uint32_t slot, struct message *m)
{
    s->writer->ops->removed(s->writer, m);
    msg_free(s, slot);
}

static void run_step(struct sim *s, uint32_t slot)
{
    struct message *m = &s->pool[slot];

    switch (m->step) {
    case STEP_CONNECT: step_connect(s, slot, m); break;
    case STEP_CLIENT: step_client(s, slot, m); break;
    case STEP_CLEANUP: step_cleanup(s, slot, m); break;
    case STEP_QUEUED: step_queued(s, slot, m); break;
    case STEP_DISCONNECT: step_disconnect(s, slot, m); break;
    case STEP_DELIVER: step_deliver(s, slot, m); break;
    case STEP_ATTEMPT_DONE: step_attempt_done(s, slot, m); break;
    case STEP_RETRY: step_retry(s, slot, m); break;
    case STEP_NOTIFY: step_notify(s, slot, m); break;
    case STEP_REMOVE: step_remove(s, slot, m); break;
    }
}

/* ------------------------------------------------------------------ */
/* Arrivals, the messages in flight when the log starts, timers       */

static uint64_t arrival_gap(struct sim *s)
{
    unsigned hour = (unsigned)((s->now / SEC + 9 * 3600) % 86400 / 3600);
    uint64_t mean = ARRIVAL_GAP_US * 100 / hour_load[hour];

    if (plan_is_bursting(&s->plan))
        return rng_ms(&s->rng, 5, 40);
    return rng_range(&s->rng, 0, 2 * mean);
}

static int arrivals_done(const struct sim *s)
{
    if (s->cfg.messages)
        return s->stats.messages >= s->cfg.messages;
    return out_bytes(s->out) >= s->cfg.size;
}

static void on_arrival(struct sim *s)
{
    uint32_t slot;
    struct message *m;

    if (arrivals_done(s)) {
        s->stopping = 1;
        s->end_us = s->now + TAIL_US;
        return;
    }
    plan_maybe_start_burst(&s->plan);
    m = msg_alloc(s, &slot);
    if (m) {
        plan_message(&s->plan, m, KIND_SMTPD);
        s->stats.messages++;
        schedule(s, slot, STEP_CONNECT, 0);
    } else {
        s->stats.skipped++;
    }
    event_queue_push(&s->events, s->now + arrival_gap(s), SLOT_ARRIVAL);
}

/*
 * Messages queued before the log starts: no smtpd, cleanup or qmgr
 * from= line, so their deliveries belong to sender "?". They never
 * defer, so no retry from= line could reveal the sender later.
 */
static void seed_prelog(struct sim *s, uint64_t count)
{
    for (uint64_t i = 0; i < count; i++) {
        uint32_t slot;
        struct message *m = msg_alloc(s, &slot);

        if (!m)
            return;
        plan_message(&s->plan, m, KIND_PRELOG);
        new_queue_file(s, m,
                       s->now - rng_range(&s->rng, 5 * SEC, 900 * SEC));
        m->attempt = 1;
        m->cursor = 0;
        schedule_delivery(s, slot, m, rng_ms(&s->rng, 0, 2000));
        s->stats.messages++;
        s->stats.prelog++;
    }
}

static uint64_t prelog_count(const struct sim_config *cfg)
{
    uint64_t n = cfg->messages ? cfg->messages / 200 : cfg->size / 300000;

    return n > 500 ? 500 : n;
}

static void on_noise(struct sim *s)
{
    s->writer->ops->noise(s->writer);
    event_queue_push(&s->events,
                     s->now + rng_range(&s->rng, 0, 2 * NOISE_GAP_US),
                     SLOT_NOISE);
}

static void on_stats(struct sim *s)
{
    s->writer->ops->statistics(s->writer);
    event_queue_push(&s->events,
                     s->now + STATS_GAP_US + rng_below(&s->rng, 5000000),
                     SLOT_STATS);
}

/* ------------------------------------------------------------------ */
/* Driver                                                             */

void sim_init(struct sim *s, const struct sim_config *cfg, struct out *out,
              struct writer *w)
{
    *s = (struct sim){.cfg = *cfg, .out = out, .writer = w};
    rng_seed(&s->rng, cfg->seed);
    truth_init(&s->truth);
    s->pool = xcalloc(POOL_CAP, sizeof(*s->pool));
    s->free_slots = xcalloc(POOL_CAP, sizeof(*s->free_slots));
    for (uint32_t i = 0; i < POOL_CAP; i++)
        s->free_slots[i] = POOL_CAP - 1 - i;
    s->n_free = POOL_CAP;
    event_queue_init(&s->events, POOL_CAP + 8);
    plan_init(&s->plan, &s->rng, cfg->failure_ppm);
    w->ops->start(w, &(struct writer_env){
        .out = out, .rng = &s->rng, .now = &s->now, .plan = &s->plan});
    s->inode = 0x100000 + rng_below(&s->rng, 0x400000);
    s->now = (uint64_t)cfg->start * SEC;
    seed_prelog(s, prelog_count(cfg));
    event_queue_push(&s->events, s->now + 2 * SEC, SLOT_ARRIVAL);
    event_queue_push(&s->events, s->now + rng_below(&s->rng, 3000000),
                     SLOT_NOISE);
    event_queue_push(&s->events,
                     s->now + rng_range(&s->rng, 60 * SEC, STATS_GAP_US),
                     SLOT_STATS);
}

void sim_run(struct sim *s)
{
    while (!event_queue_is_empty(&s->events)) {
        struct event e = event_queue_pop(&s->events);

        if (s->stopping && e.at > s->end_us)
            break;
        s->now = e.at;
        out_reserve(s->out);
        if (e.slot == SLOT_ARRIVAL)
            on_arrival(s);
        else if (e.slot == SLOT_NOISE)
            on_noise(s);
        else if (e.slot == SLOT_STATS)
            on_stats(s);
        else
            run_step(s, e.slot);
    }
    out_flush(s->out);
}

uint64_t sim_pending(const struct sim *s)
{
    uint64_t n = 0;

    for (uint32_t slot = 0; slot < POOL_CAP; slot++) {
        const struct message *m = &s->pool[slot];

        if (m->kind == KIND_FREE)
            continue;
        for (unsigned i = 0; i < m->nrcpt; i++)
            n += m->rcpt[i].state == RS_DEFERRED;
    }
    return n;
}

void sim_fini(struct sim *s)
{
    free(s->pool);
    free(s->free_slots);
    event_queue_fini(&s->events);
    s->pool = NULL;
    s->free_slots = NULL;
}
