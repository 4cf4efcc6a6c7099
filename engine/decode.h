/*
 * decode.h - turn the bytes of one input into plain text
 *
 * The first bytes decide: a zstd frame magic (28 b5 2f fd) or a skippable
 * frame magic (5? 2a 4d 18) means zstd, anything else passes through
 * untouched. zstd is decoded in streaming mode with a bounded window
 * (BS_DECODE_WINDOW_LOG_MAX: 2^27 = 128 MiB, zstd's default limit too), so
 * memory stays bounded whatever the archive says. Concatenated and
 * skippable frames are handled.
 *
 * Errors are returned, never printed: a negative BS_DECODE_E* code, with
 * bs_decode_error_offset() giving the byte offset in the compressed input
 * where decoding failed. Everything decoded before the error has already
 * been passed on, so nothing counted is lost.
 */
#ifndef BS_DECODE_H
#define BS_DECODE_H

#include "common.h"

#define BS_DECODE_WINDOW_LOG_MAX 27

enum {
    BS_DECODE_OK = 0,
    BS_DECODE_ECORRUPT = -1,  /* zstd reported a corrupt frame */
    BS_DECODE_ETRUNCATED = -2 /* input ended inside a frame */
};

typedef void bs_plain_fn(void *ctx, const char *data, size_t len);

struct bs_decode;

struct bs_decode *bs_decode_new(void);
void bs_decode_free(struct bs_decode *d);
/* Starts a new input: forget the format, offsets and errors. */
void bs_decode_reset(struct bs_decode *d);
/* After a reset: the input is plain whatever its first bytes (it was
 * decoded already), so it passes through untouched. */
void bs_decode_set_plain(struct bs_decode *d);
/* The message for a failed feed (at_end false: "NAME: corrupt zstd data
 * at byte offset N (why)") or finish (true: "NAME: truncated zstd
 * archive: why at byte offset N"), into buf. */
void bs_decode_describe_error(const struct bs_decode *d, const char *name,
                              bool at_end, char *buf, size_t len);
/* Feeds compressed or plain bytes; plain output goes to fn. */
int bs_decode_feed(struct bs_decode *d, const void *data, size_t len,
                   bs_plain_fn *fn, void *ctx);
/* End of this input; reports a frame cut short. */
int bs_decode_finish(struct bs_decode *d, bs_plain_fn *fn, void *ctx);
bool bs_decode_is_zstd(const struct bs_decode *d);
uint64_t bs_decode_error_offset(const struct bs_decode *d);
/* zstd's own words for the last error, or "". */
const char *bs_decode_error_text(const struct bs_decode *d);

#endif
