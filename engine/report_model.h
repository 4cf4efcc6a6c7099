/*
 * report_model.h - what a deliverability report says, computed once
 *
 * The report printers (report_html.c, report_md.c, report_tables.c for
 * CSV and JSON) all print the same model, built here from an engine (and
 * the previous period's engine for the comparison): the period and zone,
 * totals, providers by volume, per-day counts in the report's zone, per
 * provider and per day, sender domains ranked by failures and by failure
 * rate (above a minimum volume), final failures per provider and category,
 * the top reasons with their samples, and authentication failures per
 * sender domain. Printers only format; they never sum. The DNS checks
 * (report --dns) are not computed here: the tool gives them, in
 * o->dns, and the printers print them as they are.
 *
 * Days are local days (window.h): a cell belongs to the local date of its
 * hour's start. The days shown are the window's (--since/--until/--month,
 * or the windows of the loaded aggregates), else those the data spans, at
 * most BS_RM_MAX_DAYS (the latest ones).
 */
#ifndef BS_REPORT_MODEL_H
#define BS_REPORT_MODEL_H

#include "report_labels.h"
#include "rollup.h"

#define BS_RM_MAX_DAYS 400
#define BS_RM_MAX_SERIES 8 /* the palette's colours */
#define BS_RM_MAX_CATS 8   /* categories drawn; the last may be "other" */
#define BS_RM_OTHER_CATS BS_CAT_COUNT /* the "other categories" slot */

struct bs_rm_provider {
    uint16_t id; /* the engine's provider index */
    const char *name;
    struct bs_agg_counts n;
    uint64_t pending;
};

/* One line of the comparison with the previous period. */
struct bs_rm_compare {
    const char *name; /* provider id, or NULL for the totals */
    struct bs_agg_counts now, prev;
};

struct bs_report_model {
    struct bs_engine *e;
    const struct bs_report_options *o;
    enum bs_lang lang;
    int64_t since, until; /* UTC; since > until when there is no period */
    int64_t first_log, last_log; /* first > last when there is no data */
    int64_t day0;         /* local days since 1970-01-01 */
    size_t ndays, days_cut;
    struct bs_agg_counts total;
    struct bs_window_stats outside;
    size_t nprov, nseries; /* the first nseries providers are drawn */
    struct bs_rm_provider prov[BS_PROVIDER_MAX];
    struct bs_agg_counts *daily;      /* [ndays] */
    struct bs_agg_counts *daily_prov; /* [ndays * nprov] */
    struct bs_rollup senders;         /* by failures */
    size_t *by_rate, nby_rate;        /* rows of senders, by rate */
    size_t ncats;                     /* categories in the chart */
    unsigned cats[BS_RM_MAX_CATS];    /* or BS_RM_OTHER_CATS */
    uint64_t *cat_prov;               /* [nprov * (BS_CAT_COUNT + 1)] */
    uint64_t cat_total[BS_CAT_COUNT + 1];
    struct bs_rollup reasons;         /* category, detail; by failures */
    struct bs_rollup auth;            /* sender_domain, detail, provider */
    bool have_prev;
    struct bs_rm_compare *cmp;        /* totals first, then providers */
    size_t ncmp;
    uint64_t cat_prev[BS_CAT_COUNT + 1];
};

void bs_rm_build(struct bs_report_model *m, struct bs_engine *e,
                 const struct bs_report_options *o);
void bs_rm_fini(struct bs_report_model *m);

/* The label in the report's language. */
const char *bs_rm_label(const struct bs_report_model *m, enum bs_label id);
/* Counts for provider p (index into prov) on day d. */
const struct bs_agg_counts *bs_rm_day_prov(const struct bs_report_model *m,
                                           size_t d, size_t p);
/* Failures (bounced + expired) of category c (or BS_RM_OTHER_CATS) to
 * provider p. */
uint64_t bs_rm_cat_prov(const struct bs_report_model *m, size_t p,
                        unsigned c);
/* "YYYY-MM-DD" of day d (32 bytes). */
void bs_rm_day_label(const struct bs_report_model *m, size_t d,
                     char out[32]);
/* "12.34% of 1,234" / "12.34%(1,234 件中)", or "-" without deliveries. */
void bs_rm_rate(const struct bs_report_model *m, struct bs_buf *b,
                const struct bs_agg_counts *n);
/* The rate alone, "12.34%" or "-". */
void bs_rm_pct(struct bs_buf *b, const struct bs_agg_counts *n);
/* "2026-10-01 00:00 to 2026-11-01 00:00" in the report's zone, or the
 * log's first and last times when there is no period; "" without data. */
void bs_rm_period(struct bs_report_model *m, struct bs_buf *b);
/* "Asia/Tokyo (UTC+09:00)" or "UTC+09:00". */
void bs_rm_zone(struct bs_report_model *m, struct bs_buf *b);
/* The hint of a sample in the report's language. For another sender
 * domain than the sample's (sender != 0), the hint names that domain and
 * leaves out what came from the sample's text. */
void bs_rm_hint(const struct bs_report_model *m, const struct bs_sample *s,
                uint32_t sender, struct bs_buf *b);
/* The sample for reason row i, or NULL. */
const struct bs_sample *bs_rm_reason_sample(const struct bs_report_model *m,
                                            size_t i);
/* The sample for auth row i: the sender's own (samples.h), else one of
 * the same provider and check (the rule that refused it), else one of the
 * same check. Give its sender to bs_rm_hint. */
const struct bs_sample *bs_rm_auth_sample(const struct bs_report_model *m,
                                          size_t i);
/* A DNS finding's level: its id ("ok", "info", "warn", "fail", "error":
 * JSON and CSV) and its label in the report's language. */
const char *bs_rm_dns_level_id(enum bs_report_dns_level l);
const char *bs_rm_dns_level(const struct bs_report_model *m,
                            enum bs_report_dns_level l);
/* Failures of a row: bounced + expired. */
uint64_t bs_rm_failures(const struct bs_agg_counts *n);
/* The category name of a chart slot (BS_RM_OTHER_CATS: translated). */
const char *bs_rm_cat_name(const struct bs_report_model *m, unsigned c);

/* The printers (report_html.c, report_md.c, report_tables.c). */
void bs_report_html(struct bs_report_model *m, struct bs_buf *b);
void bs_report_md(struct bs_report_model *m, struct bs_buf *b);
void bs_report_tables_csv(struct bs_report_model *m, struct bs_buf *b);
void bs_report_tables_json(struct bs_report_model *m, struct bs_buf *b);

/* The colour-blind-safe palette (Okabe & Ito, "Color Universal Design"),
 * in the order series take it; yellow last, as it is light on white. */
extern const char *const bs_report_palette[BS_RM_MAX_SERIES];

#endif
