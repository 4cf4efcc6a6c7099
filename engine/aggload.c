/*
 * aggload.c - bs_engine_load: a saved aggregate added into an engine
 *
 * DESIGN. The file is read in one pass with the pull reader (jsonr.h)
 * into a light engine of its own ("next": strings, cells, samples, open
 * messages, held lines and counters, but no parsers and no rules), which
 * is then handed to bs_engine_merge(). So a loaded file adds up exactly as
 * an engine over the same input would, and nothing reaches e unless the
 * whole file was read: any error leaves e as it was.
 *
 * Robustness: every index is checked against the strings table, every
 * name against the engine's providers and categories, numbers against the
 * range of the field they fill; the reader bounds depth and string length;
 * memory grows only with what the file holds. Errors name the file and
 * the byte offset of the token at fault: "month.json: byte 1234: ...".
 */
#include "aggfile.h"
#include "jsonr.h"

#include "engine_impl.h"

#include <stdio.h>
#include <stdlib.h>

struct bs_loader {
    struct bs_engine *e;
    struct bs_engine *next;
    struct bs_jsonr r;
    uint32_t *sid;  /* file string index -> next->strings id */
    int16_t *prov;  /* file string index -> provider, -1 unknown, -2 unset */
    int16_t *cat;   /* the same for categories */
    size_t nsid, capsid;
    bool have_strings;
    struct bs_intern *rule_ids; /* e's rule ids: id - 1 = rule index */
    int unknown_rules;
    bool have_window;
    int64_t since, until;
    struct bs_window_stats outside;
    const struct bs_aggfile_member *extra; /* or NULL */
    bool extra_seen;
};

static int bs_ld_fail(struct bs_loader *L, size_t off, const char *msg)
{
    bs_jsonr_fail(&L->r, off, msg);
    return -1;
}

static int bs_ld_expect(struct bs_loader *L, enum bs_jtok want,
                        const char *what)
{
    enum bs_jtok t = bs_jsonr_next(&L->r);
    if (t == BS_JT_ERROR)
        return -1;
    return t == want ? 0 : bs_ld_fail(L, L->r.tok_off, what);
}

static int bs_ld_u64(struct bs_loader *L, uint64_t *v)
{
    if (bs_ld_expect(L, BS_JT_NUMBER, "expected a number") < 0)
        return -1;
    if (bs_jsonr_uint64(&L->r, v) < 0)
        return bs_ld_fail(L, L->r.tok_off,
                          "expected a non-negative integer");
    return 0;
}

static int bs_ld_i64(struct bs_loader *L, int64_t *v)
{
    if (bs_ld_expect(L, BS_JT_NUMBER, "expected a number") < 0)
        return -1;
    if (bs_jsonr_int64(&L->r, v) < 0)
        return bs_ld_fail(L, L->r.tok_off, "expected an integer");
    return 0;
}

static int bs_ld_str(struct bs_loader *L)
{
    return bs_ld_expect(L, BS_JT_STRING, "expected a string");
}

/* A string field: an index into "strings". */
static int bs_ld_index(struct bs_loader *L, size_t *i)
{
    uint64_t v;
    if (bs_ld_u64(L, &v) < 0)
        return -1;
    if (v >= L->nsid)
        return bs_ld_fail(L, L->r.tok_off, "string index out of range");
    *i = (size_t)v;
    return 0;
}

static int bs_ld_string_id(struct bs_loader *L, uint32_t *id)
{
    size_t i;
    if (bs_ld_index(L, &i) < 0)
        return -1;
    *id = L->sid[i];
    return 0;
}

static struct bs_slice bs_ld_text(struct bs_loader *L, size_t i)
{
    return bs_intern_str(L->next->strings, L->sid[i]);
}

static int bs_ld_provider(struct bs_loader *L, uint16_t *out)
{
    size_t i;
    if (bs_ld_index(L, &i) < 0)
        return -1;
    if (L->prov[i] == -2)
        L->prov[i] = (int16_t)bs_provider_find(L->e->providers,
                                               bs_ld_text(L, i));
    if (L->prov[i] < 0)
        return bs_ld_fail(L, L->r.tok_off, "unknown provider");
    *out = (uint16_t)L->prov[i];
    return 0;
}

static int bs_ld_category(struct bs_loader *L, uint16_t *out)
{
    size_t i;
    if (bs_ld_index(L, &i) < 0)
        return -1;
    if (L->cat[i] == -2) {
        struct bs_slice t = bs_ld_text(L, i);
        L->cat[i] = (int16_t)(t.len ? bs_category_find(t) : BS_CAT_NONE);
    }
    if (L->cat[i] < 0)
        return bs_ld_fail(L, L->r.tok_off, "unknown category");
    *out = (uint16_t)L->cat[i];
    return 0;
}

static int bs_ld_dsn(struct bs_loader *L, uint32_t *out)
{
    size_t i;
    if (bs_ld_index(L, &i) < 0)
        return -1;
    struct bs_slice t = bs_ld_text(L, i);
    *out = bs_dsn_pack(t);
    if (t.len && !*out)
        return bs_ld_fail(L, L->r.tok_off, "bad status code");
    return 0;
}

static int bs_ld_severity(struct bs_loader *L, uint8_t *out)
{
    size_t i;
    if (bs_ld_index(L, &i) < 0)
        return -1;
    struct bs_slice t = bs_ld_text(L, i);
    if (BS_SLICE_EQ(t, "hard"))
        *out = BS_SEV_HARD;
    else if (BS_SLICE_EQ(t, "soft"))
        *out = BS_SEV_SOFT;
    else if (!t.len)
        *out = BS_SEV_NONE;
    else
        return bs_ld_fail(L, L->r.tok_off, "unknown severity");
    return 0;
}

/* A rule id string: its index in e, or -1 ("" or a rule e lacks). */
static int bs_ld_rule(struct bs_loader *L, int32_t *rule)
{
    if (bs_ld_str(L) < 0)
        return -1;
    *rule = -1;
    if (!L->r.str.len)
        return 0;
    uint32_t id = bs_intern_find(L->rule_ids, L->r.str.data, L->r.str.len);
    if (id == UINT32_MAX || id == BS_INTERN_OVERFLOW)
        L->unknown_rules++;
    else
        *rule = (int32_t)(id - 1);
    return 0;
}

static int bs_ld_hash(struct bs_loader *L, uint64_t *out)
{
    if (bs_ld_str(L) < 0)
        return -1;
    const char *p = L->r.str.data;
    if (L->r.str.len != 16)
        return bs_ld_fail(L, L->r.tok_off, "expected 16 hex digits");
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                       : -1;
        if (d < 0)
            return bs_ld_fail(L, L->r.tok_off, "expected 16 hex digits");
        v = v << 4 | (uint64_t)d;
    }
    *out = v;
    return 0;
}

/* "[" of an element of an array of arrays; 1 at the end of the array. */
static int bs_ld_row(struct bs_loader *L)
{
    enum bs_jtok t = bs_jsonr_next(&L->r);
    if (t == BS_JT_ARRAY_END)
        return 1;
    if (t == BS_JT_ERROR)
        return -1;
    return t == BS_JT_ARRAY ? 0 : bs_ld_fail(L, L->r.tok_off,
                                             "expected an array");
}

static int bs_ld_row_end(struct bs_loader *L)
{
    return bs_ld_expect(L, BS_JT_ARRAY_END, "too many fields");
}

static int bs_ld_strings(struct bs_loader *L)
{
    if (L->have_strings)
        return bs_ld_fail(L, L->r.tok_off, "\"strings\" given twice");
    if (bs_ld_expect(L, BS_JT_ARRAY, "expected an array") < 0)
        return -1;
    L->have_strings = true;
    for (;;) {
        enum bs_jtok t = bs_jsonr_next(&L->r);
        if (t == BS_JT_ARRAY_END)
            return 0;
        if (t != BS_JT_STRING)
            return t == BS_JT_ERROR ? -1 : bs_ld_fail(L, L->r.tok_off,
                                                      "expected a string");
        if (L->nsid == L->capsid) {
            L->capsid = L->capsid ? L->capsid * 2 : 256;
            L->sid = bs_xreallocarray(L->sid, L->capsid, sizeof *L->sid);
            L->prov = bs_xreallocarray(L->prov, L->capsid, sizeof *L->prov);
            L->cat = bs_xreallocarray(L->cat, L->capsid, sizeof *L->cat);
        }
        L->sid[L->nsid] = bs_intern(L->next->strings, L->r.str.data,
                                    L->r.str.len);
        L->prov[L->nsid] = L->cat[L->nsid] = -2;
        L->nsid++;
    }
}

static int bs_ld_cell(struct bs_loader *L)
{
    struct bs_agg_key k;
    struct bs_agg_counts n;
    int64_t hour;
    memset(&k, 0, sizeof k);
    if (bs_ld_i64(L, &hour) < 0)
        return -1;
    if (hour < INT32_MIN || hour > INT32_MAX)
        return bs_ld_fail(L, L->r.tok_off, "hour out of range");
    k.hour = (int32_t)hour;
    if (bs_ld_provider(L, &k.provider) < 0 ||
        bs_ld_string_id(L, &k.sender) < 0 ||
        bs_ld_string_id(L, &k.rcpt_domain) < 0 ||
        bs_ld_category(L, &k.category) < 0 ||
        bs_ld_string_id(L, &k.detail) < 0 || bs_ld_dsn(L, &k.dsn) < 0 ||
        bs_ld_severity(L, &k.severity) < 0 || bs_ld_u64(L, &n.sent) < 0 ||
        bs_ld_u64(L, &n.bounced) < 0 || bs_ld_u64(L, &n.expired) < 0 ||
        bs_ld_u64(L, &n.deferred) < 0 || bs_ld_row_end(L) < 0)
        return -1;
    if (!bs_window_admits_hour(L->e, k.hour)) {
        L->outside.cells_outside++;
        L->outside.sent += n.sent;
        L->outside.bounced += n.bounced;
        L->outside.expired += n.expired;
        L->outside.deferred += n.deferred;
        return 0;
    }
    struct bs_agg_counts *to = bs_agg_cell(L->next->agg, &k);
    to->sent += n.sent;
    to->bounced += n.bounced;
    to->expired += n.expired;
    to->deferred += n.deferred;
    return 0;
}

static int bs_ld_sample(struct bs_loader *L)
{
    struct bs_sample s;
    memset(&s, 0, sizeof s);
    int32_t rule;
    if (bs_ld_provider(L, &s.provider) < 0 ||
        bs_ld_category(L, &s.category) < 0 ||
        bs_ld_string_id(L, &s.detail) < 0 ||
        bs_ld_string_id(L, &s.sender) < 0 ||
        bs_ld_string_id(L, &s.rcpt_domain) < 0 || bs_ld_rule(L, &rule) < 0 ||
        bs_ld_i64(L, &s.time) < 0 || bs_ld_str(L) < 0)
        return -1;
    s.rule = rule;
    if (bs_window_admits(L->e, s.time))
        bs_samples_keep(L->next->samples, &s,
                        bs_slice_make(L->r.str.data, L->r.str.len));
    return bs_ld_row_end(L);
}

static int bs_ld_unexplained(struct bs_loader *L)
{
    uint16_t cat;
    uint64_t count;
    int64_t time;
    if (bs_ld_category(L, &cat) < 0 || bs_ld_u64(L, &count) < 0 ||
        bs_ld_i64(L, &time) < 0 || bs_ld_str(L) < 0)
        return -1;
    char form[BS_FORM_MAX];
    size_t n = BS_MIN(L->r.str.len, sizeof form);
    memcpy(form, L->r.str.data, n);
    if (bs_ld_str(L) < 0)
        return -1;
    if (bs_window_admits(L->e, time) && count)
        bs_samples_add_unexplained(
            L->next->samples, cat, bs_slice_make(form, n),
            bs_slice_make(L->r.str.data, L->r.str.len), time, count);
    return bs_ld_row_end(L);
}

static int bs_ld_pending(struct bs_loader *L, struct bs_message *m)
{
    struct bs_pending p;
    memset(&p, 0, sizeof p);
    if (bs_ld_hash(L, &p.rcpt_hash) < 0 ||
        bs_ld_string_id(L, &p.rcpt_domain) < 0 ||
        bs_ld_string_id(L, &p.detail) < 0 ||
        bs_ld_provider(L, &p.provider) < 0 ||
        bs_ld_category(L, &p.category) < 0 || bs_ld_dsn(L, &p.dsn) < 0 ||
        bs_ld_str(L) < 0)
        return -1;
    p.sample = bs_samples_add_text(
        L->next->samples, bs_slice_make(L->r.str.data, L->r.str.len));
    if (bs_ld_rule(L, &p.rule) < 0 || bs_ld_row_end(L) < 0)
        return -1;
    *bs_message_add_pending(m, p.rcpt_hash) = p;
    return 0;
}

static int bs_ld_message(struct bs_loader *L, struct bs_correlator *table)
{
    if (bs_ld_str(L) < 0)
        return -1;
    size_t off = L->r.tok_off;
    char key[BS_QUEUE_ID_MAX + 1];
    size_t klen = L->r.str.len;
    if (!klen || klen > BS_QUEUE_ID_MAX)
        return bs_ld_fail(L, off, "bad message key");
    memcpy(key, L->r.str.data, klen);
    uint64_t known, link, rcpt_hash;
    uint32_t sender, rcpt_domain;
    int64_t last_time;
    if (bs_ld_u64(L, &known) < 0 || bs_ld_string_id(L, &sender) < 0 ||
        bs_ld_i64(L, &last_time) < 0 || bs_ld_u64(L, &link) < 0 ||
        bs_ld_hash(L, &rcpt_hash) < 0 ||
        bs_ld_string_id(L, &rcpt_domain) < 0 ||
        bs_ld_expect(L, BS_JT_ARRAY, "expected an array") < 0)
        return -1;
    struct bs_message *m = bs_correlator_upsert(
        table, bs_slice_make(key, klen), last_time, bs_track_on_evict,
        L->next);
    if (!m)
        return bs_ld_fail(L, off, "bad message key");
    if (m->sender_known || m->npending)
        return bs_ld_fail(L, off, "message given twice");
    m->sender_known = known != 0;
    m->sender = sender;
    m->last_time = last_time;
    m->link = link;
    m->rcpt_hash = rcpt_hash;
    m->rcpt_domain = rcpt_domain;
    for (;;) {
        int rc = bs_ld_row(L);
        if (rc)
            return rc < 0 ? -1 : bs_ld_row_end(L);
        /* m stays valid: pending lists do not move table slots */
        if (bs_ld_pending(L, m) < 0)
            return -1;
    }
}

static int bs_ld_held(struct bs_loader *L)
{
    int64_t t;
    if (bs_ld_i64(L, &t) < 0 || bs_ld_str(L) < 0)
        return -1;
    size_t n = L->r.str.len;
    if (n > L->e->opts.max_line || n > UINT32_MAX)
        return bs_ld_fail(L, L->r.tok_off, "held line too long");
    if (!bs_window_admits(L->e, t)) {
        L->outside.lines_outside++;
        return bs_ld_row_end(L);
    }
    uint32_t len = (uint32_t)n;
    bs_buf_append(&L->next->held, &t, sizeof t);
    bs_buf_append(&L->next->held, &len, sizeof len);
    bs_buf_append(&L->next->held, L->r.str.data, n);
    return bs_ld_row_end(L);
}

/* An array of arrays, one element at a time through fn. */
static int bs_ld_rows(struct bs_loader *L, int (*fn)(struct bs_loader *))
{
    if (!L->have_strings)
        return bs_ld_fail(L, L->r.tok_off,
                          "\"strings\" must come before this member");
    if (bs_ld_expect(L, BS_JT_ARRAY, "expected an array") < 0)
        return -1;
    for (;;) {
        int rc = bs_ld_row(L);
        if (rc)
            return rc < 0 ? -1 : 0;
        if (fn(L) < 0)
            return -1;
    }
}

static int bs_ld_messages(struct bs_loader *L)
{
    return bs_ld_message(L, L->next->correlator);
}

static int bs_ld_deliveries(struct bs_loader *L)
{
    return bs_ld_message(L, L->next->deliveries);
}

struct bs_ld_counter {
    const char *name;
    uint64_t *dst;
};

/* An object of counters; unknown members are skipped (a later version
 * may add some without changing the format version). */
static int bs_ld_counters(struct bs_loader *L,
                          const struct bs_ld_counter *c, size_t n)
{
    if (bs_ld_expect(L, BS_JT_OBJECT, "expected an object") < 0)
        return -1;
    for (;;) {
        enum bs_jtok t = bs_jsonr_next(&L->r);
        if (t == BS_JT_OBJECT_END)
            return 0;
        if (t != BS_JT_KEY)
            return -1;
        size_t i = 0;
        while (i < n && !(strlen(c[i].name) == L->r.str.len &&
                          memcmp(c[i].name, L->r.str.data,
                                 L->r.str.len) == 0))
            i++;
        if (i < n) {
            if (bs_ld_u64(L, c[i].dst) < 0)
                return -1;
        } else if (bs_jsonr_skip(&L->r, bs_jsonr_next(&L->r)) < 0) {
            return -1;
        }
    }
}

static int bs_ld_input(struct bs_loader *L)
{
    struct bs_line_stats *s = &L->next->stats;
    const struct bs_ld_counter c[] = {
        { "bytes", &s->bytes }, { "lines_read", &s->read },
        { "lines_parsed", &s->parsed }, { "lines_skipped", &s->skipped },
        { "lines_foreign", &s->foreign },
        { "lines_no_prefix", &s->no_prefix },
        { "lines_unparsed", &s->unparsed },
        { "lines_oversize", &s->oversize },
    };
    return bs_ld_counters(L, c, BS_ARRAY_LEN(c));
}

static int bs_ld_outcomes(struct bs_loader *L)
{
    struct bs_outcome_stats *o = &L->next->out;
    const struct bs_ld_counter c[] = {
        { "deliveries_unknown_sender", &o->deliveries_unknown_sender },
        { "verification_probes", &o->probes },
        { "content_filter_handoffs", &o->handoffs },
        { "qmail_unstarted", &o->qmail_unstarted },
        { "mta_restarts", &o->mta_restarts },
        { "parallel_lines_not_held", &o->held_overflow },
        { "notifications", &o->notifications },
        { "expired_without_known_recipients", &o->expired_no_rcpt },
        { "pending_dropped_at_removal", &o->pending_dropped },
        { "pending_deleted_by_postsuper", &o->pending_deleted },
        { "pending_evicted", &o->pending_evicted },
    };
    return bs_ld_counters(L, c, BS_ARRAY_LEN(c));
}

static int bs_ld_caps(struct bs_loader *L)
{
    uint64_t forms = 0;
    const struct bs_ld_counter c[] = {
        { "regex_budget_overflows", &L->next->merged.budget_overflows },
        { "strings_refused", &L->next->merged.strings_refused },
        { "cells_folded", &L->next->merged.cells_folded },
        { "messages_evicted", &L->next->merged.messages_evicted },
        { "unexplained_forms_refused", &forms },
    };
    if (bs_ld_counters(L, c, BS_ARRAY_LEN(c)) < 0)
        return -1;
    bs_samples_add_refused(L->next->samples, forms);
    return 0;
}

static int bs_ld_outside(struct bs_loader *L)
{
    struct bs_window_stats *w = &L->outside;
    const struct bs_ld_counter c[] = {
        { "sent", &w->sent }, { "bounced", &w->bounced },
        { "expired", &w->expired }, { "deferred", &w->deferred },
        { "cells", &w->cells_outside }, { "held_lines", &w->lines_outside },
    };
    return bs_ld_counters(L, c, BS_ARRAY_LEN(c));
}

static int bs_ld_window(struct bs_loader *L)
{
    uint64_t since = 0, until = 0; /* as two's complement int64 */
    if (bs_ld_expect(L, BS_JT_OBJECT, "expected an object") < 0)
        return -1;
    for (;;) {
        enum bs_jtok t = bs_jsonr_next(&L->r);
        if (t == BS_JT_OBJECT_END)
            break;
        if (t != BS_JT_KEY)
            return -1;
        bool is_since = BS_SLICE_EQ(bs_slice_make(L->r.str.data,
                                                  L->r.str.len), "since");
        int64_t v;
        if (bs_ld_i64(L, &v) < 0)
            return -1;
        if (is_since)
            since = (uint64_t)v;
        else
            until = (uint64_t)v;
    }
    L->have_window = true;
    L->since = (int64_t)since;
    L->until = (int64_t)until;
    return 0;
}

static int bs_ld_time(struct bs_loader *L, int64_t *t)
{
    return bs_ld_i64(L, t);
}

/* One member of the top-level object, after its name. */
static int bs_ld_member(struct bs_loader *L)
{
    struct bs_slice k = bs_slice_make(L->r.str.data, L->r.str.len);
    static const struct {
        const char *name;
        int (*row)(struct bs_loader *);
    } arrays[] = {
        { "cells", bs_ld_cell },       { "samples", bs_ld_sample },
        { "sender_samples", bs_ld_sample },
        { "unexplained", bs_ld_unexplained },
        { "messages", bs_ld_messages }, { "deliveries", bs_ld_deliveries },
        { "held", bs_ld_held },
    };
    for (size_t i = 0; i < BS_ARRAY_LEN(arrays); i++)
        if (k.len == strlen(arrays[i].name) &&
            memcmp(k.ptr, arrays[i].name, k.len) == 0)
            return bs_ld_rows(L, arrays[i].row);
    if (BS_SLICE_EQ(k, "strings"))
        return bs_ld_strings(L);
    if (BS_SLICE_EQ(k, "input"))
        return bs_ld_input(L);
    if (BS_SLICE_EQ(k, "outcomes"))
        return bs_ld_outcomes(L);
    if (BS_SLICE_EQ(k, "caps"))
        return bs_ld_caps(L);
    if (BS_SLICE_EQ(k, "outside_window"))
        return bs_ld_outside(L);
    if (BS_SLICE_EQ(k, "window"))
        return bs_ld_window(L);
    if (BS_SLICE_EQ(k, "first_log_time"))
        return bs_ld_time(L, &L->next->first_time);
    if (BS_SLICE_EQ(k, "last_log_time"))
        return bs_ld_time(L, &L->next->last_time);
    if (L->extra && k.len == strlen(L->extra->name) &&
        memcmp(k.ptr, L->extra->name, k.len) == 0) {
        L->extra_seen = true;
        return L->extra->fn(L->extra->ctx, &L->r);
    }
    return bs_jsonr_skip(&L->r, bs_jsonr_next(&L->r));
}

/* "format" and "version" come first, so that a file of another kind or
 * version is named as such rather than failing somewhere inside. */
static int bs_ld_header(struct bs_loader *L)
{
    static const char not_ours[] =
        "not a bouncestat saved aggregate (it must start with "
        "{\"format\":\"" BS_AGGFILE_FORMAT "\",\"version\":...)";
    enum bs_jtok t = bs_jsonr_next(&L->r);
    if (t != BS_JT_OBJECT)
        return bs_ld_fail(L, L->r.tok_off, not_ours);
    t = bs_jsonr_next(&L->r);
    if (t != BS_JT_KEY || !BS_SLICE_EQ(bs_slice_make(L->r.str.data,
                                                     L->r.str.len), "format"))
        return bs_ld_fail(L, L->r.tok_off, not_ours);
    t = bs_jsonr_next(&L->r);
    if (t != BS_JT_STRING ||
        !BS_SLICE_EQ(bs_slice_make(L->r.str.data, L->r.str.len),
                     BS_AGGFILE_FORMAT))
        return bs_ld_fail(L, L->r.tok_off, not_ours);
    t = bs_jsonr_next(&L->r);
    if (t != BS_JT_KEY || !BS_SLICE_EQ(bs_slice_make(L->r.str.data,
                                                     L->r.str.len), "version"))
        return bs_ld_fail(L, L->r.tok_off, "\"version\" must follow "
                                           "\"format\"");
    int64_t v;
    if (bs_ld_i64(L, &v) < 0)
        return -1;
    if (v != BS_AGGFILE_VERSION) {
        char msg[96];
        snprintf(msg, sizeof msg, "saved aggregate version %lld; this "
                 "bouncestat (%s) reads version %d", (long long)v,
                 bs_version(), BS_AGGFILE_VERSION);
        return bs_ld_fail(L, L->r.tok_off, msg);
    }
    return 0;
}

static int bs_ld_document(struct bs_loader *L)
{
    if (bs_ld_header(L) < 0)
        return -1;
    for (;;) {
        enum bs_jtok t = bs_jsonr_next(&L->r);
        if (t == BS_JT_OBJECT_END)
            break;
        if (t != BS_JT_KEY || bs_ld_member(L) < 0)
            return -1;
    }
    if (bs_ld_expect(L, BS_JT_EOF, "data after the aggregate") < 0)
        return -1;
    if (L->extra && L->extra->missing && !L->extra_seen)
        return bs_ld_fail(L, 0, L->extra->missing);
    if ((L->next->first_time == INT64_MAX) !=
        (L->next->last_time == INT64_MIN))
        return bs_ld_fail(L, L->r.len, "first_log_time without "
                                       "last_log_time, or the reverse");
    return 0;
}

/* The engine parts a merge reads; no parsers, no rules. */
static struct bs_engine *bs_ld_engine_new(const struct bs_engine *e)
{
    struct bs_engine *n = bs_xcalloc(1, sizeof *n);
    n->opts = e->opts;
    n->classifier = bs_classifier_new();
    n->correlator = bs_correlator_new(e->opts.max_messages,
                                      e->opts.message_ttl);
    n->deliveries = bs_correlator_new(e->opts.max_messages / 8 + 16,
                                      e->opts.message_ttl);
    n->strings = bs_intern_new(UINT32_MAX - 1);
    n->samples = bs_samples_new(e->opts.max_strings / 10 + 100, 10000);
    n->agg = bs_agg_new(SIZE_MAX / 2);
    bs_buf_init(&n->held);
    n->first_time = INT64_MAX;
    n->last_time = INT64_MIN;
    return n;
}

static void bs_ld_engine_free(struct bs_engine *n)
{
    bs_classifier_free(n->classifier);
    bs_correlator_free(n->correlator);
    bs_correlator_free(n->deliveries);
    bs_intern_free(n->strings);
    bs_samples_free(n->samples);
    bs_agg_free(n->agg);
    bs_buf_fini(&n->held);
    free(n);
}

static struct bs_intern *bs_ld_rule_ids(struct bs_engine *e)
{
    unsigned n = bs_classifier_rule_count(e->classifier);
    struct bs_intern *t = bs_intern_new(UINT32_MAX - 1);
    for (unsigned i = 0; i < n; i++) {
        const char *id = bs_classifier_rule_id(e->classifier, (int)i);
        bs_intern(t, id, strlen(id)); /* ids are unique: id - 1 = i */
    }
    return t;
}

static void bs_ld_add_outside(struct bs_engine *e,
                              const struct bs_window_stats *w)
{
    struct bs_window_stats *o = &e->window.outside;
    o->sent += w->sent;
    o->bounced += w->bounced;
    o->expired += w->expired;
    o->deferred += w->deferred;
    o->cells_outside += w->cells_outside;
    o->lines_outside += w->lines_outside;
}

int bs_engine_load(struct bs_engine *e, const char *text, size_t len,
                   const char *name, char *err, size_t errlen)
{
    return bs_aggfile_load(e, text, len, name, NULL, err, errlen);
}

int bs_aggfile_load(struct bs_engine *e, const char *text, size_t len,
                    const char *name, const struct bs_aggfile_member *m,
                    char *err, size_t errlen)
{
    struct bs_loader L;
    memset(&L, 0, sizeof L);
    L.e = e;
    L.extra = m;
    L.next = bs_ld_engine_new(e);
    L.rule_ids = bs_ld_rule_ids(e);
    bs_jsonr_init(&L.r, text ? text : "", text ? len : 0);
    int rc = L.next->classifier ? bs_ld_document(&L) : -1;
    if (rc < 0 && errlen)
        snprintf(err, errlen, "%s: byte %zu: %s", name, L.r.err_off,
                 L.next->classifier ? L.r.err : "out of memory");
    if (rc == 0) {
        bs_engine_merge(e, L.next);
        bs_ld_add_outside(e, &L.outside);
        if (L.have_window) {
            e->window.loaded_since = BS_MIN(e->window.loaded_since,
                                            L.since);
            e->window.loaded_until = BS_MAX(e->window.loaded_until,
                                            L.until);
        }
        rc = L.unknown_rules;
    }
    bs_jsonr_fini(&L.r);
    bs_intern_free(L.rule_ids);
    free(L.sid);
    free(L.prov);
    free(L.cat);
    bs_ld_engine_free(L.next);
    return rc;
}
