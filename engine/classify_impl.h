/*
 * classify_impl.h - the classifier's private types, shared by its two files
 *
 * classify.c matches failures against rules; classify_load.c parses rule
 * files into them. Nothing else includes this header.
 */
#ifndef BS_CLASSIFY_IMPL_H
#define BS_CLASSIFY_IMPL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include "classify.h"
#include "prefilter.h"

#include <pcre2.h>

#define BS_MAX_DSN_PATTERNS 8
#define BS_MEMO_SLOTS 16384
#define BS_MATCH_LIMIT 100000
#define BS_DEPTH_LIMIT 2000


/* An enhanced status code pattern; -1 is a wildcard part. */
struct bs_dsn_pattern {
    int part[3];
};

/* How every rule pattern, and each alternative split from one, is
 * compiled: with the same options, so that an alternative alone matches
 * what it matched inside the pattern. */
#define BS_RULE_PCRE2_OPTIONS PCRE2_CASELESS

/* A top-level alternative of a rule's pattern (rule_regex.c). */
struct bs_rule_alt {
    char *src;      /* the pattern's leading options, then the alternative */
    pcre2_code *re; /* compiled on first use */
    bool jit_done, jit_ok;
};

struct bs_rule {
    char *id;
    unsigned category;
    char *detail;
    int severity; /* 1 hard, 0 soft, -1 from the status code */
    int provider; /* -1: any */
    struct bs_dsn_pattern dsn[BS_MAX_DSN_PATTERNS];
    int ndsn;
    int code; /* SMTP reply code, 0: any */
    pcre2_code *re;
    bool jit_done; /* JIT code made (on the pattern's first match) */
    bool jit_ok;   /* ... and there is some: its fast path runs it */
    char *text_src; /* the pattern as written, for listings */
    /* Its top-level alternatives, when it splits (nalts >= 2): with the
     * prefilter, only those whose literals occur run. Split on the
     * rule's first run with the prefilter (split_done). */
    struct bs_rule_alt *alts;
    int nalts;
    bool split_done;
    char *dsn_src;
    char *hint;
    char *hint_ja;
    int score;
};

struct bs_memo_slot {
    uint64_t hash;
    int rule;
    bool used;
};

struct bs_classifier {
    struct bs_rule *rules;
    int nrules, rules_cap;
    int *order; /* rule indices, most specific first, ties: later first */
    int *pos;   /* pos[i]: where rule i is in order */
    char *provider_names[64];
    unsigned provider_index[64];
    unsigned nproviders;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit_stack;
    pcre2_match_data *md;
    struct bs_memo_slot memo[BS_MEMO_SLOTS];
    /* The text being matched, copied: PCRE2's JIT reads whole 16-byte
     * blocks past a subject's end (harmless, inside this buffer), and
     * these bytes are always initialised, so valgrind stays quiet. */
    char subject[BS_CLASSIFY_TEXT_MAX + 64];
    char lower[BS_CLASSIFY_TEXT_MAX]; /* the subject lower-cased */
    /* The rules whose regex may match the text being classified
     * (prefilter.h); rebuilt with the order. Its patterns are the rules'
     * in the order they are tried: rule i is the prefilter's pos[i]. */
    struct bs_prefilter *prefilter;
    uint64_t *cand;
    bool no_prefilter; /* tests: run every regex */
    uint64_t budget_overflows;
    uint64_t regex_runs;
};


/* Rebuilds the order rules are tried in, after rules changed. */
void bs_classifier_reorder(struct bs_classifier *c);
/* Frees what a rule owns (not the struct itself). */
void bs_rule_fini(struct bs_rule *r);

/* rule_regex.c. Splits r's pattern into its top-level alternatives when
 * it can (bs_prefilter_split), once; r owns them. */
void bs_rule_split(struct bs_rule *r);
/* Frees r's alternatives: its whole pattern runs. */
void bs_rule_unsplit(struct bs_rule *r);
/* Does t match r's pattern (true when r has none)? Counts the run, and
 * a run stopped by the budget. */
bool bs_rule_text_matches(struct bs_classifier *c, struct bs_rule *r,
                          struct bs_slice t);
/* The same answer, for a text the prefilter marked r in: of a split
 * rule, only the alternatives in marked run (bs_prefilter_marked_
 * alternatives). */
bool bs_rule_alternatives_match(struct bs_classifier *c, struct bs_rule *r,
                                struct bs_slice t, uint64_t marked);

#endif
