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
#include "fuzz_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_parser_input(&bs_qmail_parser, BS_MTA_QMAIL, data, size);
    return 0;
}
