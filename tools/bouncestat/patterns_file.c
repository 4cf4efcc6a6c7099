/*
 * patterns_file.c - read a rule file (small by nature; at most 16 MiB)
 * and hand its text to the engine
 */
#include "patterns_file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BS_PATTERNS_FILE_MAX (16u << 20)

static char *bs_read_small_file(const char *path, size_t *len, char *err,
                                size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(BS_PATTERNS_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, BS_PATTERNS_FILE_MAX + 1, f) : 0;
    bool bad = !buf || ferror(f) || n > BS_PATTERNS_FILE_MAX;
    if (bad)
        snprintf(err, errlen, "%s: %s", path,
                 !buf ? "out of memory"
                 : ferror(f) ? strerror(errno)
                             : "larger than 16 MiB: not a rule file?");
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

int bs_patterns_file_load(struct bs_engine *e, const char *path)
{
    char err[1024];
    size_t len;
    char *text = bs_read_small_file(path, &len, err, sizeof err);
    int rc = -1;
    if (text)
        rc = bs_engine_add_rules(e, path, text, len, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "bouncestat: %s\n", err);
    free(text);
    return rc;
}
