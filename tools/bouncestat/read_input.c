/*
 * read_input.c - synchronous libuv reads of one input into the engine
 *
 * Synchronous uv_fs_* calls (no callback) keep the batch path simple;
 * following files and live refresh run on the same library's event loop
 * (stream.c).
 */
#include "read_input.h"

#include "decode_thread.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <uv.h>

static int bs_open_input(const char *path, uv_file *fd, int64_t *mtime,
                         char *err, size_t errlen)
{
    uv_fs_t req;
    if (strcmp(path, "-") == 0) {
        *fd = 0;
        *mtime = (int64_t)time(NULL);
        return 0;
    }
    int rc = uv_fs_open(NULL, &req, path, UV_FS_O_RDONLY, 0, NULL);
    uv_fs_req_cleanup(&req);
    if (rc < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, uv_strerror(rc));
        return -1;
    }
    *fd = rc;
    rc = uv_fs_fstat(NULL, &req, *fd, NULL);
    if (rc == 0 && (req.statbuf.st_mode & S_IFMT) == S_IFDIR) {
        snprintf(err, errlen, "%s: is a directory", path);
        rc = -1;
    } else if (rc < 0) {
        snprintf(err, errlen, "%s: cannot stat: %s", path, uv_strerror(rc));
        rc = -1;
    } else {
        *mtime = (int64_t)req.statbuf.st_mtim.tv_sec;
    }
    uv_fs_req_cleanup(&req);
    if (rc < 0) {
        uv_fs_t close_req;
        uv_fs_close(NULL, &close_req, *fd, NULL);
        uv_fs_req_cleanup(&close_req);
    }
    return rc;
}

/* A named file that starts with zstd magic, with a core to spare for
 * decoding it on another thread? */
static bool bs_decode_apart(uv_file fd)
{
    return fd != 0 && bs_decode_thread_wanted() && bs_fd_starts_zstd(fd);
}

static void bs_close_input(uv_file fd)
{
    if (fd == 0)
        return;
    uv_fs_t req;
    uv_fs_close(NULL, &req, fd, NULL);
    uv_fs_req_cleanup(&req);
}

int bs_read_input(struct bs_engine *e, const char *path, char *buf,
                  size_t bufsize, char *err, size_t errlen)
{
    return bs_read_input_ex(e, path, buf, bufsize, NULL, NULL, err, errlen);
}

int bs_read_input_ex(struct bs_engine *e, const char *path, char *buf,
                     size_t bufsize, bs_read_progress_fn *progress,
                     void *ctx, char *err, size_t errlen)
{
    uv_file fd;
    int64_t mtime;
    if (bs_open_input(path, &fd, &mtime, err, errlen) < 0)
        return -1;
    const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
    if (bs_decode_apart(fd)) {
        int rc = bs_decode_thread_read(e, fd, name, mtime, progress, ctx,
                                       err, errlen);
        bs_close_input(fd);
        return rc;
    }
    bs_engine_begin_input(e, name, mtime);
    int result = 0;
    unsigned long long offset = 0;
    for (;;) {
        uv_fs_t req;
        uv_buf_t b = uv_buf_init(buf, (unsigned)bufsize);
        int n = uv_fs_read(NULL, &req, fd, &b, 1, -1, NULL);
        uv_fs_req_cleanup(&req);
        if (n == UV_EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "%s: read error at byte offset %llu: %s",
                     name, offset, uv_strerror(n));
            result = -1;
            break;
        }
        if (n == 0)
            break;
        offset += (unsigned)n;
        if (bs_engine_feed(e, buf, (size_t)n) < 0) {
            snprintf(err, errlen, "%s", bs_engine_input_error(e));
            result = -1;
            break;
        }
        if (progress)
            progress(ctx, (size_t)n);
    }
    if (bs_engine_end_input(e) < 0 && result == 0) {
        snprintf(err, errlen, "%s", bs_engine_input_error(e));
        result = -1;
    }
    bs_close_input(fd);
    return result;
}
