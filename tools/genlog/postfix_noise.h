/*
 * postfix_noise.h - lines a mail server logs that belong to no message
 *
 * Noise: NOQUEUE rejects with from= and to= (which must count nothing),
 * SASL and reverse-DNS warnings, postscreen CONNECT/PASS pairs, dovecot
 * IMAP logins, IPv6 "Network is unreachable", and sessions lost after
 * AUTH. Statistics: anvil's and scache's periodic summaries, which embed
 * BSD timestamps of their own.
 */
#ifndef GENLOG_POSTFIX_NOISE_H
#define GENLOG_POSTFIX_NOISE_H

#include "writer.h"

/* The noise and statistics ops of the Postfix writer (writer.h). */
void postfix_noise(struct writer *w);
void postfix_statistics(struct writer *w);

#endif
