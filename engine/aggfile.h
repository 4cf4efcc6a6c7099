/*
 * aggfile.h - saved aggregates: the JSON file format shared by the writer
 * (aggfile.c, bs_engine_save) and the reader (aggload.c, bs_engine_load)
 *
 * The format is documented in doc/json.md ("Saved aggregates"). In short:
 * one object whose first two members are "format": "bouncestat-aggregate"
 * and "version": 1; counters; a "strings" table; then "cells", "samples",
 * "unexplained", "messages", "deliveries" and "held", arrays of arrays
 * whose string fields are indexes into "strings". A reader that meets
 * another version stops with a clear message instead of guessing.
 *
 * Strings are the engine's bytes. Bytes that are not UTF-8 are written as
 * \udc80..\udcff (one escape per byte, jsonr.h), so any byte string
 * survives save and load exactly and the file is still valid JSON.
 */
#ifndef BS_AGGFILE_H
#define BS_AGGFILE_H

#include "buf.h"

#define BS_AGGFILE_FORMAT "bouncestat-aggregate"
#define BS_AGGFILE_VERSION 1

/* Appends n bytes as a JSON string literal: UTF-8 copied, other bytes as
 * \udcXX, controls as \u00XX. */
void bs_aggfile_str(struct bs_buf *b, const char *p, size_t n);

struct bs_engine;
struct bs_jsonr;

/* bs_engine_save into b (appended), with extra - members of the top-level
 * object, each starting with ",\n" - written last, before the closing
 * brace. extra may be NULL. */
void bs_aggfile_save(struct bs_engine *e, const struct bs_buf *extra,
                     struct bs_buf *b);

/* A member of the top-level object the loader does not know, handed to
 * its reader: fn is called with the reader just after the member's name
 * and must read exactly the member's value (or fail the reader with
 * bs_jsonr_fail and return -1). */
struct bs_aggfile_member {
    const char *name;
    int (*fn)(void *ctx, struct bs_jsonr *r);
    void *ctx;
    const char *missing; /* non-NULL: the member is required; the error
                            when it is absent */
};

/* bs_engine_load, with one more member read by m (NULL: none). */
int bs_aggfile_load(struct bs_engine *e, const char *text, size_t len,
                    const char *name, const struct bs_aggfile_member *m,
                    char *err, size_t errlen);

#endif
