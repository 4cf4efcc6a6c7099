/*
 * provider.h - recipient domain and relay host to a provider id
 *
 * The rules are data (patterns/providers.txt, format described there:
 * domain, relay, network and signature rules),
 * parsed once by bs_provider_table_load(). Provider index 0 is always
 * "other". Lookups are case-insensitive, allocation-free and cost a few
 * hash probes per label of the name.
 */
#ifndef BS_PROVIDER_H
#define BS_PROVIDER_H

#include "buf.h"
#include "common.h"

#define BS_PROVIDER_OTHER 0
#define BS_PROVIDER_MAX 64

struct bs_provider_table;

struct bs_provider_table *bs_provider_table_new(void);
void bs_provider_table_free(struct bs_provider_table *t);
/* Adds the rules in text (named source in errors). Returns 0, or -1 with
 * "SOURCE:LINE: what is wrong" appended to err. */
int bs_provider_table_load(struct bs_provider_table *t, const char *source,
                           const char *text, size_t len, struct bs_buf *err);
/* The provider of a delivery: domain rules first, then relay rules. */
unsigned bs_provider_lookup(const struct bs_provider_table *t,
                            struct bs_slice recipient_domain,
                            struct bs_slice relay_host);

/* What a log says about where a delivery went; any part may be empty. */
struct bs_provider_evidence {
    struct bs_slice recipient_domain;
    struct bs_slice relay_host; /* Postfix names the MX host */
    struct bs_slice relay_ip;   /* qmail names only the IP */
    struct bs_slice text;       /* the response ("... gsmtp") */
};
/* The full decision: recipient domain, relay host, then the network the
 * relay IP lies in (longest prefix), then a signature in the response. */
unsigned bs_provider_decide(const struct bs_provider_table *t,
                            const struct bs_provider_evidence *ev);
/* The same decision with its first three steps remembered: a delivery
 * log names the same recipient domain and relay a thousand times. The
 * recipient domain's step is remembered by the domain alone, the relay's
 * two by the relay alone (they are asked only when the domain says
 * nothing). The caller owns the cache (zero-initialised is empty) and
 * gives the recipient domain's intern id, which stands for its bytes. */
#define BS_PROVIDER_CACHE_SLOTS 4096
struct bs_provider_cache {
    struct bs_provider_domain_slot {
        uint32_t domain_id;
        int32_t result; /* + 2: 0 empty, 1 no match, 2.. provider */
    } domain[BS_PROVIDER_CACHE_SLOTS];
    struct bs_provider_relay_slot {
        uint64_t relay_hash; /* of relay host and IP */
        int32_t result;      /* as above */
    } relay[BS_PROVIDER_CACHE_SLOTS];
};
unsigned bs_provider_decide_cached(const struct bs_provider_table *t,
                                   struct bs_provider_cache *c,
                                   uint32_t domain_id,
                                   const struct bs_provider_evidence *ev);
/* The index of a provider id ("google"), or -1. */
int bs_provider_find(const struct bs_provider_table *t, struct bs_slice id);
const char *bs_provider_name(const struct bs_provider_table *t, unsigned i);
unsigned bs_provider_count(const struct bs_provider_table *t);

#endif
