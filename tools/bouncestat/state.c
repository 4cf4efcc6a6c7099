/*
 * state.c - the --state file: locked, loaded at start, written atomically
 */
#define _DEFAULT_SOURCE /* flock */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct bs_state {
    char *path, *tmp, *dir;
    int lock_fd;
    struct bs_input_mark *marks;
    size_t nmarks;
};

static void *bs_state_alloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fputs("bouncestat: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *bs_state_concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = bs_state_alloc(NULL, la + lb + 1);
    memcpy(p, a, la);
    memcpy(p + la, b, lb + 1);
    return p;
}

static char *bs_state_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return bs_state_concat(".", "");
    char *d = bs_state_concat(path, "");
    d[slash == path ? 1 : (size_t)(slash - path)] = '\0';
    return d;
}

/* The whole file into a heap buffer; *text NULL when it does not exist. */
static int bs_state_slurp(const char *path, char **text, size_t *len,
                          char *err, size_t errlen)
{
    *text = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 0;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        snprintf(err, errlen, "%s: cannot read the state: %s", path,
                 strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
    char *buf = bs_state_alloc(NULL, cap);
    for (;;) {
        if (n == cap)
            buf = bs_state_alloc(buf, cap *= 2);
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "%s: cannot read the state: %s", path,
                     strerror(errno));
            free(buf);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    *text = buf;
    *len = n;
    return 0;
}

static int bs_state_lock(struct bs_state *st, char *err, size_t errlen)
{
    char *lock = bs_state_concat(st->path, ".lock");
    st->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
    int rc = 0;
    if (st->lock_fd < 0) {
        snprintf(err, errlen, "%s: cannot create the lock file: %s", lock,
                 strerror(errno));
        rc = -1;
    } else if (flock(st->lock_fd, LOCK_EX | LOCK_NB) < 0) {
        snprintf(err, errlen, "%s: %s", st->path,
                 errno == EWOULDBLOCK
                     ? "in use by another bouncestat (its lock is held)"
                     : strerror(errno));
        rc = -1;
    }
    free(lock);
    return rc;
}

struct bs_state *bs_state_open(const char *path, bool reset,
                               struct bs_engine *e, char *err,
                               size_t errlen)
{
    struct bs_state *st = bs_state_alloc(NULL, sizeof *st);
    memset(st, 0, sizeof *st);
    st->path = bs_state_concat(path, "");
    st->tmp = bs_state_concat(path, ".tmp");
    st->dir = bs_state_dir_of(path);
    st->lock_fd = -1;
    if (bs_state_lock(st, err, errlen) < 0) {
        bs_state_close(st);
        return NULL;
    }
    if (reset)
        return st;
    char *text;
    size_t len;
    if (bs_state_slurp(path, &text, &len, err, errlen) < 0) {
        bs_state_close(st);
        return NULL;
    }
    if (!text)
        return st;
    char msg[900];
    int rc = bs_engine_resume(e, text, len, path, &st->marks, &st->nmarks,
                              msg, sizeof msg);
    free(text);
    if (rc < 0) {
        snprintf(err, errlen, "%s; the state is left as it is: move it "
                 "away, or start afresh with --reset-state", msg);
        bs_state_close(st);
        return NULL;
    }
    if (rc > 0)
        fprintf(stderr, "bouncestat: %s: %d samples name rules this run "
                "does not have (load the same --patterns)\n", path, rc);
    return st;
}

const struct bs_input_mark *bs_state_marks(const struct bs_state *st,
                                           size_t *n)
{
    *n = st->nmarks;
    return st->marks;
}

const char *bs_state_path(const struct bs_state *st)
{
    return st->path;
}

static int bs_state_write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The rename is durable once the folder is on disk too. Some file
 * systems refuse fsync on a folder (EINVAL): the rename still stands. */
static int bs_state_sync_dir(const struct bs_state *st)
{
    int fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd) < 0 && errno != EINVAL ? -1 : 0;
    close(fd);
    return rc;
}

/* The checkpoint text into STATE.tmp, synced, renamed over STATE.
 * Returns 0, or -1 with *step naming what failed (errno set). */
static int bs_state_replace(struct bs_state *st, const char *text,
                            size_t len, const char **step)
{
    *step = "creating";
    int fd = open(st->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    int rc = 0;
    *step = "writing";
    if (bs_state_write_all(fd, text, len) < 0)
        rc = -1;
    if (rc == 0) {
        *step = "syncing";
        rc = fsync(fd);
    }
    int saved = errno;
    if (close(fd) < 0 && rc == 0) {
        *step = "closing";
        saved = errno;
        rc = -1;
    }
    if (rc == 0 && rename(st->tmp, st->path) < 0) {
        *step = "renaming";
        saved = errno;
        rc = -1;
    }
    if (rc < 0) {
        unlink(st->tmp);
        errno = saved;
    }
    return rc;
}

int bs_state_write(struct bs_state *st, struct bs_engine *e,
                   const struct bs_input_mark *marks, size_t n, char *err,
                   size_t errlen)
{
    char *text;
    size_t len;
    bs_engine_checkpoint(e, marks, n, &text, &len);
    const char *step;
    int rc = bs_state_replace(st, text, len, &step);
    free(text);
    if (rc < 0) {
        snprintf(err, errlen, "%s: checkpoint not written (%s %s: %s); "
                 "the previous one stays", st->path, step, st->tmp,
                 strerror(errno));
        return -1;
    }
    if (bs_state_sync_dir(st) < 0) {
        snprintf(err, errlen, "%s: checkpoint written but its folder %s "
                 "could not be synced: %s", st->path, st->dir,
                 strerror(errno));
        return -1;
    }
    return 0;
}

void bs_state_close(struct bs_state *st)
{
    if (!st)
        return;
    if (st->lock_fd >= 0)
        close(st->lock_fd);
    bs_input_marks_free(st->marks, st->nmarks);
    free(st->path);
    free(st->tmp);
    free(st->dir);
    free(st);
}
