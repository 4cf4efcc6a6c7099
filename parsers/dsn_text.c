/*
 * dsn_text.c - bounces without a delivery-status part: the texts MTAs
 * and providers write for people
 *
 * These texts share one shape, whoever wrote them: an introduction, then
 * for each failed recipient its address (alone on a line, or after a
 * lead-in such as "Could not be delivered to:") followed by the reason
 * (the remote server's reply, or the MTA's own words), then a marker line
 * and the returned original. qmail-send ("Hi. This is the qmail-send
 * program at ..."), Exim ("The following address(es) failed:"), Sendmail
 * without a report part ("----- Transcript of session follows -----"),
 * Exchange and Office 365 ("Delivery has failed to these recipients or
 * groups:"), Gmail ("Delivery to the following recipient failed
 * permanently:"), Yahoo ("Sorry, we were unable to deliver your message
 * to the following address."), the Japanese carriers (au/KDDI "Could not
 * be delivered to:", EZweb, NTT docomo) and sending services
 * (SM-ERROR-CODE notices) all fit it.
 *
 * So the reader is one scanner with a table of styles: a style names the
 * phrases that recognise it, the phrase after which its recipient list
 * starts (so that addresses in the introduction are not taken for
 * recipients) and whether it is a delay warning. The scanner then cuts
 * the text at the original-message marker, reads delivery-status fields
 * if the text carries them, and else collects "address + reason" blocks:
 * a block starts at an anchor line (see bs_dsn_anchor) and takes the
 * lines after it up to the first blank line that follows some reason
 * (a blank line right after the address does not end it: Gmail puts one
 * there). An address seen again adds to its first block (Exchange names
 * each recipient twice, once with the text for people and once with the
 * server's reply). Addresses of mail systems (postmaster, mailer-daemon)
 * and the bounce's own addressee (the original sender) are never taken
 * for recipients.
 *
 * A text that matches no style is read only when the message says it
 * comes from a mail system (the "signals" of bs_dsn_text_parse), and then
 * as style "generic".
 */
#include "dsn_impl.h"

#include <stdio.h>

struct bs_dsn_style {
    const char *name;
    const char *const *says;   /* any of these phrases: this style */
    const char *const *starts; /* recipients are listed after these */
    bool delay;                /* a delay warning, not a failure */
};

#define BS_LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct bs_dsn_style bs_dsn_styles[] = {
    { "qmail", BS_LIST("This is the qmail-send program",
                       "I'm afraid I wasn't able to deliver your message"),
      BS_LIST("wasn't able to deliver your message"), false },
    { "exim-delay", BS_LIST("has not yet been delivered to the following",
                            "Delivery attempts will continue"),
      BS_LIST("has not yet been delivered"), true },
    { "exim", BS_LIST("The following address(es) failed",
                      "could not be delivered to one or more of its",
                      "The following address failed"),
      BS_LIST("The following address(es) failed",
              "The following address failed", "could not be delivered"),
      false },
    { "postfix-delay", BS_LIST("THIS IS A WARNING ONLY"), NULL, true },
    { "postfix", BS_LIST("This is the mail system at host"),
      BS_LIST("The mail system"), false },
    { "sendmail-delay", BS_LIST("transient non-fatal errors",
                                "THIS IS A WARNING MESSAGE ONLY"),
      NULL, true },
    { "sendmail", BS_LIST("----- Transcript of session follows -----",
                          "had permanent fatal errors",
                          "The original message was received at"),
      BS_LIST("had permanent fatal errors",
              "Transcript of session follows"), false },
    { "yahoo", BS_LIST("Sorry, we were unable to deliver your message"),
      BS_LIST("unable to deliver your message"), false },
    { "exchange-delay", BS_LIST("Delivery is delayed to these recipients"),
      BS_LIST("Delivery is delayed to these recipients"), true },
    { "exchange", BS_LIST("Delivery has failed to these recipients",
                          "did not reach the following recipient",
                          "Diagnostic information for "
                          "administrators", "couldn't be delivered",
                          "could not be delivered to the following"),
      BS_LIST("Delivery has failed to these recipients",
              "did not reach the following recipient",
              "couldn't be delivered", "Diagnostic information for "
              "administrators"), false },
    { "gmail-delay", BS_LIST("Technical details of temporary failure",
                             "has been delayed"),
      BS_LIST("has been delayed"), true },
    { "gmail", BS_LIST("Delivery to the following recipient",
                       "Technical details of permanent failure",
                       "Your message wasn't delivered to",
                       "Google tried to deliver your message"),
      BS_LIST("Delivery to the following recipient",
              "Your message wasn't delivered to"), false },
    { "kddi", BS_LIST("Could not be delivered to:", "As their mailbox is "
                      "full", "Your mail sent on"),
      NULL, false },
    { "ezweb", BS_LIST("recipients was rejected by a remote mail server",
                       "Each of the following recipients"),
      NULL, false },
    { "sm-error", BS_LIST("SM-ERROR-CODE"), NULL, false },
    { "opensmtpd", BS_LIST("This is the MAILER-DAEMON, please DO NOT REPLY"),
      BS_LIST("the following list of recipients"), false },
    { "dragonfly", BS_LIST("This is the DragonFly Mail Agent"),
      NULL, false },
};

/* Lines after which the original message follows. */
static const char *const bs_dsn_markers[] = {
    "below this line is a copy of the message",
    "this is a copy of the message",
    "original message follows",
    "----- original message -----",
    "unsent message follows",
    "message headers follow",
    "copy of the original message",
    "original message headers",
    "header of the original message",
    "-------original message",
    "received message follows",
    "enclosed are the original headers",
    "headers of the original message",
    "returned message follows",
    "--- original message",
    "----- message header follows",
    "original message:",
    "-- returned message",
};

const char *bs_dsn_text_original(struct bs_slice text)
{
    const char *p = text.ptr, *end = text.ptr + text.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        size_t n = (size_t)(e - p);
        for (size_t i = 0; n < 120 && i < BS_ARRAY_LEN(bs_dsn_markers);
             i++)
            if (bs_mime_imemmem(p, n, bs_dsn_markers[i],
                                strlen(bs_dsn_markers[i])))
                return nl ? nl + 1 : end;
        p = nl ? nl + 1 : end;
    }
    return NULL;
}

const char *bs_dsn_text_embedded(struct bs_slice text)
{
    static const char *const starts[] = { "Received: ", "Return-Path: ",
                                          "Return-Path:<", "Received:" };
    const char *p = text.ptr, *end = text.ptr + text.len;
    while (p < end) {
        struct bs_slice rest = bs_slice_make(p, (size_t)(end - p));
        for (size_t i = 0; i < BS_ARRAY_LEN(starts); i++)
            if (bs_mime_istarts(rest, starts[i]))
                return p;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    return NULL;
}

/* The start of the marker line (or of the original's first header), or
 * the end of the text. */
static const char *bs_dsn_region_end(struct bs_slice text)
{
    const char *after = bs_dsn_text_original(text);
    const char *hdr = bs_dsn_text_embedded(text);
    if (hdr && (!after || hdr < after))
        return hdr;
    if (!after)
        return text.ptr + text.len;
    const char *s = after > text.ptr ? after - 1 : after;
    while (s > text.ptr && s[-1] != '\n')
        s--;
    return s;
}

static bool bs_dsn_says(struct bs_slice t, const char *const *phrases)
{
    for (size_t i = 0; phrases && phrases[i]; i++)
        if (bs_mime_imemmem(t.ptr, t.len, phrases[i], strlen(phrases[i])))
            return true;
    return false;
}

static const struct bs_dsn_style *bs_dsn_style_of(struct bs_slice t)
{
    for (size_t i = 0; i < BS_ARRAY_LEN(bs_dsn_styles); i++)
        if (bs_dsn_says(t, bs_dsn_styles[i].says))
            return &bs_dsn_styles[i];
    return NULL;
}

bool bs_dsn_text_is_delay(struct bs_slice text)
{
    const struct bs_dsn_style *s = bs_dsn_style_of(text);
    return s && s->delay;
}

/* Where the recipient list starts: after the line with the first of the
 * style's start phrases found (they are listed most specific first), or
 * at the top. */
static const char *bs_dsn_list_start(struct bs_slice t,
                                     const struct bs_dsn_style *st)
{
    const char *best = NULL; /* the first phrase listed that is there */
    for (size_t i = 0; st && st->starts && st->starts[i] && !best; i++)
        best = bs_mime_imemmem(t.ptr, t.len, st->starts[i],
                               strlen(st->starts[i]));
    if (!best)
        return t.ptr;
    const char *nl = memchr(best, '\n', (size_t)(t.ptr + t.len - best));
    return nl ? nl + 1 : t.ptr + t.len;
}

/* ------------------------------------------------------------------ */
/* Anchors: the lines that name a recipient                            */

static const char *const bs_dsn_leadins[] = {
    "recipient:", "recipient address:", "recipients:", "unknown user:",
    "user unknown:", "delivered to:", "delivered to", "deliver to",
    "your mail to", "your message to", "rcpt to:", "failed recipient:",
    "addressed to", "mailbox:", "address:", "not delivered to",
    "original-recipient:", "to the following address:",
    "undeliverable to", "permanent errors:", "could not deliver to",
};

static bool bs_dsn_lead_char(char c)
{
    return c == ' ' || c == '\t' || c == '<' || c == '"' || c == '\'' ||
           c == '*' || c == '-' || c == '(' || c == '[' || c == '>';
}

/* An address starting at or right after p (skipping blanks, brackets,
 * quotes), ending on the line. */
static bool bs_dsn_address_here(const char *p, const char *end,
                                struct bs_slice *addr)
{
    while (p < end && bs_dsn_lead_char(*p))
        p++;
    const char *at = memchr(p, '@', (size_t)(end - p));
    if (!at || at == p)
        return false;
    for (const char *q = p; q < at; q++)
        if (*q == ' ' || *q == '\t' || *q == '<' || *q == ':' || *q == ',')
            return false;
    struct bs_slice s = bs_slice_make(p, (size_t)(end - p));
    return bs_dsn_find_address(s, true, addr) && addr->ptr == p;
}

/* "554 <addr>... reason": a reply code, then the address (Sendmail's
 * transcripts). */
static bool bs_dsn_coded_address(struct bs_slice line, struct bs_slice *addr)
{
    const char *p = line.ptr, *end = line.ptr + line.len;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (end - p < 6 || (*p != '4' && *p != '5') || !bs_is_digit(p[1]) ||
        !bs_is_digit(p[2]) || p[3] != ' ' || p[4] != '<')
        return false;
    return bs_dsn_address_here(p + 4, end, addr);
}

/* "Some words: addr": a label of two or more words, a colon, then the
 * address ("Invalid final delivery userid: ..."); a one-word label is a
 * header ("To: ...") and does not count. */
static bool bs_dsn_labelled_address(struct bs_slice line,
                                    struct bs_slice *addr)
{
    const char *end = line.ptr + line.len, *s = line.ptr;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    const char *colon = memchr(s, ':', (size_t)(end - s));
    if (!colon || colon - s > 60 || colon + 1 >= end || colon[1] != ' ' ||
        !memchr(s, ' ', (size_t)(colon - s)) ||
        bs_mime_imemmem(s, (size_t)(colon - s), "sender", 6) ||
        bs_mime_imemmem(s, (size_t)(colon - s), "from", 4))
        return false;
    return bs_dsn_address_here(colon + 1, end, addr);
}

/* The recipient a line names, if it is an anchor line. */
static bool bs_dsn_anchor(struct bs_slice line, struct bs_slice *addr)
{
    const char *end = line.ptr + line.len;
    if (bs_dsn_address_here(line.ptr, end, addr) ||
        bs_dsn_coded_address(line, addr) ||
        bs_dsn_labelled_address(line, addr))
        return true;
    for (size_t i = 0; i < BS_ARRAY_LEN(bs_dsn_leadins); i++) {
        size_t n = strlen(bs_dsn_leadins[i]);
        const char *at = bs_mime_imemmem(line.ptr, line.len,
                                         bs_dsn_leadins[i], n);
        if (at && bs_dsn_address_here(at + n, end, addr))
            return true;
    }
    return false;
}

/* Mail-system addresses are never the recipient that failed. */
static bool bs_dsn_not_recipient(struct bs_slice addr)
{
    return bs_mime_istarts(addr, "mailer-daemon@");
}

/* The words of a line after its address, if they say anything (the
 * same address again in brackets says nothing). */
static struct bs_slice bs_dsn_after_address(struct bs_slice line,
                                            struct bs_slice addr)
{
    const char *s = addr.ptr + addr.len, *end = line.ptr + line.len;
    while (s < end && strchr(" \t>\":,;.'()<", *s))
        s++;
    if ((size_t)(end - s) >= addr.len &&
        bs_mime_imemmem(s, addr.len, addr.ptr, addr.len) == s)
        for (s += addr.len; s < end && strchr(" \t>\":,;.')", *s);)
            s++;
    return bs_slice_make(s, (size_t)(end - s));
}

/* A rule of dashes or equals signs: no words. */
static bool bs_dsn_is_rule(struct bs_slice line)
{
    for (size_t i = 0; i < line.len; i++)
        if (!strchr("-=_*#~+ \t", line.ptr[i]))
            return false;
    return true;
}

/* A line that ends with a colon ("because:", "Technical details:")
 * announces the reason; it is kept but does not close the block. */
static bool bs_dsn_is_label(struct bs_slice line)
{
    size_t n = line.len;
    while (n && (line.ptr[n - 1] == ' ' || line.ptr[n - 1] == '\t'))
        n--;
    return n && line.ptr[n - 1] == ':';
}

struct bs_dsn_scan {
    struct bs_dsn_parser *p;
    struct bs_dsn_rcpt *cur;
    struct bs_dsn_rcpt *last; /* the block a blank line just closed */
    bool cur_said; /* the current block has a reason */
};

static void bs_dsn_scan_anchor(struct bs_dsn_scan *s, struct bs_slice line,
                               struct bs_slice addr)
{
    struct bs_dsn_rcpt *r = bs_dsn_rcpt_find(s->p, addr);
    if (r && r == s->cur) { /* the reason repeats the address */
        bs_dsn_rcpt_append(r, line);
        s->cur_said = true;
        return;
    }
    if (!r)
        r = bs_dsn_rcpt_add(s->p, addr);
    s->cur = r;
    s->cur_said = false;
    struct bs_slice rest = bs_dsn_after_address(line, addr);
    if (r && rest.len) {
        bs_dsn_rcpt_append(r, rest);
        s->cur_said = true;
    }
}

static void bs_dsn_scan_line(struct bs_dsn_scan *s, struct bs_slice line)
{
    struct bs_slice addr;
    bool blank = true;
    for (size_t i = 0; i < line.len && blank; i++)
        blank = line.ptr[i] == ' ' || line.ptr[i] == '\t';
    if (blank) {
        if (s->cur_said && s->cur) {
            s->last = s->cur;
            s->cur = NULL;
        }
        return;
    }
    if (bs_dsn_is_rule(line))
        return;
    if (bs_dsn_anchor(line, &addr) && !bs_dsn_not_recipient(addr)) {
        bs_dsn_scan_anchor(s, line, addr);
        s->last = NULL;
    } else if (!s->cur && s->last && bs_dsn_is_label(line)) {
        /* "Technical details of temporary failure:" after the block:
         * the reason that follows is the last recipient's. */
        s->cur = s->last;
        s->last = NULL;
        bs_dsn_rcpt_append(s->cur, line);
        s->cur_said = false;
    } else if (s->cur) {
        bs_dsn_rcpt_append(s->cur, line);
        s->cur_said = s->cur_said || !bs_dsn_is_label(line);
    }
}

static void bs_dsn_scan_blocks(struct bs_dsn_parser *p, struct bs_slice t)
{
    struct bs_dsn_scan s = { p, NULL, NULL, false };
    const char *q = t.ptr, *end = t.ptr + t.len;
    while (q < end) {
        const char *nl = memchr(q, '\n', (size_t)(end - q));
        const char *e = nl ? nl : end;
        bs_dsn_scan_line(&s, bs_slice_make(q, (size_t)(e - q)));
        q = nl ? nl + 1 : end;
    }
}

/* ------------------------------------------------------------------ */
/* Fallbacks and details                                               */

/* Is the attached "original" itself a bounce (a report forwarded to a
 * postmaster)? Then its recipients are read from it, not its To. */
static bool bs_dsn_orig_is_bounce(const struct bs_dsn_parser *p)
{
    struct bs_slice v;
    if (!p->orig_whole)
        return false;
    if (bs_mime_find_header(p->orig, p->orig_eol, "Content-Type", &v) &&
        bs_mime_imemmem(v.ptr, v.len, "report", 6))
        return true;
    return bs_mime_find_header(p->orig, p->orig_eol, "From", &v) &&
           (bs_mime_imemmem(v.ptr, v.len, "mailer-daemon", 13) ||
            bs_mime_imemmem(v.ptr, v.len, "postmaster", 10));
}

/* Exim's X-Failed-Recipients, then the original's To when it names one
 * address: for texts that do not repeat the recipient. */
static void bs_dsn_fallback_recipients(struct bs_dsn_parser *p)
{
    struct bs_slice v = p->top.failed_rcpts, a, to;
    while (v.ptr && v.len && bs_dsn_find_address(v, false, &a)) {
        if (!bs_dsn_rcpt_find(p, a))
            (void)bs_dsn_rcpt_add(p, a);
        v.len -= (size_t)(a.ptr + a.len - v.ptr);
        v.ptr = a.ptr + a.len;
    }
    if (p->res.nrcpt || !p->orig.ptr || bs_dsn_orig_is_bounce(p) ||
        !bs_mime_find_header(p->orig, p->orig_eol, "To", &to) ||
        !bs_dsn_find_address(to, false, &a))
        return;
    struct bs_slice rest = bs_slice_make(a.ptr + a.len,
                                         (size_t)(to.ptr + to.len - a.ptr -
                                                  a.len));
    struct bs_slice other;
    if (!bs_dsn_find_address(rest, false, &other))
        (void)bs_dsn_rcpt_add(p, a);
}

/* "host mx.example.jp [192.0.2.1]", "Giving up on 192.0.2.1." */
static void bs_dsn_remote_from_text(struct bs_dsn_rcpt *r)
{
    static const char *const leads[] = { "host ", "Giving up on ",
                                         "Connected to ", " by " };
    size_t tlen = strlen(r->text);
    for (size_t i = 0; i < BS_ARRAY_LEN(leads) && !r->remote_mta[0]; i++) {
        const char *at = bs_memmem(r->text, tlen, leads[i],
                                   strlen(leads[i]));
        if (!at)
            continue;
        const char *s = at + strlen(leads[i]), *e = s;
        while (*e && (bs_is_digit(*e) || (*e >= 'a' && *e <= 'z') ||
                      (*e >= 'A' && *e <= 'Z') || *e == '.' || *e == '-'))
            e++;
        while (e > s && e[-1] == '.')
            e--;
        if (e - s > 3 && memchr(s, '.', (size_t)(e - s)) &&
            (size_t)(e - s) < sizeof r->remote_mta) {
            memcpy(r->remote_mta, s, (size_t)(e - s));
            r->remote_mta[e - s] = '\0';
        }
    }
}

/* ------------------------------------------------------------------ */
/* Amazon SES notifications (JSON sent through SNS)                    */

/* Past the JSON value that starts at p ('{', '[' or a string). */
static const char *bs_dsn_json_skip(const char *p, const char *end)
{
    int depth = 0;
    bool str = false;
    if (p < end && *p == '"') {
        for (p++; p < end && *p != '"'; p++)
            if (*p == '\\' && p + 1 < end)
                p++;
        return p < end ? p + 1 : end;
    }
    for (; p < end; p++) {
        if (str) {
            if (*p == '\\' && p + 1 < end)
                p++;
            else if (*p == '"')
                str = false;
        } else if (*p == '"') {
            str = true;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if ((*p == '}' || *p == ']') && --depth <= 0) {
            return p + 1;
        }
    }
    return end;
}

/* The value of "key" in [s, end): a pointer to its first character. */
static const char *bs_dsn_json_find(const char *s, const char *end,
                                    const char *key)
{
    char q[48];
    int n = snprintf(q, sizeof q, "\"%s\"", key);
    const char *at = bs_memmem(s, (size_t)(end - s), q, (size_t)n);
    if (!at)
        return NULL;
    const char *p = at + n;
    while (p < end && (*p == ' ' || *p == ':' || *p == '\n'))
        p++;
    return p < end ? p : NULL;
}

/* A string value, unescaped as far as \" \\ \/ go, into out. */
static struct bs_slice bs_dsn_json_str(const char *s, const char *end,
                                       const char *key, char *out,
                                       size_t cap)
{
    const char *p = bs_dsn_json_find(s, end, key);
    size_t o = 0;
    if (p && *p == '"') {
        for (p++; p < end && *p != '"' && o + 1 < cap; p++) {
            if (*p == '\\' && p + 1 < end)
                p++;
            out[o++] = *p;
        }
    }
    out[o] = '\0';
    return bs_slice_make(out, o);
}

static void bs_dsn_ses_recipient(struct bs_dsn_parser *p, const char *s,
                                 const char *e, enum bs_dsn_action act)
{
    char addr[BS_DSN_ADDR_MAX], tmp[BS_DSN_TEXT_MAX];
    struct bs_slice a = bs_dsn_json_str(s, e, "emailAddress", addr,
                                        sizeof addr);
    struct bs_dsn_rcpt *r = a.len ? bs_dsn_rcpt_add(p, a) : NULL;
    if (!r)
        return;
    r->action = act;
    struct bs_slice st = bs_dsn_json_str(s, e, "status", tmp, sizeof tmp);
    if (bs_dsn_is_status(st))
        memcpy(r->status, st.ptr, st.len + 1);
    struct bs_slice d = bs_dsn_json_str(s, e, "diagnosticCode", tmp,
                                        sizeof tmp);
    const char *semi = memchr(d.ptr, ';', BS_MIN(d.len, 16));
    if (semi)
        d = bs_slice_make(semi + 1, (size_t)(d.ptr + d.len - semi - 1));
    bs_dsn_rcpt_append(r, d);
}

/* SNS wraps the SES notification as the string "Message": unescaped. */
static struct bs_slice bs_dsn_sns_message(struct bs_dsn_parser *p,
                                          struct bs_slice t)
{
    const char *end = t.ptr + t.len;
    const char *v = bs_dsn_json_find(t.ptr, end, "Message");
    char *out = v && *v == '"' ? bs_dsn_scratch(p, t.len) : NULL;
    size_t o = 0;
    if (!out)
        return bs_slice_make("", 0);
    for (v++; v < end && *v != '"'; v++) {
        if (*v == '\\' && v + 1 < end) {
            v++;
            out[o++] = *v == 'n' ? '\n' : *v;
        } else if (*v != '\n') {
            out[o++] = *v;
        }
    }
    return bs_slice_make(out, o);
}

/* "bouncedRecipients":[{...},...] or, for a delivery notice,
 * "recipients":["a@b",...] with the "smtpResponse". */
static bool bs_dsn_ses_json(struct bs_dsn_parser *p, struct bs_slice t)
{
    const char *end = t.ptr + t.len, *v;
    char type[32], tmp[BS_DSN_TEXT_MAX];
    if (!bs_dsn_json_str(t.ptr, end, "notificationType", type,
                         sizeof type).len)
        return false;
    bs_dsn_json_str(t.ptr, end, "source", p->fallback_sender,
                    sizeof p->fallback_sender);
    if (!strcmp(type, "Complaint")) {
        p->feedback = true;
        return true;
    }
    bool bounce = !strcmp(type, "Bounce");
    v = bs_dsn_json_find(t.ptr, end, bounce ? "bouncedRecipients"
                                            : "recipients");
    const char *close = v && *v == '[' ? bs_dsn_json_skip(v, end) : v;
    for (const char *o = v ? v + 1 : end; o && o < close;) {
        const char *open = bounce ? memchr(o, '{', (size_t)(close - o))
                                  : memchr(o, '"', (size_t)(close - o));
        if (!open)
            break;
        const char *oe = bs_dsn_json_skip(open, close);
        if (bounce) {
            bs_dsn_ses_recipient(p, open, oe, BS_DSN_FAILED);
        } else {
            struct bs_dsn_rcpt *r = bs_dsn_rcpt_add(
                p, bs_slice_make(open + 1, (size_t)(oe - open - 2)));
            if (r) {
                r->action = BS_DSN_DELIVERED;
                bs_dsn_rcpt_append(r, bs_dsn_json_str(t.ptr, end,
                                                      "smtpResponse", tmp,
                                                      sizeof tmp));
            }
        }
        o = oe;
    }
    return true;
}

static bool bs_dsn_has_fields(struct bs_slice t)
{
    return bs_mime_imemmem(t.ptr, t.len, "Final-Recipient:", 16) ||
           bs_mime_imemmem(t.ptr, t.len, "Original-Recipient:", 19);
}

/* The first line of delivery-status fields in a text, or NULL. */
static const char *bs_dsn_fields_start(struct bs_slice t)
{
    static const char *const names[] = {
        "Reporting-MTA:", "Final-Recipient:", "Original-Recipient:",
        "Original-Envelope-Id:",
    };
    const char *first = NULL;
    for (size_t i = 0; i < BS_ARRAY_LEN(names); i++) {
        const char *at = t.ptr;
        while ((at = bs_mime_imemmem(at, (size_t)(t.ptr + t.len - at),
                                     names[i], strlen(names[i]))) &&
               at > t.ptr && at[-1] != '\n')
            at++;
        if (at && (!first || at < first))
            first = at;
    }
    return first;
}

void bs_dsn_text_frame(struct bs_dsn_parser *p)
{
    struct bs_slice t = p->note;
    t.len = (size_t)(bs_dsn_region_end(t) - t.ptr);
    p->fields = t;
    const char *f = bs_dsn_fields_start(t);
    if (f) /* the words for people come before the fields */
        t.len = (size_t)(f - t.ptr);
    p->region = t;
    p->style = bs_dsn_style_of(t);
    const char *from = bs_dsn_list_start(t, p->style);
    p->list = bs_slice_make(from, (size_t)(t.ptr + t.len - from));
}

/* The bounce's addressee (the original sender) named as a recipient
 * beside real ones: dropped (it is the one the text was written to). */
static void bs_dsn_drop_addressee(struct bs_dsn_parser *p)
{
    struct bs_slice to;
    if (p->res.nrcpt < 2 || !p->top.to.ptr ||
        !bs_dsn_find_address(p->top.to, false, &to))
        return;
    unsigned k = 0;
    for (unsigned i = 0; i < p->res.nrcpt; i++) {
        const char *r = p->res.rcpt[i].recipient;
        if (strlen(r) == to.len && bs_mime_imemmem(to.ptr, to.len, r,
                                                   to.len))
            continue;
        if (k != i)
            p->res.rcpt[k] = p->res.rcpt[i];
        k++;
    }
    if (k)
        p->res.nrcpt = k;
}

/* The introduction (before the first recipient) when it holds the reply
 * ("Could not be delivered because of 550 5.1.1 User unknown. The
 * following recipients were affected: ..."): given to records whose own
 * text has no code. */
static void bs_dsn_intro_reason(struct bs_dsn_parser *p)
{
    const char *first = p->region.ptr + p->region.len;
    for (unsigned i = 0; i < p->res.nrcpt; i++) {
        const char *r = p->res.rcpt[i].recipient;
        const char *at = bs_mime_imemmem(p->region.ptr, p->region.len, r,
                                         strlen(r));
        if (at && at < first)
            first = at;
    }
    if (first == p->region.ptr + p->region.len)
        return; /* no recipient named: no introduction either */
    struct bs_slice intro = bs_slice_make(p->region.ptr,
                                          (size_t)(first - p->region.ptr));
    if (!bs_dsn_find_status(intro).len && !bs_dsn_find_reply_code(intro))
        return;
    intro.len = BS_MIN(intro.len, 1024);
    for (unsigned i = 0; i < p->res.nrcpt; i++) {
        struct bs_dsn_rcpt *r = &p->res.rcpt[i];
        struct bs_slice t = bs_slice_make(r->text, strlen(r->text));
        if (!bs_dsn_find_status(t).len && !bs_dsn_find_reply_code(t))
            bs_dsn_rcpt_append(r, intro);
    }
}

const char *bs_dsn_text_parse(struct bs_dsn_parser *p, bool signals)
{
    struct bs_slice t = p->region;
    const struct bs_dsn_style *st = p->style;
    if (!p->fields.len)
        return NULL;
    if (bs_memmem(t.ptr, t.len, "notificationType", 16) &&
        (bs_dsn_ses_json(p, t) ||
         bs_dsn_ses_json(p, bs_dsn_sns_message(p, t)))) {
        p->res.format = BS_DSN_FMT_FIELDS;
        return "amazonses";
    }
    if (!st && !signals)
        return NULL;
    if (bs_dsn_has_fields(p->fields) &&
        bs_dsn_parse_fields(p, p->fields, BS_EOL_LF)) {
        p->res.format = BS_DSN_FMT_FIELDS;
        return st ? st->name : "fields";
    }
    bs_dsn_scan_blocks(p, p->list);
    if (!p->res.nrcpt && p->list.ptr != t.ptr)
        bs_dsn_scan_blocks(p, t);
    if (!p->res.nrcpt)
        bs_dsn_fallback_recipients(p);
    bs_dsn_drop_addressee(p);
    bs_dsn_intro_reason(p);
    for (unsigned i = 0; i < p->res.nrcpt; i++) {
        struct bs_dsn_rcpt *r = &p->res.rcpt[i];
        r->action = st && st->delay ? BS_DSN_DELAYED : BS_DSN_FAILED;
        bs_dsn_remote_from_text(r);
    }
    p->res.format = BS_DSN_FMT_TEXT;
    return st ? st->name : "generic";
}
