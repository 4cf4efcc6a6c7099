/*
 * postfix_delivery.c - smtp, local, virtual, lmtp and error delivery lines
 */
#include "postfix_delivery.h"

#include "postfix.h"
#include "render.h"

#define LMTP_RELAY      OUR_FQDN "[private/dovecot-lmtp]"

/*
 * Postfix's delay format: whole seconds from 10 s up, otherwise two
 * significant digits at 10 ms resolution with trailing zeros dropped.
 */
static void put_delay(struct out *o, uint64_t us)
{
    uint64_t sec = us / SEC;

    if (sec >= 10) {
        out_u64(o, sec);
    } else if (sec >= 1) {
        uint64_t tenths = us / (SEC / 10);

        out_u64(o, tenths / 10);
        if (tenths % 10) {
            out_ch(o, '.');
            out_ch(o, (char)('0' + tenths % 10));
        }
    } else if (us < SEC / 100) {
        out_ch(o, '0');
    } else {
        uint64_t cs = us / (SEC / 100);

        OUT_LIT(o, "0.");
        out_ch(o, (char)('0' + cs / 10));
        if (cs % 10)
            out_ch(o, (char)('0' + cs % 10));
    }
}

/* What one attempt's lines are made of, decided before writing any. */
struct delivery {
    const struct domain *dom;
    const struct reply *rep;
    struct hop hop;
    const char *agent;
    uint32_t pid;
    enum status st;
    unsigned conn_use;      /* 0: a fresh connection */
    int smtp;               /* delivered over the network by postfix/smtp */
};

static void agent_of(struct postfix_writer *pf, struct delivery *dv)
{
    enum postfix_service svc = SVC_SMTP;

    dv->agent = "postfix/smtp";
    if (dv->rep->form == FORM_SUSPENDED) {
        dv->agent = "postfix/error";
        svc = SVC_ERROR;
    } else if (dv->dom->family == FAM_LOCAL) {
        dv->agent = "postfix/local";
        svc = SVC_LOCAL;
    } else if (dv->dom->family == FAM_VIRTUAL) {
        dv->agent = "postfix/virtual";
        svc = SVC_VIRTUAL;
    } else if (dv->dom->family == FAM_LMTP) {
        dv->agent = "postfix/lmtp";
        svc = SVC_LMTP;
    }
    dv->pid = postfix_service_pid(pf, svc);
    dv->smtp = svc == SVC_SMTP && dv->rep->form != FORM_NONE;
}

static void delivery_prepare(struct postfix_writer *pf, const struct rcpt *r,
                             enum status st, const struct reply *rep,
                             struct delivery *dv)
{
    struct rng *rng = pf->env.rng;
    unsigned mx;

    dv->dom = &domains[r->domain];
    dv->st = st;
    dv->rep = rep;
    mx = postfix_chance(pf, PCT(85)) ? 0 : rng_below(rng, 3);
    dv->hop = domain_hop(rng, dv->dom, mx);
    agent_of(pf, dv);
    dv->conn_use = 0;
    if (dv->smtp && dv->st == ST_SENT && postfix_chance(pf, PCT(20)))
        dv->conn_use = (unsigned)rng_range(rng, 2, 6);
}

static void put_tls_to(struct postfix_writer *pf, const struct delivery *dv)
{
    struct out *o = pf->env.out;

    postfix_prefix(pf, "postfix/smtp", dv->pid);
    out_str(o, dv->dom->family == FAM_POSTFIX || dv->dom->family == FAM_EXIM
               ? "Untrusted" : "Trusted");
    OUT_LIT(o, " TLS connection established to ");
    render_hop(o, &dv->hop);
    if (dv->dom->family == FAM_MICROSOFT) {
        OUT_LIT(o, ":25: TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 "
            "(256/256 bits)");
    } else {
        OUT_LIT(o, ":25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
            "(256/256 bits) key-exchange X25519 server-signature ");
        out_str(o, dv->dom->family == FAM_GOOGLE ? "ECDSA (P-256)"
                   : "RSA-PSS (2048 bits)");
        OUT_LIT(o, " server-digest SHA256");
    }
    out_end_line(o);
}

/* A 4xx from a backup MX before the one that took it: no to=. */
static void put_other_mx_said(struct postfix_writer *pf,
                              const struct message *m,
                              const struct delivery *dv)
{
    struct out *o = pf->env.out;
    struct hop alt = domain_hop(pf->env.rng, dv->dom, 1);

    postfix_qid_prefix(pf, "postfix/smtp", dv->pid, m);
    OUT_LIT(o, "host ");
    render_hop(o, &alt);
    OUT_LIT(o, " said: 421-4.7.0 Try again later, closing connection. "
        "(EHLO) 421 4.7.0  ");
    render_gmail_token(&pf->env);
    OUT_LIT(o, " - gsmtp (in reply to EHLO command)");
    out_end_line(o);
}

static void put_relay(struct out *o, const struct delivery *dv)
{
    OUT_LIT(o, "relay=");
    if (dv->rep->form == FORM_NONE || dv->rep->form == FORM_SUSPENDED) {
        OUT_LIT(o, "none");
    } else if (dv->dom->family == FAM_LOCAL) {
        OUT_LIT(o, "local");
    } else if (dv->dom->family == FAM_VIRTUAL) {
        OUT_LIT(o, "virtual");
    } else if (dv->dom->family == FAM_LMTP) {
        OUT_LIT(o, LMTP_RELAY);
    } else {
        render_hop(o, &dv->hop);
        OUT_LIT(o, ":25");
    }
    if (dv->conn_use) {
        OUT_LIT(o, ", conn_use=");
        out_u64(o, dv->conn_use);
    }
}

/* delay=total, delays=before qmgr/in qmgr/connection setup/transmission */
static void put_delays(struct postfix_writer *pf, const struct message *m,
                       const struct delivery *dv)
{
    struct out *o = pf->env.out;
    struct rng *rng = pf->env.rng;
    uint64_t total = *pf->env.now - m->created_us;
    int none = dv->rep->form == FORM_NONE || dv->rep->form == FORM_SUSPENDED;
    int timeout = reply_is_timeout(dv->rep);
    uint64_t b = postfix_chance(pf, PCT(70)) ? rng_below(rng, 9000)
                                     : rng_ms(rng, 10, 80);
    uint64_t c = dv->smtp && !dv->conn_use ? rng_ms(rng, 40, 700)
                                           : rng_below(rng, 4000);
    uint64_t d = none ? 0 : dv->smtp ? rng_ms(rng, 20, 1200)
                                     : rng_ms(rng, 1, 60);

    if (timeout && dv->rep->form == FORM_NONE)
        c = 30 * SEC + rng_below(rng, 50000);
    else if (timeout)
        d = 30 * SEC + rng_below(rng, 50000);
    if (b + c + d > total) {        /* a quick one: split what there is */
        b = total * rng_below(rng, 10) / 100;
        c = total * rng_range(rng, 15, 45) / 100;
        d = none ? 0 : total * rng_range(rng, 15, 40) / 100;
    }
    OUT_LIT(o, ", delay=");
    put_delay(o, total);
    OUT_LIT(o, ", delays=");
    put_delay(o, total - b - c - d);
    out_ch(o, '/');
    put_delay(o, b);
    out_ch(o, '/');
    put_delay(o, c);
    out_ch(o, '/');
    put_delay(o, d);
}

static void put_status_text(struct postfix_writer *pf, const struct message *m,
                            const struct rcpt *r, const struct delivery *dv)
{
    struct out *o = pf->env.out;
    const struct reply *rep = dv->rep;
    struct reply_vars v = {m, r, &dv->hop};

    if (rep->form == FORM_SAID || rep->form == FORM_REFUSED) {
        OUT_LIT(o, "host ");
        if (dv->dom->family == FAM_LMTP)
            OUT_LIT(o, LMTP_RELAY);
        else
            render_hop(o, &dv->hop);
        out_str(o, rep->form == FORM_SAID ? " said: "
                   : " refused to talk to me: ");
    } else if (rep->form == FORM_SUSPENDED) {
        OUT_LIT(o, "delivery temporarily suspended: ");
    }
    render_reply_text(&pf->env, rep->text, &v);
    if (rep->form == FORM_SAID) {
        OUT_LIT(o, " (in reply to ");
        out_str(o, rep->cmd);
        OUT_LIT(o, " command)");
    }
}

static void put_delivery_line(struct postfix_writer *pf,
                              const struct message *m, const struct rcpt *r,
                              const struct delivery *dv)
{
    static const char *const status_word[] = {
        [ST_SENT] = "sent", [ST_BOUNCED] = "bounced",
        [ST_DEFERRED] = "deferred",
    };
    struct out *o = pf->env.out;

    postfix_qid_prefix(pf, dv->agent, dv->pid, m);
    OUT_LIT(o, "to=<");
    render_rcpt(o, r);
    if (r->alias) {
        OUT_LIT(o, ">, orig_to=<");
        out_str(o, alias_names.names[r->alias - 1]);
        out_ch(o, '@');
        out_str(o, domains[r->alias_domain].name);
    }
    OUT_LIT(o, ">, ");
    put_relay(o, dv);
    put_delays(pf, m, dv);
    OUT_LIT(o, ", dsn=");
    out_str(o, dv->rep->dsn);
    OUT_LIT(o, ", status=");
    out_str(o, status_word[dv->st]);
    OUT_LIT(o, " (");
    put_status_text(pf, m, r, dv);
    out_ch(o, ')');
    out_end_line(o);
}

static void put_dovecot_saved(struct postfix_writer *pf, const struct rcpt *r)
{
    struct out *o = pf->env.out;

    postfix_prefix(pf, "dovecot", 0);
    OUT_LIT(o, "lmtp(");
    out_mem(o, r->local, r->local_len);
    out_ch(o, '@');
    out_str(o, domains[r->domain].name);
    OUT_LIT(o, ")<");
    out_u64(o, rng_range(pf->env.rng, 2000, 60000));
    OUT_LIT(o, "><");
    render_token(&pf->env, TOKEN_ALNUM, 22);
    OUT_LIT(o, ">: msgid=<");
    render_token(&pf->env, TOKEN_HEX_LOWER, 16);
    OUT_LIT(o, "@mail.example>: saved mail to INBOX");
    out_end_line(o);
}

void postfix_delivery(struct writer *w, const struct message *m,
                      const struct rcpt *r, enum status st,
                      const struct reply *rep)
{
    struct postfix_writer *pf = postfix_of(w);
    struct delivery dv;

    delivery_prepare(pf, r, st, rep, &dv);
    if (dv.smtp && !dv.conn_use && postfix_chance(pf, PCT(35)))
        put_tls_to(pf, &dv);
    if (dv.dom->family == FAM_GOOGLE && dv.st == ST_SENT &&
        postfix_chance(pf, PCT(2)))
        put_other_mx_said(pf, m, &dv);
    put_delivery_line(pf, m, r, &dv);
    if (dv.dom->family == FAM_LMTP && dv.st == ST_SENT &&
        postfix_chance(pf, PCT(50)))
        put_dovecot_saved(pf, r);
}
