/*
 * live.h - the live summary: redrawn in place on a terminal, or one JSON
 * object per line on a pipe or file
 *
 * On a terminal every frame is a single write(): cursor home, each line
 * of bs_engine_render_live() fitted to the terminal (one column and one
 * row short, so the cursor never wraps or scrolls), each line followed by
 * "erase to end of line", and "erase to end of screen" after the last.
 * Nothing is cleared before drawing, so there is no flicker. The size is
 * read for every frame (TIOCGWINSZ), so a resized terminal gets a fitted
 * frame at the next one (the caller redraws on SIGWINCH).
 *
 * libuv's uv_tty_t is not used for the output: uv_tty_init reopens the
 * terminal over the descriptor in non-blocking mode, and the final report
 * is then written to that descriptor with stdio, which must block.
 */
#ifndef BS_LIVE_H
#define BS_LIVE_H

#include "bouncestat.h"

#include <stdbool.h>

struct bs_live {
    int fd;
    bool tty;
    bool drawn; /* a frame is on the screen */
};

void bs_live_init(struct bs_live *l, int fd);
/* Shows the summary now. -1 when the output is gone (EPIPE and the like):
 * the caller ends the run as if the reader had asked it to. */
int bs_live_show(struct bs_live *l, struct bs_engine *e);
/* Ends the view. On a terminal a drawn frame is erased when clear is true
 * (the final report follows in its place) and kept otherwise. */
void bs_live_end(struct bs_live *l, bool clear);

#endif
