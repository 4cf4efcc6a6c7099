/*
 * samples.c - sample texts per reason, and unexplained texts by form
 *
 * Both stores key an intern table with a small binary key and keep their
 * records in arrays indexed by the key id, so nothing is allocated per
 * line once a key is known.
 */
#include "samples.h"

#include "intern.h"

#include <stdlib.h>

struct bs_samples {
    struct bs_intern *texts;
    struct bs_intern *sample_keys; /* (provider, category, detail) */
    struct bs_sample *samples;     /* by sample key id */
    size_t samples_cap;
    struct bs_intern *form_keys;   /* normalised form */
    struct bs_unexplained *forms;  /* by form key id - 1 */
    size_t nforms, forms_cap;
    struct bs_unexplained *sorted; /* last bs_samples_unexplained() */
    uint64_t forms_refused;
};

struct bs_samples *bs_samples_new(uint32_t max_texts, uint32_t max_forms)
{
    struct bs_samples *s = bs_xcalloc(1, sizeof *s);
    s->texts = bs_intern_new(max_texts);
    s->sample_keys = bs_intern_new(max_texts);
    s->form_keys = bs_intern_new(max_forms);
    return s;
}

void bs_samples_free(struct bs_samples *s)
{
    if (!s)
        return;
    bs_intern_free(s->texts);
    bs_intern_free(s->sample_keys);
    bs_intern_free(s->form_keys);
    free(s->samples);
    free(s->forms);
    free(s->sorted);
    free(s);
}

uint32_t bs_samples_add_text(struct bs_samples *s, struct bs_slice t)
{
    return bs_intern(s->texts, t.ptr, BS_MIN(t.len, BS_SAMPLE_MAX));
}

/* Is (t1, text1) to be kept rather than (t2, text2)? */
static bool bs_sample_wins(const struct bs_samples *s, int64_t t1,
                           struct bs_slice text1, int64_t t2, uint32_t text2)
{
    if (t1 != t2)
        return t1 < t2;
    struct bs_slice b = bs_intern_str(s->texts, text2);
    int c = memcmp(text1.ptr, b.ptr, BS_MIN(text1.len, b.len));
    return c < 0 || (c == 0 && text1.len < b.len);
}

void bs_samples_keep(struct bs_samples *s, const struct bs_sample *what,
                     struct bs_slice text)
{
    uint32_t kb[3] = { what->provider, what->category, what->detail };
    uint32_t k = bs_intern(s->sample_keys, (const char *)kb, sizeof kb);
    if (k == BS_INTERN_OVERFLOW)
        return;
    if (k >= s->samples_cap) {
        size_t cap = s->samples_cap ? s->samples_cap * 2 : 64;
        while (cap <= k)
            cap *= 2;
        s->samples = bs_xreallocarray(s->samples, cap, sizeof *s->samples);
        memset(s->samples + s->samples_cap, 0,
               (cap - s->samples_cap) * sizeof *s->samples);
        s->samples_cap = cap;
    }
    struct bs_sample *slot = &s->samples[k];
    text.len = BS_MIN(text.len, BS_SAMPLE_MAX);
    if (slot->text && !bs_sample_wins(s, what->time, text, slot->time,
                                      slot->text))
        return;
    uint32_t id = bs_samples_add_text(s, text);
    if (!id)
        return;
    *slot = *what;
    slot->text = id;
}

void bs_samples_note_unexplained(struct bs_samples *s, unsigned category,
                                 struct bs_slice text, int64_t time)
{
    char form[BS_FORM_MAX];
    size_t n = bs_normalise_text(text, form, sizeof form);
    uint32_t k = bs_intern(s->form_keys, form, n);
    if (k == BS_INTERN_OVERFLOW) {
        s->forms_refused++;
        return;
    }
    text.len = BS_MIN(text.len, BS_SAMPLE_MAX);
    if (k > s->nforms) { /* new form: ids are dense from 1 */
        if (s->nforms == s->forms_cap) {
            s->forms_cap = s->forms_cap ? s->forms_cap * 2 : 64;
            s->forms = bs_xreallocarray(s->forms, s->forms_cap,
                                        sizeof *s->forms);
        }
        s->forms[s->nforms++] = (struct bs_unexplained){
            bs_intern(s->texts, form, n), bs_samples_add_text(s, text),
            (uint16_t)category, 0, time
        };
    } else {
        struct bs_unexplained *u = &s->forms[k - 1];
        if (bs_sample_wins(s, time, text, u->time, u->sample)) {
            u->sample = bs_samples_add_text(s, text);
            u->time = time;
        }
    }
    s->forms[k - 1].count++;
}

void bs_samples_merge(struct bs_samples *s, const struct bs_samples *from,
                      uint32_t (*map_id)(void *ctx, uint32_t id), void *ctx)
{
    for (size_t i = 0; i < from->samples_cap; i++) {
        struct bs_sample x = from->samples[i];
        if (!x.text)
            continue;
        x.detail = map_id(ctx, x.detail);
        x.sender = map_id(ctx, x.sender);
        x.rcpt_domain = map_id(ctx, x.rcpt_domain);
        bs_samples_keep(s, &x, bs_intern_str(from->texts, x.text));
    }
    for (size_t i = 0; i < from->nforms; i++) {
        const struct bs_unexplained *u = &from->forms[i];
        struct bs_slice text = bs_intern_str(from->texts, u->sample);
        /* Count once through the normal path, then add the rest. */
        bs_samples_note_unexplained(s, u->category, text, u->time);
        struct bs_slice form = bs_intern_str(from->texts, u->form);
        uint32_t k = bs_intern_find(s->form_keys, form.ptr, form.len);
        if (k != UINT32_MAX && k != BS_INTERN_OVERFLOW && k <= s->nforms)
            s->forms[k - 1].count += u->count - 1;
    }
    s->forms_refused += from->forms_refused;
}

const struct bs_sample *bs_samples_all(const struct bs_samples *s,
                                       size_t *n)
{
    *n = s->samples_cap;
    return s->samples;
}

const struct bs_sample *bs_samples_find(const struct bs_samples *s,
                                        unsigned category, uint32_t detail)
{
    const struct bs_sample *best = NULL;
    for (size_t i = 0; i < s->samples_cap; i++) {
        const struct bs_sample *x = &s->samples[i];
        if (!x->text || x->category != category || x->detail != detail)
            continue;
        if (!best || bs_sample_wins(s, x->time,
                                    bs_intern_str(s->texts, x->text),
                                    best->time, best->text))
            best = x;
    }
    return best;
}

/* Sorting needs the form texts; each element carries its store. */
struct bs_unexplained_ref {
    struct bs_unexplained u;
    const struct bs_samples *s;
};

static int bs_unexplained_cmp(const void *pa, const void *pb)
{
    const struct bs_unexplained_ref *a = pa, *b = pb;
    if (a->u.count != b->u.count)
        return a->u.count > b->u.count ? -1 : 1;
    struct bs_slice x = bs_intern_str(a->s->texts, a->u.form);
    struct bs_slice y = bs_intern_str(b->s->texts, b->u.form);
    int c = memcmp(x.ptr, y.ptr, BS_MIN(x.len, y.len));
    return c ? c : (x.len > y.len) - (x.len < y.len);
}

const struct bs_unexplained *bs_samples_unexplained(struct bs_samples *s,
                                                    size_t *n)
{
    static const struct bs_unexplained none;
    *n = s->nforms;
    if (!s->nforms)
        return &none;
    struct bs_unexplained_ref *refs = bs_xmalloc(s->nforms * sizeof *refs);
    for (size_t i = 0; i < s->nforms; i++)
        refs[i] = (struct bs_unexplained_ref){ s->forms[i], s };
    qsort(refs, s->nforms, sizeof *refs, bs_unexplained_cmp);
    struct bs_unexplained *sorted = bs_xmalloc(s->nforms * sizeof *sorted);
    for (size_t i = 0; i < s->nforms; i++)
        sorted[i] = refs[i].u;
    free(refs);
    free(s->sorted);
    s->sorted = sorted;
    return sorted;
}

struct bs_slice bs_samples_text(const struct bs_samples *s, uint32_t id)
{
    return bs_intern_str(s->texts, id);
}

uint64_t bs_samples_forms_refused(const struct bs_samples *s)
{
    return s->forms_refused;
}

static bool bs_is_lead_punct(char c)
{
    return c == '<' || c == '(' || c == '[' || c == '"' || c == '\'';
}

static bool bs_is_trail_punct(char c)
{
    return c == '>' || c == ')' || c == ']' || c == '"' || c == '\'' ||
           c == ',' || c == '.' || c == ';' || c == ':';
}

static bool bs_is_ip_token(struct bs_slice t)
{
    size_t dots = 0, colons = 0, digits = 0;
    for (size_t i = 0; i < t.len; i++) {
        char c = bs_ascii_lower(t.ptr[i]);
        if (c == '.')
            dots++;
        else if (c == ':')
            colons++;
        else if (bs_is_digit(c))
            digits++;
        else if (!(c >= 'a' && c <= 'f'))
            return false;
    }
    if (colons >= 2)
        return true;
    return dots == 3 && colons == 0 && digits == t.len - 3;
}

/* "5.7.26": an enhanced status code, kept as it is. */
static bool bs_is_status_code(struct bs_slice t)
{
    if (t.len < 5 || t.len > 9 || (t.ptr[0] != '2' && t.ptr[0] != '4' &&
                                   t.ptr[0] != '5') || t.ptr[1] != '.')
        return false;
    size_t dots = 0;
    for (size_t i = 1; i < t.len; i++) {
        if (t.ptr[i] == '.')
            dots++;
        else if (!bs_is_digit(t.ptr[i]))
            return false;
    }
    return dots == 2 && t.ptr[t.len - 1] != '.';
}

/* The mask for a token's core, or NULL to keep it. */
static const char *bs_token_mask(struct bs_slice core)
{
    bool digit = false, all_digits = core.len > 0;
    for (size_t i = 0; i < core.len; i++) {
        if (core.ptr[i] == '@')
            return "<addr>";
        if (bs_is_digit(core.ptr[i]))
            digit = true;
        else
            all_digits = false;
    }
    if (!digit)
        return NULL;
    if (bs_is_status_code(core) || (all_digits && core.len == 3))
        return NULL;
    if (bs_is_ip_token(core))
        return "<ip>";
    if (all_digits)
        return "<n>";
    return core.len >= 4 ? "<id>" : NULL;
}

static void bs_form_put(char *out, size_t cap, size_t *n, const char *p,
                        size_t len)
{
    size_t room = cap - *n;
    if (len > room)
        len = room;
    memcpy(out + *n, p, len);
    *n += len;
}

size_t bs_normalise_text(struct bs_slice text, char *out, size_t cap)
{
    size_t n = 0;
    const char *p = text.ptr, *end = text.ptr + BS_MIN(text.len, 2048);
    while (p < end && n < cap) {
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        const char *s = p;
        while (p < end && *p != ' ' && *p != '\t')
            p++;
        if (p == s)
            break;
        struct bs_slice core = bs_slice_make(s, (size_t)(p - s));
        while (core.len && bs_is_lead_punct(core.ptr[0])) {
            core.ptr++;
            core.len--;
        }
        while (core.len && bs_is_trail_punct(core.ptr[core.len - 1]))
            core.len--;
        const char *mask = bs_token_mask(core);
        if (n)
            bs_form_put(out, cap, &n, " ", 1);
        if (!mask) {
            bs_form_put(out, cap, &n, s, (size_t)(p - s));
            continue;
        }
        bs_form_put(out, cap, &n, s, (size_t)(core.ptr - s));
        bs_form_put(out, cap, &n, mask, strlen(mask));
        bs_form_put(out, cap, &n, core.ptr + core.len,
                    (size_t)(p - core.ptr - core.len));
    }
    return n;
}
