/*
 * check_dmarc.c - DMARC records (engine/dmarc.c) and forward-confirmed
 * reverse DNS (engine/fcrdns.c): parsing, the organisational domain
 * fallback, missing, invalid and duplicate records, PTR checks.
 */
#include "common.h"
#include "dmarc.h"
#include "dns_zone.h"
#include "fcrdns.h"
#include "support.h"

#include <string.h>

START_TEST(test_dmarc_parse)
{
    struct bs_dmarc_record r;
    char err[200];
    ck_assert_int_eq(bs_dmarc_parse("v=DMARC1; p=reject; sp=quarantine; "
                                    "adkim=s; aspf=r; pct=50; "
                                    "rua=mailto:d@example.com; fo=1",
                                    &r, err, sizeof err), 0);
    ck_assert_str_eq(r.policy, "reject");
    ck_assert_str_eq(r.sub_policy, "quarantine");
    ck_assert_int_eq(r.adkim, 's');
    ck_assert_int_eq(r.aspf, 'r');
    ck_assert_int_eq(r.pct, 50);
    ck_assert_str_eq(r.rua, "mailto:d@example.com");
    ck_assert_int_eq(bs_dmarc_parse("v=DMARC1;p=None", &r, err, sizeof err),
                     0);
    ck_assert_str_eq(r.policy, "none");
    ck_assert_int_eq(r.adkim, 'r');
    ck_assert_int_eq(r.pct, 100);
    /* no p=, but a valid rua: p=none (RFC 7489 6.6.3) */
    ck_assert_int_eq(bs_dmarc_parse("v=DMARC1; rua=mailto:a@b.test", &r, err,
                                    sizeof err), 0);
    ck_assert_str_eq(r.policy, "none");

    static const struct { const char *text, *err; } bad[] = {
        { "v=DMARC1", "the record has no p= (policy) tag" },
        { "p=reject; v=DMARC1", "the record does not start with v=DMARC1" },
        { "v=DMARC1; p=block", "p=block is not none, quarantine or reject" },
        { "v=DMARC1; p=none; adkim=x", "adkim=x is not r or s" },
        { "v=DMARC1; p=none; pct=150", "pct=150 is not 0 to 100" },
        { "v=DMARC1; p=none; junk", "'junk' is not tag=value" },
        { "", "the record does not start with v=DMARC1" },
    };
    for (size_t i = 0; i < BS_ARRAY_LEN(bad); i++) {
        ck_assert_int_eq(bs_dmarc_parse(bad[i].text, &r, err, sizeof err),
                         -1);
        ck_assert_str_eq(err, bad[i].err);
    }
}
END_TEST

START_TEST(test_dmarc_org_domain)
{
    static const struct { const char *in, *out; } c[] = {
        { "example.com", "example.com" },
        { "mail.news.Example.com", "example.com" },
        { "example.co.jp", "example.co.jp" },
        { "shop.example.co.jp", "example.co.jp" },
        { "a.b.example.com.au", "example.com.au" },
        { "example.jp", "example.jp" },
        { "x.example.jp", "example.jp" },
        { "co.jp", "co.jp" },
        { "localhost", "localhost" },
    };
    char out[256];
    for (size_t i = 0; i < BS_ARRAY_LEN(c); i++) {
        bs_dmarc_org_domain(c[i].in, out, sizeof out);
        ck_assert_str_eq(out, c[i].out);
    }
}
END_TEST

START_TEST(test_dmarc_check)
{
    static const char zone[] =
        "_dmarc.reject.test TXT v=DMARC1; p=reject; "
        "rua=mailto:dmarc@reject.test\n"
        "_dmarc.org.test TXT v=DMARC1; p=quarantine\n"
        "_dmarc.two.test TXT v=DMARC1; p=none\n"
        "_dmarc.two.test TXT v=DMARC1; p=reject\n"
        "_dmarc.bad.test TXT v=DMARC1; p=maybe\n"
        "_dmarc.other.test TXT some-verification=1\n"
        "_dmarc.slow.test TIMEOUT\n";
    struct bs_test_zone *z = bs_test_zone_new(zone);
    struct bs_dmarc_verdict v;
    bs_dmarc_check("reject.test", bs_test_zone_lookup, z, &v);
    ck_assert_int_eq(v.status, BS_DMARC_FOUND);
    ck_assert_str_eq(v.rec.policy, "reject");
    ck_assert_str_eq(v.rec.rua, "mailto:dmarc@reject.test");
    ck_assert(!v.inherited);
    ck_assert_str_eq(v.name, "_dmarc.reject.test");

    bs_dmarc_check("news.org.test", bs_test_zone_lookup, z, &v);
    ck_assert_int_eq(v.status, BS_DMARC_FOUND);
    ck_assert(v.inherited);
    ck_assert_str_eq(v.name, "_dmarc.org.test");
    ck_assert_str_eq(v.rec.policy, "quarantine");

    bs_dmarc_check("two.test", bs_test_zone_lookup, z, &v);
    ck_assert_int_eq(v.status, BS_DMARC_MISSING);
    bs_dmarc_check("other.test", bs_test_zone_lookup, z, &v);
    ck_assert_int_eq(v.status, BS_DMARC_MISSING);
    bs_dmarc_check("sub.nowhere.test", bs_test_zone_lookup, z, &v);
    ck_assert_int_eq(v.status, BS_DMARC_MISSING);
    ck_assert_str_eq(v.problem, "no DMARC record at _dmarc.sub.nowhere.test "
                                "or _dmarc.nowhere.test");
    bs_dmarc_check("bad.test", bs_test_zone_lookup, z, &v);
    ck_assert_int_eq(v.status, BS_DMARC_INVALID);
    ck_assert_str_eq(v.problem, "p=maybe is not none, quarantine or reject");
    bs_dmarc_check("slow.test", bs_test_zone_lookup, z, &v);
    ck_assert_int_eq(v.status, BS_DMARC_TEMPERROR);
    ck_assert(!v.pending);

    bs_test_zone_set_lazy(z, true);
    bs_dmarc_check("x.org.test", bs_test_zone_lookup, z, &v);
    ck_assert(v.pending);
    bs_dmarc_check("x.org.test", bs_test_zone_lookup, z, &v);
    ck_assert(!v.pending); /* _dmarc.org.test was asked before */
    ck_assert_str_eq(v.rec.policy, "quarantine");
    bs_test_zone_free(z);
}
END_TEST

START_TEST(test_fcrdns)
{
    static const char zone[] =
        "5.113.0.203.in-addr.arpa PTR mail.good.test\n"
        "mail.good.test A 203.0.113.5\n"
        "6.113.0.203.in-addr.arpa PTR host6.isp.test\n"
        "host6.isp.test A 198.51.100.66\n"
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
        ".ip6.arpa PTR v6.good.test\n"
        "v6.good.test AAAA 2001:db8::1\n"
        "8.113.0.203.in-addr.arpa TIMEOUT\n";
    struct bs_test_zone *z = bs_test_zone_new(zone);
    struct bs_fcrdns_verdict v;
    struct bs_ip ip;
    bs_ip_parse("203.0.113.5", &ip);
    bs_fcrdns_check(&ip, bs_test_zone_lookup, z, &v);
    ck_assert_int_eq(v.status, BS_FCRDNS_PASS);
    ck_assert_str_eq(v.name, "mail.good.test");
    bs_ip_parse("203.0.113.6", &ip);
    bs_fcrdns_check(&ip, bs_test_zone_lookup, z, &v);
    ck_assert_int_eq(v.status, BS_FCRDNS_MISMATCH);
    ck_assert_str_eq(v.problem, "the PTR name of 203.0.113.6 "
                                "(host6.isp.test) does not resolve back to "
                                "203.0.113.6");
    bs_ip_parse("203.0.113.7", &ip);
    bs_fcrdns_check(&ip, bs_test_zone_lookup, z, &v);
    ck_assert_int_eq(v.status, BS_FCRDNS_NO_PTR);
    bs_ip_parse("203.0.113.8", &ip);
    bs_fcrdns_check(&ip, bs_test_zone_lookup, z, &v);
    ck_assert_int_eq(v.status, BS_FCRDNS_TEMPERROR);
    bs_ip_parse("2001:db8::1", &ip);
    bs_fcrdns_check(&ip, bs_test_zone_lookup, z, &v);
    ck_assert_int_eq(v.status, BS_FCRDNS_PASS);
    bs_test_zone_free(z);
}
END_TEST

static Suite *dmarc_suite(void)
{
    Suite *s = suite_create("dmarc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_dmarc_parse);
    tcase_add_test(tc, test_dmarc_org_domain);
    tcase_add_test(tc, test_dmarc_check);
    tcase_add_test(tc, test_fcrdns);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(dmarc_suite());
}
