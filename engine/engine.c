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
    /* The caps keep a run of any length under about 64 MiB: see README
     * "Limits". A busy host has some ten thousand messages in flight. */
    o->max_messages = 100000;
    o->message_ttl = 8 * 86400;
    o->max_cells = 300000;
    o->max_strings = 200000;
    o->max_held = (size_t)64 << 20;
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
    e->bare_parser = bs_parser_for_bare();
    e->providers = bs_provider_table_new();
    e->provider_cache = bs_xcalloc(1, sizeof *e->provider_cache);
    e->classifier = bs_classifier_new();
    e->correlator = bs_correlator_new(o->max_messages, o->message_ttl);
    e->deliveries = bs_correlator_new(o->max_messages / 8 + 16,
                                      o->message_ttl);
    e->strings = bs_intern_new(o->max_strings);
    e->samples = bs_samples_new(o->max_strings / 10 + 100, 10000);
    e->agg = bs_agg_new(o->max_cells);
    e->id_null_sender = bs_intern(e->strings, "<>", 2);
    e->id_unknown_sender = bs_intern(e->strings, "?", 1);
    e->id_empty = bs_intern(e->strings, "", 0);
    e->id_no_domain = bs_intern(e->strings, "(no domain)", 11);
    e->id_unknown_rcpt = bs_intern(e->strings, "(unknown)", 9);
    bs_buf_init(&e->held);
    e->first_time = INT64_MAX;
    e->last_time = INT64_MIN;
    bs_syslog_year_init(&e->year, o->year, 0);
    bs_window_init(e);
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
    free(e->provider_cache);
    bs_classifier_free(e->classifier);
    bs_correlator_free(e->correlator);
    bs_correlator_free(e->deliveries);
    bs_intern_free(e->strings);
    bs_samples_free(e->samples);
    bs_agg_free(e->agg);
    bs_buf_fini(&e->held);
    bs_window_fini(e);
    bs_watch_free(e->watch);
    bs_mail_free(e->mail);
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

void bs_engine_note_time(struct bs_engine *e, int64_t t)
{
    if (t < e->first_time)
        e->first_time = t;
    if (t > e->last_time)
        e->last_time = t;
    if (++e->lines_since_sweep >= BS_SWEEP_EVERY) {
        e->lines_since_sweep = 0;
        bs_correlator_sweep(e->correlator, e->last_time, bs_track_on_evict,
                            e);
    }
}

/* One line (inlined into the loop of bs_engine_log_bytes: 1.6% of the
 * instructions of a Postfix log, 1.8% of a qmail one). */
static BS_ALWAYS_INLINE void bs_engine_line(void *ctx, const char *line,
                                            size_t len, bool oversize)
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
    const struct bs_parser_ops *parser =
        rec.bare ? e->bare_parser
                 : bs_parser_for_program_cached(&e->parsers, rec.program);
    if (!parser) {
        e->stats.foreign++;
        return;
    }
    struct bs_event ev;
    switch (parser->parse(&rec, &ev)) {
    case BS_PARSE_EVENT:
        e->stats.parsed++;
        bs_engine_note_time(e, rec.time);
        if (e->segment && bs_segment_hold(e, &ev, line, len))
            break;
        bs_window_event(e, &ev);
        if (e->foreign) /* a segment's event about a message begun before */
            bs_segment_hold_foreign(e, &ev, line, len);
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

/* A log's bytes to lines, each to bs_engine_line: bs_lines_feed with the
 * loop here, where the call for each line can be inlined. */
static void bs_engine_log_bytes(void *ctx, const char *data, size_t len)
{
    struct bs_engine *e = ctx;
    const char *end = data + len, *line;
    struct bs_line_iter it;
    bs_lines_begin(&it,
                   bs_lines_resume(&e->lines, data, end, bs_engine_line, e),
                   end);
    size_t n;
    bool oversize;
    while (bs_lines_next(&e->lines, &it, &line, &n, &oversize))
        bs_engine_line(e, line, n, oversize);
    bs_lines_hold(&e->lines, it.p, end, bs_engine_line, e);
}

/* Decoded bytes: a log's go straight to the line splitter; the start of
 * an input, and mail, go through mail_input.c. */
static void bs_engine_plain(void *ctx, const char *data, size_t len)
{
    struct bs_engine *e = ctx;
    if (e->input_kind == BS_INPUT_LOG)
        bs_engine_log_bytes(e, data, len);
    else
        bs_mail_route(e, data, len, bs_engine_log_bytes);
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
    bs_mail_begin(e);
}

/* The input is damaged (why: the message): lines complete before the
 * damage stay counted; a partial one is dropped with the rest of it. */
static void bs_engine_cut(struct bs_engine *e, const char *why)
{
    e->input_failed = true;
    snprintf(e->input_error, sizeof e->input_error, "%s", why);
    bs_mail_end(e, true, bs_engine_log_bytes);
    bs_lines_finish(&e->lines, bs_engine_line, e);
}

static int bs_engine_decode_failed(struct bs_engine *e, bool at_end)
{
    char why[sizeof e->input_error];
    bs_decode_describe_error(e->decode, e->input_name, at_end, why,
                             sizeof why);
    bs_engine_cut(e, why);
    return -1;
}

int bs_engine_feed(struct bs_engine *e, const void *data, size_t len)
{
    if (e->input_failed)
        return -1;
    e->stats.bytes += len;
    if (bs_decode_feed(e->decode, data, len, bs_engine_plain, e) < 0)
        return bs_engine_decode_failed(e, false);
    return 0;
}

void bs_engine_begin_decoded_input(struct bs_engine *e, const char *name,
                                   int64_t ref_time)
{
    bs_engine_begin_input(e, name, ref_time);
    bs_decode_set_plain(e->decode);
}

int bs_engine_feed_decoded(struct bs_engine *e, const char *text,
                           size_t len, uint64_t input_bytes)
{
    if (e->input_failed)
        return -1;
    e->stats.bytes += input_bytes;
    if (len)
        bs_engine_plain(e, text, len);
    return 0;
}

void bs_engine_cut_input(struct bs_engine *e, const char *why)
{
    if (!e->input_failed)
        bs_engine_cut(e, why);
}

int bs_engine_end_input(struct bs_engine *e)
{
    if (e->input_failed)
        return -1;
    if (bs_decode_finish(e->decode, bs_engine_plain, e) < 0)
        return bs_engine_decode_failed(e, true);
    bs_mail_end(e, false, bs_engine_log_bytes);
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
    /* The ttl applies at the end too, not only at the periodic sweeps, so
     * that what is pending does not depend on where the sweeps fell: one
     * run and a merge of saved pieces agree (aggload.c). */
    if (e->last_time >= e->first_time)
        bs_correlator_sweep(e->correlator, e->last_time, bs_track_on_evict,
                            e);
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
    else if (format == BS_FORMAT_HTML || format == BS_FORMAT_MD) {
        struct bs_report_options ro;
        bs_report_options_default(&ro);
        ro.format = format;
        rc = bs_report_render(e, &ro, &b, &eb);
    } else
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
