/*
 * main.c - bouncestat: options, inputs, report, exit status
 *
 * The inputs are read by batch.c (files, a redirected stdin) or, when
 * following files or reading a pipe or terminal, by stream.c's event
 * loop; either way the final report is written here.
 *
 * Exit status: 0 ok; 1 usage error (bad option, bad --patterns file, an
 * output file that cannot be created); 2 some input could not be read
 * (the report covers everything that could) or the report could not be
 * written completely. SIGPIPE is ignored: a reader of stdout that went
 * away (EPIPE) ends the run with status 0.
 */
#include "batch.h"
#include "bouncestat.h"
#include "cmd_diagnose.h"
#include "cmd_merge.h"
#include "cmd_patterns.h"
#include "cmd_report.h"
#include "cmd_watch.h"
#include "inputs.h"
#include "maildir.h"
#include "options.h"
#include "parallel.h"
#include "patterns_file.h"
#include "state.h"
#include "stream.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

enum { BS_EXIT_OK = 0, BS_EXIT_USAGE = 1, BS_EXIT_INPUT = 2 };

static void bs_write_unparsed(void *ctx, const char *line, size_t len)
{
    FILE *f = ctx;
    fwrite(line, 1, len, f);
    fputc('\n', f);
}

static int bs_load_patterns(struct bs_engine *e, const struct bs_options *o)
{
    for (int i = 0; i < o->npatterns; i++)
        if (bs_patterns_file_load(e, o->patterns[i]) < 0)
            return -1;
    return 0;
}

static int bs_write_report(struct bs_engine *e, const struct bs_options *o,
                           FILE *f)
{
    char err[512], *out;
    size_t len;
    if (bs_engine_render(e, o->format, o->by, &out, &len, err,
                         sizeof err) < 0) {
        fprintf(stderr, "bouncestat: %s\n", err);
        return BS_EXIT_USAGE;
    }
    size_t put = fwrite(out, 1, len, f);
    int rc = fflush(f);
    free(out);
    if ((put != len || rc != 0) && errno == EPIPE)
        return BS_EXIT_OK; /* the reader is gone: nothing left to do */
    if (put != len || rc != 0) {
        fprintf(stderr, "bouncestat: writing the report to %s: %s\n",
                o->output ? o->output : "stdout", strerror(errno));
        return BS_EXIT_INPUT;
    }
    return BS_EXIT_OK;
}

/* Opens the output files first, so a bad path fails before a long run. */
static int bs_open_outputs(const struct bs_options *o, FILE **report,
                           FILE **unparsed)
{
    *report = stdout;
    *unparsed = NULL;
    if (o->output && !(*report = fopen(o->output, "wb"))) {
        fprintf(stderr, "bouncestat: %s: %s\n", o->output, strerror(errno));
        return -1;
    }
    if (o->unparsed && !(*unparsed = fopen(o->unparsed, "w"))) {
        fprintf(stderr, "bouncestat: %s: %s\n", o->unparsed,
                strerror(errno));
        if (*report != stdout)
            fclose(*report);
        return -1;
    }
    return 0;
}

static int bs_jobs(const struct bs_options *o)
{
    return o->jobs ? o->jobs : (int)uv_available_parallelism();
}

/* Several threads pay off for named files read in batch. --year pins a
 * sequence (each line's year depends on all lines before it) and
 * --unparsed writes lines in input order: both keep one thread. */
static bool bs_parallel_wanted(const struct bs_options *o)
{
    if (bs_stream_wanted(o) || o->ninputs == 0 || o->year || o->unparsed ||
        o->save || bs_jobs(o) < 2)
        return false;
    for (int i = 0; i < o->ninputs; i++)
        if (strcmp(o->inputs[i], "-") == 0 || bs_maildir_is(o->inputs[i]))
            return false;
    return true;
}

/* --state: the checkpoint is loaded into e first; a state file that cannot
 * be used ends the run before any input is read. */
static int bs_run_with_state(struct bs_engine *e, const struct bs_options *o,
                             bool to_stdout)
{
    char err[1200];
    struct bs_state *st = bs_state_open(o->state, o->reset_state, e, err,
                                        sizeof err);
    if (!st) {
        fprintf(stderr, "bouncestat: %s\n", err);
        return BS_EXIT_USAGE;
    }
    int status = bs_stream_run(e, o, st, to_stdout);
    bs_state_close(st);
    return status;
}

static int bs_setup_patterns(void *ctx, struct bs_engine *e)
{
    return bs_load_patterns(e, ctx);
}

/* Reads all inputs into one engine: on worker threads when that pays off,
 * else as a stream or a batch. *out is NULL when nothing could be set
 * up. Returns the exit status so far. */
static int bs_read_everything(const struct bs_options *o,
                              struct bs_engine_options *eo, bool to_stdout,
                              struct bs_engine **out)
{
    char err[1024];
    int status = BS_EXIT_USAGE;
    struct bs_engine *e = NULL;
    if (bs_parallel_wanted(o)) {
        struct bs_parallel_opts po = { eo, (const char *const *)o->patterns,
                                       o->npatterns, bs_jobs(o),
                                       o->split_size };
        status = bs_parallel_run(&po, (const char *const *)o->inputs,
                                 o->ninputs, &e);
    } else {
        e = bs_engine_new(eo, err, sizeof err);
        if (!e)
            fprintf(stderr, "bouncestat: built-in patterns: %s\n", err);
        else if (bs_load_patterns(e, o) == 0) {
            /* A saved aggregate keeps held-back lines, as a segment does */
            if (o->save)
                bs_engine_set_segment(e, 1);
            status = o->state ? bs_run_with_state(e, o, to_stdout)
                     : bs_stream_wanted(o) ? bs_stream_run(e, o, NULL,
                                                           to_stdout)
                                           : bs_batch_run(e, o);
        }
    }
    if (status == BS_EXIT_USAGE) {
        bs_engine_free(e);
        e = NULL;
    }
    *out = e;
    return status;
}

static int bs_run(const struct bs_options *o)
{
    struct bs_engine_options eo;
    bs_engine_options_default(&eo);
    eo.year = o->year;
    const char *zone;
    char terr[256];
    if (bs_time_setup(&o->time, &eo, &zone, terr, sizeof terr) < 0) {
        fprintf(stderr, "bouncestat: %s\n", terr);
        return BS_EXIT_USAGE;
    }
    FILE *report, *unparsed;
    if (bs_open_outputs(o, &report, &unparsed) < 0)
        return BS_EXIT_USAGE;
    if (unparsed) {
        eo.unparsed_fn = bs_write_unparsed;
        eo.unparsed_ctx = unparsed;
    }
    struct bs_engine *e;
    int status = bs_read_everything(o, &eo, report == stdout, &e);
    if (e && o->save) {
        struct bs_engine *r = bs_aggregate_save_reload(
            e, &eo, bs_setup_patterns, (void *)o, o->save);
        bs_engine_free(e);
        e = r;
        if (!e)
            status = BS_EXIT_INPUT;
    }
    if (e) {
        bs_engine_finish(e);
        int wrc = bs_write_report(e, o, report);
        if (wrc != BS_EXIT_OK)
            status = wrc;
    }
    bs_engine_free(e);
    if (unparsed)
        fclose(unparsed);
    if (report != stdout && fclose(report) != 0 && status == BS_EXIT_OK) {
        fprintf(stderr, "bouncestat: %s: %s\n", o->output, strerror(errno));
        status = BS_EXIT_INPUT;
    }
    return status;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN); /* EPIPE on stdout ends the run cleanly */
    if (argc > 1 && strcmp(argv[1], "patterns") == 0)
        return bs_cmd_patterns(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "report") == 0)
        return bs_cmd_report(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "merge") == 0)
        return bs_cmd_merge(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "watch") == 0)
        return bs_cmd_watch(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "diagnose") == 0)
        return bs_cmd_diagnose(argc - 1, argv + 1);
    struct bs_options o;
    char err[512] = "";
    switch (bs_options_parse(argc, argv, &o, err, sizeof err)) {
    case BS_OPTS_HELP:
        fputs(bs_usage_text(), stdout);
        return BS_EXIT_OK;
    case BS_OPTS_VERSION:
        printf("bouncestat %s\n", bs_version());
        return BS_EXIT_OK;
    case BS_OPTS_USAGE:
        fprintf(stderr, "bouncestat: %s\n", err);
        return BS_EXIT_USAGE;
    default:
        break;
    }
    char **inputs;
    int ninputs;
    bs_inputs_expand(o.inputs, o.ninputs, &inputs, &ninputs);
    o.inputs = inputs;
    o.ninputs = ninputs;
    int status = bs_run(&o);
    bs_inputs_free(inputs, ninputs);
    return status;
}
