/*
 * correlate.h - what the log said earlier about a message, by queue id
 *
 * Postfix names the envelope sender once (qmgr from=) and the recipients
 * later, each on its own line. The correlator remembers per message: the
 * sender domain (an intern id), the last log time, and the recipients that
 * were deferred and have no final outcome yet ("pending"), so that the
 * message's expiry can count exactly those as expired.
 *
 * Bounded: a message unseen for ttl seconds of log time is evicted at the
 * next sweep; when max_messages are tracked, the oldest eighth is evicted.
 * Evicted messages are handed to the caller's callback first so their
 * pending recipients can be counted. Queue ids longer than
 * BS_QUEUE_ID_MAX bytes are refused (NULL).
 */
#ifndef BS_CORRELATE_H
#define BS_CORRELATE_H

#include "common.h"

#define BS_QUEUE_ID_MAX 31
/* A larger max_messages is taken as this (the table's slots, at most
 * four per message, stay within 2^31). */
#define BS_CORRELATOR_MAX_MESSAGES ((size_t)1 << 29)

struct bs_pending {
    uint64_t rcpt_hash;   /* lower-cased recipient address */
    uint32_t rcpt_domain; /* intern id */
    uint32_t detail;      /* intern id of the last deferral's detail */
    uint16_t provider;
    uint16_t category;    /* of the last deferral */
    uint32_t dsn;         /* packed, see agg.h */
    uint32_t sample;      /* intern id of the last deferral text */
    int32_t rule;         /* classification rule of the last deferral */
};

struct bs_message {
    char qid[BS_QUEUE_ID_MAX + 1];
    uint8_t qid_len;
    bool sender_known;
    uint32_t sender; /* intern id of the sender domain */
    int64_t last_time;
    uint32_t npending, pending_cap;
    struct bs_pending *pending;
    /* Used by tables of deliveries (qmail's delivery numbers): the
     * message number, and the recipient. */
    uint64_t link;
    uint64_t rcpt_hash;
    uint32_t rcpt_domain;
    bool held; /* a parallel segment did not see this message begin */
};

typedef void bs_message_fn(void *ctx, struct bs_message *m);

struct bs_correlator;

struct bs_correlator *bs_correlator_new(size_t max_messages, int64_t ttl);
void bs_correlator_free(struct bs_correlator *c);
/* The message with this queue id, or NULL. */
struct bs_message *bs_correlator_find(struct bs_correlator *c,
                                      struct bs_slice qid);
/* The message, created (sender unknown) when new. NULL for a bad id. May
 * evict others first (through evict_fn). The pointer is valid until the
 * next call that adds or removes messages. */
struct bs_message *bs_correlator_upsert(struct bs_correlator *c,
                                        struct bs_slice qid, int64_t now,
                                        bs_message_fn *evict_fn, void *ctx);
/* As bs_correlator_upsert; *added tells whether the message is new. */
struct bs_message *bs_correlator_upsert_added(struct bs_correlator *c,
                                              struct bs_slice qid,
                                              int64_t now,
                                              bs_message_fn *evict_fn,
                                              void *ctx, bool *added);
/* The message with this queue id, begun afresh (sender unknown, nothing
 * pending): one already under the id is handed to forget_fn first, then
 * emptied in place. NULL for a bad id. May evict others first, as
 * bs_correlator_upsert. */
struct bs_message *bs_correlator_begin(struct bs_correlator *c,
                                       struct bs_slice qid, int64_t now,
                                       bs_message_fn *evict_fn,
                                       bs_message_fn *forget_fn, void *ctx);
/* Forgets a message (after the caller has dealt with it). */
void bs_correlator_remove(struct bs_correlator *c, struct bs_message *m);
/* Evicts messages idle for longer than ttl before now. */
void bs_correlator_sweep(struct bs_correlator *c, int64_t now,
                         bs_message_fn *evict_fn, void *ctx);
/* Removes every message whose id starts with prefix, handing each to fn
 * first. */
void bs_correlator_remove_prefixed(struct bs_correlator *c,
                                   struct bs_slice prefix, bs_message_fn *fn,
                                   void *ctx);
/* Calls fn for every tracked message (order unspecified). */
void bs_correlator_foreach(struct bs_correlator *c, bs_message_fn *fn,
                           void *ctx);
size_t bs_correlator_count(const struct bs_correlator *c);
uint64_t bs_correlator_evicted(const struct bs_correlator *c);

/* Pending recipients of a message. */
struct bs_pending *bs_message_find_pending(struct bs_message *m,
                                           uint64_t rcpt_hash);
struct bs_pending *bs_message_add_pending(struct bs_message *m,
                                          uint64_t rcpt_hash);
void bs_message_drop_pending(struct bs_message *m, struct bs_pending *p);

#endif
