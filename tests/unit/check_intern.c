/*
 * check_intern.c - interning: stable ids, lower-casing, the cap and its
 * overflow id.
 */
#include "intern.h"
#include "support.h"

#include <stdio.h>
#include <string.h>

START_TEST(test_intern_ids_are_stable)
{
    struct bs_intern *t = bs_intern_new(100000);
    uint32_t a = bs_intern(t, "gmail.com", 9);
    uint32_t b = bs_intern(t, "yahoo.co.jp", 11);
    ck_assert_uint_ne(a, b);
    ck_assert_uint_eq(bs_intern(t, "gmail.com", 9), a);
    char buf[32];
    uint32_t ids[5000];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(buf, sizeof buf, "d%d.example", i);
        ids[i] = bs_intern(t, buf, (size_t)n);
    }
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(buf, sizeof buf, "d%d.example", i);
        struct bs_slice s = bs_intern_str(t, ids[i]);
        ck_assert_uint_eq(s.len, (size_t)n);
        ck_assert(memcmp(s.ptr, buf, s.len) == 0);
        ck_assert_uint_eq(bs_intern_find(t, buf, (size_t)n), ids[i]);
    }
    ck_assert_uint_eq(bs_intern_find(t, "nope", 4), UINT32_MAX);
    bs_intern_free(t);
}
END_TEST

START_TEST(test_intern_lower)
{
    struct bs_intern *t = bs_intern_new(100);
    uint32_t a = bs_intern_lower(t, "Gmail.COM", 9);
    ck_assert_uint_eq(a, bs_intern(t, "gmail.com", 9));
    ck_assert_uint_eq(bs_intern_lower(t, "", 0), bs_intern(t, "", 0));
    char longname[600];
    memset(longname, 'A', sizeof longname);
    uint32_t l = bs_intern_lower(t, longname, sizeof longname);
    ck_assert_str_eq(bs_intern_str(t, l).ptr + 599, "a");
    bs_intern_free(t);
}
END_TEST

START_TEST(test_intern_cap)
{
    struct bs_intern *t = bs_intern_new(3);
    ck_assert_uint_ne(bs_intern(t, "a", 1), BS_INTERN_OVERFLOW);
    ck_assert_uint_ne(bs_intern(t, "b", 1), BS_INTERN_OVERFLOW);
    ck_assert_uint_ne(bs_intern(t, "c", 1), BS_INTERN_OVERFLOW);
    ck_assert_uint_eq(bs_intern(t, "d", 1), BS_INTERN_OVERFLOW);
    ck_assert_uint_eq(bs_intern(t, "e", 1), BS_INTERN_OVERFLOW);
    ck_assert_uint_ne(bs_intern(t, "a", 1), BS_INTERN_OVERFLOW);
    ck_assert_uint_eq(bs_intern_refused(t), 2);
    ck_assert_str_eq(bs_intern_str(t, BS_INTERN_OVERFLOW).ptr, "(overflow)");
    bs_intern_free(t);
}
END_TEST

/* bs_intern_lower remembers spellings: ids stay those of the lower-cased
 * strings whatever was asked before (thousands of spellings sharing 256
 * places, each asked three times, in two cases; lengths around the 54
 * bytes it keeps), and a refusal is counted at every ask. */
START_TEST(test_intern_lower_spellings)
{
    struct bs_intern *t = bs_intern_new(100000);
    char name[80], folded[80];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 3000; i++) {
            size_t n = (size_t)snprintf(name, sizeof name, "%s%d.%.*s",
                                        i % 2 ? "Mail" : "mail", i,
                                        i % 70, "ExAmPlE-long-host-name-"
                                        "that-goes-on-and-on-and-on-past-"
                                        "fifty-four-bytes");
            for (size_t k = 0; k <= n; k++)
                folded[k] = (char)bs_ascii_lower(name[k]);
            uint32_t want = bs_intern(t, folded, n);
            ck_assert_uint_eq(bs_intern_lower(t, name, n), want);
            name[0] = round == 1 ? 'M' : 'm';
            ck_assert_uint_eq(bs_intern_lower(t, name, n), want);
        }
    }
    bs_intern_free(t);

    t = bs_intern_new(1);
    ck_assert_uint_ne(bs_intern_lower(t, "A.example", 9), BS_INTERN_OVERFLOW);
    for (int i = 0; i < 5; i++)
        ck_assert_uint_eq(bs_intern_lower(t, "B.example", 9),
                          BS_INTERN_OVERFLOW);
    ck_assert_uint_eq(bs_intern_refused(t), 5);
    ck_assert_uint_ne(bs_intern_lower(t, "a.EXAMPLE", 9), BS_INTERN_OVERFLOW);
    bs_intern_free(t);
}
END_TEST

static Suite *intern_suite(void)
{
    Suite *s = suite_create("intern");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_intern_ids_are_stable);
    tcase_add_test(tc, test_intern_lower);
    tcase_add_test(tc, test_intern_cap);
    tcase_add_test(tc, test_intern_lower_spellings);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(intern_suite());
}
