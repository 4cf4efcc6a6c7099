/*
 * rollup.c - projection and sorting of aggregate cells
 */
#include "rollup.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const bs_key_names[BS_KEY_KINDS] = {
    "provider", "sender_domain", "recipient_domain", "category", "detail",
    "dsn", "day", "hour", "severity", "hour",
};

const char *bs_key_name(enum bs_key_kind k)
{
    return k < BS_KEY_KINDS ? bs_key_names[k] : "?";
}

int bs_keys_parse(const char *by, enum bs_key_kind *keys, size_t *nkeys,
                  struct bs_buf *err)
{
    *nkeys = 0;
    const char *p = by;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        int found = -1; /* the last match: "hour" is BS_KEY_LOCAL_HOUR */
        for (int k = 0; k < BS_KEY_KINDS; k++)
            if (strlen(bs_key_names[k]) == n &&
                memcmp(bs_key_names[k], p, n) == 0)
                found = k;
        if (found < 0) {
            bs_buf_printf(err, "unknown key '%.*s' in --by (keys: provider, "
                          "sender_domain, recipient_domain, category, "
                          "detail, dsn, day, hour, severity)", (int)BS_MIN(n, 64), p);
            return -1;
        }
        for (size_t i = 0; i < *nkeys; i++) {
            if (keys[i] == (enum bs_key_kind)found) {
                bs_buf_printf(err, "key '%s' given twice in --by",
                              bs_key_names[found]);
                return -1;
            }
        }
        keys[(*nkeys)++] = (enum bs_key_kind)found;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* A UTC hour as "YYYY-MM-DD HH:MM" or "YYYY-MM-DD", UTC or local (in the
 * engine's zone: window.h). */
static struct bs_slice bs_time_text(struct bs_engine *e, int32_t hour,
                                    bool with_hour, bool local, char out[64])
{
    int64_t t = (int64_t)hour * 3600;
    size_t n = bs_local_format(local ? bs_local_time(e, t) : t, with_hour,
                               out);
    return bs_slice_make(out, n);
}

struct bs_slice bs_cell_key_text(struct bs_engine *e,
                                 const struct bs_agg_key *k,
                                 enum bs_key_kind kind, char out[64])
{
    const char *s;
    switch (kind) {
    case BS_KEY_PROVIDER:
        s = bs_provider_name(e->providers, k->provider);
        return bs_slice_make(s, strlen(s));
    case BS_KEY_SENDER_DOMAIN:
        return bs_intern_str(e->strings, k->sender);
    case BS_KEY_RECIPIENT_DOMAIN:
        return bs_intern_str(e->strings, k->rcpt_domain);
    case BS_KEY_CATEGORY:
        s = bs_category_name(k->category);
        return bs_slice_make(s, strlen(s));
    case BS_KEY_DETAIL:
        return bs_intern_str(e->strings, k->detail);
    case BS_KEY_DSN:
        bs_dsn_format(k->dsn, out);
        return bs_slice_make(out, strlen(out));
    case BS_KEY_DAY:
        return bs_time_text(e, k->hour, false, true, out);
    case BS_KEY_LOCAL_HOUR:
        return bs_time_text(e, k->hour, true, true, out);
    case BS_KEY_SEVERITY:
        s = k->severity == BS_SEV_HARD   ? "hard"
            : k->severity == BS_SEV_SOFT ? "soft"
                                         : "";
        return bs_slice_make(s, strlen(s));
    case BS_KEY_HOUR:
    case BS_KEY_KINDS:
        break;
    }
    return bs_time_text(e, k->hour, true, false, out);
}

void bs_rollup_build(struct bs_rollup *r, struct bs_engine *e,
                     const enum bs_key_kind *keys, size_t nkeys,
                     bool (*filter)(const struct bs_agg_cell *))
{
    memset(r, 0, sizeof *r);
    r->nkeys = BS_MIN(nkeys, (size_t)BS_ROLLUP_MAX_KEYS);
    memcpy(r->keys, keys, r->nkeys * sizeof *keys);
    r->key_texts = bs_intern_new(UINT32_MAX - 1);
    size_t ncells, cap = 0;
    const struct bs_agg_cell *cells = bs_agg_cells(e->agg, &ncells);
    struct bs_buf key;
    bs_buf_init(&key);
    for (size_t c = 0; c < ncells; c++) {
        if (filter && !filter(&cells[c]))
            continue;
        bs_buf_reset(&key);
        for (size_t i = 0; i < r->nkeys; i++) {
            char tmp[64];
            struct bs_slice f = bs_cell_key_text(e, &cells[c].key,
                                                 r->keys[i], tmp);
            if (i)
                bs_buf_putc(&key, '\0');
            bs_buf_append(&key, f.ptr, f.len);
        }
        uint32_t id = bs_intern(r->key_texts, key.data, key.len);
        if (id > r->nrows) { /* new row: ids are dense from 1 */
            if (r->nrows == cap) {
                cap = cap ? cap * 2 : 64;
                r->rows = bs_xreallocarray(r->rows, cap, sizeof *r->rows);
            }
            r->rows[r->nrows++] = (struct bs_rollup_row){ id, { 0, 0, 0, 0 },
                                                         cells[c].key };
        }
        struct bs_agg_counts *n = &r->rows[id - 1].n;
        n->sent += cells[c].n.sent;
        n->bounced += cells[c].n.bounced;
        n->expired += cells[c].n.expired;
        n->deferred += cells[c].n.deferred;
    }
    bs_buf_fini(&key);
}

void bs_rollup_fini(struct bs_rollup *r)
{
    bs_intern_free(r->key_texts);
    free(r->rows);
    memset(r, 0, sizeof *r);
}

/* qsort has no context argument, so each row to sort carries a pointer to
 * the key table its comparison needs. */
struct bs_row_ref {
    struct bs_rollup_row row;
    const struct bs_intern *keys;
};

static int bs_key_cmp(const struct bs_row_ref *a, const struct bs_row_ref *b)
{
    struct bs_slice x = bs_intern_str(a->keys, a->row.key);
    struct bs_slice y = bs_intern_str(b->keys, b->row.key);
    int c = memcmp(x.ptr, y.ptr, BS_MIN(x.len, y.len));
    if (c)
        return c;
    return (x.len > y.len) - (x.len < y.len);
}

static int bs_cmp_key(const void *pa, const void *pb)
{
    return bs_key_cmp(pa, pb);
}

static int bs_cmp_u64_desc(uint64_t x, uint64_t y)
{
    return (x < y) - (x > y);
}

static int bs_cmp_failures(const void *pa, const void *pb)
{
    const struct bs_row_ref *a = pa, *b = pb;
    int c = bs_cmp_u64_desc(a->row.n.bounced + a->row.n.expired,
                            b->row.n.bounced + b->row.n.expired);
    if (!c)
        c = bs_cmp_u64_desc(a->row.n.deferred, b->row.n.deferred);
    return c ? c : bs_key_cmp(a, b);
}

static uint64_t bs_volume(const struct bs_agg_counts *n)
{
    return n->sent + n->bounced + n->expired + n->deferred;
}

static int bs_cmp_volume(const void *pa, const void *pb)
{
    const struct bs_row_ref *a = pa, *b = pb;
    int c = bs_cmp_u64_desc(bs_volume(&a->row.n), bs_volume(&b->row.n));
    return c ? c : bs_key_cmp(a, b);
}

static void bs_rollup_sort(struct bs_rollup *r,
                           int (*cmp)(const void *, const void *))
{
    struct bs_row_ref *refs = bs_xcalloc(r->nrows ? r->nrows : 1,
                                         sizeof *refs);
    for (size_t i = 0; i < r->nrows; i++)
        refs[i] = (struct bs_row_ref){ r->rows[i], r->key_texts };
    qsort(refs, r->nrows, sizeof *refs, cmp);
    for (size_t i = 0; i < r->nrows; i++)
        r->rows[i] = refs[i].row;
    free(refs);
}

void bs_rollup_sort_by_key(struct bs_rollup *r)
{
    bs_rollup_sort(r, bs_cmp_key);
}

void bs_rollup_sort_by_failures(struct bs_rollup *r)
{
    bs_rollup_sort(r, bs_cmp_failures);
}

void bs_rollup_sort_by_volume(struct bs_rollup *r)
{
    bs_rollup_sort(r, bs_cmp_volume);
}

struct bs_slice bs_rollup_field(const struct bs_rollup *r,
                                const struct bs_rollup_row *row, size_t i)
{
    struct bs_slice k = bs_intern_str(r->key_texts, row->key);
    const char *p = k.ptr, *end = k.ptr + k.len;
    for (; i > 0 && p < end; i--) {
        const char *z = memchr(p, '\0', (size_t)(end - p));
        p = z ? z + 1 : end;
    }
    const char *z = memchr(p, '\0', (size_t)(end - p));
    return bs_slice_make(p, (size_t)((z ? z : end) - p));
}

double bs_failure_rate(const struct bs_agg_counts *n, uint64_t *den)
{
    *den = n->sent + n->bounced + n->expired;
    return *den ? (double)(n->bounced + n->expired) / (double)*den : 0.0;
}

void bs_rollup_json_counts(struct bs_buf *b, const struct bs_agg_counts *n)
{
    uint64_t den;
    double rate = bs_failure_rate(n, &den);
    bs_buf_printf(b, "\"sent\":%llu,\"bounced\":%llu,\"expired\":%llu,"
                  "\"deferred\":%llu,\"denominator\":%llu,"
                  "\"failure_rate\":", (unsigned long long)n->sent,
                  (unsigned long long)n->bounced,
                  (unsigned long long)n->expired,
                  (unsigned long long)n->deferred, (unsigned long long)den);
    if (den)
        bs_buf_printf(b, "%.6f", rate);
    else
        bs_buf_puts(b, "null");
}
