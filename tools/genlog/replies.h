/*
 * replies.h - what remote servers and local agents answer, by family
 *
 * A family is whoever answers for a domain (Gmail, Exchange Online, a
 * generic Postfix or Exim, a dead server, our own local, virtual or LMTP
 * agent), hence which reply texts appear. Each family has a set of texts
 * for a delivery, a bounce and a deferral, as a provider sends them and as
 * an MTA flattens a multi-line reply onto one line. The tables are
 * constant; they say nothing about how an MTA frames a reply in its log
 * line: that is the writer's job (see enum form).
 *
 * A family's sent set is empty only where no delivery can succeed
 * (FAM_NXDOMAIN, FAM_DEAD); its defer set is never empty.
 */
#ifndef GENLOG_REPLIES_H
#define GENLOG_REPLIES_H

#include "common.h"

/* Who answers, hence which reply texts and which delivery agent. */
enum family {
    FAM_GOOGLE, FAM_MICROSOFT, FAM_YAHOO, FAM_YAHOO_JAPAN, FAM_APPLE,
    FAM_DOCOMO, FAM_KDDI, FAM_SOFTBANK, FAM_POSTFIX, FAM_EXIM,
    FAM_NXDOMAIN, FAM_DEAD, FAM_LOCAL, FAM_VIRTUAL, FAM_LMTP, FAM_COUNT
};

/*
 * How the reply came about, hence how an MTA frames it. Postfix's wording
 * is given as the example.
 */
enum form {
    FORM_TEXT,      /* relay=HOST[IP]:25 or local; text as is */
    FORM_SAID,      /* "host H[IP] said: TEXT (in reply to CMD command)" */
    FORM_REFUSED,   /* "host H[IP] refused to talk to me: TEXT" */
    FORM_NONE,      /* relay=none; text as is */
    FORM_SUSPENDED, /* postfix/error, relay=none, "delivery temporarily
                     * suspended: TEXT" */
};

/*
 * A reply template. Variables: %a recipient as logged, %l its local part,
 * %d its domain, %s sender domain, %i our IP, %h relay host[ip], %g Gmail
 * trace token, %x Exchange Online server, %N 13 digits, %3 3 digits,
 * %k 16 hex, %z byte count, %q queue id, %e Exim id, %t dovecot session,
 * %p pid, %u unix time. render_reply_text() expands them.
 */
struct reply {
    uint8_t form;           /* enum form */
    uint8_t auth;           /* about sender authentication (SPF/DKIM) */
    const char *dsn;
    const char *cmd;        /* for FORM_SAID */
    const char *text;
};

struct family_replies {
    const struct reply *sent;
    uint8_t n_sent;
    const struct reply *bounce;
    uint8_t n_bounce;
    const struct reply *defer;
    uint8_t n_defer;
};

extern const struct family_replies families[FAM_COUNT];

/*
 * Index in families[FAM_DEAD].defer of what qmgr says once it has marked
 * the site dead: recipients are planned with another deferral, and get
 * this one on every second attempt.
 */
#define REPLY_DEAD_SUSPENDED    1

/* Whether the reply reports a timeout (logged 30 s after the attempt). */
int reply_is_timeout(const struct reply *rep);

#endif
