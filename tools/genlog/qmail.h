/*
 * qmail.h - the qmail writer: what qmail-send logs for the same mail flow
 *
 * Writes the log of qmail-send (vpopmail serves the hosted domains) as
 * multilog keeps it ("@4000000069287e1c2a3b4c5d new msg 1234",
 * daemontools' TAI64N: label 2^62 + 10 + Unix seconds, nanoseconds 1000 *
 * usec + 500), as tai64nlocal prints that ("2026-11-01 00:00:03.123456500
 * new msg 1234") or as splogger sends it to syslog ("Nov  1 00:00:03 mx1
 * qmail: 1793491203.123456 new msg 1234").
 *
 * The lines, in qmail-send's words:
 *   new msg N                          it takes the message from todo/
 *   info msg N: bytes B from <S> qp Q uid U
 *   starting delivery D: msg N to remote|local ADDR   one per recipient,
 *                                      each time the message is tried
 *   status: local l/L remote r/R       after every start and every result
 *   delivery D: success|failure|deferral: TEXT
 *   bounce msg N qp Q                  the bounce is injected; it is the
 *                                      next "new msg", from <>, same qp
 *   double bounce: discarding bounce/N a failed message from <>
 *                                      (control/doublebounceto "@")
 *   end msg N                          the queue file is gone
 *   status: exiting                    qmail-send stops; it starts again
 * TEXT is what qmail-remote or qmail-local reported, with every blank as
 * '_' and every line end as '/' (qmail_delivery.h). N is the queue file's
 * inode: the lowest free number is taken, so numbers come back soon after
 * "end msg". D counts up from where qmail-send's run is; a restart begins
 * again at 1, at the first moment after it is due that nothing is being
 * delivered (so long logs under steady load may have none). A channel
 * starts at most its concurrency limit of deliveries at once; the others
 * wait for a slot.
 *
 * What the log cannot show, the truth must not know either (writer.h):
 * deliveries started before the log have no "starting delivery" line, so
 * neither recipient nor sender; messages queued before the log or before
 * a restart have no "info msg" in the current run, and bouncestat forgets
 * everything at "status: exiting", so their sender is "?"; and qmail names
 * no MX host, so a recipient domain without a provider rule (custom
 * domains at Google Workspace or Microsoft 365) is known only by the
 * relay IP's network or a signature in the reply (qmail_evidence.h). The
 * writer counts its own truth line by line from exactly that. An expiry
 * is the last attempt's deferral turned into a failure ("I'm not going to
 * try again; this message has been in the queue too long."): it counts
 * expired, not deferred. qmail sends no delay notices; the model's are
 * logged as messages from <> injected by a local script (uid 0).
 *
 * qmail_writer_new() is all the rest of the generator uses; the rest of
 * this header is shared by qmail.c (numbers, messages, notices, restart),
 * qmail_delivery.c and qmail_evidence.c.
 */
#ifndef GENLOG_QMAIL_H
#define GENLOG_QMAIL_H

#include "timefmt.h"
#include "truth.h"
#include "writer.h"

enum qmail_format { QMAIL_MULTILOG, QMAIL_TAI64NLOCAL, QMAIL_SYSLOG };

/* rfc3339: for QMAIL_SYSLOG, RFC 3339 syslog stamps instead of BSD. */
struct writer *qmail_writer_new(enum qmail_format format, int rfc3339);

/* Queue file numbers: at most this many at once (the model's pool). */
#define QMAIL_NUMBERS   65536u

/* What the writer remembers about a queue file, by number. */
struct qmail_msg {
    uint32_t qp;            /* qmail-queue's pid */
    uint32_t info_run;      /* the run that logged "info msg"; 0: none */
    uint32_t delivery[MAX_RCPT];    /* each recipient's delivery number */
    uint8_t started;        /* bit i: delivery[i] has a starting line in
                             * the current run */
    uint8_t prelog;         /* bit i: delivery[i] began before the log */
    uint8_t waiting;        /* bit i: waits for a free delivery slot */
    uint32_t gen;           /* counts the number's messages */
};

/* A recipient waiting for a delivery slot (qmail_delivery.c). */
struct qmail_wait {
    const struct message *m;
    uint32_t number;        /* m's queue file number when it was queued */
    uint32_t gen;           /* and its generation */
    uint8_t rcpt;
};

#define QMAIL_WAIT_MAX  4096u   /* per channel, a power of two */

struct qmail_wait_ring {
    struct qmail_wait e[QMAIL_WAIT_MAX];
    uint32_t head, n;
};

/* A bounce whose lines wait for its parent's "end msg" (qmail.c). */
struct qmail_owed {
    const struct message *notice;
    uint32_t parent;        /* the parent's queue file number */
};

#define QMAIL_OWED_MAX  256

struct qmail_writer {
    struct writer base;
    struct writer_env env;
    enum qmail_format format;
    struct timefmt_cache stamp;     /* syslog prefix */
    int64_t head_sec;               /* the second head[] renders */
    char head[40];                  /* "@40000000xxxxxxxx" or the date */
    size_t head_len;
    struct truth truth;

    /* Queue file numbers: number = first + slot, lowest free slot first:
     * a min-heap of freed slots, then the slots never used. */
    uint32_t first;                 /* the number of slot 0 */
    uint32_t *free_slots;           /* QMAIL_NUMBERS, a min-heap */
    uint32_t n_free;
    uint32_t fresh;                 /* the lowest slot never used */
    struct qmail_msg *msg;          /* QMAIL_NUMBERS, by slot */

    /* The current run of qmail-send. */
    uint32_t run;                   /* from 1 */
    uint32_t next_delivery;
    uint32_t prelog_delivery;       /* numbers of deliveries begun before
                                     * the log, counting down */
    uint32_t busy[2];               /* deliveries in progress: local,
                                     * remote */
    uint32_t limit[2];              /* concurrencylocal, concurrencyremote */
    struct qmail_wait_ring wait[2]; /* starts held back by the limits */
    uint32_t pid;                   /* the last pid handed out */
    uint64_t first_us;              /* when the log starts; 0: not yet */
    uint64_t restart_at;            /* the next restart, once idle */

    struct qmail_owed owed[QMAIL_OWED_MAX];
    unsigned n_owed;

    struct {
        uint64_t restarts, unstarted, reused, mismatched;
    } stats;
};

static inline struct qmail_writer *qmail_of(struct writer *w)
{
    return (struct qmail_writer *)w;
}

/* The stamp every line starts with, in the writer's format. */
void qmail_prefix(struct qmail_writer *q);
/* "status: local l/L remote r/R" */
void qmail_status_line(struct qmail_writer *q);

/* The queue file number of m, and its state. */
uint32_t qmail_number(const struct message *m);
struct qmail_msg *qmail_msg_of(struct qmail_writer *q, const struct message *m);

/* Channels: local (qmail-lspawn) and remote (qmail-rspawn). */
enum { QMAIL_LOCAL, QMAIL_REMOTE };

/* If notice n's "new msg" lines still wait for its parent's "end msg",
 * writes them now (n is about to be delivered). */
void qmail_flush_owed(struct qmail_writer *q, const struct message *n);
/* Restarts qmail-send if one is due and no delivery is in progress. */
void qmail_maybe_restart(struct qmail_writer *q);

/* A summary of what only this writer knows, for the closing line. */
void qmail_print_stats(const struct writer *w, FILE *fp);

#endif
