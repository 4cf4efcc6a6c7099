/*
 * metrics_http.h - the Prometheus endpoint (`watch --listen ADDR:PORT`)
 *
 * A tiny HTTP/1.1 server on the libuv loop: GET or HEAD /metrics answers
 * the text exposition format from render(); "/" names the endpoint;
 * other paths are 404 and other methods 405. One request per connection
 * (Connection: close). Bounded: a request head of at most 4 KiB (else
 * 431), at most BS_HTTP_CONNS connections at once (more are closed at
 * once), 10 s for a client to send its request.
 *
 * The server answers whenever the loop runs, so the caller keeps the
 * loop turning while it reads input (cmd_watch.c does between chunks).
 */
#ifndef BS_METRICS_HTTP_H
#define BS_METRICS_HTTP_H

#include <stddef.h>
#include <uv.h>

#define BS_HTTP_CONNS 16

/* Renders the metrics into a heap buffer the server frees. */
typedef void bs_metrics_render_fn(void *ctx, char **out, size_t *len);

struct bs_metrics_http;

/* Listens on addr: "127.0.0.1:9154", "[::1]:9154", "localhost:9154", or
 * port 0 for any free port. NULL with a message in err. */
struct bs_metrics_http *bs_metrics_http_new(uv_loop_t *loop,
                                            const char *addr,
                                            bs_metrics_render_fn *render,
                                            void *ctx, char *err,
                                            size_t errlen);
/* "127.0.0.1:40123": where it listens, with the port it got. */
const char *bs_metrics_http_address(const struct bs_metrics_http *m);
/* Closes the listener and every connection; frees m once they are
 * closed (run the loop afterwards). */
void bs_metrics_http_close(struct bs_metrics_http *m);

#endif
