/*
 * fuzz_syslog.c - libFuzzer target for the syslog prefix parser
 * (parsers/syslog.c)
 *
 * The first byte picks how BSD stamps get their year (an explicit year,
 * or inferred from one of a few reference times); every following line
 * of the input is parsed with one shared year state, as a log's lines
 * are. Invariants: the result is one of the documented codes; on success
 * every field lies inside the line, a bare record has no host and no
 * program, and the time converts to a civil date and back unchanged.
 */
#include "fuzz_lines.h"
#include "syslog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_line(void *ctx, const char *line, size_t len)
{
    struct bs_syslog_year *y = ctx;
    struct bs_syslog_record r;
    int rc = bs_syslog_parse(y, line, len, &r);
    if (rc == BS_SYSLOG_ENOTIME || rc == BS_SYSLOG_ENOPROG)
        return;
    if (rc != BS_SYSLOG_OK)
        abort();
    fuzz_check_inside(line, len, r.host);
    fuzz_check_inside(line, len, r.program);
    fuzz_check_inside(line, len, r.pid);
    fuzz_check_inside(line, len, r.message);
    if (r.bare && (r.host.len || r.program.len))
        abort();
    int64_t days = r.time / 86400 - (r.time % 86400 < 0);
    int64_t year;
    int month, day;
    bs_civil_from_days(days, &year, &month, &day);
    if (month < 1 || month > 12 || day < 1 || day > 31 ||
        bs_days_from_civil(year, month, day) != days)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t refs[] = { 0, 1764547200, 1709164800,
                                    4102444799, -86400 * 366 };
    if (!size)
        return 0;
    unsigned mode = data[0];
    struct bs_syslog_year y;
    if (mode & 0x80)
        bs_syslog_year_init(&y, 1970 + (int)(mode & 0x7f) * 3, 0);
    else
        bs_syslog_year_init(&y, 0, refs[mode % 5]);
    fuzz_each_line(data + 1, size - 1, fuzz_line, &y);
    return 0;
}
