/*
 * batch.c - inputs in order, progress over the sum of their sizes
 */
#include "batch.h"

#include "maildir.h"
#include "progress.h"
#include "read_input.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

/* The size of a regular file, or -1 when it is not one (or unreadable). */
static int64_t bs_batch_size(const char *path)
{
    uv_fs_t req;
    int rc = strcmp(path, "-") == 0 ? uv_fs_fstat(NULL, &req, 0, NULL)
                                    : uv_fs_stat(NULL, &req, path, NULL);
    int64_t size = rc == 0 && S_ISREG(req.statbuf.st_mode)
                       ? (int64_t)req.statbuf.st_size
                       : -1;
    uv_fs_req_cleanup(&req);
    return size;
}

/* The bytes of all inputs; 0 (unknown) if any of them has no size. */
static uint64_t bs_batch_total(const struct bs_options *o)
{
    uint64_t total = 0;
    int n = o->ninputs ? o->ninputs : 1;
    for (int i = 0; i < n; i++) {
        int64_t size = bs_batch_size(o->ninputs ? o->inputs[i] : "-");
        if (size < 0)
            return 0;
        total += (uint64_t)size;
    }
    return total;
}

static void bs_batch_progress(void *ctx, size_t n)
{
    bs_progress_add(ctx, n);
}

int bs_batch_run(struct bs_engine *e, const struct bs_options *o)
{
    static char buf[BS_READ_CHUNK];
    char err[1024];
    int status = 0;
    struct bs_progress p;
    bs_progress_init(&p, 2, !o->quiet, o->quiet ? 0 : bs_batch_total(o));
    int n = o->ninputs ? o->ninputs : 1;
    for (int i = 0; i < n; i++) {
        const char *path = o->ninputs ? o->inputs[i] : "-";
        if (bs_maildir_is(path)) {
            struct bs_maildir_stats ms;
            if (bs_maildir_feed(e, path, buf, sizeof buf, &ms, err,
                                sizeof err) != 0) {
                bs_progress_clear(&p);
                fprintf(stderr, "bouncestat: %s\n", err);
                status = 2;
            }
            continue;
        }
        if (bs_read_input_ex(e, path, buf, sizeof buf, bs_batch_progress,
                             &p, err, sizeof err) < 0) {
            bs_progress_clear(&p);
            fprintf(stderr, "bouncestat: %s\n", err);
            status = 2;
        }
    }
    bs_progress_end(&p);
    return status;
}
