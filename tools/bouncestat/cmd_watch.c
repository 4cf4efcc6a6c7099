/*
 * cmd_watch.c - `bouncestat watch [--alert RULE]... [--rules FILE]...
 * [--renotify DUR] [--alert-exec CMD] [--alert-webhook URL]
 * [--listen ADDR:PORT] [FILE...]`
 *
 * One thread, one libuv loop. Files (and a stdin that is a regular file)
 * are replayed through the batch reader (read_input.h) at full speed;
 * after each 1 MiB chunk the loop is turned once without waiting, so the
 * metrics endpoint answers, alert commands start and time out, and
 * webhooks are posted while the replay goes on. A stdin that is a pipe
 * or a terminal is read as a stream on the loop itself. Alerts are judged
 * inside the engine by log time (engine/alert.c); each notification
 * comes back here as JSON and goes to the actions, none of which blocks
 * the reading.
 *
 * The end: when the input ends, the last minute is judged, and watch
 * waits for alert commands and webhooks still in flight (each bounded by
 * its timeout and retries). With --listen it then keeps serving the
 * final metrics until SIGINT or SIGTERM. A signal ends the run at once:
 * commands still running are killed, webhooks not yet delivered are
 * dropped.
 */
#include "cmd_watch.h"

#include "alert_exec.h"
#include "bouncestat.h"
#include "metrics_http.h"
#include "patterns_file.h"
#include "read_input.h"
#include "webhook.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

enum { BS_EXIT_OK = 0, BS_EXIT_USAGE = 1, BS_EXIT_INPUT = 2 };

#define BS_WATCH_MAX_RULES 64
#define BS_WATCH_RULES_FILE_MAX (1u << 20)
/* The aggregate keeps hours for this long, then only totals (metrics
 * need no more), so a run of months does not grow with time. */
#define BS_WATCH_KEEP_HOURS 7200

static const char bs_watch_usage[] =
    "Usage: bouncestat watch [OPTIONS] [FILE...]\n"
    "\n"
    "Judges alert rules on Postfix/qmail logs by log time: FILEs (plain or\n"
    "zstd) are replayed at full speed; without FILE, stdin is read as a\n"
    "stream (tail -F /var/log/maillog | bouncestat watch ...). Each alert\n"
    "is one JSON object (doc/alerts.md).\n"
    "\n"
    "Rules:\n"
    "      --alert RULE        a rule (repeatable), e.g.\n"
    "                          'provider=google rate>5% window=15m min=200'\n"
    "      --rules FILE        rules, one per line; # starts a comment line\n"
    "      --renotify DUR      repeat a firing alert every DUR of log time\n"
    "                          (e.g. 1h; default: never)\n"
    "Actions:\n"
    "      --no-stdout         do not print alerts as JSON lines on stdout\n"
    "      --alert-exec CMD    run CMD with sh -c for each alert: the JSON on\n"
    "                          stdin, fields in BS_ALERT_* variables\n"
    "      --exec-timeout DUR  kill a command running longer (default 10s)\n"
    "      --alert-webhook URL POST the JSON to an http:// URL\n"
    "      --webhook-timeout DUR  time for one attempt (default 5s)\n"
    "      --webhook-retries N    attempts after a failed one (default 3)\n"
    "Metrics:\n"
    "      --listen ADDR:PORT  serve Prometheus metrics at /metrics while\n"
    "                          reading, and after the input ends until\n"
    "                          SIGINT or SIGTERM\n"
    "      --top-senders N     sender domains with their own series\n"
    "                          (default 20; the rest are \"other\")\n"
    "Input:\n"
    "      --year YYYY         year of BSD syslog timestamps\n"
    "      --patterns FILE     add classification rules\n"
    "  -h, --help              show this help\n"
    "\n"
    "DUR is a number with ms, s, m, h or d. Exit status: 0 ok, 1 usage\n"
    "error or a rule that does not parse, 2 some input could not be read.\n";

struct bs_watch_args {
    const char *alerts[BS_WATCH_MAX_RULES];
    int nalerts;
    const char *rules_files[16];
    int nrules_files;
    const char *patterns[16];
    int npatterns;
    int64_t renotify;
    bool no_stdout;
    const char *exec_cmd;
    uint64_t exec_timeout_ms;
    const char *webhook;
    uint64_t webhook_timeout_ms;
    unsigned webhook_retries;
    const char *listen;
    unsigned top_senders;
    int year;
    char **inputs;
    int ninputs;
};

struct bs_watch_run {
    uv_loop_t loop;
    struct bs_watch_args a;
    struct bs_engine *e;
    struct bs_exec *exec;
    struct bs_webhook *hook;
    struct bs_metrics_http *http;
    uv_signal_t sigint, sigterm;
    bool stop;          /* a signal, or stdout gone with nothing else */
    bool stdout_broken;
    char *buf;
    /* stdin as a stream */
    union {
        uv_pipe_t pipe;
        uv_tty_t tty;
    } in;
    bool in_open;
    int in_status;
};

enum { OPT_ALERT = 256, OPT_RULES, OPT_RENOTIFY, OPT_NO_STDOUT, OPT_EXEC,
       OPT_EXEC_TIMEOUT, OPT_WEBHOOK, OPT_WEBHOOK_TIMEOUT,
       OPT_WEBHOOK_RETRIES, OPT_LISTEN, OPT_TOP, OPT_YEAR, OPT_PATTERNS };

static const struct option bs_watch_options[] = {
    { "alert", required_argument, NULL, OPT_ALERT },
    { "rules", required_argument, NULL, OPT_RULES },
    { "renotify", required_argument, NULL, OPT_RENOTIFY },
    { "no-stdout", no_argument, NULL, OPT_NO_STDOUT },
    { "alert-exec", required_argument, NULL, OPT_EXEC },
    { "exec-timeout", required_argument, NULL, OPT_EXEC_TIMEOUT },
    { "alert-webhook", required_argument, NULL, OPT_WEBHOOK },
    { "webhook-timeout", required_argument, NULL, OPT_WEBHOOK_TIMEOUT },
    { "webhook-retries", required_argument, NULL, OPT_WEBHOOK_RETRIES },
    { "listen", required_argument, NULL, OPT_LISTEN },
    { "top-senders", required_argument, NULL, OPT_TOP },
    { "year", required_argument, NULL, OPT_YEAR },
    { "patterns", required_argument, NULL, OPT_PATTERNS },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

/* "500ms", "10s", "2m": milliseconds; 0 or -1. */
static int bs_watch_ms(const char *s, uint64_t *ms)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || errno || *s == '-' || v > 1000000000ull)
        return -1;
    uint64_t unit = !strcmp(end, "ms") ? 1 : !strcmp(end, "s") ? 1000
                    : !strcmp(end, "m") ? 60000 : !strcmp(end, "h") ? 3600000
                    : !strcmp(end, "d") ? 86400000 : 0;
    if (!unit || v == 0)
        return -1;
    *ms = v * unit;
    return 0;
}

static int bs_watch_uint(const char *s, unsigned long lo, unsigned long hi,
                         unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || *end || errno || *s == '-' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int bs_watch_push(const char **list, int *n, int max,
                         const char *v)
{
    if (*n == max)
        return -1;
    list[(*n)++] = v;
    return 0;
}

static int bs_watch_option(int c, struct bs_watch_args *a)
{
    unsigned long v;
    switch (c) {
    case OPT_ALERT:
        return bs_watch_push(a->alerts, &a->nalerts, BS_WATCH_MAX_RULES,
                             optarg);
    case OPT_RULES:
        return bs_watch_push(a->rules_files, &a->nrules_files, 16, optarg);
    case OPT_PATTERNS:
        return bs_watch_push(a->patterns, &a->npatterns, 16, optarg);
    case OPT_RENOTIFY:
        return bs_duration_parse(optarg, &a->renotify);
    case OPT_NO_STDOUT: a->no_stdout = true; return 0;
    case OPT_EXEC: a->exec_cmd = optarg; return 0;
    case OPT_EXEC_TIMEOUT: return bs_watch_ms(optarg, &a->exec_timeout_ms);
    case OPT_WEBHOOK: a->webhook = optarg; return 0;
    case OPT_WEBHOOK_TIMEOUT:
        return bs_watch_ms(optarg, &a->webhook_timeout_ms);
    case OPT_WEBHOOK_RETRIES:
        if (bs_watch_uint(optarg, 0, 20, &v) < 0)
            return -1;
        a->webhook_retries = (unsigned)v;
        return 0;
    case OPT_LISTEN: a->listen = optarg; return 0;
    case OPT_TOP:
        if (bs_watch_uint(optarg, 0, 1000, &v) < 0)
            return -1;
        a->top_senders = (unsigned)v;
        return 0;
    case OPT_YEAR:
        if (bs_watch_uint(optarg, 1970, 9999, &v) < 0)
            return -1;
        a->year = (int)v;
        return 0;
    default:
        return -1;
    }
}

/* 0, 1 (help) or -1 (usage error, message printed). */
static int bs_watch_parse(int argc, char **argv, struct bs_watch_args *a)
{
    memset(a, 0, sizeof *a);
    a->exec_timeout_ms = 10000;
    a->webhook_timeout_ms = 5000;
    a->webhook_retries = 3;
    a->top_senders = 20;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", bs_watch_options, NULL)) !=
           -1) {
        if (c == 'h')
            return 1;
        if (c == '?' || c == ':' || bs_watch_option(c, a) < 0) {
            const char *opt = argv[optind - 1];
            fprintf(stderr, "bouncestat watch: %s '%s'%s%s\n",
                    c == '?' ? "unknown option" : c == ':' ? "missing value "
                    "for" : "bad value for", opt, c > 255 ? ": " : "",
                    c > 255 ? optarg : "");
            fputs("Try 'bouncestat watch --help'.\n", stderr);
            return -1;
        }
    }
    a->inputs = argv + optind;
    a->ninputs = argc - optind;
    if (!a->nalerts && !a->nrules_files && !a->listen) {
        fputs("bouncestat watch: nothing to watch: give --alert, --rules or "
              "--listen\nTry 'bouncestat watch --help'.\n", stderr);
        return -1;
    }
    return 0;
}

/* ---- rules ---- */

/* Prints a rule error with a caret under its column. */
static void bs_watch_rule_error(const char *where, const char *rule,
                                size_t len, const char *err)
{
    fprintf(stderr, "bouncestat watch: %s: %s\n", where, err);
    long col = 0;
    if (!strncmp(err, "column ", 7))
        col = strtol(err + 7, NULL, 10);
    fprintf(stderr, "    %.*s\n", (int)len, rule);
    if (col >= 1 && (size_t)col <= len + 1)
        fprintf(stderr, "    %*s^\n", (int)(col - 1), "");
}

static int bs_watch_add_rule(struct bs_engine *e, const char *where,
                             const char *rule, size_t len)
{
    char err[512], *text = malloc(len + 1);
    if (!text)
        abort();
    memcpy(text, rule, len);
    text[len] = '\0';
    int rc = bs_engine_add_alert_rule(e, text, err, sizeof err);
    if (rc < 0)
        bs_watch_rule_error(where, text, len, err);
    free(text);
    return rc < 0 ? -1 : 0;
}

static int bs_watch_rules_file(struct bs_engine *e, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bouncestat watch: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *text = malloc(BS_WATCH_RULES_FILE_MAX + 1);
    if (!text)
        abort();
    size_t n = fread(text, 1, BS_WATCH_RULES_FILE_MAX + 1, f);
    bool bad = ferror(f) || n > BS_WATCH_RULES_FILE_MAX;
    if (bad)
        fprintf(stderr, "bouncestat watch: %s: %s\n", path,
                ferror(f) ? strerror(errno) : "larger than 1 MiB");
    fclose(f);
    int rc = bad ? -1 : 0;
    size_t line = 0;
    for (size_t i = 0; rc == 0 && i < n;) {
        const char *s = text + i;
        const char *nl = memchr(s, '\n', n - i);
        size_t len = nl ? (size_t)(nl - s) : n - i;
        i += len + 1;
        line++;
        if (len && s[len - 1] == '\r')
            len--;
        size_t k = strspn(s, " \t");
        if (k >= len || s[k] == '#')
            continue;
        char where[600];
        snprintf(where, sizeof where, "%s:%zu", path, line);
        rc = bs_watch_add_rule(e, where, s, len);
    }
    free(text);
    return rc;
}

static int bs_watch_load(struct bs_watch_run *w)
{
    for (int i = 0; i < w->a.npatterns; i++)
        if (bs_patterns_file_load(w->e, w->a.patterns[i]) < 0)
            return -1;
    for (int i = 0; i < w->a.nalerts; i++)
        if (bs_watch_add_rule(w->e, "--alert", w->a.alerts[i],
                              strlen(w->a.alerts[i])) < 0)
            return -1;
    for (int i = 0; i < w->a.nrules_files; i++)
        if (bs_watch_rules_file(w->e, w->a.rules_files[i]) < 0)
            return -1;
    return 0;
}

/* ---- actions ---- */

static void bs_watch_alert(void *ctx, const struct bs_alert_event *ev)
{
    struct bs_watch_run *w = ctx;
    if (!w->a.no_stdout && !w->stdout_broken) {
        fwrite(ev->json, 1, ev->json_len, stdout);
        putchar('\n');
        if (fflush(stdout) != 0) {
            w->stdout_broken = true;
            if (errno != EPIPE)
                fprintf(stderr, "bouncestat watch: stdout: %s\n",
                        strerror(errno));
            if (!w->exec && !w->hook && !w->http)
                w->stop = true; /* nobody is listening any more */
        }
    }
    if (w->exec)
        bs_exec_submit(w->exec, ev);
    if (w->hook)
        bs_webhook_submit(w->hook, ev->json, ev->json_len);
}

static void bs_watch_render(void *ctx, char **out, size_t *len)
{
    struct bs_watch_run *w = ctx;
    bs_engine_render_metrics(w->e, w->a.top_senders, out, len);
}

static void bs_watch_signal(uv_signal_t *s, int signum)
{
    struct bs_watch_run *w = s->data;
    (void)signum;
    w->stop = true;
    uv_stop(&w->loop);
}

static int bs_watch_actions(struct bs_watch_run *w)
{
    char err[512];
    if (w->a.exec_cmd)
        w->exec = bs_exec_new(&w->loop, w->a.exec_cmd, w->a.exec_timeout_ms);
    if (w->a.webhook) {
        w->hook = bs_webhook_new(&w->loop, w->a.webhook,
                                 w->a.webhook_timeout_ms,
                                 w->a.webhook_retries, err, sizeof err);
        if (!w->hook) {
            fprintf(stderr, "bouncestat watch: %s\n", err);
            return -1;
        }
    }
    if (w->a.listen) {
        w->http = bs_metrics_http_new(&w->loop, w->a.listen, bs_watch_render,
                                      w, err, sizeof err);
        if (!w->http) {
            fprintf(stderr, "bouncestat watch: %s\n", err);
            return -1;
        }
        fprintf(stderr, "bouncestat watch: metrics at http://%s/metrics\n",
                bs_metrics_http_address(w->http));
    }
    uv_signal_start(&w->sigint, bs_watch_signal, SIGINT);
    uv_signal_start(&w->sigterm, bs_watch_signal, SIGTERM);
    return 0;
}

/* ---- input ---- */

static void bs_watch_teardown(struct bs_watch_run *w);

/* After each chunk of a replay: the loop turns once without waiting
 * (metrics, commands, webhooks, signals). The batch reader cannot be
 * interrupted, so a signal during a replay ends the run here. */
static void bs_watch_progress(void *ctx, size_t n)
{
    struct bs_watch_run *w = ctx;
    (void)n;
    bs_engine_forget_hours(w->e, BS_WATCH_KEEP_HOURS);
    uv_run(&w->loop, UV_RUN_NOWAIT);
    if (w->stop) {
        fflush(stdout);
        bs_watch_teardown(w);
        exit(BS_EXIT_OK);
    }
}

static int bs_watch_replay(struct bs_watch_run *w, const char *path)
{
    char err[1024];
    if (bs_read_input_ex(w->e, path, w->buf, BS_READ_CHUNK,
                         bs_watch_progress, w, err, sizeof err) < 0) {
        fprintf(stderr, "bouncestat watch: %s\n", err);
        return BS_EXIT_INPUT;
    }
    return BS_EXIT_OK;
}

static void bs_watch_in_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
    struct bs_watch_run *w = h->data;
    (void)hint;
    *b = uv_buf_init(w->buf, BS_READ_CHUNK);
}

static void bs_watch_in_closed(uv_handle_t *h)
{
    struct bs_watch_run *w = h->data;
    w->in_open = false;
}

static void bs_watch_in_end(struct bs_watch_run *w)
{
    if (bs_engine_end_input(w->e) < 0 && w->in_status == BS_EXIT_OK) {
        fprintf(stderr, "bouncestat watch: %s\n",
                bs_engine_input_error(w->e));
        w->in_status = BS_EXIT_INPUT;
    }
    uv_close((uv_handle_t *)&w->in, bs_watch_in_closed);
    uv_stop(&w->loop);
}

static void bs_watch_in_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct bs_watch_run *w = s->data;
    if (n > 0)
        bs_engine_forget_hours(w->e, BS_WATCH_KEEP_HOURS);
    if (n > 0 && bs_engine_feed(w->e, b->base, (size_t)n) < 0) {
        fprintf(stderr, "bouncestat watch: %s\n",
                bs_engine_input_error(w->e));
        w->in_status = BS_EXIT_INPUT;
        uv_read_stop(s);
        bs_watch_in_end(w);
    } else if (n < 0) {
        if (n != UV_EOF) {
            fprintf(stderr, "bouncestat watch: (stdin): read error: %s\n",
                    uv_strerror((int)n));
            w->in_status = BS_EXIT_INPUT;
        }
        uv_read_stop(s);
        bs_watch_in_end(w);
    }
    if (w->stop)
        uv_stop(&w->loop);
}

/* stdin as a pipe or terminal: read on the loop until its end or a
 * signal. */
static int bs_watch_stream(struct bs_watch_run *w, uv_handle_type type)
{
    int rc = type == UV_TTY ? uv_tty_init(&w->loop, &w->in.tty, 0, 1)
                            : uv_pipe_init(&w->loop, &w->in.pipe, 0);
    if (rc == 0 && type != UV_TTY)
        rc = uv_pipe_open(&w->in.pipe, 0);
    w->in.pipe.data = w;
    w->in_open = true;
    w->in_status = BS_EXIT_OK;
    if (rc == 0)
        rc = uv_read_start((uv_stream_t *)&w->in, bs_watch_in_alloc,
                           bs_watch_in_read);
    if (rc < 0) {
        fprintf(stderr, "bouncestat watch: (stdin): %s\n", uv_strerror(rc));
        uv_close((uv_handle_t *)&w->in, bs_watch_in_closed);
        return BS_EXIT_INPUT;
    }
    bs_engine_begin_input(w->e, "(stdin)", (int64_t)time(NULL));
    while (w->in_open && !uv_is_closing((uv_handle_t *)&w->in) && !w->stop)
        uv_run(&w->loop, UV_RUN_DEFAULT);
    if (w->in_open && !uv_is_closing((uv_handle_t *)&w->in)) {
        uv_read_stop((uv_stream_t *)&w->in);
        uv_close((uv_handle_t *)&w->in, bs_watch_in_closed);
    }
    while (w->in_open)
        uv_run(&w->loop, UV_RUN_NOWAIT); /* its close callback */
    return w->in_status;
}

static int bs_watch_inputs(struct bs_watch_run *w)
{
    static char *const stdin_only[] = { "-" };
    char *const *inputs = w->a.ninputs ? w->a.inputs : stdin_only;
    int n = w->a.ninputs ? w->a.ninputs : 1, status = BS_EXIT_OK;
    for (int i = 0; i < n && !w->stop; i++) {
        uv_handle_type t = strcmp(inputs[i], "-") ? UV_FILE
                                                  : uv_guess_handle(0);
        int rc = t == UV_NAMED_PIPE || t == UV_TTY
                     ? bs_watch_stream(w, t)
                     : bs_watch_replay(w, inputs[i]);
        if (rc != BS_EXIT_OK)
            status = rc;
    }
    return status;
}

/* ---- the run ---- */

static void bs_watch_teardown(struct bs_watch_run *w)
{
    bs_exec_close(w->exec);
    bs_webhook_close(w->hook);
    bs_metrics_http_close(w->http);
    w->exec = NULL;
    w->hook = NULL;
    w->http = NULL;
    uv_close((uv_handle_t *)&w->sigint, NULL);
    uv_close((uv_handle_t *)&w->sigterm, NULL);
    uv_run(&w->loop, UV_RUN_DEFAULT);
    uv_loop_close(&w->loop);
    bs_engine_free(w->e);
    w->e = NULL;
    free(w->buf);
    w->buf = NULL;
}

static bool bs_watch_busy(const struct bs_watch_run *w)
{
    return (w->exec && bs_exec_busy(w->exec)) ||
           (w->hook && bs_webhook_busy(w->hook));
}

static int bs_watch_run(struct bs_watch_run *w)
{
    int status = bs_watch_inputs(w);
    if (!w->stop)
        bs_engine_alerts_flush(w->e);
    while (!w->stop && bs_watch_busy(w))
        uv_run(&w->loop, UV_RUN_ONCE);
    if (w->http)
        while (!w->stop)
            uv_run(&w->loop, UV_RUN_DEFAULT);
    return status;
}

int bs_cmd_watch(int argc, char **argv)
{
    static struct bs_watch_run w; /* the signal handles point into it */
    memset(&w, 0, sizeof w);
    signal(SIGPIPE, SIG_IGN);
    int rc = bs_watch_parse(argc, argv, &w.a);
    if (rc != 0) {
        if (rc > 0)
            fputs(bs_watch_usage, stdout);
        return rc > 0 ? BS_EXIT_OK : BS_EXIT_USAGE;
    }
    struct bs_engine_options eo;
    bs_engine_options_default(&eo);
    eo.year = w.a.year;
    eo.alert_fn = bs_watch_alert;
    eo.alert_ctx = &w;
    eo.alert_renotify = w.a.renotify;
    char err[1024];
    w.e = bs_engine_new(&eo, err, sizeof err);
    if (!w.e) {
        fprintf(stderr, "bouncestat: built-in patterns: %s\n", err);
        return BS_EXIT_USAGE;
    }
    uv_loop_init(&w.loop);
    uv_signal_init(&w.loop, &w.sigint);
    uv_signal_init(&w.loop, &w.sigterm);
    w.sigint.data = w.sigterm.data = &w;
    w.buf = malloc(BS_READ_CHUNK);
    if (!w.buf)
        abort();
    int status = BS_EXIT_USAGE;
    if (bs_watch_load(&w) == 0 && bs_watch_actions(&w) == 0)
        status = bs_watch_run(&w);
    bs_watch_teardown(&w);
    return status;
}
