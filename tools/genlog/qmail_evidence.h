/*
 * qmail_evidence.h - where a qmail delivery went, as far as its lines show
 *
 * qmail-send logs the recipient (on the "starting delivery" line) and
 * qmail-remote's report, which names the relay only by IP; there is no MX
 * host name. bouncestat decides the provider from the recipient domain,
 * then the relay IP's network, then a signature word in the reply
 * (patterns/providers.txt), and the truth must decide from the same
 * evidence. The networks and signatures here are those of
 * patterns/providers.txt (IPv4 networks, in its order); the relay IPs the
 * writer puts in its lines come from the providers' published networks
 * where a provider has them.
 *
 * Nothing here writes; qmail_relay_ip() draws from the rng it is given.
 */
#ifndef GENLOG_QMAIL_EVIDENCE_H
#define GENLOG_QMAIL_EVIDENCE_H

#include "domains.h"

#define QMAIL_NO_PROVIDER       (-1)

/* The provider a domain rule gives d, or QMAIL_NO_PROVIDER (custom domains
 * at Google or Microsoft and everyone "other" have none). */
int qmail_domain_provider(const struct domain *d);

/* The provider of the network ip lies in (longest prefix), or
 * QMAIL_NO_PROVIDER. */
int qmail_network_provider(uint32_t ip);

/* The provider of the first signature word in text[0..len), matched
 * case-insensitively, or QMAIL_NO_PROVIDER. */
int qmail_signature_provider(const char *text, size_t len);

/* The address qmail-remote connects to for d: a published address of d's
 * provider where it has networks, else one of d's MX block. */
uint32_t qmail_relay_ip(struct rng *rng, const struct domain *d);

#endif
