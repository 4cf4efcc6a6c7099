/*
 * check_aggfile.c - saved aggregates: the save/load round trip gives the
 * same report byte for byte, a merge of saved pieces equals one run over
 * the whole log (also when a message spans the cut), saving what was
 * loaded gives the same file, raw bytes survive; the JSON reader's
 * grammar and bounds; malformed, truncated and mutated files are refused
 * with the file name and a byte offset, leave the engine unchanged and
 * never crash.
 */
#include "bouncestat.h"
#include "jsonr.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *render(struct bs_engine *e, enum bs_format f)
{
    char *out, err[256];
    size_t len;
    ck_assert_int_eq(bs_engine_render(e, f, NULL, &out, &len, err,
                                      sizeof err), 0);
    return out;
}

static char *json_of(struct bs_engine *e)
{
    return render(e, BS_FORMAT_JSON);
}

static char *save(struct bs_engine *e, size_t *len)
{
    char *out;
    bs_engine_save(e, &out, len);
    return out;
}

static void load_ok(struct bs_engine *e, const char *text, size_t len)
{
    char err[512];
    int rc = bs_engine_load(e, text, len, "saved.json", err, sizeof err);
    ck_assert_msg(rc == 0, "load: %d %s", rc, rc < 0 ? err : "");
}

static char *sample_log(size_t *len)
{
    char *log = bs_test_read_file(BS_TEST_DATA "/sample/maillog", len);
    ck_assert_ptr_nonnull(log);
    return log;
}

/* A message whose sender and first deferral come before a cut and whose
 * expiry comes after it; a sender line before, deliveries after; a raw
 * byte that is not UTF-8 in a domain and in a text. */
static const char spanning_log[] =
    "Nov 27 10:00:00 mx1 postfix/qmgr[1]: AAA111: from=<news@shop.example>, size=1, nrcpt=2 (queue active)\n"
    "Nov 27 10:00:01 mx1 postfix/smtp[2]: AAA111: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[1.2.3.4]:25, delay=1, delays=0/0/0/1, dsn=4.7.28, status=deferred (host gmail-smtp-in.l.google.com[1.2.3.4] said: 421-4.7.28 Our system has detected an unusual rate of unsolicited mail (in reply to end of DATA command))\n"
    "Nov 27 10:00:02 mx1 postfix/qmgr[1]: BBB222: from=<info@caf\xe9.example>, size=1, nrcpt=1 (queue active)\n"
    "Nov 27 10:00:03 mx1 postfix/smtp[2]: AAA111: to=<b@yahoo.co.jp>, relay=mx.yahoo.co.jp[5.6.7.8]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n"
    /* the cut goes here (CUT_LINE lines above) */
    "Nov 27 11:00:00 mx1 postfix/smtp[2]: BBB222: to=<c@outlook.com>, relay=outlook-com.olc.protection.outlook.com[9.9.9.9]:25, delay=1, delays=0/0/0/1, dsn=5.7.509, status=bounced (host said: 550 5.7.509 Access denied, sending domain caf\xe9.example does not pass DMARC verification (in reply to end of DATA command))\n"
    "Nov 27 11:00:01 mx1 postfix/qmgr[1]: BBB222: removed\n"
    "Nov 27 12:00:00 mx1 postfix/qmgr[1]: AAA111: from=<news@shop.example>, status=expired, returned to sender\n"
    "Nov 27 12:00:01 mx1 postfix/qmgr[1]: AAA111: removed\n"
    "Nov 27 12:00:02 mx1 postfix/smtp[2]: CCC333: to=<d@icloud.com>, relay=mx01.mail.icloud.com[7.7.7.7]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host said: 550 5.1.1 <d@icloud.com>: user does not exist)\n";
#define CUT_LINE 4

static size_t line_offset(const char *text, size_t len, size_t line)
{
    size_t off = 0;
    while (line-- && off < len) {
        const char *nl = memchr(text + off, '\n', len - off);
        off = nl ? (size_t)(nl - text) + 1 : len;
    }
    return off;
}

/* One engine over text vs. pieces cut at `cut`, each run as a segment,
 * saved, and loaded in order into a fresh engine. */
static void check_merge_equals_one_run(const char *text, size_t len,
                                       size_t cut)
{
    struct bs_engine *one = bs_test_engine_new(2026);
    bs_test_feed(one, text, len);
    bs_engine_finish(one);
    char *want = render(one, BS_FORMAT_JSON);
    char *want_html = render(one, BS_FORMAT_HTML);

    struct bs_engine *a = bs_test_engine_new(2026), *b = bs_test_engine_new(2026);
    bs_engine_set_segment(a, 1);
    bs_engine_set_segment(b, 1);
    bs_test_feed(a, text, cut);
    bs_test_feed(b, text + cut, len - cut);
    size_t alen, blen;
    char *sa = save(a, &alen), *sb = save(b, &blen);
    bs_engine_free(a);
    bs_engine_free(b);

    struct bs_engine *m = bs_test_engine_new(2026);
    load_ok(m, sa, alen);
    load_ok(m, sb, blen);
    bs_engine_finish(m);
    char *got = render(m, BS_FORMAT_JSON);
    char *got_html = render(m, BS_FORMAT_HTML);
    ck_assert_msg(strcmp(got, want) == 0, "cut %zu:\nwant %s\ngot  %s", cut,
                  want, got);
    ck_assert_msg(strcmp(got_html, want_html) == 0, "cut %zu: html", cut);
    free(sa);
    free(sb);
    free(got);
    free(got_html);
    free(want);
    free(want_html);
    bs_engine_free(m);
    bs_engine_free(one);
}

START_TEST(test_round_trip_report)
{
    size_t len;
    char *log = sample_log(&len);
    struct bs_engine *e = bs_test_engine_new(2026);
    bs_test_feed(e, log, len);
    bs_engine_finish(e);
    char *want = render(e, BS_FORMAT_JSON);
    size_t slen;
    char *saved = save(e, &slen);
    ck_assert_int_eq(bs_json_check(saved, slen, &(size_t){ 0 }, NULL, 0), 0);

    struct bs_engine *r = bs_test_engine_new(2026);
    load_ok(r, saved, slen);
    bs_engine_finish(r);
    char *got = render(r, BS_FORMAT_JSON);
    ck_assert_str_eq(got, want);
    /* Saving what was loaded gives the same file. */
    size_t again_len;
    char *again = save(r, &again_len);
    ck_assert_uint_eq(again_len, slen);
    ck_assert(memcmp(again, saved, slen) == 0);
    free(again);
    free(got);
    free(saved);
    free(want);
    bs_engine_free(r);
    bs_engine_free(e);
    free(log);
}
END_TEST

START_TEST(test_merge_spanning_message)
{
    size_t len = sizeof spanning_log - 1;
    check_merge_equals_one_run(spanning_log, len,
                               line_offset(spanning_log, len, CUT_LINE));
    check_merge_equals_one_run(spanning_log, len,
                               line_offset(spanning_log, len, 1));
    check_merge_equals_one_run(spanning_log, len, 0);
    check_merge_equals_one_run(spanning_log, len, len);
}
END_TEST

/* The sample log cut at several lines: every piece after the first holds
 * the lines of messages begun before it. */
START_TEST(test_merge_sample_cuts)
{
    size_t len;
    char *log = sample_log(&len);
    static const size_t lines[] = { 1, 777, 2500, 4999 };
    check_merge_equals_one_run(log, len, line_offset(log, len,
                                                     lines[_i]));
    free(log);
}
END_TEST

/* Three pieces merged in two steps (the tool's `merge` of days, then a
 * report of the month plus one more day) equal one run. */
START_TEST(test_merge_three_pieces)
{
    size_t len;
    char *log = sample_log(&len);
    size_t c1 = line_offset(log, len, 1500), c2 = line_offset(log, len, 3300);
    struct bs_engine *one = bs_test_engine_new(2026);
    bs_test_feed(one, log, len);
    bs_engine_finish(one);
    char *want = render(one, BS_FORMAT_JSON);
    const size_t cut[4] = { 0, c1, c2, len };
    char *saved[3];
    size_t slen[3];
    for (int i = 0; i < 3; i++) {
        struct bs_engine *p = bs_test_engine_new(2026);
        bs_engine_set_segment(p, 1);
        bs_test_feed(p, log + cut[i], cut[i + 1] - cut[i]);
        saved[i] = save(p, &slen[i]);
        bs_engine_free(p);
    }
    struct bs_engine *ab = bs_test_engine_new(2026);
    load_ok(ab, saved[0], slen[0]);
    load_ok(ab, saved[1], slen[1]);
    size_t ablen;
    char *abtext = save(ab, &ablen);
    struct bs_engine *m = bs_test_engine_new(2026);
    load_ok(m, abtext, ablen);
    load_ok(m, saved[2], slen[2]);
    bs_engine_finish(m);
    char *got = render(m, BS_FORMAT_JSON);
    ck_assert_str_eq(got, want);
    for (int i = 0; i < 3; i++)
        free(saved[i]);
    free(abtext);
    free(got);
    free(want);
    bs_engine_free(ab);
    bs_engine_free(m);
    bs_engine_free(one);
    free(log);
}
END_TEST

/* A byte that is not UTF-8 survives save and load exactly. */
START_TEST(test_raw_bytes_round_trip)
{
    struct bs_engine *e = bs_test_engine_new(2026);
    bs_test_feed(e, spanning_log, sizeof spanning_log - 1);
    size_t len;
    char *saved = save(e, &len);
    ck_assert_ptr_nonnull(strstr(saved, "caf\\udce9.example"));
    struct bs_engine *r = bs_test_engine_new(2026);
    load_ok(r, saved, len);
    char *csv, err[64];
    size_t clen;
    ck_assert_int_eq(bs_engine_render(r, BS_FORMAT_CSV, "sender_domain",
                                      &csv, &clen, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(csv, "\ncaf\xe9.example,"));
    free(csv);
    free(saved);
    bs_engine_free(r);
    bs_engine_free(e);
}
END_TEST

/* ---- the reader ---------------------------------------------------- */

static const struct {
    const char *text;
    size_t off;
    const char *msg;
} bad_json[] = {
    { "", 0, "unexpected end" },
    { "{", 1, "unexpected end" },
    { "{\"a\" 1}", 5, "expected ':'" },
    { "{\"a\":1,}", 7, "expected a member name" },
    { "[1 2]", 3, "expected ',' or ']'" },
    { "[1,]", 3, "expected a value" },
    { "{\"a\":1]", 6, "expected ',' or '}'" },
    { "\"abc", 0, "unterminated string" },
    { "\"a\\qb\"", 2, "bad escape" },
    { "\"\\u12\"", 1, "bad escape" },
    { "\"a\nb\"", 2, "control character" },
    { "01", 0, "leading zero" },
    { "-", 0, "bad number" },
    { "1.", 2, "bad number" },
    { "1e+", 3, "bad number" },
    { "tru", 0, "unexpected character" },
    { "nul", 0, "unexpected character" },
    { "{} x", 3, "data after" },
    { "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
      32, "nested deeper" },
};

START_TEST(test_reader_errors)
{
    size_t off = 9999;
    char msg[96];
    const char *t = bad_json[_i].text;
    ck_assert_int_eq(bs_json_check(t, strlen(t), &off, msg, sizeof msg), -1);
    ck_assert_msg(strstr(msg, bad_json[_i].msg) != NULL, "%s: got '%s'", t,
                  msg);
    ck_assert_msg(off == bad_json[_i].off, "%s: offset %zu, want %zu", t,
                  off, bad_json[_i].off);
}
END_TEST

START_TEST(test_reader_values)
{
    static const char doc[] =
        " {\"k\" : [true, false, null, -12, 18446744073709551615, 1.5e3,"
        " \"\\u00e9\\ud83d\\ude00\\udce9\\/\\\"\"]} ";
    struct bs_jsonr r;
    bs_jsonr_init(&r, doc, sizeof doc - 1);
    ck_assert_int_eq(bs_jsonr_next(&r), BS_JT_OBJECT);
    ck_assert_int_eq(bs_jsonr_next(&r), BS_JT_KEY);
    ck_assert_str_eq(r.str.data, "k");
    ck_assert_int_eq(bs_jsonr_next(&r), BS_JT_ARRAY);
    ck_assert_int_eq(bs_jsonr_next(&r), BS_JT_TRUE);
    ck_assert_int_eq(bs_jsonr_next(&r), BS_JT_FALSE);
    ck_assert_int_eq(bs_jsonr_next(&r), BS_JT_NULL);
    int64_t i;
    uint64_t u;
    ck_assert_int_eq(bs_jsonr_next(&r), BS_JT_NUMBER);
    ck_assert_int_eq(bs_jsonr_int64(&r, &i), 0);
    ck_assert_int_eq(i, -12);
    ck_assert_int_eq(bs_jsonr_uint64(&r, &u), -1);
    ck_assert_int_eq(bs_jsonr_next(&r), BS_JT_NUMBER);
    ck_assert_int_eq(bs_jsonr_uint64(&r, &u), 0);
    ck_assert(u == UINT64_MAX);
    ck_assert_int_eq(bs_jsonr_int64(&r, &i), -1);
    ck_assert_int_eq(bs_jsonr_next(&r), BS_JT_NUMBER);
    ck_assert(!r.is_int);
    ck_assert_int_eq(bs_jsonr_next(&r), BS_JT_STRING);
    ck_assert_uint_eq(r.str.len, 2 + 4 + 1 + 2);
    ck_assert(memcmp(r.str.data, "\xc3\xa9\xf0\x9f\x98\x80\xe9/\"", 9) == 0);
    ck_assert_int_eq(bs_jsonr_next(&r), BS_JT_ARRAY_END);
    ck_assert_int_eq(bs_jsonr_next(&r), BS_JT_OBJECT_END);
    ck_assert_int_eq(bs_jsonr_next(&r), BS_JT_EOF);
    ck_assert_int_eq(bs_jsonr_next(&r), BS_JT_EOF);
    bs_jsonr_fini(&r);
}
END_TEST

START_TEST(test_reader_long_string)
{
    size_t n = BS_JSONR_STRING_MAX + 16;
    char *big = malloc(n + 2);
    big[0] = '"';
    memset(big + 1, 'x', n);
    big[n + 1] = '"';
    size_t off;
    char msg[96];
    ck_assert_int_eq(bs_json_check(big, n + 2, &off, msg, sizeof msg), -1);
    ck_assert_ptr_nonnull(strstr(msg, "longer than"));
    free(big);
}
END_TEST

/* ---- malformed aggregates ------------------------------------------ */

#define HEAD "{\"format\":\"bouncestat-aggregate\",\"version\":1,"

static const struct {
    const char *text;
    const char *msg;
    size_t off;
} bad_files[] = {
    { "[]", "not a bouncestat saved aggregate", 0 },
    { "{\"version\":1}", "not a bouncestat saved aggregate", 1 },
    { "{\"format\":\"other\",\"version\":1}", "not a bouncestat", 10 },
    { "{\"format\":\"bouncestat-aggregate\",\"version\":2}",
      "saved aggregate version 2; this bouncestat", 43 },
    { "{\"format\":\"bouncestat-aggregate\",\"extra\":1}",
      "\"version\" must follow", 33 },
    { HEAD "\"cells\":[]}", "\"strings\" must come before", 45 },
    { HEAD "\"strings\":[\"google\",\"\"],"
           "\"cells\":[[1,0,1,1,1,1,1,1,1,2,3]]}",
      "expected a number", 100 },
    { HEAD "\"strings\":[\"\"],\"cells\":[[1,5,0,0,0,0,0,0,1,2,3,4]]}",
      "string index out of range", 72 },
    { HEAD "\"strings\":[\"x\"],\"cells\":[[1,0,0,0,0,0,0,0,1,2,3,4]]}",
      "unknown provider", 73 },
    { HEAD "\"strings\":[\"google\",\"x\"],"
           "\"cells\":[[1,0,0,0,1,0,0,0,1,2,3,4]]}",
      "unknown category", 88 },
    { HEAD "\"strings\":[\"google\",\"\",\"9.9\"],"
           "\"cells\":[[1,0,1,1,1,1,2,1,1,2,3,4]]}",
      "bad status code", 97 },
    { HEAD "\"strings\":[\"google\",\"\"],"
           "\"cells\":[[99999999999,0,1,1,1,1,1,1,1,2,3,4]]}",
      "hour out of range", 79 },
    { HEAD "\"strings\":[\"google\",\"\"],"
           "\"cells\":[[1,0,1,1,1,1,1,1,-1,2,3,4]]}",
      "non-negative integer", 95 },
    { HEAD "\"strings\":[],\"messages\":[[\"\",0,0,0,0,\"0\",0,[]]]}",
      "bad message key", 71 },
    { HEAD "\"strings\":[\"\"],\"messages\":[[\"p:A\",0,0,0,0,\"xyz\",0,[]]]}",
      "16 hex digits", 87 },
    { HEAD "\"strings\":[],\"strings\":[]}", "given twice", 58 },
    { HEAD "\"input\":{\"bytes\":1.5}}", "non-negative integer", 62 },
    { HEAD "\"first_log_time\":5}", "first_log_time without", 64 },
    { HEAD "\"held\":5}", "\"strings\" must come before", 45 },
    { HEAD "\"strings\":[],\"held\":[[1,2]]}", "expected a string", 69 },
    { HEAD "\"cells\"", "expected ':'", 52 },
};

START_TEST(test_bad_files)
{
    struct bs_engine *e = bs_test_engine_new(2026);
    bs_test_feed(e, spanning_log, sizeof spanning_log - 1);
    char *before = json_of(e);
    char err[512];
    const char *t = bad_files[_i].text;
    ck_assert_int_eq(bs_engine_load(e, t, strlen(t), "bad.json", err,
                                    sizeof err), -1);
    char want[64];
    snprintf(want, sizeof want, "bad.json: byte %zu: ", bad_files[_i].off);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
                  "%s\n  got '%s', want '%s...'", t, err, want);
    ck_assert_msg(strstr(err, bad_files[_i].msg) != NULL, "%s: got '%s'", t,
                  err);
    char *after = json_of(e);
    ck_assert_str_eq(after, before); /* unchanged */
    free(before);
    free(after);
    bs_engine_free(e);
}
END_TEST

/* Every prefix of a saved file but the whole is refused, at an offset
 * inside the text; nothing crashes (ASan runs this too). */
START_TEST(test_truncated_files)
{
    struct bs_engine *e = bs_test_engine_new(2026);
    bs_engine_set_segment(e, 1);
    bs_test_feed(e, spanning_log, sizeof spanning_log - 1);
    size_t len;
    char *saved = save(e, &len);
    bs_engine_free(e);
    while (len && (saved[len - 1] == '\n' || saved[len - 1] == ' '))
        len--;
    char err[512];
    struct bs_engine *r = bs_test_engine_new(2026); /* a refusal leaves it unchanged */
    char *clean = json_of(r);
    for (size_t n = 0; n < len; n++) {
        char *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
        memcpy(copy, saved, n);
        ck_assert_msg(bs_engine_load(r, copy, n, "cut.json", err,
                                     sizeof err) == -1, "prefix %zu", n);
        ck_assert_ptr_nonnull(strstr(err, "cut.json: byte "));
        free(copy);
    }
    char *now = json_of(r);
    ck_assert_str_eq(now, clean);
    free(now);
    free(clean);
    bs_engine_free(r);
    free(saved);
}
END_TEST

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Mutated files (bytes flipped, replaced by JSON punctuation, digits
 * changed) load or are refused, and a refused one leaves no trace. */
START_TEST(test_mutated_files)
{
    size_t len;
    char *log = sample_log(&len);
    struct bs_engine *e = bs_test_engine_new(2026);
    bs_engine_set_segment(e, 1);
    bs_test_feed(e, log, line_offset(log, len, 600));
    size_t slen;
    char *saved = save(e, &slen);
    bs_engine_free(e);
    static const char punct[] = "{}[],:\"\\0123456789-eE.tfn \x80\xff";
    struct bs_engine *r = bs_test_engine_new(2026);
    char *clean = json_of(r);
    char err[512];
    int refused = 0;
    for (int round = 0; round < 300; round++) {
        char *copy = malloc(slen);
        memcpy(copy, saved, slen);
        int edits = 1 + (int)(rng() % 4);
        for (int k = 0; k < edits; k++) {
            size_t at = (size_t)(rng() % slen);
            copy[at] = rng() % 2 ? (char)rng()
                                 : punct[rng() % (sizeof punct - 1)];
        }
        int rc = bs_engine_load(r, copy, slen, "mut.json", err, sizeof err);
        if (rc < 0) {
            refused++;
            ck_assert_ptr_nonnull(strstr(err, "mut.json: byte "));
            char *now = json_of(r);
            ck_assert_str_eq(now, clean);
            free(now);
        } else {
            bs_engine_free(r); /* it took something: start clean again */
            r = bs_test_engine_new(2026);
        }
        free(copy);
    }
    ck_assert_int_gt(refused, 100);
    free(clean);
    free(saved);
    bs_engine_free(r);
    free(log);
}
END_TEST

/* A file from a build whose rules this engine lacks: the sample is kept
 * without its rule, and the count of such samples is returned. */
START_TEST(test_unknown_rule)
{
    const char t[] = HEAD
        "\"strings\":[\"google\",\"authfailure\",\"dmarc\",\"x.example\","
        "\"gmail.com\"],"
        "\"samples\":[[0,1,2,3,4,\"no-such-rule\",100,\"550 no\"]]}";
    struct bs_engine *e = bs_test_engine_new(2026);
    char err[256];
    ck_assert_int_eq(bs_engine_load(e, t, sizeof t - 1, "r.json", err,
                                    sizeof err), 1);
    char *j = json_of(e);
    ck_assert_ptr_nonnull(strstr(j, "\"rule\":\"\",\"hint\":\"\""));
    free(j);
    bs_engine_free(e);
}
END_TEST

static Suite *aggfile_suite(void)
{
    Suite *s = suite_create("aggfile");
    TCase *tc = tcase_create("aggfile");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_round_trip_report);
    tcase_add_test(tc, test_merge_spanning_message);
    tcase_add_loop_test(tc, test_merge_sample_cuts, 0, 4);
    tcase_add_test(tc, test_merge_three_pieces);
    tcase_add_test(tc, test_raw_bytes_round_trip);
    tcase_add_loop_test(tc, test_reader_errors, 0,
                        (int)(sizeof bad_json / sizeof *bad_json));
    tcase_add_test(tc, test_reader_values);
    tcase_add_test(tc, test_reader_long_string);
    tcase_add_loop_test(tc, test_bad_files, 0,
                        (int)(sizeof bad_files / sizeof *bad_files));
    tcase_add_test(tc, test_truncated_files);
    tcase_add_test(tc, test_mutated_files);
    tcase_add_test(tc, test_unknown_rule);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(aggfile_suite());
}
