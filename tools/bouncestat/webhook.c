/*
 * webhook.c - the webhook client: one attempt is resolve, connect, write
 * the request, read the status line; a timer bounds the attempt and then
 * spaces out the retries
 *
 * Phases of the head of the queue: IDLE (nothing to send), RESOLVING,
 * CONNECTING, TALKING, CLOSING (the connection is being closed before the
 * attempt's outcome is acted on) and WAITING (backoff before a retry).
 * The getaddrinfo request cannot be reused before its callback, so a
 * timeout while resolving only marks the attempt and cancels; the
 * callback ends it. refs counts what must close before w is freed.
 */
#include "webhook.h"

#include "bouncestat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BS_HOOK_MIN(a, b) ((a) < (b) ? (a) : (b))

enum bs_hook_phase { BS_HOOK_IDLE, BS_HOOK_RESOLVING, BS_HOOK_CONNECTING,
                     BS_HOOK_TALKING, BS_HOOK_CLOSING, BS_HOOK_WAITING };

struct bs_hook_item {
    struct bs_hook_item *next;
    char *body;
    size_t len;
};

struct bs_webhook {
    uv_loop_t *loop;
    char *url, *host, *port, *path, *authority;
    uint64_t timeout_ms;
    unsigned retries, attempt;
    struct bs_hook_item *head, *tail;
    size_t queued;
    enum bs_hook_phase phase;
    uv_timer_t timer;
    uv_getaddrinfo_t gai;
    uv_tcp_t tcp;
    uv_connect_t conn;
    uv_write_t wr;
    char *req;
    size_t reqlen;
    char resp[1024];
    size_t resplen;
    bool timed_out, tcp_open, gai_pending, closing, ok;
    int refs;
    char why[160];
};

static char *bs_hook_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        abort();
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static int bs_hook_parse_url(struct bs_webhook *w, const char *url,
                             char *err, size_t errlen)
{
    if (strncmp(url, "http://", 7) != 0) {
        snprintf(err, errlen, "--alert-webhook %s: only http:// URLs", url);
        return -1;
    }
    const char *h = url + 7, *end = h + strcspn(h, "/?#"), *colon;
    const char *hend;
    if (*h == '[') {
        hend = memchr(h, ']', (size_t)(end - h));
        if (!hend)
            goto bad;
        w->host = bs_hook_strndup(h + 1, (size_t)(hend - h - 1));
        colon = hend + 1 < end && hend[1] == ':' ? hend + 1 : NULL;
        if (!colon && hend + 1 != end)
            goto bad;
    } else {
        colon = memchr(h, ':', (size_t)(end - h));
        hend = colon ? colon : end;
        w->host = bs_hook_strndup(h, (size_t)(hend - h));
    }
    if (!*w->host)
        goto bad;
    if (colon) {
        size_t n = (size_t)(end - colon - 1);
        if (n == 0 || n > 5 || strspn(colon + 1, "0123456789") < n)
            goto bad;
        w->port = bs_hook_strndup(colon + 1, n);
        long port = strtol(w->port, NULL, 10);
        if (port < 1 || port > 65535)
            goto bad;
    } else {
        w->port = bs_hook_strndup("80", 2);
    }
    w->authority = bs_hook_strndup(h, (size_t)(end - h));
    w->path = bs_hook_strndup(*end ? end : "/", *end ? strlen(end) : 1);
    if (w->path[0] != '/') {
        char *p = malloc(strlen(w->path) + 2);
        if (!p)
            abort();
        p[0] = '/';
        memcpy(p + 1, w->path, strlen(w->path) + 1);
        free(w->path);
        w->path = p;
    }
    if (strpbrk(w->path, " \r\n"))
        goto bad;
    return 0;
bad:
    snprintf(err, errlen, "--alert-webhook %s: not http://HOST[:PORT][/PATH]",
             url);
    return -1;
}

static void bs_hook_free(struct bs_webhook *w)
{
    free(w->url);
    free(w->host);
    free(w->port);
    free(w->path);
    free(w->authority);
    free(w->req);
    free(w);
}

static void bs_hook_unref(struct bs_webhook *w)
{
    if (--w->refs == 0 && w->closing)
        bs_hook_free(w);
}

static void bs_hook_next(struct bs_webhook *w);
static void bs_hook_attempt(struct bs_webhook *w);
static void bs_hook_timeout(uv_timer_t *t);

static void bs_hook_pop(struct bs_webhook *w)
{
    struct bs_hook_item *it = w->head;
    w->head = it->next;
    if (!w->head)
        w->tail = NULL;
    w->queued--;
    free(it->body);
    free(it);
    w->attempt = 0;
}

/* Acts on the outcome of an attempt once its connection is closed. */
static void bs_hook_settle(struct bs_webhook *w)
{
    w->phase = BS_HOOK_IDLE;
    if (w->closing)
        return;
    if (w->ok) {
        bs_hook_pop(w);
    } else if (w->attempt <= w->retries) {
        uint64_t delay = 1000ull << BS_HOOK_MIN(w->attempt - 1, 6u);
        delay = BS_HOOK_MIN(delay, 60000ull);
        fprintf(stderr, "bouncestat watch: webhook %s: attempt %u of %u "
                "failed (%s); retrying in %llu ms\n", w->url, w->attempt,
                w->retries + 1, w->why, (unsigned long long)delay);
        w->phase = BS_HOOK_WAITING;
        uv_timer_start(&w->timer, bs_hook_timeout, delay, 0);
        return;
    } else {
        fprintf(stderr, "bouncestat watch: webhook %s: giving up after %u "
                "attempts (%s); the alert is dropped\n", w->url, w->attempt,
                w->why);
        bs_hook_pop(w);
    }
    bs_hook_next(w);
}

static void bs_hook_tcp_closed(uv_handle_t *h)
{
    struct bs_webhook *w = h->data;
    w->tcp_open = false;
    bs_hook_settle(w);
    bs_hook_unref(w);
}

static void bs_hook_end(struct bs_webhook *w, bool ok, const char *why)
{
    if (w->phase == BS_HOOK_CLOSING || w->phase == BS_HOOK_IDLE)
        return;
    w->ok = ok;
    snprintf(w->why, sizeof w->why, "%.*s", (int)sizeof w->why - 1, why);
    uv_timer_stop(&w->timer);
    if (w->tcp_open) {
        w->phase = BS_HOOK_CLOSING;
        uv_close((uv_handle_t *)&w->tcp, bs_hook_tcp_closed);
    } else {
        bs_hook_settle(w);
    }
}

static void bs_hook_timeout(uv_timer_t *t)
{
    struct bs_webhook *w = t->data;
    if (w->phase == BS_HOOK_WAITING) {
        bs_hook_attempt(w);
        return;
    }
    char why[64];
    snprintf(why, sizeof why, "no answer within %llu ms",
             (unsigned long long)w->timeout_ms);
    if (w->phase == BS_HOOK_RESOLVING) {
        w->timed_out = true; /* the callback ends the attempt */
        snprintf(w->why, sizeof w->why, "%s", why);
        uv_cancel((uv_req_t *)&w->gai);
        return;
    }
    bs_hook_end(w, false, why);
}

static void bs_hook_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
    struct bs_webhook *w = h->data;
    (void)hint;
    size_t room = sizeof w->resp - 1 - w->resplen;
    *b = uv_buf_init(w->resp + w->resplen, (unsigned)room);
}

/* The status line: "HTTP/1.1 204 No Content". */
static void bs_hook_status(struct bs_webhook *w, bool eof)
{
    w->resp[w->resplen] = '\0';
    char *nl = strstr(w->resp, "\r\n");
    if (!nl && !eof && w->resplen < sizeof w->resp - 1)
        return;
    int code = 0;
    if (!strncmp(w->resp, "HTTP/1.", 7) && w->resplen >= 12 &&
        w->resp[8] == ' ')
        for (int i = 9; i < 12 && w->resp[i] >= '0' && w->resp[i] <= '9';
             i++)
            code = code * 10 + (w->resp[i] - '0');
    if (code < 100 || code > 999) {
        bs_hook_end(w, false, eof && !w->resplen ? "connection closed "
                                                   "without an answer"
                                                 : "not an HTTP answer");
        return;
    }
    char why[32];
    snprintf(why, sizeof why, "HTTP %d", code);
    bs_hook_end(w, code >= 200 && code < 300, why);
}

static void bs_hook_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct bs_webhook *w = s->data;
    (void)b;
    if (w->phase != BS_HOOK_TALKING)
        return;
    if (n > 0) {
        w->resplen += (size_t)n;
        bs_hook_status(w, false);
    } else if (n == UV_EOF) {
        bs_hook_status(w, true);
    } else if (n < 0) {
        bs_hook_end(w, false, uv_strerror((int)n));
    }
}

static void bs_hook_written(uv_write_t *r, int status)
{
    struct bs_webhook *w = r->data;
    if (status < 0 && w->phase == BS_HOOK_TALKING)
        bs_hook_end(w, false, uv_strerror(status));
}

static void bs_hook_connected(uv_connect_t *c, int status)
{
    struct bs_webhook *w = c->data;
    if (w->phase != BS_HOOK_CONNECTING)
        return;
    if (status < 0) {
        bs_hook_end(w, false, uv_strerror(status));
        return;
    }
    w->phase = BS_HOOK_TALKING;
    w->resplen = 0;
    uv_buf_t b = uv_buf_init(w->req, (unsigned)w->reqlen);
    w->wr.data = w;
    int rc = uv_write(&w->wr, (uv_stream_t *)&w->tcp, &b, 1,
                      bs_hook_written);
    if (rc == 0)
        rc = uv_read_start((uv_stream_t *)&w->tcp, bs_hook_alloc,
                           bs_hook_read);
    if (rc < 0)
        bs_hook_end(w, false, uv_strerror(rc));
}

static void bs_hook_resolved(uv_getaddrinfo_t *g, int status,
                             struct addrinfo *res)
{
    struct bs_webhook *w = g->data;
    w->gai_pending = false;
    if (w->closing) {
        uv_freeaddrinfo(res);
        bs_hook_unref(w);
        return;
    }
    bs_hook_unref(w);
    if (w->timed_out || status < 0) {
        char why[200];
        if (w->timed_out)
            snprintf(why, sizeof why, "%s", w->why);
        else
            snprintf(why, sizeof why, "cannot resolve the host: %s",
                     uv_strerror(status));
        uv_freeaddrinfo(res);
        bs_hook_end(w, false, why);
        return;
    }
    uv_tcp_init(w->loop, &w->tcp);
    w->tcp.data = w;
    w->tcp_open = true;
    w->refs++;
    w->phase = BS_HOOK_CONNECTING;
    w->conn.data = w;
    int rc = uv_tcp_connect(&w->conn, &w->tcp, res->ai_addr,
                            bs_hook_connected);
    uv_freeaddrinfo(res);
    if (rc < 0)
        bs_hook_end(w, false, uv_strerror(rc));
}

static void bs_hook_attempt(struct bs_webhook *w)
{
    w->attempt++;
    w->timed_out = false;
    w->phase = BS_HOOK_RESOLVING;
    uv_timer_start(&w->timer, bs_hook_timeout, w->timeout_ms, 0);
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    w->gai.data = w;
    int rc = uv_getaddrinfo(w->loop, &w->gai, bs_hook_resolved, w->host,
                            w->port, &hints);
    if (rc < 0) {
        bs_hook_end(w, false, uv_strerror(rc));
        return;
    }
    w->gai_pending = true;
    w->refs++;
}

static void bs_hook_next(struct bs_webhook *w)
{
    if (w->closing || w->phase != BS_HOOK_IDLE || !w->head)
        return;
    const struct bs_hook_item *it = w->head;
    free(w->req);
    size_t cap = it->len + strlen(w->path) + strlen(w->authority) + 256;
    w->req = malloc(cap);
    if (!w->req)
        abort();
    int n = snprintf(w->req, cap,
                     "POST %s HTTP/1.1\r\nHost: %s\r\n"
                     "User-Agent: bouncestat/%s\r\n"
                     "Content-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     w->path, w->authority, bs_version(), it->len);
    memcpy(w->req + n, it->body, it->len);
    w->reqlen = (size_t)n + it->len;
    bs_hook_attempt(w);
}

struct bs_webhook *bs_webhook_new(uv_loop_t *loop, const char *url,
                                  uint64_t timeout_ms, unsigned retries,
                                  char *err, size_t errlen)
{
    struct bs_webhook *w = calloc(1, sizeof *w);
    if (!w)
        abort();
    if (bs_hook_parse_url(w, url, err, errlen) < 0) {
        bs_hook_free(w);
        return NULL;
    }
    w->url = bs_hook_strndup(url, strlen(url));
    w->loop = loop;
    w->timeout_ms = timeout_ms ? timeout_ms : 1;
    w->retries = retries;
    uv_timer_init(loop, &w->timer);
    w->timer.data = w;
    w->refs = 1;
    return w;
}

void bs_webhook_submit(struct bs_webhook *w, const char *json, size_t len)
{
    if (w->closing)
        return;
    if (w->queued >= BS_WEBHOOK_QUEUED) {
        fprintf(stderr, "bouncestat watch: webhook %s: %zu alerts waiting; "
                "this one is dropped\n", w->url, w->queued);
        return;
    }
    struct bs_hook_item *it = calloc(1, sizeof *it);
    if (!it)
        abort();
    it->body = bs_hook_strndup(json, len);
    it->len = len;
    if (w->tail)
        w->tail->next = it;
    else
        w->head = it;
    w->tail = it;
    w->queued++;
    bs_hook_next(w);
}

bool bs_webhook_busy(const struct bs_webhook *w)
{
    return w->head != NULL;
}

static void bs_hook_timer_closed(uv_handle_t *h)
{
    bs_hook_unref(h->data);
}

void bs_webhook_close(struct bs_webhook *w)
{
    if (!w)
        return;
    w->closing = true;
    while (w->head)
        bs_hook_pop(w);
    if (w->gai_pending)
        uv_cancel((uv_req_t *)&w->gai);
    if (w->tcp_open && !uv_is_closing((uv_handle_t *)&w->tcp))
        uv_close((uv_handle_t *)&w->tcp, bs_hook_tcp_closed);
    uv_close((uv_handle_t *)&w->timer, bs_hook_timer_closed);
}
