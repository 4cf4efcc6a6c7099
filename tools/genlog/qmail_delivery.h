/*
 * qmail_delivery.h - "starting delivery" and "delivery D: ..." lines
 *
 * qmail-send starts one delivery per open recipient each time it tries a
 * message, numbered from the run's counter, as long as the channel
 * (local or remote) is below its concurrency limit, and logs
 * qmail-remote's or qmail-local's report when it ends:
 *   delivery 7: success: 142.250.4.26_accepted_message./Remote_host_said:_
 *       250_2.0.0_OK__1793491203_xe9si959449uod.8_-_gsmtp/
 *   delivery 8: failure: 52.101.68.9_does_not_like_recipient./Remote_host_
 *       said:_550_5.4.1_Recipient_address_rejected:_..._[OS3PR01MB...]/
 *       Giving_up_on_52.101.68.9./
 *   delivery 9: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_
 *       connection._(#4.4.1)/
 *   delivery 10: success: did_0+1+0/
 * Blanks become '_', line ends '/' (a multi-line SMTP reply keeps its
 * lines: "...Please_try/550-5.1.1_double-checking..."). An attempt that
 * defers when the message is too old is a failure with "I'm_not_going_to_
 * try_again;_this_message_has_been_in_the_queue_too_long./" appended.
 *
 * Each result is counted in the writer's truth under the provider and
 * sender its lines show (qmail.h).
 */
#ifndef GENLOG_QMAIL_DELIVERY_H
#define GENLOG_QMAIL_DELIVERY_H

#include "qmail.h"

/* Which channel delivers to r. */
int qmail_channel(const struct rcpt *r);

/*
 * "starting delivery" (and a status line) for every open recipient of m,
 * as far as the channel's concurrency limit allows; the others wait for a
 * slot, in order. A recipient still waiting when the model delivers it is
 * started right then.
 */
void qmail_start_deliveries(struct qmail_writer *q, const struct message *m);
/* Starts waiting recipients while their channel has free slots. */
void qmail_pump(struct qmail_writer *q);
/* A message queued before the log: deliveries up to budget per channel
 * began before the log (no starting line); the rest wait. Writes
 * nothing. */
void qmail_prelog_deliveries(struct qmail_writer *q, const struct message *m,
                             const uint32_t budget[2]);

/* The writer_ops delivery op. */
void qmail_delivery(struct writer *w, const struct message *m,
                    const struct rcpt *r, enum status st,
                    const struct reply *rep);

#endif
