/*
 * fuzz_rules.c - libFuzzer target for the rule-file loader
 * (engine/classify_load.c) and the classifier running what it loaded
 *
 * The input is a --patterns file. A fresh classifier, which knows a few
 * provider names for "provider" lines, loads it; then a few fixed
 * failures are classified under every provider and the winning rules'
 * hints rendered, and every rule is listed. Invariants: a load that
 * fails says why ("SOURCE:LINE: ..."), a load that succeeds reports no
 * error; classifications and listings stay within the rules loaded.
 * The fixed failures and the input itself (as a text: it holds pieces
 * of its own patterns) are classified with and without the prefilter:
 * without it every regex runs whole, with it a split pattern runs only
 * the alternatives whose literals occur; the rule must be the same
 * unless a run hit the regex budget (a whole pattern can exhaust it
 * where one alternative would not).
 */
#include "buf.h"
#include "classify.h"
#include "fuzz_lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_providers[] = { "other", "google",
                                              "microsoft", "docomo" };
#define FUZZ_NPROV (sizeof fuzz_providers / sizeof fuzz_providers[0])

static const struct {
    const char *dsn, *text;
} fuzz_cases[] = {
    { "5.7.26", "550-5.7.26 Unauthenticated email from shop.example is "
                "not accepted due to domain's DMARC policy - gsmtp" },
    { "5.0.0", "host mfsmax.docomo.ne.jp[203.138.180.240] said: 550 "
               "Unknown user dora@docomo.ne.jp" },
    { "4.7.1", "421 4.7.1 [CS01] Message rejected due to local policy" },
    { "", "Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/" },
    { "5.1.1", "" },
    { "", "" },
};

/* The same rule with the prefilter (split patterns) and without. */
static void fuzz_same_with_prefilter(struct bs_classifier *c, unsigned p,
                                     struct bs_slice dsn,
                                     struct bs_slice text)
{
    struct bs_classification with, without;
    uint64_t overflows = bs_classifier_budget_overflows(c);
    bs_classifier_use_prefilter(c, false);
    bs_classify(c, p, dsn, text, &without);
    bs_classifier_use_prefilter(c, true);
    bs_classify(c, p, dsn, text, &with);
    if (with.rule != without.rule &&
        bs_classifier_budget_overflows(c) == overflows)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bs_classifier *c = bs_classifier_new();
    for (unsigned i = 0; i < FUZZ_NPROV; i++)
        bs_classifier_add_provider(c, fuzz_providers[i], i);
    struct bs_buf err, out;
    bs_buf_init(&err);
    bs_buf_init(&out);
    int rc = bs_classifier_load(c, "fuzz.rules", (const char *)data, size,
                                &err);
    if (rc < 0 ? !err.len || memcmp(err.data, "fuzz.rules:", 11) != 0
               : rc != 0 || err.len != 0)
        abort();
    int nrules = (int)bs_classifier_rule_count(c);
    struct bs_hint_fields f = { "sender.example", "rcpt.example", NULL };
    for (size_t i = 0; i < sizeof fuzz_cases / sizeof fuzz_cases[0]; i++) {
        struct bs_slice dsn = bs_slice_make(fuzz_cases[i].dsn,
                                            strlen(fuzz_cases[i].dsn));
        struct bs_slice text = bs_slice_make(fuzz_cases[i].text,
                                             strlen(fuzz_cases[i].text));
        for (unsigned p = 0; p < FUZZ_NPROV; p++) {
            struct bs_classification r;
            bs_classify(c, p, dsn, text, &r);
            if (r.category >= BS_CAT_COUNT || !r.detail || r.rule < -1 ||
                r.rule >= nrules)
                abort();
            if (r.rule >= 0)
                bs_classifier_render_hint(c, r.rule, p & 1, text, &f, &out);
            fuzz_same_with_prefilter(c, p, dsn, text);
        }
    }
    if (rc == 0)
        for (unsigned p = 0; p < FUZZ_NPROV; p++)
            fuzz_same_with_prefilter(c, p, bs_slice_make("", 0),
                                     bs_slice_make((const char *)data,
                                                   size));
    for (int i = 0; i < nrules; i++) {
        struct bs_rule_info ri;
        bs_classifier_rule_info(c, i, &ri);
        if (!ri.id || ri.category >= BS_CAT_COUNT || !ri.detail ||
            !ri.severity || !ri.dsn || !ri.text || !ri.hint || !ri.hint_ja ||
            ri.provider < -1 || ri.provider >= (int)FUZZ_NPROV)
            abort();
        bs_buf_puts(&out, bs_classifier_rule_hint(c, i));
    }
    bs_buf_fini(&out);
    bs_buf_fini(&err);
    bs_classifier_free(c);
    return 0;
}
