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
#include "resume.h"
#include "state.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
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
    const char *mark_path; /* --state: the input this file is read for */
    bool rest_of_old;      /* the marked file's rest, under another name */
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
    /* --state: the marks of inputs not being read now (from the loaded
     * checkpoint until the input starts, then the files read to their
     * end); the next input after a marked file's rest. */
    struct bs_state *state;
    struct bs_input_mark *marks;
    size_t nmarks, capmarks;
    uv_timer_t checkpoint;
    bool checkpoint_failing;
    const char *then_path;
    struct bs_resume_plan plan; /* its old_path and between are read */
    size_t next_between;
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
    if (o->follow || o->state)
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

/* ---- checkpoints (--state) -------------------------------------------- */

static void bs_stream_forget_marks(struct bs_stream *s, const char *path)
{
    size_t k = 0;
    for (size_t i = 0; i < s->nmarks; i++)
        if (strcmp(s->marks[i].path, path) != 0)
            s->marks[k++] = s->marks[i];
    s->nmarks = k;
}

static void bs_stream_keep_mark(struct bs_stream *s,
                                const struct bs_input_mark *m)
{
    bs_stream_forget_marks(s, m->path);
    if (s->nmarks == s->capmarks) {
        s->capmarks = s->capmarks ? s->capmarks * 2 : 8;
        s->marks = realloc(s->marks, s->capmarks * sizeof *s->marks);
        if (!s->marks) {
            fputs("bouncestat: out of memory\n", stderr);
            abort();
        }
    }
    s->marks[s->nmarks++] = *m;
}

/* The mark of the file being read, if it has one. A zstd file is marked
 * only at its end (a checkpoint waits while it is read), and at its full
 * size even when damage cut it short: it is done with. */
static bool bs_stream_source_mark(const struct bs_stream *s,
                                  struct bs_input_mark *m)
{
    const struct bs_source *src = &s->src;
    if (src->kind != BS_SRC_FD || !src->mark_path)
        return false;
    if (bs_resume_mark_fd(src->fd, src->mark_path,
                          src->offset - bs_feed_pending(&src->feed),
                          bs_feed_in_long_line(&src->feed), m) < 0)
        return false;
    struct stat st;
    if (bs_feed_is_raw(&src->feed) && fstat(src->fd, &st) == 0 &&
        (uint64_t)st.st_size > m->offset)
        m->offset = (uint64_t)st.st_size;
    return true;
}

/* Writes a checkpoint unless a zstd input holds the engine (its lines
 * cannot be marked): the files read to their end, the file being read,
 * the followed files. Returns 0 or -1 (said on stderr once per run of
 * failures). */
static int bs_stream_checkpoint(struct bs_stream *s)
{
    if (!s->state || s->busy)
        return 0;
    size_t cap = s->nmarks + 1 + 2 * (size_t)s->nfollows, n = s->nmarks;
    struct bs_input_mark *all = bs_xmalloc(cap * sizeof *all);
    if (n)
        memcpy(all, s->marks, n * sizeof *all);
    n += bs_stream_source_mark(s, &all[n]);
    for (int i = 0; i < s->nfollows; i++)
        n += bs_follow_marks(s->follows[i], &all[n]);
    char err[1024];
    int rc = bs_state_write(s->state, s->e, all, n, err, sizeof err);
    free(all);
    if (rc < 0 && !s->checkpoint_failing)
        fprintf(stderr, "bouncestat: %s\n", err);
    else if (rc == 0 && s->checkpoint_failing)
        fprintf(stderr, "bouncestat: %s: checkpoint written again\n",
                bs_state_path(s->state));
    s->checkpoint_failing = rc < 0;
    return rc;
}

static void bs_stream_checkpoint_cb(uv_timer_t *t)
{
    bs_stream_checkpoint(t->data);
}

static void bs_stream_file_opened(void *ctx)
{
    struct bs_stream *s = ctx;
    if (!s->stopped)
        bs_stream_checkpoint(s);
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
    struct bs_input_mark m;
    if (!src->rest_of_old && bs_stream_source_mark(s, &m)) {
        flush = false; /* an unfinished last line waits for its newline */
        bs_stream_keep_mark(s, &m);
    }
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

/* Reads file for the input mark_path, from the mark from when given. */
static void bs_stream_open_source(struct bs_stream *s, const char *file,
                                  const char *mark_path,
                                  const struct bs_input_mark *from)
{
    int64_t mtime;
    int fd = bs_stream_open_file(s, file, &mtime);
    if (fd < 0)
        return;
    bs_stream_new_source(s, BS_SRC_FD, file, fd);
    s->src.own_fd = true;
    s->src.stdin_clock = false;
    s->src.mark_path = s->state ? mark_path : NULL;
    bs_feed_set_time(&s->src.feed, mtime);
    if (from && from->offset &&
        lseek(fd, (off_t)from->offset, SEEK_SET) == (off_t)from->offset) {
        s->src.offset = from->offset;
        /* a zstd file goes on with its next frame, a log mid-file */
        if (!bs_input_is_zstd(from->head, from->head_len))
            bs_feed_resume_lines(&s->src.feed, from->in_long_line);
    }
}

/* A named file: from its mark in the loaded checkpoint, if any. */
static void bs_stream_start_file(struct bs_stream *s, const char *path)
{
    size_t n = 0;
    const struct bs_input_mark *all =
        s->state ? bs_state_marks(s->state, &n) : NULL;
    const struct bs_input_mark *m =
        all ? bs_resume_find_mark(all, n, path, false) : NULL;
    if (!m) {
        bs_stream_open_source(s, path, path, NULL);
        return;
    }
    struct bs_resume_plan *p = &s->plan;
    bs_resume_plan_free(p);
    bs_resume_plan(path, m, true, p);
    bs_resume_say(path, p, s->o->quiet);
    s->next_between = 0;
    if (p->same) {
        bs_stream_open_source(s, path, path, m);
    } else if (p->old_path) {
        s->then_path = path;
        bs_stream_open_source(s, p->old_path, path, m);
        s->src.rest_of_old = true;
    } else {
        bs_stream_open_source(s, path, path, NULL);
    }
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
    size_t n = 0;
    const struct bs_input_mark *all =
        s->state ? bs_state_marks(s->state, &n) : NULL;
    if (all)
        bs_follow_resume(f, all, n);
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
    bs_stream_forget_marks(s, path); /* the live marks take over */
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
        if (s->then_path && s->next_between < s->plan.nbetween) {
            /* rotated after the marked file: whole */
            bs_stream_open_source(s, s->plan.between[s->next_between++],
                                  s->then_path, NULL);
            s->src.rest_of_old = true;
            if (s->src.kind == BS_SRC_FD)
                bs_stream_wake(s);
            continue;
        }
        if (s->then_path) { /* the marked file's rest is read */
            const char *path = s->then_path;
            s->then_path = NULL;
            bs_stream_open_source(s, path, path, NULL);
            if (s->src.kind == BS_SRC_FD)
                bs_stream_wake(s);
            continue;
        }
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
    uv_close((uv_handle_t *)&s->checkpoint, NULL);
    for (size_t i = 0; i < BS_NSIGNALS; i++)
        uv_close((uv_handle_t *)&s->sigs[i], NULL);
    for (int i = 0; i < s->nfollows; i++)
        bs_follow_close(s->follows[i]);
}

/* The end of the run: what is followed is read to its end, the input
 * being read is cut, the view makes room for the report. */
/* --state: what is followed is read to its end and a last checkpoint
 * written before anything is closed; partial lines are left for the next
 * run. A pipe's lines never come again: its partial line counts first. A
 * zstd input being read cannot be marked: the previous checkpoint stays
 * and that input is read again from its start next time. */
static void bs_stream_stop_with_state(struct bs_stream *s)
{
    if (s->src.kind == BS_SRC_PIPE || s->src.kind == BS_SRC_TTY)
        bs_stream_end_source(s, true);
    if (s->busy) {
        fprintf(stderr, "bouncestat: %s: no last checkpoint while %s is "
                "read (compressed): the previous one stays\n",
                bs_state_path(s->state), s->src.name);
    } else {
        for (int i = 0; i < s->nfollows; i++)
            bs_follow_drain(s->follows[i], BS_FINISH_LIMIT);
        if (bs_stream_checkpoint(s) < 0)
            s->status = 2;
    }
    bs_stream_end_source(s, false);
    for (int i = 0; i < s->nfollows; i++) {
        bs_follow_finish(s->follows[i], 0, false);
        if (bs_follow_failed(s->follows[i]))
            s->status = 2;
    }
}

static void bs_stream_stop(struct bs_stream *s)
{
    if (s->stopped)
        return;
    s->stopped = true;
    if (s->state) {
        bs_stream_stop_with_state(s);
    } else {
        bs_stream_end_source(s, s->src.kind != BS_SRC_FD);
        for (int i = 0; i < s->nfollows; i++) {
            bs_follow_finish(s->follows[i], BS_FINISH_LIMIT, true);
            if (bs_follow_failed(s->follows[i]))
                s->status = 2;
        }
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
        .opened = s->state ? bs_stream_file_opened : NULL,
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
    uv_timer_init(&s->loop, &s->checkpoint);
    s->checkpoint.data = s;
    if (s->state)
        uv_timer_start(&s->checkpoint, bs_stream_checkpoint_cb,
                       s->o->checkpoint_ms, s->o->checkpoint_ms);
    for (size_t i = 0; i < BS_NSIGNALS; i++) {
        uv_signal_init(&s->loop, &s->sigs[i]);
        s->sigs[i].data = s;
        uv_signal_start(&s->sigs[i], bs_stream_signal_cb, bs_signals[i]);
    }
    s->in_pipe.data = s->in_tty.data = s;
}

/* The loaded checkpoint's marks of this run's inputs, kept until each
 * input starts. */
static void bs_stream_carry_marks(struct bs_stream *s)
{
    size_t n = 0;
    const struct bs_input_mark *all = bs_state_marks(s->state, &n);
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < s->ninputs; j++)
            if (strcmp(all[i].path, s->inputs[j]) == 0) {
                bs_stream_keep_mark(s, &all[i]);
                break;
            }
}

int bs_stream_run(struct bs_engine *e, const struct bs_options *o,
                  struct bs_state *state, bool report_on_stdout)
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
    s->state = state;
    if (state)
        bs_stream_carry_marks(s);
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
    free(s->marks);
    bs_resume_plan_free(&s->plan);
    free(s);
    return status;
}
