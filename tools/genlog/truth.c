/*
 * truth.c - ground-truth counters and the CSV bouncestat must match
 */
#include "truth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SKEY_NULL       0
#define SKEY_UNKNOWN    1

void truth_init(struct truth *t)
{
    memset(t, 0, sizeof(*t));
}

static unsigned sender_key(const struct message *m)
{
    if (!m->sender_logged)
        return SKEY_UNKNOWN;
    if (m->sender_domain == SENDER_NULL)
        return SKEY_NULL;
    return 2u + m->sender_domain;
}

static struct truth_counts *cell_of(struct truth *t, const struct message *m,
                                    const struct rcpt *r)
{
    return &t->cell[domains[r->domain].provider][sender_key(m)];
}

void truth_count(struct truth *t, const struct message *m,
                 const struct rcpt *r, enum status st)
{
    struct truth_counts *c = cell_of(t, m, r);

    if (st == ST_DEFERRED) {
        c->deferred++;
        t->total.deferred++;
    } else if (st == ST_SENT) {
        c->sent++;
        t->total.sent++;
    } else {
        c->bounced++;
        t->total.bounced++;
    }
}

void truth_count_expired(struct truth *t, const struct message *m,
                         const struct rcpt *r)
{
    cell_of(t, m, r)->expired++;
    t->total.expired++;
}

static const char *skey_name(unsigned k)
{
    if (k == SKEY_NULL)
        return "<>";
    if (k == SKEY_UNKNOWN)
        return "?";
    return domains[k - 2].name;
}

struct row {
    unsigned prov, skey;
};

static int row_cmp(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;
    int c = strcmp(provider_name[a->prov], provider_name[b->prov]);

    return c ? c : strcmp(skey_name(a->skey), skey_name(b->skey));
}

static void write_row(FILE *fp, const struct row *row,
                      const struct truth_counts *c)
{
    uint64_t done = c->sent + c->bounced + c->expired;

    fprintf(fp, "%s,%s,%llu,%llu,%llu,%llu,", provider_name[row->prov],
            skey_name(row->skey), (unsigned long long)c->sent,
            (unsigned long long)c->bounced, (unsigned long long)c->expired,
            (unsigned long long)c->deferred);
    if (done)
        fprintf(fp, "%.4f", (double)(c->bounced + c->expired) / (double)done);
    fputc('\n', fp);
}

int truth_write_csv(const struct truth *t, const char *path)
{
    struct row rows[PROV_COUNT * TRUTH_SENDER_KEYS];
    size_t n = 0;
    FILE *fp = fopen(path, "w");

    if (!fp)
        return -1;
    for (unsigned p = 0; p < PROV_COUNT; p++)
        for (unsigned k = 0; k < TRUTH_SENDER_KEYS; k++) {
            const struct truth_counts *c = &t->cell[p][k];

            if (c->sent | c->bounced | c->expired | c->deferred)
                rows[n++] = (struct row){p, k};
        }
    qsort(rows, n, sizeof(rows[0]), row_cmp);
    fputs("provider,sender_domain,sent,bounced,expired,deferred,"
          "failure_rate\n", fp);
    for (size_t i = 0; i < n; i++)
        write_row(fp, &rows[i], &t->cell[rows[i].prov][rows[i].skey]);
    return fclose(fp) == 0 ? 0 : -1;
}
