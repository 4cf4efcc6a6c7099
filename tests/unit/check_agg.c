/*
 * check_agg.c - aggregate cells: counting, exact merge, the cell cap
 * folding into overflow keys without losing totals, and dsn packing.
 */
#include "agg.h"
#include "intern.h"
#include "support.h"

#include <string.h>

static struct bs_agg_key key(int hour, uint32_t sender, uint32_t rcpt)
{
    struct bs_agg_key k;
    memset(&k, 0, sizeof k);
    k.hour = hour;
    k.provider = 1;
    k.sender = sender;
    k.rcpt_domain = rcpt;
    return k;
}

static void totals(const struct bs_agg *a, struct bs_agg_counts *t)
{
    size_t n;
    const struct bs_agg_cell *c = bs_agg_cells(a, &n);
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < n; i++) {
        t->sent += c[i].n.sent;
        t->bounced += c[i].n.bounced;
    }
}

START_TEST(test_count_and_merge)
{
    struct bs_agg *a = bs_agg_new(1000), *b = bs_agg_new(1000),
                  *all = bs_agg_new(1000);
    for (int i = 0; i < 500; i++) {
        struct bs_agg_key k = key(i % 24, (uint32_t)(i % 7), 5);
        struct bs_agg *half = i % 2 ? a : b;
        bs_agg_cell(half, &k)->sent++;
        bs_agg_cell(all, &k)->sent++;
        if (i % 5 == 0) {
            bs_agg_cell(half, &k)->bounced++;
            bs_agg_cell(all, &k)->bounced++;
        }
    }
    bs_agg_merge(a, b);
    size_t na, nall;
    const struct bs_agg_cell *ca = bs_agg_cells(a, &na);
    bs_agg_cells(all, &nall);
    ck_assert_uint_eq(na, nall);
    for (size_t i = 0; i < na; i++) {
        struct bs_agg_counts *n = bs_agg_cell(all, &ca[i].key);
        ck_assert_uint_eq(n->sent, ca[i].n.sent);
        ck_assert_uint_eq(n->bounced, ca[i].n.bounced);
    }
    bs_agg_free(a);
    bs_agg_free(b);
    bs_agg_free(all);
}
END_TEST

START_TEST(test_cap_folds_keys)
{
    struct bs_agg *a = bs_agg_new(100);
    for (uint32_t i = 1; i <= 10000; i++)
        bs_agg_cell(a, &(struct bs_agg_key){ 1, 1, 0, i, i, 0, 0, 0 })->sent++;
    size_t n;
    bs_agg_cells(a, &n);
    ck_assert_uint_le(n, 101);
    ck_assert_uint_eq(bs_agg_folded(a), 10000 - 100);
    struct bs_agg_counts t;
    totals(a, &t);
    ck_assert_uint_eq(t.sent, 10000);
    struct bs_agg_key over = { 1, 1, 0, BS_INTERN_OVERFLOW,
                               BS_INTERN_OVERFLOW, 0, 0, 0 };
    ck_assert_uint_eq(bs_agg_cell(a, &over)->sent, 10000 - 100);
    bs_agg_free(a);
}
END_TEST

START_TEST(test_dsn_pack)
{
    char out[16];
    uint32_t p = bs_dsn_pack(BS_SLICE_LIT("5.7.26"));
    bs_dsn_format(p, out);
    ck_assert_str_eq(out, "5.7.26");
    bs_dsn_format(bs_dsn_pack(BS_SLICE_LIT("4.7.650")), out);
    ck_assert_str_eq(out, "4.7.650");
    ck_assert_uint_eq(bs_dsn_pack(BS_SLICE_LIT("")), 0);
    ck_assert_uint_eq(bs_dsn_pack(BS_SLICE_LIT("5.7")), 0);
    ck_assert_uint_eq(bs_dsn_pack(BS_SLICE_LIT("9.1.1")), 0);
    ck_assert_uint_eq(bs_dsn_pack(BS_SLICE_LIT("5.1.1x")), 0);
    ck_assert_uint_eq(bs_dsn_pack(BS_SLICE_LIT("5.1234.1")), 0);
    bs_dsn_format(0, out);
    ck_assert_str_eq(out, "");
}
END_TEST

static Suite *agg_suite(void)
{
    Suite *s = suite_create("agg");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_count_and_merge);
    tcase_add_test(tc, test_cap_folds_keys);
    tcase_add_test(tc, test_dsn_pack);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(agg_suite());
}
