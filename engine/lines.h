/*
 * lines.h - cut a stream of chunks into complete lines
 *
 * Chunks of any size go in (one byte at a time gives the same lines as the
 * whole input at once). Each complete line is passed to the callback
 * without its '\n' (and without a '\r' before it), pointing into the
 * caller's chunk when the line lies wholly inside it and into the
 * splitter's own carry buffer otherwise; either way it is valid only
 * during the callback.
 *
 * Lines longer than max_len are cut: the callback receives the first
 * max_len bytes once with oversize set, the rest of that line is dropped.
 * bs_lines_finish() passes a last line that has no newline.
 */
#ifndef BS_LINES_H
#define BS_LINES_H

#include "common.h"

typedef void bs_line_fn(void *ctx, const char *line, size_t len,
                        bool oversize);

struct bs_lines {
    char *carry;      /* partial line from earlier chunks */
    size_t carry_len;
    size_t max_len;
    bool skipping;    /* inside the dropped tail of an oversize line */
    uint64_t lines;   /* lines delivered, oversize ones included */
    uint64_t oversize;
};

void bs_lines_init(struct bs_lines *l, size_t max_len);
void bs_lines_fini(struct bs_lines *l);
void bs_lines_feed(struct bs_lines *l, const char *data, size_t len,
                   bs_line_fn *fn, void *ctx);

/* The same lines for a loop of the caller's own, without a call through
 * fn for each line that lies wholly in the chunk:
 *     const char *p = bs_lines_resume(l, data, end, fn, ctx);
 *     while (bs_lines_next(l, &p, end, &line, &n, &oversize))
 *         ... the line ...
 *     bs_lines_hold(l, p, end, fn, ctx);
 * is bs_lines_feed(l, data, end - data, fn, ctx). bs_lines_resume ends a
 * line carried from earlier chunks (through fn) and returns where the
 * chunk's own lines start (end when the chunk ends inside the carried
 * line); bs_lines_hold keeps the unterminated rest for the next chunk
 * (fn gets it cut if it outgrows max_len). */
const char *bs_lines_resume(struct bs_lines *l, const char *p,
                            const char *end, bs_line_fn *fn, void *ctx);
void bs_lines_hold(struct bs_lines *l, const char *p, const char *end,
                   bs_line_fn *fn, void *ctx);

/* A line of n bytes at line as fn gets it, counted: its length without
 * the '\r' before its newline (a cut one keeps its last byte). */
static inline size_t bs_lines_count(struct bs_lines *l, const char *line,
                                    size_t n, bool oversize)
{
    l->lines++;
    if (oversize) {
        l->oversize++;
        return n;
    }
    return n && line[n - 1] == '\r' ? n - 1 : n;
}

/* The next line of [*p, end) whose '\n' is there (then *p is after it),
 * as fn would get it; false when there is none. */
static inline bool bs_lines_next(struct bs_lines *l, const char **p,
                                 const char *end, const char **line,
                                 size_t *n, bool *oversize)
{
    if (*p >= end)
        return false;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    if (!nl)
        return false;
    size_t len = (size_t)(nl - *p);
    *line = *p;
    *p = nl + 1;
    *oversize = len > l->max_len;
    *n = bs_lines_count(l, *line, *oversize ? l->max_len : len, *oversize);
    return true;
}

/* End of input: deliver a pending unterminated line, reset the state. */
void bs_lines_finish(struct bs_lines *l, bs_line_fn *fn, void *ctx);

#endif
