/*
 * alert_exec.c - alert commands on the libuv loop, with a timeout
 *
 * A job owns three handles (the process, its stdin pipe, the timeout
 * timer) and is freed when the last of them is closed; only then does
 * the next queued job start, so at most BS_EXEC_RUNNING processes exist.
 * The runner itself is freed when it is closing and no job runs.
 */
#include "alert_exec.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern char **environ;

#define BS_EXEC_ENV_OWN 13
#define BS_EXEC_KILL_GRACE_MS 1000

struct bs_exec_job {
    struct bs_exec *x;
    struct bs_exec_job *next;
    char *input;
    size_t len;
    char **env;
    char *own[BS_EXEC_ENV_OWN];
    uv_process_t proc;
    uv_pipe_t in;
    uv_timer_t timer;
    uv_write_t wr;
    int open; /* handles not yet closed */
    bool timed_out, exited;
};

struct bs_exec {
    uv_loop_t *loop;
    char *cmd;
    uint64_t timeout_ms;
    struct bs_exec_job *head, *tail; /* waiting */
    size_t queued;
    struct bs_exec_job *running[BS_EXEC_RUNNING];
    unsigned nrunning;
    bool closing;
};

void bs_watch_time_text(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, n, "%lld", (long long)t);
}

static char *bs_exec_strdup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) {
        fputs("bouncestat: out of memory\n", stderr);
        abort();
    }
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *bs_exec_var(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static char *bs_exec_var(const char *name, const char *fmt, ...)
{
    char value[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    size_t n = strlen(name) + 1 + strlen(value);
    char *s = malloc(n + 1);
    if (!s)
        abort();
    snprintf(s, n + 1, "%s=%s", name, value);
    return s;
}

/* Our environment without BS_ALERT_*, then the alert's variables. */
static void bs_exec_env(struct bs_exec_job *j, const struct bs_alert_event *ev)
{
    char at[32];
    bs_watch_time_text(ev->at, at, sizeof at);
    bool rate = !strcmp(ev->measure, "rate") ||
                !strcmp(ev->measure, "deferral_rate");
    char *const own[BS_EXEC_ENV_OWN] = {
        bs_exec_var("BS_ALERT_STATE", "%s", ev->state),
        bs_exec_var("BS_ALERT_REPEAT", "%d", ev->repeat ? 1 : 0),
        bs_exec_var("BS_ALERT_AT", "%s", at),
        bs_exec_var("BS_ALERT_AT_UNIX", "%lld", (long long)ev->at),
        bs_exec_var("BS_ALERT_RULE", "%s", ev->rule),
        bs_exec_var("BS_ALERT_RULE_INDEX", "%d", ev->rule_index),
        bs_exec_var("BS_ALERT_NAME", "%s", ev->name),
        bs_exec_var("BS_ALERT_KEY", "%s", ev->key),
        bs_exec_var("BS_ALERT_MEASURE", "%s", ev->measure),
        bs_exec_var("BS_ALERT_VALUE", rate ? "%.6f" : "%.0f", ev->value),
        bs_exec_var("BS_ALERT_NUMERATOR", "%llu",
                    (unsigned long long)ev->numerator),
        bs_exec_var("BS_ALERT_DENOMINATOR", "%llu",
                    (unsigned long long)ev->denominator),
        bs_exec_var("BS_ALERT_WINDOW", "%lld", (long long)ev->window),
    };
    size_t n = 0;
    while (environ && environ[n])
        n++;
    j->env = calloc(n + BS_EXEC_ENV_OWN + 1, sizeof *j->env);
    if (!j->env)
        abort();
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "BS_ALERT_", 9) != 0)
            j->env[k++] = environ[i];
    for (int i = 0; i < BS_EXEC_ENV_OWN; i++)
        j->env[k++] = j->own[i] = own[i];
}

static void bs_exec_job_free(struct bs_exec_job *j)
{
    for (int i = 0; i < BS_EXEC_ENV_OWN; i++)
        free(j->own[i]);
    free(j->env);
    free(j->input);
    free(j);
}

static void bs_exec_start_next(struct bs_exec *x);

static void bs_exec_closed(uv_handle_t *h)
{
    struct bs_exec_job *j = h->data;
    if (--j->open > 0)
        return;
    struct bs_exec *x = j->x;
    for (unsigned i = 0; i < x->nrunning; i++)
        if (x->running[i] == j) {
            x->running[i] = x->running[--x->nrunning];
            break;
        }
    bs_exec_job_free(j);
    if (x->closing && x->nrunning == 0) {
        free(x->cmd);
        free(x);
        return;
    }
    bs_exec_start_next(x);
}

static void bs_exec_close_handle(uv_handle_t *h)
{
    if (!uv_is_closing(h))
        uv_close(h, bs_exec_closed);
}

static void bs_exec_exited(uv_process_t *p, int64_t status, int sig)
{
    struct bs_exec_job *j = p->data;
    j->exited = true;
    if (j->x->closing)
        ; /* killed at the end: bs_exec_close said so */
    else if (j->timed_out)
        fprintf(stderr, "bouncestat watch: alert command timed out after "
                "%llu ms; killed\n", (unsigned long long)j->x->timeout_ms);
    else if (sig)
        fprintf(stderr, "bouncestat watch: alert command killed by signal "
                "%d\n", sig);
    else if (status)
        fprintf(stderr, "bouncestat watch: alert command exited with "
                "status %lld\n", (long long)status);
    bs_exec_close_handle((uv_handle_t *)&j->timer);
    bs_exec_close_handle((uv_handle_t *)&j->in);
    bs_exec_close_handle((uv_handle_t *)&j->proc);
}

static void bs_exec_timeout(uv_timer_t *t)
{
    struct bs_exec_job *j = t->data;
    if (j->exited)
        return;
    int sig = j->timed_out ? SIGKILL : SIGTERM;
    j->timed_out = true;
    uv_kill(-j->proc.pid, sig);
    if (sig == SIGTERM)
        uv_timer_start(&j->timer, bs_exec_timeout, BS_EXEC_KILL_GRACE_MS, 0);
}

static void bs_exec_written(uv_write_t *w, int status)
{
    struct bs_exec_job *j = w->data;
    (void)status; /* a command that does not read its stdin is fine */
    bs_exec_close_handle((uv_handle_t *)&j->in);
}

static void bs_exec_start(struct bs_exec *x, struct bs_exec_job *j)
{
    x->running[x->nrunning++] = j;
    j->open = 3;
    j->proc.data = j->in.data = j->timer.data = j->wr.data = j;
    uv_pipe_init(x->loop, &j->in, 0);
    uv_timer_init(x->loop, &j->timer);
    uv_stdio_container_t io[3];
    io[0].flags = (uv_stdio_flags)(UV_CREATE_PIPE | UV_READABLE_PIPE);
    io[0].data.stream = (uv_stream_t *)&j->in;
    io[1].flags = UV_INHERIT_FD;
    io[1].data.fd = 2;
    io[2].flags = UV_INHERIT_FD;
    io[2].data.fd = 2;
    char *args[] = { "/bin/sh", "-c", x->cmd, NULL };
    uv_process_options_t o;
    memset(&o, 0, sizeof o);
    o.exit_cb = bs_exec_exited;
    o.file = "/bin/sh";
    o.args = args;
    o.env = j->env;
    o.stdio_count = 3;
    o.stdio = io;
    o.flags = UV_PROCESS_DETACHED; /* its own process group, to kill */
    int rc = uv_spawn(x->loop, &j->proc, &o);
    if (rc < 0) {
        fprintf(stderr, "bouncestat watch: alert command: cannot start "
                "/bin/sh: %s\n", uv_strerror(rc));
        j->exited = true;
        bs_exec_close_handle((uv_handle_t *)&j->timer);
        bs_exec_close_handle((uv_handle_t *)&j->in);
        bs_exec_close_handle((uv_handle_t *)&j->proc);
        return;
    }
    uv_buf_t b = uv_buf_init(j->input, (unsigned)j->len);
    if (uv_write(&j->wr, (uv_stream_t *)&j->in, &b, 1, bs_exec_written) < 0)
        bs_exec_close_handle((uv_handle_t *)&j->in);
    uv_timer_start(&j->timer, bs_exec_timeout, x->timeout_ms, 0);
}

static void bs_exec_start_next(struct bs_exec *x)
{
    while (!x->closing && x->head && x->nrunning < BS_EXEC_RUNNING) {
        struct bs_exec_job *j = x->head;
        x->head = j->next;
        if (!x->head)
            x->tail = NULL;
        x->queued--;
        bs_exec_start(x, j);
    }
}

struct bs_exec *bs_exec_new(uv_loop_t *loop, const char *cmd,
                            uint64_t timeout_ms)
{
    struct bs_exec *x = calloc(1, sizeof *x);
    if (!x)
        abort();
    x->loop = loop;
    x->cmd = bs_exec_strdup(cmd, strlen(cmd));
    x->timeout_ms = timeout_ms ? timeout_ms : 1;
    return x;
}

void bs_exec_submit(struct bs_exec *x, const struct bs_alert_event *ev)
{
    if (x->closing)
        return;
    if (x->queued >= BS_EXEC_QUEUED) {
        fprintf(stderr, "bouncestat watch: alert command: %zu commands "
                "waiting; this alert's command is dropped\n", x->queued);
        return;
    }
    struct bs_exec_job *j = calloc(1, sizeof *j);
    if (!j)
        abort();
    j->x = x;
    j->len = ev->json_len + 1;
    j->input = bs_exec_strdup(ev->json, ev->json_len);
    j->input[ev->json_len] = '\n';
    bs_exec_env(j, ev);
    if (x->tail)
        x->tail->next = j;
    else
        x->head = j;
    x->tail = j;
    x->queued++;
    bs_exec_start_next(x);
}

bool bs_exec_busy(const struct bs_exec *x)
{
    return x->nrunning > 0 || x->head != NULL;
}

void bs_exec_close(struct bs_exec *x)
{
    if (!x)
        return;
    x->closing = true;
    while (x->head) {
        struct bs_exec_job *j = x->head;
        x->head = j->next;
        bs_exec_job_free(j);
    }
    x->tail = NULL;
    x->queued = 0;
    if (x->nrunning == 0) {
        free(x->cmd);
        free(x);
        return;
    }
    unsigned killed = 0;
    for (unsigned i = 0; i < x->nrunning; i++) {
        struct bs_exec_job *j = x->running[i];
        if (!j->exited) {
            uv_kill(-j->proc.pid, SIGKILL);
            killed++;
        }
    }
    if (killed)
        fprintf(stderr, "bouncestat watch: %u alert command%s still running: "
                "killed\n", killed, killed == 1 ? "" : "s");
}
