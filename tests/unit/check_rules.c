/*
 * check_rules.c - the shipped rule set (patterns/rules.txt) on real texts
 *
 * tests/data/classify/cases.tsv holds one real response text a line with
 * the provider, the status code, the expected category and detail and the
 * rule that must win. This suite checks that
 *   - every case is classified as expected, by exactly the named rule;
 *   - every shipped rule wins at least one case (no rule is untested);
 *   - every hint and hint.ja names only known placeholders: a field
 *     ({sender_domain}, {recipient_domain}, {provider}) or a named group
 *     of the rule's own text pattern, optionally with a {name|fallback};
 *   - no text makes a rule run away (time per text, regex budget);
 *   - the Diagnostic-Code texts of the Sisimai corpus (when present in
 *     BS_CORPORA) rarely end undecided (onhold or undefined); the
 *     agreement with Sisimai's own reasons is printed as information.
 */
#include "buf.h"
#include "classify.h"
#include "provider.h"
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

extern const char bs_embedded_rules[];

#define CASES_FILE BS_TEST_DATA "/classify/cases.tsv"
#define SISIMAI_DIR BS_CORPORA "/sisimai-go-sisimai"

/* At most this share of the corpus texts may end in onhold or undefined,
 * and at least this share must agree with Sisimai's reason. */
#define CORPUS_UNDECIDED_MAX 0.045
#define CORPUS_AGREEMENT_MIN 0.70

/* Slowest acceptable classification of one text, in milliseconds;
 * BS_RULES_TIME_LIMIT_MS overrides it (valgrind, slow machines). */
#if defined(__SANITIZE_ADDRESS__)
#define TIME_LIMIT_MS 50.0
#else
#define TIME_LIMIT_MS 5.0
#endif

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double time_limit_ms(void)
{
    const char *s = getenv("BS_RULES_TIME_LIMIT_MS");
    double v = s ? strtod(s, NULL) : 0;
    return v > 0 ? v : TIME_LIMIT_MS;
}

/* ------------------------------------------------------------ cases.tsv */

enum { C_PROVIDER, C_DSN, C_CATEGORY, C_DETAIL, C_RULE, C_TEXT, C_SOURCE,
       C_NFIELDS };

struct rcase {
    const char *f[C_NFIELDS];
    unsigned line;
};

struct case_table {
    char *buf;
    struct rcase *v;
    size_t n, cap;
};

/* Splits cases.tsv in place. Blank lines and lines starting with '#' are
 * comments; every other line has exactly seven tab-separated fields. */
static void cases_read(struct case_table *t)
{
    size_t len;
    memset(t, 0, sizeof *t);
    t->buf = bs_test_read_file(CASES_FILE, &len);
    ck_assert_msg(t->buf != NULL, "cannot read %s", CASES_FILE);
    char *p = t->buf, *end = t->buf + len;
    for (unsigned line = 1; p < end; line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *eol = nl ? nl : end;
        if (eol > p && eol[-1] == '\r')
            eol[-1] = '\0';
        *eol = '\0';
        if (*p != '\0' && *p != '#') {
            if (t->n == t->cap) {
                t->cap = t->cap ? t->cap * 2 : 256;
                t->v = realloc(t->v, t->cap * sizeof *t->v);
            }
            struct rcase *c = &t->v[t->n++];
            c->line = line;
            int k = 0;
            for (char *s = p;; k++) {
                char *tab = strchr(s, '\t');
                ck_assert_msg(k < C_NFIELDS, "cases.tsv:%u: more than %d "
                              "fields", line, C_NFIELDS);
                c->f[k] = s;
                if (!tab)
                    break;
                *tab = '\0';
                s = tab + 1;
            }
            ck_assert_msg(k == C_NFIELDS - 1, "cases.tsv:%u: %d fields, "
                          "want %d", line, k + 1, C_NFIELDS);
            ck_assert_msg(*c->f[C_RULE] && *c->f[C_SOURCE],
                          "cases.tsv:%u: empty rule or source", line);
        }
        p = nl ? nl + 1 : end;
    }
    ck_assert_msg(t->n > 0, "no cases in %s", CASES_FILE);
}

static void cases_free(struct case_table *t)
{
    free(t->v);
    free(t->buf);
}

static unsigned provider_of(struct bs_test_rules *f, const char *name,
                            unsigned line)
{
    int i = bs_provider_find(f->providers,
                             bs_slice_make(name, strlen(name)));
    ck_assert_msg(i >= 0, "cases.tsv:%u: unknown provider %s", line, name);
    return (unsigned)i;
}

/* "-" as the expected rule means: no rule may match. */
static const char *rule_name(struct bs_test_rules *f, int rule)
{
    return rule < 0 ? "-" : bs_classifier_rule_id(f->c, rule);
}

START_TEST(test_cases_win)
{
    struct bs_test_rules f = bs_test_rules_load();
    struct case_table t;
    cases_read(&t);
    unsigned failed = 0;
    for (size_t i = 0; i < t.n; i++) {
        const struct rcase *c = &t.v[i];
        struct bs_classification r;
        bs_classify(f.c, provider_of(&f, c->f[C_PROVIDER], c->line),
                    bs_slice_make(c->f[C_DSN], strlen(c->f[C_DSN])),
                    bs_slice_make(c->f[C_TEXT], strlen(c->f[C_TEXT])), &r);
        const char *cat = bs_category_name(r.category);
        const char *rule = rule_name(&f, r.rule);
        if (strcmp(cat, c->f[C_CATEGORY]) == 0 &&
            strcmp(r.detail, c->f[C_DETAIL]) == 0 &&
            strcmp(rule, c->f[C_RULE]) == 0)
            continue;
        failed++;
        printf("cases.tsv:%u: got %s/%s by %s, want %s/%s by %s\n",
               c->line, cat, r.detail, rule, c->f[C_CATEGORY],
               c->f[C_DETAIL], c->f[C_RULE]);
    }
    ck_assert_msg(failed == 0, "%u of %zu cases classified wrongly (see "
                  "stdout)", failed, t.n);
    cases_free(&t);
    bs_test_rules_free(&f);
}
END_TEST

START_TEST(test_every_rule_has_a_case)
{
    struct bs_test_rules f = bs_test_rules_load();
    struct case_table t;
    cases_read(&t);
    unsigned missing = 0, rules = bs_classifier_rule_count(f.c);
    for (unsigned i = 0; i < rules; i++) {
        const char *id = bs_classifier_rule_id(f.c, (int)i);
        size_t k = 0;
        while (k < t.n && strcmp(t.v[k].f[C_RULE], id) != 0)
            k++;
        if (k == t.n) {
            missing++;
            printf("rule %s wins no case in cases.tsv\n", id);
        }
    }
    /* and every expected rule exists */
    for (size_t k = 0; k < t.n; k++) {
        const char *want = t.v[k].f[C_RULE];
        unsigned i = 0;
        while (i < rules && strcmp(bs_classifier_rule_id(f.c, (int)i),
                                   want) != 0)
            i++;
        if (i == rules && strcmp(want, "-") != 0) {
            missing++;
            printf("cases.tsv:%u: no rule %s\n", t.v[k].line, want);
        }
    }
    printf("rules: %u shipped, %zu cases\n", rules, t.n);
    ck_assert_msg(missing == 0, "%u rules without a case or cases naming "
                  "no rule (see stdout)", missing);
    cases_free(&t);
    bs_test_rules_free(&f);
}
END_TEST

/* ------------------------------------------------- the rule file itself */

#define MAX_NAMES 16
#define NAME_MAX_LEN 32

struct names {
    char v[MAX_NAMES][NAME_MAX_LEN];
    int n;
};

static bool names_has(const struct names *s, const char *name, size_t len)
{
    for (int i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == len && memcmp(s->v[i], name, len) == 0)
            return true;
    return false;
}

static bool names_add(struct names *s, const char *name, size_t len)
{
    if (names_has(s, name, len))
        return true;
    if (s->n == MAX_NAMES || len == 0 || len >= NAME_MAX_LEN)
        return false;
    memcpy(s->v[s->n], name, len);
    s->v[s->n++][len] = '\0';
    return true;
}

static bool is_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '_';
}

/* The named groups of a PCRE2 pattern: (?<n>...), (?'n'...), (?P<n>...).
 * Escapes and character classes are skipped; (?<= and (?<! are
 * lookbehinds, not names. */
static bool pattern_groups(const char *p, struct names *out)
{
    bool in_class = false;
    for (size_t i = 0; p[i]; i++) {
        if (p[i] == '\\' && p[i + 1]) {
            i++;
            continue;
        }
        if (in_class) {
            if (p[i] == ']')
                in_class = false;
            continue;
        }
        if (p[i] == '[') {
            in_class = true;
            if (p[i + 1] == '^')
                i++;
            if (p[i + 1] == ']')
                i++;
            continue;
        }
        if (p[i] != '(' || p[i + 1] != '?')
            continue;
        size_t j = i + 2;
        if (p[j] == 'P' && p[j + 1] == '<')
            j++;
        char close;
        if (p[j] == '<' && p[j + 1] != '=' && p[j + 1] != '!')
            close = '>';
        else if (p[j] == '\'')
            close = '\'';
        else
            continue;
        size_t s = ++j;
        while (is_name_char(p[j]))
            j++;
        if (p[j] != close || !names_add(out, p + s, j - s))
            return false;
    }
    return true;
}

/* Checks the {name} and {name|fallback} placeholders of a hint; adds the
 * names to used. Returns NULL or what is wrong. */
static const char *hint_placeholders(const char *h, const struct names *ok,
                                     struct names *used)
{
    for (const char *p = h; *p; p++) {
        if (*p == '}')
            return "'}' without '{'";
        if (*p != '{')
            continue;
        const char *s = ++p;
        while (is_name_char(*p))
            p++;
        size_t len = (size_t)(p - s);
        if (len == 0)
            return "empty placeholder name";
        if (*p == '|') {
            while (*p && *p != '}' && *p != '{')
                p++;
        }
        if (*p != '}')
            return "placeholder not closed (or nested)";
        if (!names_has(ok, s, len))
            return "placeholder names no field and no group of the rule";
        names_add(used, s, len);
    }
    return NULL;
}

struct rule_src {
    char id[96];
    char category[32];
    char detail[32];
    bool has_provider;
    const char *text, *hint, *hint_ja; /* NUL-terminated copies */
    unsigned line;
};

static char *dup_value(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static void copy_value(char *dst, size_t cap, const char *s, size_t n)
{
    n = n < cap - 1 ? n : cap - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

static const char *const auth_details[] = { "dmarc", "spf", "dkim",
                                            "spf+dkim" };

/* One finished rule of the file: returns the number of problems. */
static unsigned lint_rule(const struct rule_src *r)
{
    static const char *const fields[] = { "sender_domain",
                                          "recipient_domain", "provider" };
    struct names ok = { .n = 0 }, groups = { .n = 0 }, used = { .n = 0 },
                 used_ja = { .n = 0 };
    unsigned bad = 0;
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        names_add(&ok, fields[i], strlen(fields[i]));
    if (r->text && !pattern_groups(r->text, &groups)) {
        printf("rules.txt:%u: %s: cannot read the named groups\n", r->line,
               r->id);
        bad++;
    }
    for (int i = 0; i < groups.n; i++)
        names_add(&ok, groups.v[i], strlen(groups.v[i]));
    if (!r->hint || !r->hint_ja) {
        printf("rules.txt:%u: %s: needs hint and hint.ja\n", r->line, r->id);
        return bad + 1;
    }
    const char *why = hint_placeholders(r->hint, &ok, &used);
    if (why) {
        printf("rules.txt:%u: %s: hint: %s\n", r->line, r->id, why);
        bad++;
    }
    why = hint_placeholders(r->hint_ja, &ok, &used_ja);
    if (why) {
        printf("rules.txt:%u: %s: hint.ja: %s\n", r->line, r->id, why);
        bad++;
    }
    bool same = used.n == used_ja.n;
    for (int i = 0; same && i < used.n; i++)
        same = names_has(&used_ja, used.v[i], strlen(used.v[i]));
    if (!same) {
        printf("rules.txt:%u: %s: hint and hint.ja use different "
               "placeholders\n", r->line, r->id);
        bad++;
    }
    for (int i = 0; i < groups.n; i++) {
        if (!names_has(&used, groups.v[i], strlen(groups.v[i]))) {
            printf("rules.txt:%u: %s: group %s is not used by the hint\n",
                   r->line, r->id, groups.v[i]);
            bad++;
        }
    }
    if (strcmp(r->category, "authfailure") == 0) {
        bool known = false;
        for (size_t i = 0; i < sizeof auth_details / sizeof *auth_details;
             i++)
            known |= strcmp(r->detail, auth_details[i]) == 0;
        /* a provider's own code (5.7.515) is allowed as well */
        bool code = r->has_provider && strpbrk(r->detail, "0123456789");
        if (!known && !code) {
            printf("rules.txt:%u: %s: authfailure detail '%s' is not one "
                   "of dmarc, spf, dkim, spf+dkim\n", r->line, r->id,
                   r->detail);
            bad++;
        }
    }
    return bad;
}

static void rule_src_fini(struct rule_src *r)
{
    free((char *)r->text);
    free((char *)r->hint);
    free((char *)r->hint_ja);
    memset(r, 0, sizeof *r);
}

START_TEST(test_rule_file_lint)
{
    const char *p = bs_embedded_rules, *end = p + strlen(p);
    struct rule_src cur = { .line = 0 };
    bool in_rule = false;
    unsigned bad = 0, nrules = 0, lineno = 0;
    char (*ids)[96] = calloc(4096, sizeof *ids);
    for (; p < end; lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end, *s = p;
        p = nl ? nl + 1 : end;
        bool indented = *s == ' ' || *s == '\t';
        while (s < eol && (*s == ' ' || *s == '\t'))
            s++;
        while (eol > s && (eol[-1] == ' ' || eol[-1] == '\r'))
            eol--;
        if (s == eol || *s == '#')
            continue;
        const char *k = s;
        while (s < eol && *s != ' ' && *s != '\t')
            s++;
        size_t klen = (size_t)(s - k);
        while (s < eol && (*s == ' ' || *s == '\t'))
            s++;
        size_t vlen = (size_t)(eol - s);
        if (!indented) {
            if (in_rule)
                bad += lint_rule(&cur);
            rule_src_fini(&cur);
            in_rule = true;
            copy_value(cur.id, sizeof cur.id, s, vlen);
            cur.line = lineno + 1;
            for (unsigned i = 0; i < nrules; i++) {
                if (strcmp(ids[i], cur.id) == 0) {
                    printf("rules.txt:%u: rule id %s used twice\n",
                           cur.line, cur.id);
                    bad++;
                }
            }
            ck_assert_uint_lt(nrules, 4096);
            copy_value(ids[nrules++], sizeof *ids, cur.id, strlen(cur.id));
        } else if (klen == 4 && memcmp(k, "text", 4) == 0) {
            cur.text = dup_value(s, vlen);
        } else if (klen == 4 && memcmp(k, "hint", 4) == 0) {
            cur.hint = dup_value(s, vlen);
        } else if (klen == 7 && memcmp(k, "hint.ja", 7) == 0) {
            cur.hint_ja = dup_value(s, vlen);
        } else if (klen == 8 && memcmp(k, "category", 8) == 0) {
            copy_value(cur.category, sizeof cur.category, s, vlen);
        } else if (klen == 6 && memcmp(k, "detail", 6) == 0) {
            copy_value(cur.detail, sizeof cur.detail, s, vlen);
        } else if (klen == 8 && memcmp(k, "provider", 8) == 0) {
            cur.has_provider = true;
        }
    }
    if (in_rule)
        bad += lint_rule(&cur);
    rule_src_fini(&cur);
    free(ids);
    struct bs_test_rules f = bs_test_rules_load();
    ck_assert_uint_eq(nrules, bs_classifier_rule_count(f.c));
    bs_test_rules_free(&f);
    ck_assert_msg(bad == 0, "%u problems in rules.txt (see stdout)", bad);
}
END_TEST

/* ----------------------------------------------------------- run time */

/* Milliseconds to classify a text. A run over the limit is repeated (up
 * to twice) with a neutral token appended (or written over the end of a
 * text at the length limit), which defeats the memo, and the fastest run
 * counts: a busy machine must not fail the suite. */
static double timed_classify(struct bs_test_rules *f, unsigned provider,
                             const char *dsn, const char *text, size_t len,
                             double limit)
{
    double best = 1e9;
    char *buf = malloc(len + 8);
    for (int attempt = 0; attempt < 3 && best > limit; attempt++) {
        size_t n = len;
        memcpy(buf, text, len);
        if (attempt) {
            if (n + 4 > BS_CLASSIFY_TEXT_MAX) /* keep it inside the limit */
                n = BS_CLASSIFY_TEXT_MAX - 4;
            memcpy(buf + n, attempt == 1 ? " zq1" : " zq2", 4);
            n += 4;
        }
        struct bs_classification r;
        double t0 = now_ms();
        bs_classify(f->c, provider, bs_slice_make(dsn, strlen(dsn)),
                    bs_slice_make(buf, n), &r);
        double ms = now_ms() - t0;
        best = ms < best ? ms : best;
    }
    free(buf);
    return best;
}

START_TEST(test_cases_are_fast)
{
    struct bs_test_rules f = bs_test_rules_load();
    struct case_table t;
    cases_read(&t);
    double limit = time_limit_ms(), worst = 0, total = 0;
    unsigned worst_line = 0;
    for (size_t i = 0; i < t.n; i++) {
        const struct rcase *c = &t.v[i];
        unsigned prov = provider_of(&f, c->f[C_PROVIDER], c->line);
        double ms = timed_classify(&f, prov, c->f[C_DSN], c->f[C_TEXT],
                                   strlen(c->f[C_TEXT]), limit);
        total += ms;
        if (ms > worst) {
            worst = ms;
            worst_line = c->line;
        }
    }
    printf("cases: %zu classified in %.2f ms, slowest %.3f ms "
           "(cases.tsv:%u)\n", t.n, total, worst, worst_line);
    ck_assert_msg(worst <= limit, "cases.tsv:%u took %.3f ms (limit %.1f)",
                  worst_line, worst, limit);
    ck_assert_uint_eq(bs_classifier_budget_overflows(f.c), 0);
    cases_free(&t);
    bs_test_rules_free(&f);
}
END_TEST

/* Texts built to make backtracking patterns work hard: repeated
 * fragments of the shipped patterns, 4096 bytes each. */
static const char *const adversarial[] = {
    "550-5.7.26 ", "did not 550-5.7.26 ", "SPF [a.example] with ip: [",
    "DKIM = did not ", "Unauthenticated email from ", "a", " ",
    "[TSS04", "550 : User unknown ", "id=x;ip=1.2.3.4;", "1.2.3.4 is ",
    "Unknown user ", "sending domain [", "Client host [", "x.y.z ",
    "DMARC gmail.com ", "(?<", "550-", "-5.7.1 550-5.7.1 ", "]]]] [[[[",
};

START_TEST(test_adversarial_texts)
{
    struct bs_test_rules f = bs_test_rules_load();
    double limit = time_limit_ms() * 4, worst = 0;
    const char *worst_what = "";
    char *text = malloc(BS_CLASSIFY_TEXT_MAX + 1);
    static const char *const dsns[] = { "", "5.7.26", "4.7.0", "5.1.1" };
    for (size_t a = 0; a < sizeof adversarial / sizeof *adversarial; a++) {
        size_t n = 0, flen = strlen(adversarial[a]);
        while (n + flen <= BS_CLASSIFY_TEXT_MAX) {
            memcpy(text + n, adversarial[a], flen);
            n += flen;
        }
        text[n] = '\0';
        for (unsigned p = 0; p < bs_provider_count(f.providers); p++) {
            for (size_t d = 0; d < sizeof dsns / sizeof *dsns; d++) {
                /* distinct provider/dsn keys: no memo hits */
                double ms = timed_classify(&f, p, dsns[d], text, n, limit);
                if (ms > worst) {
                    worst = ms;
                    worst_what = adversarial[a];
                }
            }
        }
    }
    printf("adversarial texts: slowest %.3f ms ('%s' repeated), %llu "
           "budget overflows\n", worst, worst_what,
           (unsigned long long)bs_classifier_budget_overflows(f.c));
    ck_assert_msg(bs_classifier_budget_overflows(f.c) == 0,
                  "a shipped pattern exhausted the match budget");
    ck_assert_msg(worst <= limit, "'%s' repeated took %.3f ms (limit %.1f)",
                  worst_what, worst, limit);
    free(text);
    bs_test_rules_free(&f);
}
END_TEST

/* ------------------------------------------------------ Sisimai corpus */

struct expected {
    char file[96];
    int index;
    char reason[32];
};

struct corpus_stats {
    unsigned texts, undecided, delivered, with_expectation, agree;
};

/* expected-go-sisimai.tsv: file, index, status, replycode, reason, ... */
static struct expected *expected_read(size_t *n)
{
    size_t len, cap = 0;
    char *buf = bs_test_read_file(SISIMAI_DIR "/expected-go-sisimai.tsv",
                                  &len);
    struct expected *v = NULL;
    *n = 0;
    if (!buf)
        return NULL;
    for (char *line = buf; line < buf + len;) {
        char *nl = memchr(line, '\n', (size_t)(buf + len - line));
        char *next = nl ? nl + 1 : buf + len;
        if (nl)
            *nl = '\0';
        char *f[5];
        int k = 0;
        for (char *s = line; k < 5;) {
            f[k++] = s;
            char *tab = strchr(s, '\t');
            if (!tab)
                break;
            *tab = '\0';
            s = tab + 1;
        }
        line = next;
        if (k < 5 || strcmp(f[0], "file") == 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 512;
            v = realloc(v, cap * sizeof *v);
        }
        const char *base = strrchr(f[0], '/');
        base = base ? base + 1 : f[0];
        copy_value(v[*n].file, sizeof v[*n].file, base, strlen(base));
        v[*n].index = (int)strtol(f[1], NULL, 10);
        copy_value(v[*n].reason, sizeof v[*n].reason, f[4], strlen(f[4]));
        (*n)++;
    }
    free(buf);
    return v;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* In place: CRLF to LF; for quoted-printable messages also soft line
 * breaks and =XX escapes (the delivery-status part of several samples is
 * quoted-printable). Returns the new length. */
static size_t eml_normalise(char *s, size_t n)
{
    bool qp = false;
    for (size_t i = 0; i + 16 <= n && !qp; i++)
        qp = strncasecmp(s + i, "quoted-printable", 16) == 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
            continue;
        if (qp && s[i] == '=') {
            size_t j = i + 1;
            if (j < n && s[j] == '\r')
                j++;
            if (j < n && s[j] == '\n') {
                i = j;
                continue;
            }
            if (i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
                s[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
                i += 2;
                continue;
            }
        }
        s[o++] = s[i];
    }
    s[o] = '\0';
    return o;
}

/* The value of "Name:" in the field list of one paragraph, or NULL. The
 * fields were unfolded already. */
static const char *field(char *const *lines, int n, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < n; i++)
        if (strncasecmp(lines[i], name, len) == 0 && lines[i][len] == ':') {
            const char *v = lines[i] + len + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            return v;
        }
    return NULL;
}

/* "rfc822; <a@b.example>" -> "b.example"; "dns; mx.b.example. (x)" ->
 * "mx.b.example" when host is set. */
static struct bs_slice addr_part(const char *v, bool host, char *out,
                                 size_t cap)
{
    const char *semi = strchr(v, ';');
    if (semi)
        v = semi + 1;
    while (*v == ' ' || *v == '<' || *v == '[')
        v++;
    if (!host) {
        const char *at = strrchr(v, '@');
        v = at ? at + 1 : v + strlen(v);
    }
    size_t n = 0;
    while (v[n] && v[n] != ' ' && v[n] != '>' && v[n] != ']' &&
           v[n] != '(' && v[n] != '[' && n + 1 < cap) {
        out[n] = v[n] >= 'A' && v[n] <= 'Z' ? (char)(v[n] + 32) : v[n];
        n++;
    }
    while (n > 0 && out[n - 1] == '.')
        n--;
    out[n] = '\0';
    return bs_slice_make(out, n);
}

/* The diagnostic text without its type ("smtp; ", "X-Postfix; "). */
static const char *strip_type(const char *d)
{
    const char *semi = strchr(d, ';');
    if (semi) {
        const char *p = d;
        while (p < semi && (is_name_char(*p) || *p == '-'))
            p++;
        if (p == semi) {
            d = semi + 1;
            while (*d == ' ')
                d++;
        }
    }
    return d;
}

static void corpus_one(struct bs_test_rules *f, const char *name, char *msg,
                       const struct expected *ex, size_t nex,
                       struct corpus_stats *st)
{
    /* unfold: a line starting with blanks continues the previous one */
    char **lines = malloc(sizeof *lines * (strlen(msg) + 2));
    int nlines = 0;
    for (char *p = msg; *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        if ((*p == ' ' || *p == '\t') && nlines > 0 && *lines[nlines - 1]) {
            char *prev = lines[nlines - 1];
            size_t pl = strlen(prev);
            while (*p == ' ' || *p == '\t')
                p++;
            /* the current line follows prev in memory: shift it down */
            prev[pl] = ' ';
            memmove(prev + pl + 1, p, strlen(p) + 1);
        } else {
            lines[nlines++] = p;
        }
        p = nl ? nl + 1 : p + strlen(p);
    }
    /* paragraphs: the per-recipient groups of a delivery-status part */
    int index = 0;
    for (int i = 0; i < nlines;) {
        int j = i;
        while (j < nlines && *lines[j])
            j++;
        const char *rcpt = field(lines + i, j - i, "Final-Recipient");
        if (!rcpt)
            rcpt = field(lines + i, j - i, "Original-Recipient");
        const char *diag = field(lines + i, j - i, "Diagnostic-Code");
        if (rcpt)
            index++;
        if (rcpt && diag) {
            const char *status = field(lines + i, j - i, "Status");
            const char *rmta = field(lines + i, j - i, "Remote-MTA");
            char dom[256], host[256], dsn[16] = "";
            struct bs_slice d = addr_part(rcpt, false, dom, sizeof dom);
            struct bs_slice h = rmta ? addr_part(rmta, true, host,
                                                 sizeof host)
                                     : bs_slice_make("", 0);
            if (status) {
                size_t n = 0;
                while (status[n] && status[n] != ' ' && n + 1 < sizeof dsn)
                    n++;
                memcpy(dsn, status, n);
                dsn[n] = '\0';
            }
            const char *text = strip_type(diag);
            if (dsn[0] == '2') {
                st->delivered++;
            } else {
                struct bs_classification r;
                bs_classify(f->c, bs_provider_lookup(f->providers, d, h),
                            bs_slice_make(dsn, strlen(dsn)),
                            bs_slice_make(text, strlen(text)), &r);
                const char *cat = bs_category_name(r.category);
                st->texts++;
                if (r.category == BS_CAT_ONHOLD ||
                    r.category == BS_CAT_UNDEFINED) {
                    st->undecided++;
                    printf("  undecided: %s#%d [%s] %.160s\n", name, index,
                           dsn, text);
                }
                for (size_t k = 0; k < nex; k++) {
                    if (ex[k].index != index || strcmp(ex[k].file, name))
                        continue;
                    st->with_expectation++;
                    if (strcmp(ex[k].reason, cat) == 0)
                        st->agree++;
                    else if (getenv("BS_RULES_VERBOSE"))
                        printf("  differs: %s#%d sisimai %s, here %s (%s): "
                               "%.160s\n", name, index, ex[k].reason, cat,
                               rule_name(f, r.rule), text);
                    break;
                }
            }
        }
        i = j + 1;
    }
    free(lines);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_sisimai_corpus)
{
    const char *dir = SISIMAI_DIR "/maildir/bsd";
    if (!bs_test_dir_exists(dir)) {
        printf("corpus: %s not present, skipped\n", dir);
        return;
    }
    struct bs_test_rules f = bs_test_rules_load();
    size_t nex;
    struct expected *ex = expected_read(&nex);
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    char **names = NULL;
    size_t nnames = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".eml") != 0)
            continue;
        if (nnames == cap) {
            cap = cap ? cap * 2 : 512;
            names = realloc(names, cap * sizeof *names);
        }
        names[nnames++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, nnames, sizeof *names, name_cmp);
    struct corpus_stats st = { 0 };
    for (size_t i = 0; i < nnames; i++) {
        char path[1024];
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char *msg = bs_test_read_file(path, &len);
        ck_assert_ptr_nonnull(msg);
        eml_normalise(msg, len);
        corpus_one(&f, names[i], msg, ex, nex, &st);
        free(msg);
        free(names[i]);
    }
    free(names);
    free(ex);
    double undecided = st.texts ? (double)st.undecided / st.texts : 0;
    double agree = st.with_expectation
                       ? (double)st.agree / st.with_expectation
                       : 1;
    printf("corpus: %u Diagnostic-Code texts in %zu messages (%u delivered "
           "skipped): %u onhold/undefined = %.1f%% (bound %.1f%%); "
           "agreement with Sisimai %u/%u = %.1f%% (floor %.1f%%)\n",
           st.texts, nnames, st.delivered, st.undecided, 100 * undecided,
           100 * CORPUS_UNDECIDED_MAX, st.agree, st.with_expectation,
           100 * agree, 100 * CORPUS_AGREEMENT_MIN);
    ck_assert_uint_gt(st.texts, 100);
    ck_assert_msg(undecided <= CORPUS_UNDECIDED_MAX,
                  "%.1f%% of the corpus texts undecided", 100 * undecided);
    ck_assert_msg(agree >= CORPUS_AGREEMENT_MIN,
                  "only %.1f%% agree with Sisimai", 100 * agree);
    bs_test_rules_free(&f);
}
END_TEST

static Suite *rules_suite(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_cases_win);
    tcase_add_test(tc, test_every_rule_has_a_case);
    tcase_add_test(tc, test_rule_file_lint);
    tcase_add_test(tc, test_cases_are_fast);
    tcase_add_test(tc, test_adversarial_texts);
    tcase_add_test(tc, test_sisimai_corpus);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(rules_suite());
}
