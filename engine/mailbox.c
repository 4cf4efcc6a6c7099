/*
 * mailbox.c - a byte stream of mail cut into whole messages
 *
 * Design (mailbox.h): bytes are appended to one buffer that holds the
 * current message; in mbox mode each complete line is looked at once
 * (m->scan moves over it) and a "From " line ends the message before it.
 * The buffer is filled 64 KiB at a time and checked against the cap after
 * each piece, so it never holds more than max + 64 KiB plus a short
 * partial line. An oversize message is dropped line by line: complete
 * lines go at once, and a partial line that cannot be a "From " line
 * (it has five bytes that are not "From ", or it is longer than
 * BS_SNIFF_MAX) is dropped up to its newline.
 */
#include "mailbox.h"

#include <stdlib.h>

#define BS_MAILBOX_PIECE 65536

/* ------------------------------------------------------------------ */
/* What an input is                                                    */

static bool bs_sniff_known_header(const char *s, size_t n)
{
    static const char *const names[] = {
        "return-path", "received", "from", "to", "cc", "delivered-to",
        "x-original-to", "date", "message-id", "mime-version", "subject",
        "reply-to", "sender", "content-type", "dkim-signature",
        "authentication-results", "received-spf", "envelope-to",
        "references", "in-reply-to", "precedence", "auto-submitted",
        "content-transfer-encoding", "thread-topic", "thread-index",
        "importance", "errors-to", "user-agent", "organization",
    };
    if (n >= 2 && bs_ascii_lower(s[0]) == 'x' && s[1] == '-')
        return true;
    if (n >= 4 && !memcmp(s, "ARC-", 4))
        return true;
    if (n >= 5 && !memcmp(s, "List-", 5))
        return true;
    for (size_t i = 0; i < BS_ARRAY_LEN(names); i++) {
        size_t k = strlen(names[i]);
        if (k != n)
            continue;
        size_t j = 0;
        while (j < n && bs_ascii_lower(s[j]) == names[i][j])
            j++;
        if (j == n)
            return true;
    }
    return false;
}

/* "Name:" with a known name (or X-...) at the start of the line. */
static bool bs_sniff_is_header(const char *s, size_t n)
{
    size_t i = 0;
    if (!n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') ||
                     (s[i] >= 'A' && s[i] <= 'Z') || bs_is_digit(s[i]) ||
                     s[i] == '-'))
        i++;
    return i < n && s[i] == ':' && bs_sniff_known_header(s, i);
}

enum bs_sniff bs_mail_sniff(const char *data, size_t len, bool at_end)
{
    size_t i = 0;
    while (i < len && (data[i] == '\n' || data[i] == '\r' ||
                       data[i] == ' ' || data[i] == '\t'))
        i++;
    if (i >= BS_SNIFF_MAX)
        return BS_SNIFF_LOG;
    const char *s = data + i;
    size_t n = len - i, k = 0;
    while (k < n && s[k] != '\n' && s[k] != '\r')
        k++;
    if (k == n && !at_end && n < BS_SNIFF_MAX)
        return BS_SNIFF_MORE;
    if (k >= 5 && !memcmp(s, "From ", 5))
        return BS_SNIFF_MBOX;
    if (bs_sniff_is_header(s, k))
        return BS_SNIFF_MESSAGE;
    return BS_SNIFF_LOG;
}

/* ------------------------------------------------------------------ */
/* The splitter                                                        */

void bs_mailbox_init(struct bs_mailbox *m, size_t max)
{
    memset(m, 0, sizeof *m);
    m->max = max ? max : BS_MAILBOX_MAX_DEFAULT;
}

void bs_mailbox_fini(struct bs_mailbox *m)
{
    free(m->buf);
    m->buf = NULL;
    m->cap = m->len = m->scan = 0;
}

void bs_mailbox_begin(struct bs_mailbox *m, bool mbox)
{
    m->len = m->scan = 0;
    m->mbox = mbox;
    m->skipping = m->drop_line = false;
}

static void bs_mailbox_append(struct bs_mailbox *m, const char *p, size_t n)
{
    if (m->len + n > m->cap) {
        size_t cap = m->cap ? m->cap : BS_MAILBOX_PIECE;
        while (cap < m->len + n)
            cap *= 2;
        m->buf = bs_xrealloc(m->buf, cap);
        m->cap = cap;
    }
    memcpy(m->buf + m->len, p, n);
    m->len += n;
}

static bool bs_mailbox_is_sep(const char *s, size_t n)
{
    return n >= 5 && !memcmp(s, "From ", 5);
}

/* mboxrd: one '>' off every line that is '>'s and then "From ". */
static size_t bs_mailbox_unescape(char *p, size_t n)
{
    size_t o = 0, i = 0;
    bool bol = true;
    while (i < n) {
        if (bol && p[i] == '>') {
            size_t k = i;
            while (k < n && p[k] == '>')
                k++;
            if (bs_mailbox_is_sep(p + k, n - k))
                i++;
        }
        char c = p[i++];
        p[o++] = c;
        bol = c == '\n';
    }
    return o;
}

/* Does the message hold anything after its "From " line? */
static bool bs_mailbox_has_content(const char *p, size_t n, bool mbox)
{
    size_t i = 0;
    if (mbox && bs_mailbox_is_sep(p, n))
        while (i < n && p[i] != '\n' && p[i] != '\r')
            i++;
    for (; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return true;
    return false;
}

/* Passes buf[0, n) on (unless oversize or empty) and drops it. */
static void bs_mailbox_emit(struct bs_mailbox *m, size_t n,
                            bs_mail_msg_fn *fn, void *ctx)
{
    if (!m->skipping && n > m->max) {
        m->oversize++; /* it ended inside the piece that passed max */
    } else if (!m->skipping && bs_mailbox_has_content(m->buf, n, m->mbox)) {
        size_t k = m->mbox ? bs_mailbox_unescape(m->buf, n) : n;
        m->messages++;
        fn(ctx, m->buf, k);
    }
    memmove(m->buf, m->buf + n, m->len - n);
    m->len -= n;
    m->scan = m->scan >= n ? m->scan - n : 0;
}

/* Looks at each complete line once: a "From " line ends the message. */
static void bs_mailbox_lines(struct bs_mailbox *m, bs_mail_msg_fn *fn,
                             void *ctx)
{
    for (;;) {
        size_t left = m->len - m->scan;
        char *s = m->buf + m->scan;
        char *nl = left ? memchr(s, '\n', left) : NULL;
        if (!nl)
            return;
        size_t line = (size_t)(nl - s) + 1;
        if (bs_mailbox_is_sep(s, left) && (m->scan > 0 || m->skipping)) {
            bs_mailbox_emit(m, m->scan, fn, ctx);
            m->skipping = false;
        }
        m->scan += line;
    }
}

/* Oversize: keeps only a partial line that may still be "From ". */
static void bs_mailbox_drop(struct bs_mailbox *m)
{
    if (!m->mbox) {
        m->len = m->scan = 0;
        return;
    }
    memmove(m->buf, m->buf + m->scan, m->len - m->scan);
    m->len -= m->scan;
    m->scan = 0;
    if ((m->len >= 5 && !bs_mailbox_is_sep(m->buf, m->len)) ||
        m->len > BS_SNIFF_MAX) {
        m->len = 0;
        m->drop_line = true;
    }
}

void bs_mailbox_feed(struct bs_mailbox *m, const char *data, size_t len,
                     bs_mail_msg_fn *fn, void *ctx)
{
    while (len) {
        if (m->drop_line) {
            const char *nl = memchr(data, '\n', len);
            if (!nl)
                return;
            len -= (size_t)(nl + 1 - data);
            data = nl + 1;
            m->drop_line = false;
            continue;
        }
        if (m->skipping && !m->mbox)
            return; /* one message, already too long */
        size_t n = BS_MIN(len, (size_t)BS_MAILBOX_PIECE);
        bs_mailbox_append(m, data, n);
        data += n;
        len -= n;
        if (m->mbox)
            bs_mailbox_lines(m, fn, ctx);
        if (!m->skipping && m->len > m->max) {
            m->skipping = true;
            m->oversize++;
        }
        if (m->skipping)
            bs_mailbox_drop(m);
    }
}

void bs_mailbox_finish(struct bs_mailbox *m, bs_mail_msg_fn *fn, void *ctx)
{
    if (m->len)
        bs_mailbox_emit(m, m->len, fn, ctx);
    bs_mailbox_begin(m, m->mbox);
}
