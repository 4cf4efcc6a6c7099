/*
 * report_model.c - the numbers of the deliverability report (see
 * report_model.h)
 */
#include "report_model.h"

#include <stdio.h>
#include <stdlib.h>

void bs_report_options_default(struct bs_report_options *o)
{
    memset(o, 0, sizeof *o);
    o->format = BS_FORMAT_HTML;
    o->lang = BS_LANG_EN;
    o->min_volume = 100;
    o->top = 15;
}

const char *bs_rm_label(const struct bs_report_model *m, enum bs_label id)
{
    return bs_label(m->lang, id);
}

const char *bs_rm_dns_level_id(enum bs_report_dns_level l)
{
    static const char *const ids[] = { "ok", "info", "warn", "fail",
                                       "error" };
    return (unsigned)l < BS_ARRAY_LEN(ids) ? ids[l] : "error";
}

const char *bs_rm_dns_level(const struct bs_report_model *m,
                            enum bs_report_dns_level l)
{
    if ((unsigned)l > BS_REPORT_DNS_ERROR)
        l = BS_REPORT_DNS_ERROR;
    return bs_label(m->lang, (enum bs_label)(BS_L_DNS_LEVEL_OK + (int)l));
}

uint64_t bs_rm_failures(const struct bs_agg_counts *n)
{
    return n->bounced + n->expired;
}

static void bs_counts_add(struct bs_agg_counts *to,
                          const struct bs_agg_counts *n)
{
    to->sent += n->sent;
    to->bounced += n->bounced;
    to->expired += n->expired;
    to->deferred += n->deferred;
}

static int64_t bs_day_of(struct bs_engine *e, int64_t utc)
{
    int64_t t = bs_local_time(e, utc);
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

static int bs_slice_cmp(struct bs_slice a, struct bs_slice b)
{
    int c = memcmp(a.ptr, b.ptr, BS_MIN(a.len, b.len));
    return c ? c : (a.len > b.len) - (a.len < b.len);
}

static bool bs_is_failure(const struct bs_agg_cell *c)
{
    return c->key.category != BS_CAT_NONE;
}

static bool bs_is_auth(const struct bs_agg_cell *c)
{
    return c->key.category == BS_CAT_AUTHFAILURE;
}

/* Providers: most deliveries first, then most deferrals, then by id. */
static int bs_prov_cmp(const void *pa, const void *pb)
{
    const struct bs_rm_provider *a = pa, *b = pb;
    uint64_t x = a->n.sent + a->n.bounced + a->n.expired;
    uint64_t y = b->n.sent + b->n.bounced + b->n.expired;
    if (x != y)
        return x > y ? -1 : 1;
    if (a->n.deferred != b->n.deferred)
        return a->n.deferred > b->n.deferred ? -1 : 1;
    return strcmp(a->name, b->name);
}

static void bs_rm_period_bounds(struct bs_report_model *m)
{
    struct bs_engine *e = m->e;
    m->since = 1;
    m->until = 0;
    if (e->opts.window) {
        m->since = e->opts.since;
        m->until = e->opts.until;
    } else if (e->window.loaded_since <= e->window.loaded_until) {
        m->since = e->window.loaded_since;
        m->until = e->window.loaded_until;
    }
    m->first_log = e->first_time;
    m->last_log = e->last_time;
    /* An open end (--since alone, --until alone) ends with the data. */
    bool data = m->first_log <= m->last_log;
    if (m->since <= m->until && m->since == INT64_MIN)
        m->since = data ? m->first_log : m->until;
    if (m->since <= m->until && m->until == INT64_MAX)
        m->until = data && m->last_log < INT64_MAX ? m->last_log + 1
                                                   : m->since;
    if (m->since > m->until || (m->since == m->until && !data)) {
        m->since = 1; /* no period: the data's dates */
        m->until = 0;
    }
}

/* Totals and providers: the first pass over the cells. */
static void bs_rm_providers(struct bs_report_model *m, int64_t *lo,
                            int64_t *hi)
{
    struct bs_engine *e = m->e;
    struct bs_agg_counts per[BS_PROVIDER_MAX];
    memset(per, 0, sizeof per);
    size_t n;
    const struct bs_agg_cell *c = bs_agg_cells(e->agg, &n);
    for (size_t i = 0; i < n; i++) {
        bs_counts_add(&m->total, &c[i].n);
        bs_counts_add(&per[c[i].key.provider % BS_PROVIDER_MAX], &c[i].n);
        int64_t d = bs_local_day(e, c[i].key.hour);
        *lo = BS_MIN(*lo, d);
        *hi = BS_MAX(*hi, d);
    }
    for (unsigned p = 0; p < BS_PROVIDER_MAX; p++) {
        const struct bs_agg_counts *x = &per[p];
        uint64_t pending = e->out.pending_by_provider[p];
        if (!x->sent && !x->bounced && !x->expired && !x->deferred &&
            !pending)
            continue;
        m->prov[m->nprov++] = (struct bs_rm_provider){
            (uint16_t)p, bs_provider_name(e->providers, p), *x, pending
        };
    }
    qsort(m->prov, m->nprov, sizeof *m->prov, bs_prov_cmp);
    while (m->nseries < m->nprov && m->nseries < BS_RM_MAX_SERIES &&
           m->prov[m->nseries].n.sent + bs_rm_failures(&m->prov[m->nseries].n))
        m->nseries++;
}

static void bs_rm_days(struct bs_report_model *m, int64_t lo, int64_t hi)
{
    if (m->since <= m->until) {
        lo = bs_day_of(m->e, m->since);
        hi = bs_day_of(m->e, m->until > m->since ? m->until - 1 : m->since);
    }
    if (lo > hi)
        return;
    uint64_t span = (uint64_t)(hi - lo) + 1;
    if (span > BS_RM_MAX_DAYS) {
        m->days_cut = (size_t)(span - BS_RM_MAX_DAYS);
        lo = hi - BS_RM_MAX_DAYS + 1;
        span = BS_RM_MAX_DAYS;
    }
    m->day0 = lo;
    m->ndays = (size_t)span;
}

/* Per day, per provider and per category: the second pass. */
static void bs_rm_cells(struct bs_report_model *m)
{
    struct bs_engine *e = m->e;
    size_t np = m->nprov ? m->nprov : 1;
    int index[BS_PROVIDER_MAX];
    for (size_t p = 0; p < BS_PROVIDER_MAX; p++)
        index[p] = -1;
    for (size_t p = 0; p < m->nprov; p++)
        index[m->prov[p].id] = (int)p;
    m->daily = bs_xcalloc(m->ndays ? m->ndays : 1, sizeof *m->daily);
    m->daily_prov = bs_xcalloc((m->ndays ? m->ndays : 1) * np,
                               sizeof *m->daily_prov);
    m->cat_prov = bs_xcalloc(np * (BS_CAT_COUNT + 1), sizeof *m->cat_prov);
    size_t n;
    const struct bs_agg_cell *c = bs_agg_cells(e->agg, &n);
    for (size_t i = 0; i < n; i++) {
        int p = index[c[i].key.provider % BS_PROVIDER_MAX];
        uint64_t f = bs_rm_failures(&c[i].n);
        unsigned cat = c[i].key.category < BS_CAT_COUNT ? c[i].key.category
                                                        : BS_CAT_UNDEFINED;
        m->cat_total[cat] += f;
        if (p >= 0)
            m->cat_prov[(size_t)p * (BS_CAT_COUNT + 1) + cat] += f;
        int64_t d = bs_local_day(e, c[i].key.hour) - m->day0;
        if (d < 0 || (uint64_t)d >= m->ndays)
            continue;
        bs_counts_add(&m->daily[d], &c[i].n);
        if (p >= 0)
            bs_counts_add(&m->daily_prov[(size_t)d * np + (size_t)p],
                          &c[i].n);
    }
}

/* The categories drawn: the most failures first; past BS_RM_MAX_CATS the
 * rest share one "other categories" slot. */
static void bs_rm_categories(struct bs_report_model *m)
{
    unsigned order[BS_CAT_COUNT];
    size_t n = 0;
    for (unsigned c = 1; c < BS_CAT_COUNT; c++)
        if (m->cat_total[c])
            order[n++] = c;
    for (size_t i = 1; i < n; i++) /* insertion sort: 33 at most */
        for (size_t j = i; j > 0 && m->cat_total[order[j]] >
                                        m->cat_total[order[j - 1]]; j--) {
            unsigned t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    size_t keep = n <= BS_RM_MAX_CATS ? n : BS_RM_MAX_CATS - 1;
    for (size_t i = 0; i < keep; i++)
        m->cats[m->ncats++] = order[i];
    if (n > keep)
        m->cats[m->ncats++] = BS_RM_OTHER_CATS;
}

static double bs_rate_of(const struct bs_agg_counts *n)
{
    uint64_t den;
    return bs_failure_rate(n, &den);
}

/* qsort has no context: the rows to rank carry their counts. */
struct bs_rate_ref {
    size_t row;
    struct bs_agg_counts n;
};

static int bs_rate_cmp(const void *pa, const void *pb)
{
    const struct bs_rate_ref *a = pa, *b = pb;
    double x = bs_rate_of(&a->n), y = bs_rate_of(&b->n);
    if (x != y)
        return x > y ? -1 : 1;
    uint64_t f = bs_rm_failures(&a->n), g = bs_rm_failures(&b->n);
    if (f != g)
        return f > g ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

static void bs_rm_senders(struct bs_report_model *m)
{
    enum bs_key_kind k = BS_KEY_SENDER_DOMAIN;
    bs_rollup_build(&m->senders, m->e, &k, 1, NULL);
    bs_rollup_sort_by_failures(&m->senders);
    struct bs_rate_ref *refs = bs_xcalloc(m->senders.nrows + 1,
                                          sizeof *refs);
    size_t n = 0;
    for (size_t i = 0; i < m->senders.nrows; i++) {
        const struct bs_agg_counts *c = &m->senders.rows[i].n;
        uint64_t den = c->sent + c->bounced + c->expired;
        if (den >= m->o->min_volume && bs_rm_failures(c))
            refs[n++] = (struct bs_rate_ref){ i, *c };
    }
    qsort(refs, n, sizeof *refs, bs_rate_cmp);
    m->by_rate = bs_xcalloc(n + 1, sizeof *m->by_rate);
    for (size_t i = 0; i < n; i++)
        m->by_rate[i] = refs[i].row;
    m->nby_rate = n;
    free(refs);
}

static void bs_rm_reasons(struct bs_report_model *m)
{
    enum bs_key_kind k[2] = { BS_KEY_CATEGORY, BS_KEY_DETAIL };
    bs_rollup_build(&m->reasons, m->e, k, 2, bs_is_failure);
    bs_rollup_sort_by_failures(&m->reasons);
    enum bs_key_kind a[3] = { BS_KEY_SENDER_DOMAIN, BS_KEY_DETAIL,
                              BS_KEY_PROVIDER };
    bs_rollup_build(&m->auth, m->e, a, 3, bs_is_auth);
    bs_rollup_sort_by_failures(&m->auth);
}

/* The comparison: totals, then every provider of either period. */
static void bs_rm_compare(struct bs_report_model *m)
{
    struct bs_engine *p = m->o->previous;
    if (!p)
        return;
    m->have_prev = true;
    m->cmp = bs_xcalloc(1 + 2 * BS_PROVIDER_MAX, sizeof *m->cmp);
    m->cmp[0].now = m->total;
    m->ncmp = 1;
    for (size_t i = 0; i < m->nprov; i++)
        m->cmp[m->ncmp++] = (struct bs_rm_compare){ m->prov[i].name,
                                                    m->prov[i].n,
                                                    { 0, 0, 0, 0 } };
    size_t n;
    const struct bs_agg_cell *c = bs_agg_cells(p->agg, &n);
    for (size_t i = 0; i < n; i++) {
        const char *name = bs_provider_name(p->providers, c[i].key.provider);
        bs_counts_add(&m->cmp[0].prev, &c[i].n);
        unsigned cat = c[i].key.category < BS_CAT_COUNT ? c[i].key.category
                                                        : BS_CAT_UNDEFINED;
        m->cat_prev[cat] += bs_rm_failures(&c[i].n);
        size_t j = 1;
        while (j < m->ncmp && strcmp(m->cmp[j].name, name) != 0)
            j++;
        if (j == m->ncmp) {
            if (m->ncmp == 1 + 2 * BS_PROVIDER_MAX)
                continue;
            m->cmp[m->ncmp++] = (struct bs_rm_compare){
                name, { 0, 0, 0, 0 }, { 0, 0, 0, 0 } };
        }
        bs_counts_add(&m->cmp[j].prev, &c[i].n);
    }
}

void bs_rm_build(struct bs_report_model *m, struct bs_engine *e,
                 const struct bs_report_options *o)
{
    memset(m, 0, sizeof *m);
    m->e = e;
    m->o = o;
    m->lang = o->lang;
    m->outside = e->window.outside;
    bs_rm_period_bounds(m);
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    bs_rm_providers(m, &lo, &hi);
    bs_rm_days(m, lo, hi);
    bs_rm_cells(m);
    bs_rm_categories(m);
    bs_rm_senders(m);
    bs_rm_reasons(m);
    bs_rm_compare(m);
}

void bs_rm_fini(struct bs_report_model *m)
{
    free(m->daily);
    free(m->daily_prov);
    free(m->cat_prov);
    free(m->by_rate);
    free(m->cmp);
    bs_rollup_fini(&m->senders);
    bs_rollup_fini(&m->reasons);
    bs_rollup_fini(&m->auth);
}

const struct bs_agg_counts *bs_rm_day_prov(const struct bs_report_model *m,
                                           size_t d, size_t p)
{
    return &m->daily_prov[d * (m->nprov ? m->nprov : 1) + p];
}

uint64_t bs_rm_cat_prov(const struct bs_report_model *m, size_t p,
                        unsigned c)
{
    const uint64_t *row = &m->cat_prov[p * (BS_CAT_COUNT + 1)];
    if (c != BS_RM_OTHER_CATS)
        return row[c];
    uint64_t sum = 0;
    for (unsigned k = 1; k < BS_CAT_COUNT; k++) {
        bool drawn = false;
        for (size_t i = 0; i < m->ncats; i++)
            drawn |= m->cats[i] == k;
        if (!drawn)
            sum += row[k];
    }
    return sum;
}

const char *bs_rm_cat_name(const struct bs_report_model *m, unsigned c)
{
    return c == BS_RM_OTHER_CATS ? bs_rm_label(m, BS_L_OTHER_CATEGORIES)
                                 : bs_category_name(c);
}

void bs_rm_day_label(const struct bs_report_model *m, size_t d,
                     char out[32])
{
    bs_local_format((m->day0 + (int64_t)d) * 86400, false, out);
}

void bs_rm_pct(struct bs_buf *b, const struct bs_agg_counts *n)
{
    uint64_t den;
    double rate = bs_failure_rate(n, &den);
    if (den)
        bs_buf_printf(b, "%.2f%%", rate * 100.0);
    else
        bs_buf_puts(b, "-");
}

void bs_rm_rate(const struct bs_report_model *m, struct bs_buf *b,
                const struct bs_agg_counts *n)
{
    uint64_t den = n->sent + n->bounced + n->expired;
    bs_rm_pct(b, n);
    if (!den)
        return;
    bs_buf_puts(b, bs_rm_label(m, BS_L_RATE_OF_PRE));
    bs_buf_grouped(b, den);
    bs_buf_puts(b, bs_rm_label(m, BS_L_RATE_OF_POST));
}

void bs_rm_period(struct bs_report_model *m, struct bs_buf *b)
{
    int64_t a = m->since, z = m->until;
    if (a > z) {
        if (m->first_log > m->last_log)
            return;
        a = m->first_log;
        z = m->last_log;
    }
    char x[32], y[32];
    bs_local_format(bs_local_time(m->e, a), true, x);
    bs_local_format(bs_local_time(m->e, z), true, y);
    bs_buf_printf(b, "%s%s%s", x, m->lang == BS_LANG_JA ? " 〜 " : " to ",
                  y);
}

void bs_rm_zone(struct bs_report_model *m, struct bs_buf *b)
{
    int64_t a = m->since <= m->until ? m->since : m->first_log;
    int64_t z = m->since <= m->until ? m->until - 1 : m->last_log;
    if (a > z)
        a = z = 0;
    char x[8], y[8];
    int32_t oa = bs_local_offset(m->e, a), oz = bs_local_offset(m->e, z);
    bs_offset_format(oa, x);
    bs_offset_format(oz, y);
    if (m->o->tz_name && *m->o->tz_name)
        bs_buf_printf(b, "%s (UTC%s", m->o->tz_name, x);
    else
        bs_buf_printf(b, "UTC%s", m->e->opts.tz_offset ? x : "");
    if (oa != oz)
        bs_buf_printf(b, " / %s", y);
    if (m->o->tz_name && *m->o->tz_name)
        bs_buf_putc(b, ')');
}

void bs_rm_hint(const struct bs_report_model *m, const struct bs_sample *s,
                uint32_t sender, struct bs_buf *b)
{
    struct bs_engine *e = m->e;
    bool ja = m->lang == BS_LANG_JA;
    if (!sender || sender == s->sender) {
        bs_engine_sample_hint(e, s, ja, b);
        return;
    }
    struct bs_hint_fields f = {
        bs_intern_str(e->strings, sender).ptr, NULL,
        bs_provider_name(e->providers, s->provider),
    };
    if (sender == e->id_null_sender || sender == e->id_unknown_sender)
        f.sender_domain = NULL;
    bs_classifier_render_hint(e->classifier, s->rule, ja,
                              bs_slice_make("", 0), &f, b);
}

const struct bs_sample *bs_rm_reason_sample(const struct bs_report_model *m,
                                            size_t i)
{
    const struct bs_agg_key *k = &m->reasons.rows[i].first;
    return bs_samples_find(m->e->samples, k->category, k->detail);
}

const struct bs_sample *bs_rm_auth_sample(const struct bs_report_model *m,
                                          size_t i)
{
    const struct bs_agg_key *k = &m->auth.rows[i].first;
    const struct bs_sample *own = bs_samples_find_sender(
        m->e->samples, k->provider, BS_CAT_AUTHFAILURE, k->detail, k->sender);
    if (own)
        return own;
    size_t n;
    const struct bs_sample *s = bs_samples_all(m->e->samples, &n), *best = NULL;
    for (size_t j = 0; j < n; j++) {
        if (!s[j].text || s[j].category != BS_CAT_AUTHFAILURE ||
            s[j].detail != k->detail || s[j].provider != k->provider)
            continue;
        /* the earliest, then the smallest text: not the store's order,
         * which depends on the order of the input */
        if (best && (s[j].time > best->time ||
                     (s[j].time == best->time &&
                      bs_slice_cmp(bs_samples_text(m->e->samples, s[j].text),
                                   bs_samples_text(m->e->samples,
                                                   best->text)) >= 0)))
            continue;
        best = &s[j];
    }
    return best ? best
                : bs_samples_find(m->e->samples, BS_CAT_AUTHFAILURE,
                                  k->detail);
}
