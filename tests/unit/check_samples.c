/*
 * check_samples.c - text normalisation for grouping unexplained texts,
 * the grouping itself (counts, first sample, order, cap) and the one
 * sample per reason.
 */
#include "samples.h"
#include "support.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *in, *out;
} forms[] = {
    { "550 5.1.1 <bob@example.com>: Recipient address rejected",
      "550 5.1.1 <<addr>>: Recipient address rejected" },
    { "host mx.example.com[203.0.113.5] said: 421 try later",
      "host <id>] said: 421 try later" },
    { "connect to [2001:db8::1]:25: Connection refused",
      "connect to [<id>: Connection refused" },
    { "Messages from 203.0.113.5 deferred", "Messages from <ip> deferred" },
    { "queued as 4E74613FE76 id x12si123456.12",
      "queued as <id> id <id>" },
    { "try again in 30 minutes", "try again in <n> minutes" },
    { "  many   blanks\tand tabs ", "many blanks and tabs" },
    { "", "" },
};

START_TEST(test_normalise)
{
    char out[BS_FORM_MAX];
    size_t n = bs_normalise_text(bs_slice_make(forms[_i].in,
                                               strlen(forms[_i].in)),
                                 out, sizeof out);
    out[n] = '\0';
    ck_assert_str_eq(out, forms[_i].out);
}
END_TEST

START_TEST(test_normalise_bounded)
{
    char big[5000], out[64];
    memset(big, 'x', sizeof big);
    size_t n = bs_normalise_text(bs_slice_make(big, sizeof big), out,
                                 sizeof out);
    ck_assert_uint_eq(n, sizeof out);
}
END_TEST

START_TEST(test_unexplained_grouping)
{
    struct bs_samples *s = bs_samples_new(1000, 100);
    char text[128];
    for (int i = 0; i < 30; i++) {
        int n = snprintf(text, sizeof text,
                         "451 greylisted <u%d@example.org> for %d seconds",
                         i, 60 + i);
        bs_samples_note_unexplained(s, 18, bs_slice_make(text, (size_t)n),
                                    100 - i);
    }
    bs_samples_note_unexplained(s, 30, BS_SLICE_LIT("strange"), 0);
    size_t n;
    const struct bs_unexplained *u = bs_samples_unexplained(s, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(u[0].count, 30);
    struct bs_slice f = bs_samples_text(s, u[0].form);
    ck_assert(f.len == strlen("451 greylisted <<addr>> for <n> seconds") &&
              memcmp(f.ptr, "451 greylisted <<addr>> for <n> seconds",
                     f.len) == 0);
    /* the earliest by log time: u29 at time 71 */
    struct bs_slice first = bs_samples_text(s, u[0].sample);
    ck_assert(memcmp(first.ptr, "451 greylisted <u29@", 20) == 0);
    ck_assert_uint_eq(u[1].count, 1);
    bs_samples_free(s);
}
END_TEST

START_TEST(test_unexplained_cap)
{
    struct bs_samples *s = bs_samples_new(100000, 10);
    char text[64];
    for (int i = 0; i < 50; i++) {
        int n = snprintf(text, sizeof text, "odd text kind %c%c", 'a' + i % 26,
                         'a' + i / 26);
        bs_samples_note_unexplained(s, 18, bs_slice_make(text, (size_t)n), i);
    }
    size_t n;
    bs_samples_unexplained(s, &n);
    ck_assert_uint_eq(n, 10);
    ck_assert_uint_eq(bs_samples_forms_refused(s), 40);
    bs_samples_free(s);
}
END_TEST

START_TEST(test_one_sample_per_reason)
{
    struct bs_samples *s = bs_samples_new(1000, 100);
    struct bs_sample what = { 1, 5, 7, 9, 11, 3, 0, 50 };
    bs_samples_keep(s, &what, BS_SLICE_LIT("later text"));
    what.time = 40;
    what.sender = 8;
    bs_samples_keep(s, &what, BS_SLICE_LIT("earlier text"));
    what.time = 40;
    what.sender = 7;
    bs_samples_keep(s, &what, BS_SLICE_LIT("zzz same time"));
    const struct bs_sample *x = bs_samples_find(s, 5, 7);
    ck_assert_ptr_nonnull(x);
    struct bs_slice t = bs_samples_text(s, x->text);
    ck_assert(t.len == 12 && memcmp(t.ptr, "earlier text", 12) == 0);
    ck_assert_int_eq(x->rule, 3);
    ck_assert_uint_eq(x->sender, 8);
    ck_assert_ptr_null(bs_samples_find(s, 5, 8));
    bs_samples_free(s);
}
END_TEST

static uint32_t same_id(void *ctx, uint32_t id)
{
    (void)ctx;
    return id;
}

/* Two stores of two halves merge into the store of the whole, whatever
 * the order the texts came in. */
START_TEST(test_merge_is_order_free)
{
    struct bs_samples *whole = bs_samples_new(1000, 100),
                      *a = bs_samples_new(1000, 100),
                      *b = bs_samples_new(1000, 100);
    char text[64];
    for (int i = 0; i < 40; i++) {
        int n = snprintf(text, sizeof text, "odd %d text %c", i % 3,
                         'a' + i % 5);
        struct bs_slice t = bs_slice_make(text, (size_t)n);
        struct bs_sample what = { 1, (uint16_t)(i % 4), 0, 1, 2, 0, 0,
                                  (i * 7) % 13 };
        bs_samples_keep(whole, &what, t);
        bs_samples_keep(i % 2 ? a : b, &what, t);
        bs_samples_note_unexplained(whole, 18, t, (i * 7) % 13);
        bs_samples_note_unexplained(i % 2 ? a : b, 18, t, (i * 7) % 13);
    }
    bs_samples_merge(b, a, same_id, NULL);
    for (unsigned cat = 0; cat < 4; cat++) {
        const struct bs_sample *x = bs_samples_find(whole, cat, 0);
        const struct bs_sample *y = bs_samples_find(b, cat, 0);
        struct bs_slice tx = bs_samples_text(whole, x->text);
        struct bs_slice ty = bs_samples_text(b, y->text);
        ck_assert(tx.len == ty.len && memcmp(tx.ptr, ty.ptr, tx.len) == 0);
        ck_assert_int_eq(x->time, y->time);
    }
    size_t nw, nb;
    const struct bs_unexplained *uw = bs_samples_unexplained(whole, &nw);
    struct bs_unexplained copy[16];
    memcpy(copy, uw, nw * sizeof *uw);
    const struct bs_unexplained *ub = bs_samples_unexplained(b, &nb);
    ck_assert_uint_eq(nw, nb);
    for (size_t i = 0; i < nw; i++) {
        ck_assert_uint_eq(copy[i].count, ub[i].count);
        struct bs_slice sw = bs_samples_text(whole, copy[i].sample);
        struct bs_slice sb = bs_samples_text(b, ub[i].sample);
        ck_assert(sw.len == sb.len && memcmp(sw.ptr, sb.ptr, sw.len) == 0);
    }
    bs_samples_free(whole);
    bs_samples_free(a);
    bs_samples_free(b);
}
END_TEST

static Suite *samples_suite(void)
{
    Suite *s = suite_create("samples");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_normalise, 0,
                        (int)(sizeof forms / sizeof *forms));
    tcase_add_test(tc, test_normalise_bounded);
    tcase_add_test(tc, test_unexplained_grouping);
    tcase_add_test(tc, test_unexplained_cap);
    tcase_add_test(tc, test_one_sample_per_reason);
    tcase_add_test(tc, test_merge_is_order_free);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(samples_suite());
}
