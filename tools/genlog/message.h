/*
 * message.h - one message in the simulated queue, and its recipients
 *
 * Types only. The planner (plan.h) fills a message in before it enters the
 * queue: who sends it, from where, to whom, and each recipient's fate. The
 * simulation (sim.h) then moves it through its steps and keeps the state
 * fields current; writers (writer.h) read it to render lines, and own only
 * the fields marked "writer's".
 *
 * Invariants: nrcpt is 1..MAX_RCPT; local parts are NUL-terminated and
 * shorter than LOCAL_MAX; domain indexes are below domain_count, or
 * SENDER_NULL for the null sender of a bounce.
 */
#ifndef GENLOG_MESSAGE_H
#define GENLOG_MESSAGE_H

#include "common.h"

#define MAX_RCPT        5
#define LOCAL_MAX       24

/* Where a message comes from. KIND_FREE marks an unused pool slot. */
enum kind {
    KIND_FREE,
    KIND_SMTPD,             /* received over SMTP while the log runs */
    KIND_PRELOG,            /* queued before the log starts */
    KIND_NOTICE,            /* a bounce or delay notice we send */
};

enum outcome { OUT_SENT, OUT_BOUNCED, OUT_EXPIRED };     /* planned */
enum status { ST_SENT, ST_BOUNCED, ST_DEFERRED };        /* one attempt */
enum rcpt_state { RS_WAITING, RS_DEFERRED, RS_DONE };
enum direction { DIR_OUTBOUND, DIR_RELAYED, DIR_INBOUND };
enum case_style { CASE_LOWER, CASE_UPPER, CASE_TITLE, CASE_MIXED };

/* Who is on the other end of the SMTP session. */
enum client_kind {
    CL_SUBMIT, CL_WEB, CL_LOCALHOST, CL_GOOGLE, CL_MICROSOFT,
    CL_NAMED, CL_UNKNOWN,
};

#define SENDER_NULL     255     /* sender_domain of from=<> */
#define NEVER           255     /* deferrals of a recipient that expires */

struct rcpt {
    char local[LOCAL_MAX];
    uint8_t local_len;
    uint8_t domain;         /* index into domains[] */
    uint8_t case_style;
    uint8_t deferrals;      /* deferred attempts before the final one */
    uint8_t final;          /* enum outcome */
    uint8_t state;          /* enum rcpt_state */
    uint8_t bounce_reply;   /* index into the family's bounce replies */
    uint8_t defer_reply;    /* index into the family's defer replies */
    uint8_t alias;          /* orig_to local part index + 1, or 0 */
    uint8_t alias_domain;
};

struct message {
    uint64_t created_us;    /* queue file creation; delay= counts from */
    uint32_t client_ip;
    uint32_t session_pid;   /* writer's: the process that received it */
    uint32_t size;
    uint16_t client_num;    /* names the client host and its address */
    char qid[16];           /* writer's: the queue id as logged */
    uint8_t qid_len;
    char sender_local[LOCAL_MAX];
    uint8_t sender_local_len;
    uint8_t sender_domain;  /* index, or SENDER_NULL */
    uint8_t sender_case;
    uint8_t sasl_domain;
    uint8_t kind;           /* enum kind */
    uint8_t step;           /* the simulation's next step (sim.c) */
    uint8_t direction;      /* enum direction */
    uint8_t client_kind;    /* enum client_kind */
    uint8_t nrcpt;
    uint8_t cursor;         /* the recipient being delivered */
    uint8_t attempt;        /* delivery attempt, from 1 */
    uint8_t expire_after;   /* attempts before expiry; 0: never expires */
    uint8_t sasl;           /* submitted with SMTP AUTH */
    uint8_t tls;
    uint8_t bad_auth;       /* the sender fails SPF/DKIM checks */
    uint8_t sender_logged;  /* a line has shown the envelope sender */
    uint8_t failed;         /* a recipient bounced or expired */
    uint8_t delay_noticed;  /* a delay notice went out */
    struct rcpt rcpt[MAX_RCPT];
};

#endif
