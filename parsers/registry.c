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

/* Two slots per name (bs_parser_cache_slot and the next): a log has a
 * handful of programs, so a lookup is one or two comparisons. A new name
 * takes the second slot if the first is taken and the second free, else
 * the first. */
const struct bs_parser_ops *bs_parser_cache_miss(struct bs_parser_cache *c,
                                                 struct bs_slice program)
{
    if (program.len == 0 || program.len >= BS_PARSER_CACHE_NAME)
        return bs_parser_for_program(program);
    unsigned k = bs_parser_cache_slot(program);
    unsigned k2 = (k + 1) % BS_PARSER_CACHE_SLOTS;
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
