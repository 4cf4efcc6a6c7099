/*
 * fuzz_classify.c - libFuzzer target for the classifier
 * (engine/classify.c) with the shipped rules (patterns/rules.txt)
 *
 * The first byte picks a provider (modulo the shipped providers); the
 * rest is "DSN\nTEXT": the enhanced status code as a log line gives it,
 * then the response text (no newline: the DSN is empty, all is text).
 * The providers and rules are loaded once per process, as the engine
 * does (compiling the rules is costly). The failure is classified twice
 * (the second answer comes from the memo cache and must be the same) and
 * the winning rule's hints rendered with its named groups; and once more
 * with every regex run (no literal prefilter): the same rule, or the
 * prefilter skipped a rule that matches. Invariants:
 * the category is known, the rule is -1 or a rule's index, the detail is
 * a string, a rule-less answer is onhold or undefined.
 */
#include "buf.h"
#include "classify.h"
#include "fuzz_lines.h"
#include "provider.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const char bs_embedded_providers[];
extern const char bs_embedded_rules[];

static struct bs_classifier *fuzz_classifier;
static unsigned fuzz_nproviders;

static void fuzz_load(void)
{
    struct bs_provider_table *t = bs_provider_table_new();
    struct bs_buf err;
    bs_buf_init(&err);
    fuzz_classifier = bs_classifier_new();
    if (bs_provider_table_load(t, "providers.txt", bs_embedded_providers,
                               strlen(bs_embedded_providers), &err) < 0)
        abort();
    fuzz_nproviders = bs_provider_count(t);
    for (unsigned i = 0; i < fuzz_nproviders; i++)
        bs_classifier_add_provider(fuzz_classifier, bs_provider_name(t, i),
                                   i);
    if (bs_classifier_load(fuzz_classifier, "rules.txt", bs_embedded_rules,
                           strlen(bs_embedded_rules), &err) < 0)
        abort();
    bs_buf_fini(&err);
    bs_provider_table_free(t);
}

static void fuzz_check(const struct bs_classification *r, bool has_text)
{
    if (r->category >= BS_CAT_COUNT || !r->detail)
        abort();
    if (r->rule < -1 ||
        r->rule >= (int)bs_classifier_rule_count(fuzz_classifier))
        abort();
    if (r->rule == -1 &&
        r->category != (has_text ? BS_CAT_ONHOLD : BS_CAT_UNDEFINED))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_classifier)
        fuzz_load();
    if (!size)
        return 0;
    unsigned provider = data[0] % fuzz_nproviders;
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    const char *nl = memchr(p, '\n', n);
    struct bs_slice dsn = bs_slice_make(p, nl ? (size_t)(nl - p) : 0);
    struct bs_slice text = nl ? bs_slice_make(nl + 1, n - dsn.len - 1)
                              : bs_slice_make(p, n);
    struct bs_classification a, b;
    bs_classify(fuzz_classifier, provider, dsn, text, &a);
    fuzz_check(&a, text.len != 0);
    bs_classify(fuzz_classifier, provider, dsn, text, &b);
    if (a.rule != b.rule || a.category != b.category || a.hard != b.hard ||
        strcmp(a.detail, b.detail) != 0)
        abort();
    struct bs_classification all;
    bs_classifier_use_prefilter(fuzz_classifier, false);
    bs_classify(fuzz_classifier, provider, dsn, text, &all);
    bs_classifier_use_prefilter(fuzz_classifier, true);
    if (all.rule != a.rule)
        abort();
    if (a.rule >= 0) {
        struct bs_hint_fields f = { "sender.example", NULL, "other" };
        struct bs_buf out;
        bs_buf_init(&out);
        bs_classifier_render_hint(fuzz_classifier, a.rule, false, text, &f,
                                  &out);
        bs_classifier_render_hint(fuzz_classifier, a.rule, true, text, &f,
                                  &out);
        bs_buf_fini(&out);
    }
    return 0;
}
