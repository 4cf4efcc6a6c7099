/*
 * check_correlate.c - the queue-id table: find/upsert/remove with
 * backward-shift deletion, expiry by log time, the cap evicting the
 * oldest, pending recipients, and refused ids.
 */
#include "correlate.h"
#include "support.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static struct bs_slice qid(char *buf, int i)
{
    int n = snprintf(buf, 32, "Q%08X", (unsigned)i);
    return bs_slice_make(buf, (size_t)n);
}

struct evictions {
    int messages;
    uint32_t pending;
};

static void count_evicted(void *ctx, struct bs_message *m)
{
    struct evictions *e = ctx;
    e->messages++;
    e->pending += m->npending;
}

START_TEST(test_insert_find_remove)
{
    struct bs_correlator *c = bs_correlator_new(100000, 86400);
    char b[32];
    for (int i = 0; i < 20000; i++) {
        struct bs_message *m = bs_correlator_upsert(c, qid(b, i), i, NULL,
                                                    NULL);
        ck_assert_ptr_nonnull(m);
        m->sender = (uint32_t)i;
        m->sender_known = true;
    }
    ck_assert_uint_eq(bs_correlator_count(c), 20000);
    /* Remove every third; the rest must still be found (probe chains
     * survive backward-shift deletion). */
    for (int i = 0; i < 20000; i += 3)
        bs_correlator_remove(c, bs_correlator_find(c, qid(b, i)));
    for (int i = 0; i < 20000; i++) {
        struct bs_message *m = bs_correlator_find(c, qid(b, i));
        if (i % 3 == 0) {
            ck_assert_ptr_null(m);
        } else {
            ck_assert_ptr_nonnull(m);
            ck_assert_uint_eq(m->sender, (uint32_t)i);
        }
    }
    bs_correlator_free(c);
}
END_TEST

START_TEST(test_ttl_sweep)
{
    struct bs_correlator *c = bs_correlator_new(1000, 100);
    char b[32];
    struct evictions ev = { 0, 0 };
    for (int i = 0; i < 10; i++) {
        struct bs_message *m = bs_correlator_upsert(c, qid(b, i), i * 10,
                                                    NULL, NULL);
        if (i == 0)
            bs_message_add_pending(m, 42);
    }
    /* now = 150: messages last seen at t < 50 are older than the ttl */
    bs_correlator_sweep(c, 150, count_evicted, &ev);
    ck_assert_int_eq(ev.messages, 5);
    ck_assert_uint_eq(ev.pending, 1);
    ck_assert_uint_eq(bs_correlator_count(c), 5);
    ck_assert_ptr_null(bs_correlator_find(c, qid(b, 4)));
    ck_assert_ptr_nonnull(bs_correlator_find(c, qid(b, 5)));
    ck_assert_uint_eq(bs_correlator_evicted(c), 5);
    bs_correlator_free(c);
}
END_TEST

/* Endless distinct ids never completed: the table stays at its cap. */
START_TEST(test_cap_evicts_oldest)
{
    struct bs_correlator *c = bs_correlator_new(1000, 1000000000);
    char b[32];
    struct evictions ev = { 0, 0 };
    for (int i = 0; i < 200000; i++) {
        ck_assert_ptr_nonnull(bs_correlator_upsert(c, qid(b, i), i,
                                                   count_evicted, &ev));
        ck_assert_uint_le(bs_correlator_count(c), 1000);
    }
    ck_assert_int_gt(ev.messages, 190000);
    /* the newest survive */
    ck_assert_ptr_nonnull(bs_correlator_find(c, qid(b, 199999)));
    ck_assert_ptr_null(bs_correlator_find(c, qid(b, 0)));
    bs_correlator_free(c);
}
END_TEST

START_TEST(test_pending_and_refused_ids)
{
    struct bs_correlator *c = bs_correlator_new(10, 100);
    struct bs_message *m = bs_correlator_upsert(c, BS_SLICE_LIT("ABCDE"), 1,
                                                NULL, NULL);
    for (uint64_t h = 1; h <= 5; h++)
        bs_message_add_pending(m, h)->category = (uint16_t)h;
    ck_assert_uint_eq(m->npending, 5);
    struct bs_pending *p = bs_message_find_pending(m, 3);
    ck_assert_uint_eq(p->category, 3);
    bs_message_drop_pending(m, p);
    ck_assert_ptr_null(bs_message_find_pending(m, 3));
    ck_assert_ptr_nonnull(bs_message_find_pending(m, 5));
    ck_assert_uint_eq(m->npending, 4);
    char longid[40];
    memset(longid, 'A', sizeof longid);
    ck_assert_ptr_null(bs_correlator_upsert(c, bs_slice_make(longid, 40), 1,
                                            NULL, NULL));
    ck_assert_ptr_null(bs_correlator_upsert(c, BS_SLICE_LIT(""), 1, NULL,
                                            NULL));
    bs_correlator_free(c);
    /* A cap beyond what the tags can address is taken as the largest. */
    c = bs_correlator_new(SIZE_MAX, 100);
    ck_assert_ptr_nonnull(bs_correlator_upsert(c, BS_SLICE_LIT("ABCDE"), 1,
                                               NULL, NULL));
    ck_assert_ptr_nonnull(bs_correlator_find(c, BS_SLICE_LIT("ABCDE")));
    bs_correlator_free(c);
}
END_TEST

/* A message begun under an id in use: the one there is handed over
 * first, then emptied in place; a new id hands nothing over. */
START_TEST(test_begin_empties_a_reused_id)
{
    struct bs_correlator *c = bs_correlator_new(1000, 100);
    struct evictions reused = { 0, 0 };
    struct bs_message *m = bs_correlator_upsert(c, BS_SLICE_LIT("p:AB12C"),
                                                5, NULL, NULL);
    m->sender = 7;
    m->sender_known = true;
    m->held = true;
    bs_message_add_pending(m, 1);
    bs_message_add_pending(m, 2);
    m = bs_correlator_begin(c, BS_SLICE_LIT("p:AB12C"), 9, NULL,
                            count_evicted, &reused);
    ck_assert_int_eq(reused.messages, 1);
    ck_assert_uint_eq(reused.pending, 2);
    ck_assert_ptr_eq(m, bs_correlator_find(c, BS_SLICE_LIT("p:AB12C")));
    ck_assert_uint_eq(bs_correlator_count(c), 1);
    ck_assert(!m->sender_known && !m->held);
    ck_assert_uint_eq(m->sender, 0);
    ck_assert_uint_eq(m->npending, 0);
    ck_assert_ptr_null(bs_message_find_pending(m, 1));
    ck_assert_int_eq(m->last_time, 9);
    ck_assert_ptr_nonnull(bs_correlator_begin(c, BS_SLICE_LIT("p:CD34E"), 9,
                                              NULL, count_evicted,
                                              &reused));
    ck_assert_int_eq(reused.messages, 1);
    ck_assert_uint_eq(bs_correlator_count(c), 2);
    ck_assert_ptr_null(bs_correlator_begin(c, BS_SLICE_LIT(""), 9, NULL,
                                           count_evicted, &reused));
    bs_correlator_free(c);
}
END_TEST

static Suite *correlate_suite(void)
{
    Suite *s = suite_create("correlate");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_insert_find_remove);
    tcase_add_test(tc, test_begin_empties_a_reused_id);
    tcase_add_test(tc, test_ttl_sweep);
    tcase_add_test(tc, test_cap_evicts_oldest);
    tcase_add_test(tc, test_pending_and_refused_ids);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(correlate_suite());
}
