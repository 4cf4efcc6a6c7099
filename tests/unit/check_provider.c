/*
 * check_provider.c - the shipped provider table: the fixed ids of the
 * contract, domain-before-relay, exact beats suffix beats first label,
 * case and trailing dots, the cached decision against the full one, and
 * load errors with FILE:LINE.
 */
#include "buf.h"
#include "provider.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char bs_embedded_providers[];

static struct bs_provider_table *shipped(void)
{
    struct bs_provider_table *t = bs_provider_table_new();
    struct bs_buf err;
    bs_buf_init(&err);
    ck_assert_int_eq(bs_provider_table_load(t, "providers.txt",
                                            bs_embedded_providers,
                                            strlen(bs_embedded_providers),
                                            &err), 0);
    bs_buf_fini(&err);
    return t;
}

static const struct {
    const char *domain, *relay, *provider;
} cases[] = {
    { "gmail.com", "gmail-smtp-in.l.google.com", "google" },
    { "googlemail.com", "", "google" },
    { "Gmail.COM", "", "google" },
    { "gmail.com.", "", "google" },
    { "example.com", "aspmx.l.google.com", "google" },
    { "example.com", "ALT2.ASPMX.L.GOOGLE.com", "google" },
    { "outlook.com", "", "microsoft" },
    { "hotmail.co.jp", "", "microsoft" },
    { "hotmail.com", "", "microsoft" },
    { "live.jp", "", "microsoft" },
    { "msn.com", "", "microsoft" },
    { "outlook.jp", "", "microsoft" },
    { "example.jp", "example-jp.mail.protection.outlook.com", "microsoft" },
    { "yahoo.com", "", "yahoo" },
    { "yahoo.co.uk", "", "yahoo" },
    { "ymail.com", "", "yahoo" },
    { "rocketmail.com", "", "yahoo" },
    { "aol.com", "", "yahoo" },
    { "example.org", "mta5.am0.yahoodns.net", "yahoo" },
    { "yahoo.co.jp", "mx.mail.yahoo.co.jp", "yahoo_japan" },
    { "ymail.ne.jp", "", "yahoo_japan" },
    { "example.co.jp", "mx1.mail.yahoo.co.jp", "yahoo_japan" },
    { "icloud.com", "", "apple" },
    { "me.com", "", "apple" },
    { "mac.com", "", "apple" },
    { "docomo.ne.jp", "", "docomo" },
    { "au.com", "", "kddi" },
    { "ezweb.ne.jp", "", "kddi" },
    { "softbank.ne.jp", "", "softbank" },
    { "i.softbank.jp", "", "softbank" },
    { "t.vodafone.ne.jp", "", "softbank" },
    { "example.com", "mx.example.com", "other" },
    { "example.com", "none", "other" },
    { "", "", "other" },
    /* the domain decides before the relay */
    { "gmail.com", "mx.example.net", "google" },
    { "notgmail.com", "", "other" },
    { "gmail.com.evil.example", "", "other" },
};

START_TEST(test_provider_lookup)
{
    struct bs_provider_table *t = shipped();
    struct bs_slice d = bs_slice_make(cases[_i].domain,
                                      strlen(cases[_i].domain));
    struct bs_slice r = bs_slice_make(cases[_i].relay,
                                      strlen(cases[_i].relay));
    const char *got = bs_provider_name(t, bs_provider_lookup(t, d, r));
    ck_assert_msg(strcmp(got, cases[_i].provider) == 0,
                  "%s via %s: got %s, want %s", cases[_i].domain,
                  cases[_i].relay, got, cases[_i].provider);
    bs_provider_table_free(t);
}
END_TEST

/* qmail names only the relay IP: networks, then signatures. */
static const struct {
    const char *domain, *ip, *text, *provider;
} evidence[] = {
    { "customer.example", "142.250.4.26", "", "google" },
    { "customer.example", "2a00:1450:4010:c05::1a", "", "google" },
    { "customer.example", "52.101.1.1", "", "microsoft" },
    { "customer.example", "104.47.10.33", "", "microsoft" },
    { "customer.example", "67.195.204.72", "", "yahoo" },
    { "customer.example", "17.57.155.25", "", "apple" },
    { "customer.example", "198.51.100.7", "", "other" },
    { "customer.example", "not-an-ip", "", "other" },
    /* an IP outside the published blocks, but Google's signature */
    { "customer.example", "198.51.100.7", "250 2.0.0 OK 17 x1si1.2 - gsmtp",
      "google" },
    { "customer.example", "", "550 5.7.1 [BN8NAM11FT066.eop-nam11.prod."
      "protection.outlook.com] rejected", "microsoft" },
    /* the recipient domain decides first */
    { "yahoo.co.jp", "142.250.4.26", "gsmtp", "yahoo_japan" },
    /* 209.85.127.177 lies just outside 209.85.128.0/17 */
    { "w3.to", "209.85.127.177", "", "other" },
};

START_TEST(test_provider_evidence)
{
    struct bs_provider_table *t = shipped();
    struct bs_provider_evidence ev = {
        bs_slice_make(evidence[_i].domain, strlen(evidence[_i].domain)),
        bs_slice_make("", 0),
        bs_slice_make(evidence[_i].ip, strlen(evidence[_i].ip)),
        bs_slice_make(evidence[_i].text, strlen(evidence[_i].text)),
    };
    const char *got = bs_provider_name(t, bs_provider_decide(t, &ev));
    ck_assert_msg(strcmp(got, evidence[_i].provider) == 0,
                  "%s via %s: got %s, want %s", evidence[_i].domain,
                  evidence[_i].ip, got, evidence[_i].provider);
    bs_provider_table_free(t);
}
END_TEST

/* The cached decision equals the full one, whatever was asked before:
 * every domain of the tables above with every relay host, relay IP and
 * text, three times over, and with thousands of other domains and relays
 * between (they share slots with the first ones). */
START_TEST(test_provider_cached)
{
    struct bs_provider_table *t = shipped();
    struct bs_provider_cache *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    const char *domains[BS_ARRAY_LEN(cases) + BS_ARRAY_LEN(evidence)];
    size_t nd = 0;
    for (size_t i = 0; i < BS_ARRAY_LEN(cases); i++)
        domains[nd++] = cases[i].domain;
    for (size_t i = 0; i < BS_ARRAY_LEN(evidence); i++)
        domains[nd++] = evidence[i].domain;
    unsigned checked = 0;
    for (int round = 0; round < 3; round++) {
        for (size_t d = 0; d < nd; d++) {
            /* an id per distinct string, as an intern table gives */
            uint32_t id = 0;
            while (strcmp(domains[id], domains[d]) != 0)
                id++;
            for (size_t r = 0; r < BS_ARRAY_LEN(cases); r++) {
                size_t e = (d + r + (size_t)round) % BS_ARRAY_LEN(evidence);
                struct bs_provider_evidence ev = {
                    bs_slice_make(domains[d], strlen(domains[d])),
                    bs_slice_make(cases[r].relay, strlen(cases[r].relay)),
                    bs_slice_make(evidence[e].ip, strlen(evidence[e].ip)),
                    bs_slice_make(evidence[e].text,
                                  strlen(evidence[e].text)),
                };
                unsigned want = bs_provider_decide(t, &ev);
                unsigned got = bs_provider_decide_cached(t, c, id, &ev);
                ck_assert_msg(got == want,
                              "round %d: %s via %s [%s] '%s': cached %s, "
                              "want %s", round, domains[d], cases[r].relay,
                              evidence[e].ip, evidence[e].text,
                              bs_provider_name(t, got),
                              bs_provider_name(t, want));
                checked++;
            }
        }
        char other[32], relay[32];
        for (uint32_t k = 0; k < 10000; k++) { /* fill every slot */
            int n = snprintf(other, sizeof other, "d%u.example", k);
            int m = snprintf(relay, sizeof relay, "mx%u.example.net", k);
            struct bs_provider_evidence ev = {
                bs_slice_make(other, (size_t)n),
                bs_slice_make(relay, (size_t)m), bs_slice_make("", 0),
                bs_slice_make("", 0)
            };
            ck_assert_uint_eq(bs_provider_decide_cached(t, c, 1000 + k, &ev),
                              BS_PROVIDER_OTHER);
        }
    }
    ck_assert_uint_gt(checked, 1000);
    free(c);
    bs_provider_table_free(t);
}
END_TEST

START_TEST(test_provider_network_errors)
{
    static const char *const bad[] = {
        "google network 142.250.0.0\n", "google network 142.250.0.0/33\n",
        "google network 2001:db8::/129\n", "google network x/8\n",
        "google signature \n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct bs_provider_table *t = bs_provider_table_new();
        struct bs_buf err;
        bs_buf_init(&err);
        ck_assert_msg(bs_provider_table_load(t, "n.txt", bad[i],
                                             strlen(bad[i]), &err) == -1,
                      "accepted: %s", bad[i]);
        ck_assert(strncmp(err.data, "n.txt:1:", 8) == 0);
        bs_buf_fini(&err);
        bs_provider_table_free(t);
    }
}
END_TEST

START_TEST(test_provider_ids_fixed)
{
    static const char *const ids[] = { "other", "google", "microsoft",
                                       "yahoo", "yahoo_japan", "apple",
                                       "docomo", "kddi", "softbank" };
    struct bs_provider_table *t = shipped();
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        ck_assert_int_ge(bs_provider_find(t, bs_slice_make(ids[i],
                                                           strlen(ids[i]))),
                         0);
    ck_assert_int_eq(bs_provider_find(t, BS_SLICE_LIT("other")), 0);
    bs_provider_table_free(t);
}
END_TEST

/* Signatures: the first in the table that occurs anywhere wins (not the
 * first in the text), in any case, and only whole; the same with three
 * first bytes (one pass over the text) and with more (a search each). */
START_TEST(test_provider_signature_order)
{
    static const char *const tables[] = {
        "apple signature zeta\nyahoo signature alpha\n"
        "google signature zebra\n",
        "apple signature zeta\nyahoo signature alpha\n"
        "google signature zebra\nmicrosoft signature quux\n"
        "kddi signature mmm\n",
    };
    static const struct {
        const char *text, *provider;
    } sig_cases[] = {
        { "Alpha then ZETA", "apple" },  /* the table's order decides */
        { "zebra alpha", "yahoo" },
        { "a zebra", "google" },
        { "zet zebr alph", "other" },   /* cut at the text's end */
        { "zet", "other" },
        { "", "other" },
        { "xZeTa", "apple" },
    };
    for (size_t k = 0; k < sizeof tables / sizeof *tables; k++) {
        struct bs_provider_table *t = bs_provider_table_new();
        struct bs_buf err;
        bs_buf_init(&err);
        ck_assert_int_eq(bs_provider_table_load(t, "s.txt", tables[k],
                                                strlen(tables[k]), &err),
                         0);
        for (size_t i = 0; i < sizeof sig_cases / sizeof *sig_cases; i++) {
            struct bs_provider_evidence ev = {
                BS_SLICE_LIT("customer.example"), BS_SLICE_LIT(""),
                BS_SLICE_LIT(""),
                bs_slice_make(sig_cases[i].text, strlen(sig_cases[i].text)),
            };
            const char *got = bs_provider_name(t, bs_provider_decide(t, &ev));
            ck_assert_msg(strcmp(got, sig_cases[i].provider) == 0,
                          "table %zu, '%s': got %s, want %s", k,
                          sig_cases[i].text, got, sig_cases[i].provider);
        }
        bs_buf_fini(&err);
        bs_provider_table_free(t);
    }
}
END_TEST

/* The table's signatures (lower case) in order: the first that occurs in
 * the text in any ASCII case, byte by byte. */
static const char *first_signature_by_bytes(const char *const *sigs,
                                            const char *const *providers,
                                            const char *text)
{
    char lower[512];
    size_t n = strlen(text);
    for (size_t i = 0; i <= n; i++)
        lower[i] = (char)bs_ascii_lower(text[i]);
    for (size_t k = 0; sigs[k]; k++)
        if (strstr(lower, sigs[k]))
            return providers[k];
    return "other";
}

/* Random texts of signature pieces, other words and every case, up to
 * 300 bytes (so that a signature lies across the search's 16-byte steps
 * and in its last bytes): the provider the byte-by-byte definition
 * gives, with four first-byte pairs (one not a letter), and with more
 * pairs than the search takes. */
START_TEST(test_provider_signature_random)
{
    static const char *const sigs[2][8] = {
        { "gsmtp", "protection.outlook.com", "prod.outlook.com",
          "yahoodns", "[4.2.0]", NULL },
        { "gsmtp", "zz", "protection.outlook.com", "yahoodns", "ab",
          "cd", "ef", NULL },
    };
    static const char *const providers[2][8] = {
        { "google", "microsoft", "microsoft", "yahoo", "kddi", NULL },
        { "google", "apple", "microsoft", "yahoo", "kddi", "docomo",
          "softbank", NULL },
    };
    static const char *const pieces[] = {
        "GSMTP", "gsm", "tp", "protection.", "Outlook.com", "prod.", "PR",
        "yahoo", "DNS", "[4.2.", "0]", "z", "Z", "a", "B", "c", "D", "e",
        "f", " ", "250 ", "ok", "po", "ya", "\t",
    };
    uint64_t seed = 99;
    for (int table = 0; table < 2; table++) {
        char src[512] = "";
        for (size_t k = 0; sigs[table][k]; k++) {
            strcat(src, providers[table][k]);
            strcat(src, " signature ");
            strcat(src, sigs[table][k]);
            strcat(src, "\n");
        }
        struct bs_provider_table *t = bs_provider_table_new();
        struct bs_buf err;
        bs_buf_init(&err);
        ck_assert_int_eq(bs_provider_table_load(t, "s.txt", src, strlen(src),
                                                &err),
                         0);
        for (int round = 0; round < 20000; round++) {
            char text[400] = "";
            size_t want_len = (size_t)(round % 300);
            while (strlen(text) < want_len) {
                strcat(text, pieces[bs_test_random(&seed) %
                                    (sizeof pieces / sizeof *pieces)]);
            }
            struct bs_provider_evidence ev = {
                BS_SLICE_LIT("customer.example"), BS_SLICE_LIT(""),
                BS_SLICE_LIT(""), bs_slice_make(text, strlen(text)),
            };
            const char *got = bs_provider_name(t, bs_provider_decide(t, &ev));
            const char *want = first_signature_by_bytes(
                sigs[table], providers[table], text);
            ck_assert_msg(strcmp(got, want) == 0,
                          "table %d, '%s': got %s, want %s", table, text,
                          got, want);
        }
        bs_buf_fini(&err);
        bs_provider_table_free(t);
    }
}
END_TEST

START_TEST(test_provider_load_errors)
{
    struct bs_provider_table *t = bs_provider_table_new();
    struct bs_buf err;
    bs_buf_init(&err);
    const char *bad = "# ok\ngoogle domain gmail.com\nGoogle domain x.com\n";
    ck_assert_int_eq(bs_provider_table_load(t, "p.txt", bad, strlen(bad),
                                            &err), -1);
    ck_assert_msg(strncmp(err.data, "p.txt:3:", 8) == 0, "%s", err.data);
    bs_buf_reset(&err);
    const char *bad2 = "x website a.com\n";
    ck_assert_int_eq(bs_provider_table_load(t, "q", bad2, strlen(bad2),
                                            &err), -1);
    ck_assert(strstr(err.data, "q:1:") != NULL);
    bs_buf_fini(&err);
    bs_provider_table_free(t);
}
END_TEST

static Suite *provider_suite(void)
{
    Suite *s = suite_create("provider");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_provider_lookup, 0,
                        (int)(sizeof cases / sizeof *cases));
    tcase_add_test(tc, test_provider_ids_fixed);
    tcase_add_loop_test(tc, test_provider_evidence, 0,
                        (int)(sizeof evidence / sizeof *evidence));
    tcase_add_test(tc, test_provider_cached);
    tcase_add_test(tc, test_provider_network_errors);
    tcase_add_test(tc, test_provider_signature_order);
    tcase_add_test(tc, test_provider_signature_random);
    tcase_add_test(tc, test_provider_load_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return bs_test_run(provider_suite());
}
