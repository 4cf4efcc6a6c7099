/*
 * cmd_patterns.c - `bouncestat patterns --test [--dsn X.Y.Z]
 * [--provider ID | --recipient ADDR] [--patterns FILE]... 'TEXT'` and
 * `bouncestat patterns --list [--patterns FILE]...`
 *
 * Exit status: 0 ok, 1 usage error or a rule file that does not load.
 */
#include "cmd_patterns.h"

#include "bouncestat.h"
#include "patterns_file.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char bs_patterns_usage[] =
    "Usage: bouncestat patterns --test [--dsn X.Y.Z] [--provider ID |\n"
    "                           --recipient ADDR] [--patterns FILE] TEXT\n"
    "       bouncestat patterns --list [--patterns FILE]\n"
    "\n"
    "--test shows the rule, category, detail, severity and hints the rules\n"
    "give TEXT; --list lists the rules in the order they are tried.\n";

struct bs_patterns_args {
    bool test, list;
    const char *dsn, *provider, *recipient;
    const char *files[16];
    int nfiles;
    const char *text;
};

enum { OPT_DSN = 256, OPT_PROVIDER, OPT_RECIPIENT, OPT_PATTERNS };

static const struct option bs_patterns_options[] = {
    { "test", no_argument, NULL, 't' },
    { "list", no_argument, NULL, 'l' },
    { "dsn", required_argument, NULL, OPT_DSN },
    { "provider", required_argument, NULL, OPT_PROVIDER },
    { "recipient", required_argument, NULL, OPT_RECIPIENT },
    { "patterns", required_argument, NULL, OPT_PATTERNS },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static int bs_patterns_option(int c, struct bs_patterns_args *a)
{
    switch (c) {
    case 't': a->test = true; return 0;
    case 'l': a->list = true; return 0;
    case OPT_DSN: a->dsn = optarg; return 0;
    case OPT_PROVIDER: a->provider = optarg; return 0;
    case OPT_RECIPIENT: a->recipient = optarg; return 0;
    case OPT_PATTERNS:
        if (a->nfiles == 16)
            return -1;
        a->files[a->nfiles++] = optarg;
        return 0;
    default:
        return -1;
    }
}

/* 0, 1 (help) or -1 (usage error, message printed). */
static int bs_patterns_parse(int argc, char **argv,
                             struct bs_patterns_args *a)
{
    memset(a, 0, sizeof *a);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":tlh", bs_patterns_options,
                            NULL)) != -1) {
        if (c == 'h')
            return 1;
        if (c == '?' || c == ':' || bs_patterns_option(c, a) < 0) {
            fprintf(stderr, "bouncestat patterns: bad option '%s'\n%s",
                    argv[optind - 1], bs_patterns_usage);
            return -1;
        }
    }
    if (a->test == a->list || (a->test && optind != argc - 1) ||
        (a->list && optind != argc)) {
        fprintf(stderr, "bouncestat patterns: give --test TEXT or --list\n%s",
                bs_patterns_usage);
        return -1;
    }
    a->text = a->test ? argv[optind] : NULL;
    return 0;
}

static int bs_patterns_run(struct bs_engine *e,
                           const struct bs_patterns_args *a)
{
    char err[1024], *out;
    size_t len;
    for (int i = 0; i < a->nfiles; i++)
        if (bs_patterns_file_load(e, a->files[i]) < 0)
            return 1;
    if (a->list) {
        bs_engine_list_rules(e, &out, &len);
    } else if (bs_engine_explain(e, a->provider, a->recipient, a->dsn,
                                 a->text, &out, &len, err, sizeof err) < 0) {
        fprintf(stderr, "bouncestat patterns: %s\n", err);
        return 1;
    }
    fwrite(out, 1, len, stdout);
    free(out);
    return fflush(stdout) == 0 ? 0 : 2;
}

int bs_cmd_patterns(int argc, char **argv)
{
    struct bs_patterns_args a;
    int rc = bs_patterns_parse(argc, argv, &a);
    if (rc != 0) {
        if (rc > 0)
            fputs(bs_patterns_usage, stdout);
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
    rc = bs_patterns_run(e, &a);
    bs_engine_free(e);
    return rc;
}
