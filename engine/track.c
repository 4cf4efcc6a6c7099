/*
 * track.c - from events to counts: which message a delivery belongs to,
 * who sent it, where it went, why it failed
 *
 * Messages are tracked by a key that names the MTA's numbering, so ids of
 * different MTAs and queues never meet: "p:" + Postfix queue id, "q" +
 * queue name + ":" + qmail message number. qmail names the recipient when
 * a delivery starts and the outcome later under a delivery number, so its
 * deliveries in flight have their own table ("d" + queue + ":" + number).
 *
 * Counting rules (README "Counting rules"): a delivery is one recipient of
 * one message; its final outcome is sent, bounced or expired; a deferral
 * is an attempt, counted in "deferred" and remembered as pending so that
 * the message's expiry counts that recipient as expired. Address
 * verification probes and hand-offs to a local content filter are not
 * deliveries.
 */
#include "engine_impl.h"

#include "scan.h"

#include <stdlib.h>

#define BS_KEY_MAX BS_QUEUE_ID_MAX

/* "p:ID", "q[queue]:N", "d[queue]:D" into buf; empty on overflow. */
static struct bs_slice bs_track_key(char tag, struct bs_slice ns,
                                    struct bs_slice id,
                                    char buf[BS_KEY_MAX + 1])
{
    size_t n = 1 + ns.len + 1 + id.len;
    if (!id.len || n > BS_KEY_MAX)
        return bs_slice_make(buf, 0);
    buf[0] = tag;
    if (ns.len) /* most keys have no queue name (and then no pointer) */
        bs_copy_short(buf + 1, ns.ptr, ns.len);
    buf[1 + ns.len] = ':';
    bs_copy_short(buf + 2 + ns.len, id.ptr, id.len);
    return bs_slice_make(buf, n);
}

struct bs_slice bs_track_message_key(const struct bs_event *ev,
                                     struct bs_slice id, char *buf)
{
    return bs_track_key((char)ev->mta, ev->queue_ns, id, buf);
}

struct bs_slice bs_track_delivery_key(const struct bs_event *ev, char *buf)
{
    return bs_track_key('d', ev->queue_ns, ev->delivery_id, buf);
}

/* The lower-cased domain of an address (after the last '@'). */
static uint32_t bs_track_domain_id(struct bs_engine *e, struct bs_slice a)
{
    const char *at = a.len ? bs_rfind_byte(a.ptr, a.ptr + a.len, '@') : NULL;
    if (!at || at + 1 == a.ptr + a.len)
        return e->id_no_domain;
    size_t n = (size_t)(a.ptr + a.len - at - 1);
    while (n > 1 && at[n] == '.')
        n--; /* trailing dot */
    return bs_intern_lower(e->strings, at + 1, n);
}

void bs_track_on_evict(void *ctx, struct bs_message *m)
{
    struct bs_engine *e = ctx;
    e->out.pending_evicted += m->npending;
}

/* The message with this id, created when the log has not named it before
 * (its sender then stays unknown). */
static struct bs_message *bs_track_message(struct bs_engine *e,
                                           const struct bs_event *ev,
                                           struct bs_slice id)
{
    char buf[BS_KEY_MAX + 1];
    return bs_correlator_upsert(e->correlator, bs_track_message_key(ev, id, buf),
                                ev->time, bs_track_on_evict, e);
}

/* An earlier message under a reused id: its pending recipients are
 * dropped, as at its removal. */
static void bs_track_on_reuse(void *ctx, struct bs_message *m)
{
    struct bs_engine *e = ctx;
    if (!m->held) /* a segment's stand-in for a message begun elsewhere */
        e->out.pending_dropped += m->npending;
}

/* A new message: what the log said of an earlier one under its id is
 * forgotten. */
static void bs_track_begin(struct bs_engine *e, const struct bs_event *ev)
{
    char buf[BS_KEY_MAX + 1];
    (void)bs_correlator_begin(e->correlator,
                              bs_track_message_key(ev, ev->queue_id, buf),
                              ev->time, bs_track_on_evict, bs_track_on_reuse,
                              e);
}

/* Does this engine hold the events of messages begun elsewhere (a
 * parallel segment, not replaying, with room to hold)? */
static bool bs_track_holds_foreign(const struct bs_engine *e)
{
    return e->segment && !e->replaying && !e->count_foreign;
}

/* m, just looked up for an event (added: the lookup made it): is it a
 * message this segment did not see begin? Then it is marked held and
 * e->foreign set: the caller counts nothing, and the line loop keeps the
 * line for the merge (segment.c). */
static bool bs_track_is_foreign(struct bs_engine *e, struct bs_message *m,
                                bool added)
{
    if (!bs_track_holds_foreign(e) || !(added || m->held))
        return false;
    m->held = true;
    e->foreign = true;
    return true;
}

/* The message of an event that names it by queue id (sender, delivery,
 * expiry), made when new; NULL when the id is bad or the event is held
 * (bs_track_is_foreign). */
static inline struct bs_message *
bs_track_event_message(struct bs_engine *e, const struct bs_event *ev)
{
    char buf[BS_KEY_MAX + 1];
    struct bs_slice key = bs_track_message_key(ev, ev->queue_id, buf);
    if (!bs_track_holds_foreign(e)) /* one engine, or a replay */
        return bs_correlator_upsert(e->correlator, key, ev->time,
                                    bs_track_on_evict, e);
    bool added;
    struct bs_message *m = bs_correlator_upsert_added(
        e->correlator, key, ev->time, bs_track_on_evict, e, &added);
    return m && !bs_track_is_foreign(e, m, added) ? m : NULL;
}

static void bs_track_set_sender(struct bs_engine *e, struct bs_message *m,
                                const struct bs_event *ev)
{
    m->sender = ev->sender_is_null ? e->id_null_sender
                                   : bs_track_domain_id(e, ev->sender);
    m->sender_known = true;
}

/* The cell of one delivery: time bucket, provider and domains. */
static struct bs_agg_key bs_track_cell_key(struct bs_engine *e, int64_t time,
                                           unsigned provider,
                                           uint32_t sender, uint32_t rcpt)
{
    int64_t hour = time >= 0 ? time / 3600 : (time - 3599) / 3600;
    struct bs_agg_key k;
    memset(&k, 0, sizeof k);
    k.hour = (int32_t)hour;
    k.provider = (uint16_t)provider;
    k.sender = sender;
    k.rcpt_domain = rcpt;
    k.detail = e->id_empty;
    return k;
}

static void bs_track_keep_sample(struct bs_engine *e,
                                 const struct bs_agg_key *k, int rule,
                                 struct bs_slice text, int64_t time)
{
    struct bs_sample what = { k->provider, k->category, k->detail,
                              k->sender, k->rcpt_domain, rule, 0, time };
    bs_samples_keep(e->samples, &what, text);
}

/* The recipient of a pending deferral expires with its message. */
static void bs_track_count_expired(struct bs_engine *e,
                                   const struct bs_message *m,
                                   const struct bs_pending *p, int64_t t)
{
    uint32_t sender = m->sender_known ? m->sender : e->id_unknown_sender;
    if (!m->sender_known)
        e->out.deliveries_unknown_sender++;
    struct bs_agg_key k = bs_track_cell_key(e, t, p->provider, sender,
                                            p->rcpt_domain);
    /* The detail of an expiry is the reason of the last deferral. */
    const char *why = bs_category_name(p->category);
    k.category = BS_CAT_EXPIRED;
    k.detail = bs_intern(e->strings, why, strlen(why));
    k.dsn = p->dsn;
    k.severity = BS_SEV_SOFT;
    bs_agg_cell(e->agg, &k)->expired++;
    struct bs_slice text = bs_samples_text(e->samples, p->sample);
    bs_track_keep_sample(e, &k, p->rule, text, t);
    bs_engine_observed(e, &k, BS_OUT_EXPIRED, t, p->rule, text);
}

/* A message passed to a content filter on this host (amavis, spamassassin
 * on 127.0.0.1:10024) and queued again there: the recipient's real delivery
 * comes later under the new queue id, so this one is not counted. */
static bool bs_is_content_filter_handoff(const struct bs_event *ev)
{
    struct bs_slice ip = ev->relay_ip;
    bool loopback = BS_SLICE_STARTS(ip, "127.") || BS_SLICE_EQ(ip, "::1");
    return ev->status == BS_ST_SENT && loopback &&
           bs_memmem(ev->text.ptr, ev->text.len, "queued as", 9) != NULL;
}

/* Is the '/' at t[i] a line break of qmail-send's encoding? It is where
 * it ends the text, or precedes "Remote_host_said" or a reply line
 * ("550-5.7.26_..."). */
static bool bs_track_qmail_break(struct bs_slice t, size_t i)
{
    const char *next = t.ptr + i + 1;
    size_t left = t.len - i - 1;
    bool reply = left >= 4 && bs_is_digit(next[0]) && bs_is_digit(next[1]) &&
                 bs_is_digit(next[2]) && (next[3] == '-' || next[3] == '_');
    return left == 0 || reply ||
           (left >= 16 && !memcmp(next, "Remote_host_said", 16));
}

/* qmail-send's encoding back to text: '_' was a space, '/' was a line
 * break (bs_track_qmail_break); other '/' (URLs) stay. Sixteen (SSE2)
 * or eight bytes at a time: every '_' in them becomes a space at once,
 * and each '/' is looked at on its own. */
static struct bs_slice bs_track_qmail_decode(struct bs_engine *e,
                                             struct bs_slice t)
{
    size_t n = BS_MIN(t.len, sizeof e->decoded), i = 0;
#ifdef BS_SCAN_SSE2
    const __m128i us = _mm_set1_epi8('_'), sp = _mm_set1_epi8(' '),
                  sl = _mm_set1_epi8('/');
    for (; i + 16 <= n; i += 16) {
        __m128i v =
            _mm_loadu_si128((const __m128i *)(const void *)(t.ptr + i));
        __m128i u = _mm_cmpeq_epi8(v, us);
        v = _mm_or_si128(_mm_andnot_si128(u, v), _mm_and_si128(u, sp));
        _mm_storeu_si128((__m128i *)(void *)(e->decoded + i), v);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, sl));
        for (; m; m &= m - 1) {
            unsigned k = (unsigned)__builtin_ctz(m);
            if (bs_track_qmail_break(t, i + k))
                e->decoded[i + k] = ' ';
        }
    }
#endif
#ifdef BS_SCAN_SWAR
    const uint64_t ones = 0x0101010101010101ULL;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, t.ptr + i, 8);
        uint64_t under = bs_scan_zero_bytes_exact(v ^ ones * '_');
        v ^= (under >> 7) * ('_' ^ ' ');
        uint64_t slash = bs_scan_zero_bytes_exact(v ^ ones * '/');
        for (; slash; slash &= slash - 1) {
            unsigned k = (unsigned)__builtin_ctzll(slash) >> 3;
            if (bs_track_qmail_break(t, i + k))
                v = (v & ~(0xffULL << 8 * k)) | (uint64_t)' ' << 8 * k;
        }
        memcpy(e->decoded + i, &v, 8);
    }
#endif
    for (; i < n; i++) {
        char c = t.ptr[i];
        e->decoded[i] =
            c == '_' || (c == '/' && bs_track_qmail_break(t, i)) ? ' ' : c;
    }
    while (n && e->decoded[n - 1] == ' ')
        n--;
    return bs_slice_make(e->decoded, n);
}

/* The part of a qmail expiry text before "I'm not going to try again":
 * the reason of the last attempt. */
static struct bs_slice bs_track_last_reason(struct bs_slice text)
{
    static const char marker[] = "I'm not going to try again";
    const char *m = bs_memmem(text.ptr, text.len, marker, sizeof marker - 1);
    size_t n = m ? (size_t)(m - text.ptr) : text.len;
    while (n && text.ptr[n - 1] == ' ')
        n--;
    return bs_slice_make(text.ptr, n ? n : text.len);
}

/* Classifies a failure into the key; keeps its sample and, when no rule
 * explains it, its normalised form. An expiry is category "expired" with
 * the last attempt's reason as the detail, as for Postfix. */
static int bs_track_classify(struct bs_engine *e, const struct bs_event *ev,
                             struct bs_slice text, struct bs_agg_key *k)
{
    struct bs_classification cls;
    bool expired = ev->status == BS_ST_EXPIRED;
    bs_classify(e->classifier, k->provider, ev->dsn,
                expired ? bs_track_last_reason(text) : text, &cls);
    const char *detail = cls.detail;
    k->category = (uint16_t)cls.category;
    k->severity = cls.hard ? BS_SEV_HARD : BS_SEV_SOFT;
    if (expired) {
        detail = cls.category == BS_CAT_EXPIRED
                     ? cls.detail
                     : bs_category_name(cls.category);
        k->category = BS_CAT_EXPIRED;
        k->severity = BS_SEV_SOFT;
    }
    k->detail = bs_intern(e->strings, detail, strlen(detail));
    bs_track_keep_sample(e, k, cls.rule, text, ev->time);
    if (cls.rule < 0)
        bs_samples_note_unexplained(e->samples, cls.category, text,
                                    ev->time);
    return cls.rule;
}

/* One delivery attempt, resolved to its message (may be NULL: unknown),
 * its recipient's hash and domain. */
struct bs_attempt {
    const struct bs_event *ev;
    struct bs_message *m; /* NULL: nothing to remember pending in */
    uint64_t rcpt_hash;   /* when rcpt_hashed; else of ev->recipient */
    bool rcpt_hashed;
    uint32_t rcpt_domain;
    struct bs_slice text; /* decoded */
    bool sender_known;
    uint32_t sender; /* intern id, or e->id_unknown_sender */
};

/* Most deliveries are sent at the first attempt: their message has
 * nothing pending, and their recipient is hashed only when needed. */
static uint64_t bs_attempt_rcpt_hash(const struct bs_attempt *a)
{
    if (a->rcpt_hashed)
        return a->rcpt_hash;
    return bs_hash_lower(a->ev->recipient.ptr, a->ev->recipient.len);
}

/* The pending deferral of this attempt's recipient, if any. */
static struct bs_pending *bs_attempt_pending(const struct bs_attempt *a)
{
    if (!a->m || !a->m->npending)
        return NULL;
    return bs_message_find_pending(a->m, bs_attempt_rcpt_hash(a));
}

/* The attempt is counted under its message's sender, when known. */
static void bs_attempt_sender_of(struct bs_engine *e, struct bs_attempt *a)
{
    a->sender_known = a->m && a->m->sender_known;
    a->sender = a->sender_known ? a->m->sender : e->id_unknown_sender;
}

static void bs_track_remember_deferral(struct bs_engine *e,
                                       const struct bs_attempt *a,
                                       struct bs_pending *p,
                                       const struct bs_agg_key *k, int rule)
{
    if (!a->m)
        return;
    uint64_t h = bs_attempt_rcpt_hash(a);
    if (!p)
        p = bs_message_add_pending(a->m, h);
    *p = (struct bs_pending){ h, k->rcpt_domain, k->detail,
                              k->provider, k->category, k->dsn,
                              bs_samples_add_text(e->samples, a->text),
                              rule };
}

static void bs_track_count(struct bs_engine *e, const struct bs_attempt *a)
{
    const struct bs_event *ev = a->ev;
    struct bs_message *m = a->m;
    struct bs_pending *p = bs_attempt_pending(a);
    struct bs_provider_evidence pe = {
        bs_intern_str(e->strings, a->rcpt_domain), ev->relay_host,
        ev->relay_ip, a->text
    };
    struct bs_agg_key k = bs_track_cell_key(
        e, ev->time,
        bs_provider_decide_cached(e->providers, e->provider_cache,
                                  a->rcpt_domain, &pe),
        a->sender,
        a->rcpt_domain);
    k.dsn = bs_dsn_pack(ev->dsn);
    if (ev->status == BS_ST_SENT) {
        bs_agg_cell(e->agg, &k)->sent++;
        bs_engine_observed(e, &k, BS_OUT_SENT, ev->time, -1, a->text);
    } else {
        int rule = bs_track_classify(e, ev, a->text, &k);
        struct bs_agg_counts *n = bs_agg_cell(e->agg, &k);
        if (ev->status == BS_ST_DEFERRED) {
            n->deferred++;
            bs_engine_observed(e, &k, BS_OUT_DEFERRED, ev->time, rule,
                               a->text);
            bs_track_remember_deferral(e, a, p, &k, rule);
            return;
        }
        enum bs_outcome what = ev->status == BS_ST_EXPIRED ? BS_OUT_EXPIRED
                                                           : BS_OUT_BOUNCED;
        if (what == BS_OUT_EXPIRED)
            n->expired++;
        else
            n->bounced++;
        bs_engine_observed(e, &k, what, ev->time, rule, a->text);
    }
    if (!a->sender_known)
        e->out.deliveries_unknown_sender++;
    if (p)
        bs_message_drop_pending(m, p);
}

static void bs_track_postfix_delivery(struct bs_engine *e,
                                      const struct bs_event *ev)
{
    struct bs_attempt a = { .ev = ev,
                            .m = bs_track_event_message(e, ev),
                            .text = ev->text };
    if (!a.m)
        return;
    if (bs_is_content_filter_handoff(ev)) {
        e->out.handoffs++;
        struct bs_pending *p = bs_attempt_pending(&a);
        if (p)
            bs_message_drop_pending(a.m, p);
        return;
    }
    a.rcpt_domain = bs_track_domain_id(e, ev->recipient);
    bs_attempt_sender_of(e, &a);
    bs_track_count(e, &a);
}

/* qmail: "starting delivery D: msg N to ADDR" remembers D. */
static void bs_track_qmail_start(struct bs_engine *e,
                                 const struct bs_event *ev)
{
    char buf[BS_KEY_MAX + 1];
    struct bs_message *d = bs_correlator_upsert(
        e->deliveries, bs_track_delivery_key(ev, buf),
        ev->time, NULL, NULL);
    if (!d)
        return;
    uint64_t msg = 0;
    for (size_t i = 0; i < ev->queue_id.len; i++)
        msg = msg * 10 + (uint64_t)(ev->queue_id.ptr[i] - '0');
    d->link = msg;
    d->rcpt_hash = bs_hash_lower(ev->recipient.ptr, ev->recipient.len);
    d->rcpt_domain = bs_track_domain_id(e, ev->recipient);
}

/* qmail: "delivery D: ..." belongs to the message and recipient that
 * "starting delivery D" named; without it both are unknown. */
static void bs_track_qmail_delivery(struct bs_engine *e,
                                    const struct bs_event *ev)
{
    char buf[BS_KEY_MAX + 1], num[BS_U64_DIGITS];
    struct bs_message *d = bs_correlator_find(
        e->deliveries, bs_track_delivery_key(ev, buf));
    if (bs_track_holds_foreign(e) && (!d || d->held)) {
        /* a segment's delivery whose start it did not see, or saw for a
         * message begun elsewhere: held for the merge */
        if (d)
            bs_correlator_remove(e->deliveries, d);
        e->foreign = true;
        return;
    }
    struct bs_attempt a = { .ev = ev, .rcpt_hashed = true,
                            .rcpt_domain = e->id_unknown_rcpt,
                            .text = bs_track_qmail_decode(e, ev->text) };
    if (d) {
        size_t n = bs_u64_decimal(d->link, num);
        a.rcpt_hash = d->rcpt_hash;
        a.rcpt_domain = d->rcpt_domain;
        bs_correlator_remove(e->deliveries, d);
        a.m = bs_track_message(e, ev, bs_slice_make(num, n));
    } else {
        e->out.qmail_unstarted++;
    }
    bs_attempt_sender_of(e, &a);
    bs_track_count(e, &a);
}

static void bs_track_expired(struct bs_engine *e, const struct bs_event *ev)
{
    struct bs_message *m = bs_track_event_message(e, ev);
    if (!m)
        return;
    if (!m->sender_known)
        bs_track_set_sender(e, m, ev);
    if (m->npending == 0)
        e->out.expired_no_rcpt++;
    for (uint32_t i = 0; i < m->npending; i++)
        bs_track_count_expired(e, m, &m->pending[i], ev->time);
    m->npending = 0;
}

/* A segment's removal of a message it did not see begin (m: its
 * stand-in, or NULL when the id is new here): held for the merge, which
 * replays it against the message itself. The stand-in is not needed any
 * more (a later event under the id would make one again), so the table
 * keeps only messages in flight; one that counted a deferral itself,
 * when the hold buffer was full, stays. */
static BS_NOINLINE void bs_track_hold_unseen(struct bs_engine *e,
                                             struct bs_message *m,
                                             struct bs_slice key)
{
    if (!key.len)
        return; /* a bad id: nothing to hold, nothing to remove */
    if (m && !m->npending)
        bs_correlator_remove(e->correlator, m);
    e->foreign = true;
}

static BS_ALWAYS_INLINE void bs_track_forget(struct bs_engine *e,
                                             const struct bs_event *ev,
                                             uint64_t *pending_counter)
{
    char buf[BS_KEY_MAX + 1];
    struct bs_slice key = bs_track_message_key(ev, ev->queue_id, buf);
    struct bs_message *m = bs_correlator_find(e->correlator, key);
    if (bs_track_holds_foreign(e) && (!m || m->held)) {
        bs_track_hold_unseen(e, m, key);
        return;
    }
    if (!m)
        return;
    *pending_counter += m->npending;
    bs_correlator_remove(e->correlator, m);
}

/* qmail-send exited. Its delivery numbers start again at 1, so the ones
 * in the table mean nothing now; its message numbers are the queue files'
 * inodes and survive (the new qmail-send picks the queue up without
 * logging "new msg" or "info msg" again), so messages are kept. */
static void bs_track_restart(struct bs_engine *e, const struct bs_event *ev)
{
    char buf[BS_KEY_MAX + 1];
    size_t n = ev->queue_ns.len + 2;
    if (n > BS_KEY_MAX)
        return;
    buf[0] = 'd';
    if (ev->queue_ns.len)
        memcpy(buf + 1, ev->queue_ns.ptr, ev->queue_ns.len);
    buf[n - 1] = ':';
    bs_correlator_remove_prefixed(e->deliveries, bs_slice_make(buf, n), NULL,
                                  NULL);
    if (!e->replaying) /* a replayed restart was counted in its segment */
        e->out.mta_restarts++;
}

void bs_engine_event(struct bs_engine *e, const struct bs_event *ev)
{
    struct bs_message *m;
    switch (ev->kind) {
    case BS_EV_MESSAGE_NEW:
        bs_track_begin(e, ev);
        break;
    case BS_EV_MESSAGE_SENDER:
        m = bs_track_event_message(e, ev);
        if (m)
            bs_track_set_sender(e, m, ev);
        break;
    case BS_EV_DELIVERY_START:
        bs_track_qmail_start(e, ev);
        break;
    case BS_EV_DELIVERY:
        if (ev->status == BS_ST_PROBE)
            e->out.probes++;
        else if (ev->delivery_id.len)
            bs_track_qmail_delivery(e, ev);
        else
            bs_track_postfix_delivery(e, ev);
        break;
    case BS_EV_MESSAGE_EXPIRED:
        bs_track_expired(e, ev);
        break;
    case BS_EV_MESSAGE_DONE:
        bs_track_forget(e, ev, &e->out.pending_dropped);
        break;
    case BS_EV_MESSAGE_DELETED:
        bs_track_forget(e, ev, &e->out.pending_deleted);
        break;
    case BS_EV_NOTIFICATION:
        e->out.notifications++;
        break;
    case BS_EV_MTA_RESTART:
        bs_track_restart(e, ev);
        break;
    case BS_EV_NONE:
        break;
    }
}

static struct bs_slice bs_cstr(const char *s)
{
    return bs_slice_make(s ? s : "", s ? strlen(s) : 0);
}

void bs_engine_count_bounce(struct bs_engine *e,
                            const struct bs_bounce_event *b)
{
    if (!bs_window_admits(e, b->time)) {
        /* outside --since/--until: counted as such, like a log line */
        if (b->delayed)
            e->window.outside.deferred++;
        else
            e->window.outside.bounced++;
        return;
    }
    struct bs_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = BS_EV_DELIVERY;
    ev.status = b->delayed ? BS_ST_DEFERRED : BS_ST_BOUNCED;
    ev.time = b->time;
    ev.sender = bs_cstr(b->sender);
    ev.sender_is_null = !b->sender || !*b->sender || !strcmp(b->sender, "<>");
    ev.recipient = bs_cstr(b->recipient);
    ev.relay_host = bs_cstr(b->remote_mta);
    ev.dsn = bs_cstr(b->status);
    ev.text = bs_cstr(b->text);
    /* No message to remember a delayed recipient in: a bounce mail is
     * one fact, not a line of a message's story. */
    struct bs_attempt a = { .ev = &ev,
                            .rcpt_domain = bs_track_domain_id(e, ev.recipient),
                            .text = ev.text,
                            .sender_known = b->sender != NULL,
                            .sender = e->id_unknown_sender };
    if (a.sender_known)
        a.sender = ev.sender_is_null ? e->id_null_sender
                                     : bs_track_domain_id(e, ev.sender);
    bs_engine_note_time(e, ev.time);
    bs_track_count(e, &a);
}
