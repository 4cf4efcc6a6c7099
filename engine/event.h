/*
 * event.h - what an MTA parser makes of one log line
 *
 * An event is a small struct of borrowed slices into the line (valid until
 * the next line) plus the log time. Parsers fill it; the engine correlates,
 * classifies and counts it. Parsers never allocate or keep anything.
 */
#ifndef BS_EVENT_H
#define BS_EVENT_H

#include "common.h"

enum bs_event_kind {
    BS_EV_NONE = 0,
    BS_EV_MESSAGE_NEW,     /* a new message under a possibly reused id */
    BS_EV_MESSAGE_SENDER,  /* envelope sender known (Postfix qmgr from=) */
    BS_EV_DELIVERY_START,  /* qmail: delivery D of message N to ADDR */
    BS_EV_DELIVERY,        /* one attempt for one recipient */
    BS_EV_MESSAGE_EXPIRED, /* given up: pending recipients are expired */
    BS_EV_MESSAGE_DONE,    /* the MTA forgot the message (qmgr removed) */
    BS_EV_MESSAGE_DELETED, /* an administrator deleted it (postsuper) */
    BS_EV_NOTIFICATION,    /* a bounce/delay notification was generated */
    BS_EV_MTA_RESTART      /* the MTA forgot all messages (qmail exiting) */
};

/* Which MTA's numbering an id belongs to: ids of different MTAs (and of
 * different qmail queues) never meet. */
enum bs_mta { BS_MTA_POSTFIX = 'p', BS_MTA_QMAIL = 'q' };

enum bs_delivery_status {
    BS_ST_SENT,
    BS_ST_DEFERRED,
    BS_ST_BOUNCED,
    BS_ST_EXPIRED, /* given up after the queue lifetime (qmail) */
    BS_ST_PROBE    /* address verification probe: not a delivery */
};

struct bs_event {
    enum bs_event_kind kind;
    enum bs_delivery_status status;
    enum bs_mta mta;
    int64_t time;               /* Unix seconds, UTC */
    struct bs_slice queue_ns;   /* qmail multi-queue name ("queue5"), "" */
    struct bs_slice queue_id;   /* the message's id within its MTA */
    struct bs_slice delivery_id; /* qmail: the delivery number */
    bool sender_is_null;        /* from=<> */
    struct bs_slice sender;     /* envelope sender without <> */
    struct bs_slice recipient;  /* to=<...> without <> */
    struct bs_slice relay_host; /* "gmail-smtp-in.l.google.com", "none" */
    struct bs_slice relay_ip;   /* "142.250.1.26", may be empty */
    struct bs_slice dsn;        /* "5.7.26", may be empty */
    struct bs_slice text;       /* the response text inside (...) */
    bool text_qmail_encoded;    /* '_' for spaces, '/' between lines */
};

#endif
