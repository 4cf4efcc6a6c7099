/*
 * classify_load.c - parse rule files into compiled rules
 *
 * Format (patterns/README.md has the full description):
 *
 *     rule google-dmarc
 *         category  authfailure
 *         detail    dmarc
 *         severity  hard
 *         provider  google
 *         dsn       5.7.26 5.7.1
 *         code      550
 *         text      DMARC policy|unauthenticated
 *         hint      Publish ...
 *         hint.ja   ...
 *
 * A line "rule ID" starts a rule; indented "key value" lines describe it;
 * '#' starts a comment line. Every error names SOURCE:LINE, and one error
 * stops the load (and bouncestat refuses to start): no rule is dropped
 * silently. The rules finished before the error stay loaded, and the
 * classifier's order is rebuilt on that path too, so it stays usable.
 */
#include "classify_impl.h"

#include <stdlib.h>

struct bs_rule_parser {
    struct bs_classifier *c;
    const char *source;
    unsigned lineno;
    struct bs_buf *err;
    struct bs_rule *cur;
    unsigned cur_line;
};

static int bs_rule_error(struct bs_rule_parser *rp, const char *what,
                         struct bs_slice arg)
{
    bs_buf_printf(rp->err, "%s:%u: %s%s%.*s\n", rp->source, rp->lineno, what,
                  arg.len ? ": " : "", (int)BS_MIN(arg.len, 200), arg.ptr);
    return -1;
}

static int bs_rule_score(const struct bs_rule *r)
{
    int s = 0, dsn_score = 0;
    if (r->provider >= 0)
        s += 16;
    if (r->re)
        s += 8;
    for (int i = 0; i < r->ndsn; i++) {
        int exact = r->dsn[i].part[1] >= 0 ? 2 + (r->dsn[i].part[2] >= 0)
                                            : 1;
        dsn_score = BS_MAX(dsn_score, exact);
    }
    s += dsn_score * 2;
    if (r->code)
        s += 1;
    return s;
}

/* "5.7.26", "5.7.*", "5.*.*"; a wildcard is followed only by wildcards. */
static bool bs_dsn_pattern_parse(struct bs_slice w, struct bs_dsn_pattern *p)
{
    size_t i = 0;
    for (int k = 0; k < 3; k++) {
        if (i < w.len && w.ptr[i] == '*') {
            p->part[k] = -1;
            i++;
        } else {
            int v = 0, digits = 0;
            while (i < w.len && bs_is_digit(w.ptr[i]) && digits < 3) {
                v = v * 10 + (w.ptr[i++] - '0');
                digits++;
            }
            if (!digits)
                return false;
            p->part[k] = v;
        }
        if (k < 2 && (i >= w.len || w.ptr[i++] != '.'))
            return false;
        if (k > 0 && p->part[k - 1] < 0 && p->part[k] >= 0)
            return false;
    }
    return i == w.len;
}

static int bs_rule_set_dsn(struct bs_rule_parser *rp, struct bs_slice v)
{
    struct bs_rule *r = rp->cur;
    const char *p = v.ptr, *end = v.ptr + v.len;
    while (p < end) {
        while (p < end && *p == ' ')
            p++;
        const char *s = p;
        while (p < end && *p != ' ')
            p++;
        if (p == s)
            break;
        struct bs_slice w = bs_slice_make(s, (size_t)(p - s));
        if (r->ndsn == BS_MAX_DSN_PATTERNS ||
            !bs_dsn_pattern_parse(w, &r->dsn[r->ndsn]))
            return bs_rule_error(rp, "bad enhanced status code pattern", w);
        r->ndsn++;
    }
    free(r->dsn_src);
    r->dsn_src = bs_xstrndup(v.ptr, v.len);
    return 0;
}

static int bs_rule_set_text(struct bs_rule_parser *rp, struct bs_slice v)
{
    int errcode;
    PCRE2_SIZE erroff;
    if (rp->cur->re)
        return bs_rule_error(rp, "a rule has one text pattern", v);
    if (memchr(v.ptr, '\0', v.len))
        return bs_rule_error(rp, "a NUL byte in a text pattern", v);
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)v.ptr, v.len,
                                   BS_RULE_PCRE2_OPTIONS, &errcode, &erroff,
                                   NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof msg);
        bs_buf_printf(rp->err, "%s:%u: pattern does not compile at offset "
                      "%zu: %s\n", rp->source, rp->lineno, (size_t)erroff,
                      (const char *)msg);
        return -1;
    }
    /* A pattern that matches the empty string matches every text: it
     * would swallow the classification, so it is refused. */
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    int empty = md ? pcre2_match(re, (PCRE2_SPTR) "", 0, 0, 0, md, NULL) : -1;
    pcre2_match_data_free(md);
    if (empty >= 0) {
        pcre2_code_free(re);
        return bs_rule_error(rp, "pattern matches the empty string", v);
    }
    rp->cur->re = re;
    rp->cur->text_src = bs_xstrndup(v.ptr, v.len);
    return 0;
}

static int bs_rule_set_provider(struct bs_rule_parser *rp, struct bs_slice v)
{
    struct bs_classifier *c = rp->c;
    for (unsigned i = 0; i < c->nproviders; i++) {
        if (strlen(c->provider_names[i]) == v.len &&
            memcmp(c->provider_names[i], v.ptr, v.len) == 0) {
            rp->cur->provider = (int)c->provider_index[i];
            return 0;
        }
    }
    return bs_rule_error(rp, "unknown provider", v);
}

static int bs_rule_set(struct bs_rule_parser *rp, struct bs_slice key,
                       struct bs_slice v)
{
    struct bs_rule *r = rp->cur;
    if (BS_SLICE_EQ(key, "category")) {
        int cat = bs_category_find(v);
        if (cat < 0)
            return bs_rule_error(rp, "unknown category", v);
        r->category = (unsigned)cat;
    } else if (BS_SLICE_EQ(key, "detail")) {
        free(r->detail);
        r->detail = bs_xstrndup(v.ptr, v.len);
    } else if (BS_SLICE_EQ(key, "severity")) {
        if (!BS_SLICE_EQ(v, "hard") && !BS_SLICE_EQ(v, "soft"))
            return bs_rule_error(rp, "severity is hard or soft", v);
        r->severity = BS_SLICE_EQ(v, "hard");
    } else if (BS_SLICE_EQ(key, "provider")) {
        return bs_rule_set_provider(rp, v);
    } else if (BS_SLICE_EQ(key, "dsn")) {
        return bs_rule_set_dsn(rp, v);
    } else if (BS_SLICE_EQ(key, "code")) {
        if (v.len != 3 || !bs_is_digit(v.ptr[0]) || !bs_is_digit(v.ptr[1]) ||
            !bs_is_digit(v.ptr[2]))
            return bs_rule_error(rp, "code is a 3-digit SMTP reply code", v);
        r->code = (v.ptr[0] - '0') * 100 + (v.ptr[1] - '0') * 10 +
                  (v.ptr[2] - '0');
    } else if (BS_SLICE_EQ(key, "text")) {
        return bs_rule_set_text(rp, v);
    } else if (BS_SLICE_EQ(key, "hint")) {
        free(r->hint);
        r->hint = bs_xstrndup(v.ptr, v.len);
    } else if (BS_SLICE_EQ(key, "hint.ja")) {
        free(r->hint_ja);
        r->hint_ja = bs_xstrndup(v.ptr, v.len);
    } else {
        return bs_rule_error(rp, "unknown key", key);
    }
    return 0;
}

/* Validates the finished rule and puts it in the table (replacing a rule
 * with the same id). */
static int bs_rule_finish(struct bs_rule_parser *rp)
{
    struct bs_rule *r = rp->cur;
    if (!r)
        return 0;
    rp->cur = NULL;
    if (r->category == BS_CAT_NONE) {
        rp->lineno = rp->cur_line;
        bs_rule_error(rp, "rule has no category", BS_SLICE_LIT(""));
        bs_rule_fini(r);
        free(r);
        return -1;
    }
    r->score = bs_rule_score(r);
    struct bs_classifier *c = rp->c;
    for (int i = 0; i < c->nrules; i++) {
        if (strcmp(c->rules[i].id, r->id) == 0) {
            bs_rule_fini(&c->rules[i]);
            memmove(&c->rules[i], &c->rules[i + 1],
                    (size_t)(c->nrules - i - 1) * sizeof *c->rules);
            c->nrules--;
            break;
        }
    }
    if (c->nrules == c->rules_cap) {
        c->rules_cap = c->rules_cap ? c->rules_cap * 2 : 64;
        c->rules = bs_xreallocarray(c->rules, (size_t)c->rules_cap,
                                    sizeof *c->rules);
    }
    c->rules[c->nrules++] = *r;
    free(r);
    return 0;
}

static struct bs_slice bs_trim(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    return bs_slice_make(p, (size_t)(end - p));
}

static int bs_rule_line(struct bs_rule_parser *rp, const char *p,
                        const char *eol)
{
    bool indented = p < eol && (*p == ' ' || *p == '\t');
    struct bs_slice line = bs_trim(p, eol);
    if (line.len == 0 || line.ptr[0] == '#')
        return 0;
    const char *sp = line.ptr;
    while (sp < line.ptr + line.len && *sp != ' ' && *sp != '\t')
        sp++;
    struct bs_slice key = bs_slice_make(line.ptr, (size_t)(sp - line.ptr));
    struct bs_slice v = bs_trim(sp, line.ptr + line.len);
    if (!indented) {
        if (!BS_SLICE_EQ(key, "rule") || v.len == 0)
            return bs_rule_error(rp, "expected 'rule ID'", line);
        if (bs_rule_finish(rp) < 0)
            return -1;
        rp->cur = bs_xcalloc(1, sizeof *rp->cur);
        rp->cur->id = bs_xstrndup(v.ptr, v.len);
        rp->cur->severity = -1;
        rp->cur->provider = -1;
        rp->cur_line = rp->lineno;
        return 0;
    }
    if (!rp->cur)
        return bs_rule_error(rp, "indented line outside a rule", line);
    if (v.len == 0)
        return bs_rule_error(rp, "key without a value", key);
    return bs_rule_set(rp, key, v);
}

int bs_classifier_load(struct bs_classifier *c, const char *source,
                       const char *text, size_t len, struct bs_buf *err)
{
    struct bs_rule_parser rp = { c, source, 0, err, NULL, 0 };
    const char *p = text, *end = text + len;
    int rc = 0;
    memset(c->memo, 0, sizeof c->memo);
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        rp.lineno++;
        rc = bs_rule_line(&rp, p, eol);
        p = nl ? nl + 1 : end;
    }
    if (rc == 0) {
        rc = bs_rule_finish(&rp);
        bs_classifier_reorder(c);
        return rc;
    }
    if (rp.cur) {
        bs_rule_fini(rp.cur);
        free(rp.cur);
    }
    /* Rules before the error were added: order must cover them all. */
    bs_classifier_reorder(c);
    return -1;
}
