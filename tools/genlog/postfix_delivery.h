/*
 * postfix_delivery.h - the lines of one delivery attempt, as Postfix logs
 *
 * One "QUEUEID: to=<...>, [orig_to=<...>,] relay=..., [conn_use=N,]
 * delay=..., delays=a/b/c/d, dsn=X.Y.Z, status=sent|bounced|deferred
 * (TEXT)" line from smtp, local, virtual, lmtp or error, with the reply
 * framed as Postfix frames each enum form; around it, now and then, a
 * "TLS connection established to" line, a backup MX's 4xx without to=,
 * or dovecot's "saved mail to INBOX".
 *
 * Which MX and address the attempt reached, which agent process logs it
 * and whether it reused a cached connection are drawn here.
 */
#ifndef GENLOG_POSTFIX_DELIVERY_H
#define GENLOG_POSTFIX_DELIVERY_H

#include "writer.h"

/* The delivery op of the Postfix writer (struct writer_ops). */
void postfix_delivery(struct writer *w, const struct message *m,
                      const struct rcpt *r, enum status st,
                      const struct reply *rep);

#endif
