/*
 * report_alert.c - one alert note as a JSON object (doc/alerts.md)
 *
 *   {"state":"firing","at":"2026-11-02T06:15:00Z","rule":"...",
 *    "rule_index":0,"key":{"provider":"google"},"measure":"rate",
 *    "value":0.12,"numerator":25,"denominator":202,"rate":0.12,
 *    "threshold":0.05,"window":{"seconds":900,"start":...,"end":...},
 *    "since":...,"repeat":false,"reasons":[{"category":"authfailure",
 *    "detail":"dmarc","count":20,...,"sample":"...","hint":"..."}],
 *    "reasons_other":0}
 *
 * Rates are fractions with 6 decimals; counts are integers. Names come
 * from the set's bs_alert_names, so the engine and the unit tests render
 * the same way.
 */
#include "alert.h"

#include "agg.h"
#include "classify.h"
#include "window.h"

#include <stdlib.h>

static void bs_alert_json_time(struct bs_buf *b, const char *k, int64_t t)
{
    bs_buf_printf(b, ",\"%s\":\"", k);
    bs_utc_format(b, t, true);
    bs_buf_putc(b, '"');
}

/* A value in the measure's unit: a fraction or a count. */
static void bs_alert_json_value(struct bs_buf *b, const char *k,
                                const struct bs_alert_rule *r, double v)
{
    if (bs_alert_measure_is_rate(r->measure))
        bs_buf_printf(b, ",\"%s\":%.6f", k, v);
    else
        bs_buf_printf(b, ",\"%s\":%.0f", k, v);
}

static void bs_alert_key_field(struct bs_buf *json, struct bs_buf *text,
                               const char *k, const char *v, size_t n)
{
    bs_buf_printf(json, "%s\"%s\":", json->data[json->len - 1] == '{'
                                         ? "" : ",", k);
    bs_buf_json_str(json, v, n);
    if (text) {
        if (text->len)
            bs_buf_putc(text, ' ');
        bs_buf_printf(text, "%s=%.*s", k, (int)n, v);
    }
}

/* The key: the group's value and the rule's filters as written. */
static void bs_alert_json_key(const struct bs_alert_names *nm,
                              const struct bs_alert_note *n,
                              struct bs_buf *b, struct bs_buf *text)
{
    static const char *const names[BS_AF_KINDS] = {
        "provider", "sender_domain", "category", "detail", "dsn"
    };
    const struct bs_alert_rule *r = n->rule;
    bs_buf_puts(b, ",\"key\":{");
    for (int f = 0; f < BS_AF_KINDS; f++) {
        if (f == BS_AF_PROVIDER && r->group == BS_AG_PROVIDER) {
            const char *p = nm->provider_name(nm->ctx, n->key->value);
            bs_alert_key_field(b, text, names[f], p, strlen(p));
        } else if (f == BS_AF_SENDER && r->group == BS_AG_SENDER) {
            struct bs_slice s = nm->string(nm->ctx, n->key->value);
            bs_alert_key_field(b, text, names[f], s.ptr, s.len);
        } else if (r->f[f].n) {
            bs_alert_key_field(b, text, names[f], r->f[f].text,
                               strlen(r->f[f].text));
        }
    }
    bs_buf_putc(b, '}');
}

static int bs_alert_reason_cmp(const struct bs_alert_names *nm,
                               const struct bs_alert_reason *a,
                               const struct bs_alert_reason *b)
{
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    int c = strcmp(bs_category_name(a->category),
                   bs_category_name(b->category));
    if (c)
        return c;
    struct bs_slice x = nm->string(nm->ctx, a->detail);
    struct bs_slice y = nm->string(nm->ctx, b->detail);
    c = memcmp(x.ptr, y.ptr, BS_MIN(x.len, y.len));
    return c ? c : (x.len < y.len ? -1 : x.len > y.len);
}

static void bs_alert_json_reason(const struct bs_alert_names *nm,
                                 const struct bs_alert_reason *rs,
                                 struct bs_buf *b)
{
    struct bs_slice d = nm->string(nm->ctx, rs->detail);
    char dsn[16];
    bs_dsn_format(rs->dsn, dsn);
    bs_buf_puts(b, "{\"category\":");
    const char *c = bs_category_name(rs->category);
    bs_buf_json_str(b, c, strlen(c));
    bs_buf_puts(b, ",\"detail\":");
    bs_buf_json_str(b, d.ptr, d.len);
    bs_buf_printf(b, ",\"count\":%llu,\"dsn\":\"%s\",\"provider\":",
                  (unsigned long long)rs->count, dsn);
    const char *p = nm->provider_name(nm->ctx, rs->provider);
    bs_buf_json_str(b, p, strlen(p));
    bs_buf_puts(b, ",\"sample\":");
    bs_buf_json_str(b, rs->text, rs->text_len);
    if (nm->hint) {
        struct bs_buf h;
        bs_buf_init(&h);
        nm->hint(nm->ctx, rs, &h);
        if (h.len) {
            bs_buf_puts(b, ",\"hint\":");
            bs_buf_json_str(b, h.data, h.len);
        }
        bs_buf_fini(&h);
    }
    bs_buf_putc(b, '}');
}

/* The top reasons of the window: most observations first. */
static void bs_alert_json_reasons(const struct bs_alert_names *nm,
                                  const struct bs_alert_note *n,
                                  struct bs_buf *b)
{
    const struct bs_alert_reason *top[BS_ALERT_REASONS];
    size_t ntop = 0;
    for (int i = 0; i < BS_ALERT_REASONS; i++) {
        const struct bs_alert_reason *rs = &n->key->reasons[i];
        if (!rs->count)
            continue;
        size_t j = ntop++;
        for (; j > 0 && bs_alert_reason_cmp(nm, rs, top[j - 1]) < 0; j--)
            top[j] = top[j - 1];
        top[j] = rs;
    }
    uint64_t shown = 0;
    bs_buf_puts(b, ",\"reasons\":[");
    for (size_t i = 0; i < ntop && i < BS_ALERT_TOP_REASONS; i++) {
        if (i)
            bs_buf_putc(b, ',');
        bs_alert_json_reason(nm, top[i], b);
        shown += top[i]->count;
    }
    bs_buf_printf(b, "],\"reasons_other\":%llu",
                  (unsigned long long)(n->num > shown ? n->num - shown : 0));
}

void bs_alert_render(const struct bs_alert_set *s,
                     const struct bs_alert_note *n, struct bs_buf *b,
                     struct bs_buf *key_text)
{
    const struct bs_alert_names *nm = bs_alert_set_names(s);
    const struct bs_alert_rule *r = n->rule;
    bs_buf_printf(b, "{\"state\":\"%s\"",
                  n->state == BS_ALERT_FIRING ? "firing" : "resolved");
    bs_alert_json_time(b, "at", n->at);
    bs_buf_puts(b, ",\"rule\":");
    bs_buf_json_str(b, r->text, strlen(r->text));
    bs_buf_printf(b, ",\"rule_index\":%d", r->index);
    if (r->name) {
        bs_buf_puts(b, ",\"name\":");
        bs_buf_json_str(b, r->name, strlen(r->name));
    }
    if (r->group != BS_AG_NONE)
        bs_buf_printf(b, ",\"group_by\":\"%s\"",
                      bs_alert_group_name(r->group));
    bs_alert_json_key(nm, n, b, key_text);
    bs_buf_printf(b, ",\"measure\":\"%s\"", bs_alert_measure_name(r->measure));
    bs_alert_json_value(b, "value", r, n->value);
    bs_buf_printf(b, ",\"numerator\":%llu,\"denominator\":%llu,\"rate\":",
                  (unsigned long long)n->num, (unsigned long long)n->den);
    if (n->den)
        bs_buf_printf(b, "%.6f", (double)n->num / (double)n->den);
    else
        bs_buf_puts(b, "null");
    bs_alert_json_value(b, "threshold", r, n->level);
    if (r->spike) {
        bs_alert_json_value(b, "baseline", r, n->baseline);
        bs_buf_printf(b, ",\"factor\":%g", r->factor);
        bs_alert_json_value(b, "floor", r, r->floor);
    }
    if (r->clear >= 0)
        bs_alert_json_value(b, "clear", r, r->clear);
    bs_buf_printf(b, ",\"min\":%llu,\"window\":{\"seconds\":%lld",
                  (unsigned long long)r->min, (long long)r->window);
    bs_alert_json_time(b, "start", n->at - r->window);
    bs_alert_json_time(b, "end", n->at);
    bs_buf_putc(b, '}');
    bs_alert_json_time(b, "since", n->since);
    if (n->state == BS_ALERT_RESOLVED)
        bs_buf_printf(b, ",\"duration_seconds\":%lld",
                      (long long)(n->at - n->since));
    else
        bs_buf_printf(b, ",\"repeat\":%s", n->repeat ? "true" : "false");
    bs_alert_json_reasons(nm, n, b);
    bs_buf_putc(b, '}');
}
