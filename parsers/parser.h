/*
 * parser.h - the contract between the engine and one MTA's parser
 *
 * A parser sees a syslog record (program and message already split off)
 * and says what it is:
 *   BS_PARSE_EVENT     the event is filled in;
 *   BS_PARSE_SKIPPED   a line of this MTA that carries no delivery fact
 *                      (smtpd connect, cleanup message-id, TLS, warnings);
 *   BS_PARSE_UNPARSED  it looks like a delivery fact but does not parse;
 *                      the engine counts it and can write it out.
 * The event is only defined after BS_PARSE_EVENT.
 * Parsers are pure functions of the record: no state, no allocation, no
 * regex, no output. They never include each other; registry.c lists them.
 */
#ifndef BS_PARSER_H
#define BS_PARSER_H

#include "../engine/event.h"
#include "../engine/scan.h"
#include "syslog.h"

enum bs_parse_result {
    BS_PARSE_EVENT,
    BS_PARSE_SKIPPED,
    BS_PARSE_UNPARSED
};

struct bs_parser_ops {
    const char *name;
    /* Does this syslog program name belong to this MTA? */
    bool (*claims)(struct bs_slice program);
    /* Are bare (multilog) records, which have no program, offered? */
    bool claims_bare;
    enum bs_parse_result (*parse)(const struct bs_syslog_record *rec,
                                  struct bs_event *ev);
};

extern const struct bs_parser_ops bs_postfix_parser;
extern const struct bs_parser_ops bs_qmail_parser;

/* The parser that claims the program, or NULL for foreign lines. */
const struct bs_parser_ops *bs_parser_for_program(struct bs_slice program);

/* The parsers of the programs seen last: most lines of a log come from a
 * dozen programs, so the choice is made once per program, not per line
 * (a program that loses its slot to another is looked up again).
 * The caller owns it (one per engine); zero-initialised is empty. */
#define BS_PARSER_CACHE_SLOTS 128
#define BS_PARSER_CACHE_NAME 40
struct bs_parser_cache {
    char name[BS_PARSER_CACHE_SLOTS][BS_PARSER_CACHE_NAME];
    unsigned char len[BS_PARSER_CACHE_SLOTS]; /* 0: empty slot */
    const struct bs_parser_ops *ops[BS_PARSER_CACHE_SLOTS];
};
/* The slot a name is looked for in first (the next one is the second):
 * from its length and last eight bytes, where the daemons of one MTA
 * differ ("postfix/qmgr", "postfix/smtp", "postfix/virtual"). */
static inline unsigned bs_parser_cache_slot(struct bs_slice program)
{
    const char *p = program.ptr;
    size_t n = program.len;
    uint64_t v;
    if (n >= 8)
        v = bs_load64(p + n - 8);
    else if (n >= 4)
        v = bs_load32(p) | (uint64_t)bs_load32(p + n - 4) << 32;
    else
        v = (unsigned char)p[0] | (uint64_t)(unsigned char)p[n / 2] << 8 |
            (uint64_t)(unsigned char)p[n - 1] << 16;
    _Static_assert(BS_PARSER_CACHE_SLOTS == 128, "the slot has 7 bits");
    return (unsigned)(((v ^ n) * 0x9e3779b97f4a7c15ULL) >> 57);
}

static inline bool bs_parser_cache_has(const struct bs_parser_cache *c,
                                       unsigned k, struct bs_slice program)
{
    return c->len[k] == program.len &&
           bs_mem_eq(c->name[k], program.ptr, program.len);
}

/* bs_parser_for_program_cached after a miss in both slots: the lookup,
 * remembered. */
const struct bs_parser_ops *bs_parser_cache_miss(struct bs_parser_cache *c,
                                                 struct bs_slice program);

/* bs_parser_for_program, remembered in c (names up to 40 bytes). The two
 * slots are looked at here, inline: a log's programs are found there on
 * nearly every line. */
static inline const struct bs_parser_ops *bs_parser_for_program_cached(
    struct bs_parser_cache *c, struct bs_slice program)
{
    if (program.len > 0 && program.len < BS_PARSER_CACHE_NAME) {
        unsigned k = bs_parser_cache_slot(program);
        if (bs_parser_cache_has(c, k, program))
            return c->ops[k];
        k = (k + 1) % BS_PARSER_CACHE_SLOTS;
        if (bs_parser_cache_has(c, k, program))
            return c->ops[k];
    }
    return bs_parser_cache_miss(c, program);
}
/* The parser for bare (multilog) records, or NULL. */
const struct bs_parser_ops *bs_parser_for_bare(void);

#endif
