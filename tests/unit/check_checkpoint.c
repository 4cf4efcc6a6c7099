/*
 * check_checkpoint.c - bs_engine_checkpoint / bs_engine_resume: a new
 * engine that resumes a checkpoint taken after any line and is fed the
 * rest counts exactly what one engine over the whole log counts (also
 * across a December -> January rollover under --year, which is carried
 * in the checkpoint); marks survive byte for byte; a plain saved
 * aggregate, another version, damaged marks and an engine that already
 * read input are refused with the byte offset, the engine unchanged.
 */
#include "bouncestat.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *json_of(struct bs_engine *e)
{
    char *out, err[256];
    size_t len;
    bs_engine_finish(e);
    ck_assert_int_eq(bs_engine_render(e, BS_FORMAT_JSON, NULL, &out, &len,
                                      err, sizeof err), 0);
    return out;
}

static size_t line_offset(const char *text, size_t len, size_t line)
{
    size_t off = 0;
    for (size_t i = 0; i < line && off < len; i++) {
        const char *nl = memchr(text + off, '\n', len - off);
        off = nl ? (size_t)(nl - text) + 1 : len;
    }
    return off;
}

/* Checkpoint after cut bytes, resume in a new engine, feed the rest. */
static void check_resume_equals_one_run(const char *text, size_t len,
                                        size_t cut, int year)
{
    struct bs_engine *one = bs_test_engine_new(year);
    bs_test_feed(one, text, len);
    char *want = json_of(one);

    struct bs_engine *a = bs_test_engine_new(year);
    bs_test_feed(a, text, cut);
    struct bs_input_mark m = { .path = "maillog", .offset = cut };
    char *cp;
    size_t cplen;
    bs_engine_checkpoint(a, &m, 1, &cp, &cplen);
    bs_engine_free(a);

    struct bs_engine *b = bs_test_engine_new(year);
    struct bs_input_mark *marks;
    size_t n;
    char err[512];
    int rc = bs_engine_resume(b, cp, cplen, "state.json", &marks, &n, err,
                              sizeof err);
    ck_assert_msg(rc == 0, "resume: %s", rc < 0 ? err : "unknown rules");
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(marks[0].offset, cut);
    bs_test_feed(b, text + marks[0].offset, len - marks[0].offset);
    char *got = json_of(b);
    ck_assert_msg(strcmp(got, want) == 0, "cut %zu:\nwant %s\ngot  %s", cut,
                  want, got);
    bs_input_marks_free(marks, n);
    free(cp);
    free(got);
    free(want);
    bs_engine_free(b);
    bs_engine_free(one);
}

START_TEST(test_resume_sample_cuts)
{
    size_t len;
    char *log = bs_test_read_file(BS_TEST_DATA "/sample/maillog", &len);
    ck_assert_ptr_nonnull(log);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += log[i] == '\n';
    for (size_t l = 0; l <= lines; l += lines / 23 + 1)
        check_resume_equals_one_run(log, len, line_offset(log, len, l), 0);
    free(log);
}
END_TEST

/* A message spans the new year; under --year the year goes on counting
 * from the checkpoint's, not from the option's. */
static const char rollover_log[] =
    "Dec 31 23:59:50 mx postfix/qmgr[1]: 4A1B2C3D4E: from=<a@shop.example>, "
    "size=100, nrcpt=1 (queue active)\n"
    "Dec 31 23:59:58 mx postfix/smtp[2]: 4A1B2C3D4E: to=<u@gmail.com>, "
    "relay=gmail-smtp-in.l.google.com[142.250.4.27]:25, delay=8, "
    "delays=0/0/1/7, dsn=4.2.1, status=deferred (host "
    "gmail-smtp-in.l.google.com[142.250.4.27] said: 450-4.2.1 The user "
    "you are trying to contact is receiving mail at a rate that prevents "
    "additional messages from being delivered. (in reply to RCPT TO "
    "command))\n"
    "Jan  1 00:10:02 mx postfix/smtp[2]: 4A1B2C3D4E: to=<u@gmail.com>, "
    "relay=gmail-smtp-in.l.google.com[142.250.4.27]:25, delay=612, "
    "delays=0/0/1/1, dsn=2.0.0, status=sent (250 2.0.0 OK)\n"
    "Jan  1 00:10:03 mx postfix/qmgr[1]: 4A1B2C3D4E: removed\n";

START_TEST(test_resume_year_rollover)
{
    size_t len = sizeof rollover_log - 1;
    for (size_t l = 0; l <= 4; l++)
        check_resume_equals_one_run(rollover_log, len,
                                    line_offset(rollover_log, len, l), 2025);
}
END_TEST

START_TEST(test_marks_round_trip)
{
    struct bs_input_mark in[2];
    memset(in, 0, sizeof in);
    in[0].path = "/var/log/mail\"log\xff";
    in[0].rotated = 1;
    in[0].dev = 2049;
    in[0].ino = UINT64_MAX;
    in[0].offset = 5000;
    in[0].in_long_line = 1;
    in[0].head_len = BS_MARK_HEAD_MAX;
    for (size_t i = 0; i < BS_MARK_HEAD_MAX; i++)
        in[0].head[i] = (unsigned char)(i * 7);
    in[1].path = "maillog";
    in[1].offset = 3;
    in[1].head_len = 3;
    memcpy(in[1].head, "a\nb", 3);
    struct bs_engine *a = bs_test_engine_new(0);
    char *cp;
    size_t cplen;
    bs_engine_checkpoint(a, in, 2, &cp, &cplen);
    struct bs_engine *b = bs_test_engine_new(0);
    struct bs_input_mark *out;
    size_t n;
    char err[512];
    ck_assert_int_eq(bs_engine_resume(b, cp, cplen, "s", &out, &n, err,
                                      sizeof err), 0);
    ck_assert_uint_eq(n, 2);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_str_eq(out[i].path, in[i].path);
        ck_assert_int_eq(out[i].rotated, in[i].rotated);
        ck_assert_uint_eq(out[i].dev, in[i].dev);
        ck_assert_uint_eq(out[i].ino, in[i].ino);
        ck_assert_uint_eq(out[i].offset, in[i].offset);
        ck_assert_int_eq(out[i].in_long_line, in[i].in_long_line);
        ck_assert_uint_eq(out[i].head_len, in[i].head_len);
        ck_assert(memcmp(out[i].head, in[i].head, in[i].head_len) == 0);
    }
    /* A checkpoint is a saved aggregate too. */
    struct bs_engine *c = bs_test_engine_new(0);
    ck_assert_int_eq(bs_engine_load(c, cp, cplen, "s", err, sizeof err), 0);
    bs_input_marks_free(out, n);
    free(cp);
    bs_engine_free(a);
    bs_engine_free(b);
    bs_engine_free(c);
}
END_TEST

/* A checkpoint with the text of its "resume" member replaced. */
static char *with_resume(const char *resume, size_t *len)
{
    struct bs_engine *a = bs_test_engine_new(0);
    char *saved;
    size_t slen;
    bs_engine_save(a, &saved, &slen);
    bs_engine_free(a);
    /* saved ends in "\n}\n" */
    size_t n = slen - 3 + strlen(resume) + 16;
    char *out = malloc(n);
    ck_assert_ptr_nonnull(out);
    *len = (size_t)snprintf(out, n, "%.*s,\n\"resume\":%s\n}\n",
                            (int)(slen - 3), saved, resume);
    free(saved);
    return out;
}

static const struct {
    const char *resume, *error;
} bad_resumes[] = {
    { NULL, "not a state file" },
    { "{\"format\":\"bouncestat-state\",\"version\":2,\"inputs\":[]}",
      "state version 2" },
    { "{\"version\":1}", "must start with \"format\"" },
    { "[]", "must be an object" },
    { "{\"format\":\"bouncestat-state\",\"version\":1,\"inputs\":"
      "[{\"offset\":4}]}", "without \"path\"" },
    { "{\"format\":\"bouncestat-state\",\"version\":1,\"inputs\":"
      "[{\"path\":\"a\",\"offset\":1,\"head\":\"4142\"}]}",
      "longer than \"offset\"" },
    { "{\"format\":\"bouncestat-state\",\"version\":1,\"inputs\":"
      "[{\"path\":\"a\",\"offset\":9,\"head\":\"414\"}]}", "hex" },
    { "{\"format\":\"bouncestat-state\",\"version\":1,\"inputs\":"
      "[{\"path\":\"a\",\"offset\":9,\"head\":\"4G\"}]}", "hex" },
    { "{\"format\":\"bouncestat-state\",\"version\":1,\"inputs\":"
      "[{\"path\":\"\",\"offset\":9}]}", "empty" },
    { "{\"format\":\"bouncestat-state\",\"version\":1,\"inputs\":"
      "[{\"path\":\"a\",\"offset\":-1}]}", "whole number" },
    { "{\"format\":\"bouncestat-state\",\"version\":1,\"year\":[2026,13]}",
      "out of range" },
    { "{\"format\":\"bouncestat-state\",\"version\":1,\"inputs\":"
      "[{\"path\":\"a\",\"rotated\":1}]}", "true or false" },
};

START_TEST(test_bad_resume)
{
    size_t len;
    char *text;
    if (bad_resumes[_i].resume) {
        text = with_resume(bad_resumes[_i].resume, &len);
    } else {
        struct bs_engine *a = bs_test_engine_new(0);
        bs_engine_save(a, &text, &len);
        bs_engine_free(a);
    }
    struct bs_engine *e = bs_test_engine_new(0);
    char *before = json_of(e);
    bs_engine_free(e);
    e = bs_test_engine_new(0);
    struct bs_input_mark *marks = (void *)1;
    size_t n = 99;
    char err[512];
    ck_assert_int_eq(bs_engine_resume(e, text, len, "state.json", &marks,
                                      &n, err, sizeof err), -1);
    ck_assert_msg(strstr(err, bad_resumes[_i].error) != NULL, "%s", err);
    ck_assert_msg(strncmp(err, "state.json: byte ", 17) == 0, "%s", err);
    ck_assert_ptr_null(marks);
    ck_assert_uint_eq(n, 0);
    char *after = json_of(e);
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
    free(text);
    bs_engine_free(e);
}
END_TEST

START_TEST(test_resume_needs_new_engine)
{
    struct bs_engine *a = bs_test_engine_new(0);
    char *cp;
    size_t cplen;
    bs_engine_checkpoint(a, NULL, 0, &cp, &cplen);
    bs_test_feed(a, "Nov 27 10:00:00 mx postfix/qmgr[1]: ABC: removed\n", 48);
    struct bs_input_mark *marks;
    size_t n;
    char err[512];
    ck_assert_int_eq(bs_engine_resume(a, cp, cplen, "s", &marks, &n, err,
                                      sizeof err), -1);
    ck_assert_msg(strstr(err, "before any input") != NULL, "%s", err);
    free(cp);
    bs_engine_free(a);
}
END_TEST

static Suite *checkpoint_suite(void)
{
    Suite *s = suite_create("checkpoint");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_resume_sample_cuts);
    tcase_add_test(tc, test_resume_year_rollover);
    tcase_add_test(tc, test_marks_round_trip);
    tcase_add_loop_test(tc, test_bad_resume, 0,
                        (int)(sizeof bad_resumes / sizeof *bad_resumes));
    tcase_add_test(tc, test_resume_needs_new_engine);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(checkpoint_suite());
}
