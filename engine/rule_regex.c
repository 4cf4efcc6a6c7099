/*
 * rule_regex.c - running a rule's text pattern on a failure text: as a
 * whole, or alternative by alternative
 *
 * Most shipped patterns are long lists of alternatives ("user unknown|
 * unknown user|no such (?:user|mailbox)|..."). PCRE2 tries them all at
 * every position of the text whose first byte could begin one, so one
 * run costs about as much as the list is long. The prefilter already
 * knows which alternatives' literals occur in the text; a pattern that
 * splits (bs_prefilter_split: nothing ties its alternatives together)
 * runs only those, each compiled alone on its first use (the split is
 * made on the rule's first run: most rules never run on a given log). A
 * text matches the pattern if and only if it matches one of its
 * alternatives, so the answer is the same; only what it costs changes.
 */
#include "classify_impl.h"
#include "prefilter.h"

#include <stdlib.h>
#include <string.h>

#define BS_RULE_MAX_SPLIT 64 /* alternatives: bits of a prefilter mask */

void bs_rule_split(struct bs_rule *r)
{
    if (r->split_done)
        return;
    r->split_done = true;
    size_t spans[BS_RULE_MAX_SPLIT][2], options;
    int n = r->text_src ? bs_prefilter_split(r->text_src, &options, spans,
                                             BS_RULE_MAX_SPLIT)
                        : 0;
    if (n < 2)
        return;
    r->alts = bs_xcalloc((size_t)n, sizeof *r->alts);
    r->nalts = n;
    for (int k = 0; k < n; k++) {
        size_t len = spans[k][1] - spans[k][0];
        char *src = bs_xmalloc(options + len + 1);
        memcpy(src, r->text_src, options);
        memcpy(src + options, r->text_src + spans[k][0], len);
        src[options + len] = '\0';
        r->alts[k].src = src;
    }
}

void bs_rule_unsplit(struct bs_rule *r)
{
    for (int k = 0; k < r->nalts; k++) {
        free(r->alts[k].src);
        pcre2_code_free(r->alts[k].re);
    }
    free(r->alts);
    r->alts = NULL;
    r->nalts = 0;
}

/* Runs re within the budget, JIT-compiled on its first run (*jit_done;
 * the JIT code of most rules is never needed on a given log, and making
 * it for all of them took most of a start-up); without JIT support
 * (*jit_ok false) the interpreter runs. */
static bool bs_regex_run(struct bs_classifier *c, pcre2_code *re,
                         bool *jit_done, bool *jit_ok, struct bs_slice t)
{
    c->regex_runs++;
    if (!*jit_done) {
        *jit_ok = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
        *jit_done = true;
    }
    int rc = *jit_ok ? pcre2_jit_match(re, (PCRE2_SPTR)t.ptr, t.len, 0, 0,
                                       c->md, c->mctx)
                     : pcre2_match(re, (PCRE2_SPTR)t.ptr, t.len, 0, 0, c->md,
                                   c->mctx);
    if (rc >= 0)
        return true;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
        rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
        c->budget_overflows++;
    return false;
}

bool bs_rule_text_matches(struct bs_classifier *c, struct bs_rule *r,
                          struct bs_slice t)
{
    return !r->re || bs_regex_run(c, r->re, &r->jit_done, &r->jit_ok, t);
}

/* Alternative k of r, compiled on its first use; false when it does
 * not compile alone (it always should: the split is at top-level bars),
 * and the caller then unsplits r for good. */
static bool bs_rule_alternative_ready(struct bs_rule *r, int k)
{
    struct bs_rule_alt *a = &r->alts[k];
    if (!a->re) {
        int errcode;
        PCRE2_SIZE erroff;
        a->re = pcre2_compile((PCRE2_SPTR)a->src, PCRE2_ZERO_TERMINATED,
                              BS_RULE_PCRE2_OPTIONS, &errcode, &erroff,
                              NULL);
    }
    return a->re != NULL;
}

bool bs_rule_alternatives_match(struct bs_classifier *c, struct bs_rule *r,
                                struct bs_slice t, uint64_t marked)
{
    bs_rule_split(r);
    if (r->nalts < 2)
        return bs_rule_text_matches(c, r, t);
    if (r->nalts < 64)
        marked &= (1ull << r->nalts) - 1;
    for (; marked; marked &= marked - 1) {
        int k = __builtin_ctzll(marked);
        if (!bs_rule_alternative_ready(r, k)) {
            bs_rule_unsplit(r); /* from now on the whole pattern runs */
            return bs_rule_text_matches(c, r, t);
        }
        struct bs_rule_alt *a = &r->alts[k];
        if (bs_regex_run(c, a->re, &a->jit_done, &a->jit_ok, t))
            return true;
    }
    return false;
}
