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
#include "scan.h"

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

/* How common a byte is in failure texts, 0 (rare) to 9: spaces, vowels
 * and the frequent consonants, digits and the punctuation of codes. */
static unsigned bs_pf_commonness(unsigned char c)
{
    static const char common[] = " etaoinsrhldcu0123456789.-:mfpgwy";
    const char *at = c ? strchr(common, c) : NULL;
    return at ? 9 - (unsigned)(at - common) * 9 / (sizeof common - 1) : 0;
}

/* Words most SMTP replies and Postfix texts have: a window inside one of
 * them would stop the scan in nearly every text. */
static const char bs_pf_smtp_words[] =
    " host said: (in reply to rcpt to command) mail from end of data "
    "message recipient sender address user mailbox domain server smtp "
    "esmtp service relay rejected denied refused blocked policy "
    "temporarily deferred please try again later connection unknown "
    "account delivery http://www. https://support. .com/ .net/ .jp/ "
    "error reason because the and for not with your this has been ";

/* Words of the failure texts themselves that many rules' patterns also
 * have (Postfix's "lost connection with ... while sending RCPT TO", "...
 * failed", "... exceeded"): as a rule's only literal they let in texts
 * of other causes. */
static const char bs_pf_failure_words[] =
    " while sending while receiving delivery failed failure "
    "quota exceeded ";

/* A piece of a host name or address ("gmail.com", "live."): replies
 * quote the recipient's address, so a literal with a dot between a
 * letter or digit and a letter is about as common as an SMTP word. */
static bool bs_pf_names_host(const char *lit)
{
    for (const char *q = lit; (q = strchr(q, '.')) != NULL; q++)
        if (q > lit && bs_pf_alnum((unsigned char)q[-1]) &&
            q[1] >= 'a' && q[1] <= 'z')
            return true;
    return false;
}

/* How unlikely a literal is to occur in a reply by chance: rare bytes
 * count more, and a literal that is itself a common SMTP word, or a
 * piece of a host name, little. */
static int bs_pf_literal_rarity(const char *lit)
{
    int score = 0;
    for (const char *q = lit; *q; q++)
        score += 10 - (int)bs_pf_commonness((unsigned char)*q);
    if (strstr(bs_pf_smtp_words, lit) || strstr(bs_pf_failure_words, lit) ||
        bs_pf_names_host(lit))
        score /= 4;
    return score;
}

/* A set is as likely to let a text through as its likeliest literal. */
static int bs_pf_set_rarity(bs_pf_lit *lits, int n)
{
    int worst = INT32_MAX;
    for (int i = 0; i < n; i++) {
        int r = bs_pf_literal_rarity(lits[i]);
        if (r < worst)
            worst = r;
    }
    return worst;
}

/* The literal run being read, and the best of those read before: the
 * least likely to occur by chance of those long enough to filter, the
 * longer one of two alike. */
struct bs_pf_run {
    char run[BS_PF_LIT_MAX + 1], best[BS_PF_LIT_MAX + 1];
    size_t nrun, nbest;
    int best_rarity;
};

static void bs_pf_end_run(struct bs_pf_run *r)
{
    if (r->nrun >= BS_PREFILTER_MIN_LITERAL) {
        r->run[r->nrun] = '\0';
        int rarity = bs_pf_literal_rarity(r->run);
        if (!r->nbest || rarity > r->best_rarity ||
            (rarity == r->best_rarity && r->nrun > r->nbest)) {
            memcpy(r->best, r->run, r->nrun + 1);
            r->nbest = r->nrun;
            r->best_rarity = rarity;
        }
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

/* The exact literal that every match of the alternative [p, end) begins
 * with (leading) or ends with (!leading), lower-cased into out; it may be
 * empty. False to give up. */
static bool bs_pf_edge(const char *p, const char *end, char *out,
                       bool leading)
{
    size_t n = 0;
    while (p < end) {
        bool opaque;
        const char *q = bs_pf_opaque(p, end, &opaque);
        int c = (unsigned char)*p;
        if (!q || (!opaque && strchr(")*+?{|", c)))
            return false;
        if (!opaque && c == '\\') {
            q = bs_pf_escape(p, end, &c);
            if (!q)
                return false;
            opaque = c < 0;
        } else if (!opaque) {
            q = p + 1;
        }
        char kind;
        const char *after = bs_pf_quantifier(q, end, &kind);
        if (!after)
            return false;
        bool once = !opaque && (!kind || kind == '+');
        if (!once || n == BS_PF_LIT_MAX) { /* the edge stops here */
            if (leading)
                break;
            n = 0;
        }
        if (once) {
            if (kind == '+' && !leading)
                n = 0; /* the last repetition is what the rest follows */
            if (n < BS_PF_LIT_MAX)
                out[n++] = (char)bs_pf_lower((unsigned char)c);
            if (kind == '+' && leading)
                break;
        }
        p = after;
    }
    out[n] = '\0';
    return true;
}

/* bs_pf_edge of every top-level alternative of [p, end). Returns how
 * many, or -1. */
static int bs_pf_edges(const char *p, const char *end, bs_pf_lit *lits,
                       int max, bool leading)
{
    int n = 0;
    const char *start = p;
    while (p <= end) {
        if (p == end || *p == '|') {
            if (n == max || !bs_pf_edge(start, p, lits[n], leading))
                return -1;
            n++;
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

/* The set an alternative offers so far: the least likely to occur by
 * chance (bs_pf_set_rarity), the smaller one of two alike. */
struct bs_pf_choice {
    bs_pf_lit *lits; /* the caller's, max of them */
    int max, n, rarity;
};

static void bs_pf_consider(struct bs_pf_choice *ch, bs_pf_lit *set, int n)
{
    int rarity = n > 0 && n <= ch->max ? bs_pf_set_rarity(set, n) : -1;
    if (rarity > ch->rarity ||
        (rarity >= 0 && rarity == ch->rarity && n < ch->n)) {
        memcpy(ch->lits, set, (size_t)n * sizeof *set);
        ch->n = n;
        ch->rarity = rarity;
    }
}

/* The literal run [run, run + nrun) joined to each of n edges: before
 * them (run_first) or after them. Considered when every joined literal
 * has at least BS_PREFILTER_MIN_LITERAL bytes. */
static void bs_pf_consider_joined(struct bs_pf_choice *ch, const char *run,
                                  size_t nrun, bs_pf_lit *edges, int n,
                                  bool run_first, bs_pf_lit *tmp)
{
    if (!nrun || n <= 0)
        return;
    for (int i = 0; i < n; i++) {
        size_t ne = strlen(edges[i]);
        if (nrun + ne >= BS_PF_LIT_MAX || /* 63: the run may be cut */
            nrun + ne < BS_PREFILTER_MIN_LITERAL)
            return;
        const char *first = run_first ? run : edges[i];
        size_t nfirst = run_first ? nrun : ne;
        memcpy(tmp[i], first, nfirst);
        memcpy(tmp[i] + nfirst, run_first ? edges[i] : run,
               nrun + ne - nfirst);
        tmp[i][nrun + ne] = '\0';
    }
    bs_pf_consider(ch, tmp, n);
}

/* A set of literals one of which any match of the alternative [p, end)
 * contains, the least likely to occur by chance of: its longest literal
 * run (preferred when alike), the set of one of its mandatory groups,
 * and a literal run joined to the edges of the alternatives of a
 * mandatory group right before or after it ("too many " + (?:messages|
 * mails) gives "too many messages|too many mails"). Returns how many, or
 * -1. */
static int bs_pf_alternative(const char *p, const char *end, bs_pf_lit *lits,
                             int max, int depth)
{
    struct bs_pf_run r = { .nrun = 0, .nbest = 0 };
    bs_pf_lit *tmp = bs_xmalloc(3 * BS_PF_MAX_ALTS * sizeof *tmp);
    bs_pf_lit *edges = tmp + BS_PF_MAX_ALTS, *after_group = edges +
                                                           BS_PF_MAX_ALTS;
    int nafter = -1; /* edges of the group the current run follows */
    struct bs_pf_choice ch = { lits, max, -1, -1 };
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
        bool once = !opaque && (!kind || kind == '+');
        if (once)
            bs_pf_add(&r, (unsigned char)c);
        if (!once || kind == '+') { /* the run ends here */
            bs_pf_consider_joined(&ch, r.run, r.nrun, after_group, nafter,
                                  false, tmp);
            nafter = -1;
        }
        const char *inner_end;
        const char *inner = opaque && *p == '(' && (!kind || kind == '+')
                                ? bs_pf_group_inner(p, q, &inner_end)
                                : NULL;
        if (inner) {
            int n = bs_pf_set(inner, inner_end, tmp, BS_PF_MAX_ALTS,
                              depth + 1);
            bs_pf_consider(&ch, tmp, n);
            n = bs_pf_edges(inner, inner_end, edges, BS_PF_MAX_ALTS, true);
            bs_pf_consider_joined(&ch, r.run, r.nrun, edges, n, true, tmp);
            nafter = bs_pf_edges(inner, inner_end, after_group,
                                 BS_PF_MAX_ALTS, false);
        }
        if (!once || kind == '+')
            bs_pf_end_run(&r);
        p = after;
    }
    bs_pf_consider_joined(&ch, r.run, r.nrun, after_group, nafter, false,
                          tmp);
    bs_pf_end_run(&r);
    free(tmp);
    if (r.nbest >= BS_PREFILTER_MIN_LITERAL && max >= 1) {
        r.best[r.nbest] = '\0';
        if (ch.n < 0 || bs_pf_literal_rarity(r.best) >= ch.rarity) {
            memcpy(lits[0], r.best, r.nbest + 1);
            return 1;
        }
    }
    return ch.n;
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

/* Each literal is indexed by four of its bytes (those least likely to
 * occur by chance) with ASCII letters folded to lower case by OR 0x20
 * (other bytes change too, the same way in text and literal, so equal
 * windows stay equal); a literal of three bytes by every four-byte
 * window that starts with it. A scan hashes the
 * window at every position of the text and tests one bit of a bitmap
 * that stays in the L1 cache; the positions are independent of each
 * other, unlike the steps of an automaton. On a set bit, the literals of
 * that bucket (found by the bit's rank, stored side by side) are
 * compared eight lower-cased bytes at a time. */
#define BS_PF_HASH_BITS 16
#define BS_PF_BUCKETS (1u << BS_PF_HASH_BITS)
#define BS_PF_WORDS (BS_PF_BUCKETS / 64)
#define BS_PF_FOLD4 0x20202020u

struct bs_pf_entry {
    uint32_t rule;
    uint32_t text;   /* offset of the lower-cased literal in pool */
    uint32_t len;
    uint32_t window; /* offset of the four bytes it is indexed by */
};

struct bs_pf_link { /* while building: one entry in one bucket */
    uint32_t hash, entry;
};

struct bs_prefilter {
    int nrules;
    uint64_t *filtered; /* rules that run only when marked */
    uint64_t bits[BS_PF_WORDS];
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

static void bs_pf_link(struct bs_prefilter *pf, uint32_t window, uint32_t e)
{
    if (pf->nlinks == pf->caplinks) {
        pf->caplinks = pf->caplinks ? pf->caplinks * 2 : 1024;
        pf->links = bs_xreallocarray(pf->links, pf->caplinks,
                                     sizeof *pf->links);
    }
    pf->links[pf->nlinks++] =
        (struct bs_pf_link){ bs_pf_hash(window | BS_PF_FOLD4), e };
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
        if (strstr(bs_pf_smtp_words, w))
            score += 100;
        if (score < best_score) {
            best = o;
            best_score = score;
        }
    }
    return best;
}

static void bs_pf_add_literal(struct bs_prefilter *pf, const char *lit,
                              int rule)
{
    const unsigned char *u = (const unsigned char *)lit;
    size_t len = strlen(lit);
    if (pf->nentries == pf->capentries) {
        pf->capentries = pf->capentries ? pf->capentries * 2 : 256;
        pf->entries = bs_xreallocarray(pf->entries, pf->capentries,
                                       sizeof *pf->entries);
    }
    if (pf->npool + len + 8 > pf->cappool) {
        pf->cappool = (pf->cappool ? pf->cappool * 2 : 4096) + (uint32_t)len;
        pf->pool = bs_xrealloc(pf->pool, pf->cappool);
    }
    memcpy(pf->pool + pf->npool, lit, len);
    uint32_t e = pf->nentries++;
    size_t o = len >= 4 ? bs_pf_rare_offset(u, len) : 0;
    pf->entries[e] = (struct bs_pf_entry){ (uint32_t)rule, pf->npool,
                                           (uint32_t)len, (uint32_t)o };
    pf->npool += (uint32_t)len;
    memset(pf->pool + pf->npool, 0, 8);
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

struct bs_prefilter *bs_prefilter_new(const char *const *patterns, int n)
{
    struct bs_prefilter *pf = bs_xcalloc(1, sizeof *pf);
    pf->nrules = n;
    pf->filtered = bs_xcalloc(bs_prefilter_words(pf), sizeof(uint64_t));
    bs_pf_lit *lits = bs_xmalloc(BS_PF_MAX_ALTS * sizeof *lits);
    for (int i = 0; i < n; i++) {
        int count = patterns[i] ? bs_prefilter_literals(patterns[i], lits,
                                                        BS_PF_MAX_ALTS)
                                : -1;
        /* not understood, or beyond what order[] numbers: always run */
        if (count <= 0 || pf->nentries + (uint32_t)count > UINT16_MAX)
            continue;
        for (int k = 0; k < count; k++)
            bs_pf_add_literal(pf, lits[k], i);
        pf->filtered[i / 64] |= 1ull << (i % 64);
    }
    free(lits);
    bs_pf_pack(pf);
    return pf;
}

void bs_prefilter_free(struct bs_prefilter *pf)
{
    if (!pf)
        return;
    free(pf->filtered);
    free(pf->start);
    free(pf->order);
    free(pf->entries);
    free(pf->links);
    free(pf->pool);
    free(pf);
}

size_t bs_prefilter_words(const struct bs_prefilter *pf)
{
    return ((size_t)pf->nrules + 63) / 64 + 1;
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
    size_t n = x->len < 8 ? x->len : 8;
    uint64_t mask = n == 8 ? ~0ull : (1ull << (8 * n)) - 1;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    mask = n == 8 ? ~0ull : ~(~0ull >> (8 * n));
#endif
    if (((lower8 ^ bs_load64(lit)) & mask) != 0)
        return;
    for (size_t j = 8; j < x->len; j += 8) {
        size_t at = j + 8 <= x->len ? j : x->len - 8; /* last: overlap */
        if (bs_ascii_lower8(bs_load64(p + at)) != bs_load64(lit + at))
            return;
    }
    cand[x->rule / 64] |= 1ull << (x->rule % 64);
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
static void bs_pf_verify(const struct bs_prefilter *pf, uint32_t e,
                         const unsigned char *text, size_t len, size_t i,
                         uint64_t *cand)
{
    const struct bs_pf_entry *x = &pf->entries[e];
    if (x->window > i)
        return;
    const unsigned char *p = text + i - x->window;
    size_t left = len - (i - x->window);
    bs_pf_verify_at(pf, x, bs_pf_lower_at(p, left), p, left, cand);
}


/* The literals indexed under the folded window w, around position i. */
static void bs_pf_probe(const struct bs_prefilter *pf, uint32_t w,
                        const unsigned char *p, size_t len, size_t i,
                        uint64_t *cand)
{
    uint32_t h = bs_pf_hash(w);
    uint64_t word = pf->bits[h / 64], bit = 1ull << (h % 64);
    if (!(word & bit))
        return;
    uint32_t r = pf->rank[h / 64] + bs_pf_popcount(word & (bit - 1));
    for (uint32_t k = pf->start[r]; k < pf->start[r + 1]; k++)
        bs_pf_verify(pf, pf->order[k], p, len, i, cand);
}

void bs_prefilter_scan(const struct bs_prefilter *pf, const char *text,
                       size_t len, uint64_t *cand)
{
    size_t words = bs_prefilter_words(pf);
    for (size_t w = 0; w < words; w++) /* unfiltered rules may match */
        cand[w] = ~pf->filtered[w];
    const unsigned char *p = (const unsigned char *)text;
    if (len < 3)
        return;
    const unsigned char *q = p, *last = p + len - 4;
    for (; len >= 4 && q <= last; q++) {
        uint32_t h = bs_pf_hash(bs_load32(q) | BS_PF_FOLD4);
        if ((pf->bits[h / 64] >> (h % 64)) & 1)
            bs_pf_probe(pf, bs_load32(q) | BS_PF_FOLD4, p, len,
                        (size_t)(q - p), cand);
    }
    /* The last three bytes, and a blank after them: a literal of three
     * is indexed under every fourth byte with 0x20 set, and a longer one
     * cannot fit there. */
    unsigned char tail[4] = { p[len - 3], p[len - 2], p[len - 1], ' ' };
    bs_pf_probe(pf, bs_load32(tail) | BS_PF_FOLD4, p, len, len - 3, cand);
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
