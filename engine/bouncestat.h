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

/* Called with each line that looks like a delivery line but does not
 * parse; the bytes are valid during the call only. */
typedef void bs_unparsed_fn(void *ctx, const char *line, size_t len);

struct bs_engine_options {
    int year;                 /* year of BSD timestamps; 0: infer */
    size_t max_line;          /* longer lines are cut and counted */
    size_t max_messages;      /* correlation table cap (100,000) */
    int64_t message_ttl;      /* seconds of log time a message is kept */
    size_t max_cells;         /* aggregate cap (300,000) */
    uint32_t max_strings;     /* distinct domains and details (200,000) */
    bs_unparsed_fn *unparsed_fn;
    void *unparsed_ctx;
};

enum bs_format { BS_FORMAT_TEXT, BS_FORMAT_JSON, BS_FORMAT_CSV };

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
 * "provider". Returns 0, or -1 with a message in err (bad keys). */
int bs_engine_render(struct bs_engine *e, enum bs_format format,
                     const char *by, char **out, size_t *outlen, char *err,
                     size_t errlen);
/* A compact summary for a live view, refreshed while input goes on:
 * as text (no line longer than width columns, at most height lines;
 * 0 means no limit) or as one JSON object on one line ending in '\n'.
 * Heap buffer; the caller frees it. Does not change the engine. */
void bs_engine_render_live(struct bs_engine *e, int json, int width,
                           int height, char **out, size_t *outlen);

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

const char *bs_version(void);

#endif
