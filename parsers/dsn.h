/*
 * dsn.h - from a returned mail (a bounce) to one record per recipient
 *
 * bs_dsn_parse() reads one whole message and says what it is:
 *   BS_DSN_BOUNCE      a delivery failure (or delay) report: records are
 *                      filled, one per failed or delayed recipient;
 *   BS_DSN_NOT_BOUNCE  ordinary mail, an auto-reply, a feedback (ARF)
 *                      report, or a report that every recipient was
 *                      delivered: nothing to count;
 *   BS_DSN_MALFORMED   it says it is a bounce (a delivery-status part,
 *                      a mailer-daemon sender, a bounce text) but no
 *                      recipient could be read from it.
 *
 * Where the facts come from, in order:
 *   1. RFC 3464 message/delivery-status parts (and their
 *      message/global-delivery-status twin): per-message fields
 *      (Reporting-MTA, Arrival-Date) and per-recipient groups
 *      (Final-Recipient, Original-Recipient, Action, Status, Remote-MTA,
 *      Diagnostic-Code with its folded lines joined, Last-Attempt-Date);
 *   2. the same fields written into a text part (some gateways do that);
 *   3. the human-readable texts of MTAs that write no delivery-status
 *      part (dsn_text.c: qmail-send, Exim, Sendmail, Exchange/Office 365,
 *      Gmail, Yahoo, Japanese carriers, sending-service notices, ...).
 * A recipient whose group has no diagnostic gets the paragraph about it
 * from the text part. A missing or unspecific status ("5.0.0") is taken
 * from the diagnostic ("550 5.1.1 ..."), else from the reply code
 * ("550" -> 5.0.0), else from the action (failed 5.0.0, delayed 4.0.0).
 *
 * The original message's headers (a message/rfc822 or text/rfc822-headers
 * part, or the copy after a "below this line is a copy" marker) give the
 * sender: Return-Path, then From; when the original is not returned, the
 * bounce's own To (the original's envelope sender, which the bounce was
 * sent to). Texts are decoded (quoted-printable, base64, RFC 2047 words)
 * and converted to UTF-8 from their charset (ISO-2022-JP, Shift_JIS,
 * EUC-JP, ... through iconv, which is part of the C library).
 *
 * Ownership: the result lives in the parser and is valid until the next
 * bs_dsn_parse() or bs_dsn_parser_free(); every field is a NUL-terminated
 * copy cut to its array's size. The message itself is not kept.
 *
 * Bounds: a message is read only inside [msg, msg + len); MIME nesting is
 * capped at BS_DSN_MAX_DEPTH; at most BS_DSN_MAX_RCPTS recipients are
 * kept per message (more are counted in dropped).
 */
#ifndef BS_DSN_H
#define BS_DSN_H

#include "../engine/common.h"

#define BS_DSN_MAX_RCPTS 64
#define BS_DSN_MAX_DEPTH 12
#define BS_DSN_ADDR_MAX 256
#define BS_DSN_TEXT_MAX 2048

enum bs_dsn_verdict { BS_DSN_NOT_BOUNCE, BS_DSN_BOUNCE, BS_DSN_MALFORMED };

/* Why a message is not a bounce (BS_DSN_NOT_BOUNCE only). */
enum bs_dsn_other {
    BS_DSN_OTHER_MAIL,      /* ordinary mail, auto-replies */
    BS_DSN_OTHER_FEEDBACK,  /* an ARF feedback (abuse) report */
    BS_DSN_OTHER_DELIVERED  /* every recipient delivered or relayed */
};

/* Where the records came from. */
enum bs_dsn_format {
    BS_DSN_FMT_NONE,
    BS_DSN_FMT_RFC3464,   /* a delivery-status part */
    BS_DSN_FMT_FIELDS,    /* delivery-status fields inside a text part */
    BS_DSN_FMT_TEXT       /* a human-readable bounce text */
};

enum bs_dsn_action {
    BS_DSN_FAILED,
    BS_DSN_DELAYED,
    BS_DSN_DELIVERED /* delivered, relayed, expanded: not a failure */
};

struct bs_dsn_rcpt {
    char recipient[BS_DSN_ADDR_MAX];  /* the address, without <> */
    char remote_mta[BS_DSN_ADDR_MAX]; /* host name or IP, "" */
    char status[16];                  /* "5.1.1", never "" */
    char text[BS_DSN_TEXT_MAX];       /* the diagnostic, UTF-8, one line */
    enum bs_dsn_action action;
    int64_t time;                     /* Last-Attempt-Date, else 0 */
};

struct bs_dsn_result {
    enum bs_dsn_verdict verdict;
    enum bs_dsn_other other;
    enum bs_dsn_format format;
    const char *style;               /* the text style matched, or "" */
    char sender[BS_DSN_ADDR_MAX];    /* the original's sender, "" unknown,
                                        "<>" for a null sender */
    char message_id[BS_DSN_ADDR_MAX]; /* the original's Message-ID */
    char reporting_mta[BS_DSN_ADDR_MAX];
    int64_t time;    /* Arrival-Date, else the bounce's Date; 0 unknown */
    unsigned nrcpt;
    unsigned dropped;   /* recipients past BS_DSN_MAX_RCPTS */
    unsigned mime_malformed; /* multiparts cut short or too deep */
    struct bs_dsn_rcpt rcpt[BS_DSN_MAX_RCPTS];
};

struct bs_dsn_parser;

struct bs_dsn_parser *bs_dsn_parser_new(void);
void bs_dsn_parser_free(struct bs_dsn_parser *p);

/* Reads one message; the result is valid until the next call. */
const struct bs_dsn_result *bs_dsn_parse(struct bs_dsn_parser *p,
                                         const char *msg, size_t len);

/* Does a status look like "d.d{1,3}.d{1,3}" with d in 2, 4, 5? */
bool bs_dsn_is_status(struct bs_slice s);

#endif
