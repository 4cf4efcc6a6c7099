/*
 * checkpoint.c - bs_engine_checkpoint / bs_engine_resume: a saved
 * aggregate with the "resume" member (bouncestat.h, doc/json.md)
 *
 *     "resume": {"format": "bouncestat-state", "version": 1,
 *                "year": [2026, 12],
 *                "inputs": [{"path": "/var/log/maillog", "rotated": false,
 *                            "dev": 2049, "ino": 1234, "offset": 56789,
 *                            "in_long_line": false, "head": "4e6f7620..."}]}
 *
 * "year" is the year and month of the last BSD stamp under --year (0, 0
 * when none); "head" the file's first bytes in hex. The rest of the file
 * is an ordinary saved aggregate, loaded by aggload.c, so a state file can
 * also be given to `report --from-aggregate` and `merge`.
 */
#include "aggfile.h"
#include "jsonr.h"

#include "engine_impl.h"

#include <stdio.h>
#include <stdlib.h>

#define BS_STATE_FORMAT "bouncestat-state"
#define BS_STATE_VERSION 1
#define BS_STATE_MAX_INPUTS 4096

static void bs_cp_mark(struct bs_buf *b, const struct bs_input_mark *m)
{
    static const char hex[] = "0123456789abcdef";
    bs_buf_puts(b, "{\"path\":");
    bs_aggfile_str(b, m->path, strlen(m->path));
    bs_buf_printf(b, ",\"rotated\":%s,\"dev\":%llu,\"ino\":%llu,"
                     "\"offset\":%llu,\"in_long_line\":%s,\"head\":\"",
                  m->rotated ? "true" : "false", (unsigned long long)m->dev,
                  (unsigned long long)m->ino, (unsigned long long)m->offset,
                  m->in_long_line ? "true" : "false");
    size_t n = BS_MIN(m->head_len, (size_t)BS_MARK_HEAD_MAX);
    for (size_t i = 0; i < n; i++) {
        bs_buf_putc(b, hex[m->head[i] >> 4]);
        bs_buf_putc(b, hex[m->head[i] & 15]);
    }
    bs_buf_puts(b, "\"}");
}

void bs_engine_checkpoint(struct bs_engine *e,
                          const struct bs_input_mark *marks, size_t nmarks,
                          char **out, size_t *outlen)
{
    struct bs_buf extra, b;
    bs_buf_init(&extra);
    bs_buf_printf(&extra, ",\n\"resume\":{\"format\":\"%s\",\"version\":%d,"
                          "\"year\":[%d,%d],\"inputs\":[",
                  BS_STATE_FORMAT, BS_STATE_VERSION,
                  e->opts.year ? e->year.cur_year : 0,
                  e->opts.year ? e->year.last_month : 0);
    for (size_t i = 0; i < nmarks; i++) {
        bs_buf_puts(&extra, i ? ",\n" : "\n");
        bs_cp_mark(&extra, &marks[i]);
    }
    bs_buf_puts(&extra, "]}");
    bs_buf_init(&b);
    bs_aggfile_save(e, &extra, &b);
    bs_buf_fini(&extra);
    *out = b.data;
    *outlen = b.len;
}

/* ---- reading ---------------------------------------------------------- */

struct bs_cp_reader {
    struct bs_jsonr *r;
    bool seen;
    int year, month;
    struct bs_input_mark *marks;
    size_t n, cap;
};

static int bs_cp_fail(struct bs_jsonr *r, const char *msg)
{
    bs_jsonr_fail(r, r->tok_off, msg);
    return -1;
}

static bool bs_cp_key(const struct bs_jsonr *r, const char *name)
{
    return r->str.len == strlen(name) &&
           memcmp(r->str.data, name, r->str.len) == 0;
}

static int bs_cp_u64(struct bs_jsonr *r, uint64_t *v)
{
    if (bs_jsonr_next(r) != BS_JT_NUMBER || bs_jsonr_uint64(r, v) < 0)
        return r->failed ? -1 : bs_cp_fail(r, "expected a whole number");
    return 0;
}

static int bs_cp_bool(struct bs_jsonr *r, int *v)
{
    enum bs_jtok t = bs_jsonr_next(r);
    if (t != BS_JT_TRUE && t != BS_JT_FALSE)
        return r->failed ? -1 : bs_cp_fail(r, "expected true or false");
    *v = t == BS_JT_TRUE;
    return 0;
}

static int bs_cp_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int bs_cp_head(struct bs_jsonr *r, struct bs_input_mark *m)
{
    if (bs_jsonr_next(r) != BS_JT_STRING)
        return r->failed ? -1 : bs_cp_fail(r, "expected a hex string");
    const char *p = r->str.data;
    size_t n = r->str.len;
    if (n % 2 || n / 2 > BS_MARK_HEAD_MAX)
        return bs_cp_fail(r, "\"head\" must be at most 1024 bytes in hex");
    for (size_t i = 0; i < n / 2; i++) {
        int hi = bs_cp_hexval(p[2 * i]), lo = bs_cp_hexval(p[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return bs_cp_fail(r, "\"head\": not lower-case hex");
        m->head[i] = (unsigned char)(hi << 4 | lo);
    }
    m->head_len = n / 2;
    return 0;
}

static int bs_cp_path(struct bs_jsonr *r, struct bs_input_mark *m)
{
    if (bs_jsonr_next(r) != BS_JT_STRING)
        return r->failed ? -1 : bs_cp_fail(r, "expected a path");
    if (r->str.len == 0 || memchr(r->str.data, '\0', r->str.len))
        return bs_cp_fail(r, "\"path\": empty or with a NUL byte");
    free((char *)m->path);
    char *p = bs_xmalloc(r->str.len + 1);
    memcpy(p, r->str.data, r->str.len);
    p[r->str.len] = '\0';
    m->path = p;
    return 0;
}

/* One {"path": ..., ...} object, after its '{'. */
static int bs_cp_input(struct bs_jsonr *r, struct bs_input_mark *m)
{
    for (;;) {
        enum bs_jtok t = bs_jsonr_next(r);
        if (t == BS_JT_OBJECT_END)
            break;
        if (t != BS_JT_KEY)
            return r->failed ? -1 : bs_cp_fail(r, "expected a member");
        int rc;
        if (bs_cp_key(r, "path"))
            rc = bs_cp_path(r, m);
        else if (bs_cp_key(r, "rotated"))
            rc = bs_cp_bool(r, &m->rotated);
        else if (bs_cp_key(r, "dev"))
            rc = bs_cp_u64(r, &m->dev);
        else if (bs_cp_key(r, "ino"))
            rc = bs_cp_u64(r, &m->ino);
        else if (bs_cp_key(r, "offset"))
            rc = bs_cp_u64(r, &m->offset);
        else if (bs_cp_key(r, "in_long_line"))
            rc = bs_cp_bool(r, &m->in_long_line);
        else if (bs_cp_key(r, "head"))
            rc = bs_cp_head(r, m);
        else
            rc = bs_jsonr_skip(r, bs_jsonr_next(r));
        if (rc < 0)
            return -1;
    }
    if (!m->path)
        return bs_cp_fail(r, "an input without \"path\"");
    if (m->head_len > m->offset)
        return bs_cp_fail(r, "\"head\" longer than \"offset\"");
    return 0;
}

static int bs_cp_inputs(struct bs_cp_reader *c)
{
    struct bs_jsonr *r = c->r;
    if (bs_jsonr_next(r) != BS_JT_ARRAY)
        return r->failed ? -1 : bs_cp_fail(r, "\"inputs\" must be an array");
    for (;;) {
        enum bs_jtok t = bs_jsonr_next(r);
        if (t == BS_JT_ARRAY_END)
            return 0;
        if (t != BS_JT_OBJECT)
            return r->failed ? -1 : bs_cp_fail(r, "expected an input object");
        if (c->n == BS_STATE_MAX_INPUTS)
            return bs_cp_fail(r, "more than 4096 inputs");
        if (c->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 8;
            c->marks = bs_xreallocarray(c->marks, c->cap, sizeof *c->marks);
        }
        struct bs_input_mark *m = &c->marks[c->n++];
        memset(m, 0, sizeof *m);
        if (bs_cp_input(r, m) < 0)
            return -1;
    }
}

static int bs_cp_year(struct bs_cp_reader *c)
{
    struct bs_jsonr *r = c->r;
    uint64_t y, mo;
    if (bs_jsonr_next(r) != BS_JT_ARRAY)
        return r->failed ? -1 : bs_cp_fail(r, "\"year\" must be [year, month]");
    if (bs_cp_u64(r, &y) < 0 || bs_cp_u64(r, &mo) < 0)
        return -1;
    if (y > 9999 || mo > 12)
        return bs_cp_fail(r, "\"year\": out of range");
    if (bs_jsonr_next(r) != BS_JT_ARRAY_END)
        return r->failed ? -1 : bs_cp_fail(r, "\"year\" must be [year, month]");
    c->year = (int)y;
    c->month = (int)mo;
    return 0;
}

/* Format and version first, as in the aggregate itself. */
static int bs_cp_header(struct bs_jsonr *r)
{
    uint64_t v;
    if (bs_jsonr_next(r) != BS_JT_KEY || !bs_cp_key(r, "format") ||
        bs_jsonr_next(r) != BS_JT_STRING || !bs_cp_key(r, BS_STATE_FORMAT))
        return r->failed ? -1
                         : bs_cp_fail(r, "\"resume\" must start with "
                                         "\"format\":\"" BS_STATE_FORMAT "\"");
    if (bs_jsonr_next(r) != BS_JT_KEY || !bs_cp_key(r, "version"))
        return r->failed ? -1
                         : bs_cp_fail(r, "\"version\" must follow \"format\"");
    if (bs_cp_u64(r, &v) < 0)
        return -1;
    if (v != BS_STATE_VERSION) {
        char msg[96];
        snprintf(msg, sizeof msg, "state version %llu; this bouncestat "
                 "(%s) reads version %d", (unsigned long long)v,
                 bs_version(), BS_STATE_VERSION);
        return bs_cp_fail(r, msg);
    }
    return 0;
}

static int bs_cp_member(void *ctx, struct bs_jsonr *r)
{
    struct bs_cp_reader *c = ctx;
    c->r = r;
    if (c->seen)
        return bs_cp_fail(r, "a second \"resume\" member");
    c->seen = true;
    if (bs_jsonr_next(r) != BS_JT_OBJECT)
        return r->failed ? -1 : bs_cp_fail(r, "\"resume\" must be an object");
    if (bs_cp_header(r) < 0)
        return -1;
    for (;;) {
        enum bs_jtok t = bs_jsonr_next(r);
        if (t == BS_JT_OBJECT_END)
            return 0;
        if (t != BS_JT_KEY)
            return r->failed ? -1 : bs_cp_fail(r, "expected a member");
        int rc = bs_cp_key(r, "inputs") ? bs_cp_inputs(c)
                 : bs_cp_key(r, "year") ? bs_cp_year(c)
                 : bs_jsonr_skip(r, bs_jsonr_next(r));
        if (rc < 0)
            return -1;
    }
}

void bs_input_marks_free(struct bs_input_mark *marks, size_t nmarks)
{
    for (size_t i = 0; marks && i < nmarks; i++)
        free((char *)marks[i].path);
    free(marks);
}

int bs_engine_resume(struct bs_engine *e, const char *text, size_t len,
                     const char *name, struct bs_input_mark **marks,
                     size_t *nmarks, char *err, size_t errlen)
{
    struct bs_cp_reader c;
    memset(&c, 0, sizeof c);
    struct bs_aggfile_member m = {
        "resume", bs_cp_member, &c,
        "a saved aggregate (--save), not a state file (--state): it has "
        "no \"resume\" member" };
    *marks = NULL;
    *nmarks = 0;
    if (e->stats.read || e->stats.bytes) {
        snprintf(err, errlen, "%s: a checkpoint is loaded before any input",
                 name);
        return -1;
    }
    int rc = bs_aggfile_load(e, text, len, name, &m, err, errlen);
    if (rc < 0) {
        bs_input_marks_free(c.marks, c.n);
        return -1;
    }
    if (e->opts.year && c.year) {
        e->year.cur_year = c.year;
        e->year.last_month = c.month;
    }
    *marks = c.marks;
    *nmarks = c.n;
    return rc;
}
