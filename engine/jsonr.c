/*
 * jsonr.c - the JSON pull reader (see jsonr.h)
 *
 * A state machine over "what may come next" (need): a value, a member
 * name or the end of an object, a comma or the end of the container, the
 * end of the text. Scalars are scanned in place; strings are decoded into
 * one reused buffer.
 */
#include "jsonr.h"

#include <stdio.h>

enum {
    NEED_VALUE,          /* at the start, after ':' or ',' in an array */
    NEED_KEY_OR_END,     /* after '{' */
    NEED_KEY,            /* after ',' in an object */
    NEED_VALUE_OR_END,   /* after '[' */
    NEED_COMMA_OR_END,   /* after a value inside a container */
    NEED_EOF             /* after the top-level value */
};

void bs_jsonr_init(struct bs_jsonr *r, const char *text, size_t len)
{
    memset(r, 0, sizeof *r);
    r->text = text;
    r->len = len;
    r->need = NEED_VALUE;
    bs_buf_init(&r->str);
}

void bs_jsonr_fini(struct bs_jsonr *r)
{
    bs_buf_fini(&r->str);
}

enum bs_jtok bs_jsonr_fail(struct bs_jsonr *r, size_t off, const char *msg)
{
    if (!r->failed) {
        r->failed = true;
        r->err_off = off;
        snprintf(r->err, sizeof r->err, "%s", msg);
    }
    return BS_JT_ERROR;
}

static void bs_jsonr_ws(struct bs_jsonr *r)
{
    while (r->pos < r->len) {
        char c = r->text[r->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        r->pos++;
    }
}

/* After a complete value: the container decides what may follow. */
static void bs_jsonr_after_value(struct bs_jsonr *r)
{
    r->need = r->depth ? NEED_COMMA_OR_END : NEED_EOF;
}

static enum bs_jtok bs_jsonr_open(struct bs_jsonr *r, char kind)
{
    if (r->depth == BS_JSONR_DEPTH)
        return bs_jsonr_fail(r, r->pos, "nested deeper than 32 levels");
    r->stack[r->depth++] = kind;
    r->pos++;
    r->need = kind == 'o' ? NEED_KEY_OR_END : NEED_VALUE_OR_END;
    return kind == 'o' ? BS_JT_OBJECT : BS_JT_ARRAY;
}

static enum bs_jtok bs_jsonr_close(struct bs_jsonr *r, char c)
{
    char want = r->stack[r->depth - 1] == 'o' ? '}' : ']';
    if (c != want)
        return bs_jsonr_fail(r, r->pos, want == '}'
                                            ? "expected ',' or '}'"
                                            : "expected ',' or ']'");
    r->depth--;
    r->pos++;
    bs_jsonr_after_value(r);
    return want == '}' ? BS_JT_OBJECT_END : BS_JT_ARRAY_END;
}

static int bs_hex4(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static void bs_put_utf8(struct bs_buf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | cp >> 12);
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | cp >> 18);
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    bs_buf_append(b, u, n);
}

/* \uXXXX at p (after the backslash and 'u'); may consume a second escape
 * for a surrogate pair. Returns the bytes consumed after "\u", or -1. */
static int bs_jsonr_unicode(struct bs_jsonr *r, size_t p)
{
    uint32_t cp, lo;
    if (p + 4 > r->len || bs_hex4(r->text + p, &cp) < 0)
        return -1;
    if (cp >= 0xd800 && cp <= 0xdbff && p + 10 <= r->len &&
        r->text[p + 4] == '\\' && r->text[p + 5] == 'u' &&
        bs_hex4(r->text + p + 6, &lo) == 0 && lo >= 0xdc00 &&
        lo <= 0xdfff) {
        bs_put_utf8(&r->str, 0x10000 + ((cp - 0xd800) << 10) +
                                 (lo - 0xdc00));
        return 10;
    }
    if (cp >= 0xdc80 && cp <= 0xdcff) /* an escaped raw byte */
        bs_buf_putc(&r->str, (char)(cp - 0xdc00));
    else if (cp >= 0xd800 && cp <= 0xdfff)
        bs_put_utf8(&r->str, 0xfffd); /* any other lone surrogate */
    else
        bs_put_utf8(&r->str, cp);
    return 4;
}

static enum bs_jtok bs_jsonr_string(struct bs_jsonr *r, enum bs_jtok kind)
{
    size_t start = r->pos++;
    bs_buf_reset(&r->str);
    while (r->pos < r->len) {
        const char *p = r->text + r->pos;
        const char *stop = p;
        const char *end = r->text + r->len;
        while (stop < end && *stop != '"' && *stop != '\\' &&
               (unsigned char)*stop >= 0x20)
            stop++;
        bs_buf_append(&r->str, p, (size_t)(stop - p));
        r->pos = (size_t)(stop - r->text);
        if (r->str.len > BS_JSONR_STRING_MAX)
            return bs_jsonr_fail(r, start, "string longer than 1 MiB");
        if (stop == end)
            break;
        if (*stop == '"') {
            r->pos++;
            return kind;
        }
        if ((unsigned char)*stop < 0x20)
            return bs_jsonr_fail(r, r->pos,
                                 "control character in a string");
        if (r->pos + 1 >= r->len)
            break;
        char c = r->text[r->pos + 1];
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *k = c ? memchr(from, c, sizeof from - 1) : NULL;
        if (k) {
            bs_buf_putc(&r->str, to[k - from]);
            r->pos += 2;
            continue;
        }
        int n = c == 'u' ? bs_jsonr_unicode(r, r->pos + 2) : -1;
        if (n < 0)
            return bs_jsonr_fail(r, r->pos, "bad escape in a string");
        r->pos += 2 + (size_t)n;
    }
    return bs_jsonr_fail(r, start, "unterminated string");
}

static enum bs_jtok bs_jsonr_number(struct bs_jsonr *r)
{
    size_t p = r->pos;
    const char *t = r->text;
    r->negative = false;
    r->is_int = true;
    r->u64 = 0;
    bool overflow = false;
    if (p < r->len && t[p] == '-') {
        r->negative = true;
        p++;
    }
    if (p >= r->len || !bs_is_digit(t[p]))
        return bs_jsonr_fail(r, r->pos, "bad number");
    if (t[p] == '0' && p + 1 < r->len && bs_is_digit(t[p + 1]))
        return bs_jsonr_fail(r, r->pos, "number with a leading zero");
    for (; p < r->len && bs_is_digit(t[p]); p++) {
        uint64_t d = (uint64_t)(t[p] - '0');
        if (r->u64 > (UINT64_MAX - d) / 10)
            overflow = true;
        else
            r->u64 = r->u64 * 10 + d;
    }
    if (p < r->len && t[p] == '.') {
        r->is_int = false;
        if (++p >= r->len || !bs_is_digit(t[p]))
            return bs_jsonr_fail(r, p, "bad number");
        while (p < r->len && bs_is_digit(t[p]))
            p++;
    }
    if (p < r->len && (t[p] == 'e' || t[p] == 'E')) {
        r->is_int = false;
        if (++p < r->len && (t[p] == '+' || t[p] == '-'))
            p++;
        if (p >= r->len || !bs_is_digit(t[p]))
            return bs_jsonr_fail(r, p, "bad number");
        while (p < r->len && bs_is_digit(t[p]))
            p++;
    }
    if (overflow)
        r->is_int = false;
    r->pos = p;
    return BS_JT_NUMBER;
}

static enum bs_jtok bs_jsonr_literal(struct bs_jsonr *r, const char *word,
                                     enum bs_jtok tok)
{
    size_t n = strlen(word);
    if (r->len - r->pos < n || memcmp(r->text + r->pos, word, n) != 0)
        return bs_jsonr_fail(r, r->pos, "unexpected character");
    r->pos += n;
    return tok;
}

static enum bs_jtok bs_jsonr_value(struct bs_jsonr *r)
{
    char c = r->text[r->pos];
    enum bs_jtok t;
    switch (c) {
    case '{':
        return bs_jsonr_open(r, 'o');
    case '[':
        return bs_jsonr_open(r, 'a');
    case '"':
        t = bs_jsonr_string(r, BS_JT_STRING);
        break;
    case 't':
        t = bs_jsonr_literal(r, "true", BS_JT_TRUE);
        break;
    case 'f':
        t = bs_jsonr_literal(r, "false", BS_JT_FALSE);
        break;
    case 'n':
        t = bs_jsonr_literal(r, "null", BS_JT_NULL);
        break;
    default:
        if (c != '-' && !bs_is_digit(c))
            return bs_jsonr_fail(r, r->pos, "expected a value");
        t = bs_jsonr_number(r);
    }
    if (t != BS_JT_ERROR)
        bs_jsonr_after_value(r);
    return t;
}

static enum bs_jtok bs_jsonr_key(struct bs_jsonr *r)
{
    if (r->text[r->pos] != '"')
        return bs_jsonr_fail(r, r->pos, "expected a member name");
    if (bs_jsonr_string(r, BS_JT_KEY) == BS_JT_ERROR)
        return BS_JT_ERROR;
    bs_jsonr_ws(r);
    if (r->pos >= r->len || r->text[r->pos] != ':')
        return bs_jsonr_fail(r, r->pos, "expected ':'");
    r->pos++;
    r->need = NEED_VALUE;
    return BS_JT_KEY;
}

enum bs_jtok bs_jsonr_next(struct bs_jsonr *r)
{
    if (r->failed)
        return BS_JT_ERROR;
    for (;;) {
        bs_jsonr_ws(r);
        r->tok_off = r->pos;
        if (r->pos >= r->len) {
            if (r->need == NEED_EOF)
                return BS_JT_EOF;
            return bs_jsonr_fail(r, r->pos, "unexpected end of the text");
        }
        char c = r->text[r->pos];
        switch (r->need) {
        case NEED_EOF:
            return bs_jsonr_fail(r, r->pos, "data after the JSON value");
        case NEED_VALUE:
            return bs_jsonr_value(r);
        case NEED_VALUE_OR_END:
            return c == ']' ? bs_jsonr_close(r, c) : bs_jsonr_value(r);
        case NEED_KEY_OR_END:
            return c == '}' ? bs_jsonr_close(r, c) : bs_jsonr_key(r);
        case NEED_KEY:
            return bs_jsonr_key(r);
        default: /* NEED_COMMA_OR_END */
            if (c != ',')
                return bs_jsonr_close(r, c);
            r->pos++;
            r->need = r->stack[r->depth - 1] == 'o' ? NEED_KEY : NEED_VALUE;
        }
    }
}

int bs_jsonr_skip(struct bs_jsonr *r, enum bs_jtok opened)
{
    if (opened == BS_JT_ERROR)
        return -1;
    if (opened != BS_JT_OBJECT && opened != BS_JT_ARRAY)
        return 0;
    int depth = r->depth - 1;
    for (;;) {
        enum bs_jtok t = bs_jsonr_next(r);
        if (t == BS_JT_ERROR || t == BS_JT_EOF)
            return -1;
        if ((t == BS_JT_OBJECT_END || t == BS_JT_ARRAY_END) &&
            r->depth == depth)
            return 0;
    }
}

int bs_jsonr_int64(const struct bs_jsonr *r, int64_t *out)
{
    if (!r->is_int)
        return -1;
    if (r->negative) {
        if (r->u64 > (uint64_t)INT64_MAX + 1)
            return -1;
        *out = r->u64 == (uint64_t)INT64_MAX + 1 ? INT64_MIN
                                                 : -(int64_t)r->u64;
        return 0;
    }
    if (r->u64 > (uint64_t)INT64_MAX)
        return -1;
    *out = (int64_t)r->u64;
    return 0;
}

int bs_jsonr_uint64(const struct bs_jsonr *r, uint64_t *out)
{
    if (!r->is_int || (r->negative && r->u64))
        return -1;
    *out = r->u64;
    return 0;
}

int bs_json_check(const char *text, size_t len, size_t *err_off,
                  char *msg, size_t msglen)
{
    struct bs_jsonr r;
    bs_jsonr_init(&r, text, len);
    enum bs_jtok t;
    do
        t = bs_jsonr_next(&r);
    while (t != BS_JT_EOF && t != BS_JT_ERROR);
    if (t == BS_JT_ERROR) {
        *err_off = r.err_off;
        if (msglen)
            snprintf(msg, msglen, "%s", r.err);
    }
    bs_jsonr_fini(&r);
    return t == BS_JT_ERROR ? -1 : 0;
}
