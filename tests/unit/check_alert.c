/*
 * check_alert.c - alert rules: the parser and its column errors, minute
 * windows by log time, threshold firing and resolving with hysteresis,
 * clear<, min volume, spike against the key's baseline (warmup, floor),
 * renotify, group_by keys and their cap, late observations, gaps, the
 * end-of-input flush, and the JSON of a note; then the same through the
 * engine on log lines (the rendered hint).
 *
 * Times are exact: T0 is 2026-11-02T06:00:00Z, and every scenario says
 * at which minute boundary it must fire and resolve.
 */
#include "alert.h"
#include "bouncestat.h"
#include "classify.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1793599200LL /* 2026-11-02T06:00:00Z, a whole hour */
#define MIN(m) (T0 + 60LL * (m))

/* ---- fake names: providers 0..3, strings by index + 1 ---- */

static const char *const providers[] = { "other", "google", "yahoo",
                                         "microsoft" };
static char *strings[64];
static uint32_t nstrings;

static int fake_provider_find(void *ctx, struct bs_slice s)
{
    (void)ctx;
    for (int i = 0; i < 4; i++)
        if (strlen(providers[i]) == s.len && !memcmp(providers[i], s.ptr,
                                                      s.len))
            return i;
    return -1;
}

static const char *fake_provider_name(void *ctx, unsigned i)
{
    (void)ctx;
    return i < 4 ? providers[i] : "?";
}

static uint32_t fake_intern(void *ctx, struct bs_slice s, bool lower)
{
    (void)ctx;
    (void)lower;
    for (uint32_t i = 0; i < nstrings; i++)
        if (strlen(strings[i]) == s.len && !memcmp(strings[i], s.ptr, s.len))
            return i + 1;
    if (nstrings == 64)
        return UINT32_MAX;
    char *c = malloc(s.len + 1);
    memcpy(c, s.ptr, s.len);
    c[s.len] = '\0';
    strings[nstrings++] = c;
    return nstrings;
}

static struct bs_slice fake_string(void *ctx, uint32_t id)
{
    (void)ctx;
    if (id == 0 || id > nstrings)
        return bs_slice_make("", 0);
    return bs_slice_make(strings[id - 1], strlen(strings[id - 1]));
}

static void fake_hint(void *ctx, const struct bs_alert_reason *r,
                      struct bs_buf *out)
{
    (void)ctx;
    bs_buf_printf(out, "fix %s", bs_category_name(r->category));
}

static uint32_t id_of(const char *s)
{
    return fake_intern(NULL, bs_slice_make(s, strlen(s)), false);
}

/* ---- collected notes ---- */

struct got {
    enum bs_alert_state state;
    bool repeat;
    int64_t at;
    uint64_t num, den;
    uint32_t key;
    int rule;
    char json[2048];
};

static struct got notes[256];
static size_t nnotes;
static struct bs_alert_set *cur;

static void collect(void *ctx, const struct bs_alert_note *n)
{
    (void)ctx;
    ck_assert_uint_lt(nnotes, 256);
    struct got *g = &notes[nnotes++];
    g->state = n->state;
    g->repeat = n->repeat;
    g->at = n->at;
    g->num = n->num;
    g->den = n->den;
    g->key = n->key->value;
    g->rule = n->rule->index;
    struct bs_buf b;
    bs_buf_init(&b);
    bs_alert_render(cur, n, &b, NULL);
    snprintf(g->json, sizeof g->json, "%s", b.data);
    bs_buf_fini(&b);
}

static struct bs_alert_set *new_set(void)
{
    struct bs_alert_names nm = { NULL, fake_provider_find,
                                 fake_provider_name, fake_intern,
                                 fake_string, fake_hint };
    nnotes = 0;
    cur = bs_alert_set_new(&nm, collect, NULL);
    return cur;
}

static void add_ok(struct bs_alert_set *s, const char *rule)
{
    struct bs_buf err;
    bs_buf_init(&err);
    int rc = bs_alert_set_add(s, rule, strlen(rule), &err);
    ck_assert_msg(rc >= 0, "%s: %s", rule, err.data ? err.data : "");
    bs_buf_fini(&err);
}

/* n observations at minute m (spread over its seconds). */
static void obs(struct bs_alert_set *s, int64_t m, int n,
                enum bs_alert_what what, unsigned provider,
                unsigned category, const char *sender)
{
    uint32_t sid = id_of(sender ? sender : "shop.example");
    uint32_t detail = id_of(category ? "dmarc" : "");
    for (int i = 0; i < n; i++) {
        struct bs_alert_obs o = {
            MIN(m) + (i * 59) / (n > 1 ? n : 1), what, provider, category,
            sid, id_of("gmail.com"), detail,
            category ? (5u << 20 | 7u << 10 | 26u) : (2u << 20), 3,
            category ? BS_SLICE_LIT("550-5.7.26 Unauthenticated email")
                     : BS_SLICE_LIT("250 ok"),
        };
        bs_alert_observe(s, &o);
    }
}

/* A minute of google traffic: sent and bounced (authfailure). */
static void minute(struct bs_alert_set *s, int64_t m, int sent, int bounced)
{
    obs(s, m, sent, BS_AW_SENT, 1, 0, NULL);
    obs(s, m, bounced, BS_AW_BOUNCED, 1, BS_CAT_AUTHFAILURE, NULL);
}

/* ---- the parser ---- */

static const struct {
    const char *rule, *err;
} bad_rules[] = {
    { "provider=gogle rate>5%", "column 10: unknown provider 'gogle'" },
    { "provider=google rte>5%", "column 17: unknown key 'rte'" },
    { "provider=google", "column 16: no condition: add one of rate>P%, "
      "deferral_rate>P%, bounces>N, deferrals>N or spike>Kx" },
    { "rate>5% bounces>3", "column 9: a second condition (bounces): a rule "
      "has one" },
    { "rate>5% rate>6%", "column 9: rate is given twice" },
    { "rate=5%", "column 5: rate takes '>', as in rate>..." },
    { "rate>5", "column 6: rate: expected a percentage like 5%, not '5'" },
    { "bounces>5%", "column 9: bounces: expected a whole count like 200, "
      "not '5%'" },
    { "rate>150%", "column 6: rate: more than 100%" },
    { "rate>5% window=90s", "column 16: window: expected a whole number of "
      "minutes like 15m, 2h or 7d, not '90s'" },
    { "rate>5% window=2d", "column 16: window: must lie from 1m to 1440m" },
    { "rate>5% floor=1%", "column 9: floor goes with spike>Kx" },
    { "rate>5% clear<6%", "column 15: clear is above the threshold: the "
      "alert would flap" },
    { "category=authfailure,nope rate>5%",
      "column 22: unknown category 'nope'" },
    { "provider=google,,yahoo rate>1%",
      "column 17: provider: empty value in the list" },
    { "group_by=recipient rate>1%", "column 10: group_by: expected provider "
      "or sender_domain" },
    { "group_by=sender_domain max_groups=1000 window=24h rate>1%",
      "column 24: max_groups x window minutes is over 100000: lower "
      "max_groups or the window" },
    { "spike>0.5x", "column 7: spike: expected a factor of 1 or more like "
      "4x, not '0.5x'" },
    { "spike>4x baseline=10m window=30m", "column 19: baseline: must lie "
      "from 30m to 525600m" },
    { "", "column 1: empty rule" },
    { "rate>5% junk", "column 9: expected KEY=VALUE or a condition like "
      "rate>5%, not 'junk'" },
    { "max_groups=5 rate>1%", "column 1: max_groups goes with group_by" },
    { "dsn=5.7 rate>1%", "column 5: bad status code '5.7' (write 5.7.26, "
      "5.7.* or 5.*)" },
    { "rate>1% min=-3", "column 13: min: expected a whole number from 0 to "
      "4294967295" },
    { "rate>1% clear<0%", "column 15: clear<0 never resolves" },
    { "rate>1% name=a/b", "column 14: name: up to 64 letters, digits, '_', "
      "'-' or '.'" },
    { "rate>", "column 6: rate: no value" },
};

START_TEST(test_parse_errors)
{
    struct bs_alert_set *s = new_set();
    struct bs_buf err;
    bs_buf_init(&err);
    const char *rule = bad_rules[_i].rule;
    ck_assert_int_eq(bs_alert_set_add(s, rule, strlen(rule), &err), -1);
    ck_assert_str_eq(err.data, bad_rules[_i].err);
    ck_assert_uint_eq(bs_alert_set_count(s), 0);
    bs_buf_fini(&err);
    bs_alert_set_free(s);
}
END_TEST

START_TEST(test_parse_ok)
{
    struct bs_alert_set *s = new_set();
    add_ok(s, "  provider=google   category=authfailure rate>5% window=15m "
              "min=200 ");
    add_ok(s, "group_by=sender_domain spike>4x baseline=7d floor=1% "
              "window=30m min=100");
    add_ok(s, "bounces>10 window=1h dsn=5.7.*,5.1.1,4.* name=gmail-bounces");
    add_ok(s, "deferral_rate>20% provider=yahoo,microsoft clear<10%");
    add_ok(s, "spike>3x measure=deferrals floor=5 warmup=2");
    const struct bs_alert_rule *r = bs_alert_set_rule(s, 0);
    ck_assert_str_eq(r->text, "provider=google category=authfailure rate>5% "
                              "window=15m min=200");
    ck_assert_int_eq(r->measure, BS_AM_RATE);
    ck_assert(!r->spike);
    ck_assert(r->threshold > 0.0499 && r->threshold < 0.0501);
    ck_assert_int_eq(r->window, 900);
    ck_assert_uint_eq(r->min, 200);
    ck_assert_uint_eq(r->f[BS_AF_PROVIDER].n, 1);
    ck_assert_uint_eq(r->f[BS_AF_PROVIDER].v[0], 1);
    ck_assert_uint_eq(r->f[BS_AF_CATEGORY].v[0], BS_CAT_AUTHFAILURE);
    r = bs_alert_set_rule(s, 1);
    ck_assert(r->spike);
    ck_assert_int_eq(r->group, BS_AG_SENDER);
    ck_assert_int_eq(r->baseline, 7 * 86400);
    ck_assert(r->factor == 4);
    ck_assert(r->floor > 0.0099 && r->floor < 0.0101);
    ck_assert_uint_eq(r->max_groups, BS_ALERT_GROUPS_DEFAULT);
    ck_assert_uint_eq(r->warmup, 4);
    r = bs_alert_set_rule(s, 2);
    ck_assert_int_eq(r->measure, BS_AM_BOUNCES);
    ck_assert(r->threshold == 10);
    ck_assert_uint_eq(r->min, 0);
    ck_assert_str_eq(r->name, "gmail-bounces");
    ck_assert_uint_eq(r->f[BS_AF_DSN].n, 3);
    ck_assert_uint_eq(r->f[BS_AF_DSN].v[0], 5u << 20 | 7u << 10);
    ck_assert_uint_eq(r->f[BS_AF_DSN].mask[0], 1023u << 20 | 1023u << 10);
    ck_assert_uint_eq(r->f[BS_AF_DSN].mask[1], UINT32_MAX >> 2);
    ck_assert_uint_eq(r->f[BS_AF_DSN].mask[2], 1023u << 20);
    r = bs_alert_set_rule(s, 3);
    ck_assert_int_eq(r->measure, BS_AM_DEFERRAL_RATE);
    ck_assert_uint_eq(r->f[BS_AF_PROVIDER].n, 2);
    ck_assert(r->clear > 0.0999 && r->clear < 0.1001);
    r = bs_alert_set_rule(s, 4);
    ck_assert_int_eq(r->measure, BS_AM_DEFERRALS);
    ck_assert(r->floor == 5);
    ck_assert_uint_eq(r->warmup, 2);
    bs_alert_set_free(s);
}
END_TEST

START_TEST(test_durations)
{
    int64_t v;
    ck_assert_int_eq(bs_alert_parse_duration(BS_SLICE_LIT("15m"), &v), 0);
    ck_assert_int_eq(v, 900);
    ck_assert_int_eq(bs_alert_parse_duration(BS_SLICE_LIT("7d"), &v), 0);
    ck_assert_int_eq(v, 604800);
    ck_assert_int_eq(bs_alert_parse_duration(BS_SLICE_LIT("120s"), &v), 0);
    ck_assert_int_eq(v, 120);
    ck_assert_int_eq(bs_alert_parse_duration(BS_SLICE_LIT("0m"), &v), 0);
    ck_assert_int_eq(v, 0);
    ck_assert_int_eq(bs_alert_parse_duration(BS_SLICE_LIT("90s"), &v), -1);
    ck_assert_int_eq(bs_alert_parse_duration(BS_SLICE_LIT("1w"), &v), -1);
    ck_assert_int_eq(bs_alert_parse_duration(BS_SLICE_LIT("m"), &v), -1);
    ck_assert_int_eq(bs_alert_parse_duration(BS_SLICE_LIT("5"), &v), -1);
}
END_TEST

/* ---- thresholds, hysteresis, clear, min ---- */

/* 10 quiet minutes (100 sent), 5 minutes half bounced (50/50), then
 * quiet again. Window 5m, so boundary b judges minutes b-5 .. b-1:
 *   b=11: 50/500 = 10%, not above 10%;  b=12: 100/500 = 20%: fires;
 *   b=19: 50/500 = 10%, above 80% of 10%: still firing (hysteresis);
 *   b=20: 0/500: resolved. With clear<11% it resolves at b=19. */
static void spike_scenario(struct bs_alert_set *s, int minutes)
{
    for (int m = 0; m < minutes; m++)
        minute(s, m, m >= 10 && m < 15 ? 50 : 100, m >= 10 && m < 15 ? 50
                                                                     : 0);
}

START_TEST(test_threshold_hysteresis)
{
    struct bs_alert_set *s = new_set();
    add_ok(s, "provider=google rate>10% window=5m min=10");
    spike_scenario(s, 30);
    ck_assert_uint_eq(nnotes, 2);
    ck_assert_int_eq(notes[0].state, BS_ALERT_FIRING);
    ck_assert(!notes[0].repeat);
    ck_assert_int_eq(notes[0].at, MIN(12));
    ck_assert_uint_eq(notes[0].num, 100);
    ck_assert_uint_eq(notes[0].den, 500);
    ck_assert_int_eq(notes[1].state, BS_ALERT_RESOLVED);
    ck_assert_int_eq(notes[1].at, MIN(20));
    ck_assert_uint_eq(notes[1].num, 0);
    const char *j = notes[0].json;
    ck_assert_msg(strstr(j, "{\"state\":\"firing\",\"at\":\"2026-11-02T06:12"
                            ":00Z\",\"rule\":\"provider=google rate>10% "
                            "window=5m min=10\",\"rule_index\":0,\"key\":{"
                            "\"provider\":\"google\"},\"measure\":\"rate\","
                            "\"value\":0.200000,\"numerator\":100,"
                            "\"denominator\":500,\"rate\":0.200000,"
                            "\"threshold\":0.100000,\"min\":10,\"window\":{"
                            "\"seconds\":300,\"start\":\"2026-11-02T06:07:"
                            "00Z\",\"end\":\"2026-11-02T06:12:00Z\"},"
                            "\"since\":\"2026-11-02T06:12:00Z\",\"repeat\":"
                            "false,\"reasons\":[{\"category\":\"authfailure"
                            "\",\"detail\":\"dmarc\",\"count\":100,\"dsn\":"
                            "\"5.7.26\",\"provider\":\"google\",\"sample\":"
                            "\"550-5.7.26 Unauthenticated email\",\"hint\":"
                            "\"fix authfailure\"}],\"reasons_other\":0}") ==
                      j, "%s", j);
    ck_assert_msg(strstr(notes[1].json, "\"state\":\"resolved\",\"at\":\""
                                        "2026-11-02T06:20:00Z\"") &&
                      strstr(notes[1].json, "\"since\":\"2026-11-02T06:12:"
                                            "00Z\",\"duration_seconds\":480"),
                  "%s", notes[1].json);
    bs_alert_set_free(s);
}
END_TEST

/* After the spike, 5% failures for 10 minutes, then none. Default
 * hysteresis resolves at 20 (25/500 = 5%, under 80% of 10%); clear<5%
 * waits for a window under 5%: at 26 (4 x 5 / 500 = 4%). */
START_TEST(test_threshold_clear)
{
    struct bs_alert_set *s = new_set();
    add_ok(s, "provider=google rate>10% window=5m");
    add_ok(s, "provider=google rate>10% clear<5% window=5m");
    for (int m = 0; m < 31; m++) {
        int bounced = m < 10 ? 0 : m < 15 ? 50 : m < 25 ? 5 : 0;
        minute(s, m, 100 - bounced, bounced);
    }
    ck_assert_uint_eq(nnotes, 4);
    ck_assert_int_eq(notes[0].at, MIN(12));
    ck_assert_int_eq(notes[1].at, MIN(12));
    ck_assert_int_eq(notes[2].rule, 0);
    ck_assert_int_eq(notes[2].state, BS_ALERT_RESOLVED);
    ck_assert_int_eq(notes[2].at, MIN(20));
    ck_assert_int_eq(notes[3].rule, 1);
    ck_assert_int_eq(notes[3].state, BS_ALERT_RESOLVED);
    ck_assert_int_eq(notes[3].at, MIN(26));
    ck_assert_msg(strstr(notes[3].json, "\"threshold\":0.100000,\"clear\":"
                                        "0.050000,"), "%s", notes[3].json);
    bs_alert_set_free(s);
}
END_TEST

START_TEST(test_min_volume)
{
    struct bs_alert_set *s = new_set();
    add_ok(s, "provider=google rate>10% window=5m min=501");
    add_ok(s, "provider=yahoo rate>10% window=5m");
    add_ok(s, "category=authfailure rate>10% window=5m min=500");
    spike_scenario(s, 30);
    ck_assert_uint_eq(nnotes, 2); /* only the third, min=500 */
    ck_assert_int_eq(notes[0].rule, 2);
    ck_assert_int_eq(notes[0].at, MIN(12));
    bs_alert_set_free(s);
}
END_TEST

START_TEST(test_counts_and_flush)
{
    struct bs_alert_set *s = new_set();
    add_ok(s, "bounces>40 window=1m");
    minute(s, 0, 100, 0);
    minute(s, 1, 0, 41); /* judged only when minute 2 opens */
    ck_assert_uint_eq(nnotes, 0);
    bs_alert_flush(s);
    ck_assert_uint_eq(nnotes, 1);
    ck_assert_int_eq(notes[0].at, MIN(2));
    ck_assert_msg(strstr(notes[0].json, "\"measure\":\"bounces\",\"value\""
                                        ":41,\"numerator\":41,"
                                        "\"denominator\":41,\"rate\":"
                                        "1.000000,\"threshold\":40,"),
                  "%s", notes[0].json);
    bs_alert_set_free(s);
}
END_TEST

/* A gap in the log: the windows empty and a count rule resolves at the
 * first boundary with an empty window, judged when the log resumes. A
 * rate rule has no denominator then and holds its state. */
START_TEST(test_gap)
{
    struct bs_alert_set *s = new_set();
    add_ok(s, "bounces>5 window=5m");
    add_ok(s, "rate>5% window=5m");
    minute(s, 0, 10, 0);
    minute(s, 10, 0, 10);
    minute(s, 1000, 10, 0);
    ck_assert_uint_eq(nnotes, 3);
    ck_assert_int_eq(notes[0].rule, 0);
    ck_assert_int_eq(notes[0].at, MIN(11));
    ck_assert_int_eq(notes[1].rule, 1);
    ck_assert_int_eq(notes[1].at, MIN(11));
    ck_assert_int_eq(notes[2].rule, 0);
    ck_assert_int_eq(notes[2].state, BS_ALERT_RESOLVED);
    ck_assert_int_eq(notes[2].at, MIN(16));
    minute(s, 1005, 10, 0);
    ck_assert_uint_eq(nnotes, 4);
    ck_assert_int_eq(notes[3].rule, 1);
    ck_assert_int_eq(notes[3].state, BS_ALERT_RESOLVED);
    ck_assert_int_eq(notes[3].at, MIN(1001));
    bs_alert_set_free(s);
}
END_TEST

START_TEST(test_renotify)
{
    struct bs_alert_set *s = new_set();
    bs_alert_set_renotify(s, 180);
    add_ok(s, "provider=google rate>10% window=5m");
    for (int m = 0; m < 20; m++)
        minute(s, m, 50, m >= 5 && m < 14 ? 50 : 0);
    /* fires at 6 (50/300 > 10%); repeats at 9, 12, 15 and 18 (the
     * window 13..17 still holds minute 13: 50/300); resolves at 19 */
    ck_assert_uint_eq(nnotes, 6);
    ck_assert_int_eq(notes[0].at, MIN(6));
    ck_assert(!notes[0].repeat);
    for (int i = 1; i <= 4; i++) {
        ck_assert_int_eq(notes[i].state, BS_ALERT_FIRING);
        ck_assert(notes[i].repeat);
        ck_assert_int_eq(notes[i].at, MIN(6 + 3 * i));
        ck_assert_msg(strstr(notes[i].json, "\"since\":\"2026-11-02T06:06:"
                                            "00Z\",\"repeat\":true"),
                      "%s", notes[i].json);
    }
    ck_assert_int_eq(notes[5].state, BS_ALERT_RESOLVED);
    ck_assert_int_eq(notes[5].at, MIN(19));
    bs_alert_set_free(s);
}
END_TEST

/* ---- spikes ---- */

/* 60 minutes at 2% failures (6 windows of 10m folded: baseline 2%), then
 * 20% from minute 61. The level is max(3 x 2%, 5%) = 6%; after k spike
 * minutes the window holds (2 (10 - k) + 20 k) / 1000, above 6% from
 * k = 3: it fires at the boundary of minute 64. */
START_TEST(test_spike)
{
    struct bs_alert_set *s = new_set();
    add_ok(s, "provider=google spike>3x window=10m baseline=1h floor=5% "
              "min=50 warmup=3");
    for (int m = 0; m < 61; m++)
        minute(s, m, 98, 2);
    ck_assert_uint_eq(nnotes, 0);
    for (int m = 61; m < 66; m++)
        minute(s, m, 80, 20);
    ck_assert_uint_eq(nnotes, 1);
    ck_assert_int_eq(notes[0].at, MIN(64));
    ck_assert_msg(strstr(notes[0].json, "\"value\":0.074000,\"numerator\""
                                        ":74,\"denominator\":1000,\"rate\":"
                                        "0.074000,\"threshold\":0.060000,"
                                        "\"baseline\":0.020000,\"factor\":3,"
                                        "\"floor\":0.050000,"),
                  "%s", notes[0].json);
    bs_alert_set_free(s);
}
END_TEST

/* Warmup: no failures for 15 minutes (one window folded at 10), then
 * 10%. With warmup=1 the baseline is 0 and it fires at once, at 16
 * (10/1000 > 0). With warmup=3 it waits for the third fold, at 30:
 * the baseline is then 1/6 x 5% (fold at 20, alpha = 10m/1h), then
 * + 1/6 x (10% - that) = 2.36%, the level 7.08%, and the window 10%
 * fires at 31. */
START_TEST(test_spike_warmup)
{
    struct bs_alert_set *s = new_set();
    add_ok(s, "spike>3x window=10m baseline=1h min=50 warmup=1");
    add_ok(s, "spike>3x window=10m baseline=1h min=50 warmup=3");
    for (int m = 0; m < 40; m++)
        minute(s, m, m < 15 ? 100 : 90, m < 15 ? 0 : 10);
    ck_assert_uint_eq(nnotes, 2);
    ck_assert_int_eq(notes[0].rule, 0);
    ck_assert_int_eq(notes[0].at, MIN(16));
    ck_assert_int_eq(notes[1].rule, 1);
    ck_assert_int_eq(notes[1].at, MIN(31));
    bs_alert_set_free(s);
}
END_TEST

/* Floor: a clean history, then 3% (above 3 x a tiny baseline but under
 * the 5% floor: quiet), then 10% from minute 40: the window passes 5%
 * at 43 (7 x 3 + 30 = 51 of 1000). */
START_TEST(test_spike_floor)
{
    struct bs_alert_set *s = new_set();
    add_ok(s, "spike>3x window=10m baseline=1h floor=5% min=50 warmup=1");
    for (int m = 0; m < 40; m++)
        minute(s, m, m < 21 ? 100 : 97, m < 21 ? 0 : 3);
    ck_assert_uint_eq(nnotes, 0);
    for (int m = 40; m < 45; m++)
        minute(s, m, 90, 10);
    ck_assert_uint_eq(nnotes, 1);
    ck_assert_int_eq(notes[0].at, MIN(43));
    ck_assert_msg(strstr(notes[0].json, "\"threshold\":0.050000,"), "%s",
                  notes[0].json);
    bs_alert_set_free(s);
}
END_TEST

/* ---- keys ---- */

START_TEST(test_group_by_provider)
{
    struct bs_alert_set *s = new_set();
    add_ok(s, "group_by=provider rate>10% window=5m");
    for (int m = 0; m < 10; m++) {
        minute(s, m, 50, m >= 3 ? 50 : 0);
        obs(s, m, 100, BS_AW_SENT, 2, 0, NULL);
    }
    ck_assert_uint_eq(nnotes, 1);
    ck_assert_uint_eq(notes[0].key, 1);
    ck_assert_msg(strstr(notes[0].json, "\"group_by\":\"provider\",\"key\":"
                                        "{\"provider\":\"google\"}"),
                  "%s", notes[0].json);
    bs_alert_set_free(s);
}
END_TEST

/* max_groups=2: a third domain is refused (counted) while the two are
 * active or firing; once both are resolved and idle, it replaces the
 * least recently seen. */
START_TEST(test_group_cap)
{
    struct bs_alert_set *s = new_set();
    add_ok(s, "group_by=sender_domain max_groups=2 bounces>3 window=5m");
    const struct bs_alert_rule *r = bs_alert_set_rule(s, 0);
    obs(s, 0, 5, BS_AW_BOUNCED, 1, BS_CAT_AUTHFAILURE, "a.example");
    obs(s, 0, 5, BS_AW_BOUNCED, 1, BS_CAT_AUTHFAILURE, "b.example");
    obs(s, 0, 5, BS_AW_BOUNCED, 1, BS_CAT_AUTHFAILURE, "c.example");
    ck_assert_uint_eq(r->nkeys, 2);
    ck_assert_uint_eq(r->groups_refused, 5);
    obs(s, 1, 1, BS_AW_SENT, 1, 0, "a.example");
    ck_assert_uint_eq(nnotes, 2); /* a and b fire at minute 1 */
    ck_assert_msg(strstr(notes[1].json, "\"key\":{\"sender_domain\":"
                                        "\"b.example\"}"), "%s",
                  notes[1].json);
    obs(s, 3, 1, BS_AW_BOUNCED, 1, BS_CAT_AUTHFAILURE, "c.example");
    ck_assert_uint_eq(r->groups_refused, 6);
    obs(s, 7, 1, BS_AW_SENT, 1, 0, "c.example");
    ck_assert_uint_eq(nnotes, 4); /* both resolved at minute 6 */
    ck_assert_int_eq(notes[3].at, MIN(6));
    ck_assert_uint_eq(r->groups_refused, 6); /* c replaced b */
    ck_assert_uint_eq(r->nkeys, 2);
    ck_assert_uint_eq(r->keys[1]->value, id_of("c.example"));
    obs(s, 8, 5, BS_AW_BOUNCED, 1, BS_CAT_AUTHFAILURE, "c.example");
    bs_alert_flush(s);
    ck_assert_uint_eq(nnotes, 5);
    ck_assert_int_eq(notes[4].at, MIN(9));
    ck_assert_msg(strstr(notes[4].json, "\"sender_domain\":\"c.example\""),
                  "%s", notes[4].json);
    bs_alert_set_free(s);
}
END_TEST

START_TEST(test_late_observations)
{
    struct bs_alert_set *s = new_set();
    add_ok(s, "bounces>3 window=5m");
    minute(s, 100, 1, 0);
    minute(s, 90, 0, 10); /* older than the window: dropped */
    ck_assert_uint_eq(bs_alert_set_late(s), 10);
    minute(s, 97, 0, 10); /* inside the window: counted */
    bs_alert_flush(s);
    ck_assert_uint_eq(nnotes, 1);
    ck_assert_int_eq(notes[0].at, MIN(101));
    ck_assert_uint_eq(notes[0].num, 10);
    bs_alert_set_free(s);
}
END_TEST

START_TEST(test_filters_and_deferrals)
{
    struct bs_alert_set *s = new_set();
    add_ok(s, "deferral_rate>30% window=5m");
    add_ok(s, "deferrals>5 provider=yahoo window=5m");
    add_ok(s, "dsn=5.1.* rate>1% window=5m");
    add_ok(s, "category=authfailure sender_domain=other.example rate>1% "
              "window=5m");
    for (int m = 0; m < 3; m++) {
        minute(s, m, 10, 10);
        obs(s, m, 10, BS_AW_DEFERRED, 1, BS_CAT_AUTHFAILURE, NULL);
    }
    /* deferral_rate: 10 / (10 + 20) per minute = 33%: fires at 1. The
     * rest never match: yahoo, 5.1.x, other.example. */
    ck_assert_uint_eq(nnotes, 1);
    ck_assert_int_eq(notes[0].rule, 0);
    ck_assert_int_eq(notes[0].at, MIN(1));
    ck_assert_uint_eq(notes[0].num, 10);
    ck_assert_uint_eq(notes[0].den, 30);
    bs_alert_set_free(s);
}
END_TEST

START_TEST(test_reasons)
{
    struct bs_alert_set *s = new_set();
    add_ok(s, "bounces>5 window=5m");
    obs(s, 0, 3, BS_AW_BOUNCED, 1, BS_CAT_USERUNKNOWN, NULL);
    obs(s, 0, 5, BS_AW_BOUNCED, 1, BS_CAT_AUTHFAILURE, NULL);
    for (unsigned c = BS_CAT_BADREPUTATION; c < BS_CAT_BADREPUTATION + 8;
         c++)
        obs(s, 0, 1, BS_AW_EXPIRED, 1, c, NULL);
    bs_alert_flush(s);
    ck_assert_uint_eq(nnotes, 1);
    const char *j = notes[0].json;
    const char *a = strstr(j, "\"category\":\"authfailure\"");
    const char *u = strstr(j, "\"category\":\"userunknown\"");
    const char *b = strstr(j, "\"category\":\"badreputation\"");
    ck_assert_msg(a && u && b && a < u && u < b, "%s", j);
    /* 8 slots: authfailure, userunknown and 6 of the 8 singles; shown
     * are the top 3 (5 + 3 + 1), the other 7 in reasons_other */
    ck_assert_msg(strstr(j, "],\"reasons_other\":7}"), "%s", j);
    bs_alert_set_free(s);
}
END_TEST

/* ---- through the engine, on log lines ---- */

static char engine_json[8][4096];
static int engine_notes;

static void engine_alert(void *ctx, const struct bs_alert_event *ev)
{
    (void)ctx;
    if (engine_notes < 8)
        snprintf(engine_json[engine_notes], sizeof engine_json[0], "%s|%s|"
                 "%s|%s", ev->json, ev->state, ev->key, ev->measure);
    engine_notes++;
}

START_TEST(test_engine)
{
    struct bs_engine_options o;
    bs_engine_options_default(&o);
    o.alert_fn = engine_alert;
    char err[256];
    struct bs_engine *e = bs_engine_new(&o, err, sizeof err);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(bs_engine_add_alert_rule(e, "provider=gogle rate>1%",
                                              err, sizeof err), -1);
    ck_assert_str_eq(err, "column 10: unknown provider 'gogle'");
    ck_assert_int_eq(bs_engine_add_alert_rule(e, "provider=google "
                                              "category=authfailure rate>40% "
                                              "window=2m min=2", err,
                                              sizeof err), 0);
    struct bs_buf log;
    bs_buf_init(&log);
    for (int i = 0; i < 6; i++) {
        bs_buf_printf(&log, "2026-11-02T06:0%d:10+00:00 mx1 postfix/qmgr[1]: "
                      "4A1B2C3D4E%d: from=<news@Shop.Example>, size=1, nrcpt=1 "
                      "(queue active)\n", i, i);
        if (i % 3 == 0)
            bs_buf_printf(&log, "2026-11-02T06:0%d:20+00:00 mx1 postfix/smtp"
                          "[2]: 4A1B2C3D4E%d: to=<u%d@gmail.com>, relay=gmail-smtp-"
                          "in.l.google.com[142.250.1.26]:25, delay=1, dsn="
                          "2.0.0, status=sent (250 2.0.0 OK - gsmtp)\n", i,
                          i, i);
        else
            bs_buf_printf(&log, "2026-11-02T06:0%d:20+00:00 mx1 postfix/smtp"
                          "[2]: 4A1B2C3D4E%d: to=<u%d@gmail.com>, relay=gmail-smtp-"
                          "in.l.google.com[142.250.1.26]:25, delay=1, dsn="
                          "5.7.26, status=bounced (host gmail-smtp-in.l."
                          "google.com[142.250.1.26] said: 550-5.7.26 "
                          "Unauthenticated email from shop.example is not "
                          "accepted due to domain's DMARC policy. Please "
                          "contact the administrator of shop.example domain "
                          "(in reply to end of DATA command))\n", i, i, i);
    }
    bs_engine_begin_input(e, "log", T0);
    ck_assert_int_eq(bs_engine_feed(e, log.data, log.len), 0);
    ck_assert_int_eq(bs_engine_end_input(e), 0);
    /* minutes 0..5: sent, bounced, bounced, sent, bounced, bounced; the
     * boundary 06:02 judges 06:00-06:01: 1/2 = 50%: fires */
    ck_assert_int_eq(engine_notes, 1);
    bs_engine_alerts_flush(e);
    ck_assert_int_eq(engine_notes, 1);
    const char *j = engine_json[0];
    ck_assert_msg(strstr(j, "\"at\":\"2026-11-02T06:02:00Z\""), "%s", j);
    ck_assert_msg(strstr(j, "\"key\":{\"provider\":\"google\",\"category\":"
                            "\"authfailure\"}"), "%s", j);
    ck_assert_msg(strstr(j, "\"detail\":\"dmarc\""), "%s", j);
    ck_assert_msg(strstr(j, "\"hint\":\"Gmail"), "%s", j);
    ck_assert_msg(strstr(j, "|firing|provider=google category=authfailure|"
                            "rate"), "%s", j);
    bs_buf_fini(&log);
    bs_engine_free(e);
}
END_TEST

static Suite *alert_suite(void)
{
    Suite *s = suite_create("alert");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_parse_errors, 0, BS_ARRAY_LEN(bad_rules));
    tcase_add_test(tc, test_parse_ok);
    tcase_add_test(tc, test_durations);
    tcase_add_test(tc, test_threshold_hysteresis);
    tcase_add_test(tc, test_threshold_clear);
    tcase_add_test(tc, test_min_volume);
    tcase_add_test(tc, test_counts_and_flush);
    tcase_add_test(tc, test_gap);
    tcase_add_test(tc, test_renotify);
    tcase_add_test(tc, test_spike);
    tcase_add_test(tc, test_spike_warmup);
    tcase_add_test(tc, test_spike_floor);
    tcase_add_test(tc, test_group_by_provider);
    tcase_add_test(tc, test_group_cap);
    tcase_add_test(tc, test_late_observations);
    tcase_add_test(tc, test_filters_and_deferrals);
    tcase_add_test(tc, test_reasons);
    tcase_add_test(tc, test_engine);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(alert_suite());
}
