/*
 * stream.c - the event loop of stream mode
 *
 * State: src is the input being read in command-line order (a file or a
 * stdin that is read with uv_fs_read, stdin as a libuv pipe or tty
 * stream, or a followed file catching up); follows are all followed
 * files. Reading regular files is synchronous uv_fs_read on the loop
 * thread, BS_FOLLOW_BUDGET bytes per turn, continued by an idle handle
 * (the pump) so timers and signals are served between turns. busy is
 * true while a zstd input holds the engine (feed.h); followers then read
 * nothing and are polled again when it ends.
 *
 * Handles live in struct bs_stream, so no handle outlives the run; the
 * only process-wide state is what uv_signal_t keeps inside libuv.
 */
#include "stream.h"

#include "feed.h"
#include "follow.h"
#include "live.h"
#include "read_input.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <uv.h>

#define BS_RECHECK_MS 1000
#define BS_FINISH_LIMIT (64u << 20) /* per followed file at the end */

enum bs_src_kind { BS_SRC_NONE, BS_SRC_FD, BS_SRC_PIPE, BS_SRC_TTY,
                   BS_SRC_FOLLOW };

struct bs_source {
    enum bs_src_kind kind;
    const char *name;
    uv_file fd; /* BS_SRC_FD */
    bool own_fd;
    bool stdin_clock; /* reference time: now, not the file's mtime */
    uint64_t offset;
    struct bs_feed feed;
    struct bs_follow *follow; /* BS_SRC_FOLLOW */
};

static const int bs_signals[] = { SIGINT, SIGTERM, SIGUSR1, SIGHUP,
                                  SIGWINCH };
#define BS_NSIGNALS (sizeof bs_signals / sizeof *bs_signals)

struct bs_stream {
    uv_loop_t loop;
    struct bs_engine *e;
    const struct bs_options *o;
    struct bs_follow_env env;
    size_t max_line;
    char *buf;
    bool busy;
    char *const *inputs;
    int ninputs, next;
    struct bs_source src;
    bool stdin_used;
    uv_pipe_t in_pipe;
    uv_tty_t in_tty;
    struct bs_follow **follows;
    int nfollows, nlive; /* nlive: those that are followed indeed */
    uv_idle_t pump;
    uv_timer_t refresh, recheck;
    uv_signal_t sigs[BS_NSIGNALS];
    struct bs_live live;
    bool report_on_stdout;
    bool stopped;
    int status;
};

static void bs_stream_stop(struct bs_stream *s);
static void bs_stream_advance(struct bs_stream *s);

static void *bs_xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fputs("bouncestat: out of memory\n", stderr);
        abort();
    }
    return p;
}

bool bs_stream_wanted(const struct bs_options *o)
{
    if (o->follow)
        return true;
    bool uses_stdin = o->ninputs == 0;
    for (int i = 0; i < o->ninputs; i++)
        uses_stdin |= strcmp(o->inputs[i], "-") == 0;
    if (!uses_stdin)
        return false;
    uv_handle_type t = uv_guess_handle(0);
    return t == UV_NAMED_PIPE || t == UV_TTY;
}

/* ---- the live view ---------------------------------------------------- */

static void bs_stream_show(struct bs_stream *s)
{
    if (!s->stopped && bs_live_show(&s->live, s->e) < 0)
        bs_stream_stop(s); /* the reader of stdout is gone */
}

static void bs_stream_refresh_cb(uv_timer_t *t)
{
    bs_stream_show(t->data);
}

/* ---- the pump --------------------------------------------------------- */

static void bs_stream_pump_cb(uv_idle_t *h);

static void bs_stream_wake(void *ctx)
{
    struct bs_stream *s = ctx;
    if (!s->stopped)
        uv_idle_start(&s->pump, bs_stream_pump_cb);
}

static void bs_stream_poll_follows(struct bs_stream *s)
{
    for (int i = 0; i < s->nfollows && !s->stopped; i++)
        bs_follow_poll(s->follows[i]);
}

static bool bs_stream_pumping(const struct bs_stream *s)
{
    if (s->stopped)
        return false;
    if (s->src.kind == BS_SRC_FD || s->src.kind == BS_SRC_FOLLOW)
        return true;
    for (int i = 0; i < s->nfollows && !s->busy; i++)
        if (bs_follow_more(s->follows[i]))
            return true;
    return false;
}

/* ---- inputs in order -------------------------------------------------- */

static void bs_stream_input_error(struct bs_stream *s, const char *msg)
{
    fprintf(stderr, "bouncestat: %s\n", msg);
    s->status = 2;
}

static void bs_stream_claim(struct bs_stream *s)
{
    if (bs_feed_is_raw(&s->src.feed))
        s->busy = true;
}

/* Ends the input being read. flush: its partial last line counts (its
 * real end), else it was cut short and the partial line is dropped. */
static void bs_stream_end_source(struct bs_stream *s, bool flush)
{
    struct bs_source *src = &s->src;
    if (src->kind == BS_SRC_NONE)
        return;
    if (src->kind != BS_SRC_FOLLOW) {
        if (bs_feed_end(&src->feed, flush) < 0 && flush)
            bs_stream_input_error(s, bs_engine_input_error(s->e));
        bs_feed_fini(&src->feed);
    }
    if (src->kind == BS_SRC_FD && src->own_fd) {
        uv_fs_t req;
        uv_fs_close(NULL, &req, src->fd, NULL);
        uv_fs_req_cleanup(&req);
    }
    if (src->kind == BS_SRC_PIPE || src->kind == BS_SRC_TTY) {
        uv_handle_t *h = src->kind == BS_SRC_PIPE
                             ? (uv_handle_t *)&s->in_pipe
                             : (uv_handle_t *)&s->in_tty;
        uv_read_stop((uv_stream_t *)h);
        uv_close(h, NULL);
    }
    src->kind = BS_SRC_NONE;
    if (s->busy) {
        s->busy = false;
        if (!s->stopped)
            bs_stream_poll_follows(s);
    }
}

static void bs_stream_fed(struct bs_stream *s, int rc)
{
    bs_stream_claim(s);
    if (rc == BS_FEED_CORRUPT) {
        bs_stream_input_error(s, bs_engine_input_error(s->e));
        bs_stream_end_source(s, false);
    }
}

/* One turn of reading a file (or stdin as a file). */
static void bs_stream_read_fd(struct bs_stream *s)
{
    struct bs_source *src = &s->src;
    uint64_t budget = BS_FOLLOW_BUDGET;
    while (src->kind == BS_SRC_FD && budget) {
        uv_fs_t req;
        uv_buf_t b = uv_buf_init(s->buf, BS_READ_CHUNK);
        int n = uv_fs_read(NULL, &req, src->fd, &b, 1, -1, NULL);
        uv_fs_req_cleanup(&req);
        if (n == UV_EINTR)
            continue;
        if (n <= 0) {
            if (n < 0) {
                char msg[1024];
                snprintf(msg, sizeof msg,
                         "%s: read error at byte offset %llu: %s",
                         src->name, (unsigned long long)src->offset,
                         uv_strerror(n));
                bs_stream_input_error(s, msg);
            }
            bs_stream_end_source(s, true);
            return;
        }
        src->offset += (unsigned)n;
        budget -= budget < (unsigned)n ? budget : (unsigned)n;
        if (src->stdin_clock)
            bs_feed_set_time(&src->feed, (int64_t)time(NULL));
        bs_stream_fed(s, bs_feed_bytes(&src->feed, s->buf, (size_t)n));
    }
}

static void bs_stream_pump_cb(uv_idle_t *h)
{
    struct bs_stream *s = h->data;
    if (s->src.kind == BS_SRC_FD)
        bs_stream_read_fd(s);
    for (int i = 0; i < s->nfollows && !s->stopped && !s->busy; i++)
        if (bs_follow_more(s->follows[i]))
            bs_follow_poll(s->follows[i]);
    if (s->src.kind == BS_SRC_FOLLOW && !bs_follow_more(s->src.follow))
        s->src.kind = BS_SRC_NONE; /* caught up; it stays followed */
    bs_stream_advance(s);
    if (!bs_stream_pumping(s))
        uv_idle_stop(&s->pump);
}

static void bs_stream_new_source(struct bs_stream *s, enum bs_src_kind kind,
                                 const char *name, uv_file fd)
{
    struct bs_source *src = &s->src;
    memset(src, 0, sizeof *src);
    src->kind = kind;
    src->name = name;
    src->fd = fd;
    bs_feed_init(&src->feed, s->e, name, s->max_line, true);
    bs_feed_set_time(&src->feed, (int64_t)time(NULL));
    src->stdin_clock = true;
}

/* ---- stdin ------------------------------------------------------------ */

static void bs_stream_alloc_cb(uv_handle_t *h, size_t suggested,
                               uv_buf_t *b)
{
    struct bs_stream *s = h->data;
    (void)suggested;
    *b = uv_buf_init(s->buf, BS_READ_CHUNK);
}

static void bs_stream_read_cb(uv_stream_t *h, ssize_t n, const uv_buf_t *b)
{
    struct bs_stream *s = h->data;
    if (n > 0) {
        bs_feed_set_time(&s->src.feed, (int64_t)time(NULL));
        bs_stream_fed(s, bs_feed_bytes(&s->src.feed, b->base, (size_t)n));
    } else if (n < 0) {
        if (n != UV_EOF) {
            char msg[512];
            snprintf(msg, sizeof msg, "(stdin): read error: %s",
                     uv_strerror((int)n));
            bs_stream_input_error(s, msg);
        }
        bs_stream_end_source(s, true);
    }
    if (s->src.kind == BS_SRC_NONE)
        bs_stream_advance(s);
}

/* stdin as a libuv stream (pipe, socket, terminal); false: not one. */
static bool bs_stream_open_stdin_stream(struct bs_stream *s)
{
    uv_handle_type t = uv_guess_handle(0);
    uv_stream_t *h;
    if (t == UV_NAMED_PIPE) {
        uv_pipe_init(&s->loop, &s->in_pipe, 0);
        if (uv_pipe_open(&s->in_pipe, 0) < 0) {
            uv_close((uv_handle_t *)&s->in_pipe, NULL);
            return false;
        }
        h = (uv_stream_t *)&s->in_pipe;
    } else if (t == UV_TTY && uv_tty_init(&s->loop, &s->in_tty, 0, 1) == 0) {
        h = (uv_stream_t *)&s->in_tty;
    } else {
        return false;
    }
    bs_stream_new_source(s, t == UV_TTY ? BS_SRC_TTY : BS_SRC_PIPE,
                         "(stdin)", -1);
    h->data = s;
    uv_read_start(h, bs_stream_alloc_cb, bs_stream_read_cb);
    return true;
}

static void bs_stream_start_stdin(struct bs_stream *s)
{
    if (s->stdin_used)
        return; /* read to its end already */
    s->stdin_used = true;
    if (!bs_stream_open_stdin_stream(s))
        bs_stream_new_source(s, BS_SRC_FD, "(stdin)", 0);
}

/* ---- named files ------------------------------------------------------ */

/* Opens path for reading once; -1 after saying why not. */
static int bs_stream_open_file(struct bs_stream *s, const char *path,
                               int64_t *mtime)
{
    char msg[1024];
    uv_fs_t req;
    int fd = uv_fs_open(NULL, &req, path, UV_FS_O_RDONLY, 0, NULL);
    uv_fs_req_cleanup(&req);
    if (fd < 0) {
        snprintf(msg, sizeof msg, "%s: cannot open: %s", path,
                 uv_strerror(fd));
        bs_stream_input_error(s, msg);
        return -1;
    }
    int rc = uv_fs_fstat(NULL, &req, fd, NULL);
    bool dir = rc == 0 && S_ISDIR(req.statbuf.st_mode);
    *mtime = (int64_t)req.statbuf.st_mtim.tv_sec;
    uv_fs_req_cleanup(&req);
    if (rc == 0 && !dir)
        return fd;
    snprintf(msg, sizeof msg, "%s: %s%s", path,
             dir ? "is a directory" : "cannot stat: ",
             dir ? "" : uv_strerror(rc));
    bs_stream_input_error(s, msg);
    uv_fs_close(NULL, &req, fd, NULL);
    uv_fs_req_cleanup(&req);
    return -1;
}

static void bs_stream_start_file(struct bs_stream *s, const char *path)
{
    int64_t mtime;
    int fd = bs_stream_open_file(s, path, &mtime);
    if (fd < 0)
        return;
    bs_stream_new_source(s, BS_SRC_FD, path, fd);
    s->src.own_fd = true;
    s->src.stdin_clock = false;
    bs_feed_set_time(&s->src.feed, mtime);
}

/* Does the file start with zstd magic? (Then -F reads it once.) */
static bool bs_stream_is_zstd_file(const char *path)
{
    unsigned char head[4];
    uv_fs_t req;
    int fd = uv_fs_open(NULL, &req, path, UV_FS_O_RDONLY, 0, NULL);
    uv_fs_req_cleanup(&req);
    if (fd < 0)
        return false;
    uv_buf_t b = uv_buf_init((char *)head, sizeof head);
    int n = uv_fs_read(NULL, &req, fd, &b, 1, 0, NULL);
    uv_fs_req_cleanup(&req);
    uv_fs_close(NULL, &req, fd, NULL);
    uv_fs_req_cleanup(&req);
    return bs_input_is_zstd(head, n < 0 ? 0 : (size_t)n);
}

static void bs_stream_start_follow(struct bs_stream *s, const char *path)
{
    struct bs_follow *f = bs_follow_new(&s->env, path);
    s->follows = realloc(s->follows, (size_t)(s->nfollows + 1) *
                                         sizeof *s->follows);
    if (!s->follows) {
        fputs("bouncestat: out of memory\n", stderr);
        abort();
    }
    s->follows[s->nfollows++] = f;
    if (bs_follow_start(f) < 0) {
        s->status = 2;
        return;
    }
    s->nlive++;
    s->src.kind = BS_SRC_FOLLOW;
    s->src.follow = f;
    bs_stream_wake(s);
}

static void bs_stream_start_input(struct bs_stream *s, const char *path)
{
    if (strcmp(path, "-") == 0) {
        bs_stream_start_stdin(s);
    } else if (!s->o->follow) {
        bs_stream_start_file(s, path);
    } else if (bs_stream_is_zstd_file(path)) {
        if (!s->o->quiet)
            fprintf(stderr, "bouncestat: %s: compressed; read once, not "
                            "followed\n", path);
        bs_stream_start_file(s, path);
    } else {
        bs_stream_start_follow(s, path);
    }
    if (s->src.kind == BS_SRC_FD)
        bs_stream_wake(s);
}

/* Starts inputs until one is being read; ends the run after the last
 * one when nothing is followed. */
static void bs_stream_advance(struct bs_stream *s)
{
    while (!s->stopped && s->src.kind == BS_SRC_NONE) {
        if (s->next == s->ninputs) {
            if (!s->nlive)
                bs_stream_stop(s);
            return;
        }
        bs_stream_start_input(s, s->inputs[s->next++]);
    }
}

/* ---- signals, timers, life cycle -------------------------------------- */

static void bs_stream_recheck_cb(uv_timer_t *t)
{
    bs_stream_poll_follows(t->data);
}

static void bs_stream_reopen(struct bs_stream *s)
{
    if (!s->o->quiet && s->nfollows)
        fputs("bouncestat: SIGHUP: reopening followed files\n", stderr);
    for (int i = 0; i < s->nfollows && !s->stopped; i++)
        bs_follow_reopen(s->follows[i]);
}

static void bs_stream_signal_cb(uv_signal_t *h, int signum)
{
    struct bs_stream *s = h->data;
    if (signum == SIGINT || signum == SIGTERM)
        bs_stream_stop(s);
    else if (signum == SIGUSR1 || (signum == SIGWINCH && s->live.tty))
        bs_stream_show(s);
    else if (signum == SIGHUP)
        bs_stream_reopen(s);
}

static void bs_stream_close_handles(struct bs_stream *s)
{
    uv_close((uv_handle_t *)&s->pump, NULL);
    uv_close((uv_handle_t *)&s->refresh, NULL);
    uv_close((uv_handle_t *)&s->recheck, NULL);
    for (size_t i = 0; i < BS_NSIGNALS; i++)
        uv_close((uv_handle_t *)&s->sigs[i], NULL);
    for (int i = 0; i < s->nfollows; i++)
        bs_follow_close(s->follows[i]);
}

/* The end of the run: what is followed is read to its end, the input
 * being read is cut, the view makes room for the report. */
static void bs_stream_stop(struct bs_stream *s)
{
    if (s->stopped)
        return;
    s->stopped = true;
    bs_stream_end_source(s, s->src.kind != BS_SRC_FD);
    for (int i = 0; i < s->nfollows; i++) {
        bs_follow_finish(s->follows[i], BS_FINISH_LIMIT);
        if (bs_follow_failed(s->follows[i]))
            s->status = 2;
    }
    if (s->live.tty && !s->report_on_stdout)
        bs_live_show(&s->live, s->e); /* the last state stays on screen */
    bs_live_end(&s->live, s->report_on_stdout);
    bs_stream_close_handles(s);
}

static void bs_stream_init_env(struct bs_stream *s)
{
    struct bs_engine_options eo;
    bs_engine_options_default(&eo);
    s->max_line = eo.max_line;
    s->buf = bs_xmalloc(BS_READ_CHUNK);
    s->env = (struct bs_follow_env){
        .loop = &s->loop, .e = s->e, .buf = s->buf,
        .bufsize = BS_READ_CHUNK, .max_line = s->max_line,
        .partial_timeout_ms = s->o->partial_timeout_ms,
        .quiet = s->o->quiet, .engine_busy = &s->busy,
        .wake = bs_stream_wake, .ctx = s,
    };
}

static void bs_stream_init_handles(struct bs_stream *s)
{
    uv_idle_init(&s->loop, &s->pump);
    s->pump.data = s;
    uv_timer_init(&s->loop, &s->refresh);
    s->refresh.data = s;
    uv_timer_start(&s->refresh, bs_stream_refresh_cb, s->o->interval_ms,
                   s->o->interval_ms);
    uv_timer_init(&s->loop, &s->recheck);
    s->recheck.data = s;
    if (s->o->follow) /* events can be lost (inotify overflow) or absent */
        uv_timer_start(&s->recheck, bs_stream_recheck_cb, BS_RECHECK_MS,
                       BS_RECHECK_MS);
    for (size_t i = 0; i < BS_NSIGNALS; i++) {
        uv_signal_init(&s->loop, &s->sigs[i]);
        s->sigs[i].data = s;
        uv_signal_start(&s->sigs[i], bs_stream_signal_cb, bs_signals[i]);
    }
    s->in_pipe.data = s->in_tty.data = s;
}

int bs_stream_run(struct bs_engine *e, const struct bs_options *o,
                  bool report_on_stdout)
{
    static char *const bs_stdin_only[] = { "-", NULL };
    struct bs_stream *s = calloc(1, sizeof *s);
    if (!s || uv_loop_init(&s->loop) < 0) {
        fputs("bouncestat: cannot start the event loop\n", stderr);
        free(s);
        return 2;
    }
    s->e = e;
    s->o = o;
    s->report_on_stdout = report_on_stdout;
    s->inputs = o->ninputs ? o->inputs : bs_stdin_only;
    s->ninputs = o->ninputs ? o->ninputs : 1;
    bs_live_init(&s->live, 1);
    bs_stream_init_env(s);
    bs_stream_init_handles(s);
    bs_stream_advance(s);
    uv_run(&s->loop, UV_RUN_DEFAULT);
    int status = s->status;
    if (uv_loop_close(&s->loop) < 0)
        fputs("bouncestat: event loop still busy at exit\n", stderr);
    for (int i = 0; i < s->nfollows; i++)
        bs_follow_free(s->follows[i]);
    free(s->follows);
    free(s->buf);
    free(s);
    return status;
}
