/*
 * decode_thread.c - a zstd file decoded on a thread of its own
 *
 * The ring: slots[head .. head + filled) hold text for the counting
 * thread, in order; the decoder thread fills slot (head + filled) % N
 * outside the lock once filled < N, and publishes it by incrementing
 * filled. The counting thread reads slots[head] outside the lock and then
 * releases it (head + 1, filled - 1). Only filled, head and done are
 * shared, always under the mutex; a slot belongs to one thread at a time.
 * The counting thread always reads to the end, so the decoder thread
 * never waits in vain.
 */
#include "decode_thread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#define BS_RING_SLOTS 4
#define BS_RING_SLOT_SIZE (1u << 20)

struct bs_ring_slot {
    char *text;
    size_t len;
    uint64_t input_bytes; /* file bytes read since the previous slot */
};

struct bs_decode_pipe {
    uv_mutex_t mu;
    uv_cond_t cv;
    struct bs_ring_slot slot[BS_RING_SLOTS];
    unsigned head, filled; /* shared */
    bool done;             /* shared */
    /* The decoder thread's own. */
    int fd;
    const char *name;
    struct bs_decoder *dec;
    struct bs_ring_slot *cur; /* being filled; NULL: none claimed */
    uint64_t input_bytes;
    char *chunk;
    /* Read by the counting thread after the join. */
    bool read_failed, cut;
    char read_error[512], cut_why[512];
};

static void *bs_dt_alloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fputs("bouncestat: out of memory\n", stderr);
        abort();
    }
    return p;
}

/* The decoder thread: waits for a free slot and claims it. */
static void bs_dt_claim(struct bs_decode_pipe *p)
{
    uv_mutex_lock(&p->mu);
    while (p->filled == BS_RING_SLOTS)
        uv_cond_wait(&p->cv, &p->mu);
    p->cur = &p->slot[(p->head + p->filled) % BS_RING_SLOTS];
    uv_mutex_unlock(&p->mu);
    p->cur->len = 0;
    p->cur->input_bytes = 0;
}

static void bs_dt_publish(struct bs_decode_pipe *p)
{
    p->cur->input_bytes = p->input_bytes;
    p->input_bytes = 0;
    p->cur = NULL;
    uv_mutex_lock(&p->mu);
    p->filled++;
    uv_cond_broadcast(&p->cv);
    uv_mutex_unlock(&p->mu);
}

/* bs_decoded_fn: text into slots, publishing each full one. */
static void bs_dt_text(void *ctx, const char *text, size_t len)
{
    struct bs_decode_pipe *p = ctx;
    while (len) {
        if (!p->cur)
            bs_dt_claim(p);
        size_t room = BS_RING_SLOT_SIZE - p->cur->len;
        size_t n = len < room ? len : room;
        memcpy(p->cur->text + p->cur->len, text, n);
        p->cur->len += n;
        text += n;
        len -= n;
        if (p->cur->len == BS_RING_SLOT_SIZE)
            bs_dt_publish(p);
    }
}

static void bs_dt_read_all(struct bs_decode_pipe *p)
{
    uint64_t offset = 0;
    for (;;) {
        ssize_t n = read(p->fd, p->chunk, BS_READ_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            p->read_failed = true;
            snprintf(p->read_error, sizeof p->read_error,
                     "%s: read error at byte offset %llu: %s", p->name,
                     (unsigned long long)offset, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        offset += (uint64_t)n;
        p->input_bytes += (uint64_t)n;
        if (bs_decoder_feed(p->dec, p->chunk, (size_t)n, bs_dt_text, p) < 0) {
            p->cut = true;
            snprintf(p->cut_why, sizeof p->cut_why, "%s",
                     bs_decoder_error(p->dec));
            return;
        }
    }
    if (bs_decoder_finish(p->dec, bs_dt_text, p) < 0) {
        p->cut = true;
        snprintf(p->cut_why, sizeof p->cut_why, "%s",
                 bs_decoder_error(p->dec));
    }
}

static void bs_dt_main(void *arg)
{
    struct bs_decode_pipe *p = arg;
    bs_dt_read_all(p);
    /* The last slot, even empty: it carries the last input bytes. */
    if (!p->cur)
        bs_dt_claim(p);
    bs_dt_publish(p);
    uv_mutex_lock(&p->mu);
    p->done = true;
    uv_cond_broadcast(&p->cv);
    uv_mutex_unlock(&p->mu);
}

/* The counting thread: the next slot of text, or NULL at the end. */
static struct bs_ring_slot *bs_dt_next(struct bs_decode_pipe *p)
{
    uv_mutex_lock(&p->mu);
    while (p->filled == 0 && !p->done)
        uv_cond_wait(&p->cv, &p->mu);
    struct bs_ring_slot *s = p->filled ? &p->slot[p->head] : NULL;
    uv_mutex_unlock(&p->mu);
    return s;
}

static void bs_dt_release(struct bs_decode_pipe *p)
{
    uv_mutex_lock(&p->mu);
    p->head = (p->head + 1) % BS_RING_SLOTS;
    p->filled--;
    uv_cond_broadcast(&p->cv);
    uv_mutex_unlock(&p->mu);
}

bool bs_fd_starts_zstd(int fd)
{
    unsigned char magic[4];
    return pread(fd, magic, sizeof magic, 0) == (ssize_t)sizeof magic &&
           bs_input_is_zstd(magic, sizeof magic);
}

bool bs_decode_thread_wanted(void)
{
    return uv_available_parallelism() >= 2;
}

static void bs_dt_init(struct bs_decode_pipe *p, int fd, const char *name)
{
    memset(p, 0, sizeof *p);
    uv_mutex_init(&p->mu);
    uv_cond_init(&p->cv);
    for (int i = 0; i < BS_RING_SLOTS; i++)
        p->slot[i].text = bs_dt_alloc(BS_RING_SLOT_SIZE);
    p->fd = fd;
    p->name = name;
    p->dec = bs_decoder_new(name);
    p->chunk = bs_dt_alloc(BS_READ_CHUNK);
}

static void bs_dt_fini(struct bs_decode_pipe *p)
{
    for (int i = 0; i < BS_RING_SLOTS; i++)
        free(p->slot[i].text);
    free(p->chunk);
    bs_decoder_free(p->dec);
    uv_cond_destroy(&p->cv);
    uv_mutex_destroy(&p->mu);
}

int bs_decode_thread_read(struct bs_engine *e, int fd, const char *name,
                          int64_t ref_time, bs_read_progress_fn *progress,
                          void *ctx, char *err, size_t errlen)
{
    struct bs_decode_pipe *p = bs_dt_alloc(sizeof *p);
    bs_dt_init(p, fd, name);
    uv_thread_t tid;
    if (uv_thread_create(&tid, bs_dt_main, p) != 0) {
        bs_dt_fini(p);
        free(p);
        snprintf(err, errlen, "%s: cannot start a decoding thread", name);
        return -1;
    }
    bs_engine_begin_decoded_input(e, name, ref_time);
    struct bs_ring_slot *s;
    while ((s = bs_dt_next(p)) != NULL) {
        bs_engine_feed_decoded(e, s->text, s->len, s->input_bytes);
        if (progress && s->input_bytes)
            progress(ctx, (size_t)s->input_bytes);
        bs_dt_release(p);
    }
    uv_thread_join(&tid);
    if (p->cut)
        bs_engine_cut_input(e, p->cut_why);
    int rc = 0;
    if (p->read_failed) {
        snprintf(err, errlen, "%s", p->read_error);
        rc = -1;
    }
    if (bs_engine_end_input(e) < 0 && rc == 0) {
        snprintf(err, errlen, "%s", bs_engine_input_error(e));
        rc = -1;
    }
    bs_dt_fini(p);
    free(p);
    return rc;
}
