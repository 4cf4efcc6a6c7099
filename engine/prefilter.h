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
 * A marked rule also gets the set of its top-level alternatives whose
 * literals occur: a pattern that splits (bs_prefilter_split) is run
 * alternative by alternative, only those (rule_regex.c), instead of
 * whole, where PCRE2 tries every alternative at every position.
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

/* The words of a candidate set: a bit per rule, then per rule the
 * alternatives marked. */
size_t bs_prefilter_words(const struct bs_prefilter *pf);
/* Sets in cand (bs_prefilter_words() words) the bit of every rule that
 * may match text, in any ASCII case: the rules one of whose literals
 * occurs, and the rules it does not filter. */
void bs_prefilter_scan(const struct bs_prefilter *pf, const char *text,
                       size_t len, uint64_t *cand);
/* For rule i, marked in cand: its top-level alternatives (bit k: the
 * k-th, as bs_prefilter_split counts them) one of whose literals occurs.
 * A text matches the pattern only through one of those. All bits when
 * the rule is not filtered or has more than 64 alternatives. */
uint64_t bs_prefilter_marked_alternatives(const struct bs_prefilter *pf,
                                          const uint64_t *cand, int i);
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
 * clause_of[k] (0, 1, ... in order) and, in clause 0, comes from the
 * top-level alternative alt_of[k] (alt_of may be NULL). Any match
 * contains a literal of every clause, and of clause 0 one from the
 * alternative it matches. Returns how many literals, or -1 when the
 * pattern is not filtered. */
int bs_prefilter_literals(const char *pattern, char (*lits)[64],
                          int *clause_of, int *alt_of, int max);

/* A pattern's top-level alternatives, to be compiled and run one by one:
 * a text matches the pattern if and only if it matches one of them
 * compiled alone (the same flags) with the pattern's leading option
 * settings (its first *options bytes) before it. alts[k] is the k-th
 * alternative's [start, end) in pattern, numbered as alt_of numbers
 * them. Returns how many (2 to max), or 0: one alternative, more than
 * max, or something that ties alternatives together or changes how the
 * rest is read (backreference, subroutine call, conditional, option
 * setting after the start, verb, \Q, (?x)). */
int bs_prefilter_split(const char *pattern, size_t *options,
                       size_t (*alts)[2], int max);

#endif
