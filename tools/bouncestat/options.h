/*
 * options.h - the command line of bouncestat, parsed into a plain struct
 *
 * Parsing never exits and never prints: it returns BS_OPTS_USAGE with a
 * message, and main decides (exit status 1, usage on stderr).
 */
#ifndef BS_OPTIONS_H
#define BS_OPTIONS_H

#include "bouncestat.h"
#include "cmd_report.h"

#include <stdbool.h>
#include <stdint.h>

enum { BS_OPTS_OK = 0, BS_OPTS_USAGE = -1, BS_OPTS_HELP = 1,
       BS_OPTS_VERSION = 2 };

struct bs_options {
    enum bs_format format;
    const char *by;           /* CSV keys */
    const char *output;       /* NULL: stdout */
    const char *unparsed;     /* --unparsed FILE */
    const char *patterns[16]; /* --patterns FILE, in order */
    int npatterns;
    int year;
    char **inputs; /* NULL-terminated; empty: stdin */
    int ninputs;
    bool follow;                 /* -F: follow the FILEs by name */
    bool quiet;                  /* -q: no progress bar, no notices */
    uint64_t interval_ms;        /* live refresh period */
    uint64_t partial_timeout_ms; /* grace of a rotated file */
    int jobs;                    /* -j; 0: the number of cores */
    uint64_t split_size;         /* --split-size */
    const char *save;            /* --save FILE: the aggregate */
    const char *state;           /* --state FILE: checkpoints */
    bool reset_state;            /* --reset-state */
    uint64_t checkpoint_ms;      /* --checkpoint-interval */
    struct bs_time_args time;    /* --tz, --month, --since, --until */
};

int bs_options_parse(int argc, char **argv, struct bs_options *o,
                     char *err, size_t errlen);
/* The --help text. */
const char *bs_usage_text(void);

#endif
