/*
 * alert.h - alert rules on the stream of counted outcomes: parsing,
 * sliding windows by log time, evaluation and state transitions
 *
 * A pure module: it is handed observations (one counted outcome or
 * deferral with its exact log time and keys as ids) and calls back with
 * alert notes; it never reads the clock and never prints. Names (provider
 * ids, interned domains) come in through struct bs_alert_names, so the
 * module runs the same under the engine and under its unit tests.
 *
 * Semantics (doc/alerts.md is the user's version):
 *   - Time is log time, in minute buckets. The set keeps the current
 *     minute (the latest seen). When an observation of a later minute
 *     arrives, every minute boundary crossed is evaluated in order before
 *     the observation is counted; the evaluation at boundary T judges the
 *     window [T - window, T). Boundaries after the windows have emptied
 *     cannot change anything and are skipped.
 *   - A rule's population is the outcomes (and deferrals) matching its
 *     provider and sender_domain filters; its numerator is what matches
 *     the category, detail and dsn filters too. rate = failures /
 *     (sent + failures), failures = bounced + expired; deferral_rate =
 *     deferrals / (deferrals + outcomes); bounces and deferrals are the
 *     numerators as counts.
 *   - An evaluation needs at least min deliveries (the denominator); below
 *     it the state holds. A quiet key fires when value > level; a firing
 *     key resolves when value < clear, or without clear when value <=
 *     80% of the level (hysteresis); it is re-notified at most every
 *     renotify seconds while it stays firing.
 *   - Threshold: level = threshold. Spike: level = max(factor * baseline,
 *     floor), where baseline is an exponentially weighted average of the
 *     key's past window values, folded in at each window-aligned boundary
 *     with weight window/baseline while the key is not firing; no spike
 *     is judged before warmup windows have been folded.
 *   - group_by keeps one key per provider or sender domain, at most
 *     max_groups; a new key past the cap replaces an idle quiet key (one
 *     whose window is empty) or is refused and counted.
 *
 * Bounded: at most BS_ALERT_MAX_RULES rules; per rule max_groups keys of
 * window-minutes buckets each (max_groups * window minutes <=
 * BS_ALERT_CELLS_MAX), each key with BS_ALERT_REASONS reason slots.
 */
#ifndef BS_ALERT_H
#define BS_ALERT_H

#include "buf.h"
#include "common.h"

#define BS_ALERT_MAX_RULES 64
#define BS_ALERT_MAX_VALUES 8      /* values in one filter list */
#define BS_ALERT_REASONS 8         /* reason slots per key */
#define BS_ALERT_TEXT_MAX 300      /* sample bytes kept per reason */
#define BS_ALERT_WINDOW_MAX 1440   /* minutes (24 hours) */
#define BS_ALERT_GROUPS_DEFAULT 100
#define BS_ALERT_GROUPS_MAX 1000
#define BS_ALERT_CELLS_MAX 100000  /* max_groups * window minutes */
#define BS_ALERT_TOP_REASONS 3     /* reasons an alert shows */

enum bs_alert_what { BS_AW_SENT, BS_AW_BOUNCED, BS_AW_EXPIRED,
                     BS_AW_DEFERRED };
enum bs_alert_measure { BS_AM_RATE, BS_AM_DEFERRAL_RATE, BS_AM_BOUNCES,
                        BS_AM_DEFERRALS };
enum bs_alert_group { BS_AG_NONE, BS_AG_PROVIDER, BS_AG_SENDER };
enum bs_alert_filter_kind { BS_AF_PROVIDER, BS_AF_SENDER, BS_AF_CATEGORY,
                            BS_AF_DETAIL, BS_AF_DSN, BS_AF_KINDS };

/* Names for the ids in observations. intern returns UINT32_MAX when the
 * string cannot be kept. hint may be NULL. */
struct bs_alert_reason;
struct bs_alert_names {
    void *ctx;
    int (*provider_find)(void *ctx, struct bs_slice name);
    const char *(*provider_name)(void *ctx, unsigned provider);
    uint32_t (*intern)(void *ctx, struct bs_slice s, bool lower);
    struct bs_slice (*string)(void *ctx, uint32_t id);
    void (*hint)(void *ctx, const struct bs_alert_reason *r,
                 struct bs_buf *out);
};

/* One counted outcome or deferral. */
struct bs_alert_obs {
    int64_t time;
    enum bs_alert_what what;
    unsigned provider, category;
    uint32_t sender, rcpt_domain, detail, dsn; /* ids; dsn packed */
    int rule;                                  /* classifier rule or -1 */
    struct bs_slice text;
};

struct bs_alert_filter {
    uint32_t n; /* 0: no filter */
    uint32_t v[BS_ALERT_MAX_VALUES];
    uint32_t mask[BS_ALERT_MAX_VALUES]; /* dsn wildcards */
    char *text;                         /* the list as written */
};

struct bs_alert_rule {
    char *text; /* normalised: tokens joined by one space */
    char *name; /* name=..., or NULL */
    int index;
    struct bs_alert_filter f[BS_AF_KINDS];
    enum bs_alert_group group;
    enum bs_alert_measure measure;
    bool spike;
    double threshold; /* threshold rules: a fraction or a count */
    double factor, floor; /* spike rules */
    double clear;         /* < 0: none (80% of the level) */
    int64_t window;       /* seconds, a multiple of 60 */
    int64_t baseline;     /* seconds (spike) */
    uint32_t wmin;        /* window minutes */
    uint32_t warmup;      /* folded windows before a spike is judged */
    uint64_t min;         /* least denominator to evaluate */
    uint32_t max_groups;
    /* state */
    struct bs_alert_key **keys;
    uint32_t nkeys;
    uint32_t *slots; /* key number + 1 by value hash; 0: empty */
    uint32_t nslots; /* a power of two, at least 2 * max_groups */
    uint64_t groups_refused, late;
    int64_t no_evict_until; /* minute: a full scan found nothing */
};

/* A reason slot: the numerator's observations of one (category, detail)
 * in the window, with the latest text and what it concerned. */
struct bs_alert_reason {
    uint16_t category;
    uint16_t provider;
    uint32_t detail, sender, rcpt_domain, dsn;
    int rule;
    uint64_t count;   /* in the window */
    uint32_t *counts; /* per minute, ring like the key's */
    uint16_t text_len;
    char text[BS_ALERT_TEXT_MAX];
};

struct bs_alert_key {
    uint32_t value;   /* group value: provider or sender id */
    int64_t head;     /* newest minute in the ring; INT64_MIN: none */
    int64_t last_obs; /* minute of the last observation */
    uint64_t num, den; /* sums over the window */
    uint32_t *ring;   /* 2 * wmin: numerator, denominator per minute */
    struct bs_alert_reason reasons[BS_ALERT_REASONS];
    bool firing;
    int64_t since, last_note; /* boundary times, seconds */
    double ewma;
    uint32_t folded;
};

enum bs_alert_state { BS_ALERT_FIRING, BS_ALERT_RESOLVED };

/* What an evaluation decided: a transition or a renotification. */
struct bs_alert_note {
    const struct bs_alert_rule *rule;
    const struct bs_alert_key *key;
    enum bs_alert_state state;
    bool repeat;      /* a renotification of a firing alert */
    int64_t at;       /* the boundary: the window is [at - window, at) */
    int64_t since;    /* when it started firing */
    uint64_t num, den;
    double value, level, baseline;
};

typedef void bs_alert_emit_fn(void *ctx, const struct bs_alert_note *n);

struct bs_alert_set;

struct bs_alert_set *bs_alert_set_new(const struct bs_alert_names *names,
                                      bs_alert_emit_fn *emit, void *ctx);
void bs_alert_set_free(struct bs_alert_set *s);
/* Parses one rule and adds it. Returns its index, or -1 with "column N:
 * message" (N counts bytes of text from 1) appended to err. */
int bs_alert_set_add(struct bs_alert_set *s, const char *text, size_t len,
                     struct bs_buf *err);
/* Re-notify firing alerts at most every seconds (0: never). */
void bs_alert_set_renotify(struct bs_alert_set *s, int64_t seconds);
size_t bs_alert_set_count(const struct bs_alert_set *s);
const struct bs_alert_names *bs_alert_set_names(const struct bs_alert_set *s);
const struct bs_alert_rule *bs_alert_set_rule(const struct bs_alert_set *s,
                                              size_t i);
/* Firing keys of a rule. */
uint32_t bs_alert_rule_firing(const struct bs_alert_rule *r);

/* Counts an observation, first evaluating the minute boundaries its log
 * time crosses. */
void bs_alert_observe(struct bs_alert_set *s, const struct bs_alert_obs *o);
/* Evaluates every minute boundary up to and including the one at or
 * before time (the log clock moved without observations). */
void bs_alert_advance(struct bs_alert_set *s, int64_t time);
/* The end of the input: evaluates the boundary that closes the minute of
 * the latest observation. */
void bs_alert_flush(struct bs_alert_set *s);
/* Observations older than every window, dropped (all rules). */
uint64_t bs_alert_set_late(const struct bs_alert_set *s);

/* Rule text helpers (alert_rule.c). */
/* "15m", "2h", "7d", "90s" (a whole number of minutes) into seconds.
 * Returns 0, or -1 when s is not a duration. */
int bs_alert_parse_duration(struct bs_slice s, int64_t *seconds);
/* Parses text into r (zeroed by the caller). Returns 0, or -1 with
 * "column N: message" appended to err. */
int bs_alert_rule_parse(struct bs_alert_rule *r, const char *text,
                        size_t len, const struct bs_alert_names *names,
                        struct bs_buf *err);
void bs_alert_rule_fini(struct bs_alert_rule *r);
const char *bs_alert_measure_name(enum bs_alert_measure m);
const char *bs_alert_group_name(enum bs_alert_group g);
bool bs_alert_measure_is_rate(enum bs_alert_measure m);

/* The JSON object of a note (report_alert.c), without a newline. key_text
 * gets "provider=google" style text for the key (may be NULL). */
void bs_alert_render(const struct bs_alert_set *s,
                     const struct bs_alert_note *n, struct bs_buf *out,
                     struct bs_buf *key_text);

#endif
