/*
 * plan.c - senders, clients, recipients and their planned fates
 *
 * Shares and weights here are what makes the log look like a busy hosting
 * server's: 80% of messages have one recipient, 7% of recipients defer
 * once or more, 12% of failures are expiries, and so on.
 */
#include "plan.h"

#include "domains.h"
#include "replies.h"

#include <string.h>

#define DEFER_SHARE     PCT(7)          /* recipients with 1-4 deferrals */
#define EXPIRE_SHARE    PCT(12)         /* failures that end as expiry */
#define BAD_AUTH_FACTOR 3               /* failure odds for unauthenticated */

static const char lower_digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";

static inline int chance(const struct planner *p, uint32_t ppm)
{
    return rng_chance(p->rng, ppm);
}

static inline uint8_t pick(const struct planner *p,
                           const struct rng_weights *w)
{
    return rng_weights_pick(p->rng, w);
}

static void pickers_init(struct planner *p)
{
    for (unsigned i = 0; i < domain_count; i++) {
        const struct domain *d = &domains[i];

        if (d->flags & D_NX)
            rng_weights_add(&p->pick.nx, i, d->rcpt_weight);
        else if (d->flags & D_DEAD)
            rng_weights_add(&p->pick.dead, i, d->rcpt_weight);
        else if (d->flags & D_LOCAL)
            rng_weights_add(&p->pick.local, i, d->rcpt_weight);
        else
            rng_weights_add(&p->pick.external, i, d->rcpt_weight);
        if (!(d->flags & (D_NX | D_DEAD | D_LOCAL | D_CUSTOM)))
            rng_weights_add(&p->pick.plain, i, d->rcpt_weight);
        rng_weights_add(&p->pick.sender, i, d->sender_weight);
        if (d->flags & D_LOCAL)
            rng_weights_add(&p->pick.local_sender, i, d->sender_weight);
    }
}

/*
 * Unauthenticated mail fails BAD_AUTH_FACTOR times as often. Scale both
 * rates so that the expected failure share over all senders is the one
 * asked for (free-mail senders relay half of their messages).
 */
static void failure_rates_init(struct planner *p, uint32_t failure_ppm)
{
    double bad = 0, all = 0, share = failure_ppm / 1e6;

    for (unsigned i = 0; i < domain_count; i++) {
        const struct domain *d = &domains[i];

        all += d->sender_weight;
        if (d->flags & D_BADAUTH)
            bad += d->sender_weight;
        else if (d->flags & D_FREEMAIL)
            bad += d->sender_weight / 2.0;
    }
    double f = bad / all;
    double good = share / (f * BAD_AUTH_FACTOR + (1 - f));
    double worse = good * BAD_AUTH_FACTOR;

    if (worse > 1) {
        worse = 1;
        good = (share - f) / (1 - f);
    }
    p->fail_good_ppm = (uint32_t)(good * 1e6 + 0.5);
    p->fail_bad_ppm = (uint32_t)(worse * 1e6 + 0.5);
}

void plan_init(struct planner *p, struct rng *rng, uint32_t failure_ppm)
{
    *p = (struct planner){.rng = rng};
    pickers_init(p);
    failure_rates_init(p, failure_ppm);
}

static void local_append(char *buf, uint8_t *len, const char *s)
{
    while (*s && *len < LOCAL_MAX - 1)
        buf[(*len)++] = *s++;
    buf[*len] = '\0';
}

static void local_digits(struct rng *rng, char *buf, uint8_t *len,
                         unsigned n)
{
    char d[2] = {0, 0};

    for (unsigned i = 0; i < n; i++) {
        d[0] = (char)('0' + rng_below(rng, 10));
        local_append(buf, len, d);
    }
}

#define PICK(rng, list) ((list).names[rng_below((rng), (list).n)])

/* A person's mailbox name in one of the common shapes. */
void plan_person(struct rng *rng, char *buf, uint8_t *len)
{
    *len = 0;
    buf[0] = '\0';
    switch (rng_below(rng, 5)) {
    case 0:
        local_append(buf, len, PICK(rng, given_names));
        local_append(buf, len, ".");
        local_append(buf, len, PICK(rng, family_names));
        break;
    case 1:
        local_append(buf, len, PICK(rng, given_names));
        local_append(buf, len, "_");
        local_append(buf, len, PICK(rng, family_names));
        local_digits(rng, buf, len, 2);
        break;
    case 2:
        local_append(buf, len, PICK(rng, given_names));
        local_digits(rng, buf, len, 2 + rng_below(rng, 3));
        break;
    case 3: {
        char one[2] = {lower_digits[rng_below(rng, 26)], 0};

        local_append(buf, len, one);
        local_append(buf, len, PICK(rng, family_names));
        break;
    }
    default: {
        unsigned n = 6 + rng_below(rng, 6);
        char one[2] = {0, 0};

        for (unsigned i = 0; i < n; i++) {
            int punct = i && i + 1 < n && one[0] != '.' &&
                        one[0] != '-' && rng_below(rng, 8) == 0;

            one[0] = punct ? ".-"[rng_below(rng, 2)]
                           : lower_digits[rng_below(rng, 36)];
            local_append(buf, len, one);
        }
        if (!(buf[0] >= 'a' && buf[0] <= 'z'))
            buf[0] = 'm';
        break;
    }
    }
}

static uint8_t pick_reply(struct planner *p, const struct reply *set, uint8_t n,
                          int want_auth)
{
    uint8_t match[16], k = 0;

    for (uint8_t i = 0; i < n && k < 16; i++)
        if (set[i].auth == (want_auth != 0))
            match[k++] = i;
    if (!k)
        return (uint8_t)rng_below(p->rng, n ? n : 1);
    return match[rng_below(p->rng, k)];
}

static uint8_t pick_rcpt_domain(struct planner *p, const struct message *m,
                                uint8_t final)
{
    const struct plan_pickers *pk = &p->pick;
    int local = m->direction == DIR_INBOUND || chance(p, PCT(12));

    if (final == OUT_EXPIRED && m->direction != DIR_INBOUND &&
        chance(p, PCT(40)))
        return pick(p, &pk->dead);
    if (final == OUT_BOUNCED && m->direction != DIR_INBOUND &&
        chance(p, PCT(6)))
        return pick(p, &pk->nx);
    if (local)
        return pick(p, &pk->local);
    /* provider of a custom domain is known only from a relay host: keep
     * them out of expiry, whose line has no relay */
    return pick(p, final == OUT_EXPIRED ? &pk->plain : &pk->external);
}

static uint8_t plan_deferrals(struct planner *p, const struct message *m,
                              const struct rcpt *r)
{
    static const uint8_t spread[10] = {1, 1, 1, 1, 1, 2, 2, 2, 3, 4};

    if (m->kind == KIND_PRELOG || (domains[r->domain].flags & D_NX))
        return 0;
    if (!chance(p, DEFER_SHARE))
        return 0;
    return spread[rng_below(p->rng, 10)];
}

static void plan_replies(struct planner *p, const struct message *m,
                         struct rcpt *r)
{
    const struct family_replies *f = &families[domains[r->domain].family];
    int auth = m->bad_auth && chance(p, PCT(75));

    r->bounce_reply = pick_reply(p, f->bounce, f->n_bounce, auth);
    r->defer_reply = pick_reply(p, f->defer, f->n_defer, auth);
    if (domains[r->domain].family == FAM_DEAD &&
        r->defer_reply == REPLY_DEAD_SUSPENDED)
        r->defer_reply = 0;
}

static int rcpt_taken(const struct message *m, unsigned upto,
                      const struct rcpt *r)
{
    for (unsigned i = 0; i < upto; i++)
        if (m->rcpt[i].domain == r->domain &&
            strcmp(m->rcpt[i].local, r->local) == 0)
            return 1;
    return 0;
}

static void plan_alias(struct planner *p, struct rcpt *r)
{
    r->alias = (uint8_t)(1 + rng_below(p->rng, alias_names.n));
    r->alias_domain = pick(p, &p->pick.local);
}

static void plan_rcpt(struct planner *p, struct message *m, unsigned i)
{
    struct rcpt *r = &m->rcpt[i];
    uint32_t fail_ppm = m->bad_auth ? p->fail_bad_ppm : p->fail_good_ppm;
    int can_expire = m->kind == KIND_SMTPD && m->sender_domain != SENDER_NULL;
    int forwarded = m->direction == DIR_INBOUND && chance(p, PCT(4));

    if (!chance(p, fail_ppm))
        r->final = OUT_SENT;
    else if (can_expire && chance(p, EXPIRE_SHARE))
        r->final = OUT_EXPIRED;
    else
        r->final = OUT_BOUNCED;
    do {
        if (forwarded)
            r->domain = pick(p, &p->pick.plain);
        else
            r->domain = pick_rcpt_domain(p, m, r->final);
        plan_person(p->rng, r->local, &r->local_len);
    } while (rcpt_taken(m, i, r));
    if (forwarded)
        plan_alias(p, r);
    r->deferrals = plan_deferrals(p, m, r);
    if (chance(p, PCT(2)))
        r->case_style = (uint8_t)(1 + rng_below(p->rng, 3));
    plan_replies(p, m, r);
}

/*
 * Expiry is per message: the queue file grows too old after 2-4 deferred
 * attempts. Recipients planned to expire defer every time; the others
 * must be final by then.
 */
static void plan_expiry(struct planner *p, struct message *m)
{
    int any = 0;

    for (unsigned i = 0; i < m->nrcpt; i++)
        any |= m->rcpt[i].final == OUT_EXPIRED;
    if (!any)
        return;
    m->expire_after = (uint8_t)(2 + rng_below(p->rng, 3));
    for (unsigned i = 0; i < m->nrcpt; i++) {
        struct rcpt *r = &m->rcpt[i];

        if (r->final == OUT_EXPIRED)
            r->deferrals = NEVER;
        else if (r->deferrals >= m->expire_after)
            r->deferrals = (uint8_t)(m->expire_after - 1);
    }
}

static uint8_t plan_nrcpt(struct planner *p)
{
    uint32_t x = rng_below(p->rng, 100);

    return x < 80 ? 1 : x < 90 ? 2 : x < 95 ? 3 : x < 98 ? 4 : 5;
}

static uint32_t plan_size(struct planner *p)
{
    uint32_t x = rng_below(p->rng, 100);

    if (x < 60)
        return (uint32_t)rng_range(p->rng, 1500, 15000);
    if (x < 90)
        return (uint32_t)rng_range(p->rng, 15000, 200000);
    return (uint32_t)rng_range(p->rng, 200000, 8000000);
}

static void plan_sender_local(struct planner *p, struct message *m)
{
    const struct domain *d = &domains[m->sender_domain];

    if ((d->flags & D_LOCAL) && chance(p, PCT(70))) {
        m->sender_local_len = 0;
        local_append(m->sender_local, &m->sender_local_len,
                     PICK(p->rng, role_names));
    } else {
        plan_person(p->rng, m->sender_local, &m->sender_local_len);
    }
    if (chance(p, PCT(1)))
        m->sender_case = (uint8_t)(1 + rng_below(p->rng, 3));
}

static void plan_client(struct planner *p, struct message *m)
{
    const struct domain *d = m->sender_domain == SENDER_NULL
                             ? NULL : &domains[m->sender_domain];

    m->client_num = (uint16_t)rng_below(p->rng, 65000);
    m->client_ip = IP4(198, 51, 100, 0) + 2 + rng_below(p->rng, 250);
    if (m->direction == DIR_RELAYED) {
        m->client_kind = CL_SUBMIT;
        m->sasl_domain = pick(p, &p->pick.local_sender);
    } else if (m->direction == DIR_OUTBOUND) {
        uint32_t x = rng_below(p->rng, 100);

        m->client_kind = x < 55 ? CL_SUBMIT : x < 85 ? CL_WEB : CL_LOCALHOST;
        m->sasl_domain = m->sender_domain;
    } else if (d && d->family == FAM_GOOGLE) {
        m->client_kind = CL_GOOGLE;
    } else if (d && d->family == FAM_MICROSOFT) {
        m->client_kind = CL_MICROSOFT;
    } else {
        m->client_kind = d && chance(p, PCT(70)) ? CL_NAMED : CL_UNKNOWN;
    }
    m->sasl = m->client_kind == CL_SUBMIT;
    m->tls = m->sasl || chance(p, PCT(60));
}

/* Sender, direction and who is on the other end of the connection. */
static void plan_origin(struct planner *p, struct message *m)
{
    if (p->burst_left) {
        p->burst_left--;
        m->sender_domain = p->burst_domain;
    } else if (chance(p, PCT(1))) {
        m->sender_domain = SENDER_NULL; /* a remote bounce, inbound */
    } else {
        m->sender_domain = pick(p, &p->pick.sender);
    }
    if (m->sender_domain == SENDER_NULL) {
        m->direction = DIR_INBOUND;
    } else {
        uint8_t flags = domains[m->sender_domain].flags;

        if (flags & D_LOCAL)
            m->direction = DIR_OUTBOUND;
        else if ((flags & D_FREEMAIL) && chance(p, PCT(50)))
            m->direction = DIR_RELAYED;
        else
            m->direction = DIR_INBOUND;
        m->bad_auth = (flags & D_BADAUTH) || m->direction == DIR_RELAYED;
        plan_sender_local(p, m);
    }
}

void plan_message(struct planner *p, struct message *m, enum kind kind)
{
    m->kind = (uint8_t)kind;
    plan_origin(p, m);
    plan_client(p, m);
    m->size = plan_size(p);
    m->nrcpt = plan_nrcpt(p);
    for (unsigned i = 0; i < m->nrcpt; i++)
        plan_rcpt(p, m, i);
    plan_expiry(p, m);
}

void plan_notice_begin(struct planner *p, struct message *n)
{
    n->kind = KIND_NOTICE;
    n->sender_domain = SENDER_NULL;
    n->nrcpt = 1;
    n->size = (uint32_t)rng_range(p->rng, 2400, 9000);
}

void plan_notice_recipient(struct planner *p, struct message *n,
                           const struct message *parent)
{
    struct rcpt *r = &n->rcpt[0];

    memcpy(r->local, parent->sender_local, sizeof(r->local));
    r->local_len = parent->sender_local_len;
    r->domain = parent->sender_domain;
    r->case_style = parent->sender_case;
    r->final = chance(p, p->fail_good_ppm / 4) ? OUT_BOUNCED : OUT_SENT;
    r->deferrals = chance(p, PCT(3)) ? (uint8_t)(1 + rng_below(p->rng, 2))
                                     : 0;
    plan_replies(p, n, r);
}

void plan_maybe_start_burst(struct planner *p)
{
    if (p->burst_left || !chance(p, PCT(0.1)))
        return;
    p->burst_left = (uint32_t)rng_range(p->rng, 50, 400);
    p->burst_domain = pick(p, &p->pick.local_sender);
}

uint8_t plan_local_domain(const struct planner *p)
{
    return pick(p, &p->pick.local);
}
