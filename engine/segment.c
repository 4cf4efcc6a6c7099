/*
 * segment.c - one engine per piece of the input, merged into the result
 * of one engine over all of it
 *
 * DESIGN. Parallel runs cut the input into segments in log order (whole
 * files, or a large plain file cut at line boundaries) and give each its
 * own engine. Counts, samples and unexplained texts simply add up. What
 * does not is the state that spans a cut: a message whose first lines are
 * in segment k-1 and whose deliveries, expiry or removal are in segment k.
 * Segment k cannot know that message's sender or pending recipients, so
 * it does not guess: every event about a message it did not see begin (no
 * cleanup message-id / qmail "new msg" line in this segment) is held back
 * as the raw line with its log time. bs_engine_merge() then replays those
 * lines, in order, against the merged state of segments 0..k-1, which is
 * exactly the state one engine would have had at that point, and only then
 * adopts the messages segment k began (replacing a stale one with the same
 * id, as a new message would). The result equals one engine over the whole
 * input except where the tables' caps or ttl would have evicted messages
 * differently. Held lines are bounded (options.max_held); past it they are
 * counted locally with the sender unknown, and the overflow is reported.
 */
#include "engine_impl.h"

#include "../parsers/parser.h"
#include "window.h"

#include <stdlib.h>

void bs_engine_set_segment(struct bs_engine *e, int follows_another)
{
    e->segment = follows_another != 0;
}

/* Is this qmail delivery start about a message this segment did not see
 * begin? (Other events are found so by tracking: track.c.) Tracking a
 * start does not look at its message, so it is asked here; a start of a
 * held message marks its delivery number held, and tracking holds the
 * delivery that number names. */
static bool bs_segment_is_foreign(struct bs_engine *e,
                                  const struct bs_event *ev)
{
    char buf[BS_QUEUE_ID_MAX + 1];
    if (ev->kind != BS_EV_DELIVERY_START)
        return false;
    struct bs_slice key = bs_track_message_key(ev, ev->queue_id, buf);
    struct bs_message *m = bs_correlator_find(e->correlator, key);
    if (!m) {
        m = bs_correlator_upsert(e->correlator, key, ev->time, NULL, NULL);
        if (m)
            m->held = true;
    }
    if (!m || !m->held)
        return false;
    struct bs_message *d = bs_correlator_upsert(
        e->deliveries, bs_track_delivery_key(ev, buf), ev->time, NULL, NULL);
    if (d)
        d->held = true;
    return true;
}

/* Appends the line for the merge; false when the buffer is full (the
 * overflow is counted, the line is then counted here). */
static bool bs_segment_keep(struct bs_engine *e, int64_t t,
                            const char *line, size_t len)
{
    if (e->held.len + len + 12 > e->opts.max_held) {
        e->out.held_overflow++;
        return false;
    }
    uint32_t n = (uint32_t)len;
    bs_buf_append(&e->held, &t, sizeof t);
    bs_buf_append(&e->held, &n, sizeof n);
    bs_buf_append(&e->held, line, len);
    return true;
}

bool bs_segment_hold(struct bs_engine *e, const struct bs_event *ev,
                     const char *line, size_t len)
{
    if (!e->segment || e->replaying)
        return false;
    bool restart = ev->kind == BS_EV_MTA_RESTART;
    if (!restart && !bs_segment_is_foreign(e, ev))
        return false;
    /* a restart also clears this segment's own state */
    return bs_segment_keep(e, ev->time, line, len) && !restart;
}

void bs_segment_hold_foreign(struct bs_engine *e, const struct bs_event *ev,
                             const char *line, size_t len)
{
    e->foreign = false;
    if (bs_segment_keep(e, ev->time, line, len))
        return;
    e->count_foreign = true;
    bs_window_event(e, ev);
    e->count_foreign = false;
}

/* Replays next's held lines against e, at their log times. */
static void bs_segment_replay(struct bs_engine *e,
                              const struct bs_engine *next)
{
    struct bs_syslog_year scratch;
    bs_syslog_year_init(&scratch, 0, 0);
    e->replaying = true;
    for (size_t off = 0; off + 12 <= next->held.len;) {
        int64_t t;
        uint32_t n;
        memcpy(&t, next->held.data + off, sizeof t);
        memcpy(&n, next->held.data + off + 8, sizeof n);
        const char *line = next->held.data + off + 12;
        off += 12 + n;
        struct bs_syslog_record rec;
        if (bs_syslog_parse(&scratch, line, n, &rec) != BS_SYSLOG_OK)
            continue;
        const struct bs_parser_ops *p =
            rec.bare ? e->bare_parser
                     : bs_parser_for_program_cached(&e->parsers,
                                                    rec.program);
        struct bs_event ev;
        if (p && p->parse(&rec, &ev) == BS_PARSE_EVENT) {
            ev.time = t;
            bs_window_event(e, &ev); /* the --since/--until window too */
        }
    }
    e->replaying = false;
}

/* Ids of from's strings in into's table, each looked up once: cells,
 * samples and messages share a few thousand domains and details. */
struct bs_id_map {
    struct bs_engine *into;
    const struct bs_engine *from;
    uint32_t *ids; /* by from's id: into's, 0 while not looked up */
    uint32_t nids;
};

static uint32_t bs_map_string(void *ctx, uint32_t id)
{
    struct bs_id_map *m = ctx;
    if (id && id < m->nids && m->ids[id])
        return m->ids[id];
    struct bs_slice s = bs_intern_str(m->from->strings, id);
    uint32_t to = bs_intern(m->into->strings, s.ptr, s.len);
    if (id && id < m->nids) /* a refusal (0) is asked again, as before */
        m->ids[id] = to;
    return to;
}

static void bs_segment_merge_cells(struct bs_engine *e,
                                   const struct bs_engine *next,
                                   struct bs_id_map *map)
{
    size_t n;
    const struct bs_agg_cell *c = bs_agg_cells(next->agg, &n);
    for (size_t i = 0; i < n; i++) {
        struct bs_agg_key k = c[i].key;
        k.sender = bs_map_string(map, k.sender);
        k.rcpt_domain = bs_map_string(map, k.rcpt_domain);
        k.detail = bs_map_string(map, k.detail);
        struct bs_agg_counts *to = bs_agg_cell(e->agg, &k);
        to->sent += c[i].n.sent;
        to->bounced += c[i].n.bounced;
        to->expired += c[i].n.expired;
        to->deferred += c[i].n.deferred;
    }
}

struct bs_adopt {
    struct bs_engine *e;
    const struct bs_engine *next;
    struct bs_id_map *map;
    struct bs_correlator *table; /* e's table of the same kind */
};

/* Copies one message (or qmail delivery) segment k began into e. */
static void bs_segment_adopt(void *ctx, struct bs_message *src)
{
    struct bs_adopt *a = ctx;
    if (src->held)
        return;
    struct bs_slice key = bs_slice_make(src->qid, src->qid_len);
    struct bs_message *old = bs_correlator_find(a->table, key);
    if (old) {
        a->e->out.pending_dropped += old->npending;
        bs_correlator_remove(a->table, old);
    }
    struct bs_message *m = bs_correlator_upsert(a->table, key,
                                                src->last_time, bs_track_on_evict,
                                                a->e);
    if (!m)
        return;
    m->sender_known = src->sender_known;
    m->sender = bs_map_string(a->map, src->sender);
    m->link = src->link;
    m->rcpt_hash = src->rcpt_hash;
    m->rcpt_domain = bs_map_string(a->map, src->rcpt_domain);
    for (uint32_t i = 0; i < src->npending; i++) {
        struct bs_pending p = src->pending[i];
        p.rcpt_domain = bs_map_string(a->map, p.rcpt_domain);
        p.detail = bs_map_string(a->map, p.detail);
        p.sample = bs_samples_add_text(
            a->e->samples, bs_samples_text(a->next->samples, p.sample));
        *bs_message_add_pending(m, p.rcpt_hash) = p;
    }
}

static void bs_segment_merge_counters(struct bs_engine *e,
                                      const struct bs_engine *next)
{
    struct bs_line_stats *s = &e->stats;
    const struct bs_line_stats *t = &next->stats;
    s->bytes += t->bytes;
    s->read += t->read;
    s->parsed += t->parsed;
    s->skipped += t->skipped;
    s->foreign += t->foreign;
    s->no_prefix += t->no_prefix;
    s->unparsed += t->unparsed;
    s->oversize += t->oversize;
    struct bs_outcome_stats *o = &e->out;
    const struct bs_outcome_stats *p = &next->out;
    o->deliveries_unknown_sender += p->deliveries_unknown_sender;
    o->probes += p->probes;
    o->handoffs += p->handoffs;
    o->qmail_unstarted += p->qmail_unstarted;
    o->mta_restarts += p->mta_restarts;
    o->notifications += p->notifications;
    o->expired_no_rcpt += p->expired_no_rcpt;
    o->pending_dropped += p->pending_dropped;
    o->pending_deleted += p->pending_deleted;
    o->pending_evicted += p->pending_evicted;
    o->held_overflow += p->held_overflow;
    e->merged.budget_overflows +=
        bs_classifier_budget_overflows(next->classifier) +
        next->merged.budget_overflows;
    e->merged.strings_refused +=
        bs_intern_refused(next->strings) + next->merged.strings_refused;
    e->merged.cells_folded +=
        bs_agg_folded(next->agg) + next->merged.cells_folded;
    e->merged.messages_evicted +=
        bs_correlator_evicted(next->correlator) +
        next->merged.messages_evicted;
    if (next->first_time < e->first_time)
        e->first_time = next->first_time;
    if (next->last_time > e->last_time)
        e->last_time = next->last_time;
}

void bs_engine_merge(struct bs_engine *e, struct bs_engine *next)
{
    uint32_t nids = bs_intern_count(next->strings);
    struct bs_id_map map = { e, next, bs_xcalloc(nids, sizeof *map.ids),
                             nids };
    bs_segment_replay(e, next);
    bs_segment_merge_cells(e, next, &map);
    bs_samples_merge(e->samples, next->samples, bs_map_string, &map);
    struct bs_adopt a = { e, next, &map, e->correlator };
    bs_correlator_foreach(next->correlator, bs_segment_adopt, &a);
    a.table = e->deliveries;
    bs_correlator_foreach(next->deliveries, bs_segment_adopt, &a);
    bs_segment_merge_counters(e, next);
    bs_mail_merge(e, next);
    free(map.ids);
}
