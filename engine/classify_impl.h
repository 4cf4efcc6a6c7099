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

#endif
