/*
 * prefilter.c - literals of rule patterns, and one Aho-Corasick pass
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
 * The automaton is a full DFA over byte classes (the bytes that occur in
 * literals, and one class for every other byte), so a scan is one table
 * step per byte; report[s] is the nearest state on s's suffix chain that
 * ends a literal, dict[] links such states.
 */
#include "prefilter.h"

#include <stdlib.h>
#include <string.h>

#define BS_PF_MAX_ALTS 256
#define BS_PF_LIT_MAX 63
#define BS_PF_NONE UINT32_MAX
/* Transitions are 15-bit state numbers, so the table stays small enough
 * for the cache, with the top bit set when the state reached ends a
 * literal (the scan looks at report[] only then). */
#define BS_PF_NEXT_NONE UINT16_MAX
#define BS_PF_REPORTS 0x8000u
#define BS_PF_STATES_MAX 0x7ffeu
/* Only the first bytes of a literal go into the automaton: any part of a
 * literal a match needs is needed too, and short keys keep it small. */
#define BS_PF_KEY_MAX 8

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

/* ---- the automaton ----------------------------------------------------- */

struct bs_prefilter {
    int nrules;
    uint64_t *filtered;   /* rules that run only when marked */
    uint8_t cls[256];
    unsigned ncls;
    uint32_t nstates;
    uint16_t *next;       /* nstates * ncls */
    uint32_t *report;     /* nearest state ending a literal, or NONE */
    uint32_t *dict;       /* the next such state on the suffix chain */
    uint32_t *out_first;  /* per state: first output, or NONE */
    uint32_t *out_next, *out_rule;
    uint32_t nout, capout;
};

struct bs_pf_build {
    struct bs_prefilter *pf;
    uint32_t capstates;
    uint32_t *fail;
};

static uint32_t bs_pf_new_state(struct bs_pf_build *b)
{
    struct bs_prefilter *pf = b->pf;
    if (pf->nstates == b->capstates) {
        b->capstates = b->capstates ? b->capstates * 2 : 256;
        pf->next = bs_xreallocarray(pf->next, (size_t)b->capstates * pf->ncls,
                                    sizeof *pf->next);
        pf->out_first = bs_xreallocarray(pf->out_first, b->capstates,
                                         sizeof *pf->out_first);
    }
    uint32_t s = pf->nstates++;
    for (unsigned k = 0; k < pf->ncls; k++)
        pf->next[(size_t)s * pf->ncls + k] = BS_PF_NEXT_NONE;
    pf->out_first[s] = BS_PF_NONE;
    return s;
}

static void bs_pf_add_literal(struct bs_pf_build *b, const char *lit,
                              int rule)
{
    struct bs_prefilter *pf = b->pf;
    uint32_t s = 0;
    const unsigned char *p = (const unsigned char *)lit;
    for (size_t i = 0; p[i] && i < BS_PF_KEY_MAX; i++) {
        size_t at = (size_t)s * pf->ncls + pf->cls[p[i]];
        if (pf->next[at] == BS_PF_NEXT_NONE) {
            uint32_t t = bs_pf_new_state(b);
            pf->next[(size_t)s * pf->ncls + pf->cls[p[i]]] = (uint16_t)t;
        }
        s = pf->next[(size_t)s * pf->ncls + pf->cls[p[i]]];
    }
    if (pf->nout == pf->capout) {
        pf->capout = pf->capout ? pf->capout * 2 : 256;
        pf->out_next = bs_xreallocarray(pf->out_next, pf->capout,
                                        sizeof *pf->out_next);
        pf->out_rule = bs_xreallocarray(pf->out_rule, pf->capout,
                                        sizeof *pf->out_rule);
    }
    pf->out_rule[pf->nout] = (uint32_t)rule;
    pf->out_next[pf->nout] = pf->out_first[s];
    pf->out_first[s] = pf->nout++;
}

/* Breadth first: failure links, the full transition table, reports. */
static void bs_pf_link(struct bs_pf_build *b)
{
    struct bs_prefilter *pf = b->pf;
    uint32_t n = pf->nstates, ncls = pf->ncls;
    uint32_t *queue = bs_xmalloc((size_t)n * sizeof *queue);
    b->fail = bs_xmalloc((size_t)n * sizeof *b->fail);
    pf->report = bs_xmalloc((size_t)n * sizeof *pf->report);
    pf->dict = bs_xmalloc((size_t)n * sizeof *pf->dict);
    uint32_t head = 0, tail = 0;
    b->fail[0] = 0;
    pf->dict[0] = BS_PF_NONE;
    pf->report[0] = BS_PF_NONE;
    for (unsigned k = 0; k < ncls; k++) {
        uint32_t t = pf->next[k];
        if (t == BS_PF_NEXT_NONE) {
            pf->next[k] = 0;
        } else {
            b->fail[t] = 0;
            queue[tail++] = t;
        }
    }
    while (head < tail) {
        uint32_t s = queue[head++];
        uint32_t f = b->fail[s];
        pf->dict[s] = pf->report[f];
        pf->report[s] = pf->out_first[s] != BS_PF_NONE ? s : pf->dict[s];
        for (unsigned k = 0; k < ncls; k++) {
            size_t at = (size_t)s * ncls + k;
            uint32_t t = pf->next[at];
            if (t == BS_PF_NEXT_NONE) {
                pf->next[at] = pf->next[(size_t)f * ncls + k];
            } else {
                b->fail[t] = pf->next[(size_t)f * ncls + k];
                queue[tail++] = t;
            }
        }
    }
    for (size_t i = 0; i < (size_t)n * ncls; i++)
        if (pf->report[pf->next[i]] != BS_PF_NONE)
            pf->next[i] |= BS_PF_REPORTS;
    free(queue);
    free(b->fail);
}

struct bs_prefilter *bs_prefilter_new(const char *const *patterns, int n)
{
    struct bs_prefilter *pf = bs_xcalloc(1, sizeof *pf);
    pf->nrules = n;
    pf->filtered = bs_xcalloc(bs_prefilter_words(pf), sizeof(uint64_t));
    bs_pf_lit *lits = bs_xmalloc(BS_PF_MAX_ALTS * sizeof *lits);
    bs_pf_lit **kept = bs_xcalloc((size_t)(n ? n : 1), sizeof *kept);
    int *count = bs_xmalloc((size_t)(n ? n : 1) * sizeof *count);
    /* Each pattern's literals once, kept for the trie; first the
     * alphabet they use. */
    bool used[256] = { false };
    for (int i = 0; i < n; i++) {
        count[i] = patterns[i] ? bs_prefilter_literals(patterns[i], lits,
                                                       BS_PF_MAX_ALTS)
                               : -1;
        if (count[i] <= 0)
            continue;
        kept[i] = bs_xmalloc((size_t)count[i] * sizeof *lits);
        memcpy(kept[i], lits, (size_t)count[i] * sizeof *lits);
        for (int k = 0; k < count[i]; k++)
            for (size_t j = 0; lits[k][j] && j < BS_PF_KEY_MAX; j++)
                used[(unsigned char)lits[k][j]] = true;
    }
    pf->ncls = 1;
    for (int c = 0; c < 256; c++)
        if (used[c])
            pf->cls[c] = (uint8_t)pf->ncls++;
    for (int c = 'A'; c <= 'Z'; c++) /* the scan folds ASCII case */
        pf->cls[c] = pf->cls[c + 32];
    struct bs_pf_build b = { pf, 0, NULL };
    bs_pf_new_state(&b);
    for (int i = 0; i < n; i++) {
        if (count[i] <= 0 || pf->nstates + (uint32_t)count[i] *
                                 BS_PF_KEY_MAX > BS_PF_STATES_MAX)
            continue; /* none, or the automaton is full: its regex runs */
        for (int k = 0; k < count[i]; k++)
            bs_pf_add_literal(&b, kept[i][k], i);
        pf->filtered[i / 64] |= 1ull << (i % 64);
    }
    bs_pf_link(&b);
    for (int i = 0; i < n; i++)
        free(kept[i]);
    free(kept);
    free(count);
    free(lits);
    return pf;
}

void bs_prefilter_free(struct bs_prefilter *pf)
{
    if (!pf)
        return;
    free(pf->filtered);
    free(pf->next);
    free(pf->report);
    free(pf->dict);
    free(pf->out_first);
    free(pf->out_next);
    free(pf->out_rule);
    free(pf);
}

size_t bs_prefilter_words(const struct bs_prefilter *pf)
{
    return ((size_t)pf->nrules + 63) / 64 + 1;
}

void bs_prefilter_scan(const struct bs_prefilter *pf, const char *text,
                       size_t len, uint64_t *cand)
{
    memset(cand, 0, bs_prefilter_words(pf) * sizeof *cand);
    const unsigned char *p = (const unsigned char *)text;
    uint32_t s = 0, ncls = pf->ncls;
    for (size_t i = 0; i < len; i++) {
        uint32_t t = pf->next[(size_t)s * ncls + pf->cls[p[i]]];
        s = t & ~BS_PF_REPORTS;
        if (!(t & BS_PF_REPORTS))
            continue;
        for (uint32_t r = pf->report[s]; r != BS_PF_NONE; r = pf->dict[r])
            for (uint32_t o = pf->out_first[r]; o != BS_PF_NONE;
                 o = pf->out_next[o])
                cand[pf->out_rule[o] / 64] |= 1ull << (pf->out_rule[o] % 64);
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
