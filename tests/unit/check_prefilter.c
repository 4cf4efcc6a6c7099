/*
 * check_prefilter.c - the literal prefilter of rule patterns
 *
 *   - literal extraction on hand-written patterns: runs, quantifiers,
 *     escapes, classes, mandatory groups, lookarounds, and the features
 *     it must give up on;
 *   - soundness on the shipped rules: on every text of cases.tsv and of
 *     the sample log, every rule whose regex matches is marked;
 *   - the classification with the prefilter equals the one without;
 *   - most shipped text rules are filtered (or the prefilter does little);
 *   - patterns split into top-level alternatives where nothing ties them
 *     together, and on every real text a split rule matches if and only
 *     if one of its alternatives the prefilter marks matches.
 */
#include "buf.h"
#include "classify_impl.h"
#include "prefilter.h"
#include "provider.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Share of the shipped text rules the prefilter must cover. */
#define FILTERED_MIN 0.85

static const struct {
    const char *pattern;
    const char *want; /* literals joined by '|', NULL: not filtered */
} extraction[] = {
    { "mailbox (?:is )?full", "full" }, /* "mailbox " is an SMTP word */
    { "user unknown|unknown user", "user unknown|unknown user" },
    { "ab+cde", "cde" },
    { "abcd+e", "abcd" },
    { "abc?def", "def" },
    { "x{2}abcd", "abcd" },
    { "5\\.7\\.26", "5.7.26" },
    { "\\bRBL\\b", "rbl" },
    { "[a-z]+ over quota", " over quota" },
    { "(?:foo|bar)baz", "foobaz|barbaz" },
    { "(?:foo|bar)x", "foox|barx" },
    { "(?i)(?|SPF fail|DKIM fail)", "spf fail|dkim fail" },
    { "(?<ip>\\d+) is not allowed", " is not allowed" },
    { "(?<!temporarily )(?:mailbox|account) unavailable",
      "mailbox unavailable|account unavailable" },
    { "(?<!x)(?:mailbox|account) (?:\\S+ )?gone", "gone" },
    { "(?<!x)(?:mailbox|account) (?:\\S+ )?go", "mailbox|account" },
    { "(?:mailbox|x)y", NULL },       /* "x" is too short */
    { "ab|cde", NULL },               /* "ab" is too short */
    { "(?:abc)?def", "def" },
    { "(?:abc)?de", NULL },            /* the group is optional */
    { "(?=abc)xyz", "xyz" },
    { "(?x) a b c", NULL },
    { "abc(?x: d e f)", NULL },
    { "\\Qabc\\E", NULL },
    { "\\x41bcd", NULL },
    { "(abc)\\1", NULL },
    { "(*UTF)abc", NULL },
    { "abc{", NULL },
    { "a(bc", NULL },
    { "abc)", NULL },
    { "", NULL },
    { "Ab\\-C\\ d", "ab-c d" },
    /* a run joined to the edges of a mandatory group beside it */
    { "too many (?:messages|e-?mails)",
      "too many messages|too many e & messages|mails" },
    { "(?:sending|receiving) rate", "sending rate|receiving rate" },
    { "abc(?:de+f|ghi)", "abcde|abcghi" },
    { "(?:ab+|cd)efg", "befg|cdefg" },
    { "xyz(?:a|\\d)", "xyz" },        /* "xyz" joined to "" is "xyz" */
    { "x(?:ab|cd)", "xab|xcd" },       /* rarer than "ab|cd" */
    { "(?:ab|c)\\bdef", "def" },     /* \b parts the group and the run */
    { "(?:ab|cd)?efg", "efg" },        /* no edge of an optional group */
    { "(?=abc)(?:de|fg)hij", "dehij|fghij" },
    /* the rarest run, not the longest: "fail" is in many failure texts */
    { "SPF[- ]?fail", "spf" },
    { "xqz[ ]?failure", "xqz" },
    /* host names are about as common in replies as SMTP words */
    { "(?:gmail|yahoo)\\.com.*?dmarc", "dmarc & gmail|yahoo" },
    /* further clauses: other rare sets the alternative needs too */
    { "Unauthenticated\\s+(?:5\\d\\d[- ])*email\\s+from\\s+"
      "(?:5\\d\\d[- ])*accepted", "unauthenticated & accepted" },
    { "from xkcd", "from xkcd" },          /* one run: nothing more */
    { "bxqk (?:a )?jzvw (?:b )?pqkz (?:c )?wvjx",
      "bxqk  & jzvw  & pqkz " },            /* three clauses at most */
    /* an alternative without a further set gives its first again */
    { "kqzv (?:x )?wyvern|jumbo quay",
      "kqzv |jumbo quay & wyvern|jumbo quay" },
    /* a set that a taken one implies is left out */
    { "jkqzxv (?:a )?qzxv", "jkqzxv " },
    { "(?:zyxw|vuts)qr (?:a )?zyxwqr", "zyxwqr & zyxwqr |vutsqr " },
    /* a clause of more than BS_PF_CLAUSE_MAX literals is not searched */
    { "zork1 (?:a )?quux|zork2 (?:a )?quux|zork3 (?:a )?quux|"
      "zork4 (?:a )?quux|zork5 (?:a )?quux|zork6 (?:a )?quux|"
      "zork7 (?:a )?quux|zork8 (?:a )?quux|zork9 (?:a )?quux",
      "zork1 |zork2 |zork3 |zork4 |zork5 |zork6 |zork7 |zork8 |zork9 " },
};

START_TEST(test_extraction)
{
    char lits[64][64];
    int clause_of[64];
    int n = bs_prefilter_literals(extraction[_i].pattern, lits, clause_of,
                                  NULL, 64);
    const char *want = extraction[_i].want;
    if (!want) {
        ck_assert_msg(n < 0, "%s: filtered (%d literals, first '%s')",
                      extraction[_i].pattern, n, n > 0 ? lits[0] : "");
        return;
    }
    struct bs_buf got;
    bs_buf_init(&got);
    for (int k = 0; k < n; k++) {
        if (k && clause_of[k] != clause_of[k - 1])
            bs_buf_puts(&got, " & ");
        else if (k)
            bs_buf_putc(&got, '|');
        bs_buf_puts(&got, lits[k]);
    }
    bs_buf_putc(&got, '\0');
    ck_assert_msg(n > 0 && strcmp(got.data, want) == 0, "%s: got %d '%s'",
                  extraction[_i].pattern, n, n > 0 ? got.data : "");
    bs_buf_fini(&got);
}
END_TEST

/* "OPTIONS#ALT#ALT...": the leading options and the alternatives. */
static const struct {
    const char *pattern;
    const char *want; /* NULL: not split */
} splits[] = {
    { "user unknown|unknown user", "#user unknown#unknown user" },
    { "(?i)abc|def", "(?i)#abc#def" },
    { "a(?:b|c)|d", "#a(?:b|c)#d" },
    { "[|]x|y", "#[|]x#y" },
    { "a\\|b|c", "#a\\|b#c" },
    { "(?<n>ab)|cd", "#(?<n>ab)#cd" },
    { "(?<!x )ab|(?=c)cd|(?>e)f|(?'m'g)",
      "#(?<!x )ab#(?=c)cd#(?>e)f#(?'m'g)" },
    { "(?P<p>ab)|cd", "#(?P<p>ab)#cd" },
    { "abc", NULL },                 /* one alternative */
    { "a\\|b", NULL },
    { "(a)|\\1", NULL },            /* ties: backreferences, calls, ... */
    { "(?<n>a)b|\\k<n>", NULL },
    { "(a)b|\\g{1}", NULL },
    { "(a)|(?1)", NULL },
    { "(?R)|a", NULL },
    { "(?<n>a)|(?&n)", NULL },
    { "(?P<n>a)|(?P=n)", NULL },
    { "(?(1)a|b)|c", NULL },
    { "(?|(a)|(b))|c", NULL },
    { "a(?i)b|c", NULL },              /* options after the start */
    { "a(?i:b)|c", NULL },
    { "(?x)a b|c", NULL },             /* syntax it does not read */
    { "\\Qa|b\\E|c", NULL },
    { "\\ca|b", NULL },
    { "(*ACCEPT)a|b", NULL },
    { "a|(?#x)b", NULL },
    { "a(b|c", NULL },                 /* does not close */
};

START_TEST(test_split)
{
    size_t spans[64][2], options = 0;
    const char *pat = splits[_i].pattern;
    int n = bs_prefilter_split(pat, &options, spans, 64);
    if (!splits[_i].want) {
        ck_assert_msg(n == 0, "%s: split in %d", pat, n);
        return;
    }
    struct bs_buf got;
    bs_buf_init(&got);
    bs_buf_append(&got, pat, options);
    for (int k = 0; k < n; k++) {
        bs_buf_putc(&got, '#');
        bs_buf_append(&got, pat + spans[k][0], spans[k][1] - spans[k][0]);
    }
    bs_buf_putc(&got, '\0');
    ck_assert_msg(n >= 2 && strcmp(got.data, splits[_i].want) == 0,
                  "%s: got %d '%s'", pat, n, got.data);
    bs_buf_fini(&got);
}
END_TEST

/* More alternatives than the mask has bits: not split. */
START_TEST(test_split_at_most_max)
{
    struct bs_buf pat;
    bs_buf_init(&pat);
    for (int k = 0; k < 65; k++)
        bs_buf_printf(&pat, "%salt%02d", k ? "|" : "", k);
    bs_buf_putc(&pat, '\0');
    size_t spans[64][2], options;
    ck_assert_int_eq(bs_prefilter_split(pat.data, &options, spans, 64), 0);
    pat.data[pat.len - 7] = '\0'; /* 64 */
    ck_assert_int_eq(bs_prefilter_split(pat.data, &options, spans, 64), 64);
    ck_assert_uint_eq(spans[63][1] - spans[63][0], 5);
    bs_buf_fini(&pat);
}
END_TEST

/* ---- texts ------------------------------------------------------------- */

struct text {
    char *text, *provider, *dsn;
};

struct texts {
    struct text *v;
    size_t n, cap;
};

static void texts_add(struct texts *t, const char *text, size_t len,
                      const char *provider, const char *dsn)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 512;
        t->v = realloc(t->v, t->cap * sizeof *t->v);
        ck_assert_ptr_nonnull(t->v);
    }
    struct text *x = &t->v[t->n++];
    x->text = strndup(text, len);
    x->provider = strdup(provider);
    x->dsn = strdup(dsn);
}

/* cases.tsv: provider, dsn, category, detail, rule, text, source. */
static void texts_of_cases(struct texts *t)
{
    size_t len;
    char *buf = bs_test_read_file(BS_TEST_DATA "/classify/cases.tsv", &len);
    ck_assert_ptr_nonnull(buf);
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (*line == '#')
            continue;
        char *f[7];
        int k = 0;
        for (char *s = line; k < 7 && s; k++) {
            f[k] = s;
            s = strchr(s, '\t');
            if (s)
                *s++ = '\0';
        }
        if (k == 7)
            texts_add(t, f[5], strlen(f[5]), f[0], f[1]);
    }
    free(buf);
}

/* The sample log: what status=... (TEXT) says. */
static void texts_of_log(struct texts *t)
{
    size_t len;
    char *buf = bs_test_read_file(BS_TEST_DATA "/sample/maillog", &len);
    ck_assert_ptr_nonnull(buf);
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        char *st = strstr(line, " status=");
        char *open = st ? strchr(st, '(') : NULL;
        if (open)
            texts_add(t, open + 1, strlen(open + 1), "other", "");
    }
    free(buf);
}

static void texts_free(struct texts *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].text);
        free(t->v[i].provider);
        free(t->v[i].dsn);
    }
    free(t->v);
}

/* ---- the shipped rules ------------------------------------------------- */

/* The shipped rules and the real texts, with what a scan needs. */
struct real {
    struct bs_test_rules f;
    struct texts t;
    pcre2_match_data *md;
    uint64_t *cand;
};

static void real_load(struct real *x)
{
    x->f = bs_test_rules_load();
    x->t = (struct texts){ NULL, 0, 0 };
    texts_of_cases(&x->t);
    texts_of_log(&x->t);
    ck_assert_uint_gt(x->t.n, 300);
    x->md = pcre2_match_data_create(1, NULL);
    x->cand = calloc(bs_prefilter_words(x->f.c->prefilter), 8);
    ck_assert_ptr_nonnull(x->cand);
}

static void real_free(struct real *x)
{
    free(x->cand);
    pcre2_match_data_free(x->md);
    texts_free(&x->t);
    bs_test_rules_free(&x->f);
}

START_TEST(test_sound_on_real_texts)
{
    struct real x;
    real_load(&x);
    struct bs_classifier *c = x.f.c;
    unsigned matches = 0, more = 0;
    for (size_t k = 0; k < x.t.n; k++) {
        size_t n = strlen(x.t.v[k].text);
        bs_prefilter_scan(c->prefilter, x.t.v[k].text, n, x.cand);
        char *lower = strdup(x.t.v[k].text);
        for (size_t j = 0; j < n; j++)
            lower[j] = (char)bs_ascii_lower(lower[j]);
        for (int i = 0; i < c->nrules; i++) {
            const struct bs_rule *r = &c->rules[i];
            if (!r->re || pcre2_match(r->re, (PCRE2_SPTR)x.t.v[k].text, n, 0,
                                      0, x.md, NULL) < 0)
                continue;
            matches++;
            /* the prefilter's patterns are in the order rules are
             * tried: rule i is its pos[i] */
            ck_assert_msg(bs_prefilter_may_match(c->prefilter, x.cand,
                                                 c->pos[i]),
                          "rule %s matches but is not marked: %s", r->id,
                          x.t.v[k].text);
            ck_assert_msg(bs_prefilter_more_hold(c->prefilter, c->pos[i],
                                                 lower, n),
                          "rule %s matches but misses a literal of a "
                          "further clause: %s", r->id, x.t.v[k].text);
            more += bs_prefilter_has_more(c->prefilter, c->pos[i]);
        }
        free(lower);
    }
    printf("prefilter: %zu texts, %u rule matches, all marked, %u by "
           "rules with further clauses\n", x.t.n, matches, more);
    ck_assert_uint_gt(matches, 500);
    ck_assert_uint_gt(more, 100);
    real_free(&x);
}
END_TEST

/* The alternatives of a split rule, compiled as the classifier does. */
static pcre2_code **compile_alternatives(const struct bs_rule *r)
{
    pcre2_code **re = calloc((size_t)r->nalts, sizeof *re);
    ck_assert_ptr_nonnull(re);
    for (int k = 0; k < r->nalts; k++) {
        int err;
        PCRE2_SIZE off;
        re[k] = pcre2_compile((PCRE2_SPTR)r->alts[k].src,
                              PCRE2_ZERO_TERMINATED, BS_RULE_PCRE2_OPTIONS,
                              &err, &off, NULL);
        ck_assert_msg(re[k] != NULL, "%s: alternative %d does not compile: "
                      "%s", r->id, k, r->alts[k].src);
    }
    return re;
}

/* On every real text, for every split rule: the whole pattern matches if
 * and only if an alternative does, and then one the prefilter marks. */
START_TEST(test_split_rules_on_real_texts)
{
    struct real x;
    real_load(&x);
    struct bs_classifier *c = x.f.c;
    pcre2_code ***alts = calloc((size_t)c->nrules, sizeof *alts);
    int split = 0;
    for (int i = 0; i < c->nrules; i++) {
        bs_rule_split(&c->rules[i]); /* as a first run does */
        if (c->rules[i].nalts >= 2) {
            alts[i] = compile_alternatives(&c->rules[i]);
            split++;
        }
    }
    unsigned matches = 0, marked_runs = 0, all_runs = 0;
    for (size_t k = 0; k < x.t.n; k++) {
        const char *text = x.t.v[k].text;
        size_t n = strlen(text);
        bs_prefilter_scan(c->prefilter, text, n, x.cand);
        for (int i = 0; i < c->nrules; i++) {
            const struct bs_rule *r = &c->rules[i];
            if (!alts[i] ||
                !bs_prefilter_may_match(c->prefilter, x.cand, c->pos[i]))
                continue;
            uint64_t marked = bs_prefilter_marked_alternatives(
                c->prefilter, x.cand, c->pos[i]);
            bool whole = pcre2_match(r->re, (PCRE2_SPTR)text, n, 0, 0, x.md,
                                     NULL) >= 0;
            bool any = false, in_marked = false;
            for (int a = 0; a < r->nalts; a++) {
                if (pcre2_match(alts[i][a], (PCRE2_SPTR)text, n, 0, 0, x.md,
                                NULL) < 0)
                    continue;
                any = true;
                in_marked = in_marked || (marked >> a & 1);
            }
            ck_assert_msg(whole == any, "%s: whole %d, alternatives %d: %s",
                          r->id, whole, any, text);
            ck_assert_msg(!whole || in_marked, "%s matches, but through no "
                          "marked alternative (%llx): %s", r->id,
                          (unsigned long long)marked, text);
            matches += whole;
            all_runs += (unsigned)r->nalts;
            for (int a = 0; a < r->nalts; a++)
                marked_runs += marked >> a & 1;
        }
    }
    printf("prefilter: %d rules split; on marked texts %u matches, %u of "
           "%u alternatives marked\n", split, matches, marked_runs, all_runs);
    ck_assert_int_gt(split, 40);
    ck_assert_uint_gt(matches, 300);
    ck_assert_uint_lt(marked_runs * 4, all_runs); /* the split pays */
    for (int i = 0; i < c->nrules; i++) {
        for (int a = 0; alts[i] && a < c->rules[i].nalts; a++)
            pcre2_code_free(alts[i][a]);
        free(alts[i]);
    }
    free(alts);
    real_free(&x);
}
END_TEST

START_TEST(test_same_classification)
{
    struct bs_test_rules f = bs_test_rules_load();
    struct texts t = { NULL, 0, 0 };
    texts_of_cases(&t);
    texts_of_log(&t);
    for (size_t k = 0; k < t.n; k++) {
        const struct text *x = &t.v[k];
        int p = bs_provider_find(f.providers, bs_slice_make(
                                 x->provider, strlen(x->provider)));
        unsigned provider = p < 0 ? 0 : (unsigned)p;
        struct bs_slice dsn = bs_slice_make(x->dsn, strlen(x->dsn));
        struct bs_slice text = bs_slice_make(x->text, strlen(x->text));
        struct bs_classification with, without;
        bs_classifier_use_prefilter(f.c, true);
        bs_classify(f.c, provider, dsn, text, &with);
        bs_classifier_use_prefilter(f.c, false);
        bs_classify(f.c, provider, dsn, text, &without);
        ck_assert_msg(with.rule == without.rule, "%s: rule %d with the "
                      "prefilter, %d without", x->text, with.rule,
                      without.rule);
    }
    texts_free(&t);
    bs_test_rules_free(&f);
}
END_TEST

START_TEST(test_most_rules_filtered)
{
    struct bs_test_rules f = bs_test_rules_load();
    int text_rules = 0, filtered = 0;
    for (int i = 0; i < f.c->nrules; i++) {
        if (!f.c->rules[i].re)
            continue;
        text_rules++;
        if (bs_prefilter_filters(f.c->prefilter, f.c->pos[i]))
            filtered++;
        else
            printf("prefilter: not filtered: %s: %s\n", f.c->rules[i].id,
                   f.c->rules[i].text_src);
    }
    printf("prefilter: %d of %d text rules filtered\n", filtered,
           text_rules);
    ck_assert_msg(filtered >= FILTERED_MIN * text_rules,
                  "%d of %d text rules filtered", filtered, text_rules);
    bs_test_rules_free(&f);
}
END_TEST

static Suite *prefilter_suite(void)
{
    Suite *s = suite_create("prefilter");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_extraction, 0,
                        (int)(sizeof extraction / sizeof *extraction));
    tcase_add_loop_test(tc, test_split, 0,
                        (int)(sizeof splits / sizeof *splits));
    tcase_add_test(tc, test_split_at_most_max);
    tcase_add_test(tc, test_sound_on_real_texts);
    tcase_add_test(tc, test_split_rules_on_real_texts);
    tcase_add_test(tc, test_same_classification);
    tcase_add_test(tc, test_most_rules_filtered);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(prefilter_suite());
}
