/*
 * registry.c - the list of MTA parsers, and the choice among them
 *
 * Adding an MTA is one file with a struct bs_parser_ops and one line here.
 */
#include "parser.h"

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

const struct bs_parser_ops *bs_parser_for_program_cached(
    struct bs_parser_cache *c, struct bs_slice program)
{
    if (program.len == 0 || program.len >= BS_PARSER_CACHE_NAME)
        return bs_parser_for_program(program);
    for (unsigned i = 0; i < BS_PARSER_CACHE_SLOTS; i++)
        if (c->len[i] == program.len &&
            memcmp(c->name[i], program.ptr, program.len) == 0)
            return c->ops[i];
    const struct bs_parser_ops *ops = bs_parser_for_program(program);
    unsigned k = c->next++ % BS_PARSER_CACHE_SLOTS;
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
