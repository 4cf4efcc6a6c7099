/*
 * postfix.c - the Postfix writer: sessions, the queue, notices
 *
 * Here are the writer's ops table and the lines of a message's life
 * outside delivery: smtpd's connect, client= and disconnect, cleanup's
 * message-id (with opendkim and header warnings around it), qmgr's from=
 * on every activation, expiry and removed, and the lines that tie a
 * notice to its message. Queue ids are made here too, as Postfix makes
 * them from the queue file's time and inode.
 */
#include "postfix.h"

#include "postfix_delivery.h"
#include "postfix_noise.h"
#include "render.h"

#include <stdlib.h>

void postfix_prefix(struct postfix_writer *pf, const char *prog,
                    uint32_t pid)
{
    render_syslog_prefix(&pf->env, &pf->stamp, prog, pid);
}

void postfix_qid_prefix(struct postfix_writer *pf, const char *prog,
                        uint32_t pid, const struct message *m)
{
    postfix_prefix(pf, prog, pid);
    out_mem(pf->env.out, m->qid, m->qid_len);
    OUT_LIT(pf->env.out, ": ");
}

uint32_t postfix_service_pid(struct postfix_writer *pf,
                             enum postfix_service svc)
{
    return postfix_pid(&pf->procs, pf->env.rng, svc);
}

static const char hex_upper[] = "0123456789ABCDEF";

/* Postfix's long queue id alphabet: digits and consonants. */
static const char safe_chars[] =
    "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";

static char *encode_base(char *p, uint64_t v, unsigned base, int pad)
{
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = safe_chars[v % base];
        v /= base;
    } while (v);
    while (n < pad)
        tmp[n++] = '0';
    while (n)
        *p++ = tmp[--n];
    return p;
}

/*
 * Queue ids as Postfix makes them from the queue file's creation time
 * and inode: short "%05X" microseconds + "%X" inode, or long base-52
 * seconds (6) + base-52 microseconds (4) + 'z' + base-51 inode. The
 * inode only grows, so no id repeats while its message is in flight.
 */
static void pf_name_queue_file(struct writer *w, struct message *m,
                               uint64_t inode)
{
    struct postfix_writer *pf = postfix_of(w);
    char *p = m->qid;
    uint64_t usec = m->created_us % SEC;

    if (pf->long_queue_ids) {
        p = encode_base(p, m->created_us / SEC, 52, 6);
        p = encode_base(p, usec, 52, 4);
        *p++ = 'z';
        p = encode_base(p, inode, 51, 1);
    } else {
        for (int shift = 16; shift >= 0; shift -= 4)
            *p++ = hex_upper[(usec >> shift) & 15];
        char tmp[16];
        int n = 0;
        uint64_t v = inode;

        do {
            tmp[n++] = hex_upper[v & 15];
            v >>= 4;
        } while (v);
        while (n)
            *p++ = tmp[--n];
    }
    m->qid_len = (uint8_t)(p - m->qid);
}

static const char *smtpd_name(const struct message *m)
{
    return m->sasl ? "postfix/submission/smtpd" : "postfix/smtpd";
}

static void put_client(struct out *o, const struct message *m)
{
    unsigned n = m->client_num;

    switch (m->client_kind) {
    case CL_SUBMIT:
        if (n & 1) {
            OUT_LIT(o, "unknown[");
        } else {
            out_ch(o, 'p');
            out_u64(o, n);
            OUT_LIT(o, "-ipoe.ipoe.ocn.ne.jp[");
        }
        out_ip(o, m->client_ip);
        out_ch(o, ']');
        return;
    case CL_WEB:
        OUT_LIT(o, "www");
        out_u64(o, n % 4 + 1);
        OUT_LIT(o, ".example-hosting.jp[10.0.2.");
        out_u64(o, n % 4 + 11);
        out_ch(o, ']');
        return;
    case CL_LOCALHOST:
        OUT_LIT(o, "localhost[127.0.0.1]");
        return;
    case CL_GOOGLE:
        OUT_LIT(o, "mail-sor-f");
        out_u64(o, n % 80 + 1);
        OUT_LIT(o, ".google.com[209.85.220.");
        out_u64(o, n % 80 + 1);
        out_ch(o, ']');
        return;
    case CL_MICROSOFT:
        OUT_LIT(o, "mail-os0jpn01on20");
        out_u64(o, n % 90 + 10);
        OUT_LIT(o, ".outbound.protection.outlook.com[40.107.74.");
        out_u64(o, n % 90 + 10);
        out_ch(o, ']');
        return;
    case CL_NAMED:
        OUT_LIT(o, "mail");
        out_u64(o, n % 3 + 1);
        out_ch(o, '.');
        out_str(o, domains[m->sender_domain].name);
        break;
    default:
        OUT_LIT(o, "unknown");
        break;
    }
    out_ch(o, '[');
    out_ip(o, m->client_ip);
    out_ch(o, ']');
}

static void pf_connect(struct writer *w, struct message *m)
{
    struct postfix_writer *pf = postfix_of(w);
    struct out *o = pf->env.out;

    m->session_pid = postfix_session_take(&pf->procs, pf->env.rng, m->sasl);
    postfix_prefix(pf, smtpd_name(m), m->session_pid);
    OUT_LIT(o, "connect from ");
    put_client(o, m);
    out_end_line(o);
    if (m->tls) {
        postfix_prefix(pf, smtpd_name(m), m->session_pid);
        OUT_LIT(o, "Anonymous TLS connection established from ");
        put_client(o, m);
        OUT_LIT(o, ": TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
                "(256/256 bits) key-exchange X25519 server-signature "
                "RSA-PSS (2048 bits) server-digest SHA256");
        out_end_line(o);
    }
}

static void pf_received(struct writer *w, const struct message *m)
{
    struct postfix_writer *pf = postfix_of(w);
    struct out *o = pf->env.out;

    postfix_qid_prefix(pf, smtpd_name(m), m->session_pid, m);
    OUT_LIT(o, "client=");
    put_client(o, m);
    if (m->sasl) {
        OUT_LIT(o, ", sasl_method=");
        out_str(o, m->client_num % 3 ? "PLAIN" : "LOGIN");
        OUT_LIT(o, ", sasl_username=");
        out_mem(o, m->sender_local, m->sender_local_len);
        out_ch(o, '@');
        out_str(o, domains[m->sasl_domain].name);
    }
    out_end_line(o);
}

static void put_message_id(struct postfix_writer *pf, const struct message *m)
{
    struct out *o = pf->env.out;

    out_ch(o, '<');
    if (m->direction == DIR_INBOUND && m->client_kind == CL_GOOGLE) {
        OUT_LIT(o, "CA");
        render_token(&pf->env, TOKEN_ALNUM, 40);
        OUT_LIT(o, "@mail.gmail.com");
    } else {
        out_u64(o, *pf->env.now / SEC - rng_below(pf->env.rng, 5));
        out_ch(o, '.');
        render_token(&pf->env, TOKEN_HEX_LOWER, 12);
        out_ch(o, '@');
        render_sender_domain(o, m);
    }
    out_ch(o, '>');
}

/* Lines other programs log with our queue id: to be ignored. */
static void put_cleanup_extras(struct postfix_writer *pf,
                               const struct message *m)
{
    struct out *o = pf->env.out;
    uint32_t dkim = postfix_first_pid(&pf->procs, SVC_OPENDKIM);

    if (m->direction == DIR_OUTBOUND && postfix_chance(pf, PCT(60))) {
        postfix_qid_prefix(pf, "opendkim", dkim, m);
        OUT_LIT(o, "DKIM-Signature field added (s=default, d=");
        out_str(o, domains[m->sender_domain].name);
        out_ch(o, ')');
        out_end_line(o);
    } else if (m->direction == DIR_INBOUND && postfix_chance(pf, PCT(40))) {
        postfix_qid_prefix(pf, "opendkim", dkim, m);
        OUT_LIT(o, "DKIM verification successful");
        out_end_line(o);
    }
    if (postfix_chance(pf, PCT(0.3))) {
        postfix_qid_prefix(pf, "postfix/cleanup",
                           postfix_service_pid(pf, SVC_CLEANUP), m);
        OUT_LIT(o, "warning: header Subject: =?UTF-8?B?44GK55+l44KJ44Gb?= "
                "from ");
        put_client(o, m);
        OUT_LIT(o, "; from=<");
        render_sender(o, m);
        OUT_LIT(o, "> to=<");
        render_rcpt(o, &m->rcpt[0]);
        OUT_LIT(o, "> proto=ESMTP helo=<localhost>");
        out_end_line(o);
    }
}

static void pf_enqueued(struct writer *w, const struct message *m)
{
    struct postfix_writer *pf = postfix_of(w);

    postfix_qid_prefix(pf, "postfix/cleanup",
                       postfix_service_pid(pf, SVC_CLEANUP), m);
    OUT_LIT(pf->env.out, "message-id=");
    put_message_id(pf, m);
    out_end_line(pf->env.out);
    put_cleanup_extras(pf, m);
}

static void pf_activated(struct writer *w, const struct message *m)
{
    struct postfix_writer *pf = postfix_of(w);
    struct out *o = pf->env.out;

    postfix_qid_prefix(pf, "postfix/qmgr", pf->procs.qmgr, m);
    OUT_LIT(o, "from=<");
    render_sender(o, m);
    OUT_LIT(o, ">, size=");
    out_u64(o, m->size);
    OUT_LIT(o, ", nrcpt=");
    out_u64(o, m->nrcpt);
    OUT_LIT(o, " (queue active)");
    out_end_line(o);
}

static void pf_disconnect(struct writer *w, const struct message *m)
{
    struct postfix_writer *pf = postfix_of(w);
    struct out *o = pf->env.out;
    unsigned commands = 4 + m->nrcpt;

    postfix_prefix(pf, smtpd_name(m), m->session_pid);
    OUT_LIT(o, "disconnect from ");
    put_client(o, m);
    if (m->tls) {
        OUT_LIT(o, " ehlo=2 starttls=1");
        commands += 2;
    } else {
        OUT_LIT(o, " ehlo=1");
    }
    if (m->sasl) {
        OUT_LIT(o, " auth=1");
        commands++;
    }
    OUT_LIT(o, " mail=1 rcpt=");
    out_u64(o, m->nrcpt);
    OUT_LIT(o, " data=1 quit=1 commands=");
    out_u64(o, commands);
    out_end_line(o);
    postfix_session_release(&pf->procs, pf->env.rng, m->sasl,
                            m->session_pid);
}

static void pf_expired(struct writer *w, const struct message *m)
{
    struct postfix_writer *pf = postfix_of(w);
    struct out *o = pf->env.out;

    postfix_qid_prefix(pf, "postfix/qmgr", pf->procs.qmgr, m);
    OUT_LIT(o, "from=<");
    render_sender(o, m);
    OUT_LIT(o, ">, status=expired, returned to sender");
    out_end_line(o);
}

/*
 * A notice is logged as: cleanup NEWQID message-id, qmgr NEWQID from=<>,
 * bounce QID: sender (non-delivery|delay) notification: NEWQID - in the
 * order Postfix logs them. The first is here, the second is activated(),
 * the third notice_sent().
 */
static void pf_notice_created(struct writer *w, const struct message *n)
{
    struct postfix_writer *pf = postfix_of(w);
    struct out *o = pf->env.out;
    struct civil c = timefmt_civil_from_time((int64_t)(*pf->env.now / SEC));

    postfix_qid_prefix(pf, "postfix/cleanup",
                       postfix_service_pid(pf, SVC_CLEANUP), n);
    OUT_LIT(o, "message-id=<");
    out_padded(o, (uint64_t)c.year, 4);
    out_padded(o, c.mon, 2);
    out_padded(o, c.day, 2);
    out_padded(o, c.hour, 2);
    out_padded(o, c.min, 2);
    out_padded(o, c.sec, 2);
    out_ch(o, '.');
    out_mem(o, n->qid, n->qid_len);
    OUT_LIT(o, "@" OUR_FQDN ">");
    out_end_line(o);
}

static void pf_notice_sent(struct writer *w, const struct message *m,
                           const struct message *n, int delay)
{
    struct postfix_writer *pf = postfix_of(w);
    struct out *o = pf->env.out;

    postfix_qid_prefix(pf, "postfix/bounce",
                       postfix_service_pid(pf, SVC_BOUNCE), m);
    out_str(o, delay ? "sender delay notification: "
                     : "sender non-delivery notification: ");
    out_mem(o, n->qid, n->qid_len);
    out_end_line(o);
}

static void pf_removed(struct writer *w, const struct message *m)
{
    struct postfix_writer *pf = postfix_of(w);

    postfix_qid_prefix(pf, "postfix/qmgr", pf->procs.qmgr, m);
    OUT_LIT(pf->env.out, "removed");
    out_end_line(pf->env.out);
}

static void pf_start(struct writer *w, const struct writer_env *env)
{
    struct postfix_writer *pf = postfix_of(w);

    pf->env = *env;
    postfix_procs_init(&pf->procs, env->rng);
}

static void pf_free(struct writer *w)
{
    free(postfix_of(w));
}

static const struct writer_ops postfix_ops = {
    .start = pf_start,
    .name_queue_file = pf_name_queue_file,
    .connect = pf_connect,
    .received = pf_received,
    .enqueued = pf_enqueued,
    .activated = pf_activated,
    .disconnect = pf_disconnect,
    .delivery = postfix_delivery,
    .expired = pf_expired,
    .notice_created = pf_notice_created,
    .notice_sent = pf_notice_sent,
    .removed = pf_removed,
    .noise = postfix_noise,
    .statistics = postfix_statistics,
    .free = pf_free,
};

struct writer *postfix_writer_new(int rfc3339, int long_queue_ids)
{
    struct postfix_writer *pf = xcalloc(1, sizeof(*pf));

    pf->base.ops = &postfix_ops;
    timefmt_cache_init(&pf->stamp, rfc3339);
    pf->long_queue_ids = long_queue_ids;
    return &pf->base;
}
