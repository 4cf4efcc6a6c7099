/*
 * qmail.c - qmail-send log lines to events
 *
 * Lines (from multilog with a TAI64N, tai64nlocal or Unix-seconds stamp,
 * or from syslog as program "qmail" with a Unix-seconds stamp first), each
 * optionally followed by " queueN" (indimail's multiple queues):
 *   new msg N                                          -> MESSAGE_NEW
 *   info msg N: bytes B from <sender> qp Q uid U       -> MESSAGE_SENDER
 *   starting delivery D: msg N to remote|local ADDR    -> DELIVERY_START
 *   delivery D: success|failure|deferral: TEXT         -> DELIVERY
 *   end msg N                                          -> MESSAGE_DONE
 *   bounce msg N qp Q                                  -> NOTIFICATION
 *   status: exiting                                    -> MTA_RESTART
 *   status: local l/L remote r/R, warning:, alert:,
 *   triple bounce: discarding bounce/N (nothing sent)  -> SKIPPED
 *
 * qmail-send writes the remote text with '_' for spaces and '/' between
 * response lines, so it contains no blank: it runs to the next space. The
 * text stays encoded in the event (text_qmail_encoded); the engine decodes
 * it. A failure that says "I'm not going to try again; this message has
 * been in the queue too long" is the message expiring (queuelifetime),
 * not a bounce. The remote IP that qmail-remote names ("142.250.4.26
 * does not like recipient", "Connected to ... but") is the relay.
 */
#include "parser.h"

#include "../engine/scan.h"

struct bs_q_cursor {
    const char *p, *end;
};

static bool bs_q_claims(struct bs_slice program)
{
    return BS_SLICE_EQ(program, "qmail") || BS_SLICE_STARTS(program, "qmail-");
}

static bool bs_q_lit(struct bs_q_cursor *c, const char *lit, size_t n)
{
    if ((size_t)(c->end - c->p) < n || !bs_mem_eq(c->p, lit, n))
        return false;
    c->p += n;
    return true;
}
#define BS_Q_LIT(c, s) bs_q_lit((c), (s), sizeof(s) - 1)

/* Up to 20 digits (inline: every event line reads one to four). */
static inline struct bs_slice bs_q_number(struct bs_q_cursor *c)
{
    const char *s = c->p;
    const char *lim = c->end - s > 20 ? s + 20 : c->end;
    c->p = bs_skip_digits(c->p, lim);
    return bs_slice_make(s, (size_t)(c->p - s));
}

/* A word up to the next blank. */
static struct bs_slice bs_q_word(struct bs_q_cursor *c)
{
    const char *s = c->p;
    c->p = bs_find_any3(c->p, c->end, ' ', ' ', ' ');
    return bs_slice_make(s, (size_t)(c->p - s));
}

/* The rest of the line may only be " queueN" (indimail) or blanks. */
static bool bs_q_tail(struct bs_q_cursor *c, struct bs_event *ev)
{
    while (c->p < c->end && *c->p == ' ')
        c->p++;
    if (c->p == c->end)
        return true;
    struct bs_slice w = bs_q_word(c);
    if (!BS_SLICE_STARTS(w, "queue"))
        return false;
    ev->queue_ns = w;
    while (c->p < c->end && *c->p == ' ')
        c->p++;
    return c->p == c->end;
}

/* "N" then the tail: new msg, end msg. */
static enum bs_parse_result bs_q_msg(struct bs_q_cursor *c,
                                     struct bs_event *ev,
                                     enum bs_event_kind kind)
{
    ev->queue_id = bs_q_number(c);
    if (!ev->queue_id.len || !bs_q_tail(c, ev))
        return BS_PARSE_UNPARSED;
    ev->kind = kind;
    return BS_PARSE_EVENT;
}

/* "N: bytes B from <sender> qp Q uid U" */
static enum bs_parse_result bs_q_info(struct bs_q_cursor *c,
                                      struct bs_event *ev)
{
    ev->queue_id = bs_q_number(c);
    if (!ev->queue_id.len || !BS_Q_LIT(c, ": bytes "))
        return BS_PARSE_UNPARSED;
    (void)bs_q_number(c);
    if (!BS_Q_LIT(c, " from <"))
        return BS_PARSE_UNPARSED;
    const char *s = c->p, *gt = s;
    while ((gt = bs_find_any3(gt, c->end, '>', '>', '>')) < c->end &&
           !(gt + 1 == c->end || gt[1] == ' '))
        gt++;
    if (gt == c->end)
        return BS_PARSE_UNPARSED;
    ev->sender = bs_slice_make(s, (size_t)(gt - s));
    ev->sender_is_null = ev->sender.len == 0;
    c->p = gt + 1;
    if (BS_Q_LIT(c, " qp ")) {
        (void)bs_q_number(c);
        if (BS_Q_LIT(c, " uid "))
            (void)bs_q_number(c);
    }
    if (!bs_q_tail(c, ev))
        return BS_PARSE_UNPARSED;
    ev->kind = BS_EV_MESSAGE_SENDER;
    return BS_PARSE_EVENT;
}

/* "D: msg N to remote|local ADDR" */
static enum bs_parse_result bs_q_start(struct bs_q_cursor *c,
                                       struct bs_event *ev)
{
    ev->delivery_id = bs_q_number(c);
    if (!ev->delivery_id.len || !BS_Q_LIT(c, ": msg "))
        return BS_PARSE_UNPARSED;
    ev->queue_id = bs_q_number(c);
    if (!ev->queue_id.len ||
        !(BS_Q_LIT(c, " to remote ") || BS_Q_LIT(c, " to local ")))
        return BS_PARSE_UNPARSED;
    ev->recipient = bs_q_word(c);
    if (!ev->recipient.len || !bs_q_tail(c, ev))
        return BS_PARSE_UNPARSED;
    ev->kind = BS_EV_DELIVERY_START;
    return BS_PARSE_EVENT;
}

/* One to three digits at p: the position after them, or NULL. */
static const char *bs_q_octet(const char *p, const char *end)
{
    const char *s = p;
    while (p < end && p - s < 3 && bs_is_digit(*p))
        p++;
    return p > s ? p : NULL;
}

/* The dotted quad that starts at p (a digit not after a digit or a dot),
 * or NULL. */
static const char *bs_q_quad_at(const char *p, const char *end)
{
    const char *q = p;
    int octets = 0;
    while ((q = bs_q_octet(q, end)) != NULL && ++octets < 4 &&
           q + 1 < end && *q == '.' && bs_is_digit(q[1]))
        q++;
    return octets == 4 && (q == end || !bs_is_digit(*q)) ? q : NULL;
}

/* The first dotted-quad IPv4 address in an encoded text: four runs of one
 * to three digits joined by dots, not inside a longer run of digits and
 * dots. Its first run ends at a dot, so only the runs before each dot
 * are tried, leftmost first (the run before a later dot starts after
 * the earlier dot). */
static struct bs_slice bs_q_first_ipv4(struct bs_slice t)
{
    const char *end = t.ptr + t.len;
    for (const char *d = t.ptr; (d = memchr(d, '.', (size_t)(end - d)));
         d++) {
        const char *p = d;
        while (p > t.ptr && d - p < 3 && bs_is_digit(p[-1]))
            p--;
        if (p == d || (p > t.ptr && (bs_is_digit(p[-1]) || p[-1] == '.')))
            continue;
        const char *q = bs_q_quad_at(p, end);
        if (q)
            return bs_slice_make(p, (size_t)(q - p));
    }
    return bs_slice_make(t.ptr, 0);
}

static const char bs_q_too_long[] = "this_message_has_been_in_the_queue_too_long";

/* "D: success|failure|deferral: TEXT" */
static enum bs_parse_result bs_q_result(struct bs_q_cursor *c,
                                        struct bs_event *ev)
{
    ev->delivery_id = bs_q_number(c);
    if (!ev->delivery_id.len || !BS_Q_LIT(c, ": "))
        return BS_PARSE_UNPARSED;
    if (BS_Q_LIT(c, "success: "))
        ev->status = BS_ST_SENT;
    else if (BS_Q_LIT(c, "failure: "))
        ev->status = BS_ST_BOUNCED;
    else if (BS_Q_LIT(c, "deferral: "))
        ev->status = BS_ST_DEFERRED;
    else
        return BS_PARSE_UNPARSED;
    /* The text runs to the end but for indimail's " queueN"; a stray
     * blank inside it (seen in the wild) is kept. */
    const char *end = c->end;
    while (end > c->p && end[-1] == ' ')
        end--;
    const char *blank = bs_rfind_byte(c->p, end, ' ');
    const char *sp = blank ? blank + 1 : c->p;
    if (sp > c->p && end - sp > 5 && memcmp(sp, "queue", 5) == 0) {
        ev->queue_ns = bs_slice_make(sp, (size_t)(end - sp));
        end = sp - 1;
    }
    ev->text = bs_slice_make(c->p, (size_t)(end - c->p));
    ev->text_qmail_encoded = true;
    if (ev->status == BS_ST_BOUNCED &&
        bs_memmem(ev->text.ptr, ev->text.len, bs_q_too_long,
                  sizeof bs_q_too_long - 1))
        ev->status = BS_ST_EXPIRED;
    ev->relay_ip = bs_q_first_ipv4(ev->text);
    ev->kind = BS_EV_DELIVERY;
    return BS_PARSE_EVENT;
}

static enum bs_parse_result bs_q_status(struct bs_q_cursor *c,
                                        struct bs_event *ev)
{
    if (BS_Q_LIT(c, "exiting") && bs_q_tail(c, ev)) {
        ev->kind = BS_EV_MTA_RESTART;
        return BS_PARSE_EVENT;
    }
    return BS_PARSE_SKIPPED;
}

/* splogger puts the Unix time first: "1063526289.292776 info msg ..." */
static void bs_q_skip_stamp(struct bs_q_cursor *c)
{
    const char *s = c->p;
    while (c->p < c->end && bs_is_digit(*c->p))
        c->p++;
    if (c->p - s >= 9 && BS_Q_LIT(c, ".")) {
        while (c->p < c->end && bs_is_digit(*c->p))
            c->p++;
        if (BS_Q_LIT(c, " "))
            return;
    }
    c->p = s;
}

static enum bs_parse_result bs_q_parse(const struct bs_syslog_record *rec,
                                       struct bs_event *ev)
{
    struct bs_q_cursor c = { rec->message.ptr,
                             rec->message.ptr + rec->message.len };
    bs_q_skip_stamp(&c);
    /* qmail-send's "status: local l/L remote r/R" after every start and
     * end of a delivery, a third of a busy log: out before the event is
     * zeroed. */
    if (c.end - c.p >= 14 && bs_mem_eq(c.p, "status: local ", 14))
        return BS_PARSE_SKIPPED;
    *ev = (struct bs_event){ .mta = BS_MTA_QMAIL, .time = rec->time };
    if (BS_Q_LIT(&c, "new msg "))
        return bs_q_msg(&c, ev, BS_EV_MESSAGE_NEW);
    if (BS_Q_LIT(&c, "info msg "))
        return bs_q_info(&c, ev);
    if (BS_Q_LIT(&c, "starting delivery "))
        return bs_q_start(&c, ev);
    if (BS_Q_LIT(&c, "delivery "))
        return bs_q_result(&c, ev);
    if (BS_Q_LIT(&c, "end msg "))
        return bs_q_msg(&c, ev, BS_EV_MESSAGE_DONE);
    if (BS_Q_LIT(&c, "bounce msg ")) {
        ev->kind = BS_EV_NOTIFICATION;
        return BS_PARSE_EVENT;
    }
    if (BS_Q_LIT(&c, "status: "))
        return bs_q_status(&c, ev);
    return BS_PARSE_SKIPPED;
}

const struct bs_parser_ops bs_qmail_parser = {
    .name = "qmail",
    .claims = bs_q_claims,
    .claims_bare = true,
    .parse = bs_q_parse,
};
