/*
 * render.h - pieces of log lines that do not depend on the MTA
 *
 * The syslog prefix ("Nov  1 00:00:03 mx1 prog[pid]: " or its RFC 3339
 * form), addresses as a message logs them (with the recipient's or
 * sender's letter case), relay hosts as "name[ip]", random tokens, and
 * reply texts with their variables expanded (replies.h). Writers build
 * their lines from these and their own wording.
 *
 * Everything appends to env->out (or o) without bounds checks (out.h).
 * Functions taking a writer_env may draw from env->rng.
 */
#ifndef GENLOG_RENDER_H
#define GENLOG_RENDER_H

#include "domains.h"
#include "timefmt.h"
#include "writer.h"

/* "<stamp> mx1 prog[pid]: ", pid left out when 0; stamp is the caller's
 * cache, in the format the log uses. */
void render_syslog_prefix(const struct writer_env *env,
                          struct timefmt_cache *stamp, const char *prog,
                          uint32_t pid);

/* local@domain in the given enum case_style. */
void render_address(struct out *o, const char *local, size_t local_len,
                    uint8_t domain, uint8_t style);
void render_rcpt(struct out *o, const struct rcpt *r);
/* The envelope sender; nothing for the null sender. */
void render_sender(struct out *o, const struct message *m);
/* The sender's domain; our own name for the null sender. */
void render_sender_domain(struct out *o, const struct message *m);
/* "name[ip]" */
void render_hop(struct out *o, const struct hop *h);

enum token_alphabet {
    TOKEN_LOWER, TOKEN_UPPER, TOKEN_DIGITS, TOKEN_ALNUM,
    TOKEN_HEX_UPPER, TOKEN_HEX_LOWER,
};

/* n random characters of the alphabet. */
void render_token(const struct writer_env *env, enum token_alphabet a,
                  unsigned n);
/* "od20si504618ejb.621" as in "... - gsmtp" */
void render_gmail_token(const struct writer_env *env);

/* What the variables of a reply text refer to. */
struct reply_vars {
    const struct message *m;
    const struct rcpt *r;
    const struct hop *hop;
};

/* text with its %-variables expanded (struct reply in replies.h). */
void render_reply_text(const struct writer_env *env, const char *text,
                       const struct reply_vars *v);

#endif
