/*
 * dsn_find.c - what a bounce's words say: addresses, status codes and
 * reply codes found in free text, and the paragraph of a bounce text
 * that belongs to a recipient
 *
 * Scanners take a slice and never read outside it. An address is the
 * longest run of address characters around an '@' (brackets, quotes and
 * a sentence's final dot left out). A status code ("5.1.1") must not be
 * part of a longer dotted number, so "192.0.2.153" is never "2.0.2"; a
 * reply code (550) must stand alone. A record without a diagnostic gets
 * the lines of the text that name its address, widened paragraph by
 * paragraph until they say more than the address, and a status from its
 * diagnostic when it has none or only an unspecific x.0.0 one.
 */
#include "dsn_impl.h"

#include <stdio.h>

/* ------------------------------------------------------------------ */
/* Small scanners                                                      */

static bool bs_dsn_local_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           bs_is_digit(c) || (c && strchr(".!#$%&'*+/=?^_`{|}~-", c));
}

static bool bs_dsn_domain_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           bs_is_digit(c) || c == '.' || c == '-' || c == '_';
}

/* The address around the '@' at index at, or false. */
static bool bs_dsn_address_at(struct bs_slice s, size_t at, bool want_dot,
                              struct bs_slice *addr)
{
    size_t b = at, e = at + 1;
    while (b > 0 && bs_dsn_local_char(s.ptr[b - 1]))
        b--;
    while (b < at && (s.ptr[b] == '.' || s.ptr[b] == '\''))
        b++;
    while (e < s.len && bs_dsn_domain_char(s.ptr[e]))
        e++;
    while (e > at + 1 && (s.ptr[e - 1] == '.' || s.ptr[e - 1] == '-'))
        e--;
    if (b == at || e == at + 1)
        return false;
    if (want_dot && !memchr(s.ptr + at + 1, '.', e - at - 1))
        return false;
    *addr = bs_slice_make(s.ptr + b, e - b);
    return true;
}

bool bs_dsn_find_address(struct bs_slice s, bool want_dot,
                         struct bs_slice *addr)
{
    const char *p = s.ptr, *end = s.ptr + s.len;
    while (p < end) {
        const char *at = memchr(p, '@', (size_t)(end - p));
        if (!at)
            return false;
        if (bs_dsn_address_at(s, (size_t)(at - s.ptr), want_dot, addr))
            return true;
        p = at + 1;
    }
    return false;
}

static bool bs_dsn_digits(const char *p, const char *end, size_t min,
                          size_t max, const char **after)
{
    size_t n = 0;
    while (p + n < end && bs_is_digit(p[n]))
        n++;
    *after = p + n;
    return n >= min && n <= max;
}

bool bs_dsn_is_status(struct bs_slice s)
{
    if (s.len < 5)
        return false;
    const char *end = s.ptr + s.len, *q;
    if ((s.ptr[0] != '2' && s.ptr[0] != '4' && s.ptr[0] != '5') ||
        s.ptr[1] != '.')
        return false;
    if (!bs_dsn_digits(s.ptr + 2, end, 1, 3, &q) || q >= end || *q != '.')
        return false;
    return bs_dsn_digits(q + 1, end, 1, 3, &q) && q == end;
}

/* A status code starting at p: "5.1.1" not inside a longer dotted
 * number (an IP address) or word. Returns its length or 0. */
static size_t bs_dsn_status_at(const char *start, const char *p,
                               const char *end)
{
    if (p > start && (bs_is_digit(p[-1]) || p[-1] == '.' ||
                      bs_dsn_domain_char(p[-1])))
        return 0;
    const char *q = p + 1;
    if (q >= end || *q != '.' ||
        !bs_dsn_digits(q + 1, end, 1, 3, &q) || q >= end || *q != '.' ||
        !bs_dsn_digits(q + 1, end, 1, 3, &q))
        return 0;
    if (q < end && (bs_is_digit(*q) || (*q == '.' && q + 1 < end &&
                                        bs_is_digit(q[1]))))
        return 0;
    return (size_t)(q - p);
}

struct bs_slice bs_dsn_find_status_of(struct bs_slice text,
                                      const char *classes)
{
    if (!text.len)
        return bs_slice_make("", 0);
    const char *end = text.ptr + text.len;
    for (const char *p = text.ptr; p < end; p++) {
        if (*p == '\0' || !strchr(classes, *p))
            continue;
        size_t n = bs_dsn_status_at(text.ptr, p, end);
        if (n)
            return bs_slice_make(p, n);
    }
    return bs_slice_make("", 0);
}

struct bs_slice bs_dsn_find_status(struct bs_slice text)
{
    return bs_dsn_find_status_of(text, "245");
}

int bs_dsn_find_reply_code(struct bs_slice text)
{
    const char *s = text.ptr, *end = text.ptr + text.len;
    for (const char *p = s; p + 3 <= end; p++) {
        if ((*p != '4' && *p != '5') || !bs_is_digit(p[1]) ||
            !bs_is_digit(p[2]))
            continue;
        if (p > s && !strchr(" \t\n:(['\"=#<", p[-1]))
            continue;
        if (p + 3 < end && p[3] != ' ' && p[3] != '-' && p[3] != '.' &&
            p[3] != ')')
            continue;
        if (p + 4 < end && p[3] == '.' && bs_is_digit(p[4]))
            continue;
        return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Completing the records                                              */

/* The start of the next blank line at or after p, or end. */
static const char *bs_dsn_next_blank(const char *p, const char *end)
{
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return end;
        const char *q = nl + 1;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (q < end && *q == '\n')
            return nl + 1;
        p = nl + 1;
    }
    return end;
}

static bool bs_dsn_blank_span(const char *s, const char *e)
{
    for (; s < e; s++)
        if (*s != ' ' && *s != '\t')
            return false;
    return true;
}

/* The start of the paragraph holding p (looking back 2 KiB at most). */
static const char *bs_dsn_para_start(const char *start, const char *p)
{
    if (p - start > 2048)
        start = p - 2048;
    while (p > start && p[-1] != '\n')
        p--;
    while (p > start) {
        const char *q = p - 1; /* the previous line is [q, p - 1) */
        while (q > start && q[-1] != '\n')
            q--;
        if (bs_dsn_blank_span(q, p - 1))
            return p;
        p = q;
    }
    return start;
}

/* The start of the paragraph before the one starting at s. */
static const char *bs_dsn_para_before(const char *start, const char *s)
{
    while (s > start && (s[-1] == '\n' || s[-1] == ' ' || s[-1] == '\t'))
        s--;
    return s > start ? bs_dsn_para_start(start, s - 1) : start;
}

/* Letters and digits of s outside "-----" heading lines, less those of
 * the address each time it appears: does the text say anything? */
static bool bs_dsn_says_something(struct bs_slice s, struct bs_slice addr)
{
    size_t n = 0, bol = 1, heading = 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (bol)
            heading = c == '-' || c == '=';
        bol = c == '\n' || (bol && (c == ' ' || c == '\t'));
        if (!heading && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         bs_is_digit(c) || (unsigned char)c >= 0x80))
            n++;
    }
    for (const char *p = s.ptr, *e = s.ptr + s.len;
         addr.len && (p = bs_mime_imemmem(p, (size_t)(e - p), addr.ptr,
                                          addr.len));
         p += addr.len)
        n = n > addr.len ? n - addr.len : 0;
    return n >= 8;
}

/* The first line of t naming addr that is not a header line of the
 * original quoted in the text ("To: addr"). */
static const char *bs_dsn_line_naming(struct bs_slice t, struct bs_slice a)
{
    const char *p = t.ptr, *end = t.ptr + t.len;
    while (a.len && (p = bs_mime_imemmem(p, (size_t)(end - p), a.ptr,
                                         a.len))) {
        const char *s = p;
        while (s > t.ptr && s[-1] != '\n')
            s--;
        while (s < p && (*s == ' ' || *s == '\t'))
            s++;
        struct bs_slice l = bs_slice_make(s, (size_t)(p - s));
        if (!bs_mime_istarts(l, "To:") && !bs_mime_istarts(l, "Cc:") &&
            !bs_mime_istarts(l, "From:"))
            return s;
        p += a.len;
    }
    return NULL;
}

/* The end of the block that starts at s: the paragraph's end, or the
 * first line naming another recipient of this message. */
static const char *bs_dsn_block_end(const struct bs_dsn_parser *p,
                                    const struct bs_dsn_rcpt *r,
                                    const char *s, const char *end)
{
    const char *e = bs_dsn_next_blank(s, end);
    const char *nl = memchr(s, '\n', (size_t)(e - s));
    for (unsigned i = 0; nl && i < p->res.nrcpt; i++) {
        const char *o = p->res.rcpt[i].recipient;
        const char *at;
        if (&p->res.rcpt[i] == r || !*o ||
            !(at = bs_mime_imemmem(nl, (size_t)(e - nl), o, strlen(o))))
            continue;
        while (at > nl && at[-1] != '\n')
            at--;
        if (at > nl && at < e)
            e = at;
    }
    return e;
}

/* For a record without a diagnostic: the lines of the text about its
 * address (to the paragraph's end or the next recipient), then the
 * next paragraphs while that says nothing more than the address and
 * headings, then what came before ("The user(s) account is disabled.\n
 * \n<addr>"); with no mention, the recipient list's text. */
static void bs_dsn_text_for(struct bs_dsn_parser *p, struct bs_dsn_rcpt *r)
{
    struct bs_slice a = bs_slice_make(r->recipient, strlen(r->recipient));
    struct bs_slice t = p->region;
    const char *end = t.ptr + t.len;
    const char *s = bs_dsn_line_naming(t, a), *e;
    if (!s) {
        s = p->list.ptr;
        e = p->list.ptr + p->list.len;
    } else {
        e = bs_dsn_block_end(p, r, s, end);
        for (int i = 0; i < 3 && e < end &&
                        !bs_dsn_says_something(
                            bs_slice_make(s, (size_t)(e - s)), a);
             i++) {
            while (e < end && (*e == '\n' || *e == ' ' || *e == '\t'))
                e++;
            e = bs_dsn_next_blank(e, end);
        }
        for (int i = 0; i < 3 && s > t.ptr &&
                        !bs_dsn_says_something(
                            bs_slice_make(s, (size_t)(e - s)), a);
             i++) {
            const char *ps = bs_dsn_para_start(t.ptr, s);
            s = ps < s ? ps : bs_dsn_para_before(t.ptr, s);
        }
    }
    if (e - s > 1024)
        e = s + 1024;
    bs_dsn_rcpt_append(r, bs_slice_make(s, (size_t)(e - s)));
}

/* Status from the diagnostic when the record has none or only x.0.0. */
static void bs_dsn_complete_status(struct bs_dsn_rcpt *r)
{
    struct bs_slice t = bs_slice_make(r->text, strlen(r->text));
    bool ok = r->action == BS_DSN_DELIVERED;
    struct bs_slice s = bs_dsn_find_status_of(t, ok ? "2" : "45");
    bool vague = !r->status[0] || !strcmp(r->status + 1, ".0.0");
    if (s.len && vague && (!r->status[0] || s.ptr[0] == r->status[0])) {
        bs_dsn_copy(r->status, sizeof r->status, s);
        return;
    }
    if (r->status[0])
        return;
    int code = bs_dsn_find_reply_code(t);
    char cls = ok ? '2' : code ? (char)('0' + code / 100)
                    : r->action == BS_DSN_DELAYED ? '4' : '5';
    snprintf(r->status, sizeof r->status, "%c.0.0", cls);
}

void bs_dsn_complete(struct bs_dsn_parser *p)
{
    for (unsigned i = 0; i < p->res.nrcpt; i++) {
        struct bs_dsn_rcpt *r = &p->res.rcpt[i];
        if (!r->text[0])
            bs_dsn_text_for(p, r);
        bs_dsn_complete_status(r);
        if (r->action == BS_DSN_FAILED && r->status[0] == '2')
            r->action = BS_DSN_DELIVERED;
        if (!r->time)
            r->time = p->res.time;
    }
}

