/*
 * bouncestat.h - the public API of the bouncestat engine
 *
 * The engine is sans-IO: it is pushed bytes and asked for reports. It never
 * opens files, reads the clock or prints; file names and reference times
 * come in as parameters. One engine is single-threaded; run one engine per
 * thread.
 *
 *     struct bs_engine *e = bs_engine_new(&opts, err, sizeof err);
 *     bs_engine_begin_input(e, "maillog", mtime);
 *     while ((n = read(fd, buf, sizeof buf)) > 0)
 *         bs_engine_feed(e, buf, n);
 *     bs_engine_end_input(e);
 *     bs_engine_finish(e);
 *     bs_engine_render(e, BS_FORMAT_TEXT, NULL, &text, &len, err, size);
 *
 * Errors are negative return values with a message written to the
 * caller's err buffer (or kept for bs_engine_input_error); nothing in the
 * engine prints.
 */
#ifndef BOUNCESTAT_H
#define BOUNCESTAT_H

#include <stddef.h>
#include <stdint.h>

struct bs_engine;

/* Called with each alert notification (struct bs_alert_event, below). */
struct bs_alert_event;
typedef void bs_alert_fn(void *ctx, const struct bs_alert_event *ev);

/* Called with each line that looks like a delivery line but does not
 * parse; the bytes are valid during the call only. */
typedef void bs_unparsed_fn(void *ctx, const char *line, size_t len);

/* A time zone as data: the offset from UTC, in seconds east, in force at
 * the UTC instant utc. The engine keeps hours in UTC and calls this only
 * to label days and hours in reports (and bs_tz_fixed is one such
 * function: ctx points to an int32_t offset). The tool builds it from
 * --tz (tools/bouncestat/cmd_report.c: localtime_r under TZ). It must
 * give the same answer for the same instant for the engine's lifetime. */
typedef int32_t bs_utc_offset_fn(void *ctx, int64_t utc);
int32_t bs_tz_fixed(void *ctx, int64_t utc);

struct bs_engine_options {
    int year;                 /* year of BSD timestamps; 0: infer */
    size_t max_line;          /* longer lines are cut and counted */
    size_t max_messages;      /* correlation table cap (100,000) */
    int64_t message_ttl;      /* seconds of log time a message is kept */
    size_t max_cells;         /* aggregate cap (300,000) */
    uint32_t max_strings;     /* distinct domains and details (200,000) */
    /* Bytes of lines a parallel segment keeps for the merge (64 MiB);
     * past it they are counted where they are, their sender unknown. */
    size_t max_held;
    bs_unparsed_fn *unparsed_fn;
    void *unparsed_ctx;
    /* Local time of report days and hours (CSV day/hour, text, HTML,
     * Markdown); NULL: UTC. JSON rows and saved aggregates stay UTC. */
    bs_utc_offset_fn *tz_offset;
    void *tz_ctx;
    /* A log-time window [since, until), Unix seconds, when window is
     * non-zero (--since, --until, --month). Events outside it still join
     * deliveries to their messages but are not counted: their outcomes go
     * to bs_engine_window_stats() instead. */
    int window;
    int64_t since, until;
    /* Alerts (bs_engine_add_alert_rule, doc/alerts.md): called for each
     * notification, from inside bs_engine_feed; it must not call back
     * into the engine. NULL: notifications are dropped. */
    bs_alert_fn *alert_fn;
    void *alert_ctx;
    int64_t alert_renotify; /* seconds between repeats; 0: never */
};

enum bs_format { BS_FORMAT_TEXT, BS_FORMAT_JSON, BS_FORMAT_CSV,
                 BS_FORMAT_HTML, BS_FORMAT_MD };

/* Fills o with the defaults (64 KiB lines, 1M messages, 8 days, ...). */
void bs_engine_options_default(struct bs_engine_options *o);

/* A new engine with the shipped providers and rules. NULL with a message
 * in err when the shipped data does not load (a build fault). */
struct bs_engine *bs_engine_new(const struct bs_engine_options *o,
                                char *err, size_t errlen);
void bs_engine_free(struct bs_engine *e);

/* Adds classification rules (a --patterns file's text). Returns 0, or -1
 * with "SOURCE:LINE: message" in err. */
int bs_engine_add_rules(struct bs_engine *e, const char *source,
                        const char *text, size_t len, char *err,
                        size_t errlen);

/* Starts an input. name is used in messages; ref_time (Unix seconds, e.g.
 * the file's mtime, or now for stdin) places BSD timestamps in a year when
 * options.year is 0. Correlation state carries over between inputs. */
void bs_engine_begin_input(struct bs_engine *e, const char *name,
                           int64_t ref_time);
/* Feeds bytes of the current input (plain or zstd, detected by magic).
 * Returns 0, or -1 when the input is corrupt: what came before is counted,
 * the rest of this input is ignored, bs_engine_input_error() says where. */
int bs_engine_feed(struct bs_engine *e, const void *data, size_t len);
/* Ends the current input; -1 when a zstd frame was cut short. */
int bs_engine_end_input(struct bs_engine *e);
/* "NAME: corrupt zstd data at byte offset N (reason)", or "". Valid until
 * the next begin_input. */
const char *bs_engine_input_error(const struct bs_engine *e);

/* ---- Decoding apart from counting (decoder.c) ----
 *
 * bs_engine_feed decodes zstd itself, on the caller's thread. A tool that
 * has a core to spare decodes on another thread with a bs_decoder (which
 * never touches an engine) and hands the engine the text. */
typedef void bs_decoded_fn(void *ctx, const char *text, size_t len);
struct bs_decoder;
/* A decoder for one input (plain or zstd, by magic, as the engine
 * decides); name is used in messages. */
struct bs_decoder *bs_decoder_new(const char *name);
void bs_decoder_free(struct bs_decoder *d);
/* Decodes bytes; the text goes to fn (valid during the call). Returns 0,
 * or -1 when the data is corrupt: the text before it was passed on, the
 * rest is ignored, bs_decoder_error() has the engine's message. */
int bs_decoder_feed(struct bs_decoder *d, const void *data, size_t len,
                    bs_decoded_fn *fn, void *ctx);
/* End of the input: -1 when it ends inside a zstd frame. */
int bs_decoder_finish(struct bs_decoder *d, bs_decoded_fn *fn, void *ctx);
const char *bs_decoder_error(const struct bs_decoder *d);
/* An input whose text a bs_decoder made: as bs_engine_begin_input, but
 * nothing is decoded again. */
void bs_engine_begin_decoded_input(struct bs_engine *e, const char *name,
                                   int64_t ref_time);
/* Text of it; input_bytes is how many bytes of the file it came from
 * (counted as read). 0, or -1 after the input was cut. */
int bs_engine_feed_decoded(struct bs_engine *e, const char *text,
                           size_t len, uint64_t input_bytes);
/* The decoder failed: the input ends as a damaged one (why is the
 * message bs_engine_input_error() gives); then bs_engine_end_input()
 * returns -1, as after a corrupt feed. */
void bs_engine_cut_input(struct bs_engine *e, const char *why);

/* Parallel runs: an engine for a piece of input that follows another
 * piece holds back the lines about messages it did not see begin, for
 * bs_engine_merge. */
void bs_engine_set_segment(struct bs_engine *e, int follows_another);
/* Adds what next counted to e as if next's input had been fed to e after
 * e's own (next's piece must directly follow e's). next is spent: free it
 * afterwards. Call before bs_engine_finish. */
void bs_engine_merge(struct bs_engine *e, struct bs_engine *next);

/* A failure known from a returned bounce mail (a DSN) rather than from a
 * log line. Strings are borrowed for the call; any may be NULL or "". */
struct bs_bounce_event {
    int64_t time;           /* Arrival-Date or Date, Unix seconds */
    const char *sender;     /* the original's envelope sender or From */
    const char *recipient;  /* Final-Recipient (or Original-Recipient) */
    const char *remote_mta; /* Remote-MTA host name or IP */
    const char *status;     /* Status: "5.1.1" */
    const char *text;       /* Diagnostic-Code, folded lines joined */
    int delayed;            /* Action: delayed (a deferral, not a bounce) */
};
/* Counts one bounce like a log's delivery line: provider, sender domain,
 * category and outcome (bounced, or deferred when delayed). */
void bs_engine_count_bounce(struct bs_engine *e,
                            const struct bs_bounce_event *b);

/* No more input: recipients still deferred become "pending". */
void bs_engine_finish(struct bs_engine *e);

/* Renders a report into a heap buffer the caller frees with free().
 * by is the CSV key list ("provider,sender_domain"); NULL or "" means
 * "provider". HTML and MD give bs_engine_report() with its defaults.
 * Returns 0, or -1 with a message in err (bad keys). */
int bs_engine_render(struct bs_engine *e, enum bs_format format,
                     const char *by, char **out, size_t *outlen, char *err,
                     size_t errlen);
/* A compact summary for a live view, refreshed while input goes on:
 * as text (no line longer than width columns, at most height lines;
 * 0 means no limit) or as one JSON object on one line ending in '\n'.
 * Heap buffer; the caller frees it. Does not change the engine. */
void bs_engine_render_live(struct bs_engine *e, int json, int width,
                           int height, char **out, size_t *outlen);

/* What the window left out: the outcomes of events outside it (and of
 * loaded cells outside it), and the loaded cells and held lines. */
struct bs_window_stats {
    uint64_t sent, bounced, expired, deferred;
    uint64_t cells_outside; /* loaded cells outside the window */
    uint64_t lines_outside; /* loaded held lines outside the window */
};
void bs_engine_window_stats(const struct bs_engine *e,
                            struct bs_window_stats *out);

/* The deliverability report (`bouncestat report`): totals and failure
 * rate, daily failure rate per provider and daily volume, sender domains
 * ranked by failures and by rate, categories per provider, top reasons
 * with samples and hints, authentication failures per sender domain,
 * and a comparison with a previous period. */
enum bs_lang { BS_LANG_EN, BS_LANG_JA };

/* DNS checks in the report (`report --dns`). The engine does no DNS: the
 * tool looks up the SPF, DMARC and reverse DNS of the sender domains with
 * authentication failures (as `bouncestat diagnose` does) and hands the
 * findings over as data; the report prints them in the order given, in
 * its "Authentication DNS checks" section. Strings are borrowed for the
 * bs_engine_report call; they hold what DNS served, so every printer
 * escapes them. Finding texts and fixes are English in every language. */
enum bs_report_dns_level { BS_REPORT_DNS_OK, BS_REPORT_DNS_INFO,
                           BS_REPORT_DNS_WARN, BS_REPORT_DNS_FAIL,
                           BS_REPORT_DNS_ERROR /* DNS could not tell */ };
struct bs_report_dns_finding {
    enum bs_report_dns_level level;
    const char *check;  /* "spf", "dmarc", "ptr", "from" */
    const char *text;
    const char *fix;    /* "": nothing to change */
};
struct bs_report_dns_domain {
    const char *domain;
    int problems;       /* a warn, fail or error finding */
    const char *const *ips; /* the sending IPs checked */
    size_t nips;
    const struct bs_report_dns_finding *findings;
    size_t nfindings;
};
struct bs_report_dns {
    const struct bs_report_dns_domain *domains;
    size_t ndomains;
    size_t not_checked; /* more sender domains that failed (past --top) */
    unsigned queries;   /* DNS queries sent */
    unsigned failed;    /* of which failed: timeout, SERVFAIL, refused */
    unsigned limited;   /* not sent: over the query limit */
};

struct bs_report_options {
    enum bs_format format;  /* HTML, MD, CSV (the tables) or JSON */
    enum bs_lang lang;      /* headings, labels and hints */
    const char *period;     /* "2026-10"; NULL: from the window or data */
    const char *tz_name;    /* shown with times; NULL: the UTC offset */
    struct bs_engine *previous; /* --compare: the period before, or NULL */
    uint64_t min_volume;    /* least deliveries to rank by rate (100) */
    unsigned top;           /* rows per ranking (15) */
    const struct bs_report_dns *dns; /* --dns: the section; NULL: none */
};
void bs_report_options_default(struct bs_report_options *o);
/* Renders the report into a heap buffer the caller frees. Call after
 * bs_engine_finish (of previous too). Returns 0, or -1 with a message
 * (a format without a report). Deterministic: no clock, no host name. */
int bs_engine_report(struct bs_engine *e, const struct bs_report_options *o,
                     char **out, size_t *outlen, char *err, size_t errlen);

/* Saved aggregates (doc/json.md "Saved aggregates"): one JSON object with
 * a format version, the cells with string keys, samples with their rule
 * ids, unexplained texts, the counters, the messages still open and, for
 * an engine in segment mode, the lines held for a merge. Writes a heap
 * buffer the caller frees; the engine is not changed. */
void bs_engine_save(struct bs_engine *e, char **out, size_t *outlen);
/* Adds a saved aggregate to e exactly as bs_engine_merge adds an engine
 * whose input followed e's: held lines are replayed against e, cells and
 * samples added, open messages adopted, counters summed. Cells outside
 * e's window are left out and counted. name is used in messages. Returns
 * the number of samples naming a rule e does not have (their hints are
 * lost: load the same --patterns), or -1 with "NAME: byte N: message" in
 * err, e unchanged. Never reads past text + len; any bytes are safe. */
int bs_engine_load(struct bs_engine *e, const char *text, size_t len,
                   const char *name, char *err, size_t errlen);

/* ---- Checkpoints (--state, checkpoint.c, doc/json.md "State files") ----
 *
 * A checkpoint is a saved aggregate (bs_engine_save) with one more member,
 * "resume": the engine's own carry-over between inputs (the year of BSD
 * stamps under --year) and the caller's input marks, where each input it
 * reads stood when the checkpoint was taken. The engine does no IO: the
 * caller writes the text (atomically) and reads it back. A checkpoint must
 * be taken between batches of whole lines (never inside a zstd input), so
 * that "counted" and "before the mark" are the same lines. */
#define BS_MARK_HEAD_MAX 1024
struct bs_input_mark {
    const char *path;     /* the name the input was given by */
    int rotated;          /* a rotated predecessor still being read */
    uint64_t dev, ino;    /* the file's identity */
    uint64_t offset;      /* every line before it counted, none after */
    int in_long_line;     /* offset is inside an oversize line that was
                             counted: skip to its newline */
    size_t head_len;      /* the file's first bytes, up to the offset */
    unsigned char head[BS_MARK_HEAD_MAX];
};
/* Writes the checkpoint into a heap buffer the caller frees. */
void bs_engine_checkpoint(struct bs_engine *e,
                          const struct bs_input_mark *marks, size_t nmarks,
                          char **out, size_t *outlen);
/* Loads a checkpoint into a new engine (one that has been given no input
 * yet) and returns its marks in a heap array (*marks, *nmarks; paths
 * inside it) the caller frees with bs_input_marks_free. Returns as
 * bs_engine_load: unknown rules, or -1 with "NAME: byte N: message" (a
 * file that is not a checkpoint, another version, damage), e unchanged. */
int bs_engine_resume(struct bs_engine *e, const char *text, size_t len,
                     const char *name, struct bs_input_mark **marks,
                     size_t *nmarks, char *err, size_t errlen);
void bs_input_marks_free(struct bs_input_mark *marks, size_t nmarks);

/* Checks a CSV key list without rendering. 0 or -1 with a message. */
int bs_csv_keys_check(const char *by, char *err, size_t errlen);

/* What the rules make of one failure text (`bouncestat patterns --test`):
 * "key: value" lines for rule, category, detail, severity, hint and
 * hint.ja, rendered into a heap buffer the caller frees. provider is a
 * provider id or NULL (decided from recipient, when given, else "other");
 * dsn and recipient may be NULL. Returns 0, or -1 with a message. */
int bs_engine_explain(struct bs_engine *e, const char *provider,
                      const char *recipient, const char *dsn,
                      const char *text, char **out, size_t *outlen,
                      char *err, size_t errlen);
/* Lists the rules in the order they are tried, one block per rule, into
 * a heap buffer the caller frees. */
void bs_engine_list_rules(struct bs_engine *e, char **out, size_t *outlen);

/* Line counters: read = parsed + skipped + foreign + no_prefix + unparsed
 * + oversize always holds. */
struct bs_line_stats {
    uint64_t bytes, read, parsed, skipped, foreign, no_prefix, unparsed,
        oversize;
};
void bs_engine_line_stats(const struct bs_engine *e,
                          struct bs_line_stats *out);

/* ---- Bounce mails as input (mail_input.c)
 *
 * An input whose first non-blank line (after zstd decoding) is an mbox
 * "From " line or an RFC 5322 header (Return-Path:, Received:, From:,
 * Delivered-To:, X-...:) is read as mail: an mbox, or one message. Each
 * message that is a bounce (an RFC 3464 report, or the text of qmail,
 * Exim, Sendmail, Exchange, Gmail, Yahoo, Japanese carriers, ...) counts
 * each failed recipient with bs_engine_count_bounce(): "bounced", or
 * "deferred" for a delay warning. bs_engine_feed() and end_input() are
 * used as for logs. */

/* Starts an input known to be one message (a Maildir file): no sniffing,
 * no mbox splitting. Otherwise as bs_engine_begin_input(). */
void bs_engine_begin_mail_input(struct bs_engine *e, const char *name,
                                int64_t ref_time);
/* Does an input that starts with these bytes start with a zstd frame (or a
 * skippable frame)? 1 or 0; fewer than 4 bytes are never zstd. The same
 * test the engine's input decoding makes. */
int bs_input_is_zstd(const void *data, size_t len);
/* Does an input that starts with these (plain, decoded) bytes read as
 * mail? 1 or 0; give at least its first line (up to 4 KiB). For tools
 * that must not cut a mailbox into pieces (parallel runs). */
int bs_input_is_mail(const void *data, size_t len);
/* Messages longer than max_message bytes are skipped and counted
 * (default 16 MiB; 0 restores it). */
void bs_engine_set_mail_limit(struct bs_engine *e, size_t max_message);

/* messages = bounces + not_bounces + malformed + oversize always holds. */
struct bs_mail_stats {
    uint64_t messages;     /* messages read, oversize ones included */
    uint64_t bounces;      /* read as bounces */
    uint64_t recipients;   /* failures counted (bounced and deferred) */
    uint64_t delayed;      /* of which from delay warnings (deferred) */
    uint64_t not_bounces;  /* ordinary mail, auto-replies, feedback
                              reports, success notices: skipped */
    uint64_t feedback_reports; /* of which ARF feedback reports */
    uint64_t malformed;    /* bounces with no readable recipient, and
                              messages cut short by a damaged archive */
    uint64_t oversize;     /* longer than the limit: skipped */
    uint64_t recipients_delivered; /* reported delivered: not counted */
    uint64_t recipients_dropped;   /* past 64 recipients in one bounce */
};
void bs_engine_mail_stats(const struct bs_engine *e,
                          struct bs_mail_stats *out);

/* What a bounce would count as, without counting it: the provider,
 * category, detail and rule id (strings owned by the engine) and whether
 * it is a hard failure. */
struct bs_bounce_class {
    const char *provider, *category, *detail, *rule;
    int hard;
};
void bs_engine_classify_bounce(struct bs_engine *e,
                               const struct bs_bounce_event *b,
                               struct bs_bounce_class *out);

/* ---- Sender domains that failed authentication (auth_senders.c) ----
 * For `bouncestat diagnose`: each sender domain with authfailure or
 * requireptr outcomes, with the IPs its bounce texts name as the sending
 * IP (from the kept samples, not every bounce). */
struct bs_auth_sender {
    char domain[256];
    uint64_t authfailure, requireptr; /* bounced, expired and deferred */
    char details[64];   /* "dmarc,spf": authfailure details seen */
    char ips[8][46];    /* sending IPs named in bounce texts */
    unsigned nips;
    int freemail_from;  /* a rule says: free-mail From, third-party server */
};
/* The list, most failures first, as a heap array the caller frees with
 * free(); returns its length. Call after bs_engine_finish. */
size_t bs_engine_auth_senders(struct bs_engine *e,
                              struct bs_auth_sender **out);

const char *bs_version(void);

/* ---- Alerts and metrics (`bouncestat watch`, doc/alerts.md) ---- */

/* One alert notification: the JSON object (doc/alerts.md) and its main
 * fields for environment variables. Valid during the callback only. */
struct bs_alert_event {
    const char *json;     /* one object, no newline */
    size_t json_len;
    const char *state;    /* "firing" or "resolved" */
    int repeat;           /* a renotification of a firing alert */
    int64_t at;           /* log time of the evaluation, Unix seconds */
    int rule_index;
    const char *rule;     /* the rule's text, blanks normalised */
    const char *name;     /* the rule's name=, or "" */
    const char *key;      /* "provider=google category=authfailure" */
    const char *measure;  /* rate, deferral_rate, bounces, deferrals */
    double value;         /* a fraction for rates, else a count */
    uint64_t numerator, denominator;
    int64_t window;       /* seconds */
};

/* Adds an alert rule ("provider=google rate>5% window=15m min=200").
 * Returns its index, or -1 with "column N: message" in err (N counts
 * bytes of text from 1). Add rules before feeding input. */
int bs_engine_add_alert_rule(struct bs_engine *e, const char *text,
                             char *err, size_t errlen);
/* The end of input: evaluates the minute of the last counted outcome
 * (alerts are otherwise evaluated when log time crosses a minute). */
void bs_engine_alerts_flush(struct bs_engine *e);
/* "15m", "2h", "7d", "0m": a whole number of minutes into seconds.
 * Returns 0, or -1 when s is not such a duration. */
int bs_duration_parse(const char *s, int64_t *seconds);

/* Prometheus text exposition (version 0.0.4) of the engine's counters:
 * deliveries by provider, status and category; by sender domain for the
 * top_senders domains by volume (the rest as "other"; once a domain is
 * shown it stays, so every counter is monotonic); lines, parse errors,
 * bytes, correlation table size, last log time; alert rules. Heap
 * buffer; the caller frees it. */
void bs_engine_render_metrics(struct bs_engine *e, unsigned top_senders,
                              char **out, size_t *outlen);
/* For a watcher that runs for months and needs totals only (metrics):
 * cells of hours that ended more than keep seconds before the newest log
 * time lose their hour (it becomes 0, 1970-01-01T00), so the aggregate
 * stops growing with time. Totals, metrics and alerts are unchanged;
 * reports by day or hour are not meaningful afterwards. Cheap to call
 * often: it works once per hour of log time. Call between feeds. */
void bs_engine_forget_hours(struct bs_engine *e, int64_t keep);

#endif
