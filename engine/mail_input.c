/*
 * mail_input.c - returned mails as input: which inputs are mail, and each
 * bounce's recipients counted like a log's delivery lines
 *
 * An input's first non-blank line (after zstd decoding) decides what it
 * is: an mbox "From " line or an RFC 5322 header (Return-Path:,
 * Received:, From:, Delivered-To:, X-...:) makes it mail, anything else a
 * log, which then goes on exactly as before (bs_engine_plain hands log
 * bytes straight to the line splitter). Usually the first chunk holds
 * that line and nothing is copied; otherwise up to BS_SNIFF_MAX bytes are
 * held until it is complete and then replayed.
 *
 * A mail input is cut into messages (mailbox.c), each message is read by
 * the bounce reader (parsers/dsn.c) and each failed or delayed recipient
 * goes to bs_engine_count_bounce(): same classifier, provider and
 * aggregate as a log line, outcome "bounced" or "deferred". The counters
 * obey messages = bounces + not_bounces + malformed + oversize.
 *
 * The reader's state (struct bs_mail, with the bounce parser and its
 * iconv descriptors) is made at the first mail input, so log-only runs
 * never pay for it.
 */
#include "engine_impl.h"
#include "mailbox.h"

#include "../parsers/dsn.h"

#include <stdlib.h>

struct bs_mail {
    struct bs_mailbox box;
    struct bs_dsn_parser *dsn;
    struct bs_mail_stats stats;
    char held[BS_SNIFF_MAX]; /* the start of an input not yet sniffed */
    size_t nheld;
};

static struct bs_mail *bs_mail_get(struct bs_engine *e)
{
    if (!e->mail) {
        e->mail = bs_xcalloc(1, sizeof *e->mail);
        bs_mailbox_init(&e->mail->box, 0);
        e->mail->dsn = bs_dsn_parser_new();
    }
    return e->mail;
}

void bs_mail_free(struct bs_mail *m)
{
    if (!m)
        return;
    bs_mailbox_fini(&m->box);
    bs_dsn_parser_free(m->dsn);
    free(m);
}

void bs_engine_set_mail_limit(struct bs_engine *e, size_t max_message)
{
    bs_mail_get(e)->box.max = max_message ? max_message
                                          : BS_MAILBOX_MAX_DEFAULT;
}

void bs_mail_begin(struct bs_engine *e)
{
    e->input_kind = BS_INPUT_SNIFF;
    if (e->mail) {
        e->mail->nheld = 0;
        bs_mailbox_begin(&e->mail->box, false);
    }
}

void bs_engine_begin_mail_input(struct bs_engine *e, const char *name,
                                int64_t ref_time)
{
    bs_engine_begin_input(e, name, ref_time);
    e->input_kind = BS_INPUT_MAIL;
    bs_mailbox_begin(&bs_mail_get(e)->box, false);
}

/* ------------------------------------------------------------------ */
/* One message                                                         */

/* Last-Attempt-Date, else Arrival-Date or Date, else the input's time
 * (its mtime: what begin_input gave). */
static int64_t bs_mail_time(const struct bs_engine *e,
                            const struct bs_dsn_result *r, unsigned i)
{
    if (r->rcpt[i].time)
        return r->rcpt[i].time;
    return r->time ? r->time : e->year.ref_time;
}

static void bs_mail_bounce_event(const struct bs_engine *e,
                                 const struct bs_dsn_result *r, unsigned i,
                                 struct bs_bounce_event *b)
{
    const struct bs_dsn_rcpt *rc = &r->rcpt[i];
    b->time = bs_mail_time(e, r, i);
    b->sender = r->sender[0] ? r->sender : NULL;
    b->recipient = rc->recipient;
    b->remote_mta = rc->remote_mta;
    b->status = rc->status;
    b->text = rc->text;
    b->delayed = rc->action == BS_DSN_DELAYED;
}

static void bs_mail_not_bounce(struct bs_mail *m,
                               const struct bs_dsn_result *r)
{
    m->stats.not_bounces++;
    if (r->other == BS_DSN_OTHER_FEEDBACK)
        m->stats.feedback_reports++;
    m->stats.recipients_delivered += r->nrcpt;
}

static void bs_mail_message(void *ctx, const char *msg, size_t len)
{
    struct bs_engine *e = ctx;
    struct bs_mail *m = e->mail;
    const struct bs_dsn_result *r = bs_dsn_parse(m->dsn, msg, len);
    m->stats.messages++;
    if (r->verdict == BS_DSN_NOT_BOUNCE) {
        bs_mail_not_bounce(m, r);
        return;
    }
    if (r->verdict == BS_DSN_MALFORMED) {
        m->stats.malformed++;
        return;
    }
    m->stats.bounces++;
    m->stats.recipients_dropped += r->dropped;
    for (unsigned i = 0; i < r->nrcpt; i++) {
        struct bs_bounce_event b;
        if (r->rcpt[i].action == BS_DSN_DELIVERED) {
            m->stats.recipients_delivered++;
            continue;
        }
        bs_mail_bounce_event(e, r, i, &b);
        bs_engine_count_bounce(e, &b);
        m->stats.recipients++;
        m->stats.delayed += b.delayed != 0;
    }
}

/* ------------------------------------------------------------------ */
/* Routing an input's bytes                                            */

static void bs_mail_start(struct bs_engine *e, bool mbox)
{
    struct bs_mail *m = bs_mail_get(e);
    e->input_kind = BS_INPUT_MAIL;
    bs_mailbox_begin(&m->box, mbox);
}

/* Decides on data (the held bytes, if any, come first); returns false
 * when more bytes are needed. */
static bool bs_mail_decide(struct bs_engine *e, const char *data,
                           size_t len, bool at_end, bs_plain_fn *log)
{
    struct bs_mail *m = e->mail;
    enum bs_sniff s = bs_mail_sniff(data, len, at_end);
    if (s == BS_SNIFF_MORE)
        return false;
    if (s == BS_SNIFF_LOG) {
        e->input_kind = BS_INPUT_LOG;
        if (m && m->nheld)
            log(e, m->held, m->nheld);
    } else {
        bs_mail_start(e, s == BS_SNIFF_MBOX);
        if (m && m->nheld)
            bs_mailbox_feed(&m->box, m->held, m->nheld, bs_mail_message, e);
    }
    if (m)
        m->nheld = 0;
    return true;
}

/* Holds the start of an input until its first line is complete. */
static void bs_mail_sniff_feed(struct bs_engine *e, const char *data,
                               size_t len, bs_plain_fn *log)
{
    struct bs_mail *m = e->mail;
    if ((!m || !m->nheld) && bs_mail_decide(e, data, len, false, log)) {
        bs_mail_route(e, data, len, log);
        return;
    }
    m = bs_mail_get(e);
    size_t take = BS_MIN(len, sizeof m->held - m->nheld);
    memcpy(m->held + m->nheld, data, take);
    m->nheld += take;
    if (!bs_mail_decide(e, m->held, m->nheld,
                        m->nheld == sizeof m->held, log))
        return;
    if (take < len)
        bs_mail_route(e, data + take, len - take, log);
}

void bs_mail_route(struct bs_engine *e, const char *data, size_t len,
                   bs_plain_fn *log)
{
    if (!len)
        return;
    if (e->input_kind == BS_INPUT_LOG)
        log(e, data, len);
    else if (e->input_kind == BS_INPUT_MAIL)
        bs_mailbox_feed(&e->mail->box, data, len, bs_mail_message, e);
    else
        bs_mail_sniff_feed(e, data, len, log);
}

void bs_mail_end(struct bs_engine *e, bool cut, bs_plain_fn *log)
{
    struct bs_mail *m = e->mail;
    if (e->input_kind == BS_INPUT_SNIFF && m && m->nheld)
        (void)bs_mail_decide(e, m->held, m->nheld, true, log);
    if (e->input_kind != BS_INPUT_MAIL)
        return;
    if (cut) {
        /* A cut archive: the last message is incomplete. */
        if (m->box.len && !m->box.skipping) {
            m->stats.messages++;
            m->stats.malformed++;
        }
        bs_mailbox_begin(&m->box, m->box.mbox);
    } else {
        bs_mailbox_finish(&m->box, bs_mail_message, e);
    }
}

/* ------------------------------------------------------------------ */
/* Public queries                                                      */

void bs_engine_mail_stats(const struct bs_engine *e,
                          struct bs_mail_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!e->mail)
        return;
    *out = e->mail->stats;
    out->oversize = e->mail->box.oversize;
    out->messages += out->oversize;
}

int bs_input_is_mail(const void *data, size_t len)
{
    return bs_mail_sniff(data, len, true) != BS_SNIFF_LOG;
}

void bs_mail_merge(struct bs_engine *e, const struct bs_engine *next)
{
    if (!next->mail)
        return;
    struct bs_mail_stats *a = &bs_mail_get(e)->stats;
    const struct bs_mail_stats *b = &next->mail->stats;
    a->messages += b->messages;
    a->bounces += b->bounces;
    a->recipients += b->recipients;
    a->delayed += b->delayed;
    a->not_bounces += b->not_bounces;
    a->feedback_reports += b->feedback_reports;
    a->malformed += b->malformed;
    a->recipients_delivered += b->recipients_delivered;
    a->recipients_dropped += b->recipients_dropped;
    e->mail->box.oversize += next->mail->box.oversize;
}

void bs_engine_classify_bounce(struct bs_engine *e,
                               const struct bs_bounce_event *b,
                               struct bs_bounce_class *out)
{
    const char *rcpt = b->recipient ? b->recipient : "";
    const char *at = strrchr(rcpt, '@');
    const char *host = b->remote_mta ? b->remote_mta : "";
    const char *text = b->text ? b->text : "";
    const char *dsn = b->status ? b->status : "";
    struct bs_provider_evidence pe = {
        bs_slice_make(at ? at + 1 : "", at ? strlen(at + 1) : 0),
        bs_slice_make(host, strlen(host)), bs_slice_make("", 0),
        bs_slice_make(text, strlen(text)),
    };
    unsigned provider = bs_provider_decide(e->providers, &pe);
    struct bs_classification cls;
    bs_classify(e->classifier, provider, bs_slice_make(dsn, strlen(dsn)),
                pe.text, &cls);
    out->provider = bs_provider_name(e->providers, provider);
    out->category = bs_category_name(cls.category);
    out->detail = cls.detail;
    out->rule = cls.rule >= 0 ? bs_classifier_rule_id(e->classifier,
                                                      cls.rule)
                              : "";
    out->hard = cls.hard;
}
