/*
 * cmd_merge.c - `bouncestat merge [-o FILE] [--patterns FILE]
 * AGGREGATE...`: adds saved aggregates (of several hosts, days or runs)
 * into one saved aggregate
 *
 * The files are added in the order given, as bs_engine_merge adds the
 * engines of consecutive pieces of a log: give the pieces of one host in
 * log order, so that a message that began in one file and ended in the
 * next is joined (doc/json.md "Saved aggregates"). The output is itself a
 * saved aggregate for `bouncestat report --from-aggregate`, or a later
 * merge.
 *
 * Exit status: 0 ok; 1 usage error, an unreadable or malformed
 * aggregate (nothing is written), or an output that cannot be written.
 */
#include "cmd_merge.h"

#include "patterns_file.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BS_AGGREGATE_FILE_MAX ((size_t)1 << 31)

static const char bs_merge_usage[] =
    "Usage: bouncestat merge [-o FILE] [--patterns FILE] AGGREGATE...\n"
    "\n"
    "Adds saved aggregates (written with --save) into one saved aggregate:\n"
    "the months or days of one host in log order, or the aggregates of\n"
    "several hosts. Give the --patterns files the aggregates were made\n"
    "with, so that their samples keep their rules' hints.\n"
    "\n"
    "  -o, --output FILE    write the merged aggregate to FILE (default:\n"
    "                       stdout)\n"
    "      --patterns FILE  add classification rules (up to 16)\n"
    "  -h, --help           show this help\n";

static char *bs_read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bouncestat: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || ferror(f))
            break;
        if (cap >= BS_AGGREGATE_FILE_MAX) {
            fprintf(stderr, "bouncestat: %s: larger than 2 GiB: not a "
                    "saved aggregate?\n", path);
            free(buf);
            fclose(f);
            return NULL;
        }
        char *more = realloc(buf, cap * 2);
        if (!more) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = more;
        cap *= 2;
    }
    if (!buf || ferror(f)) {
        fprintf(stderr, "bouncestat: %s: %s\n", path,
                buf ? strerror(errno) : "out of memory");
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

int bs_aggregate_load_file(struct bs_engine *e, const char *path)
{
    size_t len;
    char *text = bs_read_whole(path, &len);
    if (!text)
        return -1;
    char err[1024];
    int rc = bs_engine_load(e, text, len, path, err, sizeof err);
    free(text);
    if (rc < 0) {
        fprintf(stderr, "bouncestat: %s\n", err);
        return -1;
    }
    if (rc > 0)
        fprintf(stderr, "bouncestat: %s: %d samples name rules this run "
                "does not have: their hints are left out (give the same "
                "--patterns)\n", path, rc);
    return 0;
}

static int bs_write_all(const char *path, const char *data, size_t len)
{
    FILE *f = path && strcmp(path, "-") != 0 ? fopen(path, "wb") : stdout;
    if (!f) {
        fprintf(stderr, "bouncestat: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t put = fwrite(data, 1, len, f);
    int rc = fflush(f);
    if (f != stdout && fclose(f) != 0)
        rc = -1;
    if ((put != len || rc != 0) && errno == EPIPE && f == stdout)
        return 0; /* the reader went away: `... | head` */
    if (put != len || rc != 0) {
        fprintf(stderr, "bouncestat: writing %s: %s\n",
                f == stdout ? "stdout" : path, strerror(errno));
        return -1;
    }
    return 0;
}

int bs_aggregate_save_file(struct bs_engine *e, const char *path)
{
    char *text;
    size_t len;
    bs_engine_save(e, &text, &len);
    int rc = bs_write_all(path, text, len);
    free(text);
    return rc;
}

struct bs_engine *bs_aggregate_save_reload(struct bs_engine *e,
                                           const struct bs_engine_options *eo,
                                           bs_engine_setup_fn *setup,
                                           void *ctx, const char *path)
{
    char *text, err[1024];
    size_t len;
    bs_engine_save(e, &text, &len);
    struct bs_engine *r = NULL;
    if (bs_write_all(path, text, len) == 0) {
        r = bs_engine_new(eo, err, sizeof err);
        if (r && setup && setup(ctx, r) < 0) {
            bs_engine_free(r);
            r = NULL;
        } else if (r && bs_engine_load(r, text, len, path, err,
                                       sizeof err) < 0) {
            fprintf(stderr, "bouncestat: %s\n", err);
            bs_engine_free(r);
            r = NULL;
        }
    }
    free(text);
    return r;
}

struct bs_merge_args {
    const char *output;
    const char *patterns[16];
    int npatterns;
};

static const struct option bs_merge_options[] = {
    { "output", required_argument, NULL, 'o' },
    { "patterns", required_argument, NULL, 'p' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

/* 0, 1 (help) or -1 (usage error, message printed). */
static int bs_merge_parse(int argc, char **argv, struct bs_merge_args *a)
{
    memset(a, 0, sizeof *a);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", bs_merge_options, NULL)) !=
           -1) {
        if (c == 'h')
            return 1;
        if (c == 'o') {
            a->output = optarg;
        } else if (c == 'p' && a->npatterns < 16) {
            a->patterns[a->npatterns++] = optarg;
        } else {
            fprintf(stderr, "bouncestat merge: %s '%s'\n%s",
                    c == 'p' ? "too many --patterns files"
                    : c == ':' ? "missing value for"
                               : "unknown option",
                    argv[optind - 1], bs_merge_usage);
            return -1;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "bouncestat merge: give the aggregates to merge\n%s",
                bs_merge_usage);
        return -1;
    }
    return 0;
}

int bs_cmd_merge(int argc, char **argv)
{
    struct bs_merge_args a;
    int rc = bs_merge_parse(argc, argv, &a);
    if (rc) {
        if (rc > 0)
            fputs(bs_merge_usage, stdout);
        return rc > 0 ? 0 : 1;
    }
    struct bs_engine_options eo;
    bs_engine_options_default(&eo);
    char err[1024];
    struct bs_engine *e = bs_engine_new(&eo, err, sizeof err);
    if (!e) {
        fprintf(stderr, "bouncestat: built-in patterns: %s\n", err);
        return 1;
    }
    int status = 0;
    for (int i = 0; i < a.npatterns && !status; i++)
        if (bs_patterns_file_load(e, a.patterns[i]) < 0)
            status = 1;
    for (int i = optind; i < argc && !status; i++)
        if (bs_aggregate_load_file(e, argv[i]) < 0)
            status = 1;
    if (!status && bs_aggregate_save_file(e, a.output) < 0)
        status = 1;
    bs_engine_free(e);
    return status;
}
