/*
 * correlate.c - the queue-id table: open addressing, linear probing,
 * backward-shift deletion (no tombstones), sized for max_messages at a
 * load factor of at most one half. Beside the slots, a tag per slot (the
 * low 31 bits of the id's hash and the top bit set, never 0; 0 is empty)
 * lets a probe pass other messages without reading them: the tags of a
 * run fit in a cache line, the messages of a busy host's queue do not fit
 * in the cache at all. The tag holds the slot's home (the table has at
 * most 2^31 slots), so moving entries (deletion, growth) reads no message
 * and hashes no id.
 */
#include "correlate.h"
#include "scan.h"

#include <stdlib.h>

struct bs_correlator {
    struct bs_message *slots; /* qid_len == 0: empty */
    uint32_t *tags;           /* per slot: bs_qid_tag(), 0: empty */
    size_t nslots;            /* power of two */
    size_t count;
    size_t max_messages;
    int64_t ttl;
    uint64_t evicted;
};

struct bs_correlator *bs_correlator_new(size_t max_messages, int64_t ttl)
{
    struct bs_correlator *c = bs_xcalloc(1, sizeof *c);
    c->max_messages = max_messages < 16 ? 16 : max_messages;
    if (c->max_messages > BS_CORRELATOR_MAX_MESSAGES)
        c->max_messages = BS_CORRELATOR_MAX_MESSAGES;
    c->ttl = ttl;
    c->nslots = 64;
    c->slots = bs_xcalloc(c->nslots, sizeof *c->slots);
    c->tags = bs_xcalloc(c->nslots, sizeof *c->tags);
    return c;
}

void bs_correlator_free(struct bs_correlator *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nslots; i++)
        free(c->slots[i].pending);
    free(c->slots);
    free(c->tags);
    free(c);
}

static uint64_t bs_qid_hash(struct bs_slice q)
{
    return bs_hash_bytes(q.ptr, q.len);
}

static uint32_t bs_qid_tag(uint64_t h)
{
    return (uint32_t)h | 0x80000000u;
}

/* The slot a tag's id hashes to (nslots <= 2^31: within the low bits). */
static size_t bs_tag_home(const struct bs_correlator *c, uint32_t tag)
{
    return tag & (c->nslots - 1);
}

/* The slot of qid (hash h), or the empty slot that ends its run. */
static size_t bs_correlator_probe(const struct bs_correlator *c,
                                  struct bs_slice qid, uint64_t h)
{
    uint32_t tag = bs_qid_tag(h);
    for (size_t i = bs_tag_home(c, tag);; i = (i + 1) & (c->nslots - 1)) {
        if (!c->tags[i])
            return i;
        const struct bs_message *m = &c->slots[i];
        if (c->tags[i] == tag && m->qid_len == qid.len &&
            bs_mem_eq(m->qid, qid.ptr, qid.len))
            return i;
    }
}

struct bs_message *bs_correlator_find(struct bs_correlator *c,
                                      struct bs_slice qid)
{
    if (qid.len == 0 || qid.len > BS_QUEUE_ID_MAX)
        return NULL;
    size_t i = bs_correlator_probe(c, qid, bs_qid_hash(qid));
    return c->tags[i] ? &c->slots[i] : NULL;
}

static void bs_correlator_grow(struct bs_correlator *c)
{
    struct bs_message *old = c->slots;
    uint32_t *old_tags = c->tags;
    size_t oldn = c->nslots;
    c->nslots *= 2;
    c->slots = bs_xcalloc(c->nslots, sizeof *c->slots);
    c->tags = bs_xcalloc(c->nslots, sizeof *c->tags);
    for (size_t j = 0; j < oldn; j++) {
        if (!old_tags[j])
            continue;
        size_t i = bs_tag_home(c, old_tags[j]);
        while (c->tags[i])
            i = (i + 1) & (c->nslots - 1);
        c->slots[i] = old[j];
        c->tags[i] = old_tags[j];
    }
    free(old);
    free(old_tags);
}

void bs_correlator_remove(struct bs_correlator *c, struct bs_message *m)
{
    size_t i = (size_t)(m - c->slots);
    free(m->pending);
    memset(m, 0, sizeof *m);
    c->tags[i] = 0;
    c->count--;
    /* Backward-shift: move later entries of the run into the hole. */
    for (size_t j = (i + 1) & (c->nslots - 1); c->tags[j];
         j = (j + 1) & (c->nslots - 1)) {
        size_t home = bs_tag_home(c, c->tags[j]);
        bool movable = i <= j ? (home <= i || home > j)
                              : (home <= i && home > j);
        if (movable) {
            c->slots[i] = c->slots[j];
            c->tags[i] = c->tags[j];
            memset(&c->slots[j], 0, sizeof c->slots[j]);
            c->tags[j] = 0;
            i = j;
        }
    }
}

static int bs_time_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Removes every message the predicate selects, handing it to fn first.
 * Backward-shift deletion may move a later entry into the freed slot, so
 * the same slot is looked at again. */
static size_t bs_correlator_remove_if(struct bs_correlator *c,
                                      bool (*pred)(const struct bs_message *,
                                                   const void *),
                                      const void *pred_ctx,
                                      bs_message_fn *fn, void *ctx)
{
    size_t removed = 0;
    for (size_t i = 0; i < c->nslots;) {
        struct bs_message *m = &c->slots[i];
        if (m->qid_len && pred(m, pred_ctx)) {
            if (fn)
                fn(ctx, m);
            bs_correlator_remove(c, m);
            removed++;
            continue;
        }
        i++;
    }
    return removed;
}

static bool bs_is_older(const struct bs_message *m, const void *cutoff)
{
    return m->last_time <= *(const int64_t *)cutoff;
}

static bool bs_has_prefix(const struct bs_message *m, const void *prefix)
{
    const struct bs_slice *p = prefix;
    return m->qid_len >= p->len && memcmp(m->qid, p->ptr, p->len) == 0;
}

/* Evicts every message whose last_time is <= cutoff. */
static void bs_correlator_evict_until(struct bs_correlator *c,
                                      int64_t cutoff,
                                      bs_message_fn *evict_fn, void *ctx)
{
    c->evicted += bs_correlator_remove_if(c, bs_is_older, &cutoff, evict_fn,
                                          ctx);
}

/* At the cap: evict the oldest eighth (by last log time). */
static void bs_correlator_evict_oldest(struct bs_correlator *c,
                                       bs_message_fn *evict_fn, void *ctx)
{
    int64_t *times = bs_xmalloc(c->count * sizeof *times);
    size_t n = 0;
    for (size_t i = 0; i < c->nslots; i++)
        if (c->slots[i].qid_len)
            times[n++] = c->slots[i].last_time;
    qsort(times, n, sizeof *times, bs_time_cmp);
    int64_t cutoff = times[n / 8];
    free(times);
    bs_correlator_evict_until(c, cutoff, evict_fn, ctx);
}

/* Before a message is added: at the cap, the oldest eighth goes; the
 * slots are doubled when the load would pass one half. */
static BS_NOINLINE void bs_correlator_make_room(struct bs_correlator *c,
                                                bs_message_fn *evict_fn,
                                                void *ctx)
{
    if (c->count >= c->max_messages)
        bs_correlator_evict_oldest(c, evict_fn, ctx);
    if ((c->count + 1) * 2 > c->nslots)
        bs_correlator_grow(c);
}

/* The slot of qid, made when new (may evict others first); *existed
 * tells which. NULL for a bad id. */
static inline struct bs_message *
bs_correlator_place(struct bs_correlator *c, struct bs_slice qid,
                    int64_t now, bs_message_fn *evict_fn, void *ctx,
                    bool *existed)
{
    *existed = false;
    if (qid.len == 0 || qid.len > BS_QUEUE_ID_MAX)
        return NULL;
    uint64_t h = bs_qid_hash(qid);
    size_t i = bs_correlator_probe(c, qid, h);
    struct bs_message *m = &c->slots[i];
    *existed = c->tags[i] != 0;
    if (*existed)
        return m;
    if (c->count >= c->max_messages || (c->count + 1) * 2 > c->nslots) {
        bs_correlator_make_room(c, evict_fn, ctx);
        i = bs_correlator_probe(c, qid, h); /* the table has changed */
        m = &c->slots[i];
    }
    c->tags[i] = bs_qid_tag(h);
    bs_copy_short(m->qid, qid.ptr, qid.len); /* <= BS_QUEUE_ID_MAX */
    m->qid_len = (uint8_t)qid.len;
    m->last_time = now;
    c->count++;
    return m;
}

struct bs_message *bs_correlator_upsert_added(struct bs_correlator *c,
                                              struct bs_slice qid,
                                              int64_t now,
                                              bs_message_fn *evict_fn,
                                              void *ctx, bool *added)
{
    bool existed;
    struct bs_message *m = bs_correlator_place(c, qid, now, evict_fn, ctx,
                                               &existed);
    if (existed && now > m->last_time)
        m->last_time = now;
    *added = m && !existed;
    return m;
}

struct bs_message *bs_correlator_upsert(struct bs_correlator *c,
                                        struct bs_slice qid, int64_t now,
                                        bs_message_fn *evict_fn, void *ctx)
{
    bool added;
    return bs_correlator_upsert_added(c, qid, now, evict_fn, ctx, &added);
}

struct bs_message *bs_correlator_begin(struct bs_correlator *c,
                                       struct bs_slice qid, int64_t now,
                                       bs_message_fn *evict_fn,
                                       bs_message_fn *forget_fn, void *ctx)
{
    bool existed;
    struct bs_message *m = bs_correlator_place(c, qid, now, evict_fn, ctx,
                                               &existed);
    if (existed) { /* rare: an id reused before its end was logged */
        forget_fn(ctx, m);
        struct bs_message fresh = { .qid_len = m->qid_len,
                                    .last_time = now };
        memcpy(fresh.qid, m->qid, sizeof fresh.qid);
        free(m->pending);
        *m = fresh;
    }
    return m;
}

void bs_correlator_remove_prefixed(struct bs_correlator *c,
                                   struct bs_slice prefix, bs_message_fn *fn,
                                   void *ctx)
{
    bs_correlator_remove_if(c, bs_has_prefix, &prefix, fn, ctx);
}

void bs_correlator_sweep(struct bs_correlator *c, int64_t now,
                         bs_message_fn *evict_fn, void *ctx)
{
    bs_correlator_evict_until(c, now - c->ttl - 1, evict_fn, ctx);
}

void bs_correlator_foreach(struct bs_correlator *c, bs_message_fn *fn,
                           void *ctx)
{
    for (size_t i = 0; i < c->nslots; i++)
        if (c->slots[i].qid_len)
            fn(ctx, &c->slots[i]);
}

size_t bs_correlator_count(const struct bs_correlator *c)
{
    return c->count;
}

uint64_t bs_correlator_evicted(const struct bs_correlator *c)
{
    return c->evicted;
}

struct bs_pending *bs_message_find_pending(struct bs_message *m,
                                           uint64_t rcpt_hash)
{
    for (uint32_t i = 0; i < m->npending; i++)
        if (m->pending[i].rcpt_hash == rcpt_hash)
            return &m->pending[i];
    return NULL;
}

struct bs_pending *bs_message_add_pending(struct bs_message *m,
                                          uint64_t rcpt_hash)
{
    if (m->npending == m->pending_cap) {
        m->pending_cap = m->pending_cap ? m->pending_cap * 2 : 2;
        m->pending = bs_xreallocarray(m->pending, m->pending_cap,
                                      sizeof *m->pending);
    }
    struct bs_pending *p = &m->pending[m->npending++];
    memset(p, 0, sizeof *p);
    p->rcpt_hash = rcpt_hash;
    return p;
}

void bs_message_drop_pending(struct bs_message *m, struct bs_pending *p)
{
    *p = m->pending[--m->npending];
}
