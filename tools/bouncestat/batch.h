/*
 * batch.h - read every input once, in order, with a progress bar
 *
 * The batch path: named files and stdin that is a regular file (or
 * /dev/null), read to their end with synchronous libuv calls in 1 MiB
 * chunks (read_input.c). On a terminal stderr shows the progress of all
 * inputs together (progress.h) unless --quiet.
 */
#ifndef BS_BATCH_H
#define BS_BATCH_H

#include "bouncestat.h"
#include "options.h"

/* Feeds all inputs of o to e. Returns the exit status: 0, or 2 when some
 * input could not be read (a message on stderr names it). */
int bs_batch_run(struct bs_engine *e, const struct bs_options *o);

#endif
