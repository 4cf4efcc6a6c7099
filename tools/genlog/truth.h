/*
 * truth.h - the ground truth: what bouncestat must report for the log
 *
 * With --truth, the generator writes the exact CSV that
 * "bouncestat --format csv --by provider,sender_domain" must print for the
 * log it wrote. Header "provider,sender_domain,sent,bounced,expired,
 * deferred,failure_rate", one row per (provider, sender domain) with any
 * counted event, sorted by both columns with strcmp.
 *
 * Events are counted as their lines are written. Each "to=<...>, ...
 * status=sent|bounced" line of smtp, lmtp, local, virtual or error is a
 * final outcome; each status=deferred one is one attempt; a qmgr
 * "from=<...>, status=expired, returned to sender" line makes every
 * recipient of that queue id still without a final outcome expired (all
 * of them were seen deferred before). Lines without to= ("host X said:",
 * "lost connection", NOQUEUE reject, cleanup header warnings, opendkim,
 * bounce "sender ... notification") count nothing.
 *
 * Provider comes from the recipient domain (to=, never orig_to=),
 * case-insensitively, else from the relay host; recipients whose provider
 * is known only from the relay never expire and never get relay=none
 * lines (the planner and the reply tables see to that). Sender domain is
 * the lower-cased domain of the last qmgr from= line of the queue id, "<>"
 * for the null sender (notifications, remote bounces), "?" if none was
 * logged (messages queued before the log starts; they never defer, so no
 * retry from= line reveals them later). failure_rate = (bounced + expired)
 * / (sent + bounced + expired) with "%.4f", empty when that is 0.
 *
 * total sums every cell, for the summary line.
 */
#ifndef GENLOG_TRUTH_H
#define GENLOG_TRUTH_H

#include "domains.h"
#include "message.h"

/* Sender keys: the null sender, the unknown one, then domain index + 2. */
#define TRUTH_SENDER_KEYS       (DOMAIN_MAX + 2)

struct truth_counts {
    uint64_t sent, bounced, expired, deferred;
};

struct truth {
    struct truth_counts cell[PROV_COUNT][TRUTH_SENDER_KEYS];
    struct truth_counts total;
};

void truth_init(struct truth *t);
/* A delivery line for r with status st has been written. */
void truth_count(struct truth *t, const struct message *m,
                 const struct rcpt *r, enum status st);
/* r is one of the open recipients of an expired line just written. */
void truth_count_expired(struct truth *t, const struct message *m,
                         const struct rcpt *r);
/* Writes the CSV; 0, or -1 with errno set. */
int truth_write_csv(const struct truth *t, const char *path);

#endif
