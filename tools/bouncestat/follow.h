/*
 * follow.h - follow one file by name, like tail -F, into the engine
 *
 * A follower reads the file named path from its first byte and then keeps
 * reading what is appended, across every way logs are rotated:
 *
 *   rename + create, delete + recreate: the name now points at another
 *       file (device and inode differ), or at nothing for a while. The old
 *       file stays open and is read to its end for partial_timeout more
 *       (a writer that has not reopened yet still appends to it, and a
 *       partial last line gets the rest of its bytes there); then a line
 *       still without its newline is counted as it is and the old file is
 *       closed. The new file is read from offset 0.
 *   copytruncate, truncation in place: the same file got shorter than the
 *       offset read so far, or its first bytes changed (truncated and
 *       written again before we looked). Reading restarts at offset 0; a
 *       held partial line is continued by the new first bytes, which is
 *       what a writer in O_APPEND mode that was mid-line produces. Lines
 *       written between logrotate's copy and its truncation are in the
 *       copy only and are lost: no follower can see them.
 *   deletion: as rename, then the name is tried again on every check until
 *       it reappears ("has appeared") and is read from 0.
 *   two rotations between two looks (the name went old -> X -> new, or
 *       missing -> X -> new, faster than a check): when the name gets a new
 *       file, the rotated files beside it (named like it plus a suffix,
 *       plain, not empty) last written after the old file are read whole,
 *       oldest first, before the new one ("was rotated again before it
 *       was read"). The last 16 files opened are known by identity and
 *       never taken again.
 *
 * A file is identified by device and inode, plus its first 1 KiB. Checks
 * run on inotify events (libuv fs_event on the file and on its directory),
 * on the caller's periodic timer (the fallback when events are lost or
 * unsupported, e.g. NFS) and on SIGHUP. Every check stats the name and
 * reads with synchronous uv_fs_read calls (a local file never blocks for
 * long) in chunks of the shared buffer, at most BS_FOLLOW_BUDGET bytes per
 * call, so a long catch-up leaves the loop responsive; the caller's wake
 * function is asked to call bs_follow_poll again while bytes remain.
 *
 * Bytes go through a struct bs_feed per open file: only whole lines reach
 * the engine, so followers, their rotated files and other inputs can share
 * it. A file whose first bytes are zstd magic is not followed (a notice
 * says so). While *env->engine_busy is true (a zstd input holds the
 * engine) a follower reads nothing; the caller polls it again afterwards.
 *
 * Notices go to stderr as tail words them ("has been replaced; following
 * new file", "file truncated", "has become inaccessible", "has appeared");
 * env->quiet silences them but not errors.
 */
#ifndef BS_FOLLOW_H
#define BS_FOLLOW_H

#include "bouncestat.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define BS_FOLLOW_BUDGET (4u << 20)

struct bs_follow_env {
    uv_loop_t *loop;
    struct bs_engine *e;
    char *buf; /* shared read buffer; followers use it synchronously */
    size_t bufsize;
    size_t max_line;             /* the engine's */
    uint64_t partial_timeout_ms; /* grace of a rotated file */
    bool quiet;
    const bool *engine_busy;
    void (*wake)(void *ctx); /* "poll me again soon" */
    /* A new file is open under the name (the first, or after a rotation),
     * nothing of it read yet: a moment to checkpoint (--state), so a
     * crash before the next one still knows the file. NULL: none. */
    void (*opened)(void *ctx);
    void *ctx;
};

struct bs_follow;

/* env must outlive the follower; path is copied. */
struct bs_follow *bs_follow_new(const struct bs_follow_env *env,
                                const char *path);
/* Opens the file (or says it is missing and waits for it), watches it and
 * reads a first budget. -1 when path is a directory: not followed. */
int bs_follow_start(struct bs_follow *f);
/* Checks the name (rotation, truncation, reappearance) and reads what is
 * new, up to the budget. Returns true while more bytes wait. */
bool bs_follow_poll(struct bs_follow *f);
/* True while a poll is due: a read budget ran out with bytes left, or a
 * watcher saw a change (the caller's pump then polls). */
bool bs_follow_more(const struct bs_follow *f);
/* SIGHUP: re-arm the watchers and check the name now. */
void bs_follow_reopen(struct bs_follow *f);
/* One last check and the files read to their end (at most limit bytes
 * each), nothing closed: before a final checkpoint. */
void bs_follow_drain(struct bs_follow *f, uint64_t limit);
/* End of the run: one last check, the files read to their end (at most
 * limit bytes each; 0: neither checked nor read), partial last lines
 * counted when flush is true (else dropped), files closed. */
void bs_follow_finish(struct bs_follow *f, uint64_t limit, bool flush);
/* Checkpoints: the marks of the files open now, the rotated predecessor
 * first (path borrowed from f). Returns how many (0..2). */
size_t bs_follow_marks(const struct bs_follow *f,
                       struct bs_input_mark out[2]);
/* Before bs_follow_start: goes on from a checkpoint's marks for this path
 * (resume.h): the marked file from its mark, wherever it is now, then
 * the file under the name. Says on stderr what was lost, if anything. */
void bs_follow_resume(struct bs_follow *f, const struct bs_input_mark *marks,
                      size_t n);
/* Closes the libuv handles; free after the loop has run their close
 * callbacks (uv_run until it returns). */
void bs_follow_close(struct bs_follow *f);
void bs_follow_free(struct bs_follow *f);
/* The file could never be opened, or a read failed. */
bool bs_follow_failed(const struct bs_follow *f);

#endif
