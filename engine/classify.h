/*
 * classify.h - why a delivery failed: category, detail, severity, hint
 *
 * Categories are Sisimai's reason names (the taxonomy bounce tooling
 * already speaks); their ids are a contract for CSV and JSON. Rules are
 * data (patterns/rules.txt, format in patterns/README.md) compiled once
 * with PCRE2 JIT. The only module that includes pcre2.h.
 *
 * Choosing a rule: every rule whose conditions all hold is a candidate;
 * the most specific wins: a provider scope counts most, then a text
 * pattern, then an exact enhanced status code, then a wildcard code, then
 * a reply code; ties go to the rule defined last (so --patterns files
 * override the shipped rules). A failure no rule explains is "onhold" when
 * it has a text and "undefined" when it has none.
 *
 * Matching is bounded: texts are matched on their first
 * BS_CLASSIFY_TEXT_MAX bytes, every match runs with a match limit, a depth
 * limit and a fixed JIT stack, and a match that exhausts them counts as a
 * budget overflow and as no match. Results are memoised by (provider, dsn,
 * text) in a small direct-mapped cache.
 */
#ifndef BS_CLASSIFY_H
#define BS_CLASSIFY_H

#include "buf.h"
#include "common.h"

#define BS_CLASSIFY_TEXT_MAX 4096

enum bs_category {
    BS_CAT_NONE = 0, /* not a failure (sent) */
    BS_CAT_AUTHFAILURE, BS_CAT_BADREPUTATION, BS_CAT_BLOCKED,
    BS_CAT_CONTENTERROR, BS_CAT_EXCEEDLIMIT, BS_CAT_EXPIRED,
    BS_CAT_FAILEDSTARTTLS, BS_CAT_FILTERED, BS_CAT_HASMOVED,
    BS_CAT_HOSTUNKNOWN, BS_CAT_MAILBOXFULL, BS_CAT_MAILERERROR,
    BS_CAT_MESGTOOBIG, BS_CAT_NETWORKERROR, BS_CAT_NORELAYING,
    BS_CAT_NOTACCEPT, BS_CAT_NOTCOMPLIANTRFC, BS_CAT_ONHOLD,
    BS_CAT_POLICYVIOLATION, BS_CAT_REJECTED, BS_CAT_REQUIREPTR,
    BS_CAT_SECURITYERROR, BS_CAT_SPAMDETECTED, BS_CAT_SPEEDING,
    BS_CAT_SUSPEND, BS_CAT_SYNTAXERROR, BS_CAT_SYSTEMERROR,
    BS_CAT_SYSTEMFULL, BS_CAT_TOOMANYCONN, BS_CAT_UNDEFINED,
    BS_CAT_USERUNKNOWN, BS_CAT_VIRUSDETECTED,
    BS_CAT_COUNT
};

/* "authfailure" ...; "" for BS_CAT_NONE. */
const char *bs_category_name(unsigned cat);
/* The category of a name, or -1. */
int bs_category_find(struct bs_slice name);

struct bs_classification {
    unsigned category;  /* enum bs_category */
    const char *detail; /* "dmarc", "TSS04", or "" */
    bool hard;          /* permanent (hard) or temporary (soft) */
    int rule;           /* index of the matching rule, -1 for none */
};

struct bs_classifier;

struct bs_classifier *bs_classifier_new(void);
void bs_classifier_free(struct bs_classifier *c);
/* Adds rules from text; a rule whose id exists replaces it. Returns 0, or
 * -1 with "SOURCE:LINE: message" (PCRE2's message and offset for a
 * pattern that does not compile) appended to err. */
int bs_classifier_load(struct bs_classifier *c, const char *source,
                       const char *text, size_t len, struct bs_buf *err);
/* Names a provider for rule scopes: provider_index is what the engine's
 * provider table gives. Call before loading rules that use the name. */
void bs_classifier_add_provider(struct bs_classifier *c, const char *name,
                                unsigned provider_index);
/* Classifies one failure. dsn "5.7.26" may be empty; text may be empty. */
void bs_classify(struct bs_classifier *c, unsigned provider,
                 struct bs_slice dsn, struct bs_slice text,
                 struct bs_classification *out);

/* What a rule says, for listings; strings owned by the classifier. */
struct bs_rule_info {
    const char *id;
    unsigned category;
    const char *detail;   /* "" when none */
    const char *severity; /* "hard", "soft" or "" (from the code) */
    int provider;         /* provider index, -1 for any */
    const char *dsn;      /* the dsn line as written, "" when none */
    int code;             /* 0 when none */
    const char *text;     /* the pattern as written, "" when none */
    const char *hint;
    const char *hint_ja;
};
void bs_classifier_rule_info(const struct bs_classifier *c, int rule,
                             struct bs_rule_info *out);

/* Values for a hint's placeholders ({sender_domain} ...); NULL or "" when
 * unknown. */
struct bs_hint_fields {
    const char *sender_domain;
    const char *recipient_domain;
    const char *provider;
};
/* Appends a rule's hint (ja: the Japanese one, falling back to English)
 * with its placeholders filled: the fields above, then the named groups
 * of the rule's own pattern matched against text. "{name|fallback}" gives
 * the fallback when the value is unknown; without one an unknown field
 * reads "the envelope sender's domain" (and the like), an unknown group
 * "(not in the text)". Appends nothing for a rule without a hint. */
void bs_classifier_render_hint(struct bs_classifier *c, int rule, bool ja,
                               struct bs_slice text,
                               const struct bs_hint_fields *f,
                               struct bs_buf *out);

unsigned bs_classifier_rule_count(const struct bs_classifier *c);
const char *bs_classifier_rule_id(const struct bs_classifier *c, int rule);
/* The English remediation hint of a rule, or "". */
const char *bs_classifier_rule_hint(const struct bs_classifier *c, int rule);
uint64_t bs_classifier_budget_overflows(const struct bs_classifier *c);
uint64_t bs_classifier_regex_runs(const struct bs_classifier *c);
/* Tests: with on false every rule's regex runs (no literal prefilter,
 * prefilter.h); the memo is cleared either way. */
void bs_classifier_use_prefilter(struct bs_classifier *c, bool on);

#endif
