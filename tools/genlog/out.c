/*
 * out.c - allocating and flushing the buffer, zero-padded numbers
 */
#include "out.h"

#include <stdlib.h>

void out_init(struct out *o, FILE *fp)
{
    *o = (struct out){.fp = fp};
    o->buf = xcalloc(OUT_CAP, 1);
}

void out_fini(struct out *o)
{
    free(o->buf);
    o->buf = NULL;
}

void out_flush(struct out *o)
{
    if (o->len && fwrite(o->buf, 1, o->len, o->fp) != o->len)
        o->failed = 1;
    o->flushed += o->len;
    o->len = 0;
}

void out_padded(struct out *o, uint64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        o->buf[o->len + (size_t)i] = (char)('0' + v % 10);
        v /= 10;
    }
    o->len += (size_t)width;
}
