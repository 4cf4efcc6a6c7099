/*
 * read_input.h - feed one input (a file or stdin) to the engine
 *
 * Reads with libuv's file system calls in large chunks: a regular file,
 * a pipe or a TTY, never loading a whole file into memory. The file's
 * mtime is the reference time for BSD timestamps (now for stdin).
 */
#ifndef BS_READ_INPUT_H
#define BS_READ_INPUT_H

#include "bouncestat.h"

#define BS_READ_CHUNK (1u << 20)

/* Feeds path ("-" for stdin) to e. Returns 0, or -1 after writing a
 * message that names the file (and the byte offset where that applies)
 * into err. Lines before an error stay counted. */
int bs_read_input(struct bs_engine *e, const char *path, char *buf,
                  size_t bufsize, char *err, size_t errlen);

#endif
