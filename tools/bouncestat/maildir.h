/*
 * maildir.h - feed a Maildir folder (cur/ and new/) to the engine, one
 * message per file
 *
 * A Maildir holds one message per file in cur/ (seen) and new/ (not yet
 * seen); tmp/ holds deliveries in progress and is left alone, as are
 * names starting with a dot. Files are read in name order, cur/ first,
 * so two runs over the same folder count the same way. Each file is one
 * input started with bs_engine_begin_mail_input() (no mbox splitting; a
 * zstd-compressed file is decoded like a log archive) with its mtime as
 * the reference time for a bounce that carries no date.
 *
 * Plain POSIX calls (opendir, open, read), no allocation per file beyond
 * the list of names; errors are counted and the first one is described
 * in err, never printed.
 */
#ifndef BS_MAILDIR_H
#define BS_MAILDIR_H

#include "bouncestat.h"

#include <stdbool.h>
#include <stdint.h>

struct bs_maildir_stats {
    uint64_t files;      /* message files fed */
    uint64_t bytes;      /* bytes read from them */
    uint64_t unreadable; /* files that could not be opened or read */
    uint64_t corrupt;    /* files the engine refused (damaged zstd) */
};

/* Is path a directory with a cur/ or new/ subdirectory? */
bool bs_maildir_is(const char *path);

/* Feeds every message file of the Maildir at dir to e. buf (bufsize
 * bytes) is the read buffer. Returns 0 when every file was read, 1 when
 * some could not be (the first is named in err; all are counted in st),
 * -1 when neither cur/ nor new/ could be listed. */
int bs_maildir_feed(struct bs_engine *e, const char *dir, char *buf,
                    size_t bufsize, struct bs_maildir_stats *st, char *err,
                    size_t errlen);

#endif
