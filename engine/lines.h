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

/* The newlines of a chunk, found ahead of the line loop: a window of up
 * to BS_LINES_WINDOW bytes at a time, 64 bytes to a 64-bit mask, turned
 * into offsets without a branch per newline when a mask has one or two
 * (lines of a maillog are 60 to 300 bytes). memchr for each line ran a
 * loop whose exit the branch predictor could not guess: one miss a line,
 * and a call. The window is read in place and never beyond end. */
#define BS_LINES_WINDOW 4096 /* a multiple of 64 */

struct bs_line_iter {
    const char *p;      /* the next line starts here */
    const char *window; /* the window the offsets are from */
    const char *next;   /* where the next window starts */
    const char *end;
    uint32_t n, i;      /* offsets found in the window, taken */
    uint16_t off[BS_LINES_WINDOW + 2]; /* two spare for branch-free writes */
};

/* The mask of the newlines of the 64 bytes at b: bit j for b[j] (SSE2,
 * or byte by byte; bs_lines_scan_window uses AVX2 where the CPU has it). */
uint64_t bs_lines_newline_mask(const char *b);
/* Finds the newlines of the window at it->next (it->n of them, possibly
 * none) and moves it->next past it. */
void bs_lines_scan_window(struct bs_line_iter *it);

/* The same lines for a loop of the caller's own, without a call through
 * fn for each line that lies wholly in the chunk:
 *     struct bs_line_iter it;
 *     bs_lines_begin(&it, bs_lines_resume(l, data, end, fn, ctx), end);
 *     while (bs_lines_next(l, &it, &line, &n, &oversize))
 *         ... the line ...
 *     bs_lines_hold(l, it.p, end, fn, ctx);
 * is bs_lines_feed(l, data, end - data, fn, ctx). bs_lines_resume ends a
 * line carried from earlier chunks (through fn) and returns where the
 * chunk's own lines start (end when the chunk ends inside the carried
 * line); bs_lines_hold keeps the unterminated rest for the next chunk
 * (fn gets it cut if it outgrows max_len). */
const char *bs_lines_resume(struct bs_lines *l, const char *p,
                            const char *end, bs_line_fn *fn, void *ctx);
void bs_lines_hold(struct bs_lines *l, const char *p, const char *end,
                   bs_line_fn *fn, void *ctx);

static inline void bs_lines_begin(struct bs_line_iter *it, const char *p,
                                  const char *end)
{
    it->p = it->window = it->next = p;
    it->end = end;
    it->n = it->i = 0;
}

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

/* The next line of the iterator's bytes whose '\n' is there (then it->p
 * is after it), as fn would get it; false when there is none. */
static inline bool bs_lines_next(struct bs_lines *l, struct bs_line_iter *it,
                                 const char **line, size_t *n,
                                 bool *oversize)
{
    while (it->i == it->n) {
        if (it->next >= it->end)
            return false;
        bs_lines_scan_window(it);
    }
    const char *nl = it->window + it->off[it->i++];
    size_t len = (size_t)(nl - it->p);
    *line = it->p;
    it->p = nl + 1;
    *oversize = len > l->max_len;
    *n = bs_lines_count(l, *line, *oversize ? l->max_len : len, *oversize);
    return true;
}

/* End of input: deliver a pending unterminated line, reset the state. */
void bs_lines_finish(struct bs_lines *l, bs_line_fn *fn, void *ctx);

#endif
