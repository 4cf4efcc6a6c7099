/*
 * out.h - the log being written: one big buffer, flushed between steps
 *
 * Writers append with the out_* functions, which never check for room:
 * the driver calls out_reserve() before every simulation step, and no step
 * writes anywhere near OUT_SLACK bytes. Numbers are formatted by hand (no
 * printf per field), and nothing is allocated per line. The appenders are
 * inline: they run for nearly every byte of the log.
 *
 * A failed fwrite() sets failed and the run goes on; the caller reports it
 * at the end. lines counts out_end_line() calls; out_bytes() is everything
 * written so far, flushed or not, and drives --size.
 */
#ifndef GENLOG_OUT_H
#define GENLOG_OUT_H

#include "common.h"

#include <stdio.h>
#include <string.h>

#define OUT_CAP         (8u << 20)
#define OUT_SLACK       (64u << 10)     /* more than one step ever writes */

struct out {
    FILE *fp;
    char *buf;              /* OUT_CAP bytes */
    size_t len;
    uint64_t flushed;
    uint64_t lines;
    int failed;             /* an fwrite() came up short */
};

/* Allocates the buffer; fp stays the caller's to close. */
void out_init(struct out *o, FILE *fp);
void out_fini(struct out *o);
void out_flush(struct out *o);

static inline uint64_t out_bytes(const struct out *o)
{
    return o->flushed + o->len;
}

/* Called before every step; a step writes far less than OUT_SLACK. */
static inline void out_reserve(struct out *o)
{
    if (o->len > OUT_CAP - OUT_SLACK)
        out_flush(o);
}

static inline void out_mem(struct out *o, const char *s, size_t n)
{
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

#define OUT_LIT(o, s)   out_mem((o), (s), sizeof(s) - 1)

static inline void out_str(struct out *o, const char *s)
{
    out_mem(o, s, strlen(s));
}

static inline void out_ch(struct out *o, char c)
{
    o->buf[o->len++] = c;
}

static inline void out_end_line(struct out *o)
{
    out_ch(o, '\n');
    o->lines++;
}

/* Decimal, no padding. */
static inline void out_u64(struct out *o, uint64_t v)
{
    char tmp[20];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        o->buf[o->len++] = tmp[--n];
}

/* The low width decimal digits of v, zero-padded. */
void out_padded(struct out *o, uint64_t v, int width);

/* Dotted quad of a host-order IPv4 address. */
static inline void out_ip(struct out *o, uint32_t ip)
{
    for (int shift = 24; shift >= 0; shift -= 8) {
        out_u64(o, (ip >> shift) & 255);
        if (shift)
            out_ch(o, '.');
    }
}

#endif
