/*
 * lines.c - memchr-driven line splitter with a bounded carry buffer
 *
 * The carry buffer never exceeds max_len bytes: a line that would outgrow
 * it is delivered cut (oversize) and its remainder skipped up to the next
 * newline, so one endless line cannot grow memory or stall the stream.
 */
#include "lines.h"

#include <stdlib.h>

void bs_lines_init(struct bs_lines *l, size_t max_len)
{
    memset(l, 0, sizeof *l);
    l->max_len = max_len ? max_len : 1;
    l->carry = bs_xmalloc(l->max_len);
}

void bs_lines_fini(struct bs_lines *l)
{
    free(l->carry);
    l->carry = NULL;
}

static void bs_lines_emit(struct bs_lines *l, const char *p, size_t n,
                          bool oversize, bs_line_fn *fn, void *ctx)
{
    fn(ctx, p, bs_lines_count(l, p, n, oversize), oversize);
}

/* Appends to the carry; delivers it cut when it reaches max_len. */
static void bs_lines_carry(struct bs_lines *l, const char *p, size_t n,
                           bs_line_fn *fn, void *ctx)
{
    if (l->skipping)
        return;
    size_t room = l->max_len - l->carry_len;
    if (n <= room) {
        memcpy(l->carry + l->carry_len, p, n);
        l->carry_len += n;
        return;
    }
    memcpy(l->carry + l->carry_len, p, room);
    bs_lines_emit(l, l->carry, l->max_len, true, fn, ctx);
    l->carry_len = 0;
    l->skipping = true;
}

const char *bs_lines_resume(struct bs_lines *l, const char *p,
                            const char *end, bs_line_fn *fn, void *ctx)
{
    if (p >= end || (!l->carry_len && !l->skipping))
        return p;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) {
        bs_lines_carry(l, p, (size_t)(end - p), fn, ctx);
        return end;
    }
    if (l->skipping) {
        l->skipping = false;
    } else {
        bs_lines_carry(l, p, (size_t)(nl - p), fn, ctx);
        if (l->skipping)
            l->skipping = false;
        else
            bs_lines_emit(l, l->carry, l->carry_len, false, fn, ctx);
        l->carry_len = 0;
    }
    return nl + 1;
}

void bs_lines_hold(struct bs_lines *l, const char *p, const char *end,
                   bs_line_fn *fn, void *ctx)
{
    if (p < end)
        bs_lines_carry(l, p, (size_t)(end - p), fn, ctx);
}

void bs_lines_feed(struct bs_lines *l, const char *data, size_t len,
                   bs_line_fn *fn, void *ctx)
{
    const char *end = data + len, *p = bs_lines_resume(l, data, end, fn, ctx);
    const char *line;
    size_t n;
    bool oversize;
    while (bs_lines_next(l, &p, end, &line, &n, &oversize))
        fn(ctx, line, n, oversize);
    bs_lines_hold(l, p, end, fn, ctx);
}

void bs_lines_finish(struct bs_lines *l, bs_line_fn *fn, void *ctx)
{
    if (l->carry_len && !l->skipping)
        bs_lines_emit(l, l->carry, l->carry_len, false, fn, ctx);
    l->carry_len = 0;
    l->skipping = false;
}
