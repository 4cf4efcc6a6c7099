/*
 * postfix.h - the Postfix 3.x writer: what a busy server's maillog says
 *
 * Writes the syslog maillog of a Postfix 3.x server at a Japanese hosting
 * company (customers send through it, the internet delivers to its
 * mailboxes): smtpd/submission connect, client= (with SASL), TLS,
 * disconnect with command counts; cleanup message-id; opendkim lines
 * carrying queue ids; qmgr from=/size/nrcpt (again on every retry);
 * smtp/local/virtual/lmtp and error (delivery temporarily suspended)
 * delivery lines with orig_to=, conn_use=, Postfix's delay formatting and
 * relay=none forms; qmgr "status=expired, returned to sender"; bounce
 * "sender non-delivery notification" and "sender delay notification";
 * "removed"; short and long queue ids; and noise (postscreen, anvil,
 * scache, dovecot, NOQUEUE rejects with from=/to=, "host ... said" lines
 * without to=, warnings).
 *
 * postfix_writer_new() is all the rest of the generator uses. The rest of
 * this header is shared by the writer's own files: postfix.c (sessions,
 * queue and notices), postfix_delivery.c, postfix_noise.c.
 */
#ifndef GENLOG_POSTFIX_H
#define GENLOG_POSTFIX_H

#include "postfix_procs.h"
#include "timefmt.h"
#include "writer.h"

/* rfc3339: RFC 3339 stamps, else BSD; long_queue_ids: Postfix's
 * enable_long_queue_ids = yes. */
struct writer *postfix_writer_new(int rfc3339, int long_queue_ids);

/* The writer's state; base first, so a struct writer * converts back. */
struct postfix_writer {
    struct writer base;
    struct writer_env env;
    struct timefmt_cache stamp;
    struct postfix_procs procs;
    int long_queue_ids;
};

static inline struct postfix_writer *postfix_of(struct writer *w)
{
    return (struct postfix_writer *)w;
}

/* True with probability ppm / 1e6, drawn from the model's generator. */
static inline int postfix_chance(struct postfix_writer *pf, uint32_t ppm)
{
    return rng_chance(pf->env.rng, ppm);
}

/* "<stamp> mx1 prog[pid]: " */
void postfix_prefix(struct postfix_writer *pf, const char *prog,
                    uint32_t pid);
/* "<stamp> mx1 prog[pid]: QUEUEID: " */
void postfix_qid_prefix(struct postfix_writer *pf, const char *prog,
                        uint32_t pid, const struct message *m);
/* A worker of the service, as postfix_pid() picks it. */
uint32_t postfix_service_pid(struct postfix_writer *pf,
                             enum postfix_service svc);

#endif
