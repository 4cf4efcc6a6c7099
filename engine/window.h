/*
 * window.h - log time: the --since/--until window, and local days
 *
 * The window. An event outside [since, until) is not counted, but it
 * still does everything else an event does: a sender line names the
 * message's sender, a deferral before the window leaves its recipient
 * pending so that an expiry inside the window counts it. So the event
 * runs as usual against a scratch aggregate, with the sample store
 * frozen (it still keeps the texts of pending deferrals) and the
 * per-delivery counters put back afterwards; what landed in the scratch
 * aggregate is added to the "outside" counts, and the scratch is emptied.
 * Lines that a segment holds for a merge are held whatever their time;
 * a loaded aggregate's cells are selected by the start of their hour.
 *
 * Local time. Cells stay keyed by UTC hour, so aggregates of hosts in
 * different zones still add up. A report labels a cell with the local
 * date and time of its hour's first second, by the zone function in the
 * engine options (NULL: UTC). In a zone whose offset is not whole hours
 * (+05:30) an hour that straddles local midnight counts in the day it
 * starts in. Offsets are cached per hour.
 */
#ifndef BS_WINDOW_H
#define BS_WINDOW_H

#include "agg.h"
#include "bouncestat.h"
#include "event.h"

#define BS_TZ_CACHE 512

struct bs_engine;

struct bs_window {
    struct bs_agg *scratch; /* the counts of one event outside */
    struct bs_window_stats outside;
    /* Windows of loaded aggregates, for labels: since > until when none. */
    int64_t loaded_since, loaded_until;
    int32_t cache_hour[BS_TZ_CACHE];
    int32_t cache_offset[BS_TZ_CACHE];
    bool cache_used[BS_TZ_CACHE];
};

void bs_window_init(struct bs_engine *e);
void bs_window_fini(struct bs_engine *e);
/* Is log time t inside the window (always, without one)? */
bool bs_window_admits(const struct bs_engine *e, int64_t t);
/* Does the UTC hour (hours since the epoch) start inside the window? */
bool bs_window_admits_hour(const struct bs_engine *e, int32_t hour);
/* Counts ev, or only correlates it when it lies outside the window. */
void bs_window_event(struct bs_engine *e, const struct bs_event *ev);

/* The zone's offset at a UTC instant, in seconds (0 without a zone). */
int32_t bs_local_offset(struct bs_engine *e, int64_t utc);
/* The local date of a UTC hour's start, in days since 1970-01-01. */
int64_t bs_local_day(struct bs_engine *e, int32_t hour);
/* The local time of a UTC instant, as seconds since 1970-01-01 local. */
int64_t bs_local_time(struct bs_engine *e, int64_t utc);
/* Writes "YYYY-MM-DD" (with_time: "YYYY-MM-DD HH:MM") of local seconds
 * into out (32 bytes); returns the length. */
size_t bs_local_format(int64_t local, bool with_time, char out[32]);
/* Appends a Unix time as UTC: "2026-11-27T18:13:00Z" (iso) or
 * "2026-11-27 18:13:00". */
void bs_utc_format(struct bs_buf *b, int64_t t, bool iso);
/* "+09:00", "-03:30", "+00:00" for an offset in seconds (8 bytes). */
void bs_offset_format(int32_t offset, char out[8]);

#endif
