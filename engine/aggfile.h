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

#endif
