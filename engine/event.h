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
    BS_EV_MESSAGE_SENDER,  /* envelope sender known (Postfix qmgr from=) */
    BS_EV_DELIVERY,        /* one attempt for one recipient */
    BS_EV_MESSAGE_EXPIRED, /* given up: pending recipients are expired */
    BS_EV_MESSAGE_DONE,    /* the MTA forgot the message (qmgr removed) */
    BS_EV_MESSAGE_DELETED, /* an administrator deleted it (postsuper) */
    BS_EV_NOTIFICATION     /* a bounce/delay notification was generated */
};

enum bs_delivery_status {
    BS_ST_SENT,
    BS_ST_DEFERRED,
    BS_ST_BOUNCED,
    BS_ST_PROBE /* address verification probe: not a delivery */
};

struct bs_event {
    enum bs_event_kind kind;
    enum bs_delivery_status status;
    int64_t time;               /* Unix seconds, UTC */
    struct bs_slice queue_id;   /* the message's id within its MTA */
    bool sender_is_null;        /* from=<> */
    struct bs_slice sender;     /* envelope sender without <> */
    struct bs_slice recipient;  /* to=<...> without <> */
    struct bs_slice relay_host; /* "gmail-smtp-in.l.google.com", "none" */
    struct bs_slice relay_ip;   /* "142.250.1.26", may be empty */
    struct bs_slice dsn;        /* "5.7.26", may be empty */
    struct bs_slice text;       /* the response text inside (...) */
};

#endif
