/*
 * agg.h - counters keyed by hour, provider, domains, category and code
 *
 * One cell per distinct key; each cell counts the final outcomes (sent,
 * bounced, expired) and the deferred attempts that fell into it. Strings
 * in keys are intern ids of the engine's intern table. Cells can be
 * iterated and added into another aggregate (bs_agg_merge), which is
 * exact: merging the aggregates of two inputs equals aggregating both.
 *
 * Bounded: past max_cells distinct keys, new keys are folded into a cell
 * whose sender and recipient domains are BS_INTERN_OVERFLOW, so totals
 * stay right while detail is lost, and the fold is counted.
 */
#ifndef BS_AGG_H
#define BS_AGG_H

#include "common.h"

/* Enhanced status code packed as class<<20 | subject<<10 | detail; 0 for
 * none. */
uint32_t bs_dsn_pack(struct bs_slice dsn);
/* Writes "5.7.26" (or "" for 0) into out, which holds 16 bytes. */
void bs_dsn_format(uint32_t packed, char out[16]);

struct bs_agg_key {
    int32_t hour;         /* hours since the epoch, UTC */
    uint16_t provider;
    uint16_t category;
    uint32_t sender;      /* intern id: domain, "<>" or "?" */
    uint32_t rcpt_domain; /* intern id */
    uint32_t detail;      /* intern id, "" when none */
    uint32_t dsn;         /* packed */
    uint8_t severity;     /* enum bs_severity */
};

enum bs_severity { BS_SEV_NONE = 0, BS_SEV_SOFT = 1, BS_SEV_HARD = 2 };

struct bs_agg_counts {
    uint64_t sent, bounced, expired, deferred;
};

struct bs_agg_cell {
    struct bs_agg_key key;
    struct bs_agg_counts n;
};

struct bs_agg;

struct bs_agg *bs_agg_new(size_t max_cells);
void bs_agg_free(struct bs_agg *a);
/* The cell for key, created with zero counts when new. */
struct bs_agg_counts *bs_agg_cell(struct bs_agg *a,
                                  const struct bs_agg_key *key);
void bs_agg_merge(struct bs_agg *into, const struct bs_agg *from);
/* The counts of all cells added up. */
void bs_agg_totals(const struct bs_agg *a, struct bs_agg_counts *out);
/* Cells in no particular order; n is set to their number. */
const struct bs_agg_cell *bs_agg_cells(const struct bs_agg *a, size_t *n);
uint64_t bs_agg_folded(const struct bs_agg *a);
/* Adds every cell's counts to *sum and empties the table (the scratch
 * aggregate of an event outside the --since/--until window). */
void bs_agg_drain(struct bs_agg *a, struct bs_agg_counts *sum);

#endif
