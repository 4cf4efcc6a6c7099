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
/* End of input: deliver a pending unterminated line, reset the state. */
void bs_lines_finish(struct bs_lines *l, bs_line_fn *fn, void *ctx);

#endif
