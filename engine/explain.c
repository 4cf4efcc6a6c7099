/*
 * explain.c - the rules seen from the command line: what they make of one
 * text (patterns --test) and the list of them (patterns --list)
 */
#include "engine_impl.h"

#include <stdio.h>
#include <string.h>

static int bs_explain_provider(struct bs_engine *e, const char *provider,
                               const char *recipient, char *err,
                               size_t errlen)
{
    if (provider) {
        int p = bs_provider_find(e->providers,
                                 bs_slice_make(provider, strlen(provider)));
        if (p < 0)
            snprintf(err, errlen, "unknown provider '%s'", provider);
        return p;
    }
    if (!recipient)
        return BS_PROVIDER_OTHER;
    const char *at = strrchr(recipient, '@');
    const char *dom = at ? at + 1 : recipient;
    return (int)bs_provider_lookup(e->providers,
                                   bs_slice_make(dom, strlen(dom)),
                                   bs_slice_make("", 0));
}

int bs_engine_explain(struct bs_engine *e, const char *provider,
                      const char *recipient, const char *dsn,
                      const char *text, char **out, size_t *outlen,
                      char *err, size_t errlen)
{
    int p = bs_explain_provider(e, provider, recipient, err, errlen);
    if (p < 0)
        return -1;
    struct bs_slice t = bs_slice_make(text, strlen(text));
    struct bs_classification cls;
    bs_classify(e->classifier, (unsigned)p,
                bs_slice_make(dsn ? dsn : "", dsn ? strlen(dsn) : 0), t, &cls);
    struct bs_buf b;
    bs_buf_init(&b);
    bs_buf_printf(&b, "provider: %s\nrule: %s\ncategory: %s\n"
                  "detail: %s\nseverity: %s\n",
                  bs_provider_name(e->providers, (unsigned)p),
                  cls.rule >= 0 ? bs_classifier_rule_id(e->classifier,
                                                        cls.rule)
                                : "(none)",
                  bs_category_name(cls.category), cls.detail,
                  cls.hard ? "hard" : "soft");
    const char *rd = recipient && strrchr(recipient, '@')
                         ? strrchr(recipient, '@') + 1
                         : recipient;
    struct bs_hint_fields f = { NULL, rd,
                                bs_provider_name(e->providers, (unsigned)p) };
    for (int ja = 0; ja < 2; ja++) {
        bs_buf_puts(&b, ja ? "hint.ja: " : "hint: ");
        bs_classifier_render_hint(e->classifier, cls.rule, ja, t, &f, &b);
        bs_buf_putc(&b, '\n');
    }
    *out = b.data;
    *outlen = b.len;
    return 0;
}

static void bs_list_rule(struct bs_engine *e, struct bs_buf *b, int i)
{
    struct bs_rule_info r;
    bs_classifier_rule_info(e->classifier, i, &r);
    bs_buf_printf(b, "rule %s\n    category  %s\n", r.id,
                  bs_category_name(r.category));
    if (*r.detail)
        bs_buf_printf(b, "    detail    %s\n", r.detail);
    if (*r.severity)
        bs_buf_printf(b, "    severity  %s\n", r.severity);
    if (r.provider >= 0)
        bs_buf_printf(b, "    provider  %s\n",
                      bs_provider_name(e->providers, (unsigned)r.provider));
    if (*r.dsn)
        bs_buf_printf(b, "    dsn       %s\n", r.dsn);
    if (r.code)
        bs_buf_printf(b, "    code      %d\n", r.code);
    if (*r.text)
        bs_buf_printf(b, "    text      %s\n", r.text);
    if (*r.hint)
        bs_buf_printf(b, "    hint      %s\n", r.hint);
    if (*r.hint_ja)
        bs_buf_printf(b, "    hint.ja   %s\n", r.hint_ja);
    bs_buf_putc(b, '\n');
}

void bs_engine_list_rules(struct bs_engine *e, char **out, size_t *outlen)
{
    struct bs_buf b;
    bs_buf_init(&b);
    unsigned n = bs_classifier_rule_count(e->classifier);
    bs_buf_printf(&b, "# %u rules, in the order they are tried; the most "
                  "specific match wins, ties to the later rule\n\n", n);
    for (unsigned i = 0; i < n; i++)
        bs_list_rule(e, &b, (int)i);
    *out = b.data;
    *outlen = b.len;
}
