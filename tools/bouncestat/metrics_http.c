/*
 * metrics_http.c - the metrics server: a listener, and per connection a
 * TCP handle, a timer and a bounded request buffer
 *
 * A connection reads until the blank line that ends the request head,
 * writes one response, shuts its side down and closes when the client
 * has closed its side (or after the idle time). It is freed when
 * both its handles are closed; the server is freed when it is closing
 * and its listener and every connection are closed (refs).
 */
#include "metrics_http.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BS_HTTP_HEAD_MAX 4096
#define BS_HTTP_IDLE_MS 10000

struct bs_http_conn {
    struct bs_metrics_http *m;
    struct bs_http_conn *prev, *next;
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_write_t wr;
    uv_shutdown_t sd;
    char req[BS_HTTP_HEAD_MAX + 1];
    size_t len;
    char *resp;
    int open; /* handles not yet closed */
    bool answered;
};

struct bs_metrics_http {
    uv_loop_t *loop;
    uv_tcp_t listener;
    bs_metrics_render_fn *render;
    void *ctx;
    struct bs_http_conn *conns;
    unsigned nconns;
    int refs;
    bool closing;
    char address[80];
};

static void bs_http_unref(struct bs_metrics_http *m)
{
    if (--m->refs == 0 && m->closing)
        free(m);
}

static void bs_http_conn_closed(uv_handle_t *h)
{
    struct bs_http_conn *c = h->data;
    if (--c->open > 0)
        return;
    struct bs_metrics_http *m = c->m;
    if (c->prev)
        c->prev->next = c->next;
    else
        m->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    m->nconns--;
    free(c->resp);
    free(c);
    bs_http_unref(m);
}

static void bs_http_conn_close(struct bs_http_conn *c)
{
    if (!uv_is_closing((uv_handle_t *)&c->tcp))
        uv_close((uv_handle_t *)&c->tcp, bs_http_conn_closed);
    if (!uv_is_closing((uv_handle_t *)&c->timer))
        uv_close((uv_handle_t *)&c->timer, bs_http_conn_closed);
}

/* After the answer the connection lingers, reading and dropping what the
 * client still sends, until it closes or the idle timer fires: closing
 * with unread bytes would reset the connection and could destroy the
 * answer before the client reads it. */
static void bs_http_shut(uv_shutdown_t *r, int status)
{
    if (status < 0)
        bs_http_conn_close(r->data);
}

static void bs_http_written(uv_write_t *r, int status)
{
    struct bs_http_conn *c = r->data;
    c->sd.data = c;
    if (status < 0 || uv_shutdown(&c->sd, (uv_stream_t *)&c->tcp,
                                  bs_http_shut) < 0)
        bs_http_conn_close(c);
}

static void bs_http_idle(uv_timer_t *t);

static void bs_http_respond(struct bs_http_conn *c, int code,
                            const char *reason, const char *type,
                            const char *body, size_t len, bool head_only,
                            const char *extra)
{
    size_t cap = len + 512;
    c->resp = malloc(cap);
    if (!c->resp)
        abort();
    int n = snprintf(c->resp, cap,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
                     "Content-Length: %zu\r\n%sConnection: close\r\n\r\n",
                     code, reason, type, len, extra ? extra : "");
    size_t total = (size_t)n;
    if (!head_only) {
        memcpy(c->resp + total, body, len);
        total += len;
    }
    c->answered = true;
    /* the same limit for the client to take the answer */
    uv_timer_start(&c->timer, bs_http_idle, BS_HTTP_IDLE_MS, 0);
    c->wr.data = c;
    uv_buf_t b = uv_buf_init(c->resp, (unsigned)total);
    if (uv_write(&c->wr, (uv_stream_t *)&c->tcp, &b, 1, bs_http_written) < 0)
        bs_http_conn_close(c);
}

static void bs_http_text(struct bs_http_conn *c, int code,
                         const char *reason, const char *text,
                         bool head_only, const char *extra)
{
    bs_http_respond(c, code, reason, "text/plain; charset=utf-8", text,
                    strlen(text), head_only, extra);
}

/* The request head is complete: "GET /metrics HTTP/1.1\r\n..." */
static void bs_http_handle(struct bs_http_conn *c)
{
    char *sp1 = memchr(c->req, ' ', c->len);
    char *sp2 = sp1 ? memchr(sp1 + 1, ' ', c->len - (size_t)(sp1 + 1 - c->req))
                    : NULL;
    if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0) {
        bs_http_text(c, 400, "Bad Request", "bad request\n", false, NULL);
        return;
    }
    size_t mlen = (size_t)(sp1 - c->req);
    bool get = mlen == 3 && !memcmp(c->req, "GET", 3);
    bool head = mlen == 4 && !memcmp(c->req, "HEAD", 4);
    if (!get && !head) {
        bs_http_text(c, 405, "Method Not Allowed", "use GET\n", false,
                     "Allow: GET, HEAD\r\n");
        return;
    }
    size_t plen = strcspn(sp1 + 1, "? ");
    if (plen == 8 && !memcmp(sp1 + 1, "/metrics", 8)) {
        char *out = NULL;
        size_t len = 0;
        c->m->render(c->m->ctx, &out, &len);
        bs_http_respond(c, 200, "OK", "text/plain; version=0.0.4; "
                        "charset=utf-8", out ? out : "", len, head, NULL);
        free(out);
    } else if (plen == 1) {
        bs_http_text(c, 200, "OK", "bouncestat watch: metrics at /metrics\n",
                     head, NULL);
    } else {
        bs_http_text(c, 404, "Not Found", "not found: try /metrics\n", head,
                     NULL);
    }
}

static void bs_http_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
    struct bs_http_conn *c = h->data;
    (void)hint;
    if (c->answered) /* lingering: the bytes are dropped */
        *b = uv_buf_init(c->req, BS_HTTP_HEAD_MAX);
    else
        *b = uv_buf_init(c->req + c->len,
                         (unsigned)(BS_HTTP_HEAD_MAX - c->len));
}

static void bs_http_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct bs_http_conn *c = s->data;
    (void)b;
    if (c->answered) {
        if (n < 0)
            bs_http_conn_close(c);
        return;
    }
    if (n < 0) {
        bs_http_conn_close(c);
        return;
    }
    c->len += (size_t)n;
    c->req[c->len] = '\0';
    if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n"))
        bs_http_handle(c);
    else if (c->len == BS_HTTP_HEAD_MAX)
        bs_http_text(c, 431, "Request Header Fields Too Large",
                     "request head over 4 KiB\n", false, NULL);
}

static void bs_http_idle(uv_timer_t *t)
{
    bs_http_conn_close(t->data);
}

static void bs_http_accept(uv_stream_t *server, int status)
{
    struct bs_metrics_http *m = server->data;
    if (status < 0 || m->closing)
        return;
    struct bs_http_conn *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->m = m;
    c->open = 2;
    uv_tcp_init(m->loop, &c->tcp);
    uv_timer_init(m->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->next = m->conns;
    if (m->conns)
        m->conns->prev = c;
    m->conns = c;
    m->nconns++;
    m->refs++;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0 ||
        m->nconns > BS_HTTP_CONNS ||
        uv_read_start((uv_stream_t *)&c->tcp, bs_http_alloc,
                      bs_http_read) < 0) {
        bs_http_conn_close(c);
        return;
    }
    uv_timer_start(&c->timer, bs_http_idle, BS_HTTP_IDLE_MS, 0);
}

/* "host:port" or "[v6]:port" into a socket address. */
static int bs_http_resolve(uv_loop_t *loop, const char *addr,
                           struct sockaddr_storage *ss, char *err,
                           size_t errlen)
{
    const char *colon = strrchr(addr, ':');
    if (!colon || !colon[1] || strspn(colon + 1, "0123456789") !=
                                   strlen(colon + 1)) {
        snprintf(err, errlen, "--listen %s: expected ADDRESS:PORT", addr);
        return -1;
    }
    char host[256];
    size_t n = (size_t)(colon - addr);
    if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']')
        addr++, n -= 2;
    if (n >= sizeof host) {
        snprintf(err, errlen, "--listen: address too long");
        return -1;
    }
    memcpy(host, addr, n);
    host[n] = '\0';
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    uv_getaddrinfo_t req;
    int rc = uv_getaddrinfo(loop, &req, NULL, n ? host : NULL, colon + 1,
                            &hints);
    if (rc < 0) {
        snprintf(err, errlen, "--listen %s: %s", addr, uv_strerror(rc));
        return -1;
    }
    memcpy(ss, req.addrinfo->ai_addr, req.addrinfo->ai_addrlen);
    uv_freeaddrinfo(req.addrinfo);
    return 0;
}

static void bs_http_listener_closed(uv_handle_t *h)
{
    bs_http_unref(h->data);
}

struct bs_metrics_http *bs_metrics_http_new(uv_loop_t *loop,
                                            const char *addr,
                                            bs_metrics_render_fn *render,
                                            void *ctx, char *err,
                                            size_t errlen)
{
    struct sockaddr_storage ss;
    if (bs_http_resolve(loop, addr, &ss, err, errlen) < 0)
        return NULL;
    struct bs_metrics_http *m = calloc(1, sizeof *m);
    if (!m)
        abort();
    m->loop = loop;
    m->render = render;
    m->ctx = ctx;
    m->refs = 1;
    uv_tcp_init(loop, &m->listener);
    m->listener.data = m;
    int rc = uv_tcp_bind(&m->listener, (struct sockaddr *)&ss, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&m->listener, 64, bs_http_accept);
    if (rc < 0) {
        snprintf(err, errlen, "--listen %s: %s", addr, uv_strerror(rc));
        m->closing = true;
        uv_close((uv_handle_t *)&m->listener, bs_http_listener_closed);
        return NULL; /* freed when the loop closes the listener */
    }
    struct sockaddr_storage got;
    int len = sizeof got;
    char ip[64] = "?";
    int port = 0;
    if (uv_tcp_getsockname(&m->listener, (struct sockaddr *)&got, &len) == 0) {
        if (got.ss_family == AF_INET6) {
            struct sockaddr_in6 *a = (struct sockaddr_in6 *)&got;
            char name[48] = "?";
            uv_ip6_name(a, name, sizeof name);
            snprintf(ip, sizeof ip, "[%s]", name);
            port = ntohs(a->sin6_port);
        } else {
            struct sockaddr_in *a = (struct sockaddr_in *)&got;
            uv_ip4_name(a, ip, sizeof ip);
            port = ntohs(a->sin_port);
        }
    }
    snprintf(m->address, sizeof m->address, "%s:%d", ip, port);
    return m;
}

const char *bs_metrics_http_address(const struct bs_metrics_http *m)
{
    return m->address;
}

void bs_metrics_http_close(struct bs_metrics_http *m)
{
    if (!m)
        return;
    m->closing = true;
    for (struct bs_http_conn *c = m->conns; c; c = c->next)
        bs_http_conn_close(c);
    uv_close((uv_handle_t *)&m->listener, bs_http_listener_closed);
}
