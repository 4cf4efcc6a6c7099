/*
 * mailbox.h - a byte stream of mail cut into whole messages
 *
 * Two shapes of input: an mbox (messages each after a "From " line, the
 * form Postfix local delivery, procmail and mutt write) and a single
 * message (an .eml file, one Maildir file). Chunks of any size go in
 * (one byte at a time gives the same messages as the whole input at
 * once); each complete message comes out through the callback, held in
 * the splitter's buffer and valid during the call only.
 *
 * mbox: every line that starts with "From " begins a message (mboxo and
 * mboxrd escape such lines in bodies as ">From "); a message is passed
 * with its "From " line, and with one '>' taken off every ">From ",
 * ">>From ", ... line (mboxrd unescaping). Line ends are LF or CRLF; an
 * mbox written with CR alone is read as one message.
 *
 * Bounded: a message longer than max bytes is not kept; its bytes are
 * dropped up to the next "From " line and it is counted as oversize, so
 * memory stays near max whatever the input (a mailbox larger than memory
 * streams through). Nothing is allocated per message.
 */
#ifndef BS_MAILBOX_H
#define BS_MAILBOX_H

#include "common.h"

#define BS_MAILBOX_MAX_DEFAULT (16u << 20)

/* What the first line of an input says it is. */
enum bs_sniff {
    BS_SNIFF_MORE,    /* no complete first line yet */
    BS_SNIFF_LOG,     /* anything else: a log */
    BS_SNIFF_MBOX,    /* "From " */
    BS_SNIFF_MESSAGE  /* an RFC 5322 header (Return-Path:, Received:, ...) */
};

/* Looks at the start of an input: its first non-blank line. at_end says
 * no more bytes will come (then MORE is never returned). A first line
 * longer than BS_SNIFF_MAX is a log's. */
#define BS_SNIFF_MAX 4096
enum bs_sniff bs_mail_sniff(const char *data, size_t len, bool at_end);

typedef void bs_mail_msg_fn(void *ctx, const char *msg, size_t len);

struct bs_mailbox {
    char *buf;
    size_t len, cap;
    size_t scan;      /* start of the first line not yet looked at */
    size_t max;       /* longest message kept */
    bool mbox;        /* split at "From " lines */
    bool skipping;    /* the current message is over max: dropping */
    bool drop_line;   /* skipping inside a line that is no separator */
    uint64_t messages; /* messages passed to the callback */
    uint64_t oversize; /* messages dropped for their size */
};

void bs_mailbox_init(struct bs_mailbox *m, size_t max);
void bs_mailbox_fini(struct bs_mailbox *m);
/* Starts an input of this shape; forgets any partial message. */
void bs_mailbox_begin(struct bs_mailbox *m, bool mbox);
void bs_mailbox_feed(struct bs_mailbox *m, const char *data, size_t len,
                     bs_mail_msg_fn *fn, void *ctx);
/* End of input: passes the last message. */
void bs_mailbox_finish(struct bs_mailbox *m, bs_mail_msg_fn *fn, void *ctx);

#endif
