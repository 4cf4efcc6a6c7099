/*
 * decode.c - format sniffing and streaming zstd decompression
 *
 * The first four bytes of an input are collected before deciding the
 * format, so an input fed one byte at a time is sniffed the same way as
 * one fed whole. After a zstd error the rest of that input is ignored:
 * there is no safe way to resynchronise inside a zstd stream.
 */
#include "decode.h"

#include "bouncestat.h"

#include <stdio.h>
#include <stdlib.h>
#include <zstd.h>

enum bs_decode_mode { BS_MODE_SNIFF, BS_MODE_PLAIN, BS_MODE_ZSTD,
                      BS_MODE_FAILED };

struct bs_decode {
    enum bs_decode_mode mode;
    unsigned char head[4];
    size_t head_len;
    ZSTD_DCtx *dctx;
    char *out;
    size_t out_cap;
    uint64_t in_offset;   /* compressed bytes consumed */
    size_t frame_hint;    /* ZSTD_decompressStream's last return */
    uint64_t error_offset;
    const char *error_text;
};

struct bs_decode *bs_decode_new(void)
{
    struct bs_decode *d = bs_xcalloc(1, sizeof *d);
    d->out_cap = ZSTD_DStreamOutSize();
    d->out = bs_xmalloc(d->out_cap);
    bs_decode_reset(d);
    return d;
}

void bs_decode_free(struct bs_decode *d)
{
    if (!d)
        return;
    ZSTD_freeDCtx(d->dctx);
    free(d->out);
    free(d);
}

void bs_decode_reset(struct bs_decode *d)
{
    d->mode = BS_MODE_SNIFF;
    d->head_len = 0;
    d->in_offset = 0;
    d->frame_hint = 0;
    d->error_offset = 0;
    d->error_text = "";
    if (d->dctx)
        ZSTD_DCtx_reset(d->dctx, ZSTD_reset_session_and_parameters);
}

void bs_decode_set_plain(struct bs_decode *d)
{
    d->mode = BS_MODE_PLAIN;
}

void bs_decode_describe_error(const struct bs_decode *d, const char *name,
                              bool at_end, char *buf, size_t len)
{
    if (at_end)
        snprintf(buf, len, "%s: truncated zstd archive: %s at byte offset "
                 "%llu", name, d->error_text,
                 (unsigned long long)d->error_offset);
    else
        snprintf(buf, len, "%s: corrupt zstd data at byte offset %llu (%s)",
                 name, (unsigned long long)d->error_offset, d->error_text);
}

static bool bs_is_zstd_magic(const unsigned char *h)
{
    if (h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd)
        return true;
    /* Skippable frames: 0x184D2A50 .. 0x184D2A5F, little endian. */
    return (h[0] & 0xf0) == 0x50 && h[1] == 0x2a && h[2] == 0x4d &&
           h[3] == 0x18;
}

int bs_input_is_zstd(const void *data, size_t len)
{
    return len >= 4 && bs_is_zstd_magic(data);
}

static void bs_decode_start_zstd(struct bs_decode *d)
{
    if (!d->dctx)
        d->dctx = ZSTD_createDCtx();
    if (!d->dctx) {
        d->mode = BS_MODE_FAILED;
        d->error_text = "cannot create a zstd context";
        return;
    }
    ZSTD_DCtx_reset(d->dctx, ZSTD_reset_session_and_parameters);
    ZSTD_DCtx_setParameter(d->dctx, ZSTD_d_windowLogMax,
                           BS_DECODE_WINDOW_LOG_MAX);
    d->mode = BS_MODE_ZSTD;
}

static int bs_decode_zstd(struct bs_decode *d, const void *data, size_t len,
                          bs_plain_fn *fn, void *ctx)
{
    ZSTD_inBuffer in = { data, len, 0 };
    while (in.pos < in.size) {
        ZSTD_outBuffer out = { d->out, d->out_cap, 0 };
        size_t before = in.pos;
        size_t r = ZSTD_decompressStream(d->dctx, &out, &in);
        d->in_offset += in.pos - before;
        if (ZSTD_isError(r)) {
            d->mode = BS_MODE_FAILED;
            d->error_offset = d->in_offset;
            d->error_text = ZSTD_getErrorName(r);
            return BS_DECODE_ECORRUPT;
        }
        d->frame_hint = r;
        if (out.pos)
            fn(ctx, d->out, out.pos);
    }
    /* Flush output still buffered inside zstd for this input. */
    for (;;) {
        ZSTD_outBuffer out = { d->out, d->out_cap, 0 };
        size_t r = ZSTD_decompressStream(d->dctx, &out, &in);
        if (ZSTD_isError(r)) {
            d->mode = BS_MODE_FAILED;
            d->error_offset = d->in_offset;
            d->error_text = ZSTD_getErrorName(r);
            return BS_DECODE_ECORRUPT;
        }
        if (!out.pos)
            break; /* nothing pending: keep the hint of the last input */
        d->frame_hint = r;
        fn(ctx, d->out, out.pos);
        if (out.pos < out.size)
            break;
    }
    return BS_DECODE_OK;
}

static int bs_decode_dispatch(struct bs_decode *d, const void *data,
                              size_t len, bs_plain_fn *fn, void *ctx)
{
    switch (d->mode) {
    case BS_MODE_PLAIN:
        fn(ctx, data, len);
        return BS_DECODE_OK;
    case BS_MODE_ZSTD:
        return bs_decode_zstd(d, data, len, fn, ctx);
    case BS_MODE_FAILED:
        return BS_DECODE_OK; /* already reported */
    case BS_MODE_SNIFF:
        break;
    }
    return BS_DECODE_OK;
}

int bs_decode_feed(struct bs_decode *d, const void *data, size_t len,
                   bs_plain_fn *fn, void *ctx)
{
    const unsigned char *p = data;
    if (d->mode == BS_MODE_SNIFF) {
        while (len && d->head_len < 4) {
            d->head[d->head_len++] = *p++;
            len--;
        }
        if (d->head_len < 4)
            return BS_DECODE_OK;
        if (bs_is_zstd_magic(d->head))
            bs_decode_start_zstd(d);
        else
            d->mode = BS_MODE_PLAIN;
        int rc = bs_decode_dispatch(d, d->head, 4, fn, ctx);
        if (rc < 0)
            return rc;
    }
    if (!len)
        return BS_DECODE_OK;
    return bs_decode_dispatch(d, p, len, fn, ctx);
}

int bs_decode_finish(struct bs_decode *d, bs_plain_fn *fn, void *ctx)
{
    if (d->mode == BS_MODE_SNIFF && d->head_len) {
        d->mode = BS_MODE_PLAIN;
        fn(ctx, (const char *)d->head, d->head_len);
    }
    if (d->mode == BS_MODE_ZSTD && d->frame_hint != 0) {
        d->mode = BS_MODE_FAILED;
        d->error_offset = d->in_offset;
        d->error_text = "input ends inside a zstd frame";
        return BS_DECODE_ETRUNCATED;
    }
    return BS_DECODE_OK;
}

bool bs_decode_is_zstd(const struct bs_decode *d)
{
    return d->mode == BS_MODE_ZSTD ||
           (d->mode == BS_MODE_FAILED && d->dctx != NULL);
}

uint64_t bs_decode_error_offset(const struct bs_decode *d)
{
    return d->error_offset;
}

const char *bs_decode_error_text(const struct bs_decode *d)
{
    return d->error_text;
}
