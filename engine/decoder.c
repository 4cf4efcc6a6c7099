/*
 * decoder.c - bs_decoder: an input's decoding without an engine, so it can
 * run on a thread of its own (bouncestat.h)
 */
#include "bouncestat.h"
#include "decode.h"

#include <stdio.h>
#include <stdlib.h>

struct bs_decoder {
    struct bs_decode *decode;
    char name[256];
    char error[512];
};

struct bs_decoder *bs_decoder_new(const char *name)
{
    struct bs_decoder *d = bs_xcalloc(1, sizeof *d);
    d->decode = bs_decode_new();
    snprintf(d->name, sizeof d->name, "%s", name);
    return d;
}

void bs_decoder_free(struct bs_decoder *d)
{
    if (!d)
        return;
    bs_decode_free(d->decode);
    free(d);
}

int bs_decoder_feed(struct bs_decoder *d, const void *data, size_t len,
                    bs_decoded_fn *fn, void *ctx)
{
    if (d->error[0])
        return -1;
    if (bs_decode_feed(d->decode, data, len, fn, ctx) == BS_DECODE_OK)
        return 0;
    bs_decode_describe_error(d->decode, d->name, false, d->error,
                             sizeof d->error);
    return -1;
}

int bs_decoder_finish(struct bs_decoder *d, bs_decoded_fn *fn, void *ctx)
{
    if (d->error[0])
        return -1;
    if (bs_decode_finish(d->decode, fn, ctx) == BS_DECODE_OK)
        return 0;
    bs_decode_describe_error(d->decode, d->name, true, d->error,
                             sizeof d->error);
    return -1;
}

const char *bs_decoder_error(const struct bs_decoder *d)
{
    return d->error;
}
