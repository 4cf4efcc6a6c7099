/*
 * webhook.h - POST each alert's JSON to a URL (`watch --alert-webhook`)
 *
 * A small HTTP/1.1 client on libuv: http:// only, the host an IP address
 * or a name resolved with uv_getaddrinfo, one request per connection
 * (Connection: close). Alerts are delivered one at a time in order. An
 * attempt succeeds on a 2xx status line; anything else (no connection,
 * an error status, no answer within the timeout) is retried after 1 s,
 * 2 s, 4 s ... (at most 60 s) up to retries more times, then the alert
 * is dropped. Every failed attempt is logged on stderr. The queue holds
 * at most BS_WEBHOOK_QUEUED alerts; past it new alerts are dropped and
 * logged. Nothing here blocks: it all runs on the loop.
 */
#ifndef BS_WEBHOOK_H
#define BS_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define BS_WEBHOOK_QUEUED 256

struct bs_webhook;

/* NULL with a message in err when url is not http://HOST[:PORT][/PATH]. */
struct bs_webhook *bs_webhook_new(uv_loop_t *loop, const char *url,
                                  uint64_t timeout_ms, unsigned retries,
                                  char *err, size_t errlen);
/* Queues one JSON body (copied). */
void bs_webhook_submit(struct bs_webhook *w, const char *json, size_t len);
/* Alerts waiting or being delivered. */
bool bs_webhook_busy(const struct bs_webhook *w);
/* Drops what waits, aborts what runs, and frees w once its handles are
 * closed (run the loop afterwards). */
void bs_webhook_close(struct bs_webhook *w);

#endif
