/*
 * domains.h - who mail goes to and comes from: providers, domains, relays
 *
 * domains[] is every domain mail goes to or comes from, with the provider
 * bouncestat must report for it, the family that answers for it (hence
 * the reply texts, replies.h), its MX hosts and their address block, and
 * weights for how often it receives and sends. Indexes into domains[] are
 * uint8_t all over the generator, and stay below DOMAIN_MAX.
 *
 * Also here: the server the log is from (OUR_*), the relay hop a delivery
 * goes through, and the words mailbox names are made of.
 *
 * Everything is constant; domain_hop() is the only function and draws
 * from the caller's generator.
 */
#ifndef GENLOG_DOMAINS_H
#define GENLOG_DOMAINS_H

#include "rng.h"

/* The server that writes the log. */
#define OUR_IP          "203.0.113.5"
#define OUR_HOST        "mx1"
#define OUR_FQDN        "mx1.example-hosting.jp"

/* What bouncestat reports; provider_name[] has the names it prints. */
enum provider {
    PROV_APPLE, PROV_DOCOMO, PROV_GOOGLE, PROV_KDDI, PROV_MICROSOFT,
    PROV_OTHER, PROV_SOFTBANK, PROV_YAHOO, PROV_YAHOO_JAPAN, PROV_COUNT
};

extern const char *const provider_name[PROV_COUNT];

#define D_LOCAL         0x01    /* mailboxes on this server */
#define D_CUSTOM        0x02    /* provider known only from the relay host */
#define D_FREEMAIL      0x04    /* free mail: senders mail in and relay out */
#define D_BADAUTH       0x08    /* customer domain with broken SPF/DKIM */
#define D_NX            0x10    /* does not resolve: used for DNS bounces */
#define D_DEAD          0x20    /* MX never answers: used for expiry */

#define DOMAIN_MAX      96

struct domain {
    const char *name;       /* lower case, unique */
    uint8_t provider;       /* what bouncestat must decide for it */
    uint8_t family;         /* enum family (replies.h) */
    uint8_t flags;
    const char *mx[3];      /* first is preferred; NULL: none or local */
    uint32_t ip;            /* first address of the MX block */
    uint16_t ip_span;
    uint16_t rcpt_weight;
    uint16_t sender_weight; /* Zipf-ish envelope sender volume */
};

extern const struct domain domains[];
extern const unsigned domain_count;     /* at most DOMAIN_MAX */

/* The host a delivery attempt talks to. */
struct hop {
    const char *name;
    uint32_t ip;
};

/*
 * MX number mx of d (the preferred one if d has fewer), at a random
 * address of d's block; the domain itself where d has no MX.
 */
struct hop domain_hop(struct rng *rng, const struct domain *d, unsigned mx);

/* Words mailbox names are made of. */
struct name_list {
    const char *const *names;
    uint32_t n;
};

extern const struct name_list given_names, family_names, role_names,
    alias_names;

#endif
