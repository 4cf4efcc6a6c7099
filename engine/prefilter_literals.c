/*
 * prefilter_literals.c - the literals a rule pattern cannot match without
 *
 * Extraction (bs_pf_set, bs_pf_alternative) walks the pattern source
 * atom by atom: a literal run grows over plain characters and escaped
 * punctuation and ends at anything else (a group, a class, '.', an
 * anchor, a class escape, an assertion) or at a quantified character
 * ('+' keeps the character, '?', '*' and '{n,m}' drop it). An alternative
 * offers the rarest of: its literal runs, the set of a group it cannot
 * match without (no '?', '*' or '{' after it, not a lookaround), and a
 * run joined to the edges of such a group right beside it; a pattern
 * needs one literal of the sets of its alternatives. Whatever is not
 * understood gives up the whole pattern (returns -1): unfiltered is
 * always safe.
 *
 * Clauses (bs_pf_clauses): a top-level alternative also keeps every set
 * it could have offered; the rarest ones not implied by (or implying) a
 * set already taken become further clauses, each needed as well ("SPF"
 * and "check" and "for"). Clause j of a pattern is the union of its
 * alternatives' j-th sets (an alternative with fewer gives its first).
 */
#include "prefilter_impl.h"

#include <stdlib.h>
#include <string.h>

#define BS_PF_LIT_MAX 63

static bool bs_pf_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

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

static const char *bs_pf_skip_token(const char *p, const char *end);

/* A group (...) at p: the position after its ')', or NULL. */
static const char *bs_pf_skip_group(const char *p, const char *end)
{
    for (p++; p && p < end; p = bs_pf_skip_token(p, end))
        if (*p == ')')
            return p + 1;
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
unsigned bs_pf_commonness(unsigned char c)
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

bool bs_pf_in_smtp_words(const char *s)
{
    return strstr(bs_pf_smtp_words, s) != NULL;
}

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
    if (bs_pf_in_smtp_words(lit) || strstr(bs_pf_failure_words, lit) ||
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

/* ---- clauses: sets an alternative needs besides the one it offers ---- */

#define BS_PF_OFFERED_SETS 32 /* sets an alternative keeps for more clauses */
#define BS_PF_OFFERED_SET_MAX 8 /* literals of such a set, at most */
/* A further clause is worth its searches only when its literals are
 * rarer than SMTP words ("from" scores 5, "spf" 18): a common one is in
 * the text anyway. */
#define BS_PF_CLAUSE_RARITY 16
/* A further clause is searched for literal by literal: at most this many. */
#define BS_PF_CLAUSE_MAX 8

/* Every set an alternative could have offered, as it was read. */
struct bs_pf_offered {
    bs_pf_lit lits[BS_PF_OFFERED_SETS * BS_PF_OFFERED_SET_MAX];
    struct {
        int n, rarity;
    } set[BS_PF_OFFERED_SETS];
    int nsets;
};

/* The sets an alternative offers besides its first: any match of it
 * contains one literal of each. */
struct bs_pf_extra {
    bs_pf_lit lits[BS_PF_MAX_CLAUSES - 1][BS_PF_OFFERED_SET_MAX];
    int n[BS_PF_MAX_CLAUSES - 1];
    int nsets;
};

/* Keeps a set of n literals (its bs_pf_set_rarity: rarity) for
 * further clauses. */
static void bs_pf_offer(struct bs_pf_offered *offered, bs_pf_lit *set,
                        int n, int rarity)
{
    if (!offered || n <= 0 || n > BS_PF_OFFERED_SET_MAX ||
        offered->nsets == BS_PF_OFFERED_SETS ||
        rarity < BS_PF_CLAUSE_RARITY)
        return;
    memcpy(offered->lits + offered->nsets * BS_PF_OFFERED_SET_MAX, set,
           (size_t)n * sizeof *set);
    offered->set[offered->nsets].n = n;
    offered->set[offered->nsets].rarity = rarity;
    offered->nsets++;
}

/* Does a text with a literal of s always have one of t (every literal of
 * s contains one of t)? */
static bool bs_pf_implies(bs_pf_lit *s, int ns, bs_pf_lit *t, int nt)
{
    for (int i = 0; i < ns; i++) {
        int j = 0;
        while (j < nt && !strstr(s[i], t[j]))
            j++;
        if (j == nt)
            return false;
    }
    return true;
}

/* A set adds nothing to, or is made redundant by, one already taken. */
static bool bs_pf_related(bs_pf_lit *s, int ns, bs_pf_lit *t, int nt)
{
    return bs_pf_implies(s, ns, t, nt) || bs_pf_implies(t, nt, s, ns);
}

/* Up to BS_PF_MAX_CLAUSES - 1 sets offered, rarest first (fewer
 * literals, then the earlier, when alike), none related to the first
 * set [first, first + nfirst) or to each other. */
static void bs_pf_pick_extra(struct bs_pf_offered *offered,
                             bs_pf_lit *first, int nfirst,
                             struct bs_pf_extra *extra)
{
    extra->nsets = 0;
    bool taken[BS_PF_OFFERED_SETS] = { false };
    while (extra->nsets < BS_PF_MAX_CLAUSES - 1) {
        int best = -1;
        for (int i = 0; i < offered->nsets; i++) {
            bs_pf_lit *set = offered->lits + i * BS_PF_OFFERED_SET_MAX;
            int n = offered->set[i].n;
            bool ok = !taken[i] && !bs_pf_related(set, n, first, nfirst);
            for (int k = 0; ok && k < extra->nsets; k++)
                ok = !bs_pf_related(set, n, extra->lits[k], extra->n[k]);
            if (!ok)
                continue;
            int rarity = offered->set[i].rarity;
            if (best < 0 || rarity > offered->set[best].rarity ||
                (rarity == offered->set[best].rarity &&
                 n < offered->set[best].n))
                best = i;
        }
        if (best < 0)
            return;
        taken[best] = true;
        int n = offered->set[best].n;
        memcpy(extra->lits[extra->nsets],
               offered->lits + best * BS_PF_OFFERED_SET_MAX,
               (size_t)n * sizeof(bs_pf_lit));
        extra->n[extra->nsets++] = n;
    }
}

/* The literal run being read, and the best of those read before: the
 * least likely to occur by chance of those long enough to filter, the
 * longer one of two alike. */
struct bs_pf_run {
    char run[BS_PF_LIT_MAX + 1], best[BS_PF_LIT_MAX + 1];
    size_t nrun, nbest;
    int best_rarity;
};

static void bs_pf_end_run(struct bs_pf_run *r,
                          struct bs_pf_offered *offered)
{
    if (r->nrun >= BS_PREFILTER_MIN_LITERAL) {
        r->run[r->nrun] = '\0';
        int rarity = bs_pf_literal_rarity(r->run);
        bs_pf_offer(offered, &r->run, 1, rarity);
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
        r->run[r->nrun++] = bs_ascii_lower((char)c);
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

/* One atom of an alternative with its quantifier. */
struct bs_pf_atom {
    int c;               /* the literal character, when not opaque */
    bool opaque;         /* a group, class, '.', anchor or class escape */
    bool once;           /* a literal character that must occur (no
                          * quantifier, or '+') */
    char kind;           /* the quantifier's first character, or 0 */
    const char *atom_end; /* where the atom ends (after a group's ')') */
};

/* Reads the atom at *p and its quantifier into a and moves *p past both.
 * False to give up (unbalanced, a quantifier without an atom, an escape
 * not understood). */
static bool bs_pf_read_atom(const char **p, const char *end,
                            struct bs_pf_atom *a)
{
    const char *q = bs_pf_opaque(*p, end, &a->opaque);
    a->c = (unsigned char)**p;
    if (!q || (!a->opaque && strchr(")*+?{|", a->c)))
        return false;
    if (!a->opaque && a->c == '\\') {
        q = bs_pf_escape(*p, end, &a->c);
        if (!q)
            return false;
        a->opaque = a->c < 0;
    } else if (!a->opaque) {
        q = *p + 1;
    }
    a->atom_end = q;
    *p = bs_pf_quantifier(q, end, &a->kind);
    a->once = !a->opaque && (!a->kind || a->kind == '+');
    return *p != NULL;
}

/* The exact literal that every match of the alternative [p, end) begins
 * with (leading) or ends with (!leading), lower-cased into out; it may be
 * empty. False to give up. */
static bool bs_pf_edge(const char *p, const char *end, char *out,
                       bool leading)
{
    size_t n = 0;
    struct bs_pf_atom a;
    while (p < end) {
        if (!bs_pf_read_atom(&p, end, &a))
            return false;
        if (!a.once || n == BS_PF_LIT_MAX) { /* the edge stops here */
            if (leading)
                break;
            n = 0;
        }
        if (a.once) {
            if (a.kind == '+' && !leading)
                n = 0; /* the last repetition is what the rest follows */
            if (n < BS_PF_LIT_MAX)
                out[n++] = bs_ascii_lower((char)a.c);
            if (a.kind == '+' && leading)
                break;
        }
    }
    out[n] = '\0';
    return true;
}

/* The position after the token at p (an escape, a group, a class or one
 * character), or NULL when it does not close. Groups nest no deeper than
 * PCRE2 compiled them (250 by default). */
static const char *bs_pf_skip_token(const char *p, const char *end)
{
    if (*p == '\\')
        return p + 2 <= end ? p + 2 : NULL;
    if (*p == '(')
        return bs_pf_skip_group(p, end);
    if (*p == '[')
        return bs_pf_skip_class(p, end);
    return p + 1;
}

/* The end of the top-level alternative that starts at p: the next
 * top-level '|', or end; NULL when a group or class does not close. */
static const char *bs_pf_alternative_end(const char *p, const char *end)
{
    while (p && p < end && *p != '|')
        p = bs_pf_skip_token(p, end);
    return p;
}

/* bs_pf_edge of every top-level alternative of [p, end). Returns how
 * many, or -1. */
static int bs_pf_edges(const char *p, const char *end, bs_pf_lit *lits,
                       int max, bool leading)
{
    for (int n = 0;;) {
        const char *alt_end = bs_pf_alternative_end(p, end);
        if (!alt_end || n == max || !bs_pf_edge(p, alt_end, lits[n], leading))
            return -1;
        n++;
        if (alt_end == end)
            return n;
        p = alt_end + 1;
    }
}

/* The set an alternative offers so far: the least likely to occur by
 * chance (bs_pf_set_rarity), the smaller one of two alike. */
struct bs_pf_choice {
    bs_pf_lit *lits; /* the caller's, max of them */
    int max, n, rarity;
    struct bs_pf_offered *offered; /* every set considered, or NULL */
};

static void bs_pf_consider(struct bs_pf_choice *ch, bs_pf_lit *set, int n)
{
    int rarity = n > 0 ? bs_pf_set_rarity(set, n) : -1;
    bs_pf_offer(ch->offered, set, n, rarity);
    if (n > ch->max)
        rarity = -1; /* cannot be offered as the first set */
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
 * contains, the least likely to occur by chance of: its literal runs
 * (a run preferred when alike), the set of one of its mandatory groups,
 * and a literal run joined to the edges of the alternatives of a
 * mandatory group right before or after it ("too many " + (?:messages|
 * mails) gives "too many messages|too many mails"). Returns how many, or
 * -1. */
static int bs_pf_alternative(const char *p, const char *end, bs_pf_lit *lits,
                             int max, int depth, struct bs_pf_extra *extra)
{
    struct bs_pf_run r = { .nrun = 0, .nbest = 0 };
    bs_pf_lit *tmp = bs_xmalloc(3 * BS_PF_MAX_ALTS * sizeof *tmp);
    bs_pf_lit *edges = tmp + BS_PF_MAX_ALTS, *after_group = edges +
                                                           BS_PF_MAX_ALTS;
    int nafter = -1; /* edges of the group the current run follows */
    struct bs_pf_offered *offered =
        extra ? bs_xmalloc(sizeof *offered) : NULL;
    if (offered)
        offered->nsets = 0;
    struct bs_pf_choice ch = { lits, max, -1, -1, offered };
    struct bs_pf_atom a;
    while (p < end) {
        const char *at = p;
        if (!bs_pf_read_atom(&p, end, &a))
            goto give_up;
        if (a.once)
            bs_pf_add(&r, (unsigned char)a.c);
        bool run_ends = !a.once || a.kind == '+';
        if (run_ends) {
            bs_pf_consider_joined(&ch, r.run, r.nrun, after_group, nafter,
                                  false, tmp);
            nafter = -1;
        }
        const char *inner_end;
        const char *inner =
            a.opaque && *at == '(' && (!a.kind || a.kind == '+')
                ? bs_pf_group_inner(at, a.atom_end, &inner_end)
                : NULL;
        if (inner) {
            int n = bs_pf_set(inner, inner_end, tmp, BS_PF_MAX_ALTS,
                              depth + 1);
            bs_pf_consider(&ch, tmp, n);
            if (r.nrun) { /* a run the group's leading edges follow */
                n = bs_pf_edges(inner, inner_end, edges, BS_PF_MAX_ALTS,
                                true);
                bs_pf_consider_joined(&ch, r.run, r.nrun, edges, n, true,
                                      tmp);
            }
            nafter = bs_pf_edges(inner, inner_end, after_group,
                                 BS_PF_MAX_ALTS, false);
        }
        if (run_ends)
            bs_pf_end_run(&r, offered);
    }
    bs_pf_consider_joined(&ch, r.run, r.nrun, after_group, nafter, false,
                          tmp);
    bs_pf_end_run(&r, offered);
    free(tmp);
    int n = ch.n;
    if (r.nbest && max >= 1 && (ch.n < 0 || r.best_rarity >= ch.rarity)) {
        memcpy(lits[0], r.best, r.nbest + 1);
        n = 1;
    }
    if (offered && n > 0)
        bs_pf_pick_extra(offered, lits, n, extra);
    free(offered);
    return n;
give_up:
    free(tmp);
    free(offered);
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
    for (int n = 0;;) {
        const char *alt_end = bs_pf_alternative_end(p, end);
        int k = alt_end ? bs_pf_alternative(p, alt_end, lits + n, max - n,
                                            depth, NULL)
                        : -1;
        if (k <= 0)
            return -1;
        n += k;
        if (alt_end == end)
            return n;
        p = alt_end + 1;
    }
}

/* A pattern's clauses: clause 0 is bs_pf_set's union of the sets of its
 * top-level alternatives; clause j > 0 the union of each alternative's
 * j-th extra set, or of its first set when it has fewer. Any match
 * matches one alternative, so it contains a literal of each clause.
 * Returns how many literals, or -1. */
static int bs_pf_clauses(const char *p, const char *end, bs_pf_lit *lits,
                         int *clause_of, int *alt_of, int max)
{
    struct bs_pf_alt {
        int first, n;
        struct bs_pf_extra extra;
    } *alts = bs_xmalloc((size_t)max * sizeof *alts);
    int nalts = 0, n = 0, more = 0;
    p = bs_pf_skip_options(p, end);
    for (;;) {
        const char *alt_end = bs_pf_alternative_end(p, end);
        struct bs_pf_alt *a = &alts[nalts];
        int k = alt_end ? bs_pf_alternative(p, alt_end, lits + n, max - n,
                                            0, &a->extra)
                        : -1;
        if (k <= 0) {
            free(alts);
            return -1;
        }
        a->first = n;
        a->n = k;
        more = BS_MAX(more, a->extra.nsets);
        nalts++;
        n += k;
        if (alt_end == end)
            break;
        p = alt_end + 1;
    }
    for (int i = 0; i < n; i++)
        clause_of[i] = 0;
    for (int i = 0; alt_of && i < nalts; i++)
        for (int k = alts[i].first; k < alts[i].first + alts[i].n; k++)
            alt_of[k] = i;
    for (int j = 1; j <= more; j++) {
        int start = n;
        for (int i = 0; i < nalts && n >= 0; i++) {
            struct bs_pf_alt *a = &alts[i];
            bs_pf_lit *set = a->extra.nsets >= j ? a->extra.lits[j - 1]
                                                 : lits + a->first;
            int k = a->extra.nsets >= j ? a->extra.n[j - 1] : a->n;
            if (k > max - n) {
                n = -1; /* no room: the clause is left out */
                break;
            }
            memcpy(lits + n, set, (size_t)k * sizeof *set);
            for (int m = 0; m < k; m++)
                clause_of[n + m] = j;
            n += k;
        }
        if (n < 0 || n - start > BS_PF_CLAUSE_MAX) {
            n = start; /* too long to search for: left out, and the rest */
            break;
        }
    }
    free(alts);
    return n;
}

int bs_prefilter_literals(const char *pattern, char (*lits)[64],
                          int *clause_of, int *alt_of, int max)
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
    if (max <= 0)
        return -1;
    return bs_pf_clauses(pattern, pattern + strlen(pattern), lits,
                         clause_of, alt_of, max);
}

/* Is "(?" at p (p[0] == '(', p[1] == '?') a group that leaves the
 * alternatives independent: non-capturing, lookaround, atomic, named? */
static bool bs_pf_plain_group(const char *p)
{
    char c = p[2];
    if (c == ':' || c == '=' || c == '!' || c == '>' || c == '\'')
        return true;
    if (c == 'P')
        return p[3] == '<';
    return c == '<' && (p[3] == '=' || p[3] == '!' || p[3] == '_' ||
                        (p[3] >= 'a' && p[3] <= 'z') ||
                        (p[3] >= 'A' && p[3] <= 'Z'));
}

/* Nothing in [p, end) ties one top-level alternative to another or
 * changes how the rest is read: no backreference or subroutine call, no
 * conditional, no option setting, no verb, no \Q...\E or \c. */
static bool bs_pf_splittable(const char *p, const char *end)
{
    for (; p < end; p++) {
        if (*p == '\\') {
            if (++p == end || strchr("123456789gkQEcN", *p))
                return false;
        } else if (*p == '(' && end - p >= 4 && p[1] == '?') {
            if (!bs_pf_plain_group(p))
                return false;
        } else if (*p == '(' && end - p >= 2 && (p[1] == '*' || p[1] == '?')) {
            return false;
        }
    }
    return true;
}

int bs_prefilter_split(const char *pattern, size_t *options,
                       size_t (*alts)[2], int max)
{
    const char *end = pattern + strlen(pattern);
    const char *p = bs_pf_skip_options(pattern, end);
    for (const char *o = pattern; o < p; o++)
        if (!strchr("(?)imnsUJ-^", *o))
            return 0; /* (?x): syntax not read here; (?R): a call */
    if (!bs_pf_splittable(p, end))
        return 0;
    *options = (size_t)(p - pattern);
    for (int n = 0; n < max;) {
        const char *alt_end = bs_pf_alternative_end(p, end);
        if (!alt_end)
            return 0;
        alts[n][0] = (size_t)(p - pattern);
        alts[n][1] = (size_t)(alt_end - pattern);
        n++;
        if (alt_end == end)
            return n >= 2 ? n : 0;
        p = alt_end + 1;
    }
    return 0; /* more than max */
}
