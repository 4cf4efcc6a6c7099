/*
 * dsn_impl.h - the bounce reader's state, shared by dsn.c (entry point,
 * RFC 3464), dsn_find.c (addresses and codes in texts), dsn_text.c
 * (bounce texts) and dsn_charset.c (decoding to UTF-8). Nothing outside
 * parsers/dsn*.c includes it.
 *
 * Memory: decoded texts live in buffers the parser owns (bufs[]), freed
 * at the start of the next message; slices below point into them or into
 * the message, so they are valid for one bs_dsn_parse() call.
 */
#ifndef BS_DSN_IMPL_H
#define BS_DSN_IMPL_H

#include "dsn.h"
#include "mime.h"

#define BS_DSN_MAX_BUFS 24
#define BS_DSN_MAX_DS 8
#define BS_DSN_MAX_CONV 6
#define BS_DSN_PART_MAX (1u << 20) /* bytes of one part decoded */
#define BS_DSN_SCRATCH_MAX (24u << 20) /* decoded bytes, one message */
#define BS_DSN_NOTE_MAX (1u << 20) /* text parts joined, at most */

struct bs_dsn_style;

struct bs_dsn_conv {
    char name[32];
    void *cd; /* an iconv_t; (void *)-1 when the charset is unknown */
};

/* The bounce's own headers that matter. */
struct bs_dsn_top {
    struct bs_slice from, to, subject, date, return_path,
        failed_rcpts, auto_submitted;
};

struct bs_dsn_parser {
    struct bs_dsn_result res;
    char *bufs[BS_DSN_MAX_BUFS];
    unsigned nbufs;
    size_t scratch_used;
    struct bs_dsn_conv conv[BS_DSN_MAX_CONV];
    unsigned nconv;
    /* One message's view: */
    enum bs_mime_eol eol;
    struct bs_dsn_top top;
    char subject[512];             /* decoded Subject, UTF-8 */
    struct bs_slice ds[BS_DSN_MAX_DS]; /* delivery-status texts */
    unsigned nds;
    struct bs_slice note;          /* text parts, decoded, LF lines */
    struct bs_slice fields;        /* note before the original's copy */
    struct bs_slice region;        /* fields before any delivery-status
                                      fields: the words for people */
    struct bs_slice list;          /* region after the list's heading */
    const struct bs_dsn_style *style; /* the bounce text's style */
    struct bs_slice orig;          /* the original's header block */
    enum bs_mime_eol orig_eol;
    bool orig_whole;               /* orig is a whole attached message */
    bool multipart, feedback, has_report;
    bool nested; /* reading a bounce forwarded inside another mail */
    char fallback_sender[BS_DSN_ADDR_MAX]; /* X-Postfix-Sender */
};

/* A heap buffer of n bytes that lives until the next message; NULL
 * when the message's budget (BS_DSN_MAX_BUFS buffers, BS_DSN_SCRATCH_MAX
 * bytes) is spent: the caller then goes on without that text. */
char *bs_dsn_scratch(struct bs_dsn_parser *p, size_t n);
void bs_dsn_scratch_release(struct bs_dsn_parser *p);

/* dsn_charset.c: bytes in charset to UTF-8 (unknown charsets and
 * ASCII/UTF-8 are copied), in a scratch buffer. ISO-2022-JP escapes in
 * unlabelled text are recognised. */
struct bs_slice bs_dsn_to_utf8(struct bs_dsn_parser *p,
                               struct bs_slice charset, struct bs_slice in);
/* A part's body: transfer decoding, then charset conversion. */
struct bs_slice bs_dsn_part_text(struct bs_dsn_parser *p,
                                 const struct bs_mime_part *part);
/* A header value with RFC 2047 encoded words decoded and folding
 * joined, into out (cap bytes, NUL-terminated). */
size_t bs_dsn_decode_words(struct bs_dsn_parser *p, struct bs_slice v,
                           char *out, size_t cap);
void bs_dsn_conv_close(struct bs_dsn_parser *p);

/* dsn.c: a NUL-terminated copy of s cut to cap bytes. */
void bs_dsn_copy(char *dst, size_t cap, struct bs_slice s);
/* dsn_find.c: each record completed: a diagnostic from the text when it
 * has none, a status, its time. */
void bs_dsn_complete(struct bs_dsn_parser *p);
/* dsn.c: recipients. */
struct bs_dsn_rcpt *bs_dsn_rcpt_find(struct bs_dsn_parser *p,
                                     struct bs_slice addr);
/* A new record for addr (NULL when the cap is reached: counted). */
struct bs_dsn_rcpt *bs_dsn_rcpt_add(struct bs_dsn_parser *p,
                                    struct bs_slice addr);
/* Appends text (joined to one line) to a record's diagnostic. */
void bs_dsn_rcpt_append(struct bs_dsn_rcpt *r, struct bs_slice text);
/* Parses delivery-status fields (per-message and per-recipient groups)
 * from text; returns the number of recipient groups read. */
unsigned bs_dsn_parse_fields(struct bs_dsn_parser *p, struct bs_slice text,
                             enum bs_mime_eol eol);

/* Addresses: the first "local@domain" in s (brackets and quotes left
 * out, a trailing dot cut); want_dot requires a dot in the domain. */
bool bs_dsn_find_address(struct bs_slice s, bool want_dot,
                         struct bs_slice *addr);
/* The first enhanced status code in text ("5.1.1"), or an empty slice;
 * _of: only of the classes listed ("45"). */
struct bs_slice bs_dsn_find_status(struct bs_slice text);
struct bs_slice bs_dsn_find_status_of(struct bs_slice text,
                                      const char *classes);
/* The first SMTP reply code in text (550), or 0. */
int bs_dsn_find_reply_code(struct bs_slice text);

/* dsn_text.c: finds the region, list and style of p->note. */
void bs_dsn_text_frame(struct bs_dsn_parser *p);
/* dsn_text.c: reads the recipients of a bounce text (p->note) into the
 * result; returns the style's name, or NULL when the text is no bounce
 * it knows. A text that matches no known style is read only when
 * signals says the message came from a mail system ("generic"). */
const char *bs_dsn_text_parse(struct bs_dsn_parser *p, bool signals);
/* The first line that starts a header block ("Received: from ...",
 * "Return-Path: <...>") in a text: a returned or forwarded message. */
const char *bs_dsn_text_embedded(struct bs_slice text);
/* Does the text say it is a delay warning rather than a failure? */
bool bs_dsn_text_is_delay(struct bs_slice text);
/* Where the returned original begins in a bounce text (after a marker
 * line such as "--- Below this line is a copy of the message."), or
 * NULL. */
const char *bs_dsn_text_original(struct bs_slice text);

#endif
