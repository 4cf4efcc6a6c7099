/*
 * progress.c - the batch progress line
 */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <uv.h>

#define BS_PROGRESS_EVERY_NS 100000000ull
#define BS_PROGRESS_MIN_BAR 10
#define BS_MB 1e6

void bs_progress_init(struct bs_progress *p, int fd, bool enabled,
                      uint64_t total)
{
    memset(p, 0, sizeof *p);
    p->fd = enabled && isatty(fd) == 1 ? fd : -1;
    p->total = total;
    p->start_ns = p->last_ns = uv_hrtime();
}

static int bs_progress_cols(int fd)
{
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
        return ws.ws_col;
    return 80;
}

static void bs_progress_eta(char *out, size_t size, double secs)
{
    if (secs < 0 || secs > 359999) {
        snprintf(out, size, "ETA --:--");
        return;
    }
    unsigned s = (unsigned)(secs + 0.5);
    if (s >= 3600)
        snprintf(out, size, "ETA %u:%02u:%02u", s / 3600, s / 60 % 60,
                 s % 60);
    else
        snprintf(out, size, "ETA %u:%02u", s / 60, s % 60);
}

/* "NN% [####....]  done/total MB  rate MB/s  ETA m:ss", cut to cols. */
static size_t bs_progress_text(const struct bs_progress *p, char *out,
                               size_t size, int cols, double secs)
{
    double rate = secs > 0 ? (double)p->done / secs : 0;
    char eta[32], tail[128];
    if (!p->total) {
        return (size_t)snprintf(out, size, "bouncestat: %.1f MB  %.1f MB/s",
                                (double)p->done / BS_MB, rate / BS_MB);
    }
    bs_progress_eta(eta, sizeof eta,
                    rate > 0 ? (double)(p->total - p->done) / rate : -1);
    int pct = (int)(p->done * 100 / p->total);
    snprintf(tail, sizeof tail, "  %.1f/%.1f MB  %.1f MB/s  %s",
             (double)p->done / BS_MB, (double)p->total / BS_MB,
             rate / BS_MB, eta);
    int bar = cols - 1 - 5 - 3 - (int)strlen(tail);
    if (bar < BS_PROGRESS_MIN_BAR)
        return (size_t)snprintf(out, size, "%3d%%%s", pct, tail);
    if (bar > 50)
        bar = 50;
    int fill = (int)((uint64_t)bar * p->done / p->total);
    size_t n = (size_t)snprintf(out, size, "%3d%% [", pct);
    for (int i = 0; i < bar && n + 1 < size; i++)
        out[n++] = i < fill ? '#' : '.';
    n += (size_t)snprintf(out + n, size - n, "]%s", tail);
    return n < size ? n : size - 1;
}

static void bs_progress_draw(struct bs_progress *p, uint64_t now)
{
    char line[512];
    int cols = bs_progress_cols(p->fd);
    size_t n = bs_progress_text(p, line + 1, sizeof line - 8, cols,
                                (double)(now - p->start_ns) / 1e9);
    if (cols > 1 && n > (size_t)cols - 1)
        n = (size_t)cols - 1;
    line[0] = '\r';
    memcpy(line + 1 + n, "\033[K", 3);
    if (write(p->fd, line, n + 4) < 0)
        p->fd = -1; /* stderr gone: stop drawing */
    p->drawn = true;
    p->last_ns = now;
}

void bs_progress_add(struct bs_progress *p, uint64_t n)
{
    p->done += n;
    if (p->fd < 0 || (p->total && p->done >= p->total))
        return;
    uint64_t now = uv_hrtime();
    if (!p->drawn || now - p->last_ns >= BS_PROGRESS_EVERY_NS)
        bs_progress_draw(p, now);
}

void bs_progress_clear(struct bs_progress *p)
{
    if (p->fd < 0 || !p->drawn)
        return;
    if (write(p->fd, "\r\033[K", 4) < 0)
        p->fd = -1;
    p->drawn = false;
}

void bs_progress_end(struct bs_progress *p)
{
    bs_progress_clear(p);
    p->fd = -1;
}
