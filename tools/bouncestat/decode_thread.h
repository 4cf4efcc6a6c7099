/*
 * decode_thread.h - a zstd file decoded on a thread of its own while the
 * calling thread counts its text
 *
 * The decoder thread reads the file from its current position in
 * BS_READ_CHUNK pieces and decodes them (bs_decoder, bouncestat.h) into a
 * ring of text buffers; the calling thread hands each full buffer to the
 * engine (bs_engine_feed_decoded) and gives it back. Decompression and
 * counting so overlap on two cores, and the engine counts exactly what
 * bs_engine_feed of the same bytes counts: the same text, the same input
 * bytes, the same messages for damage. Memory: the ring (4 x 1 MiB) and
 * the decoder's window.
 */
#ifndef BS_DECODE_THREAD_H
#define BS_DECODE_THREAD_H

#include "bouncestat.h"
#include "read_input.h"

#include <stdbool.h>
#include <stdint.h>

/* Is it worth a thread: are there two cores? */
bool bs_decode_thread_wanted(void);
/* Does the open file fd start with zstd magic (read at offset 0, the
 * file position unchanged)? */
bool bs_fd_starts_zstd(int fd);

/* Reads fd (a regular file; its owner closes it) to its end as the input
 * name, from begin to end of the engine input. Returns 0, or -1 with the
 * message in err: a read error at a byte offset, or the engine's message
 * for corrupt or truncated zstd data (the lines before it stay counted).
 * progress (may be NULL) gets the file bytes behind each buffer. */
int bs_decode_thread_read(struct bs_engine *e, int fd, const char *name,
                          int64_t ref_time, bs_read_progress_fn *progress,
                          void *ctx, char *err, size_t errlen);

#endif
