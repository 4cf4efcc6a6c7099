/*
 * aggfile.c - bs_engine_save: an engine's aggregate as a saved JSON file
 *
 * Writes everything a report or a later merge needs, and nothing that
 * depends on how the engine was built: strings instead of intern ids,
 * provider, category and rule names instead of indexes. Cells, samples
 * and forms come out in the engine's own order; messages sorted by key, so
 * equal engines give equal files. The strings table is written before the
 * arrays that use it (the reader is one pass), so the arrays are rendered
 * first into a second buffer. See aggfile.h for the format.
 */
#include "aggfile.h"

#include "engine_impl.h"

#include <stdlib.h>

void bs_aggfile_str(struct bs_buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    bs_buf_putc(b, '"');
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' &&
               p[run] != '\\')
            run++;
        bs_buf_append(b, p + i, run - i);
        i = run;
        if (i >= n)
            break;
        unsigned char c = p[i];
        size_t u = c >= 0x80 ? bs_utf8_len(p + i, n - i) : 0;
        if (u) {
            bs_buf_append(b, p + i, u);
            i += u;
        } else if (c == '"' || c == '\\') {
            bs_buf_putc(b, '\\');
            bs_buf_putc(b, (char)c);
            i++;
        } else {
            bs_buf_printf(b, "\\u%04x", c >= 0x80 ? 0xdc00u + c : c);
            i++;
        }
    }
    bs_buf_putc(b, '"');
}

struct bs_saver {
    struct bs_engine *e;
    struct bs_intern *table; /* file strings; index = id - 1 */
    uint32_t *of_engine;     /* engine string id -> file id, 0: none */
    size_t nof_engine;
    struct bs_buf body;
};

static uint32_t bs_save_text(struct bs_saver *s, const char *p, size_t n)
{
    return bs_intern(s->table, p, n) - 1;
}

static uint32_t bs_save_cstr(struct bs_saver *s, const char *p)
{
    return bs_save_text(s, p, strlen(p));
}

static uint32_t bs_save_string(struct bs_saver *s, uint32_t id)
{
    if (id < s->nof_engine && s->of_engine[id])
        return s->of_engine[id] - 1;
    struct bs_slice t = bs_intern_str(s->e->strings, id);
    uint32_t fid = bs_intern(s->table, t.ptr, t.len);
    if (id < s->nof_engine)
        s->of_engine[id] = fid;
    return fid - 1;
}

static uint32_t bs_save_dsn(struct bs_saver *s, uint32_t packed)
{
    char dsn[16];
    bs_dsn_format(packed, dsn);
    return bs_save_cstr(s, dsn);
}

static const char *bs_severity_name(unsigned sev)
{
    return sev == BS_SEV_HARD ? "hard" : sev == BS_SEV_SOFT ? "soft" : "";
}

static void bs_save_cells(struct bs_saver *s)
{
    struct bs_engine *e = s->e;
    struct bs_buf *b = &s->body;
    size_t n;
    const struct bs_agg_cell *c = bs_agg_cells(e->agg, &n);
    bs_buf_puts(b, ",\n\"cells\":[");
    for (size_t i = 0; i < n; i++) {
        const struct bs_agg_key *k = &c[i].key;
        bs_buf_printf(b, "%s\n[%ld,%u,%u,%u,%u,%u,%u,%u,%llu,%llu,%llu,%llu]",
                      i ? "," : "", (long)k->hour,
                      bs_save_cstr(s, bs_provider_name(e->providers,
                                                       k->provider)),
                      bs_save_string(s, k->sender),
                      bs_save_string(s, k->rcpt_domain),
                      bs_save_cstr(s, bs_category_name(k->category)),
                      bs_save_string(s, k->detail), bs_save_dsn(s, k->dsn),
                      bs_save_cstr(s, bs_severity_name(k->severity)),
                      (unsigned long long)c[i].n.sent,
                      (unsigned long long)c[i].n.bounced,
                      (unsigned long long)c[i].n.expired,
                      (unsigned long long)c[i].n.deferred);
    }
    bs_buf_puts(b, "]");
}

static void bs_save_sample(struct bs_saver *s, const struct bs_sample *x,
                           bool comma)
{
    struct bs_engine *e = s->e;
    struct bs_buf *b = &s->body;
    bs_buf_printf(b, "%s\n[%u,%u,%u,%u,%u,", comma ? "," : "",
                  bs_save_cstr(s, bs_provider_name(e->providers,
                                                   x->provider)),
                  bs_save_cstr(s, bs_category_name(x->category)),
                  bs_save_string(s, x->detail), bs_save_string(s, x->sender),
                  bs_save_string(s, x->rcpt_domain));
    const char *rule = bs_classifier_rule_id(e->classifier, x->rule);
    bs_aggfile_str(b, rule, strlen(rule));
    bs_buf_printf(b, ",%lld,", (long long)x->time);
    struct bs_slice t = bs_samples_text(e->samples, x->text);
    bs_aggfile_str(b, t.ptr, t.len);
    bs_buf_putc(b, ']');
}

/* qsort has no context: the samples to sort carry their engine. */
struct bs_sample_ref {
    const struct bs_sample *x;
    struct bs_engine *e;
};

static int bs_sample_ref_cmp(const void *pa, const void *pb)
{
    const struct bs_sample_ref *a = pa, *b = pb;
    struct bs_engine *e = a->e;
    int c = strcmp(bs_provider_name(e->providers, a->x->provider),
                   bs_provider_name(e->providers, b->x->provider));
    if (!c)
        c = (a->x->category > b->x->category) -
            (a->x->category < b->x->category);
    if (!c)
        c = strcmp(bs_intern_str(e->strings, a->x->detail).ptr,
                   bs_intern_str(e->strings, b->x->detail).ptr);
    if (!c)
        c = strcmp(bs_intern_str(e->strings, a->x->sender).ptr,
                   bs_intern_str(e->strings, b->x->sender).ptr);
    return c;
}

/* "samples" in the store's order; "sender_samples" sorted by key, since
 * their order in the store depends on the order of the input. */
static void bs_save_samples(struct bs_saver *s)
{
    struct bs_engine *e = s->e;
    struct bs_buf *b = &s->body;
    size_t n, used = 0;
    const struct bs_sample *x = bs_samples_all(e->samples, &n);
    bs_buf_puts(b, ",\n\"samples\":[");
    for (size_t i = 0; i < n; i++)
        if (x[i].text)
            bs_save_sample(s, &x[i], used++ > 0);
    x = bs_samples_of_senders(e->samples, &n);
    struct bs_sample_ref *refs = bs_xcalloc(n ? n : 1, sizeof *refs);
    used = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i].text)
            refs[used++] = (struct bs_sample_ref){ &x[i], e };
    qsort(refs, used, sizeof *refs, bs_sample_ref_cmp);
    bs_buf_puts(b, "],\n\"sender_samples\":[");
    for (size_t i = 0; i < used; i++)
        bs_save_sample(s, refs[i].x, i > 0);
    bs_buf_puts(b, "]");
    free(refs);
}

static void bs_save_unexplained(struct bs_saver *s)
{
    struct bs_engine *e = s->e;
    struct bs_buf *b = &s->body;
    size_t n;
    const struct bs_unexplained *u = bs_samples_unexplained(e->samples, &n);
    bs_buf_puts(b, ",\n\"unexplained\":[");
    for (size_t i = 0; i < n; i++) {
        struct bs_slice f = bs_samples_text(e->samples, u[i].form);
        struct bs_slice t = bs_samples_text(e->samples, u[i].sample);
        bs_buf_printf(b, "%s\n[%u,%llu,%lld,", i ? "," : "",
                      bs_save_cstr(s, bs_category_name(u[i].category)),
                      (unsigned long long)u[i].count, (long long)u[i].time);
        bs_aggfile_str(b, f.ptr, f.len);
        bs_buf_putc(b, ',');
        bs_aggfile_str(b, t.ptr, t.len);
        bs_buf_putc(b, ']');
    }
    bs_buf_puts(b, "]");
}

struct bs_message_list {
    const struct bs_message **m;
    size_t n, cap;
};

static void bs_collect_message(void *ctx, struct bs_message *m)
{
    struct bs_message_list *l = ctx;
    if (m->held)
        return; /* a segment's placeholder: its lines are in "held" */
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->m = bs_xreallocarray(l->m, l->cap, sizeof *l->m);
    }
    l->m[l->n++] = m;
}

static int bs_message_cmp(const void *pa, const void *pb)
{
    const struct bs_message *a = *(const struct bs_message *const *)pa;
    const struct bs_message *b = *(const struct bs_message *const *)pb;
    int c = memcmp(a->qid, b->qid, BS_MIN(a->qid_len, b->qid_len));
    return c ? c : (a->qid_len > b->qid_len) - (a->qid_len < b->qid_len);
}

static void bs_save_pending(struct bs_saver *s, const struct bs_pending *p)
{
    struct bs_engine *e = s->e;
    struct bs_buf *b = &s->body;
    bs_buf_printf(b, "[\"%016llx\",%u,%u,%u,%u,%u,",
                  (unsigned long long)p->rcpt_hash,
                  bs_save_string(s, p->rcpt_domain),
                  bs_save_string(s, p->detail),
                  bs_save_cstr(s, bs_provider_name(e->providers,
                                                   p->provider)),
                  bs_save_cstr(s, bs_category_name(p->category)),
                  bs_save_dsn(s, p->dsn));
    struct bs_slice t = bs_samples_text(e->samples, p->sample);
    bs_aggfile_str(b, t.ptr, t.len);
    bs_buf_putc(b, ',');
    const char *rule = bs_classifier_rule_id(e->classifier, p->rule);
    bs_aggfile_str(b, rule, strlen(rule));
    bs_buf_putc(b, ']');
}

static void bs_save_messages(struct bs_saver *s, const char *name,
                             struct bs_correlator *table)
{
    struct bs_buf *b = &s->body;
    struct bs_message_list l = { NULL, 0, 0 };
    bs_correlator_foreach(table, bs_collect_message, &l);
    if (l.n)
        qsort(l.m, l.n, sizeof *l.m, bs_message_cmp);
    bs_buf_printf(b, ",\n\"%s\":[", name);
    for (size_t i = 0; i < l.n; i++) {
        const struct bs_message *m = l.m[i];
        bs_buf_puts(b, i ? ",\n[" : "\n[");
        bs_aggfile_str(b, m->qid, m->qid_len);
        bs_buf_printf(b, ",%d,%u,%lld,%llu,\"%016llx\",%u,[",
                      m->sender_known ? 1 : 0, bs_save_string(s, m->sender),
                      (long long)m->last_time, (unsigned long long)m->link,
                      (unsigned long long)m->rcpt_hash,
                      bs_save_string(s, m->rcpt_domain));
        for (uint32_t j = 0; j < m->npending; j++) {
            if (j)
                bs_buf_putc(b, ',');
            bs_save_pending(s, &m->pending[j]);
        }
        bs_buf_puts(b, "]]");
    }
    bs_buf_puts(b, "]");
    free(l.m);
}

static void bs_save_held(struct bs_saver *s)
{
    const struct bs_buf *h = &s->e->held;
    struct bs_buf *b = &s->body;
    bs_buf_puts(b, ",\n\"held\":[");
    bool first = true;
    for (size_t off = 0; off + 12 <= h->len;) {
        int64_t t;
        uint32_t n;
        memcpy(&t, h->data + off, sizeof t);
        memcpy(&n, h->data + off + 8, sizeof n);
        bs_buf_printf(b, "%s\n[%lld,", first ? "" : ",", (long long)t);
        bs_aggfile_str(b, h->data + off + 12, n);
        bs_buf_putc(b, ']');
        off += 12 + n;
        first = false;
    }
    bs_buf_puts(b, "]");
}

static void bs_save_kv(struct bs_buf *b, const char *k, uint64_t v,
                       bool comma)
{
    bs_buf_printf(b, "%s\"%s\":%llu", comma ? "," : "", k,
                  (unsigned long long)v);
}

static void bs_save_counters(struct bs_engine *e, struct bs_buf *b)
{
    const struct bs_line_stats *st = &e->stats;
    bs_buf_puts(b, ",\n\"input\":{");
    bs_save_kv(b, "bytes", st->bytes, false);
    bs_save_kv(b, "lines_read", st->read, true);
    bs_save_kv(b, "lines_parsed", st->parsed, true);
    bs_save_kv(b, "lines_skipped", st->skipped, true);
    bs_save_kv(b, "lines_foreign", st->foreign, true);
    bs_save_kv(b, "lines_no_prefix", st->no_prefix, true);
    bs_save_kv(b, "lines_unparsed", st->unparsed, true);
    bs_save_kv(b, "lines_oversize", st->oversize, true);
    const struct bs_outcome_stats *o = &e->out;
    bs_buf_puts(b, "},\n\"outcomes\":{");
    bs_save_kv(b, "deliveries_unknown_sender", o->deliveries_unknown_sender,
               false);
    bs_save_kv(b, "verification_probes", o->probes, true);
    bs_save_kv(b, "content_filter_handoffs", o->handoffs, true);
    bs_save_kv(b, "qmail_unstarted", o->qmail_unstarted, true);
    bs_save_kv(b, "mta_restarts", o->mta_restarts, true);
    bs_save_kv(b, "parallel_lines_not_held", o->held_overflow, true);
    bs_save_kv(b, "notifications", o->notifications, true);
    bs_save_kv(b, "expired_without_known_recipients", o->expired_no_rcpt,
               true);
    bs_save_kv(b, "pending_dropped_at_removal", o->pending_dropped, true);
    bs_save_kv(b, "pending_deleted_by_postsuper", o->pending_deleted, true);
    bs_save_kv(b, "pending_evicted", o->pending_evicted, true);
    bs_buf_puts(b, "},\n\"caps\":{");
    bs_save_kv(b, "regex_budget_overflows",
               bs_classifier_budget_overflows(e->classifier) +
                   e->merged.budget_overflows, false);
    bs_save_kv(b, "strings_refused", bs_intern_refused(e->strings) +
                                         e->merged.strings_refused, true);
    bs_save_kv(b, "cells_folded", bs_agg_folded(e->agg) +
                                      e->merged.cells_folded, true);
    bs_save_kv(b, "messages_evicted", bs_correlator_evicted(e->correlator) +
                                          e->merged.messages_evicted, true);
    bs_save_kv(b, "unexplained_forms_refused",
               bs_samples_forms_refused(e->samples), true);
    const struct bs_window_stats *w = &e->window.outside;
    bs_buf_puts(b, "},\n\"outside_window\":{");
    bs_save_kv(b, "sent", w->sent, false);
    bs_save_kv(b, "bounced", w->bounced, true);
    bs_save_kv(b, "expired", w->expired, true);
    bs_save_kv(b, "deferred", w->deferred, true);
    bs_save_kv(b, "cells", w->cells_outside, true);
    bs_save_kv(b, "held_lines", w->lines_outside, true);
    bs_buf_puts(b, "}");
}

static void bs_save_head(struct bs_engine *e, struct bs_buf *b)
{
    bs_buf_printf(b, "{\"format\":\"%s\",\"version\":%d,\"bouncestat\":",
                  BS_AGGFILE_FORMAT, BS_AGGFILE_VERSION);
    bs_aggfile_str(b, bs_version(), strlen(bs_version()));
    int64_t since = e->window.loaded_since, until = e->window.loaded_until;
    if (e->opts.window) {
        since = e->opts.since;
        until = e->opts.until;
    }
    if (since <= until)
        bs_buf_printf(b, ",\n\"window\":{\"since\":%lld,\"until\":%lld}",
                      (long long)since, (long long)until);
    if (e->last_time >= e->first_time)
        bs_buf_printf(b, ",\n\"first_log_time\":%lld,\"last_log_time\":%lld",
                      (long long)e->first_time, (long long)e->last_time);
    bs_save_counters(e, b);
}

void bs_aggfile_save(struct bs_engine *e, const struct bs_buf *extra,
                     struct bs_buf *b)
{
    struct bs_saver s = { e, bs_intern_new(UINT32_MAX - 1), NULL, 0, {0} };
    s.nof_engine = bs_intern_count(e->strings);
    s.of_engine = bs_xcalloc(s.nof_engine ? s.nof_engine : 1,
                             sizeof *s.of_engine);
    bs_buf_init(&s.body);
    bs_save_cells(&s);
    bs_save_samples(&s);
    bs_save_unexplained(&s);
    bs_save_messages(&s, "messages", e->correlator);
    bs_save_messages(&s, "deliveries", e->deliveries);
    bs_save_held(&s);
    if (extra)
        bs_buf_append(&s.body, extra->data, extra->len);
    bs_save_head(e, b);
    bs_buf_puts(b, ",\n\"strings\":[");
    uint32_t n = bs_intern_count(s.table);
    for (uint32_t id = 1; id < n; id++) {
        struct bs_slice t = bs_intern_str(s.table, id);
        if (id > 1)
            bs_buf_putc(b, ',');
        bs_aggfile_str(b, t.ptr, t.len);
    }
    bs_buf_puts(b, "]");
    bs_buf_append(b, s.body.data, s.body.len);
    bs_buf_puts(b, "\n}\n");
    bs_buf_fini(&s.body);
    free(s.of_engine);
    bs_intern_free(s.table);
}

void bs_engine_save(struct bs_engine *e, char **out, size_t *outlen)
{
    struct bs_buf b;
    bs_buf_init(&b);
    bs_aggfile_save(e, NULL, &b);
    *out = b.data;
    *outlen = b.len;
}
