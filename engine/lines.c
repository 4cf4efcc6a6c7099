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
    if (!oversize && n && p[n - 1] == '\r')
        n--;
    l->lines++;
    if (oversize)
        l->oversize++;
    fn(ctx, p, n, oversize);
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

void bs_lines_feed(struct bs_lines *l, const char *data, size_t len,
                   bs_line_fn *fn, void *ctx)
{
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            bs_lines_carry(l, p, (size_t)(end - p), fn, ctx);
            return;
        }
        size_t n = (size_t)(nl - p);
        if (l->skipping) {
            l->skipping = false;
        } else if (l->carry_len) {
            bs_lines_carry(l, p, n, fn, ctx);
            if (l->skipping)
                l->skipping = false;
            else
                bs_lines_emit(l, l->carry, l->carry_len, false, fn, ctx);
            l->carry_len = 0;
        } else if (n > l->max_len) {
            bs_lines_emit(l, p, l->max_len, true, fn, ctx);
        } else {
            bs_lines_emit(l, p, n, false, fn, ctx);
        }
        p = nl + 1;
    }
}

void bs_lines_finish(struct bs_lines *l, bs_line_fn *fn, void *ctx)
{
    if (l->carry_len && !l->skipping)
        bs_lines_emit(l, l->carry, l->carry_len, false, fn, ctx);
    l->carry_len = 0;
    l->skipping = false;
}
