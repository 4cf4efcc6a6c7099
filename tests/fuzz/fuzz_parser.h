/*
 * fuzz_parser.h - the body shared by the MTA parser fuzz targets
 *
 * fuzz_parser_input() splits the input into lines (fuzz_lines.h), reads
 * each line's syslog prefix with one year state for the whole input (as
 * for a log) and, when the given parser claims the record's program (or
 * the record is bare and the parser takes bare records), parses it.
 * Invariants checked: the result is one of the three documented values;
 * every slice of an event lies inside the line; the event's time is the
 * record's and its MTA is the parser's. Header-only, like fuzz_lines.h.
 */
#ifndef BS_FUZZ_PARSER_H
#define BS_FUZZ_PARSER_H

#include "fuzz_lines.h"
#include "parser.h"

struct fuzz_parser_ctx {
    const struct bs_parser_ops *ops;
    enum bs_mta mta;
    struct bs_syslog_year year;
};

static inline void fuzz_parser_event(const char *line, size_t len,
                                     const struct bs_event *ev)
{
    const struct bs_slice s[] = { ev->queue_ns, ev->queue_id,
                                  ev->delivery_id, ev->sender,
                                  ev->recipient, ev->relay_host,
                                  ev->relay_ip, ev->dsn, ev->text };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        fuzz_check_inside(line, len, s[i]);
}

static inline void fuzz_parser_line(void *ctx, const char *line, size_t len)
{
    struct fuzz_parser_ctx *c = ctx;
    const struct bs_parser_ops *ops = c->ops;
    struct bs_syslog_record r;
    if (bs_syslog_parse(&c->year, line, len, &r) != BS_SYSLOG_OK)
        return;
    if (r.bare ? !ops->claims_bare : !ops->claims(r.program))
        return;
    struct bs_event ev;
    memset(&ev, 0, sizeof ev);
    enum bs_parse_result pr = ops->parse(&r, &ev);
    if (pr == BS_PARSE_SKIPPED || pr == BS_PARSE_UNPARSED)
        return;
    if (pr != BS_PARSE_EVENT)
        abort();
    if (ev.kind == BS_EV_NONE || ev.mta != c->mta || ev.time != r.time)
        abort();
    fuzz_parser_event(line, len, &ev);
}

static inline void fuzz_parser_input(const struct bs_parser_ops *ops,
                                     enum bs_mta mta, const uint8_t *data,
                                     size_t size)
{
    struct fuzz_parser_ctx c = { ops, mta, { 0 } };
    bs_syslog_year_init(&c.year, 0, 1764547200); /* 2025-12-01 */
    fuzz_each_line(data, size, fuzz_parser_line, &c);
}

#endif
