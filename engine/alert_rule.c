/*
 * alert_rule.c - the text of an alert rule into struct bs_alert_rule
 *
 * A rule is tokens separated by blanks, in any order:
 *
 *     filters     provider=LIST sender_domain=LIST category=LIST
 *                 detail=LIST dsn=LIST       (LIST: a,b,c; dsn 5.7.26,
 *                                             5.7.*, 5.*)
 *     condition   rate>P%  deferral_rate>P%  bounces>N  deferrals>N
 *                 spike>Kx                    (exactly one)
 *     window      window=DUR min=N clear<V
 *     spike       measure=M baseline=DUR floor=V warmup=N
 *     grouping    group_by=provider|sender_domain max_groups=N
 *     naming      name=WORD
 *
 * Parsing is in three passes so that the order of tokens never matters:
 * split and name the tokens, decide the measure (a condition or
 * measure=), then read each value knowing what unit it has. Every error
 * names the 1-based byte column of the token or list element at fault.
 */
#include "alert.h"

#include "agg.h"
#include "classify.h"

#include <stdio.h>
#include <stdlib.h>

enum bs_tok {
    T_PROVIDER, T_SENDER, T_CATEGORY, T_DETAIL, T_DSN, /* = filters */
    T_GROUP_BY, T_WINDOW, T_BASELINE, T_FLOOR, T_MIN, T_WARMUP,
    T_MAX_GROUPS, T_MEASURE, T_NAME, /* = settings */
    T_RATE, T_DEFERRAL_RATE, T_BOUNCES, T_DEFERRALS, T_SPIKE, /* > */
    T_CLEAR, /* < */
    T_COUNT
};

static const struct {
    const char *name;
    char op;
} bs_toks[T_COUNT] = {
    [T_PROVIDER] = { "provider", '=' },
    [T_SENDER] = { "sender_domain", '=' },
    [T_CATEGORY] = { "category", '=' },
    [T_DETAIL] = { "detail", '=' },
    [T_DSN] = { "dsn", '=' },
    [T_GROUP_BY] = { "group_by", '=' },
    [T_WINDOW] = { "window", '=' },
    [T_BASELINE] = { "baseline", '=' },
    [T_FLOOR] = { "floor", '=' },
    [T_MIN] = { "min", '=' },
    [T_WARMUP] = { "warmup", '=' },
    [T_MAX_GROUPS] = { "max_groups", '=' },
    [T_MEASURE] = { "measure", '=' },
    [T_NAME] = { "name", '=' },
    [T_RATE] = { "rate", '>' },
    [T_DEFERRAL_RATE] = { "deferral_rate", '>' },
    [T_BOUNCES] = { "bounces", '>' },
    [T_DEFERRALS] = { "deferrals", '>' },
    [T_SPIKE] = { "spike", '>' },
    [T_CLEAR] = { "clear", '<' },
};

static const char *const bs_measure_names[] = {
    "rate", "deferral_rate", "bounces", "deferrals"
};

struct bs_rule_tok {
    bool set;
    size_t col;      /* of the token */
    struct bs_slice value;
    size_t vcol;     /* of the value */
};

struct bs_rule_parse {
    struct bs_alert_rule *r;
    const struct bs_alert_names *names;
    struct bs_rule_tok t[T_COUNT];
    int condition; /* enum bs_tok, -1 none */
    struct bs_buf *err;
};

const char *bs_alert_measure_name(enum bs_alert_measure m)
{
    return bs_measure_names[m];
}

const char *bs_alert_group_name(enum bs_alert_group g)
{
    return g == BS_AG_PROVIDER ? "provider"
           : g == BS_AG_SENDER ? "sender_domain" : "";
}

bool bs_alert_measure_is_rate(enum bs_alert_measure m)
{
    return m == BS_AM_RATE || m == BS_AM_DEFERRAL_RATE;
}

static int bs_rule_fail(struct bs_rule_parse *p, size_t col,
                        const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bs_rule_fail(struct bs_rule_parse *p, size_t col,
                        const char *fmt, ...)
{
    va_list ap;
    bs_buf_printf(p->err, "column %zu: ", col);
    va_start(ap, fmt);
    bs_buf_vprintf(p->err, fmt, ap);
    va_end(ap);
    return -1;
}

int bs_alert_parse_duration(struct bs_slice s, int64_t *seconds)
{
    int64_t v = 0;
    size_t i = 0;
    while (i < s.len && bs_is_digit(s.ptr[i]) && v < 100000000)
        v = v * 10 + (s.ptr[i++] - '0');
    if (i == 0 || i + 1 != s.len)
        return -1;
    switch (s.ptr[i]) {
    case 's': break;
    case 'm': v *= 60; break;
    case 'h': v *= 3600; break;
    case 'd': v *= 86400; break;
    default: return -1;
    }
    if (v % 60)
        return -1;
    *seconds = v;
    return 0;
}

/* "12", "0.5": a non-negative decimal; the rest of s after it in *end. */
static bool bs_rule_number(struct bs_slice s, double *out, size_t *end)
{
    double v = 0, scale = 1;
    size_t i = 0, digits = 0;
    for (; i < s.len && bs_is_digit(s.ptr[i]) && digits < 15; i++, digits++)
        v = v * 10 + (s.ptr[i] - '0');
    if (i < s.len && s.ptr[i] == '.') {
        i++;
        for (; i < s.len && bs_is_digit(s.ptr[i]) && digits < 15;
             i++, digits++) {
            scale /= 10;
            v += (s.ptr[i] - '0') * scale;
        }
    }
    if (!digits || (i < s.len && bs_is_digit(s.ptr[i])))
        return false;
    *out = v;
    *end = i;
    return true;
}

/* A value in the measure's unit: "5%" for rates, "200" for counts. */
static int bs_rule_value(struct bs_rule_parse *p, enum bs_tok t,
                         double *out)
{
    const struct bs_rule_tok *k = &p->t[t];
    bool rate = bs_alert_measure_is_rate(p->r->measure);
    size_t end;
    double v;
    bool ok = bs_rule_number(k->value, &v, &end);
    if (ok && rate)
        ok = end + 1 == k->value.len && k->value.ptr[end] == '%';
    else if (ok)
        ok = end == k->value.len && !memchr(k->value.ptr, '.', end);
    if (!ok)
        return bs_rule_fail(p, k->vcol, "%s: expected %s, not '%.*s'",
                            bs_toks[t].name, rate ? "a percentage like 5%"
                                                  : "a whole count like 200",
                            (int)k->value.len, k->value.ptr);
    if (rate && v > 100)
        return bs_rule_fail(p, k->vcol, "%s: more than 100%%",
                            bs_toks[t].name);
    *out = rate ? v / 100 : v;
    return 0;
}

static int bs_rule_count(struct bs_rule_parse *p, enum bs_tok t,
                         uint64_t lo, uint64_t hi, uint64_t *out)
{
    const struct bs_rule_tok *k = &p->t[t];
    uint64_t v = 0;
    size_t i = 0;
    while (i < k->value.len && bs_is_digit(k->value.ptr[i]) && v <= hi)
        v = v * 10 + (uint64_t)(k->value.ptr[i++] - '0');
    if (!i || i != k->value.len || v < lo || v > hi)
        return bs_rule_fail(p, k->vcol,
                            "%s: expected a whole number from %llu to %llu",
                            bs_toks[t].name, (unsigned long long)lo,
                            (unsigned long long)hi);
    *out = v;
    return 0;
}

static int bs_rule_duration(struct bs_rule_parse *p, enum bs_tok t,
                            int64_t lo, int64_t hi, int64_t *out)
{
    const struct bs_rule_tok *k = &p->t[t];
    if (bs_alert_parse_duration(k->value, out) < 0)
        return bs_rule_fail(p, k->vcol,
                            "%s: expected a whole number of minutes like "
                            "15m, 2h or 7d, not '%.*s'", bs_toks[t].name,
                            (int)k->value.len, k->value.ptr);
    if (*out < lo || *out > hi)
        return bs_rule_fail(p, k->vcol, "%s: must lie from %lldm to %lldm",
                            bs_toks[t].name, (long long)(lo / 60),
                            (long long)(hi / 60));
    return 0;
}

/* "5.7.26", "5.7.*", "5.*" into a packed value and mask. */
static bool bs_rule_dsn(struct bs_slice s, uint32_t *v, uint32_t *mask)
{
    uint32_t part[3] = { 0, 0, 0 }, m = 0;
    size_t i = 0;
    int k = 0;
    for (; k < 3; k++) {
        if (i < s.len && s.ptr[i] == '*') {
            i++;
            break;
        }
        size_t digits = 0;
        while (i < s.len && bs_is_digit(s.ptr[i]) && digits < 3)
            part[k] = part[k] * 10 + (uint32_t)(s.ptr[i++] - '0'), digits++;
        if (!digits || part[k] > 999)
            return false;
        m |= 1023u << (10 * (2 - k));
        if (k < 2 && (i >= s.len || s.ptr[i++] != '.'))
            return false;
    }
    if (k == 1 && i < s.len && s.ptr[i] == '.') /* "5.*.*" */
        if (s.len - i == 2 && s.ptr[i + 1] == '*')
            i += 2;
    if (i != s.len || k == 0 || part[0] < 2 || part[0] > 5)
        return false;
    *v = part[0] << 20 | part[1] << 10 | part[2];
    *mask = m;
    return true;
}

static int bs_rule_list_item(struct bs_rule_parse *p, enum bs_tok t,
                             struct bs_slice item, size_t col,
                             struct bs_alert_filter *f)
{
    const struct bs_alert_names *nm = p->names;
    uint32_t id = 0, mask = UINT32_MAX;
    int i;
    switch (t) {
    case T_PROVIDER:
        if ((i = nm->provider_find(nm->ctx, item)) < 0)
            return bs_rule_fail(p, col, "unknown provider '%.*s'",
                                (int)item.len, item.ptr);
        id = (uint32_t)i;
        break;
    case T_CATEGORY:
        if ((i = bs_category_find(item)) <= 0)
            return bs_rule_fail(p, col, "unknown category '%.*s'",
                                (int)item.len, item.ptr);
        id = (uint32_t)i;
        break;
    case T_DSN:
        if (!bs_rule_dsn(item, &id, &mask))
            return bs_rule_fail(p, col, "bad status code '%.*s' (write "
                                "5.7.26, 5.7.* or 5.*)", (int)item.len,
                                item.ptr);
        break;
    default:
        id = nm->intern(nm->ctx, item, t == T_SENDER);
        if (id == UINT32_MAX)
            return bs_rule_fail(p, col, "no room for '%.*s'",
                                (int)item.len, item.ptr);
        break;
    }
    f->v[f->n] = id;
    f->mask[f->n] = mask;
    f->n++;
    return 0;
}

static int bs_rule_list(struct bs_rule_parse *p, enum bs_tok t,
                        struct bs_alert_filter *f)
{
    const struct bs_rule_tok *k = &p->t[t];
    const char *s = k->value.ptr, *end = s + k->value.len;
    f->text = bs_xstrndup(k->value.ptr, k->value.len);
    for (;;) {
        const char *c = memchr(s, ',', (size_t)(end - s));
        const char *stop = c ? c : end;
        size_t col = k->vcol + (size_t)(s - k->value.ptr);
        if (stop == s)
            return bs_rule_fail(p, col, "%s: empty value in the list",
                                bs_toks[t].name);
        if (f->n == BS_ALERT_MAX_VALUES)
            return bs_rule_fail(p, col, "%s: more than %d values",
                                bs_toks[t].name, BS_ALERT_MAX_VALUES);
        if (bs_rule_list_item(p, t, bs_slice_make(s, (size_t)(stop - s)),
                              col, f) < 0)
            return -1;
        if (!c)
            return 0;
        s = c + 1;
    }
}

/* Pass 1: one token "key=value", "key>value" or "key<value". */
static int bs_rule_token(struct bs_rule_parse *p, const char *tok,
                         size_t n, size_t col)
{
    size_t k = 0;
    while (k < n && ((tok[k] >= 'a' && tok[k] <= 'z') || tok[k] == '_'))
        k++;
    if (k == 0 || k == n || (tok[k] != '=' && tok[k] != '>' &&
                             tok[k] != '<'))
        return bs_rule_fail(p, col, "expected KEY=VALUE or a condition "
                            "like rate>5%%, not '%.*s'", (int)n, tok);
    for (int t = 0; t < T_COUNT; t++) {
        if (strlen(bs_toks[t].name) != k || memcmp(bs_toks[t].name, tok, k))
            continue;
        if (bs_toks[t].op != tok[k])
            return bs_rule_fail(p, col + k, "%s takes '%c', as in %s%c...",
                                bs_toks[t].name, bs_toks[t].op,
                                bs_toks[t].name, bs_toks[t].op);
        if (p->t[t].set)
            return bs_rule_fail(p, col, "%s is given twice",
                                bs_toks[t].name);
        if (bs_toks[t].op == '>' && p->condition >= 0)
            return bs_rule_fail(p, col, "a second condition (%s): a rule "
                                "has one", bs_toks[t].name);
        if (k + 1 == n)
            return bs_rule_fail(p, col + k + 1, "%s: no value",
                                bs_toks[t].name);
        if (bs_toks[t].op == '>')
            p->condition = t;
        p->t[t] = (struct bs_rule_tok){ true, col,
                                        bs_slice_make(tok + k + 1, n - k - 1),
                                        col + k + 1 };
        return 0;
    }
    return bs_rule_fail(p, col, "unknown key '%.*s'", (int)k, tok);
}

static int bs_rule_split(struct bs_rule_parse *p, const char *text,
                         size_t len, struct bs_buf *norm)
{
    size_t i = 0;
    while (i < len) {
        if (text[i] == ' ' || text[i] == '\t') {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && text[i] != ' ' && text[i] != '\t')
            i++;
        if (bs_rule_token(p, text + start, i - start, start + 1) < 0)
            return -1;
        if (norm->len)
            bs_buf_putc(norm, ' ');
        bs_buf_append(norm, text + start, i - start);
    }
    return 0;
}

/* Pass 2: the condition decides the measure and the kind. */
static int bs_rule_measure(struct bs_rule_parse *p, size_t len)
{
    struct bs_alert_rule *r = p->r;
    static const enum bs_alert_measure of[] = {
        [T_RATE] = BS_AM_RATE, [T_DEFERRAL_RATE] = BS_AM_DEFERRAL_RATE,
        [T_BOUNCES] = BS_AM_BOUNCES, [T_DEFERRALS] = BS_AM_DEFERRALS,
    };
    if (p->condition < 0)
        return bs_rule_fail(p, len + 1, "no condition: add one of rate>P%%, "
                            "deferral_rate>P%%, bounces>N, deferrals>N or "
                            "spike>Kx");
    r->spike = p->condition == T_SPIKE;
    if (!r->spike) {
        r->measure = of[p->condition];
        static const enum bs_tok spike_only[] = { T_MEASURE, T_BASELINE,
                                                  T_FLOOR, T_WARMUP };
        for (size_t i = 0; i < BS_ARRAY_LEN(spike_only); i++)
            if (p->t[spike_only[i]].set)
                return bs_rule_fail(p, p->t[spike_only[i]].col,
                                    "%s goes with spike>Kx",
                                    bs_toks[spike_only[i]].name);
        return 0;
    }
    r->measure = BS_AM_RATE;
    if (!p->t[T_MEASURE].set)
        return 0;
    for (int m = 0; m < 4; m++)
        if (bs_slice_eq_lit(p->t[T_MEASURE].value, bs_measure_names[m],
                            strlen(bs_measure_names[m]))) {
            r->measure = (enum bs_alert_measure)m;
            return 0;
        }
    return bs_rule_fail(p, p->t[T_MEASURE].vcol, "measure: expected rate, "
                        "deferral_rate, bounces or deferrals");
}

static int bs_rule_spike(struct bs_rule_parse *p)
{
    struct bs_alert_rule *r = p->r;
    const struct bs_rule_tok *k = &p->t[T_SPIKE];
    size_t end;
    if (!bs_rule_number(k->value, &r->factor, &end) ||
        end + 1 != k->value.len || k->value.ptr[end] != 'x' ||
        r->factor < 1)
        return bs_rule_fail(p, k->vcol, "spike: expected a factor of 1 or "
                            "more like 4x, not '%.*s'", (int)k->value.len,
                            k->value.ptr);
    r->baseline = 7 * 86400;
    if (p->t[T_BASELINE].set &&
        bs_rule_duration(p, T_BASELINE, r->window, 365 * 86400,
                         &r->baseline) < 0)
        return -1;
    uint64_t warmup = 4;
    if (p->t[T_WARMUP].set &&
        bs_rule_count(p, T_WARMUP, 1, 10000, &warmup) < 0)
        return -1;
    r->warmup = (uint32_t)warmup;
    return p->t[T_FLOOR].set ? bs_rule_value(p, T_FLOOR, &r->floor) : 0;
}

static int bs_rule_group(struct bs_rule_parse *p)
{
    struct bs_alert_rule *r = p->r;
    const struct bs_rule_tok *g = &p->t[T_GROUP_BY];
    r->max_groups = 1;
    if (!g->set) {
        if (p->t[T_MAX_GROUPS].set)
            return bs_rule_fail(p, p->t[T_MAX_GROUPS].col,
                                "max_groups goes with group_by");
        return 0;
    }
    if (BS_SLICE_EQ(g->value, "provider"))
        r->group = BS_AG_PROVIDER;
    else if (BS_SLICE_EQ(g->value, "sender_domain"))
        r->group = BS_AG_SENDER;
    else
        return bs_rule_fail(p, g->vcol, "group_by: expected provider or "
                            "sender_domain");
    uint64_t n = BS_ALERT_GROUPS_DEFAULT;
    if (p->t[T_MAX_GROUPS].set &&
        bs_rule_count(p, T_MAX_GROUPS, 1, BS_ALERT_GROUPS_MAX, &n) < 0)
        return -1;
    r->max_groups = (uint32_t)n;
    if ((uint64_t)r->max_groups * r->wmin > BS_ALERT_CELLS_MAX)
        return bs_rule_fail(p, p->t[T_MAX_GROUPS].set ? p->t[T_MAX_GROUPS].col
                                                      : p->t[T_WINDOW].col,
                            "max_groups x window minutes is over %d: "
                            "lower max_groups or the window",
                            BS_ALERT_CELLS_MAX);
    return 0;
}

static int bs_rule_name(struct bs_rule_parse *p)
{
    const struct bs_rule_tok *k = &p->t[T_NAME];
    if (!k->set)
        return 0;
    bool ok = k->value.len <= 64;
    for (size_t i = 0; ok && i < k->value.len; i++) {
        char c = k->value.ptr[i];
        ok = bs_is_digit(c) || (c >= 'a' && c <= 'z') ||
             (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c == '.';
    }
    if (!ok)
        return bs_rule_fail(p, k->vcol, "name: up to 64 letters, digits, "
                            "'_', '-' or '.'");
    p->r->name = bs_xstrndup(k->value.ptr, k->value.len);
    return 0;
}

/* Pass 3: the values, now that their units are known. */
static int bs_rule_values(struct bs_rule_parse *p)
{
    struct bs_alert_rule *r = p->r;
    static const enum bs_tok filters[BS_AF_KINDS] = {
        [BS_AF_PROVIDER] = T_PROVIDER, [BS_AF_SENDER] = T_SENDER,
        [BS_AF_CATEGORY] = T_CATEGORY, [BS_AF_DETAIL] = T_DETAIL,
        [BS_AF_DSN] = T_DSN,
    };
    for (int f = 0; f < BS_AF_KINDS; f++)
        if (p->t[filters[f]].set &&
            bs_rule_list(p, filters[f], &r->f[f]) < 0)
            return -1;
    r->window = 15 * 60;
    if (p->t[T_WINDOW].set &&
        bs_rule_duration(p, T_WINDOW, 60, BS_ALERT_WINDOW_MAX * 60,
                         &r->window) < 0)
        return -1;
    r->wmin = (uint32_t)(r->window / 60);
    r->min = bs_alert_measure_is_rate(r->measure) ? 1 : 0;
    if (p->t[T_MIN].set &&
        bs_rule_count(p, T_MIN, 0, UINT32_MAX, &r->min) < 0)
        return -1;
    if (r->spike ? bs_rule_spike(p) < 0
                 : bs_rule_value(p, (enum bs_tok)p->condition,
                                 &r->threshold) < 0)
        return -1;
    r->clear = -1;
    if (p->t[T_CLEAR].set) {
        if (bs_rule_value(p, T_CLEAR, &r->clear) < 0)
            return -1;
        if (r->clear <= 0)
            return bs_rule_fail(p, p->t[T_CLEAR].vcol, "clear<0 never "
                                "resolves");
        if (!r->spike && r->clear > r->threshold)
            return bs_rule_fail(p, p->t[T_CLEAR].vcol, "clear is above the "
                                "threshold: the alert would flap");
    }
    if (bs_rule_group(p) < 0 || bs_rule_name(p) < 0)
        return -1;
    return 0;
}

int bs_alert_rule_parse(struct bs_alert_rule *r, const char *text,
                        size_t len, const struct bs_alert_names *names,
                        struct bs_buf *err)
{
    struct bs_rule_parse p;
    memset(&p, 0, sizeof p);
    p.r = r;
    p.names = names;
    p.condition = -1;
    p.err = err;
    struct bs_buf norm;
    bs_buf_init(&norm);
    int rc = bs_rule_split(&p, text, len, &norm);
    if (rc == 0 && norm.len == 0)
        rc = bs_rule_fail(&p, 1, "empty rule");
    if (rc == 0)
        rc = bs_rule_measure(&p, len);
    if (rc == 0)
        rc = bs_rule_values(&p);
    if (rc == 0)
        r->text = bs_xstrndup(norm.data, norm.len);
    bs_buf_fini(&norm);
    return rc;
}

void bs_alert_rule_fini(struct bs_alert_rule *r)
{
    for (int f = 0; f < BS_AF_KINDS; f++)
        free(r->f[f].text);
    free(r->text);
    free(r->name);
}
