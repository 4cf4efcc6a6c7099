/*
 * agg.c - the cell table: cells in a dense array, an open-addressing
 * index of cell numbers over them (cells are never removed).
 */
#include "agg.h"

#include "intern.h"

#include <stdio.h>
#include <stdlib.h>

struct bs_agg {
    struct bs_agg_cell *cells;
    size_t ncells, cells_cap, max_cells;
    uint32_t *index; /* cell number + 1; 0 = empty */
    size_t nindex;   /* power of two */
    uint64_t folded;
};

uint32_t bs_dsn_pack(struct bs_slice d)
{
    uint32_t part[3] = { 0, 0, 0 };
    size_t i = 0;
    for (int k = 0; k < 3; k++) {
        size_t digits = 0;
        while (i < d.len && bs_is_digit(d.ptr[i]) && digits < 3) {
            part[k] = part[k] * 10 + (uint32_t)(d.ptr[i++] - '0');
            digits++;
        }
        if (!digits || (k < 2 && (i >= d.len || d.ptr[i++] != '.')))
            return 0;
    }
    if (i != d.len || part[0] < 2 || part[0] > 5)
        return 0;
    return part[0] << 20 | part[1] << 10 | part[2];
}

void bs_dsn_format(uint32_t packed, char out[16])
{
    if (!packed) {
        out[0] = '\0';
        return;
    }
    snprintf(out, 16, "%u.%u.%u", packed >> 20, (packed >> 10) & 1023,
             packed & 1023);
}

struct bs_agg *bs_agg_new(size_t max_cells)
{
    struct bs_agg *a = bs_xcalloc(1, sizeof *a);
    a->max_cells = max_cells < 1 ? 1 : max_cells;
    a->nindex = 256;
    a->index = bs_xcalloc(a->nindex, sizeof *a->index);
    return a;
}

void bs_agg_free(struct bs_agg *a)
{
    if (!a)
        return;
    free(a->cells);
    free(a->index);
    free(a);
}

static uint64_t bs_agg_hash(const struct bs_agg_key *k)
{
    uint64_t h = (uint64_t)(uint32_t)k->hour * 0x9e3779b97f4a7c15ULL;
    h ^= ((uint64_t)k->provider << 48 | (uint64_t)k->category << 32 |
          k->sender) * 0xbf58476d1ce4e5b9ULL;
    h ^= ((uint64_t)k->rcpt_domain << 32 | k->detail) * 0x94d049bb133111ebULL;
    h ^= ((uint64_t)k->dsn << 8 | k->severity) * 0xd6e8feb86659fd37ULL;
    return h ^ (h >> 31);
}

static bool bs_agg_key_eq(const struct bs_agg_key *a,
                          const struct bs_agg_key *b)
{
    return a->hour == b->hour && a->provider == b->provider &&
           a->category == b->category && a->sender == b->sender &&
           a->rcpt_domain == b->rcpt_domain && a->detail == b->detail &&
           a->dsn == b->dsn && a->severity == b->severity;
}

static void bs_agg_reindex(struct bs_agg *a)
{
    a->nindex *= 2;
    free(a->index);
    a->index = bs_xcalloc(a->nindex, sizeof *a->index);
    for (size_t c = 0; c < a->ncells; c++) {
        size_t i = bs_agg_hash(&a->cells[c].key) & (a->nindex - 1);
        while (a->index[i])
            i = (i + 1) & (a->nindex - 1);
        a->index[i] = (uint32_t)(c + 1);
    }
}

struct bs_agg_counts *bs_agg_cell(struct bs_agg *a,
                                  const struct bs_agg_key *key)
{
    size_t i = bs_agg_hash(key) & (a->nindex - 1);
    for (; a->index[i]; i = (i + 1) & (a->nindex - 1)) {
        struct bs_agg_cell *c = &a->cells[a->index[i] - 1];
        if (bs_agg_key_eq(&c->key, key))
            return &c->n;
    }
    if (a->ncells >= a->max_cells && (key->sender != BS_INTERN_OVERFLOW ||
                                      key->rcpt_domain != BS_INTERN_OVERFLOW)) {
        struct bs_agg_key folded = *key;
        folded.sender = folded.rcpt_domain = BS_INTERN_OVERFLOW;
        a->folded++;
        return bs_agg_cell(a, &folded);
    }
    if (a->ncells == a->cells_cap) {
        a->cells_cap = a->cells_cap ? a->cells_cap * 2 : 256;
        a->cells = bs_xreallocarray(a->cells, a->cells_cap,
                                    sizeof *a->cells);
    }
    struct bs_agg_cell *c = &a->cells[a->ncells++];
    memset(c, 0, sizeof *c);
    c->key = *key;
    a->index[i] = (uint32_t)a->ncells;
    if (a->ncells * 2 > a->nindex)
        bs_agg_reindex(a);
    return &c->n;
}

void bs_agg_merge(struct bs_agg *into, const struct bs_agg *from)
{
    for (size_t i = 0; i < from->ncells; i++) {
        const struct bs_agg_cell *c = &from->cells[i];
        struct bs_agg_counts *n = bs_agg_cell(into, &c->key);
        n->sent += c->n.sent;
        n->bounced += c->n.bounced;
        n->expired += c->n.expired;
        n->deferred += c->n.deferred;
    }
    into->folded += from->folded;
}

void bs_agg_totals(const struct bs_agg *a, struct bs_agg_counts *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < a->ncells; i++) {
        out->sent += a->cells[i].n.sent;
        out->bounced += a->cells[i].n.bounced;
        out->expired += a->cells[i].n.expired;
        out->deferred += a->cells[i].n.deferred;
    }
}

const struct bs_agg_cell *bs_agg_cells(const struct bs_agg *a, size_t *n)
{
    *n = a->ncells;
    return a->cells;
}

uint64_t bs_agg_folded(const struct bs_agg *a)
{
    return a->folded;
}

void bs_agg_drain(struct bs_agg *a, struct bs_agg_counts *sum)
{
    if (!a->ncells)
        return;
    for (size_t i = 0; i < a->ncells; i++) {
        sum->sent += a->cells[i].n.sent;
        sum->bounced += a->cells[i].n.bounced;
        sum->expired += a->cells[i].n.expired;
        sum->deferred += a->cells[i].n.deferred;
    }
    a->ncells = 0;
    memset(a->index, 0, a->nindex * sizeof *a->index);
}
