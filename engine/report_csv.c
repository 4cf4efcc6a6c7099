/*
 * report_csv.c - the CSV contract
 *
 *   KEY1,KEY2,...,sent,bounced,expired,deferred,failure_rate
 *
 * Key columns in the order given by --by; one row per distinct key
 * combination, sorted column by column in byte order; failure_rate =
 * (bounced + expired) / (sent + bounced + expired) with 4 decimals, empty
 * when that denominator is 0. A null envelope sender is "<>", an unknown
 * one "?"; category, detail and severity (hard or soft) are empty for sent
 * deliveries; dsn is the
 * enhanced status code Postfix logged (dsn=), empty when it logged none.
 * Lines end in LF.
 * Scripts depend on this format: change it only by adding keys.
 */
#include "rollup.h"

static void bs_csv_failure_rate(struct bs_buf *b,
                                const struct bs_agg_counts *n)
{
    uint64_t den;
    double rate = bs_failure_rate(n, &den);
    if (den)
        bs_buf_printf(b, "%.4f", rate);
}

int bs_csv_keys_check(const char *by, char *err, size_t errlen)
{
    enum bs_key_kind keys[BS_KEY_KINDS];
    size_t n;
    struct bs_buf b;
    bs_buf_init(&b);
    int rc = bs_keys_parse(by && *by ? by : "provider", keys, &n, &b);
    if (rc < 0 && errlen) {
        size_t len = BS_MIN(b.len, errlen - 1);
        memcpy(err, b.data, len);
        err[len] = '\0';
    }
    bs_buf_fini(&b);
    return rc;
}

int bs_report_csv(struct bs_engine *e, const char *by, struct bs_buf *b,
                  struct bs_buf *err)
{
    enum bs_key_kind keys[BS_KEY_KINDS];
    size_t nkeys;
    if (bs_keys_parse(by, keys, &nkeys, err) < 0)
        return -1;
    for (size_t i = 0; i < nkeys; i++)
        bs_buf_printf(b, "%s,", bs_key_name(keys[i]));
    bs_buf_puts(b, "sent,bounced,expired,deferred,failure_rate\n");
    struct bs_rollup r;
    bs_rollup_build(&r, e, keys, nkeys, NULL);
    bs_rollup_sort_by_key(&r);
    for (size_t i = 0; i < r.nrows; i++) {
        const struct bs_rollup_row *row = &r.rows[i];
        for (size_t k = 0; k < nkeys; k++) {
            struct bs_slice f = bs_rollup_field(&r, row, k);
            bs_buf_csv_field(b, f.ptr, f.len);
            bs_buf_putc(b, ',');
        }
        bs_buf_printf(b, "%llu,%llu,%llu,%llu,",
                      (unsigned long long)row->n.sent,
                      (unsigned long long)row->n.bounced,
                      (unsigned long long)row->n.expired,
                      (unsigned long long)row->n.deferred);
        bs_csv_failure_rate(b, &row->n);
        bs_buf_putc(b, '\n');
    }
    bs_rollup_fini(&r);
    return 0;
}
