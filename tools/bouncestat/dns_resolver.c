/*
 * dns_resolver.c - c-ares driven from the libuv loop, behind a cache
 * (dns_resolver.h)
 *
 * Why c-ares: it is Debian's asynchronous stub resolver, it hands its
 * sockets and timeouts to the caller's event loop (ARES_OPT_SOCK_STATE_CB
 * + ares_process_fd + ares_timeout), which is how libuv wants them, and
 * it parses A, AAAA, MX, PTR and TXT answers. The alternatives block
 * (res_query, getaddrinfo on a thread pool gives no TXT or MX) or bring a
 * loop of their own (libunbound, ldns with its own I/O).
 *
 * The cache is an open-addressing table of entries keyed by type and
 * lower-cased name; an entry is pending until its query's callback fills
 * the answer. Entries are allocated one by one so the callback's pointer
 * stays valid while the table grows.
 */
#include "dns_resolver.h"

#include "common.h"

#include <sys/select.h>
#include <sys/time.h>

#include <ares.h>
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bs_dns_entry {
    struct bs_resolver *r;
    int type;
    char *name;
    bool done;
    struct bs_dns_answer answer;
    char **rr;
};

struct bs_dns_poll {
    ares_socket_t fd;
    uv_poll_t *handle;
};

struct bs_resolver {
    uv_loop_t *loop;
    ares_channel channel;
    uv_timer_t timer;
    struct bs_dns_poll polls[16];
    size_t npolls;
    struct bs_dns_entry **table; /* open addressing, power of two */
    size_t cap, count;
    unsigned inflight, max_queries;
    struct bs_resolver_stats stats;
};

static void bs_resolver_arm_timer(struct bs_resolver *r);

static void bs_poll_closed(uv_handle_t *h)
{
    free(h);
}

static void bs_poll_cb(uv_poll_t *h, int status, int events)
{
    struct bs_resolver *r = h->data;
    ares_socket_t fd = ARES_SOCKET_BAD;
    for (size_t i = 0; i < r->npolls; i++)
        if (r->polls[i].handle == h)
            fd = r->polls[i].fd;
    bool all = status < 0;
    ares_process_fd(r->channel,
                    all || (events & UV_READABLE) ? fd : ARES_SOCKET_BAD,
                    all || (events & UV_WRITABLE) ? fd : ARES_SOCKET_BAD);
    bs_resolver_arm_timer(r);
}

/* c-ares opens, changes or closes a socket. */
static void bs_sock_state_cb(void *data, ares_socket_t fd, int readable,
                             int writable)
{
    struct bs_resolver *r = data;
    size_t i = 0;
    while (i < r->npolls && r->polls[i].fd != fd)
        i++;
    if (!readable && !writable) {
        if (i == r->npolls)
            return;
        uv_poll_stop(r->polls[i].handle);
        uv_close((uv_handle_t *)r->polls[i].handle, bs_poll_closed);
        r->polls[i] = r->polls[--r->npolls];
        return;
    }
    if (i == r->npolls) {
        if (r->npolls == BS_ARRAY_LEN(r->polls))
            return; /* c-ares uses a few sockets per server */
        uv_poll_t *h = bs_xcalloc(1, sizeof *h);
        if (uv_poll_init_socket(r->loop, h, fd) != 0) {
            free(h);
            return;
        }
        h->data = r;
        r->polls[r->npolls++] = (struct bs_dns_poll){ fd, h };
    }
    uv_poll_start(r->polls[i].handle,
                  (readable ? UV_READABLE : 0) | (writable ? UV_WRITABLE : 0),
                  bs_poll_cb);
}

static void bs_timer_cb(uv_timer_t *t)
{
    struct bs_resolver *r = t->data;
    ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    bs_resolver_arm_timer(r);
}

static void bs_resolver_arm_timer(struct bs_resolver *r)
{
    struct timeval tv;
    if (!r->inflight || !ares_timeout(r->channel, NULL, &tv)) {
        uv_timer_stop(&r->timer);
        return;
    }
    uint64_t ms = (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
    uv_timer_start(&r->timer, bs_timer_cb, ms ? ms : 1, 0);
}

/* "2001:db8::1" alone needs brackets and a port for c-ares's
 * "ADDR:PORT" list (c-ares 1.18 refuses "[2001:db8::1]"). */
static void bs_server_csv(const char *server, char *out, size_t cap)
{
    const char *c1 = strchr(server, ':');
    bool bare_v6 = c1 && strchr(c1 + 1, ':') && server[0] != '[';
    snprintf(out, cap, bare_v6 ? "[%s]:53" : "%s", server);
}

struct bs_resolver *bs_resolver_new(uv_loop_t *loop,
                                    const struct bs_resolver_options *o,
                                    char *err, size_t errlen)
{
    int rc = ares_library_init(ARES_LIB_INIT_ALL);
    if (rc != ARES_SUCCESS) {
        snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
        return NULL;
    }
    struct bs_resolver *r = bs_xcalloc(1, sizeof *r);
    r->loop = loop;
    r->max_queries = o->max_queries ? o->max_queries : 1000;
    r->cap = 256;
    r->table = bs_xcalloc(r->cap, sizeof *r->table);
    struct ares_options ao;
    memset(&ao, 0, sizeof ao);
    ao.sock_state_cb = bs_sock_state_cb;
    ao.sock_state_cb_data = r;
    ao.timeout = (int)(o->timeout_ms ? o->timeout_ms : 5000);
    ao.tries = 2;
    ao.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_EDNS;
    ao.ednspsz = 1232;
    int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
               ARES_OPT_FLAGS | ARES_OPT_EDNSPSZ;
    rc = ares_init_options(&r->channel, &ao, mask);
    if (rc != ARES_SUCCESS) {
        snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
        goto fail_channel;
    }
    if (o->server) {
        char csv[300];
        bs_server_csv(o->server, csv, sizeof csv);
        rc = ares_set_servers_ports_csv(r->channel, csv);
        if (rc != ARES_SUCCESS) {
            snprintf(err, errlen, "--resolver %s: not IP[:PORT] (%s)",
                     o->server, ares_strerror(rc));
            goto fail_servers;
        }
    }
    uv_timer_init(loop, &r->timer);
    r->timer.data = r;
    return r;

fail_servers:
    ares_destroy(r->channel);
fail_channel:
    free(r->table);
    free(r);
    ares_library_cleanup();
    return NULL;
}

static void bs_entry_free(struct bs_dns_entry *e)
{
    for (size_t i = 0; i < e->answer.n; i++)
        free(e->rr[i]);
    free(e->rr);
    free(e->name);
    free(e);
}

static void bs_timer_closed(uv_handle_t *h)
{
    (void)h;
}

void bs_resolver_free(struct bs_resolver *r)
{
    if (!r)
        return;
    ares_destroy(r->channel); /* callbacks run with ARES_EDESTRUCTION */
    for (size_t i = 0; i < r->npolls; i++) {
        uv_poll_stop(r->polls[i].handle);
        uv_close((uv_handle_t *)r->polls[i].handle, bs_poll_closed);
    }
    uv_close((uv_handle_t *)&r->timer, bs_timer_closed);
    uv_run(r->loop, UV_RUN_DEFAULT);
    for (size_t i = 0; i < r->cap; i++)
        if (r->table[i])
            bs_entry_free(r->table[i]);
    free(r->table);
    free(r);
    ares_library_cleanup();
}

/* ---- answers ---- */

static void bs_entry_add(struct bs_dns_entry *e, const char *s, size_t n)
{
    e->rr = bs_xreallocarray(e->rr, e->answer.n + 1, sizeof *e->rr);
    while (n && s[n - 1] == '.')
        n--;
    e->rr[e->answer.n++] = bs_xstrndup(s, n);
}

static int bs_parse_addrs(struct bs_dns_entry *e, const unsigned char *abuf,
                          int alen)
{
    char text[64];
    if (e->type == BS_DNS_A) {
        struct ares_addrttl a[64];
        int n = 64;
        int rc = ares_parse_a_reply(abuf, alen, NULL, a, &n);
        for (int i = 0; rc == ARES_SUCCESS && i < n; i++)
            if (inet_ntop(AF_INET, &a[i].ipaddr, text, sizeof text))
                bs_entry_add(e, text, strlen(text));
        return rc;
    }
    struct ares_addr6ttl a[64];
    int n = 64;
    int rc = ares_parse_aaaa_reply(abuf, alen, NULL, a, &n);
    for (int i = 0; rc == ARES_SUCCESS && i < n; i++)
        if (inet_ntop(AF_INET6, &a[i].ip6addr, text, sizeof text))
            bs_entry_add(e, text, strlen(text));
    return rc;
}

static int bs_parse_records(struct bs_dns_entry *e, const unsigned char *abuf,
                            int alen)
{
    int rc;
    switch (e->type) {
    case BS_DNS_A:
    case BS_DNS_AAAA:
        return bs_parse_addrs(e, abuf, alen);
    case BS_DNS_MX: {
        struct ares_mx_reply *mx = NULL;
        rc = ares_parse_mx_reply(abuf, alen, &mx);
        for (struct ares_mx_reply *m = mx; rc == ARES_SUCCESS && m;
             m = m->next)
            bs_entry_add(e, m->host, strlen(m->host));
        ares_free_data(mx);
        return rc;
    }
    case BS_DNS_PTR: {
        struct hostent *h = NULL;
        unsigned char dummy[16] = { 0 };
        rc = ares_parse_ptr_reply(abuf, alen, dummy, 4, AF_INET, &h);
        if (rc == ARES_SUCCESS && h) {
            bs_entry_add(e, h->h_name, strlen(h->h_name));
            for (char **a = h->h_aliases; a && *a; a++)
                if (strcmp(*a, h->h_name))
                    bs_entry_add(e, *a, strlen(*a));
        }
        if (h)
            ares_free_hostent(h);
        return rc;
    }
    case BS_DNS_TXT: {
        struct ares_txt_ext *txt = NULL;
        rc = ares_parse_txt_reply_ext(abuf, alen, &txt);
        struct bs_buf_local { char *p; size_t n; } cur = { NULL, 0 };
        for (struct ares_txt_ext *t = txt; rc == ARES_SUCCESS; t = t->next) {
            if ((!t || t->record_start) && cur.p) {
                e->rr = bs_xreallocarray(e->rr, e->answer.n + 1,
                                         sizeof *e->rr);
                e->rr[e->answer.n++] = cur.p;
                cur.p = NULL, cur.n = 0;
            }
            if (!t)
                break;
            cur.p = bs_xrealloc(cur.p, cur.n + t->length + 1);
            memcpy(cur.p + cur.n, t->txt, t->length);
            cur.n += t->length;
            cur.p[cur.n] = '\0';
        }
        free(cur.p);
        ares_free_data(txt);
        return rc;
    }
    default:
        return ARES_ENOTIMP;
    }
}

static void bs_query_cb(void *arg, int status, int timeouts,
                        unsigned char *abuf, int alen)
{
    (void)timeouts;
    struct bs_dns_entry *e = arg;
    struct bs_resolver *r = e->r;
    if (status == ARES_SUCCESS) {
        status = bs_parse_records(e, abuf, alen);
        if (status == ARES_EBADRESP) {
            e->answer.status = BS_DNS_TEMPFAIL;
            e->answer.error = "bad response";
        }
    }
    switch (status) {
    case ARES_SUCCESS:
    case ARES_ENODATA:
        e->answer.status = BS_DNS_OK;
        break;
    case ARES_ENOTFOUND:
        e->answer.status = BS_DNS_NXDOMAIN;
        break;
    default:
        e->answer.status = BS_DNS_TEMPFAIL;
        e->answer.error = status == ARES_ETIMEOUT    ? "timeout"
                          : status == ARES_ESERVFAIL ? "SERVFAIL"
                          : status == ARES_EREFUSED  ? "REFUSED"
                          : status == ARES_ECONNREFUSED
                              ? "connection refused"
                              : ares_strerror(status);
        r->stats.failed++;
        break;
    }
    e->answer.rr = (const char *const *)e->rr;
    e->done = true;
    r->inflight--;
}

/* ---- the cache ---- */

static uint64_t bs_entry_hash(int type, const char *name)
{
    return bs_hash_lower(name, strlen(name)) * 31 + (uint64_t)type;
}

static bool bs_entry_is(const struct bs_dns_entry *e, int type,
                        const char *name)
{
    if (e->type != type || strlen(e->name) != strlen(name))
        return false;
    for (size_t i = 0; name[i]; i++)
        if (bs_ascii_lower(name[i]) != e->name[i])
            return false;
    return true;
}

static void bs_table_grow(struct bs_resolver *r)
{
    size_t cap = r->cap * 2;
    struct bs_dns_entry **t = bs_xcalloc(cap, sizeof *t);
    for (size_t i = 0; i < r->cap; i++) {
        struct bs_dns_entry *e = r->table[i];
        if (!e)
            continue;
        size_t k = bs_entry_hash(e->type, e->name) & (cap - 1);
        while (t[k])
            k = (k + 1) & (cap - 1);
        t[k] = e;
    }
    free(r->table);
    r->table = t;
    r->cap = cap;
}

const struct bs_dns_answer *bs_resolver_lookup(void *ctx,
                                               enum bs_dns_type type,
                                               const char *name)
{
    struct bs_resolver *r = ctx;
    size_t k = bs_entry_hash((int)type, name) & (r->cap - 1);
    while (r->table[k] && !bs_entry_is(r->table[k], (int)type, name))
        k = (k + 1) & (r->cap - 1);
    struct bs_dns_entry *e = r->table[k];
    if (e)
        return e->done ? &e->answer : NULL;
    e = bs_xcalloc(1, sizeof *e);
    e->r = r;
    e->type = (int)type;
    e->name = bs_xstrndup(name, strlen(name));
    for (char *c = e->name; *c; c++)
        *c = bs_ascii_lower(*c);
    r->table[k] = e;
    if (++r->count * 2 > r->cap)
        bs_table_grow(r);
    if (r->stats.queries >= r->max_queries) {
        r->stats.limited++;
        e->answer.status = BS_DNS_TEMPFAIL;
        e->answer.error = "query limit reached (--max-queries)";
        e->done = true;
        return &e->answer;
    }
    r->stats.queries++;
    r->inflight++;
    ares_query(r->channel, e->name, 1 /* IN */, (int)type, bs_query_cb, e);
    bs_resolver_arm_timer(r);
    return e->done ? &e->answer : NULL;
}

void bs_resolver_wait(struct bs_resolver *r)
{
    bs_resolver_arm_timer(r);
    while (r->inflight > 0)
        uv_run(r->loop, UV_RUN_ONCE);
    uv_timer_stop(&r->timer);
}

void bs_resolver_stats(const struct bs_resolver *r,
                       struct bs_resolver_stats *out)
{
    *out = r->stats;
}
