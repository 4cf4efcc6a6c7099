/*
 * stream.h - stream mode: the libuv event loop that feeds the engine from
 * pipes, terminals and followed files, with a live summary and signals
 *
 * A run is in stream mode when -F is given or when stdin is read and is a
 * pipe, a socket or a terminal (a redirected regular file is batch work,
 * batch.h). The inputs are started in command-line order, as in a batch
 * run: each is read to its end before the next starts (stdin until EOF, a
 * plain file to its end, a followed file to its current end), so messages
 * that span files are joined as in batch. A followed file then stays in
 * the followed set (follow.h) and is read whenever it grows, next to
 * whatever input comes after it. Only complete lines reach the engine
 * (feed.h); a zstd input holds the engine alone until its end, and
 * followers wait meanwhile. With -F, a file that starts as zstd is read
 * once and not followed.
 *
 * Every --interval the summary is shown (live.h): redrawn in place when
 * stdout is a terminal, else one JSON object per line on stdout. SIGUSR1
 * shows it at once; SIGWINCH redraws. SIGHUP makes the followers re-arm
 * their watchers and check their names. SIGINT and SIGTERM end the run:
 * followed files are read to their end (partial last lines counted), the
 * input being read is cut where it is, and the caller writes the final
 * report. The run also ends when every input has ended and none is
 * followed, or when stdout is gone (EPIPE: a clean end, the report is
 * still written where it goes).
 */
#ifndef BS_STREAM_H
#define BS_STREAM_H

#include "bouncestat.h"
#include "options.h"
#include "state.h"

#include <stdbool.h>

/* Is this run stream work (see above) rather than batch work? */
bool bs_stream_wanted(const struct bs_options *o);
/* Runs the loop until the end of the run. report_on_stdout: the final
 * report will be written to stdout (a terminal's live frame is erased
 * for it). state (--state, or NULL): files go on from its marks, and
 * checkpoints are written every o->checkpoint_ms and at the end, before
 * bs_engine_finish. Returns the exit status: 0, or 2 when some input could
 * not be read or the last checkpoint could not be written. */
int bs_stream_run(struct bs_engine *e, const struct bs_options *o,
                  struct bs_state *state, bool report_on_stdout);

#endif
