/*
 * mime.c - a bounded MIME walker over one message held in memory
 *
 * Design (mime.h): every scan is a memchr or a loop bounded by the end of
 * the message; slices point into the message; the walker recurses once
 * per nesting level and stops at the caller's depth cap, so a hostile
 * message costs at most (depth cap x size) byte visits and a fixed stack.
 * A multipart body is cut at lines that are "--" + boundary (followed by
 * blanks only) or "--" + boundary + "--"; the line end before a delimiter
 * belongs to the delimiter, as RFC 2046 says.
 */
#include "mime.h"

#include <stdio.h>

enum bs_mime_eol bs_mime_eol_of(const char *p, size_t n)
{
    size_t lf = 0, cr = 0;
    n = BS_MIN(n, (size_t)65536);
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n')
            lf++;
        else if (p[i] == '\r' && (i + 1 == n || p[i + 1] != '\n'))
            cr++;
    }
    return cr > lf ? BS_EOL_CR : BS_EOL_LF;
}

bool bs_mime_next_line(struct bs_mime_cursor *c, struct bs_slice *line)
{
    if (c->p >= c->end)
        return false;
    const char *s = c->p;
    size_t n = (size_t)(c->end - s);
    const char *e;
    if (c->eol == BS_EOL_LF) {
        e = memchr(s, '\n', n);
        c->p = e ? e + 1 : c->end;
        if (!e)
            e = c->end;
        while (e > s && e[-1] == '\r')
            e--;
    } else {
        e = memchr(s, '\r', n);
        if (!e) {
            e = c->end;
            c->p = e;
        } else {
            c->p = (e + 1 < c->end && e[1] == '\n') ? e + 2 : e + 1;
        }
    }
    *line = bs_slice_make(s, (size_t)(e - s));
    return true;
}

static bool bs_mime_is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool bs_mime_all_blank(struct bs_slice s)
{
    for (size_t i = 0; i < s.len; i++)
        if (!bs_mime_is_blank(s.ptr[i]))
            return false;
    return true;
}

/* A field name: printable ASCII without ':' or blanks, then optional
 * blanks before the colon ("Subject :"). */
static size_t bs_mime_name_len(const char *p, const char *colon)
{
    const char *e = colon;
    while (e > p && bs_mime_is_blank(e[-1]))
        e--;
    if (e == p)
        return 0;
    for (const char *q = p; q < e; q++)
        if ((unsigned char)*q <= 32 || (unsigned char)*q >= 127)
            return 0;
    return (size_t)(e - p);
}

/* Extends a header value over its continuation lines. */
static const char *bs_mime_value_end(struct bs_mime_cursor *c,
                                     const char *vend)
{
    struct bs_slice line;
    for (;;) {
        struct bs_mime_cursor save = *c;
        if (!bs_mime_next_line(c, &line) || line.len == 0 ||
            !bs_mime_is_blank(line.ptr[0]) || bs_mime_all_blank(line)) {
            *c = save;
            return vend;
        }
        vend = line.ptr + line.len;
    }
}

bool bs_mime_next_header(struct bs_mime_cursor *c, struct bs_mime_header *h)
{
    struct bs_slice line;
    for (;;) {
        struct bs_mime_cursor save = *c;
        if (!bs_mime_next_line(c, &line) || bs_mime_all_blank(line))
            return false;
        if (bs_mime_is_blank(line.ptr[0]))
            continue; /* a continuation with no header: skip */
        const char *colon = memchr(line.ptr, ':', line.len);
        size_t nlen = colon ? bs_mime_name_len(line.ptr, colon) : 0;
        if (!nlen) {
            *c = save;
            return false;
        }
        const char *vs = colon + 1, *ve = line.ptr + line.len;
        while (vs < ve && bs_mime_is_blank(*vs))
            vs++;
        ve = bs_mime_value_end(c, ve);
        h->name = bs_slice_make(line.ptr, nlen);
        h->value = bs_slice_make(vs, (size_t)(ve - vs));
        return true;
    }
}

bool bs_mime_find_header(struct bs_slice hdrs, enum bs_mime_eol eol,
                         const char *name, struct bs_slice *value)
{
    struct bs_mime_cursor c = bs_mime_cursor_make(hdrs, eol);
    struct bs_mime_header h;
    while (bs_mime_next_header(&c, &h)) {
        if (bs_mime_ieq(h.name, name)) {
            *value = h.value;
            return true;
        }
    }
    return false;
}

size_t bs_mime_unfold(struct bs_slice v, char *out, size_t cap)
{
    if (!cap)
        return 0;
    size_t o = 0;
    bool gap = false;
    for (size_t i = 0; i < v.len; i++) {
        char ch = v.ptr[i];
        if (ch == '\r' || ch == '\n' || bs_mime_is_blank(ch)) {
            gap = true;
            continue;
        }
        if (o + 1 + (gap && o) >= cap)
            break;
        if (gap && o)
            out[o++] = ' ';
        gap = false;
        out[o++] = ch;
    }
    out[o] = '\0';
    return o;
}

bool bs_mime_ieq(struct bs_slice s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && bs_mime_istarts(s, lit);
}

bool bs_mime_istarts(struct bs_slice s, const char *lit)
{
    size_t n = strlen(lit);
    if (s.len < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (bs_ascii_lower(s.ptr[i]) != bs_ascii_lower(lit[i]))
            return false;
    return true;
}

const char *bs_mime_imemmem(const char *hay, size_t n, const char *needle,
                            size_t nlen)
{
    if (!nlen)
        return hay;
    char first = bs_ascii_lower(needle[0]);
    for (size_t i = 0; i + nlen <= n; i++) {
        if (bs_ascii_lower(hay[i]) != first)
            continue;
        size_t k = 1;
        while (k < nlen && bs_ascii_lower(hay[i + k]) ==
                               bs_ascii_lower(needle[k]))
            k++;
        if (k == nlen)
            return hay + i;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Content-Type and Content-Transfer-Encoding                          */

static bool bs_mime_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *bs_mime_skip_space(const char *p, const char *end)
{
    while (p < end && bs_mime_is_space(*p))
        p++;
    return p;
}

/* A token up to a space or one of stops. */
static struct bs_slice bs_mime_token(const char **pp, const char *end,
                                     const char *stops)
{
    const char *p = *pp, *s = p;
    while (p < end && !bs_mime_is_space(*p) && !(*p && strchr(stops, *p)))
        p++;
    *pp = p;
    return bs_slice_make(s, (size_t)(p - s));
}

/* A parameter value: a quoted string (without its quotes; a backslash
 * keeps the next character) or a token. */
static struct bs_slice bs_mime_param_value(const char **pp, const char *end)
{
    const char *p = *pp;
    if (p < end && *p == '"') {
        const char *s = ++p;
        while (p < end && *p != '"')
            p += (*p == '\\' && p + 1 < end) ? 2 : 1;
        const char *e = p < end ? p : end;
        *pp = p < end ? p + 1 : end;
        return bs_slice_make(s, (size_t)(e - s));
    }
    return bs_mime_token(pp, end, ";");
}

static void bs_mime_ctype_param(struct bs_mime_ctype *ct,
                                struct bs_slice name, struct bs_slice value)
{
    if (bs_mime_ieq(name, "boundary"))
        ct->boundary = value;
    else if (bs_mime_ieq(name, "charset"))
        ct->charset = value;
    else if (bs_mime_ieq(name, "report-type"))
        ct->report_type = value;
}

void bs_mime_parse_ctype(struct bs_slice v, struct bs_mime_ctype *ct)
{
    memset(ct, 0, sizeof *ct);
    ct->type = BS_SLICE_LIT("text");
    ct->subtype = BS_SLICE_LIT("plain");
    const char *p = bs_mime_skip_space(v.ptr, v.ptr + v.len);
    const char *end = v.ptr + v.len;
    struct bs_slice type = bs_mime_token(&p, end, "/;");
    if (p < end && *p == '/' && type.len) {
        p++;
        struct bs_slice sub = bs_mime_token(&p, end, ";");
        if (sub.len) {
            ct->type = type;
            ct->subtype = sub;
        }
    }
    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (!semi)
            break;
        p = bs_mime_skip_space(semi + 1, end);
        struct bs_slice name = bs_mime_token(&p, end, "=;");
        p = bs_mime_skip_space(p, end);
        if (p >= end || *p != '=')
            continue;
        p = bs_mime_skip_space(p + 1, end);
        bs_mime_ctype_param(ct, name, bs_mime_param_value(&p, end));
    }
}

enum bs_mime_cte bs_mime_parse_cte(struct bs_slice v)
{
    const char *p = bs_mime_skip_space(v.ptr, v.ptr + v.len);
    struct bs_slice t = bs_slice_make(p, (size_t)(v.ptr + v.len - p));
    if (bs_mime_istarts(t, "quoted-printable"))
        return BS_CTE_QP;
    if (bs_mime_istarts(t, "base64"))
        return BS_CTE_BASE64;
    return BS_CTE_IDENTITY;
}

/* ------------------------------------------------------------------ */
/* Decoders                                                            */

static int bs_mime_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = bs_ascii_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* After "=" at i: the index past a soft line break (blanks, then a line
 * end), or 0 when there is none. */
static size_t bs_mime_qp_soft_break(const char *in, size_t n, size_t i)
{
    size_t j = i + 1;
    while (j < n && bs_mime_is_blank(in[j]))
        j++;
    if (j >= n)
        return n;
    if (in[j] != '\r' && in[j] != '\n')
        return 0;
    while (j < n && in[j] == '\r')
        j++;
    if (j < n && in[j] == '\n')
        j++;
    return j;
}

size_t bs_mime_qp_decode(const char *in, size_t n, char *out, size_t cap)
{
    size_t o = 0, i = 0;
    while (i < n && o < cap) {
        if (in[i] != '=') {
            out[o++] = in[i++];
            continue;
        }
        size_t j = bs_mime_qp_soft_break(in, n, i);
        if (j) {
            i = j;
        } else if (i + 2 < n && bs_mime_hex(in[i + 1]) >= 0 &&
                   bs_mime_hex(in[i + 2]) >= 0) {
            out[o++] = (char)(bs_mime_hex(in[i + 1]) * 16 +
                              bs_mime_hex(in[i + 2]));
            i += 3;
        } else {
            out[o++] = in[i++];
        }
    }
    return o;
}

static int bs_mime_b64(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

size_t bs_mime_base64_decode(const char *in, size_t n, char *out,
                             size_t cap)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n && in[i] != '='; i++) {
        int v = bs_mime_b64(in[i]);
        if (v < 0)
            continue;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap)
                break;
            out[o++] = (char)((acc >> bits) & 0xff);
        }
    }
    return o;
}

size_t bs_mime_decode_body(enum bs_mime_cte cte, struct bs_slice body,
                           char *out, size_t cap)
{
    if (cte == BS_CTE_QP)
        return bs_mime_qp_decode(body.ptr, body.len, out, cap);
    if (cte == BS_CTE_BASE64)
        return bs_mime_base64_decode(body.ptr, body.len, out, cap);
    size_t n = BS_MIN(body.len, cap);
    if (n)
        memcpy(out, body.ptr, n);
    return n;
}

/* ------------------------------------------------------------------ */
/* Dates                                                               */

struct bs_mime_date {
    int year, mon, day, hour, min, sec, zone; /* zone in minutes */
    bool have_year, have_day, have_time;
};

static int bs_mime_month(struct bs_slice t)
{
    static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    if (t.len < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        const char *name = months + m * 3;
        if (bs_ascii_lower(t.ptr[0]) == name[0] &&
            bs_ascii_lower(t.ptr[1]) == name[1] &&
            bs_ascii_lower(t.ptr[2]) == name[2])
            return m + 1;
    }
    return 0;
}

static bool bs_mime_zone_name(struct bs_slice t, int *zone)
{
    static const struct { const char *name; int hours; } zones[] = {
        { "UT", 0 },   { "UTC", 0 },  { "GMT", 0 },  { "Z", 0 },
        { "EST", -5 }, { "EDT", -4 }, { "CST", -6 }, { "CDT", -5 },
        { "MST", -7 }, { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 },
        { "JST", 9 },  { "CET", 1 },  { "CEST", 2 }, { "BST", 1 },
    };
    for (size_t i = 0; i < BS_ARRAY_LEN(zones); i++) {
        if (bs_mime_ieq(t, zones[i].name)) {
            *zone = zones[i].hours * 60;
            return true;
        }
    }
    return false;
}

/* "hh:mm[:ss]" */
static bool bs_mime_time(struct bs_slice t, struct bs_mime_date *d)
{
    int v[3] = { 0, 0, 0 }, k = 0, digits = 0;
    for (size_t i = 0; i < t.len; i++) {
        char c = t.ptr[i];
        if (bs_is_digit(c) && digits < 2) {
            v[k] = v[k] * 10 + (c - '0');
            digits++;
        } else if (c == ':' && digits && k < 2) {
            k++;
            digits = 0;
        } else if (c == '.' && k == 2) {
            break; /* fractions of a second */
        } else {
            return false;
        }
    }
    if (k < 1 || !digits || v[0] > 23 || v[1] > 59 || v[2] > 60)
        return false;
    d->hour = v[0];
    d->min = v[1];
    d->sec = v[2];
    d->have_time = true;
    return true;
}

static bool bs_mime_number(struct bs_slice t, int *v)
{
    if (!t.len || t.len > 4)
        return false;
    *v = 0;
    for (size_t i = 0; i < t.len; i++) {
        if (!bs_is_digit(t.ptr[i]))
            return false;
        *v = *v * 10 + (t.ptr[i] - '0');
    }
    return true;
}

static void bs_mime_date_token(struct bs_slice t, struct bs_mime_date *d)
{
    int v;
    if (t.len == 5 && (t.ptr[0] == '+' || t.ptr[0] == '-') &&
        bs_mime_number(bs_slice_make(t.ptr + 1, 4), &v)) {
        d->zone = (v / 100 * 60 + v % 100) * (t.ptr[0] == '-' ? -1 : 1);
    } else if (memchr(t.ptr, ':', t.len)) {
        (void)bs_mime_time(t, d);
    } else if (bs_mime_number(t, &v)) {
        if (!d->have_day && t.len <= 2 && v >= 1 && v <= 31) {
            d->day = v;
            d->have_day = true;
        } else if (!d->have_year) {
            d->year = t.len == 4 ? v : v < 50 ? 2000 + v : 1900 + v;
            d->have_year = true;
        }
    } else if (!d->mon && bs_mime_month(t)) {
        d->mon = bs_mime_month(t);
    } else {
        (void)bs_mime_zone_name(t, &d->zone);
    }
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t bs_mime_days(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool bs_mime_parse_date(struct bs_slice s, int64_t *out)
{
    struct bs_mime_date d;
    memset(&d, 0, sizeof d);
    const char *p = s.ptr, *end = s.ptr + s.len;
    for (int n = 0; p < end && n < 12; n++) {
        while (p < end && (bs_mime_is_space(*p) || *p == ','))
            p++;
        if (p < end && *p == '(')
            break; /* a comment: "(JST)" */
        const char *t = p;
        while (p < end && !bs_mime_is_space(*p) && *p != ',')
            p++;
        if (p > t)
            bs_mime_date_token(bs_slice_make(t, (size_t)(p - t)), &d);
    }
    if (!d.have_year || !d.have_day || !d.mon || !d.have_time ||
        d.year < 1970 || d.year > 9999)
        return false;
    *out = bs_mime_days(d.year, d.mon, d.day) * 86400 + d.hour * 3600 +
           d.min * 60 + d.sec - (int64_t)d.zone * 60;
    return true;
}

/* ------------------------------------------------------------------ */
/* The walker                                                          */

struct bs_mime_walker {
    enum bs_mime_eol eol;
    unsigned max_depth;
    bs_mime_part_fn *fn;
    void *ctx;
    struct bs_mime_walk_stats *st;
};

static int bs_mime_walk_entity(struct bs_mime_walker *w, struct bs_slice ent,
                               unsigned depth, bool in_message);

/* 0: not a delimiter, 1: a delimiter, 2: the closing delimiter. */
static int bs_mime_delimiter(struct bs_slice line, struct bs_slice boundary)
{
    if (line.len < boundary.len + 2 || line.ptr[0] != '-' ||
        line.ptr[1] != '-' ||
        memcmp(line.ptr + 2, boundary.ptr, boundary.len) != 0)
        return 0;
    struct bs_slice rest = bs_slice_make(line.ptr + 2 + boundary.len,
                                         line.len - 2 - boundary.len);
    if (BS_SLICE_STARTS(rest, "--"))
        return 2;
    return bs_mime_all_blank(rest) ? 1 : 0;
}

static int bs_mime_walk_child(struct bs_mime_walker *w, const char *start,
                              const char *end, unsigned depth,
                              bool in_message)
{
    if (end < start)
        end = start;
    return bs_mime_walk_entity(w, bs_slice_make(start, (size_t)(end - start)),
                               depth, in_message);
}

/* The first line "--X" (X without blanks, not only dashes) that comes
 * back later as a delimiter: the boundary a multipart really uses when
 * its Content-Type names another one. Tries a few lines only. */
static struct bs_slice bs_mime_guess_boundary(struct bs_slice body,
                                              enum bs_mime_eol eol)
{
    struct bs_mime_cursor c = bs_mime_cursor_make(body, eol);
    struct bs_slice line, later;
    for (int tries = 0; tries < 4 && bs_mime_next_line(&c, &line);) {
        if (line.len < 3 || line.len > 202 || !BS_SLICE_STARTS(line, "--"))
            continue;
        struct bs_slice cand = bs_slice_make(line.ptr + 2, line.len - 2);
        size_t dashes = 0, blanks = 0;
        for (size_t i = 0; i < cand.len; i++) {
            dashes += cand.ptr[i] == '-';
            blanks += cand.ptr[i] == ' ' || cand.ptr[i] == '\t';
        }
        if (dashes == cand.len || blanks)
            continue;
        tries++;
        struct bs_mime_cursor k = c;
        while (bs_mime_next_line(&k, &later))
            if (bs_mime_delimiter(later, cand))
                return cand;
    }
    return bs_slice_make("", 0);
}

/* A multipart whose delimiters never appear: its body, as one text
 * entity without headers, so that its words can still be read. */
static int bs_mime_walk_headerless(struct bs_mime_walker *w,
                                   struct bs_slice body, unsigned depth,
                                   bool in_message)
{
    struct bs_mime_part p;
    if (w->st->parts >= BS_MIME_MAX_PARTS) {
        w->st->too_many = true;
        return 0;
    }
    memset(&p, 0, sizeof p);
    bs_mime_parse_ctype(BS_SLICE_LIT(""), &p.ct);
    p.headers = bs_slice_make(body.ptr, 0);
    p.body = body;
    p.depth = depth;
    p.index = w->st->parts++;
    p.in_message = in_message;
    return w->fn(w->ctx, &p);
}

/* Walks the parts between delimiters; *found says whether there was
 * any delimiter. */
static int bs_mime_walk_parts(struct bs_mime_walker *w, struct bs_slice body,
                              struct bs_slice boundary, unsigned depth,
                              bool in_message, bool *found)
{
    struct bs_mime_cursor c = bs_mime_cursor_make(body, w->eol);
    const char *part = NULL, *last_end = NULL;
    struct bs_slice line;
    int rc;
    while (bs_mime_next_line(&c, &line)) {
        int d = boundary.len ? bs_mime_delimiter(line, boundary) : 0;
        if (!d) {
            last_end = line.ptr + line.len;
            continue;
        }
        *found = true;
        if (part && (rc = bs_mime_walk_child(w, part, last_end ? last_end
                                                               : part,
                                             depth, in_message)))
            return rc;
        if (d == 2)
            return 0;
        part = c.p;
        last_end = NULL;
    }
    if (!part)
        return 0;
    w->st->malformed++; /* no closing delimiter */
    if (last_end)
        return bs_mime_walk_child(w, part, last_end, depth, in_message);
    return 0;
}

static int bs_mime_walk_multipart(struct bs_mime_walker *w,
                                  struct bs_slice body,
                                  struct bs_slice boundary, unsigned depth,
                                  bool in_message)
{
    bool found = false;
    int rc = bs_mime_walk_parts(w, body, boundary, depth, in_message,
                                &found);
    if (found)
        return rc;
    w->st->malformed++;
    struct bs_slice guess = bs_mime_guess_boundary(body, w->eol);
    if (guess.len) {
        rc = bs_mime_walk_parts(w, body, guess, depth, in_message, &found);
        if (found)
            return rc;
    }
    return bs_mime_walk_headerless(w, body, depth, in_message);
}

/* Visits the children of a multipart or message/rfc822 entity. */
static int bs_mime_walk_children(struct bs_mime_walker *w,
                                 const struct bs_mime_part *p)
{
    bool multi = bs_mime_ieq(p->ct.type, "multipart");
    bool message = bs_mime_ieq(p->ct.type, "message") &&
                   (bs_mime_ieq(p->ct.subtype, "rfc822") ||
                    bs_mime_ieq(p->ct.subtype, "global"));
    if (!multi && !message)
        return 0;
    if (p->depth >= w->max_depth) {
        w->st->too_deep = true;
        return 0;
    }
    if (multi)
        return bs_mime_walk_multipart(w, p->body, p->ct.boundary,
                                      p->depth + 1, p->in_message);
    return bs_mime_walk_entity(w, p->body, p->depth + 1, true);
}

static int bs_mime_walk_entity(struct bs_mime_walker *w, struct bs_slice ent,
                               unsigned depth, bool in_message)
{
    if (w->st->parts >= BS_MIME_MAX_PARTS) {
        w->st->too_many = true;
        return 0;
    }
    struct bs_mime_cursor c = bs_mime_cursor_make(ent, w->eol);
    struct bs_mime_header h;
    struct bs_slice ctype = BS_SLICE_LIT("");
    bool have_ctype = false;
    struct bs_mime_part p;
    memset(&p, 0, sizeof p);
    while (bs_mime_next_header(&c, &h)) {
        if (!have_ctype && bs_mime_ieq(h.name, "content-type")) {
            ctype = h.value;
            have_ctype = true;
        } else if (bs_mime_ieq(h.name, "content-transfer-encoding"))
            p.cte = bs_mime_parse_cte(h.value);
    }
    p.headers = bs_slice_make(ent.ptr, (size_t)(c.p - ent.ptr));
    p.body = bs_slice_make(c.p, (size_t)(ent.ptr + ent.len - c.p));
    bs_mime_parse_ctype(ctype, &p.ct);
    p.depth = depth;
    p.index = w->st->parts++;
    p.in_message = in_message;
    int rc = w->fn(w->ctx, &p);
    return rc ? rc : bs_mime_walk_children(w, &p);
}

int bs_mime_walk(const char *msg, size_t len, enum bs_mime_eol eol,
                 unsigned max_depth, bs_mime_part_fn *fn, void *ctx,
                 struct bs_mime_walk_stats *st)
{
    struct bs_mime_walker w = { eol, max_depth, fn, ctx, st };
    memset(st, 0, sizeof *st);
    return bs_mime_walk_entity(&w, bs_slice_make(msg, len), 0, false);
}
