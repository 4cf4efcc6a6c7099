/*
 * classify.c - rule loading and matching with PCRE2 JIT
 *
 * Rules live in a flat array in definition order. Matching walks all of
 * them: the cheap conditions (provider, status codes) first, the regex
 * last and only when the rule could still beat the best candidate.
 */
#include "classify_impl.h"
#include "scan.h"

#include <stdlib.h>

static const char *const bs_category_names[BS_CAT_COUNT] = {
    "", "authfailure", "badreputation", "blocked", "contenterror",
    "exceedlimit", "expired", "failedstarttls", "filtered", "hasmoved",
    "hostunknown", "mailboxfull", "mailererror", "mesgtoobig",
    "networkerror", "norelaying", "notaccept", "notcompliantrfc", "onhold",
    "policyviolation", "rejected", "requireptr", "securityerror",
    "spamdetected", "speeding", "suspend", "syntaxerror", "systemerror",
    "systemfull", "toomanyconn", "undefined", "userunknown",
    "virusdetected",
};

const char *bs_category_name(unsigned cat)
{
    return cat < BS_CAT_COUNT ? bs_category_names[cat] : "undefined";
}

int bs_category_find(struct bs_slice name)
{
    for (unsigned i = 1; i < BS_CAT_COUNT; i++)
        if (strlen(bs_category_names[i]) == name.len &&
            memcmp(bs_category_names[i], name.ptr, name.len) == 0)
            return (int)i;
    return -1;
}

struct bs_classifier *bs_classifier_new(void)
{
    struct bs_classifier *c = bs_xcalloc(1, sizeof *c);
    c->mctx = pcre2_match_context_create(NULL);
    c->jit_stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
    c->md = pcre2_match_data_create(1, NULL);
    if (!c->mctx || !c->jit_stack || !c->md) {
        bs_classifier_free(c);
        return NULL;
    }
    pcre2_set_match_limit(c->mctx, BS_MATCH_LIMIT);
    pcre2_set_depth_limit(c->mctx, BS_DEPTH_LIMIT);
    pcre2_jit_stack_assign(c->mctx, NULL, c->jit_stack);
    return c;
}

void bs_rule_fini(struct bs_rule *r)
{
    free(r->id);
    free(r->text_src);
    free(r->dsn_src);
    free(r->detail);
    free(r->hint);
    free(r->hint_ja);
    pcre2_code_free(r->re);
    bs_rule_unsplit(r);
}

void bs_classifier_free(struct bs_classifier *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->nrules; i++)
        bs_rule_fini(&c->rules[i]);
    free(c->rules);
    free(c->order);
    free(c->pos);
    bs_prefilter_free(c->prefilter);
    free(c->cand);
    for (unsigned i = 0; i < c->nproviders; i++)
        free(c->provider_names[i]);
    pcre2_match_data_free(c->md);
    pcre2_jit_stack_free(c->jit_stack);
    pcre2_match_context_free(c->mctx);
    free(c);
}

void bs_classifier_add_provider(struct bs_classifier *c, const char *name,
                                unsigned provider_index)
{
    if (c->nproviders == BS_ARRAY_LEN(c->provider_names))
        return;
    c->provider_names[c->nproviders] = bs_xstrndup(name, strlen(name));
    c->provider_index[c->nproviders++] = provider_index;
}

unsigned bs_classifier_rule_count(const struct bs_classifier *c)
{
    return (unsigned)c->nrules;
}

const char *bs_classifier_rule_id(const struct bs_classifier *c, int rule)
{
    return rule >= 0 && rule < c->nrules ? c->rules[rule].id : "";
}

const char *bs_classifier_rule_hint(const struct bs_classifier *c, int rule)
{
    if (rule < 0 || rule >= c->nrules || !c->rules[rule].hint)
        return "";
    return c->rules[rule].hint;
}

uint64_t bs_classifier_budget_overflows(const struct bs_classifier *c)
{
    return c->budget_overflows;
}

void bs_classifier_use_prefilter(struct bs_classifier *c, bool on)
{
    c->no_prefilter = !on;
    memset(c->memo, 0, sizeof c->memo);
}

uint64_t bs_classifier_regex_runs(const struct bs_classifier *c)
{
    return c->regex_runs;
}


/* "X.Y.Z" at the start of s: class 2, 4 or 5; subject and detail 1-3
 * digits. Returns the length consumed, 0 when s does not start with one. */
static size_t bs_dsn_parse(const char *s, size_t n, int part[3])
{
    size_t i = 0;
    for (int k = 0; k < 3; k++) {
        int v = 0, digits = 0;
        while (i < n && bs_is_digit(s[i]) && digits < 4) {
            v = v * 10 + (s[i++] - '0');
            digits++;
        }
        if (digits == 0 || digits > 3 || (k == 0 && digits != 1))
            return 0;
        part[k] = v;
        if (k < 2 && (i >= n || s[i++] != '.'))
            return 0;
    }
    if (i < n && bs_is_digit(s[i]))
        return 0;
    if (part[0] != 2 && part[0] != 4 && part[0] != 5)
        return 0;
    return i;
}

/* The first enhanced status code in a text ("550 5.7.26 ...",
 * "#5.1.1"), for MTAs that log none of their own. */
static bool bs_dsn_in_text(struct bs_slice t, int part[3])
{
    if (t.len < 5)
        return false;
    /* From dot to dot: the class digit is the byte before one. */
    const char *end = t.ptr + t.len;
    for (const char *dot = t.ptr + 1; dot < end; dot++) {
        dot = bs_find_any3(dot, end, '.', '.', '.');
        size_t i = (size_t)(dot - 1 - t.ptr);
        if (i + 5 > t.len)
            break;
        char c = t.ptr[i];
        if (c != '2' && c != '4' && c != '5')
            continue;
        if (i > 0 && (bs_is_digit(t.ptr[i - 1]) || t.ptr[i - 1] == '.'))
            continue;
        if (bs_dsn_parse(t.ptr + i, t.len - i, part))
            return true;
    }
    return false;
}

/* The SMTP reply code: "said: 550", "refused to talk to me: 554", or a
 * text starting with three digits. 0 when there is none. */
static int bs_reply_code(struct bs_slice t)
{
    const char *p = t.ptr;
    size_t n = t.len;
    const char *said = bs_memmem(t.ptr, BS_MIN(n, 512), ": ", 2);
    if (!(n >= 3 && bs_is_digit(p[0])) && said) {
        n -= (size_t)(said + 2 - p);
        p = said + 2;
    }
    if (n < 3 || !bs_is_digit(p[0]) || !bs_is_digit(p[1]) ||
        !bs_is_digit(p[2]) || (n > 3 && bs_is_digit(p[3])))
        return 0;
    int code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
    return code >= 200 && code < 600 ? code : 0;
}

static bool bs_dsn_matches(const struct bs_rule *r, const int dsn[3],
                           bool have_dsn)
{
    if (r->ndsn == 0)
        return true;
    if (!have_dsn)
        return false;
    for (int i = 0; i < r->ndsn; i++) {
        const int *p = r->dsn[i].part;
        if ((p[0] < 0 || p[0] == dsn[0]) && (p[1] < 0 || p[1] == dsn[1]) &&
            (p[2] < 0 || p[2] == dsn[2]))
            return true;
    }
    return false;
}

/* Do rule r's provider, reply code and DSN conditions hold? */
static bool bs_rule_conditions_hold(const struct bs_rule *r,
                                    unsigned provider, int code,
                                    const int dsn[3], bool have_dsn)
{
    if (r->provider >= 0 && (unsigned)r->provider != provider)
        return false;
    if (r->code && r->code != code)
        return false;
    return bs_dsn_matches(r, dsn, have_dsn);
}

/* Is rule a tried before rule b? More specific first; ties: defined last
 * first. */
static bool bs_tried_before(const struct bs_rule *rules, int a, int b)
{
    if (rules[a].score != rules[b].score)
        return rules[a].score > rules[b].score;
    return a > b;
}

void bs_classifier_reorder(struct bs_classifier *c)
{
    size_t n = (size_t)(c->nrules ? c->nrules : 1);
    free(c->order);
    free(c->pos);
    c->order = bs_xmalloc(n * sizeof *c->order);
    c->pos = bs_xmalloc(n * sizeof *c->pos);
    /* Insertion sort: a few hundred rules, once per load. */
    for (int i = 0; i < c->nrules; i++) {
        int j = i;
        while (j > 0 && bs_tried_before(c->rules, i, c->order[j - 1])) {
            c->order[j] = c->order[j - 1];
            j--;
        }
        c->order[j] = i;
    }
    memset(c->memo, 0, sizeof c->memo);
    const char **src = bs_xmalloc(n * sizeof *src);
    for (int k = 0; k < c->nrules; k++) {
        const struct bs_rule *r = &c->rules[c->order[k]];
        c->pos[c->order[k]] = k;
        src[k] = r->re ? r->text_src : NULL;
    }
    bs_prefilter_free(c->prefilter);
    c->prefilter = bs_prefilter_new(src, c->nrules);
    free(src);
    free(c->cand);
    c->cand = bs_xcalloc(bs_prefilter_words(c->prefilter), sizeof *c->cand);
}

/* Does the text hold the literals of the further prefilter clauses of
 * the rule tried k-th? The text is lower-cased into c->lower on the
 * first ask. */
static bool bs_rule_more_literals(struct bs_classifier *c, int k,
                                  struct bs_slice text, bool *lowered)
{
    if (!bs_prefilter_has_more(c->prefilter, k))
        return true;
    if (!*lowered) {
        bs_ascii_lower_copy(c->lower, text.ptr, text.len);
        *lowered = true;
    }
    return bs_prefilter_more_hold(c->prefilter, k, c->lower, text.len);
}

/* The most specific rule that holds: rules are tried in that order, so
 * the first that holds wins and the rest never run. With the prefilter,
 * only the rules it marks are looked at: its bits are in that order. */
static int bs_classify_best_rule(struct bs_classifier *c, unsigned provider,
                                 const int dsn[3], bool have_dsn,
                                 struct bs_slice text)
{
    int code = bs_reply_code(text);
    if (!c->prefilter || c->no_prefilter) {
        for (int k = 0; k < c->nrules; k++) {
            struct bs_rule *r = &c->rules[c->order[k]];
            if (bs_rule_conditions_hold(r, provider, code, dsn, have_dsn) &&
                bs_rule_text_matches(c, r, text))
                return c->order[k];
        }
        return -1;
    }
    bs_prefilter_scan(c->prefilter, text.ptr, text.len, c->cand);
    bool lowered = false;
    for (int base = 0; base < c->nrules; base += 64) {
        for (uint64_t m = c->cand[base / 64]; m; m &= m - 1) {
            int k = base + __builtin_ctzll(m);
            if (k >= c->nrules)
                break;
            struct bs_rule *r = &c->rules[c->order[k]];
            if (bs_rule_conditions_hold(r, provider, code, dsn, have_dsn) &&
                bs_rule_more_literals(c, k, text, &lowered) &&
                bs_rule_alternatives_match(
                    c, r, text,
                    bs_prefilter_marked_alternatives(c->prefilter, c->cand,
                                                     k)))
                return c->order[k];
        }
    }
    return -1;
}

/* The memo key: provider, status code and the exact text. Texts with
 * unique ids (most providers add one) do not repeat, but bounces of
 * campaigns and deferrals of retries do, and those are the bulk. */
static uint64_t bs_classify_memo_key(unsigned provider, struct bs_slice dsn,
                                     struct bs_slice text)
{
    uint64_t h = bs_hash_bytes(text.ptr, text.len);
    h ^= bs_hash_bytes(dsn.ptr, dsn.len) * 0x9e3779b97f4a7c15ULL;
    return h ^ ((uint64_t)provider * 0xbf58476d1ce4e5b9ULL);
}

/* text (at most BS_CLASSIFY_TEXT_MAX bytes) as c->subject. */
static struct bs_slice bs_classify_subject(struct bs_classifier *c,
                                           struct bs_slice text)
{
    size_t n = BS_MIN(text.len, (size_t)BS_CLASSIFY_TEXT_MAX);
    if (n)
        memmove(c->subject, text.ptr, n);
    return bs_slice_make(c->subject, n);
}

void bs_classify(struct bs_classifier *c, unsigned provider,
                 struct bs_slice dsn, struct bs_slice text,
                 struct bs_classification *out)
{
    if (text.len > BS_CLASSIFY_TEXT_MAX)
        text.len = BS_CLASSIFY_TEXT_MAX;
    int parts[3] = { 0, 0, 0 };
    bool have_dsn = dsn.len ? bs_dsn_parse(dsn.ptr, dsn.len, parts) != 0
                            : bs_dsn_in_text(text, parts);
    uint64_t key = bs_classify_memo_key(provider, dsn, text);
    struct bs_memo_slot *slot = &c->memo[key % BS_MEMO_SLOTS];
    int rule = -2;
    if (slot->used && slot->hash == key)
        rule = slot->rule;
    if (rule == -2) {
        rule = bs_classify_best_rule(c, provider, parts, have_dsn,
                                     bs_classify_subject(c, text));
        *slot = (struct bs_memo_slot){ key, rule, true };
    }
    out->rule = rule;
    if (rule >= 0) {
        const struct bs_rule *r = &c->rules[rule];
        out->category = r->category;
        out->detail = r->detail ? r->detail : "";
        out->hard = r->severity >= 0 ? r->severity == 1 : parts[0] == 5;
        return;
    }
    out->category = text.len ? BS_CAT_ONHOLD : BS_CAT_UNDEFINED;
    out->detail = "";
    out->hard = have_dsn ? parts[0] == 5 : bs_reply_code(text) >= 500;
}

void bs_classifier_rule_info(const struct bs_classifier *c, int rule,
                             struct bs_rule_info *out)
{
    static const struct bs_rule_info none = { "", BS_CAT_UNDEFINED, "", "",
                                              -1, "", 0, "", "", "" };
    if (rule < 0 || rule >= c->nrules) {
        *out = none;
        return;
    }
    const struct bs_rule *r = &c->rules[rule];
    *out = (struct bs_rule_info){
        r->id, r->category, r->detail ? r->detail : "",
        r->severity < 0 ? "" : r->severity ? "hard" : "soft", r->provider,
        r->dsn_src ? r->dsn_src : "", r->code,
        r->text_src ? r->text_src : "", r->hint ? r->hint : "",
        r->hint_ja ? r->hint_ja : "",
    };
}

static const char *bs_hint_field(const struct bs_hint_fields *f,
                                 struct bs_slice name)
{
    if (!f)
        return NULL;
    if (BS_SLICE_EQ(name, "sender_domain"))
        return f->sender_domain;
    if (BS_SLICE_EQ(name, "recipient_domain"))
        return f->recipient_domain;
    if (BS_SLICE_EQ(name, "provider"))
        return f->provider;
    return NULL;
}

/* Appends the named group of the last match, if it took part. */
static bool bs_hint_group(const struct bs_rule *r, pcre2_match_data *md,
                          bool matched,
                          struct bs_slice name, struct bs_buf *out)
{
    char nm[64];
    if (!matched || !r->re || name.len >= sizeof nm)
        return false;
    memcpy(nm, name.ptr, name.len);
    nm[name.len] = '\0';
    PCRE2_UCHAR *val;
    PCRE2_SIZE len;
    if (pcre2_substring_get_byname(md, (PCRE2_SPTR)nm, &val, &len) != 0)
        return false;
    bool nonempty = len > 0;
    if (nonempty)
        bs_buf_append(out, val, len);
    pcre2_substring_free(val);
    return nonempty;
}

/* What a hint says where a value is unknown and it gives no fallback. */
static const char *bs_hint_unknown(struct bs_slice name)
{
    if (BS_SLICE_EQ(name, "sender_domain"))
        return "the envelope sender's domain";
    if (BS_SLICE_EQ(name, "recipient_domain"))
        return "the recipient's domain";
    if (BS_SLICE_EQ(name, "provider"))
        return "the receiving provider";
    return "(not in the text)";
}

/* One "{name}" or "{name|fallback}" at *p (just after the '{'). */
static const char *bs_hint_placeholder(const struct bs_rule *r,
                                       pcre2_match_data *md, bool matched,
                                       const char *p,
                                       const struct bs_hint_fields *f,
                                       struct bs_buf *out)
{
    const char *close = strchr(p, '}');
    if (!close) {
        bs_buf_putc(out, '{');
        return p;
    }
    const char *bar = memchr(p, '|', (size_t)(close - p));
    struct bs_slice name = bs_slice_make(p, (size_t)((bar ? bar : close) - p));
    const char *v = bs_hint_field(f, name);
    if (v && *v)
        bs_buf_puts(out, v);
    else if (!bs_hint_group(r, md, matched, name, out)) {
        if (bar)
            bs_buf_append(out, bar + 1, (size_t)(close - bar - 1));
        else
            bs_buf_puts(out, bs_hint_unknown(name));
    }
    return close + 1;
}

void bs_classifier_render_hint(struct bs_classifier *c, int rule, bool ja,
                               struct bs_slice text,
                               const struct bs_hint_fields *f,
                               struct bs_buf *out)
{
    if (rule < 0 || rule >= c->nrules)
        return;
    const struct bs_rule *r = &c->rules[rule];
    const char *tpl = ja && r->hint_ja ? r->hint_ja : r->hint;
    if (!tpl)
        return;
    pcre2_match_data *md = NULL;
    bool matched = false;
    if (r->re && strchr(tpl, '{')) {
        md = pcre2_match_data_create_from_pattern(r->re, NULL);
        struct bs_slice t = bs_classify_subject(c, text);
        matched = md && pcre2_match(r->re, (PCRE2_SPTR)t.ptr, t.len, 0, 0,
                                    md, c->mctx) >= 0;
    }
    for (const char *p = tpl; *p;) {
        const char *brace = strchr(p, '{');
        if (!brace) {
            bs_buf_puts(out, p);
            break;
        }
        bs_buf_append(out, p, (size_t)(brace - p));
        p = bs_hint_placeholder(r, md, matched, brace + 1, f, out);
    }
    pcre2_match_data_free(md);
}
