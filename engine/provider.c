/*
 * provider.c - the provider table and its lookups
 *
 * Every rule becomes one key in an intern table: a tag byte for the kind
 * of match (exact, suffix, first label; upper case for domain rules, lower
 * case for relay rules) followed by the lower-cased pattern. A lookup
 * builds the same keys from the name, most specific first, and stops at
 * the first hit.
 */
#include "provider.h"

#include "intern.h"
#include "scan.h"

#include <arpa/inet.h>
#include <stdlib.h>

#define BS_NAME_MAX 255
#define BS_SIGNATURE_MAX 64

/* An IPv4 network is stored IPv4-mapped (::ffff:a.b.c.d), prefix + 96;
 * an address (bs_ip_words) is in it when its bits under mask are want. */
struct bs_network {
    uint64_t want[2], mask[2]; /* the network's address, its prefix mask */
    unsigned bits;
    unsigned provider;
};

#define BS_SIGNATURE_PAIRS 4

struct bs_signature {
    char text[BS_SIGNATURE_MAX + 1]; /* lower case */
    size_t len;
    unsigned provider;
};

struct bs_provider_table {
    char *names[BS_PROVIDER_MAX];
    unsigned count;
    struct bs_intern *keys;
    unsigned char *provider_of; /* by key id */
    uint32_t provider_of_cap;
    struct bs_network *networks;
    size_t nnetworks;
    struct bs_signature *signatures;
    size_t nsignatures;
    /* The first two bytes of the signatures, when there are at most
     * BS_SIGNATURE_PAIRS pairs and no signature is shorter (more:
     * npairs is BS_SIGNATURE_PAIRS + 1): a text is searched for those.
     * Per pair and byte, sixteen times: the byte, and what the text's
     * byte is ORed with before the compare (0x20 for a letter). */
    unsigned npairs;
    unsigned char pair_byte[BS_SIGNATURE_PAIRS][2][16];
    unsigned char pair_fold[BS_SIGNATURE_PAIRS][2][16];
};

struct bs_provider_table *bs_provider_table_new(void)
{
    struct bs_provider_table *t = bs_xcalloc(1, sizeof *t);
    t->names[0] = bs_xstrndup("other", 5);
    t->count = 1;
    t->keys = bs_intern_new(1u << 20);
    return t;
}

void bs_provider_table_free(struct bs_provider_table *t)
{
    if (!t)
        return;
    for (unsigned i = 0; i < t->count; i++)
        free(t->names[i]);
    bs_intern_free(t->keys);
    free(t->provider_of);
    free(t->networks);
    free(t->signatures);
    free(t);
}

int bs_provider_find(const struct bs_provider_table *t, struct bs_slice id)
{
    for (unsigned i = 0; i < t->count; i++)
        if (strlen(t->names[i]) == id.len &&
            memcmp(t->names[i], id.ptr, id.len) == 0)
            return (int)i;
    return -1;
}

const char *bs_provider_name(const struct bs_provider_table *t, unsigned i)
{
    return i < t->count ? t->names[i] : t->names[0];
}

unsigned bs_provider_count(const struct bs_provider_table *t)
{
    return t->count;
}

static bool bs_is_provider_id_char(char c)
{
    return (c >= 'a' && c <= 'z') || bs_is_digit(c) || c == '_';
}

static int bs_provider_index(struct bs_provider_table *t, struct bs_slice id)
{
    int i = bs_provider_find(t, id);
    if (i >= 0 || t->count == BS_PROVIDER_MAX)
        return i;
    t->names[t->count] = bs_xstrndup(id.ptr, id.len);
    return (int)t->count++;
}

static void bs_provider_set(struct bs_provider_table *t, const char *key,
                            size_t n, unsigned provider)
{
    uint32_t id = bs_intern(t->keys, key, n);
    if (id >= t->provider_of_cap) {
        uint32_t cap = t->provider_of_cap ? t->provider_of_cap : 64;
        while (cap <= id)
            cap *= 2;
        t->provider_of = bs_xrealloc(t->provider_of, cap);
        memset(t->provider_of + t->provider_of_cap, 0,
               cap - t->provider_of_cap);
        t->provider_of_cap = cap;
    }
    t->provider_of[id] = (unsigned char)provider;
}

/* Splits a line into up to 3 whitespace-separated words. */
static int bs_split_words(const char *p, const char *end,
                          struct bs_slice w[3])
{
    int n = 0;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
            p++;
        if (p == end || *p == '#')
            break;
        const char *s = p;
        while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
        if (n == 3)
            return 4;
        w[n++] = bs_slice_make(s, (size_t)(p - s));
    }
    return n;
}

/* The key for a pattern: tag byte + lower-cased name without "*". */
static bool bs_provider_rule_key(struct bs_slice kind, struct bs_slice pat,
                                 char *key, size_t *keylen)
{
    bool domain = BS_SLICE_EQ(kind, "domain");
    if (!domain && !BS_SLICE_EQ(kind, "relay"))
        return false;
    if (pat.len == 0 || pat.len > BS_NAME_MAX)
        return false;
    char tag = 'E';
    if (pat.ptr[0] == '.')
        tag = 'S';
    if (pat.len > 2 && pat.ptr[pat.len - 1] == '*' &&
        pat.ptr[pat.len - 2] == '.') {
        tag = 'L';
        pat.len -= 2;
    }
    key[0] = domain ? tag : bs_ascii_lower(tag);
    for (size_t i = 0; i < pat.len; i++)
        key[1 + i] = bs_ascii_lower(pat.ptr[i]);
    *keylen = pat.len + 1;
    return true;
}

/* An IPv4 or IPv6 address (NUL-terminated) as 16 bytes, IPv4 mapped
 * (::ffff:a.b.c.d), in two words; *v4 says which it was. */
static bool bs_ip_words(const char *s, uint64_t w[2], bool *v4)
{
    unsigned char a[16] = { 0 };
    *v4 = inet_pton(AF_INET, s, a + 12) == 1;
    if (*v4)
        a[10] = a[11] = 0xff;
    else if (inet_pton(AF_INET6, s, a) != 1)
        return false;
    memcpy(w, a, sizeof a);
    return true;
}

/* "142.250.0.0/15" or "2001:4860:4000::/36" into a network. */
static bool bs_network_parse(struct bs_slice w, struct bs_network *net)
{
    char buf[64];
    const char *slash = memchr(w.ptr, '/', w.len);
    if (!slash || (size_t)(slash - w.ptr) >= sizeof buf)
        return false;
    memcpy(buf, w.ptr, (size_t)(slash - w.ptr));
    buf[slash - w.ptr] = '\0';
    unsigned bits = 0, digits = 0;
    for (const char *q = slash + 1; q < w.ptr + w.len; q++, digits++) {
        if (!bs_is_digit(*q) || digits == 3)
            return false;
        bits = bits * 10 + (unsigned)(*q - '0');
    }
    bool v4;
    if (!bs_ip_words(buf, net->want, &v4))
        return false;
    if (v4)
        bits += 96;
    net->bits = bits;
    if (!digits || bits > 128)
        return false;
    unsigned char mask[16] = { 0 };
    for (unsigned i = 0; i < bits / 8; i++)
        mask[i] = 0xff;
    if (bits % 8)
        mask[bits / 8] = (unsigned char)(0xff << (8 - bits % 8));
    memcpy(net->mask, mask, sizeof net->mask);
    net->want[0] &= net->mask[0];
    net->want[1] &= net->mask[1];
    return true;
}

/* Notes the first two bytes of a new signature for the search. */
static void bs_signature_pair_add(struct bs_provider_table *t,
                                  const struct bs_signature *sig)
{
    if (t->npairs > BS_SIGNATURE_PAIRS)
        return; /* the search reads every signature anyway */
    if (sig->len < 2) {
        t->npairs = BS_SIGNATURE_PAIRS + 1;
        return;
    }
    for (unsigned i = 0; i < t->npairs; i++)
        if (t->pair_byte[i][0][0] == (unsigned char)sig->text[0] &&
            t->pair_byte[i][1][0] == (unsigned char)sig->text[1])
            return;
    if (t->npairs == BS_SIGNATURE_PAIRS) {
        t->npairs = BS_SIGNATURE_PAIRS + 1;
        return;
    }
    for (int k = 0; k < 2; k++) {
        unsigned char c = (unsigned char)sig->text[k];
        /* a letter's two cases, and only they, OR 0x20 to it */
        memset(t->pair_fold[t->npairs][k], c >= 'a' && c <= 'z' ? 0x20 : 0,
               16);
        memset(t->pair_byte[t->npairs][k], c, 16);
    }
    t->npairs++;
}

static bool bs_provider_add_special(struct bs_provider_table *t,
                                    struct bs_slice kind, struct bs_slice w,
                                    unsigned provider)
{
    if (BS_SLICE_EQ(kind, "network")) {
        struct bs_network net;
        if (!bs_network_parse(w, &net))
            return false;
        net.provider = provider;
        t->networks = bs_xreallocarray(t->networks, t->nnetworks + 1,
                                       sizeof *t->networks);
        t->networks[t->nnetworks++] = net;
        return true;
    }
    if (!BS_SLICE_EQ(kind, "signature") || w.len > BS_SIGNATURE_MAX)
        return false;
    struct bs_signature sig = { .len = w.len, .provider = provider };
    for (size_t i = 0; i < w.len; i++)
        sig.text[i] = bs_ascii_lower(w.ptr[i]);
    t->signatures = bs_xreallocarray(t->signatures, t->nsignatures + 1,
                                     sizeof *t->signatures);
    t->signatures[t->nsignatures++] = sig;
    bs_signature_pair_add(t, &sig);
    return true;
}

/* One "PROVIDER KIND PATTERN" line; false when it is malformed. */
static bool bs_provider_rule(struct bs_provider_table *t,
                             const struct bs_slice w[3], struct bs_buf *err,
                             const char *source, unsigned lineno)
{
    bool id_ok = w[0].len > 0;
    for (size_t i = 0; id_ok && i < w[0].len; i++)
        id_ok = bs_is_provider_id_char(w[0].ptr[i]);
    int idx = id_ok ? bs_provider_index(t, w[0]) : -1;
    if (id_ok && idx < 0) {
        bs_buf_printf(err, "%s:%u: more than %d providers\n", source, lineno,
                      BS_PROVIDER_MAX);
        return false;
    }
    char key[BS_NAME_MAX + 2];
    size_t keylen;
    bool ok = false;
    if (idx >= 0 && bs_provider_rule_key(w[1], w[2], key, &keylen)) {
        bs_provider_set(t, key, keylen, (unsigned)idx);
        ok = true;
    } else if (idx >= 0) {
        ok = bs_provider_add_special(t, w[1], w[2], (unsigned)idx);
    }
    if (!ok)
        bs_buf_printf(err, "%s:%u: expected 'PROVIDER domain|relay|network|"
                      "signature PATTERN' (provider ids are [a-z0-9_])\n",
                      source, lineno);
    return ok;
}

int bs_provider_table_load(struct bs_provider_table *t, const char *source,
                           const char *text, size_t len, struct bs_buf *err)
{
    const char *p = text, *end = text + len;
    for (unsigned lineno = 1; p < end; lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        struct bs_slice w[3];
        int n = bs_split_words(p, eol, w);
        p = nl ? nl + 1 : end;
        if (n == 0)
            continue;
        if (n != 3) {
            bs_buf_printf(err, "%s:%u: expected 'PROVIDER KIND PATTERN'\n",
                          source, lineno);
            return -1;
        }
        if (!bs_provider_rule(t, w, err, source, lineno))
            return -1;
    }
    return 0;
}

static int bs_provider_try(const struct bs_provider_table *t, char *key,
                           size_t n)
{
    uint32_t id = bs_intern_find(t->keys, key, n);
    if (id == UINT32_MAX || id >= t->provider_of_cap)
        return -1;
    return t->provider_of[id];
}

/* Exact, then suffixes from the longest, then the first label. */
static int bs_provider_match(const struct bs_provider_table *t,
                             struct bs_slice name, bool domain)
{
    while (name.len && name.ptr[name.len - 1] == '.')
        name.len--; /* a trailing dot is the DNS root */
    if (name.len == 0 || name.len > BS_NAME_MAX)
        return -1;
    char key[BS_NAME_MAX + 2];
    bs_ascii_lower_copy(key + 1, name.ptr, name.len);
    key[0] = domain ? 'E' : 'e';
    int r = bs_provider_try(t, key, name.len + 1);
    if (r >= 0)
        return r;
    for (size_t i = 1; i < name.len; i++) {
        if (key[1 + i] != '.')
            continue;
        key[i] = domain ? 'S' : 's';
        r = bs_provider_try(t, key + i, name.len - i + 1);
        key[i] = bs_ascii_lower(name.ptr[i - 1]);
        if (r >= 0)
            return r;
    }
    const char *dot = memchr(name.ptr, '.', name.len);
    if (!dot)
        return -1;
    key[0] = domain ? 'L' : 'l';
    return bs_provider_try(t, key, (size_t)(dot - name.ptr) + 1);
}

unsigned bs_provider_lookup(const struct bs_provider_table *t,
                            struct bs_slice recipient_domain,
                            struct bs_slice relay_host)
{
    int r = bs_provider_match(t, recipient_domain, true);
    if (r < 0)
        r = bs_provider_match(t, relay_host, false);
    return r < 0 ? BS_PROVIDER_OTHER : (unsigned)r;
}

static int bs_provider_by_network(const struct bs_provider_table *t,
                                  struct bs_slice ip)
{
    char buf[64];
    uint64_t w[2];
    bool v4;
    if (!ip.len || ip.len >= sizeof buf || !t->nnetworks)
        return -1;
    memcpy(buf, ip.ptr, ip.len);
    buf[ip.len] = '\0';
    if (!bs_ip_words(buf, w, &v4))
        return -1;
    int best = -1;
    unsigned best_bits = 0;
    for (size_t i = 0; i < t->nnetworks; i++) {
        const struct bs_network *n = &t->networks[i];
        if ((((w[0] ^ n->want[0]) & n->mask[0]) |
             ((w[1] ^ n->want[1]) & n->mask[1])) != 0)
            continue;
        if (best < 0 || n->bits > best_bits) {
            best = (int)n->provider;
            best_bits = n->bits;
        }
    }
    return best;
}

/* Does the signature s (lower case) start at p, in any ASCII case? */
static bool bs_signature_at(const struct bs_signature *s, const char *p,
                            const char *end)
{
    if ((size_t)(end - p) < s->len)
        return false;
    for (size_t j = 0; j < s->len; j++)
        if (bs_ascii_lower(p[j]) != s->text[j])
            return false;
    return true;
}

/* The earliest signature of the table before best that starts at p. */
static size_t bs_signature_starting(const struct bs_provider_table *t,
                                    const char *p, const char *end,
                                    size_t best)
{
    for (size_t i = 0; i < best; i++)
        if (bs_signature_at(&t->signatures[i], p, end))
            return i;
    return best;
}

#ifdef BS_SCAN_SSE2
/* The lanes of v that are byte k of pair i, in any ASCII case. */
static inline __m128i bs_signature_byte_is(const struct bs_provider_table *t,
                                           __m128i v, unsigned i, int k)
{
    const void *fold = t->pair_fold[i][k], *byte = t->pair_byte[i][k];
    return _mm_cmpeq_epi8(
        _mm_or_si128(v, _mm_loadu_si128((const __m128i *)fold)),
        _mm_loadu_si128((const __m128i *)byte));
}
#endif

/* The first signature of the table (the earliest wins) that occurs in
 * [p, end) in any ASCII case, or nsignatures: the text is read once,
 * sixteen starts at a time for the signatures' first two bytes (few
 * places of a text have one of the pairs; the first bytes alone were at
 * every 'g', 'p' and 'y'), the signatures compared there only; with more
 * pairs than that, or without SSE2, at every start. */
static size_t bs_first_signature(const struct bs_provider_table *t,
                                 const char *p, const char *end)
{
    size_t best = t->nsignatures;
#ifdef BS_SCAN_SSE2
    while (t->npairs <= BS_SIGNATURE_PAIRS && p < end && best) {
        /* the last bytes from a copy with zero bytes after them (no
         * signature has a zero byte): nothing read past end */
        char tail[32] = { 0 };
        const char *at = p;
        if (end - p < 17)
            at = memcpy(tail, p, (size_t)(end - p));
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)at);
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(at + 1));
        __m128i hit = _mm_setzero_si128();
        for (unsigned i = 0; i < t->npairs; i++)
            hit = _mm_or_si128(
                hit, _mm_and_si128(bs_signature_byte_is(t, a, i, 0),
                                   bs_signature_byte_is(t, b, i, 1)));
        for (unsigned m = (unsigned)_mm_movemask_epi8(hit); m && best;
             m &= m - 1)
            best = bs_signature_starting(t, p + __builtin_ctz(m), end, best);
        p += 16;
    }
#endif
    for (; p < end && best; p++)
        best = bs_signature_starting(t, p, end, best);
    return best;
}

static int bs_provider_by_signature(const struct bs_provider_table *t,
                                    struct bs_slice text)
{
    size_t best = bs_first_signature(t, text.ptr, text.ptr + text.len);
    return best < t->nsignatures ? (int)t->signatures[best].provider : -1;
}

/* Relay host, then relay network: -1 when neither says. */
static int bs_provider_by_relay(const struct bs_provider_table *t,
                                const struct bs_provider_evidence *ev)
{
    int r = bs_provider_match(t, ev->relay_host, false);
    if (r < 0)
        r = bs_provider_by_network(t, ev->relay_ip);
    return r;
}

/* Recipient domain, relay host, relay network: -1 when none says. */
static int bs_provider_by_names(const struct bs_provider_table *t,
                                const struct bs_provider_evidence *ev)
{
    int r = bs_provider_match(t, ev->recipient_domain, true);
    return r < 0 ? bs_provider_by_relay(t, ev) : r;
}

unsigned bs_provider_decide(const struct bs_provider_table *t,
                            const struct bs_provider_evidence *ev)
{
    int r = bs_provider_by_names(t, ev);
    if (r < 0)
        r = bs_provider_by_signature(t, ev->text);
    return r < 0 ? BS_PROVIDER_OTHER : (unsigned)r;
}

unsigned bs_provider_decide_cached(const struct bs_provider_table *t,
                                   struct bs_provider_cache *c,
                                   uint32_t domain_id,
                                   const struct bs_provider_evidence *ev)
{
    if (!c)
        return bs_provider_decide(t, ev);
    struct bs_provider_domain_slot *d =
        &c->domain[(domain_id * 0x9e3779b1u) >> 20];
    _Static_assert(BS_PROVIDER_CACHE_SLOTS == 1 << 12, "12 bits of slot");
    if (!d->result || d->domain_id != domain_id)
        *d = (struct bs_provider_domain_slot){
            domain_id, bs_provider_match(t, ev->recipient_domain, true) + 2
        };
    int r = d->result - 2;
    if (r < 0) {
        uint64_t h = bs_hash_bytes(ev->relay_host.ptr, ev->relay_host.len) ^
                     bs_hash_bytes(ev->relay_ip.ptr, ev->relay_ip.len) *
                         0x9e3779b97f4a7c15ULL;
        struct bs_provider_relay_slot *s =
            &c->relay[h % BS_PROVIDER_CACHE_SLOTS];
        if (s->result && s->relay_hash == h) {
            r = s->result - 2;
        } else {
            r = bs_provider_by_relay(t, ev);
            *s = (struct bs_provider_relay_slot){ h, r + 2 };
        }
    }
    if (r < 0)
        r = bs_provider_by_signature(t, ev->text);
    return r < 0 ? BS_PROVIDER_OTHER : (unsigned)r;
}
