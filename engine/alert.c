/*
 * alert.c - sliding minute windows per rule and key, evaluation at minute
 * boundaries of log time, and the firing / resolved transitions
 *
 * Each key has a ring of window-minutes buckets (numerator, denominator)
 * and running sums over it; ring slot = minute mod window. The ring's
 * head is the newest minute it holds: moving the head forward clears the
 * slots of the minutes that fall out, so the sums are always the window
 * ending at head. Evaluating boundary T (minute b = T / 60) moves every
 * key's head to b - 1, so its sums are exactly [T - window, T).
 *
 * Semantics are in alert.h and doc/alerts.md. The set's clock only moves
 * forward; an observation older than the open minute still counts when
 * its minute is inside the window of the next evaluation, else it is
 * dropped and counted as late.
 */
#include "alert.h"

#include <stdlib.h>

struct bs_alert_set {
    struct bs_alert_names names;
    bs_alert_emit_fn *emit;
    void *ctx;
    struct bs_alert_rule *rules[BS_ALERT_MAX_RULES];
    size_t nrules;
    uint32_t max_wmin;
    int64_t renotify;
    int64_t minute; /* the open minute; INT64_MIN before any observation */
};

static int64_t bs_alert_minute(int64_t t)
{
    return t >= 0 ? t / 60 : (t - 59) / 60;
}

struct bs_alert_set *bs_alert_set_new(const struct bs_alert_names *names,
                                      bs_alert_emit_fn *emit, void *ctx)
{
    struct bs_alert_set *s = bs_xcalloc(1, sizeof *s);
    s->names = *names;
    s->emit = emit;
    s->ctx = ctx;
    s->minute = INT64_MIN;
    return s;
}

static void bs_alert_key_free(struct bs_alert_key *k)
{
    if (!k)
        return;
    free(k->ring);
    for (int i = 0; i < BS_ALERT_REASONS; i++)
        free(k->reasons[i].counts);
    free(k);
}

void bs_alert_set_free(struct bs_alert_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nrules; i++) {
        struct bs_alert_rule *r = s->rules[i];
        for (uint32_t k = 0; k < r->nkeys; k++)
            bs_alert_key_free(r->keys[k]);
        free(r->keys);
        free(r->slots);
        bs_alert_rule_fini(r);
        free(r);
    }
    free(s);
}

int bs_alert_set_add(struct bs_alert_set *s, const char *text, size_t len,
                     struct bs_buf *err)
{
    if (s->nrules == BS_ALERT_MAX_RULES) {
        bs_buf_printf(err, "column 1: more than %d rules",
                      BS_ALERT_MAX_RULES);
        return -1;
    }
    struct bs_alert_rule *r = bs_xcalloc(1, sizeof *r);
    if (bs_alert_rule_parse(r, text, len, &s->names, err) < 0) {
        bs_alert_rule_fini(r);
        free(r);
        return -1;
    }
    r->index = (int)s->nrules;
    r->keys = bs_xcalloc(r->max_groups, sizeof *r->keys);
    r->nslots = 4;
    while (r->nslots < 2 * r->max_groups)
        r->nslots *= 2;
    r->slots = bs_xcalloc(r->nslots, sizeof *r->slots);
    r->no_evict_until = INT64_MIN;
    if (r->wmin > s->max_wmin)
        s->max_wmin = r->wmin;
    s->rules[s->nrules++] = r;
    return r->index;
}

void bs_alert_set_renotify(struct bs_alert_set *s, int64_t seconds)
{
    s->renotify = seconds > 0 ? seconds : 0;
}

size_t bs_alert_set_count(const struct bs_alert_set *s)
{
    return s->nrules;
}

const struct bs_alert_rule *bs_alert_set_rule(const struct bs_alert_set *s,
                                              size_t i)
{
    return i < s->nrules ? s->rules[i] : NULL;
}

const struct bs_alert_names *bs_alert_set_names(const struct bs_alert_set *s)
{
    return &s->names;
}

uint32_t bs_alert_rule_firing(const struct bs_alert_rule *r)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < r->nkeys; i++)
        n += r->keys[i]->firing;
    return n;
}

uint64_t bs_alert_set_late(const struct bs_alert_set *s)
{
    uint64_t n = 0;
    for (size_t i = 0; i < s->nrules; i++)
        n += s->rules[i]->late;
    return n;
}

/* ---- keys: a small open-addressing index over the rule's keys ---- */

static uint32_t bs_alert_hash(const struct bs_alert_rule *r, uint32_t v)
{
    return (uint32_t)(((uint64_t)v * 0x9e3779b97f4a7c15ULL) >> 32) &
           (r->nslots - 1);
}

static struct bs_alert_key *bs_alert_key_find(const struct bs_alert_rule *r,
                                              uint32_t v)
{
    for (uint32_t i = bs_alert_hash(r, v); r->slots[i];
         i = (i + 1) & (r->nslots - 1))
        if (r->keys[r->slots[i] - 1]->value == v)
            return r->keys[r->slots[i] - 1];
    return NULL;
}

static void bs_alert_key_index(struct bs_alert_rule *r, uint32_t k)
{
    uint32_t i = bs_alert_hash(r, r->keys[k]->value);
    while (r->slots[i])
        i = (i + 1) & (r->nslots - 1);
    r->slots[i] = k + 1;
}

/* Removes a value from the index by backward-shift deletion. */
static void bs_alert_key_unindex(struct bs_alert_rule *r, uint32_t v)
{
    uint32_t mask = r->nslots - 1, i = bs_alert_hash(r, v);
    while (r->slots[i] && r->keys[r->slots[i] - 1]->value != v)
        i = (i + 1) & mask;
    if (!r->slots[i])
        return;
    for (uint32_t j = (i + 1) & mask; r->slots[j]; j = (j + 1) & mask) {
        uint32_t h = bs_alert_hash(r, r->keys[r->slots[j] - 1]->value);
        bool stays = i <= j ? (h > i && h <= j) : (h > i || h <= j);
        if (stays)
            continue;
        r->slots[i] = r->slots[j];
        i = j;
    }
    r->slots[i] = 0;
}

static void bs_alert_key_reset(const struct bs_alert_rule *r,
                               struct bs_alert_key *k, uint32_t value)
{
    memset(k->ring, 0, 2 * r->wmin * sizeof *k->ring);
    for (int i = 0; i < BS_ALERT_REASONS; i++) {
        struct bs_alert_reason *rs = &k->reasons[i];
        if (rs->counts)
            memset(rs->counts, 0, r->wmin * sizeof *rs->counts);
        rs->count = 0;
    }
    k->value = value;
    k->head = k->last_obs = INT64_MIN;
    k->num = k->den = 0;
    k->firing = false;
    k->since = k->last_note = 0;
    k->ewma = 0;
    k->folded = 0;
}

/* An idle quiet key (window empty at the open minute), least recently
 * observed first, or -1. */
static int64_t bs_alert_key_idle(const struct bs_alert_rule *r,
                                 int64_t minute)
{
    int64_t best = -1;
    for (uint32_t i = 0; i < r->nkeys; i++) {
        const struct bs_alert_key *k = r->keys[i];
        if (k->firing || k->last_obs > minute - (int64_t)r->wmin)
            continue;
        if (best < 0 || k->last_obs < r->keys[best]->last_obs)
            best = i;
    }
    return best;
}

static struct bs_alert_key *bs_alert_key_get(struct bs_alert_rule *r,
                                             uint32_t v, int64_t minute)
{
    struct bs_alert_key *k = bs_alert_key_find(r, v);
    if (k)
        return k;
    if (r->nkeys < r->max_groups) {
        k = bs_xcalloc(1, sizeof *k);
        k->ring = bs_xcalloc(2 * (size_t)r->wmin, sizeof *k->ring);
        r->keys[r->nkeys] = k;
        bs_alert_key_reset(r, k, v);
        bs_alert_key_index(r, r->nkeys++);
        return k;
    }
    int64_t i = minute >= r->no_evict_until ? bs_alert_key_idle(r, minute)
                                            : -1;
    if (i < 0) {
        r->no_evict_until = minute + 1;
        r->groups_refused++;
        return NULL;
    }
    k = r->keys[i];
    bs_alert_key_unindex(r, k->value);
    bs_alert_key_reset(r, k, v);
    bs_alert_key_index(r, (uint32_t)i);
    return k;
}

/* ---- windows ---- */

static uint32_t bs_alert_slot(const struct bs_alert_rule *r, int64_t minute)
{
    int64_t w = r->wmin;
    return (uint32_t)(((minute % w) + w) % w);
}

static void bs_alert_clear_slot(const struct bs_alert_rule *r,
                                struct bs_alert_key *k, uint32_t slot)
{
    k->num -= k->ring[2 * slot];
    k->den -= k->ring[2 * slot + 1];
    k->ring[2 * slot] = k->ring[2 * slot + 1] = 0;
    for (int i = 0; i < BS_ALERT_REASONS; i++) {
        struct bs_alert_reason *rs = &k->reasons[i];
        if (rs->counts) {
            rs->count -= rs->counts[slot];
            rs->counts[slot] = 0;
        }
    }
    (void)r;
}

/* Moves the ring's head forward to minute, emptying what falls out. */
static void bs_alert_key_move(const struct bs_alert_rule *r,
                              struct bs_alert_key *k, int64_t minute)
{
    if (k->head != INT64_MIN && minute <= k->head)
        return;
    if (k->head == INT64_MIN || minute - k->head >= (int64_t)r->wmin) {
        if (k->num || k->den)
            for (uint32_t s = 0; s < r->wmin; s++)
                bs_alert_clear_slot(r, k, s);
        k->head = minute;
        return;
    }
    for (int64_t m = k->head + 1; m <= minute; m++)
        bs_alert_clear_slot(r, k, bs_alert_slot(r, m));
    k->head = minute;
}

static bool bs_alert_in(const struct bs_alert_filter *f, uint32_t v)
{
    if (!f->n)
        return true;
    for (uint32_t i = 0; i < f->n; i++)
        if ((v & f->mask[i]) == f->v[i])
            return true;
    return false;
}

static void bs_alert_reason_note(const struct bs_alert_rule *r,
                                 struct bs_alert_key *k, uint32_t slot,
                                 const struct bs_alert_obs *o)
{
    struct bs_alert_reason *rs = NULL;
    for (int i = 0; i < BS_ALERT_REASONS && !rs; i++)
        if (k->reasons[i].count && k->reasons[i].category == o->category &&
            k->reasons[i].detail == o->detail)
            rs = &k->reasons[i];
    for (int i = 0; i < BS_ALERT_REASONS && !rs; i++)
        if (!k->reasons[i].count)
            rs = &k->reasons[i];
    if (!rs)
        return; /* more reasons than slots: counted in num only */
    if (!rs->counts)
        rs->counts = bs_xcalloc(r->wmin, sizeof *rs->counts);
    rs->counts[slot]++;
    rs->count++;
    rs->category = (uint16_t)o->category;
    rs->detail = o->detail;
    rs->provider = (uint16_t)o->provider;
    rs->sender = o->sender;
    rs->rcpt_domain = o->rcpt_domain;
    rs->dsn = o->dsn;
    rs->rule = o->rule;
    if (o->text.len) {
        rs->text_len = (uint16_t)BS_MIN(o->text.len, BS_ALERT_TEXT_MAX);
        memcpy(rs->text, o->text.ptr, rs->text_len);
    }
}

static void bs_alert_rule_observe(struct bs_alert_set *s,
                                  struct bs_alert_rule *r,
                                  const struct bs_alert_obs *o, int64_t m)
{
    if (!bs_alert_in(&r->f[BS_AF_PROVIDER], o->provider) ||
        !bs_alert_in(&r->f[BS_AF_SENDER], o->sender))
        return;
    bool deferral = o->what == BS_AW_DEFERRED;
    bool of_deferrals = r->measure == BS_AM_DEFERRAL_RATE ||
                        r->measure == BS_AM_DEFERRALS;
    if (deferral && !of_deferrals)
        return;
    bool hit = (of_deferrals ? deferral : o->what != BS_AW_SENT) &&
               bs_alert_in(&r->f[BS_AF_CATEGORY], o->category) &&
               bs_alert_in(&r->f[BS_AF_DETAIL], o->detail) &&
               bs_alert_in(&r->f[BS_AF_DSN], o->dsn);
    if (m + (int64_t)r->wmin <= s->minute) {
        r->late++;
        return;
    }
    uint32_t v = r->group == BS_AG_PROVIDER ? o->provider
                 : r->group == BS_AG_SENDER ? o->sender : 0;
    struct bs_alert_key *k = bs_alert_key_get(r, v, s->minute);
    if (!k)
        return;
    if (k->head == INT64_MIN || m > k->head)
        bs_alert_key_move(r, k, m);
    else if (m + (int64_t)r->wmin <= k->head) {
        r->late++;
        return;
    }
    uint32_t slot = bs_alert_slot(r, m);
    k->ring[2 * slot + 1]++;
    k->den++;
    if (hit) {
        k->ring[2 * slot]++;
        k->num++;
        bs_alert_reason_note(r, k, slot, o);
    }
    if (k->last_obs == INT64_MIN || m > k->last_obs)
        k->last_obs = m;
}

/* ---- evaluation ---- */

static void bs_alert_emit(struct bs_alert_set *s,
                          const struct bs_alert_rule *r,
                          const struct bs_alert_key *k,
                          enum bs_alert_state state, bool repeat,
                          int64_t at, double value, double level)
{
    struct bs_alert_note n = { r, k, state, repeat, at, k->since,
                               k->num, k->den, value, level,
                               r->spike ? k->ewma : 0 };
    if (s->emit)
        s->emit(s->ctx, &n);
}

static void bs_alert_judge(struct bs_alert_set *s,
                           const struct bs_alert_rule *r,
                           struct bs_alert_key *k, int64_t at)
{
    bool rate = bs_alert_measure_is_rate(r->measure);
    if (k->den < r->min || (rate && k->den == 0))
        return; /* too little volume: the state holds */
    if (r->spike && k->folded < r->warmup)
        return;
    double value = rate ? (double)k->num / (double)k->den : (double)k->num;
    double level = r->spike ? BS_MAX(r->factor * k->ewma, r->floor)
                            : r->threshold;
    if (!k->firing) {
        if (value > level) {
            k->firing = true;
            k->since = k->last_note = at;
            bs_alert_emit(s, r, k, BS_ALERT_FIRING, false, at, value, level);
        }
        return;
    }
    bool resolve = r->clear >= 0 ? value < r->clear : value <= 0.8 * level;
    if (resolve) {
        k->firing = false;
        bs_alert_emit(s, r, k, BS_ALERT_RESOLVED, false, at, value, level);
    } else if (s->renotify && at - k->last_note >= s->renotify) {
        k->last_note = at;
        bs_alert_emit(s, r, k, BS_ALERT_FIRING, true, at, value, level);
    }
}

/* Folds the window just ended into the key's baseline, unless the key
 * is firing: an outage does not become the new normal. */
static void bs_alert_fold(const struct bs_alert_rule *r,
                          struct bs_alert_key *k)
{
    if (k->firing || k->den == 0 || k->den < r->min)
        return; /* the baseline learns from quiet windows only */
    bool rate = bs_alert_measure_is_rate(r->measure);
    double v = rate ? (double)k->num / (double)k->den : (double)k->num;
    double alpha = (double)r->window / (double)r->baseline;
    k->ewma = k->folded ? k->ewma + BS_MIN(alpha, 1.0) * (v - k->ewma) : v;
    if (k->folded < UINT32_MAX)
        k->folded++;
}

static void bs_alert_boundary(struct bs_alert_set *s, int64_t b)
{
    int64_t at = b * 60;
    for (size_t i = 0; i < s->nrules; i++) {
        struct bs_alert_rule *r = s->rules[i];
        bool fold = r->spike && at % r->window == 0;
        for (uint32_t j = 0; j < r->nkeys; j++) {
            struct bs_alert_key *k = r->keys[j];
            if (k->head == INT64_MIN)
                continue;
            bs_alert_key_move(r, k, b - 1);
            bs_alert_judge(s, r, k, at);
            if (fold)
                bs_alert_fold(r, k);
        }
    }
}

/* Opens minute m, evaluating the boundaries up to it. Past the longest
 * window every window is empty and nothing can change, so those
 * boundaries are skipped. */
static void bs_alert_open(struct bs_alert_set *s, int64_t m)
{
    if (s->minute == INT64_MIN) {
        s->minute = m;
        return;
    }
    if (m <= s->minute)
        return;
    int64_t last = s->minute + (int64_t)s->max_wmin + 1;
    for (int64_t b = s->minute + 1; b <= m && b <= last; b++)
        bs_alert_boundary(s, b);
    s->minute = m;
}

void bs_alert_observe(struct bs_alert_set *s, const struct bs_alert_obs *o)
{
    int64_t m = bs_alert_minute(o->time);
    bs_alert_open(s, m);
    for (size_t i = 0; i < s->nrules; i++)
        bs_alert_rule_observe(s, s->rules[i], o, m);
}

void bs_alert_advance(struct bs_alert_set *s, int64_t time)
{
    if (s->minute != INT64_MIN)
        bs_alert_open(s, bs_alert_minute(time));
}

void bs_alert_flush(struct bs_alert_set *s)
{
    if (s->minute != INT64_MIN)
        bs_alert_open(s, s->minute + 1);
}
