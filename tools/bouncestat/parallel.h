/*
 * parallel.h - batch inputs on worker threads, merged into one engine
 *
 * Every input is one piece, except a large plain regular file, which is
 * cut at line boundaries into about one piece per jobs-th of all the
 * inputs' bytes (rounded: two equal files on two threads are not cut),
 * at most `jobs` pieces and none under split_min bytes. Each piece runs
 * on a worker thread with its own engine (pieces after the first are
 * segments: see engine/segment.c); the main thread merges them in input
 * order as they finish, so the result is the same as one engine reading
 * everything in order, and at most 2 * jobs engines are alive at once.
 */
#ifndef BS_PARALLEL_H
#define BS_PARALLEL_H

#include "bouncestat.h"

#include <stdint.h>

struct bs_parallel_opts {
    const struct bs_engine_options *engine;
    const char *const *patterns; /* --patterns files, loaded per engine */
    int npatterns;
    int jobs;
    uint64_t split_min; /* smallest piece a file is cut into */
};

/* Runs the inputs; *out receives the merged engine (the caller finishes,
 * renders and frees it; NULL when nothing could be set up). Returns 0, 2
 * when some input could not be read (messages on stderr), or 1 when an
 * engine could not be made (bad --patterns). */
int bs_parallel_run(const struct bs_parallel_opts *po,
                    const char *const *inputs, int ninputs,
                    struct bs_engine **out);

#endif
