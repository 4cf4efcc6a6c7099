/*
 * postfix_procs.h - the process ids a Postfix server logs under
 *
 * Each service (cleanup, smtp, local, ...) has a small pool of worker
 * processes; a line names one at random, and now and then one retires and
 * a newly forked one with a higher pid takes its place. qmgr, anvil and
 * scache are single long-lived processes. smtpd and submission processes
 * serve one session at a time: a session takes an idle one (or forks),
 * and gives it back when the client leaves.
 *
 * Pids only grow, from a random start. All choices draw from the rng the
 * caller passes.
 */
#ifndef GENLOG_POSTFIX_PROCS_H
#define GENLOG_POSTFIX_PROCS_H

#include "rng.h"

enum postfix_service {
    SVC_CLEANUP, SVC_SMTP, SVC_LOCAL, SVC_VIRTUAL, SVC_LMTP,
    SVC_BOUNCE, SVC_ERROR, SVC_POSTSCREEN, SVC_OPENDKIM, SVC_COUNT
};

#define POSTFIX_POOL_MAX        16      /* processes of one service */
#define POSTFIX_IDLE_MAX        64

/* smtpd processes serve one session at a time: idle ones wait here. */
struct postfix_idle {
    uint32_t pid[POSTFIX_IDLE_MAX];
    uint32_t n;
};

struct postfix_procs {
    uint32_t next;          /* the last pid handed out */
    uint32_t qmgr, anvil, scache;
    uint32_t pool[SVC_COUNT][POSTFIX_POOL_MAX];
    struct postfix_idle smtpd, submission;
};

void postfix_procs_init(struct postfix_procs *p, struct rng *rng);
/* A process id of a service; now and then a process retires. */
uint32_t postfix_pid(struct postfix_procs *p, struct rng *rng,
                     enum postfix_service svc);
/* The first process of a service, for one that never changes. */
static inline uint32_t postfix_first_pid(const struct postfix_procs *p,
                                         enum postfix_service svc)
{
    return p->pool[svc][0];
}

/* An idle smtpd (or submission smtpd) for a new session, or a new one. */
uint32_t postfix_session_take(struct postfix_procs *p, struct rng *rng,
                              int submission);
/* Back to idle; past max_use or with enough idle ones it exits. */
void postfix_session_release(struct postfix_procs *p, struct rng *rng,
                             int submission, uint32_t pid);
/* A process that is idle right now, for one-line sessions (noise). */
uint32_t postfix_session_peek(struct postfix_procs *p, struct rng *rng,
                              int submission);

#endif
