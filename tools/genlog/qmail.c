/*
 * qmail.c - the qmail writer: stamps, queue file numbers, messages,
 * bounces, restarts
 *
 * Here are the writer's ops table and the lines of a message's life
 * outside its deliveries: "new msg" and "info msg" when qmail-send first
 * takes the message up, "bounce msg" and the bounce's own "new msg",
 * "end msg", and the restart. Connections, cleanup and statistics are
 * other programs' business: qmail-send logs nothing for them.
 */
#include "qmail.h"

#include "qmail_delivery.h"
#include "render.h"

#include <stdlib.h>

#define TAI64_UNIX      0x400000000000000aULL   /* 2^62 + 10 */
#define RESTART_FIRST   (600 * SEC)     /* after the log starts, once idle */
#define RESTART_EVERY   (6 * 3600 * SEC)
#define PID_MAX         4194304u

/* uids of the processes that run qmail-queue (LWQ's users). */
#define UID_QMAILD      7791u           /* qmail-smtpd */
#define UID_QMAILS      7796u           /* qmail-send injecting a bounce */
#define UID_ROOT        0u              /* the delay warning script */

/* ------------------------------------------------------------------ */
/* Stamps                                                             */

static const char hex_lower[] = "0123456789abcdef";

static void put_hex(struct out *o, uint64_t v, int digits)
{
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4)
        out_ch(o, hex_lower[(v >> shift) & 15]);
}

static char *two(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

/* "@400000006924f1c3" (TAI64 label) or "2026-11-01 00:00:03." */
static void render_head(struct qmail_writer *q, int64_t sec)
{
    char *p = q->head;

    if (q->format == QMAIL_MULTILOG) {
        uint64_t label = TAI64_UNIX + (uint64_t)sec;

        *p++ = '@';
        for (int shift = 60; shift >= 0; shift -= 4)
            *p++ = hex_lower[(label >> shift) & 15];
    } else {
        struct civil c = timefmt_civil_from_time(sec);

        p = two(p, (unsigned)(c.year / 100));
        p = two(p, (unsigned)(c.year % 100));
        *p++ = '-';
        p = two(p, c.mon);
        *p++ = '-';
        p = two(p, c.day);
        *p++ = ' ';
        p = two(p, c.hour);
        *p++ = ':';
        p = two(p, c.min);
        *p++ = ':';
        p = two(p, c.sec);
        *p++ = '.';
    }
    q->head_len = (size_t)(p - q->head);
    q->head_sec = sec;
}

void qmail_prefix(struct qmail_writer *q)
{
    struct out *o = q->env.out;
    uint64_t now = *q->env.now;
    int64_t sec = (int64_t)(now / SEC);
    uint64_t usec = now % SEC;

    if (q->format == QMAIL_SYSLOG) {
        render_syslog_prefix(&q->env, &q->stamp, "qmail", 0);
        out_u64(o, (uint64_t)sec);
        out_ch(o, '.');
        out_padded(o, usec, 6);
        out_ch(o, ' ');
        return;
    }
    if (sec != q->head_sec)
        render_head(q, sec);
    out_mem(o, q->head, q->head_len);
    /* daemontools' taia_now(): nano = 1000 * usec + 500 */
    if (q->format == QMAIL_MULTILOG)
        put_hex(o, usec * 1000 + 500, 8);
    else
        out_padded(o, usec * 1000 + 500, 9);
    out_ch(o, ' ');
}

void qmail_status_line(struct qmail_writer *q)
{
    struct out *o = q->env.out;

    qmail_prefix(q);
    OUT_LIT(o, "status: local ");
    /* a recipient started when the model delivers it may overshoot */
    out_u64(o, q->busy[QMAIL_LOCAL] < q->limit[QMAIL_LOCAL]
               ? q->busy[QMAIL_LOCAL] : q->limit[QMAIL_LOCAL]);
    out_ch(o, '/');
    out_u64(o, q->limit[QMAIL_LOCAL]);
    OUT_LIT(o, " remote ");
    out_u64(o, q->busy[QMAIL_REMOTE] < q->limit[QMAIL_REMOTE]
               ? q->busy[QMAIL_REMOTE] : q->limit[QMAIL_REMOTE]);
    out_ch(o, '/');
    out_u64(o, q->limit[QMAIL_REMOTE]);
    out_end_line(o);
}

/* ------------------------------------------------------------------ */
/* Queue file numbers                                                 */

static void heap_push(struct qmail_writer *q, uint32_t slot)
{
    uint32_t *h = q->free_slots, i = q->n_free++;

    while (i && h[(i - 1) / 2] > slot) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = slot;
}

static uint32_t heap_pop(struct qmail_writer *q)
{
    uint32_t *h = q->free_slots, top = h[0], last = h[--q->n_free], i = 0;

    for (;;) {
        uint32_t c = 2 * i + 1;

        if (c >= q->n_free)
            break;
        if (c + 1 < q->n_free && h[c + 1] < h[c])
            c++;
        if (h[c] >= last)
            break;
        h[i] = h[c];
        i = c;
    }
    if (q->n_free)
        h[i] = last;
    return top;
}

static uint32_t slot_take(struct qmail_writer *q)
{
    if (q->n_free) {
        q->stats.reused++;
        return heap_pop(q);
    }
    if (q->fresh == QMAIL_NUMBERS) {
        fputs(PROGNAME ": out of qmail queue numbers\n", stderr);
        exit(1);
    }
    return q->fresh++;
}

uint32_t qmail_number(const struct message *m)
{
    uint32_t n = 0;

    for (unsigned i = 0; i < m->qid_len; i++)
        n = n * 10 + (uint32_t)(m->qid[i] - '0');
    return n;
}

struct qmail_msg *qmail_msg_of(struct qmail_writer *q, const struct message *m)
{
    return &q->msg[qmail_number(m) - q->first];
}

static uint32_t next_pid(struct qmail_writer *q)
{
    q->pid += 1 + rng_below(q->env.rng, 40);
    if (q->pid >= PID_MAX)
        q->pid = 300 + rng_below(q->env.rng, 1000);
    return q->pid;
}

/* The first moment seen fixes when the first restart is due. */
static void note_time(struct qmail_writer *q)
{
    if (!q->first_us) {
        q->first_us = *q->env.now;
        q->restart_at = q->first_us + RESTART_FIRST;
    }
}

/*
 * The queue file's inode, as qmail-queue gets it: the lowest free one, so
 * a number comes back soon after its "end msg". The sim's own inode
 * (which only grows) is not used. A message queued before the log had its
 * deliveries started then, as far as the limits allowed (numbers below
 * the run's counter, no line); its other recipients wait for a slot.
 */
static void q_name_queue_file(struct writer *w, struct message *m,
                              uint64_t inode)
{
    struct qmail_writer *q = qmail_of(w);
    uint32_t slot = slot_take(q), number = q->first + slot;
    struct qmail_msg *s = &q->msg[slot];
    char tmp[12];
    int n = 0;

    (void)inode;
    note_time(q);
    do {
        tmp[n++] = (char)('0' + number % 10);
        number /= 10;
    } while (number);
    m->qid_len = 0;
    while (n)
        m->qid[m->qid_len++] = tmp[--n];
    *s = (struct qmail_msg){.qp = next_pid(q), .gen = s->gen + 1};
    if (m->kind == KIND_PRELOG)
        qmail_prelog_deliveries(q, m, q->limit);
}

/* ------------------------------------------------------------------ */
/* Messages                                                           */

static uint32_t uid_of(const struct message *m)
{
    if (m->kind == KIND_NOTICE)
        return UID_QMAILS;
    if (m->client_kind == CL_LOCALHOST)
        return 1000u + m->client_num % 40u;     /* a customer's cron job */
    return UID_QMAILD;
}

/* "new msg N", "info msg N: ...", then a start for every recipient. */
static void take_up(struct qmail_writer *q, const struct message *m,
                    uint32_t uid)
{
    struct out *o = q->env.out;
    struct qmail_msg *s = qmail_msg_of(q, m);

    qmail_prefix(q);
    OUT_LIT(o, "new msg ");
    out_mem(o, m->qid, m->qid_len);
    out_end_line(o);
    qmail_prefix(q);
    OUT_LIT(o, "info msg ");
    out_mem(o, m->qid, m->qid_len);
    OUT_LIT(o, ": bytes ");
    out_u64(o, m->size);
    OUT_LIT(o, " from <");
    render_sender(o, m);
    OUT_LIT(o, "> qp ");
    out_u64(o, s->qp);
    OUT_LIT(o, " uid ");
    out_u64(o, uid);
    out_end_line(o);
    s->info_run = q->run;
    qmail_start_deliveries(q, m);
}

static void q_activated(struct writer *w, const struct message *m)
{
    struct qmail_writer *q = qmail_of(w);

    if (m->attempt > 1) {
        qmail_start_deliveries(q, m);
        return;
    }
    if (m->kind == KIND_NOTICE)
        return;                 /* notice_sent() takes it up */
    take_up(q, m, uid_of(m));
}

/*
 * A bounce: "bounce msg M qp Q" now; the bounce's "new msg" follows the
 * parent's "end msg", as qmail-send logs them. qmail sends no delay
 * notices: the model's are logged as mail from <> that a queue-watching
 * script injected.
 */
static void q_notice_sent(struct writer *w, const struct message *m,
                          const struct message *n, int delay)
{
    struct qmail_writer *q = qmail_of(w);
    struct out *o = q->env.out;

    if (delay) {
        take_up(q, n, UID_ROOT);
        return;
    }
    qmail_prefix(q);
    OUT_LIT(o, "bounce msg ");
    out_mem(o, m->qid, m->qid_len);
    OUT_LIT(o, " qp ");
    out_u64(o, qmail_msg_of(q, n)->qp);
    out_end_line(o);
    if (q->n_owed == QMAIL_OWED_MAX) {
        take_up(q, n, UID_QMAILS);
        return;
    }
    q->owed[q->n_owed++] = (struct qmail_owed){n, qmail_number(m)};
}

static void flush_owed_at(struct qmail_writer *q, unsigned i)
{
    const struct message *n = q->owed[i].notice;

    q->owed[i] = q->owed[--q->n_owed];
    take_up(q, n, UID_QMAILS);
}

void qmail_flush_owed(struct qmail_writer *q, const struct message *n)
{
    for (unsigned i = 0; i < q->n_owed; i++)
        if (q->owed[i].notice == n) {
            flush_owed_at(q, i);
            return;
        }
}

static void q_removed(struct writer *w, const struct message *m)
{
    struct qmail_writer *q = qmail_of(w);
    struct out *o = q->env.out;
    uint32_t number = qmail_number(m);

    if (m->failed && m->sender_domain == SENDER_NULL) {
        /* control/doublebounceto is "@": no bounce for a bounce */
        qmail_prefix(q);
        OUT_LIT(o, "double bounce: discarding bounce/");
        out_mem(o, m->qid, m->qid_len);
        out_end_line(o);
    }
    qmail_prefix(q);
    OUT_LIT(o, "end msg ");
    out_mem(o, m->qid, m->qid_len);
    out_end_line(o);
    heap_push(q, number - q->first);
    for (unsigned i = 0; i < q->n_owed;)
        if (q->owed[i].parent == number)
            flush_owed_at(q, i);
        else
            i++;
}

/* ------------------------------------------------------------------ */
/* Restart                                                            */

/*
 * qmail-send exits once its deliveries in progress are done, and
 * supervise starts it again: delivery numbers begin at 1, and what the
 * old run logged about messages still queued ("info msg") is not
 * repeated. Done at the first moment nothing is being delivered.
 */
void qmail_maybe_restart(struct qmail_writer *q)
{
    struct out *o = q->env.out;

    if (!q->restart_at || *q->env.now < q->restart_at ||
        q->busy[QMAIL_LOCAL] || q->busy[QMAIL_REMOTE])
        return;
    qmail_prefix(q);
    OUT_LIT(o, "status: exiting");
    out_end_line(o);
    q->run++;
    q->next_delivery = 1;
    q->stats.restarts++;
    q->restart_at = *q->env.now + RESTART_EVERY;
    qmail_status_line(q);
}

static void q_noise(struct writer *w)
{
    struct qmail_writer *q = qmail_of(w);

    note_time(q);
    qmail_pump(q);
    qmail_maybe_restart(q);
}

/* ------------------------------------------------------------------ */
/* The ops table                                                      */

static void q_nothing(struct writer *w, const struct message *m)
{
    (void)w;
    (void)m;
}

static void q_connect(struct writer *w, struct message *m)
{
    (void)w;
    (void)m;
}

static void q_notice_created(struct writer *w, const struct message *n)
{
    (void)w;
    (void)n;
}

static void q_statistics(struct writer *w)
{
    (void)w;
}

static void q_start(struct writer *w, const struct writer_env *env)
{
    struct qmail_writer *q = qmail_of(w);

    q->env = *env;
    q->first = 0x100000 + rng_below(env->rng, 0x700000);
    q->pid = 2000 + rng_below(env->rng, 30000);
    q->run = 1;
    q->next_delivery = 500 + rng_below(env->rng, 90000);
    q->prelog_delivery = q->next_delivery - 1;
    q->limit[QMAIL_LOCAL] = 40;
    q->limit[QMAIL_REMOTE] = 120;
}

static const struct truth *q_truth(struct writer *w)
{
    return &qmail_of(w)->truth;
}

static void q_free(struct writer *w)
{
    struct qmail_writer *q = qmail_of(w);

    free(q->free_slots);
    free(q->msg);
    free(q);
}

static const struct writer_ops qmail_ops = {
    .start = q_start,
    .name_queue_file = q_name_queue_file,
    .connect = q_connect,
    .received = q_nothing,
    .enqueued = q_nothing,
    .activated = q_activated,
    .disconnect = q_nothing,
    .delivery = qmail_delivery,
    .expired = q_nothing,
    .notice_created = q_notice_created,
    .notice_sent = q_notice_sent,
    .removed = q_removed,
    .noise = q_noise,
    .statistics = q_statistics,
    .free = q_free,
    .truth = q_truth,
};

struct writer *qmail_writer_new(enum qmail_format format, int rfc3339)
{
    struct qmail_writer *q = xcalloc(1, sizeof(*q));

    q->base.ops = &qmail_ops;
    q->format = format;
    q->head_sec = -1;
    timefmt_cache_init(&q->stamp, rfc3339);
    truth_init(&q->truth);
    q->free_slots = xcalloc(QMAIL_NUMBERS, sizeof(*q->free_slots));
    q->msg = xcalloc(QMAIL_NUMBERS, sizeof(*q->msg));
    return &q->base;
}

void qmail_print_stats(const struct writer *w, FILE *fp)
{
    const struct qmail_writer *q = (const struct qmail_writer *)w;

    fprintf(fp, PROGNAME ": qmail: runs=%u restarts=%llu "
            "numbers_reused=%llu unstarted_results=%llu\n", q->run,
            (unsigned long long)q->stats.restarts,
            (unsigned long long)q->stats.reused,
            (unsigned long long)q->stats.unstarted);
    if (q->stats.mismatched)
        fprintf(fp, PROGNAME ": qmail: %llu started deliveries show another "
                "provider than their domain's\n",
                (unsigned long long)q->stats.mismatched);
}
