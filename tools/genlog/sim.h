/*
 * sim.h - the discrete-event simulation of a mail server's queue
 *
 * Each message is a small state machine: connect, client, cleanup, qmgr,
 * disconnect, one delivery per open recipient per attempt, retries,
 * expiry, notification, removed. Its next step waits in the event queue
 * keyed by (time, sequence number); popping it yields steps in
 * non-decreasing time and interleaves tens to hundreds of messages in
 * flight. Arrivals follow the hour-of-day load of a Japanese server, with
 * bursts from customers' newsletters. Some messages are already queued
 * when the log starts (no from= line: sender "?"), and some recipients are
 * still deferred when it ends. Two timers besides drive the writer's noise
 * and statistics lines.
 *
 * The planner (plan.h) decides each message up front; the simulation
 * plays it out and calls the writer (writer.h) at every event; the truth
 * (truth.h) counts each delivery attempt and expiry as its line is
 * written. Only the seeded generator decides anything, so the same
 * configuration (and writer) gives a byte-identical log and truth.
 *
 * Arrivals stop when cfg.messages have arrived or, with cfg.messages 0,
 * once the log holds cfg.size bytes; the log then runs 15 minutes longer
 * and stops with the rest in flight. At most 65536 messages are in flight
 * (POOL_CAP); an arrival that finds the pool full is skipped and counted.
 *
 * struct sim is caller storage and must not move after sim_init(): the
 * writer keeps pointers to its clock and generator.
 */
#ifndef GENLOG_SIM_H
#define GENLOG_SIM_H

#include "event_queue.h"
#include "message.h"
#include "out.h"
#include "plan.h"
#include "rng.h"
#include "truth.h"
#include "writer.h"

struct sim_config {
    uint64_t seed;
    uint64_t messages;      /* arrivals to simulate; 0: size drives */
    uint64_t size;          /* log bytes after which arrivals stop */
    int64_t start;          /* seconds since the epoch, UTC */
    uint32_t failure_ppm;   /* --failure-share */
};

struct sim_stats {
    uint64_t messages;      /* planned, including prelog */
    uint64_t prelog;        /* queued before the log starts */
    uint64_t notices;       /* bounce and delay notices sent */
    uint64_t skipped;       /* arrivals that found the pool full */
};

struct sim {
    struct sim_config cfg;
    struct rng rng;
    uint64_t now;           /* simulated time, microseconds */
    uint64_t inode;         /* the last queue file inode handed out */
    struct planner plan;
    struct truth truth;
    struct sim_stats stats;
    struct out *out;
    struct writer *writer;
    struct message *pool;   /* POOL_CAP messages, KIND_FREE when unused */
    uint32_t *free_slots;
    uint32_t n_free;
    struct event_queue events;
    int stopping;           /* arrivals are over */
    uint64_t end_us;        /* when stopping: the last moment logged */
};

/* Seeds, starts the writer and queues the first events. Draws. */
void sim_init(struct sim *s, const struct sim_config *cfg, struct out *out,
              struct writer *w);
/* Runs to the end and flushes out. */
void sim_run(struct sim *s);
/* Recipients still deferred, in messages still in flight. */
uint64_t sim_pending(const struct sim *s);
/* Frees the pool and the queue; not the writer or out. */
void sim_fini(struct sim *s);

#endif
