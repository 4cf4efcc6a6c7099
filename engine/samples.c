/*
 * samples.c - sample texts per reason, and unexplained texts by form
 *
 * Both stores key an intern table with a small binary key and keep their
 * records in arrays indexed by the key id, so nothing is allocated per
 * line once a key is known. Authentication failures are also kept per
 * sender domain (a second table of the same kind), so that a report can
 * tell each sender domain what to fix with its own text: the From domain
 * or IP address a hint names comes from that sender's own mail.
 */
#include "samples.h"

#include "classify.h"
#include "intern.h"

#include <stdlib.h>

struct bs_sample_table {
    struct bs_intern *keys; /* binary keys */
    struct bs_sample *slots; /* by key id */
    size_t cap;
};

struct bs_samples {
    struct bs_intern *texts;
    struct bs_sample_table reasons; /* (provider, category, detail) */
    struct bs_sample_table senders; /* (provider, category, detail,
                                       sender) of auth failures */
    struct bs_intern *form_keys;   /* normalised form */
    struct bs_unexplained *forms;  /* by form key id - 1 */
    size_t nforms, forms_cap;
    struct bs_unexplained *sorted; /* last bs_samples_unexplained() */
    uint64_t forms_refused;
    bool frozen; /* an event outside the window: keep nothing */
};

struct bs_samples *bs_samples_new(uint32_t max_texts, uint32_t max_forms)
{
    struct bs_samples *s = bs_xcalloc(1, sizeof *s);
    s->texts = bs_intern_new(max_texts);
    s->reasons.keys = bs_intern_new(max_texts);
    s->senders.keys = bs_intern_new(max_texts);
    s->form_keys = bs_intern_new(max_forms);
    return s;
}

void bs_samples_free(struct bs_samples *s)
{
    if (!s)
        return;
    bs_intern_free(s->texts);
    bs_intern_free(s->reasons.keys);
    bs_intern_free(s->senders.keys);
    bs_intern_free(s->form_keys);
    free(s->reasons.slots);
    free(s->senders.slots);
    free(s->forms);
    free(s->sorted);
    free(s);
}

/* An empty slice may have a NULL ptr (an event without a text), which
 * memcpy, memcmp and pointer arithmetic must never see: the entry points
 * below give it a valid one. */
static struct bs_slice bs_text_nonnull(struct bs_slice t)
{
    return t.ptr ? t : bs_slice_make("", 0);
}

uint32_t bs_samples_add_text(struct bs_samples *s, struct bs_slice t)
{
    t = bs_text_nonnull(t);
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

/* The slot of a key in a table, or NULL when the cap refused the key. */
static struct bs_sample *bs_sample_slot(struct bs_sample_table *t,
                                        const uint32_t *kb, size_t n)
{
    uint32_t k = bs_intern(t->keys, (const char *)kb, n * sizeof *kb);
    if (k == BS_INTERN_OVERFLOW)
        return NULL;
    if (k >= t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        while (cap <= k)
            cap *= 2;
        t->slots = bs_xreallocarray(t->slots, cap, sizeof *t->slots);
        memset(t->slots + t->cap, 0, (cap - t->cap) * sizeof *t->slots);
        t->cap = cap;
    }
    return &t->slots[k];
}

static void bs_sample_offer(struct bs_samples *s, struct bs_sample *slot,
                            const struct bs_sample *what,
                            struct bs_slice text)
{
    if (!slot)
        return;
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

void bs_samples_keep(struct bs_samples *s, const struct bs_sample *what,
                     struct bs_slice text)
{
    if (s->frozen)
        return;
    text = bs_text_nonnull(text);
    uint32_t kb[4] = { what->provider, what->category, what->detail,
                       what->sender };
    bs_sample_offer(s, bs_sample_slot(&s->reasons, kb, 3), what, text);
    if (what->category == BS_CAT_AUTHFAILURE)
        bs_sample_offer(s, bs_sample_slot(&s->senders, kb, 4), what, text);
}

void bs_samples_note_unexplained(struct bs_samples *s, unsigned category,
                                 struct bs_slice text, int64_t time)
{
    if (s->frozen)
        return;
    text = bs_text_nonnull(text);
    char form[BS_FORM_MAX];
    size_t n = bs_normalise_text(text, form, sizeof form);
    bs_samples_add_unexplained(s, category, bs_slice_make(form, n), text,
                               time, 1);
}

void bs_samples_add_unexplained(struct bs_samples *s, unsigned category,
                                struct bs_slice form, struct bs_slice text,
                                int64_t time, uint64_t count)
{
    form = bs_text_nonnull(form);
    text = bs_text_nonnull(text);
    const char *f = form.ptr;
    size_t n = BS_MIN(form.len, (size_t)BS_FORM_MAX);
    uint32_t k = bs_intern(s->form_keys, f, n);
    if (k == BS_INTERN_OVERFLOW) {
        s->forms_refused += count;
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
            bs_intern(s->texts, f, n), bs_samples_add_text(s, text),
            (uint16_t)category, 0, time
        };
    } else {
        struct bs_unexplained *u = &s->forms[k - 1];
        if (bs_sample_wins(s, time, text, u->time, u->sample)) {
            u->sample = bs_samples_add_text(s, text);
            u->time = time;
        }
    }
    s->forms[k - 1].count += count;
}

void bs_samples_merge(struct bs_samples *s, const struct bs_samples *from,
                      uint32_t (*map_id)(void *ctx, uint32_t id), void *ctx)
{
    /* Offering a sender's sample to the reasons table again changes
     * nothing there: it was offered to it before, in from. */
    const struct bs_sample_table *tables[2] = { &from->reasons,
                                                &from->senders };
    for (int t = 0; t < 2; t++)
        for (size_t i = 0; i < tables[t]->cap; i++) {
            struct bs_sample x = tables[t]->slots[i];
            if (!x.text)
                continue;
            x.detail = map_id(ctx, x.detail);
            x.sender = map_id(ctx, x.sender);
            x.rcpt_domain = map_id(ctx, x.rcpt_domain);
            bs_samples_keep(s, &x, bs_intern_str(from->texts, x.text));
        }
    for (size_t i = 0; i < from->nforms; i++) {
        const struct bs_unexplained *u = &from->forms[i];
        bs_samples_add_unexplained(s, u->category,
                                   bs_intern_str(from->texts, u->form),
                                   bs_intern_str(from->texts, u->sample),
                                   u->time, u->count);
    }
    s->forms_refused += from->forms_refused;
}

const struct bs_sample *bs_samples_all(const struct bs_samples *s,
                                       size_t *n)
{
    *n = s->reasons.cap;
    return s->reasons.slots;
}

const struct bs_sample *bs_samples_of_senders(const struct bs_samples *s,
                                              size_t *n)
{
    *n = s->senders.cap;
    return s->senders.slots;
}

const struct bs_sample *bs_samples_find_sender(const struct bs_samples *s,
                                               unsigned provider,
                                               unsigned category,
                                               uint32_t detail,
                                               uint32_t sender)
{
    uint32_t kb[4] = { provider, category, detail, sender };
    uint32_t k = bs_intern_find(s->senders.keys, (const char *)kb,
                                sizeof kb);
    if (k == UINT32_MAX || k == BS_INTERN_OVERFLOW || k >= s->senders.cap ||
        !s->senders.slots[k].text)
        return NULL;
    return &s->senders.slots[k];
}

const struct bs_sample *bs_samples_find(const struct bs_samples *s,
                                        unsigned category, uint32_t detail)
{
    const struct bs_sample *best = NULL;
    for (size_t i = 0; i < s->reasons.cap; i++) {
        const struct bs_sample *x = &s->reasons.slots[i];
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

void bs_samples_freeze(struct bs_samples *s, bool frozen)
{
    s->frozen = frozen;
}

void bs_samples_add_refused(struct bs_samples *s, uint64_t n)
{
    s->forms_refused += n;
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
