/*
 * check_report.c - the deliverability report: HTML structure (self-
 * contained, A4 print CSS, charts with the expected number of series,
 * the colour-blind-safe palette), Markdown structure, Japanese labels and
 * hints, escaping of log text, CSV tables and JSON, the comparison with a
 * previous period, the --since/--until window and local days in a zone.
 */
#include "bouncestat.h"
#include "jsonr.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REF_TIME 1795780800 /* 2026-11-27 12:00:00 UTC */

static struct bs_engine *engine_with(const struct bs_engine_options *o)
{
    char err[256];
    struct bs_engine *e = bs_engine_new(o, err, sizeof err);
    ck_assert_msg(e != NULL, "%s", err);
    return e;
}

static struct bs_engine *engine_new(void)
{
    struct bs_engine_options o;
    bs_engine_options_default(&o);
    o.year = 2026;
    return engine_with(&o);
}

static void feed(struct bs_engine *e, const char *data, size_t len)
{
    bs_engine_begin_input(e, "test.log", REF_TIME);
    ck_assert_int_eq(bs_engine_feed(e, data, len), 0);
    ck_assert_int_eq(bs_engine_end_input(e), 0);
    bs_engine_finish(e);
}

static struct bs_engine *sample_engine(void)
{
    size_t len;
    char *log = bs_test_read_file(BS_TEST_DATA "/sample/maillog", &len);
    ck_assert_ptr_nonnull(log);
    struct bs_engine *e = engine_new();
    feed(e, log, len);
    free(log);
    return e;
}

static char *report(struct bs_engine *e, enum bs_format f, enum bs_lang lang,
                    struct bs_engine *prev)
{
    struct bs_report_options o;
    bs_report_options_default(&o);
    o.format = f;
    o.lang = lang;
    o.previous = prev;
    o.period = "2026-11";
    char *out, err[256];
    size_t len;
    ck_assert_int_eq(bs_engine_report(e, &o, &out, &len, err, sizeof err),
                     0);
    ck_assert_uint_eq(strlen(out), len);
    return out;
}

static char *render(struct bs_engine *e, enum bs_format f, const char *by)
{
    char *out, err[256];
    size_t len;
    ck_assert_int_eq(bs_engine_render(e, f, by, &out, &len, err,
                                      sizeof err), 0);
    return out;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + k, needle))
        n++;
    return n;
}

#define HAS(text, s) ck_assert_msg(strstr((text), (s)) != NULL, "no '%s'", (s))
#define HASNT(text, s) \
    ck_assert_msg(strstr((text), (s)) == NULL, "unwanted '%s'", (s))

/* Rows of a CSV rendering whose failures or deliveries are non-zero. */
static size_t csv_rows_with(const char *csv, bool failures)
{
    size_t n = 0;
    const char *line = strchr(csv, '\n');
    while (line && line[1]) {
        line++;
        unsigned long long s, b, x, d;
        const char *f = line;
        for (int comma = 0; comma < 1; f++)
            comma += *f == ',';
        if (sscanf(f, "%llu,%llu,%llu,%llu", &s, &b, &x, &d) == 4 &&
            (failures ? b + x : s + b + x) > 0)
            n++;
        line = strchr(line, '\n');
    }
    return n;
}

START_TEST(test_html_self_contained)
{
    struct bs_engine *e = sample_engine();
    char *h = report(e, BS_FORMAT_HTML, BS_LANG_EN, NULL);
    ck_assert(strncmp(h, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
    HAS(h, "<meta charset=\"utf-8\">");
    ck_assert(strcmp(h + strlen(h) - 8, "</html>\n") == 0);
    /* Nothing is fetched: no script, no link, no src/href, no @import or
     * url() in the style sheet. */
    HASNT(h, "<script");
    HASNT(h, "<link");
    HASNT(h, " src=");
    HASNT(h, " href=");
    HASNT(h, "@import");
    HASNT(h, "url(");
    HASNT(h, "@font-face");
    /* A4 print style */
    HAS(h, "@page{size:A4");
    HAS(h, "@media print{");
    HAS(h, "break-inside:avoid");
    HAS(h, "print-color-adjust:exact");
    /* the sections */
    static const char *const ids[] = {
        "totals", "daily-rate", "daily-volume", "providers", "senders",
        "categories", "reasons", "auth", "compare", "notes",
    };
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        char want[64];
        snprintf(want, sizeof want, "<section id=\"%s\">", ids[i]);
        HAS(h, want);
    }
    HAS(h, "9.61%");     /* the sample's failure rate ... */
    HAS(h, "of 614");    /* ... with its denominator */
    free(h);
    bs_engine_free(e);
}
END_TEST

START_TEST(test_html_chart_series)
{
    struct bs_engine *e = sample_engine();
    char *h = report(e, BS_FORMAT_HTML, BS_LANG_EN, NULL);
    char *prov = render(e, BS_FORMAT_CSV, "provider");
    char *cats = render(e, BS_FORMAT_CSV, "category");
    size_t nprov = csv_rows_with(prov, false), ncat = csv_rows_with(cats, true);
    ck_assert_uint_eq(nprov, 9); /* the sample reaches 9 providers */
    ck_assert_uint_eq(count(h, "<svg class=\"chart\""), 3);
    ck_assert_uint_eq(count(h, "data-chart=\"daily-rate\" data-series="),
                      nprov > 8 ? 8 : nprov);
    ck_assert_uint_eq(count(h, "data-chart=\"daily-volume\" data-series="),
                      3);
    ck_assert_uint_eq(count(h, "data-chart=\"categories\" data-series="),
                      ncat > 8 ? 8 : ncat);
    /* axes with units, a legend, titles for screen readers */
    HAS(h, "Failure rate (%)");
    HAS(h, "Deliveries per day");
    HAS(h, "<g class=\"legend\"");
    HAS(h, "<g class=\"axis y\"");
    HAS(h, "<g class=\"axis x\"");
    HAS(h, "<title id=\"daily-rate-t\">Daily failure rate per provider");
    HAS(h, "Not drawn (fewer deliveries): softbank"); /* the 9th */
    free(prov);
    free(cats);
    free(h);
    bs_engine_free(e);
}
END_TEST

/* Every colour the charts use is from the Okabe-Ito palette or a grey. */
START_TEST(test_html_palette)
{
    static const char *const allowed[] = {
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
        "#000000", "#F0E442", "#333", "#e4e4e4", "#fff",
    };
    struct bs_engine *e = sample_engine();
    char *h = report(e, BS_FORMAT_HTML, BS_LANG_EN, NULL);
    const char *svg = strstr(h, "<svg");
    ck_assert_ptr_nonnull(svg);
    size_t used = 0;
    for (const char *p = svg; (p = strpbrk(p, "=")) != NULL; p++) {
        if (strncmp(p - 4, "fill", 4) && strncmp(p - 6, "stroke", 6))
            continue;
        if (p[1] != '"' || p[2] != '#')
            continue;
        const char *end = strchr(p + 2, '"');
        bool ok = false;
        for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
            ok |= (size_t)(end - p - 2) == strlen(allowed[i]) &&
                  !strncmp(p + 2, allowed[i], strlen(allowed[i]));
        ck_assert_msg(ok, "colour %.*s", (int)(end - p - 2), p + 2);
        used++;
    }
    ck_assert_uint_gt(used, 20);
    for (int i = 0; i < 8; i++)
        HAS(h, allowed[i]); /* all eight Okabe-Ito colours */
    /* lines differ by dash pattern too */
    HAS(h, "stroke-dasharray=\"7 3\"");
    free(h);
    bs_engine_free(e);
}
END_TEST

START_TEST(test_lang_ja)
{
    struct bs_engine *e = sample_engine();
    char *h = report(e, BS_FORMAT_HTML, BS_LANG_JA, NULL);
    HAS(h, "<html lang=\"ja\">");
    HAS(h, "<h1>配信状況レポート 2026-11</h1>");
    HAS(h, "<h2>合計</h2>");
    HAS(h, "<h2>宛先事業者別の日次失敗率</h2>");
    HAS(h, "<h2>主な失敗理由</h2>");
    HAS(h, "<h2>認証失敗(DMARC・SPF・DKIM)</h2>");
    HAS(h, "失敗率(%)");
    HAS(h, "9.61%</div><div class=\"d\">(614 件中)");
    HAS(h, "11.21%(214 件中)"); /* other */
    HAS(h, "してください"); /* hints from hint.ja */
    HASNT(h, "Top reasons");
    char *md = report(e, BS_FORMAT_MD, BS_LANG_JA, NULL);
    ck_assert(strncmp(md, "# 配信状況レポート 2026-11\n", 32) == 0);
    HAS(md, "\n## 合計\n");
    HAS(md, "\n## 日次の配信数\n");
    HAS(md, "| 日付 |");
    HAS(md, "してください");
    char *j = report(e, BS_FORMAT_JSON, BS_LANG_JA, NULL);
    HAS(j, "\"lang\":\"ja\"");
    free(j);
    free(md);
    free(h);
    bs_engine_free(e);
}
END_TEST

START_TEST(test_md_structure)
{
    struct bs_engine *e = sample_engine();
    char *md = report(e, BS_FORMAT_MD, BS_LANG_EN, NULL);
    ck_assert(strncmp(md, "# Deliverability report 2026-11\n", 32) == 0);
    static const char *const heads[] = {
        "Totals", "Daily failure rate per provider", "Daily volume",
        "Destination providers", "Sender domains with the most failures",
        "Sender domains with the highest failure rate",
        "Failure categories per provider", "Top reasons",
        "Authentication failures (DMARC, SPF, DKIM)",
        "Compared with the previous period", "Notes",
    };
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
        char want[96];
        snprintf(want, sizeof want, "\n## %s\n", heads[i]);
        HAS(md, want);
    }
    HAS(md, "| Day | other | google |");
    HAS(md, "| 2026-11-26 |");
    HAS(md, "- **Failure rate: 9.61% of 614**");
    HAS(md, "- **What to fix**: ");
    HASNT(md, "<");
    free(md);
    bs_engine_free(e);
}
END_TEST

/* Log text is data: it neither runs nor breaks a table. */
static const char hostile_log[] =
    "Nov 27 10:00:00 mx1 postfix/qmgr[1]: AAA111: from=<x@evil.example>, size=1, nrcpt=1 (queue active)\n"
    "Nov 27 10:00:01 mx1 postfix/smtp[2]: AAA111: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[1.2.3.4]:25, delay=1, delays=0/0/0/1, dsn=5.9.9, status=bounced (host said: 550 <script>alert(1)</script> | `x` *y* [z](http://e.example) \"q\" & \xff)\n";

START_TEST(test_escaping)
{
    struct bs_engine *e = engine_new();
    feed(e, hostile_log, sizeof hostile_log - 1);
    char *h = report(e, BS_FORMAT_HTML, BS_LANG_EN, NULL);
    HASNT(h, "<script");
    HAS(h, "&lt;script&gt;alert(1)&lt;/script&gt; | `x` *y* "
           "[z](http://e.example) &quot;q&quot; &amp; \xef\xbf\xbd");
    char *md = report(e, BS_FORMAT_MD, BS_LANG_EN, NULL);
    HAS(md, "&lt;script&gt;alert(1)&lt;/script&gt; \\| \\`x\\` \\*y\\* "
            "\\[z\\](http://e.example) \"q\" &amp; \xef\xbf\xbd");
    char *j = report(e, BS_FORMAT_JSON, BS_LANG_EN, NULL);
    size_t off;
    char msg[96];
    ck_assert_msg(bs_json_check(j, strlen(j), &off, msg, sizeof msg) == 0,
                  "%s at %zu", msg, off);
    free(j);
    free(md);
    free(h);
    bs_engine_free(e);
}
END_TEST

START_TEST(test_csv_tables_and_json)
{
    struct bs_engine *e = sample_engine();
    char *c = report(e, BS_FORMAT_CSV, BS_LANG_EN, NULL);
    static const char *const tables[] = {
        "totals", "daily", "providers", "senders_by_failures",
        "senders_by_rate", "categories", "reasons", "auth", "table",
    };
    size_t lines = 0, heads = 0;
    for (const char *l = c; *l; l = strchr(l, '\n') + 1) {
        if (*l == '\n')
            continue; /* between tables */
        bool ok = false;
        for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
            ok |= !strncmp(l, tables[i], strlen(tables[i])) &&
                  l[strlen(tables[i])] == ',';
        ck_assert_msg(ok, "line %zu: %.40s", lines, l);
        heads += !strncmp(l, "table,", 6);
        lines++;
    }
    ck_assert_uint_eq(heads, 8);
    ck_assert(strncmp(c, "table,period,time_zone,pending,", 31) == 0);
    HAS(c, "\n\ntable,day,provider,sent,bounced,expired,deferred,"
           "denominator,failure_rate\ndaily,2026-11-26,(all),555,58,1,67,"
           "614,0.0961\n");
    char *j = report(e, BS_FORMAT_JSON, BS_LANG_EN, NULL);
    size_t off;
    char msg[96];
    ck_assert_msg(bs_json_check(j, strlen(j), &off, msg, sizeof msg) == 0,
                  "%s at %zu", msg, off);
    HAS(j, "\"report\":1,");
    HAS(j, "\"totals\":{\"sent\":555,\"bounced\":58,\"expired\":1,"
           "\"deferred\":67,\"denominator\":614,\"failure_rate\":0.096091,"
           "\"pending\":29,");
    HAS(j, "\"compare\":null");
    free(j);
    free(c);
    bs_engine_free(e);
}
END_TEST

/* Sender domains ranked by rate have at least min_volume deliveries. */
START_TEST(test_min_volume)
{
    struct bs_engine *e = sample_engine();
    struct bs_report_options o;
    bs_report_options_default(&o);
    o.format = BS_FORMAT_CSV;
    o.min_volume = 30;
    char *c, err[64];
    size_t len;
    ck_assert_int_eq(bs_engine_report(e, &o, &c, &len, err, sizeof err), 0);
    size_t rows = 0;
    for (const char *l = strstr(c, "\nsenders_by_rate,"); l;
         l = strstr(l + 1, "\nsenders_by_rate,")) {
        unsigned rank;
        char name[128];
        unsigned long long minv, s, b, x, d, den;
        ck_assert_int_eq(sscanf(l + 1, "senders_by_rate,%u,%127[^,],%llu,"
                                "%llu,%llu,%llu,%llu,%llu", &rank, name,
                                &minv, &s, &b, &x, &d, &den), 8);
        ck_assert_uint_ge(den, 30);
        ck_assert_uint_eq(minv, 30);
        rows++;
    }
    ck_assert_uint_gt(rows, 3);
    free(c);
    bs_engine_free(e);
}
END_TEST

START_TEST(test_compare)
{
    struct bs_engine *e = sample_engine();
    struct bs_engine *prev = engine_new();
    feed(prev, hostile_log, sizeof hostile_log - 1);
    char *h = report(e, BS_FORMAT_HTML, BS_LANG_EN, prev);
    HASNT(h, "No previous period was given");
    HAS(h, "<td><strong>All providers</strong></td><td class=\"n\">9.61% of "
           "614</td><td class=\"n\">100.00% of 1</td><td class=\"n down\">"
           "-90.39 pp</td>");
    char *j = report(e, BS_FORMAT_JSON, BS_LANG_EN, prev);
    HAS(j, "\"compare\":[{\"provider\":\"(all)\",\"now\":{\"sent\":555,");
    char *md = report(e, BS_FORMAT_MD, BS_LANG_EN, prev);
    HAS(md, "| All providers | 9.61% of 614 | 100.00% of 1 | -90.39 pp |");
    free(md);
    free(j);
    free(h);
    bs_engine_free(prev);
    bs_engine_free(e);
}
END_TEST

/* A message deferred before the window and expiring inside it counts as
 * expired inside; outcomes outside are left out and counted. */
static const char window_log[] =
    "Nov 27 08:00:00 mx1 postfix/qmgr[1]: AAA111: from=<news@shop.example>, size=1, nrcpt=2 (queue active)\n"
    "Nov 27 08:00:01 mx1 postfix/smtp[2]: AAA111: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[1.2.3.4]:25, delay=1, delays=0/0/0/1, dsn=4.4.1, status=deferred (connect to mx.example.net[1.2.3.4]:25: Connection timed out)\n"
    "Nov 27 08:00:02 mx1 postfix/smtp[2]: AAA111: to=<b@gmail.com>, relay=gmail-smtp-in.l.google.com[1.2.3.4]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n"
    "Nov 27 10:30:00 mx1 postfix/qmgr[1]: AAA111: from=<news@shop.example>, status=expired, returned to sender\n"
    "Nov 27 10:30:01 mx1 postfix/qmgr[1]: AAA111: removed\n"
    "Nov 27 12:00:00 mx1 postfix/qmgr[1]: BBB222: from=<x@shop.example>, size=1, nrcpt=1 (queue active)\n"
    "Nov 27 12:00:01 mx1 postfix/smtp[2]: BBB222: to=<c@yahoo.co.jp>, relay=mx.yahoo.co.jp[5.6.7.8]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (550 5.1.1 unknown user)\n";

START_TEST(test_window)
{
    struct bs_engine_options o;
    bs_engine_options_default(&o);
    o.year = 2026;
    o.window = 1;
    o.since = 1795773600; /* 2026-11-27 10:00 UTC */
    o.until = 1795777200; /* 11:00 */
    struct bs_engine *e = engine_with(&o);
    feed(e, window_log, sizeof window_log - 1);
    char *c = render(e, BS_FORMAT_CSV, "sender_domain,category");
    ck_assert_str_eq(c, "sender_domain,category,sent,bounced,expired,"
                        "deferred,failure_rate\n"
                        "shop.example,expired,0,0,1,0,1.0000\n");
    struct bs_window_stats w;
    bs_engine_window_stats(e, &w);
    ck_assert_uint_eq(w.sent, 1);
    ck_assert_uint_eq(w.bounced, 1);
    ck_assert_uint_eq(w.deferred, 1);
    ck_assert_uint_eq(w.expired, 0);
    char *j = render(e, BS_FORMAT_JSON, NULL);
    HASNT(j, "Connection timed out\"},{"); /* one sample: the expiry */
    HAS(j, "\"category\":\"expired\",\"detail\":\"networkerror\"");
    HASNT(j, "unknown user");
    char *h = report(e, BS_FORMAT_HTML, BS_LANG_EN, NULL);
    HAS(h, "Period: 2026-11-27 10:00 to 2026-11-27 11:00");
    HAS(h, "Outcomes outside the period (not counted): Sent 1, Bounced 1, "
           "Expired 0, Deferred attempts 1");
    /* a saved aggregate keeps its window and the outside counts */
    char *saved;
    size_t len;
    bs_engine_save(e, &saved, &len);
    HAS(saved, "\"window\":{\"since\":1795773600,\"until\":1795777200}");
    struct bs_engine *r = engine_new();
    char err[256];
    ck_assert_int_eq(bs_engine_load(r, saved, len, "w.json", err,
                                    sizeof err), 0);
    bs_engine_finish(r);
    char *h2 = report(r, BS_FORMAT_HTML, BS_LANG_EN, NULL);
    HAS(h2, "Period: 2026-11-27 10:00 to 2026-11-27 11:00");
    HAS(h2, "Sent 1, Bounced 1, Expired 0, Deferred attempts 1");
    free(h2);
    bs_engine_free(r);
    free(saved);
    free(h);
    free(j);
    free(c);
    bs_engine_free(e);
}
END_TEST

/* Loading a whole-day aggregate into an engine with a window keeps the
 * cells whose hour starts inside it. */
START_TEST(test_window_on_load)
{
    struct bs_engine *all = engine_new();
    feed(all, window_log, sizeof window_log - 1);
    char *saved;
    size_t len;
    bs_engine_save(all, &saved, &len);
    struct bs_engine_options o;
    bs_engine_options_default(&o);
    o.window = 1;
    o.since = 1795777200; /* 11:00 */
    o.until = 1795784400; /* 13:00 */
    struct bs_engine *e = engine_with(&o);
    char err[256];
    ck_assert_int_eq(bs_engine_load(e, saved, len, "d.json", err,
                                    sizeof err), 0);
    char *c = render(e, BS_FORMAT_CSV, "category");
    ck_assert_str_eq(c, "category,sent,bounced,expired,deferred,"
                        "failure_rate\nuserunknown,0,1,0,0,1.0000\n");
    struct bs_window_stats w;
    bs_engine_window_stats(e, &w);
    ck_assert_uint_eq(w.cells_outside, 3);
    ck_assert_uint_eq(w.sent + w.expired + w.deferred, 3);
    free(c);
    free(saved);
    bs_engine_free(e);
    bs_engine_free(all);
}
END_TEST

/* Days and hours are local in the zone; JSON rows stay UTC. */
START_TEST(test_tz_fixed)
{
    static int32_t tokyo = 9 * 3600;
    struct bs_engine_options o;
    bs_engine_options_default(&o);
    o.year = 2026;
    o.tz_offset = bs_tz_fixed;
    o.tz_ctx = &tokyo;
    struct bs_engine *e = engine_with(&o);
    static const char log[] =
        "Nov 27 16:00:00 mx1 postfix/smtp[2]: AAA111: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[1.2.3.4]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n"
        "Nov 27 14:59:59 mx1 postfix/smtp[2]: AAA112: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[1.2.3.4]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n";
    feed(e, log, sizeof log - 1);
    char *c = render(e, BS_FORMAT_CSV, "day,hour");
    ck_assert_str_eq(c, "day,hour,sent,bounced,expired,deferred,"
                        "failure_rate\n"
                        "2026-11-27,2026-11-27 23:00,1,0,0,0,0.0000\n"
                        "2026-11-28,2026-11-28 01:00,1,0,0,0,0.0000\n");
    char *j = render(e, BS_FORMAT_JSON, NULL);
    HAS(j, "\"hour\":\"2026-11-27 16:00\"");
    char *md = report(e, BS_FORMAT_MD, BS_LANG_EN, NULL);
    HAS(md, "- Time zone: UTC+09:00\n");
    HAS(md, "| 2026-11-27 | 1 | 1 | 0 | 0 | 0 | 0.00% of 1 |");
    HAS(md, "| 2026-11-28 | 1 | 1 | 0 | 0 | 0 | 0.00% of 1 |");
    free(md);
    free(j);
    free(c);
    bs_engine_free(e);
}
END_TEST

/* A zone that moves from +01:00 to +02:00 at 2026-11-27 12:00 UTC. */
static int32_t fake_dst(void *ctx, int64_t utc)
{
    (void)ctx;
    return utc < 1795780800 ? 3600 : 7200;
}

START_TEST(test_tz_change)
{
    struct bs_engine_options o;
    bs_engine_options_default(&o);
    o.year = 2026;
    o.tz_offset = fake_dst;
    static const char log[] =
        "Nov 27 11:00:00 mx1 postfix/smtp[2]: AAA111: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[1.2.3.4]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n"
        "Nov 27 12:00:00 mx1 postfix/smtp[2]: AAA112: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[1.2.3.4]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n"
        "Nov 27 22:00:00 mx1 postfix/smtp[2]: AAA113: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[1.2.3.4]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n";
    struct bs_engine *e = engine_with(&o);
    feed(e, log, sizeof log - 1);
    char *c = render(e, BS_FORMAT_CSV, "hour");
    ck_assert_str_eq(c, "hour,sent,bounced,expired,deferred,failure_rate\n"
                        "2026-11-27 12:00,1,0,0,0,0.0000\n"
                        "2026-11-27 14:00,1,0,0,0,0.0000\n"
                        "2026-11-28 00:00,1,0,0,0,0.0000\n");
    char *md = report(e, BS_FORMAT_MD, BS_LANG_EN, NULL);
    HAS(md, "- Time zone: UTC+01:00 / +02:00\n");
    free(md);
    free(c);
    bs_engine_free(e);
}
END_TEST

START_TEST(test_empty)
{
    struct bs_engine *e = engine_new();
    bs_engine_finish(e);
    char *h = report(e, BS_FORMAT_HTML, BS_LANG_EN, NULL);
    HAS(h, "No deliveries in this period.");
    HASNT(h, "<svg");
    ck_assert(strcmp(h + strlen(h) - 8, "</html>\n") == 0);
    char *md = report(e, BS_FORMAT_MD, BS_LANG_JA, NULL);
    HAS(md, "\n## 合計\n");
    char *j = report(e, BS_FORMAT_JSON, BS_LANG_EN, NULL);
    ck_assert_int_eq(bs_json_check(j, strlen(j), &(size_t){ 0 }, NULL, 0),
                     0);
    char *c = report(e, BS_FORMAT_CSV, BS_LANG_EN, NULL);
    free(c);
    free(j);
    free(md);
    free(h);
    bs_engine_free(e);
}
END_TEST

START_TEST(test_format_errors)
{
    struct bs_engine *e = engine_new();
    struct bs_report_options o;
    bs_report_options_default(&o);
    ck_assert_int_eq(o.format, BS_FORMAT_HTML);
    ck_assert_uint_eq(o.min_volume, 100);
    o.format = BS_FORMAT_TEXT;
    char *out = (char *)1, err[128];
    size_t len = 1;
    ck_assert_int_eq(bs_engine_report(e, &o, &out, &len, err, sizeof err),
                     -1);
    ck_assert_ptr_null(out);
    HAS(err, "html, md, csv or json");
    /* bs_engine_render gives the report for HTML and MD */
    char *h = render(e, BS_FORMAT_HTML, NULL);
    HAS(h, "<!DOCTYPE html>");
    free(h);
    bs_engine_free(e);
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_html_self_contained);
    tcase_add_test(tc, test_html_chart_series);
    tcase_add_test(tc, test_html_palette);
    tcase_add_test(tc, test_lang_ja);
    tcase_add_test(tc, test_md_structure);
    tcase_add_test(tc, test_escaping);
    tcase_add_test(tc, test_csv_tables_and_json);
    tcase_add_test(tc, test_min_volume);
    tcase_add_test(tc, test_compare);
    tcase_add_test(tc, test_window);
    tcase_add_test(tc, test_window_on_load);
    tcase_add_test(tc, test_tz_fixed);
    tcase_add_test(tc, test_tz_change);
    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_format_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(report_suite());
}
