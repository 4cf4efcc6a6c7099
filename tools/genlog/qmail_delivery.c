/*
 * qmail_delivery.c - starting lines, qmail-remote and qmail-local reports,
 * and the truth of each result
 */
#include "qmail_delivery.h"

#include "qmail_evidence.h"
#include "render.h"

#include <string.h>

#define EXPIRY_TEXT     "I'm_not_going_to_try_again;_this_message_has_" \
                        "been_in_the_queue_too_long./"

/* Truth sender keys (truth.h): null, unknown, then domain index + 2. */
#define SKEY_NULL       0u
#define SKEY_UNKNOWN    1u

int qmail_channel(const struct rcpt *r)
{
    return domains[r->domain].flags & D_LOCAL ? QMAIL_LOCAL : QMAIL_REMOTE;
}

/* vpopmail's virtualdomains prefix: the domain, then '-'. */
static void put_recipient(struct out *o, const struct rcpt *r)
{
    const struct domain *d = &domains[r->domain];

    if (d->family == FAM_VIRTUAL || d->family == FAM_LMTP) {
        out_str(o, d->name);
        out_ch(o, '-');
    }
    render_rcpt(o, r);
}

static void start_one(struct qmail_writer *q, const struct message *m,
                      unsigned i)
{
    struct out *o = q->env.out;
    struct qmail_msg *s = qmail_msg_of(q, m);
    const struct rcpt *r = &m->rcpt[i];
    int ch = qmail_channel(r);
    uint8_t bit = (uint8_t)(1u << i);

    s->delivery[i] = q->next_delivery++;
    s->started |= bit;
    s->prelog &= (uint8_t)~bit;
    s->waiting &= (uint8_t)~bit;
    q->busy[ch]++;
    qmail_prefix(q);
    OUT_LIT(o, "starting delivery ");
    out_u64(o, s->delivery[i]);
    OUT_LIT(o, ": msg ");
    out_mem(o, m->qid, m->qid_len);
    out_str(o, ch == QMAIL_LOCAL ? " to local " : " to remote ");
    put_recipient(o, r);
    out_end_line(o);
    qmail_status_line(q);
}

/* Recipient i waits for a slot; 0 when the ring is full. */
static int wait_for_slot(struct qmail_writer *q, const struct message *m,
                         unsigned i)
{
    struct qmail_wait_ring *w = &q->wait[qmail_channel(&m->rcpt[i])];
    struct qmail_msg *s = qmail_msg_of(q, m);

    if (w->n == QMAIL_WAIT_MAX)
        return 0;
    w->e[(w->head + w->n++) & (QMAIL_WAIT_MAX - 1)] =
        (struct qmail_wait){m, qmail_number(m), s->gen, (uint8_t)i};
    s->waiting |= (uint8_t)(1u << i);
    return 1;
}

void qmail_start_deliveries(struct qmail_writer *q, const struct message *m)
{
    for (unsigned i = 0; i < m->nrcpt; i++) {
        int ch = qmail_channel(&m->rcpt[i]);

        if (m->rcpt[i].state == RS_DONE)
            continue;
        if (q->busy[ch] >= q->limit[ch] && wait_for_slot(q, m, i))
            continue;
        start_one(q, m, i);
    }
}

void qmail_pump(struct qmail_writer *q)
{
    for (int ch = 0; ch < 2; ch++) {
        struct qmail_wait_ring *w = &q->wait[ch];

        while (w->n && q->busy[ch] < q->limit[ch]) {
            struct qmail_wait e = w->e[w->head];

            w->head = (w->head + 1) & (QMAIL_WAIT_MAX - 1);
            w->n--;
            /* skip recipients started meanwhile, and entries of a
             * message that is gone (its pool slot or its number may
             * belong to another by now) */
            if (qmail_number(e.m) == e.number &&
                q->msg[e.number - q->first].gen == e.gen &&
                q->msg[e.number - q->first].waiting & (1u << e.rcpt))
                start_one(q, e.m, e.rcpt);
        }
    }
}

void qmail_prelog_deliveries(struct qmail_writer *q, const struct message *m,
                             const uint32_t budget[2])
{
    struct qmail_msg *s = qmail_msg_of(q, m);

    for (unsigned i = 0; i < m->nrcpt; i++) {
        int ch = qmail_channel(&m->rcpt[i]);

        if (q->busy[ch] >= budget[ch] && wait_for_slot(q, m, i))
            continue;
        s->delivery[i] = q->prelog_delivery--;
        s->prelog |= (uint8_t)(1u << i);
        q->busy[ch]++;
    }
}

/* ------------------------------------------------------------------ */
/* Report texts                                                       */

/*
 * qmail-send's logsafe(): a line end becomes '/', '%' and any other byte
 * outside '!'..'~' becomes '_'. A reply the model has flattened onto one line gets
 * its line ends back: a blank before its own code ("550-" or "550 ")
 * ended a line.
 */
static void encode(char *s, size_t n, int split_lines)
{
    int code = split_lines && n >= 4 && s[0] >= '0' && s[0] <= '9' &&
               s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9' &&
               (s[3] == ' ' || s[3] == '-');

    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c == ' ' && code && i + 4 < n && s[i + 1] == s[0] &&
            s[i + 2] == s[1] && s[i + 3] == s[2] &&
            (s[i + 4] == '-' || s[i + 4] == ' '))
            s[i] = '/';
        else if (c == '\n')
            s[i] = '/';
        else if (c < 33 || c > 126 || c == '%')
            s[i] = '_';
    }
}

/* A template with reply variables (replies.h), encoded. */
static void put_encoded(struct qmail_writer *q, const char *text,
                        const struct reply_vars *v, int split_lines)
{
    struct out *o = q->env.out;
    size_t from = o->len;

    render_reply_text(&q->env, text, v);
    encode(o->buf + from, o->len - from, split_lines);
}

/* What one attempt's report is made of. */
struct report {
    const struct message *m;
    const struct rcpt *r;
    const struct reply *rep;
    enum status st;
    uint32_t ip;
    int ip_shown;           /* the text names ip (first, as the relay) */
};

static void put_ip(struct qmail_writer *q, struct report *rp)
{
    out_ip(q->env.out, rp->ip);
    rp->ip_shown = 1;
}

static void put_remote_said(struct qmail_writer *q, struct report *rp)
{
    struct out *o = q->env.out;
    struct hop hop = {domains[rp->r->domain].mx[0], rp->ip};
    struct reply_vars v = {rp->m, rp->r, &hop};

    if (!hop.name)
        hop.name = domains[rp->r->domain].name;
    OUT_LIT(o, "Remote_host_said:_");
    put_encoded(q, rp->rep->text, &v, 1);
    out_ch(o, '/');
}

static int is_dns_text(const char *text)
{
    return !strncmp(text, "Host or domain name not found", 29) ||
           !strncmp(text, "Domain %d does not accept mail", 30);
}

/* qmail-remote's words for what the model's reply says. */
static void put_remote_text(struct qmail_writer *q, struct report *rp)
{
    struct out *o = q->env.out;
    const struct reply *rep = rp->rep;
    const char *dom = domains[rp->r->domain].name;

    if (rp->st == ST_SENT) {
        put_ip(q, rp);
        OUT_LIT(o, "_accepted_message./");
        put_remote_said(q, rp);
        return;
    }
    switch (rep->form) {
    case FORM_SAID:
        if (!strcmp(rep->cmd, "RCPT TO")) {
            put_ip(q, rp);
            OUT_LIT(o, "_does_not_like_recipient./");
            put_remote_said(q, rp);
            OUT_LIT(o, "Giving_up_on_");
            out_ip(o, rp->ip);
            OUT_LIT(o, "./");
        } else if (!strcmp(rep->cmd, "MAIL FROM")) {
            OUT_LIT(o, "Connected_to_");
            put_ip(q, rp);
            OUT_LIT(o, "_but_sender_was_rejected./");
            put_remote_said(q, rp);
        } else {
            put_ip(q, rp);
            OUT_LIT(o, "_failed_after_I_sent_the_message./");
            put_remote_said(q, rp);
        }
        return;
    case FORM_REFUSED:
        OUT_LIT(o, "Connected_to_");
        put_ip(q, rp);
        OUT_LIT(o, "_but_greeting_failed./");
        put_remote_said(q, rp);
        return;
    case FORM_TEXT:         /* lost connection, timed out in DATA */
        OUT_LIT(o, "Connected_to_");
        put_ip(q, rp);
        OUT_LIT(o, "_but_connection_died._");
        if (strstr(rep->text, "more than once"))
            OUT_LIT(o, "Possible_duplicate!_");
        OUT_LIT(o, "(#4.4.2)/");
        return;
    default:                /* FORM_NONE, FORM_SUSPENDED */
        if (is_dns_text(rep->text) && rp->st == ST_BOUNCED) {
            OUT_LIT(o, "Sorry,_I_couldn't_find_any_host_named_");
            out_str(o, dom);
            OUT_LIT(o, "._(#5.1.2)/");
        } else if (is_dns_text(rep->text)) {
            OUT_LIT(o, "CNAME_lookup_failed_temporarily._(#4.4.3)/");
        } else {
            OUT_LIT(o, "Sorry,_I_wasn't_able_to_establish_an_SMTP_"
                    "connection._(#4.4.1)/");
        }
        return;
    }
}

/* qmail-local's (and vpopmail's, dovecot-lda's) words. */
static void put_local_text(struct qmail_writer *q, struct report *rp)
{
    uint8_t family = domains[rp->r->domain].family;
    const char *text;
    struct reply_vars v = {rp->m, rp->r, NULL};

    if (rp->st == ST_SENT)
        text = family == FAM_LOCAL && !strstr(rp->rep->text, "command")
               ? "did 0+0+1\n" : "did 0+1+0\n";
    else if (rp->st == ST_BOUNCED && strstr(rp->rep->text, "too large"))
        text = "Sorry, that message is too large for this mailbox. "
               "(#5.2.3)\n";
    else if (rp->st == ST_BOUNCED)
        text = "Sorry, no mailbox here by that name. (#5.1.1)\n";
    else if (family == FAM_LOCAL)
        text = "Unable to write /var/mail/%l: Disk quota exceeded. "
               "(#4.3.0)\n";
    else if (family == FAM_VIRTUAL)
        text = "Unable to open /home/vpopmail/domains/%d/%l/Maildir/tmp/"
               "%u.P%p.mx1: Disk quota exceeded. (#4.3.0)\n";
    else
        text = "Quota exceeded (mailbox for user is full)\n";
    put_encoded(q, text, &v, 0);
}

/* ------------------------------------------------------------------ */
/* Results                                                            */

/* The provider bouncestat must decide from what the lines show. */
static int evidence_provider(const struct qmail_writer *q,
                             const struct report *rp, int rcpt_known,
                             size_t text_from)
{
    const struct out *o = q->env.out;
    int p = QMAIL_NO_PROVIDER;

    if (rcpt_known)
        p = qmail_domain_provider(&domains[rp->r->domain]);
    if (p == QMAIL_NO_PROVIDER && rp->ip_shown)
        p = qmail_network_provider(rp->ip);
    if (p == QMAIL_NO_PROVIDER)
        p = qmail_signature_provider(o->buf + text_from, o->len - text_from);
    return p == QMAIL_NO_PROVIDER ? PROV_OTHER : p;
}

enum counted { C_SENT, C_BOUNCED, C_EXPIRED, C_DEFERRED };

static void count(struct qmail_writer *q, int provider, unsigned skey,
                  enum counted what)
{
    struct truth_counts *c = &q->truth.cell[provider][skey];
    struct truth_counts *t = &q->truth.total;

    switch (what) {
    case C_SENT: c->sent++; t->sent++; break;
    case C_BOUNCED: c->bounced++; t->bounced++; break;
    case C_EXPIRED: c->expired++; t->expired++; break;
    case C_DEFERRED: c->deferred++; t->deferred++; break;
    }
}

void qmail_delivery(struct writer *w, const struct message *m,
                    const struct rcpt *r, enum status st,
                    const struct reply *rep)
{
    struct qmail_writer *q = qmail_of(w);
    struct out *o = q->env.out;
    unsigned i = (unsigned)(r - m->rcpt);
    uint8_t bit = (uint8_t)(1u << i);
    struct qmail_msg *s;
    struct report rp = {m, r, rep, st, 0, 0};
    int ch = qmail_channel(r);
    int expiring = st == ST_DEFERRED && m->expire_after &&
                   m->attempt >= m->expire_after;
    int rcpt_known, provider;
    unsigned skey;
    enum counted what;
    size_t text_from;

    qmail_flush_owed(q, m);
    qmail_pump(q);
    s = qmail_msg_of(q, m);
    if (!(s->started & bit) && !(s->prelog & bit))
        start_one(q, m, i);     /* still waiting for a slot: now */
    rcpt_known = (s->started & bit) != 0;
    if (!rcpt_known)
        q->stats.unstarted++;
    q->busy[ch]--;
    if (ch == QMAIL_REMOTE)
        rp.ip = qmail_relay_ip(q->env.rng, &domains[r->domain]);

    qmail_prefix(q);
    OUT_LIT(o, "delivery ");
    out_u64(o, s->delivery[i]);
    if (st == ST_SENT) {
        OUT_LIT(o, ": success: ");
        what = C_SENT;
    } else if (st == ST_BOUNCED || expiring) {
        OUT_LIT(o, ": failure: ");
        what = expiring ? C_EXPIRED : C_BOUNCED;
    } else {
        OUT_LIT(o, ": deferral: ");
        what = C_DEFERRED;
    }
    text_from = o->len;
    if (ch == QMAIL_LOCAL)
        put_local_text(q, &rp);
    else
        put_remote_text(q, &rp);
    if (expiring)
        OUT_LIT(o, EXPIRY_TEXT);

    provider = evidence_provider(q, &rp, rcpt_known, text_from);
    if (rcpt_known && provider != domains[r->domain].provider)
        q->stats.mismatched++;
    if (!rcpt_known || s->info_run == 0)
        skey = SKEY_UNKNOWN;
    else if (m->sender_domain == SENDER_NULL)
        skey = SKEY_NULL;
    else
        skey = 2u + m->sender_domain;
    count(q, provider, skey, what);
    out_end_line(o);
    qmail_status_line(q);

    s->started &= (uint8_t)~bit;
    s->prelog &= (uint8_t)~bit;
    qmail_pump(q);
    qmail_maybe_restart(q);
}
