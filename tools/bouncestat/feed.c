/*
 * feed.c - whole lines into a shared engine; raw mode for zstd inputs
 *
 * Invariants: in lines mode the engine's input is closed between calls
 * and held[0..nheld) is the partial last line (no '\n' in it, nheld <=
 * max_line); in raw mode the engine's input is open and held is unused;
 * in sniff mode held has fewer than four bytes and nothing went to the
 * engine yet.
 */
#include "feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BS_FEED_MAGIC_LEN 4

void bs_feed_init(struct bs_feed *f, struct bs_engine *e, const char *name,
                  size_t max_line, bool allow_raw)
{
    memset(f, 0, sizeof *f);
    f->e = e;
    f->name = name;
    f->max_line = max_line < BS_FEED_MAGIC_LEN ? BS_FEED_MAGIC_LEN : max_line;
    f->allow_raw = allow_raw;
    f->mode = BS_FEED_SNIFF;
    f->held = malloc(f->max_line + 1);
    if (!f->held) {
        fputs("bouncestat: out of memory\n", stderr);
        abort();
    }
}

void bs_feed_fini(struct bs_feed *f)
{
    free(f->held);
    f->held = NULL;
}

void bs_feed_set_time(struct bs_feed *f, int64_t ref_time)
{
    f->ref_time = ref_time;
}

bool bs_feed_is_raw(const struct bs_feed *f)
{
    return f->mode == BS_FEED_RAW;
}

size_t bs_feed_pending(const struct bs_feed *f)
{
    return f->mode == BS_FEED_LINES || f->mode == BS_FEED_SNIFF ? f->nheld
                                                                 : 0;
}

bool bs_feed_in_long_line(const struct bs_feed *f)
{
    return f->mode == BS_FEED_LINES && f->skipping;
}

void bs_feed_resume_lines(struct bs_feed *f, bool in_long_line)
{
    f->mode = BS_FEED_LINES;
    f->nheld = 0;
    f->skipping = in_long_line;
}

static const char *bs_feed_last_nl(const char *p, size_t len)
{
    while (len--)
        if (p[len] == '\n')
            return p + len;
    return NULL;
}

/* One batch of complete lines: the held start of the first one, then
 * data[0..len), which ends with '\n'. */
static int bs_feed_batch(struct bs_feed *f, const char *data, size_t len)
{
    bs_engine_begin_input(f->e, f->name, f->ref_time);
    int rc = 0;
    if (f->nheld)
        rc |= bs_engine_feed(f->e, f->held, f->nheld);
    rc |= bs_engine_feed(f->e, data, len);
    rc |= bs_engine_end_input(f->e);
    f->nheld = 0;
    return rc < 0 ? BS_FEED_CORRUPT : BS_FEED_OK;
}

/* Keeps the unterminated tail; hands over a line that grew too long. */
static int bs_feed_hold(struct bs_feed *f, const char *p, size_t n)
{
    if (f->nheld + n <= f->max_line) {
        memmove(f->held + f->nheld, p, n); /* p may be held itself */
        f->nheld += n;
        return BS_FEED_OK;
    }
    /* max_line + 1 bytes make the engine cut and count it once. */
    size_t take = f->max_line + 1 - f->nheld;
    memcpy(f->held + f->nheld, p, take);
    f->nheld += take;
    bs_engine_begin_input(f->e, f->name, f->ref_time);
    int rc = bs_engine_feed(f->e, f->held, f->nheld);
    rc |= bs_engine_end_input(f->e);
    f->nheld = 0;
    f->skipping = true;
    return rc < 0 ? BS_FEED_CORRUPT : BS_FEED_OK;
}

static int bs_feed_lines(struct bs_feed *f, const char *data, size_t len)
{
    if (f->skipping) {
        const char *nl = memchr(data, '\n', len);
        if (!nl)
            return BS_FEED_OK;
        f->skipping = false;
        len -= (size_t)(nl + 1 - data);
        data = nl + 1;
    }
    int rc = BS_FEED_OK;
    const char *nl = bs_feed_last_nl(data, len);
    if (nl) {
        size_t n = (size_t)(nl + 1 - data);
        rc = bs_feed_batch(f, data, n);
        data += n;
        len -= n;
    }
    if (len) {
        int hrc = bs_feed_hold(f, data, len);
        if (rc == BS_FEED_OK)
            rc = hrc;
    }
    return rc;
}

/* Collects the first bytes, then picks lines or raw mode. Returns how
 * many bytes of data it used. */
static size_t bs_feed_sniff(struct bs_feed *f, const char *data, size_t len)
{
    size_t take = BS_FEED_MAGIC_LEN - f->nheld;
    if (take > len)
        take = len;
    memcpy(f->held + f->nheld, data, take);
    f->nheld += take;
    if (f->nheld < BS_FEED_MAGIC_LEN)
        return take;
    if (!bs_input_is_zstd(f->held, 4)) {
        f->mode = BS_FEED_LINES;
        return take;
    }
    f->mode = f->allow_raw ? BS_FEED_RAW : BS_FEED_DEAD;
    return take;
}

static int bs_feed_raw_start(struct bs_feed *f)
{
    bs_engine_begin_input(f->e, f->name, f->ref_time);
    size_t n = f->nheld;
    f->nheld = 0;
    return bs_engine_feed(f->e, f->held, n) < 0 ? BS_FEED_CORRUPT
                                                : BS_FEED_OK;
}

int bs_feed_bytes(struct bs_feed *f, const char *data, size_t len)
{
    if (f->mode == BS_FEED_SNIFF) {
        size_t used = bs_feed_sniff(f, data, len);
        data += used;
        len -= used;
        if (f->mode == BS_FEED_DEAD) {
            f->nheld = 0;
            return BS_FEED_REFUSED;
        }
        if (f->mode == BS_FEED_RAW && bs_feed_raw_start(f) < 0)
            return BS_FEED_CORRUPT;
        if (f->mode == BS_FEED_LINES) {
            /* The sniffed head is the start of the first line. */
            size_t n = f->nheld;
            f->nheld = 0;
            if (bs_feed_lines(f, f->held, n) < 0)
                return BS_FEED_CORRUPT;
        }
    }
    if (!len)
        return BS_FEED_OK;
    switch (f->mode) {
    case BS_FEED_LINES:
        return bs_feed_lines(f, data, len);
    case BS_FEED_RAW:
        return bs_engine_feed(f->e, data, len) < 0 ? BS_FEED_CORRUPT
                                                   : BS_FEED_OK;
    case BS_FEED_DEAD:
        return BS_FEED_REFUSED;
    default:
        return BS_FEED_OK;
    }
}

int bs_feed_end(struct bs_feed *f, bool flush)
{
    int rc = BS_FEED_OK;
    if (f->mode == BS_FEED_RAW) {
        rc = bs_engine_end_input(f->e) < 0 ? BS_FEED_CORRUPT : BS_FEED_OK;
    } else if (f->mode != BS_FEED_DEAD && f->nheld && flush &&
               !f->skipping) {
        bs_engine_begin_input(f->e, f->name, f->ref_time);
        rc = bs_engine_feed(f->e, f->held, f->nheld) < 0 ? BS_FEED_CORRUPT
                                                         : BS_FEED_OK;
        if (bs_engine_end_input(f->e) < 0)
            rc = BS_FEED_CORRUPT;
    }
    f->nheld = 0;
    f->skipping = false;
    f->mode = BS_FEED_SNIFF;
    return rc;
}
