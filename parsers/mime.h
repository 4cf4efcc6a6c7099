/*
 * mime.h - a bounded MIME walker over one message held in memory
 *
 * Everything here reads a message that the caller holds whole (the
 * mailbox splitter caps a message at a few MiB) and never reads outside
 * it: every scan is limited by an end pointer, never by a NUL.
 *
 * Line ends: a message uses LF or CRLF (any run of CRs before the LF is
 * dropped, so the "\r\r\n" some gateways write is one line end), or CR
 * alone (old Mac mailers). bs_mime_eol_of() tells which, once per
 * message; every line reader takes that answer.
 *
 * Headers are read with their folding (a line that starts with a space
 * or tab continues the previous one); a header's value is a slice of the
 * raw message that still holds the line breaks, and bs_mime_unfold()
 * joins it into caller storage.
 *
 * The walker visits every entity of the message, parents before
 * children: the message itself, each part of a multipart (any boundary,
 * nested), and the message inside a message/rfc822 part. Nesting deeper
 * than the caller's cap and more than BS_MIME_MAX_PARTS entities are not
 * visited, and counted. A multipart whose boundary never appears, or whose
 * closing delimiter is missing, is marked malformed but walked as far as
 * it goes.
 *
 * Decoders (quoted-printable, base64) write into caller buffers and never
 * more than the capacity given; their output is never longer than their
 * input, so a buffer of the input's size always suffices.
 *
 * Ownership: every slice points into the message (or into the caller's
 * buffer for decoders); nothing here allocates.
 */
#ifndef BS_MIME_H
#define BS_MIME_H

#include "../engine/common.h"

#define BS_MIME_MAX_PARTS 512

enum bs_mime_eol {
    BS_EOL_LF, /* LF or CRLF: lines end at '\n', trailing CRs dropped */
    BS_EOL_CR  /* CR alone: lines end at '\r' (or "\r\n") */
};

/* CR when lone CRs outnumber LFs in the first 64 KiB, else LF (a stray
 * LF in a CR file, or "\r\r\n" line ends, do not mislead it). */
enum bs_mime_eol bs_mime_eol_of(const char *p, size_t n);

/* A line reader over [p, end). */
struct bs_mime_cursor {
    const char *p, *end;
    enum bs_mime_eol eol;
};

static inline struct bs_mime_cursor bs_mime_cursor_make(struct bs_slice s,
                                                        enum bs_mime_eol e)
{
    return (struct bs_mime_cursor){ s.ptr, s.ptr + s.len, e };
}

/* The next line without its line end; false when none is left. */
bool bs_mime_next_line(struct bs_mime_cursor *c, struct bs_slice *line);

/* One header field: name (without the colon, trailing blanks cut) and raw
 * value (after the colon, leading blanks cut, folding kept). */
struct bs_mime_header {
    struct bs_slice name, value;
};

/* The next header of a header block. False at the blank line that ends
 * the block (consumed) or at the first line that is not a header (not
 * consumed: the body starts there). Lines that start with a blank where
 * no header began are skipped. */
bool bs_mime_next_header(struct bs_mime_cursor *c, struct bs_mime_header *h);

/* The value of the first header called name (ASCII case-insensitive) in
 * the header block hdrs; false when there is none. */
bool bs_mime_find_header(struct bs_slice hdrs, enum bs_mime_eol eol,
                         const char *name, struct bs_slice *value);

/* Joins a folded value into out (cap bytes, NUL-terminated, cut to fit):
 * line breaks and the blanks after them become one space, leading and
 * trailing blanks are dropped. Returns the length written. */
size_t bs_mime_unfold(struct bs_slice v, char *out, size_t cap);

/* ASCII case-insensitive comparisons of a slice with a C string. */
bool bs_mime_ieq(struct bs_slice s, const char *lit);
bool bs_mime_istarts(struct bs_slice s, const char *lit);
/* First position of needle in hay ignoring ASCII case, or NULL. */
const char *bs_mime_imemmem(const char *hay, size_t n, const char *needle,
                            size_t nlen);

/* Content-Type: type and subtype (default text/plain), and the
 * parameters a bounce reader needs. Slices into the header value;
 * quoted parameters come without their quotes. */
struct bs_mime_ctype {
    struct bs_slice type, subtype, boundary, charset, report_type;
};
void bs_mime_parse_ctype(struct bs_slice value, struct bs_mime_ctype *ct);

enum bs_mime_cte { BS_CTE_IDENTITY, BS_CTE_QP, BS_CTE_BASE64 };
enum bs_mime_cte bs_mime_parse_cte(struct bs_slice value);

/* Quoted-printable: "=XX" to a byte, "=" at a line end joins the lines;
 * malformed escapes are copied. Returns the bytes written to out. */
size_t bs_mime_qp_decode(const char *in, size_t n, char *out, size_t cap);
/* Base64: letters outside the alphabet are skipped, "=" ends the data.
 * Returns the bytes written to out. */
size_t bs_mime_base64_decode(const char *in, size_t n, char *out,
                             size_t cap);
/* Decodes a body by its transfer encoding into out (cap >= n suffices);
 * identity copies. Returns the length. */
size_t bs_mime_decode_body(enum bs_mime_cte cte, struct bs_slice body,
                           char *out, size_t cap);

/* An RFC 5322 date ("Thu, 29 Apr 2013 23:45:41 +0900 (JST)", two-digit
 * years, obsolete zone names, missing seconds) to Unix seconds. */
bool bs_mime_parse_date(struct bs_slice s, int64_t *out);

/* One entity as the walker sees it. */
struct bs_mime_part {
    struct bs_slice headers;  /* the raw header block */
    struct bs_slice body;     /* the raw body, still transfer-encoded */
    struct bs_mime_ctype ct;
    enum bs_mime_cte cte;
    unsigned depth;           /* 0: the message itself */
    unsigned index;           /* visiting order, from 0 */
    bool in_message;          /* inside an attached message/rfc822 */
};

/* Called for each entity; a non-zero return stops the walk. */
typedef int bs_mime_part_fn(void *ctx, const struct bs_mime_part *part);

struct bs_mime_walk_stats {
    unsigned parts;      /* entities visited */
    unsigned malformed;  /* multiparts without (closing) delimiters */
    bool too_deep;       /* nesting past max_depth was not visited */
    bool too_many;       /* entities past BS_MIME_MAX_PARTS */
};

/* Walks the message [msg, msg + len). Returns the callback's non-zero
 * value if it stopped the walk, else 0. */
int bs_mime_walk(const char *msg, size_t len, enum bs_mime_eol eol,
                 unsigned max_depth, bs_mime_part_fn *fn, void *ctx,
                 struct bs_mime_walk_stats *st);

#endif
