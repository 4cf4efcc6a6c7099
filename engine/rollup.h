/*
 * rollup.h - the aggregate summed over a chosen list of keys
 *
 * A rollup projects every cell onto some keys (provider, sender_domain,
 * recipient_domain, category, detail, dsn, day, hour, severity) and sums the counts
 * per distinct projection. Each row's key is its field texts joined by
 * NUL bytes, so sorting rows by memcmp of the key sorts them column by
 * column in byte order: the CSV order. Rows can also be ranked by volume
 * or by failures for the text report.
 */
#ifndef BS_ROLLUP_H
#define BS_ROLLUP_H

#include "engine_impl.h"

enum bs_key_kind {
    BS_KEY_PROVIDER, BS_KEY_SENDER_DOMAIN, BS_KEY_RECIPIENT_DOMAIN,
    BS_KEY_CATEGORY, BS_KEY_DETAIL, BS_KEY_DSN, BS_KEY_DAY, BS_KEY_HOUR,
    BS_KEY_SEVERITY,
    BS_KEY_LOCAL_HOUR, /* "hour" in the report's zone; BS_KEY_HOUR is UTC */
    BS_KEY_KINDS
};

#define BS_ROLLUP_MAX_KEYS 8

struct bs_rollup_row {
    uint32_t key; /* id in the rollup's key table */
    struct bs_agg_counts n;
    struct bs_agg_key first; /* the first cell folded into the row */
};

struct bs_rollup {
    enum bs_key_kind keys[BS_ROLLUP_MAX_KEYS];
    size_t nkeys;
    struct bs_intern *key_texts;
    struct bs_rollup_row *rows;
    size_t nrows;
};

const char *bs_key_name(enum bs_key_kind k);
/* Parses "provider,day": 0, or -1 with a message appended to err. "day"
 * and "hour" are local (the engine's zone): BS_KEY_DAY and
 * BS_KEY_LOCAL_HOUR. */
int bs_keys_parse(const char *by, enum bs_key_kind *keys, size_t *nkeys,
                  struct bs_buf *err);
/* Builds the rollup; filter (may be NULL) selects cells. */
void bs_rollup_build(struct bs_rollup *r, struct bs_engine *e,
                     const enum bs_key_kind *keys, size_t nkeys,
                     bool (*filter)(const struct bs_agg_cell *));
void bs_rollup_fini(struct bs_rollup *r);
void bs_rollup_sort_by_key(struct bs_rollup *r);
/* Most failures (bounced + expired) first, then most deferrals, then key. */
void bs_rollup_sort_by_failures(struct bs_rollup *r);
/* Most deliveries (sent + bounced + expired + deferred) first, then key. */
void bs_rollup_sort_by_volume(struct bs_rollup *r);
/* Field i of a row's key. */
struct bs_slice bs_rollup_field(const struct bs_rollup *r,
                                const struct bs_rollup_row *row, size_t i);
/* The text of one key of a cell, into out (at least 64 bytes for day,
 * hour, dsn and category; domains point into the intern table). */
struct bs_slice bs_cell_key_text(struct bs_engine *e,
                                 const struct bs_agg_key *k,
                                 enum bs_key_kind kind, char out[64]);

/* (bounced + expired) / (sent + bounced + expired); the denominator goes
 * to *den, and the rate is 0 when it is 0. */
double bs_failure_rate(const struct bs_agg_counts *n, uint64_t *den);

/* Appends "sent":N,...,"denominator":D,"failure_rate":R (null when D is
 * 0): the counts of one JSON object. */
void bs_rollup_json_counts(struct bs_buf *b, const struct bs_agg_counts *n);

#endif
