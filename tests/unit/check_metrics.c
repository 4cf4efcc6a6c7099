/*
 * check_metrics.c - the Prometheus exposition of the engine: every line
 * is valid text format 0.0.4 (HELP and TYPE before a family's samples,
 * families contiguous, valid names and labels, no duplicate series),
 * the counters add up to what was fed, sender domains stay within top N
 * plus "other", the chosen set is sticky and every counter grows.
 */
#include "bouncestat.h"
#include "buf.h"
#include "support.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a validator of the text format ---- */

struct series {
    char key[512]; /* name{labels} */
    char name[128];
    double value;
};

struct exposition {
    struct series s[4096];
    size_t n;
    char families[64][128];
    size_t nfam;
};

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == ':' || (!first && c >= '0' && c <= '9');
}

/* Checks "name" or "name{k="v",...}" then " value"; fills s. */
static void parse_sample(const char *line, struct series *s)
{
    const char *p = line;
    size_t n = 0;
    while (name_char(*p, n == 0))
        p++, n++;
    ck_assert_msg(n > 0 && n < sizeof s->name, "bad name: %s", line);
    memcpy(s->name, line, n);
    s->name[n] = '\0';
    if (*p == '{') {
        p++;
        while (*p != '}') {
            size_t k = 0;
            while (name_char(*p, k == 0))
                p++, k++;
            ck_assert_msg(k > 0 && p[0] == '=' && p[1] == '"',
                          "bad label: %s", line);
            p += 2;
            while (*p != '"') {
                ck_assert_msg(*p && *p != '\n', "open label: %s", line);
                if (*p == '\\') {
                    ck_assert_msg(p[1] == '\\' || p[1] == '"' ||
                                  p[1] == 'n', "bad escape: %s", line);
                    p++;
                }
                p++;
            }
            p++;
            if (*p == ',')
                p++;
            else
                ck_assert_msg(*p == '}', "bad label list: %s", line);
        }
        p++;
    }
    size_t klen = (size_t)(p - line);
    ck_assert_uint_lt(klen, sizeof s->key);
    memcpy(s->key, line, klen);
    s->key[klen] = '\0';
    ck_assert_msg(*p == ' ', "no value: %s", line);
    char *end;
    s->value = strtod(p + 1, &end);
    ck_assert_msg(end != p + 1 && *end == '\0', "bad value: %s", line);
}

static void validate(const char *text, struct exposition *x)
{
    memset(x, 0, sizeof *x);
    char cur[128] = "", help[128] = "";
    bool typed = false;
    ck_assert_msg(*text && text[strlen(text) - 1] == '\n', "no final \\n");
    char *copy = strdup(text);
    for (char *line = copy, *next; *line; line = next) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        next = nl + 1;
        ck_assert_msg(*line, "empty line");
        if (!strncmp(line, "# HELP ", 7)) {
            size_t k = strcspn(line + 7, " ");
            ck_assert_uint_lt(k, sizeof help);
            memcpy(help, line + 7, k);
            help[k] = '\0';
            continue;
        }
        if (!strncmp(line, "# TYPE ", 7)) {
            size_t k = strcspn(line + 7, " ");
            memcpy(cur, line + 7, k);
            cur[k] = '\0';
            ck_assert_str_eq(cur, help);
            const char *type = line + 7 + k + 1;
            ck_assert_msg(!strcmp(type, "counter") || !strcmp(type, "gauge"),
                          "%s", line);
            for (size_t i = 0; i < x->nfam; i++)
                ck_assert_msg(strcmp(x->families[i], cur), "family %s "
                              "twice", cur);
            ck_assert_uint_lt(x->nfam, 64);
            snprintf(x->families[x->nfam++], 128, "%s", cur);
            typed = true;
            continue;
        }
        ck_assert_msg(line[0] != '#', "stray comment: %s", line);
        ck_assert_msg(typed, "sample before any TYPE: %s", line);
        ck_assert_uint_lt(x->n, 4096);
        struct series *s = &x->s[x->n];
        parse_sample(line, s);
        ck_assert_str_eq(s->name, cur);
        if (strstr(cur, "_total"))
            ck_assert(s->value >= 0);
        for (size_t i = 0; i < x->n; i++)
            ck_assert_msg(strcmp(x->s[i].key, s->key), "twice: %s", s->key);
        x->n++;
    }
    free(copy);
}

static double value_of(const struct exposition *x, const char *key)
{
    for (size_t i = 0; i < x->n; i++)
        if (!strcmp(x->s[i].key, key))
            return x->s[i].value;
    return -1;
}

static double sum_of(const struct exposition *x, const char *prefix,
                     const char *contains)
{
    double t = 0;
    for (size_t i = 0; i < x->n; i++)
        if (!strncmp(x->s[i].key, prefix, strlen(prefix)) &&
            strstr(x->s[i].key, contains))
            t += x->s[i].value;
    return t;
}

/* ---- input ---- */

static unsigned qid;

/* n deliveries from sender domain dom to gmail, bounced every k-th. */
static void mail(struct bs_buf *b, const char *dom, int n, int k)
{
    for (int i = 0; i < n; i++) {
        unsigned q = ++qid;
        bs_buf_printf(b, "2026-11-02T06:%02u:00+00:00 mx1 postfix/qmgr[1]: "
                      "5A%09X: from=<a@%s>, size=1, nrcpt=1 (queue "
                      "active)\n", q % 60, q, dom);
        bool bounce = k && i % k == 0;
        bs_buf_printf(b, "2026-11-02T06:%02u:01+00:00 mx1 postfix/smtp[2]: "
                      "5A%09X: to=<u@%s>, relay=mx[192.0.2.1]:25, delay=1, "
                      "dsn=%s, status=%s (%s)\n", q % 60, q,
                      i % 2 ? "gmail.com" : "yahoo.co.jp",
                      bounce ? "5.1.1" : "2.0.0",
                      bounce ? "bounced" : "sent",
                      bounce ? "550 5.1.1 user unknown" : "250 ok");
    }
}

static struct bs_engine *engine(void)
{
    return bs_test_engine_new(0); /* the default options */
}

static void feed(struct bs_engine *e, struct bs_buf *b)
{
    bs_engine_begin_input(e, "log", 1793599200);
    ck_assert_int_eq(bs_engine_feed(e, b->data, b->len), 0);
    ck_assert_int_eq(bs_engine_end_input(e), 0);
    bs_buf_reset(b);
}

static void render(struct bs_engine *e, unsigned top, struct exposition *x)
{
    char *out;
    size_t len;
    bs_engine_render_metrics(e, top, &out, &len);
    ck_assert_uint_eq(strlen(out), len);
    validate(out, x);
    free(out);
}

START_TEST(test_format_and_sums)
{
    static struct exposition x;
    struct bs_engine *e = engine();
    ck_assert_int_eq(bs_engine_add_alert_rule(e, "rate>50% name=all", NULL,
                                              0), 0);
    struct bs_buf b;
    bs_buf_init(&b);
    render(e, 5, &x); /* an empty engine is valid too */
    ck_assert(value_of(&x, "bouncestat_lines_read_total") == 0);
    mail(&b, "shop.example", 40, 4);
    mail(&b, "news.example", 10, 0);
    bs_buf_puts(&b, "garbage line\n");
    feed(e, &b);
    render(e, 5, &x);
    ck_assert(value_of(&x, "bouncestat_lines_read_total") == 101);
    ck_assert(value_of(&x, "bouncestat_lines_parsed_total") == 100);
    ck_assert(value_of(&x, "bouncestat_lines_skipped_total{reason=\""
                           "no_syslog_prefix\"}") == 1);
    ck_assert(value_of(&x, "bouncestat_deliveries_total{provider=\"google\","
                           "status=\"sent\",category=\"none\"}") == 25);
    ck_assert(sum_of(&x, "bouncestat_deliveries_total", "status=\"bounced\"")
              == 10);
    ck_assert(sum_of(&x, "bouncestat_sender_deliveries_total",
                     "status=\"sent\"") == 40);
    ck_assert(value_of(&x, "bouncestat_sender_deliveries_total{sender_domain"
                           "=\"shop.example\",status=\"bounced\"}") == 10);
    ck_assert(value_of(&x, "bouncestat_correlation_messages") == 50);
    ck_assert(value_of(&x, "bouncestat_last_log_timestamp_seconds") > 0);
    ck_assert(value_of(&x, "bouncestat_alert_rules") == 1);
    ck_assert(value_of(&x, "bouncestat_alerts_firing{rule_index=\"0\",name="
                           "\"all\"}") == 0);
    ck_assert(value_of(&x, "bouncestat_input_bytes_total") > 0);
    bs_buf_fini(&b);
    bs_engine_free(e);
}
END_TEST

static size_t sender_domains(const struct exposition *x, bool *has_other)
{
    char seen[64][128];
    size_t n = 0;
    *has_other = false;
    for (size_t i = 0; i < x->n; i++) {
        const char *k = x->s[i].key;
        if (strncmp(k, "bouncestat_sender_deliveries_total{", 35))
            continue;
        const char *v = strstr(k, "sender_domain=\"") + 15;
        size_t len = strcspn(v, "\"");
        char d[128];
        snprintf(d, sizeof d, "%.*s", (int)len, v);
        if (!strcmp(d, "other"))
            *has_other = true;
        bool dup = false;
        for (size_t j = 0; j < n; j++)
            dup |= !strcmp(seen[j], d);
        if (!dup && n < 64)
            snprintf(seen[n++], 128, "%s", d);
    }
    return n;
}

START_TEST(test_cardinality_and_stickiness)
{
    static struct exposition a, z;
    struct bs_engine *e = engine();
    struct bs_buf b;
    bs_buf_init(&b);
    char dom[64];
    for (int d = 0; d < 30; d++) {
        snprintf(dom, sizeof dom, "d%02d.example", d);
        mail(&b, dom, 1 + d, 3); /* d29 has the most */
    }
    feed(e, &b);
    render(e, 5, &a);
    bool other;
    ck_assert_uint_eq(sender_domains(&a, &other), 6); /* 5 + other */
    ck_assert(other);
    ck_assert(value_of(&a, "bouncestat_sender_deliveries_total{sender_domain"
                           "=\"d29.example\",status=\"sent\"}") > 0);
    ck_assert(value_of(&a, "bouncestat_sender_deliveries_total{sender_domain"
                           "=\"d24.example\",status=\"sent\"}") < 0);
    double total = sum_of(&a, "bouncestat_sender_deliveries_total", "");
    ck_assert(total == sum_of(&a, "bouncestat_deliveries_total", ""));
    /* a newcomer bigger than all: the shown set stays, other grows */
    mail(&b, "big.example", 500, 0);
    feed(e, &b);
    render(e, 5, &z);
    ck_assert_uint_eq(sender_domains(&z, &other), 6);
    ck_assert(value_of(&z, "bouncestat_sender_deliveries_total{sender_domain"
                           "=\"big.example\",status=\"sent\"}") < 0);
    for (size_t i = 0; i < a.n; i++) {
        double now = value_of(&z, a.s[i].key);
        if (strstr(a.s[i].key, "_total"))
            ck_assert_msg(now >= a.s[i].value, "%s went down", a.s[i].key);
    }
    ck_assert(value_of(&z, "bouncestat_sender_deliveries_total{sender_domain"
                           "=\"other\",status=\"sent\"}") >=
              500 + value_of(&a, "bouncestat_sender_deliveries_total{"
                                 "sender_domain=\"other\",status=\"sent\"}"));
    /* top 0: everything is other */
    render(e, 0, &z);
    ck_assert_uint_eq(sender_domains(&z, &other), 6); /* sticky already */
    struct bs_engine *e2 = engine();
    mail(&b, "x.example", 3, 0);
    feed(e2, &b);
    render(e2, 0, &z);
    ck_assert_uint_eq(sender_domains(&z, &other), 1);
    ck_assert(other);
    bs_engine_free(e2);
    bs_buf_fini(&b);
    bs_engine_free(e);
}
END_TEST

/* A hostile sender domain: not UTF-8, with a quote and a backslash. */
START_TEST(test_label_values)
{
    static struct exposition x;
    struct bs_engine *e = engine();
    struct bs_buf b;
    bs_buf_init(&b);
    mail(&b, "b\xffq\"z\\.example", 3, 0);
    feed(e, &b);
    char *out;
    size_t len;
    bs_engine_render_metrics(e, 5, &out, &len);
    ck_assert_msg(strstr(out, "sender_domain=\"b\xef\xbf\xbdq\\\"z\\\\.example\""),
                  "%s", out);
    for (size_t i = 0; i < len; i++)
        ck_assert_msg((unsigned char)out[i] != 0xff, "raw byte at %zu", i);
    validate(out, &x);
    free(out);
    bs_buf_fini(&b);
    bs_engine_free(e);
}
END_TEST

static Suite *metrics_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_format_and_sums);
    tcase_add_test(tc, test_cardinality_and_stickiness);
    tcase_add_test(tc, test_label_values);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(metrics_suite());
}
