/*
 * follow.c - one followed file: generations, rotation, truncation
 *
 * A follower has two generation slots. gen[cur] is the file the name
 * pointed at when last checked (fd -1 while the name is missing);
 * gen[!cur] is its rotated predecessor during the grace period (fd -1
 * otherwise). A check always reads the predecessor before the current
 * file, so lines keep the order in which a writer wrote them when it
 * finishes the old file before starting the new one.
 *
 * libuv handles (two file watchers, one directory watcher, the grace
 * timer) are initialised once in bs_follow_new and closed once in
 * bs_follow_close; watchers are stopped and started again as files come
 * and go.
 */
#include "follow.h"

#include "feed.h"
#include "resume.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BS_FP_LEN 1024
#define BS_BUSY_RETRY_MS 100
#define BS_FOLLOW_SEEN 16 /* files read lately, remembered by identity */

struct bs_follow_gen {
    uv_file fd; /* -1: no file */
    uint64_t dev, ino, offset;
    struct bs_feed feed;
    unsigned char fp[BS_FP_LEN]; /* the first fplen bytes read */
    size_t fplen;
    bool skip;        /* compressed: not followed */
    bool told_error;  /* a read error was reported */
    uv_fs_event_t ev; /* watches this file (its inode) */
    bool ev_on;
};

struct bs_follow {
    const struct bs_follow_env *env;
    char *path, *dir;
    const char *base;
    struct bs_follow_gen gen[2];
    int cur;
    uv_fs_event_t dir_ev;
    bool dir_on;
    uv_timer_t grace;
    bool missing;    /* the name was absent at the last check */
    bool told_open;  /* "cannot open" said since the last success */
    bool opened;     /* some file was opened under this name */
    bool failed;
    bool dead;       /* not followed at all (a directory) */
    bool more;       /* a poll is due: bytes remain, or an event came */
    /* The identities of the last BS_FOLLOW_SEEN files opened or adopted
     * (a ring; nseen counts every one): none is read twice. */
    struct bs_file_id seen[BS_FOLLOW_SEEN];
    unsigned nseen;
    /* The file that was under the name before the current one, and its
     * mtime when it left: files rotated after it and before the current
     * one are looked for when the name gets a new file. */
    bool have_prev;
    int64_t prev_sec;
    long prev_nsec;
};

static void bs_follow_notice(const struct bs_follow *f, const char *msg,
                             const char *detail)
{
    if (f->env->quiet)
        return;
    fprintf(stderr, "bouncestat: %s: %s%s%s\n", f->path, msg,
            detail ? ": " : "", detail ? detail : "");
}

static void bs_follow_error(struct bs_follow *f, const char *msg,
                            const char *detail)
{
    fprintf(stderr, "bouncestat: %s: %s: %s\n", f->path, msg, detail);
}

static char *bs_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d) {
        fputs("bouncestat: out of memory\n", stderr);
        abort();
    }
    return memcpy(d, s, n);
}

/* ---- reading ---------------------------------------------------------- */

static void bs_follow_fingerprint(struct bs_follow_gen *g, const char *p,
                                  size_t n)
{
    if (g->offset >= BS_FP_LEN || g->fplen != g->offset)
        return;
    size_t take = BS_FP_LEN - (size_t)g->offset;
    if (take > n)
        take = n;
    memcpy(g->fp + g->fplen, p, take);
    g->fplen += take;
}

/* Does the file still start with the bytes we read first? */
static bool bs_follow_same_start(const struct bs_follow_gen *g)
{
    if (!g->fplen)
        return true;
    char head[BS_FP_LEN];
    uv_fs_t req;
    uv_buf_t b = uv_buf_init(head, (unsigned)g->fplen);
    int n = uv_fs_read(NULL, &req, g->fd, &b, 1, 0, NULL);
    uv_fs_req_cleanup(&req);
    if (n < 0)
        return true; /* a read error shows up when reading */
    return (size_t)n == g->fplen && memcmp(head, g->fp, g->fplen) == 0;
}

static void bs_follow_fed(struct bs_follow *f, struct bs_follow_gen *g,
                          int rc)
{
    if (rc == BS_FEED_REFUSED) {
        bs_follow_notice(f, "compressed data; not followed", NULL);
        g->skip = true;
    } else if (rc == BS_FEED_CORRUPT) {
        fprintf(stderr, "bouncestat: %s\n", bs_engine_input_error(f->env->e));
    }
}

/* Reads g from its offset to the end of the file or of *budget. Returns
 * true when the budget ran out first. */
static bool bs_follow_read(struct bs_follow *f, struct bs_follow_gen *g,
                           uint64_t *budget)
{
    const struct bs_follow_env *env = f->env;
    while (g->fd >= 0 && !g->skip) {
        if (*budget == 0)
            return true;
        size_t want = env->bufsize < *budget ? env->bufsize : *budget;
        uv_fs_t req;
        uv_buf_t b = uv_buf_init(env->buf, (unsigned)want);
        int n = uv_fs_read(NULL, &req, g->fd, &b, 1, (int64_t)g->offset,
                           NULL);
        uv_fs_req_cleanup(&req);
        if (n == UV_EINTR)
            continue;
        if (n < 0 && !g->told_error) {
            bs_follow_error(f, "read error", uv_strerror(n));
            g->told_error = f->failed = true;
        }
        if (n <= 0)
            return false;
        bs_follow_fingerprint(g, env->buf, (size_t)n);
        g->offset += (unsigned)n;
        *budget -= (unsigned)n;
        bs_follow_fed(f, g, bs_feed_bytes(&g->feed, env->buf, (size_t)n));
    }
    return false;
}

/* ---- generations ------------------------------------------------------ */

static void bs_follow_file_cb(uv_fs_event_t *h, const char *name,
                              int events, int status);

static void bs_follow_watch(struct bs_follow *f, struct bs_follow_gen *g)
{
    if (g->ev_on)
        uv_fs_event_stop(&g->ev);
    g->ev_on = uv_fs_event_start(&g->ev, bs_follow_file_cb, f->path, 0) == 0;
}

static void bs_follow_close_fd(uv_file fd)
{
    uv_fs_t req;
    uv_fs_close(NULL, &req, fd, NULL);
    uv_fs_req_cleanup(&req);
}

/* Reads g to its end (at most limit bytes), counts its partial line when
 * flush is true and it reached the end (else drops it) and closes it. */
static void bs_follow_end_gen(struct bs_follow *f, struct bs_follow_gen *g,
                              uint64_t limit, bool flush)
{
    if (g->fd < 0)
        return;
    bool cut = bs_follow_read(f, g, &limit);
    if (bs_feed_end(&g->feed, flush && !cut) < 0)
        fprintf(stderr, "bouncestat: %s\n", bs_engine_input_error(f->env->e));
    bs_follow_close_fd(g->fd);
    g->fd = -1;
    if (g->ev_on)
        uv_fs_event_stop(&g->ev);
    g->ev_on = false;
}

static bool bs_follow_open_fd(struct bs_follow *f, uv_file *fd,
                              uv_stat_t *st)
{
    uv_fs_t req;
    int rc = uv_fs_open(NULL, &req, f->path, UV_FS_O_RDONLY, 0, NULL);
    uv_fs_req_cleanup(&req);
    if (rc >= 0) {
        *fd = rc;
        rc = uv_fs_fstat(NULL, &req, *fd, NULL);
        *st = req.statbuf;
        uv_fs_req_cleanup(&req);
        if (rc == 0 && S_ISDIR(st->st_mode))
            rc = UV_EISDIR;
        if (rc < 0)
            bs_follow_close_fd(*fd);
    }
    if (rc < 0 && !f->told_open) {
        fprintf(stderr, "bouncestat: %s: cannot open: %s; trying again\n",
                f->path, uv_strerror(rc));
        f->told_open = true;
    }
    return rc >= 0;
}

static void bs_follow_saw(struct bs_follow *f, uint64_t dev, uint64_t ino)
{
    f->seen[f->nseen++ % BS_FOLLOW_SEEN] = (struct bs_file_id){ dev, ino };
}

/* The open file fd is about to stop being the newest under the name: its
 * mtime bounds what was rotated after it. */
static void bs_follow_set_prev(struct bs_follow *f, uv_file fd)
{
    uv_fs_t req;
    if (uv_fs_fstat(NULL, &req, fd, NULL) == 0) {
        f->have_prev = true;
        f->prev_sec = (int64_t)req.statbuf.st_mtim.tv_sec;
        f->prev_nsec = (long)req.statbuf.st_mtim.tv_nsec;
    }
    uv_fs_req_cleanup(&req);
}

static bool bs_follow_take_old(struct bs_follow *f, const char *file,
                               const struct bs_input_mark *m);

/* The name has a new file, and an earlier one was known: files rotated
 * in between, too quickly to be seen under the name (missing -> X -> Y
 * between two looks), are read whole, oldest first, before the new one.
 * Files read lately (the ring) are never taken again. */
static void bs_follow_catch_up(struct bs_follow *f)
{
    static const struct bs_input_mark from_start;
    if (!f->have_prev)
        return;
    size_t nskip = f->nseen < BS_FOLLOW_SEEN ? f->nseen : BS_FOLLOW_SEEN;
    char **missed;
    size_t n = bs_resume_rotated_after(f->path, f->prev_sec, f->prev_nsec,
                                       f->seen, nskip, &missed);
    for (size_t i = 0; i < n; i++) {
        if (bs_follow_take_old(f, missed[i], &from_start))
            bs_follow_notice(f, "was rotated again before it was read",
                             missed[i]);
        free(missed[i]);
    }
    free(missed);
    f->have_prev = false; /* the next one comes with the next rotation */
}

/* Opens the name into the current slot, which is free. */
static void bs_follow_open(struct bs_follow *f, const char *why)
{
    struct bs_follow_gen *g = &f->gen[f->cur];
    uv_stat_t st;
    uv_file fd;
    if (!bs_follow_open_fd(f, &fd, &st))
        return;
    g->fd = fd;
    g->dev = st.st_dev;
    g->ino = st.st_ino;
    g->offset = g->fplen = 0;
    g->skip = g->told_error = false;
    bs_feed_set_time(&g->feed, (int64_t)st.st_mtim.tv_sec);
    if (why)
        bs_follow_notice(f, why, NULL);
    f->opened = true;
    f->told_open = f->missing = false;
    bs_follow_watch(f, g);
    bs_follow_saw(f, g->dev, g->ino);
    bs_follow_catch_up(f);
    if (f->env->opened)
        f->env->opened(f->env->ctx);
}

static void bs_follow_grace_cb(uv_timer_t *t)
{
    struct bs_follow *f = t->data;
    if (*f->env->engine_busy) {
        uv_timer_start(&f->grace, bs_follow_grace_cb, BS_BUSY_RETRY_MS, 0);
        return;
    }
    bs_follow_end_gen(f, &f->gen[!f->cur], UINT64_MAX, true);
}

/* The current file is no longer under the name: it becomes the rotated
 * predecessor, read on for the grace period. */
static void bs_follow_retire(struct bs_follow *f)
{
    bs_follow_set_prev(f, f->gen[f->cur].fd);
    bs_follow_end_gen(f, &f->gen[!f->cur], UINT64_MAX, true);
    f->cur = !f->cur;
    uv_timer_start(&f->grace, bs_follow_grace_cb,
                   f->env->partial_timeout_ms, 0);
}

/* ---- checks ----------------------------------------------------------- */

static void bs_follow_check_missing(struct bs_follow *f, int err)
{
    if (f->gen[f->cur].fd >= 0) {
        bs_follow_notice(f, "has become inaccessible", uv_strerror(err));
        bs_follow_retire(f);
    } else if (!f->opened && !f->told_open) {
        fprintf(stderr, "bouncestat: %s: cannot open: %s; trying again\n",
                f->path, uv_strerror(err));
        f->told_open = true;
    }
    f->missing = true;
}

static void bs_follow_check_same(struct bs_follow *f, const uv_stat_t *st)
{
    struct bs_follow_gen *g = &f->gen[f->cur];
    if (st->st_size < g->offset || !bs_follow_same_start(g)) {
        bs_follow_notice(f, "file truncated", NULL);
        g->offset = g->fplen = 0;
        g->skip = false;
    }
    bs_feed_set_time(&g->feed, (int64_t)st->st_mtim.tv_sec);
}

/* Compares the name with the current file and acts on the difference. */
static void bs_follow_check(struct bs_follow *f)
{
    uv_fs_t req;
    int rc = uv_fs_stat(NULL, &req, f->path, NULL);
    uv_stat_t st = req.statbuf;
    uv_fs_req_cleanup(&req);
    struct bs_follow_gen *g = &f->gen[f->cur];
    if (rc < 0) {
        bs_follow_check_missing(f, rc);
    } else if (g->fd < 0) {
        bs_follow_open(f, f->opened || f->missing
                              ? "has appeared; following new file"
                              : NULL);
    } else if (st.st_dev != g->dev || st.st_ino != g->ino) {
        bs_follow_notice(f, "has been replaced; following new file", NULL);
        bs_follow_retire(f);
        bs_follow_open(f, NULL);
    } else {
        bs_follow_check_same(f, &st);
    }
}

static void bs_follow_watch_dir(struct bs_follow *f);

bool bs_follow_poll(struct bs_follow *f)
{
    const struct bs_follow_env *env = f->env;
    if (f->dead || *env->engine_busy)
        return f->more;
    if (!f->dir_on)
        bs_follow_watch_dir(f);
    bs_follow_check(f);
    uint64_t budget = BS_FOLLOW_BUDGET;
    f->more = bs_follow_read(f, &f->gen[!f->cur], &budget) ||
              bs_follow_read(f, &f->gen[f->cur], &budget);
    if (f->more)
        env->wake(env->ctx);
    return f->more;
}

bool bs_follow_more(const struct bs_follow *f)
{
    return f->more;
}

/* ---- watchers --------------------------------------------------------- */

/* Events only mark a poll as due: a burst of them (one per write of a
 * busy writer) makes one poll in the next turn of the pump. */
static void bs_follow_due(struct bs_follow *f)
{
    f->more = true;
    f->env->wake(f->env->ctx);
}

static void bs_follow_file_cb(uv_fs_event_t *h, const char *name,
                              int events, int status)
{
    (void)name;
    (void)events;
    (void)status;
    bs_follow_due(h->data);
}

static void bs_follow_dir_cb(uv_fs_event_t *h, const char *name, int events,
                             int status)
{
    struct bs_follow *f = h->data;
    (void)events;
    (void)status;
    if (!name || strcmp(name, f->base) == 0)
        bs_follow_due(f);
}

static void bs_follow_watch_dir(struct bs_follow *f)
{
    if (f->dir_on)
        uv_fs_event_stop(&f->dir_ev);
    f->dir_on =
        uv_fs_event_start(&f->dir_ev, bs_follow_dir_cb, f->dir, 0) == 0;
}

/* ---- life cycle ------------------------------------------------------- */

static void bs_follow_split_path(struct bs_follow *f, const char *path)
{
    f->path = bs_strdup(path);
    f->dir = bs_strdup(path);
    char *slash = strrchr(f->dir, '/');
    if (!slash) {
        free(f->dir);
        f->dir = bs_strdup(".");
        f->base = f->path;
    } else {
        f->base = f->path + (slash - f->dir) + 1;
        slash[slash == f->dir] = '\0'; /* "/maillog" watches "/" */
    }
}

struct bs_follow *bs_follow_new(const struct bs_follow_env *env,
                                const char *path)
{
    struct bs_follow *f = calloc(1, sizeof *f);
    if (!f) {
        fputs("bouncestat: out of memory\n", stderr);
        abort();
    }
    f->env = env;
    bs_follow_split_path(f, path);
    uv_fs_event_init(env->loop, &f->dir_ev);
    f->dir_ev.data = f;
    uv_timer_init(env->loop, &f->grace);
    f->grace.data = f;
    for (int i = 0; i < 2; i++) {
        struct bs_follow_gen *g = &f->gen[i];
        g->fd = -1;
        bs_feed_init(&g->feed, env->e, f->path, env->max_line, false);
        uv_fs_event_init(env->loop, &g->ev);
        g->ev.data = f;
    }
    return f;
}

int bs_follow_start(struct bs_follow *f)
{
    uv_fs_t req;
    int rc = uv_fs_stat(NULL, &req, f->path, NULL);
    bool dir = rc == 0 && S_ISDIR(req.statbuf.st_mode);
    uv_fs_req_cleanup(&req);
    if (dir) {
        fprintf(stderr, "bouncestat: %s: is a directory\n", f->path);
        f->failed = f->dead = true;
        return -1;
    }
    bs_follow_watch_dir(f);
    bs_follow_poll(f);
    return 0;
}

void bs_follow_reopen(struct bs_follow *f)
{
    if (f->dead)
        return;
    bs_follow_watch_dir(f);
    struct bs_follow_gen *g = &f->gen[f->cur];
    if (g->fd >= 0)
        bs_follow_watch(f, g);
    bs_follow_poll(f);
}

void bs_follow_drain(struct bs_follow *f, uint64_t limit)
{
    if (f->dead)
        return;
    bs_follow_check(f);
    uint64_t old = limit, now = limit;
    bs_follow_read(f, &f->gen[!f->cur], &old);
    bs_follow_read(f, &f->gen[f->cur], &now);
}

void bs_follow_finish(struct bs_follow *f, uint64_t limit, bool flush)
{
    if (f->dead)
        return;
    if (limit)
        bs_follow_check(f);
    uv_timer_stop(&f->grace);
    bs_follow_end_gen(f, &f->gen[!f->cur], limit, flush);
    bs_follow_end_gen(f, &f->gen[f->cur], limit, flush);
    f->more = false;
}

/* ---- checkpoints ------------------------------------------------------ */

static void bs_follow_gen_mark(const struct bs_follow *f,
                               const struct bs_follow_gen *g, bool rotated,
                               struct bs_input_mark *m)
{
    memset(m, 0, sizeof *m);
    m->path = f->path;
    m->rotated = rotated;
    m->dev = g->dev;
    m->ino = g->ino;
    m->offset = g->offset - bs_feed_pending(&g->feed);
    m->in_long_line = bs_feed_in_long_line(&g->feed);
    m->head_len = g->fplen < m->offset ? g->fplen : (size_t)m->offset;
    memcpy(m->head, g->fp, m->head_len);
}

size_t bs_follow_marks(const struct bs_follow *f, struct bs_input_mark out[2])
{
    size_t n = 0;
    const struct bs_follow_gen *old = &f->gen[!f->cur];
    const struct bs_follow_gen *now = &f->gen[f->cur];
    if (old->fd >= 0 && !old->skip)
        bs_follow_gen_mark(f, old, true, &out[n++]);
    if (now->fd >= 0 && !now->skip)
        bs_follow_gen_mark(f, now, false, &out[n++]);
    return n;
}

/* Opens file into slot i, to go on from the mark. */
static bool bs_follow_adopt(struct bs_follow *f, int i, const char *file,
                            const struct bs_input_mark *m)
{
    struct bs_follow_gen *g = &f->gen[i];
    uv_fs_t req;
    uv_file fd = uv_fs_open(NULL, &req, file, UV_FS_O_RDONLY, 0, NULL);
    uv_fs_req_cleanup(&req);
    if (fd < 0)
        return false;
    int rc = uv_fs_fstat(NULL, &req, fd, NULL);
    uv_stat_t st = req.statbuf;
    uv_fs_req_cleanup(&req);
    if (rc < 0) {
        bs_follow_close_fd(fd);
        return false;
    }
    g->fd = fd;
    g->dev = st.st_dev;
    g->ino = st.st_ino;
    bs_follow_saw(f, g->dev, g->ino);
    g->offset = m->offset;
    g->fplen = m->head_len;
    memcpy(g->fp, m->head, m->head_len);
    g->skip = g->told_error = false;
    bs_feed_set_time(&g->feed, (int64_t)st.st_mtim.tv_sec);
    if (m->offset)
        bs_feed_resume_lines(&g->feed, m->in_long_line);
    return true;
}

/* file becomes the rotated predecessor, read from the mark on (and the
 * predecessor before it to its end first). False when it cannot be
 * opened. */
static bool bs_follow_take_old(struct bs_follow *f, const char *file,
                               const struct bs_input_mark *m)
{
    struct bs_follow_gen *old = &f->gen[!f->cur];
    if (old->fd >= 0)
        bs_follow_end_gen(f, old, UINT64_MAX, true); /* older still */
    if (!bs_follow_adopt(f, !f->cur, file, m))
        return false;
    bs_follow_set_prev(f, f->gen[!f->cur].fd);
    f->opened = true; /* this input is being read */
    uv_timer_start(&f->grace, bs_follow_grace_cb,
                   f->env->partial_timeout_ms, 0);
    return true;
}

/* At resume: the marked file, found under file, is read to its end
 * first, as a rotated predecessor is. */
static void bs_follow_adopt_old(struct bs_follow *f, const char *file,
                                const struct bs_input_mark *m)
{
    if (bs_follow_take_old(f, file, m) && !f->env->quiet)
        fprintf(stderr, "bouncestat: %s: reading %s from byte offset "
                        "%llu\n", f->path, file,
                (unsigned long long)m->offset);
}

/* The files rotated after the marked one while bouncestat was down, read
 * whole, oldest first. */
static void bs_follow_adopt_between(struct bs_follow *f,
                                    const struct bs_resume_plan *p)
{
    static const struct bs_input_mark from_start;
    for (size_t i = 0; i < p->nbetween; i++)
        bs_follow_adopt_old(f, p->between[i], &from_start);
}

void bs_follow_resume(struct bs_follow *f, const struct bs_input_mark *marks,
                      size_t n)
{
    const struct bs_input_mark *rot =
        bs_resume_find_mark(marks, n, f->path, true);
    const struct bs_input_mark *cur =
        bs_resume_find_mark(marks, n, f->path, false);
    struct bs_resume_plan p;
    if (rot) {
        bs_resume_plan(f->path, rot, !cur, &p);
        const char *file = p.same ? f->path : p.old_path;
        if (file)
            bs_follow_adopt_old(f, file, rot);
        else if (rot->offset)
            bs_follow_error(f, "since the last checkpoint",
                            "the rotated file it was finishing is gone: "
                            "its last lines are lost");
        bs_follow_adopt_between(f, &p);
        bs_resume_plan_free(&p);
    }
    if (!cur)
        return;
    bs_resume_plan(f->path, cur, true, &p);
    if (p.same && bs_follow_adopt(f, f->cur, f->path, cur)) {
        f->opened = true;
        bs_follow_watch(f, &f->gen[f->cur]);
    } else {
        bs_resume_say(f->path, &p, f->env->quiet);
        if (p.old_path)
            bs_follow_adopt_old(f, p.old_path, cur);
        bs_follow_adopt_between(f, &p);
    }
    bs_resume_plan_free(&p);
}

void bs_follow_close(struct bs_follow *f)
{
    uv_close((uv_handle_t *)&f->dir_ev, NULL);
    uv_close((uv_handle_t *)&f->grace, NULL);
    for (int i = 0; i < 2; i++)
        uv_close((uv_handle_t *)&f->gen[i].ev, NULL);
}

void bs_follow_free(struct bs_follow *f)
{
    if (!f)
        return;
    for (int i = 0; i < 2; i++) {
        if (f->gen[i].fd >= 0)
            bs_follow_close_fd(f->gen[i].fd);
        bs_feed_fini(&f->gen[i].feed);
    }
    free(f->path);
    free(f->dir);
    free(f);
}

bool bs_follow_failed(const struct bs_follow *f)
{
    return f->failed || !f->opened;
}
