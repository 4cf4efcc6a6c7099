/*
 * plan.h - deciding a message before it is queued: who, to whom, and fates
 *
 * The planner fills in a message the simulation has just allocated: the
 * sender and the direction of the mail, the client that hands it to us,
 * its size, its recipients and, for each recipient, the planned outcome
 * (sent, bounced or expired), how many attempts defer first, and which
 * reply texts it will get. The simulation then only plays the plan out.
 *
 * Failure odds are scaled at plan_init() so that the expected share of
 * failed recipients of planned messages is --failure-share; unauthenticated
 * senders fail three times as often as the others. Now and then
 * a customer sends a burst: the next 50-400 messages share its domain.
 *
 * The planner owns its domain pickers and the burst state; it draws from
 * the generator given to plan_init(), whose order of draws is part of the
 * output (rng.h).
 */
#ifndef GENLOG_PLAN_H
#define GENLOG_PLAN_H

#include "message.h"
#include "rng.h"

struct planner {
    struct rng *rng;
    struct plan_pickers {
        struct rng_weights external;    /* recipients elsewhere */
        struct rng_weights plain;       /* elsewhere, provider known by
                                         * the domain */
        struct rng_weights local;       /* recipients hosted here */
        struct rng_weights nx, dead;
        struct rng_weights sender;
        struct rng_weights local_sender;
    } pick;
    uint32_t fail_good_ppm, fail_bad_ppm;
    uint32_t burst_left;    /* messages left in the current burst */
    uint8_t burst_domain;
};

/* failure_ppm: --failure-share in parts per million. No draws. */
void plan_init(struct planner *p, struct rng *rng, uint32_t failure_ppm);

/* Everything about a fresh (zeroed) message of kind SMTPD or PRELOG. */
void plan_message(struct planner *p, struct message *m, enum kind kind);

/*
 * A notice (bounce or delay) sent back to parent's sender, in two halves
 * because its queue file is created in between: the message, then its one
 * recipient. n must be zeroed.
 */
void plan_notice_begin(struct planner *p, struct message *n);
void plan_notice_recipient(struct planner *p, struct message *n,
                           const struct message *parent);

/* Maybe starts a burst; call once per arrival, before plan_message(). */
void plan_maybe_start_burst(struct planner *p);

static inline int plan_is_bursting(const struct planner *p)
{
    return p->burst_left != 0;
}

/* A person's mailbox name, NUL-terminated, shorter than LOCAL_MAX. */
void plan_person(struct rng *rng, char *buf, uint8_t *len);
/* A domain hosted here, weighted like local recipients. */
uint8_t plan_local_domain(const struct planner *p);

#endif
