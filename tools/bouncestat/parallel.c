/*
 * parallel.c - pieces of input on libuv worker threads
 *
 * A piece is (file, byte range). Cutting a plain file: each cut is moved
 * forward to just after the next newline, so no line is split. Workers
 * take pieces in order from a shared counter; the main thread waits for
 * piece i, merges it into piece 0's engine and frees it. A worker may not
 * run more than 2 * jobs pieces ahead of the merge, which bounds memory.
 */
#include "parallel.h"

#include "common.h"
#include "decode_thread.h"
#include "patterns_file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#define BS_PIECE_CHUNK (1u << 17) /* in L2 between read and parse */

struct bs_piece {
    const char *path;
    uint64_t start, end; /* end == UINT64_MAX: to the end of the file */
    int64_t mtime;
    struct bs_engine *engine; /* set when done */
    int status;               /* 0, 1 or 2 */
    char err[512];
    bool done;
};

struct bs_pool {
    const struct bs_parallel_opts *po;
    struct bs_piece *pieces;
    int npieces;
    int next;   /* next piece to start */
    int merged; /* pieces merged so far */
    bool decode_apart; /* fewer pieces than jobs: zstd on its own thread */
    uv_mutex_t lock;
    uv_cond_t changed;
};

/* Size, mtime and whether a file is plain (not zstd) and regular. */
static int bs_piece_stat(const char *path, uint64_t *size, int64_t *mtime,
                         bool *splittable)
{
    uv_fs_t req;
    int rc = uv_fs_stat(NULL, &req, path, NULL);
    if (rc == 0) {
        *size = req.statbuf.st_size;
        *mtime = (int64_t)req.statbuf.st_mtim.tv_sec;
        *splittable = (req.statbuf.st_mode & S_IFMT) == S_IFREG;
    }
    uv_fs_req_cleanup(&req);
    if (rc < 0 || !*splittable)
        return rc;
    unsigned char magic[4096] = { 0 };
    FILE *f = fopen(path, "rb");
    if (f) {
        size_t got = fread(magic, 1, sizeof magic, f);
        if (bs_input_is_mail(magic, got)) /* an mbox is cut by messages */
            *splittable = false;
        if (bs_input_is_zstd(magic, got))
            *splittable = false;
        fclose(f);
    }
    return 0;
}

/* The offset just after the first newline at or after off. */
static uint64_t bs_next_line(FILE *f, uint64_t off, uint64_t size)
{
    if (off == 0 || off >= size || fseeko(f, (off_t)off - 1, SEEK_SET) != 0)
        return off >= size ? size : off;
    int c;
    uint64_t at = off - 1;
    while ((c = fgetc(f)) != EOF) {
        at++;
        if (c == '\n')
            return at;
    }
    return size;
}

static void bs_pieces_add(struct bs_pool *p, const char *path, uint64_t s,
                          uint64_t e, int64_t mtime)
{
    p->pieces = realloc(p->pieces, (size_t)(p->npieces + 1) *
                                       sizeof *p->pieces);
    if (!p->pieces) {
        fprintf(stderr, "bouncestat: out of memory\n");
        abort();
    }
    memset(&p->pieces[p->npieces], 0, sizeof *p->pieces);
    p->pieces[p->npieces].path = path;
    p->pieces[p->npieces].start = s;
    p->pieces[p->npieces].end = e;
    p->pieces[p->npieces].mtime = mtime;
    p->npieces++;
}

/* How many pieces a plain file of size bytes is cut into: about one per
 * share of the work (all inputs' bytes over the jobs, total), rounded,
 * so that equal files on as many threads are not cut at all; at most
 * jobs, and none smaller than split_min. */
static uint64_t bs_pieces_of(uint64_t size, uint64_t total,
                             const struct bs_parallel_opts *po)
{
    if (po->jobs < 2 || size < 2 * po->split_min)
        return 1;
    uint64_t share = total / (uint64_t)po->jobs;
    if (share < po->split_min)
        share = po->split_min;
    uint64_t n = (size + share / 2) / share;
    if (n > size / po->split_min)
        n = size / po->split_min;
    if (n > (uint64_t)po->jobs)
        n = (uint64_t)po->jobs;
    return n ? n : 1;
}

/* One piece per input, several for a large plain file. */
static void bs_pieces_plan(struct bs_pool *p, const char *const *inputs,
                           int ninputs)
{
    struct {
        uint64_t size;
        int64_t mtime;
        bool split;
    } *in = bs_xcalloc((size_t)ninputs + 1, sizeof *in);
    uint64_t total = 0;
    for (int i = 0; i < ninputs; i++) {
        if (bs_piece_stat(inputs[i], &in[i].size, &in[i].mtime,
                          &in[i].split) < 0)
            in[i].split = false;
        total += in[i].size;
    }
    for (int i = 0; i < ninputs; i++) {
        uint64_t size = in[i].size;
        uint64_t n = in[i].split ? bs_pieces_of(size, total, p->po) : 1;
        FILE *f = n > 1 ? fopen(inputs[i], "rb") : NULL;
        if (!f) {
            bs_pieces_add(p, inputs[i], 0, UINT64_MAX, in[i].mtime);
            continue;
        }
        uint64_t start = 0;
        for (uint64_t k = 1; k <= n; k++) {
            uint64_t end = k == n ? UINT64_MAX
                                  : bs_next_line(f, size * k / n, size);
            if (end != UINT64_MAX && end <= start)
                continue;
            bs_pieces_add(p, inputs[i], start, end, in[i].mtime);
            start = end;
        }
        fclose(f);
    }
    free(in);
}

static struct bs_engine *bs_piece_engine(const struct bs_parallel_opts *po,
                                         struct bs_piece *pc, bool segment)
{
    struct bs_engine *e = bs_engine_new(po->engine, pc->err,
                                        sizeof pc->err);
    if (!e) {
        pc->status = 1;
        return NULL;
    }
    for (int i = 0; i < po->npatterns; i++) {
        if (bs_patterns_file_load(e, po->patterns[i]) < 0) {
            bs_engine_free(e);
            pc->status = 1;
            pc->err[0] = '\0'; /* already reported */
            return NULL;
        }
    }
    bs_engine_set_segment(e, segment);
    return e;
}

/* A whole zstd file, decoded on a thread of its own. */
static bool bs_piece_decode_apart(const struct bs_piece *pc, FILE *f)
{
    return pc->start == 0 && pc->end == UINT64_MAX &&
           bs_fd_starts_zstd(fileno(f));
}

/* Reads the piece's byte range into its engine. */
static void bs_piece_run(const struct bs_parallel_opts *po,
                         struct bs_piece *pc, bool segment, bool apart,
                         char *buf)
{
    struct bs_engine *e = bs_piece_engine(po, pc, segment);
    if (!e)
        return;
    pc->engine = e;
    FILE *f = fopen(pc->path, "rb");
    struct stat st;
    if (f && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(pc->err, sizeof pc->err, "%s: is a directory", pc->path);
        pc->status = 2;
        fclose(f);
        return;
    }
    if (!f || (pc->start && fseeko(f, (off_t)pc->start, SEEK_SET) != 0)) {
        snprintf(pc->err, sizeof pc->err, "%s: cannot open: %s", pc->path,
                 strerror(errno));
        pc->status = 2;
        if (f)
            fclose(f);
        return;
    }
    if (apart && bs_piece_decode_apart(pc, f)) {
        if (bs_decode_thread_read(e, fileno(f), pc->path, pc->mtime, NULL,
                                  NULL, pc->err, sizeof pc->err) < 0)
            pc->status = 2;
        fclose(f);
        return;
    }
    bs_engine_begin_input(e, pc->path, pc->mtime);
    /* A piece to the end of the file reads until EOF. */
    uint64_t left = pc->end == UINT64_MAX ? UINT64_MAX
                                          : pc->end - pc->start;
    int rc = 0;
    while (left && rc == 0) {
        size_t want = left < BS_PIECE_CHUNK ? (size_t)left : BS_PIECE_CHUNK;
        size_t got = fread(buf, 1, want, f);
        if (got == 0)
            break;
        if (pc->end != UINT64_MAX)
            left -= got;
        rc = bs_engine_feed(e, buf, got);
    }
    if (ferror(f)) {
        snprintf(pc->err, sizeof pc->err, "%s: read error", pc->path);
        pc->status = 2;
    }
    if ((rc < 0 || bs_engine_end_input(e) < 0) && pc->status == 0) {
        snprintf(pc->err, sizeof pc->err, "%s", bs_engine_input_error(e));
        pc->status = 2;
    }
    fclose(f);
}

static void bs_worker(void *arg)
{
    struct bs_pool *p = arg;
    char *buf = malloc(BS_PIECE_CHUNK);
    for (;;) {
        uv_mutex_lock(&p->lock);
        while (p->next < p->npieces &&
               p->next >= p->merged + 2 * p->po->jobs)
            uv_cond_wait(&p->changed, &p->lock);
        int i = p->next < p->npieces ? p->next++ : -1;
        uv_mutex_unlock(&p->lock);
        if (i < 0 || !buf)
            break;
        bs_piece_run(p->po, &p->pieces[i], i > 0, p->decode_apart, buf);
        uv_mutex_lock(&p->lock);
        p->pieces[i].done = true;
        uv_cond_broadcast(&p->changed);
        uv_mutex_unlock(&p->lock);
    }
    free(buf);
}

/* Waits for each piece in order and merges it into the first. */
static int bs_merge_in_order(struct bs_pool *p, struct bs_engine **out)
{
    int status = 0;
    *out = NULL;
    for (int i = 0; i < p->npieces; i++) {
        uv_mutex_lock(&p->lock);
        while (!p->pieces[i].done)
            uv_cond_wait(&p->changed, &p->lock);
        uv_mutex_unlock(&p->lock);
        struct bs_piece *pc = &p->pieces[i];
        if (pc->err[0])
            fprintf(stderr, "bouncestat: %s\n", pc->err);
        if (pc->status == 1)
            status = 1; /* an engine could not be made: usage error */
        else if (pc->status == 2 && status == 0)
            status = 2;
        if (pc->engine && *out) {
            bs_engine_merge(*out, pc->engine);
            bs_engine_free(pc->engine);
        } else if (pc->engine) {
            *out = pc->engine;
        }
        pc->engine = NULL;
        uv_mutex_lock(&p->lock);
        p->merged = i + 1;
        uv_cond_broadcast(&p->changed);
        uv_mutex_unlock(&p->lock);
    }
    return status;
}

int bs_parallel_run(const struct bs_parallel_opts *po,
                    const char *const *inputs, int ninputs,
                    struct bs_engine **out)
{
    struct bs_pool p = { .po = po };
    bs_pieces_plan(&p, inputs, ninputs);
    uv_mutex_init(&p.lock);
    uv_cond_init(&p.changed);
    int nthreads = po->jobs < p.npieces ? po->jobs : p.npieces;
    p.decode_apart = p.npieces < po->jobs;
    uv_thread_t *threads = calloc((size_t)(nthreads ? nthreads : 1),
                                  sizeof *threads);
    for (int t = 0; t < nthreads; t++)
        uv_thread_create(&threads[t], bs_worker, &p);
    int status = bs_merge_in_order(&p, out);
    for (int t = 0; t < nthreads; t++)
        uv_thread_join(&threads[t]);
    free(threads);
    uv_cond_destroy(&p.changed);
    uv_mutex_destroy(&p.lock);
    free(p.pieces);
    return status;
}
