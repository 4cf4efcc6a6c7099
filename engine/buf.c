/*
 * buf.c - growable byte buffer, with the escaping the printers need
 */
#include "buf.h"

#include "common.h"

#include <stdio.h>
#include <stdlib.h>

void bs_buf_init(struct bs_buf *b)
{
    b->cap = 256;
    b->data = bs_xmalloc(b->cap);
    b->len = 0;
    b->data[0] = '\0';
}

void bs_buf_fini(struct bs_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void bs_buf_reset(struct bs_buf *b)
{
    b->len = 0;
    b->data[0] = '\0';
}

static void bs_buf_reserve(struct bs_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap;
    while (b->len + extra + 1 > cap)
        cap *= 2;
    b->data = bs_xrealloc(b->data, cap);
    b->cap = cap;
}

void bs_buf_append(struct bs_buf *b, const void *p, size_t n)
{
    bs_buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void bs_buf_puts(struct bs_buf *b, const char *s)
{
    bs_buf_append(b, s, strlen(s));
}

void bs_buf_putc(struct bs_buf *b, char c)
{
    bs_buf_append(b, &c, 1);
}

void bs_buf_vprintf(struct bs_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    if ((size_t)n >= b->cap - b->len) {
        bs_buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    }
    b->len += (size_t)n;
}

void bs_buf_printf(struct bs_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bs_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

size_t bs_utf8_len(const unsigned char *p, size_t n)
{
    size_t len;
    unsigned min;
    unsigned cp;
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        len = 2, min = 0x80, cp = p[0] & 0x1f;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        len = 3, min = 0x800, cp = p[0] & 0x0f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        len = 4, min = 0x10000, cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void bs_buf_json_str(struct bs_buf *b, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)p;
    bs_buf_putc(b, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t len = bs_utf8_len(s + i, n - i);
        if (len == 0) {
            bs_buf_puts(b, "\\ufffd"); /* not UTF-8: replacement char */
            i++;
        } else if (len > 1) {
            bs_buf_append(b, s + i, len);
            i += len;
        } else if (c == '"' || c == '\\') {
            char esc[2] = { '\\', (char)c };
            bs_buf_append(b, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            bs_buf_append(b, esc, 6);
            i++;
        } else {
            bs_buf_putc(b, (char)c);
            i++;
        }
    }
    bs_buf_putc(b, '"');
}

void bs_buf_csv_field(struct bs_buf *b, const char *p, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n && !quote; i++)
        quote = p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r';
    if (!quote) {
        bs_buf_append(b, p, n);
        return;
    }
    bs_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"')
            bs_buf_putc(b, '"');
        bs_buf_putc(b, p[i]);
    }
    bs_buf_putc(b, '"');
}

void bs_buf_grouped(struct bs_buf *b, unsigned long long v)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", v);
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            bs_buf_putc(b, ',');
        bs_buf_putc(b, digits[i]);
    }
}
