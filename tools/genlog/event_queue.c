/*
 * event_queue.c - sift-up and sift-down on (at, seq)
 */
#include "event_queue.h"

#include <stdio.h>
#include <stdlib.h>

void event_queue_init(struct event_queue *q, uint32_t cap)
{
    q->ev = xcalloc(cap, sizeof(*q->ev));
    q->len = 0;
    q->cap = cap;
    q->seq = 0;
}

void event_queue_fini(struct event_queue *q)
{
    free(q->ev);
    q->ev = NULL;
    q->len = q->cap = 0;
}

static int ev_before(const struct event *a, const struct event *b)
{
    return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

void event_queue_push(struct event_queue *q, uint64_t at, uint32_t slot)
{
    struct event e = {at, q->seq++, slot};
    uint32_t i = q->len++;

    if (q->len > q->cap) {
        fputs(PROGNAME ": event heap overflow\n", stderr);
        abort();
    }
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;

        if (!ev_before(&e, &q->ev[parent]))
            break;
        q->ev[i] = q->ev[parent];
        i = parent;
    }
    q->ev[i] = e;
}

struct event event_queue_pop(struct event_queue *q)
{
    struct event top = q->ev[0];
    struct event last = q->ev[--q->len];
    uint32_t i = 0;

    for (;;) {
        uint32_t child = 2 * i + 1;

        if (child >= q->len)
            break;
        if (child + 1 < q->len && ev_before(&q->ev[child + 1], &q->ev[child]))
            child++;
        if (!ev_before(&q->ev[child], &last))
            break;
        q->ev[i] = q->ev[child];
        i = child;
    }
    if (q->len)
        q->ev[i] = last;
    return top;
}
