/*
 * check_spf.c - the SPF evaluator (engine/spf.c) against cases ported
 * from the openspf.org RFC 7208 test suite (rfc7208-tests.yml, release
 * 2014.04, as kept in pyspf's test/ folder), plus our own cases for what
 * the diagnosis relies on (lookup counts, loops, problems in words, the
 * pending/replay protocol).
 *
 * Ported sections and cases (name in the suite: kept as the case name):
 *   Initial processing: toolonglabel, longlabel, emptylabel, nolocalpart,
 *     control-char-policy, two-spaces
 *   Record lookup: txtonly, txttimeout, alltimeout
 *   Selecting records: nospace1, empty, nospace2, multitxt2, nospf,
 *     case-insensitive
 *   Record evaluation: detect-errors-anywhere, modifier-charset-good,
 *     modifier-charset-bad1/2, redirect-after-mechanisms1/2,
 *     default-result, redirect-is-modifier, invalid-domain,
 *     invalid-domain-empty-label, invalid-domain-long
 *   ALL mechanism syntax: all-dot, all-arg, all-cidr, all-neutral,
 *     all-double
 *   PTR mechanism syntax: ptr-cidr, ptr-match-target, ptr-match-implicit,
 *     ptr-nomatch-invalid, ptr-match-ip6, ptr-empty-domain,
 *     ptr-case-change
 *   A mechanism syntax: all 27 cases except a-null (a NUL inside a TXT
 *     string cannot reach us as a C string)
 *   Include: all 9 cases
 *   MX mechanism syntax: all cases except mx-null (same reason) and
 *     mx-empty (empty MAIL FROM: HELO identity, not checked here)
 *   EXISTS: all 7 cases
 *   IP4 and IP6 mechanism syntax: all cases
 *   Semantics of exp and other modifiers: redirect-none,
 *     redirect-cancels-exp, redirect-syntax-error, include-ignores-exp,
 *     invalid-modifier, empty-modifier-name, exp-empty-domain,
 *     exp-syntax-error, exp-twice, redirect-empty-domain, redirect-twice,
 *     unknown-modifier-syntax, default-modifier-obsolete(2), exp-void,
 *     redirect-implicit (results only: exp= is not fetched)
 *   Macro expansion rules: trailing-dot-domain, exp-only-macro-char,
 *     invalid-macro-char, invalid-embedded-macro-char,
 *     invalid-trailing-macro-char, macro-mania-in-domain, undef-macro,
 *     hello-macro, invalid-hello-macro, hello-domain-literal,
 *     require-valid-helo, macro-reverse-split-on-dash,
 *     macro-multiple-delimiters, p-macro-multiple (%{p} is "unknown":
 *     softfail, one of the two results the suite allows)
 *   Processing limits: all 10 cases
 */
#include "common.h"
#include "dns_zone.h"
#include "spf.h"
#include "support.h"

#include <stdio.h>
#include <string.h>

/* Result sets: a bit per enum bs_spf_result. */
#define R(x) (1u << BS_SPF_##x)

struct bs_spf_case {
    const char *name;
    const char *mailfrom;
    const char *host;
    const char *helo;
    unsigned want;
};

static void bs_run_cases(const char *zone, const struct bs_spf_case *cases,
                         size_t n)
{
    struct bs_test_zone *z = bs_test_zone_new(zone);
    for (size_t i = 0; i < n; i++) {
        const struct bs_spf_case *c = &cases[i];
        struct bs_spf_query q = { 0 };
        const char *at = strrchr(c->mailfrom, '@');
        q.domain = at ? at + 1 : c->helo;
        q.sender = c->mailfrom;
        q.helo = c->helo;
        ck_assert_msg(bs_ip_parse(c->host, &q.ip) == 0, "%s", c->name);
        q.lookup = bs_test_zone_lookup;
        q.ctx = z;
        struct bs_spf_verdict v;
        bs_spf_check(&q, &v);
        ck_assert_msg(!v.pending, "%s: pending", c->name);
        ck_assert_msg((c->want >> v.result) & 1, "%s: got %s (%s)", c->name,
                      bs_spf_result_name(v.result), v.problem);
    }
    bs_test_zone_free(z);
}

#define RUN(zone, cases) bs_run_cases(zone, cases, BS_ARRAY_LEN(cases))

START_TEST(test_rfc7208_initial)
{
    static const char zone[] =
        "example.com TIMEOUT\n"
        "example.net TXT v=spf1 -all exp=exp.example.net\n"
        "a.example.net TXT v=spf1 -all exp=exp.example.net\n"
        "exp.example.net TXT %{l}\n"
        "a12345678901234567890123456789012345678901234567890123456789012"
        ".example.com TXT v=spf1 -all\n"
        "ctrl.example.com TXT v=spf1 a:ctrl.example.com\rptr -all\n"
        "ctrl.example.com A 192.0.2.3\n"
        "fine.example.com TXT v=spf1 a  -all\n";
    static const struct bs_spf_case cases[] = {
        { "toolonglabel", "lyme.eater@A12345678901234567890123456789012345"
          "6789012345678901234567890123.example.com", "1.2.3.5",
          "mail.example.net", R(NONE) },
        { "longlabel", "lyme.eater@A1234567890123456789012345678901234567"
          "8901234567890123456789012.example.com", "1.2.3.5",
          "mail.example.net", R(FAIL) },
        { "emptylabel", "lyme.eater@A...example.com", "1.2.3.5",
          "mail.example.net", R(NONE) },
        { "nolocalpart", "@example.net", "1.2.3.4", "mail.example.net",
          R(FAIL) },
        { "control-char-policy", "foobar@ctrl.example.com", "192.0.2.3",
          "hosed", R(PERMERROR) },
        { "two-spaces", "actually@fine.example.com", "1.2.3.4", "hosed",
          R(FAIL) },
    };
    RUN(zone, cases);
}
END_TEST

START_TEST(test_rfc7208_lookup_and_select)
{
    static const char zone[] =
        "txtonly.example.net TXT v=spf1 -all\n"
        "txttimeout.example.net TIMEOUT\n"
        "alltimeout.example.net TIMEOUT\n"
        "example3.com TXT v=spf10\n"
        "example3.com TXT v=spf1 mx\n"
        "example3.com MX mail.example1.com\n"
        "example1.com TXT v=spf1\n"
        "example2.com TXT v=spf1mx\n"
        "mail.example1.com A 1.2.3.4\n"
        "example6.com TXT v=spf1 -all\n"
        "example6.com TXT V=sPf1 +all\n"
        "example9.com TXT v=SpF1 ~all\n";
    static const struct bs_spf_case cases[] = {
        { "txtonly", "foo@txtonly.example.net", "1.2.3.4",
          "mail.example.net", R(FAIL) },
        { "txttimeout", "foo@txttimeout.example.net", "1.2.3.4",
          "mail.example.net", R(TEMPERROR) },
        { "alltimeout", "foo@alltimeout.example.net", "1.2.3.4",
          "mail.example.net", R(TEMPERROR) },
        { "nospace1", "foo@example2.com", "1.2.3.4", "mail.example1.com",
          R(NONE) },
        { "empty", "foo@example1.com", "1.2.3.4", "mail1.example1.com",
          R(NEUTRAL) },
        { "nospace2", "foo@example3.com", "1.2.3.4", "mail.example1.com",
          R(PASS) },
        { "multitxt2", "foo@example6.com", "1.2.3.4", "mail.example1.com",
          R(PERMERROR) },
        { "nospf", "foo@mail.example1.com", "1.2.3.4", "mail.example1.com",
          R(NONE) },
        { "case-insensitive", "foo@example9.com", "1.2.3.4",
          "mail.example1.com", R(SOFTFAIL) },
    };
    RUN(zone, cases);
}
END_TEST

START_TEST(test_rfc7208_record_evaluation)
{
    static const char zone[] =
        "mail.example.com A 1.2.3.4\n"
        "t1.example.com TXT v=spf1 ip4:1.2.3.4 -all moo\n"
        "t2.example.com TXT v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 "
        "-all\n"
        "t3.example.com TXT v=spf1 moo.cow/far_out=man:dog/cat ip4:1.2.3.4 "
        "-all\n"
        "t4.example.com TXT v=spf1 moo.cow:far_out=man:dog/cat ip4:1.2.3.4 "
        "-all\n"
        "t5.example.com TXT v=spf1 redirect=t5.example.com ~all\n"
        "t6.example.com TXT v=spf1 ip4:1.2.3.4 redirect=t2.example.com\n"
        "t7.example.com TXT v=spf1 ip4:1.2.3.4\n"
        "t8.example.com TXT v=spf1 ip4:1.2.3.4 redirect:t2.example.com\n"
        "t9.example.com TXT v=spf1 a:foo-bar -all\n"
        "t10.example.com TXT v=spf1 a:mail.example...com -all\n"
        "t11.example.com TXT v=spf1 a:a1234567890123456789012345678901234567"
        "89012345678901234567890123.example.com -all\n";
    static const struct bs_spf_case cases[] = {
        { "detect-errors-anywhere", "foo@t1.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "modifier-charset-good", "foo@t2.example.com", "1.2.3.4",
          "mail.example.com", R(PASS) },
        { "modifier-charset-bad1", "foo@t3.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "modifier-charset-bad2", "foo@t4.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "redirect-after-mechanisms1", "foo@t5.example.com", "1.2.3.4",
          "mail.example.com", R(SOFTFAIL) },
        { "redirect-after-mechanisms2", "foo@t6.example.com", "1.2.3.5",
          "mail.example.com", R(FAIL) },
        { "default-result", "foo@t7.example.com", "1.2.3.5",
          "mail.example.com", R(NEUTRAL) },
        { "redirect-is-modifier", "foo@t8.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "invalid-domain", "foo@t9.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "invalid-domain-empty-label", "foo@t10.example.com", "1.2.3.4",
          "mail.example.com", R(FAIL) | R(PERMERROR) },
        { "invalid-domain-long", "foo@t11.example.com", "1.2.3.4",
          "mail.example.com", R(FAIL) | R(PERMERROR) },
    };
    RUN(zone, cases);
}
END_TEST

START_TEST(test_rfc7208_all_and_ptr)
{
    static const char zone[] =
        "mail.example.com A 1.2.3.4\n"
        "mail.example.com AAAA 2001:db8::1\n"
        "a1.example.com TXT v=spf1 -all.\n"
        "a2.example.com TXT v=spf1 -all:foobar\n"
        "a3.example.com TXT v=spf1 -all/8\n"
        "a4.example.com TXT v=spf1 ?all\n"
        "a5.example.com TXT v=spf1 all -all\n"
        "p1.example.com TXT v=spf1 ptr/0 -all\n"
        "p2.example.com TXT v=spf1 ptr:example.com -all\n"
        "4.3.2.1.in-addr.arpa PTR e3.example.com\n"
        "4.3.2.1.in-addr.arpa PTR e4.example.com\n"
        "4.3.2.1.in-addr.arpa PTR mail.example.com\n"
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.E.B.A.B.E.F.A.C"
        ".ip6.arpa PTR e3.example.com\n"
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.D.0.1.0.0.2"
        ".ip6.arpa PTR mail.Example.com\n"
        "e3.example.com TXT v=spf1 ptr -all\n"
        "e3.example.com A 1.2.3.4\n"
        "e3.example.com AAAA CAFE:BABE::1\n"
        "e4.example.com TXT v=spf1 ptr -all\n"
        "p5.example.com TXT v=spf1 ptr:\n"
        "p6.example.com TXT v=spf1 ptr:example.Com -all\n";
    static const struct bs_spf_case cases[] = {
        { "all-dot", "foo@a1.example.com", "1.2.3.4", "mail.example.com",
          R(PERMERROR) },
        { "all-arg", "foo@a2.example.com", "1.2.3.4", "mail.example.com",
          R(PERMERROR) },
        { "all-cidr", "foo@a3.example.com", "1.2.3.4", "mail.example.com",
          R(PERMERROR) },
        { "all-neutral", "foo@a4.example.com", "1.2.3.4",
          "mail.example.com", R(NEUTRAL) },
        { "all-double", "foo@a5.example.com", "1.2.3.4",
          "mail.example.com", R(PASS) },
        { "ptr-cidr", "foo@p1.example.com", "1.2.3.4", "mail.example.com",
          R(PERMERROR) },
        { "ptr-match-target", "foo@p2.example.com", "1.2.3.4",
          "mail.example.com", R(PASS) },
        { "ptr-match-implicit", "foo@e3.example.com", "1.2.3.4",
          "mail.example.com", R(PASS) },
        { "ptr-nomatch-invalid", "foo@e4.example.com", "1.2.3.4",
          "mail.example.com", R(FAIL) },
        { "ptr-match-ip6", "foo@e3.example.com", "CAFE:BABE::1",
          "mail.example.com", R(PASS) },
        { "ptr-empty-domain", "foo@p5.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "ptr-case-change", "bar@p6.example.com", "2001:db8::1",
          "mail.example.com", R(PASS) },
    };
    RUN(zone, cases);
}
END_TEST

START_TEST(test_rfc7208_a_mechanism)
{
    static const char zone[] =
        "mail.example.com A 1.2.3.4\n"
        "e1.example.com TXT v=spf1 a/0 -all\n"
        "e2.example.com A 1.1.1.1\n"
        "e2.example.com AAAA 1234::2\n"
        "e2.example.com TXT v=spf1 a/0 -all\n"
        "e2a.example.com AAAA 1234::1\n"
        "e2a.example.com TXT v=spf1 a//0 -all\n"
        "e2b.example.com A 1.1.1.1\n"
        "e2b.example.com TXT v=spf1 a//0 -all\n"
        "ipv6.example.com AAAA 1234::1\n"
        "ipv6.example.com A 1.1.1.1\n"
        "ipv6.example.com TXT v=spf1 a -all\n"
        "e4.example.com TXT v=spf1 a:111.222.33.44\n"
        "e5.example.com TXT v=spf1 a:abc.123\n"
        "e5a.example.com TXT v=spf1 a:museum\n"
        "e5b.example.com TXT v=spf1 a:museum.\n"
        "e6.example.com TXT v=spf1 a//33 -all\n"
        "e6a.example.com TXT v=spf1 a/33 -all\n"
        "e7.example.com TXT v=spf1 a//129 -all\n"
        "e8.example.com A 1.2.3.5\n"
        "e8.example.com AAAA 2001:db8:1234::dead:beef\n"
        "e8.example.com TXT v=spf1 a/24//64 -all\n"
        "e8e.example.com A 1.2.3.5\n"
        "e8e.example.com AAAA 2001:db8:1234::dead:beef\n"
        "e8e.example.com TXT v=spf1 a/24/64 -all\n"
        "e8a.example.com A 1.2.3.5\n"
        "e8a.example.com AAAA 2001:db8:1234::dead:beef\n"
        "e8a.example.com TXT v=spf1 a/24 -all\n"
        "e8b.example.com A 1.2.3.5\n"
        "e8b.example.com AAAA 2001:db8:1234::dead:beef\n"
        "e8b.example.com TXT v=spf1 a//64 -all\n"
        "e9.example.com TXT v=spf1 a:example.com:8080\n"
        "e10.example.com TXT v=spf1 a:foo.example.com/24\n"
        "foo.example.com A 1.1.1.1\n"
        "foo.example.com A 1.2.3.5\n"
        "e11.example.com TXT v=spf1 a:foo:bar/baz.example.com\n"
        "foo:bar/baz.example.com A 1.2.3.4\n"
        "e12.example.com TXT v=spf1 a:example.-com\n"
        "e13.example.com TXT v=spf1 a:\n"
        "e14.example.com TXT v=spf1 a:foo.example.xn--zckzah -all\n"
        "foo.example.xn--zckzah A 1.2.3.4\n";
    static const struct bs_spf_case cases[] = {
        { "a-cidr6", "foo@e6.example.com", "1.2.3.4", "h.example.com",
          R(FAIL) },
        { "a-bad-cidr4", "foo@e6a.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "a-bad-cidr6", "foo@e7.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "a-dual-cidr-ip4-match", "foo@e8.example.com", "1.2.3.4",
          "h.example.com", R(PASS) },
        { "a-dual-cidr-ip4-err", "foo@e8e.example.com", "1.2.3.4",
          "h.example.com", R(PERMERROR) },
        { "a-dual-cidr-ip6-match", "foo@e8.example.com",
          "2001:db8:1234::cafe:babe", "h.example.com", R(PASS) },
        { "a-dual-cidr-ip4-default", "foo@e8b.example.com", "1.2.3.4",
          "h.example.com", R(FAIL) },
        { "a-dual-cidr-ip6-default", "foo@e8a.example.com",
          "2001:db8:1234::cafe:babe", "h.example.com", R(FAIL) },
        { "a-multi-ip1", "foo@e10.example.com", "1.2.3.4", "h.example.com",
          R(PASS) },
        { "a-bad-domain", "foo@e9.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "a-nxdomain", "foo@e1.example.com", "1.2.3.4", "h.example.com",
          R(FAIL) },
        { "a-cidr4-0", "foo@e2.example.com", "1.2.3.4", "h.example.com",
          R(PASS) },
        { "a-cidr4-0-ip6", "foo@e2.example.com", "1234::1",
          "h.example.com", R(FAIL) },
        { "a-cidr6-0-ip4", "foo@e2a.example.com", "1.2.3.4",
          "h.example.com", R(FAIL) },
        { "a-cidr6-0-ip4mapped", "foo@e2a.example.com", "::FFFF:1.2.3.4",
          "h.example.com", R(FAIL) },
        { "a-cidr6-0-ip6", "foo@e2a.example.com", "1234::1",
          "h.example.com", R(PASS) },
        { "a-ip6-dualstack", "foo@ipv6.example.com", "1234::1",
          "h.example.com", R(PASS) },
        { "a-cidr6-0-nxdomain", "foo@e2b.example.com", "1234::1",
          "h.example.com", R(FAIL) },
        { "a-numeric", "foo@e4.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "a-numeric-toplabel", "foo@e5.example.com", "1.2.3.4",
          "h.example.com", R(PERMERROR) },
        { "a-dash-in-toplabel", "foo@e14.example.com", "1.2.3.4",
          "h.example.com", R(PASS) },
        { "a-bad-toplabel", "foo@e12.example.com", "1.2.3.4",
          "h.example.com", R(PERMERROR) },
        { "a-only-toplabel", "foo@e5a.example.com", "1.2.3.4",
          "h.example.com", R(PERMERROR) },
        { "a-only-toplabel-trailing-dot", "foo@e5b.example.com", "1.2.3.4",
          "h.example.com", R(PERMERROR) },
        { "a-colon-domain", "foo@e11.example.com", "1.2.3.4",
          "h.example.com", R(PASS) },
        { "a-colon-domain-ip4mapped", "foo@e11.example.com",
          "::FFFF:1.2.3.4", "h.example.com", R(PASS) },
        { "a-empty-domain", "foo@e13.example.com", "1.2.3.4",
          "h.example.com", R(PERMERROR) },
    };
    RUN(zone, cases);
}
END_TEST

START_TEST(test_rfc7208_include)
{
    static const char zone[] =
        "mail.example.com A 1.2.3.4\n"
        "ip5.example.com TXT v=spf1 ip4:1.2.3.5 -all\n"
        "ip6.example.com TXT v=spf1 ip4:1.2.3.6 ~all\n"
        "ip7.example.com TXT v=spf1 ip4:1.2.3.7 ?all\n"
        "ip8.example.com TIMEOUT\n"
        "erehwon.example.com TXT v=spfl am not an SPF record\n"
        "e1.example.com TXT v=spf1 include:ip5.example.com ~all\n"
        "e2.example.com TXT v=spf1 include:ip6.example.com all\n"
        "e3.example.com TXT v=spf1 include:ip7.example.com -all\n"
        "e4.example.com TXT v=spf1 include:ip8.example.com -all\n"
        "e5.example.com TXT v=spf1 include:e6.example.com -all\n"
        "e6.example.com TXT v=spf1 include +all\n"
        "e7.example.com TXT v=spf1 include:erehwon.example.com -all\n"
        "e8.example.com TXT v=spf1 include: -all\n"
        "e9.example.com TXT v=spf1 include:ip5.example.com/24 -all\n";
    static const struct bs_spf_case cases[] = {
        { "include-fail", "foo@e1.example.com", "1.2.3.4",
          "mail.example.com", R(SOFTFAIL) },
        { "include-softfail", "foo@e2.example.com", "1.2.3.4",
          "mail.example.com", R(PASS) },
        { "include-neutral", "foo@e3.example.com", "1.2.3.4",
          "mail.example.com", R(FAIL) },
        { "include-temperror", "foo@e4.example.com", "1.2.3.4",
          "mail.example.com", R(TEMPERROR) },
        { "include-permerror", "foo@e5.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "include-syntax-error", "foo@e6.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "include-cidr", "foo@e9.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "include-none", "foo@e7.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "include-empty-domain", "foo@e8.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
    };
    RUN(zone, cases);
}
END_TEST

START_TEST(test_rfc7208_mx_and_exists)
{
    static const char zone[] =
        "mail.example.com A 1.2.3.4\n"
        "mail.example.com MX \n"
        "mail.example.com TXT v=spf1 mx\n"
        "e1.example.com TXT v=spf1 mx/0 -all\n"
        "e1.example.com MX e1.example.com\n"
        "e2.example.com A 1.1.1.1\n"
        "e2.example.com AAAA 1234::2\n"
        "e2.example.com MX e2.example.com\n"
        "e2.example.com TXT v=spf1 mx/0 -all\n"
        "e2a.example.com AAAA 1234::1\n"
        "e2a.example.com MX e2a.example.com\n"
        "e2a.example.com TXT v=spf1 mx//0 -all\n"
        "e2b.example.com A 1.1.1.1\n"
        "e2b.example.com MX e2b.example.com\n"
        "e2b.example.com TXT v=spf1 mx//0 -all\n"
        "e4.example.com TXT v=spf1 mx\n"
        "e4.example.com A 1.2.3.4\n"
        "e5.example.com TXT v=spf1 mx:abc.123\n"
        "e6.example.com TXT v=spf1 mx//33 -all\n"
        "e6a.example.com TXT v=spf1 mx/33 -all\n"
        "e7.example.com TXT v=spf1 mx//129 -all\n"
        "e9.example.com TXT v=spf1 mx:example.com:8080\n"
        "e10.example.com TXT v=spf1 mx:foo.example.com/24\n"
        "foo.example.com MX foo1.example.com\n"
        "foo1.example.com A 1.1.1.1\n"
        "foo1.example.com A 1.2.3.5\n"
        "e11.example.com TXT v=spf1 mx:foo:bar/baz.example.com\n"
        "foo:bar/baz.example.com MX foo:bar/baz.example.com\n"
        "foo:bar/baz.example.com A 1.2.3.4\n"
        "e12.example.com TXT v=spf1 mx:example.-com\n"
        "e13.example.com TXT v=spf1 mx: -all\n"
        "mail6.example.com AAAA CAFE:BABE::4\n"
        "err.example.com TIMEOUT\n"
        "x1.example.com TXT v=spf1 exists:\n"
        "x2.example.com TXT v=spf1 exists\n"
        "x3.example.com TXT v=spf1 exists:mail.example.com/24\n"
        "x4.example.com TXT v=spf1 exists:mail.example.com\n"
        "x5.example.com TXT v=spf1 exists:mail6.example.com -all\n"
        "x6.example.com TXT v=spf1 exists:err.example.com -all\n";
    static const struct bs_spf_case cases[] = {
        { "mx-cidr6", "foo@e6.example.com", "1.2.3.4", "h.example.com",
          R(FAIL) },
        { "mx-bad-cidr4", "foo@e6a.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "mx-bad-cidr6", "foo@e7.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "mx-multi-ip1", "foo@e10.example.com", "1.2.3.4",
          "h.example.com", R(PASS) },
        { "mx-bad-domain", "foo@e9.example.com", "1.2.3.4",
          "h.example.com", R(PERMERROR) },
        { "mx-nxdomain", "foo@e1.example.com", "1.2.3.4", "h.example.com",
          R(FAIL) },
        { "mx-cidr4-0", "foo@e2.example.com", "1.2.3.4", "h.example.com",
          R(PASS) },
        { "mx-cidr4-0-ip6", "foo@e2.example.com", "1234::1",
          "h.example.com", R(FAIL) },
        { "mx-cidr6-0-ip4", "foo@e2a.example.com", "1.2.3.4",
          "h.example.com", R(FAIL) },
        { "mx-cidr6-0-ip4mapped", "foo@e2a.example.com", "::FFFF:1.2.3.4",
          "h.example.com", R(FAIL) },
        { "mx-cidr6-0-ip6", "foo@e2a.example.com", "1234::1",
          "h.example.com", R(PASS) },
        { "mx-cidr6-0-nxdomain", "foo@e2b.example.com", "1234::1",
          "h.example.com", R(FAIL) },
        { "mx-numeric-top-label", "foo@e5.example.com", "1.2.3.4",
          "h.example.com", R(PERMERROR) },
        { "mx-colon-domain", "foo@e11.example.com", "1.2.3.4",
          "h.example.com", R(PASS) },
        { "mx-colon-domain-ip4mapped", "foo@e11.example.com",
          "::FFFF:1.2.3.4", "h.example.com", R(PASS) },
        { "mx-bad-toplab", "foo@e12.example.com", "1.2.3.4",
          "h.example.com", R(PERMERROR) },
        { "mx-implicit", "foo@e4.example.com", "1.2.3.4", "h.example.com",
          R(NEUTRAL) },
        { "mx-empty-domain", "foo@e13.example.com", "1.2.3.4",
          "h.example.com", R(PERMERROR) },
        { "exists-empty-domain", "foo@x1.example.com", "1.2.3.4",
          "h.example.com", R(PERMERROR) },
        { "exists-implicit", "foo@x2.example.com", "1.2.3.4",
          "h.example.com", R(PERMERROR) },
        { "exists-cidr", "foo@x3.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "exists-ip4", "foo@x4.example.com", "1.2.3.4", "h.example.com",
          R(PASS) },
        { "exists-ip6", "foo@x4.example.com", "CAFE:BABE::3",
          "h.example.com", R(PASS) },
        { "exists-ip6only", "foo@x5.example.com", "CAFE:BABE::3",
          "h.example.com", R(FAIL) },
        { "exists-dnserr", "foo@x6.example.com", "CAFE:BABE::3",
          "h.example.com", R(TEMPERROR) },
    };
    RUN(zone, cases);
}
END_TEST

START_TEST(test_rfc7208_ip4_ip6)
{
    static const char zone[] =
        "e1.example.com TXT v=spf1 ip4:1.1.1.1/0 -all\n"
        "e2.example.com TXT v=spf1 ip4:1.2.3.4/32 -all\n"
        "e3.example.com TXT v=spf1 ip4:1.2.3.4/33 -all\n"
        "e4.example.com TXT v=spf1 ip4:1.2.3.4/032 -all\n"
        "e5.example.com TXT v=spf1 ip4\n"
        "e6.example.com TXT v=spf1 ip4:1.2.3.4//32\n"
        "e7.example.com TXT v=spf1 -ip4:1.2.3.4 ip6:::FFFF:1.2.3.4\n"
        "e8.example.com TXT v=spf1 ip4:1.2.3.4:8080\n"
        "e9.example.com TXT v=spf1 ip4:1.2.3\n"
        "f1.example.com TXT v=spf1 -all ip6\n"
        "f2.example.com TXT v=spf1 ip6:::1.1.1.1/0\n"
        "f3.example.com TXT v=spf1 ip6:::1.1.1.1/129\n"
        "f4.example.com TXT v=spf1 ip6:::1.1.1.1//33\n"
        "f5.example.com TXT v=spf1 ip6:Cafe:Babe:8000::/33\n"
        "f6.example.com TXT v=spf1 ip6::CAFE::BABE\n";
    static const struct bs_spf_case cases[] = {
        { "cidr4-0", "foo@e1.example.com", "1.2.3.4", "h.example.com",
          R(PASS) },
        { "cidr4-32", "foo@e2.example.com", "1.2.3.4", "h.example.com",
          R(PASS) },
        { "cidr4-33", "foo@e3.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "cidr4-032", "foo@e4.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "bare-ip4", "foo@e5.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "bad-ip4-port", "foo@e8.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "bad-ip4-short", "foo@e9.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "ip4-dual-cidr", "foo@e6.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "ip4-mapped-ip6", "foo@e7.example.com", "::FFFF:1.2.3.4",
          "h.example.com", R(FAIL) },
        { "bare-ip6", "foo@f1.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "cidr6-0-ip4", "foo@f2.example.com", "1.2.3.4", "h.example.com",
          R(NEUTRAL) },
        { "cidr6-ip4", "foo@f2.example.com", "::FFFF:1.2.3.4",
          "h.example.com", R(NEUTRAL) },
        { "cidr6-0", "foo@f2.example.com", "DEAF:BABE::CAB:FEE",
          "h.example.com", R(PASS) },
        { "cidr6-129", "foo@f3.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "cidr6-bad", "foo@f4.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
        { "cidr6-33", "foo@f5.example.com", "CAFE:BABE:8000::",
          "h.example.com", R(PASS) },
        { "cidr6-33-ip4", "foo@f5.example.com", "1.2.3.4", "h.example.com",
          R(NEUTRAL) },
        { "ip6-bad1", "foo@f6.example.com", "1.2.3.4", "h.example.com",
          R(PERMERROR) },
    };
    RUN(zone, cases);
}
END_TEST

START_TEST(test_rfc7208_modifiers)
{
    static const char zone[] =
        "mail.example.com A 1.2.3.4\n"
        "e1.example.com TXT v=spf1 exp=exp1.example.com "
        "redirect=e2.example.com\n"
        "e2.example.com TXT v=spf1 -all\n"
        "e3.example.com TXT v=spf1 exp=exp1.example.com "
        "redirect=e4.example.com\n"
        "e4.example.com TXT v=spf1 -all exp=exp2.example.com\n"
        "e5.example.com TXT v=spf1 1up=foo\n"
        "e6.example.com TXT v=spf1 =all\n"
        "e7.example.com TXT v=spf1 include:e3.example.com -all "
        "exp=exp3.example.com\n"
        "e9.example.com TXT v=spf1 -all foo=%abc\n"
        "e10.example.com TXT v=spf1 redirect=erehwon.example.com\n"
        "e12.example.com TXT v=spf1 exp= -all\n"
        "e14.example.com TXT v=spf1 exp=e13msg.example.com -all "
        "exp=e11msg.example.com\n"
        "e15.example.com TXT v=spf1 redirect=e12.example.com -all "
        "redirect=e12.example.com\n"
        "e16.example.com TXT v=spf1 exp=-all\n"
        "e17.example.com TXT v=spf1 redirect=-all ?all\n"
        "e18.example.com TXT v=spf1 ?all redirect=\n"
        "e19.example.com TXT v=spf1 default=pass\n"
        "e20.example.com TXT v=spf1 default=+\n"
        "e23.example.com TXT v=spf1 a:erehwon.example.com a:foobar.com "
        "exp=nxdomain.com -all\n"
        "e24.example.com TXT v=spf1 redirect=testimplicit.example.com\n"
        "e24.example.com A 192.0.2.1\n"
        "testimplicit.example.com TXT v=spf1 a -all\n"
        "testimplicit.example.com A 192.0.2.2\n";
    static const struct bs_spf_case cases[] = {
        { "redirect-none", "foo@e10.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "redirect-cancels-exp", "foo@e1.example.com", "1.2.3.4",
          "mail.example.com", R(FAIL) },
        { "redirect-syntax-error", "foo@e17.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "include-ignores-exp", "foo@e7.example.com", "1.2.3.4",
          "mail.example.com", R(FAIL) },
        { "invalid-modifier", "foo@e5.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "empty-modifier-name", "foo@e6.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "exp-empty-domain", "foo@e12.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "exp-syntax-error", "foo@e16.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "exp-twice", "foo@e14.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "redirect-empty-domain", "foo@e18.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "redirect-twice", "foo@e15.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "unknown-modifier-syntax", "foo@e9.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "default-modifier-obsolete", "foo@e19.example.com", "1.2.3.4",
          "mail.example.com", R(NEUTRAL) },
        { "default-modifier-obsolete2", "foo@e20.example.com", "1.2.3.4",
          "mail.example.com", R(NEUTRAL) },
        { "exp-void", "foo@e23.example.com", "1.2.3.4", "mail.example.com",
          R(FAIL) },
        { "redirect-implicit", "bar@e24.example.com", "192.0.2.2",
          "e24.example.com", R(PASS) },
    };
    RUN(zone, cases);
}
END_TEST

START_TEST(test_rfc7208_macros)
{
    static const char zone[] =
        "example.com.d.spf.example.com TXT v=spf1 redirect=a.spf.example.com\n"
        "a.spf.example.com TXT v=spf1 include:o.spf.example.com. ~all\n"
        "o.spf.example.com TXT v=spf1 ip4:192.168.218.40\n"
        "msgbas2x.cos.example.com A 192.168.218.40\n"
        "example.com A 192.168.90.76\n"
        "example.com TXT v=spf1 redirect=%{d}.d.spf.example.com.\n"
        "e1.example.com TXT v=spf1 -exists:%(ir).sbl.example.com ?all\n"
        "e1e.example.com TXT v=spf1 exists:foo%(ir).sbl.example.com ?all\n"
        "e1t.example.com TXT v=spf1 exists:foo%.sbl.example.com ?all\n"
        "e1a.example.com TXT v=spf1 "
        "a:macro%%percent%_%_space%-url-space.example.com -all\n"
        "\"macro%percent  space%20url-space.example.com\" A 1.2.3.4\n"
        "e2.example.com TXT v=spf1 -all exp=%{r}.example.com\n"
        "e5.example.com TXT v=spf1 a:%{a}.example.com -all\n"
        "mx.example.com A 192.168.218.41\n"
        "mx.example.com A 192.168.218.42\n"
        "42.218.168.192.in-addr.arpa PTR mx.example.com\n"
        "42.218.168.192.in-addr.arpa PTR mx.e7.example.com\n"
        "mx.e7.example.com A 192.168.218.42\n"
        "mx.e7.example.com.should.example.com A 127.0.0.2\n"
        "mx.example.com.ok.example.com A 127.0.0.2\n"
        "unknown.ok.example.com A 127.0.0.2\n"
        "e7.example.com TXT v=spf1 exists:%{p}.should.example.com "
        "~exists:%{p}.ok.example.com\n"
        "e9.example.com TXT v=spf1 a:%{H} -all\n"
        "e10.example.com TXT v=spf1 -include:_spfh.%{d2} ip4:1.2.3.0/24 "
        "-all\n"
        "_spfh.example.com TXT v=spf1 -a:%{h} +all\n"
        "e11.example.com TXT v=spf1 exists:%{i}.%{l2r-}.user.%{d2}\n"
        "1.2.3.4.gladstone.philip.user.example.com A 127.0.0.2\n"
        "e12.example.com TXT v=spf1 exists:%{l2r+-}.user.%{d2}\n"
        "bar.foo.user.example.com A 127.0.0.2\n";
    static const struct bs_spf_case cases[] = {
        { "trailing-dot-domain", "test@example.com", "192.168.218.40",
          "msgbas2x.cos.example.com", R(PASS) },
        { "exp-only-macro-char", "test@e2.example.com", "192.168.218.40",
          "msgbas2x.cos.example.com", R(PERMERROR) },
        { "invalid-macro-char", "test@e1.example.com", "192.168.218.40",
          "msgbas2x.cos.example.com", R(PERMERROR) },
        { "invalid-embedded-macro-char", "test@e1e.example.com",
          "192.168.218.40", "msgbas2x.cos.example.com", R(PERMERROR) },
        { "invalid-trailing-macro-char", "test@e1t.example.com",
          "192.168.218.40", "msgbas2x.cos.example.com", R(PERMERROR) },
        { "macro-mania-in-domain", "test@e1a.example.com", "1.2.3.4",
          "mail.example.com", R(PASS) },
        { "undef-macro", "test@e5.example.com", "CAFE:BABE::192.168.218.40",
          "msgbas2x.cos.example.com", R(PERMERROR) },
        { "p-macro-multiple", "test@e7.example.com", "192.168.218.42",
          "msgbas2x.cos.example.com", R(PASS) | R(SOFTFAIL) },
        { "hello-macro", "test@e9.example.com", "192.168.218.40",
          "msgbas2x.cos.example.com", R(PASS) },
        { "invalid-hello-macro", "test@e9.example.com", "192.168.218.40",
          "JUMPIN' JUPITER", R(FAIL) },
        { "hello-domain-literal", "test@e9.example.com", "192.168.218.40",
          "[192.168.218.40]", R(FAIL) },
        { "require-valid-helo", "test@e10.example.com", "1.2.3.4",
          "OEMCOMPUTER", R(FAIL) },
        { "macro-reverse-split-on-dash",
          "philip-gladstone-test@e11.example.com", "1.2.3.4",
          "mail.example.com", R(PASS) },
        { "macro-multiple-delimiters", "foo-bar+zip+quux@e12.example.com",
          "1.2.3.4", "mail.example.com", R(PASS) },
    };
    RUN(zone, cases);
}
END_TEST

static const char bs_limits_zone[] =
    "mail.example.com A 1.2.3.4\n"
    "e1.example.com TXT v=spf1 ip4:1.1.1.1 redirect=e1.example.com\n"
    "e1.example.com A 1.2.3.6\n"
    "e2.example.com TXT v=spf1 include:e3.example.com\n"
    "e2.example.com A 1.2.3.7\n"
    "e3.example.com TXT v=spf1 include:e2.example.com\n"
    "e3.example.com A 1.2.3.8\n"
    "e4.example.com TXT v=spf1 mx\n"
    "e4.example.com MX mail.example.com\n"
    "e4.example.com MX mail.example.com\n"
    "e4.example.com MX mail.example.com\n"
    "e4.example.com MX mail.example.com\n"
    "e4.example.com MX mail.example.com\n"
    "e4.example.com MX mail.example.com\n"
    "e4.example.com MX mail.example.com\n"
    "e4.example.com MX mail.example.com\n"
    "e4.example.com MX mail.example.com\n"
    "e4.example.com MX mail.example.com\n"
    "e4.example.com MX e4.example.com\n"
    "e4.example.com A 1.2.3.5\n"
    "e5.example.com TXT v=spf1 ptr\n"
    "e5.example.com A 1.2.3.5\n"
    "5.3.2.1.in-addr.arpa PTR e1.example.com.\n"
    "5.3.2.1.in-addr.arpa PTR e2.example.com.\n"
    "5.3.2.1.in-addr.arpa PTR e3.example.com.\n"
    "5.3.2.1.in-addr.arpa PTR e4.example.com.\n"
    "5.3.2.1.in-addr.arpa PTR example.com.\n"
    "5.3.2.1.in-addr.arpa PTR e6.example.com.\n"
    "5.3.2.1.in-addr.arpa PTR e7.example.com.\n"
    "5.3.2.1.in-addr.arpa PTR e8.example.com.\n"
    "5.3.2.1.in-addr.arpa PTR e9.example.com.\n"
    "5.3.2.1.in-addr.arpa PTR e10.example.com.\n"
    "5.3.2.1.in-addr.arpa PTR e5.example.com.\n"
    "e6.example.com TXT v=spf1 a mx a mx a mx a mx a ptr ip4:1.2.3.4 -all\n"
    "e6.example.com A 1.2.3.8\n"
    "e6.example.com MX e6.example.com\n"
    "e7.example.com TXT v=spf1 a mx a mx a mx a mx a ptr a ip4:1.2.3.4 "
    "-all\n"
    "e7.example.com A 1.2.3.20\n"
    "e8.example.com TXT v=spf1 a include:inc.example.com ip4:1.2.3.4 mx "
    "-all\n"
    "e8.example.com A 1.2.3.4\n"
    "inc.example.com TXT v=spf1 a a a a a a a a\n"
    "inc.example.com A 1.2.3.10\n"
    "e9.example.com TXT v=spf1 a include:inc.example.com a ip4:1.2.3.4 "
    "-all\n"
    "e9.example.com A 1.2.3.21\n"
    "e10.example.com TXT v=spf1 a -all\n"
    "e10.example.com A 1.2.3.1\n"
    "e10.example.com A 1.2.3.2\n"
    "e10.example.com A 1.2.3.3\n"
    "e10.example.com A 1.2.3.4\n"
    "e10.example.com A 1.2.3.5\n"
    "e10.example.com A 1.2.3.6\n"
    "e10.example.com A 1.2.3.7\n"
    "e10.example.com A 1.2.3.8\n"
    "e10.example.com A 1.2.3.9\n"
    "e10.example.com A 1.2.3.10\n"
    "e10.example.com A 1.2.3.11\n"
    "e10.example.com A 1.2.3.12\n"
    "e11.example.com TXT v=spf1 a:err.example.com a:err1.example.com "
    "a:err2.example.com ?all\n"
    "e12.example.com TXT v=spf1 a:err.example.com a:err1.example.com ?all\n";

START_TEST(test_rfc7208_limits)
{
    static const struct bs_spf_case cases[] = {
        { "redirect-loop", "foo@e1.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "include-loop", "foo@e2.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "mx-limit", "foo@e4.example.com", "1.2.3.5", "mail.example.com",
          R(PERMERROR) },
        { "ptr-limit", "foo@e5.example.com", "1.2.3.5", "mail.example.com",
          R(NEUTRAL) | R(PASS) },
        { "false-a-limit", "foo@e10.example.com", "1.2.3.12",
          "mail.example.com", R(PASS) },
        { "mech-at-limit", "foo@e6.example.com", "1.2.3.4",
          "mail.example.com", R(PASS) },
        { "mech-over-limit", "foo@e7.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "include-at-limit", "foo@e8.example.com", "1.2.3.4",
          "mail.example.com", R(PASS) },
        { "include-over-limit", "foo@e9.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
        { "void-at-limit", "foo@e12.example.com", "1.2.3.4",
          "mail.example.com", R(NEUTRAL) },
        { "void-over-limit", "foo@e11.example.com", "1.2.3.4",
          "mail.example.com", R(PERMERROR) },
    };
    RUN(bs_limits_zone, cases);
}
END_TEST

/* ---- our own cases: what the diagnosis reads from a verdict ---- */

static void bs_check_one(struct bs_test_zone *z, const char *domain,
                         const char *ip, bool count_only,
                         struct bs_spf_verdict *v)
{
    struct bs_spf_query q = { 0 };
    q.domain = domain;
    ck_assert_int_eq(bs_ip_parse(ip, &q.ip), 0);
    q.lookup = bs_test_zone_lookup;
    q.ctx = z;
    q.count_only = count_only;
    bs_spf_check(&q, v);
}

START_TEST(test_spf_problems_in_words)
{
    static const char zone[] =
        "good.test TXT v=spf1 ip4:203.0.113.0/24 include:mailer.test -all\n"
        "good.test TXT google-site-verification=xyz\n"
        "mailer.test TXT v=spf1 ip4:198.51.100.7 -all\n"
        "two.test TXT v=spf1 -all\n"
        "two.test TXT v=spf1 ~all\n"
        "loop-a.test TXT v=spf1 include:loop-b.test -all\n"
        "loop-b.test TXT v=spf1 include:LOOP-A.test -all\n"
        "long.test TXT v=spf1 include:l1.test include:l2.test a mx ~all\n"
        "l1.test TXT v=spf1 a mx a:x.l1.test mx:x.l1.test exists:e.l1.test "
        "ptr ~all\n"
        "l2.test TXT v=spf1 a mx include:l3.test ~all\n"
        "l3.test TXT v=spf1 a ~all\n"
        "long.test A 192.0.2.10\n"
        "long.test MX long.test\n"
        "l1.test A 192.0.2.11\n"
        "l1.test MX l1.test\n"
        "x.l1.test A 192.0.2.12\n"
        "x.l1.test MX l1.test\n"
        "l2.test A 192.0.2.13\n"
        "l2.test MX l2.test\n"
        "bad.test TXT v=spf1 ip4:203.0.113.5 inclde:mailer.test -all\n"
        "gone.test TXT v=spf1 include:nowhere.test -all\n";
    struct bs_test_zone *z = bs_test_zone_new(zone);
    struct bs_spf_verdict v;

    bs_check_one(z, "good.test", "198.51.100.7", false, &v);
    ck_assert_int_eq(v.result, BS_SPF_PASS);
    ck_assert_str_eq(v.mechanism, "include:mailer.test");
    ck_assert_str_eq(v.record, "v=spf1 ip4:203.0.113.0/24 "
                               "include:mailer.test -all");
    ck_assert_uint_eq(v.lookups, 1);
    bs_check_one(z, "good.test", "192.0.2.1", false, &v);
    ck_assert_int_eq(v.result, BS_SPF_FAIL);
    ck_assert_str_eq(v.mechanism, "-all");

    bs_check_one(z, "two.test", "192.0.2.1", false, &v);
    ck_assert_int_eq(v.result, BS_SPF_PERMERROR);
    ck_assert_str_eq(v.problem, "two.test has 2 SPF records: only one is "
                                "allowed");

    bs_check_one(z, "loop-a.test", "192.0.2.1", false, &v);
    ck_assert_int_eq(v.result, BS_SPF_PERMERROR);
    ck_assert_str_eq(v.problem, "include:LOOP-A.test in the SPF record of "
                                "loop-b.test makes a loop");
    ck_assert_str_eq(v.problem_domain, "loop-b.test");

    bs_check_one(z, "long.test", "192.0.2.1", false, &v);
    ck_assert_int_eq(v.result, BS_SPF_PERMERROR);
    ck_assert_str_eq(v.problem, "the SPF record of long.test needs more "
                                "than 10 DNS lookups");
    bs_check_one(z, "long.test", "192.0.2.1", true, &v);
    ck_assert_uint_eq(v.lookups, 14);
    ck_assert_int_ne(v.result, BS_SPF_PERMERROR);

    bs_check_one(z, "bad.test", "203.0.113.5", false, &v);
    ck_assert_int_eq(v.result, BS_SPF_PERMERROR);
    ck_assert_str_eq(v.problem, "the SPF record of bad.test has a syntax "
                                "error at 'inclde:mailer.test'");

    bs_check_one(z, "gone.test", "203.0.113.5", false, &v);
    ck_assert_int_eq(v.result, BS_SPF_PERMERROR);
    ck_assert_str_eq(v.problem, "include:nowhere.test in the SPF record of "
                                "gone.test: nowhere.test does not exist");

    bs_check_one(z, "missing.test", "203.0.113.5", false, &v);
    ck_assert_int_eq(v.result, BS_SPF_NONE);
    ck_assert_str_eq(v.problem, "missing.test does not exist");
    bs_check_one(z, "mailer.test", "203.0.113.5", false, &v);
    bs_check_one(z, "l3.test", "203.0.113.5", false, &v);
    ck_assert_int_eq(v.result, BS_SPF_SOFTFAIL);
    ck_assert_uint_eq(v.void_lookups, 1);
    bs_test_zone_free(z);
}
END_TEST

/* The pending protocol: a resolver that knows nothing at first gets
 * there by running the check again after each round of answers, with
 * the same verdict as an eager one. */
START_TEST(test_spf_pending_replay)
{
    struct bs_test_zone *eager = bs_test_zone_new(bs_limits_zone);
    struct bs_test_zone *lazy = bs_test_zone_new(bs_limits_zone);
    bs_test_zone_set_lazy(lazy, true);
    const char *domains[] = { "e4.example.com", "e5.example.com",
                              "e6.example.com", "e8.example.com",
                              "e9.example.com", "e11.example.com" };
    const char *ips[] = { "1.2.3.5", "1.2.3.5", "1.2.3.4", "1.2.3.4",
                          "1.2.3.4", "1.2.3.4" };
    for (size_t i = 0; i < BS_ARRAY_LEN(domains); i++) {
        struct bs_spf_verdict want, got;
        bs_check_one(eager, domains[i], ips[i], false, &want);
        int rounds = 0;
        do {
            bs_check_one(lazy, domains[i], ips[i], false, &got);
            rounds++;
        } while (got.pending && rounds < 50);
        ck_assert_msg(!got.pending, "%s", domains[i]);
        ck_assert_int_eq(got.result, want.result);
        ck_assert_uint_eq(got.lookups, want.lookups);
        ck_assert_str_eq(got.problem, want.problem);
        ck_assert_int_gt(rounds, 1);
    }
    bs_test_zone_free(eager);
    bs_test_zone_free(lazy);
}
END_TEST

START_TEST(test_spf_macros)
{
    struct bs_spf_query q = { 0 };
    q.domain = "example.com";
    q.sender = "strong-bad@email.example.com";
    ck_assert_int_eq(bs_ip_parse("192.0.2.3", &q.ip), 0);
    char out[300];
    /* RFC 7208 7.4's examples */
    static const struct { const char *in, *out; } ex[] = {
        { "%{s}", "strong-bad@email.example.com" },
        { "%{o}", "email.example.com" },
        { "%{d}", "email.example.com" },
        { "%{d4}", "email.example.com" },
        { "%{d3}", "email.example.com" },
        { "%{d2}", "example.com" },
        { "%{d1}", "com" },
        { "%{dr}", "com.example.email" },
        { "%{d2r}", "example.email" },
        { "%{l}", "strong-bad" },
        { "%{l-}", "strong.bad" },
        { "%{lr}", "strong-bad" },
        { "%{lr-}", "bad.strong" },
        { "%{l1r-}", "strong" },
        { "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com" },
        { "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com" },
        { "%{d2}.trusted-domains.example.net",
          "example.com.trusted-domains.example.net" },
        { "%%%_%-", "% %20" },
    };
    for (size_t i = 0; i < BS_ARRAY_LEN(ex); i++) {
        ck_assert_int_eq(bs_spf_expand(&q, "email.example.com", ex[i].in,
                                       strlen(ex[i].in), false, out,
                                       sizeof out), 0);
        ck_assert_str_eq(out, ex[i].out);
    }
    ck_assert_int_eq(bs_ip_parse("2001:db8::cb01", &q.ip), 0);
    const char *v6 = "%{ir}.%{v}._spf.%{d2}";
    ck_assert_int_eq(bs_spf_expand(&q, "email.example.com", v6, strlen(v6),
                                   false, out, sizeof out), 0);
    ck_assert_str_eq(out, "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
                          "8.b.d.0.1.0.0.2.ip6._spf.example.com");
    ck_assert_int_eq(bs_spf_expand(&q, "x.test", "%{L}", 4, false, out,
                                   sizeof out), 0);
    ck_assert_str_eq(out, "strong-bad");
    q.sender = "~jack&jill=up@x.test";
    ck_assert_int_eq(bs_spf_expand(&q, "x.test", "%{L}", 4, false, out,
                                   sizeof out), 0);
    ck_assert_str_eq(out, "~jack%26jill%3Dup");
    ck_assert_int_eq(bs_spf_expand(&q, "x.test", "%{x}", 4, false, out,
                                   sizeof out), -1);
    ck_assert_int_eq(bs_spf_expand(&q, "x.test", "%{d0}", 5, false, out,
                                   sizeof out), -1);
    ck_assert_int_eq(bs_spf_expand(&q, "x.test", "%{c}", 4, false, out,
                                   sizeof out), -1);
    ck_assert_int_eq(bs_spf_expand(&q, "x.test", "%{c}", 4, true, out,
                                   sizeof out), 0);
    ck_assert_int_eq(bs_spf_expand(&q, "x.test", "%{p}", 4, false, out,
                                   sizeof out), 0);
    ck_assert_str_eq(out, "unknown");
}
END_TEST

static Suite *spf_suite(void)
{
    Suite *s = suite_create("spf");
    TCase *tc = tcase_create("rfc7208");
    tcase_add_test(tc, test_rfc7208_initial);
    tcase_add_test(tc, test_rfc7208_lookup_and_select);
    tcase_add_test(tc, test_rfc7208_record_evaluation);
    tcase_add_test(tc, test_rfc7208_all_and_ptr);
    tcase_add_test(tc, test_rfc7208_a_mechanism);
    tcase_add_test(tc, test_rfc7208_include);
    tcase_add_test(tc, test_rfc7208_mx_and_exists);
    tcase_add_test(tc, test_rfc7208_ip4_ip6);
    tcase_add_test(tc, test_rfc7208_modifiers);
    tcase_add_test(tc, test_rfc7208_macros);
    tcase_add_test(tc, test_rfc7208_limits);
    suite_add_tcase(s, tc);
    TCase *own = tcase_create("diagnosis");
    tcase_add_test(own, test_spf_problems_in_words);
    tcase_add_test(own, test_spf_pending_replay);
    tcase_add_test(own, test_spf_macros);
    suite_add_tcase(s, own);
    return s;
}

int main(void)
{
    return bs_test_run(spf_suite());
}
