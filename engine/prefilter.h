/*
 * prefilter.h - which rules' patterns can match a text at all, found in
 * one pass over it
 *
 * Most failure texts are new (providers add ids), so the classifier runs
 * a rule's regex on every text its provider and code conditions let
 * through: dozens of regexes per text. Every shipped pattern is a list of
 * alternatives, and each alternative contains a literal that any text it
 * matches must contain ("mailbox" in "mailbox (?:is )?full"). The
 * prefilter extracts those literals from the pattern source (per
 * alternative the set least likely to occur by chance), indexes them by
 * four of their bytes in a bitmap small enough for the L1 cache, and for
 * a text marks the rules one of whose literals occurs in full (ASCII case
 * does not matter: patterns are caseless). A rule that is not marked
 * cannot match; its regex is not run. Where an alternative needs several
 * rare literals (Gmail's "Unauthenticated ... accepted"), a rule has up
 * to three such sets (clauses): the first is indexed, the others are
 * searched for only in a text the first marks the rule in (indexing them
 * all made every scan slower than the regex runs they saved).
 *
 * Soundness: extraction is conservative. A pattern feature it does not
 * understand ((?x), \Q, backreferences, \p, \x, ...), an alternative
 * without a literal of at least BS_PREFILTER_MIN_LITERAL bytes, or any
 * doubt leaves the rule unfiltered: its regex always runs. Literals are
 * taken only from the top level of an alternative or from a group it
 * cannot match without, never before a quantifier, so they are necessary
 * for a match. tests/unit/check_rules.c
 * checks on every case text that a rule whose regex matches is marked.
 */
#ifndef BS_PREFILTER_H
#define BS_PREFILTER_H

#include "common.h"

#define BS_PREFILTER_MIN_LITERAL 3

struct bs_prefilter;

/* Builds the prefilter of n patterns (pattern sources as compiled, NULL
 * for a rule without a regex). */
struct bs_prefilter *bs_prefilter_new(const char *const *patterns, int n);
void bs_prefilter_free(struct bs_prefilter *pf);

/* The words of a candidate set: (n + 63) / 64. */
size_t bs_prefilter_words(const struct bs_prefilter *pf);
/* Sets in cand (bs_prefilter_words() words, all written here) the bit
 * of every rule that may match text, in any ASCII case: the rules one of
 * whose literals occurs, and the rules it does not filter. */
void bs_prefilter_scan(const struct bs_prefilter *pf, const char *text,
                       size_t len, uint64_t *cand);
/* May rule i's regex match the text cand was computed for? */
bool bs_prefilter_may_match(const struct bs_prefilter *pf,
                            const uint64_t *cand, int i);
/* Is rule i filtered at all (false: its regex always runs)? */
bool bs_prefilter_filters(const struct bs_prefilter *pf, int i);
/* Does rule i have clauses after the first? Those are not indexed: for a
 * marked rule, bs_prefilter_more_hold searches lower (the text, ASCII
 * lower-cased, len bytes) for a literal of each. True when it has none. */
bool bs_prefilter_has_more(const struct bs_prefilter *pf, int i);
bool bs_prefilter_more_hold(const struct bs_prefilter *pf, int i,
                            const char *lower, size_t len);

/* The literals of one pattern: at most max of them, each lower-cased
 * into lits[k] (NUL-terminated), in clauses: lits[k] belongs to clause
 * clause_of[k] (0, 1, ... in order). Any match contains a literal of
 * every clause. Returns how many literals, or -1 when the pattern is not
 * filtered. */
int bs_prefilter_literals(const char *pattern, char (*lits)[64],
                          int *clause_of, int max);

#endif
