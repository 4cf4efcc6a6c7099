/*
 * writer.h - the seam between the mail-flow model and an MTA's log format
 *
 * The simulation (sim.h) decides what happens to each message and when:
 * a client connects, the message is queued, each delivery attempt for
 * each recipient ends sent, bounced or deferred with a given reply, the
 * message expires, a notice goes back to the sender, the queue file is
 * removed. At each such event it calls the writer, which appends the
 * lines its MTA would log, to env->out, stamped with *env->now. A writer
 * decides nothing about the mail flow, only how it is logged.
 *
 * One writer per MTA format, behind struct writer_ops: postfix.h and
 * qmail.h (qmail-send under multilog or splogger). To add another,
 * implement every op in new files, map each event to that MTA's lines (an
 * op may write nothing), and let main.c choose it. The MTA-neutral pieces
 * (addresses, relay hosts, reply texts, the syslog prefix) are in
 * render.h; the qmail writer stamps multilog lines with TAI64N from
 * *env->now instead of the syslog prefix. Per-message state a writer
 * needs goes in the fields of struct message marked "writer's" (or in
 * the writer, keyed by what it put there: qmail's queue numbers).
 *
 * Determinism: writers draw from env->rng, the model's own generator (for
 * process ids, tokens, optional lines). Every draw shifts all later ones,
 * so a seed reproduces a log only with the same format; the ground truth
 * always matches the log it came with. A writer must draw the same way
 * for the same inputs. The ground truth counts every delivery and expiry
 * event as the writer logs it (truth.h), so a writer must log each one in
 * a form bouncestat counts that way - or, where its MTA's log says less
 * than the model knows (qmail names no sender for a message queued before
 * its run, no recipient for a delivery started before the log, no relay
 * host), keep its own truth of what the lines it wrote show, and hand it
 * out through the truth op.
 *
 * Ops run in event order, with now non-decreasing. A step writes at most
 * OUT_SLACK bytes in all (out.h).
 */
#ifndef GENLOG_WRITER_H
#define GENLOG_WRITER_H

#include "message.h"
#include "out.h"
#include "plan.h"
#include "replies.h"
#include "rng.h"

struct truth;

/* What the model lends a writer for the whole run. */
struct writer_env {
    struct out *out;
    struct rng *rng;
    const uint64_t *now;            /* simulated time, microseconds */
    const struct planner *plan;     /* names and domains for noise */
};

struct writer {
    const struct writer_ops *ops;
};

struct writer_ops {
    /* Once, after seeding and before any other op; may draw. */
    void (*start)(struct writer *w, const struct writer_env *env);
    /* Names a new queue file: fills m->qid from m->created_us and the
     * file's inode (which only grows). Writes nothing. */
    void (*name_queue_file)(struct writer *w, struct message *m,
                            uint64_t inode);
    /* An SMTP client connects to deliver m; may set m->session_pid. */
    void (*connect)(struct writer *w, struct message *m);
    /* The session has a queue file for m (m->qid is set). */
    void (*received)(struct writer *w, const struct message *m);
    /* m's content is in the queue file (headers, message-id). */
    void (*enqueued)(struct writer *w, const struct message *m);
    /* The queue manager takes m up: first time or a retry (m->attempt
     * says which). Logs the envelope sender. */
    void (*activated)(struct writer *w, const struct message *m);
    /* The SMTP client that delivered m leaves. */
    void (*disconnect)(struct writer *w, const struct message *m);
    /* One attempt for r ended with st and the remote's reply rep. */
    void (*delivery)(struct writer *w, const struct message *m,
                     const struct rcpt *r, enum status st,
                     const struct reply *rep);
    /* m is too old: its open recipients expire, returned to sender. */
    void (*expired)(struct writer *w, const struct message *m);
    /* A notice for m's sender has been created as message notice. */
    void (*notice_created)(struct writer *w, const struct message *notice);
    /* After notice is activated: the notice is on its way; delay says
     * whether it is a delay warning or a non-delivery notice. */
    void (*notice_sent)(struct writer *w, const struct message *m,
                        const struct message *notice, int delay);
    /* m's queue file is gone. */
    void (*removed)(struct writer *w, const struct message *m);
    /* Background lines that belong to no message (about every 1.5 s). */
    void (*noise)(struct writer *w);
    /* Periodic statistics lines (about every 10 min). */
    void (*statistics)(struct writer *w);
    void (*free)(struct writer *w);
    /* Optional: the writer's own ground truth of the log it wrote, in
     * place of the model's; NULL: the model's truth holds (truth.h). */
    const struct truth *(*truth)(struct writer *w);
};

#endif
