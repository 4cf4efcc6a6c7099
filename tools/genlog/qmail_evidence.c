/*
 * qmail_evidence.c - published networks, reply signatures, relay addresses
 */
#include "qmail_evidence.h"

#include <string.h>

struct network {
    uint32_t net;
    uint8_t bits;
    uint8_t provider;
};

#define NET(a, b, c, d, bits, p)        {IP4(a, b, c, d), bits, p}

/* The IPv4 network rules of patterns/providers.txt. */
static const struct network networks[] = {
    NET(35, 190, 247, 0, 24, PROV_GOOGLE),
    NET(64, 233, 160, 0, 19, PROV_GOOGLE),
    NET(66, 102, 0, 0, 20, PROV_GOOGLE),
    NET(66, 249, 80, 0, 20, PROV_GOOGLE),
    NET(72, 14, 192, 0, 18, PROV_GOOGLE),
    NET(74, 125, 0, 0, 16, PROV_GOOGLE),
    NET(108, 177, 8, 0, 21, PROV_GOOGLE),
    NET(108, 177, 96, 0, 19, PROV_GOOGLE),
    NET(142, 250, 0, 0, 15, PROV_GOOGLE),
    NET(172, 217, 0, 0, 19, PROV_GOOGLE),
    NET(172, 217, 32, 0, 20, PROV_GOOGLE),
    NET(172, 217, 128, 0, 19, PROV_GOOGLE),
    NET(172, 217, 160, 0, 20, PROV_GOOGLE),
    NET(172, 217, 192, 0, 19, PROV_GOOGLE),
    NET(172, 253, 56, 0, 21, PROV_GOOGLE),
    NET(172, 253, 112, 0, 20, PROV_GOOGLE),
    NET(173, 194, 0, 0, 16, PROV_GOOGLE),
    NET(209, 85, 128, 0, 17, PROV_GOOGLE),
    NET(216, 58, 192, 0, 19, PROV_GOOGLE),
    NET(216, 239, 32, 0, 19, PROV_GOOGLE),
    NET(40, 92, 0, 0, 15, PROV_MICROSOFT),
    NET(40, 107, 0, 0, 16, PROV_MICROSOFT),
    NET(52, 100, 0, 0, 14, PROV_MICROSOFT),
    NET(104, 47, 0, 0, 17, PROV_MICROSOFT),
    NET(66, 163, 160, 0, 19, PROV_YAHOO),
    NET(66, 196, 64, 0, 18, PROV_YAHOO),
    NET(66, 218, 64, 0, 19, PROV_YAHOO),
    NET(67, 195, 0, 0, 16, PROV_YAHOO),
    NET(68, 142, 192, 0, 18, PROV_YAHOO),
    NET(69, 147, 64, 0, 18, PROV_YAHOO),
    NET(74, 6, 0, 0, 16, PROV_YAHOO),
    NET(98, 136, 0, 0, 14, PROV_YAHOO),
    NET(106, 10, 128, 0, 18, PROV_YAHOO),
    NET(124, 108, 96, 0, 19, PROV_YAHOO),
    NET(188, 125, 64, 0, 19, PROV_YAHOO),
    NET(212, 82, 96, 0, 19, PROV_YAHOO),
    NET(17, 0, 0, 0, 8, PROV_APPLE),
};

/* The signature rules, in their order: the first that matches decides. */
static const struct {
    const char *word;           /* lower case */
    uint8_t provider;
} signatures[] = {
    {"gsmtp", PROV_GOOGLE},
    {"protection.outlook.com", PROV_MICROSOFT},
    {"prod.outlook.com", PROV_MICROSOFT},
    {"yahoodns", PROV_YAHOO},
    {"postmaster.yahooinc.com", PROV_YAHOO},
};

/*
 * Where the providers' MX hosts answer from, by weight: Gmail and
 * Workspace MX (gmail-smtp-in, aspmx) mostly from 142.250/15, Exchange
 * Online Protection from 52.101 and 40.107, Yahoo's MX farm from 67.195,
 * 98.136 and 74.6, iCloud from 17.57.
 */
struct block {
    uint32_t first;
    uint32_t span;
    uint16_t weight;
};

static const struct block google_mx[] = {
    {IP4(142, 250, 0, 0), 131072, 50}, {IP4(172, 253, 112, 0), 4096, 15},
    {IP4(74, 125, 0, 0), 65536, 12}, {IP4(64, 233, 160, 0), 8192, 8},
    {IP4(108, 177, 96, 0), 8192, 6}, {IP4(173, 194, 0, 0), 65536, 6},
    {IP4(209, 85, 128, 0), 32768, 3},
};
static const struct block microsoft_mx[] = {
    {IP4(52, 101, 0, 0), 65536, 70}, {IP4(40, 107, 0, 0), 65536, 20},
    {IP4(104, 47, 0, 0), 32768, 10},
};
static const struct block yahoo_mx[] = {
    {IP4(67, 195, 204, 0), 1024, 50}, {IP4(98, 136, 96, 0), 1024, 30},
    {IP4(74, 6, 0, 0), 65536, 15}, {IP4(188, 125, 72, 0), 256, 5},
};
static const struct block apple_mx[] = {
    {IP4(17, 57, 152, 0), 2048, 80}, {IP4(17, 42, 251, 0), 256, 20},
};

#define BLOCKS(a)       {a, (unsigned)LEN(a)}

static const struct {
    const struct block *b;
    unsigned n;
} provider_mx[PROV_COUNT] = {
    [PROV_GOOGLE] = BLOCKS(google_mx),
    [PROV_MICROSOFT] = BLOCKS(microsoft_mx),
    [PROV_YAHOO] = BLOCKS(yahoo_mx),
    [PROV_APPLE] = BLOCKS(apple_mx),
};

int qmail_domain_provider(const struct domain *d)
{
    if ((d->flags & D_CUSTOM) || d->provider == PROV_OTHER)
        return QMAIL_NO_PROVIDER;
    return d->provider;
}

int qmail_network_provider(uint32_t ip)
{
    int best = QMAIL_NO_PROVIDER;
    unsigned best_bits = 0;

    for (size_t i = 0; i < LEN(networks); i++) {
        const struct network *n = &networks[i];
        uint32_t mask = n->bits ? ~0u << (32 - n->bits) : 0;

        if ((ip & mask) != n->net)
            continue;
        if (best == QMAIL_NO_PROVIDER || n->bits > best_bits) {
            best = n->provider;
            best_bits = n->bits;
        }
    }
    return best;
}

static inline char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int contains_nocase(const char *text, size_t len, const char *word)
{
    size_t n = strlen(word);

    for (size_t i = 0; i + n <= len; i++) {
        size_t j = 0;

        while (j < n && lower(text[i + j]) == word[j])
            j++;
        if (j == n)
            return 1;
    }
    return 0;
}

int qmail_signature_provider(const char *text, size_t len)
{
    for (size_t i = 0; i < LEN(signatures); i++)
        if (contains_nocase(text, len, signatures[i].word))
            return signatures[i].provider;
    return QMAIL_NO_PROVIDER;
}

static uint32_t pick_block(struct rng *rng, const struct block *b, unsigned n)
{
    uint32_t total = 0, x;

    for (unsigned i = 0; i < n; i++)
        total += b[i].weight;
    x = rng_below(rng, total);
    while (x >= b->weight) {
        x -= b->weight;
        b++;
    }
    return b->first + rng_below(rng, b->span);
}

uint32_t qmail_relay_ip(struct rng *rng, const struct domain *d)
{
    uint32_t ip;

    if (provider_mx[d->provider].n)
        ip = pick_block(rng, provider_mx[d->provider].b,
                        provider_mx[d->provider].n);
    else
        ip = d->ip + rng_below(rng, d->ip_span);
    if ((ip & 255) == 0 || (ip & 255) == 255)
        ip ^= 26;
    return ip;
}
