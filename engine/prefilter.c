/*
 * prefilter.c - literals of rule patterns, and one pass over a text for them
 *
 * Extraction (bs_pf_set, bs_pf_alternative) walks the pattern source
 * token by token: a literal run grows over plain characters and escaped
 * punctuation and ends at anything else (a group, a class, '.', an
 * anchor, a class escape, an assertion) or at a quantified character
 * ('+' keeps the character, '?', '*' and '{n,m}' drop it). An alternative
 * needs its longest run, or failing that one literal of the set of a
 * group it cannot match without (no '?', '*' or '{' after it, not a
 * lookaround); a pattern needs one literal of the sets of its
 * alternatives. Whatever is not understood gives up the whole pattern
 * (returns -1): unfiltered is always safe.
 *
 * The scan (the window index below) finds every literal that occurs in
 * full, in any ASCII case.
 */
#include "prefilter.h"

#include <stdlib.h>
#include <string.h>

#define BS_PF_MAX_ALTS 256
#define BS_PF_LIT_MAX 63
#define BS_PF_NONE UINT32_MAX

typedef char bs_pf_lit[64];

static unsigned char bs_pf_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool bs_pf_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

/* ---- the pattern source ------------------------------------------------ */

/* An escape at p ('\\'): the next position, *lit the character it stands
 * for, or -1 for a non-literal that the walk may pass (class escapes,
 * assertions); NULL to give up. */
static const char *bs_pf_escape(const char *p, const char *end, int *lit)
{
    if (p + 1 >= end)
        return NULL;
    unsigned char c = (unsigned char)p[1];
    if (!bs_pf_alnum(c)) {
        *lit = c;
        return p + 2;
    }
    if (strchr("dDwWsShHvVRXCbBAzZGK", c)) {
        *lit = -1;
        return p + 2;
    }
    return NULL; /* \x \p \Q \g \k \1 \N \c \o \u ...: not understood */
}

/* A class [...] at p: the position after it, or NULL. */
static const char *bs_pf_skip_class(const char *p, const char *end)
{
    p++;
    if (p < end && *p == '^')
        p++;
    if (p < end && *p == ']')
        p++;
    while (p < end && *p != ']') {
        if (*p == '\\') {
            if (p + 1 >= end)
                return NULL;
            p += 2;
        } else if (*p == '[' && p + 1 < end && p[1] == ':') {
            const char *close = strstr(p + 2, ":]");
            if (!close || close >= end)
                return NULL;
            p = close + 2;
        } else {
            p++;
        }
    }
    return p < end ? p + 1 : NULL;
}

/* A group (...) at p: the position after its ')', or NULL. */
static const char *bs_pf_skip_group(const char *p, const char *end)
{
    int depth = 0;
    while (p < end) {
        if (*p == '\\') {
            if (p + 1 >= end)
                return NULL;
            p += 2;
            continue;
        }
        if (*p == '[') {
            p = bs_pf_skip_class(p, end);
            if (!p)
                return NULL;
            continue;
        }
        if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            return p + 1;
        p++;
    }
    return NULL;
}

/* A quantifier at p: the position after it (with a lazy or possessive
 * mark), p itself when there is none, NULL to give up; *kind its first
 * character. */
static const char *bs_pf_quantifier(const char *p, const char *end,
                                    char *kind)
{
    *kind = 0;
    if (p >= end)
        return p;
    if (*p == '?' || *p == '*' || *p == '+') {
        *kind = *p++;
    } else if (*p == '{') {
        const char *q = p + 1;
        bool digits = false;
        while (q < end && ((*q >= '0' && *q <= '9') || *q == ',')) {
            digits |= *q != ',';
            q++;
        }
        if (!digits || q >= end || *q != '}')
            return NULL; /* a literal '{': not worth understanding */
        *kind = '{';
        p = q + 1;
    } else {
        return p;
    }
    if (p < end && (*p == '?' || *p == '+'))
        p++;
    return p;
}

struct bs_pf_run {
    char run[BS_PF_LIT_MAX + 1], best[BS_PF_LIT_MAX + 1];
    size_t nrun, nbest;
};

static void bs_pf_end_run(struct bs_pf_run *r)
{
    if (r->nrun > r->nbest) {
        memcpy(r->best, r->run, r->nrun);
        r->nbest = r->nrun;
    }
    r->nrun = 0;
}

static void bs_pf_add(struct bs_pf_run *r, unsigned char c)
{
    if (r->nrun < BS_PF_LIT_MAX)
        r->run[r->nrun++] = (char)bs_pf_lower(c);
}

static int bs_pf_set(const char *p, const char *end, bs_pf_lit *lits,
                     int max, int depth);

/* The position after one token that is not a literal character (a group,
 * a class, '.', an anchor), or NULL when it does not close; *opaque
 * false and p itself for anything else. */
static const char *bs_pf_opaque(const char *p, const char *end, bool *opaque)
{
    *opaque = true;
    if (*p == '(')
        return bs_pf_skip_group(p, end);
    if (*p == '[')
        return bs_pf_skip_class(p, end);
    if (*p == '.' || *p == '^' || *p == '$')
        return p + 1;
    *opaque = false;
    return p;
}

/* The content of a group at p that must match for its alternative to
 * match: a plain, non-capturing, named, atomic or branch-reset group
 * (not a lookaround, a condition or an option setting). NULL otherwise;
 * *inner_end is its ')'. */
static const char *bs_pf_group_inner(const char *p, const char *after,
                                     const char **inner_end)
{
    const char *q = p + 1;
    *inner_end = after - 1;
    if (q >= *inner_end || *q != '?')
        return q;
    q++;
    if (*q == ':' || *q == '|' || *q == '>')
        return q + 1;
    if (*q == 'P')
        q++;
    if (*q != '<' && *q != '\'')
        return NULL;
    char close = *q == '<' ? '>' : '\'';
    q++;
    if (*q == '=' || *q == '!')
        return NULL; /* a lookbehind */
    while (q < *inner_end && (bs_pf_alnum((unsigned char)*q) || *q == '_'))
        q++;
    return q < *inner_end && *q == close ? q + 1 : NULL;
}

/* A set of literals one of which any match of the alternative [p, end)
 * contains: its longest literal run, or else the smallest set of one of
 * its mandatory groups. Returns how many, or -1. */
static int bs_pf_alternative(const char *p, const char *end, bs_pf_lit *lits,
                             int max, int depth)
{
    struct bs_pf_run r = { .nrun = 0, .nbest = 0 };
    bs_pf_lit *tmp = bs_xmalloc(BS_PF_MAX_ALTS * sizeof *tmp);
    int best_group = -1;
    char kind;
    while (p < end) {
        bool opaque;
        const char *q = bs_pf_opaque(p, end, &opaque);
        int c = (unsigned char)*p;
        if (!q || (!opaque && strchr(")*+?{|", c)))
            goto give_up; /* unbalanced, or a quantifier without an atom */
        if (!opaque && c == '\\') {
            q = bs_pf_escape(p, end, &c);
            if (!q)
                goto give_up;
            opaque = c < 0;
        } else if (!opaque) {
            q = p + 1;
        }
        const char *after = bs_pf_quantifier(q, end, &kind);
        if (!after)
            goto give_up;
        if (opaque && *p == '(' && (!kind || kind == '+')) {
            const char *inner_end;
            const char *inner = bs_pf_group_inner(p, q, &inner_end);
            int n = inner ? bs_pf_set(inner, inner_end, tmp, BS_PF_MAX_ALTS,
                                      depth + 1)
                          : -1;
            if (n > 0 && n <= max && (best_group < 0 || n < best_group)) {
                memcpy(lits, tmp, (size_t)n * sizeof *lits);
                best_group = n;
            }
        }
        if (opaque) {
            bs_pf_end_run(&r);
        } else if (kind == '+') {
            bs_pf_add(&r, (unsigned char)c);
            bs_pf_end_run(&r);
        } else if (kind) {
            bs_pf_end_run(&r);
        } else {
            bs_pf_add(&r, (unsigned char)c);
        }
        p = after;
    }
    bs_pf_end_run(&r);
    free(tmp);
    if (r.nbest >= BS_PREFILTER_MIN_LITERAL && max >= 1) {
        memcpy(lits[0], r.best, r.nbest);
        lits[0][r.nbest] = '\0';
        return 1;
    }
    return best_group;
give_up:
    free(tmp);
    return -1;
}

/* Leading option settings "(?i)" etc. are skipped. */
static const char *bs_pf_skip_options(const char *p, const char *end)
{
    while (end - p >= 3 && p[0] == '(' && p[1] == '?') {
        const char *q = p + 2;
        while (q < end && ((*q >= 'a' && *q <= 'z') || *q == '-' ||
                           *q == '^' || (*q >= 'A' && *q <= 'Z')))
            q++;
        if (q >= end || *q != ')')
            break;
        p = q + 1;
    }
    return p;
}

/* The union of the sets of the top-level alternatives of [p, end): one
 * of them occurs in any match. Returns how many, or -1. */
static int bs_pf_set(const char *p, const char *end, bs_pf_lit *lits,
                     int max, int depth)
{
    if (depth > 8)
        return -1;
    p = bs_pf_skip_options(p, end);
    int n = 0;
    const char *start = p;
    while (p <= end) {
        if (p == end || *p == '|') {
            int k = bs_pf_alternative(start, p, lits + n, max - n, depth);
            if (k <= 0)
                return -1;
            n += k;
            start = ++p;
            continue;
        }
        const char *q = p + 1;
        if (*p == '\\')
            q = p + 2 <= end ? p + 2 : NULL;
        else if (*p == '(')
            q = bs_pf_skip_group(p, end);
        else if (*p == '[')
            q = bs_pf_skip_class(p, end);
        if (!q)
            return -1;
        p = q;
    }
    return n;
}

int bs_prefilter_literals(const char *pattern, char (*lits)[64], int max)
{
    /* Verbs like (*UTF), and option settings anywhere that change the
     * syntax ((?x)), are not understood. */
    for (const char *s = pattern; (s = strchr(s, '(')) != NULL; s++) {
        if (s[1] == '*')
            return -1;
        if (s[1] == '?') {
            const char *q = s + 2;
            while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                   *q == '-' || *q == '^')
                q++;
            if ((*q == ')' || *q == ':') &&
                memchr(s + 2, 'x', (size_t)(q - s - 2)))
                return -1;
        }
    }
    return bs_pf_set(pattern, pattern + strlen(pattern), lits, max, 0);
}

/* ---- the window index -------------------------------------------------- */

/* Each literal is indexed by its first four bytes (three for a literal of
 * three) with ASCII letters folded to lower case by OR 0x20 (other bytes
 * change too, the same way in text and literal, so equal windows stay
 * equal). A scan hashes the window at every position of the text and
 * tests one bit of a bitmap that stays in the L1 cache; the positions
 * are independent of each other, unlike the steps of an automaton. Only
 * on a set bit are the literals of that bucket compared in full. */
#define BS_PF_HASH_BITS 16
#define BS_PF_BUCKETS (1u << BS_PF_HASH_BITS)

struct bs_pf_entry {
    uint32_t rule;
    uint32_t text; /* offset of the lower-cased literal in pool */
    uint32_t len;
    uint32_t next; /* the next entry of the bucket, or BS_PF_NONE */
};

struct bs_prefilter {
    int nrules;
    uint64_t *filtered; /* rules that run only when marked */
    uint64_t bits4[BS_PF_BUCKETS / 64], bits3[BS_PF_BUCKETS / 64];
    uint32_t *first4, *first3; /* BS_PF_BUCKETS bucket heads each */
    struct bs_pf_entry *entries;
    uint32_t nentries, capentries;
    char *pool;
    uint32_t npool, cappool;
    bool any3;
};

static uint32_t bs_pf_load32(const unsigned char *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

static uint32_t bs_pf_hash(uint32_t window)
{
    return (window * 0x9e3779b1u) >> (32 - BS_PF_HASH_BITS);
}

/* The folded window of a literal (k = 3 or 4 bytes), as the scan sees it
 * on little- or big-endian machines alike. */
static uint32_t bs_pf_window(const unsigned char *p, size_t k)
{
    unsigned char b[4] = { 0, 0, 0, 0 };
    memcpy(b, p, k);
    uint32_t w = bs_pf_load32(b) | 0x20202020u;
    return k == 4 ? w : w & bs_pf_load32((const unsigned char *)"\xff\xff\xff");
}

static void bs_pf_add_literal(struct bs_prefilter *pf, const char *lit,
                              int rule)
{
    size_t len = strlen(lit);
    size_t k = len >= 4 ? 4 : 3;
    uint32_t h = bs_pf_hash(bs_pf_window((const unsigned char *)lit, k));
    uint64_t *bits = k == 4 ? pf->bits4 : pf->bits3;
    uint32_t *first = k == 4 ? pf->first4 : pf->first3;
    pf->any3 |= k == 3;
    if (pf->nentries == pf->capentries) {
        pf->capentries = pf->capentries ? pf->capentries * 2 : 256;
        pf->entries = bs_xreallocarray(pf->entries, pf->capentries,
                                       sizeof *pf->entries);
    }
    if (pf->npool + len > pf->cappool) {
        pf->cappool = (pf->cappool ? pf->cappool * 2 : 4096) + (uint32_t)len;
        pf->pool = bs_xrealloc(pf->pool, pf->cappool);
    }
    memcpy(pf->pool + pf->npool, lit, len);
    pf->entries[pf->nentries] = (struct bs_pf_entry){
        (uint32_t)rule, pf->npool, (uint32_t)len, first[h]
    };
    first[h] = pf->nentries++;
    pf->npool += (uint32_t)len;
    bits[h / 64] |= 1ull << (h % 64);
}

struct bs_prefilter *bs_prefilter_new(const char *const *patterns, int n)
{
    struct bs_prefilter *pf = bs_xcalloc(1, sizeof *pf);
    pf->nrules = n;
    pf->filtered = bs_xcalloc(bs_prefilter_words(pf), sizeof(uint64_t));
    pf->first4 = bs_xmalloc(BS_PF_BUCKETS * sizeof *pf->first4);
    pf->first3 = bs_xmalloc(BS_PF_BUCKETS * sizeof *pf->first3);
    memset(pf->first4, 0xff, BS_PF_BUCKETS * sizeof *pf->first4);
    memset(pf->first3, 0xff, BS_PF_BUCKETS * sizeof *pf->first3);
    bs_pf_lit *lits = bs_xmalloc(BS_PF_MAX_ALTS * sizeof *lits);
    for (int i = 0; i < n; i++) {
        int count = patterns[i] ? bs_prefilter_literals(patterns[i], lits,
                                                        BS_PF_MAX_ALTS)
                                : -1;
        if (count <= 0)
            continue; /* not understood: its regex always runs */
        for (int k = 0; k < count; k++)
            bs_pf_add_literal(pf, lits[k], i);
        pf->filtered[i / 64] |= 1ull << (i % 64);
    }
    free(lits);
    return pf;
}

void bs_prefilter_free(struct bs_prefilter *pf)
{
    if (!pf)
        return;
    free(pf->filtered);
    free(pf->first4);
    free(pf->first3);
    free(pf->entries);
    free(pf->pool);
    free(pf);
}

size_t bs_prefilter_words(const struct bs_prefilter *pf)
{
    return ((size_t)pf->nrules + 63) / 64 + 1;
}

/* Marks the rules of the bucket's literals that occur at p (left bytes
 * of text from there). */
static void bs_pf_verify(const struct bs_prefilter *pf, uint32_t e,
                         const unsigned char *p, size_t left, uint64_t *cand)
{
    for (; e != BS_PF_NONE; e = pf->entries[e].next) {
        const struct bs_pf_entry *x = &pf->entries[e];
        if (x->len > left)
            continue;
        const unsigned char *lit = (const unsigned char *)pf->pool + x->text;
        size_t j = 0;
        while (j < x->len && bs_pf_lower(p[j]) == lit[j])
            j++;
        if (j == x->len)
            cand[x->rule / 64] |= 1ull << (x->rule % 64);
    }
}

static bool bs_pf_bit(const uint64_t *bits, uint32_t h)
{
    return (bits[h / 64] >> (h % 64)) & 1;
}

void bs_prefilter_scan(const struct bs_prefilter *pf, const char *text,
                       size_t len, uint64_t *cand)
{
    memset(cand, 0, bs_prefilter_words(pf) * sizeof *cand);
    const unsigned char *p = (const unsigned char *)text;
    const uint32_t three = bs_pf_load32((const unsigned char *)"\xff\xff\xff");
    size_t i = 0;
    for (; i + 4 <= len; i++) {
        uint32_t w = bs_pf_load32(p + i) | 0x20202020u;
        uint32_t h = bs_pf_hash(w);
        if (bs_pf_bit(pf->bits4, h))
            bs_pf_verify(pf, pf->first4[h], p + i, len - i, cand);
        if (pf->any3) {
            uint32_t h3 = bs_pf_hash(w & three);
            if (bs_pf_bit(pf->bits3, h3))
                bs_pf_verify(pf, pf->first3[h3], p + i, len - i, cand);
        }
    }
    if (pf->any3 && len >= 3) { /* the last three bytes */
        i = len - 3;
        uint32_t h3 = bs_pf_hash(bs_pf_window(p + i, 3));
        if (bs_pf_bit(pf->bits3, h3))
            bs_pf_verify(pf, pf->first3[h3], p + i, 3, cand);
    }
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
