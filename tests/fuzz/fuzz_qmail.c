/*
 * fuzz_qmail.c - libFuzzer target for the qmail parser (parsers/qmail.c)
 * behind the syslog prefix parser (parsers/syslog.c)
 *
 * Every line of the input is split by bs_syslog_parse() (one year state
 * for the whole input, as for a log) and, when bs_qmail_parser claims
 * the record's program (or the record is bare: multilog), parsed into
 * an event.
 * Invariants: the result is one of the three documented values; every
 * slice of an event lies inside the line; the event's time is the
 * record's and its MTA is qmail's.
 */
#include "fuzz_lines.h"
#include "parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_event(const char *line, size_t len,
                       const struct bs_event *ev)
{
    const struct bs_slice s[] = { ev->queue_ns, ev->queue_id,
                                  ev->delivery_id, ev->sender,
                                  ev->recipient, ev->relay_host,
                                  ev->relay_ip, ev->dsn, ev->text };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        fuzz_check_inside(line, len, s[i]);
}

static void fuzz_line(void *ctx, const char *line, size_t len)
{
    struct bs_syslog_year *y = ctx;
    const struct bs_parser_ops *ops = &bs_qmail_parser;
    struct bs_syslog_record r;
    if (bs_syslog_parse(y, line, len, &r) != BS_SYSLOG_OK)
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
    if (ev.kind == BS_EV_NONE || ev.mta != BS_MTA_QMAIL ||
        ev.time != r.time)
        abort();
    fuzz_event(line, len, &ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bs_syslog_year y;
    bs_syslog_year_init(&y, 0, 1764547200); /* 2025-12-01 */
    fuzz_each_line(data, size, fuzz_line, &y);
    return 0;
}
