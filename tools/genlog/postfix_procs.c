/*
 * postfix_procs.c - worker pools and smtpd session processes
 */
#include "postfix_procs.h"

#include <string.h>

static const uint8_t service_procs[SVC_COUNT] = {4, 16, 3, 3, 4, 2, 2, 1, 1};

static uint32_t fork_pid(struct postfix_procs *p, struct rng *rng)
{
    return p->next += (uint32_t)rng_range(rng, 1, 60);
}

void postfix_procs_init(struct postfix_procs *p, struct rng *rng)
{
    memset(p, 0, sizeof(*p));
    p->next = 1000 + rng_below(rng, 20000);
    p->qmgr = p->next;
    p->anvil = (p->next += 7);
    p->scache = (p->next += 3);
    for (int s = 0; s < SVC_COUNT; s++)
        for (int i = 0; i < service_procs[s]; i++)
            p->pool[s][i] = (p->next += (uint32_t)rng_range(rng, 1, 90));
}

uint32_t postfix_pid(struct postfix_procs *p, struct rng *rng,
                     enum postfix_service svc)
{
    uint32_t i = rng_below(rng, service_procs[svc]);

    if (rng_below(rng, 1000) < 3)
        p->pool[svc][i] = fork_pid(p, rng);
    return p->pool[svc][i];
}

static struct postfix_idle *idle_of(struct postfix_procs *p, int submission)
{
    return submission ? &p->submission : &p->smtpd;
}

uint32_t postfix_session_take(struct postfix_procs *p, struct rng *rng,
                              int submission)
{
    struct postfix_idle *idle = idle_of(p, submission);

    if (idle->n && rng_below(rng, 100) != 0)
        return idle->pid[--idle->n];
    return fork_pid(p, rng);
}

void postfix_session_release(struct postfix_procs *p, struct rng *rng,
                             int submission, uint32_t pid)
{
    struct postfix_idle *idle = idle_of(p, submission);

    if (idle->n < 12 && rng_below(rng, 100) != 0)
        idle->pid[idle->n++] = pid;
}

uint32_t postfix_session_peek(struct postfix_procs *p, struct rng *rng,
                              int submission)
{
    struct postfix_idle *idle = idle_of(p, submission);

    if (idle->n)
        return idle->pid[rng_below(rng, idle->n)];
    return fork_pid(p, rng);
}
