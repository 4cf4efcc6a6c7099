/*
 * check_report_dns.c - the "Authentication DNS checks" section of the
 * report (struct bs_report_dns, given by `report --dns`): absent without
 * it (each format byte for byte as before), printed as given in HTML,
 * Markdown, CSV and JSON, Japanese labels, and the escaping of what DNS
 * served (record texts and names are not trusted).
 */
#include "bouncestat.h"
#include "jsonr.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HAS(text, s) ck_assert_msg(strstr((text), (s)) != NULL, "no '%s'", (s))
#define HASNT(text, s) \
    ck_assert_msg(strstr((text), (s)) == NULL, "unwanted '%s'", (s))

static struct bs_engine *sample_engine(void)
{
    struct bs_engine *e = bs_test_engine_new(2026);
    size_t len;
    char *log = bs_test_read_file(BS_TEST_DATA "/sample/maillog", &len);
    ck_assert_ptr_nonnull(log);
    bs_engine_begin_input(e, "maillog", 1795780800);
    ck_assert_int_eq(bs_engine_feed(e, log, len), 0);
    ck_assert_int_eq(bs_engine_end_input(e), 0);
    bs_engine_finish(e);
    free(log);
    return e;
}

static char *report(struct bs_engine *e, enum bs_format f, enum bs_lang lang,
                    const struct bs_report_dns *dns)
{
    struct bs_report_options o;
    bs_report_options_default(&o);
    o.format = f;
    o.lang = lang;
    o.period = "2026-11";
    o.dns = dns;
    char *out, err[256];
    size_t len;
    ck_assert_int_eq(bs_engine_report(e, &o, &out, &len, err, sizeof err),
                     0);
    ck_assert_uint_eq(strlen(out), len);
    return out;
}

static const struct bs_report_dns_finding hostile_findings[] = {
    { BS_REPORT_DNS_INFO, "spf",
      "SPF record of a.test: \"v=spf1 x=<script>alert(1)</script>&amp "
      "| `x` *y* -all\"", "" },
    { BS_REPORT_DNS_FAIL, "dmarc", "no DMARC record for a.test",
      "publish a TXT record at _dmarc.a.test: \"v=DMARC1; p=none\"" },
    { BS_REPORT_DNS_ERROR, "ptr",
      "reverse DNS of 203.0.113.9 could not be checked: DNS error looking "
      "up PTR 9.113.0.203.in-addr.arpa: timeout", "" },
};
static const char *const hostile_ips[] = { "203.0.113.9", "2001:db8::<1>" };
static const struct bs_report_dns_domain hostile_domains[] = {
    { "a<b>&c.test", 1, hostile_ips, 2, hostile_findings, 3 },
    { "fine.test", 0, NULL, 0, hostile_findings + 2, 0 },
};
static const struct bs_report_dns hostile = {
    hostile_domains, 2, 3, 12, 1, 2,
};

/* Without --dns no format has a trace of the section. */
START_TEST(test_absent_without_dns)
{
    static const enum bs_format formats[] = {
        BS_FORMAT_HTML, BS_FORMAT_MD, BS_FORMAT_CSV, BS_FORMAT_JSON,
    };
    struct bs_engine *e = sample_engine();
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
        char *t = report(e, formats[i], BS_LANG_EN, NULL);
        HASNT(t, "Authentication DNS checks");
        HASNT(t, "id=\"dns\"");
        HASNT(t, "\"dns\":");
        HASNT(t, "\ndns");
        HASNT(t, "lv-");
        free(t);
    }
    bs_engine_free(e);
}
END_TEST

START_TEST(test_html)
{
    struct bs_engine *e = sample_engine();
    char *h = report(e, BS_FORMAT_HTML, BS_LANG_EN, &hostile);
    HASNT(h, "<script");
    HASNT(h, "<b>");
    HASNT(h, "<1>");
    HAS(h, "<section id=\"dns\" class=\"dns\"><h2>Authentication DNS "
           "checks</h2>");
    HAS(h, "<h3>a&lt;b&gt;&amp;c.test: <span class=\"lv lv-fail\">problems "
           "found</span></h3>");
    HAS(h, "<h3>fine.test: <span class=\"lv lv-ok\">no problem found"
           "</span></h3>");
    HAS(h, "Sending IPs: 203.0.113.9, 2001:db8::&lt;1&gt;</p>");
    HAS(h, "x=&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp | `x` *y* "
           "-all&quot;");
    HAS(h, "<tr><td class=\"k lv lv-fail\">fail</td><td class=\"k\">dmarc"
           "</td><td>no DMARC record for a.test</td><td>publish a TXT "
           "record at _dmarc.a.test: &quot;v=DMARC1; p=none&quot;</td></tr>");
    HAS(h, "DNS queries: 12, failed: 1, not sent (--max-queries): 2<br>");
    HAS(h, "not checked (past --top): 3</p>");
    HAS(h, "Some DNS lookups failed");
    HAS(h, ".lv-fail,.lv-error{color:#D55E00}");
    /* after the authentication failures, before the comparison */
    const char *auth = strstr(h, "<section id=\"auth\">");
    const char *dns = strstr(h, "<section id=\"dns\"");
    const char *cmp = strstr(h, "<section id=\"compare\">");
    ck_assert(auth && dns && cmp && auth < dns && dns < cmp);
    free(h);
    bs_engine_free(e);
}
END_TEST

START_TEST(test_markdown)
{
    struct bs_engine *e = sample_engine();
    char *md = report(e, BS_FORMAT_MD, BS_LANG_EN, &hostile);
    HASNT(md, "<script");
    HAS(md, "\n## Authentication DNS checks\n\n");
    HAS(md, "\n### a&lt;b&gt;&amp;c.test: problems found\n\nSending IPs: "
            "203.0.113.9, 2001:db8::&lt;1&gt;\n\n| Result | Check | Finding "
            "| What to fix |\n| --- | --- | --- | --- |\n| info | spf |");
    HAS(md, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp \\| \\`x\\` "
            "\\*y\\* -all\"");
    HAS(md, "| fail | dmarc | no DMARC record for a.test | publish a TXT "
            "record at \\_dmarc.a.test: \"v=DMARC1; p=none\" |\n");
    HAS(md, "\n### fine.test: no problem found\n");
    HAS(md, "- DNS queries: 12, failed: 1, not sent (--max-queries): 2\n");
    HAS(md, "- **Some DNS lookups failed");
    free(md);
    bs_engine_free(e);
}
END_TEST

START_TEST(test_japanese)
{
    struct bs_engine *e = sample_engine();
    char *h = report(e, BS_FORMAT_HTML, BS_LANG_JA, &hostile);
    HAS(h, "<h2>認証設定の DNS 検査</h2>");
    HAS(h, "問題あり</span></h3>");
    HAS(h, "<td class=\"k lv lv-error\">エラー</td>");
    char *md = report(e, BS_FORMAT_MD, BS_LANG_JA, &hostile);
    HAS(md, "\n## 認証設定の DNS 検査\n");
    HAS(md, "| 失敗 | dmarc | no DMARC record for a.test |");
    free(md);
    free(h);
    bs_engine_free(e);
}
END_TEST

START_TEST(test_csv_and_json)
{
    struct bs_engine *e = sample_engine();
    char *c = report(e, BS_FORMAT_CSV, BS_LANG_JA, &hostile);
    HAS(c, "\n\ntable,sender_domain,level,check,finding,fix\n"
           "dns,a<b>&c.test,info,spf,\"SPF record of a.test: \"\"v=spf1 ");
    HAS(c, "\ndns,a<b>&c.test,error,ptr,reverse DNS of 203.0.113.9 ");
    HAS(c, "\n\ntable,queries,failed,limited,not_checked\n"
           "dns_queries,12,1,2,3\n");
    char *j = report(e, BS_FORMAT_JSON, BS_LANG_EN, &hostile);
    size_t off;
    char msg[96];
    ck_assert_msg(bs_json_check(j, strlen(j), &off, msg, sizeof msg) == 0,
                  "%s at %zu", msg, off);
    HAS(j, ",\"dns\":{\"queries\":12,\"failed\":1,\"limited\":2,"
           "\"not_checked\":3,\"domains\":[{\"sender_domain\":\"a<b>&c.test\","
           "\"verdict\":\"problems\",\"ips\":[\"203.0.113.9\","
           "\"2001:db8::<1>\"],\"findings\":[{\"level\":\"info\","
           "\"check\":\"spf\",\"text\":\"SPF record of a.test: \\\"v=spf1 ");
    HAS(j, "{\"sender_domain\":\"fine.test\",\"verdict\":\"ok\",\"ips\":[],"
           "\"findings\":[]}]},\"compare\":null");
    free(j);
    free(c);
    bs_engine_free(e);
}
END_TEST

/* No sender domain to check: the section says so. */
START_TEST(test_no_domains)
{
    static const struct bs_report_dns none = { NULL, 0, 0, 0, 0, 0 };
    struct bs_engine *e = sample_engine();
    char *h = report(e, BS_FORMAT_HTML, BS_LANG_EN, &none);
    HAS(h, "<p>No sender domain with authentication failures to check.</p>");
    HAS(h, "DNS queries: 0, failed: 0</p>");
    HASNT(h, "Some DNS lookups failed");
    char *md = report(e, BS_FORMAT_MD, BS_LANG_EN, &none);
    HAS(md, "No sender domain with authentication failures to check.\n");
    free(md);
    free(h);
    bs_engine_free(e);
}
END_TEST

static Suite *report_dns_suite(void)
{
    Suite *s = suite_create("report_dns");
    TCase *tc = tcase_create("report_dns");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_absent_without_dns);
    tcase_add_test(tc, test_html);
    tcase_add_test(tc, test_markdown);
    tcase_add_test(tc, test_japanese);
    tcase_add_test(tc, test_csv_and_json);
    tcase_add_test(tc, test_no_domains);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(report_dns_suite());
}
