/*
 * engine.c - the stage chain: bytes -> lines -> records -> events ->
 * correlated, classified counts
 *
 * Counting rules (README "Counting rules"): a delivery is one recipient of
 * one message; its final outcome is sent, bounced or expired; a deferral
 * is an attempt, counted in "deferred" and remembered as pending so that
 * the message's expiry counts that recipient as expired. Address
 * verification probes are not deliveries.
 */
#include "engine_impl.h"

#include "../parsers/parser.h"

#include <stdio.h>
#include <stdlib.h>

extern const char bs_embedded_providers[];
extern const char bs_embedded_rules[];

#define BS_SWEEP_EVERY 65536

void bs_engine_options_default(struct bs_engine_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_line = 64 * 1024;
    o->max_messages = 1000000;
    o->message_ttl = 8 * 86400;
    o->max_cells = 2000000;
    o->max_strings = 1000000;
}

const char *bs_version(void)
{
    return BS_VERSION;
}

static void bs_copy_err(struct bs_buf *b, char *err, size_t errlen)
{
    if (!errlen)
        return;
    size_t n = BS_MIN(b->len, errlen - 1);
    while (n && b->data[n - 1] == '\n')
        n--;
    memcpy(err, b->data, n);
    err[n] = '\0';
}

static int bs_engine_load_data(struct bs_engine *e, struct bs_buf *err)
{
    if (bs_provider_table_load(e->providers, "patterns/providers.txt",
                               bs_embedded_providers,
                               strlen(bs_embedded_providers), err) < 0)
        return -1;
    for (unsigned i = 0; i < bs_provider_count(e->providers); i++)
        bs_classifier_add_provider(e->classifier,
                                   bs_provider_name(e->providers, i), i);
    return bs_classifier_load(e->classifier, "patterns/rules.txt",
                              bs_embedded_rules, strlen(bs_embedded_rules),
                              err);
}

struct bs_engine *bs_engine_new(const struct bs_engine_options *o,
                                char *err, size_t errlen)
{
    struct bs_engine *e = bs_xcalloc(1, sizeof *e);
    e->opts = *o;
    e->decode = bs_decode_new();
    bs_lines_init(&e->lines, o->max_line);
    e->providers = bs_provider_table_new();
    e->classifier = bs_classifier_new();
    e->correlator = bs_correlator_new(o->max_messages, o->message_ttl);
    e->strings = bs_intern_new(o->max_strings);
    e->samples = bs_samples_new(o->max_strings / 10 + 100, 10000);
    e->agg = bs_agg_new(o->max_cells);
    e->id_null_sender = bs_intern(e->strings, "<>", 2);
    e->id_unknown_sender = bs_intern(e->strings, "?", 1);
    e->id_empty = bs_intern(e->strings, "", 0);
    e->id_no_domain = bs_intern(e->strings, "(no domain)", 11);
    e->first_time = INT64_MAX;
    e->last_time = INT64_MIN;
    bs_syslog_year_init(&e->year, o->year, 0);
    struct bs_buf b;
    bs_buf_init(&b);
    if (!e->classifier || bs_engine_load_data(e, &b) < 0) {
        bs_copy_err(&b, err, errlen);
        bs_buf_fini(&b);
        bs_engine_free(e);
        return NULL;
    }
    bs_buf_fini(&b);
    return e;
}

void bs_engine_free(struct bs_engine *e)
{
    if (!e)
        return;
    bs_decode_free(e->decode);
    bs_lines_fini(&e->lines);
    bs_provider_table_free(e->providers);
    bs_classifier_free(e->classifier);
    bs_correlator_free(e->correlator);
    bs_intern_free(e->strings);
    bs_samples_free(e->samples);
    bs_agg_free(e->agg);
    free(e);
}

int bs_engine_add_rules(struct bs_engine *e, const char *source,
                        const char *text, size_t len, char *err,
                        size_t errlen)
{
    struct bs_buf b;
    bs_buf_init(&b);
    int rc = bs_classifier_load(e->classifier, source, text, len, &b);
    if (rc < 0)
        bs_copy_err(&b, err, errlen);
    bs_buf_fini(&b);
    return rc;
}

/* The lower-cased domain of an address (after the last '@'). */
static uint32_t bs_engine_domain_id(struct bs_engine *e, struct bs_slice a)
{
    const char *at = NULL;
    for (size_t i = a.len; i > 0; i--) {
        if (a.ptr[i - 1] == '@') {
            at = a.ptr + i - 1;
            break;
        }
    }
    if (!at || at + 1 == a.ptr + a.len)
        return e->id_no_domain;
    size_t n = (size_t)(a.ptr + a.len - at - 1);
    while (n > 1 && at[n] == '.')
        n--; /* trailing dot */
    return bs_intern_lower(e->strings, at + 1, n);
}

/* The cell of one delivery: time bucket, provider and domains; the caller
 * adds the failure reason. */
static struct bs_agg_key bs_engine_key(int64_t time, unsigned provider,
                                       uint32_t sender, uint32_t rcpt,
                                       uint32_t empty)
{
    int64_t hour = time >= 0 ? time / 3600 : (time - 3599) / 3600;
    struct bs_agg_key k;
    memset(&k, 0, sizeof k);
    k.hour = (int32_t)hour;
    k.provider = (uint16_t)provider;
    k.sender = sender;
    k.rcpt_domain = rcpt;
    k.detail = empty;
    return k;
}

static void bs_engine_keep_sample(struct bs_engine *e,
                                  const struct bs_agg_key *k, int rule,
                                  struct bs_slice text)
{
    struct bs_sample what = { k->provider, k->category, k->detail,
                              k->sender, k->rcpt_domain, rule, 0 };
    bs_samples_keep(e->samples, &what, text);
}

static void bs_engine_count_expired(struct bs_engine *e,
                                    const struct bs_message *m,
                                    const struct bs_pending *p, int64_t t)
{
    uint32_t sender = m->sender_known ? m->sender : e->id_unknown_sender;
    if (!m->sender_known)
        e->out.deliveries_unknown_sender++;
    struct bs_agg_key k = bs_engine_key(t, p->provider, sender,
                                        p->rcpt_domain, e->id_empty);
    /* The detail of an expiry is the reason of the last deferral. */
    const char *why = bs_category_name(p->category);
    k.category = BS_CAT_EXPIRED;
    k.detail = bs_intern(e->strings, why, strlen(why));
    k.dsn = p->dsn;
    k.severity = BS_SEV_SOFT;
    bs_agg_cell(e->agg, &k)->expired++;
    bs_engine_keep_sample(e, &k, p->rule,
                          bs_samples_text(e->samples, p->sample));
}

static struct bs_message *bs_engine_message(struct bs_engine *e,
                                            const struct bs_event *ev);

static void bs_engine_on_evict(void *ctx, struct bs_message *m)
{
    struct bs_engine *e = ctx;
    e->out.pending_evicted += m->npending;
}

static void bs_engine_set_sender(struct bs_engine *e, struct bs_message *m,
                                 const struct bs_event *ev)
{
    m->sender = ev->sender_is_null ? e->id_null_sender
                                   : bs_engine_domain_id(e, ev->sender);
    m->sender_known = true;
}

/* A message passed to a content filter on this host (amavis, spamassassin
 * on 127.0.0.1:10024) and queued again there: the recipient's real delivery
 * comes later under the new queue id, so this one is not counted. */
static bool bs_is_content_filter_handoff(const struct bs_event *ev)
{
    struct bs_slice ip = ev->relay_ip;
    bool loopback = BS_SLICE_STARTS(ip, "127.") || BS_SLICE_EQ(ip, "::1");
    return ev->status == BS_ST_SENT && loopback &&
           bs_memmem(ev->text.ptr, ev->text.len, "queued as", 9) != NULL;
}

/* Classifies a failure into the key; keeps its sample and, when no rule
 * explains it, its normalised form. */
static int bs_engine_classify(struct bs_engine *e, const struct bs_event *ev,
                              struct bs_agg_key *k)
{
    struct bs_classification cls;
    bs_classify(e->classifier, k->provider, ev->dsn, ev->text, &cls);
    k->category = (uint16_t)cls.category;
    k->detail = bs_intern(e->strings, cls.detail, strlen(cls.detail));
    k->severity = cls.hard ? BS_SEV_HARD : BS_SEV_SOFT;
    bs_engine_keep_sample(e, k, cls.rule, ev->text);
    if (cls.rule < 0)
        bs_samples_note_unexplained(e->samples, cls.category, ev->text);
    return cls.rule;
}

static void bs_engine_remember_deferral(struct bs_engine *e,
                                        struct bs_message *m,
                                        struct bs_pending *p, uint64_t rh,
                                        const struct bs_agg_key *k, int rule,
                                        struct bs_slice text)
{
    if (!p)
        p = bs_message_add_pending(m, rh);
    *p = (struct bs_pending){ rh, k->rcpt_domain, k->detail, k->provider,
                              k->category, k->dsn,
                              bs_samples_add_text(e->samples, text), rule };
}

static void bs_engine_delivery(struct bs_engine *e, const struct bs_event *ev)
{
    if (ev->status == BS_ST_PROBE) {
        e->out.probes++;
        return;
    }
    struct bs_message *m = bs_engine_message(e, ev);
    if (!m)
        return;
    uint64_t rh = bs_hash_lower(ev->recipient.ptr, ev->recipient.len);
    struct bs_pending *p = bs_message_find_pending(m, rh);
    if (bs_is_content_filter_handoff(ev)) {
        e->out.handoffs++;
        if (p)
            bs_message_drop_pending(m, p);
        return;
    }
    uint32_t rcpt = bs_engine_domain_id(e, ev->recipient);
    unsigned provider = bs_provider_lookup(
        e->providers, bs_intern_str(e->strings, rcpt), ev->relay_host);
    struct bs_agg_key k = bs_engine_key(
        ev->time, provider, m->sender_known ? m->sender : e->id_unknown_sender,
        rcpt, e->id_empty);
    k.dsn = bs_dsn_pack(ev->dsn);
    if (ev->status == BS_ST_SENT) {
        bs_agg_cell(e->agg, &k)->sent++;
    } else {
        int rule = bs_engine_classify(e, ev, &k);
        if (ev->status == BS_ST_DEFERRED) {
            bs_agg_cell(e->agg, &k)->deferred++;
            bs_engine_remember_deferral(e, m, p, rh, &k, rule, ev->text);
            return;
        }
        bs_agg_cell(e->agg, &k)->bounced++;
    }
    if (!m->sender_known)
        e->out.deliveries_unknown_sender++;
    if (p)
        bs_message_drop_pending(m, p);
}

static void bs_engine_expired(struct bs_engine *e, const struct bs_event *ev)
{
    struct bs_message *m = bs_engine_message(e, ev);
    if (!m)
        return;
    if (!m->sender_known)
        bs_engine_set_sender(e, m, ev);
    if (m->npending == 0)
        e->out.expired_no_rcpt++;
    for (uint32_t i = 0; i < m->npending; i++)
        bs_engine_count_expired(e, m, &m->pending[i], ev->time);
    m->npending = 0;
}

/* The message an event belongs to, created when the log has not named
 * it before (its sender then stays unknown). */
static struct bs_message *bs_engine_message(struct bs_engine *e,
                                            const struct bs_event *ev)
{
    return bs_correlator_upsert(e->correlator, ev->queue_id, ev->time,
                                bs_engine_on_evict, e);
}

static void bs_engine_forget(struct bs_engine *e, const struct bs_event *ev,
                             uint64_t *pending_counter)
{
    struct bs_message *m = bs_correlator_find(e->correlator, ev->queue_id);
    if (!m)
        return;
    *pending_counter += m->npending;
    bs_correlator_remove(e->correlator, m);
}

static void bs_engine_event(struct bs_engine *e, const struct bs_event *ev)
{
    struct bs_message *m;
    switch (ev->kind) {
    case BS_EV_MESSAGE_SENDER:
        m = bs_engine_message(e, ev);
        if (m)
            bs_engine_set_sender(e, m, ev);
        break;
    case BS_EV_DELIVERY:
        bs_engine_delivery(e, ev);
        break;
    case BS_EV_MESSAGE_EXPIRED:
        bs_engine_expired(e, ev);
        break;
    case BS_EV_MESSAGE_DONE:
        bs_engine_forget(e, ev, &e->out.pending_dropped);
        break;
    case BS_EV_MESSAGE_DELETED:
        bs_engine_forget(e, ev, &e->out.pending_deleted);
        break;
    case BS_EV_NOTIFICATION:
        e->out.notifications++;
        break;
    case BS_EV_NONE:
        break;
    }
}

static void bs_engine_note_time(struct bs_engine *e, int64_t t)
{
    if (t < e->first_time)
        e->first_time = t;
    if (t > e->last_time)
        e->last_time = t;
    if (++e->lines_since_sweep >= BS_SWEEP_EVERY) {
        e->lines_since_sweep = 0;
        bs_correlator_sweep(e->correlator, e->last_time, bs_engine_on_evict,
                            e);
    }
}

static void bs_engine_line(void *ctx, const char *line, size_t len,
                           bool oversize)
{
    struct bs_engine *e = ctx;
    e->stats.read++;
    if (oversize) {
        e->stats.oversize++;
        return;
    }
    struct bs_syslog_record rec;
    if (bs_syslog_parse(&e->year, line, len, &rec) != BS_SYSLOG_OK) {
        e->stats.no_prefix++;
        return;
    }
    const struct bs_parser_ops *parser = bs_parser_for_program(rec.program);
    if (!parser) {
        e->stats.foreign++;
        return;
    }
    struct bs_event ev;
    switch (parser->parse(&rec, &ev)) {
    case BS_PARSE_EVENT:
        e->stats.parsed++;
        bs_engine_note_time(e, rec.time);
        bs_engine_event(e, &ev);
        break;
    case BS_PARSE_SKIPPED:
        e->stats.skipped++;
        break;
    case BS_PARSE_UNPARSED:
        e->stats.unparsed++;
        if (e->opts.unparsed_fn)
            e->opts.unparsed_fn(e->opts.unparsed_ctx, line, len);
        break;
    }
}

static void bs_engine_plain(void *ctx, const char *data, size_t len)
{
    struct bs_engine *e = ctx;
    bs_lines_feed(&e->lines, data, len, bs_engine_line, e);
}

void bs_engine_begin_input(struct bs_engine *e, const char *name,
                           int64_t ref_time)
{
    snprintf(e->input_name, sizeof e->input_name, "%s", name);
    e->input_error[0] = '\0';
    e->input_failed = false;
    bs_decode_reset(e->decode);
    /* An explicit year carries on from the previous input, so a log split
     * across New Year over two files keeps counting up. */
    if (e->opts.year)
        e->year.ref_time = ref_time;
    else
        bs_syslog_year_init(&e->year, 0, ref_time);
}

static int bs_engine_decode_failed(struct bs_engine *e)
{
    e->input_failed = true;
    snprintf(e->input_error, sizeof e->input_error,
             "%s: corrupt zstd data at byte offset %llu (%s)",
             e->input_name,
             (unsigned long long)bs_decode_error_offset(e->decode),
             bs_decode_error_text(e->decode));
    /* Lines complete before the damage stay counted; a partial one is
     * dropped with the rest of this input. */
    bs_lines_finish(&e->lines, bs_engine_line, e);
    return -1;
}

int bs_engine_feed(struct bs_engine *e, const void *data, size_t len)
{
    if (e->input_failed)
        return -1;
    e->stats.bytes += len;
    if (bs_decode_feed(e->decode, data, len, bs_engine_plain, e) < 0)
        return bs_engine_decode_failed(e);
    return 0;
}

int bs_engine_end_input(struct bs_engine *e)
{
    if (e->input_failed)
        return -1;
    if (bs_decode_finish(e->decode, bs_engine_plain, e) < 0) {
        e->input_failed = true;
        snprintf(e->input_error, sizeof e->input_error,
                 "%s: truncated zstd archive: %s at byte offset %llu",
                 e->input_name, bs_decode_error_text(e->decode),
                 (unsigned long long)bs_decode_error_offset(e->decode));
        bs_lines_finish(&e->lines, bs_engine_line, e);
        return -1;
    }
    bs_lines_finish(&e->lines, bs_engine_line, e);
    return 0;
}

const char *bs_engine_input_error(const struct bs_engine *e)
{
    return e->input_error;
}

static void bs_engine_count_pending(void *ctx, struct bs_message *m)
{
    struct bs_engine *e = ctx;
    for (uint32_t i = 0; i < m->npending; i++) {
        e->out.pending_end++;
        e->out.pending_by_provider[m->pending[i].provider]++;
    }
}

void bs_engine_finish(struct bs_engine *e)
{
    e->out.pending_end = 0;
    memset(e->out.pending_by_provider, 0,
           sizeof e->out.pending_by_provider);
    bs_correlator_foreach(e->correlator, bs_engine_count_pending, e);
}

void bs_engine_sample_hint(struct bs_engine *e, const struct bs_sample *s,
                           bool ja, struct bs_buf *out)
{
    struct bs_hint_fields f = {
        bs_intern_str(e->strings, s->sender).ptr,
        bs_intern_str(e->strings, s->rcpt_domain).ptr,
        bs_provider_name(e->providers, s->provider),
    };
    if (s->sender == e->id_null_sender || s->sender == e->id_unknown_sender)
        f.sender_domain = NULL;
    bs_classifier_render_hint(e->classifier, s->rule, ja,
                              bs_samples_text(e->samples, s->text), &f, out);
}

void bs_engine_line_stats(const struct bs_engine *e,
                          struct bs_line_stats *out)
{
    *out = e->stats;
}

int bs_engine_render(struct bs_engine *e, enum bs_format format,
                     const char *by, char **out, size_t *outlen, char *err,
                     size_t errlen)
{
    struct bs_buf b, eb;
    bs_buf_init(&b);
    bs_buf_init(&eb);
    int rc = 0;
    if (format == BS_FORMAT_TEXT)
        bs_report_text(e, &b);
    else if (format == BS_FORMAT_JSON)
        bs_report_json(e, &b);
    else
        rc = bs_report_csv(e, by && *by ? by : "provider", &b, &eb);
    if (rc < 0) {
        bs_copy_err(&eb, err, errlen);
        bs_buf_fini(&b);
        *out = NULL;
        *outlen = 0;
    } else {
        *out = b.data;
        *outlen = b.len;
    }
    bs_buf_fini(&eb);
    return rc;
}
