/*
 * engine_impl.h - the engine's state, shared by engine.c and the
 * report printers (report_*.c). Nothing outside engine/ includes it.
 */
#ifndef BS_ENGINE_IMPL_H
#define BS_ENGINE_IMPL_H

#include "../parsers/parser.h"
#include "../parsers/syslog.h"
#include "agg.h"
#include "bouncestat.h"
#include "buf.h"
#include "classify.h"
#include "correlate.h"
#include "decode.h"
#include "event.h"
#include "intern.h"
#include "lines.h"
#include "provider.h"
#include "samples.h"
#include "window.h"

struct bs_outcome_stats {
    uint64_t deliveries_unknown_sender; /* final outcomes, sender "?" */
    uint64_t probes;           /* address verification results */
    uint64_t handoffs;         /* sent to a local content filter */
    uint64_t qmail_unstarted;  /* qmail results without "starting" line */
    uint64_t mta_restarts;     /* qmail-send "status: exiting" */
    uint64_t held_overflow;    /* segment lines past opts.max_held */
    uint64_t notifications;    /* bounce/delay notices generated */
    uint64_t expired_no_rcpt;  /* expiries with no deferred rcpt seen */
    uint64_t pending_dropped;  /* pending rcpts when qmgr removed */
    uint64_t pending_deleted;  /* pending rcpts deleted by postsuper */
    uint64_t pending_evicted;  /* pending rcpts lost to the table caps */
    uint64_t pending_end;      /* pending rcpts at the end of input */
    uint64_t pending_by_provider[BS_PROVIDER_MAX];
};

struct bs_engine {
    struct bs_engine_options opts;
    struct bs_decode *decode;
    struct bs_lines lines;
    struct bs_syslog_year year;
    struct bs_parser_cache parsers; /* program -> parser */
    const struct bs_parser_ops *bare_parser; /* bs_parser_for_bare() */
    struct bs_provider_table *providers;
    struct bs_provider_cache *provider_cache; /* bs_provider_decide_cached */
    struct bs_classifier *classifier;
    struct bs_correlator *correlator;
    struct bs_correlator *deliveries; /* qmail delivery numbers */
    struct bs_intern *strings; /* domains, details */
    struct bs_samples *samples;
    struct bs_agg *agg;
    uint32_t id_null_sender, id_unknown_sender, id_empty, id_no_domain,
        id_unknown_rcpt;
    char decoded[BS_CLASSIFY_TEXT_MAX]; /* a qmail text, decoded */
    struct bs_line_stats stats;
    struct bs_outcome_stats out;
    int64_t first_time, last_time;
    bool segment;   /* follows another segment: hold foreign events */
    bool replaying; /* replaying another segment's held lines */
    /* Set by tracking in a segment: the event is about a message this
     * segment did not see begin, and was not counted; the line loop
     * holds its line (bs_segment_hold_foreign). */
    bool foreign;
    bool count_foreign; /* the hold buffer is full: count it here */
    struct bs_buf held; /* [int64 time][uint32 len][line] records */
    struct {        /* counters of merged engines' own tables */
        uint64_t budget_overflows, strings_refused, cells_folded,
            messages_evicted;
    } merged;
    struct bs_window window; /* --since/--until and local time (window.c) */
    uint64_t lines_since_sweep;
    char input_name[256];
    char input_error[512];
    bool input_failed;
    struct bs_watch *watch; /* alert rules, metrics state (observe.c) */
    /* Mail input (mail_input.c): what the current input turned out to
     * be, and the bounce reader, made at the first mail input. */
    int input_kind; /* enum bs_input_kind */
    struct bs_mail *mail;
};

/* Alert rules and metrics state; NULL until first used (watch.h). */
struct bs_watch;
void bs_watch_free(struct bs_watch *w);

/* What a counted delivery attempt was, for observers of the stream. */
enum bs_outcome { BS_OUT_SENT, BS_OUT_BOUNCED, BS_OUT_EXPIRED,
                  BS_OUT_DEFERRED };

/* Called by track.c for every outcome or deferral it counts, with the
 * cell key (log time bucket, provider, domains, category, detail, dsn),
 * the exact log time, the rule and the text (may be empty). The alert
 * watcher and the metrics hang off this (observe.c). */
void bs_engine_observed(struct bs_engine *e, const struct bs_agg_key *k,
                        enum bs_outcome what, int64_t time, int rule,
                        struct bs_slice text);

/* Notes the log time of a counted fact: the first and last log time, and
 * the periodic expiry sweep of the correlation table (engine.c). */
void bs_engine_note_time(struct bs_engine *e, int64_t t);

/* Counts one event (track.c). */
void bs_engine_event(struct bs_engine *e, const struct bs_event *ev);
/* The correlation keys of an event's message and qmail delivery, into
 * buf (BS_QUEUE_ID_MAX + 1 bytes); empty when too long. */
struct bs_slice bs_track_message_key(const struct bs_event *ev,
                                     struct bs_slice id, char *buf);
struct bs_slice bs_track_delivery_key(const struct bs_event *ev, char *buf);
/* In a segment that follows another, lines about a message begun
 * elsewhere are kept for the merge instead of counted (segment.c). Most
 * are found by tracking itself, at the lookup it makes anyway (it sets
 * e->foreign); bs_segment_hold decides before tracking for the rest
 * (qmail's delivery starts, whose tracking does not look at the message,
 * and restarts). False in an engine that is not a segment (the line loop
 * tests e->segment itself first). */
bool bs_segment_hold(struct bs_engine *e, const struct bs_event *ev,
                     const char *line, size_t len);
/* Keeps the line of an event tracking found foreign (clears e->foreign);
 * when the hold buffer is full, counts the event here after all. */
void bs_segment_hold_foreign(struct bs_engine *e, const struct bs_event *ev,
                             const char *line, size_t len);
/* Counts the pending recipients of a message dropped by a table cap. */
void bs_track_on_evict(void *ctx, struct bs_message *m);

/* Appends the hint of a sample's rule with the sample's domains and text
 * filled in (engine.c). */
void bs_engine_sample_hint(struct bs_engine *e, const struct bs_sample *s,
                           bool ja, struct bs_buf *out);

/* Report printers: render into b. */
void bs_report_text(struct bs_engine *e, struct bs_buf *b);
void bs_report_json(struct bs_engine *e, struct bs_buf *b);
int bs_report_csv(struct bs_engine *e, const char *by, struct bs_buf *b,
                  struct bs_buf *err);
/* The deliverability report (report.c): 0, or -1 with a message. */
int bs_report_render(struct bs_engine *e, const struct bs_report_options *o,
                     struct bs_buf *b, struct bs_buf *err);


/* ---- Mail input (mail_input.c) ---- */
enum bs_input_kind { BS_INPUT_SNIFF, BS_INPUT_LOG, BS_INPUT_MAIL };
struct bs_mail;
/* A new input: its first line will tell whether it is mail or a log. */
void bs_mail_begin(struct bs_engine *e);
/* Plain (decoded) bytes of an input that is not known to be a log:
 * sniffed, then cut into messages and counted, or given to log (the
 * line splitter) unchanged. */
void bs_mail_route(struct bs_engine *e, const char *data, size_t len,
                   bs_plain_fn *log);
/* The end of an input (cut: a zstd archive ended inside a frame). */
void bs_mail_end(struct bs_engine *e, bool cut, bs_plain_fn *log);
void bs_mail_free(struct bs_mail *m);
/* bs_engine_merge: adds next's mail counters to e's. */
void bs_mail_merge(struct bs_engine *e, const struct bs_engine *next);

#endif
