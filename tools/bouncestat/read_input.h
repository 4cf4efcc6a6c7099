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

/* 128 KiB a read: the buffer stays in the L2 cache between the kernel's
 * copy and the parse (1 MiB reads were slower, bench/run.sh). */
#define BS_READ_CHUNK (1u << 17)

/* Feeds path ("-" for stdin) to e. Returns 0, or -1 after writing a
 * message that names the file (and the byte offset where that applies)
 * into err. Lines before an error stay counted. */
int bs_read_input(struct bs_engine *e, const char *path, char *buf,
                  size_t bufsize, char *err, size_t errlen);

/* The same, calling progress(ctx, n) after each chunk of n bytes read
 * from the file (compressed bytes for a zstd archive). */
typedef void bs_read_progress_fn(void *ctx, size_t n);
int bs_read_input_ex(struct bs_engine *e, const char *path, char *buf,
                     size_t bufsize, bs_read_progress_fn *progress,
                     void *ctx, char *err, size_t errlen);

#endif
