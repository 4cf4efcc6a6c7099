/*
 * live.c - frames for a terminal, JSON lines for anything else
 */
#include "live.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define BS_ESC_HOME "\033[H"
#define BS_ESC_EOL "\033[K"
#define BS_ESC_EOS "\033[J"

void bs_live_init(struct bs_live *l, int fd)
{
    l->fd = fd;
    l->tty = isatty(fd) == 1;
    l->drawn = false;
}

/* Writes all of p; -1 when the descriptor fails for good. */
static int bs_live_write(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EAGAIN) {
            struct pollfd pfd = { .fd = fd, .events = POLLOUT };
            poll(&pfd, 1, -1);
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void bs_live_size(int fd, int *cols, int *rows)
{
    struct winsize ws;
    *cols = 80;
    *rows = 24;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row) {
        *cols = ws.ws_col;
        *rows = ws.ws_row;
    }
}

/* text's lines with "erase to end of line" before each newline, between
 * "home" and "erase to end of screen". The caller frees the frame. */
static char *bs_live_frame(const char *text, size_t len, size_t *flen)
{
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    size_t cap = len + lines * (sizeof BS_ESC_EOL - 1) +
                 sizeof BS_ESC_HOME + sizeof BS_ESC_EOS;
    char *frame = malloc(cap), *p = frame;
    if (!frame)
        return NULL;
    memcpy(p, BS_ESC_HOME, sizeof BS_ESC_HOME - 1);
    p += sizeof BS_ESC_HOME - 1;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            memcpy(p, BS_ESC_EOL, sizeof BS_ESC_EOL - 1);
            p += sizeof BS_ESC_EOL - 1;
        }
        *p++ = text[i];
    }
    memcpy(p, BS_ESC_EOS, sizeof BS_ESC_EOS - 1);
    p += sizeof BS_ESC_EOS - 1;
    *flen = (size_t)(p - frame);
    return frame;
}

static int bs_live_draw(struct bs_live *l, struct bs_engine *e)
{
    int cols, rows;
    bs_live_size(l->fd, &cols, &rows);
    char *text;
    size_t len, flen;
    bs_engine_render_live(e, 0, cols > 1 ? cols - 1 : 1,
                          rows > 1 ? rows - 1 : 1, &text, &len);
    char *frame = bs_live_frame(text, len, &flen);
    free(text);
    if (!frame)
        return 0; /* skip a frame rather than stop */
    int rc = bs_live_write(l->fd, frame, flen);
    free(frame);
    l->drawn = true;
    return rc;
}

int bs_live_show(struct bs_live *l, struct bs_engine *e)
{
    if (l->tty)
        return bs_live_draw(l, e);
    char *json;
    size_t len;
    bs_engine_render_live(e, 1, 0, 0, &json, &len);
    int rc = bs_live_write(l->fd, json, len);
    free(json);
    return rc;
}

void bs_live_end(struct bs_live *l, bool clear)
{
    if (l->tty && l->drawn && clear)
        bs_live_write(l->fd, BS_ESC_HOME BS_ESC_EOS,
                      sizeof BS_ESC_HOME BS_ESC_EOS - 1);
    l->drawn = false;
}
