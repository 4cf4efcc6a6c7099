/*
 * state.h - the --state file: locked, loaded at start, written atomically
 *
 * A state file is an engine checkpoint (bouncestat.h, bs_engine_checkpoint)
 * on disk. One bouncestat at a time uses it: bs_state_open takes an
 * exclusive lock on STATE.lock (flock, released by the kernel when the
 * process dies, even by SIGKILL). A checkpoint is written to STATE.tmp,
 * fsynced, renamed over STATE, and the folder fsynced, so STATE is always
 * either the previous checkpoint or the new one, never a mix; a failed
 * write (disk full, read-only folder) removes STATE.tmp and leaves STATE
 * as it was.
 *
 * Errors are returned as messages (err) for the caller to print.
 */
#ifndef BS_STATE_H
#define BS_STATE_H

#include "bouncestat.h"

#include <stdbool.h>
#include <stddef.h>

struct bs_state;

/* Locks path and, unless reset, loads the checkpoint in it (if there is
 * one) into e, a new engine. Returns the state, or NULL with a message:
 * the file is locked by another bouncestat, cannot be read, or is not a
 * checkpoint of this version (then it is left alone). */
struct bs_state *bs_state_open(const char *path, bool reset,
                               struct bs_engine *e, char *err,
                               size_t errlen);
/* The loaded checkpoint's input marks (none after a reset or a first
 * start); owned by st. */
const struct bs_input_mark *bs_state_marks(const struct bs_state *st,
                                           size_t *n);
/* Writes a checkpoint of e with these marks. Returns 0, or -1 with a
 * message (the previous checkpoint stays). */
int bs_state_write(struct bs_state *st, struct bs_engine *e,
                   const struct bs_input_mark *marks, size_t n, char *err,
                   size_t errlen);
const char *bs_state_path(const struct bs_state *st);
/* Unlocks and frees. */
void bs_state_close(struct bs_state *st);

#endif
