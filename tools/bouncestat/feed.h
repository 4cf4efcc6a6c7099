/*
 * feed.h - one input's bytes into an engine that other inputs share
 *
 * The engine has one current input (begin_input .. end_input) and keeps
 * that input's partial last line. In stream mode several inputs are open
 * at once: stdin, many followed files, a rotated file still being drained
 * next to its successor. A feed therefore hands the engine only complete
 * lines, each batch inside its own begin_input/end_input, and keeps the
 * partial last line itself until its newline comes or bs_feed_end() takes
 * it as it is. Between two batches any other feed may use the engine.
 *
 * zstd data cannot be cut at line ends. A feed sniffs the first four
 * bytes (the engine's magic numbers); a zstd input switches to raw mode:
 * its engine input stays open from the first byte to bs_feed_end(), and
 * while bs_feed_is_raw() is true no other feed may touch the engine. The
 * caller enforces that; feeds made with allow_raw false refuse zstd data
 * instead (BS_FEED_REFUSED) and drop it.
 *
 * A held line never grows past max_line + 1 bytes: a longer one is handed
 * over cut, which the engine counts once as oversize, and its rest is
 * dropped up to the next newline, as the engine itself does.
 */
#ifndef BS_FEED_H
#define BS_FEED_H

#include "bouncestat.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { BS_FEED_OK = 0, BS_FEED_CORRUPT = -1, BS_FEED_REFUSED = -2 };

enum bs_feed_mode { BS_FEED_SNIFF, BS_FEED_LINES, BS_FEED_RAW,
                    BS_FEED_DEAD };

struct bs_feed {
    struct bs_engine *e;
    const char *name;    /* borrowed; names the input in engine messages */
    int64_t ref_time;    /* for the next batch; see bs_feed_set_time */
    enum bs_feed_mode mode;
    bool allow_raw;
    bool skipping;       /* dropping the rest of an oversize line */
    char *held;          /* partial last line (lines mode), sniffed head */
    size_t nheld, max_line;
};

/* name must outlive the feed. max_line is the engine's option. */
void bs_feed_init(struct bs_feed *f, struct bs_engine *e, const char *name,
                  size_t max_line, bool allow_raw);
void bs_feed_fini(struct bs_feed *f);
/* The reference time (Unix seconds) for BSD timestamps of later batches:
 * the file's mtime, or now for stdin. */
void bs_feed_set_time(struct bs_feed *f, int64_t ref_time);
/* Takes len bytes. Returns BS_FEED_OK, BS_FEED_CORRUPT (raw input: the
 * rest is ignored, bs_engine_input_error says why) or BS_FEED_REFUSED
 * (zstd data and !allow_raw: this input is ignored from now on). */
int bs_feed_bytes(struct bs_feed *f, const char *data, size_t len);
/* Ends the input: a held partial line is counted as a line when flush is
 * true and dropped otherwise (the input was cut short on purpose); a raw
 * input's engine input is ended. Returns 0 or BS_FEED_CORRUPT (a
 * truncated zstd archive). The feed can then start a new input. */
int bs_feed_end(struct bs_feed *f, bool flush);
bool bs_feed_is_raw(const struct bs_feed *f);
/* Bytes of a partial last line waiting for their newline. */
size_t bs_feed_pending(const struct bs_feed *f);
/* Dropping the rest of an oversize line that was counted (up to its
 * newline)? A checkpoint records it (struct bs_input_mark). */
bool bs_feed_in_long_line(const struct bs_feed *f);
/* The input goes on in the middle of a plain file (resumed from a
 * checkpoint): lines mode, no sniffing; in_long_line drops the bytes up to
 * the first newline. Call before the first bs_feed_bytes. */
void bs_feed_resume_lines(struct bs_feed *f, bool in_long_line);

#endif
