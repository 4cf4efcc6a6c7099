/*
 * postfix_noise.c - background lines: rejects, warnings, logins, statistics
 */
#include "postfix_noise.h"

#include "postfix.h"
#include "render.h"

static uint32_t session_peek(struct postfix_writer *pf, int submission)
{
    return postfix_session_peek(&pf->procs, pf->env.rng, submission);
}

/* Clients come from the documentation block 198.51.100.2-251. */
static uint32_t random_client_ip(struct postfix_writer *pf)
{
    return IP4(198, 51, 100, 0) + 2 + rng_below(pf->env.rng, 250);
}

static void put_random_ip(struct postfix_writer *pf)
{
    out_ip(pf->env.out, random_client_ip(pf));
}

static void noise_noqueue(struct postfix_writer *pf)
{
    struct out *o = pf->env.out;
    uint8_t local = plan_local_domain(pf->env.plan);
    char who[LOCAL_MAX];
    uint8_t len;

    plan_person(pf->env.rng, who, &len);
    postfix_prefix(pf, "postfix/smtpd", session_peek(pf, 0));
    OUT_LIT(o, "NOQUEUE: reject: RCPT from unknown[");
    put_random_ip(pf);
    const char *rcpt_domain = domains[local].name;

    if (postfix_chance(pf, PCT(50))) {
        rcpt_domain = "gmail.com";
        OUT_LIT(o, "]: 554 5.7.1 <");
        out_mem(o, who, len);
        OUT_LIT(o, "@gmail.com>: Relay access denied; from=<");
    } else {
        OUT_LIT(o, "]: 550 5.1.1 <");
        out_mem(o, who, len);
        out_ch(o, '@');
        out_str(o, rcpt_domain);
        OUT_LIT(o, ">: Recipient address rejected: User unknown in "
            "virtual mailbox table; from=<");
    }
    render_token(&pf->env, TOKEN_LOWER, 8);
    OUT_LIT(o, "@spam-sender.example> to=<");
    out_mem(o, who, len);
    out_ch(o, '@');
    out_str(o, rcpt_domain);
    OUT_LIT(o, "> proto=ESMTP helo=<WIN-");
    render_token(&pf->env, TOKEN_HEX_UPPER, 11);
    out_ch(o, '>');
    out_end_line(o);
}

static void noise_warning(struct postfix_writer *pf)
{
    struct out *o = pf->env.out;

    if (postfix_chance(pf, PCT(50))) {
        postfix_prefix(pf, "postfix/submission/smtpd",
                       session_peek(pf, 1));
        OUT_LIT(o, "warning: unknown[");
        put_random_ip(pf);
        OUT_LIT(o, "]: SASL LOGIN authentication failed: UGFzc3dvcmQ6");
    } else {
        postfix_prefix(pf, "postfix/smtpd", session_peek(pf, 0));
        OUT_LIT(o, "warning: hostname ");
        render_token(&pf->env, TOKEN_LOWER, 6);
        OUT_LIT(o, ".dynamic.example.net does not resolve to address ");
        put_random_ip(pf);
        OUT_LIT(o, ": Name or service not known");
    }
    out_end_line(o);
}

static void noise_postscreen(struct postfix_writer *pf)
{
    struct out *o = pf->env.out;
    uint32_t pid = postfix_service_pid(pf, SVC_POSTSCREEN);
    uint32_t ip = random_client_ip(pf);
    uint64_t port = rng_range(pf->env.rng, 1024, 65535);

    postfix_prefix(pf, "postfix/postscreen", pid);
    OUT_LIT(o, "CONNECT from [");
    out_ip(o, ip);
    OUT_LIT(o, "]:");
    out_u64(o, port);
    OUT_LIT(o, " to [" OUR_IP "]:25");
    out_end_line(o);
    postfix_prefix(pf, "postfix/postscreen", pid);
    out_str(o, postfix_chance(pf, PCT(80)) ? "PASS OLD [" : "PASS NEW [");
    out_ip(o, ip);
    OUT_LIT(o, "]:");
    out_u64(o, port);
    out_end_line(o);
}

static void noise_dovecot(struct postfix_writer *pf)
{
    struct out *o = pf->env.out;
    uint8_t d = plan_local_domain(pf->env.plan);
    char who[LOCAL_MAX];
    uint8_t len;

    plan_person(pf->env.rng, who, &len);
    postfix_prefix(pf, "dovecot", 0);
    if (postfix_chance(pf, PCT(80))) {
        OUT_LIT(o, "imap-login: Login: user=<");
    } else {
        OUT_LIT(o, "imap-login: Disconnected (auth failed, 1 attempts in "
            "2 secs): user=<");
    }
    out_mem(o, who, len);
    out_ch(o, '@');
    out_str(o, domains[d].name);
    OUT_LIT(o, ">, method=PLAIN, rip=");
    put_random_ip(pf);
    OUT_LIT(o, ", lip=" OUR_IP ", mpid=");
    out_u64(o, rng_range(pf->env.rng, 2000, 60000));
    OUT_LIT(o, ", TLS, session=<");
    render_token(&pf->env, TOKEN_ALNUM, 16);
    out_ch(o, '>');
    out_end_line(o);
}

static void noise_network(struct postfix_writer *pf)
{
    struct out *o = pf->env.out;

    postfix_prefix(pf, "postfix/smtp", postfix_service_pid(pf, SVC_SMTP));
    OUT_LIT(o, "connect to alt");
    out_u64(o, 1 + rng_below(pf->env.rng, 4));
    OUT_LIT(o, ".gmail-smtp-in.l.google.com[2607:f8b0:4023:c0");
    out_u64(o, rng_below(pf->env.rng, 10));
    OUT_LIT(o, "::1a]:25: Network is unreachable");
    out_end_line(o);
}

static void noise_lost(struct postfix_writer *pf)
{
    struct out *o = pf->env.out;
    uint32_t pid = session_peek(pf, 0);
    uint32_t ip = random_client_ip(pf);

    postfix_prefix(pf, "postfix/smtpd", pid);
    OUT_LIT(o, "connect from unknown[");
    out_ip(o, ip);
    out_ch(o, ']');
    out_end_line(o);
    postfix_prefix(pf, "postfix/smtpd", pid);
    OUT_LIT(o, "lost connection after AUTH from unknown[");
    out_ip(o, ip);
    out_ch(o, ']');
    out_end_line(o);
    postfix_prefix(pf, "postfix/smtpd", pid);
    OUT_LIT(o, "disconnect from unknown[");
    out_ip(o, ip);
    OUT_LIT(o, "] ehlo=1 auth=0/1 commands=1/2");
    out_end_line(o);
}

void postfix_noise(struct writer *w)
{
    struct postfix_writer *pf = postfix_of(w);

    switch (rng_below(pf->env.rng, 8)) {
    case 0: case 1: noise_noqueue(pf); break;
    case 2: noise_warning(pf); break;
    case 3: case 4: noise_postscreen(pf); break;
    case 5: noise_dovecot(pf); break;
    case 6: noise_network(pf); break;
    default: noise_lost(pf); break;
    }
}

static void put_bsd_at(struct postfix_writer *pf, int64_t t)
{
    char buf[16];

    out_mem(pf->env.out, buf, (size_t)(timefmt_bsd(buf, t) - buf));
}

static void stats_anvil(struct postfix_writer *pf)
{
    struct out *o = pf->env.out;
    struct rng *rng = pf->env.rng;
    int64_t at = (int64_t)(*pf->env.now / SEC) - rng_below(rng, 500);

    postfix_prefix(pf, "postfix/anvil", pf->procs.anvil);
    OUT_LIT(o, "statistics: max connection rate ");
    out_u64(o, rng_range(rng, 1, 12));
    OUT_LIT(o, "/60s for (smtp:");
    put_random_ip(pf);
    OUT_LIT(o, ") at ");
    put_bsd_at(pf, at);
    out_end_line(o);
    postfix_prefix(pf, "postfix/anvil", pf->procs.anvil);
    OUT_LIT(o, "statistics: max cache size ");
    out_u64(o, rng_range(rng, 2, 40));
    OUT_LIT(o, " at ");
    put_bsd_at(pf, at);
    out_end_line(o);
}

static void stats_scache(struct postfix_writer *pf)
{
    struct out *o = pf->env.out;
    struct rng *rng = pf->env.rng;
    uint64_t hits = rng_range(rng, 0, 90), miss = rng_range(rng, 1, 60);

    postfix_prefix(pf, "postfix/scache", pf->procs.scache);
    OUT_LIT(o, "statistics: start interval ");
    put_bsd_at(pf, (int64_t)(*pf->env.now / SEC) - 600);
    out_end_line(o);
    postfix_prefix(pf, "postfix/scache", pf->procs.scache);
    OUT_LIT(o, "statistics: domain lookup hits=");
    out_u64(o, hits);
    OUT_LIT(o, " miss=");
    out_u64(o, miss);
    OUT_LIT(o, " success=");
    out_u64(o, hits * 100 / (hits + miss));
    out_ch(o, '%');
    out_end_line(o);
    postfix_prefix(pf, "postfix/scache", pf->procs.scache);
    OUT_LIT(o, "statistics: max simultaneous domains=");
    out_u64(o, rng_range(rng, 1, 6));
    OUT_LIT(o, " addresses=");
    out_u64(o, rng_range(rng, 1, 8));
    OUT_LIT(o, " connection=");
    out_u64(o, rng_range(rng, 1, 9));
    out_end_line(o);
}

void postfix_statistics(struct writer *w)
{
    struct postfix_writer *pf = postfix_of(w);

    stats_anvil(pf);
    stats_scache(pf);
}
