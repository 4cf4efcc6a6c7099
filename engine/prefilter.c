/*
 * prefilter.c - one pass over a text for the literals of rule patterns
 *
 * The literals come from prefilter_literals.c; this file indexes them by
 * four of their bytes and finds every one that occurs in full, in any
 * ASCII case.
 */
#include "prefilter_impl.h"
#include "scan.h"

#include <stdlib.h>
#include <string.h>

/* ---- the window index -------------------------------------------------- */

/* Each literal is indexed by four of its bytes (those least likely to
 * occur by chance) with ASCII letters folded to lower case by OR 0x20
 * (other bytes change too, the same way in text and literal, so equal
 * windows stay equal); a literal of three bytes by every four-byte
 * window that starts with it. A scan hashes the
 * window at every position of the text and tests one bit of a bitmap
 * that stays in the L1 cache; the positions are independent of each
 * other, unlike the steps of an automaton. On a set bit, the literals of
 * that bucket (found by the bit's rank, stored side by side) are
 * compared eight lower-cased bytes at a time. A second bitmap, of the
 * same windows under another hash, must agree before a probe: half the
 * probes were windows of the text that only shared a bucket with a
 * literal's (most of them with one of a three-byte literal's 224). */
#define BS_PF_HASH_BITS 16
#define BS_PF_BUCKETS (1u << BS_PF_HASH_BITS)
#define BS_PF_WORDS (BS_PF_BUCKETS / 64)
#define BS_PF_FOLD4 0x20202020u

struct bs_pf_entry {
    uint32_t rule;
    uint32_t text;   /* offset of the lower-cased literal in pool */
    uint16_t len;    /* at most 63 */
    uint8_t window;  /* offset of the four bytes it is indexed by */
    uint8_t alt;     /* the rule's top-level alternative it comes from */
    bool in_window;  /* from_window is all of it (window 0, <= 8 bytes) */
    /* The literal's (up to) eight bytes from its window on, and the mask
     * of them: most probes fail on these, read where the window is. */
    uint64_t from_window, from_window_mask;
};

struct bs_pf_link { /* while building: one entry in one bucket */
    uint32_t hash, entry;
};

/* The literals of a rule's clauses after the first, clause by clause:
 * they are searched for in a marked text, not indexed. */
struct bs_pf_more {
    uint32_t text, len; /* in pool */
    uint32_t clause;
};

struct bs_prefilter {
    int nrules;
    uint64_t *filtered; /* rules that run only when marked */
    uint32_t *more_start; /* per rule, its first in more[]; +1 */
    struct bs_pf_more *more;
    uint32_t nmore;
    uint64_t bits[BS_PF_WORDS];
    uint64_t check[BS_PF_WORDS]; /* the windows again, by bs_pf_hash2 */
    uint16_t rank[BS_PF_WORDS]; /* set bits in the words before */
    uint32_t *start;  /* per set bit (by rank), its first in order[]; +1 */
    uint16_t *order;  /* entry numbers, bucket by bucket */
    struct bs_pf_entry *entries;
    uint32_t nentries, capentries;
    struct bs_pf_link *links;
    uint32_t nlinks, caplinks;
    char *pool; /* literals, and 8 spare bytes for the last one's loads */
    uint32_t npool, cappool;
};

static uint32_t bs_pf_hash(uint32_t window)
{
    return (window * 0x9e3779b1u) >> (32 - BS_PF_HASH_BITS);
}

static uint32_t bs_pf_hash2(uint32_t window)
{
    return ((window ^ (window >> 15)) * 0x2c1b3c6du) >> (32 - BS_PF_HASH_BITS);
}

static void bs_pf_link(struct bs_prefilter *pf, uint32_t window, uint32_t e)
{
    if (pf->nlinks == pf->caplinks) {
        pf->caplinks = pf->caplinks ? pf->caplinks * 2 : 1024;
        pf->links = bs_xreallocarray(pf->links, pf->caplinks,
                                     sizeof *pf->links);
    }
    pf->links[pf->nlinks++] =
        (struct bs_pf_link){ bs_pf_hash(window | BS_PF_FOLD4), e };
    uint32_t h2 = bs_pf_hash2(window | BS_PF_FOLD4);
    pf->check[h2 / 64] |= 1ull << (h2 % 64);
}

/* The offset of the literal's four bytes least likely to occur in a text
 * by chance (its first four when all are alike), so that the scan stops
 * at few positions that do not begin it. */
static size_t bs_pf_rare_offset(const unsigned char *u, size_t len)
{
    size_t best = 0;
    unsigned best_score = UINT32_MAX;
    for (size_t o = 0; o + 4 <= len; o++) {
        unsigned score = 0;
        for (size_t j = 0; j < 4; j++)
            score += bs_pf_commonness(u[o + j]);
        char w[5] = { (char)u[o], (char)u[o + 1], (char)u[o + 2],
                      (char)u[o + 3], '\0' };
        if (bs_pf_in_smtp_words(w))
            score += 100;
        if (score < best_score) {
            best = o;
            best_score = score;
        }
    }
    return best;
}

/* Copies lit into the pool, with 8 zero bytes after it for the loads of
 * a verification; returns its offset. */
static uint32_t bs_pf_pool_add(struct bs_prefilter *pf, const char *lit,
                               size_t len)
{
    if (pf->npool + len + 8 > pf->cappool) {
        pf->cappool = (pf->cappool ? pf->cappool * 2 : 4096) + (uint32_t)len;
        pf->pool = bs_xrealloc(pf->pool, pf->cappool);
    }
    uint32_t at = pf->npool;
    memcpy(pf->pool + at, lit, len);
    pf->npool += (uint32_t)len;
    memset(pf->pool + pf->npool, 0, 8);
    return at;
}

/* The mask of the first n bytes (all eight when n >= 8) of a word
 * loaded with bs_load64. */
static uint64_t bs_pf_head_mask(size_t n)
{
    if (n >= 8)
        return ~0ull;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return ~(~0ull >> (8 * n));
#else
    return (1ull << (8 * n)) - 1;
#endif
}

static void bs_pf_add_literal(struct bs_prefilter *pf, const char *lit,
                              int rule, int alt)
{
    const unsigned char *u = (const unsigned char *)lit;
    size_t len = strlen(lit);
    if (pf->nentries == pf->capentries) {
        pf->capentries = pf->capentries ? pf->capentries * 2 : 256;
        pf->entries = bs_xreallocarray(pf->entries, pf->capentries,
                                       sizeof *pf->entries);
    }
    uint32_t e = pf->nentries++;
    size_t o = len >= 4 ? bs_pf_rare_offset(u, len) : 0;
    uint32_t at = bs_pf_pool_add(pf, lit, len);
    pf->entries[e] = (struct bs_pf_entry){
        (uint32_t)rule, at, (uint16_t)len, (uint8_t)o,
        (uint8_t)BS_MIN(alt, 64), o == 0 && len <= 8,
        bs_load64(pf->pool + at + o), bs_pf_head_mask(len - o)
    };
    if (len >= 4) {
        bs_pf_link(pf, bs_load32(u + o), e);
        return;
    }
    /* Three bytes: under every fourth byte the fold can give (those with
     * 0x20 set); the scan reads the text's last three with a blank. */
    for (unsigned c = 0x20; c < 0x100; c++) {
        unsigned char w[4] = { u[0], u[1], u[2], (unsigned char)c };
        if (c & 0x20)
            bs_pf_link(pf, bs_load32(w), e);
    }
}

/* The set bits of v (no popcnt instruction in the baseline x86-64). */
static uint32_t bs_pf_popcount(uint64_t v)
{
    v = v - ((v >> 1) & 0x5555555555555555ull);
    v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
    v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (uint32_t)((v * 0x0101010101010101ull) >> 56);
}

static int bs_pf_link_cmp(const void *a, const void *b)
{
    const struct bs_pf_link *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* The links sorted by bucket become the bitmap, ranks and order[]. */
static void bs_pf_pack(struct bs_prefilter *pf)
{
    if (pf->nlinks) /* none: no rule is filtered, and links is NULL */
        qsort(pf->links, pf->nlinks, sizeof *pf->links, bs_pf_link_cmp);
    pf->start = bs_xmalloc(((size_t)pf->nlinks + 1) * sizeof *pf->start);
    pf->order = bs_xmalloc(((size_t)pf->nlinks + 1) * sizeof *pf->order);
    uint32_t nb = 0, no = 0;
    for (uint32_t i = 0; i < pf->nlinks; i++) {
        const struct bs_pf_link *l = &pf->links[i];
        if (i && l->hash == l[-1].hash && l->entry == l[-1].entry)
            continue; /* a short literal twice in one bucket */
        if (!i || l->hash != l[-1].hash) {
            pf->bits[l->hash / 64] |= 1ull << (l->hash % 64);
            pf->start[nb++] = no;
        }
        pf->order[no++] = (uint16_t)l->entry;
    }
    pf->start[nb] = no;
    uint32_t r = 0;
    for (uint32_t w = 0; w < BS_PF_WORDS; w++) {
        pf->rank[w] = (uint16_t)r;
        r += bs_pf_popcount(pf->bits[w]);
    }
    free(pf->links);
    pf->links = NULL;
}

/* Rule i's clauses after the first (literals lits[k] of clause
 * clause_of[k] > 0), to be searched for when the first marks it. */
static void bs_pf_add_more(struct bs_prefilter *pf, bs_pf_lit *lits,
                           const int *clause_of, int count)
{
    for (int k = 0; k < count; k++) {
        if (!clause_of[k])
            continue;
        size_t len = strlen(lits[k]);
        pf->more = bs_xreallocarray(pf->more, pf->nmore + 1,
                                    sizeof *pf->more);
        pf->more[pf->nmore++] = (struct bs_pf_more){
            bs_pf_pool_add(pf, lits[k], len), (uint32_t)len,
            (uint32_t)clause_of[k]
        };
    }
}

struct bs_prefilter *bs_prefilter_new(const char *const *patterns, int n)
{
    struct bs_prefilter *pf = bs_xcalloc(1, sizeof *pf);
    pf->nrules = n;
    pf->filtered = bs_xcalloc(bs_prefilter_words(pf), sizeof(uint64_t));
    pf->more_start = bs_xcalloc((size_t)n + 1, sizeof *pf->more_start);
    bs_pf_lit *lits = bs_xmalloc(BS_PF_MAX_ALTS * sizeof *lits);
    int *clause_of = bs_xmalloc(BS_PF_MAX_ALTS * sizeof *clause_of);
    int *alt_of = bs_xmalloc(BS_PF_MAX_ALTS * sizeof *alt_of);
    for (int i = 0; i < n; i++) {
        pf->more_start[i] = pf->nmore;
        int count = patterns[i] ? bs_prefilter_literals(patterns[i], lits,
                                                        clause_of, alt_of,
                                                        BS_PF_MAX_ALTS)
                                : -1;
        /* not understood, or beyond what order[] numbers: always run */
        if (count <= 0 || pf->nentries + (uint32_t)count > UINT16_MAX)
            continue;
        for (int k = 0; k < count; k++)
            if (!clause_of[k])
                bs_pf_add_literal(pf, lits[k], i, alt_of[k]);
        bs_pf_add_more(pf, lits, clause_of, count);
        pf->filtered[i / 64] |= 1ull << (i % 64);
    }
    pf->more_start[n] = pf->nmore;
    free(alt_of);
    free(clause_of);
    free(lits);
    bs_pf_pack(pf);
    return pf;
}

void bs_prefilter_free(struct bs_prefilter *pf)
{
    if (!pf)
        return;
    free(pf->filtered);
    free(pf->more_start);
    free(pf->more);
    free(pf->start);
    free(pf->order);
    free(pf->entries);
    free(pf->links);
    free(pf->pool);
    free(pf);
}

/* The words of the rules' bits; the masks of alternatives follow. */
static size_t bs_pf_rule_words(const struct bs_prefilter *pf)
{
    return ((size_t)pf->nrules + 63) / 64 + 1;
}

size_t bs_prefilter_words(const struct bs_prefilter *pf)
{
    return bs_pf_rule_words(pf) + (size_t)pf->nrules;
}

/* The bit of alternative alt in a mask: all bits from the 65th on. */
static uint64_t bs_pf_alt_bit(unsigned alt)
{
    return alt < 64 ? 1ull << alt : ~0ull;
}

/* Marks the rule of entry x, and its alternative, in cand. */
static void bs_pf_mark(const struct bs_prefilter *pf,
                       const struct bs_pf_entry *x, uint64_t *cand)
{
    uint64_t *word = &cand[x->rule / 64], bit = 1ull << (x->rule % 64);
    uint64_t *alts = &cand[bs_pf_rule_words(pf) + x->rule];
    /* the mask is written fresh when the rule is first marked */
    *alts = (*word & bit ? *alts : 0) | bs_pf_alt_bit(x->alt);
    *word |= bit;
}

/* Marks the rule of entry e if its literal occurs at p, where left bytes
 * of the text begin; lower8 is them lower-cased (the first eight, zero
 * padded). */
static void bs_pf_verify_at(const struct bs_prefilter *pf,
                            const struct bs_pf_entry *x, uint64_t lower8,
                            const unsigned char *p, size_t left,
                            uint64_t *cand)
{
    if (x->len > left)
        return;
    const unsigned char *lit = (const unsigned char *)pf->pool + x->text;
    if (((lower8 ^ bs_load64(lit)) & bs_pf_head_mask(x->len)) != 0)
        return;
    for (size_t j = 8; j < x->len; j += 8) {
        size_t len = x->len; /* the last load overlaps the one before */
        size_t at = j + 8 <= len ? j : len - 8;
        if (bs_ascii_lower8(bs_load64(p + at)) != bs_load64(lit + at))
            return;
    }
    bs_pf_mark(pf, x, cand);
}

static uint64_t bs_pf_lower_at(const unsigned char *p, size_t left)
{
    unsigned char b[8] = { 0 };
    if (left >= 8)
        return bs_ascii_lower8(bs_load64(p));
    memcpy(b, p, left);
    return bs_ascii_lower8(bs_load64(b));
}

/* Entry e's literal around position i of the text (its window there). */
static void bs_pf_verify(const struct bs_prefilter *pf,
                         const struct bs_pf_entry *x,
                         const unsigned char *text, size_t len, size_t i,
                         uint64_t *cand)
{
    if (x->window > i)
        return;
    const unsigned char *p = text + i - x->window;
    size_t left = len - (i - x->window);
    bs_pf_verify_at(pf, x, bs_pf_lower_at(p, left), p, left, cand);
}


/* The literals of bucket h (a used one), around position i. */
static void bs_pf_probe(const struct bs_prefilter *pf, uint32_t h,
                        const unsigned char *p, size_t len, size_t i,
                        uint64_t *cand)
{
    uint64_t word = pf->bits[h / 64], bit = 1ull << (h % 64);
    uint32_t r = pf->rank[h / 64] + bs_pf_popcount(word & (bit - 1));
    uint64_t here = bs_pf_lower_at(p + i, len - i);
    for (uint32_t k = pf->start[r]; k < pf->start[r + 1]; k++) {
        const struct bs_pf_entry *x = &pf->entries[pf->order[k]];
        if (((here ^ x->from_window) & x->from_window_mask) != 0)
            continue;
        if (x->in_window) /* the text's zero padding never matches */
            bs_pf_mark(pf, x, cand);
        else
            bs_pf_verify(pf, x, p, len, i, cand);
    }
}

/* The window at i of the text (its four bytes at w), whose bucket h
 * holds literals: probed when the second bitmap has the window too. */
static inline void bs_pf_try_used(const struct bs_prefilter *pf, uint32_t h,
                                  const unsigned char *w,
                                  const unsigned char *p, size_t len,
                                  size_t i, uint64_t *cand)
{
    uint32_t h2 = bs_pf_hash2(bs_load32(w) | BS_PF_FOLD4);
    if ((pf->check[h2 / 64] >> (h2 % 64)) & 1)
        bs_pf_probe(pf, h, p, len, i, cand);
}

/* The window at i of the text, its four bytes at w (p + i, but for the
 * last three bytes' padded copy), whose bucket is h (bs_pf_hash of the
 * folded window): probed when the bucket holds literals and the second
 * bitmap has the window too. */
static inline void bs_pf_try(const struct bs_prefilter *pf, uint32_t h,
                             const unsigned char *w, const unsigned char *p,
                             size_t len, size_t i, uint64_t *cand)
{
    if ((pf->bits[h / 64] >> (h % 64)) & 1)
        bs_pf_try_used(pf, h, w, p, len, i, cand);
}

void bs_prefilter_scan(const struct bs_prefilter *pf, const char *text,
                       size_t len, uint64_t *cand)
{
    size_t words = bs_pf_rule_words(pf);
    for (size_t w = 0; w < words; w++) /* unfiltered rules may match */
        cand[w] = ~pf->filtered[w];
    const unsigned char *p = (const unsigned char *)text;
    if (len < 3)
        return;
    const unsigned char *q = p, *last = p + len - 4;
#ifdef BS_SCAN_SSE2
    /* Sixteen windows a step: the four loads at q to q + 3 hold the
     * windows at q + o, q + o + 4, q + o + 8 and q + o + 12 as lanes,
     * hashed two lanes to a multiply; bs_pf_hash is the high 16 bits of
     * the low half of each product. The order of the probes does not
     * change what they mark. */
    _Static_assert(BS_PF_HASH_BITS == 16, "the hash is a 16-bit word");
    const __m128i fold = _mm_set1_epi32((int)BS_PF_FOLD4),
                  k = _mm_set1_epi32((int)0x9e3779b1u);
    for (; len >= 4 && last - q >= 15; q += 16) {
        uint32_t h[16], hit = 0;
        for (int o = 0; o < 4; o++) {
            __m128i w = _mm_or_si128(
                _mm_loadu_si128((const __m128i *)(const void *)(q + o)),
                fold);
            __m128i even = _mm_mul_epu32(w, k);
            __m128i odd = _mm_mul_epu32(_mm_srli_epi64(w, 32), k);
            h[o] = (uint32_t)_mm_extract_epi16(even, 1);
            h[o + 4] = (uint32_t)_mm_extract_epi16(odd, 1);
            h[o + 8] = (uint32_t)_mm_extract_epi16(even, 5);
            h[o + 12] = (uint32_t)_mm_extract_epi16(odd, 5);
        }
        /* the sixteen bitmap tests without a branch each: most windows
         * are in no bucket, and which are is not predictable */
        for (int j = 0; j < 16; j++)
            hit |= (uint32_t)((pf->bits[h[j] / 64] >> (h[j] % 64)) & 1)
                   << j;
        for (; hit; hit &= hit - 1) {
            int j = __builtin_ctz(hit);
            size_t i = (size_t)(q - p) + (size_t)j;
            bs_pf_try_used(pf, h[j], p + i, p, len, i, cand);
        }
    }
#endif
    for (; len >= 4 && q <= last; q++)
        bs_pf_try(pf, bs_pf_hash(bs_load32(q) | BS_PF_FOLD4), q, p, len,
                  (size_t)(q - p), cand);
    /* The last three bytes, and a blank after them: a literal of three
     * is indexed under every fourth byte with 0x20 set, and a longer one
     * cannot fit there. */
    unsigned char tail[4] = { p[len - 3], p[len - 2], p[len - 1], ' ' };
    bs_pf_try(pf, bs_pf_hash(bs_load32(tail) | BS_PF_FOLD4), tail, p, len,
              len - 3, cand);
}

bool bs_prefilter_filters(const struct bs_prefilter *pf, int i)
{
    return i >= 0 && i < pf->nrules &&
           (pf->filtered[i / 64] >> (i % 64)) & 1;
}

bool bs_prefilter_may_match(const struct bs_prefilter *pf,
                            const uint64_t *cand, int i)
{
    return !bs_prefilter_filters(pf, i) || (cand[i / 64] >> (i % 64)) & 1;
}

uint64_t bs_prefilter_marked_alternatives(const struct bs_prefilter *pf,
                                          const uint64_t *cand, int i)
{
    if (!bs_prefilter_filters(pf, i))
        return ~0ull;
    return cand[bs_pf_rule_words(pf) + (size_t)i];
}

bool bs_prefilter_has_more(const struct bs_prefilter *pf, int i)
{
    return i >= 0 && i < pf->nrules &&
           pf->more_start[i] != pf->more_start[i + 1];
}

bool bs_prefilter_more_hold(const struct bs_prefilter *pf, int i,
                            const char *lower, size_t len)
{
    if (!bs_prefilter_has_more(pf, i))
        return true;
    const struct bs_pf_more *m = pf->more + pf->more_start[i],
                            *end = pf->more + pf->more_start[i + 1];
    while (m < end) {
        uint32_t clause = m->clause;
        bool found = false;
        for (; m < end && m->clause == clause; m++)
            found = found || bs_memmem(lower, len, pf->pool + m->text,
                                       m->len) != NULL;
        if (!found)
            return false;
    }
    return true;
}
