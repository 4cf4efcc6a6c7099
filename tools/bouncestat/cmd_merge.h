/*
 * cmd_merge.h - `bouncestat merge`: saved aggregates added into one, and
 * the file side of saved aggregates (read, load, write) that `report` and
 * the main command's --save share
 */
#ifndef BS_CMD_MERGE_H
#define BS_CMD_MERGE_H

#include "bouncestat.h"

/* Runs the subcommand (argv[0] is "merge"); returns the exit status. */
int bs_cmd_merge(int argc, char **argv);

/* Reads the saved aggregate at path and adds it to e. Returns 0, or -1
 * after printing "bouncestat: FILE: byte N: message" (or the I/O error);
 * e is unchanged then. Prints a notice when samples name rules e lacks. */
int bs_aggregate_load_file(struct bs_engine *e, const char *path);

/* Writes e's saved aggregate to path. Returns 0, or -1 after printing
 * the error. */
int bs_aggregate_save_file(struct bs_engine *e, const char *path);

/* --save: writes e (run with bs_engine_set_segment(e, 1) so that it held
 * the lines about messages begun before its input) to path, and returns a
 * new engine (options eo, --patterns files loaded by the caller's
 * callback) that loaded it back: what one engine over the same input
 * counts, ready for bs_engine_finish and a report. NULL after printing an
 * error. e is left as it was. */
typedef int bs_engine_setup_fn(void *ctx, struct bs_engine *e);
struct bs_engine *bs_aggregate_save_reload(struct bs_engine *e,
                                           const struct bs_engine_options *eo,
                                           bs_engine_setup_fn *setup,
                                           void *ctx, const char *path);

#endif
