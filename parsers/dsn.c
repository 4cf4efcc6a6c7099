/*
 * dsn.c - from a returned mail to one record per recipient: the entry
 * point, RFC 3464 delivery-status fields and the original's sender
 *
 * One pass of the MIME walker collects what a bounce is made of: the
 * delivery-status parts, the human-readable text parts (decoded, joined),
 * the original's headers and whether it is a feedback report. Then:
 * delivery-status fields (from their parts, else from the text), else the
 * bounce texts dsn_text.c knows; then each record is completed
 * (dsn_find.c: status from the diagnostic, diagnostic from the text) and
 * the sender is taken from the original. A bounce that a postmaster
 * forwarded (inside the text, or attached whole) is read once more from
 * where it is embedded. Design and ownership: dsn.h.
 */
#include "dsn_impl.h"

#include <stdio.h>
#include <stdlib.h>

struct bs_dsn_parser *bs_dsn_parser_new(void)
{
    return bs_xcalloc(1, sizeof(struct bs_dsn_parser));
}

void bs_dsn_parser_free(struct bs_dsn_parser *p)
{
    if (!p)
        return;
    bs_dsn_scratch_release(p);
    bs_dsn_conv_close(p);
    free(p);
}

char *bs_dsn_scratch(struct bs_dsn_parser *p, size_t n)
{
    if (p->nbufs >= BS_DSN_MAX_BUFS ||
        n > BS_DSN_SCRATCH_MAX - p->scratch_used)
        return NULL;
    p->scratch_used += n;
    return p->bufs[p->nbufs++] = bs_xmalloc(n ? n : 1);
}

void bs_dsn_scratch_release(struct bs_dsn_parser *p)
{
    for (unsigned i = 0; i < p->nbufs; i++)
        free(p->bufs[i]);
    p->nbufs = 0;
    p->scratch_used = 0;
}

/* ------------------------------------------------------------------ */
/* Field values                                                        */

/* "type; value" -> value (a type is a short token without blanks). */
static struct bs_slice bs_dsn_untype(struct bs_slice v)
{
    if (!v.len)
        return bs_slice_make("", 0);
    const char *semi = memchr(v.ptr, ';', BS_MIN(v.len, 32));
    if (semi && !memchr(v.ptr, ' ', (size_t)(semi - v.ptr))) {
        v.len -= (size_t)(semi + 1 - v.ptr);
        v.ptr = semi + 1;
    }
    while (v.len && (v.ptr[0] == ' ' || v.ptr[0] == '\t'))
        v.ptr++, v.len--;
    while (v.len && (v.ptr[v.len - 1] == ' ' || v.ptr[v.len - 1] == '\t'))
        v.len--;
    return v;
}

/* The host of a Remote-MTA value: its first word, without brackets. */
static struct bs_slice bs_dsn_host(struct bs_slice v)
{
    size_t n = 0;
    while (n < v.len && !strchr(" \t\r\n(", v.ptr[n]))
        n++;
    v.len = n;
    if (v.len >= 2 && v.ptr[0] == '[' && v.ptr[v.len - 1] == ']') {
        v.ptr++;
        v.len -= 2;
    }
    return v;
}

void bs_dsn_copy(char *dst, size_t cap, struct bs_slice s)
{
    size_t n = BS_MIN(s.len, cap - 1);
    if (n)
        memcpy(dst, s.ptr, n);
    dst[n] = '\0';
}

/* ------------------------------------------------------------------ */
/* Recipients                                                          */

static struct bs_slice bs_dsn_strip_angle(struct bs_slice a)
{
    while (a.len && (a.ptr[0] == '<' || a.ptr[0] == '"' || a.ptr[0] == ' '))
        a.ptr++, a.len--;
    while (a.len && (a.ptr[a.len - 1] == '>' || a.ptr[a.len - 1] == '"' ||
                     a.ptr[a.len - 1] == ' ' || a.ptr[a.len - 1] == '.'))
        a.len--;
    return a;
}

static bool bs_dsn_addr_eq(const char *a, struct bs_slice b)
{
    size_t n = strlen(a);
    return n == b.len && bs_mime_ieq(b, a);
}

struct bs_dsn_rcpt *bs_dsn_rcpt_find(struct bs_dsn_parser *p,
                                     struct bs_slice addr)
{
    for (unsigned i = 0; i < p->res.nrcpt; i++)
        if (bs_dsn_addr_eq(p->res.rcpt[i].recipient, addr))
            return &p->res.rcpt[i];
    return NULL;
}

struct bs_dsn_rcpt *bs_dsn_rcpt_add(struct bs_dsn_parser *p,
                                    struct bs_slice addr)
{
    size_t n = 0; /* up to the first control character or blank */
    while (n < addr.len && (unsigned char)addr.ptr[n] > ' ')
        n++;
    addr.len = n;
    if (!n)
        return NULL;
    if (p->res.nrcpt >= BS_DSN_MAX_RCPTS) {
        p->res.dropped++;
        return NULL;
    }
    struct bs_dsn_rcpt *r = &p->res.rcpt[p->res.nrcpt++];
    memset(r, 0, sizeof *r);
    bs_dsn_copy(r->recipient, sizeof r->recipient, addr);
    return r;
}

void bs_dsn_rcpt_append(struct bs_dsn_rcpt *r, struct bs_slice text)
{
    size_t n = strlen(r->text);
    if (n && n + 1 < sizeof r->text)
        r->text[n++] = ' ';
    n += bs_mime_unfold(text, r->text + n, sizeof r->text - n);
}

/* ------------------------------------------------------------------ */
/* Delivery-status fields                                              */

struct bs_dsn_group {
    struct bs_slice final, original, action, status, remote, diag, last;
    bool any;
};

static enum bs_dsn_action bs_dsn_action_of(struct bs_slice a,
                                           struct bs_slice status)
{
    if (bs_mime_istarts(a, "delayed"))
        return BS_DSN_DELAYED;
    if (bs_mime_istarts(a, "delivered") || bs_mime_istarts(a, "relayed") ||
        bs_mime_istarts(a, "expanded"))
        return BS_DSN_DELIVERED;
    if (!a.len && status.len && status.ptr[0] == '2')
        return BS_DSN_DELIVERED;
    return BS_DSN_FAILED;
}

static void bs_dsn_group_flush(struct bs_dsn_parser *p,
                               struct bs_dsn_group *g, unsigned *n)
{
    struct bs_slice who = g->final.len ? g->final : g->original, addr;
    who = bs_dsn_untype(who);
    if (!bs_dsn_find_address(who, false, &addr))
        addr = bs_dsn_strip_angle(who);
    struct bs_dsn_rcpt *r = addr.len ? bs_dsn_rcpt_add(p, addr) : NULL;
    if (r) {
        struct bs_slice st = bs_dsn_find_status(g->status);
        bs_dsn_copy(r->status, sizeof r->status, st);
        bs_dsn_copy(r->remote_mta, sizeof r->remote_mta,
                    bs_dsn_host(bs_dsn_untype(g->remote)));
        bs_dsn_rcpt_append(r, bs_dsn_untype(g->diag));
        r->action = bs_dsn_action_of(bs_dsn_untype(g->action), st);
        if (g->last.len)
            (void)bs_mime_parse_date(g->last, &r->time);
        ++*n;
    }
    memset(g, 0, sizeof *g);
}

static void bs_dsn_message_field(struct bs_dsn_parser *p,
                                 const struct bs_mime_header *h)
{
    if (bs_mime_ieq(h->name, "Reporting-MTA")) {
        bs_dsn_copy(p->res.reporting_mta, sizeof p->res.reporting_mta,
                    bs_dsn_untype(h->value));
    } else if (bs_mime_ieq(h->name, "Arrival-Date")) {
        (void)bs_mime_parse_date(h->value, &p->res.time);
    } else if (bs_mime_ieq(h->name, "X-Postfix-Sender")) {
        struct bs_slice a;
        if (bs_dsn_find_address(bs_dsn_untype(h->value), false, &a))
            bs_dsn_copy(p->fallback_sender, sizeof p->fallback_sender, a);
    }
}

/* A field of a recipient group; false when it is not one. */
static bool bs_dsn_group_field(struct bs_dsn_parser *p,
                               struct bs_dsn_group *g,
                               const struct bs_mime_header *h, unsigned *n)
{
    static const struct { const char *name; size_t off; } fields[] = {
        { "Final-Recipient", offsetof(struct bs_dsn_group, final) },
        { "Original-Recipient", offsetof(struct bs_dsn_group, original) },
        { "Action", offsetof(struct bs_dsn_group, action) },
        { "Status", offsetof(struct bs_dsn_group, status) },
        { "Remote-MTA", offsetof(struct bs_dsn_group, remote) },
        { "Diagnostic-Code", offsetof(struct bs_dsn_group, diag) },
        { "Last-Attempt-Date", offsetof(struct bs_dsn_group, last) },
    };
    for (size_t i = 0; i < BS_ARRAY_LEN(fields); i++) {
        if (!bs_mime_ieq(h->name, fields[i].name))
            continue;
        struct bs_slice *f =
            (struct bs_slice *)(void *)((char *)g + fields[i].off);
        bool who = i < 2;
        /* A second recipient field starts the next group (no blank
         * line between groups). */
        if (who && f->len && (g->final.len || g->original.len))
            bs_dsn_group_flush(p, g, n);
        f = (struct bs_slice *)(void *)((char *)g + fields[i].off);
        *f = h->value;
        g->any = true;
        return true;
    }
    return false;
}

unsigned bs_dsn_parse_fields(struct bs_dsn_parser *p, struct bs_slice text,
                             enum bs_mime_eol eol)
{
    struct bs_mime_cursor c = bs_mime_cursor_make(text, eol);
    struct bs_dsn_group g;
    struct bs_mime_header h;
    struct bs_slice line;
    unsigned n = 0;
    memset(&g, 0, sizeof g);
    while (c.p < c.end) {
        while (bs_mime_next_header(&c, &h)) {
            if (!bs_dsn_group_field(p, &g, &h, &n))
                bs_dsn_message_field(p, &h);
        }
        if (g.final.len || g.original.len)
            bs_dsn_group_flush(p, &g, &n); /* a blank line ends a group */
        memset(&g, 0, sizeof g);
        struct bs_mime_cursor t = c;
        if (bs_mime_next_header(&t, &h))
            continue; /* the next group starts here */
        (void)bs_mime_next_line(&c, &line); /* a blank or foreign line */
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* Collecting the parts                                                */

static void bs_dsn_top_header(struct bs_dsn_top *t,
                              const struct bs_mime_header *h)
{
    static const struct { const char *name; size_t off; } names[] = {
        { "From", offsetof(struct bs_dsn_top, from) },
        { "To", offsetof(struct bs_dsn_top, to) },
        { "Subject", offsetof(struct bs_dsn_top, subject) },
        { "Date", offsetof(struct bs_dsn_top, date) },
        { "Return-Path", offsetof(struct bs_dsn_top, return_path) },
        { "X-Failed-Recipients", offsetof(struct bs_dsn_top, failed_rcpts) },
        { "Auto-Submitted", offsetof(struct bs_dsn_top, auto_submitted) },
    };
    for (size_t i = 0; i < BS_ARRAY_LEN(names); i++) {
        struct bs_slice *f =
            (struct bs_slice *)(void *)((char *)t + names[i].off);
        if (!f->ptr && bs_mime_ieq(h->name, names[i].name))
            *f = h->value;
    }
}

#define BS_DSN_MAX_NOTES 8

struct bs_dsn_collect {
    struct bs_dsn_parser *p;
    struct bs_slice notes[BS_DSN_MAX_NOTES], html;
    unsigned nnotes;
};

static void bs_dsn_collect_leaf(struct bs_dsn_collect *k,
                                const struct bs_mime_part *part)
{
    struct bs_dsn_parser *p = k->p;
    struct bs_slice type = part->ct.type, sub = part->ct.subtype;
    if (bs_mime_ieq(type, "message") &&
        (bs_mime_ieq(sub, "delivery-status") ||
         bs_mime_ieq(sub, "global-delivery-status"))) {
        if (p->nds < BS_DSN_MAX_DS)
            p->ds[p->nds++] = bs_dsn_part_text(p, part);
    } else if (bs_mime_ieq(type, "message") &&
               bs_mime_ieq(sub, "feedback-report")) {
        p->feedback = true;
    } else if (!p->orig.ptr && bs_mime_ieq(type, "text") &&
               bs_mime_ieq(sub, "rfc822-headers")) {
        p->orig = bs_dsn_part_text(p, part);
        p->orig_eol = bs_mime_eol_of(p->orig.ptr, p->orig.len);
    } else if (bs_mime_ieq(type, "text") && bs_mime_ieq(sub, "html")) {
        if (!k->html.len)
            k->html = bs_dsn_part_text(p, part);
    } else if ((bs_mime_ieq(type, "text") || part->depth == 0) &&
               k->nnotes < BS_DSN_MAX_NOTES) {
        k->notes[k->nnotes++] = bs_dsn_part_text(p, part);
    }
}

static int bs_dsn_collect_part(void *ctx, const struct bs_mime_part *part)
{
    struct bs_dsn_collect *k = ctx;
    struct bs_dsn_parser *p = k->p;
    if (part->in_message)
        return 0;
    if (part->depth == 0) {
        struct bs_mime_cursor c = bs_mime_cursor_make(part->headers, p->eol);
        struct bs_mime_header h;
        while (bs_mime_next_header(&c, &h))
            bs_dsn_top_header(&p->top, &h);
        p->multipart = bs_mime_ieq(part->ct.type, "multipart");
        p->has_report = p->multipart &&
                        bs_mime_ieq(part->ct.subtype, "report");
        if (p->has_report &&
            bs_mime_ieq(part->ct.report_type, "feedback-report"))
            p->feedback = true;
    }
    if (bs_mime_ieq(part->ct.type, "multipart"))
        return 0;
    if (bs_mime_ieq(part->ct.type, "message") &&
        (bs_mime_ieq(part->ct.subtype, "rfc822") ||
         bs_mime_ieq(part->ct.subtype, "global"))) {
        if (!p->orig.ptr) {
            p->orig = part->body;
            p->orig_eol = p->eol;
            p->orig_whole = true;
        }
        return 0;
    }
    bs_dsn_collect_leaf(k, part);
    return 0;
}

/* Tags out, entities &amp; &lt; &gt; &nbsp; back, <br> and </p> to
 * line ends: enough of HTML to read a bounce that has no text part. */
static struct bs_slice bs_dsn_html_text(struct bs_dsn_parser *p,
                                        struct bs_slice h)
{
    char *out = bs_dsn_scratch(p, h.len + 1);
    size_t o = 0;
    if (!out)
        return bs_slice_make("", 0);
    for (size_t i = 0; i < h.len; i++) {
        if (h.ptr[i] == '<') {
            const char *gt = memchr(h.ptr + i, '>', h.len - i);
            struct bs_slice tag = bs_slice_make(h.ptr + i + 1,
                                                gt ? (size_t)(gt - h.ptr - i - 1)
                                                   : 0);
            if (bs_mime_istarts(tag, "br") || bs_mime_istarts(tag, "/p") ||
                bs_mime_istarts(tag, "/div") || bs_mime_istarts(tag, "/tr"))
                out[o++] = '\n';
            i = gt ? (size_t)(gt - h.ptr) : h.len;
            continue;
        }
        static const struct { const char *ent; char c; } ents[] = {
            { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
            { "&nbsp;", ' ' }, { "&quot;", '"' },
        };
        size_t k = 0;
        while (k < BS_ARRAY_LEN(ents) &&
               !bs_mime_istarts(bs_slice_make(h.ptr + i, h.len - i),
                                ents[k].ent))
            k++;
        if (k < BS_ARRAY_LEN(ents)) {
            out[o++] = ents[k].c;
            i += strlen(ents[k].ent) - 1;
        } else {
            out[o++] = h.ptr[i];
        }
    }
    return bs_slice_make(out, o);
}

/* The text parts, one after the other with a blank line between, with
 * their line ends made LF. */
static struct bs_slice bs_dsn_join_notes(struct bs_dsn_parser *p,
                                         const struct bs_dsn_collect *k)
{
    size_t total = 0;
    for (unsigned i = 0; i < k->nnotes; i++)
        total += BS_MIN(k->notes[i].len, BS_DSN_NOTE_MAX) + 2;
    char *out = total ? bs_dsn_scratch(p, total) : NULL;
    size_t o = 0;
    if (!out)
        return bs_slice_make("", 0);
    for (unsigned i = 0; i < k->nnotes; i++) {
        struct bs_slice t = k->notes[i];
        t.len = BS_MIN(t.len, BS_DSN_NOTE_MAX);
        struct bs_mime_cursor c =
            bs_mime_cursor_make(t, bs_mime_eol_of(t.ptr, t.len));
        struct bs_slice line;
        while (bs_mime_next_line(&c, &line)) {
            memcpy(out + o, line.ptr, line.len);
            o += line.len;
            out[o++] = '\n';
        }
        if (o && o < total)
            out[o++] = '\n';
    }
    return bs_slice_make(out, o);
}

static void bs_dsn_collect(struct bs_dsn_parser *p, const char *msg,
                           size_t len)
{
    struct bs_dsn_collect k;
    struct bs_mime_walk_stats st;
    memset(&k, 0, sizeof k);
    k.p = p;
    (void)bs_mime_walk(msg, len, p->eol, BS_DSN_MAX_DEPTH,
                       bs_dsn_collect_part, &k, &st);
    p->res.mime_malformed = st.malformed + st.too_deep + st.too_many;
    if (!k.nnotes && k.html.len)
        k.notes[k.nnotes++] = bs_dsn_html_text(p, k.html);
    p->note = bs_dsn_join_notes(p, &k);
    if (p->top.subject.ptr)
        bs_dsn_decode_words(p, p->top.subject, p->subject,
                            sizeof p->subject);
}

/* The original's sender and Message-ID. */
static void bs_dsn_sender(struct bs_dsn_parser *p)
{
    struct bs_slice v, a;
    struct bs_dsn_result *res = &p->res;
    if (p->orig.ptr) {
        if (bs_mime_find_header(p->orig, p->orig_eol, "Message-ID", &v) &&
            bs_dsn_find_address(v, false, &a))
            bs_dsn_copy(res->message_id, sizeof res->message_id, a);
        if (bs_mime_find_header(p->orig, p->orig_eol, "Return-Path", &v)) {
            if (bs_dsn_find_address(v, false, &a))
                bs_dsn_copy(res->sender, sizeof res->sender, a);
            else if (memchr(v.ptr, '<', v.len))
                bs_dsn_copy(res->sender, sizeof res->sender,
                            BS_SLICE_LIT("<>"));
        }
        if (!res->sender[0] &&
            bs_mime_find_header(p->orig, p->orig_eol, "From", &v) &&
            bs_dsn_find_address(v, false, &a))
            bs_dsn_copy(res->sender, sizeof res->sender, a);
    }
    if (!res->sender[0] && p->fallback_sender[0])
        snprintf(res->sender, sizeof res->sender, "%s", p->fallback_sender);
    if (!res->sender[0] && p->top.to.ptr &&
        bs_dsn_find_address(p->top.to, false, &a))
        bs_dsn_copy(res->sender, sizeof res->sender, a);
}

/* Does the bounce's envelope or From say a mail system wrote it? */
static bool bs_dsn_from_daemon(const struct bs_dsn_parser *p)
{
    static const char *const names[] = {
        "mailer-daemon", "postmaster", "mail delivery", "mail-daemon",
        "mailer_daemon", "mail administrator", "system administrator",
        "no-reply@sns.amazonaws",
    };
    struct bs_slice f = p->top.from;
    for (size_t i = 0; f.ptr && i < BS_ARRAY_LEN(names); i++)
        if (bs_mime_imemmem(f.ptr, f.len, names[i], strlen(names[i])))
            return true;
    return false;
}

static bool bs_dsn_subject_says_bounce(const struct bs_dsn_parser *p)
{
    static const char *const words[] = {
        "undeliver", "undelivered", "returned mail", "delivery status",
        "failure notice", "delivery fail", "mail delivery", "delivery notif",
        "returned to sender", "non remis", "could not be delivered",
        "nondeliverable", "mail system error", "delivery problem",
        "unzustellbar", "rejected", "bounce",
    };
    struct bs_slice s = bs_slice_make(p->subject, strlen(p->subject));
    for (size_t i = 0; i < BS_ARRAY_LEN(words); i++)
        if (bs_mime_imemmem(s.ptr, s.len, words[i], strlen(words[i])))
            return true;
    return false;
}

static void bs_dsn_reset(struct bs_dsn_parser *p, const char *msg,
                         size_t len)
{
    bs_dsn_scratch_release(p);
    memset(&p->res, 0, offsetof(struct bs_dsn_result, rcpt));
    p->res.style = "";
    p->eol = bs_mime_eol_of(msg, len);
    memset(&p->top, 0, sizeof p->top);
    p->subject[0] = '\0';
    p->nds = 0;
    p->note = bs_slice_make("", 0);
    p->orig = bs_slice_make(NULL, 0);
    p->multipart = p->feedback = p->has_report = p->orig_whole = false;
    p->region = p->list = p->fields = bs_slice_make("", 0);
    p->style = NULL;
    p->fallback_sender[0] = '\0';
}

/* The verdict once records are read. */
static void bs_dsn_verdict(struct bs_dsn_parser *p, bool looks_bounce)
{
    struct bs_dsn_result *res = &p->res;
    unsigned failing = 0;
    for (unsigned i = 0; i < res->nrcpt; i++)
        failing += res->rcpt[i].action != BS_DSN_DELIVERED;
    if (failing) {
        res->verdict = BS_DSN_BOUNCE;
    } else if (res->nrcpt) {
        res->verdict = BS_DSN_NOT_BOUNCE;
        res->other = BS_DSN_OTHER_DELIVERED;
    } else if (p->feedback) {
        res->verdict = BS_DSN_NOT_BOUNCE;
        res->other = BS_DSN_OTHER_FEEDBACK;
    } else {
        res->verdict = looks_bounce ? BS_DSN_MALFORMED : BS_DSN_NOT_BOUNCE;
    }
}

/* The mbox "From " line, when a caller left it on. */
static void bs_dsn_skip_from_line(const char **msg, size_t *len)
{
    if (*len < 5 || memcmp(*msg, "From ", 5) != 0)
        return;
    struct bs_mime_cursor c = bs_mime_cursor_make(
        bs_slice_make(*msg, *len), bs_mime_eol_of(*msg, *len));
    struct bs_slice line;
    (void)bs_mime_next_line(&c, &line);
    *len -= (size_t)(c.p - *msg);
    *msg = c.p;
}

/* A bounce forwarded inside the text of another mail (a postmaster
 * passing it on): read the embedded message instead, once. */
static void bs_dsn_parse_embedded(struct bs_dsn_parser *p)
{
    const char *s = p->nested ? NULL : bs_dsn_text_embedded(p->note);
    const char *end = p->note.ptr + p->note.len;
    if (!s && !p->nested && p->orig.ptr && p->orig_whole) {
        s = p->orig.ptr; /* a bounce attached whole (message/rfc822) */
        end = p->orig.ptr + p->orig.len;
    }
    if (!s)
        return;
    size_t n = (size_t)(end - s);
    char *copy = bs_xmalloc(n ? n : 1);
    memcpy(copy, s, n);
    p->nested = true;
    (void)bs_dsn_parse(p, copy, n);
    p->nested = false;
    free(copy);
    if (p->res.verdict != BS_DSN_BOUNCE) {
        p->res.verdict = BS_DSN_MALFORMED;
        p->res.nrcpt = 0;
    }
}

const struct bs_dsn_result *bs_dsn_parse(struct bs_dsn_parser *p,
                                         const char *msg, size_t len)
{
    bs_dsn_skip_from_line(&msg, &len);
    bs_dsn_reset(p, msg, len);
    bs_dsn_collect(p, msg, len);
    if (p->top.date.ptr)
        (void)bs_mime_parse_date(p->top.date, &p->res.time);
    if (p->feedback) {
        p->res.verdict = BS_DSN_NOT_BOUNCE;
        p->res.other = BS_DSN_OTHER_FEEDBACK;
        return &p->res;
    }
    for (unsigned i = 0; i < p->nds; i++)
        bs_dsn_parse_fields(p, p->ds[i], bs_mime_eol_of(p->ds[i].ptr,
                                                        p->ds[i].len));
    p->res.format = p->res.nrcpt ? BS_DSN_FMT_RFC3464 : BS_DSN_FMT_NONE;
    bool daemon = bs_dsn_from_daemon(p) || bs_dsn_subject_says_bounce(p);
    bool signals = daemon || p->nds || p->has_report;
    bs_dsn_text_frame(p);
    if (!p->orig.ptr && p->note.len) {
        const char *o = bs_dsn_text_original(p->note);
        if (o) {
            p->orig = bs_slice_make(o, (size_t)(p->note.ptr + p->note.len -
                                                o));
            p->orig_eol = BS_EOL_LF;
        }
    }
    if (!p->res.nrcpt) {
        const char *style = bs_dsn_text_parse(p, signals);
        if (style)
            p->res.style = style;
    }
    bs_dsn_complete(p);
    bs_dsn_sender(p);
    bs_dsn_verdict(p, signals || p->res.format == BS_DSN_FMT_TEXT);
    if (p->res.verdict == BS_DSN_MALFORMED)
        bs_dsn_parse_embedded(p);
    return &p->res;
}
