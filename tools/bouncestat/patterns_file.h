/*
 * patterns_file.h - load a --patterns rule file into an engine
 */
#ifndef BS_PATTERNS_FILE_H
#define BS_PATTERNS_FILE_H

#include "bouncestat.h"

/* Reads path and adds its rules. Returns 0, or -1 after printing
 * "bouncestat: FILE:LINE: message" (or the I/O error) to stderr. */
int bs_patterns_file_load(struct bs_engine *e, const char *path);

#endif
