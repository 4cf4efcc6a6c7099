/*
 * check_classify.c - the shipped rules on real response texts, rule
 * precedence, the onhold/undefined fallback, rule-file errors with
 * FILE:LINE, overriding by id, and the regex budget.
 */
#include "buf.h"
#include "classify.h"
#include "provider.h"
#include "support.h"

#include <stdlib.h>
#include <string.h>


static unsigned provider(struct bs_test_rules *f, const char *name)
{
    int i = bs_provider_find(f->providers, bs_slice_make(name, strlen(name)));
    ck_assert_int_ge(i, 0);
    return (unsigned)i;
}

static const struct {
    const char *provider, *dsn, *text, *category, *detail;
} cases[] = {
    /* Gmail, DMARC enforcement (5.7.26, Google's SMTP error reference) */
    { "google", "5.7.26", "host gmail-smtp-in.l.google.com[142.250.4.26] "
      "said: 550-5.7.26 Unauthenticated email from example.com is not "
      "accepted due to 550-5.7.26 domain's DMARC policy. Please contact the "
      "administrator of 550-5.7.26 example.com domain if this was a "
      "legitimate mail. To learn 550 5.7.26 about the DMARC initiative, go "
      "to https://support.google.com/mail/?p=DmarcRejection "
      "a1si123.45 - gsmtp (in reply to end of DATA command)",
      "authfailure", "dmarc" },
    /* Gmail, both SPF and DKIM failed */
    { "google", "5.7.26", "host gmail-smtp-in.l.google.com[142.250.4.26] "
      "said: 550-5.7.26 This mail is unauthenticated, which poses a "
      "security risk to the 550-5.7.26 sender and Gmail users, and has "
      "been blocked. The sender must 550-5.7.26 authenticate with at least "
      "one of SPF or DKIM. For this message, 550-5.7.26 DKIM checks did not "
      "pass and SPF check for [example.com] did not 550-5.7.26 pass with "
      "ip: [203.0.113.5]. gsmtp", "authfailure", "spf+dkim" },
    /* Gmail 2024 wording, only SPF failed */
    { "google", "5.7.26", "550-5.7.26 Authentication results: 550-5.7.26 "
      "DKIM = pass 550-5.7.26 SPF [example.com] with ip: [203.0.113.5] = "
      "did not pass 550 5.7.26 gsmtp", "authfailure", "spf" },
    { "google", "5.7.26", "550-5.7.26 Authentication results: 550-5.7.26 "
      "DKIM = did not pass 550-5.7.26 SPF [example.com] with ip: "
      "[203.0.113.5] = pass gsmtp", "authfailure", "dkim" },
    /* lightmeter corpus: Gmail unknown user */
    { "google", "5.1.1", "host aspmx.l.google.com[74.125.143.26] said: "
      "550-5.1.1 The email account that you tried to reach does not exist. "
      "Please try 550-5.1.1 double-checking the recipient's email address "
      "for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1 "
      "https://support.google.com/mail/?p=NoSuchUser "
      "r20si3302079wrr.262 - gsmtp (in reply to RCPT TO command)",
      "userunknown", "" },
    /* Gmail rate limit and spam */
    { "google", "4.7.28", "421-4.7.28 [203.0.113.5 15] Our system has "
      "detected an unusual rate of 421-4.7.28 unsolicited mail originating "
      "from your IP address. gsmtp", "speeding", "" },
    { "google", "5.7.1", "550-5.7.1 [203.0.113.5] Our system has detected "
      "that this message is 550-5.7.1 likely unsolicited mail. gsmtp",
      "spamdetected", "" },
    { "google", "4.2.2", "452-4.2.2 The recipient's inbox is out of storage "
      "space. gsmtp", "mailboxfull", "" },
    /* lightmeter corpus: Outlook block list */
    { "microsoft", "5.7.1", "host hotmail-com.olc.protection.outlook.com"
      "[104.47.10.33] said: 550 5.7.1 Unfortunately, messages from "
      "[142.93.169.220] weren't sent. Please contact your Internet service "
      "provider since part of their network is on our block list (S3150). "
      "You can also refer your provider to "
      "http://mail.live.com/mail/troubleshooting.aspx#errors. "
      "[VE1EUR03FT011.eop-EUR03.prod.protection.outlook.com] (in reply to "
      "MAIL FROM command)", "blocked", "S3150" },
    { "microsoft", "5.7.515", "550 5.7.515 Access denied, sending domain "
      "example.com does not meet the required authentication level.",
      "authfailure", "5.7.515" },
    { "microsoft", "4.7.650", "451 4.7.650 The mail server [203.0.113.5] "
      "has been temporarily rate limited due to IP reputation.",
      "badreputation", "4.7.650" },
    { "microsoft", "5.5.0", "550 5.5.0 Requested action not taken: mailbox "
      "unavailable (S2017062302).", "userunknown", "" },
    /* Yahoo (lightmeter corpus TSS04) */
    { "yahoo", "4.7.0", "host mx-aol.mail.gm0.yahoodns.net[44.55.66.77] "
      "said: 421 4.7.0 [TSS04] Messages from 10.20.30.40 temporarily "
      "deferred due to user complaints - 4.16.55.1; see "
      "https://help.yahoo.com/kb/postmaster/SLN3434.html (in reply to MAIL "
      "FROM command)", "badreputation", "TSS04" },
    { "yahoo", "5.7.9", "554 5.7.9 Message not accepted for policy reasons."
      "  See https://postmaster.yahooinc.com/error-codes",
      "policyviolation", "" },
    /* generic MTAs */
    { "other", "5.4.4", "Host or domain name not found. Name service error "
      "for name=e.mail.com type=AAAA: Host not found", "hostunknown", "" },
    { "other", "5.1.1", "host mx.example.com[198.51.100.7] said: 550 5.1.1 "
      "<nobody@example.com>: Recipient address rejected: User unknown in "
      "virtual mailbox table (in reply to RCPT TO command)",
      "userunknown", "" },
    { "other", "4.4.1", "connect to mx.example.net[198.51.100.9]:25: "
      "Connection timed out", "networkerror", "" },
    { "other", "5.0.0", "Domain example.com does not accept mail (nullMX)",
      "hostunknown", "" },
    /* text overrides a generic code: 5.1.1 that is not an unknown user */
    { "other", "5.1.1", "550 5.1.1 sent to too many recipients, rate "
      "limit exceeded", "speeding", "" },
    /* NetEase DT:SPM, postfix_exporter corpus */
    { "other", "5.0.0", "host 163mx03.mxmail.netease.com[220.181.14.161] "
      "said: 554 DT:SPM 163 mx12,EMCowAD3y3B1lMJfLqzuAQ--.32946S2 "
      "1673695349, please see http://mail.163.com/help/help_spam_16.htm?ip="
      "1.2.3.4&hostid=mx12&time=1673695349 (in reply to end of DATA "
      "command)", "spamdetected", "" },
    /* nothing matches: onhold with text, undefined without */
    { "other", "", "something nobody has written a rule for",
      "onhold", "" },
    { "other", "", "", "undefined", "" },
    /* no dsn field: the code in the text decides (qmail style) */
    { "other", "", "Sorry, no mailbox here by that name. (#5.1.1)",
      "userunknown", "" },
};

START_TEST(test_classify_real_texts)
{
    struct bs_test_rules f = bs_test_rules_load();
    struct bs_classification r;
    bs_classify(f.c, provider(&f, cases[_i].provider),
                bs_slice_make(cases[_i].dsn, strlen(cases[_i].dsn)),
                bs_slice_make(cases[_i].text, strlen(cases[_i].text)), &r);
    ck_assert_msg(strcmp(bs_category_name(r.category), cases[_i].category) ==
                          0 &&
                      strcmp(r.detail, cases[_i].detail) == 0,
                  "case %d: got %s/%s (rule %s), want %s/%s", _i,
                  bs_category_name(r.category), r.detail,
                  bs_classifier_rule_id(f.c, r.rule), cases[_i].category,
                  cases[_i].detail);
    /* memoised: the same answer again */
    struct bs_classification again;
    bs_classify(f.c, provider(&f, cases[_i].provider),
                bs_slice_make(cases[_i].dsn, strlen(cases[_i].dsn)),
                bs_slice_make(cases[_i].text, strlen(cases[_i].text)),
                &again);
    ck_assert_int_eq(again.rule, r.rule);
    bs_test_rules_free(&f);
}
END_TEST

START_TEST(test_classify_severity)
{
    struct bs_test_rules f = bs_test_rules_load();
    struct bs_classification r;
    bs_classify(f.c, 0, BS_SLICE_LIT("4.4.1"),
                BS_SLICE_LIT("connect to x[1.2.3.4]:25: Connection refused"),
                &r);
    ck_assert(!r.hard);
    bs_classify(f.c, 0, BS_SLICE_LIT("5.1.1"),
                BS_SLICE_LIT("550 5.1.1 user unknown"), &r);
    ck_assert(r.hard);
    bs_test_rules_free(&f);
}
END_TEST

static int load_text(struct bs_test_rules *f, const char *text, struct bs_buf *err)
{
    return bs_classifier_load(f->c, "extra.rules", text, strlen(text), err);
}

START_TEST(test_rule_file_errors)
{
    static const struct {
        const char *text, *expect;
    } bad[] = {
        { "rule a\n    category nosuchthing\n", "extra.rules:2: unknown "
          "category" },
        { "rule a\n    category blocked\n    text (unclosed\n",
          "extra.rules:3: pattern does not compile at offset 9" },
        { "rule a\n    detail x\n", "extra.rules:1: rule has no category" },
        { "    category blocked\n", "extra.rules:1: indented line outside" },
        { "rule a\n    colour blue\n", "extra.rules:2: unknown key" },
        { "rule a\n    category blocked\n    dsn 5.x.1\n",
          "extra.rules:3: bad enhanced status code" },
        { "rule a\n    category blocked\n    provider nowhere\n",
          "extra.rules:3: unknown provider" },
        { "rule a\n    category blocked\n    severity maybe\n",
          "extra.rules:3: severity is hard or soft" },
        { "garbage\n", "extra.rules:1: expected 'rule ID'" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct bs_test_rules f = bs_test_rules_load();
        struct bs_buf err;
        bs_buf_init(&err);
        ck_assert_int_eq(load_text(&f, bad[i].text, &err), -1);
        ck_assert_msg(strncmp(err.data, bad[i].expect,
                              strlen(bad[i].expect)) == 0,
                      "case %zu: got '%s'", i, err.data);
        bs_buf_fini(&err);
        bs_test_rules_free(&f);
    }
}
END_TEST

/* A pattern is compiled with its length, but listed and prefiltered as a
 * C string: a NUL byte inside would cut it short. */
START_TEST(test_rule_nul_in_pattern)
{
    static const char text[] = "rule a\n    category blocked\n"
                               "    text abc\0|xyz\n";
    struct bs_test_rules f = bs_test_rules_load();
    struct bs_buf err;
    bs_buf_init(&err);
    ck_assert_int_eq(bs_classifier_load(f.c, "extra.rules", text,
                                        sizeof text - 1, &err), -1);
    ck_assert_msg(strstr(err.data, "extra.rules:3: a NUL byte") != NULL,
                  "got '%s'", err.data);
    bs_buf_fini(&err);
    bs_test_rules_free(&f);
}
END_TEST

START_TEST(test_rule_override_and_precedence)
{
    struct bs_test_rules f = bs_test_rules_load();
    struct bs_buf err;
    bs_buf_init(&err);
    struct bs_classification r;
    struct bs_slice text = BS_SLICE_LIT("550 5.1.1 mailbox gone fishing");
    bs_classify(f.c, 0, BS_SLICE_LIT("5.1.1"), text, &r);
    ck_assert_str_eq(bs_category_name(r.category), "userunknown");
    /* A later rule with a text beats the code-only rule. */
    ck_assert_int_eq(load_text(&f, "rule local-fishing\n"
                                   "    category suspend\n"
                                   "    detail fishing\n"
                                   "    text gone fishing\n", &err), 0);
    bs_classify(f.c, 0, BS_SLICE_LIT("5.1.1"), text, &r);
    ck_assert_str_eq(bs_category_name(r.category), "suspend");
    ck_assert_str_eq(r.detail, "fishing");
    /* Same id replaces the shipped rule. */
    ck_assert_int_eq(load_text(&f, "rule generic-5.1.1\n"
                                   "    category hasmoved\n"
                                   "    dsn 5.1.1\n", &err), 0);
    bs_classify(f.c, 0, BS_SLICE_LIT("5.1.1"), BS_SLICE_LIT("550 gone"),
                &r);
    ck_assert_str_eq(bs_category_name(r.category), "hasmoved");
    bs_buf_fini(&err);
    bs_test_rules_free(&f);
}
END_TEST

/* Without a dsn field the first enhanced code in the text counts: a
 * class digit 2, 4 or 5 before a dot, not after a digit or a dot. */
START_TEST(test_dsn_found_in_text)
{
    static const struct {
        const char *text;
        bool found; /* 5.7.9, which only rule "code" takes */
    } texts[] = {
        { "5.7.9", true },
        { "550 5.7.9 denied", true },
        { "host mx.a.example[192.0.2.1] said: 550 5.7.9 no", true },
        { "Sorry (#5.7.9)", true },
        { "3.1.1 and 4.x then 5.7.9", true }, /* not codes, then one */
        { "x 5.7.9", true },
        { "15.7.9 x", false },
        { "1.5.7.9 x", false },
        { ".5.7.9 x", false },
        { "x 5.7.", false },
        { "4.4.1 first, then 5.7.9", false }, /* the first code counts */
        { "", false },
        { ".", false },
        { "5.", false },
    };
    struct bs_classifier *c = bs_classifier_new();
    struct bs_buf err;
    bs_buf_init(&err);
    const char *rules = "rule code\n    category blocked\n"
                        "    dsn 5.7.9\n";
    ck_assert_int_eq(bs_classifier_load(c, "t.rules", rules, strlen(rules),
                                        &err), 0);
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        struct bs_classification r;
        bs_classify(c, 0, BS_SLICE_LIT(""),
                    bs_slice_make(texts[i].text, strlen(texts[i].text)), &r);
        ck_assert_msg((r.rule == 0) == texts[i].found, "'%s': rule %d",
                      texts[i].text, r.rule);
    }
    bs_buf_fini(&err);
    bs_classifier_free(c);
}
END_TEST

/* A pathological text against a backtracking rule: the budget stops it,
 * the failure is counted and classified without that rule. */
START_TEST(test_regex_budget)
{
    struct bs_test_rules f = bs_test_rules_load();
    struct bs_buf err;
    bs_buf_init(&err);
    ck_assert_int_eq(load_text(&f, "rule evil\n    category blocked\n"
                                   "    text ^(a|aa)+$\n", &err), 0);
    size_t n = 100000;
    char *t = malloc(n + 1);
    memset(t, 'a', n);
    t[4000] = 'b'; /* inside the matched prefix */
    struct bs_classification r;
    bs_classify(f.c, 0, BS_SLICE_LIT("5.0.0"), bs_slice_make(t, n), &r);
    ck_assert_msg(bs_classifier_budget_overflows(f.c) >= 1, "rule %s runs %llu", bs_classifier_rule_id(f.c, r.rule), (unsigned long long)bs_classifier_regex_runs(f.c));
    ck_assert_str_ne(bs_classifier_rule_id(f.c, r.rule), "evil");
    free(t);
    bs_buf_fini(&err);
    bs_test_rules_free(&f);
}
END_TEST

START_TEST(test_hint_placeholders)
{
    struct bs_test_rules f = bs_test_rules_load();
    struct bs_buf err, out;
    bs_buf_init(&err);
    bs_buf_init(&out);
    ck_assert_int_eq(load_text(&f, "rule local-spf\n"
        "    category authfailure\n"
        "    text SPF \\[(?<spf_domain>[^\\]]+)\\] with ip: "
        "\\[(?<ip>[^\\]]+)\\]|no ip here\n"
        "    hint Add {ip|the sending IP} to the SPF of {spf_domain}; "
        "sender {sender_domain}, to {provider}; {nothing}\n"
        "    hint.ja {sender_domain} の SPF に {ip|送信サーバ} を追加\n",
        &err), 0);
    struct bs_slice text = BS_SLICE_LIT("550-5.7.26 SPF [shop.example] with "
                                        "ip: [203.0.113.5] = did not pass");
    struct bs_classification r;
    bs_classify(f.c, 0, BS_SLICE_LIT(""), text, &r);
    ck_assert_str_eq(bs_classifier_rule_id(f.c, r.rule), "local-spf");
    struct bs_hint_fields fields = { "mail.shop.example", "gmail.com",
                                     "google" };
    bs_classifier_render_hint(f.c, r.rule, false, text, &fields, &out);
    ck_assert_str_eq(out.data, "Add 203.0.113.5 to the SPF of shop.example; "
                               "sender mail.shop.example, to google; "
                               "(not in the text)");
    bs_buf_reset(&out);
    bs_classifier_render_hint(f.c, r.rule, true, text, &fields, &out);
    ck_assert_str_eq(out.data, "mail.shop.example の SPF に 203.0.113.5 を"
                               "追加");
    /* The other branch matched: no ip group, so the fallback. */
    bs_buf_reset(&out);
    bs_classifier_render_hint(f.c, r.rule, false,
                              BS_SLICE_LIT("no ip here"), NULL, &out);
    ck_assert_str_eq(out.data, "Add the sending IP to the SPF of (not in "
                               "the text); sender the envelope sender's "
                               "domain, to the receiving provider; (not in "
                               "the text)");
    bs_buf_fini(&out);
    bs_buf_fini(&err);
    bs_test_rules_free(&f);
}
END_TEST

START_TEST(test_category_names)
{
    ck_assert_int_eq(bs_category_find(BS_SLICE_LIT("authfailure")),
                     BS_CAT_AUTHFAILURE);
    ck_assert_int_eq(bs_category_find(BS_SLICE_LIT("virusdetected")),
                     BS_CAT_VIRUSDETECTED);
    ck_assert_int_eq(bs_category_find(BS_SLICE_LIT("")), -1);
    ck_assert_str_eq(bs_category_name(BS_CAT_NONE), "");
    ck_assert_int_eq(BS_CAT_COUNT, 33);
}
END_TEST

static Suite *classify_suite(void)
{
    Suite *s = suite_create("classify");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_classify_real_texts, 0,
                        (int)(sizeof cases / sizeof *cases));
    tcase_add_test(tc, test_classify_severity);
    tcase_add_test(tc, test_rule_file_errors);
    tcase_add_test(tc, test_rule_nul_in_pattern);
    tcase_add_test(tc, test_rule_override_and_precedence);
    tcase_add_test(tc, test_dsn_found_in_text);
    tcase_add_test(tc, test_regex_budget);
    tcase_add_test(tc, test_hint_placeholders);
    tcase_add_test(tc, test_category_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(classify_suite());
}
