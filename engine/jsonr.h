/*
 * jsonr.h - a small, bounded JSON pull reader
 *
 * Reads one JSON text (RFC 8259) from memory, token by token, without
 * building a tree: memory stays at one string buffer and a nesting stack
 * whatever the size of the input, so a saved aggregate of any size loads
 * in one pass. Every token has the byte offset where it starts; the first
 * error stops the reader with a message and the offset of the offending
 * byte, and every later call returns the error again. Nothing is read
 * outside [text, text + len): any bytes are safe to hand it (fuzzed in
 * tests/unit/check_aggfile.c).
 *
 * Bounds: nesting depth BS_JSONR_DEPTH, strings of BS_JSONR_STRING_MAX
 * bytes after decoding. Numbers: only integers are read as values
 * (int64_t, or uint64_t up to 2^64 - 1); any other number is a syntax
 * token the caller can skip or refuse.
 *
 * Strings: escapes are decoded to UTF-8, with one extension that makes
 * arbitrary bytes round-trip: a lone low surrogate \udc80..\udcff stands
 * for the single byte 0x80..0xff (the "surrogateescape" of PEP 383),
 * which is how aggfile.c writes bytes that are not UTF-8. Raw bytes that
 * are not UTF-8 are taken as they are; raw control characters are an
 * error, as JSON wants.
 */
#ifndef BS_JSONR_H
#define BS_JSONR_H

#include "buf.h"
#include "common.h"

#define BS_JSONR_DEPTH 32
#define BS_JSONR_STRING_MAX (1u << 20)

enum bs_jtok {
    BS_JT_ERROR = -1,
    BS_JT_EOF = 0,
    BS_JT_OBJECT,     /* { */
    BS_JT_OBJECT_END, /* } */
    BS_JT_ARRAY,      /* [ */
    BS_JT_ARRAY_END,  /* ] */
    BS_JT_KEY,        /* a member name: r->str */
    BS_JT_STRING,     /* r->str */
    BS_JT_NUMBER,     /* r->is_int, r->i64 / r->u64 */
    BS_JT_TRUE,
    BS_JT_FALSE,
    BS_JT_NULL
};

struct bs_jsonr {
    const char *text;
    size_t len, pos;
    size_t tok_off;     /* offset of the last token */
    int need;           /* what the grammar allows next */
    int depth;
    char stack[BS_JSONR_DEPTH]; /* 'o' or 'a' per open container */
    struct bs_buf str;  /* the decoded string of a KEY or STRING */
    bool is_int;        /* a NUMBER without fraction or exponent */
    bool negative;
    uint64_t u64;       /* its magnitude */
    bool failed;
    size_t err_off;
    char err[96];
};

void bs_jsonr_init(struct bs_jsonr *r, const char *text, size_t len);
void bs_jsonr_fini(struct bs_jsonr *r);
/* The next token; BS_JT_ERROR with r->err and r->err_off set. */
enum bs_jtok bs_jsonr_next(struct bs_jsonr *r);
/* After a token that opens a value (OBJECT, ARRAY or a scalar): reads
 * past the whole value. 0, or -1 on error. */
int bs_jsonr_skip(struct bs_jsonr *r, enum bs_jtok opened);
/* Fails the reader at offset off with a message (for the caller's own
 * checks, so that all errors read alike). Returns BS_JT_ERROR. */
enum bs_jtok bs_jsonr_fail(struct bs_jsonr *r, size_t off, const char *msg);
/* The value of the last NUMBER as int64_t: 0, or -1 when it is not an
 * integer in range (the reader is not failed). */
int bs_jsonr_int64(const struct bs_jsonr *r, int64_t *out);
int bs_jsonr_uint64(const struct bs_jsonr *r, uint64_t *out);

/* Checks a whole JSON text: 0, or -1 with the message and offset. A pure
 * function for fuzzing. */
int bs_json_check(const char *text, size_t len, size_t *err_off,
                  char *msg, size_t msglen);

#endif
