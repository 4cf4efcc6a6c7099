/*
 * spf_macro.c - SPF macro expansion (RFC 7208 section 7)
 *
 *     macro-expand = ( "%{" macro-letter transformers *delimiter "}" )
 *                    / "%%" / "%_" / "%-"
 *     transformers = *DIGIT [ "r" ]
 *     delimiter    = "." / "-" / "+" / "," / "/" / "_" / "="
 *
 * A value is split on its delimiters (default "."), reversed for "r",
 * cut to its rightmost DIGIT parts and joined with "."; an upper-case
 * letter URL-escapes the result. Output is bounded by the caller's
 * buffer; a result that does not fit is an error, never a cut string.
 */
#include "spf.h"

#include "common.h"

#include <stdio.h>
#include <string.h>

struct bs_out {
    char *p;
    size_t len, cap;
    bool full;
};

static void bs_out_put(struct bs_out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        o->full = true;
        return;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static bool bs_is_delimiter(char c)
{
    return strchr(".-+,/_=", c) != NULL && c != '\0';
}

/* The raw value of a macro letter (lower case), into val. */
static int bs_macro_value(const struct bs_spf_query *q, const char *d,
                          char letter, bool exp, char *val, size_t cap)
{
    const char *sender = q->sender && *q->sender ? q->sender : NULL;
    const char *at = sender ? strrchr(sender, '@') : NULL;
    char ipbuf[64];
    switch (letter) {
    case 's':
        if (sender && at && at != sender)
            snprintf(val, cap, "%s", sender);
        else
            snprintf(val, cap, "postmaster@%s",
                     at ? at + 1 : (sender ? sender : q->domain));
        return 0;
    case 'l':
        if (at && at != sender)
            snprintf(val, cap, "%.*s", (int)(at - sender), sender);
        else
            snprintf(val, cap, "postmaster");
        return 0;
    case 'o':
        snprintf(val, cap, "%s", at ? at + 1 : q->domain);
        return 0;
    case 'd':
        snprintf(val, cap, "%s", d);
        return 0;
    case 'i':
        if (!q->ip.v6) {
            bs_ip_format(&q->ip, val, cap);
        } else {
            static const char hex[] = "0123456789abcdef";
            size_t n = 0;
            for (int i = 0; i < 16 && n + 4 < cap; i++) {
                val[n++] = hex[q->ip.b[i] >> 4];
                val[n++] = '.';
                val[n++] = hex[q->ip.b[i] & 15];
                val[n++] = i == 15 ? '\0' : '.';
            }
            val[cap - 1] = '\0';
        }
        return 0;
    case 'p':
        snprintf(val, cap, "unknown");
        return 0;
    case 'v':
        snprintf(val, cap, "%s", q->ip.v6 ? "ip6" : "in-addr");
        return 0;
    case 'h':
        snprintf(val, cap, "%s", q->helo && *q->helo ? q->helo : q->domain);
        return 0;
    case 'c':
    case 'r':
    case 't':
        if (!exp)
            return -1;
        if (letter == 'c') {
            bs_ip_format(&q->ip, ipbuf, sizeof ipbuf);
            snprintf(val, cap, "%s", ipbuf);
        } else {
            snprintf(val, cap, "%s", letter == 'r' ? "unknown" : "0");
        }
        return 0;
    default:
        return -1;
    }
}

/* Splits val on delims, keeps the rightmost keep parts (0: all) after an
 * optional reversal, and appends them joined with '.'. */
static void bs_macro_transform(struct bs_out *o, char *val, const char *delims,
                               unsigned keep, bool reverse, bool escape)
{
    const char *parts[128];
    size_t lens[128], n = 0;
    const char *start = val;
    for (const char *p = val;; p++) {
        if (*p == '\0' || strchr(delims, *p)) {
            if (n < BS_ARRAY_LEN(parts))
                parts[n] = start, lens[n] = (size_t)(p - start), n++;
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    if (reverse)
        for (size_t i = 0; i < n / 2; i++) {
            const char *tp = parts[i];
            size_t tl = lens[i];
            parts[i] = parts[n - 1 - i], lens[i] = lens[n - 1 - i];
            parts[n - 1 - i] = tp, lens[n - 1 - i] = tl;
        }
    size_t first = keep && keep < n ? n - keep : 0;
    for (size_t i = first; i < n; i++) {
        if (i > first)
            bs_out_put(o, ".", 1);
        if (!escape) {
            bs_out_put(o, parts[i], lens[i]);
            continue;
        }
        for (size_t k = 0; k < lens[i]; k++) {
            char c = parts[i][k];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                bs_is_digit(c) || c == '-' || c == '.' || c == '_' ||
                c == '~') {
                bs_out_put(o, &c, 1);
            } else {
                char hexbuf[4];
                snprintf(hexbuf, sizeof hexbuf, "%%%02X", (unsigned char)c);
                bs_out_put(o, hexbuf, 3);
            }
        }
    }
}

/* One "%{...}" at s (after the "%{"); returns the bytes used, or -1. */
static long bs_macro_one(const struct bs_spf_query *q, const char *d,
                         const char *s, size_t len, bool exp,
                         struct bs_out *o)
{
    size_t i = 0;
    if (i >= len)
        return -1;
    char letter = s[i++];
    bool upper = letter >= 'A' && letter <= 'Z';
    letter = bs_ascii_lower(letter);
    unsigned keep = 0;
    bool digits = false;
    while (i < len && bs_is_digit(s[i])) {
        keep = keep * 10 + (unsigned)(s[i++] - '0');
        digits = true;
        if (keep > 128)
            keep = 128;
    }
    if (digits && keep == 0)
        return -1;
    bool reverse = false;
    if (i < len && (s[i] == 'r' || s[i] == 'R'))
        reverse = true, i++;
    char delims[16] = "";
    size_t nd = 0;
    while (i < len && bs_is_delimiter(s[i])) {
        if (nd + 1 < sizeof delims && !strchr(delims, s[i]))
            delims[nd++] = s[i], delims[nd] = '\0';
        i++;
    }
    if (i >= len || s[i] != '}')
        return -1;
    char val[BS_SPF_TEXT_MAX];
    if (bs_macro_value(q, d, letter, exp, val, sizeof val) < 0)
        return -1;
    bs_macro_transform(o, val, nd ? delims : ".", keep, reverse, upper);
    return (long)i + 1;
}

int bs_spf_expand(const struct bs_spf_query *q, const char *d,
                  const char *spec, size_t len, bool exp, char *out,
                  size_t cap)
{
    struct bs_out o = { out, 0, cap, false };
    if (cap)
        out[0] = '\0';
    for (size_t i = 0; i < len;) {
        if (spec[i] != '%') {
            bs_out_put(&o, spec + i, 1);
            i++;
            continue;
        }
        if (i + 1 >= len)
            return -1;
        char c = spec[i + 1];
        if (c == '%' || c == '_' || c == '-') {
            bs_out_put(&o, c == '%' ? "%" : c == '_' ? " " : "%20",
                       c == '-' ? 3 : 1);
            i += 2;
            continue;
        }
        if (c != '{')
            return -1;
        long used = bs_macro_one(q, d, spec + i + 2, len - i - 2, exp, &o);
        if (used < 0)
            return -1;
        i += 2 + (size_t)used;
    }
    if (o.full)
        return -1;
    if (!exp) {
        if (o.len && out[o.len - 1] == '.')
            out[--o.len] = '\0';
        /* RFC 7208 7.3: drop labels on the left down to 253 bytes */
        char *p = out;
        while (strlen(p) > 253) {
            char *dot = strchr(p, '.');
            if (!dot)
                break;
            p = dot + 1;
        }
        if (p != out)
            memmove(out, p, strlen(p) + 1);
    }
    return 0;
}

int bs_spf_macro_check(const char *spec, size_t len, bool exp,
                       bool *ends_in_macro)
{
    bool last_macro = false;
    for (size_t i = 0; i < len;) {
        char c = spec[i];
        if (c != '%') {
            if ((unsigned char)c < 0x21 && !(exp && c == ' '))
                return -1;
            if ((unsigned char)c > 0x7e)
                return -1;
            last_macro = false;
            i++;
            continue;
        }
        if (i + 1 >= len)
            return -1;
        c = spec[i + 1];
        if (c == '%' || c == '_' || c == '-') {
            last_macro = false;
            i += 2;
            continue;
        }
        if (c != '{' || i + 2 >= len)
            return -1;
        size_t j = i + 2;
        char letter = bs_ascii_lower(spec[j++]);
        if (!strchr(exp ? "slodiphvcrt" : "slodiphv", letter) ||
            letter == '\0')
            return -1;
        bool digits = false;
        unsigned keep = 0;
        while (j < len && bs_is_digit(spec[j])) {
            keep = keep * 10 + (unsigned)(spec[j++] - '0');
            if (keep > 1000)
                keep = 1000;
            digits = true;
        }
        if (digits && keep == 0)
            return -1;
        if (j < len && (spec[j] == 'r' || spec[j] == 'R'))
            j++;
        while (j < len && bs_is_delimiter(spec[j]))
            j++;
        if (j >= len || spec[j] != '}')
            return -1;
        i = j + 1;
        last_macro = true;
    }
    if (ends_in_macro)
        *ends_in_macro = last_macro;
    return 0;
}
