/*
 * registry.c - the list of MTA parsers, and the choice among them
 *
 * Adding an MTA is one file with a struct bs_parser_ops and one line here.
 */
#include "parser.h"

#include "../engine/scan.h"

static const struct bs_parser_ops *const bs_parsers[] = {
    &bs_postfix_parser,
    &bs_qmail_parser,
};

const struct bs_parser_ops *bs_parser_for_program(struct bs_slice program)
{
    for (size_t i = 0; i < BS_ARRAY_LEN(bs_parsers); i++)
        if (bs_parsers[i]->claims(program))
            return bs_parsers[i];
    return NULL;
}

/* Two slots by length and three characters: a log has a handful of
 * programs, so a lookup is one or two comparisons. */
static unsigned bs_parser_cache_slot(struct bs_slice program)
{
    const unsigned char *p = (const unsigned char *)program.ptr;
    size_t n = program.len;
    uint32_t h = (uint32_t)n ^ (uint32_t)p[0] << 8 ^
                 (uint32_t)p[n / 2] << 16 ^ (uint32_t)p[n - 1] << 24;
    _Static_assert(BS_PARSER_CACHE_SLOTS == 128, "the slot has 7 bits");
    return (h * 0x9e3779b1u) >> 25;
}

static bool bs_parser_cache_has(const struct bs_parser_cache *c, unsigned k,
                                struct bs_slice program)
{
    return c->len[k] == program.len &&
           bs_mem_eq(c->name[k], program.ptr, program.len);
}

const struct bs_parser_ops *bs_parser_for_program_cached(
    struct bs_parser_cache *c, struct bs_slice program)
{
    if (program.len == 0 || program.len >= BS_PARSER_CACHE_NAME)
        return bs_parser_for_program(program);
    unsigned k = bs_parser_cache_slot(program);
    unsigned k2 = (k + 1) % BS_PARSER_CACHE_SLOTS;
    if (bs_parser_cache_has(c, k, program))
        return c->ops[k];
    if (bs_parser_cache_has(c, k2, program))
        return c->ops[k2];
    const struct bs_parser_ops *ops = bs_parser_for_program(program);
    if (c->len[k] && !c->len[k2])
        k = k2;
    memcpy(c->name[k], program.ptr, program.len);
    c->len[k] = (unsigned char)program.len;
    c->ops[k] = ops;
    return ops;
}

const struct bs_parser_ops *bs_parser_for_bare(void)
{
    for (size_t i = 0; i < BS_ARRAY_LEN(bs_parsers); i++)
        if (bs_parsers[i]->claims_bare)
            return bs_parsers[i];
    return NULL;
}
