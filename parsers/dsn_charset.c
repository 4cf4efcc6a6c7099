/*
 * dsn_charset.c - bounce texts to UTF-8: transfer decoding, charsets
 * (through iconv, part of the C library), RFC 2047 encoded words
 *
 * Japanese carriers write their bounces in ISO-2022-JP, Shift_JIS or
 * EUC-JP; the Microsoft flavours of the last two (CP932, EUC-JP-MS) are
 * supersets that also hold the NEC and IBM extension characters phones
 * use, so they are asked for instead. A byte iconv cannot convert becomes
 * U+FFFD and the conversion goes on. Conversion descriptors are opened
 * once per charset and kept in the parser (at most BS_DSN_MAX_CONV; an
 * unknown charset is remembered as unknown and copied through).
 */
#include "dsn_impl.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>

#define BS_DSN_BAD_CD ((void *)(intptr_t)-1)

/* The iconv name to ask for, lower-case input. "" means: copy. */
static const char *bs_dsn_charset_name(const char *cs)
{
    static const struct { const char *label, *name; } names[] = {
        { "us-ascii", "" },        { "ascii", "" },
        { "utf-8", "" },           { "utf8", "" },
        { "shift_jis", "CP932" },  { "shift-jis", "CP932" },
        { "sjis", "CP932" },       { "x-sjis", "CP932" },
        { "windows-31j", "CP932" }, { "cp932", "CP932" },
        { "euc-jp", "EUC-JP-MS" }, { "x-euc-jp", "EUC-JP-MS" },
        { "iso-2022-jp", "ISO-2022-JP-3" },
        { "iso-2022-jp-1", "ISO-2022-JP-3" },
    };
    for (size_t i = 0; i < BS_ARRAY_LEN(names); i++)
        if (!strcmp(cs, names[i].label))
            return names[i].name;
    return cs;
}

static void *bs_dsn_conv_open(struct bs_dsn_parser *p, const char *name)
{
    for (unsigned i = 0; i < p->nconv; i++)
        if (!strcmp(p->conv[i].name, name))
            return p->conv[i].cd;
    iconv_t cd = iconv_open("UTF-8", name);
    void *h = cd == (iconv_t)-1 ? BS_DSN_BAD_CD : (void *)cd;
    if (p->nconv < BS_DSN_MAX_CONV) {
        struct bs_dsn_conv *c = &p->conv[p->nconv++];
        snprintf(c->name, sizeof c->name, "%s", name);
        c->cd = h;
    } else if (h != BS_DSN_BAD_CD) {
        /* No room to keep it: the caller's copy would leak, so refuse. */
        iconv_close(cd);
        h = BS_DSN_BAD_CD;
    }
    return h;
}

void bs_dsn_conv_close(struct bs_dsn_parser *p)
{
    for (unsigned i = 0; i < p->nconv; i++)
        if (p->conv[i].cd != BS_DSN_BAD_CD)
            iconv_close((iconv_t)p->conv[i].cd);
    p->nconv = 0;
}

static bool bs_dsn_has_jis_escape(struct bs_slice s)
{
    return bs_memmem(s.ptr, s.len, "\x1b$B", 3) ||
           bs_memmem(s.ptr, s.len, "\x1b$@", 3);
}

static bool bs_dsn_has_8bit(struct bs_slice s)
{
    for (size_t i = 0; i < s.len; i++)
        if ((unsigned char)s.ptr[i] >= 0x80)
            return true;
    return false;
}

/* Is s well-formed UTF-8 (enough to tell it from EUC-JP)? */
static bool bs_dsn_is_utf8(struct bs_slice s)
{
    const unsigned char *p = (const unsigned char *)s.ptr;
    for (size_t i = 0; i < s.len;) {
        unsigned char c = p[i];
        size_t k;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c < 0xe0)
            k = 1;
        else if (c >= 0xe0 && c < 0xf0)
            k = 2;
        else if (c >= 0xf0 && c < 0xf5)
            k = 3;
        else
            return false;
        if (i + k >= s.len)
            return false;
        for (size_t j = 1; j <= k; j++)
            if ((p[i + j] & 0xc0) != 0x80)
                return false;
        i += k + 1;
    }
    return true;
}

/* Runs iconv over in, U+FFFD for each byte it refuses. */
static size_t bs_dsn_iconv(void *h, struct bs_slice in, char *out,
                           size_t cap)
{
    iconv_t cd = (iconv_t)h;
    char *ip = (char *)(uintptr_t)in.ptr, *op = out;
    size_t il = in.len, ol = cap;
    iconv(cd, NULL, NULL, NULL, NULL);
    while (il > 0) {
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
            break;
        if (errno == E2BIG || ol < 3)
            break;
        if (errno == EINVAL) /* cut short at the end */
            break;
        memcpy(op, "\xef\xbf\xbd", 3); /* EILSEQ: U+FFFD, skip a byte */
        op += 3;
        ol -= 3;
        ip++;
        il--;
    }
    iconv(cd, NULL, NULL, &op, &ol);
    return (size_t)(op - out);
}

struct bs_slice bs_dsn_to_utf8(struct bs_dsn_parser *p,
                               struct bs_slice charset, struct bs_slice in)
{
    char label[32];
    size_t n = BS_MIN(charset.len, sizeof label - 1);
    for (size_t i = 0; i < n; i++)
        label[i] = bs_ascii_lower(charset.ptr[i]);
    label[n] = '\0';
    const char *name = bs_dsn_charset_name(label);
    if ((!*name || !n) && bs_dsn_has_jis_escape(in))
        name = "ISO-2022-JP-3";
    if (!strcmp(name, "ISO-2022-JP-3") && bs_dsn_has_8bit(in))
        name = bs_dsn_is_utf8(in) ? "" : "EUC-JP-MS"; /* mislabelled */
    if (!*name || !in.len)
        return in;
    void *h = bs_dsn_conv_open(p, name);
    size_t cap = in.len * 4 + 16;
    char *out = h == BS_DSN_BAD_CD ? NULL : bs_dsn_scratch(p, cap);
    if (!out)
        return in;
    return bs_slice_make(out, bs_dsn_iconv(h, in, out, cap));
}

struct bs_slice bs_dsn_part_text(struct bs_dsn_parser *p,
                                 const struct bs_mime_part *part)
{
    struct bs_slice body = part->body;
    if (body.len > BS_DSN_PART_MAX)
        body.len = BS_DSN_PART_MAX;
    if (part->cte != BS_CTE_IDENTITY) {
        char *buf = bs_dsn_scratch(p, body.len + 1);
        if (!buf)
            return bs_slice_make("", 0);
        body = bs_slice_make(buf, bs_mime_decode_body(part->cte, body, buf,
                                                      body.len + 1));
    }
    return bs_dsn_to_utf8(p, part->ct.charset, body);
}

/* ------------------------------------------------------------------ */
/* RFC 2047 encoded words: =?charset?B?...?= and =?charset?Q?...?=      */

struct bs_dsn_word {
    struct bs_slice charset, text;
    char enc;
    size_t len; /* of the whole word */
};

static bool bs_dsn_word_at(const char *s, const char *end,
                           struct bs_dsn_word *w)
{
    if (end - s < 8 || s[0] != '=' || s[1] != '?')
        return false;
    const char *cs = s + 2;
    const char *q1 = memchr(cs, '?', (size_t)(end - cs));
    if (!q1 || end - q1 < 4 || q1[2] != '?')
        return false;
    const char *t = q1 + 3;
    const char *close = bs_memmem(t, (size_t)(end - t), "?=", 2);
    if (!close || memchr(t, ' ', (size_t)(close - t)))
        return false;
    w->charset = bs_slice_make(cs, (size_t)(q1 - cs));
    const char *star = memchr(cs, '*', (size_t)(q1 - cs)); /* RFC 2231 */
    if (star)
        w->charset.len = (size_t)(star - cs);
    w->enc = bs_ascii_lower(q1[1]);
    w->text = bs_slice_make(t, (size_t)(close - t));
    w->len = (size_t)(close + 2 - s);
    return w->enc == 'b' || w->enc == 'q';
}

/* Decodes one word's text to UTF-8 and appends it to out. */
static size_t bs_dsn_word_append(struct bs_dsn_parser *p,
                                 const struct bs_dsn_word *w, char *out,
                                 size_t o, size_t cap)
{
    char raw[512];
    size_t n;
    if (w->enc == 'b') {
        n = bs_mime_base64_decode(w->text.ptr, w->text.len, raw, sizeof raw);
    } else {
        n = bs_mime_qp_decode(w->text.ptr, w->text.len, raw, sizeof raw);
        for (size_t i = 0; i < n; i++)
            if (raw[i] == '_')
                raw[i] = ' ';
    }
    struct bs_slice u = bs_dsn_to_utf8(p, w->charset, bs_slice_make(raw, n));
    size_t k = BS_MIN(u.len, cap - 1 - o);
    memcpy(out + o, u.ptr, k);
    return o + k;
}

size_t bs_dsn_decode_words(struct bs_dsn_parser *p, struct bs_slice v,
                           char *out, size_t cap)
{
    if (!cap)
        return 0;
    char flat[1024];
    size_t n = bs_mime_unfold(v, flat, sizeof flat);
    const char *s = flat, *end = flat + n;
    size_t o = 0;
    bool after_word = false;
    while (s < end && o + 1 < cap) {
        struct bs_dsn_word w;
        if (bs_dsn_word_at(s, end, &w)) {
            o = bs_dsn_word_append(p, &w, out, o, cap);
            s += w.len;
            after_word = true;
            continue;
        }
        /* Blanks between two encoded words are dropped. */
        if (after_word && *s == ' ' && s + 1 < end &&
            bs_dsn_word_at(s + 1, end, &w)) {
            s++;
            continue;
        }
        after_word = false;
        out[o++] = *s++;
    }
    out[o] = '\0';
    return o;
}
