/*
 * event_queue.h - what happens next: a binary min-heap of timed events
 *
 * An event is (time, sequence number, slot). Pops come in non-decreasing
 * time; events at the same time come out in the order they were pushed,
 * because the sequence number breaks ties - the determinism of the whole
 * log rests on that. A slot is a message's index in the simulation's pool,
 * or one of the reserved values the simulation defines for its timers.
 *
 * The capacity is fixed at init; pushing past it is a bug and aborts.
 */
#ifndef GENLOG_EVENT_QUEUE_H
#define GENLOG_EVENT_QUEUE_H

#include "common.h"

struct event {
    uint64_t at;            /* simulated time, microseconds */
    uint64_t seq;           /* ties keep insertion order: determinism */
    uint32_t slot;
};

struct event_queue {
    struct event *ev;
    uint32_t len, cap;
    uint64_t seq;           /* the next sequence number */
};

void event_queue_init(struct event_queue *q, uint32_t cap);
void event_queue_fini(struct event_queue *q);
void event_queue_push(struct event_queue *q, uint64_t at, uint32_t slot);
/* The earliest event; the queue must not be empty. */
struct event event_queue_pop(struct event_queue *q);

static inline int event_queue_is_empty(const struct event_queue *q)
{
    return q->len == 0;
}

#endif
